"""Scan files: read each safely with size and time limits, analyze, and use every core.

Reading: ``O_NOFOLLOW | O_NONBLOCK | O_NOCTTY`` (a file swapped for a symlink or a FIFO after
the walk is not followed and does not block), then ``fstat`` must say "regular file", and the
file the walk listed (device and inode): a file reached through a folder swapped for a link
since (``site/sub -> /etc``) is not read. A file
larger than ``max_file_size`` is reported ``skipped`` (never silently dropped); a file whose
size or mtime changed while it was read is scanned as read and noted.

Time: each file has ``file_timeout`` seconds. In worker processes a ``SIGALRM`` timer is the
hard stop; the analyzer also checks a cooperative deadline between stages, which is what
bounds in-process scans (``rank_files``), where no signal is used.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import multiprocessing
import multiprocessing.pool
import os
import re
import signal
import stat
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from types import FrameType
from typing import Any

from spamtrace import config
from spamtrace.model import DELETED
from spamtrace.scanner import learned
from spamtrace.scanner.analyze import Analysis, analyze, prepare
from spamtrace.scanner.context import BudgetExceeded
from spamtrace.scanner.lexer import has_php
from spamtrace.scanner.report import (
    ENOUGH_SCORE,
    STOPPED_NOTE,
    SUSPICIOUS_SCORE,
    VANISHED,
    FileReport,
    Finding,
    ScanVerdict,
)
from spamtrace.scanner.rules import Rule, YaraWords, load_rules, load_yara
from spamtrace.scanner.user_rules import UserRules
from spamtrace.scanner.walk import PROC_FD, REPLACED, FileId, Listed, WalkItem, open_long

READ_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_size: int = 16 * 1024 * 1024
    file_timeout: float = 2.0
    stop_at_score: int = ENOUGH_SCORE  # 0: run every rule on every file (all the reasons)
    learned_words: bool = False  # the learned word model's second opinion (opt-in)

    @classmethod
    def from_config(cls, cfg: config.ScanSection | None) -> Limits:
        if cfg is None:
            return cls()
        return cls(
            max_file_size=cfg.max_file_size,
            file_timeout=cfg.file_timeout,
            stop_at_score=0 if cfg.all_reasons else ENOUGH_SCORE,
            learned_words=cfg.learned_words,
        )


class _Unreadable(Exception):
    pass


_PHP_TAG = re.compile(rb"<\?php", re.IGNORECASE)
_TAIL_OVERLAP = 4  # bytes kept between two chunks of the tail search ("<?php" is 5 bytes)


def _php_in_rest(fd: int, prev: bytes, clock: Callable[[], float], deadline: float) -> bool | None:
    """Whether the rest of the open file (after ``prev``) holds a PHP open tag, read in
    chunks and not kept; None: the time ran out or a read failed first. The holes of a
    sparse file (read as zeros: no tag, and none across one) are skipped, not read: a
    2 GB ``truncate``d file is searched in no time, not left half-read at the limit."""
    while True:
        if clock() > deadline:
            return None
        try:
            here = os.lseek(fd, 0, os.SEEK_CUR)
            data_at = _next_data(fd, here)
            if data_at is None:
                return False  # only a hole (or nothing) left
            if data_at != here:
                prev = b""  # zeros between: the tail before the hole ends no tag
            chunk = os.read(fd, READ_CHUNK)
        except OSError:
            return None
        if not chunk:
            return False
        if _PHP_TAG.search(prev + chunk):
            return True
        prev = chunk[-_TAIL_OVERLAP:]


def _next_data(fd: int, offset: int) -> int | None:
    """Where the next data at or after ``offset`` starts (the file position set there),
    None past the last data; ``offset`` itself where the file system cannot tell holes."""
    seek_data = getattr(os, "SEEK_DATA", None)
    if seek_data is None:
        return offset
    try:
        return os.lseek(fd, offset, seek_data)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            return None
        os.lseek(fd, offset, os.SEEK_SET)
        return offset


@dataclass(frozen=True, slots=True)
class _Read:
    data: bytes
    note: str | None = None
    size: int = 0  # the file's size (more than len(data) when it was over the limit)
    php_after: bool | None = False  # over the limit: a PHP tag in the part not analysed


_OPEN_FLAGS = (
    os.O_RDONLY
    | os.O_NONBLOCK
    | os.O_NOCTTY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


#: the access time of a dropped script says when the web server last ran it: a scan (as root,
#: or by the file's owner) must not reset it; others may not use the flag (EPERM)
_NOATIME = getattr(os, "O_NOATIME", 0)


def _open_noatime(path: str, dir_fd: int | None = None) -> int:
    flags = _OPEN_FLAGS
    if PROC_FD.fullmatch(path):  # a running script that deleted itself
        flags &= ~getattr(os, "O_NOFOLLOW", 0)
    if _NOATIME:
        try:
            return open_long(path, flags | _NOATIME, dir_fd=dir_fd)
        except PermissionError:
            pass  # not ours to keep the time of: read as anyone would
    return open_long(path, flags, dir_fd=dir_fd)


_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def _open_in_listed_folder(path: str, ident: FileId) -> int:
    """Another file at ``path`` than the one the walk listed: open the file of that name in
    the folder that listed it, if ``path``'s folder still is that folder (device, inode): a
    file its owner replaced since (an editor's save, a cache rewritten by rename) is read,
    as it is inside the scan root; one reached through a folder swapped for a link since
    (``site/sub -> /etc``) is not (:data:`REPLACED`). Links on the way are followed to open
    the folder; its identity says whether they led back to the folder listed."""
    folder, name = os.path.split(path)
    try:
        dfd = open_long(folder or ".", _FOLDER_FLAGS)
    except OSError:
        raise _Unreadable(REPLACED) from None
    try:
        st = os.fstat(dfd)
        if (st.st_dev, st.st_ino) != (ident[2], ident[3]):
            raise _Unreadable(REPLACED)
        try:
            return _open_noatime(name, dir_fd=dfd)
        except FileNotFoundError:
            raise _Unreadable(VANISHED) from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise _Unreadable(_replaced_by_link(path)) from None
            raise _Unreadable(f"cannot open: {exc.strerror or exc}") from None
    finally:
        os.close(dfd)


def read_file(path: str, max_size: int) -> tuple[bytes, str | None]:
    """Read a regular file without following a symlink or blocking; return (data, note)."""
    got = _read(path, max_size)
    if len(got.data) < got.size:
        raise _Unreadable(f"too large: {got.size} bytes > limit {max_size}")
    return got.data, got.note


def _read(
    path: str,
    max_size: int,
    clock: Callable[[], float] = time.monotonic,
    deadline: float = float("inf"),
    ident: FileId | None = None,
) -> _Read:
    """Read a regular file without following a symlink or blocking; ``ident``: the file the
    walk listed at ``path`` (device or None, inode), the only one read there. A file over
    ``max_size`` gives its first ``max_size`` bytes (what is analysed), and the rest is
    searched for a PHP open tag without being kept: memory stays bounded, and padding
    appended to a mailer does not hide it."""
    try:
        fd = _open_noatime(path)
    except FileNotFoundError:
        raise _Unreadable(VANISHED) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW: a link put at its name since the walk
            raise _Unreadable(_replaced_by_link(path)) from None
        raise _Unreadable(f"cannot open: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if ident is not None and (
            st.st_ino != ident[1] or (ident[0] is not None and st.st_dev != ident[0])
        ):  # not the file listed: replaced in its folder, or a folder on the way swapped
            # for a link to /etc since: only the first is read
            fresh = _open_in_listed_folder(path, ident)
            os.close(fd)
            fd = fresh
            st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # a FIFO put at its name since the walk: not read
            kind = config.file_kind(st.st_mode)
            raise _Unreadable(f"replaced by {kind} since it was listed: not read")
        chunks: list[bytes] = []
        total = 0
        while total < max_size:
            want = min(READ_CHUNK, max_size - total)
            if total <= st.st_size:
                # up to one byte past the end fstat saw (the end, or a file that grew): a
                # read of 1 MiB for a file of 5 KiB allocates and maps 1 MiB first, which
                # cost three times the read itself
                want = min(want, st.st_size - total + 1)
            try:
                chunk = os.read(fd, want)
            except OSError as exc:
                raise _Unreadable(f"read error: {exc.strerror or exc}") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total == st.st_size and len(chunk) < want:
                break  # a short read that ends the file fstat saw: its end (no read of b"")
        data = b"".join(chunks)
        del chunks
        more = b"" if total < max_size or st.st_size > max_size else os.read(fd, 1)
        if total >= max_size and (st.st_size > max_size or more):
            # over the limit (or grew past it while read): the head is analysed
            php_after = _php_in_rest(fd, data[-_TAIL_OVERLAP:] + more, clock, deadline)
            return _Read(data, None, max(st.st_size, total + 1), php_after)
        after = os.fstat(fd)
        note = None
        if (after.st_size, after.st_mtime_ns) != (st.st_size, st.st_mtime_ns) or total != (
            st.st_size
        ):
            note = "changed while read: scanned what was read"
        return _Read(data, note, total)
    finally:
        os.close(fd)


def _replaced_by_link(path: str) -> str:
    """Why a file the walk listed was not read: a symlink is at its name now (said as the
    walk says a link: "cannot open: Too many levels of symbolic links" read as a fault)."""
    try:
        target = os.readlink(path)
    except OSError:
        return "replaced by a symlink since it was listed (not followed)"
    return f"replaced by a symlink since it was listed (not followed) -> {target}"


def _skipped(path: str, size: int, reason: str, seconds: float = 0.0) -> FileReport:
    return FileReport(
        path=path,
        verdict=ScanVerdict.SKIPPED,
        score=0,
        findings=(),
        size=size,
        reason=reason,
        seconds=seconds,
    )


#: files already analysed in one scan, by content and name -> the analysis, or the reason
#: it was skipped (too slow, too deeply nested: a copy would spend its time limit again)
Memo = dict[tuple[str, str], Analysis | str]
_MEMO_MAX = 20_000


def scan_file(
    path: str,
    limits: Limits,
    rules: tuple[Rule, ...],
    yara: YaraWords | None,
    *,
    known_hashes: frozenset[str] = frozenset(),
    clock: Callable[[], float] = time.monotonic,
    memo: Memo | None = None,
    user: UserRules | None = None,
    ident: FileId | None = None,
) -> FileReport:
    """Read and analyze one file (in this process); ``user``: the admin's own YARA rules,
    whose matches are findings like the built-in rules'; ``ident``: the file the walk listed
    at ``path`` (another file found there is skipped as replaced, not read).

    ``memo`` (one per scan, with the same rules and limits) remembers the analyses made: a
    hosting server holds many copies of the same WordPress core, plugins and libraries, and
    a copy's findings are those of the first, since the rules read nothing but the bytes and
    the file name. Bounded: past ``_MEMO_MAX`` entries the oldest goes."""
    start = clock()
    deadline = start + limits.file_timeout
    try:
        got = _read(path, limits.max_file_size, clock, deadline, ident)
    except _Unreadable as exc:
        return _skipped(path, 0, str(exc), clock() - start)
    data, note = got.data, got.note
    digest = hashlib.sha256(data).hexdigest()
    notes: tuple[str, ...] = (note,) if note else ()
    oversized: Finding | None = None
    incomplete = False
    if len(data) < got.size:
        limit = limits.max_file_size
        notes = (*notes, f"too large: {got.size} bytes > limit {limit}; the first {limit} analysed")
        if got.php_after is None:
            notes = (*notes, "the rest was not searched for PHP (time limit)")
            incomplete = True
        if got.php_after is not False or has_php(data, strict=True) >= 0:
            oversized = _oversized_finding(got.size, limit)
            incomplete = True
        digest = ""  # not the file's hash
    if digest in known_hashes:
        return FileReport(
            path=path,
            verdict=ScanVerdict.CLEAN,
            score=0,
            findings=(),
            size=len(data),
            sha256=digest,
            notes=(*notes, "in baseline (known good)"),
            seconds=clock() - start,
        )

    def check() -> None:
        if clock() > deadline:
            raise BudgetExceeded

    key = (digest, _file_name(path))
    result = memo.get(key) if memo is not None else None
    if result is None:
        try:
            result = analyze(data, key[1], rules, check, yara, stop_at=limits.stop_at_score)
        except BudgetExceeded:
            result = f"too slow: over {limits.file_timeout:g}s"
        except RecursionError:
            result = "too deeply nested"
        if memo is not None:
            if len(memo) >= _MEMO_MAX:
                del memo[next(iter(memo))]
            memo[key] = result
    if isinstance(result, str):
        if oversized is not None:  # too large and too deep: the size is the finding
            result = Analysis(0, ScanVerdict.CLEAN, (), 0, False, True)
        else:
            return replace(_skipped(path, got.size, result, clock() - start), sha256=digest or None)
    findings, score = result.findings, result.score
    extra = (oversized,) if oversized is not None else ()
    if user is not None:
        extra = (*extra, *user.findings(data))
    if limits.learned_words and (limits.stop_at_score == 0 or result.score < limits.stop_at_score):
        opinion = learned.finding(data)
        if opinion is not None:
            extra = (*extra, opinion)
    if extra:
        findings = tuple(sorted((*findings, *extra), key=lambda f: (-f.weight, f.rule)))
        score += sum(f.weight for f in extra)
    verdict = ScanVerdict.from_score(score)
    reason = None
    if result.cut_short:
        incomplete = True
        notes = (
            *notes,
            f"cut short: over the {limits.file_timeout:g}s time limit; the findings made "
            "by then stand",
        )
        if verdict is ScanVerdict.CLEAN:  # nothing found yet is not "clean"
            verdict = ScanVerdict.SKIPPED
            reason = f"too slow: over {limits.file_timeout:g}s (cut short, nothing found by then)"
    elif not result.complete:
        # the score reported (the admin's YARA rules and the size finding, which always run,
        # included): "MALICIOUS 22" with "stopped at score 12" read as two scores of one file
        notes = (*notes, f"{STOPPED_NOTE} {score}, enough for the verdict")
    return FileReport(
        path=path,
        verdict=verdict,
        score=score,
        findings=findings,
        size=got.size,
        sha256=digest or None,
        reason=reason,
        notes=notes,
        seconds=clock() - start,
        incomplete=incomplete,
    )


def _file_name(path: str) -> str:
    """The name the rules read (``php.in-image-file`` reads its extension): a running script
    that deleted itself, read through ``/proc/PID/fd/N``, is named by what the link says,
    less `` (deleted)`` (``logo.jpg``), not ``N``. The name is only matched, never shown."""
    if PROC_FD.fullmatch(path):
        try:
            target = os.readlink(path)
        except OSError:
            return os.path.basename(path)
        return os.path.basename(target.removesuffix(DELETED))
    return os.path.basename(path)


def _oversized_finding(size: int, limit: int) -> Finding:
    return Finding(
        rule=OVERSIZED_RULE,
        description="PHP code in a file over the scan's size limit: only its first part was "
        "analysed (padding is a way to hide a script from scanners)",
        weight=SUSPICIOUS_SCORE,
        line=0,
        excerpt=f"{size} bytes > limit {limit}",
    )


#: the finding of a PHP file over ``max_file_size`` (the engine's own, not a rules.toml rule)
OVERSIZED_RULE = "scan.oversized-php"


# ------------------------------------------------------------------ worker processes
_W: dict[str, object] = {}


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise BudgetExceeded


@contextlib.contextmanager
def _hard_stop(seconds: float) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` a little after ``seconds`` in this process, as the
    workers do: the cooperative deadline is only looked at between a file's steps, and a
    step that loops on a hostile file would hold the caller (a guard's ``check``) for good.
    Only on the main thread and while nobody else uses SIGALRM; elsewhere a no-op."""
    free = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not free:
        yield
        return
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds + 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def _in_process(
    path: str, limits: Limits, rules: tuple[Rule, ...], yara: YaraWords | None, **options: Any
) -> FileReport:
    """:func:`scan_file` in this process, under :func:`_hard_stop`."""
    try:
        with _hard_stop(limits.file_timeout):
            return scan_file(path, limits, rules, yara, **options)
    except BudgetExceeded:
        return _skipped(path, 0, f"too slow: over {limits.file_timeout:g}s")


#: the signals that stop a scan (the parent's handlers), blocked while the pool starts
_STOPS = {signal.SIGINT, signal.SIGTERM}


def _init_worker(limits: Limits, known: frozenset[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's: the pool stops us so
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # blocked by the parent until now
    signal.signal(signal.SIGALRM, _alarm)
    _W["limits"] = limits
    _W["known"] = known
    _W["memo"] = {}  # this worker's analyses of this scan
    if "rules" not in _W:  # not inherited from the parent (a start method other than fork)
        _W["rules"] = load_rules()
        _W["yara"] = load_yara()


def _work_batch(files: list[Listed]) -> list[FileReport]:
    return [_work(file) for file in files]


#: files per task, and bytes per task: few messages between the parent and the workers (each
#: costs the parent ~1 ms of CPU, taken from the workers' two cores), while the last tasks
#: stay short enough that both workers finish together
BATCH_FILES = 48
BATCH_BYTES = 1 << 20


def _batches(files: Iterable[Listed]) -> Iterator[list[Listed]]:
    batch: list[Listed] = []
    size = 0
    for file in files:
        if file.ident is not None:
            size += file.size  # as the walk saw it
        else:
            with contextlib.suppress(OSError):  # the worker reports why it cannot be read
                size += os.lstat(file.path).st_size
        batch.append(file)
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _work(file: Listed) -> FileReport:
    path = file.path
    limits: Limits = _W["limits"]  # type: ignore[assignment]
    report: FileReport | None = None
    try:
        # hard stop a little after the cooperative deadline
        signal.setitimer(signal.ITIMER_REAL, limits.file_timeout + 0.5)
        try:
            report = scan_file(
                path,
                limits,
                _W["rules"],  # type: ignore[arg-type]
                _W["yara"],  # type: ignore[arg-type]
                known_hashes=_W["known"],  # type: ignore[arg-type]
                memo=_W["memo"],  # type: ignore[arg-type]
                user=_W.get("user"),  # type: ignore[arg-type]
                ident=file.ident,
            )
        except MemoryError:
            report = _skipped(path, 0, "out of memory while scanning")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except BudgetExceeded:
        # the alarm rang during the file, or after it was done but before it was disarmed
        # (a loaded machine): raised out of here it ended the whole scan with a traceback
        signal.setitimer(signal.ITIMER_REAL, 0)
    if report is None:
        return _skipped(path, 0, f"too slow: over {limits.file_timeout:g}s")
    return report


class _Pool(multiprocessing.pool.Pool):
    """A pool whose worker-handler thread does not wake up for every result.

    ``Pool`` has that thread wait on the result pipe too, besides the workers' exits and its
    change notifier: it then wakes while the result-handler thread has not read the result
    yet, and loops until it has (~18 wake-ups a result here, a sixth of a scan's parent CPU
    on a tree of small files). It needs only the exits (watched apart) and the notifier,
    which also fires when the last pending task completes."""

    def _get_sentinels(self) -> list[Any]:
        sentinels: list[Any] = super()._get_sentinels()  # type: ignore[misc]
        reader = getattr(getattr(self, "_outqueue", None), "_reader", None)
        return [s for s in sentinels if s is not reader] if reader is not None else sentinels


def scan_paths(
    paths: Iterable[str | Listed],
    limits: Limits,
    *,
    jobs: int = 0,
    known_hashes: frozenset[str] = frozenset(),
    user: UserRules | None = None,
) -> Generator[FileReport, None, None]:
    """Scan ``paths`` with ``jobs`` worker processes (0: one per CPU); yields as they finish.
    A path the walk listed (:class:`Listed`) is read only if it is still the file listed;
    a plain path is read at whatever it names (a file the admin named).
    ``user``: the admin's own YARA rules (compiled once here; forked workers inherit them)."""
    jobs = jobs or os.cpu_count() or 1
    rules = load_rules()
    yara = load_yara()
    todo = (p if isinstance(p, Listed) else Listed(p) for p in paths)
    head = list(itertools.islice(todo, 2))
    if jobs <= 1 or len(head) < 2:
        # one file (``spamtrace scan x.php``) or none: forking the workers and compiling all
        # they may need first cost more than the file (0.36 -> 0.32 s of CPU for one file)
        memo: Memo = {}
        for file in itertools.chain(head, todo):
            yield _in_process(file.path, limits, rules, yara, known_hashes=known_hashes,
                              memo=memo, user=user, ident=file.ident)  # fmt: skip
        return
    # compile once here: the forked workers inherit the rules and their caches
    prepare(rules, yara)
    _W["rules"], _W["yara"], _W["user"] = rules, yara, user
    ctx = multiprocessing.get_context("fork")
    # Ctrl-C and SIGTERM wait while the pool starts: one that came then was raised inside
    # the pool's making (no `with` yet to stop it), or in a worker forked with the parent's
    # handlers, which died and was forked again by the pool's thread; a deadlocked worker
    # was left behind holding the output open. The pool's threads and workers start with
    # them blocked; each worker sets its own handlers, then takes them (_init_worker).
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        pool = _Pool(jobs, initializer=_init_worker, initargs=(limits, known_hashes), context=ctx)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    with pool:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        for reports in pool.imap_unordered(_work_batch, _batches(itertools.chain(head, todo))):
            yield from reports


# ------------------------------------------------------------------ bounded ranking API
_RANK_LOCK = threading.Lock()  # the compiled yara-x scanners are shared: one caller at a time
#: files of a sender's folder that :func:`rank_files` reads at most (the scripts apart)
RANK_FOLDER_FILES = 200


def rank_files(
    paths: Sequence[str],
    *,
    limit: int = 5,
    time_budget: float = 2.0,
    cfg: config.ScanSection | None = None,
    clock: Callable[[], float] = time.monotonic,
    stats: dict[str, int] | None = None,
    links: list[WalkItem] | None = None,
) -> list[FileReport]:
    """Scan files and folders (folders one level deep, at most 200 files, ``time_budget``
    seconds in all) and return the most suspicious first (verdict, then score, then the
    files named in ``paths``; a malicious file named in ``paths`` before the other malicious
    ones, whose scores are only where each stopped); only files
    that scored anything are returned, at most ``limit``, and the files named in ``paths``
    that could not be analysed whole. Runs in this process (no worker processes, no
    signals: safe from a thread; concurrent callers are serialized).

    The files named in ``paths`` (the running scripts) are scanned first and always, even
    once the budget is spent; a file of a folder has at most a quarter of the budget, so a
    few padded decoys cannot use it all. A folder's files are read likeliest first
    (:func:`likeliest_first`: PHP, newest, smallest), not by name. ``stats`` (if given) is
    filled with ``scanned``, ``not_scanned`` (folder files left when the budget or the 200
    files ran out) and ``cut_short``. ``links`` (if given) gets the symlinks of the folders
    that point where a site must not reach (``WalkItem.risk``: a symlink attack; never
    followed, never ranked among the files)."""
    with _RANK_LOCK:
        return _rank_files(
            paths, limit=limit, time_budget=time_budget, cfg=cfg, clock=clock, stats=stats,
            links=links,
        )  # fmt: skip


def _rank_files(
    paths: Sequence[str],
    *,
    limit: int,
    time_budget: float,
    cfg: config.ScanSection | None,
    clock: Callable[[], float],
    stats: dict[str, int] | None = None,
    links: list[WalkItem] | None = None,
) -> list[FileReport]:
    from spamtrace.scanner.walk import resolved, walk

    # the limits and the rules of `scan`, so that a file has one verdict and one score in
    # check, watch and scan (the stop at the malicious score included)
    limits = Limits.from_config(cfg)
    end = clock() + time_budget
    rules = load_rules()
    yara = load_yara()
    user = _user_rules(cfg.yara_rules) if cfg is not None and cfg.yara_rules else None
    reports: list[FileReport] = []
    seen: set[str] = set()
    count = not_scanned = cut_short = 0
    named = {p for p in paths if os.path.isfile(p)}
    named |= {resolved(p) for p in named}
    per_folder_file = max(0.05, time_budget / 4)
    scripts: list[WalkItem] = []
    folder: list[WalkItem] = []
    for item in walk(list(paths), max_depth=0, stat_files=False):
        if item.skipped and item.risk and links is not None and item.path not in seen:
            seen.add(item.path)
            links.append(item)
        if item.skipped or item.path in seen:
            continue
        seen.add(item.path)
        (scripts if item.path in named else folder).append(item)

    def ordered() -> Iterator[tuple[bool, WalkItem]]:
        yield from ((True, item) for item in scripts)
        # the folder's files once the scripts are read: the stats for its order have a
        # quarter of the budget left then (a cache folder of 100,000 files)
        until = min(end, clock() + per_folder_file)
        yield from ((False, item) for item in likeliest_first(folder, until, clock))

    for script, item in ordered():
        if not script and (clock() > end or count >= RANK_FOLDER_FILES):
            not_scanned += 1  # counted, and said by the caller
            continue
        count += 1
        remaining = max(0.05, end - clock())
        if script:  # the running script: scanned first and always, with a second at least
            budget = min(limits.file_timeout, max(remaining, 1.0))
        else:
            budget = min(limits.file_timeout, remaining, per_folder_file)
        own = replace(limits, file_timeout=budget)
        report = _in_process(item.path, own, rules, yara, clock=clock, user=user,
                             ident=item.ident)  # fmt: skip
        cut_short += report.incomplete or report.verdict is ScanVerdict.SKIPPED
        if report.score > 0 or (script and report.verdict is ScanVerdict.SKIPPED):
            reports.append(report)
    if stats is not None:
        stats.update(scanned=count, not_scanned=not_scanned, cut_short=cut_short)
    # a malicious running script first among the malicious: their scores are where each
    # stopped, enough for the verdict (a lower bound), and do not rank them (a folder's
    # mailer stopped at 15 was named "the file" over the running relay stopped at 13,
    # 20 and 21 with every rule); otherwise the running script first among equals
    reports.sort(
        key=lambda r: (
            -r.verdict.rank,
            r.verdict is ScanVerdict.MALICIOUS and r.path not in named,
            -r.score,
            r.path not in named,
            r.path,
        )
    )
    return reports[:limit]


#: a PHP file's name (what PHP runs, and what it includes or packs): read first of a folder
_CODE_NAME = re.compile(r"\.(?:php\d?|phtml|pht|phar|inc)$", re.IGNORECASE)
_DAY = 86400.0


def likeliest_first(
    files: Sequence[WalkItem], until: float, clock: Callable[[], float] = time.monotonic
) -> list[WalkItem]:
    """The files of a sender's folder in the order :func:`rank_files` reads them, the
    likeliest dropper first: PHP files (by name) before the others; then those stat'ed
    before ``until`` (by ``clock``) before the rest; then the newest first by day of their
    last change (data or inode: a dropper is new, and ``touch`` back-dates the one only),
    smaller first within a day, and by name. A folder listed by name read its first 200
    files, and a dropper named to sort last in a cache folder of thousands was never read.
    Each file is stat'ed without following a link (a link put at its name is read by no
    one: the reader refuses it), PHP files first, until ``until``."""
    keyed: list[tuple[bool, bool, float, int, str, WalkItem]] = []
    code = [(_CODE_NAME.search(item.path) is None, item) for item in files]
    code.sort(key=lambda pair: (pair[0], pair[1].path))
    timed_out = False
    for n, (other, item) in enumerate(code):
        st: os.stat_result | None = None
        if not timed_out and (n % 32 or clock() <= until):
            with contextlib.suppress(OSError):
                st = os.stat(item.path, follow_symlinks=False)
        else:
            timed_out = True
        if st is None or not stat.S_ISREG(st.st_mode):
            keyed.append((other, True, 0.0, 0, item.path, item))
            continue
        day = (max(st.st_mtime, st.st_ctime) // _DAY) * _DAY
        keyed.append((other, False, -day, st.st_size, item.path, item))
    keyed.sort(key=lambda k: k[:5])
    return [k[5] for k in keyed]


_USER_RULES: dict[str, tuple[tuple[tuple[str, float], ...], UserRules | None]] = {}


def _user_rules(folder: str) -> UserRules | None:
    """The admin's rules of ``folder`` (or of the one rule file it names), compiled again
    only when a file there changed; None
    when they do not compile (``scan`` and ``config check`` say why, with exit 2: a daemon
    keeps scanning with the built-in rules)."""
    from spamtrace.errors import ConfigError
    from spamtrace.scanner.user_rules import RULE_EXTENSIONS, load

    try:
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(RULE_EXTENSIONS))
            stamp = tuple((n, os.stat(os.path.join(folder, n)).st_mtime) for n in names)
        except NotADirectoryError:  # one rule file named (``load`` reads it alone)
            stamp = (("", os.stat(folder).st_mtime),)
    except OSError:
        return None
    cached = _USER_RULES.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        compiled: UserRules | None = load(folder)
    except ConfigError:
        compiled = None
    _USER_RULES[folder] = (stamp, compiled)
    return compiled
