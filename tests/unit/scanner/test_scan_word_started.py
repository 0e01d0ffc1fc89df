"""Whole-file searches of patterns that have no literal start (a look-behind or an alternation
first: the regex engine tries them at every offset), now tried only where one of their words
starts: each gives what the pattern gave by itself."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from scanner_helpers import span

from spamtrace.scanner import analyze, fold, interp, taint
from spamtrace.scanner.context import (
    BUILT_VARCALL,
    UIN_RE,
    Ctx,
    any_varcall_at,
    prefiltered_finditer,
    prefiltered_search,
    present_words,
    request_input_in_code,
)
from spamtrace.scanner.features import execution
from spamtrace.scanner.lexer import Lexed
from spamtrace.scanner.rules import load_rules

SAMPLES = Path(__file__).parent / "samples"

_REQ_PIECES = [b"$_get", b"$_post", b"$_request", b"$_cookie", b"$_files", b"$_gets", b"$_",
               b"php://input", b"php://inpu", b"$p", b" = ", b"=", b".=", b"??=", b"['k']",
               b"[$k]", b";", b"{", b"}", b"\n", b" ", b"x", b"(", b")", b"isset(", b"?",
               b":", b"'home'", b"p", b"$", b"_get"]  # fmt: skip


def _holders_searched_back_to_the_start(code: bytes) -> set[bytes]:
    """``interp._request_holders`` as it was: the pattern tried at every offset, and each
    statement's start searched for back to the file's start."""
    names: set[bytes] = set()
    for m in itertools.islice(interp._CODE_REQUEST.finditer(code), interp.MAX_MATCHES):
        at = m.start()
        start = max(code.rfind(b";", 0, at), code.rfind(b"{", 0, at), code.rfind(b"}", 0, at))
        if at - start > 600:
            continue
        v = interp._SETS_VAR.match(code, start + 1, at)
        if v is None or (v.group(1).startswith(b"_") and v.group(1)[1:] in interp._SUPERGLOBALS):
            continue
        names.add(v.group(1))
        if len(names) >= interp.MAX_HOLDERS:
            break
    # and the copies of a copy of one, as the function adds them (``$_get = $p;`` after
    # ``$p = $_get;`` made "_get" a holder there and not here: a random run found it)
    if names:
        copied = interp.copy_chains(interp.plain_copies(code), names)
        names.update(sorted(copied - names)[: max(0, interp.MAX_HOLDERS - len(names))])
    return {re.escape(n) for n in names}


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_REQ_PIECES), max_size=40), st.integers(0, 700))
def test_request_holders_same_as_the_pattern_at_every_offset(
    pieces: list[bytes], pad: int
) -> None:
    # padding puts statements further back than the 600 bytes a statement may span
    code = b"".join(pieces[:10]) + b" " * pad + b"".join(pieces[10:])
    got = [(m.span(), m.group()) for m in interp._code_requests(code)]
    assert got == [(m.span(), m.group()) for m in interp._CODE_REQUEST.finditer(code)]
    assert interp._request_holders(code) == _holders_searched_back_to_the_start(code)


def test_request_holders_counts_a_copy_of_a_holder() -> None:
    code = b"$p = $_get = $p;"  # the example a random run found (copy chains were left out)
    assert interp._request_holders(code) == _holders_searched_back_to_the_start(code)


def test_request_holders_cases() -> None:
    code = b"$p = $_get['p']; $q = isset($_post['q']) ? $_post['q'] : 'x'; $_get['z'] = 1;"
    assert interp._request_holders(code) == {b"p", b"q"}
    far = b"$p = " + b" " * 700 + b"$_get['p'];"  # the statement starts too far back
    assert interp._request_holders(far) == set()
    near = b"$p = " + b" " * 500 + b"$_get['p'];"
    assert interp._request_holders(near) == {b"p"}


_RET_PIECES = [b"return", b"return ", b"return;", b"returned", b"$return", b"->return",
               b"::return", b"xreturn", b" $x", b"$_get['a']", b";", b"\n", b" ", b"(", b")",
               b"curl_exec($c)", b"'s'", b"\x011\x01", b"{", b"}"]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_RET_PIECES), max_size=40))
def test_returns_found_where_return_starts_same_as_the_patterns(pieces: list[bytes]) -> None:
    body = b"".join(pieces)
    want = [(m.span(), m.groups()) for m in taint._RET_AT.finditer(body)]
    assert [(m.span(), m.groups()) for m in prefiltered_finditer(taint._RET_AT, body)] == want
    one = taint._RETURNS.search(body)
    got = prefiltered_search(taint._RETURNS, body)
    assert span(got) == span(one)


# the callbacks' pattern as it was written, with "u[ak]?sort"
_CALLBACK_BEFORE = re.compile(
    rb"(?:call_user_func(?:_array)?|array_map|array_filter|array_walk(?:_recursive)?|"
    rb"u[ak]?sort|register_shutdown_function|register_tick_function|ob_start|iterator_apply|"
    rb"forward_static_call(?:_array)?|array_reduce|array_diff_ukey|array_intersect_ukey|"
    rb"new\s+reflectionfunction)\s*\(([^;]{0,200})"
)
_CB_PIECES = [b"usort", b"uasort", b"uksort", b"uusort", b"uxsort", b"u", b"sort", b"a", b"k",
              b"array_map", b"call_user_func", b"_array", b"new reflectionfunction", b"new",
              b" ", b"(", b")", b";", b"$a", b"'system'", b"\x010\x01", b"->", b"$",
              b"ob_start"]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_CB_PIECES), max_size=30))
def test_callbacks_pattern_same_as_written_with_a_class(pieces: list[bytes]) -> None:
    code = b"".join(pieces)
    want = [(m.span(), m.groups()) for m in _CALLBACK_BEFORE.finditer(code)]
    assert [(m.span(), m.groups()) for m in execution._CALLBACK.finditer(code)] == want


def test_callbacks_pattern_starts_with_words() -> None:
    # every alternative is a word: the bounded search looks for the words, not every "u"
    from spamtrace.scanner.context import leading_words

    words = leading_words(execution._CALLBACK)
    assert words is not None and {b"usort", b"uasort", b"uksort"} <= set(words)


_HELD_PIECES = [b"$f", b"$fn", b"$f2", b"$g", b"$$f", b"->$f", b"x$f", b"\xe9$f", b"$f_x", b" ",
                b"(", b")", b",", b"\n", b"call_user_func", b"xcall_user_func", b"$a", b";",
                b"call_user_func_array", b"'s'", b"fnvar_"]  # fmt: skip


@settings(max_examples=4000, deadline=None)
@given(
    st.lists(st.sampled_from(_HELD_PIECES), max_size=40),
    st.sets(st.sampled_from([b"f", b"fn", b"g", b"f_x"]), min_size=1),
)
def test_held_closure_calls_renamed_same_as_the_pattern(
    pieces: list[bytes], done: set[bytes]
) -> None:
    text = b"".join(pieces)
    want = fold.held_calls_rx(done).sub(
        lambda c: fold.CLOSURE_PREFIX + (c.group(1) or c.group(2)) + b"(", text
    )
    assert fold._calls_renamed(text, done) == want


def test_held_closure_calls_renamed_cases() -> None:
    text = b"$f($a); x$f(1); call_user_func($f, 2); call_user_func($f); $ff(3);"
    got = fold._calls_renamed(text, {b"f"})
    assert got == b"fnvar_f($a); x$f(1); fnvar_f( 2); fnvar_f(); $ff(3);"


def _gated(code: bytes) -> Ctx:
    """A context of ``code`` with the built-in rules' gate index made, as a scan has it
    before its first rule (``ctx.first`` then answers from it)."""
    ready = analyze._prepared(load_rules())
    ctx = Ctx(code, "t.php", Lexed(code=code), 0, lambda: None, None, ready.gates, ready.gate_words)
    present_words(ctx)
    return ctx


_UIN_PIECES = [*_REQ_PIECES, b"$http_post_vars", b"$http_get_vars", b"$http_", b"$http_post",
               b"_vars", b"$_filesx", b"$_get1", b"$_server", b"$$_get"]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_UIN_PIECES), max_size=30))
def test_request_input_in_code_same_as_the_pattern(pieces: list[bytes]) -> None:
    code = b"".join(pieces)
    assert request_input_in_code(_gated(code)) == (UIN_RE.search(code) is not None)


_VARCALL_PIECES = [b"$", b"$$", b"$f", b"(", b" (", b")", b"->", b"::", b"a", b"_", b"\x80",
                   b"[0]", b" ", b"\n", b"$f(", b"$$f(", b"->$f(", b"x$f (", b"$9(",
                   b"new $c("]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_VARCALL_PIECES), max_size=30))
def test_any_varcall_at_same_as_the_pattern(pieces: list[bytes]) -> None:
    code = b"".join(pieces)
    found = BUILT_VARCALL.search(code)
    assert any_varcall_at(_gated(code)) == (found.start() if found is not None else -1)


def test_request_input_and_varcall_on_every_sample() -> None:
    for path in [p for p in SAMPLES.rglob("*") if p.is_file()]:
        code = Lexed(code=path.read_bytes().lower()).code
        ctx = _gated(code)
        assert request_input_in_code(ctx) == (UIN_RE.search(code) is not None), path.name
        found = BUILT_VARCALL.search(code)
        assert any_varcall_at(ctx) == (found.start() if found is not None else -1), path.name


def _asked(ctx: Ctx, ask: Callable[[], object]) -> list[bytes]:
    """The words ``ask()`` asked ``ctx.first`` about for the first time (misses of its memo:
    each a search of the code, or a look-up in the gate pass's index)."""
    asked: list[bytes] = []

    class Seen(dict[bytes, int]):
        def get(self, word: bytes, default: Any = None) -> Any:  # type: ignore[override]
            if word not in self:
                asked.append(word)
            return super().get(word, default)

    ctx.cache["first"] = Seen(ctx.cache.get("first", {}))
    ask()
    return asked


_CALL_PIECES = [b"system", b"exec", b"shell_exec", b"(", b" (", b"$", b"->", b"::", b"x",
                b" ", b"\n", b"'a'", b";", b"system_x", b"_exec"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CALL_PIECES), max_size=20))
def test_called_any_same_with_the_gate_index(pieces: list[bytes]) -> None:
    # names known absent from the gate pass are not looked for; the answer is the same
    from spamtrace.scanner.context import EXEC_NAMES_B, called_any

    code = b"".join(pieces)
    gated, plain = _gated(code), Ctx(code, "t.php", Lexed(code=code), 0, lambda: None, None)
    for names in (EXEC_NAMES_B, (b"system",), (b"exec", b"assert")):
        assert called_any(gated, names) == called_any(plain, names), (code, names)


def test_the_words_features_ask_about_are_answered_by_the_gate_pass() -> None:
    # the words rules ask ctx.first / has_word / has_any / called_any about, each once a
    # search of the whole code in hundreds of corpus files: the gate pass knows them all
    from spamtrace.scanner.context import EXEC_NAMES_B, called_any, has_any, has_word

    ready = analyze._prepared(load_rules())
    assert set(analyze._ASKED_WORDS) <= ready.gate_words
    ctx = _gated(b"; echo 1 ;")
    assert not has_any(ctx, (b"rand", b"uniqid", b"str_shuffle")) and not has_word(ctx, b"define")
    # the functions none of which the gate pass found: no call of them is looked for
    assert _asked(ctx, lambda: called_any(ctx, EXEC_NAMES_B)) == []
    assert _asked(ctx, lambda: called_any(ctx, (b"system", b"not_a_gate_word"))) == [
        b"system", b"not_a_gate_word"
    ]
    for word in analyze._ASKED_WORDS:  # the index's answer is the search's
        text = b"x = " + word + b"(1); " + word
        assert _gated(text).first(word) == text.find(word) == 4


_FIRST_ASKS_REQUEST = ("php.request-completed-name", "php.request-built-callable",
                       "php.variable-call-request-arg", "mailer.api-request-list")  # fmt: skip


def test_rules_whose_first_question_is_a_word_are_gated_by_it() -> None:
    # each of these features answers None at once where the code has none of its words
    # (request input; a variable variable's "${" or "$$"): their gate words say so, and the
    # rule is not run there (it ran on every file)
    from spamtrace.scanner.context import _REQ_WORDS, FEATURES

    rules = {r.id: r for r in load_rules()}
    asks = {rid: frozenset(_REQ_WORDS) for rid in _FIRST_ASKS_REQUEST}
    asks["php.folded-superglobal"] = frozenset({b"${", b"$$"})
    plan = {entry[0].id: entry[1] for entry in analyze._prepared(load_rules()).plan}
    # code with calls of variables, callbacks and glued names, but none of those words
    code = (b"; $f = 'sys' . 'tem'; $f($a); $g = $h; $g($x . 'ert'); call_user_func($n . 'x',"
            b" $y); $$v = 1; $list = explode(',', $z);")
    for rid, words in asks.items():
        rule = rules[rid]
        assert frozenset(rule.gate) == words, rid
        assert plan[rid] != 0, rid  # the plan runs it only where one of them is
        ctx = _gated(code.replace(b"$$", b"$") if rid.endswith("superglobal") else code)
        assert FEATURES[rule.feature or ""](ctx, rule) is None, rid
