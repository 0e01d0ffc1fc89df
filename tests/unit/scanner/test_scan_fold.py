"""The constant folder: PHP's semantics for the string operations it folds, and no value
for anything else."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st
from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner import fold
from spamtrace.scanner.lexer import lex


def _value(expr: str, before: str = "") -> bytes | None:
    lx = lex(f"<?php {before}\n$__r = {expr};\n".encode())
    code = lx.code
    env = fold.Env(code, lx)
    at = code.rfind(b"$__r")
    folded = env.get(b"__r", len(code))
    assert at >= 0
    return None if folded is None else folded[0]


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("'ass' . 'ert'", b"assert"),
        ("'abc' ^ '   '", b"ABC"),  # XOR with spaces flips the case
        ("'abcdef' ^ 'ab'", b"\x00\x00"),  # the shorter length
        ('~"\\x9e\\x8c\\x8c"', b"ass"),
        ("strrev('tressa')", b"assert"),
        ("str_rot13('flfgrz')", b"system"),
        ("base64_decode('c3lzdGVt')", b"system"),
        ("chr(101) . chr(118) . chr(97) . chr(108)", b"eval"),
        # integer arithmetic in an argument; ord() of a comparison prints it ("1" or "")
        ("chr(4*4*(5+5)-40) . chr(47+ord(1==1)) . chr(ord('_')+3) . chr(((10*10)+(5*3)))",
         b"x`bs"),
        ("chr(200/2) . chr(-(-101)) . chr(300 % 256) . chr(ord(false) + 65)", b"de,A"),
        ("substr('system', 1 + 1, 2 * 2 - 2)", b"st"),
        ("chr(ord('a' . 'b') + 1)", b"b"),
        ("chr(7/2)", None),  # a fraction: not an integer
        ("chr(ord($c) + 1)", None),  # a variable with no value: nothing
        ("chr(1 + 1 . 'x')", None),
        ("substr('sysatem', 0, 3) . substr('sysatem', 4)", b"system"),
        ("substr('abcdef', -3, -1)", b"de"),
        ("str_replace('#', '', 'ev#a#l')", b"eval"),
        ("strtolower(trim('  SYSTEM '))", b"system"),
        ("hex2bin('6576616c')", b"eval"),
        ("substr_replace('aert', 'ss', 1, 0)", b"assert"),  # PHP: "assert"
        ("substr_replace('abcdef', 'ZZ', 1, -2)", b"aZZef"),
        ("substr_replace('abcdef', 'ZZ', -10, 2)", b"ZZcdef"),
        ("substr_replace('abcdef', '', 2)", b"ab"),
        ("rtrim('assert hello', ' hello')", b"assert"),  # a list of characters, not a suffix
        ("ltrim('xxyassert', 'xy')", b"assert"),
        ("rtrim('abc', 'a..z')", None),  # a range: not folded
        ("ucfirst('assert') . lcfirst('ERT')", b"AsserteRT"),
        ("('a' . 'b') . 'c'", b"abc"),
        ("'x' . $_GET['y']", None),  # request input has no constant value
        ("foo('a')", None),  # nor does any other call
        ('"a$b"', None),  # nor a string with a variable in it
        ("1.5", None),
        # the string operators of hand-written one-line backdoors (values checked with php -r)
        ("sprintf('%s%s%s', 'as', 'se', 'rt')", b"assert"),
        ("sprintf('%2$s%1$s', 'tem', 'sys')", b"system"),
        ("sprintf('%c%c%c', 101, 118, 97) . 'l'", b"eval"),
        ("sprintf('%05d|%-3s|%\\'*4s|%x%X%o%b|%.2s', 42, 'a', 'b', 255, 255, 8, 5, 'abc')",
         b"00042|a  |***b|ffFF10101|ab"),
        ("sprintf('%s')", None),  # too few arguments: PHP throws
        ("sprintf('%f', 1)", None),  # a float is no name's spelling
        ("vsprintf('%s%s_%s', ['sh', 'ell', 'exec'])", b"shell_exec"),
        ("str_pad('sys', 6, 'tem')", b"system"),
        ("str_pad('ab', 5, 'xy')", b"abxyx"),
        ("str_pad('ab', 1)", b"ab"),
        ("'sy' . str_repeat('s', 1) . 'tem'", b"system"),
        ("str_repeat('ab', 99999)", None),  # over the bound
        ("strtr('qzqtem', 'qz', 'sy')", b"system"),
        ("strtr('abc', 'ab', 'x')", b"xbc"),  # the shorter of the two lists
        ("strtr('xytem', ['x' => 's', 'y' => 'ys'])", b"system"),
        ("strtr('hi all', ['h' => '-', 'hi' => 'bye'])", b"bye all"),  # the longest key first
        ("str_replace(array('#', '!'), '', 's#y!s#t!e#m')", b"system"),
        ("str_replace(['a', 'b'], ['1'], 'aabbc')", b"11c"),  # missing replacements are ''
        ("urldecode('%61%73%73%65%72%74')", b"assert"),
        ("urldecode('a+b')", b"a b"),
        ("rawurldecode('%73ystem+')", b"system+"),
        ("ucwords('pass thru')", b"Pass Thru"),
        ("implode(array_map('chr', [115, 121, 115, 116, 101, 109]))", b"system"),
        ("implode('', array_map('strrev', ['ssa', 'tre']))", b"assert"),
        ("implode(array_map('md5', ['a']))", None),  # not a folding function
        ("chr(0x73) . chr(0x79)", b"sy"),
        ("pack('H*', '73797374656d')", b"system"),
        ("pack('h*', '3797')", b"sy"),
        ("pack('C*', 115, 121)", b"sy"),
        ("pack('N', 1)", None),
        ("gzinflate(base64_decode('K64sLknNBQA='))", b"system"),
        ("gzinflate('not deflate data')", None),
        ("'abc'[1]", b"b"),
        ("'abc'[-1] . 'abc'{0}", b"ca"),
        ("'abc'[5]", None),
        ("base_convert(1751504350, 10, 36)", b"system"),
        ("base_convert('ff', 16, 2) . base_convert('zz', 36, 10)", b"111111111295"),
        ("base_convert('10', 10, 99)", None),
    ],
)
def test_folds_like_php(expr: str, value: bytes | None) -> None:
    assert _value(expr) == value


def test_a_character_of_a_string_a_variable_holds() -> None:
    assert _value("$s[1] . $s[-1] . $s{0}", "$s = 'xyz';") == b"yzx"
    assert _value("$s[9]", "$s = 'xyz';") is None


def test_decompression_is_bounded() -> None:
    import base64
    import zlib

    bomb = base64.b64encode(zlib.compress(b"a" * 100_000)[2:-4]).decode()
    assert _value(f"gzinflate(base64_decode('{bomb}'))") is None


def test_variables_hold_their_last_value_before_the_use() -> None:
    assert _value("$a . 'ert'", "$a = 'ass';") == b"assert"
    assert _value("$a", "$a = 'x'; $a .= 'y'; $a .= 'z';") == b"xyz"
    assert _value("$a", "$a = 'x'; $a = f();") is None  # the old value is gone
    assert _value("$r('#', '', 'ev#al')", "$r = 'str_' . 'replace';") == b"eval"


def test_a_double_quoted_string_of_plain_variables_is_their_concatenation() -> None:
    """``"{$p}tem"`` after ``$p = 'sys'`` is "system" (heredocs alike); a variable with no
    folded value, an element, a property or ``${...}`` give none."""
    assert _value('"{$p}tem"', "$p = 'sys';") == b"system"
    assert _value('"$a$b"', "$a = 'ass'; $b = 'ert';") == b"assert"
    assert _value('"x\\x41$a"', "$a = 'b';") == b"xAb"
    assert _value("<<<EOT\nsh{$a}_exec\nEOT", "$a = 'ell';") == b"shell_exec"
    assert _value('"{$p}tem"', "$p = f();") is None
    assert _value('"$p[0]tem"', "$p = ['sys'];") is None
    assert _value('"$o->n"', "$o = 'x';") is None
    assert _value('"${p}tem"', "$p = 'sys';") is None
    assert _value('"\\$p"', "$p = 'sys';") == b"$p"  # an escaped "$" is the character


def test_calls_through_reflection_and_call_user_func_array_are_written_as_calls() -> None:
    """The view reads the function a reflection or call_user_func_array() call runs as its
    plain call, so the rules about what the function does see it."""

    def view(src: bytes) -> bytes:
        got = fold.normalized_view(lex(src))
        assert got is not None
        return got[0].code

    assert b"mail($to, $_post[" in view(
        b"<?php call_user_func_array('mail', [$to, $_POST['s'], $_POST['m']]);"
    )
    assert b"mail($to" in view(b"<?php call_user_func_array('ma' . 'il', array($to, $s));")
    assert b"system($_cookie[" in view(
        b"<?php (new ReflectionFunction('sys' . 'tem'))->invoke($_COOKIE['c']);"
    )
    assert b"passthru($_post[" in view(
        b"<?php $r = new ReflectionFunction('passthru');\n$r->invokeArgs([$_POST['c']]);"
    )
    assert b"shell_exec($_post" in view(
        b"<?php $c = Closure::fromCallable('shell_exec');\necho $c($_POST['c']);"
    )
    # arguments in a variable, a closure reflected: left as written
    assert fold.normalized_view(lex(b"<?php call_user_func_array('mail', $args);")) is None
    assert fold.normalized_view(lex(b"<?php (new ReflectionFunction($cb))->invoke(1);")) is None


def test_a_one_statement_helper_is_read_where_it_is_called() -> None:
    """A function (or a closure a variable holds) whose body is one statement is read at each
    call as that statement with the call's arguments: the upload and mail rules see the upload
    an uploader hides in ``$save = fn($f, $to) => move_uploaded_file(...)``."""

    def view(src: bytes) -> bytes | None:
        got = fold.normalized_view(lex(src))
        return None if got is None else got[0].code

    hidden = view(
        b"<?php\n$save = fn($f, $to) => move_uploaded_file($f['tmp_name'], $to);\n"
        b"$save($_FILES['u'], $_FILES['u']['name']);\n"
    )
    assert hidden is not None
    assert b"(  move_uploaded_file($_files[" in hidden.split(b"\n")[2]
    sent = view(b"<?php\nfunction s($t, $b) { mail($t, 'Hi', $b); }\ns($_POST['to'], $_POST['b']);")
    assert sent is not None and b"(mail($_post[" in sent
    # not written out: a body that reads a variable of its own or the request, runs a command
    # or code or calls a parameter (the rules that follow calls into functions read those),
    # an argument that is a call
    for kept, call in (
        (b"function r($f, $c) { return $f($c); } echo r('system', $_GET['c']);", b"echo r("),
        (b"function x($c) { return shell_exec($c); } echo x($_GET['c']);", b"echo x("),
        (b"$in = fn($k) => $_GET[$k] ?? ''; echo $in('name');", b"echo fnvar_in("),
    ):
        seen = view(b"<?php " + kept)
        assert seen is None or call in seen, seen
    assert view(b"<?php\nfunction g($k) { return $cfg[$k]; }\necho g($_GET['k']);\n") is None
    assert (
        view(b"<?php\nfunction s($f) { return move_uploaded_file($f, 'x'); }\ns(trim($_GET['a']));")
        is None
    )


def test_a_parenthesized_name_called_is_the_call_of_the_name() -> None:
    """``('sys' . 'tem')($c)``, ``($o->f)($c)``, ``(RUN)($c)`` call the name the parentheses
    give; a call's result called again (``f($a)($b)``) and a closure called at once are not."""

    def view(src: bytes) -> bytes | None:
        got = fold.normalized_view(lex(src))
        return None if got is None else got[0].code

    called = view(
        b"<?php\n('sys' . 'tem')($_GET['c']);\n$o->f = 'passthru';\n($o->f)($_POST['c']);\n"
    )
    assert called is not None
    assert called.split(b"\n")[1].startswith(b"system($_get[")
    assert called.split(b"\n")[3].startswith(b"passthru($_post[")
    assert view(b"<?php\necho (fn($x) => $x * 2)(3), f($a)($b);\n") is None


def _normalized_code(src: bytes) -> bytes | None:
    """The code of the file's normalized view (None: the view changes nothing)."""
    got = fold.normalized_view(lex(src))
    return None if got is None else got[0].code


def _lines_start(src: bytes, *starts: bytes) -> None:
    """The normalized view of ``src`` has lines 1, 2... starting with ``starts``."""
    code = _normalized_code(src)
    assert code is not None
    lines = code.split(b"\n")[1:]
    assert [line[: len(want)] for line, want in zip(lines, starts, strict=False)] == list(starts)


def test_a_string_literal_called_is_the_call_of_the_function_it_names() -> None:
    """``'system'($c)``, ``"\\x73ystem"($c)``, ``"\\u{73}ystem"($c)`` and a first-class
    callable called at once (``system(...)($c)``) call the function the string names; a
    command in backticks, text that names no function and a construct are left alone."""
    _lines_start(
        b"<?php\n'system'($_GET['a']);\n\"\\x70assthru\" ($_GET['b']);\n"
        b"\"\\u{73}hell_exec\"($_GET['c']);\nexec(...)($_GET['d']);\n",
        b"system($_get[",
        b"passthru($_get[",
        b"shell_exec($_get[",
        b"exec($_get[",
    )
    assert _normalized_code(b"<?php\n$a = ['x' => 'two words'];\necho 'eval', ('a');\n") is None


def test_request_reads_of_other_spellings_are_the_superglobal() -> None:
    """``getenv('HTTP_X')`` called as a function is ``$_SERVER['HTTP_X']``, and
    ``filter_input(INPUT_POST, 'k')`` (no filter, FILTER_DEFAULT, FILTER_UNSAFE_RAW) called
    as a function is ``$_POST['k']``; getenv() of what the server sets, a validating filter
    and a header or filter_input() read as a value stay as written."""
    _lines_start(
        b"<?php\ngetenv('HTTP_X_F')($a);\nfilter_input(INPUT_POST, 'k')($a);\n"
        b"filter_input(INPUT_GET, 'q', FILTER_UNSAFE_RAW) ($a);\n",
        b"$_server[",
        b"$_post[",
        b"$_get[",
    )
    kept = (
        b"<?php\n$r = getenv('DOCUMENT_ROOT');\n$b = filter_input(INPUT_POST, 'k');\n"
        b"$a = getenv('HTTP_X_F');\ngetenv('PATH')($a);\n"
        b"$id = filter_input(INPUT_GET, 'id', FILTER_VALIDATE_INT);\n"
    )
    assert _normalized_code(kept) is None


def test_a_string_or_header_called_as_a_function_is_found() -> None:
    """The rules read the rewritten calls: a string literal called with request input runs a
    command, a header read by getenv() or filter_input()'s raw value called as a function
    names the function the visitor picks."""
    assert "shell.exec-request-input" in rule_ids(
        analyze_bytes(b"<?php\n\"\\x73ystem\"($_GET['c']);\n")
    )
    assert "php.variable-function-request" in rule_ids(
        analyze_bytes(b"<?php\ngetenv('HTTP_X_F')(getenv('HTTP_X_A'));\n")
    )
    assert "php.variable-function-request" in rule_ids(
        analyze_bytes(b"<?php\nfilter_input(INPUT_POST, 'f')(filter_input(INPUT_POST, 'a'));\n")
    )
    assert "php.variable-function-tainted" in rule_ids(
        analyze_bytes(b"<?php\n$f = getenv('HTTP_X_F');\n$f(getenv('HTTP_X_A'));\n")
    )


def test_a_promoted_constructor_parameter_is_the_property() -> None:
    """PHP 8 promotes ``public string $fn`` of a constructor to ``$obj->fn``: its value is
    the argument ``new`` passed there."""
    before = "class J { public function __construct(public readonly string $fn, public $n = 1) {} }"
    assert _value("$j->fn", before + " $j = new J('sys' . 'tem', 2);") == b"system"
    assert _value("$j->n", before + " $j = new J('x', 'shell_exec');") == b"shell_exec"
    assert _value("$j->fn", before + " $j = new J($_GET['f']);") is None
    plain = "class J { function __construct($fn) {} } $j = new J('system');"
    assert _value("$j->fn", plain) is None  # not promoted: no property of that name


def test_array_items_and_implode() -> None:
    # an item of an array literal a variable holds, by position or key
    assert _value("$p[0] . $p[2]", "$p = ['as', 'x', 'sert'];") == b"assert"
    assert _value("$p['b'] . $p['a']", "$p = array('a' => 'tem', 'b' => 'sys');") == b"system"
    assert _value("implode('', $p)", "$p = ['pa', 'ss', 'thru'];") == b"passthru"
    assert _value("join(['ev', 'al'])") == b"eval"
    assert _value("implode('-', array('a', 'b'))") == b"a-b"
    assert _value("$p[1]", "$p = ['a'];") is None  # no such item
    assert _value("$p[0]", "$p = [f(), 'b'];") is None  # an item with no constant value
    assert _value("$p[0]", "$p = ['a']; $p = load();") is None  # the last value counts
    assert _value("implode(',', $rows)", "$rows = $db->all();") is None


def test_bare_words_glued_on_are_undefined_constants() -> None:
    # PHP 7 reads an undefined constant as its own name (with a warning): sy.(st).(em)
    assert _value("sy . (st) . (em)") == b"system"
    assert _value("'sys' . tem") == b"system"
    assert _value("ass . 'ert'") == b"assert"
    assert _value("as . 'sert'") is None  # a keyword
    assert _value("php_version") is None  # a bare word alone is no concatenation
    assert _value("'a' . true") is None  # a keyword is not a name
    assert _value("'a' . foo()") is None


def test_bounded() -> None:
    long = " . ".join(["'" + "a" * 100 + "'"] * 100)  # 10,000 bytes > MAX_VALUE
    assert _value(long) is None
    deep = "(" * 200 + "'a'" + ")" * 200
    assert _value(deep) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="$ab'\"^~.()[];=,0123456789 chrsubtrev_", max_size=80))
def test_never_raises(text: str) -> None:
    lx = lex(f"<?php {text}".encode())
    env = fold.Env(lx.code, lx)
    for pos in range(0, len(lx.code), 7):
        fold.fold_at(lx.code, lx, pos, env)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="$ab'\"^~.()[];=>:,0123456789 chrsubtrev_\n", max_size=120))
@example("$a = 'x'; $ab .= 'y'; $$a = 1; $a => 2; $b = $a . 'z'; $o->a = 3; $a == 4; $b=$a;")
def test_one_variable_s_assignments_are_the_whole_file_s(text: str) -> None:
    """A variable's assignments looked up alone (a file with few "=") are the ones the
    one-pass index of every assignment (a file with many) holds: the same values."""
    lx = lex(f"<?php {text}".encode())
    alone = fold.Env(lx.code, lx)
    whole = fold.Env(lx.code, lx)
    whole._whole = True  # as if the file held more than MAX_ASSIGNMENTS "="
    whole._index_all()  # the one pass
    seen = 0
    for var in (b"a", b"b", b"ab", b"ba", b"a_", b"_"):
        got = [m.span() for m in alone._assignments(var)]
        assert got == [m.span() for m in whole._assignments(var)]
        for pos in range(0, len(lx.code) + 1, 5):
            assert alone.get(var, pos) == whole.get(var, pos)
        seen += len(got)
    note(f"assignments: {seen}")


@pytest.mark.parametrize(
    ("php", "value"),
    [
        # a function whose body is one return statement: folded with its parameters bound to
        # each call's arguments (checked with php -r on the same functions)
        ("function d($s) { return base64_decode($s); } $__r = d('c3lzdGVt');", b"system"),
        ("function d($s) { return strrev($s); } $a = d('x'); $__r = d('metsys');", b"system"),
        ("function d($s, $t = 'rt') { return $s . $t; } $__r = d('asse');", b"assert"),
        ("function d($s) { return e(strrev($s)); } function e($q) { return $q . '!'; }"
         " $__r = d('ab');", b"ba!"),
        # more than a return, a call it does not fold, itself, a variable from outside: no value
        ("function d($s) { $x = 1; return strrev($s); } $__r = d('tressa');", None),
        ("function d($s) { return strrev($s) . x(); } $__r = d('tressa');", None),
        ("function d($s) { return d($s); } $__r = d('tressa');", None),
        ("function d($s) { return $y; } $y = 'k'; $__r = d('a');", None),
        ("function d($s) { return strrev($s); } function d($s) {} $__r = d('a');", None),
        ("function d($s) { return strrev($s); } $__r = d($_GET['a']);", None),
    ],
)
def test_functions_that_return_an_expression(php: str, value: bytes | None) -> None:
    assert _at_end(php) == value


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["function f(", "function g(", "$a", "$b", "$this", "->fn", "->", " = ", ", ", ")",
             "{", "}", ";", "'x'", "'tressa'", "f(", "g(", "strrev(", "str_split(", "implode(",
             "array_reverse(", "explode(", "...", "private $fn = ", "[", "]", "$o->fn = ", "\n",
             "return "]
        ),
        max_size=60,
    )
)
def test_functions_and_properties_never_raise(parts: list[str]) -> None:
    lx = lex(("<?php " + "".join(parts)).encode())
    env = fold.Env(lx.code, lx)
    for pos in range(0, len(lx.code), 3):
        fold.fold_at(lx.code, lx, pos, env)
    for var in (b"a", b"b", b"this"):
        env.get(var, len(lx.code))


def test_many_assignments_still_fold() -> None:
    filler = "$x = 1;" * (fold.MAX_ASSIGNMENTS + 10)  # past the bound: the one-pass index
    for php, value in ((f"$a = 'ass'; {filler}", b"ass"), (f"{filler} $a = 'ass';", None)):
        lx = lex(f"<?php {php}".encode())
        held = fold.Env(lx.code, lx).get(b"a", len(lx.code))
        assert (held[0] if held else None) == value  # beyond the bound: not seen


def _at_end(php: str, var: str = "__r") -> bytes | None:
    """``$var``'s folded value at the end of the file ``php``."""
    lx = lex(f"<?php {php}\n".encode())
    held = fold.Env(lx.code, lx).get(var.encode(), len(lx.code))
    return None if held is None else held[0]


@pytest.mark.parametrize(
    ("php", "value"),
    [
        # every call passes the same literals: the parameters hold them in the body
        # (PHP: strrev(substr_replace('trsa', 'es', 2, 0)) is "assert")
        ("function f($a, $b) { $__r = strrev(substr_replace($a, $b, 2, 0)); } f('trsa', 'es');",
         b"assert"),
        ("function f($a, $b) { $__r = $b . $a; } f('tem', 'sys'); f('tem', 'sys');", b"system"),
        ("function f($p = 'metsys') { $__r = strrev($p); } f();", b"system"),  # the default
        ("function f(string $a, ?int &$n = null) { $__r = $a . 'rt'; } f('asse');", b"assert"),
        ("$k = 'ev'; function f($a) { $__r = $a . 'al'; } f($k);", b"eval"),  # a folded argument
        # calls that disagree, pass something unknown, or unpack: no value
        ("function f($a) { $__r = strrev($a); } f('tressa'); f('x');", None),
        ("function f($a) { $__r = strrev($a); } f($_GET['a']);", None),
        ("function f($a) { $__r = strrev($a); } f(...$args);", None),
        ("function f($a) { $__r = strrev($a); } f(a: 'x');", None),
        ("function f($a) { $__r = strrev($a); }", None),  # never called
        ("function f($a) { $__r = strrev($a); } f(); ", None),  # no argument, no default
        ("function f(...$a) { $__r = $a; } f('x');", None),
        # a method is called through an object: its calls are not read
        ("class C { function f($a) { $__r = strrev($a); } } $c->f('tressa');", None),
        # the body assigns the parameter: that value, not the argument
        ("function f($a) { $a = 'sys'; $__r = $a . 'tem'; } f('x');", b"system"),
        # an assignment outside the function is not the parameter's value
        ("$a = 'zz'; function f($a) { $__r = $a; } f('q');", b"q"),
        # a function that calls itself: no endless loop
        ("function f($a) { $__r = $a; f($a . 'x'); } f('a');", None),
    ],
)
def test_parameters_hold_what_every_call_passes(php: str, value: bytes | None) -> None:
    assert _at_end(php) == value


def test_parameter_calls_are_bounded() -> None:
    calls = " ".join("f('tressa');" for _ in range(fold.MAX_CALL_SITES + 1))
    assert _at_end(f"function f($a) {{ $__r = strrev($a); }} {calls}") is None
    calls = " ".join("f('tressa');" for _ in range(fold.MAX_CALL_SITES))
    assert _at_end(f"function f($a) {{ $__r = strrev($a); }} {calls}") == b"assert"


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        # each checked with php -r on the same expression
        ("implode('', array_reverse(str_split('tressa')))", b"assert"),
        ("implode(array_reverse(str_split('tressa', 2)))", b"saestr"),
        ("join('', array_reverse(explode(',', 'em,st,sy')))", b"system"),
        ("implode('', array_reverse(['a' => 'x', 'y', 'z'], true))", b"zyx"),
        ("implode('-', str_split('abc'))", b"a-b-c"),
        ("implode('', array_reverse(str_split($_GET['n'])))", None),
        ("implode('', array_reverse(str_split('abc', 0)))", None),  # PHP throws
        ("implode('', array_reverse(load()))", None),
    ],
)
def test_split_reverse_and_join(expr: str, value: bytes | None) -> None:
    assert _value(expr) == value


def test_array_keys_as_php_gives_them() -> None:
    # PHP: array_reverse(['a' => 'x', 'y', 5 => 'z']) is [0 => 'z', 'a' => 'x', 1 => 'y']
    before = "$p = array_reverse(['a' => 'x', 'y', 5 => 'z']);"
    assert _value("$p[0] . $p['a'] . $p[1]", before) == b"zxy"
    # ... and with its keys kept [5 => 'z', 0 => 'y', 'a' => 'x']
    before = "$p = array_reverse(['a' => 'x', 'y', 5 => 'z'], true);"
    assert _value("$p[5] . $p['a'] . $p[0]", before) == b"zxy"
    assert _value("$q[0] . $q[1]", "$p = str_split('metsys'); $q = array_reverse($p);") == b"sy"


@pytest.mark.parametrize(
    ("php", "value"),
    [
        ("$o = new stdClass(); $o->fn = 'ass' . 'ert'; $__r = $o->fn;", b"assert"),
        ("$o->fn = 'a'; $o->fn = 'b'; $__r = $o->fn;", b"b"),  # the last before the use
        ("$__r = $o->fn; $o->fn = 'a';", None),
        ("$o->fn = 'a'; $__r = $o->fn();", None),  # a method call
        ("$o->fn = 'a'; $__r = $o->fn->x;", None),
        ("$o->fn = 'a'; $__r = $p->fn;", None),  # another object
        # $this: every method's assignment agrees (they may run in any order) ...
        ("class K { private $fn = 'x'; function a() { $this->fn = strrev('tressa'); }"
         " function b() { $__r = $this->fn; } }", b"assert"),
        ("class K { function a() { $this->fn = 'a'; } function c() { $this->fn = 'b'; }"
         " function b() { $__r = $this->fn; } }", None),
        # ... or, with none, the value it is declared with
        ("class K { protected $fn = 'system'; function b() { $__r = $this->fn; } }", b"system"),
        ("class K { static $fn = 'system'; function b() { $__r = $this->fn; } }", None),
        ("class K { public $fn; function b() { $__r = $this->fn; } }", None),
    ],
)
def test_properties(php: str, value: bytes | None) -> None:
    assert _at_end(php) == value


def test_double_quoted_strings_fold_unless_a_variable_is_written_in_them() -> None:
    # an escaped "$" is the character: the string is a constant (a helper returning
    # "l(\$_POST['" is how a backdoor hides eval($_POST[...]) from a reader)
    assert _value('"l(\\$_PO" . "ST"') == b"l($_POST"
    assert _value('"cost: 5$" . \'!\'') == b"cost: 5$!"
    assert _value('"a\\\\\\$b" . \'\'') == b"a\\$b"  # \\ then \$: a backslash and a "$"
    # a variable written in it: PHP fills it in at run time, no constant value
    assert _value('"a $b" . \'c\'') is None
    assert _value('"a {$b}" . \'c\'') is None
    assert _value('"a ${b}" . \'c\'') is None
    assert _value('"a \\\\$b" . \'c\'') is None  # \\ is a backslash: $b is read


@given(
    st.lists(
        st.sampled_from(["json_decode(", "trim (", " ", "@", "(", "&", "$", "raw", "r", "aw",
                         "[", "->", "\xe9", "x", "_", "1", ")", "\t", "unserialize("]),
        max_size=10,
    ),
    st.sampled_from(["raw", "r", "raw1", "x", "_", "aw"]),
)
@example(["json_decode(", "$", "raw", ")"], "raw")
def test_the_taint_pass_unwrap_test_is_the_per_name_pattern(parts: list[str], var: str) -> None:
    """taint._unwrapped matches one fixed pattern and compares the name: the same answer as
    the pattern it once compiled for each name (``re.escape(var)`` then ``\\b``)."""
    import re

    from spamtrace.scanner import taint

    rhs, name = "".join(parts).encode("utf-8"), var.encode()
    pattern = taint._UNWRAP + rb"\$" + re.escape(name) + rb"\b(?!\s*(?:\[|->))"
    assert taint._unwrapped(rhs, name) == (re.match(pattern, rhs) is not None)


@given(
    st.lists(st.sampled_from(["$a", "$ab", "$$a", " = ", "=", "==", "=>", ";", "x", " ", "1",
                              "$a = $a = 1;", "\n"]), max_size=14),
    st.sampled_from(["a", "ab", "b"]),
    st.integers(0, 60),
)
@example(["$a = $a = 1;"], "a", 60)
def test_the_last_assignment_is_what_the_per_name_pattern_found(
    parts: list[str], var: str, before: int
) -> None:
    """execution._last_assignment searches the name literally and matches one fixed pattern
    after it: the same right side as finditer of the pattern it compiled for each name."""
    import itertools
    import re

    from spamtrace.scanner.features import execution

    code, name = "".join(parts).encode(), var.encode()
    rx = re.compile(rb"\$" + re.escape(name) + rb"\s*=(?![=>])([^;]{0,300});")
    found = None
    for a in itertools.islice(rx.finditer(code, max(0, before - 20000), before), 200):
        found = a
    want = None if found is None else found.group(1)
    assert execution._last_assignment(code, name, before) == want


_HEAD_BITS = st.sampled_from(
    [b"function", b" ", b"f", b"g", b"(", b")", b"$a", b"$b", b"$", b" = ", b"{", b"}", b"&",
     b",", b"array()", b"_", b"x", b">", b":", b"\\", b"\n", b"use ", b"fn"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_HEAD_BITS, max_size=40).map(b"".join))
@example(b"function f($a = array(), $b) {} function ($c = 'function g($d') {}")
@example(b"function function ( function f($a) {")
@example(b"$a = function(")
@example(b"$a = function($b) {} function g($c) {}")
def test_one_pass_over_function_heads_finds_what_three_did(code: bytes) -> None:
    """The function heads are found in one pass over the "function" words: the same as the
    three searches that each read the file (_FUNC twice, _HEAD_PARAMS once)."""
    env = fold.Env(code, lex(b"<?php "))  # the heads are found in the code alone
    env._scan_functions()
    index = env._file
    funcs = list(fold._FUNC.finditer(code))
    assert [m.span() for m, _b in index.functions or []] == [
        m.span() for m in funcs[: fold.MAX_FUNCTIONS]
    ]
    # closures held in a variable ("$f = function(") are noted under "$f": the named ones here
    named = {k: n for k, n in index.defines.items() if not k.startswith(b"$")}
    assert named == Counter(m.group(1) for m in funcs)
    first: dict[bytes, tuple[int, int]] = {}
    for m in funcs:
        first.setdefault(m.group(1), m.span())
    assert {k: m.span() for k, m in index.heads.items() if not k.startswith(b"$")} == first
    for k in index.defines.keys() - named.keys():
        head = index.heads[k]
        assert head.re is fold._CLOSURE and b"$" + head.group(1) == k
    expected = set(fold._VAR.findall(b" ".join(fold._HEAD_PARAMS.findall(code))))
    assert index.head_vars == expected


def _view_code(php: str) -> bytes | None:
    view = fold.normalized(lex(php.encode()))
    if view is None:
        return None
    return view.code.replace(b"\x01", b"")


def test_php8_call_syntax_reads_as_the_older_one() -> None:
    # a named argument's label is blanked (offsets kept): the arguments are read as written
    php = "<?php $f = str_replace(search: '_', replace: '', subject: 's_y_s'); $f(command: $x);"
    code = fold.normalized(lex(php.encode()))
    assert code is not None
    assert b"search:" not in code.code and b"command:" not in code.code
    assert len(code.code) >= len(lex(php.encode()).code) - 8
    # a first-class callable of a function is the literal of its name; of anything else the
    # expression itself; the nullsafe operator is "->"
    php8 = b"<?php $m = array_map(chr(...), [115]); $g = $o->run(...); $o?->go();"
    view = fold.normalized(lex(php8))
    assert view is not None
    names = [view.value(i) for i in range(len(view.raw_strings))]
    assert b"chr" in names
    assert b"$o->run     ;" in view.code and b"$o ->go()" in view.code


@pytest.mark.parametrize(
    "php",
    [
        "<?php $a = $b ? c : d;",  # a ternary with constants: no label
        "<?php switch ($a) { case x: break; }",
        "<?php echo a::b(1, c::d);",
        "<?php f(...$args);",  # spreading, not a first-class callable
        "<?php function f(): string { return 'x'; }",
    ],
)
def test_php8_call_syntax_leaves_older_code_alone(php: str) -> None:
    assert _view_code(php) is None


def test_class_members_read_by_their_bare_names() -> None:
    php = (
        b"<?php enum K: string { case A = 'sys'; } class C { const B = 'tem'; "
        b"static function m() { return 'x'; } } $f = K::A->value; $g = C::B; $h = C::m(); "
        b"$i = C::class; $j = D::E; (C::B)($x);"
    )
    view = fold.normalized(lex(php))
    assert view is not None
    code = view.code
    assert b"$f = \x010\x01;" in code  # the case's literal
    assert b"$g = b;" in code and b"$h = m();" in code
    assert b"$i = c::class;" in code and b"$j = d::e;" in code  # not the file's: left alone
    # with nothing called through a value, a class's constants are left as written
    assert fold.normalized(lex(b"<?php class C { const B = 'x'; } echo C::B;")) is None


def test_own_functions_with_high_byte_names_are_read_by_their_bare_names() -> None:
    # PHP's names take bytes 0x80-0xff (UTF-8 letters): a method named so is the file's
    # own as much as an ASCII one, for the view and for the folder
    php = (
        b"<?php\nclass Op {\n    public static function m\xc3\xa4ke() { return 'system'; }\n}\n"
        b"(Op::m\xc3\xa4ke())($_GET['c']);\n"
    )
    view = fold.normalized(lex(php))
    # the method read by its bare name, and the name it returns called
    assert view is not None and b"\nsystem($_get[" in view.code
    assert rule_ids(analyze_bytes(php)) & {"php.folded-name-called", "shell.exec-request-input"}
    clean = (
        b"<?php\nclass Fmt {\n"
        b"    public static function gro\xc3\x9f() { return 'strtoupper'; }\n}\n"
        b"echo (Fmt::gro\xc3\x9f())('hello') . \"\\n\";\n"
    )
    assert analyze_bytes(clean).verdict.value == "clean"


@pytest.mark.parametrize(
    ("php", "want"),
    [
        (
            b"$f = function ($c) use ($x) { system($c); }; $f($_GET['c']);",
            b"function fnvar_f($c) { system($c); }; fnvar_f($_GET['c']);",
        ),
        (
            b"$get = fn($u) => file_get_contents($u); echo $get('a');",
            b"function fnvar_get($u) { return  file_get_contents($u); }; echo fnvar_get('a');",
        ),
        # set twice: which closure a call means is not known, so both are left
        (b"$f = fn($a) => $a; $f = fn($a) => 1; $f(2);", None),
        # an object's property and a static closure's name are not the variable
        (b"$o->f = fn($a) => $a; $o->f(1);", None),
        (b"no closures here", None),
    ],
)
def test_closures_held_by_a_variable_read_as_functions(php: bytes, want: bytes | None) -> None:
    got = fold.named_closures(php)
    assert got == (php if want is None else want)


@given(st.text(alphabet="$f=fn()unse{}; =>x,'\"c", max_size=60))
@settings(max_examples=300, deadline=None)
def test_named_closures_never_raises(text: str) -> None:
    fold.named_closures(text.encode())


def _held_closures_by_regex(code: bytes) -> list[tuple[int, bytes, bytes, int]]:
    found = itertools.islice(fold._HELD_CLOSURE.finditer(code), fold.MAX_HELD_CLOSURES)
    return [(m.start(), m.group(1), m.group(2), m.end()) for m in found]


_CLOSURE_PIECES = [b"$", b"$f", b"$_x", b"$F", b"$9", b"$\xe9t", b"x", b"X", b"1", b">", b":",
                   b"->", b"=", b"==", b".=", b" ", b"\n", b"\t", b"static", b"static ",
                   b"nonstatic ", b"function", b"fn", b"myfn", b"(", b")", b"{", b";", b"=>",
                   b"use ($a)", b"function (", b"fn(", b"= fn (", b"$f = function("]  # fmt: skip


@given(st.lists(st.sampled_from(_CLOSURE_PIECES), max_size=24))
@settings(max_examples=3000, deadline=None)
@example([b"$f = function(", b"$g", b" = static fn", b"("])
@example([b"$f", b"=", b"$f = function("] * 30)
def test_held_closures_are_the_regex_matches(pieces: list[bytes]) -> None:
    code = b"".join(pieces)
    assert fold.held_closures(code) == _held_closures_by_regex(code)
