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
