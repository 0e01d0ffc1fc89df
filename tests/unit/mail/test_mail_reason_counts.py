"""An incident's limit reasons say how far its sender went in an hour, not only how far it
was when the incident opened ("logged in from 5 networks" of a botnet seen from 24)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from mailhost import python_parsers_only, run_mail_json

START = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=30)


def _log(path: Path) -> None:
    """24 messages of one mailbox from 24 networks, then 30 of one account, in 12 minutes."""
    lines = []
    for n in range(24):
        t = START + dt.timedelta(seconds=20 * n)
        qid = f"1xrc{n:02d}-0001n4-0u"
        lines.append(
            f"{t:%Y-%m-%d %H:%M:%S} {qid} <= ceo@bank.example H=(bot) [{20 + n}.{n}.1.1]:5000 "
            f"P=esmtpa A=dovecot_plain:box@shop.example S=800 for a{n}@x.example"
        )
        lines.append(f"{t:%Y-%m-%d %H:%M:%S} {qid} Completed")
    for n in range(30):
        t = START + dt.timedelta(seconds=10 * n)
        qid = f"1xrd{n:02d}-0001n4-0u"
        lines.append(f"{t:%Y-%m-%d %H:%M:%S} {qid} <= shop@host U=shop P=local S=300 "
                     f"for v{n}@x.example")  # fmt: skip
        lines.append(f"{t:%Y-%m-%d %H:%M:%S} {qid} Completed")
    lines.sort()
    path.write_text("\n".join(lines) + "\n")
    stamp = START.timestamp() + 600
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_the_reasons_say_the_biggest_window_of_the_incident(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    compiled: bool,
) -> None:
    if not compiled:
        python_parsers_only(monkeypatch)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES", "20")
    log = tmp_path / "mainlog"
    _log(log)
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 1
    reasons = {i["verdict"]: i["reasons"] for i in doc["incidents"]}
    assert reasons["mail-auth"] == [
        "logged in from 24 networks (/16) in an hour (more than mail.auth_max_networks = 4)"
    ]  # opened at 5
    assert reasons["mail-script"][0] == (
        "30 messages in an hour (more than mail.script_max_messages = 20)"
    )  # opened at 21
