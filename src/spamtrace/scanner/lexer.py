"""A small PHP lexer: splits a file into code, string literals and comments.

It reimplements the parts of PHP's own scanner (``zend_language_scanner.l``) that matter for
static analysis of obfuscation: open/close tags (``<?php``, ``<?=``, short ``<?``), comments
(``//``, ``#`` but not ``#[``, ``/* */``; line comments stop at ``?>``), single/double-quoted
and backtick strings, heredoc and nowdoc. Everything else is "code".

The result is a :class:`Lexed` view:

* ``code``: the PHP code, lower-cased, with comments blanked, inline HTML dropped and every
  string literal replaced by a placeholder ``\\x01<index>\\x01`` (newlines are kept, so a byte
  offset in ``code`` maps to the same line number as in the file);
* ``strings``: the literals, with double-quoted escapes (``\\x41``, ``\\101``, ``\\u{41}``)
  resolved statically; interpolated variables stay as text;
* ``html``: the inline (non-PHP) text, for mailer/shell user-interface words.

The patterns are written so that no alternative can overlap another (unrolled loops), so the
regex engine runs in linear time on hostile input such as one 50 MB line.

The token loop after the open tag (:func:`_tail_py`) and the collection of names
(:func:`_names_py`) also exist compiled, in ``_lexer.c``, which gives the same results in
one pass over the bytes; :func:`lex` and :func:`names` use it wherever it was built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spamtrace.scanner.rx import compile_possessive, possessive

STR_MARK = 1  # byte that brackets a string placeholder in ``code``
# "\\" as a byte value: ``_BACKSLASH in raw`` is ``b"\\" in raw`` without the TypeError that
# ``bytes.__contains__`` raises and clears inside when it is given a bytes object
_BACKSLASH = 92
_VALUES_KEPT = 50_000  # resolved literals remembered per file (memory stays bounded)
LONG = 40  # literals at least this long are indexed in ``Lexed.long``

# PHP open tag: <?php (then whitespace/EOF), <?= , or a short tag "<?" not followed by "xml"
# (short_open_tag is on in many hosting setups, and droppers rely on it).
_OPEN = re.compile(rb"<\?(?:php(?=\s|$)|=|(?![xX][mM][lL]))", re.IGNORECASE)
# In a file that starts as an image or holds NUL bytes, where "<?" turns up in binary data by
# chance: <?php, or the short echo tag <?= (always on since PHP 5.4) when text follows it to
# its "?>" or the end of the file and that text holds code (a variable, a call, a command in
# backticks: GIF89a;\r\n<?=`$_GET[1]`?>): not a "<?=" among pixels, nor before plain words
_OPEN_LOOSE = re.compile(
    rb"<\?php|<\?=(?=[\t\n\r\x20-\x7e]{0,400}?(?:[$`]|\w\s*\()[\t\n\r\x20-\x7e]{0,400}?(?:\?>|\Z))",
    re.IGNORECASE,
)

# Inside PHP: the next token start that is not plain code.
_HEREDOC = re.compile(rb"<<<[ \t]*(['\"]?)([A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)\1\r?\n")
_DQ_ESCAPE = re.compile(
    rb"\\(?:x([0-9A-Fa-f]{1,2})|([0-7]{1,3})|u\{([0-9A-Fa-f]{1,6})\}|([nrtvef$\"\\]))"
)
_SIMPLE_ESC = {
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"v": b"\v",
    b"e": b"\x1b",
    b"f": b"\f",
    b"$": b"$",
    b'"': b'"',
    b"\\": b"\\",
}


@dataclass(slots=True)
class Lexed:
    """A lexed PHP file. ``strings`` hold raw literal bodies; :meth:`value` unescapes."""

    code: bytes = b""
    raw_strings: list[bytes] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # sq, dq, bq (shell), heredoc, nowdoc
    long: list[int] = field(default_factory=list)  # indexes of literals of >= LONG bytes
    escaped: list[int] = field(default_factory=list)  # indexes of dq/heredoc with backslashes
    html: bytes = b""
    comments_bytes: int = 0
    php_regions: int = 0
    _values: dict[int, tuple[bytes, int]] = field(default_factory=dict)

    def value(self, idx: int) -> bytes:
        return self.value_esc(idx)[0]

    def value_esc(self, idx: int) -> tuple[bytes, int]:
        """The literal's value with escapes resolved, and how many hex/octal escapes it had."""
        cached = self._values.get(idx)
        if cached is None:
            raw = self.raw_strings[idx]
            kind = self.kinds[idx]
            if _BACKSLASH not in raw or kind == "nowdoc":
                return (raw, 0)  # nothing to resolve: no copy kept (a file of 4M "a"."a"...)
            cached = (_unescape_sq(raw), 0) if kind == "sq" else _unescape_dq(raw)
            if len(self._values) < _VALUES_KEPT:
                self._values[idx] = cached
        return cached

    def with_literals(self, code: bytes, added: list[bytes]) -> Lexed:
        """This file seen with ``code`` for its code and ``added`` (single-quoted bodies) as
        new literals numbered after its own: a view that writes parts of the code again as
        literals (the constant folder's glued literals, interp's written-out strings)."""
        base = len(self.raw_strings)
        return Lexed(
            code=code,
            raw_strings=self.raw_strings + added,
            kinds=self.kinds + ["sq"] * len(added),
            long=self.long + [base + i for i, a in enumerate(added) if len(a) >= LONG],
            escaped=self.escaped,
            html=self.html,
            comments_bytes=self.comments_bytes,
            php_regions=self.php_regions,
        )


# PHP 5's other opening: <script language="php"> ... </script> (gone in PHP 7; hosting servers
# still run PHP 5, and a dropper opens its code so where a scanner looks only for "<?").
_SCRIPT_PHP_OPEN = re.compile(rb"<script\s+language\s*=\s*(['\"]?)php\1\s*>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(rb"</script\s*>", re.IGNORECASE)


def script_tags_as_php(data: bytes) -> bytes | None:
    """``data`` with each ``<script language="php">`` and the ``</script>`` that ends it
    written as ``<?php`` and ``?>``, padded with spaces to their lengths (every offset and
    line stays where it was), or None when the file has no such opening. A ``<script>`` of
    any other language (JavaScript) is left as it is."""
    m = _SCRIPT_PHP_OPEN.search(data)
    if m is None:
        return None
    out = bytearray(data)
    while m is not None:
        out[m.start() : m.end()] = b"<?php".ljust(m.end() - m.start())
        close = _SCRIPT_CLOSE.search(data, m.end())
        if close is None:
            break
        out[close.start() : close.end()] = b"?>".ljust(close.end() - close.start())
        m = _SCRIPT_PHP_OPEN.search(data, close.end())
    return bytes(out)


def has_php(data: bytes, *, strict: bool = False) -> int:
    """Offset of the first PHP open tag, or -1. ``strict`` accepts only ``<?php``, and
    ``<?=`` with text after it to its ``?>`` or the end (see :data:`_OPEN_LOOSE`)."""
    m = (_OPEN_LOOSE if strict else _OPEN).search(data)
    return m.start() if m else -1


def _escape_table() -> dict[bytes, bytes]:
    """Every escape of :data:`_DQ_ESCAPE` but ``\\u{...}``, as written, -> its value."""
    table = {b"\\" + k: v for k, v in _SIMPLE_ESC.items()}
    digits = b"0123456789abcdefABCDEF"
    for a in digits:
        table[b"\\x" + bytes([a])] = bytes([int(chr(a), 16)])
        for b in digits:
            table[b"\\x" + bytes([a, b])] = bytes([int(chr(a) + chr(b), 16)])
    for n in range(1, 4):
        for value in range(8**n):
            table[b"\\" + b"%0*o" % (n, value)] = bytes([value & 0xFF])
    return table


_ESC_TABLE = _escape_table()
_SIMPLE_ESC_RE = re.compile(rb"\\[nrtvef$\"\\]")


def _unicode_escape(m: re.Match[bytes]) -> bytes:
    try:
        return chr(int(m.group(3), 16)).encode("utf-8", "surrogatepass")
    except (ValueError, OverflowError):
        return m.group(0)


def _unescape_dq(raw: bytes) -> tuple[bytes, int]:
    """The value of a double-quoted literal body, and how many hex/octal/unicode escapes it
    had (every escape but the simple ones: an escape never spans a backslash except ``\\\\``,
    so the simple ones are found alike on their own)."""
    table = _ESC_TABLE
    value, escapes = _DQ_ESCAPE.subn(lambda m: table.get(m[0]) or _unicode_escape(m), raw)
    return value, escapes - len(_SIMPLE_ESC_RE.findall(raw))


def _unescape_sq(raw: bytes) -> bytes:
    return raw.replace(b"\\\\", b"\x00").replace(b"\\'", b"'").replace(b"\x00", b"\\")


def _all_but(excluded: bytes) -> bytes:
    """A character class of every byte but ``excluded``, written as ranges: the same set as
    ``[^...]``, but the regex engine tests such a class with one bitmap lookup per byte,
    where it compares a negated list of two or more bytes one by one (twice as slow on the
    long runs inside literals and comments)."""
    out = bytearray(b"[")
    start = 0
    for stop in [*sorted(excluded), 256]:
        if start < stop:
            out += rb"\x%02x-\x%02x" % (start, stop - 1)
        start = stop + 1
    return bytes(out + b"]")


# One token per match, found by its first byte (a leading character set lets the regex engine
# skip plain code quickly); the look-behinds pick the continuation for that byte. Possessive
# quantifiers and disjoint alternatives keep matching linear on hostile input. The [^...]
# classes of two bytes or more are written out by _all_but.
_TOKEN = compile_possessive(
    (
        rb"""['"`/#?<](?:(?<=')[^'\\]*+(?:\\.[^'\\]*+)*+'?"""
        rb"""|(?<=")[^"\\]*+(?:\\.[^"\\]*+)*+"?"""
        rb"""|(?<=`)[^`\\]*+(?:\\.[^`\\]*+)*+`?"""
        rb"""|(?<=/)/[^\n?]*+(?:\?(?!>)[^\n?]*+)*+"""
        rb"""|(?<=\#)(?!\[)[^\n?]*+(?:\?(?!>)[^\n?]*+)*+"""
        rb"""|(?<=/)\*[^*]*+\*++(?:[^/*][^*]*+\*++)*+/|(?<=/)\*.*"""
        rb"""|(?<=\?)>[^<]*+(?:<(?!\?)[^<]*+)*+(?:<\?(?:php|=)?)?"""
        rb"""|(?<=<)<<)"""
    )
    .replace(rb"[^'\\]", _all_but(b"'\\"))
    .replace(rb'[^"\\]', _all_but(b'"\\'))
    .replace(rb"[^`\\]", _all_but(b"`\\"))
    .replace(rb"[^\n?]", _all_but(b"\n?"))
    .replace(rb"[^/*]", _all_but(b"/*")),
    re.DOTALL,
)
_KIND = {39: "sq", 34: "dq", 96: "bq"}
# the same tokens, captured: ``split`` gives [code, token, code, token, ..., code] in C
_TOKEN_SPLIT = re.compile(b"(" + _TOKEN.pattern + b")", re.DOTALL)


def _inline_html(tok: bytes) -> tuple[bytes, bytes]:
    """A ``?>…<?php`` token: the inline HTML, and what stands for it in ``code`` (its line
    breaks kept, then ``echo`` for ``<?=``)."""
    tail = b"echo " if tok.endswith(b"<?=") else b";"
    body = tok[2:]
    cut = body.rfind(b"<?")
    if cut >= 0 and tok.endswith((b"<?", b"<?=", b"<?php", b"<?PHP")):
        body = body[:cut]
    return body, b";" + b"\n" * tok.count(b"\n") + tail


#: what lexing ``data[pos:]`` as PHP code gives: (code lower-cased, raw literal bodies,
#: their kinds, indexes of long literals, of escaped ones, inline HTML, comment bytes, count of
#: "?>" regions); literal indexes count from ``idx0``
TailLexed = tuple[bytes, list[bytes], list[str], list[int], list[int], bytes, int, int]


def lex(data: bytes, *, start_in_php: bool = False, strict_open: bool = False) -> Lexed:
    """Split ``data`` (a whole PHP file, or decoded code when ``start_in_php``)."""
    out = Lexed()
    if start_in_php:
        pos = 0
        head = html_head = b""
    else:
        m0 = (_OPEN_LOOSE if strict_open else _OPEN).search(data)
        if m0 is None:
            out.html = data
            out.code = b"\n" * data.count(b"\n")
            return out
        html_head = data[: m0.start()]
        head = b"\n" * html_head.count(b"\n") + (b"echo " if m0.group().endswith(b"=") else b";")
        pos = m0.end()
        out.php_regions = 1
    code, out.raw_strings, out.kinds, out.long, out.escaped, html, comments, regions = _tail(
        data, pos, 0
    )
    out.code = canonical_space(head + code if head else code)
    out.html = html_head + html if html_head else html
    out.comments_bytes = comments
    out.php_regions += regions
    return out


# A run of statements (each the text after ";", "{" or "}" up to the next one, past its leading
# white space) with a line break inside each. Possessive, and tried only at a statement's end:
# linear; one pass (each statement of the run is joined by :func:`_joined`).
_BROKEN_STATEMENTS = compile_possessive(
    rb"[;{}]\s*+(?:[^;{}\n]++\n[^;{}]*+(?:[;{}]\s*+|\Z))++"
)
_STATEMENT_END = re.compile(rb"([;{}])")
_TO_SPACE = bytes.maketrans(b"\t\r\f\v", b"    ")
_SPACES = re.compile(b"  +")


MAX_JOINED = 100_000  # broken statements joined per file; past them the code stays as it is


def _joined(m: re.Match[bytes], budget: list[int]) -> bytes:
    """Each statement of the run joined, its line breaks after its end; the white space
    before each statement stays. ``budget``: statements that may still be joined."""
    # "", ";", ws + body, ";", ws + body, ...; past the budget, the rest in one piece
    parts = _STATEMENT_END.split(m.group(), maxsplit=max(budget[0], 0) + 1)
    out = [parts[1]]
    for i in range(2, len(parts), 2):
        piece = parts[i]
        if budget[0] <= 0 or (i == len(parts) - 1 and _STATEMENT_END.search(piece)):
            out.append(piece)  # a file of millions of statements: the rest as it is
            break
        body = piece.lstrip()
        end = parts[i + 1] if i + 1 < len(parts) else b""
        breaks = body.count(b"\n")
        if breaks:  # it starts with a token: split() drops no leading space of its own
            budget[0] -= 1  # a statement joined (the white space after a run's end is not)
            piece = piece[: len(piece) - len(body)] + b" ".join(body.split())
        out.append(piece + end + b"\n" * breaks)
    return b"".join(out)


def _canonical_space_py(code: bytes, budget_left: int = MAX_JOINED) -> bytes:
    """``code`` with its white space in one form, so that no rule depends on how a file is
    laid out: a statement broken over lines is joined (``eval\\n(`` reads ``eval (``) and
    its line breaks put after its end (``;``, ``{`` or ``}``), so every line break stays in
    the code and a token keeps the line of its statement's start (the first
    :data:`MAX_JOINED` such statements of a file); any other run of spaces, tabs or comments
    (a comment is a space here) is one space (``eval /**/ /**/ (`` reads ``eval (``)."""
    if b"\n" in code:
        budget = [budget_left]
        src = b";" + code
        out: list[bytes] = []
        last = 0
        for m in _BROKEN_STATEMENTS.finditer(src):
            out.append(src[last : m.start()])
            out.append(_joined(m, budget))
            last = m.end()
            if budget[0] <= 0:
                break  # the rest as it is
        if out:
            out.append(src[last:])
            code = b"".join(out)[1:]
    return _SPACES.sub(b" ", code.translate(_TO_SPACE))


def _tail_py(data: bytes, pos: int, idx0: int) -> TailLexed:
    """:data:`TailLexed` of ``data[pos:]``, in Python: the reference for ``_lexer.tail``
    (compiled), and what runs where it could not be built."""
    out = Lexed()
    raw_strings = out.raw_strings
    kinds = out.kinds
    parts: list[bytes] = []
    append = parts.append
    html_parts: list[bytes] = []
    comments = 0
    n = len(data)
    if b"<<<" not in data:  # no heredoc: every token is handled in one split pass
        comments = _lex_split(data[pos:] if pos else data, out, parts, html_parts, idx0)
        pos = n
    while pos < n:
        resume = n
        for m in _TOKEN.finditer(data, pos):
            start, end = m.span()
            if start > pos:
                append(data[pos:start])
            pos = end
            tok = m.group()
            c = tok[0]
            if c == 39 or c == 34 or c == 96:  # ' " `
                closed = len(tok) > 1 and tok[-1] == c
                raw = tok[1:-1] if closed else tok[1:]
                kind = _KIND[c]
                if len(raw) >= LONG:
                    out.long.append(idx0 + len(kinds))
                if c != 39 and _BACKSLASH in raw:
                    out.escaped.append(idx0 + len(kinds))
                raw_strings.append(raw)
                kinds.append(kind)
                nl = raw.count(b"\n")
                append(b"\x01%d\x01" % (idx0 + len(kinds) - 1) + (b"\n" * nl if nl else b""))
            elif c == 47 or c == 35:  # / or #
                comments += len(tok)
                if c == 47 and tok[1] == 42:  # /* */
                    append(b" " + b"\n" * tok.count(b"\n"))
                else:
                    append(b" ")
            elif c == 63:  # ?> inline HTML <?php
                out.php_regions += 1
                body, piece = _inline_html(tok)
                html_parts.append(body)
                append(piece)
            else:  # <<< heredoc / nowdoc: find the closing label, then restart after it
                h = _HEREDOC.match(data, start)
                if h is None:
                    append(tok)
                    continue
                label = re.escape(h.group(2))
                end_re = re.compile(rb"\n[ \t]*" + label + rb"(?![A-Za-z0-9_\x80-\xff])")
                body_start = h.end()
                e = end_re.search(data, body_start - 1)
                if e is None:
                    body_end = end = n
                else:
                    body_end, end = e.start(), e.end()
                body = data[body_start:body_end]
                if len(body) >= LONG:
                    out.long.append(idx0 + len(kinds))
                if h.group(1) != b"'" and b"\\" in body:
                    out.escaped.append(idx0 + len(kinds))
                raw_strings.append(body)
                kinds.append("nowdoc" if h.group(1) == b"'" else "heredoc")
                placeholder = b"\x01%d\x01" % (idx0 + len(kinds) - 1)
                append(placeholder + b"\n" * data.count(b"\n", start, end))
                resume = end
                break
        else:
            if pos < n:
                append(data[pos:])
            break
        pos = resume
    code = b"".join(parts).lower()
    html = b"".join(html_parts)
    return code, raw_strings, kinds, out.long, out.escaped, html, comments, out.php_regions


_MARKS: list[bytes] = []  # _MARKS[i] == b"\x01%d\x01" % i, grown on demand


_MAX_MARKS = 1 << 14


def _mark(idx: int) -> bytes:
    if idx >= _MAX_MARKS:
        return b"\x01%d\x01" % idx
    while len(_MARKS) <= idx:
        _MARKS.append(b"\x01%d\x01" % len(_MARKS))
    return _MARKS[idx]


def _lex_split(
    data: bytes, out: Lexed, parts: list[bytes], html_parts: list[bytes], idx0: int
) -> int:
    """The token loop of :func:`lex` for text without ``<<<`` (so no heredoc/nowdoc): the
    same output, with the tokens cut out by one ``split`` call and each token replaced in
    the list by what stands for it in ``code``. Returns the comment bytes.

    A literal token ends with its quote unless it runs to the end of the text, so only the
    last token can be an unclosed literal: it is given its quote first, and every literal's
    body is then the token without its first and last byte."""
    pieces = _TOKEN_SPLIT.split(data)
    if len(pieces) > 1:
        last = pieces[-2]
        if last[0] in _KIND and (len(last) == 1 or last[-1] != last[0]):
            pieces[-2] = last + last[:1]  # an unclosed literal: its body is last[1:]
    raw_strings = out.raw_strings
    kinds = out.kinds
    long_ = out.long
    escaped = out.escaped
    kind_of = _KIND
    idx = idx0 + len(kinds)
    _mark(min(idx + len(pieces) // 2, _MAX_MARKS - 1))  # placeholders for every token
    marks = _MARKS
    n_marks = len(marks)
    comments = 0
    for i in range(1, len(pieces), 2):
        tok = pieces[i]
        c = tok[0]
        if c == 39 or c == 34 or c == 96:  # ' " `
            raw = tok[1:-1]
            if len(raw) >= LONG:
                long_.append(idx)
            if c != 39 and _BACKSLASH in raw:
                escaped.append(idx)
            raw_strings.append(raw)
            kinds.append(kind_of[c])
            mark = marks[idx] if idx < n_marks else b"\x01%d\x01" % idx
            idx += 1
            lines = raw.count(b"\n")
            pieces[i] = mark + b"\n" * lines if lines else mark
        elif c == 47 or c == 35:  # / or #
            comments += len(tok)
            if c == 47 and tok[1] == 42:  # /* */
                pieces[i] = b" " + b"\n" * tok.count(b"\n")
            else:
                pieces[i] = b" "
        elif c == 63:  # ?> inline HTML <?php
            out.php_regions += 1
            body, pieces[i] = _inline_html(tok)
            html_parts.append(body)
        # else "<<<", which cannot occur (the caller checked): the token stays
    parts.extend(pieces)
    return comments


# a name of lexed (lower-cased) code: "[a-z_\x80-\xff]" written as ranges, which the regex
# engine tests with one table lookup instead of a category test
_NAME_LOW = possessive(rb"[a-z_\x80-\xff][0-9a-z_\x80-\xff]*+")
_VAR_NAME = re.compile(rb"\$(" + _NAME_LOW + rb")")
_FUNCTION_NAME = re.compile(rb"function\s+(" + _NAME_LOW + rb")")


def _names_py(code: bytes) -> set[bytes]:
    """The names of the variables (``$name``) and declared functions (``function name``) in
    lexed ``code``: the reference for ``_lexer.names``, and what runs where it was not built."""
    found = set(_VAR_NAME.findall(code))
    found.update(_FUNCTION_NAME.findall(code))
    return found


def find_py(text: bytes, word: bytes, start: int | None = 0, end: int | None = None) -> int:
    """``text.find(word, start, end)``: the reference of the compiled ``_lexer.find``, and
    what :data:`find` is where that was not built."""
    return text.find(word, start, end)


try:  # the same loops, compiled (see _lexer.c); the Python ones where it was not built
    from spamtrace.scanner._lexer import canonical_space as _canonical_space
    from spamtrace.scanner._lexer import names as _names
    from spamtrace.scanner._lexer import tail as _tail
except ImportError:  # pragma: no cover - exercised by the tests through the _py functions
    _tail = _tail_py
    _names = _names_py
    _canonical_space = _canonical_space_py
try:  # on its own: a _lexer built before it was added keeps the compiled lexer above
    from spamtrace.scanner._lexer import find as find
except ImportError:
    find = find_py
#: ``find(text, word, start=0, end=None)`` == ``text.find(word, start, end)`` for bytes: the
#: rules ask a file's code for words it most often does not hold, thousands of times a file;
#: Python's search steps through the code at ~1.5 ns a byte, the compiled one tests 16
#: offsets at once (~20 times as fast over a file of 100 KB where the word is absent)


def canonical_space(code: bytes) -> bytes:
    """``code`` with its white space in one form (see :func:`_canonical_space_py`, the
    reference of the compiled ``_lexer.canonical_space``)."""
    return _canonical_space(code, MAX_JOINED)


def names(code: bytes) -> set[bytes]:
    """The names of the variables and declared functions in lexed ``code``."""
    return _names(code)
