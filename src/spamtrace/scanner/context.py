"""What every rule reads of one file: the lexed view (:class:`Ctx`), the literal words
present (the gate), bounded regex helpers, calls and their arguments, literal concatenations,
variable assignments, and the patterns several families share.

A rule that belongs to one family lives in ``features/<family>.py``; a helper moves here only
once a second family uses it.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from spamtrace.safetext import escape
from spamtrace.scanner import decode
from spamtrace.scanner.lexer import STR_MARK, Lexed, find
from spamtrace.scanner.prereq import regex_prereq
from spamtrace.scanner.rules import GateWords, Rule, YaraWords, builtin_macro
from spamtrace.scanner.rx import LEADING, compile_possessive, possessive, tight
from spamtrace.scanner.rx import leading_words as leading_words  # used from here too

MAX_PAYLOADS = 12


MAX_DECODE_CANDIDATES = 48


EXCERPT_LEN = 120


class BudgetExceeded(Exception):
    """Raised by a ``check`` callable when a file's time budget is spent."""


# Bytes that, just before a name, mean it is not a plain function call (a method, a static
# call, a variable, part of a longer name). Regexes start with the name itself (a literal
# prefix the regex engine scans for quickly) and this is checked afterwards, instead of a
# leading look-behind that would make every position a candidate.
NOT_CALL_BEFORE = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_$>:") | frozenset(
    range(0x80, 0x100)
)


def bounded_finditer(
    rx: re.Pattern[bytes],
    buf: bytes,
    limit: int = 100000,
    *,
    pos: int = 0,
    first: Callable[[bytes], int] | None = None,
) -> Iterator[re.Match[bytes]]:
    """``rx.finditer`` keeping only matches not preceded by a name byte, ``$``, ``->``, ``::``.
    ``first(word)``, if given, is ``buf.find(word)`` (known or remembered)."""
    n = 0
    words = leading_words(rx)
    search: Callable[[int], re.Match[bytes] | None] = (
        functools.partial(rx.search, buf)
        if words is None
        else word_searcher(rx, buf, words, first, NOT_CALL_BEFORE)
    )
    while n < limit:
        m = search(pos)
        if m is None:
            return
        start = m.start()
        if start and buf[start - 1] in NOT_CALL_BEFORE:
            pos = start + 1
            continue
        n += 1
        yield m
        pos = max(m.end(), start + 1)


def bounded_search(
    rx: re.Pattern[bytes], buf: bytes, first: Callable[[bytes], int] | None = None
) -> re.Match[bytes] | None:
    return next(bounded_finditer(rx, buf, first=first), None)


PLACEHOLDER = tight(rb"\x01(\d+)\x01")


S = rb"\x01\d+\x01"


_UIN = rb"(?:\$_(?:get|post|request|cookie|files)\b|\$http_(?:post|get)_vars|php://input)"


UIN_RE = tight(_UIN)


_NAME = rb"[a-z_\x80-\xff][\w\x80-\xff]*"


# the same, possessive: where a name is followed by something that cannot continue it (space,
# "[", "(", "=", "."), giving back name bytes can never help a match, so do not try
NAME_P = possessive(rb"[a-z_\x80-\xff][\w\x80-\xff]*+")


_T = TypeVar("_T")


def per_file(key: str) -> Callable[[Callable[[Ctx], _T]], Callable[[Ctx], _T]]:
    """Decorator of a fact about the file that several rules ask for: worked out once per
    file (per ``Ctx``) and kept in ``ctx.cache[key]``. An exception (the time limit) keeps
    nothing."""

    def wrap(compute: Callable[[Ctx], _T]) -> Callable[[Ctx], _T]:
        @functools.wraps(compute)
        def once(ctx: Ctx) -> _T:
            cache = ctx.cache
            if key in cache:
                found: _T = cache[key]
                return found
            value = cache[key] = compute(ctx)
            return value

        return once

    return wrap


@dataclass(slots=True)
class Ctx:
    data: bytes
    name: str
    lx: Lexed
    layer: int
    check: Callable[[], None]
    yara: YaraWords | None
    gates: GateWords | None = None
    gate_words: frozenset[bytes] = frozenset()
    cache: dict[str, Any] = field(default_factory=dict)
    prereqs: dict[str, tuple[frozenset[bytes], ...]] = field(default_factory=dict)

    @property
    def code(self) -> bytes:
        return self.lx.code

    def first(self, word: bytes) -> int:
        """``code.find(word)``, remembered; -1 at once for a gate word known absent."""
        memo: dict[bytes, int] | None = self.cache.get("first")
        if memo is None:
            memo = self.cache["first"] = {}
        pos = memo.get(word)
        if pos is None:
            firsts: dict[bytes, int] | None = self.cache.get("firsts")
            if firsts is not None and word in self.gate_words:
                pos = firsts.get(word, -1)  # the gate pass's index: where each word first is
            else:
                pos = find(self.code, word)
            memo[word] = pos
        return pos

    def line_of_code(self, pos: int) -> int:
        return self.code.count(b"\n", 0, pos) + 1 if self.layer == 0 else 0

    def line_of_string(self, idx: int) -> int:
        pos = find(self.code, b"\x01%d\x01" % idx)
        return self.line_of_code(pos) if pos >= 0 else 0

    def restore(self, chunk: bytes) -> bytes:
        def repl(m: re.Match[bytes]) -> bytes:
            idx = int(m.group(1))
            if idx >= len(self.lx.raw_strings):
                return b"''"
            val = self.lx.value(idx)
            return b"'" + (val[:40] + b"..." if len(val) > 40 else val) + b"'"

        return PLACEHOLDER.sub(repl, chunk)

    def excerpt_code(self, start: int, end: int) -> str:
        code = self.code
        end = min(end, start + 400)
        if code.count(b"\x01", start, end) % 2:
            # a cut through a placeholder: widen to whole placeholders so restore() sees them
            back = code.rfind(b"\x01", max(0, start - 12), start)
            inside = code[back + 1 : start].isdigit() or (
                back + 1 == start and code[start : start + 1].isdigit()
            )
            if back >= 0 and inside:
                start = back
        if code.count(b"\x01", start, end) % 2:
            nxt = find(code, b"\x01", end, end + 12)
            end = nxt + 1 if nxt >= 0 else code.rfind(b"\x01", start, end)
        chunk = self.restore(code[start:end])
        if self.layer == 0:
            # show the original text (case, quotes) when the match can be found on its line
            line = self.line_of_code(start)
            lines = _data_lines(self)
            # the code has its strings in single quotes, and its literals restored in their
            # own case (`'MAIL FROM:<'`): compare with the line's lower-cased as such
            key = b" ".join(chunk.split()).replace(b'"', b"'").lower()[:12]
            # a statement broken over lines has the line of its start in the code (the
            # lexer joins it): the match may be on one of its next lines
            for span in (1, _STATEMENT_LINES) if key and 0 < line <= len(lines) else ():
                src = b" ".join(lines[line - 1 : line - 1 + span])
                at = b" ".join(src.lower().split()).replace(b'"', b"'").find(key)
                if at >= 0:
                    flat = b" ".join(src.split())
                    return excerpt(flat[at : at + max(len(chunk), 40)])
            if self.cache.get("view") and 0 < line <= len(lines):
                # found in the code with rewrites undone: the file's own line, as written
                return excerpt(b" ".join(lines[line - 1].split()))
        return excerpt(chunk)


_STATEMENT_LINES = 12  # lines of a broken statement searched for an excerpt's original text


@per_file("lines")
def _data_lines(ctx: Ctx) -> list[bytes]:
    return ctx.data.split(b"\n")


def excerpt(raw: bytes) -> str:
    text = raw[: EXCERPT_LEN * 2].decode("utf-8", "replace")
    text = " ".join(text.split())
    return escape(text, max_len=EXCERPT_LEN)


@dataclass(frozen=True, slots=True)
class Hit:
    line: int
    excerpt: str


# ------------------------------------------------------------------------------------ helpers
_JOIN_SLICE = 1 << 14


@per_file("text")
def string_text(ctx: Ctx) -> bytes:
    """All raw literal bodies + inline HTML, lower-cased, joined by NUL."""
    parts = ctx.lx.raw_strings
    # joined in slices: bytes.join holds an 80-byte buffer view per item (320 MB for the
    # four million literals of a padded file)
    step = _JOIN_SLICE
    slices = [b"\x00".join(parts[i : i + step]) for i in range(0, len(parts), step)]
    return b"\x00" + b"\x00".join([*slices, ctx.lx.html]).lower()


@per_file("starts")
def _string_starts(ctx: Ctx) -> list[int]:
    lengths = map((1).__add__, map(len, ctx.lx.raw_strings))  # each body and its NUL
    return list(itertools.accumulate(lengths, initial=1))


def string_at(ctx: Ctx, offset: int) -> int:
    """Index of the literal that holds ``offset`` of :func:`_string_text` (-1: inline HTML)."""
    idx = bisect.bisect_right(_string_starts(ctx), offset) - 1
    return idx if idx < len(ctx.lx.raw_strings) else -1


def string_hit(
    ctx: Ctx, m: re.Match[bytes], *, span: int | None = None, shown: bytes | None = None
) -> Hit:
    """The hit of a match ``m`` in :func:`string_text`: on the line of the literal that holds
    its start (of the file's first literal when it starts in the inline HTML), showing the
    match, or the ``span`` bytes of the text from its start, or ``shown``."""
    if shown is None:
        shown = m.group(0) if span is None else m.string[m.start() : m.start() + span]
    return Hit(ctx.line_of_string(max(0, string_at(ctx, m.start()))), excerpt(shown))


def literals_holding(ctx: Ctx, words: Collection[bytes], limit: int) -> list[int]:
    """The indexes, in order, of the literals (of the first ``limit``) whose value,
    lower-cased, may hold one of ``words`` (lower case, none with a backslash or a quote):
    those with an escape (their value is not their body) and those whose body holds one.
    The value of any other literal is its body, less the backslash of a single-quoted
    ``\\\\`` or ``\\'``, so a word in it is in the body too: a rule that reads only the
    literals that name something need not make and search the value of every literal."""
    n = min(len(ctx.lx.raw_strings), limit)
    found = {i for i in ctx.lx.escaped if i < n}
    text = string_text(ctx)  # the bodies (then the inline HTML), lower-cased, in order
    for word in words:
        at = find(text, word)
        while at >= 0:
            i = string_at(ctx, at)
            if not 0 <= i < n:
                break  # past the literals looked at (later offsets are too)
            found.add(i)
            at = find(text, word, at + 1)
    return sorted(found)


def pattern_words(*patterns: re.Pattern[bytes]) -> tuple[bytes, ...]:
    """Words of which every match of any of ``patterns`` holds one: the first set
    :func:`prereq.regex_prereq` derives from each, joined (sorted); () when a pattern has
    none (every literal may then match)."""
    words: set[bytes] = set()
    for rx in patterns:
        needs = regex_prereq(rx)
        if not needs:
            return ()
        words |= needs[0]
    return tuple(sorted(words))


def literals_matching(ctx: Ctx, words: tuple[bytes, ...], limit: int) -> Iterable[int]:
    """The indexes, in order, of the literals (of the first ``limit``) whose value may match
    the patterns ``words`` came from (:func:`pattern_words`): :func:`literals_holding`, or
    every one of them when there are no words. A rule that searches the values of the
    literals for a file name makes and searches only these."""
    if not words:
        return range(min(len(ctx.lx.raw_strings), limit))
    return literals_holding(ctx, words, limit)


# Substring tests on bytes are written ``find(hay, sub) >= 0`` (``lexer.find``: the compiled
# search, ~20 times as fast as ``hay.find(sub)`` where a file's code does not hold ``sub``),
# or with a byte value (``_DOT in code``): ``sub in hay`` with a bytes ``sub`` first tries it
# as an integer, and the TypeError raised and cleared inside costs more than a short search.
DOT, SPACE = 46, 32


@per_file("uses")
def _uses(ctx: Ctx) -> frozenset[str]:
    found = set()
    if has_word(ctx, b"str_rot13"):
        found.add("rot13")
    if has_word(ctx, b"strrev"):
        found.add("strrev")
    if has_word(ctx, b"urldecode"):
        found.add("url")
    return frozenset(found)


# ------------------------------------------------------------------------------------ features
FeatureFn = Callable[[Ctx, Rule], "Hit | None"]


FEATURES: dict[str, FeatureFn] = {}


def feature(name: str) -> Callable[[FeatureFn], FeatureFn]:
    def deco(fn: FeatureFn) -> FeatureFn:
        FEATURES[name] = fn
        return fn

    return deco


BonusFn = Callable[[Ctx], bool]
#: conditions named by a rule's ``small_bonus_if``: its finding counts towards
#: php.small-single-purpose only in a file where the condition holds
BONUS_CONDITIONS: dict[str, BonusFn] = {}


def bonus_condition(name: str) -> Callable[[BonusFn], BonusFn]:
    def deco(fn: BonusFn) -> BonusFn:
        BONUS_CONDITIONS[name] = fn
        return fn

    return deco


VAR = tight(rb"\$(" + _NAME + rb")")
#: a whole name as the lexer reads it (what :data:`VAR`'s group and :data:`NAME_P` match)
WHOLE_NAME = tight(_NAME)


_NAMED: dict[bytes, re.Pattern[bytes]] = {}  # search_named's patterns, by their rest


def search_named(rest: bytes, text: bytes, name: bytes) -> re.Match[bytes] | None:
    """``re.search(rb"\\$(" + re.escape(name) + rb")" + rest, text)``: the first place where
    ``$name`` is followed by what the pattern ``rest`` matches, without a pattern compiled
    per name (~100 us each, in each worker; a scan meets thousands of names). ``rest`` must
    not match a byte of a name first (it starts with a space, "=", a bracket...): where
    ``name`` is a whole name (:data:`WHOLE_NAME`), the name run after such a "$" is then
    ``name`` exactly, and ``$(NAME_P)`` + ``rest`` tried at each "$name" with group 1 read
    gives the same first match. Any other ``name`` is searched with its own pattern."""
    if WHOLE_NAME.fullmatch(name) is None:
        return re.search(rb"\$(" + re.escape(name) + rb")" + rest, text)
    rx = _NAMED.get(rest)
    if rx is None:
        rx = _NAMED[rest] = re.compile(rb"\$(" + NAME_P + rb")" + rest)
    needle = b"$" + name
    at = find(text, needle)
    while at >= 0:
        m = rx.match(text, at)
        if m is not None and m.group(1) == name:
            return m
        at = find(text, needle, at + 1)
    return None


SINK_VARCALL = compile_possessive(rb"\$(" + NAME_P + rb")\s*+(?:\[[^\]\n]{0,40}\]\s*)?\(")


# the same without an index between the name and "(": ``$f(...)``
BUILT_VARCALL = compile_possessive(rb"\$(" + NAME_P + rb")\s*+\(")


# a call on a parenthesized expression's result: (...)(...)
PAREN_CALL = tight(rb"\)\s*\(")


def _varcall_py(code: bytes, pos: int, brackets: bool = True, bounded: bool = True) -> int:
    """Offset of the first match of :data:`SINK_VARCALL` (``brackets``) or
    :data:`BUILT_VARCALL` from ``pos`` that :func:`bounded_finditer` keeps (``bounded``;
    else the first match, as ``rx.search(code, pos)`` finds it), or -1: the reference for
    ``_lexer.varcall``."""
    rx = SINK_VARCALL if brackets else BUILT_VARCALL
    m = next(bounded_finditer(rx, code, pos=pos), None) if bounded else rx.search(code, pos)
    return m.start() if m is not None else -1


def _paren_call_py(code: bytes, pos: int) -> int:
    """The same for :data:`PAREN_CALL`: the reference for ``_lexer.paren_call``."""
    m = next(bounded_finditer(PAREN_CALL, code, pos=pos), None)
    return m.start() if m is not None else -1


try:  # compiled (see _lexer.c); the Python ones where it was not built
    from spamtrace.scanner._lexer import paren_call as _paren_call
    from spamtrace.scanner._lexer import varcall as _varcall
except ImportError:  # pragma: no cover - exercised by the tests through the _py functions
    _varcall = _varcall_py
    _paren_call = _paren_call_py


def varcalls(
    code: bytes, limit: int = 100000, *, pos: int = 0, brackets: bool = True
) -> Iterator[re.Match[bytes]]:
    """``bounded_finditer(SINK_VARCALL, code, limit, pos=pos)`` (``BUILT_VARCALL`` when not
    ``brackets``): the same matches, each start found by a compiled scan."""
    rx = SINK_VARCALL if brackets else BUILT_VARCALL
    for _ in range(limit):
        start = _varcall(code, pos, brackets)
        if start < 0:
            return
        m = rx.match(code, start)
        assert m is not None
        yield m
        pos = max(m.end(), start + 1)


def paren_calls(code: bytes, limit: int = 100000) -> Iterator[re.Match[bytes]]:
    """``bounded_finditer(PAREN_CALL, code, limit)``, each start found by a compiled scan."""
    pos = 0
    for _ in range(limit):
        start = _paren_call(code, pos)
        if start < 0:
            return
        m = PAREN_CALL.match(code, start)
        assert m is not None
        yield m
        pos = max(m.end(), start + 1)


@per_file("varcall-any")
def any_varcall_at(ctx: Ctx) -> int:
    """Where the code's first match of :data:`BUILT_VARCALL` (``$f(``, wherever it is, also
    after ``$`` or ``->``) starts, -1 when it has none: ``BUILT_VARCALL.search(ctx.code)``,
    found by a compiled scan (the regex engine tried its pattern at every "$" of the code)."""
    return _varcall(ctx.code, 0, False, False)


@per_file("varcall")
def first_varcall(ctx: Ctx) -> re.Match[bytes] | None:
    """``bounded_search(_SINK_VARCALL, code)``: the first variable called as a function,
    looked for once per file (several features start from it)."""
    return next(varcalls(ctx.code), None)


def interpolated(ctx: Ctx, args: bytes, *, keep_plain: bool = False) -> bytes:
    """``args`` with double-quoted/heredoc placeholders replaced by their text (PHP
    interpolates ``$var`` there); single-quoted ones become a space, or stay placeholders
    with ``keep_plain`` (a request element's key: ``$_POST['email']``)."""
    if STR_MARK not in args:
        return args

    def repl(m: re.Match[bytes]) -> bytes:
        idx = int(m.group(1))
        if idx < len(ctx.lx.kinds) and ctx.lx.kinds[idx] in ("dq", "heredoc", "bq"):
            return b" " + ctx.lx.raw_strings[idx][:400].lower() + b" "
        return m.group() if keep_plain else b" "

    return PLACEHOLDER.sub(repl, args)


# the variable-independent alternatives of _ASSIGNED_TPL, each behind the word it starts
# with: the code has a match of the whole alternation iff one of them matches (each scan
# starts with a literal, which the regex engine finds quickly; it is skipped when the word
# is absent)
ASSIGNED_ANY_PARTS = (
    (b"include", tight(rb"include(?:_once)?\b")),
    (b"require", tight(rb"require(?:_once)?\b")),
    (b"${", tight(rb"\$\{\s*\x01")),
    (b"$$", tight(rb"\$\$")),
    (b"extract", tight(rb"extract\s*\(")),
    (b"parse_str", tight(rb"parse_str\s*\(")),
    (b"import_request_variables", tight(rb"import_request_variables")),
)


NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_") | frozenset(range(0x80, 0x100))


FILE_OP_NAMES_B = (
    b"unlink", b"rmdir", b"rename", b"copy", b"file_put_contents", b"move_uploaded_file",
    b"chmod", b"fopen", b"readfile", b"highlight_file", b"show_source",
)  # fmt: skip


TAIL_LITERAL = tight(rb"\s*=\s*\x01(\d+)\x01\s*;")


TAIL_RHS = tight(rb"\s*=(?![=>])([^;]{0,200})")


# a test that a value is one of the script's own names, or a cut to a bare file name
_VALUE_CHECKS = (b"in_array", b"array_key_exists", b"preg_match", b"basename", b"realpath",
                 b"ctype_alnum", b"ctype_alpha", b"switch", b"array_search")


def var_mentions(code: bytes, var: bytes, limit: int = 1 << 30, *, start: int = 0) -> Iterator[int]:
    """The start (the "$") of each mention of the variable ``$var`` in ``code`` as a whole
    name, left to right: each "$var" not followed by a byte of :data:`NAME_BYTES` (the bytes
    of a name as the lexer reads it, 0x80-0xff included: ``$to`` is not mentioned by
    ``$token`` nor by ``$to\xe9``), among the first ``limit`` occurrences of "$var" (those
    of a longer name counted too). Needs no regex built per name ("$" is in no name, so the
    occurrences never overlap). ``start``: where to begin."""
    needle = b"$" + var
    n = len(needle)
    at = find(code, needle, start)
    looks = 0
    while at >= 0 and looks < limit:
        looks += 1
        end = at + n
        if end >= len(code) or code[end] not in NAME_BYTES:
            yield at
        at = find(code, needle, end)


def checked_value(code: bytes, var: bytes) -> bool:
    """``$var`` is given to a check of the value (in_array, a pattern, basename(),
    realpath(), a switch) or compared to a literal somewhere in the file: a whitelist."""
    end_of = len(var) + 1
    for at in var_mentions(code, var, 200):
        end = at + end_of
        before = code[max(0, at - 60) : at]
        if any(before.rfind(w) >= 0 and before.find(b";", before.rfind(w)) < 0
               for w in _VALUE_CHECKS):  # fmt: skip
            return True
        after = code[end : end + 8].lstrip()
        if after.startswith((b"==", b"!=")) or before.rstrip().endswith((b"==", b"!=")):
            return True
    return False


_MAX_VAR_LOOKS = 5000  # occurrences of one variable examined (a file of 200,000 uses of $to)


def var_assigns(
    code: bytes, var: bytes, tail: re.Pattern[bytes], limit: int = 1 << 30
) -> list[tuple[int, re.Match[bytes]]]:
    """The first ``limit`` matches of ``\\$<var><tail>`` in ``code``, as ``re.finditer`` would
    find them (non-overlapping, left to right): (start of "$var", match of the tail), among
    the first :data:`_MAX_VAR_LOOKS` occurrences (:func:`var_mentions`: every tail starts
    with a blank or an operator, never a name byte, so "$var" of a longer name never takes
    one)."""
    out: list[tuple[int, re.Match[bytes]]] = []
    if limit <= 0:
        return out
    after = 0  # a mention inside the tail matched last is not looked at
    for pos in var_mentions(code, var, _MAX_VAR_LOOKS):
        if pos < after:
            continue
        m = tail.match(code, pos + len(var) + 1)
        if m is not None:
            out.append((pos, m))
            if len(out) >= limit:
                break
            after = m.end()
    return out


def expression(text: bytes) -> bytes:
    """The expression at the start of ``text``: up to a ``;`` or a closing bracket that it
    did not open (``$p = f()) { unlink($p);`` -> ``$p = f()``: an assignment inside a
    condition ends with the condition)."""
    return _balanced_prefix(text, 59, nested=True)  # ";"


def _balanced_prefix(text: bytes, stop: int, *, nested: bool) -> bytes:
    """``text`` up to a closing bracket that it did not open, or up to the byte ``stop``
    (outside brackets only, unless ``nested``)."""
    return text[: _balanced_end(text, stop, nested)]


def _balanced_end_py(text: bytes, stop: int, nested: bool) -> int:
    """Where :func:`_balanced_prefix` cuts ``text`` (``len(text)``: nowhere): the reference
    for ``_lexer.balanced_end``."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == stop and (nested or depth == 0):
            return i
        if ch in b"([{":
            depth += 1
        elif ch in b")]}":
            if depth == 0:
                return i
            depth -= 1
    return len(text)


def _top_args_py(args: bytes) -> list[bytes]:
    """:func:`top_args` in Python: the reference for ``_lexer.top_args``."""
    depth = 0
    last = 0
    out: list[bytes] = []
    for i, ch in enumerate(args):
        if ch in b"([{":
            depth += 1
        elif ch in b")]}":
            if depth == 0:
                out.append(args[last:i])
                return out
            depth -= 1
        elif ch == 44 and depth == 0:
            out.append(args[last:i])
            last = i + 1
    out.append(args[last:])
    return out


def _open_before_py(text: bytes, pos: int) -> tuple[int, int]:
    """:func:`open_before` in Python: the reference for ``_lexer.open_before``."""
    depth = 0
    for i in range(pos - 1, max(-1, pos - 400), -1):
        ch = text[i]
        if ch in (41, 93):  # ) ]
            depth += 1
        elif ch in (40, 91):  # ( [
            if depth == 0:
                return i, ch
            depth -= 1
    return -1, 0


def open_before(text: bytes, pos: int) -> tuple[int, int]:
    """The innermost bracket ("(" or "[") left open before ``pos`` (at most 399 bytes back):
    its offset and byte (-1, 0 when none)."""
    return _open_before(text, pos)


try:  # compiled (see _lexer.c): loops over every byte of an argument text, per call looked at
    from spamtrace.scanner._lexer import balanced_end as _balanced_end
    from spamtrace.scanner._lexer import open_before as _open_before
    from spamtrace.scanner._lexer import top_args as _top_args
except ImportError:  # pragma: no cover - exercised by the tests through the _py functions
    _balanced_end = _balanced_end_py
    _top_args = _top_args_py
    _open_before = _open_before_py


def braced(code: bytes, open_at: int, limit: int = 8000) -> bytes:
    """The ``{...}`` block whose "{" is at ``open_at`` (literals are placeholders, so their
    braces do not count), braces included; cut at ``limit`` bytes if it does not close."""
    end = min(len(code), open_at + limit)
    if code[open_at : open_at + 1] != b"{":
        return braced_scan(code, open_at, end)
    stop = _brace_end(code, open_at, end)  # compiled: one pass (a Python loop per "}" was
    return code[open_at : stop if stop >= 0 else end]  # most of function_bodies' time)


def _brace_end_py(code: bytes, open_at: int, end: int) -> int:
    """Where the ``{...}`` block whose "{" is at ``open_at`` closes (the offset after its
    "}"), looking no further than ``end``; -1 when it does not close by then: the reference
    for ``_lexer.brace_end``."""
    # from one "}" to the next, with the "{" between them counted at once: the depth is >= 1
    # before each "}" until the block closes, so it can reach 0 only at a "}"
    depth = 0
    pos = open_at
    while True:
        close = find(code, b"}", pos, end)
        if close < 0:
            return -1
        depth += code.count(b"{", pos, close) - 1
        if depth == 0:
            return close + 1
        pos = close + 1


try:  # compiled (see _lexer.c)
    from spamtrace.scanner._lexer import brace_end as _brace_end
except ImportError:  # pragma: no cover - exercised by the tests through the _py functions
    _brace_end = _brace_end_py


def brace_end(code: bytes, open_at: int, end: int) -> int:
    """Where the ``{...}`` block whose "{" is at ``open_at`` closes (the offset after its
    "}"), looking no further than ``end``; -1 when it does not close by then."""
    return _brace_end(code, open_at, end)


def braced_scan(code: bytes, open_at: int, end: int) -> bytes:
    """:func:`braced` brace by brace, up to ``end`` (the reference; and where ``open_at``
    holds no "{")."""
    depth = 0
    pos = open_at
    while pos < end:
        m = _BRACE.search(code, pos, end)
        if m is None:
            break
        depth += 1 if code[m.start()] == 123 else -1
        if depth == 0:
            return code[open_at : m.end()]
        pos = m.end()
    return code[open_at:end]


_BRACE = tight(rb"[{}]")


FUNC_DEF = tight(
    rb"function\s+&?\s*(" + NAME_P + rb")\s*\([^)]{0,300}\)\s*(?::\s*\??[\w\\]{1,60}\s*)?\{"
)


def function_body(ctx: Ctx, name: bytes) -> bytes | None:
    """The body of the function or method ``name`` (lower case) the file defines first, or
    None (also for what cannot be a function's name: an empty or spaced string given as a
    hook's callback). One search of the code per name and file."""
    bodies: dict[bytes, bytes | None] = ctx.cache.setdefault("function-body", {})
    if name in bodies:
        return bodies[name]
    body = None
    if _FUNC_NAME.fullmatch(name) is not None:
        # where ``function\s+&?\s*NAME(?![\w\x80-\xff])`` matches, as ``finditer`` finds
        # it, with no pattern compiled per name: at each "function", the name that follows
        # (all its name bytes) must be this one
        code = ctx.code
        at = find(code, b"function")
        while at >= 0:
            head = _FUNC_HEAD.match(code, at)
            if head is None or head.group(1) != name:
                at = find(code, b"function", at + 1)
                continue
            m = FUNC_DEF.match(code, at)
            if m is not None and m.group(1) == name:
                body = braced(code, m.end() - 1)
                break
            at = find(code, b"function", head.end())
    bodies[name] = body
    return body


_FUNC_NAME = tight(NAME_P)
_FUNC_HEAD = tight(rb"function\s+&?\s*([a-z_\x80-\xff][\w\x80-\xff]*)")
_FUNC_KEYWORD = tight(rb"function\s+")
_AMP_SPACE = tight(rb"&\s*")
_PARAM_LIST = tight(rb"\s*\(([^)]{0,300})\)")


def function_params(code: bytes, name: bytes) -> re.Match[bytes] | None:
    r"""The first match of ``function\s+&?\s*NAME\s*\(([^)]{0,300})\)`` in ``code`` (its
    end and the parameters' text, group 1), as ``re.search`` of that pattern finds it, with
    no pattern compiled per name: at each "function", NAME after its spaces, or after an
    "&" and the spaces that follow it."""
    if not name:
        return re.search(rb"function\s+&?\s*\s*\(([^)]{0,300})\)", code)
    at = find(code, b"function")
    while at >= 0:
        head = _FUNC_KEYWORD.match(code, at)
        if head is not None:
            starts = [head.end()]
            amp = _AMP_SPACE.match(code, head.end())
            if amp is not None:
                starts.append(amp.end())
            for start in starts:
                if code.startswith(name, start):
                    m = _PARAM_LIST.match(code, start + len(name))
                    if m is not None:
                        return m
        at = find(code, b"function", at + 1)
    return None


@per_file("function-bodies")
def function_bodies(ctx: Ctx) -> dict[bytes, bytes]:
    """The functions and methods the file defines (the first 300): name -> body, braces
    included (at most 8,000 bytes). The first definition of a name wins."""
    found: dict[bytes, bytes] = {}
    if ctx.first(b"function") >= 0:
        for m in itertools.islice(FUNC_DEF.finditer(ctx.code, ctx.first(b"function")), 300):
            found.setdefault(m.group(1), braced(ctx.code, m.end() - 1))
    return found


EXEC_NAMES_B = (
    b"system",
    b"exec",
    b"shell_exec",
    b"passthru",
    b"popen",
    b"proc_open",
    b"pcntl_exec",
)


EVAL_NAMES_B = (b"eval", b"assert", b"create_function")


@functools.cache
def assertion_rx() -> re.Pattern[bytes]:
    return re.compile(builtin_macro("ASSERTION").encode())


SINK_NAMES: dict[str, tuple[bytes, ...]] = {
    "eval": EVAL_NAMES_B,
    "exec": EXEC_NAMES_B,
    "mail": (b"mail", b"imap_mail", b"mb_send_mail"),
    "sql": (b"mysql_query", b"mysqli_query", b"mysql_db_query", b"pg_query", b"mssql_query",
            b"sqlite_query", b"mysql_unbuffered_query"),
    "dbconnect": (b"mysql_connect", b"mysqli_connect", b"mysql_pconnect", b"pg_connect",
                  b"mssql_connect"),
}  # fmt: skip


_CALLS_CACHED = 200  # calls kept per name in a file's cache (the largest limit asked for)


# what follows a called name: "(" and the argument text
_CALL_TAIL = tight(rb"\s*\(([^;]{0,200})")


def _calls_of_py(code: bytes, name: bytes, limit: int, start: int = 0) -> list[tuple[int, bytes]]:
    r"""The first ``limit`` plain calls of ``name`` (a function name) in ``code``: each
    occurrence found by a literal search, "(" and the argument text matched after it (what
    a regex ``name(?=\s*\(([^;]{0,200}))`` finds, without compiling one per name: a scan
    meets thousands of names, each regex ~100 us to compile in each worker, and the literal
    search is faster than the regex engine's scan too). A name starting inside the previous
    call's name follows a name byte, so it is never a plain call. ``start``: an offset no
    occurrence of the name comes before (the same matches as from 0). The reference for
    ``_lexer.calls_of``: one call per name asked, one loop per occurrence of it."""
    out: list[tuple[int, bytes]] = []
    if not name:
        return out  # no name: no call (a search for b"" would find every offset)
    n = len(name)
    at = find(code, name, start)
    while at >= 0:
        tail = _CALL_TAIL.match(code, at + n)
        if tail is None:
            at = find(code, name, at + 1)
            continue
        if not at or code[at - 1] not in NOT_CALL_BEFORE:
            out.append((at, tail.group(1)))
            if len(out) >= limit:
                break
        at = find(code, name, at + n)
    return out


try:  # compiled (see _lexer.c)
    from spamtrace.scanner._lexer import calls_of as _calls_of
except ImportError:  # pragma: no cover - exercised by the tests through the _py functions
    _calls_of = _calls_of_py


def find_calls(code: bytes, names: tuple[bytes, ...], limit: int = 200) -> list[tuple[int, bytes]]:
    """(offset, argument text) of plain calls to ``names`` (at most ``limit`` per name),
    sorted by offset."""
    out: list[tuple[int, bytes]] = []
    for name in names:
        out.extend(_calls_of(code, name, limit, 0))
    out.sort()
    return out


def calls_to(ctx: Ctx, names: tuple[bytes, ...], limit: int = 200) -> list[tuple[int, bytes]]:
    """:func:`find_calls` over the code, each name looked up once per file (several rules
    ask for the same names); the search starts at the name's first occurrence (a gate word
    known absent is not searched)."""
    if limit > _CALLS_CACHED:
        return find_calls(ctx.code, names, limit)
    asked: dict[tuple[tuple[bytes, ...], int], list[tuple[int, bytes]]]
    asked = ctx.cache.setdefault("calls-asked", {})
    done = asked.get((names, limit))
    if done is not None:  # several rules ask for the same names: the answer, copied
        return list(done)
    known: dict[bytes, list[tuple[int, bytes]]] = ctx.cache.setdefault("calls", {})
    present = present_words(ctx)
    gate_words = ctx.gate_words
    out: list[tuple[int, bytes]] = []
    for name in names:
        found = known.get(name)
        if found is None:
            if present is not None and name in gate_words and name not in present:
                found = known[name] = []  # a gate word known absent: no call of it
                continue
            first = ctx.first(name)
            found = [] if first < 0 else _calls_of(ctx.code, name, _CALLS_CACHED, first)
            known[name] = found
        if found:
            out.extend(found[:limit] if len(found) > limit else found)
    out.sort()
    asked[(names, limit)] = out
    return list(out)


def close_paren(text: bytes, opens: int = 40, closes: int = 41) -> int:
    """The offset in ``text`` of the ")" (or the ``closes`` byte) that closes a parenthesis
    (``opens``) opened just before it, ``len(text)`` if none does: the end of a condition, of
    a call's arguments, of a {...} block."""
    return _close_paren(text, opens, closes)


def _close_paren_py(text: bytes, opens: int = 40, closes: int = 41) -> int:
    """:func:`close_paren` in Python: the reference for ``_lexer.close_paren``."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == opens:
            depth += 1
        elif ch == closes:
            depth -= 1
            if depth < 0:
                return i
    return len(text)


try:  # compiled (see _lexer.c): a Python loop per byte of a condition or an argument text
    from spamtrace.scanner._lexer import close_paren as _close_paren
except ImportError:  # pragma: no cover - exercised by the tests through the _py functions
    _close_paren = _close_paren_py


_LOOP_HEAD = tight(rb"(?<![\w$>:])(?:foreach|while|for)\s*\(")


def in_loop(code: bytes, pos: int) -> bool:
    """Whether offset ``pos`` of ``code`` is in the braced body of a loop (foreach, while,
    for; the first 50 loops before it)."""
    if pos < 0:
        return False
    for m in itertools.islice(_LOOP_HEAD.finditer(code, 0, pos), 50):
        head_end = m.end() + close_paren(code[m.end() : m.end() + 600])
        rest = code[head_end + 1 : head_end + 40]
        if rest.lstrip()[:1] != b"{":
            continue
        body_at = head_end + 1 + len(rest) - len(rest.lstrip())
        end = body_at + 1 + close_paren(code[body_at + 1 : body_at + 20000], 123, 125)
        if body_at < pos < end:
            return True
    return False


def split_top(
    text: bytes, seps: bytes, opens: bytes = b"([{", closes: bytes = b")]}"
) -> list[bytes]:
    """``text`` split at each byte of ``seps`` that stands outside brackets (the bytes of
    ``opens`` open one, those of ``closes`` close one, of any kind): the pieces of an
    expression glued with "." (``seps=b"."``), or also listed with "," (``b".,"``). A closer
    that nothing opened leaves what follows inside: no split there."""
    out: list[bytes] = []
    depth = 0
    last = 0
    for i, ch in enumerate(text):
        if ch in opens:
            depth += 1
        elif ch in closes:
            depth -= 1
        elif ch in seps and depth == 0:
            out.append(text[last:i])
            last = i + 1
    out.append(text[last:])
    return out


def first_arg(args: bytes) -> bytes:
    """The first argument of a call whose argument text (after the "(") is ``args``."""
    return _balanced_prefix(args, 44, nested=False)  # ","


# the variable, or an element of it ($p = $_POST; include $p['f'];): the taint of the array
INCLUDE_VAR = tight(
    rb"(?:include|require)(?:_once)?\b\s*\(?\s*@?\s*\$(" + NAME_P + rb")(?!\s*(?:->|::))"
)


INCLUDE_LIT = compile_possessive(
    rb"(?:include|require)(?:_once)?\b\s*+\(?\s*+@?\s*+(?:[\w\s.()$]{0,60}?\.\s*+)?"
    rb"\x01(\d+)\x01"
)


CB_FIRST = (
    b"call_user_func", b"call_user_func_array", b"array_map", b"register_shutdown_function",
    b"reflectionfunction", b"forward_static_call", b"forward_static_call_array",
    b"register_tick_function", b"set_error_handler", b"set_exception_handler", b"ob_start",
    b"header_register_callback", b"spl_autoload_register", b"session_set_save_handler",
)  # fmt: skip


CB_SECOND = (
    b"usort", b"uasort", b"uksort", b"array_walk", b"array_walk_recursive", b"array_filter",
    b"array_reduce", b"preg_replace_callback", b"iterator_apply", b"mb_ereg_replace_callback",
    b"callbackfilteriterator",
)  # fmt: skip


CB_LAST = (
    b"array_diff_ukey", b"array_diff_uassoc", b"array_intersect_ukey", b"array_intersect_uassoc",
    b"array_udiff",
)  # fmt: skip


def top_args(args: bytes) -> list[bytes]:
    """The top-level arguments of a call whose argument text (after the "(") is ``args``."""
    return _top_args(args)


_FOPEN_INTO = tight(rb"\$(" + _NAME + rb")\s*=\s*@?\s*fopen\s*\(")
_FILE_APPEND = tight(rb"(?<![\w$>:])file_append\b")


def opened_for(ctx: Ctx, start: int, handle: bytes) -> tuple[bytes, bytes] | None:
    """The path expression and the mode's first letter of the ``fopen(path, 'mode')`` that
    last set the handle variable ``handle`` before ``start`` (None: not a variable, no such
    fopen, or a mode that is not a literal)."""
    h = VAR.fullmatch(handle.strip())
    if h is None:
        return None
    opened = None
    for m in itertools.islice(_FOPEN_INTO.finditer(ctx.code, 0, start), 200):
        if m.group(1) == h.group(1):
            opened = m
    if opened is None:
        return None
    text = ctx.code[opened.end() : opened.end() + 2000]
    fargs = top_args(text[: close_paren(text)])
    mode = PLACEHOLDER.fullmatch(fargs[1].strip()) if len(fargs) >= 2 else None
    if mode is None:
        return None
    return fargs[0], ctx.lx.value(int(mode.group(1)))[:1]


def appended_path(ctx: Ctx, start: int, parts: list[bytes]) -> bytes | None:
    """The path expression of the file that the write call at ``start`` (its arguments
    ``parts``, :func:`top_args`) appends to: ``file_put_contents(path, data, FILE_APPEND)``,
    or ``fwrite($fh, ...)``/``fputs`` on a handle last opened by ``fopen(path, 'a...')``
    (:func:`opened_for`); None for any other write."""
    if len(parts) < 2:
        return None
    if ctx.code.startswith(b"file_put_contents", start):
        if len(parts) < 3 or _FILE_APPEND.search(parts[2]) is None:
            return None
        return parts[0]
    opened = opened_for(ctx, start, parts[0])
    if opened is None or opened[1] != b"a":
        return None
    return opened[0]


def mail_envelope(args: bytes) -> bytes:
    """The argument text of a mail()/imap_mail()/mb_send_mail() call without its third
    argument, the message: recipients, subject and headers decide where mail goes and who it
    says it is from; the message of a contact form is the visitor's text by design."""
    parts = top_args(args)
    return b",".join(parts[:2] + parts[3:]) if len(parts) > 2 else args


def has_request_words(ctx: Ctx) -> bool:
    """Whether the code holds a word that every match of ``_REQ`` starts with."""
    return has_any(ctx, _REQ_WORDS)


_REQ_WORDS = (  # one starts each _REQ match
    b"$_", b"$http_", b"php://input", b"getallheaders", b"apache_request_headers", b"filter_input",
)


# one starts each UIN_RE match; all are gate words, so the gate pass knows where each first is
_UIN_WORDS = (
    b"$_get", b"$_post", b"$_request", b"$_cookie", b"$_files", b"$http_", b"php://input",
)  # fmt: skip


@per_file("uin")
def request_input_in_code(ctx: Ctx) -> bool:
    """``UIN_RE.search(ctx.code) is not None``, once per file, with the pattern tried only
    where one of its words starts: Python's engine tried it at every "$" and "p" of the code
    (its words "$_" and "$http_" are too short for :func:`leading_words`)."""
    return word_searcher(UIN_RE, ctx.code, _UIN_WORDS, ctx.first)(0) is not None


# possessive: the same match (nothing follows the repetition), without the regex engine
# keeping a backtracking entry per piece (300 MB for a million "a"."a"... pieces)
_CONCAT = compile_possessive(
    rb"(?:" + S + rb"|chr\s*\(\s*\d+\s*\))(?:\s*\.\s*(?:" + S + rb"|chr\s*\(\s*\d+\s*\)))++"
)


# where a literal-only concatenation may start (literal prefixes keep the scan fast)
_CONCAT_START = tight(rb"\x01\d+\x01\s*\.\s*(?:\x01|chr)")


_CHR_START = tight(rb"chr\s*\(\s*\d+\s*\)\s*\.")


def _concat_start_py(code: bytes, pos: int) -> tuple[int, int]:
    """The span of :data:`_CONCAT_START`'s next match from ``pos``, (-1, -1) when there is
    none: the reference for ``_lexer.concat_start``."""
    m = _CONCAT_START.search(code, pos)
    return m.span() if m is not None else (-1, -1)


try:  # compiled (see _lexer.c); the Python one where it was not built
    from spamtrace.scanner._lexer import concat_start as _concat_start
except ImportError:  # pragma: no cover - exercised by the tests through the _py function
    _concat_start = _concat_start_py


def next_concat_start(code: bytes, pos: int) -> int:
    """Where the next match of :data:`_CONCAT_START` from ``pos`` starts (-1: none)."""
    return _concat_start(code, pos)[0]


def _concat_starts(code: bytes) -> Iterator[int]:
    """``m.start() for m in _CONCAT_START.finditer(code)`` (its matches are never empty)."""
    pos = 0
    while True:
        start, pos = _concat_start(code, pos)
        if start < 0:
            return
        yield start


@per_file("concats")
def concats_cached(ctx: Ctx) -> list[re.Match[bytes]]:
    return _concats(ctx.code, has_word(ctx, b"chr"))


def _concats(code: bytes, has_chr: bool = True) -> list[re.Match[bytes]]:
    """Literal-only concatenations in ``code``; ``has_chr`` False: "chr" is known absent."""
    found: list[re.Match[bytes]] = []
    last = -1
    for rx in (_CONCAT_START, _CHR_START):
        if rx is _CHR_START and (not has_chr or find(code, b"chr") < 0):
            continue
        starts = (
            _concat_starts(code) if rx is _CONCAT_START else (m.start() for m in rx.finditer(code))
        )
        for start in starts:
            if start < last:
                continue
            full = _CONCAT.match(code, start)
            if full is not None:
                found.append(full)
                last = full.end()
            if len(found) > 2000:
                return found
    return found


_JOINED_MAX = decode.MAX_OUTPUT  # bytes of one literal concatenation tried as a payload


_JOINED_PIECES = 1 << 16  # and its pieces


_DATA_HEAD = tight(rb"[A-Za-z0-9+/=_\-\s%]+")


# what an argument the folder may compute code from holds: a literal, or a call that makes
# text of numbers or of other text
_FOLD_HINTS = (b"\x01", b"chr", b"implode", b"join", b"pack", b"array_map", b"sprintf")


def folded_eval_code(ctx: Ctx) -> list[tuple[int, bytes]]:
    """The code eval()/assert() are given where the constant folder computes it from
    literals (``eval(str_rot13('...'))``, ``eval(implode(array_map('chr', [105, 102,
    ...])))``): (the first literal of the argument, or -1; the code marked as code)."""
    from spamtrace.scanner import fold  # the folder reads this module: imported when used

    out: list[tuple[int, bytes]] = []
    code = ctx.code
    env: fold.Env | None = None
    for start, args in calls_to(ctx, EVAL_NAMES_B[:2], 20):
        if PLACEHOLDER.fullmatch(args.strip(b" \t\n@()")) is not None:
            continue  # a literal itself: read as one above
        if not any(args.find(w) >= 0 for w in _FOLD_HINTS):
            continue  # nothing the folder computes code from
        at = find(code, b"(", start) + 1
        if env is None:
            env = fold.Env(code, ctx.lx, ctx.cache)
        folded = fold.fold_at(code, ctx.lx, at, env)
        if folded is None or not folded.built or len(folded.value) < 16:
            continue
        if decode.looks_like_php(folded.value):
            p = PLACEHOLDER.search(args)
            out.append((int(p.group(1)) if p is not None else -1, b"\x00code\x00" + folded.value))
    return out


def _decode_candidates(ctx: Ctx) -> list[tuple[int, bytes]]:
    """Long literals (and long literal concatenations) worth trying to decode."""
    out: list[tuple[int, bytes]] = []
    lx = ctx.lx
    for i in sorted(lx.long, key=lambda j: -len(lx.raw_strings[j])):
        raw = lx.raw_strings[i]
        head = raw[:64]
        if SPACE in head:
            continue
        if not (_DATA_HEAD.fullmatch(head) or head.find(b"\\x") >= 0):
            continue
        val = lx.value(i)
        if len(val) >= 40:
            out.append((i, val))
        if len(out) >= MAX_DECODE_CANDIDATES:
            break
    if has_any(ctx, EVAL_NAMES_B[:2]):
        for _start, args in calls_to(ctx, EVAL_NAMES_B[:2], 20):
            p = PLACEHOLDER.match(args.lstrip(b" \t\n@("))
            if p is not None:
                val = lx.value(int(p.group(1)))
                if len(val) >= 16 and decode.looks_like_php(val):
                    out.append((int(p.group(1)), b"\x00code\x00" + val))
        out.extend(folded_eval_code(ctx))
    if DOT in ctx.code and len(out) < MAX_DECODE_CANDIDATES:
        for m in concats_cached(ctx):
            idxs: list[int] = []
            size = 0
            for p in PLACEHOLDER.finditer(ctx.code, m.start(), m.end()):
                idxs.append(int(p.group(1)))
                size += len(lx.raw_strings[idxs[-1]])
                if size > _JOINED_MAX or len(idxs) >= _JOINED_PIECES:
                    break  # no payload is that long: padding ("a"."a"...)
            if len(idxs) < 2:
                continue
            joined = b"".join(lx.value(i) for i in idxs)
            if len(joined) >= 64:
                out.append((idxs[0], joined))
                if len(idxs) >= 4 and decode.looks_like_php(joined):
                    out.append((idxs[0], b"\x00code\x00" + joined))
            if len(out) >= MAX_DECODE_CANDIDATES:
                break
    if has_word(ctx, b".=") and len(out) < MAX_DECODE_CANDIDATES:  # a gate word: a set test
        out.extend(_accumulated(ctx)[: MAX_DECODE_CANDIDATES - len(out)])
    out.sort(key=lambda t: -len(t[1]))
    return out


# ``$z .= 'piece';``: a payload glued piece by piece into one variable
_APPEND_LIT = tight(rb"\$(\w+)\s*\.=\s*\x01(\d+)\x01\s*;")
_APPEND_TAIL = tight(rb"\.=\s*\x01\d+\x01\s*;")  # the part of it from ".=" on
_APPEND_MIN = 4  # pieces: a string built in two or three steps is everyday code


def append_literals(code: bytes) -> Iterator[re.Match[bytes]]:
    """``_APPEND_LIT.finditer(code)``, found from the ".=" on: the pattern starts with "$",
    and the regex engine tried it at every "$" of the file. A match's ".=" is its only one,
    and before it stand only name bytes and spaces up to its "$": the last "$" before the
    ".=", and after the tail before (which ends with a ";"), so each part of the code is
    searched once."""
    done = 0  # the end of the tail before: no match starts before it
    for tail in _APPEND_TAIL.finditer(code):
        start = code.rfind(b"$", done, tail.start())
        done = tail.end()
        if start < 0:
            continue
        m = _APPEND_LIT.match(code, start)
        if m is not None and m.end() == tail.end():
            yield m


def _accumulated(ctx: Ctx) -> list[tuple[int, bytes]]:
    """Literals appended one after another to one variable (``$z = ''; $z .= 'UEQ5';
    $z .= 'd2FI'; ...``), joined in order: an encoded payload split over many statements so
    that no literal is long (the same pieces glued with ``.`` are joined above)."""
    lx = ctx.lx
    pieces: dict[bytes, list[int]] = {}
    for m in itertools.islice(append_literals(ctx.code), _JOINED_PIECES):
        pieces.setdefault(m.group(1), []).append(int(m.group(2)))
    out: list[tuple[int, bytes]] = []
    for idxs in pieces.values():
        if len(idxs) < _APPEND_MIN:
            continue
        joined = b"".join(lx.value(i) for i in idxs)[:_JOINED_MAX]
        if len(joined) >= 64:
            out.append((idxs[0], joined))
    return out


@per_file("payloads")
def decoded_payloads(ctx: Ctx) -> list[tuple[int, bytes, tuple[str, ...]]]:
    found: list[tuple[int, bytes, tuple[str, ...]]] = []
    for idx, val in _decode_candidates(ctx):
        ctx.check()
        res = decode.peel(val, _uses(ctx), ctx.check)
        if res is not None:
            found.append((idx, res[0], res[1]))
            if len(found) >= MAX_PAYLOADS:
                break
    return found


IMAGE_MAGIC = (b"GIF8", b"\x89PNG", b"\xff\xd8\xff", b"BM", b"\x00\x00\x01\x00", b"RIFF")


SOCKET = tight(
    rb"(?:fsockopen|pfsockopen|stream_socket_client|socket_create|socket_connect)\s*\("
)


def recipient_literals(ctx: Ctx, args: bytes) -> list[bytes]:
    """The literal values a mail() call's recipient (its first argument, the argument text
    ``args``) holds: the literal itself, or the first literals assigned to its variable."""
    first = first_arg(args).strip()
    p = PLACEHOLDER.fullmatch(first)
    if p is not None:
        return [ctx.lx.value(int(p.group(1)))]
    v = VAR.fullmatch(first)
    if v is None:
        return []
    lits = var_assigns(ctx.code, v.group(1), TAIL_LITERAL, 5)
    return [ctx.lx.value(int(am.group(1))) for _, am in lits]


GLOBALS_SINKS = (
    *EXEC_NAMES_B, b"fopen", b"readfile", b"unlink", b"copy", b"rename", b"rmdir", b"mkdir",
    b"chmod", b"opendir", b"scandir", b"file_get_contents", b"file_put_contents",
    b"highlight_file", b"show_source", b"move_uploaded_file", b"mysql_query", b"mysql_connect",
    b"mysqli_connect", b"mysqli_query", b"eval", b"assert", b"include", b"require",
)  # fmt: skip


SOCKET_CALLS = (b"fsockopen", b"pfsockopen", b"stream_socket_client", b"socket_connect")


SOCKET_WRITES = (b"fwrite", b"fputs", b"socket_write", b"socket_send", b"stream_socket_sendto")


# ------------------------------------------------------------------------------------ engine
# ------------------------------------------------- account harvesting, droppers, relays
READ_CALLS = (b"fopen", b"file", b"file_get_contents", b"readfile", b"highlight_file",
               b"show_source", b"copy", b"symlink")  # fmt: skip


SESSION_READS = (b"fopen", b"file_get_contents", b"readfile", b"file")


SESSION_LISTS = (b"opendir", b"scandir", b"glob")


WP_USER_CALLS = (b"wp_create_user", b"wp_insert_user")


WP_LOGIN_CALLS = (b"wp_set_auth_cookie", b"wp_set_current_user")


SWAP_CALLS = (b"str_replace", b"str_ireplace", b"preg_replace")


# (PHP 8's str_contains/str_starts_with/str_ends_with test the same way strpos does)
CRAWLER_TESTS = (
    b"preg_match",
    b"stripos",
    b"strpos",
    b"stristr",
    b"str_contains",
    b"str_starts_with",
    b"str_ends_with",
)


WEB_SCHEMES = (b"http://", b"https://", b"ftp://")  # a remote address (the crawler rule: web)


def web_address(ctx: Ctx, placeholder: re.Match[bytes] | None) -> bool:
    """Whether the literal a placeholder match (its group 1: the index) stands for is a
    remote address (http, https, ftp)."""
    if placeholder is None:
        return False
    return ctx.lx.value(int(placeholder.group(1))).lstrip().lower().startswith(WEB_SCHEMES)


REMOTE_FETCH = tight(
    rb"(?:file_get_contents|curl_init|fopen|readfile|file|simplexml_load_file)\s*\(\s*\x01(\d+)\x01"
)


# a fetch of a literal address (the crawler rule's), or curl_exec(): a download
FETCH_LITERAL = tight(REMOTE_FETCH.pattern + rb"|curl_exec\s*\(")


FETCH_CALLS = (b"file_get_contents", b"readfile", b"fopen", b"file", b"curl_init",
                b"get_headers", b"fpassthru", b"simplexml_load_file")  # fmt: skip


CURLOPT_URL = tight(rb"curl_setopt\s*\(\s*\$\w+\s*,\s*curlopt_url\s*,([^;]{0,200})")


def yara_hits(ctx: Ctx, scope: str) -> dict[str, tuple[int, bytes]]:
    key = "yara-" + scope
    cached = ctx.cache.get(key)
    if cached is None:
        hay = string_text(ctx) if scope == "strings" else ctx.data
        names = ctx.cache.get("yara-names", {}).get(scope)
        cached = ctx.yara.scan(hay, names) if ctx.yara is not None else {}
        ctx.cache[key] = cached
    return cached  # type: ignore[no-any-return]


@per_file("present")
def present_words(ctx: Ctx) -> frozenset[bytes] | None:
    """The gate words present in the code (None: no yara-x, test words with ``in``)."""
    if ctx.gates is None:
        return None
    # one compiled pass: which gate words occur, and where each first does
    firsts = ctx.cache["firsts"] = ctx.gates.first(ctx.code)
    return frozenset(firsts)


def has_word(ctx: Ctx, word: bytes) -> bool:
    present = present_words(ctx)
    if present is None or word not in ctx.gate_words:
        return find(ctx.code, word) >= 0
    return word in present


def has_any(ctx: Ctx, words: Collection[bytes]) -> bool:
    """Whether one of ``words`` occurs in the code (one set test when all are gate words)."""
    present = present_words(ctx)
    if present is not None and ctx.gate_words.issuperset(words):
        return not present.isdisjoint(words)
    return any(has_word(ctx, w) for w in words)


def words_in_code(ctx: Ctx, words: tuple[bytes, ...]) -> list[bytes]:
    """The ``words`` that occur in the code, in their order: a set lookup each where all are
    gate words (the gate pass found them), else a search each."""
    present = present_words(ctx)
    if present is not None and ctx.gate_words.issuperset(words):
        return [w for w in words if w in present]
    return [w for w in words if has_word(ctx, w)]


#: bytes after which a name is not a plain call, in both readings the rules use: lexed code
#: is lower case, so this is the look-behind ``(?<![\w$>:])`` of the EVAL/EXEC macros, and
#: :data:`NOT_CALL_BEFORE` without the bytes >= 0x80 (which that look-behind lets through)
_CALL_NOT_AFTER = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_$>:")


_CALLED_RX: dict[bytes, re.Pattern[bytes]] = {}


def called_any(ctx: Ctx, names: tuple[bytes, ...]) -> bool:
    r"""Whether one of ``names`` occurs in the code as a call: followed by ``(`` (spaces may
    come between) and not after a letter, digit, "_", "$", ">" or ":". Every call that
    :func:`calls_to` finds is one, and every match of a pattern that starts with
    ``(?<![\w$>:])(?:name|...)\s*\(`` (the EVAL and EXEC macros): a rule that fires only
    there need not run without one (``gate_call``; test files hold hundreds of
    ``$this->assertSame(`` and no ``assert(``). Remembered per file."""
    memo: dict[tuple[bytes, ...], bool] = ctx.cache.setdefault("called-any", {})
    found = memo.get(names)
    if found is None:
        found = False
        code = ctx.code
        present = present_words(ctx)
        # names that are gate words, none of them in the code (the gate pass knows): no call
        absent = present is not None and present.isdisjoint(names)
        for name in () if absent and ctx.gate_words.issuperset(names) else names:
            start = ctx.first(name)
            if start < 0:
                continue
            rx = _CALLED_RX.get(name)
            if rx is None:
                rx = _CALLED_RX[name] = re.compile(re.escape(name) + rb"(?=\s*\()")
            for m in rx.finditer(code, start):
                pos = m.start()
                if not pos or code[pos - 1] not in _CALL_NOT_AFTER:
                    found = True
                    break
            if found:
                break
        memo[names] = found
    return found


REQ_MACRO = builtin_macro("REQ").encode()  # {REQ} of rules.toml, expanded
#: {KEEP} of rules.toml: the functions a value passes through as itself (trim, stripslashes,
#: urldecode, base64_decode...), one group
KEEP = builtin_macro("KEEP").encode()
KEEP_NAMES = frozenset(re.findall(rb"\w+", KEEP))


# the leading words of each pattern (``rx.leading_words``), most recorded by ``rx.tight`` as
# it compiled them
_LEADING = LEADING


_NEEDS: dict[tuple[bytes, int], tuple[frozenset[bytes], ...]] = {}


def search_needing(
    rx: re.Pattern[bytes], text: bytes, may_hold: Callable[[bytes], bool] | None = None
) -> re.Match[bytes] | None:
    """``rx.search(text)``, or None at once where a word that every match holds is absent
    (the words are derived from the pattern: :func:`prereq.regex_prereq`). A pattern without
    a literal start makes the regex engine try every offset of a large text (all a file's
    literals); a few literal searches rule most texts out first, and where every match
    starts with one of a few words the pattern is tried only at those.
    ``may_hold(word)``: False where ``word`` is known not to be in ``text`` (a part of the
    file's code, and the word is not in the code: ``ctx.first(word) >= 0``): such words
    are not searched for."""
    key = (rx.pattern, rx.flags)
    sets = _NEEDS.get(key)
    if sets is None:  # a word holding another of its set adds nothing to "one of them occurs"
        sets = _NEEDS[key] = tuple(
            frozenset(w for w in ws if not any(v != w and w.find(v) >= 0 for v in ws))
            for ws in regex_prereq(rx)
        )
    for words in sets:
        if all(find(text, w) < 0 for w in words if may_hold is None or may_hold(w)):
            return None
    leading = leading_words(rx)  # then the pattern is tried only where one of them starts
    if leading is None:
        return rx.search(text)
    if may_hold is not None:
        leading = tuple(w for w in leading if may_hold(w))
        if not leading:
            return None
    return word_searcher(rx, text, leading)(0)


def prefiltered_finditer(
    rx: re.Pattern[bytes], buf: bytes, first: Callable[[bytes], int] | None = None
) -> Iterator[re.Match[bytes]]:
    """``rx.finditer(buf)``, through literal searches when every match begins with one of a
    few words (such matches are never empty, so each search resumes at the previous end).
    ``first(word)``, if given, is ``buf.find(word)`` (``ctx.first`` for the code)."""
    words = leading_words(rx)
    if words is None:
        yield from rx.finditer(buf)
        return
    search = word_searcher(rx, buf, words, first)
    pos = 0
    while True:
        m = search(pos)
        if m is None:
            return
        yield m
        pos = m.end()


def prefiltered_search(
    rx: re.Pattern[bytes], buf: bytes, first: Callable[[bytes], int] | None = None
) -> re.Match[bytes] | None:
    """``rx.search(buf)``, through literal searches when every match begins with one of a
    few words: a pattern that starts with a look-behind or an alternation makes the regex
    engine try it at every offset (``(?<![\\w$>:])extract\\s*\\(`` over a file's code: ~17
    times as long as searching for "extract" and matching there). ``first(word)``, if given,
    is ``buf.find(word)`` (``ctx.first`` for the code)."""
    words = leading_words(rx)
    return rx.search(buf) if words is None else word_searcher(rx, buf, words, first)(0)


def word_searcher(
    rx: re.Pattern[bytes],
    code: bytes,
    words: tuple[bytes, ...],
    first: Callable[[bytes], int] | None = None,
    not_after: frozenset[int] | None = None,
) -> Callable[[int], re.Match[bytes] | None]:
    """``search(start)`` == ``rx.search(code, start)`` for a pattern whose matches all begin
    with one of ``words``, for non-decreasing ``start``: the candidate offsets are found with
    literal searches, left to right (:func:`_next_word`), and the pattern is tried only there
    (the same first match, without the regex engine stepping through every offset).
    ``first(word)``, if given, is ``code.find(word)``. ``not_after``: bytes after which a
    match is not wanted (:func:`bounded_finditer` passes a match over when one precedes it):
    a candidate there is passed over before the pattern is tried (``curl_exec(`` for a
    pattern of ``exec(``)."""
    none = len(code) + 1  # stands for "no further occurrence"
    nxt = [find(code, w) for w in words] if first is None else [first(w) for w in words]
    nxt = [p if p >= 0 else none for p in nxt]
    skip = b""
    if not_after:
        skip = _SKIP_BYTES.get(not_after, b"")
        if not skip:
            skip = _SKIP_BYTES[not_after] = bytes(sorted(not_after))

    def search(start: int) -> re.Match[bytes] | None:
        while True:
            pos = _next_word(code, words, nxt, start, skip)
            if pos < 0:
                return None
            m = rx.match(code, pos)
            if m is not None:
                return m
            start = pos + 1

    return search


def words_finditer(
    rx: re.Pattern[bytes], code: bytes, words: tuple[bytes, ...]
) -> Iterator[re.Match[bytes]]:
    """``rx.finditer(code)`` for a pattern whose matches all begin with one of ``words`` and
    are never empty: the pattern is tried only where one of them starts (:func:`word_searcher`;
    for words that ``rx.tight`` does not record as leading, such as "[", or a file's own)."""
    search = word_searcher(rx, code, words)
    pos = 0
    while True:
        m = search(pos)
        if m is None:
            return
        yield m
        pos = m.end()


_SKIP_BYTES: dict[frozenset[int], bytes] = {}  # a word_searcher's not_after, as bytes


def _next_word_py(
    code: bytes, words: tuple[bytes, ...], nxt: list[int], start: int, not_after: bytes
) -> int:
    """The next offset from ``start`` where one of ``words`` occurs in ``code`` and no byte of
    ``not_after`` comes just before, -1 when there is none; ``nxt`` (one offset per word,
    ``len(code) + 1`` for "no further occurrence") holds where each word was found last: one
    found before ``start`` is searched for again from there, in place. The reference for
    ``_lexer.next_word``."""
    none = len(code) + 1
    start = max(start, 0)
    while True:
        for k, at in enumerate(nxt):
            if at < start and at != none:
                p = find(code, words[k], start)
                nxt[k] = p if p >= 0 else none
        pos = min(nxt, default=none)
        if pos == none:
            return -1
        if pos and code[pos - 1] in not_after:
            start = pos + 1
            continue
        return pos


try:  # compiled (see _lexer.c); the Python one where it was not built
    from spamtrace.scanner._lexer import next_word as _next_word
except ImportError:  # pragma: no cover - exercised by the tests through the _py function
    _next_word = _next_word_py


_SESSION_KEY_TEST = tight(
    rb"if\s*\(\s*(!?)\s*(?:(?:isset|empty)\s*\(\s*\$_session\s*\[\s*\x01(\d+)\x01\s*\]|"
    # ... or the CMS's own check of the signed-in user (WordPress's capabilities)
    rb"(?:current_user_can|is_user_logged_in)\s*\()"
)
_SESSION_KEY_SET = tight(rb"\$_session\s*\[\s*\x01(\d+)\x01\s*\]\s*=(?![=>])")
_LEAVES = tight(
    rb"(?<![\w$>:])(?:exit|die|return|wp_die)\b|(?<![\w$>:])header\s*\(\s*\x01"
)
_LEAVES_NOW = tight(rb"(?<![\w$>:])(?:exit|die|return|wp_die)\b")


# a logical operator joining an if's tests, or a bracket around a part of them
_JOIN_OR_BRACKET = tight(rb"\|\||&&|(?<![\w$>:])(?:x?or|and)\b|[()\[\]]")
_EITHER = frozenset({b"||"})
_BOTH = frozenset({b"&&"})


def _top_level_joins(cond: bytes) -> frozenset[bytes]:
    """The operators that join the tests of the condition ``cond`` (lexed code, inside the
    if's parentheses) outside any bracket: ``||`` (also `or`), ``&&`` (also `and`), `xor`."""
    depth = 0
    joins: set[bytes] = set()
    for m in itertools.islice(_JOIN_OR_BRACKET.finditer(cond), 200):
        tok = m.group(0)
        if tok in (b"(", b"["):
            depth += 1
        elif tok in (b")", b"]"):
            depth -= 1
        elif depth == 0:
            joins.add(b"||" if tok == b"or" else b"&&" if tok == b"and" else tok)
    return frozenset(joins)


def site_session_gated(ctx: Ctx, pos: int) -> bool:
    """Whether offset ``pos`` runs only for a visitor the site's own login let in: inside
    ``if (isset($_SESSION['k'])) { ... }``, or after ``if (!isset($_SESSION['k'])) { ...
    exit; }`` (``empty()`` the other way round; the exit also given without braces:
    ``if (empty($_SESSION['k'])) exit('...');``), for a key the file never sets itself, or
    behind WordPress's ``current_user_can()`` or ``is_user_logged_in()`` tested the same
    ways; other tests may join the key's where they only narrow who passes (`||` beside the
    test that sends the visitor away, `&&` beside the one that lets them in: not a key in
    the address that lets anyone past). A planted tool that keeps a session sets its key
    after its own password check; an admin page or a member's page relies on the site's
    sign-in (an editor, an invitation form)."""
    code = ctx.code
    first = min(
        (p for p in (ctx.first(b"$_session"), ctx.first(b"current_user_can"),
                     ctx.first(b"is_user_logged_in")) if p >= 0),
        default=-1,
    )
    if first < 0 or first > pos:  # no session test before pos (asked once per finding)
        return False
    for m in itertools.islice(_SESSION_KEY_TEST.finditer(code, 0, pos), 20):
        negated = (m.group(1) == b"!") != (find(code, b"empty", m.start(), m.end()) >= 0)
        opened = code.index(b"(", m.start())
        cond_end = opened + 1 + close_paren(code[opened + 1 : opened + 600])
        joins = _top_level_joins(code[opened + 1 : cond_end])
        if joins and joins != (_EITHER if negated else _BOTH):
            # another test beside it that lets a visitor without the key through: `&&` beside
            # the test that sends such a visitor away (!isset(...) && $_GET['k'] !== 'x'),
            # `||` beside the one that lets the signed-in in; each `||` of the first (also
            # !isset($_SESSION['k']) || !$_SESSION['k']) and each `&&` of the second only
            # narrows who gets past
            continue
        body = code[cond_end + 1 : cond_end + 40].lstrip()
        if body[:1] != b"{":
            # no braces: the one statement after the test sends the visitor without the key
            # away before pos
            if not negated:
                continue
            at = cond_end + 1 + (len(code[cond_end + 1 : cond_end + 40]) - len(body))
            # (a header() alone is no way out: a redirect needs the exit after it)
            if _LEAVES_NOW.match(code, at) is None or find(code, b";", at, pos) < 0:
                continue
        else:
            at = code.index(b"{", cond_end)
            end = at + 1 + close_paren(code[at + 1 : at + 8000], 123, 125)
            if negated:
                # the visitor without the key is sent away before pos
                if not (end <= pos and _LEAVES.search(code, at, end)):
                    continue
            elif not at < pos < end:
                continue
        if m.group(2) is None:
            # the CMS's sign-in: no key the file could set; unless the file defines the check
            # itself (a stand-in that lets everyone in)
            own = function_bodies(ctx)
            if not any(n in own for n in _CMS_CHECKS if find(code, n, m.start(), cond_end) >= 0):
                return True
            continue
        if _SESSION_SET_ANY.search(code) is not None:
            continue  # the file fills the session itself ($_SESSION[$k] = $v, $_SESSION = $_POST)
        key = ctx.lx.value(int(m.group(2)))
        if not any(ctx.lx.value(int(w.group(1))) == key for w in _SESSION_KEY_SET.finditer(code)):
            return True
    return False


_CMS_CHECKS = (b"current_user_can", b"is_user_logged_in")
# the session written whole, or under a key that is no literal: $_SESSION = $_POST,
# $_SESSION += ..., $_SESSION[$k] = $v, $s = &$_SESSION
_SESSION_SET_ANY = tight(
    rb"\$_session\s*(?:\+?=(?![=>])|\[\s*[^\x01\s\]][^\]\n]{0,60}\]\s*=(?![=>]))|&\s*\$_session\b"
)
