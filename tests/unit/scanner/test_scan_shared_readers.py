"""The readers that several rules share, written once: the top-level splitter of an
expression (:func:`context.split_top`). Samples written for these tests."""

from __future__ import annotations

import pytest

from spamtrace.scanner.context import split_top


@pytest.mark.parametrize(
    ("text", "seps", "opens", "closes", "pieces"),
    [
        (b"'a' . $b . f($c . 'd')", b".", b"([", b")]", [b"'a' ", b" $b ", b" f($c . 'd')"]),
        (b"$a[1 . 2] . $b", b".", b"([", b")]", [b"$a[1 . 2] ", b" $b"]),
        # braces count only when they are named: a closure's body is one piece, or not
        (b"function() { a . b; } . $c", b".", b"([{", b")]}", [b"function() { a . b; } ", b" $c"]),
        (b"{ a . b }", b".", b"([", b")]", [b"{ a ", b" b }"]),
        # "," as well as "."
        (b"$a, 'b' . f(1, 2)", b".,", b"([{", b")]}", [b"$a", b" 'b' ", b" f(1, 2)"]),
        # a closer nothing opened: what follows is inside, no split
        (b"a) . b . c", b".", b"([{", b")]}", [b"a) . b . c"]),
        (b"", b".", b"(", b")", [b""]),
        (b"a..b", b".", b"(", b")", [b"a", b"", b"b"]),
    ],
)
def test_split_top_splits_outside_the_brackets_it_is_given(
    text: bytes, seps: bytes, opens: bytes, closes: bytes, pieces: list[bytes]
) -> None:
    assert split_top(text, seps, opens, closes) == pieces


def test_split_top_defaults_to_every_bracket() -> None:
    assert split_top(b"[a, b], (c, d), {e, f}", b",") == [b"[a, b]", b" (c, d)", b" {e, f}"]
