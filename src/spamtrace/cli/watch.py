"""`spamtrace watch`, `spamtrace incidents`, `spamtrace incident ID`: argparse and wiring.

``watch`` runs the capture engine (:mod:`spamtrace.service.engine`) in the foreground with
two subscribers: the responses (:mod:`spamtrace.service.responses`: ``mode = "observe"``
records what it would do, ``"enforce"`` blocks, stops and quarantines; ``--no-respond`` for
neither) and the terminal view (:mod:`spamtrace.render.watch`); ``spamtrace daemon`` runs
the same engine as a service. When a ``suspicious`` incident opens, its scripts and folder are
scanned for malicious PHP within ``--scan-budget`` seconds (2 s) on a worker thread, and the
"incident opened" report waits for that scan (events keep being read, printed and stored
meanwhile) so that it names the file; a scan that finishes later is reported as
``incident-scanned``.

Output: human lines, or ``--json``: one JSON object per line (``schema: spamtrace.watch/1``;
``type`` is ``status``, ``connect-attempted``, ``connect-blocked``, ``incident-opened``,
``incident-scanned``, ``action`` or ``summary``). Exit status: 1 when an alerting incident
(suspicious, ssh-tunnel) was opened, else 0; 3 on a runtime failure.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import os
import signal
import sys
import time
from typing import TYPE_CHECKING, Any

from spamtrace.cli.options import (
    UNITS,
    count,
    duration_match,
    positive_duration,
    seconds_up_to,
    store_help,
)
from spamtrace.errors import OUTPUT_CLOSED, ExitCode, PermissionRequired, UsageError
from spamtrace.model import ALERTING_VERDICTS
from spamtrace.render.incidents import (
    INCIDENT_SCHEMA,
    INCIDENTS_SCHEMA,
    event_json,
    incident_json,
    iso,
)
from spamtrace.safetext import escape, quoted
from spamtrace.service.scanning import SCAN_BUDGET

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spamtrace.config import Config
    from spamtrace.policy.responses import PidNow
    from spamtrace.service.engine import EngineOptions
    from spamtrace.sinks.store import ActionRecord, IncidentRecord, StoreReader


# ============================================================================ registration
def register(sub: Any) -> None:
    from spamtrace.cli.argparsing import exit_codes

    w = sub.add_parser(
        "watch",
        help="catch every outbound SMTP connection as it happens (foreground, root)",
        description="Watch outbound SMTP connection attempts (kernel tracepoint), attribute "
        "each to its process and hosting account, group them into incidents and store them.",
        epilog=exit_codes("no alerting incident opened", "an alerting incident was opened"),
    )
    w.add_argument("--json", action="store_true", help="one JSON object per line")
    w.add_argument(
        "--duration",
        type=positive_duration,
        metavar="TIME",
        help="stop after this long, more than 0 (e.g. 30, 30s, 5m, 1h; default: until stopped)",
    )
    add_engine_arguments(w)
    w.add_argument("--no-store", action="store_true", help="do not write the store")
    w.set_defaults(handler=_watch)

    i = sub.add_parser(
        "incidents",
        help="list incidents recorded by `watch` or the daemon",
        epilog=exit_codes("no alerting incident listed", "an alerting incident is listed"),
    )
    i.add_argument(
        "--since",
        default="24h",
        metavar="WHEN",
        help="30m, 24h, 7d, an ISO date/time (UTC unless it has an offset: "
        "2026-12-05T10:00+01:00), epoch seconds, or 'all' (default 24h)",
    )
    i.add_argument("--json", action="store_true", help="machine-readable output")
    i.add_argument("--db", metavar="PATH", help=store_help())
    i.add_argument(
        "--limit", type=count, default=1000, metavar="N", help="at most this many (default 1000)"
    )
    i.set_defaults(handler=_incidents)

    one = sub.add_parser("incident", help="everything known about one incident")
    one.add_argument(
        "id", metavar="ID", type=_incident_id, help="incident id (or a unique prefix of it)"
    )
    one.add_argument("--json", action="store_true", help="machine-readable output")
    one.add_argument("--db", metavar="PATH", help=store_help())
    one.set_defaults(handler=_incident)


def _incident_id(text: str) -> str:
    """``incident ID``: an empty one (``incident "$ID"`` with ID unset) is a usage error said
    before the store is opened; it said a missing store first (exit 3), then the id (exit 2)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "empty (give an incident id such as inc-3fa1..., or a prefix of it)"
        )
    return text


def add_engine_arguments(parser: Any) -> None:
    """The flags of the capture engine, shared by `watch` and `daemon`."""
    parser.add_argument("--db", metavar="PATH", help=store_help())
    parser.add_argument(
        "--source",
        choices=("auto", "tracepoint", "poll"),
        default="auto",
        help="event source: auto (default) is the kernel tracepoint, or sock_diag polling "
        "when the tracepoint cannot be used (DEGRADED: short connections are missed, said at "
        "start and in status); tracepoint: fail (exit 3) rather than poll; poll: polling only",
    )
    parser.add_argument(
        "--no-nflog",
        action="store_true",
        help="do not read the firewall's NFLOG group (blocked attempts)",
    )
    parser.add_argument(
        "--no-scan",
        action="store_true",
        help="do not scan the scripts and folder of suspicious incidents for malicious PHP",
    )
    parser.add_argument(
        "--no-respond",
        action="store_true",
        help="take no responses and record none ([responses], mode = observe | enforce)",
    )
    parser.add_argument(
        "--no-alerts",
        action="store_true",
        help="do not send the e-mail/webhook/syslog alerts of [alerts] (see docs/alerts.md)",
    )
    parser.add_argument(
        "--scan-budget",
        type=seconds_up_to(60),
        default=SCAN_BUDGET,
        metavar="SECONDS",
        help=f"time for scanning one incident's scripts and folder (default {SCAN_BUDGET:g})",
    )


def parse_since(text: str, now: float) -> float | None:
    """'all' -> None; '30m' -> now-1800; epoch seconds; ISO date/time (UTC if naive).

    An empty value is a usage error: it is what an unset shell variable gives
    (``--since "$WHEN"``), and reading it as "all" listed the whole store unasked."""
    text = text.strip()
    if not text:
        raise UsageError("--since: empty (give 30m, 24h, 7d, an ISO date/time, or all)")
    if text.lower() in ("all", "ever"):
        return None
    when = _since(text, now)
    if not 0 <= when <= _LATEST:  # before 1970 or after 9999 (datetime cannot show it)
        raise UsageError(f"--since: {quoted(text)} is out of range (1970 to 9999, or all)")
    return when


def note_future_since(since: float | None, now: float) -> None:
    """A ``--since`` after now finds nothing, whatever the store or log holds: said on
    stderr (one line), so that an empty answer is not taken for "nothing happened"."""
    if since is not None and since > now:
        print(
            f"note: --since {iso(since)} is in the future (now {iso(now)}): nothing can be "
            "found after it",
            file=sys.stderr,
        )


_LATEST = 253402300799.0  # 9999-12-31T23:59:59Z


def _since(text: str, now: float) -> float:
    found = duration_match(text)
    if found is not None and found[1]:  # a bare number is epoch seconds here, not an age
        return now - found[0] * UNITS[found[1]]
    with contextlib.suppress(ValueError):
        value = float(text)
        if value > 1e8 or not math.isfinite(value):
            return value
        raise UsageError(  # `--since 24` meant hours, `--since 0` "from the start"
            f"--since: {quoted(text)} has no unit: give 30m, 24h, 7d (epoch seconds are "
            "9 digits or more), or all"
        )
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--since: cannot read {quoted(text)} (use 30m, 24h, 7d, 2026-11-27T10:00, or all)"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.timestamp()


def engine_options(args: argparse.Namespace, cfg: Config) -> EngineOptions:
    """The engine's options from the flags of `watch` (and `daemon`)."""
    from spamtrace.service.engine import EngineOptions

    return EngineOptions(
        store_path=None if getattr(args, "no_store", False) else (args.db or cfg.store.path),
        source=args.source,
        nflog=not args.no_nflog,
        scan=not args.no_scan,
        scan_budget=float(args.scan_budget),
    )


def _watch(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.render.watch import WatchView
    from spamtrace.service.engine import Engine

    if args.no_store and args.db:  # one flag asks for a store there, the other for none
        raise UsageError("--db with --no-store: nothing would be written there; give one")
    if os.geteuid() != 0:
        raise PermissionRequired(
            "watch needs root (tracefs, proc connector); without root use `spamtrace check`"
        )
    view = WatchView(bool(args.json))
    engine = Engine(cfg, engine_options(args, cfg))
    view.on_output_closed = engine.request_stop
    from spamtrace.service import plugins

    # responses first: a block is decided before anything is printed
    engine.subscribers = [
        *plugins.subscribers(
            cfg, engine, respond=not args.no_respond, alerts=not args.no_alerts, strict=False
        ),
        view,
    ]
    # the mail logs ([mail] follow); one named but not there yet is said at start
    engine.extra_sources.extend(plugins.sources(cfg, engine.notes))
    alerts = plugins.alert_subscriber(engine)
    old: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        old[sig] = signal.signal(sig, engine.request_stop)
    code = int(ExitCode.FAILURE)
    started = False
    try:
        engine.open()
        started = True
        code = int(engine.run(args.duration))
    finally:
        summary = engine.summary()  # before close: sources still report their counters
        engine.close()  # the alert channels send what is queued (bounded) and the digests
        if alerts is not None:
            summary["alerts"] = alerts.stats()
        if engine.store is not None:
            summary["store"] = engine.store_health()
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if started:  # a watch that could not start says only why (one line)
            view.summary(summary)
    if view.output_closed:
        code = OUTPUT_CLOSED  # what it saw was not all read: never "nothing opened" (0)
    store = summary.get("store") or {}
    if store.get("error") or store.get("lost"):
        print(
            f"spamtrace: error: store: {store.get('lost')} event(s) not stored"
            + (f": {escape(store['error'])}" if store.get("error") else " (queue full)"),
            file=sys.stderr,
        )
        return max(code, int(ExitCode.FAILURE)) if store.get("error") else code
    return code


# ============================================================================ reading
def _reader(args: argparse.Namespace, cfg: Config) -> StoreReader:
    from spamtrace.sinks.store import StoreReader, is_configured_store

    path = args.db or cfg.store.path
    return StoreReader(path, configured=is_configured_store(path, cfg.store.path))


def _pids_now(rec: IncidentRecord, actions: Sequence[ActionRecord] | None) -> dict[int, PidNow]:
    """What holds the pids the stored advice names now (read later than written: the sender
    may have ended, its pid be another process's): for its kill lines."""
    from spamtrace.attribution.process import senders_now

    return senders_now(rec.advice, rec.process, actions or ())


def _incidents(args: argparse.Namespace, cfg: Config) -> int:
    now = time.time()
    since = parse_since(args.since, now)
    note_future_since(since, now)
    with _reader(args, cfg) as reader:
        records = reader.incidents(since=since, limit=max(1, args.limit))
        # cut at --limit: how many there were (the title and `total` say so)
        total = reader.count_incidents(since) if len(records) >= args.limit else len(records)
        actions = reader.actions_of([r.id for r in records])
    alerting = sum(1 for r in records if r.verdict in {v.value for v in ALERTING_VERDICTS})
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({
            "schema": INCIDENTS_SCHEMA, "since": iso(since), "count": len(records),
            "total": total, "alerting": alerting,
            "incidents": [
                incident_json(r, actions.get(r.id), _pids_now(r, actions.get(r.id)))
                for r in records
            ],
        })  # fmt: skip
        return ExitCode.FOUND if alerting else ExitCode.CLEAN
    if not records:
        print(f"no incidents since {iso(since) or 'the start of the store'}")
        return ExitCode.CLEAN
    from spamtrace.render.incidents import print_incidents
    from spamtrace.render.output import console

    print_incidents(console(), records, actions, total)
    return ExitCode.FOUND if alerting else ExitCode.CLEAN


#: the events of one incident that `incident ID` reads (--json lists them; more are counted)
INCIDENT_EVENTS = 10_000


def _incident(args: argparse.Namespace, cfg: Config) -> int:
    with _reader(args, cfg) as reader:
        rec = reader.incident(args.id)
        if rec is None:
            raise UsageError(f"no incident {quoted(args.id)} in the store")
        events = reader.events_of(rec.id, limit=INCIDENT_EVENTS)
        # read up to a limit: how many there are (10,050 read as "events (10000)")
        total = reader.count_events_of(rec.id) if len(events) >= INCIDENT_EVENTS else len(events)
        actions = reader.actions_of([rec.id])[rec.id]
    now = _pids_now(rec, actions)
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({
            "schema": INCIDENT_SCHEMA,
            "incident": {**incident_json(rec, actions, now), "process": rec.process},
            "events": [event_json(e) for e in events], "events_total": total,
        })  # fmt: skip
        return ExitCode.CLEAN
    from spamtrace.render.incidents import print_incident
    from spamtrace.render.output import console

    print_incident(console(), rec, events, actions, now, total)
    return ExitCode.CLEAN
