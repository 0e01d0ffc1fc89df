"""Double-quoted strings and heredocs with variables in them, written as the concatenations
PHP evaluates them as: ``"a{$_GET['p']}b"`` reads ``'a' . $_GET['p'] . 'b'``.

The lexer sets every literal apart (``code`` holds a placeholder for it), so a request value
written inside a string (``include "$_GET[p]";``, ``eval("{$_POST['x']}")``) is invisible to
a rule that reads the code. :func:`written_out` gives the code with each such string replaced
by its pieces: the literal text as new single-quoted literals, the variables as code
(lower-cased, as the lexed code is), in PHP's syntaxes:

- simple: ``$name``, ``$name[key]`` (an unquoted key is a string, ``$_GET[p]`` is
  ``$_GET['p']``; a number or a variable as itself), ``$name->prop``;
- ``${name}``, ``${name[expr]}`` (``$name``, ``$name[expr]``), ``${expr}`` (a variable
  variable, as written);
- complex: ``{$expr}``, the expression as code (its own quoted literals as literals).

A string in the path of an include or require is also written out where it reads, instead
of a request value, a variable a statement of the script sets to one (``$p = $_GET['p'];
include "pages/$p.php";`` as ``include 'pages/' . $p . '.php';``): the include rules follow
such a variable when it is glued with ".", with what checks it on the way.

A ``$`` after a backslash is the character itself; a nowdoc or a single-quoted string holds
no variable; a string whose syntax is not one of these (an unclosed ``{$``, a nested
double-quoted string with a variable of its own) is left as it is. The pieces are glued by
``.`` and put in parentheses where an operator next to the string binds tighter than ``.``.
No line break is added: the code's lines stay those of the file.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator

from spamtrace.scanner.context import word_searcher
from spamtrace.scanner.lexer import Lexed, _unescape_dq, _unescape_sq, find
from spamtrace.scanner.rx import tight

MAX_STRINGS = 2000  # strings written out per file, at most
MAX_MATCHES = 20_000  # places of a request value in the literals looked at per file
MAX_PIECES = 200  # variables in one string: more and it is left as it is
MAX_FILE_PIECES = 10_000  # pieces written per file, at most (then the strings stay as written)
MAX_RAW = 65_536  # a string longer than this is left as it is
MAX_EXPR = 400  # the expression of a "{$...}" or "${...}", at most

_NAME = rb"[a-zA-Z_\x80-\xff][a-zA-Z0-9_\x80-\xff]*"
_SIMPLE = tight(rb"\$(" + _NAME + rb")")
_SIMPLE_KEY = tight(
    rb"\[(?:(" + _NAME + rb")|(-?[0-9]+)|\$(" + _NAME + rb"))\]"
)
_SIMPLE_PROP = tight(rb"->(" + _NAME + rb")")
_BARE_NAME = tight(_NAME + rb"\Z")
_NAME_OPEN = tight(rb"(" + _NAME + rb")\[")
_DOLLAR_OR_BRACE = tight(rb"[\\${]")
# a byte before or after the string that binds no tighter than "." (an argument, an
# assignment, a comparison, a keyword such as include or echo): no parentheses needed
_SAFE_BEFORE = frozenset(b"(,=.;{}[?:<>&|\n \t") | frozenset(b"abcdefghijklmnopqrstuvwxyz_")
_SAFE_AFTER = frozenset(b"),;.]?:}=!<>&|")


class _Unwritable(Exception):
    """The string is not written out (a syntax this reader does not follow)."""


def _code_expr(expr: bytes, added: _Added) -> bytes:
    """The code of an expression inside ``{$...}`` or ``${...}``: lower-cased, its quoted
    literals as new placeholders (their values appended to ``added`` as single-quoted
    bodies), line breaks as spaces."""
    out: list[bytes] = []
    i = 0
    n = len(expr)
    while i < n:
        c = expr[i]
        if c in (39, 34):  # ' or "
            j = i + 1
            while j < n and expr[j] != c:
                j += 2 if expr[j] == 92 else 1
            if j >= n:
                raise _Unwritable
            body = expr[i + 1 : j]
            if c == 34:
                if b"$" in body:
                    raise _Unwritable
                value = _unescape_dq(body)[0]
            else:
                value = _unescape_sq(body)
            out.append(_placeholder(value, added))
            i = j + 1
        elif c == 92:  # a backslash outside a literal: a namespace, an escaped quote
            raise _Unwritable
        else:
            j = i
            while j < n and expr[j] not in (39, 34, 92):
                j += 1
            out.append(expr[i:j].lower().replace(b"\n", b" ").replace(b"\r", b" "))
            i = j
    return b"".join(out)


class _Added(list[bytes]):
    """The single-quoted bodies of the new literals, numbered from ``base`` on."""

    def __init__(self, base: int) -> None:
        super().__init__()
        self.base = base


def _placeholder(value: bytes, added: _Added) -> bytes:
    """A new literal of ``value`` (its single-quoted body appended to ``added``), as its
    placeholder."""
    added.append(value.replace(b"\\", b"\\\\").replace(b"'", b"\\'"))
    return b"\x01%d\x01" % (added.base + len(added) - 1)


def _closing(raw: bytes, start: int) -> int:
    """The offset of the "}" that closes the "{" before ``start`` (quoted literals and
    nested braces skipped), or -1 within :data:`MAX_EXPR` bytes."""
    depth = 1
    i = start
    end = min(len(raw), start + MAX_EXPR)
    while i < end:
        c = raw[i]
        if c in (39, 34):
            i += 1
            while i < end and raw[i] != c:
                i += 2 if raw[i] == 92 else 1
        elif c == 123:
            depth += 1
        elif c == 125:
            depth -= 1
            if not depth:
                return i
        i += 1
    return -1


def _pieces(
    raw: bytes, added: _Added, spans: list[tuple[int, int]] | None = None
) -> list[bytes]:
    """The pieces of a double-quoted body (``raw`` as written): each a placeholder of a new
    literal or the code of a variable, in order; where each variable stands in ``raw``
    (start, end) appended to ``spans`` when given."""
    pieces: list[bytes] = []
    text_start = 0
    i = 0
    n = len(raw)

    def flush(end: int) -> None:
        if end > text_start:
            pieces.append(_placeholder(_unescape_dq(raw[text_start:end])[0], added))

    while True:
        m = _DOLLAR_OR_BRACE.search(raw, i)
        if m is None:
            break
        i = m.start()
        c = raw[i]
        if c == 92:  # an escape: the next byte is part of it ("\$" is a dollar sign)
            i += 2
            continue
        if c == 123:  # "{": complex syntax only when "$" follows at once
            if raw[i + 1 : i + 2] != b"$":
                i += 1
                continue
            close = _closing(raw, i + 1)
            if close < 0:
                raise _Unwritable
            flush(i)
            pieces.append(_code_expr(raw[i + 1 : close], added))
            if spans is not None:
                spans.append((i, close + 1))
            i = text_start = close + 1
        elif raw[i + 1 : i + 2] == b"{":  # "${"
            close = _closing(raw, i + 2)
            if close < 0:
                raise _Unwritable
            flush(i)
            inner = raw[i + 2 : close]
            if _BARE_NAME.match(inner):
                pieces.append(b"$" + inner.lower())
            else:
                head = _NAME_OPEN.match(inner)
                if head is not None and inner.endswith(b"]"):
                    pieces.append(b"$" + head.group(1).lower() + b"[" +
                                  _code_expr(inner[head.end() : -1], added) + b"]")
                else:
                    pieces.append(b"${" + _code_expr(inner, added) + b"}")
            if spans is not None:
                spans.append((i, close + 1))
            i = text_start = close + 1
        else:
            v = _SIMPLE.match(raw, i)
            if v is None:  # a "$" before no name: the character
                i += 1
                continue
            flush(i)
            var = b"$" + v.group(1).lower()
            end = v.end()
            if raw[end : end + 1] == b"[":
                k = _SIMPLE_KEY.match(raw, end)
                if k is None:
                    raise _Unwritable  # PHP refuses the file: nothing to read
                if k.group(1) is not None:
                    var += b"[" + _placeholder(k.group(1), added) + b"]"
                elif k.group(2) is not None:
                    var += b"[" + k.group(2) + b"]"
                else:
                    var += b"[$" + k.group(3).lower() + b"]"
                end = k.end()
            elif raw[end : end + 2] == b"->":
                p = _SIMPLE_PROP.match(raw, end)
                if p is not None:
                    var += b"->" + p.group(1).lower()
                    end = p.end()
            pieces.append(var)
            if spans is not None:
                spans.append((i, end))
            i = text_start = end
        if len(pieces) > 2 * MAX_PIECES:
            raise _Unwritable
    flush(n)
    return pieces


def variables(raw: bytes) -> list[tuple[int, int]] | None:
    """Where PHP reads a variable in a double-quoted body or heredoc (``raw`` as written):
    (start, end) of each ``$name``, ``$name[key]``, ``$name->prop``, ``${...}`` and
    ``{$...}``, in order (a ``$`` after a backslash is text); None for a body this reader
    does not follow (see the module's doc)."""
    spans: list[tuple[int, int]] = []
    try:
        _pieces(raw, _Added(0), spans)
    except _Unwritable:
        return None
    return spans


def read_code(raw: bytes) -> tuple[list[bytes], bool] | None:
    """The code of each variable PHP reads in a double-quoted body or heredoc (``raw`` as
    written), in order, as :func:`written_out` writes it (``$_GET[p]`` as ``$_get[K]``,
    ``{$o->f('a')}`` as ``$o->f(K)``) with each quoted literal of it written as the
    placeholder ``K`` = ``\\x01-1\\x01`` (a key's text is not known here: a rule that reads a
    literal's value finds none); and whether the body has text besides them. None for a body
    this reader does not follow (see the module's doc)."""
    added = _Added(0)
    try:
        pieces = _pieces(raw, added)
    except _Unwritable:
        return None
    reads = [_NEW_LITERAL.sub(b"\x01-1\x01", p) for p in pieces if p[:1] == b"$"]
    return reads, len(reads) < len(pieces)


_NEW_LITERAL = tight(rb"\x01\d+\x01")
_INTERPOLATING_KINDS = frozenset({"dq", "heredoc"})


def _interpolating(lx: Lexed) -> tuple[list[int], list[int]]:
    """The indexes, in order, of the double-quoted literals and heredocs that have a request
    value in them (at most :data:`MAX_STRINGS`, found among the first :data:`MAX_MATCHES`
    places where any literal holds one: one search over the literals joined), and of those
    that have none but read a variable the script sets to request input
    (:func:`_request_holders`)."""
    kinds = lx.kinds
    if "dq" not in kinds and "heredoc" not in kinds:
        return [], []
    raws = lx.raw_strings
    # the double-quoted literals and heredocs, picked without a Python step per literal
    dq = list(itertools.compress(itertools.count(), map(_INTERPOLATING_KINDS.__contains__, kinds)))
    bodies = list(map(raws.__getitem__, dq))
    joined = b"\x00".join(bodies)
    if find(joined, b"$") < 0:
        return [], []
    starts = list(itertools.accumulate(map((1).__add__, map(len, bodies)), initial=0))
    found: list[int] = []
    held: list[int] = []
    names = _request_holders(lx.code)
    last = -1
    for m in itertools.islice(_request_values(joined, names), MAX_MATCHES):
        at = bisect.bisect_right(starts, m.start()) - 1
        if at == last or _escaped(joined, m.start()) or len(bodies[at]) > MAX_RAW:
            continue
        if names and m.lastindex:  # a variable holding request input, not the input itself
            if held[-1:] != [dq[at]]:
                held.append(dq[at])
            continue  # a request value later in the same string makes it one of "found"
        last = at
        found.append(dq[at])
        if len(found) >= MAX_STRINGS:
            break
    if held:
        direct = set(found)
        held = [idx for idx in held if idx not in direct]
    return found, held


# a request value PHP puts in the string: a superglobal ("$_GET[p]", "{$_POST['x']}",
# "${_COOKIE['k']}", "{$GLOBALS['_GET']['x']}"), a framework's request object
# ("{$request->input('p')}"); a "$" after an odd number of backslashes is text ("\$_GET"),
# :func:`_escaped` (the pattern starts with "$": the regex engine finds it fast)
_REQUEST_VALUE = tight(
    rb"\$\{?(?:(?:_(?:get|post|request|cookie|files|server|env|session)|globals)"
    rb"(?![a-z0-9_\x80-\xff])|request->)",
    re.IGNORECASE,
)


# a request value, or any variable PHP puts in a string ("$name", "${name"): the name (group
# 1) is one of the holders' or the place is passed over (:func:`_request_values`)
_ANY_VALUE = re.compile(
    _REQUEST_VALUE.pattern + rb"|\$\{?([a-z_\x80-\xff][a-z0-9_\x80-\xff]*)", re.IGNORECASE
)
#: variables passed over (not holders) before :func:`_request_values` compiles its pattern
_PASSED_OVER = 2000


def _holders_pattern(names: set[bytes]) -> re.Pattern[bytes]:
    """A request value, or a variable among ``names`` (group 1) read in a string."""
    return re.compile(
        _REQUEST_VALUE.pattern + rb"|\$\{?(" + b"|".join(sorted(names)) + rb")"
        rb"(?![a-z0-9_\x80-\xff])",
        re.IGNORECASE,
    )


def _request_values(
    joined: bytes, names: set[bytes], passed_over: int = _PASSED_OVER
) -> Iterator[re.Match[bytes]]:
    """``_holders_pattern(names).finditer(joined)`` (just :data:`_REQUEST_VALUE`'s matches
    without ``names``), without compiling a pattern of the file's own names (~0.5 ms each,
    one per file with request holders): :data:`_ANY_VALUE` finds each request value and each
    variable read (a holder's match is one of those: its name is the whole name there), and
    a variable that is not a holder is passed over, the search going on from the next byte
    as the pattern's would. Past ``passed_over`` of those, the pattern is compiled."""
    if not names:
        yield from _REQUEST_VALUE.finditer(joined)
        return
    pos = passed = 0
    while True:
        m = _ANY_VALUE.search(joined, pos)
        if m is None:
            return
        if m.lastindex and m.group(1).lower() not in names:
            passed += 1
            if passed > passed_over:
                yield from _holders_pattern(names).finditer(joined, m.start() + 1)
                return
            pos = m.start() + 1
            continue
        yield m
        pos = m.end()  # the matches are never empty


# request input in the (lower-cased) code, as the assignments below look for it
_CODE_REQUEST = tight(rb"\$_(?:get|post|request|cookie|files)\b|php://input")
# the start of a statement that sets a variable: "$p =", "$p .=", "$p ??=", "$p['k'] ="
_SETS_VAR = tight(
    rb"\s*\$(" + _NAME + rb")\s*(?:\[[^\]\n;]{0,60}\]\s*)*(?:\.|\?\?)?=(?![=>])"
)
MAX_HOLDERS = 50  # variables set from request input looked for in the strings, at most
_STATEMENT_BACK = 600  # the statement that sets a variable starts at most this far back
#: a word one of which starts every match of :data:`_CODE_REQUEST`
_CODE_REQUEST_WORDS = (b"$_cookie", b"$_files", b"$_get", b"$_post", b"$_request", b"php://input")


def _code_requests(code: bytes) -> Iterator[re.Match[bytes]]:
    """``_CODE_REQUEST.finditer(code)``, the pattern tried only where one of its words starts
    (it begins with an alternation: the regex engine tried it at every "$" and "p")."""
    search = word_searcher(_CODE_REQUEST, code, _CODE_REQUEST_WORDS)
    m = search(0)
    while m is not None:
        yield m
        m = search(m.end())  # the matches are never empty


def _request_holders(code: bytes) -> set[bytes]:
    """The names of the variables a statement of ``code`` sets to an expression with request
    input in it (``$p = $_GET['p'];``, ``$p = isset($_GET['p']) ? $_GET['p'] : 'home';``),
    at most :data:`MAX_HOLDERS`, from the first :data:`MAX_MATCHES` places of request input:
    a string that reads such a variable is written out as one that reads the input itself
    (``include "pages/$p.php";``); so is one that reads a copy of a copy of it
    (:func:`copy_chains`). What the expression does to the input (a whitelist, a
    cast, basename()) is for the rules reading the concatenation to judge, as they judge it
    written with "."."""
    names: set[bytes] = set()
    for m in itertools.islice(_code_requests(code), MAX_MATCHES):
        at = m.start()
        # the last ";", "{" or "}" before it, looked for only as far back as a statement
        # start is taken (a search back to the file's start per place was quadratic)
        low = max(0, at - _STATEMENT_BACK - 1)
        start = max(
            code.rfind(b";", low, at), code.rfind(b"{", low, at), code.rfind(b"}", low, at)
        )
        if at - start > _STATEMENT_BACK:
            continue
        v = _SETS_VAR.match(code, start + 1, at)
        if v is None or (v.group(1).startswith(b"_") and v.group(1)[1:] in _SUPERGLOBALS):
            continue
        names.add(v.group(1))
        if len(names) >= MAX_HOLDERS:
            break
    # and the copies of a copy of one ($b = $a; include "x/$b.php";)
    if names:
        copied = copy_chains(plain_copies(code), names)
        names.update(sorted(copied - names)[: max(0, MAX_HOLDERS - len(names))])
    return {re.escape(n) for n in names}


# a variable set to another one as it is, alone: "$b = $a;"
_PLAIN_COPY = tight(rb"\$(" + _NAME + rb")\s*=\s*\$(" + _NAME + rb")\s*;")
MAX_COPY_HOPS = 4  # copies of a copy followed from a variable, at most
MAX_COPIES = 500  # plain copies looked at per file


def plain_copies(code: bytes) -> list[tuple[bytes, bytes]]:
    """The plain copies of ``code`` (``$b = $a;``, a statement of its own; the first
    :data:`MAX_COPIES`), as (the variable set, the variable copied)."""
    return [
        (m.group(1), m.group(2))
        for m in itertools.islice(_PLAIN_COPY.finditer(code), MAX_COPIES)
        if m.group(1) != m.group(2)
    ]


def copy_chains(
    pairs: list[tuple[bytes, bytes]], names: set[bytes], hops: int = MAX_COPY_HOPS
) -> set[bytes]:
    """``names`` and the variables a chain of plain copies (:func:`plain_copies`: ``$b =
    $a; $c = $b;``, at most ``hops`` of them) sets from one of them: what also holds the
    value one of ``names`` holds, wherever it was set first. A name met again ends its
    chain (``$a = $b; $b = $a;`` adds nothing twice)."""
    held = set(names)
    frontier = set(names)
    for _ in range(hops):
        if not frontier or not pairs:
            break
        frontier = {dst for dst, src in pairs if src in frontier and dst not in held}
        held |= frontier
    return held


_SUPERGLOBALS = frozenset({b"get", b"post", b"request", b"cookie", b"files", b"server", b"env",
                           b"session"})


def _escaped(text: bytes, at: int) -> bool:
    """Whether the byte at ``at`` stands after an odd number of backslashes (counted a
    slice at a time: a run of megabytes of them is one strip per slice)."""
    run = 0
    end = at
    step = 64
    while end > 0:
        chunk = text[max(0, end - step) : end]
        kept = len(chunk.rstrip(b"\\"))
        run += len(chunk) - kept
        if kept:
            break
        end -= len(chunk)
        step *= 4
    return run % 2 == 1


# include/require and its path's opening up to a string: "include 'pages/' . ", "require_once("
_INCLUDE_BEFORE = tight(
    rb"(?<![\w$>:])(?:include|require)(?:_once)?\b[^;{}\x01]{0,80}"
    rb"(?:\x01\d+\x01[^;{}\x01]{0,80})?\Z"
)


def _included(code: bytes, idx: int) -> bool:
    """Whether the literal ``idx`` is (part of) the path of an include or require: a string
    that reads a variable holding request input is written out there alone (the include
    rules judge that variable as they judge it glued with "."; elsewhere a rule may read
    the string itself, an SQL query of an escaped value)."""
    mark = b"\x01%d\x01" % idx
    at = find(code, mark)
    while at >= 0:
        if _INCLUDE_BEFORE.search(code, max(0, at - 200), at) is not None:
            return True
        at = find(code, mark, at + len(mark))
    return False


def written_out(lx: Lexed) -> Lexed | None:
    """``lx`` with each double-quoted string and heredoc that has a variable in it written as
    the concatenation of its pieces (see the module's doc), or None where there is none."""
    idxs, held = _interpolating(lx)
    code = lx.code
    if held:
        idxs = sorted(idxs + [idx for idx in held if _included(code, idx)])
    if not idxs:
        return None
    base = len(lx.raw_strings)
    added = _Added(base)
    out: list[bytes] = []
    last = 0
    pos = 0
    budget = MAX_FILE_PIECES
    for idx in idxs:
        mark = b"\x01%d\x01" % idx
        at = find(code, mark, pos)
        if at < 0:
            at = find(code, mark)  # the placeholders stand in the order of the literals
            if at < last:
                continue
        end = at + len(mark)
        pos = end
        keep = len(added)
        try:
            pieces = _pieces(lx.raw_strings[idx], added)
        except _Unwritable:
            del added[keep:]
            continue
        budget -= len(pieces)
        if not pieces or budget < 0:
            del added[keep:]
            if budget < 0:
                break
            continue
        text = b" . ".join(pieces)
        if len(pieces) > 1:
            before = code[max(0, at - 40) : at].rstrip(b" \t")[-1:]
            after = code[end : end + 40].lstrip(b" \t")[:1]
            if (before and before[0] not in _SAFE_BEFORE) or (
                after and after[0] not in _SAFE_AFTER
            ):
                text = b"(" + text + b")"
        out.append(code[last:at])
        out.append(text)
        last = end
    if not out:
        return None
    out.append(code[last:])
    return lx.with_literals(b"".join(out), list(added))
