"""The JSON and human views of `spamtrace mail` and of `check`'s "through the MTA" section.

``mail --json`` (schema ``spamtrace.mail/1``): ``senders`` biggest first, each ``kind``
(``script`` | ``auth`` | ``local``), ``account``, ``uid``, ``user``, ``script``, ``cwd``,
``auth_user``, ``messages``, ``recipients``, ``first_seen``, ``last_seen``, ``suspect_links``
(the symlinks of its folder that point where a site must not reach; None: not scanned) and
more; the ``incidents`` with their reasons, advice and ``suspect_links``; the logs read, the
queue and the thresholds.
The report itself is built by :mod:`spamtrace.service.mail`.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from spamtrace.policy.mail import MailIncident
    from spamtrace.service.mail import MailReport

SCHEMA = "spamtrace.mail/1"


#: what the messages of ``totals.from_this_host`` are (said after the totals)
FROM_THIS_HOST = (
    "came over SMTP from this host (127.0.0.1, ::1) without a login: a script or a webmail "
    "talking SMTP to the MTA without SMTP AUTH, or a content filter re-injecting; not "
    "counted as a sender, nor as received (watch and the daemon see which process connects)"
)


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
        account = report.sites.get(key, account)  # a web server user's mail: the site's
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
                "auth_id_logged": _id_logged(t.auth_user),
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
                "suspect_links": report.links.get(key),
            }
        )
    return rows


def envelope_uses(report: MailReport) -> Counter[str]:
    """How many senders of the ledger used each envelope sender (for
    :func:`own_envelope_senders`: counted once a report, not once an incident)."""
    return Counter(a for t in report.ledger.senders.values() for a in t.senders)


def own_envelope_senders(
    report: MailReport, inc: MailIncident, uses: Counter[str]
) -> tuple[str, ...]:
    """The envelope senders of a local incident's sender that no other sender used, when
    the ledger holds them all (it keeps 64 a sender); () otherwise (for :func:`advice`).
    ``uses``: :func:`envelope_uses` of the report."""
    from spamtrace.attribution.mail import MAX_ENVELOPE_SENDERS

    totals = report.ledger.senders.get(inc.sender)
    if inc.kind == "auth" or totals is None or len(totals.senders) >= MAX_ENVELOPE_SENDERS:
        return ()
    return tuple(sorted(a for a in totals.senders if uses[a] == 1))


def _id_logged(auth_user: str | None) -> bool | None:
    """``auth_id_logged``: False when ``auth_user`` is ``(driver)``, the logins of an Exim
    authenticator without ``server_set_id`` (no mailbox to reset or lock); None: no SMTP AUTH."""
    from spamtrace.sources.maillog.event import unnamed_login

    return None if auth_user is None else unnamed_login(auth_user) is None


def incident_json(
    inc: MailIncident,
    envelope: tuple[str, ...] = (),
    postfix_logs: tuple[str, ...] = (),
    links: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One mail incident as JSON; ``postfix_logs``: the Postfix logs read (for the advice);
    ``links``: its sender's folder's symlinks to where a site must not reach (None: the
    folder was not scanned)."""
    from spamtrace.policy.mail import POSTFIX_LOGS, advice
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
        "auth_id_logged": _id_logged(inc.auth_user),
        "messages": inc.messages,
        "recipients": inc.recipients,
        "distinct_recipients": inc.distinct_recipients,
        "client_ips": list(inc.ips),
        "first_seen": iso(inc.first_seen),
        "last_seen": iso(inc.last_seen),
        "reasons": list(inc.reasons),
        "sample_recipients": list(inc.sample_recipients),
        "advice": list(advice(inc, envelope, postfix_logs or POSTFIX_LOGS)),
        "suspect_links": links,
    }


def report_json(report: MailReport, top: int | None = None) -> dict[str, Any]:
    from spamtrace.render.incidents import iso

    ledger = report.ledger
    uses = envelope_uses(report)
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
                "others": c.others,
                "long_lines": c.long_lines,
                "error": c.error,
            }
            for c in report.logs
        ],
        "totals": {
            "messages": sum(t.messages for t in ledger.senders.values()),
            "senders": len(ledger.senders),
            "inbound": ledger.inbound,
            "from_this_host": ledger.from_this_host,
            "bounces": ledger.bounces,
        },
        "queue": report.queue,
        "thresholds": {
            k: getattr(report.thresholds, k) for k in report.thresholds.__dataclass_fields__
        },
        "scan": report.scan or {"enabled": False},
        "notes": report.notes,
        "senders": sender_rows(report, top),
        "incidents": [
            incident_json(
                i,
                own_envelope_senders(report, i, uses),
                postfix_logs(report),
                report.links.get(i.sender),
            )
            for i in report.incidents
        ],
    }


def sender_name(item: dict[str, Any], local: str | None) -> str:
    """Who a sender or incident (JSON shape) is: the mailbox of SMTP AUTH, else ``local`` (its
    account or user), else its uid (a uid this server has no name for: a log read from another
    server, LDAP users; it read "?"), else "?"."""
    if item["kind"] == "auth":
        return str(item["auth_user"] or "?")
    if local:
        return local
    return f"uid {item['uid']}" if item.get("uid") is not None else "?"


#: the columns of `mail`'s table of senders (see :class:`spamtrace.render.layout.Column`)
_SENDER_COLUMNS = (
    ("kind", "short", 0), ("account / mailbox", "long", 16), ("messages", "short", 0),
    ("recipients", "short", 0), ("where", "long", 24), ("last (UTC)", "short", 0),
)  # fmt: skip


def _print_senders(con: Console, title: str, senders: list[dict[str, Any]]) -> None:
    """The senders as a table, or, on a terminal too narrow for it, a block per sender with
    each field under its label (a table squeezed to the width cut words and times apart)."""
    from rich.text import Text

    from spamtrace.render.layout import Column, field, fitted_table
    from spamtrace.safetext import escape

    # the time of day alone when every sender's last message is of the same day; else the
    # date too (a week of logs showed "10:01:05" for any of seven days)
    days = {(row["last_seen"] or "")[:10] for row in senders}
    cut = slice(11, 19) if len(days) <= 1 else slice(0, 19)
    rows = []
    for row in senders:
        who = sender_name(row, row["account"] or row["user"])
        where = row["script"] or row["cwd"] or ""
        if row["kind"] == "auth":
            where = f"{row['client_ips']} client address(es)"
        style = "bold red" if row["incident"] else ""
        cells = (
            row["kind"], escape(who), str(row["messages"]), str(row["recipients"]),
            escape(where), (row["last_seen"] or "")[cut].replace("T", " "),
        )  # fmt: skip
        rows.append([Text(cell, style=style if i == 0 else "") for i, cell in enumerate(cells)])
    columns = [Column(header, kind, width) for header, kind, width in _SENDER_COLUMNS]
    if fitted_table(con, title, columns, rows):
        return
    con.print(Text(f"{title}:"))
    for row_cells in rows:
        kind, who, messages, recipients, where, last = (t.plain for t in row_cells)
        head = Text("  ").append(kind, style=row_cells[0].style).append(f"  {who}")
        con.print(head)
        field(con, "sent", f"{messages} message(s) to {recipients} recipient(s)", indent=4, width=6)
        field(con, "last", f"{last} UTC", indent=4, width=6)
        if where:
            field(con, "where", where, indent=4, width=6)


def print_report(report: MailReport, top: int) -> None:
    from rich.text import Text

    from spamtrace.render.layout import advice_field, field
    from spamtrace.render.output import console, fitted
    from spamtrace.safetext import escape, escape_message
    from spamtrace.suspects import link_lines

    con = console()
    doc = report_json(report, top)
    for note in doc["notes"]:
        con.print(Text("note: " + escape(note), style="yellow"))
    if not report.logs:
        return  # the note says which paths were looked for
    read = ", ".join(escape(c.path) for c in report.logs)
    since = doc["since"] or "the start of the logs"
    if not doc["senders"] and all(
        c.not_of_its_kind for c in report.logs
    ):  # not a mail log of its kind (a binary file): no sender counted, not "no mail sent"
        con.print(Text(f"Nothing in {read} reads as a mail log line: no sender counted."))
    elif not doc["senders"] and doc["totals"]["from_this_host"]:  # sent, by no one known
        con.print(Text(f"No sender known through the MTA since {since} ({read})."))
    elif not doc["senders"]:
        con.print(Text(f"No mail sent through the MTA since {since} ({read})."))
    else:
        _print_senders(con, f"Mail sent through the MTA since {since}", doc["senders"])
        # in a pipe a bare path under the table read as a stray line
        con.print(Text(f"logs read: {read}"), soft_wrap=not fitted(con))
    # the biggest first, as the senders (the same size: in the order they opened)
    biggest = sorted(doc["incidents"], key=lambda inc: -inc["messages"])
    for inc in biggest[:top]:
        head = Text(f"\n{inc['verdict']}: ", style="bold red")
        who = sender_name(inc, inc["user"])
        where = inc["script"] or inc["cwd"]
        head.append(escape(who) + (f" {escape(where)}" if where else ""))
        con.print(head)
        span = f"{inc['first_seen']} .. {inc['last_seen']}"
        rows = [("incident", f"{inc['id']}, {inc['messages']} message(s), {span}")]
        rows += [("why", escape(reason)) for reason in inc["reasons"]]
        rows += [("link", text) for text in link_lines(inc["suspect_links"] or ())]
        rows += [("next", escape_message(line)) for line in inc["advice"]]
        for label, text in rows:  # wrapped lines stay under the text on a terminal
            show = advice_field if label == "next" else field  # a command: never broken
            show(con, label, text, indent=2, width=9)
    # a sender without an incident whose folder links where a site must not reach: its links
    # apart from the files (a symlink attack; the incidents above said theirs)
    for row in doc["senders"]:
        if row["suspect_links"] and row["incident"] is None:
            who = escape(sender_name(row, row["account"] or row["user"]))
            con.print(Text(f"\nsymlinks where a site must not reach: {who} {escape(row['cwd'])}"))
            for text in link_lines(row["suspect_links"]):
                field(con, "link", text, indent=2, width=9)
    more = len(doc["incidents"]) - top
    if more > 0:  # a botnet's run opens hundreds: the biggest --top, as for the senders
        con.print(Text(f"\nand {more} more incident(s) (--top {top}; all: --json)"))
    queue = doc["queue"]
    if queue is not None:
        if queue.get("messages") is None:
            con.print(Text(f"\nqueue ({queue['mta']}): unknown: {escape(queue.get('error'))}"))
        else:
            parts = [f"{queue[k]} {name}" for k, name in
                     (("active", "active"), ("deferred", "deferred"), ("hold", "on hold"))
                     if queue.get(k)]  # fmt: skip
            split = f" ({', '.join(parts)})" if parts else ""
            con.print(Text(f"\nqueue ({queue['mta']}): {queue['messages']} message(s){split}"))
    totals = doc["totals"]
    own = f"; {totals['bounces']} bounce(s) made by the MTA" if totals["bounces"] else ""
    con.print(
        Text(
            f"{totals['messages']} message(s) from {totals['senders']} sender(s); "
            f"{totals['inbound']} received from other servers{own}"
        )
    )
    here = totals.get("from_this_host")
    if here:
        con.print(Text(f"{here} message(s) {FROM_THIS_HOST}"))


def postfix_logs(report: MailReport) -> tuple[str, ...]:
    """The Postfix logs the report read (where a stolen login's queue ids are found)."""
    return tuple(c.path for c in report.logs if c.kind == "postfix")


def check_section(report: MailReport, minutes: int) -> dict[str, Any]:
    """``check``'s "through the MTA in the last ``minutes`` minutes" (``check --json``'s
    ``mail``): the logs read, the senders with an incident, and the incidents."""
    uses = envelope_uses(report)
    return {
        "minutes": minutes,
        "logs": [c.path for c in report.logs],
        "senders": [r for r in sender_rows(report) if r["incident"] is not None],
        "incidents": [
            incident_json(
                i,
                own_envelope_senders(report, i, uses),
                postfix_logs(report),
                report.links.get(i.sender),
            )
            for i in report.incidents
        ],
    }


def print_check_section(section: dict[str, Any]) -> None:
    from rich.text import Text

    from spamtrace.render.layout import advice_field, field
    from spamtrace.render.output import console
    from spamtrace.safetext import escape, escape_message

    con = console()
    con.print(Text(f"\nThrough the MTA in the last {section['minutes']} minutes", style="bold red"))
    for inc in section["incidents"]:
        who = sender_name(inc, inc["user"])
        where = inc["script"] or inc["cwd"]
        named = escape(who) + (f" {escape(where)}" if where else "")
        field(con, f"{inc['verdict']}: ", f"{named}: "
              f"{inc['messages']} message(s), {inc['recipients']} recipient(s)")  # fmt: skip
        for reason in inc["reasons"]:
            field(con, "why", escape(reason), indent=4, width=6)
        for line in inc["advice"]:
            advice_field(con, "next", escape_message(line), indent=4, width=6)
    con.print(Text(f"  (details: spamtrace mail --since {section['minutes']}m)"))
