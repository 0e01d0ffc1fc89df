"""One capture engine per store: a second ``watch`` or ``daemon`` on the same store is refused.

Two watchers on one store would count every connection twice. The engine takes an exclusive
``flock`` on ``<store>.lock`` (beside the store file) before it opens anything, and writes its
pid there. The kernel drops the lock when the process dies, even by ``kill -9``, so a stale
lock file never blocks a restart. A second instance reads the pid and refuses with one line
(exit 2) that names it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os

from spamtrace.errors import RuntimeFailure, UsageError


class AlreadyRunning(UsageError):
    """Another spamtrace engine holds the store (exit 2)."""


def _command_of(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().split(b"\0")
    except OSError:
        return ""
    for word in (b"daemon", b"watch"):
        if word in argv:
            return f"spamtrace {word.decode()}"
    return ""


class InstanceLock:
    """Held while an engine uses a store; :meth:`release` (or process exit) frees it."""

    def __init__(self, store_path: str) -> None:
        self.path = f"{store_path}.lock"
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            raise RuntimeFailure(
                f"cannot open the instance lock {self.path}: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = b""
            with contextlib.suppress(OSError):
                holder = os.pread(fd, 32, 0)
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise RuntimeFailure(f"cannot lock {self.path}: {exc.strerror or exc}") from None
            first = holder.split()[:1]
            pid = int(first[0]) if first and first[0].isdigit() else 0
            who = f"pid {pid}" if pid else "another process"
            what = _command_of(pid) if pid else ""
            raise AlreadyRunning(
                f"the store {store_path} is in use by {what + ' ' if what else ''}({who}); "
                "one watcher per store: stop it first (`systemctl stop spamtrace` for the "
                "daemon), or give this one another --db"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd: int | None = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)
