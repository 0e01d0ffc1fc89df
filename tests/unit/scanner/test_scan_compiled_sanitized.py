"""The compiled scanner parts parse attacker-controlled files inside a root process: they are
built here with AddressSanitizer and UBSan and run on the samples, hostile input and random
text (sanitized_check.py), so that an out-of-bounds read or write, a use after free or
undefined behaviour fails the test instead of going unnoticed."""

from __future__ import annotations

from pathlib import Path

from sanitizers import build, run

SCANNER_SRC = Path(__file__).resolve().parents[3] / "src" / "spamtrace" / "scanner"
CHECK = Path(__file__).with_name("sanitized_check.py")


def test_compiled_parts_are_clean_under_sanitizers(tmp_path: Path) -> None:
    for name in ("_lexer", "_words"):
        build(SCANNER_SRC / f"{name}.c", tmp_path)
    run(CHECK, str(tmp_path), "20261128", "1500", passed="sanitized check passed 1500")
