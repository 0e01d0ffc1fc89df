"""The attribution ladder of `watch`, polling diffs, the exec snapshot and CLI helpers."""

from __future__ import annotations

import dataclasses
import os
import socket
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import (
    EXIM,
    attempt,
    attributor,
    connect,
    dead_pid,
    drain_on_refresh,
    exec_and_fork,
    exec_seen,
    proc,
)

from spamtrace.attribution.attributor import LiveRead, connection_of
from spamtrace.attribution.exec_cache import ExecCache, snapshot
from spamtrace.cli.watch import parse_since
from spamtrace.config import Config
from spamtrace.errors import UsageError
from spamtrace.model import (
    AttributionMethod,
    Endpoint,
    ProcessInfo,
    SmtpConnectAttempted,
    SocketRecord,
    TcpState,
    Verdict,
)
from spamtrace.sinks.records import event_record
from spamtrace.sources.proc_connector import ProcEvent, ProcEventKind
from spamtrace.sources.sockdiag_poll import SockdiagPollSource, new_sockets


def event(pid: int) -> SmtpConnectAttempted:
    """``pid``'s connect now, by a program named ``x`` (no process's name here)."""
    return connect(pid, comm="x")


def test_live_process_is_read_from_proc() -> None:
    att = attributor().attempt(event(os.getpid()))
    assert att.process is not None and att.process.method is AttributionMethod.TRACEPOINT
    assert att.process.exe and att.process.cwd == os.getcwd()
    assert att.verdict is Verdict.SUSPICIOUS


def test_gone_process_comes_from_the_exec_cache() -> None:
    pid = dead_pid()
    cache = exec_seen(pid, lambda p: proc(pid=p, method=AttributionMethod.EXEC_CACHE))
    att = attributor(cache).attempt(event(pid))
    assert att.process is not None and att.process.method is AttributionMethod.EXEC_CACHE
    assert att.process.uid == 1001 and att.account is not None
    assert att.account.name == "user1001"


def test_nothing_known_still_gives_an_attempt() -> None:
    a = attributor(ExecCache(reader=lambda p: proc(pid=p)))
    att = a.attempt(event(dead_pid()))
    a.socket_owner = None
    att = a.attempt(event(dead_pid()))
    # not attributed: neither the MTA nor suspicious (nothing says what it was)
    assert att.process is None and att.verdict is Verdict.UNKNOWN
    assert a.counts == {"none": 2}
    rec = event_record(att, "inc-x")
    assert rec.method == "none" and rec.remote == "10.0.0.2:25" and rec.incident_id == "inc-x"


def test_socket_uid_gives_uid_only() -> None:
    att = attributor().attempt(event(dead_pid()), uid_hint=1234)
    assert att.process is not None and att.process.method is AttributionMethod.UID_ONLY
    assert att.process.uid == 1234 and att.process.exe is None
    assert connection_of(att).socket.uid == 1234


def test_snapshot_of_a_live_process() -> None:
    info = snapshot(os.getpid())
    assert info.exe == os.readlink("/proc/self/exe") and info.cwd == os.getcwd()
    assert info.uid == os.getuid() and info.start_time is not None
    assert info.parents and info.parents[0].pid == os.getppid()
    gone = snapshot(dead_pid())
    assert gone.exe is None and gone.uid is None and gone.notes


def test_exec_of_a_vanished_child_keeps_what_its_fork_knew() -> None:
    parent = proc(pid=10, method=AttributionMethod.EXEC_CACHE)
    table = {10: parent}
    cache = ExecCache(reader=lambda p: table.get(p) or snapshot(p, procfs="/nonexistent"))
    for ev in exec_and_fork(10, 11, 1.0, fork_at=2.0):
        cache.handle(ev)
    cache.handle(ProcEvent(ProcEventKind.EXEC, 2.1, 11, 11))  # gone before it was read
    child = cache.lookup(11, at=2.2)
    assert child is not None and child.pid == 11
    assert child.cwd == parent.cwd and child.uid == 1001
    # the exec replaced the program: it is not the parent's php (it may be sendmail, exim...)
    assert child.exe is None and child.cmdline == () and child.scripts == ()
    assert any("program it ran is unknown" in n for n in child.notes)


def vanished_exec() -> tuple[ExecCache, int, int, float]:
    """A cache that saw a user's php (``proc()``) exec'd, fork a child at ``at + 0.1``, and the
    child exec something at ``at + 0.2`` that was gone before it could be read:
    (cache, parent pid, child pid, at)."""
    parent_pid, pid = dead_pid(), dead_pid()
    table = {parent_pid: proc(pid=parent_pid, method=AttributionMethod.EXEC_CACHE)}
    cache = ExecCache(reader=lambda p: table.get(p) or snapshot(p, procfs="/nonexistent"))
    at = time.monotonic() - 2
    for ev in exec_and_fork(parent_pid, pid, at):
        cache.handle(ev)
    cache.handle(ProcEvent(ProcEventKind.EXEC, at + 0.2, pid, pid))  # gone before it was read
    return cache, parent_pid, pid, at


def test_a_vanished_exec_of_a_user_process_is_still_suspicious_without_an_exe() -> None:
    """What the fork knew (the account's uid and folder) still makes the verdict."""
    cache, parent_pid, pid, _ = vanished_exec()
    a = attributor(cache)
    a.socket_owner = None
    att = a.attempt(event(pid))
    assert att.process is not None and att.process.exe is None and att.process.uid == 1001
    assert att.process.cwd == proc(pid=parent_pid).cwd  # the parent's folder
    assert att.verdict is Verdict.SUSPICIOUS, att.reasons


def rec(local: str, remote: str, state: TcpState = TcpState.ESTABLISHED) -> SocketRecord:
    lip, lport = local.split(":")
    rip, rport = remote.split(":")
    return SocketRecord(
        socket.AF_INET, state, Endpoint(lip, int(lport)), Endpoint(rip, int(rport)), 1001, 7,
        "sockdiag",
    )  # fmt: skip


def test_polling_reports_each_socket_once() -> None:
    a, b = rec("10.0.0.1:4000", "10.0.0.2:25"), rec("10.0.0.1:4001", "10.0.0.2:25")
    fresh, seen = new_sockets([a], set())
    assert fresh == [a]
    fresh, seen = new_sockets([a, b, rec("10.0.0.1:4000", "10.0.0.2:25", TcpState.FIN_WAIT1)], seen)
    assert fresh == [b]  # the same connection in another state is not new
    fresh, _ = new_sockets([rec("10.0.0.1:25", "10.0.0.9:5000", TcpState.LISTEN)], seen)
    assert fresh == []


def test_poll_source_wakes_the_selector_and_finds_owners() -> None:
    records = [rec("10.0.0.1:4000", "10.0.0.2:25")]
    src = SockdiagPollSource(
        [25], 0.005, dumper=lambda ports: list(records), owners=lambda by_uid: {7: 4242}
    )
    try:
        deadline = time.monotonic() + 5
        events: list[object] = []
        while not events and time.monotonic() < deadline:
            import select

            select.select([src.fileno()], [], [], 0.5)
            events = list(src.read_events())
        (polled,) = events
        assert polled.attempt.pid == 4242 and polled.uid == 1001  # type: ignore[attr-defined]
        assert polled.attempt.source == "sockdiag"  # type: ignore[attr-defined]
        time.sleep(0.05)
        assert src.read_events() == []  # no duplicate for the same socket
    finally:
        src.close()


def test_parse_since() -> None:
    now = 1_000_000_000.0
    assert parse_since("all", now) is None
    assert parse_since("30m", now) == now - 1800
    assert parse_since("2h", now) == now - 7200
    assert parse_since("7d", now) == now - 7 * 86400
    assert parse_since("1700000000", now) == 1_700_000_000.0
    assert parse_since("2026-11-27T10:00:00Z", now) == parse_since("2026-11-27T10:00", now)
    with pytest.raises(UsageError):
        parse_since("yesterday-ish", now)


class _DyingSource:
    name = "tracepoint"

    def __init__(self) -> None:
        self.closed = False

    def fileno(self) -> int:
        return 0

    def read_events(self) -> list[object]:
        from spamtrace.errors import KernelFeatureUnavailable

        raise KernelFeatureUnavailable("tracefs instance x disappeared; connect events are ...")

    def close(self) -> None:
        self.closed = True


def test_tracefs_that_disappears_degrades_to_polling(capsys: pytest.CaptureFixture[str]) -> None:
    from spamtrace.render.watch import WatchView
    from spamtrace.service.engine import Engine, EngineOptions
    from spamtrace.sources.sockdiag_poll import SockdiagPollSource

    w = Engine(Config(), EngineOptions(store_path=None, nflog=False), [WatchView(False)])
    dying = _DyingSource()
    w.sources = [dying]
    w.trace_src = dying
    try:
        w._read_source(dying, None)
        assert dying.closed and w.trace_src is None
        assert any(isinstance(s, SockdiagPollSource) for s in w.sources)
        assert any("disappeared" in d and "polling sock_diag" in d for d in w.degraded)
        assert "disappeared" in capsys.readouterr().err
    finally:
        w.close()


def test_watch_start_takes_up_recent_incidents_from_the_store(tmp_path: Path) -> None:
    """After a restart, an ongoing sender's next attempt joins the incident the store has."""
    from spamtrace.policy.incidents import IncidentTracker
    from spamtrace.service.engine import Engine, EngineOptions
    from spamtrace.sinks.records import incident_record
    from spamtrace.sinks.store import Store

    path = str(tmp_path / "s.db")
    now = time.time()
    before = IncidentTracker()
    old = [attempt(now - 30, pid=5), attempt(now - 3 * 3600, process=proc(uid=1002))]
    store = Store(path)
    for att in old:
        up = before.add(att)
        store.submit(event_record(att, up.incident.id), incident_record(up.incident, att))
    store.flush()
    store.close()
    recent_id = before.add(attempt(now - 29, pid=5)).incident.id

    w = Engine(Config(), EngineOptions(store_path=path, nflog=False))
    try:
        w.store = Store(path)
        w._resume_incidents()
        assert any("1 incident(s) from before this start taken up" in n for n in w.notes)
        up = w.tracker.add(attempt(now, pid=6))
        assert not up.opened and up.incident.id == recent_id and up.incident.connections == 2
        # the one idle for hours was not taken up: its sender opens a new incident
        assert w.tracker.add(attempt(now, process=proc(uid=1002))).opened
    finally:
        w.store.close()
        w.close()


def test_a_uid_change_still_in_the_connector_buffer_wins_over_the_cached_exec() -> None:
    """exim's delivery: a setuid exim4 exec'd (cached as root: only the owner of a system
    user's /proc entry is read), it forks, the child drops to Debian-exim, connects and exits
    before it can be read. The UID event was sent before the connect but not drained yet."""
    child = dead_pid()
    cache = ExecCache(min_uid=1 << 30)  # every owner is a "system user": a light record
    exec_at = time.monotonic() - 1
    cache.on_exec(os.getpid(), exec_at)  # the owner of /proc/PID (root here) is recorded
    cache.handle(ProcEvent(ProcEventKind.FORK, exec_at + 0.1, child, child, os.getpid(),
                           os.getpid()))  # fmt: skip
    pending = [ProcEvent(ProcEventKind.UID, exec_at + 0.2, child, child, ruid=102, euid=102)]
    a = attributor(cache)
    drained: list[int] = []

    def refresh() -> None:
        drained.append(len(pending))
        while pending:
            cache.handle(pending.pop())

    a.refresh = refresh
    att = a.attempt(event(child))
    assert drained == [1]
    assert att.process is not None and att.process.method is AttributionMethod.EXEC_CACHE
    assert att.process.uid == 102 and att.account is not None and att.account.name == "user102"


def test_the_socket_owner_wins_over_a_cached_uid() -> None:
    pid = dead_pid()
    cache = exec_seen(pid, lambda p: proc(pid=p, method=AttributionMethod.EXEC_CACHE))
    att = attributor(cache).attempt(event(pid), uid_hint=2002)
    assert att.process is not None and att.process.uid == 2002
    assert att.process.exe is not None  # the rest of the cached record is kept
    assert any("from the socket's owner" in n for n in att.process.notes)


def test_an_earlier_event_of_a_process_read_live_later_keeps_its_attribution() -> None:
    """A batch (a restart's takeover of a dead watcher's buffer) is attributed after the
    events: its sender was read live at one event and exited before the next was handled.
    Every event before that read is the same process's (it held the pid from its start to
    the read), even with no exec cache and no /proc entry left."""
    a = attributor(ExecCache(reader=lambda p: proc(pid=p)))
    pid = dead_pid()
    before, read_at = event(pid), time.monotonic()
    known = proc(pid=pid, method=AttributionMethod.TRACEPOINT)
    a.known.read(pid, LiveRead(read_at, "0", known))  # started at boot, read alive at read_at
    att = a.attempt(before)
    assert att.process is known and att.process.uid == 1001
    assert a.attempt(event(pid)).process is None  # after the read: maybe another process


def test_a_later_connect_of_a_sender_gone_since_its_live_read_is_still_its_own() -> None:
    """A spam script connects again and again and exits while the engine is busy with its
    first connect (its block, its scan): with no exec cache (no proc connector: a container,
    a netns), every connect after the first read was `unknown` (4 of 5 in a lab run: not
    blocked, not alerted). The same pid and program (comm) within seconds of the read, whose
    process is gone, is taken as the process read."""
    a = attributor()
    pid = dead_pid()
    known = proc(pid=pid, method=AttributionMethod.TRACEPOINT)
    read = LiveRead(time.monotonic() - 0.05, "0", known)
    a.known.read(pid, read)  # read live 50 ms ago, gone since
    later = dataclasses.replace(event(pid), comm=known.name)
    att = a.attempt(later)
    assert att.process is not None and att.process.uid == known.uid
    assert att.process.scripts == known.scripts and att.verdict is Verdict.SUSPICIOUS
    assert any("exited before this connect could be read" in n for n in att.process.notes)
    assert a.attempt(event(pid)).process is None  # another program (comm "x"): not its
    stale = dataclasses.replace(later, monotonic=time.monotonic() + 10)
    assert a.attempt(stale).process is None  # long after the read: maybe another process


def test_a_connect_after_an_exec_is_not_the_earlier_programs_by_a_stale_command_name() -> None:
    """`python3 first.py` connects (read live), then execs `perl then.pl` (same pid, same
    start) whose connects are handled after perl exited. The trace names a task by the name
    the kernel saved when it was last switched out, so perl's first connects can still say
    `python3`: the earlier read was reused for them (1 of perl's 30 connects named
    /usr/bin/python3.11 in whole-suite runs). The exec cache knows the exec: not reused."""
    pid = dead_pid()
    cache = ExecCache(reader=lambda p: proc(pid=p, method=AttributionMethod.EXEC_CACHE))
    a = attributor(cache)
    python = proc(pid=pid, method=AttributionMethod.TRACEPOINT)
    read_at = time.monotonic() - 0.05
    a.known.read(pid, LiveRead(read_at, "0", python))  # python read live 50 ms ago
    stale = dataclasses.replace(event(pid), comm=python.name)  # perl's, python's name
    cache.on_exec(pid, read_at + 0.01)  # perl began after the read
    att = a.attempt(stale)
    # perl as its exec left it (the cache), not python's read
    assert att.process is not None and att.process.method is AttributionMethod.EXEC_CACHE
    assert not any("exited before this connect" in n for n in att.process.notes)
    # an exec before the read (the program read is the one that made the connect): reused
    b = attributor(ExecCache(reader=lambda p: proc(pid=p)))
    b.cache.on_exec(pid, read_at - 1.0)  # type: ignore[union-attr]
    b.known.read(pid, LiveRead(read_at, "0", python))
    again = b.attempt(stale)
    assert again.process is not None and again.process.exe == python.exe
    assert any("exited before this connect could be read" in n for n in again.process.notes)


def test_an_earlier_connect_is_not_given_the_read_of_the_program_exec_d_after_it() -> None:
    """A connect of `python3 first.py`, handled late, after its process exec'd `perl` and
    perl was read live and exited: the read is perl's, not the earlier connect's."""
    pid = dead_pid()
    a = attributor(ExecCache(reader=lambda p: proc(pid=p, method=AttributionMethod.EXEC_CACHE)))
    before = event(pid)
    perl = proc(pid=pid, method=AttributionMethod.TRACEPOINT)
    a.cache.on_exec(pid, before.monotonic + 0.01)  # type: ignore[union-attr]
    a.known.read(pid, LiveRead(before.monotonic + 0.02, "0", perl))
    att = a.attempt(before)
    assert att.process is None or att.process is not perl


def test_a_takeover_without_a_journal_does_not_prove_continuity() -> None:
    from spamtrace.sources.tracefs import TakenOver

    ok = TakenOver("spamtrace-1-x", 1, 10, 1.0, 0, 0, in_flight=2)
    assert ok.continuous and "may be missing" not in ok.describe()
    blind = TakenOver("spamtrace-1-x", 1, 10, 1.0, 0, 0, journal=False)
    assert not blind.continuous
    assert "it had no journal" in blind.describe() and "may be missing" in blind.describe()
    assert not TakenOver("spamtrace-1-x", 1, 10, 1.0, 3, 0).continuous


def test_a_partial_late_read_is_completed_from_the_exec_cache_as_a_live_one_is() -> None:
    """The live read of a process in its exit showed no exe and no command line (its memory
    was gone, its cwd not yet); the events after it, handled once it was reaped, are completed
    from the exec cache like the first one, so that they all make one incident."""
    pid = dead_pid()
    cache = exec_seen(pid, lambda p: proc(pid=p, method=AttributionMethod.EXEC_CACHE))
    a = attributor(cache)
    ev = event(pid)
    full = proc(pid=pid, method=AttributionMethod.TRACEPOINT)
    exiting = dataclasses.replace(full, exe=None, cmdline=(), scripts=())
    a.known.read(pid, LiveRead(time.monotonic(), "0", exiting))
    att = a.attempt(ev)
    assert att.process is not None and att.process.method is AttributionMethod.TRACEPOINT
    assert att.process.exe == full.exe and att.process.scripts == full.scripts
    assert any("came from the exec cache" in n for n in att.process.notes)


def test_a_partial_read_drains_the_proc_connector_before_giving_up_on_the_cache() -> None:
    """The exec of a process read in its exit may still wait in the connector's buffer (the
    cache is even empty at first): it is drained, then the record completes the read."""
    pid = dead_pid()
    cache = ExecCache(reader=lambda p: proc(pid=p, method=AttributionMethod.EXEC_CACHE))
    a = attributor(cache)
    pending = [ProcEvent(ProcEventKind.EXEC, time.monotonic() - 1, pid, pid)]
    drain_on_refresh(a, cache, pending)
    ev = event(pid)  # made before the (late) live read
    full = proc(pid=pid, method=AttributionMethod.TRACEPOINT)
    partial = dataclasses.replace(full, exe=None, cmdline=())
    a.known.read(pid, LiveRead(time.monotonic(), "0", partial))
    att = a.attempt(ev)
    assert not pending and att.process is not None and att.process.exe == full.exe
    assert att.process.method is AttributionMethod.TRACEPOINT


def test_an_exim_delivery_gone_before_its_exec_was_read_is_the_mta(tmp_path: Path) -> None:
    """exim -Mc exec'd, forked a child that dropped to Debian-exim, connected and exited; all
    before the watcher read the exec (a busy host): the UID events give the uid (was: nothing
    cached, 'unknown uid', suspicious)."""
    parent, child = dead_pid(), dead_pid()
    cache = ExecCache(procfs=str(tmp_path), min_uid=1000)  # /proc of these pids: gone
    at = time.monotonic() - 1
    a = attributor(cache, mta=EXIM)
    a.socket_owner = None
    drain_on_refresh(a, cache, [
        *exec_and_fork(parent, child, at),
        ProcEvent(ProcEventKind.UID, at + 0.2, child, child, ruid=102, euid=102),
        ProcEvent(ProcEventKind.EXIT, at + 0.4, child, child),
    ])  # fmt: skip
    ev = dataclasses.replace(event(child), monotonic=at + 0.3)
    att = a.attempt(ev)
    assert att.process is not None and att.process.uid == 102
    assert att.verdict is Verdict.MTA, att.reasons


def test_a_setuid_mta_exec_read_as_root_keeps_its_exe(tmp_path: Path) -> None:
    """A root-owned (setuid) exec keeps its exe; without a uid it is the MTA by exe only."""
    pid = dead_pid()
    d = tmp_path / str(pid)
    d.mkdir()
    (d / "exe").symlink_to("/usr/sbin/exim4")
    cache = ExecCache(procfs=str(tmp_path), min_uid=(os.stat(d).st_uid + 1))
    cache.on_exec(pid, time.monotonic() - 1)
    info = cache.lookup(pid)
    assert info is not None and info.exe == "/usr/sbin/exim4"
    assert attributor(cache, mta=EXIM).attempt(event(pid)).verdict is Verdict.MTA


def test_a_gone_process_gets_the_uid_of_its_socket_from_sock_diag() -> None:
    a = attributor(ExecCache(), mta=EXIM)
    a.socket_owner = lambda ev: 102
    att = a.attempt(event(dead_pid()))
    assert att.process is not None and att.process.method is AttributionMethod.UID_ONLY
    assert att.verdict is Verdict.MTA and "sock_diag" in att.process.notes[0]


def test_socket_owner_finds_the_uid_of_an_open_connection() -> None:
    """The real kernel: a connection still open is found by its addresses."""
    from spamtrace.attribution.attributor import socket_owner

    with socket.socket() as srv, socket.socket() as cli:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        port = srv.getsockname()[1]
        cli.connect(("127.0.0.1", port))
        ev = SmtpConnectAttempted(
            monotonic=time.monotonic(), wall=time.time(), pid=dead_pid(), tid=0, comm=None,
            family=socket.AF_INET, local=Endpoint("127.0.0.1", 0),
            remote=Endpoint("127.0.0.1", port), source="tracepoint",
        )  # fmt: skip
        assert socket_owner(ev) == os.getuid()
        other = dataclasses.replace(ev, local=Endpoint("127.0.0.2", 0))
        assert socket_owner(other) is None  # not from that address: not its socket


# ------------------------------------------------------- the thread that connected, not the column
def threaded_event(tid: int, column: int, at: float | None = None) -> SmtpConnectAttempted:
    """A tracepoint event of thread ``tid`` whose trace line showed ``column`` as its tgid."""
    return dataclasses.replace(
        event(tid), pid=column, monotonic=time.monotonic() if at is None else at
    )


def test_a_stale_tgid_column_does_not_give_the_connect_to_the_watcher() -> None:
    """Seen in CI: a PHP sender's connects (its tid reused from one of the watcher's old
    threads, the trace's tgid column not yet updated) were attributed to the watcher itself,
    root, 'suspicious'. The thread is what the event names exactly: its exec record wins."""
    php = dead_pid()
    cache = exec_seen(php, lambda p: proc(pid=p, method=AttributionMethod.EXEC_CACHE))
    a = attributor(cache)
    att = a.attempt(threaded_event(php, column=os.getpid()))
    assert att.event.pid == php  # type: ignore[union-attr]
    assert att.process is not None and att.process.uid == 1001
    assert att.process.exe == "/usr/bin/php8.2" and att.process.pid == php


def test_a_live_thread_is_attributed_to_its_own_process_whatever_the_column_says() -> None:
    import threading

    started, stop = threading.Event(), threading.Event()
    tids: list[int] = []

    def run() -> None:
        tids.append(threading.get_native_id())
        started.set()
        stop.wait(10)

    t = threading.Thread(target=run)
    t.start()
    try:
        started.wait(10)
        a = attributor(ExecCache(reader=lambda p: proc(pid=p)))
        pid, note = a.owner_pid(threaded_event(tids[0], column=dead_pid()))
        assert (pid, note) == (os.getpid(), None)
        att = a.attempt(threaded_event(tids[0], column=dead_pid()))
        assert att.process is not None and att.process.exe == os.readlink("/proc/self/exe")
    finally:
        stop.set()
        t.join()


def test_a_gone_thread_is_found_by_the_proc_connector_record_of_its_creation() -> None:
    owner, gone = dead_pid(), dead_pid()
    cache = ExecCache(reader=lambda p: proc(pid=p, uid=1005, method=AttributionMethod.EXEC_CACHE))
    at = time.monotonic() - 1
    a = attributor(cache)
    drain_on_refresh(a, cache, [
        *exec_and_fork(owner, gone, at, thread=True),
        ProcEvent(ProcEventKind.EXIT, at + 0.3, gone, owner),
    ])  # fmt: skip
    assert a.owner_pid(threaded_event(gone, column=os.getpid(), at=at + 0.2)) == (owner, None)
    # after the thread's exit, the same id is nobody's thread any more
    pid, note = a.owner_pid(threaded_event(gone, column=os.getpid(), at=at + 0.5))
    assert pid == gone and note is not None and "not trusted" in note


def test_an_unverifiable_column_is_kept_with_a_note() -> None:
    a = attributor(ExecCache(reader=lambda p: proc(pid=p)))
    other, gone = dead_pid(), dead_pid()
    pid, note = a.owner_pid(threaded_event(gone, column=other))
    assert pid == other and note is not None and "tgid column" in note
    # a main thread's own id in the column is not a guess
    assert a.owner_pid(threaded_event(gone, column=gone)) == (gone, None)


def test_the_exec_cache_tells_threads_from_processes() -> None:
    cache = ExecCache(reader=lambda p: proc(pid=p), linger=5)
    for ev in exec_and_fork(50, 51, 10.0, fork_at=11.0, thread=True):
        cache.handle(ev)
    assert cache.thread_group(51, 10.5) is None  # not created yet
    assert cache.thread_group(51, 11.5) == 50 and cache.thread_group(50, 11.5) is None
    assert cache.holds(50, 11.5) and not cache.holds(51, 11.5) and not cache.holds(50, 9.0)
    cache.handle(ProcEvent(ProcEventKind.EXIT, 12.0, 51, 50))
    assert cache.thread_group(51, 11.9) == 50 and cache.thread_group(51, 12.5) is None
    assert cache.lookup(50, at=12.5) is not None  # a thread's exit is not its process's
    cache.expire(now=20.0)
    assert cache.thread_group(51, 11.9) is None  # dropped after the linger


@pytest.mark.parametrize(("comm", "exe"), [("php", "/usr/bin/php8.2"), ("sendmail", None),
                                           (None, None)])  # fmt: skip
def test_a_vanished_exec_runs_its_parents_program_only_if_the_trace_names_it_so(
    comm: str | None, exe: str | None
) -> None:
    """`php -r ...` run by php and gone in microseconds: the trace's command name is its
    parent's program's, so that is its exe; `sendmail` run by php is not php (unknown)."""
    cache, parent_pid, pid, at = vanished_exec()
    assert cache.forked_exe(pid, at + 0.3) == "/usr/bin/php8.2"
    assert cache.forked_exe(parent_pid, at + 0.3) is None  # its exec was read
    a = attributor(cache)
    a.socket_owner = None
    att = a.attempt(dataclasses.replace(event(pid), comm=comm))
    assert att.process is not None and att.process.exe == exe and att.process.uid == 1001
    assert any("same" in n for n in att.process.notes) is (exe is not None)


def test_an_unavailable_proc_connector_is_named_once() -> None:
    from spamtrace.service.engine import proc_connector_degraded

    line = proc_connector_degraded(
        "proc connector unavailable (only answers in the initial network namespace): "
        "own netns: Connection refused"
    )
    assert line.count("proc connector") == 1, line
    assert line.endswith("; processes that exit within milliseconds are attributed by uid only")
    assert proc_connector_degraded("no netlink").startswith("proc connector unavailable (no ")


def test_a_live_read_checks_the_pid_against_the_start_it_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """/proc/PID/stat was read again after the full read, which had checked the start time
    itself: the start the read found is compared with the one read before it."""
    from spamtrace.attribution import attributor as attributor_mod

    reads: list[int] = []
    real = attributor_mod._stat_start

    def counted(pid: int) -> str | None:
        reads.append(pid)
        return real(pid)

    monkeypatch.setattr(attributor_mod, "_stat_start", counted)
    a = attributor()
    att = a.attempt(event(os.getpid()))
    assert att.process is not None and att.process.method is AttributionMethod.TRACEPOINT
    assert reads == [os.getpid()]
    # a read that found another process under the pid (its start differs): not this one
    a = attributor()
    found = a._read(os.getpid(), method=AttributionMethod.TRACEPOINT)
    assert found.start_time is not None
    other = dataclasses.replace(found, start_time=found.start_time - 5)
    monkeypatch.setattr(a, "_read", lambda pid, method: other)
    assert a._live(event(os.getpid())) is None


def test_poll_source_dates_a_connect_by_the_clock_of_now() -> None:
    # a step of the wall clock after the start (NTP, a restored VM) must not put every later
    # connect off by the step: the offset taken at start went stale
    records: list[object] = []
    src = SockdiagPollSource(
        [25], 1000.0, dumper=lambda ports: list(records), owners=lambda by_uid: {7: 4242}
    )
    try:
        deadline = time.monotonic() + 30  # the thread's first poll (nothing yet), then it
        while src.polls < 1:  # sleeps: a record added before it would be the thread's
            assert time.monotonic() < deadline, "the poll thread did not poll"
            time.sleep(0.01)
        src.wall_offset -= 3600.0  # as if the clock was stepped forward an hour since
        records.append(rec("10.0.0.1:4000", "10.0.0.2:25"))
        before = time.time()
        assert src.poll_once() == 1
        (polled,) = src.read_events()
        assert before - 1 <= polled.attempt.wall <= time.time() + 1  # type: ignore[attr-defined]
    finally:
        src.close()


def test_a_long_batch_of_connects_reads_the_execs_that_came_meanwhile() -> None:
    """A burst of connects read at once is attributed one by one, some milliseconds each on a
    busy host: the loop read the proc connector only before the batch, so an exec that came
    meanwhile waited for its end, and a short-lived sender of another account had exited by
    then (known by its uid alone; an integration test's event line had no executable and no
    script). The connector is read between the connects of a batch that takes longer than
    PROC_DRAIN_EVERY."""
    from spamtrace.render.watch import WatchView
    from spamtrace.service import engine as engine_mod

    handled: list[int] = []
    drained_after: list[int] = []  # how many connects of the batch were handled at each read

    class Connector:
        def read_events(self) -> list[ProcEvent]:
            drained_after.append(len(handled))
            return []

    class SlowAttributor:  # 3 PROC_DRAIN_EVERY a connect: a busy host
        def __init__(self) -> None:
            self.counts: dict[str, int] = {}

        def attempt(self, ev: SmtpConnectAttempted, uid_hint: int | None = None) -> object:
            time.sleep(3 * engine_mod.PROC_DRAIN_EVERY)
            handled.append(ev.pid)
            return attempt(time.time(), pid=ev.pid)

    class Burst:
        name = "tracepoint"

        def read_events(self) -> list[SmtpConnectAttempted]:
            return [event(4000 + i) for i in range(5)]

    w = engine_mod.Engine(
        Config(), engine_mod.EngineOptions(store_path=None, nflog=False), [WatchView(True)]
    )
    try:
        w.proc_src = Connector()  # type: ignore[assignment]
        w.exec_cache = ExecCache()
        w.attributor = SlowAttributor()  # type: ignore[assignment]
        w._read_source(Burst(), None)  # type: ignore[arg-type]
        w._schedule(drain=True)  # past its time slice (URGENT_SLICE): the rest now
    finally:
        w.proc_src = None
        w.close()
    assert handled == [4000, 4001, 4002, 4003, 4004]
    assert drained_after[-4:] == [1, 2, 3, 4], drained_after  # before each connect after the first


def test_a_default_store_folder_that_cannot_be_made_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`watch` and the daemon on a read-only /var/lib said "internal error: OSError: [Errno
    30] Read-only file system: '/var/lib/spamtrace'": a host's state, said as a bug. It is
    a StoreError (exit 3) that names the folder and what to give instead."""
    from spamtrace.errors import StoreError
    from spamtrace.service.engine import Engine, EngineOptions
    from spamtrace.sinks import store as store_mod

    blocker = tmp_path / "lib"
    blocker.write_text("")  # a file where the folder's parent should be: makedirs fails
    folder = str(blocker / "spamtrace")
    monkeypatch.setattr(store_mod, "DEFAULT_STORE_DIR", folder)
    w = Engine(Config(), EngineOptions(store_path=f"{folder}/spamtrace.db", nflog=False))
    try:
        with pytest.raises(StoreError, match=r"cannot create the store's folder .*--db"):
            w.open()
    finally:
        w.close()


def test_polling_says_degraded_once_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`watch --source poll` (and the daemon) said "DEGRADED: polling requested with --source
    poll; DEGRADED: polling sock_diag ...": the word twice in one line (the renderers put it
    before each degraded reason, and the reason carried it too). Also when tracefs goes away
    while watching: the line then says DEGRADED (it said "warning: ...; DEGRADED: ...")."""
    import io

    from spamtrace.render.watch import WatchView
    from spamtrace.service.daemon import JournalLog
    from spamtrace.service.engine import Engine, EngineOptions

    journal = io.StringIO()
    w = Engine(
        Config(),
        EngineOptions(store_path=None, source="poll", nflog=False),
        [WatchView(False), JournalLog(out=journal)],
    )
    try:
        w.open()
        w.publish(w.started_message())
        dying = _DyingSource()
        w.sources.append(dying)
        w.trace_src = dying  # type: ignore[assignment]
        w._read_source(dying, None)
    finally:
        w.close()
    lines = [ln for ln in (capsys.readouterr().err + journal.getvalue()).splitlines()]
    degraded = [ln for ln in lines if "DEGRADED" in ln.upper() and "sock_diag" in ln]
    assert len(degraded) == 4, lines  # at start and after tracefs went, watch's and journal's
    for line in degraded:
        assert line.upper().count("DEGRADED") == 1, line
    assert any("--source poll" in ln for ln in degraded), degraded
    assert any("disappeared" in ln and "DEGRADED:" in ln for ln in degraded), degraded


@pytest.mark.parametrize(
    ("comm", "uid", "exe", "first_exe"),
    [("fx", 1001, "/home/u/public_html/wp-content/uploads/fx", None),
     ("sendmail", 1001, None, None), ("fx", 1002, None, None),
     ("exim4", 1001, None, "/usr/sbin/exim4")],  # the MTA's binary is never lent
)  # fmt: skip
def test_a_vanished_exec_runs_the_program_of_the_same_name_read_in_the_same_folder(
    comm: str, uid: int, exe: str | None, first_exe: str | None
) -> None:
    """A compiled sender run in a loop (`for i in ...; do ./fx MX; done`) connects and exits
    within 100 us: most of its runs are gone before their exec can be read, and each was an
    attempt with no program, an incident of its own beside the one of the run that was read
    (1,499 of 2,003 connects of 2,000 runs). A run gone unread whose uid, folder and command
    name are those of a run read in full seconds before ran that program."""
    parent, first, pid = dead_pid(), dead_pid(), dead_pid()
    fx = dataclasses.replace(
        proc(pid=first, exe=first_exe or "/home/u/public_html/wp-content/uploads/fx",
             scripts=(), method=AttributionMethod.EXEC_CACHE, uid=uid),
        name=comm, cmdline=("./fx", "10.0.0.2", "25"),
    )  # fmt: skip
    table = {parent: proc(pid=parent, method=AttributionMethod.EXEC_CACHE), first: fx}
    cache = ExecCache(reader=lambda p: table.get(p) or snapshot(p, procfs="/nonexistent"))
    at = time.monotonic() - 2
    for ev in exec_and_fork(parent, first, at, fork_at=at + 0.05):
        cache.handle(ev)
    cache.handle(ProcEvent(ProcEventKind.EXEC, at + 0.06, first, first))  # read in full
    cache.handle(exec_and_fork(parent, pid, at, fork_at=at + 0.1)[1])
    cache.handle(ProcEvent(ProcEventKind.EXEC, at + 0.2, pid, pid))  # gone before it was read
    a = attributor(cache, mta=EXIM)
    a.socket_owner = None
    seen = a.attempt(dataclasses.replace(event(first), comm="exim4" if first_exe else "fx"))
    assert seen.process is not None and seen.process.exe == fx.exe
    att = a.attempt(dataclasses.replace(event(pid), comm=comm))
    assert att.process is not None and att.process.uid == 1001 and att.process.exe == exe
    assert any("same uid, folder and command name" in n for n in att.process.notes) is (
        exe is not None
    )


def test_a_stale_command_name_in_the_trace_lends_no_program() -> None:
    """The trace names a task by the command name it saved at an earlier event of its pid:
    for a `./fx` just exec'd by bash and gone, it can still be `bash`. Its exec left its
    command line (./fx) but not its program: bash, its parent's, was taken for it (seen: exe
    /usr/bin/bash, command line ./fx, an incident of its own)."""
    parent, pid = dead_pid(), dead_pid()
    bash = dataclasses.replace(
        proc(pid=parent, exe="/usr/bin/bash", scripts=(), method=AttributionMethod.EXEC_CACHE),
        name="bash",
        cmdline=("bash",),
    )
    fx = dataclasses.replace(
        proc(pid=pid, exe=None, scripts=(), method=AttributionMethod.EXEC_CACHE),
        name=None,
        cmdline=("./fx", "10.0.0.2", "25"),
    )
    table = {parent: bash, pid: fx}
    cache = ExecCache(reader=lambda p: table[p])
    at = time.monotonic() - 2
    for ev in exec_and_fork(parent, pid, at):
        cache.handle(ev)
    cache.handle(ProcEvent(ProcEventKind.EXEC, at + 0.2, pid, pid))
    a = attributor(cache)
    a.socket_owner = None
    att = a.attempt(dataclasses.replace(event(pid), comm="bash"))
    assert att.process is not None and att.process.cmdline[0] == "./fx"
    assert att.process.exe is None, att.process.notes
    # the same exec named fx by the trace: not bash's either
    att = a.attempt(dataclasses.replace(event(pid), comm="fx"))
    assert att.process is not None and att.process.exe is None


def test_an_exec_during_the_live_read_is_not_kept_as_the_old_programs_state(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The memo of a live read kept the process's request state (program, command line,
    folder, scripts) read AFTER the process itself: a process that exec'd another program
    during the read (python first.py -> perl then.pl: same pid and start) was kept as
    python with perl's state, so perl's next connects matched it and were named python3
    (tests/integration/test_responses.py, once in a full run). The state is now read
    before the process: the new program's connect is read again."""
    from spamtrace.attribution import attributor as attributor_mod

    running = ["python3 first.py"]  # what the process runs: it execs during the first read
    monkeypatch.setattr(attributor_mod, "_request_state", lambda pid: running[0])
    a = attributor()
    real_read = a._read
    reads: list[int] = []

    def counted(pid: int, method: AttributionMethod) -> ProcessInfo:
        reads.append(pid)
        got = real_read(pid, method=method)
        running[0] = "perl then.pl"  # the exec lands while (after) the process is read
        return got

    monkeypatch.setattr(a, "_read", counted)
    # the first connect's read: python's state, then the exec lands, the read is python's
    assert a._live(event(os.getpid())) is not None
    # perl's connect: its state is not the one kept, so the process is read again
    assert a._live(event(os.getpid())) is not None
    assert reads == [os.getpid(), os.getpid()]  # (old code: 1 read, python's reused)
