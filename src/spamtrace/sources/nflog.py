"""NFLOG reader: blocked SMTP attempts logged by our firewall (``log group N``).

A raw ``NETLINK_NETFILTER`` socket bound to one NFLOG group. The kernel sends one
``NFULNL_MSG_PACKET`` per logged packet, carrying the socket owner's uid/gid (fsuid/fsgid of
the socket file, taken at packet time), the log prefix and the first bytes of the IP packet,
from which the addresses and ports are read. There is no pid in NFLOG: events are
``nflog-uid-only`` until the watch pipeline finds the process.

``NFULA_CFG_QTHRESH=1`` is set, otherwise the kernel batches messages for up to a second.
``NFULNL_CFG_F_SEQ`` is set too: the kernel numbers each message of the group
(``NFULA_SEQ``, counted when the message is made, whether or not it reaches us), so the
messages a full socket buffer dropped are counted one by one from the gaps; ENOBUFS alone says
only that some were dropped (a flood of refused connects lost thousands and said "1"). A gap
shows only at the next message, and after a flood none may come: the socket's own drop counter
(``SO_MEMINFO``'s ``SK_MEMINFO_DROPS``, one per message the full buffer refused) is read with
:attr:`NflogSource.overruns`, so the loss is counted when it happens; where the kernel gives
no such counter the count is a lower bound (:attr:`NflogSource.overruns_exact` is False).
The parser (:func:`parse_messages`) is pure over bytes, so tests feed it recorded messages.
Only one socket per netns may bind a group: a second binder gets ``EBUSY``, reported as
:class:`~spamtrace.errors.KernelFeatureUnavailable`.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import struct
import time

from spamtrace.errors import KernelFeatureUnavailable
from spamtrace.model import Endpoint, SmtpConnectBlocked

NETLINK_NETFILTER = 12
NFNL_SUBSYS_ULOG = 4
NFULNL_MSG_PACKET = 0
NFULNL_MSG_CONFIG = 1
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLMSG_DONE = 3

NFULA_CFG_CMD = 1
NFULA_CFG_MODE = 2
NFULA_CFG_QTHRESH = 5
NFULA_CFG_FLAGS = 6
NFULNL_CFG_F_SEQ = 0x0001
NFULNL_CFG_CMD_BIND = 1
NFULNL_CFG_CMD_UNBIND = 2
NFULNL_COPY_PACKET = 2

NFULA_PAYLOAD = 9
NFULA_PREFIX = 10
NFULA_UID = 11
NFULA_GID = 14
NFULA_SEQ = 12
NFULA_TIMESTAMP = 3

SO_MEMINFO = 55  # socket(7): u32 SK_MEMINFO_VARS counters, Linux 4.12
SK_MEMINFO_DROPS = 8  # packets the socket dropped (a netlink socket: overruns)

_NLMSGHDR = struct.Struct("=IHHII")
_NLA = struct.Struct("=HH")
COPY_RANGE = 128  # enough for an IPv6 header, a few extension headers and the TCP ports


def _nla(kind: int, data: bytes) -> bytes:
    length = _NLA.size + len(data)
    return _NLA.pack(length, kind) + data + b"\0" * ((4 - length % 4) % 4)


def _ports_from_l4(payload: bytes, offset: int) -> tuple[int, int] | None:
    if len(payload) < offset + 4:
        return None
    sport, dport = struct.unpack_from(">HH", payload, offset)
    return sport, dport


_IPV6_EXT_HEADERS = {0, 43, 60}  # hop-by-hop, routing, destination options


def parse_ip_payload(payload: bytes) -> tuple[Endpoint, Endpoint] | None:
    """(local, remote) endpoints from the start of an outgoing IPv4/IPv6 TCP packet."""
    if not payload:
        return None
    version = payload[0] >> 4
    if version == 4:
        if len(payload) < 20:
            return None
        ihl = (payload[0] & 0x0F) * 4
        if ihl < 20 or payload[9] != socket.IPPROTO_TCP:
            return None
        src = str(ipaddress.IPv4Address(payload[12:16]))
        dst = str(ipaddress.IPv4Address(payload[16:20]))
        ports = _ports_from_l4(payload, ihl)
    elif version == 6:
        if len(payload) < 40:
            return None
        nxt = payload[6]
        offset = 40
        while nxt in _IPV6_EXT_HEADERS and len(payload) >= offset + 2:
            nxt, hdr_len = payload[offset], payload[offset + 1]
            offset += (hdr_len + 1) * 8
        if nxt != socket.IPPROTO_TCP:
            return None
        src = str(ipaddress.IPv6Address(payload[8:24]))
        dst = str(ipaddress.IPv6Address(payload[24:40]))
        ports = _ports_from_l4(payload, offset)
    else:
        return None
    if ports is None:
        return None
    return Endpoint(src, ports[0]), Endpoint(dst, ports[1])


def _parse_attrs(data: bytes, offset: int, end: int) -> dict[int, bytes]:
    attrs: dict[int, bytes] = {}
    while offset + _NLA.size <= end:
        length, kind = _NLA.unpack_from(data, offset)
        if length < _NLA.size or offset + length > end:
            break
        attrs[kind & 0x3FFF] = data[offset + _NLA.size : offset + length]
        offset += (length + 3) & ~3
    return attrs


def parse_packet_message(
    body: bytes, now: float, seqs: list[int] | None = None, after: float | None = None
) -> SmtpConnectBlocked | None:
    """One NFULNL_MSG_PACKET body (after the 16-byte nlmsghdr): nfgenmsg + attributes.
    ``seqs`` gets the message's sequence number (``NFULA_SEQ``), when it has one, whatever
    the packet is. A packet without the kernel's time (this host's own: the output hook
    stamps none) has ``now`` as its time and ``after`` as the time it was sent after."""
    if len(body) < 4:
        return None
    attrs = _parse_attrs(body, 4, len(body))
    if seqs is not None and len(attrs.get(NFULA_SEQ, b"")) >= 4:
        seqs.append(struct.unpack(">I", attrs[NFULA_SEQ][:4])[0])
    endpoints = parse_ip_payload(attrs.get(NFULA_PAYLOAD, b""))
    if endpoints is None:
        return None
    uid = (
        struct.unpack(">I", attrs[NFULA_UID][:4])[0]
        if len(attrs.get(NFULA_UID, b"")) >= 4
        else None
    )
    gid = (
        struct.unpack(">I", attrs[NFULA_GID][:4])[0]
        if len(attrs.get(NFULA_GID, b"")) >= 4
        else None
    )
    wall, sent_after = now, after
    stamp = attrs.get(NFULA_TIMESTAMP, b"")
    if len(stamp) >= 16:
        sec, usec = struct.unpack(">QQ", stamp[:16])
        if sec:
            wall, sent_after = sec + usec / 1e6, None
    prefix = attrs.get(NFULA_PREFIX, b"").split(b"\0", 1)[0].decode("utf-8", "replace")
    return SmtpConnectBlocked(
        wall=wall,
        uid=uid,
        gid=gid,
        local=endpoints[0],
        remote=endpoints[1],
        prefix=prefix,
        after=sent_after,
    )


def parse_messages(
    data: bytes, now: float | None = None, seqs: list[int] | None = None,
    after: float | None = None,
) -> list[SmtpConnectBlocked]:  # fmt: skip
    """Every blocked-attempt event in one netlink datagram (several messages may share one);
    ``seqs`` gets the sequence numbers of its packet messages, in order; ``after``: the time
    they were queued after (see :func:`parse_packet_message`).

    Truncated or foreign messages are skipped, never raised on: the bytes come from the
    kernel but a parser must not die on a short read.
    """
    stamp = time.time() if now is None else now
    events: list[SmtpConnectBlocked] = []
    offset = 0
    while offset + _NLMSGHDR.size <= len(data):
        length, kind, _flags, _seq, _pid = _NLMSGHDR.unpack_from(data, offset)
        if length < _NLMSGHDR.size or offset + length > len(data):
            break
        if kind == (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET:
            body = data[offset + _NLMSGHDR.size : offset + length]
            event = parse_packet_message(body, stamp, seqs, after)
            if event is not None:
                events.append(event)
        offset += (length + 3) & ~3
    return events


class NflogSource:
    """Blocked attempts from one NFLOG group, as :class:`SmtpConnectBlocked` events.

    Use ``fileno()`` in a selector and call :meth:`read_events` when it is readable (the
    socket is non-blocking; an empty list means nothing was waiting). ``overruns`` counts
    the messages the kernel dropped because we were too slow (the gaps in their sequence
    numbers; ENOBUFS reports, ``enobufs``, on a kernel that does not number them): loss is
    counted, never silent.
    """

    def __init__(self, group: int) -> None:
        if not 0 <= group <= 65535:
            raise KernelFeatureUnavailable(f"nflog: group {group} is not 0..65535")
        self.group = group
        self.enobufs = 0
        self.dropped = 0  # messages missing from the sequence numbers
        self.numbered = False  # the kernel took NFULNL_CFG_F_SEQ
        self._next: int | None = None  # the sequence number expected next
        self._unseen = False  # an ENOBUFS whose gap no later message has shown yet
        self._drops_base: int | None = None  # the socket's drop counter when it was bound
        self._seq = 0
        #: when a read last found nothing queued (wall clock): what is read next was sent
        #: after it, the SYNs of those records too (a record carries no time of the kernel's)
        self._empty_at: float | None = time.time()
        try:
            self._sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        except OSError as exc:
            raise KernelFeatureUnavailable(
                f"nflog: cannot open a NETLINK_NETFILTER socket: {exc.strerror or exc}"
            ) from None
        try:
            self._sock.bind((0, 0))
            try:
                self._sock.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)  # SO_RCVBUFFORCE
            except OSError:
                self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            self._config(_nla(NFULA_CFG_CMD, struct.pack("=B", NFULNL_CFG_CMD_BIND) + b"\0" * 3))
            self._config(
                _nla(NFULA_CFG_MODE, struct.pack(">IBB", COPY_RANGE, NFULNL_COPY_PACKET, 0))
            )
            self._config(_nla(NFULA_CFG_QTHRESH, struct.pack(">I", 1)))
            try:
                self._config(_nla(NFULA_CFG_FLAGS, struct.pack(">H", NFULNL_CFG_F_SEQ)))
                self.numbered = True
            except OSError:
                pass  # counted by ENOBUFS reports then
            self._drops_base = self._kernel_drops()
        except OSError as exc:
            self._sock.close()
            hint = ""
            in_use = (
                " (the group is in use: another program already reads it, e.g. another "
                "spamtrace watch or daemon, or ulogd; this is not a permission problem)"
            )
            if exc.errno == errno.EBUSY:
                hint = in_use
            elif exc.errno == errno.EPERM:
                # the kernel answers EPERM to a root process when another socket has the group
                hint = in_use if os.geteuid() == 0 else " (needs root / CAP_NET_ADMIN)"
            raise KernelFeatureUnavailable(
                f"nflog: cannot bind group {group}: {exc.strerror or exc}{hint}"
            ) from None
        self._sock.setblocking(False)

    def _config(self, attrs: bytes) -> None:
        self._seq += 1
        body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(self.group)) + attrs
        header = _NLMSGHDR.pack(
            _NLMSGHDR.size + len(body),
            (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG,
            NLM_F_REQUEST | NLM_F_ACK,
            self._seq,
            0,
        )
        self._sock.send(header + body)
        while True:
            reply = self._sock.recv(65536)
            offset = 0
            while offset + _NLMSGHDR.size <= len(reply):
                length, kind, _f, seq, _p = _NLMSGHDR.unpack_from(reply, offset)
                if length < _NLMSGHDR.size:
                    break
                if kind == NLMSG_ERROR and seq == self._seq:
                    (code,) = struct.unpack_from("=i", reply, offset + _NLMSGHDR.size)
                    if code != 0:
                        raise OSError(-code, os.strerror(-code))
                    return
                offset += (length + 3) & ~3

    def fileno(self) -> int:
        return self._sock.fileno()

    def _kernel_drops(self) -> int | None:
        """The messages the socket's full buffer dropped since it was made (the kernel's
        ``sk_drops``), or None where ``SO_MEMINFO`` is not there."""
        try:
            raw = self._sock.getsockopt(socket.SOL_SOCKET, SO_MEMINFO, 4 * (SK_MEMINFO_DROPS + 1))
        except (OSError, AttributeError):
            return None
        if len(raw) < 4 * (SK_MEMINFO_DROPS + 1):
            return None
        return int(struct.unpack_from("=I", raw, 4 * SK_MEMINFO_DROPS)[0])

    def _drops_since_bound(self) -> int | None:
        base = getattr(self, "_drops_base", None)
        now = self._kernel_drops() if base is not None else None
        return None if now is None or base is None else (now - base) & 0xFFFFFFFF

    @property
    def overruns(self) -> int:
        """Messages lost: the socket's drop counter when the kernel keeps one (read now, so a
        drop counts at once, whether or not a message follows it), and the gaps in the
        sequence numbers, else the ENOBUFS reports; the larger. A gap shows at the first
        message made after the drop (the kernel reports ENOBUFS at the next read, before the
        messages queued ahead of the drop); until then, without the drop counter, a drop the
        kernel reported counts as one (at least one was lost: :attr:`overruns_exact`)."""
        counted = self.dropped + (1 if self._unseen else 0) if self.numbered else self.enobufs
        drops = self._drops_since_bound()
        return counted if drops is None else max(counted, drops)

    @property
    def overruns_exact(self) -> bool:
        """False when :attr:`overruns` is a lower bound: drops the kernel reported (ENOBUFS)
        and neither a drop counter nor, yet, a sequence gap counted one by one."""
        if self._drops_since_bound() is not None:
            return True
        return not self._unseen if self.numbered else self.enobufs == 0

    def _count_gaps(self, seqs: list[int]) -> None:
        expected = self._next
        for seq in seqs:
            if expected is not None:
                gap = (seq - expected) & 0xFFFFFFFF
                if 0 < gap < 0x80000000:  # else a message older than the last one: no loss
                    self.dropped += gap
                    self._unseen = False
            expected = (seq + 1) & 0xFFFFFFFF
        self._next = expected

    def read_events(self) -> list[SmtpConnectBlocked]:
        """Drain what the kernel has queued; never blocks."""
        events: list[SmtpConnectBlocked] = []
        after = self._empty_at
        while True:
            try:
                data = self._sock.recv(65536)
            except BlockingIOError:
                self._empty_at = time.time()
                break
            except OSError as exc:
                if exc.errno == errno.ENOBUFS:
                    self.enobufs += 1
                    self._unseen = True
                    continue
                raise KernelFeatureUnavailable(
                    f"nflog: read failed: {exc.strerror or exc}"
                ) from None
            seqs: list[int] = []
            events.extend(parse_messages(data, seqs=seqs, after=after))
            if seqs:
                self._count_gaps(seqs)
        return events

    def close(self) -> None:
        if self._sock.fileno() < 0:
            return
        try:
            self._sock.setblocking(True)
            self._sock.settimeout(1.0)
            self._config(_nla(NFULA_CFG_CMD, struct.pack("=B", NFULNL_CFG_CMD_UNBIND) + b"\0" * 3))
        except OSError:
            pass
        finally:
            self._sock.close()

    def __enter__(self) -> NflogSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
