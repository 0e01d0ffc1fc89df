"""Searches that the rules and the rewritten view made over the whole code of a large file
are tried only where a match can start (a word every match begins with), and a function
body's end is found by the compiled block walk: the same matches and ends as before, without
the regex engine stepping through every offset of a 300 KB file for a pattern that opens
with a look-behind or an alternation. Samples written for these tests."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
from scanner_helpers import spans

from spamtrace.scanner import context, fold
from spamtrace.scanner.context import Ctx, prefiltered_finditer
from spamtrace.scanner.features import dropper, execution, mailer, obfuscation, phishing
from spamtrace.scanner.lexer import lex

_PIECES = (
    b"include ", b"require_once(", b"include_once ", b"\x011\x01", b"\x012\x01", b"'x' . ",
    b"function ", b"fn ", b"f(", b"g(", b"h (", b"_1(3)(", b"$f(", b"->f(", b"::g(", b"\\h(",
    b"call_user_func(", b"call_user_func_array (", b"define(", b"foreach (", b"foreach(",
    b"$list as $to", b" as ", b"preg_match(", b"strpos (", b"->strpos(", b"stristr(",
    b"scandir(", b"glob (", b"$glob(", b"readdir(", b"recursivedirectoryiterator", b"opendir(",
    b"new formdata(", b"document.forms", b"getelementbyid(", b"netcraft", b"kaspersky",
    b"{", b"}", b"(", b")", b";", b" ", b"\n", b"=", b"==", b"$", b"_", b"x", b"\x80",
)  # fmt: skip


def _texts(seed: int, count: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    for _ in range(count):
        yield b"".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 60)))


_WORD_LED = (
    context.INCLUDE_LIT, phishing._TEST_CALL, phishing._SECURITY_NAMES, phishing._JS_FORM_READ,
    dropper._DIR_LISTS, mailer._FOREACH_LIST, execution._DEFINE_CALL, fold._USER_FUNC,
)  # fmt: skip


def test_the_word_led_searches_find_what_the_patterns_find() -> None:
    for code in _texts(31, 3000):
        for rx in _WORD_LED:
            assert spans(prefiltered_finditer(rx, code)) == spans(rx.finditer(code)), (rx, code)


def test_a_body_ends_where_the_brace_by_brace_walk_ends() -> None:
    rng = random.Random(41)
    for _ in range(800):
        code = bytes(rng.choice(b"{{}}x;") for _ in range(rng.randrange(1, 80)))
        for brace in range(len(code)):
            env = fold.Env(code, lex(b""))
            want = -1
            depth = 0
            for m in re.finditer(rb"[{}]", code[brace : brace + fold.MAX_BODY]):
                depth += 1 if m.group() == b"{" else -1
                if depth == 0:
                    want = brace + m.start()
                    break
            assert env._closing(brace) == want, (code, brace)


def _recorded(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    """The patterns given to ``module.name`` (a word-led search) while a test runs."""
    seen: list[object] = []
    real = getattr(module, name)

    def record(rx: re.Pattern[bytes], *args: object) -> object:
        seen.append(rx.pattern)
        return real(rx, *args)

    monkeypatch.setattr(module, name, record)
    return seen


def _ctx(src: bytes) -> Ctx:
    return Ctx(src, "x.php", lex(src), 0, lambda: None, None)


def test_the_rules_search_where_their_words_start(monkeypatch: pytest.MonkeyPatch) -> None:
    src = (
        b"<?php\ninclude 'lib/antibots.php';\ndefine('HOME', $_POST['h']);\n"
        b"if (preg_match('/bot/', $_SERVER['HTTP_USER_AGENT'])) { exit; }\n"
        b"foreach ($list as $to) { mail($to, 's', 'b'); }\n"
    )
    ctx = _ctx(src)
    seen = _recorded(monkeypatch, phishing, "prefiltered_finditer")
    assert phishing._guard_included(ctx) is not None
    phishing._search_visitor_test(ctx)
    assert context.INCLUDE_LIT.pattern in seen and phishing._TEST_CALL.pattern in seen
    seen = _recorded(monkeypatch, mailer, "prefiltered_finditer")
    mailer._literal_list_blast(ctx, None)  # type: ignore[arg-type]
    assert mailer._FOREACH_LIST.pattern in seen
    seen = _recorded(monkeypatch, execution, "prefiltered_finditer")
    execution.request_constants(ctx)
    assert execution._DEFINE_CALL.pattern in seen


def test_the_view_reads_own_calls_and_bodies_where_they_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = (
        b"<?php\nfunction _1($i) { $a = array('sys' . 'tem', 'x'); return $a[$i]; }\n"
        b"function page() { if (1) { echo 2; } }\n_1(0)($_GET['c']);\npage();\n"
        b"call_user_func('pass' . 'thru', $_GET['d']);\n"
    )
    ends: list[int] = []
    real_end = context.brace_end

    def brace_end(code: bytes, open_at: int, end: int) -> int:
        ends.append(open_at)
        return real_end(code, open_at, end)

    monkeypatch.setattr(fold, "brace_end", brace_end)
    filtered = _recorded(monkeypatch, fold, "prefiltered_finditer")
    view = fold.normalized(lex(src))
    assert view is not None
    assert b"system($_get[" in view.code and b"passthru(" in view.code
    assert ends and fold._USER_FUNC.pattern in filtered


def test_a_run_of_150_blanks_is_150_spaces_once_tabs_are_spaces() -> None:
    rng = random.Random(47)
    pieces = (b" " * 40, b" " * 149, b"\t" * 30, b" \t", b"\t \t", b"x", b"\n", b"<?php", b" ")
    for _ in range(3000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 20)))
        spaced = data.translate(obfuscation._TAB_AS_SPACE)
        assert (spaced.find(obfuscation._SPACES) >= 0) == (
            obfuscation._BLANK_RUN.search(data) is not None
        ), data


class _Counted:
    """A pattern whose searches are counted."""

    def __init__(self, rx: re.Pattern[bytes]) -> None:
        self.rx = rx
        self.calls = 0

    def finditer(self, *args: object) -> Iterator[re.Match[bytes]]:
        self.calls += 1
        return self.rx.finditer(*args)  # type: ignore[arg-type]


def test_blank_runs_are_looked_for_only_where_one_is(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = _Counted(obfuscation._BLANK_RUN)
    monkeypatch.setattr(obfuscation, "_BLANK_RUN", counted)
    plain = b"<?php\n" + b"    echo 1;\n" * 500 + b"\t\t" * 70 + b"x\n"
    assert obfuscation._code_past_blanks(_ctx(plain), None) is None  # type: ignore[arg-type]
    assert counted.calls == 0  # a search at every offset before
    hidden = b"<html>" + b" \t" * 80 + b"<?php eval($_POST['x']); ?>\n"
    assert obfuscation._code_past_blanks(_ctx(hidden), None) is not None  # type: ignore[arg-type]
    assert counted.calls == 1


def test_includes_are_looked_for_where_their_words_start(monkeypatch: pytest.MonkeyPatch) -> None:
    src = b"<?php\nrequire_once 'a.php';\ninclude('/proc/self/environ');\n"
    seen = _recorded(monkeypatch, execution, "prefiltered_finditer")
    assert execution._include_visitor_store(_ctx(src), None) is not None  # type: ignore[arg-type]
    assert execution._INCLUDE_STMT.pattern in seen


def test_an_unserialize_assigned_is_where_the_pattern_can_match() -> None:
    rng = random.Random(53)
    pieces = (
        b"$a", b"x::", b"$b ", b"=", b" = ", b"==", b"@", b" @ ", b"\\", b"unserialize",
        b"maybe_unserialize", b"(", b"\n", b"\t", b"\x0b", b" ", b";", b"$_get[\x011\x01]",
    )  # fmt: skip
    for _ in range(5000):
        code = b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 16)))
        if execution._UNSERIALIZED_INTO.search(code) is not None:
            assert execution._unserialize_assigned(code), code


def test_unserialize_unassigned_tries_no_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = _Counted(execution._UNSERIALIZED_INTO)
    monkeypatch.setattr(execution, "_UNSERIALIZED_INTO", counted)
    src = b"<?php\n$o = maybe_unserialize($_POST['o']);\nreturn @unserialize($d);\n"
    assert execution._unserialized_request_called(_ctx(src), None) is None  # type: ignore[arg-type]
    assert counted.calls == 0  # the pattern tried at every offset before
    src = b"<?php\n$t = @ \\unserialize(base64_decode($_COOKIE['t']));\n$t['write']($t['f']);\n"
    assert execution._unserialized_request_called(_ctx(src), None) is not None  # type: ignore[arg-type]
    assert counted.calls == 1
