"""The rewrites of bench/scan_mutation_bench.py keep a file valid PHP that does the same thing.

Each rewrite (bench/php_rewrites.py) is applied, with several seeds, to the fixtures in
``rewrite-fixtures/`` (written for this test: functions, closures, classes, namespaces,
heredocs, inline HTML, superglobals, escapes). The result must pass ``php -l`` and, run by the
real ``php`` (these fixtures only, never a scanned file), print the same output with the
same exit status as the fixture itself. A rewrite that broke a file would make the bench
measure a scanner on text PHP would not run.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from php_rewrites import REWRITES, segments, tokens

FIXTURES = sorted((Path(__file__).resolve().parent / "rewrite-fixtures").glob("*.php"))
PHP = shutil.which("php")
needs_php = pytest.mark.skipif(PHP is None, reason="needs the php command")


def _run(path: Path) -> tuple[int, bytes]:
    assert PHP is not None
    res = subprocess.run(
        [PHP, "-n", "-d", "short_open_tag=1", str(path)], capture_output=True, timeout=30
    )
    return res.returncode, res.stdout


def test_fixtures_are_there() -> None:
    assert len(FIXTURES) >= 4


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_tokens_give_the_file_back(fixture: Path) -> None:
    data = fixture.read_bytes()
    segs = segments(data)
    toks = tokens(data)
    assert segs is not None and toks is not None
    assert b"".join(s.text for s in segs) == data
    assert b"".join(t.text for t in toks) == data


@needs_php
@pytest.mark.parametrize("rewrite", sorted(REWRITES))
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_rewrite_keeps_what_php_does(rewrite: str, fixture: Path, tmp_path: Path) -> None:
    data = fixture.read_bytes()
    want = _run(fixture)
    assert want[0] == 0, "the fixture itself must run cleanly"
    applied = 0
    for seed in range(3):
        out = REWRITES[rewrite](data, random.Random(seed))
        if out is None:
            continue
        applied += 1
        assert out != data
        target = tmp_path / f"{seed}-{fixture.name}"
        target.write_bytes(out)
        lint = subprocess.run([PHP, "-n", "-l", str(target)], capture_output=True, timeout=30)
        assert lint.returncode == 0, lint.stdout + lint.stderr
        assert _run(target) == want, out.decode(errors="replace")
    # the rewrites that apply to every fixture did apply
    if rewrite not in ("superglobal-varvar",) and not rewrite.startswith("wrap-"):
        assert applied == 3
