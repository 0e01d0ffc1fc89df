"""Proc-connector messages parsed from raw bytes (as the kernel sends them)."""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Callable
from typing import Any

import pytest

from spamtrace.sources.proc_connector import (
    CN_IDX_PROC,
    CN_VAL_PROC,
    MalformedProcMessage,
    ProcEventKind,
    listen_message,
    parse_proc_messages,
)


def msg(what: int, body: bytes, ts_ns: int = 5_000_000_000, idx: int = CN_IDX_PROC) -> bytes:
    event = struct.pack("=IIQ", what, 1, ts_ns) + body
    cn = struct.pack("=IIIIHH", idx, CN_VAL_PROC, 0, 0, len(event), 0) + event
    return struct.pack("=IHHII", 16 + len(cn), 3, 0, 0, 0) + cn


def test_exec_event() -> None:
    (ev,) = parse_proc_messages(msg(0x2, struct.pack("=ii", 4242, 4242)))
    assert ev.kind is ProcEventKind.EXEC and ev.pid == 4242 and ev.tgid == 4242
    assert ev.monotonic == pytest.approx(5.0)
    assert ev.is_process


def test_fork_uid_exit_comm_events() -> None:
    data = (
        msg(0x1, struct.pack("=iiii", 10, 10, 11, 11))
        + msg(0x4, struct.pack("=iiII", 11, 11, 1001, 1001))
        + msg(0x80000000, struct.pack("=iiIIii", 11, 11, 0, 17, 10, 10))
        + msg(0x200, struct.pack("=ii", 11, 11) + b"php\0" + b"\0" * 12)
    )
    fork, uid, exit_, comm = parse_proc_messages(data)
    assert fork.kind is ProcEventKind.FORK and fork.parent_tgid == 10 and fork.tgid == 11
    assert uid.kind is ProcEventKind.UID and uid.ruid == 1001 and uid.euid == 1001
    assert exit_.kind is ProcEventKind.EXIT and exit_.parent_pid == 10 and exit_.exit_code == 0
    assert comm.kind is ProcEventKind.COMM and comm.comm == "php"


def test_thread_exit_is_not_a_process() -> None:
    (ev,) = parse_proc_messages(msg(0x80000000, struct.pack("=iiII", 12, 11, 0, 0)))
    assert not ev.is_process


def test_listen_ack_unknown_kinds_and_other_connectors_are_skipped() -> None:
    data = msg(0x0, struct.pack("=i", 0)) + msg(0x12345, b"\0" * 8)
    data += msg(0x2, struct.pack("=ii", 1, 1), idx=7)
    assert parse_proc_messages(data) == []


@pytest.mark.parametrize(
    "data",
    [
        msg(0x2, struct.pack("=ii", 1, 1))[:30],  # cut inside the headers
        msg(0x2, b"\x01\x00"),  # EXEC body truncated
        struct.pack("=IHHII", 4, 3, 0, 0, 0),  # length smaller than the header
        struct.pack("=IHHII", 999, 3, 0, 0, 0) + b"\0" * 20,  # longer than the datagram
    ],
)
def test_truncated_messages_raise(data: bytes) -> None:
    with pytest.raises(MalformedProcMessage):
        parse_proc_messages(data)


def test_listen_message_shape() -> None:
    data = listen_message()
    length, kind = struct.unpack_from("=IH", data)
    assert length == len(data) == 16 + 20 + 4 and kind == 3
    assert struct.unpack_from("=I", data, 36)[0] == 1


def test_filtered_listen_only_on_kernels_that_know_it() -> None:
    from spamtrace.sources.proc_connector import WANTED_EVENTS, kernel_filters_events

    assert kernel_filters_events("6.6.0") and kernel_filters_events("6.18.44-fc")
    assert not kernel_filters_events("6.1.0-27-amd64") and not kernel_filters_events("5.15.0")
    assert not kernel_filters_events("garbage")
    data = listen_message(events=int(WANTED_EVENTS))
    assert len(data) == 36 + 8
    op, mask = struct.unpack_from("=II", data, 36)
    assert op == 1 and mask & ProcEventKind.EXEC and not mask & ProcEventKind.COMM


class _FakeSock:
    def __init__(self, script: list[object]) -> None:
        self.script = script

    def recv(self, size: int) -> bytes:
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        assert isinstance(item, bytes)
        return item


def test_enobufs_is_counted_and_reading_goes_on() -> None:
    import errno

    from spamtrace.sources.proc_connector import ProcConnectorSource

    src = ProcConnectorSource.__new__(ProcConnectorSource)
    src._events = src._enobufs = src._malformed = 0
    src.rcvbuf = 0
    src._lazy, src._held = None, []
    src._sock = _FakeSock(  # type: ignore[assignment]
        [
            msg(0x2, struct.pack("=ii", 1, 1)),
            OSError(errno.ENOBUFS, "No buffer space available"),
            b"\x01\x02",  # garbage datagram
            msg(0x2, struct.pack("=ii", 2, 2)),
            BlockingIOError(),
        ]
    )
    events = src.read_events()
    assert [e.pid for e in events] == [1, 2]
    stats = src.stats()
    assert stats.enobufs == 1 and stats.events == 2
    src._sock = None


def whole(what: int, body: bytes, ts_ns: int = 5_000_000_000) -> bytes:
    """The datagram as the kernel sends it: the event body padded to the union's 24 bytes."""
    return msg(what, body.ljust(24, b"\0"), ts_ns)


def test_the_kernels_datagrams_parse_alike_on_the_fast_path_and_the_reference() -> None:
    import random

    from spamtrace.sources.proc_connector import parse_proc_datagram

    rng = random.Random(7)
    kinds = [0x1, 0x2, 0x4, 0x80000000, 0x0, 0x200, 0x40, 0x12345]
    seen = 0
    for _ in range(3000):
        body = bytes(rng.randrange(256) for _ in range(24))
        data = bytearray(whole(rng.choice(kinds), body, rng.randrange(1 << 63)))
        assert len(data) == 76
        if rng.random() < 0.3:  # a damaged header: length, type, connector ids, cn length
            at = rng.choice([0, 4, 16, 20, 32])
            data[at] ^= 1 << rng.randrange(8)
        ref: object = None
        fast: object = None
        with contextlib.suppress(MalformedProcMessage):
            ref = parse_proc_messages(bytes(data))
        with contextlib.suppress(MalformedProcMessage):
            fast = parse_proc_datagram(bytes(data))
        assert fast == ref, bytes(data).hex()
        seen += bool(ref)
    assert seen > 1000  # most were events, not only refusals


def test_the_fast_path_keeps_the_kinds_and_unsigned_ids() -> None:
    from spamtrace.sources.proc_connector import parse_proc_datagram

    (uid,) = parse_proc_datagram(whole(0x4, struct.pack("=iiII", 9, 9, 4294967295, 1001)))
    assert uid.kind is ProcEventKind.UID and uid.ruid == 4294967295 and uid.euid == 1001
    (ex,) = parse_proc_datagram(whole(0x80000000, struct.pack("=iiIIii", 9, 9, 256, 17, 1, 1)))
    assert ex.kind is ProcEventKind.EXIT and ex.exit_code == 256 and ex.parent_tgid == 1


class _Queue:
    """A socket whose datagrams arrive as the test says: ``script`` items are datagrams,
    or callables run when the queue is found empty (something the kernel sends meanwhile)."""

    def __init__(self) -> None:
        self.queue: list[bytes] = []
        self.on_empty: list[Callable[[], None]] = []
        self.reads = 0

    def recv(self, size: int, flags: int = 0) -> bytes:
        self.reads += 1
        if not self.queue and self.on_empty:
            self.on_empty.pop(0)()
            raise BlockingIOError()
        if not self.queue:
            raise BlockingIOError()
        return self.queue.pop(0)


def _split_source() -> tuple[Any, _Queue, _Queue]:
    from spamtrace.sources.proc_connector import ProcConnectorSource

    src = ProcConnectorSource.__new__(ProcConnectorSource)
    src._events = src._enobufs = src._malformed = 0
    src.rcvbuf = 0
    execs, lazy = _Queue(), _Queue()
    src._sock, src._lazy, src._held = execs, lazy, []  # type: ignore[assignment]
    return src, execs, lazy


def test_split_sockets_are_merged_in_kernel_time_order() -> None:
    src, execs, lazy = _split_source()
    assert src.split
    lazy.queue += [
        whole(0x1, struct.pack("=iiii", 10, 10, 11, 11), ts_ns=1_000),
        whole(0x80000000, struct.pack("=iiIIii", 11, 11, 0, 17, 10, 10), ts_ns=3_000),
    ]
    execs.queue.append(whole(0x2, struct.pack("=ii", 11, 11), ts_ns=2_000))
    events = src.read_events()
    assert [e.kind.name for e in events] == ["FORK", "EXEC", "EXIT"]
    src._sock = src._lazy = None


def test_a_drain_never_hands_out_a_fork_without_the_exec_that_came_in_meanwhile() -> None:
    """An exec arrives while the forks and exits are being read: the drain reads the exec
    socket again and ends only once it is empty, so the exit of a process is never handed
    out before its exec."""
    src, execs, lazy = _split_source()
    lazy.queue.append(whole(0x1, struct.pack("=iiii", 10, 10, 11, 11), ts_ns=1_000))

    def exec_and_exit() -> None:  # the kernel, between our two reads
        execs.queue.append(whole(0x2, struct.pack("=ii", 11, 11), ts_ns=2_000))
        lazy.queue.append(whole(0x80000000, struct.pack("=iiIIii", 11, 11, 0, 17, 10, 10), 3_000))

    execs.on_empty.append(exec_and_exit)
    events = src.read_events()
    assert [e.kind.name for e in events] == ["FORK", "EXEC", "EXIT"]
    src._sock = src._lazy = None


def test_execs_read_at_wake_up_come_again_in_order_with_the_next_drain() -> None:
    src, execs, lazy = _split_source()
    lazy.queue.append(whole(0x1, struct.pack("=iiii", 10, 10, 11, 11), ts_ns=1_000))
    execs.queue.append(whole(0x2, struct.pack("=ii", 11, 11), ts_ns=2_000))
    woke = src.read_execs()
    assert [(e.kind.name, e.tgid) for e in woke] == [("EXEC", 11)]
    assert lazy.reads == 0  # the forks and exits did not wake anyone and were not read
    events = src.read_events()
    assert [e.kind.name for e in events] == ["FORK", "EXEC"]
    assert src.read_events() == []  # handed out once
    src._sock = src._lazy = None


def test_one_socket_reads_everything_at_wake_up_and_returns_the_execs() -> None:
    src, execs, _ = _split_source()
    src._lazy = None
    assert not src.split
    execs.queue += [
        whole(0x1, struct.pack("=iiii", 10, 10, 11, 11), ts_ns=1_000),
        whole(0x2, struct.pack("=ii", 11, 11), ts_ns=2_000),
    ]
    assert [e.kind.name for e in src.read_execs()] == ["EXEC"]
    assert [e.kind.name for e in src.read_events()] == ["FORK", "EXEC"]
    src._sock = None
