"""The foreground view of ``spamtrace watch``: a subscriber of the engine that prints.

Human lines (one per attempt, a block per alerting incident), or ``--json``: one JSON object
per line (``schema: spamtrace.watch/1``; ``type`` is ``status``, ``connect-attempted``,
``connect-blocked``, ``incident-opened``, ``incident-scanned``, ``action`` or ``summary``). Every
attacker-controlled string is escaped before it reaches the terminal.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from spamtrace.render.incidents import (
    WATCH_SCHEMA,
    action_json,
    action_line,
    event_json,
    incident_json,
    iso,
    suspect_block,
    uid_text,
)
from spamtrace.safetext import escape, escape_argv
from spamtrace.service.bus import (
    ActionRecorded,
    AttemptRecorded,
    BlockedRecorded,
    CaptureModeChanged,
    EngineStarted,
    IncidentOpened,
    Message,
    ScanCompleted,
    StoreStalled,
)

if TYPE_CHECKING:
    from spamtrace.sinks.store import EventRecord, IncidentRecord


class WatchView:
    """Prints what the engine publishes (stdout: events and incidents; stderr: status)."""

    name = "watch-view"

    def __init__(self, json: bool) -> None:
        self.json = json

    def handle(self, message: Message) -> None:
        if isinstance(message, (AttemptRecorded, BlockedRecorded)):
            self._event(message.record, message.incident, message.incident_opened)
        elif isinstance(message, IncidentOpened):
            self._opened(message.incident, message.alerting, message.scan)
        elif isinstance(message, ScanCompleted):
            if message.late:
                self._late_scan(message)
        elif isinstance(message, (CaptureModeChanged, StoreStalled)):
            self.warn(message.reason)
        elif isinstance(message, EngineStarted):
            self._status(message)
        elif isinstance(message, ActionRecorded):
            self._action(message)

    def close(self) -> None:
        pass

    # ------------------------------------------------------------------ lines
    def line(self, doc: dict[str, Any]) -> None:
        from spamtrace.render.output import dump_json

        dump_json({"schema": WATCH_SCHEMA, **doc}, line=True)

    def warn(self, text: str) -> None:
        if self.json:
            self.line({"type": "status", "warning": text})
        print(f"spamtrace: warning: {escape(text)}", file=sys.stderr, flush=True)

    def _status(self, m: EngineStarted) -> None:
        if self.json:
            self.line({
                "type": "status", "sources": list(m.sources), "store": m.store,
                "ports": list(m.ports), "degraded": list(m.degraded), "notes": list(m.notes),
                "mta": {"kind": m.mta_kind, "users": list(m.mta_users)},
            })  # fmt: skip
            return
        print(
            f"spamtrace watch: sources {', '.join(m.sources)}; ports "
            f"{', '.join(str(p) for p in m.ports)}; store {escape(m.store) or 'off'}",
            file=sys.stderr,
            flush=True,
        )
        for text in m.degraded:
            print(f"spamtrace: DEGRADED: {escape(text)}", file=sys.stderr, flush=True)
        for text in m.notes:
            print(f"spamtrace: note: {escape(text)}", file=sys.stderr, flush=True)

    def _event(self, rec: EventRecord, inc: IncidentRecord, opened: bool) -> None:
        if self.json:
            self.line(
                {
                    **event_json(rec),
                    "incident_opened": opened,
                    "incident_connections": inc.connections,
                }
            )
            return
        proc = rec.details.get("name") or rec.details.get("comm") or "?"
        who = f"uid={uid_text(rec.uid)}" + (f"({escape(rec.user)})" if rec.user else "")
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

    def _opened(self, rec: IncidentRecord, alerting: bool, scan: dict[str, Any] | None) -> None:
        if self.json:
            self.line({"type": "incident-opened", "incident": incident_json(rec), "scan": scan})
            return
        if not alerting:
            return
        out = [f"!! {rec.verdict.upper()} incident {rec.id} opened"]
        who = f"uid {uid_text(rec.uid)}" + (f" ({escape(rec.user)})" if rec.user else "")
        if rec.account:
            who += f", account {escape(rec.account)}"
        out.append(f"   who:     {who}")
        if rec.exe or rec.cmdline:
            out.append(f"   process: {escape(rec.exe)}  {escape_argv(rec.cmdline)}")
        if rec.cwd:
            out.append(f"   folder:  {escape(rec.cwd)}")
        for script in rec.scripts:
            out.append(f"   script:  {escape(script)}")
        out += suspect_block(rec.suspect_files, "   ")
        out += [f"   scan:    {escape(n)}" for n in (scan or {}).get("notes", [])]
        out.append(f"   to:      {', '.join(escape(d) for d in rec.destinations)}")
        for reason in rec.reasons:
            out.append(f"   why:     {escape(reason)}")
        if rec.advice:
            out.append("   what to do:")
            out.extend(f"     - {escape(a)}" for a in rec.advice)
        out.append(f"   details: spamtrace incident {rec.id}")
        print("\n".join(out), flush=True)

    def _action(self, m: ActionRecorded) -> None:
        if self.json:
            doc = {"type": "action", "incident": m.incident_id, "action": action_json(m.action)}
            self.line(doc)
            return
        print(f"!! {action_line(m.action)}  [{m.incident_id}]", flush=True)

    def _late_scan(self, m: ScanCompleted) -> None:
        from spamtrace.suspects import file_advice

        if self.json:
            self.line({
                "type": "incident-scanned", "incident": m.incident_id,
                "suspect_files": None if m.files is None else list(m.files),
                "scan": {
                    "paths": list(m.paths), "seconds": round(m.seconds, 3),
                    "reused": m.reused, "notes": list(m.notes),
                },
            })  # fmt: skip
            return
        out = [f"!! incident {m.incident_id}: scan of its scripts and folder finished"]
        out += suspect_block(m.files, "   ")
        out += [f"   scan:    {escape(n)}" for n in m.notes]
        line = file_advice(m.files)
        if line is not None:
            out.append(f"   what to do: {escape(line)}")
        print("\n".join(out), flush=True)

    # ------------------------------------------------------------------ the end
    def summary(self, summary: dict[str, Any]) -> None:
        if self.json:
            self.line({"type": "summary", **summary})
            return
        methods = ", ".join(f"{k} {v}" for k, v in sorted(summary["attribution"].items())) or "-"
        print(
            f"spamtrace watch: {summary['events']} event(s), {summary['incidents_opened']} "
            f"incident(s) opened ({summary['alerting_incidents']} alerting); "
            f"attribution: {methods}",
            file=sys.stderr,
        )
        trace = summary.get("tracepoint")
        if trace and (trace.get("malformed") or trace.get("overrun") or trace.get("lost_markers")):
            print(
                f"spamtrace: warning: tracepoint: {trace['malformed']} malformed line(s), "
                f"{trace['overrun']} overrun(s), {trace['lost_markers']} lost event(s)",
                file=sys.stderr,
            )
        alerts = summary.get("alerts")
        if alerts:
            failing = [
                f"{escape(name)}: {escape(c['last_error'])}"
                for name, c in alerts["channels"].items()
                if c["failed"] or c["dropped"]
            ]
            print(
                f"spamtrace watch: alerts: {alerts['sent']} sent, {alerts['failed']} failed, "
                f"{alerts['dropped']} dropped" + "".join(f"; {f}" for f in failing),
                file=sys.stderr,
            )
        proc = summary.get("proc-connector")
        if proc and proc.get("enobufs"):
            print(
                f"spamtrace: warning: proc connector: {proc['enobufs']} buffer overrun(s) "
                "(ENOBUFS; recovered)",
                file=sys.stderr,
            )
