"""Run the compiled mail log parsers (_scan.c), built with AddressSanitizer and UBSan, against
the Python parsers (started by test_mail_blocks_sanitized.py, the sanitizer runtimes
preloaded).

Usage: python sanitized_blocks.py BUILD_DIR SEED CASES
Any memory error or undefined behaviour aborts the process with the sanitizer's report; a
different result from the reference fails an assertion.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from sanitizers import load
from spamtrace.sources.maillog import blocks
from spamtrace.sources.maillog.event import MailAction, MailLogged
from spamtrace.sources.maillog.reader import parser_for

SAMPLES = Path(__file__).parent / "samples"
PIECES = [
    b" ", b"  ", b"=", b":", b": ", b", ", b"<", b">", b"[", b"]", b"(", b'"', b"-", b"+", b".",
    b"0", b"12", b"U=", b"P=local", b"S=", b"A=x:", b"A=x:a b:c@d", b"K", b"PRDR", b"H=",
    b"[1.2.3.4]:5", b"R=", b"T=", b"id=",
    b" for ", b"cwd=", b" args:", b" 2 args:", b" ...", b"<= ", b"=> ", b"-> ", b"== ", b"** ",
    b" Completed", b"1xZXzW-0004er-2T", b"1rLqrJ-00000005TBP-3lbO", b"postfix/qmgr[7]: ",
    b"postfix/pickup[8]: ", b"postfix/smtp: ", b"3F2A1C0123: ", b"uid=", b"from=<", b"size=",
    b"nrcpt=", b"client=", b"sasl_username=", b"to=<", b"orig_to=<", b", status=sent",
    b"removed", b"\xff", b"\xc3\xa9", b"\t", b"\x00",
]  # fmt: skip


def main() -> None:
    build, seed, cases = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    scan = load(build, "_scan")
    order = ("arrival", "delivery", "defer", "bounce", "completed", "arguments", "submitted")
    scan.setup(MailLogged, *(MailAction(a) for a in order))
    parsers = {kind: parser_for(kind, 2026, 3600) for kind in ("exim", "postfix")}

    def check(kind: str, block: bytes, max_line: int = 64 * 1024) -> None:
        parse = parsers[kind]
        if kind == "exim":
            got = scan.exim(block, parse, 3600, max_line)
        else:
            got = scan.postfix(block, parse, 2026, 3600, 0.0, max_line)
        assert got == blocks.parse_block_py(block, parse, max_line), block[:200]

    lines = {
        kind: [
            line
            for path in sorted(SAMPLES.glob(f"{kind}*.log"))
            for line in path.read_bytes().splitlines()
            if line.strip() and not line.startswith(b"#")
        ]
        for kind in ("exim", "postfix")
    }
    hostile = [
        b"2026-12-04 18:26:42 cwd=/x" + b" 1 args:" * 600,
        b"2026-12-04 18:26:42 1xZXzW-0004er-2T <= a" + b" H=x" * 20000,
        b"2026-12-04 18:26:42 1xZXzW-0004er-2T <= a for" + b" x" * 40000,
        b"2026-12-04 18:26:42 1xZXzW-0004er-2T ** " + b":" * 70000,
        b"Dec  4 18:26:42 h postfix/smtp[1]: 3F2A1C0123: to=<" + b"<" * 70000,
        b"Dec  4 18:26:42 h postfix/qmgr[1]: 3F2A1C0123: from=<" + b", " * 40000,
        b"2026-12-04 18:26:42." + b"1" * 100 + b" 1xZXzW-0004er-2T Completed",
    ]  # fmt: skip
    for kind in ("exim", "postfix"):
        check(kind, b"\n".join(lines[kind]))
        for line in lines[kind]:
            for cut in range(0, len(line) + 1, 5):
                check(kind, line[:cut])
        for data in hostile:
            check(kind, data)
            check(kind, data, max_line=100)
    rnd = random.Random(seed)
    for _ in range(cases):
        kind = rnd.choice(("exim", "postfix"))
        out = []
        for _ in range(rnd.randint(1, 6)):
            line = rnd.choice(lines[kind])
            for _ in range(rnd.randint(0, 4)):
                at = rnd.randint(0, len(line))
                if rnd.random() < 0.6:
                    line = line[:at] + rnd.choice(PIECES) + line[at:]
                else:
                    line = line[:at] + line[at + rnd.randint(1, 6) :]
            out.append(line)
        check(kind, b"\n".join(out), max_line=rnd.choice((30, 64 * 1024)))
    print(f"sanitized check passed {cases}")


if __name__ == "__main__":
    main()
