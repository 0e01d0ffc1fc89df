"""Run the compiled scanner parts, built with AddressSanitizer and UBSan, against their Python
references (started by test_scan_compiled_sanitized.py, with the sanitizer runtimes preloaded).

Usage: python sanitized_check.py BUILD_DIR SEED CASES
BUILD_DIR holds _lexer and _words built with -fsanitize=address,undefined. Any memory error
or undefined behaviour aborts the process with the sanitizer's report; a different result
from the reference fails an assertion.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from sanitizers import load
from spamtrace.scanner import context, learned, lexer, taint

SAMPLES = Path(__file__).parent / "samples"
PIECES = [
    b"'", b'"', b"`", b"/", b"*", b"#", b"[", b"?", b">", b"<", b"\\", b"\n", b"\r", b" ",
    b"\t", b"=", b"a", b"B", b"1", b"_", b"\x80", b"\x01", b"\x00", b"\xff", b"php", b"<<<",
    b"EOT", b"'EOT'", b'"EOT"', b"*/", b"?>", b"<?php", b"<?=", b"//", b"/*", b"$", b"function",
    b"(", b"_POST", b"eval", b"aaa", b"=", b".=", b";", b"{", b"}",
]  # fmt: skip


def _calls(lex_c: object, code: bytes, pos: int) -> None:
    """The call finders and the concatenation start against their references."""
    for brackets in (True, False):
        got = lex_c.varcall(code, pos, brackets)  # type: ignore[attr-defined]
        assert got == context._varcall_py(code, pos, brackets), code
        got = lex_c.varcall(code, pos, brackets, False)  # type: ignore[attr-defined]
        assert got == context._varcall_py(code, pos, brackets, False), code
    assert lex_c.paren_call(code, pos) == context._paren_call_py(code, pos), code  # type: ignore[attr-defined]
    assert lex_c.concat_start(code, pos) == context._concat_start_py(code, pos), code  # type: ignore[attr-defined]
    for stop, nested in ((44, False), (59, True)):
        got = lex_c.balanced_end(code, stop, nested)  # type: ignore[attr-defined]
        assert got == context._balanced_end_py(code, stop, nested), code
    assert lex_c.top_args(code) == context._top_args_py(code), code  # type: ignore[attr-defined]
    at = min(pos, len(code))
    for end in (len(code), at + 7):
        assert lex_c.brace_end(code, at, end) == context._brace_end_py(code, at, end), code  # type: ignore[attr-defined]
    assert lex_c.open_before(code, at) == context._open_before_py(code, at), code  # type: ignore[attr-defined]
    for opens, closes in ((40, 41), (123, 125)):
        got = lex_c.close_paren(code, opens, closes)  # type: ignore[attr-defined]
        assert got == context._close_paren_py(code, opens, closes), code
    for at in (0, pos, len(code) // 2, len(code), len(code) + 1):
        got = lex_c.assignment_before(code, at)  # type: ignore[attr-defined]
        assert got == taint._assignment_before_py(code, at), code
        got = lex_c.statement_start(code, at)  # type: ignore[attr-defined]
        assert got == taint._statement_start_py(code, at), code
    names = (b"aaa", b"a", b"", b"_POST", b"$", b"a" * 50)
    for limit in (0, 1, 20):
        got = lex_c.mentions(code, names, limit)  # type: ignore[attr-defined]
        assert got == taint._mentions_py(code, names, limit), code
    for name in (b"aaa", b"eval", b"a", b"("):
        for limit, start in ((1, 0), (200, pos), (5, -3)):
            got = lex_c.calls_of(code, name, limit, start)  # type: ignore[attr-defined]
            assert got == context._calls_of_py(code, name, limit, start), code
    words = (b"aaa", b"eval", b"$", b"a", b"")
    for skip in (b"", b"a$_"):
        mine = [-1, 0, len(code) + 1, pos, 3]
        ref = list(mine)
        for start in (pos, pos + 1, 0, len(code), len(code) + 2):
            got = lex_c.next_word(code, words, mine, start, skip)  # type: ignore[attr-defined]
            assert got == context._next_word_py(code, words, ref, start, skip), code
            assert mine == ref, code
    for budget in (0, 1, 3, lexer.MAX_JOINED):
        got = lex_c.canonical_space(code, budget)  # type: ignore[attr-defined]
        assert got == lexer._canonical_space_py(code, budget), code


def _tokens(lex_c: object, scorer: object, data: bytes) -> None:
    """The learned model's tokens and score against their references."""
    words = learned._words_py(data)
    assert lex_c.words(data) == words, data  # type: ignore[attr-defined]
    want = sum(WEIGHTS.get(w, 0.0) for w in words)
    assert abs(scorer.score(data) - want) < 1e-9, data  # type: ignore[attr-defined]


WEIGHTS = {b"_post": 1.5, b"$_post": 0.25, b"eval(": 2.0, b"php": -0.5, b"aaa": 1.0, b"eot": 0.125}


def main() -> None:
    build, seed, cases = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    lex_c, words_c = load(build, "_lexer"), load(build, "_words")
    scorer = lex_c.Scorer(WEIGHTS)  # type: ignore[attr-defined]
    rnd = random.Random(seed)
    for path in sorted(p for p in SAMPLES.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for pos in (0, 3, len(data) // 2, len(data) + 1):
            assert lex_c.tail(data, pos, 1) == lexer._tail_py(data, pos, 1), path
        assert lex_c.names(data) == lexer._names_py(data), path
        _calls(lex_c, lexer.lex(data).code, 0)
        _tokens(lex_c, scorer, data)
    hostile = [
        b"'" + b"\\" * 100_001, b"/*" + b"*" * 200_000, b"?>" + b"<" * 200_000,
        b"<<<A\n" + b"\nA1" * 50_000, b"<<<" * 50_000, b"#" + b"?" * 200_000,
        b"$" * 100_000, b"function" * 20_000 + b" x", b"$a[" * 50_000, b")" * 100_000 + b" ",
        b"\x011" * 100_000, b"\x0112\x01 . " * 50_000 + b"ch",
        b"aaa (" * 50_000, b"$_POST" * 50_000, b"a" * 200_000, b"aaa" + b" " * 200_000 + b"(",
        b"".join(b"w%d " % i for i in range(100_000)),
    ]  # fmt: skip
    for data in hostile:
        assert lex_c.tail(data, 0, 0) == lexer._tail_py(data, 0, 0)
        assert lex_c.names(data) == lexer._names_py(data)
        _calls(lex_c, data, 0)
        _tokens(lex_c, scorer, data)
    alphabet = b"ab$.\x00\xffc"
    pool = [bytes(rnd.choice(alphabet) for _ in range(rnd.randint(1, 8))) for _ in range(300)]
    for _ in range(cases):
        if rnd.random() < 0.3:
            data = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 300)))
        else:
            data = b"".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 200)))
        pos = rnd.randint(0, len(data) + 2)
        assert lex_c.tail(data, pos, 0) == lexer._tail_py(data, pos, 0), data
        assert lex_c.names(data) == lexer._names_py(data), data
        _calls(lex_c, data, pos)
        _tokens(lex_c, scorer, data)
        words = list(dict.fromkeys(rnd.sample(pool, rnd.randint(1, 40))))
        text = bytes(rnd.choice(alphabet) for _ in range(rnd.choice((0, 10, 100, 5000, 20000))))
        assert words_c.WordSet(words).find(text) == [w for w in words if text.find(w) >= 0]
        firsts = {w: text.find(w) for w in words if text.find(w) >= 0}
        assert words_c.WordSet(words).first(text) == firsts
    print("sanitized check passed", cases)


if __name__ == "__main__":
    main()
