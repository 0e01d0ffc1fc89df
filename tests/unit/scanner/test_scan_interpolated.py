"""A request value written inside a double-quoted string or heredoc is read by every rule:
the rewritten view (``fold.normalized``) writes such a string as the concatenation PHP
evaluates it as (``"a{$_GET['p']}b"`` as ``'a' . $_GET['p'] . 'b'``). Samples written for
these tests."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner.fold import normalized
from spamtrace.scanner.interp import MAX_STRINGS, written_out
from spamtrace.scanner.lexer import lex


def _shown(data: bytes) -> bytes | None:
    """The code of the written-out view, each placeholder shown as its value in quotes."""
    lx = lex(data)
    view = written_out(lx)
    if view is None:
        return None
    return (
        re.sub(
            rb"\x01(\d+)\x01",
            lambda m: b"'" + view.value(int(m.group(1))) + b"'",
            view.code,
        )
        .lstrip(b"; ")
        .rstrip(b"\n")
    )


# ------------------------------------------------------------------ the writing itself
@pytest.mark.parametrize(
    ("php", "shown"),
    [
        (b"include(\"{$_GET['p']}.php\");", b"include($_get['p'] . '.php');"),
        (b'include "$_GET[p]";', b"include $_get['p'];"),
        (b"require(\"uploads/{$_REQUEST['f']}\");", b"require('uploads/' . $_request['f']);"),
        (b'eval("$_POST[x]");', b"eval($_post['x']);"),
        (b"f(\"${_COOKIE['k']} x\");", b"f($_cookie['k'] . ' x');"),
        (
            b'f("$_GET[0]|$_GET[-1]|$_GET[$k]");',
            b"f($_get[0] . '|' . $_get[-1] . '|' . $_get[$k]);",
        ),
        (b"f(\"{$_GET['a']}$x->y->z ${w}\");", b"f($_get['a'] . $x->y . '->z ' . $w);"),
        (b"f(\"{$GLOBALS['_POST']['c']}\");", b"f($globals['_POST']['c']);"),
        (b"f(\"{$request->input('c')}\");", b"f($request->input('c'));"),
        # an escaped "$" is a dollar sign, text; the string with a request value is written out
        (b"f(\"\\$_GET[p] {$_GET['q']}\");", b"f('$_GET[p] ' . $_get['q']);"),
        # an operator that binds tighter than "." keeps the pieces together
        (b'$a = !"x$_GET[a]";', b"$a = !('x' . $_get['a']);"),
        (b'$a = "x$_GET[a]"[0];', b"$a = ('x' . $_get['a'])[0];"),
        # a variable the script sets to request input: its strings read the input too
        (
            b"$p = $_GET['p']; include \"pages/$p.php\";",
            b"$p = $_get['p']; include 'pages/' . $p . '.php';",
        ),
        (b"$p = $_POST['p'] ?? 'x'; include \"{$p}\";", b"$p = $_post['p'] ?? 'x'; include $p;"),
        # ... and a copy of a copy of such a variable
        (
            b"$a = $_GET['p']; $b = $a; include \"x/$b.php\";",
            b"$a = $_get['p']; $b = $a; include 'x/' . $b . '.php';",
        ),
        (
            b"$d = $c; $c = $b; $b = $a; $a = $_GET['p']; include \"x/$d\";",
            b"$d = $c; $c = $b; $b = $a; $a = $_get['p']; include 'x/' . $d;",
        ),
    ],
)
def test_a_string_with_a_request_value_is_written_as_its_concatenation(
    php: bytes, shown: bytes
) -> None:
    assert _shown(b"<?php " + php) == shown


def test_a_heredoc_is_written_out_and_the_lines_stay() -> None:
    data = b"<?php\ninclude <<<EOT\n/tmp/{$_COOKIE['m']}.php\nEOT;\n$after = 1;\n"
    lx = lex(data)
    view = written_out(lx)
    assert view is not None
    assert view.code.count(b"\n") == lx.code.count(b"\n")
    assert b"'/tmp/' . $_cookie['m'] . '.php'" in (_shown(data) or b"")
    line = b"$after = 1;"
    assert view.code.split(b"\n").index(line) == lx.code.split(b"\n").index(line)


@pytest.mark.parametrize(
    "php",
    [
        b"include 'pages/$_GET[p].php';",  # single quotes hold no variable
        b"$t = <<<'TXT'\ninclude(\"{$_GET['p']}.php\");\nTXT;\n",  # nor does a nowdoc
        b'include "lang/\\$_GET[p].php";',  # an escaped "$" is text
        b"echo \"{$row['name']} {$dir}/header.php $user->name\";",  # no request value in it
        b"f(\"{$_GET['p']\");",  # an unclosed "{$": not PHP, left as it is
        # a variable set to request input, another one in the string ($page is not $p)
        b"$p = $_GET['p']; include \"pages/$page.php\";",
        b"$_GET['p'] = $x; include \"pages/$_x.php\";",
        # a chain of copies is followed four copies deep, no further; a cycle ends it
        b"$a = $_GET['p']; $b = $a; $c = $b; $d = $c; $e = $d; $f = $e; include \"x/$f\";",
        b"$a = $_GET['p']; $b = $c; $c = $b; include \"x/$c\";",
    ],
)
def test_strings_without_a_request_value_are_left_as_they_are(php: bytes) -> None:
    assert _shown(b"<?php " + php) is None


def test_the_number_of_strings_written_out_is_bounded() -> None:
    data = b"<?php\n" + b"".join(b'f("a$_GET[%d]");\n' % i for i in range(MAX_STRINGS + 50))
    view = written_out(lex(data))
    assert view is not None
    assert view.code.count(b"$_get[") == MAX_STRINGS


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=120).map(
        lambda b: bytes(b).translate(
            bytes.maketrans(bytes(range(256)), (b"${}[]'\"\\-> _aGET0\n" * 20)[:256])
        )
    )
)
def test_any_string_text_is_written_out_or_left_without_error(body: bytes) -> None:
    data = b'<?php f("$_GET[a]' + body.replace(b'"', b"") + b'");\n'
    lx = lex(data)
    view = normalized(lx)
    if view is not None:
        assert view.code.count(b"\n") == lx.code.count(b"\n")


# ------------------------------------------------------------------ what the rules then see
# a backdoor with the request value written in the string, and the same with "." glue: the
# rules judge both alike
PAIRS = [
    (b"<?php include(\"{$_GET['p']}.php\");\n", b"<?php include($_GET['p'] . '.php');\n"),
    (b'<?php include "$_GET[p]";\n', b"<?php include $_GET['p'];\n"),
    (
        b"<?php\ninclude <<<EOT\n{$_COOKIE['m']}\nEOT;\n",
        b"<?php\ninclude $_COOKIE['m'];\n",
    ),
    (
        b"<?php require(\"uploads/{$_REQUEST['f']}\");\n",
        b"<?php require('uploads/' . $_REQUEST['f']);\n",
    ),
    (b'<?php readfile("$_GET[f]");\n', b"<?php readfile($_GET['f']);\n"),
    # a copy of a copy of the request value (one copy deep was all the pass followed)
    (
        b"<?php\n$a = $_GET['p'];\n$b = $a;\ninclude \"x/$b.php\";\n",
        b"<?php\n$a = $_GET['p'];\ninclude 'x/' . $a . '.php';\n",
    ),
    (
        b"<?php\n$a = $_GET['p'];\n$b = $a;\n$c = $b;\n$d = $c;\ninclude \"x/$d.php\";\n",
        b"<?php\n$a = $_GET['p'];\ninclude 'x/' . $a . '.php';\n",
    ),
    (
        b"<?php\n$a = $_POST['f'];\n$b = $a;\n$c = $b;\ninclude \"$c\";\n",
        b"<?php\n$a = $_POST['f'];\ninclude $a;\n",
    ),
    # the request value passed through a variable first (was clean when written in a string)
    (
        b"<?php\n$p = $_GET['p'];\ninclude \"pages/$p.php\";\n",
        b"<?php\n$p = $_GET['p'];\ninclude 'pages/' . $p . '.php';\n",
    ),
    (b"<?php\n$f = $_POST['f'];\ninclude \"$f\";\n", b"<?php\n$f = $_POST['f'];\ninclude $f;\n"),
    (
        b"<?php\n$c = isset($_REQUEST['c']) ? $_REQUEST['c'] : 'id';\nsystem(\"{$c} 2>&1\");\n",
        b"<?php\n$c = isset($_REQUEST['c']) ? $_REQUEST['c'] : 'id';\nsystem($c . ' 2>&1');\n",
    ),
    (
        b"<?php echo file_get_contents(\"{$_GET['u']}\");\n",
        b"<?php echo file_get_contents($_GET['u']);\n",
    ),
    (
        b'<?php mail("$_POST[to]", "$_POST[s]", "$_POST[m]", "From: {$_POST[\'f\']}");\n',
        b"<?php mail($_POST['to'], $_POST['s'], $_POST['m'], 'From: ' . $_POST['f']);\n",
    ),
    (
        b"<?php\n$c = \"{$GLOBALS['_GET']['c']}\";\nsystem(\"$c 2>&1\");\n",
        b"<?php\n$c = $GLOBALS['_GET']['c'];\nsystem($c . ' 2>&1');\n",
    ),
    # a fixed program given the request value as an argument, run blind: the site's own
    # injection hole (suspicious) in either writing, not a backdoor
    (
        b"<?php\nexec(\"convert in.jpg -resize {$_GET['size']} out.jpg\");\necho 'ok';\n",
        b"<?php\nexec('convert in.jpg -resize ' . $_GET['size'] . ' out.jpg');\necho 'ok';\n",
    ),
    (
        b'<?php\n$o = [];\nexec("ffmpeg -i up/$_POST[f] -s 320x240 o.mp4", $o);\n',
        b"<?php\n$o = [];\nexec('ffmpeg -i up/' . $_POST['f'] . ' -s 320x240 o.mp4', $o);\n",
    ),
]


@pytest.mark.parametrize(("written", "glued"), PAIRS)
def test_a_request_value_in_a_string_is_judged_as_the_same_value_glued(
    written: bytes, glued: bytes
) -> None:
    want = analyze_bytes(glued).verdict.value
    assert want != "clean", glued
    assert analyze_bytes(written).verdict.value == want, written


@pytest.mark.parametrize(
    "sample",
    [
        b"<?php include(\"{$_GET['p']}.php\");\n",
        b'<?php include "$_GET[p]";\n',
        b"<?php\ninclude <<<EOT\n{$_COOKIE['m']}\nEOT;\n",
        b"<?php\n$c = \"{$GLOBALS['_GET']['c']}\";\nsystem(\"$c 2>&1\");\n",
        # the command forms the rule of shell.exec-request-input read on its own before
        b"<?php echo shell_exec(\"cd /tmp && {$_GET['c']} 2>&1\");\n",
        b'<?php\nexec(<<<CMD\n$_POST[run] 2>&1\nCMD, $out);\nprint implode("\\n", $out);\n',
    ],
)
def test_one_line_backdoors_with_the_value_in_a_string_are_malicious(sample: bytes) -> None:
    assert analyze_bytes(sample).verdict.value == "malicious", sample


CLEAN = [
    # a folder the script sets itself, written into the include's path
    b"<?php\n$dir = __DIR__ . '/parts';\ninclude \"{$dir}/header.php\";\n"
    b"echo '<main>Welcome</main>';\ninclude \"{$dir}/footer.php\";\n",
    # templating with a row of the script's own query
    b"<?php\nforeach ($rows as $row) {\n"
    b"    echo \"<tr><td>{$row['name']}</td><td>{$row['email']}</td></tr>\";\n}\n",
    # a path the server sets
    b"<?php\nrequire_once \"{$_SERVER['DOCUMENT_ROOT']}/wp-load.php\";\n"
    b'include "$_SERVER[DOCUMENT_ROOT]/inc/menu.php";\n',
    # the visitor's own words echoed back, a page link, a log line of server values
    b"<?php\necho \"<p>You searched for \" . htmlspecialchars($_GET['q'] ?? '') . \"</p>\";\n"
    b'echo "<a href=\\"?page=$_GET[page]\\">next</a>";\n'
    b"file_put_contents(__DIR__ . '/visits.log', \"{$_SERVER['REMOTE_ADDR']} "
    b"{$_SERVER['REQUEST_URI']}\\n\", FILE_APPEND);\n",
    # a help text: an escaped "$", a nowdoc, single quotes
    b'<?php\n$help = "pass the page as \\$_GET[p]";\n'
    b"$more = <<<'TXT'\nNever write include(\"{$_GET['p']}.php\");\nTXT;\n"
    b"echo $help . $more . 'include \"$_GET[p]\"';\n",
    # a page router with a whitelist, a cast, a pattern: the variable holds request input
    # that the script checks before it names the file
    b"<?php\n$p = basename($_GET['p']);\nif (in_array($p, ['home', 'about'])) {\n"
    b"    include \"pages/$p.php\";\n}\n",
    b"<?php\n$allowed = array('home', 'about', 'contact');\n"
    b"$page = isset($_GET['page']) ? $_GET['page'] : 'home';\n"
    b"if (!in_array($page, $allowed, true)) {\n    $page = 'home';\n}\n"
    b"include \"pages/$page.php\";\n",
    b"<?php\n$id = (int) $_GET['id'];\ninclude \"cache/page-$id.php\";\n",
    b"<?php\n$lang = preg_replace('/[^a-z]/', '', $_GET['lang']);\n"
    b"require_once __DIR__ . \"/lang/$lang.php\";\n",
    b"<?php\n$q = $_GET['q'] ?? '';\n"
    b"echo \"<p>Results for \" . htmlspecialchars($q) . \"</p>\";\n"
    b"echo \"<a href=\\\"?q=$q&amp;page=2\\\">next</a>\";\n",
    # the same routers with the page passed through copies first: checked on the way
    b"<?php\n$allowed = array('home', 'about', 'contact');\n"
    b"$p = isset($_GET['page']) ? $_GET['page'] : 'home';\n$page = $p;\n$name = $page;\n"
    b"if (!in_array($name, $allowed, true)) {\n    $name = 'home';\n}\n"
    b"include \"pages/$name.php\";\n",
    b"<?php\n$p = $_GET['lang'] ?? 'en';\n$lang = $p;\n$code = $lang;\n$code = basename($code);\n"
    b"require __DIR__ . \"/lang/$code.php\";\n",
    b"<?php\n$section = $_GET['s'] ?? 'index';\n$current = $section;\n$active = $current;\n"
    b"$current = $active;\nif (!preg_match('/^[a-z]+$/', $active)) {\n    $active = 'index';\n}\n"
    b"include \"views/{$active}.phtml\";\n",
]


@pytest.mark.parametrize("sample", CLEAN)
def test_clean_strings_with_variables_stay_clean(sample: bytes) -> None:
    res = analyze_bytes(sample)
    assert res.verdict.value == "clean", (sample, rule_ids(res))


# ------------------------------------------------------------------ the taint pass reads them
# A variable assigned a double-quoted string or heredoc holds what the string reads, as one
# assigned the same pieces joined with "." does: "From: $email\r\n" carries $email's value.
def _taint_of(php: bytes) -> tuple[set[bytes], set[bytes]]:
    from spamtrace.scanner.context import Ctx
    from spamtrace.scanner.taint import taint

    lx = lex(php)
    return taint(Ctx(php, "x.php", lx, 0, lambda: None, None))


@pytest.mark.parametrize(
    ("php", "held"),
    [
        (b'<?php $e = $_POST["e"]; $h = "From: $e\\r\\n";', b"h"),
        (b"<?php $h = \"From: {$_POST['e']}\\r\\n\";", b"h"),
        (b'<?php $h = "From: $_POST[e]";', b"h"),
        (b"<?php $h = \"From: ${_COOKIE['e']}\";", b"h"),
        (b"<?php $a = $_GET['a']; $h = \"x {$a['k']} $a[k] {$a}\";", b"h"),
        (b"<?php $a = $_GET['a']; $h = \"x ${a}\";", b"h"),
        (b"<?php $o = $_GET['o']; $h = \"x $o->name\";", b"h"),
        (b"<?php $n = $_POST['n']; $h = <<<EOT\nFrom: $n\nEOT;\n", b"h"),
        (b'<?php $e = $_POST["e"]; $h = "a"; $h .= "Reply-To: $e";', b"h"),
        # a string of a string, and a copy of one
        (b'<?php $e = $_POST["e"]; $a = "<$e>"; $b = "From: $a"; $c = $b;', b"c"),
    ],
)
def test_a_string_that_reads_request_input_taints_its_variable(php: bytes, held: bytes) -> None:
    assert held in _taint_of(php)[0]


@pytest.mark.parametrize(
    "php",
    [
        b"<?php $e = $_POST['e']; $h = 'From: $e';",  # single quotes read nothing
        b"<?php $e = $_POST['e']; $h = <<<'EOT'\nFrom: $e\nEOT;\n",  # nor does a nowdoc
        b'<?php $e = $_POST["e"]; $h = "From: \\$e";',  # an escaped "$" is text
        b'<?php $e = $_POST["e"]; $h = md5("salt$e");',  # a hash of it
        b'<?php $e = $_POST["e"]; $h = $table["k$e"];',  # a lookup key
        b'<?php $e = $_POST["e"]; $h = escapeshellarg("$e");',  # one quoted argument
        b'<?php $e = $row["e"]; $h = "From: $e";',  # no request input at all
    ],
)
def test_a_string_that_reads_no_request_value_taints_nothing(php: bytes) -> None:
    assert b"h" not in _taint_of(php)[0]


def _scored(php: bytes) -> tuple[str, int]:
    res = analyze_bytes(php)
    return res.verdict.value, res.score


# a request value reaching a sink through a variable the script assigns a string: the same
# score written in the string as glued with "."
HELD_PAIRS = [
    # a contact or phishing handler: the headers from what was posted (suspicious either way:
    # a header-injection hole), in a variable, to the owner's fixed address
    (
        b"<?php\n$email = $_POST['email'];\n$name = $_POST['name'];\n"
        b"$headers = \"From: $name <$email>\\r\\n\";\n$headers .= \"Reply-To: $email\\r\\n\";\n"
        b"mail('owner@example.com', $_POST['subject'], $_POST['message'], $headers);\n",
        b"<?php\n$email = $_POST['email'];\n$name = $_POST['name'];\n"
        b"$headers = 'From: ' . $name . ' <' . $email . \">\\r\\n\";\n"
        b"$headers .= 'Reply-To: ' . $email . \"\\r\\n\";\n"
        b"mail('owner@example.com', $_POST['subject'], $_POST['message'], $headers);\n",
    ),
    (
        b"<?php\n$headers = \"From: {$_POST['name']} <{$_POST['email']}>\";\n"
        b"mail('owner@example.com', 'Order', $_POST['card'], $headers);\necho 'ok';\n",
        b"<?php\n$headers = 'From: ' . $_POST['name'] . ' <' . $_POST['email'] . '>';\n"
        b"mail('owner@example.com', 'Order', $_POST['card'], $headers);\necho 'ok';\n",
    ),
    (
        b"<?php\n$n = $_POST['n'];\n$headers = <<<EOT\nFrom: $n\nEOT;\n"
        b"mail('owner@example.com', 'Hi', $_POST['m'], $headers);\n",
        b"<?php\n$n = $_POST['n'];\n$headers = 'From: ' . $n;\n"
        b"mail('owner@example.com', 'Hi', $_POST['m'], $headers);\n",
    ),
    # a relay: recipient, sender and a Bcc: header from the request
    (
        b"<?php\n$to = $_POST['to'];\n$from = $_POST['from'];\n"
        b"$headers = \"From: $from\\r\\nBcc: {$_POST['bcc']}\\r\\n\";\n"
        b"mail($to, $_POST['subject'], $_POST['body'], $headers);\n",
        b"<?php\n$to = $_POST['to'];\n$from = $_POST['from'];\n"
        b"$headers = 'From: ' . $from . \"\\r\\nBcc: \" . $_POST['bcc'] . \"\\r\\n\";\n"
        b"mail($to, $_POST['subject'], $_POST['body'], $headers);\n",
    ),
    # a command, code, a statement
    (
        b"<?php\n$ip = $_GET['ip'];\n$cmd = \"ping -c 4 $ip\";\n$out = shell_exec($cmd);\n"
        b"echo \"<pre>$out</pre>\";\n",
        b"<?php\n$ip = $_GET['ip'];\n$cmd = 'ping -c 4 ' . $ip;\n$out = shell_exec($cmd);\n"
        b"echo \"<pre>$out</pre>\";\n",
    ),
    (
        b"<?php\n$c = $_POST['c'];\n$code = \"echo 'x'; $c\";\neval($code);\n",
        b"<?php\n$c = $_POST['c'];\n$code = \"echo 'x'; \" . $c;\neval($code);\n",
    ),
    (
        b"<?php\n$conn = mysqli_connect('localhost', 'root', '', 'shop');\n"
        b"$user = $_POST['username'];\n$pass = $_POST['password'];\n"
        b"$sql = \"SELECT * FROM users WHERE username='$user' AND password='$pass'\";\n"
        b"$result = mysqli_query($conn, $sql);\n",
        b"<?php\n$conn = mysqli_connect('localhost', 'root', '', 'shop');\n"
        b"$user = $_POST['username'];\n$pass = $_POST['password'];\n"
        b"$sql = \"SELECT * FROM users WHERE username='\" . $user . \"' AND password='\" . $pass"
        b" . \"'\";\n$result = mysqli_query($conn, $sql);\n",
    ),
]


@pytest.mark.parametrize(("written", "glued"), HELD_PAIRS)
def test_a_string_held_by_a_variable_scores_as_the_same_pieces_glued(
    written: bytes, glued: bytes
) -> None:
    want = _scored(glued)
    assert want[0] != "clean", glued
    assert _scored(written) == want, written


# honest look-alikes with variables in their strings: they stay as they were
HELD_CLEAN = [
    # a contact form to the owner's fixed address: the visitor's address checked, the
    # name in the subject (mail() keeps a subject on one line)
    b"<?php\n$email = filter_var($_POST['email'] ?? '', FILTER_VALIDATE_EMAIL);\n"
    b"if (!$email) {\n    exit('Please give a valid address');\n}\n"
    b"$name = trim($_POST['name'] ?? '');\n$subject = \"Contact from $name\";\n"
    b"$headers = \"From: website@example.com\\r\\nReply-To: $email\\r\\n\";\n"
    b"mail('owner@example.com', $subject, $_POST['message'] ?? '', $headers);\n"
    b"echo 'Thank you';\n",
    # a log line of who failed to sign in
    b"<?php\n$user = $_POST['user'];\n$ip = $_SERVER['REMOTE_ADDR'];\n$date = date('c');\n"
    b"$line = \"$date $ip login failed for $user\\n\";\n"
    b"file_put_contents('logs/auth.log', $line, FILE_APPEND);\n"
    b"error_log(\"login failed for {$user} from $ip\");\necho 'Wrong password';\n",
    # SQL: a prepared statement, and an escaped value between the quotes
    b"<?php\n$pdo = new PDO('mysql:host=localhost;dbname=shop', 'shop', 'secret');\n"
    b"$id = $_GET['id'];\n$table = 'products';\n"
    b"$stmt = $pdo->prepare(\"SELECT * FROM $table WHERE id = ?\");\n$stmt->execute([$id]);\n"
    b"$row = $stmt->fetch();\necho \"Product: {$row['name']}\";\n",
    b"<?php\n$conn = mysqli_connect('localhost', 'app', 'secret', 'app');\n"
    b"$name = mysqli_real_escape_string($conn, $_POST['name']);\n"
    b"$sql = \"SELECT id, email FROM users WHERE name = '$name'\";\n"
    b"$res = mysqli_query($conn, $sql);\nwhile ($row = mysqli_fetch_assoc($res)) {\n"
    b"    echo \"<li>{$row['email']}</li>\";\n}\n",
    # a command with the value quoted as one argument
    b"<?php\n$f = escapeshellarg($_GET['f']);\n$cmd = \"convert $f -resize 200x200 thumb.png\";\n"
    b"exec($cmd);\necho 'ok';\n",
]


@pytest.mark.parametrize("sample", HELD_CLEAN)
def test_honest_strings_held_by_variables_stay_clean(sample: bytes) -> None:
    res = analyze_bytes(sample)
    assert res.verdict.value == "clean", (sample, rule_ids(res))


_VALUE_PIECES = [b"$p", b"$P", b"$pp", b"${p", b"$_GET", b"$_get[", b"$request->", b"\\$p",
                 b"$", b"{", b"}", b" ", b"x", b"\x80", b"$p\x80", b"$q", b"${_POST}",
                 b"$globals", b"\x00", b"php"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_VALUE_PIECES), max_size=40),
    st.sets(st.sampled_from([b"p", b"pp", b"q", b"p\x80"]), max_size=3),
    st.booleans(),
)
def test_request_values_as_the_pattern_of_the_holders(
    pieces: list[bytes], names: set[bytes], few: bool
) -> None:
    """The places of request values and holders' names in a file's strings, found with one
    pattern compiled once (a variable not a holder passed over), are those the pattern of
    the file's own names finds; also once it is compiled after many passed over."""
    from spamtrace.scanner import interp

    joined = b"".join(pieces)
    pattern = interp._holders_pattern(names) if names else interp._REQUEST_VALUE
    want = [(m.span(), m.lastindex) for m in pattern.finditer(joined)]
    found = interp._request_values(joined, names, 1 if few else interp._PASSED_OVER)
    got = [(m.span(), m.lastindex) for m in found]
    assert got == want


@pytest.mark.parametrize(
    ("rhs", "safe"),
    [
        (b"$t[$_GET['k']]", True),  # a lookup in a table of the script's
        (b"$_POST[$_GET['k']]", False),  # request input indexed by request input
        (b"$HTTP_x[$_GET['k']]", True),
        (b"intval($_GET['k'])", True),
        (b"$o->find($_GET['k'])", True),
        (b"Event::find(['Id' => $_GET['k']])", True),
        (b"strtoupper($_GET['k'])", False),
        (b"f\x80($_GET['k'])", False),
        (b"$_GET['k']", False),
    ],
)
def test_wrapped_safe_compiles_no_pattern(
    rhs: bytes, safe: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request input's wrapping is read with patterns compiled once: written inline
    (``re.search(pattern, ...)``) they were compiled again each time ``re``'s cache of 512
    had lost them to the patterns other rules build per file (~600 in a cold corpus pass)."""
    from spamtrace.scanner import taint
    from spamtrace.scanner.context import Ctx

    ctx = Ctx(rhs, "x.php", lex(rhs), 0, lambda: None, None)

    def compiled(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"a pattern compiled: {args!r}")

    for fn in ("search", "match", "compile", "fullmatch", "finditer"):
        monkeypatch.setattr(taint.re, fn, compiled)
    assert taint._wrapped_safe(ctx, rhs, rhs.index(b"$_GET")) is safe
