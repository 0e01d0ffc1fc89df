"""The engine's bus: what a subscriber receives, in which order, and that a failing or slow
subscriber cannot take the engine down (service/bus.py)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import attempt, blocked

from spamtrace.config import Config
from spamtrace.model import AttributedAttempt, SmtpConnectAttempted
from spamtrace.render.incidents import incident_json
from spamtrace.service.bus import (
    ActionRecord,
    ActionRecorded,
    AttemptRecorded,
    BlockedRecorded,
    IncidentOpened,
    IncidentUpdated,
    Message,
    UpdateReason,
)
from spamtrace.service.engine import Engine, EngineOptions


class Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.got: list[Message] = []
        self.closed = False

    def handle(self, message: Message) -> None:
        self.got.append(message)

    def close(self) -> None:
        self.closed = True


class Broken:
    name = "broken"

    def handle(self, message: Message) -> None:
        raise RuntimeError("bug in a plug-in")

    def close(self) -> None:
        raise RuntimeError("and in its close")


class FakeAttributor:
    def __init__(self, attempts: list[AttributedAttempt]) -> None:
        self.attempts = list(attempts)
        self.counts: dict[str, int] = {}

    def attempt(self, ev: SmtpConnectAttempted, uid_hint: int | None = None) -> AttributedAttempt:
        return self.attempts.pop(0)

    def blocked(self, ev: object) -> AttributedAttempt:
        return self.attempts.pop(0)


def engine(*subs: object) -> Engine:
    return Engine(Config(), EngineOptions(store_path=None, nflog=False, scan=False), subs)  # type: ignore[arg-type]


def feed(e: Engine, attempts: list[AttributedAttempt]) -> None:
    e.attributor = FakeAttributor(attempts)  # type: ignore[assignment]
    for att in attempts:
        e._handle(att.event)


def test_subscriber_gets_attempts_one_opening_and_milestones_not_every_connection() -> None:
    rec = Recorder()
    e = engine(Broken(), rec)
    t = time.time()
    feed(e, [attempt(t + i * 0.01) for i in range(12)])
    e.close()
    kinds = [type(m).__name__ for m in rec.got]
    assert kinds.count("AttemptRecorded") == 12
    assert kinds.count("IncidentOpened") == 1
    updates = [m for m in rec.got if isinstance(m, IncidentUpdated)]
    # one update at the 10th attempt, none for the 11 others
    assert [(u.reason, u.incident.connections) for u in updates] == [
        (UpdateReason.MORE_ATTEMPTS, 10)
    ]
    first = rec.got[0]
    assert isinstance(first, AttemptRecorded) and first.incident_opened
    opened = rec.got[1]
    assert isinstance(opened, IncidentOpened) and opened.alerting
    # the incident shape subscribers send on is the `incidents --json` item
    assert incident_json(opened.incident)["id"] == first.incident_id
    assert first.verdict.value == "suspicious"
    # the broken plug-in was counted, the others were served, and all were closed
    assert e.subscriber_errors == {"broken": 14}
    assert rec.closed


def test_first_blocked_attempt_is_an_update_and_blocked_records_are_their_own_type() -> None:
    rec = Recorder()
    e = engine(rec)
    t = time.time()
    feed(e, [attempt(t), blocked(t + 0.001)])
    e.close()
    assert isinstance(rec.got[-2], BlockedRecorded)
    assert not isinstance(rec.got[-2], AttemptRecorded)
    last = rec.got[-1]
    assert isinstance(last, IncidentUpdated) and last.reason is UpdateReason.FIRST_BLOCKED


def test_post_from_another_thread_is_published_on_the_loop() -> None:
    rec = Recorder()
    e = Engine(Config(), EngineOptions(store_path=None, nflog=False, scan=False), [rec])
    action = ActionRecorded("inc-x", ActionRecord("block-uid", "done", time.time(), "uid 1001"))
    seen_on: list[str] = []

    class Watcher(Recorder):
        def handle(self, message: Message) -> None:
            seen_on.append(threading.current_thread().name)
            super().handle(message)

    w = Watcher()
    e.subscribers.append(w)
    threading.Thread(target=e.post, args=(action,)).start()
    deadline = time.monotonic() + 5
    while not w.got and time.monotonic() < deadline:
        e._publish_posted()
        time.sleep(0.01)
    e.close()
    assert w.got == [action] and rec.got == [action]
    assert seen_on == [threading.current_thread().name]
