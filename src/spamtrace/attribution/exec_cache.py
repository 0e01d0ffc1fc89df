"""What each process was when it started: a bounded cache fed by proc-connector events.

A spam script that connects and exits within a millisecond is often gone before the
tracepoint event can be attributed from ``/proc``. At EXEC its ``/proc`` entry is still there,
so we read it then (:func:`spamtrace.attribution.process.read_process`) and keep the result
keyed by pid, with its start time (a pid is reused: the key is pid + start time). The default
reader is :func:`snapshot` (direct ``/proc`` reads, ~10x cheaper than
:func:`spamtrace.attribution.process.read_process`, which can be passed as ``reader`` instead);
the live path of ``watch`` still uses ``read_process``.

- FORK of a process (not a thread) copies the parent's entry to the child (php-fpm workers
  fork without exec), until the child execs;
- UID changes update the uid;
- EXIT marks the entry; it is dropped ``linger`` seconds later (the tracepoint event of a
  process's last connection can arrive after its EXIT event);
- at most ``max_entries`` entries, least recently used dropped first.

Entries handed out carry ``method=exec-cache`` so reports show how the process was known.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from spamtrace.model import AttributionMethod, ParentProcess, ProcessInfo
from spamtrace.sources.proc_connector import ProcEvent, ProcEventKind

ProcessReader = Callable[[int], ProcessInfo]
#: bytes of a command line kept per cache entry (65,536 entries must stay well under 80 MB)
MAX_CMDLINE = 1024


def _readlink(path: str) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def _read(path: str, size: int = 4096) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        return os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)


def snapshot(pid: int, procfs: str = "/proc") -> ProcessInfo:
    """A cheap read of what matters at exec time (~15x cheaper than ``read_process``).

    ``read_process`` (psutil, parent chain, fd scan) costs ~4 ms here, too much for every exec
    on a busy host, and at exec time the script is not open yet anyway, so the fd scan would
    find nothing: the script comes from the command line. The uid/gid are the owner of
    ``/proc/PID`` (the effective ids; root for a non-dumpable setuid program), which avoids
    reading the costly ``status`` file. Fields that cannot be read are None.
    """
    from spamtrace.attribution.process import ProcStat, script_from_cmdline, user_name

    base = f"{procfs}/{pid}"
    notes: list[str] = []
    start: float | None = None
    ppid = 0
    name: str | None = None
    try:
        stat = ProcStat(procfs, pid)
        name, ppid, start = stat.name, stat.ppid, stat.start_time
    except (ValueError, IndexError):
        notes.append("stat: unreadable")
    except OSError:
        notes.append("stat: process exited before exec could be recorded")
    uid = gid = None
    try:
        st = os.stat(base)
        uid, gid = st.st_uid, st.st_gid
    except OSError:
        pass
    exe = _readlink(f"{base}/exe")
    cwd = _readlink(f"{base}/cwd")
    raw = _read(f"{base}/cmdline", MAX_CMDLINE) or b""  # bounded: the cache must stay small
    cmdline = tuple(
        part.decode("utf-8", "surrogateescape") for part in raw.rstrip(b"\0").split(b"\0")
    ) if raw else ()  # fmt: skip
    scripts: tuple[str, ...] = ()
    script = script_from_cmdline(cmdline, exe)
    if script:
        if not script.startswith("/") and cwd:
            script = posixpath.normpath(posixpath.join(cwd, script))
        scripts = (script,)
    parents: tuple[ParentProcess, ...] = ()
    if ppid > 0:
        comm = _read(f"{procfs}/{ppid}/comm", 64)
        pname = comm.strip().decode("utf-8", "surrogateescape") if comm else "?"
        parents = (ParentProcess(ppid, pname, None, None),)
    return ProcessInfo(
        pid=pid, start_time=start, name=name, exe=exe, cmdline=cmdline, uid=uid, euid=uid,
        gid=gid, user=user_name(uid), cwd=cwd, scripts=scripts, parents=parents,
        method=AttributionMethod.EXEC_CACHE, notes=tuple(notes),
    )  # fmt: skip


def _default_reader(pid: int) -> ProcessInfo:
    return snapshot(pid)


@dataclass(slots=True)
class _Entry:
    info: ProcessInfo
    exec_time: float  # monotonic time of the EXEC (or FORK) event
    exited_at: float | None = None


@dataclass(frozen=True, slots=True)
class ExecCacheStats:
    entries: int
    execs: int
    read_failures: int  # EXEC seen but /proc was already gone (nothing useful read)
    evicted: int  # dropped by the size bound while the process still lived
    expired: int


class ExecCache:
    """pid -> ProcessInfo captured at exec time (bounded LRU, dropped after exit + linger)."""

    def __init__(
        self,
        max_entries: int = 65_536,
        linger: float = 30.0,
        reader: ProcessReader | None = None,
    ) -> None:
        self.max_entries = max(1, max_entries)
        self.linger = linger
        self._reader = reader or _default_reader
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._execs = self._read_failures = self._evicted = self._expired = 0

    def __len__(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------------ feeding
    def handle(self, event: ProcEvent) -> None:
        if event.kind is ProcEventKind.EXEC:
            self.on_exec(event.tgid, event.monotonic)
        elif event.kind is ProcEventKind.FORK and event.is_process:
            if event.parent_tgid is not None:
                self.on_fork(event.parent_tgid, event.tgid, event.monotonic)
        elif event.kind is ProcEventKind.UID:
            self.on_uid(event.tgid, event.ruid, event.euid)
        elif event.kind is ProcEventKind.EXIT and event.is_process:
            self.on_exit(event.tgid, event.monotonic)

    def on_exec(self, pid: int, when: float) -> None:
        self._execs += 1
        try:
            info = self._reader(pid)
        except Exception:  # a reader must never stop the event loop
            self._read_failures += 1
            return
        if info.exe is None or info.cwd is None or not info.cmdline:
            self._read_failures += 1
            known = self._entries.get(pid)
            if known is not None:
                # the process was gone too soon: keep what its fork told us, fill in the rest
                info = dataclasses.replace(
                    info,
                    exe=info.exe or known.info.exe,
                    cwd=info.cwd or known.info.cwd,
                    uid=info.uid if info.uid is not None else known.info.uid,
                    euid=info.euid if info.euid is not None else known.info.euid,
                    gid=info.gid if info.gid is not None else known.info.gid,
                    user=info.user or known.info.user,
                    cmdline=info.cmdline or known.info.cmdline,
                    scripts=info.scripts or known.info.scripts,
                    parents=info.parents or known.info.parents,
                    notes=(*info.notes, "exec: read partly from the parent at fork"),
                )
            elif info.uid is None:
                return
        if info.method is not AttributionMethod.EXEC_CACHE:
            info = dataclasses.replace(info, method=AttributionMethod.EXEC_CACHE)
        self._put(pid, _Entry(info, when))

    def on_fork(self, parent: int, child: int, when: float) -> None:
        entry = self._entries.get(parent)
        if entry is None:
            return
        info = dataclasses.replace(entry.info, pid=child, start_time=None)
        self._put(child, _Entry(info, when))

    def on_uid(self, pid: int, ruid: int | None, euid: int | None) -> None:
        entry = self._entries.get(pid)
        if entry is None:
            return
        entry.info = dataclasses.replace(
            entry.info,
            uid=ruid if ruid is not None else entry.info.uid,
            euid=euid if euid is not None else entry.info.euid,
            user=None if ruid != entry.info.uid else entry.info.user,
        )

    def on_exit(self, pid: int, when: float) -> None:
        entry = self._entries.get(pid)
        if entry is not None and entry.exited_at is None:
            entry.exited_at = when

    def _put(self, pid: int, entry: _Entry) -> None:
        self._entries[pid] = entry
        self._entries.move_to_end(pid)
        while len(self._entries) > self.max_entries:
            _, old = self._entries.popitem(last=False)
            if old.exited_at is None:
                self._evicted += 1

    # ------------------------------------------------------------------ using
    def lookup(self, pid: int, at: float | None = None) -> ProcessInfo | None:
        """The process that had ``pid`` at monotonic time ``at`` (default: latest)."""
        entry = self._entries.get(pid)
        if entry is None:
            return None
        if at is not None and entry.exec_time > at + 0.001:
            return None  # this pid exec'd after the event: a different program now
        if at is not None and entry.exited_at is not None and entry.exited_at + 0.001 < at:
            return None  # it had exited before the event: the pid was reused since
        self._entries.move_to_end(pid)
        return entry.info

    def expire(self, now: float) -> int:
        """Drop entries whose process exited more than ``linger`` seconds before ``now``."""
        dead = [
            pid
            for pid, e in self._entries.items()
            if e.exited_at is not None and e.exited_at + self.linger < now
        ]
        for pid in dead:
            del self._entries[pid]
        self._expired += len(dead)
        return len(dead)

    def stats(self) -> ExecCacheStats:
        return ExecCacheStats(
            len(self._entries), self._execs, self._read_failures, self._evicted, self._expired
        )
