"""The compiled scanner parts parse attacker-controlled files inside a root process: they are
built here with AddressSanitizer and UBSan and run on the samples, hostile input and random
text (sanitized_check.py), so that an out-of-bounds read or write, a use after free or
undefined behaviour fails the test instead of going unnoticed."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

SCANNER_SRC = Path(__file__).resolve().parents[3] / "src" / "spamtrace" / "scanner"
CHECK = Path(__file__).with_name("sanitized_check.py")


def _runtime(name: str) -> str:
    out = subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True, text=True)
    path = out.stdout.strip()
    assert out.returncode == 0 and os.path.isabs(path), f"gcc has no {name}: {out.stderr}"
    return path


def test_compiled_parts_are_clean_under_sanitizers(tmp_path: Path) -> None:
    include = sysconfig.get_paths()["include"]
    for name in ("_lexer", "_words"):
        subprocess.run(
            [
                "gcc", "-shared", "-fPIC", "-O1", "-g", "-fno-omit-frame-pointer",
                "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
                f"-I{include}", str(SCANNER_SRC / f"{name}.c"),
                "-o", str(tmp_path / f"{name}{EXTENSION_SUFFIXES[0]}"),
            ],
            check=True,
        )  # fmt: skip
    env = dict(
        os.environ,
        LD_PRELOAD=f"{_runtime('libasan.so')}:{_runtime('libubsan.so')}",
        ASAN_OPTIONS="detect_leaks=0:abort_on_error=1",
        PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
    )
    run = subprocess.run(
        [sys.executable, str(CHECK), str(tmp_path), "20261128", "1500"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-3000:]
    assert "runtime error" not in report and "AddressSanitizer" not in report, report[-3000:]
    assert "sanitized check passed 1500" in run.stdout
