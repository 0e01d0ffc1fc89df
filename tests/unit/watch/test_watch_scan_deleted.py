"""A script that deleted itself (`unlink(__FILE__)`) and ran out before its incident's scan:
the scan reads it through a descriptor opened when the incident opened (the real scanner on
a small fixture; a child process of the test holds the deleted file, no root needed)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from spamtrace.attribution.process import start_time
from spamtrace.service.scanning import IncidentScanner
from spamtrace.suspects import ProcessKey, close_held, hold_open, scan_for_suspects

HOLDER = """\
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.unlink(sys.argv[1])  # the dropper's unlink(__FILE__): it holds the file, now nameless
print(fd, flush=True)
sys.stdin.readline()
"""


def dropper(tmp_path: Path) -> tuple[subprocess.Popen[str], str, str, ProcessKey]:
    """A process holding its deleted script open: (it, the script's name, its fd path, key)."""
    script = tmp_path / "wp-cache.php"
    script.write_text("<?php\n$p = 'ZWNobyAx';\neval(base64_decode($_POST['p'] . $p));\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(script)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    fd = int(proc.stdout.readline())
    key = ProcessKey(proc.pid, start_time(proc.pid))
    return proc, str(script), f"/proc/{proc.pid}/fd/{fd}", key


def ended(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(10)


def test_a_deleted_script_is_scanned_after_its_process_exited(tmp_path: Path) -> None:
    proc, script, via, owner = dropper(tmp_path)
    paths = [via, str(tmp_path)]
    held = hold_open(paths, owner)  # when the incident opens
    assert list(held) == [via]
    ended(proc)  # sent its message and exited before the scan: the file went with it...
    try:
        # ... read through its pid: nothing (what a dropper that exits early got)
        files, notes = scan_for_suspects(paths, budget=2.0, owner=owner)
        assert not any(f["path"].startswith(script) for f in files or ()), files
        assert any(f"not scanned: {via}: process {proc.pid} has exited" in n for n in notes)
        # ... read through the descriptor opened when the incident opened: scanned, named
        files, notes = scan_for_suspects(paths, budget=2.0, owner=owner, held=held)
    finally:
        close_held(held)
    assert files is not None and files[0]["path"] == f"{script} (deleted)", files
    assert files[0]["verdict"] == "malicious" and files[0]["script"] is True
    assert f"{script} (deleted): read through {via} when the incident opened (the process " \
        "has exited since, and the deleted file with it)" in notes, notes


def test_while_the_process_runs_the_note_says_where_to_copy_it_from(tmp_path: Path) -> None:
    proc, script, via, owner = dropper(tmp_path)
    try:
        held = hold_open([via], owner)
        try:
            files, notes = scan_for_suspects([via], budget=2.0, owner=owner, held=held)
        finally:
            close_held(held)
        assert files is not None and files[0]["path"] == f"{script} (deleted)"
        assert notes == [f"{script} (deleted): read through {via} (copy it from there to keep it)"]
        # a path of another process than the owner's, or no owner: not opened
        assert hold_open([via], ProcessKey(os.getpid(), 1.0)) == {}
        assert hold_open([via], None) == {}
        # the pid is another process now (a start time that is not its own): not kept
        assert hold_open([via], ProcessKey(proc.pid, owner.start_time - 5)) == {}
    finally:
        ended(proc)


def test_the_incident_scanner_opens_it_at_submit_and_closes_it_after(tmp_path: Path) -> None:
    proc, script, via, owner = dropper(tmp_path)
    s = IncidentScanner(None, 2.0)
    try:
        assert s.submit("inc-1", (via,), owner)
        ended(proc)
        got = []
        deadline = time.monotonic() + 30
        while not got and time.monotonic() < deadline:
            s.wait(0.2)
            got = s.results()
    finally:
        s.close()
    (scan,) = got
    assert scan.files is not None and scan.files[0]["path"] == f"{script} (deleted)", scan
    assert scan.paths == (via,)  # as the incident names them
    mine = [os.readlink(f"/proc/self/fd/{n}") for n in os.listdir("/proc/self/fd")
            if os.path.islink(f"/proc/self/fd/{n}")]  # fmt: skip
    assert f"{script} (deleted)" not in mine  # closed after the scan
