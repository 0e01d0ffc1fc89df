"""Exim and Postfix stamps in the host's local time across a daylight saving change: each
line at the offset of its own local time, not one offset per file (its modification time's)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailhost import run_mail_json

from spamtrace.attribution import mail as ledger_module
from spamtrace.sources.maillog import stamp
from spamtrace.sources.maillog.reader import LogReader, LogSpec, line_time

SCRIPT = "/home/shop/public_html/wp-content/uploads/wp-cache.php"
#: after the change of Sunday 25 October 2026 (Europe/Berlin: CEST +0200 -> CET +0100)
WRITTEN = dt.datetime(2026, 10, 27, 12, tzinfo=dt.timezone.utc).timestamp()


def utc(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The host's zone is Europe/Berlin for the test (TZ, time.tzset), UTC's again after."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


#: local stamp -> UTC: the day before the change, the repeated hour (its first pass, summer
#: time), the hour after it, the day after; and the hour after the spring change
LOCAL_TO_UTC = (
    ("2026-10-24 12:00:00", "2026-10-24T10:00:00"),
    ("2026-10-25 02:30:00", "2026-10-25T00:30:00"),
    ("2026-10-25 03:30:00", "2026-10-25T02:30:00"),
    ("2026-10-26 12:00:00", "2026-10-26T11:00:00"),
    ("2026-03-29 03:30:00", "2026-03-29T01:30:00"),
)


@pytest.mark.parametrize("compiled", [True, False])
def test_exim_and_postfix_lines_get_the_offset_of_their_own_local_time(
    berlin: None, compiled: bool, tmp_path: Path
) -> None:
    """Logs written after the October change: the lines before it (and the spring one) were
    read at the file's offset (+0100), an hour late."""
    exim = "".join(
        f"{local} 1xaa{n:02d}-0001n4-0u Completed\n" for n, (local, _) in enumerate(LOCAL_TO_UTC)
    )
    months = {"10": "Oct", "03": "Mar"}
    postfix = "".join(
        f"{months[local[5:7]]} {local[8:10]} {local[11:]} srv postfix/qmgr[7]: "
        f"3F2A1C01{n:02d}: removed\n"
        for n, (local, _) in enumerate(LOCAL_TO_UTC)
    )
    want = [utc(u) for _, u in LOCAL_TO_UTC]
    for kind, text in (("exim", exim), ("postfix", postfix)):
        path = tmp_path / kind
        path.write_text(text)
        os.utime(path, (WRITTEN, WRITTEN))
        reader = LogReader(LogSpec(str(path), kind), None, compiled=compiled)
        assert [ev.wall for ev in reader.events()] == want, kind
        # where a read back to --since stops: the same time as the line's
        when = line_time(kind, 2026, stamp.local_time(), WRITTEN)
        assert when(text.splitlines()[0]) == want[0], kind


def test_mail_joins_the_scripts_of_both_sides_of_the_change(
    berlin: None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A host in Europe/Berlin, Exim's log in local time from before the October change to
    after it (written after it), PHP's mail.log with its zone: the messages before the change
    were read an hour off (the file's offset, +0100) and lost their script."""
    exim, php = [], []
    for n, (local, php_local) in enumerate(
        (
            ("2026-10-24 12:00:00", "24-Oct-2026 12:00:00"),
            ("2026-10-24 12:01:00", "24-Oct-2026 12:01:00"),
            ("2026-10-26 12:00:00", "26-Oct-2026 12:00:00"),
        )
    ):
        qid = f"1xaa{n:02d}-0001n4-0u"
        php.append(
            f"[{php_local} Europe/Berlin] mail() on [{SCRIPT}:3]: To: a@remote.example"
            " -- Headers: -- Subject: s"
        )
        exim.append(f"{local} {qid} <= shop@host U=shop P=local S=300 for v{n}@remote.example")
        exim.append(f"{local} {qid} Completed")
    exim_log, php_log = tmp_path / "mainlog", tmp_path / "mail.log"
    exim_log.write_text("\n".join(exim) + "\n")
    php_log.write_text("\n".join(php) + "\n")
    for path in (exim_log, php_log):
        os.utime(path, (WRITTEN, WRITTEN))
    monkeypatch.setattr(
        ledger_module, "passwd_homes", lambda _root="/": ({"/home/shop": "shop"}, {"shop": 1001})
    )
    code, doc, _ = run_mail_json(
        capsys, "--exim-log", str(exim_log), "--php-log", str(php_log), "--since", "all",
        "--no-scan",
    )  # fmt: skip
    assert code == 0
    assert [(s["kind"], s["script"], s["messages"]) for s in doc["senders"]] == [
        ("script", SCRIPT, 3)
    ]
    # --since between the first two messages (UTC 10:00 and 10:01 on the 24th): one of them
    code, doc, _ = run_mail_json(
        capsys, "--exim-log", str(exim_log), "--php-log", str(php_log),
        "--since", "2026-10-24T10:00:30Z", "--no-scan",
    )  # fmt: skip
    assert code == 0
    assert [s["messages"] for s in doc["senders"]] == [2]


def test_an_extension_built_from_an_older_source_is_not_used() -> None:
    """The compiled parsers read stamp.LOCAL as "each stamp at its own local offset"; one built
    before took it as an offset of -2**31 s (every local stamp decades off): such a build has
    no LOCAL and the Python parsers are used instead."""
    from spamtrace.sources.maillog import blocks

    if importlib.util.find_spec("spamtrace.sources.maillog._scan") is None:  # not built
        assert not blocks.COMPILED
        return
    from spamtrace.sources.maillog import _scan

    assert _scan.LOCAL == stamp.LOCAL
    assert blocks.COMPILED
