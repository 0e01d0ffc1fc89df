"""The engine feeds the alerts (watch and the daemon): one when an incident opens, one per
escalation (late scan, first blocked attempt, a response), never one per connection."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "watch"))

from alertsfake import RecordingChannel
from watchfake import attempt, blocked

from spamtrace import suspects as suspects_mod
from spamtrace.config import Config
from spamtrace.model import AttributedAttempt
from spamtrace.service import scanning as scanning_mod
from spamtrace.service.bus import ActionRecord, ActionRecorded
from spamtrace.service.engine import Engine, EngineOptions
from spamtrace.sinks.alerts import Alerts
from spamtrace.sinks.alerts.content import AlertEvent, text_body
from spamtrace.sinks.alerts.settings import AlertSettings
from spamtrace.sinks.alerts.subscriber import AlertSubscriber, subscriber_for

UPLOADS = "/home/u/public_html/wp-content/uploads"
SUSPECT = {
    "path": f"{UPLOADS}/x.php", "verdict": "malicious", "score": 22,
    "rules": ["mailer.raw-smtp-dialogue"], "line": 7, "excerpt": "fsockopen($h, 25);",
    "description": "raw SMTP over a socket", "layer": 0,
}  # fmt: skip


class FakeAttributor:
    def __init__(self, attempts: list[AttributedAttempt]) -> None:
        self.attempts = list(attempts)
        self.counts: dict[str, int] = {}

    def attempt(self, ev: Any, uid_hint: int | None = None) -> AttributedAttempt:
        return self.attempts.pop(0)

    def blocked(self, ev: Any) -> AttributedAttempt:
        return self.attempts.pop(0)


def engine(channel: RecordingChannel) -> tuple[Engine, AlertSubscriber]:
    settings = AlertSettings("suspicious", "web1", 10, 600.0, 100, ())
    sub = AlertSubscriber(Alerts(settings, channels=[channel]), lambda uid: ("shop.example",))
    e = Engine(Config(), EngineOptions(store_path=None, nflog=False, scan_budget=0.5), [sub])
    e.scanner = scanning_mod.IncidentScanner(None, 0.5)
    return e, sub


def feed(e: Engine, attempts: list[AttributedAttempt]) -> None:
    e.attributor = FakeAttributor(attempts)  # type: ignore[assignment]
    for att in attempts:
        e._handle(att.event)


def test_200_connections_make_one_alert_that_names_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(suspects_mod, "scan_for_suspects", lambda *a, **k: ([dict(SUSPECT)], []))
    ch = RecordingChannel()
    e, sub = engine(ch)
    t = time.time()
    feed(e, [attempt(t + i * 0.001) for i in range(200)])
    e._finish_scans()
    e.close()
    (sent,) = ch.sent
    assert sent.event is AlertEvent.OPENED and sent.host == "web1"
    assert sent.incident["suspect_files"] == [SUSPECT]
    assert sent.domains == ("shop.example",)
    s = sub.stats()
    assert (s["raised"], s["sent"], s["failed"], s["not_queued"]) == (1, 1, 0, 0)
    assert sub.failures() == {"fake": 0}


def test_a_late_scan_the_firewall_and_a_response_each_send_one_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()

    def slow(*a: Any, **k: Any) -> Any:
        release.wait(10)
        return [dict(SUSPECT)], []

    monkeypatch.setattr(suspects_mod, "scan_for_suspects", slow)
    monkeypatch.setattr(scanning_mod, "SCAN_GRACE", 0.05)
    ch = RecordingChannel()
    e, _ = engine(ch)
    t = time.time()
    feed(e, [attempt(t), attempt(t + 0.01)])
    time.sleep(0.6)  # past budget + grace: the incident is reported without its file
    e._collect_scans()
    assert [a.event for a in ch.wait(1)] == [AlertEvent.OPENED]
    assert ch.sent[0].incident["suspect_files"] is None
    release.set()
    deadline = time.monotonic() + 5
    while len(ch.sent) < 2 and time.monotonic() < deadline:
        e.scanner.wait(0.2)  # type: ignore[union-attr]
        e._collect_scans()
        ch.wait(2, 0.1)
    # the firewall starts rejecting: one update, however many attempts it blocks
    feed(e, [attempt(t + 0.02), blocked(t + 0.021), attempt(t + 0.03), blocked(t + 0.031)])
    ch.wait(3)
    ident = ch.sent[0].incident["id"]
    undo = "spamtrace respond undo 7"
    e.publish(ActionRecorded(ident, ActionRecord("block-uid", "done", t, "uid 1001", undo)))
    e.publish(ActionRecorded(ident, ActionRecord("block-uid", "done", t, "uid 1001", undo)))
    ch.wait(4)
    e.close()
    assert [a.event for a in ch.sent] == [AlertEvent.OPENED] + [AlertEvent.UPDATED] * 3
    assert ch.sent[1].reason and ch.sent[1].reason.startswith(f"this is the file: {UPLOADS}/x.php")
    assert ch.sent[1].incident["suspect_files"] == [SUSPECT]
    assert ch.sent[2].reason == "the firewall is now blocking its connections"
    assert ch.sent[2].incident["blocked"] == 1
    last = ch.sent[3]
    assert last.reason == "block-uid done: uid 1001"
    assert last.incident["actions"][0]["undo"] == undo
    body = text_body(last)
    assert "done:      block-uid done: uid 1001" in body and f"  {undo}" in body


def test_no_channels_no_subscriber() -> None:
    assert subscriber_for(Config()) is None


def test_what_happens_while_the_opening_waits_for_its_scan_is_in_the_opened_alert(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()

    def slow(*a: Any, **k: Any) -> Any:
        release.wait(10)
        return [dict(SUSPECT)], []

    monkeypatch.setattr(suspects_mod, "scan_for_suspects", slow)
    ch = RecordingChannel()
    e, _ = engine(ch)
    t = time.time()
    feed(e, [attempt(t), blocked(t + 0.001)])  # the first blocked attempt: held, not sent
    (opened,) = list(e._incidents)
    e.publish(ActionRecorded(opened, ActionRecord("block-uid", "would", t, "uid 1001")))
    release.set()
    e._finish_scans()
    e.close()
    (sent,) = ch.sent
    assert sent.event is AlertEvent.OPENED and sent.reason is None
    assert sent.incident["suspect_files"] == [SUSPECT] and sent.incident["blocked"] == 1
    assert [a["action"] for a in sent.incident["actions"]] == ["block-uid"]


def test_status_shows_the_alert_channels() -> None:
    from spamtrace.render.status import alert_lines

    assert alert_lines(None) == ["  alerts:     off (no [alerts] channel)"]
    ch = RecordingChannel(fail=9, retryable=False)
    settings = AlertSettings("suspicious", "web1", 10, 600.0, 100, ())
    sub = AlertSubscriber(Alerts(settings, channels=[ch]))
    sub.alerts.notify("opened", {"id": "inc-1", "verdict": "suspicious", "uid": 1})
    sub.close()
    text = "\n".join(alert_lines(sub.stats()))
    assert "alerts:     0 sent, 1 failed, 0 dropped" in text
    assert "fake (fake): 0 sent, 1 failed, 0 retried, 0 queued, 0 held back" in text
    assert "last error: fake failure" in text


def test_a_reload_swaps_the_channels_without_telling_twice(tmp_path: Path) -> None:
    from alertservers import HookServer

    from spamtrace import config
    from spamtrace.service.bus import ConfigReloaded
    from spamtrace.sinks.alerts.content import AlertEvent

    old, new = RecordingChannel("old"), HookServer()
    settings = AlertSettings("suspicious", "web1", 10, 600.0, 100, ())
    sub = AlertSubscriber(Alerts(settings, channels=[old]), section=Config().alerts)
    path = tmp_path / "c.toml"
    path.write_text(f'[[alerts.webhook]]\nname = "new"\nurl = "{new.url}"\n')
    cfg = config.load(path, tmp_path / "none", environ={})
    try:
        sub.alerts.notify("opened", {"id": "inc-1", "verdict": "suspicious", "uid": 1})
        assert len(old.wait(1)) == 1
        sub.handle(ConfigReloaded(True, None, cfg, (), time.time()))
        sub.handle(ConfigReloaded(True, None, cfg, (), time.time()))  # unchanged: no swap
        deadline = time.monotonic() + 5
        while sub.alerts.channel_names() != ["new"] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sub.alerts.channel_names() == ["new"]
        sub.alerts.notify("opened", {"id": "inc-1", "verdict": "suspicious", "uid": 1})
        sub.alerts.notify("opened", {"id": "inc-2", "verdict": "suspicious", "uid": 1})
        assert new.wait(1) == 1
    finally:
        sub.close()
        new.close()
    assert [d["incident"]["id"] for d in new.json()] == ["inc-2"]  # inc-1 was told before
    assert [a.event for a in old.sent] == [AlertEvent.OPENED]
    assert sub.stats()["raised"] == 2
