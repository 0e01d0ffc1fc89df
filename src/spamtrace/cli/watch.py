"""`spamtrace watch`, `spamtrace incidents`, `spamtrace incident ID`.

``watch`` wires the event pipeline together::

    proc connector ──> ExecCache (pid -> process at exec time)
    tracefs tracepoint ─┐
    [sockdiag polling] ─┼─> attribute (live /proc -> exec-cache -> uid-only) -> judge
    NFLOG (firewall)  ──┘      -> IncidentTracker -> output line + Store (writer thread)

Sources are pluggable (:class:`Source`: ``fileno()``, ``read_events()``, ``close()``) and
multiplexed with :mod:`selectors`. The proc connector is always drained before the tracepoint
is read, and the tracepoint before NFLOG, so the exec cache is as fresh as possible and a
blocked SYN seen by the tracepoint is in its incident before its NFLOG record arrives.
No event is dropped: an event that cannot be attributed is still printed, stored and counted
in an incident, with ``attribution: none``.

When a ``suspicious`` incident opens, its scripts and working folder (known from the exec
cache even when the process is gone) are scanned for malicious PHP by :class:`IncidentScanner`
on a worker thread, within ``--scan-budget`` seconds (2 s): the event reader never waits. The
"incident opened" report is held back until the scan is done (at most the budget plus a
second; events keep being read, printed and stored meanwhile), so that it names the file. A
scan that finishes later is reported as ``incident-scanned``. The result is stored with the
incident (``suspect_files``).

Output: human lines, or ``--json``: one JSON object per line (``schema: spamtrace.watch/1``;
``type`` is ``status``, ``connect-attempted``, ``connect-blocked``, ``incident-opened``,
``incident-scanned`` or ``summary``). Exit status: 1 when an alerting incident (suspicious,
ssh-tunnel) was opened, else 0; 3 on a runtime failure.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import queue
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from spamtrace.cli.options import count
from spamtrace.errors import (
    ExitCode,
    KernelFeatureUnavailable,
    PermissionRequired,
    SpamtraceError,
    UsageError,
)
from spamtrace.model import (
    ALERTING_VERDICTS,
    AttributedAttempt,
    AttributionMethod,
    Connection,
    ProcessInfo,
    SmtpConnectAttempted,
    SmtpConnectBlocked,
    SocketRecord,
    TcpState,
    Verdict,
)
from spamtrace.safetext import escape, escape_argv

if TYPE_CHECKING:
    from spamtrace.actions.respond import Responder
    from spamtrace.attribution.accounts import AccountResolver
    from spamtrace.attribution.exec_cache import ExecCache
    from spamtrace.attribution.mta import MtaIdentity
    from spamtrace.config import Config, ScanSection
    from spamtrace.policy.incidents import Incident, IncidentTracker, IncidentUpdate
    from spamtrace.sinks.store import (
        ActionRecord,
        EventRecord,
        IncidentRecord,
        Store,
        StoreReader,
    )

WATCH_SCHEMA = "spamtrace.watch/1"
INCIDENTS_SCHEMA = "spamtrace.incidents/1"
INCIDENT_SCHEMA = "spamtrace.incident/1"
#: how long a live /proc read of a pid is reused for later events of the same process
LIVE_MEMO_SECONDS = 2.0
#: NFLOG records wait this long (s) so that the tracepoint event of the same SYN comes first
BLOCKED_HOLD = 0.05
#: seconds for scanning one incident's scripts and folder (--scan-budget)
SCAN_BUDGET = 2.0
#: the "incident opened" report waits at most the budget plus this for its scan (s)
SCAN_GRACE = 1.0
#: a scan of the same paths is reused for this long (a sender opening incident after incident)
SCAN_REUSE_SECONDS = 60.0


class Source(Protocol):
    """An event source of the watch loop (tracefs, proc connector, NFLOG, polling)."""

    def fileno(self) -> int: ...

    def read_events(self) -> Sequence[object]: ...

    def close(self) -> None: ...


# ============================================================================ registration
def register(sub: Any) -> None:
    w = sub.add_parser(
        "watch",
        help="catch every outbound SMTP connection as it happens (foreground, root)",
        description="Watch outbound SMTP connection attempts (kernel tracepoint), attribute "
        "each to its process and hosting account, group them into incidents and store them.",
    )
    w.add_argument("--json", action="store_true", help="one JSON object per line")
    w.add_argument(
        "--duration",
        type=_duration,
        metavar="TIME",
        help="stop after this long (e.g. 30, 30s, 5m, 1h)",
    )
    w.add_argument("--db", metavar="PATH", help="store path (default: config store.path)")
    w.add_argument("--no-store", action="store_true", help="do not write the store")
    w.add_argument(
        "--source",
        choices=("auto", "tracepoint", "poll"),
        default="auto",
        help="event source: the tracepoint (default) or DEGRADED sock_diag polling",
    )
    w.add_argument(
        "--no-nflog",
        action="store_true",
        help="do not read the firewall's NFLOG group (blocked attempts)",
    )
    w.add_argument(
        "--no-scan",
        action="store_true",
        help="do not scan the scripts and folder of suspicious incidents for malicious PHP",
    )
    w.add_argument(
        "--no-respond",
        action="store_true",
        help="take no responses and record none (mode = observe still records what it would do)",
    )
    w.add_argument(
        "--scan-budget",
        type=_scan_seconds,
        default=SCAN_BUDGET,
        metavar="SECONDS",
        help=f"time for scanning one incident's scripts and folder (default {SCAN_BUDGET:g})",
    )
    w.set_defaults(handler=_watch)

    i = sub.add_parser("incidents", help="list incidents recorded by `watch`")
    i.add_argument(
        "--since",
        default="24h",
        metavar="WHEN",
        help="30m, 24h, 7d, an ISO date/time, epoch seconds, or 'all' (default 24h)",
    )
    i.add_argument("--json", action="store_true", help="machine-readable output")
    i.add_argument("--db", metavar="PATH", help="store path (default: config store.path)")
    i.add_argument(
        "--limit", type=count, default=1000, metavar="N", help="at most this many (default 1000)"
    )
    i.set_defaults(handler=_incidents)

    one = sub.add_parser("incident", help="everything known about one incident")
    one.add_argument("id", help="incident id (or a unique prefix of it)")
    one.add_argument("--json", action="store_true", help="machine-readable output")
    one.add_argument("--db", metavar="PATH", help="store path (default: config store.path)")
    one.set_defaults(handler=_incident)


_DUR_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {None: 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def _duration(text: str) -> float:
    m = _DUR_RE.match(text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 30s, 5m, 2h)")
    return float(m.group(1)) * _UNITS[m.group(2)]


def _scan_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 60:
        raise argparse.ArgumentTypeError(f"not a number of seconds in (0, 60]: {text!r}")
    return value


def parse_since(text: str, now: float) -> float | None:
    """'all' -> None; '30m' -> now-1800; epoch seconds; ISO date/time (UTC if naive)."""
    text = text.strip()
    if text.lower() in ("all", "ever", ""):
        return None
    m = _DUR_RE.match(text)
    if m and m.group(2):
        return now - float(m.group(1)) * _UNITS[m.group(2)]
    with contextlib.suppress(ValueError):
        value = float(text)
        if value > 1e8:
            return value
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--since: cannot read {text!r} (use 30m, 24h, 7d, 2026-11-27T10:00, or all)"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.timestamp()


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return (
        dt.datetime.fromtimestamp(ts, dt.timezone.utc)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


# ============================================================================ attribution
def _stat_start(pid: int) -> str | None:
    """Field 22 (starttime, clock ticks) of /proc/PID/stat: identifies the process cheaply."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    tail = data[data.rfind(b")") + 2 :].split()
    return tail[19].decode() if len(tail) > 19 else None


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


class Attributor:
    """Event -> AttributedAttempt. Order: live /proc, exec cache, uid only; never drops."""

    def __init__(
        self,
        cfg: Config,
        mta: MtaIdentity,
        accounts: AccountResolver,
        exec_cache: ExecCache | None,
    ) -> None:
        from spamtrace.attribution.process import read_process, user_name

        self.cfg = cfg
        self.mta = mta
        self.accounts = accounts
        self.cache = exec_cache
        self._read = read_process
        self._user_name = user_name
        self._memo: dict[int, tuple[float, str, ProcessInfo]] = {}
        self.counts: dict[str, int] = {}
        #: drains the proc connector into the cache (set by the watch loop)
        self.refresh: Callable[[], None] | None = None

    def _live(self, ev: SmtpConnectAttempted) -> ProcessInfo | None:
        pid = ev.pid
        if pid <= 0:
            return None
        start = _stat_start(pid)
        if start is None:
            return None
        memo = self._memo.get(pid)
        now = time.monotonic()
        if memo is not None and memo[1] == start and now - memo[0] < LIVE_MEMO_SECONDS:
            return memo[2]
        info = self._read(pid, method=AttributionMethod.TRACEPOINT)
        if info.exe is None and info.cwd is None:
            return None  # exited or a zombie: fall back
        if info.start_time is not None and info.start_time > ev.wall + 1.0:
            return None  # started after the event: the pid was reused
        if _stat_start(pid) != start:
            return None
        if len(self._memo) > 4096:
            self._memo.clear()
        self._memo[pid] = (now, start, info)
        return info

    def attempt(
        self, ev: SmtpConnectAttempted, uid_hint: int | None = None, *, blocked: bool = False
    ) -> AttributedAttempt:
        process: ProcessInfo | None = None
        live = self._live(ev)
        if live is not None:
            process = live
            if (live.cwd is None or live.exe is None or live.uid is None) and self.cache:
                cached = self.cache.lookup(ev.pid, at=ev.monotonic)
                if cached is not None:
                    process = _fill_from(live, cached)
            if ev.source != "tracepoint":
                process = _with_method(process, AttributionMethod.LIVE)
        elif self.cache is not None and ev.pid > 0:
            process = self.cache.lookup(ev.pid, at=ev.monotonic)
            if process is None and self.refresh is not None:
                # its exec may have arrived after the last drain of the proc connector
                self.refresh()
                process = self.cache.lookup(ev.pid, at=ev.monotonic)
        if process is None:
            uid, gid = _status_uid(ev.pid) if ev.pid > 0 else (None, None)
            if uid is None:
                uid = uid_hint
            if uid is not None:
                process = ProcessInfo(
                    pid=ev.pid, start_time=None, name=ev.comm, exe=None, cmdline=(), uid=uid,
                    euid=None, gid=gid, user=self._user_name(uid), cwd=None, scripts=(),
                    parents=(), method=AttributionMethod.UID_ONLY,
                    notes=("process exited before it could be read; uid only",),
                )  # fmt: skip
        uid = process.uid if process is not None else uid_hint
        account = self.accounts.for_uid(uid) if uid is not None else None
        from spamtrace.policy.verdict import judge

        verdict, reasons = judge(ev.remote, process, uid, account, self.mta, self.cfg)
        method = process.method.value if process is not None else AttributionMethod.NONE.value
        self.counts[method] = self.counts.get(method, 0) + 1
        return AttributedAttempt(ev, process, account, verdict, reasons, blocked=blocked)

    def blocked(self, ev: SmtpConnectBlocked) -> AttributedAttempt:
        account = self.accounts.for_uid(ev.uid) if ev.uid is not None else None
        from spamtrace.policy.verdict import judge

        verdict, reasons = judge(ev.remote, None, ev.uid, account, self.mta, self.cfg)
        reasons = (*reasons, "blocked by the firewall (NFLOG record: uid only, no pid)")
        key = AttributionMethod.NFLOG_UID_ONLY.value
        self.counts[key] = self.counts.get(key, 0) + 1
        return AttributedAttempt(ev, None, account, verdict, reasons, blocked=True)


def _fill_from(live: ProcessInfo, cached: ProcessInfo) -> ProcessInfo:
    """A live read that lost fields (the process was exiting), completed from the exec cache."""
    from spamtrace.record import replace

    return replace(
        live,
        exe=live.exe or cached.exe,
        cwd=live.cwd or cached.cwd,
        uid=live.uid if live.uid is not None else cached.uid,
        euid=live.euid if live.euid is not None else cached.euid,
        gid=live.gid if live.gid is not None else cached.gid,
        user=live.user or cached.user,
        cmdline=live.cmdline or cached.cmdline,
        scripts=live.scripts or cached.scripts,
        notes=(*live.notes, "fields the exited process no longer showed came from the exec cache"),
    )


def _with_method(info: ProcessInfo, method: AttributionMethod) -> ProcessInfo:
    from spamtrace.record import replace

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


# ============================================================================ records
def event_record(att: AttributedAttempt, incident_id: str | None) -> EventRecord:
    from spamtrace.cli.output import to_jsonable
    from spamtrace.sinks.store import EventRecord, EventType

    ev = att.event
    p = att.process
    blocked_ev = isinstance(ev, SmtpConnectBlocked)
    details: dict[str, Any] = {}
    if isinstance(ev, SmtpConnectAttempted):
        details = {"tid": ev.tid, "comm": ev.comm, "monotonic": ev.monotonic}
    else:
        details = {"prefix": ev.prefix}
    if p is not None:
        details["name"] = p.name
        details["parents"] = to_jsonable(p.parents)
        details["notes"] = list(p.notes)
    return EventRecord(
        type=EventType.CONNECT_BLOCKED if blocked_ev else EventType.CONNECT_ATTEMPTED,
        wall=ev.wall,
        pid=getattr(ev, "pid", None) or None,
        start_time=p.start_time if p else None,
        uid=attempt_uid(att),
        gid=(p.gid if p else None) if not blocked_ev else getattr(ev, "gid", None),
        user=p.user if p else None,
        account=att.account.name if att.account else None,
        exe=p.exe if p else None,
        cwd=p.cwd if p else None,
        cmdline=p.cmdline if p else (),
        scripts=p.scripts if p else (),
        local=str(ev.local),
        remote=str(ev.remote),
        verdict=att.verdict.value,
        reasons=att.reasons,
        method=(
            p.method.value
            if p
            else (
                AttributionMethod.NFLOG_UID_ONLY.value
                if blocked_ev
                else AttributionMethod.NONE.value
            )
        ),
        blocked=att.blocked,
        incident_id=incident_id,
        source=ev.source,
        details=details,
    )


def incident_record(
    inc: Incident,
    first: AttributedAttempt | None,
    suspect_files: Sequence[dict[str, Any]] | None = None,
) -> IncidentRecord:
    """The stored state of an incident; ``suspect_files``: its scan result (None: not yet)."""
    from spamtrace.cli.check import file_advice
    from spamtrace.cli.output import to_jsonable
    from spamtrace.policy.verdict import advice
    from spamtrace.sinks.store import IncidentRecord

    adv: tuple[str, ...] = ()
    process: dict[str, Any] = {}
    if first is not None:
        adv = advice(connection_of(first))
        if first.process is not None:
            process = to_jsonable(first.process)
    line = file_advice(suspect_files)
    if line is not None:
        adv = (line, *adv)
    return IncidentRecord(
        id=inc.id, verdict=inc.verdict.value, uid=inc.uid, user=inc.user, account=inc.account,
        account_kind=inc.account_kind, home=inc.home, exe=inc.exe, cwd=inc.cwd,
        scripts=inc.scripts, cmdline=inc.cmdline, connections=inc.connections,
        blocked=inc.blocked, destinations=inc.destinations, pids=inc.pids,
        first_seen=inc.first_seen, last_seen=inc.last_seen,
        rate_per_minute=inc.rate_per_minute, reasons=inc.reasons, methods=dict(inc.methods),
        advice=adv, process=process,
        suspect_files=None if suspect_files is None else tuple(suspect_files),
    )  # fmt: skip


def incident_of_record(rec: IncidentRecord) -> Incident | None:
    """The tracker's view of a stored incident (None for a verdict this version does not know)."""
    from spamtrace.policy.incidents import Incident

    try:
        verdict = Verdict(rec.verdict)
    except ValueError:
        return None
    return Incident(
        id=rec.id, verdict=verdict, uid=rec.uid, user=rec.user, account=rec.account,
        account_kind=rec.account_kind, home=rec.home, exe=rec.exe, cwd=rec.cwd,
        scripts=rec.scripts, cmdline=rec.cmdline, connections=rec.connections,
        blocked=rec.blocked, destinations=rec.destinations, pids=rec.pids,
        first_seen=rec.first_seen, last_seen=rec.last_seen, reasons=rec.reasons,
        methods=tuple(sorted(rec.methods.items())),
    )  # fmt: skip


def incident_json(
    rec: IncidentRecord, actions: Sequence[ActionRecord] | None = None
) -> dict[str, Any]:
    return {
        "id": rec.id,
        "verdict": rec.verdict,
        "uid": rec.uid,
        "user": rec.user,
        "account": rec.account,
        "account_kind": rec.account_kind,
        "home": rec.home,
        "exe": rec.exe,
        "cwd": rec.cwd,
        "scripts": list(rec.scripts),
        "cmdline": list(rec.cmdline),
        "connections": rec.connections,
        "blocked": rec.blocked,
        "destinations": list(rec.destinations),
        "pids": list(rec.pids),
        "first_seen": iso(rec.first_seen),
        "last_seen": iso(rec.last_seen),
        "first_seen_epoch": rec.first_seen,
        "last_seen_epoch": rec.last_seen,
        "rate_per_minute": rec.rate_per_minute,
        "reasons": list(rec.reasons),
        "attribution": rec.methods,
        "advice": list(rec.advice),
        "suspect_files": None if rec.suspect_files is None else list(rec.suspect_files),
        "actions": [action_json(a) for a in actions or ()],
    }


def action_json(a: ActionRecord) -> dict[str, Any]:
    """One entry of an incident's ``actions`` (the interface: action, status, at, detail,
    undo; the rest is extra)."""
    return {
        "action": a.action,
        "status": a.status,
        "at": iso(a.at),
        "detail": a.detail,
        "undo": a.undo,
        "uid": a.uid,
        "target": a.target,
        "undone_at": iso(a.undone_at),
        "data": a.data,
    }


def _scan_json(result: IncidentScan) -> dict[str, Any]:
    """The ``scan`` object of ``incident-opened`` / ``incident-scanned`` lines."""
    return {
        "paths": list(result.paths),
        "seconds": round(result.seconds, 3),
        "reused": result.reused,
        "notes": list(result.notes),
    }


def _suspect_block(files: Sequence[dict[str, Any]] | None, indent: str) -> list[str]:
    """Human lines for an incident's suspect files (escaped)."""
    if files is None:
        return []
    if not files:
        return [f"{indent}file:    nothing suspicious in the script(s) and folder (scanned)"]
    from spamtrace.cli.check import suspect_lines

    return [
        f"{indent}{'         ' if text.startswith('  ') else 'file:    '}{text}"
        for text in suspect_lines(files)
    ]


def event_json(rec: EventRecord) -> dict[str, Any]:
    return {
        "type": rec.type.value,
        "time": iso(rec.wall),
        "wall": rec.wall,
        "pid": rec.pid,
        "process": rec.details.get("name") or rec.details.get("comm"),
        "exe": rec.exe,
        "cmdline": list(rec.cmdline),
        "uid": rec.uid,
        "user": rec.user,
        "account": rec.account,
        "cwd": rec.cwd,
        "scripts": list(rec.scripts),
        "local": rec.local,
        "remote": rec.remote,
        "verdict": rec.verdict,
        "reasons": list(rec.reasons),
        "attribution": rec.method,
        "blocked": rec.blocked,
        "source": rec.source,
        "incident": rec.incident_id,
    }


# ============================================================================ scanning
def scan_targets_of(att: AttributedAttempt) -> tuple[str, ...]:
    """What to scan when ``att`` opens an incident: only ``suspicious`` senders (a tunnel's
    sshd runs in "/"), their scripts and working folder (from the exec cache when gone)."""
    if att.verdict is not Verdict.SUSPICIOUS:
        return ()
    from spamtrace.cli.check import scan_targets

    return scan_targets(att.process)


#: the scanner's per-process caches of yara-x objects: (module, attribute)
_SCANNER_CACHES = (
    ("spamtrace.scanner.rules", "_YARA"),
    ("spamtrace.scanner.analyze", "_GATE_SCANNERS"),
)


def _scanner_caches() -> list[list[Any] | dict[Any, Any]]:
    out: list[list[Any] | dict[Any, Any]] = []
    for module, name in _SCANNER_CACHES:
        cache = getattr(sys.modules.get(module), name, None)
        if isinstance(cache, (list, dict)):
            out.append(cache)
    return out


def _cached_scanner_objects() -> set[int]:
    """Identities of the yara-x objects the scanner has cached so far (by any thread)."""
    ids: set[int] = set()
    for cache in _scanner_caches():
        ids.update(id(v) for v in (cache.values() if isinstance(cache, dict) else cache))
    return ids


def _release_scanner_thread_state(keep: set[int]) -> None:
    """Drop the yara-x objects this thread added to the scanner's caches, on this thread.

    yara-x scanners may only be used and dropped by the thread that created them (PyO3
    "unsendable"), and the scanner caches them per process. Made on the scan thread, they
    would otherwise be dropped at interpreter exit by the main thread, which prints a
    RuntimeError. Objects cached before the thread started (``keep``) are left alone. Best
    effort: a cache that is not there (the scanner keeps them elsewhere) is skipped.
    """
    for cache in _scanner_caches():
        with contextlib.suppress(Exception):
            if isinstance(cache, dict):
                for key in [k for k, v in cache.items() if id(v) not in keep]:
                    cache.pop(key, None)
            else:
                cache[:] = [v for v in cache if id(v) in keep]


@dataclass(frozen=True, slots=True)
class IncidentScan:
    """The scan of one incident's scripts and folder."""

    incident_id: str
    paths: tuple[str, ...]
    files: tuple[dict[str, Any], ...] | None  # most suspicious first; None: nothing scanned
    notes: tuple[str, ...]
    seconds: float
    reused: bool = False


class IncidentScanner:
    """Scans incidents' scripts and folders on one worker thread; the event reader never waits.

    :meth:`submit` never blocks (a full queue is counted and reported, never silent); each job
    has ``budget`` seconds (:func:`spamtrace.scanner.rank_files`: folders one level deep, at
    most 200 files). The scanner (yara-x, rules) is loaded with the first job, so an idle
    watcher on a clean host does not carry it. Results wake the watch loop through
    :meth:`fileno` and are collected with :meth:`results`.
    """

    def __init__(self, cfg: ScanSection | None, budget: float, *, max_jobs: int = 64) -> None:
        self.cfg = cfg
        self.budget = budget
        self.scanned = 0
        self.reused = 0
        self.dropped = 0
        self.seconds = 0.0
        self._jobs: queue.Queue[tuple[str, tuple[str, ...]] | None] = queue.Queue(max_jobs)
        self._done: queue.SimpleQueue[IncidentScan] = queue.SimpleQueue()
        self._recent: dict[tuple[str, ...], tuple[float, IncidentScan]] = {}
        self._r, self._w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._thread: threading.Thread | None = threading.Thread(
            target=self._run, name="spamtrace-scan", daemon=True
        )
        self._thread.start()

    def fileno(self) -> int:
        return self._r

    def submit(self, incident_id: str, paths: tuple[str, ...]) -> bool:
        try:
            self._jobs.put_nowait((incident_id, paths))
            return True
        except queue.Full:
            self.dropped += 1
            return False

    def results(self) -> list[IncidentScan]:
        with contextlib.suppress(OSError):
            while os.read(self._r, 4096):
                pass
        out: list[IncidentScan] = []
        while True:
            try:
                out.append(self._done.get_nowait())
            except queue.Empty:
                return out

    def wait(self, timeout: float) -> None:
        """Block until a result may be ready (or ``timeout`` s): for the end of a run."""
        import select

        with contextlib.suppress(OSError, ValueError):
            select.select([self._r], [], [], max(0.0, timeout))

    def _run(self) -> None:
        from spamtrace.cli.check import scan_for_suspects

        before = _cached_scanner_objects()
        while True:
            job = self._jobs.get()
            if job is None:
                _release_scanner_thread_state(keep=before)
                return
            ident, paths = job
            start = time.monotonic()
            recent = self._recent.get(paths)
            if recent is not None and start - recent[0] < SCAN_REUSE_SECONDS:
                result = IncidentScan(ident, paths, recent[1].files, recent[1].notes, 0.0, True)
                self.reused += 1
            else:
                try:
                    files, notes = scan_for_suspects(paths, budget=self.budget, cfg=self.cfg)
                except BaseException as exc:  # never let the thread die silently
                    files, notes = None, [f"scan failed: {type(exc).__name__}: {exc}"]
                seconds = time.monotonic() - start
                result = IncidentScan(
                    ident, paths, None if files is None else tuple(files), tuple(notes), seconds
                )
                self.scanned += 1
                self.seconds += seconds
                if len(self._recent) >= 256:
                    self._recent.clear()
                self._recent[paths] = (start, result)
            self._done.put(result)
            with contextlib.suppress(OSError):
                os.write(self._w, b"x")

    def stats(self) -> dict[str, Any]:
        return {
            "scanned": self.scanned,
            "reused": self.reused,
            "dropped": self.dropped,
            "seconds": round(self.seconds, 3),
            "budget_seconds": self.budget,
        }

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        with contextlib.suppress(queue.Full):
            self._jobs.put(None, timeout=self.budget + SCAN_GRACE)
        thread.join(self.budget + SCAN_GRACE)  # a daemon: a stuck scan cannot hold the exit
        if thread.is_alive():
            return  # it may still write its wake-up byte: keep the pipe open
        for fd in (self._r, self._w):
            with contextlib.suppress(OSError):
                os.close(fd)


# ============================================================================ the loop
class Watch:
    def __init__(self, cfg: Config, args: argparse.Namespace) -> None:
        from spamtrace.attribution.accounts import AccountResolver
        from spamtrace.attribution.exec_cache import ExecCache
        from spamtrace.attribution.mta import detect_mta
        from spamtrace.policy.incidents import IncidentTracker

        self.cfg = cfg
        self.args = args
        self.json = bool(args.json)
        self.degraded: list[str] = []
        self.notes: list[str] = []
        self.sources: list[Source] = []
        self.proc_src: Source | None = None
        self.trace_src: Source | None = None
        self.store: Store | None = None
        self.exec_cache: ExecCache | None = None
        self.tracker: IncidentTracker = IncidentTracker()
        self._first: dict[str, AttributedAttempt] = {}
        self.mta = detect_mta(cfg.mta)
        self.accounts = AccountResolver(cfg.accounts)
        self.events = 0
        self.blocked_events = 0
        self.alerting_opened = 0
        self.incidents_opened = 0
        self._stop_r, self._stop_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._stopping = False
        self._pending_blocked: list[tuple[float, SmtpConnectBlocked]] = []
        self._exec_cache_cls = ExecCache
        self.attributor: Attributor | None = None
        self.scanner: IncidentScanner | None = None
        #: incident id -> its suspect files (scan done)
        self._suspects: dict[str, tuple[dict[str, Any], ...]] = {}
        #: incident id -> when its held-back "incident opened" report is due anyway
        self._held: dict[str, float] = {}
        #: incident id -> its latest snapshot (for reports and store updates after a scan)
        self._latest: dict[str, Incident] = {}
        self.responder: Responder | None = None

    # ------------------------------------------------------------------ setup
    def _resume_incidents(self) -> None:
        """Take up the incidents the store recorded before a restart (same ids, counts go on)."""
        assert self.store is not None
        since = time.time() - self.tracker.idle_gap
        try:
            with self.store.reader() as reader:
                records = reader.incidents(since=since, limit=self.tracker.max_open)
        except SpamtraceError as exc:
            self.notes.append(f"incidents from before this start not taken up: {exc.message}")
            return
        taken = self.tracker.resume(r for r in map(incident_of_record, records) if r is not None)
        for rec in records:
            if rec.suspect_files is not None:
                self._suspects[rec.id] = rec.suspect_files
        if taken:
            self.notes.append(f"{taken} incident(s) from before this start taken up")

    def open(self) -> None:
        args, cfg = self.args, self.cfg
        if not args.no_store:
            from spamtrace.sinks.store import Store

            self.store = Store(
                args.db or cfg.store.path,
                queue_size=cfg.watch.queue_size,
                retention_days=cfg.store.retention_days,
                max_events=cfg.store.max_events,
            )
            self._resume_incidents()
        from spamtrace.sources.proc_connector import ProcConnectorSource

        try:
            self.proc_src = ProcConnectorSource()
            self.exec_cache = self._exec_cache_cls(max_entries=cfg.watch.exec_cache_size)
        except SpamtraceError as exc:
            self.degraded.append(
                f"proc connector unavailable ({exc.message}): processes that exit within "
                "milliseconds are attributed by uid only"
            )
        self.attributor = Attributor(cfg, self.mta, self.accounts, self.exec_cache)
        self.attributor.refresh = self._drain_proc
        if args.source in ("auto", "tracepoint"):
            from spamtrace.sources.tracefs import TracefsSource

            try:
                self.trace_src = TracefsSource(cfg.smtp.ports)
            except SpamtraceError as exc:
                if args.source == "tracepoint":
                    raise
                self._fallback_to_polling(f"tracepoint unavailable: {exc.message}")
        else:
            self._fallback_to_polling("polling requested with --source poll")
        if self.trace_src is not None:
            self.sources.append(self.trace_src)
        if self.proc_src is not None:
            self.sources.append(self.proc_src)
        if not args.no_nflog:
            self._open_nflog()
        if not getattr(args, "no_scan", False):
            budget = float(getattr(args, "scan_budget", SCAN_BUDGET))
            self.scanner = IncidentScanner(cfg.scan, budget)
        if not getattr(args, "no_respond", False):
            from spamtrace.actions.respond import Responder

            self.responder = Responder(cfg, self.mta)

    def _fallback_to_polling(self, why: str) -> None:
        from spamtrace.sources.sockdiag_poll import SockdiagPollSource

        interval = self.cfg.watch.poll_interval
        self.degraded.append(
            f"{why}; DEGRADED: polling sock_diag every {interval * 1000:.0f} ms, which misses "
            "short connections (see docs/watch.md for the measured catch rate)"
        )
        self.sources.append(SockdiagPollSource(self.cfg.smtp.ports, interval))

    def _open_nflog(self) -> None:
        try:
            from spamtrace.sources.nflog import NflogSource
        except ImportError:
            self.notes.append("NFLOG reader not installed: blocked attempts are not read")
            return
        try:
            self.sources.append(NflogSource(self.cfg.firewall.nflog_group))
        except SpamtraceError as exc:
            self.notes.append(f"blocked attempts are not read: {exc.message}")

    def request_stop(self, *_: object) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):
            os.write(self._stop_w, b"x")

    def close(self) -> None:
        for src in self.sources:
            with contextlib.suppress(Exception):
                src.close()
        self.sources.clear()
        if self.scanner is not None:
            self.scanner.close()
        if self.responder is not None:
            self._actions(self.responder.close())
        if self.store is not None:
            self.store.close()

    # ------------------------------------------------------------------ running
    def run(self, duration: float | None) -> int:
        import selectors

        sel = selectors.DefaultSelector()
        for src in self.sources:
            sel.register(src.fileno(), selectors.EVENT_READ, src)
        sel.register(self._stop_r, selectors.EVENT_READ, None)
        if self.scanner is not None:
            sel.register(self.scanner.fileno(), selectors.EVENT_READ, self.scanner)
        if self.responder is not None:
            sel.register(self.responder.fileno(), selectors.EVENT_READ, self.responder)
        self._status()
        deadline = time.monotonic() + duration if duration is not None else None
        last_expire = time.monotonic()
        while not self._stopping:
            timeout = BLOCKED_HOLD if self._pending_blocked else 1.0
            if self._held:
                timeout = max(0.0, min(timeout, min(self._held.values()) - time.monotonic()))
            if deadline is not None:
                timeout = min(timeout, deadline - time.monotonic())
                if timeout <= 0:
                    break
            ready = sel.select(timeout)
            self._drain_proc()
            ordered = sorted((k.data for k, _ in ready if k.data is not None), key=self._rank)
            for src in ordered:
                if src is self.proc_src or src is self.scanner or src is self.responder:
                    continue
                self._read_source(src, sel)
            self._flush_blocked(sel)
            self._collect_scans()
            if self.responder is not None:
                self._actions(self.responder.results())
            now = time.monotonic()
            if self.exec_cache is not None and now - last_expire > 5.0:
                self.exec_cache.expire(now)
                last_expire = now
        # final drain: events already in the kernel buffers
        self._drain_proc()
        for src in sorted(self.sources, key=self._rank):
            if src is not self.proc_src:
                self._read_source(src, None)
        self._flush_blocked(None, force=True)
        sel.close()
        self._finish_scans()
        return ExitCode.FOUND if self.alerting_opened else ExitCode.CLEAN

    # ------------------------------------------------------------------ scanning
    def _collect_scans(self, *, expire: bool = True) -> None:
        """Take finished scans: store them, report held-back incidents; expire late ones."""
        if self.scanner is None:
            return
        for result in self.scanner.results():
            self._scanned(result)
        if expire and self._held:
            now = time.monotonic()
            for ident in [i for i, due in self._held.items() if due <= now]:
                del self._held[ident]
                self._report_opened(ident, None)

    def _finish_scans(self) -> None:
        """At the end of a run: wait (bounded) for the scans of held-back incidents."""
        while self.scanner is not None and self._held:
            now = time.monotonic()
            due = min(self._held.values())
            if due > now:
                self.scanner.wait(due - now)
            self._collect_scans()

    def _scanned(self, result: IncidentScan) -> None:
        ident = result.incident_id
        if result.files is not None and self.responder is not None:
            scanned = self._latest.get(ident)
            if scanned is not None:
                self._actions(self.responder.on_scan(scanned, result.files))
        if result.files is not None:
            self._suspects[ident] = result.files
            if len(self._suspects) > 10_000:
                self._suspects.pop(next(iter(self._suspects)))
            inc = self._latest.get(ident)
            if inc is not None and self.store is not None:
                self.store.submit_incident(
                    incident_record(inc, self._first.get(ident), result.files)
                )
        if ident in self._held:
            del self._held[ident]
            self._report_opened(ident, _scan_json(result))
        else:
            self._report_late_scan(result)

    def _report_opened(self, ident: str, scan: dict[str, Any] | None) -> None:
        inc = self._latest.get(ident)
        if inc is None:
            return
        if scan is None:
            scan = {
                "notes": [
                    f"the scan took longer than {self._scan_budget() + SCAN_GRACE:g} s: its "
                    "result follows (incident-scanned) and is stored with the incident"
                ]
            }
        rec = incident_record(inc, self._first.get(ident), self._suspects.get(ident))
        self._emit_opened(rec, inc.alerting, scan)

    def _scan_budget(self) -> float:
        return self.scanner.budget if self.scanner is not None else SCAN_BUDGET

    def _report_late_scan(self, result: IncidentScan) -> None:
        from spamtrace.cli.check import file_advice

        if self.json:
            self._line({
                "type": "incident-scanned", "incident": result.incident_id,
                "suspect_files": None if result.files is None else list(result.files),
                "scan": _scan_json(result),
            })  # fmt: skip
            return
        out = [f"!! incident {result.incident_id}: scan of its scripts and folder finished"]
        out += _suspect_block(result.files, "   ")
        out += [f"   scan:    {escape(n)}" for n in result.notes]
        line = file_advice(result.files)
        if line is not None:
            out.append(f"   what to do: {escape(line)}")
        print("\n".join(out), flush=True)

    def _rank(self, src: Source) -> int:
        if src is self.proc_src:
            return 0
        if src is self.trace_src:
            return 1
        return 2

    def _drain_proc(self) -> None:
        if self.proc_src is None or self.exec_cache is None:
            return
        try:
            for pev in self.proc_src.read_events():
                self.exec_cache.handle(pev)  # type: ignore[arg-type]
        except KernelFeatureUnavailable as exc:
            self.degraded.append(f"proc connector stopped: {exc.message}")
            self._warn(self.degraded[-1])
            self.sources.remove(self.proc_src)
            with contextlib.suppress(Exception):
                self.proc_src.close()
            self.proc_src = None

    def _read_source(self, src: Source, sel: Any) -> None:
        try:
            events = src.read_events()
        except KernelFeatureUnavailable as exc:
            if sel is not None:
                with contextlib.suppress(KeyError, ValueError):
                    sel.unregister(src.fileno())
            with contextlib.suppress(Exception):
                src.close()
            if src in self.sources:
                self.sources.remove(src)
            if src is self.trace_src:
                self.trace_src = None
                self._fallback_to_polling(exc.message)
                new = self.sources[-1]
                if sel is not None:
                    sel.register(new.fileno(), 1, new)
            else:
                self.degraded.append(exc.message)
            self._warn(self.degraded[-1])
            return
        now = time.monotonic()
        for ev in events:
            if isinstance(ev, SmtpConnectBlocked):
                # held briefly so that the tracepoint event of the same SYN is handled first
                self._pending_blocked.append((now, ev))
            else:
                self._handle(ev)

    def _flush_blocked(self, sel: Any, force: bool = False) -> None:
        if not self._pending_blocked:
            return
        now = time.monotonic()
        if not force and now - self._pending_blocked[0][0] < BLOCKED_HOLD:
            return
        if self.trace_src is not None:
            self._drain_proc()
            self._read_source(self.trace_src, sel)  # the matching SYNs first
        keep: list[tuple[float, SmtpConnectBlocked]] = []
        for arrived, ev in self._pending_blocked:
            if force or now - arrived >= BLOCKED_HOLD:
                self._handle(ev)
            else:
                keep.append((arrived, ev))
        self._pending_blocked = keep

    def _handle(self, ev: object) -> None:
        from spamtrace.sources.sockdiag_poll import PolledConnect

        assert self.attributor is not None
        if isinstance(ev, SmtpConnectAttempted):
            att = self.attributor.attempt(ev)
        elif isinstance(ev, PolledConnect):
            att = self.attributor.attempt(ev.attempt, uid_hint=ev.uid)
        elif isinstance(ev, SmtpConnectBlocked):
            att = self.attributor.blocked(ev)
            self.blocked_events += 1
        else:
            return
        self.events += 1
        update = self.tracker.add(att)
        inc = update.incident
        # responses first: a block must not wait for the store or the terminal
        actions = self.responder.on_attempt(att, inc) if self.responder is not None else []
        if update.opened:
            self._first[inc.id] = att
            if len(self._first) > 10_000:
                self._first.pop(next(iter(self._first)))
        self._latest[inc.id] = inc
        if len(self._latest) > 10_000:
            self._latest.pop(next(iter(self._latest)))
        rec = event_record(att, inc.id)
        inc_rec = incident_record(inc, self._first.get(inc.id, att), self._suspects.get(inc.id))
        if self.store is not None:
            self.store.submit(rec, inc_rec)
        self._emit_event(rec, inc, update)
        self._actions(actions)
        if update.opened:
            self.incidents_opened += 1
            if inc.alerting:
                self.alerting_opened += 1
            targets = scan_targets_of(att) if self.scanner is not None else ()
            if self.scanner is not None and targets:
                if self.scanner.submit(inc.id, targets):
                    # reported when scanned (the reader goes on meanwhile), or when due
                    self._held[inc.id] = time.monotonic() + self.scanner.budget + SCAN_GRACE
                    return
                scan: dict[str, Any] | None = {
                    "paths": list(targets),
                    "notes": ["not scanned: too many scans queued (run spamtrace scan on them)"],
                }
            else:
                scan = None
            self._emit_opened(inc_rec, inc.alerting, scan)

    def _actions(self, records: Sequence[ActionRecord]) -> None:
        """Store and report response records (``type: action`` lines)."""
        for a in records:
            if self.store is not None:
                self.store.submit_action(a)
            if self.json:
                self._line({"type": "action", "incident": a.incident_id, "action": action_json(a)})
                continue
            undo = f"  (undo: {escape(a.undo)})" if a.undo else ""
            print(
                f"!! {a.action} {a.status.upper()}: {escape(a.detail)}  [{a.incident_id}]{undo}",
                flush=True,
            )

    # ------------------------------------------------------------------ output
    def _line(self, doc: dict[str, Any]) -> None:
        from spamtrace.cli.output import dump_json

        dump_json({"schema": WATCH_SCHEMA, **doc}, line=True)

    def _warn(self, text: str) -> None:
        if self.json:
            self._line({"type": "status", "warning": text})
        print(f"spamtrace: warning: {escape(text)}", file=sys.stderr, flush=True)

    def _status(self) -> None:
        sources = [_source_name(s) for s in self.sources]
        store = self.store.path if self.store is not None else None
        if self.json:
            self._line({
                "type": "status", "sources": sources, "store": store,
                "ports": list(self.cfg.smtp.ports), "degraded": self.degraded,
                "notes": self.notes, "mta": {"kind": self.mta.kind, "users": list(self.mta.users)},
            })  # fmt: skip
        else:
            print(
                f"spamtrace watch: sources {', '.join(sources)}; ports "
                f"{', '.join(str(p) for p in self.cfg.smtp.ports)}; store {escape(store) or 'off'}",
                file=sys.stderr,
                flush=True,
            )
            for text in self.degraded:
                print(f"spamtrace: DEGRADED: {escape(text)}", file=sys.stderr, flush=True)
            for text in self.notes:
                print(f"spamtrace: note: {escape(text)}", file=sys.stderr, flush=True)

    def _emit_event(self, rec: EventRecord, inc: Incident, update: IncidentUpdate) -> None:
        if self.json:
            self._line(
                {
                    **event_json(rec),
                    "incident_opened": update.opened,
                    "incident_connections": inc.connections,
                }
            )
            return
        proc = rec.details.get("name") or rec.details.get("comm") or "?"
        who = f"uid={rec.uid}" + (f"({escape(rec.user)})" if rec.user else "")
        parts = [
            (iso(rec.wall) or "")[11:23],
            f"{(rec.verdict or '?').upper():<11}",
            f"{escape(str(proc))}[{rec.pid or '-'}]",
            who,
            f"-> {rec.remote}",
        ]
        if rec.blocked:
            parts.append("BLOCKED")
        if rec.scripts:
            parts.append(f"script={escape(rec.scripts[0])}")
        elif rec.cwd:
            parts.append(f"cwd={escape(rec.cwd)}")
        parts.append(f"[{rec.method}]")
        parts.append(f"{inc.id} #{inc.connections}")
        print("  ".join(parts), flush=True)

    def _emit_opened(
        self, rec: IncidentRecord, alerting: bool, scan: dict[str, Any] | None = None
    ) -> None:
        if self.json:
            self._line({"type": "incident-opened", "incident": incident_json(rec), "scan": scan})
            return
        if not alerting:
            return
        out = [f"!! {rec.verdict.upper()} incident {rec.id} opened"]
        who = f"uid {rec.uid}" + (f" ({escape(rec.user)})" if rec.user else "")
        if rec.account:
            who += f", account {escape(rec.account)}"
        out.append(f"   who:     {who}")
        if rec.exe or rec.cmdline:
            out.append(f"   process: {escape(rec.exe)}  {escape_argv(rec.cmdline)}")
        if rec.cwd:
            out.append(f"   folder:  {escape(rec.cwd)}")
        for script in rec.scripts:
            out.append(f"   script:  {escape(script)}")
        out += _suspect_block(rec.suspect_files, "   ")
        out += [f"   scan:    {escape(n)}" for n in (scan or {}).get("notes", [])]
        out.append(f"   to:      {', '.join(rec.destinations)}")
        for reason in rec.reasons:
            out.append(f"   why:     {escape(reason)}")
        if rec.advice:
            out.append("   what to do:")
            out.extend(f"     - {escape(a)}" for a in rec.advice)
        out.append(f"   details: spamtrace incident {rec.id}")
        print("\n".join(out), flush=True)

    def summary(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "events": self.events,
            "blocked_events": self.blocked_events,
            "incidents_opened": self.incidents_opened,
            "alerting_incidents": self.alerting_opened,
            "attribution": dict(self.attributor.counts) if self.attributor else {},
            "degraded": self.degraded,
        }
        for src in self.sources:
            stats = getattr(src, "stats", None)
            if callable(stats):
                from spamtrace.cli.output import to_jsonable

                doc[getattr(src, "name", "source")] = to_jsonable(stats())
            overruns = getattr(src, "overruns", None)
            if isinstance(overruns, int):
                doc["nflog_overruns"] = overruns
        if self.exec_cache is not None:
            from spamtrace.cli.output import to_jsonable

            doc["exec_cache"] = to_jsonable(self.exec_cache.stats())
        if self.scanner is not None:
            doc["scan"] = self.scanner.stats()
        if self.store is not None:
            h = self.store.health()
            doc["store"] = {
                "path": h.path,
                "written": h.written,
                "lost": h.lost,
                "queued": h.queued,
                "error": h.error,
            }
        return doc


def _source_name(src: object) -> str:
    name = getattr(src, "name", None)
    if isinstance(name, str):
        return name
    cls = type(src).__name__
    return "nflog" if cls == "NflogSource" else cls


def _watch(args: argparse.Namespace, cfg: Config) -> int:
    if os.geteuid() != 0:
        raise PermissionRequired(
            "watch needs root (tracefs, proc connector); without root use `spamtrace check`"
        )
    watcher = Watch(cfg, args)
    old: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        old[sig] = signal.signal(sig, watcher.request_stop)
    code = int(ExitCode.FAILURE)
    try:
        watcher.open()
        code = int(watcher.run(args.duration))
    finally:
        summary = watcher.summary()  # before close: sources still report their counters
        watcher.close()
        if watcher.store is not None:
            h = watcher.store.health()
            summary["store"] = {
                "path": h.path,
                "written": h.written,
                "lost": h.lost,
                "queued": h.queued,
                "error": h.error,
            }
        for sig, handler in old.items():
            signal.signal(sig, handler)
        _print_summary(watcher, summary)
    store = summary.get("store") or {}
    if store.get("error") or store.get("lost"):
        print(
            f"spamtrace: error: store: {store.get('lost')} event(s) not stored"
            + (f": {escape(store['error'])}" if store.get("error") else " (queue full)"),
            file=sys.stderr,
        )
        return max(code, int(ExitCode.FAILURE)) if store.get("error") else code
    return code


def _print_summary(watcher: Watch, summary: dict[str, Any]) -> None:
    if watcher.json:
        watcher._line({"type": "summary", **summary})
        return
    methods = ", ".join(f"{k} {v}" for k, v in sorted(summary["attribution"].items())) or "-"
    print(
        f"spamtrace watch: {summary['events']} event(s), {summary['incidents_opened']} "
        f"incident(s) opened ({summary['alerting_incidents']} alerting); attribution: {methods}",
        file=sys.stderr,
    )
    trace = summary.get("tracepoint")
    if trace and (trace.get("malformed") or trace.get("overrun") or trace.get("lost_markers")):
        print(
            f"spamtrace: warning: tracepoint: {trace['malformed']} malformed line(s), "
            f"{trace['overrun']} overrun(s), {trace['lost_markers']} lost event(s)",
            file=sys.stderr,
        )
    proc = summary.get("proc-connector")
    if proc and proc.get("enobufs"):
        print(
            f"spamtrace: warning: proc connector: {proc['enobufs']} buffer overrun(s) "
            "(ENOBUFS; recovered)",
            file=sys.stderr,
        )


# ============================================================================ reading
def _reader(args: argparse.Namespace, cfg: Config) -> StoreReader:
    from spamtrace.sinks.store import StoreReader

    return StoreReader(args.db or cfg.store.path)


def _incidents(args: argparse.Namespace, cfg: Config) -> int:
    since = parse_since(args.since, time.time())
    with _reader(args, cfg) as reader:
        records = reader.incidents(since=since, limit=max(1, args.limit))
        actions = reader.actions_of([r.id for r in records])
    alerting = sum(1 for r in records if r.verdict in {v.value for v in ALERTING_VERDICTS})
    if args.json:
        from spamtrace.cli.output import dump_json

        dump_json({
            "schema": INCIDENTS_SCHEMA, "since": iso(since), "count": len(records),
            "alerting": alerting,
            "incidents": [incident_json(r, actions.get(r.id)) for r in records],
        })  # fmt: skip
        return ExitCode.FOUND if alerting else ExitCode.CLEAN
    if not records:
        print(f"no incidents since {iso(since) or 'the start of the store'}")
        return ExitCode.CLEAN
    from rich.table import Table

    from spamtrace.cli.output import console

    table = Table(title=f"{len(records)} incident(s)", show_lines=False)
    for col in (
        "id",
        "verdict",
        "user",
        "account",
        "exe",
        "script / folder",
        "conn",
        "blocked",
        "actions",
        "to",
        "last seen",
    ):
        table.add_column(col, overflow="fold")
    for r in records:
        origin = r.scripts[0] if r.scripts else r.cwd
        dests = ", ".join(r.destinations[:3]) + (" …" if len(r.destinations) > 3 else "")
        style = "bold red" if r.verdict in ("suspicious", "ssh-tunnel") else None
        table.add_row(
            r.id, r.verdict, escape(r.user or str(r.uid)), escape(r.account), escape(r.exe),
            escape(origin), str(r.connections), str(r.blocked),
            _actions_cell(actions.get(r.id, [])), dests,
            (iso(r.last_seen) or "")[:19].replace("T", " "), style=style,
        )  # fmt: skip
    console().print(table)
    return ExitCode.FOUND if alerting else ExitCode.CLEAN


def _actions_cell(actions: Sequence[ActionRecord]) -> str:
    """"block-uid done, quarantine would", one per kind (the latest)."""
    latest: dict[str, str] = {}
    for a in actions:
        latest[a.action] = a.status + (" (undone)" if a.undone_at is not None else "")
    return ", ".join(f"{k} {v}" for k, v in latest.items()) or "-"


def _incident(args: argparse.Namespace, cfg: Config) -> int:
    with _reader(args, cfg) as reader:
        rec = reader.incident(args.id)
        if rec is None:
            raise UsageError(f"no incident {args.id!r} in the store")
        events = reader.events_of(rec.id)
        actions = reader.actions_of([rec.id])[rec.id]
    if args.json:
        from spamtrace.cli.output import dump_json

        dump_json({
            "schema": INCIDENT_SCHEMA,
            "incident": {**incident_json(rec, actions), "process": rec.process},
            "events": [event_json(e) for e in events],
        })  # fmt: skip
        return ExitCode.CLEAN
    out = [f"incident {rec.id}: {rec.verdict.upper()}"]
    who = f"uid {rec.uid}" + (f" ({escape(rec.user)})" if rec.user else "")
    out.append(f"  who:          {who}")
    if rec.account:
        kind = f" [{rec.account_kind}]" if rec.account_kind else ""
        out.append(f"  account:      {escape(rec.account)}{kind}  home {escape(rec.home)}")
    out.append(f"  exe:          {escape(rec.exe) or '(unknown)'}")
    if rec.cmdline:
        out.append(f"  cmdline:      {escape_argv(rec.cmdline)}")
    out.append(f"  folder (cwd): {escape(rec.cwd) or '(unknown)'}")
    for s in rec.scripts:
        out.append(f"  script:       {escape(s)}")
    if rec.suspect_files is None:
        if rec.verdict == Verdict.SUSPICIOUS.value:
            out.append("  suspect files: not scanned (scanning was off, or failed: see watch)")
    elif not rec.suspect_files:
        out.append("  suspect files: none (the script(s) and folder were scanned)")
    else:
        from spamtrace.cli.check import suspect_lines

        out.append("  suspect files (most suspicious first):")
        out += [f"    {text}" for text in suspect_lines(rec.suspect_files)]
    parents = rec.process.get("parents") or []
    if parents:
        out.append("  process tree:")
        pid = rec.process.get("pid")
        out.append(f"    {pid} {escape(rec.process.get('name') or '')} (the sender)")
        for depth, p in enumerate(parents, 1):
            out.append(
                f"    {'  ' * depth}└ {p.get('pid')} {escape(p.get('name') or '')} "
                f"uid {p.get('uid')} {escape(p.get('exe') or '')}"
            )
    out.append(
        f"  connections:  {rec.connections} ({rec.blocked} blocked), "
        f"{rec.rate_per_minute}/min, {iso(rec.first_seen)} .. {iso(rec.last_seen)}"
    )
    out.append(f"  destinations: {', '.join(rec.destinations)}")
    out.append(f"  attribution:  {', '.join(f'{k} {v}' for k, v in rec.methods.items())}")
    for r in rec.reasons:
        out.append(f"  why:          {escape(r)}")
    if rec.advice:
        out.append("  what to do:")
        out.extend(f"    - {escape(a)}" for a in rec.advice)
    if actions:
        out.append("  actions:")
        for a in actions:
            when = (iso(a.at) or "")[11:23]
            out.append(f"    {when}  {a.action} {a.status.upper()}: {escape(a.detail)}")
            if a.undone_at is not None:
                out.append(f"      undone at {iso(a.undone_at)}")
            elif a.undo:
                out.append(f"      undo: {escape(a.undo)}")
    out.append(f"  events ({len(events)}):")
    for e in events[:50]:
        out.append(
            f"    {iso(e.wall)}  pid {e.pid}  -> {e.remote}  [{e.method}]"
            + ("  BLOCKED" if e.blocked else "")
        )
    if len(events) > 50:
        out.append(f"    … {len(events) - 50} more (--json for all)")
    print("\n".join(out))
    return ExitCode.CLEAN
