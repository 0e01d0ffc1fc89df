"""Searches of the scanner bounded to where their match can matter give what the unbounded
search gave: differential tests over random PHP-ish text (whitespace runs, assignments,
includes), the shapes that made the unbounded forms read a padded file again and again."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scanner_helpers import spans

from spamtrace.scanner import context, fold, taint
from spamtrace.scanner.analyze import analyze
from spamtrace.scanner.features import execution, phishing
from spamtrace.scanner.lexer import Lexed, lex
from spamtrace.scanner.rules import load_rules

PIECES = [
    "$a",
    "$b_1",
    " ",
    "\n",
    "\t",
    "=",
    "==",
    ".=",
    "??=",
    "[",
    "]",
    "'k'",
    ";",
    "{",
    "}",
    "(",
    ")",
    "@",
    ".",
    "include",
    "require_once",
    "\x011\x01",
    "x",
    "$_GET['c']",
    "=>",
]
text = st.lists(st.sampled_from(PIECES), max_size=200).map(lambda p: "".join(p).encode())


@settings(max_examples=400, deadline=None)
@given(text, st.integers(min_value=0, max_value=2000))
def test_the_first_assignment_is_the_search_s_where_it_can_matter(code: bytes, at: int) -> None:
    pos = at % (len(code) + 1)
    lo = taint._statement_start(code, pos)
    bounded = taint._first_assignment(code, lo)
    full = taint._ASSIGN_AT.search(code, lo + 1)
    if full is not None and full.start() < pos:
        assert bounded is not None and bounded.span() == full.span()
        assert bounded.groups() == full.groups()
    # and what assignment_before makes of either is the same
    assert taint.assignment_before(code, pos) == (
        None if full is None or not full.start() < pos < full.end() else full.groups()
    )


_INCLUDE_LIT_BACKTRACKING = re.compile(  # the pattern before its runs were made possessive
    rb"(?:include|require)(?:_once)?\b\s*\(?\s*@?\s*(?:[\w\s.()$]{0,60}?\.\s*)?"
    rb"\x01(\d+)\x01"
)


@settings(max_examples=400, deadline=None)
@given(text)
def test_include_of_a_literal_finds_what_it_found(code: bytes) -> None:
    old = spans(_INCLUDE_LIT_BACKTRACKING.finditer(code))
    assert spans(context.INCLUDE_LIT.finditer(code)) == old


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(["{", "}", "{", "}", "a", "\n", "{}", "}}", "{{"]), max_size=60),
    st.integers(min_value=0, max_value=70),
    st.integers(min_value=0, max_value=80),
)
def test_braced_is_the_brace_by_brace_scan(pieces: list[str], at: int, limit: int) -> None:
    """``context.braced`` (a search per closing brace) gives what the scan brace by brace
    gives, wherever it starts (a "{" or not) and wherever the limit cuts."""
    code = "".join(pieces).encode()
    end = min(len(code), at + limit)
    assert context.braced(code, at, limit) == context.braced_scan(code, at, end)


# the searches that compiled a pattern per name, as they were: the literal search plus a
# fixed pattern that replaced each must find the same matches
_NAME_PIECES = ["foo", "fo", "foox", "this", "->", "$", "$this", " ", "\n", "=", "==", ".=",
                "=>", "(", ")", "{", "}", ";", "&", "function", "private", "public", "var",
                "readonly", "?int", "static", "\\a", "|", "x", "_", "\x80",
                "\x011\x01"]  # fmt: skip
name_text = st.lists(st.sampled_from(_NAME_PIECES), max_size=120).map(
    lambda p: "".join(p).encode("latin-1")
)
names = st.sampled_from([b"foo", b"fo", b"x", b"this", b"_", b"\x80x"])


@settings(max_examples=400, deadline=None)
@given(name_text, names)
def test_a_name_then_a_tail_is_what_one_pattern_found(code: bytes, name: bytes) -> None:
    for tail in (fold._SET_TAIL, fold._CALL_TAIL):
        old = re.compile(re.escape(name) + tail.pattern)
        want = [(m.start(), m.end(), m.groups()) for m in old.finditer(code)]
        got = [(at, m.end(), m.groups()) for at, m in fold._word_then(code, name, tail)]
        assert got == want


@settings(max_examples=400, deadline=None)
@given(name_text, names)
def test_declared_properties_are_what_one_pattern_per_name_found(code: bytes, name: bytes) -> None:
    old = re.compile(
        rb"(?<![\w$])(?:var|public|protected|private)\s++"
        rb"(?:readonly\s++)?(?:\??[a-z_\\][\w\\|]*+\s++)?\$" + re.escape(name) + rb"\s*+()=(?![=>])"
    )
    want = spans(itertools.islice(old.finditer(code), 2))
    assert fold._FileIndex(code, Lexed(code=code)).declared_sites(name) == want


def test_the_envs_of_one_file_share_what_its_search_found() -> None:
    lx = lex(b"<?php class K { private $fn = 'a' . 'b'; function f() { return $this->fn; } }")
    cache: dict[str, object] = {}  # the file's cache (ctx.cache): the rules of a file share it
    first, second = fold.Env(lx.code, lx, cache), fold.Env(lx.code, lx, cache)
    assert first._file is second._file
    assert first.defines(b"f") and second._file.defines is not None  # found once, for both
    other = lex(b"<?php $x = 1;")
    assert fold.Env(other.code, other, {})._file is not first._file
    # the index lives in the file's cache alone: nothing of a file outlives its analysis
    analyze(b"<?php $a = 'x'; $f = $a . 'y'; $f();", "x.php", load_rules())
    assert not any(isinstance(v, fold._FileIndex) for v in vars(fold).values())


@settings(max_examples=400, deadline=None)
@given(name_text, names)
def test_a_function_body_is_the_one_a_pattern_per_name_found(code: bytes, name: bytes) -> None:
    want = None
    heads = re.compile(rb"function\s+&?\s*" + re.escape(name) + rb"(?![\w\x80-\xff])")
    for head in heads.finditer(code):
        m = context.FUNC_DEF.match(code, head.start())
        if m is not None and m.group(1) == name:
            want = context.braced(code, m.end() - 1)
            break
    ctx = context.Ctx(code, "x.php", Lexed(code=code), 0, lambda: None, None)
    assert context.function_body(ctx, name) == want


_APPEND_PIECES = [
    b"$", b"$a", b"$b_1", b" ", b"\n", b".=", b".", b"=", b"\x011\x01", b"\x0123\x01", b";",
    b"x", b"$$", b"\x01", b"->",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_APPEND_PIECES), max_size=40))
def test_appended_literals_are_what_the_pattern_found(pieces: list[bytes]) -> None:
    """``context.append_literals`` (found from each ".=" back to its "$") gives the matches
    of ``_APPEND_LIT.finditer``, which tried the pattern at every "$"."""
    code = b"".join(pieces)
    assert spans(context.append_literals(code)) == spans(context._APPEND_LIT.finditer(code))


def _smtp_functions(count: int, last_arg: bytes) -> bytes:
    """A raw SMTP client of ``count`` functions, each writing its parameter after RCPT TO,
    each called once; the last one with ``last_arg``."""
    head = (
        b'<?php\n$s = fsockopen("localhost", 25);\nfwrite($s, "HELO x\\r\\n");\n'
        b'fwrite($s, "MAIL FROM:<a@b.c>\\r\\n"); fwrite($s, "DATA\\r\\n");\n'
        b"$page = $_GET['p'];\n"
    )
    funcs = b"".join(
        b'function f%d($to) { global $s; fwrite($s, "RCPT TO:<$to>\\r\\n"); }\n' % i
        for i in range(count)
    )
    calls = b"".join(b"f%d('a@b.c'); $o->f%d('x');\n" % (i, i) for i in range(count - 1))
    return head + funcs + calls + b"f%d(%s);\n" % (count - 1, last_arg)


def test_an_smtp_client_of_many_functions_is_searched_once_per_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """mailer.smtp-relay-request asks, for each RCPT write, whether each function is given
    request input: the answer is searched once per function, not once per (write, function)
    (padded with such functions, a mailer ran past the time limit and was skipped)."""
    searches = 0
    calls_of = context._calls_of

    def counted(code: bytes, name: bytes, limit: int, start: int = 0) -> list[tuple[int, bytes]]:
        nonlocal searches
        searches += 1
        return calls_of(code, name, limit, start)

    monkeypatch.setattr(context, "_calls_of", counted)
    rules = load_rules()
    found = analyze(_smtp_functions(40, b"'a@b.c'"), "x.php", rules)
    assert "mailer.smtp-relay-request" not in {f.rule for f in found.findings}
    assert searches < 2 * 40 + 40  # once per function, plus the other rules' few names
    relay = analyze(_smtp_functions(40, b'$_POST["to"], $_POST["text"]'), "x.php", rules)
    assert "mailer.smtp-relay-request" in {f.rule for f in relay.findings}


_REWRITE_COND = re.compile(
    rb"rewritecond\s+%\{http_(?:referer|user_agent)\}\s+(?![\s!])(?:[^\n\\]|\\(?!n)){0,200}?"
    rb"(?:google|bing|yahoo|yandex|baidu|bot|crawl|spider|slurp)(?:[^\n\\]|\\(?!n)){0,200}"
    rb"(?:\n|\\n)"
    rb"(?:\s*rewritecond(?:[^\n\\]|\\(?!n)){0,200}(?:\n|\\n))*\s*"
    rb"rewriterule\s+\S+\s+https?://"
)  # the one pattern phishing._rewrite_cloak reads in one pass
_REWRITE_PIECES = [
    b"rewritecond %{http_referer} ", b"rewritecond %{http_user_agent}", b"rewritecond ",
    b"rewriterule ^ ", b"rewriterule .* http://x.example/", b"/in.php", b"google", b"bot",
    b"bingoogle", b"crawl", b" ", b"\n", b"\\n", b"\\", b"x" * 60, b"y" * 150, b"[nc,or]",
    b"{", b"}", b"%{http_referer}", b"!", b"\\.", b"https://x.example/", b"n",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_REWRITE_PIECES), max_size=30))
def test_a_rewrite_cloak_is_what_the_one_pattern_found(pieces: list[bytes]) -> None:
    text = b"".join(pieces)
    assert phishing._rewrite_cloak(text) == (_REWRITE_COND.search(text) is not None)


def test_a_column_named_as_a_number_s_is_what_the_pattern_found() -> None:
    old = re.compile(rb"(?:^|[._])(?:\w*_?id|pk|num(?:ber)?|no|count|year|age)$")
    pieces = [b"a", b"_", b".", b"id", b"i", b"d", b"pk", b"num", b"ber", b"no", b"count", b"age"]
    for parts in itertools.product(pieces, repeat=4):
        column = b"c" + b"".join(parts)
        assert execution.numeric_column(column) == (old.search(column) is not None), column
