"""Possessive repeats written for Python 3.10 (scanner/rx.py) match what 3.11 matches."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Protocol

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spamtrace.scanner import context, fold, lexer, rx, taint
from spamtrace.scanner.features import execution, phishing


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


Seen = tuple[tuple[int, int], tuple[bytes | None, ...]]


class _Finds(Protocol):
    def finditer(self, text: bytes) -> Iterator[re.Match[bytes]]: ...


def _seen(m: re.Match[bytes] | None) -> Seen | None:
    """A match as compared: where it is and its groups (None: no match)."""
    return None if m is None else (m.span(), m.groups())


def _all_seen(pattern: _Finds, text: bytes) -> list[Seen]:
    """Every match of ``pattern`` in ``text``, in order, as compared (:func:`_seen`)."""
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


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
        assert _all_seen(written, text) == _all_seen(native, text), native.pattern


# the patterns of the scanner compiled one per alternative (rx.Branches)
BRANCHES = [phishing._CLIENT_POST]
BRANCH_PIECES = [b"->", b"-", b">", b" ", b"post", b"postjson", b"aspost", b"request", b"(",
                 b")", b",", b"wp_remote_post", b"wp_", b"w", b"\x011\x01", b"\x0123\x01",
                 b"$a", b";", b"\n"]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(BRANCH_PIECES), max_size=40).map(b"".join))
def test_branches_match_as_the_one_pattern(text: bytes) -> None:
    for split in BRANCHES:
        one = re.compile(split.pattern)
        assert _seen(split.search(text)) == _seen(one.search(text))
        assert _all_seen(split, text) == _all_seen(one, text)


def test_branches_search_prefers_the_first_alternative_at_one_offset() -> None:
    split = rx.Branches((rb"ab", rb"a"), rb"(b*)")
    one = re.compile(split.pattern)
    for text in (b"abbb", b"xab", b"ab", b"a", b"b"):
        assert _seen(split.search(text)) == _seen(one.search(text))
    assert _seen(split.search(b"xabb")) == ((1, 4), (b"b",))  # "ab", then b*
    with pytest.raises(ValueError, match="group"):
        rx.Branches((rb"(a)", rb"b"), rb"c")
