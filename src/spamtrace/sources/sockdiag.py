"""Snapshot of TCP sockets to remote SMTP ports with netlink sock_diag (what ``ss`` uses).

One netlink dump with an ``INET_DIAG_REQ_BYTECODE`` filter, so the kernel returns only sockets
whose *remote* port is one of the SMTP ports, in a live state. The dump is the
``TCPDIAG_GETSOCK`` request with no address family, which makes the kernel walk its TCP hash
tables once for IPv4 and IPv6 together; where that request is refused, one
``SOCK_DIAG_BY_FAMILY`` dump per family (two walks, what ``ss`` does). On a server with 12,000
other sockets this takes a few milliseconds, and no root is needed. Each reply carries the
socket's owner uid and inode; the inode leads to the process
(:func:`spamtrace.attribution.process.find_socket_owners`).

The filter uses ``D_GE port`` + ``D_LE port`` pairs (available on every kernel since 2.6,
unlike ``D_EQ``), one pair per port, accepting on the first match::

    per port i:  D_GE p  (yes -> +8 D_LE, no -> next port or reject)
                 D_LE p  (yes -> +8 JMP or accept, no -> next port or reject)
                 JMP     (-> accept: the end of the program), omitted after the last port

The kernel accepts a socket when the program ends exactly at its length and rejects it when a
jump lands 4 bytes past the end; its validator walks ``yes`` offsets, so every jump target is
on that chain. Only the current network namespace is seen (like ``ss``).

If netlink sock_diag cannot be used (no ``NETLINK_SOCK_DIAG``, refused by a sandbox), this falls
back to parsing ``/proc/net/tcp{,6}`` (:mod:`spamtrace.sources.procnet`).
"""

from __future__ import annotations

import errno
import os
import socket
import struct
from typing import TYPE_CHECKING

from spamtrace.errors import KernelFeatureUnavailable, UsageError
from spamtrace.model import Endpoint, SocketRecord, TcpState
from spamtrace.safetext import quoted

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
TCPDIAG_GETSOCK = 18  # the inet_diag request that takes AF_UNSPEC: both families, one walk
_REPLY_TYPES = (SOCK_DIAG_BY_FAMILY, TCPDIAG_GETSOCK)
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
INET_DIAG_REQ_BYTECODE = 1
_BC_JMP, _BC_D_GE, _BC_D_LE = 1, 4, 5

#: States of a socket that belongs to a live process (TIME_WAIT/CLOSE have none; LISTEN and
#: SYN_RECV are server side).
LIVE_STATES: frozenset[TcpState] = frozenset(
    {
        TcpState.SYN_SENT,
        TcpState.ESTABLISHED,
        TcpState.FIN_WAIT1,
        TcpState.FIN_WAIT2,
        TcpState.CLOSE_WAIT,
        TcpState.LAST_ACK,
        TcpState.CLOSING,
    }
)

_NLMSGHDR = struct.Struct("=IHHII")
_MSG = struct.Struct("=BBBB2s2s16s16sIQIIIII")  # inet_diag_msg, 72 bytes
_AF_INET, _AF_INET6 = socket.AF_INET, socket.AF_INET6
_V4_MAPPED = b"\0" * 10 + b"\xff\xff"
_RECV_SIZE = 1 << 18


def _check_ports(ports: Sequence[int]) -> tuple[int, ...]:
    out: list[int] = []
    for port in ports:
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise UsageError(f"not a TCP port: {quoted(port)}")
        if port not in out:
            out.append(port)
    if not out:
        raise UsageError("no SMTP ports to look for")
    return tuple(out)


def build_bytecode(ports: Sequence[int]) -> bytes:
    """The in-kernel filter program: remote port is one of ``ports``."""
    ports = _check_ports(ports)
    n = len(ports)
    length = 20 * n - 4
    ops = b""
    for i, port in enumerate(ports):
        last = i == n - 1
        value = struct.pack("=BBH", 0, 0, port)
        ops += struct.pack("=BBH", _BC_D_GE, 8, 20) + value
        ops += struct.pack("=BBH", _BC_D_LE, 8, 12) + value
        if not last:
            ops += struct.pack("=BBH", _BC_JMP, 4, length - (20 * i + 16))
    assert len(ops) == length
    return ops


def _state_mask(states: Collection[TcpState]) -> int:
    mask = 0
    for state in states:
        mask |= 1 << state.kernel_number
    return mask


def build_request(
    family: int, ports: Sequence[int], states: Collection[TcpState], seq: int = 1
) -> bytes:
    """One netlink ``SOCK_DIAG_BY_FAMILY`` dump request with the port filter attached."""
    mask = _state_mask(states)
    req = struct.pack("=BBBBI", family, socket.IPPROTO_TCP, 0, 0, mask) + b"\0" * 48
    bc = build_bytecode(ports)
    attr = struct.pack("=HH", 4 + len(bc), INET_DIAG_REQ_BYTECODE) + bc
    body = req + attr
    header = _NLMSGHDR.pack(
        _NLMSGHDR.size + len(body), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, seq, 0
    )
    return header + body


def build_request_any_family(
    ports: Sequence[int], states: Collection[TcpState], seq: int = 1
) -> bytes:
    """One ``TCPDIAG_GETSOCK`` dump request for IPv4 and IPv6 at once, with the port filter.

    The body is the original ``struct inet_diag_req`` (family, lengths, ext, a zero
    ``inet_diag_sockid``, states, dbs); family ``AF_UNSPEC`` selects both families.
    """
    req = struct.pack("=BBBB", 0, 0, 0, 0) + b"\0" * 48 + struct.pack("=II", _state_mask(states), 0)
    bc = build_bytecode(ports)
    body = req + struct.pack("=HH", 4 + len(bc), INET_DIAG_REQ_BYTECODE) + bc
    header = _NLMSGHDR.pack(
        _NLMSGHDR.size + len(body), TCPDIAG_GETSOCK, NLM_F_REQUEST | NLM_F_DUMP, seq, 0
    )
    return header + body


def _ip(raw: bytes, family: int) -> str:
    if family == _AF_INET:
        return socket.inet_ntop(_AF_INET, raw[:4])
    if raw[:12] == _V4_MAPPED:
        return socket.inet_ntop(_AF_INET, raw[12:16])
    return socket.inet_ntop(_AF_INET6, raw[:16])


class DumpDone(Exception):
    """NLMSG_DONE seen: the dump is complete."""


def parse_messages(
    data: bytes, ports: Collection[int] | None = None, states: Collection[TcpState] | None = None
) -> list[SocketRecord]:
    """Socket records from a buffer of netlink reply messages.

    Raises :class:`DumpDone` (carrying the records in ``args[0]``) at ``NLMSG_DONE`` and
    ``OSError`` for an ``NLMSG_ERROR``. ``ports``/``states`` re-check what the kernel filtered
    (a recorded or hostile buffer is still held to the request). Truncated messages are ignored.
    """
    out: list[SocketRecord] = []
    offset = 0
    while offset + _NLMSGHDR.size <= len(data):
        length, mtype, _flags, _seq, _pid = _NLMSGHDR.unpack_from(data, offset)
        if length < _NLMSGHDR.size or offset + length > len(data):
            break
        payload = offset + _NLMSGHDR.size
        if mtype == NLMSG_DONE:
            raise DumpDone(out)
        if mtype == NLMSG_ERROR:
            (code,) = struct.unpack_from("=i", data, payload)
            if code:
                raise OSError(-code, os.strerror(-code))
        elif (
            mtype in (SOCK_DIAG_BY_FAMILY, TCPDIAG_GETSOCK) and length - _NLMSGHDR.size >= _MSG.size
        ):
            record = _record(data, payload)
            if (
                record is not None
                and (ports is None or record.remote.port in ports)
                and (states is None or record.state in states)
            ):
                out.append(record)
        offset += (length + 3) & ~3
    return out


def owner_uid(state: TcpState, uid: int, inode: int) -> int | None:
    """The owner uid the kernel reported for a socket, when it is the owner's: None for a
    TIME_WAIT socket (no owner kept), and for uid 0 on a socket with no file (inode 0: its
    process closed it, FIN-WAIT, LAST-ACK, CLOSING). The kernel reads the owner from the
    socket's file (``sock_i_uid``) and says root once the file is gone, so an orphan's
    0 is not its owner's uid (a sender's socket closed before it was read was taken as
    root's); a non-zero uid of an orphan is its own (kernels that keep the owner on it)."""
    if state is TcpState.TIME_WAIT or (inode == 0 and uid == 0):
        return None
    return uid


def _record(data: bytes, at: int) -> SocketRecord | None:
    fam, state, _timer, _retr, sport, dport, src, dst, _if, _cookie, _exp, _rq, _wq, uid, inode = (
        _MSG.unpack_from(data, at)
    )
    if fam not in (_AF_INET, _AF_INET6):
        return None
    try:
        tcp_state = TcpState.from_kernel(state)
    except KeyError:
        return None
    return SocketRecord(
        family=fam,
        state=tcp_state,
        local=Endpoint(_ip(src, fam), int.from_bytes(sport, "big")),
        remote=Endpoint(_ip(dst, fam), int.from_bytes(dport, "big")),
        uid=owner_uid(tcp_state, uid, inode),
        inode=inode,
        source="sockdiag",
    )


def _dump(
    sock: socket.socket, request: bytes, ports: Sequence[int], states: Collection[TcpState]
) -> list[SocketRecord]:
    sock.sendto(request, (0, 0))
    out: list[SocketRecord] = []
    wanted = frozenset(ports)
    while True:
        data = sock.recv(_RECV_SIZE)
        if not data:
            return out
        try:
            out += parse_messages(data, wanted, states)
        except DumpDone as done:
            out += done.args[0]
            return out


def dump_sockdiag(
    ports: Sequence[int], states: Collection[TcpState] = LIVE_STATES
) -> list[SocketRecord]:
    """sock_diag only (no fallback); raises KernelFeatureUnavailable if it cannot be used."""
    ports = _check_ports(ports)
    try:
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_SOCK_DIAG)
    except OSError as exc:
        raise KernelFeatureUnavailable(f"netlink sock_diag unavailable: {exc.strerror}") from None
    try:
        sock.settimeout(5.0)
        try:
            return _dump(sock, build_request_any_family(ports, states), ports, states)
        except OSError:
            pass  # the old request refused (or a sandbox filters it): one dump per family
        out: list[SocketRecord] = []
        for seq, family in enumerate((_AF_INET, _AF_INET6), start=2):
            try:
                out += _dump(sock, build_request(family, ports, states, seq), ports, states)
            except OSError as exc:
                if family == _AF_INET6 and exc.errno in (
                    errno.ENOENT,
                    errno.EAFNOSUPPORT,
                    errno.EPROTONOSUPPORT,
                ):
                    continue  # kernel without IPv6
                raise KernelFeatureUnavailable(
                    f"netlink sock_diag dump failed: {exc.strerror or exc}"
                ) from None
        return out
    finally:
        sock.close()


def dump_smtp_sockets(ports: Sequence[int]) -> list[SocketRecord]:
    """TCP sockets (IPv4 and IPv6, live states) whose remote port is in ``ports``.

    netlink sock_diag with an in-kernel port filter; falls back to ``/proc/net/tcp{,6}``.
    """
    try:
        return dump_sockdiag(ports)
    except KernelFeatureUnavailable:
        from spamtrace.sources import procnet

        return procnet.read_smtp_sockets(_check_ports(ports), LIVE_STATES)
