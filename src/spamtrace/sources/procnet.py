"""Fallback socket source: parse ``/proc/net/tcp`` and ``/proc/net/tcp6``.

Used when netlink sock_diag is unavailable. It reads every TCP socket of the current network
namespace (no in-kernel filter), so it is slower on a busy server; the port and state filter is
applied here. Records say ``source="procnet"`` so reports show the fallback was used.

Line format (``net/ipv4/tcp_ipv4.c``)::

    sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode
    0: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234

Addresses are hex in host byte order per 32-bit word (little-endian here), ports plain hex.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Collection, Iterable, Sequence

from spamtrace.errors import KernelFeatureUnavailable
from spamtrace.model import Endpoint, SocketRecord, TcpState
from spamtrace.sources.sockdiag import owner_uid

_FILES = (("tcp", int(socket.AF_INET)), ("tcp6", int(socket.AF_INET6)))


def _addr(hexaddr: str, family: int) -> str:
    raw = bytes.fromhex(hexaddr)
    if sys.byteorder == "little":
        raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    if family == socket.AF_INET:
        return str(ipaddress.IPv4Address(raw))
    addr6 = ipaddress.IPv6Address(raw)
    return str(addr6.ipv4_mapped) if addr6.ipv4_mapped is not None else str(addr6)


def _endpoint(field: str, family: int) -> Endpoint:
    host, _, port = field.partition(":")
    return Endpoint(_addr(host, family), int(port, 16))


def parse_lines(
    lines: Iterable[str], family: int, ports: Collection[int], states: Collection[TcpState]
) -> list[SocketRecord]:
    """Sockets from the lines of one ``/proc/net/tcp*`` file with a remote port in ``ports``."""
    out: list[SocketRecord] = []
    for line in lines:
        parts = line.split()
        if len(parts) < 10 or not parts[0].endswith(":") or not parts[0][:-1].isdecimal():
            continue  # header or garbage
        try:
            remote = _endpoint(parts[2], family)
            if remote.port not in ports:
                continue
            state = TcpState.from_kernel(int(parts[3], 16))
            if state not in states:
                continue
            local = _endpoint(parts[1], family)
            uid = int(parts[7])
            inode = int(parts[9])
        except (ValueError, KeyError):
            continue
        out.append(
            SocketRecord(
                family=family,
                state=state,
                local=local,
                remote=remote,
                uid=owner_uid(state, uid, inode),
                inode=inode,
                source="procnet",
            )
        )
    return out


def read_smtp_sockets(
    ports: Sequence[int], states: Collection[TcpState], procfs: str = "/proc"
) -> list[SocketRecord]:
    """All matching sockets from ``<procfs>/net/tcp`` and ``tcp6``.

    A missing ``tcp6`` (no IPv6) is skipped; when neither file can be read this raises
    :class:`KernelFeatureUnavailable`, because an empty answer would wrongly mean "nothing".
    """
    wanted = frozenset(ports)
    out: list[SocketRecord] = []
    read_any = False
    for name, family in _FILES:
        try:
            with open(f"{procfs}/net/{name}", encoding="ascii", errors="replace") as fh:
                out += parse_lines(fh, family, wanted, states)
            read_any = True
        except OSError:
            continue
    if not read_any:
        raise KernelFeatureUnavailable(f"cannot read {procfs}/net/tcp or tcp6")
    return out
