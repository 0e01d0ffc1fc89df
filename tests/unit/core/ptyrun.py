"""Run a command on a real pseudo-terminal of a given width and return what it printed."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios


def run_on_pty(argv: list[str], columns: int, env: dict[str, str] | None = None) -> str:
    """``argv``'s output on a pty ``columns`` wide (COLUMNS set too), colours stripped."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    full = {
        **os.environ,
        "COLUMNS": str(columns),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        **(env or {}),
    }
    full.pop("LC_ALL", None)
    proc = subprocess.Popen(argv, stdout=follower, stderr=follower, env=full)
    os.close(follower)
    out = b""
    try:
        while chunk := _read(leader):
            out += chunk
    finally:
        os.close(leader)
        proc.wait(timeout=60)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.decode()).replace("\r\n", "\n")


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the child closed the pty
        return b""
