"""Shared helpers for the scanner unit tests."""

from __future__ import annotations

from pathlib import Path

from spamtrace.scanner.analyze import Analysis, analyze
from spamtrace.scanner.rules import load_rules, load_yara

SAMPLES = Path(__file__).resolve().parent / "samples"


def analyze_file(path: Path) -> Analysis:
    return analyze(path.read_bytes(), path.name, load_rules(), yara=load_yara())


def analyze_bytes(data: bytes, name: str = "x.php") -> Analysis:
    return analyze(data, name, load_rules(), yara=load_yara())


def rule_ids(result: Analysis) -> set[str]:
    return {f.rule for f in result.findings}
