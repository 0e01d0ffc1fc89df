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

from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_watch_render import EVENTS, incident

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
