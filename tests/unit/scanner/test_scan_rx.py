"""Possessive repeats written for Python 3.10 (scanner/rx.py) match what 3.11 matches."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spamtrace.scanner import context, fold, lexer, rx, taint
from spamtrace.scanner.features import execution


@pytest.mark.parametrize(
    ("pattern", "written"),
    [
        (rb"a*+b", rb"a*(?!a)b"),
        (rb"[\s@]*+", rb"[\s@]*(?![\s@])"),
        (rb"\s++x", rb"\s+(?!\s)x"),
        (rb"[^\]\n]*+", rb"[^\]\n]*(?![^\]\n])"),
        (rb"\x01*+", rb"\x01*(?!\x01)"),
        (rb"(?:ab)*+c", rb"(?:ab)*c"),
        (rb"a*?b+?c{1,3}?", rb"a*?b+?c{1,3}?"),  # lazy repeats are left alone
        (rb"(?<=')x{2}+", rb"(?<=')x{2}"),
        (rb"\(?\s*+", rb"\(?\s*(?!\s)"),
        (rb"a{,}+b{x}", rb"a{,}b{x}"),  # "{,}" is a repeat, "{x}" text
    ],
)
def test_rewrite(pattern: bytes, written: bytes) -> None:
    assert rx.rewrite(pattern) == written


# every pattern of the scanner written with possessive repeats
PATTERNS = [
    taint._ASSIGN_AT, lexer._TOKEN, fold._WS, fold._VAR, fold._CALL, fold._BARE, fold._DEFINE,
    fold._CONST, fold._ASSIGN, context.SINK_VARCALL, context.BUILT_VARCALL, context.INCLUDE_LIT,
    context._CONCAT, execution._ASSIGNED_VAR, execution._ASSIGN_TAIL,
]  # fmt: skip
PIECES = [b"$a", b"_b1", b"x", b" ", b"\n", b"@", b"'", b'"', b"\\", b"`", b"/", b"*", b"#",
          b"?", b">", b"<", b"(", b")", b"[", b"]", b"=", b".", b";", b",", b"::", b"\x011\x01",
          b"\x00", b"const", b"define", b"include", b"chr(65)", b"\xc3", b"??", b"=>"]  # fmt: skip


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the native patterns need 3.11's re")
@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map(b"".join))
def test_written_for_3_10_they_match_the_same(text: bytes) -> None:
    for native in PATTERNS:
        assert b"+" in native.pattern
        written = re.compile(rx.rewrite(native.pattern), native.flags)
        assert [(m.span(), m.groups()) for m in written.finditer(text)] == [
            (m.span(), m.groups()) for m in native.finditer(text)
        ], native.pattern
