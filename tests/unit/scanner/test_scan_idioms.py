"""Small idioms of backdoors, web shells, obfuscators and mailers (samples/idioms.toml): each
one, alone in a file, must scan as malicious. They were written to probe the rules with the
kinds of code that other malware collections hold, beyond the samples each rule is tuned on."""

from __future__ import annotations

import pytest
from scanner_helpers import SAMPLES, analyze_bytes, read_toml

from spamtrace.scanner.report import ScanVerdict

IDIOMS = read_toml((SAMPLES / "idioms.toml").read_text(encoding="utf-8"))["idiom"]


def test_there_are_idioms_of_each_kind() -> None:
    assert len(IDIOMS) >= 60


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_idiom_is_malicious(name: str) -> None:
    result = analyze_bytes(IDIOMS[name]["code"].encode(), f"{name}.php")
    assert result.verdict is ScanVerdict.MALICIOUS, [f.rule for f in result.findings]


# ordinary code the large idioms are put after: a plugin's functions and a framework's data
# classes (both clean samples, together well over the small-file bonus's 4 KiB)
ORDINARY = b"".join(
    (SAMPLES / "clean" / name).read_bytes().rstrip() + b"\n?>\n"
    for name in ("wordpress-style.php", "framework-data.php")
)
LARGE = sorted(name for name, idiom in IDIOMS.items() if idiom.get("large"))


def test_the_ordinary_code_is_clean_and_large() -> None:
    result = analyze_bytes(ORDINARY, "plugin.php")
    assert result.verdict is ScanVerdict.CLEAN and result.score == 0, result.findings
    assert len(ORDINARY) > 4096 and len(LARGE) >= 15


@pytest.mark.parametrize("name", LARGE)
def test_idiom_is_malicious_inside_ordinary_code(name: str) -> None:
    data = ORDINARY + IDIOMS[name]["code"].encode()
    result = analyze_bytes(data, f"{name}.php")
    assert result.verdict is ScanVerdict.MALICIOUS, [f.rule for f in result.findings]
