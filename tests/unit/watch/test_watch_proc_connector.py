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
