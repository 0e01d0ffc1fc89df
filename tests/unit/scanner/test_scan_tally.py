"""A scan run's tally (:class:`spamtrace.scanner.report.ScanTally`): summary and exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spamtrace.errors import ExitCode
from spamtrace.scanner.report import STOPPED_NOTE, FileReport, ScanTally, ScanVerdict, listed


def report(verdict: ScanVerdict, *notes: str, incomplete: bool = False) -> FileReport:
    return FileReport("/x.php", verdict, 0, (), 1, notes=notes, incomplete=incomplete)


def test_a_malicious_file_or_one_not_examined_is_exit_1() -> None:
    tally = ScanTally(files=2)
    tally.add(report(ScanVerdict.CLEAN))
    tally.add(report(ScanVerdict.SUSPICIOUS))
    assert tally.exit_code() is ExitCode.CLEAN
    tally.add(report(ScanVerdict.CLEAN, "cut short: over the 5s time limit", incomplete=True))
    assert tally.exit_code() is ExitCode.FOUND
    assert (tally.not_examined, tally.cut_short) == (1, 1)
    bad = ScanTally(files=1)
    bad.add(report(ScanVerdict.MALICIOUS, f"{STOPPED_NOTE} 12, enough for the verdict"))
    assert bad.exit_code() is ExitCode.FOUND
    summary = bad.summary(0.12345)
    assert (summary["malicious"], summary["stopped_early"], summary["seconds"]) == (1, 1, 0.123)


def test_nothing_scanned_is_not_clean_unless_since_left_nothing() -> None:
    assert ScanTally().exit_code() is ExitCode.FOUND
    assert ScanTally(unchanged=3).exit_code() is ExitCode.CLEAN


def test_listed_files_by_the_verdict_asked() -> None:
    suspicious, clean = ScanVerdict.SUSPICIOUS, ScanVerdict.CLEAN
    assert listed(report(ScanVerdict.SKIPPED), suspicious.rank)
    assert listed(report(ScanVerdict.MALICIOUS), suspicious.rank)
    assert not listed(report(clean), suspicious.rank)
    assert listed(report(clean), clean.rank)
    assert not listed(report(suspicious), ScanVerdict.MALICIOUS.rank)


def test_the_targets_of_a_scan_are_counted_as_the_walk_gives_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `scan` gives the engine (scanner.walk.scan_targets; it was a closure of the
    command): files to scan counted with their bytes, files --since leaves out counted
    unchanged, what the walk cannot or must not scan kept as skipped reports."""
    import os

    from spamtrace.scanner.walk import excluder, scan_targets

    (tmp_path / "new.php").write_bytes(b"<?php echo 1;")
    (tmp_path / "old.php").write_bytes(b"<?php echo 22;")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "c.php").write_bytes(b"x")
    (tmp_path / "link.php").symlink_to("/etc/passwd")
    os.mkfifo(tmp_path / "pipe")
    locked = tmp_path / "locked"
    locked.mkdir()
    # an unreadable folder: its open fails as it does for a folder root cannot list (EACCES)
    real_open = os.open

    def open_(path: Any, *args: Any, **kwargs: Any) -> int:
        if path == str(locked):  # root reads any folder: EACCES as a non-root scan gets it
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)
    tally, skipped = ScanTally(), list[FileReport]()
    since = os.stat(tmp_path / "new.php").st_mtime - 10
    os.utime(tmp_path / "old.php", (since - 100, since - 100))  # ctime stays new: not hidden
    got = list(scan_targets([str(tmp_path)], tally, skipped, exclude=excluder(["cache"]),
                            since=since))  # fmt: skip
    assert sorted(os.path.basename(p.path) for p in got) == ["new.php", "old.php"]
    assert (tally.files, tally.bytes, tally.unchanged) == (2, 13 + 14, 0)
    reasons = {os.path.basename(r.path): r.reason for r in skipped}
    assert set(reasons) == {"link.php", "pipe", "locked"}, reasons
    assert reasons["pipe"] == "FIFO: not opened"
    assert str(reasons["locked"]).startswith("cannot list directory")
    # the link to the system's password file is listed as suspicious (links.sensitive)
    verdicts = {os.path.basename(r.path): r.verdict for r in skipped}
    assert verdicts.pop("link.php") is ScanVerdict.SUSPICIOUS
    assert all(v is ScanVerdict.SKIPPED for v in verdicts.values())
    assert (tally.counts["skipped"], tally.counts["suspicious"]) == (2, 1)
    assert tally.not_examined == 1  # only the locked folder
    later = ScanTally()
    assert list(scan_targets([str(tmp_path / "new.php")], later, [], since=since + 3600)) == []
    assert (later.files, later.unchanged, later.exit_code()) == (0, 1, ExitCode.CLEAN)
