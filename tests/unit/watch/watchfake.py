"""Small builders of domain objects for the watch unit tests."""

from __future__ import annotations

import socket

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

USER_ACCOUNT = Account("u", AccountKind.HOME, "/home/u")


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
