"""Which interpreter an executable *is*, whatever its name: by its ELF build id.

A spammer who copies ``/usr/bin/python3`` to ``~/.cache/kworker`` runs the same program under
a name no list knows; the script it runs is then only on its command line. The GNU build id
(``NT_GNU_BUILD_ID``, a hash the linker writes into every Debian/RHEL binary) survives a copy
or a rename, so an exe whose build id equals that of an installed interpreter (``php8.2``,
``python3.11``, ``perl``, ``bash``...) is that interpreter. A binary that was changed (patched,
packed, rebuilt) has another build id and stays unknown: nothing is guessed from the file's
content or its arguments.

Reads at most a few KiB of each file (ELF header, program headers, note segments), never
executes anything. The installed interpreters are found once, in the usual binary folders, by
their names (:func:`spamtrace.attribution.process.family_of_name`), and looked at again when
one of those folders changes.
"""

from __future__ import annotations

import glob
import os
import stat
import struct
import time
from collections.abc import Callable, Iterable
from typing import BinaryIO

#: where interpreters are installed: the system's, and the panels' own PHP builds
INTERPRETER_DIRS: tuple[str, ...] = (
    "/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/usr/local/sbin",
    "/opt/cpanel/ea-php*/root/usr/bin", "/opt/cpanel/ea-php*/root/usr/sbin",
    "/opt/alt/php*/usr/bin", "/opt/alt/php*/usr/sbin", "/opt/plesk/php/*/bin",
    "/opt/plesk/php/*/sbin", "/usr/local/lsws/lsphp*/bin", "/usr/local/php*/bin",
)  # fmt: skip

_NT_GNU_BUILD_ID = 3
_PT_NOTE = 4
_MAX_PHDRS = 64
_MAX_NOTE = 4096
_MAX_SEEN = 4096
#: how often the interpreter folders are looked at again for a package installed or removed
_RECHECK_SECONDS = 10.0


def build_id(path: str) -> bytes | None:
    """The GNU build id of the ELF file at ``path`` (None: not ELF, none, or unreadable)."""
    try:
        with open(path, "rb") as f:
            return _read_build_id(f)
    except OSError:
        return None


def _read_build_id(f: BinaryIO) -> bytes | None:
    """The build id of the open ELF file ``f`` (None: not ELF or none); OSError when unreadable."""
    try:
        head = f.read(64)
        if len(head) < 52 or head[:4] != b"\x7fELF" or head[4] not in (1, 2):
            return None
        wide, end = head[4] == 2, "<" if head[5] == 1 else ">"
        (phoff,) = struct.unpack_from(end + ("Q" if wide else "I"), head, 32 if wide else 28)
        phentsize, phnum = struct.unpack_from(end + "HH", head, 54 if wide else 42)
        if phentsize < (56 if wide else 32) or not 0 < phnum <= _MAX_PHDRS:
            return None
        f.seek(phoff)
        table = f.read(phentsize * phnum)
        for i in range(phnum):
            at = i * phentsize
            if len(table) < at + phentsize:
                return None
            if struct.unpack_from(end + "I", table, at)[0] != _PT_NOTE:
                continue
            if wide:
                (offset,) = struct.unpack_from(end + "Q", table, at + 8)
                (size,) = struct.unpack_from(end + "Q", table, at + 32)
            else:
                (offset,) = struct.unpack_from(end + "I", table, at + 4)
                (size,) = struct.unpack_from(end + "I", table, at + 16)
            f.seek(offset)
            found = _note_build_id(f.read(min(size, _MAX_NOTE)), end)
            if found is not None:
                return found
    except (struct.error, ValueError, OverflowError):
        return None
    return None


def _note_build_id(notes: bytes, end: str) -> bytes | None:
    at = 0
    while at + 12 <= len(notes):
        namesz, descsz, kind = struct.unpack_from(end + "III", notes, at)
        name_at = at + 12
        desc_at = name_at + ((namesz + 3) & ~3)
        if desc_at + descsz > len(notes):
            return None
        if kind == _NT_GNU_BUILD_ID and notes[name_at : name_at + namesz] == b"GNU\0":
            return notes[desc_at : desc_at + descsz] or None
        at = desc_at + ((descsz + 3) & ~3)
    return None


class InterpreterIds:
    """build id -> interpreter family of the interpreters installed in ``dirs``.

    ``family_of_name`` maps a file name to a family (``"php"``, ``"python"``...) or None. The
    table is built at the first question and again when a folder's mtime changes (a package
    installed or removed; looked at most every 10 s); each exe asked about is read once per
    (device, inode, mtime).
    """

    def __init__(
        self,
        family_of_name: Callable[[str], str | None],
        dirs: Iterable[str] = INTERPRETER_DIRS,
        *,
        recheck_seconds: float = _RECHECK_SECONDS,
    ) -> None:
        self._family_of_name = family_of_name
        self._patterns = tuple(dirs)
        self._stamp: tuple[tuple[str, int], ...] | None = None
        self._checked = 0.0
        self._recheck = recheck_seconds
        self._ids: dict[bytes, str] = {}
        self._seen: dict[tuple[int, int, int], str | None] = {}

    def _folders(self) -> tuple[tuple[str, int], ...]:
        out: list[tuple[str, int]] = []
        for pattern in self._patterns:
            for folder in sorted(glob.glob(pattern)) if "*" in pattern else [pattern]:
                try:
                    out.append((folder, os.stat(folder).st_mtime_ns))
                except OSError:
                    continue
        return tuple(out)

    def _refresh(self) -> None:
        now = time.monotonic()
        if self._stamp is not None and now - self._checked < self._recheck:
            return  # an MTA delivers thousands of times a minute: its folders are not re-read
        self._checked = now
        stamp = self._folders()
        if stamp == self._stamp:
            return
        ids: dict[bytes, str] = {}
        for folder, _ in stamp:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                family = self._family_of_name(name)
                if family is None:
                    continue
                found = build_id(os.path.join(folder, name))
                if found is not None:
                    ids.setdefault(found, family)
        self._stamp, self._ids = stamp, ids
        self._seen.clear()

    def family(self, exe_file: str, *, follow: bool = True) -> str | None:
        """The interpreter family that the executable ``exe_file`` is a copy of, or None.

        ``exe_file`` may be ``/proc/PID/exe``, which reads the running binary even when its
        path was deleted or renamed. ``follow=False`` for a path a user may have replaced
        since (a symlink is not followed). Only a regular file is read: a FIFO or a device
        put in its place never blocks or touches anything (opened non-blocking, checked).
        """
        self._refresh()
        flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | (0 if follow else os.O_NOFOLLOW)
        try:
            # one open file for the identity and the read: a process that exits (its
            # /proc/PID/exe goes) can never leave "not an interpreter" in the cache
            with open(os.open(exe_file, flags), "rb") as f:
                st = os.fstat(f.fileno())
                if not stat.S_ISREG(st.st_mode):
                    return None
                key = (st.st_dev, st.st_ino, st.st_mtime_ns)
                if key not in self._seen:
                    if len(self._seen) >= _MAX_SEEN:
                        self._seen.clear()
                    found = _read_build_id(f)
                    self._seen[key] = self._ids.get(found) if found is not None else None
        except OSError:
            return None
        return self._seen[key]
