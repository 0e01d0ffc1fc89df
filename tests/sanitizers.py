"""Build a compiled part with AddressSanitizer and UBSan and run a check script on it: the
compiled parts (the scanner's lexer and word matcher, the mail log parsers) read
attacker-controlled input inside a root process, so an out-of-bounds read or write, a use
after free or undefined behaviour must fail a test instead of going unnoticed.

Used by the tests (:func:`build`, :func:`run`) and by the check scripts they start
(:func:`load`, which imports the sanitized build rather than the installed one)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _runtime(name: str) -> str:
    out = subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True, text=True)
    path = out.stdout.strip()
    assert out.returncode == 0 and os.path.isabs(path), f"gcc has no {name}: {out.stderr}"
    return path


def build(source: Path, folder: Path) -> None:
    """``source`` (a .c file) -> ``folder/<its name><extension suffix>``, sanitized."""
    subprocess.run(
        [
            "gcc", "-shared", "-fPIC", "-O1", "-g", "-fno-omit-frame-pointer",
            "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
            f"-I{sysconfig.get_paths()['include']}", str(source),
            "-o", str(folder / f"{source.stem}{SUFFIX}"),
        ],
        check=True,
    )  # fmt: skip


def run(script: Path, *args: str, passed: str) -> None:
    """Run ``script`` with the sanitizer runtimes preloaded; it must exit 0, print ``passed``
    and no sanitizer report."""
    env = dict(
        os.environ,
        LD_PRELOAD=f"{_runtime('libasan.so')}:{_runtime('libubsan.so')}",
        ASAN_OPTIONS="detect_leaks=0:abort_on_error=1",
        PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
    )
    proc = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, env=env, timeout=240
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report[-3000:]
    assert "runtime error" not in report and "AddressSanitizer" not in report, report[-3000:]
    assert passed in proc.stdout


def load(folder: Path, name: str) -> ModuleType:
    """The module ``name`` built by :func:`build` in ``folder``."""
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}{SUFFIX}")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
