"""Noise control: one alert per incident opening, one per escalation, never per connection."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alertsfake import incident

from spamtrace.sinks.alerts.content import AlertEvent
from spamtrace.sinks.alerts.gate import AlertGate


def test_one_alert_per_incident_and_one_per_new_escalation() -> None:
    gate = AlertGate("suspicious", "h")
    inc = incident(suspect_files=None)
    alerts = [
        gate.opened(incident(connections=n, suspect_files=None), float(n)) for n in range(200)
    ]
    sent = [a for a in alerts if a is not None]
    assert len(sent) == 1 and sent[0].event is AlertEvent.OPENED
    scanned = incident()  # the scan found a malicious file
    up = gate.escalated(scanned, "scan:malicious", "the scan found a malicious file", 1.0)
    assert up is not None and up.event is AlertEvent.UPDATED and up.reason
    assert gate.escalated(scanned, "scan:malicious", "again", 2.0) is None
    blocked = gate.escalated(incident(blocked=1), "blocked", "firewall blocks it", 3.0)
    assert blocked is not None and blocked.event is AlertEvent.UPDATED
    assert gate.escalated(incident(blocked=9), "blocked", "firewall blocks it", 4.0) is None
    assert gate.opened(inc, 5.0) is None


def test_an_opening_that_already_names_the_file_gets_no_scan_update() -> None:
    gate = AlertGate("suspicious", "h")
    assert gate.opened(incident(), 0.0) is not None
    assert gate.escalated(incident(), "scan:malicious", "found", 1.0) is None


def test_min_verdict_malicious_waits_for_the_file_and_then_opens() -> None:
    gate = AlertGate("malicious", "h")
    assert gate.opened(incident(suspect_files=None), 0.0) is None
    late = gate.escalated(incident(), "scan:malicious", "the scan found a malicious file", 1.0)
    assert late is not None and late.event is AlertEvent.OPENED
    assert late.reason == "the scan found a malicious file"
    assert gate.escalated(incident(), "scan:malicious", "found", 2.0) is None


def test_never_alerts_mta_or_allowed_and_submission_only_when_asked() -> None:
    quiet = AlertGate("suspicious", "h")
    loud = AlertGate("submission", "h")
    for verdict in ("mta", "allowed"):
        assert quiet.opened(incident(id=verdict, verdict=verdict, suspect_files=None), 0) is None
        assert loud.opened(incident(id=verdict, verdict=verdict, suspect_files=None), 0) is None
    sub = incident(id="inc-sub", verdict="submission", suspect_files=None)
    assert quiet.opened(sub, 0.0) is None
    assert loud.opened(sub, 0.0) is not None


def test_an_escalation_of_an_incident_from_before_a_restart_opens_it() -> None:
    gate = AlertGate("suspicious", "h")
    up = gate.escalated(incident(blocked=1), "blocked", "firewall", 0.0)
    assert up is not None and up.event is AlertEvent.OPENED


def test_what_the_opened_alert_already_shows_is_not_sent_again() -> None:
    gate = AlertGate("suspicious", "h")
    acted = incident(
        suspect_files=None, blocked=2,
        actions=[{"action": "block-uid", "status": "would", "detail": "uid 1001"}],
    )  # fmt: skip
    assert gate.opened(acted, 0.0) is not None
    assert gate.escalated(acted, "blocked", "firewall", 1.0) is None
    assert gate.escalated(acted, "action:block-uid:would", "would block", 1.0) is None
    assert gate.escalated(acted, "action:block-uid:done", "blocked", 2.0) is not None
