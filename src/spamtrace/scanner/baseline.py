"""The files of ``scan --record-baseline`` and ``--baseline``: the hashes of a scan's files,
read back to leave out what was there before (as ``maldet``'s ignore lists). Every error is
one line naming the option and the file; a baseline is written beside itself and renamed
over the old one, never through a special file or a planted link."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile

from spamtrace.errors import RuntimeFailure, UsageError
from spamtrace.render.output import to_jsonable
from spamtrace.safetext import escape

SCHEMA = "spamtrace.scan-baseline/1"


def load(path: str) -> frozenset[str]:
    """The hashes of a ``--record-baseline`` file; every error one line, worded as
    ``--baseline FILE: why`` (a folder, a FIFO and a missing file alike)."""
    where = f"--baseline {escape(path)}"
    try:  # O_NONBLOCK: a FIFO (no writer) must not hold the scan before it starts
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise UsageError(f"{where}: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # /dev/zero was read until memory ran out
            raise UsageError(
                f"{where}: not a regular file ({_kind(mode)}): give a file written by "
                "--record-baseline"
            )
        with open(fd, encoding="utf-8", closefd=False) as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise UsageError(f"{where}: {exc.strerror or exc}") from None
    except ValueError as exc:  # bad JSON, or not UTF-8
        raise UsageError(f"{where}: not valid JSON: {exc}") from None
    finally:
        os.close(fd)
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise UsageError(f"{where}: not a {SCHEMA} document")
    files = doc.get("files", {})
    if not isinstance(files, dict):
        raise UsageError(f"{where}: 'files' must be an object")
    return frozenset(str(v) for v in files.values())


def check_target(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path) or not os.path.isdir(folder):
        what = "is a folder" if os.path.isdir(path) else f"folder {folder} does not exist"
        raise UsageError(f"--record-baseline {escape(path)}: {what} (give a file to write)")
    _refuse_special(path)
    try:  # the file is written beside itself: a folder this user may not write (or on a
        # read-only mount) was found only after the scan, and the report was lost with it
        fd, probe = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", dir=folder)
    except OSError as exc:
        raise UsageError(
            f"--record-baseline {escape(path)}: cannot write in {escape(folder)}: "
            f"{exc.strerror or exc}"
        ) from None
    os.close(fd)
    os.unlink(probe)


def _refuse_special(path: str) -> None:
    """The baseline replaces its file (a new one renamed over it): never a device, FIFO or
    socket. `--record-baseline /dev/null` replaced /dev/null with a regular file. A symlink
    is replaced itself, not followed."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"--record-baseline {escape(path)}: {exc.strerror or exc}") from None
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise UsageError(
            f"--record-baseline {escape(path)}: not a regular file ({_kind(mode)}), which the "
            "baseline would replace (give a file to write)"
        )


def write(path: str, hashes: dict[str, str]) -> None:
    doc = {"schema": SCHEMA, "files": dict(sorted(hashes.items()))}
    _refuse_special(path)  # again: the scan took a while
    tmp = ""
    try:  # an unpredictable name, O_EXCL | O_NOFOLLOW: no link planted in the folder is followed
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.",
                                   dir=os.path.dirname(os.path.abspath(path)))  # fmt: skip
        os.fchmod(fd, 0o644)
        with open(fd, "w", encoding="utf-8") as fh:
            json.dump(to_jsonable(doc), fh, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            if tmp:
                os.unlink(tmp)  # not left beside the path (it was in / for --record-baseline /tmp)
        raise RuntimeFailure(
            f"--record-baseline {escape(path)}: not written: {exc.strerror or exc} (the scan "
            "report is whole)"
        ) from None


def _kind(mode: int) -> str:
    kinds = {stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
             stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket",
             stat.S_IFDIR: "a folder"}  # fmt: skip
    return kinds.get(stat.S_IFMT(mode), "a special file")
