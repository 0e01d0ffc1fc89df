"""The rewrites of bench/scan_variants.py keep what a file does and what its tokens mean.

Each rewrite of ``php_rewrites.VARIANTS`` is applied, with several seeds, to fixtures written
for these tests (``variant-fixtures/`` and the mutation bench's ``rewrite-fixtures/``). The
result must pass ``php -l`` and, run by the real ``php`` (these fixtures only, never a scanned
file), print what the fixture prints; re-lexed by the scanner's lexer, its literals must hold
the values expected (the same values, the same text cut in pieces, a name spelled by a
decoder).
"""

from __future__ import annotations

import codecs
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from php_rewrites import VARIANTS
from spamtrace.scanner.lexer import lex

HERE = Path(__file__).resolve().parent
OWN = sorted((HERE / "variant-fixtures").glob("*.php"))
FIXTURES = OWN + sorted((HERE / "rewrite-fixtures").glob("*.php"))
PHP = shutil.which("php")
needs_php = pytest.mark.skipif(PHP is None, reason="needs the php command")
REQUEST = HERE / "variant-fixtures" / "request.php"


def _run(path: Path) -> tuple[int, bytes]:
    assert PHP is not None
    res = subprocess.run(
        [PHP, "-n", "-d", "short_open_tag=1", str(path)], capture_output=True, timeout=30
    )
    return res.returncode, res.stdout


def _values(data: bytes) -> list[bytes]:
    lx = lex(data)
    return [lx.value(i) for i in range(len(lx.raw_strings))]


@needs_php
@pytest.mark.parametrize("rewrite", sorted(VARIANTS))
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_variant_keeps_what_php_does(rewrite: str, fixture: Path, tmp_path: Path) -> None:
    data = fixture.read_bytes()
    want = _run(fixture)
    assert want[0] == 0, "the fixture itself must run cleanly"
    for seed in range(3):
        out = VARIANTS[rewrite](data, random.Random(seed))
        if out is None:
            assert fixture not in OWN, f"{rewrite} must apply to {fixture.name}"
            continue
        assert out != data
        target = tmp_path / f"{seed}-{fixture.name}"
        target.write_bytes(out)
        lint = subprocess.run([PHP, "-n", "-l", str(target)], capture_output=True, timeout=30)
        assert lint.returncode == 0, lint.stdout + lint.stderr
        assert _run(target) == want, out.decode(errors="replace")


def test_literal_rewrites_keep_the_values() -> None:
    data = REQUEST.read_bytes()
    before = _values(data)
    for seed in range(3):
        for name in ("quotes", "escape-strings"):
            out = VARIANTS[name](data, random.Random(seed))
            assert out is not None and _values(out) == before, name
        out = VARIANTS["escape-strings"](data, random.Random(seed))
        assert out is not None and b"'strrev'" not in out and b'"strrev"' not in out
        split = VARIANTS["split-strings"](data, random.Random(seed))
        assert split is not None
        pieces = _values(split)
        assert b"".join(pieces) == b"".join(before)
        assert len(before) < len(pieces) <= 3 * len(before)


def _rot13(v: bytes) -> bytes:
    return codecs.encode(v.decode(), "rot13").encode()


def test_name_spellings_decode_to_the_names() -> None:
    data = REQUEST.read_bytes()
    for name, pattern, decode in (
        ("name-strrev", rb"strrev\('([^']*)'\)", lambda v: v[::-1]),
        ("name-rot13", rb"str_rot13\('([^']*)'\)", _rot13),
        ("name-chr", rb"((?:chr\(\d+\+\d+\)\.?)+)", None),
    ):
        out = VARIANTS[name](data, random.Random(1))
        assert out is not None
        found = re.findall(pattern, out)
        if decode is None:
            spelled = {
                bytes(int(a) + int(b) for a, b in re.findall(rb"chr\((\d+)\+(\d+)\)", f))
                for f in found
            }
        else:
            spelled = {decode(f) if isinstance(f, bytes) else f for f in found}
        # the names given as strings, and those of the calls made through variables
        assert {b"strrev", b"str_rot13", b"base64_decode", b"strtoupper"} <= spelled, name
        assert b"'strrev'" not in out


def test_input_rewrites_name_the_request_another_way() -> None:
    data = REQUEST.read_bytes()
    req = VARIANTS["input-request"](data, random.Random(1))
    assert req is not None and b"$_REQUEST[$key]" in req and b"$_GET['g']" not in req
    braces = VARIANTS["input-braces"](data, random.Random(1))
    assert braces is not None
    # in a function a variable variable cannot reach a superglobal: $GLOBALS there
    assert b"$GLOBALS['_POST'][$key]" in braces and b"${'_COOKIE'}['c']" in braces
    glob = VARIANTS["input-globals"](data, random.Random(1))
    assert glob is not None and b"$_POST" not in glob and b"$GLOBALS['_GET']['g']" in glob
    # a script that writes into $_GET is not rewritten to $_REQUEST (made before the write)
    writes = b"<?php $_GET['a'] = 1; echo $_GET['a'];"
    assert VARIANTS["input-request"](writes, random.Random(1)) is None


def test_call_rewrites_leave_by_reference_calls() -> None:
    out = VARIANTS["call-user-func"](REQUEST.read_bytes(), random.Random(1))
    assert out is not None
    assert b"call_user_func('base64_decode', $payload)" in out
    assert b"preg_match(" in out  # its third argument is by reference


def test_wrap_function_keeps_functions_outside() -> None:
    out = VARIANTS["wrap-function"](REQUEST.read_bytes(), random.Random(1))
    assert out is not None
    head = out.index(b"function pick(")
    wrapper = re.search(rb"function (run\w+)\(\) \{ global ([^;]*);", out)
    assert wrapper is not None and head < wrapper.start()
    assert b"$payload" in wrapper.group(2) and b"$_POST" not in wrapper.group(2)
    assert out.rstrip().endswith(wrapper.group(1) + b"();")
