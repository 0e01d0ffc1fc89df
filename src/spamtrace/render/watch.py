"""The foreground view of ``spamtrace watch``: a subscriber of the engine that prints.

Human lines (one per attempt, a block per alerting incident), or ``--json``: one JSON object
per line (``schema: spamtrace.watch/1``; ``type`` is ``status``, ``connect-attempted``,
``connect-blocked``, ``incident-opened``, ``incident-scanned``, ``action`` or ``summary``). Every
attacker-controlled string is escaped before it reaches the terminal, and given to rich as
text, never as markup.

The human view is laid out by rich (:mod:`spamtrace.render.layout`): on a terminal a line
that is longer than the window wraps under its text (an attempt's details under the column
after the verdict, a field of an incident block under its label's column), the verdicts are
coloured. In a pipe or a log every line stays whole, without colour. An attempt is a line per
connection, printed on the engine's thread, so it must stay cheap: in a pipe it is written as
it is (rich would add nothing there); on a terminal its styles are rendered by rich once and
its details wrapped as a field's. ``bench/watch_view_bench.py`` measures it: on the loaded
2-vCPU test VM a line cost 140-200 us on a terminal (a rich ``print`` per line cost about four
times that; a plain ``print`` of the unwrapped line about 25 us) and 25 us in a pipe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spamtrace.render.incidents import (
    WATCH_SCHEMA,
    action_json,
    action_line,
    event_json,
    incident_json,
    iso,
    uid_text,
    verdict_style,
    who_of,
)
from spamtrace.safetext import escape, escape_argv, escape_message
from spamtrace.service.bus import (
    ActionRecorded,
    AttemptRecorded,
    AttemptsRecorded,
    BlockedRecorded,
    BlocksReconciled,
    CaptureModeChanged,
    EngineStarted,
    IncidentOpened,
    Message,
    ScanCompleted,
    StoreStalled,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from rich.console import Console

    from spamtrace.sinks.store import EventRecord, IncidentRecord

#: columns of an attempt line before its details: "12:00:00.000  SUSPICIOUS   "
_DETAILS_AT = 27
#: incidents whose actions are kept until their opening is printed
MAX_EARLY = 1000
#: the label column of an incident block: "   who:     "
_BLOCK_INDENT, _BLOCK_LABEL = 3, 9


class WatchView:
    """Prints what the engine publishes (stdout: events and incidents; stderr: status)."""

    name = "watch-view"
    takes_batches = True

    def __init__(self, json: bool) -> None:
        self.json = json
        self._out: Console | None = None  # made at the first human line: --json needs no rich
        self._err: Console | None = None
        self._style_codes: dict[str, tuple[str, str]] = {}
        self._is_tty: bool | None = None
        #: the actions taken on incidents not opened yet (the opening waits for the scan, and
        #: enforce mode blocks and stops at the first connect): the opening tells of them
        self._early: dict[str, list[Any]] = {}
        #: the reader of the output went away; ``on_output_closed`` is called then, once
        self.output_closed = False
        self.on_output_closed: Callable[[], None] | None = None

    @property
    def out(self) -> Console:
        if self._out is None:
            from spamtrace.render.output import console

            self._out = console()
        return self._out

    @property
    def _tty(self) -> bool:
        if self._is_tty is None:
            self._is_tty = self.out.is_terminal
        return self._is_tty

    @property
    def err(self) -> Console:
        if self._err is None:
            from spamtrace.render.output import console

            self._err = console(stderr=True)
        return self._err

    def handle(self, message: Message) -> None:
        if self.output_closed:
            return
        try:
            self._handle(message)
        except BrokenPipeError:
            # the reader went away (`watch | head -5`): the watch ends, as `tail -f | grep`
            # does, instead of going on with nobody to tell (the engine counted the error
            # of each line and carried on)
            self.output_closed = True
            if self.on_output_closed is not None:
                self.on_output_closed()

    def _handle(self, message: Message) -> None:
        if isinstance(message, (AttemptRecorded, BlockedRecorded)):
            inc = message.incident
            self._event(message.record, inc.id, inc.connections, message.incident_opened)
        elif isinstance(message, AttemptsRecorded):  # a batch of the backlog: a line each
            ident = message.incident_id
            for rec, n in zip(message.records, message.connections, strict=True):
                self._event(rec, ident, n, False)
        elif isinstance(message, IncidentOpened):
            actions = self._early.pop(message.incident.id, [])
            self._opened(message.incident, message.alerting, message.scan, actions)
        elif isinstance(message, ScanCompleted):
            if message.late:
                self._late_scan(message)
        elif isinstance(message, CaptureModeChanged):
            self.warn(message.reason, "DEGRADED")  # a degraded reason, as at start
        elif isinstance(message, StoreStalled):
            self.warn(message.reason)
        elif isinstance(message, BlocksReconciled):
            self.warn(message.summary)
        elif isinstance(message, EngineStarted):
            self._status(message)
        elif isinstance(message, ActionRecorded):
            early = self._early.setdefault(message.incident_id, [])
            early.append(message.action)
            while len(self._early) > MAX_EARLY:  # the oldest: opened long ago (or never)
                del self._early[next(iter(self._early))]
            self._action(message)

    def close(self) -> None:
        pass

    # ------------------------------------------------------------------ lines
    def line(self, doc: dict[str, Any]) -> None:
        from spamtrace.render.output import dump_json

        dump_json({"schema": WATCH_SCHEMA, **doc}, line=True)

    def _say(self, con: Console, label: str, text: str, style: str = "") -> None:
        """One status line: ``label`` then ``text`` wrapped under itself on a terminal."""
        from spamtrace.render.layout import field

        field(con, label, text, indent=0, label_style=style)

    def warn(self, text: str, label: str = "warning") -> None:
        if self.json:
            self.line({"type": "status", "warning": text})
        # a message: its values were escaped or quoted where they were put in (once)
        style = "bold red" if label == "DEGRADED" else "yellow"
        self._say(self.err, f"spamtrace: {label}: ", escape_message(text), style)

    def _status(self, m: EngineStarted) -> None:
        if self.json:
            self.line({
                "type": "status", "sources": list(m.sources), "store": m.store,
                "ports": list(m.ports), "degraded": list(m.degraded), "notes": list(m.notes),
                "mta": {"kind": m.mta_kind, "users": list(m.mta_users)},
            })  # fmt: skip
            return
        self._say(
            self.err,
            "spamtrace watch: ",
            f"sources {', '.join(m.sources)}; ports {', '.join(str(p) for p in m.ports)}; "
            f"store {escape(m.store) or 'off'}; times UTC",
        )
        for text in m.degraded:  # messages, their values escaped where put in (as warn's)
            self._say(self.err, "spamtrace: DEGRADED: ", escape_message(text), "bold red")
        for text in m.notes:
            self._say(self.err, "spamtrace: note: ", escape_message(text))

    def _event(self, rec: EventRecord, ident: str, connections: int, opened: bool) -> None:
        if self.json:
            self.line(
                {
                    **event_json(rec),
                    "incident_opened": opened,
                    "incident_connections": connections,
                }
            )
            return
        proc = rec.details.get("name") or rec.details.get("comm") or "?"
        who = f"uid={uid_text(rec.uid)}" + (f"({escape(rec.user)})" if rec.user else "")
        verdict = (rec.verdict or "?").upper()
        parts = [f"{escape(str(proc))}[{rec.pid or '-'}]", who, f"-> {escape(rec.remote)}"]
        if rec.blocked:
            parts.append("BLOCKED")
        if rec.scripts:
            parts.append(f"script={escape(rec.scripts[0])}")
            if len(rec.scripts) > 1 and rec.method == "fpm-access-log":  # candidates
                parts.append(f"(or {', '.join(escape(x) for x in rec.scripts[1:])})")
        elif rec.cwd:
            parts.append(f"cwd={escape(rec.cwd)}")
        parts.append(f"[{rec.method}]")
        parts.append(f"{ident} #{connections}")
        details = "  ".join(parts)
        when = (iso(rec.wall) or "")[11:23]
        con = self.out
        if not self._tty:  # one whole line, no colour: nothing for rich to lay out
            con.file.write(f"{when}  {verdict:<11}  {details}\n")
            con.file.flush()
            return
        # A terminal: the details wrap under the column after the verdict, as a field would,
        # but written straight: a rich print per connection costs ~4x more (see the module)
        from spamtrace.render.output import wrap_keeping_code

        dim, undim = self._codes("dim")
        on, off = self._codes(verdict_style(rec.verdict))
        lines = wrap_keeping_code(details, max(20, con.width - _DETAILS_AT))
        con.file.write(f"{dim}{when}{undim}  {on}{verdict:<11}{off}  "
                       + ("\n" + " " * _DETAILS_AT).join(lines) + "\n")  # fmt: skip
        con.file.flush()

    def _codes(self, style: str) -> tuple[str, str]:
        """What the terminal is sent before and after text in ``style`` (rendered by rich for
        this console, once per style; nothing without colour)."""
        codes = self._style_codes.get(style)
        if codes is None:
            from rich.text import Text

            con = self.out
            with con.capture() as captured:
                con.print(Text("X", style=style), end="")
            before, _, after = captured.get().partition("X")
            codes = self._style_codes[style] = (before, after)
        return codes

    def _block(self, head: str, style: str, rows: Sequence[tuple[str, str]]) -> None:
        """An incident block: a heading, then fields under it (a label of "-" is an item of
        a list, "" a line under the field before, a label without text a list's heading)."""
        from rich.text import Text

        from spamtrace.render.layout import field

        con = self.out
        con.print(Text(head, style=style), soft_wrap=True)
        for label, text in rows:
            if label == "-":
                field(con, "- ", text, indent=_BLOCK_INDENT + 2)
            elif label == "":
                field(con, "", text, indent=_BLOCK_INDENT + _BLOCK_LABEL + 2)
            elif not text:  # the heading of a list
                con.print(Text(" " * _BLOCK_INDENT + label), soft_wrap=True)
            else:
                field(con, label, text, indent=_BLOCK_INDENT, width=_BLOCK_LABEL)

    def _opened(
        self,
        rec: IncidentRecord,
        alerting: bool,
        scan: dict[str, Any] | None,
        actions: Sequence[Any] = (),
    ) -> None:
        """The opening, with the actions taken before it (its advice says what they did: no
        "kill PID" for a sender already stopped, as ``incident ID`` and the alert say)."""
        if self.json:
            doc = incident_json(rec, actions)
            self.line({"type": "incident-opened", "incident": doc, "scan": scan})
            return
        if not alerting:
            return
        from spamtrace.policy.responses import advice_after

        advice = advice_after(rec.advice, actions)
        rows: list[tuple[str, str]] = []
        who = who_of(rec)
        if rec.account:
            who += f", account {escape(rec.account)}"
        rows.append(("who:", who))
        if rec.exe or rec.cmdline:
            rows.append(("process:", f"{escape(rec.exe)}  {escape_argv(rec.cmdline)}"))
        if rec.cwd:
            rows.append(("folder:", escape(rec.cwd)))
        rows += [("script:", escape(script)) for script in rec.scripts]
        rows += _suspect_rows(rec.suspect_files)
        rows += _link_rows(rec.suspect_links)
        rows += [("scan:", escape(n)) for n in (scan or {}).get("notes", [])]
        rows.append(("to:", ", ".join(escape(d) for d in rec.destinations)))
        rows += [("why:", escape(reason)) for reason in rec.reasons]
        if advice:
            rows.append(("what to do:", ""))
            rows += [("-", escape_message(a)) for a in advice]
        rows.append(("details:", f"spamtrace incident {rec.id}"))
        head = f"!! {rec.verdict.upper()} incident {rec.id} opened"
        self._block(head, verdict_style(rec.verdict), rows)

    def _action(self, m: ActionRecorded) -> None:
        if self.json:
            doc = {"type": "action", "incident": m.incident_id, "action": action_json(m.action)}
            self.line(doc)
            return
        from spamtrace.render.layout import field

        field(self.out, "!! ", f"{action_line(m.action)}  [{m.incident_id}]", indent=0,
              label_style="bold")  # fmt: skip

    def _late_scan(self, m: ScanCompleted) -> None:
        from spamtrace.suspects import file_advice, link_advice

        if self.json:
            self.line({
                "type": "incident-scanned", "incident": m.incident_id,
                "suspect_files": None if m.files is None else list(m.files),
                "suspect_links": None if m.links is None else list(m.links),
                "scan": {
                    "paths": list(m.paths), "seconds": round(m.seconds, 3),
                    "reused": m.reused, "notes": list(m.notes),
                },
            })  # fmt: skip
            return
        rows = _suspect_rows(m.files)
        rows += _link_rows(m.links)
        rows += [("scan:", escape(n)) for n in m.notes]
        line = file_advice(m.files)
        if line is not None:
            rows.append(("what to do:", escape(line)))
        line = link_advice(m.links)
        if line is not None:
            rows.append(("what to do:", escape_message(line)))
        self._block(f"!! incident {m.incident_id}: scan of its scripts and folder finished",
                    "bold", rows)  # fmt: skip

    # ------------------------------------------------------------------ the end
    def summary(self, summary: dict[str, Any]) -> None:
        if self.json and self.output_closed:
            return  # nobody reads it
        if self.json:
            self.line({"type": "summary", **summary})
            return
        methods = ", ".join(f"{k} {v}" for k, v in sorted(summary["attribution"].items())) or "-"
        self._say(
            self.err,
            "spamtrace watch: ",
            f"{summary['events']} event(s), {summary['incidents_opened']} incident(s) opened "
            f"({summary['alerting_incidents']} alerting); attribution: {methods}",
        )
        mail = summary.get("mail-logs")
        if mail:  # the mail through the MTA is not among the connection events above
            logs = mail.get("logs") or []
            said = f"{mail.get('messages', 0)} message(s) from {len(logs)} log(s)"
            if mail.get("restored"):
                said += f", {mail['restored']} read back at the start"
            malformed = sum(c.get("malformed", 0) for c in logs)
            if malformed:
                said += f"; {malformed} malformed line(s) skipped"
            self._say(self.err, "spamtrace watch: ", f"mail logs: {said}")
            if mail.get("error"):
                self._say(self.err, "spamtrace: warning: ", f"mail logs: {escape(mail['error'])}",
                          "yellow")  # fmt: skip
        trace = summary.get("tracepoint")
        if trace and (trace.get("malformed") or trace.get("overrun") or trace.get("lost_markers")):
            self._say(
                self.err,
                "spamtrace: warning: ",
                f"tracepoint: {trace['malformed']} malformed line(s), {trace['overrun']} "
                f"overrun(s), {trace['lost_markers']} lost event(s)",
                "yellow",
            )
        alerts = summary.get("alerts")
        if alerts:
            failing = [
                f"{escape(name)}: {escape_message(c['last_error'] or '')}"
                for name, c in alerts["channels"].items()
                if c["failed"] or c["dropped"]
            ]
            self._say(
                self.err,
                "spamtrace watch: ",
                f"alerts: {alerts['sent']} sent, {alerts['failed']} failed, "
                f"{alerts['dropped']} dropped" + "".join(f"; {f}" for f in failing),
            )
        proc = summary.get("proc-connector")
        if proc and proc.get("enobufs"):
            self._say(
                self.err,
                "spamtrace: warning: ",
                f"proc connector: {proc['enobufs']} buffer overrun(s) (ENOBUFS; recovered)",
                "yellow",
            )


def _suspect_rows(files: Sequence[dict[str, Any]] | None) -> list[tuple[str, str]]:
    """The rows of an incident block for its suspect files (escaped): a file, its finding."""
    if files is None:
        return []
    if not files:
        from spamtrace.suspects import NOTHING_FOUND

        return [("file:", NOTHING_FOUND)]
    from spamtrace.suspects import suspect_lines

    return [("" if t.startswith("  ") else "file:", t.strip()) for t in suspect_lines(files)]


def _link_rows(links: Sequence[dict[str, Any]] | None) -> list[tuple[str, str]]:
    """The rows of an incident block for the folder's symlinks to where a site must not
    reach (escaped): apart from the files."""
    from spamtrace.suspects import link_lines

    return [("link:", text) for text in link_lines(links or ())]
