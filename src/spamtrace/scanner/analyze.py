"""Score one PHP file: lex it, run every rule over the lexed view, decode layers, add up.

Pure over bytes: no I/O and no clock. Time bounds come from the caller as a ``check``
callable that raises :class:`BudgetExceeded` when the file's budget is spent.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from spamtrace.safetext import escape
from spamtrace.scanner import decode
from spamtrace.scanner.lexer import STR_MARK, Lexed, lex
from spamtrace.scanner.lexer import names as lexer_names
from spamtrace.scanner.report import Finding, ScanVerdict
from spamtrace.scanner.rules import GateWords, Rule, YaraWords, builtin_macro

MAX_LAYERS = 4
MAX_PAYLOADS = 12
MAX_DECODE_CANDIDATES = 48
EXCERPT_LEN = 120


class _Enough(Exception):
    """Raised inside the rule loop once the file's score reached the caller's ``stop_at``."""


class BudgetExceeded(Exception):
    """Raised by a ``check`` callable when a file's time budget is spent."""


def _never() -> None:
    return None


# Bytes that, just before a name, mean it is not a plain function call (a method, a static
# call, a variable, part of a longer name). Regexes start with the name itself (a literal
# prefix the regex engine scans for quickly) and this is checked afterwards, instead of a
# leading look-behind that would make every position a candidate.
_NOT_CALL_BEFORE = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_$>:") | frozenset(
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
    words = _leading_words(rx)
    search: Callable[[int], re.Match[bytes] | None] = (
        functools.partial(rx.search, buf)
        if words is None
        else _word_searcher(rx, buf, words, first)
    )
    while n < limit:
        m = search(pos)
        if m is None:
            return
        start = m.start()
        if start and buf[start - 1] in _NOT_CALL_BEFORE:
            pos = start + 1
            continue
        n += 1
        yield m
        pos = max(m.end(), start + 1)


def bounded_search(
    rx: re.Pattern[bytes], buf: bytes, first: Callable[[bytes], int] | None = None
) -> re.Match[bytes] | None:
    return next(bounded_finditer(rx, buf, first=first), None)


_PLACEHOLDER = re.compile(rb"\x01(\d+)\x01")
_S = rb"\x01\d+\x01"
_REQ = (
    rb"(?:\$_(?:get|post|request|cookie|files|server|env)\b|\$http_(?:post|get|cookie|raw_post)_"
    rb"(?:vars|data)|php://input|getallheaders\s*\()"
)
_UIN = rb"(?:\$_(?:get|post|request|cookie|files)\b|\$http_(?:post|get)_vars|php://input)"
_REQ_RE = re.compile(_REQ)
_UIN_RE = re.compile(_UIN)
_NAME = rb"[a-z_\x80-\xff][\w\x80-\xff]*"
# the same, possessive: where a name is followed by something that cannot continue it (space,
# "[", "(", "=", "."), giving back name bytes can never help a match, so do not try
_NAME_P = rb"[a-z_\x80-\xff][\w\x80-\xff]*+"
_DEC_FUNCS = (
    rb"base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|convert_uudecode|"
    rb"rawurldecode|urldecode|bzdecompress"
)
# what the taint pass counts as "decoded": decoders, and content downloaded with curl
_DEC_RE = re.compile(rb"(?<![\w$>:])(?:" + _DEC_FUNCS + rb"|curl_exec)\s*\(")

DANGEROUS_NAMES = frozenset(
    {
        "eval", "assert", "system", "exec", "shell_exec", "passthru", "popen", "proc_open",
        "pcntl_exec", "create_function", "base64_decode", "gzinflate", "gzuncompress",
        "gzdecode", "str_rot13", "call_user_func", "call_user_func_array", "preg_replace",
        "file_put_contents", "move_uploaded_file", "fsockopen", "pfsockopen", "curl_exec",
        "assert_options", "strrev", "hex2bin", "convert_uudecode", "stream_socket_client",
        "socket_create", "php_uname", "posix_getpwuid", "chr",
    }
)  # fmt: skip
# names that are dangerous enough to matter when merely *built*; "mail", "fopen" etc. are
# only counted when assembled from several pieces (see _built_names).
_EXEC_NAMES = frozenset(
    {
        "eval", "assert", "system", "exec", "shell_exec", "passthru", "popen", "proc_open",
        "pcntl_exec", "create_function", "base64_decode", "gzinflate", "gzuncompress",
        "str_rot13", "preg_replace", "call_user_func", "call_user_func_array",
    }
)  # fmt: skip


@dataclass(slots=True)
class _Ctx:
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
            present = self.cache.get("present")
            if present is not None and word in self.gate_words and word not in present:
                pos = -1
            else:
                pos = self.code.find(word)
            memo[word] = pos
        return pos

    def line_of_code(self, pos: int) -> int:
        return self.code.count(b"\n", 0, pos) + 1 if self.layer == 0 else 0

    def line_of_string(self, idx: int) -> int:
        pos = self.code.find(b"\x01%d\x01" % idx)
        return self.line_of_code(pos) if pos >= 0 else 0

    def restore(self, chunk: bytes) -> bytes:
        def repl(m: re.Match[bytes]) -> bytes:
            idx = int(m.group(1))
            if idx >= len(self.lx.raw_strings):
                return b"''"
            val = self.lx.value(idx)
            return b"'" + (val[:40] + b"..." if len(val) > 40 else val) + b"'"

        return _PLACEHOLDER.sub(repl, chunk)

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
            nxt = code.find(b"\x01", end, end + 12)
            end = nxt + 1 if nxt >= 0 else code.rfind(b"\x01", start, end)
        chunk = self.restore(code[start:end])
        if self.layer == 0:
            # show the original text (case, quotes) when the match can be found on its line
            line = self.line_of_code(start)
            lines = self.cache.get("lines")
            if lines is None:
                lines = self.data.split(b"\n")
                self.cache["lines"] = lines
            src = lines[line - 1] if 0 < line <= len(lines) else b""  # type: ignore[index, operator]
            key = b" ".join(chunk.split())[:12]
            at = b" ".join(src.lower().split()).find(key) if key else -1
            if at >= 0:
                flat = b" ".join(src.split())
                return excerpt(flat[at : at + max(len(chunk), 40)])
        return excerpt(chunk)


def excerpt(raw: bytes) -> str:
    text = raw[: EXCERPT_LEN * 2].decode("utf-8", "replace")
    text = " ".join(text.split())
    return escape(text, max_len=EXCERPT_LEN)


@dataclass(frozen=True, slots=True)
class Hit:
    line: int
    excerpt: str


@dataclass(frozen=True, slots=True)
class Analysis:
    score: int
    verdict: ScanVerdict
    findings: tuple[Finding, ...]
    layers: int  # how many decoded payloads were scanned (0 when it stopped early)
    complete: bool = True  # False: stopped at ``stop_at``, the rules left were not run
    cut_short: bool = False  # True: the time budget ran out; the findings are those made by then


# ------------------------------------------------------------------------------------ helpers
_JOIN_SLICE = 1 << 14


def _string_text(ctx: _Ctx) -> bytes:
    """All raw literal bodies + inline HTML, lower-cased, joined by NUL."""
    cached = ctx.cache.get("text")
    if cached is None:
        parts = ctx.lx.raw_strings
        # joined in slices: bytes.join holds an 80-byte buffer view per item (320 MB for the
        # four million literals of a padded file)
        step = _JOIN_SLICE
        slices = [b"\x00".join(parts[i : i + step]) for i in range(0, len(parts), step)]
        cached = b"\x00" + b"\x00".join([*slices, ctx.lx.html]).lower()
        ctx.cache["text"] = cached
    return cached  # type: ignore[no-any-return]


def _string_at(ctx: _Ctx, offset: int) -> int:
    """Index of the literal that holds ``offset`` of :func:`_string_text` (-1: inline HTML)."""
    starts = ctx.cache.get("starts")
    if starts is None:
        lengths = map((1).__add__, map(len, ctx.lx.raw_strings))  # each body and its NUL
        starts = list(itertools.accumulate(lengths, initial=1))
        ctx.cache["starts"] = starts
    idx = bisect.bisect_right(starts, offset) - 1  # type: ignore[arg-type]
    return idx if idx < len(ctx.lx.raw_strings) else -1


_PRINTABLE_BYTES = bytes(range(32, 127)) + b"\t\r\n"
# Substring tests on bytes are written ``hay.find(sub) >= 0``, or with a byte value
# (``_DOT in code``): ``sub in hay`` with a bytes ``sub`` first tries it as an integer, and
# the TypeError raised and cleared inside costs more than a short search.
_DOT, _SPACE = 46, 32


def _printable_count(buf: bytes) -> int:
    return len(buf) - len(buf.translate(None, _PRINTABLE_BYTES))


def _uses(ctx: _Ctx) -> frozenset[str]:
    cached = ctx.cache.get("uses")
    if cached is None:
        found = set()
        if has_word(ctx, b"str_rot13"):
            found.add("rot13")
        if has_word(ctx, b"strrev"):
            found.add("strrev")
        if has_word(ctx, b"urldecode"):
            found.add("url")
        cached = frozenset(found)
        ctx.cache["uses"] = cached
    return cached  # type: ignore[no-any-return]


def _entropy(buf: bytes) -> float:
    n = len(buf)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(buf).values())


_B64_ALPHA = re.compile(rb"[A-Za-z0-9+/=\s_\-]*")
_HEX_ALPHA = re.compile(rb"(?:\\x)?[0-9A-Fa-f]+")


_ALNUM_BYTES = bytes(range(48, 58)) + bytes(range(65, 91)) + bytes(range(97, 123))


_SERIALIZED = re.compile(rb'(?:a:\d+:\{|O:\d+:"[\w\\]+":\d+:\{)(?:[sidbN][:;]|a:\d+:\{|\})')


def _encodedness(val: bytes) -> str | None:
    """'base64' / 'hex' / 'binary' when a literal looks like encoded data, else None."""
    if _HEX_ALPHA.fullmatch(val) and len(val) >= 64:
        return "hex"
    if _B64_ALPHA.fullmatch(val):
        compact = val[:8192]
        if _SPACE in compact.strip() and compact.count(b" ") > len(compact) // 50:
            return None  # words, not data
        return "base64" if _entropy(compact) >= 4.6 else None
    sample = val[:2048]
    if _SERIALIZED.match(sample):
        return None  # serialize() output: a data table (Unicode tables, cached options)
    alnum = len(sample) - len(sample.translate(None, _ALNUM_BYTES))
    if (
        len(val) >= 1000
        and alnum < len(sample) * 0.3
        and _SPACE not in sample[:200]
        and _entropy(sample) >= 3.0
    ):
        return "symbols"  # punctuation-alphabet encodings decoded by character arithmetic
    odd = len(sample) - _printable_count(sample)
    if odd > len(sample) // 4 and _entropy(sample) > 6.0:
        return "binary"
    return None


# ------------------------------------------------------------------------------------ features
FeatureFn = Callable[[_Ctx, Rule], "Hit | None"]
FEATURES: dict[str, FeatureFn] = {}


def feature(name: str) -> Callable[[FeatureFn], FeatureFn]:
    def deco(fn: FeatureFn) -> FeatureFn:
        FEATURES[name] = fn
        return fn

    return deco


_ASSIGN_AT = re.compile(
    rb"\$(" + _NAME_P + rb")\s*+(?:\[[^\]\n]{0,60}\]\s*)*(?:\.|\?\?)?=(?![=>])\s*([^;]{0,600})"
)
# foreach over request input, or over a list split from it (explode(',', $_POST['to'])): its
# items are request input; over a whole request array (``foreach ($_POST as $k => $v)``,
# "split" and "mid" empty, "end" there) its keys and values are request input as they are
_FOREACH_REQ = re.compile(
    rb"foreach\s*\(\s*(?P<split>(?:explode|preg_split|str_getcsv|array_map|array_filter|"
    rb"array_unique|array_values)\s*\([^;{]{0,80}?)?" + _REQ + rb"(?P<mid>[^;{]{0,80}?)\bas\s*"
    rb"(?:\$(?P<key>\w+)\s*=>\s*)?\$(?P<value>\w+)(?P<end>\s*\))?"
)
_VAR = re.compile(rb"\$(" + _NAME + rb")")
_BUILT_RHS = re.compile(
    rb"^\s*(?:" + _S + rb"\s*\.\s*(?:" + _S + rb"|chr\s*\()|chr\s*\(\s*\d+\s*\)\s*\.|"
    rb"(?:strrev|str_rot13|base64_decode|hex2bin|str_replace|implode|join)\s*\(|"
    rb"pack\s*\(\s*" + _S + rb"\s*,\s*" + _S + rb"\s*\))"
)
_SOURCES = (
    b"$_get",
    b"$_post",
    b"$_request",
    b"$_cookie",
    b"$_files",
    b"$_server",
    b"$_env",
    b"$http_",
    b"php://input",
    b"getallheaders",
    b"base64_decode",
    b"gzinflate",
    b"gzuncompress",
    b"gzdecode",
    b"str_rot13",
    b"strrev",
    b"hex2bin",
    b"convert_uudecode",
    b"urldecode",
    b"bzdecompress",
    b"chr(",
    b"curl_exec",
    b"socket_read",
    b"socket_recv",
    b"getenv",
)  # fmt: skip  (the first 10 are request input)
MAX_TAINT_SITES = 60
_REQ_SOURCES = frozenset(_SOURCES[:10]) - {b"$_server", b"$_env"}
_NET_SOURCES = frozenset({b"socket_read", b"socket_recv"})
_SERVER_SOURCES = frozenset({b"$_server", b"$_env", b"getenv"})
_GETENV_RHS = re.compile(rb"[\s@(]*getenv\s*\(\s*\x01\d+\x01\s*\)")  # getenv('HTTP_X_…')
_DIRECT_REQ = re.compile(
    rb"[\s@(]*(?:\(\s*string\s*\)\s*)?(?:(?:trim|stripslashes|urldecode|rawurldecode|base64_decode|"
    rb"str_rot13|strrev|gzinflate|gzuncompress|hex2bin|explode|substr|strtolower|"
    rb"html_entity_decode|array_keys|array_values|key|current|reset|end|array_shift|array_pop|"
    rb"json_decode)"
    rb"\s*\([^$]{0,20})*" + _REQ
)


def _statement_start(code: bytes, pos: int) -> int:
    """The offset of the ";", "{" or "}" before the statement that holds ``pos`` (at most 600
    bytes back: an earlier one gives ``pos - 600`` all the same)."""
    floor = max(0, pos - 600)
    lo = max(
        code.rfind(b";", floor, pos), code.rfind(b"{", floor, pos), code.rfind(b"}", floor, pos)
    )
    return max(lo, pos - 600)


def _assignment_before(
    code: bytes, pos: int, memo: dict[int, re.Match[bytes] | None] | None = None
) -> tuple[bytes, bytes] | None:
    """The ``$name = rhs`` statement that contains offset ``pos``, if there is one.
    ``memo`` keeps the statement found per start offset (sources in one statement share it)."""
    lo = _statement_start(code, pos)
    if memo is None:
        m = _ASSIGN_AT.search(code, lo + 1)
    elif lo in memo:
        m = memo[lo]
    else:
        m = memo[lo] = _ASSIGN_AT.search(code, lo + 1)
    if m is None or not m.start() < pos < m.end():
        return None
    return m.group(1), m.group(2)


_UNPACK_AT = re.compile(
    # "[" not right after a name, "]", "}" or a literal: not an element ($t[$i] = ...)
    rb"(?:(?<![\w$>:])list\s*\(|(?<![\w\x80-\xff\])}\x01])\[)((?:\s*(?:\$"
    + _NAME_P
    + rb")?\s*,)*\s*\$"
    + _NAME_P
    + rb"\s*,?\s*)[\])]\s*=(?![=>])\s*([^;]{0,600})"
)


def _unpacking_before(code: bytes, pos: int) -> tuple[list[bytes], bytes] | None:
    """The ``list($a, $b) = rhs`` (or ``[$a, $b] = rhs``) statement whose right side holds
    offset ``pos``: the names it sets, and the right side."""
    lo = _statement_start(code, pos)
    # the statement's first "[" or its last "list" before ``pos``: a match is tried at those
    # two places only (a search would step through every "[" of the rest of the file)
    for at in (code.find(b"[", lo + 1, pos), code.rfind(b"list", lo + 1, pos)):
        m = _UNPACK_AT.match(code, at) if at >= 0 else None
        if m is not None and m.start(2) <= pos < m.end():
            return _VAR.findall(m.group(1)), m.group(2)
    return None


# array_walk over a whole request array: the callback's parameters are its values and keys
_WALK_REQ = re.compile(
    rb"array_walk(?:_recursive)?\s*\(\s*@?" + _REQ + rb"\s*,\s*(?:static\s+)?function\s*\(\s*"
    rb"&?\$(" + _NAME_P + rb")(?:\s*,\s*\$(" + _NAME_P + rb"))?"
)


_FOREACH_VAR = re.compile(
    rb"foreach\s*\(\s*\$("
    + _NAME_P
    + rb")\s+as\s+(?:\$"
    + _NAME_P
    + rb"\s*=>\s*)?&?\$("
    + _NAME_P
    + rb")"
)
_CLOSURE = re.compile(rb"\s*(?:static\s+)?(?:function|fn)\s*&?\s*\(")


def _taint(ctx: _Ctx) -> tuple[set[bytes], set[bytes]]:
    """Variables assigned from request input, and from decoders / built-up names.

    Only statements around a source (request superglobal, decoder call, literal
    concatenation) are examined, then one level of copies, so the cost follows the number of
    sources rather than the size of the file.
    """
    cached = ctx.cache.get("taint")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    code = ctx.code
    req: set[bytes] = set()
    dec: set[bytes] = set()
    direct: set[bytes] = set()
    ctx.cache["direct"] = direct
    header: set[bytes] = set()
    ctx.cache["header"] = header
    stmts: dict[int, re.Match[bytes] | None] = {}
    if has_any(ctx, _SOURCES) or has_word(ctx, b"\x01."):
        for m in _FOREACH_REQ.finditer(code):
            req.add(m["value"])
            if m["split"] is None and m["end"] is not None and not m["mid"].strip():
                direct.update(v for v in (m["key"], m["value"]) if v)  # ($_POST as $k => $v)
        if has_word(ctx, b"array_walk"):  # array_walk($_POST, function ($v, $k) { ... })
            for m in _WALK_REQ.finditer(code):
                req.update(v for v in m.groups() if v)
                direct.update(v for v in m.groups() if v)
        for src in _SOURCES:
            if not has_word(ctx, src):
                continue
            pos = code.find(src)
            sites = 0
            while pos >= 0 and sites < MAX_TAINT_SITES:
                sites += 1
                got = _assignment_before(code, pos, stmts)
                if got is None and src in _REQ_SOURCES:
                    unpacked = _unpacking_before(code, pos)  # list($a, $b) = explode(.., $_GET)
                    if unpacked is not None and _REQ_RE.search(unpacked[1]):
                        req.update(unpacked[0])
                if got is not None:
                    name, rhs = got
                    if src in _REQ_SOURCES:
                        if _REQ_RE.search(rhs):
                            req.add(name)
                            if _DIRECT_REQ.match(rhs):
                                direct.add(name)
                    elif src in _SERVER_SOURCES:
                        # a server value held as it is ($h = $_SERVER; $fn = $h['HTTP_X_FN']):
                        # everyday data, but called as a function or evaluated it is a header
                        # backdoor, so it joins the "direct" set that those sinks read
                        if _DIRECT_REQ.match(rhs) or _GETENV_RHS.match(rhs):
                            direct.add(name)
                            if _custom_header(ctx, rhs):
                                header.add(name)  # a request header of the client's own
                    elif src in _NET_SOURCES:
                        req.add(name)  # bytes read from a network peer: a remote command
                    elif _DEC_RE.search(rhs) or _BUILT_RHS.match(rhs):
                        dec.add(name)
                pos = code.find(src, pos + len(src))
        if has_word(ctx, b"\x01.") or has_word(ctx, b"\x01 ."):
            for m in _concats_cached(ctx)[:MAX_TAINT_SITES]:
                got = _assignment_before(code, m.start(), stmts)
                if got is not None and _BUILT_RHS.match(got[1]):
                    dec.add(got[0])
        for var in sorted(req | dec | direct)[:40]:  # one level of copies: $b = $a;
            needle = b"$" + var
            pos = code.find(needle)
            count = 0
            while pos >= 0 and count < 20:
                count += 1
                got = _assignment_before(code, pos, stmts)
                if got is None and var in req:  # list($to, $subject) = explode('|', $var)
                    unpacked = _unpacking_before(code, pos)
                    if unpacked is not None and var not in unpacked[0]:
                        req.update(unpacked[0])
                if (
                    got is not None
                    and got[0] != var
                    and not _CLOSURE.match(got[1])
                    and not code[max(0, pos - 8) : pos].rstrip().endswith(b"[")
                ):
                    # a copy of the value; not a closure that merely uses it (``$f =
                    # function () use ($a) {``), nor a table lookup keyed by it (``$t[$a]``)
                    if var in req:
                        req.add(got[0])
                    if var in dec:
                        dec.add(got[0])
                    if var in direct and got[1].lstrip(b" \t@(").startswith(needle):
                        direct.add(got[0])
                pos = code.find(needle, pos + len(needle))
        if req and b"foreach" in code:  # foreach ($list as $to): the items of a tainted list
            for m in _FOREACH_VAR.finditer(code):
                if m.group(1) in req:
                    req.add(m.group(2))
    ctx.cache["taint"] = (req, dec)
    return req, dec


_SERVER_HEADER = re.compile(rb"(?:\$_server\s*\[|getenv\s*\()\s*\x01(\d+)\x01\s*[\])]")
# request headers that everyday code logs, mails or compares; a header of another name
# (X-Cmd, X-Token...) exists only between the client and this script
_COMMON_HEADERS = (
    b"http_host", b"http_user_agent", b"http_referer", b"http_accept", b"http_cookie",
    b"http_x_forwarded", b"http_x_real_ip", b"http_client_ip", b"http_x_requested_with",
    b"http_cf_", b"http_x_cluster_client_ip", b"http_forwarded", b"http_via", b"http_origin",
    b"http_if_", b"http_cache_control", b"http_connection", b"http_authorization",
    b"http_content_", b"http_dnt", b"http_upgrade", b"http_x_wp_", b"http_x_http_method",
)  # fmt: skip


# the parts of the request line that $_SERVER holds as the client sent them
_CLIENT_KEYS = (b"query_string", b"request_uri", b"path_info", b"php_auth_user", b"php_auth_pw")


def _custom_header(ctx: _Ctx, rhs: bytes) -> bool:
    """``rhs`` reads ``$_SERVER['HTTP_…']`` of a request header that is not a common one, or
    the query string or path the client sent."""
    m = _SERVER_HEADER.search(rhs)
    if m is None or int(m.group(1)) >= len(ctx.lx.raw_strings):
        return False
    key = ctx.lx.value(int(m.group(1))).lower()
    if key in _CLIENT_KEYS:
        return True
    return key.startswith(b"http_") and not key.startswith(_COMMON_HEADERS)


_EXTRACT_REQ = re.compile(rb"extract\s*\(\s*" + _REQ)
_SINK_VARCALL = re.compile(rb"\$(" + _NAME_P + rb")\s*+(?:\[[^\]\n]{0,40}\]\s*)?\(")


def _first_varcall(ctx: _Ctx) -> re.Match[bytes] | None:
    """``bounded_search(_SINK_VARCALL, code)``: the first variable called as a function,
    looked for once per file (several features start from it)."""
    if "varcall" not in ctx.cache:
        ctx.cache["varcall"] = bounded_search(_SINK_VARCALL, ctx.code, ctx.first)
    found: re.Match[bytes] | None = ctx.cache["varcall"]
    return found


def _interpolated(ctx: _Ctx, args: bytes) -> bytes:
    """``args`` with double-quoted/heredoc placeholders replaced by their text (PHP
    interpolates ``$var`` there); single-quoted ones stay placeholders."""
    if STR_MARK not in args:
        return args

    def repl(m: re.Match[bytes]) -> bytes:
        idx = int(m.group(1))
        if idx < len(ctx.lx.kinds) and ctx.lx.kinds[idx] in ("dq", "heredoc", "bq"):
            return b" " + ctx.lx.raw_strings[idx][:400].lower() + b" "
        return b" "

    return _PLACEHOLDER.sub(repl, args)


_ASSIGNED_TPL = (
    rb"as\s*(?:\$\w+\s*=>\s*)?&?\$%s\b|"
    rb"function[^{;]{0,600}\$%s\b|global\s[^;]{0,200}\$%s\b|list\s*\([^)]{0,200}\$%s\b|"
    rb"&\s*\$%s\b|(?:static|var|public|private|protected)\s[^;]{0,200}\$%s\b|use\s*\([^)]*\$%s\b|"
    rb"fn\s*\([^)]{0,200}\$%s\b|catch\s*\([^)]{0,200}\$%s\b|"
    rb"(?:preg_match(?:_all)?|exec|getopt|sscanf|openssl_\w+)\s*\([^;]{0,300}\$%s\b|"
    rb"\[[^\]]{0,200}\$%s\b[^\]]{0,200}\]\s*=(?![=>])|"
    rb"\$\{\s*\x01|\$\$|extract\s*\(|parse_str\s*\(|import_request_variables|"
    rb"(?:include|require)(?:_once)?\b"
)
# _ASSIGNED_TPL for any variable, compiled once: searched in b"<var>\x00" + code, the name
# captured at the start is matched by back-reference (one regex instead of one per variable)
_ASSIGNED_VAR = re.compile(
    rb"\A([^\x00]++)\x00.*?(?:" + _ASSIGNED_TPL % ((rb"(?:\1)",) * 11) + rb")", re.DOTALL
)


# the variable-independent alternatives of _ASSIGNED_TPL, each behind the word it starts
# with: the code has a match of the whole alternation iff one of them matches (each scan
# starts with a literal, which the regex engine finds quickly; it is skipped when the word
# is absent)
_ASSIGNED_ANY_PARTS = (
    (b"include", re.compile(rb"include(?:_once)?\b")),
    (b"require", re.compile(rb"require(?:_once)?\b")),
    (b"${", re.compile(rb"\$\{\s*\x01")),
    (b"$$", re.compile(rb"\$\$")),
    (b"extract", re.compile(rb"extract\s*\(")),
    (b"parse_str", re.compile(rb"parse_str\s*\(")),
    (b"import_request_variables", re.compile(rb"import_request_variables")),
)


_EMPTY_GUARD = re.compile(
    rb"if\s*\(\s*(?:!\s*isset\s*\(\s*\$(\w+)\s*\)|empty\s*\(\s*\$(\w+)\s*\)|!\s*\$(\w+)\s*|"
    rb"\$(\w+)\s*===?\s*\x01(\d+)\x01\s*|strlen\s*\(\s*\$(\w+)\s*\)\s*===?\s*0\s*)\)\s*\{?\s*$"
)
_ASSIGN_TAIL = re.compile(rb"\s*+(?:\[[^\]\n]{0,60}\]\s*)*(?:[.+\-*/|&^]|\?\?)?=(?![=>])")
_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_") | frozenset(range(0x80, 0x100))


def _mentions(buf: bytes, needle: bytes) -> bool:
    """``buf`` contains the variable ``needle`` ("$name") as a whole name."""
    pos = buf.find(needle)
    while pos >= 0:
        end = pos + len(needle)
        if end >= len(buf) or buf[end] not in _NAME_BYTES:
            return True
        pos = buf.find(needle, end)
    return False


_FILE_OP_NAMES_B = (
    b"unlink", b"rmdir", b"rename", b"copy", b"file_put_contents", b"move_uploaded_file",
    b"chmod", b"fopen", b"readfile", b"highlight_file", b"show_source",
)  # fmt: skip


# what follows "$var" in an assignment, for _var_assigns
_TAIL_ANY = re.compile(rb"\s*=[^;]{0,160}")
_TAIL_LITERAL = re.compile(rb"\s*=\s*\x01(\d+)\x01\s*;")
_TAIL_RHS = re.compile(rb"\s*=(?![=>])([^;]{0,200})")


_MAX_VAR_LOOKS = 5000  # occurrences of one variable examined (a file of 200,000 uses of $to)


def _var_assigns(
    code: bytes, var: bytes, tail: re.Pattern[bytes], limit: int = 1 << 30
) -> list[tuple[int, re.Match[bytes]]]:
    """The first ``limit`` matches of ``\\$<var><tail>`` in ``code``, as ``re.finditer`` would
    find them (non-overlapping, left to right): (start of "$var", match of the tail), among
    the first :data:`_MAX_VAR_LOOKS` occurrences. Needs no regex built per variable ("$"
    cannot occur inside a name, so the needles never overlap)."""
    needle = b"$" + var
    out: list[tuple[int, re.Match[bytes]]] = []
    pos = code.find(needle)
    looks = 0
    while pos >= 0 and len(out) < limit and looks < _MAX_VAR_LOOKS:
        looks += 1
        m = tail.match(code, pos + len(needle))
        if m is None:
            pos = code.find(needle, pos + 1)
        else:
            out.append((pos, m))
            pos = code.find(needle, max(m.end(), pos + 1))
    return out


def _expression(text: bytes) -> bytes:
    """The expression at the start of ``text``: up to a ``;`` or a closing bracket that it
    did not open (``$p = f()) { unlink($p);`` -> ``$p = f()``: an assignment inside a
    condition ends with the condition)."""
    return _balanced_prefix(text, 59, nested=True)  # ";"


def _balanced_prefix(text: bytes, stop: int, *, nested: bool) -> bytes:
    """``text`` up to a closing bracket that it did not open, or up to the byte ``stop``
    (outside brackets only, unless ``nested``)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == stop and (nested or depth == 0):
            return text[:i]
        if ch in b"([{":
            depth += 1
        elif ch in b")]}":
            if depth == 0:
                return text[:i]
            depth -= 1
    return text


def _really_assigned(ctx: _Ctx, var: bytes) -> bool:
    """Whether ``$var`` gets a value of its own somewhere: an assignment that is neither a
    default filled in only when the variable is empty (``if ($cmd == "") $cmd = 'ls';``, the
    register_globals idiom) nor a rewrite of itself (``$cmd = trim($cmd);``)."""
    code = ctx.code
    needle = b"$" + var
    pos = code.find(needle)
    seen = 0
    while pos >= 0 and seen < 200:
        seen += 1
        end = pos + len(needle)
        m = None if end < len(code) and code[end] in _NAME_BYTES else _ASSIGN_TAIL.match(code, end)
        if m is not None:
            rhs = _expression(code[m.end() : m.end() + 300])
            g = _EMPTY_GUARD.search(code, max(0, pos - 120), pos)
            guarded = g is not None and (
                next(x for x in (g.group(1), g.group(2), g.group(3), g.group(4), g.group(6)) if x)
                == var
                and (g.group(5) is None or ctx.lx.value(int(g.group(5))) == b"")
            )
            if not guarded and not _mentions(rhs, needle):
                return True
        pos = code.find(needle, end)
    return seen >= 200


@feature("exec_unassigned")
def _exec_unassigned(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A shell command (or eval) run from a variable the file never assigns: it comes from
    register_globals / extract() of the request (old-style web shells). A file that includes
    another, or sets variables in other ways (by reference, destructuring, arrow functions,
    preg_match/exec out-parameters) is given the benefit of the doubt."""
    code = ctx.code
    sinks = rule.params.get("sinks")
    names = (
        _EVAL_NAMES_B[:2]
        if sinks == "eval"
        else _FILE_OP_NAMES_B
        if sinks == "files"
        else _EXEC_NAMES_B
    )
    calls = _eval_calls(ctx, names, 50) if sinks == "eval" else _calls(ctx, names, 50)
    if not calls:
        return None
    # the variable-independent alternatives of _ASSIGNED_TPL: when one of them occurs, every
    # variable counts as assigned and nothing can fire (one scan per file, not per variable)
    generic = ctx.cache.get("assigned-any")
    if generic is None:
        generic = any(
            has_word(ctx, w) and rx.search(code) is not None for w, rx in _ASSIGNED_ANY_PARTS
        )
        ctx.cache["assigned-any"] = generic
    if generic:
        return None
    memo: dict[bytes, bool] = ctx.cache.setdefault("unassigned", {})
    for start, raw_args in calls:
        first = _first_arg(raw_args)
        if first is raw_args and len(raw_args) >= _CALL_ARGS_MAX:
            first = first.rstrip(_NAME_CHARS)  # cut off at the limit: the last name may be cut
        args = _interpolated(ctx, first)
        if args.find(b"escapeshell") >= 0:
            continue
        for var in sorted(set(_VAR.findall(args))):
            if var in (b"this", b"globals") or var.startswith(b"_"):
                continue
            unassigned = memo.get(var)
            if unassigned is None:
                # every variable-specific alternative of _ASSIGNED_TPL holds "$var" (and the
                # others are known absent): without it in the code, no need to build the regex
                unassigned = not _really_assigned(ctx, var) and (
                    code.find(b"$" + var) < 0 or _ASSIGNED_VAR.match(var + b"\x00" + code) is None
                )
                memo[var] = unassigned
            if unassigned:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_EXEC_NAMES_B = (
    b"system",
    b"exec",
    b"shell_exec",
    b"passthru",
    b"popen",
    b"proc_open",
    b"pcntl_exec",
)
_EVAL_NAMES_B = (b"eval", b"assert", b"create_function")


@functools.cache
def _assertion_rx() -> re.Pattern[bytes]:
    return re.compile(builtin_macro("ASSERTION").encode())


def _eval_calls(ctx: _Ctx, names: tuple[bytes, ...], limit: int = 200) -> list[tuple[int, bytes]]:
    """:func:`_calls` of eval-like functions, without ``assert`` calls that check a
    condition (``assert($x !== null)``, ``assert(is_string($y))``): only an assert of a
    string evaluates code (PHP < 8), which is what backdoors use."""
    calls = _calls(ctx, names, limit)
    if b"assert" not in names:
        return calls
    code = ctx.code
    rx = _assertion_rx()
    return [
        (start, args)
        for start, args in calls
        if not (code.startswith(b"assert", start) and rx.match(code, start + 6))
    ]


_SINK_NAMES: dict[str, tuple[bytes, ...]] = {
    "eval": _EVAL_NAMES_B,
    "exec": _EXEC_NAMES_B,
    "mail": (b"mail", b"imap_mail", b"mb_send_mail"),
    "sql": (b"mysql_query", b"mysqli_query", b"mysql_db_query", b"pg_query", b"mssql_query",
            b"sqlite_query", b"mysql_unbuffered_query"),
    "dbconnect": (b"mysql_connect", b"mysqli_connect", b"mysql_pconnect", b"pg_connect",
                  b"mssql_connect"),
}  # fmt: skip


_CALL_ARGS_MAX = 200  # argument text kept per call (``[^;]{0,200}`` below)
_NAME_CHARS = bytes(sorted(_NAME_BYTES))
_CALL_RX: dict[bytes, re.Pattern[bytes]] = {}
_CALLS_CACHED = 200  # calls kept per name in a file's cache (the largest limit asked for)


def _calls_of(code: bytes, name: bytes, limit: int, start: int = 0) -> list[tuple[int, bytes]]:
    """The first ``limit`` plain calls of ``name`` (a function name) in ``code``. The regex
    starts with the name, which the regex engine finds by a fast literal scan, and only
    occurrences followed by "(" come back to Python. A regex match steps one byte past a
    failed occurrence where a literal search would step past it whole; a name starting
    inside the previous occurrence follows a name byte, so it is never a plain call.
    ``start``: an offset no occurrence of the name comes before (the same matches as from 0)."""
    rx = _CALL_RX.get(name)
    if rx is None:
        rx = _CALL_RX[name] = re.compile(re.escape(name) + rb"(?=\s*\(([^;]{0,200}))")
    out: list[tuple[int, bytes]] = []
    for m in rx.finditer(code, start):
        pos = m.start()
        if not pos or code[pos - 1] not in _NOT_CALL_BEFORE:
            out.append((pos, m.group(1)))
            if len(out) >= limit:
                break
    return out


def find_calls(code: bytes, names: tuple[bytes, ...], limit: int = 200) -> list[tuple[int, bytes]]:
    """(offset, argument text) of plain calls to ``names`` (at most ``limit`` per name),
    sorted by offset."""
    out: list[tuple[int, bytes]] = []
    for name in names:
        out.extend(_calls_of(code, name, limit))
    out.sort()
    return out


def _calls(ctx: _Ctx, names: tuple[bytes, ...], limit: int = 200) -> list[tuple[int, bytes]]:
    """:func:`find_calls` over the code, each name looked up once per file (several rules
    ask for the same names); the search starts at the name's first occurrence (a gate word
    known absent is not searched)."""
    if limit > _CALLS_CACHED:
        return find_calls(ctx.code, names, limit)
    known: dict[bytes, list[tuple[int, bytes]]] = ctx.cache.setdefault("calls", {})
    out: list[tuple[int, bytes]] = []
    for name in names:
        found = known.get(name)
        if found is None:
            first = ctx.first(name)
            found = [] if first < 0 else _calls_of(ctx.code, name, _CALLS_CACHED, first)
            known[name] = found
        out.extend(found[:limit] if len(found) > limit else found)
    out.sort()
    return out


def _first_arg(args: bytes) -> bytes:
    """The first argument of a call whose argument text (after the "(") is ``args``."""
    return _balanced_prefix(args, 44, nested=False)  # ","


_SHELL_PATH = re.compile(rb"/bin/(?:ba|z|k|c|tc|da)?sh\b|\bsh -i\b|cmd\.exe|powershell")


@feature("reverse_shell")
def _reverse_shell(ctx: _Ctx, rule: Rule) -> Hit | None:
    sock = bounded_search(_SOCKET, ctx.code, ctx.first)
    if sock is None or not (
        _calls(ctx, _EXEC_NAMES_B, 1) or has_word(ctx, b"pcntl_fork") or has_word(ctx, b"dup2")
    ):
        return None
    if not _SHELL_PATH.search(_string_text(ctx)):
        return None
    return Hit(ctx.line_of_code(sock.start()), ctx.excerpt_code(sock.start(), sock.end() + 60))


_UPLOAD = re.compile(rb"(move_uploaded_file|copy)\s*\(([^;]{0,300})")
_UPLOAD_CHECKS = re.compile(
    rb"pathinfo|wp_check_filetype|getimagesize|finfo_|mime_content_type|in_array|preg_match|"
    rb"wp_handle_upload|sanitize_file_name|strrchr|exif_imagetype|allowed|extension"
)


@feature("upload_unchecked")
def _upload_unchecked(ctx: _Ctx, rule: Rule) -> Hit | None:
    """An upload saved under a .php name, or under the client's own file name with no
    check of the type or extension anywhere in the file (drop-anything uploader)."""
    code = ctx.code
    for m in _UPLOAD.finditer(code):
        args = m.group(2)
        if m.group(1) == b"copy" and b"$_files" not in args:
            continue
        dest = args.split(b",", 1)[1] if b"," in args else b""
        lits = [ctx.lx.value(int(i)).lower() for i in _PLACEHOLDER.findall(dest)]
        php_dest = any(re.search(rb"\.ph(?:p\d?|tml|ar)\b", v) for v in lits)
        shown = ctx.restore(dest).lower()
        client_name = b"$_files" in shown and b"name" in shown
        if not client_name:
            for var in sorted(set(_VAR.findall(dest))):
                for am_start, am in _var_assigns(code, var, _TAIL_ANY):
                    rhs = ctx.restore(code[am_start : am.end()]).lower()
                    # the name taken where the file array was ($u = $_FILES['f'] ... $u['name'])
                    if b"$_files" in rhs and (b"name" in rhs or b"name" in shown):
                        client_name = True
                        break
                if client_name:
                    break
        if php_dest or (client_name and _UPLOAD_CHECKS.search(code) is None):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# the variable, or an element of it ($p = $_POST; include $p['f'];): the taint of the array
_INCLUDE_VAR = re.compile(
    rb"(?:include|require)(?:_once)?\b\s*\(?\s*@?\s*\$(" + _NAME_P + rb")(?!\s*(?:->|::))"
)


@feature("tainted_sink")
def _tainted_sink(ctx: _Ctx, rule: Rule) -> Hit | None:
    kind = rule.params.get("sinks")
    first_call = None
    if kind == "varcall":
        first_call = _first_varcall(ctx)
        if first_call is None:
            return None  # no variable is called as a function: nothing to taint-check
    includes: list[re.Match[bytes]] = []
    if kind == "include":
        includes = list(bounded_finditer(_INCLUDE_VAR, ctx.code, 200, first=ctx.first))
        if not includes:
            return None  # no include of a bare variable: nothing to taint-check
    req, dec = _taint(ctx)
    if (
        not req
        and not dec
        and not ctx.cache.get("direct")
        and not (kind == "varcall" and has_word(ctx, b"extract"))
    ):
        return None
    code = ctx.code
    if first_call is not None:
        extracted = has_word(ctx, b"extract") and _EXTRACT_REQ.search(code) is not None
        direct = ctx.cache.get("direct", set())
        if not extracted and not direct and not dec:
            return None  # no variable called can be a tainted one
        # the same matches as from offset 0: none before the first one was accepted
        for m in bounded_finditer(_SINK_VARCALL, code, pos=first_call.start()):
            var = m.group(1)
            if code[max(0, m.start() - 8) : m.start()].rstrip().endswith(b"new"):
                continue  # new $class(): instantiation, not a call
            if var in direct or var in dec or (extracted and var != b"this"):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 60))
        return None
    if kind == "include":  # a construct, often without "(": the path starts with the variable
        for m in includes:
            var = m.group(1)
            if var not in req:
                continue
            if code[m.end() : m.end() + 40].lstrip()[:1] == b"[" and not _whole_request(ctx, var):
                continue  # an element of an array that merely holds some request values
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
        return None
    names = _SINK_NAMES.get(str(kind), _EXEC_NAMES_B)
    if kind == "eval":
        bad = req | dec | ctx.cache.get("direct", set())
    elif kind == "exec":  # a command sent in a header of the client's own (X-Cmd: ...)
        bad = req | ctx.cache.get("header", set())
    else:
        bad = req
    direct_ok = kind in ("sql", "dbconnect")
    calls = _eval_calls(ctx, names) if kind == "eval" else _calls(ctx, names)
    for start, args in calls:
        text = _interpolated(ctx, args)
        if set(_VAR.findall(text)) & bad or (direct_ok and _UIN_RE.search(text)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_REQUEST_COPY = re.compile(rb"\$(" + _NAME_P + rb")\s*=\s*&?\s*\$_(?:get|post|request|cookie)\s*;")


def _whole_request(ctx: _Ctx, var: bytes) -> bool:
    """``$var`` is a copy of a whole request array (``$in = $_POST;``)."""
    copies = ctx.cache.get("whole-request")
    if copies is None:
        found = itertools.islice(_REQUEST_COPY.finditer(ctx.code), 100)
        copies = ctx.cache["whole-request"] = {m.group(1) for m in found}
    return var in copies  # type: ignore[operator]


_PREG = re.compile(rb"preg_replace\s*\(\s*@?\s*\x01(\d+)\x01")
_CLOSERS = {ord("("): ord(")"), ord("["): ord("]"), ord("{"): ord("}"), ord("<"): ord(">")}


_MB_EREG = (b"mb_ereg_replace", b"mb_eregi_replace")
_MB_OPTIONS = re.compile(rb"[a-z]{1,12}")  # mb_regex_set_options() letters


@feature("preg_e")
def _preg_e(ctx: _Ctx, rule: Rule) -> Hit | None:
    for m in _PREG.finditer(ctx.code) if has_word(ctx, b"preg_replace") else ():
        pat = ctx.lx.value(int(m.group(1))).strip()
        if len(pat) < 2:
            continue
        delim = _CLOSERS.get(pat[0], pat[0])
        end = pat.rfind(bytes([delim]))
        if end <= 0:
            continue
        mods = pat[end + 1 :]
        if b"e" in mods and re.fullmatch(rb"[a-zA-Z]*", mods):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 80))
    # mb_ereg_replace($pattern, $replacement, $string, 'e'): the "e" option evaluates the
    # replacement as PHP, as /e does (until PHP 8)
    for start, args in _calls(ctx, _MB_EREG, 50) if has_any(ctx, _MB_EREG) else ():
        parts = _top_args(args)
        options = _PLACEHOLDER.fullmatch(parts[3].strip()) if len(parts) > 3 else None
        if options is not None:
            value = ctx.lx.value(int(options.group(1))).strip()
            if b"e" in value and _MB_OPTIONS.fullmatch(value):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    return None


_CALLBACK = re.compile(
    rb"(?:call_user_func(?:_array)?|array_map|array_filter|array_walk(?:_recursive)?|"
    rb"u[ak]?sort|register_shutdown_function|register_tick_function|ob_start|iterator_apply|"
    rb"forward_static_call(?:_array)?|array_reduce|array_diff_ukey|array_intersect_ukey|"
    rb"new\s+reflectionfunction)\s*\(([^;]{0,200})"
)


_QUOTED_EXEC = re.compile(
    rb"\x00\\?(?:eval|assert|system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|"
    rb"create_function|base64_decode|gzinflate|gzuncompress|str_rot13|preg_replace|"
    rb"call_user_func(?:_array)?)\x00"
)


@feature("callback_literal")
def _callback_literal(ctx: _Ctx, rule: Rule) -> Hit | None:
    if not _QUOTED_EXEC.search(_string_text(ctx)):
        return None
    for m in bounded_finditer(_CALLBACK, ctx.code, first=ctx.first):
        for p in _PLACEHOLDER.finditer(m.group(1)):
            val = ctx.lx.value(int(p.group(1))).strip().lower().lstrip(b"\\")
            if val.decode("latin-1") in _CALLBACK_EXEC:
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# names that run code when a callback API calls them; a decoder mapped over data
# (array_map('base64_decode', $parts), as database tools do) runs nothing by itself
_CALLBACK_EXEC = _EXEC_NAMES - {"base64_decode", "gzinflate", "gzuncompress", "str_rot13"}


_INCLUDE_LIT = re.compile(
    rb"(?:include|require)(?:_once)?\b\s*\(?\s*@?\s*(?:[\w\s.()$]{0,60}?\.\s*)?"
    rb"\x01(\d+)\x01"
)
_ODD_EXT = re.compile(
    rb"\.(?:ico|png|jpe?g|gif|bmp|webp|log|dat|tmp|zip|pdf|mp3|ttf|woff2?|bak)$",
    re.IGNORECASE,
)
# a .txt file is a template or a notice when the path is relative to the script
# (``require "templates/notice.txt"``); from an absolute path, upward or in uploads/tmp it
# is a payload parked where the site lets visitors write
_HIDDEN_TXT = re.compile(rb"(?:^/|\.\./|upload|(?:^|/)tmp/).*\.txt$", re.IGNORECASE)


_CB_FIRST = (
    b"call_user_func", b"call_user_func_array", b"array_map", b"register_shutdown_function",
    b"reflectionfunction",
)  # fmt: skip
_CB_SECOND = (
    b"usort", b"uasort", b"uksort", b"array_walk", b"array_walk_recursive", b"array_filter",
    b"array_reduce", b"preg_replace_callback", b"iterator_apply",
)  # fmt: skip
_CB_LAST = (
    b"array_diff_ukey", b"array_diff_uassoc", b"array_intersect_ukey", b"array_intersect_uassoc",
    b"array_udiff",
)  # fmt: skip
_ARG_REQ = re.compile(rb"[\s@]*(?:\(\s*string\s*\)\s*)?" + _REQ)
# a variable, or an element of it ($q['f']), named as a callback
_HELD_CALLBACK = re.compile(rb"\$(" + _NAME_P + rb")\s*(?:\[[^\]\n]{0,40}\]\s*)?")


def _top_args(args: bytes) -> list[bytes]:
    """The top-level arguments of a call whose argument text (after the "(") is ``args``."""
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


def _callback_arg(name: bytes, args: bytes) -> bytes | None:
    """The argument that a callback-taking function calls, or None when the call passes
    none (``array_filter($_POST['ids'])`` filters values, it calls nothing)."""
    if name in _CB_FIRST:
        return _first_arg(args)
    parts = _top_args(args)
    if len(parts) < 2:
        return None
    return parts[1] if name in _CB_SECOND else parts[-1]


def _has_request_words(ctx: _Ctx) -> bool:
    """Whether the code holds a word that every match of ``_REQ`` starts with."""
    return has_any(ctx, _REQ_WORDS)


_REQ_WORDS = (b"$_", b"$http_", b"php://input", b"getallheaders")  # one starts each _REQ match


@feature("callback_request")
def _callback_request(ctx: _Ctx, rule: Rule) -> Hit | None:
    if not _has_request_words(ctx):
        return None  # no request input anywhere: no argument can be request input
    code = ctx.code
    direct: set[bytes] | None = None
    for start, args in _calls(ctx, (*_CB_FIRST, *_CB_SECOND, *_CB_LAST), 100):
        # the callback is request input, or a variable that holds it as it is ($fn =
        # $_COOKIE['f'];): it is a part of ``args``, so without a match of _REQ or a
        # variable there, skip the argument split
        has_req = _REQ_RE.search(args) is not None
        if not has_req and _VAR.search(args) is None:
            continue
        end = code.find(b"(", start)
        callback = _callback_arg(code[start:end].rstrip(), args)
        if callback is None:
            continue
        if has_req and _ARG_REQ.match(callback):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
        held = _HELD_CALLBACK.fullmatch(callback.strip().lstrip(b"@"))
        if held is None:
            continue
        if direct is None:  # the taint pass, only for a file that names a callback so
            _taint(ctx)
            direct = ctx.cache["direct"]
        if held.group(1) in direct:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    return None


@feature("include_literal")
def _include_literal(ctx: _Ctx, rule: Rule) -> Hit | None:
    for m in bounded_finditer(_INCLUDE_LIT, ctx.code, first=ctx.first):
        val, esc = ctx.lx.value_esc(int(m.group(1)))
        path = val.strip()
        if (
            esc >= 3
            or _ODD_EXT.search(path)
            or _HIDDEN_TXT.search(path)
            or (path[:5].lower() == b"data:" and len(path.partition(b",")[2]) >= 16)
            or path[:9].lower() in (b"php://inp", b"php://fil")
        ):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# possessive: the same match (nothing follows the repetition), without the regex engine
# keeping a backtracking entry per piece (300 MB for a million "a"."a"... pieces)
_CONCAT = re.compile(
    rb"(?:" + _S + rb"|chr\s*\(\s*\d+\s*\))(?:\s*\.\s*(?:" + _S + rb"|chr\s*\(\s*\d+\s*\)))++"
)
# where a literal-only concatenation may start (literal prefixes keep the scan fast)
_CONCAT_START = re.compile(rb"\x01\d+\x01\s*\.\s*(?:\x01|chr)")
_CHR_START = re.compile(rb"chr\s*\(\s*\d+\s*\)\s*\.")


def _concats_cached(ctx: _Ctx) -> list[re.Match[bytes]]:
    if "concats" not in ctx.cache:
        ctx.cache["concats"] = _concats(ctx.code, has_word(ctx, b"chr"))
    found: list[re.Match[bytes]] = ctx.cache["concats"]
    return found


def _concats(code: bytes, has_chr: bool = True) -> list[re.Match[bytes]]:
    """Literal-only concatenations in ``code``; ``has_chr`` False: "chr" is known absent."""
    found: list[re.Match[bytes]] = []
    last = -1
    for rx in (_CONCAT_START, _CHR_START):
        if rx is _CHR_START and (not has_chr or code.find(b"chr") < 0):
            continue
        for m in rx.finditer(code):
            if m.start() < last:
                continue
            full = _CONCAT.match(code, m.start())
            if full is not None:
                found.append(full)
                last = full.end()
            if len(found) > 2000:
                return found
    return found


_CONCAT_PART = re.compile(rb"\x01(\d+)\x01|chr\s*\(\s*(\d+)\s*\)")
_TRANSFORM = re.compile(rb"(strrev|str_rot13|base64_decode|hex2bin)\s*\(\s*\x01(\d+)\x01\s*\)")
_STR_REPLACE = re.compile(
    rb"str_(?:i)?replace\s*\(\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01\s*\)"
)


_HEX_DIGITS = re.compile(rb"(?:[0-9a-fA-F]{2})+")


def _hex_name(val: bytes) -> bytes | None:
    """The bytes a short hex literal stands for ("73797374656d" -> "system"), or None."""
    return bytes.fromhex(val.decode("ascii")) if _HEX_DIGITS.fullmatch(val) else None


_PACK_HEX = re.compile(rb"(?<![\w$>:])pack\s*\(\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01\s*\)")
_WRAPPER = re.compile(
    rb"function\s+(" + _NAME_P + rb")\s*\(\s*\$" + _NAME_P + rb"\s*\)\s*\{\s*return\s+"
    rb"(strrev|str_rot13|base64_decode|hex2bin)\s*\(\s*\$" + _NAME_P + rb"\s*\)\s*;\s*\}"
)
_IMPLODE = re.compile(
    rb"(?:implode|join)\s*\(\s*\x01(\d+)\x01\s*,\s*(?:array\s*\(|\[)"
    rb"((?:\s*\x01\d+\x01\s*,){1,15}\s*\x01\d+\x01\s*,?\s*)[\])]\s*\)"
)


_NAME_DECODERS = frozenset({b"strrev", b"str_rot13", b"base64_decode", b"hex2bin"})
_JOINERS = frozenset({b"implode", b"join"})
_BUILT_CODE = re.compile(
    rb"(?:eval|assert|base64_decode|gzinflate|gzuncompress|str_rot13|system|shell_exec|passthru)"
    rb"\s*\("
)


def _norm_name(val: bytes) -> str:
    return val.strip().lower().decode("latin-1")


@feature("built_names")
def _built_names(ctx: _Ctx, rule: Rule) -> Hit | None:
    code = ctx.code
    lx = ctx.lx
    if _DOT in code:
        for m in _concats_cached(ctx):
            if len(m.group(0)) > 400:
                continue
            parts = []
            for p in _CONCAT_PART.finditer(m.group(0)):
                if p.group(1) is not None:
                    parts.append(lx.value(int(p.group(1))))
                else:
                    parts.append(bytes([int(p.group(2)) & 0xFF]))
            if len(parts) < 2 or sum(len(x) for x in parts) > 40:
                if len(parts) >= 4 and _BUILT_CODE.search(b"".join(parts).lower()):
                    return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
                continue
            if _norm_name(b"".join(parts)) in DANGEROUS_NAMES:
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    transforms: Iterable[re.Match[bytes]] = ()
    wrappers: dict[bytes, bytes] = {}
    if has_any(ctx, _NAME_DECODERS):
        transforms = _finditer(_TRANSFORM, code)
        if b"return" in code:  # function d($s) { return base64_decode($s); }: d() decodes too
            found = itertools.islice(_WRAPPER.finditer(code), 20)  # bounded: one alternation
            wrappers = {m.group(1): m.group(2) for m in found}
            if wrappers:
                names = b"|".join(re.escape(w) for w in wrappers)
                wrapped = re.compile(rb"(" + names + rb")\s*\(\s*\x01(\d+)\x01\s*\)")
                transforms = itertools.chain(transforms, bounded_finditer(wrapped, code, 200))
    for m in transforms:
        fn, val = m.group(1), lx.value(int(m.group(2)))
        fn = wrappers.get(fn, fn)
        if len(val) > 60:
            continue
        if fn == b"strrev":
            out: bytes | None = val[::-1]
        elif fn == b"str_rot13":
            out = val.translate(decode._ROT13)
        elif fn == b"base64_decode":
            out = decode._b64(val) if len(val) >= 4 else None
            if out is None and len(val) >= 4:
                try:
                    import base64

                    out = base64.b64decode(val + b"=" * (-len(val) % 4))
                except ValueError:
                    out = None
        else:
            out = _hex_name(val)
        if out is not None and _norm_name(out) in DANGEROUS_NAMES:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    packs = _finditer(_PACK_HEX, code) if has_word(ctx, b"pack") else ()  # literal-led
    for m in itertools.islice(packs, 50):
        fmt, val = lx.value(int(m.group(1))), lx.value(int(m.group(2)))
        out = _hex_name(val) if fmt.strip() == b"H*" else None
        if out is not None and _norm_name(out) in DANGEROUS_NAMES:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    joins = (
        bounded_finditer(_IMPLODE, code, 200, first=ctx.first)  # literal-led, name-bounded
        if has_any(ctx, _JOINERS)
        else ()
    )
    for m in joins:  # implode('', ['as', 'se', 'rt'])
        glue = lx.value(int(m.group(1)))
        parts = [lx.value(int(i)) for i in _PLACEHOLDER.findall(m.group(2))]
        if _norm_name(glue.join(parts)) in DANGEROUS_NAMES:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    replaces = _STR_REPLACE.finditer(code) if has_word(ctx, b"replace") else ()
    for m in replaces:
        a, b, c = (lx.value(int(m.group(i))) for i in (1, 2, 3))
        if a and len(c) <= 80 and _norm_name(c.replace(a, b)) in DANGEROUS_NAMES:
            if _norm_name(c) in DANGEROUS_NAMES:
                continue
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    for i in lx.escaped:
        raw = lx.raw_strings[i]
        # each escape holds a backslash: count those first, then the escapes, before unescaping
        if len(raw) > 200 or raw.count(b"\\") < 2 or len(_CODE_ESCAPE.findall(raw)) < 2:
            continue
        val, esc = lx.value_esc(i)
        if esc >= 2 and len(val) <= 40 and _norm_name(val) in DANGEROUS_NAMES:
            return Hit(ctx.line_of_string(i), excerpt(lx.raw_strings[i]))
    return None


_JOINED_MAX = decode.MAX_OUTPUT  # bytes of one literal concatenation tried as a payload
_JOINED_PIECES = 1 << 16  # and its pieces
_DATA_HEAD = re.compile(rb"[A-Za-z0-9+/=_\-\s%]+")


def _decode_candidates(ctx: _Ctx) -> list[tuple[int, bytes]]:
    """Long literals (and long literal concatenations) worth trying to decode."""
    out: list[tuple[int, bytes]] = []
    lx = ctx.lx
    for i in sorted(lx.long, key=lambda j: -len(lx.raw_strings[j])):
        raw = lx.raw_strings[i]
        head = raw[:64]
        if _SPACE in head:
            continue
        if not (_DATA_HEAD.fullmatch(head) or head.find(b"\\x") >= 0):
            continue
        val = lx.value(i)
        if len(val) >= 40:
            out.append((i, val))
        if len(out) >= MAX_DECODE_CANDIDATES:
            break
    if has_any(ctx, _EVAL_NAMES_B[:2]):
        for _start, args in _calls(ctx, _EVAL_NAMES_B[:2], 20):
            p = _PLACEHOLDER.match(args.lstrip(b" \t\n@("))
            if p is not None:
                val = lx.value(int(p.group(1)))
                if len(val) >= 16 and decode.looks_like_php(val):
                    out.append((int(p.group(1)), b"\x00code\x00" + val))
    if _DOT in ctx.code and len(out) < MAX_DECODE_CANDIDATES:
        for m in _concats_cached(ctx):
            idxs: list[int] = []
            size = 0
            for p in _PLACEHOLDER.finditer(ctx.code, m.start(), m.end()):
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
    out.sort(key=lambda t: -len(t[1]))
    return out


def _payloads(ctx: _Ctx) -> list[tuple[int, bytes, tuple[str, ...]]]:
    cached = ctx.cache.get("payloads")
    if cached is None:
        found: list[tuple[int, bytes, tuple[str, ...]]] = []
        for idx, val in _decode_candidates(ctx):
            ctx.check()
            res = decode.peel(val, _uses(ctx), ctx.check)
            if res is not None:
                found.append((idx, res[0], res[1]))
                if len(found) >= MAX_PAYLOADS:
                    break
        cached = found
        ctx.cache["payloads"] = cached
    return cached  # type: ignore[no-any-return]


@feature("decoded_payload")
def _decoded_payload(ctx: _Ctx, rule: Rule) -> Hit | None:
    # literal code (eval("..."), concatenated code text) is scanned as a layer but was not
    # encoded: the finding is for payloads that something had to decode
    payloads = [p for p in _payloads(ctx) if p[2] != ("code",)]
    if not payloads:
        return None
    idx, payload, layers = payloads[0]
    return Hit(ctx.line_of_string(idx), excerpt(b"[" + "+".join(layers).encode() + b"] " + payload))


@feature("encoded_literal")
def _encoded_literal(ctx: _Ctx, rule: Rule) -> Hit | None:
    min_len = int(rule.params.get("min_len", 1500))
    lx = ctx.lx
    for i in lx.long:
        raw = lx.raw_strings[i]
        if len(raw) < min_len:
            continue
        val = lx.value(i)
        if len(val) >= min_len and _encodedness(val) is not None:
            return Hit(ctx.line_of_string(i), excerpt(val[:80]))
    return None


@feature("encoded_fraction")
def _encoded_fraction(ctx: _Ctx, rule: Rule) -> Hit | None:
    total = len(ctx.data)
    if total < 1000:
        return None
    lx = ctx.lx
    enc = 0
    first = -1
    for i in lx.long:
        raw = lx.raw_strings[i]
        if len(raw) >= 200 and _encodedness(lx.value(i)) is not None:
            enc += len(raw)
            if first < 0:
                first = i
    if enc >= float(rule.params.get("min_fraction", 0.6)) * total:
        return Hit(ctx.line_of_string(first), f"{enc} of {total} bytes are encoded literals")
    return None


_CODE_ESCAPE = re.compile(rb"\\(?:x[0-9A-Fa-f]|[0-7]|u\{)")  # \x41, \101, \u{41} in raw text
_PRINTABLE = re.compile(rb"[\x20-\x7e\t\r\n]*")


@feature("escaped_literals")
def _escaped_literals(ctx: _Ctx, rule: Rule) -> Hit | None:
    need = int(rule.params.get("min_escapes", 10))
    lx = ctx.lx
    for i in lx.escaped:
        if len(_CODE_ESCAPE.findall(lx.raw_strings[i])) < need:
            continue
        val, esc = lx.value_esc(i)
        if esc >= need and _PRINTABLE.fullmatch(val) and re.search(rb"[A-Za-z]{3}", val):
            return Hit(ctx.line_of_string(i), excerpt(lx.raw_strings[i]))
    return None


_RANDOM_NAME = re.compile(
    rb"(?m)^((?=..)(?:[o0_]*o[o0_]*0[o0_]*|[o0_]*0[o0_]*o[o0_]*|[il1_]*[il][il1_]*[l1][il1_]*|"
    rb"_+0x[0-9a-f]+|_{2,}\d*|(?=[a-z]{7,}$)[a-z]*[bcdfghjklmnpqrstvwxz]{5,}[a-z]*|[a-z]{1,3}\d{3,}|"
    rb"(?=[a-z]*\d+[a-z]+\d)(?=(?:[a-z]*\d){3})(?=(?:\d*[a-z]){3})[a-z0-9]{10,}|.*[\x80-\xff].*))$"
)


_ODD_NAMES: set[bytes] = set()  # names seen that match _RANDOM_NAME (short ones only)
_PLAIN_NAMES: set[bytes] = set()  # ... and that do not


@feature("random_identifiers")
def _random_identifiers(ctx: _Ctx, rule: Rule) -> Hit | None:
    names = lexer_names(ctx.code)  # of variables and declared functions
    # a name is odd when its whole line of the "\n"-joined names matches _RANDOM_NAME (names
    # hold no newline); the answer per (short) name is cached, as names recur across files
    odd_known, plain_known = _ODD_NAMES, _PLAIN_NAMES
    if len(odd_known) + len(plain_known) > 100_000:
        odd_known.clear()
        plain_known.clear()
    need = max(int(rule.params.get("min_names", 6)),
               float(rule.params.get("min_fraction", 0)) * len(names))  # fmt: skip
    unknown = names - plain_known
    if len(unknown) < need:
        return None  # the odd names are among these: too few whatever they are
    odd = list(unknown & odd_known)
    for n in unknown - odd_known:  # set operations: no Python loop for the known
        if _RANDOM_NAME.fullmatch(n) is not None:
            odd.append(n)
            if len(n) <= 64:
                odd_known.add(n)
        elif len(n) <= 64:
            plain_known.add(n)
    # enough of them, and a share of the file's names (``need``): obfuscators rename
    # everything, while a large class or a generated parser has a few odd names among
    # hundreds of ordinary ones
    if len(odd) < need:
        return None
    low = ctx.data.lower()  # bytes.lower() keeps every offset
    odd = sorted(n for n in odd if not _joined_words(ctx.data, low, n))
    if len(odd) >= need:
        return Hit(0, excerpt(b", ".join(b"$" + n for n in odd[:8])))
    return None


_INDEX = re.compile(rb"[\[{]\s*(\d+)\s*[\]}]")


@feature("index_assembly")
def _index_assembly(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A chain of string indexes glued together (``$t[29].$t[8].$t[3]...``, the pattern) that
    reads a table of at least ``min_index`` + 1 characters: an alphabet that spells function
    names. Byte reordering (``$b[3].$b[2].$b[1].$b[0]`` in UUID code) and hex digit copies
    (``$hex[0].$hex[0].$hex[1]``) index short tables and are not counted."""
    assert rule.regex is not None
    least = int(rule.params.get("min_index", 16))
    for m in itertools.islice(rule.regex.finditer(ctx.code), 1000):
        if any(len(x) > 4 or int(x) >= least for x in _INDEX.findall(m.group())):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


_CONSONANTS = re.compile(rb"[bcdfghjklmnpqrstvwxz]{5,}")
_LETTERS_ONLY = re.compile(rb"[a-z]+")
_CAMEL_WORD = re.compile(rb"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+")
_VOWEL = re.compile(rb"[aeiouy]", re.IGNORECASE)


def _joined_words(data: bytes, low: bytes, name: bytes) -> bool:
    """Whether a lower-cased ``name`` that looks random only for a run of consonants is in
    fact words joined in camelCase in the file (``getMockFromWsdl``, ``addHTMLLink``: the code
    the rules read is lower-cased, so "mfromwsdl" looked like a random run). Each word must
    be free of such runs, and most words hold a vowel, so random mixed case (``KzXwTr``)
    still counts as random."""
    if _LETTERS_ONLY.fullmatch(name) is None or _CONSONANTS.search(name) is None:
        return False
    pos = low.find(name)
    while pos >= 0:  # the first occurrence as a whole name (``low`` is ``data`` lower-cased)
        end = pos + len(name)
        if (not pos or low[pos - 1] not in _NAME_BYTES) and (
            end == len(low) or low[end] not in _NAME_BYTES
        ):
            break
        pos = low.find(name, pos + 1)
    if pos < 0:
        return False
    words = _CAMEL_WORD.findall(data[pos : pos + len(name)])
    if len(words) < 2 or any(_CONSONANTS.search(w.lower()) for w in words):
        return False
    return 2 * sum(1 for w in words if _VOWEL.search(w)) >= len(words)


@feature("count")
def _count(ctx: _Ctx, rule: Rule) -> Hit | None:
    assert rule.regex is not None
    hits = list(bounded_finditer(rule.regex, ctx.code, 10000, first=ctx.first))
    if len(hits) >= int(rule.params.get("min_count", 1)):
        m = hits[0]
        shown = excerpt(ctx.restore(m.group(0)))
        return Hit(ctx.line_of_code(m.start()), f"{len(hits)} times, e.g. {shown}")
    return None


@feature("distinct")
def _distinct(ctx: _Ctx, rule: Rule) -> Hit | None:
    assert rule.regex is not None
    seen: dict[bytes, int] = {}
    found = (
        bounded_finditer(rule.regex, ctx.code, 2000, first=ctx.first)
        if rule.boundary
        else rule.regex.finditer(ctx.code)
    )
    for m in found:
        seen.setdefault(m.group(1), m.start())
    if len(seen) >= int(rule.params.get("min_distinct", 2)):
        first = min(seen.values())
        return Hit(ctx.line_of_code(first), excerpt(b", ".join(sorted(seen))))
    return None


@feature("packed_line")
def _packed_line(ctx: _Ctx, rule: Rule) -> Hit | None:
    min_len = int(rule.params.get("min_len", 3000))
    need = int(rule.params.get("min_statements", 40))
    code = ctx.code
    half = max(1, min_len // 2)
    i = 0
    n = len(code)
    # a line of >= min_len bytes contains a whole aligned window of min_len/2 bytes
    while i + half <= n:
        if code.find(b"\n", i, i + half) < 0:
            lo = code.rfind(b"\n", 0, i) + 1
            hi = code.find(b"\n", i)
            hi = n if hi < 0 else hi
            if hi - lo >= min_len and code.count(b";", lo, hi) >= need:
                return Hit(ctx.line_of_code(lo), f"{hi - lo} bytes of code on one line")
            i = hi + 1
            continue
        i += half
    return None


_QUIET = re.compile(
    rb"@?(error_reporting\s*\(\s*0\s*\)|set_time_limit\s*\(\s*0\s*\)|ignore_user_abort\s*\(|"
    rb"ini_set\s*\(\s*\x01\d+\x01\s*,\s*(?:0|false|\x01\d+\x01)\s*\)|"
    rb"@?ini_set\s*\(\s*\x01\d+\x01\s*,\s*0\s*\))"
)


@feature("quiet_kit")
def _quiet_kit(ctx: _Ctx, rule: Rule) -> Hit | None:
    code = ctx.code
    kinds = set()
    first = -1
    for word in (b"error_reporting", b"set_time_limit", b"ignore_user_abort", b"ini_set"):
        pos = code.find(word)
        while pos >= 0:
            m = _QUIET.match(code, pos)
            if m is not None:
                kinds.add(word)
                first = pos if first < 0 else min(first, pos)
                break
            pos = code.find(word, pos + 1)
    if len(kinds) >= 2:
        return Hit(ctx.line_of_code(first), ctx.excerpt_code(first, first + 80))
    return None


_IMAGE_MAGIC = (b"GIF8", b"\x89PNG", b"\xff\xd8\xff", b"BM", b"\x00\x00\x01\x00", b"RIFF")
_IMAGE_EXT = re.compile(
    r"\.(?:ico|png|jpe?g|gif|bmp|webp|svg|txt|log|css|js|pdf|mp3|ttf|woff2?|zip)$", re.IGNORECASE
)


@feature("php_in_image")
def _php_in_image(ctx: _Ctx, rule: Rule) -> Hit | None:
    if ctx.layer or not ctx.lx.php_regions:
        return None
    magic = ctx.data.startswith(_IMAGE_MAGIC)
    if magic or _IMAGE_EXT.search(ctx.name):
        pos = ctx.data.find(b"<?")
        what = "image data" if magic else "a non-PHP extension"
        return Hit(ctx.data.count(b"\n", 0, pos) + 1, f"PHP open tag in a file with {what}")
    return None


@feature("backtick_request")
def _backtick_request(ctx: _Ctx, rule: Rule) -> Hit | None:
    if "bq" not in ctx.lx.kinds:
        return None
    req, _ = _taint(ctx)
    for i, kind in enumerate(ctx.lx.kinds):
        if kind != "bq":
            continue
        val = ctx.lx.value(i).lower()
        if _REQ_RE.search(val) or set(_VAR.findall(val)) & (req | ctx.cache["header"]):
            return Hit(ctx.line_of_string(i), excerpt(b"`" + val + b"`"))
    return None


_FILE_OPS = re.compile(
    rb"(unlink|rmdir|rename|chmod|file_put_contents|fwrite|fopen|move_uploaded_file|"
    rb"copy|mkdir|readfile|file_get_contents|highlight_file|show_source|scandir|opendir|glob|"
    rb"touch|filemtime|fileperms)\s*\("
)
_FILE_OP_NAMES = tuple(_FILE_OPS.pattern[1 : _FILE_OPS.pattern.index(b")")].split(b"|"))


@feature("file_manager")
def _file_manager(ctx: _Ctx, rule: Rule) -> Hit | None:
    code = ctx.code
    text = _string_text(ctx)
    if text.find(b"<form") < 0 and text.find(b"<input") < 0 and text.find(b"<textarea") < 0:
        return None
    if not _UIN_RE.search(code):
        return None
    # each operation found is one of these names in the code: fewer than 7 present, no hit
    present = 0
    for k, name in enumerate(_FILE_OP_NAMES):
        present += has_word(ctx, name)
        if present + len(_FILE_OP_NAMES) - k - 1 < 7:
            return None  # too few left to reach 7

    ops = {m.group(1) for m in bounded_finditer(_FILE_OPS, code, 500, first=ctx.first)}
    if len(ops) < 7:
        return None
    return Hit(0, excerpt(b", ".join(sorted(ops))))


# a verb starts a literal or a line; the literals are raw text, so a line break before it is
# often the escape "\r\n" as written in a double-quoted string
_SMTP_VERBS = re.compile(
    rb"(?:^|[\s\"'\x00]|\\[rn])"
    rb"(ehlo|helo|mail from|rcpt to|data\r?\n|data\\[rn]|data$|data\x00|quit|auth login|"
    rb"starttls)"
)
_SOCKET = re.compile(
    rb"(?:fsockopen|pfsockopen|stream_socket_client|socket_create|socket_connect)\s*\("
)


_SMTP_DIALOGUE = frozenset({b"ehlo", b"helo", b"mail", b"rcpt", b"data", b"quit"})


def _smtp(ctx: _Ctx) -> int:
    """Code offset of the socket call if the file speaks SMTP over a raw socket, else -1."""
    cached = ctx.cache.get("smtp")
    if cached is None:
        cached = -1
        m = bounded_search(_SOCKET, ctx.code, ctx.first)
        if m is not None:
            text = _string_text(ctx)
            verbs: set[bytes] = set()
            for v in _SMTP_VERBS.finditer(text):
                verb = v.group(1)[:4]
                if verb in _SMTP_DIALOGUE:
                    verbs.add(verb)
                    if len(verbs) >= 3:  # enough: the rest of the text cannot change it
                        cached = m.start()
                        break
        ctx.cache["smtp"] = cached
    return cached  # type: ignore[no-any-return]


@feature("smtp_dialogue")
def _smtp_dialogue(ctx: _Ctx, rule: Rule) -> Hit | None:
    pos = _smtp(ctx)
    if pos < 0:
        return None
    return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))


_FREEMAIL = re.compile(
    rb"@(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|aol|mail\.ru|yandex|inbox\.ru|"
    rb"list\.ru|bk\.ru|protonmail|gmx|zoho|icloud|rambler)\.[a-z.]{2,6}\b",
    re.IGNORECASE,
)


@feature("freemail_drop")
def _freemail_drop(ctx: _Ctx, rule: Rule) -> Hit | None:
    """mail() to a hard-coded free-mail address: stolen data or a mailer's "it works" report
    sent to the attacker (real sites mail their own domain or a configured address)."""
    for start, args in _calls(ctx, _SINK_NAMES["mail"], 50):
        if any(_FREEMAIL.search(val) for val in _recipient_literals(ctx, args)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


def _recipient_literals(ctx: _Ctx, args: bytes) -> list[bytes]:
    """The literal values a mail() call's recipient (its first argument, the argument text
    ``args``) holds: the literal itself, or the first literals assigned to its variable."""
    first = _first_arg(args).strip()
    p = _PLACEHOLDER.fullmatch(first)
    if p is not None:
        return [ctx.lx.value(int(p.group(1)))]
    v = _VAR.fullmatch(first)
    if v is None:
        return []
    lits = _var_assigns(ctx.code, v.group(1), _TAIL_LITERAL, 5)
    return [ctx.lx.value(int(am.group(1))) for _, am in lits]


_FORM_FIELD = re.compile(
    rb"<(?:input|textarea|select)\b[^>]{0,300}?\bname\s*=\s*[\"']?([a-z_][a-z0-9_]{0,40})"
)
_GLOBALS_SINKS = (
    *_EXEC_NAMES_B, b"fopen", b"readfile", b"unlink", b"copy", b"rename", b"rmdir", b"mkdir",
    b"chmod", b"opendir", b"scandir", b"file_get_contents", b"file_put_contents",
    b"highlight_file", b"show_source", b"move_uploaded_file", b"mysql_query", b"mysql_connect",
    b"mysqli_connect", b"mysqli_query", b"eval", b"assert", b"include", b"require",
)  # fmt: skip


_REQUEST_READS = re.compile(rb"\$_(?:get|post|request|cookie|files)\s*\[\s*\x01(\d+)\x01")


@feature("form_globals")
def _form_globals(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A form field whose name is used as a bare variable in a command/file/SQL call, while
    the file never reads that field from $_GET/$_POST/$_REQUEST: the script relies on
    register_globals to turn request fields into variables (old web shells and tools)."""
    text = _string_text(ctx)
    if text.find(b"name") < 0:
        return None
    fields = set(_FORM_FIELD.findall(text))
    if not fields:
        return None
    code = ctx.code
    for start, args in _calls(ctx, _GLOBALS_SINKS, 100):
        for var in sorted(set(_VAR.findall(_interpolated(ctx, _first_arg(args))))):
            if var not in fields:
                continue
            # read from the request under that name anywhere? then it is not register_globals
            read_idx: list[bytes] | None = ctx.cache.get("request-reads")
            if read_idx is None:
                read_idx = _REQUEST_READS.findall(code)
                ctx.cache["request-reads"] = read_idx
            if read_idx and any(ctx.lx.value(int(i)).lower() == var for i in read_idx):
                continue
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_CLASS_DEF = re.compile(rb"(?:^|[\s;{}])(?:class|trait)\s+[a-z_\x80-\xff]")


@feature("smtp_script")
def _smtp_script(ctx: _Ctx, rule: Rule) -> Hit | None:
    """Raw SMTP spoken by a plain script (no class) that loops: a spam sender, not a mail
    library (PHPMailer's SMTP class and its kind are classes)."""
    pos = _smtp(ctx)
    if pos < 0 or _CLASS_DEF.search(ctx.code) or not bounded_search(_LOOP, ctx.code, ctx.first):
        return None
    return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))


_DNS_RECORD_VAR = re.compile(rb"\$(" + _NAME_P + rb")\s*=\s*@?\s*dns_get_record\s*\(")
_SOCKET_CALLS = (b"fsockopen", b"pfsockopen", b"stream_socket_client", b"socket_connect")


@feature("direct_mx")
def _direct_mx(ctx: _Ctx, rule: Rule) -> Hit | None:
    """The MX hosts found with getmxrr() or dns_get_record() are where the SMTP socket goes
    (``getmxrr($domain, $mx); fsockopen($mx[0], 25)``), in a file that speaks SMTP: mail
    delivered straight to the recipients' servers, past the MTA. An address check
    (checkdnsrr, or getmxrr to validate a domain) next to an ordinary SMTP client is not."""
    if _smtp(ctx) < 0:
        return None
    code = ctx.code
    hosts: set[bytes] = set()
    for _start, args in _calls(ctx, (b"getmxrr",), 20):
        parts = _top_args(args)
        if len(parts) >= 2:
            hosts.update(_VAR.findall(parts[1]))
    hosts.update(m.group(1) for m in itertools.islice(_DNS_RECORD_VAR.finditer(code), 20))
    if not hosts:
        return None
    for _round in range(2):  # copies and loops: $host = $mx[0]; foreach ($mx as $host)
        if len(hosts) > 40:
            break  # bounded: the names make one alternation
        names = b"|".join(re.escape(h) for h in sorted(hosts))
        copy = re.compile(
            rb"(?:\$(" + _NAME_P + rb")\s*=\s*[^;=]{0,80}?\$(?:" + names + rb")\b|"
            rb"foreach\s*\(\s*\$(?:" + names + rb")\s+as\s+(?:\$" + _NAME_P + rb"\s*=>\s*)?"
            rb"\$(" + _NAME_P + rb"))"
        )
        hosts.update(g for m in copy.finditer(code) for g in m.groups() if g)
    for start, args in _calls(ctx, _SOCKET_CALLS, 20):
        parts = _top_args(args)
        target = (
            parts[1] if code.startswith(b"socket_connect", start) and len(parts) > 1 else parts[0]
        )
        if hosts.intersection(_VAR.findall(target)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


@feature("smtp_request")
def _smtp_request(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A raw SMTP client that writes request input to its socket (recipients, sender or the
    letter come from the form): a mailer driven from the web. A file that merely reads a
    query parameter somewhere else is not counted."""
    if _smtp(ctx) < 0 or _UIN_RE.search(ctx.code) is None:
        return None
    req, _dec = _taint(ctx)
    for start, args in _calls(ctx, _SOCKET_WRITES, 50):
        text = _interpolated(ctx, args)
        if _UIN_RE.search(text) or req.intersection(_VAR.findall(text)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_SOCKET_WRITES = (b"fwrite", b"fputs", b"socket_write", b"socket_send", b"stream_socket_sendto")


_LOOP = re.compile(rb"(?:foreach|for|while)\s*\(")
_SPLIT = re.compile(rb"(?:explode\s*\(\s*\x01(\d+)\x01|preg_split\s*\(|file\s*\(|split\s*\()")


_BCC = re.compile(rb"(?:^|[\r\n]|\\[rn])\s*bcc\s*:\s*$", re.IGNORECASE)


@feature("bcc_request")
def _bcc_request(ctx: _Ctx, rule: Rule) -> Hit | None:
    """mail() headers with a ``Bcc:`` line whose addresses come from request input (the
    posted list, or a variable built from it): one call sends to any number of recipients
    the visitor names (bulk mailer). A contact form's Bcc goes to a fixed address."""
    if not _has_request_words(ctx):
        return None
    req: set[bytes] | None = None
    value = ctx.lx.value
    for start, args in _calls(ctx, _SINK_NAMES["mail"], 50):
        parts = _top_args(args)
        if len(parts) < 4:
            continue
        texts = [parts[3]]
        held = _VAR.fullmatch(parts[3].strip())
        if held is not None:  # the headers built before: $headers = "From: ...\r\nBcc: " . $list;
            assigns = _var_assigns(ctx.code, held.group(1), _TAIL_RHS, 10)
            texts.extend(_expression(am.group(1)) for _, am in assigns)
        for headers in texts:
            lits = list(_PLACEHOLDER.finditer(headers))
            for i, lit in enumerate(lits):
                if _BCC.search(value(int(lit.group(1)))) is None:
                    continue
                # what follows the "Bcc:" literal, up to the next literal
                tail = headers[lit.end() : lits[i + 1].start() if i + 1 < len(lits) else None]
                if req is None:
                    req = _taint(ctx)[0]
                if _REQ_RE.search(tail) or set(_VAR.findall(tail)) & req:
                    return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    return None


@feature("mail_loop")
def _mail_loop(ctx: _Ctx, rule: Rule) -> Hit | None:
    code = ctx.code
    if not has_word(ctx, b"mail"):
        return None
    calls = _calls(ctx, _SINK_NAMES["mail"], 1)  # mail(), mb_send_mail(), imap_mail()
    if not calls or not _UIN_RE.search(code) or not bounded_search(_LOOP, code, ctx.first):
        return None
    start = calls[0][0]
    for s in bounded_finditer(_SPLIT, code, 200, first=ctx.first):
        if s.group(1) is not None:
            sep = ctx.lx.value(int(s.group(1)))
            if sep not in (b"\n", b"\r\n", b",", b";", b"|", b"\r"):
                continue
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, code.find(b"(", start) + 81))
    return None


@feature("small_file")
def _small_file(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A small file whose other findings already make it suspicious: droppers, backdoors and
    mailers are a few lines that do only the flagged thing, while legitimate code with the
    same construct sits among a lot of ordinary code."""
    hits: dict[str, tuple[Rule, Hit, int]] = ctx.cache["hits"]
    if len(ctx.data) > int(rule.params.get("max_size", 4096)):
        return None
    score = sum(r.weight for r, _, _ in hits.values() if not r.params.get("no_small_bonus"))
    if score < int(rule.params.get("min_score", 5)):
        return None
    return Hit(0, f"{len(ctx.data)} bytes, other findings score {score}")


@feature("ui_with_exec")
def _ui_with_exec(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A web shell user interface (shell.ui-words) in a file that also runs commands or
    takes uploads: the interface is wired to the dangerous part."""
    hits: dict[str, tuple[Rule, Hit, int]] = ctx.cache["hits"]
    if "shell.ui-words" not in hits:
        return None
    code = ctx.cache.get("code0", b"")
    calls = find_calls(code, _EXEC_NAMES_B, 1)
    if not calls and b"move_uploaded_file" not in code:
        return None
    what = "runs commands" if calls else "takes uploads"
    return Hit(0, f"shell interface words and the file {what}")


# ------------------------------------------------------------------------------------ engine
# ------------------------------------------------- account harvesting, droppers, relays
_READ_CALLS = (b"fopen", b"file", b"file_get_contents", b"readfile", b"highlight_file",
               b"show_source", b"copy", b"symlink")  # fmt: skip
_OTHER_ACCOUNTS = re.compile(rb"/home\d*/|public_html|wp-config\.php|configuration\.php")


_SESSION_DIR = re.compile(rb"/tmp/?|/var/lib/php\d*/sessions?/?|/var/lib/php\d*/?")
_SESSION_READS = (b"fopen", b"file_get_contents", b"readfile", b"file")
_SESSION_LISTS = (b"opendir", b"scandir", b"glob")
_SESSION_PATH_CALL = re.compile(rb"(?<![\w$>:])session_save_path\s*\(")  # the function
_GLOB_FOREACH = re.compile(
    rb"foreach\s*\(\s*glob\s*\([^;]{0,200}?\)\s*as\s*(?:\$\w+\s*=>\s*)?\$(\w+)"
)


@feature("session_harvest")
def _session_harvest(ctx: _Ctx, rule: Rule) -> Hit | None:
    """Lists the shared session folder (``/tmp``, ``/var/lib/php/sessions`` or
    ``session_save_path()``) and reads files in it (a path under that folder, or a name
    that a ``foreach (glob(...))`` listed), with ``sess_`` in the file: the sessions of every
    visitor of every site on the server (session hijacking). A clean-up job that only deletes
    old session files does not read them."""
    lx = ctx.lx
    if b"sess_" not in _string_text(ctx):
        return None
    code = ctx.code
    listed = _SESSION_PATH_CALL.search(code) is not None or any(
        _SESSION_DIR.fullmatch(lx.value(i).split(b"*", 1)[0]) is not None
        for i in range(len(lx.raw_strings))
    )
    if not listed:
        return None
    if not _calls(ctx, _SESSION_LISTS, 1):
        return None
    globbed = {m.group(1) for m in _GLOB_FOREACH.finditer(code)}
    for start, args in _calls(ctx, _SESSION_READS, 50):
        path = _first_arg(args)
        if (
            _SESSION_PATH_CALL.search(path) is not None
            or any(
                _SESSION_DIR.match(lx.value(int(i))) is not None for i in _PLACEHOLDER.findall(path)
            )
            or any(v in globbed for v in _VAR.findall(path))
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_WP_BOOT = re.compile(rb"wp-(?:load|blog-header|config)\.php")
_WP_USER_CALLS = (b"wp_create_user", b"wp_insert_user")
_WP_LOGIN_CALLS = (b"wp_set_auth_cookie", b"wp_set_current_user")
# a constant user id; 0 is nobody (core code logs out with wp_set_current_user(0))
_FIXED_USER = re.compile(rb"\s*(?:\(\s*int\s*\)\s*)?(?:0*[1-9]\d*|\x01(\d+)\x01)\s*[,)]")


@feature("wp_login_bypass")
def _wp_login_bypass(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A fixed WordPress account (``wp_set_auth_cookie(1)``: the first administrator) logged
    in when the request carries a parameter: whoever knows it is admin, no password asked.
    Login code passes the id of the user who just authenticated, never a constant."""
    if not _has_request_words(ctx):
        return None
    code = ctx.code
    for start, args in _calls(ctx, _WP_LOGIN_CALLS, 50):
        fixed = _FIXED_USER.match(args)
        if fixed is None:
            continue
        if fixed.group(1) is not None:  # a quoted id: '1'
            user = ctx.lx.value(int(fixed.group(1))).strip()
            if not user.isdigit() or int(user) == 0:
                continue
        if _UIN_RE.search(code, max(0, start - 400), start) is not None:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 60))
    return None


@feature("wp_admin_create")
def _wp_admin_create(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A script that boots WordPress by itself (requires wp-load.php, wp-blog-header.php or
    wp-config.php) and creates a user with the administrator role: the backdoor account
    that attackers drop next to a site. Plugins create users from inside WordPress and do
    not load it themselves."""
    text = _string_text(ctx)
    if b"administrator" not in text or _WP_BOOT.search(text) is None:
        return None
    calls = _calls(ctx, _WP_USER_CALLS, 1)
    if not calls:
        return None
    start = calls[0][0]
    return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))


# the recipient methods of PHPMailer / SwiftMailer, on an object named for mail
_RECIPIENT_METHOD = re.compile(
    rb"\$[\w\x80-\xff]*(?:mail|msg|message)[\w\x80-\xff]*\s*->\s*"
    rb"(?:addaddress|addbcc|addcc|setto|setbcc|addto)\s*\(([^;]{0,200})"
)
# PHPMailer's recipient methods on an object of any name that the file makes a PHPMailer
_PHPMAILER_RECIPIENT = re.compile(
    rb"\$([\w\x80-\xff]+)\s*->\s*(?:addaddress|addbcc|addcc)\s*\(([^;]{0,200})"
)
_NEW_PHPMAILER = re.compile(rb"\$(\w+)\s*=\s*new\s+(?:\\?\w+\\)*phpmailer\b")


def _recipient_sites(ctx: _Ctx) -> list[tuple[int, bytes]]:
    """(offset, first argument) of the mail() calls and of the recipient methods of mailer
    objects (PHPMailer, SwiftMailer) in the code."""
    code = ctx.code
    sites = [(start, _first_arg(args)) for start, args in _calls(ctx, _SINK_NAMES["mail"], 50)]
    if b"->" in code:
        found = itertools.islice(_RECIPIENT_METHOD.finditer(code), 200)
        sites.extend((m.start(), _first_arg(m.group(1))) for m in found)
        made = {m.group(1) for m in _NEW_PHPMAILER.finditer(code)} if b"phpmailer" in code else ()
        if made:
            for m in itertools.islice(_PHPMAILER_RECIPIENT.finditer(code), 200):
                if m.group(1) in made and not any(start == m.start() for start, _ in sites):
                    sites.append((m.start(), _first_arg(m.group(2))))
    return sites


# "$to = $_POST['to'] . '@example.com'": the visitor picks a mailbox of a fixed domain
_FIXED_DOMAIN = re.compile(rb"\.\s*\x01(\d+)\x01\s*;")
_WRAPPED_REQ = re.compile(
    rb"[\s@]*(?:\(\s*string\s*\)\s*)?(?:(?:trim|stripslashes|urldecode|rawurldecode|strtolower|"
    rb"html_entity_decode|filter_var|sanitize_email)\s*\(\s*)*"
)


def _fixed_domain(ctx: _Ctx, var: bytes) -> bool:
    """Whether ``$var`` is assigned a value that ends with a literal "@domain"."""
    for m in re.finditer(rb"\$" + re.escape(var) + rb"\s*=(?!=)[^;]{0,200};", ctx.code):
        tail = _FIXED_DOMAIN.search(m.group())
        if tail is not None and ctx.lx.value(int(tail.group(1))).startswith(b"@"):
            return True
    return False


@feature("relay_recipient")
def _relay_recipient(ctx: _Ctx, rule: Rule) -> Hit | None:
    """The recipient of a mail comes from request input through a variable
    (``$to = $_POST['to']; mail($to, ...)``) or is given to a mailer object
    (``$mail->addAddress($_POST['to'])`` with PHPMailer, SwiftMailer's ``setTo``): whoever
    sends the request chooses who gets mail from this server. Contact forms send to a fixed
    address; only the reply address may come from the visitor."""
    req, _dec = _taint(ctx)
    for start, arg in _recipient_sites(ctx):
        head = arg[_WRAPPED_REQ.match(arg).end() :]  # type: ignore[union-attr]
        var = _VAR.match(head)
        tainted = var is not None and var.group(1) in req and not _fixed_domain(ctx, var.group(1))
        if tainted or _UIN_RE.match(head):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_SIMPLE_ASSIGN = re.compile(rb"\$(" + _NAME_P + rb")\s*=(?![=>])\s*([^;]{1,300});")
_FOREACH_ANY = re.compile(
    rb"foreach\s*\(([^;{]{1,200}?)\bas\s*(?:\$(" + _NAME_P + rb")\s*=>\s*)?&?\$(" + _NAME_P + rb")"
)


def _download_vars(ctx: _Ctx) -> set[bytes]:
    """Variables that hold content downloaded from a hard-coded web address, and those
    computed from them (two steps: ``$job = json_decode($r)``, ``foreach ($job['to'] as
    $to)``). A download is a fetch of a literal http(s)/ftp address, or curl_exec() in a
    file that gives curl such an address."""
    code = ctx.code
    curl_literal = any(
        _web_address(ctx, _PLACEHOLDER.match(_first_arg(args).strip()))
        for _start, args in _calls(ctx, (b"curl_init",), 20)
    ) or any(
        _web_address(ctx, _PLACEHOLDER.search(m.group(1)))
        for m in (_CURLOPT_URL.finditer(code) if has_word(ctx, b"curlopt_url") else ())
    )
    found: set[bytes] = set()
    stmts: dict[int, re.Match[bytes] | None] = {}
    for m in itertools.islice(_FETCH_LITERAL.finditer(code), 100):
        if not (curl_literal if m.group(1) is None else _web_address(ctx, m)):
            continue
        got = _assignment_before(code, m.start(), stmts)
        if got is not None:
            found.add(got[0])
    if not found:
        return found
    assigns = [
        (m.group(1), m.group(2)) for m in itertools.islice(_SIMPLE_ASSIGN.finditer(code), 2000)
    ]
    loops = [
        (m.group(1), m.group(2), m.group(3))
        for m in itertools.islice(_FOREACH_ANY.finditer(code), 500)
    ]
    for _ in range(2):
        names = re.compile(rb"\$(?:" + b"|".join(re.escape(v) for v in sorted(found)) + rb")\b")
        grown = {name for name, rhs in assigns if names.search(rhs)}
        for over, key, item in loops:
            if names.search(over):
                grown.update(v for v in (key, item) if v)
        if grown <= found:
            break
        found |= grown
    return found


@feature("remote_recipients")
def _remote_recipients(ctx: _Ctx, rule: Rule) -> Hit | None:
    """The recipient of mail() or of a mailer object comes from content downloaded from a
    hard-coded web address: a spam bot that takes its jobs (addresses, subject, body) from
    its controller. A site's own mail goes to addresses it keeps itself."""
    sites = _recipient_sites(ctx)
    if not sites:
        return None
    held = _download_vars(ctx)
    if not held:
        return None
    names = re.compile(rb"\$(?:" + b"|".join(re.escape(v) for v in sorted(held)) + rb")\b")
    for start, arg in sites:
        if names.search(arg):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# "@" and a bank, payment service or brand domain (any subdomain, the domain's own TLD)
_BRAND_AT = (
    rb"@(?:[a-z0-9-]+\.)*(?:paypal|apple|icloud|microsoft|office365|amazon|netflix|chase|"
    rb"wellsfargo|bankofamerica|citibank|hsbc|barclays|santander|dhl|fedex|ups|usps|irs|"
    rb"docusign|dropbox|facebook|instagram|linkedin|adobe|intuit|coinbase|binance)\.[a-z.]{2,10}\b"
)
_BRAND_DOMAIN = re.compile(_BRAND_AT)
# a sender header naming such an address; the header starts a literal or a line (a raw
# literal writes the line break as the escape "\r\n")
_BRAND_FROM = re.compile(
    rb"(?:^|[\x00\s'\"]|\\[rn])(?:from|reply-to|sender|return-path)\s*:[^\x00\n]{0,80}?" + _BRAND_AT
)


@feature("brand_sender")
def _brand_sender(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A mail header that claims to come from a bank, a payment service or a big brand
    (``From: PayPal <service@paypal.com>``) in a script that sends mail: phishing. A site
    sends from its own domain; the brand's own servers do not run this PHP."""
    text = _string_text(ctx)
    m = None
    for d in itertools.islice(_BRAND_DOMAIN.finditer(text), 200):  # "@" first: a fast scan
        start = max(0, d.start() - 100)
        m = _BRAND_FROM.search(text, start, d.end())
        if m is not None:
            break
    if m is None or not (
        _calls(ctx, _SINK_NAMES["mail"], 1) or b"->send(" in ctx.code or _smtp(ctx) >= 0
    ):
        return None
    idx = _string_at(ctx, m.start() + 1)
    line = ctx.line_of_string(idx) if idx >= 0 else 0
    return Hit(line, excerpt(m.group().strip(b"\x00\n\r '\"")))


@feature("account_harvest")
def _account_harvest(ctx: _Ctx, rule: Rule) -> Hit | None:
    """Reads /etc/passwd to list the server's accounts and goes through their home folders or
    their site configuration files (config grabbers, cross-account password harvesting)."""
    text = _string_text(ctx)
    if text.find(b"/etc/passwd") < 0 or _OTHER_ACCOUNTS.search(text) is None:
        return None
    for start, args in _calls(ctx, _READ_CALLS, 50):
        p = _PLACEHOLDER.match(_first_arg(args).strip())
        if p is not None and b"/etc/passwd" in ctx.lx.value(int(p.group(1))).lower():
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_SWAP_CALLS = (b"str_replace", b"str_ireplace", b"preg_replace")
_SWAP_ARGS = re.compile(rb"\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01")
_NOT_PHP_EXT = re.compile(rb"\.(?:txt|jpe?g|gif|png|ico|bmp|dat|bak|tmp|log)")
_PHP_EXT = re.compile(rb"\.(?:php\d?|phtml|pht)")
_WRITE_CALLS = (b"file_put_contents", b"fwrite", b"fputs", b"copy", b"rename",
                b"move_uploaded_file")  # fmt: skip


@feature("ext_swap_php")
def _ext_swap_php(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A file name's .txt/.jpg/... extension replaced by .php in a script that writes files:
    content fetched or uploaded as harmless text is installed as executable PHP."""
    if not has_any(ctx, _WRITE_CALLS):
        return None
    for start, args in _calls(ctx, _SWAP_CALLS, 50):
        m = _SWAP_ARGS.match(args)
        if m is None:
            continue
        old = ctx.lx.value(int(m.group(1))).lower().strip(b"/#~\\$^i")
        new = ctx.lx.value(int(m.group(2))).lower()
        if (
            _NOT_PHP_EXT.fullmatch(old.replace(b"\\", b"")) is not None
            and _PHP_EXT.fullmatch(new) is not None
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_WHOLE_REQUEST = re.compile(rb"\s*\(\s*\$_(?:server|request|cookie|post|get)\s*[,)]")
_REMOTE_SEND = (b"curl_exec", b"file_get_contents", b"fsockopen", b"stream_context_create",
                b"stream_socket_client", b"fopen")  # fmt: skip


_HASHED = re.compile(rb"(?:md5|sha1|hash|hash_hmac|crc32)\s*\([^;]{0,60}$")
_RANDOM_SOURCES = re.compile(rb"microtime|uniqid|mt_rand|random_bytes|random_int|openssl_random")


def _seed_or_hash(code: bytes, pos: int) -> bool:
    """Whether the serialize() call at ``pos`` is hashed (``md5(serialize($_SERVER))``) or
    glued to a random source (``serialize($_SERVER) . microtime(true)``): a unique id or a
    random seed, which libraries such as TCPDF build this way, not data sent anywhere."""
    if _HASHED.search(code, max(0, pos - 80), pos) is not None:
        return True
    start = code.rfind(b";", max(0, pos - 160), pos) + 1 or max(0, pos - 160)
    end = code.find(b";", pos, pos + 200)
    stmt = code[start : end if end >= 0 else pos + 200]
    return _RANDOM_SOURCES.search(stmt) is not None


@feature("request_relay")
def _request_relay(ctx: _Ctx, rule: Rule) -> Hit | None:
    """The visitor's whole $_SERVER/$_REQUEST/$_COOKIE array serialized in a script that
    talks to a remote web server: every visit is relayed to a controller (cloaking / traffic
    sale / click fraud kits), which then decides what the visitor sees."""
    code = ctx.code
    if not has_word(ctx, b"$_") or not has_any(ctx, _REMOTE_SEND):
        return None
    if _string_text(ctx).find(b"http") < 0:
        return None
    for name in (b"serialize", b"var_export"):
        pos = code.find(name)
        while pos >= 0:
            if (
                (not pos or code[pos - 1] not in _NOT_CALL_BEFORE)
                and _WHOLE_REQUEST.match(code, pos + len(name))
                and not _seed_or_hash(code, pos)
            ):
                return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
            pos = code.find(name, pos + len(name))
    return None


_CRAWLER_TESTS = (b"preg_match", b"stripos", b"strpos", b"stristr")
_CRAWLERS = re.compile(rb"googlebot|bingbot|slurp|yandex|baiduspider|msnbot")
_PHARMA = re.compile(
    rb"viagra|cialis|levitra|tadalafil|sildenafil|casino|payday|replica|porn|pharma"
)


@feature("crawler_cloaking")
def _crawler_cloaking(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A test of the user agent for search-engine crawlers in the same condition as spam
    keywords of the requested URL (pharma, casino...): search engines and spam-search visitors
    are served other content than the site's (SEO spam cloaking)."""
    code = ctx.code
    if _string_text(ctx).find(b"user_agent") < 0:
        return None
    for start, args in _calls(ctx, _CRAWLER_TESTS, 100):
        p = _PLACEHOLDER.match(args.strip())
        if p is None or _CRAWLERS.search(ctx.lx.value(int(p.group(1))).lower()) is None:
            continue
        # the same condition also looks for spam words
        lo = max(code.rfind(b"if", 0, start), start - 400)
        hi = code.find(b"{", start)
        window = code[lo : hi if 0 <= hi - start < 800 else start + 800]
        for q in _PLACEHOLDER.finditer(window):
            if _PHARMA.search(ctx.lx.value(int(q.group(1))).lower()):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_WEB_SCHEMES = (b"http://", b"https://", b"ftp://")  # a remote address (the crawler rule: web)


def _web_address(ctx: _Ctx, placeholder: re.Match[bytes] | None) -> bool:
    """Whether the literal a placeholder match (its group 1: the index) stands for is a
    remote address (http, https, ftp)."""
    if placeholder is None:
        return False
    return ctx.lx.value(int(placeholder.group(1))).lstrip().lower().startswith(_WEB_SCHEMES)


_REMOTE_FETCH = re.compile(
    rb"(?:file_get_contents|curl_init|fopen|readfile|file|simplexml_load_file)\s*\(\s*\x01(\d+)\x01"
)
_SERVE = re.compile(rb"\b(?:echo|print|die|exit|eval|include|require)\b")


@feature("crawler_remote")
def _crawler_remote(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A test of the user agent for search-engine crawlers, followed (in the next ~1,000
    bytes of code) by content fetched from a literal http(s) address and output: crawlers
    are served pages from the operator's host (a doorway, SEO spam cloaking)."""
    code = ctx.code
    text = _string_text(ctx)
    if text.find(b"user_agent") < 0 or text.find(b"http") < 0:
        return None
    value = ctx.lx.value
    for start, args in _calls(ctx, _CRAWLER_TESTS, 100):
        crawler = any(
            _CRAWLERS.search(value(int(q.group(1))).lower())
            for q in itertools.islice(_PLACEHOLDER.finditer(args), 4)
        )
        if not crawler:
            continue
        window = code[start : start + 1000]
        for f in _REMOTE_FETCH.finditer(window):
            url = value(int(f.group(1))).lower().lstrip()
            if url.startswith(_WEB_SCHEMES[:2]) and _SERVE.search(window):
                at = start + f.start()
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 80))
    return None


_FUNC_DEF = re.compile(rb"function\s+(" + _NAME_P + rb")\s*\(\s*\$(" + _NAME_P + rb")")
_ARG_VAR = re.compile(rb"\s*@?\s*\$(" + _NAME_P + rb")")


@feature("exec_wrapper")
def _exec_wrapper(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A function of the script's own that runs its first parameter as a shell command
    (``function run($c) { return shell_exec($c); }``), called with request input: the
    command-runner of a small web shell, one call away from the request."""
    code = ctx.code
    wrappers: list[bytes] = []
    for start, args in _calls(ctx, _EXEC_NAMES_B, 200):  # the calls other rules looked up
        v = _ARG_VAR.match(args)
        if v is None:
            continue
        # the function this call is in: the last definition within 1,500 bytes before it,
        # with no other definition between (its body is not this one's)
        at = code.rfind(b"function", max(0, start - 1500), start)
        d = _FUNC_DEF.match(code, at) if at >= 0 else None
        if d is not None and d.group(2) == v.group(1) and d.group(1) not in wrappers:
            wrappers.append(d.group(1))
            if len(wrappers) >= 10:
                break
    if not wrappers:
        return None
    req = _taint(ctx)[0]
    for name in wrappers:
        calls = re.compile(re.escape(name) + rb"(?=\s*\(([^;]{0,200}))")
        for c in itertools.islice(calls.finditer(code), 200):
            pos = c.start()
            if pos and code[pos - 1] in _NOT_CALL_BEFORE:
                continue  # a method, a longer name
            if code[max(0, pos - 12) : pos].rstrip().endswith(b"function"):
                continue  # the definition
            args = _first_arg(c.group(1))
            if _REQ_RE.search(args) or set(_VAR.findall(args)) & req:
                return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
    return None


@feature("varcall_request_arg")
def _varcall_request_arg(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A variable called as a function (``$f(...)``, ``$t['k'](...)``) with a request
    superglobal for its first argument (``$f($_GET['c'])``): whatever name the variable
    holds (built from pieces, a constant, a case change, a substring) runs what the visitor
    sends. Form code that filters fields through variables (``$filter($value)``) passes
    values it took out of the request first, which this does not count."""
    first = _first_varcall(ctx)
    if first is None or not _has_request_words(ctx):
        return None
    code = ctx.code
    for m in bounded_finditer(_SINK_VARCALL, code, 200, pos=first.start()):
        if code[max(0, m.start() - 8) : m.start()].rstrip().endswith(b"new"):
            continue  # new $class(...): an instantiation
        arg = _first_arg(code[m.end() : m.end() + _CALL_ARGS_MAX])
        if _ARG_REQ.match(arg) or (_posted(ctx, arg) and _obscured_name(ctx, m.group(1))):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 60))
    return None


# what turns a name into something no reader sees: character codes, hex, pieces kept in
# $GLOBALS or in an array glued later, reversed or encoded text (a callback kept whole in
# $GLOBALS is configuration: csrf-magic's $GLOBALS['csrf']['callback'])
_OBSCURING = re.compile(
    rb"(?<![\w$>:])(?:chr|hexdec|implode|join|pack|hex2bin|strrev|str_rot13|base64_decode)"
    rb"\s*\(|\$globals\s*\[[^\]]{0,40}\]\s*\.|\.\s*\$globals\s*\["  # $GLOBALS pieces glued
)
_ASSIGN_OR_APPEND = re.compile(rb"\s*\.?=(?![=>])([^;]{0,300})")


def _obscured_name(ctx: _Ctx, var: bytes) -> bool:
    """The variable ``$var`` gets its value, or a piece of it, from an obscuring expression
    (:data:`_OBSCURING`) and never from request input: a function name the script hides
    (``$f .= chr(hexdec($p))`` over hex pairs, ``$GLOBALS['a'] . $GLOBALS['b']``,
    ``implode('', $parts)``)."""
    rhs = [am.group(1) for _, am in _var_assigns(ctx.code, var, _ASSIGN_OR_APPEND, 10)]
    return any(_OBSCURING.search(r) for r in rhs) and not any(_REQ_RE.search(r) for r in rhs)


_PHP_PATH = re.compile(rb"\.(?:php\d?|phtml|pht|phar|inc)$", re.IGNORECASE)
# a fetch of a literal address (the crawler rule's), or curl_exec(): a download
_FETCH_LITERAL = re.compile(_REMOTE_FETCH.pattern + rb"|curl_exec\s*\(")


def _downloads(ctx: _Ctx, expr: bytes) -> bool:
    """``expr`` fetches an http(s) address given as a literal, or is a variable assigned
    such a download (``$d = file_get_contents('http://…');``, ``$d = curl_exec($ch);``)."""
    texts = [expr]
    v = _VAR.fullmatch(expr.strip().lstrip(b"@"))
    if v is not None:
        texts = [am.group(1) for _, am in _var_assigns(ctx.code, v.group(1), _TAIL_RHS, 10)]
    for text in texts:
        for m in _FETCH_LITERAL.finditer(text):
            if m.group(1) is None or _web_address(ctx, m):
                return True  # curl_exec: a download whatever the address
    return False


def _posted(ctx: _Ctx, expr: bytes) -> bool:
    """``expr`` is request input as it is (or decoded), or a variable holding it so."""
    if _DIRECT_REQ.match(expr):
        return True
    v = _VAR.fullmatch(expr.strip().lstrip(b"@"))
    if v is None:
        return False
    _taint(ctx)
    return v.group(1) in ctx.cache["direct"]


@feature("remote_php_write")
def _remote_php_write(ctx: _Ctx, rule: Rule) -> Hit | None:
    """Content downloaded from a web address written into a ``.php`` file
    (``file_put_contents('x.php', file_get_contents('http://…'))``, through a variable, or
    ``copy('http://…', 'x.php')``): a dropper that installs the operator's code."""
    value = ctx.lx.value
    for start, args in _calls(ctx, (b"file_put_contents", b"copy"), 50):
        parts = _top_args(args)
        if len(parts) < 2:
            continue
        is_copy = ctx.code.startswith(b"copy", start)
        dest = [value(int(i)) for i in _PLACEHOLDER.findall(parts[1 if is_copy else 0])]
        if not dest or _PHP_PATH.search(dest[-1].strip()) is None:
            continue  # the path does not end with a PHP extension given as a literal
        if is_copy:
            remote = _web_address(ctx, _PLACEHOLDER.match(parts[0].strip()))
        else:
            content = _expression(parts[1])
            remote = _downloads(ctx, content) or _posted(ctx, content)
        if remote:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_OPEN_FOR_WRITE = re.compile(rb"\$(\w+)\s*=\s*@?\s*fopen\s*\(\s*(\$\w+|\x01\d+\x01)\s*,")


@feature("remote_code_include")
def _remote_code_include(ctx: _Ctx, rule: Rule) -> Hit | None:
    """Content downloaded from a web address, or posted by the visitor (as it came or
    decoded), written to a file, and that file then included: ``file_put_contents($t,
    file_get_contents('http://…')); include $t;`` (a temporary file, so that no .php name
    shows), or the same through ``$h = fopen('/tmp/x', 'w'); fwrite($h, $code);``. The
    path is a variable or a literal, the same at the write and at the include. The
    operator's code runs, whatever the file is called."""
    code = ctx.code
    value = ctx.lx.value
    targets: set[bytes] | None = None  # what is included: "$name", or a literal path's value
    opened: dict[bytes, bytes] | None = None  # handle variable -> the path it opened
    for start, args in _calls(ctx, (b"file_put_contents", b"fwrite", b"fputs"), 50):
        parts = _top_args(args)
        if len(parts) < 2:
            continue
        content = _expression(parts[1])
        if not (_downloads(ctx, content) or _posted(ctx, content)):
            continue
        dest = parts[0].strip()
        if not code.startswith(b"file_put_contents", start):  # a handle: the path it opened
            if opened is None:
                opened = {b"$" + m.group(1): m.group(2) for m in _OPEN_FOR_WRITE.finditer(code)}
            dest = opened.get(dest, b"")
        literal = _PLACEHOLDER.fullmatch(dest)
        if literal is not None:
            dest = value(int(literal.group(1))).strip()
        elif _VAR.fullmatch(dest) is None:
            continue
        if targets is None:  # the include rules' own patterns: of a variable, of a literal
            targets = {b"$" + m.group(1) for m in bounded_finditer(_INCLUDE_VAR, code, 200)}
            targets.update(
                value(int(m.group(1))).strip() for m in bounded_finditer(_INCLUDE_LIT, code, 200)
            )
        if dest in targets:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# where a command-line tool reads code typed by its user (a REPL, a benchmark of snippets)
_CONSOLE_INPUT = re.compile(
    rb"\bstdin\b|\breadline\s*\(|readconsole\s*\(|->\s*get(?:option|arg)\s*\(|\$argv\b|\bgetopt\s*\("
)


@feature("eval_variable")
def _eval_variable(ctx: _Ctx, rule: Rule) -> Hit | None:
    """eval() of a variable (the pattern), unless every assignment of that variable reads
    console input and no request input (assignments that wrap its own value, ``$code =
    "function f() { $code }"``, aside): a command-line REPL, not a web backdoor."""
    assert rule.regex is not None
    code = ctx.code
    for m in bounded_finditer(rule.regex, code, 50, first=ctx.first):
        var = m.group(1)
        rhs = [
            text
            for _, am in _var_assigns(code, var, _TAIL_RHS, 10)
            if not _mentions(text := _interpolated(ctx, _expression(am.group(1))), b"$" + var)
        ]
        console = bool(rhs) and all(
            _CONSOLE_INPUT.search(r) is not None and _REQ_RE.search(r) is None for r in rhs
        )
        if not console:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


_WRAPPER_PREFIX = (b"compress.zlib://", b"php://filter", b"glob://", b"zip://", b"phar://")


@feature("wrapper_request")
def _wrapper_request(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A stream-wrapper prefix (compress.zlib://, php://filter...) glued to a path that comes
    from request input: reads any file past safe_mode/open_basedir on demand."""
    text = _string_text(ctx)
    if not any(text.find(w) >= 0 for w in _WRAPPER_PREFIX):
        return None
    code = ctx.code
    req = _taint(ctx)[0]
    for m in re.finditer(rb"\x01(\d+)\x01\s*\.\s*(\$_(?:get|post|request|cookie)\b|\$(\w+))", code):
        val = ctx.lx.value(int(m.group(1))).lower()
        if not val.startswith(_WRAPPER_PREFIX):
            continue
        if m.group(3) is None or m.group(3) in req:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


_SHELL_IN_TEXT = re.compile(
    rb"(?:system|exec|shell_exec|passthru|popen|eval|assert)\s*\(\s*(?:\\?\$_(?:get|post|request|cookie)|"
    rb"base64_decode)"
)


@feature("embedded_shell")
def _embedded_shell(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A string literal that holds a PHP one-liner running request input (``<?php
    system($_GET[c]); ?>``): a web shell about to be written somewhere (by fwrite, SQL INTO
    OUTFILE, a log or an upload)."""
    text = _string_text(ctx)
    at_text = text.find(b"<?")
    if at_text < 0:
        return None
    # the literals holding "<?", in order, found in the joined text ("<?" never spans the
    # NUL between two literals; -1 is the inline HTML, after all of them)
    holders: list[int] = []
    while at_text >= 0 and len(holders) <= 200:
        idx = _string_at(ctx, at_text)
        if idx < 0:
            break
        if not holders or holders[-1] != idx:
            holders.append(idx)
        at_text = text.find(b"<?", at_text + 2)
    for idx in holders[:200]:
        val = ctx.lx.value(idx).lower()
        at = val.find(b"<?")
        if _SHELL_IN_TEXT.search(val, at) is not None:
            return Hit(ctx.line_of_string(idx), excerpt(ctx.lx.raw_strings[idx][:80]))
    return None


_LOCATION_KEYS = (b"document_root", b"script_filename", b"path_translated")
_SERVER_KEY = re.compile(rb"\$_server\s*\[\s*\x01(\d+)\x01")


@feature("server_info_beacon")
def _server_info_beacon(ctx: _Ctx, rule: Rule) -> Hit | None:
    """mail() to a hard-coded address in a script that reads where it is installed
    ($_SERVER DOCUMENT_ROOT / SCRIPT_FILENAME / PATH_TRANSLATED) and the server's address:
    the "I am installed here" report that droppers send their operator."""
    code = ctx.code
    if not has_word(ctx, b"$_server"):
        return None
    keys = {ctx.lx.value(int(i)).lower() for i in _SERVER_KEY.findall(code)[:200]}
    if not any(k in keys for k in _LOCATION_KEYS) or not (
        keys & {b"server_addr", b"remote_addr", b"http_host", b"server_name"}
    ):
        return None
    for start, args in _calls(ctx, _SINK_NAMES["mail"], 50):
        vals = _recipient_literals(ctx, args)
        if any(re.fullmatch(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", val.strip()) for val in vals):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_HASH_SELECT = re.compile(rb"\bselect\b[^;\x00]{0,300}?\buser_pass\b[^;\x00]{0,300}?\bfrom\b")
_EMAIL = re.compile(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WP_HTTP_CALLS = (b"wp_remote_post", b"wp_remote_get")


@feature("hash_exfil")
def _hash_exfil(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A query for WordPress password hashes (``SELECT user_login, user_pass FROM wp_users``)
    in a script that sends data to a hard-coded place: mail() to a literal address, or a
    fetch or post to a literal web address. Alone it is suspicious (WordPress's own upgrade
    code queries the hashes and talks to wordpress.org); in a small dropper it is malicious."""
    match = _HASH_SELECT.search(_string_text(ctx))
    if match is None:
        return None
    idx = _string_at(ctx, match.start())
    line = ctx.line_of_string(idx) if idx >= 0 else 0
    for _start, args in _calls(ctx, _SINK_NAMES["mail"], 50):
        if any(_EMAIL.fullmatch(v.strip()) for v in _recipient_literals(ctx, args)):
            return Hit(line, excerpt(match.group()))
    if any(_web_address(ctx, m) for m in itertools.islice(_REMOTE_FETCH.finditer(ctx.code), 50)):
        return Hit(line, excerpt(match.group()))
    for _start, args in _calls(ctx, _WP_HTTP_CALLS, 50):
        if _web_address(ctx, _PLACEHOLDER.match(_first_arg(args).strip())):
            return Hit(line, excerpt(match.group()))
    return None


_EXEC_NAME_VALUES = frozenset(
    (*_EXEC_NAMES_B, b"shell_exec", b"eval", b"assert", b"create_function")
)
# the same test as "one of _EXEC_NAME_VALUES occurs": "shell_exec" and "pcntl_exec" hold "exec"
_EXEC_NAME_WORDS = tuple(sorted(n for n in _EXEC_NAME_VALUES if n == b"exec" or b"exec" not in n))


@feature("exec_name_variable")
def _exec_name_variable(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A variable set to the name of a shell-execution function (``$f = "passthru";``) is
    called with a non-literal argument (``$f($cmd)``): the fallback chooser of web shells."""
    if "varcall" in ctx.cache and ctx.cache["varcall"] is None:
        return None  # known already: no variable is called
    text = _string_text(ctx)
    if not any(text.find(n) >= 0 for n in _EXEC_NAME_WORDS):
        return None
    code = ctx.code
    first = _first_varcall(ctx)
    if first is None:
        return None
    names: dict[bytes, int] = {}
    for m in bounded_finditer(_SINK_VARCALL, code, 500, pos=first.start()):
        tail = code[m.end() : m.end() + 40].lstrip()
        if tail[:1] in (b")", b""):
            continue  # no argument
        lit = _PLACEHOLDER.match(tail)
        if lit is not None and tail[lit.end() :].lstrip()[:1] in (b")", b","):
            idx = int(lit.group(1))
            if ctx.lx.kinds[idx] in ("sq", "nowdoc") or b"$" not in ctx.lx.raw_strings[idx]:
                continue  # a constant argument
        names.setdefault(m.group(1), m.start())
        if len(names) >= 20:
            break
    for var in sorted(names):
        for _, am in _var_assigns(code, var, _TAIL_LITERAL, 10):
            if ctx.lx.value(int(am.group(1))).lower().strip() in _EXEC_NAME_VALUES:
                pos = names[var]
                return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
    return None


_FETCH_CALLS = (b"file_get_contents", b"readfile", b"fopen", b"file", b"curl_init",
                b"get_headers", b"fpassthru", b"simplexml_load_file")  # fmt: skip
_FORM_INPUT = re.compile(
    rb"[\s@(]*(?:(?:trim|stripslashes|urldecode|rawurldecode|base64_decode|html_entity_decode|"
    rb"strval)\s*\(\s*)*(?:\$_(?:get|post|request|cookie)\b|\$http_(?:get|post|cookie)_vars\b)"
)
_CURLOPT_URL = re.compile(rb"curl_setopt\s*\(\s*\$\w+\s*,\s*curlopt_url\s*,([^;]{0,200})")


def _from_form(ctx: _Ctx, arg: bytes) -> bool:
    """``arg`` is request form input, or a variable assigned from it: the whole name, not a
    part appended to a fixed folder (uploads excluded)."""
    if _FORM_INPUT.match(arg):
        return True
    for var in sorted(set(_VAR.findall(arg)))[:4]:
        if var.startswith(b"_"):
            continue
        for _, am in _var_assigns(ctx.code, var, _TAIL_RHS, 10):
            if _FORM_INPUT.match(am.group(1)):
                return True
    return False


@feature("fetch_request")
def _fetch_request(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A file or URL whose name comes from the request is read or fetched: an open proxy or
    click-fraud relay (fetch what the caller names), or an arbitrary file read."""
    code = ctx.code
    if not has_word(ctx, b"$_") and not has_word(ctx, b"$http_"):
        return None
    for start, args in _calls(ctx, _FETCH_CALLS, 50):
        if _from_form(ctx, _first_arg(args)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    if has_word(ctx, b"curlopt_url"):
        for m in _CURLOPT_URL.finditer(code):
            if _from_form(ctx, _first_arg(m.group(1))):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


_DB_ADMIN_WORDS = (b"show databases", b"show tables", b"show create table", b"drop table",
                   b"mysqldump", b"show processlist", b"show variables", b"mysql_list_dbs",
                   b"mysql_list_tables", b"show table status")  # fmt: skip
_AUTH_WORDS = (b"session_start", b"$_session", b"password_verify", b"current_user_can",
               b"php_auth_user", b"check_admin_referer", b"is_user_logged_in")  # fmt: skip


@feature("db_admin_tool")
def _db_admin_tool(ctx: _Ctx, rule: Rule) -> Hit | None:
    """A database administration page (lists databases/tables, dumps them, runs SQL typed in a
    form) with no login of its own: dual-use, but a backdoor to the site's data when dropped
    in a web root."""
    code = ctx.code
    text = _string_text(ctx)
    if text.find(b"<form") < 0 and text.find(b"<textarea") < 0:
        return None
    words = sum(1 for w in _DB_ADMIN_WORDS if w in text or w in code)
    if words < 3 or any(w in code for w in _AUTH_WORDS):
        return None
    for start, args in _calls(ctx, _SINK_NAMES["sql"], 100):
        if _VAR.match(_first_arg(args).strip()):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


def _yara_hits(ctx: _Ctx, scope: str) -> dict[str, tuple[int, bytes]]:
    key = "yara-" + scope
    cached = ctx.cache.get(key)
    if cached is None:
        hay = _string_text(ctx) if scope == "strings" else ctx.data
        names = ctx.cache.get("yara-names", {}).get(scope)
        cached = ctx.yara.scan(hay, names) if ctx.yara is not None else {}
        ctx.cache[key] = cached
    return cached  # type: ignore[no-any-return]


def _present(ctx: _Ctx) -> frozenset[bytes] | None:
    """The gate words present in the code (None: no yara-x, test words with ``in``)."""
    if "present" not in ctx.cache:
        ctx.cache["present"] = ctx.gates.present(ctx.code) if ctx.gates is not None else None
    found: frozenset[bytes] | None = ctx.cache["present"]
    return found


def has_word(ctx: _Ctx, word: bytes) -> bool:
    present = _present(ctx)
    if present is None or word not in ctx.gate_words:
        return ctx.code.find(word) >= 0
    return word in present


def has_any(ctx: _Ctx, words: Collection[bytes]) -> bool:
    """Whether one of ``words`` occurs in the code (one set test when all are gate words)."""
    present = _present(ctx)
    if present is not None and ctx.gate_words.issuperset(words):
        return not present.isdisjoint(words)
    return any(has_word(ctx, w) for w in words)


_REQ_MACRO = builtin_macro("REQ").encode()  # {REQ} of rules.toml, expanded
# Cheaper necessary conditions for particular rule patterns: every match of the pattern (the
# key, verbatim, so that an edited rule simply loses its prefilter) contains a match of the
# prefilter, whose literal first byte makes it scan many times faster.
_PREFILTERS: dict[bytes, re.Pattern[bytes]] = {
    # chr-chain: each piece is chr(N) or $f(N) followed by "."
    (
        rb"(?:(?:chr|\$[\w\x80-\xff]+)\s*\(\s*(?:\d+|0x[0-9a-f]+)\s*(?:[-+^]\s*\d+\s*)?\)"
        rb"\s*\.\s*){4,}"
    ): re.compile(rb"\(\s*(?:\d+|0x[0-9a-f]+)\s*(?:[-+^]\s*\d+\s*)?\)\s*\."),
    # password-gate: both alternatives hold md5/sha1( ... request input; without the
    # "\x01<n>\x01 ==" alternative no string placeholder starts a match attempt
    (
        rb"(?:md5|sha1)\s*\([^;]{0,60}?" + _REQ_MACRO + rb"[^;]{0,80}?[!=]==?\s*\x01\d+\x01|"
        rb"\x01\d+\x01\s*[!=]==?\s*(?:md5|sha1)\s*\([^;]{0,60}?" + _REQ_MACRO
    ): re.compile(rb"(?:md5|sha1)\s*\([^;]{0,60}?" + _REQ_MACRO),
}


_LEADING: dict[tuple[bytes, int], tuple[bytes, ...] | None] = {}
_MIN_LEADING = 3  # shorter words occur too often: the regex engine's own scan is faster


def _leading_words(rx: re.Pattern[bytes]) -> tuple[bytes, ...] | None:
    """Literal words one of which starts every match of ``rx`` (after zero-width assertions
    such as a look-behind), or None when there is no such short list."""
    key = (rx.pattern, rx.flags)
    if key not in _LEADING:
        words: frozenset[bytes] | None = None
        if not rx.flags & re.IGNORECASE:
            try:
                from re import _constants as c  # type: ignore[attr-defined]
                from re import _parser  # type: ignore[attr-defined]

                parsed = _parser.parse(rx.pattern, rx.flags)
                items = list(parsed)
                if not parsed.state.flags & re.IGNORECASE:
                    words = _first_literals(items)
                # one word and no look-behind: the engine's own literal-prefix scan is faster
                if words is not None and len(words) < 2 and items[0][0] is c.LITERAL:
                    words = None
            except Exception:  # an unexpected parse tree: let the regex search
                words = None
        if words and min(map(len, words)) < _MIN_LEADING:
            words = None
        _LEADING[key] = tuple(sorted(words)) if words else None
    return _LEADING[key]


def _first_literals(items: list[Any]) -> frozenset[bytes] | None:
    """The literal words that begin every match of the parsed sequence ``items``."""
    from re import _constants as c  # type: ignore[attr-defined]

    i = 0
    while i < len(items) and items[i][0] in (c.ASSERT, c.ASSERT_NOT):
        i += 1  # zero-width: the match still starts at the next item
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
    return None


def _finditer(rx: re.Pattern[bytes], buf: bytes) -> Iterator[re.Match[bytes]]:
    """``rx.finditer(buf)``, through literal searches when every match begins with one of a
    few words (such matches are never empty, so each search resumes at the previous end)."""
    words = _leading_words(rx)
    if words is None:
        yield from rx.finditer(buf)
        return
    search = _word_searcher(rx, buf, words)
    pos = 0
    while True:
        m = search(pos)
        if m is None:
            return
        yield m
        pos = m.end()


def _search_at_words(
    rx: re.Pattern[bytes],
    code: bytes,
    words: tuple[bytes, ...],
    first: Callable[[bytes], int] | None = None,
) -> re.Match[bytes] | None:
    """``rx.search(code)`` for a pattern whose matches all begin with one of ``words``."""
    return _word_searcher(rx, code, words, first)(0)


def _word_searcher(
    rx: re.Pattern[bytes],
    code: bytes,
    words: tuple[bytes, ...],
    first: Callable[[bytes], int] | None = None,
) -> Callable[[int], re.Match[bytes] | None]:
    """``search(start)`` == ``rx.search(code, start)`` for a pattern whose matches all begin
    with one of ``words``, for non-decreasing ``start``: the candidate offsets are found with
    literal searches, left to right, and the pattern is tried only there (the same first
    match, without the regex engine stepping through every offset). ``first(word)``, if
    given, is ``code.find(word)``."""
    none = len(code) + 1  # stands for "no further occurrence"
    nxt = [code.find(w) for w in words] if first is None else [first(w) for w in words]
    nxt = [p if p >= 0 else none for p in nxt]

    def search(start: int) -> re.Match[bytes] | None:
        while True:
            pos = min(nxt)
            while pos < start and pos != none:  # move the words found before ``start`` on
                k = nxt.index(pos)
                p = code.find(words[k], start)
                nxt[k] = p if p >= 0 else none
                pos = min(nxt)
            if pos == none:
                return None
            m = rx.match(code, pos)
            if m is not None:
                return m
            start = pos + 1

    return search


def _run_rule(ctx: _Ctx, rule: Rule) -> Hit | None:
    need = rule.params.get("min_literal_count")
    if need:
        code = ctx.code
        present = _present(ctx)
        if present is not None and present.isdisjoint(rule.gate_counts):
            return None  # none of the counted words occurs: the count is 0
        if sum(code.count(w) for w in rule.gate_counts) < int(need):
            return None
    if rule.gate:
        present = _present(ctx)
        if present is None:
            hay = ctx.code
            if not any(g in hay for g in rule.gate):
                return None
            if rule.gate_also and not any(g in hay for g in rule.gate_also):
                return None
        elif present.isdisjoint(rule.gate) or (
            rule.gate_also and present.isdisjoint(rule.gate_also)
        ):
            return None
    if rule.kind == "code":
        need_sets = ctx.prereqs.get(rule.id)
        if need_sets is not None:
            present = _present(ctx)
            if present is not None and any(present.isdisjoint(ws) for ws in need_sets):
                return None  # the regex cannot match without a word of each set
    return _rule_body(ctx, rule)


# a domain name: the last label is letters and not a file extension ("c99shell.php" is a file)
_HOSTNAME = re.compile(
    rb"(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
    rb"(?!(?:php\d?|phtml|inc|txt|html?|js|css|jpe?g|png|gif|ico|zip|rar|gz|tar|sh|pl|py|cgi"
    rb"|asp|aspx|jsp|bak|log|dat|sql|exe)\.?$)[a-z]{2,24}\.?",
    re.IGNORECASE,
)


_HOST_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


def _token_at(data: bytes, offset: int) -> bytes:
    """The run of hostname characters (letters, digits, "." and "-") around ``offset``."""
    start = offset
    while start > 0 and data[start - 1] in _HOST_BYTES and offset - start < 256:
        start -= 1
    end = offset
    while end < len(data) and data[end] in _HOST_BYTES and end - offset < 256:
        end += 1
    return data[start:end]


def _rule_body(ctx: _Ctx, rule: Rule) -> Hit | None:
    """:func:`_run_rule` after its gate checks."""
    if rule.kind == "code":
        assert rule.regex is not None
        pre = _PREFILTERS.get(rule.regex.pattern)
        if pre is not None:
            pre_words = _leading_words(pre)
            pre_m = (
                pre.search(ctx.code)
                if pre_words is None
                else _search_at_words(pre, ctx.code, pre_words, ctx.first)
            )
            if pre_m is None:
                return None
        if rule.boundary:
            m = bounded_search(rule.regex, ctx.code, ctx.first)
        else:
            firsts = _leading_words(rule.regex)
            m = (
                rule.regex.search(ctx.code)
                if firsts is None
                else _search_at_words(rule.regex, ctx.code, firsts, ctx.first)
            )
        if m is None:
            return None
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    if rule.kind == "yara":
        found = _yara_hits(ctx, rule.scope).get(rule.id)
        if found is None:
            return None
        offset, words = found
        if rule.scope == "bytes":
            if _HOSTNAME.fullmatch(_token_at(ctx.data, offset)):
                return None  # a domain in a list of domains ("antichat.tk"), not a marker
            line = 0 if ctx.layer else ctx.data.count(b"\n", 0, offset) + 1
        else:
            idx = _string_at(ctx, offset)
            if idx >= 0 and _HOSTNAME.fullmatch(ctx.lx.value(idx)):
                return None  # a domain in a list of domains ("exploit-db.com"), not a UI text
            line = ctx.line_of_string(idx) if idx >= 0 and not ctx.layer else 0
        return Hit(line, excerpt(words.replace(b"\x00", b"")))  # NUL: the word-boundary marks
    fn = FEATURES.get(rule.feature or "")
    if fn is None:
        raise KeyError(f"unknown scanner feature {rule.feature!r} in rule {rule.id}")
    return fn(ctx, rule)


# the function names features look for calls of (absent ones need no search)
_CALLED_NAMES = (
    *_EXEC_NAMES_B,
    *_EVAL_NAMES_B,
    *itertools.chain(*_SINK_NAMES.values()),
    *_FILE_OP_NAMES_B,
    *_CB_FIRST,
    *_CB_SECOND,
    *_CB_LAST,
    *_GLOBALS_SINKS,
    *_SOCKET_CALLS,
    *_SOCKET_WRITES,
    *_SESSION_READS,
    *_SESSION_LISTS,
    *_WP_USER_CALLS,
    *_WP_LOGIN_CALLS,
    b"getmxrr",
    *_READ_CALLS,
    *_FETCH_CALLS,
    *_CRAWLER_TESTS,
    *_SWAP_CALLS,
)
# words that features test for in the code besides the rules' gates (one scan finds them all)
_GATE_EXTRA_SET = frozenset(
    {*_SOURCES, b"\x01.", b"\x01 .", b"replace", b"pcntl_fork", b"dup2", b"pack", b"implode",
     b"join", *(w for w, _ in _ASSIGNED_ANY_PARTS), *_CALLED_NAMES}
)  # fmt: skip
_GATE_SCANNERS: dict[int, GateWords | None] = {}
_GATE_WORDS: dict[int, frozenset[bytes]] = {}
#: per rule set: rule id -> word sets; every match of the rule's regex has a word of each
_PREREQS: dict[int, dict[str, tuple[frozenset[bytes], ...]]] = {}
_MIN_PREREQ = 3  # shorter words say little and cost the gate scan more


def _required_words(items: Any) -> frozenset[bytes] | None:
    """Literal words of which every match of the parsed regex ``items`` (an ``re._parser``
    sequence) contains at least one, or None when no such set is known."""
    sets = _required_sets(items)
    if not sets:
        return None
    return max(sets, key=lambda ws: (min(map(len, ws)), -len(ws)))


def _required_sets(items: Any) -> list[frozenset[bytes]]:
    """Sets of literal words such that every match of ``items`` contains a word of each set.
    Only runs of consecutive literals count; groups, branches and repeats of at least one
    are followed."""
    from re import _constants as c  # type: ignore[attr-defined]

    found: list[frozenset[bytes]] = []

    def consider(cand: frozenset[bytes] | None) -> None:
        if cand and min(len(w) for w in cand) >= _MIN_PREREQ:
            found.append(cand)

    run = bytearray()
    for op, av in items:
        lit = None
        if op is c.LITERAL:
            lit = av
        elif op is c.IN and len(av) == 1 and av[0][0] is c.LITERAL:
            lit = av[0][1]
        if lit is not None:
            run.append(lit)
            continue
        if run:
            consider(frozenset([bytes(run)]))
            run = bytearray()
        if op is c.SUBPATTERN:
            if not (av[1] | av[2]) & c.SRE_FLAG_IGNORECASE:
                consider(_required_words(av[3]))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            if av[0] >= 1:
                consider(_required_words(av[2]))
        elif op is c.ATOMIC_GROUP:
            consider(_required_words(av))
        elif op is c.BRANCH:
            alts = [_required_words(b) for b in av[1]]
            if all(a is not None for a in alts):
                consider(frozenset().union(*alts))  # type: ignore[arg-type]
    if run:
        consider(frozenset([bytes(run)]))
    return found


def _regex_prereq(rx: re.Pattern[bytes]) -> tuple[frozenset[bytes], ...]:
    """Word sets that every match of ``rx`` needs one word of (each set separately)."""
    if rx.flags & re.IGNORECASE:
        return ()
    try:
        from re import _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(rx.pattern, rx.flags)
        if parsed.state.flags & re.IGNORECASE:
            return ()
        return tuple(dict.fromkeys(_required_sets(parsed)))
    except Exception:  # an unexpected parse tree: no prerequisite, the regex decides
        return ()


def _gate_scanner(rules: tuple[Rule, ...]) -> GateWords | None:
    key = id(rules)
    if key not in _GATE_SCANNERS:
        words = set(_GATE_EXTRA_SET)
        prereqs: dict[str, tuple[frozenset[bytes], ...]] = {}
        for rule in rules:
            words.update(rule.gate)
            words.update(rule.gate_also)
            words.update(rule.gate_counts)
            if rule.kind == "code" and rule.regex is not None:
                need = _regex_prereq(rule.regex)
                if need:
                    prereqs[rule.id] = need
                    for ws in need:
                        words.update(ws)
        _PREREQS[key] = prereqs
        try:
            _GATE_SCANNERS[key] = GateWords(words)
            _GATE_WORDS[key] = frozenset(words)
        except Exception:  # yara-x unavailable: fall back to plain `in` scans
            _GATE_SCANNERS[key] = None
    return _GATE_SCANNERS[key]


def prepare(rules: tuple[Rule, ...]) -> None:
    """Build the per-rule-set caches (gate words, regex prerequisites, the rule plan) now,
    e.g. before forking workers that then share them, instead of on the first file."""
    gates = _gate_scanner(rules)
    _rule_plan(rules, _PREREQS.get(id(rules), {}) if gates is not None else {})
    _yara_names(rules)
    _assertion_rx()


#: per rule: the rule, the bits of its word sets, its min_literal_count, what runs it
_Plan = list[tuple[Rule, int, int, Callable[[_Ctx, Rule], Hit | None]]]
# id(rules) -> (rules, plan, word bits): holding the tuple keeps its id from being reused
_RULE_PLANS: dict[int, tuple[tuple[Rule, ...], _Plan, dict[bytes, int]]] = {}


def _rule_plan(
    rules: tuple[Rule, ...], prereqs: dict[str, tuple[frozenset[bytes], ...]]
) -> tuple[_Plan, dict[bytes, int]]:
    """The rules that run per layer (not the "after" ones), in order, each with a bit mask of
    the word sets that :func:`_run_rule` checks against the gate words present before
    anything else (when one of them is disjoint from them, the rule cannot fire) and its
    ``min_literal_count`` (0: none) and what runs it (a feature's function, called directly,
    or :func:`_rule_body`); and, per gate word, the bits of the sets that hold it. A rule can
    fire only when the bits of the words present cover its mask."""
    key = id(rules)
    entry = _RULE_PLANS.get(key)
    if entry is not None and entry[0] is rules:
        return entry[1], entry[2]
    cached: _Plan = []
    set_bits: dict[frozenset[bytes], int] = {}
    for rule in rules:
        if rule.params.get("after"):
            continue
        needs: list[frozenset[bytes]] = []
        if rule.params.get("min_literal_count"):
            needs.append(frozenset(rule.gate_counts))
        if rule.gate:
            needs.append(frozenset(rule.gate))
            if rule.gate_also:
                needs.append(frozenset(rule.gate_also))
        if rule.kind == "code" and rule.regex is not None:
            needs.extend(prereqs.get(rule.id, ()))
        mask = 0
        for ws in needs:
            mask |= set_bits.setdefault(ws, 1 << len(set_bits))
        run = FEATURES.get(rule.feature or "", _rule_body) if rule.kind == "feature" else _rule_body
        cached.append((rule, mask, int(rule.params.get("min_literal_count") or 0), run))
    word_bits: dict[bytes, int] = {}
    for ws, bit in set_bits.items():
        for w in ws:
            word_bits[w] = word_bits.get(w, 0) | bit
    # Cheap first, heavy first: one regex or word lookup (kinds "code", "yara") before the
    # measurements ("feature"), which may walk the whole file; the heaviest first within each.
    # Per-layer rules do not read each other's results, so the order changes no finding;
    # it only makes a scan that stops at enough evidence (``stop_at``) stop sooner.
    cached.sort(key=lambda entry: (entry[0].kind == "feature", -entry[0].weight))
    _RULE_PLANS[key] = (rules, cached, word_bits)
    return cached, word_bits


#: (id of a rule plan, bits of the words present) -> (the plan, its entries that can fire)
_RUNNABLE: dict[tuple[int, int], tuple[_Plan, _Plan]] = {}

_YARA_NAMES: dict[int, tuple[tuple[Rule, ...], dict[str, frozenset[str]]]] = {}


def _yara_names(rules: tuple[Rule, ...]) -> dict[str, frozenset[str]]:
    """scope -> the words.yar rule names the rules of that scope read (one yara-x pass per
    scope then evaluates only those)."""
    entry = _YARA_NAMES.get(id(rules))
    if entry is not None and entry[0] is rules:
        return entry[1]
    by_scope: dict[str, set[str]] = {}
    for rule in rules:
        if rule.kind == "yara" and rule.yara:
            by_scope.setdefault(rule.scope, set()).add(rule.yara)
    names = {scope: frozenset(ns) for scope, ns in by_scope.items()}
    _YARA_NAMES[id(rules)] = (rules, names)
    return names


def _analyze(
    data: bytes,
    name: str,
    rules: tuple[Rule, ...],
    check: Callable[[], None],
    layer: int,
    hits: dict[str, tuple[Rule, Hit, int]],
    yara: YaraWords | None,
    code0: dict[str, bytes] | None = None,
    stop_at: int = 0,
) -> int:
    if layer == 0:
        magic = data.startswith(_IMAGE_MAGIC) or b"\x00" in data[:1024]
        lx = lex(data, strict_open=magic)
    else:
        start_in_php = b"<?php" not in data and b"<?=" not in data
        lx = lex(data, start_in_php=start_in_php)
    if not lx.php_regions and layer == 0:
        return 0
    gates = _gate_scanner(rules)
    ctx = _Ctx(
        data=data,
        name=name,
        lx=lx,
        layer=layer,
        check=check,
        yara=yara,
        gates=gates,
        gate_words=_GATE_WORDS.get(id(rules), frozenset()),
        prereqs=_PREREQS.get(id(rules), {}) if gates is not None else {},
    )
    if _string_text(ctx).find(b"php://input") >= 0:
        lx.code = _input_stream_inline(lx)
    ctx.cache["hits"] = hits
    ctx.cache["yara-names"] = _yara_names(rules)
    if code0 is not None:
        code0["code"] = lx.code  # the file's own lexed code, for the "after" rules
    plan, word_bits = _rule_plan(rules, ctx.prereqs)
    if gates is None:
        for rule, _mask, _min_count, _run in plan:
            if rule.id not in hits:
                check()
                hit = _run_rule(ctx, rule)
                if hit is not None:
                    hits[rule.id] = (rule, hit, layer)
                    if stop_at and _score_reached(hits, stop_at):
                        raise _Enough
    else:
        # the checks of _run_rule, with the gate words already known: a rule runs only when
        # each of its word sets has a word present
        have = 0
        for word in _present(ctx) or ():
            have |= word_bits.get(word, 0)
        code = lx.code
        known = _RUNNABLE.get((id(plan), have))
        if known is not None and known[0] is plan:
            runnable = known[1]
        else:  # the same words present, the same rules: files share few sets of words
            if len(_RUNNABLE) >= 8192:
                _RUNNABLE.clear()
            runnable = [entry for entry in plan if entry[1] & have == entry[1]]
            _RUNNABLE[id(plan), have] = (plan, runnable)
        for rule, _mask, min_count, run in runnable:
            if rule.id in hits:
                continue
            check()
            if min_count and sum(code.count(w) for w in rule.gate_counts) < min_count:
                continue
            hit = run(ctx, rule)  # _rule_body, or the feature itself
            if hit is not None:
                hits[rule.id] = (rule, hit, layer)
                if stop_at and _score_reached(hits, stop_at):
                    raise _Enough
    payloads = 0
    if layer < MAX_LAYERS:
        for _idx, payload, _layers in _payloads(ctx):
            payloads += 1
            payloads += _analyze(payload, name, rules, check, layer + 1, hits, yara, None, stop_at)
    return payloads


def _input_stream_inline(lx: Lexed) -> bytes:
    """The lexed code with each literal that names the request body (``'php://input'``, as
    in ``file_get_contents('php://input')``) written out as ``php://input``: the rules then
    see the raw body as the request input it is, as they see ``$_POST``. (Every other
    literal stays a placeholder; the line breaks are kept.)"""

    def inline(m: re.Match[bytes]) -> bytes:
        value = lx.value(int(m.group(1))).strip().lower()
        return b"php://input" if value == b"php://input" else m.group(0)

    return _PLACEHOLDER.sub(inline, lx.code)


_AFTER_RULES: dict[int, tuple[tuple[Rule, ...], tuple[Rule, ...]]] = {}


def _after_rules(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """The rules about the other findings (``after = true``), in file order."""
    entry = _AFTER_RULES.get(id(rules))
    if entry is None or entry[0] is not rules:
        entry = _AFTER_RULES[id(rules)] = (rules, tuple(r for r in rules if r.params.get("after")))
    return entry[1]


def _score_reached(hits: dict[str, tuple[Rule, Hit, int]], stop_at: int) -> bool:
    """Whether ``hits`` score at least ``stop_at`` once overlapping rules count once."""
    if sum(entry[0].weight for entry in hits.values()) < stop_at:
        return False
    kept = dict(hits)
    _drop_overlapped(kept)
    return sum(entry[0].weight for entry in kept.values()) >= stop_at


def _drop_overlapped(hits: dict[str, tuple[Rule, Hit, int]]) -> None:
    """Of rules that say the same thing (``overlaps``), only the heaviest that fired counts
    (on a tie, the first by id), whatever order they ran in."""
    for rid in sorted(hits):
        entry = hits.get(rid)
        if entry is None or not entry[0].overlaps:
            continue
        for other in entry[0].overlaps:
            rival = hits.get(other)
            if rival is None or rid not in hits:
                continue
            if (-rival[0].weight, other) < (-entry[0].weight, rid):
                del hits[rid]
            else:
                del hits[other]


def analyze(
    data: bytes,
    name: str,
    rules: tuple[Rule, ...],
    check: Callable[[], None] = _never,
    yara: YaraWords | None = None,
    stop_at: int = 0,
) -> Analysis:
    """Score ``data`` (the bytes of a file called ``name``) with ``rules``.

    ``yara`` holds the compiled word rules for rules of kind "yara" (none fire without it).
    ``stop_at`` > 0: stop running rules once the score reaches it (the findings so far are
    reported, ``complete`` is False); 0 runs every rule. Scores only grow with more rules, so
    the verdict of a file that reached ``stop_at`` >= the malicious score is final.
    """
    hits: dict[str, tuple[Rule, Hit, int]] = {}
    code0: dict[str, bytes] = {}
    complete = True
    cut_short = False
    try:
        layers = _analyze(data, name, rules, check, 0, hits, yara, code0, stop_at)
    except _Enough:
        layers, complete = 0, False
    except BudgetExceeded:
        # the findings made before the budget ran out stand: padding appended to a mailer
        # must not throw them away (the caller says the file was cut short)
        layers, complete, cut_short = 0, False, True
    _drop_overlapped(hits)
    # the rules about the other findings, last; none of them can fire on a file with none
    for rule in _after_rules(rules) if complete and hits else ():
        if rule.id not in hits:
            fn = FEATURES[rule.feature or ""]
            cache = {"hits": hits, "code0": code0.get("code", b"")}
            hit = fn(_Ctx(data, name, Lexed(), 0, check, yara, cache=cache), rule)
            if hit is not None:
                hits[rule.id] = (rule, hit, 0)
    findings = tuple(
        sorted(
            (
                Finding(
                    rule=rule.id,
                    description=rule.description,
                    weight=rule.weight,
                    line=hit.line,
                    excerpt=hit.excerpt,
                    layer=layer,
                )
                for rule, hit, layer in hits.values()
            ),
            key=lambda f: (-f.weight, f.rule),
        )
    )
    score = sum(f.weight for f in findings)
    return Analysis(score, ScanVerdict.from_score(score), findings, layers, complete, cut_short)
