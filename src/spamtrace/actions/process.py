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
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterable
from dataclasses import dataclass

from spamtrace.attribution.process import ProcStat
from spamtrace.policy.responses import ResponseRules, Sender, unstoppable

#: start times are computed from clock ticks: two reads of the same process agree exactly;
#: allow for rounding of values stored as text
START_TOLERANCE = 0.02
MAX_CHILDREN = 256


@dataclass(frozen=True, slots=True)
class SignalResult:
    ok: bool
    detail: str
    signalled: tuple[tuple[int, float], ...] = ()  # (pid, start time) of every process signalled


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
        cmdline,
    )  # fmt: skip


_SIGNALS = {"stop": signal.SIGSTOP, "kill": signal.SIGKILL}
#: why a process was not signalled when it is gone (its record says so: ``exited``)
EXITED = "the process has exited"


def tree_result(
    pid: int, start_time: float, how: str, children: list[tuple[int, float]], refused: list[str]
) -> SignalResult:
    name = _SIGNALS[how].name
    detail = f"{name} sent to pid {pid}"
    if children:
        detail += (
            f" and {len(children)} child process(es) ({', '.join(str(p) for p, _ in children)})"
        )
    if refused:
        detail += f"; children not signalled: {'; '.join(refused[:3])}"
    return SignalResult(True, detail, ((pid, start_time), *children))


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
        self, pid: int, uid: int, how: str
    ) -> tuple[list[tuple[int, float]], list[str]]:
        """The same signal to the process's children of the same uid (walks /proc: done after
        the process itself, which can no longer make new ones). (signalled, refusals)."""
        sig = _SIGNALS[how]
        done: list[tuple[int, float]] = []
        refused: list[str] = []
        for child in children_of(pid, self.procfs):
            info = read_sender(child, self.procfs)
            if info is None or info.start_time is None or info.uid != uid:
                continue
            why = self._send(child, info.start_time, uid, sig)
            if why is None:
                done.append((child, info.start_time))
            else:
                refused.append(why)
        return done, refused

    def signal_tree(self, pid: int, start_time: float, uid: int, how: str) -> SignalResult:
        """The process, then its children."""
        why = self.signal_one(pid, start_time, uid, how)
        if why is not None:
            return SignalResult(False, why)
        children, refused = self.signal_children(pid, uid, how)
        return tree_result(pid, start_time, how, children, refused)

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
