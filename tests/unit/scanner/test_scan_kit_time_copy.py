"""A kit launcher that names each visitor's copy after the hashed time, not rand()."""

from __future__ import annotations

import pytest
from scanner_helpers import analyze_bytes, rule_ids

COPY = (
    b"function tree($a, $b) { @mkdir($b); foreach (scandir($a) as $f) {"
    b' if ($f[0] != \'.\') copy("$a/$f", "$b/$f"); } }\n'
    b"tree('app', $dir);\nheader('Location: ' . $dir);\n"
)


@pytest.mark.parametrize(
    "name",
    [
        b"$dir = md5(time());\n",
        b"$dir = substr(sha1(microtime() . 'x'), 0, 12);\n",
        b"$now = new DateTime('NOW');\n$dir = md5($now->format('m-d-Y H:i:s.u'));\n",
        b"$t = date('YmdHis');\n$dir = base64_encode($t);\n",
    ],
)
def test_a_copy_into_a_folder_named_from_the_hashed_time_is_a_kit_launcher(name: bytes) -> None:
    assert "php.kit-random-copy" in rule_ids(analyze_bytes(b"<?php\n" + name + COPY))


@pytest.mark.parametrize(
    "name",
    [b"$dir = 'copy-' . date('Y-m-d');\n", b"$dir = 'copy-' . time();\n"],
)
def test_a_copy_into_a_readable_dated_folder_is_not(name: bytes) -> None:
    assert "php.kit-random-copy" not in rule_ids(analyze_bytes(b"<?php\n" + name + COPY))
