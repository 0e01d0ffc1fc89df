"""Shared bits of the alert unit tests: a hostile incident and a recording channel."""

from __future__ import annotations

import threading
from typing import Any

from spamtrace.errors import AlertError
from spamtrace.sinks.alerts.content import Alert
from spamtrace.sinks.alerts.settings import Delivery

UPLOADS = "/home/shop/public_html/wp-content/uploads"
#: a process name, path and excerpt crafted to forge headers, lines and chat markup
EVIL = "x\r\nBcc: x@y"


def incident(**changes: Any) -> dict[str, Any]:
    """An item of `incidents --json`, shaped as `watch` writes it."""
    inc: dict[str, Any] = {
        "id": "inc-801618566e4f", "verdict": "suspicious", "uid": 1001, "user": "shop",
        "account": "shop", "account_kind": "cpanel", "home": "/home/shop", "domain": None,
        "exe": "/usr/bin/php8.2", "cwd": UPLOADS, "scripts": [f"{UPLOADS}/wp-cache.php"],
        "cmdline": ["php", "wp-cache.php"], "connections": 200, "blocked": 0,
        "destinations": ["10.99.0.2:25", "10.99.0.3:25"], "pids": [15042],
        "first_seen": "2026-11-27T21:46:49.516Z", "last_seen": "2026-11-27T21:46:59.530Z",
        "first_seen_epoch": 1795816009.516, "last_seen_epoch": 1795816019.53,
        "rate_per_minute": 1200.0, "reasons": ["non-MTA process talks SMTP directly"],
        "attribution": {"tracepoint": 200},
        "advice": [f"look at the script: {UPLOADS}/wp-cache.php"],
        "suspect_files": [{
            "path": f"{UPLOADS}/wp-cache.php", "verdict": "malicious", "score": 13,
            "rules": ["mailer.smtp-script"], "line": 13,
            "excerpt": "fsockopen($target, $port, $e, $s, 5);", "description": "raw SMTP",
            "layer": 0,
        }],
    }  # fmt: skip
    inc.update(changes)
    return inc


def mail_auth_incident() -> dict[str, Any]:
    """A stolen mailbox's incident, as the mail-log source stores it and `incidents --json`
    (and so every alert) shows it."""
    from spamtrace.render.incidents import incident_json
    from spamtrace.sinks.store import IncidentRecord

    rec = IncidentRecord(
        id="inc-357f07f1d812", verdict="mail-auth", uid=None, user=None, account=None,
        account_kind=None, home=None, exe=None, cwd=None, scripts=(), cmdline=(),
        connections=12, blocked=0, destinations=("victim0@gmail.example",), pids=(),
        first_seen=1795816009.0, last_seen=1795816019.0, rate_per_minute=72.0,
        reasons=("logged in from 5 networks (/16) in an hour",), methods={"mail-log": 12},
        advice=("reset the password of info@shop.example (used from 5 address(es) here)",),
        process={
            "source": "mail-log", "kind": "auth", "auth_user": "info@shop.example",
            "client_ips": ["203.0.113.5", "198.51.100.17", "192.0.2.44", "100.64.9.9",
                           "172.20.1.1"],
            "recipients": 12, "distinct_recipients": 12, "mta": "exim",
            "queue_ids": ["1xZB00-0000b0-00"],
        },
    )  # fmt: skip
    return incident_json(rec)


def hostile_incident() -> dict[str, Any]:
    return incident(
        exe=f"/tmp/{EVIL}",
        cmdline=[f"php{EVIL}", "<!channel> *bold* `tick` [click](http://evil.example) @all"],
        scripts=[f"{UPLOADS}/\x1b[31mred{EVIL}.php"],
        cwd=f"{UPLOADS}/{EVIL}",
        user=f"shop{EVIL}",
        advice=[f"look at the script: {UPLOADS}/{EVIL}.php"],
        suspect_files=[{
            "path": f"{UPLOADS}/\udcff{EVIL}.php", "verdict": "malicious", "score": 13,
            "rules": ["mailer.smtp-script"], "line": 2, "excerpt": f"mail($to);{EVIL}",
        }],
    )  # fmt: skip


class RecordingChannel:
    """A channel that records what it is given; it can fail, or block until released."""

    kind = "fake"

    def __init__(
        self,
        name: str = "fake",
        *,
        fail: int = 0,
        retryable: bool = True,
        delivery: Delivery | None = None,
    ) -> None:
        self.name = name
        self.delivery = delivery or Delivery(timeout=1.0, retries=3, backoff=0.01)
        self.fail = fail
        self.retryable = retryable
        self.calls = 0
        self.sent: list[Alert] = []
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()  # send() was called (and may be waiting)
        self.cond = threading.Condition()

    def describe(self) -> str:
        return "fake"

    def send(self, alert: Alert) -> str:
        self.entered.set()
        self.release.wait(30)
        with self.cond:
            self.calls += 1
            if self.calls <= self.fail:
                raise AlertError("fake failure", retryable=self.retryable)
            self.sent.append(alert)
            self.cond.notify_all()
        return "ok"

    def wait(self, count: int, timeout: float = 10.0) -> list[Alert]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.sent) >= count, timeout)
            return list(self.sent)
