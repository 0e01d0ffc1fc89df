"""Every parser of kernel or file input survives hostile and truncated input.

Kernel buffers, trace lines and /proc files are input the sources read on production servers:
a parser may reject what it cannot read, with its documented error, but must never raise
anything else (a crash would stop `watch` and lose events). Recorded real replies are cut at
every length and mutated byte by byte, and arbitrary bytes are thrown at each parser.
"""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spamtrace.model import TcpState
from spamtrace.sources import nflog, proc_connector, procnet, sockdiag, tracefs

DATA = Path(__file__).resolve().parents[1] / "check" / "data"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PORTS = (25, 465, 587, 2525)
STATES = frozenset(TcpState)


def _sockdiag(data: bytes) -> None:
    try:
        sockdiag.parse_messages(data, PORTS, STATES)
    except sockdiag.DumpDone:
        pass
    except OSError:
        pass  # an NLMSG_ERROR in the buffer is reported as OSError by design


def test_recorded_sockdiag_reply_cut_anywhere() -> None:
    for name in ("sockdiag-v4.bin", "sockdiag-v6.bin"):
        raw = (DATA / name).read_bytes()
        for cut in range(len(raw) + 1):
            _sockdiag(raw[:cut])


@SETTINGS
@given(st.binary(max_size=2048), st.integers(min_value=0), st.integers(0, 255))
def test_sockdiag_mutated_and_random(noise: bytes, where: int, value: int) -> None:
    raw = bytearray((DATA / "sockdiag-v4.bin").read_bytes())
    raw[where % len(raw)] = value
    _sockdiag(bytes(raw))
    _sockdiag(noise)


@SETTINGS
@given(st.binary(max_size=2048))
def test_nflog_random_buffers(noise: bytes) -> None:
    events = nflog.parse_messages(noise, now=0.0)
    assert isinstance(events, list)


@SETTINGS
@given(st.binary(max_size=2048))
def test_proc_connector_random_buffers(noise: bytes) -> None:
    # MalformedProcMessage is the documented rejection (the reader counts it and goes on)
    with contextlib.suppress(proc_connector.MalformedProcMessage):
        assert isinstance(proc_connector.parse_proc_messages(noise), list)


@SETTINGS
@given(st.text(max_size=400))
def test_trace_lines_random_text(line: str) -> None:
    with contextlib.suppress(tracefs.MalformedTraceLine):
        tracefs.parse_trace_line(line, ports=PORTS)


REAL_LINE = (
    "             php-18898   (  18898) [001] ..... 12345.678901: inet_sock_set_state: "
    "family=AF_INET protocol=IPPROTO_TCP sport=0 dport=25 saddr=10.99.0.1 daddr=10.99.0.2 "
    "saddrv6=::ffff:10.99.0.1 daddrv6=::ffff:10.99.0.2 oldstate=TCP_CLOSE newstate=TCP_SYN_SENT"
)


def test_real_trace_line_parses_and_every_truncation_is_handled() -> None:
    event = tracefs.parse_trace_line(REAL_LINE, ports=PORTS)
    assert event is not None and not isinstance(event, tracefs.LostEvents)
    assert event.pid == 18898 and event.remote.port == 25 and event.remote.ip == "10.99.0.2"
    for cut in range(len(REAL_LINE)):
        with contextlib.suppress(tracefs.MalformedTraceLine):
            tracefs.parse_trace_line(REAL_LINE[:cut], ports=PORTS)


@SETTINGS
@given(st.lists(st.text(max_size=200), max_size=20))
def test_proc_net_tcp_random_lines(lines: list[str]) -> None:
    recorded = (DATA / "proc-net-tcp").read_text().splitlines()
    procnet.parse_lines(recorded[:1] + lines, socket.AF_INET, PORTS, STATES)
