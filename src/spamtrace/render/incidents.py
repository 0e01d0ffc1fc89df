"""The JSON shapes of incidents and events (schemas ``spamtrace.incidents/1``,
``spamtrace.incident/1`` and the records inside ``spamtrace.watch/1``), and their shared
human lines.

:func:`incident_json` is THE shape of an incident outside the store: ``incidents --json``
lists it, and alerts, webhooks and the event stream send exactly it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def incident_json(
    rec: IncidentRecord, actions: Sequence[ActionRecord] | None = None
) -> dict[str, Any]:
    """One incident as an item of ``spamtrace incidents --json`` (and of every alert, webhook
    and event that carries an incident: they all use this shape). ``actions``: the responses
    recorded for it (:func:`action_json`), oldest first."""
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


def action_line(a: Any) -> str:
    """One human line for a response (escaped)."""
    from spamtrace.safetext import escape

    when = (iso(a.at) or "")[11:23]
    text = f"{when}  {a.action} {a.status.upper()}: {escape(a.detail)}"
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


def suspect_block(files: Sequence[dict[str, Any]] | None, indent: str) -> list[str]:
    """Human lines for an incident's suspect files (escaped)."""
    if files is None:
        return []
    if not files:
        return [f"{indent}file:    nothing suspicious in the script(s) and folder (scanned)"]
    from spamtrace.suspects import suspect_lines

    return [
        f"{indent}{'         ' if text.startswith('  ') else 'file:    '}{text}"
        for text in suspect_lines(files)
    ]


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
