"""The host the mail tests make up: stand-ins for its commands (``postconf -x``, ``exim -bP``
printing what the real ones printed), Postfix logging through syslog, and ``mail`` (and
``mail --json``) run on it."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from spamtrace.cli.main import main
from spamtrace.config import Config
from spamtrace.service import mail

#: what postconf -x, rsyslog and syslog-ng printed or shipped (shared with the audit tests)
FIXTURES = Path(__file__).resolve().parents[1] / "audit" / "fixtures"


def stand_in(path: Path, output: str) -> str:
    """An executable at ``path`` that prints ``output`` (what the real command printed)."""
    path.write_text(f"#!/bin/sh\ncat <<'EOF'\n{output}EOF\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def postfix_through_syslog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Postfix installed, logging through syslog (``postconf -x``'s defaults: maillog_file
    unset); the syslog daemon's configuration read from ``tmp_path/root`` (made, and
    returned); only a key left at its default is looked for; ``[mail]`` lists no Exim log and
    a Postfix log that is not there."""
    root = tmp_path / "root"
    root.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(mail, "SYSLOG_CONFIG_ROOT", str(root))
    output = (FIXTURES / "postconf_x_syslog.txt").read_text()
    monkeypatch.setattr(mail, "POSTCONF_CANDIDATES", (stand_in(tmp_path / "postconf", output),))
    monkeypatch.setattr(Config, "is_set", lambda self, key: False)
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_LOGS", "[]")
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", f'["{tmp_path}/default/mail.log"]')
    return root


def run_mail(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``spamtrace mail --no-queue --no-scan --since all ARGS``: the exit code and what was
    printed on stdout and on stderr."""
    code = main(["mail", "--no-queue", "--no-scan", "--since", "all", *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_mail_json(
    capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any], str]:
    """``spamtrace mail --no-queue --no-scan --since all --json ARGS``: the exit code, the
    document (empty when nothing was printed) and what was said on stderr."""
    code, out, err = run_mail(capsys, "--json", *args)
    return code, json.loads(out) if out else {}, err


def python_parsers_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python reference of every compiled mail part for this test: the log parsers
    (``blocks._scan``, ``reader.COMPILED``) and the join (the ledger's and the policy's
    ``_mailjoin``), so that a test run both ways checks both."""
    from spamtrace.attribution import mail as ledger_module
    from spamtrace.policy import mail as policy_module
    from spamtrace.sources.maillog import blocks, reader

    monkeypatch.setattr(blocks, "_scan", None)
    monkeypatch.setattr(reader, "COMPILED", False)
    monkeypatch.setattr(ledger_module, "_mailjoin", None)
    monkeypatch.setattr(policy_module, "_mailjoin", None)
