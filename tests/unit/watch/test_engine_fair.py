"""The engine's fair scheduler: a flooding account whose connects the kernel refuses already
does not hold back another account's first connect (attributed while its process runs,
blocked within a second), and every attempt of the flood is still counted in its incident."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import Accounts, connect, proc

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


class SlowAttributor:
    """2 ms a live read (a busy host); the uid of each pid from UIDS."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.read: list[int] = []

    def attempt(self, ev: SmtpConnectAttempted, uid_hint: int | None = None) -> AttributedAttempt:
        time.sleep(0.002)
        self.read.append(ev.pid)
        uid = UIDS[ev.pid]
        return AttributedAttempt(
            ev, proc(pid=ev.pid, uid=uid, cwd=f"/home/user{uid}", scripts=()),
            Accounts().for_uid(uid), Verdict.SUSPICIOUS, ("direct to port 25",),
        )  # fmt: skip

    def blocked(self, ev: SmtpConnectBlocked) -> AttributedAttempt:
        return AttributedAttempt(
            ev, None, Accounts().for_uid(ev.uid or 0), Verdict.SUSPICIOUS, ("blocked",),
            blocked=True,
        )  # fmt: skip


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


def engine() -> tuple[engine_mod.Engine, SlowAttributor, Seen, Batch, Batch]:
    seen = Seen()
    e = engine_mod.Engine(
        Config(), engine_mod.EngineOptions(store_path=None, nflog=False, scan=False), [seen]
    )
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


def test_another_accounts_first_connect_is_not_held_behind_a_refused_flood() -> None:
    """The old engine handled a batch in order, ~1.4 ms an event: a new account's connect
    behind 20,000 of a flooding one was handled (attributed, blocked) 25 s late, after its
    process had exited. It is now handled first; the flood's connects follow."""
    e, _att, seen, trace, nflog = engine()
    try:
        flooded(e, trace, nflog, 300)
        before = len(seen.handled)
        read_at = time.monotonic()
        e._read_source(trace, None)  # type: ignore[arg-type]
        first_at, first, _ = seen.handled[before]
        assert first.event.pid == OTHER  # (old code: the flooder's 300 first, 0.6 s)
        assert first_at - read_at < 0.2
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
