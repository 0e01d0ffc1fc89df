"""Every benchmark under bench/ starts: its imports resolve and ``--help`` prints its usage.

The benches are run by hand, rarely, and import from the package and from the integration
tests' world; a module that moved broke one of them unnoticed (``daemon_bench.py`` imported
``render_unit`` from ``cli/service.py`` after it moved to ``service/units.py``). Nothing is
measured here and no bench does any work: argparse exits at ``--help`` before any setup.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"
# helpers imported by the benches, not commands of their own
LIBRARIES = {"php_rewrites.py"}
# a generator that takes its arguments by position and prints its usage on any other
POSITIONAL = {"maillog_gen.py"}
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if p.name not in LIBRARIES)


def test_the_bench_folder_is_found() -> None:
    assert len(SCRIPTS) >= 10, SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_bench_starts_and_prints_its_usage(name: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH / name), "--help"],
        cwd=BENCH.parent, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text, text
    assert "usage" in text.lower(), text
    assert proc.returncode == (2 if name in POSITIONAL else 0), text


def test_the_library_modules_import() -> None:
    for name in LIBRARIES:
        proc = subprocess.run(
            [sys.executable, "-c", f"import sys; sys.path.insert(0, 'bench'); import {name[:-3]}"],
            cwd=BENCH.parent, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
