"""The human view of ``spamtrace check``: one row and one detail block per sender, not per socket.

A mailer with 300 sockets is one sender: the connections are grouped by process (pid and start
time, or uid and exe when the process is not known), hosting account and script (or working
folder) and verdict. Each group shows how many connections it has and its first few
destinations. ``check --json`` (:func:`report_json`, ``spamtrace.check/1``) keeps every
connection.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spamtrace.model import (
    ALERTING_VERDICTS,
    MAIL_VERDICTS,
    AttributionMethod,
    Connection,
    Verdict,
)
from spamtrace.render.layout import Column
from spamtrace.safetext import escape, escape_argv, escape_message
from spamtrace.suspects import NOTHING_FOUND, link_lines, suspect_lines

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from spamtrace.service.check import CheckReport

SCHEMA = "spamtrace.check/1"

#: destinations named in a row; the others are counted
SHOWN_DESTINATIONS = 3

STYLE = {
    Verdict.SUSPICIOUS: "bold red",
    Verdict.SSH_TUNNEL: "bold magenta",
    Verdict.SUBMISSION: "yellow",
    Verdict.UNKNOWN: "yellow",
    Verdict.MTA: "green",
    Verdict.ALLOWED: "green",
}


@dataclass(frozen=True, slots=True)
class Sender:
    """Connections of one process (account, script) with one verdict, in report order."""

    indexes: tuple[int, ...]  # into the report's connections
    connections: tuple[Connection, ...]

    @property
    def first(self) -> Connection:
        return self.connections[0]

    @property
    def destinations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(c.socket.remote) for c in self.connections))

    def destinations_text(self, shown: int = SHOWN_DESTINATIONS) -> str:
        dests = self.destinations
        text = ", ".join(escape(d) for d in dests[:shown])
        return text + (f" (+{len(dests) - shown} more)" if len(dests) > shown else "")

    @property
    def states(self) -> str:
        counts: dict[str, int] = {}
        for c in self.connections:
            counts[c.socket.state.value] = counts.get(c.socket.state.value, 0) + 1
        if len(counts) == 1:
            return next(iter(counts))
        return ", ".join(f"{n} {state}" for state, n in counts.items())


def sender_key(conn: Connection) -> tuple[Any, ...]:
    proc, acct = conn.process, conn.account
    uid = conn.socket.uid if conn.socket.uid is not None else (proc.uid if proc else None)
    who: tuple[Any, ...] = (
        ("pid", proc.pid, proc.start_time) if proc is not None and proc.pid else ("uid", uid)
    )
    where = (proc.scripts[0] if proc.scripts else proc.cwd) if proc is not None else None
    exe = proc.exe if proc is not None else None
    return (conn.verdict, *who, exe, acct.name if acct else None, where)


def group_senders(connections: Sequence[Connection]) -> list[Sender]:
    """Connections grouped by :func:`sender_key`, groups in the order they first appear."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, conn in enumerate(connections):
        groups.setdefault(sender_key(conn), []).append(i)
    return [Sender(tuple(idx), tuple(connections[i] for i in idx)) for idx in groups.values()]


def _who(conn: Connection) -> str:
    proc = conn.process
    uid = conn.socket.uid if conn.socket.uid is not None else (proc.uid if proc else None)
    user = proc.user if proc is not None else None
    if user is None and conn.account is not None and uid is not None:
        user = conn.account.name
    return f"{escape(user or '?')} ({uid if uid is not None else '?'})"


def detail_lines(
    sender: Sender,
    suspects: list[dict[str, Any]] | None,
    links: Sequence[dict[str, Any]] | None = None,
) -> list[tuple[str, str]]:
    """The detail block of one sender as ``(label, text)`` fields (escaped): process, files,
    the folder's symlinks to where a site must not reach, why and what to do next. A label
    ``""`` continues the field above it (a finding of the file above)."""
    conn = sender.first
    proc = conn.process
    lines: list[tuple[str, str]] = []
    n = len(sender.connections)
    if n > 1:
        lines.append(("conns", f"{n} to {len(sender.destinations)} destination(s): "
                               f"{sender.destinations_text(5)}"))  # fmt: skip
    if proc is not None:
        lines.append(("pid", f"{proc.pid}, started {time_text(proc.start_time)}"))
        lines.append(("exe", escape(proc.exe or "?")))
        lines.append(("cmdline", escape_argv(proc.cmdline)))
        lines.append(("cwd", escape(proc.cwd or "?")))
        lines += [("script", escape(script)) for script in proc.scripts]
        if proc.parents:
            chain = " <- ".join(f"{p.pid} {escape(p.name)}" for p in proc.parents)
            lines.append(("parents", chain))
        lines += [("note", escape(note)) for note in proc.notes]
    if suspects:
        for text in suspect_lines(suspects):
            lines.append(("" if text.startswith("  ") else "file", text.strip()))
    elif suspects is not None:
        lines.append(("file", NOTHING_FOUND))
    lines += [("link", text) for text in link_lines(links or ())]
    if conn.account is not None and conn.account.via:
        via = f"{escape(conn.account.name)}, found by {escape(conn.account.via)}"
        lines.append(("account", via))
    if conn.account is not None and conn.account.domains:
        lines.append(("domains", escape(", ".join(conn.account.domains[:5]))))
    lines += [("why", escape(r)) for r in conn.reasons]
    lines += [("next", escape_message(a)) for a in conn.advice]
    return lines


#: the width of the labels of a detail block ("cmdline  ")
_LABEL = 9


def time_text(ts: float | None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)) if ts is not None else "?"


def print_check(
    con: Console,
    connections: Sequence[Connection],
    ports: Sequence[int],
    notes: Sequence[str],
    suspects: Sequence[list[dict[str, Any]] | None],
    scan_notes: Sequence[str],
    counts: dict[str, int],
    links: Sequence[list[dict[str, Any]] | None] = (),
) -> None:
    """The senders (a table, or a block per sender when the table does not fit the terminal),
    then a detail block for each alerting or submission sender."""
    from rich.text import Text

    from spamtrace.render.layout import advice_field, field, fitted_table
    from spamtrace.render.output import shown

    port_text = ", ".join(str(p) for p in ports)
    for note in notes:
        con.print(Text("note: " + shown(con, escape(note)), style="yellow"))
    if not connections:
        con.print(Text(f"No TCP connections to remote SMTP ports ({port_text})."))
        return
    senders = group_senders(connections)
    title = f"Connections to remote SMTP ports ({port_text})"
    rows = [_row(sender) for sender in senders]
    if not fitted_table(con, title, _COLUMNS, rows):
        _print_stacked(con, title, rows)
    for sender in senders:
        conn = sender.first
        if conn.verdict not in ALERTING_VERDICTS and conn.verdict is not Verdict.SUBMISSION:
            continue
        con.print()
        head = f"{escape(str(conn.socket.local))} -> {escape(str(conn.socket.remote))}"
        if len(sender.connections) > 1:
            head += f" and {len(sender.connections) - 1} more connection(s)"
        label = Text(f"{conn.verdict.value}:", style=STYLE[conn.verdict])
        field(con, label, head, indent=0, width=len(label) + 1)
        first = sender.indexes[0]
        files = suspects[first] if first < len(suspects) else None
        risky = links[first] if first < len(links) else None
        for label_text, text in detail_lines(sender, files, risky):
            if label_text == "next":  # a command to paste: never broken
                advice_field(con, label_text, text, indent=2, width=_LABEL)
            elif label_text:
                field(con, label_text, text, indent=2, width=_LABEL)
            else:  # a finding of the file above: under that file's text, two further in
                field(con, "", text, indent=4, width=_LABEL)
    for note in scan_notes:
        con.print(Text("scan note: " + shown(con, escape(note)), style="yellow"))
    summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    con.print(Text(f"\n{len(connections)} connection(s) from {len(senders)} sender(s): {summary}"))


#: the columns of the senders' table (see :class:`spamtrace.render.layout.Column`)
_COLUMNS = tuple(
    Column(header, kind, width, split)
    for header, kind, width, split in (
        ("verdict", "short", 0, None), ("conns", "short", 0, None), ("pid", "short", 0, None),
        ("process", "name", 20, None), ("user (uid)", "name", 20, None),
        ("account", "name", 20, None), ("remote", "long", 24, ", "), ("state", "short", 0, None),
        ("where", "long", 24, None),
    )
)  # fmt: skip


def _row(sender: Sender) -> tuple[Text, ...]:
    from rich.text import Text

    conn, proc = sender.first, sender.first.process
    where = ((proc.scripts[0] if proc.scripts else proc.cwd) or "") if proc else ""
    return (
        Text(conn.verdict.value, style=STYLE[conn.verdict]),
        Text(str(len(sender.connections))),
        Text(str(proc.pid) if proc and proc.pid else "-"),
        Text(escape(proc.name if proc and proc.name else "-")),
        Text(_who(conn)),
        Text(escape(conn.account.name if conn.account else "-")),
        Text(sender.destinations_text()),
        Text(sender.states),
        Text(escape(where)),
    )


def _print_stacked(con: Console, title: str, rows: Sequence[tuple[Text, ...]]) -> None:
    """The senders as one block each, for a terminal too narrow for the table: the short
    fields on the first line (wrapped between fields, never inside one), the long ones
    under it, each under its label."""
    from rich.text import Text

    from spamtrace.render.layout import cut_text, field
    from spamtrace.render.output import ellipsis

    con.print(Text(title + ":"))
    width = max(len(row[0]) for row in rows) + 2
    mark = ellipsis(con)
    for verdict, conns, pid, process, who, account, remote, state, where in rows:
        name = cut_text(process, 32, mark).plain
        head = f"{conns.plain} conn(s), pid {pid.plain} {name}"
        field(con, verdict, head, indent=2, width=width)
        user = who.plain + (f", account {account.plain}" if account.plain != "-" else "")
        field(con, "user", user, indent=4, width=7)
        field(con, "to", remote.plain, indent=4, width=7)
        field(con, "state", state.plain, indent=4, width=7)
        if where.plain:
            field(con, "where", where.plain, indent=4, width=7)


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def connection_json(
    conn: Connection,
    suspect_files: list[dict[str, Any]] | None = None,
    suspect_links: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One connection in the ``spamtrace.check/1`` shape (also used by other commands).

    ``suspect_files``: what :func:`spamtrace.service.check.scan_report` found (None: the
    connection was not scanned); ``suspect_links``: the symlinks of its folder that point
    where a site must not reach (:func:`spamtrace.suspects.link_json`; None: not scanned).
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
        "suspect_links": suspect_links,
    }


def report_json(report: CheckReport) -> dict[str, Any]:
    """The ``check --json`` document (without ``mail``, the "through the MTA" section)."""
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
            connection_json(
                c,
                report.suspects[i] if i < len(report.suspects) else None,
                report.links[i] if i < len(report.links) else None,
            )
            for i, c in enumerate(report.connections)
        ],
    }


def print_report(report: CheckReport) -> None:
    """The human view of a check run on the console (wide in pipes and logs)."""
    from spamtrace.render.output import console, fitted

    con = console()
    if not fitted(con):
        con.width = max(con.width, 160)  # pipes and logs: room for paths, no folding
    print_check(
        con,
        report.connections,
        report.ports,
        report.notes,
        report.suspects,
        (report.scan or {}).get("notes", []),
        report_json(report)["counts"],
        report.links,
    )
