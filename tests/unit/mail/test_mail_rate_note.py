"""`spamtrace mail` says when a mailbox's rate could not be compared with its usual one: the
rule needs a day of its history before the hour it judges, more than `--since 24h` reads."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from mailhost import python_parsers_only, run_mail

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _log(path: Path) -> None:
    """A mailbox that sends two messages an hour for a week, then 60 in half an hour."""
    lines, n = [], 0

    def message(when: dt.datetime) -> None:
        nonlocal n
        n += 1
        qid = f"1x{n:04d}-0001n4-0u"
        lines.append(
            f"{when:%Y-%m-%d %H:%M:%S} {qid} <= box@shop.example H=(pc) [203.0.113.5]:5000 "
            f"P=esmtpa A=dovecot_login:box@shop.example S=800 for a{n}@x.example"
        )
        lines.append(f"{when:%Y-%m-%d %H:%M:%S} {qid} Completed")

    when = NOW - dt.timedelta(days=7)
    while when < NOW - dt.timedelta(hours=1):
        message(when)
        message(when + dt.timedelta(minutes=20))
        when += dt.timedelta(hours=1)
    for k in range(60):
        message(NOW - dt.timedelta(minutes=50) + dt.timedelta(seconds=30 * k))
    path.write_text("\n".join(lines) + "\n")
    stamp = NOW.timestamp()
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_a_rate_not_judged_is_said(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    compiled: bool,
) -> None:
    if not compiled:
        python_parsers_only(monkeypatch)
    monkeypatch.setenv("TZ", "UTC")
    log = tmp_path / "mainlog"
    _log(log)
    code, out, err = run_mail(capsys, "--exim-log", str(log), "--since", "24h")
    assert code == 0  # no incident: the burst is judged nowhere
    text = " ".join((out + err).split())
    assert "box@shop.example (" in text and "not compared with the mailbox's usual rate" in text
    assert "--since 2d or more judges it" in text
    # read over a week, the rule judges it: the incident, and no such note
    code, out, err = run_mail(capsys, "--exim-log", str(log), "--since", "7d")
    assert code == 1 and "60 messages in an hour, 30x its usual 2.0" in " ".join(out.split())
    assert "not compared" not in out + err


def test_no_note_when_the_mailbox_sent_few(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("SPAMTRACE_MAIL_AUTH_MIN_MESSAGES", "200")  # more than it sent
    log = tmp_path / "mainlog"
    _log(log)
    _, out, err = run_mail(capsys, "--exim-log", str(log), "--since", "24h")
    assert "not compared" not in out + err
