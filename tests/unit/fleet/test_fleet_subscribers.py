"""The metrics, event-stream and journal subscribers, fed the engine's own bus messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_fleet_events import incident as incident_dict
from test_fleet_events import record
from test_fleet_metrics import value

from spamtrace.model import AttributedAttempt, Endpoint, SmtpConnectAttempted, Verdict
from spamtrace.service.bus import (
    ActionRecord,
    ActionRecorded,
    AttemptRecorded,
    BlockedRecorded,
    CaptureMode,
    CaptureModeChanged,
    EngineStarted,
    EventsLost,
    FirewallChecked,
    FirewallState,
    IncidentOpened,
    IncidentUpdated,
    ScanCompleted,
    SourceEventSeen,
    UpdateReason,
)
from spamtrace.sinks.events import EventStream, JsonLinesFile
from spamtrace.sinks.metrics import Metrics, MetricsSubscriber
from spamtrace.sinks.store import EventType, IncidentRecord

NOW = 1_764_849_600.0


def incident_record(**kw: Any) -> IncidentRecord:
    base: dict[str, Any] = dict(
        id="inc-0123456789ab", verdict="suspicious", uid=1001, user="shop", account="shop",
        account_kind="home", home="/home/shop", exe="/usr/bin/php", cwd="/home/shop/x",
        scripts=("/home/shop/x/m.php",), cmdline=("php", "m.php"), connections=1, blocked=0,
        destinations=("203.0.113.9:25",), pids=(4242,), first_seen=NOW, last_seen=NOW,
        rate_per_minute=1.0, reasons=("direct to MX",), methods={"tracepoint": 1}, advice=(),
        process={"pid": 4242, "name": "php"},
    )  # fmt: skip
    base.update(kw)
    return IncidentRecord(**base)


def attempt(verdict: Verdict = Verdict.SUSPICIOUS) -> AttributedAttempt:
    ev = SmtpConnectAttempted(
        monotonic=1.0, wall=NOW, pid=4242, tid=4242, comm="php", family=2,
        local=Endpoint("10.0.0.1", 0), remote=Endpoint("203.0.113.9", 25),
    )  # fmt: skip
    return AttributedAttempt(ev, None, None, verdict, ("direct to MX",))


def messages() -> list[Any]:
    inc = incident_record()
    return [
        EngineStarted(
            at=NOW,
            pid=1,
            capture_mode=CaptureMode.TRACEPOINT,
            sources=("tracepoint",),
            store=None,
            ports=(25,),
            degraded=(),
            notes=(),
            mta_kind="exim",
            mta_users=(),
        ),
        AttemptRecorded(attempt(), record(), inc, True),
        AttemptRecorded(attempt(), record(), incident_record(connections=2), False),
        BlockedRecorded(
            attempt(),
            record(type=EventType.CONNECT_BLOCKED, blocked=True),
            incident_record(blocked=1),
            False,
        ),
        IncidentOpened(inc, alerting=True, scan=None),
        ScanCompleted(
            inc.id,
            ("/home/shop/x",),
            ({"path": "/home/shop/x/m.php"},),
            (),
            0.5,
            reused=False,
            late=False,
        ),
        IncidentUpdated(incident_record(blocked=1), UpdateReason.ESCALATED, "m.php: malicious"),
        ActionRecorded(inc.id, ActionRecord("block-uid", "done", NOW + 5, "uid 1001")),
        CaptureModeChanged(CaptureMode.DEGRADED, "tracepoint lost", NOW + 6),
        EventsLost("tracepoint", 7, 7, NOW + 7),
        FirewallChecked(FirewallState.DRIFTED, "nft", ("rule removed",), NOW + 8),
        SourceEventSeen("maillog", object(), NOW + 9),  # unknown to both: ignored
    ]


def test_metrics_subscriber_maps_every_message() -> None:
    sub = MetricsSubscriber(Metrics(process_metrics=False, clock=lambda: NOW + 10))
    for message in messages():
        sub.handle(message)
    m = sub.metrics
    assert value(m, "spamtrace_start_time_seconds") == NOW
    assert value(m, "spamtrace_smtp_connects_total", verdict="suspicious") == 2
    assert value(m, "spamtrace_blocked_attempts_total", verdict="suspicious") == 1
    assert value(m, "spamtrace_incidents_opened_total", verdict="suspicious") == 1  # once
    assert value(m, "spamtrace_incidents_open", verdict="suspicious") == 1
    assert value(m, "spamtrace_scans_total", result="found") == 1
    assert value(m, "spamtrace_responses_total", action="block-uid", status="done") == 1
    assert value(m, "spamtrace_capture_degraded") == 1
    assert value(m, "spamtrace_events_lost_total", source="tracepoint") == 7
    assert value(m, "spamtrace_firewall_drift") == 1
    assert sub.url is None
    sub.close()


def test_a_mail_log_incident_is_counted_once_from_its_opening() -> None:
    sub = MetricsSubscriber(Metrics(process_metrics=False, clock=lambda: NOW + 10))
    mail = incident_record(id="inc-mail00000001", verdict="mail-script", exe=None)
    sub.handle(IncidentOpened(mail, alerting=True, scan=None))  # no attempt came first
    sub.handle(IncidentUpdated(mail, UpdateReason.MORE_ATTEMPTS, "100 messages"))
    sub.handle(IncidentOpened(mail, alerting=True, scan=None))  # reported again: not recounted
    assert value(sub.metrics, "spamtrace_incidents_opened_total", verdict="mail-script") == 1
    assert value(sub.metrics, "spamtrace_incidents_open", verdict="mail-script") == 1


def test_event_stream_maps_every_message(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    stream = EventStream([JsonLinesFile(str(path))], host="web1")
    for message in messages():
        stream.handle(message)
    stream.close()
    docs = [json.loads(x) for x in path.read_text().splitlines()]
    assert [d["event"]["action"] for d in docs] == [
        "smtp-connect-attempted",
        "smtp-connect-attempted",
        "smtp-connect-blocked",
        "incident-opened",
        "incident-updated",
        "response-block-uid",
    ]
    assert docs[3]["event"]["kind"] == "alert"
    assert docs[4]["event"]["reason"] == "escalated: m.php: malicious"
    assert docs[4]["spamtrace"]["incident"]["blocked"] == 1
    assert docs[5]["spamtrace"]["response"]["detail"] == "uid 1001"


def test_no_incident_updated_line_comes_before_its_incident_opened_line(tmp_path: Path) -> None:
    """Tour: a suspicious incident's incident-opened line waits for its scan, and the scan's
    escalation (and, in enforce mode, the update for each action) was written first, as an
    incident-updated line of an incident the stream had not opened yet. Held back now, as the
    alerts do: the opened line carries them (its findings and actions); the response lines,
    which happened before the opening, are written as before, and later updates too."""
    path = tmp_path / "events.json"
    stream = EventStream([JsonLinesFile(str(path))], host="web1")
    inc = incident_record()
    scanned = incident_record(suspect_files=({"path": "/home/shop/x/m.php"},))
    for message in (
        AttemptRecorded(attempt(), record(), inc, True),
        ActionRecorded(inc.id, ActionRecord("block-uid", "done", NOW + 0.01, "uid 1001")),
        IncidentUpdated(inc, UpdateReason.ACTION, "block-uid done"),
        IncidentUpdated(scanned, UpdateReason.ESCALATED, "m.php: malicious"),
        IncidentOpened(scanned, alerting=True, scan=None),
        IncidentUpdated(incident_record(blocked=1), UpdateReason.FIRST_BLOCKED),
    ):
        stream.handle(message)
    stream.close()
    docs = [json.loads(x) for x in path.read_text().splitlines()]
    assert [d["event"]["action"] for d in docs] == [
        "smtp-connect-attempted", "response-block-uid", "incident-opened", "incident-updated",
    ]  # fmt: skip
    opened = docs[2]["spamtrace"]["incident"]
    assert opened["suspect_files"] and opened["actions"][0]["action"] == "block-uid"
    assert docs[3]["event"]["reason"] == "first-blocked"


def test_incident_dict_fixture_matches_the_rendered_shape() -> None:
    """The event tests' incident fixture has the keys render.incidents.incident_json gives."""
    from spamtrace.render.incidents import incident_json

    assert set(incident_dict()) <= set(incident_json(incident_record()))


def test_a_reload_reopens_a_rotated_event_file(tmp_path: Path) -> None:
    """SIGHUP (logrotate's postrotate) makes the daemon publish ConfigReloaded: the stream
    opens the path again at once, without waiting for its once-a-second check."""
    from spamtrace.config import Config
    from spamtrace.service.bus import ConfigReloaded

    path = tmp_path / "events.json"
    stream = EventStream([JsonLinesFile(str(path))], host="web1")
    stream.handle(messages()[1])
    path.rename(tmp_path / "events.json.1")
    stream.handle(ConfigReloaded(True, None, Config(), (), NOW))
    assert path.exists() and path.read_text() == ""  # the new file, made by the reopen
    stream.handle(messages()[2])
    stream.close()
    assert len(path.read_text().splitlines()) == 1
    assert len((tmp_path / "events.json.1").read_text().splitlines()) == 1


def test_event_stream_failures_are_a_metric(tmp_path: Path) -> None:
    """Lines the event stream could not write show up in spamtrace_event_lines_failed_total."""
    import os

    m = Metrics(process_metrics=False)
    writer = JsonLinesFile(str(tmp_path / "events.json"))
    stream = EventStream([writer], host="web1")
    m.event_failures_from(stream.failures)
    assert value(m, "spamtrace_event_lines_failed_total", output="file") == 0
    os.close(writer._fd)
    writer._fd = os.open("/dev/full", os.O_WRONLY)  # the disk is full
    stream.handle(messages()[1])
    stream.handle(messages()[2])
    assert value(m, "spamtrace_event_lines_failed_total", output="file") == 2
    stream.close()


def test_plugins_link_the_stream_to_the_metrics(tmp_path: Path) -> None:
    from test_fleet_rules import free_port

    from spamtrace import config
    from spamtrace.service.plugins import fleet_subscribers

    cfg = config.load(None, tmp_path / "none", environ={
        "SPAMTRACE_METRICS_LISTEN": f"127.0.0.1:{free_port()}",
        "SPAMTRACE_EVENTS_PATH": str(tmp_path / "e.json"),
    })  # fmt: skip
    subs, notes = fleet_subscribers(cfg, None, strict=True, alert_failures=lambda: {"ops": 4})
    try:
        metrics, stream = subs
        assert isinstance(metrics, MetricsSubscriber) and isinstance(stream, EventStream)
        assert notes[0] == f"metrics: {metrics.url}" and notes[1].startswith("events:")
        assert value(metrics.metrics, "spamtrace_event_lines_failed_total", output="file") == 0
        assert value(metrics.metrics, "spamtrace_alert_failures_total", channel="ops") == 4
    finally:
        for sub in subs:
            sub.close()


def test_the_journal_line_of_a_mail_incident_reads_well(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A mail-script incident of a user the host has no uid for (the log's U=) has no exe:
    the journal said "uid None (shop),  /home/..." and its recipients (log fields) were not
    escaped."""
    from spamtrace.service.daemon import JournalLog

    inc = incident_record(
        verdict="mail-script", uid=None, exe=None, scripts=(), cwd="/home/shop/x",
        destinations=("a@x.example", "b\x1b[2J@y.example"),
    )  # fmt: skip
    JournalLog().handle(IncidentOpened(inc, alerting=True))
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        "spamtrace: MAIL-SCRIPT incident inc-0123456789ab opened: user shop, /home/shop/x -> "
        "a@x.example, b\\x1b[2J@y.example (spamtrace incident inc-0123456789ab)"
    ), line
    JournalLog().handle(IncidentOpened(incident_record(), alerting=True))
    assert "opened: uid 1001 (shop), /usr/bin/php /home/shop/x/m.php -> 203.0.113.9:25" in (
        capsys.readouterr().err
    )


def test_a_metrics_address_other_hosts_reach_is_named_as_such() -> None:
    from spamtrace.service.plugins import _exposure

    for listen in ("0.0.0.0:9945", "[::]:9945", "192.0.2.7:9945"):
        assert "reachable from other hosts" in _exposure(listen), listen
    for listen in ("127.0.0.1:9945", "127.0.0.2:1", "[::1]:9945", "localhost:9945", ""):
        assert _exposure(listen) == "", listen


def test_watch_keeps_the_event_file_when_the_syslog_socket_is_not_there(
    tmp_path: Path,
) -> None:
    """`watch` with [events] path and syslog: a syslog socket that could not be reached
    (no journald or rsyslog) turned the whole event stream off, the file that had opened too
    ("...; the event stream is off for this run", an empty file left behind). Only the
    output that cannot be opened is off; the daemon still stops at start (strict)."""
    from spamtrace import config
    from spamtrace.errors import RuntimeFailure
    from spamtrace.service.plugins import fleet_subscribers

    cfg = config.load(None, tmp_path / "none", environ={
        "SPAMTRACE_METRICS_LISTEN": "",
        "SPAMTRACE_EVENTS_PATH": str(tmp_path / "e.json"),
        "SPAMTRACE_EVENTS_SYSLOG": "true",
        "SPAMTRACE_EVENTS_SYSLOG_SOCKET": str(tmp_path / "nope.sock"),
    })  # fmt: skip
    subs, notes = fleet_subscribers(cfg, None, strict=False)
    try:
        (stream,) = subs
        assert isinstance(stream, EventStream) and [w.name for w in stream.writers] == ["file"]
        assert notes[0].startswith("events: cannot send to syslog socket ")
        assert notes[0].endswith("; that output is off for this run")
        assert notes[1] == f"events: {tmp_path / 'e.json'}"
        stream.handle(messages()[1])
        assert (tmp_path / "e.json").read_text().count("\n") == 1
    finally:
        for sub in subs:
            sub.close()
    with pytest.raises(RuntimeFailure, match="cannot send to syslog socket"):
        fleet_subscribers(cfg, None, strict=True)
