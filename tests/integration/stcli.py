"""Run the real `spamtrace` CLI (this venv's Python) as a subprocess, for integration tests."""

from __future__ import annotations

import os
import subprocess
import sys


def spamtrace(
    *args: str,
    prefix: list[str] | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `spamtrace` CLI (this venv's) as a subprocess."""
    argv = [*(prefix or []), sys.executable, "-m", "spamtrace", *args]
    return subprocess.run(
        argv, text=True, capture_output=True, timeout=timeout, env={**os.environ, **(env or {})}
    )
