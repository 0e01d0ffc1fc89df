"""The compiled parts of the scanner give what their reference gives: the token loop
(``_lexer.c``) what ``lexer._tail_py`` gives, the word matcher (``_words.c``) what ``in`` and
yara-x give.

The install builds them wherever a C compiler is found (the test command installs one), so
these tests require them: a scan without them still works, taking about 1.5 times as long.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scanner_helpers import span, spans

from spamtrace.scanner import analyze, context, lexer, rules, taint
from spamtrace.scanner._lexer import (
    assignment_before,
    balanced_end,
    brace_end,
    calls_of,
    canonical_space,
    close_paren,
    concat_start,
    find,
    mentions,
    names,
    next_word,
    open_before,
    paren_call,
    statement_start,
    tail,
    top_args,
    varcall,
)
from spamtrace.scanner._words import WordSet

SAMPLES = Path(__file__).parent / "samples"

# the bytes that start, end or change a token, and some plain code around them
_PIECES = [
    b"'", b'"', b"`", b"/", b"*", b"#", b"[", b"?", b">", b"<", b"\\", b"\n", b"\r", b" ",
    b"\t", b"=", b"a", b"B", b"1", b"_", b"\x80", b"\x01", b"php", b"PHP", b"<<<", b"EOT",
    b"'EOT'", b'"EOT"', b"*/", b"?>", b"<?php", b"<?=", b"//", b"/*", b"\\x41",
]  # fmt: skip


def test_the_lexer_in_use_is_the_compiled_one() -> None:
    assert lexer._tail is tail
    assert lexer._names is names
    assert lexer._canonical_space is canonical_space
    assert lexer.find is find


def test_the_rules_search_with_the_compiled_find() -> None:
    # the modules whose searches of a file's code and literals were Python's bytes.find
    from spamtrace.scanner import fold, interp
    from spamtrace.scanner.features import dropper, execution, mailer, phishing, shell

    for module in (analyze, context, fold, interp, taint, dropper, execution, mailer, phishing,
                   shell):  # fmt: skip
        assert module.find is find, module.__name__  # type: ignore[attr-defined]


def test_same_as_python_on_every_sample() -> None:
    files = [p for p in SAMPLES.rglob("*") if p.is_file()]
    assert len(files) > 50
    for path in files:
        data = path.read_bytes()
        for pos in (0, 1, 7, len(data), len(data) + 3):
            assert tail(data, pos, 5) == lexer._tail_py(data, pos, 5), (path, pos)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.integers(0, 3))
def test_same_as_python_on_any_text(pieces: list[bytes], pos: int) -> None:
    data = b"".join(pieces)
    assert tail(data, pos, 0) == lexer._tail_py(data, pos, 0)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_same_as_python_on_any_bytes(data: bytes) -> None:
    assert tail(data, 0, 2) == lexer._tail_py(data, 0, 2)


# a literal's body: its quote, escapes of the quote, of a backslash and of other bytes, the
# other quotes, and a backslash that ends the text
_BODY_PIECES = [b"'", b'"', b"`", b"\\", b"\\'", b'\\"', b"\\\\", b"\\n", b"a", b"ab", b"\n", b"$x"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_BODY_PIECES), max_size=30), st.sampled_from([b"'", b'"', b"`"]))
def test_literal_bodies_same_as_python(pieces: list[bytes], quote: bytes) -> None:
    data = b"<?php $a = " + quote + b"".join(pieces)
    assert tail(data, 6, 0) == lexer._tail_py(data, 6, 0)


def test_literal_bodies_long_and_escaped() -> None:
    for data in (
        b"'" + b"\\'" * 100_000 + b"x",  # every quote escaped: the body runs to the end
        b"'" + b"\\a" * 100_000 + b"'; $b",
        b'"' + b"x" * 300_000 + b"\\",  # a backslash that ends the text
        b"'" + b"a" * 300_000 + b"' . '" + b"\\\\" * 1000 + b"'",
    ):
        assert tail(data, 0, 0) == lexer._tail_py(data, 0, 0)


def test_output_shape() -> None:
    src = b"$a = 'x'; // c\n$B = \"y\\n\" . `ls`; /* z\n */ ?>html<?= $c; <<<'N'\nraw\nN;\n#x"
    code, raws, kinds, long_, escaped, html, comments, regions = tail(src, 0, 10)
    assert code == (
        b"$a = \x0110\x01;  \n$b = \x0111\x01 . \x0112\x01;  \n ;echo  $c; \x0113\x01\n\n;\n "
    )
    assert raws == [b"x", b"y\\n", b"ls", b"raw"]
    assert kinds == ["sq", "dq", "bq", "nowdoc"]
    assert (long_, escaped, html, regions) == ([], [11], b"html", 1)
    assert comments == len(b"// c") + len(b"/* z\n */") + len(b"#x")


def test_hostile_input_is_linear_and_safe() -> None:
    # unclosed everything, a huge literal index, a heredoc label never closed, a lone "<<<"
    for data in (
        b"'" + b"\\" * 1_000_001,
        b"/*" + b"*" * 2_000_000,
        b"?>" + b"<" * 2_000_000,
        b"<<<A\n" + b"\nA1" * 500_000,
        b"<<<" * 500_000,
        b"'a'" * 400_000,
        b"#" + b"?" * 2_000_000,
    ):
        start = time.process_time()  # the CPU it took: a busy machine's wall clock is not
        assert tail(data, 0, 0) == lexer._tail_py(data, 0, 0)
        assert time.process_time() - start < 5


# ------------------------------------------------------------------ the gate word matcher
_WORD_BYTES = st.binary(min_size=1, max_size=6).map(lambda b: bytes(x % 5 + 97 for x in b))


@settings(max_examples=2000, deadline=None)
@given(st.lists(_WORD_BYTES, min_size=1, max_size=30, unique=True), st.binary(max_size=3000))
def test_words_found_are_the_words_in_the_text(words: list[bytes], noise: bytes) -> None:
    # a small alphabet, so that words overlap, share prefixes and suffixes and occur often;
    # texts long enough to be matched as parts side by side
    text = bytes(x % 6 + 97 for x in noise)
    assert WordSet(words).find(text) == [w for w in words if text.find(w) >= 0]


@settings(max_examples=2000, deadline=None)
@given(st.lists(_WORD_BYTES, min_size=1, max_size=30), st.binary(max_size=3000))
def test_first_offsets_are_where_find_finds_each_word(words: list[bytes], noise: bytes) -> None:
    # the index of the gate pass: each word present with the offset of its first occurrence
    # (words may repeat: a word given twice comes once)
    text = bytes(x % 6 + 97 for x in noise)
    assert WordSet(words).first(text) == {w: text.find(w) for w in words if text.find(w) >= 0}


def test_words_across_the_parts_and_at_the_edges() -> None:
    words = [b"needle", b"n", b"edl", b"zz\x00z", b"\xff"]
    ws = WordSet(words)
    for size in (0, 1, 5, 1023, 4096, 10_001, 100_003):
        for at in sorted({0, size // 4 - 3, size // 2 - 2, size - 6}):
            if at < 0:
                continue
            text = bytearray(b"." * size)
            text[at : at + 6] = b"needle"
            text = text[:size]
            expect = [w for w in words if bytes(text).find(w) >= 0]
            assert ws.find(bytes(text)) == expect, (size, at)
            firsts = {w: bytes(text).find(w) for w in expect}
            assert ws.first(bytes(text)) == firsts, (size, at)
    assert ws.find(b"zz\x00z\xff") == [b"zz\x00z", b"\xff"]
    # a word in every part: the first part's occurrence is the first, whatever the others
    text = b"..n...." * 3000
    assert ws.first(text) == {b"n": 2}


def test_bad_words_are_refused() -> None:
    import pytest

    with pytest.raises(TypeError):
        WordSet([b""])
    with pytest.raises(TypeError):
        WordSet(["text"])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        WordSet([bytes([i % 251, i // 251 % 251, 7, 9]) * 5000 for i in range(5)])


def test_gate_words_agree_with_yara_on_every_sample() -> None:
    builtin = rules.load_rules()
    analyze.prepare(builtin)
    gates = analyze._gate_scanner(builtin)
    assert gates is not None and gates._native is not None
    files = [p for p in SAMPLES.rglob("*") if p.is_file()]
    for path in files:
        code = lexer.lex(path.read_bytes()).code
        assert gates.present(code) == gates.present_yara(code), path
        assert gates.first(code) == gates.first_py(code), path


# ------------------------------------------------------------------ names in lexed code
_NAME_PIECES = [
    b"$", b"$$", b"function", b"FUNCTION", b" ", b"\t", b"\n", b"\x0b", b"\x0c", b"\r", b"a",
    b"_", b"9", b"\x80", b"\xff", b"(", b"-", b"ab1", b"functions",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=30))
def test_names_same_as_python(pieces: list[bytes]) -> None:
    code = b"".join(pieces)
    assert names(code) == lexer._names_py(code)


def test_names_past_the_table_of_names_seen() -> None:
    # more names than _lexer.c's table keeps, each used twice, some colliding in the hash
    code = b" ".join(b"$v%d = $v%d; function f%d()" % (i, i, i) for i in range(3000))
    code += b" $" + b"a" * 70000 + b" $" + b"a" * 70000 + b"b"
    assert names(code) == lexer._names_py(code)
    assert len(names(code)) == 6002


def test_names_of_variables_and_functions() -> None:
    code = lexer.lex(b"<?php function f_1($a, $b2) { $$c = $d->e; return ${'x'} . $\x80; }").code
    assert names(code) == {b"f_1", b"a", b"b2", b"c", b"d", b"\x80"} == lexer._names_py(code)
    assert names(b"function function f") == {b"function"} == lexer._names_py(b"function function f")


# ------------------------------------------------------------------ calls of variables, (...)(...)
_CALL_PIECES = [
    b"$", b"$$", b"(", b")", b"[", b"]", b" ", b"\n", b"\t", b"a", b"Z", b"_", b"9", b"\x80",
    b"->", b"::", b">", b":", b"x" * 41, b"'k'", b"\x011\x01", b"$f", b"$f(", b")(", b") (",
    b"$t['k'](", b"new $c(",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_CALL_PIECES), max_size=30), st.integers(0, 6))
def test_call_finders_same_as_python(pieces: list[bytes], pos: int) -> None:
    code = b"".join(pieces)
    for brackets in (True, False):
        assert varcall(code, pos, brackets) == context._varcall_py(code, pos, brackets), brackets
    # unbounded: the regex's own first match, wherever it is (also after "$" or "->")
    for brackets in (True, False):
        got = varcall(code, pos, brackets, False)
        assert got == context._varcall_py(code, pos, brackets, False), brackets
        rx = context.SINK_VARCALL if brackets else context.BUILT_VARCALL
        found = rx.search(code, pos)
        assert got == (found.start() if found is not None else -1)
    assert paren_call(code, pos) == context._paren_call_py(code, pos)


def test_call_finders_on_every_sample() -> None:
    for path in [p for p in SAMPLES.rglob("*") if p.is_file()]:
        code = lexer.lex(path.read_bytes()).code
        for pos in (0, 1, len(code) // 2):
            assert varcall(code, pos) == context._varcall_py(code, pos), path
            assert varcall(code, pos, False) == context._varcall_py(code, pos, False), path
            got = varcall(code, pos, False, False)
            assert got == context._varcall_py(code, pos, False, False), path
            assert paren_call(code, pos) == context._paren_call_py(code, pos), path
        want = spans(context.bounded_finditer(context.SINK_VARCALL, code, 50))
        assert spans(context.varcalls(code, 50)) == want


def test_call_finders_cases() -> None:
    assert varcall(b"$f (1)", 0) == 0
    assert varcall(b"x$f(1)", 0) == -1  # after a name byte: not a plain call
    assert varcall(b"$$f(1); $g['a'] (2)", 0) == 8
    assert varcall(b"$g['a'] (2)", 0, False) == -1  # no index in BUILT_VARCALL
    assert varcall(b"$g[" + b"x" * 41 + b"](2)", 0) == -1  # more than 40 bytes inside
    assert varcall(b"$g[" + b"x" * 40 + b"](2)", 0) == 0
    assert varcall(b"$g[a\n](2)", 0) == -1
    assert paren_call(b"(a) (b); ( 'x')\n(1)", 0) == 14
    assert paren_call(b")(", 1) == -1


# ------------------------------------------------------------------ regexes searched in parts
_CB_PIECES = [
    b"->", b" ", b"usort", b"uksort", b"uasort", b"(", b"@", b"$_get", b"$_post['x']",
    b"preg_replace_callback_array", b"yaml_parse", b"=>", b";", b"'k'", b"x", b"\n",
    b"closure", b"::", b"fromcallable",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_CB_PIECES), max_size=30))
def test_callback_elsewhere_in_parts_same_as_the_whole(pieces: list[bytes]) -> None:
    from spamtrace.scanner.features import execution

    code = b"".join(pieces)
    ctx = context.Ctx(code, "t.php", lexer.Lexed(code=code), 0, lambda: None, None)
    got = execution._cb_elsewhere(ctx)
    want = execution._CB_ELSEWHERE.search(code)
    assert span(got) == span(want)


_LEAD_PATTERNS = [
    rb"(?<![\w$>:])(?:extract\s*\(\s*\$_get|(?:mb_)?parse_str\s*\(\s*\$_get[^,;]{0,8}?\)\s*;)",
    rb"\bnew\s+(?:\$_get|\$([a-z_]+)(?!\s*->))",
    rb"(?:ab)*abc|xyz",
]
_LEAD_PIECES = [
    b"extract", b"parse_str", b"mb_", b"new", b" ", b"(", b")", b";", b"$_get", b"$a", b"->",
    b"x", b"_", b"ab", b"abc", b"xyz", b"renew",
]  # fmt: skip


def test_leading_words_past_zero_width_and_optional_parts() -> None:
    words = [context.leading_words(re.compile(p)) for p in _LEAD_PATTERNS]
    assert words == [(b"extract", b"mb_", b"parse_str"), (b"new",), None]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_LEAD_PIECES), max_size=30))
def test_word_led_search_same_as_the_regex(pieces: list[bytes]) -> None:
    text = b"".join(pieces)
    for pattern in _LEAD_PATTERNS:
        rx = re.compile(pattern)
        assert spans(context.prefiltered_finditer(rx, text)) == spans(rx.finditer(text))
        assert spans(context.prefiltered_finditer(rx, text, text.find)) == spans(rx.finditer(text))
        found, want = context.prefiltered_search(rx, text, text.find), rx.search(text)
        assert span(found) == span(want)
        assert spans(context.bounded_finditer(rx, text)) == _bounded_ref(rx, text)


def _features_led_patterns() -> list[re.Pattern[bytes]]:
    from spamtrace.scanner import taint
    from spamtrace.scanner.features import dropper, execution, mailer, phishing, shell

    return [
        execution._EXTRACT_VAR, taint._PARSE_STR_INTO, mailer.FETCH_LITERAL,
        phishing._LITERAL_FETCH, phishing._AUTH_USE, shell._SHELL_PATH, phishing._INCLUDES,
        shell._SESSION_PATH_CALL, phishing._FAKE_SERVER_ERROR, phishing._VISITOR_TESTS,
        phishing._SECURITY_NAMES, phishing._IP_INTEL, phishing._GEO_LOOKUP,
        phishing._OBFUSCATOR_NAME, shell._UPLOAD, execution._CB_KEYED,
        execution._NEW_WITH_REQUEST, shell._EXTENSION_COMPARED, shell._WP_USERS_SQL,
        shell._OTHER_ACCOUNTS, phishing._GATE_ACTION, phishing._GEO_REFUSAL, phishing._CRAWLERS,
        phishing._JS_GATE_WORDS, dropper._FOREVER,
    ]  # fmt: skip


def test_features_word_led_searches_same_as_the_regex_on_every_sample() -> None:
    """The features' patterns searched through their leading words (the code with the gate
    index's ``ctx.first``, the literals' text) find what the regex finds, on every sample."""
    ready = analyze._prepared(rules.load_rules())
    patterns = _features_led_patterns()
    assert all(context.leading_words(rx) is not None for rx in patterns)
    for path in [p for p in SAMPLES.rglob("*") if p.is_file()]:
        data = path.read_bytes()
        lx = lexer.lex(data)
        ctx = context.Ctx(data, "t.php", lx, 0, lambda: None, None, ready.gates, ready.gate_words)
        for text, first in ((lx.code, ctx.first), (context.string_text(ctx), None)):
            for rx in patterns:
                want = spans(rx.finditer(text))
                got = spans(context.prefiltered_finditer(rx, text, first))
                assert got == want, (path.name, rx.pattern[:40])
                found = context.prefiltered_search(rx, text, first)
                assert span(found) == (want[0] if want else None)


# patterns without a literal start, of the kind features run over all of a file's literals:
# the words every match needs are checked first, then the pattern tried where its words start
_NEEDING_PATTERNS = [
    rb"unset\s+histfile|\.bash_history|(?:>|echo\s*>)\s*/var/log/(?:wtmp|secure)",
    rb"sys/socket\.h|\buse\s+socket\b|\bimport\s+socket\b|\bsocket\s*\(\s*s\s*,",
    rb"(?:md5|sha1)\s*\([^;]{0,20}?\$_get",
    rb"[a-z]+\s*=\s*\d",  # no word needed: the regex alone
]
_NEEDING_PIECES = [
    b"unset", b"histfile", b" ", b"\n", b".bash_history", b">", b"echo", b"/var/log/", b"wtmp",
    b"secure", b"sys/socket.h", b"use", b"socket", b"import", b"(", b"s", b",", b"md5", b"sha1",
    b"$_get", b";", b"x", b"=", b"1", b"_",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_NEEDING_PIECES), max_size=40))
def test_search_needing_same_as_the_regex(pieces: list[bytes]) -> None:
    text = b"".join(pieces)
    for pattern in _NEEDING_PATTERNS:
        rx = re.compile(pattern)
        got, want = context.search_needing(rx, text), rx.search(text)
        assert span(got) == span(want), (pattern, text)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.sampled_from(_NEEDING_PIECES), max_size=40),
    st.lists(st.sampled_from(_NEEDING_PIECES), max_size=10),
    st.integers(0, 40),
)
def test_search_needing_in_a_part_of_a_text(
    pieces: list[bytes], more: list[bytes], cut: int
) -> None:
    # a part of a text, with may_hold saying which words the whole text holds: the same
    # match as the regex's over the part
    whole = b"".join(pieces) + b"".join(more)
    part = b"".join(pieces[:cut])
    for pattern in _NEEDING_PATTERNS[:3]:
        rx = re.compile(pattern)
        got = context.search_needing(rx, part, lambda w: whole.find(w) >= 0)
        want = rx.search(part)
        assert span(got) == span(want), (pattern, part)


def test_search_needing_skips_texts_without_the_words() -> None:
    rx = re.compile(_NEEDING_PATTERNS[0])
    context._NEEDS.pop((rx.pattern, rx.flags), None)
    assert context.search_needing(rx, b"no such words here" * 1000) is None
    assert context._NEEDS[(rx.pattern, rx.flags)]  # the words it needs were derived
    assert context.search_needing(rx, b"x; echo > /var/log/wtmp").span() == (3, 23)  # type: ignore[union-attr]


def _bounded_ref(rx: re.Pattern[bytes], text: bytes) -> list[tuple[int, int]]:
    """bounded_finditer through the regex's own search (no literal-led candidates)."""
    out, pos = [], 0
    while (m := rx.search(text, pos)) is not None:
        if m.start() and text[m.start() - 1] in context.NOT_CALL_BEFORE:
            pos = m.start() + 1
            continue
        out.append(m.span())
        pos = max(m.end(), m.start() + 1)
    return out


_CONCAT_PIECES = [
    b"\x01", b"\x011\x01", b"\x0112\x01", b"1", b"a", b" ", b"\n", b".", b" . ", b"chr",
    b"chr(65)", b"(", b")", b"ch", b"\x01\x01",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_CONCAT_PIECES), max_size=30), st.integers(0, 5))
def test_concat_start_same_as_python(pieces: list[bytes], pos: int) -> None:
    code = b"".join(pieces)
    assert concat_start(code, pos) == context._concat_start_py(code, pos)
    assert list(context._concat_starts(code)) == [
        m.start() for m in context._CONCAT_START.finditer(code)
    ]


# the file's own decipher functions are looked for only where the code may hold one: no part
# of a code that fails taint.may_decipher (a function body) has a match of the cipher pattern
_CIPHER_PIECES = [
    b"chr", b"ord", b"ord", b"word", b"pack", b"base64_decode", b"(", b"(", b" ", b"\n",
    b"\x011\x01", b",", b"^", b"^", b"$k", b";", b"hexdec", b"_",
]  # fmt: skip


def _may_decipher(code: bytes) -> bool:
    """taint.may_decipher of ``code``, through the built-in rules' gate-word index."""
    from spamtrace.scanner import analyze, taint
    from spamtrace.scanner.rules import load_rules

    ready = analyze._prepared(load_rules())
    lx = lexer.Lexed(code=code)
    ctx = context.Ctx(code, "t.php", lx, 0, lambda: None, None, ready.gates, ready.gate_words)
    return taint.may_decipher(ctx)


def test_cipher_gate_examples() -> None:
    from spamtrace.scanner import taint

    assert _may_decipher(b"$r .= chr(ord($s[$i]) ^ $k);")
    assert _may_decipher(b"$r = ord ($s[$i]) ^ 7;")  # no chr, no decoder: the ord( call
    assert _may_decipher(b"return pack(\x011\x01, $h);")
    assert not _may_decipher(b"$password = $word; $order = sort($words);")
    # the gate's words are the pattern's: a new alternative with another word needs it too
    from spamtrace.scanner.prereq import regex_prereq

    (needed,) = regex_prereq(taint._CIPHER_OPS)
    assert needed <= {*taint.CIPHER_WORDS, b"ord"}
    from spamtrace.scanner import analyze
    from spamtrace.scanner.rules import load_rules

    assert set(taint.CIPHER_WORDS) <= analyze._prepared(load_rules()).gate_words  # one pass


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_CIPHER_PIECES), max_size=30), st.data())
def test_cipher_gate_never_hides_a_match(pieces: list[bytes], data: st.DataObject) -> None:
    from spamtrace.scanner import taint

    code = b"".join(pieces)
    lo = data.draw(st.integers(0, len(code)))
    hi = data.draw(st.integers(lo, len(code)))
    part = code[lo:hi]
    for text in (code, part):
        if taint._CIPHER_OPS.search(text) is not None:
            assert _may_decipher(code)
    got, want = context.search_needing(taint._CIPHER_OPS, part), taint._CIPHER_OPS.search(part)
    assert span(got) == span(want)


# the constants a file defines are found where "define" / "const" starts
_CONST_PIECES = [
    b"define", b"const", b"__construct", b"constant", b" ", b"(", b"\x011\x01", b",", b"x",
    b"=", b"==", b"=>", b"$", b">", b":", b"_", b"a",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_CONST_PIECES), max_size=30))
def test_constant_definitions_found_as_the_regex_finds_them(pieces: list[bytes]) -> None:
    from spamtrace.scanner import fold

    code = b"".join(pieces)
    for rx in (fold._DEFINE, fold._CONST):
        assert spans(context.prefiltered_finditer(rx, code)) == spans(rx.finditer(code))


# parameters called as functions are looked for only in a code with a variable call: no part
# of a code without one has one
_PARAM_PIECES = [
    b"function f(", b"$a", b"$b", b", ", b") {", b"}", b"(", b" ", b"$", b"->", b"x", b";",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_PARAM_PIECES), max_size=30), st.data())
def test_param_runner_gate_never_hides_a_call(pieces: list[bytes], data: st.DataObject) -> None:
    from spamtrace.scanner.features import execution

    code = b"".join(pieces)
    lo = data.draw(st.integers(0, len(code)))
    part = code[lo : data.draw(st.integers(lo, len(code)))]
    if context.BUILT_VARCALL.search(part) is not None:
        assert context.BUILT_VARCALL.search(code) is not None
    for text, want in (
        (b"function f($a, $b) { $a($b); }", {b"f": 0}),
        (b"function g($x, $y) { return $x . $y; } $o->h($x);", {}),
        (code, None),
    ):
        ctx = context.Ctx(text, "t.php", lexer.Lexed(code=text), 0, lambda: None, None)
        runners = execution._param_runners(ctx)
        assert want is None or runners == want
        if context.BUILT_VARCALL.search(text) is None:
            assert runners == {}


_SOURCE_PIECES = [
    b"$_get", b"$_post", b"$_server", b"$http_", b"php://input", b"getallheaders", b"gzinflate",
    b"base64_", b"decode", b"$_", b"get", b"[", b" ", b";", b"$x", b"\x011\x01", b"socket_read",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SOURCE_PIECES), max_size=20))
def test_words_in_code_is_find(pieces: list[bytes]) -> None:
    """``context.words_in_code``: the words that ``find`` finds in the code, in their order,
    through the gate-word index (the taint pass's sources are gate words) and without it."""
    from spamtrace.scanner import analyze, taint
    from spamtrace.scanner.rules import load_rules

    code = b"".join(pieces)
    expected = [w for w in taint.SOURCES if code.find(w) >= 0]
    ready = analyze._prepared(load_rules())
    assert set(taint.SOURCES) <= ready.gate_words  # the index answers, one pass
    lx = lexer.Lexed(code=code)
    indexed = context.Ctx(code, "t.php", lx, 0, lambda: None, None, ready.gates, ready.gate_words)
    plain = context.Ctx(code, "t.php", lx, 0, lambda: None, None)
    assert context.words_in_code(indexed, taint.SOURCES) == expected
    assert context.words_in_code(plain, taint.SOURCES) == expected


# ------------------------------------------------------ the argument helpers' bracket walks
_BRACKET_PIECES = [
    b"(", b")", b"[", b"]", b"{", b"}", b",", b";", b" ", b"a", b"$x", b"\x011\x01", b"\x80",
    b"\x00", b"f(", b"),", b"a" * 401,
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_BRACKET_PIECES), max_size=40), st.integers(-2, 900))
def test_bracket_walks_same_as_python(pieces: list[bytes], pos: int) -> None:
    text = b"".join(pieces)
    for stop in (44, 59):
        for nested in (False, True):
            assert balanced_end(text, stop, nested) == context._balanced_end_py(text, stop, nested)
    assert top_args(text) == context._top_args_py(text)
    if pos > len(text):  # past the end: both refuse it
        with pytest.raises(IndexError):
            context._open_before_py(text, pos)
        with pytest.raises(IndexError):
            open_before(text, pos)
    else:
        assert open_before(text, pos) == context._open_before_py(text, pos)


def test_bracket_walks_cases() -> None:
    assert context.first_arg(b"f($a, $b), $c)") == b"f($a, $b)"
    assert context.expression(b"$p = f()) { unlink($p);") == b"$p = f()"
    assert top_args(b"$a, [1, 2], g(3, 4)) . $rest") == [b"$a", b" [1, 2]", b" g(3, 4)"]
    assert top_args(b"") == [b""] and top_args(b")") == [b""]
    assert open_before(b"f($a[$_GET", 10) == (4, 91)  # the "[" of $a[
    assert open_before(b"f(x) . g(y)", 11) == (-1, 0)  # all closed
    assert open_before(b"(" + b"a" * 398, 399) == (0, 40)  # 399 bytes back: still seen
    assert open_before(b"(" + b"a" * 399, 400) == (-1, 0)  # 400: past the window


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_BRACKET_PIECES), max_size=40))
def test_close_paren_same_as_python(pieces: list[bytes]) -> None:
    text = b"".join(pieces)
    assert close_paren(text) == context._close_paren_py(text)
    for opens, closes in ((40, 41), (123, 125), (91, 93), (44, 59)):
        assert close_paren(text, opens, closes) == context._close_paren_py(text, opens, closes)


def test_close_paren_cases() -> None:
    assert context.close_paren is not context._close_paren_py
    assert context._close_paren is close_paren
    assert close_paren(b"$a == f($b)) { x(); }") == 11
    assert close_paren(b" x(); } else {}", 123, 125) == 6
    assert close_paren(b"(((") == 3 and close_paren(b"") == 0
    hostile = b"(" * 300_000 + b")" * 300_001  # the depth goes back below zero at the last
    assert close_paren(hostile) == 600_000 == context._close_paren_py(hostile)


# names, the bytes that may come before a call (name bytes, "$", "->", "::") or not, white
# space of every kind (\x1c is none to the regex), a ";" that ends the argument text, long runs
_CALLS_OF_PIECES = [
    b"eval", b"ev", b"al", b"e", b" ", b"\n", b"\x0b", b"\x0c", b"\x1c", b"(", b")", b";",
    b"$", b"->", b"::", b"a", b"A", b"_", b"9", b"\x80", b"\xff", b"\x00", b"x" * 210,
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(_CALLS_OF_PIECES), max_size=40),
    st.sampled_from([b"eval", b"ev", b"e", b"al", b"(", b"evalev", b""]),
    st.integers(0, 5),
    st.integers(-4, 60),
)
def test_calls_of_same_as_python(pieces: list[bytes], name: bytes, limit: int, start: int) -> None:
    code = b"".join(pieces)
    assert calls_of(code, name, limit, start) == context._calls_of_py(code, name, limit, start)


def test_calls_of_cases() -> None:
    assert context._calls_of is calls_of
    code = b"eval ($a); $eval($b); x->eval(1); evaleval(2); eval\n\t(" + b"y" * 300
    assert calls_of(code, b"eval", 10, 0) == [(0, b"$a)"), (47, b"y" * 200)]
    assert calls_of(code, b"eval", 0, 0) == [(0, b"$a)")]  # one at least, as the reference
    assert calls_of(code, b"eval", 10, 1) == [(47, b"y" * 200)]
    assert calls_of(code, b"", 10, 0) == [] == context._calls_of_py(code, b"", 10, 0)
    for hostile in (b"eval" * 100_000, b"eval" + b" " * 300_000 + b"(", b"eval(" * 100_000):
        for limit in (1, 200):
            got = calls_of(hostile, b"eval", limit, 0)
            assert got == context._calls_of_py(hostile, b"eval", limit, 0)


_MENTION_PIECES = [b"$", b"$$", b"$a", b"$ab", b"a", b"b", b"$a$", b" ", b"\x80", b"$\x80"]
_MENTION_NAMES = [b"a", b"ab", b"", b"b", b"a$", b"\x80", b"abc"]


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(_MENTION_PIECES), max_size=40),
    st.lists(st.sampled_from(_MENTION_NAMES), max_size=6),
    st.integers(-1, 4),
)
def test_mentions_same_as_python(pieces: list[bytes], names: list[bytes], limit: int) -> None:
    code = b"".join(pieces)
    assert mentions(code, names, limit) == taint._mentions_py(code, names, limit)


def test_mentions_cases() -> None:
    assert taint._mentions is mentions
    code = b"$a = $ab; $b($a, $a$a);"
    assert mentions(code, [b"a", b"b", b"c"], 20) == [[0, 5, 13, 17, 19], [10], []]
    assert mentions(code, (b"a", b"a"), 2) == [[0, 5], [0, 5]]
    assert mentions(code, [b"a$"], 5) == [[17]]  # "$a$" then the search goes on after it
    assert mentions(code, [b""], 3) == [[0, 5, 10]]
    assert mentions(code, [b"a"], 0) == [[]] == taint._mentions_py(code, [b"a"], 0)
    assert mentions(b"", [b"a"], 5) == [[]]
    assert mentions(b"$", [b"a"], 5) == [[]]  # the name would run past the end
    with pytest.raises(TypeError):
        mentions(code, ["a"], 5)  # type: ignore[list-item]
    for hostile in (b"$" * 300_000, b"$a" * 200_000, b"$" + b"a" * 300_000):
        names = [b"a", b"a" * 1000, b"", b"b"]
        assert mentions(hostile, names, 20) == taint._mentions_py(hostile, names, 20)


# what an assignment is made of and what spoils one: names of every start byte, white space
# of every kind, element keys up to and past 60 bytes and over a line break, the operators
# that assign and the ones that compare or pair, statement ends, long right sides
_ASSIGN_PIECES = [
    b"$", b"$a", b"$B", b"$_x", b"$\x80", b"$9", b"a", b"A", b"9", b" ", b"\n", b"\t", b"\x0b",
    b"\x1c", b"[", b"]", b"['k']", b"[" + b"x" * 60 + b"]", b"[" + b"x" * 61 + b"]", b"[\n]",
    b".", b"?", b"??", b"=", b"==", b"=>", b".=", b"??=", b";", b"{", b"}", b"$x = ",
    b"\x011\x01", b"y" * 300, b"z" * 650,
]  # fmt: skip


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.sampled_from(_ASSIGN_PIECES), max_size=40), st.integers(0, 2000))
def test_assignment_before_same_as_python(pieces: list[bytes], pos: int) -> None:
    code = b"".join(pieces)
    for at in {pos, pos % (len(code) + 1), len(code) + 1}:
        assert assignment_before(code, at) == taint._assignment_before_py(code, at), at
        assert statement_start(code, at) == taint._statement_start_py(code, at), at


def test_assignment_before_cases() -> None:
    assert taint._assignment_before is assignment_before
    code = b"if ($x) { $cmd ['a'] .= 'ls ' . $_GET['c']; } $k = 1;"
    assert assignment_before(code, code.find(b"$_GET")) == (
        b"cmd",
        b"'ls ' . $_GET['c']",
    )
    assert assignment_before(code, code.find(b"if")) is None  # before the statement's "$"
    assert assignment_before(code, len(code) - 2) == (b"k", b"1")
    assert assignment_before(b"$a == $_GET;", 7) is None  # a comparison
    assert assignment_before(b"$a => $_GET;", 7) is None  # a pair
    assert assignment_before(b"$a ??= $_GET;", 8) == (b"a", b"$_GET")
    with pytest.raises(ValueError):
        assignment_before(code, -1)
    with pytest.raises(ValueError):
        statement_start(code, -1)
    assert taint._stmt_start is statement_start
    assert statement_start(code, code.find(b"$_GET")) == code.find(b"{")
    assert statement_start(b"x" * 700, 650) == 50  # none in the 600 bytes back
    assert statement_start(b";" + b"x" * 700, 650) == 50
    assert statement_start(b"a;b", 99) == 1 == taint._statement_start_py(b"a;b", 99)
    assert taint.assignment_before(code, -1) == taint._assignment_before_py(code, -1)
    for hostile in (b"$a[" * 100_000, b"$" * 200_000, b"$a = " + b"x" * 300_000, b"[" * 200_000):
        for at in (0, 5, 100_000, len(hostile)):
            assert assignment_before(hostile, at) == taint._assignment_before_py(hostile, at)
            assert statement_start(hostile, at) == taint._statement_start_py(hostile, at)


_BRACE_PIECES = [b"{", b"}", b"{}", b" ", b"a", b"\x011\x01", b"}" * 3, b"{" * 3, b"x" * 50]


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(_BRACE_PIECES), max_size=40),
    st.integers(-2, 200),
    st.integers(-2, 400),
)
def test_brace_end_same_as_python(pieces: list[bytes], open_at: int, end: int) -> None:
    code = b"{" + b"".join(pieces)
    for at in (0, open_at):
        assert brace_end(code, at, end) == context._brace_end_py(code, at, end)


def test_braced_cases() -> None:
    code = b"function f() { if ($a) { b(); } else { c(); } } function g() {"
    at = code.find(b"{")
    assert context.braced(code, at) == b"{ if ($a) { b(); } else { c(); } }"
    assert context.braced(code, code.rfind(b"{")) == b"{"  # not closed: to the end
    assert context.braced(code, at, limit=10) == code[at : at + 10]  # cut at the limit


# statement ends, white space of every kind, and plain code around them
_SPACE_PIECES = [
    b";", b"{", b"}", b"\n", b"\r", b"\t", b"\x0b", b"\x0c", b" ", b"  ", b"\x1c", b"\x00",
    b"a", b"eval", b"(", b")", b"\x01" + b"2" + b"\x01", b"\xa0", b"\n\n", b" \n ",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_SPACE_PIECES), max_size=60), st.integers(0, 6))
def test_canonical_space_same_as_python(pieces: list[bytes], budget: int) -> None:
    code = b"".join(pieces)
    assert canonical_space(code, budget) == lexer._canonical_space_py(code, budget)
    full = lexer._canonical_space_py(code)
    assert canonical_space(code, lexer.MAX_JOINED) == full == lexer.canonical_space(code)
    assert full.count(b"\n") == code.count(b"\n")  # every line break stays


def test_canonical_space_cases() -> None:
    assert canonical_space(b"eval\n(\n$x\n);", 9) == b"eval ( $x );\n\n\n"
    assert canonical_space(b"a;\n  b\t\t \x0b c;", 9) == b"a;\n b c;"  # one line: spaces only
    assert canonical_space(b"f(\n1);\ng(\n2);", 1) == b"f( 1);\n\ng(\n2);"  # past the budget
    big = b"x\n;" * 1000
    assert canonical_space(big, 10**6) == b"x;\n" * 1000


# ------------------------------------------------------------------ find
_FIND_PIECES = [b"e", b"v", b"a", b"l", b"eval", b"$", b"_", b"\x01", b" ", b".", b"\n", b"x" * 15,
                b"ab" * 9, b"\xff"]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(st.sampled_from(_FIND_PIECES), max_size=40),
    st.lists(st.sampled_from(_FIND_PIECES), max_size=3),
    st.lists(st.one_of(st.none(), st.integers(-120, 400)), max_size=2),
)
def test_find_same_as_python(
    pieces: list[bytes], word: list[bytes], bounds: list[int | None]
) -> None:
    text, w = b"".join(pieces), b"".join(word)
    assert find(text, w, *bounds) == lexer.find_py(text, w, *bounds) == text.find(w, *bounds)
    if text:  # a word taken from the text, at every length and offset (16-byte blocks' edges)
        at = len(text) // 3
        for k in (2, 3, 16, 17):
            sub = text[at : at + k]
            assert find(text, sub) == text.find(sub), (text, sub)
            assert find(text, sub, at + 1) == text.find(sub, at + 1), (text, sub)


_STALE_LEXER = """
import importlib.util, sys, types
spec = importlib.util.spec_from_file_location("spamtrace.scanner._lexer", sys.argv[1])
built = importlib.util.module_from_spec(spec)
spec.loader.exec_module(built)
stale = types.ModuleType(built.__name__)  # what a _lexer built before find holds
for name in ("tail", "names", "canonical_space"):
    setattr(stale, name, getattr(built, name))
sys.modules[built.__name__] = stale
from spamtrace.scanner import lexer
assert lexer._tail is built.tail and lexer._names is built.names
assert lexer._canonical_space is built.canonical_space
assert lexer.find is lexer.find_py
print("ok")
"""


def test_a_lexer_built_before_find_keeps_its_compiled_loops() -> None:
    # an install that has not rebuilt _lexer since find was added: the compiled token loop
    # stays in use (it fell back to Python's, ~1.5 times as slow, with find), find is Python's
    import subprocess
    import sys

    from spamtrace.scanner import _lexer

    out = subprocess.run(
        [sys.executable, "-c", _STALE_LEXER, _lexer.__file__],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_find_cases() -> None:
    text = b"0123456789abcdef" * 4 + b"tail$x"
    assert find(text, b"$x") == len(text) - 2  # at the last offset, past the 16-byte blocks
    assert find(text, b"tail$x") == len(text) - 6
    assert find(text, b"tail$y") == -1
    assert find(text, b"") == 0 and find(text, b"", len(text)) == len(text)
    assert find(text, b"", len(text) + 1) == -1  # as bytes.find: past the end
    assert find(text, b"f0", -20) == text.find(b"f0", -20)
    assert find(text, b"ef", 0, 16) == 14 and find(text, b"ef", 0, 15) == -1
    assert find(text, b"0", None, None) == 0
    assert find(b"ab", b"abc") == -1
    assert find(b"a\x00b", b"\x00b") == 1
    # what is not bytes searches itself, as before
    assert find("eval(x)", "(") == 4
    assert find(b"abc", 99) == 2  # a byte's value, as bytes.find takes it
    with pytest.raises(TypeError):
        find(b"abc", "c")
    with pytest.raises(TypeError):
        find(b"abc")  # type: ignore[call-arg]


def test_find_is_faster_than_python_where_the_word_is_absent() -> None:
    # the rules ask a file's code for words it does not hold thousands of times a file:
    # Python's search of a word of a few bytes steps through it byte by byte
    text = b"".join(b"$value_%d = strtolower($name) . '-' . esc_attr($key);\n" % i
                    for i in range(3000))  # fmt: skip
    words = (b"str_shuffle", b"eval", b"$wpdb", b"php://input", b"\x01 .")
    assert all(text.find(w) < 0 for w in words)
    def cpu_of(search: Callable[[bytes, bytes], int]) -> float:
        # the least of five rounds: a busy machine slows a round, never speeds it up
        rounds = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(40):
                for w in words:
                    search(text, w)
            rounds.append(time.process_time() - start)
        return min(rounds)

    python = cpu_of(bytes.find)
    compiled = cpu_of(find)
    assert compiled * 3 < python, (compiled, python)


# ------------------------------------------------------------------ word-led candidate offsets
_NW_PIECES = [b"exec", b"shell_exec", b"ex", b"ec", b"(", b" ", b"$", b"_", b"a", b">", b"\x80",
              b"include", b"include_once", b"\n"]  # fmt: skip
_NW_WORDS = [b"exec", b"shell_exec", b"include", b"include_once", b"ec", b"x", b""]


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(_NW_PIECES), max_size=30),
    st.lists(st.sampled_from(_NW_WORDS), min_size=0, max_size=4),
    st.lists(st.integers(-2, 80), max_size=6),
    st.sampled_from([b"", b"_$>:", bytes(range(0x61, 0x7B)) + b"_$>:\x80"]),
    st.booleans(),
)
def test_next_word_same_as_python(
    pieces: list[bytes], words: list[bytes], starts: list[int], not_after: bytes, seen: bool
) -> None:
    code = b"".join(pieces)
    none = len(code) + 1
    # where word_searcher starts (each word's first occurrence), or any state it can reach
    nxt = [code.find(w) if seen else -5 for w in words]
    nxt = [p if p >= 0 or not seen else none for p in nxt]
    mine, ref = list(nxt), list(nxt)
    for start in starts:
        got = next_word(code, tuple(words), mine, start, not_after)
        want = context._next_word_py(code, tuple(words), ref, start, not_after)
        assert (got, mine) == (want, ref)


def test_next_word_cases() -> None:
    code = b"a curl_exec(1); exec(2)"
    words = (b"exec",)
    nxt = [code.find(b"exec")]
    assert next_word(code, words, nxt, 0, b"") == 7
    assert next_word(code, words, nxt, 0, b"_") == 16  # curl_exec: after "_"
    assert nxt == [16]
    assert next_word(code, words, nxt, 17, b"") == -1
    assert nxt == [len(code) + 1]
    with pytest.raises(ValueError):
        next_word(code, words, [], 0, b"")
    with pytest.raises(TypeError):
        next_word(code, ("exec",), [0], 0, b"")  # type: ignore[arg-type]


def test_the_word_searcher_in_use_is_the_compiled_one() -> None:
    assert context._next_word is next_word
