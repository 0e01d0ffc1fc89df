"""One capture engine per store: a second ``watch`` or ``daemon`` on the same store is refused.

Two watchers on one store would count every connection twice. The engine takes an exclusive
``flock`` on ``<store>.lock`` (beside the store file) before it opens anything, and writes its
pid there. The kernel drops the lock when the process dies, even by ``kill -9``, so a stale
lock file never blocks a restart. A second instance reads the pid and refuses with one line
(exit 2) that names it.

The lock file also says how the last run ended: the holder writes ``pid started alive`` and
refreshes ``alive`` every few seconds (:meth:`InstanceLock.heartbeat`); a clean stop adds
``stopped``. A run that finds no ``stopped`` from the previous one knows it was killed
(``kill -9``, a crash, a power cut) and reports the capture gap, from that run's last sign of
life to now (:attr:`InstanceLock.gap`), instead of hiding it. After a clean stop the time from
that stop to this start is said too (:attr:`InstanceLock.stopped_before`), as a note: nothing
was watched then either (a restart's few seconds, or a stop of days).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time

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


def _lockless_engine(store_path: str) -> int | None:
    """The pid of another ``watch`` or ``daemon`` that has the store open without the lock:
    a spamtrace older than the lock (before 2026-12-04) writes the store with no lock file, and
    the lock alone let a newer engine start beside it (every connection counted twice, the
    incidents' counts overwritten by each in turn). Looked for once, at start, among the
    processes whose command line names ``watch`` or ``daemon``; readers never count."""
    target = os.path.realpath(store_path)
    me = os.getpid()
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    for pid in pids:
        if pid == me or not _command_of(pid):
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:  # gone, or not ours to read (not root)
            continue
        for fd in fds:
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
    return None


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
            from spamtrace.service.units import how_to_stop

            raise AlreadyRunning(
                f"the store {store_path} is in use by {what + ' ' if what else ''}({who}); "
                f"one watcher per store: stop it first ({how_to_stop(pid)}), or give this one "
                "another --db"
            ) from None
        lockless = _lockless_engine(store_path)
        if lockless is not None:
            os.close(fd)
            from spamtrace.service.units import how_to_stop

            raise AlreadyRunning(
                f"the store {store_path} is in use by {_command_of(lockless)} (pid {lockless}),"
                " which takes no store lock (a spamtrace older than 2026-12-04?); one watcher per"
                f" store: stop it first ({how_to_stop(lockless)}), or give this one another --db"
            )
        previous = b""
        with contextlib.suppress(OSError):
            previous = os.pread(fd, 256, 0)
        self._fd: int | None = fd
        self.started = time.time()
        #: (previous pid, its last sign of life, now) when the previous run did not stop cleanly
        self.gap: tuple[int, float, float] | None = _gap_of(previous, self.started)
        #: (previous pid, when it stopped) when the previous run stopped cleanly: nothing was
        #: watched from then to this start either (a stop, a restart), said as a note
        self.stopped_before: tuple[int, float] | None = _stop_of(previous)
        self.heartbeat()

    def _write(self, text: str) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            data = text.encode()
            os.pwrite(self._fd, data.ljust(64), 0)  # padded: one write, no truncation race
            os.ftruncate(self._fd, max(64, len(data)))

    def heartbeat(self) -> None:
        """Refresh ``alive`` (the engine calls it every few seconds)."""
        self._write(f"{os.getpid()} {self.started:.3f} {time.time():.3f}\n")

    def release(self) -> None:
        """A clean stop: say so in the file (the next run reports no gap), then unlock."""
        now = time.time()
        self._write(f"{os.getpid()} {self.started:.3f} {now:.3f} {now:.3f}\n")
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


#: a heartbeat older than this is no sign of a running engine (it refreshes every 5 s)
ALIVE_WITHIN = 60.0


def running_daemon(store_path: str, now: float | None = None) -> int | None:
    """The pid of the ``spamtrace daemon`` that holds ``store_path`` now, by its lock file
    (read, never locked: a start at that moment must not find it taken), or None: a run that
    stopped cleanly, a heartbeat older than :data:`ALIVE_WITHIN`, a pid that is no spamtrace
    daemon (a ``watch``, or a pid reused)."""
    try:
        with open(f"{store_path}.lock", "rb") as fh:
            parts = fh.read(256).split()
        pid, alive = int(parts[0]), float(parts[2])
    except (OSError, IndexError, ValueError):
        return None
    if len(parts) >= 4 or (now if now is not None else time.time()) - alive > ALIVE_WITHIN:
        return None
    return pid if _command_of(pid) == "spamtrace daemon" else None


def _stop_of(previous: bytes) -> tuple[int, float] | None:
    """``pid started alive stopped`` of a previous run that stopped cleanly -> (pid, stopped)."""
    parts = previous.split()
    try:
        return int(parts[0]), float(parts[3])
    except (IndexError, ValueError):
        return None  # killed, a new store, or a file from an older spamtrace


def _gap_of(previous: bytes, now: float) -> tuple[int, float, float] | None:
    """``pid started alive [stopped]`` of the previous run -> its gap (None: clean, or new)."""
    parts = previous.split()
    try:
        pid, alive = int(parts[0]), float(parts[2])
    except (IndexError, ValueError):
        return None  # a new store, or a file from an older spamtrace: nothing to say
    if len(parts) >= 4:
        return None  # it stopped cleanly
    return pid, alive, now
