"""`[alerts]` in the config: the issue's interface, every key checked, secrets never shown."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alertservers import HookServer

from spamtrace import config
from spamtrace.cli.main import main
from spamtrace.errors import ConfigError
from spamtrace.sinks.alerts.settings import EmailSpec, SyslogSpec, WebhookSpec, parse

ISSUE_EXAMPLE = """
[[alerts.webhook]]
url = "http://127.0.0.1:18080/hook"
format = "json"            # or "slack"
[[alerts.email]]
smtp = "127.0.0.1:12525"   # host:port of the relay; or sendmail = "/usr/sbin/sendmail"
from = "spamtrace@host.example"
to = ["abuse@host.example"]
[alerts.syslog]
enabled = true
"""


def load(tmp_path: Path, text: str) -> config.Config:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return config.load(path, tmp_path / "none", environ={})


def test_the_issues_interface(tmp_path: Path) -> None:
    settings = parse(load(tmp_path, ISSUE_EXAMPLE).alerts)
    hook, mail, syslog = settings.channels
    assert isinstance(hook, WebhookSpec) and hook.url == "http://127.0.0.1:18080/hook"
    assert hook.name == "webhook-1" and hook.format == "json" and hook.delivery.retries == 3
    assert isinstance(mail, EmailSpec) and (mail.smtp_host, mail.smtp_port) == ("127.0.0.1", 12525)
    assert mail.sender == "spamtrace@host.example" and mail.to == ("abuse@host.example",)
    assert mail.tls == "auto" and mail.name == "email-1"
    assert isinstance(syslog, SyslogSpec) and syslog.socket == "/dev/log"
    assert settings.min_verdict == "suspicious" and settings.rate_limit == 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[alerts.webhook]]\nurl = "http://x/"\nformt = "json"\n',
            "alerts.webhook[0].formt: unknown key",  # counted from 0, as smtp.ports[1] is
        ),  # the second port and firewall.exceptions[0] the first exception
        ('[[alerts.webhook]]\nurl = "ftp://x/"\n', "alerts.webhook[0].url: must start with"),
        (
            '[[alerts.webhook]]\nurl = "http://x/"\n[[alerts.email]]\nsendmail = "/x"\n'
            'from = "a@b"\nto = ["c@d"]\n[[alerts.email]]\nto = []\n',
            "alerts.email[1]: give either smtp",
        ),
        ('[[alerts.webhook]]\nurl = "http://bob:pw@x/h"\n', "no credentials in the URL"),
        ('[[alerts.webhook]]\nurl = "https://tok@x?a=b@c"\n', "no credentials in the URL"),
        ('[[alerts.webhook]]\nurl = "http://x/"\nformat = "xml"\n', "must be one of json, slack"),
        # what urllib cannot send to is found at load, not at the first alert (where a
        # bracket left open or a port "abc" was an internal error, exit 3, of every command)
        ('[[alerts.webhook]]\nurl = "http://[::1/h"\n', "url: its host cannot be read"),
        ('[[alerts.webhook]]\nurl = "http://x:abc/h"\n', "url: its port is not a number"),
        ('[[alerts.webhook]]\nurl = "http://x:99999/h"\n', "url: its port is not a number"),
        ('[[alerts.webhook]]\nurl = "http://x:0/h"\n', "url: its port is not a number"),
        ('[[alerts.webhook]]\nurl = "https://"\n', "alerts.webhook[0].url: no host"),
        ('[[alerts.webhook]]\nurl = "https://ex ample.net/h"\n', "url: holds a space"),
        ('[[alerts.webhook]]\nurl = "http://x/h"\nproxy = "socks5://p:1080"\n', "proxy: must be"),
        ('[[alerts.webhook]]\nurl = "http://x/h"\nproxy = "p:3l28"\n', "proxy: its port is"),
        ('[[alerts.webhook]]\nurl = "http://x/"\ntimeout = 0\n', "timeout: must be more than 0"),
        (
            '[[alerts.webhook]]\nurl = "http://x/"\nheaders = {"A\\nB" = "x"}\n',
            "must be a one-line string",
        ),
        ('[[alerts.email]]\nfrom = "a@b"\nto = ["c@d"]\n', "give either smtp"),
        (
            '[[alerts.email]]\nsmtp = "h:25"\nsendmail = "/x"\nfrom = "a@b"\nto = ["c@d"]\n',
            "give either smtp",
        ),
        ('[[alerts.email]]\nsmtp = "h"\nfrom = "a@b"\nto = ["c@d"]\n', "expected host:port"),
        # an IPv6 relay without brackets was split at its last colon: host fd57:d4:, port 2
        (
            '[[alerts.email]]\nsmtp = "fd57:d4::2"\nfrom = "a@b"\nto = ["c@d"]\n',
            "write an IPv6 address in brackets, then its port",
        ),
        ('[[alerts.email]]\nsmtp = "[::1:25"\nfrom = "a@b"\nto = ["c@d"]\n', "expected host:port"),
        ('[[alerts.email]]\nsmtp = "h:25"\nfrom = "a@b"\nto = []\n', "to: must list at least"),
        (
            '[[alerts.email]]\nsmtp = "h:25"\nfrom = "a@b"\nto = ["x@y>, z@w"]\n',
            "is not a plain e-mail address",
        ),
        (
            '[[alerts.email]]\nsmtp = "h:25"\nfrom = "a@b"\nto = ["c@d"]\ntls = "none"\n'
            'username = "u"\npassword = "p"\n',
            "password in clear text",
        ),
        ('[alerts.syslog]\nenabled = true\nfacility = "nope"\n', "facility: must be one of"),
        ("[alerts.syslog]\nenabld = true\n", "alerts.syslog.enabld: unknown key"),
        ('[alerts]\nmin_verdict = "loud"\n', "min_verdict: must be one of submission"),
        (
            '[[alerts.webhook]]\nurl = "http://x/"\nname = "a"\n[alerts.syslog]\nenabled = true\n'
            'name = "a"\n',
            "two channels are named 'a'",
        ),
        ("[alerts]\nrate_limit = 0\n", "alerts.rate_limit: 0 is out of range (at least 1"),
    ],
)
def test_bad_alert_config_is_a_one_line_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load(tmp_path, text)
    assert message in err.value.message and "\n" not in err.value.message


def test_environment_and_config_show_hide_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[[alerts.email]]\nsmtp = "h:587"\nfrom = "a@b"\nto = ["c@d"]\nusername = "u"\n'
        'password = "hunter2"\n[[alerts.webhook]]\nurl = "https://h.example/x"\n'
        'headers = {Authorization = "Bearer hunter3"}\n'
        '[[alerts.webhook]]\nurl = "https://hooks.slack.example/services/T1/B2/hunter4"\n'
        'format = "slack"\n'
    )
    env = {"SPAMTRACE_ALERTS_MIN_VERDICT": "malicious"}
    cfg = config.load(path, tmp_path / "none", environ=env)
    assert cfg.alerts.min_verdict == "malicious"
    assert main(["--config", str(path), "config", "show", "--json"]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out and "hunter3" not in out
    values = json.loads(out)["values"]
    assert values["alerts.email"]["value"][0]["password"] == "(hidden)"
    assert values["alerts.webhook"]["value"][0]["headers"] == {"Authorization": "(hidden)"}
    # a chat webhook's secret is its URL's path: host and first segment only
    assert "hunter4" not in out
    assert values["alerts.webhook"]["value"][0]["url"] == "https://h.example/x"
    assert values["alerts.webhook"]["value"][1]["url"] == (
        "https://hooks.slack.example/services/(hidden)"
    )
    assert main(["--config", str(path), "config", "show"]) == 0
    assert "hunter4" not in capsys.readouterr().out


def test_alert_test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hook = HookServer()
    dev_log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dev_log.bind(str(tmp_path / "log"))
    dev_log.settimeout(5)
    path = tmp_path / "c.toml"
    path.write_text(
        f'[[alerts.webhook]]\nname = "ops"\nurl = "{hook.url}"\n'
        f'[alerts.syslog]\nenabled = true\nsocket = "{tmp_path / "log"}"\n'
    )
    try:
        assert main(["--config", str(path), "alert", "test"]) == 0
        out = capsys.readouterr().out
        assert "ok     ops (POST " in out and "HTTP 200" in out
        assert "2 of 2 channel(s) delivered the test alert" in out
        (doc,) = hook.json()
        assert doc["event"] == "test" and doc["incident"]["id"] == "inc-000000000000"
        assert b"incident test: id=inc-000000000000" in dev_log.recv(65536)
        assert main(["--config", str(path), "alert", "test", "--channel", "ops", "--json"]) == 0
        result = json.loads(capsys.readouterr().out)
        assert result["schema"] == "spamtrace.alert-test/1" and result["sent"] == 1
        assert [c["channel"] for c in result["channels"]] == ["ops"]
    finally:
        hook.close()
        dev_log.close()
    # the hook is gone: the failure is said, exit 3
    assert main(["--config", str(path), "alert", "test", "--channel", "ops"]) == 3
    out = capsys.readouterr().out
    assert "FAILED ops" in out and "0 of 1 channel(s)" in out
    assert main(["--config", str(path), "alert", "test", "--channel", "nope"]) == 2
    assert "no alert channel named 'nope' (channels: ops, syslog)" in capsys.readouterr().err


def test_alert_test_error_cut_short_is_ascii_in_a_pipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook = HookServer(status=400, answer=b"no such hook: " + b"x" * 190)
    path = tmp_path / "c.toml"
    path.write_text(f'[[alerts.webhook]]\nname = "ops"\nurl = "{hook.url}"\n')
    try:
        assert main(["--config", str(path), "alert", "test"]) == 3
        out = capsys.readouterr().out  # a pipe: plain output
        assert "FAILED ops" in out and "(it answered: no such hook: xxx" in out
        assert "xxx...)" in out and out.isascii(), out
        assert main(["--config", str(path), "alert", "test", "--json"]) == 3
        (channel,) = json.loads(capsys.readouterr().out)["channels"]
        assert channel["error"].endswith("xxx\u2026)")  # JSON keeps the exact text
    finally:
        hook.close()


def test_alert_test_shows_an_error_pages_status_line_and_text_not_its_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A webhook answering 501 with an HTML page: the excerpt was the first 200 bytes, its
    <head> (`<!DOCTYPE html><html><head><meta ...`); now the status line and the page's text,
    tags stripped, entities decoded, whitespace collapsed, escaped and bounded."""
    page = (
        b"<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>501</title>\n"
        b"<style>\n" + b"body { margin: 0; padding: 0 }\n" * 40 + b"</style>\n"
        b"<script>var x = '<b>not text</b>';</script>\n</head>\n<body>\n<!-- a comment -->\n"
        b"<h1>Not   Implemented</h1>\n<p>The hook &amp; its \x1b[31mpath\n are not set up.</p>\n"
        b"</body></html>\n"
    )
    hook = HookServer(status=501, answer=page)
    path = tmp_path / "c.toml"
    path.write_text(f'[[alerts.webhook]]\nname = "ops"\nurl = "{hook.url}"\n')
    try:
        assert main(["--config", str(path), "alert", "test"]) == 3
        out = capsys.readouterr().out
        said = (
            f"HTTP 501 Not Implemented from {hook.url} (it answered: Not Implemented The hook & "
            "its \\x1b[31mpath are not set up.)"
        )
        assert said in " ".join(out.split()), out
        assert "<" not in out and "margin" not in out and "comment" not in out
        assert main(["--config", str(path), "alert", "test", "--json"]) == 3
        (channel,) = json.loads(capsys.readouterr().out)["channels"]
        assert channel["error"].startswith("HTTP 501 Not Implemented from ")
    finally:
        hook.close()

    hook = HookServer(status=404, answer=b"<html><head><title>Gone</title></head></html>" * 200)
    path.write_text(f'[[alerts.webhook]]\nname = "ops"\nurl = "{hook.url}"\n')
    try:
        assert main(["--config", str(path), "alert", "test", "--json"]) == 3
        (channel,) = json.loads(capsys.readouterr().out)["channels"]
        assert channel["error"] == f"HTTP 404 Not Found from {hook.url} (it answered: Gone)"
    finally:
        hook.close()


def test_alert_test_shows_a_receivers_control_characters_escaped_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The webhook escapes what the receiver answered where it puts it in the message; the
    command printed it escaped again (ESC shown as \\\\x1b)."""
    hook = HookServer(status=500, answer=b"\x1b[31mboom")
    path = tmp_path / "c.toml"
    path.write_text(f'[[alerts.webhook]]\nname = "ops"\nurl = "{hook.url}"\n')
    try:
        assert main(["--config", str(path), "alert", "test"]) == 3
        out = capsys.readouterr().out
        assert "(it answered: \\x1b[31mboom)" in out, out
        assert "\x1b" not in out
    finally:
        hook.close()


def test_a_wrong_type_is_named_as_the_other_config_errors_name_it(tmp_path: Path) -> None:
    """`[alerts.syslog] enabled = "yes"` said "expected bool, got str", where every other key
    says "expected float, got a string"."""
    path = tmp_path / "a.toml"
    path.write_text('[alerts.syslog]\nenabled = "yes"\n')
    with pytest.raises(ConfigError) as err:
        config.load(path, tmp_path / "none.d", environ={})
    assert err.value.message.endswith("alerts.syslog.enabled: expected bool, got a string")


def test_a_webhook_url_urllib_cannot_read_is_exit_2_for_config_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`config check` (and every command that loads the config) said `internal error:
    ValueError: Invalid IPv6 URL`, exit 3; the secret part of the URL is not printed."""
    path = tmp_path / "c.toml"
    path.write_text('[[alerts.webhook]]\nurl = "https://[fd57::1/hooks/s3cret"\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert "alerts.webhook[0].url: its host cannot be read" in err
    assert "internal error" not in err and "s3cret" not in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "url", ["http://[::1]:8080/h", "https://hooks.slack.com/services/T0/B0/x", "http://h/a%20b"]
)
def test_a_webhook_url_urllib_can_read_is_accepted(tmp_path: Path, url: str) -> None:
    text = f'[[alerts.webhook]]\nurl = "{url}"\nproxy = "p:3128"\n'
    (hook,) = parse(load(tmp_path, text).alerts).channels
    assert isinstance(hook, WebhookSpec) and hook.url == url and hook.proxy == "p:3128"
