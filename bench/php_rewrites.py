"""Semantics-preserving rewrites of PHP source, for bench/scan_mutation_bench.py.

Each rewrite takes the bytes of a PHP file and returns the bytes of a file PHP runs the same
way (up to ``__FILE__``/``__LINE__`` and the names it uses), or ``None`` where it does not
apply (no PHP code, nothing of its kind to rewrite). Nothing is ever run: the text is cut with
the scanner's own lexer patterns (``spamtrace.scanner.lexer``: open tags, ``?>`` inline HTML,
comments, quoted strings, heredoc/nowdoc), the code between them into PHP tokens, and put
back together with the change.

The rewrites are what attackers do to the families a scanner already knows:

* ``rename``: every variable and every function the file declares (outside classes) gets a new
  name, made of ordinary words (``$itemCount3``): not machine-looking names, which a scanner
  may fairly count against a file on their own; a name that also appears as a literal
  (``$GLOBALS['x']``, ``compact('x')``, ``'myfunc'`` given as a callback) is renamed there too
  for functions, and not renamed at all for variables;
* ``case``: every called name (functions, methods, ``new`` classes) and the language
  constructs (``eval``, ``include``, ``echo``...) in random letter case;
* ``comments``: comments and white space between tokens (``eval/**/ (``);
* ``split-strings``: literals cut into concatenations (``'ev'.'al'``), in parentheses where the
  neighbouring operator binds tighter than ``.``;
* ``quotes``: single-quoted literals double-quoted and double-quoted ones (without
  interpolation) single-quoted;
* ``escape-strings``: every literal (without interpolation) double-quoted with its bytes as
  ``\\xNN`` and ``\\NNN`` escapes;
* ``wrap-base64``, ``wrap-gzinflate``, ``wrap-rot13``, ``wrap-strrev``: the whole file run by
  ``eval('?>' . base64_decode('...'))`` (and ``gzinflate(base64_decode())``, ``str_rot13()``,
  ``strrev()``);
* ``variable-functions``: each call of a built-in function through a variable
  (``$fnData = 'system'; $fnData(...)``), the variables set at the top of the file and of each
  function body;
* ``superglobal-varvar``: ``$_POST`` written ``${'_'.'POST'}`` (at the top level) or
  ``$GLOBALS['_'.'POST']`` (in functions, where a variable variable cannot name a superglobal);
  for ``$_GET``, ``$_POST``, ``$_COOKIE``, ``$_FILES`` and ``$_SESSION`` only: ``$_SERVER``,
  ``$_ENV`` and ``$_REQUEST`` exist only where the file names them literally
  (``auto_globals_jit``);
* ``junk-prologue``: about 3 KB of code that does nothing visible (assignments, loops, a class
  and functions of its own) put before the file's first statement;
* ``combo``: ``rename``, ``variable-functions``, ``split-strings`` and ``comments`` in turn.
"""

from __future__ import annotations

import base64
import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from spamtrace.scanner.lexer import _HEREDOC, _OPEN, _TOKEN, _unescape_dq, _unescape_sq

# ---------------------------------------------------------------- cutting the file


@dataclass(slots=True)
class Seg:
    """A piece of the file: ``kind`` is ``html`` (before the first open tag), ``open`` (the
    first open tag), ``code``, ``sq``/``dq``/``bq`` (a whole quoted literal), ``comment``,
    ``close`` (``?>``, inline HTML and the next open tag), ``heredoc`` (the whole heredoc or
    nowdoc) or ``rest`` (after ``__halt_compiler``, or an unclosed literal: kept as it is)."""

    kind: str
    text: bytes


def segments(data: bytes) -> list[Seg] | None:
    """The file cut into :class:`Seg` pieces (their texts joined give ``data`` back), or
    ``None`` when it has no PHP open tag."""
    m0 = _OPEN.search(data)
    if m0 is None:
        return None
    out = [Seg("html", data[: m0.start()]), Seg("open", m0.group())]
    pos, n = m0.end(), len(data)
    while pos < n:
        m = _TOKEN.search(data, pos)
        if m is None:
            out.append(Seg("code", data[pos:]))
            break
        start, end = m.span()
        if start > pos:
            out.append(Seg("code", data[pos:start]))
        tok = m.group()
        c = tok[0]
        if c in b"'\"`":
            closed = len(tok) > 1 and tok[-1] == c
            out.append(Seg({39: "sq", 34: "dq", 96: "bq"}[c] if closed else "rest", tok))
        elif c in b"/#":
            out.append(Seg("comment", tok))
        elif c == ord("?"):
            out.append(Seg("close", tok))
        else:  # <<<
            h = _HEREDOC.match(data, start)
            if h is None:
                out.append(Seg("code", tok))
            else:
                label = re.escape(h.group(2))
                e = re.compile(rb"\n[ \t]*" + label + rb"(?![A-Za-z0-9_\x80-\xff])").search(
                    data, h.end() - 1
                )
                end = n if e is None else e.end()
                out.append(Seg("heredoc", data[start:end]))
        pos = end
    # everything after __halt_compiler(); is data, not code: kept whole
    for i, s in enumerate(out):
        if s.kind == "code":
            h = re.search(rb"__halt_compiler\s*\(\s*\)\s*;?", s.text, re.IGNORECASE)
            if h:
                rest = s.text[h.end() :] + b"".join(x.text for x in out[i + 1 :])
                out[i:] = [Seg("code", s.text[: h.end()]), Seg("rest", rest)]
                break
    return out


def join(segs: list[Seg]) -> bytes:
    return b"".join(s.text for s in segs)


_NAME = rb"[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*"
_CODE_TOKEN = re.compile(
    rb"(?P<ws>\s+)"
    rb"|(?P<var>\$" + _NAME + rb")"
    rb"|(?P<name>\\?" + _NAME + rb"(?:\\" + _NAME + rb")*)"
    rb"|(?P<num>0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?"
    rb"|\.\d[\d_]*(?:[eE][+-]?\d+)?)"
    rb"|(?P<cast>\([ \t]*(?i:int|integer|bool|boolean|float|double|real|string|binary|array"
    rb"|object|unset)[ \t]*\))"
    rb"|(?P<op><<=|>>=|\*\*=|\.\.\.|<=>|===|!==|\?\?=|\?->|<<|>>|<=|>=|==|!=|<>|&&|\|\||\?\?"
    rb"|\+\+|--|\+=|-=|\*=|/=|\.=|%=|&=|\|=|\^=|->|=>|::|\*\*)"
    rb"|(?P<ch>.)",
    re.DOTALL,
)


@dataclass(slots=True)
class Tok:
    """A token of the file: ``kind`` is a :data:`_CODE_TOKEN` group name for code, else the
    kind of its :class:`Seg` (a literal, comment, ``close``...)."""

    kind: str
    text: bytes


def tokens(data: bytes) -> list[Tok] | None:
    """The file as tokens (joined, they give ``data`` back), or ``None`` without PHP."""
    segs = segments(data)
    if segs is None:
        return None
    out: list[Tok] = []
    for s in segs:
        if s.kind == "code":
            for m in _CODE_TOKEN.finditer(s.text):
                out.append(Tok(m.lastgroup or "ch", m.group()))
        else:
            out.append(Tok(s.kind, s.text))
    return out


def untok(toks: list[Tok]) -> bytes:
    return b"".join(t.text for t in toks)


def _prev(toks: list[Tok], i: int) -> int:
    """Index of the token before ``i`` that is not white space or a comment, or -1."""
    i -= 1
    while i >= 0 and toks[i].kind in ("ws", "comment"):
        i -= 1
    return i


def _next(toks: list[Tok], i: int) -> int:
    i += 1
    while i < len(toks) and toks[i].kind in ("ws", "comment"):
        i += 1
    return i


def _low(t: Tok) -> bytes:
    return t.text.lower()


_MEMBER = (b"->", b"?->", b"::")
_CLASSLIKE = {b"class", b"interface", b"trait", b"enum"}


@dataclass(slots=True)
class Scopes:
    """Where each code token sits: ``func[i]`` the index of the ``{`` of the innermost function
    body around token ``i`` (-1 at the top level), ``in_class[i]`` whether the innermost braces
    around it are a class body (so ``function`` there declares a method)."""

    func: list[int]
    in_class: list[bool]
    bodies: list[int]  # the "{" of every function body


def scopes(toks: list[Tok]) -> Scopes:
    func = [-1] * len(toks)
    in_class = [False] * len(toks)
    bodies: list[int] = []
    stack: list[tuple[str, int]] = []  # ("func" | "class" | "other", index of "{")
    pending: str | None = None
    pending_paren = 0
    paren = 0
    cur_func = -1
    for i, t in enumerate(toks):
        func[i] = cur_func
        in_class[i] = bool(stack) and stack[-1][0] == "class"
        if t.kind == "name":
            low = _low(t)
            p = _prev(toks, i)
            member = p >= 0 and toks[p].text in _MEMBER
            if low == b"function" and not member:
                pending, pending_paren = "func", paren
            elif low in _CLASSLIKE and not member and not (p >= 0 and _low(toks[p]) == b"new"):
                if low != b"enum" or toks[_next(toks, i)].kind == "name":
                    pending, pending_paren = "class", paren
            elif low == b"new" and toks[_next(toks, i)].kind == "name":
                nx = _next(toks, i)
                if _low(toks[nx]) == b"class":  # new class(...) { ... }
                    pending, pending_paren = "class", paren
        elif t.kind in ("ch", "cast"):
            c = t.text
            if c == b"(":
                paren += 1
            elif c == b")":
                paren -= 1
            elif c == b";" and pending and paren == pending_paren:
                pending = None  # an abstract or interface method
            elif c == b"{":
                if pending and paren == pending_paren:
                    stack.append((pending, i))
                    if pending == "func":
                        bodies.append(i)
                        cur_func = i
                    pending = None
                else:
                    stack.append(("other", i))
            elif c == b"}" and stack:
                stack.pop()
                cur_func = next((j for kind, j in reversed(stack) if kind == "func"), -1)
    return Scopes(func, in_class, bodies)


# ---------------------------------------------------------------- names

_WORDS = (
    b"item data value result buffer node entry config handler record temp list info field "
    b"cache state key text line part row page user count index size flag mode path name "
    b"option setting output input chunk block token stream queue"
).split()

SUPERGLOBALS = {
    b"$_get", b"$_post", b"$_cookie", b"$_files", b"$_request", b"$_server", b"$_env",
    b"$_session", b"$globals", b"$this", b"$argv", b"$argc", b"$http_response_header",
    b"$php_errormsg",
}  # fmt: skip


class Names:
    """Fresh names of ordinary words, none of them already used in the file."""

    def __init__(self, rng: random.Random, used: set[bytes]) -> None:
        self.rng = rng
        self.used = {u.lower() for u in used}

    def fresh(self) -> bytes:
        while True:
            a, b = self.rng.choice(_WORDS), self.rng.choice(_WORDS)
            name = a + b[:1].upper() + b[1:] + str(self.rng.randrange(100)).encode()
            if name.lower() not in self.used:
                self.used.add(name.lower())
                return name


def _literal_value(t: Tok) -> bytes | None:
    """The value of a quoted literal token, or ``None`` (interpolated or not a literal)."""
    if t.kind == "sq":
        return _unescape_sq(t.text[1:-1])
    if t.kind == "dq" and not _interpolates(t.text[1:-1]):
        return _unescape_dq(t.text[1:-1])[0]
    return None


_INTERP = re.compile(rb"(?<!\\)(?:\\\\)*\$(?:[A-Za-z_\x80-\xff{])|\{\$")


def _interpolates(raw: bytes) -> bool:
    return bool(_INTERP.search(raw))


def _all_used(toks: list[Tok]) -> set[bytes]:
    used: set[bytes] = set()
    for t in toks:
        if t.kind in ("var", "name"):
            used.add(t.text.lstrip(b"$"))
        elif t.kind in ("dq", "heredoc"):
            used.update(re.findall(rb"\$(" + _NAME + rb")", t.text))
    return used


_ASSIGN_OPS = {
    b"=", b".=", b"+=", b"-=", b"*=", b"/=", b"%=", b"&=", b"|=", b"^=", b"<<=", b">>=",
    b"**=", b"??=", b"++", b"--",
}  # fmt: skip


def _assigned(toks: list[Tok]) -> set[bytes]:
    """The variables the file sets: assigned, incremented, a ``foreach`` target, ``global``,
    ``static``, a ``catch`` variable, or a parameter of a function or closure."""
    out: set[bytes] = set()
    head_depth = -1  # paren depth of a function head being read
    depth = 0
    pending_head = False
    for i, t in enumerate(toks):
        if t.kind == "name" and _low(t) in (b"function", b"fn", b"catch", b"use"):
            pending_head = True
        elif t.kind == "ch" and t.text == b"(":
            depth += 1
            if pending_head and head_depth < 0:
                head_depth = depth
            pending_head = False
        elif t.kind == "ch" and t.text == b")":
            if depth == head_depth:
                head_depth = -1
            depth -= 1
        elif t.kind == "var":
            nx, p = _next(toks, i), _prev(toks, i)
            after = toks[nx].text if nx < len(toks) else b""
            before = _low(toks[p]) if p >= 0 else b""
            if (
                head_depth >= 0
                or after in _ASSIGN_OPS
                or before in (b"as", b"global", b"static", b"++", b"--", b"=>", b"&")
            ):
                out.add(t.text)
        elif t.kind == "ch" and t.text in (b";", b"{", b"="):
            pending_head = False  # use A\B; : not a head
    return out


def rename(data: bytes, rng: random.Random) -> bytes | None:
    return _rename(data, rng, do_funcs=True, do_vars=True)


def rename_variables(data: bytes, rng: random.Random) -> bytes | None:
    return _rename(data, rng, do_funcs=False, do_vars=True)


def rename_functions(data: bytes, rng: random.Random) -> bytes | None:
    return _rename(data, rng, do_funcs=True, do_vars=False)


def _rename(data: bytes, rng: random.Random, *, do_funcs: bool, do_vars: bool) -> bytes | None:
    toks = tokens(data)
    if toks is None:
        return None
    sc = scopes(toks)
    names = Names(rng, _all_used(toks))
    literals = {v for t in toks if (v := _literal_value(t)) is not None}
    # functions declared outside classes
    funcs: dict[bytes, bytes] = {}
    for i, t in enumerate(toks) if do_funcs else ():
        if t.kind == "name" and _low(t) == b"function" and not sc.in_class[i]:
            j = _next(toks, i)
            if j < len(toks) and toks[j].text == b"&":
                j = _next(toks, j)
            if j < len(toks) and toks[j].kind == "name" and not toks[j].text.startswith(b"__"):
                funcs.setdefault(_low(toks[j]), names.fresh())
    # names used as properties or static members are left alone (``$this->x``, ``A::$x``)
    props = {
        _low(toks[j])
        for i, t in enumerate(toks)
        if t.text in _MEMBER
        for j in [_next(toks, i)]
        if j < len(toks) and toks[j].kind in ("name", "var")
    }
    # a variable the file never sets is left alone: under register_globals or extract() it
    # is named by a request field (an HTML form of the file names it)
    assigned = _assigned(toks)
    variables: dict[bytes, bytes] = {}
    for t in toks if do_vars else ():
        if t.kind == "var":
            low = t.text.lower()
            bare = t.text[1:]
            if low in SUPERGLOBALS or bare in literals or low[1:] in props:
                continue
            if t.text not in assigned:
                continue
            variables.setdefault(t.text, b"$" + names.fresh())
    if not funcs and not variables:
        return None
    for i, t in enumerate(toks):
        if t.kind == "var" and t.text in variables:
            p = _prev(toks, i)
            if p < 0 or toks[p].text not in _MEMBER:
                t.text = variables[t.text]
        elif t.kind == "name" and _low(t) in funcs:
            p = _prev(toks, i)
            if p >= 0 and (toks[p].text in _MEMBER or _low(toks[p]) in (b"new", b"const")):
                continue
            t.text = funcs[_low(t)]
        elif t.kind in ("sq", "dq") and funcs:
            v = _literal_value(t)
            if v is not None and v.lower() in funcs:
                t.text = t.text[:1] + funcs[v.lower()] + t.text[-1:]
        if t.kind in ("dq", "heredoc", "bq") and variables:
            t.text = _rename_in_string(t.text, variables)
    return untok(toks)


def _rename_in_string(text: bytes, variables: dict[bytes, bytes]) -> bytes:
    def sub(m: re.Match[bytes]) -> bytes:
        new = variables.get(b"$" + m.group(2))
        if new is None:
            return m.group(0)
        return new if m.group(1) == b"$" else b"${" + new[1:]

    return re.sub(rb"(?<!\\)(\$\{?|\$)(" + _NAME + rb")(?![A-Za-z0-9_\x80-\xff])", sub, text)


# ---------------------------------------------------------------- case

_CONSTRUCTS = {
    b"eval", b"include", b"include_once", b"require", b"require_once", b"echo", b"print",
    b"exit", b"die", b"isset", b"empty", b"unset", b"list", b"array",
}  # fmt: skip


def _random_case(word: bytes, rng: random.Random) -> bytes:
    if not re.search(rb"[A-Za-z]", word):
        return word
    for _ in range(8):
        out = bytes(
            c ^ 0x20 if chr(c).isascii() and chr(c).isalpha() and rng.random() < 0.5 else c
            for c in word
        )
        if out != word:
            return out
    return word.swapcase()


def change_case(data: bytes, rng: random.Random) -> bytes | None:
    toks = tokens(data)
    if toks is None:
        return None
    changed = False
    for i, t in enumerate(toks):
        if t.kind != "name":
            continue
        nx = _next(toks, i)
        called = nx < len(toks) and toks[nx].text == b"("
        if called or _low(t) in _CONSTRUCTS:
            t.text = _random_case(t.text, rng)
            changed = True
    return untok(toks) if changed else None


# ---------------------------------------------------------------- comments and space

_FILLERS = (b" ", b"\n", b"\t", b"/**/", b" /* x */ ", b"\n// ok\n", b"  \n  ", b"/*\n*/")


def comments(data: bytes, rng: random.Random) -> bytes | None:
    toks = tokens(data)
    if toks is None:
        return None
    out: list[bytes] = []
    prev: Tok | None = None
    for t in toks:
        if (
            prev is not None
            and prev.kind in ("var", "name", "num", "cast", "op", "ch", "sq", "dq")
            and t.kind in ("var", "name", "num", "cast", "op", "ch", "sq", "dq")
            and prev.text not in (b"$", b"#", b"\\")
            and rng.random() < 0.6
        ):
            out.append(rng.choice(_FILLERS))
        out.append(t.text)
        if t.kind not in ("ws", "comment"):
            prev = t
        elif t.kind == "comment":
            prev = None  # a line comment's end stays where it was
    return b"".join(out)


# ---------------------------------------------------------------- literals

# tokens after or before which a literal turned into a concatenation needs no parentheses:
# everything that binds looser than "." (assignment, comma, brackets, comparisons...)
_LOOSE = {
    b"=", b"(", b",", b";", b"[", b"=>", b"?", b":", b"{", b".", b".=", b"==", b"!=",
    b"===", b"!==", b"<", b">", b"<=", b">=", b"&&", b"||", b"??", b"return", b"echo",
    b"print", b"case", b"and", b"or", b"xor", b"]", b")", b"}",
}  # fmt: skip


def _sq_body(value: bytes) -> bytes:
    return value.replace(b"\\", b"\\\\").replace(b"'", b"\\'")


def _cuts(n: int, rng: random.Random) -> list[int]:
    if n <= 40:
        pos, out = 0, []
        while pos < n:
            pos += rng.randint(1, 3)
            out.append(min(pos, n))
        return out[:-1]
    k = rng.randint(1, 3)
    return sorted(rng.sample(range(1, n), k))


def _in_declare(toks: list[Tok], i: int) -> bool:
    p = _prev(toks, i)
    p2 = _prev(toks, p) if p >= 0 else -1
    p3 = _prev(toks, p2) if p2 >= 0 else -1
    return p3 >= 0 and _low(toks[p3]) == b"declare"


def split_strings(data: bytes, rng: random.Random) -> bytes | None:
    return _split_strings(data, rng, _cuts)


def _few_cuts(n: int, rng: random.Random) -> list[int]:
    return sorted(rng.sample(range(1, n), min(n - 1, rng.randint(1, 2))))


def split_strings_few(data: bytes, rng: random.Random) -> bytes | None:
    """Each literal cut into 2 or 3 pieces (``'base' . '64_de' . 'code'``)."""
    return _split_strings(data, rng, _few_cuts)


def _split_strings(
    data: bytes, rng: random.Random, cuts: Callable[[int, random.Random], list[int]]
) -> bytes | None:
    toks = tokens(data)
    if toks is None:
        return None
    changed = False
    for i, t in enumerate(toks):
        if t.kind not in ("sq", "dq") or len(t.text) < 4 or _in_declare(toks, i):
            continue
        raw, q = t.text[1:-1], t.text[:1]
        if q == b'"' and _interpolates(raw):
            continue
        # cut only between whole escapes
        units = (
            re.findall(
                rb"\\x[0-9A-Fa-f]{1,2}|\\[0-7]{1,3}|\\u\{[0-9A-Fa-f]+\}|\\.|.", raw, re.DOTALL
            )
            if q == b'"'
            else re.findall(rb"\\.|.", raw, re.DOTALL)
        )
        if len(units) < 2:
            continue
        pieces, last = [], 0
        for c in cuts(len(units), rng):
            pieces.append(b"".join(units[last:c]))
            last = c
        pieces.append(b"".join(units[last:]))
        body = b".".join(q + p + q for p in pieces)
        p, nx = _prev(toks, i), _next(toks, i)
        before = _low(toks[p]) if p >= 0 else b";"
        after = _low(toks[nx]) if nx < len(toks) else b";"
        loose = before in _LOOSE and after in _LOOSE and after not in (b"(", b"[", b"{")
        t.text = body if loose else b"(" + body + b")"
        changed = True
    return untok(toks) if changed else None


def _dq_escaped(value: bytes, rng: random.Random) -> bytes:
    out = bytearray()
    for c in value:
        r = rng.random()
        if r < 0.45:
            out += b"\\x%02x" % c
        elif r < 0.9:
            out += b"\\%03o" % c
        elif chr(c).isalnum() and c < 128:
            out.append(c)
        else:
            out += b"\\x%02X" % c
    return bytes(out)


def _dq_plain(value: bytes) -> bytes:
    out = bytearray()
    for c in value:
        if c in b'\\"$':
            out += b"\\" + bytes([c])
        elif c < 32 or c == 127:
            out += b"\\x%02x" % c
        else:
            out.append(c)
    return bytes(out)


def quotes(data: bytes, rng: random.Random) -> bytes | None:
    toks = tokens(data)
    if toks is None:
        return None
    changed = False
    for i, t in enumerate(toks):
        v = _literal_value(t)
        if v is None or _in_declare(toks, i):
            continue
        t.text = b"'" + _sq_body(v) + b"'" if t.kind == "dq" else b'"' + _dq_plain(v) + b'"'
        changed = True
    return untok(toks) if changed else None


def escape_strings(data: bytes, rng: random.Random) -> bytes | None:
    toks = tokens(data)
    if toks is None:
        return None
    changed = False
    for i, t in enumerate(toks):
        v = _literal_value(t)
        if v is None or not v or _in_declare(toks, i):
            continue
        t.text = b'"' + _dq_escaped(v, rng) + b'"'
        changed = True
    return untok(toks) if changed else None


# ---------------------------------------------------------------- wrapping the whole file


def _strict(data: bytes) -> bool:
    """``declare(strict_types=1)`` must be the first statement: not in eval'd code."""
    return re.search(rb"declare\s*\(\s*strict_types", data, re.IGNORECASE) is not None


def wrap_base64(data: bytes, rng: random.Random) -> bytes | None:
    if _strict(data):
        return None
    return b"<?php eval('?>' . base64_decode('" + base64.b64encode(data) + b"'));\n"


def wrap_gzinflate(data: bytes, rng: random.Random) -> bytes | None:
    if _strict(data):
        return None
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = c.compress(data) + c.flush()
    return b"<?php eval('?>' . gzinflate(base64_decode('" + base64.b64encode(raw) + b"')));\n"


def _rot13(data: bytes) -> bytes:
    return data.translate(
        bytes.maketrans(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            b"NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
        )
    )


def wrap_rot13(data: bytes, rng: random.Random) -> bytes | None:
    if _strict(data):
        return None
    return b"<?php eval('?>' . str_rot13('" + _sq_body(_rot13(data)) + b"'));\n"


def wrap_strrev(data: bytes, rng: random.Random) -> bytes | None:
    if _strict(data):
        return None
    return b"<?php eval('?>' . strrev('" + _sq_body(data[::-1]) + b"'));\n"


# ---------------------------------------------------------------- statements put at the top


def _top_insert(toks: list[Tok]) -> int | None:
    """Index of the token before which statements can be put at the file's top: after the
    first ``<?php``/``<?`` tag, and after a leading ``namespace x;``/``declare(...);`` (or
    inside a leading ``namespace x {``)."""
    start = None
    if toks[1].kind == "open" and not toks[1].text.endswith(b"="):
        start = 2
    else:
        for i, t in enumerate(toks):
            if t.kind == "close" and not t.text.endswith(b"="):
                start = i + 1
                break
    if start is None:
        return None
    i = _next(toks, start - 1)
    while i < len(toks) and _low(toks[i]) in (b"namespace", b"declare"):
        if _low(toks[i]) == b"namespace" and toks[_next(toks, i)].text == b"(":
            break  # namespace\f(): an expression
        j = i
        while j < len(toks) and toks[j].text not in (b";", b"{"):
            j += 1
        if j >= len(toks):
            return None
        i = _next(toks, j)
    return i if i <= len(toks) else None


def _insert(toks: list[Tok], at: int, text: bytes) -> None:
    toks.insert(at, Tok("ws", b"\n" + text + b"\n"))


_internal: set[bytes] | None = None


def internal_functions() -> set[bytes]:
    """PHP's built-in function names (lower case): asked of ``php`` once (a one-line script of
    ours), else a list of the usual ones."""
    global _internal
    if _internal is None:
        import subprocess

        try:
            out = subprocess.run(
                ["php", "-n", "-r", 'echo implode("\\n", get_defined_functions()["internal"]);'],
                capture_output=True,
                timeout=20,
                check=True,
            ).stdout
            _internal = {x.strip().lower() for x in out.split(b"\n") if x.strip()}
        except (OSError, subprocess.SubprocessError):
            _internal = set(_FALLBACK_INTERNAL.split())
    return _internal


_FALLBACK_INTERNAL = (
    b"base64_decode base64_encode gzinflate gzuncompress gzdecode str_rot13 strrev system exec "
    b"shell_exec passthru popen proc_open assert call_user_func call_user_func_array "
    b"create_function file_get_contents file_put_contents fopen fwrite fclose fsockopen mail "
    b"preg_replace str_replace substr strlen strtolower strtoupper trim implode explode chr ord "
    b"md5 sha1 isset is_array count array_map array_filter function_exists header urldecode "
    b"rawurldecode hex2bin pack unpack stream_get_contents curl_init curl_exec curl_setopt "
    b"move_uploaded_file copy unlink mkdir chmod file_exists is_dir is_file opendir readdir "
    b"scandir ini_set set_time_limit error_reporting ignore_user_abort sprintf printf "
    b"htmlspecialchars json_decode json_encode serialize unserialize gethostbyname getmxrr"
)
# called dynamically, these raise "Cannot call ... dynamically" (or see the wrong scope)
_NOT_DYNAMIC = {
    b"extract", b"compact", b"get_defined_vars", b"func_get_args", b"func_get_arg",
    b"func_num_args", b"parse_str", b"mb_parse_str",
}  # fmt: skip


def variable_functions(data: bytes, rng: random.Random) -> bytes | None:
    toks = tokens(data)
    if toks is None:
        return None
    top = _top_insert(toks)
    if top is None:
        return None
    internal = internal_functions()
    sc = scopes(toks)
    names = Names(rng, _all_used(toks))
    var_of: dict[bytes, bytes] = {}
    per_scope: dict[int, set[bytes]] = {}
    for i, t in enumerate(toks):
        if t.kind != "name":
            continue
        low = _low(t).lstrip(b"\\")
        if low not in internal or low in _NOT_DYNAMIC or b"\\" in low:
            continue
        nx = _next(toks, i)
        if nx >= len(toks) or toks[nx].text != b"(":
            continue
        p = _prev(toks, i)
        if p >= 0 and (
            toks[p].text in _MEMBER
            or toks[p].text == b"&"
            or _low(toks[p]) in (b"function", b"new", b"const", b"use", b"fn")
        ):
            continue
        if i < top:  # before the top statements (a namespace line): left as it is
            continue
        var = var_of.setdefault(low, b"$" + names.fresh())
        t.text = var
        t.kind = "var"
        per_scope.setdefault(sc.func[i], set()).add(low)
    if not var_of:
        return None
    inserts = [(b, per_scope[b]) for b in per_scope if b >= 0]
    for body, used in sorted(inserts, reverse=True):
        text = b" ".join(var_of[n] + b" = '" + n + b"';" for n in sorted(used))
        _insert(toks, body + 1, text)
    text = b" ".join(var_of[n] + b" = '" + n + b"';" for n in sorted(per_scope.get(-1, ())))
    if text:
        _insert(toks, top, text)
    return untok(toks)


_JIT_FREE = {b"$_get": b"GET", b"$_post": b"POST", b"$_cookie": b"COOKIE",
             b"$_files": b"FILES", b"$_session": b"SESSION"}  # fmt: skip


def superglobal_varvar(data: bytes, rng: random.Random) -> bytes | None:
    toks = tokens(data)
    if toks is None:
        return None
    sc = scopes(toks)
    changed = False
    for i, t in enumerate(toks):
        if t.kind != "var" or t.text.lower() not in _JIT_FREE:
            continue
        p = _prev(toks, i)
        if p >= 0 and (toks[p].text in _MEMBER or _low(toks[p]) in (b"global", b"static")):
            continue
        word = t.text[2:]
        cut = rng.randint(0, len(word) - 1)
        name = b"'_" + word[:cut] + b"'.'" + word[cut:] + b"'"
        if sc.func[i] >= 0:
            t.text = b"$GLOBALS[" + name + b"]"
        else:
            t.text = b"${" + name + b"}"
        changed = True
    return untok(toks) if changed else None


_JUNK = (
    "$%(a)s = array('alpha' => %(n1)d, 'beta' => %(n2)d, 'gamma' => '%(w1)s');",
    "if (!isset($%(a)s['delta'])) { $%(a)s['delta'] = count($%(a)s) * %(n3)d; }",
    "for ($%(i)s = 0; $%(i)s < %(n4)d; $%(i)s++) { $%(a)s[] = $%(i)s * 2 + %(n1)d; }",
    "function %(f)s($%(p)s, $%(q)s = %(n2)d) { $%(s)s = 0; foreach ((array) $%(p)s as $%(v)s) "
    "{ $%(s)s += intval($%(v)s) * $%(q)s; } return $%(s)s; }",
    "$%(b)s = %(f)s($%(a)s, %(n3)d) %% %(n5)d;",
    "$%(c)s = sprintf('%%s-%%d-%%s', '%(w1)s', %(n4)d, strtoupper('%(w2)s'));",
    "/* %(lorem)s */",
    "class %(k)s { private $%(v)s = array(); public function add($%(p)s) { $this->%(v)s[] = "
    "$%(p)s; return $this; } public function total() { return array_sum($this->%(v)s); } }",
    "$%(o)s = new %(k)s(); $%(o)s->add(%(n1)d)->add(%(n2)d); $%(d)s = $%(o)s->total();",
    "while ($%(d)s > %(n5)d) { $%(d)s = (int) ($%(d)s / 2); }",
    "switch ($%(b)s) { case 1: $%(c)s .= 'x'; break; default: $%(c)s = str_pad($%(c)s, "
    "%(n4)d, '-'); }",
    "$%(e)s = array_map('trim', explode(',', ' %(w1)s, %(w2)s ,%(w3)s '));",
    "if (is_array($%(e)s) && in_array('%(w2)s', $%(e)s, true)) { $%(e)s = array_flip($%(e)s); }",
    "// %(lorem)s",
    "$%(g)s = json_encode(array('k' => $%(c)s, 'n' => $%(b)s, 'list' => $%(e)s));",
    "function %(h)s($%(p)s) { return is_string($%(p)s) ? strlen($%(p)s) : 0; }",
    "$%(t)s = %(h)s($%(g)s) + %(f)s(array(%(n1)d, %(n2)d));",
)
_LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat."
)


def junk_code(rng: random.Random, used: set[bytes]) -> bytes:
    names = Names(rng, used)
    out: list[str] = []
    while sum(len(x) for x in out) < 3000:
        keys = ["a", "b", "c", "d", "e", "g", "i", "o", "p", "q", "s", "t", "v"]
        fill: dict[str, object] = {k: names.fresh().decode() for k in keys}
        fill.update({k: "f" + names.fresh().decode() for k in ("f", "h")})
        fill["k"] = "C" + names.fresh().decode()
        fill.update({f"n{j}": rng.randint(2, 99) for j in range(1, 6)})
        fill.update({f"w{j}": rng.choice(_WORDS).decode() for j in range(1, 4)})
        fill["lorem"] = _LOREM
        out.extend(line % fill for line in _JUNK)
    return "\n".join(out).encode()


def junk_prologue(data: bytes, rng: random.Random) -> bytes | None:
    toks = tokens(data)
    if toks is None:
        return None
    top = _top_insert(toks)
    if top is None:
        return None
    _insert(toks, top, junk_code(rng, _all_used(toks)))
    return untok(toks)


def combo(data: bytes, rng: random.Random) -> bytes | None:
    out: bytes | None = data
    for step in (rename, variable_functions, split_strings, comments):
        nxt = step(out, rng) if out is not None else None
        out = nxt if nxt is not None else out
    return out if out != data else None


REWRITES: dict[str, Callable[[bytes, random.Random], bytes | None]] = {
    "rename": rename,
    "case": change_case,
    "comments": comments,
    "split-strings": split_strings,
    "quotes": quotes,
    "escape-strings": escape_strings,
    "wrap-base64": wrap_base64,
    "wrap-gzinflate": wrap_gzinflate,
    "wrap-rot13": wrap_rot13,
    "wrap-strrev": wrap_strrev,
    "variable-functions": variable_functions,
    "superglobal-varvar": superglobal_varvar,
    "junk-prologue": junk_prologue,
    "combo": combo,
}

# ---------------------------------------------------------------- variants (scan_variants.py)
# The rewrites one family's copies differ by, beside those above: the same call made through
# call_user_func(), a function name spelled by a decoder, request input named another way, the
# whole script moved into a function.

_byref: set[bytes] | None = None


def by_reference_functions() -> set[bytes]:
    """Built-in functions with a by-reference parameter (``preg_match``, ``exec``...): through
    ``call_user_func()`` they would get a copy. Asked of ``php`` (a one-line script of ours),
    else the usual ones."""
    global _byref
    if _byref is None:
        import subprocess

        code = (
            'foreach (get_defined_functions()["internal"] as $f) { foreach ((new '
            "ReflectionFunction($f))->getParameters() as $p) { if ($p->isPassedByReference()) "
            '{ echo $f, "\\n"; break; } } }'
        )
        try:
            out = subprocess.run(
                ["php", "-n", "-r", code], capture_output=True, timeout=20, check=True
            ).stdout
            _byref = {x.strip().lower() for x in out.split(b"\n") if x.strip()}
        except (OSError, subprocess.SubprocessError):
            _byref = set(
                b"exec preg_match preg_match_all preg_replace preg_replace_callback sort "
                b"rsort usort uasort uksort ksort krsort asort arsort shuffle array_push "
                b"array_pop array_shift array_unshift array_splice end reset next prev each "
                b"current key settype parse_str str_replace str_ireplace similar_text "
                b"fsockopen stream_socket_client proc_open system passthru getmxrr "
                b"dns_get_mx openssl_sign openssl_seal mb_parse_str array_walk "
                b"array_multisort list extract headers_sent".split()
            )
    return _byref


_KEYWORD_PARENS = {
    b"function", b"fn", b"array", b"list", b"if", b"elseif", b"while", b"for", b"foreach",
    b"switch", b"declare", b"isset", b"empty", b"unset", b"catch", b"use", b"match", b"return",
    b"echo", b"print", b"and", b"or", b"xor", b"exit", b"die", b"eval", b"include",
    b"include_once", b"require", b"require_once", b"new", b"clone", b"instanceof", b"case",
}  # fmt: skip


def _call_name(toks: list[Tok], i: int, internal: set[bytes]) -> bytes | None:
    """The lower-case name of the built-in function called at name token ``i``, or None."""
    t = toks[i]
    if t.kind != "name":
        return None
    low = _low(t).lstrip(b"\\")
    if low not in internal or low in _NOT_DYNAMIC or b"\\" in low:
        return None
    nx = _next(toks, i)
    if nx >= len(toks) or toks[nx].text != b"(":
        return None
    p = _prev(toks, i)
    if p >= 0 and (
        toks[p].text in _MEMBER
        or toks[p].text == b"&"
        or _low(toks[p]) in (b"function", b"new", b"const", b"use", b"fn")
    ):
        return None
    return low


def call_user_func_calls(data: bytes, rng: random.Random) -> bytes | None:
    """``base64_decode($x)`` -> ``call_user_func('base64_decode', $x)`` for every built-in
    without by-reference parameters."""
    toks = tokens(data)
    if toks is None:
        return None
    internal, byref = internal_functions(), by_reference_functions()
    changed = False
    for i in range(len(toks)):
        low = _call_name(toks, i, internal)
        if low is None or low in byref or low in (b"call_user_func", b"func_get_args"):
            continue
        nx = _next(toks, i)
        empty = toks[_next(toks, nx)].text == b")"
        toks[i].text = b"call_user_func"
        toks[nx].text = b"('" + low + (b"'" if empty else b"', ")
        changed = True
    return untok(toks) if changed else None


def _paren_context(toks: list[Tok]) -> list[bool]:
    """For each token, whether the innermost parentheses around it are a call's argument list
    (a function, method or variable called): where any expression may stand, unlike a
    function head's defaults or a ``const``'s value."""
    out = [False] * len(toks)
    stack: list[bool] = []
    for i, t in enumerate(toks):
        out[i] = bool(stack) and stack[-1]
        if t.kind in ("ch", "cast") and t.text == b"(":
            p = _prev(toks, i)
            call = False
            if p >= 0:
                pt = toks[p]
                if pt.kind == "var" or pt.text in (b")", b"]"):
                    call = True
                elif pt.kind == "name" and _low(pt) not in _KEYWORD_PARENS:
                    pp = _prev(toks, p)
                    call = not (pp >= 0 and _low(toks[pp]) in (b"function", b"fn", b"&"))
            stack.append(call)
        elif t.kind == "ch" and t.text == b")" and stack:
            stack.pop()
    return out


def _statement_start(toks: list[Tok], i: int) -> bool:
    p = _prev(toks, i)
    return p < 0 or toks[p].text in (b";", b"{", b"}") or toks[p].kind in ("open", "close")


def _name_literals(toks: list[Tok]) -> list[tuple[int, bytes]]:
    """The literals whose value is a built-in function's name, standing where a call may too:
    a whole argument of a call, or the value of a plain ``$x = '...';`` statement."""
    internal = internal_functions()
    args = _paren_context(toks)
    out = []
    for i, t in enumerate(toks):
        v = _literal_value(t)
        if v is None or v.lower() not in internal or len(v) < 3:
            continue
        p, nx = _prev(toks, i), _next(toks, i)
        before = toks[p].text if p >= 0 else b""
        after = toks[nx].text if nx < len(toks) else b""
        if args[i] and before in (b"(", b",") and after in (b")", b","):
            out.append((i, v))
        elif before == b"=" and after == b";":
            pp = _prev(toks, p)
            if pp >= 0 and toks[pp].kind == "var" and _statement_start(toks, pp):
                out.append((i, v))
    return out


def _spell_strrev(v: bytes, rng: random.Random) -> bytes:
    return b"strrev('" + _sq_body(v[::-1]) + b"')"


def _spell_rot13(v: bytes, rng: random.Random) -> bytes:
    return b"str_rot13('" + _sq_body(_rot13(v)) + b"')"


def _spell_chr(v: bytes, rng: random.Random) -> bytes:
    parts = []
    for c in v:
        a = rng.randint(0, c)
        parts.append(b"chr(%d+%d)" % (a, c - a))
    return b".".join(parts)


def _spelled(
    spell: Callable[[bytes, random.Random], bytes],
) -> Callable[[bytes, random.Random], bytes | None]:
    def rewrite(data: bytes, rng: random.Random) -> bytes | None:
        base = variable_functions(data, rng) or data
        toks = tokens(base)
        if toks is None:
            return None
        found = _name_literals(toks)
        for i, v in found:
            toks[i].text = spell(v, rng)
        return untok(toks) if found else None

    return rewrite


names_strrev = _spelled(_spell_strrev)
names_rot13 = _spelled(_spell_rot13)
names_chr = _spelled(_spell_chr)

_REQUEST_OF = {b"$_get": b"GET", b"$_post": b"POST"}
_WRITE_AFTER = _ASSIGN_OPS | {b"[", b"->"}


def _element_reads(toks: list[Tok], names: dict[bytes, bytes]) -> tuple[list[int], bool]:
    """Indexes of superglobal tokens (keys of ``names``) read as ``$_POST['k']`` (followed by
    ``[``, not written to, not after ``global``, ``->``, ``&``, ``unset``), and whether the
    file writes into one of them."""
    out, writes = [], False
    for i, t in enumerate(toks):
        if t.kind != "var" or t.text.lower() not in names:
            continue
        p = _prev(toks, i)
        if p >= 0 and (toks[p].text in _MEMBER or toks[p].text == b"&"):
            continue
        nx = _next(toks, i)
        if nx >= len(toks) or toks[nx].text != b"[":
            writes = writes or (nx < len(toks) and toks[nx].text in _ASSIGN_OPS)
            continue
        depth, j = 0, nx
        while j < len(toks):
            if toks[j].text == b"[":
                depth += 1
            elif toks[j].text == b"]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        after = _next(toks, j)
        if after < len(toks) and toks[after].text in _WRITE_AFTER:
            writes = True
            continue
        if p >= 0 and _low(toks[p]) in (b"unset", b"foreach", b"as"):
            continue
        out.append(i)
    return out, writes


def superglobal_request(data: bytes, rng: random.Random) -> bytes | None:
    """``$_POST['k']`` and ``$_GET['k']`` read as ``$_REQUEST['k']``."""
    toks = tokens(data)
    if toks is None:
        return None
    found, writes = _element_reads(toks, _REQUEST_OF)
    if writes:  # $_REQUEST was made from them before: it would not see the change
        return None
    for i in found:
        toks[i].text = b"$_REQUEST"
    return untok(toks) if found else None


def superglobal_braces(data: bytes, rng: random.Random) -> bytes | None:
    """``$_POST['k']`` read as ``${'_POST'}['k']`` (at the top level; in a function, where a
    variable variable cannot name a superglobal, as ``$GLOBALS['_POST']['k']``)."""
    toks = tokens(data)
    if toks is None:
        return None
    sc = scopes(toks)
    found, _ = _element_reads(toks, _JIT_FREE)
    for i in found:
        word = b"_" + _JIT_FREE[toks[i].text.lower()]
        toks[i].text = b"${'" + word + b"'}" if sc.func[i] < 0 else b"$GLOBALS['" + word + b"']"
    return untok(toks) if found else None


def superglobal_globals(data: bytes, rng: random.Random) -> bytes | None:
    """``$_POST['k']`` read as ``$GLOBALS['_POST']['k']``."""
    toks = tokens(data)
    if toks is None:
        return None
    found, _ = _element_reads(toks, _JIT_FREE)
    for i in found:
        toks[i].text = b"$GLOBALS['_" + _JIT_FREE[toks[i].text.lower()] + b"']"
    return untok(toks) if found else None


def wrap_function(data: bytes, rng: random.Random) -> bytes | None:
    """The script's statements moved into a function called once at the end; its top-level
    variables declared ``global`` there, its top-level named functions left outside (PHP
    declares those before the script runs)."""
    toks = tokens(data)
    if toks is None or any(t.kind == "rest" for t in toks):
        return None
    top = _top_insert(toks)
    if top is None or top >= len(toks):
        return None
    sc = scopes(toks)
    depth = 0
    moved: list[tuple[int, int]] = []  # top-level named function declarations [start, end]
    top_vars: set[bytes] = set()
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "name" and depth == 0 and i >= top:
            low = _low(t)
            if low in (b"namespace", b"use", b"__halt_compiler", b"declare") and _statement_start(
                toks, i
            ):
                return None
            nx = _next(toks, i)
            if nx < len(toks) and toks[nx].text == b"&":
                nx = _next(toks, nx)
            if low == b"function" and nx < len(toks) and toks[nx].kind == "name":
                body = next((b for b in sc.bodies if b > i), -1)
                if body < 0:
                    return None
                d, j = 0, body
                while j < len(toks):
                    if toks[j].kind == "ch" and toks[j].text == b"{":
                        d += 1
                    elif toks[j].kind == "ch" and toks[j].text == b"}":
                        d -= 1
                        if d == 0:
                            break
                    j += 1
                moved.append((i, j))
                i = j + 1
                continue
        if t.kind == "ch" and t.text == b"{":
            depth += 1
        elif t.kind == "ch" and t.text == b"}":
            depth -= 1
        if sc.func[i] < 0 and not sc.in_class[i]:
            if t.kind == "var":
                top_vars.add(t.text)
            elif t.kind in ("dq", "heredoc"):
                top_vars.update(b"$" + v for v in re.findall(rb"\$(" + _NAME + rb")", t.text))
        i += 1
    top_vars = {v for v in top_vars if v.lower() not in SUPERGLOBALS}
    last = toks[-1]
    if last.kind == "close" and not re.search(rb"<\?(?:php|=)?\s*$", last.text, re.I):
        tail = b"<?php }\n"
    else:
        tail = b"\n}\n"
    names = Names(rng, _all_used(toks))
    word = names.fresh()
    fname = b"run" + word[:1].upper() + word[1:]
    head = b"function " + fname + b"() {"
    if top_vars:
        head += b" global " + b", ".join(sorted(top_vars)) + b";"
    hoisted = b"\n".join(untok(toks[a : b + 1]) for a, b in moved)
    for a, b in reversed(moved):
        del toks[a : b + 1]
    body = untok(toks[top:])
    return untok(toks[:top]) + hoisted + b"\n" + head + b"\n" + body + tail + fname + b"();\n"


VARIANTS: dict[str, Callable[[bytes, random.Random], bytes | None]] = {
    "rename-variables": rename_variables,
    "rename-functions": rename_functions,
    "split-strings": split_strings_few,
    "quotes": quotes,
    "call-variable": variable_functions,
    "call-user-func": call_user_func_calls,
    "name-strrev": names_strrev,
    "name-rot13": names_rot13,
    "name-chr": names_chr,
    "input-request": superglobal_request,
    "input-braces": superglobal_braces,
    "input-globals": superglobal_globals,
    "wrap-function": wrap_function,
    "comments": comments,
    "escape-strings": escape_strings,
}
