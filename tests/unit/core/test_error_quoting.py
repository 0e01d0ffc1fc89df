"""A value quoted in an error message is escaped once: ``{value!r}`` there showed a tab as
``\\\\t`` (repr escaped it, then the error printer escaped repr's backslash)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spamtrace.cli.main import main
from spamtrace.safetext import escape_message, quoted


def test_a_quoted_value_is_escaped_once() -> None:
    assert quoted("a\tb\x1b") == "'a\\tb\\x1b'"  # one line, one backslash each
    assert escape_message("bad " + quoted("a\tb")) == "bad 'a\\tb'"  # not escaped again
    assert escape_message("raw\nline") == "raw\\nline"  # a raw control is still escaped
    assert quoted("it's") == '"it\'s"'
    assert quoted(5) == "5" and quoted(["a"]) == "['a']"


@pytest.mark.parametrize(
    "argv, shown",
    [
        (["scan", "--since", "5\tx", "/nonexistent"], "'5\\tx'"),
        (["firewall", "apply", "--dry-run", "--timeout", "x\x1b[2J"], "'x\\x1b[2J'"),
        (["incidents", "--since", "a\\b"], "'a\\\\b'"),  # a backslash: shown as \\ once
    ],
)
def test_cli_error_shows_the_value_escaped_once(
    argv: list[str], shown: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("")
    assert main(["--config", str(cfg), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spamtrace: error:") and shown in err, err
    assert "\\\\t" not in err and "\\\\x1b" not in err and "\\\\\\\\" not in err, err
