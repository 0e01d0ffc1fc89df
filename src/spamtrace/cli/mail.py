"""`spamtrace mail`: who sent how much through the MTA (Exim, Postfix, PHP mail.log).

Pipeline (:func:`collect`): the configured logs that exist (``[mail]``; or ``--exim-log`` /
``--postfix-log`` / ``--php-log``) and their rotated copies written since ``--since`` are read
(:mod:`spamtrace.sources.maillog`), the lines of each message joined and summed per sender
(:class:`spamtrace.attribution.mail.MailLedger`), and each message given to the policy
(:class:`spamtrace.policy.mail.MailPolicy`), which opens ``mail-script`` / ``mail-auth``
incidents. Then the working folders of the top local senders without a known script are
ranked by the PHP scanner (the likely script; a malicious one is a ``mail-script`` incident),
and the MTA's queue is counted (``exim -bpc`` / ``postqueue -j``).

Output: a table, or ``--json`` (schema ``spamtrace.mail/1``): ``senders`` biggest first, each
``kind`` (``script`` | ``auth`` | ``local``), ``account``, ``uid``, ``user``, ``script``, ``cwd``,
``auth_user``, ``messages``, ``recipients``, ``first_seen``, ``last_seen`` and more. Exit 1
when an incident was opened, 0 otherwise; 2 usage/config, 3 when no log could be read.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from spamtrace.errors import ExitCode, RuntimeFailure

if TYPE_CHECKING:
    import argparse

    from spamtrace.attribution.mail import MailLedger
    from spamtrace.config import Config
    from spamtrace.policy.mail import MailIncident, MailThresholds
    from spamtrace.sources.maillog.reader import LogCounts, LogSpec

SCHEMA = "spamtrace.mail/1"
SCAN_BUDGET = 3.0
#: local senders whose folder is scanned for the likely script (biggest first)
SCAN_TOP = 10
#: history read before --since for the per-mailbox averages (capped by mail.history_hours)
QUEUE_TIMEOUT = 10.0


def register(sub: Any) -> None:
    from spamtrace.cli.check import _seconds
    from spamtrace.cli.options import count

    p = sub.add_parser(
        "mail",
        help="who sent how much mail through the MTA (per account, script and mailbox)",
        description="Read the MTA's logs (Exim main log, Postfix mail log) and PHP's mail.log: "
        "messages per account, per script and per SMTP AUTH mailbox, the biggest senders "
        "first, with the mail-script / mail-auth incidents of those above the limits of the "
        "[mail] config section, and the MTA's queue.",
    )
    p.add_argument(
        "--since",
        default="1h",
        metavar="WHEN",
        help="30m, 24h, 7d, an ISO date/time, epoch seconds, or 'all' (default 1h)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--exim-log", action="append", metavar="PATH", help="read this Exim main log")
    p.add_argument(
        "--postfix-log", action="append", metavar="PATH", help="read this Postfix mail log"
    )
    p.add_argument("--php-log", action="append", metavar="PATH", help="read this PHP mail.log")
    p.add_argument("--top", type=count, default=50, metavar="N", help="senders shown (default 50)")
    p.add_argument("--no-queue", action="store_true", help="do not ask the MTA for its queue")
    p.add_argument(
        "--no-scan", action="store_true", help="do not scan senders' folders for the script"
    )
    p.add_argument(
        "--scan-budget",
        type=_seconds,
        default=SCAN_BUDGET,
        metavar="SECONDS",
        help=f"time for scanning senders' folders (default {SCAN_BUDGET:g})",
    )
    p.set_defaults(handler=run)


@dataclass(slots=True)
class MailReport:
    since: float | None
    logs: list[LogCounts]
    ledger: MailLedger
    incidents: list[MailIncident]
    thresholds: MailThresholds
    accounts: dict[int, str] = field(default_factory=dict)
    mailboxes: dict[str, str | None] = field(default_factory=dict)  # auth user -> account
    scripts: dict[tuple[str, str | None, str | None], dict[str, Any]] = field(default_factory=dict)
    queue: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    scan: dict[str, Any] | None = None


def specs_of(cfg: Config, args: argparse.Namespace | None) -> list[LogSpec]:
    from spamtrace.sources.maillog.reader import LogSpec, configured

    given: list[LogSpec] = []
    for kind in ("exim", "postfix", "php"):
        for path in (getattr(args, f"{kind}_log", None) or []) if args is not None else []:
            given.append(LogSpec(os.path.abspath(path), kind))
    if given:
        for spec in given:
            if not os.path.isfile(spec.path):
                from spamtrace.errors import UsageError

                raise UsageError(f"--{spec.kind}-log {spec.path}: no such file")
        return given
    return configured(cfg.mail)


def collect(
    cfg: Config, specs: list[LogSpec], since: float | None, *, recent: bool = False
) -> MailReport:
    """Read the logs, join and sum the messages, run the policy (see the module docstring)."""
    from spamtrace.attribution.accounts import AccountResolver
    from spamtrace.attribution.mail import MailLedger, passwd_homes
    from spamtrace.policy.mail import MailPolicy, MailThresholds
    from spamtrace.sources.maillog.reader import LogReader, merged

    thresholds = MailThresholds.from_config(cfg.mail)
    policy = MailPolicy(thresholds)

    def on_message(msg: Any) -> None:
        policy.observe(msg)

    def on_recipient(msg: Any, address: str, wall: float) -> None:
        policy.recipient(msg, address, wall)

    # the policy sees one window more than --since (its windows are full at --since); a
    # mailbox's hourly history is what the logs read hold (the daemon learns it as it runs)
    history = None if since is None else since - thresholds.window
    readers = [LogReader(spec, history, recent=recent) for spec in specs]
    homes, uids = passwd_homes()
    php_only = all(s.kind == "php" for s in specs)
    resolver = AccountResolver(cfg.accounts)
    ledger = MailLedger(
        since=since,
        homes=homes,
        uids=uids,
        on_message=on_message,
        on_recipient=on_recipient,
        php_only=php_only,
        owner_of_path=lambda path: getattr(resolver.for_path(path), "name", None),
    )
    add = ledger.add
    with _fewer_collections():
        for ev in merged(readers):
            add(ev)
    incidents = [i for i in policy.all_incidents() if since is None or i.last_seen >= since]
    report = MailReport(since, [r.counts for r in readers], ledger, incidents, thresholds)
    for totals in ledger.senders.values():
        if totals.uid is not None and totals.uid not in report.accounts:
            account = resolver.for_uid(totals.uid)
            report.accounts[totals.uid] = account.name if account else (totals.user or "")
        box = totals.auth_user
        if box is not None and box not in report.mailboxes:  # the panel's owner of its domain
            owner = resolver.for_domain(box.rpartition("@")[2]) if "@" in box else None
            report.mailboxes[box] = owner.name if owner is not None else None
    for counts in report.logs:
        if counts.error:
            report.notes.append(f"could not read {counts.error}")
        if counts.malformed:
            report.notes.append(f"{counts.path}: {counts.malformed} malformed line(s) skipped")
        if counts.long_lines:
            report.notes.append(f"{counts.path}: {counts.long_lines} over-long line(s) cut")
    return report


@contextlib.contextmanager
def _fewer_collections(young: int = 100_000) -> Iterator[None]:
    """Run the garbage collector's young generation every ``young`` allocations, not 700:
    reading a log keeps some 100,000s of objects alive (open messages, windows) and the
    default thresholds spend a fifth of the time walking them. Cycles are still collected."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def check_section(cfg: Config) -> dict[str, Any] | None:
    """``check``'s "through the MTA in the last N minutes": the senders of the configured logs
    above the ``[mail]`` limits in ``mail.check_minutes`` (None: no log, or nobody above)."""
    specs = specs_of(cfg, None)
    if not specs:
        return None
    minutes = cfg.mail.check_minutes
    since = time.time() - minutes * 60
    report = collect(cfg, specs, since, recent=True)
    if not report.incidents:
        return None
    return {
        "minutes": minutes,
        "logs": [c.path for c in report.logs],
        "senders": [r for r in sender_rows(report) if r["incident"] is not None],
        "incidents": [incident_json(i) for i in report.incidents],
    }


def print_check_section(section: dict[str, Any]) -> None:
    from rich.text import Text

    from spamtrace.cli.output import console
    from spamtrace.safetext import escape

    con = console()
    con.print(Text(f"\nThrough the MTA in the last {section['minutes']} minutes", style="bold red"))
    for inc in section["incidents"]:
        who = inc["auth_user"] if inc["kind"] == "auth" else inc["user"]
        where = inc["script"] or inc["cwd"] or ""
        con.print(
            Text(
                f"  {inc['verdict']}: {escape(who or '?')} {escape(where)}: "
                f"{inc['messages']} message(s), {inc['recipients']} recipient(s)"
            )
        )
        for reason in inc["reasons"]:
            con.print(Text(f"    why   {escape(reason)}"))
        for line in inc["advice"]:
            con.print(Text(f"    next  {escape(line)}"))
    con.print(Text("  (details: spamtrace mail --since 1h)"))


def scan_senders(report: MailReport, cfg: Config, budget: float) -> None:
    """Name the likely script of the biggest local senders from their working folder."""
    from spamtrace.attribution.mail import MailMessage
    from spamtrace.policy.mail import MailPolicy
    from spamtrace.suspects import scan_for_suspects

    start = time.monotonic()
    policy = MailPolicy(report.thresholds)
    scanned = 0
    notes: list[str] = []
    for key, totals in sorted(report.ledger.senders.items(), key=lambda kv: -kv[1].messages):
        if scanned >= SCAN_TOP or time.monotonic() - start > budget:
            break
        if totals.kind != "local" or not totals.cwd or totals.cwd.startswith("/var/spool"):
            continue
        left = budget - (time.monotonic() - start)
        files, more = scan_for_suspects([totals.cwd], budget=left, cfg=cfg.scan)
        notes += [n for n in more if n not in notes]
        scanned += 1
        if not files or files[0]["verdict"] not in ("malicious", "suspicious"):
            continue
        report.scripts[key] = files[0]
        if files[0]["verdict"] == "malicious":
            msg = MailMessage(
                "exim", None, totals.last_seen, None, totals.user, totals.uid, None, None,
                None, None, totals.cwd, (), None,
            )  # fmt: skip
            why = f"the PHP scanner calls {files[0]['path']} in its folder malicious"
            same = [i for i, inc in enumerate(report.incidents) if inc.sender == key]
            if same:  # already above a limit: one incident, one more reason
                inc = report.incidents[same[0]]
                report.incidents[same[0]] = replace(inc, reasons=(*inc.reasons, why))
            else:
                report.incidents.append(policy.malicious(msg, why).incident)
    report.notes += notes
    report.scan = {"enabled": True, "scanned": scanned, "budget_seconds": budget}


def queue_state(cfg: Config) -> dict[str, Any] | None:
    """Messages in the MTA's queue: ``exim -bpc``, else ``postqueue -j``; None: no MTA."""
    exim = cfg.mail.exim_command or _which("exim4", "exim")
    if exim:
        out = _run([*exim, "-bpc"])
        if isinstance(out, str) and out.strip().isdecimal():
            return {"mta": "exim", "messages": int(out.strip())}
        return {"mta": "exim", "messages": None, "error": out if isinstance(out, str) else "?"}
    postqueue = cfg.mail.postqueue_command or _which("postqueue")
    if postqueue:
        out = _run([*postqueue, "-j"])
        if isinstance(out, tuple):
            text = out[0]
            held = active = deferred = 0
            count = 0
            for line in text.splitlines():
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                count += 1
                name = item.get("queue_name") if isinstance(item, dict) else None
                held += name == "hold"
                active += name == "active"
                deferred += name == "deferred"
            return {
                "mta": "postfix", "messages": count, "active": active, "deferred": deferred,
                "hold": held,
            }  # fmt: skip
        return {"mta": "postfix", "messages": None, "error": out}
    return None


def _which(*names: str) -> list[str]:
    for name in names:
        found = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/bin")
        if found:
            return [found]
    return []


def _run(argv: list[str]) -> str | tuple[str]:
    """stdout as (text,) for postqueue, text for exim; an error message (str) on failure."""
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=QUEUE_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{argv[0]}: {exc}"
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return f"{' '.join(argv)}: {err}"
    if argv[-1] == "-j":
        return (proc.stdout,)
    return proc.stdout


# ----------------------------------------------------------------------------- output
def sender_rows(report: MailReport, top: int | None = None) -> list[dict[str, Any]]:
    from spamtrace.render.incidents import iso

    by_key = {inc.sender: inc.id for inc in report.incidents}
    rows = []
    items = sorted(
        report.ledger.senders.items(), key=lambda kv: (-kv[1].messages, -kv[1].recipients)
    )
    for key, t in items[:top] if top else items:
        scanned = report.scripts.get(key)
        kind, script = t.kind, t.script
        source = "php-mail.log" if script else None
        if scanned is not None and script is None:
            kind, script, source = "script", scanned["path"], "scan"
        account = report.accounts.get(t.uid) if t.uid is not None else None
        if kind == "auth" and t.auth_user is not None:
            account = report.mailboxes.get(t.auth_user)
        rows.append(
            {
                "kind": kind,
                "account": account or (t.user if kind != "auth" else None),
                "uid": t.uid,
                "user": t.user,
                "script": script,
                "script_from": source,
                "cwd": t.cwd,
                "auth_user": t.auth_user,
                "messages": t.messages,
                "recipients": t.recipients,
                "distinct_recipients": len(t.distinct),
                "bounced": t.bounced,
                "deferred": t.deferred,
                "bytes": t.size,
                "client_ips": len(t.ips),
                "envelope_senders": sorted(t.senders)[:10],
                "first_seen": iso(t.first_seen),
                "last_seen": iso(t.last_seen),
                "incident": by_key.get(key),
            }
        )
    return rows


def incident_json(inc: MailIncident) -> dict[str, Any]:
    from spamtrace.policy.mail import advice
    from spamtrace.render.incidents import iso

    return {
        "id": inc.id,
        "verdict": inc.verdict.value,
        "kind": inc.kind,
        "user": inc.user,
        "uid": inc.uid,
        "script": inc.script,
        "cwd": inc.cwd,
        "auth_user": inc.auth_user,
        "messages": inc.messages,
        "recipients": inc.recipients,
        "distinct_recipients": inc.distinct_recipients,
        "client_ips": list(inc.ips),
        "first_seen": iso(inc.first_seen),
        "last_seen": iso(inc.last_seen),
        "reasons": list(inc.reasons),
        "sample_recipients": list(inc.sample_recipients),
        "advice": list(advice(inc)),
    }


def report_json(report: MailReport, top: int | None = None) -> dict[str, Any]:
    from spamtrace.render.incidents import iso

    ledger = report.ledger
    return {
        "schema": SCHEMA,
        "generated": iso(time.time()),
        "since": iso(report.since),
        "logs": [
            {
                "path": c.path,
                "kind": c.kind,
                "files": c.files,
                "lines": c.lines,
                "events": c.events,
                "malformed": c.malformed,
                "long_lines": c.long_lines,
                "error": c.error,
            }
            for c in report.logs
        ],
        "totals": {
            "messages": sum(t.messages for t in ledger.senders.values()),
            "senders": len(ledger.senders),
            "inbound": ledger.inbound,
        },
        "queue": report.queue,
        "thresholds": {
            k: getattr(report.thresholds, k) for k in report.thresholds.__dataclass_fields__
        },
        "scan": report.scan or {"enabled": False},
        "notes": report.notes,
        "senders": sender_rows(report, top),
        "incidents": [incident_json(i) for i in report.incidents],
    }


def _print(report: MailReport, top: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from spamtrace.cli.output import console
    from spamtrace.safetext import escape

    con = console()
    doc = report_json(report, top)
    for note in doc["notes"]:
        con.print(Text("note: " + escape(note), style="yellow"))
    if not report.logs:
        return  # the note says which paths were looked for
    read = ", ".join(escape(c.path) for c in report.logs)
    since = doc["since"] or "the start of the logs"
    if not doc["senders"]:
        con.print(Text(f"No mail sent through the MTA since {since} ({read})."))
    else:
        table = Table(
            title=f"Mail sent through the MTA since {since}", title_justify="left", caption=read
        )
        for col in ("kind", "account / mailbox", "messages", "recipients", "where", "last"):
            table.add_column(col, overflow="fold")
        for row in doc["senders"]:
            who = row["auth_user"] if row["kind"] == "auth" else row["account"] or row["user"]
            where = row["script"] or row["cwd"] or ""
            if row["kind"] == "auth":
                where = f"{row['client_ips']} client address(es)"
            style = "bold red" if row["incident"] else None
            table.add_row(
                Text(row["kind"], style=style or ""),
                Text(escape(who or "?")),
                Text(str(row["messages"])),
                Text(str(row["recipients"])),
                Text(escape(where)),
                Text((row["last_seen"] or "")[11:19]),
            )
        con.print(table)
    for inc in doc["incidents"]:
        head = Text(f"\n{inc['verdict']}: ", style="bold red")
        who = inc["auth_user"] if inc["kind"] == "auth" else inc["user"]
        head.append(f"{escape(who or '?')} {escape(inc['script'] or inc['cwd'] or '')}")
        con.print(head)
        span = f"{inc['first_seen']} .. {inc['last_seen']}"
        con.print(Text(f"  incident {inc['id']}, {inc['messages']} message(s), {span}"))
        for reason in inc["reasons"]:
            con.print(Text(f"  why      {escape(reason)}"))
        for line in inc["advice"]:
            con.print(Text(f"  next     {escape(line)}"))
    queue = doc["queue"]
    if queue is not None:
        if queue.get("messages") is None:
            con.print(Text(f"\nqueue ({queue['mta']}): unknown: {escape(queue.get('error'))}"))
        else:
            con.print(Text(f"\nqueue ({queue['mta']}): {queue['messages']} message(s)"))
    totals = doc["totals"]
    con.print(
        Text(
            f"{totals['messages']} message(s) from {totals['senders']} sender(s); "
            f"{totals['inbound']} received from other servers"
        )
    )


def run(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.cli.watch import parse_since

    since = parse_since(args.since, time.time())
    specs = specs_of(cfg, args)
    report = collect(cfg, specs, since)
    if not specs:
        looked = [*cfg.mail.exim_logs, *cfg.mail.postfix_logs, *cfg.mail.php_logs]
        report.notes.append(
            f"no mail log found (looked for {', '.join(looked) or 'nothing'}): set [mail] "
            "exim_logs / postfix_logs / php_logs, or give --exim-log / --postfix-log / --php-log"
        )
    if specs and all(c.error and not c.lines for c in report.logs):
        raise RuntimeFailure("; ".join(f"could not read {c.error}" for c in report.logs))
    if not args.no_scan and report.ledger.senders:
        scan_senders(report, cfg, args.scan_budget)
    if not args.no_queue:
        report.queue = queue_state(cfg)
    if args.json:
        from spamtrace.cli.output import dump_json

        dump_json(report_json(report, args.top))
    else:
        _print(report, args.top)
    return int(ExitCode.FOUND if report.incidents else ExitCode.CLEAN)
