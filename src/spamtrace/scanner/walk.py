"""Walk scan roots safely: no symlinks followed, one filesystem by default, regular files only.

Symlinks are never followed below a root (a link can point anywhere, including outside the
account being scanned, or into a loop); FIFOs, sockets and devices are not opened (a FIFO
would block a reader). The walk is iterative, so deep trees cannot exhaust the stack.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WalkItem:
    """A regular file to scan, or something that was not scanned and why (``skipped``)."""

    path: str
    size: int
    skipped: str | None = None


def walk(
    roots: list[str], *, cross_filesystems: bool = False, max_depth: int | None = None
) -> Iterator[WalkItem]:
    """Yield the regular files under ``roots`` (a root may itself be a file)."""
    seen_dirs: set[tuple[int, int]] = set()
    for root in roots:
        try:
            st = os.stat(root)  # the root itself may be a symlink the admin named on purpose
        except OSError as exc:
            yield WalkItem(root, 0, f"cannot stat: {exc.strerror or exc}")
            continue
        if stat.S_ISREG(st.st_mode):
            yield WalkItem(root, st.st_size)
            continue
        if not stat.S_ISDIR(st.st_mode):
            yield WalkItem(root, 0, "not a regular file or directory")
            continue
        root_dev = st.st_dev
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            path, depth = stack.pop()
            try:
                dst = os.lstat(path)
            except OSError as exc:
                yield WalkItem(path, 0, f"cannot stat: {exc.strerror or exc}")
                continue
            key = (dst.st_dev, dst.st_ino)
            if key in seen_dirs:
                continue
            seen_dirs.add(key)
            try:
                entries = sorted(os.scandir(path), key=lambda e: e.name)
            except OSError as exc:
                yield WalkItem(path, 0, f"cannot list directory: {exc.strerror or exc}")
                continue
            subdirs: list[tuple[str, int]] = []
            for entry in entries:
                try:
                    est = entry.stat(follow_symlinks=False)
                except OSError as exc:
                    yield WalkItem(entry.path, 0, f"cannot stat: {exc.strerror or exc}")
                    continue
                mode = est.st_mode
                if stat.S_ISLNK(mode):
                    continue  # never followed (counted by the caller as not scanned)
                if stat.S_ISDIR(mode):
                    if not cross_filesystems and est.st_dev != root_dev:
                        yield WalkItem(entry.path, 0, "other filesystem (use --cross-filesystems)")
                        continue
                    if max_depth is None or depth < max_depth:
                        subdirs.append((entry.path, depth + 1))
                    continue
                if stat.S_ISREG(mode):
                    yield WalkItem(entry.path, est.st_size)
                # FIFOs, sockets and devices are ignored: they hold no code and may block
            stack.extend(reversed(subdirs))
