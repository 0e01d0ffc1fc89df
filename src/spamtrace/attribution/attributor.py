"""Who made a connect attempt: live /proc, then the exec cache, then the uid only.

:class:`Attributor` turns a source event into an :class:`AttributedAttempt` and never drops
one: a process that exited before it could be read is completed from the proc-connector exec
cache (:mod:`spamtrace.attribution.exec_cache`), and failing that attributed by its uid alone
(``uid-only``: a zombie's ``status``, or the owner of its still open socket from sock_diag),
or not at all (``none``, verdict ``unknown`` on port 25). The method used is recorded on every
attempt.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from spamtrace.model import (
    DELETED,
    AttributedAttempt,
    AttributionMethod,
    Connection,
    ProcessInfo,
    SmtpConnectAttempted,
    SmtpConnectBlocked,
    SocketRecord,
    TcpState,
    Verdict,
    is_within,
    without_deleted,
)

if TYPE_CHECKING:
    from spamtrace.attribution.accounts import AccountResolver
    from spamtrace.attribution.exec_cache import ExecCache
    from spamtrace.attribution.mta import MtaIdentity
    from spamtrace.config import Config
    from spamtrace.model import Account
    from spamtrace.sources.fpm_access import FpmAccessLogs

#: how long a live /proc read of a pid is reused for later events of the same process
LIVE_MEMO_SECONDS = 2.0
#: how long after a live read a connect of the same pid and comm, whose process has exited
#: since, is still taken as that process's (:meth:`Attributor._read_at_an_earlier_connect`)
AFTER_READ_SECONDS = 5.0
#: how long the program of a process read in full names a vanished exec of the same uid,
#: folder and command name (:meth:`Attributor._same_name`)
SAME_NAME_SECONDS = 60.0
#: how long the judgement of an NFLOG record is reused for the next ones of its uid and
#: destination (:meth:`Attributor.blocked`)
BLOCKED_JUDGED_SECONDS = 1.0
#: the processes whose live read and attribution are kept (the latest updated)
MAX_KNOWN_PROCESSES = 4096
_CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat_state_start(pid: int) -> tuple[bytes, str] | None:
    """Fields 3 (state) and 22 (starttime, clock ticks since boot) of /proc/PID/stat, in
    one read: what identifies the process cheaply, and whether it has ended (a zombie)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    tail = data[data.rfind(b")") + 2 :].split()
    return (tail[0], tail[19].decode()) if len(tail) > 19 else None


def _stat_start(pid: int) -> str | None:
    """Field 22 (starttime, clock ticks) of /proc/PID/stat: identifies the process cheaply."""
    got = _stat_state_start(pid)
    return got[1] if got is not None else None


def _status_uid(pid: int) -> tuple[int | None, int | None]:
    """(real uid, real gid) from /proc/PID/status (readable for a zombie)."""
    uid = gid = None
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Uid:"):
                    uid = int(line.split()[1])
                elif line.startswith(b"Gid:"):
                    gid = int(line.split()[1])
                    break
    except (OSError, ValueError, IndexError):
        pass
    return uid, gid


def _zombie_uid(pid: int, at: float) -> tuple[int | None, int | None]:
    """:func:`_status_uid` of ``pid`` if the process holding it now started no later than
    monotonic time ``at`` (its connect): a process that took the pid since (a fork flood
    hands out the whole pid range within seconds; the exec cache may have lost its fork) is
    not the one that made it, and its uid is not that connect's."""
    got = _stat_state_start(pid)
    if got is None:
        return None, None
    try:
        started = int(got[1]) / _CLK_TCK
    except ValueError:
        return None, None
    since_boot = at + time.clock_gettime(time.CLOCK_BOOTTIME) - time.monotonic()
    if started > since_boot + 0.05:
        return None, None
    return _status_uid(pid)


def _task_group(tid: int, at: float) -> int | None:
    """The pid of the process whose thread (or main thread) ``tid`` is, from
    ``/proc/TID/status``, if that task started no later than monotonic time ``at`` (a task
    that started after the event took a reused id and is not the one that made it)."""
    try:
        with open(f"/proc/{tid}/stat", "rb") as fh:
            stat = fh.read()
        with open(f"/proc/{tid}/status", "rb") as fh:
            status = fh.read(4096)
        started = int(stat[stat.rfind(b")") + 2 :].split()[19]) / _CLK_TCK
        at_line = status.index(b"\nTgid:")
        group = int(status[at_line + 6 : status.index(b"\n", at_line + 1)])
    except (OSError, ValueError, IndexError):
        return None
    since_boot = at + time.clock_gettime(time.CLOCK_BOOTTIME) - time.monotonic()
    return group if started <= since_boot + 0.05 else None


#: what a live read of a process is reused under: its program, command line, folder and open
#: scripts (see :func:`_request_state`)
RequestState = tuple[str | None, bytes, str | None, frozenset[str]]


def _request_state(pid: int) -> RequestState | None:
    """The program, command line, working folder and open script files of ``pid`` now (None:
    unreadable). An exec keeps the pid, its start time and often its folder: the program
    and command line tell the new one from the old (``python3 first.py`` exec'ing ``perl
    then.pl`` had perl's connects named after python's read for 2 s)."""
    from spamtrace.attribution.process import open_script_files

    try:
        cwd: str | None = os.readlink(f"/proc/{pid}/cwd")
        exe = os.readlink(f"/proc/{pid}/exe")
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read(4096)
    except OSError:
        return None
    return exe, cmdline, cwd, frozenset(open_script_files("/proc", pid))


#: an account, a verdict and its reasons
_Judged = tuple["Account | None", Verdict, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class LiveRead:
    """One read of a process in /proc: when (monotonic), its start (clock ticks since boot,
    as ``stat`` shows it), what was read, and its :func:`_request_state` then."""

    at: float
    start: str
    info: ProcessInfo
    state: RequestState | None = None


@dataclass(frozen=True, slots=True)
class ChildSeen:
    """The latest connect, attributed in full, of a process forked by this one that had not
    exec'd (it ran this one's program): its command name, its attribution, and what named
    this process then: its start time (epoch seconds, as ``ProcessInfo.start_time``; None:
    it could not be read) and when it began its program as the exec cache knows it (None:
    the cache does not know it)."""

    comm: str | None
    attributed: AttributedAttempt
    parent_start: float | None
    parent_began: float | None = None


@dataclass(frozen=True, slots=True)
class KnownProcess:
    """What is known about the process holding one pid: its latest live read (reused for
    :data:`LIVE_MEMO_SECONDS`), the attribution of its latest connect attributed in full
    with the command name the trace gave it (the engine's backlog reuses it), and that of
    its latest child's (:class:`ChildSeen`)."""

    read: LiveRead | None = None
    comm: str | None = None
    attributed: AttributedAttempt | None = None
    child: ChildSeen | None = None


def _same_comm(kept: str | None, seen: str | None) -> bool:
    """Whether a forked child's command name as the trace shows it (``seen``) is the one kept
    with an attribution (``kept``). None on either side is a name the trace did not give
    (``<...>``: the kernel keeps the names of a few thousand recent pids, ``saved_cmdlines``,
    which a fork flood read a second late has gone through), not another name: a child with
    no exec since its fork runs its parent's program (the fork record says so), which is
    what the name stood for."""
    return kept is None or seen is None or kept == seen


class KnownProcesses:
    """pid -> :class:`KnownProcess`: the one place that says what is known about a process
    (the live read memo and the attribution of its connects), the latest
    :data:`MAX_KNOWN_PROCESSES` updated kept."""

    def __init__(self, limit: int = MAX_KNOWN_PROCESSES) -> None:
        self._by_pid: OrderedDict[int, KnownProcess] = OrderedDict()
        self.limit = limit

    def __len__(self) -> int:
        return len(self._by_pid)

    def get(self, pid: int) -> KnownProcess | None:
        return self._by_pid.get(pid)

    def _put(self, pid: int, known: KnownProcess) -> None:
        by_pid = self._by_pid
        by_pid[pid] = known
        by_pid.move_to_end(pid)
        if len(by_pid) > self.limit:
            by_pid.popitem(last=False)

    def read(self, pid: int, read: LiveRead) -> None:
        """A live read of ``pid``; the attribution of a connect stays with it while the pid
        holds the same process (the same start)."""
        old = self._by_pid.get(pid)
        if old is None or (old.read is not None and old.read.start != read.start):
            self._put(pid, KnownProcess(read))
        else:
            self._put(pid, replace(old, read=read))

    def attributed(self, pid: int, comm: str | None, att: AttributedAttempt) -> None:
        """The attribution of a connect of ``pid`` named ``comm`` by the trace: kept when it
        names the process in full (a uid-only attempt is not reused)."""
        p = att.process
        if p is None or p.uid is None or p.method is AttributionMethod.UID_ONLY:
            return
        old = self._by_pid.get(pid)
        if old is None:
            self._put(pid, KnownProcess(None, comm, att))
        else:
            self._put(pid, replace(old, comm=comm, attributed=att))

    def child_attributed(self, parent: int, child: ChildSeen) -> None:
        """A connect of a process forked by ``parent`` with no exec since, attributed in
        full: its siblings' connects may reuse it."""
        p = child.attributed.process
        if p is None or p.uid is None or p.method is AttributionMethod.UID_ONLY:
            return
        old = self._by_pid.get(parent) or KnownProcess()
        self._put(parent, replace(old, child=child))

    def forked(self, parent: int, comm: str | None) -> ChildSeen | None:
        """For a new process forked by ``parent`` (no exec since) whose connect the trace
        names ``comm``: the attribution of ``parent``'s own connect under that name, else of
        its latest child's, with what named ``parent`` then (the caller checks that
        ``parent`` is still that process). None: neither is kept."""
        known = self._by_pid.get(parent)
        if known is None:
            return None
        if known.attributed is not None and _same_comm(known.comm, comm):
            p = known.attributed.process
            return ChildSeen(comm, known.attributed, p.start_time if p is not None else None)
        if known.child is not None and _same_comm(known.child.comm, comm):
            return known.child
        return None

    def sender(
        self, pid: int, comm: str | None, began: float | None = None
    ) -> AttributedAttempt | None:
        """The latest attribution of a connect of ``pid`` named ``comm`` (None: none kept).
        ``began``: when the process at ``pid`` began its program as the exec cache knows it
        (monotonic; None: not known): an attribution of a connect made before that is of the
        program the pid ran before its exec, never reused. The trace's command name alone
        does not tell: the kernel saves a task's name when it is switched out, so the first
        connects after an exec can still carry the old program's name (perl's connects read
        as python3's: ``python3 first.py`` exec'ing ``perl then.pl``). The caller checks that
        the pid still holds that process (its start time)."""
        known = self._by_pid.get(pid)
        if known is None or known.attributed is None or known.comm != comm:
            return None
        made = known.attributed.event
        if began is not None and isinstance(made, SmtpConnectAttempted) and made.monotonic < began:
            return None
        return known.attributed


#: the note of an exec cache record older than events the proc connector lost
STALE_AFTER_LOSS = (
    "the proc connector lost events (its buffer overran) between this record (the process's "
    "exec or fork) and the connect: an exec since, or another process at this pid, may have "
    "gone unseen (the program and command line are those recorded then)"
)

#: seconds within which two start times of a pid are one process (/proc's clock ticks)
SAME_START = 0.05


def _still_running(pid: int, start_time: float | None) -> bool:
    """Whether ``pid`` is held now by the process that started at ``start_time`` (epoch)."""
    from spamtrace.attribution.process import started_now

    try:
        now = started_now(pid)
    except OSError:
        return False
    return now is not None and start_time is not None and abs(now - start_time) < SAME_START


def forked_child_runs(pid: int, forked: float | None) -> bool:
    """Whether the process forked at ``forked`` (monotonic) still runs at ``pid``: its /proc
    start (clock ticks since boot) within a few ticks of that fork, and not a zombie. One
    read of its stat. False: gone, ended, another process, or no fork time known."""
    if forked is None:
        return False
    got = _stat_state_start(pid)
    if got is None or got[0] in (b"Z", b"X"):
        return False
    try:
        started = int(got[1]) / _CLK_TCK
    except ValueError:
        return False
    since_boot = forked + time.clock_gettime(time.CLOCK_BOOTTIME) - time.monotonic()
    return abs(started - since_boot) <= 3 / _CLK_TCK


def socket_owner(ev: SmtpConnectAttempted) -> int | None:
    """The owner uid of the socket ``ev`` opened, from sock_diag, while it is still open.

    The tracepoint has no uid, and ``sport`` is 0 at SYN_SENT, so the socket is found by its
    addresses: the one uid owning sockets from ``ev.local``'s address to ``ev.remote``, or
    None when there are none or several (another process's connection to the same place
    must not lend it its uid), or one of them has no owner the kernel tells (a socket its
    process closed: the kernel says root for it, see
    :func:`spamtrace.sources.sockdiag.owner_uid`; it may be this connect's)."""
    if ev.source != "tracepoint" or ev.remote.port <= 0:
        return None
    from spamtrace.errors import SpamtraceError
    from spamtrace.sources.sockdiag import dump_sockdiag

    try:
        sockets = dump_sockdiag([ev.remote.port])
    except (SpamtraceError, OSError):
        return None
    uids = {s.uid for s in sockets if s.remote == ev.remote and s.local.ip == ev.local.ip}
    return uids.pop() if len(uids) == 1 else None  # {None}: not known


class Attributor:
    """Event -> AttributedAttempt. Order: live /proc, exec cache, uid only; never drops."""

    def __init__(
        self,
        cfg: Config,
        mta: MtaIdentity,
        accounts: AccountResolver,
        exec_cache: ExecCache | None,
    ) -> None:
        from spamtrace.attribution.process import boot_time, read_process, user_name

        self.cfg = cfg
        self.mta = mta
        self.accounts = accounts
        self.cache = exec_cache
        self._read = read_process
        self._boot_time = boot_time
        self._user_name = user_name
        #: what is known of each process: its live read, reused for a later connect while
        #: its program, command line, folder and open scripts are those read (a worker that
        #: serves requests, php-fpm, lsphp, mod_php, runs another script in another folder
        #: for each, and an exec makes another program of the same pid: read again), and
        #: the attribution of its latest connect (the engine's backlog reuses it)
        self.known = KnownProcesses()
        #: (uid, destination, settings) -> the account, verdict and reasons of an NFLOG
        #: record (see :meth:`blocked`)
        self._blocked_judged: dict[tuple[object, ...], tuple[float, _Judged]] = {}
        #: (uid, folder, command name) -> (when, exe) of processes whose program was read
        #: (live or at exec), for an exec of the same name gone before it could be read
        self._named: OrderedDict[tuple[int, str, str], tuple[float, str]] = OrderedDict()
        self.counts: dict[str, int] = {}
        #: drains the proc connector into the cache (set by the watch loop)
        self.refresh: Callable[[], None] | None = None
        self._drained = False  # refresh() already ran for the event being attributed
        #: the uid of the socket a connect whose process is gone made, if still open
        self.socket_owner: Callable[[SmtpConnectAttempted], int | None] | None = socket_owner
        #: php-fpm pool access logs: the script of a worker's request that ended before the
        #: worker was read (set by the engine when [watch] fpm_access_logs finds some)
        self.fpm_logs: FpmAccessLogs | None = None
        #: does the process still hold the socket of this connect? (a request in progress)
        self.holds_connection: Callable[[SmtpConnectAttempted], bool] = holds_connection

    def _live(self, ev: SmtpConnectAttempted) -> ProcessInfo | None:
        pid = ev.pid
        if pid <= 0:
            return None
        start = _stat_start(pid)
        if start is None:
            return None
        known = self.known.get(pid)
        memo = known.read if known is not None else None
        now = time.monotonic()
        # what it runs now, read before the process itself: a process that execs another
        # program during the read (python first.py -> perl then.pl, the same pid and start)
        # leaves a state the new program's next connect does not match (read again), never
        # the new program's state kept with the old program's read (which its next connects
        # then reused: perl's connects named python3)
        state = _request_state(pid)
        if (
            memo is not None and memo.start == start and now - memo.at < LIVE_MEMO_SECONDS
            and memo.state == state
        ):  # fmt: skip
            return memo.info
        info = self._read(pid, method=AttributionMethod.TRACEPOINT)
        if info.exe is None and info.cwd is None:
            return None  # exited or a zombie: fall back
        if info.start_time is not None and info.start_time > ev.wall + 1.0:
            return None  # started after the event: the pid was reused
        if info.start_time != self._boot_time() + int(start) / _CLK_TCK:
            # another process than the one whose start was read above (the read checked
            # the start again at its end, as ProcStat computes it: no third read of stat)
            return None
        self.known.read(pid, LiveRead(now, start, info, state))
        return info

    def _seen_before(self, ev: SmtpConnectAttempted) -> ProcessInfo | None:
        """The process read live at a later moment than ``ev`` under the same pid, if it had
        started by then: it held the pid from before the event to after it, so the event is
        its own, even if it has exited since (the rest of a batch read after its last
        connect, e.g. what a restart takes over from a dead watcher's trace buffer). For an
        event after the read, see :meth:`_read_at_an_earlier_connect`."""
        known = self.known.get(ev.pid)
        memo = known.read if known is not None else None
        if memo is None:
            return None
        began = self._began(ev.pid)
        if ev.monotonic > memo.at:
            if began is not None and began > memo.at:
                return None  # it exec'd another program since the read (see below)
            if self._changed_hands(ev, memo.at):
                return None
            return self._read_at_an_earlier_connect(ev, memo)
        if began is not None and ev.monotonic < began <= memo.at:
            return None  # the read is of the program it exec'd after this connect
        try:
            started = int(memo.start) / _CLK_TCK
        except ValueError:
            return None
        # the start (clock ticks since boot) against the event on the same clock
        since_boot = ev.monotonic + time.clock_gettime(time.CLOCK_BOOTTIME) - time.monotonic()
        if started > since_boot:
            return None
        return memo.info

    def _began(self, pid: int) -> float | None:
        """When the process at ``pid`` began its program (its exec or fork, monotonic) as the
        exec cache knows it, the proc connector drained first: its exec comes before any
        connect of the new program. None: no cache, or it does not know the pid."""
        if self.cache is None:
            return None
        self._drain()
        return self.cache.began(pid)

    def _changed_hands(self, ev: SmtpConnectAttempted, read_at: float) -> bool:
        """Whether the exec cache says ``ev.pid`` may have been another process's at ``ev``
        than at ``read_at`` (monotonic; the caller drained it): a fork made it a new process's
        since (a parent the cache did not know, so no record of the child's program), or the
        proc connector lost events in between (its buffer overran under a fork flood), so a
        fork of that pid may have gone unseen."""
        cache = self.cache
        if cache is None:
            return False
        forked = cache.forked_at(ev.pid)
        if forked is not None and read_at < forked <= ev.monotonic + 0.001:
            return True
        return cache.lost_since(read_at, ev.monotonic)

    @staticmethod
    def _read_at_an_earlier_connect(
        ev: SmtpConnectAttempted, memo: LiveRead
    ) -> ProcessInfo | None:
        """The process read live at an earlier connect of this pid, for a connect after that
        read when the process has exited since (its pid is free, or still its zombie's).

        A spam script connects again and again and exits while the engine is busy with its
        first connect (blocking it, scanning its folder): where no exec cache answers (no
        proc connector: a container, a network namespace of its own, or the connector's
        buffer overran), each connect after the first was ``unknown`` (not blocked, not
        alerted, an incident of its own). It is taken as the same process when the event names
        the same program (its comm) within :data:`AFTER_READ_SECONDS` of the read. Pids are
        handed out in turn, so a pid comes round again only after every other free one has
        been (``kernel.pid_max``, 32,768 by default, or 4,194,304): not within seconds on a
        host that starts hundreds of processes a second, but within five seconds under a fork
        flood of thousands a second, where a process of the same command name that took the
        pid since (and has ended too) would be named as the one read. With an exec cache the
        caller rules that out (:meth:`_changed_hands`: a fork of the pid since the read, or
        events the proc connector lost in between; and an exec since the read); without one
        (no proc connector: a container, a network namespace of its own) that is the limit."""
        at, start, info = memo.at, memo.start, memo.info
        if ev.monotonic - at > AFTER_READ_SECONDS or not ev.comm:
            return None
        if (info.name or "")[:15] != ev.comm[:15]:
            return None
        now = _stat_start(ev.pid)
        if now is not None and now != start:
            return None  # the pid is another process's now
        late = ev.monotonic - at
        note = f"exited before this connect could be read; as read live {late:.3f} s before"
        return replace(info, notes=(*info.notes, note))

    def owner_pid(self, ev: SmtpConnectAttempted) -> tuple[int, str | None]:
        """The pid of the process that made ``ev``, and a note when it is only a guess.

        A tracepoint event names its thread (``tid``) exactly. Its ``pid`` comes from the
        trace's tgid column, which the kernel fills from a table of thread id -> process id
        that it updates only when the task is scheduled out: for a task that connects and
        exits at once, or whose thread id was reused, the column can still show the process
        an earlier task with the same id belonged to (seen: a PHP sender's connects shown
        under spamtrace's own pid). So the thread is resolved first: live in /proc, then by
        the proc connector's thread and process records; the column is the last resort."""
        self._drained = False  # a new event: the connector may hold newer records
        tid = ev.tid
        if ev.source != "tracepoint" or tid <= 0:
            return ev.pid, None
        if ev.pid == tid and os.path.exists(f"/proc/{tid}"):
            return tid, None  # a main thread that still runs (the common case): its own pid
        group = _task_group(tid, ev.monotonic)
        if group is not None:
            return group, None
        if self.cache is not None:
            self._drain()  # its fork or exec may still be in the connector's buffer
            group = self.cache.thread_group(tid, ev.monotonic)
            if group is not None:
                return group, None
            if self.cache.holds(tid, ev.monotonic):
                return tid, None  # a process of its own, whose main thread connected
        if ev.pid == tid:
            return tid, None
        if ev.pid == os.getpid():
            # never the watcher itself on the column's word: its own threads are all known
            return tid, "the trace named this process as its thread's owner; not trusted"
        return ev.pid, "its process id is the trace's tgid column only (the thread was gone)"

    def _drain(self) -> bool:
        """Drain the proc connector into the cache, once per event; False when there is none
        to drain (no connector) or it was drained already for this event."""
        if self.refresh is None or self._drained:
            return False
        self._drained = True
        self.refresh()
        return True

    def attempt(
        self, ev: SmtpConnectAttempted, uid_hint: int | None = None, *, blocked: bool = False
    ) -> AttributedAttempt:
        process: ProcessInfo | None = None
        traced_pid = ev.pid
        pid, pid_note = self.owner_pid(ev)
        if pid != ev.pid:
            ev = replace(ev, pid=pid)
        live = self._live(ev)
        if live is None:  # gone now; read live after this event, it is still known
            live = self._seen_before(ev)
        if live is not None:
            process = live
            if (live.cwd is None or live.exe is None or live.uid is None) and (
                self.cache is not None
            ):
                cached = self.cache.lookup(ev.pid, at=ev.monotonic)
                if cached is None and self._drain():
                    # its exec may still have been in the proc connector's buffer
                    cached = self.cache.lookup(ev.pid, at=ev.monotonic)
                if cached is not None:
                    process = _fill_from(live, cached)
            if ev.source != "tracepoint":
                process = _with_method(process, AttributionMethod.LIVE)
            elif self.fpm_logs is not None and _is_fpm_worker(process):
                process = self._fpm_request(ev, process)
        elif self.cache is not None and ev.pid > 0:
            # Every proc event that came before this connect is already in the proc
            # connector's buffer (exec, fork and setuid send theirs before they return), but
            # maybe not yet in the cache: the last drain can be older than the trace read.
            # Drain first, or the cache answers with what it knew before, e.g. the root of a
            # setuid exim whose delivery child has since dropped to Debian-exim.
            self._drain()
            process = self.cache.lookup(ev.pid, at=ev.monotonic)
            if process is not None:
                process = self._checked_uid(ev, process, uid_hint)
                if process.exe is None:
                    process = self._same_program(ev, process)
                began = self.cache.began(ev.pid)
                if began is not None and self.cache.lost_since(began, ev.monotonic):
                    process = replace(process, notes=(*process.notes, STALE_AFTER_LOSS))
        if process is not None and process.exe is None:
            process = self._same_name(ev, process)  # read live as it exited, or at its exec
        elif process is not None and process.uid is not None and process.cwd:
            self._name_program(ev, process)
        if process is None:
            uid, gid = _zombie_uid(ev.pid, ev.monotonic) if ev.pid > 0 else (None, None)
            note = "process exited before it could be read; uid only"
            if uid is None:
                uid = uid_hint
            if uid is None and self.socket_owner is not None:
                uid = self.socket_owner(ev)
                note += " (the owner of its socket, from sock_diag)"
            if uid is not None:
                process = ProcessInfo(
                    pid=ev.pid, start_time=None, name=ev.comm, exe=None, cmdline=(), uid=uid,
                    euid=None, gid=gid, user=self._user_name(uid), cwd=None, scripts=(),
                    parents=(), method=AttributionMethod.UID_ONLY, notes=(note,),
                )  # fmt: skip
        lost_note = self._lost_note(ev, process)
        if lost_note is not None and process is not None:
            process = replace(process, notes=(*process.notes, lost_note))
        if pid_note is not None and process is not None:
            process = replace(process, notes=(*process.notes, pid_note))
        uid = process.uid if process is not None else uid_hint
        paths = (*process.scripts, process.cwd) if process is not None else ()
        account = self.accounts.for_process(uid, paths)
        if process is not None:
            process = canonical_process(process, account.home if account else None)
        from spamtrace.policy.verdict import judge

        verdict, reasons = judge(ev.remote, process, uid, account, self.mta, self.cfg)
        if lost_note is not None and process is None:
            reasons = (*reasons, lost_note)  # nothing else to say it on
        method = process.method.value if process is not None else AttributionMethod.NONE.value
        self.counts[method] = self.counts.get(method, 0) + 1
        att = AttributedAttempt(ev, process, account, verdict, reasons, blocked=blocked)
        if pid == traced_pid and pid_note is None:
            # the trace named the process itself (not a guess from its tgid column)
            self.remember(att)
        return att

    def _lost_note(self, ev: SmtpConnectAttempted, process: ProcessInfo | None) -> str | None:
        """For a connect known by its uid alone, or not at all: that the proc connector lost
        events (its buffer overran) shortly before, when it did. The process may have been
        forked or exec'd then, so the exec cache never knew it (a fork flood's children:
        ``attribution: none``); the connect is counted, the reason said with it."""
        if process is not None and process.method is not AttributionMethod.UID_ONLY:
            return None
        span = self.cache.missed(ev.monotonic) if self.cache is not None else None
        if span is None:
            return None
        ago = ev.monotonic - span[1]
        when = f"{ago:.1f} s before this connect" if ago > 0 else "around this connect"
        return (
            f"the proc connector lost events (its buffer overran) {when}: the fork or exec "
            "of this process may be among them, so the exec cache did not know it (status: "
            "events lost)"
        )

    def remember(self, att: AttributedAttempt) -> None:
        """Keep the attribution of a connect for the later connects of its process (its pid
        and the trace's command name), and for those of its siblings when it runs its
        parent's program (forked, no exec since: :meth:`forked_sender`)."""
        ev = att.event
        if not isinstance(ev, SmtpConnectAttempted):
            return
        self.known.attributed(ev.pid, ev.comm, att)
        cache = self.cache
        parent = cache.forked_from(ev.pid, ev.monotonic) if cache is not None else None
        if parent is not None:
            from spamtrace.attribution.process import started_now

            try:
                parent_start = started_now(parent)
            except OSError:
                parent_start = None
            began = cache.began(parent) if cache is not None else None
            if parent_start is not None or began is not None:  # else not told from another
                self.known.child_attributed(parent, ChildSeen(ev.comm, att, parent_start, began))

    def forked_sender(self, ev: SmtpConnectAttempted) -> AttributedAttempt | None:
        """A connect of a new process that the proc connector saw forked, with no exec since,
        by a process whose own connect (or another child's) of the same command name (or
        one the trace did not give, :func:`_same_comm`) was attributed in full: that
        attribution for this process (its pid; learned from the exec cache's fork record).
        The parent must be the process it was then: the exec cache knew it at the fork (it
        began its program then, and had not exited), or it still runs with the same start
        time. None: not known so."""
        cache = self.cache
        if cache is None:
            return None
        parent = cache.forked_from(ev.pid, ev.monotonic)
        if parent is None:
            return None
        found = self.known.forked(parent, ev.comm)
        if found is None or found.attributed.process is None:
            return None
        same = found.parent_began is not None and cache.ran(
            parent, found.parent_began, ev.monotonic
        )
        if not same and not _still_running(parent, found.parent_start):
            return None  # its parent's pid is another process's (or unreadable)
        base = found.attributed
        p = base.process
        assert p is not None
        note = (
            f"forked by pid {parent} (no exec since: its program); attributed as that "
            f"process's earlier connect (pid {p.pid}) was, not read itself"
        )
        if forked_child_runs(ev.pid, cache.forked_at(ev.pid)):
            # it still runs (one read of its stat): read it live, as any new process. Taken
            # from its parent's attribution, it would have no start time and no live read,
            # so no stop would be decided for it: a mailer that forks a child a message went
            # on once its uid was blocked. A flood's children have exited by their turn.
            return None
        child = replace(
            p, pid=ev.pid, start_time=None, method=AttributionMethod.EXEC_CACHE,
            notes=(*p.notes, note),
        )  # fmt: skip
        return AttributedAttempt(ev, child, base.account, base.verdict, base.reasons)

    def _fpm_request(self, ev: SmtpConnectAttempted, live: ProcessInfo) -> ProcessInfo:
        """A php-fpm worker read live after its connect: the request that made it, from the
        pool's access log when that request had ended by then (the live read shows the worker
        idle or in a later request). See :mod:`spamtrace.attribution.fpm_requests`."""
        from spamtrace.attribution.fpm_requests import match

        logs = self.fpm_logs
        assert logs is not None
        logs.refresh()  # after the live read: a request that ended before it is logged
        found = match(logs.of(ev.pid), ev.wall, read_at=time.time())
        if not found.requests:
            return live  # still running when read (not logged yet): the live read is it
        scripts = [r.script for r in found.requests]
        current = found.current_possible and bool(live.scripts)
        if current:
            if self.holds_connection(ev):
                return live  # the request being served holds the socket: its own connect
            scripts += live.scripts
        unique = tuple(dict.fromkeys(scripts))
        log = found.requests[-1].log
        if len(unique) == 1:
            r = found.requests[-1]
            took = f", {r.duration * 1000:.3f} ms" if r.duration is not None else ""
            note = (
                f"script from the php-fpm access log {log}: the request of worker pid "
                f"{ev.pid} that connected had ended before the worker was read{took}"
            )
        else:
            note = (
                f"script from the php-fpm access log {log}: one of {len(unique)} requests "
                f"of worker pid {ev.pid} around the connect (the log's times are whole "
                "seconds): " + ", ".join(unique)
            )
        folders = {os.path.dirname(p) for p in unique}
        cwd = folders.pop() if len(folders) == 1 else os.path.commonpath(list(folders))
        return replace(
            live, scripts=unique, cwd=cwd, method=AttributionMethod.FPM_ACCESS_LOG,
            notes=(*live.notes, note),
        )  # fmt: skip

    def _checked_uid(
        self, ev: SmtpConnectAttempted, cached: ProcessInfo, uid_hint: int | None
    ) -> ProcessInfo:
        """The exec cache's record with the uid the connect was really made with, when one is
        known: the socket's owner (sock_diag's ``uid_hint``), else the real uid of the process
        if it is still there (a zombie's ``status`` is readable) and is the one that made the
        connect (it started before it). A uid seen at the event wins over a cached one, which
        is only as current as the last UID event the cache got."""
        uid, how = uid_hint, "the socket's owner"
        if uid is None:
            uid, how = self._exiting_uid(ev), "the exiting process's status"
        if uid is None or uid == cached.uid:
            return cached
        note = f"uid {uid} from {how}; the exec cache had uid {cached.uid}"
        return replace(
            cached, uid=uid, euid=None, user=self._user_name(uid), notes=(*cached.notes, note)
        )

    def _same_program(self, ev: SmtpConnectAttempted, cached: ProcessInfo) -> ProcessInfo:
        """An exec nothing could be read of (it ran for microseconds) whose command name in
        the trace is the name of the program it was forked from (``bash -c`` from bash, php
        from php): it ran that program. Another name (sendmail from php) leaves it unknown."""
        assert self.cache is not None
        exe = self.cache.forked_exe(ev.pid, ev.monotonic)
        comm = _run_name(ev, cached)
        if exe is None or not comm or len(comm) < 2:
            return cached
        # the name it was run by may be a link to the binary (php -> php8.2): a prefix
        name = os.path.basename(exe)
        if not (name.startswith(comm) or comm == name[:15]):
            return cached
        note = f"exe: its parent's at fork; the trace's command name ({comm}) is the same"
        return replace(cached, exe=exe, notes=(*cached.notes, note))

    def _name_program(self, ev: SmtpConnectAttempted, process: ProcessInfo) -> None:
        """Remember the program of a process read in full under its uid, folder and
        command name (the name the trace shows: the program's file name, 15 bytes)."""
        assert process.exe is not None and process.uid is not None and process.cwd
        if process.exe.removesuffix(DELETED) in self.mta.exes:
            # never lent: an account's own binary named like the MTA's, run in a folder where
            # it ran the real one, would read as the MTA's binary (never signalled)
            return
        comm = (ev.comm or os.path.basename(process.exe.removesuffix(DELETED)))[:15]
        if not comm or os.path.basename(process.exe).find(comm) != 0:
            return  # a process title (setproctitle, prctl): not its program's name
        key = (process.uid, process.cwd, comm)
        self._named[key] = (ev.monotonic, process.exe)
        self._named.move_to_end(key)
        if len(self._named) > 1024:
            self._named.popitem(last=False)

    def _same_name(self, ev: SmtpConnectAttempted, cached: ProcessInfo) -> ProcessInfo:
        """An exec nothing could be read of (a program that connects and exits within a
        millisecond: a compiled sender run in a loop) whose uid, folder and command name are
        those of a process read in full less than :data:`SAME_NAME_SECONDS` before (one run
        of the loop that lived long enough): it ran that program. Without this, each such
        run was an incident of its own with no program, beside the one read in full."""
        comm = (_run_name(ev, cached) or "")[:15]
        if cached.uid is None or not cached.cwd or len(comm) < 2:
            return cached
        known = self._named.get((cached.uid, cached.cwd, comm))
        if known is None or not 0 <= ev.monotonic - known[0] <= SAME_NAME_SECONDS:
            return cached
        note = (
            f"exe: that of a process of the same uid, folder and command name ({comm}) read "
            f"{ev.monotonic - known[0]:.1f} s before; this one was gone before it could be read"
        )
        return replace(cached, exe=known[1], name=cached.name or comm,
                       notes=(*cached.notes, note))  # fmt: skip

    @staticmethod
    def _exiting_uid(ev: SmtpConnectAttempted) -> int | None:
        """The real uid of ``ev.pid`` now, if that process started before the event."""
        from spamtrace.attribution.process import start_time

        try:
            started = start_time(ev.pid)
        except (OSError, ValueError, IndexError):
            return None
        if started > ev.wall + 1.0:  # as in _live: btime has whole seconds
            return None  # the pid was reused by a later process
        return _status_uid(ev.pid)[0]

    def blocked(self, ev: SmtpConnectBlocked) -> AttributedAttempt:
        # a refused flood sends thousands of records of one uid to one place: judged once a
        # second (and again after a reload, which gives new settings, accounts and MTA)
        memo_key = (ev.uid, ev.remote, id(self.cfg), id(self.accounts), id(self.mta))
        now = time.monotonic()
        hit = self._blocked_judged.get(memo_key)
        if hit is not None and now - hit[0] < BLOCKED_JUDGED_SECONDS:
            judged = hit[1]
        else:
            account = self.accounts.for_uid(ev.uid) if ev.uid is not None else None
            from spamtrace.policy.verdict import judge

            verdict, reasons = judge(ev.remote, None, ev.uid, account, self.mta, self.cfg)
            reasons = (*reasons, "blocked by the firewall (NFLOG record: uid only, no pid)")
            judged = (account, verdict, reasons)
            if len(self._blocked_judged) >= 1024:
                self._blocked_judged.clear()
            self._blocked_judged[memo_key] = (now, judged)
        key = AttributionMethod.NFLOG_UID_ONLY.value
        self.counts[key] = self.counts.get(key, 0) + 1
        return AttributedAttempt(ev, None, *judged, blocked=True)


def canonical_path(path: str, home: str | None) -> str:
    """``path`` with its symlinks resolved, as the kernel names it in /proc (open files, the
    working folder): a script run as ``/home/u/public_html/x.php`` with ``public_html -> www``
    (or cPanel's ``/home -> /home2``) is ``/home/u/www/x.php`` read live and was that other
    name in the exec cache (its command line), which made two incidents of one sender.

    A path given inside the account's ``home`` (as passwd has it, or resolved) whose links
    lead out of the home keeps the name it was given: a link the account made is never
    followed out of its home. A file that is gone keeps its `` (deleted)`` mark."""
    return _resolve(path, home)[0]


def _resolve(path: str, home: str | None) -> tuple[str, str | None]:
    """:func:`canonical_path` of ``path``, and the target of the link out of the home it was
    kept for (None: not kept so), from one resolution of the path."""
    base, gone = without_deleted(path)
    if not base.startswith("/"):
        return path, None
    real = os.path.realpath(base)
    if real == base:
        return path, None
    if home:
        real_home = os.path.realpath(home)
        inside = is_within(base, home) or is_within(base, real_home)
        if inside and not is_within(real, real_home):
            return path, None if gone else real
    return (real + DELETED if gone else real), None


#: canonical names found lately: (path, home) -> (monotonic time, name, link target or None);
#: reused for LIVE_MEMO_SECONDS (a run connects thousands of times a second, each a few
#: syscalls a path part to resolve again)
_CANONICAL: dict[tuple[str, str | None], tuple[float, str, str | None]] = {}


def _canonical(path: str, home: str | None) -> tuple[str, str | None]:
    """:func:`canonical_path` of ``path``, and the target of the link out of the home it was
    kept for (None: not kept so), reused for a while."""
    now = time.monotonic()
    hit = _CANONICAL.get((path, home))
    if hit is not None and now - hit[0] < LIVE_MEMO_SECONDS:
        return hit[1], hit[2]
    real, target = _resolve(path, home)
    if len(_CANONICAL) > 4096:
        _CANONICAL.clear()
    _CANONICAL[(path, home)] = (now, real, target)
    return real, target


def canonical_process(info: ProcessInfo, home: str | None) -> ProcessInfo:
    """``info`` with its scripts and folder named by :func:`canonical_path` (one name for one
    file, however it was learned); a script renamed so keeps the path it was run by in a
    note, the path the admin may know it by. A script run by a link of the home that leads
    out of it keeps that name, and the open file the live read found through it (the link's
    target, as /proc names it) is dropped: the exec cache, which has only the command line,
    names it the same."""
    named: list[str] = []
    renamed: list[str] = []
    outside: set[str] = set()  # targets of links out of the home the scripts were run by
    for script in info.scripts:
        real, target = _canonical(script, home)
        if real != script:
            renamed.append(f"script {script} is {real} (through a symlink)")
        elif target is not None:
            outside.add(target)
        named.append(real)
    scripts: list[str] = []
    for real in named:
        if real.removesuffix(DELETED) in outside:
            continue
        if real not in scripts and real + DELETED not in scripts:
            scripts.append(real)
    cwd = _canonical(info.cwd, home)[0] if info.cwd else info.cwd
    if tuple(scripts) == info.scripts and cwd == info.cwd:
        return info
    return replace(info, scripts=tuple(scripts), cwd=cwd, notes=(*info.notes, *renamed))


def _is_fpm_worker(info: ProcessInfo) -> bool:
    return os.path.basename(info.exe or "").startswith("php-fpm") or (info.name or "").startswith(
        "php-fpm"
    )


def holds_connection(ev: SmtpConnectAttempted) -> bool:
    """Does the process of ``ev`` still hold a socket from its address to its destination?"""
    from spamtrace.attribution.process import holds_socket
    from spamtrace.errors import SpamtraceError
    from spamtrace.sources.sockdiag import dump_sockdiag

    try:
        sockets = dump_sockdiag([ev.remote.port])
    except (SpamtraceError, OSError):
        return False
    return any(
        holds_socket(ev.pid, s.inode) for s in sockets
        if s.remote == ev.remote and s.local.ip == ev.local.ip and s.inode
    )  # fmt: skip


def _run_name(ev: SmtpConnectAttempted, cached: ProcessInfo) -> str | None:
    """The name of the program an exec gone unread ran, as the trace shows it (its command
    name), unless the command line its exec left says otherwise: the trace names a task by
    the command name it saved at some earlier event of that pid, which can still be the
    shell's that forked it (``bash`` for a ``./fx`` just exec'd), so its parent's program was
    taken for its own (exe bash, command line ./fx). None when they disagree."""
    comm = ev.comm
    if not comm or not cached.cmdline or not cached.cmdline[0]:
        return comm
    named = os.path.basename(cached.cmdline[0].split(" ", 1)[0].rstrip(":"))  # "php: /x.php"
    return comm if named.startswith(comm[:15]) or comm.startswith(named[:15]) else None


def _fill_from(live: ProcessInfo, cached: ProcessInfo) -> ProcessInfo:
    """A live read that lost fields (the process was exiting), completed from the exec cache."""
    from spamtrace.attribution.exec_cache import completed

    return completed(
        live, cached, "fields the exited process no longer showed came from the exec cache"
    )


def _with_method(info: ProcessInfo, method: AttributionMethod) -> ProcessInfo:
    return replace(info, method=method)


def connection_of(att: AttributedAttempt) -> Connection:
    """The `check` view of an attempt (for :func:`spamtrace.policy.verdict.advice`)."""
    ev = att.event
    uid = att.process.uid if att.process else getattr(ev, "uid", None)
    family = (
        ev.family if isinstance(ev, SmtpConnectAttempted) else (10 if ":" in ev.remote.ip else 2)
    )
    sock = SocketRecord(family, TcpState.SYN_SENT, ev.local, ev.remote, uid, 0, ev.source)
    return Connection(sock, att.process, att.account, att.verdict, att.reasons)


def attempt_uid(att: AttributedAttempt) -> int | None:
    if att.process is not None and att.process.uid is not None:
        return att.process.uid
    return getattr(att.event, "uid", None)
