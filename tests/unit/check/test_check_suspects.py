"""The suspect files of a sender (:mod:`spamtrace.suspects`): what check and the engine's
incident scans report as "this is the file"."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spamtrace.suspects import file_advice, scan_for_suspects, suspect_json, suspect_lines


def test_scan_for_suspects_on_real_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    shell = folder / "x.php"
    shell.write_text("<?php\n$p = 'ZWNobyAx';\neval(base64_decode($_POST['p'] . $p));\n")
    (folder / "readme.txt").write_text("nothing here\n")
    secret = tmp_path / "other"
    secret.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m: False if str(p) == str(secret) else real_access(p, m)
    )
    files, notes = scan_for_suspects(
        [str(shell), str(folder), str(secret), str(tmp_path / "gone.php")], budget=2.0
    )
    assert files is not None and [f["path"] for f in files] == [str(shell)]  # once, not twice
    top = files[0]
    assert top["verdict"] == "malicious" and top["score"] >= 10
    assert top["rules"] and isinstance(top["line"], int) and top["excerpt"]
    assert set(top) == {"path", "verdict", "score", "rules", "line", "excerpt", "description",
                        "layer", "script"}  # fmt: skip
    assert top["script"] is True and file_advice(files).startswith("this is the file: ")  # type: ignore[union-attr]
    assert any(str(secret) in n and "not readable" in n for n in notes)
    assert any("gone.php" in n for n in notes)
    # nothing readable: not scanned (None), not "nothing found"
    assert scan_for_suspects([str(secret)], budget=1.0)[0] is None
    # the running script is not known (or is another file): the folder's worst file is not
    # "the file", it is the most suspicious one of the folder
    files, _ = scan_for_suspects([str(folder)], budget=2.0)
    assert files is not None and files[0]["script"] is False
    assert file_advice(files) == (
        f"most suspicious file in the folder: {shell} (malicious, score {files[0]['score']}; "
        f"{', '.join(files[0]['rules'][:4])})"
    )


def test_the_files_scanned_are_counted(tmp_path: Path) -> None:
    """`check --json` said `scan.scanned: 1` for a folder of many files: it counts senders;
    the files a sender's scan read are counted apart (`files_scanned`)."""
    for name in ("a.php", "b.php", "c.php"):
        (tmp_path / name).write_text("<?php echo 1;\n")
    stats: dict[str, int] = {}
    files, _ = scan_for_suspects([str(tmp_path / "a.php"), str(tmp_path)], budget=2.0, stats=stats)
    assert files is not None and stats == {"files": 3, "not_scanned": 0}
    stats = {}
    assert scan_for_suspects([str(tmp_path / "none")], budget=1.0, stats=stats)[0] is None
    assert stats == {"files": 0, "not_scanned": 0}


def test_the_note_of_files_not_scanned_says_the_budget_rounded(tmp_path: Path) -> None:
    # the budget a sender gets is what the run had left: "the scan budget of 2.99996s"
    from spamtrace.scanner.engine import RANK_FOLDER_FILES

    for i in range(RANK_FOLDER_FILES + 3):
        (tmp_path / f"f{i:03}.txt").write_text("plain text\n")
    _, notes = scan_for_suspects([str(tmp_path)], budget=2.99996)
    assert "not scanned: 3 file(s) of the folder (the scan budget of 3s or 200 files ran out)" in (
        notes
    )


def test_scanner_failure_is_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import spamtrace.scanner

    def boom(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("rules broken")

    monkeypatch.setattr(spamtrace.scanner, "rank_files", boom)
    files, notes = scan_for_suspects([str(tmp_path)], budget=1.0)
    assert files is None and notes == [f"scan of {tmp_path} failed: RuntimeError: rules broken"]


def test_suspect_json_top_finding_is_the_heaviest() -> None:
    from spamtrace.scanner.report import FileReport, Finding, ScanVerdict

    report = FileReport(
        path="/h/x.php", verdict=ScanVerdict.SUSPICIOUS, score=8, size=10,
        findings=(
            Finding("php.long-line", "one huge line", 2, 1, "aaaa"),
            Finding("mailer.raw-smtp-dialogue", "SMTP over a socket", 6, 9, "fsockopen(", 1),
            Finding("php.long-line", "one huge line", 2, 4, "bbbb"),
        ),
    )  # fmt: skip
    assert suspect_json(report) == {
        "path": "/h/x.php", "verdict": "suspicious", "score": 8,
        "rules": ["mailer.raw-smtp-dialogue", "php.long-line"], "line": 9,
        "excerpt": "fsockopen(", "description": "SMTP over a socket", "layer": 1,
    }  # fmt: skip
    assert file_advice([suspect_json(report)]) == (
        "this is the file: /h/x.php (suspicious, score 8; mailer.raw-smtp-dialogue, php.long-line)"
    )
    clean = dict(suspect_json(report), verdict="clean")
    assert file_advice([clean]) is None and file_advice([]) is None
    lines = suspect_lines([dict(clean, path="/h/a\x1b[2Jb.php")])
    assert lines[0].startswith("/h/a\\x1b[2Jb.php: clean, score 8")
    assert lines[1] == "  line 9 of decoded layer 1: fsockopen("


def test_a_running_script_that_deleted_itself_is_read_through_its_open_file(
    tmp_path: Path,
) -> None:
    """Droppers delete themselves (`unlink(__FILE__)`) and go on sending: check said "nothing
    suspicious in the script(s) and folder" while the process still held the script open.
    Its bytes are read through /proc/PID/fd/N; it is named as the process names it."""
    import subprocess
    import sys

    from spamtrace.model import AttributionMethod, ProcessInfo
    from spamtrace.suspects import scan_targets

    folder = tmp_path / "uploads"
    folder.mkdir()
    shell = folder / "x.php"
    shell.write_text("<?php\nunlink(__FILE__);\neval(base64_decode($_POST['p']));\n")
    holder = "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
    child = subprocess.Popen(
        [sys.executable, "-c", holder, str(shell)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        shell.unlink()
        gone = f"{shell} (deleted)"
        process = ProcessInfo(
            pid=child.pid, start_time=None, name="php", exe="/usr/bin/php", cmdline=(),
            uid=os.getuid(), euid=os.geteuid(), gid=os.getgid(), user=None, cwd=str(folder),
            scripts=(gone, str(shell)), parents=(), method=AttributionMethod.LIVE,
        )  # fmt: skip
        files, notes = scan_for_suspects(scan_targets(process), budget=2.0)
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait()
    assert files is not None and [f["path"] for f in files] == [gone], (files, notes)
    assert files[0]["verdict"] == "malicious" and files[0]["script"] is True
    assert (file_advice(files) or "").startswith(f"this is the file: {gone} (malicious")
    assert not any("No such file" in n for n in notes), notes
    assert any(f"/proc/{child.pid}/fd/" in n and "read through" in n for n in notes), notes


def test_a_deleted_script_named_only_by_the_command_line_is_read_through_its_open_file(
    tmp_path: Path,
) -> None:
    """`php logo.jpg` that deleted itself: not a script by its name, so only the command line
    names it, and check said "not scanned: ...: No such file or directory" while the process
    held it open. It is read through /proc/PID/fd/N, and the rules see it as `logo.jpg`
    (PHP in an image), not as `N`: the verdict `scan` gave the file before it was deleted."""
    import subprocess
    import sys

    from spamtrace.model import AttributionMethod, ProcessInfo
    from spamtrace.suspects import scan_targets

    folder = tmp_path / "uploads"
    folder.mkdir()
    logo = folder / "logo.jpg"
    logo.write_text("<?php\nunlink(__FILE__);\necho 'hi';\n")
    before, _ = scan_for_suspects([str(logo)], budget=2.0)
    assert before is not None and before[0]["verdict"] == "malicious", before
    assert "php.in-image-file" in before[0]["rules"]
    holder = "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
    child = subprocess.Popen(
        [sys.executable, "-c", holder, str(logo)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        logo.unlink()
        process = ProcessInfo(
            pid=child.pid, start_time=None, name="php", exe="/usr/bin/php", cmdline=(),
            uid=os.getuid(), euid=os.geteuid(), gid=os.getgid(), user=None, cwd=str(folder),
            scripts=(str(logo),), parents=(), method=AttributionMethod.LIVE,
        )  # fmt: skip
        targets = scan_targets(process)
        files, notes = scan_for_suspects(targets, budget=2.0)
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait()
    assert targets[0].startswith(f"/proc/{child.pid}/fd/") and targets[1:] == (str(folder),)
    assert files is not None and files[0]["path"] == f"{logo} (deleted)", (files, notes)
    assert (files[0]["verdict"], files[0]["score"]) == (before[0]["verdict"], before[0]["score"])
    assert files[0]["rules"] == before[0]["rules"] and files[0]["script"] is True
    assert not any("No such file" in n for n in notes), notes


def test_links_where_a_site_must_not_reach_are_listed_apart_from_the_files(
    tmp_path: Path,
) -> None:
    """A symlink attack (a link in the account's folder to /etc/shadow, to / or to another
    account's wp-config.php) showed only in `scan`: check and watch rank files and dropped
    every link. They are listed apart (never "this is the file" nor "most suspicious file"),
    the link's name escaped where it is printed."""
    from spamtrace.suspects import link_advice, link_lines

    folder = tmp_path / "uploads"
    folder.mkdir()
    shell = folder / "x.php"
    shell.write_text("<?php\n$p = 'ZWNobyAx';\neval(base64_decode($_POST['p'] . $p));\n")
    (folder / "s.txt").symlink_to("/etc/shadow")
    (folder / "root\x1b[2J").symlink_to("/")
    (folder / "c.txt").symlink_to("/home/bob/public_html/wp-config.php")
    (folder / "ok.php").symlink_to("x.php")  # a link of the site to its own file: not listed
    found: list[dict[str, Any]] = []
    files, _notes = scan_for_suspects([str(shell), str(folder)], budget=2.0, links=found)
    assert files is not None and [f["path"] for f in files] == [str(shell)]
    assert (file_advice(files) or "").startswith(f"this is the file: {shell} ")
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in found}
    assert sorted(by_name) == ["c.txt", "root\x1b[2J", "s.txt"]
    assert by_name["s.txt"] == {
        "path": str(folder / "s.txt"), "target": "/etc/shadow",
        "risk": "a system file or folder", "rule": "link.sensitive-target",
    }  # fmt: skip
    assert by_name["root\x1b[2J"]["risk"] == "the whole file system"
    assert by_name["c.txt"]["risk"] == "an account's files"
    lines = link_lines(found)
    assert len(lines) == 3 and "\x1b" not in "".join(lines)
    assert f"{folder}/root\\x1b[2J -> /: the whole file system" in lines
    advice = link_advice(found) or ""
    assert advice.startswith("3 symlink(s) in the folder point where a site must not reach")
    assert "\x1b" not in advice and "this is the file" not in advice
    assert link_advice([]) is None
    # links are looked for in the folder the scan reads: a scan of the script alone has none
    alone: list[dict[str, Any]] = []
    scan_for_suspects([str(shell)], budget=2.0, links=alone)
    assert alone == []


def test_a_sender_in_a_folder_nested_past_path_max_is_read_and_scanned_through_proc(
    tmp_path: Path,
    remove_deep: Callable[[Path, str, tuple[str, ...]], None],
) -> None:
    """A mailer run from a folder nested deeper than PATH_MAX (4096 bytes, made with
    relative mkdir/cd): readlink of /proc/PID/cwd says ENAMETOOLONG. `check` showed `cwd ?`
    ("unreadable (OSError)"), a script `deep.php` with no folder and no file line; and
    `spamtrace scan /proc/PID/cwd` (the way in) was an internal error. The folder is
    /proc/PID/cwd, said in a note, and its files are scanned through it."""
    import subprocess
    import sys

    from spamtrace.attribution.process import read_process

    name = "d" * 100
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(45):  # 45 * 101 bytes: past 4096 whatever tmp_path is
        os.mkdir(name, dir_fd=fd)
        inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    shell = os.open("deep.php", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(shell, b"<?php\n$p = 'ZWNobyAx';\neval(base64_decode($_POST['p'] . $p));\n")
    os.close(shell)
    code = (
        "import os, sys, time\nos.fchdir(int(sys.argv[1]))\nprint('in', flush=True)\n"
        "time.sleep(60)"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(fd)], pass_fds=(fd,), stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "in\n"
        info = read_process(child.pid)
        link = f"/proc/{child.pid}/cwd"
        assert info.cwd == link
        assert any("longer than the kernel can name" in n for n in info.notes), info.notes
        files, notes = scan_for_suspects([f"{link}/deep.php", link], budget=5.0)
        assert files is not None, notes
        assert [f["path"] for f in files] == [f"{link}/deep.php"]
        assert files[0]["verdict"] == "malicious" and files[0]["script"] is True
        from spamtrace.scanner.walk import walk

        items = list(walk([link]))  # `spamtrace scan /proc/PID/cwd`
        assert [(i.path, i.skipped) for i in items] == [(f"{link}/deep.php", None)]
    finally:
        child.kill()
        child.wait()
        os.close(fd)
        remove_deep(tmp_path, name, ("deep.php",))  # pytest's clean-up cannot remove it


@pytest.fixture
def other_process(tmp_path: Path) -> Any:
    """A real process sleeping in its own folder, which holds a web shell: what a scan of
    /proc/PID/cwd finds when PID is now this process, not the sender that had it."""
    import subprocess
    import sys

    folder = tmp_path / "other-site"
    folder.mkdir()
    (folder / "x.php").write_text("<?php\neval(base64_decode($_POST['p']));\n")
    code = "import time\nprint('in', flush=True)\ntime.sleep(60)"
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=folder, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline() == "in\n"
    yield child
    child.kill()
    child.wait()


def test_a_folder_read_through_a_pid_given_to_another_process_is_not_reported(
    other_process: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sender in a folder too deep to name is scanned through /proc/PID/cwd, on the scan
    worker, after the incident opened. Had it exited and its pid been given to another
    process meanwhile, the scan read that process's folder and the report named its files
    as the sender's. The pid is read through only while it is the sender's (pid + start
    time), before the scan and after it."""
    import signal

    import spamtrace.scanner
    from spamtrace.attribution.process import start_time
    from spamtrace.suspects import ProcessKey

    pid = other_process.pid
    link = f"/proc/{pid}/cwd"
    now = ProcessKey(pid, start_time(pid))
    files, _notes = scan_for_suspects([link], budget=5.0, owner=now)
    assert files is not None and [f["path"] for f in files] == [f"{link}/x.php"], files

    # the sender had this pid before (it started earlier): its folder is not this one
    sender = ProcessKey(pid, now.start_time - 3.0)
    found: list[dict[str, Any]] = []
    files, notes = scan_for_suspects([link], budget=5.0, owner=sender, links=found)
    assert files is None and found == [], files
    assert notes == [f"not scanned: {link}: process {pid} has exited (its pid may be another "
                     "process's now)"]  # fmt: skip

    # the sender exits during the scan (and its pid may go to another before the last read)
    ranked = spamtrace.scanner.rank_files

    def exits_meanwhile(*args: Any, **kwargs: Any) -> Any:
        out = ranked(*args, **kwargs)
        os.kill(pid, signal.SIGKILL)
        other_process.wait()
        return out

    monkeypatch.setattr(spamtrace.scanner, "rank_files", exits_meanwhile)
    files, notes = scan_for_suspects([link], budget=5.0, owner=now)
    assert files is None, files
    assert notes[-1].startswith(f"dropped: the scan of {link}: process {pid} exited during it")


def test_the_scan_worker_reads_a_pid_only_while_it_is_the_incidents_process(
    other_process: Any,
) -> None:
    """The incident scanner passes the sender's pid and start time to the scan, and does
    not reuse the scan of /proc/PID/cwd made for another process of that pid."""
    import time

    from spamtrace.attribution.process import start_time
    from spamtrace.service.scanning import IncidentScanner
    from spamtrace.suspects import ProcessKey

    pid = other_process.pid
    link = f"/proc/{pid}/cwd"
    now = ProcessKey(pid, start_time(pid))
    scanner = IncidentScanner(None, 5.0)
    try:
        assert scanner.submit("inc-now", (link,), now)
        assert scanner.submit("inc-before", (link,), ProcessKey(pid, now.start_time - 3.0))
        results: dict[str, Any] = {}
        deadline = time.monotonic() + 30
        while len(results) < 2 and time.monotonic() < deadline:
            scanner.wait(1.0)
            results.update((r.incident_id, r) for r in scanner.results())
    finally:
        scanner.close()
    assert results["inc-now"].files and results["inc-now"].files[0]["path"] == f"{link}/x.php"
    before = results["inc-before"]
    assert before.files is None and not before.reused, before
    assert any("has exited" in n for n in before.notes), before.notes
