"""sources.sockdiag and sources.procnet on recorded kernel replies and /proc/net files."""

from __future__ import annotations

import json
import socket
import struct
from pathlib import Path

import pytest

from spamtrace.errors import KernelFeatureUnavailable, UsageError
from spamtrace.model import Endpoint, TcpState
from spamtrace.sources import procnet, sockdiag
from spamtrace.sources.sockdiag import (
    LIVE_STATES,
    DumpDone,
    build_bytecode,
    build_request,
    parse_messages,
)

DATA = Path(__file__).parent / "data"
META = json.loads((DATA / "sockdiag.json").read_text())
PORT = META["port"]


def _parse_all(data: bytes, **kw: object) -> list[sockdiag.SocketRecord]:
    with pytest.raises(DumpDone) as done:
        parse_messages(data, **kw)  # type: ignore[arg-type]
    records: list[sockdiag.SocketRecord] = done.value.args[0]
    return records


def test_recorded_ipv4_reply() -> None:
    (rec,) = _parse_all((DATA / "sockdiag-v4.bin").read_bytes())
    assert rec.family == socket.AF_INET and rec.state is TcpState.ESTABLISHED
    assert rec.remote == Endpoint("127.0.0.1", PORT)
    assert rec.local == Endpoint(*META["v4"]["local"])
    assert rec.uid == META["uid"] and rec.inode == META["v4"]["inode"]
    assert rec.source == "sockdiag"
    assert str(rec.remote) == f"127.0.0.1:{PORT}"


def test_recorded_ipv6_reply_brackets() -> None:
    (rec,) = _parse_all((DATA / "sockdiag-v6.bin").read_bytes())
    assert rec.family == socket.AF_INET6
    assert rec.remote == Endpoint("::1", PORT) and str(rec.remote) == f"[::1]:{PORT}"
    assert rec.inode == META["v6"]["inode"]


def _msg(state: int, dport: int, family: int = socket.AF_INET, uid: int = 1001) -> bytes:
    src = bytes([10, 0, 0, 1]) + b"\0" * 12
    dst = bytes([10, 0, 0, 2]) + b"\0" * 12
    if family == socket.AF_INET6:
        dst = socket.inet_pton(socket.AF_INET6, "::ffff:10.0.0.2")
    body = struct.pack(
        "=BBBB2s2s16s16sIQIIIII", family, state, 0, 0, (40000).to_bytes(2, "big"),
        dport.to_bytes(2, "big"), src, dst, 0, 0, 0, 0, 0, uid, 4242,
    )  # fmt: skip
    return struct.pack("=IHHII", 16 + len(body), 20, 2, 1, 0) + body


DONE = struct.pack("=IHHII", 20, 3, 2, 1, 0) + b"\0\0\0\0"


def test_synthetic_states_mapped_addresses_and_recheck() -> None:
    data = (
        _msg(2, 25)  # SYN_SENT
        + _msg(1, 587, socket.AF_INET6)  # v4-mapped on a v6 socket -> shown as IPv4
        + _msg(1, 80)  # not an SMTP port: the kernel should not send it; dropped anyway
        + _msg(6, 25)  # TIME_WAIT: not a live state
        + _msg(99, 25)  # unknown state
        + DONE
    )
    recs = _parse_all(data, ports={25, 587}, states=LIVE_STATES)
    assert [(r.state, str(r.remote)) for r in recs] == [
        (TcpState.SYN_SENT, "10.0.0.2:25"),
        (TcpState.ESTABLISHED, "10.0.0.2:587"),
    ]


def test_truncated_and_error_messages() -> None:
    assert parse_messages(_msg(1, 25)[:50]) == []  # truncated: ignored
    assert parse_messages(b"\x01\x02") == []
    err = struct.pack("=IHHII", 36, 2, 0, 1, 0) + struct.pack("=i", -22) + b"\0" * 16
    with pytest.raises(OSError) as exc:
        parse_messages(err)
    assert exc.value.errno == 22


def test_bytecode_layout() -> None:
    bc = build_bytecode([25, 587])
    ops = [struct.unpack_from("=BBH", bc, i) for i in range(0, len(bc), 4)]
    assert len(bc) == 36
    assert ops == [
        (4, 8, 20), (0, 0, 25), (5, 8, 12), (0, 0, 25), (1, 4, 20),
        (4, 8, 20), (0, 0, 587), (5, 8, 12), (0, 0, 587),
    ]  # fmt: skip
    single = build_bytecode([25])
    assert len(single) == 16
    req = build_request(socket.AF_INET6, [25], {TcpState.ESTABLISHED, TcpState.SYN_SENT})
    assert struct.unpack_from("=I", req)[0] == len(req)
    fam, proto, _ext, _pad, states = struct.unpack_from("=BBBBI", req, 16)
    assert (fam, proto, states) == (socket.AF_INET6, 6, (1 << 1) | (1 << 2))


def _run_bytecode(bc: bytes, dport: int) -> bool:
    """A transcription of the kernel's inet_diag_bc_run for D_GE/D_LE/JMP."""
    pos, length = 0, len(bc)
    while length > 0:
        code, yes, no = struct.unpack_from("=BBH", bc, pos)
        if code == 1:
            ok = False
        else:
            value = struct.unpack_from("=BBH", bc, pos + 4)[2]
            ok = dport >= value if code == 4 else dport <= value
        step = yes if ok else no
        pos, length = pos + step, length - step
    return length == 0


@pytest.mark.parametrize("ports", [[25], [25, 587], [25, 465, 587, 2525], list(range(1, 40))])
def test_bytecode_accepts_exactly_the_ports(ports: list[int]) -> None:
    bc = build_bytecode(ports)
    for dport in [*ports, 0, 24, 26, 586, 588, 2524, 2526, 65535]:
        assert _run_bytecode(bc, dport) is (dport in ports)


@pytest.mark.parametrize("bad", [[], [0], [70000], ["25"], [True]])
def test_bad_ports(bad: list[object]) -> None:
    with pytest.raises(UsageError):
        build_bytecode(bad)  # type: ignore[arg-type]


def test_procnet_fixture_files(tmp_path: Path) -> None:
    net = tmp_path / "net"
    net.mkdir()
    tcp = (DATA / "proc-net-tcp").read_text()
    tcp += "   9: 0100007F:9C40 0200000A:0019 06 0:0 0:0 0 1001 0 0 1\n"  # TIME_WAIT
    tcp += "  10: 0100007F:9C41 0200000A:0019 02 0:0 0:0 0 1001 0 5555 1\n"  # SYN_SENT to :25
    tcp += "garbage\n  11: zz:zz yy 01 0 0 0 0 0 0\n"
    (net / "tcp").write_text(tcp)
    (net / "tcp6").write_text((DATA / "proc-net-tcp6").read_text())
    recs = procnet.read_smtp_sockets([25, PORT], LIVE_STATES, procfs=str(tmp_path))
    got = {(str(r.remote), r.inode, r.uid, r.state) for r in recs}
    assert (f"127.0.0.1:{PORT}", META["v4"]["inode"], 0, TcpState.ESTABLISHED) in got
    assert (f"[::1]:{PORT}", META["v6"]["inode"], 0, TcpState.ESTABLISHED) in got
    assert ("10.0.0.2:25", 5555, 1001, TcpState.SYN_SENT) in got
    assert all(r.source == "procnet" and r.remote.port in (25, PORT) for r in recs)
    assert not any(r.state is TcpState.TIME_WAIT for r in recs)
    with pytest.raises(KernelFeatureUnavailable):
        procnet.read_smtp_sockets([25], LIVE_STATES, procfs=str(tmp_path / "no"))


def test_fallback_to_procnet(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(*_a: object, **_k: object) -> list[object]:
        raise KernelFeatureUnavailable("no sock_diag")

    seen: list[object] = []
    monkeypatch.setattr(sockdiag, "dump_sockdiag", unavailable)
    monkeypatch.setattr(
        procnet, "read_smtp_sockets", lambda ports, states: seen.append(ports) or []
    )
    assert sockdiag.dump_smtp_sockets([25, 25, 587]) == []
    assert seen == [(25, 587)]


def test_live_dump_sees_a_loopback_connection() -> None:
    """Real kernel, no root needed: a connection to a local listener is in the dump."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            recs = sockdiag.dump_smtp_sockets([port])
            local = client.getsockname()
    assert [(r.local.port, r.remote.port) for r in recs] == [(local[1], port)]


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_live_dump_one_walk_and_per_family_agree(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real kernel: the one-walk request (both families) and the per-family fallback (used when
    the kernel refuses it) find the same IPv4 and IPv6 connections."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as server:
        server.bind((host, 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection((host, port)) as client:
            local = client.getsockname()[1]
            one_walk = sockdiag.dump_sockdiag([port])
            # the one-walk request itself answers (not only through the fallback)
            with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 4) as nl:
                request = sockdiag.build_request_any_family([port], sockdiag.LIVE_STATES)
                direct = sockdiag._dump(nl, request, [port], sockdiag.LIVE_STATES)
            # a request the kernel rejects (EINVAL: no body) forces the fallback
            bodyless = struct.pack("=IHHII", 16, sockdiag.TCPDIAG_GETSOCK, 0x301, 1, 0)
            monkeypatch.setattr(sockdiag, "build_request_any_family", lambda *a, **k: bodyless)
            per_family = sockdiag.dump_sockdiag([port])
    for recs in (one_walk, direct, per_family):
        assert [(r.family, r.local.ip, r.local.port, r.remote.port) for r in recs] == [
            (family, host, local, port)
        ]
