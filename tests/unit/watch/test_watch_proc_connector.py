"""Proc-connector messages parsed from raw bytes (as the kernel sends them)."""

from __future__ import annotations

import struct

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
