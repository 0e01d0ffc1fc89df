"""`spamtrace check`: who is speaking SMTP from this server, right now.

Pipeline (:func:`collect`): sock_diag dump of TCP sockets to remote SMTP ports (in-kernel
port filter; ``/proc/net/tcp*`` fallback) -> socket inode to pid, scanning only the fds of
processes owned by each socket's uid -> process details (psutil), hosting account, MTA
identity -> verdict and advice (pure).

Then (:func:`scan_report`, not part of :func:`collect`): the scripts and the working folder of
every ``suspicious`` sender are given to the PHP scanner (:func:`spamtrace.scanner.rank_files`,
the folder one level deep), identical (scripts, cwd) groups once, within one time budget for
the whole run (``--scan-budget``, 3 s; ``--no-scan`` turns it off). The most suspicious files
become ``suspect_files`` of the connection and a "this is the file" line of its advice.

Output: a rich table (imported only for the human view), or ``--json`` (schema
``spamtrace.check/1``, no rich import). Exit 0 when nothing alerts, 1 when a connection is
``suspicious`` or ``ssh-tunnel``, 2 on usage/config errors, 3 on runtime failure.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from spamtrace.errors import ExitCode, UsageError
from spamtrace.model import (
    ALERTING_VERDICTS,
    MAIL_VERDICTS,
    AttributionMethod,
    Connection,
    ProcessInfo,
    Verdict,
)
from spamtrace.suspects import SUSPECT_LIMIT as SUSPECT_LIMIT  # re-exported
from spamtrace.suspects import file_advice, scan_for_suspects, scan_targets
from spamtrace.suspects import suspect_json as suspect_json  # re-exported
from spamtrace.suspects import suspect_lines as suspect_lines  # re-exported

if TYPE_CHECKING:
    import argparse
    from typing import Any

    from spamtrace.attribution.mta import MtaIdentity
    from spamtrace.config import Config

SCHEMA = "spamtrace.check/1"
#: seconds for scanning all senders' files in one `check` run (--scan-budget)
SCAN_BUDGET = 3.0

ROOT_WOULD_ADD = (
    "not running as root: only the owner uid of other users' sockets is known; "
    "run as root to add pid, process, exe, command line, cwd, open scripts, parent chain "
    "and the MTA check by exe path"
)


def _seconds(text: str) -> float:
    from argparse import ArgumentTypeError  # loaded already: argparse is parsing

    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 600:
        raise ArgumentTypeError(f"not a number of seconds in (0, 600]: {text!r}")
    return value


def register(sub: Any) -> None:
    from spamtrace.cli.options import port_list

    parser = sub.add_parser(
        "check",
        help="list connections to remote SMTP ports and who made them",
        description="List every TCP connection from this host to a remote SMTP port, the "
        "process, user, hosting account, folder and script behind it, and a verdict.",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--ports",
        type=port_list,
        metavar="LIST",
        help="remote ports to look at, comma-separated (default: smtp.ports, 25,465,587,2525)",
    )
    parser.add_argument(
        "--relay-ports",
        type=port_list,
        metavar="LIST",
        help="ports where any non-MTA sender is suspicious (default: smtp.relay_ports, 25)",
    )
    parser.add_argument(
        "--no-scan",
        action="store_true",
        help="do not scan the suspicious senders' scripts and folders for malicious PHP",
    )
    parser.add_argument(
        "--scan-budget",
        type=_seconds,
        default=SCAN_BUDGET,
        metavar="SECONDS",
        help=f"time for scanning all senders' files in this run (default {SCAN_BUDGET:g})",
    )
    parser.set_defaults(handler=run, report_despite_bad_config=True)


# ----------------------------------------------------------------------------- pipeline
@dataclass(frozen=True, slots=True)
class Report:
    """One run of the pipeline: the connections and what the report says about the run."""

    connections: list[Connection]
    mta: MtaIdentity
    ports: list[int]
    root: bool
    source: str
    notes: list[str]
    #: per connection (same order): its suspect files, or None when it was not scanned
    suspects: tuple[list[dict[str, Any]] | None, ...] = ()
    #: the ``scan`` object of the JSON document (None: scanning was not attempted)
    scan: dict[str, Any] | None = None


def _with_resolved_destinations(cfg: Config, notes: list[str]) -> Config:
    """Add the addresses of host names in ``submission.allow_destinations`` (judge is pure)."""
    if not cfg.submission.allow_destinations:
        return cfg
    import ipaddress
    import socket

    entries = list(cfg.submission.allow_destinations)
    for entry in cfg.submission.allow_destinations:
        if entry.startswith("["):
            continue  # "[v6]:port": an address
        host, port = entry, ""
        if entry.count(":") == 1:
            host, _, port = entry.partition(":")
        try:
            ipaddress.ip_network(host.strip("[]"), strict=False)
            continue  # already an address or a network
        except ValueError:
            pass
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError) as exc:
            notes.append(f"allow_destinations: cannot resolve {host}: {exc}")
            continue
        for info in infos:
            ip = str(info[4][0])
            if port:
                entries.append(f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}")
            else:
                entries.append(ip)
    return replace(cfg, submission=replace(cfg.submission, allow_destinations=entries))


def collect(cfg: Config) -> list[Connection]:
    """The whole check pipeline: every connection to a remote SMTP port, attributed and judged."""
    return _collect(cfg).connections


def _collect(cfg: Config) -> Report:
    from spamtrace.attribution.accounts import AccountResolver
    from spamtrace.attribution.mta import detect_mta
    from spamtrace.attribution.process import find_socket_owners, holds_socket, read_process
    from spamtrace.policy.verdict import advice, judge
    from spamtrace.sources.sockdiag import dump_smtp_sockets

    ports = list(cfg.smtp.ports)
    records = dump_smtp_sockets(ports)
    root = os.geteuid() == 0
    notes: list[str] = []
    if not root:
        notes.append(ROOT_WOULD_ADD)
    source = records[0].source if records else "sockdiag"
    if any(r.source == "procnet" for r in records):
        notes.append("netlink sock_diag unavailable: read /proc/net/tcp{,6} instead")

    relay = set(cfg.smtp.relay_ports)
    if cfg.submission.allow_destinations and any(r.remote.port not in relay for r in records):
        cfg = _with_resolved_destinations(cfg, notes)

    inodes_by_uid: dict[int, set[int]] = {}
    for rec in records:
        if rec.uid is not None and rec.inode:
            inodes_by_uid.setdefault(rec.uid, set()).add(rec.inode)
    owners = find_socket_owners(inodes_by_uid)
    mta = detect_mta(cfg.mta)
    accounts = AccountResolver(cfg.accounts)
    processes: dict[int, ProcessInfo] = {}

    out: list[Connection] = []
    for rec in records:
        extra: list[str] = []
        process: ProcessInfo | None = None
        account = None
        uid = rec.uid
        try:
            pid = owners.get(rec.inode) if rec.inode else None
            if pid is not None:
                if pid not in processes:
                    processes[pid] = read_process(pid, method=AttributionMethod.LIVE)
                process = processes[pid]
                if process.start_time is None or not holds_socket(pid, rec.inode):
                    extra.append(f"pid {pid} no longer holds the socket (exited or reused)")
                    process = None
            elif rec.inode == 0:
                extra.append("socket has no owner process any more (closing)")
            elif root:
                extra.append("no process holds the socket now (it exited, or another netns)")
            if uid is None and process is not None:
                uid = process.uid
            paths = (*process.scripts, process.cwd) if process is not None else ()
            account = accounts.for_process(uid, paths)
            verdict, reasons = judge(rec.remote, process, uid, account, mta, cfg, local=rec.local)
        except Exception as exc:  # one bad entry must not hide the others
            verdict, reasons = (
                Verdict.SUSPICIOUS,
                (f"attribution failed: {type(exc).__name__}: {exc}",),
            )
        conn = Connection(rec, process, account, verdict, (*reasons, *extra))
        out.append(replace(conn, advice=advice(conn)))
    out.sort(key=lambda c: (-c.verdict.severity, c.socket.remote.port, str(c.socket.remote)))
    return Report(out, mta, ports, root, source, notes)


def scan_report(report: Report, cfg: Config, budget: float = SCAN_BUDGET) -> Report:
    """Scan the scripts and folders of the ``suspicious`` senders of ``report``.

    Identical (scripts, cwd) groups are scanned once; all groups share one ``budget`` (most
    severe first: the connections are sorted so). A group left when the budget is spent stays
    ``None`` (not scanned) and is counted in the notes.
    """
    start = time.monotonic()
    deadline = start + budget
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, conn in enumerate(report.connections):
        if conn.verdict is Verdict.SUSPICIOUS:  # ssh-tunnel: sshd's cwd is "/", nothing to scan
            targets = scan_targets(conn.process)
            if targets:
                groups.setdefault(targets, []).append(i)
    suspects: list[list[dict[str, Any]] | None] = [None] * len(report.connections)
    notes: list[str] = []
    scanned = left = 0
    for targets, members in groups.items():
        remaining = deadline - time.monotonic()
        if remaining < 0.05:
            left += 1
            continue
        files, more = scan_for_suspects(targets, budget=remaining, cfg=cfg.scan)
        notes += [n for n in more if n not in notes]
        scanned += 1
        for i in members:
            suspects[i] = files
    if left:
        notes.append(
            f"scan budget of {budget:g} s used up: the files of {left} sender(s) were not "
            "scanned (raise --scan-budget, or run spamtrace scan on their folders)"
        )
    connections = []
    for conn, files in zip(report.connections, suspects, strict=True):
        line = file_advice(files)
        if line is not None:
            conn = replace(conn, advice=(line, *conn.advice))
        connections.append(conn)
    scan = {
        "enabled": True,
        "budget_seconds": budget,
        "seconds": round(time.monotonic() - start, 3),
        "scanned": scanned,
        "not_scanned": left,
        "notes": notes,
    }
    return replace(report, connections=connections, suspects=tuple(suspects), scan=scan)


# ----------------------------------------------------------------------------- output
def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def connection_json(
    conn: Connection, suspect_files: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One connection in the ``spamtrace.check/1`` shape (also used by other commands).

    ``suspect_files``: what :func:`scan_report` found (None: the connection was not scanned).
    """
    sock, proc, acct = conn.socket, conn.process, conn.account
    uid = sock.uid if sock.uid is not None else (proc.uid if proc else None)
    if proc is not None:
        method = proc.method.value
    elif uid is not None:
        method = AttributionMethod.UID_ONLY.value
    else:
        method = AttributionMethod.NONE.value
    user = proc.user if proc is not None else None
    if user is None and acct is not None and uid is not None:
        user = acct.name
    return {
        "pid": proc.pid if proc else None,
        "start_time": proc.start_time if proc else None,
        "started": _iso(proc.start_time) if proc else None,
        "process": proc.name if proc else None,
        "exe": proc.exe if proc else None,
        "cmdline": list(proc.cmdline) if proc else [],
        "uid": uid,
        "euid": proc.euid if proc else None,
        "user": user,
        "account": acct.name if acct else None,
        "account_kind": acct.kind.value if acct else None,
        "account_via": (acct.via or "uid") if acct else None,
        "home": acct.home if acct else None,
        "domains": list(acct.domains) if acct else [],
        "cwd": proc.cwd if proc else None,
        "scripts": list(proc.scripts) if proc else [],
        "parents": [
            {"pid": p.pid, "name": p.name, "exe": p.exe, "uid": p.uid}
            for p in (proc.parents if proc else ())
        ],
        "local": str(sock.local),
        "remote": str(sock.remote),
        "family": "ipv6" if sock.family == 10 else "ipv4",  # 10: AF_INET6
        "state": sock.state.value,
        "inode": sock.inode,
        "socket_source": sock.source,
        "attribution": method,
        "verdict": conn.verdict.value,
        "severity": conn.verdict.severity,
        "reasons": list(conn.reasons),
        "advice": list(conn.advice),
        "notes": list(proc.notes) if proc else [],
        "suspect_files": suspect_files,
    }


def report_json(report: Report) -> dict[str, Any]:
    counts = {v.value: 0 for v in Verdict if v not in MAIL_VERDICTS}
    for conn in report.connections:
        counts[conn.verdict.value] += 1
    return {
        "schema": SCHEMA,
        "generated": _iso(time.time()),
        "root": report.root,
        "ports": report.ports,
        "socket_source": report.source,
        "mta": {
            "kind": report.mta.kind,
            "users": list(report.mta.users),
            "uids": sorted(report.mta.uids),
            "exes": sorted(report.mta.exes),
        },
        "suspicious": counts[Verdict.SUSPICIOUS.value],
        "alerting": sum(1 for c in report.connections if c.verdict in ALERTING_VERDICTS),
        "counts": counts,
        "notes": report.notes,
        "scan": report.scan if report.scan is not None else {"enabled": False},
        "connections": [
            connection_json(c, report.suspects[i] if i < len(report.suspects) else None)
            for i, c in enumerate(report.connections)
        ],
    }


def _print_table(report: Report) -> None:
    from spamtrace.render.check import print_check
    from spamtrace.render.output import console

    con = console()
    if not con.is_terminal:
        con.width = max(con.width, 160)  # pipes and logs: room for paths, no folding
    print_check(
        con,
        report.connections,
        report.ports,
        report.notes,
        report.suspects,
        (report.scan or {}).get("notes", []),
        report_json(report)["counts"],
    )


def run(args: argparse.Namespace, cfg: Config) -> int:
    overrides: dict[str, Any] = {}
    if args.ports:
        overrides["smtp__ports"] = args.ports
    if args.relay_ports:
        overrides["smtp__relay_ports"] = args.relay_ports
    if overrides:
        cfg = cfg.override(**overrides)
    if not cfg.smtp.ports:
        raise UsageError("no SMTP ports configured")
    report = _collect(cfg)
    if not getattr(args, "no_scan", False):
        report = scan_report(report, cfg, getattr(args, "scan_budget", SCAN_BUDGET))
    through_mta = None  # unless the mail logs show a sender above the [mail] limits
    if _mail_logs_written_since(cfg, time.time() - cfg.mail.check_minutes * 60):
        from spamtrace.render.mail import check_section
        from spamtrace.service.mail import recent_report

        recent = recent_report(cfg)
        if recent is not None:
            through_mta = check_section(recent, cfg.mail.check_minutes)
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({**report_json(report), "mail": through_mta})
    else:
        _print_table(report)
        if through_mta is not None:
            from spamtrace.render.mail import print_check_section

            print_check_section(through_mta)
    alerting = any(c.verdict in ALERTING_VERDICTS for c in report.connections) or through_mta
    return int(ExitCode.FOUND if alerting else ExitCode.CLEAN)


def _mail_logs_written_since(cfg: Config, cutoff: float) -> bool:
    """Whether a configured mail log was written after ``cutoff``: without one, the "through
    the MTA" section has nothing to read, and its parsers are not even imported."""
    for path in (*cfg.mail.exim_logs, *cfg.mail.postfix_logs, *cfg.mail.php_logs):
        try:
            if os.stat(path).st_mtime >= cutoff:
                return True
        except OSError:
            continue
    return False
