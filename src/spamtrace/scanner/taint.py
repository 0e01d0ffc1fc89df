"""The taint pass: which variables hold request input or decoded data.

A small, bounded pass over assignments: request superglobals (and ``php://input``,
``getallheaders``/``apache_request_headers``, ``filter_input(INPUT_GET|POST|COOKIE, ...)``
without a filter that leaves only a number, a boolean or an address), decoder calls and
literal concatenations, unpacking with ``list()`` or ``[...] =`` (keyed or not; from a list
literal, each name gets its own item's taint), ``foreach`` over request
arrays, one level of copies, and chains of plain copies (``$c = $b; $b = $a;``) up to
``interp.MAX_COPY_HOPS`` in all; cipher loops and the file's own decoding functions give decoded
data; request input only used as a lookup key, compared, validated, hashed or given to a
method does not taint. ``$_SERVER``, ``$_ENV`` and ``getenv()`` are kept apart (``SERVER``
sources): they count only where any value is damning.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator, Sequence

from spamtrace.scanner import fold
from spamtrace.scanner.context import (
    KEEP,
    KEEP_NAMES,
    NAME_P,
    PLACEHOLDER,
    VAR,
    Ctx,
    S,
    calls_to,
    close_paren,
    concats_cached,
    function_bodies,
    function_params,
    has_any,
    has_word,
    interpolated,
    open_before,
    per_file,
    prefiltered_finditer,
    prefiltered_search,
    search_needing,
    top_args,
    var_assigns,
    words_in_code,
)
from spamtrace.scanner.interp import MAX_COPY_HOPS, copy_chains, plain_copies, read_code, variables
from spamtrace.scanner.lexer import find
from spamtrace.scanner.rx import compile_possessive, tight

REQ = (
    rb"(?:\$_(?:get|post|request|cookie|files|server|env)\b|\$http_(?:post|get|cookie|raw_post)_"
    rb"(?:vars|data)|php://input|getallheaders\s*\(|apache_request_headers\s*\(|"
    rb"filter_input\s*\(\s*\\?input_(?:get|post|request|cookie)\b"
    rb"(?![^;]{0,120}?filter_(?:validate_(?:int|float|bool|boolean|ip|mac)|"
    rb"sanitize_number_(?:int|float))\b))"
)


REQ_RE = tight(REQ)


_DEC_FUNCS = (
    rb"base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|convert_uudecode|"
    rb"rawurldecode|urldecode|bzdecompress"
)


# what the taint pass counts as "decoded": decoders, content downloaded with curl or
# WordPress's HTTP API, and what an image's metadata holds (EXIF/IPTC fields: text the
# picture's maker wrote, a place where a payload or a function name hides in a harmless file)
_DEC_RE = tight(
    rb"(?<![\w$>:])(?:" + _DEC_FUNCS
    + rb"|curl_exec|wp_remote_retrieve_body|exif_read_data|read_exif_data|iptcparse)\s*\("
)


_ASSIGN_AT = compile_possessive(
    rb"\$(" + NAME_P + rb")\s*+(?:\[[^\]\n]{0,60}\]\s*)*(?:\.|\?\?)?=(?![=>])\s*([^;]{0,600})"
)


# foreach over request input, or over a list split from it (explode(',', $_POST['to'])): its
# items are request input; over a whole request array (``foreach ($_POST as $k => $v)``,
# "split" and "mid" empty, "end" there) its keys and values are request input as they are
_FOREACH_REQ = tight(
    rb"foreach\s*\(\s*(?P<split>(?:explode|preg_split|str_getcsv|array_map|array_filter|"
    rb"array_unique|array_values)\s*\([^;{]{0,80}?)?" + REQ + rb"(?P<mid>[^;{]{0,80}?)\bas\s*"
    rb"(?:\$(?P<key>\w+)\s*=>\s*)?\$(?P<value>\w+)(?P<end>\s*\))?"
)


_BUILT_RHS = tight(
    rb"^\s*(?:" + S + rb"\s*\.\s*(?:" + S + rb"|chr\s*\()|chr\s*\(\s*\d+\s*\)\s*\.|"
    rb"(?:strrev|str_rot13|base64_decode|hex2bin|str_replace|implode|join)\s*\(|"
    rb"pack\s*\(\s*" + S + rb"\s*,\s*" + S + rb"\s*\))"
)


# a value deciphered character by character or from hex pairs: ``$o .= chr(ord($s[$i]) ^
# $k)``, ``$s .= chr(hexdec(substr($h, $i, 2)))``, ``$x .= chr($code)`` over a list of codes,
# ``pack('H*', $hex)``: what a custom cipher gives (no library builds text it then runs so)
_CIPHER_RHS = tight(
    rb"^[\s@(]*(?:chr\s*\(|pack\s*\(\s*\x01(\d+)\x01\s*,|implode\s*\(\s*" + S
    + rb"\s*,\s*array_map\s*\(\s*" + S + rb")"
)
# pack() formats that make text from hex digits or character codes (not binary integers)
_TEXT_PACK = tight(rb"[HhCc](?:\*|\d+)?$")


def _cipher(ctx: Ctx, rhs: bytes) -> bool:
    """``rhs`` deciphers (:data:`_CIPHER_RHS`); a pack() only with a text format."""
    m = _CIPHER_RHS.match(rhs)
    if m is None:
        return False
    fmt = m.group(1)
    return fmt is None or _TEXT_PACK.match(ctx.lx.value(int(fmt)).strip()) is not None


# what a function of the file's own does to decipher: a character from a code computed from
# another (``chr(ord($s[$i]) ^ $k)``, ``chr(hexdec(...))``), a decoder, hex unpacked
_CIPHER_OPS = tight(
    rb"chr\s*\(\s*(?:ord|hexdec|bindec|octdec|intval)\s*\(|chr\s*\([^;]{0,80}?\^|"
    rb"\bord\s*\([^;]{0,80}?\^|(?<![\w$>:])(?:" + _DEC_FUNCS + rb")\s*\(|"
    rb"pack\s*\(\s*" + S + rb"\s*,"
)
# every match of _CIPHER_OPS holds one of these words, or a call of ord(): where the code
# has none, none of the file's function bodies (parts of the code) has a match. "ord" alone
# is in every "word" and "password": its call is searched for, with its literal start
CIPHER_WORDS = (b"chr", b"pack", *_DEC_FUNCS.split(b"|"))
_ORD_CALL = tight(rb"ord\s*\(")
_CALL_HEAD = tight(rb"[\s@(]*(" + NAME_P + rb")\s*\(")
_RETURNS = tight(rb"\breturn\b\s*[^;\s]")


def may_decipher(ctx: Ctx) -> bool:
    """False where no part of the code (a function body) can hold a match of _CIPHER_OPS
    (the words are gate words: one set test)."""
    return has_any(ctx, CIPHER_WORDS) or _ORD_CALL.search(ctx.code) is not None


@per_file("decoder-functions")
def decoder_functions(ctx: Ctx) -> frozenset[bytes]:
    """The file's own functions (or methods) that decipher their argument and return the
    result: ``function d($s, $k) { ... $r .= chr(ord($s[$i]) ^ ord($k[...])); return $r; }``.
    What they return counts as decoded data, as base64_decode()'s does."""
    names = set()

    def may_hold(word: bytes) -> bool:  # a body is a part of the code: not without it
        return ctx.first(word) >= 0

    # a body is a part of the code: without one of those calls in the code, none has
    # one (most files: their functions need not be found)
    for name, body in function_bodies(ctx).items() if may_decipher(ctx) else ():
        if (
            len(body) < 3000
            and find(body, b"return") >= 0  # in every match of _RETURNS
            and prefiltered_search(_RETURNS, body)  # tried where a "return" starts
            and search_needing(_CIPHER_OPS, body, may_hold)
        ):
            names.add(name)
    return frozenset(names)


# a variable given curl_exec()'s result, and what a body returns
_CURL_RESULT = tight(rb"\$(\w+)\s*=\s*@?\s*curl_exec\s*\(")
_RETURNED = tight(rb"\breturn\s*\(?\s*@?\s*(?:\$(\w+)\s*\)?\s*;|curl_exec\s*\()")


def fetch_functions(ctx: Ctx) -> frozenset[bytes]:
    """The file's own functions (or methods) that download and hand back what they got:
    ``function get($u) { $c = curl_init($u); ...; $r = curl_exec($c); ...; return $r; }``.
    What they return counts as downloaded content, as curl_exec()'s does: a loader that wraps
    its download in a helper (or a class) still runs what the network sent."""
    cached = ctx.cache.get("fetch-functions")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    names = set()
    if ctx.first(b"curl_exec") >= 0:
        for name, body in function_bodies(ctx).items():
            if len(body) > 4000 or find(body, b"curl_exec") < 0 or find(body, b"return") < 0:
                continue
            results = {m.group(1) for m in _CURL_RESULT.finditer(body)}
            for r in _RETURNED.finditer(body):
                if r.group(1) is None or r.group(1) in results:
                    names.add(name)
                    break
    found = frozenset(names)
    ctx.cache["fetch-functions"] = found
    return found


# a call of a function or of a method, through an object or a class
# (``$this->fetcher->get(``, ``Http::get(``): the name called
_CALL_CHAIN_HEAD = tight(
    rb"[\s@(]*(?:\$?[\w\x80-\xff]+\s*(?:->|::)\s*){0,4}([\w\x80-\xff]+)\s*\("
)


# What a function (or method) of the file's own hands back, worked out from its ``return``
# statements: the request's own value ("req": ``return $_POST[$k];``, trimmed or decoded at
# most), what curl or WordPress's HTTP API downloaded ("net"), what a read of the path or URL
# the caller passes gave ("read": file_get_contents($u), stream_get_contents(fopen($u))), or
# data a decoder made ("dec": base64_decode, gzinflate...). A returned variable counts as what
# the body set it to, and a call of another such function as what that one returns. A helper
# moves the value out of sight of a pass that follows assignments: ``eval('?>' . get($url))``
# runs what the network sent as ``eval('?>' . curl_exec($c))`` does.
_RET_AT = tight(rb"(?<![\w$>:])return\b\s*([^;]{1,300});")
_WRAP = rb"[\s@(]*(?:" + KEEP + rb"\s*\(\s*@?\s*)*"
_RET_REQ = tight(_WRAP + REQ + rb"(?:\s*\[[^\]\[;]{0,60}\])*[\s)]*$")
# ... or a filter_input() call that reads it unvalidated: filter_input(INPUT_POST, $k)
_RET_REQ_CALL = tight(_WRAP + rb"(?=filter_input)" + REQ + rb"[^();]{0,120}\)[\s)]*$")
# the server's own environment ($_ENV, $_SERVER), not what the visitor sends: a helper
# that returns it (a test runner's environment for its child) hands back no request value
_RET_NOT_REQ = tight(_WRAP + rb"\$_(?:env|server)\b", re.IGNORECASE)
_RET_NET = tight(_WRAP + rb"(?:curl_exec|wp_remote_retrieve_body)\s*\(")
_RET_READ = tight(_WRAP + rb"(?:file_get_contents|stream_get_contents|fread|fgets)\s*\(")
_RET_DEC_FUNCS = _DEC_FUNCS.replace(b"rawurldecode|urldecode|", b"")
_RET_DEC = tight(rb"[\s@(]*(?:" + _RET_DEC_FUNCS + rb")\s*\(")
_RET_VAR = tight(_WRAP + rb"\$(" + NAME_P + rb")\s*\)*\s*$")
_BODY_SET = tight(rb"\s*\.?=(?![=>])\s*([^;]{1,300});")
RETURN_KINDS = ("req", "net", "read", "dec")


def _alternatives(expr: bytes) -> list[bytes]:
    """``expr`` and the values a ternary or ``??`` in it may give: ``isset($_GET[$k]) ?
    $_GET[$k] : ''`` gives ``$_GET[$k]`` (the condition is no value of it)."""
    out = [expr]
    q = expr.find(b"?")
    if q >= 0:
        if expr[q + 1 : q + 2] == b"?":
            out.extend((expr[:q], expr[q + 2 :]))
        else:
            rest = expr[q + 1 :]
            colon = rest.rfind(b":")
            lone = rest[colon - 1 : colon] != b":" and rest[colon + 1 : colon + 2] != b":"
            if colon > 0 and lone:
                out.extend((rest[:colon], rest[colon + 1 :]))
    return out


def _value_kind(
    expr: bytes,
    body: bytes,
    kinds: dict[bytes, str],
    depth: int = 2,
    passing: frozenset[bytes] = frozenset(),
) -> str | None:
    """The kind (:data:`RETURN_KINDS`) of the value ``expr`` gives in ``body``, or None; a
    call of a function of ``passing`` (:func:`passing_functions`) gives what its arguments
    are."""
    for alt in _alternatives(expr):
        if (_RET_REQ.match(alt) or _RET_REQ_CALL.match(alt)) and not _RET_NOT_REQ.match(alt):
            return "req"
        for rx, kind in ((_RET_NET, "net"), (_RET_READ, "read"), (_RET_DEC, "dec")):
            m = rx.match(alt)
            if m is not None and _whole_call(alt, m.end()):
                return kind
        call = _CALL_CHAIN_HEAD.match(alt)
        if call is not None and call.group(1) in kinds and _whole_call(alt, call.end()):
            return kinds[call.group(1)]
        if call is not None and call.group(1) in passing and _whole_call(alt, call.end()):
            # a helper that hands back what it is given, transformed: what it is given
            inner = alt[call.end() : call.end() + close_paren(alt[call.end() :])]
            for arg in top_args(inner)[:4]:
                got = _value_kind(arg, body, kinds, depth, passing)
                if got is not None:
                    return got
        held = _RET_VAR.match(alt)
        if held is not None and depth > 0:
            for _pos, m in var_assigns(body, held.group(1), _BODY_SET, 6):
                held_kind = _value_kind(m.group(1), body, kinds, depth - 1, passing)
                if held_kind is not None:
                    return held_kind
    return None


# a double-quoted literal that is one request value and nothing more: "{$_POST[$k]}"
_ONLY_REQUEST = tight(
    rb"\{?\$_(?:get|post|request|cookie)\s*\[[^\]\[]{0,60}\]\}?", re.IGNORECASE
)


def _interpolated_request(ctx: Ctx, expr: bytes) -> str | None:
    """"req" when ``expr`` is a double-quoted literal that PHP fills with one request value
    and nothing else (``return "{$_REQUEST[$k]}";``), else None."""
    lit = PLACEHOLDER.fullmatch(expr.strip())
    if lit is None:
        return None
    idx = int(lit.group(1))
    kinds = ctx.lx.kinds
    if idx >= len(kinds) or kinds[idx] not in ("dq", "heredoc"):
        return None
    return "req" if _ONLY_REQUEST.fullmatch(ctx.lx.raw_strings[idx].strip()) else None


def _whole_call(expr: bytes, args_at: int) -> bool:
    """The call whose arguments start at ``args_at`` in ``expr`` is the whole expression
    (wrappers' closing parentheses aside): its value, not a comparison or a sum made of it."""
    end = args_at + close_paren(expr[args_at:])
    return not expr[end + 1 :].strip(b" \t\r\n)")


# what hands back a value made of what it was given, not a fact about it: a plain transform
# (decoding, padding, slicing, XOR or joining it with another value), not a length, count,
# hash, test or comparison
_SCALAR_OF = tight(
    rb"[\s@(]*(?:strlen|mb_strlen|count|sizeof|md5|sha1|crc32|hash|hash_hmac|intval|floatval|"
    rb"boolval|is_\w+|in_array|array_key_exists|isset|empty|strpos|stripos|strcmp|"
    rb"preg_match|file_exists|function_exists|json_encode|serialize|htmlspecialchars|"
    rb"esc_\w+|sanitize_\w+|escapeshellarg|escapeshellcmd|addslashes|\(\s*(?:int|bool|float)\s*\))"
)
_COMPARED = tight(rb"[=!<>]=|(?<![-=])>(?!=)|<(?!<)|&&|\|\||\band\b|\bor\b|\?")
_PASS_SET = tight(rb"\s*=(?![=>])\s*([^;]{1,300});")
_ANY_VAR = tight(rb"\$(" + NAME_P + rb")")


def passing_functions(ctx: Ctx) -> frozenset[bytes]:
    """The file's own functions (at most 200) whose every ``return`` hands back a value made
    of one of their parameters, through transforms (:data:`_SCALAR_OF` aside) or the
    variables of the body that hold one, or a call of another such function given one: a
    chain of helpers (``$c = unpad(xor(rawurldecode($in), $key))``) that moves request data
    out of the sight of a pass that follows assignments. A helper that returns a length, a
    hash, a test or an escaped string hands back no such value."""
    cached = ctx.cache.get("passing-functions")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found: set[bytes] = set()
    ctx.cache["passing-functions"] = frozenset()
    if ctx.first(b"return") < 0:
        return frozenset()
    code = ctx.code
    todo: list[tuple[bytes, bytes, list[bytes]]] = []
    for name, body in itertools.islice(function_bodies(ctx).items(), 200):
        if len(body) > 6000 or find(body, b"return") < 0:
            continue
        params = function_params(code, name)
        if params is None:
            continue
        names = [m.group(1) for m in (_PARAM_NAME.match(p) for p in params.group(1).split(b","))
                 if m is not None]  # fmt: skip
        if names:
            todo.append((name, body, names))

    def made_of(expr: bytes, body: bytes, names: list[bytes], depth: int) -> bool:
        if _SCALAR_OF.match(expr) is not None or _COMPARED.search(expr) is not None:
            return False
        for v in itertools.islice(_ANY_VAR.finditer(expr), 6):
            if v.group(1) in names:
                return True
            if depth > 0:
                for _pos, m in var_assigns(body, v.group(1), _PASS_SET, 4):
                    if made_of(m.group(1), body, names, depth - 1):
                        return True
        for c in itertools.islice(_CALL_IN_ARGS.finditer(expr), 4):
            if c.group(1) in found:
                inner_at = expr.find(b"(", c.end() - 1)
                inner = expr[inner_at + 1 : inner_at + 1 + close_paren(expr[inner_at + 1 :])]
                if any(made_of(a, body, names, depth) for a in top_args(inner)[:4]):
                    return True
        return False

    for _round in range(4):
        grew = False
        for name, body, names in todo:
            if name in found:
                continue
            rets = [r.group(1) for r in itertools.islice(prefiltered_finditer(_RET_AT, body), 6)]
            if rets and all(made_of(r, body, names, 2) for r in rets):
                found.add(name)
                grew = True
        if not grew:
            break
    out = frozenset(found)
    ctx.cache["passing-functions"] = out
    return out


def returned_kinds(ctx: Ctx) -> dict[bytes, str]:
    """The file's own functions (and methods) whose result is of one of the kinds
    :data:`RETURN_KINDS` (see above): name -> kind."""
    cached = ctx.cache.get("returned-kinds")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    kinds: dict[bytes, str] = {}
    if ctx.first(b"return") >= 0:
        bodies = [
            (name, body)
            for name, body in itertools.islice(function_bodies(ctx).items(), 200)
            if find(body, b"return") >= 0
        ]
        passing = passing_functions(ctx)
        for _round in range(4):  # a helper of a helper: what the inner one returns
            grew = False
            for name, body in bodies:
                if name in kinds:
                    continue
                # tried where a "return" starts (a look-behind first: every offset)
                for r in itertools.islice(prefiltered_finditer(_RET_AT, body), 8):
                    kind = _value_kind(
                        r.group(1), body, kinds, 4 if passing else 2, passing
                    ) or _interpolated_request(ctx, r.group(1))
                    if kind is not None:
                        kinds[name] = kind
                        grew = True
                        break
            if not grew:
                break
    ctx.cache["returned-kinds"] = kinds
    return kinds


def _reads_remote(ctx: Ctx, name: bytes, args_at: int) -> bool:
    """A "read" function's call reads the network: its first argument (at ``args_at`` in the
    code) folds to a URL, or is what an own function that names one returns (``http(conf('u'))``
    with ``conf()`` holding 'https://...'), or the read function's own body names one."""
    if _names_url(ctx, name):
        return True
    inner = _CALL_CHAIN_HEAD.match(ctx.code, args_at)
    if inner is not None and inner.group(1) != name and _names_url(ctx, inner.group(1)):
        return True
    folded = fold.fold_at(ctx.code, ctx.lx, args_at, fold.Env(ctx.code, ctx.lx, ctx.cache))
    return folded is not None and folded.value.strip().lower().startswith(_URL_START)


def _names_url(ctx: Ctx, name: bytes) -> bool:
    """The body of the file's own function ``name`` holds a URL literal."""
    body = function_bodies(ctx).get(name, b"")
    for m in itertools.islice(PLACEHOLDER.finditer(body), 40):
        if ctx.lx.value(int(m.group(1))).strip().lower().startswith(_URL_START):
            return True
    return False


def returned_call_kind(ctx: Ctx, pos: int) -> str | None:
    """The kind of value the call of an own function at ``pos`` (the start of its name, or of
    the object or class it is called through) gives: "req", "net" (also a "read" whose path
    is a URL) or "dec"; None when it gives none of them."""
    kinds = returned_kinds(ctx)
    call = _CALL_CHAIN_HEAD.match(ctx.code, pos)
    if call is None or call.group(1) not in kinds:
        return None
    kind = kinds[call.group(1)]
    if kind == "read":
        return "net" if _reads_remote(ctx, call.group(1), call.end()) else None
    return kind


def _assigned_calls(
    code: bytes, name: bytes, stmts: dict[int, re.Match[bytes] | None]
) -> Iterator[tuple[int, tuple[bytes, bytes], re.Match[bytes]]]:
    """The calls of the file's function ``name`` (the first MAX_TAINT_SITES mentions) whose
    value is assigned, ``$v = name(...)`` or ``$v = $o->name(...)``: where the name is, the
    assignment (variable, right-hand side) and the call chain's head in that right-hand side."""
    at = find(code, name)
    sites = 0
    while at >= 0 and sites < MAX_TAINT_SITES:
        sites += 1
        end = at + len(name)
        if (
            (at == 0 or not (code[at - 1 : at].isalnum() or code[at - 1 : at] in b"_$"))
            and code[end : end + 20].lstrip().startswith(b"(")
            and not code[max(0, at - 12) : at].rstrip().endswith(b"function")
        ):
            got = assignment_before(code, at, stmts)
            head = _CALL_CHAIN_HEAD.match(got[1]) if got is not None else None
            if got is not None and head is not None and head.group(1) == name:
                yield at, got, head
        at = find(code, name, end)


def returned_taint(ctx: Ctx) -> tuple[frozenset[bytes], frozenset[bytes]]:
    """Variables assigned what a call of an own function returns: request input (first set),
    content read from the network or decoded data (second set). Kept apart from
    :func:`taint`'s sets: the sinks that run code or commands read them."""
    cached = ctx.cache.get("returned-taint")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    req: set[bytes] = set()
    dec: set[bytes] = set()
    given: dict[bytes, set[bytes]] = {}  # variable -> the functions whose value it holds
    kinds = returned_kinds(ctx)
    code = ctx.code
    stmts: dict[int, re.Match[bytes] | None] = {}
    for name in sorted(kinds)[:20]:
        for at, (var, rhs), head in _assigned_calls(code, name, stmts):
            if _whole_call(rhs, head.end()):
                rhs_at = at - (head.start(1) - head.start())
                kind = returned_call_kind(ctx, max(0, rhs_at))
                if kind == "req":
                    req.add(var)
                elif kind is not None:
                    dec.add(var)
                if kind is not None:
                    given.setdefault(var, set()).add(name)
    found = (frozenset(req), frozenset(dec))
    ctx.cache["returned-taint"] = found
    ctx.cache["returned-from"] = {v: frozenset(n) for v, n in given.items()}
    return found


def returned_from(ctx: Ctx) -> dict[bytes, frozenset[bytes]]:
    """For each variable of :func:`returned_taint`, the own functions whose value it is
    assigned."""
    returned_taint(ctx)
    return ctx.cache["returned-from"]  # type: ignore[no-any-return]


# a call's name in a sink's argument: the start of the call's chain ($obj->f(, C::f(, f()
_CALL_IN_ARGS = tight(
    rb"(?<![\w$>:\x80-\xff])(?:\$?[\w\x80-\xff]+\s*(?:->|::)\s*){0,4}([\w\x80-\xff]+)\s*\("
)


def returned_call_in(
    ctx: Ctx,
    args_at: int,
    args: bytes,
    wanted: tuple[str, ...],
    skip: frozenset[bytes] = frozenset(),
) -> bool:
    """``args`` (found at ``args_at`` in the code) call an own function whose result is of a
    kind in ``wanted`` (:func:`returned_call_kind`), not as an argument that escapeshellarg()
    quotes; the functions in ``skip`` are not counted."""
    kinds = returned_kinds(ctx)
    if not kinds:
        return False
    for m in itertools.islice(_CALL_IN_ARGS.finditer(args), 20):
        if m.group(1) not in kinds or m.group(1) in skip:
            continue
        pos = args_at + m.start()
        if _shell_quoted_at(ctx.code, pos):
            continue
        if returned_call_kind(ctx, pos) in wanted:
            return True
    return False


SOURCES = (
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
    b"apache_request_headers",
    b"filter_input",
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
    b"pack(",
    b"$globals[",
    b"file_get_contents",
    b"wp_remote_retrieve_body",
    b"exif_read_data",
    b"read_exif_data",
    b"iptcparse",
)  # fmt: skip  (the first 12 are request input)


MAX_TAINT_SITES = 60


_REQ_SOURCES = frozenset(SOURCES[:12]) - {b"$_server", b"$_env"}


_NET_SOURCES = frozenset({b"socket_read", b"socket_recv"})


_SERVER_SOURCES = frozenset({b"$_server", b"$_env", b"getenv"})


_SERVER_LISTED = tight(rb"[\s@(]*array_values\s*\(\s*\$_server\s*\)\s*$")
_GETENV_RHS = tight(rb"[\s@(]*getenv\s*\(\s*\x01\d+\x01\s*\)")  # getenv('HTTP_X_…')


# "&": a reference to the request array (``$p =& $_GET``) is the request array
_DIRECT_REQ = tight(
    rb"[\s@(&]*(?:\(\s*(?:string|object|array)\s*\)\s*)?(?:(?:" + KEEP + rb"|explode|substr|"
    rb"array_keys|array_values|key|current|reset|end|array_shift|array_pop|json_decode)"
    rb"\s*\([^$]{0,20})*" + REQ
)


# one request element picked through the guard that tests it ($c = isset($_GET['c']) ?
# $_GET['c'] : 'id'; !empty(...) ? ... : null; both tests joined by &&): the condition tests
# only that element (isset / empty, negated or not), the taken branch is the element itself,
# the other a literal or a plain variable; the value as it came, as ``$c = $_GET['c']`` is
_GUARD_TEST = rb"[\s!(]*(?:isset|empty)\s*\(\s*(" + REQ + rb"\s*\[[^\]\[;()]{1,60}\])\s*\)[\s)]*"
_GUARD_OTHER = (
    rb"(?:\x01\d+\x01|\$\w+|null|true|false|-?\d+|array\s*\(\s*\)|\[\s*\])"
)
_GUARDED_REQ = tight(
    rb"[\s@(]*((?:" + _GUARD_TEST + rb"(?:&&|\|\||and\b|or\b))*" + _GUARD_TEST + rb")\?\s*"
    rb"(?:@?(" + REQ + rb"\s*\[[^\]\[;()]{1,60}\])\s*:\s*" + _GUARD_OTHER
    + rb"|" + _GUARD_OTHER + rb"\s*:\s*@?(" + REQ + rb"\s*\[[^\]\[;()]{1,60}\]))[\s)]*;?\s*$"
)
_GUARD_TESTED = tight(rb"(?:isset|empty)\s*\(\s*(" + REQ + rb"\s*\[[^\]\[;()]{1,60}\])")


def _guarded_request(ctx: Ctx, rhs: bytes) -> bool:
    """``rhs`` is one request element picked through the guard that tests it
    (:data:`_GUARDED_REQ`): each test of the condition names the same element as the
    branch taken (strings compared by their text)."""
    m = _GUARDED_REQ.match(rhs)
    if m is None:
        return False
    taken = _element_key(ctx, m.group(m.lastindex or 0))
    tested = _GUARD_TESTED.findall(m.group(1))
    return bool(tested) and all(_element_key(ctx, t) == taken for t in tested)


def _element_key(ctx: Ctx, element: bytes) -> bytes:
    """``$_get[<string>]`` with each string's index replaced by its text, spaces dropped."""
    text = re.sub(rb"\x01(\d+)\x01", lambda s: b"'" + ctx.lx.value(int(s.group(1))) + b"'", element)
    return re.sub(rb"\s+", b"", text)


# a request array with a decoder mapped over it (array_map('base64_decode', $_COOKIE)): the
# visitor's own values, only sent encoded
_MAPPED_REQ = tight(
    rb"[\s@(&]*array_map\s*\(\s*\x01(\d+)\x01\s*,\s*" + REQ + rb"(?:\s*\[[^\]\[;]{1,60}\])?\s*\)"
)


def _mapped_decoder(ctx: Ctx, rhs: bytes) -> bool:
    """``rhs`` maps a decoder (or trim: :data:`KEEP_NAMES`) over request input, as a whole or
    one of its arrays."""
    m = _MAPPED_REQ.match(rhs)
    return m is not None and ctx.lx.value(int(m.group(1))).strip().lower() in KEEP_NAMES


_GLOBALS_AT = tight(rb"[\s@(]*\$globals\s*\[\s*(?:\x01(\d+)\x01|\$(\w+))\s*\]\s*(?:;|$)")
_SUPERGLOBAL_VARS = frozenset({b"_get", b"_post", b"_request", b"_cookie", b"_files"})
_REQUEST_ARRAYS = frozenset({b"_get", b"_post", b"_request", b"_cookie", b"_files"})


# file_get_contents('http://...'), of a URL glued on ('http://host/' . $id), or of a variable
_FGC_AT = tight(rb"[\s@(]*file_get_contents\s*\(\s*@?\s*(?:\x01(\d+)\x01|\$(\w+)\s*[,)])")
_URL_START = (b"http://", b"https://", b"ftp://", b"ftps://")


def _remote_read(ctx: Ctx, rhs: bytes) -> bool:
    """``rhs`` reads a URL with file_get_contents(): a literal one, or a variable whose value
    the constant folder gives as one (``$u = 'http://h/p.txt'; $c = file_get_contents($u);``).
    A path on disk (a template engine's compiled file) is not."""
    m = _FGC_AT.match(rhs)
    if m is None:
        return False
    if m.group(1) is not None:
        target = ctx.lx.value(int(m.group(1)))
    else:
        held = fold.Env(ctx.code, ctx.lx, ctx.cache).get(m.group(2), len(ctx.code))
        target = held[0] if held is not None else _listed_url(ctx, m.group(2))
    return target.strip().lower().startswith(_URL_START)


def fetched_url_in(ctx: Ctx, text: bytes) -> bool:
    """``text`` (a call's arguments) reads a URL held by a variable with file_get_contents()
    (``eval('?>' . file_get_contents($u))`` after ``$u = 'https://...'``): what the network
    sends, as :func:`_remote_read` reads an assignment's value. A literal URL there is
    php.eval-remote's; a path on disk (a template's compiled file) is neither."""
    at = find(text, b"file_get_contents")
    while at >= 0:
        m = _FGC_AT.match(text, at)
        if m is not None and m.group(2) is not None and _remote_read(ctx, text[at:]):
            return True
        at = find(text, b"file_get_contents", at + 1)
    return False


def _listed_url(ctx: Ctx, var: bytes) -> bytes:
    """The first literal of the list that ``foreach`` hands ``$var`` from (``$mirrors =
    array('https://a/x.txt', 'https://b/y'); foreach ($mirrors as $u)``), or b"": a loop
    over addresses written in the code, tried in turn."""
    if find(ctx.code, b"foreach") < 0:
        return b""  # the pattern starts with it: no pattern compiled per variable
    loop = re.compile(
        rb"foreach\s*\(\s*(\$" + NAME_P + rb"|array\s*\(|\[)[^;{]{0,600}?\bas\s+"
        rb"(?:\$" + NAME_P + rb"\s*=>\s*)?\$" + re.escape(var) + rb"\s*\)"
    )
    m = loop.search(ctx.code)
    if m is None:
        return b""
    head = m.group(1)
    if head.startswith(b"$"):
        sets = var_assigns(ctx.code[: m.start()], head[1:], _LIST_RHS, 3)
        if not sets:
            return b""
        first = PLACEHOLDER.search(sets[-1][1].group(0))
    else:
        first = PLACEHOLDER.search(m.group(0), m.start(1) - m.start())
    return ctx.lx.value(int(first.group(1))) if first is not None else b""


_LIST_RHS = tight(rb"\s*=\s*(?:array\s*\(|\[)\s*\x01\d+\x01")


# the request's value decoded or trimmed as a whole (json_decode($raw, true), unserialize($s)):
# what the visitor sent, in another shape
_UNWRAP = rb"[\s@(&]*(?:(?:json_decode|unserialize|" + KEEP + rb")\s*\(\s*)+"


_UNWRAP_AT = tight(_UNWRAP + rb"\$")
_WHOLE_VAR_END = tight(rb"\b(?!\s*(?:\[|->))")


def _unwrapped(rhs: bytes, var: bytes) -> bool:
    """``rhs`` is ``$var`` decoded or trimmed as a whole (``json_decode($var, true)``).

    One fixed pattern up to the ``$`` (the first ``$`` of ``rhs``: the wrappers hold none),
    then the name compared: a pattern made for each name was compiled for each variable the
    taint pass followed (Python's cache holds 512 patterns; a server has thousands of names)."""
    m = _UNWRAP_AT.match(rhs)
    if m is None or not rhs.startswith(var, m.end()):
        return False
    return _WHOLE_VAR_END.match(rhs, m.end() + len(var)) is not None


# parse_str(<input>, $into): the fields of the input become the array's items
_PARSE_STR_INTO = tight(
    rb"(?<![\w$>:])parse_str\s*\(\s*([^,;]{1,160}),\s*&?\s*\$(" + NAME_P + rb")\s*\)"
)


def direct_vars(direct: set[bytes]) -> set[bytes]:
    """The variables of ``direct`` written as in code (``$name``)."""
    return {b"$" + v for v in direct}


def _globals_request(ctx: Ctx, rhs: bytes) -> bool:
    """``rhs`` is a request array read through $GLOBALS: by its literal name
    (``$GLOBALS['_POST']``), or by a variable in a file that names one in a literal
    (``foreach (array('_GET', '_POST') as $g) { $v = $GLOBALS[$g]; ...``)."""
    m = _GLOBALS_AT.match(rhs)
    if m is None:
        return False
    if m.group(1) is not None:
        return ctx.lx.value(int(m.group(1))).strip().lower() in _REQUEST_ARRAYS
    # the name computed from pieces ($n = '_G' . 'ET'; $v = $GLOBALS[$n];): its folded value
    held = fold.Env(ctx.code, ctx.lx, ctx.cache).get(m.group(2), len(ctx.code))
    if held is not None and held[0].strip().lower() in _REQUEST_ARRAYS:
        return True
    return _names_request_array(ctx)


@per_file("names-request-array")
def _names_request_array(ctx: Ctx) -> bool:
    """Whether a literal of the file (of the first 5,000) names a request array."""
    return any(
        ctx.lx.value(i).strip().lower() in _REQUEST_ARRAYS
        for i in range(min(len(ctx.lx.raw_strings), 5000))
        if len(ctx.lx.raw_strings[i]) <= 10
    )


# calls whose result is not the text they were given: a number, a yes/no, a hash, or the
# input checked or stripped to a safe alphabet by a validator (validInt(), sanitize_key())
_NOT_THE_INPUT = tight(
    rb"(?:intval|floatval|boolval|abs|count|strlen|md5|sha1|crc32|hash|isset|empty|is_\w+|"
    rb"ctype_\w+|in_array|array_key_exists|preg_match|\w*valid\w*|\w*sanitiz\w*|"
    rb"\w*detaint\w*|absint)$"
)
# a request element compared (its value is a yes/no, not the text)
_COMPARED = tight(
    rb"\$_\w+\s*(?:\[[^\]\[;]{0,60}\]\s*)+(?:===?|!==?|<=?|>=?)(?!>)"
)
_CAST_BEFORE = tight(rb"\(\s*(?:int|integer|bool|boolean|float|double)\s*\)\s*(?:\(\s*)?$")
# preg_replace('/[^a-z0-9_-]/', '', $input): only a safe alphabet is left
_WHITELIST_REPLACE = tight(rb"preg_replace\s*\(\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01\s*,")
_NEGATED_CLASS = tight(rb"^(.)\[\^[\w\s\\.-]{1,40}\]\+?\1[a-z]*$")
# what ends the text before a "[" or "(" of :func:`_wrapped_safe`: a superglobal (or an
# $http_ one) indexed, or a function's or method's name. Compiled once here: written inline,
# ``re``'s cache of 512 lost them to the patterns other rules build per file (~600 compiles in
# one cold pass over a corpus)
_INDEXED_REQUEST = re.compile(rb"\$_\w+\s*$|\$http_\w+\s*$")
_CALLED_NAME = re.compile(rb"(->|::)?\s*([\w\x80-\xff]+)$")




def _wrapped_safe(ctx: Ctx, rhs: bytes, pos: int) -> bool:
    """The request input at ``pos`` of ``rhs`` does not reach the value as text: it is the
    key of a lookup in a table of the script's (``$spec = $table[$_GET['k']]``), the
    argument of a check, count, hash, validator or method (``Event::find(['Id' =>
    $_GET['id']])``: a record, not the text), compared, cast to a number, or stripped to a
    safe alphabet (``preg_replace('/[^a-z0-9]/', '', $_GET['p'])``)."""
    if _CAST_BEFORE.search(rhs, max(0, pos - 20), pos):
        return True
    compared = _COMPARED.match(rhs, pos)
    if compared is not None:  # $_GET['when'] == 'now' ? 'now' : '+1': a test of it
        return True
    at, ch = open_before(rhs, pos)
    while at >= 0:
        head = rhs[max(0, at - 60) : at].rstrip()
        if ch == 91:  # [: an index; of a superglobal it is request input, else a lookup
            if not _INDEXED_REQUEST.search(head):
                return True
        else:
            name = _CALLED_NAME.search(head)
            if name is not None:
                fn = name.group(2)
                if name.group(1) is not None or _NOT_THE_INPUT.match(fn):
                    return True  # a method's result (a record found by id...), a check
                if fn == b"preg_replace":
                    w = _WHITELIST_REPLACE.match(rhs, at - len(b"preg_replace"))
                    if (
                        w is not None
                        and _NEGATED_CLASS.match(ctx.lx.value(int(w.group(1))).strip())
                        and ctx.lx.value(int(w.group(2))) == b""
                    ):
                        return True
        at, ch = open_before(rhs, at)
    return False


def _copy_wrapped_safe(ctx: Ctx, code: bytes, pos: int) -> bool:
    """The variable at ``pos`` of the code is used in its statement as :func:`_wrapped_safe`
    says (a lookup key, a validator's argument...), not copied."""
    lo = _statement_start(code, pos) + 1
    return _wrapped_safe(ctx, code[lo : pos + 200], pos - lo)


# what escapeshellarg() quotes, calls inside it too (escapeshellarg(trim(basename($src)))):
# one argument of the script's own command, whatever the request put in it; what
# escapeshellcmd() escapes chains no other command
_SHELL_QUOTE = tight(rb"escapeshell(arg|cmd)\s*\(")
# what comes before PHP's own function and not before another name ending in its name
# (my_escapeshellarg(), $o->escapeshellarg(), Util::escapeshellarg(), a namespace's own)
_NOT_SHELL_QUOTE_BEFORE = tight(rb"(?:[\w\x80-\xff$>:]|[\w\x80-\xff]\\)$")
_QUOTED_MOST = 4000  # bytes of a quoted argument looked at for its closing parenthesis


def _shell_quoted_spans(
    text: bytes, cmd: bool = False, lo: int = 0, hi: int = -1
) -> Iterator[tuple[int, int]]:
    """(start, end) of each escapeshellarg() call (and escapeshellcmd() call, with ``cmd``)
    that starts in ``text[lo:hi]``, its closing parenthesis included; not one inside
    another, nor one that does not close."""
    hi = len(text) if hi < 0 else hi
    at = find(text, b"escapeshell", lo, hi)
    while at >= 0:
        m = _SHELL_QUOTE.match(text, at)
        if (
            m is not None
            and (cmd or m.group(1) == b"arg")
            and _NOT_SHELL_QUOTE_BEFORE.search(text, max(0, at - 2), at) is None
        ):
            rest = text[m.end() : m.end() + _QUOTED_MOST]
            close = close_paren(rest)
            if close < len(rest):
                yield at, m.end() + close + 1
                at = find(text, b"escapeshell", m.end() + close + 1, hi)
                continue
        at = find(text, b"escapeshell", at + 1, hi)


def shell_quote_called(text: bytes) -> bool:
    """``text`` calls PHP's own escapeshellarg() or escapeshellcmd() (``\\escapeshellarg()``
    too), not a function or method whose name only holds the name (my_escapeshellarg(),
    noescapeshellcmd(), $o->escapeshellarg(), Util::escapeshellarg())."""
    at = find(text, b"escapeshell")
    while at >= 0:
        if (
            _SHELL_QUOTE.match(text, at) is not None
            and _NOT_SHELL_QUOTE_BEFORE.search(text, max(0, at - 2), at) is None
        ):
            return True
        at = find(text, b"escapeshell", at + 1)
    return False


def shell_quoted_removed(text: bytes, cmd: bool = False) -> bytes:
    """``text`` without what escapeshellarg() quotes and, with ``cmd``, what escapeshellcmd()
    escapes (:func:`_shell_quoted_spans`): the request input left is what can be a command."""
    if find(text, b"escapeshell") < 0:
        return text
    kept = []
    last = 0
    for start, end in _shell_quoted_spans(text, cmd):
        kept.append(text[last:start])
        last = end
    kept.append(text[last:])
    return b"".join(kept)


def _shell_quoted_at(code: bytes, pos: int) -> bool:
    """The variable at ``pos`` of the code is inside an escapeshellarg() call of its
    statement (``escapeshellarg($tmp)``, ``escapeshellarg(basename($f))``)."""
    lo = _statement_start(code, pos) + 1
    return any(end > pos for _, end in _shell_quoted_spans(code, lo=lo, hi=pos))


def _carries_request(ctx: Ctx, rhs: bytes) -> bool:
    """``rhs`` holds request input that reaches its value (one of the first 10 mentions not
    :func:`_wrapped_safe`)."""
    for m in itertools.islice(REQ_RE.finditer(rhs), 10):
        if not _wrapped_safe(ctx, rhs, m.start()):
            return True
    return False


def _statement_start(code: bytes, pos: int) -> int:
    """The offset of the ";", "{" or "}" before the statement that holds ``pos`` (at most 600
    bytes back: an earlier one gives ``pos - 600`` all the same)."""
    if _stmt_start is not None and pos >= 0:
        return _stmt_start(code, pos)
    return _statement_start_py(code, pos)


def _statement_start_py(code: bytes, pos: int) -> int:
    """:func:`_statement_start` in Python: the reference for ``_lexer.statement_start``."""
    floor = max(0, pos - 600)
    lo = max(
        code.rfind(b";", floor, pos), code.rfind(b"{", floor, pos), code.rfind(b"}", floor, pos)
    )
    return max(lo, pos - 600)


def assignment_before(
    code: bytes, pos: int, memo: dict[int, re.Match[bytes] | None] | None = None
) -> tuple[bytes, bytes] | None:
    """The ``$name = rhs`` statement that contains offset ``pos``, if there is one.
    ``memo`` keeps the statement found per start offset (sources in one statement share it)
    where the compiled search is not built; that one reads the few hundred bytes again."""
    if _assignment_before is not None and pos >= 0:
        return _assignment_before(code, pos)
    return _assignment_before_py(code, pos, memo)


def variable_holding(code: bytes, pos: int) -> bytes | None:
    """The name (no ``$``) of the variable that the expression at ``pos`` is the whole
    right-hand side of (``$name = <expr at pos>;``), or None: no assignment, or the value is
    part of something larger."""
    got = assignment_before(code, pos)
    if got is None:
        return None
    name, rhs = got
    return name if code.startswith(rhs.strip(), pos) else None


def _assignment_before_py(
    code: bytes, pos: int, memo: dict[int, re.Match[bytes] | None] | None = None
) -> tuple[bytes, bytes] | None:
    """:func:`assignment_before` in Python: the reference for ``_lexer.assignment_before``
    (one pass over the statement's bytes in place of three reverse finds, a find per "$" and a
    regex match per "$", with a dictionary look-up per source)."""
    lo = _statement_start_py(code, pos)
    if memo is None:
        m = _first_assignment(code, lo)
    elif lo in memo:
        m = memo[lo]
    else:
        m = memo[lo] = _first_assignment(code, lo)
    if m is None or not m.start() < pos < m.end():
        return None
    return m.group(1), m.group(2)


def _first_assignment(code: bytes, lo: int) -> re.Match[bytes] | None:
    """``_ASSIGN_AT.search(code, lo + 1)`` where its match can matter: one that starts in the
    601 bytes after ``lo`` (every ``pos`` of :func:`assignment_before` is in them). The
    search itself went on to the end of the file: a statement with no assignment cost a read
    of all the rest, once per source in it (minutes on a padded file)."""
    end = lo + 602
    at = find(code, b"$", lo + 1, end)
    while at >= 0:
        m = _ASSIGN_AT.match(code, at)
        if m is not None:
            return m
        at = find(code, b"$", at + 1, end)
    return None


def _found(code: bytes, word: bytes, limit: int) -> Iterator[int]:
    """The offsets of the first ``limit`` occurrences of ``word`` in ``code``, each looked
    for after the one before."""
    pos = find(code, word)
    while pos >= 0 and limit > 0:
        limit -= 1
        yield pos
        pos = find(code, word, pos + len(word))


def _mentions_py(code: bytes, names: Sequence[bytes], limit: int) -> list[list[int]]:
    """For each of ``names``, the offsets of its first ``limit`` occurrences of "$" + name in
    ``code`` (those of a longer name too), each looked for after the one before: the
    reference for ``_lexer.mentions``, which finds them for all the names in one pass over
    the code's "$" (the taint pass follows up to 40 variables' copies, each a search of the
    whole code)."""
    out: list[list[int]] = []
    for name in names:
        needle = b"$" + name
        found: list[int] = []
        pos = find(code, needle)
        while pos >= 0 and len(found) < limit:
            found.append(pos)
            pos = find(code, needle, pos + len(needle))
        out.append(found)
    return out


_assignment_before: Callable[[bytes, int], tuple[bytes, bytes] | None] | None
_stmt_start: Callable[[bytes, int], int] | None
_mentions: Callable[[bytes, Sequence[bytes], int], list[list[int]]]
try:  # compiled (see _lexer.c): the taint pass asks it for every source and copy it follows
    from spamtrace.scanner._lexer import assignment_before as _assignment_before
    from spamtrace.scanner._lexer import mentions as _mentions
    from spamtrace.scanner._lexer import statement_start as _stmt_start
except ImportError:  # pragma: no cover - exercised by the tests through the _py functions
    _assignment_before = None
    _stmt_start = None
    _mentions = _mentions_py


# a key of an unpacking's item: ``['to' => $to, 'subject' => $subject] = $_POST``
_UNPACK_KEY = rb"(?:(?:\x01\d+\x01|\d+)\s*=>\s*)?"
_UNPACK_AT = tight(
    # "[" not right after a name, "]", "}" or a literal: not an element ($t[$i] = ...)
    rb"(?:(?<![\w$>:])list\s*\(|(?<![\w\x80-\xff\])}\x01])\[)((?:\s*(?:"
    + _UNPACK_KEY
    + rb"\$"
    + NAME_P
    + rb")?\s*,)*\s*"
    + _UNPACK_KEY
    + rb"\$"
    + NAME_P
    + rb"\s*,?\s*)[\])]\s*=(?![=>])\s*([^;]{0,600})"
)
# the right side of an unpacking written as a list of items: ``[$_POST['f'], $x]``
_LIST_LITERAL_OPEN = tight(rb"[\s@]*(?:\[|array\s*\()")


def _unpacking_at(code: bytes, pos: int) -> re.Match[bytes] | None:
    """The match of :data:`_UNPACK_AT` for the unpacking statement whose right side holds
    offset ``pos``."""
    lo = _statement_start(code, pos)
    # the statement's first "[" or its last "list" before ``pos``: a match is tried at those
    # two places only (a search would step through every "[" of the rest of the file)
    for at in (find(code, b"[", lo + 1, pos), code.rfind(b"list", lo + 1, pos)):
        m = _UNPACK_AT.match(code, at) if at >= 0 else None
        if m is not None and m.start(2) <= pos < m.end():
            return m
    return None


def _unpacking_before(code: bytes, pos: int) -> tuple[list[bytes], bytes] | None:
    """The ``list($a, $b) = rhs`` (or ``[$a, $b] = rhs``, keyed or not) statement whose right
    side holds offset ``pos``: the names it sets, and the right side."""
    m = _unpacking_at(code, pos)
    return None if m is None else (VAR.findall(m.group(1)), m.group(2))


def _unpacked_items(code: bytes, pos: int) -> list[tuple[bytes, bytes]] | None:
    """The names ``list($a, $b) = [x, y]`` sets, each with the item of the list literal it
    gets (``$a`` is ``x``), for the unpacking whose right side holds ``pos``; None where the
    right side is no list literal or the left side names keys (the items' order then is not
    the names')."""
    m = _unpacking_at(code, pos)
    if m is None or b"=>" in m.group(1):
        return None
    lit = _LIST_LITERAL_OPEN.match(m.group(2))
    if lit is None:
        return None
    items = top_args(m.group(2)[lit.end() :])
    out = []
    for entry, item in zip(top_args(m.group(1)), items, strict=False):
        name = VAR.search(entry)
        if name is not None:
            out.append((name.group(1), item))
    return out


# array_walk over a whole request array: the callback's parameters are its values and keys
_WALK_REQ = tight(
    rb"array_walk(?:_recursive)?\s*\(\s*@?" + REQ + rb"\s*,\s*(?:static\s+)?function\s*\(\s*"
    rb"&?\$(" + NAME_P + rb")(?:\s*,\s*\$(" + NAME_P + rb"))?"
)


# foreach (array('_GET', '_POST') as $n) { foreach ($$n as $k => $v) ... }: a request array
# iterated under a name the loop spells
_FOREACH_NAMES = tight(
    rb"foreach\s*\(\s*(?:array\s*\(|\[)((?:\s*\x01\d+\x01\s*,?){1,6})[)\]]\s*as\s*\$("
    + NAME_P
    + rb")\s*\)"
)
_FOREACH_VARVAR = tight(
    rb"foreach\s*\(\s*(?:\$\$|\$\{\s*\$)("
    + NAME_P
    + rb")\s*\}?\s+as\s*(?:\$("
    + NAME_P
    + rb")\s*=>\s*)?&?\$("
    + NAME_P
    + rb")"
)
_REQUEST_ARRAYS = frozenset({b"_get", b"_post", b"_request", b"_cookie", b"_files"})


def _foreach_request_names(ctx: Ctx) -> set[bytes]:
    """The key and value variables of loops over a request array named through a variable
    variable that runs over a literal list of superglobal names."""
    code = ctx.code
    spelt: set[bytes] = set()
    for m in itertools.islice(_FOREACH_NAMES.finditer(code), 20):
        values = {ctx.lx.value(int(i)).strip().lower() for i in PLACEHOLDER.findall(m.group(1))}
        if values & _REQUEST_ARRAYS:
            spelt.add(m.group(2))
    out: set[bytes] = set()
    if spelt:
        for m in itertools.islice(_FOREACH_VARVAR.finditer(code), 20):
            if m.group(1) in spelt:
                out.update(v for v in (m.group(2), m.group(3)) if v)
    return out


_FOREACH_VAR = tight(
    rb"foreach\s*\(\s*\$("
    + NAME_P
    + rb")\s+as\s+(?:\$"
    + NAME_P
    + rb"\s*=>\s*)?&?\$("
    + NAME_P
    + rb")"
)


_CLOSURE = tight(rb"\s*(?:static\s+)?(?:function|fn)\s*&?\s*\(")


#: request input percent-encoded (a URL part): no space, quote or shell character is left
#: in it, so as a piece of a command it is no command of its own either
_URL_ENCODED_ARG = tight(
    rb"(?<![\w$>:])(?:raw)?urlencode\s*\((?:[^()]|\([^()]{0,120}\)){0,120}\)"
)


# --- variables read inside double-quoted strings and heredocs ------------------------------
#
# PHP fills ``"From: $name <{$email}>\r\n"`` with the variables' values, as ``'From: ' . $name
# . ' <' . $email . ">\r\n"`` does: the string's value carries what they hold. The lexer sets
# every literal apart, so the copies the pass follows in the code (``$h = 'x' . $email``) miss
# such a string; these are followed here, with the same checks as a "." join (a lookup key,
# a validator's argument, escapeshellarg()'s quoted argument do not carry the input).
# Single-quoted strings and nowdocs read no variable.

# the names a body reads ("$to", "{$to[...]}", "${to}"), as written (a cheap first look; the
# reader of interp tells which are PHP's)
_READ_NAME = tight(rb"\$\{?([a-zA-Z_\x80-\xff][\w\x80-\xff]*)")
_STRING_REQ = tight(
    rb"\$_(?:get|post|request|cookie|files)\b|\$http_(?:post|get|cookie|raw_post)_(?:vars|data)"
)
_STRING_REQ_NAMES = frozenset(
    {b"_get", b"_post", b"_request", b"_cookie", b"_files", b"http_post_vars",
     b"http_get_vars", b"http_cookie_vars", b"http_raw_post_data"}
)  # fmt: skip
MAX_READING_STRINGS = 2000  # double-quoted strings and heredocs followed per file, at most
MAX_READ_NAMES = 20_000  # places of a "$name" in them looked at per file, at most
_READING_KINDS = frozenset({"dq", "heredoc"})


@per_file("reading-strings")
def reading_strings(ctx: Ctx) -> list[tuple[int, int, frozenset[bytes]]]:
    """(literal index, offset of its placeholder in the code, the names it may read,
    lower-cased) of each double-quoted string and heredoc that has a ``$`` before a name:
    those of the first :data:`MAX_READ_NAMES` such names (at most
    :data:`MAX_READING_STRINGS` strings), in the code's order. The bodies are searched
    joined, without a Python step per literal (a padded file has millions)."""
    lx = ctx.lx
    code = ctx.code
    out: list[tuple[int, int, frozenset[bytes]]] = []
    if "dq" not in lx.kinds and "heredoc" not in lx.kinds:
        return out
    dq = list(itertools.compress(itertools.count(), map(_READING_KINDS.__contains__, lx.kinds)))
    bodies = list(map(lx.raw_strings.__getitem__, dq))
    joined = b"\x00".join(bodies)
    if find(joined, b"$") < 0:
        return out
    starts = list(itertools.accumulate(map((1).__add__, map(len, bodies)), initial=0))
    found: dict[int, set[bytes]] = {}
    for m in itertools.islice(_READ_NAME.finditer(joined), MAX_READ_NAMES):
        at = bisect.bisect_right(starts, m.start()) - 1
        names = found.get(at)
        if names is None:
            if len(found) >= MAX_READING_STRINGS:
                break
            names = found[at] = set()
        names.add(m.group(1).lower())
    pos = 0
    for at, names in found.items():  # in the literals' order, as their placeholders stand
        mark = b"\x01%d\x01" % dq[at]
        where = find(code, mark, pos)
        if where < 0:
            where = find(code, mark)
            if where < 0:
                continue
        else:
            pos = where + len(mark)
        out.append((dq[at], where, frozenset(names)))
    return out


def constant_literal(ctx: Ctx, text: bytes) -> bool:
    """``text`` is one literal whose value is its own text: single-quoted, a nowdoc, or a
    double-quoted string or heredoc that reads no variable (``"From: $email"`` is the
    variable's value, as ``'From: ' . $email`` is)."""
    lit = PLACEHOLDER.fullmatch(text.strip())
    if lit is None:
        return False
    idx = int(lit.group(1))
    if idx >= len(ctx.lx.kinds) or ctx.lx.kinds[idx] not in _READING_KINDS:
        return True
    raw = ctx.lx.raw_strings[idx]
    return find(raw, b"$") < 0 or not variables(raw)


def _strings_read_request(ctx: Ctx) -> bool:
    """Whether a double-quoted string or heredoc may read a request array."""
    return any(not names.isdisjoint(_STRING_REQ_NAMES) for *_, names in reading_strings(ctx))


def _string_copies(
    ctx: Ctx,
    sets: tuple[set[bytes], set[bytes], set[bytes], set[bytes]],
    stmts: dict[int, re.Match[bytes] | None],
    rounds: int = 3,
) -> None:
    """Add to ``sets`` (request input, decoded data, request input as it is, names given
    request input not percent-encoded) the variables assigned a double-quoted string or
    heredoc that reads request input or a variable of those sets, as a "." join of the same
    pieces would add them (see above); ``rounds``: strings that read such a string's
    variable, and so on."""
    req, dec, direct, raw_set = sets
    code = ctx.code
    strings = reading_strings(ctx)
    if not strings:
        return
    for _round in range(rounds):
        grew = False
        held = req | dec | direct
        for idx, at, names in strings:
            if names.isdisjoint(held) and names.isdisjoint(_STRING_REQ_NAMES):
                continue
            got = assignment_before(code, at, stmts)
            if got is None or _CLOSURE.match(got[1]):
                continue
            target = got[0]
            if code[max(0, at - 8) : at].rstrip().endswith(b"["):
                continue  # a key of a lookup ($t["$a"]), not the value
            read = read_code(ctx.lx.raw_strings[idx])
            if read is None:
                continue
            pieces, text = read
            # the string as a whole inside a check, a hash, a method's argument, a lookup...
            safe = _copy_wrapped_safe(ctx, code, at) or _shell_quoted_at(code, at)
            before = (target in req, target in dec, target in direct)
            for piece in pieces[:50]:
                if not safe:
                    for m in itertools.islice(_STRING_REQ.finditer(piece), 5):
                        if not _wrapped_safe(ctx, piece, m.start()):
                            req.add(target)
                            raw_set.add(target)
                            if not text and len(pieces) == 1 and _DIRECT_REQ.match(piece):
                                direct.add(target)
                            break
                for m in itertools.islice(VAR.finditer(piece), 10):
                    var = m.group(1)
                    if var == target or var not in held:
                        continue
                    if var in req and not safe and not _wrapped_safe(ctx, piece, m.start()):
                        req.add(target)
                    if var in dec:
                        dec.add(target)
                    if var in direct and not safe and not text and piece == m.group(0):
                        direct.add(target)  # "$a" alone: $a as it is
            if before != (target in req, target in dec, target in direct):
                grew = True
        if not grew:
            break


def taint(ctx: Ctx) -> tuple[set[bytes], set[bytes]]:
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
    encoded: set[bytes] = set()  # names given request input only percent-encoded
    raw: set[bytes] = set()  # names given request input as it is
    ctx.cache["url-encoded"] = (encoded, raw)
    stmts: dict[int, re.Match[bytes] | None] = {}
    if has_word(ctx, b"$$") or has_word(ctx, b"${"):
        spelt = _foreach_request_names(ctx)
        req.update(spelt)
        direct.update(spelt)
    if has_any(ctx, SOURCES) or has_word(ctx, b"\x01.") or _strings_read_request(ctx):
        for m in _FOREACH_REQ.finditer(code):
            req.add(m["value"])
            if m["split"] is None and m["end"] is not None and not m["mid"].strip():
                direct.update(v for v in (m["key"], m["value"]) if v)  # ($_POST as $k => $v)
        if has_word(ctx, b"array_walk"):  # array_walk($_POST, function ($v, $k) { ... })
            for m in _WALK_REQ.finditer(code):
                req.update(v for v in m.groups() if v)
                direct.update(v for v in m.groups() if v)
        present = words_in_code(ctx, SOURCES)
        # the places of the "$..." sources ($_GET, $_SERVER...) found in one pass
        named = [src[1:] for src in present if src.startswith(b"$")]
        places = dict(zip(named, _mentions(code, named, MAX_TAINT_SITES), strict=True))
        for src in present:
            found = places[src[1:]] if src.startswith(b"$") else _found(code, src, MAX_TAINT_SITES)
            for pos in found:
                got = assignment_before(code, pos, stmts)
                if got is None and src in _REQ_SOURCES:
                    unpacked = _unpacking_before(code, pos)  # list($a, $b) = explode(.., $_GET)
                    paired = _unpacked_items(code, pos) if unpacked is not None else None
                    if paired is not None:  # list($f, $a) = [$_POST['f'], $_POST['a']]
                        for name, item in paired:
                            if REQ_RE.search(item):
                                req.add(name)
                                if _DIRECT_REQ.match(item):  # that item is the request's own
                                    direct.add(name)
                    elif unpacked is not None and REQ_RE.search(unpacked[1]):
                        req.update(unpacked[0])
                        if _DIRECT_REQ.match(unpacked[1]):  # the request's own values
                            direct.update(unpacked[0])
                if got is not None:
                    name, rhs = got
                    if src in _REQ_SOURCES:
                        if _carries_request(ctx, rhs) and (
                            rhs.find(b"escapeshellarg") < 0
                            or REQ_RE.search(shell_quoted_removed(rhs))
                        ):  # input only as escapeshellarg()'s quoted argument is no command
                            req.add(name)
                            if rhs.find(b"urlencode") >= 0 and not REQ_RE.search(
                                _URL_ENCODED_ARG.sub(b"", shell_quoted_removed(rhs))
                            ):
                                encoded.add(name)
                            else:
                                raw.add(name)
                            if (
                                _DIRECT_REQ.match(rhs)
                                or _mapped_decoder(ctx, rhs)
                                or _guarded_request(ctx, rhs)
                                or _ARRAY_OF_REQUEST.match(rhs)
                            ):
                                direct.add(name)
                    elif src in _SERVER_SOURCES:
                        # a server value held as it is ($h = $_SERVER; $fn = $h['HTTP_X_FN']):
                        # everyday data, but called as a function or evaluated it is a header
                        # backdoor, so it joins the "direct" set that those sinks read
                        if _DIRECT_REQ.match(rhs) or _GETENV_RHS.match(rhs):
                            direct.add(name)
                            if _custom_header(ctx, rhs):
                                header.add(name)  # a request header of the client's own
                        if _SERVER_LISTED.match(rhs):
                            # array_values($_SERVER): picked by position ($a[6]), a header
                            # of the client's own as likely as a value of the server's
                            direct.add(name)
                            header.add(name)
                    elif src == b"$globals[":
                        if _globals_request(ctx, rhs):  # $v = $GLOBALS['_POST'] / [$name]
                            req.add(name)
                            direct.add(name)
                    elif src in _NET_SOURCES:
                        req.add(name)  # bytes read from a network peer: a remote command
                    elif src == b"file_get_contents":
                        if _remote_read(ctx, rhs):
                            dec.add(name)  # content downloaded from a URL, as curl_exec's
                    elif _DEC_RE.search(rhs) or _BUILT_RHS.match(rhs) or _cipher(ctx, rhs):
                        dec.add(name)
        for name in sorted(fetch_functions(ctx))[:10]:  # $code = $this->http->get($url)
            for _at, (var, _rhs), _head in _assigned_calls(code, name, stmts):
                dec.add(var)
        own = tuple(sorted(decoder_functions(ctx)))
        if own:  # $code = my_decrypt($blob, $key): decoded by the file's own function
            for start, _args in calls_to(ctx, own, MAX_TAINT_SITES):
                got = assignment_before(code, start, stmts)
                head = _CALL_HEAD.match(got[1]) if got is not None else None
                if got is not None and head is not None and head.group(1) in own:
                    dec.add(got[0])
        if has_word(ctx, b"\x01.") or has_word(ctx, b"\x01 ."):
            for m in concats_cached(ctx)[:MAX_TAINT_SITES]:
                got = assignment_before(code, m.start(), stmts)
                if got is not None and _BUILT_RHS.match(got[1]):
                    dec.add(got[0])
        # an element set in a request array ($_REQUEST['k'] = ...) is no variable of its own:
        # the arrays are sources already, and every mention of them is no copy of it ($_SESSION
        # and $GLOBALS stay: code parked there is carried to a later request or another name)
        if has_word(ctx, b"parse_str"):  # parse_str($_SERVER['QUERY_STRING'], $q): $q['f']
            for m in itertools.islice(prefiltered_finditer(_PARSE_STR_INTO, code, ctx.first), 20):
                if REQ_RE.search(m.group(1)) or m.group(1).strip() in direct_vars(direct):
                    req.add(m.group(2))
                    direct.add(m.group(2))
        req -= _SUPERGLOBAL_VARS
        direct -= _SUPERGLOBAL_VARS
        # "From: $email\r\n", "{$_POST['to']}": what a string reads, as a "." join carries it
        _string_copies(ctx, (req, dec, direct, raw), stmts)
        if has_word(ctx, b"function"):  # httpcopy($_GET['url'], $_GET['f']): its parameters
            _request_params(ctx, req, direct, raw)
        copied = sorted(req | dec | direct)[:40]  # one level of copies: $b = $a;
        for var, offsets in zip(copied, _mentions(code, copied, 20), strict=True):
            needle = b"$" + var
            for pos in offsets:  # the first 20 "$var" (of a longer name too)
                got = assignment_before(code, pos, stmts)
                if got is None and var in req:  # list($to, $subject) = explode('|', $var)
                    unpacked = _unpacking_before(code, pos)
                    if unpacked is not None and var not in unpacked[0]:
                        req.update(unpacked[0])
                if (
                    got is not None
                    and got[0] != var
                    and not _CLOSURE.match(got[1])
                    and not code[max(0, pos - 8) : pos].rstrip().endswith(b"[")
                    and not (var in req and _copy_wrapped_safe(ctx, code, pos))
                ):
                    # a copy of the value; not a closure that merely uses it (``$f =
                    # function () use ($a) {``), nor a table lookup keyed by it (``$t[$a]``);
                    # request input only quoted by escapeshellarg() into a command the script
                    # writes (``$cmd = 'mysql ... < ' . escapeshellarg($tmp)``) is one argument
                    # of it, as where the input is read (above)
                    quoted = var in req and _shell_quoted_at(code, pos)
                    if var in req and not quoted:
                        req.add(got[0])
                    if var in dec:
                        dec.add(got[0])
                    if var in direct and not quoted and (
                        got[1].lstrip(b" \t@(").startswith(needle) or _unwrapped(got[1], var)
                    ):
                        direct.add(got[0])
        # a copy of a copy ($c = $b; $b = $a;): plain copies, a few hops more in all
        if req or dec or direct:
            pairs = plain_copies(code)
            for held in (req, dec, direct):
                if held and pairs:
                    held |= copy_chains(pairs, held, MAX_COPY_HOPS - 1)
            # a string that reads a copy ($e = $email; $h = "From: $e"), and copies of it
            sizes = (len(req), len(dec), len(direct))
            _string_copies(ctx, (req, dec, direct, raw), stmts, 2)
            if pairs and sizes != (len(req), len(dec), len(direct)):
                for held in (req, dec, direct):
                    if held:
                        held |= copy_chains(pairs, held, MAX_COPY_HOPS - 1)
        if req and has_word(ctx, b"compact"):
            # $job = compact('f', 'a'): an array of those variables, by their names; a value
            # the request gave as it came is one of its elements as it came
            for m in itertools.islice(_COMPACT.finditer(code), 20):
                names = {
                    ctx.lx.value(int(q.group(1))).strip().lstrip(b"$")
                    for q in itertools.islice(PLACEHOLDER.finditer(m.group(2)), 20)
                }
                if names & req:
                    req.add(m.group(1))
                if names & direct:
                    direct.add(m.group(1))
        if req and b"foreach" in code:  # foreach ($list as $to): the items of a tainted list
            items: set[bytes] = set()
            for m in _FOREACH_VAR.finditer(code):
                if m.group(1) in req and m.group(2) not in req:
                    req.add(m.group(2))
                    items.add(m.group(2))
                if m.group(1) in direct:
                    # a copy of a request array as it came ($c = $_COOKIE; foreach ($c as $k
                    # => $v)): each item is the request's own value, as foreach ($_COOKIE as
                    # $k => $v) gives it
                    direct.add(m.group(2))
            # an item split in the loop (list($user, $pass) = explode(':', $line)): its parts
            split = sorted(items)[:10]
            for var, offsets in zip(split, _mentions(code, split, 20), strict=True):
                for pos in offsets:
                    unpacked = _unpacking_before(code, pos)
                    if unpacked is not None and var not in unpacked[0]:
                        req.update(unpacked[0])
        if has_word(ctx, b"array_map") or has_word(ctx, b"array_filter"):
            req.update(_mapped_params(ctx, req))
        if ctx.first(b"$globals") >= 0:
            _globals_aliases(ctx, req)
    ctx.cache["taint"] = (req, dec)
    return req, dec


# a parameter's name in a function's parameter list (``&$v``, ``array $v = []``, ``...$v``)
_PARAM_NAME = tight(rb"[^$,]*\$(" + NAME_P + rb")")
_DEFINED_BEFORE = tight(rb"function\s*&?\s*$")
MAX_PARAM_FUNCTIONS = 24  # functions of the file's own looked at for request arguments


def param_arguments(ctx: Ctx) -> dict[bytes, list[bytes]]:
    """What the plain calls of the file's own named functions pass to their parameters: the
    parameter's name -> the argument texts (``httpcopy($_GET['url'], $_GET['f'])`` gives
    ``url`` -> [``$_GET['url']``]). Names are the file's, not scoped (as every variable of
    the taint pass). A method called through an object is not followed (see
    :func:`_object_param_arguments`), nor an unpacked argument list; at most 24 functions, 8
    calls of each."""
    cached = ctx.cache.get("param-arguments")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: dict[bytes, list[bytes]] = {}
    ctx.cache["param-arguments"] = out
    if not has_word(ctx, b"function"):
        return out
    code = ctx.code
    for name in list(function_bodies(ctx))[:MAX_PARAM_FUNCTIONS]:
        params = function_params(code, name)
        if params is None:
            continue
        names = [m.group(1) for m in (_PARAM_NAME.match(p) for p in params.group(1).split(b","))
                 if m is not None]  # fmt: skip
        if not names:
            continue
        for start, _args in calls_to(ctx, (name,), 8):
            if _DEFINED_BEFORE.search(code, max(0, start - 12), start) is not None:
                continue  # the definition itself
            opening = code.find(b"(", start)
            parts = top_args(code[opening + 1 : opening + 1 + 600])
            for k, arg in enumerate(parts[: len(names)]):
                if arg.lstrip().startswith(b"..."):
                    break  # an unpacked list: positions unknown
                out.setdefault(names[k], []).append(arg)
    return out


_METHOD_BEFORE = tight(rb"->\s*\Z")
_NEW_BEFORE = tight(rb"\bnew\s+\\?(?:[\w\x80-\xff]+\\)*\Z")
_PAREN_AFTER = tight(rb"\s*\(")
_CLASS_HEAD = tight(rb"\bclass\s+(" + NAME_P + rb")")


def _object_openings(ctx: Ctx, name: bytes, before: re.Pattern[bytes]) -> list[int]:
    """The offsets of the "(" of the first 8 calls of ``name`` that ``before`` ends just
    before (``->`` for a method, ``new`` for a class), by a literal search."""
    code = ctx.code
    out: list[int] = []
    at = ctx.first(name)
    while at >= 0 and len(out) < 8:
        end = at + len(name)
        paren = _PAREN_AFTER.match(code, end)
        if (
            paren is not None
            and before.search(code, max(0, at - 60), at) is not None
        ):
            out.append(paren.end() - 1)
        at = find(code, name, end)
    return out


def _object_param_arguments(ctx: Ctx, wanted: set[bytes]) -> dict[bytes, list[bytes]]:
    """What calls through an object pass to the parameters named in ``wanted`` of the
    file's own methods: ``$t->setLine($_POST['q'])`` to ``setLine($line)``, ``new
    Report($_POST['job'])`` to the ``__construct($job)`` of class Report (or to its old
    constructor, a method of the class's own name). Methods are matched by name alone, as
    the taint pass's variables are the file's; at most 24 methods, 8 calls of each; only
    for :func:`request_props` (a controller hands request values to its methods everywhere:
    a property set from them and run as code or a command is what counts)."""
    out: dict[bytes, list[bytes]] = {}
    code = ctx.code
    heads: list[tuple[int, bytes]] | None = None
    for name in list(function_bodies(ctx))[:MAX_PARAM_FUNCTIONS]:
        params = function_params(code, name)
        if params is None:
            continue
        names = [m.group(1) for m in (_PARAM_NAME.match(p) for p in params.group(1).split(b","))
                 if m is not None]  # fmt: skip
        if not wanted.intersection(names):
            continue
        openings = _object_openings(ctx, name, _METHOD_BEFORE)
        if name == b"__construct" and ctx.first(b"new") >= 0:
            if heads is None:
                heads = [(m.start(), m.group(1))
                         for m in itertools.islice(_CLASS_HEAD.finditer(code), 50)]  # fmt: skip
            k = bisect.bisect_right([h[0] for h in heads], params.start()) - 1
            if k >= 0:
                openings += _object_openings(ctx, heads[k][1], _NEW_BEFORE)
        elif ctx.first(b"new") >= 0:
            openings += _object_openings(ctx, name, _NEW_BEFORE)  # an old constructor
        for opening in openings[:8]:
            parts = top_args(code[opening + 1 : opening + 1 + 600])
            for k, arg in enumerate(parts[: len(names)]):
                if arg.lstrip().startswith(b"..."):
                    break  # an unpacked list: positions unknown
                out.setdefault(names[k], []).append(arg)
    return out


# if (!preg_match('/^[0-9+*\/() ]+$/', $v)) exit(...); / if (!in_array($v, $list)) die;
_REFUSED_UNLESS = tight(
    rb"if\s*\(\s*!\s*(?:preg_match\s*\(\s*\x01\d+\x01\s*,|in_array\s*\(|ctype_\w+\s*\()"
    rb"\s*\$(" + NAME_P + rb")\s*[,)][^;{]{0,80}\)\s*\{?\s*(?:exit|die|return|throw)\b"
)


def _refused_unless_matched(code: bytes, var: bytes) -> bool:
    """The file stops (exit, die, return, throw) unless ``$var`` matches a pattern, is in a
    list or is all of one kind of character: a value of the file's own choosing after it."""
    if code.find(b"if") < 0:
        return False
    return any(m.group(1) == var for m in itertools.islice(_REFUSED_UNLESS.finditer(code), 50))


def _request_params(ctx: Ctx, req: set[bytes], direct: set[bytes], raw: set[bytes]) -> None:
    """The parameters that a call of the file's own function hands the request's values as
    they came (:func:`param_arguments`; ``pull($_GET['url'])``, ``send(trim($_POST['to']))``,
    or a variable holding such a value, :data:`_DIRECT_REQ`): inside the function they are
    those values, as a variable assigned one is. Not an argument the script builds around
    the input (``run('git pull ' . $url)``, ``probe('scan ' . $_GET['if'])``: a part of its
    own text, which the rules judge where it is built), nor a variable the file refuses
    unless it matches its own pattern or list (a whitelist), nor a server value."""
    for param in _params_given_request(ctx, param_arguments(ctx), req, direct):
        req.add(param)
        raw.add(param)
        direct.add(param)


def _params_given_request(
    ctx: Ctx, given: dict[bytes, list[bytes]], req: set[bytes], direct: set[bytes]
) -> set[bytes]:
    """The parameters of ``given`` (:func:`param_arguments`) some call hands a request value
    as it came, or a variable holding one (see :func:`_request_params`)."""
    code = ctx.code
    out: set[bytes] = set()
    for param, args in given.items():
        for arg in args:
            if REQ_RE.search(arg) is not None:
                if _DIRECT_REQ.match(arg) is None or _SERVER_ARG.match(arg) is not None:
                    continue
            else:
                bare = VAR.fullmatch(arg.strip())
                if bare is None:
                    continue
                var = bare.group(1)
                if var not in direct or var not in req or _refused_unless_matched(code, var):
                    continue
            out.add(param)
    return out


# an argument that starts with a server value ($_SERVER['HTTP_HOST'], getenv('HOME'))
_SERVER_ARG = tight(rb"[^$]{0,80}\$_(?:server|env)\b|[^$]{0,80}getenv\s*\(")


# ``$GLOBALS['to'] = trim($_POST['to'])``: the global variable $to, set from the request
_GLOBALS_SET = tight(rb"\$globals\s*\[\s*\x01(\d+)\x01\s*\]\s*=(?![=>])([^;]{1,300})")
# ``$to = clean($GLOBALS['to'])``: a value taken from that global
_GLOBALS_GET = tight(
    rb"\$(\w+)\s*=(?![=>])[^;]{0,200}?\$globals\s*\[\s*\x01(\d+)\x01\s*\]"
)
_IDENT = tight(rb"[A-Za-z_\x80-\xff][\w\x80-\xff]*")


def _globals_aliases(ctx: Ctx, req: set[bytes]) -> None:
    """``$GLOBALS['name']`` is the global variable ``$name``: one set from request input
    (or from a tainted variable) is request input, and so is a variable given its value
    (``$GLOBALS['to'] = $_POST['to']; ... $rcpt = $GLOBALS['to'];``)."""
    code = ctx.code
    value = ctx.lx.value
    start = ctx.first(b"$globals")
    names: set[bytes] = set()
    for m in itertools.islice(_GLOBALS_SET.finditer(code, start), 50):
        rhs = m.group(2)
        if REQ_RE.search(rhs) is None and not req.intersection(VAR.findall(rhs)):
            continue
        name = value(int(m.group(1))).strip().lower()
        if _IDENT.fullmatch(name):
            names.add(name)
    if not names:
        return
    req |= names
    for m in itertools.islice(_GLOBALS_GET.finditer(code, start), 100):
        if value(int(m.group(2))).strip().lower() in names:
            req.add(m.group(1))


# an array written with request values as they came among its items, or made by
# array_combine() of such a list: $job = ['f' => $_REQUEST['f'], 'a' => $_REQUEST['a']] (its
# elements are the request's values, as compact()'s are)
_ARRAY_OF_REQUEST = tight(
    rb"[\s@(]*(?:array\s*\(|\[|array_combine\s*\([^;]{0,200}?,\s*(?:array\s*\(|\[))"
    rb"(?:[^;]{0,300}?(?:=>|,)|)\s*\$_(?:get|post|request|cookie)\s*\[[^\]\[;]{1,60}\]\s*[,)\]]"
)

# a closure or arrow function's parameter list, at the start of a callback argument
_CALLBACK_HEAD = tight(rb"[\s@]*(?:static\s+)?(?:fn|function)\s*&?\s*\(([^)]{0,300})\)")
_MAPPING_CALLS = (b"array_map", b"array_filter")


def _mapped_params(ctx: Ctx, req: set[bytes]) -> set[bytes]:
    """The parameters of a closure or arrow function that ``array_map`` / ``array_filter``
    hand the items of request input, or of a list split from it (``array_map(fn ($to) =>
    mail($to, ...), explode(',', $_POST['to']))``): each item, as ``foreach`` gives it."""
    code = ctx.code
    out: set[bytes] = set()
    for start, _args in calls_to(ctx, _MAPPING_CALLS, 20):
        opening = find(code, b"(", start)
        parts = top_args(code[opening + 1 : opening + 1 + 4000])
        if len(parts) < 2:
            continue
        cb_at = 0 if code.startswith(b"array_map", start) else 1
        head = _CALLBACK_HEAD.match(parts[cb_at])
        if head is None:
            continue
        data = b" ".join(p for k, p in enumerate(parts) if k != cb_at)
        if REQ_RE.search(data) is None and not set(_DATA_VAR.findall(data)[:8]) & req:
            continue
        first = _DATA_VAR.search(head.group(1))
        if first is not None:
            out.add(first.group(1))  # the item (array_filter's key, if asked, is not one)
    return out


_DATA_VAR = tight(rb"\$(" + NAME_P + rb")")


# $job = compact('f', 'a');
_COMPACT = tight(rb"\$([\w\x80-\xff]+)\s*=\s*compact\s*\(([^;)]{1,400})\)")

# $obj->name = <value>;
_PROP_SET = tight(rb"\$[\w\x80-\xff]+\s*->\s*([\w\x80-\xff]+)\s*=(?![=>])\s*([^;]{1,200});")


def request_props(ctx: Ctx) -> frozenset[bytes]:
    """Names of object properties the file sets to request input (``$b->shell =
    $_REQUEST['shell']``, or a variable holding it): a method that runs ``$this->shell``
    runs what the visitor sent."""
    cached = ctx.cache.get("request-props")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    names: set[bytes] = set()
    if ctx.first(b"->") >= 0 and has_any(ctx, SOURCES[:12]):
        req = taint(ctx)[0]
        pending: dict[bytes, set[bytes]] = {}  # property -> the variables of its value
        for m in itertools.islice(_PROP_SET.finditer(ctx.code), 200):
            rhs = m.group(2)
            held = set(VAR.findall(rhs))
            if REQ_RE.search(rhs) or held & req:
                names.add(m.group(1))
            elif held:
                pending.setdefault(m.group(1), set()).update(held)
        wanted = set().union(*pending.values()) if pending else set()
        if wanted and has_word(ctx, b"class") and has_word(ctx, b"function"):
            # a constructor's or setter's parameter given request input through an object
            # (new Report($_POST['job']); $this->job = $job)
            given = _params_given_request(
                ctx, _object_param_arguments(ctx, wanted), req, ctx.cache["direct"]
            )
            names.update(p for p, held in pending.items() if held & given)
    found = frozenset(names)
    ctx.cache["request-props"] = found
    return found


def url_encoded(ctx: Ctx) -> set[bytes]:
    """Request-tainted variables (:func:`taint`) that only ever get the input percent-encoded
    (``$url .= urlencode($_POST['user'])``): glued into a shell command they add no
    command of their own (a deploy hook putting posted credentials into a git URL)."""
    taint(ctx)
    encoded, raw = ctx.cache["url-encoded"]  # type: ignore[misc]
    return encoded - raw  # type: ignore[no-any-return]


_LITERAL_FIRST = tight(rb"\s*\(?\s*\x01\d+\x01\s*\.")


def encoded_argument(ctx: Ctx, args: bytes) -> bool:
    """Whether a command's text (a call's arguments) takes request input only percent-encoded
    and after a literal command (``"git pull " . $url``, ``$url`` from :func:`url_encoded`):
    an argument of the command, never the command itself."""
    if REQ_RE.search(args) or _LITERAL_FIRST.match(args) is None:
        return False
    names = set(VAR.findall(args)[:6]) & taint(ctx)[0]
    return bool(names) and names <= url_encoded(ctx)


_SERVER_HEADER = tight(rb"(?:\$_server\s*\[|getenv\s*\()\s*\x01(\d+)\x01\s*[\])]")


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


# --- who sets a $_SERVER / $_ENV / getenv() value ---------------------------------------
#
# The server or the account sets these: a command built from the document root or the home
# folder runs no visitor's words (a backup cron's mysqldump into getenv('DOCUMENT_ROOT') .
# '/backups'). Every other key is the request's: the HTTP_* headers, QUERY_STRING,
# REQUEST_URI, PATH_INFO, PHP_SELF, argv, the host names the client sends, the client's own
# address and port (findsock hands a shell to the connection REMOTE_ADDR/REMOTE_PORT name),
# and any name this list does not know.
SERVER_SET_KEYS = frozenset(
    b"document_root context_document_root script_filename server_addr server_port "
    b"server_software server_admin request_time request_time_float "
    b"gateway_interface home path user pwd tmpdir tmp temp shell lang".split()
)
# getenv('KEY'), and the array of $_SERVER['KEY'] / $_ENV['KEY'] (the part a pattern for
# request input matches: {REQ} of the rules)
_SERVER_READ = tight(
    rb"getenv\s*\(\s*\x01(\d+)\x01\s*\)|\$_(?:server|env)(?=\s*\[\s*\x01(\d+)\x01\s*\])"
)


def server_set_key(ctx: Ctx, idx: int) -> bool:
    """The literal ``idx`` names a $_SERVER/$_ENV/getenv() value the server or the account
    sets (:data:`SERVER_SET_KEYS`), not the client."""
    return idx < len(ctx.lx.raw_strings) and ctx.lx.value(idx).strip().lower() in SERVER_SET_KEYS


# getenv('HTTP_X_F') at the start of an expression: what the server passes to PHP
_GETENV_AT = tight(rb"[\s@]*getenv\s*\(\s*\x01(\d+)\x01\s*\)")


def getenv_header(ctx: Ctx, expr: bytes) -> bool:
    """``expr`` starts with ``getenv('HTTP_…')``: a request header the client sends."""
    m = _GETENV_AT.match(expr)
    return m is not None and ctx.lx.value(int(m.group(1))).strip().upper().startswith(b"HTTP_")


@per_file("server-set-masked")
def server_set_masked(ctx: Ctx) -> bytes:
    """The code with each read of a value the server sets (``getenv('DOCUMENT_ROOT')``, the
    ``$_server`` of ``$_server['home']``) overwritten by "#" bytes, offsets kept: a pattern
    for request input ({REQ}) run over it finds only what the client can set."""
    code = ctx.code
    files = ctx.first(b"$_files") >= 0
    if (
        ctx.first(b"getenv") < 0
        and ctx.first(b"$_server") < 0
        and ctx.first(b"$_env") < 0
        and not files
    ):
        return code
    masked: bytearray | None = None
    for m in _SERVER_READ.finditer(code):
        key = m.group(1) if m.group(1) is not None else m.group(2)
        if server_set_key(ctx, int(key)):
            if masked is None:
                masked = bytearray(code)
            masked[m.start() : m.end()] = b"#" * (m.end() - m.start())
    if files:  # the path PHP gave an upload ($_FILES['f']['tmp_name']), its size, its error
        for m in itertools.islice(_UPLOAD_OWN.finditer(code), 50):
            if ctx.lx.value(int(m.group(1))).lower() in (b"tmp_name", b"size", b"error"):
                if masked is None:
                    masked = bytearray(code)
                masked[m.start() : m.start() + 7] = b"#" * 7
    return code if masked is None else bytes(masked)


# $_FILES['f']['key'] (group 1: the second key's literal)
_UPLOAD_OWN = tight(rb"\$_files\s*\[[^\]\[;]{1,60}\]\s*\[\s*\x01(\d+)\x01\s*\]")


def _custom_header(ctx: Ctx, rhs: bytes) -> bool:
    """``rhs`` reads ``$_SERVER['HTTP_…']`` of a request header that is not a common one, or
    the query string or path the client sent."""
    m = _SERVER_HEADER.search(rhs)
    if m is None or int(m.group(1)) >= len(ctx.lx.raw_strings):
        return False
    key = ctx.lx.value(int(m.group(1))).lower()
    if key in _CLIENT_KEYS:
        return True
    return key.startswith(b"http_") and not key.startswith(_COMMON_HEADERS)


def posted(ctx: Ctx, expr: bytes) -> bool:
    """``expr`` is request input as it is (or decoded), or a variable holding it so."""
    if _DIRECT_REQ.match(expr):
        return True
    v = VAR.fullmatch(expr.strip().lstrip(b"@"))
    if v is None:
        return False
    taint(ctx)
    return v.group(1) in ctx.cache["direct"]


# --- addresses checked with filter_var(..., FILTER_VALIDATE_EMAIL) -------------------------
#
# A mail header takes request input safely when it is an address PHP validated (or
# sanitized) as one: neither filter lets a CR or LF through, so no header can be injected,
# and a contact form puts the visitor's address in Reply-To: by design.

_EMAIL_FILTER_CALL = tight(rb"(?<![\w$>:])filter_(var|input)\s*\(")
_EMAIL_FILTER_NAME = tight(rb"\s*\\?filter_(?:validate|sanitize)_email\s*")
_INPUT_TYPE = tight(rb"\s*\\?input_(get|post|request|cookie)\s*")
#: an if (or else if) and its opening parenthesis
IF_AT = tight(rb"(?<![\w$>:])(?:else\s*)?if\s*\(")
#: a statement that ends the code path: a gate whose body holds one stops the request there
STOP_WORDS = tight(rb"(?<![\w$>:])(?:die|exit|return|throw)\b")
_FALSE_CMP = tight(rb"^\s*(?:===?\s*false\b)|(?:\bfalse\s*===?\s*)$")
_ASSIGN_OR_APPEND = tight(rb"\s*\.?=(?![=>])([^;]{0,300})")
_GATE_ASSIGN = tight(rb"\$(" + NAME_P + rb")\s*=(?![=>])\s*@?\s*")


def _norm(ctx: Ctx, expr: bytes) -> bytes:
    """An expression's text with its literals written out and its quotes and spaces gone:
    ``$_POST[ 'email' ]`` in one place and ``{$_POST["email"]}`` in a string are one."""
    text = PLACEHOLDER.sub(lambda m: ctx.lx.value(int(m.group(1))), expr.lower())
    return re.sub(rb"[\s'\"{}]+", b"", text)


def _email_filters(ctx: Ctx, text: bytes) -> list[tuple[int, int, bytes]]:
    """(start, end, what was checked) of each ``filter_var(X, FILTER_VALIDATE_EMAIL)`` or
    ``FILTER_SANITIZE_EMAIL`` call in ``text`` (a call with other flags or options is not),
    and of each ``filter_input(INPUT_POST, 'name', ...)`` with one of these filters (what it
    checked: ``$_POST['name']``)."""
    out: list[tuple[int, int, bytes]] = []
    for m in itertools.islice(_EMAIL_FILTER_CALL.finditer(text), 50):
        body = text[m.end() : m.end() + 600]
        close = close_paren(body)
        parts = top_args(body[:close])
        if m.group(1) == b"var":
            if len(parts) == 2 and _EMAIL_FILTER_NAME.fullmatch(parts[1]):
                out.append((m.start(), m.end() + close + 1, _norm(ctx, parts[0])))
            continue
        source = _INPUT_TYPE.fullmatch(parts[0]) if len(parts) == 3 else None
        if source is not None and _EMAIL_FILTER_NAME.fullmatch(parts[2]):
            checked = b"$_" + source.group(1) + b"[" + _norm(ctx, parts[1]) + b"]"
            out.append((m.start(), m.end() + close + 1, checked))
    return out


def _stops(block: bytes) -> bool:
    """``block`` (a {...} body, or the one statement of an if without braces) ends the
    script or the function whatever else happens: die, exit, return or throw at its own
    level, not inside a nested block."""
    depth = 0
    flat = bytearray()
    for ch in block:
        if ch == 123:
            depth += 1
        elif ch == 125:
            depth -= 1
        elif depth == 0:
            flat.append(ch)
    return STOP_WORDS.search(bytes(flat)) is not None


@per_file("email-checked")
def _email_checked(ctx: Ctx) -> tuple[set[bytes], list[tuple[int, int, bytes]]]:
    """What the script holds as a checked address: the variables assigned a filtered
    address (``$email = filter_var($_POST['email'], FILTER_VALIDATE_EMAIL)``), and (from,
    to, expression) where an expression was validated: after ``if
    (!filter_var($_POST['email'], FILTER_VALIDATE_EMAIL)) { exit; }`` (alone or joined by
    ``||`` in the condition, the body stops the script) to the end of the file, inside
    ``if (filter_var($email, FILTER_VALIDATE_EMAIL)) { ... }``."""
    code = ctx.code
    held: set[bytes] = set()
    spans: list[tuple[int, int, bytes]] = []
    if (find(code, b"filter_var") < 0 and find(code, b"filter_input") < 0) or find(
        code, b"_email"
    ) < 0:
        return held, spans
    for start, end, _checked in _email_filters(ctx, code):
        lead = code[_statement_start(code, start) + 1 : start].strip()
        m = _GATE_ASSIGN.fullmatch(lead)
        if m is not None and code[end : end + 40].lstrip()[:1] == b";":
            held.add(m.group(1))
    for name in sorted(held):  # every value the variable is given must be a checked one
        for _at, am in var_assigns(code, name, _ASSIGN_OR_APPEND, 10):
            rhs = am.group(1).strip().lstrip(b"@").strip()
            whole = _email_filters(ctx, rhs)
            if not (whole and whole[0][0] == 0 and whole[0][1] == len(rhs)):
                held.discard(name)
                break
    for m in itertools.islice(IF_AT.finditer(code), 2000):
        if find(code, b"filter_", m.end(), m.end() + 600) < 0:
            continue
        cond_len = close_paren(code[m.end() : m.end() + 600])
        cond = code[m.end() : m.end() + cond_len]
        if cond.find(b"filter_var") < 0 and cond.find(b"filter_input") < 0:
            continue
        after = m.end() + cond_len + 1
        rest = code[after : after + 3000].lstrip()
        at = after + len(code[after : after + 3000]) - len(rest)
        if rest[:1] == b"{":
            body_end = at + 1 + close_paren(code[at + 1 : at + 3000], 123, 125)
            body = code[at + 1 : body_end]
        else:
            body_end = find(code, b";", at)
            body_end = len(code) if body_end < 0 else body_end
            body = code[at:body_end]
        anded = re.search(rb"&&|\band\b", cond) is not None
        ored = re.search(rb"\|\||\bor\b", cond) is not None
        for fstart, fend, checked in _email_filters(ctx, cond):
            if cond.find(b"validate_email", fstart, fend) < 0:
                continue  # a sanitized copy is not what the test lets through: no gate
            negated = cond[:fstart].rstrip().endswith(b"!") or (
                _FALSE_CMP.search(cond[fend:]) is not None
                or _FALSE_CMP.search(cond[:fstart]) is not None
            )
            if negated and not anded and _stops(body):
                spans.append((body_end, len(code), checked))
            elif negated and not anded:  # if (!valid) { $error = ...; } else { mail(...); }
                other = code[body_end + 1 : body_end + 200].lstrip()
                if other.startswith(b"else") and other[4:].lstrip()[:1] == b"{":
                    at2 = find(code, b"{", body_end + 1)
                    end2 = at2 + 1 + close_paren(code[at2 + 1 : at2 + 3000], 123, 125)
                    spans.append((at2, end2, checked))
                else:  # if (!valid) { $errors[] = ...; } ... if (empty($errors)) { mail(...); }
                    spans.extend(_sent_without_errors(code, body, body_end, checked))
            elif not negated and not ored:
                spans.append((at, body_end, checked))
    return held, spans


_ERROR_ADDED = tight(rb"\$(" + NAME_P + rb")\s*\[\s*\]\s*=(?!=)")


def _sent_without_errors(
    code: bytes, body: bytes, body_end: int, checked: bytes
) -> list[tuple[int, int, bytes]]:
    """Where a failed check's error (``$errors[] = ...`` in ``body``) is known to be absent:
    the blocks of ``if (empty($errors))``, ``if (!$errors)`` or ``if (count($errors) == 0)``
    after the check (a form that gathers its errors, then sends only without any)."""
    found = _ERROR_ADDED.search(body)
    if found is None:
        return []
    name = re.escape(found.group(1))
    none_left = re.compile(
        rb"(?<![\w$>:])if\s*\(\s*(?:empty\s*\(\s*\$" + name + rb"\s*\)|!\s*\$" + name
        + rb"(?!\w|\s*\[)|(?:count|sizeof)\s*\(\s*\$" + name + rb"\s*\)\s*===?\s*0)\s*\)\s*\{"
    )  # fmt: skip
    out: list[tuple[int, int, bytes]] = []
    for m in itertools.islice(none_left.finditer(code, body_end), 5):
        at = m.end() - 1
        end = at + 1 + close_paren(code[at + 1 : at + 3000], 123, 125)
        out.append((at, end, checked))
    return out


def _checked_at(ctx: Ctx, expr: bytes, pos: int) -> bool:
    """Whether ``expr`` (a variable or a request element) is a checked address at ``pos``."""
    held, spans = _email_checked(ctx)
    norm = _norm(ctx, expr)
    var = VAR.fullmatch(norm)
    if var is not None and var.group(1) in held:
        return True
    for lo, hi, checked in spans:
        if lo <= pos < hi and norm == checked:
            if var is None:
                return True
            # a variable given another value between the check and here is not the checked one
            sites = var_assigns(ctx.code, var.group(1), _ASSIGN_OR_APPEND, 20)
            if not any(lo <= at < pos for at, _ in sites):
                return True
    return False


_REQ_ELEMENT = tight(rb"\$_(?:get|post|request|cookie)\s*\[[^\]\[;]{1,60}\]")


def email_safe(ctx: Ctx, text: bytes, pos: int, depth: int = 1) -> bool:
    """Whether every request value in ``text`` (code at ``pos``, or a header string built
    there) is a checked address: inside a ``filter_var(..., FILTER_VALIDATE_EMAIL)`` call,
    a request element or a variable validated before ``pos`` (:func:`_checked_at`), or a
    variable each of whose assignments is such (``depth`` levels: ``$headers .=
    "Reply-To: $email"``). False in a file that checks no address at all."""
    held, spans = _email_checked(ctx)
    if find(text, b"filter_var") < 0 and find(text, b"filter_input") < 0 and not (held or spans):
        return False
    filtered = _email_filters(ctx, text)

    def inside(i: int) -> bool:
        return any(lo <= i < hi for lo, hi, _ in filtered)

    for m in itertools.islice(REQ_RE.finditer(text), 20):
        if inside(m.start()) or text.startswith((b"$_server", b"$_env"), m.start()):
            continue
        el = _REQ_ELEMENT.match(text, m.start())
        if el is None or not _checked_at(ctx, el.group(), pos):
            return False
    req = taint(ctx)[0]
    for m in itertools.islice(VAR.finditer(text), 40):
        name = m.group(1)
        if name not in req or inside(m.start()) or _checked_at(ctx, m.group(), pos):
            continue
        if depth <= 0:
            return False
        sites = _assigns_of(ctx, name)
        if not sites or not all(email_safe(ctx, rhs, at, depth - 1) for at, rhs in sites):
            return False
    return True


def _assigns_of(ctx: Ctx, name: bytes) -> list[tuple[int, bytes]]:
    """(offset, right-hand side with its double-quoted strings written out, its
    single-quoted ones kept: a request element's key) of ``$name = ...`` and ``$name .=
    ...``."""
    found = var_assigns(ctx.code, name, _ASSIGN_OR_APPEND, 10)
    return [(at, interpolated(ctx, m.group(1), keep_plain=True)) for at, m in found]
