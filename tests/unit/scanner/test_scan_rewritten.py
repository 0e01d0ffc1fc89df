"""Verdicts survive semantics-preserving rewrites (bench/scan_mutation_bench.py measures them on
the corpus): the same backdoor laid out, named, quoted or called another way is found the same,
and a clean look-alike rewritten the same way stays clean. Samples written for these tests."""

from __future__ import annotations

import pytest
from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner.lexer import lex

# ------------------------------------------------------------------ white space and comments
LAID_OUT = [
    b"<?php\nshell_exec\n(\n$_POST['rc']\n);\n",
    b"<?php\nshell_exec\t\t($_POST\t['rc']);\n",
    b"<?php eval /**/ /* x */ (base64_decode($_POST['x']));\n",
    b"<?php\neval // run it\n(\n// the payload\nbase64_decode($_POST['x']));\n",
    b"<?php\nif (isset($_REQUEST['c']))\n{\n    system\n    (\n        $_REQUEST\n        ['c']\n    )\n    ;\n}\n",
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
