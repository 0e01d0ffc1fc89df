"""Repeats made possessive where giving back can never help (scanner/rx.py ``tight``): the
engine's patterns match exactly what Python's own compile of them matches."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from spamtrace.scanner import analyze, cmdline, context, fold, interp, rx, taint
from spamtrace.scanner.features import dropper, execution, mailer, obfuscation, phishing, shell
from spamtrace.scanner.rules import load_rules

native = pytest.mark.skipif(sys.version_info < (3, 11), reason="possessive repeats need 3.11")


@native
@pytest.mark.parametrize(
    ("pattern", "made"),
    [
        (rb"\$(\w+)\s*=\s*\$(\w+)\s*;", 5),  # names end at "=" and ";": none given back
        (rb"a[^;]{0,200};", 1),
        (rb"\s*\(([^;]{0,200})", 2),  # at the end: nothing after it to give back for
        (rb"(?P<n>\w+)=(?P=n)", 1),
        (rb"\s*(?=x)x", 1),  # a look-ahead, then "x": still no space after the spaces
        (rb"(?:\w+,)*;", 1),  # inside a repeated group: "," or ";" next, never a name byte
        (rb"\w+\b", 0),  # a test that matches nothing follows: left alone
        (rb"\w+$", 0),
        (rb"a*a", 0),  # what follows starts with a byte the repeat takes
        (rb"\w*\d", 0),
        (rb"(\w+)\1", 0),  # a back reference: anything may follow
        (rb"[a-z]+(?i:A)", 0),  # case ignored after it: not known
        (rb"(?:ab|cd)*x", 0),  # a repeat of more than one character: left alone
        (rb"x*?y", 0),  # lazy
    ],
)
def test_tight_makes_only_safe_repeats_possessive(pattern: bytes, made: int) -> None:
    tree = rx.tightened(pattern)
    assert (0 if tree is None else str(tree.data).count("POSSESSIVE_REPEAT")) == made


@native
def test_tight_leaves_case_insensitive_patterns_alone() -> None:
    assert rx.tightened(rb"\$(\w+)\s*=", re.IGNORECASE) is None
    assert rx.tightened(rb"(?i)\$(\w+)\s*=") is None


def test_tight_keeps_the_text_groups_and_flags() -> None:
    got = rx.tight(rb"(?P<name>\w+)\s*=", re.DOTALL)
    assert got.pattern == rb"(?P<name>\w+)\s*="
    assert got.groupindex == {"name": 1}
    assert got.flags == re.compile(rb"x", re.DOTALL).flags
    m = got.search(b"  abc = 1")
    assert m is not None and m.group("name") == b"abc" and m.span() == (2, 7)
    with pytest.raises(re.error):
        rx.tight(rb"(unclosed")


@native
def test_the_engines_patterns_are_compiled_tight() -> None:
    # Python's Pattern equality compares the compiled code: a tightened one differs
    for compiled in (interp._PLAIN_COPY, context.PLACEHOLDER, taint._RET_NET):
        assert compiled != re.compile(compiled.pattern, compiled.flags), compiled.pattern
    # the features' module-level patterns too (their share was ~1.3 % of a pass)
    for compiled in (
        dropper._SWAP_ARGS,
        execution._EXTRACT_REQ,
        mailer._SMTP_VERBS,
        obfuscation._HEX_ALPHA,
        phishing._WHOLE_REQUEST,
        shell._TAIL_ANY,
    ):
        assert compiled != re.compile(compiled.pattern, compiled.flags), compiled.pattern
    by_id = {rule.id: rule for rule in load_rules()}
    rule_rx = by_id["shell.exec-request-input"].regex
    assert rule_rx is not None
    assert rule_rx != re.compile(rule_rx.pattern, rule_rx.flags)


def _seen(m: re.Match[bytes] | None) -> tuple[tuple[int, int], tuple[bytes | None, ...]] | None:
    return None if m is None else (m.span(), m.groups())


def _same(tightened: re.Pattern[bytes], text: bytes) -> None:
    plain = re.compile(tightened.pattern, tightened.flags)
    assert [_seen(m) for m in tightened.finditer(text)] == [
        _seen(m) for m in plain.finditer(text)
    ], tightened.pattern
    for pos in range(0, len(text) + 1, 3):
        assert _seen(tightened.match(text, pos)) == _seen(plain.match(text, pos))
        assert _seen(tightened.fullmatch(text, pos)) == _seen(plain.fullmatch(text, pos))


_FEATURES = (dropper, execution, mailer, obfuscation, phishing, shell)


def _engine_patterns() -> list[re.Pattern[bytes]]:
    found = [
        v
        for module in (analyze, cmdline, context, fold, interp, taint)
        for v in vars(module).values()
        if isinstance(v, re.Pattern) and isinstance(v.pattern, bytes)
    ]
    found += [rule.regex for rule in load_rules() if rule.regex is not None]
    return found


ENGINE = _engine_patterns()
FEATURE_PATTERNS = [
    v
    for module in _FEATURES
    for v in vars(module).values()
    if isinstance(v, re.Pattern) and isinstance(v.pattern, bytes)
]
PIECES = [b"$a", b"$_get", b"_b1", b"x", b" ", b"\n", b"@", b"'", b'"', b"\\", b"/", b"*",
          b"#", b"?", b">", b"<", b"(", b")", b"[", b"]", b"{", b"}", b"=", b"==", b".",
          b";", b",", b"::", b"->", b"\x011\x01", b"\x0012", b"eval", b"base64_decode",
          b"function", b"return", b"chr(65)", b"\xc3", b"0x1f", b"9", b"mail", b"exec",
          b"system", b"$_post['c']", b"foreach", b"as", b"include", b"php://input"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=50).map(b"".join))
def test_the_engines_patterns_match_as_compiled_by_python(text: bytes) -> None:
    for compiled in ENGINE:
        _same(compiled, text)


@native
def test_every_feature_pattern_tight_would_change_is_compiled_tight() -> None:
    # a pattern added with re.compile where rx.tight would make a repeat possessive
    missed = [
        v.pattern[:60]
        for v in FEATURE_PATTERNS
        if rx.tightened(v.pattern, v.flags) is not None and v == re.compile(v.pattern, v.flags)
    ]
    assert missed == []


# the features' ~800 patterns: fewer texts each (the engine's test covers the pieces)
@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=50).map(b"".join))
def test_the_features_patterns_match_as_compiled_by_python(text: bytes) -> None:
    for compiled in FEATURE_PATTERNS:
        _same(compiled, text)


# random patterns of the pieces the scanner's are made of
ATOMS = [rb"\w", rb"\s", rb"\d", rb"[^;]", rb"[a-c]", rb"[^\s(]", rb"a", rb"b", rb";", rb"=",
         rb"\(", rb".", rb"\$"]  # fmt: skip
REPEATS = [b"*", b"+", b"?", b"{0,3}", b"{2,}", b"*?", b""]
GROUP_REPEATS = [b"", b"?", b"{1,2}", b"??"]  # bounded: no nested unbounded repeat to blow up
ZERO = [rb"\b", rb"$", rb"(?=a)", rb"(?!b)", rb"(?<=a)", rb"^"]


@st.composite
def _patterns(draw: st.DrawFn, depth: int = 2) -> bytes:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 9 if depth else 6))
        if kind <= 5:
            parts.append(draw(st.sampled_from(ATOMS)) + draw(st.sampled_from(REPEATS)))
        elif kind == 6:
            parts.append(draw(st.sampled_from(ZERO)))
        elif kind == 7:
            inner = draw(_patterns(depth - 1))
            parts.append(b"(" + inner + b")" + draw(st.sampled_from(GROUP_REPEATS)))
        elif kind == 8:
            alts = draw(st.lists(_patterns(depth - 1), min_size=2, max_size=3))
            parts.append(b"(?:" + b"|".join(alts) + b")")
        else:
            inner = draw(_patterns(depth - 1))
            parts.append(b"(?:" + inner + b")" + draw(st.sampled_from(GROUP_REPEATS)))
    return b"".join(parts)


TEXT_PIECES = [b"a", b"b", b"c", b" ", b";", b"=", b"(", b"1", b"_", b"$", b"\n"]


@settings(max_examples=1500, deadline=None)
@given(_patterns(), st.lists(st.sampled_from(TEXT_PIECES), max_size=16).map(b"".join))
def test_random_patterns_match_as_compiled_by_python(pattern: bytes, text: bytes) -> None:
    try:
        plain = re.compile(pattern)
    except re.error:
        assume(False)
        return
    del plain
    _same(rx.tight(pattern), text)


def _module_patterns() -> list[re.Pattern[bytes]]:
    found = [r.regex for r in load_rules() if r.regex is not None]
    for module in (context, taint, fold, interp, cmdline, analyze, dropper, execution, mailer,
                   obfuscation, phishing, shell):  # fmt: skip
        found += [v for v in vars(module).values()
                  if isinstance(v, re.Pattern) and isinstance(v.pattern, bytes)]  # fmt: skip
    return found


@native
def test_tight_records_the_leading_words_of_what_it_compiles() -> None:
    # its own parse gives them (a start-up with no second parse of every pattern for them):
    # known before anything asks, and what a parse of the pattern as written gives
    fresh = rb"(?<![\w$>:])(?:quux_one|zorp_two)\s*\(\s*\$(\w+)\s*,"
    compiled = rx.tight(fresh)
    assert rx.LEADING[(compiled.pattern, compiled.flags)] == (b"quux_one", b"zorp_two")
    assert rx.leading_words(compiled) == (b"quux_one", b"zorp_two")
    recorded = 0
    for pattern in _module_patterns():
        key = (pattern.pattern, pattern.flags)
        if key not in rx.LEADING:
            continue  # compiled with re.compile: worked out when first asked
        recorded += 1
        words = None
        if not pattern.flags & re.IGNORECASE:
            words = rx._leading_of(rx.sre()[0].parse(pattern.pattern, pattern.flags))
        assert rx.LEADING[key] == words, pattern.pattern
    assert recorded > 900
