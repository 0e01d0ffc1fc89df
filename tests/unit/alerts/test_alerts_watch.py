"""`watch` feeds the alerts: one when an incident opens, one per escalation, never per event."""

from __future__ import annotations

import argparse
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

from spamtrace.cli import check as check_mod
from spamtrace.cli import watch as watch_mod
from spamtrace.config import Config
from spamtrace.model import AttributedAttempt, SmtpConnectBlocked
from spamtrace.sinks.alerts import Alerts
from spamtrace.sinks.alerts.content import AlertEvent
from spamtrace.sinks.alerts.settings import AlertSettings

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

    def blocked(self, ev: SmtpConnectBlocked) -> AttributedAttempt:
        return self.attempts.pop(0)


def watcher(tmp_path: Path, channel: RecordingChannel) -> watch_mod.Watch:
    args = argparse.Namespace(
        json=True, db=None, no_store=True, source="auto", no_nflog=True, duration=None,
        no_scan=False, scan_budget=0.5, no_alerts=False,
    )  # fmt: skip
    w = watch_mod.Watch(Config(), args)
    w.scanner = watch_mod.IncidentScanner(None, args.scan_budget)
    settings = AlertSettings("suspicious", "web1", 10, 600.0, 100, ())
    w.alerts = Alerts(settings, channels=[channel])
    return w


def feed(w: watch_mod.Watch, attempts: list[AttributedAttempt]) -> None:
    w.attributor = FakeAttributor(attempts)  # type: ignore[assignment]
    for att in attempts:
        w._handle(att.event)


def test_200_connections_make_one_alert_that_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(check_mod, "scan_for_suspects", lambda *a, **k: ([dict(SUSPECT)], []))
    ch = RecordingChannel()
    w = watcher(tmp_path, ch)
    try:
        t = time.time()
        feed(w, [attempt(t + i * 0.001) for i in range(200)])
        w._finish_scans()
        assert w.summary()["alerts"]["raised"] == 1
    finally:
        w.close()
    assert w.alerts is not None and w.alerts.stats()["sent"] == 1  # after the close
    (sent,) = ch.sent
    assert sent.event is AlertEvent.OPENED and sent.host == "web1"
    assert sent.incident["suspect_files"] == [SUSPECT]
    assert sent.incident["connections"] >= 1


def test_a_late_scan_and_the_firewall_each_send_one_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    release = threading.Event()

    def slow(*a: Any, **k: Any) -> Any:
        release.wait(10)
        return [dict(SUSPECT)], []

    monkeypatch.setattr(check_mod, "scan_for_suspects", slow)
    monkeypatch.setattr(watch_mod, "SCAN_GRACE", 0.05)
    ch = RecordingChannel()
    w = watcher(tmp_path, ch)
    try:
        t = time.time()
        feed(w, [attempt(t), attempt(t + 0.01)])
        time.sleep(0.6)  # past budget + grace: the incident is reported without its file
        w._collect_scans()
        assert [a.event for a in ch.wait(1)] == [AlertEvent.OPENED]
        assert ch.sent[0].incident["suspect_files"] is None
        release.set()
        deadline = time.monotonic() + 5
        while len(ch.sent) < 2 and time.monotonic() < deadline:
            w.scanner.wait(0.2)  # type: ignore[union-attr]
            w._collect_scans()
            ch.wait(2, 0.1)
        # the firewall starts rejecting: one update, however many attempts it blocks
        feed(w, [attempt(t + 0.02), blocked(t + 0.021)])
        feed(w, [attempt(t + 0.03), blocked(t + 0.031)])
        ch.wait(3)
    finally:
        w.close()
    assert [a.event for a in ch.sent] == [AlertEvent.OPENED, AlertEvent.UPDATED, AlertEvent.UPDATED]
    assert ch.sent[1].reason == f"the scan found a malicious file: {UPLOADS}/x.php"
    assert ch.sent[1].incident["suspect_files"] == [SUSPECT]
    assert ch.sent[2].reason == "the firewall is now blocking its connections"
    assert ch.sent[2].incident["blocked"] == 1


def test_no_alerts_flag_and_no_channels(tmp_path: Path) -> None:
    args = argparse.Namespace(
        json=True, db=None, no_store=True, source="poll", no_nflog=True, duration=None,
        no_scan=True, scan_budget=0.5, no_alerts=False,
    )  # fmt: skip
    assert Alerts.from_config(Config()) is None
    w = watch_mod.Watch(Config(), args)
    assert w.alerts is None
