"""A scan run's tally (:class:`spamtrace.scanner.report.ScanTally`): summary and exit code."""

from __future__ import annotations

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
