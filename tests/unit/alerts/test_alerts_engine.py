"""The engine feeds the alerts (watch and the daemon): one when an incident opens, one per
escalation (late scan, first blocked attempt, a response), never one per connection."""

from __future__ import annotations

import contextlib
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


class PipeSource:
    """A source whose events are given by the test: readable when it has some."""

    def __init__(self) -> None:
        import os

        self._r, self._w = os.pipe2(os.O_NONBLOCK)  # read as the kernel's sources: no wait
        self.events: list[Any] = []

    def fileno(self) -> int:
        return self._r

    def give(self, event: Any) -> None:
        import os

        self.events.append(event)
        os.write(self._w, b"x")

    def read_events(self) -> list[Any]:
        import os

        with contextlib.suppress(BlockingIOError):
            os.read(self._r, 4096)
        out, self.events = self.events, []
        return out

    def close(self) -> None:
        import os

        os.close(self._r)
        os.close(self._w)


def test_a_stop_reads_on_while_an_alert_is_being_delivered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stop ended capture at the signal; the alerts' stop_grace came after, in close(),
    with nothing read meanwhile: a connect made then was recorded nowhere. The loop now reads
    on while an alert is being sent (within the grace), and close() gives the channel what is
    left of it."""
    monkeypatch.setattr(suspects_mod, "scan_for_suspects", lambda *a, **k: ([], []))
    ch = RecordingChannel()
    ch.release.clear()  # the webhook hangs
    settings = AlertSettings("suspicious", "web1", 10, 600.0, 100, (), stop_grace=3.0)
    sub = AlertSubscriber(Alerts(settings, channels=[ch]))
    e = Engine(Config(), EngineOptions(store_path=None, nflog=False, scan_budget=0.5), [sub])
    src = PipeSource()
    e.sources.append(src)  # type: ignore[arg-type]
    t = time.time()
    first, during = attempt(t), attempt(t + 1)
    e.attributor = FakeAttributor([first, during])  # type: ignore[assignment]
    e._handle(first.event)
    sub.alerts.notify("opened", {"id": "inc-1", "verdict": "suspicious", "uid": 1001})
    assert ch.entered.wait(10)
    stopped = threading.Event()

    def run() -> None:
        e.run(None)
        stopped.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    e.request_stop()
    time.sleep(0.5)
    assert not stopped.is_set()  # the alert is being sent: capture goes on
    src.give(during.event)  # a connect made during the stop
    time.sleep(0.3)
    ch.release.set()  # delivered: the stop ends
    assert stopped.wait(5)
    thread.join(5)
    assert e.events == 2 and e.read_while_stopping == 1
    sub.close()
    assert ch.sent and sub.stats()["dropped"] == 0
    e.close()


def test_a_stop_waits_for_no_alert_beyond_its_grace() -> None:
    ch = RecordingChannel()
    ch.release.clear()
    settings = AlertSettings("suspicious", "web1", 10, 600.0, 100, (), stop_grace=0.5)
    sub = AlertSubscriber(Alerts(settings, channels=[ch]))
    sub.alerts.notify("opened", {"id": "inc-1", "verdict": "suspicious", "uid": 1001})
    assert ch.entered.wait(10)
    began = time.monotonic()
    assert sub.settling(began)
    time.sleep(0.6)
    assert not sub.settling(began)  # its grace is over: the stop goes on without it
    before = time.monotonic()
    sub.close()  # what is left of the grace, at least 1 s for a digest: not 5 s again
    assert time.monotonic() - before < 3.0
    assert sub.stats()["dropped"] == 1
    ch.release.set()


def test_a_stop_reads_on_while_the_firewall_check_ends() -> None:
    """The daemon joined its firewall check (up to 5 s) after the loop had stopped reading:
    the check is one of the stop's waits now, capture going on until it ends."""
    e = Engine(Config(), EngineOptions(store_path=None, nflog=False, scan_budget=0.5), [])
    src = PipeSource()
    e.sources.append(src)  # type: ignore[arg-type]
    during = attempt(time.time())
    e.attributor = FakeAttributor([during])  # type: ignore[assignment]
    checking = threading.Event()
    checking.set()
    e.stop_waits.append(checking.is_set)
    thread = threading.Thread(target=e.run, args=(None,), daemon=True)
    thread.start()
    e.request_stop()
    time.sleep(0.3)
    assert thread.is_alive()
    src.give(during.event)
    time.sleep(0.3)
    checking.clear()
    thread.join(5)
    assert not thread.is_alive() and e.events == 1 and e.read_while_stopping == 1
    e.close()


def test_a_sender_that_goes_on_does_not_hold_the_stop() -> None:
    """The stop reads on while what was queued when it was asked is handled, not for as long
    as the queues hold something: a contained sender never stops trying, and its blocked
    records (each held briefly for its SYN) kept the stop going for its whole 15 s."""
    e = Engine(Config(), EngineOptions(store_path=None, nflog=False, scan_budget=0.5), [])
    src = PipeSource()
    e.sources.append(src)  # type: ignore[arg-type]
    t = time.time()
    records = [blocked(t + i * 0.001) for i in range(3000)]
    e.attributor = FakeAttributor(records)  # type: ignore[assignment]
    feeding = threading.Event()
    feeding.set()

    def feed() -> None:
        for rec in records:
            if not feeding.is_set():
                return
            src.give(rec.event)
            time.sleep(0.005)

    feeder = threading.Thread(target=feed, daemon=True)
    thread = threading.Thread(target=e.run, args=(None,), daemon=True)
    thread.start()
    feeder.start()
    time.sleep(0.5)
    asked = time.monotonic()
    e.request_stop()
    thread.join(10)
    took = time.monotonic() - asked
    feeding.clear()
    feeder.join(5)
    assert not thread.is_alive() and took < 2.0, took
    assert e.blocked_events > 0
    e.close()


def test_a_syslog_channel_whose_socket_is_not_there_is_said_at_start(tmp_path: Path) -> None:
    """Tour: `[alerts.syslog] enabled = true` on a host without /dev/log: the daemon started
    with "note: alerts: syslog", as ready, and every alert failed after its 4 tries, said
    in the journal one by one (`alert test` said it, `config check` did not). The start
    notes say it now; a socket there says nothing more."""
    import socket

    from spamtrace import config
    from spamtrace.service import plugins

    def notes(sock: Path) -> list[str]:
        (tmp_path / "c.toml").write_text(
            f'[metrics]\nlisten = ""\n[alerts.syslog]\nenabled = true\nsocket = "{sock}"\n'
        )
        cfg = config.load(config_file=str(tmp_path / "c.toml"))
        e = Engine(cfg, EngineOptions(store_path=None, nflog=False, scan=False))
        for sub in plugins.subscribers(cfg, e, respond=False):
            sub.close()
        return [n for n in e.notes if n.startswith("alerts:")]

    assert notes(tmp_path / "log") == [
        "alerts: syslog",
        f"alerts: syslog: {tmp_path}/log: no syslog socket (is a syslog daemon or journald "
        "running?): its alerts fail until it is there",
    ]
    (tmp_path / "file").write_text("")
    assert notes(tmp_path / "file")[1] == (
        f"alerts: syslog: {tmp_path}/file: not a socket: its alerts fail until it is there"
    )
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listening:
        listening.bind(str(tmp_path / "dev-log"))
        assert notes(tmp_path / "dev-log") == ["alerts: syslog"]
