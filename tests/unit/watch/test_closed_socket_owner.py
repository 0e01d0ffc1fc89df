"""A connect whose process and socket are gone is never given root's uid from sock_diag.

The kernel reads a socket's owner from its file (``sock_i_uid``): once its process has
closed it (FIN-WAIT-1/2, LAST-ACK, CLOSING: an orphan, inode 0) it says uid 0. A short PHP
sender (an account's uid) that made three connects and exited before `watch` read it, with
no proc connector (a network namespace of its own), had each connect attributed
``uid=0(root) [uid-only]`` from its own closed sockets, and an incident opened for root
(which is never blocked)."""

from __future__ import annotations

import socket
import struct
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import attributor, dead_pid

from spamtrace.attribution import attributor as attributor_mod
from spamtrace.model import (
    AttributionMethod,
    Endpoint,
    SmtpConnectAttempted,
    SocketRecord,
    TcpState,
    Verdict,
)
from spamtrace.sources import procnet, sockdiag

SENDER_UID = 1003
_FIN_WAIT2, _ESTABLISHED = 5, 1


def _kernel_msg(state: int, sport: int, uid: int, inode: int) -> bytes:
    """One inet_diag_msg of a socket from 10.0.0.1:``sport`` to 10.0.0.2:25."""
    body = struct.pack(
        "=BBBB2s2s16s16sIQIIIII", socket.AF_INET, state, 0, 0, sport.to_bytes(2, "big"),
        (25).to_bytes(2, "big"), bytes([10, 0, 0, 1]) + b"\0" * 12,
        bytes([10, 0, 0, 2]) + b"\0" * 12, 0, 0, 0, 0, 0, uid, inode,
    )  # fmt: skip
    return struct.pack("=IHHII", 16 + len(body), 20, 2, 1, 0) + body


_DONE = struct.pack("=IHHII", 20, 3, 2, 1, 0) + b"\0\0\0\0"


def _parsed(reply: bytes) -> list[SocketRecord]:
    with pytest.raises(sockdiag.DumpDone) as done:
        sockdiag.parse_messages(reply, ports={25}, states=sockdiag.LIVE_STATES)
    records: list[SocketRecord] = done.value.args[0]
    return records


def _connect(pid: int) -> SmtpConnectAttempted:
    return SmtpConnectAttempted(
        monotonic=time.monotonic(), wall=time.time(), pid=pid, tid=pid, comm="php",
        family=socket.AF_INET, local=Endpoint("10.0.0.1", 0), remote=Endpoint("10.0.0.2", 25),
    )  # fmt: skip


def _replay(monkeypatch: pytest.MonkeyPatch, reply: bytes) -> list[object]:
    """The sender's three connects attributed after it exited (no exec cache: no proc
    connector), sock_diag answering ``reply`` (the kernel's bytes)."""
    monkeypatch.setattr(sockdiag, "dump_sockdiag", lambda ports, states=None: _parsed(reply))
    a = attributor()
    assert a.socket_owner is attributor_mod.socket_owner  # the real one, on the reply
    pid = dead_pid()
    return [a.attempt(_connect(pid)) for _ in range(3)]


def test_a_gone_senders_closed_sockets_do_not_make_it_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # its three sockets, closed by the script before it exited: orphans the kernel says
    # are root's (uid 0, inode 0)
    reply = b"".join(_kernel_msg(_FIN_WAIT2, p, 0, 0) for p in (46518, 46520, 46528))
    for att in _replay(monkeypatch, reply + _DONE):
        assert att.process is None  # type: ignore[attr-defined]
        assert att.verdict is Verdict.UNKNOWN  # type: ignore[attr-defined]
        assert att.account is None  # type: ignore[attr-defined]


def test_an_unknown_owner_beside_a_known_one_is_not_that_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One open socket of uid 1003 to the same place, two closed ones of no known owner:
    the connect's may be a closed one (another process's): its uid is not known."""
    reply = (
        _kernel_msg(_ESTABLISHED, 40000, SENDER_UID, 4242)
        + _kernel_msg(_FIN_WAIT2, 40002, 0, 0)
        + _DONE
    )
    for att in _replay(monkeypatch, reply):
        assert att.process is None  # type: ignore[attr-defined]


def test_an_open_socket_still_names_its_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    reply = _kernel_msg(_ESTABLISHED, 40000, SENDER_UID, 4242) + _DONE
    for att in _replay(monkeypatch, reply):
        p = att.process  # type: ignore[attr-defined]
        assert p is not None and p.uid == SENDER_UID
        assert p.method is AttributionMethod.UID_ONLY


@pytest.mark.parametrize(
    ("state", "uid", "inode", "owner"),
    [
        (TcpState.FIN_WAIT2, 0, 0, None),  # closed: the kernel's 0 is not its owner's
        (TcpState.LAST_ACK, 0, 0, None),
        (TcpState.FIN_WAIT2, SENDER_UID, 0, SENDER_UID),  # a kernel that keeps the owner
        (TcpState.ESTABLISHED, 0, 77, 0),  # root's own open socket
        (TcpState.TIME_WAIT, SENDER_UID, 0, None),
    ],
)
def test_owner_uid(state: TcpState, uid: int, inode: int, owner: int | None) -> None:
    assert sockdiag.owner_uid(state, uid, inode) == owner


def test_procnet_closed_socket_has_no_owner() -> None:
    lines = [
        "   0: 0100000A:9C40 0200000A:0019 05 0:0 0:0 0 0 0 0 1\n",  # FIN_WAIT2, closed
        "   1: 0100000A:9C42 0200000A:0019 01 0:0 0:0 0 1003 0 4242 1\n",  # open
    ]
    recs = procnet.parse_lines(lines, socket.AF_INET, {25}, sockdiag.LIVE_STATES)
    assert [(r.state, r.uid) for r in recs] == [
        (TcpState.FIN_WAIT2, None),
        (TcpState.ESTABLISHED, 1003),
    ]


def test_real_kernel_a_closed_connect_has_no_owner() -> None:
    """Real kernel, loopback: a client that closes its connection to a listener that keeps
    its end (a dumb SMTP listener) leaves a FIN-WAIT-2 orphan, which the kernel reports as
    uid 0 with no inode. Neither the dump nor a connect's socket owner calls it root's."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        local = client.getsockname()
        accepted, _ = server.accept()
        with accepted:
            client.close()
            deadline = time.monotonic() + 5
            mine: list[SocketRecord] = []
            while time.monotonic() < deadline:
                mine = [
                    r for r in sockdiag.dump_sockdiag([port]) if r.local.port == local[1]
                ]  # fmt: skip
                if mine and mine[0].state is TcpState.FIN_WAIT2:
                    break
                time.sleep(0.01)
            assert [(r.state, r.inode, r.uid) for r in mine] == [(TcpState.FIN_WAIT2, 0, None)]
            ev = SmtpConnectAttempted(
                monotonic=time.monotonic(), wall=time.time(), pid=dead_pid(), tid=0,
                comm="php", family=socket.AF_INET, local=Endpoint("127.0.0.1", 0),
                remote=Endpoint("127.0.0.1", port),
            )  # fmt: skip
            assert attributor_mod.socket_owner(ev) is None
