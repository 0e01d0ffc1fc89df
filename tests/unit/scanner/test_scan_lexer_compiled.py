"""The compiled token loop (``_lexer.c``) gives what the Python one (``lexer._tail_py``) gives.

The install builds the extension wherever a C compiler is found (the test command installs
one), so these tests require it: a scan without it still works, but at two thirds the speed.
"""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from spamtrace.scanner import lexer
from spamtrace.scanner._lexer import tail

SAMPLES = Path(__file__).parent / "samples"

# the bytes that start, end or change a token, and some plain code around them
_PIECES = [
    b"'", b'"', b"`", b"/", b"*", b"#", b"[", b"?", b">", b"<", b"\\", b"\n", b"\r", b" ",
    b"\t", b"=", b"a", b"B", b"1", b"_", b"\x80", b"\x01", b"php", b"PHP", b"<<<", b"EOT",
    b"'EOT'", b'"EOT"', b"*/", b"?>", b"<?php", b"<?=", b"//", b"/*", b"\\x41",
]  # fmt: skip


def test_the_lexer_in_use_is_the_compiled_one() -> None:
    assert lexer._tail is tail


def test_same_as_python_on_every_sample() -> None:
    files = [p for p in SAMPLES.rglob("*") if p.is_file()]
    assert len(files) > 50
    for path in files:
        data = path.read_bytes()
        for pos in (0, 1, 7, len(data), len(data) + 3):
            assert tail(data, pos, 5) == lexer._tail_py(data, pos, 5), (path, pos)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.integers(0, 3))
def test_same_as_python_on_any_text(pieces: list[bytes], pos: int) -> None:
    data = b"".join(pieces)
    assert tail(data, pos, 0) == lexer._tail_py(data, pos, 0)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_same_as_python_on_any_bytes(data: bytes) -> None:
    assert tail(data, 0, 2) == lexer._tail_py(data, 0, 2)


def test_output_shape() -> None:
    src = b"$a = 'x'; // c\n$B = \"y\\n\" . `ls`; /* z\n */ ?>html<?= $c; <<<'N'\nraw\nN;\n#x"
    code, raws, kinds, long_, escaped, html, comments, regions = tail(src, 0, 10)
    assert code == (
        b"$a = \x0110\x01;  \n$b = \x0111\x01 . \x0112\x01;  \n ;echo  $c; \x0113\x01\n\n;\n "
    )
    assert raws == [b"x", b"y\\n", b"ls", b"raw"]
    assert kinds == ["sq", "dq", "bq", "nowdoc"]
    assert (long_, escaped, html, regions) == ([], [11], b"html", 1)
    assert comments == len(b"// c") + len(b"/* z\n */") + len(b"#x")


def test_hostile_input_is_linear_and_safe() -> None:
    # unclosed everything, a huge literal index, a heredoc label never closed, a lone "<<<"
    for data in (
        b"'" + b"\\" * 1_000_001,
        b"/*" + b"*" * 2_000_000,
        b"?>" + b"<" * 2_000_000,
        b"<<<A\n" + b"\nA1" * 500_000,
        b"<<<" * 500_000,
        b"'a'" * 400_000,
        b"#" + b"?" * 2_000_000,
    ):
        start = time.monotonic()
        assert tail(data, 0, 0) == lexer._tail_py(data, 0, 0)
        assert time.monotonic() - start < 5
