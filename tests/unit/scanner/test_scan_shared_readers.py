"""The readers that several rules share, written once: the top-level splitter of an
expression (:func:`context.split_top`), the variables PHP reads in a double-quoted string
(:func:`interp.variables`, which the command line reader asks too), a view with new
literals (:meth:`Lexed.with_literals`, for the folder's glued literals and interp's
written-out strings), the hit of a match in the file's literals (:func:`context.string_hit`).
Samples written for these tests."""

from __future__ import annotations

import re

import pytest

from spamtrace.scanner import cmdline
from spamtrace.scanner.context import Ctx, Hit, split_top, string_hit, string_text
from spamtrace.scanner.features import execution
from spamtrace.scanner.interp import variables
from spamtrace.scanner.lexer import LONG, lex


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


@pytest.mark.parametrize(
    ("raw", "spans"),
    [
        (b"convert $src -resize {$w}x{$h} out.jpg", [(8, 12), (21, 25), (26, 30)]),
        (b"ls ${dir} $_GET[p] $o->name", [(3, 9), (10, 18), (19, 27)]),
        (b"rm {$_FILES['f']['name']}", [(3, 25)]),
        # a "$" after a backslash is the character; after two, a backslash then $x
        (b"echo \\$HOME \\\\$x", [(14, 16)]),
        # PHP reads one property in the simple syntax: "->b" is text
        (b"$o->a->b", [(0, 5)]),
        (b"cost: 5$ only", []),
        # a syntax PHP refuses (a blank in a simple key) or an unclosed "{$": not read
        (b"$a[x y]", None),
        (b"{$a", None),
    ],
)
def test_variables_are_where_php_reads_them(
    raw: bytes, spans: list[tuple[int, int]] | None
) -> None:
    assert variables(raw) == spans


def test_the_command_line_reader_holes_the_variables_php_reads() -> None:
    """A command written in a double-quoted string has each variable PHP reads replaced by
    the hole mark, as interp reads them: an escaped "$" is the shell's own variable, text
    the script wrote; an unreadable string is not a command line the script is known for."""
    assert cmdline._holed(b"convert {$in} -resize $w[0]x out.jpg") == (
        b"convert \x00 -resize \x00x out.jpg"
    )
    assert cmdline._holed(b"echo \\$HOME/$f") == b"echo \\$HOME/\x00"
    assert cmdline._holed(b"rm $o->dir->path") == b"rm \x00->path"
    assert cmdline._holed(b"rm {$f") is None


def test_with_literals_numbers_the_new_literals_after_the_files_own() -> None:
    lx = lex(b"<?php $a = 'x' . \"y\\n$b\"; ?>\n<b>hi</b>\n<?php # note\necho 1;\n")
    own = list(lx.raw_strings)
    n = len(own)
    view = lx.with_literals(b"; $a = \x01%d\x01;" % n, [b"it\\'s", b"z" * LONG, b"short"])
    assert view.code == b"; $a = \x01%d\x01;" % n
    assert view.raw_strings == [*own, b"it\\'s", b"z" * LONG, b"short"]
    assert view.kinds == [*lx.kinds, "sq", "sq", "sq"]
    assert view.value(n) == b"it's"
    assert view.long == [*lx.long, n + 1]
    assert (view.escaped, view.html, view.comments_bytes, view.php_regions) == (
        lx.escaped, lx.html, lx.comments_bytes, lx.php_regions
    )
    assert lx.escaped and lx.html and lx.comments_bytes and lx.php_regions == 2
    assert lx.raw_strings == own  # the file's own view is left as it was


def test_opening_finds_the_opener_of_the_closers_kind() -> None:
    """One backward walk for ")" and "]" (it was written once per kind): brackets of the
    other kind are not counted, and an opener more than 400 bytes back is not looked for."""
    code = b"$t = f(a[1], (b))[0]($x);"
    assert execution._opening(code, code.index(b")[")) == code.index(b"(")
    assert execution._opening(code, code.index(b"]("), 91, 93) == code.index(b")[") + 1
    assert execution._opening(code, code.index(b"]"), 91, 93) == code.index(b"[")
    assert execution._opening(b"f(a]b)", 5) == 1
    assert execution._opening(b"(" + b"x" * 398 + b")", 399) == 0
    assert execution._opening(b"(" + b"x" * 399 + b")", 400) == -1
    assert execution._opening(b"a)", 1) == -1


_PAGE = b"<p>inline head</p>\n<?php\n$a = 'first';\n\n$b = \"second one\";\n"


@pytest.mark.parametrize(
    ("word", "line"),
    [
        (b"second", 5),  # the line of the literal that holds the match
        (b"first", 3),
        (b"inline head", 3),  # in the inline HTML: the line of the file's first literal
    ],
)
def test_string_hit_is_on_the_line_of_the_literal_and_shows_the_match(
    word: bytes, line: int
) -> None:
    ctx = Ctx(_PAGE, "t.php", lex(_PAGE), 0, lambda: None, None)
    m = re.search(re.escape(word), string_text(ctx))
    assert m is not None
    assert string_hit(ctx, m) == Hit(line, word.decode())
    assert string_hit(ctx, m, span=4) == Hit(line, word[:4].decode())
    assert string_hit(ctx, m, shown=b"told  apart") == Hit(line, "told apart")


def test_no_feature_module_compiles_its_own_placeholder() -> None:
    """A literal's placeholder in the folded code (``\\x01N\\x01``) is read by
    ``context.PLACEHOLDER``: shell.py (``_LITERAL_ONLY``) and execution.py (twice) compiled
    copies of it, which a change of the placeholder would have to find one by one. No module
    of the features holds a pattern of its own with the same text."""
    import pkgutil
    from importlib import import_module

    from spamtrace.scanner import features
    from spamtrace.scanner.context import PLACEHOLDER

    copies = []
    for info in pkgutil.iter_modules(features.__path__):
        module = import_module(f"{features.__name__}.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and value is not PLACEHOLDER and (
                value.pattern == PLACEHOLDER.pattern
            ):
                copies.append(f"{info.name}.{name}")
    assert copies == []
