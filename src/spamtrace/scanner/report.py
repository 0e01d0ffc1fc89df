"""Scan results: per-file verdicts, scores and the findings that explain them, and the
tally of a whole run (its summary and exit code)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from spamtrace.errors import ExitCode

#: score thresholds (sum of fired rule weights)
MALICIOUS_SCORE = 10
SUSPICIOUS_SCORE = 5
#: a scan stops looking for more reasons once a file scores this much: the verdict cannot
#: change any more, and the rest of a big web shell costs most of the time
ENOUGH_SCORE = MALICIOUS_SCORE
#: the note of a file that reached the malicious score (the scan says once how to get more)
STOPPED_NOTE = "stopped at score"
#: the reason of a file or folder deleted (or moved) between the walk and the read: listed as
#: skipped, but not "not examined" (there is nothing left at that path to examine)
VANISHED = "vanished during the scan (deleted or moved)"
#: how the findings of the admin's own YARA rules ([scan] yara_rules) are named
USER_RULE_PREFIX = "yara."
#: a scan of more files than this notes a rule of the admin's that matched nearly all of them
#: (a rule that matches every file, ``condition: true``, tells nothing of any)
BROAD_RULE_MIN_FILES = 20
#: "nearly all": this share of the files analysed, or more
BROAD_RULE_SHARE = 0.9


class ScanVerdict(str, enum.Enum):
    CLEAN = "clean"
    SUSPICIOUS = "suspicious"
    MALICIOUS = "malicious"
    SKIPPED = "skipped"  # could not look (too large, too slow, unreadable): never silent

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def from_score(cls, score: int) -> ScanVerdict:
        if score >= MALICIOUS_SCORE:
            return cls.MALICIOUS
        if score >= SUSPICIOUS_SCORE:
            return cls.SUSPICIOUS
        return cls.CLEAN


_RANK = {
    ScanVerdict.CLEAN: 0,
    ScanVerdict.SKIPPED: 1,
    ScanVerdict.SUSPICIOUS: 2,
    ScanVerdict.MALICIOUS: 3,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One fired rule: where (line in the file, 0 if not applicable) and a short excerpt."""

    rule: str
    description: str
    weight: int
    line: int
    excerpt: str  # escaped, bounded
    layer: int = 0  # 0: the file itself; n: inside the n-th decoded layer


@dataclass(frozen=True, slots=True)
class FileReport:
    path: str
    verdict: ScanVerdict
    score: int
    findings: tuple[Finding, ...]
    size: int
    sha256: str | None = None
    reason: str | None = None  # why it was skipped
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    #: part of the file was not analysed (the time limit cut it short, or it is PHP over the
    #: size limit): its verdict rests on what was seen, and the scan's exit code says so
    incomplete: bool = False


def listed(report: FileReport, min_rank: int) -> bool:
    """Whether a run asked for verdicts of ``min_rank`` and up lists ``report``: skipped files
    always, clean ones only when clean was asked for."""
    if report.verdict is ScanVerdict.SKIPPED:
        return True
    return report.verdict.rank >= min_rank and (
        report.verdict is not ScanVerdict.CLEAN or min_rank == 0
    )


@dataclass(slots=True)
class ScanTally:
    """What one scan run saw, counted as it goes; its summary and exit code."""

    files: int = 0
    bytes: int = 0
    #: files left out by --since / --newer (not changed in the time asked)
    unchanged: int = 0
    #: entries of the tree left out by --exclude / [scan] exclude (a folder counts once)
    excluded: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {v.value: 0 for v in ScanVerdict})
    #: files not (wholly) analysed: skipped, cut short, or a folder that could not be read
    not_examined: int = 0
    cut_short: int = 0
    stopped_early: int = 0
    #: files analysed (not skipped), and how many of them each rule of the admin's (with a
    #: weight) matched: see :meth:`broad_rule_notes`
    analysed: int = 0
    user_hits: dict[str, int] = field(default_factory=dict)

    def add(self, report: FileReport) -> None:
        """Count one scanned file's report."""
        self.counts[report.verdict.value] += 1
        if report.verdict is not ScanVerdict.SKIPPED:
            self.analysed += 1
            for rule in {
                f.rule for f in report.findings if f.rule.startswith(USER_RULE_PREFIX) and f.weight
            }:
                self.user_hits[rule] = self.user_hits.get(rule, 0) + 1
        if report.incomplete or (
            report.verdict is ScanVerdict.SKIPPED and report.reason != VANISHED
        ):
            self.not_examined += 1
        if any(n.startswith("cut short") for n in report.notes):
            self.cut_short += 1
        if any(n.startswith(STOPPED_NOTE) for n in report.notes):
            self.stopped_early += 1

    def summary(self, seconds: float) -> dict[str, Any]:
        """The ``summary`` of ``scan --json`` (without ``quarantined``)."""
        return {
            "files": self.files,
            "bytes": self.bytes,
            "malicious": self.counts["malicious"],
            "suspicious": self.counts["suspicious"],
            "clean": self.counts["clean"],
            "skipped": self.counts["skipped"],
            "not_examined": self.not_examined,
            "cut_short": self.cut_short,
            "stopped_early": self.stopped_early,
            "unchanged": self.unchanged,
            "excluded": self.excluded,
            "seconds": round(seconds, 3),
        } | ({"notes": notes} if (notes := self.broad_rule_notes()) else {})

    def broad_rule_notes(self) -> list[str]:
        """One note per rule of the admin's that matched nearly every file analysed, in a
        scan of more than :data:`BROAD_RULE_MIN_FILES`: its verdicts stand (the rule says so),
        but a rule that matches every file (``condition: true``) is likelier a mistake."""
        if self.analysed <= BROAD_RULE_MIN_FILES:
            return []
        return [
            f"your rule {rule} matched {hits} of {self.analysed} files: check it (a rule that "
            "matches nearly every file says nothing of any)"
            for rule, hits in sorted(self.user_hits.items())
            if hits >= BROAD_RULE_SHARE * self.analysed
        ]

    def exit_code(self) -> ExitCode:
        """1 when a file is malicious or was not examined, or nothing was scanned ("0 files
        scanned" is not clean, unless --since / --newer left nothing to look at); else 0."""
        nothing = not self.files and not self.unchanged
        attention = self.counts["malicious"] or self.not_examined or nothing
        return ExitCode.FOUND if attention else ExitCode.CLEAN
