"""The visitor-input test of the shell rules (``features.shell._from_visitor``: a password
guesser's loop, a port scanner's host, a tunnel's target) is answered once per file and
expression, each variable's assignments and loops read once per file, and its searches
(list() assignments, loop values, a loop over a variable) tried only where they can start:
the same answers as the patterns run over the whole code, without the whole code read again
for each loop head of a large file. Samples written for these tests."""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scanner_helpers import analyze_bytes, rule_ids, spans

from spamtrace.scanner.analyze import analyze
from spamtrace.scanner.context import Ctx, var_assigns, words_finditer
from spamtrace.scanner.features import shell
from spamtrace.scanner.lexer import lex
from spamtrace.scanner.rules import load_rules, load_yara


def _ctx(src: bytes) -> Ctx:
    return Ctx(src, "x.php", lex(src), 0, lambda: None, None)


def _many_loops(n: int) -> bytes:
    """A page of ``n`` loops over rows its own function returns (no request input)."""
    body = b"".join(
        b"foreach ($rows as $row) { $total += $row['n%d']; }\n" % i for i in range(n)
    )
    return (
        b"<?php\nfunction rows() { return array(array('n0' => 1)); }\n"
        b"$rows = rows();\n$rows = array_reverse($rows);\n$total = 0;\n" + body + b"echo $total;\n"
    )


def test_the_visitor_test_reads_each_variable_once_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []

    def counted(code: bytes, var: bytes, *args: object) -> object:
        calls.append(var)
        return var_assigns(code, var, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(shell, "var_assigns", counted)
    ctx = _ctx(_many_loops(40))
    assert shell._login_brute(ctx, None) is None  # type: ignore[arg-type]
    # 40 loop heads name $rows and $row: each variable's assignments read once (the old
    # test read them again for each head and each level of copies: 160 reads)
    assert len(calls) == len(set(calls)) <= 4, calls


def test_a_posted_list_in_the_last_of_many_loops_is_still_found() -> None:
    guesser = _many_loops(30).replace(
        b"echo $total;",
        b"$words = explode(\"\\n\", $_POST['words']);\n"
        b"foreach ($words as $w) {\n"
        b"  $ch = curl_init($_POST['site'] . '/wp-login.php');\n"
        b"  curl_setopt($ch, CURLOPT_POSTFIELDS, 'log=admin&pwd=' . $w);\n"
        b"  curl_exec($ch);\n}\n",
    )
    assert "shell.login-brute" in rule_ids(analyze_bytes(guesser))
    assert "shell.login-brute" not in rule_ids(analyze_bytes(_many_loops(30)))


_PIECES = (
    b"list($a, $b) = ", b"list ($x)=", b"[$a, $b] = ", b"$t[$k] = ", b"$u[1]=", b"] = ", b"]=",
    b"foreach ($rows as $row)", b"foreach($l as $k => $v) ", b"foreach ( f($q) as &$v )",
    b"foreach ($a as $b) as $c)", b" as $v)", b"\tas $w )", b"\nas $k=>$row)", b"$row", b"$rows",
    b"explode(',', $_post[\x011\x01])", b";", b"{", b"}", b"(", b")", b" ", b"\n", b"=", b"=>",
    b"$", b"list", b"[", b"]", b"as", b"my_list(", b"->list(", b"::list(", b"$list[", b"x",
)


def _texts(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    return [
        b"".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 60))) for _ in range(count)
    ]


def test_the_word_led_searches_find_what_the_patterns_find() -> None:
    for code in _texts(17, 3000):
        assert spans(words_finditer(shell._DESTRUCTURE, code, shell._DESTRUCTURE_AT)) == (
            spans(shell._DESTRUCTURE.finditer(code))
        ), code
        assert spans(words_finditer(shell._LOOP_VAR, code, shell._LOOP_VAR_AT)) == spans(
            shell._LOOP_VAR.finditer(code)
        ), code


def test_the_loops_over_a_variable_are_the_patterns_matches() -> None:
    for code in _texts(23, 3000):
        ctx = Ctx(code, "x.php", lex(b""), 0, lambda: None, None)
        ctx.lx.code = code
        for var in (b"row", b"rows", b"v", b"w", b"k", b"b", b"c", b"x"):
            assert list(shell._loops_over(ctx, var)) == [
                (m.group(1), m.end()) for m in shell._loop_over(var).finditer(code)
            ], (code, var)


_HEAD_PIECES = (
    b"foreach (", b"foreach(", b"foreach \n(", b"FOREACH (", b"$a", b"$rows", b"$row", b"$Row",
    b"$k", b"$K", b"$r\x80", b"$1", b" as ", b"\tas\n", b"as ", b" as", b"=>", b" => ", b"&",
    b")", b" )", b"(", b";", b"{", b"}", b" ", b"x", b"f(", b"$", b"\x80", b"'; as $row)'",
    b"a" * 60, b" " * 70,
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.sampled_from(_HEAD_PIECES), max_size=40),
    st.sampled_from([b"row", b"rows", b"Row", b"k", b"a", b"r\x80", b"1", b"r-w", b"(x"]),
)
@example([b"foreach (", b"$a", b" as ", b"$k", b")", b" as ", b"$row", b")"], b"row")
@example([b"foreach(", b"f(", b"$a", b" as ", b"$k", b" => ", b"$row", b")", b" as", b" ",
          b"&", b"$Row", b" )"], b"Row")  # fmt: skip
@example([b"foreach (", b"a" * 60, b"a" * 60, b"a" * 60, b" as ", b"$k", b")", b" as ",
          b"$row", b")"], b"row")  # fmt: skip
def test_a_loop_over_a_variable_as_its_own_pattern(pieces: list[bytes], var: bytes) -> None:
    """What a loop of each ``foreach (`` of the code loops over and where its head ends,
    found with one pattern compiled once (a head ending on another variable gone on from),
    are what the pattern of the variable's own name matches there."""
    code = b"".join(pieces)
    ctx = Ctx(code, "x.php", lex(b""), 0, lambda: None, None)
    ctx.lx.code = code
    heads = shell._foreach_heads(ctx)
    assert len(heads) == code.count(b"foreach (") + code.count(b"foreach(") + code.count(
        b"foreach \n("
    )
    for start, head, _stop in heads:
        m = shell._loop_over(var).match(code, start)
        want = None if m is None else (m.group(1), m.end())
        assert shell._loop_over_at(code, start, head, var) == want, (code, start, var)


def test_the_loops_over_a_variable_compile_no_pattern_of_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cold pass over a corpus compiled ~500 patterns here (one per variable name)."""
    code = (
        b"<?php $ports = explode(',', $_POST['p']); foreach ($list as $q) {}\n"
        b"foreach (f($x) as $k => &$port) {} foreach ($ports as $port) { fsockopen($h, $port); }"
    )
    ctx = _ctx(code)
    want = [(m.group(1), m.end()) for m in shell._loop_over(b"port").finditer(ctx.code)]
    assert len(want) == 2

    def compiled(var: bytes) -> object:
        raise AssertionError(f"a pattern compiled for {var!r}")

    monkeypatch.setattr(shell, "_loop_over", compiled)
    assert list(shell._loops_over(ctx, b"port")) == want


def test_the_walks_of_the_folders_are_read_once_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from spamtrace.scanner.features import dropper

    walks: list[bool] = []
    loops = dropper._walk_loops

    def counted(ctx: Ctx, *, helpers: bool = False) -> object:
        walks.append(helpers)
        return loops(ctx, helpers=helpers)

    monkeypatch.setattr(dropper, "_walk_loops", counted)
    # a tool that stamps a comment at the end of every script (clean: no code is added),
    # which the infector and the self-copier rules both read
    stamp = (
        b"<?php\n$me = basename(__FILE__);\n"
        b"foreach (glob('*.php') as $f) {\n  if ($f === $me) { continue; }\n"
        b"  $old = file_get_contents($f);\n  file_put_contents($f, $old . \"\\n// checked\");\n}\n"
    )
    result = analyze(stamp, "stamp.php", load_rules(), yara=load_yara(), stop_at=0)
    assert not {"php.files-prepended", "php.self-spread"} & rule_ids(result)
    assert walks.count(True) == 1  # the old rules walked the loops once each


def _asked_heads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """What the rules ask ``shell._from_visitor`` from now on, in order."""
    asked: list[bytes] = []
    test = shell._from_visitor

    def counted(ctx: Ctx, expr: bytes, depth: int = 2) -> bool:
        asked.append(expr)
        return test(ctx, expr, depth)

    monkeypatch.setattr(shell, "_from_visitor", counted)
    return asked


def test_a_file_without_request_words_asks_no_loop_head(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _asked_heads(monkeypatch)
    assert shell._login_brute(_ctx(_many_loops(40)), None) is None  # type: ignore[arg-type]
    assert asked == []  # the old rule asked it of each of the 40 heads
    # a loop over a request header's list is still asked about, and found
    headers = _many_loops(3).replace(
        b"echo $total;",
        b"$h = getallheaders();\n$words = explode(',', $h['X-Words']);\n"
        b"foreach ($words as $w) {\n  $ch = curl_init('https://' . $h['X-Site'] . ':2083/login');\n"
        b"  curl_setopt($ch, CURLOPT_POSTFIELDS, 'user=root&pass=' . $w . '&login_only=1');\n"
        b"  curl_exec($ch);\n}\n",
    )
    assert shell._login_brute(_ctx(headers), None) is not None  # type: ignore[arg-type]
    assert asked


def test_a_loop_that_signs_in_nowhere_asks_no_loop_head(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _asked_heads(monkeypatch)
    # a form handler: loops over posted rows, none of them signs in to a panel
    form = _many_loops(20).replace(
        b"echo $total;",
        b"$items = explode(',', $_POST['items']);\n"
        b"foreach ($items as $item) { echo htmlspecialchars($item), '<br>'; }\n",
    )
    assert shell._login_brute(_ctx(form), None) is None  # type: ignore[arg-type]
    assert asked == []  # the old rule walked each of the 21 heads back to request input
    # the same loop signing in to WordPress with each posted word is asked about, and found
    guesser = form.replace(
        b"echo htmlspecialchars($item), '<br>';",
        b"$ch = curl_init('https://example.org/wp-login.php');\n"
        b"curl_setopt($ch, CURLOPT_POSTFIELDS, 'log=admin&pwd=' . $item);\ncurl_exec($ch);",
    )
    assert shell._login_brute(_ctx(guesser), None) is not None  # type: ignore[arg-type]
    assert asked[0] == b"$items as $item"  # the one head that signs in, then its copies
