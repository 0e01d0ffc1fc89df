"""Score one PHP file: lex it, run every rule over the lexed view, decode layers, add up.

The engine alone: the rule plan (cheap rules first, each gated on the literal words it
needs), the per-file loop, decoded layers, overlaps and the score. What the rules look for
lives in ``features/`` (one module per family of attack), the request-input taint pass in
``taint``, and what every rule reads of a file (``Ctx``) in ``context``.

Pure over bytes: no I/O and no clock. Time bounds come from the caller as a ``check``
callable that raises :class:`BudgetExceeded` when the file's budget is spent.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

# features: registers the rules
from spamtrace.scanner import context, decode, features, fold, taint
from spamtrace.scanner.context import (
    ASSIGNED_ANY_PARTS,
    CB_FIRST,
    CB_LAST,
    CB_SECOND,
    CRAWLER_TESTS,
    EVAL_NAMES_B,
    EXEC_NAMES_B,
    FEATURES,
    FETCH_CALLS,
    FILE_OP_NAMES_B,
    GLOBALS_SINKS,
    IMAGE_MAGIC,
    PLACEHOLDER,
    READ_CALLS,
    REQ_MACRO,
    SESSION_LISTS,
    SESSION_READS,
    SINK_NAMES,
    SOCKET_CALLS,
    SOCKET_WRITES,
    SWAP_CALLS,
    WP_LOGIN_CALLS,
    WP_USER_CALLS,
    BudgetExceeded,
    Ctx,
    Hit,
    assertion_rx,
    bounded_search,
    called_any,
    decoded_payloads,
    excerpt,
    has_word,
    leading_words,
    present_words,
    string_at,
    string_text,
    word_searcher,
    yara_hits,
)
from spamtrace.scanner.features.execution import CALLBACK_WORDS
from spamtrace.scanner.fold import normalized_view
from spamtrace.scanner.lexer import Lexed, find, lex, script_tags_as_php
from spamtrace.scanner.prereq import regex_prereq
from spamtrace.scanner.report import MALICIOUS_SCORE, Finding, ScanVerdict
from spamtrace.scanner.rules import GateWords, Rule, YaraWords
from spamtrace.scanner.rx import tight
from spamtrace.scanner.taint import CIPHER_WORDS, SOURCES

MAX_LAYERS = 4
#: what the vulnerability findings of a file (rules with ``vulnerability = true``: an unchecked
#: upload, SQL or a fetch built from request input...) add up to at most: holes in an
#: application are at most suspicious, however many there are; malware shows intent (a finding
#: of another rule), which still adds on top
VULNERABILITY_CAP = MALICIOUS_SCORE - 1


def score_of(rules: Iterable[Rule]) -> int:
    """The score of a file whose findings are of ``rules``: their weights, the vulnerability
    findings' sum capped at ``VULNERABILITY_CAP``."""
    holes = other = 0
    for rule in rules:
        if rule.params.get("vulnerability"):
            holes += rule.weight
        else:
            other += rule.weight
    return min(holes, VULNERABILITY_CAP) + other


class _Enough(Exception):
    """Raised inside the rule loop once the file's score reached the caller's ``stop_at``."""


# A PHP file's name: what PHP runs (.php, .phtml, .php5...) and what it includes (.inc)
_PHP_NAME = re.compile(r"\.(?:php\d?|phtml|inc)$", re.IGNORECASE)
# The first statement of PHP code written without an open tag (after blank lines and
# comments): a variable set, indexed or called (not "$5" or "$ 10" in prose), a function or
# class declared, or a call of one of the statements a script starts with or of a function
# whose name has an underscore
_TAGLESS_START = tight(
    rb"(?:\xef\xbb\xbf)?(?:\s|//[^\n]*\n|\#[^\n]*\n|/\*.*?\*/)*"
    rb"(?:@?\$[A-Za-z_\x80-\xff][\w\x80-\xff]*\s*(?:\[[^\]\n]{0,80}\]\s*)*(?:[.+-]?=(?!=)|->|\()"
    rb"|(?:function|class)\s+[A-Za-z_]\w*\s*[({]"
    rb"|@?(?:ini_set|error_reporting|set_time_limit|ignore_user_abort|define|session_start|"
    rb"eval|assert|require(?:_once)?|include(?:_once)?|if|foreach|extract|system|exec|passthru|"
    rb"popen|proc_open|header|chmod|touch|unlink|copy|rename|mkdir|mail|fwrite|fputs|fopen|"
    rb"readfile|isset|while|for|switch|unserialize|gzinflate|gzuncompress|hex2bin|pack|"
    rb"preg_replace|array_map|create_function|ob_start)\s*\("
    # or a call of a snake_case function (file_put_contents(...)): no sentence starts so
    rb"|@?[A-Za-z]+_[A-Za-z_]\w*\s*\("
    # or a statement that prints or returns a value
    rb"|(?:echo|print|return)(?:\s*[$'\"(]|\s+@?[A-Za-z_]\w*\s*\())",
    re.DOTALL,
)
# PHP's words that stand next to other words in code (modifiers, types, keywords): three
# bare words in a row, none of them one of these, is a sentence ("how to install", "copy
# the folder", "INSERT INTO wp_posts"), which PHP cannot parse
_PHP_WORDS = frozenset(
    b"abstract and array as break callable case catch class clone const continue declare "
    b"default do echo else elseif empty enddeclare endfor endforeach endif endswitch endwhile "
    b"enum extends final finally fn for foreach from function global goto if implements "
    b"include include_once instanceof insteadof interface isset list match namespace new or "
    b"print private protected public readonly require require_once return static switch "
    b"throw trait try unset use var while xor yield int float bool string mixed void never "
    b"object iterable self parent null false true".split()
)
_THREE_WORDS = tight(
    rb"(?<![\w$\\>:])([a-z_]\w*)[ \t]+([a-z_]\w*)[ \t]+([a-z_]\w*)(?![\w\\(:])"
)


def _prose(code: bytes) -> bool:
    """Whether lexed ``code`` (lower case, literals replaced) holds a sentence: three bare
    words in a row that are not PHP's own (:data:`_PHP_WORDS`)."""
    for m in itertools.islice(_THREE_WORDS.finditer(code[:16384]), 200):
        if not any(w in _PHP_WORDS for w in m.groups()):
            return True
    return False


def tagless_code(data: bytes, name: str) -> bool:
    """``data``, a file called ``name`` with no PHP open tag, is PHP code all the same: a
    PHP file's name, and the text starts with a statement. Such a file cannot run by itself;
    it is a piece of code kept for another script to run (eval'd, or written out after a
    ``<?php`` that the loader adds: the WP-VCD family's wp-tmp.php), so its code is read as
    the code it is. An HTML page or a template called .php starts with markup or prose, and a
    text file is not named .php."""
    if _PHP_NAME.search(name) is None:
        return False
    m = _TAGLESS_START.match(data[:4096])
    if m is None:
        return False
    # a statement ends with ";" or "}" somewhere: not a sentence that starts with "if ("
    return find(data, b";") >= 0


def _never() -> None:
    return None


@dataclass(frozen=True, slots=True)
class Analysis:
    score: int
    verdict: ScanVerdict
    findings: tuple[Finding, ...]
    layers: int  # how many decoded payloads were scanned (0 when it stopped early)
    complete: bool = True  # False: stopped at ``stop_at``, the rules left were not run
    cut_short: bool = False  # True: the time budget ran out; the findings are those made by then


# Cheaper necessary conditions for particular rule patterns: every match of the pattern (the
# key, verbatim, so that an edited rule simply loses its prefilter) contains a match of the
# prefilter, whose literal first byte makes it scan many times faster.
_PREFILTERS: dict[bytes, re.Pattern[bytes]] = {
    # chr-chain: each piece is chr(N) or $f(N) followed by "."
    (
        rb"(?:(?:chr|\$[\w\x80-\xff]+)\s*\(\s*(?:(?:\d+|0x[0-9a-f]+)\s*[-+^]\s*\d+|"
        rb"0*(?:3[2-9]|[4-9]\d|1[01]\d|12[0-6])|0x0*(?:[2-6][0-9a-f]|7[0-9a-e]))\s*\)"
        rb"\s*\.\s*){4,}"
    ): tight(rb"\(\s*(?:\d+|0x[0-9a-f]+)\s*(?:[-+^]\s*\d+\s*)?\)\s*\."),
    # password-gate: both alternatives hold md5/sha1( ... request input; without the
    # "\x01<n>\x01 ==" alternative no string placeholder starts a match attempt
    (
        rb"(?:md5|sha1)\s*\([^;]{0,60}?" + REQ_MACRO + rb"[^;]{0,80}?[!=]==?\s*\x01\d+\x01|"
        rb"\x01\d+\x01\s*[!=]==?\s*(?:md5|sha1)\s*\([^;]{0,60}?" + REQ_MACRO
    ): tight(rb"(?:md5|sha1)\s*\([^;]{0,60}?" + REQ_MACRO),
    # callback-spread-request: every match ends with "..." and a request array; the pattern
    # has no literal start ("$name(" is one of its callables) and scanned all of the code of
    # every file that uses the spread operator
    (
        rb"(?:call_user_func(?:_array)?|forward_static_call(?:_array)?|array_map|array_filter|"
        rb"array_walk(?:_recursive)?|array_reduce|u[ak]?sort|register_shutdown_function|"
        rb"register_tick_function|iterator_apply|array_(?:diff|intersect)_u\w+|"
        rb"array_u(?:diff|intersect)\w*|\$[\w\x80-\xff]+)\s*\(\s*(?:[^;()]{0,80},\s*)?"
        rb"\.\.\.\s*@?\s*(?:\$_(?:get|post|request|cookie)\b|\$http_(?:post|get|cookie)_vars\b)"
    ): tight(
        rb"\.\.\.\s*@?\s*(?:\$_(?:get|post|request|cookie)\b|\$http_(?:post|get|cookie)_vars\b)"
    ),
}


def _search_at_words(
    rx: re.Pattern[bytes],
    code: bytes,
    words: tuple[bytes, ...],
    first: Callable[[bytes], int] | None = None,
) -> re.Match[bytes] | None:
    """``rx.search(code)`` for a pattern whose matches all begin with one of ``words``."""
    return word_searcher(rx, code, words, first)(0)


def _run_rule(ctx: Ctx, rule: Rule) -> Hit | None:
    need = rule.params.get("min_literal_count")
    if need:
        code = ctx.code
        present = present_words(ctx)
        if present is not None and present.isdisjoint(rule.gate_counts):
            return None  # none of the counted words occurs: the count is 0
        if sum(code.count(w) for w in rule.gate_counts) < int(need):
            return None
    if rule.gate:
        present = present_words(ctx)
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
        if rule.gate_call and not called_any(ctx, rule.gate_call):
            return None
    if rule.kind == "code":
        need_sets = ctx.prereqs.get(rule.id)
        if need_sets is not None:
            present = present_words(ctx)
            if present is not None and any(present.isdisjoint(ws) for ws in need_sets):
                return None  # the regex cannot match without a word of each set
    return _rule_body(ctx, rule)


# a domain name: the last label is letters and not a file extension ("c99shell.php" is a file)
_HOSTNAME = tight(
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


# a literal that is a regular expression and nothing else: a delimiter (not a letter, a digit,
# a backslash or a space), a body, the same delimiter, then only modifiers ("/FilesMan/i",
# "#c99shell#"): what a malware scanner or a security plugin matches files against
_REGEX_LITERAL = tight(rb"([^\w\s\\])(?:(?!\1).|\\\1){1,300}\1[imsxuadsuxjn]{0,8}", re.S | re.I)


def _only_in_patterns(ctx: Ctx, rule: Rule) -> bool:
    """Every match of the yara rule of ``rule`` (scope "bytes") in the file is inside a
    literal that is a regular expression (:data:`_REGEX_LITERAL`): with those literals'
    bodies blanked out, the rule no longer matches. A security plugin's or a scanner's list
    of patterns (``$patterns[] = "/FilesMan/i";``) names the shells it looks for; a shell's
    own marker is a plain string, a comment or its page's text."""
    if ctx.yara is None or rule.yara is None or ctx.layer:
        return False
    data = ctx.data
    blanked = False
    for raw in itertools.islice(ctx.lx.raw_strings, 20000):
        if len(raw) < 3 or len(raw) > 310 or _REGEX_LITERAL.fullmatch(raw.strip()) is None:
            continue
        if raw in data:
            data = data.replace(raw, b" " * len(raw))
            blanked = True
    return blanked and rule.id not in ctx.yara.scan(data, frozenset((rule.yara,)))


def _rule_body(ctx: Ctx, rule: Rule) -> Hit | None:
    """:func:`_run_rule` after its gate checks."""
    if rule.kind == "code":
        assert rule.regex is not None
        pre = _PREFILTERS.get(rule.regex.pattern)
        if pre is not None:
            pre_words = leading_words(pre)
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
            firsts = leading_words(rule.regex)
            m = (
                rule.regex.search(ctx.code)
                if firsts is None
                else _search_at_words(rule.regex, ctx.code, firsts, ctx.first)
            )
        if m is None:
            return None
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    if rule.kind == "yara":
        found = yara_hits(ctx, rule.scope).get(rule.id)
        if found is None:
            return None
        offset, words = found
        if rule.scope == "bytes":
            if _HOSTNAME.fullmatch(_token_at(ctx.data, offset)):
                return None  # a domain in a list of domains ("antichat.tk"), not a marker
            if rule.params.get("not_in_patterns") and _only_in_patterns(ctx, rule):
                return None  # a scanner's signature ("/FilesMan/i"), not the shell's marker
            line = 0 if ctx.layer else ctx.data.count(b"\n", 0, offset) + 1
        else:
            idx = string_at(ctx, offset)
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
    *EXEC_NAMES_B,
    *EVAL_NAMES_B,
    *itertools.chain(*SINK_NAMES.values()),
    *FILE_OP_NAMES_B,
    *CB_FIRST,
    *CB_SECOND,
    *CB_LAST,
    *GLOBALS_SINKS,
    *SOCKET_CALLS,
    *SOCKET_WRITES,
    *SESSION_READS,
    *SESSION_LISTS,
    *WP_USER_CALLS,
    *WP_LOGIN_CALLS,
    b"getmxrr",
    *READ_CALLS,
    *FETCH_CALLS,
    *CRAWLER_TESTS,
    *SWAP_CALLS,
)


# words that features ask about the code with ``ctx.first``, ``has_word`` or ``has_any``
# (whether, or where first, each occurs): each was a search of the whole code, most often
# finding nothing, in hundreds of corpus files; as gate words the gate pass answers them.
# The longer ones only: a short word in most files ("->", "ord", "return") is found near
# the start by its search and would add a word found per file to the pass's answer
_ASKED_WORDS = (
    b"uniqid", b"str_shuffle", b"sesclient", b"sesv2client", b"array_uintersect",
    b"array_udiff_assoc", b"array_uintersect_assoc", b"preg_replace_callback_array",
    b"check_admin_referer", b"check_ajax_referer", b"hash_equals", b"password_hash",
    b"password_verify", b"register_setting", b"update_option", b"wp_check_password",
    b"wp_signon", b"wp_verify_nonce", b"compact", b"base64_encode", b"print_r", b"printf",
    b"wp_mail", b"openssl_random_pseudo_bytes", b"random_bytes", b"setcookie",
    b"http_referer", b"define", b"escapeshellarg", b"socket_create", b"stream_context_create",
)


# words that features test for in the code besides the rules' gates (one scan finds them all)
_GATE_EXTRA_SET = frozenset(
    {*SOURCES, b"\x01.", b"\x01 .", b".=", b"replace", b"pcntl_fork", b"dup2", b"pack", b"implode",
     b"join", *(w for w, _ in ASSIGNED_ANY_PARTS), *_CALLED_NAMES, *CALLBACK_WORDS,
     *CIPHER_WORDS, *_ASKED_WORDS}
)  # fmt: skip


#: per rule: the rule, the bits of its word sets, its min_literal_count, what runs it
_Plan = list[tuple[Rule, int, int, Callable[[Ctx, Rule], Hit | None]]]


@dataclass(slots=True)
class _Prepared:
    """What a rule set needs compiled once: the gate words and their scanner, each regex's
    prerequisite words, the rule plan, the yara-x names per scope and the "after" rules."""

    rules: tuple[Rule, ...]
    gates: GateWords | None  # None: yara-x unavailable, plain ``in`` scans
    gate_words: frozenset[bytes]
    #: rule id -> word sets; every match of the rule's regex has a word of each
    prereqs: dict[str, tuple[frozenset[bytes], ...]]
    plan: _Plan
    word_bits: dict[bytes, int]  # each gate word -> the bits of the sets that hold it
    yara_names: dict[str, frozenset[str]]
    after: tuple[Rule, ...]
    #: bits of the gate words present -> the plan's entries that can fire (files share few)
    runnable: dict[int, _Plan] = field(default_factory=dict)


#: the rule sets prepared in this process, most recent first, matched by identity (the
#: tuple is held, so it stays the same object); a process uses one or two
_PREPARED: list[_Prepared] = []
_PREPARED_KEPT = 4


def _prepared(rules: tuple[Rule, ...]) -> _Prepared:
    for entry in _PREPARED:
        if entry.rules is rules:
            return entry
    entry = _prepare(rules)
    _PREPARED.insert(0, entry)
    del _PREPARED[_PREPARED_KEPT:]
    return entry


def _prepare(rules: tuple[Rule, ...]) -> _Prepared:
    words = set(_GATE_EXTRA_SET)
    prereqs: dict[str, tuple[frozenset[bytes], ...]] = {}
    for rule in rules:
        words.update(rule.gate)
        words.update(rule.gate_also)
        words.update(rule.gate_counts)
        if rule.kind == "code" and rule.regex is not None:
            need = regex_prereq(rule.regex)
            if need:
                prereqs[rule.id] = need
                for ws in need:
                    words.update(ws)
    gates: GateWords | None
    try:
        gates = GateWords(words)
    except Exception:  # yara-x unavailable: fall back to plain `in` scans
        gates, prereqs = None, {}
    plan, word_bits = _rule_plan(rules, prereqs)
    for word in words:
        word_bits.setdefault(word, 0)  # a word of no set: its bits are none
    by_scope: dict[str, set[str]] = {}
    for rule in rules:
        if rule.kind == "yara" and rule.yara:
            by_scope.setdefault(rule.scope, set()).add(rule.yara)
    return _Prepared(
        rules=rules,
        gates=gates,
        gate_words=frozenset(words) if gates is not None else frozenset(),
        prereqs=prereqs,
        plan=plan,
        word_bits=word_bits,
        yara_names={scope: frozenset(ns) for scope, ns in by_scope.items()},
        after=tuple(r for r in rules if r.params.get("after")),
    )


def _gate_scanner(rules: tuple[Rule, ...]) -> GateWords | None:
    return _prepared(rules).gates


def prepare(rules: tuple[Rule, ...], yara: YaraWords | None = None) -> None:
    """Compile what the rule set needs (gate words, regex prerequisites, the rule plan) now,
    e.g. before forking workers that then share it, instead of on the first file: also the
    yara-x scanners of each scope (``yara``) and the leading words of the rules' and
    features' regexes (each worker compiled them again on first use: ~50 ms of CPU per
    worker)."""
    ready = _prepared(rules)
    assertion_rx()
    if yara is not None:
        for names in ready.yara_names.values():
            yara.scan(b"", names)
    patterns = [rule.regex for rule in rules if rule.regex is not None]
    families = (getattr(features, name) for name in features.__all__)
    for module in (context, taint, fold, *families):
        found = vars(module).values()
        patterns.extend(
            v for v in found if isinstance(v, re.Pattern) and isinstance(v.pattern, bytes)
        )
    for rx in patterns:
        leading_words(rx)


def _rule_plan(
    rules: tuple[Rule, ...], prereqs: dict[str, tuple[frozenset[bytes], ...]]
) -> tuple[_Plan, dict[bytes, int]]:
    """The rules that run per layer (not the "after" ones), in order, each with a bit mask of
    the word sets that :func:`_run_rule` checks against the gate words present before
    anything else (when one of them is disjoint from them, the rule cannot fire) and its
    ``min_literal_count`` (0: none) and what runs it (a feature's function, called directly,
    or :func:`_rule_body`); and, per gate word, the bits of the sets that hold it. A rule can
    fire only when the bits of the words present cover its mask."""
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
    return cached, word_bits


def _analyze(
    data: bytes,
    name: str,
    rules: tuple[Rule, ...],
    check: Callable[[], None],
    layer: int,
    hits: dict[str, tuple[Rule, Hit, int]],
    yara: YaraWords | None,
    code0: dict[str, Lexed] | None = None,
    stop_at: int = 0,
) -> int:
    if layer == 0:
        magic = data.startswith(IMAGE_MAGIC) or b"\x00" in data[:1024]
        lx = lex(data, strict_open=magic)
        if not lx.php_regions and not magic:
            as_php = script_tags_as_php(data)
            if as_php is not None:
                data = as_php
                lx = lex(data)
        if not lx.php_regions and not magic and tagless_code(data, name):
            as_code = lex(data, start_in_php=True)
            # a README, a SQL dump or a letter kept under a .php name reads as sentences
            if not _prose(as_code.code):
                lx = as_code
                lx.php_regions = 1
    else:
        start_in_php = b"<?php" not in data and b"<?=" not in data
        lx = lex(data, start_in_php=start_in_php)
    if not lx.php_regions and layer == 0:
        return 0
    ready = _prepared(rules)
    gates = ready.gates
    ctx = Ctx(
        data=data,
        name=name,
        lx=lx,
        layer=layer,
        check=check,
        yara=yara,
        gates=gates,
        gate_words=ready.gate_words,
        prereqs=ready.prereqs,
    )
    # "://" is in the file itself wherever a literal holds php://input (a literal's body is
    # a slice of the file, and lower-casing changes neither ":" nor "/"): the literals' text
    # is made only when a rule reads it
    if find(data, b"://") >= 0 and string_text(ctx).find(b"php://input") >= 0:
        lx.code = _input_stream_inline(lx)
    ctx.cache["hits"] = hits
    ctx.cache["yara-names"] = ready.yara_names
    if code0 is not None:
        code0["lx"] = lx  # the file's own lexed code, for the "after" rules
    _run_plan(ctx, ready, hits, layer, stop_at)
    # the code with the usual rewrites undone (glued literals, superglobals named through
    # $GLOBALS or ${...}, names called through variables): its findings add to the file's
    got = normalized_view(lx, ctx.cache, lambda word: has_word(ctx, word))
    view, written_only = got if got is not None else (None, False)
    if view is not None:
        check()
        base = len(lx.raw_strings)
        if any(v.strip().lower() == b"php://input" for v in view.raw_strings[base:]):
            # a literal glued from pieces ('php://in' . 'put') names the request body too
            view = replace(view, code=_input_stream_inline(view))
        # a rule that says what a finding of the code as written says (``overlaps``), and
        # no more strongly, is not run again: the file's reasons stay those of its own text
        # (a heavier one may still find what the code as written hid from it)
        said = set(hits)
        said.update(
            r.id
            for r, *_ in ready.plan
            if any(o in hits and hits[o][0].weight >= r.weight for o in r.overlaps)
        )
        # "written-out": the view differs from the code only by interpolated strings written
        # as concatenations (plain PHP, not a rewrite that hides)
        kind = "written-out" if written_only else True
        cache = {"hits": hits, "yara-names": ready.yara_names, "view": kind}
        nctx = replace(ctx, lx=view, cache=cache)
        _run_plan(nctx, ready, hits, layer, stop_at, frozenset(said))
    payloads = 0
    if layer < MAX_LAYERS:
        seen: set[bytes] = set()
        for _idx, payload, _layers in decoded_payloads(ctx):
            payloads += 1
            seen.add(payload)
            payloads += _analyze(payload, name, rules, check, layer + 1, hits, yara, None, stop_at)
        if view is not None and (find(view.code, b"eval") >= 0 or find(view.code, b"assert") >= 0):
            # the code eval() is given that only the rewritten view folds (a first-class
            # callable chr(...) mapped over numbers, a class's constant)
            for _idx, code in context.folded_eval_code(replace(ctx, lx=view, cache={})):
                res = decode.peel(code, frozenset(), check)
                if res is None or res[0] in seen:
                    continue
                seen.add(res[0])
                payloads += 1
                payloads += _analyze(
                    res[0], name, rules, check, layer + 1, hits, yara, None, stop_at
                )
    return payloads


def _run_plan(
    ctx: Ctx,
    ready: _Prepared,
    hits: dict[str, tuple[Rule, Hit, int]],
    layer: int,
    stop_at: int,
    skip: frozenset[str] = frozenset(),
) -> None:
    """Run the rules that can fire on ``ctx``'s code (those not already in ``hits``, nor in
    ``skip``)."""
    gates, lx, check = ready.gates, ctx.lx, ctx.check
    plan, word_bits = ready.plan, ready.word_bits
    if gates is None:
        for rule, _mask, _min_count, _run in plan:
            if rule.id not in hits and rule.id not in skip:
                check()
                hit = _run_rule(ctx, rule)
                if hit is not None:
                    hits[rule.id] = (rule, hit, layer)
                    if stop_at and _score_reached(hits, stop_at):
                        raise _Enough
    else:
        # the checks of _run_rule, with the gate words already known: a rule runs only when
        # each of its word sets has a word present
        present = present_words(ctx) or frozenset()
        # every gate word has its bits (0: in no set), so the words present are or'ed in C
        have = functools.reduce(operator.or_, map(word_bits.__getitem__, present), 0)
        code = lx.code
        runnable = ready.runnable.get(have)
        if runnable is None:  # the same words present, the same rules: files share few sets
            if len(ready.runnable) >= 8192:
                ready.runnable.clear()
            runnable = [entry for entry in plan if entry[1] & have == entry[1]]
            ready.runnable[have] = runnable
        for rule, _mask, min_count, run in runnable:
            if rule.id in hits or rule.id in skip:
                continue
            check()
            # a word absent from the code counts 0: only the present ones are counted
            if min_count and (
                sum(code.count(w) for w in rule.gate_counts if w in present) < min_count
            ):
                continue
            if rule.gate_call and not called_any(ctx, rule.gate_call):
                continue  # none of the functions it needs is called
            hit = run(ctx, rule)  # _rule_body, or the feature itself
            if hit is not None:
                hits[rule.id] = (rule, hit, layer)
                if stop_at and _score_reached(hits, stop_at):
                    raise _Enough


def _input_stream_inline(lx: Lexed) -> bytes:
    """The lexed code with each literal that names the request body (``'php://input'``, as
    in ``file_get_contents('php://input')``) written out as ``php://input``: the rules then
    see the raw body as the request input it is, as they see ``$_POST``. (Every other
    literal stays a placeholder; the line breaks are kept.)"""

    def inline(m: re.Match[bytes]) -> bytes:
        value = lx.value(int(m.group(1))).strip().lower()
        return b"php://input" if value == b"php://input" else m.group(0)

    return PLACEHOLDER.sub(inline, lx.code)


def _score_reached(hits: dict[str, tuple[Rule, Hit, int]], stop_at: int) -> bool:
    """Whether ``hits`` score at least ``stop_at`` once overlapping rules count once."""
    if score_of(entry[0] for entry in hits.values()) < stop_at:
        return False
    kept = dict(hits)
    _drop_overlapped(kept)
    return score_of(entry[0] for entry in kept.values()) >= stop_at


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
    code0: dict[str, Lexed] = {}
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
    # the rules about the other findings (``after = true``), in file order
    for rule in _prepared(rules).after if complete and hits else ():
        if rule.id not in hits:
            fn = FEATURES[rule.feature or ""]
            lx0 = code0.get("lx") or Lexed()
            cache = {"hits": hits, "code0": lx0.code}
            hit = fn(Ctx(data, name, lx0, 0, check, yara, cache=cache), rule)
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
    score = score_of(rule for rule, _, _ in hits.values())
    return Analysis(score, ScanVerdict.from_score(score), findings, layers, complete, cut_short)
