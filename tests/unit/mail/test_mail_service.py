"""The mail engine (:mod:`spamtrace.service.mail`) on logs written now: `check`'s section."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from spamtrace.render.mail import check_section
from spamtrace.service.mail import recent_report


def recent_burst(path: Path, count: int, *, age: float = 0.0) -> None:
    """``count`` local submissions of one script's folder, ``age`` seconds ago (local time)."""
    now = time.time() - age
    lines = []
    for i in range(count):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now - count + i))
        mid = f"1xZX{i:02d}-0004e{i % 10}-2T"
        lines += [
            f"{stamp} cwd=/home/shop/public_html/wp-content/uploads 2 args: /usr/sbin/sendmail -t",
            f"{stamp} {mid} <= shop@host U=shop P=local S=400",
        ]
    with open(path, "a") as fh:
        fh.write("\n".join(lines) + "\n")


def test_check_section_when_a_sender_is_above_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spamtrace import config

    log = tmp_path / "mainlog"
    recent_burst(log, 40, age=3 * 3600)  # three hours ago: outside check's hour
    env = {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(log)]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES": "20",
    }
    cfg = config.load(config_dir=tmp_path, environ=env)
    assert recent_report(cfg) is None
    recent_burst(log, 30)
    report = recent_report(cfg)
    assert report is not None
    section = check_section(report, cfg.mail.check_minutes)
    assert section["minutes"] == 60
    (inc,) = section["incidents"]
    assert inc["verdict"] == "mail-script" and inc["messages"] == 30
    assert section["senders"][0]["cwd"] == "/home/shop/public_html/wp-content/uploads", section


def test_queue_state_reads_a_queue_listing_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a local user chooses the envelope sender (sendmail -f): postqueue -j prints its bytes
    from spamtrace import config
    from spamtrace.service import mail

    fake = tmp_path / "postqueue"
    fake.write_bytes(
        b'#!/bin/sh\nprintf \'{"queue_name": "hold", "sender": "\\377\\376@x"}\\n'
        b'{"queue_name": "active", "sender": "a@b"}\\n\'\n'
    )
    fake.chmod(0o755)
    env = {"SPAMTRACE_MAIL_POSTQUEUE_COMMAND": json.dumps([str(fake)])}
    cfg = config.load(config_dir=tmp_path, environ=env)
    monkeypatch.setattr(mail, "_which", lambda *names: [])
    state = mail.queue_state(cfg)
    assert state is not None
    assert (state["messages"], state["hold"], state["active"]) == (2, 1, 1)
