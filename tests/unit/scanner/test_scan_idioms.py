"""Small idioms of backdoors, web shells, obfuscators and mailers (samples/idioms.toml): each
one, alone in a file, must scan as malicious. They were written to probe the rules with the
kinds of code that other malware collections hold, beyond the samples each rule is tuned on."""

from __future__ import annotations

import pytest
import tomllib
from scanner_helpers import SAMPLES, analyze_bytes

from spamtrace.scanner.report import ScanVerdict

IDIOMS = tomllib.loads((SAMPLES / "idioms.toml").read_text(encoding="utf-8"))["idiom"]


def test_there_are_idioms_of_each_kind() -> None:
    assert len(IDIOMS) >= 60


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_idiom_is_malicious(name: str) -> None:
    result = analyze_bytes(IDIOMS[name]["code"].encode(), f"{name}.php")
    assert result.verdict is ScanVerdict.MALICIOUS, [f.rule for f in result.findings]
