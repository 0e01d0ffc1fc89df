"""Possessive repeats (``X*+``, ``X++``: match as many as there are, never give one back) on
every Python the project supports: the scanner's patterns use them so that a hostile file
cannot make the regex engine try every split of a long run. Python's ``re`` reads them from
3.11 on; on 3.10 :func:`possessive` rewrites a pattern's possessive repeats in 3.10's
syntax with the same matches: a repeat of one character (a literal, an escape, a class,
``.``) becomes the greedy repeat that no further such character may follow (``X*(?!X)``,
exactly possessive); a repeat of a group becomes greedy (the scanner's group repeats are
followed by what the group cannot start with, where the two read the same)."""

from __future__ import annotations

import heapq
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any

_NATIVE = sys.version_info >= (3, 11)


def possessive(pattern: bytes) -> bytes:
    """``pattern`` as this Python's ``re`` reads it (unchanged from 3.11 on)."""
    return pattern if _NATIVE else rewrite(pattern)


def rewrite(pattern: bytes) -> bytes:
    """``pattern`` with its possessive repeats written without the possessive syntax."""
    out = bytearray()
    atom: bytes | None = None  # the last single-character atom, None after a group or none
    starts: list[int] = []  # where the open groups start in ``out``
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i : i + 1]
        if c == b"\\":
            j = i + 2
            if pattern[i + 1 : i + 2] == b"x":
                j = i + 4
            atom = pattern[i:j]
            out += atom
            i = j
        elif c == b"[":
            j = i + 1
            if pattern[j : j + 1] == b"^":
                j += 1
            if pattern[j : j + 1] == b"]":
                j += 1
            while j < n and pattern[j : j + 1] != b"]":
                j += 2 if pattern[j : j + 1] == b"\\" else 1
            atom = pattern[i : j + 1]
            out += atom
            i = j + 1
        elif c == b"(":
            starts.append(len(out))
            out += c
            atom = None
            i += 1
        elif c == b")":
            if starts:
                starts.pop()
            out += c
            atom = None
            i += 1
        elif c in (b"*", b"+", b"?") or (c == b"{" and _repeat_end(pattern, i) > 0):
            j = i + 1 if c != b"{" else _repeat_end(pattern, i)
            out += pattern[i:j]
            if pattern[j : j + 1] == b"+":  # possessive
                if atom is not None and c in (b"*", b"+"):
                    out += b"(?!" + atom + b")"
                j += 1
            elif pattern[j : j + 1] == b"?":  # lazy
                out += b"?"
                j += 1
            atom = None
            i = j
        else:
            atom = c if c not in (b"|", b"^", b"$") else None
            out += c
            i += 1
    return bytes(out)


def _repeat_end(pattern: bytes, i: int) -> int:
    """The offset after ``{m}``, ``{m,}``, ``{,n}`` or ``{m,n}`` at ``i``, else 0."""
    j = pattern.find(b"}", i)
    if j < 0:
        return 0
    body = pattern[i + 1 : j]
    digits = body.replace(b",", b"", 1)
    return j + 1 if body and (digits == b"" or digits.isdigit()) else 0


def compile_possessive(pattern: bytes, flags: int = 0) -> re.Pattern[bytes]:
    """``re.compile`` of a pattern with possessive repeats, on this Python."""
    return re.compile(possessive(pattern), flags)


def sre() -> tuple[Any, Any]:
    """The regex parser and its constants, which the prerequisites of rules read patterns
    with (``re._parser`` and ``re._constants``; ``sre_parse`` and ``sre_constants`` before
    3.11)."""
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_constants as _constants
        import sre_parse as _parser
    return _parser, _constants


class Branches:
    r"""The pattern ``(?:P1|P2|...)REST`` compiled as one pattern per alternative
    (``P1 REST``, ``P2 REST``...), each alternative starting with a literal: Python's regex
    engine looks for a pattern's literal start with a fast search, but tries a pattern that
    starts with an alternation at every offset where one of its branches may start (on a
    file's code, ``(?:->\s*post|wp_remote_post)\s*\(`` took six times as long as the two
    patterns apart). :meth:`search` gives the one pattern's first match (the leftmost of
    the alternatives' first matches; at one offset the first alternative, as the engine
    tries them). :meth:`finditer` gives its matches when no match of one alternative can
    overlap a match of another (no alternative's match holds the first byte of another
    alternative): the caller's to show; the tests compare both with the one pattern. The
    alternatives have no groups of their own, so REST's groups keep their numbers."""

    def __init__(self, alternatives: Sequence[bytes], rest: bytes, flags: int = 0) -> None:
        for alt in alternatives:
            if re.compile(alt, flags).groups:
                raise ValueError(f"an alternative with a group: {alt!r}")
        #: the one pattern they stand for
        self.pattern = b"(?:" + b"|".join(alternatives) + b")" + rest
        self.each = tuple(re.compile(alt + rest, flags) for alt in alternatives)

    def search(self, text: bytes, pos: int = 0) -> re.Match[bytes] | None:
        first: re.Match[bytes] | None = None
        for rx in self.each:
            m = rx.search(text, pos)
            if m is not None and (first is None or m.start() < first.start()):
                first = m
        return first

    def finditer(self, text: bytes) -> Iterator[re.Match[bytes]]:
        return heapq.merge(*(rx.finditer(text) for rx in self.each), key=_start)


def _start(m: re.Match[bytes]) -> int:
    return m.start()
