"""Read mail logs: follow a live log across rotations, or read one back (the only file I/O here).

:class:`LogFollower` follows one path as ``tail -F`` does, without losing a line:

- **rename** rotation (logrotate's default, Debian's exim4 and rsyslog): the path names a new
  file; what is left in the old one (still open) is read to its end first, then the new file
  from its start.
- **copytruncate** rotation: the same file shrinks. The lines written between the last read
  and the copy are in the copy (``<path>.1``), so when the copy starts with the same bytes as
  the file did, it is read from the last offset to its end before the file is read again from
  its start. Without such a copy they are lost, and counted (:attr:`FollowStats.lost_bytes`).
- A new follower starts at the end of the file (only new lines), or at its start
  (``start_at_end=False``, for reading back).
- A line longer than ``max_line`` bytes (a 10 MB line of junk) is cut to ``max_line`` and the
  rest skipped up to its newline; memory stays bounded. With ``drop_long`` (the Exim and Postfix
  logs, whose writers never write such a line) it is not given at all but as an empty line,
  counted in ``long_lines``: its cut head read as a message took a local submission cut before
  its ``U=`` / ``P=local`` for mail received from other servers. Bytes that are not UTF-8 are
  kept as surrogate escapes (:func:`spamtrace.safetext.escape` shows them as ``\\xNN``). A last
  line without its newline is held until the newline comes, and given as it is when the file is
  rotated away or the follower is closed.
- A **hole** in a sparse file (a copytruncate'd log its writer went on writing at its old
  offset, or a 10 GB file of nothing) is skipped, not read as gigabytes of NUL bytes: it ends
  the line before it, and reading goes on at the next data (``SEEK_DATA``). The same zeros
  written out (a rotated copy of such a log: ``.1``, ``.2.gz``) are dropped where they start
  a line, so the line after them is read.

:func:`read_back` reads a log and its rotated copies (``.1``, ``.2.gz``...) whose last write is
after ``since``, oldest first, in chunks of lines (that is where ``spamtrace mail`` spends its
time, so lines are split and decoded a chunk at a time).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

#: longest line kept, in bytes (Exim's own lines are at most ~16 KiB with big argument lists)
MAX_LINE = 64 * 1024
CHUNK = 1 << 20
#: bytes read at a time from a log read back: a block the parser goes over while it is still
#: in the CPU's cache (4 MiB blocks were copied, then read again from memory: ~2% slower)
READ_BLOCK = 256 * 1024
_HEAD = 256  # bytes compared to recognise a copytruncate'd copy
#: a UTF-8 byte-order mark: dropped where a file is read from its start (an editor's save)
BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class FollowStats:
    lines: int = 0
    long_lines: int = 0  # cut to max_line (or dropped: LineSplitter's drop_long)
    rotations: int = 0  # rename rotations followed
    truncations: int = 0  # copytruncate (or other shrinking) seen
    recovered_bytes: int = 0  # read from the copy after a copytruncate
    lost_bytes: int = 0  # written before a truncation and found nowhere


def open_log(path: str) -> int:
    """``path`` opened for reading (a descriptor), when it names a regular file; else an
    OSError "not a regular file (a FIFO)", at once.

    A log may lie in a hosting account's folder (a PHP ``mail.log`` in ``~/logs``, where
    audit's fix puts it), whose owner may put something else at its name: a FIFO (opening it
    waits for a writer: the engine stopped with it, or the daemon could not stop) or a link
    to a device (``/dev/zero`` never ends; opening some devices does something). So the name
    is opened ``O_PATH`` first, which opens no file, and the file it found is opened through
    ``/proc/self/fd`` only when it is a regular one: no race with a swap of the name."""
    from spamtrace.config import file_kind

    ref = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        st = os.fstat(ref)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, f"not a regular file ({file_kind(st.st_mode)})", path)
        try:
            return os.open(f"/proc/self/fd/{ref}", os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:  # no /proc: the name again, checked to be the same file
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY)
            now = os.fstat(fd)
            if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                os.close(fd)
                raise OSError(errno.EAGAIN, "replaced while it was opened", path) from None
            os.set_blocking(fd, True)
            return fd
    finally:
        os.close(ref)


def next_data(fd: int, offset: int) -> int | None:
    """Where data starts at or after ``offset`` in a sparse file (``offset`` itself when it is
    not in a hole, or the file system cannot say); None when only a hole is left. Moves the
    fd's position: a buffered reader must seek after it."""
    try:
        return os.lseek(fd, offset, os.SEEK_DATA)
    except OSError as exc:
        return None if exc.errno == errno.ENXIO else offset


class LineSplitter:
    """Bytes in, complete lines (str) out; a line longer than ``max_line`` is cut, or with
    ``drop_long`` given as an empty line (which the readers skip), counted either way."""

    def __init__(self, max_line: int = MAX_LINE, *, drop_long: bool = False) -> None:
        self.max_line = max_line
        self.drop_long = drop_long
        self._pending = bytearray()
        self._skipping = False  # inside an over-long line, after its kept part
        self.long_lines = 0

    def feed(self, data: bytes) -> list[str]:
        out, block = self.feed_raw(data)
        if block is not None:
            out += self.lines_of(block)
        return out

    def lines_of(self, block: bytes | memoryview) -> list[str]:
        """The lines of a block of :meth:`feed_raw`, decoded and cut as :meth:`feed` gives
        them."""
        lines = _decode(block).split("\n")
        if len(block) > self.max_line:
            lines = [self._cut(line) for line in lines]
        return lines

    def feed_raw(self, data: bytes) -> tuple[list[str], memoryview | None]:
        """:meth:`feed` with the whole lines of ``data`` left as bytes (a view): (the line that the
        held part of the last call completed, if any; the block of the whole lines after it,
        separated by newlines, without the last one, or None). The block's lines are still
        to be cut to ``max_line`` (:func:`spamtrace.sources.maillog.blocks.parse_block`
        does it, as :meth:`feed` does)."""
        out: list[str] = []
        if b"\0" in data:  # memchr: a block without NUL costs nothing more
            data = _line_nuls_off(data, at_line_start=not self.partial)
        if not data:
            return out, None
        start = 0
        if self._skipping or self._pending:
            nl = data.find(b"\n")
            if nl < 0:
                self._add_partial(data)
                return out, None
            self._add_partial(data[:nl])
            if self._skipping and self.drop_long:
                out.append("")  # a line all the same (counted), never read as its cut head
            elif not self._skipping or self._pending:
                out.append(_decode(bytes(self._pending)))
            self._pending.clear()
            self._skipping = False
            start = nl + 1
        block = None
        last = data.rfind(b"\n")
        if last >= start:  # a view, not a copy of megabytes (the parsers take any buffer)
            block = memoryview(data)[start:last]
            start = last + 1
        if start < len(data):
            self._add_partial(data[start:])
        return out, block

    def _cut(self, line: str) -> str:
        if len(line) <= self.max_line:
            return line
        raw = line.encode("utf-8", "surrogateescape")
        if len(raw) <= self.max_line:
            return line
        self.long_lines += 1
        return "" if self.drop_long else _decode(raw[: self.max_line])

    def _add_partial(self, data: bytes) -> None:
        if self._skipping:
            return
        room = self.max_line - len(self._pending)
        if len(data) > room:
            self._pending += data[:room]
            self._skipping = True
            self.long_lines += 1
            # the kept part is given when the newline comes
        else:
            self._pending += data

    @property
    def partial(self) -> bool:
        """Whether a line without its newline is held (or being skipped, over-long)."""
        return bool(self._pending) or self._skipping

    def flush(self) -> list[str]:
        """The last line without a newline (a truncated last line), if any."""
        if not self._pending:
            self._skipping = False
            return []
        line = "" if self._skipping and self.drop_long else _decode(bytes(self._pending))
        self._pending.clear()
        self._skipping = False
        return [line]


def _decode(data: bytes | memoryview) -> str:
    return str(data, "utf-8", "surrogateescape")


_NULS_AFTER_NEWLINE = re.compile(rb"(?<=\n)\0+")


def _line_nuls_off(data: bytes, *, at_line_start: bool) -> bytes:
    """``data`` without the NUL bytes that start a line: the zeros a copytruncate'd log's
    writer left before its next line when it went on at its old offset. In the log itself
    they are a hole (skipped: :func:`next_data`); in a rotated copy of it (logrotate copies
    the hole as zeros; gzip keeps them) they were read as part of the next line, which was then
    malformed, or over 64 KiB and dropped: a message lost. A NUL inside a line is kept."""
    if at_line_start:
        data = data.lstrip(b"\0")
    return _NULS_AFTER_NEWLINE.sub(b"", data)


class LogFollower:
    """Follow one log path across rotations (see the module docstring). Call :meth:`poll`."""

    def __init__(
        self,
        path: str,
        *,
        start_at_end: bool = True,
        max_line: int = MAX_LINE,
        drop_long: bool = False,
    ):
        self.path = path
        self.max_line = max_line
        self.stats = FollowStats()
        self._splitter = LineSplitter(max_line, drop_long=drop_long)
        self._fd: int | None = None
        self._ident: tuple[int, int] | None = None
        self._offset = 0
        self._head = b""
        self._open(at_end=start_at_end)

    def _open(self, *, at_end: bool) -> bool:
        try:
            fd = open_log(self.path)
        except OSError:
            return False
        st = os.fstat(fd)
        self._fd = fd
        self._ident = (st.st_dev, st.st_ino)
        self._offset = st.st_size if at_end else 0
        self._head = os.pread(fd, _HEAD, 0)
        return True

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    @property
    def position(self) -> int:
        """The byte offset the next :meth:`poll` reads from (the end, just after opening)."""
        return self._offset

    def _read_to_end(self, fd: int) -> list[str]:
        out: list[str] = []
        while True:
            data_at = next_data(fd, self._offset)
            if data_at is None:  # only a hole is left: the end, until something is written
                return out
            if data_at > self._offset:  # a hole: it ends the line before it
                self._offset = data_at
                out += self._splitter.flush()
            data = os.pread(fd, CHUNK, self._offset)
            if not data:
                return out
            at_start = self._offset == 0
            self._offset += len(data)
            out += self._splitter.feed(data.removeprefix(BOM) if at_start else data)

    def poll(self) -> list[str]:
        """The complete lines written since the last call (across a rotation)."""
        out: list[str] = []
        if self._fd is None and not self._open(at_end=False):
            return out  # not there (yet); once it appears it is read from its start
        assert self._fd is not None
        fd = self._fd
        st = os.fstat(fd)
        if st.st_size < self._offset:  # copytruncate (or the file was emptied)
            self.stats.truncations += 1
            out += self._from_copy()
            out += self._splitter.flush()
            self._offset = 0
            self._head = b""
            st = os.fstat(fd)
        out += self._read_to_end(fd)
        if len(self._head) < _HEAD:
            self._head = os.pread(fd, _HEAD, 0)
        try:
            now = os.stat(self.path)
            moved = (now.st_dev, now.st_ino) != self._ident
        except OSError:
            moved = True  # renamed away and not (yet) recreated
            now = None
        if moved:
            out += self._read_to_end(fd)  # the last lines written to the old file
            out += self._splitter.flush()
            os.close(fd)
            self._fd = None
            self._ident = None
            if now is not None:
                self.stats.rotations += 1
                if self._open(at_end=False):
                    out += self._read_to_end(self._fd)  # type: ignore[arg-type]
            else:
                self.stats.rotations += 1
        self.stats.lines += len(out)
        self.stats.long_lines = self._splitter.long_lines
        return out

    def _from_copy(self) -> list[str]:
        """After a copytruncate: the part of the copy past the last offset."""
        copy = self.path + ".1"
        try:
            fd = open_log(copy)
        except OSError:
            self.stats.lost_bytes += self._offset  # not knowable exactly: at most this
            return []
        try:
            size = os.fstat(fd).st_size
            head = os.pread(fd, len(self._head), 0) if self._head else b""
            if size < self._offset or head != self._head:
                return []
            out: list[str] = []
            before = self._offset
            out += self._read_to_end(fd)
            self.stats.recovered_bytes += self._offset - before
            return out
        finally:
            os.close(fd)

    def close(self) -> list[str]:
        """Stop following; returns a last line that had no newline, if any."""
        out = self._splitter.flush()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        return out


#: what logrotate's ``compress`` (gzip) and a ``compresscmd`` of xz, bzip2 or zstd write
COMPRESSED = (".gz", ".xz", ".bz2", ".zst")


def compression_of(name: str) -> str:
    """The compression suffix of a rotated log's name (``.gz``, ``.xz``, ``.bz2``, ``.zst``),
    or ""."""
    return next((ext for ext in COMPRESSED if name.endswith(ext)), "")


class _Unzstd:
    """A ``.zst`` file decompressed by the ``zstd`` command that logrotate's ``compresscmd``
    used to write it (the standard library reads zstd only from Python 3.14 on): ``read(n)``
    as a file's, an OSError naming why when it cannot be read."""

    def __init__(self, source: BinaryIO, mode: str = "rb") -> None:
        import shutil
        import subprocess

        zstd = shutil.which("zstd")
        if zstd is None:
            raise OSError("a zstd file, and the zstd command is not installed (apt install zstd)")
        # argv, no shell; -q: no progress on stderr, which is read only for an error's reason;
        # the file as spamtrace opened it (open_log) on its stdin, not its name
        self._proc = subprocess.Popen(
            [zstd, "-dcq"], stdin=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip

    def read(self, size: int) -> bytes:
        assert self._proc.stdout is not None
        data = self._proc.stdout.read(size)
        if not data and self._proc.wait() != 0:
            assert self._proc.stderr is not None
            why = self._proc.stderr.read(4096).decode("utf-8", "replace").strip().splitlines()
            # "name.zst : Read error (39) : premature end": the reason, without zstd's name
            reason = why[-1].split(" : ", 1)[-1] if why else "zstd failed"
            raise OSError(f"not a valid zst file ({reason})")
        return data

    def __enter__(self) -> _Unzstd:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc.poll() is None:  # stopped early (an error while reading): not left behind
            self._proc.kill()
        self._proc.wait()
        for pipe in (self._proc.stdout, self._proc.stderr):
            if pipe is not None:
                pipe.close()


def rotated_paths(path: str, since: float | None) -> list[str]:
    """``path`` and its rotated copies last written after ``since`` (all with None), oldest
    first: ``path.1``, ``path.1.gz``, ``path.2.gz``, ... and dated ``path-YYYYMMDD[.gz]``
    (``.xz``, ``.bz2`` and ``.zst`` too), and ``path.YYYYMMDD-HHMMSS[.gz]`` (``postfix
    logrotate``, for Postfix's ``maillog_file``).

    The order is the one the names give (``.2`` is older than ``.1``; an earlier date is
    older), not the files' times: logs copied to another machine to be read there (``scp``,
    ``cp`` without ``-p``) have times of the copy, often all the same second, and read out
    of order a message's lines were split across two senders. The time breaks ties only."""
    folder, base = os.path.split(path)
    found: list[tuple[int, float, str]] = []
    try:
        names = os.listdir(folder or ".")
    except OSError:
        names = []
    for name in names:
        if not name.startswith(base) or name == base:
            continue
        rest = name[len(base) :]
        rest = rest[: -len(ext)] if (ext := compression_of(rest)) else rest
        stamp = rest[1:9].isdecimal() and rest[9:10] == "-" and rest[10:].isdecimal()
        if stamp and rest[:1] == "." and len(rest) == 16:  # `postfix logrotate`'s suffix
            rest = "-" + rest[1:9] + rest[10:]  # a date, as -YYYYMMDD: its time after it
        if not (rest[:1] in (".", "-") and rest[1:].isdecimal()):
            continue
        full = os.path.join(folder, name)
        try:
            st = os.stat(full, follow_symlinks=False)
        except OSError:
            continue
        if since is None or st.st_mtime >= since:
            number = int(rest[1:])  # .N: the N-th rotation back; -YYYYMMDD: the date
            found.append((-number if rest[0] == "." else number, st.st_mtime, full))
    found.sort()
    out = [p for _, _, p in found]
    if os.path.exists(path):
        out.append(path)
    return out


def read_back(
    paths: list[str], *, max_line: int = MAX_LINE, splitter: LineSplitter | None = None
) -> Iterator[list[str]]:
    """The lines of ``paths`` in order, a chunk (list) at a time; ``.gz`` files decompressed.
    An unreadable file raises OSError (the caller says which)."""
    split = splitter or LineSplitter(max_line)
    for path in paths:
        for lines, block in read_back_raw(path, split):
            if block is not None:
                lines += split.lines_of(block)
            if lines:
                yield lines


#: the first bytes of each compressed kind: a copy named so without them may be plain text
MAGIC = {".gz": b"\x1f\x8b", ".xz": b"\xfd7zXZ\x00", ".bz2": b"BZh", ".zst": b"\x28\xb5\x2f\xfd"}


def _plain_text(fd: int, ext: str) -> bool:
    """Whether a file named as compressed (``ext``) is plain text: without the magic of its
    kind and no NUL in its first block (``delaycompress`` misnamed, a copy made by hand).
    A file that is neither is not a valid ``ext`` file (OSError)."""
    head = os.pread(fd, READ_BLOCK, 0)
    if not head or head.startswith(MAGIC[ext]):
        return False
    if b"\0" in head:
        raise OSError(f"not a {ext[1:]} file, nor text")
    return True


def read_back_raw(
    path: str,
    split: LineSplitter,
    plain: list[str] | None = None,
    unfinished: list[str] | None = None,
) -> Iterator[tuple[list[str], memoryview | None]]:
    """One file (``.gz``, ``.xz``, ``.bz2``, ``.zst`` decompressed) as
    :meth:`LineSplitter.feed_raw` gives it, a chunk at a time, then its last line without a
    newline (a truncated last line), if any; also when the file breaks off (a cut ``.gz``),
    before its error is raised, so that the next file's first line is not glued to it. A file
    named as compressed that is plain text is read as text, and its path added to ``plain``.
    With ``unfinished`` (a log being written), a last line without its newline is not given
    but put there: the MTA has not finished writing it (`... P=loc` of `P=local`)."""
    ext = compression_of(path)
    opener: Callable[[BinaryIO, str], BinaryIO] | None = None
    broken: tuple[type[Exception], ...] = ()  # lzma's and zlib's errors are no OSError: made one
    if ext:  # a rotated log (`check`'s last hour almost never needs one): imported only then
        import bz2
        import gzip
        import lzma
        import zlib

        opener = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open,  # type: ignore[assignment]
                  ".zst": _Unzstd}[ext]  # fmt: skip
        broken = (lzma.LZMAError, zlib.error)  # a damaged .gz's data (not its header)
    error: Exception | None = None
    try:
        with contextlib.ExitStack() as files:
            fh: BinaryIO = files.enter_context(os.fdopen(open_log(path), "rb"))
            if opener is not None and _plain_text(fh.fileno(), ext):
                opener = None
                if plain is not None:
                    plain.append(path)
            if opener is not None:  # it does not close the file it was given
                fh = files.enter_context(opener(fh, "rb"))
            sparse = opener is None
            data = _read_block(fh, split, sparse=sparse).removeprefix(BOM)
            while data:
                yield split.feed_raw(data)
                data = _read_block(fh, split, sparse=sparse)
    except broken as exc:
        error = OSError(f"not a valid {ext[1:]} file ({exc})")
    except (OSError, EOFError) as exc:  # unreadable, or a .gz cut short
        error = exc
    tail = split.flush()
    if tail and unfinished is not None and error is None:
        unfinished += tail
    elif tail:
        yield tail, None
    if error is not None:
        raise error


def _read_block(fh: BinaryIO, split: LineSplitter, *, sparse: bool) -> bytes:
    """The next block of a log read back; in a plain file a hole is skipped (it ends the line
    that ``split`` holds)."""
    if sparse:
        pos = fh.tell()
        data_at = next_data(fh.fileno(), pos)
        fh.seek(pos if data_at is None else data_at)  # lseek moved the fd under the buffer
        if data_at is None:
            return b""
        if data_at > pos and split.partial:  # the held line ends at the hole
            return b"\n" + fh.read(READ_BLOCK)
        return fh.read(READ_BLOCK)
    # a compressed copy: what one step decompresses, so that a copy cut short gives the lines
    # before the cut (read() of a whole block raised at the cut and gave none of them)
    return getattr(fh, "read1", fh.read)(READ_BLOCK)


def read_tail_bytes(
    path: str,
    since: float,
    line_time: Callable[[str], float | None],
    *,
    max_bytes: int = 256 * 1024 * 1024,
    block: int = 4 * CHUNK,
    upto: int | None = None,
) -> bytes:
    """The last lines of ``path`` from about ``since`` on (``check``'s recent minutes):
    blocks are read backwards until one starts with a line older than ``since`` (at most
    ``max_bytes``), so a big log costs what its recent part costs. Lines a little older than
    ``since`` may come first: the caller filters by time. ``upto``: read only what lies before
    this offset (where a follower started), not what was written since."""
    chunks: list[bytes] = []
    with os.fdopen(open_log(path), "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        if upto is not None:
            size = min(size, upto)
        pos = size
        while pos > 0 and size - pos < max_bytes:
            step = min(block, pos)
            pos -= step
            fh.seek(pos)
            data = fh.read(step)
            chunks.insert(0, data)
            start = data.find(b"\n") + 1 if pos > 0 else 0
            end = data.find(b"\n", start)
            first = data[start : end if end >= 0 else len(data)]
            when = line_time(_decode(first[:MAX_LINE])) if first else None
            if when is not None and when < since:
                break
    blob = b"".join(chunks)
    if pos > 0:
        return blob[blob.find(b"\n") + 1 :]
    return blob.removeprefix(BOM)  # the file's start
