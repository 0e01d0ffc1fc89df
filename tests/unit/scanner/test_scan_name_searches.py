"""Searches for a name the file chose (a variable, a function) without compiling a regex per
name: each gives what the per-name regex it replaced gave (a scan meets thousands of names,
each regex ~100 us to compile in each worker)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from scanner_helpers import spans

from spamtrace.scanner.features import execution, phishing

_PIECES = [b"$cfg", b"$cfgx", b"$a", b"$", b"[", b"]", b"\x011\x01", b" ", b"\x80", b"[0]",
           b"foreach", b"(", b")", b" as ", b"$k", b" => ", b"$bot", b"$bots", b"$b\x80t", b"x",
           b"foreach ($a as $bot)", b"foreach ($a as $k => $bot)"]  # fmt: skip


def _keyed_only_by_regex(args: bytes, var: bytes) -> bool:
    named = execution._SETTINGS_NAME.search(var) is not None
    uses = 0
    for m in re.finditer(rb"\$" + re.escape(var) + rb"(?![\w\x80-\xff])", args):
        key = execution._LITERAL_KEY.match(args, m.end())
        if key is None or not (named or execution._LITERAL_KEY.match(args, key.end())):
            return False
        uses += 1
    return uses > 0


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.sampled_from([b"cfg", b"a", b"bot"]))
def test_keyed_only_as_the_per_name_regex(pieces: list[bytes], var: bytes) -> None:
    args = b"".join(pieces)
    assert execution._keyed_only(args, var) == _keyed_only_by_regex(args, var)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=30),
    st.sampled_from([b"bot", b"k", b"b\x80t", b"a"]),
)
def test_loops_over_a_variable_as_the_per_name_regex(pieces: list[bytes], var: bytes) -> None:
    code = b"".join(pieces)
    loop = re.compile(
        rb"foreach\s*\(\s*\$(\w+)\s+as\s+(?:\$\w+\s*=>\s*)?\$" + var + rb"\s*\)"
    )
    want = [(m.span(), m.group(1)) for m in loop.finditer(code)]
    got = [(m.span(), m.group(1)) for m in phishing.loops_with_item(code, var)]
    assert got == want


def test_a_loop_over_a_list_of_crawlers_is_read_as_the_crawler_test() -> None:
    from spamtrace.scanner.analyze import analyze
    from spamtrace.scanner.rules import load_rules, load_yara

    src = (
        b"<?php $bots = array('googlebot', 'bingbot', 'crawler', 'spider');\n"
        b"$ua = $_SERVER['HTTP_USER_AGENT'];\n"
        b"foreach ($bots as $bot) { if (stripos($ua, $bot) !== false) {\n"
        b"header('HTTP/1.1 404 Not Found'); exit; } }\n"
        b"header('Location: http://pharma.example/'); ?>"
    )
    res = analyze(src, "x.php", load_rules(), yara=load_yara())
    # stripos($ua, $bot) names no crawler: the loop over $bots does
    assert "php.crawler-redirect" in {f.rule for f in res.findings}


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"$", b"$globals", b"${", b"$${", b"{", b"[", b" ", b"\n", b"\t", b"a",
                         b"$globals [", b"$$globals["]),
        max_size=30,
    )
)  # fmt: skip
def test_superglobal_alias_openings_as_the_regex_finds_them(pieces: list[bytes]) -> None:
    from spamtrace.scanner import fold

    code = b"".join(pieces)
    assert fold.alias_opens(code) == spans(fold._ALIAS_OPEN.finditer(code))


_CALL_PIECES = [b"$", b"$f", b"$$f", b"f", b"\\", b"\x80", b"\xe9", b"(", b")", b" ", b"\n",
                b"a", b">", b":", b"_", b"=", b";", b"[", b"]", b"$this", b"->", b"$f (",
                b"$F("]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_CALL_PIECES), max_size=40))
def test_variables_called_as_the_regex_finds_them(pieces: list[bytes]) -> None:
    from spamtrace.scanner import fold

    code = b"".join(pieces)
    want = [
        (m.span(), m.group(1))
        for m in fold._NAME_VAR_CALL.finditer(code)
        if not (m.start() and code[m.start() - 1] in fold._NOT_BEFORE_CALL)
    ][: fold.MAX_NAME_CALLS]
    assert [(m.span(), m.group(1)) for m in fold.name_var_calls(code)] == want


def test_variables_called_past_the_limit() -> None:
    from spamtrace.scanner import fold

    code = b"$f(1); \\$g(2); " * 300
    calls = fold.name_var_calls(code)
    assert len(calls) == fold.MAX_NAME_CALLS
    assert {m.group(1) for m in calls} == {b"f"}


_RUN_PIECES = [b"\x01", b"1", b"12", b"\x011\x01", b"\x0123\x01", b".", b" ", b"\n", b"chr",
               b"a", b"$", b"\x01\x01"]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_RUN_PIECES), max_size=40))
def test_literal_runs_as_the_regex_finds_them(pieces: list[bytes]) -> None:
    from spamtrace.scanner import fold

    code = b"".join(pieces)
    assert spans(fold.literal_runs(code)) == spans(fold._LITERAL_RUN.finditer(code))


def test_the_normalized_view_is_the_same_with_the_gate_pass_s_words() -> None:
    from pathlib import Path

    from spamtrace.scanner import fold
    from spamtrace.scanner.analyze import _prepared
    from spamtrace.scanner.context import Ctx, has_word, present_words
    from spamtrace.scanner.lexer import lex
    from spamtrace.scanner.rules import load_rules

    ready = _prepared(load_rules())
    samples = [p for p in (Path(__file__).parent / "samples").rglob("*") if p.is_file()]
    samples_with_alias = 0
    for path in samples:
        lx = lex(path.read_bytes())
        ctx = Ctx(b"", path.name, lx, 0, lambda: None, None, gates=ready.gates,
                  gate_words=ready.gate_words)  # fmt: skip
        present_words(ctx)
        samples_with_alias += has_word(ctx, b"$globals") or has_word(ctx, b"${")
        plain = fold.normalized(lx, {})
        gated = fold.normalized(lx, {}, lambda word, ctx=ctx: has_word(ctx, word))
        assert (plain and plain.code) == (gated and gated.code), path
    assert samples_with_alias > 0


_HEAD_PIECES = [b"function", b" ", b"\n", b"&", b"foo", b"foobar", b"fo", b"(", b")", b"$a",
                b", ", b"x" * 150, b";", b"function foo(", b"function & foo ($a)",
                b"\x80"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_HEAD_PIECES), max_size=30),
    st.sampled_from([b"foo", b"fo", b"foobar", b"f\x80o"]),
)
def test_function_params_as_the_per_name_regex(pieces: list[bytes], name: bytes) -> None:
    from spamtrace.scanner.context import function_params

    code = b"".join(pieces)
    want = re.search(rb"function\s+&?\s*" + re.escape(name) + rb"\s*\(([^)]{0,300})\)", code)
    got = function_params(code, name)
    assert ((got.end(), got.group(1)) if got else None) == (
        (want.end(), want.group(1)) if want else None
    )


_CALL_PIECES = [b"run", b"runx", b"xrun", b"$run", b"->run", b"(", b")", b" ", b";", b"$a",
                b"function run(", b"function", b"\x011\x01", b", ", b"y" * 120, b"a", b"aa",
                b"aaa ("]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_CALL_PIECES), max_size=40),
    st.sampled_from([b"run", b"ru", b"aa"]),
)
def test_wrapper_calls_as_the_per_name_regex(pieces: list[bytes], name: bytes) -> None:
    import itertools

    from spamtrace.scanner.context import NOT_CALL_BEFORE, first_arg
    from spamtrace.scanner.features import shell

    code = b"".join(pieces)
    want = []
    calls = re.compile(re.escape(name) + rb"(?=\s*\(([^;]{0,200}))")
    for c in itertools.islice(calls.finditer(code), 200):
        pos = c.start()
        if pos and code[pos - 1] in NOT_CALL_BEFORE:
            continue
        if code[max(0, pos - 12) : pos].rstrip().endswith(b"function"):
            continue
        want.append((pos, first_arg(c.group(1))))

    class _Ctx:
        pass

    ctx = _Ctx()
    ctx.code = code  # type: ignore[attr-defined]
    assert list(shell._wrapper_calls(ctx, name)) == want  # type: ignore[arg-type]


_LOOP_PIECES = [b"foreach", b" (", b"(", b")", b" as ", b"as", b" ", b"$a", b"$v", b"$vv",
                b" => ", b"&", b";", b"{", b"$k", b"\t", b"foreach ($a as &$v)",
                b"foreach ($a as $k => &$v )"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_LOOP_PIECES), max_size=30), st.sampled_from([b"v", b"k", b"a"]))
def test_a_loop_var_outside_the_set_has_no_loop(pieces: list[bytes], var: bytes) -> None:
    from spamtrace.scanner.context import NAME_P
    from spamtrace.scanner.features import shell

    code = b"".join(pieces)
    loop = re.compile(
        rb"foreach\s*\(([^;{]{1,200}?)\s+as\s+(?:\$" + NAME_P + rb"\s*=>\s*)?&?\$"
        + re.escape(var) + rb"\s*\)"
    )
    held = var in {m.group(1) for m in shell._LOOP_VAR.finditer(code)}
    assert held or loop.search(code) is None


def _mentions_by_regex(code: bytes, var: bytes) -> list[int]:
    whole = rb"\$" + re.escape(var) + rb"(?![a-z0-9_\x80-\xff])"
    return [m.start() for m in re.finditer(whole, code)]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=30),
    st.sampled_from([b"bot", b"a", b"b\x80t", b"cfg"]),
    st.integers(min_value=0, max_value=8),
)
def test_var_mentions_as_the_per_name_regex(pieces: list[bytes], var: bytes, limit: int) -> None:
    """Each whole-name "$var", the name ending where the lexer's names end (a byte of
    NAME_BYTES, 0x80-0xff included, goes on with the name); ``limit`` counts every "$var"
    looked at, a longer name's too."""
    from spamtrace.scanner.context import var_mentions

    code = b"".join(pieces)
    assert list(var_mentions(code, var)) == _mentions_by_regex(code, var)
    every = [m.start() for m in re.finditer(rb"\$" + re.escape(var), code)]
    looked = set(every[:limit])
    want = [at for at in _mentions_by_regex(code, var) if at in looked]
    assert list(var_mentions(code, var, limit)) == want


def test_a_name_followed_by_a_byte_above_0x7f_is_another_name() -> None:
    """`$to\\xe9` is another variable than `$to` (PHP names take bytes 0x80-0xff, as the
    lexer reads them): checked_value took its comparison for one of `$to`, so a request
    value given unchecked to a sink passed as whitelisted."""
    from spamtrace.scanner.context import checked_value

    code = b"$to = $_get[\x011\x01]; if (in_array($to\xe9, $ok)) { exit; } mail($to, $s, $b);"
    assert not checked_value(code, b"to")
    assert checked_value(code, b"to\xe9")
    assert not checked_value(b"if (\x011\x01 == $to\xe9) {} mail($to, $s, $b);", b"to")
    assert checked_value(b"if ($to == \x011\x01) {}", b"to")
    assert not checked_value(b"if ($token == \x011\x01) {}", b"to")


_NAMED_PIECES = [b"$cfg", b"$cfgx", b"$cfg\x80", b"$", b"$$cfg", b" ", b"=", b"==", b"=>",
                 b"\x011\x01", b"\x0112\x01", b";", b"[", b"]", b"array(", b"x", b"\n", b"$k",
                 b"$1a", b"$cfgx = \x012\x01;", b"$cfg=\x013\x01;", b"$1a = [\x014\x01;",
                 b"$cfg\x80 = array(1);"]  # fmt: skip
_RESTS = [rb"\s*=(?![=>])([^;]{1,600});", rb"\s*=\s*\x01(\d+)\x01",
          rb"\s*=\s*(?:\[|array\s*\()([^;]{0,2000})"]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.sampled_from(_NAMED_PIECES), max_size=30),
    st.sampled_from([b"cfg", b"k", b"cfg\x80", b"1a", b"c.g"]),
    st.sampled_from(_RESTS),
)
def test_search_named_as_the_per_name_regex(pieces: list[bytes], name: bytes, rest: bytes) -> None:
    from spamtrace.scanner.context import search_named

    text = b"".join(pieces)
    want = re.search(rb"\$(" + re.escape(name) + rb")" + rest, text)
    got = search_named(rest, text, name)
    assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups()))


_WALK_PIECES = [b"foreach", b"(", b")", b" ", b" as ", b"$list", b"$k", b" => ", b"$bot",
                b"$bots", b"$b\x80t", b"array_filter", b"array_map(", b", ", b"fn", b"function",
                b"static ", b"string ", b"\\ns\\t ", b"$1", b"&",
                b"foreach ($list as $k => $bot)", b"foreach ($l as $bot)",
                b"array_walk($w, function ($bot"]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.sampled_from(_WALK_PIECES), max_size=25),
    st.sampled_from([b"bot", b"k", b"b\x80t", b"1", b"list"]),
)
def test_list_walked_as_the_per_name_regex(pieces: list[bytes], var: bytes) -> None:
    head = b"".join(pieces)
    assert phishing._list_walked(head, var) == phishing._list_walked_by_regex(head, var)


_LOOKUP_PIECES = [b"foreach ($a as $n)", b"foreach ($a as $k => $n)", b"foreach ($a as $nn)",
                  b"$s", b"$n", b"$nn", b"$n\x80", b"[", b"]", b"{", b"}", b" ", b"$$", b"x",
                  b"$s[$n]", b"$s{ $nn }", b"$t[$s[$n]]"]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_LOOKUP_PIECES), max_size=25))
def test_each_lookup_as_the_per_name_regex(pieces: list[bytes]) -> None:
    from spamtrace.scanner.context import NAME_P

    body = b"".join(pieces)
    each = execution._EACH_ITEM.search(body)
    want = None
    if each is not None:
        item = re.escape(each.group(1))
        want = re.search(rb"\$(" + NAME_P + rb")\s*[\[{]\s*\$" + item + rb"\s*[\]}]", body)
    got = execution._each_lookup(body)
    assert (got and (got.span(), got.group(1))) == (want and (want.span(), want.group(1)))


_OWN_PIECES = [b"function f1() { return 'system'; }", b"function f2($a) { return $a; }",
               b"function f1() {}", b"f1", b"f2", b"xf1", b"$f1", b"->f1", b"\\f1", b"f1x",
               b"strlen", b" ", b"(", b")", b"(3)", b";", b"\n", b"\x80", b"function"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_OWN_PIECES), max_size=30), st.booleans())
def test_own_function_calls_as_every_named_call(pieces: list[bytes], many: bool) -> None:
    """The calls the rewritten view reads as what the file's own function returns: a search
    of each function the file defines once finds the same calls of them as one pass over
    every call (and past :data:`fold._OWN_CALLS_SEARCHED` functions, that pass is made)."""
    from spamtrace.scanner import fold
    from spamtrace.scanner.lexer import Lexed

    code = b"".join(pieces)
    if many:
        code = b"".join(b"function g%d() {}\n" % i for i in range(60)) + code
    env = fold.Env(code, Lexed(code=code))
    want = [m.span() for m in fold._NAMED_CALL.finditer(code) if env.defines(m.group(1))]
    got = [m.span() for m in fold._own_function_calls(code, env) if env.defines(m.group(1))]
    assert got == want
