"""Suspend a hosting account with the panel's own command (off by default).

``[responses] suspend_command`` is an argv list, e.g. ``["/scripts/suspendacct"]`` (cPanel),
``["/usr/local/directadmin/scripts/suspend_user.sh", "{account}"]`` or Plesk's
``["plesk", "bin", "subscription", "--suspend", "{domain}"]`` (the subscription's name: its
main domain, not the system user that is the account). Each name is one argv word (never
through a shell). The exit status, the output (the first 2000 characters, escaped
where shown) and the time taken are recorded; a command that runs longer than
``suspend_timeout`` is killed and the suspension counts as failed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

OUTPUT_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class SuspendResult:
    ok: bool
    exit_status: int | None  # None: not run, or killed at the timeout
    output: str
    seconds: float
    detail: str


def command_problem(argv: Sequence[str]) -> str | None:
    """Why ``argv`` (a configured command) cannot run, found before an incident needs it (a
    typo in the path surfaced only as a failed suspension at the first real incident), or
    None. A bare name is looked up on PATH, as running it does."""
    if not argv:
        return None
    program = argv[0]
    if "/" not in program:
        return None if shutil.which(program) else f"{program}: no such program on PATH"
    if not os.path.isfile(program):
        return f"{program}: no such program"
    return None if os.access(program, os.X_OK) else f"{program}: not executable"


def run_suspend(argv: Sequence[str], timeout: float) -> SuspendResult:
    start = time.monotonic()
    try:
        proc = subprocess.run(
            list(argv), capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        return SuspendResult(False, None, "", 0.0, f"{argv[0]}: command not found")
    except PermissionError:
        return SuspendResult(False, None, "", 0.0, f"{argv[0]}: not executable")
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"") + (exc.stderr or b"")
        text = out.decode("utf-8", "replace")[:OUTPUT_LIMIT]
        seconds = time.monotonic() - start
        return SuspendResult(False, None, text, seconds, f"killed after {timeout:g} s (timeout)")
    seconds = time.monotonic() - start
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace")[:OUTPUT_LIMIT]
    ok = proc.returncode == 0
    detail = f"exit status {proc.returncode} after {seconds:.1f} s"
    return SuspendResult(ok, proc.returncode, text, seconds, detail)
