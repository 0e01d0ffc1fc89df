"""NFLOG message parsing from bytes recorded on this kernel (IPv4 and IPv6), and bad input."""

from __future__ import annotations

import base64
import json
import struct

import pytest
from fwfake import DATA

from spamtrace.model import Endpoint
from spamtrace.sources import nflog


def _recorded() -> list[bytes]:
    return [base64.b64decode(x) for x in json.loads((DATA / "nflog-recorded.json").read_text())]


def test_recorded_ipv4_message() -> None:
    (event,) = nflog.parse_messages(_recorded()[0], now=5.0)
    assert event.uid == 65534 and event.gid == 65534
    assert event.prefix == "spamtrace-block"
    assert event.remote == Endpoint("10.77.0.1", 25)
    assert event.local.ip == "10.77.0.1" and event.local.port == 55192
    assert event.source == "nflog"


def test_recorded_ipv6_message() -> None:
    (event,) = nflog.parse_messages(_recorded()[1], now=5.0)
    assert event.remote == Endpoint("fd77::1", 25)
    assert event.local == Endpoint("fd77::1", 58366)
    assert event.uid == 65534


def test_two_messages_in_one_datagram() -> None:
    a, b = _recorded()
    pad = b"\0" * ((4 - len(a) % 4) % 4)
    events = nflog.parse_messages(a + pad + b, now=1.0)
    assert [e.remote.ip for e in events] == ["10.77.0.1", "fd77::1"]


@pytest.mark.parametrize("cut", [0, 3, 16, 20, 40, 60])
def test_truncated_messages_never_raise(cut: int) -> None:
    data = _recorded()[0][:cut]
    assert nflog.parse_messages(data, now=1.0) == []


def test_message_without_uid_has_none() -> None:
    payload = (
        bytes.fromhex("4500003c0000400040060000c0000201c633640a")
        + struct.pack(">HH", 40000, 587)
        + b"\0" * 16
    )
    body = struct.pack("=BBH", 2, 0, 0) + nflog._nla(nflog.NFULA_PAYLOAD, payload)
    body += nflog._nla(nflog.NFULA_PREFIX, b"spamtrace-block\0")
    msg = struct.pack("=IHHII", 16 + len(body), nflog.NFNL_SUBSYS_ULOG << 8, 0, 0, 0) + body
    (event,) = nflog.parse_messages(msg, now=7.0)
    assert event.uid is None and event.gid is None
    assert event.remote == Endpoint("198.51.100.10", 587)
    assert event.local == Endpoint("192.0.2.1", 40000)
    assert event.wall == 7.0


def test_non_tcp_and_garbage_payloads_are_skipped() -> None:
    udp = bytes.fromhex("4500003c00004000401100000a0000010a000002") + b"\0" * 8
    assert nflog.parse_ip_payload(udp) is None
    assert nflog.parse_ip_payload(b"\x99" * 40) is None
    assert nflog.parse_ip_payload(b"") is None
    assert nflog.parse_ip_payload(b"\x45" + b"\0" * 5) is None


def test_ipv6_extension_header_is_skipped() -> None:
    hdr = bytearray(40)
    hdr[0] = 0x60
    hdr[6] = 0  # hop-by-hop options follow
    hdr[8:24] = bytes.fromhex("20010db8000000000000000000000001")
    hdr[24:40] = bytes.fromhex("20010db8000000000000000000000002")
    hop = bytes([6, 0]) + b"\0" * 6  # next header TCP, length 8
    tcp = struct.pack(">HH", 41000, 25)
    local, remote = nflog.parse_ip_payload(bytes(hdr) + hop + tcp)  # type: ignore[misc]
    assert remote == Endpoint("2001:db8::2", 25) and local.port == 41000


def _numbered(seq: int) -> bytes:
    """A packet message of the recorded IPv4 one's shape, with NFULA_SEQ ``seq``."""
    payload = (
        bytes.fromhex("4500003c0000400040060000c0000201c633640a")
        + struct.pack(">HH", 40000, 25)
        + b"\0" * 16
    )
    body = struct.pack("=BBH", 2, 0, 0) + nflog._nla(nflog.NFULA_PAYLOAD, payload)
    body += nflog._nla(nflog.NFULA_SEQ, struct.pack(">I", seq))
    return struct.pack("=IHHII", 16 + len(body), nflog.NFNL_SUBSYS_ULOG << 8, 0, 0, 0) + body


def test_sequence_numbers_are_read_from_each_message() -> None:
    seqs: list[int] = []
    events = nflog.parse_messages(_numbered(7) + _numbered(9), now=1.0, seqs=seqs)
    assert len(events) == 2 and seqs == [7, 9]


def test_gaps_in_the_sequence_count_each_message_lost() -> None:
    src = nflog.NflogSource.__new__(nflog.NflogSource)  # no socket: the counting alone
    src.numbered, src.enobufs, src.dropped, src._next, src._unseen = True, 0, 0, None, False
    src._count_gaps([0, 1, 2])
    assert src.overruns == 0
    src._unseen = True  # the kernel said ENOBUFS: at least one lost, before the gap shows
    src._count_gaps([3, 4])  # queued before the drop: no gap yet
    assert src.overruns == 1
    src._count_gaps([5000])  # the first message after the drop: 4995 lost
    assert src.overruns == 4995
    src._next = 0xFFFFFFFE
    src._count_gaps([1])  # across the wrap: 0xFFFFFFFE, 0xFFFFFFFF, 0 lost
    assert src.overruns == 4998


def test_a_record_read_later_says_when_its_group_was_last_found_empty() -> None:
    """The kernel stamps no time on this host's own packets: a record's time is when it was
    read, and it also says since when it can have been sent (the last read that found the
    group empty), so that it still finds its SYN when it was read seconds late."""
    (event,) = nflog.parse_messages(_recorded()[0], now=5.0, after=2.5)
    assert (event.wall, event.after) == (5.0, 2.5)
    src = nflog.NflogSource.__new__(nflog.NflogSource)  # a socket that has one datagram
    src.numbered, src.enobufs, src.dropped, src._next, src._unseen = False, 0, 0, None, False
    src._empty_at = 100.0
    queued = [_recorded()[0]]

    class Sock:
        def recv(self, size: int) -> bytes:
            if queued:
                return queued.pop()
            raise BlockingIOError

    src._sock = Sock()  # type: ignore[assignment]
    (event,) = src.read_events()
    assert event.after == 100.0 and event.wall > 100.0
    assert src._empty_at is not None and src._empty_at >= event.wall  # found empty after it


class _FloodedSock:
    """A socket whose buffer overran: ENOBUFS once, then nothing more (the flood is over and
    no later message shows the gap); ``drops`` is the kernel's drop counter, None where the
    kernel keeps none."""

    def __init__(self, drops: int | None) -> None:
        self.drops, self.reported = drops, False

    def recv(self, size: int) -> bytes:
        if not self.reported:
            self.reported = True
            raise OSError(nflog.errno.ENOBUFS, "No buffer space available")
        raise BlockingIOError

    def getsockopt(self, level: int, name: int, size: int) -> bytes:
        if self.drops is None or name != nflog.SO_MEMINFO:
            raise OSError(nflog.errno.ENOPROTOOPT, "Protocol not available")
        counters = [0] * (nflog.SK_MEMINFO_DROPS + 1)
        counters[nflog.SK_MEMINFO_DROPS] = self.drops
        return struct.pack(f"={len(counters)}I", *counters)[:size]


@pytest.mark.parametrize("numbered", [True, False])
def test_a_drop_no_message_follows_is_counted_at_once_from_the_kernel(numbered: bool) -> None:
    """A fork flood's refused SYNs overran the buffer by 7,000 records and nothing came after:
    the loss is the socket's drop counter, read when asked, not "1" until a next message."""
    src = nflog.NflogSource.__new__(nflog.NflogSource)
    src.numbered, src.enobufs, src.dropped, src._next, src._unseen = numbered, 0, 0, 41, False
    src._empty_at = 0.0
    sock = _FloodedSock(drops=3)
    src._sock = sock  # type: ignore[assignment]
    src._drops_base = 3  # dropped before this source bound its group: not ours
    sock.drops = 7003
    assert src.read_events() == []
    assert src.overruns == 7000 and src.overruns_exact


def test_a_drop_without_the_kernel_counter_is_said_as_a_lower_bound() -> None:
    src = nflog.NflogSource.__new__(nflog.NflogSource)
    src.numbered, src.enobufs, src.dropped, src._next, src._unseen = True, 0, 0, 41, False
    src._empty_at = 0.0
    src._sock = _FloodedSock(drops=None)  # type: ignore[assignment]
    src._drops_base = None
    assert src.overruns == 0 and src.overruns_exact
    assert src.read_events() == []
    assert src.overruns == 1 and not src.overruns_exact  # at least one
