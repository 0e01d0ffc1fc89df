"""The engine's fair scheduler: a flooding account whose connects the kernel refuses already
does not hold back another account's first connect (attributed while its process runs,
blocked within a second), and every attempt of the flood is still counted in its incident."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import Accounts, connect, proc

from spamtrace.attribution.attributor import Attributor, KnownProcesses
from spamtrace.attribution.exec_cache import ExecCache
from spamtrace.config import Config
from spamtrace.model import (
    AttributedAttempt,
    Endpoint,
    SmtpConnectAttempted,
    SmtpConnectBlocked,
    Verdict,
)
from spamtrace.service import engine as engine_mod
from spamtrace.service.bus import AttemptRecorded, BlockedRecorded, Message

FLOODER, OTHER = 500, 600  # pids
UIDS = {FLOODER: 2001, OTHER: 2002, 501: 2001}


@pytest.fixture(autouse=True)
def _pids_not_on_this_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pids above are made up: this host's /proc says nothing of them (ended)."""
    from spamtrace.attribution import process as procinfo

    monkeypatch.setattr(procinfo, "started_now", lambda pid, procfs="/proc": None)


class SlowAttributor:
    """2 ms a live read (a busy host); the uid of each pid from UIDS. What it knows of the
    processes it read it keeps as the real one does."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.read: list[int] = []
        self.known = KnownProcesses()
        self.cache: ExecCache | None = None  # no exec cache: no exec is known

    def attempt(self, ev: SmtpConnectAttempted, uid_hint: int | None = None) -> AttributedAttempt:
        time.sleep(0.002)
        self.read.append(ev.pid)
        uid = UIDS[ev.pid]
        att = AttributedAttempt(
            ev, proc(pid=ev.pid, uid=uid, cwd=f"/home/user{uid}", scripts=()),
            Accounts().for_uid(uid), Verdict.SUSPICIOUS, ("direct to port 25",),
        )  # fmt: skip
        self.remember(att)  # as Attributor.attempt does
        return att

    def remember(self, att: AttributedAttempt) -> None:
        self.known.attributed(att.event.pid, att.event.comm, att)  # type: ignore[union-attr]

    def forked_sender(self, ev: SmtpConnectAttempted) -> None:
        return None  # no exec cache: no fork is known

    def blocked(self, ev: SmtpConnectBlocked) -> AttributedAttempt:
        return AttributedAttempt(
            ev, None, Accounts().for_uid(ev.uid or 0), Verdict.SUSPICIOUS, ("blocked",),
            blocked=True,
        )  # fmt: skip


class ForkingAttributor(SlowAttributor):
    """The same, with an exec cache that saw the forks: the forks of a process whose earlier
    child was attributed are known as the real one knows them."""

    def __init__(self, cache: ExecCache) -> None:
        super().__init__()
        self.cache = cache

    def remember(self, att: AttributedAttempt) -> None:
        Attributor.remember(self, att)  # type: ignore[arg-type]

    def forked_sender(self, ev: SmtpConnectAttempted) -> Any:
        return Attributor.forked_sender(self, ev)  # type: ignore[arg-type]


class Seen:
    name = "seen"

    def __init__(self) -> None:
        self.handled: list[tuple[float, AttributedAttempt, Any]] = []

    def handle(self, message: Message) -> None:
        if isinstance(message, (AttemptRecorded, BlockedRecorded)):
            self.handled.append((time.monotonic(), message.attempt, message.incident))

    def close(self) -> None:
        pass


class Batch:
    name = "tracepoint"

    def __init__(self) -> None:
        self.events: list[object] = []

    def read_events(self) -> list[object]:
        out, self.events = self.events, []
        return out

    def fileno(self) -> int:
        return -1


def refused(uid: int) -> SmtpConnectBlocked:
    return SmtpConnectBlocked(
        wall=time.time(), uid=uid, gid=uid, local=Endpoint("10.0.0.1", 40000),
        remote=Endpoint("10.0.0.2", 25), prefix="spamtrace-block",
    )  # fmt: skip


class Ticking:
    """The scheduler's clock (:attr:`Engine.clock`): 1 ms on at each reading, whatever the
    host's load, so that a slice holds the same events on any host (an urgent slice 49
    events, a backlog slice 19 batches). With the host's clock a test that wanted a slice
    to hold a batch failed under load."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


def engine() -> tuple[engine_mod.Engine, SlowAttributor, Seen, Batch, Batch]:
    seen = Seen()
    e = engine_mod.Engine(
        Config(), engine_mod.EngineOptions(store_path=None, nflog=False, scan=False), [seen]
    )
    e.clock = Ticking()
    att = SlowAttributor()
    e.attributor = att  # type: ignore[assignment]
    return e, att, seen, Batch(), Batch()


def flooded(e: engine_mod.Engine, trace: Batch, nflog: Batch, count: int) -> None:
    """The flooder's first connect handled, the kernel's refusal of its uid read; then a
    batch of ``count`` more of its connects with one of another account at the end."""
    trace.events = [connect(FLOODER, comm="fl")]
    e._read_source(trace, None)  # type: ignore[arg-type]
    nflog.events = [refused(UIDS[FLOODER])]
    e._read_source(nflog, None)  # type: ignore[arg-type]
    e._flush_blocked(None, force=True)
    trace.events = [connect(FLOODER, comm="fl") for _ in range(count)]
    trace.events.append(connect(OTHER, comm="b"))


@dataclass
class ContainedForkFlood:
    """A flooder (pid ``parent``) of a contained uid that forks a process per connect: its
    first child's connect attributed and refused (the uid blocked), the other children
    (``rest``) forked, not yet connected."""

    engine: engine_mod.Engine
    seen: Seen
    trace: Batch
    cache: ExecCache
    attributor: ForkingAttributor
    parent: int
    first: int
    rest: list[int]
    started: dict[int, float]


@contextmanager
def contained_fork_flood(
    monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> Iterator[ContainedForkFlood]:
    from spamtrace.attribution import process as procinfo

    parent = 400
    for pid in children:
        monkeypatch.setitem(UIDS, pid, UIDS[FLOODER])
    started = {parent: 1000.0}
    monkeypatch.setattr(procinfo, "started_now", lambda pid, procfs="/proc": started.get(pid))
    cache = ExecCache(reader=lambda pid: proc(pid=pid))
    e, _, seen, trace, nflog = engine()
    att = ForkingAttributor(cache)
    e.attributor = att  # type: ignore[assignment]
    try:
        first, rest = children[0], children[1:]
        cache.on_exec(parent, time.monotonic())  # the flooder started its program
        cache.on_fork(parent, first, time.monotonic())
        trace.events = [connect(first, comm="fl")]
        e._read_source(trace, None)  # type: ignore[arg-type]
        nflog.events = [refused(UIDS[FLOODER])]
        e._read_source(nflog, None)  # type: ignore[arg-type]
        e._flush_blocked(None, force=True)
        for pid in rest:
            cache.on_fork(parent, pid, time.monotonic())
        yield ContainedForkFlood(e, seen, trace, cache, att, parent, first, rest, started)
    finally:
        e.close()


def test_another_accounts_first_connect_is_not_held_behind_a_refused_flood() -> None:
    """The old engine handled a batch in order, ~1.4 ms an event: a new account's connect
    behind 20,000 of a flooding one was handled (attributed, blocked) 25 s late, after its
    process had exited. It is now handled first; the flood's connects follow."""
    e, _att, seen, trace, nflog = engine()
    try:
        flooded(e, trace, nflog, 300)
        before = len(seen.handled)
        e._read_source(trace, None)  # type: ignore[arg-type]
        _, first, _ = seen.handled[before]
        assert first.event.pid == OTHER  # (old code: the flooder's 300 first, 0.6 s)
        assert first.process is not None and first.process.uid == UIDS[OTHER]
        e._schedule(drain=True)
    finally:
        e.close()


def test_every_attempt_of_the_flood_is_counted_in_its_incident_without_a_read_each() -> None:
    e, att, seen, trace, nflog = engine()
    try:
        flooded(e, trace, nflog, 300)
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        assert not e.work_pending
        # its process was read once: the backlog reuses that attribution (pid, name, uid)
        assert att.read == [FLOODER, OTHER]
        assert e.backlog_handled == 300 and e.backlog_reused == 300
        by_uid: dict[int | None, list[AttributedAttempt]] = {}
        for _, a, _ in seen.handled:
            uid = a.process.uid if a.process is not None else a.event.uid  # type: ignore[union-attr]
            by_uid.setdefault(uid, []).append(a)
        assert len(by_uid[UIDS[FLOODER]]) == 302 and len(by_uid[UIDS[OTHER]]) == 1
        flood = [a for a in by_uid[UIDS[FLOODER]] if not a.blocked]
        assert all(a.process is not None and a.process.pid == FLOODER for a in flood)
        last = seen.handled[-1][2]
        # one incident: every connect counted, and the refusal (of the first one's SYN)
        assert last.connections == 301 and last.blocked == 1
        assert e.events == 303 and e.summary()["backlog"]["queued"] == 0
    finally:
        e.close()


def test_a_new_process_of_a_contained_account_is_read_at_once() -> None:
    """Only the connects of a process attributed already wait: another process of the
    refused uid (a new sender) is read live, first."""
    e, att, seen, trace, nflog = engine()
    try:
        flooded(e, trace, nflog, 50)
        trace.events.insert(25, connect(501, comm="fl"))  # a second process of uid 2001
        before = len(seen.handled)
        e._read_source(trace, None)  # type: ignore[arg-type]
        assert [a.event.pid for _, a, _ in seen.handled[before : before + 2]] == [501, OTHER]
        e._schedule(drain=True)
        assert att.read == [FLOODER, 501, OTHER]
    finally:
        e.close()


def test_without_a_refusal_events_are_handled_in_order_at_once() -> None:
    """No uid is contained (no NFLOG record, no block): nothing waits, nothing is reordered."""
    e, att, seen, trace, _ = engine()
    try:
        trace.events = [connect(FLOODER, comm="fl") for _ in range(10)]
        trace.events.append(connect(OTHER, comm="b"))
        e._read_source(trace, None)  # type: ignore[arg-type]
        assert not e.work_pending
        assert [a.event.pid for _, a, _ in seen.handled] == [FLOODER] * 10 + [OTHER]
        assert len(att.read) == 11 and e.backlog_handled == 0
    finally:
        e.close()


def test_a_block_made_by_the_responses_contains_the_uid() -> None:
    e, att, _seen, trace, _ = engine()
    try:
        trace.events = [connect(FLOODER, comm="fl")]
        e._read_source(trace, None)  # type: ignore[arg-type]
        e.contain(UIDS[FLOODER])
        trace.events = [connect(FLOODER, comm="fl") for _ in range(10)]
        trace.events.append(connect(OTHER, comm="b"))
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        assert att.read == [FLOODER, OTHER] and e.backlog_reused == 10
    finally:
        e.close()


class FakeStore:
    def __init__(self) -> None:
        self.events: list[Any] = []
        self.incidents: list[Any] = []
        self.free = 100_000

    def room(self) -> int:
        return self.free

    def submit(self, event: Any, incident: Any = None) -> bool:
        self.events.append(event)
        if incident is not None:
            self.incidents.append(incident)
        return True

    def submit_incident(self, incident: Any) -> bool:
        self.incidents.append(incident)
        return True

    def submit_many(self, events: list[Any], incident: Any = None) -> int:
        self.events.extend(events)
        if incident is not None:
            self.incidents.append(incident)
        return len(events)

    def close(self) -> None:
        pass


def test_the_backlog_stores_every_event_and_its_incidents_latest_state() -> None:
    """Each event of the backlog is stored; its incident's state not with each one (a queued
    state per event held ~2 KB: 600 MB of RSS under a 100,000-connect flood), but once a
    second and when the backlog is worked off, so that the stored counts add up."""
    e, _att, seen, trace, nflog = engine()
    store = FakeStore()
    e.store = store  # type: ignore[assignment]
    try:
        flooded(e, trace, nflog, 300)
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        assert len(store.events) == 303 == e.events  # the refusal and B's connect too
        flood_states = [r for r in store.incidents if r.uid == UIDS[FLOODER]]
        assert len(flood_states) < 10  # (old code: one per event, 301)
        assert flood_states[-1].connections == 301 and flood_states[-1].blocked == 1
        assert flood_states[-1].last_seen == seen.handled[-1][2].last_seen
    finally:
        e.store = None
        e.close()


def test_the_backlog_waits_while_the_stores_queue_is_more_than_half_full() -> None:
    """Handled faster than the store's writer writes, the flood's events filled its queue: the
    writes past it were lost, an incident's last state among them (its stored count short for
    good). The backlog now waits for room; the others' events do not."""
    e, _att, seen, trace, nflog = engine()
    store = FakeStore()
    e.store = store  # type: ignore[assignment]
    try:
        flooded(e, trace, nflog, 100)
        store.free = engine_mod.STORE_RESERVE - 1
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule()
        assert len(e._backlog) == 100 and seen.handled[-1][1].event.pid == OTHER
        assert len(store.events) == 3  # the flooder's first connect, its refusal, B's
        store.free = engine_mod.STORE_RESERVE
        e._schedule()  # one slice: the 100 are one batch (BACKLOG_BATCH)
        assert not e.work_pending and len(store.events) == 103
    finally:
        e.store = None
        e.close()


def test_a_refusal_waits_for_its_syn_while_the_tracepoint_read_lags() -> None:
    """The tracepoint's read stopped at READ_MAX (more connects left in its buffer): an NFLOG
    record later than the last connect read waits, or it came before its SYN and both
    counted as an attempt (117,356 counted for a 100,000-connect flood)."""
    e, _att, seen, _trace, _ = engine()
    lagging = Batch()
    lagging.behind = True  # type: ignore[attr-defined]
    e.trace_src = lagging  # type: ignore[assignment]
    try:
        lagging.events = [connect(FLOODER, comm="fl")]
        e._read_source(lagging, None)  # type: ignore[arg-type]
        late = refused(UIDS[FLOODER])
        e._pending_blocked.append((time.monotonic() - 1.0, late))  # past its hold
        e._flush_blocked(None)
        assert e._pending_blocked and e.blocked_events == 0
        lagging.behind = False  # type: ignore[attr-defined]
        e._flush_blocked(None)
        assert not e._pending_blocked and e.blocked_events == 1
        assert seen.handled[-1][2].connections == 1 and seen.handled[-1][2].blocked == 1
    finally:
        e.trace_src = None
        e.close()


def test_a_refusal_is_handled_after_the_syns_read_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """flood_bench.py --fork c counted 21,277 and 25,626 for 20,000 connects. The urgent
    slice ran out with SYNs read before the uid was contained still in it; the NFLOG
    records read meanwhile went to the backlog, and those SYNs behind them when their turn
    came (contained since read): each record found no attempt to match, four seconds after
    the latest one handled, and was counted as a connect of its own ("uid 2001, ?"). The
    records now wait while SYNs read before them are unhandled: one incident, each connect
    counted once."""
    e, _att, seen, trace, nflog = engine()
    newcomers = list(range(601, 661))  # new processes of another account: read, 2 ms each
    for pid in newcomers:
        monkeypatch.setitem(UIDS, pid, UIDS[OTHER])
    t0 = time.time() - 10
    try:
        trace.events = [connect(FLOODER, t0, comm="fl")]
        e._read_source(trace, None)  # type: ignore[arg-type]
        # the engine lags: a batch read four seconds on, before the flooder's uid is refused
        trace.events = [connect(pid, t0 + 4, comm="b") for pid in newcomers]
        trace.events += [connect(FLOODER, t0 + 4 + i / 1000, comm="fl") for i in range(100)]
        e._read_source(trace, None, handle=False)  # type: ignore[arg-type]
        nflog.events = [
            replace(refused(UIDS[FLOODER]), wall=t0 + 4 + i / 1000 + 0.0005) for i in range(100)
        ]
        e._read_source(nflog, None, handle=False)  # type: ignore[arg-type]
        e._pending_blocked = [(time.monotonic() - 1.0, ev) for _, ev in e._pending_blocked]
        for _ in range(1000):  # the loop's turns: a slice, then the records that are due
            e._schedule()
            e._flush_blocked(None)
            if not (e.work_pending or e._pending_blocked):
                break
        assert not e.work_pending and not e._pending_blocked and e.blocked_events == 100
        flood = {i.id: i for _, a, i in seen.handled if i.uid == UIDS[FLOODER]}
        assert len(flood) == 1, flood  # (old code: two, "uid 2001, ?" with the 100 records)
        (inc,) = flood.values()
        assert (inc.connections, inc.blocked) == (101, 100)  # (old code: 101, and 100 more)
        assert inc.exe is not None
    finally:
        e.close()


def test_a_pid_taken_by_another_process_is_read_not_counted_as_the_flooders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The trace line names a pid and a command name, not the uid or the process: the
    flooder's pid, taken since by another account's process of the same name (php-fpm's
    workers all have one), was counted as the flooder's connect, in its incident, with no
    read: that account's spam went unseen behind the flood. A start time other than the
    one the flooder was read with is another process: read at once, its own incident."""
    from spamtrace.attribution import process as procinfo

    e, att, seen, trace, nflog = engine()
    try:
        flooded(e, trace, nflog, 20)
        trace.events.pop()  # no OTHER pid: the new holder of the flooder's pid is the other
        started = {FLOODER: 1000.0}  # the flooder, as watchfake.proc was read

        def now_at(pid: int, procfs: str = "/proc") -> float | None:
            return started.get(pid)

        monkeypatch.setattr(procinfo, "started_now", now_at)
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        assert att.read == [FLOODER]  # its 20 connects: the attribution reused
        # the flooder ended; another process of uid 2002 got its pid, same command name
        started[FLOODER] = 2000.0
        monkeypatch.setitem(UIDS, FLOODER, UIDS[OTHER])
        trace.events = [connect(FLOODER, comm="fl")]
        before = len(seen.handled)
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        assert att.read == [FLOODER, FLOODER]  # read again, not reused
        new = seen.handled[before][1]
        assert new.process is not None and new.process.uid == UIDS[OTHER]
        assert seen.handled[before][2].id != seen.handled[before - 1][2].id
    finally:
        e.close()


def test_a_contained_senders_pid_that_execd_another_program_is_read_not_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`python3 first.py` connects, is blocked, then execs `perl then.pl` (same pid, same
    start). The trace names a task by the name the kernel saved at its last switch, so
    perl's first connects can still say `python3`: the backlog reused python's attribution
    for them (1 of perl's 30 connects named /usr/bin/python3.11). The exec cache's exec of
    the pid after python's connect makes it read again."""
    from spamtrace.attribution import process as procinfo

    monkeypatch.setattr(procinfo, "started_now", lambda pid, procfs="/proc": 1000.0)
    cache = ExecCache(reader=lambda pid: proc(pid=pid))
    e, _, seen, trace, nflog = engine()
    att = e.attributor = ForkingAttributor(cache)  # type: ignore[assignment]
    try:
        cache.on_exec(FLOODER, time.monotonic() - 1.0)  # python began
        flooded(e, trace, nflog, 5)
        trace.events.pop()
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        assert att.read == [FLOODER]  # python's later connects: its attribution reused
        python = seen.handled[-1][1].process
        assert python is not None and python is seen.handled[0][1].process
        cache.on_exec(FLOODER, time.monotonic())  # perl began
        trace.events = [connect(FLOODER, comm="fl") for _ in range(3)]  # a stale name
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        # perl's first connect read (python's attribution not reused); its own for the rest
        assert att.read == [FLOODER, FLOODER]
        perl = [a.process for _, a, _ in seen.handled[-3:]]
        assert all(p is not python for p in perl), perl  # (old code: python's, 3 of 3)
    finally:
        e.close()


class BatchSeen:
    """A subscriber that takes the backlog's batches (as responses, metrics, alerts, the
    event stream and the watch view do)."""

    name = "batch-seen"
    takes_batches = True

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def handle(self, message: Message) -> None:
        self.messages.append(message)

    def close(self) -> None:
        pass


def test_the_backlog_is_counted_stored_and_published_a_batch_at_a_time() -> None:
    """Each of the backlog's events went through the records, the store, the responses and
    every subscriber one by one, ~0.5 ms each: a 30,000-connect flood's own counts were
    11-90 s late. Its events are now counted into their incident and stored a batch at a
    time, with one message per incident a batch for a subscriber that takes batches (the
    metrics count them all); any other still gets one message per attempt, with the
    incident's count after it."""
    from spamtrace.service import bus
    from spamtrace.sinks.metrics import Metrics, MetricsSubscriber

    batch_kind = getattr(bus, "AttemptsRecorded", ())  # (old code: none)

    e, _att, seen, trace, nflog = engine()
    batches = BatchSeen()
    metrics = MetricsSubscriber(Metrics(store_path=None))
    e.subscribers += [batches, metrics]  # type: ignore[list-item]
    store = FakeStore()
    e.store = store  # type: ignore[assignment]
    try:
        flooded(e, trace, nflog, 1200)
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        one_each = [m for m in batches.messages if isinstance(m, AttemptRecorded)]
        assert len(one_each) == 2  # A's first connect and B's (old code: 1,202)
        got = [m for m in batches.messages if isinstance(m, batch_kind)]
        assert 0 < len(got) <= 1200 // engine_mod.BACKLOG_BATCH + 2
        assert sum(len(m.attempts) for m in got) == 1200 == len(store.events) - 3
        assert [n for m in got for n in m.connections] == list(range(2, 1202))
        assert got[-1].incident.connections == 1201 and got[-1].records[-1].pid == FLOODER
        counted = metrics.metrics.connects.labels("suspicious")._value.get()
        assert counted == 1202  # A's 1,201 and B's one
        # the others: an AttemptRecorded each, its count after it
        flood = [i.connections for _, a, i in seen.handled if getattr(a.event, "pid", 0) == FLOODER]
        assert flood == list(range(1, 1202))
        updates = [m.detail for m in batches.messages if isinstance(m, bus.IncidentUpdated)]
        assert "100 attempts" in updates and "1000 attempts" in updates
    finally:
        e.store = None
        e.close()


def test_a_flood_that_forks_a_process_per_connect_waits_behind_another_accounts_connect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A flooder that forks a new process for each connect (no exec: each child runs its
    parent's program) made every connect a new process's, read in full in arrival order:
    another account's first connect behind 20,000 of them was blocked 13 s after it was
    made. A child of a process whose earlier child was attributed, of a contained uid, now
    waits in the backlog with that attribution (its own pid) while its parent is the
    process it was (the exec cache knew it at the fork, or it still runs with the same
    start); a child that exec'd, or of a parent whose pid another process holds now, is
    read at once."""
    with contained_fork_flood(monkeypatch, list(range(700, 1001))) as w:
        e, seen, trace, cache, att = w.engine, w.seen, w.trace, w.cache, w.attributor
        parent, first, rest, started = w.parent, w.first, w.rest, w.started
        cache.on_exec(rest[10], time.monotonic())  # exec'd: another program, read
        trace.events = [connect(pid, comm="fl") for pid in rest]
        trace.events.append(connect(OTHER, comm="b"))
        before = len(seen.handled)
        e._read_source(trace, None)  # type: ignore[arg-type]
        handled = [a.event.pid for _, a, _ in seen.handled[before:]]
        assert handled[:2] == [rest[10], OTHER]  # (old code: the 299 others first, 0.6 s)
        e._schedule(drain=True)
        assert att.read == [first, rest[10], OTHER]  # the other children: not read
        flood = [(a, i) for _, a, i in seen.handled if getattr(a.event, "pid", 0) in rest]
        assert len(flood) == 300 and flood[-1][1].connections == 301
        assert all(a.process is not None and a.process.pid == a.event.pid for a, _ in flood)
        assert len({i.id for _, i in flood}) == 1
        # the flooder ended, its connects not all read yet: the cache knew it at their forks
        gone_child, late = 1001, 1002
        for pid in (gone_child, late):
            monkeypatch.setitem(UIDS, pid, UIDS[FLOODER])
        cache.on_fork(parent, gone_child, time.monotonic())
        trace.events = [connect(gone_child, comm="fl")]
        cache.on_exit(parent, time.monotonic())
        del started[parent]
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        assert att.read[-1] == OTHER and seen.handled[-1][1].event.pid == gone_child
        # its pid is another process's now: that one's children are read
        started[parent] = 2000.0
        time.sleep(0.01)  # (the cache's times match within a millisecond)
        cache.on_fork(parent, late, time.monotonic())
        trace.events = [connect(late, comm="fl")]
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._schedule(drain=True)
        assert att.read[-1] == late


def test_a_stop_leaves_a_floods_backlog_after_its_time_and_counts_it_lost() -> None:
    """A stop handled every attempt read before it ended: ~50,000 of a flood took 2-4 minutes,
    past the unit's stop timeout (then 30 s), after which systemd kills the daemon with its
    store's queued writes. It now handles them for STOP_DRAIN_SECONDS of the scheduler's clock, then
    counts the rest as lost (source "stop"), said once."""
    e, _att, seen, trace, nflog = engine()
    try:
        flooded(e, trace, nflog, 8000)
        e._read_source(trace, None)  # type: ignore[arg-type]
        left = e.summary()["backlog"]["queued"]
        assert left > 1000  # the flood's backlog, after the other account's connect
        before = len(seen.handled)
        # as Engine.run's final drain: the stop's time from now (Ticking: 1 ms a reading)
        e._stop_by = e.clock() + 0.010
        e._schedule(drain=True)
        handled = len(seen.handled) - before
        assert not e.work_pending
        assert 0 < e.unhandled_at_stop < left
        assert handled + e.unhandled_at_stop == left
        e._check_lost()
        assert e.lost["stop"] == e.unhandled_at_stop
        e._check_lost()  # said once
        assert e.lost["stop"] == e.unhandled_at_stop
    finally:
        e.close()


def test_a_stop_with_time_left_handles_everything_read() -> None:
    e, _att, _seen, trace, nflog = engine()
    try:
        flooded(e, trace, nflog, 300)
        e._read_source(trace, None)  # type: ignore[arg-type]
        e._stop_by = e.clock() + engine_mod.STOP_DRAIN_SECONDS
        e._schedule(drain=True)
        assert not e.work_pending and e.unhandled_at_stop == 0
        assert e.backlog_handled == 300 and "stop" not in e.lost
    finally:
        e.close()


def test_the_journal_says_what_a_stop_left_unhandled() -> None:
    import io

    from spamtrace.service.bus import EventsLost
    from spamtrace.service.daemon import JournalLog

    out = io.StringIO()
    JournalLog(out=out).handle(EventsLost("stop", 1234, 1234, time.time()))
    line = out.getvalue()
    assert "1234 attempt(s) read and not handled" in line
    assert f"{engine_mod.STOP_DRAIN_SECONDS:g} s" in line and "lost by stop" not in line


def test_a_loss_known_only_as_a_lower_bound_is_said_as_at_least() -> None:
    """The kernel said the NFLOG buffer overran and not by how much: the journal and status
    say "at least 1", and the count is exact once the source knows it."""
    import io

    from spamtrace.render.status import status_view
    from spamtrace.service.bus import EventsLost
    from spamtrace.service.daemon import JournalLog

    class Overran:
        name, overruns, overruns_exact = "nflog", 1, False

        def fileno(self) -> int:
            return -1

    e, *_ = engine()
    said: list[EventsLost] = []
    e.publish = lambda m: said.append(m) if isinstance(m, EventsLost) else None  # type: ignore[method-assign]
    src = Overran()
    try:
        e.sources.append(src)  # type: ignore[arg-type]
        e._check_lost()
        assert e.lost["nflog"] == 1 and e.lost_at_least == {"nflog"}
        (lost,) = said
        out = io.StringIO()
        JournalLog(out=out).handle(lost)
        assert "(at least 1 since start)" in out.getvalue()
        doc = {"events": 0, "blocked_events": 0, "events_lost": e.events_lost,
               "events_lost_by_source": dict(e.lost),
               "events_lost_at_least": sorted(e.lost_at_least)}  # fmt: skip
        row = dict(status_view(doc)[1])["events:"]
        assert "at least 1 lost (nflog at least 1)" in row
        src.overruns, src.overruns_exact = 7000, True  # the kernel's count read
        e._check_lost()
        assert e.lost["nflog"] == 7000 and not e.lost_at_least
        assert said[-1].count == 6999 and not said[-1].at_least
    finally:
        e.sources.remove(src)  # type: ignore[arg-type]
        e.close()


def test_a_forked_child_that_still_runs_is_read_live_so_that_it_can_be_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A child attributed from its parent's earlier connect (a mailer that forks a child a
    message) had no start time and no live read, and such a process is never stopped (a
    bare pid may be reused): once its uid was blocked, no stop was decided for the mailer's
    later children and the parent went on forking (tests/integration/test_responses.py's
    forking sender, 1 run in 5). A child that still runs (its /proc start matches the fork
    the proc connector reported) is now read live, as any new process; one that has exited
    (a flood's) still takes its parent's attribution."""
    import os
    import subprocess

    from spamtrace.attribution import attributor as attributor_mod
    from spamtrace.attribution.exec_cache import ExecCache

    child = subprocess.Popen(["sleep", "30"])
    try:
        ticks = attributor_mod._stat_start(child.pid)
        assert ticks is not None
        boot_minus_mono = time.clock_gettime(time.CLOCK_BOOTTIME) - time.monotonic()
        forked = int(ticks) / os.sysconf("SC_CLK_TCK") - boot_minus_mono + 0.001
        monkeypatch.undo()  # the real started_now: this child is a process of this host
        parent = 400
        monkeypatch.setitem(UIDS, child.pid, UIDS[FLOODER])
        monkeypatch.setitem(UIDS, 401, UIDS[FLOODER])
        cache = ExecCache(reader=lambda pid: proc(pid=pid))
        att = ForkingAttributor(cache)
        cache.on_exec(parent, forked - 1.0)
        cache.on_fork(parent, 401, forked - 0.5)  # the first child, read in full
        assert att.attempt(connect(401, comm="fl")).process is not None
        cache.on_fork(parent, child.pid, forked)
        assert attributor_mod.forked_child_runs(child.pid, forked)
        assert att.forked_sender(connect(child.pid, comm="fl")) is None  # (old: reused)
        # the fork the cache knows was of another process than the one at the pid now
        assert not attributor_mod.forked_child_runs(child.pid, forked - 1.0)
        child.kill()
        child.wait()
        assert not attributor_mod.forked_child_runs(child.pid, forked)  # gone
        got = att.forked_sender(connect(child.pid, comm="fl"))  # exited: its parent's
        assert got is not None and got.process is not None and got.process.pid == child.pid
    finally:
        child.kill()
        child.wait()


def test_watch_duration_runs_its_time_when_work_is_waiting_at_a_turn() -> None:
    """`watch --duration 10s` on a busy host stopped after 0.2 s: a loop turn with attempts
    waiting (urgent or backlog) waits 0 s for the sources, and the deadline check read that
    0 as "the time is up". The run lasts its duration, and what waited is handled."""
    e, _att, seen, trace, _nflog = engine()
    try:
        e._urgent.append((connect(OTHER, comm="b"), trace))
        started = time.monotonic()
        e.run(1.0)
        took = time.monotonic() - started
    finally:
        e.close()
    assert took >= 0.9, took  # (old code: ~0.01 s)
    assert [a.event.pid for _, a, _ in seen.handled] == [OTHER]


def test_a_forking_floods_children_the_trace_names_no_command_of_wait_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The trace names a task by the command name the kernel kept for its pid
    (``saved_cmdlines``: a few thousand pids), resolved when the line is read: a fork flood
    read a second late shows ``<...>`` (comm None) for most of its children. Those were read
    at once, one by one, each a full handling ahead of another account's connect:
    flood_bench --fork c at load 10 had up to 29,015 of them queued as urgent, and B's
    connect, read 2.7 s late, was handled 6 s after that (B blocked 8.9 s after its
    connect). A child the fork record says runs its parent's program waits in the backlog
    whether or not the trace names it."""
    with contained_fork_flood(monkeypatch, list(range(700, 801))) as w:
        e, seen, trace, att, rest = w.engine, w.seen, w.trace, w.attributor, w.rest
        first = w.first
        trace.events = [replace(connect(pid), comm=None) for pid in rest]  # <...>
        trace.events.append(connect(OTHER, comm="b"))
        before = len(seen.handled)
        e._read_source(trace, None)  # type: ignore[arg-type]
        assert seen.handled[before][1].event.pid == OTHER  # (old code: the 100 first)
        e._schedule(drain=True)
        assert att.read == [first, OTHER]  # the nameless children: not read one by one
        flood = [i for _, a, i in seen.handled if getattr(a.event, "pid", 0) in rest]
        assert len(flood) == 100 and flood[-1].connections == 101


def test_another_accounts_connect_is_handled_before_the_end_of_a_long_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read of the tracepoint holds up to ~4,000 connects, each sorted (backlog or read at
    once) before any was handled: at load 14 a batch of 3,960 of a fork flood took 2.7 s to
    sort, and another account's connect early in it waited for the rest (flood_bench --fork
    c: B's block 5.4 s after its connect). The connects to read at once are now handled
    every 50 ms of sorting (the engine's clock: 1 ms a reading here)."""
    with contained_fork_flood(monkeypatch, list(range(700, 1301))) as w:
        e, seen, trace, rest = w.engine, w.seen, w.trace, w.rest
        sorted_when: dict[int, int] = {}
        handle = seen.handle

        def note(message: Message) -> None:
            if isinstance(message, AttemptRecorded) and message.attempt.event.pid == OTHER:  # type: ignore[union-attr]
                sorted_when[OTHER] = len(e._backlog)
            handle(message)

        seen.handle = note  # type: ignore[method-assign]
        trace.events = [connect(pid, comm="fl") for pid in rest]
        trace.events.insert(10, connect(OTHER, comm="b"))  # early in the batch
        e._read_source(trace, None, handle=False)  # type: ignore[arg-type]
        # handled after ~50 more were sorted, not after all 600 (old code: not in the read)
        assert OTHER in sorted_when and sorted_when[OTHER] < 100
        e._schedule(drain=True)
        assert seen.handled[-1][2].connections == 601  # the flood still counted whole
