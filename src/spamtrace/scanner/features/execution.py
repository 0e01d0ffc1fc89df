"""Rules about code execution: eval/assert/include/variable functions/callbacks/``preg_replace
/e`` given decoded data, request input, or variables that hold them.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from spamtrace.scanner import fold
from spamtrace.scanner.cmdline import hole_program
from spamtrace.scanner.context import (
    ASSIGNED_ANY_PARTS,
    BUILT_VARCALL,
    CB_FIRST,
    CB_LAST,
    CB_SECOND,
    EVAL_NAMES_B,
    EXEC_NAMES_B,
    FILE_OP_NAMES_B,
    INCLUDE_LIT,
    INCLUDE_VAR,
    KEEP,
    NAME_BYTES,
    NAME_P,
    PLACEHOLDER,
    SINK_NAMES,
    TAIL_LITERAL,
    TAIL_RHS,
    UIN_RE,
    VAR,
    Ctx,
    Hit,
    any_varcall_at,
    assertion_rx,
    bounded_finditer,
    braced,
    calls_to,
    checked_value,
    close_paren,
    excerpt,
    expression,
    feature,
    first_arg,
    first_varcall,
    function_bodies,
    function_body,
    function_params,
    has_any,
    has_request_words,
    has_word,
    interpolated,
    leading_words,
    literals_holding,
    paren_calls,
    per_file,
    prefiltered_finditer,
    prefiltered_search,
    search_named,
    site_session_gated,
    split_top,
    string_at,
    string_hit,
    string_text,
    top_args,
    var_assigns,
    var_mentions,
    varcalls,
    words_finditer,
)
from spamtrace.scanner.lexer import find
from spamtrace.scanner.rules import Rule
from spamtrace.scanner.rx import compile_possessive, tight
from spamtrace.scanner.taint import (
    REQ,
    REQ_RE,
    STOP_WORDS,
    assignment_before,
    constant_literal,
    decoder_functions,
    email_safe,
    encoded_argument,
    fetched_url_in,
    getenv_header,
    posted,
    request_props,
    returned_call_in,
    returned_from,
    returned_kinds,
    returned_taint,
    shell_quote_called,
    shell_quoted_removed,
    taint,
)

# names that are dangerous enough to matter when merely *built*; "mail", "fopen" etc. are
# only counted when assembled from several pieces (see _built_names).
_EXEC_NAMES = frozenset(
    {
        "eval", "assert", "system", "exec", "shell_exec", "passthru", "popen", "proc_open",
        "pcntl_exec", "create_function", "base64_decode", "gzinflate", "gzuncompress",
        "str_rot13", "preg_replace", "call_user_func", "call_user_func_array",
    }
)  # fmt: skip


_EXTRACT_REQ = tight(rb"extract\s*\(\s*" + REQ)
# parse_str() of request input without a result array: the fields become variables too
_PARSE_STR_REQ = tight(
    rb"(?<![\w$>:])(?:mb_)?parse_str\s*\(\s*" + REQ + rb"[^,;]{0,80}?\)\s*;"
)
_EXTRACT_VAR = tight(rb"(?<![\w$>:])extract\s*\(\s*@?\s*\$(" + NAME_P + rb")\s*[,)]")
# parse_str() of a variable, without a result array: ``$q = http_build_query($_POST);
# parse_str($q);`` makes the posted fields variables as parse_str($_POST[...]) does
_PARSE_STR_VAR = tight(
    rb"(?<![\w$>:])(?:mb_)?parse_str\s*\(\s*@?\s*\$(" + NAME_P + rb")\s*\)\s*;"
)
# the same by hand: foreach ($_REQUEST as $k => $v) { $$k = $v; } (register_globals emulated)
_VARVAR_FROM_REQ = tight(
    rb"foreach\s*\(\s*" + REQ + rb"\s+as\s+\$(" + NAME_P + rb")\s*=>\s*\$" + NAME_P
    + rb"\s*\)\s*\{?\s*(?:\$\$|\$\{\s*\$)(" + NAME_P + rb")\b"
)


def parse_str_request_var(ctx: Ctx) -> re.Match[bytes] | None:
    """The first parse_str() without a result array of a variable that holds request input
    (re-encoded, trimmed or copied: :func:`taint`): every posted field becomes a variable
    of its name, as with parse_str($_SERVER['QUERY_STRING'])."""
    if not has_word(ctx, b"parse_str"):
        return None
    found = prefiltered_finditer(_PARSE_STR_VAR, ctx.code, ctx.first)
    calls = list(itertools.islice(found, 20))
    if not calls:
        return None
    req, _dec = taint(ctx)
    for m in calls:
        if m.group(1) in req:
            return m
    return None


@feature("parse_str_request_var")
def _parse_str_request_var(ctx: Ctx, rule: Rule) -> Hit | None:
    m = parse_str_request_var(ctx)
    if m is None:
        return None
    return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))


def _request_extracted(ctx: Ctx) -> bool:
    """Whether the file turns request fields into variables of their names: extract() of
    the request, parse_str() of it without a result array, or a loop that does it
    (``foreach ($_POST as $k => $v) { $$k = $v; }``): any variable it never sets may then hold
    what the visitor sends."""
    code = ctx.code
    if has_word(ctx, b"parse_str") and (
        prefiltered_search(_PARSE_STR_REQ, code, ctx.first) is not None
        or parse_str_request_var(ctx) is not None
    ):
        return True
    if has_word(ctx, b"extract"):
        if _EXTRACT_REQ.search(code) is not None:
            return True
        # extract() of a variable that holds the request array as it is ($c = $_GET)
        found = prefiltered_finditer(_EXTRACT_VAR, code, ctx.first)
        held = [m.group(1) for m in itertools.islice(found, 20)]
        if held:
            taint(ctx)
            if set(held) & ctx.cache["direct"]:
                return True
    if not (has_word(ctx, b"$$") or has_word(ctx, b"${")) or ctx.first(b"foreach") < 0:
        return False
    loops = itertools.islice(_VARVAR_FROM_REQ.finditer(code), 20)
    return any(m.group(1) == m.group(2) for m in loops)


_ASSIGNED_OWN_TPL = (
    rb"as\s*(?:\$\w+\s*=>\s*)?&?\$%s\b|"
    rb"function[^{;]{0,600}\$%s\b|global\s[^;]{0,200}\$%s\b|list\s*\([^)]{0,200}\$%s\b|"
    rb"&\s*\$%s\b|(?:static|var|public|private|protected)\s[^;]{0,200}\$%s\b|use\s*\([^)]*\$%s\b|"
    rb"fn\s*\([^)]{0,200}\$%s\b|catch\s*\([^)]{0,200}\$%s\b|"
    rb"(?<![\w$>:])(?:preg_match(?:_all)?|exec|getopt|sscanf|openssl_\w+)\s*\([^;,]{0,300},"
    rb"[^;]{0,300}\$%s\b|"
    # a prepared statement's result columns bound to variables by reference (mysqli
    # bind_result, PDO bindColumn): every argument is filled by the fetch
    rb"(?:->\s*(?:bind_result|bindcolumn)|(?<![\w$>:])mysqli_stmt_bind_result)\s*\([^;]{0,300}\$%s\b|"
    rb"\[[^\]]{0,200}\$%s\b[^\]]{0,200}\]\s*=(?![=>])"
)
# the variable-independent alternatives (ASSIGNED_ANY_PARTS): a variable variable, extract(),
# parse_str() or an included file may set any variable
_ASSIGNED_TPL = (
    _ASSIGNED_OWN_TPL + rb"|\$\{\s*\x01|\$\$|extract\s*\(|parse_str\s*\(|import_request_variables|"
    rb"(?:include|require)(?:_once)?\b"
)


# _ASSIGNED_TPL for any variable, compiled once: searched in b"<var>\x00" + code, the name
# captured at the start is matched by back-reference (one regex instead of one per variable)
_ASSIGNED_VAR = compile_possessive(
    rb"\A([^\x00]++)\x00.*?(?:" + _ASSIGNED_TPL % ((rb"(?:\1)",) * 12) + rb")", re.DOTALL
)
# the variable's own assignments only (_ASSIGNED_OWN_TPL): for a file that makes the request's
# fields into variables, where what it does not set itself is what the visitor sent
_ASSIGNED_OWN_VAR = compile_possessive(
    rb"\A([^\x00]++)\x00.*?(?:" + _ASSIGNED_OWN_TPL % ((rb"(?:\1)",) * 12) + rb")", re.DOTALL
)


_EMPTY_GUARD = tight(
    rb"if\s*\(\s*(?:!\s*isset\s*\(\s*\$(\w+)\s*\)|empty\s*\(\s*\$(\w+)\s*\)|!\s*\$(\w+)\s*|"
    rb"\$(\w+)\s*===?\s*\x01(\d+)\x01\s*|strlen\s*\(\s*\$(\w+)\s*\)\s*===?\s*0\s*)\)\s*\{?\s*$"
)


_ASSIGN_TAIL = compile_possessive(rb"\s*+(?:\[[^\]\n]{0,60}\]\s*)*(?:[.+\-*/|&^]|\?\?)?=(?![=>])")


def _mentions(buf: bytes, needle: bytes) -> bool:
    """``buf`` contains the variable ``needle`` ("$name") as a whole name."""
    return next(var_mentions(buf, needle[1:]), None) is not None


def _really_assigned(ctx: Ctx, var: bytes) -> bool:
    """Whether ``$var`` gets a value of its own somewhere: an assignment that is neither a
    default filled in only when the variable is empty (``if ($cmd == "") $cmd = 'ls';``, the
    register_globals idiom) nor a rewrite of itself (``$cmd = trim($cmd);``)."""
    code = ctx.code
    needle = b"$" + var
    for pos in var_mentions(code, var, 200):
        m = _ASSIGN_TAIL.match(code, pos + len(needle))
        if m is not None:
            rhs = expression(code[m.end() : m.end() + 300])
            g = _EMPTY_GUARD.search(code, max(0, pos - 120), pos)
            guarded = g is not None and (
                next(x for x in (g.group(1), g.group(2), g.group(3), g.group(4), g.group(6)) if x)
                == var
                and (g.group(5) is None or ctx.lx.value(int(g.group(5))) == b"")
            )
            if not guarded and not _mentions(rhs, needle):
                return True
    return code.count(needle, 0) >= 200  # 200 occurrences looked at: taken as assigned


@feature("exec_unassigned")
def _exec_unassigned(ctx: Ctx, rule: Rule) -> Hit | None:
    """A shell command (or eval) run from a variable the file never assigns: it comes from
    register_globals / extract() of the request (old-style web shells). A file that includes
    another, or sets variables in other ways (by reference, destructuring, arrow functions,
    preg_match/exec out-parameters) is given the benefit of the doubt."""
    sinks = rule.params.get("sinks")
    names = (
        EVAL_NAMES_B[:2]
        if sinks == "eval"
        else FILE_OP_NAMES_B
        if sinks == "files"
        else EXEC_NAMES_B
    )
    calls = _eval_calls(ctx, names, 50) if sinks == "eval" else calls_to(ctx, names, 50)
    if not calls:
        return None
    # the variable-independent alternatives of _ASSIGNED_TPL: when one of them occurs, every
    # variable counts as assigned and nothing can fire (one scan per file, not per variable);
    # unless it is the request's fields made into variables (extract($_POST), $$k = $v) and
    # nothing is included: a variable the file does not set itself is then the visitor's
    assigned_rx = _ASSIGNED_VAR
    if _assigned_any(ctx):
        if not _request_filled(ctx):
            return None
        assigned_rx = _ASSIGNED_OWN_VAR
    memo: dict[bytes, bool] = ctx.cache.setdefault("unassigned", {})
    for start, raw_args in calls:
        first = first_arg(raw_args)
        if first is raw_args and len(raw_args) >= _CALL_ARGS_MAX:
            first = first.rstrip(_NAME_CHARS)  # cut off at the limit: the last name may be cut
        args = interpolated(ctx, first)
        if shell_quote_called(args):  # PHP's own quoting, not my_escapeshellarg()
            continue
        if sinks not in ("eval", "files") and hole_program(ctx, start, first) is not None:
            continue  # a fixed program run blind, the unset value among its arguments
        for var in sorted(set(VAR.findall(args))):
            if var in (b"this", b"globals") or var.startswith(b"_"):
                continue
            if _keyed_only(args, var):
                continue  # $CONFIG['db']['host']: an application's settings array
            if _unassigned(ctx, var, assigned_rx, memo) or (
                sinks != "files" and _fed_by_unassigned(ctx, var, assigned_rx, memo)
            ):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# what may wrap a value without changing what it runs: trimmed, unescaped, decoded
_PASS_WRAPPERS = tight(KEEP + rb"\s*\(")


def _fed_by_unassigned(
    ctx: Ctx, var: bytes, assigned_rx: re.Pattern[bytes], memo: dict[bytes, bool]
) -> bool:
    """Every value the file gives ``$var`` is another variable it never sets, as it came or
    trimmed, unescaped or decoded, with literals around it (``$code = trim($p1);``, ``$code =
    "<?php {$code} ?>";``): the register_globals input, one copy away from the sink."""
    sets = var_assigns(ctx.code, var, TAIL_RHS, 6)
    if not sets:
        return False
    fed = False
    for _, am in sets:
        rhs = am.group(1)
        if b"->" in rhs or b"::" in rhs:
            return False  # a property or a method's result: no bare input
        bare = _PASS_WRAPPERS.sub(b"", rhs)
        if re.search(rb"[\w\x80-\xff]\s*\(", bare) or b"[" in bare:
            return False  # another call, or an element: a value of the file's own making
        others = set(VAR.findall(rhs)) - {var}
        for other in others:
            if other in (b"this", b"globals") or other.startswith(b"_"):
                return False
            if not _unassigned(ctx, other, assigned_rx, memo):
                return False
            fed = True
    return fed


def _unassigned(
    ctx: Ctx, var: bytes, assigned_rx: re.Pattern[bytes], memo: dict[bytes, bool]
) -> bool:
    """Whether the file never sets ``$var`` (``assigned_rx``: _ASSIGNED_VAR or, where the
    request's fields are made into variables, _ASSIGNED_OWN_VAR), remembered in ``memo``."""
    unassigned = memo.get(var)
    if unassigned is None:
        # every variable-specific alternative of _ASSIGNED_TPL holds "$var" (and the others
        # are known absent): without it in the code, no need to build the regex
        code = ctx.code
        unassigned = not _really_assigned(ctx, var) and (
            find(code, b"$" + var) < 0 or assigned_rx.match(var + b"\x00" + code) is None
        )
        memo[var] = unassigned
    return unassigned


def _keyed_only(args: bytes, var: bytes) -> bool:
    """Every use of ``$var`` in ``args`` reads an element of a settings array by literal keys:
    the array named as one (``$config['db']``, ``$settings``, ``$cfg``) or read two levels
    deep (``$CONFIG['db'][0]['host']``): the settings of the application that includes this
    script (a cron job, a template). Register_globals fills plain variables (``$cmd``) or a
    flat array of the query (``$REQUEST['cmd']``)."""
    named = _SETTINGS_NAME.search(var) is not None
    uses = 0
    n = len(var) + 1
    for at in var_mentions(args, var):
        key = _LITERAL_KEY.match(args, at + n)
        if key is None or not (named or _LITERAL_KEY.match(args, key.end())):
            return False
        uses += 1
    return uses > 0


# a literal key: its placeholder, or the blank that interpolated() leaves of a literal
_LITERAL_KEY = tight(rb"\s*\[(?:\s*\x01\d+\x01\s*|\s+|\s*\d+\s*)\]")
_SETTINGS_NAME = tight(rb"conf|cfg|setting|option|prefs")


@per_file("assigned-any")
def _assigned_any(ctx: Ctx) -> bool:
    """Whether one of the variable-independent alternatives of _ASSIGNED_TPL occurs."""
    code = ctx.code
    return any(has_word(ctx, w) and rx.search(code) is not None for w, rx in ASSIGNED_ANY_PARTS)


# the alternatives of ASSIGNED_ANY_PARTS that bring in code that may set variables
_INCLUDING = frozenset({b"include", b"require", b"import_request_variables"})


@per_file("request-filled")
def _request_filled(ctx: Ctx) -> bool:
    """The file makes the request's fields into variables (:func:`_request_extracted`) and
    includes no other file: a variable it never sets itself holds what the visitor sent."""
    code = ctx.code
    if any(
        w in _INCLUDING and has_word(ctx, w) and rx.search(code) is not None
        for w, rx in ASSIGNED_ANY_PARTS
    ):
        return False
    return _request_extracted(ctx)


def never_set(ctx: Ctx, names: Iterable[bytes]) -> set[bytes]:
    """Of the variables ``names``, those the file never sets (as :func:`_exec_unassigned`
    judges it: none when the file may set variables in ways not followed, such as an
    include, unless it makes the request's fields into variables)."""
    if _assigned_any(ctx) and not _request_filled(ctx):
        return set()
    assigned_rx = _ASSIGNED_OWN_VAR if _assigned_any(ctx) else _ASSIGNED_VAR
    memo: dict[bytes, bool] = ctx.cache.setdefault("unassigned", {})
    return {
        var
        for var in names
        if var not in (b"this", b"globals")
        and not var.startswith(b"_")
        and _unassigned(ctx, var, assigned_rx, memo)
    }


def visitor_filled(ctx: Ctx, names: Iterable[bytes]) -> set[bytes]:
    """Of the variables ``names``, those a file that makes the request's fields into variables
    (:func:`_request_filled`: ``extract($_REQUEST)``, no included file) never sets itself:
    they hold what the visitor sent, under the field's own name."""
    if not _request_filled(ctx):
        return set()
    code = ctx.code
    memo: dict[bytes, bool] = ctx.cache.setdefault("visitor-filled", {})
    found = set()
    for var in names:
        filled = memo.get(var)
        if filled is None:
            filled = not _really_assigned(ctx, var) and (
                _ASSIGNED_OWN_VAR.match(var + b"\x00" + code) is None
            )
            memo[var] = filled
        if filled:
            found.add(var)
    return found


def _eval_calls(ctx: Ctx, names: tuple[bytes, ...], limit: int = 200) -> list[tuple[int, bytes]]:
    """:func:`_calls` of eval-like functions, without ``assert`` calls that check a
    condition (``assert($x !== null)``, ``assert(is_string($y))``): only an assert of a
    string evaluates code (PHP < 8), which is what backdoors use."""
    calls = calls_to(ctx, names, limit)
    if b"assert" not in names:
        return calls
    code = ctx.code
    rx = assertion_rx()
    return [
        (start, args)
        for start, args in calls
        if not (code.startswith(b"assert", start) and rx.match(code, start + 6))
    ]


_CALL_ARGS_MAX = 200  # argument text kept per call (``[^;]{0,200}`` below)


_NAME_CHARS = bytes(sorted(NAME_BYTES))


@feature("tainted_sink")
def _tainted_sink(ctx: Ctx, rule: Rule) -> Hit | None:
    return _tainted_sink_hit(ctx, rule, holes=False)


def tainted_exec_hole(ctx: Ctx, rule: Rule) -> Hit | None:
    """The first shell call whose request-tainted command runs a fixed program with the
    request data among its arguments (:func:`cmdline.fixed_program`)."""
    return _tainted_sink_hit(ctx, rule, holes=True)


def tainted_exec_signed_in(ctx: Ctx, rule: Rule) -> Hit | None:
    """The first shell call whose request-tainted command runs only for a visitor the
    site's own login let in (:func:`site_session_gated`)."""
    return _tainted_sink_hit(ctx, rule, holes=False, signed=True)


def _tainted_sink_hit(ctx: Ctx, rule: Rule, *, holes: bool, signed: bool = False) -> Hit | None:
    """:func:`_tainted_sink`; ``holes`` (shell calls only): the calls that run a fixed
    program with request data among its arguments, which are otherwise passed over;
    ``signed`` (shell calls only): those that run behind the site's own login, which are
    otherwise passed over too."""
    kind = "exec" if holes or signed else rule.params.get("sinks")
    first_call = None
    if kind == "varcall":
        first_call = first_varcall(ctx)
        if first_call is None:
            # no variable is called as a function; a parenthesized one may be
            return _paren_call_request(ctx)
    includes: list[re.Match[bytes]] = []
    if kind == "include":
        includes = list(bounded_finditer(INCLUDE_VAR, ctx.code, 200, first=ctx.first))
        if not includes:
            return None  # no include of a bare variable: nothing to taint-check
    names = SINK_NAMES.get(str(kind), EXEC_NAMES_B)
    calls: list[tuple[int, bytes]] = []
    if first_call is None and kind != "include":
        calls = _eval_calls(ctx, names) if kind == "eval" else calls_to(ctx, names)
        if not calls:
            return None  # no call of a sink: nothing to taint-check
    if kind == "eval":
        for start, args in calls:
            if fetched_url_in(ctx, args):  # eval('?>' . file_get_contents($url))
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    req, dec = taint(ctx)
    extracted = first_call is not None and _request_extracted(ctx)  # kind "varcall"
    # what the file's own functions return (a helper that hands back $_POST[$k] or what curl
    # downloaded): code and commands are read through them too
    helpers = kind in ("eval", "exec") and bool(returned_kinds(ctx))
    if (
        not req
        and not dec
        and not ctx.cache.get("direct")
        and not extracted
        and not helpers
        and not (kind in ("eval", "exec") and request_props(ctx))
        and not (kind in ("eval", "exec") and request_constants(ctx))
    ):
        return None
    code = ctx.code
    if first_call is not None:
        direct = ctx.cache.get("direct", set())
        if not extracted and not direct and not dec:
            return None  # no variable called can be a tainted one
        # the same matches as from offset 0: none before the first one was accepted
        for m in varcalls(code, pos=first_call.start()):
            var = m.group(1)
            if code[max(0, m.start() - 8) : m.start()].rstrip().endswith(b"new"):
                continue  # new $class(): instantiation, not a call
            if var in direct or var in dec or (extracted and var != b"this"):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 60))
        return _paren_call_request(ctx)
    if kind == "include":  # a construct, often without "(": the path starts with the variable
        for m in includes:
            var = m.group(1)
            if var not in req:
                continue
            if page_suffixed(ctx, m.end()) or page_path_var(ctx, var):
                continue  # include $page . '.php': a page router's hole (include-request-rooted)
            if looked_up_var(ctx, var):
                continue  # the value comes from the script's own table of pages
            if whitelisted_at(ctx, var, m.start()):
                continue  # if (in_array($page, $pages)) include $page: one of the site's own
            if code[m.end() : m.end() + 40].lstrip()[:1] == b"[" and not _whole_request(ctx, var):
                continue  # an element of an array that merely holds some request values
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
        return None
    returned: tuple[str, ...] = ()
    if kind == "eval":
        bad = req | dec | ctx.cache.get("direct", set())
        if helpers:
            got_req, got_dec = returned_taint(ctx)
            bad = bad | got_req | got_dec
            returned = ("req", "net", "dec")
    elif kind == "exec":  # a command sent in a header of the client's own (X-Cmd: ...)
        bad = req | ctx.cache.get("header", set())
        if helpers:
            checked = checked_helpers(ctx)
            given = returned_from(ctx)
            bad = bad | {v for v in returned_taint(ctx)[0] if not given.get(v, checked) <= checked}
            returned = ("req",)
    else:
        bad = req
    direct_ok = kind in ("sql", "dbconnect")
    for start, args in calls:
        if kind == "exec":
            # the command only: exec($cmd, $output, $status) fills the others, and
            # proc_open's/popen's others are descriptors and a mode
            args = first_arg(args)
        elif kind == "mail":
            # recipients, subject, headers and parameters: not the message, which a contact
            # form fills from its form
            parts = top_args(args)
            if len(parts) > 3:  # a validated address in the headers: the visitor's Reply-To
                headers = interpolated(ctx, parts[3])
                if set(VAR.findall(headers)) & bad and email_safe(
                    ctx, interpolated(ctx, parts[3], keep_plain=True), start
                ):
                    parts = [*parts[:3], b"", *parts[4:]]
            if parts and set(VAR.findall(interpolated(ctx, parts[0]))) & bad and email_safe(
                ctx, interpolated(ctx, parts[0], keep_plain=True), start
            ):
                # a checked address as the recipient (a password sent to the address typed):
                # no header gets through it; whether the visitor may choose it at all is
                # mailer.mail-request-recipient's question (the letter's own words or theirs)
                parts = [b"", *parts[1:]]
            parts = _mail_envelope_parts(ctx, parts, start)
            args = b",".join(parts[:2] + parts[3:])
        text = interpolated(ctx, args)
        if kind == "exec":
            # what escapeshellarg() quotes is one argument of a command the script chose
            # (exec(BIN . " -m " . escapeshellarg($id))), not a command of the visitor's;
            # so is what a quoting helper of the file's own returns ($q = fn ($s) =>
            # escapeshellarg($s))
            text = shell_quoted_removed(own_quoters_renamed(ctx, text))
        if kind == "exec" and find(text, b"[") >= 0:
            # an element of the script's own table of commands ($commands[$what]): the
            # request picks a key, the table gives the command
            text = _own_table_lookups_removed(ctx, text)
        tainted = set(VAR.findall(text)) & bad
        if kind == "exec":  # a value checked against a list or a format: no command of its own
            tainted = {
                v for v in tainted
                if not whitelisted_at(ctx, v, start)
                and not looked_up_var(ctx, v)
                and not stored_value_at(ctx, v, start)
                and not validated_var(ctx, v)
            }
        elif kind == "sql":  # an escaped value quoted in the statement: no SQL of its own
            # what stands between quotes as one escaped value (a variable holding one, or
            # the escaping call itself: "... id='" . mysqli_real_escape_string($db,
            # $_GET['id']) . "'") is taken out; a statement variable the script wrote of
            # such parts is no SQL of the visitor's either
            text = _sql_residual(ctx, _sql_written(ctx, _sql_statement(ctx.code, start, args)))
            left = set(VAR.findall(text))
            tainted = {
                v for v in tainted
                if v in left
                and not (sql_escaped_var(ctx, v) and _sql_quoted(text, v))
                and not _sql_built_safe(ctx, v, bad)
            }
        elif kind == "mail":  # $subject = 'New contact request'; just before: the form's no more
            tainted = {v for v in tainted if not literal_at(ctx, v, start)}
        if not tainted and kind in ("eval", "exec") and not holes and not signed:
            # define('C', $_REQUEST['c']); eval(C): request input held by a constant
            consts = request_constants(ctx)
            if consts and reads_constant(text, consts):
                if kind == "exec" and site_session_gated(ctx, start):
                    continue  # a console of the site's signed-in admin
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        if kind == "exec" and tainted:
            gated = site_session_gated(ctx, start)
            if signed or gated:
                if signed and gated:
                    return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
                continue  # a console of the site's signed-in admin (or, signed, none)
            program = hole_program(ctx, start, args)
            if (program is not None) != holes:
                continue  # a hole of the script's own command (or, with holes, no hole)
            text80 = ctx.excerpt_code(start, start + 80)
            if program is not None:
                text80 = f"arguments of {program.decode('ascii', 'replace')}: {text80}"
            return Hit(ctx.line_of_code(start), text80)
        if holes or signed:
            continue
        if tainted or (direct_ok and UIN_RE.search(text)):
            if kind == "dbconnect" and own_statements_only(ctx):
                return None  # an installer: the account typed, the statements its own
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        if returned and returned_call_in(
            ctx, find(code, b"(", start) + 1, args, returned, checked_helpers(ctx)
        ):
            # the sink's argument calls a helper that returns such a value: eval('?>' .
            # get($url)), system(param('c'))
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        if kind in ("eval", "exec") and find(text, b"->") >= 0:
            props = request_props(ctx)  # system($this->shell), $b->shell = $_REQUEST['s']
            if props and any(p in props for p in _PROP_READ.findall(text)):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# define('NAME', <value>): the name's literal, then the value up to the call's ")"
_DEFINE_CALL = compile_possessive(rb"(?<![\w$>:\\])define\s*+\(\s*+\x01(\d+)\x01\s*+,")
# a request superglobal read in a value (lower-cased code; inside a double-quoted string too)
_REQUEST_READ = tight(rb"\$_(?:get|post|request|cookie)\b")
# a bare word: a constant read (not a variable, a property, a class constant, a call)
_BARE_WORD = tight(rb"(?<![\w$>:\\])([a-z_][a-z0-9_]*)\b(?!\s*[(:\\])")


@per_file("request-constants")
def request_constants(ctx: Ctx) -> frozenset[bytes]:
    """The constants the file defines with request input in their value (``define('C',
    $_POST['c'])``, ``define('C', "$_REQUEST[c]")``, or a variable the taint pass finds holds
    request input): read by their bare name, they carry it as a variable would."""
    if ctx.first(b"define") < 0:
        return frozenset()
    code = ctx.code
    names: set[bytes] = set()
    req: set[bytes] | None = None
    for m in itertools.islice(prefiltered_finditer(_DEFINE_CALL, code, ctx.first), 100):
        end = close_paren(code[m.end() : m.end() + 2000])
        if end < 0:
            continue
        value = interpolated(ctx, code[m.end() : m.end() + end])
        if not _REQUEST_READ.search(value):
            if req is None:
                req = taint(ctx)[0]
            if not set(VAR.findall(value)) & req:
                continue
        names.add(ctx.lx.value(int(m.group(1))).strip().lower())
    return frozenset(names)


def reads_constant(text: bytes, names: frozenset[bytes]) -> bool:
    """``text`` (a sink's argument) reads one of the constants ``names`` by its bare name."""
    return any(m.group(1) in names for m in itertools.islice(_BARE_WORD.finditer(text), 200))


# a call that runs an SQL statement: the function's, or a connection object's method
_RUN_SQL = tight(
    rb"(?:->\s*(?:query|exec|multi_query|real_query|prepare)|(?<![\w$>:])(mysql_query|"
    rb"mysql_unbuffered_query|mysqli_query|mysqli_multi_query|mysqli_real_query|"
    rb"mysqli_prepare|mysql_db_query|pg_query|pg_send_query|mssql_query|sqlite_query|"
    rb"sqlsrv_query))\s*\("
)
# the functions whose statement is their first argument (the others: the connection first,
# pg_query's statement last)
_SQL_FIRST = frozenset({b"mysql_query", b"mysql_unbuffered_query", b"mssql_query", b"sqlite_query"})
# what reads the database's answer back: rows fetched, a result or a count read, the
# databases or tables listed
_READ_ROWS = tight(rb"fetch|_result\s*\(|num_rows|list_dbs|list_tables|->\s*result\b")
# a file of the script's own named by a literal (file_get_contents('database.sql'))
_OWN_SQL_FILE = tight(rb"\s*@?\s*file_get_contents\s*\(\s*\x01(\d+)\x01\s*\)\s*$")
# the words of a statement the script writes: a literal that starts with one
_SQL_WORDS = tight(rb"\s*[a-z]{2,}\b")
# where a statement takes a name (a value joined after it names a database or a table, in
# quotes or backticks at most): CREATE DATABASE IF NOT EXISTS ..., USE ..., DROP TABLE ...
_NAME_SLOT = tight(rb"\b(?:database|schema|table|if\s+(?:not\s+)?exists|use)\s*[`'\"]?$")


def own_statements_only(ctx: Ctx) -> bool:
    """Every SQL statement the file runs is its own (:func:`_own_statement`), and nothing of
    what the database answers is read back: an installer that connects with the account the
    administrator typed and creates its database and tables (a database name typed is an
    injection hole, which the SQL rule names). A database backdoor runs the statement it is
    sent, or joins SQL of the visitor's to its own, or shows the rows."""
    code = ctx.code
    if _READ_ROWS.search(code) is not None:
        return False
    runs = 0
    for m in itertools.islice(_RUN_SQL.finditer(code), 50):
        args = code[m.end() : m.end() + 2000]
        parts = top_args(args[: close_paren(args)])
        if not parts:
            return False
        name = m.group(1)
        if name is None or name in _SQL_FIRST:
            stmt = parts[0]
        elif name in (b"pg_query", b"pg_send_query"):
            stmt = parts[-1]
        else:
            stmt = parts[1] if len(parts) > 1 else parts[0]
        if not _own_statement(ctx, stmt, 0):
            return False
        runs += 1
    return runs > 0


def _own_statement(ctx: Ctx, stmt: bytes, depth: int) -> bool:
    """``stmt`` (an argument's text) is a statement the script writes: a literal that starts
    with SQL's words, where what is joined to it (with "." or written in the literal) is the
    script's own or, of the request, only a name in a name's place (:data:`_NAME_SLOT`); or
    the contents of a file the script names by a literal (not a stream: php://input); given
    inline or held in a variable every write of which (at most 6) is one."""
    value = ctx.lx.value
    held = VAR.fullmatch(stmt.strip())
    if held is not None:
        if depth > 1:
            return False
        writes = var_assigns(ctx.code, held.group(1), _ANY_WRITE, 6)
        if not writes:
            return False
        for pos, w in writes:
            if ctx.code[pos + len(held.group(1)) + 1 : w.end()].strip() != b"=":
                return False  # $sql .= ..., $sql[...] = ...: what is added is not looked at
            if not _own_statement(ctx, expression(ctx.code[w.end() : w.end() + 2000]), depth + 1):
                return False
        return True
    f = _OWN_SQL_FILE.match(stmt)
    if f is not None:
        return value(int(f.group(1))).find(b"://") < 0
    pieces = [p.strip().lstrip(b"@").strip() for p in split_top(stmt, b".")]
    first = PLACEHOLDER.fullmatch(pieces[0]) if pieces else None
    if first is None or _SQL_WORDS.match(value(int(first.group(1))).lower()) is None:
        return False
    req, _dec = taint(ctx)
    before = b""  # the statement's text so far
    for piece in pieces:
        lit = PLACEHOLDER.fullmatch(piece)
        if lit is not None:
            text = value(int(lit.group(1))).lower()
            # a variable written in the literal ("USE $db"): the request's only in a name's place
            for v in VAR.finditer(text):
                if v.group(1) in req and _NAME_SLOT.search(before + text[: v.start()]) is None:
                    return False
            if UIN_RE.search(text) is not None:
                return False
            before += text
            continue
        tainted = UIN_RE.search(piece) is not None or bool(set(VAR.findall(piece)) & req)
        if tainted and _NAME_SLOT.search(before) is None:
            return False
        before += b" x "
    return True


# a value made an address or a number (or false) as it is set: filter_var($_GET['ip'],
# FILTER_VALIDATE_IP), intval($_GET['n']), (int) $_GET['n']
_VALIDATED_RHS = tight(
    rb"\s*=(?![=>])\s*@?\s*(?:(filter_var)\s*\(|intval\s*\(|\(\s*int(?:eger)?\s*\))"
)


def validated_var(ctx: Ctx, var: bytes) -> bool:
    """Every value the file gives ``$var`` (at most 6 writes) is a validated address or
    number, made as it is set (:data:`_VALIDATED_RHS`), with nothing joined to it: no
    shell syntax can come through it."""
    code = ctx.code
    writes = var_assigns(code, var, _ANY_WRITE, 6)
    if not writes:
        return False
    for _, w in writes:
        m = _VALIDATED_RHS.match(code, w.start())
        if w.group().strip() != b"=" or m is None:
            return False
        end = find(code, b";", m.end(), m.end() + 600)
        if end < 0:
            return False
        if m.group(1) is not None:
            args = code[m.end() : m.end() + close_paren(code[m.end() : end + 1])]
            parts = top_args(args)
            if len(parts) < 2 or _SAFE_FILTER.match(b"," + parts[1]) is None:
                return False
            if code[m.end() + len(args) + 1 : end].strip(b" \t\r\n)"):
                return False  # something joined after the call
        elif m.group().rstrip().endswith(b"("):  # intval(...)
            args_len = close_paren(code[m.end() : end + 1])
            if code[m.end() + args_len + 1 : end].strip(b" \t\r\n)"):
                return False
        elif re.search(rb"[.?]|\|\|", code[m.end() : end]):
            return False  # (int) $a . $b: the cast takes the first only
    return True


# a helper's whole value: escapeshellarg() of its first parameter
_QUOTER_BODY = tight(
    rb"\A\{\s*return\s+@?\s*\\?escapeshellarg\s*\(\s*\$(" + NAME_P + rb")\s*\)\s*;\s*\}\Z",
    re.IGNORECASE,
)
_FIRST_PARAM = tight(rb"\s*(?:[\w\\?|]+\s+)?&?\$(" + NAME_P + rb")")


@per_file("own-quoters")
def own_shell_quoters(ctx: Ctx) -> frozenset[bytes]:
    """The file's own functions (or closures held in variables, which the code reads as
    functions) whose whole body returns escapeshellarg() of their first parameter:
    ``$q = function ($s) { return escapeshellarg($s); }``. What they return is one quoted
    argument, as escapeshellarg()'s is."""
    if ctx.first(b"escapeshellarg") < 0:
        return frozenset()
    out = set()
    for name, body in function_bodies(ctx).items():
        m = _QUOTER_BODY.match(body)
        if m is None:
            continue
        params = function_params(ctx.code, name)
        first = _FIRST_PARAM.match(params.group(1)) if params is not None else None
        if first is not None and first.group(1) == m.group(1):
            out.add(name)
    # ... and as the code is written: a closure a variable holds, called through it
    for _start, name, _kind, end in fold.held_closures(ctx.code):
        params_end = end + close_paren(ctx.code[end : end + 400])
        first = _FIRST_PARAM.match(ctx.code, end)
        tail = _QUOTER_TAIL.match(ctx.code, params_end + 1)
        if (
            first is None
            or tail is None
            or first.group(1) != tail.group(1)
            or len(var_assigns(ctx.code, name, _ANY_WRITE, 3)) != 1
        ):
            continue
        out.add(b"$" + name)
    return frozenset(out)


# a closure's rest after its parameters when it returns escapeshellarg() of one of them
_QUOTER_TAIL = tight(
    rb"\s*(?:\{\s*return|=>)\s+@?\s*\\?escapeshellarg\s*\(\s*\$(" + NAME_P + rb")\s*\)"
    rb"\s*(?:;\s*\}|[;,)])",
    re.IGNORECASE,
)


def own_quoters_renamed(ctx: Ctx, text: bytes) -> bytes:
    """``text`` with the calls of :func:`own_shell_quoters` written as escapeshellarg()."""
    quoters = own_shell_quoters(ctx)
    if not quoters:
        return text
    calls = re.compile(
        rb"(?<![\w$>:\x80-\xff])(?:" + b"|".join(re.escape(q) for q in sorted(quoters))
        + rb")(?![\w\x80-\xff])(?=\s*\()"
    )
    return calls.sub(b"escapeshellarg", text)


_RETURNED_VAR = tight(rb"(?<![\w$>:])return\s*\(?\s*\$(" + NAME_P + rb")\s*\)?\s*;")


@per_file("checked-helpers")
def checked_helpers(ctx: Ctx) -> frozenset[bytes]:
    """The file's own functions returning request input (:func:`returned_kinds`) that check
    the variable they return first as a command's argument is checked (:func:`_guard_of`:
    a literal list, a validated address or number, an anchored pattern of a safe alphabet)
    and leave (exit, return, throw) in the check's branch: ``function branch() { $b =
    $_POST['branch']; if (!preg_match('/^[a-z0-9._-]+$/', $b)) exit; return $b; }``, a
    deploy hook's; what they return is no command of the visitor's."""
    out = set()
    for name, kind in returned_kinds(ctx).items():
        if kind != "req":
            continue
        body = function_bodies(ctx).get(name)
        if body is None or find(body, b"if") < 0:
            continue
        returned = set(itertools.islice(_RETURNED_VAR.findall(body), 4))
        if not returned:
            continue
        for m in itertools.islice(_IF_OPEN.finditer(body), 10):
            cond_len = close_paren(body[m.end() : m.end() + 600])
            cond = body[m.end() : m.end() + cond_len]
            if not any(_guard_of(ctx, cond, v) is not None for v in returned):
                continue
            rest = body[m.end() + cond_len + 1 :]
            lead = len(rest) - len(rest.lstrip())
            if rest[lead : lead + 1] == b"{":
                branch = rest[lead : lead + 2 + close_paren(rest[lead + 1 :], 123, 125)]
            else:
                semi = rest.find(b";", lead)
                branch = rest[lead : semi if semi >= 0 else len(rest)]
            if STOP_WORDS.search(branch) is not None:
                out.add(name)
                break
    return frozenset(out)


# $obj->name read (not called: $obj->name(...) is a method)
_PROP_READ = tight(rb"\$[\w\x80-\xff]+\s*->\s*([\w\x80-\xff]+)(?!\s*\()")


_PLAIN_OR_APPEND = tight(rb"\s*(\.?)=(?![=>])\s*([^;]{0,300});")


def literal_at(ctx: Ctx, var: bytes, pos: int) -> bool:
    """Whether ``$var`` holds a literal where a call at ``pos`` uses it: its last assignment
    before ``pos`` is a plain ``= 'text'``, at a statement of its own (not the body of a
    brace-less if), in the block of the call or one around it, and nothing is appended to
    it after (a contact form reads the subject field, then sets its own subject: the
    request no longer reaches the header)."""
    code = ctx.code
    sites = [(s, m) for s, m in var_assigns(code, var, _PLAIN_OR_APPEND, 50) if s < pos]
    if not sites:
        return False
    at, m = sites[-1]
    if m.group(1) or not constant_literal(ctx, m.group(2)):
        return False  # "Contact from $name" is no literal: the name's value is in it
    before = code[max(0, at - 200) : at].rstrip()
    if before[-1:] not in (b";", b"{", b"}") and not before.endswith(b"?>"):
        return False  # if ($x) $subject = '...'; or a condition's value
    depth = 0
    for ch in code[at:pos]:
        if ch == 123:
            depth += 1
        elif ch == 125:
            depth -= 1
            if depth < 0:
                return False  # the assignment's block closed before the call
    return True


def _mail_envelope_parts(ctx: Ctx, parts: list[bytes], start: int) -> list[bytes]:
    """The arguments of the call at ``start`` (split by :func:`top_args`) with the subject
    blanked when the call is PHP's own mail() (:func:`owner_subject`)."""
    if not owner_subject(ctx, parts, start):
        return parts
    return [parts[0], b"", *parts[2:]]


_PLAIN_MAIL = tight(rb"mail\s*\(")


def owner_subject(ctx: Ctx, parts: list[bytes], start: int) -> bool:
    """Whether the call at ``start`` (its arguments ``parts``) is PHP's mail() to the site's
    own fixed address (:func:`fixed_recipient`), so that its subject does not count as request
    input: mail() turns every control character of the subject into a space (a line break
    followed by a blank is kept as a folded line of the same header), so a posted subject
    adds no header, and the mail reaches nobody but the owner: a contact form's subject
    field. (imap_mail() and mb_send_mail() build their headers otherwise; the headers and
    the fifth argument, a sendmail option, count as they are: a line break there adds a
    header.)"""
    return (
        len(parts) >= 2
        and _PLAIN_MAIL.match(ctx.code, start) is not None
        and fixed_recipient(ctx, parts[0])
    )


def fixed_recipient(ctx: Ctx, arg: bytes) -> bool:
    """``arg`` (a mail() recipient) is the script's own address: a literal, a constant, or a
    variable only ever assigned literals (not a double-quoted string that reads a variable:
    ``"$to"`` is the variable's value)."""
    arg = arg.strip()
    if constant_literal(ctx, arg) or re.fullmatch(rb"[a-z_][a-z0-9_]*", arg):
        return True
    var = VAR.fullmatch(arg)
    if var is None:
        return False
    sets = var_assigns(ctx.code, var.group(1), TAIL_RHS, 5)
    return bool(sets) and all(constant_literal(ctx, m.group(1)) for _, m in sets)


_IF_OPEN = tight(rb"(?<![\w$>:])if\s*\(")
_FALSE_TEST = tight(rb"\s*[!=]==?\s*(?:false|0)\b")
# a test that leaves a value no shell syntax: one of a literal list, an address, a number,
# or a string of a safe alphabet checked by an anchored pattern
_SAFE_FILTER = tight(rb"\s*,\s*\\?filter_validate_(?:ip|int|float|mac|domain)\b")
_SAFE_PATTERN = tight(rb"(.)\^\[[\w\\.:-]{1,40}\][+*]?(?:\{\d+(?:,\d*)?\})?\$\1[a-z]*")
# (possessive whitespace: a run of spaces between the items is not split every way when the
# list does not end, which took seconds on a dozen items)
_LITERAL_LIST = compile_possessive(
    rb"\s*+(?:array\s*+\(|\[)(?:\s*+\x01\d++\x01\s*+,?)+\s*+[)\]]"
)


_LIST_ARG_VAR = tight(rb"\s*\$(" + NAME_P + rb")\s*[,)]")
# any write to a variable: $v = ..., $v .= ..., $v[] = ..., $v['k'] = ..., $v ??= ...
_ANY_WRITE = tight(rb"\s*(?:\[[^\]\n]{0,80}\]\s*)*(?:[.+]|\?\?)?=(?![=>])")
_LIST_GROWERS = tight(rb"(?:array_push|array_unshift|array_splice)\s*\(\s*\$")


def literal_list_var(ctx: Ctx, name: bytes, keyed: bool = False, nested: bool = False) -> bool:
    """Whether ``$name`` holds a literal list of strings and nothing else: one plain
    assignment of one (``$allowed = ['cache:clear', 'optimize'];``), no element written or
    pushed after (the list a request value is checked against is the script's own).
    ``keyed``: its strings may be keyed by strings too (a table, :data:`_LITERAL_MAP`);
    ``nested`` (with ``keyed``): its values may be lists of literals too (``'view' =>
    array('view.php', 'show', false)``, :data:`_LITERAL_NESTED_MAP`)."""
    code = ctx.code
    writes = var_assigns(code, name, _ANY_WRITE, 3)
    if len(writes) != 1 or writes[0][1].group().strip() != b"=":
        return False
    literal = (_LITERAL_NESTED_MAP if nested else _LITERAL_MAP) if keyed else _LITERAL_LIST
    if literal.match(code, writes[0][1].end()) is None:
        return False
    return not literal_list_grown(ctx, name)


# a listing of the site's own folder: glob('./pages/*.php') or scandir('templates'), the
# pattern or folder one literal without variables
_LOCAL_LISTING = tight(rb"\s*=\s*@?\s*(?:glob|scandir)\s*\(\s*\x01(\d+)\x01\s*[,)]")


def local_listing_var(ctx: Ctx, name: bytes) -> bool:
    """Whether ``$name`` holds the listing of a folder of the site's own and nothing else:
    one plain assignment of ``glob()`` or ``scandir()`` of a literal pattern or folder (no
    variable in it), no element written or pushed after. A request value found in it names
    one of the files already there, as one found in a literal list does."""
    code = ctx.code
    writes = var_assigns(code, name, _ANY_WRITE, 3)
    if len(writes) != 1 or writes[0][1].group().strip() != b"=":
        return False
    m = _LOCAL_LISTING.match(code, writes[0][1].start())
    if m is None:
        return False
    idx = int(m.group(1))
    if idx >= len(ctx.lx.kinds) or ctx.lx.kinds[idx] not in ("sq", "dq", "nowdoc"):
        return False
    if ctx.lx.kinds[idx] == "dq" and b"$" in ctx.lx.raw_strings[idx]:
        return False  # glob("$dir/*"): a folder the code picks at run time
    value = ctx.lx.value(idx)
    return b"://" not in value and not literal_list_grown(ctx, name)


def literal_list_grown(ctx: Ctx, name: bytes) -> bool:
    """``array_push($name, ...)`` (or unshift, splice): the list takes more than it was
    written with."""
    code = ctx.code
    for g in _LIST_GROWERS.finditer(code):
        end = g.end() + len(name)
        if code.startswith(name, g.end()) and (end >= len(code) or code[end] not in NAME_BYTES):
            return True
    return False


# a literal array of strings, keyed by strings or not: ['home' => 'home.php', 'about' => ...]
_LITERAL_MAP = compile_possessive(
    rb"\s*+(?:array\s*+\(|\[)(?:\s*+\x01\d++\x01\s*+(?:=>\s*+\x01\d++\x01\s*+)?,?)+\s*+[)\]]"
)
# the same, whose values may be lists of literals (strings, numbers, true/false/null) too:
# ['view' => ['view.php', 'show', false], ...]
_SCALAR = rb"(?:\x01\d++\x01|true|false|null|\d++)"
_LITERAL_INNER = (
    rb"(?:array\s*+\(|\[)(?:\s*+" + _SCALAR + rb"\s*+(?:=>\s*+" + _SCALAR + rb"\s*+)?,?)*"
    rb"\s*+[)\]]"
)
_LITERAL_NESTED_MAP = compile_possessive(
    rb"\s*+(?:array\s*+\(|\[)(?:\s*+\x01\d++\x01\s*+(?:=>\s*+(?:\x01\d++\x01|"
    + _LITERAL_INNER + rb")\s*+)?,?)+\s*+[)\]]"
)
_LOOKUP = rb"\$(" + NAME_P + rb")\s*\[[^\]\n;]{1,80}\]"
# what a value looked up in such an array is set to: $m[$k], $m[$k] ?? 'x',
# isset($m[$k]) ? $m[$k] : 'x', or a literal
_LOOKED_UP = tight(
    rb"\s*(?:\x01\d+\x01|isset\s*\(\s*" + _LOOKUP + rb"\s*\)\s*\?\s*" + _LOOKUP
    + rb"\s*:\s*\x01\d+\x01|" + _LOOKUP + rb"(?:\s*\?\?\s*\x01\d+\x01)?)\s*;"
)


def _plain_assignments(code: bytes, var: bytes) -> list[re.Match[bytes]]:
    """Every write of ``$var`` (at most 6), when each is a plain ``=`` (not ``.=``, ``[]=``,
    a reference...); empty otherwise: a value built up in steps is not one value."""
    writes = var_assigns(code, var, _ANY_WRITE, 6)
    if any(m.group().strip() != b"=" for _, m in writes):
        return []
    return [m for _, m in writes]


def looked_up_var(ctx: Ctx, var: bytes) -> bool:
    """Whether every value ``$var`` is given is a literal or an element of an array that holds
    only literals (``$file = isset($pages[$p]) ? $pages[$p] : 'home.php';``): the request
    picks a key, the script's own table gives the value (a page router's whitelist)."""
    code = ctx.code
    writes = _plain_assignments(code, var)
    if not writes:
        return False
    for w in writes:
        got = _LOOKED_UP.match(code, w.end())
        if got is None:
            return False
        lit = PLACEHOLDER.match(got.group().strip())
        if lit is not None and not constant_literal(ctx, lit.group()):
            return False  # "ping -c 4 $ip": the variable's value, no literal of the script's
        tables = {t for t in got.groups() if t is not None}
        if not all(literal_list_var(ctx, t, keyed=True) for t in tables):
            return False
    return True


_TABLE_LOOKUP = tight(_LOOKUP)


def _own_table_lookups_removed(ctx: Ctx, text: bytes) -> bytes:
    """``text`` without its lookups in arrays that hold only literals (``$commands[$what]``,
    :func:`literal_list_var`, keyed): whatever the key, such an element is one of the
    script's own strings (or nothing)."""
    def repl(m: re.Match[bytes]) -> bytes:
        return b" " if literal_list_var(ctx, m.group(1), keyed=True) else m.group()

    return _TABLE_LOOKUP.sub(repl, text)


def _guard_of(ctx: Ctx, cond: bytes, var: bytes) -> re.Match[bytes] | None:
    """The check of ``$var`` in an if's condition that leaves it no shell syntax:
    in_array($var, a literal list or a variable holding only one),
    filter_var($var, FILTER_VALIDATE_IP/INT/...), ctype_digit/ctype_alnum/is_numeric($var),
    preg_match('/^[a-z0-9._-]+$/', $var)."""
    if cond.find(b"$" + var) < 0:
        return None  # the pattern below holds "$var": no pattern compiled for it
    v = re.escape(var)
    for m in re.finditer(
        rb"(in_array|filter_var|ctype_(?:digit|alnum|alpha|xdigit)|is_numeric|preg_match)"
        rb"\s*\(\s*(?:\x01(\d+)\x01\s*,\s*)?\$" + v + rb"\b(?!\s*\[)",
        cond,
    ):
        fn, rest = m.group(1), cond[m.end() :]
        if fn == b"in_array":
            lst = rest[rest.find(b",") + 1 :] if rest.lstrip().startswith(b",") else b""
            if _LITERAL_LIST.match(lst) is not None:
                return m
            held = _LIST_ARG_VAR.match(lst)
            if held is not None and (
                literal_list_var(ctx, held.group(1)) or local_listing_var(ctx, held.group(1))
            ):
                return m
        elif fn == b"filter_var":
            if _SAFE_FILTER.match(rest) is not None:
                return m
        elif fn == b"preg_match":
            if m.group(2) is not None and _SAFE_PATTERN.fullmatch(ctx.lx.value(int(m.group(2)))):
                return m
        elif m.group(2) is None:
            return m
    return None


@per_file("if-opens")
def _if_opens(ctx: Ctx) -> list[int]:
    """Where the condition of each of the first 300 ``if (`` of the code starts (the first
    300 that end before an offset are among them: the matches do not overlap)."""
    return [m.end() for m in itertools.islice(_IF_OPEN.finditer(ctx.code), 300)]


def whitelisted_at(ctx: Ctx, var: bytes, pos: int) -> bool:
    """Whether ``$var`` is checked by :func:`_guard_of` where it reaches a command at ``pos``:
    inside ``if (check) { ... }`` (a condition not joined by ``||``), or after ``if
    (!check) { ... exit; }``, and not given another value between the check and ``pos``."""
    code = ctx.code
    needle = b"$" + var
    for cond_at in _if_opens(ctx):
        if cond_at > pos:
            break
        if find(code, needle, cond_at, cond_at + 600) < 0:
            continue  # not in the condition (at most 600 bytes): _guard_of finds no check
        cond_len = close_paren(code[cond_at : cond_at + 600])
        cond = code[cond_at : cond_at + cond_len]
        guard = _guard_of(ctx, cond, var)
        if guard is None:
            continue
        body_at = cond_at + cond_len + 1
        rest = code[body_at : body_at + 4000]
        lead = len(rest) - len(rest.lstrip())
        if rest[lead : lead + 1] == b"{":
            at = body_at + lead + 1
            end = at + close_paren(code[at : at + 4000], 123, 125)
        else:
            at = body_at + lead
            semi = find(code, b";", at)
            end = len(code) if semi < 0 else semi
        call_end = guard.end() + close_paren(cond[guard.end() :]) + 1
        negated = (
            cond[: guard.start()].rstrip().endswith(b"!")
            or _FALSE_TEST.match(cond, call_end) is not None
        )
        if negated:
            if re.search(rb"&&|\band\b", cond) or end > pos:
                continue
            if STOP_WORDS.search(code, at, end) is None:
                continue
            checked_from = end
        else:
            if re.search(rb"\|\||\bor\b", cond) or not at <= pos < end:
                continue
            checked_from = at
        sites = var_assigns(code, var, re.compile(rb"\s*\.?=(?![=>])"), 50)
        if not any(checked_from <= s < pos for s, _ in sites):
            return True
    return False


# a value made safe for a SQL string: what mysqli/mysql escaping returns, whatever hands out
# the connection ($db, $db->link, $db->connection(), db_link()); the call must be the whole
# value (:func:`_whole_escape_call`)
_SQL_ESCAPE_RHS = tight(
    rb"\s*=(?![=>])\s*@?\s*(?:mysqli_real_escape_string|mysql_real_escape_string|pg_escape_string"
    rb"|\$" + NAME_P + rb"(?:\s*->\s*" + NAME_P + rb"(?:\s*\(\s*\))?)*"
    rb"\s*->\s*real_escape_string)\s*\("
)


def _whole_escape_call(code: bytes, at: int) -> bool:
    """Whether the assignment at ``at`` gives its variable an escaping call and nothing
    more: the statement ends where the call's ")" does. Request text joined before or
    after it (``mysqli_real_escape_string($db, $a) . $_GET['o']``), or a condition that
    picks another value (``... ?: $_GET['o']``), is not escaped."""
    m = _SQL_ESCAPE_RHS.match(code, at)
    if m is None:
        return False
    end = m.end() + close_paren(code[m.end() : m.end() + 2000])
    return code[end + 1 : end + 40].lstrip()[:1] == b";"


def _sql_quoted(sql: bytes, var: bytes) -> bool:
    """Every ``$var`` in the statement ``sql`` stands between single quotes ('$var'): an
    escaped value there cannot end the string it is in."""
    uses = list(re.finditer(rb"\$" + re.escape(var) + rb"(?![\w\x80-\xff])", sql))
    # a LIKE pattern's wildcards may stand between ('%$q%')
    return bool(uses) and all(
        sql[: u.start()].rstrip(b"%").endswith(b"'") and sql[u.end() :].lstrip(b"%")[:1] == b"'"
        for u in uses
    )


# an escaping call of mysqli/mysql whatever hands out the connection, as in _SQL_ESCAPE_RHS
_SQL_ESCAPE_CALL = tight(
    rb"(?:(?<![\w$>:\\])(?:mysqli_real_escape_string|mysql_real_escape_string|pg_escape_string)"
    rb"|\$" + NAME_P + rb"(?:\s*->\s*" + NAME_P + rb"(?:\s*\(\s*\))?)*"
    rb"\s*->\s*real_escape_string)\s*\("
)
# a quote that opens the SQL string a value is joined into: "... = '" . $v, or '$v' written
_QUOTE_BEFORE = tight(rb"(['\"])%?\s*(?:\.\s*)?\Z")
_QUOTE_AFTER = tight(rb"\s*(?:\.\s*)?%?(['\"])")


# where each SQL call takes its statement among its arguments; the others are the
# connection (mysqli_query($link, $sql)) or a database name (mysql_db_query($db, $sql))
_SQL_STATEMENT_AT = {
    b"mysql_query": 0, b"mysql_unbuffered_query": 0, b"mssql_query": 0, b"mysqli_query": 1,
    b"mysql_db_query": 1,
}


def _sql_statement(code: bytes, start: int, args: bytes) -> bytes:
    """The statement argument of the SQL call at ``start`` whose argument text is ``args``:
    a connection the visitor typed (an installer's ``mysqli_connect($_POST['host'], ...)``)
    carries none of the SQL it runs. ``pg_query`` takes the statement last (the connection
    may be left out); ``sqlite_query`` takes both orders, so all of its arguments count."""
    name = code[start : start + 40].split(b"(", 1)[0].strip().lstrip(b"@").strip()
    parts = top_args(args)
    if name == b"pg_query" and parts:
        return parts[-1] if len(parts) <= 2 else args
    at = _SQL_STATEMENT_AT.get(name)
    if at is None or at >= len(parts):
        return args
    return parts[at]


def _sql_written(ctx: Ctx, text: bytes) -> bytes:
    """``text`` (a statement's code, string literals as placeholders) with each literal
    written out as the SQL it holds: double-quoted text with the variables PHP interpolates
    in it, single-quoted text with its "$" blanked (no variable there), so that the quotes
    of the SQL stand next to the values joined to them."""
    kinds, raws = ctx.lx.kinds, ctx.lx.raw_strings

    def repl(m: re.Match[bytes]) -> bytes:
        idx = int(m.group(1))
        if idx >= len(kinds) or kinds[idx] == "bq":
            return b" "
        raw = raws[idx][:400].lower()
        if kinds[idx] in ("dq", "heredoc"):
            # "{$v}" and "${v}" interpolate $v as "$v" does: the quotes around stand next to it
            return _BRACED_VAR.sub(_unbraced, raw) if b"{" in raw else raw
        return raw.replace(b"$", b" ")

    return PLACEHOLDER.sub(repl, text)


# a plain variable PHP interpolates in braces: "{$v}", "${v}" (not "{$v['k']}", "{$o->p}")
_BRACED_VAR = tight(rb"\{\$(" + NAME_P + rb")\}|\$\{(" + NAME_P + rb")\}")


def _unbraced(m: re.Match[bytes]) -> bytes:
    return b"$" + (m.group(1) or m.group(2))


def _unescaped_count(text: bytes, quote: int) -> int:
    """The ``quote`` bytes of ``text`` not escaped by a backslash."""
    return sum(1 for i, ch in enumerate(text) if ch == quote and text[i - 1 : i] != b"\\")


def _sql_quoted_span(written: bytes, start: int, end: int) -> bool:
    """Whether ``written[start:end]`` (a value joined into a statement) stands inside a SQL
    string: a quote right before it (maybe across a "." join) that opens a string (an odd
    count of such quotes up to it) and the same quote right after it. MySQL takes '...' and
    "..." as strings; an escaped value cannot end the one it is in."""
    before = _QUOTE_BEFORE.search(written[max(0, start - 40) : start])
    after = _QUOTE_AFTER.match(written, end)
    if before is None or after is None or before.group(1) != after.group(1):
        return False
    opened = written[: max(0, start - 40) + before.start() + 1]
    return _unescaped_count(opened, ord(before.group(1))) % 2 == 1


def _sql_residual(ctx: Ctx, written: bytes) -> bytes:
    """The statement ``written`` (:func:`_sql_written`) without the values that are one
    quoted string each: an escaping call standing between quotes, or a variable holding only
    what one returns (:func:`sql_escaped_var`) standing between quotes. What is left is what
    can be SQL of its own."""
    out = written
    quoting = ctx.first(b"pg_escape_literal") >= 0 or ctx.first(b"quote") >= 0
    for m in reversed(list(itertools.islice(_SQL_ESCAPE_CALL.finditer(out), 50))):
        end = m.end() + close_paren(out[m.end() : m.end() + 2000]) + 1
        if end <= len(out) and _sql_quoted_span(out, m.start(), end):
            out = out[: m.start()] + b" " + out[end:]
    for m in reversed(list(itertools.islice(VAR.finditer(out), 100))):
        if (
            _sql_quoted_span(out, m.start(), m.end()) and sql_escaped_var(ctx, m.group(1))
        ) or (quoting and _sql_literal_var(ctx, m.group(1))):
            out = out[: m.start()] + b" " + out[m.end() :]
    return out


# an escaping call that returns the value with its quotes: pg_escape_literal($db, $v),
# PDO's $pdo->quote($v)
_SQL_LITERAL_RHS = tight(
    rb"\s*=(?![=>])\s*@?\s*(?:pg_escape_literal|\$" + NAME_P + rb"\s*->\s*quote)\s*\("
)


def _sql_literal_var(ctx: Ctx, var: bytes) -> bool:
    """Every value ``$var`` is given is a quoted SQL literal made by the escaping call
    (``$id = pg_escape_literal($conn, $_GET['id'])``) and nothing more: one value wherever
    it stands, quotes or none."""
    code = ctx.code
    writes = var_assigns(code, var, _ANY_WRITE, 6)
    if not writes:
        return False
    for _, w in writes:
        m = _SQL_LITERAL_RHS.match(code, w.start())
        if w.group().strip() != b"=" or m is None:
            return False
        end = m.end() + close_paren(code[m.end() : m.end() + 2000])
        if code[end + 1 : end + 40].lstrip()[:1] != b";":
            return False
    return True


_STATEMENT_RHS = tight(rb"\s*\.?=(?![=>])\s*([^;]{1,2000});")


def _sql_built_safe(ctx: Ctx, var: bytes, bad: set[bytes], depth: int = 0) -> bool:
    """Whether ``$var`` is a statement the script writes whose request-tainted parts are each
    one quoted value (:func:`_sql_residual`): every write of it is ``=`` or ``.=`` of such
    text (``$q = "INSERT ... VALUES('" . $email . "')"``, ``$email`` escaped), or of another
    such statement (two levels). An escaped value joined without quotes (``WHERE id=" .
    $id``) or request text joined as it came is SQL of the visitor's."""
    code = ctx.code
    writes = var_assigns(code, var, _ANY_WRITE, 7)
    if not writes or len(writes) > 6:
        return False
    for _, w in writes:
        if w.group().strip() not in (b"=", b".="):
            return False
        rhs = _STATEMENT_RHS.match(code, w.start())
        if rhs is None:
            return False
        residual = _sql_residual(ctx, _sql_written(ctx, rhs.group(1)))
        if UIN_RE.search(residual) is not None:
            return False
        for other in set(VAR.findall(residual)) & bad:
            if other == var or depth >= 1 or not _sql_built_safe(ctx, other, bad, depth + 1):
                return False
    return True


def sql_escaped_var(ctx: Ctx, var: bytes) -> bool:
    """Every value ``$var`` is given is what a SQL escaping function returns
    (``$mac = mysqli_real_escape_string($db, $_GET['mac'])``): inside a quoted SQL string it
    is one value, not a statement of the visitor's."""
    code = ctx.code
    writes = var_assigns(code, var, _ANY_WRITE, 6)
    return bool(writes) and all(
        m.group().strip() == b"=" and _whole_escape_call(code, m.start())
        for _, m in writes
    )


# a query that tests one column for equality with a quoted variable, and nothing else
_WHERE_ONE_EQUAL = tight(
    rb"\bwhere\s+`?([a-z_][\w.]*)`?\s*=\s*'\$(" + NAME_P + rb")'\s*(?:limit\s+1\s*)?;?\s*$"
)
# a column named as a number's (id, user_id, uid, ...): MySQL compares it with a string by
# the string's leading number, so '1; id' finds the row whose id is 1
_NUMERIC_WORD = tight(rb"(?:^|[._])(?:pk|num(?:ber)?|no|count|year|age)$")


def numeric_column(column: bytes) -> bool:
    """Whether ``column`` (``[a-z_][\\w.]*``) is named as a number's: what the pattern
    ``(?:^|[._])(?:\\w*_?id|pk|num(?:ber)?|no|count|year|age)$`` finds, without its search
    from every "_" of a long name (quadratic): ``\\w*_?id$`` from a boundary is the last
    dotted part ending in "id"."""
    return column.rsplit(b".", 1)[-1].endswith(b"id") or _NUMERIC_WORD.search(column) is not None
# the rows a result holds: mysqli_num_rows($r), $r->num_rows, $r->rowCount()
_ROWS_OF = tight(
    rb"(?:mysqli?_num_rows\s*\(\s*\$(" + NAME_P + rb")\s*\)|\$(" + NAME_P
    + rb")\s*->\s*(?:num_rows\b|rowcount\s*\(\s*\)))\s*(?:>\s*0|>=\s*1|!=\s*0)?"
)
_QUERY_OF = tight(
    rb"\s*=(?![=>])\s*(?:mysqli_query\s*\(\s*\$" + NAME_P + rb"\s*,|mysql_query\s*\(|\$"
    + NAME_P + rb"\s*->\s*query\s*\()\s*([^;]{1,300}?)\s*\)\s*;"
)
_DQ_RHS = tight(rb"\s*=(?![=>])\s*(\x01\d+\x01)\s*;")


def _query_tests_var(ctx: Ctx, result: bytes, var: bytes, before: int) -> bytes | None:
    """The column ``col`` if ``$result`` is set only by a query (run before ``before``)
    whose SQL is ``... WHERE col = '$var'`` and nothing more, given inline or by a
    variable's last literal before the query; else None."""
    code = ctx.code
    sites = [(s, m) for s, m in var_assigns(code, result, _ANY_WRITE, 6) if s < before]
    queries: list[tuple[int, re.Match[bytes]]] = []
    for s, m in sites:
        q = _QUERY_OF.match(code, m.start())
        if q is not None:
            queries.append((s, q))
    if not queries:
        return None
    at, q = queries[-1]
    arg = q.group(1).strip()
    held = VAR.fullmatch(arg)
    if held is not None:
        lits = [
            (s, m) for s, m in var_assigns(code, held.group(1), _ANY_WRITE, 6) if s < at
        ]
        if not lits:
            return None
        lit = _DQ_RHS.match(code, lits[-1][1].start())
        if lit is None:
            return None
        arg = lit.group(1)
    if PLACEHOLDER.fullmatch(arg) is None:
        return None
    sql = interpolated(ctx, arg).strip()
    found = _WHERE_ONE_EQUAL.search(sql)
    if (
        found is not None
        and found.group(2) == var
        and not numeric_column(found.group(1))
        and b" or " not in sql
        and b"union" not in sql
    ):
        return found.group(1)
    return None


_SQL_WRITE = tight(rb"\b(?:insert|replace|update)\b")
_SQL_WHERE = tight(rb"\bwhere\b")


def _value_stored_by_script(ctx: Ctx, var: bytes, column: bytes) -> bool:
    """Whether the script itself may put the value in the table it looks it up in: a
    statement of the file writes the column (``REPLACE INTO jobs (cmd) VALUES ('$c')``,
    ``UPDATE t SET cmd = ...``) or writes ``$var`` (before any WHERE). A web shell that
    stores the command it was given, then finds it there, runs the visitor's command; an
    ``UPDATE t SET seen = NOW() WHERE col = '$var'`` stores nothing of the visitor's."""
    col = re.compile(rb"(?<![\w$])" + re.escape(column.rsplit(b".", 1)[-1]) + rb"(?!\w)")
    used = re.compile(rb"\$\{?" + re.escape(var) + rb"(?![\w\x80-\xff])")
    for raw in itertools.islice(ctx.lx.raw_strings, 5000):
        lit = raw[:4000].lower()
        write = _SQL_WRITE.search(lit)
        if write is None:
            continue
        where = _SQL_WHERE.search(lit, write.end())
        head = lit[write.start() : len(lit) if where is None else where.start()]
        if col.search(head) is not None or used.search(head) is not None:
            return True
    return False


def stored_value_at(ctx: Ctx, var: bytes, pos: int) -> bool:
    """Whether ``$var`` reaches the command at ``pos`` only inside ``if (rows of $r)`` where
    ``$r`` is a query finding ``$var`` in one column of the site's own table, ``$var`` being
    SQL-escaped: the value is one the site stored (a wake-on-LAN page's registered MAC
    address), not a command the visitor wrote."""
    if not sql_escaped_var(ctx, var):
        return False
    code = ctx.code
    for m in itertools.islice(_IF_OPEN.finditer(code, 0, pos), 300):
        cond_len = close_paren(code[m.end() : m.end() + 600])
        cond = code[m.end() : m.end() + cond_len]
        rows = _ROWS_OF.fullmatch(cond.strip())
        if rows is None:
            continue
        body_at = m.end() + cond_len + 1
        rest = code[body_at : body_at + 4000]
        lead = len(rest) - len(rest.lstrip())
        if rest[lead : lead + 1] != b"{":
            continue
        at = body_at + lead + 1
        end = at + close_paren(code[at : at + 4000], 123, 125)
        if not at <= pos < end:
            continue
        column = _query_tests_var(ctx, rows.group(1) or rows.group(2), var, m.start())
        if column is not None and not _value_stored_by_script(ctx, var, column):
            later = var_assigns(code, var, re.compile(rb"\s*\.?=(?![=>])"), 50)
            if not any(m.start() <= s < pos for s, _ in later):
                return True
    return False


# what follows the variable of an include: "." and a literal that ends the path with a
# page's extension (include $page . '.php', include $p . '/index.inc')
_PAGE_SUFFIX = tight(rb"\s*\.\s*\x01(\d+)\x01\s*\)?\s*;")
_PAGE_EXTENSION = tight(rb"[\w/.-]*\.(?:php\d?|inc|html?|tpl)")


def page_suffixed(ctx: Ctx, pos: int) -> bool:
    """Whether the include path whose variable ends at ``pos`` is closed by a literal that
    ends it with a page's extension (``include $page . '.php';``): the request picks one of
    the site's pages (a local file inclusion hole, php.include-request-rooted), while a
    backdoor includes whatever file it is given (an uploaded image, php://input, a URL)."""
    m = _PAGE_SUFFIX.match(ctx.code, pos)
    if m is None:
        return False
    return _PAGE_EXTENSION.fullmatch(ctx.lx.value(int(m.group(1))).lower()) is not None


_PLAIN_RHS = tight(rb"\s*=(?![=>])\s*([^;]{1,400});")
# the head of a path kept in the site: a folder literal (no scheme, no stream wrapper), the
# script's own folder or the document root
_ROOT_HEAD = tight(
    rb"\(?\s*(?:\x01(\d+)\x01|__dir__\b|dirname\s*\(\s*__file__\s*\)|"
    rb"\$_server\s*\[\s*\x01(\d+)\x01\s*\])\s*\."
)
_PAGE_TAIL = tight(rb"\.\s*\x01(\d+)\x01\s*\)?\s*$")


def page_path_var(ctx: Ctx, var: bytes) -> bool:
    """Whether every value ``$var`` is given is a path in the site's own folders that ends
    with a page's extension (``$dir = './pages/' . $page . '.php';``): the request picks one
    of the site's pages through it, as with ``include 'pages/' . $p . '.php'`` (a router's
    hole, php.include-request-rooted), and cannot name a URL, php://input or an upload."""
    code = ctx.code
    writes = _plain_assignments(code, var)
    if not writes:
        return False
    for w in writes:
        rhs = _PLAIN_RHS.match(code, w.start())
        if rhs is None:
            return False
        value = rhs.group(1).strip()
        head = _ROOT_HEAD.match(value)
        tail = _PAGE_TAIL.search(value)
        if head is None or tail is None:
            return False
        if head.group(1) is not None:
            folder = ctx.lx.value(int(head.group(1))).lower()
            named = folder[:1] in (b".", b"/") or _NAMED_FOLDER_HEAD.match(folder) is not None
            if b":" in folder or not named:
                return False  # a scheme or a stream wrapper, or no folder at all
        elif (
            head.group(2) is not None
            and ctx.lx.value(int(head.group(2))).strip().lower() != b"document_root"
        ):
            return False
        if _PAGE_EXTENSION.fullmatch(ctx.lx.value(int(tail.group(1))).lower()) is None:
            return False
    return True


_NAMED_FOLDER_HEAD = tight(rb"[\w.-]+/")


def _keys_of_own_table(ctx: Ctx, rx: re.Pattern[bytes], start: int) -> bool:
    """Whether the request input of the include statement at ``start`` is only the key of a
    lookup in a table the script writes of literals (``require_once $dir . '/' .
    $actions[$_REQUEST['action']][0];``, ``$actions`` a literal array, maybe of literal
    arrays): the table gives the file, whatever the key, so the path is one of the
    script's own (a forum's action dispatcher), not the visitor's text."""
    code = ctx.code
    end = find(code, b";", start, start + 600)
    stmt = code[start : start + 600 if end < 0 else end + 1]
    if stmt.find(b"[") < 0:
        return False

    def repl(m: re.Match[bytes]) -> bytes:
        return b" " if literal_list_var(ctx, m.group(1), keyed=True, nested=True) else m.group()

    return rx.search(_TABLE_LOOKUP.sub(repl, stmt)) is None


# include of a literal glued to request input: include 'data://text/plain;base64,' . $_POST['p']
# (or to a call given it: 'data:text/plain,' . rawurlencode($_REQUEST['t']))
_INCLUDE_LITERAL_JOIN = tight(
    rb"(?<![\w$>:])(?:include|require)(?:_once)?\b[\s(@]*\x01(\d+)\x01\s*\.\s*[(@\s]*"
    rb"(?:(?:urlencode|rawurlencode|trim|strval|stripslashes|base64_encode)\s*\(\s*)?"
    rb"\$(_(?:get|post|request|cookie|server)\b|" + NAME_P + rb")"
)
# ... or a literal that interpolates it: include "data://text/plain;base64,{$b}"
_DATA_INTERPOLATED = tight(rb"\Adata:[^$]{0,80}\{?\$(" + NAME_P + rb")")
_REQUEST_ARRAYS = (b"_get", b"_post", b"_request", b"_cookie", b"_server")
# the wrappers whose "path" is the code itself
_CODE_WRAPPERS = (b"data:", b"php://input", b"php://filter/read=convert.base64-decode/resource=data:")


@feature("include_request_code")
def _include_request_code(ctx: Ctx, rule: Rule) -> Hit | None:
    """An include of a ``data:`` URI whose body is request input (``include
    'data://text/plain;base64,' . $_POST['p']``): the request sends the code PHP runs, the
    way eval() of it would."""
    if string_text(ctx).find(b"data:") < 0:
        return None
    req: set[bytes] | None = None
    for m in bounded_finditer(_INCLUDE_LITERAL_JOIN, ctx.code, 50, first=ctx.first):
        if not ctx.lx.value(int(m.group(1))).lower().lstrip().startswith(_CODE_WRAPPERS):
            continue
        name = m.group(2)
        if name not in _REQUEST_ARRAYS:
            if req is None:
                req = set(taint(ctx)[0])
            if name not in req:
                continue
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 20))
    for m in bounded_finditer(_INCLUDE_LITERAL, ctx.code, 50, first=ctx.first):
        raw = ctx.lx.raw_strings[int(m.group(1))].lower().lstrip()
        inner = _DATA_INTERPOLATED.match(raw)
        if inner is None:
            continue
        if req is None:
            req = set(taint(ctx)[0])
        if inner.group(1) in req or inner.group(1) in _REQUEST_ARRAYS:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 20))
    return None


# stream_wrapper_register('mem', MemStream::class) / ('mem', 'MemStream')
_WRAPPER_REGISTER = tight(
    rb"stream_wrapper_register\s*\(\s*\x01(\d+)\x01\s*,\s*(?:\x01(\d+)\x01|\\?([\w\\]+)\s*::\s*class)"
)
_INCLUDE_LITERAL = tight(rb"(?<![\w$>:])(?:include|require)(?:_once)?\b[\s(@]*\x01(\d+)\x01")
# where a wrapper's stream may take its bytes from: the request, a decoder, a remote address
_HIDDEN_SOURCE = tight(
    REQ + rb"|(?<![\w$>:])(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|hex2bin|"
    rb"convert_uudecode|curl_exec|fsockopen)\s*\("
)


# a decoder given a local file's bytes: gzdecode(file_get_contents($cache_file))
_DECODES_FILE = tight(
    rb"\s*(?:\(\s*string\s*\)\s*)?@?(?:file_get_contents|fread|stream_get_contents)\s*\("
)


def _local_file_decoded(ctx: Ctx, body: bytes, m: re.Match[bytes]) -> bool:
    """Whether the source ``m`` found in ``body`` is a decoder given the bytes of a file
    read from the disk (not a web address): a template engine's compressed cache, not code
    made in memory."""
    if not m.group(0).endswith(b"("):
        return False
    read = _DECODES_FILE.match(body, m.end())
    if read is None:
        return False
    arg = body[read.end() : read.end() + close_paren(body[read.end() : read.end() + 400])]
    if REQ_RE.search(arg) is not None:
        return False
    pieces = [
        ctx.lx.value(int(q.group(1))) for q in itertools.islice(PLACEHOLDER.finditer(arg), 10)
    ]
    if _hidden_path(b"".join(pieces).strip()):
        return False  # a payload parked as a picture or a hidden file: '/.thumbs/sprite.ico'
    return not any(p.lower().lstrip().startswith((b"http", b"ftp", b"//")) for p in pieces)


@feature("include_own_wrapper")
def _include_own_wrapper(ctx: Ctx, rule: Rule) -> Hit | None:
    """An include of a stream wrapper the file registers itself (``stream_wrapper_register(
    'mem', MemStream::class); include 'mem://x';``) whose class takes the stream's bytes from
    request input, a decoder or a remote connection: the code PHP runs is made in memory,
    with no eval() and no file on disk. Template engines that register a wrapper read their
    templates from files or a database."""
    code = ctx.code
    value = ctx.lx.value
    for m in itertools.islice(_WRAPPER_REGISTER.finditer(code), 5):
        scheme = value(int(m.group(1))).strip().lower()
        cls = (value(int(m.group(2))) if m.group(2) else m.group(3)).strip().lower()
        cls = cls.rsplit(b"\\", 1)[-1]
        if not scheme or not cls:
            continue
        inc = next(
            (
                i for i in itertools.islice(prefiltered_finditer(_INCLUDE_LITERAL, code), 50)
                if value(int(i.group(1))).lower().startswith(scheme + b"://")
            ),
            None,
        )
        if inc is None:
            continue
        decl = re.search(rb"(?<![\w$>:])class\s+" + re.escape(cls) + rb"\b[^{;]{0,200}\{", code)
        if decl is None:
            continue
        body = braced(code, decl.end() - 1, 20000)
        if not any(
            not _local_file_decoded(ctx, body, h)
            for h in itertools.islice(_HIDDEN_SOURCE.finditer(body), 20)
        ):
            continue
        return Hit(ctx.line_of_code(inc.start()), ctx.excerpt_code(inc.start(), inc.end() + 20))
    return None


# the wrappers whose include runs code kept packed inside another file: a member of a zip or
# rar archive, a phar, a compressed file, a file run through a decoding filter
_PACKED_WRAPPERS = (
    b"zip://", b"rar://", b"phar://", b"compress.zlib://", b"compress.bzip2://",
    b"php://filter/read=",
)  # fmt: skip
# the end of an include's argument: the statement's ";" or the closing tag
_INCLUDE_END = tight(rb";|\?>")
# 'phar://' . __FILE__: the phar the running file is
_SELF_PHAR = tight(rb"\s*\.\s*__file__")


@feature("include_packed_code")
def _include_packed_code(ctx: Ctx, rule: Rule) -> Hit | None:
    """An include whose path opens with a wrapper that unpacks another file (``include
    'zip://./wp-optin.zip#wp-optin.php'``, ``phar://logo.jpg/run.php``, compress.zlib://, a
    php://filter that decodes): the code PHP runs is kept packed in an archive, a picture or
    a compressed file that no scanner of PHP files reads. Applications that ship as a phar
    include from their own ``.phar`` (``'phar://' . __FILE__``, ``phar://tool.phar/...``)."""
    text = string_text(ctx)
    if not any(find(text, w) >= 0 for w in _PACKED_WRAPPERS):
        return None
    code = ctx.code
    value = ctx.lx.value
    for m in itertools.islice(prefiltered_finditer(_INCLUDE_LITERAL, code), 50):
        head = value(int(m.group(1))).lower().lstrip()
        if not head.startswith(_PACKED_WRAPPERS):
            continue
        end = _INCLUDE_END.search(code, m.end(), m.end() + 400)
        stmt = code[m.start() : end.start() if end is not None else m.end() + 400]
        if head.startswith(b"phar://"):
            names = b"".join(
                value(int(p.group(1))).lower()
                for p in itertools.islice(PLACEHOLDER.finditer(stmt), 10)
            )
            own = _SELF_PHAR.match(code, m.end()) is not None
            if b".phar" in names or own or names == b"phar://":
                continue  # the application's own phar, or an archive the code names later
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


@feature("include_rooted")
def _include_rooted(ctx: Ctx, rule: Rule) -> Hit | None:
    """An include whose path the request completes, not names: request input after a fixed
    folder or name (``include 'pages/' . $_GET['p']``, the rule's pattern), or a variable
    holding request input closed by a page's extension (``include $page . '.php'``)."""
    assert rule.regex is not None
    code = ctx.code
    for m in bounded_finditer(rule.regex, code, 50, first=ctx.first):
        if not _keys_of_own_table(ctx, rule.regex, m.start()):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    # the includes of a variable first: a file that has none needs no taint pass
    bare = list(bounded_finditer(INCLUDE_VAR, code, 200, first=ctx.first))
    under = list(bounded_finditer(_INCLUDE_UNDER_VAR, code, 100, first=ctx.first))
    if not bare and not under:
        return None
    req, _ = taint(ctx)
    if not req:
        return None
    for m in bare:
        if m.group(1) in req and (page_suffixed(ctx, m.end()) or page_path_var(ctx, m.group(1))):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
    for m in under:
        if m.group(1) in req and not checked_value(code, m.group(1)):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
    return None


# include of a fixed folder or name with a variable joined to it:
# require_once './modules/' . $mod; include __DIR__ . '/' . $page . '.php'
_INCLUDE_UNDER_VAR = tight(
    rb"(?<![\w$>:])(?:include|require)(?:_once)?\b[\s(@]*"
    rb"(?:__dir__|dirname\s*\(\s*__file__\s*\)|\x01\d+\x01)(?:\s*\.\s*\x01\d+\x01)*"
    rb"\s*\.\s*\$(" + NAME_P + rb")(?!\s*(?:->|::|\[))"
)


# ($j->f)(...), ($q['f'])(...): a property or an element of a variable, called
_PAREN_HELD_CALL = tight(
    rb"\(\s*@?\s*\$(" + NAME_P + rb")\s*(?:->\s*" + NAME_P + rb"|\[[^\]\n]{0,40}\])\s*\)\s*\("
)


_TRAILING_WORD = tight(rb"[a-z_]+$")
# words after which "(" opens an expression, not a call's arguments
_STMT_WORDS = frozenset(
    {b"echo", b"print", b"return", b"yield", b"else", b"and", b"or", b"xor", b"throw", b"case"}
)


def _paren_call_request(ctx: Ctx) -> Hit | None:
    """A property or an element of a variable that holds request input as it came (the
    decoded JSON body, a copy of ``$_POST``), called as a function through parentheses:
    ``$j = json_decode(file_get_contents('php://input')); ($j->f)($j->a);``."""
    code = ctx.code
    if find(code, b")(") < 0 and find(code, b") (") < 0:
        return None
    direct: set[bytes] | None = None
    for m in itertools.islice(_PAREN_HELD_CALL.finditer(code), 100):
        before = code[max(0, m.start() - 24) : m.start()].rstrip()
        word = _TRAILING_WORD.search(before)
        if before[-1:] and (
            before[-1:] in b")]"
            or (before[-1] in NAME_BYTES and (word is None or word.group(0) not in _STMT_WORDS))
        ):
            continue  # isset($o->f) (...), f($a['x'])(...): not the parenthesized callee
        if direct is None:
            taint(ctx)
            direct = ctx.cache["direct"]
        if m.group(1) in direct and m.group(1) != b"this":
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
    return None


_REQUEST_COPY = tight(rb"\$(" + NAME_P + rb")\s*=\s*&?\s*\$_(?:get|post|request|cookie)\s*;")


def _whole_request(ctx: Ctx, var: bytes) -> bool:
    """``$var`` is a copy of a whole request array (``$in = $_POST;``)."""
    return var in _request_copies(ctx)


@per_file("whole-request")
def _request_copies(ctx: Ctx) -> set[bytes]:
    return {m.group(1) for m in itertools.islice(_REQUEST_COPY.finditer(ctx.code), 100)}


# preg_filter() is preg_replace() returning only the subjects that matched: /e evaluates
# its replacement the same way
_PREG = tight(rb"preg_(?:replace|filter)\s*\(\s*@?\s*\x01(\d+)\x01")
# the pattern held in a variable set to a literal: $p = '/a/e'; preg_replace($p, ...)
_PREG_VAR = tight(rb"preg_(?:replace|filter)\s*\(\s*@?\s*\$(" + NAME_P + rb")\s*,")


_CLOSERS = {ord("("): ord(")"), ord("["): ord("]"), ord("{"): ord("}"), ord("<"): ord(">")}


_MB_EREG = (b"mb_ereg_replace", b"mb_eregi_replace")


_MB_OPTIONS = tight(rb"[a-z]{1,12}")  # mb_regex_set_options() letters


def _eval_modifier(pat: bytes) -> bool:
    """The regex ``pat`` (delimiters and modifiers) has PHP's /e modifier."""
    if len(pat) < 2:
        return False
    delim = _CLOSERS.get(pat[0], pat[0])
    end = pat.rfind(bytes([delim]))
    if end <= 0:
        return False
    mods = pat[end + 1 :]
    return b"e" in mods and re.fullmatch(rb"[a-zA-Z]*", mods) is not None


# a pattern whose matches can only be word characters, digits, spaces, dots or hyphens:
# literal letters, \d \w \s \b, escaped punctuation, classes of those (not negated), groups,
# alternation, anchors and quantifiers; no "." and no negated class, so a backreference
# never carries a quote, a "$", a brace or a parenthesis into the evaluated code
_INERT_CAPTURE = tight(
    rb"(?:[A-Za-z0-9_\s\-]|\\[dwsbAzZ.\-_]|\[(?!\^)(?:[A-Za-z0-9_\s.\-]|\\[dws.\-])+\]"
    rb"|[(){},*+?|^$:])*"
)
# backreferences: \1, \\1 as written in a literal, $1, ${1}
_BACKREF = tight(rb"\\{1,2}\d{1,2}|\$\d{1,2}|\$\{\d{1,2}\}")
# string functions that compute a value from their arguments and touch nothing else
_PURE_CALLS = frozenset(
    {
        b"strtoupper", b"strtolower", b"ucfirst", b"ucwords", b"lcfirst", b"chr", b"ord",
        b"intval", b"floatval", b"abs", b"round", b"urlencode", b"rawurlencode",
        b"htmlspecialchars", b"htmlentities", b"trim", b"str_repeat", b"str_pad",
        b"sprintf", b"number_format", b"strlen", b"substr", b"dechex", b"hexdec",
    }
)
# the quoted strings of a replacement's code (no "$" left in them: data, not code)
_QUOTED = tight(rb'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
# a name in code (not the letters of a number such as 0x1f)
# constants such functions take (str_pad(..., STR_PAD_LEFT), htmlspecialchars(..., ENT_QUOTES))
_PURE_CONSTANTS = frozenset(
    {
        b"str_pad_left", b"str_pad_right", b"str_pad_both", b"ent_quotes", b"ent_compat",
        b"ent_noquotes", b"true", b"false", b"null",
    }
)
_CODE_WORD = tight(rb"(?<![\w\x80-\xff])[A-Za-z_\x80-\xff][\w\x80-\xff]*")


def _inert_eval(pattern: bytes, replacement: bytes) -> bool:
    """A /e replacement that computes a value from the match and nothing else: the pattern
    can only capture word characters, digits, spaces, dots and hyphens, and the replacement's
    code, its backreferences aside, holds no variable, no backtick, and calls only string
    functions (``'("$1" + 1)'``, ``'strtoupper("\\1")'``); a backreference is never called.
    Such an expression is the PHP 4/5 idiom for a computed replacement, not code to run."""
    delim = _CLOSERS.get(pattern[0], pattern[0])
    body = pattern[1 : pattern.rfind(bytes([delim]))]
    if _INERT_CAPTURE.fullmatch(body) is None:
        return False
    if re.search(rb"(?:\\{1,2}\d{1,2}|\$\{?\d{1,2}\}?)\s*\(", replacement):
        return False
    # a backreference becomes a lone number: letters written after it ('\\1tem(') are a
    # name of their own, checked as any other
    rest = _BACKREF.sub(b" 0 ", replacement)
    if b"$" in rest or b"`" in rest:
        return False
    code = _QUOTED.sub(b"''", rest)
    if b"/*" in code or b"//" in code or b"#" in code or b"?>" in code:
        return False  # a comment hides what follows from the checks ('\\1 /**/ (\\2)')
    # every name a string function's or its constant's: no include, eval, print, new, exit
    words = {m.group().lower() for m in _CODE_WORD.finditer(code)}
    return words <= _PURE_CALLS | _PURE_CONSTANTS


def _literal_arg(ctx: Ctx, arg: bytes) -> list[bytes]:
    """The literal values ``arg`` can hold: itself, or what its variable is set to (every
    assignment must be a literal); empty when it is anything else."""
    arg = arg.strip().lstrip(b"@").strip()
    lit = PLACEHOLDER.fullmatch(arg)
    if lit is not None:
        return [ctx.lx.value(int(lit.group(1)))]
    held = VAR.fullmatch(arg)
    if held is None:
        return []
    sites = var_assigns(ctx.code, held.group(1), TAIL_RHS, 5)
    values: list[bytes] = []
    for _, am in sites:
        one = PLACEHOLDER.fullmatch(am.group(1).strip())
        if one is None:
            return []
        values.append(ctx.lx.value(int(one.group(1))))
    return values


def _preg_e_inert(ctx: Ctx, at: int, pattern: bytes) -> bool:
    """The preg_replace call at ``at`` evaluates only an inert expression (_inert_eval)."""
    code = ctx.code
    open_at = find(code, b"(", at)
    args = code[open_at + 1 : open_at + 1 + 2000]
    parts = top_args(args[: close_paren(args)])
    if len(parts) < 2:
        return False
    replacements = _literal_arg(ctx, parts[1])
    return bool(replacements) and all(_inert_eval(pattern, r) for r in replacements)


@feature("preg_e")
def _preg_e(ctx: Ctx, rule: Rule) -> Hit | None:
    code = ctx.code
    found: Iterable[tuple[re.Match[bytes], list[int]]] = ()
    if has_word(ctx, b"preg_replace") or has_word(ctx, b"preg_filter"):
        found = itertools.chain(
            ((m, [int(m.group(1))]) for m in _PREG.finditer(code)),
            (
                (m, [int(a.group(1)) for _, a in var_assigns(code, m.group(1), TAIL_LITERAL, 5)])
                for m in itertools.islice(_PREG_VAR.finditer(code), 50)
            ),
        )
    for m, literals in found:
        for idx in literals:
            pattern = ctx.lx.value(idx).strip()
            if _eval_modifier(pattern):
                if _preg_e_inert(ctx, m.start(), pattern):
                    continue  # preg_replace('/(\d+)/e', '("$1" + 1)', $s): a computed value
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 80))
    # mb_ereg_replace($pattern, $replacement, $string, 'e'): the "e" option evaluates the
    # replacement as PHP, as /e does (until PHP 8)
    for start, args in calls_to(ctx, _MB_EREG, 50) if has_any(ctx, _MB_EREG) else ():
        parts = top_args(args)
        options = PLACEHOLDER.fullmatch(parts[3].strip()) if len(parts) > 3 else None
        if options is not None:
            value = ctx.lx.value(int(options.group(1))).strip()
            if b"e" in value and _MB_OPTIONS.fullmatch(value):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    return None


_CALLBACK = tight(
    rb"(?:call_user_func(?:_array)?|array_map|array_filter|array_walk(?:_recursive)?|"
    rb"uasort|uksort|usort|register_shutdown_function|register_tick_function|ob_start|iterator_apply|"
    rb"forward_static_call(?:_array)?|array_reduce|array_diff_ukey|array_intersect_ukey|"
    rb"new\s+(?:reflectionfunction|callbackfilteriterator))\s*\(([^;]{0,200})"
)


_QUOTED_EXEC = tight(
    rb"\x00\\?(?:eval|assert|system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|"
    rb"create_function|base64_decode|gzinflate|gzuncompress|str_rot13|preg_replace|"
    rb"call_user_func(?:_array)?)\x00"
)


@feature("callback_literal")
def _callback_literal(ctx: Ctx, rule: Rule) -> Hit | None:
    if not _QUOTED_EXEC.search(string_text(ctx)):
        return None
    for m in bounded_finditer(_CALLBACK, ctx.code, first=ctx.first):
        for p in PLACEHOLDER.finditer(m.group(1)):
            val = ctx.lx.value(int(p.group(1))).strip().lower().lstrip(b"\\")
            if val.decode("latin-1") in _CALLBACK_EXEC:
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# names that run code when a callback API calls them; a decoder mapped over data
# (array_map('base64_decode', $parts), as database tools do) runs nothing by itself
_CALLBACK_EXEC = _EXEC_NAMES - {"base64_decode", "gzinflate", "gzuncompress", "str_rot13"}


_ODD_EXT = tight(
    rb"\.(?:ico|png|jpe?g|gif|bmp|webp|log|dat|tmp|zip|pdf|mp3|ttf|woff2?|bak|"
    # more media and archives: no site's code is kept as a video, a sound, a font or an archive
    rb"mp4|m4[av]|mov|avi|wmv|flv|swf|webm|mkv|wav|ogg|oga|flac|aac|otf|eot|cur|tiff?|psd|"
    rb"heic|avif|jfif|rar|7z|xlsx?|docx?|pptx?)$",
    re.IGNORECASE,
)


# a .txt file is a template or a notice when the path is relative to the script
# (``require "templates/notice.txt"``); from an absolute path, upward or in uploads/tmp it
# is a payload parked where the site lets visitors write
_HIDDEN_TXT = tight(rb"(?:^/|\.\./|upload|(?:^|/)tmp/).*\.txt$", re.IGNORECASE)


# a hidden file (its name starts with a dot) with an extension no PHP script has:
# '/home/u/public_html/wp-content/cache/.bd14c50c.ott', '/.3fa9c2e1.cache': code parked
# under a name that listings hide and that no one opens as PHP. The sites' own hidden
# files are PHP (Symfony's '.env.local.php', Friendica's '.htconfig.php', '.config.inc')
# or have no extension (WordPress's '.maintenance'); a '.dist' file is a tool's config
_HIDDEN_NONCODE = tight(
    rb"(?:^|/)\.[^/.]+(?:\.[^/.]+)*\.(?!(?:php\d?|phtml|inc|module|dist)$)[a-z0-9_-]{1,10}$",
    re.IGNORECASE,
)


# an include of a variable: ``include $p;``, ``@require($f)``
_INCLUDE_OF_VAR = tight(
    rb"(?<![\w$>:])(?:include|require)(?:_once)?\b[\s(@]*\$(" + NAME_P + rb")\s*\)?\s*;"
)


# the value given to that variable: literals glued to each other or to a folder expression
# ('$p = __DIR__ . "/.x.cache";', '$p = "/var/www/site/" . ".x.woff";'), nothing else
_RHS_PATH_PARTS = tight(rb"[\w\s.()\x01]{1,200}")


def _hidden_noncode_var(ctx: Ctx) -> re.Match[bytes] | None:
    """An include of a variable whose every value is one literal naming a hidden file with
    no PHP extension (``$p = '/.../.bd14c50c.ott'; @include $p;``)."""
    for m in bounded_finditer(_INCLUDE_OF_VAR, ctx.code, 20, first=ctx.first):
        given = var_assigns(ctx.code, m.group(1), TAIL_RHS, 10)
        paths = []
        for _, am in given:
            rhs = am.group(1)
            parts = PLACEHOLDER.findall(rhs)
            if not parts or _RHS_PATH_PARTS.fullmatch(rhs) is None:
                break
            paths.append(b"".join(ctx.lx.value(int(n)) for n in parts).strip())
        else:
            if paths and all(_HIDDEN_NONCODE.search(p) or _ODD_EXT.search(p) for p in paths):
                return m
    return None


# an include's argument, wherever it starts
_INCLUDE_ARG = tight(rb"(?<![\w$>:\\])(?:include|require)(?:_once)?\b[\s(@]*")

# a decoder that an include's argument goes through: the path itself is hidden
_PATH_DECODER = tight(
    rb"(?<![\w$>:])(?:base64_decode|str_rot13|strrev|hex2bin|gzinflate|gzuncompress"
    rb"|convert_uudecode|pack)\s*\(",
    re.IGNORECASE,
)


def _hidden_path(path: bytes) -> bool:
    """A path no site includes its own code from: an image or media file's, a .txt file's
    from an absolute, upload or tmp path, a hidden file's with no PHP extension."""
    return bool(_ODD_EXT.search(path) or _HIDDEN_TXT.search(path) or _HIDDEN_NONCODE.search(path))


def _built_include(ctx: Ctx) -> Hit | None:
    """An include whose path is built (glued from pieces, variables set to literals, decoded
    from a literal) and folds to a hidden path (:func:`_hidden_path`), or is decoded at all:
    ``include base64_decode('L3RtcC8uc2Vzcy5pY28=');``, ``$d = '/.thumbs/'; include $d .
    'sprite' . '.ico';``. Paths that fold to nothing known (a parameter, a setting) are not
    read."""
    code = ctx.code
    env: fold.Env | None = None
    for m in bounded_finditer(_INCLUDE_ARG, code, 40, first=ctx.first):
        at = m.end()
        if code[at : at + 1] == b"\x01" and find(code, b".", at, at + 12) < 0:
            continue  # a plain literal: the literal rule's
        if env is None:
            env = fold.Env(code, ctx.lx, ctx.cache)
        f = fold.fold_at(code, ctx.lx, at, env)
        if f is None or not f.built:
            continue
        path = f.value.strip()
        if _hidden_path(path) or (path and _PATH_DECODER.search(code, at, f.end)):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), f.end + 20))
    return None


_ARG_REQ = tight(rb"[\s@]*(?:\(\s*string\s*\)\s*)?" + REQ)


# a variable, or an element of it ($q['f']), named as a callback
_HELD_CALLBACK = tight(rb"\$(" + NAME_P + rb")\s*(?:\[[^\]\n]{0,40}\]\s*)?")


def _callback_arg(name: bytes, args: bytes) -> bytes | None:
    """The argument that a callback-taking function calls, or None when the call passes
    none (``array_filter($_POST['ids'])`` filters values, it calls nothing).
    ``new ReflectionMethod($class, $method)``: the class, which the visitor must not name."""
    if name in CB_FIRST or name == b"reflectionmethod":
        return first_arg(args)
    parts = top_args(args)
    if len(parts) < 2:
        return None
    return parts[1] if name in CB_SECOND else parts[-1]


# callbacks given where the plain-call scan does not look: a method's (ArrayObject::uasort),
# the values of a pattern => callback table (preg_replace_callback_array, yaml_parse's tags),
# a closure made from a callable (Closure::fromCallable)
# the reference of _cb_elsewhere (the tests compare them)
_CB_ELSEWHERE = tight(
    rb"(?:->\s*u[ak]sort\s*\(\s*@?|(?:preg_replace_callback_array|yaml_parse)\s*\("
    rb"[^;]{0,300}?=>\s*@?|closure\s*::\s*fromcallable\s*\(\s*@?)" + REQ
)


# _CB_ELSEWHERE's three parts: the regex engine scans for the literal that starts each (a
# search of the whole pattern tried it at every "-", "p" and "y" of the file)
_CB_SORT_METHOD = tight(rb"->\s*u[ak]sort\s*\(\s*@?" + REQ)
_CB_KEYED = tight(rb"(?:preg_replace_callback_array|yaml_parse)\s*\([^;]{0,300}?=>\s*@?" + REQ)


# a closure made from a callable the visitor names: Closure::fromCallable($_POST['f'])
_CB_FROM_CALLABLE = tight(rb"closure\s*::\s*fromcallable\s*\(\s*@?" + REQ)


def _cb_elsewhere(ctx: Ctx) -> re.Match[bytes] | None:
    """``_CB_ELSEWHERE.search(code)``: the first match of either half (no match of one can
    start where another's does), each searched only when its words occur."""
    found = [
        m
        for m in (
            _CB_SORT_METHOD.search(ctx.code) if ctx.first(b"sort") >= 0 else None,
            prefiltered_search(_CB_KEYED, ctx.code, ctx.first)
            if ctx.first(b"preg_replace_callback_array") >= 0 or ctx.first(b"yaml_parse") >= 0
            else None,
            _CB_FROM_CALLABLE.search(ctx.code) if ctx.first(b"fromcallable") >= 0 else None,
        )
        if m is not None
    ]
    return min(found, key=lambda m: m.start()) if found else None


@feature("callback_request")
def _callback_request(ctx: Ctx, rule: Rule) -> Hit | None:
    if not has_request_words(ctx) and ctx.first(b"getenv") < 0:
        return None  # no request input anywhere: no argument can be request input
    code = ctx.code
    m = _cb_elsewhere(ctx)
    if m is not None:
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
    direct: set[bytes] | None = None
    for start, args in calls_to(ctx, (*CB_FIRST, *CB_SECOND, *CB_LAST, b"reflectionmethod"), 100):
        # the callback is request input, or a variable that holds it as it is ($fn =
        # $_COOKIE['f'];): it is a part of ``args``, so without a match of _REQ or a
        # variable there, skip the argument split
        has_req = REQ_RE.search(args) is not None
        if not has_req and VAR.search(args) is None and args.find(b"getenv") < 0:
            continue
        end = find(code, b"(", start)
        callback = _callback_arg(code[start:end].rstrip(), args)
        if callback is None:
            continue
        if (has_req and _ARG_REQ.match(callback)) or getenv_header(ctx, callback):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
        # the callback, or each branch of a conditional that picks it ($a == $a ? $a : $a)
        branches = _TERNARY.fullmatch(callback.strip())
        for part in branches.groups() if branches is not None else (callback,):
            if has_req and branches is not None and _ARG_REQ.match(part):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
            held = _HELD_CALLBACK.fullmatch(part.strip().lstrip(b"@"))
            if held is None:
                continue
            if direct is None:  # the taint pass, only for a file that names a callback so
                taint(ctx)
                direct = ctx.cache["direct"]
            if held.group(1) in direct:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    return None


# a conditional expression: its two branches (the condition is not what is called)
_TERNARY = tight(rb"[^?]{1,120}\?(?!\?)([^:?]{1,120}):([^:?]{1,120})", re.S)


def _glued_tainted(ctx: Ctx, pos: int) -> bool:
    """The code at ``pos`` glues on (``. ...``) a variable that holds decoded data or request
    input: a data: URI whose payload the script deciphered or was sent. (Template engines
    include their own compiled code this way: a variable of theirs, not decoded.)"""
    code = ctx.code
    if not code[pos : pos + 8].lstrip().startswith(b"."):
        return False
    end = find(code, b";", pos, pos + 300)
    names = set(VAR.findall(code, pos, end if end >= 0 else pos + 300))
    if not names:
        return False
    req, dec = taint(ctx)
    return bool(names & (req | dec))


@feature("include_literal")
def _include_literal(ctx: Ctx, rule: Rule) -> Hit | None:
    for m in bounded_finditer(INCLUDE_LIT, ctx.code, first=ctx.first):
        val, esc = ctx.lx.value_esc(int(m.group(1)))
        path = val.strip()
        if (
            esc >= 3
            or _ODD_EXT.search(path)
            or _HIDDEN_TXT.search(path)
            or (
                path[:5].lower() == b"data:"
                and (len(path.partition(b",")[2]) >= 16 or _glued_tainted(ctx, m.end()))
            )  # the code itself, or decoded data glued on ('data://text/plain,' . $decoded)
            or path[:9].lower() in (b"php://inp", b"php://fil")
            or _HIDDEN_NONCODE.search(path)
        ):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    held = _hidden_noncode_var(ctx)
    if held is not None:
        return Hit(ctx.line_of_code(held.start()), ctx.excerpt_code(held.start(), held.end()))
    return _built_include(ctx)



@feature("varcall_request_arg")
def _varcall_request_arg(ctx: Ctx, rule: Rule) -> Hit | None:
    """A variable called as a function (``$f(...)``, ``$t['k'](...)``) with a request
    superglobal for its first argument (``$f($_GET['c'])``): whatever name the variable
    holds (built from pieces, a constant, a case change, a substring) runs what the visitor
    sends. Form code that filters fields through variables (``$filter($value)``) passes
    values it took out of the request first, which this does not count."""
    first = first_varcall(ctx)
    if first is None or not has_request_words(ctx):
        return None
    code = ctx.code
    env: fold.Env | None = None
    for m in varcalls(code, 200, pos=first.start()):
        if code[max(0, m.start() - 8) : m.start()].rstrip().endswith(b"new"):
            continue  # new $class(...): an instantiation
        arg = first_arg(code[m.end() : m.end() + _CALL_ARGS_MAX])
        if _ARG_REQ.match(arg) or (posted(ctx, arg) and _obscured_name(ctx, m.group(1))):
            if _closure_only(ctx, m.group(1)):
                continue  # a closure or an object of the file's own: its code is read
            if env is None:
                env = fold.Env(code, ctx.lx, ctx.cache)
            try:
                held = env.get(m.group(1), m.start())
            except (ValueError, IndexError, RecursionError):
                held = None
            if held is not None and held[0].strip().lower() in _TEXT_FUNCTIONS:
                continue  # the name it holds is worked out: a function that formats text
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 60))
    return None


_CLOSURE_VALUE = tight(rb"\s*(?:static\s+)?(?:function|fn)\s*&?\s*\(")


# ``new Name(...)``: an object of a class, called as ``$obj(...)`` through its __invoke()
_NEW_OBJECT = tight(rb"\s*new\s+\\?(" + NAME_P + rb")\s*(?:\(|$)")
# a literal, or a choice of two (``$cond ? 'strtoupper' : 'ucfirst'``)
_NAME_CHOICE = tight(rb"\s*(?:[^;?]{0,200}\?\s*)?\x01(\d+)\x01\s*(?::\s*\x01(\d+)\x01\s*)?$")
# what formats or escapes a string and nothing else: called on request input, no harm
_TEXT_FUNCTIONS = frozenset(
    b"strtoupper strtolower ucfirst lcfirst ucwords trim ltrim rtrim htmlspecialchars "
    b"htmlentities strip_tags nl2br intval floatval strval boolval abs urlencode rawurlencode "
    b"stripslashes addslashes strlen mb_strtoupper mb_strtolower mb_strlen md5 sha1 crc32 "
    b"number_format json_encode esc_html esc_attr esc_url sanitize_text_field sanitize_key "
    b"sanitize_title sanitize_email absint".split()
)


def _closure_only(ctx: Ctx, var: bytes) -> bool:
    """Every value the file gives ``$var`` is a closure written in it (``$fmt = function
    ($s) { ... };``), an object of a class it declares (``$slug = new Slugger();``: its
    ``__invoke()`` runs) or the literal name of a function that only formats or escapes text
    (``$fn = $upper ? 'strtoupper' : 'ucfirst';``): calling it runs code the other rules
    read, or nothing that harms."""
    given = var_assigns(ctx.code, var, _ASSIGN_OR_APPEND, 10)
    if not given:
        return False
    for _, am in given:
        if am.group(0).lstrip()[:1] != b"=":
            return False
        rhs = am.group(1)
        if _CLOSURE_VALUE.match(rhs) is not None:
            continue
        obj = _NEW_OBJECT.match(rhs)
        if obj is not None:
            if not _declares_class(ctx, obj.group(1)):
                return False
            continue
        choice = _NAME_CHOICE.match(rhs)
        if choice is None:
            return False
        for n in choice.groups():
            if n is not None:
                name = ctx.lx.value(int(n)).strip().lower().lstrip(b"\\")
                if name not in _TEXT_FUNCTIONS:
                    return False
    return True


def _declares_class(ctx: Ctx, name: bytes) -> bool:
    """The file declares the class ``name`` (lower-cased): ``class Name``, maybe final,
    abstract or readonly; not an interface's or a trait's name."""
    at = find(ctx.code, name)
    while at >= 0:
        end = at + len(name)
        head = ctx.code[max(0, at - 12) : at]
        if head.rstrip().endswith(b"class") and head[-1:] in (b" ", b"\t", b"\n") and (
            end >= len(ctx.code) or ctx.code[end : end + 1] in (b" ", b"\t", b"\n", b"{")
        ):
            return True
        at = find(ctx.code, name, end)
    return False


# what turns a name into something no reader sees: character codes, hex, pieces kept in
# $GLOBALS or in an array glued later, reversed or encoded text (a callback kept whole in
# $GLOBALS is configuration: csrf-magic's $GLOBALS['csrf']['callback'])
_OBSCURING = tight(
    rb"(?<![\w$>:])(?:chr|hexdec|implode|join|pack|hex2bin|strrev|str_rot13|base64_decode)"
    rb"\s*\(|\$globals\s*\[[^\]]{0,40}\]\s*\.|\.\s*\$globals\s*\["  # $GLOBALS pieces glued
)


_ASSIGN_OR_APPEND = tight(rb"\s*\.?=(?![=>])([^;]{0,300})")


def _obscured_name(ctx: Ctx, var: bytes) -> bool:
    """The variable ``$var`` gets its value, or a piece of it, from an obscuring expression
    (:data:`_OBSCURING`) and never from request input: a function name the script hides
    (``$f .= chr(hexdec($p))`` over hex pairs, ``$GLOBALS['a'] . $GLOBALS['b']``,
    ``implode('', $parts)``)."""
    rhs = [am.group(1) for _, am in var_assigns(ctx.code, var, _ASSIGN_OR_APPEND, 10)]
    return any(_OBSCURING.search(r) for r in rhs) and not any(REQ_RE.search(r) for r in rhs)


# where a command-line tool reads code typed by its user (a REPL, a benchmark of snippets)
_CONSOLE_INPUT = tight(
    rb"\bstdin\b|\breadline\s*\(|readconsole\s*\(|->\s*get(?:option|arg)\s*\(|\$argv\b|\bgetopt\s*\("
)


@feature("eval_variable")
def _eval_variable(ctx: Ctx, rule: Rule) -> Hit | None:
    """eval() of a variable (the pattern), unless every assignment of that variable reads
    console input and no request input (assignments that wrap its own value, ``$code =
    "function f() { $code }"``, aside): a command-line REPL, not a web backdoor."""
    assert rule.regex is not None
    code = ctx.code
    for m in bounded_finditer(rule.regex, code, 50, first=ctx.first):
        var = m.group(1)
        rhs = [
            text
            for _, am in var_assigns(code, var, TAIL_RHS, 10)
            if not _mentions(text := interpolated(ctx, expression(am.group(1))), b"$" + var)
        ]
        console = bool(rhs) and all(
            _CONSOLE_INPUT.search(r) is not None and REQ_RE.search(r) is None for r in rhs
        )
        if (
            not console
            and not _sums_only_param(ctx, m.start(), var)
            and not _template_block_eval(ctx, var, m.start())
            and not _stored_snippet_shortcode(ctx, m.start(), var)
        ):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    # eval("$code"), eval("{$code}"): a double-quoted string that is only a variable
    for m in bounded_finditer(_EVAL_QUOTED_VAR, code, 20, first=ctx.first):
        if _ONLY_VAR.fullmatch(ctx.lx.value(int(m.group(1))).strip()):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# a read of the site's own database or settings: a query's rows, an option, a post's field
_SITE_DB_READ = tight(
    rb"->\s*(?:get_results|get_row|get_var|get_col|fetch\w*)\s*\(|"
    rb"(?<![\w$>:])(?:get_option|get_post_meta|get_post_field|mysqli_fetch_\w+|mysql_fetch_\w+)\s*\("
)


def _stored_snippet_shortcode(ctx: Ctx, at: int, var: bytes) -> bool:
    """The eval() at ``at`` runs ``$var`` in the body of a named function that the file
    registers as a shortcode's handler (``add_shortcode('tag', 'run_snippet')``, or
    ``[$this, 'run_snippet']``), a body that reads the site's own database or settings
    (``$wpdb->get_results(...)``, ``get_option()``) and neither request input nor a fetch
    nor a decoder, and ``$var`` is none of the handler's parameters (the shortcode's
    attributes and text, which a post's author writes) and holds no request input or
    decoded data: a code-snippet plugin running the PHP its administrators stored, where a
    post names it. A backdoor keeps its code encoded, or takes it from the request."""
    code = ctx.code
    d = _enclosing_def(code, at)
    if d is None or var in {p.group(1) for p in _PARAM_NAME.finditer(d.group(2))}:
        return False
    name = d.group(1)
    registered = False
    for _start, args in calls_to(ctx, (b"add_shortcode",), 20):
        parts = top_args(args)
        if len(parts) >= 2 and any(
            ctx.lx.value(int(i)).strip().lower() == name for i in PLACEHOLDER.findall(parts[1])
        ):
            registered = True
            break
    if not registered:
        return False
    end = find(code, b";", at, at + 400)
    body = code[d.start() : end if end >= 0 else at + 400]
    if _FETCHED_OR_DECODED.search(body) is not None or _SITE_DB_READ.search(body) is None:
        return False
    req, dec = taint(ctx)
    return var not in req and var not in dec


# a literal that is a sum and nothing else: digits, operators, brackets, dots, spaces (no
# name, no variable, no call); evaluated, it computes a number
_ARITHMETIC = tight(rb"[\d\s.+\-*/%()]+")
_LITERAL_ONLY = tight(rb"\s*@?\s*\x01(\d+)\x01\s*")
_CALL_OPEN = tight(rb"\s*\(")


def _sums_only_param(ctx: Ctx, at: int, var: bytes) -> bool:
    """``$var``, evaluated at ``at``, is a parameter of the named function around it, and
    each time the file names that function (its definition aside) is a plain call giving
    that parameter a literal sum (``function safe_eval($code) { ... eval($code); }`` called
    only as ``safe_eval("1.")``): the code evaluated is written in the file, and it is a
    number. A call with anything else (request input, a decoded or fetched text, a literal
    that names a function or a variable: ``run('system($_GET[1]);')``), a name given as a
    callback (``array_map('run', $_POST)``), a method call or a second definition keeps
    the finding; so does a function the file never calls."""
    code = ctx.code
    d = _enclosing_def(code, at)
    if d is None:
        return False
    params = [p.group(1) for p in _PARAM_NAME.finditer(d.group(2))]
    if var not in params:
        return False
    index, name = params.index(var), d.group(1)
    # the name in a literal: a callback, or a name built or looked up (the value of every
    # literal that may hold it, escapes undone)
    if any(name in ctx.lx.value(i).lower() for i in literals_holding(ctx, (name,), 1 << 30)):
        return False
    calls = 0
    pos = find(code, name)
    while pos >= 0:
        end = pos + len(name)
        if (pos and code[pos - 1] in NAME_BYTES) or (end < len(code) and code[end] in NAME_BYTES):
            pos = find(code, name, end)
            continue  # a part of another name
        if not d.start() <= pos < d.end():
            before = code[max(0, pos - 12) : pos].rstrip()
            opened = _CALL_OPEN.match(code, end)
            if (
                calls >= 20
                or (pos and code[pos - 1] in b"$>:")
                or before.endswith((b"function", b"new", b"->", b"::"))
                or opened is None
            ):
                return False  # a variable, a method, a second definition, a name not called
            args = top_args(code[opened.end() : opened.end() + 400])
            lit = _LITERAL_ONLY.fullmatch(args[index]) if index < len(args) else None
            if lit is None or _ARITHMETIC.fullmatch(ctx.lx.value(int(lit.group(1)))) is None:
                return False
            calls += 1
        pos = find(code, name, end)
    return calls > 0


# a function (named, or a closure) whose first parameter is the variable eval() is given
_FUNC_PARAM = tight(
    rb"(?<![\w$>:])function\s*&?\s*([\w\x80-\xff]*)\s*\(\s*\$([\w\x80-\xff]+)"
)
# a regex that cuts <?php ... ?> blocks out of a text (a template's own PHP)
_PHP_BLOCK_RX = tight(rb"<\\?\?(?:php|=)?.{0,80}?\\?\?>", re.I | re.S)
# text that came from elsewhere: fetched, read from a stream, decoded, or sent
_FETCHED_OR_DECODED = tight(
    rb"file_get_contents|curl_|fopen|fsockopen|fread|fgets|stream_get_contents|"
    rb"(?<![\w$>:])file\s*\(|base64|gzinflate|gzuncompress|gzdecode|str_rot13|hex2bin|"
    rb"uudecode|urldecode|getenv|php://|\$_(?:get|post|request|cookie|server|files|env)\b"
)
_ONLY_LITERAL = tight(rb"\s*\x01(\d+)\x01\s*")


def _function_before(code: bytes, pos: int) -> re.Match[bytes] | None:
    """The last ``function name($first`` (or closure) written in the 4000 bytes before
    ``pos``."""
    last = None
    for last in _FUNC_PARAM.finditer(code, max(0, pos - 4000), pos):  # noqa: B007
        pass
    return last


def _made_from(code: bytes, var: bytes, param: bytes, lo: int, pos: int) -> bool:
    """Every value ``$var`` gets between ``lo`` and ``pos`` is made from ``$param`` (a copy
    of it, trimmed or cleaned), and none is fetched, decoded or read from the request."""
    made = [am.group(1) for at, am in var_assigns(code, var, TAIL_RHS, 10) if lo < at < pos]
    return bool(made) and all(
        search_named(rb"\b", r, param) is not None and _FETCHED_OR_DECODED.search(r) is None
        for r in made
    )


def _template_block_eval(ctx: Ctx, var: bytes, pos: int) -> bool:
    """The eval() at ``pos`` runs ``$var``, the match a ``preg_replace_callback`` hands its
    callback (or a copy made of it), where the regex cuts ``<?php ... ?>`` blocks out of a
    text the file neither takes from the request nor fetches nor decodes: a CMS filter that
    runs the PHP written in its own templates or posts (``preg_replace_callback(
    '/<\\?php(.*?)\\?>/s', 'run_block', $content)``), not code a visitor sends or a script
    downloads."""
    code = ctx.code
    fn = _function_before(code, pos)
    if fn is None:
        return False
    if fn.group(2) != var and not _made_from(code, var, fn.group(2), fn.end(), pos):
        return False
    body_at = find(code, b"{", fn.end(), pos)
    if body_at < 0 or len(braced(code, body_at, pos - body_at + 1)) <= pos - body_at:
        return False  # the eval is not inside that function's body
    name = fn.group(1).lower()
    req, dec = taint(ctx)
    for at, _ in calls_to(ctx, (b"preg_replace_callback",), 20):
        open_at = find(code, b"(", at)
        args_text = code[open_at + 1 : open_at + 8001]
        args_text = args_text[: close_paren(args_text)]
        args = top_args(args_text)
        if len(args) < 3:
            continue
        pattern = _ONLY_LITERAL.fullmatch(args[0])
        if pattern is None or not _PHP_BLOCK_RX.search(ctx.lx.value(int(pattern.group(1)))):
            continue
        if name:  # the callback names the function ('run_block', [$this, 'run_block'])
            named = [ctx.lx.value(int(i)).strip().lower() for i in PLACEHOLDER.findall(args[1])]
            if name not in named:
                continue
        elif not open_at < fn.start() < open_at + 1 + len(args_text):
            continue  # the closure is not this call's callback
        subject = args[2]
        names = set(VAR.findall(subject))
        if (
            _FETCHED_OR_DECODED.search(subject) is not None
            or names & (req | dec)
            or any(
                _FETCHED_OR_DECODED.search(am.group(1)) is not None
                for n in names
                for _, am in var_assigns(code, n, TAIL_RHS, 10)
            )
            or not _callers_clean(ctx, at, names)
        ):
            continue
        return True
    return False


def _callers_clean(ctx: Ctx, pos: int, names: set[bytes]) -> bool:
    """Where ``names`` are parameters of the named function around ``pos``, no call of that
    function in the file passes it request input, fetched or decoded text."""
    code = ctx.code
    fn = _function_before(code, pos)
    if fn is None or not fn.group(1):
        return True
    after = fn.end(2)
    params = set(VAR.findall(code[after : after + close_paren(code[after : after + 400])]))
    if not names & (params | {fn.group(2)}):
        return True
    req, dec = taint(ctx)
    for _, args in calls_to(ctx, (fn.group(1),), 50):
        if _FETCHED_OR_DECODED.search(args) is not None or set(VAR.findall(args)) & (req | dec):
            return False
    return True


_EVAL_QUOTED_VAR = tight(rb"eval\s*\(\s*@?\s*\x01(\d+)\x01\s*\)")
_ONLY_VAR = tight(rb"\{?\$(?!this\b)[A-Za-z_\x80-\xff][\w\x80-\xff]*\}?")


# names that run code or commands when called by a name the script built
_BUILT_CALL_NAMES = frozenset(
    {
        b"assert", b"system", b"exec", b"shell_exec", b"passthru", b"popen", b"proc_open",
        b"pcntl_exec", b"create_function", b"call_user_func", b"call_user_func_array",
        b"eval", b"array_map", b"array_filter", b"usort", b"uasort", b"uksort",
        b"array_walk", b"register_shutdown_function", b"register_tick_function",
        b"forward_static_call", b"forward_static_call_array", b"iterator_apply",
        b"preg_replace", b"include", b"require",
    }
)  # fmt: skip
# callback APIs: the first argument (or, for these, another) is the function they call
_CALLBACK_NAMES = (
    rb"call_user_func(?:_array)?|forward_static_call(?:_array)?|array_map|"
    rb"register_shutdown_function|register_tick_function|iterator_apply|ob_start|"
    rb"array_filter|array_walk|usort|uasort|uksort|array_reduce"
)
_CALLBACK_FILTER = (
    rb"filter_callback\s*,\s*(?:array\s*\(|\[)\s*\x01\d+\x01\s*=>|"  # filter_var's callback
    rb"filter_callback\s*,\s*\x01\d+\x01\s*=>"  # filter_var_array's: 'filter' => .., 'options' =>
)
_CALLBACK_APIS = tight(
    rb"(?:" + _CALLBACK_NAMES + rb"|new\s+reflectionfunction|closure\s*::\s*fromcallable)\s*\(|"
    + _CALLBACK_FILTER
)
# the same where the code holds neither "reflectionfunction" nor "fromcallable": those two
# alternatives cannot match there, so the matches are the same, and each "new" of the file is
# no longer a place to try the pattern at
_CALLBACK_APIS_PLAIN = tight(rb"(?:" + _CALLBACK_NAMES + rb")\s*\(|" + _CALLBACK_FILTER)
# the words of _CALLBACK_APIS that the gate scan looks for anyway, and the others
_CALLBACK_GATE = (*CB_FIRST, *CB_SECOND, *CB_LAST)
_CALLBACK_MORE = (b"forward_static_call", b"ob_start", b"filter_callback", b"fromcallable",
                  b"register_tick_function", b"->u")  # fmt: skip
#: the words the callback scan looks for (in the gate scan's word set: one pass finds them)
CALLBACK_WORDS = (*_CALLBACK_MORE, *(leading_words(_CALLBACK_APIS) or ()))
# ArrayObject / ArrayIterator sorting with a callback: $a->uksort('assert')
_METHOD_CALLBACK = tight(rb"->\s*u[ak]sort\s*\(")


# the callback APIs of _CALLBACK_NAMES that take the callback as their second argument
_SECOND_ARG_CALLBACK = frozenset(
    {b"array_filter", b"array_walk", b"usort", b"uasort", b"uksort", b"array_reduce",
     b"iterator_apply"}
)  # fmt: skip


def _dangerous(value: bytes) -> bool:
    return value.strip().lower().lstrip(b"\\") in _BUILT_CALL_NAMES


# functions that write a file: the name a dropper hides when it writes its payload
_WRITER_NAMES = frozenset(
    {b"file_put_contents", b"fwrite", b"fputs", b"move_uploaded_file", b"copy"}
)


def _writer(value: bytes) -> bool:
    return value.strip().lower().lstrip(b"\\") in _WRITER_NAMES


def _opening(code: bytes, close: int, opens: int = 40, closes: int = 41) -> int:
    """The ``(`` (or the ``opens`` byte) that the ``)`` (``closes``) at ``close`` closes
    (within 400 bytes), or -1."""
    depth = 0
    for i in range(close, max(-1, close - 400), -1):
        c = code[i]
        if c == closes:
            depth += 1
        elif c == opens:
            depth -= 1
            if depth == 0:
                return i
    return -1


# a callback API's name given to a callback API, then a closure: the closure's own code
# runs, later (Symfony's error handler registers its shutdown hook so)
_FORWARDS_CLOSURE = tight(rb"\s*,\s*(?:static\s+)?(?:function|fn)\s*\(")
_FORWARDERS = frozenset(
    {
        b"call_user_func", b"call_user_func_array", b"array_map", b"array_filter", b"usort",
        b"uasort", b"uksort", b"array_walk", b"register_shutdown_function",
        b"register_tick_function", b"forward_static_call", b"forward_static_call_array",
        b"iterator_apply",
    }
)  # fmt: skip
_BARE_CALLBACK = tight(rb"\s*@?\s*([a-z_][a-z0-9_]*)\s*,")


# a literal called as a function right after a "." (sy . 'stem'($_GET['c'])): PHP calls
# the last piece alone, but the pieces spell out the name the writer meant to call
_LITERAL_CALLED = tight(rb"\.\s*\x01(\d+)\x01\s*\(")
# the pieces glued before it: literals and bare words (undefined constants)
_GLUED_BEFORE = tight(
    rb"(?:(?<![\w$>:\\\x80-\xff])[a-z_][\w]*\s*\.\s*|\x01\d+\x01\s*\.\s*)+\Z"
)


def _glued_literal_calls(ctx: Ctx, env: fold.Env) -> Iterator[tuple[bytes, int, int]]:
    """Each string literal called as a function at the end of a concatenation of literals and
    bare words (``sy.'stem'($_GET['c'])``, ``'pass'.'thru'($x)``) whose pieces fold into a
    name: a name written in pieces so that it never shows whole. The name, and where the
    evidence starts and ends."""
    code = ctx.code
    if find(code, b".") < 0:
        return
    for m in itertools.islice(_LITERAL_CALLED.finditer(code), 100):
        lo = max(0, m.start() - 200)
        chain = _GLUED_BEFORE.search(code, lo, m.start() + 1)
        if chain is None:
            continue
        f = fold.fold_at(code, ctx.lx, chain.start(), env)
        if f is not None and f.built and f.end == m.end(1) + 1:
            yield f.value, chain.start(), m.end() + 40


@feature("built_name_call")
def _built_name_call(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function name the script computes from literals (XOR or ``~`` of strings,
    ``substr``/``strrev``/``str_rot13``/``base64_decode``/``chr`` of literals, pieces glued,
    through variables) that names a code or command runner, and is then called: directly
    (``$f(...)``, ``(...)(...)``) or through a callback API. The constant folder reads the
    values; nothing is run."""
    return _built_call(ctx, _dangerous, plain=True)


@feature("built_writer_call")
def _built_writer_call(ctx: Ctx, rule: Rule) -> Hit | None:
    """The same for a function that writes files (``file_put_contents``, ``fwrite``...):
    ``(~urldecode('%99%96...'))('x.php', '<?php ' . $_POST['a'])`` hides the writer's name
    from a reader as a runner's is hidden. A plain literal name (``$w = 'fwrite'``) is not
    built and does not count."""
    return _built_call(ctx, _writer, plain=False)


# a function name the script computes, at a call: (name, built, given to a callback API, where
# the evidence starts, where it ends)
_Callee = tuple[bytes, bool, bool, int, int]


def _built_call(ctx: Ctx, named: Callable[[bytes], bool], *, plain: bool) -> Hit | None:
    """:func:`_built_name_call` for the names ``named`` accepts; ``plain``: a callback API
    given the name as a plain literal or a bare word counts too. The callees are found once
    per file for both rules (:func:`_built_callees`), as far as either has read them."""
    got = ctx.cache.get("built-callees")
    if got is None:
        got = ([], _built_callees(ctx))
        ctx.cache["built-callees"] = got
    seen: list[_Callee] = got[0]
    rest: Iterator[_Callee] = got[1]
    i = 0
    while True:
        if i < len(seen):
            callee = seen[i]
        else:
            nxt = next(rest, None)
            if nxt is None:
                return None
            seen.append(nxt)
            callee = nxt
        i += 1
        value, built, callback, at, end = callee
        if (built or (plain and callback)) and named(value):
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, end))


def _built_callees(ctx: Ctx) -> Iterator[_Callee]:
    """The names called that the constant folder computes, in the order the rules read them:
    calls of variables (``$f(...)``), of parenthesized expressions (``(...)(...)``), literals
    called at the end of a glued chain, then the callback arguments of callback APIs (a plain
    literal or a bare word there too, not built)."""
    code = ctx.code
    lx = ctx.lx
    env = fold.Env(code, lx, ctx.cache)  # folds only the assignments of the variables read
    # each call of a variable is one of SINK_VARCALL too: none before the first of those
    first = first_varcall(ctx)
    calls = varcalls(code, 200, pos=first.start(), brackets=False) if first else ()
    for m in calls:
        pos = m.start()
        if pos and code[pos - 1] in b"$>:":
            continue
        held = env.get(m.group(1), pos)
        if held is not None and held[1]:
            yield held[0], True, False, pos, pos + 80
    for m in paren_calls(code, 500):
        start = _opening(code, m.start())
        if start < 0:
            continue
        f = fold.fold_at(code, lx, start, env)
        if f is not None and f.built and f.end == m.start() + 1:
            yield f.value, True, False, start, m.end() + 40
    for value, at, end in _glued_literal_calls(ctx, env):
        yield value, True, False, at, end
    sites: Iterable[re.Match[bytes]] = ()
    if has_any(ctx, _CALLBACK_GATE) or has_any(ctx, _CALLBACK_MORE):
        apis = (
            _CALLBACK_APIS
            if ctx.first(b"reflectionfunction") >= 0 or ctx.first(b"fromcallable") >= 0
            else _CALLBACK_APIS_PLAIN
        )
        sites = itertools.chain(
            bounded_finditer(apis, code, 500, first=ctx.first),
            # each match holds "uasort" or "uksort": not searched for without them
            itertools.islice(_METHOD_CALLBACK.finditer(code), 100)
            if ctx.first(b"uasort") >= 0 or ctx.first(b"uksort") >= 0
            else (),
        )
    for m in sites:
        at = m.end()
        head = code[m.start() : m.end()].split(b"(", 1)[0].strip()
        if head in _SECOND_ARG_CALLBACK:  # usort($a, 'as' . 'sert'): the second argument
            at = fold.argument_start(code, m.end(), 1)
            if at < 0:
                continue
        f = fold.fold_at(code, lx, at, env)
        if f is None:
            # a bare word that no define() names: PHP 7 passes its name (call_user_func(assert, ..))
            bare = _BARE_CALLBACK.match(code, m.end())
            if bare is not None and env.constant(bare.group(1)) is None:
                yield bare.group(1), False, True, m.start(), bare.end() + 40
            continue
        # a plain literal name counts too for a runner: 'ass\x65rt', a variable that holds it
        after = code[f.end : f.end + 8].lstrip()
        forwards = f.value.strip().lower().lstrip(b"\\") in _FORWARDERS
        if forwards and after[:1] == b"," and _FORWARDS_CLOSURE.match(code, f.end):
            continue  # register_shutdown_function('register_shutdown_function', function () ..)
        if after[:1] in (b",", b")", b"]"):
            yield f.value, f.built, True, m.start(), f.end + 40

_COM = tight(rb"new\s+\\?com\s*\(")
_COM_SHELLS = frozenset({b"wscript.shell", b"shell.application", b"wscript.network"})


@feature("com_shell")
def _com_shell(ctx: Ctx, rule: Rule) -> Hit | None:
    """A Windows scripting host object (``new COM('WScript.Shell')``, the name glued or
    encoded or not): a web server's PHP has no business running cmd.exe through it."""
    code = ctx.code
    env = fold.Env(code, ctx.lx, ctx.cache)
    for m in bounded_finditer(_COM, code, 200):
        f = fold.fold_at(code, ctx.lx, m.end(), env)
        if f is not None and f.value.strip().lower() in _COM_SHELLS:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), f.end + 40))
    return None


# request input written inside a string: "$_POST[x]", "${_GET[x]}", "{$_COOKIE['x']}"
_REQ_IN_TEXT = tight(rb"\{?\$\{?_(?:get|post|request|cookie)\b", re.I)


@feature("eval_interpolated")
def _eval_interpolated(ctx: Ctx, rule: Rule) -> Hit | None:
    """eval/assert of a double-quoted string that has request input written inside it
    (``eval("?>$_POST[code]<?")``): the request's text runs as code."""
    lx = ctx.lx
    for start, args in calls_to(ctx, EVAL_NAMES_B[:2], 50):
        for p in PLACEHOLDER.finditer(args):
            idx = int(p.group(1))
            raw = lx.raw_strings[idx]
            # every match holds "$" (a payload of a megabyte has none: no case-blind search)
            if (
                lx.kinds[idx] in ("dq", "heredoc")
                and find(raw, b"$") >= 0
                and _REQ_IN_TEXT.search(raw)
            ):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# ... . 'ert' at the end of the callback: the literal end of a name
_LITERAL_SUFFIX = tight(rb"\.\s*\x01(\d+)\x01\s*$")
_CALLABLE_APIS = (
    *CB_FIRST,
    *CB_SECOND,
    *CB_LAST,
)


@feature("request_built_callable")
def _request_built_callable(ctx: Ctx, rule: Rule) -> Hit | None:
    """A callback API given a function name glued from request input and a literal that
    ends a runner's name (``forward_static_call_array($x . 'ert', ...)`` with ``$x =
    substr($_SERVER['HTTP_REFERER'], -7, -4)``) or starts it (``array_map('sys' . $x,
    ...)``): the visitor sends the rest of ``assert`` or ``system``. A dispatcher
    (``'action_' . $_GET['do']``, ``$t . '_handler'``) is not counted."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    for start, args in calls_to(ctx, _CALLABLE_APIS, 100):
        end = find(code, b"(", start)
        name = code[start:end].rstrip()
        callback = (
            first_arg(args)
            if name in (*CB_FIRST, b"forward_static_call", b"forward_static_call_array")
            else _callback_arg(name, args)
        )
        if callback is None:
            continue
        # the end of a runner's name ('ert', 'stem'), or its start ('ass' . $x): a
        # dispatcher's '_handler' or 'action_' is neither
        tail = _LITERAL_SUFFIX.search(callback.strip())
        head = _LITERAL_HEAD.match(callback)
        if not (
            (tail is not None and _runner_piece(ctx.lx.value(int(tail.group(1))), False))
            or (head is not None and _runner_piece(ctx.lx.value(int(head.group(1))), True))
        ):
            continue
        if REQ_RE.search(callback):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
        for v in VAR.findall(callback)[:4]:
            # the variable's last plain assignment before the call
            found = None
            for a in re.finditer(
                rb"\$" + re.escape(v) + rb"\s*=(?![=>])([^;]{0,200});", code[:start]
            ):
                found = a
            if found is not None and REQ_RE.search(found.group(1)):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    return None


# new $class(...), new $_GET['c'](...), new $cfg['c'](...): a class named by a value
_NEW_DYNAMIC = tight(
    rb"\bnew\s+(?:\\?reflectionclass\s*\(\s*@?)?(?:(" + REQ + rb")|\$(" + NAME_P + rb")(?!\s*->))"
)


@feature("request_class")
def _request_class(ctx: Ctx, rule: Rule) -> Hit | None:
    """An object made of a class the visitor names (``new $_GET['c']($_GET['a'])``, a
    ``new ReflectionClass`` of it, or a variable holding request input as it is): any class
    the code can load, with the
    visitor's arguments (SplFileObject reads and writes files, a class whose destructor runs
    code...). Factories name classes from configuration or add a fixed prefix or suffix."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    direct: set[bytes] | None = None
    for m in bounded_finditer(_NEW_DYNAMIC, code, 50, first=ctx.first):
        if m.group(1) is None:
            if direct is None:
                taint(ctx)
                direct = ctx.cache["direct"]
            if m.group(2) not in direct:
                continue
            if _class_type_checked(ctx, m):
                continue  # a front controller's handler: a class of its own kind, checked
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 60))
    return None


_NO_CONSTRUCTOR = tight(rb"->\s*newinstancewithoutconstructor\s*\(\s*\)")
_TYPE_TEST = tight(
    rb"(?<![\w$>:])(?:implements_interface|is_subclass_of|is_a)\s*\(\s*\$(" + NAME_P + rb")\s*,"
    rb"|\$(" + NAME_P + rb")\s+instanceof\b"
)


def _class_type_checked(ctx: Ctx, m: re.Match[bytes]) -> bool:
    """Whether the class the request names (``$op``, matched by ``m``) must be of the
    application's own kind before anything of it runs: ``is_subclass_of($op, 'Handler')``
    before the ``new``, or ``new ReflectionClass($op)`` made an instance without running its
    constructor and that instance is tested (``implements_interface($handler, 'IHandler')``,
    ``instanceof``) before use, as Tiny Tiny RSS's backend.php does. A backdoor runs the
    constructor of whatever class it is given, with the visitor's arguments."""
    code = ctx.code
    var = m.group(2)
    for t in itertools.islice(_TYPE_TEST.finditer(code, 0, m.start()), 20):
        if (t.group(1) or t.group(2)) == var and code.startswith(b"is_subclass_of", t.start()):
            return True
    if find(code, b"reflectionclass", m.start(), m.end()) < 0:
        return False
    made = _NO_CONSTRUCTOR.search(code, m.end(), m.end() + 400)
    if made is None:
        return False
    got = assignment_before(code, made.start())
    if got is None:
        return False
    handler = got[0]
    return any(
        (t.group(1) or t.group(2)) == handler
        for t in itertools.islice(_TYPE_TEST.finditer(code, made.end(), made.end() + 600), 10)
    )


# a magic method (run by PHP itself: at the end of the script, on echo, on unserialize...)
_MAGIC_DEF = tight(
    rb"function\s+&?\s*(?:__destruct|__tostring|__wakeup|__get|__set|__call|__callstatic|"
    rb"__invoke|__unserialize|__serialize|__isset|__unset)\s*\("
)
# ... whose body runs one of the object's properties as code or as a command
_RUNS_PROPERTY = tight(
    rb"(?<![\w$>:])(?:eval|assert|create_function|system|exec|shell_exec|passthru|popen|"
    rb"proc_open)\s*\(\s*@?\s*\$this\s*->\s*[\w\x80-\xff]+\s*\)"
)


def _runs_property_at(ctx: Ctx) -> re.Match[bytes] | None:
    """The first eval/exec of ``$this->prop`` in a magic method's body."""
    code = ctx.code
    for m in bounded_finditer(_MAGIC_DEF, code, 50, first=ctx.first):
        body = code[m.end() : m.end() + 600]
        close = find(body, b"function")  # the next method: not this body
        r = _RUNS_PROPERTY.search(code, m.end(), m.end() + (close if close >= 0 else len(body)))
        if r is not None:
            return r
    return None


_NEW_WITH_REQUEST = tight(rb"\bnew\s+[\w\\]+\s*\(\s*@?\s*" + REQ)


@feature("magic_method_evals_request")
def _magic_method_evals_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A magic method that evaluates or runs one of the object's properties (as
    php.magic-method-runs-property), and the script fills that property with request input:
    ``$o->data = $_POST['x']``, a tainted variable, or the constructor's parameter where the
    object is made with request input (``new C($_REQUEST['k'])``). The eval of the visitor's
    text happens when PHP destroys, prints or calls the object (AntSword-style class shells)."""
    if not has_request_words(ctx):
        return None
    r = _runs_property_at(ctx)
    if r is None:
        return None
    code = ctx.code
    prop = re.search(rb"->\s*([\w\x80-\xff]+)\s*\)$", r.group(0))
    if prop is None:
        return None
    filled = re.compile(
        rb"->\s*" + re.escape(prop.group(1)) + rb"\s*=(?![=>])\s*&?\s*@?\s*([^;]{1,160})"
    )
    req: set[bytes] | None = None
    for m in itertools.islice(filled.finditer(code), 20):
        rhs = m.group(1)
        v = VAR.match(rhs)
        if REQ_RE.match(rhs) is not None:
            return Hit(ctx.line_of_code(r.start()), ctx.excerpt_code(r.start(), r.end()))
        if v is None:
            continue
        if req is None:
            req = taint(ctx)[0]
        # a request variable, or a parameter of a constructor the script calls with input
        if v.group(1) in req or (
            code.rfind(b"__construct", max(0, m.start() - 400), m.start()) >= 0
            and prefiltered_search(_NEW_WITH_REQUEST, code, ctx.first) is not None
        ):
            return Hit(ctx.line_of_code(r.start()), ctx.excerpt_code(r.start(), r.end()))
    return None


@feature("magic_method_runs_property")
def _magic_method_runs_property(ctx: Ctx, rule: Rule) -> Hit | None:
    """A magic method (``__destruct``, ``__toString``, ``__wakeup``...: PHP calls it by
    itself) that evaluates or runs one of the object's properties as code or a command:
    whoever sets the property (the script from the request, or an unserialize() payload)
    runs code without a visible eval of request input. Template engines and code
    generators evaluate their code in ordinary methods."""
    code = ctx.code
    for m in bounded_finditer(_MAGIC_DEF, code, 50, first=ctx.first):
        body = code[m.end() : m.end() + 600]
        close = find(body, b"function")  # the next method: not this body
        r = _RUNS_PROPERTY.search(body, 0, close if close >= 0 else len(body))
        if r is not None:
            at = m.end() + r.start()
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 80))
    return None


# a phar archive built by the script, an object stored as its metadata, a stub given
_PHAR_NEW = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*new(?:\s+|\s*(?=\\))\\?phar(?:data)?\s*\("
)
_NEW_OBJECT = tight(rb"\s*new\s+\\?(" + NAME_P + rb"(?:\\" + NAME_P + rb")*)")
_TAIL_NEW = tight(rb"\s*=\s*new\s+\\?(" + NAME_P + rb"(?:\\" + NAME_P + rb")*)")
# classes whose objects run nothing when unserialized: data, not a gadget
_INERT_CLASSES = frozenset({b"stdclass", b"arrayobject", b"arrayiterator", b"datetime"})
# the first bytes of an image a stub starts with to pass an upload's type check
_IMAGE_HEADS = (b"gif87a", b"gif89a", b"\xff\xd8\xff", b"\x89png", b"bm")


def _metadata_object(ctx: Ctx, arg: bytes) -> bytes | None:
    """The class of the object ``arg`` (a setMetadata() argument) is: ``new C(...)``, or a
    variable the file sets to one; None for data (an array, a string, a config value) and
    for classes whose objects run nothing (stdClass, ArrayObject)."""
    arg = arg.strip().lstrip(b"@").strip()
    m = _NEW_OBJECT.match(arg)
    if m is not None:
        name = m.group(1).rsplit(b"\\", 1)[-1]
        return None if name in _INERT_CLASSES else m.group(1)
    v = VAR.fullmatch(arg)
    if v is None:
        return None
    for _, am in var_assigns(ctx.code, v.group(1), _TAIL_NEW, 8):
        name = am.group(1).rsplit(b"\\", 1)[-1]
        if name not in _INERT_CLASSES:
            return am.group(1)
    return None


@feature("phar_deserialization_payload")
def _phar_deserialization_payload(ctx: Ctx, rule: Rule) -> Hit | None:
    """The script builds a phar archive to be opened later through ``phar://``, which
    unserializes the archive's metadata: it stores an object of a class (a gadget whose
    __destruct or __wakeup runs what its properties say) as the metadata, or gives the
    archive a stub that starts with an image's header (GIF89a...) so that an upload form
    takes it for a picture. Phar build scripts of applications (a compiler packing a tool)
    store no metadata or plain data (an array, a version string), and their stub is PHP."""
    code = ctx.code
    value = ctx.lx.value
    for new in itertools.islice(_PHAR_NEW.finditer(code), 10):
        phar = re.escape(new.group(1))
        calls = re.compile(rb"\$" + phar + rb"\s*->\s*(setmetadata|setstub)\s*\(")
        for m in itertools.islice(calls.finditer(code, new.end()), 40):
            arg = first_arg(code[m.end() : m.end() + 400])
            if m.group(1) == b"setmetadata":
                if _metadata_object(ctx, arg) is not None:
                    shown = ctx.excerpt_code(m.start(), m.end() + 60)
                    return Hit(ctx.line_of_code(m.start()), shown)
                continue
            stub = b"".join(value(int(p.group(1))) for p in PLACEHOLDER.finditer(arg)).lower()
            if stub.startswith(_IMAGE_HEADS) and b"__halt_compiler" in stub:
                return Hit(ctx.line_of_code(m.start()), excerpt(stub))
    return None


_VARVAR_USE = tight(rb"\$\$(" + NAME_P + rb")|\$\{\s*\$(" + NAME_P + rb")\s*\}")
_SUPERGLOBAL_NAMES = frozenset(
    {b"_get", b"_post", b"_request", b"_cookie", b"_server", b"_files", b"_env"}
)
# ... called, or handed to a code runner: $$n['f'](...), eval(${$n}['c'])
_VARVAR_RUN = tight(
    rb"(?:eval|assert|create_function|system|exec|shell_exec|passthru|popen|proc_open)"
    rb"\s*\(\s*@?\s*$"
)
_INDEXED_CALL = tight(rb"\s*(?:\[[^\]\n;]{0,60}\]\s*)+\(")


def _superglobal_named(ctx: Ctx, name: bytes) -> bool:
    """Whether ``$name`` is given a superglobal's name as a literal ($n = '_POST';) or runs
    over a literal list of them (foreach (array('_GET', '_POST') as $n))."""
    code = ctx.code
    for _, am in var_assigns(code, name, TAIL_LITERAL, 5):
        if ctx.lx.value(int(am.group(1))).strip().lower() in _SUPERGLOBAL_NAMES:
            return True
    for f in itertools.islice(re.finditer(rb"as\s*\$" + re.escape(name) + rb"\s*\)", code), 5):
        head = code[max(0, f.start() - 200) : f.start()]
        loop = head.rfind(b"foreach")
        if loop >= 0 and any(
            ctx.lx.value(int(p.group(1))).strip().lower() in _SUPERGLOBAL_NAMES
            for p in PLACEHOLDER.finditer(head, loop)
        ):
            return True
    return False


@feature("varvar_superglobal_run")
def _varvar_superglobal_run(ctx: Ctx, rule: Rule) -> Hit | None:
    """A request array read through a variable variable whose name the script sets as a
    literal (``$n = '_GET'; $$n['f']($$n['a'])``, ``foreach (array('_POST', '_GET') as $n)
    eval(${$n}['c'])``), and called as a function or given to eval/system: a backdoor that
    never writes ``$_POST`` where a reader or a scanner would look for it."""
    code = ctx.code
    seen: dict[bytes, bool] = {}
    for m in itertools.islice(_VARVAR_USE.finditer(code), 200):
        name = m.group(1) or m.group(2)
        if name not in seen:
            seen[name] = _superglobal_named(ctx, name)
        if not seen[name]:
            continue
        if _INDEXED_CALL.match(code, m.end()) or _VARVAR_RUN.search(
            code, max(0, m.start() - 40), m.start()
        ):
            return Hit(
                ctx.line_of_code(m.start()), ctx.excerpt_code(max(0, m.start() - 20), m.end() + 60)
            )
    return None


_VAR_NAMES = tight(rb"\$(" + NAME_P + rb")")
# include/require and the path expression after it, to its statement's end
_INCLUDE_STMT = tight(rb"(?<![\w$>:])(?:include|require)(?:_once)?\b\s*([^;]{1,300})")
# a store that PHP or the web server fills with what a visitor sends: the session files
# (their folder, "sess_" + the session's id), the process's environment and open files,
# the server's logs
_SAVE_PATH_CALL = tight(rb"session_save_path\s*\(")
_SESSION_ID_CALL = tight(rb"session_id\s*\(")
_SESS_PREFIX = tight(rb"(?:^|/)sess_$")
_VISITOR_STORE_TEXT = tight(
    rb"^session\.save_path$|^/proc/(?:self|\d+)/(?:environ|fd/|cmdline)"
    rb"|/var/log/|(?:^|/)(?:access|error)[._]log(?![\w.-]*\.(?:php|inc)\b)"
)


# one of these is in the literals' text wherever a literal makes _visitor_store_path hold
_VISITOR_STORE_WORDS = (b"session.save_path", b"sess_", b"/proc/", b"/var/log/", b"access.log",
                        b"access_log", b"error.log", b"error_log")  # fmt: skip


def _visitor_store_path(ctx: Ctx, expr: bytes) -> bool:
    """Whether a path expression names a file a visitor writes into: built with
    session_save_path() or a literal session.save_path, or "sess_" glued to session_id() (a
    file merely named sess_... is another matter), /proc/self/environ, a log of /var/log or
    an access/error log."""
    if _SAVE_PATH_CALL.search(expr) is not None:
        return True
    texts = [ctx.lx.value(int(p.group(1))).strip().lower() for p in PLACEHOLDER.finditer(expr)]
    if any(_VISITOR_STORE_TEXT.search(t) is not None for t in texts):
        return True
    return _SESSION_ID_CALL.search(expr) is not None and any(
        _SESS_PREFIX.search(t) is not None for t in texts
    )


@feature("include_visitor_store")
def _include_visitor_store(ctx: Ctx, rule: Rule) -> Hit | None:
    """include/require of a file that PHP or the web server fills with what a visitor sends:
    the session file (``include(ini_get('session.save_path') . '/sess_' . session_id())``
    after ``extract($_GET)`` lets the visitor put code in ``$_SESSION``), the process's
    environment or open files (``/proc/self/environ``: the User-Agent header), the server's
    access or error log (a request line): the visitor's text run as PHP. Directly, or
    through a variable set to such a path. An application includes its own code; a page
    that shows sessions or logs reads them (file_get_contents, fopen), never runs them."""
    code = ctx.code
    if find(code, b"session_") < 0:
        text = string_text(ctx)
        if not any(find(text, w) >= 0 for w in _VISITOR_STORE_WORDS):
            return None  # no literal names a store, no session function is called
    # tried where include/require start (the look-behind first made the regex engine try
    # every offset of the code)
    for m in itertools.islice(prefiltered_finditer(_INCLUDE_STMT, code, ctx.first), 200):
        expr = m.group(1)
        if _visitor_store_path(ctx, expr):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
        for v in itertools.islice(_VAR_NAMES.finditer(expr), 4):
            for _, am in var_assigns(code, v.group(1), TAIL_RHS, 3):
                if _visitor_store_path(ctx, am.group(1)):
                    return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# a call through a variable variable: $$f(...), ${$f}(...)
_VARVAR_CALL = tight(rb"(?:\$\$(" + NAME_P + rb")|\$\{\s*\$(" + NAME_P + rb")\s*\})\s*\(")


@feature("varvar_call_request")
def _varvar_call_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function called through a variable variable (``$$f(...)``, ``${$f}(...)``: the
    function is the value of the variable that ``$f`` names) where ``$f`` is request input
    or the call's arguments are (``$a = $_GET['a']; $b = $_GET['b']; $$b($_REQUEST['p'])``):
    the visitor picks the variable, so the function, and hands it its argument. Code that
    keeps callables in variables calls them by their own names (``$handler($x)``)."""
    code = ctx.code
    got: tuple[set[bytes], set[bytes]] | None = None
    for m in itertools.islice(_VARVAR_CALL.finditer(code), 50):
        if m.start() and code[m.start() - 1] in b">:$\\":
            continue  # $o->$$f(), C::$$f(): a method or a static property's value
        if got is None:
            req, _dec = taint(ctx)
            got = (req, req | ctx.cache.get("direct", set()))
        name = m.group(1) or m.group(2)
        end = m.end() + close_paren(code[m.end() : m.end() + 2000])
        args = code[m.end() : end]
        if (
            name in got[1]
            or REQ_RE.search(args) is not None
            or any(v.group(1) in got[0] for v in _VAR_NAMES.finditer(args))
        ):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), end + 1))
    return None


# a function or method definition with its parameter list
_DIRECT_INPUT = tight(rb"(?:\$_(?:get|post|request|cookie)\s*\[[^\]]{1,40}\]|getenv\s*\()\s*$")
_PARAM_NAME = tight(rb"\$(" + NAME_P + rb")")


def _param_runners(ctx: Ctx) -> dict[bytes, int]:
    """The file's functions and methods that call one of their parameters as a function
    (``function eat($a, $b) { $a($b); }``): name -> the position of that parameter."""
    out: dict[bytes, int] = {}
    code = ctx.code
    # where the code hands a variable to a callback API: only a body holding one of them
    # can forward its parameter (most bodies of a file that has one need not be cut out)
    # each match begins with one of the two names: tried only where one occurs (the pattern's
    # leading look-behind made the regex engine try every offset of the file)
    forward_at = (
        [c.start() for c in prefiltered_finditer(_FORWARD_CALL, code, ctx.first)]
        if ctx.first(b"call_user_func") >= 0 or ctx.first(b"forward_static_call") >= 0
        else []
    )
    forwards = bool(forward_at)
    if any_varcall_at(ctx) < 0 and not forwards:
        # a body is a part of the code: without a variable called in the code, none calls a
        # parameter (most files: their function bodies need not be cut out)
        return out
    for m in itertools.islice(_DEF_PARAMS.finditer(code), 300):
        params = [p.group(1) for p in _PARAM_NAME.finditer(m.group(2))]
        brace = find(code, b"{", m.end(), m.end() + 80)
        if brace < 0:
            continue
        if (
            forwards
            and (len(params) >= 2 or not params)
            and bisect.bisect_left(forward_at, brace) < bisect.bisect_left(forward_at, brace + 3000)
        ):
            body = braced(code, brace, 3000)
            at = _forwarded_name(body, params)
            if at is not None:
                out.setdefault(m.group(1), at)
                continue
        if len(params) < 2:
            continue
        body = braced(code, brace, 3000)
        for v in itertools.islice(BUILT_VARCALL.finditer(body), 20):
            if v.start() and body[v.start() - 1] in b"$>:":
                continue
            if v.group(1) in params:
                # its argument is another parameter: the function runs what it is given
                arg = VAR.match(body, _skip_space(body, v.end()))
                if arg is not None and arg.group(1) in params and arg.group(1) != v.group(1):
                    out.setdefault(m.group(1), params.index(v.group(1)))
    return out


# a callback API given a variable as the function to call
_FORWARD_CALL = tight(
    rb"(?<![\w$>:])(?:call_user_func(?:_array)?|forward_static_call(?:_array)?)\s*\(\s*\$(\w+)"
)
_ARGS_SHIFTED = tight(
    rb"\$(\w+)\s*=\s*(?:array_shift\s*\(\s*\$(\w+)\s*\)|\$(\w+)\s*\[\s*0\s*\])"
)
_ALL_ARGS = tight(rb"\$(\w+)\s*=\s*func_get_args\s*\(\s*\)")


def _forwarded_name(body: bytes, params: list[bytes]) -> int | None:
    """The position of the parameter that ``body`` hands a callback API as the function to
    call, with the other parameters (or the rest of ``func_get_args()``) as its arguments
    (``call_user_func_array($f, $args)``, ``$f = array_shift($a)`` from ``func_get_args()``),
    or None: a wrapper that runs whatever name it is given."""
    for c in itertools.islice(_FORWARD_CALL.finditer(body), 10):
        name = c.group(1)
        rest = body[c.end() : c.end() + 200]
        if name in params:
            others = set(VAR.findall(rest[: close_paren(rest)]))
            if others & (set(params) - {name}):
                return params.index(name)
            continue
        every = {a.group(1) for a in _ALL_ARGS.finditer(body)}
        if not every:
            continue
        for s in _ARGS_SHIFTED.finditer(body):
            if s.group(1) == name and (s.group(2) or s.group(3)) in every:
                return 0
    return None


def _skip_space(buf: bytes, pos: int) -> int:
    while pos < len(buf) and buf[pos] in b" \t\r\n@":
        pos += 1
    return pos


@feature("param_runner_request")
def _param_runner_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function or method that calls one parameter as a function with another
    (``function eat($a, $b) { $a($b); }``, a constructor or ``__invoke`` too), called with a
    request value as the function's name (``$cat->eat($_key, $_value)`` after ``foreach
    ($_POST as $_key => $_value)``, ``new C($_GET['f'], ...)``,
    ``ReflectionClass::newInstance``): the visitor picks the function and its argument."""
    if not has_request_words(ctx) and not has_any(ctx, (b"$$", b"${")):
        return None  # no request value to give it
    runners = _param_runners(ctx)
    if not runners:
        return None
    taint(ctx)
    # request values as they came: a name looked up in a table ($routes[$_GET['r']]) is not
    direct: set[bytes] = ctx.cache.get("direct", set())
    code = ctx.code
    ctor = runners.get(b"__construct")
    if ctor is None:
        ctor = runners.get(b"__invoke")
    words = [n for n in runners if not n.startswith(b"__")]
    alts = [re.escape(n) for n in words]
    if ctor is not None:
        alts += [rb"new\s+" + NAME_P, rb"newinstance(?:args)?"]
        words.append(b"new")
    if not alts:
        return None
    call = re.compile(rb"(?<![\w$])(" + rb"|".join(alts) + rb")\s*\(")
    # every match begins with one of the words: tried only where one occurs (the look-behind
    # first made the regex engine try every offset of the file)
    found = words_finditer(call, code, tuple(words)) if all(words) else call.finditer(code)
    for m in itertools.islice(found, 200):
        head = m.group(1)
        at = runners.get(head, ctor)
        if at is None or code[max(0, m.start() - 12) : m.start()].rstrip().endswith(b"function"):
            continue  # the definition itself
        args = top_args(code[m.end() : m.end() + 400])
        if head.startswith(b"newinstanceargs") and args:
            args = top_args(args[0].strip().lstrip(b"[").removeprefix(b"array(") + b")")
        if at >= len(args):
            continue
        name_arg = args[at].strip().lstrip(b"@")
        v = VAR.fullmatch(name_arg)
        tainted = _DIRECT_INPUT.match(name_arg) is not None or (
            v is not None and v.group(1) in direct
        )
        if tainted:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 80))
    return None


_DEF_PARAMS = tight(rb"function\s+&?\s*(" + NAME_P + rb")\s*\(([^)]{0,300})\)")
_CLASS_NAME = tight(rb"\bclass\s+(" + NAME_P + rb")")
# the parameter itself is evaluated, a literal glued around it or not ('?>' . $code): not a
# file read from it (a template engine evaluates the compiled file a name points to)
_EVALED_VAR = tight(
    rb"\s*@?\s*(?:\x01\d+\x01\s*\.\s*)?\$(" + NAME_P + rb")\s*(?:\.\s*\x01\d+\x01\s*)?$"
)


_BRACE = tight(rb"[{}]")


def _enclosing_def(code: bytes, pos: int) -> re.Match[bytes] | None:
    """The named function whose body holds ``pos`` (the last definition within 3,000 bytes
    before it, if its braces are still open at ``pos``), or None."""
    defs = list(itertools.islice(_DEF_PARAMS.finditer(code, max(0, pos - 3000), pos), 50))
    if not defs:
        return None
    d = defs[-1]
    opening = find(code, b"{", d.end(), pos)
    if opening < 0:
        return None
    depth = 0
    for b in _BRACE.finditer(code, opening, pos):  # the body must still be open at pos
        if b.group() == b"{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return None
    return d


# a shell command that is the parameter, an option glued after it or not ($c . ' 2>&1'); not
# a fixed program given arguments ('convert ' . $args)
_COMMAND_VAR = tight(rb"\s*@?\s*\$(" + NAME_P + rb")\s*(?:\.\s*\x01\d+\x01\s*)?$")


def _wrappers(
    ctx: Ctx, calls: list[tuple[int, bytes]], arg: re.Pattern[bytes] = _EVALED_VAR
) -> list[bytes]:
    """How the script calls its own functions and methods whose parameter is the first
    argument of one of ``calls`` as ``arg`` matches it (``function run($c) { eval($c); }``):
    their names, ``new Class`` for a constructor, ``obj Class`` for an ``__invoke``; at most
    10."""
    code = ctx.code
    out: list[bytes] = []
    for start, args in calls:
        used = arg.match(first_arg(args))
        if used is None:
            continue
        d = _enclosing_def(code, start)
        if d is None or used.group(1) not in VAR.findall(d.group(2)):
            continue
        name = d.group(1)
        if name in (b"__construct", b"__invoke"):
            cls = list(_CLASS_NAME.finditer(code, max(0, d.start() - 20000), d.start()))
            if not cls:
                continue
            name = (b"new " if name == b"__construct" else b"obj ") + cls[-1].group(1)
        elif name.startswith(b"__"):
            continue  # other magic methods: php.magic-method-runs-property
        if name not in out:
            out.append(name)
            if len(out) >= 10:
                break
    return out


def _eval_wrappers(ctx: Ctx) -> list[bytes]:
    """:func:`_wrappers` of eval/assert/create_function."""
    return _wrappers(ctx, _eval_calls(ctx, EVAL_NAMES_B, 100))


def _carries_request(ctx: Ctx, text: bytes, most: int) -> bool:
    """``text`` (a call's arguments, a statement) holds request input, or one of its first
    ``most`` variables is assigned from it (the taint pass runs only when one is passed)."""
    if UIN_RE.search(text):
        return True
    names = set(VAR.findall(text)[:most])
    return bool(names) and not names.isdisjoint(taint(ctx)[0])


def _wrapper_called_with(
    ctx: Ctx,
    wrappers: list[bytes],
    bare_of: Callable[[Ctx], set[bytes]] | None = None,
    encoded: bool = False,
    returned: tuple[str, ...] = ("req",),
) -> Hit | None:
    """The first call of one of ``wrappers`` (see :func:`_wrappers`) given request input, a
    variable holding it, or (``bare``) one of these variables never set by the script; or
    what a helper of the file's own returns of a kind in ``returned``
    (:func:`returned_call_kind`: the request's value, downloaded or decoded data), called in
    the arguments or held by a variable. ``encoded``: shell wrappers, where percent-encoded
    input after a literal command is an argument (:func:`encoded_argument`)."""
    code = ctx.code
    bare: set[bytes] | None = None
    helped: frozenset[bytes] | None = None
    for name in wrappers:
        if name.startswith(b"obj "):  # __invoke: the object given as a callback
            made = re.compile(rb"\bnew\s+" + re.escape(name[4:]) + rb"\b")
            for c in itertools.islice(made.finditer(code), 50):
                begin = max(code.rfind(b";", 0, c.start()), code.rfind(b"}", 0, c.start()))
                end = find(code, b";", c.end())
                stmt = code[begin + 1 : end if end >= 0 else len(code)][:400]
                if _carries_request(ctx, stmt, 8):
                    return Hit(ctx.line_of_code(begin + 1), ctx.excerpt_code(begin + 1, begin + 81))
            continue
        if name.startswith(b"new "):
            calls = re.compile(rb"\bnew\s+" + re.escape(name[4:]) + rb"\s*\(([^;]{0,200})")
        else:  # a call, a method call (->name, ::name); not the definition
            calls = re.compile(
                rb"(?<![\w\x80-\xff$])" + re.escape(name) + rb"\s*\(([^;]{0,200})"
            )
        for c in itertools.islice(calls.finditer(code), 200):
            pos = c.start()
            if code[max(0, pos - 12) : pos].rstrip().endswith(b"function"):
                continue
            # what escapeshellarg() quotes is an argument, not a command
            args = shell_quoted_removed(own_quoters_renamed(ctx, c.group(1)), cmd=True)
            if encoded and encoded_argument(ctx, args):
                continue  # so is what urlencode() leaves after a literal command
            if _carries_request(ctx, args, 6):
                return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
            used = set(VAR.findall(args)[:6])
            if returned_kinds(ctx):
                checked = checked_helpers(ctx)
                if helped is None:
                    got_req, got_dec = returned_taint(ctx)
                    given = returned_from(ctx)
                    helped = frozenset(
                        v for v in (got_req | got_dec if "dec" in returned else got_req)
                        if not given.get(v, checked) <= checked
                    )
                if (used and not used.isdisjoint(helped)) or returned_call_in(
                    ctx, c.start(1), c.group(1), returned, checked
                ):
                    return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
            if not used or bare_of is None:
                continue
            if bare is None:
                bare = bare_of(ctx)
            if used & bare:
                d = _enclosing_def(code, pos)
                if d is None or _global_in(code, d.end(), pos, used & bare):
                    return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
    return None


_GLOBAL_STMT = tight(rb"(?<![\w$>:])global\s([^;]{1,300});")


def _global_in(code: bytes, start: int, pos: int, names: set[bytes]) -> bool:
    """Whether a ``global`` statement between ``start`` (a function's head) and ``pos``
    names one of ``names``: in that function they are the script's top-level variables (a
    script moved into a function it calls once)."""
    for g in itertools.islice(_GLOBAL_STMT.finditer(code, start, pos), 20):
        if not names.isdisjoint(VAR.findall(g.group(1))):
            return True
    return False


@feature("eval_wrapper_request")
def _eval_wrapper_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function or method of the script's own that evaluates its parameter as PHP
    (``function run($c) { return eval($c); }``, a constructor that asserts its argument),
    called with request input or a variable holding it: an eval backdoor one call away from
    the request, so that no ``eval($_POST...)`` shows. A template engine that evaluates
    compiled files it wrote is never called with what the visitor sent; nor with what a helper
    of the file's own reads from its own disk."""
    if not has_request_words(ctx) and not returned_kinds(ctx):
        return None
    wrappers = _eval_wrappers(ctx)
    if not wrappers:
        return None
    return _wrapper_called_with(ctx, wrappers, returned=("req", "net", "dec"))


# the keys of the request arrays the script reads: $_GET['cmd'] -> cmd
_REQUEST_KEY = tight(rb"\$_(?:get|post|request|cookie)\s*\[\s*\x01(\d+)\x01\s*\]")


# what sets a variable named after it: foreach (... as $v), list(..., $v) =, global $v, &$v
# ways of setting a variable other than "=" (a foreach target, list(), a reference); not
# ``global $cmd``, which names the script's own top-level variable: a script moved into a
# function it calls once (``function page() { global $cmd; ... }``) still never sets it
_SETS_BEFORE = rb"(?:as|list\s*\([^)]{0,200}|&)\s*"


def _register_globals_vars(ctx: Ctx) -> set[bytes]:
    """Variables named like a request key the script reads (``$_GET['cmd']`` -> ``$cmd``)
    that the script never sets: register_globals filled them from the request."""
    code = ctx.code
    out: set[bytes] = set()
    for m in itertools.islice(_REQUEST_KEY.finditer(code), 100):
        key = ctx.lx.value(int(m.group(1))).strip().lower()
        if not re.fullmatch(rb"[a-z_][a-z0-9_]{0,40}", key) or key in out:
            continue
        # each way of setting it holds "$key" (none without it), and each searched alone is
        # faster than the two as one alternation (the first starts with a literal)
        var = rb"\$" + re.escape(key)
        assigned = find(code, b"$" + key) >= 0 and (
            re.search(var + rb"\b\s*(?:\[[^\]\n]{0,40}\]\s*)*[.]?=(?![=>])", code) is not None
            or re.search(_SETS_BEFORE + var + rb"\b", code) is not None
        )
        if not assigned:
            out.add(key)
    return out


@feature("exec_wrapper_followed")
def _exec_wrapper_followed(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function of the script's own whose parameter reaches a shell command, wherever the
    command call sits in its body (behind ``function_exists``/``is_callable`` checks, in a
    branch of a switch), called with request input, a variable holding it, or a variable
    named like a request key the script reads and never sets (``if (isset($_GET['cmd']))
    ekse($cmd);``: register_globals). The call into the function is followed, so the
    command runner of a web shell need not sit beside the request read."""
    if not has_request_words(ctx):
        return None
    wrappers = _wrappers(ctx, calls_to(ctx, EXEC_NAMES_B, 100), _COMMAND_VAR)
    if not wrappers:
        return None
    return _wrapper_called_with(ctx, wrappers, _register_globals_vars, encoded=True)


# a runner's name as a callback where the older callback rules do not look: filter_var's
# FILTER_CALLBACK option, the sort methods of ArrayObject/ArrayIterator, CallbackFilterIterator
_FILTER_CALLBACK = tight(
    rb"filter_(?:var|input)(?:_array)?\s*\([^;]{0,300}?(?:filter_callback|\b1024\b)"
    rb"[^;]{0,200}?\x01(\d+)\x01\s*=>\s*([^;]{1,120}?)\s*[)\],]"
)
_LAST_ARG_CALLBACK = (
    b"array_udiff", b"array_uintersect", b"array_udiff_assoc", b"array_uintersect_assoc",
    b"array_diff_uassoc", b"array_intersect_uassoc", b"array_diff_ukey", b"array_intersect_ukey",
)  # fmt: skip
_SORT_METHOD_ARG = tight(rb"->\s*u[ak]sort\s*\(\s*@?\s*([^;]{1,120}?)\s*\)")


def _runner_value(ctx: Ctx, expr: bytes) -> bool:
    """Whether ``expr`` names a code or command runner: a literal (``'assert'``) or a
    variable the constant folder computes to one, or request input / a variable holding it."""
    expr = expr.strip().lstrip(b"@").strip()
    p = PLACEHOLDER.fullmatch(expr)
    if p is not None:
        val = ctx.lx.value(int(p.group(1))).strip().lower().lstrip(b"\\")
        return val.decode("latin-1") in _CALLBACK_EXEC
    if UIN_RE.match(expr):
        return True
    v = VAR.fullmatch(expr)
    return v is not None and v.group(1) in taint(ctx)[0]


@feature("callback_runner_elsewhere")
def _callback_runner_elsewhere(ctx: Ctx, rule: Rule) -> Hit | None:
    """``filter_var($_POST['x'], FILTER_CALLBACK, ['options' => 'assert'])``,
    ``$o->uasort('assert')`` on an ArrayObject: a runner's name, or a name the visitor
    sends, given as a callback through an API that runs it on the data (the request's text
    then runs as code). A sanitizer (``'options' => 'trim'``, a closure) is not counted."""
    code = ctx.code
    if ctx.first(b"filter_") >= 0 and (
        ctx.first(b"filter_callback") >= 0 or ctx.first(b"1024") >= 0
    ):
        for m in bounded_finditer(_FILTER_CALLBACK, code, 20, first=ctx.first):
            key = ctx.lx.value(int(m.group(1))).strip().lower()
            if key == b"options" and _runner_value(ctx, m.group(2)):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    if ctx.first(b"sort") >= 0:
        for m in itertools.islice(_SORT_METHOD_ARG.finditer(code), 50):
            if _runner_value(ctx, m.group(1)):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    # the comparison callback of array_udiff/array_uintersect/array_diff_uassoc...: the last
    # argument, a literal runner's name
    for start, args in calls_to(ctx, _LAST_ARG_CALLBACK, 50):
        parts = top_args(args)
        last = parts[-1].strip().lstrip(b"@").strip()
        if len(parts) >= 3 and PLACEHOLDER.fullmatch(last) and _runner_value(ctx, last):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_PREG_CALLS = (b"preg_replace", b"preg_filter")


@feature("preg_pattern_request")
def _preg_pattern_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """``preg_replace($_GET['p'], $_GET['r'], ...)``: a regex pattern the visitor sends,
    modifiers included, so ``/e`` evaluates the replacement as PHP (PHP < 7), a backdoor
    with no eval in sight. Code that searches with a visitor's words quotes them
    (``'/' . preg_quote($q) . '/'``): only a pattern that is request input as it came, or a
    variable holding it, counts."""
    if not has_request_words(ctx):
        return None
    for start, args in calls_to(ctx, _PREG_CALLS, 100):
        if posted(ctx, first_arg(args).strip()):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_DECRYPT_CALLS = (b"openssl_decrypt", b"mcrypt_decrypt", b"sodium_crypto_secretbox_open")
# the data argument of each (mcrypt_decrypt takes the cipher and the key first)
_DECRYPT_DATA = {b"openssl_decrypt": 0, b"mcrypt_decrypt": 2, b"sodium_crypto_secretbox_open": 0}


@feature("decrypt_request_run")
def _decrypt_request_run(ctx: Ctx, rule: Rule) -> Hit | None:
    """Request input decrypted with a key the script holds (``openssl_decrypt($body,
    'AES128', $key)``, mcrypt, sodium), in a script that evaluates a variable's code: an
    encrypted backdoor's loader (the "Behinder" kind), whose commands no log or filter can
    read. An API that decrypts a posted message (a payment notice) does not then eval."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    sink = None
    for start, args in _eval_calls(ctx, EVAL_NAMES_B, 50):
        if VAR.match(first_arg(args).strip().lstrip(b"@").strip()):
            sink = start
            break
    if sink is None:
        return None
    req = taint(ctx)[0]
    for start, args in calls_to(ctx, _DECRYPT_CALLS, 20):
        name = code[start : find(code, b"(", start)].rstrip()
        parts = top_args(args)
        idx = _DECRYPT_DATA.get(name, 0)
        if len(parts) <= idx:
            continue
        data = parts[idx]
        if UIN_RE.search(data) or b"getallheaders" in data or set(VAR.findall(data)[:4]) & req:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# one byte of a string XORed with another string's byte or a variable, the in-place step
# of a cipher loop: $d[$i] = $d[$i] ^ $k[$i + 1 & 15], $o .= $s[$i] ^ $key[$j]
_XOR_STEP = tight(
    rb"\$" + NAME_P + rb"\s*\[\s*\$" + NAME_P + rb"\s*\]\s*\^\s*\$" + NAME_P
    + rb"|\^\s*\$" + NAME_P + rb"\s*\[\s*\(?\s*\$" + NAME_P + rb"\s*[+%&)]"
    + rb"|ord\s*\(\s*\$" + NAME_P + rb"\s*\[\s*\$" + NAME_P + rb"\s*\]\s*\)\s*\^"
)


@feature("xor_request_run")
def _xor_request_run(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that reads the request, base64-decodes (the decoder called by name or
    through a variable holding its name), XORs bytes with a key in a loop (``$d[$i] =
    $d[$i] ^ $key[$i + 1 & 15]``) and evaluates a variable's code
    (``eval($code)``, ``create_function('', $code)``): the loader of an encrypted backdoor
    (Godzilla, AntSword's XOR encoder), whose commands no log or filter can read, however the
    steps are spread over methods. Ciphers in libraries do not read the request and run
    what they decipher."""
    if not has_request_words(ctx):
        return None
    # the decoder called by name, or through a variable holding its name
    if not has_word(ctx, b"base64_decode") and string_text(ctx).find(b"base64_decode") < 0:
        return None
    code = ctx.code
    sink = -1
    for start, args in _eval_calls(ctx, EVAL_NAMES_B, 50):
        parts = top_args(args)
        if any(VAR.match(p.strip().lstrip(b"@").strip()) for p in parts[:2]):
            sink = start
            break
    if sink < 0:
        return None
    m = _XOR_STEP.search(code)
    if m is None or not (has_word(ctx, b"for") or has_word(ctx, b"while")):
        return None
    return Hit(ctx.line_of_code(sink), ctx.excerpt_code(sink, sink + 80))


_CALLBACK_EXEC_B = frozenset(n.encode() for n in _CALLBACK_EXEC)
# an array item given a literal: $i['j'] = 'assert'; $a[] = 'system'; array('k' => 'exec')
_ITEM_LITERAL = tight(
    rb"\$(" + NAME_P + rb")\s*(?:\[[^\]\n;]{0,40}\]\s*)+=(?![=>])\s*\x01(\d+)\x01\s*;"
)
_ARRAY_LITERAL_ITEM = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*(?:array\s*\(|\[)[^;]{0,400}?=>\s*\x01(\d+)\x01"
)
# a copy into or of an array: $a[] = $i; $b = $a;
_ARRAY_COPY = tight(
    rb"\$(" + NAME_P + rb")\s*(?:\[[^\]\n;]{0,40}\]\s*)*=(?![=>])\s*&?\s*\$(" + NAME_P
    + rb")\s*;"
)
_ITEM_CALL = tight(rb"\$(" + NAME_P + rb")\s*(?:\[[^\]\n;]{0,40}\]\s*)+\(")
_ITEM_CALL_END = tight(rb"\]\s*\(")  # found first by a literal scan for "]"


@feature("array_item_name_call")
def _array_item_name_call(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function name that runs code (assert, system, eval...) kept as an item of an array
    (``$i['j'] = 'assert'; $a[] = $i;``) and an item of that array called as a function with
    request input (``$a[0]['j']($_POST['x'])``): the name is never written next to its call.
    Dispatch tables call the site's own handlers, not PHP's code runners."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    if _ITEM_CALL_END.search(code) is None:  # no item called: the end of _ITEM_CALL (exact)
        return None
    value = ctx.lx.value
    holders: set[bytes] = set()
    for rx in (_ITEM_LITERAL, _ARRAY_LITERAL_ITEM):
        for m in itertools.islice(rx.finditer(code), 200):
            if value(int(m.group(2))).strip().lower().lstrip(b"\\") in _CALLBACK_EXEC_B:
                holders.add(m.group(1))
    if not holders:
        return None
    for _ in range(2):  # copies, two levels: $a[] = $i; $b = $a;
        holders |= {
            m.group(1)
            for m in itertools.islice(_ARRAY_COPY.finditer(code), 200)
            if m.group(2) in holders
        }
    req = taint(ctx)[0]
    for m in itertools.islice(_ITEM_CALL.finditer(code), 100):
        if m.group(1) not in holders:
            continue
        arg = first_arg(code[m.end() : m.end() + _CALL_ARGS_MAX])
        if UIN_RE.search(arg) is not None or set(VAR.findall(arg)[:4]) & req:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 60))
    return None


# what the output buffer held: $v = ob_get_clean(); or a callback's parameter given to a
# variable: ob_start(function ($c) { global $v; $v = $c; })
_OB_READ = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*@?\s*ob_get_(?:contents|clean|flush)\s*\(\s*\)"
)
_OB_CALLBACK = tight(rb"ob_start\s*\(\s*(?:static\s+)?function\s*\(\s*\$(" + NAME_P + rb")")


@feature("eval_captured_output")
def _eval_captured_output(ctx: Ctx, rule: Rule) -> Hit | None:
    """Code evaluated from what the script printed: request input echoed into an output
    buffer, the buffer's text taken back (``ob_get_clean()``, or an ``ob_start`` callback
    that keeps its argument in a global) and given to eval/assert: the request runs as code
    though no line passes it to eval. Templates capture their output to send or cache it,
    not to evaluate it."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    captured = {m.group(1) for m in itertools.islice(_OB_READ.finditer(code), 50)}
    for m in itertools.islice(_OB_CALLBACK.finditer(code), 20):
        brace = find(code, b"{", m.end(), m.end() + 200)
        if brace < 0:
            continue
        body = braced(code, brace)
        kept = re.compile(rb"\$(" + NAME_P + rb")\s*=\s*\$" + re.escape(m.group(1)) + rb"\s*;")
        captured.update(a.group(1) for a in itertools.islice(kept.finditer(body), 10))
    if not captured:
        return None
    for start, args in _eval_calls(ctx, EVAL_NAMES_B, 50):
        v = VAR.match(first_arg(args).strip().lstrip(b"@").strip())
        if v is not None and v.group(1) in captured:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 60))
    return None


_DOC_COMMENT = tight(rb"\$(" + NAME_P + rb")\s*=\s*[^;]{0,80}?getdoccomment\s*\(")


@feature("doc_comment_code")
def _doc_comment_code(ctx: Ctx, rule: Rule) -> Hit | None:
    """Code kept in a doc comment (which scanners and readers skip as a comment) read back
    with ``ReflectionClass::getDocComment()``, cut into pieces (``substr``), and called as a
    function or evaluated. Annotation parsers read doc comments too, but match them, they
    do not call what they cut out."""
    code = ctx.code
    holders = {m.group(1) for m in itertools.islice(_DOC_COMMENT.finditer(code), 10)}
    if not holders:
        return None
    sites = [(m.start(), m.group(1)) for m in varcalls(code, 50)]
    sites += [
        (start, v.group(1))
        for start, args in _eval_calls(ctx, EVAL_NAMES_B, 20)
        if (v := VAR.match(first_arg(args).strip().lstrip(b"@").strip())) is not None
    ]
    for start, var in sites:
        # the called name or the evaluated code: cut out of the comment, one copy away
        for _pos, am in var_assigns(code, var, TAIL_RHS, 10):
            rhs = am.group(1)
            if b"substr" in rhs and any(b"$" + h in rhs for h in holders):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 60))
    return None


_DECODER_OF = tight(
    rb"\s*@?\s*(?:base64_decode|str_rot13|strrev|hex2bin|gzinflate|gzuncompress|urldecode|"
    rb"rawurldecode|convert_uudecode)\s*\(([^;]{1,160})\)\s*$"
)


@feature("callback_decoded_request")
def _callback_decoded_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A callback API given, as the function to call, request input run through a decoder
    (``uasort($a, base64_decode($_POST['f']))``): the visitor sends the encoded name of
    ``assert`` or ``system``, so that no runner's name or plain request name shows."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    req: set[bytes] | None = None
    for start, args in calls_to(ctx, (*CB_FIRST, *CB_SECOND, *CB_LAST), 100):
        end = find(code, b"(", start)
        callback = _callback_arg(code[start:end].rstrip(), args)
        if callback is None:
            continue
        m = _DECODER_OF.match(callback)
        if m is None:
            # a variable, or an element of it, that holds request input decoded:
            # $p = explode('|', base64_decode($k)); new ReflectionFunction($p[0])
            held = _HELD_CALLBACK.fullmatch(callback.strip().lstrip(b"@"))
            if held is None:
                continue
            if req is None:
                req = taint(ctx)[0]
            if held.group(1) in req and held.group(1) in taint(ctx)[1]:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
            continue
        inner = m.group(1)
        if UIN_RE.search(inner):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
        if req is None:
            req = taint(ctx)[0]
        if set(VAR.findall(inner)[:4]) & req:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_VARCALL_ARGS = tight(rb"\$" + NAME_P + rb"\s*\(([^;]{0,200})")
_THIS_PROP = tight(rb"\$this\s*->\s*(" + NAME_P + rb")")


def _body_at(code: bytes, pos: int, limit: int = 4000) -> bytes:
    """The text of the ``{...}`` block that opens at or after ``pos`` (at most ``limit``
    bytes of it)."""
    opening = find(code, b"{", pos, pos + 400)
    if opening < 0:
        return b""
    depth = 0
    for i in range(opening, min(len(code), opening + limit)):
        ch = code[i]
        if ch == 123:
            depth += 1
        elif ch == 125:
            depth -= 1
            if depth == 0:
                return code[opening : i + 1]
    return code[opening : opening + limit]


# request input as it came or decoded by one of the KEEP functions: base64_decode($_POST['p'])
_KEPT_INPUT = tight(rb"(?:" + KEEP + rb"\s*\(\s*)?@?\s*" + UIN_RE.pattern)
_TERNARY = tight(rb"^[^?;]{1,120}\?([^:;]{1,120}):([^;]{1,120})$")


def _request_either_way(rhs: bytes) -> bool:
    """``rhs`` is a ternary whose two values are both request input, as it came or decoded
    (``isset($_GET['id']) ? base64_decode($_POST['p']) : $_POST['p']``)."""
    t = _TERNARY.match(rhs.strip())
    return t is not None and all(
        _KEPT_INPUT.match(branch.strip()) is not None for branch in t.groups()
    )


@feature("magic_method_request_property")
def _magic_method_request_property(ctx: Ctx, rule: Rule) -> Hit | None:
    """A magic method (``__destruct``, ``__toString``...: PHP calls it by itself) that calls
    a variable function with one of the object's properties (``$f('', $this->x)``), and the
    script fills that property with request input (``$o->x = $_POST['p']``, ``=&`` too): the
    visitor's text reaches a function whose name is hidden, with no call in sight."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    props: set[bytes] = set()
    for d in itertools.islice(_MAGIC_DEF.finditer(code), 20):
        body = _body_at(code, d.end())
        for c in itertools.islice(_VARCALL_ARGS.finditer(body), 20):
            # "$this->x" too: the property written inside a double-quoted string
            args = interpolated(ctx, c.group(1))
            props.update(p.group(1) for p in _THIS_PROP.finditer(args))
    if not props:
        return None
    req: set[bytes] | None = None
    for prop in sorted(props)[:5]:
        filled = re.compile(
            rb"->\s*" + re.escape(prop) + rb"\s*=(?![=>])\s*&?\s*@?\s*([^;]{1,160})"
        )
        for m in itertools.islice(filled.finditer(code), 20):
            rhs = m.group(1)
            if UIN_RE.match(rhs) or _request_either_way(rhs):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
            v = VAR.match(rhs)
            if v is not None:
                if req is None:
                    req = taint(ctx)[0]
                if v.group(1) in req:
                    return Hit(
                        ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end())
                    )
    return None


_UNSERIALIZE_REQ = tight(rb"unserialize\s*\(\s*@?\s*([^;]{1,200})")
# a property called as a function, given to a callback API, or run as code or a command
_RUNS_A_PROPERTY = tight(
    rb"(?:call_user_func(?:_array)?|array_map|array_filter|usort|array_walk)\s*\(\s*@?\s*"
    rb"\$this\s*->|\(\s*\$this\s*->\s*" + NAME_P + rb"\s*\)\s*\(|"
    rb"\$this\s*->\s*" + NAME_P + rb"\s*\(\s*\$this\s*->|"
    rb"(?<![\w$>:])(?:eval|assert|system|exec|shell_exec|passthru|popen)\s*\(\s*@?\s*\$this\s*->|"
    # a file the object names written with content the object holds, both as they came
    rb"(?<![\w$>:])file_put_contents\s*\(\s*\$this\s*->\s*" + NAME_P + rb"\s*,\s*"
    rb"\$this\s*->\s*" + NAME_P + rb"\s*[,)]"
)
_GADGET_METHOD = tight(
    rb"function\s+&?\s*(?:__destruct|__wakeup|__tostring|__unserialize|__call|__get|__invoke)"
    rb"\s*\("
)


@feature("unserialize_gadget")
def _unserialize_gadget(ctx: Ctx, rule: Rule) -> Hit | None:
    """``unserialize()`` of request input (as it came, decoded, or a variable holding it)
    in a script that defines a magic method run on every such object (``__wakeup``,
    ``__destruct``, ``__toString``...) which calls one of the object's properties as a
    function or runs it as code, or writes a file it names with content it holds
    (``file_put_contents($this->path, $this->data)``): the visitor's serialized object names
    the function and its arguments, or the file and what goes in it (an object-injection
    backdoor or dropper with no eval or write of request input in sight)."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    req: set[bytes] | None = None
    for m in itertools.islice(_UNSERIALIZE_REQ.finditer(code), 20):
        arg = m.group(1)
        if not UIN_RE.search(arg):
            if req is None:
                req = taint(ctx)[0]
            if not set(VAR.findall(arg)[:4]) & req:
                continue
        for d in itertools.islice(_GADGET_METHOD.finditer(code), 20):
            if _RUNS_A_PROPERTY.search(_body_at(code, d.end())):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
        return None
    return None


# the start of an argument that calls a function or method: my_decode(, $this->d(, self::d(
_ARG_CALL = tight(
    rb"[\s@(]*(?:\$this\s*->\s*|(?:self|static|" + NAME_P + rb")\s*::\s*)?(" + NAME_P + rb")\s*\("
)


@feature("eval_own_decoder")
def _eval_own_decoder(ctx: Ctx, rule: Rule) -> Hit | None:
    """eval/assert/create_function of what a function of the file's own returns, where that
    function deciphers (``chr(ord($s[$i]) ^ $k)`` in a loop, hex pairs, base64): a custom
    cipher hiding the code that runs. ``$code = d(...); eval($code)`` is php.eval-tainted."""
    own = decoder_functions(ctx)
    if not own:
        return None
    for start, args in _eval_calls(ctx, EVAL_NAMES_B, 50):
        m = _ARG_CALL.match(args)
        if m is None:
            continue
        if m.group(1) in own:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


@feature("eval_folded_request")
def _eval_folded_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """eval/assert of code the script assembles from pieces (literals glued, a helper
    function that returns one, ``strrev``/``base64_decode`` of literals...) whose text reads
    request input: ``eval("eva" . part() . "x']);")`` with ``part()`` returning
    ``"l(\\$_POST['"`` runs ``eval($_POST['x']);``. The constant folder reads the value;
    nothing is run."""
    code = ctx.code  # the request is named inside the literals: no word of the code says so
    calls = _eval_calls(ctx, EVAL_NAMES_B[:2], 50)
    if not calls:
        return None
    env = fold.Env(code, ctx.lx, ctx.cache)
    for start, _args in calls:
        f = fold.fold_at(code, ctx.lx, find(code, b"(", start) + 1, env)
        if f is not None and f.built and REQ_RE.search(f.value.lower()):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, f.end + 20))
    return None


# the literal that opens an assignment's right side, glued on: 'ass' . $x
_LITERAL_HEAD = tight(rb"^[\s(@]*\x01(\d+)\x01\s*\)?\s*\.")


_ASSIGNED_REST = tight(rb"\s*=(?![=>])([^;]{0,300});")


def _last_assignment(code: bytes, var: bytes, before: int) -> bytes | None:
    """The right side of ``$var``'s last plain assignment (``$var = ...;``) before ``before``
    (within the 20,000 bytes before it, at most 200 assignments), or None."""
    found = var_assigns(code[max(0, before - 20000) : before], var, _ASSIGNED_REST, 200)
    return found[-1][1].group(1) if found else None


def _runner_piece(piece: bytes, head: bool) -> bool:
    """``piece`` is a proper start (``head``) or end of the name of a function that runs
    code or commands: 'ass' of assert, 'sys' of system, 'ert' of assert."""
    piece = piece.strip().lower()
    if len(piece) < 2:
        return False
    if head:
        return any(n.startswith(piece) and n != piece for n in _BUILT_CALL_NAMES)
    return any(n.endswith(piece) and n != piece for n in _BUILT_CALL_NAMES)


@feature("request_completed_name")
def _request_completed_name(ctx: Ctx, rule: Rule) -> Hit | None:
    """A variable called as a function whose name the script glues from a literal that
    starts (or ends) the name of a code or command runner and a piece of request input:
    ``$f = 'ass' . $_REQUEST['a']; $f($code)``. The visitor completes ``assert`` or
    ``system``; the file never spells it. A dispatcher's prefix (``'action_' .
    $_GET['do']``) starts no runner's name."""
    if not has_request_words(ctx):
        return None
    first = first_varcall(ctx)
    if first is None:
        return None
    code = ctx.code
    req: set[bytes] | None = None
    for m in varcalls(code, 50, pos=first.start(), brackets=False):
        pos = m.start()
        if pos and code[pos - 1] in b"$>:":
            continue  # $$f(), $o->f(), C::f()
        if code[max(0, pos - 8) : pos].rstrip().endswith(b"new"):
            continue  # new $class(): instantiation
        rhs = _last_assignment(code, m.group(1), pos)
        if rhs is None:
            continue
        head = _LITERAL_HEAD.match(rhs)
        tail = _LITERAL_SUFFIX.search(rhs.strip())
        if head is not None and _runner_piece(ctx.lx.value(int(head.group(1))), True):
            rest = rhs[head.end() :]
        elif tail is not None and _runner_piece(ctx.lx.value(int(tail.group(1))), False):
            rest = rhs.strip()[: tail.start()]
        else:
            continue
        if REQ_RE.search(rest) is None:
            if req is None:
                req = taint(ctx)[0]
            if not set(VAR.findall(rest)) & req:
                continue
        return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, m.end() + 60))
    return None


# a loop: a function that spells text character by character
# searched for through its words (prefiltered_search): the look-behind made the regex engine
# try it at every offset of every function body
_LOOP = tight(rb"(?<![\w$>:])(?:for|foreach|while)\s*\(")
_OWN_CALL = tight(rb"[\s@]*(" + NAME_P + rb")\s*\(")
_ALL_LITERALS = tight(rb"\s*\x01\d+\x01\s*(?:,\s*(?:\x01\d+\x01|-?\d+)\s*)*\)")


@per_file("spelling-functions")
def _spelling_functions(ctx: Ctx) -> frozenset[bytes]:
    """The file's own functions that spell text character by character (a loop that makes
    characters with ``chr()``, or a decoder) and return it."""
    names = set(decoder_functions(ctx))
    if has_word(ctx, b"chr"):
        for name, body in function_bodies(ctx).items():
            if (
                len(body) < 3000
                and find(body, b"chr") >= 0
                and find(body, b"return") >= 0
                and prefiltered_search(_LOOP, body)
                and re.search(rb"(?<![\w$>:])chr\s*\(", body)
            ):
                names.add(name)
    return frozenset(names)


@feature("spelled_name_call")
def _spelled_name_call(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function name the script spells with a character cipher of its own
    (``call_user_func_array(decode('xhhfsw'), array($_POST['a']))``, ``$f = decode('...');
    $f($_GET['c'])``: a function of the file's that makes each character with chr() in a
    loop, given only literals), called with request input: a runner's name no reader sees."""
    if not has_request_words(ctx):
        return None
    own = _spelling_functions(ctx)
    if not own:
        return None
    code = ctx.code
    req = taint(ctx)[0]

    def spelled(expr: bytes) -> bool:
        m = _OWN_CALL.match(expr)
        return m is not None and m.group(1) in own and bool(_ALL_LITERALS.match(expr, m.end()))

    def carries(args: bytes) -> bool:
        return REQ_RE.search(args) is not None or bool(set(VAR.findall(args)) & req)

    for start, args in calls_to(ctx, (*CB_FIRST, *CB_SECOND, *CB_LAST), 100):
        end = find(code, b"(", start)
        callback = _callback_arg(code[start:end].rstrip(), args)
        if callback is None or not spelled(callback):
            continue
        if carries(args[len(first_arg(args)) :] if callback == first_arg(args) else args):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    first = first_varcall(ctx)
    for m in varcalls(code, 50, pos=first.start(), brackets=False) if first else ():
        rhs = _last_assignment(code, m.group(1), m.start())
        if rhs is None or not spelled(rhs):
            continue
        if carries(code[m.end() : m.end() + 200].split(b";", 1)[0]):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 60))
    return None


# the variable called in a function's body, with the function's parameter as its argument
_CALLS_PARAM = tight(rb"\$(" + NAME_P + rb")\s*\(\s*@?\s*\$(" + NAME_P + rb")\s*\)")
# how the body spells a name: glued on (.=), cut (substr), reversed, joined, rot13'd, decoded
_SPELLS = tight(
    rb"\.=|(?<![\w$>:])(?:substr|strrev|str_rot13|implode|join|str_replace|base64_decode|"
    rb"preg_replace|preg_filter|trim|strtolower|chr)\s*\("
)


# what follows "$name" in an assignment that sets it or glues onto it: = ...; or .= ...;
_GLUED_OR_SET = tight(rb"\s*(\.?=)(?![=>])([^;]{0,200});")


@feature("spelled_name_param_run")
def _spelled_name_param_run(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function that spells a name in its body (glued character by character in a loop,
    cut with substr, reversed, joined from a list...) and calls it with its own parameter
    (``function t($a) { ...; $f = substr($f, -6); $f($a); }``), called with request input
    (``t($_REQUEST['x'])``): the visitor's text goes to a function no line of the file names."""
    if not has_request_words(ctx) or not has_word(ctx, b"function"):
        return None
    code = ctx.code
    # a body's `$f($a)` is one of the file's: none in the file, none in a body (exact); each
    # match starts where one of BUILT_VARCALL does, so none before the first of those
    at = any_varcall_at(ctx)
    if at < 0 or _CALLS_PARAM.search(code, at) is None:
        return None
    taint(ctx)
    direct: set[bytes] = ctx.cache.get("direct", set())
    for m in itertools.islice(_DEF_PARAMS.finditer(code), 300):
        params = [p.group(1) for p in _PARAM_NAME.finditer(m.group(2))]
        brace = find(code, b"{", m.end(), m.end() + 80)
        if not params or brace < 0:
            continue
        body = braced(code, brace, 3000)
        for c in itertools.islice(_CALLS_PARAM.finditer(body), 10):
            fn, arg = c.group(1), c.group(2)
            if fn in params or arg not in params or (c.start() and body[c.start() - 1] in b"$>:"):
                continue
            assigns = [a.groups() for _, a in var_assigns(body, fn, _GLUED_OR_SET)]
            if not assigns or not any(op == b".=" or _SPELLS.search(rhs) for op, rhs in assigns):
                continue
            at = params.index(arg)
            call = re.compile(rb"(?<![\w$>:])" + re.escape(m.group(1)) + rb"\s*\(")
            for site in itertools.islice(call.finditer(code), 20):
                if code[max(0, site.start() - 12) : site.start()].rstrip().endswith(b"function"):
                    continue
                args = top_args(code[site.end() : site.end() + 400])
                if at < len(args):
                    given = args[at].strip().lstrip(b"@")
                    v = VAR.fullmatch(given)
                    if REQ_RE.match(given) or (v is not None and v.group(1) in direct):
                        return Hit(
                            ctx.line_of_code(site.start()),
                            ctx.excerpt_code(site.start(), site.end() + 80),
                        )
    return None


# handlers PHP calls with a value of its own making: an error's message, an exception, the
# output buffer, a class name
_HANDLER_APIS = (
    b"set_error_handler", b"set_exception_handler", b"ob_start", b"spl_autoload_register",
    b"header_register_callback",
)  # fmt: skip
_CALLBACK_APIS_ALL = tuple(dict.fromkeys((*_HANDLER_APIS, *CB_FIRST, *CB_SECOND, *CB_LAST)))
_CLOSURE_HEAD = tight(
    rb"[\s@]*(?:static\s+)?function\s*&?\s*\(([^)]{0,300})\)\s*"
    rb"(?:use\s*\([^)]{0,200}\)\s*)?(?::\s*\??[\w\\]+\s*)?\{"
)
_ARROW_HEAD = tight(
    rb"[\s@]*(?:static\s+)?fn\s*&?\s*\(([^)]{0,300})\)\s*(?::\s*\??[\w\\]+\s*)?=>"
)
_PARAM = tight(rb"\$(" + NAME_P + rb")")
# an object of an anonymous class given as the callback, and its __invoke() method's head
_ANON_CLASS = tight(rb"[\s@]*new\s+class\b")
_ANON_INVOKE = tight(
    rb"function\s+__invoke\s*\(([^)]{0,300})\)\s*(?::\s*\??[\w\\]+\s*)?\{"
)
_RUNNER_OPEN = tight(
    rb"(?<![\w$>:])(?:eval|assert|create_function|system|exec|shell_exec|passthru|popen|"
    rb"proc_open|pcntl_exec)\s*\(\s*@?\s*(?:\(\s*string\s*\)\s*)?(?:\x01\d+\x01\s*\.\s*)?"
    rb"\$(" + NAME_P + rb")\s*(?:->\s*getmessage\s*\(\s*\)\s*|\[[^\]\n]{0,20}\]\s*)?[,)]"
)
_CALL_TEXT_MAX = 4000
# a method given as the callback: [$obj, 'run'], array(new Tools, 'run'), ['Tools', 'run']
_METHOD_GIVEN = tight(
    rb"\s*(?:\[|array\s*\()\s*(?:\$[\w\x80-\xff]+|new\s+[\w\\]+(?:\s*\(\s*\))?|\x01\d+\x01|"
    rb"[\w\\]+\s*::\s*class)\s*,\s*\x01(\d+)\x01\s*[\])]\s*\Z"
)


def _runs_param(ctx: Ctx, callback: bytes, at: int) -> int:
    """Where (an offset in the code) the callback given at ``at`` (a closure, an arrow
    function, or the name of a function of the file's own) runs one of its parameters as
    code or a command; -1 if it does not."""
    code = ctx.code
    head = _CLOSURE_HEAD.match(callback)
    invoke = _ANON_INVOKE.search(callback) if _ANON_CLASS.match(callback) else None
    if head is not None:
        body_at = at + head.end() - 1  # the closure's "{"
        body = braced(code, body_at)
        params = set(_PARAM.findall(head.group(1)))
    elif invoke is not None:  # an object of an anonymous class: PHP calls its __invoke()
        body_at = at + invoke.end() - 1
        body = braced(code, body_at)
        params = set(_PARAM.findall(invoke.group(1)))
    else:
        arrow = _ARROW_HEAD.match(callback)
        if arrow is not None:
            body_at = at + arrow.end()
            body = callback[arrow.end() :]
            params = set(_PARAM.findall(arrow.group(1)))
        else:
            lit = PLACEHOLDER.fullmatch(callback.strip()) or _METHOD_GIVEN.match(callback)
            if lit is None:
                return -1
            name = ctx.lx.value(int(lit.group(1))).strip().lower().lstrip(b"\\")
            name = name.rpartition(b"::")[2]  # 'Tools::run': the method of the file's class
            found = function_body(ctx, name)
            if found is None:
                return -1  # not a function of the file's own: no pattern compiled for it
            defined = function_params(code, name)
            if defined is None:
                return -1
            body, body_at = found, find(code, b"{", defined.end())  # the body's "{"
            params = set(_PARAM.findall(defined.group(1)))
    for r in itertools.islice(_RUNNER_OPEN.finditer(body), 20):
        if r.group(1) in params:
            return body_at + r.start() if body_at >= 0 else at
    return -1


@feature("handler_runs_argument")
def _handler_runs_argument(ctx: Ctx, rule: Rule) -> Hit | None:
    """A callback (a closure, an arrow function or a function of the file's own) that runs
    what it is handed as code or a command, given where request input reaches it: to a
    callback API with request input among the values it passes on (``array_map(function ($c)
    { return shell_exec($c); }, $_POST)``, ``preg_replace_callback('/.+/', fn ($m) =>
    system($m[0]), $_GET['c'])``), or as a handler PHP calls with a value of its own making
    (``set_error_handler``, ``set_exception_handler``, ``ob_start``,
    ``spl_autoload_register``) in a script that reads the request: the visitor's text arrives
    through ``trigger_error()``, an exception's message, echoed output or a class name. No
    runner is called on request input in sight. Error handlers log or convert errors; output
    callbacks rewrite the page; mapped callbacks transform data."""
    if not has_request_words(ctx) and ctx.first(b"getenv") < 0:
        return None
    code = ctx.code
    req: set[bytes] | None = None
    for start, _args in calls_to(ctx, _CALLBACK_APIS_ALL, 100):
        opening = find(code, b"(", start)
        name = code[start:opening].rstrip()
        parts = top_args(code[opening + 1 : opening + 1 + _CALL_TEXT_MAX])
        if not parts:
            continue
        if name in _HANDLER_APIS or name in CB_FIRST:
            cb_at = 0
        elif len(parts) < 2:
            continue  # array_filter($a): no callback
        else:
            cb_at = 1 if name in CB_SECOND else len(parts) - 1
        callback = parts[cb_at]
        at = opening + 1 + sum(len(p) + 1 for p in parts[:cb_at])
        runs = _runs_param(ctx, callback, at)
        if runs < 0:
            held = VAR.fullmatch(callback.strip())
            if held is None:
                continue
            # a closure kept in a variable first: $f = function ($c) { ... }; array_map($f, ...)
            for _, m in var_assigns(code, held.group(1), _CLOSURE_SET, 3):
                runs = _runs_param(ctx, code[m.end() : m.end() + _CALL_TEXT_MAX], m.end())
                if runs >= 0:
                    break
            if runs < 0:
                continue
        if name not in _HANDLER_APIS:
            data = b" ".join(p for k, p in enumerate(parts) if k != cb_at)
            if REQ_RE.search(data) is None:
                if req is None:
                    req = taint(ctx)[0] | ctx.cache["direct"]
                given = VAR.findall(data)[:8]
                if not set(given) & req and not any(_set_from_request(code, v) for v in given):
                    continue
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(runs, runs + 80))
    return None


# "$f = function (" or "$f = fn (": a closure kept in a variable (the match ends before it)
_CLOSURE_SET = tight(rb"\s*=\s*(?=(?:static\s+)?(?:function|fn)\s*&?\s*\()")


def _set_from_request(code: bytes, var: bytes) -> bool:
    """Whether ``$var`` is set to an expression with request input in it, a list of request
    values included (``$a = [$_POST['a'], $_POST['b']];``, which the taint pass leaves to
    the rules that read a list's items): a callback API hands the callback those values."""
    return any(
        REQ_RE.search(m.group(1)) is not None for _, m in var_assigns(code, var, TAIL_RHS, 4)
    )


# ${name(...)} inside a double-quoted string or a heredoc: PHP calls the function while it
# builds the string (the result names a variable)
_INTERPOLATED_CALL = tight(rb"(?<!\\)\$\{\s*@?\s*\\?[a-z_][\w\\]*\s*\(")


@feature("interpolated_call")
def _interpolated_call(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function called from inside a double-quoted string or heredoc
    (``"{${system($_GET['c'])}}"``, ``"${eval($x)}"``): PHP runs the call while it builds
    the string, so the call is hidden in what reads as text. Strings name variables and
    methods this way (``"{$this->url()}"``), not functions."""
    text = string_text(ctx)
    if find(text, b"${") < 0:
        return None
    lx = ctx.lx
    for m in itertools.islice(_INTERPOLATED_CALL.finditer(text), 50):
        idx = string_at(ctx, m.start())
        if idx < 0 or lx.kinds[idx] not in ("dq", "heredoc"):
            continue
        return string_hit(ctx, m, shown=text[m.start() : m.start() + 80].split(b"\x00")[0])
    return None


# every PHP function opened to the stylesheet: registerPHPFunctions() without a list
_XSL_ALL = tight(rb"->\s*registerphpfunctions\s*\(\s*\)")
_XML_LOAD = tight(
    rb"(?:->\s*loadxml|->\s*loadhtml|simplexml_load_string|->\s*importstylesheet)\s*\(\s*@?\s*"
    rb"(?:(" + REQ + rb")|\$(" + NAME_P + rb")\b(?!\s*->))"
)


@feature("xslt_request_functions")
def _xslt_request_functions(ctx: Ctx, rule: Rule) -> Hit | None:
    """An XSLT processor that lets its stylesheet call every PHP function
    (``registerPHPFunctions()`` with no list) given a stylesheet from request input:
    ``<xsl:value-of select="php:function('system', 'id')"/>`` runs what the visitor sends,
    with no eval or exec in the script. Feeds and reports load their own stylesheet, or
    name the functions they allow."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    at = find(code, b"registerphpfunctions")
    if at < 0 or _XSL_ALL.search(code, at - 4) is None:
        return None
    direct: set[bytes] | None = None
    for m in itertools.islice(_XML_LOAD.finditer(code), 20):
        if m.group(1) is not None:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
        if direct is None:
            req = taint(ctx)[0]
            direct = set(ctx.cache["direct"]) | req
        if m.group(2) in direct:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
    return None


# what is called: the end of an array literal, of a call or of a string, then "("
_CALLEE_END = tight(rb"[\])\x01]\s*\(")
# the same pattern, one per byte it can start with: each has a literal start, which the regex
# engine scans for much faster than for a class of bytes
_CALLEE_ENDS = tuple(tight(re.escape(b) + rb"\s*\(") for b in (b")", b"]", b"\x01"))


def _match_start(m: re.Match[bytes]) -> int:
    return m.start()


def callee_ends(code: bytes) -> Iterator[re.Match[bytes]]:
    """``_CALLEE_END.finditer(code)``: the matches of its three patterns, by offset. A match
    is its first byte, white space and "(", so two never overlap and each starts at the
    byte that picks its pattern: every pattern's own matches, merged, are the same ones."""
    return heapq.merge(*(rx.finditer(code) for rx in _CALLEE_ENDS), key=_match_start)


_CALLEE_NAME = tight(rb"(?<![\w$>:\\])([a-z_][\w\\]*)\s*$")
# words that take parentheses without being a call whose result could be called
_NOT_CALLS = frozenset(
    {b"if", b"elseif", b"while", b"for", b"foreach", b"switch", b"array", b"list", b"isset",
     b"empty", b"unset", b"echo", b"print", b"return", b"function", b"fn", b"catch", b"match",
     b"declare", b"use", b"and", b"or", b"new", b"eval", b"exit", b"die"}
)  # fmt: skip


@feature("request_callee")
def _request_callee(ctx: Ctx, rule: Rule) -> Hit | None:
    """A call whose callee is written out of request input where no variable holds it: an
    array callable (``[$_REQUEST['c'], $_REQUEST['m']](...)``), what a function returns
    (``trim($_POST['f'])(...)``), a string with the input inside (``"{$_GET['f']}"(...)``):
    the visitor names the function, as ``$_GET['f'](...)`` does. Code calls its own
    closures, ``[$this, 'method']`` and table entries so."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    lx = ctx.lx
    for m in itertools.islice(callee_ends(code), 500):
        end = m.start()
        c = code[end]
        if c == 93:  # ]: an array literal, not an element ($a[...](...) is a variable call)
            start = _opening(code, end, 91, 93)  # [ ]
            if start < 0:
                continue
            before = code[max(0, start - 16) : start].rstrip()
            if before[-1:] and (before[-1] in NAME_BYTES or before[-1:] in b")]}$\x01"):
                continue
            callee = code[start : end + 1]
        elif c == 41:  # ): the result of a plain function's call
            start = _opening(code, end)
            if start < 0:
                continue
            name = _CALLEE_NAME.search(code, max(0, start - 40), start)
            if name is None or name.group(1).lstrip(b"\\") in _NOT_CALLS:
                continue
            callee = code[start : end + 1]
            start = name.start()
        else:  # a string: the placeholder's text, where request input is written inside it
            start = code.rfind(b"\x01", max(0, end - 12), end)
            idx = code[start + 1 : end]
            if start < 0 or not idx.isdigit() or int(idx) >= len(lx.raw_strings):
                continue
            if lx.kinds[int(idx)] not in ("dq", "heredoc"):
                continue
            callee = lx.raw_strings[int(idx)].lower()
        if REQ_RE.search(callee) is not None:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, m.end() + 40))
    return None


# an array of small numbers written out: array(16, 16, 1, ...) or [115, 121, ...]
# (also in hex, 0x73, or octal, 0163)
_NUM = rb"(?:0x[0-9a-f]{1,2}|\d{1,3})"
_NUM_LIST = (
    rb"(?:array\s*\(|\[)\s*((?:" + _NUM + rb"\s*,\s*){2,200}(?:" + _NUM + rb")?)\s*,?\s*[\])]"
)
# array_map('chr', <list>): the characters of a list of codes (or array_map($c, ...) with
# $c = 'chr')
_CHR_MAP = tight(
    rb"array_map\s*\(\s*(?:\x01(\d+)\x01|\$(" + NAME_P + rb"))\s*,\s*" + _NUM_LIST
)
# in a function's body: a string indexed by an item of a list (the function's parameter)
_ALPHABET_LOOKUP = tight(
    rb"\$(" + NAME_P + rb")\s*[\[{]\s*\$(" + NAME_P + rb")\s*\[\s*\$" + NAME_P + rb"\s*\]\s*[\]}]"
)
_CHR_OF_ITEM = tight(
    rb"(?<![\w$>:])chr\s*\(\s*\$(" + NAME_P + rb")\s*\[\s*\$" + NAME_P + rb"\s*\]"
)
# what a name spelled from numbers may be that a script has no reason to hide: a runner, a
# writer, a decoder, a remover
_HIDDEN_NAMES = frozenset(
    {
        b"system", b"exec", b"shell_exec", b"passthru", b"popen", b"proc_open", b"pcntl_exec",
        b"assert", b"create_function", b"call_user_func", b"call_user_func_array",
        b"forward_static_call", b"forward_static_call_array", b"file_put_contents", b"fwrite",
        b"fputs", b"fopen", b"unlink", b"base64_decode", b"gzinflate", b"gzuncompress",
        b"gzdecode", b"str_rot13", b"curl_exec", b"file_get_contents", b"move_uploaded_file",
        b"copy", b"rename", b"chmod", b"mail", b"fsockopen", b"unserialize", b"pack", b"hex2bin",
        b"register_shutdown_function", b"array_map", b"array_filter", b"usort", b"preg_replace",
        b"ob_start", b"eval", b"include", b"require",
    }
)


_EACH_ITEM = tight(
    rb"foreach\s*\(\s*\$"
    + NAME_P
    + rb"\s+as\s+(?:\$"
    + NAME_P
    + rb"\s*=>\s*)?\$("
    + NAME_P
    + rb")\s*\)"
)


# a string indexed by a variable: $s[$n] or $s{$n} (group 2: the index's name, whole)
_ITEM_LOOKUP = tight(rb"\$(" + NAME_P + rb")\s*[\[{]\s*\$(" + NAME_P + rb")\s*[\]}]")


def _each_lookup(body: bytes) -> re.Match[bytes] | None:
    """``foreach ($list as $n) { $s .= $map[$n]; }``: a string indexed by each item of a
    list the loop walks (group 1: the string's variable)."""
    each = _EACH_ITEM.search(body)
    if each is None:
        return None
    item = each.group(1)
    at = 0
    while True:  # the pattern with the item's name written in: a pattern per name
        m = _ITEM_LOOKUP.search(body, at)
        if m is None or m.group(2) == item:
            return m
        at = m.start() + 1


def _codes_text(nums: bytes, alphabet: bytes | None) -> bytes | None:
    """The text a list of numbers spells: character codes, or positions in ``alphabet``."""
    out = bytearray()
    for n in re.findall(rb"0x[0-9a-f]+|\d+", nums):
        if n.startswith(b"0x"):
            i = int(n[2:], 16)
        elif n.startswith(b"0") and len(n) > 1:
            if n.strip(b"01234567") != b"":
                return None
            i = int(n, 8)  # PHP reads a leading 0 as octal
        else:
            i = int(n)
        if alphabet is None:
            if i > 255:
                return None
            out.append(i)
        else:
            if i >= len(alphabet):
                return None
            out += alphabet[i : i + 1]
    return bytes(out)


# the start of the statement that sets a variable or an array item: $f = ..., $t['w'] = ...
_HOLDER_SET = tight(
    rb"\s*\$(" + NAME_P + rb")\s*(?:\[\s*(\x01\d+\x01|\d+)\s*\]\s*)?=(?![=>])"
)
# a variable or an item of an array, with the key that follows it
_HOLDER_USE = rb"\$%s\s*(?:\[\s*(\x01\d+\x01|\d+)\s*\])?"


def _literal_set(ctx: Ctx, var: bytes, before: int) -> bytes | None:
    """The literal value ``$var`` was last set to before code offset ``before``, if it was."""
    found = None
    rx = re.compile(rb"\$" + re.escape(var) + rb"\s*=(?![=>])\s*\x01(\d+)\x01\s*;")
    for m in itertools.islice(rx.finditer(ctx.code, 0, before), 20):
        found = ctx.lx.value(int(m.group(1)))
    return found


def _key_text(ctx: Ctx, key: bytes | None) -> bytes | None:
    if key is None:
        return None
    if key.startswith(b"\x01"):
        return ctx.lx.value(int(key.strip(b"\x01"))).strip()
    return key.strip()


def _has_data_arg(args: bytes, drop: bytes = b"") -> bool:
    """Whether call arguments ``args`` hold anything a script computes (a variable, a
    constant, a call), not only literals, numbers and commas."""
    rest = args.replace(drop, b" ") if drop else args
    rest = PLACEHOLDER.sub(b" ", rest)
    return re.search(rb"[$A-Za-z_]", rest) is not None


def _spelled_called_on_data(ctx: Ctx, pos: int) -> bool:
    """The name spelled at code offset ``pos`` is called on something other than literals:
    the variable or array item the statement sets (``$f = ...``, ``$t['w'] = ...``) is
    called with a variable or a call among its arguments (``$t['w']($path, $t['d']($x))``)
    or handed to a callback API with one (``forward_static_call($f, $_POST['q'])``); a name
    spelled inside a call's arguments counts when the statement holds a variable."""
    code = ctx.code
    stmt = max(code.rfind(b";", 0, pos), code.rfind(b"{", 0, pos), code.rfind(b"}", 0, pos))
    stmt_end = find(code, b";", pos)
    stmt_end = len(code) if stmt_end < 0 else stmt_end
    m = _HOLDER_SET.match(code, stmt + 1)
    if m is None or m.end() > pos:
        return VAR.search(code, pos, stmt_end) is not None
    var, key = m.group(1), _key_text(ctx, m.group(2))
    use = re.compile(_HOLDER_USE % re.escape(var))
    for u in itertools.islice(use.finditer(code, stmt_end), 200):
        if _key_text(ctx, u.group(1)) != key:
            continue
        after = code[u.end() : u.end() + 4].lstrip()
        if after.startswith(b"(") and not after.startswith(b"()"):
            open_at = find(code, b"(", u.end())
            args = code[open_at + 1 : open_at + 1 + close_paren(code[open_at + 1 : open_at + 2000])]
            if _has_data_arg(args):
                return True
    # handed to a callback API as the function it calls (array_map's first argument, not
    # an item of the array it maps)
    for names, place in ((CB_FIRST, 0), (CB_SECOND, 1), (CB_LAST, -1)):
        for _start, args in calls_to(ctx, names, 50):
            parts = top_args(args)
            if len(parts) < 2:
                continue
            at = place % len(parts)
            held = use.fullmatch(parts[at].strip())
            if held is not None and _key_text(ctx, held.group(1)) == key:
                others = b",".join(p for i, p in enumerate(parts) if i != at)
                if _has_data_arg(others):
                    return True
    return False


@feature("numbered_name_call")
def _numbered_name_call(ctx: Ctx, rule: Rule) -> Hit | None:
    """Function names written as lists of numbers (character codes given to
    ``array_map('chr', [...])``, or positions in a scrambled alphabet that a function of the
    file's looks up one by one: ``$f = vl1(array(44, 4, 24, ...))``) that spell a runner, a
    writer or a remover (file_put_contents, unlink, system, base64_decode...), in a file that
    calls through a variable or an array item with request input around: the names are
    hidden so that no reader or scanner sees them called. A font table or a character-code
    list for display spells words, not the names of PHP's functions."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    value = ctx.lx.value
    spelled: list[tuple[int, bytes]] = []
    if find(code, b"array_map") >= 0:
        for m in itertools.islice(_CHR_MAP.finditer(code), 50):
            if m.group(1) is not None:
                fn = value(int(m.group(1)))
            else:
                fn = _literal_set(ctx, m.group(2), m.start()) or b""
            if fn.strip().lower() == b"chr":
                text = _codes_text(m.group(3), None)
                if text is not None:
                    spelled.append((m.start(), text))
    if ctx.first(b"function") >= 0:
        for name, body in itertools.islice(function_bodies(ctx).items(), 100):
            if len(body) > 3000 or prefiltered_search(_LOOP, body) is None:
                continue
            alphabet: bytes | None = None
            t = _ALPHABET_LOOKUP.search(body) or _each_lookup(body)
            if t is not None:
                lit = search_named(rb"\s*=\s*\x01(\d+)\x01", body, t.group(1))
                if lit is None:
                    continue
                alphabet = value(int(lit.group(2)))
            elif prefiltered_search(_CHR_OF_ITEM, body) is None:
                continue
            call = re.compile(rb"(?<![\w$>:])" + re.escape(name) + rb"\s*\(\s*" + _NUM_LIST)
            for m in itertools.islice(call.finditer(code), 100):
                text = _codes_text(m.group(1), alphabet)
                if text is not None:
                    spelled.append((m.start(), text))
    hidden = [(pos, t) for pos, t in spelled if t.strip().lower() in _HIDDEN_NAMES]
    if not hidden:
        return None
    # the spelled names are called: through a variable or an array item, or a callback API
    if first_varcall(ctx) is None and not calls_to(ctx, (*CB_FIRST, *CB_SECOND, *CB_LAST), 5):
        return None
    # ... on what the script holds, not only on literals: a licensed theme that spells
    # base64_decode to unpack its own constant text, or a captcha that keeps its words as
    # codes and draws them, runs nothing a visitor can steer
    hidden = [(pos, t) for pos, t in hidden[:20] if _spelled_called_on_data(ctx, pos)]
    if not hidden:
        return None
    pos, text = hidden[0]
    line = ctx.line_of_code(pos)
    return Hit(line, excerpt(b"spells " + b", ".join(sorted({t.strip() for _, t in hidden})[:6])))


# what unserialize() makes, kept in a variable or in a class's static property:
# ``$cfg = @unserialize($data)``, ``Loader::$t = unserialize(...)``
_UNSERIALIZED_INTO = tight(
    rb"(?<![\w$>:])(?:[a-z_\x80-\xff][\w\x80-\xff]*\s*::\s*)?\$(" + NAME_P + rb")\s*=\s*@?\s*"
    rb"\\?unserialize\s*\("
)

_BLANKS = b" \t\n\r\x0b\x0c"  # what \s is in a pattern of bytes


def _unserialize_assigned(code: bytes) -> bool:
    """Some "unserialize" of ``code`` comes right after "=" as every match of
    :data:`_UNSERIALIZED_INTO` has it (``= @ \\unserialize``: blanks, an "@", blanks, a
    "\\"): without one, the pattern (no word to start from) need not try every offset."""
    at = find(code, b"unserialize")
    while at >= 0:
        j = at - 1 if at and code[at - 1] == 92 else at  # "\\"
        while j and code[j - 1] in _BLANKS:
            j -= 1
        if j and code[j - 1] == 64:  # "@"
            j -= 1
            while j and code[j - 1] in _BLANKS:
                j -= 1
        if j and code[j - 1] == 61:  # "="
            return True
        at = find(code, b"unserialize", at + 1)
    return False


def _element_called(code: bytes, name: bytes, start: int) -> re.Match[bytes] | None:
    """The first call, after ``start``, of an element of the variable or static property
    ``$name`` as a function: ``$t['write']($f, $d)``, ``Loader::$t[$k](...)``, or its element
    handed to call_user_func(_array)."""
    var = re.escape(name)
    rx = re.compile(
        rb"(?<![\w>])\$" + var + rb"\s*\[[^\]\n;]{0,200}\]\s*\("
        rb"|(?<![\w$>:])call_user_func(?:_array)?\s*\(\s*(?:[a-z_\x80-\xff][\w\x80-\xff]*\s*::\s*)?"
        rb"\$" + var + rb"\s*\["
    )
    return rx.search(code, start)


@feature("unserialized_request_called")
def _unserialized_request_called(ctx: Ctx, rule: Rule) -> Hit | None:
    """The request's data unserialized into an array (a variable, or a class's static
    property) and an element of that array called as a function (``Loader::$t['write']($f,
    $t['content'])``): the visitor's serialized array names the functions the script runs and
    their arguments, however the names were hidden on the way (cookies joined, base64, a XOR
    key). A site's own unserialized data is settings it reads, not functions it calls."""
    if not has_request_words(ctx) or ctx.first(b"unserialize") < 0:
        return None
    code = ctx.code
    if not _unserialize_assigned(code):
        return None
    req: set[bytes] | None = None
    for m in itertools.islice(_UNSERIALIZED_INTO.finditer(code), 40):
        args = code[m.end() : m.end() + 400]
        args = args[: close_paren(args)]
        if UIN_RE.search(args) is None:
            if req is None:
                req = taint(ctx)[0]
            if not any(v.group(1) in req for v in itertools.islice(VAR.finditer(args), 20)):
                continue
        call = _element_called(code, m.group(1), 0)
        if call is not None:
            at = call.start()
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, call.end() + 60))
    return None
