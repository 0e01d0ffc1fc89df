"""Small builders of domain objects for the watch unit tests, and the attributor's test
set-up they share (the attributor of a host with or without Exim, a pid that has exited, what
the proc connector told of a fork, an exec cache that saw a pid, a live read)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from typing import Any

from spamtrace.attribution.attributor import Attributor, LiveRead, _request_state, _stat_start
from spamtrace.attribution.exec_cache import ExecCache
from spamtrace.attribution.mta import NO_MTA, MtaIdentity
from spamtrace.config import Config
from spamtrace.model import (
    Account,
    AccountKind,
    AttributedAttempt,
    AttributionMethod,
    Endpoint,
    ProcessInfo,
    SmtpConnectAttempted,
    SmtpConnectBlocked,
    Verdict,
)
from spamtrace.sources.proc_connector import ProcEvent, ProcEventKind

USER_ACCOUNT = Account("u", AccountKind.HOME, "/home/u")
#: Debian's Exim: the user Debian-exim (uid 102, group 105) and /usr/sbin/exim4
EXIM = MtaIdentity(frozenset({102}), frozenset({105}), ("Debian-exim",),
                   frozenset({"/usr/sbin/exim4"}), "exim")  # fmt: skip


class Accounts:
    """Every uid is the hosting account ``user<uid>`` of ``/home/user<uid>``."""

    def for_uid(self, uid: int) -> Account | None:
        return Account(f"user{uid}", AccountKind.HOME, f"/home/user{uid}")

    def for_process(self, uid: int | None, paths: object = ()) -> Account | None:
        return self.for_uid(uid) if uid is not None else None


def attributor(
    cache: ExecCache | None = None, *, mta: MtaIdentity = NO_MTA, accounts: Any = None
) -> Attributor:
    """The attributor of a host with ``mta`` (none: :data:`NO_MTA`), the default config, and
    ``accounts`` (:class:`Accounts` when None) for its uids."""
    accounts = Accounts() if accounts is None else accounts
    return Attributor(Config(), mta, accounts, cache)


def dead_pid() -> int:
    """The pid of a process that has exited (and was reaped)."""
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def connect(pid: int, wall: float | None = None, *, comm: str = "php") -> SmtpConnectAttempted:
    """``pid``'s connect to 10.0.0.2:25 seen now, at wall time ``wall`` (now: None)."""
    return SmtpConnectAttempted(
        monotonic=time.monotonic(), wall=time.time() if wall is None else wall, pid=pid,
        tid=pid, comm=comm, family=socket.AF_INET, local=Endpoint("10.0.0.1", 0),
        remote=Endpoint("10.0.0.2", 25),
    )  # fmt: skip


def exec_and_fork(
    parent: int, child: int, at: float, *, fork_at: float | None = None, thread: bool = False
) -> list[ProcEvent]:
    """What the proc connector tells of ``parent`` exec'ing at ``at`` and then making
    ``child`` at ``fork_at`` (``at + 0.1`` when None): a process of its own, or with
    ``thread`` a thread of ``parent`` (its thread group)."""
    group = parent if thread else child
    return [
        ProcEvent(ProcEventKind.EXEC, at, parent, parent),
        ProcEvent(ProcEventKind.FORK, at + 0.1 if fork_at is None else fork_at, child, group,
                  parent_pid=parent, parent_tgid=parent),
    ]  # fmt: skip


def drain_on_refresh(a: Attributor, cache: ExecCache, pending: list[ProcEvent]) -> None:
    """Leave ``pending`` in the proc connector's buffer: ``a``'s next refresh hands them to
    ``cache``, in order."""
    a.refresh = lambda: [cache.handle(pending.pop(0)) for _ in list(pending)] and None


def exec_seen(pid: int, read: Callable[[int], ProcessInfo]) -> ExecCache:
    """An exec cache that saw ``pid`` exec a second ago, and read it with ``read``."""
    cache = ExecCache(reader=read)
    cache.handle(ProcEvent(ProcEventKind.EXEC, time.monotonic() - 1, pid, pid))
    return cache


def read_live(a: Attributor, pid: int, info: ProcessInfo) -> None:
    """Make ``a`` take ``info`` for the live read of ``pid`` (a live process: the test's
    own), just made."""
    start = _stat_start(pid)
    assert start is not None
    a.known.read(pid, LiveRead(time.monotonic(), start, info, _request_state(pid)))


def proc(
    pid: int = 100,
    uid: int = 1001,
    exe: str | None = "/usr/bin/php8.2",
    cwd: str | None = "/home/u/public_html/wp-content/uploads",
    scripts: tuple[str, ...] = ("/home/u/public_html/wp-content/uploads/x.php",),
    method: AttributionMethod = AttributionMethod.TRACEPOINT,
) -> ProcessInfo:
    return ProcessInfo(
        pid=pid, start_time=1000.0, name="php", exe=exe, cmdline=("php", "x.php"), uid=uid,
        euid=uid, gid=uid, user="u", cwd=cwd, scripts=scripts, parents=(), method=method,
    )  # fmt: skip


def attempt(
    wall: float,
    *,
    pid: int = 100,
    remote: str = "10.0.0.2",
    port: int = 25,
    process: ProcessInfo | None = None,
    verdict: Verdict = Verdict.SUSPICIOUS,
    account: Account | None = USER_ACCOUNT,
) -> AttributedAttempt:
    ev = SmtpConnectAttempted(
        monotonic=wall - 1000, wall=wall, pid=pid, tid=pid, comm="php", family=socket.AF_INET,
        local=Endpoint("10.0.0.1", 0), remote=Endpoint(remote, port),
    )  # fmt: skip
    p = process if process is not None else proc(pid=pid)
    return AttributedAttempt(ev, p, account, verdict, ("direct to port 25",))


def blocked(
    wall: float, *, uid: int = 1001, remote: str = "10.0.0.2", port: int = 25
) -> AttributedAttempt:
    ev = SmtpConnectBlocked(
        wall=wall, uid=uid, gid=uid, local=Endpoint("10.0.0.1", 40000),
        remote=Endpoint(remote, port), prefix="spamtrace-block",
    )  # fmt: skip
    return AttributedAttempt(
        ev, None, Account("u", AccountKind.HOME, "/home/u"), Verdict.SUSPICIOUS,
        ("blocked",), blocked=True,
    )  # fmt: skip
