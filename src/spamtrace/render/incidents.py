"""The JSON shapes of incidents and events (schemas ``spamtrace.incidents/1``,
``spamtrace.incident/1`` and the records inside ``spamtrace.watch/1``), and their shared
human views.

:func:`incident_json` is THE shape of an incident outside the store: ``incidents --json``
lists it, and alerts, webhooks and the event stream send exactly it.
:func:`print_incident` is the human view of ``spamtrace incident ID`` (rich: fields that keep
their indent when wrapped, tables for the responses and events, ASCII in pipes);
:func:`print_incidents` the table of ``spamtrace incidents``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from spamtrace.policy.responses import PidNow
    from spamtrace.service.scanning import IncidentScan
    from spamtrace.sinks.store import ActionRecord, EventRecord, IncidentRecord

WATCH_SCHEMA = "spamtrace.watch/1"
INCIDENTS_SCHEMA = "spamtrace.incidents/1"
INCIDENT_SCHEMA = "spamtrace.incident/1"


def iso(ts: float | None) -> str | None:
    """Epoch seconds as ISO 8601 UTC with milliseconds (``...Z``); None stays None."""
    if ts is None:
        return None
    return (
        dt.datetime.fromtimestamp(ts, dt.timezone.utc)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def uid_text(uid: object) -> str:
    """A uid as a human line or a log message shows it: ``unknown`` when it is not known
    (never ``None``); structured fields leave it out or null instead."""
    return "unknown" if uid is None else str(uid)


#: what a mail incident's stored ``process`` says of its sender, shown as ``mail`` in JSON
MAIL_FACTS = (
    "kind", "auth_user", "client_ips", "recipients", "distinct_recipients", "mta",
    "local_clients",
)  # fmt: skip


def mail_facts(process: Mapping[str, Any]) -> dict[str, Any] | None:
    """The sender of a mail incident (``mail-script`` / ``mail-auth``, from the MTA's log) as
    its stored ``process`` holds it: kind (script | auth | local), the SMTP AUTH mailbox, the
    client addresses, recipients (all, distinct) and the MTA; None for a connect incident."""
    if process.get("source") != "mail-log":
        return None
    return {k: process.get(k) for k in MAIL_FACTS}


def _recipients_of(rec: IncidentRecord) -> int:
    """How many destinations ``rec`` had: a mail incident stores a sample of its recipients
    (20) and counts the distinct ones (``mail.distinct_recipients``); a connect incident's
    destinations are all of them."""
    distinct = rec.process.get("distinct_recipients") if mail_facts(rec.process) else None
    return max(len(rec.destinations), distinct if isinstance(distinct, int) else 0)


def mailbox_of(process: Mapping[str, Any]) -> str | None:
    """The SMTP AUTH mailbox a ``mail-auth`` incident is about (None for any other)."""
    facts = mail_facts(process)
    if facts is None or facts["kind"] != "auth" or not facts["auth_user"]:
        return None
    return str(facts["auth_user"])


def who_of(rec: IncidentRecord) -> str:
    """:func:`who_text` of a stored incident: a stolen mailbox's incident is ``mailbox
    info@shop.example`` (it has no uid or local user: it said ``uid unknown``)."""
    return who_text(rec.uid, rec.user, mailbox_of(rec.process))


def who_text(uid: int | None, user: str | None, mailbox: str | None = None) -> str:
    """Who an incident is, for a human line or a log message: ``uid 1001 (shop)``; a mail
    incident of a user the host does not know by uid is ``user shop`` (never ``uid None``);
    one of an SMTP AUTH ``mailbox`` is ``mailbox info@shop.example``."""
    from spamtrace.safetext import escape

    if mailbox:
        return f"mailbox {escape(mailbox)}"
    name = escape(user) if user else None
    if uid is None and name:
        return f"user {name}"
    return f"uid {uid_text(uid)}" + (f" ({name})" if name else "")


def incident_json(
    rec: IncidentRecord,
    actions: Sequence[ActionRecord] | None = None,
    now: dict[int, PidNow] | None = None,
) -> dict[str, Any]:
    """One incident as an item of ``spamtrace incidents --json`` (and of every alert, webhook
    and event that carries an incident: they all use this shape). ``actions``: the responses
    recorded for it (:func:`action_json`), oldest first.

    Connect incidents (``source`` ``connect``: tracepoint, NFLOG) and mail incidents
    (``mail-log``) have the same fields. In a mail incident ``connections`` counts its
    messages and ``destinations`` holds some of its recipients; ``mail`` holds its sender as
    the log showed it (:func:`mail_facts`; null in a connect incident) and ``auth_user`` the
    mailbox of a ``mail-auth`` incident (null otherwise), which has no uid or user.

    ``now``: what holds the pids its advice names, when it is read later than it was written
    (``incident ID``, ``incidents``: ``attribution.process.pids_now``); its kill lines then
    say whether the sender is still there (``policy.responses.advice_after``)."""
    from spamtrace.policy.responses import advice_after

    facts = mail_facts(rec.process)
    return {
        "id": rec.id,
        "verdict": rec.verdict,
        "uid": rec.uid,
        "user": rec.user,
        "account": rec.account,
        "account_kind": rec.account_kind,
        "home": rec.home,
        # the account's first domain (Plesk: its subscription's name); null when none is
        # known (a plain home, a mailbox, or an incident a store before schema 5 holds)
        "domain": rec.domain,
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
        "advice": list(advice_after(rec.advice, actions or (), now)),
        "suspect_files": None if rec.suspect_files is None else list(rec.suspect_files),
        "suspect_links": None if rec.suspect_links is None else list(rec.suspect_links),
        # the folder's files its bounded scan did not read (null: not scanned, or stored
        # before store schema 6)
        "files_not_scanned": rec.not_scanned,
        "actions": [action_json(a) for a in actions or ()],
        # the same for both kinds of incident: what it counts, and a stolen mailbox by name
        "source": "connect" if facts is None else "mail-log",
        "auth_user": mailbox_of(rec.process),
        "mail": facts,
    }


def action_json(a: Any) -> dict[str, Any]:
    """One response (a stored ``ActionRecord`` or the bus's): ``action`` (block-uid |
    stop-process | quarantine | suspend | alert), ``status`` (would | done | failed), ``at``,
    ``detail``, ``undo`` (the command that undoes it, or null); then ``uid``, ``target``,
    ``undone_at`` and ``data``."""
    return {
        "action": a.action,
        "status": a.status,
        "at": iso(a.at),
        "detail": a.detail,
        "undo": a.undo,
        "uid": a.uid,
        "target": a.target,
        "undone_at": iso(getattr(a, "undone_at", None)),
        "data": dict(a.data),
    }


def action_detail(a: Any) -> str:
    """A response's detail, escaped once: an error's message (``MESSAGE_DETAIL``) had its
    values quoted where it was raised (``escape`` again showed a tab as ``\\\\t``); the
    other details hold raw names and are escaped here."""
    from spamtrace.safetext import escape, escape_message
    from spamtrace.sinks.store import MESSAGE_DETAIL

    if (getattr(a, "data", None) or {}).get(MESSAGE_DETAIL):
        return escape_message(a.detail or "")
    return escape(a.detail)


def action_line(a: Any) -> str:
    """One human line for a response (escaped)."""
    from spamtrace.safetext import escape

    when = (iso(a.at) or "")[11:23]
    text = f"{when}  {a.action} {a.status.upper()}: {action_detail(a)}"
    if getattr(a, "undone_at", None) is not None:
        return text + f"  (undone {iso(a.undone_at)})"
    return text + (f"  (undo: {escape(a.undo)})" if a.undo else "")


def scan_json(result: IncidentScan) -> dict[str, Any]:
    """The ``scan`` object of ``incident-opened`` / ``incident-scanned`` lines."""
    return {
        "paths": list(result.paths),
        "seconds": round(result.seconds, 3),
        "reused": result.reused,
        "notes": list(result.notes),
    }


def event_json(rec: EventRecord) -> dict[str, Any]:
    """One stored connect attempt as JSON (``incident ID --json`` events, ``watch --json``)."""
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


# ============================================================================ human: incidents
#: "user" wraps rather than being cut: a mail-auth incident shows its mailbox there
_LIST_COLUMNS = (
    ("id", "short", 0), ("verdict", "short", 0), ("user", "long", 16), ("account", "name", 16),
    ("exe", "long", 16), ("script / folder", "long", 24), ("conn", "short", 0),
    ("blocked", "short", 0), ("actions", "short", 0), ("to", "long", 16),
    ("last seen (UTC)", "short", 0),
)  # fmt: skip
#: how many destinations (recipients) a row of ``incidents`` names
SHOWN_DESTINATIONS = 3


def print_incidents(
    con: Console,
    records: Sequence[IncidentRecord],
    actions: Mapping[str, Sequence[ActionRecord]],
    total: int | None = None,
) -> None:
    """The human view of ``spamtrace incidents``: one table row per incident (``actions``: the
    responses of each, by incident id; ``total``: how many there were when ``--limit`` cut the
    list, said in the title). Cells are :class:`rich.text.Text` of escaped strings,
    so a script name or a recipient chosen by an attacker is never read as markup; the table is
    drawn with ASCII when the output is plain (a pipe, ``LANG=C``)."""
    from rich.text import Text

    from spamtrace.render.layout import Column, field, fitted_table
    from spamtrace.render.output import fitted
    from spamtrace.safetext import escape

    rows = []
    for r in records:
        origin = r.scripts[0] if r.scripts else r.cwd
        more = _recipients_of(r) - SHOWN_DESTINATIONS
        # mail incidents list recipients here: text of the sender's choosing, escaped
        dests = ", ".join(escape(d) for d in r.destinations[:SHOWN_DESTINATIONS])
        dests += f" (+{more} more)" if more > 0 else ""
        cells = (
            r.id, r.verdict, _who_cell(r), escape(r.account), escape(r.exe),
            escape(origin), str(r.connections), str(r.blocked),
            actions_cell(actions.get(r.id, ())), dests, _when(r.last_seen)[:19],
        )  # fmt: skip
        style = "bold red" if r.verdict in ("suspicious", "ssh-tunnel") else ""
        rows.append([Text(c, style=style) for c in cells])
    columns = [
        Column(h, kind, width, ", " if h == "to" else None) for h, kind, width in _LIST_COLUMNS
    ]
    title = listed_title(len(records), total)
    if fitted_table(con, title, columns, rows):
        return
    # a terminal too narrow for the table: a block per incident, each field under its label
    con.print(Text(f"{title}:"))
    for r, row in zip(records, rows, strict=True):
        cell = dict(zip((c[0] for c in _LIST_COLUMNS), (t.plain for t in row), strict=True))
        head = Text(f"  {r.id}  ").append(r.verdict, style=verdict_style(r.verdict))
        head.append(f"  last seen {cell['last seen (UTC)']} UTC")
        con.print(head, soft_wrap=not fitted(con))
        mail = r.verdict in ("mail-script", "mail-auth")
        who = f"{cell['user']}, account {cell['account']}" if r.account else cell["user"]
        fields = (
            ("who", who), ("exe", cell["exe"]),
            ("script" if r.scripts else "folder", cell["script / folder"]),
            ("messages" if mail else "conns", cell["conn"] + ("" if mail else
                                                              f", {cell['blocked']} blocked")),
            ("to", cell["to"]), ("actions", cell["actions"]),
        )  # fmt: skip
        for label, text in fields:
            if text:
                field(con, label, text, indent=4, width=9)


def listed_title(shown: int, total: int | None) -> str:
    """``N incident(s)``, or, when ``--limit`` cut the list, how many of how many and how to
    see the rest (a cut list said only ``1000 incident(s)`` of 3,000)."""
    if total is None or total <= shown:
        return f"{shown} incident(s)"
    return f"{shown} of {total} incident(s), the newest (--limit {total} lists them all)"


def _who_cell(r: IncidentRecord) -> str:
    """The ``user`` cell: the user, a mail-auth incident's mailbox, else the uid, else
    ``unknown`` (it showed ``None`` for a sender nobody could be found for)."""
    from spamtrace.safetext import escape

    name = r.user or mailbox_of(r.process)
    return escape(name) if name else uid_text(r.uid)


def actions_cell(actions: Sequence[ActionRecord]) -> str:
    """Each kind of response with the latest status of each of its targets, e.g. "block-uid
    done, quarantine would"; targets of one kind whose statuses differ are counted:
    "quarantine 1 done/1 failed" (one file moved, another refused). The latest status of
    the kind alone said "quarantine failed" of an incident whose script was quarantined."""
    from collections import Counter

    latest: dict[str, dict[str | None, str]] = {}
    for a in actions:
        status = a.status + (" (undone)" if a.undone_at is not None else "")
        latest.setdefault(a.action, {})[a.target] = status
    cells = []
    for kind, by_target in latest.items():
        counts = Counter(by_target.values())
        if len(counts) == 1:
            cells.append(f"{kind} {next(iter(counts))}")
        else:
            cells.append(f"{kind} " + "/".join(f"{n} {status}" for status, n in counts.items()))
    return ", ".join(cells) or "-"


# ============================================================================ human: incident ID
#: how many events ``incident ID`` lists (``--json`` has them all)
SHOWN_EVENTS = 50
_LABEL = 14  # the width of the labels of ``incident ID``: "folder (cwd): "
#: how many client addresses of a mail incident ``incident ID`` lists (``--json``: all)
SHOWN_IPS = 20


def verdict_style(verdict: str | None) -> str:
    """The colour of a verdict: red for the ones that alert, yellow for mail, green else."""
    if verdict in ("suspicious", "ssh-tunnel"):
        return "bold red"
    if verdict in ("mail-script", "mail-auth", "submission", "unknown"):
        return "yellow"
    return "green"


def print_incident(
    con: Console,
    rec: IncidentRecord,
    events: Sequence[EventRecord],
    actions: Sequence[ActionRecord],
    now: dict[int, PidNow] | None = None,
    total_events: int | None = None,
) -> None:
    """The human view of ``spamtrace incident ID``: who, what, the files, why, what to do, the
    responses and the events. Every attacker-controlled string is escaped. ``now``: what
    holds the pids its advice names as it is read (:func:`incident_json`); ``total_events``:
    how many events it has when ``events`` are the first of them."""
    from rich.text import Text

    from spamtrace.policy.responses import advice_after
    from spamtrace.render.layout import block, field
    from spamtrace.safetext import escape, escape_argv, escape_message

    def row(label: str, text: str, style: str = "") -> None:
        field(con, label, text, indent=2, width=_LABEL, style=style)

    def heading(text: str) -> None:
        con.print(Text(f"  {text}"), soft_wrap=True)

    con.print(Text(f"incident {rec.id}: ").append(rec.verdict.upper(),
                                                  style=verdict_style(rec.verdict)))  # fmt: skip
    row("who:", who_of(rec))
    if rec.account:
        kind = f" [{escape(rec.account_kind)}]" if rec.account_kind else ""
        domain = f"  domain {escape(rec.domain)}" if rec.domain else ""
        row("account:", f"{escape(rec.account)}{kind}  home {escape(rec.home)}{domain}")
    facts = mail_facts(rec.process)
    if facts is None or rec.exe:  # a message in the MTA's log has no process to name
        row("exe:", escape(rec.exe) or "(unknown)")
    if rec.cmdline:
        row("cmdline:", escape_argv(rec.cmdline))
    if facts is None or rec.cwd:
        row("folder (cwd):", escape(rec.cwd) or "(unknown)")
    if facts is not None and facts["client_ips"]:
        ips = [escape(str(ip)) for ip in facts["client_ips"]]
        more = f" (+{len(ips) - SHOWN_IPS} more)" if len(ips) > SHOWN_IPS else ""
        row("from:", ", ".join(ips[:SHOWN_IPS]) + more)
    for script in rec.scripts:
        row("script:", escape(script))
    if rec.suspect_files is None:
        if rec.verdict == "suspicious":
            row("suspect files:", "not scanned (scanning was off, or failed: see watch)")
    elif not rec.suspect_files:
        from spamtrace.suspects import NOTHING_FOUND

        row("suspect files:", f"none: {NOTHING_FOUND}")
    else:
        from spamtrace.suspects import suspect_lines

        heading("suspect files (most suspicious first):")
        for text in suspect_lines(rec.suspect_files):
            sub = text.startswith("  ")
            field(con, "", text.strip(), indent=6 if sub else 4, style="" if sub else "bold")
    if rec.not_scanned:
        from spamtrace.safetext import shell_quote

        folder = f"spamtrace scan {shell_quote(rec.cwd)}" if rec.cwd else "scan the folder"
        row("not scanned:", f"{rec.not_scanned} file(s) of the folder (its scan reads 200 files, "
            f"one level deep, within the scan budget): {folder} to read them")  # fmt: skip
    if rec.suspect_links:
        from spamtrace.suspects import link_lines

        heading("symlinks where a site must not reach:")
        for text in link_lines(rec.suspect_links):
            field(con, "", text, indent=4, style="bold")
    parents = rec.process.get("parents") or []
    if parents:
        heading("process tree:")
        block(con, _process_tree(rec.process, parents))
    mail = rec.verdict in ("mail-script", "mail-auth")  # through the MTA: messages, recipients
    row(
        "messages:" if mail else "connections:",
        f"{rec.connections}" + ("" if mail else f" ({rec.blocked} blocked)")
        + f", {rec.rate_per_minute}/min, {iso(rec.first_seen)} .. {iso(rec.last_seen)}",
    )  # fmt: skip
    dests = ", ".join(escape(d) for d in rec.destinations)
    total = _recipients_of(rec)
    if total > len(rec.destinations):  # a mail incident's sample of its recipients
        dests += f" (+{total - len(rec.destinations)} more: {total} distinct)"
    row("recipients:" if mail else "destinations:", dests)
    row("attribution:", ", ".join(f"{escape(k)} {v}" for k, v in rec.methods.items()))
    for reason in rec.reasons:
        row("why:", escape(reason))
    if rec.advice:
        heading("what to do:")
        for advice in advice_after(rec.advice, actions, now):
            field(con, "- ", escape_message(advice), indent=4)
    if actions:
        heading("actions:")
        _print_actions(con, actions)
    total = max(len(events), total_events or 0)
    heading(f"events ({total}):")
    if events:
        block(con, _events_table(con, events[:SHOWN_EVENTS]))
    if total > SHOWN_EVENTS:
        # --json lists what was read: all of them, or the first N when there are more
        listed = "all" if total == len(events) else f"the first {len(events)}"
        heading(f"  ... {total - min(len(events), SHOWN_EVENTS)} more (--json lists {listed})")


def _process_tree(sender: dict[str, Any], parents: Sequence[Any]) -> Any:
    """The sender and its parents, each a level deeper."""
    from rich.text import Text
    from rich.tree import Tree

    from spamtrace.safetext import escape

    root = Tree(Text(f"{sender.get('pid')} {escape(sender.get('name') or '')} (the sender)"),
                guide_style="dim")  # fmt: skip
    node = root
    for p in parents:
        node = node.add(Text(f"{p.get('pid')} {escape(p.get('name') or '')} uid {p.get('uid')} "
                             f"{escape(p.get('exe') or '')}"))  # fmt: skip
    return root


def _when(ts: float) -> str:
    """``2026-11-27 10:00:00.123`` (UTC, as ``iso`` without the T and the Z)."""
    return (iso(ts) or "").replace("T", " ").removesuffix("Z")


def _print_actions(con: Console, actions: Sequence[ActionRecord]) -> None:
    """The responses of ``incident ID``: a table, or on a narrow terminal a block each (the
    time, the action and its status on one line, the detail and the undo command under it)."""
    from rich.text import Text

    from spamtrace.render.layout import Column, field, fitted_table
    from spamtrace.safetext import escape

    rows = []
    for a in actions:
        undo = f"undone {iso(a.undone_at)}" if a.undone_at is not None else escape(a.undo) or "-"
        rows.append([Text(_when(a.at)[:19]), Text(a.action), Text(a.status.upper()),
                     Text(action_detail(a)), Text(undo)])  # fmt: skip
    columns = (Column("time (UTC)", "name", 19), Column("action"), Column("status"),
               Column("detail", "long", 24), Column("undo", "long", 16))  # fmt: skip
    if fitted_table(con, None, columns, rows, indent=4):
        return
    for row in rows:
        con.print(Text(f"    {row[0].plain} UTC  {row[1].plain} {row[2].plain}"))
        field(con, "detail", row[3].plain, indent=6, width=7)
        field(con, "undo", row[4].plain, indent=6, width=7)


def _events_table(con: Console, events: Sequence[EventRecord]) -> Any:
    from rich.table import Table
    from rich.text import Text

    from spamtrace.render.output import box_of
    from spamtrace.safetext import escape

    table = Table(box=box_of(con))
    table.add_column("time (UTC)", no_wrap=True)
    for col in ("pid", "what", "seen by"):
        table.add_column(col, overflow="fold")
    for e in events:
        if e.type.value == "mail-logged":
            d = e.details
            what = Text(f"message {escape(str(d.get('queue_id') or '-'))} from "
                        f"{escape(str(d.get('sender') or '<>'))}, "
                        f"{d.get('recipients', 0)} recipient(s)")  # fmt: skip
            table.add_row(Text(_when(e.wall)), Text("-"), what, Text(escape(e.source)))
            continue
        what = Text(f"-> {escape(e.remote)}")
        if e.blocked:
            what.append(" BLOCKED", style="bold red")
        table.add_row(Text(_when(e.wall)), Text(str(e.pid or "-")), what,
                      Text(escape(e.method)))  # fmt: skip
    return table
