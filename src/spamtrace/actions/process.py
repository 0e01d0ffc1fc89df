"""Stop (SIGSTOP) or kill (SIGKILL) a sending process and its children; resume them (SIGCONT).

A process is its pid plus its start time. Before signalling, a pidfd is opened on the pid and
the start time (and uid) read again: if they differ the pid was reused and nothing is sent.
The signal goes through the pidfd (``pidfd_send_signal``), so it reaches the process that was
checked even if the pid is reused in between. Without pidfds (old kernels) the check is made
just before ``kill``, which leaves a window of microseconds.

Never signalled (checked again here, whatever the policy said): init (pid 1), anything whose
real or effective uid is root or a protected uid, sshd, php-fpm's master, the MTA's binaries.
Children (found through ``/proc/*/stat`` ppid) are signalled only if they pass the same
checks and belong to the same uid; stopping the parent first keeps it from making new ones.
A parent that runs the same program (uid, executable, command line: a mailer that forks a
child a message) is stopped too, with its other children, even when the sender itself has
exited by then: its program and parent are taken from the read made at its connect.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from spamtrace.attribution.process import ProcStat
from spamtrace.policy.responses import START_TOLERANCE, ResponseRules, Sender, unstoppable

MAX_CHILDREN = 256
#: how many parents of the same program are stopped with a sender (a fork a message)
MAX_FORK_DEPTH = 8


@dataclass(frozen=True, slots=True)
class SignalResult:
    ok: bool
    detail: str
    signalled: tuple[tuple[int, float], ...] = ()  # (pid, start time) of every process signalled
    exited: bool = False  # the process itself had exited (its parents may have been signalled)


def _uids(procfs: str, pid: int) -> tuple[int, int] | None:
    try:
        with open(f"{procfs}/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Uid:"):
                    fields = line.split()
                    return int(fields[1]), int(fields[2])
    except (OSError, ValueError, IndexError):
        return None
    return None


def read_sender(pid: int, procfs: str = "/proc") -> Sender | None:
    """The process now at ``pid`` (None when there is none)."""
    try:
        st = ProcStat(procfs, pid)
    except (OSError, ValueError, IndexError):
        return None
    ids = _uids(procfs, pid)
    exe: str | None = None
    with contextlib.suppress(OSError):
        exe = os.readlink(f"{procfs}/{pid}/exe")
    cmdline: tuple[str, ...] = ()
    with contextlib.suppress(OSError), open(f"{procfs}/{pid}/cmdline", "rb") as fh:
        cmdline = tuple(os.fsdecode(a) for a in fh.read().split(b"\0") if a)
    return Sender(
        pid, st.start_time, ids[0] if ids else None, ids[1] if ids else None, st.name, exe,
        cmdline, st.ppid,
    )  # fmt: skip


_SIGNALS = {"stop": signal.SIGSTOP, "kill": signal.SIGKILL}
#: why a process was not signalled when it is gone (its record says so: ``exited``)
EXITED = "the process has exited"


def tree_result(
    pid: int,
    start_time: float,
    how: str,
    children: list[tuple[int, float]],
    refused: list[str],
    parents: list[tuple[int, float]] | None = None,
    *,
    exited: bool = False,
) -> SignalResult:
    """The outcome of a stop of ``pid`` and the rest; ``exited``: the process itself had
    exited (not counted as signalled; a failure when nothing else was)."""
    name = _SIGNALS[how].name
    parents = parents or []
    children = [c for c in children if c not in parents]
    if exited and not parents and not children:
        return SignalResult(False, EXITED)
    if exited:
        detail = f"pid {pid} had exited; {name} sent to"
        if parents:
            detail += f" its parent(s) running the same program ({_pids(parents)})"
        if children:
            detail += f"{' and' if parents else ''} {len(children)} other process(es)"
            detail += f" ({_pids(children)})"
    else:
        detail = f"{name} sent to pid {pid}"
        if parents:
            detail += f", its parent(s) running the same program ({_pids(parents)})"
        if children:
            detail += f" and {len(children)} child process(es) ({_pids(children)})"
    if refused:
        detail += f"; not signalled: {'; '.join(refused[:3])}"
    mine = () if exited else ((pid, start_time),)
    return SignalResult(True, detail, (*mine, *parents, *children), exited)


def _pids(processes: list[tuple[int, float]]) -> str:
    return ", ".join(str(p) for p, _ in processes)


def _same_start(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= START_TOLERANCE


def netns_of(pid: int | str, procfs: str = "/proc") -> int | None:
    """The inode of the process's network namespace (``net:[N]``), None when unreadable (the
    process exited, or no root)."""
    try:
        return os.stat(f"{procfs}/{pid}/ns/net").st_ino
    except OSError:
        return None


def children_of(pid: int, procfs: str = "/proc") -> list[int]:
    """Descendants of ``pid`` (breadth first, bounded)."""
    parents: dict[int, list[int]] = {}
    try:
        names = os.listdir(procfs)
    except OSError:
        return []
    for name in names:
        if not name.isdecimal():
            continue
        try:
            ppid = ProcStat(procfs, int(name)).ppid
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(name))
    out: list[int] = []
    todo = [pid]
    while todo and len(out) < MAX_CHILDREN:
        for child in parents.get(todo.pop(0), []):
            if child not in out and child != pid:
                out.append(child)
                todo.append(child)
    return out[:MAX_CHILDREN]


class ProcessSignaller:
    """Signals processes identified by pid + start time, refusing protected ones."""

    def __init__(self, rules: ResponseRules, procfs: str = "/proc") -> None:
        self.rules = rules
        self.procfs = procfs

    def _send(self, pid: int, start_time: float, uid: int, sig: int) -> str | None:
        """Signal one process after checking it; None when sent, else why not."""
        pidfd = -1
        if hasattr(os, "pidfd_open"):
            try:
                pidfd = os.pidfd_open(pid)
            except ProcessLookupError:
                return EXITED
            except OSError:
                pidfd = -1
        try:
            now = read_sender(pid, self.procfs)
            if now is None or now.start_time is None:
                return EXITED
            if abs(now.start_time - start_time) > START_TOLERANCE:
                return (
                    f"pid {pid} is now another process (started {now.start_time:.2f}, "
                    f"expected {start_time:.2f}): not signalled"
                )
            if now.uid != uid:
                return f"pid {pid} now runs as uid {now.uid}, not {uid}: not signalled"
            why = unstoppable(now, self.rules)
            if why is not None:
                return f"pid {pid} is {why}: never signalled"
            try:
                if pidfd >= 0:
                    signal.pidfd_send_signal(pidfd, sig)
                else:
                    os.kill(pid, sig)
            except ProcessLookupError:
                return EXITED
            except PermissionError:
                return "permission denied (run as root)"
            return None
        finally:
            if pidfd >= 0:
                os.close(pidfd)

    def signal_one(self, pid: int, start_time: float, uid: int, how: str) -> str | None:
        """SIGSTOP (``stop``) / SIGKILL (``kill``) the process itself, after checking it (a
        fraction of a millisecond: done first, on the spot). None when sent, else why not."""
        return self._send(pid, start_time, uid, _SIGNALS[how])

    def signal_children(
        self, pid: int, uid: int, how: str, skip: Collection[int] = ()
    ) -> tuple[list[tuple[int, float]], list[str]]:
        """The same signal to the process's children of the same uid (walks /proc: done after
        the process itself, which can no longer make new ones), but those in ``skip``
        (signalled already). (signalled, refusals)."""
        sig = _SIGNALS[how]
        done: list[tuple[int, float]] = []
        refused: list[str] = []
        for child in children_of(pid, self.procfs):
            if child in skip:
                continue
            info = read_sender(child, self.procfs)
            if info is None or info.start_time is None or info.uid != uid:
                continue
            why = self._send(child, info.start_time, uid, sig)
            if why is None:
                done.append((child, info.start_time))
            else:
                refused.append(why)
        return done, refused

    def signal_forking_parents(
        self, sender: Sender, uid: int, how: str
    ) -> tuple[list[tuple[int, float]], list[str]]:
        """The same signal to the sender's parents that run the same program as it (same
        uid, executable and command line): a mailer that forks a child a message. Stopping
        the child alone left the parent forking the next one, a stop a message for the whole
        run. Walked up while they match (at most :data:`MAX_FORK_DEPTH`); a parent that is
        another program (a shell, cron, php-fpm's master) ends the walk. (signalled,
        refusals), the nearest parent first.

        The sender's program and parent are those read at its connect (``sender``, the
        attribution's live read), not read again now: a child a message has often exited by
        the time of the stop, a zombie until its parent reaps it (its ``exe`` and
        ``cmdline`` read empty, which ended the walk: the parent went on forking) or reaped
        (its parent link gone). Each parent must have started no later than its child: a pid
        freed and handed to another process since started after it."""
        sig = _SIGNALS[how]
        done: list[tuple[int, float]] = []
        refused: list[str] = []
        me = sender
        if me.exe is None or not me.cmdline or me.ppid is None:
            now = read_sender(me.pid, self.procfs)  # not read at the connect: now, if still it
            if now is None or not _same_start(now.start_time, me.start_time):
                return done, refused
            me = Sender(
                me.pid, me.start_time, me.uid, me.euid, me.name, me.exe or now.exe,
                me.cmdline or now.cmdline, me.ppid if me.ppid is not None else now.ppid,
            )  # fmt: skip
        if me.exe is None or not me.cmdline or me.start_time is None:
            return done, refused
        ppid, child_start = me.ppid, me.start_time
        for _ in range(MAX_FORK_DEPTH):
            if ppid is None or ppid <= 1:
                break
            up = read_sender(ppid, self.procfs)
            if (
                up is None or up.start_time is None
                or up.start_time > child_start + START_TOLERANCE  # the pid is another's now
                or up.uid != uid or up.exe != me.exe or up.cmdline != me.cmdline
            ):  # fmt: skip
                break
            why = self._send(ppid, up.start_time, uid, sig)
            if why is not None:
                refused.append(why)
                break
            done.append((ppid, up.start_time))
            ppid, child_start = up.ppid, up.start_time
        return done, refused

    def has_exited(self, pid: int, start_time: float) -> bool:
        """Whether the process (pid + start time) has exited: gone, or a zombie (a SIGSTOP
        to a zombie is sent without error and stops nothing), or on its way out (its memory
        already released: no ``exe``)."""
        try:
            st = ProcStat(self.procfs, pid)
        except (OSError, ValueError, IndexError):
            return True
        if not _same_start(st.start_time, start_time) or st.state in ("Z", "X", "x"):
            return True
        try:
            os.readlink(f"{self.procfs}/{pid}/exe")
        except FileNotFoundError:
            return True
        except OSError:
            pass
        return False

    def signal_rest(
        self, pid: int, start_time: float, uid: int, how: str, sender: Sender | None = None,
        *, exited: bool = False,
    ) -> SignalResult:  # fmt: skip
        """After the process itself: its parents running the same program (a fork a message:
        the parent makes the next sender), then the children of each (the sender's own and
        its siblings still in flight). ``sender``: the process as read at its connect (its
        program and parent); ``exited``: the signal found it gone. A stopped sender found a
        zombie had exited too; its parents are signalled all the same, and the result says
        that it had exited (not ok when nothing at all was signalled)."""
        if sender is None or sender.pid != pid:
            sender = Sender(pid, start_time, uid, None, None, None)
        if not exited and how == "stop":
            exited = self.has_exited(pid, start_time)
        parents, refused = self.signal_forking_parents(sender, uid, how)
        children: list[tuple[int, float]] = []
        done = {pid, *(p for p, _ in parents)}
        # the children of an exited sender's pid are not looked for: the pid may be reused
        tops = [*(p for p, _ in reversed(parents)), *(() if exited else (pid,))]
        for top in tops:
            more, why = self.signal_children(top, uid, how, done)
            children += more
            done.update(p for p, _ in more)
            refused += why
        return tree_result(pid, start_time, how, children, refused, parents, exited=exited)

    def signal_tree(
        self, pid: int, start_time: float, uid: int, how: str, sender: Sender | None = None
    ) -> SignalResult:
        """The process, then its parents of the same program and the children. A process
        that has exited is not signalled, but its parents of the same program are."""
        why = self.signal_one(pid, start_time, uid, how)
        if why is not None and why != EXITED:
            return SignalResult(False, why)
        return self.signal_rest(pid, start_time, uid, how, sender, exited=why == EXITED)

    def resume(self, processes: Iterable[tuple[int, float]], uid: int) -> tuple[int, list[str]]:
        """SIGCONT to each (pid, start time) that is still that process: (count, notes)."""
        count = 0
        notes: list[str] = []
        for pid, start in processes:
            why = self._send(pid, start, uid, signal.SIGCONT)
            if why is None:
                count += 1
            elif "exited" not in why:
                notes.append(why)
        return count, notes
