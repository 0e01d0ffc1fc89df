"""What an alert says, and that no attacker-controlled string escapes its place in any form."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alertsfake import UPLOADS, hostile_incident, incident, mail_auth_incident

from spamtrace.sinks.alerts.content import (
    ALERT_SCHEMA,
    Alert,
    AlertEvent,
    commands,
    json_body,
    level,
    passes,
    slack_body,
    subject,
    syslog_line,
    text_body,
)
from spamtrace.sinks.alerts.webhook import body_of

T = 1795816020.0


def alert(inc: dict[str, object], event: AlertEvent = AlertEvent.OPENED, **kw: object) -> Alert:
    return Alert(event, "web1.host.example", inc, T, domains=("shop.example",), **kw)  # type: ignore[arg-type]


def test_text_body_says_what_an_admin_needs() -> None:
    body = text_body(alert(incident()))
    assert body.startswith(
        "SUSPICIOUS (MALICIOUS FILE) incident inc-801618566e4f opened on web1.host.example"
    )
    for needle in (
        "who:       account shop [cpanel], uid 1001 (shop); domains shop.example",
        "process:   /usr/bin/php8.2 php wp-cache.php",
        f"folder:    {UPLOADS}",
        f"script:    {UPLOADS}/wp-cache.php",
        f"file:      {UPLOADS}/wp-cache.php: malicious, score 13 (mailer.smtp-script)",
        "  line 13: fsockopen($target, $port, $e, $s, 5);",
        "to:        10.99.0.2:25, 10.99.0.3:25",
        "counts:    200 connection(s), 0 blocked, 1200.0/min",
        "seen:      2026-11-27T21:46:49.516Z .. 2026-11-27T21:46:59.530Z",
        "done:      nothing (mode = observe: spamtrace only reports)",
        "  spamtrace incident inc-801618566e4f",
        f"  spamtrace scan {UPLOADS}",
    ):
        assert needle in body, needle
    assert subject(alert(incident())) == (
        "[spamtrace] web1.host.example: SUSPICIOUS (malicious file) shop wp-cache.php 200 conn -> "
        "10.99.0.2:25, 10.99.0.3:25"
    )


def test_actions_say_done_or_would_and_their_undo_commands() -> None:
    inc = incident(actions=[
        {"action": "stop-process", "status": "done", "detail": "stopped pid 15042",
         "undo": None},
        {"action": "block-uid", "status": "would", "detail": "block uid 1001 from SMTP",
         "undo": ["spamtrace", "firewall", "unblock", "uid 1001"]},
        {"action": "block-uid", "status": "done", "detail": "uid 1001",
         "undo": "spamtrace release uid 1001", "undone_at": "2026-12-04T19:00:00.000Z"},
    ])  # fmt: skip
    body = text_body(alert(inc, AlertEvent.UPDATED, reason="a response was taken"))
    assert "why now:   a response was taken" in body
    assert "done:      stop-process done: stopped pid 15042" in body
    assert "done:      block-uid would: block uid 1001 from SMTP" in body
    assert "  spamtrace firewall unblock 'uid 1001'" in body
    assert "done:      block-uid done: uid 1001 (undone 2026-12-04T19:00:00.000Z)" in body
    assert "spamtrace release" not in body  # nothing left to undo
    assert subject(alert(inc, AlertEvent.UPDATED)).startswith("[spamtrace update] ")


def test_hostile_strings_stay_on_their_line_in_text_subject_and_syslog() -> None:
    a = alert(hostile_incident())
    subj = subject(a)
    assert "\r" not in subj and "\n" not in subj and "\\r\\nBcc: x@y.php" in subj
    body = text_body(a)
    assert not any(line.startswith("Bcc") for line in body.splitlines())
    assert "\x1b" not in body and "\\x1b[31mred" in body
    assert "/tmp/x\\r\\nBcc: x@y" in body
    assert "\\xff" in body  # a byte that is not UTF-8, shown as what it is
    line = syslog_line(a)
    assert "\n" not in line and "\r" not in line
    assert 'exe="/tmp/x\\r\\nBcc: x@y"' in line


def test_slack_text_has_no_markup_links_or_mentions_from_the_attacker() -> None:
    text = slack_body(alert(hostile_incident()))["text"]
    assert "<" not in text and ">" not in text  # Slack's <!channel>, <url|label> cannot form
    assert "&lt;!channel&gt;" in text
    assert "`tick`" not in text and "ˋtickˋ" in text  # no way out of the code span
    for line in text.splitlines()[1:]:
        assert line.count("`") % 2 == 0, line
    # every attacker value sits in a code span: [click](url) and @all are not markup there
    assert "`php" in text and "[click](http://evil.example) @all" in text
    assert "\n" not in text.replace("\n", "")  # one alert, many lines; none forged
    # the file's name and finding, escaped once as in the e-mail: `\\xff` showed `\\\\xff`
    assert "/uploads/\\xffx\\r\\nBcc: x@y.php: malicious" in text
    assert "\\\\" not in text


def test_json_body_is_valid_and_carries_the_incident_as_incidents_json() -> None:
    inc = hostile_incident()
    doc = json.loads(body_of(alert(inc), "json"))
    assert doc["schema"] == ALERT_SCHEMA == "spamtrace.alert/1"
    assert doc["event"] == "opened" and doc["host"] == "web1.host.example"
    assert set(doc["incident"]) == set(inc)
    assert doc["incident"]["exe"] == inc["exe"]  # JSON escapes, the value is exact
    assert doc["incident"]["suspect_files"][0]["path"].startswith(f"{UPLOADS}/\\xff")
    assert doc["account_domains"] == ["shop.example"]
    assert doc["commands"][0] == "spamtrace incident inc-801618566e4f"
    slack = json.loads(body_of(alert(inc), "slack"))
    assert set(slack) == {"text"}


def test_digest_lists_what_was_held_back() -> None:
    held = tuple(alert(incident(id=f"inc-{i:012x}", account=f"acct{i}")) for i in range(3))
    digest = Alert(AlertEvent.DIGEST, "web1", {}, T, held=held)
    assert text_body(digest).startswith("3 alert(s) held back by the rate limit on web1")
    assert "spamtrace incident inc-000000000002" in text_body(digest)
    doc = json_body(digest)
    assert doc["event"] == "digest" and len(doc["held_back"]) == 3
    assert doc["held_back"][1]["incident"]["account"] == "acct1"
    assert "incidents=inc-000000000000,inc-000000000001,inc-000000000002" in syslog_line(digest)
    assert slack_body(digest)["text"].count("•") == 3


@pytest.mark.parametrize(
    ("verdict", "files", "expected"),
    [
        ("suspicious", None, "suspicious"),
        ("ssh-tunnel", None, "suspicious"),
        ("submission", None, "submission"),
        ("mta", None, None),
        ("allowed", None, None),
        ("suspicious", [{"verdict": "malicious"}], "malicious"),
        ("suspicious", [{"verdict": "suspicious"}], "suspicious"),
        ("mail-script", None, "suspicious"),
        ("mail-auth", None, "suspicious"),
        ("mail-script", [{"verdict": "malicious"}], "malicious"),
    ],
)
def test_level(verdict: str, files: object, expected: str | None) -> None:
    inc = incident(verdict=verdict, suspect_files=files)
    assert level(inc) == expected
    assert passes(inc, "submission") is (expected is not None)
    assert passes(inc, "malicious") is (expected == "malicious")


def test_commands_quote_paths_for_the_shell() -> None:
    inc = incident(scripts=["/home/a b/x.php"], blocked=3)
    cmds = commands(alert(inc))
    assert cmds == [
        "spamtrace incident inc-801618566e4f",
        "spamtrace scan '/home/a b'",
        "spamtrace firewall status",
    ]


def test_a_stolen_mailbox_is_alerted_and_named() -> None:
    """A mail-auth incident passes the default min_verdict (it was never alerted: only the
    connect verdicts had a level), and each form names the mailbox and counts messages,
    with no "process: (unknown)" for a sender that is a login, not a process."""
    inc = mail_auth_incident()
    assert passes(inc, "suspicious") and not passes(inc, "malicious")
    body = text_body(alert(inc))
    assert "who:       mailbox info@shop.example (SMTP AUTH); domains shop.example\n" in body
    assert "from:      203.0.113.5, 198.51.100.17, 192.0.2.44, 100.64.9.9, 172.20.1.1\n" in body
    assert "counts:    12 message(s), 12 distinct recipient(s), 72.0/min\n" in body
    assert "process:" not in body and "folder:" not in body and "uid ?" not in body
    subj = subject(alert(inc))
    assert subj.startswith("[spamtrace] web1.host.example: MAIL-AUTH info@shop.example 12 msg ->")
    slack = slack_body(alert(inc))["text"]
    assert "*who*: mailbox `info@shop.example` (SMTP AUTH)" in slack
    assert "*from*: `203.0.113.5," in slack and "*process*" not in slack
    line = syslog_line(alert(inc))
    assert "auth_user=info@shop.example messages=12 client_ips=5" in line, line


def test_a_symlink_attack_in_the_folder_is_in_the_alert_apart_from_the_files() -> None:
    """The incident's suspect_links (a link in the folder to /etc/shadow) were in its record
    but not in its alert: said on link lines of their own, escaped, in text and Slack."""
    inc = dict(incident(), suspect_links=[{
        "path": f"{UPLOADS}/s\x1b[2J.txt", "target": "/etc/shadow",
        "risk": "a system file or folder", "rule": "link.sensitive-target",
    }])  # fmt: skip
    body = text_body(alert(inc))
    assert f"link:      {UPLOADS}/s\\x1b[2J.txt -> /etc/shadow: a system file or folder" in body
    assert "\x1b" not in body
    slack = slack_body(alert(inc))
    assert "/etc/shadow" in json.dumps(slack) and "\x1b" not in json.dumps(slack)
    assert "link:" not in text_body(alert(incident()))  # none: no line
