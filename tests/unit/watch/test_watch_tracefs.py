"""Trace line parsing (good, IPv6, other states, malformed and truncated) and the filter."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from spamtrace.model import Endpoint, SmtpConnectAttempted
from spamtrace.sources import tracefs as tracefs_mod
from spamtrace.sources.tracefs import (
    LostEvents,
    MalformedTraceLine,
    TracefsSource,
    build_filter,
    parse_cpu_stats,
    parse_trace_line,
    remove_stale_instances,
)

V4 = (
    "         python3-12377   (  12377) [001] .....   381.014429: inet_sock_set_state: "
    "family=AF_INET protocol=IPPROTO_TCP sport=0 dport=25 saddr=127.0.0.1 daddr=10.0.0.2 "
    "saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:10.0.0.2 oldstate=TCP_CLOSE newstate=TCP_SYN_SENT"
)
V6 = (
    "         python3-12378   (  12377) [000] .....   381.014773: inet_sock_set_state: "
    "family=AF_INET6 protocol=IPPROTO_TCP sport=0 dport=587 saddr=0.0.0.0 daddr=0.0.0.0 "
    "saddrv6=fd57:1::1 daddrv6=fd57:1::2 oldstate=TCP_CLOSE newstate=TCP_SYN_SENT"
)


def test_ipv4_line() -> None:
    ev = parse_trace_line(V4, wall_offset=1000.0)
    assert isinstance(ev, SmtpConnectAttempted)
    assert ev.pid == 12377 and ev.tid == 12377
    assert ev.comm == "python3"
    assert ev.family == socket.AF_INET
    assert ev.remote == Endpoint("10.0.0.2", 25)
    assert ev.local == Endpoint("127.0.0.1", 0)
    assert ev.monotonic == pytest.approx(381.014429)
    assert ev.wall == pytest.approx(1381.014429)


def test_ipv6_line_uses_v6_fields_and_tgid() -> None:
    ev = parse_trace_line(V6)
    assert isinstance(ev, SmtpConnectAttempted)
    assert ev.family == socket.AF_INET6
    assert ev.pid == 12377 and ev.tid == 12378  # the process, not the thread
    assert str(ev.remote) == "[fd57:1::2]:587"


def test_comm_with_dashes_spaces_and_unknown() -> None:
    line = V4.replace("python3-12377", "php-fpm: pool x-12377")
    ev = parse_trace_line(line)
    assert isinstance(ev, SmtpConnectAttempted) and ev.comm == "php-fpm: pool x"
    ev = parse_trace_line(V4.replace("python3-12377", "<...>-12377"))
    assert isinstance(ev, SmtpConnectAttempted) and ev.comm is None


def test_unknown_tgid_falls_back_to_tid() -> None:
    ev = parse_trace_line(V4.replace("(  12377)", "(-------)"))
    assert isinstance(ev, SmtpConnectAttempted) and ev.pid == 12377


def test_other_state_port_and_event_are_ignored() -> None:
    assert parse_trace_line(V4.replace("newstate=TCP_SYN_SENT", "newstate=TCP_CLOSE")) is None
    assert parse_trace_line(V4, ports=(587,)) is None
    other = V4.replace("inet_sock_set_state:", "sched_switch:")
    assert parse_trace_line(other) is None


def test_lost_marker() -> None:
    assert parse_trace_line("CPU:1 [LOST 42 EVENTS]") == LostEvents(42)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "garbage",
        V4[:60],  # truncated inside the header
        V4[: V4.index("daddr=")],  # truncated before daddr
        V4.replace("dport=25", "dport=99999"),
        V4.replace("dport=25", "dport=x"),
        V4.replace("daddr=10.0.0.2", "daddr=10.0.0.999"),
        V4.replace("AF_INET ", "AF_UNIX "),
        V6.replace("daddrv6=fd57:1::2", "daddrv6=zz::1"),
        V4.replace("381.014429", "38x.01"),
        "\x1b[31m" + V4[:40] + "\x00\xff",
    ],
)
def test_malformed_lines_raise_the_one_error(line: str) -> None:
    with pytest.raises(MalformedTraceLine):
        parse_trace_line(line)


class _Counting(TracefsSource):
    """A TracefsSource without a kernel: only the line-handling part."""

    def __init__(self) -> None:
        self.ports = (25, 587)
        self.wall_offset = 0.0
        self._lines = self._events = self._malformed = self._lost = self._ignored = 0
        self._fd = None
        self._buf = b""
        self.path = Path("/nonexistent")
        self._duplicates = 0
        self._pending = []
        self._overlap = tracefs_mod._Seen()
        self._overlap_until = 0.0
        self._keep = False
        self.taken_over = []
        self.journal = None


def test_source_counts_malformed_and_never_raises() -> None:
    src = _Counting()
    lines = [V4.encode(), b"junk \xff\xfe", V6.encode(), b"CPU:0 [LOST 3 EVENTS]", b"", b"x" * 10]
    events = src.parse_lines(lines)
    assert [e.remote.port for e in events] == [25, 587]
    st = src.stats()
    assert st.events == 2 and st.malformed == 2 and st.lost_markers == 3


def test_filter_expression() -> None:
    assert build_filter([587, 25, 25]) == "(dport == 25 || dport == 587) && newstate == 2"
    with pytest.raises(ValueError):
        build_filter([])


def test_cpu_stats_overrun_sum() -> None:
    text = "entries: 0\noverrun: 5\ncommit overrun: 0\nbytes: 0\ndropped events: 2\n"
    assert parse_cpu_stats(text) == 7
    assert parse_cpu_stats("garbage\noverrun: x\n") == 0


def test_stale_instances_of_dead_pids_are_removed(tmp_path: Path) -> None:
    inst = tmp_path / "instances"
    inst.mkdir()
    dead = inst / "spamtrace-999999999"  # no such pid
    alive = inst / "spamtrace-1"  # pid 1 is alive
    other = inst / "someone-else"
    for d in (dead, alive, other):
        d.mkdir()
    removed = remove_stale_instances(tmp_path)
    assert removed == ["spamtrace-999999999"]
    assert not dead.exists() and alive.exists() and other.exists()


def test_a_vanished_instance_is_a_clear_degraded_error(tmp_path: Path) -> None:
    from spamtrace.errors import KernelFeatureUnavailable

    src = _Counting()
    src.path = tmp_path / "gone"
    src._fd = os.open(tmp_path, os.O_RDONLY)  # reading a directory fails like a dead tracefs
    try:
        with pytest.raises(KernelFeatureUnavailable, match="no longer seen"):
            src.read_events()
    finally:
        os.close(src._fd)


def test_partial_lines_are_kept_until_complete(tmp_path: Path) -> None:
    r, w = os.pipe()
    os.set_blocking(r, False)
    src = _Counting()
    src.path = tmp_path
    src._fd = r
    try:
        os.write(w, V4.encode()[:50])
        assert src.read_events() == []
        os.write(w, V4.encode()[50:] + b"\n")
        (ev,) = src.read_events()
        assert ev.remote.port == 25 and src.stats().malformed == 0
    finally:
        os.close(r)
        os.close(w)


def test_stale_instances_are_matched_by_store_tag(tmp_path: Path) -> None:
    from spamtrace.sources.tracefs import instance_tag, stale_instances

    inst = tmp_path / "instances"
    inst.mkdir()
    mine, theirs = instance_tag("/var/lib/spamtrace/spamtrace.db"), instance_tag("/tmp/other.db")
    assert mine != theirs and len(mine) == 8 and instance_tag(None) == "none"
    for name in (f"spamtrace-999999998-{mine}", f"spamtrace-999999999-{theirs}",
                 f"spamtrace-1-{mine}", "spamtrace-999999997"):  # fmt: skip
        (inst / name).mkdir()
    assert stale_instances(tmp_path, mine) == [f"spamtrace-999999998-{mine}"]
    # another store's dead instance is left to its own watcher (until FOREIGN_KEEP), the
    # untagged one (an older spamtrace) is removed, ours is kept for the takeover
    removed = remove_stale_instances(tmp_path, keep_tag=mine)
    assert removed == ["spamtrace-999999997"]
    assert (inst / f"spamtrace-999999999-{theirs}").exists()
    assert (inst / f"spamtrace-999999998-{mine}").exists()


def test_an_old_foreign_instance_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spamtrace.sources import tracefs

    inst = tmp_path / "instances"
    inst.mkdir()
    (inst / "spamtrace-999999999-abcdef12").mkdir()
    monkeypatch.setattr(tracefs, "FOREIGN_KEEP", -1.0)
    assert remove_stale_instances(tmp_path, keep_tag="12345678") == ["spamtrace-999999999-abcdef12"]


def test_overlap_with_the_taken_over_buffer_is_reported_once() -> None:
    src = _Counting()
    first = parse_trace_line(V4)
    assert isinstance(first, SmtpConnectAttempted)
    src._pending = [first]
    src._overlap = tracefs_mod._Seen()
    src._overlap.add(first)
    src._overlap_until = first.monotonic + 1
    later = V4.replace("381.014429", "381.020000")
    assert src.read_events() == [first]  # the taken-over attempts come first
    events = src.parse_lines([V4.encode(), later.encode()])  # ours saw the first one too
    assert [e.monotonic for e in events] == [381.02]
    assert src.stats().duplicates == 1 and src.stats().events == 2


def test_a_hung_or_missing_mount_is_a_clear_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tracefs not mounted: `mount` is tried with a time limit (a hung mount must not hang
    the watcher's start) and a missing `mount` binary is a one-line reason, not a traceback."""
    from spamtrace.errors import KernelFeatureUnavailable
    from spamtrace.sources import tracefs

    bare = tmp_path / "tracing"
    bare.mkdir()
    monkeypatch.setattr(tracefs, "TRACEFS_MOUNTS", (str(bare),))
    monkeypatch.setattr(tracefs, "MOUNT_TIMEOUT", 0.3)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    hung = bin_dir / "mount"
    hung.write_text("#!/bin/sh\nexec /bin/sleep 30\n")
    hung.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(KernelFeatureUnavailable, match=r"mount: no answer in 0\.3 s"):
        tracefs.find_tracefs()
    hung.unlink()
    with pytest.raises(KernelFeatureUnavailable, match="mount: No such file"):
        tracefs.find_tracefs()


def test_a_missing_mount_point_is_not_said_to_be_the_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tracefs unmounted and /sys/kernel/tracing gone (a container's /sys, a tmpfs over
    /sys/kernel): `watch` fell back to polling "(tracepoint unavailable: tracefs is not
    available on this kernel)", though the kernel has it. It says what is missing."""
    from spamtrace.errors import KernelFeatureUnavailable
    from spamtrace.sources import tracefs

    missing = tmp_path / "sys" / "kernel" / "tracing"
    monkeypatch.setattr(tracefs, "TRACEFS_MOUNTS", (str(missing),))
    filesystems = tmp_path / "filesystems"
    monkeypatch.setattr(tracefs, "FILESYSTEMS", str(filesystems))
    filesystems.write_text("nodev\tsysfs\nnodev\ttracefs\n\text4\n")
    with pytest.raises(KernelFeatureUnavailable) as err:
        tracefs.find_tracefs()
    assert err.value.message == (
        f"tracefs is not mounted, and there is no {missing} to mount it on (/sys hidden or "
        "replaced, as in a container)"
    )
    filesystems.write_text("nodev\tsysfs\n\text4\n")
    with pytest.raises(KernelFeatureUnavailable, match="not available on this kernel"):
        tracefs.find_tracefs()


def test_the_instance_of_a_killed_watcher_not_yet_reaped_is_stale(tmp_path: Path) -> None:
    """`kill -9` of a watcher whose parent has not reaped it yet (a zombie): its instance was
    taken for a live watcher's, so the next start reported a capture gap and left the
    attempts of the gap in the dead buffer."""
    import subprocess

    from spamtrace.sources.tracefs import instance_tag, stale_instances

    tag = instance_tag("/var/lib/spamtrace/spamtrace.db")
    (tmp_path / "instances").mkdir()
    child = subprocess.Popen(["sleep", "60"])
    alive = subprocess.Popen(["sleep", "60"])
    try:
        for pid in (child.pid, alive.pid):
            (tmp_path / "instances" / f"spamtrace-{pid}-{tag}").mkdir()
        child.kill()
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped: a zombie
        assert Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        assert stale_instances(tmp_path, tag) == [f"spamtrace-{child.pid}-{tag}"]
    finally:
        for proc in (child, alive):
            proc.kill()
            proc.wait()


def test_wall_time_follows_a_step_of_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the trace's timestamps are CLOCK_MONOTONIC; the wall clock may be stepped after the
    # start (NTP at boot on a host without a good RTC, a VM restored from a snapshot): an
    # event is dated by the clock of when it is read, not by the offset of the start. A
    # stale offset put every later attempt minutes or hours off, while NFLOG's records are
    # dated by the kernel's wall clock: no blocked record matched its attempt any more
    r, w = os.pipe()
    os.set_blocking(r, False)
    src = _Counting()
    src.path = tmp_path
    src._fd = r
    src.wall_offset = 1000.0  # the clock at start
    monkeypatch.setattr(tracefs_mod.time, "time", lambda: 5000.0)
    monkeypatch.setattr(tracefs_mod.time, "monotonic", lambda: 382.0)  # stepped by 3618 s
    try:
        os.write(w, V4.encode() + b"\n")
        (ev,) = src.read_events()
        assert ev.monotonic == pytest.approx(381.014429)
        assert ev.wall == pytest.approx(381.014429 + 5000.0 - 382.0)
    finally:
        os.close(r)
        os.close(w)


def test_an_ipv4_mapped_destination_is_named_as_ipv4() -> None:
    """An IPv6 socket connected to ``::ffff:10.0.0.2`` sends IPv4: named as NFLOG and sock_diag
    name it (the refused attempts join the same destination), the socket still AF_INET6."""
    line = V6.replace("saddrv6=fd57:1::1 daddrv6=fd57:1::2",
                      "saddrv6=::ffff:10.0.0.1 daddrv6=::ffff:10.0.0.2")  # fmt: skip
    ev = parse_trace_line(line)
    assert isinstance(ev, SmtpConnectAttempted) and ev.family == socket.AF_INET6
    assert ev.remote == Endpoint("10.0.0.2", 587) and ev.local == Endpoint("10.0.0.1", 0)
    # an IPv6 address that only starts like one is left alone
    other = parse_trace_line(line.replace("daddrv6=::ffff:10.0.0.2", "daddrv6=::ffff:0:a00:2"))
    assert isinstance(other, SmtpConnectAttempted) and other.remote.ip == "::ffff:0:a00:2"
