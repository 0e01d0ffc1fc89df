"""The engine of `spamtrace check`: who is speaking SMTP from this server, right now.

Pipeline (:func:`collect_report`): sock_diag dump of TCP sockets to remote SMTP ports
(in-kernel port filter; ``/proc/net/tcp*`` fallback) -> socket inode to pid, scanning only the
fds of processes owned by each socket's uid -> process details, hosting account, MTA identity
-> verdict and advice (pure, :mod:`spamtrace.policy.verdict`).

Then (:func:`scan_report`, not part of the pipeline): the scripts and the working folder of
every ``suspicious`` sender are given to the PHP scanner (:func:`spamtrace.scanner.rank_files`,
the folder one level deep), identical (scripts, cwd) groups once, within one time budget for
the whole run (3 s by default). The most suspicious files become ``suspect_files`` of the
connection and a "this is the file" line of its advice; the folder's symlinks that point where
a site must not reach (a symlink attack: ``link.sensitive-target``) its ``suspect_links``, and
a line of advice of their own.

The views of a :class:`CheckReport` are in :mod:`spamtrace.render.check`; ``firewall plan``
uses :func:`collect` for the connections its rules would cut.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from spamtrace.model import AttributionMethod, Connection, ProcessInfo, Verdict
from spamtrace.suspects import (
    ProcessKey,
    file_advice,
    link_advice,
    scan_for_suspects,
    scan_targets,
)

if TYPE_CHECKING:
    from typing import Any

    from spamtrace.attribution.mta import MtaIdentity
    from spamtrace.config import Config

#: seconds for scanning all senders' files in one `check` run (--scan-budget)
SCAN_BUDGET = 3.0

ROOT_WOULD_ADD = (
    "not running as root: only the owner uid of other users' sockets is known; "
    "run as root to add pid, process, exe, command line, cwd, open scripts, parent chain "
    "and the MTA check by exe path"
)


@dataclass(frozen=True, slots=True)
class CheckReport:
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
    #: per connection (same order): the symlinks of its folder that point where a site must
    #: not reach (a symlink attack), or None when it was not scanned
    links: tuple[list[dict[str, Any]] | None, ...] = ()


def with_resolved_destinations(cfg: Config, notes: list[str]) -> Config:
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
    return collect_report(cfg).connections


def collect_report(cfg: Config) -> CheckReport:
    """The check pipeline (see the module docstring), with what the run learned about itself."""
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
        cfg = with_resolved_destinations(cfg, notes)

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
    return CheckReport(out, mta, ports, root, source, notes)


def scan_report(report: CheckReport, cfg: Config, budget: float = SCAN_BUDGET) -> CheckReport:
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
    links: list[list[dict[str, Any]] | None] = [None] * len(report.connections)
    notes: list[str] = []
    scanned = left = files_scanned = 0  # senders ((scripts, cwd) groups); files they had
    for targets, members in groups.items():
        remaining = deadline - time.monotonic()
        if remaining < 0.05:
            left += 1
            continue
        risky: list[dict[str, Any]] = []
        counts: dict[str, int] = {}
        # what is read through /proc/PID/ is read only while the pid is still that process
        owner = ProcessKey.of(report.connections[members[0]].process)
        files, more = scan_for_suspects(
            targets, budget=remaining, cfg=cfg.scan, links=risky, stats=counts, owner=owner
        )
        notes += [n for n in more if n not in notes]
        scanned += 1
        files_scanned += counts.get("files", 0)
        for i in members:
            suspects[i] = files
            links[i] = risky if files is not None else None
    if left:
        notes.append(
            f"scan budget of {budget:g} s used up: the files of {left} sender(s) were not "
            "scanned (raise --scan-budget, or run spamtrace scan on their folders)"
        )
    connections = []
    for conn, files, found in zip(report.connections, suspects, links, strict=True):
        lines = [x for x in (file_advice(files), link_advice(found)) if x is not None]
        if lines:
            conn = replace(conn, advice=(*lines, *conn.advice))
        connections.append(conn)
    scan = {
        "enabled": True,
        "budget_seconds": budget,
        "seconds": round(time.monotonic() - start, 3),
        "scanned": scanned,
        "not_scanned": left,
        "files_scanned": files_scanned,
        "notes": notes,
    }
    return replace(
        report, connections=connections, suspects=tuple(suspects), scan=scan, links=tuple(links)
    )


def mail_logs_written_since(cfg: Config, cutoff: float) -> bool:
    """Whether a configured mail log was written after ``cutoff``: without one, the "through
    the MTA" section has nothing to read, and its parsers are not even imported."""
    from spamtrace.sources.maillog.journal import journal_name

    if any(journal_name(path) is not None for path in cfg.mail.postfix_logs):
        return True  # the journal: journalctl's read of the minutes asked says
    for path in (*cfg.mail.exim_logs, *cfg.mail.postfix_logs, *cfg.mail.php_logs):
        try:
            if os.stat(path).st_mtime >= cutoff:
                return True
        except OSError:
            continue
    return False
