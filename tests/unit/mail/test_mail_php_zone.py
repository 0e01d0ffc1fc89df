"""PHP's mail.log stamps in the zone of ``date.timezone`` across a daylight saving change."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from mailhost import run_mail_json

from spamtrace.attribution import mail as ledger_module
from spamtrace.sources.maillog import phpmail
from spamtrace.sources.maillog.reader import line_time

SCRIPT = "/home/shop/public_html/wp-content/uploads/wp-cache.php"


def php_line(stamp: str) -> str:
    return f"[{stamp}] mail() on [{SCRIPT}:3]: To: a@remote.example -- Headers: -- Subject: s"


def utc(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()


def test_each_line_gets_the_offset_of_its_own_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Berlin is +0200 in July and +0100 in December: a line of each, in either order (a
    daemon started in summer reads winter's lines; the cache kept the first offset)."""
    monkeypatch.setattr(phpmail, "_ZONES", {})
    summer = phpmail.parse_line(php_line("07-Jul-2026 12:00:00 Europe/Berlin"))
    winter = phpmail.parse_line(php_line("07-Dec-2026 11:00:00 Europe/Berlin"))
    assert summer is not None and winter is not None
    assert (summer.wall, winter.wall) == (utc("2026-07-07T10:00:00"), utc("2026-12-07T10:00:00"))
    # the hour after the spring change (02:00 CET does not exist; 03:00 is CEST)
    spring = phpmail.parse_line(php_line("29-Mar-2026 03:30:00 Europe/Berlin"))
    assert spring is not None and spring.wall == utc("2026-03-29T01:30:00")


def test_the_time_a_backwards_read_stops_at_is_the_lines_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """line_time (where a read back to --since stops) read the stamp as UTC whatever its zone:
    a New York line looked five hours old, so `check` stopped reading at the log's last block."""
    monkeypatch.setattr(phpmail, "_ZONES", {})
    when = line_time("php", 2026, 0)
    line = php_line("07-Dec-2026 05:00:00 America/New_York")
    parsed = phpmail.parse_line(line)
    assert parsed is not None
    assert when(line) == parsed.wall == utc("2026-12-07T10:00:00")
    assert when("garbage") is None


def test_mail_joins_the_calls_after_the_change_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A host in UTC, PHP in Europe/Berlin, one mail() in July and three in December: every
    message is its script's (the December ones were 'local', the PHP lines an hour off)."""
    monkeypatch.setattr(phpmail, "_ZONES", {})
    exim, php = [], []
    for n, (when, local) in enumerate(
        (
            ("2026-07-07 10:00:00", "07-Jul-2026 12:00:00"),
            ("2026-12-07 10:00:00", "07-Dec-2026 11:00:00"),
            ("2026-12-07 10:01:00", "07-Dec-2026 11:01:00"),
            ("2026-12-07 10:02:00", "07-Dec-2026 11:02:00"),
        )
    ):
        qid = f"1xaa{n:02d}-0001n4-0u"
        php.append(php_line(f"{local} Europe/Berlin"))
        exim.append(f"{when} {qid} <= shop@host U=shop P=local S=300 for v{n}@remote.example")
        exim.append(f"{when} {qid} Completed")
    exim_log, php_log = tmp_path / "mainlog", tmp_path / "mail.log"
    exim_log.write_text("\n".join(exim) + "\n")
    php_log.write_text("\n".join(php) + "\n")
    for path in (exim_log, php_log):
        stamp = utc("2026-12-07T10:05:00")
        os.utime(path, (stamp, stamp))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setattr(
        ledger_module, "passwd_homes", lambda _root="/": ({"/home/shop": "shop"}, {"shop": 1001})
    )
    code, doc, _ = run_mail_json(
        capsys, "--exim-log", str(exim_log), "--php-log", str(php_log), "--since", "all",
        "--no-scan",
    )  # fmt: skip
    assert code == 0
    assert [(s["kind"], s["script"], s["messages"]) for s in doc["senders"]] == [
        ("script", SCRIPT, 4)
    ]
