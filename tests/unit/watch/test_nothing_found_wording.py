"""A scan of a sender's files that found nothing read the running script(s) and at most
RANK_FOLDER_FILES files of its folder, one level deep, within the scan budget. The stored
incident said "none (the script(s) and folder were scanned)" and watch, check and the alerts
"nothing suspicious in the script(s) and folder (scanned)": for a folder of 3,000 files whose
mailer was not among the 200 read, an admin reading `incident ID` (or the alert) took the
folder for clean. Every view now says what was read."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_watch_render import EVENTS, incident
from watchfake import attempt, proc

from spamtrace.render.incidents import print_incident
from spamtrace.render.watch import _suspect_rows
from spamtrace.scanner.engine import RANK_FOLDER_FILES, rank_files
from spamtrace.sinks.alerts.content import _file_lines
from spamtrace.suspects import NOTHING_FOUND

OVERCLAIMS = ("folder were scanned", "folder (scanned)")


def test_the_stored_incident_does_not_say_the_whole_folder_was_scanned() -> None:
    con = Console(file=io.StringIO(), width=400, color_system=None)
    print_incident(con, incident(suspect_files=()), EVENTS, [])
    out = con.file.getvalue()  # type: ignore[attr-defined]
    line = next(x for x in out.splitlines() if "suspect files:" in x)
    assert "none: nothing suspicious in the script(s) and the folder's files scanned" in line
    assert f"at most {RANK_FOLDER_FILES}" in line and "`spamtrace scan` the folder" in line
    assert not any(o in out for o in OVERCLAIMS)


def test_watch_check_and_alerts_say_the_same() -> None:
    assert _suspect_rows([]) == [("file:", NOTHING_FOUND)]
    assert _file_lines({"suspect_files": []}) == [NOTHING_FOUND]
    assert not any(o in NOTHING_FOUND for o in OVERCLAIMS)
    assert f"at most {RANK_FOLDER_FILES} " in NOTHING_FOUND


def test_the_folder_files_read_are_at_most_the_number_said(tmp_path: Path) -> None:
    for i in range(RANK_FOLDER_FILES + 7):
        (tmp_path / f"f{i}.txt").write_text("plain text\n")
    stats: dict[str, int] = {}
    assert rank_files([str(tmp_path)], time_budget=60.0, stats=stats) == []
    assert stats["scanned"] == RANK_FOLDER_FILES and stats["not_scanned"] == 7


def test_the_files_a_scan_did_not_read_are_stored_and_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan of an incident's folder reads its running script and at most
    RANK_FOLDER_FILES files of the folder: `watch` said how many it did not read in the
    scan's notes, but the store kept no count, so `incident ID` (read later) could not say the
    folder was read in part. The store keeps it now (schema 6, ``incidents.not_scanned``),
    and `incident ID` shows it, with the command that reads them all; `--json` gives it as
    ``files_not_scanned``."""
    import json
    import time

    from spamtrace.cli.main import main
    from spamtrace.config import Config
    from spamtrace.render.watch import WatchView
    from spamtrace.service import scanning
    from spamtrace.service.engine import Engine, EngineOptions
    from spamtrace.sinks.store import Store

    site = tmp_path / "site"
    site.mkdir()
    script = site / "x.php"
    script.write_text("<?php echo 'hello';\n")
    for i in range(RANK_FOLDER_FILES + 7):
        (site / f"f{i:03}.txt").write_text("plain text\n")
    # the scan thread makes its own yara-x scanners (they may not cross threads), and drops
    # them when it ends: not those of an earlier test's scan on this thread
    from spamtrace.scanner import rules

    monkeypatch.setattr(rules, "_YARA", [])
    db = str(tmp_path / "w.db")
    opts = EngineOptions(store_path=db, nflog=False, scan=True, scan_budget=60.0)
    w = Engine(Config(), opts, subscribers=[WatchView(True)])
    w.store = Store(db)
    w.scanner = scanning.IncidentScanner(None, opts.scan_budget)
    try:
        att = attempt(time.time(), process=proc(cwd=str(site), scripts=(str(script),)))

        class Attributor:
            def __init__(self) -> None:
                self.counts: dict[str, int] = {}

            def attempt(self, ev: object, uid_hint: int | None = None) -> object:
                return att

        w.attributor = Attributor()  # type: ignore[assignment]
        w._handle(att.event)
        w._finish_scans()
        w.store.flush()
    finally:
        w.close()
    capsys.readouterr()
    # the script, then RANK_FOLDER_FILES - 1 of the folder's files: 8 of them not read
    assert main(["incident", "inc-", "--json", "--db", db]) == 0
    doc = json.loads(capsys.readouterr().out)["incident"]
    assert doc["suspect_files"] == [] and doc["files_not_scanned"] == 8
    assert main(["incident", "inc-", "--db", db]) == 0
    out = capsys.readouterr().out
    assert (
        "  not scanned:  8 file(s) of the folder (its scan reads 200 files, one level deep, "
        f"within the scan budget): spamtrace scan {site} to read them\n"
    ) in out, out
