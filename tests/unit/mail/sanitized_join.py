"""Run the compiled join (_mailjoin.c), built with AddressSanitizer and UBSan, against the
Python reference (started by test_mail_join_compiled.py, the sanitizer runtimes preloaded).

Usage: python sanitized_join.py BUILD_DIR SEED LINES
Any memory error or undefined behaviour aborts the process with the sanitizer's report; a
different result from the reference fails an assertion."""

from __future__ import annotations

import sys
from pathlib import Path

from sanitizers import load


def main() -> None:
    build, seed, lines = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    # the sanitized build stands in for the installed one before anything imports it
    sys.modules["spamtrace.attribution._mailjoin"] = load(build, "_mailjoin")
    from join_cases import compare_all

    from spamtrace.attribution import mail

    assert mail._mailjoin is sys.modules["spamtrace.attribution._mailjoin"]
    compare_all(seed, lines)
    print("sanitized join passed")


if __name__ == "__main__":
    main()
