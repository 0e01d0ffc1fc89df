"""A finding's line and excerpt do not depend on Python's hash seed (set order)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SAMPLE = b"""<?php
// two texts glued into one results mail: which literal the finding names must not move
include 'config.php';
$first = "Chase Login " . $_POST['u'];
$second = "Netflix Result " . $_POST['p'];
mail($to, 'new', $first . $second);
"""

PROBE = (
    "import sys; from spamtrace.scanner.engine import Limits, scan_file; "
    "from spamtrace.scanner.rules import load_rules, load_yara; "
    "r = scan_file(sys.argv[1], Limits(stop_at_score=0), load_rules(), load_yara()); "
    "print([(f.rule, f.line, f.excerpt) for f in r.findings])"
)


def test_brand_results_finding_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    path = tmp_path / "kit.php"
    path.write_bytes(SAMPLE)
    seen = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(path)],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()
        assert "mailer.brand-results-sent" in out
        seen.add(out)
    assert len(seen) == 1, seen
