"""Configuration files read under a root (``/``, or a fixture tree in tests).

What :class:`spamtrace.audit.environment.AuditEnv` reads files with, and what ``mail`` and
``check`` find PHP's ``mail.log`` files with (:func:`spamtrace.audit.php.gather_configs`):
plain strings and :mod:`os`, so that ``check``'s start-up imports nothing heavy.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass


def host_path(root: str, absolute: str) -> str:
    """``absolute`` mapped into ``root`` (identity when root is /)."""
    if root.rstrip("/") == "":
        return absolute
    return os.path.join(root, absolute.lstrip("/"))


def read_text(path: str) -> str | None:
    """File contents (undecodable bytes kept as surrogates), or None when unreadable.

    Only regular files are read: a FIFO, socket or device matched by an ``Include`` or a
    ``conf.d/*.ini`` glob is "cannot read", never a read that waits forever for a writer.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    return data.decode("utf-8", "surrogateescape")


def glob_paths(root: str, pattern: str) -> list[str]:
    """Absolute host paths matching a glob (sorted), mapped through ``root``."""
    import glob as globmod

    base = root.rstrip("/")
    hits = sorted(globmod.glob(host_path(root, pattern)))
    if not base:
        return hits
    return ["/" + h[len(base) :].lstrip("/") for h in hits]


@dataclass(frozen=True, slots=True)
class RootFiles:
    """The files under ``root``, by their absolute host paths."""

    root: str = "/"

    def read_text(self, absolute: str) -> str | None:
        return read_text(host_path(self.root, absolute))

    def glob(self, pattern: str) -> list[str]:
        return glob_paths(self.root, pattern)
