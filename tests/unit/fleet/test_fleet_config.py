"""[metrics] and [events]: defaults, validation, and `config show`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spamtrace import config
from spamtrace.config import parse_listen
from spamtrace.errors import ConfigError


def test_defaults_are_loopback_metrics_and_no_event_stream(tmp_path: Path) -> None:
    cfg = config.load(None, tmp_path / "none", environ={})
    assert cfg.metrics.listen == "127.0.0.1:9945"
    assert parse_listen(cfg.metrics.listen) == ("127.0.0.1", 9945)
    assert cfg.events.path == "" and cfg.events.syslog is False
    assert cfg.events.syslog_socket == "/dev/log"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("  ", None),
        ("127.0.0.1:9945", ("127.0.0.1", 9945)),
        ("[::1]:9945", ("::1", 9945)),
        ("0.0.0.0:9100", ("0.0.0.0", 9100)),
        ("[::]:9945", ("::", 9945)),
        ("localhost:9945", ("localhost", 9945)),
    ],
)
def test_listen_addresses(text: str, expected: tuple[str, int] | None) -> None:
    assert parse_listen(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9945", "is not host:port"),
        (":9945", "is not host:port"),
        ("127.0.0.1:", "is not a TCP port"),
        ("127.0.0.1:99999", "is not a TCP port"),
        ("127.0.0.1:http", "is not a TCP port"),
        ("::1:9945", "write an IPv6 address in brackets"),
        ("monitor.example.com:9945", "is not an IP address (or localhost)"),
    ],
)
def test_bad_listen_is_a_config_error_naming_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    main = tmp_path / "m.toml"
    main.write_text(f'[metrics]\nlisten = "{text}"\n')
    with pytest.raises(ConfigError) as err:
        config.load(main, tmp_path / "none", environ={})
    assert f"{main}: metrics.listen:" in str(err.value) and message in str(err.value)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[events]\npath = "events.json"\n', "events.path: must be an absolute path"),
        ('[events]\nsyslog_socket = "dev/log"\n', "events.syslog_socket: must be an absolute"),
        ('[events]\nsyslog = true\nsyslog_socket = ""\n', "empty, but events.syslog is true"),
        ('[events]\nsyslog = "yes"\n', "events.syslog: expected bool"),
        ('[events]\nfile = "/x"\n', "events.file: unknown key"),
        ("[metrics]\nlisten = 9945\n", "metrics.listen: expected str"),
    ],
)
def test_bad_events_config(tmp_path: Path, toml: str, message: str) -> None:
    main = tmp_path / "m.toml"
    main.write_text(toml)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        config.load(main, tmp_path / "none", environ={})


def test_environment_turns_metrics_off_and_sets_the_stream(tmp_path: Path) -> None:
    env = {"SPAMTRACE_METRICS_LISTEN": '""', "SPAMTRACE_EVENTS_PATH": "/var/log/st/e.json"}
    cfg = config.load(None, tmp_path / "none", environ=env)
    assert parse_listen(cfg.metrics.listen) is None
    assert cfg.events.path == "/var/log/st/e.json"


def test_config_show_lists_the_keys(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text("")
    out = subprocess.run(
        [sys.executable, "-m", "spamtrace", "config", "show"],
        capture_output=True,
        text=True,
        env={"SPAMTRACE_CONFIG": str(tmp_path / "x.toml"), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert '[metrics]\nlisten = "127.0.0.1:9945"' in out.stdout
    assert '[events]\npath = ""' in out.stdout
    for key in ("syslog = false", 'syslog_socket = "/dev/log"'):
        assert key in out.stdout
