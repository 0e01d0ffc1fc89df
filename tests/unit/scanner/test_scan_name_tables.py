"""Name tables: function names kept in an array (often ``$GLOBALS['_123_']``, or a function
that returns one of them) and called through an item. The folder reads the item's name, so
the rules see the call as the call it is; honest tables stay clean, and a huge table costs
nothing."""

from __future__ import annotations

import time

import pytest
from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner import fold
from spamtrace.scanner.lexer import lex

# each: a name table wrapping a known behaviour, and the rule that reads that behaviour
TABLES = [
    (
        b"<?php\n$GLOBALS['_5521_'] = Array('str' . 'len', 'pa' . 'ss' . 'thru', 'is_int');\n"
        b"if ($GLOBALS['_5521_'][0]('ab') > 1) {\n"
        b"    $GLOBALS['_5521_'][1]($_REQUEST['x']);\n}\n",
        "shell.exec-request-input",
    ),
    (
        b"<?php\n$GLOBALS[\"k\" . \"t\"] = array(base64_decode('c3RybGVu'),\n"
        b"    base64_decode('ZmlsZV9wdXRfY29udGVudHM='),\n"
        b"    base64_decode('ZmlsZV9nZXRfY29udGVudHM='));\n"
        b"$body = $GLOBALS['kt'][2]('php://input');\n"
        b"@$GLOBALS['kt'][1]($_GET['to'], $body);\n",
        "php.dropper-write-decoded",
    ),
    (  # through a local alias of the table
        b"<?php\n$GLOBALS['q1'] = [str_rot13('gbhpu'), str_rot13('hayvax'), str_rot13('zxgvzr')];\n"
        b"$n = $GLOBALS['q1'];\n$page = dirname(__FILE__) . '/home.php';\n"
        b"$n[0]($page, $n[2](1, 2, 3, 4, 5, 2016));\n$n[1](__FILE__);\n",
        "php.self-delete-backdate",
    ),
    (  # string keys, reversed names
        b"<?php\n$GLOBALS['Il1'] = array('r' => strrev('cexe_llehs'), 'n' => strrev('nelrts'));\n"
        b"print $GLOBALS['Il1']['r']($_POST['line']);\n",
        "shell.exec-request-input",
    ),
    (  # a function that returns a decoded item of its own table, called twice over
        b"<?php\nfunction _40($i) { $t = Array('cGFzc3RocnU=', 'c3RybGVu'); "
        b"return base64_decode($t[$i]); }\n"
        b"if (_40(1)('x')) { _40(0)($_COOKIE['run']); }\n",
        "shell.exec-request-input",
    ),
]


@pytest.mark.parametrize(("php", "rule"), TABLES, ids=[r for _, r in TABLES])
def test_calls_through_a_name_table_are_read_as_the_calls(php: bytes, rule: str) -> None:
    result = analyze_bytes(php)
    assert rule in rule_ids(result)
    assert result.verdict.value == "malicious"


CLEAN = [
    b"<?php\n$GLOBALS['settings'] = array('host' => 'localhost', 'theme' => 'blue');\n"
    b"function setting($k) { return $GLOBALS['settings'][$k]; }\necho setting('theme');\n",
    b"<?php\n$GLOBALS['clean_steps'] = array('trim', 'strip_tags', 'htmlspecialchars');\n"
    b"$v = $_GET['q'];\nforeach ($GLOBALS['clean_steps'] as $i => $step) {\n"
    b"    $v = $GLOBALS['clean_steps'][$i]($v);\n}\necho $GLOBALS['clean_steps'][2]($v);\n",
    b"<?php\n$routes = ['home' => 'page_home', 'about' => 'page_about'];\n"
    b"function page_home() { echo 'hi'; }\nfunction page_about() { echo 'us'; }\n"
    b"$p = $_GET['p'] ?? 'home';\nif (isset($routes[$p])) { $routes[$p](); }\n$routes['home']();\n",
]


@pytest.mark.parametrize("php", CLEAN)
def test_honest_tables_stay_clean(php: bytes) -> None:
    assert analyze_bytes(php).verdict.value == "clean"


def test_the_view_names_the_functions() -> None:
    php = (
        b"<?php\n$GLOBALS['_9_'] = Array('sys' . 'tem', 'trim');\n$a = $GLOBALS['_9_'];\n"
        b"$GLOBALS['_9_'][1]($x);\n$a[0]($y);\n"
    )
    view = fold.normalized(lex(php))
    assert view is not None
    assert b"trim($x)" in view.code and b"system($y)" in view.code
    assert view.code.count(b"\n") == php.count(b"\n")


@pytest.mark.parametrize(
    "php",
    [
        # an item set after the table: which name is called is not known
        b"<?php\n$t = array('trim', 'x');\n$t[0] = $_GET['f'];\n$t[0]($y);\n",
        b"<?php\n$t = array('trim');\n$t[] = 'system';\narray_push($t, 'a');\n$t[1]($y);\n",
        # a foreach target, a reference
        b"<?php\n$t = array('trim');\nforeach ($all as $t) {}\n$t[0]($y);\n",
        b"<?php\n$t = array('trim');\n$r = &$t;\n$t[0]($y);\n",
        # an item that does not fold
        b"<?php\n$t = array($_GET['f'], 'trim');\n$t[0]($y);\n",
    ],
)
def test_tables_written_otherwise_are_left(php: bytes) -> None:
    assert fold.table_calls(lex(php)) is None


def test_a_huge_table_costs_little() -> None:
    names = ",".join(f"'s' . 'y{i}'" for i in range(60_000))
    calls = "".join(f"$GLOBALS['_1_'][{i}]($_GET['c']);" for i in range(20_000))
    php = f"<?php\n$GLOBALS['_1_'] = Array({names});\n{calls}\n".encode()
    assert len(php) > 1_000_000
    lx = lex(php)
    start = time.process_time()
    fold.normalized_view(lx)
    assert time.process_time() - start < 1.0
    small = ",".join("'system'" for _ in range(200))
    many = "".join(f"$GLOBALS['_1_'][{i % 200}]($_GET['c']);\n" for i in range(40_000))
    php = f"<?php\n$GLOBALS['_1_'] = Array({small});\n{many}".encode()
    start = time.process_time()
    fold.normalized_view(lex(php))
    assert time.process_time() - start < 1.0


def _page_of_helpers(calls: int) -> bytes:
    """A page whose own helpers are called many times with arguments that fold: one returns
    a function's name (a table's lookup), the other prints (no value)."""
    body = b"".join(b"show_row($rows[%d] . 'x' . str_repeat('-', %d), 'k' . 'v');\n" % (i, i)
                    for i in range(calls))  # fmt: skip
    return (
        b"<?php\nfunction _n($i) { return 'str' . 'rev'; }\n"
        b"function show_row($r, $k) { echo $k . ': ' . $r . \"\\n\"; }\n"
        b"$rows = array('a', 'b');\n" + body + b"echo _n(1)('abc');\n"
    )


def test_calls_of_helpers_that_return_nothing_are_not_folded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folds: list[int] = []
    fold_at = fold.fold_at

    def counted(*args: object, **kw: object) -> object:
        folds.append(1)
        return fold_at(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(fold, "fold_at", counted)
    out = fold.table_calls(lex(_page_of_helpers(60)))
    assert out is not None and b"echo strrev(" in out
    # the returning helper's call folded, none of the 60 calls of the one whose body is no
    # single return (the old walk folded each one's arguments first: 61 folds)
    assert len(folds) <= 2


@pytest.mark.parametrize(
    "php",
    [
        _page_of_helpers(5),
        # a body that returns after a name table; one that returns, then does more
        b"<?php\nfunction _1($i) {$a = Array('sys' . 'tem', 'x'); return $a[$i];}\n"
        b"_1(0)($_GET['c']);\nfunction f() { return 'a'; echo 1; }\nf()('x');\n",
        # a helper defined twice, a call whose name is longer than the helper's
        b"<?php\nfunction g() { return 'trim'; }\nfunction g() {}\ng()('x');\n"
        b"function h() { return 'trim'; }\nhh()('x');\nh ()('y');\n",
    ],
)
def test_the_shortcut_rewrites_what_the_full_fold_rewrites(
    php: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = fold.table_calls(lex(php))
    monkeypatch.setattr(fold, "_fold_fails", lambda *args: False)
    assert fast == fold.table_calls(lex(php))
