"""PHP code kept without an open tag (a piece for another script to run) is read as code.

The WP-VCD family downloads its payload into wp-tmp.php without ``<?php`` and runs it after
writing the tag in front; hacked sites keep such pieces under .php names. A page or a text
that is not code stays what it is.
"""

from __future__ import annotations

import pytest
from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner.analyze import tagless_code
from spamtrace.scanner.lexer import script_tags_as_php
from spamtrace.scanner.report import ScanVerdict

PIECES = [
    # a request's code run, no tag
    b"\nerror_reporting(0);\n$c = $_POST['c'];\neval($c);\n",
    # an object whose destructor runs what a cookie decodes (comments before the code)
    b"/* cache */\n// v2\n$k = 'a' . 'b';\nclass C { function __destruct() {"
    b" eval(base64_decode($_COOKIE['p'])); } }\nnew C();\n",
    # a statement that writes the request's body into a .php file
    b"@file_put_contents(__DIR__ . '/x.php', $_POST['body']);\n",
]


def assert_verdict(data: bytes, name: str, want: ScanVerdict) -> None:
    """``data``, scanned as a file named ``name``, gets ``want`` (if not: the rules that
    fired)."""
    result = analyze_bytes(data, name)
    assert result.verdict is want, rule_ids(result)


@pytest.mark.parametrize("data", PIECES)
def test_code_without_an_open_tag_is_read_as_code(data: bytes) -> None:
    assert_verdict(data, "wp-tmp.php", ScanVerdict.MALICIOUS)


@pytest.mark.parametrize(
    "data, name",
    [
        # the same piece in a file not named as PHP: a note, a dump, a README's example
        (PIECES[0], "notes.txt"),
        (PIECES[0], "README.md"),
        # a .php page with no code: markup first
        (b"<div class='price'>$5 off: eval(your plan);</div>\n", "offer.php"),
        # prose that starts with a price, not a variable
        (b"$ 10 a month; if (you pay yearly) eval($free);\n", "pricing.php"),
        # a sentence that starts like a statement but none ends
        (b"if (you see this page) the install went wrong\n", "install.php"),
    ],
)
def test_text_that_is_no_code_is_not_read_as_code(data: bytes, name: str) -> None:
    assert not tagless_code(data, name)
    assert_verdict(data, name, ScanVerdict.CLEAN)


@pytest.mark.parametrize(
    "data",
    [
        # a piece that starts by calling a short-named builtin, not a snake_case one
        b"extract($_REQUEST);\nif (isset($c)) { eval(base64_decode($c)); }\n",
        b"system($_GET['c']);\n",
        b"echo shell_exec($_POST['cmd']);\n",
    ],
)
def test_a_piece_that_starts_with_a_builtin_call_is_read_as_code(data: bytes) -> None:
    assert tagless_code(data, "wp-tmp.php")
    assert_verdict(data, "wp-tmp.php", ScanVerdict.MALICIOUS)


@pytest.mark.parametrize(
    "data",
    [
        # a README kept as a .php: its first line is a setting, then sentences with examples
        b"$config['upload_dir'] = 'uploads/';  <- set this in config.php\n\nHow to install\n"
        b"1. Copy the folder to your server.\n2. If uploads fail, run: system(\"chmod 777"
        b" uploads\"); or ask your host.\n3. exec($_GET['cmd']) is NOT supported; use cron.\n",
        # a SQL dump saved under a .php name
        b"# phpMyAdmin SQL Dump\n$table_prefix = 'wp_';\nINSERT INTO `wp_comments` VALUES"
        b" (7, 'spam: eval($_POST[1]); removed');\n",
    ],
)
def test_sentences_under_a_php_name_are_not_read_as_code(data: bytes) -> None:
    """Text that starts like a statement but goes on in sentences (three words in a row
    that are not PHP's) cannot be parsed: it is a document, not a piece of code."""
    assert_verdict(data, "readme.php", ScanVerdict.CLEAN)


def test_a_config_piece_without_a_tag_is_read_and_stays_clean() -> None:
    """Settings kept as statements for another script to include (an old app's config.inc):
    read as code, and nothing in them is an attack."""
    data = b"$config['db_host'] = 'localhost';\n$config['debug'] = false;\ndefine('LANG', 'en');\n"
    assert tagless_code(data, "config.inc")
    assert_verdict(data, "config.inc", ScanVerdict.CLEAN)


def test_a_file_with_an_open_tag_is_read_from_its_tag() -> None:
    data = b"<p>$ 5</p><?php eval($_POST['c']);\n"
    assert_verdict(data, "page.php", ScanVerdict.MALICIOUS)


# PHP 5 also opened code with <script language="php"> (removed in PHP 7): a dropper written
# so writes its shell where a scanner looks only for "<?"
SCRIPT_TAG_CODE = [
    b'<script language="php">\nfputs(fopen(pack("H*", "782e706870"), "w"),'
    b' pack("H*", "3c3f406576616c28245f504f53545b705d293b3f3e"));\n</script>\n',
    b"<html><body>\n<SCRIPT LANGUAGE=php>@eval($_POST['p']);</SCRIPT>\n</body></html>\n",
    b"<script  language = 'PHP' >\nsystem($_GET['c']);\n</script >\n",
]


@pytest.mark.parametrize("data", SCRIPT_TAG_CODE)
def test_php5_script_tag_opens_code(data: bytes) -> None:
    assert_verdict(data, "up.php", ScanVerdict.MALICIOUS)


@pytest.mark.parametrize(
    "data",
    [
        # JavaScript in a page: a <script> of another language is markup
        b'<script language="javascript">\neval(location.hash.slice(1));\n</script>\n',
        b"<script type='text/javascript'>document.write(unescape('%3Cb%3E'));</script>\n",
        # a tutorial that shows the tag escaped
        b"<p>PHP 5 allowed &lt;script language=\"php\"&gt; to open code.</p>\n",
    ],
)
def test_other_script_tags_stay_markup(data: bytes) -> None:
    assert_verdict(data, "page.php", ScanVerdict.CLEAN)


def test_script_tag_rewrite_keeps_offsets() -> None:
    data = b'a\n<script language="php">echo 1;</script>\nb<script>x</script>'
    out = script_tags_as_php(data)
    assert out is not None and len(out) == len(data)
    assert out.startswith(b"a\n<?php ") and b"echo 1;?>" in out
    assert out.endswith(b"b<script>x</script>")  # a later plain <script> is left alone
    assert script_tags_as_php(b"<script>alert(1)</script>") is None
