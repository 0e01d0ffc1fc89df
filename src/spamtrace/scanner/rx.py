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
    """``re.compile`` of a pattern with possessive repeats, on this Python (:func:`tight`)."""
    return tight(possessive(pattern), flags)


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


# --------------------------------------------------------------------- repeats made possessive
# (what PCRE does by itself, "auto-possessification"; Python's engine does not)


def _mask(chars: bytes) -> int:
    return sum(1 << b for b in set(chars))


_ALL = (1 << 256) - 1  # sets of bytes: bit b for byte b
_DIGITS = _mask(b"0123456789")
_SPACES = _mask(b" \t\n\r\f\v")
_WORDS = _mask(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")

#: what may follow a point of a pattern: (a superset of the bytes its next character may be,
#: whether it may match nothing, whether a zero-width test (\b, $, a look-around, an unknown
#: item) lies on a path that matches nothing)
_Follow = tuple[int, bool, bool]
_END: _Follow = (0, True, False)
_UNKNOWN: _Follow = (_ALL, True, True)
_CATEGORIES: dict[Any, int] = {}
_CASE_OR_LOCALE = int(re.IGNORECASE | re.LOCALE)


def _one_char(op: Any, av: Any, c: Any) -> int | None:
    """A superset of the bytes the item ``(op, av)`` of a bytes pattern matches when it is
    one character (a literal, a class, ``.``), else None."""
    if op is c.LITERAL:
        return 1 << av  # type: ignore[no-any-return]
    if op is c.NOT_LITERAL:
        return _ALL & ~(1 << av)  # type: ignore[no-any-return]
    if op is c.ANY:
        return _ALL
    if op is not c.IN:
        return None
    if not _CATEGORIES:
        _CATEGORIES.update({
            c.CATEGORY_DIGIT: _DIGITS, c.CATEGORY_NOT_DIGIT: _ALL & ~_DIGITS,
            c.CATEGORY_SPACE: _SPACES, c.CATEGORY_NOT_SPACE: _ALL & ~_SPACES,
            c.CATEGORY_WORD: _WORDS, c.CATEGORY_NOT_WORD: _ALL & ~_WORDS,
        })  # fmt: skip
    found = 0
    negate = False
    for sop, sav in av:
        if sop is c.NEGATE:
            negate = True
        elif sop is c.LITERAL:
            found |= 1 << sav
        elif sop is c.RANGE:
            found |= ((1 << (sav[1] + 1)) - 1) & ~((1 << sav[0]) - 1)
        elif sop is c.CATEGORY and sav in _CATEGORIES:
            found |= _CATEGORIES[sav]
        else:
            return None
    return _ALL & ~found if negate else found


def _then(first: _Follow, after: _Follow) -> _Follow:
    """What may follow before an item that ``first`` describes, ``after`` after it."""
    chars, empty, test = first
    if not empty:
        return first
    return chars | after[0], after[1], test or after[2]


def _item_follow(op: Any, av: Any, c: Any) -> _Follow:
    chars = _one_char(op, av, c)
    if chars is not None:
        return chars, False, False
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return 0, True, True
    if op is c.SUBPATTERN:
        if (av[1] | av[2]) & _CASE_OR_LOCALE:
            return _UNKNOWN
        return _seq_follow(av[3], c)
    if op is c.ATOMIC_GROUP:
        return _seq_follow(av, c)
    if op is c.BRANCH:
        chars, empty, test = 0, False, False
        for alt in av[1]:
            a_chars, a_empty, a_test = _seq_follow(alt, c)
            chars, empty, test = chars | a_chars, empty or a_empty, test or a_test
        return chars, empty, test
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        chars, empty, test = _seq_follow(av[2], c)
        return chars, empty or av[0] == 0, test
    return _UNKNOWN  # a back reference, a conditional group: anything


def _seq_follow(items: Any, c: Any, after: _Follow = _END) -> _Follow:
    follow = after
    for op, av in reversed(items.data):
        follow = _then(_item_follow(op, av, c), follow)
    return follow


def _tighten(items: Any, after: _Follow, c: Any, changed: list[int]) -> _Follow:
    """Make possessive, in the parsed sequence ``items`` (followed by what ``after``
    describes), each greedy repeat of one character whose giving back can never help: what
    follows cannot start with a byte it takes, and cannot match nothing through a zero-width
    test (``\\w+\\b``: left alone). A shorter split leaves such a byte next, where what
    follows fails, so the regex engine's tries of them all fail: the same matches. Counts
    the changes in ``changed[0]``; returns what may follow before ``items``."""
    data = items.data
    follow = after
    for i in range(len(data) - 1, -1, -1):
        op, av = data[i]
        chars = _one_char(op, av, c)
        if chars is not None:
            follow = chars, False, False
        elif op is c.MAX_REPEAT and len(av[2].data) == 1 and (
            (chars := _one_char(av[2].data[0][0], av[2].data[0][1], c)) is not None
        ):
            if not chars & follow[0] and not (follow[1] and follow[2]):
                data[i] = (c.POSSESSIVE_REPEAT, av)
                changed[0] += 1
            follow = _then((chars, av[0] == 0, False), follow)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            body = _seq_follow(av[2], c)  # after the body: the body again, or what follows
            _tighten(av[2], (body[0] | follow[0], follow[1], follow[2] or body[2]), c, changed)
            follow = _then((body[0], body[1] or av[0] == 0, body[2]), follow)
        elif op is c.SUBPATTERN and not (av[1] | av[2]) & _CASE_OR_LOCALE:
            follow = _tighten(av[3], follow, c, changed)
        elif op is c.ATOMIC_GROUP:  # its first match is kept: nothing follows inside
            follow = _then(_tighten(av, _END, c, changed), follow)
        elif op is c.BRANCH:
            chars, empty, test = 0, False, False
            for alt in av[1]:
                a_chars, a_empty, a_test = _tighten(alt, follow, c, changed)
                chars, empty, test = chars | a_chars, empty or a_empty, test or a_test
            follow = chars, empty, test
        else:
            follow = _then(_item_follow(op, av, c), follow)
    return follow


def _parsed(pattern: bytes, flags: int) -> tuple[Any, int]:
    """The parse of ``pattern`` with the repeats :func:`tight` makes possessive so, and how
    many (none where the pattern ignores case or reads the locale)."""
    parser, c = sre()
    tree = parser.parse(pattern, flags)
    if (flags | tree.state.flags) & _CASE_OR_LOCALE:
        return tree, 0
    changed = [0]
    _tighten(tree, _END, c, changed)
    return tree, changed[0]


def tightened(pattern: bytes, flags: int = 0) -> Any | None:
    """The parse of ``pattern`` as :func:`tight` compiles it where a repeat was made
    possessive, else None (also before Python 3.11: no possessive repeats)."""
    if not _NATIVE:
        return None
    tree, changed = _parsed(pattern, flags)
    return tree if changed else None


# what re.compile compiles a parse with: private, so used only on the Pythons whose
# internals were checked (3.11-3.13); any other compiles with re.compile itself
if (3, 11) <= sys.version_info[:2] <= (3, 13):
    import _sre  # type: ignore[import-not-found]
    from re import _compiler  # type: ignore[attr-defined]
else:  # pragma: no cover - Python 3.10, or one whose internals may differ
    _sre = _compiler = None


#: (pattern, flags) -> the pattern's leading words (:func:`leading_words`); :func:`tight`
#: records them from the parse it compiles, so that they need no parse of their own
LEADING: dict[tuple[bytes, int], tuple[bytes, ...] | None] = {}


_MIN_LEADING = 3  # shorter words occur too often: the regex engine's own scan is faster


def leading_words(rx: re.Pattern[bytes]) -> tuple[bytes, ...] | None:
    """Literal words one of which starts every match of ``rx`` (after zero-width assertions
    such as a look-behind), or None when there is no such short list."""
    key = (rx.pattern, rx.flags)
    if key not in LEADING:
        words: tuple[bytes, ...] | None = None
        if not rx.flags & re.IGNORECASE:
            try:
                words = _leading_of(sre()[0].parse(rx.pattern, rx.flags))
            except Exception:  # an unexpected parse tree: let the regex search
                words = None
        LEADING[key] = words
    return LEADING[key]


def _leading_of(parsed: Any) -> tuple[bytes, ...] | None:
    """:func:`leading_words` of a parse (its repeats made possessive or not: the same)."""
    c = sre()[1]
    items = list(parsed)
    words: frozenset[bytes] | None = None
    if not parsed.state.flags & re.IGNORECASE:
        words = _first_literals(items)
    # one word and no look-behind: the engine's own literal-prefix scan is faster
    if words is not None and len(words) < 2 and items[0][0] is c.LITERAL:
        words = None
    if words and min(map(len, words)) < _MIN_LEADING:
        words = None
    return tuple(sorted(words)) if words else None


def _first_literals(items: list[Any]) -> frozenset[bytes] | None:
    """The literal words that begin every match of the parsed sequence ``items``."""
    c = sre()[1]

    i = 0
    while i < len(items) and items[i][0] in (c.ASSERT, c.ASSERT_NOT, c.AT):
        i += 1  # zero-width (a look-around, \b): the match still starts at the next item
    run = bytearray()
    while i < len(items) and items[i][0] is c.LITERAL:
        run.append(items[i][1])
        i += 1
    if run:
        return frozenset([bytes(run)])
    if i >= len(items):
        return None
    op, av = items[i]
    if op is c.SUBPATTERN:
        if (av[1] | av[2]) & c.SRE_FLAG_IGNORECASE:
            return None
        return _first_literals(list(av[3]))
    if op is c.BRANCH:
        alts = [_first_literals(list(b)) for b in av[1]]
        if any(a is None for a in alts):
            return None
        return frozenset().union(*alts)  # type: ignore[arg-type]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        # (?:mb_)?parse_str: a match starts with the repeated part, or (none of it) the rest
        body = _first_literals(list(av[2]))
        if body is None or av[0] >= 1:
            return body
        rest = _first_literals(items[i + 1 :])
        return None if rest is None else body | rest
    return None


def tight(pattern: bytes, flags: int = 0) -> re.Pattern[bytes]:
    """``re.compile(pattern, flags)``, with each greedy repeat of one character that what
    follows it can never start with made possessive (:func:`_tighten`): ``\\$(\\w+)\\s*=``
    matches as ``\\$(\\w++)\\s*+=``. The same matches, without the regex engine giving
    back the name one byte at a time at each "$" where no "=" follows. The pattern keeps
    its text (``.pattern``); compiled as ``re.compile`` does, from the changed parse (parsed
    once). ``re.compile`` itself where this Python's internals differ (3.10)."""
    if not _NATIVE or _compiler is None:
        return re.compile(pattern, flags)
    tree, _changed = _parsed(pattern, flags)
    try:
        # its leading words, from this parse: a repeat made possessive reads as it was
        key = (pattern, flags | tree.state.flags)
        if key not in LEADING and not key[1] & re.IGNORECASE:
            try:
                LEADING[key] = _leading_of(tree)
            except Exception:  # an unexpected parse tree: let the regex search
                LEADING[key] = None
        code = _compiler._code(tree, flags)
        groupindex = tree.state.groupdict
        indexgroup: list[str | None] = [None] * tree.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        compiled: re.Pattern[bytes] = _sre.compile(
            pattern, flags | tree.state.flags, code, tree.state.groups - 1, groupindex,
            tuple(indexgroup),
        )
    except (AttributeError, TypeError):  # pragma: no cover - another Python's internals
        return re.compile(pattern, flags)
    return compiled
