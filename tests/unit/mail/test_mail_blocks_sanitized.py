"""The compiled mail log parsers read attacker-controlled log lines inside a root process:
they are built here with AddressSanitizer and UBSan and run on the samples, hostile lines and
random ones against the Python parsers (sanitized_blocks.py)."""

from __future__ import annotations

from pathlib import Path

from sanitizers import build, run

SRC = Path(__file__).resolve().parents[3] / "src" / "spamtrace" / "sources" / "maillog"


def test_the_compiled_parsers_are_clean_under_sanitizers(tmp_path: Path) -> None:
    build(SRC / "_scan.c", tmp_path)
    check = Path(__file__).with_name("sanitized_blocks.py")
    run(check, str(tmp_path), "20261204", "2000", passed="sanitized check passed 2000")
