"""TLS is verified: an https webhook and an SMTP relay with STARTTLS and a login, on loopback,
with a throwaway self-signed certificate (trusted only through ``ca_file``)."""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aiosmtpd.smtp import AuthResult, LoginPassword
from alertservers import HookServer, SmtpSink
from alertsfake import incident

from spamtrace.errors import AlertError
from spamtrace.sinks.alerts.content import Alert, AlertEvent
from spamtrace.sinks.alerts.email import EmailChannel
from spamtrace.sinks.alerts.settings import Delivery, EmailSpec, WebhookSpec
from spamtrace.sinks.alerts.webhook import WebhookChannel

FAST = Delivery(timeout=5.0, retries=0, backoff=0.0)


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    where = tmp_path_factory.mktemp("tls")
    crt, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(crt), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return crt, key


def server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert[0]), str(cert[1]))
    return ctx


def alert() -> Alert:
    return Alert(AlertEvent.OPENED, "web1", incident(), time.time())


def test_https_webhook_is_verified(cert: tuple[Path, Path]) -> None:
    hook = HookServer(tls=server_context(cert))
    try:
        strict = WebhookSpec("hook", hook.url, "json", (), None, None, FAST)
        with pytest.raises(AlertError) as err:
            WebhookChannel(strict).send(alert())
        assert "CERTIFICATE_VERIFY_FAILED" in err.value.message and not err.value.retryable
        trusting = WebhookSpec("hook", hook.url, "json", (), str(cert[0]), None, FAST)
        assert WebhookChannel(trusting).send(alert()) == "HTTP 200"
    finally:
        hook.close()
    assert hook.answers == [200] and hook.json()[0]["incident"]["id"] == incident()["id"]


@pytest.fixture
def relay(cert: tuple[Path, Path]) -> Iterator[SmtpSink]:
    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"u", b"s3cret")
        return AuthResult(success=ok, handled=False)

    sink = SmtpSink(
        tls_context=server_context(cert), require_starttls=True, authenticator=authenticator,
        auth_require_tls=True,
    )  # fmt: skip
    yield sink
    sink.close()


def spec(port: int, **kw: Any) -> EmailSpec:
    base: dict[str, Any] = dict(
        name="mail", sender="spamtrace@host.example", to=("abuse@host.example",),
        smtp_host="127.0.0.1", smtp_port=port, sendmail=None, tls="auto", username="u",
        password_file=None, password="s3cret", delivery=FAST,
    )  # fmt: skip
    base.update(kw)
    return EmailSpec(**base)


def test_starttls_and_login_with_a_verified_relay(relay: SmtpSink, cert: tuple[Path, Path]) -> None:
    with pytest.raises(AlertError) as err:
        EmailChannel(spec(relay.port)).send(alert())
    assert "CERTIFICATE_VERIFY_FAILED" in err.value.message and not err.value.retryable
    assert relay.wait(0) == []
    note = EmailChannel(spec(relay.port, ca_file=str(cert[0]))).send(alert())
    assert note == f"accepted by 127.0.0.1:{relay.port}"
    ((_, rcpts, msg),) = relay.wait(1)
    assert rcpts == ["abuse@host.example"] and msg["X-Spamtrace-Incident"] == incident()["id"]
    assert relay.recorder.sessions == [{"tls": True, "auth": True}]
    with pytest.raises(AlertError) as err:
        EmailChannel(spec(relay.port, ca_file=str(cert[0]), password="wrong")).send(alert())
    assert "login refused (535)" in err.value.message and not err.value.retryable


def test_password_file(relay: SmtpSink, cert: tuple[Path, Path], tmp_path: Path) -> None:
    secret = tmp_path / "pass"
    secret.write_text("s3cret\n")
    channel = EmailChannel(
        spec(relay.port, ca_file=str(cert[0]), password=None, password_file=str(secret))
    )
    assert channel.send(alert()).startswith("accepted by")
    missing = EmailChannel(spec(relay.port, password=None, password_file=str(tmp_path / "no")))
    with pytest.raises(AlertError, match=r"password_file .*: No such file"):
        missing.send(alert())


@pytest.mark.parametrize("content", [None, "not a certificate\n"])
def test_a_ca_file_that_does_not_load_fails_each_alert_not_the_daemon(
    tmp_path: Path, content: str | None
) -> None:
    """A missing or garbage ca_file raised FileNotFoundError / SSLError: from the webhook
    channel's constructor (the daemon stopped at start with an internal error, exit 3, and
    systemd restarted it over and over) and from each relay delivery (`alert test`: internal
    error). It is now the channel's failure, named, and not retried."""
    ca = tmp_path / "ca.pem"
    if content is not None:
        ca.write_text(content)
    why = "No such file or directory" if content is None else "no CA certificate could be loaded"
    url = "https://127.0.0.1:9/h"
    hook = WebhookChannel(WebhookSpec("hook", url, "json", (), str(ca), None, FAST))
    with pytest.raises(AlertError) as err:
        hook.send(alert())
    assert err.value.message.startswith(f"ca_file {ca}: {why}") and not err.value.retryable
    mail = EmailChannel(spec(9, ca_file=str(ca)))
    with pytest.raises(AlertError) as err:
        mail.send(alert())
    assert err.value.message.startswith(f"ca_file {ca}: {why}") and not err.value.retryable


def test_config_check_refuses_a_ca_file_that_does_not_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spamtrace.cli.main import main

    path = tmp_path / "c.toml"
    path.write_text(
        '[[alerts.webhook]]\nurl = "https://127.0.0.1:9/h"\n[[alerts.email]]\n'
        f'smtp = "127.0.0.1:9"\nfrom = "a@b"\nto = ["c@d"]\nca_file = "{tmp_path}/none.pem"\n'
    )
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert f"alerts.email[0].ca_file: {tmp_path}/none.pem: No such file or directory" in err
