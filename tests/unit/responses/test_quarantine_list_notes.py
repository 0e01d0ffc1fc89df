"""`quarantine list` read later: the note made at the move, "still open by php[PID]: it keeps
the code it loaded until it exits", was printed as it was written, days after those
processes had ended (and their pids may be others' now): the admin went looking for them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from spamtrace.actions.quarantine import Quarantine
from spamtrace.render.responses import print_quarantine_list

HELD = (
    "still open by php-fpm8.2[4242]: it keeps the code it loaded until it exits; the next "
    "request for the file gets a 404"
)
LINKED = "hard-linked (2 names): copied; only this name was removed"


def test_the_list_says_when_the_file_was_held_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "x.php"
    site.write_text("<?php eval($_POST['x']);\n")
    q = Quarantine(str(tmp_path / "q"))
    item = dataclasses.replace(q.add(str(site)), notes=(HELD, LINKED))
    print_quarantine_list([item], q.directory, False)
    notes = [x.strip() for x in capsys.readouterr().out.splitlines() if "note:" in x]
    assert notes == [f"note: when it was quarantined, {HELD}", f"note: {LINKED}"]
    print_quarantine_list([item], q.directory, True)  # JSON: the notes as recorded
    assert HELD in capsys.readouterr().out


def test_the_list_fits_an_80_column_terminal_and_stays_one_line_in_a_pipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each item was one line of 100 columns and more (id, path, size, owner, mode, hash,
    incident): an 80-column terminal folded it inside the path or the hash."""
    folder = tmp_path / "home" / "shop" / "public_html" / "wp-content" / "uploads" / "2026" / "12"
    folder.mkdir(parents=True)
    site = folder / "wp-cache.php"
    site.write_text("<?php eval($_POST['x']);\n")
    q = Quarantine(str(tmp_path / "q"))
    item = q.add(str(site))
    monkeypatch.setenv("COLUMNS", "80")  # a terminal's width (output shown under another's)
    print_quarantine_list([item], q.directory, False)
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert lines[0] == item.id and lines[1].startswith("    path     /")
    at = next(n for n, line in enumerate(lines) if line.startswith("    file     25 B, "))
    # a path longer than the line goes on under its label, cut after a '/'
    assert "".join(line.strip() for line in lines[1:at]) == f"path     {site}"
    assert all(line.startswith(" " * 13) for line in lines[2:at])
    monkeypatch.delenv("COLUMNS")
    print_quarantine_list([item], q.directory, False)  # a pipe: one whole line, for grep
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith(f"{item.id}  {site}  25 B  ") and line.endswith("  incident -")
