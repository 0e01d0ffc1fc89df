"""Literal searches that rule literals out before a regex or an unescape per literal: each
gives what the search it replaced gave (the regex over every literal's value, a pattern
without a literal start tried at every offset of the literals' text)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from spamtrace.scanner.context import Ctx, string_text
from spamtrace.scanner.features import dropper, execution, phishing, shell
from spamtrace.scanner.lexer import lex

_FIELD_PIECES = [b"cc_number", b"ccnum", b"card-number", b"cardnumber", b"cc_no", b"ccno",
                 b"cc-num", b"card_num", b"cvv", b"cvv2", b"cvc", b"cc_cid", b"security_code",
                 b"csc", b"cc_cvv", b"card_code", b"\x00", b"_", b"-", b"x", b" ", b"num",
                 b"cc", b"card", b"ber", b"no"]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_FIELD_PIECES), st.sampled_from([b"", b"\x00", b" ", b"_"])),
        max_size=8,
    )
)
def test_card_fields_as_the_two_regexes_find_them(pieces: list[tuple[bytes, bytes]]) -> None:
    text = b"".join(piece + sep for piece, sep in pieces)
    want = (
        phishing._CARD_NUMBER_FIELD.search(text) is not None
        and phishing._CARD_CODE_FIELD.search(text) is not None
    )
    assert phishing.card_fields_named(text) == want


_BODY_PIECES = [b".env", b".ENV", b"/", b"config/", b".aws/credentials", b"~/.ssh/id_rsa",
                b"/etc/shadow", b".my.cnf", b".netrc", b".git-credentials", b"\\x2eenv",
                b"\\56env", b"\\x2E", b"\\\\", b"\\'", b"\\", b".e", b"nv", b" ", b"x",
                b"\\u{2e}env", b"\\n", b"$home/.env", b"~/.bashrc", b".profile", b"/etc/",
                b"cron.d/", b".config/autostart/", b"\\x2ebashrc", b"/etc\\x2f"]  # fmt: skip


def _literal(body: list[bytes], quote: bytes) -> bytes:
    text = b"".join(body)
    if quote == b"'":
        text = text.replace(b"\\'", b"\\\\'").replace(b"'", b"\\'")
    else:
        text = text.replace(b'"', b'\\"').replace(b"$", b"\\$")
    if text.endswith(b"\\") and not text.endswith(b"\\\\"):
        text += b"\\"
    return quote + text + quote


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(_BODY_PIECES), max_size=6), st.sampled_from(
            [b"'", b'"'])),
        max_size=8,
    ),
    st.booleans(),
)
def test_the_literals_looked_at_hold_every_one_that_can_match(
    literals: list[tuple[list[bytes], bytes]], html: bool
) -> None:
    src = (b"<?php\n" if not html else b"<b>.env /etc/shadow</b><?php\n") + b"\n".join(
        b"$a = " + _literal(body, quote) + b";" for body, quote in literals
    )
    lx = lex(src)
    ctx = Ctx(src, "x.php", lx, 0, lambda: None, None)
    string_text(ctx)
    secret = list(shell.secret_candidates(ctx))
    startup = list(dropper.startup_candidates(ctx))
    assert secret == sorted(set(secret)) and startup == sorted(set(startup))
    for i in range(len(lx.raw_strings)):
        value = lx.value(i).strip().lower()
        if shell._SECRET_FILE.search(value) or shell._ENV_FILE.search(value):
            assert i in secret, (i, lx.raw_strings[i], lx.kinds[i])
        if dropper._STARTUP_FILE.search(value):
            assert i in startup, (i, lx.raw_strings[i], lx.kinds[i])


def test_the_secret_words_are_derived_from_the_patterns() -> None:
    # a change to _SECRET_FILE that leaves no word every match needs would look at every
    # literal again (correct, slower): the words are still there
    assert b"/etc/shadow" in shell._SECRET_WORDS
    assert b".env" in shell._SECRET_WORDS
    assert b"bashrc" in dropper._STARTUP_WORDS


def test_a_literal_with_none_of_the_words_is_not_looked_at() -> None:
    """The speed of the prefilter: a plain literal is left out (a fall back to every literal
    would still pass the test above)."""
    src = b"<?php\n$a = 'hello world';\n$b = '/home/u/.env';\n$c = '~/.bashrc';\n"
    lx = lex(src)
    ctx = Ctx(src, "x.php", lx, 0, lambda: None, None)
    string_text(ctx)
    plain = next(i for i in range(len(lx.raw_strings)) if b"hello" in lx.value(i))
    assert plain not in list(shell.secret_candidates(ctx))
    assert plain not in list(dropper.startup_candidates(ctx))
    assert list(shell.secret_candidates(ctx)) and list(dropper.startup_candidates(ctx))


_CALLEE_PIECES = [b")", b"]", b"\x01", b"(", b"[", b" ", b"\n", b"\t", b"\x0b", b"$f", b"x",
                  b"\x011\x01", b")(", b"] (", b"\x01\n(", b";", b"))", b"(("]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_CALLEE_PIECES), max_size=30))
def test_callee_ends_are_the_matches_of_the_one_pattern(pieces: list[bytes]) -> None:
    # the three literal-start patterns, merged by offset, find what the class-start one finds
    code = b"".join(pieces)
    want = [m.span() for m in execution._CALLEE_END.finditer(code)]
    assert [m.span() for m in execution.callee_ends(code)] == want


def test_callee_ends_on_a_call_of_a_call() -> None:
    code = b"$a = [$_get['c'], 'm'] ( 1 ); trim($_post['f'])\n(2); \x013\x01(4);"
    assert [code[m.start()] for m in execution.callee_ends(code)] == [93, 41, 1]


_LIST_PIECES = [b"$kw", b"$k", b" = ", b"=", b"==", b"=>", b"@", b"array_filter(", b"array_map(",
                b"\x010\x01, ", b"trim(", b"file(", b"file (", b"file_get_contents(", b"explode(",
                b"\x011\x01, ", b"fgets(", b"fgetcsv(", b"stream_get_line(", b"$h", b")", b"{",
                b"}", b"[]", b";", b" ", b"\n", b"x", b"while (", b"$kw[] = "]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_LIST_PIECES), max_size=30), st.integers(1, 4))
def test_file_lists_are_the_pattern_matches(pieces: list[bytes], most: int) -> None:
    code = b"".join(pieces)
    want = itertools.islice(phishing._LIST_SET.finditer(code), most)
    got = phishing.file_lists(code, most)
    assert [(m.span(), m.groups()) for m in got] == [(m.span(), m.groups()) for m in want]
