"""A path that must be (or end in) a folder, and the part of it that is a file instead.

``--state-dir /etc/hostname`` gave the errno text ``Not a directory`` from deep inside the
firewall code, or nothing at all (``firewall load-confirmed``: "no confirmed rules"). Every
option and config key naming a folder asks :func:`file_in_the_way` first and says which part
of the path is a file, in one line that names the option or key.
"""

from __future__ import annotations

import os
import stat

from spamtrace.safetext import quoted


def file_in_the_way(path: str) -> str | None:
    """The deepest existing part of ``path`` (the path itself, or the first of its parents
    that is there) when it is not a folder, else None: a folder, or nothing in the way of
    making one (a part that cannot be looked at is left to the caller's own error)."""
    current = os.path.abspath(path)
    while True:
        try:
            st = os.stat(current)
        except OSError:  # not there, a file on the way (ENOTDIR), or not to be looked at
            pass
        else:
            return None if stat.S_ISDIR(st.st_mode) else current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def not_a_folder(path: str) -> str | None:
    """``"not a folder: 'PATH'"`` (as ``--root`` says it; with the part that is a file when
    it is a parent), or None when ``path`` is a folder or can be made one."""
    culprit = file_in_the_way(path)
    if culprit is None:
        return None
    if culprit == os.path.abspath(path):
        return f"not a folder: {quoted(path)}"
    return f"not a folder: {quoted(path)} ({quoted(culprit)} is a file)"
