"""What each process was when it started: a bounded cache fed by proc-connector events.

A spam script that connects and exits within a millisecond is often gone before the
tracepoint event can be attributed from ``/proc``. At EXEC its ``/proc`` entry is still there,
so we read it then and keep the result
keyed by pid, with its start time (a pid is reused: the key is pid + start time). An exec
costs a few syscalls (:func:`read_raw`: the owner, exe, cwd, cmdline and stat, as read); the
:class:`ProcessInfo` is made from them only when a connection asks about that pid
(:func:`info_of`), so a host starting hundreds of processes a second costs little. Processes
of system users (uid below ``[accounts] min_uid``, root included) keep only their uid and exe.
:func:`snapshot` is both steps at once; the live path of ``watch`` still uses ``read_process``.

- FORK of a process (not a thread) copies the parent's entry to the child (php-fpm workers
  fork without exec), until the child execs;
- UID changes update the uid (and make an entry for a process never seen to start: a child of
  a daemon older than the watcher);
- an exec nothing could be read of (gone at once) is kept for the UID event that may follow;
- EXIT marks the entry; it is dropped ``linger`` seconds later (the tracepoint event of a
  process's last connection can arrive after its EXIT event);
- FORK of a thread records which process the thread id belongs to (:meth:`ExecCache.thread_group`):
  a tracepoint event names the thread that connected, and once that thread is gone only this
  says which process it was part of;
- at most ``max_entries`` entries, least recently used dropped first.

When the proc connector's buffer overran (:meth:`ExecCache.overran`), the events sent in
that span are lost: a process forked or exec'd then is not known here, or known as an
earlier process of the same pid. :meth:`ExecCache.missed` says so for a connect that the
cache cannot attribute, and :meth:`ExecCache.lost_since` tells a caller that reuses what it
read of a pid before that the pid may have changed hands unseen.

Entries handed out carry ``method=exec-cache`` so reports show how the process was known.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from spamtrace.model import AttributionMethod, ParentProcess, ProcessInfo, host_path
from spamtrace.sources.proc_connector import ProcEvent, ProcEventKind

ProcessReader = Callable[[int], ProcessInfo]
_CLK_TCK = os.sysconf("SC_CLK_TCK")
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


class RawExec:
    """What an exec left in ``/proc``, as read (bytes and links): turned into a
    :class:`ProcessInfo` only when somebody asks (:func:`info_of`), which is rare.

    ``light``: a system user's process (uid below ``min_uid``), of which only the owner and
    the exe were read (:meth:`ExecCache.on_exec`). ``mono``: the monotonic time of the exec,
    when ``stat`` was not read then (it is read when asked for, if the process still runs)."""

    __slots__ = (
        "cmdline", "cwd", "exe", "gid", "light", "mono", "pid", "procfs", "root", "stat", "uid",
    )  # fmt: skip

    def __init__(
        self,
        pid: int,
        procfs: str,
        uid: int | None,
        gid: int | None,
        stat: bytes | None = None,
        exe: str | None = None,
        cwd: str | None = None,
        cmdline: bytes = b"",
        light: bool = False,
        mono: float | None = None,
        root: str | None = None,
    ) -> None:
        self.pid, self.procfs, self.uid, self.gid = pid, procfs, uid, gid
        self.stat, self.exe, self.cwd, self.cmdline, self.light = stat, exe, cwd, cmdline, light
        self.mono = mono
        #: the process's root when not "/" (a chroot: a jailed shell), read only when its
        #: command line holds an absolute path (a script it names inside that root)
        self.root = root


def read_raw(
    pid: int, procfs: str = "/proc", min_uid: int = 0, when: float | None = None
) -> RawExec:
    """The cheap part of :func:`snapshot`: a few syscalls, no parsing. A process of a uid below
    ``min_uid`` (a system user) is not read beyond its owner. With ``when`` (the monotonic
    time of its exec), ``stat`` is left for later (:func:`info_of`): it is the costliest read
    and only gives the name, the parent and the start time."""
    base = f"{procfs}/{pid}"
    try:
        st = os.stat(base)
    except OSError:
        return RawExec(pid, procfs, None, None)
    if st.st_uid < min_uid:
        # the exe too (one readlink): a setuid program (the MTA's exim4) is owned by root at
        # its exec, and its binary is what says it is the MTA once it has exited
        return RawExec(pid, procfs, st.st_uid, st.st_gid, exe=_readlink(f"{base}/exe"), light=True)
    cmdline = _read(f"{base}/cmdline", MAX_CMDLINE) or b""  # bounded: the cache stays small
    root = _readlink(f"{base}/root") if b"\0/" in cmdline else None
    return RawExec(
        pid, procfs, st.st_uid, st.st_gid,
        stat=None if when is not None else _read(f"{base}/stat", 1024),
        exe=_readlink(f"{base}/exe"), cwd=_readlink(f"{base}/cwd"), cmdline=cmdline,
        mono=when, root=root if root and root.startswith("/") and root != "/" else None,
    )  # fmt: skip


def _late_stat(raw: RawExec) -> bytes | None:
    """``stat`` read now for an exec recorded without it: only if the same process still runs
    (started no later than its exec; a later process that took the pid is not it)."""
    data = _read(f"{raw.procfs}/{raw.pid}/stat", 1024)
    if data is None or raw.mono is None:
        return None
    try:
        ticks = int(data[data.rfind(b")") + 2 :].split()[19])
    except (ValueError, IndexError):
        return None
    # stat counts from boot (suspend included); the exec time is monotonic (suspend excluded)
    since_boot = raw.mono + time.clock_gettime(time.CLOCK_BOOTTIME) - time.monotonic()
    return data if ticks / _CLK_TCK <= since_boot + 0.05 else None


def info_of(raw: RawExec) -> ProcessInfo:
    """The :class:`ProcessInfo` of what :func:`read_raw` read (the parent's name is read now)."""
    from spamtrace.attribution.process import (
        boot_time,
        family_of_name,
        interpreter_family,
        script_from_cmdline,
        user_name,
    )

    notes: list[str] = []
    start: float | None = None
    ppid = 0
    name: str | None = None
    data = raw.stat
    if data is None and raw.mono is not None and not raw.light:
        data = _late_stat(raw)
        if data is None:  # it has exited: what the exec event itself says
            start = time.time() - (time.monotonic() - raw.mono)
            argv0 = raw.cmdline.split(b"\0", 1)[0]
            name = os.fsdecode(posixpath.basename(argv0))[:15] if argv0 else None
    if raw.light:
        notes.append("a system user's process: only its uid and exe were recorded at exec")
    elif data is None and raw.mono is None:
        notes.append("stat: process exited before exec could be recorded")
    elif data is not None:
        open_at, close_at = data.find(b"("), data.rfind(b")")
        try:
            tail = data[close_at + 2 :].split()
            if open_at < 0 or close_at < open_at:
                raise ValueError("malformed stat")
            name = os.fsdecode(data[open_at + 1 : close_at])
            ppid = int(tail[1])
            start = boot_time(raw.procfs) + int(tail[19]) / _CLK_TCK
        except (ValueError, IndexError):
            notes.append("stat: unreadable")
    exe, cwd, raw_cmd = raw.exe, raw.cwd, raw.cmdline
    cmdline = tuple(
        part.decode("utf-8", "surrogateescape") for part in raw_cmd.rstrip(b"\0").split(b"\0")
    ) if raw_cmd else ()  # fmt: skip
    scripts: tuple[str, ...] = ()
    family = None
    if exe and exe.startswith("/") and any(cmdline[1:]) and family_of_name(exe) is None:
        family = interpreter_family(exe, follow=False)  # a renamed interpreter (build id)
    script = script_from_cmdline(cmdline, exe, family=family)
    if script:
        if not script.startswith("/") and cwd:
            script = posixpath.normpath(posixpath.join(cwd, script))
        elif script.startswith("/") and raw.root:  # a jail names it inside its root
            script = host_path(raw.root, script)
        scripts = (script,)
    parents: tuple[ParentProcess, ...] = ()
    if ppid > 0:
        comm = _read(f"{raw.procfs}/{ppid}/comm", 64)
        pname = comm.strip().decode("utf-8", "surrogateescape") if comm else "?"
        parents = (ParentProcess(ppid, pname, None, None),)
    return ProcessInfo(
        pid=raw.pid, start_time=start, name=name, exe=exe, cmdline=cmdline, uid=raw.uid,
        euid=raw.uid, gid=raw.gid, user=user_name(raw.uid), cwd=cwd, scripts=scripts,
        parents=parents, method=AttributionMethod.EXEC_CACHE, notes=tuple(notes),
    )  # fmt: skip


def snapshot(pid: int, procfs: str = "/proc") -> ProcessInfo:
    """A cheap read of what matters at exec time (~15x cheaper than ``read_process``).

    ``read_process`` (psutil, parent chain, fd scan) costs ~4 ms here, too much for every exec
    on a busy host, and at exec time the script is not open yet anyway, so the fd scan would
    find nothing: the script comes from the command line. The uid/gid are the owner of
    ``/proc/PID`` (the effective ids; root for a non-dumpable setuid program), which avoids
    reading the costly ``status`` file. Fields that cannot be read are None.
    """
    return info_of(read_raw(pid, procfs))


@dataclass(slots=True)
class _Entry:
    info: ProcessInfo | None  # None until first asked for: ``raw`` is turned into it then
    exec_time: float  # monotonic time of the EXEC (or FORK) event
    exited_at: float | None = None
    raw: RawExec | None = None
    pid: int = 0  # the pid this entry is for (a forked child shares its parent's raw read)
    uids: tuple[int | None, int | None] | None = None  # a UID change before materialization
    fallback: _Entry | None = None  # the fork's entry, for what an exec could not read
    #: an exec nothing could be read of: the exe of the process it was forked from (the
    #: program it ran is unknown; :meth:`ExecCache.forked_exe`)
    forked_exe: str | None = None


def _renamed(info: ProcessInfo, ruid: int | None) -> str | None:
    """The user of a process whose real uid changed to ``ruid`` (asked only of a process a
    connection asked about): a setuid program seen at its exec as root that dropped to a
    hosting user (the real exim4 run with a config of its own) was named by no user."""
    if ruid is None or ruid == info.uid:
        return info.user
    from spamtrace.attribution.process import user_name

    return user_name(ruid)


def _exe_of(entry: _Entry | None) -> str | None:
    """The exe an entry knows (without making its ProcessInfo)."""
    if entry is None:
        return None
    if entry.info is not None:
        return entry.info.exe
    return entry.raw.exe if entry.raw is not None else None


def _empty(entry: _Entry) -> bool:
    """An entry that knows nothing: its exec could not be read, nothing came before it."""
    raw = entry.raw
    return (
        entry.info is None and raw is not None and raw.uid is None and raw.exe is None
        and entry.fallback is None and entry.uids is None
    )  # fmt: skip


#: the note of an exec completed from its fork: the program is not the parent's
AFTER_EXEC = (
    "exec: gone before it could be read; its uid and folder are its parent's at fork "
    "(the program it ran is unknown)"
)


def completed(
    info: ProcessInfo,
    known: ProcessInfo,
    note: str = "exec: read partly from the parent at fork",
    *,
    program: bool = True,
) -> ProcessInfo:
    """``info`` of a process gone too soon, its missing fields filled from ``known`` (what its
    fork, or the exec cache, told us), with ``note`` saying so. ``program=False`` when
    ``known`` is the record of the fork that came before an exec: the exec replaced the
    program (exe, command line, scripts), so only the folder, the ids and the parents are
    still the fork's; a vanished ``sendmail`` run by PHP must not read as PHP, nor an exim
    delivery as whatever forked it.

    A script the command line names relative to a folder that could not be read then
    (``./kworker favicon.ico``, its cwd gone before the read) is made a path in the folder
    filled from ``known``: a bare ``favicon.ico`` names no file to look at or scan."""
    cwd = info.cwd or known.cwd
    scripts = info.scripts or (known.scripts if program else ())
    if cwd and not info.cwd:
        scripts = tuple(
            s if s.startswith("/") else posixpath.normpath(posixpath.join(cwd, s)) for s in scripts
        )
    return dataclasses.replace(
        info,
        exe=info.exe or (known.exe if program else None),
        cwd=cwd,
        uid=info.uid if info.uid is not None else known.uid,
        euid=info.euid if info.euid is not None else known.euid,
        gid=info.gid if info.gid is not None else known.gid,
        user=info.user or known.user,
        cmdline=info.cmdline or (known.cmdline if program else ()),
        scripts=scripts,
        parents=info.parents or known.parents,
        notes=(*info.notes, note),
    )


@dataclass(frozen=True, slots=True)
class ExecCacheStats:
    entries: int
    execs: int
    read_failures: int  # EXEC seen but /proc was already gone (nothing useful read)
    evicted: int  # dropped by the size bound while the process still lived
    expired: int
    light: int = 0  # execs of system users: only the uid recorded (``min_uid``)


class ExecCache:
    """pid -> ProcessInfo captured at exec time (bounded LRU, dropped after exit + linger).

    With the default reader, an exec costs a handful of syscalls (:func:`read_raw`) and nothing
    is parsed until a connection asks about that pid (:meth:`lookup`), which few processes
    ever do: on a host starting hundreds of processes a second, the parsing, the records and
    the parent's name are paid for the few that connect. Processes of system users (uid
    below ``min_uid``, root included: daemons, cron, the control panel) keep only their uid.
    A ``reader`` given instead is called at each exec and its result kept as is.
    """

    def __init__(
        self,
        max_entries: int = 65_536,
        linger: float = 30.0,
        reader: ProcessReader | None = None,
        *,
        min_uid: int = 0,
        procfs: str = "/proc",
    ) -> None:
        self.max_entries = max(1, max_entries)
        self.linger = linger
        self.min_uid = min_uid
        self.procfs = procfs
        self._reader = reader
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        #: thread id -> (its process's pid, created at, exited at or None), bounded like entries
        self._threads: OrderedDict[int, tuple[int, float, float | None]] = OrderedDict()
        self._execs = self._read_failures = self._evicted = self._expired = self._light = 0
        #: pid -> (exec time, what was read then): :meth:`prefetch`'s reads, for the exec's
        #: event when it is handled (:meth:`on_exec`)
        self._prefetched: dict[int, tuple[float, RawExec]] = {}
        #: child pid -> (its parent's pid, forked at, exited at or None) of a process that has
        #: not exec'd since its fork (it runs its parent's program), bounded like entries
        self._forks: OrderedDict[int, tuple[int, float, float | None]] = OrderedDict()
        #: spans (monotonic from, to) in which the proc connector lost events, the latest last
        self._lost: deque[tuple[float, float]] = deque(maxlen=64)

    def __len__(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------------ losses
    def overran(self, since: float, until: float) -> None:
        """The proc connector lost events sent between ``since`` and ``until`` (monotonic):
        its buffer overran (ENOBUFS) in that span, whose forks, execs, uid changes and exits
        may be missing here."""
        lost = self._lost
        if lost and since <= lost[-1][1]:  # the same overrun, read in two parts
            since = min(since, lost[-1][0])
            lost.pop()
        lost.append((since, max(since, until)))

    def missed(self, at: float) -> tuple[float, float] | None:
        """For a connect at ``at`` (monotonic) whose process the cache does not know: the
        latest span of lost events that began before ``at`` and ended less than ``linger``
        seconds before it (the process may have been forked or exec'd then, unseen); None:
        no such span, the cache saw every process start in that time."""
        for since, until in reversed(self._lost):
            if since < at and at - until <= self.linger:
                return since, until
        return None

    def lost_since(self, since: float, at: float) -> bool:
        """Whether the proc connector lost events between ``since`` and ``at`` (monotonic):
        a pid seen at ``since`` may then have been taken by another process unseen."""
        return any(lo < at and hi > since for lo, hi in self._lost)

    # ------------------------------------------------------------------ feeding
    def handle(self, event: ProcEvent) -> None:
        if event.kind is ProcEventKind.EXEC:
            self.on_exec(event.tgid, event.monotonic)
        elif event.kind is ProcEventKind.FORK:
            if not event.is_process:
                self.on_thread(event.pid, event.tgid, event.monotonic)
            elif event.parent_tgid is not None:
                self.on_fork(event.parent_tgid, event.tgid, event.monotonic)
        elif event.kind is ProcEventKind.UID:
            self.on_uid(event.tgid, event.ruid, event.euid, event.monotonic)
        elif event.kind is ProcEventKind.EXIT:
            if event.is_process:
                self.on_exit(event.tgid, event.monotonic)
            else:
                self.on_thread_exit(event.pid, event.monotonic)

    def on_thread(self, tid: int, pid: int, when: float) -> None:
        """A thread ``tid`` of process ``pid`` was created at ``when``."""
        self._threads[tid] = (pid, when, None)
        self._threads.move_to_end(tid)
        while len(self._threads) > self.max_entries:
            self._threads.popitem(last=False)

    def on_thread_exit(self, tid: int, when: float) -> None:
        known = self._threads.get(tid)
        if known is not None and known[2] is None:
            self._threads[tid] = (known[0], known[1], when)

    def thread_group(self, tid: int, at: float) -> int | None:
        """The pid of the process whose thread ``tid`` was at monotonic time ``at``: a thread
        created no later than ``at`` and not exited before it; None when no such thread was
        seen (``tid`` may be a process's main thread, whose pid is ``tid``)."""
        known = self._threads.get(tid)
        if known is None:
            return None
        pid, created, exited = known
        if created > at + 0.001 or (exited is not None and exited + 0.001 < at):
            return None
        return pid

    def forked_from(self, pid: int, at: float) -> int | None:
        """The pid of the process that forked the process holding ``pid`` at monotonic time
        ``at``, if that one had not exec'd since its fork (it ran its parent's program);
        None when the cache does not know (a fork before the watcher, or an exec since)."""
        fork = self._forks.get(pid)
        if fork is None or fork[1] > at + 0.001:
            return None  # not known, or a later process of the same pid
        if fork[2] is not None and fork[2] + 0.001 < at:
            return None  # it had exited before: the pid was another's at ``at``
        return fork[0]

    def forked_at(self, pid: int) -> float | None:
        """When (monotonic) the process the cache knows at ``pid`` was forked; None: no fork
        of it is known."""
        fork = self._forks.get(pid)
        return fork[1] if fork is not None else None

    def began(self, pid: int) -> float | None:
        """When the process the cache knows at ``pid`` began running its program (its exec,
        or its fork; monotonic): with the pid, it names that process. None: not known."""
        entry = self._entries.get(pid)
        return entry.exec_time if entry is not None else None

    def ran(self, pid: int, began: float, at: float) -> bool:
        """Whether the process that began at ``began`` (:meth:`began`) held ``pid`` at
        monotonic time ``at``: the cache still knows it (no exec or fork of that pid since)
        and it had not exited by then."""
        entry = self._entries.get(pid)
        if entry is None or entry.exec_time != began or began > at + 0.001:
            return False
        return entry.exited_at is None or entry.exited_at + 0.001 >= at

    def forked_exe(self, pid: int, at: float) -> str | None:
        """For the process that had ``pid`` at ``at``, if it exec'd a program nothing could
        be read of: the exe of the process it was forked from (whether it ran the same
        program is for the caller to tell, e.g. by the command name a trace showed)."""
        entry = self._entries.get(pid)
        if entry is None or not self.holds(pid, at):
            return None
        return entry.forked_exe

    def holds(self, pid: int, at: float) -> bool:
        """Whether the cache knows the process that had ``pid`` at monotonic time ``at``."""
        entry = self._entries.get(pid)
        if entry is None or entry.exec_time > at + 0.001:
            return False
        return entry.exited_at is None or entry.exited_at + 0.001 >= at

    def prefetch(self, pid: int, when: float) -> None:
        """Read what the exec of ``pid`` at ``when`` left in ``/proc`` now, while the process
        may still run, for :meth:`on_exec` of the same exec, which may come later: the events
        before it (its fork) are handled first, in order. Nothing changes in the cache."""
        if self._reader is not None:
            return
        pre = self._prefetched
        pre[pid] = (when, read_raw(pid, self.procfs, self.min_uid, when))
        if len(pre) > self.max_entries:  # execs whose events never came: forgotten
            del pre[next(iter(pre))]

    def on_exec(self, pid: int, when: float) -> None:
        self._execs += 1
        if self._forks:
            self._forks.pop(pid, None)  # another program now
        if self._reader is None:
            pre = self._prefetched.get(pid) if self._prefetched else None
            if pre is not None and pre[0] >= when:
                # read at this exec's wake-up; a later exec's read (the same pid exec'd again
                # at once) serves this one too, as a read now would, and stays for that one
                raw = pre[1]
                if pre[0] == when:
                    del self._prefetched[pid]
            else:
                if pre is not None:  # an older exec's read, never used
                    del self._prefetched[pid]
                raw = read_raw(pid, self.procfs, self.min_uid, when)
            if raw.light:
                self._light += 1
                self._put(pid, _Entry(None, when, raw=raw, pid=pid))
                return
            if raw.exe is not None and raw.cwd is not None and raw.cmdline:
                self._put(pid, _Entry(None, when, raw=raw, pid=pid))
                return
            # gone before it was read (a program that runs for microseconds): what its fork
            # told us completes it, when it is asked for; with nothing known, the entry waits
            # for the process's UID event (an exim delivery child dropping to Debian-exim)
            self._read_failures += 1
            known = self._entries.get(pid)
            entry = _Entry(None, when, raw=raw, pid=pid, fallback=known)
            entry.forked_exe = _exe_of(known)
            self._put(pid, entry)
            return
        else:
            try:
                info = self._reader(pid)
            except Exception:  # a reader must never stop the event loop
                self._read_failures += 1
                return
        if info.exe is None or info.cwd is None or not info.cmdline:
            self._read_failures += 1
            known = self._entries.get(pid)
            forked_exe = _exe_of(known)
            if known is not None:
                info = completed(info, self._info(known), AFTER_EXEC, program=False)
            elif info.uid is None:
                return
            if info.method is not AttributionMethod.EXEC_CACHE:
                info = dataclasses.replace(info, method=AttributionMethod.EXEC_CACHE)
            self._put(pid, _Entry(info, when, pid=pid, forked_exe=forked_exe))
            return
        if info.method is not AttributionMethod.EXEC_CACHE:
            info = dataclasses.replace(info, method=AttributionMethod.EXEC_CACHE)
        self._put(pid, _Entry(info, when, pid=pid))

    def _info(self, entry: _Entry) -> ProcessInfo:
        """The entry's ProcessInfo, made from its raw read the first time it is asked for."""
        if entry.info is None:
            assert entry.raw is not None
            info = info_of(entry.raw)
            if entry.pid != info.pid:  # a forked child: its parent's read, under its pid
                info = dataclasses.replace(info, pid=entry.pid, start_time=None)
            if entry.fallback is not None:
                info = completed(info, self._info(entry.fallback), AFTER_EXEC, program=False)
                entry.fallback = None
            if entry.uids is not None:
                ruid, euid = entry.uids
                info = dataclasses.replace(
                    info,
                    uid=ruid if ruid is not None else info.uid,
                    euid=euid if euid is not None else info.euid,
                    user=_renamed(info, ruid),
                )
            entry.info, entry.raw = info, None
        return entry.info

    def on_fork(self, parent: int, child: int, when: float) -> None:
        forks = self._forks
        forks[child] = (parent, when, None)
        forks.move_to_end(child)
        if len(forks) > self.max_entries:
            forks.popitem(last=False)
        entry = self._entries.get(parent)
        if entry is None:
            return
        if entry.info is None and entry.uids is None and entry.fallback is None:
            self._put(child, _Entry(None, when, raw=entry.raw, pid=child))
            return
        info = dataclasses.replace(self._info(entry), pid=child, start_time=None)
        self._put(child, _Entry(info, when, pid=child))

    def on_uid(
        self, pid: int, ruid: int | None, euid: int | None, when: float | None = None
    ) -> None:
        entry = self._entries.get(pid)
        if entry is None:
            if when is None or ruid is None:
                return
            # a process the cache never saw start (forked by a daemon older than the
            # watcher, e.g. exim's delivery child): its uid from now on is known
            from spamtrace.attribution.process import user_name

            info = ProcessInfo(
                pid=pid, start_time=None, name=None, exe=None, cmdline=(), uid=ruid, euid=euid,
                gid=None, user=user_name(ruid), cwd=None, scripts=(), parents=(),
                method=AttributionMethod.EXEC_CACHE,
                notes=("only its uid change was seen (it started before it was watched)",),
            )  # fmt: skip
            self._put(pid, _Entry(info, when, pid=pid))
            return
        if entry.info is None:
            entry.uids = (ruid, euid)
            return
        entry.info = dataclasses.replace(
            entry.info,
            uid=ruid if ruid is not None else entry.info.uid,
            euid=euid if euid is not None else entry.info.euid,
            user=_renamed(entry.info, ruid),
        )

    def on_exit(self, pid: int, when: float) -> None:
        fork = self._forks.get(pid)
        if fork is not None and fork[2] is None:
            self._forks[pid] = (fork[0], fork[1], when)
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
        if _empty(entry):
            return None  # an exec nothing could be read of, and no uid seen since
        self._entries.move_to_end(pid)
        return self._info(entry)

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
        gone = [
            tid
            for tid, (_, _, exited) in self._threads.items()
            if exited is not None and exited + self.linger < now
        ]
        for tid in gone:
            del self._threads[tid]
        ended = [
            pid
            for pid, (_, _, exited) in self._forks.items()
            if exited is not None and exited + self.linger < now
        ]
        for pid in ended:
            del self._forks[pid]
        return len(dead)

    def stats(self) -> ExecCacheStats:
        return ExecCacheStats(
            len(self._entries), self._execs, self._read_failures, self._evicted, self._expired,
            self._light,
        )  # fmt: skip
