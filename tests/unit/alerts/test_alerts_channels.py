"""The channels against real receivers on loopback: aiosmtpd, http.server, a unix socket."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alertservers import HookServer, SmtpSink
from alertsfake import UPLOADS, hostile_incident, incident

from spamtrace.errors import AlertError
from spamtrace.sinks.alerts import Alerts
from spamtrace.sinks.alerts.content import Alert, AlertEvent
from spamtrace.sinks.alerts.email import EmailChannel
from spamtrace.sinks.alerts.settings import (
    AlertSettings,
    Delivery,
    EmailSpec,
    SyslogSpec,
    WebhookSpec,
)
from spamtrace.sinks.alerts.syslog import SyslogChannel
from spamtrace.sinks.alerts.webhook import WebhookChannel

FAST = Delivery(timeout=2.0, retries=2, backoff=0.01)


def alert(inc: dict[str, object], event: AlertEvent = AlertEvent.OPENED) -> Alert:
    return Alert(event, "web1.host.example", inc, time.time(), domains=("shop.example",))


def email_spec(port: int, **kw: object) -> EmailSpec:
    base: dict[str, object] = dict(
        name="mail", sender="spamtrace@host.example", to=("abuse@host.example",),
        smtp_host="127.0.0.1", smtp_port=port, sendmail=None, tls="auto", username=None,
        password_file=None, password=None, delivery=FAST,
    )  # fmt: skip
    base.update(kw)
    return EmailSpec(**base)  # type: ignore[arg-type]


def hook_spec(url: str, fmt: str = "json", delivery: Delivery = FAST) -> WebhookSpec:
    return WebhookSpec("hook", url, fmt, (("X-Token", "t0k"),), None, None, delivery)


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.close()


# ------------------------------------------------------------------------------------ e-mail
def test_email_reaches_the_smtp_sink_with_headers_and_body(smtp: SmtpSink) -> None:
    note = EmailChannel(email_spec(smtp.port)).send(alert(incident()))
    assert note == f"accepted by 127.0.0.1:{smtp.port}"
    ((mail_from, rcpts, msg),) = smtp.wait(1)
    assert mail_from == "spamtrace@host.example" and rcpts == ["abuse@host.example"]
    assert msg["From"] == "spamtrace@host.example" and msg["To"] == "abuse@host.example"
    assert msg["Subject"].startswith("[spamtrace] web1.host.example: SUSPICIOUS (malicious")
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Spamtrace-Incident"] == "inc-801618566e4f"
    assert msg["Message-ID"] and msg["Date"]
    body = msg.get_payload(decode=True).decode()
    assert "account shop [cpanel], uid 1001 (shop); domains shop.example" in body
    assert f"script:    {UPLOADS}/wp-cache.php" in body
    assert "to:        10.99.0.2:25, 10.99.0.3:25" in body
    assert "spamtrace incident inc-801618566e4f" in body


def test_a_hostile_process_name_cannot_add_a_header_or_recipient(smtp: SmtpSink) -> None:
    EmailChannel(email_spec(smtp.port)).send(alert(hostile_incident()))
    ((_, rcpts, msg),) = smtp.wait(1)
    assert rcpts == ["abuse@host.example"]
    assert msg["Bcc"] is None and msg.get_all("Bcc") is None
    assert sorted(k.lower() for k in msg) == sorted([
        "from", "to", "subject", "date", "message-id", "auto-submitted",
        "x-spamtrace-incident", "x-spamtrace-event", "content-type",
        "content-transfer-encoding", "mime-version",
    ])  # fmt: skip
    assert "\\r\\nBcc: x@y" in msg["Subject"]
    body = msg.get_payload(decode=True).decode()
    assert not any(line.startswith("Bcc:") for line in body.splitlines())


def test_email_relay_down_is_a_retryable_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    with pytest.raises(AlertError) as err:
        EmailChannel(email_spec(port)).send(alert(incident()))
    assert err.value.retryable and "Connection refused" in err.value.message


def test_email_login_is_never_sent_without_starttls(smtp: SmtpSink) -> None:
    channel = EmailChannel(email_spec(smtp.port, username="u", password="p"))
    with pytest.raises(AlertError) as err:
        channel.send(alert(incident()))
    assert "does not offer STARTTLS" in err.value.message and not err.value.retryable
    assert smtp.wait(0) == []


def test_email_through_sendmail(tmp_path: Path) -> None:
    """A stand-in for the MTA's sendmail interface: records its argv and the message."""
    out = tmp_path / "sent"
    fake = tmp_path / "sendmail"
    fake.write_text(f'#!/bin/sh\necho "$@" > {out}.argv\ncat > {out}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    spec = email_spec(0, smtp_host=None, sendmail=str(fake))
    assert EmailChannel(spec).send(alert(hostile_incident())) == f"handed to {fake}"
    assert (tmp_path / "sent.argv").read_text().split() == [
        "-i", "-f", "spamtrace@host.example", "--", "abuse@host.example",
    ]  # fmt: skip
    raw = out.read_text()
    headers = raw.split("\n\n", 1)[0]
    assert "\r" not in raw and "\nBcc:" not in headers
    fake.write_text("#!/bin/sh\necho 'queue full' >&2\nexit 75\n")
    with pytest.raises(AlertError) as err:
        EmailChannel(spec).send(alert(incident()))
    assert err.value.retryable and "exited 75: queue full" in err.value.message


# ------------------------------------------------------------------------------------ webhook
def test_webhook_json_body_and_headers() -> None:
    hook = HookServer()
    try:
        note = WebhookChannel(hook_spec(hook.url)).send(alert(incident()))
        (doc,) = hook.json()
    finally:
        hook.close()
    assert note == "HTTP 200"
    assert doc["schema"] == "spamtrace.alert/1" and doc["event"] == "opened"
    assert doc["host"] == "web1.host.example"
    assert doc["incident"] == incident()
    assert hook.headers[0]["Content-Type"] == "application/json"
    assert hook.headers[0]["X-Token"] == "t0k"


def test_webhook_slack_format() -> None:
    hook = HookServer()
    try:
        WebhookChannel(hook_spec(hook.url, "slack")).send(alert(hostile_incident()))
        (doc,) = hook.json()
    finally:
        hook.close()
    assert list(doc) == ["text"] and "<" not in doc["text"]


def test_webhook_500_then_200_is_retried_by_the_dispatcher() -> None:
    hook = HookServer(fail_first=1)
    settings = AlertSettings("suspicious", "h", 10, 600.0, 100, ())
    alerts = Alerts(settings, channels=[WebhookChannel(hook_spec(hook.url))])
    try:
        assert alerts.notify("opened", incident()) is not None
        assert hook.wait(2) == 2
    finally:
        alerts.close()
        hook.close()
    assert hook.answers == [500, 200]
    assert hook.bodies[0] == hook.bodies[1]
    s = alerts.stats()
    assert s["sent"] == 1 and s["failed"] == 0 and s["channels"]["hook"]["retried"] == 1
    assert s["channels"]["hook"]["last_error"].startswith("HTTP 500 Internal Server Error from ")
    # the receiver's body is quoted as such: "HTTP 500 from URL: ok" read like a success
    assert s["channels"]["hook"]["last_error"].endswith(" (it answered: ok)")


def test_webhook_404_is_not_retried_and_a_hang_times_out() -> None:
    hook = HookServer(status=404)
    try:
        with pytest.raises(AlertError) as err:
            WebhookChannel(hook_spec(hook.url)).send(alert(incident()))
        assert not err.value.retryable and err.value.message.startswith("HTTP 404")
    finally:
        hook.close()
    hang = HookServer(hang=5.0)
    try:
        slow = Delivery(timeout=0.3, retries=0, backoff=0.0)
        with pytest.raises(AlertError) as err:
            WebhookChannel(hook_spec(hang.url, delivery=slow)).send(alert(incident()))
        assert err.value.retryable and "no answer within 0.3 s" in err.value.message
    finally:
        hang.close()


# ------------------------------------------------------------------------------------ syslog
def test_syslog_line_reaches_the_socket(tmp_path: Path) -> None:
    path = str(tmp_path / "log")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as dev_log:
        dev_log.bind(path)
        dev_log.settimeout(5)
        spec = SyslogSpec("syslog", path, "daemon", "spamtrace", FAST)
        SyslogChannel(spec).send(alert(hostile_incident()))
        data = dev_log.recv(65536).decode()
    # daemon (3) * 8 + err (3): the scan found a malicious file
    assert data.startswith(f"<27>spamtrace[{os.getpid()}]: incident opened: id=inc-801618566e4f ")
    assert "\n" not in data and 'exe="/tmp/x\\r\\nBcc: x@y"' in data
    assert 'details="spamtrace incident inc-801618566e4f"' in data


def test_syslog_without_a_socket_is_a_clear_failure(tmp_path: Path) -> None:
    spec = SyslogSpec("syslog", str(tmp_path / "none"), "daemon", "spamtrace", FAST)
    with pytest.raises(AlertError, match="no syslog socket"):
        SyslogChannel(spec).send(alert(incident()))


def test_alerts_json_is_parseable_by_the_receiver_for_every_event() -> None:
    hook = HookServer()
    try:
        ch = WebhookChannel(hook_spec(hook.url))
        for event in (AlertEvent.OPENED, AlertEvent.UPDATED, AlertEvent.TEST):
            ch.send(alert(hostile_incident(), event))
        docs = hook.json()
    finally:
        hook.close()
    assert [d["event"] for d in docs] == ["opened", "updated", "test"]
    assert json.dumps(docs)  # round-trips


def test_a_retry_pending_at_stop_is_sent_within_the_grace() -> None:
    """The webhook refuses the first try (500); the stop comes during the backoff: the retry
    is still made (its wait cut short), before close returns."""
    hook = HookServer(fail_first=1)
    settings = AlertSettings("suspicious", "h", 10, 600.0, 100, (), stop_grace=5.0)
    slow = Delivery(timeout=2.0, retries=3, backoff=30.0)  # longer than any test waits
    alerts = Alerts(settings, channels=[WebhookChannel(hook_spec(hook.url, delivery=slow))])
    try:
        assert alerts.notify("opened", incident()) is not None
        assert hook.wait(1) == 1
        alerts.close()
    finally:
        hook.close()
    # the retry was answered before close returned, and within the 5 s grace, though its
    # backoff is 30 s: a backoff not cut short would have left it to the grace, dropped
    assert hook.answers == [500, 200]
    s = alerts.stats()
    assert (s["sent"], s["failed"], s["dropped"]) == (1, 0, 0), s


def test_what_the_grace_cannot_deliver_is_dropped_counted_and_logged() -> None:
    """A webhook that hangs longer than the grace: the alert in its hands and the one queued
    behind it are counted as dropped and named in the exit line, and close returns in time."""
    hang = HookServer(hang=6.0)
    lines: list[str] = []
    settings = AlertSettings("suspicious", "h", 10, 600.0, 100, (), stop_grace=0.5)
    slow = Delivery(timeout=5.0, retries=0, backoff=0.0)
    alerts = Alerts(settings, channels=[WebhookChannel(hook_spec(hang.url, delivery=slow))])
    alerts.dispatcher.log = lines.append
    try:
        alerts.notify("opened", incident(id="inc-00000000000a"))
        assert hang.wait(1) == 1  # in the webhook's hands
        alerts.notify("opened", incident(id="inc-00000000000b"))
        alerts.close()
    finally:
        hang.close()
    # close returned in the grace, while the webhook still hung: a close that waited for it
    # would have seen the send fail at its 5 s timeout (failed, not dropped)
    s = alerts.stats()
    assert s["dropped"] == 2 and s["sent"] == 0 and s["failed"] == 0, s
    (line,) = lines
    assert line.startswith("alerts: hook: 2 alert(s) not delivered within the 0.5 s given at exit")
    assert "inc-00000000000a" in line and "inc-00000000000b" in line
    # the webhook's request fails later (the hanging server is gone): already dropped and
    # named at exit, it is neither counted as failed nor said again (it reached stderr late)
    for worker in alerts.dispatcher.workers:
        worker.thread.join(10)
        assert not worker.thread.is_alive()
    assert alerts.stats()["failed"] == 0 and alerts.stats()["dropped"] == 2
    assert lines == [line]


def test_a_webhook_url_secret_stays_out_of_errors_and_descriptions() -> None:
    """Slack/Mattermost keep the channel's secret in the URL path: an error or `alert test`
    line goes to logs and journald (then to a log shipper), so only host and first segment."""
    hook = HookServer(status=404)
    secret = "T0AAA/B0BBB/XyZsEcReT"
    try:
        channel = WebhookChannel(hook_spec(f"{hook.url}/services/{secret}?token=qs-secret"))
        with pytest.raises(AlertError) as err:
            channel.send(alert(incident()))
        for text in (err.value.message, channel.describe()):
            assert "XyZsEcReT" not in text and "qs-secret" not in text, text
            assert f"{hook.url}/(hidden)?(hidden)" in text, text
    finally:
        hook.close()
    hang = HookServer(hang=5.0)
    try:
        slow = Delivery(timeout=0.3, retries=0, backoff=0.0)
        with pytest.raises(AlertError) as err:
            WebhookChannel(hook_spec(f"{hang.url}/{secret}", delivery=slow)).send(alert(incident()))
        assert "XyZsEcReT" not in err.value.message
        assert err.value.message.startswith(f"{hang.url}/(hidden): no answer")
    finally:
        hang.close()


def _relay(script: list[bytes | None]) -> tuple[int, socket.socket]:
    """A relay on loopback that answers each command of the session with the next line of
    ``script`` (None: silent, as a relay that hangs); the DATA text is read whole."""
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def serve() -> None:
        conn, _ = srv.accept()
        with conn, conn.makefile("rwb") as f:
            for line in script:
                if line is None:
                    time.sleep(3)
                    return
                f.write(line + b"\r\n")
                f.flush()
                got = f.readline()
                if not got:
                    return
                if got.strip().upper() == b"DATA":
                    f.write(b"354 go\r\n")
                    f.flush()
                    while f.readline().strip() not in (b".", b""):
                        pass

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1], srv


@pytest.mark.parametrize(
    ("script", "said", "retryable"),
    [
        ([b"421 busy, try later"], "answered 421 busy, try later", True),
        ([b"220 hi", b"250 hi", b"250 ok", b"250 ok", b"451 temp failure"],
         "answered 451 temp failure", True),
        ([b"220 hi", b"250 hi", b"250 ok", b"550 5.1.1 no such user"],
         "refused every recipient: abuse@host.example (550 5.1.1 no such user)", False),
        ([None], "no answer within 1 s", True),
    ],
)  # fmt: skip
def test_what_a_relay_answered_is_said_as_it_answered(
    script: list[bytes | None], said: str, retryable: bool
) -> None:
    """A relay's refusal read `(421, b'busy, try later')` (the repr of smtplib's tuple), a
    refused recipient a dict's repr, and a relay gone silent `Connection unexpectedly closed:
    timed out`."""
    port, srv = _relay(script)
    fast = Delivery(timeout=1.0, retries=0, backoff=0.01)
    try:
        with pytest.raises(AlertError) as err:
            EmailChannel(email_spec(port, delivery=fast)).send(alert(incident()))
    finally:
        srv.close()
    assert err.value.message == f"127.0.0.1:{port}: {said}"
    assert err.value.retryable is retryable
