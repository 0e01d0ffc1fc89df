"""Scan results: per-file verdicts, scores and the findings that explain them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

#: score thresholds (sum of fired rule weights)
MALICIOUS_SCORE = 10
SUSPICIOUS_SCORE = 5
#: a scan stops looking for more reasons once a file scores this much: the verdict cannot
#: change any more, and the rest of a big web shell costs most of the time
ENOUGH_SCORE = MALICIOUS_SCORE


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
