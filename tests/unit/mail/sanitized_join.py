"""Run the compiled join (_mailjoin.c, and _scan.c feeding it), built with AddressSanitizer
and UBSan, against the Python reference (started by test_mail_join_compiled.py, the
sanitizer runtimes preloaded).

Usage: python sanitized_join.py BUILD_DIR SEED LINES
Any memory error or undefined behaviour aborts the process with the sanitizer's report; a
different result from the reference fails an assertion."""

from __future__ import annotations

import sys
from pathlib import Path

from sanitizers import load


def main() -> None:
    build, seed, lines = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    # the sanitized builds stand in for the installed ones before anything imports them (the
    # line parser too: an Exim log is parsed and joined in one pass through both)
    sys.modules["spamtrace.attribution._mailjoin"] = load(build, "_mailjoin")
    sys.modules["spamtrace.sources.maillog._scan"] = load(build, "_scan")
    from join_cases import TIGHT, compare_all, first_difference, many_senders, state

    from spamtrace.attribution import mail
    from spamtrace.sources.maillog import blocks

    assert mail._mailjoin is sys.modules["spamtrace.attribution._mailjoin"]
    assert blocks._scan is sys.modules["spamtrace.sources.maillog._scan"]
    compare_all(seed, lines)
    # more senders than the join shares keys of (it forgets them and goes on)
    batches = many_senders(17_000)
    assert first_difference(state(batches, TIGHT, True), state(batches, TIGHT, False)) is None
    print("sanitized join passed")


if __name__ == "__main__":
    main()
