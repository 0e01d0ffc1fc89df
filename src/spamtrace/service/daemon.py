"""``spamtrace daemon``: the capture engine as a long-running service.

The daemon runs the same engine as ``watch`` (:mod:`spamtrace.service.engine`) with the
subscribers of :mod:`spamtrace.service.plugins` (responses, alerts, metrics, events...) plus
its own two: :class:`StatusBoard` (what ``status`` answers) and :class:`JournalLog` (one line
per thing an admin should know, on stderr: the journal under systemd). Besides:

- one instance per store (:mod:`spamtrace.service.instance`), and one per control socket;
- the control socket (:mod:`spamtrace.service.control`) for ``spamtrace status``;
- the periodic firewall check (:mod:`spamtrace.service.firewall_check`);
- ``SIGHUP``: the config is read again; a bad one is reported (journal, ``status``) and the
  old one stays in force. ``SIGTERM``/``SIGINT``: a clean stop (the tracefs instance and the
  socket file are removed, the store is flushed);
- ``sd_notify`` (``READY=1`` once the sources are open, ``STOPPING=1``) when systemd asks
  for it (``Type=notify``).

Its exit status is 0 after a clean stop whatever it saw (an alerting incident is not a
failure of the service: systemd would restart it), 2 on a usage/config error, 3 when it
cannot run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from spamtrace.errors import ConfigError, ExitCode
from spamtrace.render.incidents import action_detail, iso, mail_facts, who_of
from spamtrace.render.output import ERR, INFO, NOTICE, WARNING, to_journal
from spamtrace.safetext import escape, escape_message, quoted
from spamtrace.service import plugins
from spamtrace.service.bus import (
    ActionRecorded,
    AttemptRecorded,
    BlockedRecorded,
    BlocksReconciled,
    CaptureGap,
    CaptureMode,
    CaptureModeChanged,
    ConfigReloaded,
    EngineStarted,
    EngineStopping,
    EventOutputFailing,
    EventsLost,
    FirewallChecked,
    FirewallState,
    IncidentOpened,
    IncidentUpdated,
    Message,
    StoreStalled,
    UpdateReason,
)
from spamtrace.service.engine import STOP_DRAIN_SECONDS, Engine, EngineOptions

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.sinks.store import IncidentRecord

STATUS_SCHEMA = "spamtrace.status/1"
#: incidents the journal remembers (opened, or with a line waiting for their opening)
MAX_REMEMBERED = 10_000


def sd_notify(state: str) -> None:
    """Tell systemd (``Type=notify``) about our state; nothing when not asked."""
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return
    if path.startswith("@"):
        path = "\0" + path[1:]
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(state.encode(), path)


def firewall_refusal_note(cfg: Config) -> str | None:
    """The note of a config whose firewall part `firewall apply` would refuse (a user this
    host lacks in an exception, relay mode without relays): the daemon takes it at start and
    at a reload (capture, verdicts and responses need no firewall), but says so, as `config
    check` refuses it."""
    from spamtrace.actions.firewall.host import config_problem

    problem = config_problem(cfg)
    if problem is None:
        return None
    return f"`spamtrace firewall apply` would refuse this config: {problem.message}"


class StatusBoard:
    """Keeps what ``status`` shows that the engine does not count itself."""

    name = "status-board"
    takes_batches = True  # a batch of the backlog opens no incident: not its business

    def __init__(self) -> None:
        self.firewall: FirewallChecked | None = None
        self.reload: ConfigReloaded | None = None

    def handle(self, message: Message) -> None:
        if isinstance(message, FirewallChecked):
            self.firewall = message
        elif isinstance(message, ConfigReloaded):
            self.reload = message

    def close(self) -> None:
        pass


def _mail_open(sources: Sequence[object]) -> int:
    """The incidents the mail-log source has open (it keeps them in its own policy)."""
    from spamtrace.sources.maillog.follow import MailLogSource

    return sum(s.open_count() for s in sources if isinstance(s, MailLogSource))


def _mail_logs(sources: Sequence[object]) -> list[dict[str, Any]] | None:
    """``status``'s ``mail_logs``: path, kind, waiting, lines, events, malformed and
    over-long lines of each followed mail log."""
    for src in sources:
        if getattr(src, "name", None) == "mail-logs" and callable(getattr(src, "stats", None)):
            logs = src.stats().get("logs") or []  # type: ignore[attr-defined]
            keep = ("path", "kind", "waiting", "lines", "events", "malformed", "long_lines")
            return [{k: log.get(k) for k in keep} for log in logs]
    return None


class JournalLog:
    """One line on stderr (the journal) per thing an admin should know; escaped."""

    name = "journal-log"
    takes_batches = True  # a batch of the backlog opens no incident: not its business

    def __init__(self, out: Any = None) -> None:
        self.out = out
        #: under systemd each line starts with its priority (``<4>``: warning), which the
        #: journal takes: `journalctl -p warning` lists the incidents, drift, losses, gaps
        self.priorities = to_journal(out or sys.stderr)
        self._firewall: tuple[FirewallState, str | None] | None = None
        #: incidents opened whose opening is not published yet (it waits for their scan):
        #: lines about them wait for it; any other incident's (one taken up from before this
        #: start too) go out at once
        self._pending: dict[str, None] = {}
        #: lines (and their priority) about an incident not opened yet (its scan ends, and
        #: enforce mode acts, before its opening is published): said after the opening line
        self._early: dict[str, list[tuple[str, int]]] = {}

    def say(self, text: str, priority: int = INFO) -> None:
        prefix = f"<{priority}>" if self.priorities else ""
        print(f"{prefix}spamtrace: {text}", file=self.out or sys.stderr, flush=True)

    def handle(self, message: Message) -> None:
        if isinstance(message, EngineStarted):
            self.say(
                f"daemon started (pid {message.pid}): capture {message.capture_mode.value}; "
                f"sources {', '.join(message.sources)}; store {escape(message.store) or 'off'}"
            )
            for text in message.degraded:
                self.say(f"DEGRADED: {escape_message(text)}", WARNING)
            for text in message.notes:
                self.say(f"note: {escape_message(text)}")
        elif isinstance(message, (AttemptRecorded, BlockedRecorded)):
            if message.incident_opened:
                self._pending[message.incident.id] = None
                while len(self._pending) > MAX_REMEMBERED:
                    self._say_early(next(iter(self._pending)))
        elif isinstance(message, IncidentOpened):
            if message.alerting:
                self._opened_line(message.incident)
            self._say_early(message.incident.id)
        elif isinstance(message, IncidentUpdated) and message.reason is UpdateReason.ESCALATED:
            line = f"incident {message.incident.id}: {escape(message.detail)}"
            self._about(message.incident.id, line, WARNING)
        elif isinstance(message, ActionRecorded) and message.action.data.get("again"):
            # a block the ruleset's flush had lost, put back (Responder.reassert_blocks)
            a = message.action
            self.say(
                f"incident {message.incident_id}: {a.action} {a.status}: {action_detail(a)}",
                NOTICE if a.status == "done" else WARNING,
            )
        elif isinstance(message, ActionRecorded) and message.action.status != "would":
            # what enforce mode did to the host (a block, a stop, a quarantine...) or failed
            # to do: the journal said none of it (only `incident ID` and alerts did)
            a = message.action
            done = a.status == "done"
            undo = f" (undo: {escape(a.undo)})" if done and a.undo else ""
            line = f"incident {message.incident_id}: {a.action} {a.status}: {action_detail(a)}"
            # a sender gone before its stop needs no look (its uid is blocked all the same)
            calm = done or bool(a.data.get("exited"))
            self._about(message.incident_id, line + undo, NOTICE if calm else WARNING)
        elif isinstance(message, CaptureModeChanged):
            degraded = message.mode is not CaptureMode.TRACEPOINT
            self.say(
                f"capture {message.mode.value}: {escape_message(message.reason)}",
                WARNING if degraded else NOTICE,
            )
        elif isinstance(message, BlocksReconciled):
            self.say(escape_message(message.summary), NOTICE)
        elif isinstance(message, StoreStalled):
            # a full disk or a lock held elsewhere: nothing is stored meanwhile (kept queued)
            stalled = "STALLED" if message.stalled else "ok"
            self.say(
                f"store {stalled}: {escape_message(message.reason)}",
                WARNING if message.stalled else NOTICE,
            )
        elif isinstance(message, EventOutputFailing):
            self.say(escape_message(message.reason), WARNING if message.failing else NOTICE)
        elif isinstance(message, CaptureGap):
            self.say(
                f"CAPTURE GAP: nothing was watched {message.said()} before this "
                f"start (pid {message.previous_pid} did not stop cleanly)",
                WARNING,
            )
        elif isinstance(message, EventsLost):
            if message.source == "stop":
                self.say(
                    f"{message.count} attempt(s) read and not handled: the stop handles what "
                    f"was read for {STOP_DRAIN_SECONDS:g} s at most (a flood's backlog), then "
                    "stops; they are not counted in their incidents nor stored",
                    WARNING,
                )
            else:
                least = "at least " if message.at_least else ""
                self.say(
                    f"{message.count} event(s) lost by {message.source} "
                    f"({least}{message.total} since start)",
                    WARNING,
                )
        elif isinstance(message, FirewallChecked):
            self._firewall_line(message)
        elif isinstance(message, EngineStopping):
            doc = message.summary
            during = doc.get("read_while_stopping") or 0
            self.say(
                f"daemon stopping: {doc.get('events')} event(s), "
                f"{doc.get('incidents_opened')} incident(s) opened since start"
                + (f"; {during} connect(s) read while it stopped" if during else "")
            )
        elif isinstance(message, ConfigReloaded):
            if message.ok:
                self.say("config reloaded")
                for note in message.notes:
                    self.say(f"note: {escape_message(note)}")
            else:
                self.say(
                    f"config NOT reloaded: {escape_message(message.error or '')}; the previous "
                    "config stays",
                    WARNING,
                )

    def _opened_line(self, inc: IncidentRecord) -> None:
        origin = escape(inc.scripts[0] if inc.scripts else inc.cwd)
        if not origin:  # an SMTP AUTH sender (mail-auth) has none: it logged in from...
            ips = (mail_facts(inc.process) or {}).get("client_ips") or ()
            origin = f"SMTP AUTH from {len(ips)} address(es)" if ips else "?"
            if not ips and inc.verdict == "mail-script":  # it was "uid 1002 (shop), ? -> ..."
                origin = "mail handed to the MTA (sendmail, mail()), script not known"
        what = [escape(inc.exe), origin]
        to = ", ".join(escape(d) for d in inc.destinations[:3])
        self.say(
            f"{inc.verdict.upper()} incident {inc.id} opened: {who_of(inc)}, "
            f"{' '.join(w for w in what if w)} -> {to} (spamtrace incident {inc.id})",
            WARNING,
        )

    def _about(self, ident: str, line: str, priority: int) -> None:
        """A line about incident ``ident``: said after its opening line when that waits for
        the incident's scan, else now."""
        if ident in self._pending:
            self._early.setdefault(ident, []).append((line, priority))
        else:
            self.say(line, priority)

    def _say_early(self, ident: str) -> None:
        """The incident's opening was said (or given up on): the lines that waited for it."""
        self._pending.pop(ident, None)
        for line, priority in self._early.pop(ident, ()):
            self.say(line, priority)

    def _firewall_line(self, m: FirewallChecked) -> None:
        key = (m.state, m.error)
        if key == self._firewall and not m.repaired:
            return  # only changes are logged
        self._firewall = key
        if m.repaired and m.state is FirewallState.LOADED and not m.error:
            # one line: what was found (the drift before the repair), and that it is mended
            found = escape("; ".join(m.drift[:5]) or m.note or "") or "drifted"
            self.say(f"firewall REPAIRED ({m.backend}): {found}; the confirmed policy was "
                     "loaded again", NOTICE)  # fmt: skip
            return
        if m.error:
            self.say(f"firewall check failed: {escape_message(m.error)}", WARNING)
        elif m.state is FirewallState.DRIFTED:
            note = f" ({escape(m.note)})" if m.note else ""
            self.say(
                f"firewall DRIFTED ({m.backend}): {escape('; '.join(m.drift[:5]))}{note}", WARNING
            )
        elif m.state is FirewallState.ABSENT:
            note = f"; {escape(m.note)}" if m.note else ""
            # a confirmed table gone (flushed by hand, a reboot without the boot unit) is
            # worse than drift; one never set up is no news
            from spamtrace.service.firewall_check import NEVER_SET_UP

            gone = WARNING if m.note != NEVER_SET_UP else NOTICE
            if m.note and m.note != NEVER_SET_UP:  # it says what is missing: not twice
                note = f": {escape(m.note)}"
            else:
                note = f": our table is not loaded{note}"
            self.say(f"firewall ABSENT ({m.backend}){note}", gone)
        elif m.note:  # loaded, but nothing confirmed: the boot unit would not load it again
            self.say(f"firewall {m.state.value} ({m.backend}): {escape(m.note)}", WARNING)
        else:
            self.say(f"firewall {m.state.value} ({m.backend})")
        if m.repaired:  # the state said is the one after the repair: it did not take
            self.say("firewall repair FAILED: the confirmed policy was loaded again, and the "
                     "check after it still finds the state above", ERR)  # fmt: skip

    def close(self) -> None:
        pass


def _state_dir_note(state_dir: str) -> str | None:
    """A ``--firewall-state-dir`` given that does not exist: the drift check reads it as a host
    where no firewall was ever confirmed ("never set up here"), which a typo made it look
    like. The folder may still come (``firewall apply --state-dir`` makes it), so it is said,
    not refused; the built-in default missing is a new host."""
    from spamtrace.actions.firewall.transaction import DEFAULT_STATE_DIR

    if state_dir == DEFAULT_STATE_DIR or os.path.isdir(state_dir):
        return None
    return (
        f"firewall state folder {quoted(state_dir)} (--firewall-state-dir) does not exist: "
        "no firewall was confirmed there, so the firewall check has nothing to compare with "
        "until `spamtrace firewall apply --state-dir` and `confirm` make it (a typo?)"
    )


class Daemon:
    def __init__(
        self,
        cfg: Config,
        options: EngineOptions,
        *,
        config_file: str | None,
        socket_path: str,
        firewall_state_dir: str,
        respond: bool = True,
        alerts: bool = True,
    ) -> None:
        from spamtrace.config import DEFAULT_CONFIG_FILE
        from spamtrace.service.firewall_check import FirewallMonitor

        # resolved once, at start: `status` shows it absolute (a relative --config named a
        # file of the starting shell's folder) and a reload reads that same file
        self.config_file = os.path.abspath(config_file) if config_file else None
        env_file = os.environ.get("SPAMTRACE_CONFIG")
        self.config_shown = (
            self.config_file
            or (os.path.abspath(env_file) if env_file else None)
            or DEFAULT_CONFIG_FILE
        )
        self.socket_path = socket_path
        self.board = StatusBoard()
        self.engine = Engine(cfg, options, subscribers=[self.board, JournalLog()])
        # a named mail log not there yet is said at start (followed once it appears)
        self.engine.extra_sources.extend(plugins.sources(cfg, self.engine.notes))
        if (note := firewall_refusal_note(cfg)) is not None:  # said at start as at a reload
            self.engine.notes.append(note)
        if (note := _state_dir_note(firewall_state_dir)) is not None:
            self.engine.notes.append(note)
        self._plugins = {"respond": respond, "alerts": alerts}
        self.loaded_at = time.time()
        #: the config the daemon started with: what runs of the parts a reload does not change
        self._started = cfg
        #: what the loaded config changed of those (``[events]``...): applied at a restart
        self.takes_restart: tuple[str, ...] = ()
        self.monitor = FirewallMonitor(
            firewall_state_dir, repair=cfg.daemon.firewall_repair, post=self.engine.post
        )
        self.control: Any = None

    # ------------------------------------------------------------------ running
    def run(self) -> int:
        from spamtrace.service.control import ControlServer, prepare_folder

        prepare_folder(self.socket_path)  # a missing folder is said before anything starts
        engine = self.engine
        old: dict[signal.Signals, Any] = {}
        for sig in (signal.SIGTERM, signal.SIGINT):
            old[sig] = signal.signal(sig, engine.request_stop)
        old[signal.SIGHUP] = signal.signal(signal.SIGHUP, lambda *_: engine.call_soon(self.reload))
        try:
            engine.open()  # the instance lock first: a second daemon is refused as such
            engine.subscribers[:0] = plugins.subscribers(
                engine.cfg, engine, strict=True, **self._plugins
            )
            self.control = ControlServer(self.socket_path, self.answer)
            engine.watch_fd(self.control.fileno(), self.control.serve)
            engine.periodic.append((engine.cfg.daemon.firewall_check_interval, self.monitor.start))
            engine.stop_waits.append(self.monitor.busy)  # read on while a check ends
            sd_notify("READY=1")
            engine.run(None)
        finally:
            sd_notify("STOPPING=1")
            if self.control is not None:
                self.control.close()
            self.monitor.join(5.0)
            engine._publish_posted()
            engine.close()
            for sig, handler in old.items():
                signal.signal(sig, handler)
        return self._store_at_exit()

    def _store_at_exit(self) -> int:
        """Say what the store could not write by the end (a disk still full at the stop):
        records lost are never silent. Exit 3 when writing failed, as ``watch`` does."""
        store = self.engine.store_health()
        if not store or not (store.get("lost") or store.get("error")):
            return ExitCode.CLEAN
        why = f": {escape(str(store['error']))}" if store.get("error") else " (queue full)"
        JournalLog().say(f"ERROR store: {store.get('lost')} record(s) not stored{why}", ERR)
        return ExitCode.FAILURE if store.get("error") else ExitCode.CLEAN

    def reload(self) -> None:
        """SIGHUP (on the loop): read the config again; keep the old one when it is bad."""
        from spamtrace import config

        now = time.time()
        try:
            cfg = config.load(config_file=self.config_file)
        except ConfigError as exc:
            self.engine.publish(ConfigReloaded(False, exc.message, self.engine.cfg, (), now))
            return
        notes = self.engine.reload(cfg)
        self.monitor.repair = cfg.daemon.firewall_repair
        self.engine.periodic = [
            (cfg.daemon.firewall_check_interval, job) if job == self.monitor.start else (e, job)
            for e, job in self.engine.periodic
        ]
        # against what runs, not the last reload's config: a second reload was silent, and
        # `status` said nothing of a change waiting for the restart (but the metrics address)
        started = self._started
        self.takes_restart = tuple(
            what for what, changed in (
                ("daemon.socket", cfg.daemon.socket != started.daemon.socket),
                ("[metrics]", cfg.metrics != started.metrics),
                ("[events]", cfg.events != started.events),
            ) if changed
        )  # fmt: skip
        notes += [f"{w} changed: takes effect at the next restart" for w in self.takes_restart]
        if self._plugins["alerts"] and plugins.alert_subscriber(self.engine) is None:
            # a running subscriber swaps its channels; with none at start there is none to
            # swap, and "config reloaded" alone read as if the new channels were sending
            from spamtrace.sinks.alerts.settings import parse

            if parse(cfg.alerts).channels:
                notes.append(
                    "[alerts] has channels now, but the daemon started with none: they "
                    "take effect at the next restart"
                )
        if (note := firewall_refusal_note(cfg)) is not None:
            notes.append(note)
        self.loaded_at = now
        self.engine.publish(ConfigReloaded(True, None, cfg, tuple(notes), now))

    # ------------------------------------------------------------------ status
    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("command") == "status":
            return self.status()
        return {"error": f"unknown command {str(request.get('command'))[:40]!r}"}

    def _alerts_off(self) -> str:
        """Why no alert channel sends: it said "no [alerts] channel" also when the config had
        one, under --no-alerts or added by a reload (the first takes a restart)."""
        from spamtrace.sinks.alerts.settings import parse

        if not parse(self.engine.cfg.alerts).channels:
            return "no [alerts] channel"
        if not self._plugins["alerts"]:
            return "started with --no-alerts"
        return "the config's channels take effect at the next restart"

    def status(self) -> dict[str, Any]:
        from spamtrace import __version__
        from spamtrace.service.engine import source_name

        e = self.engine
        e._check_lost()
        fw = self.board.firewall
        reload = self.board.reload
        return {
            "schema": STATUS_SCHEMA,
            "running": True,  # without a daemon: render.status.not_running_json
            "version": __version__,
            "pid": os.getpid(),
            "started": iso(e.started),
            "uptime_seconds": round(time.time() - e.started, 1),
            "capture_mode": e.capture_mode.value,
            "sources": [source_name(s) for s in e.sources],
            # the mail logs followed, each "waiting" while it is not there (followed from its
            # first line once it appears); null when no mail log is followed
            "mail_logs": _mail_logs(e.sources),
            "degraded": list(e.degraded),
            "events": e.events,
            "blocked_events": e.blocked_events,
            "incidents_opened": e.incidents_opened,
            "alerting_incidents": e.alerting_opened,
            # the connections' incidents and the mail logs' (mail-script, mail-auth)
            "incidents_open": len(e.tracker.open_incidents()) + _mail_open(e.extra_sources),
            "events_lost": e.events_lost,
            "events_lost_by_source": dict(e.lost),
            # the sources whose count is a lower bound (the kernel said some were lost)
            "events_lost_at_least": sorted(e.lost_at_least),
            # attempts read and not handled yet, and those of contained senders handled after
            # the others' (a refused flood waits; another account's connect does not)
            "backlog": e.backlog_stats(),
            "capture_gap": None
            if e.gap is None
            else {
                "previous_pid": e.gap.previous_pid,
                "from": iso(e.gap.since),
                "to": iso(e.gap.until),
                "seconds": round(e.gap.seconds, 1),
                "clock_set_back": e.gap.clock_set_back,
            },
            "firewall": {
                "state": fw.state.value if fw else FirewallState.UNKNOWN.value,
                "backend": fw.backend if fw else None,
                "drift": list(fw.drift) if fw else [],  # differences only (data)
                "note": fw.note if fw else None,  # why nothing is compared, what to do
                "checked": iso(fw.at) if fw else None,
                "repaired": fw.repaired if fw else False,
                "error": fw.error if fw else "not checked yet",
                "repair": self.monitor.repair,
            },
            "responses": plugins.responses_status(e),
            "metrics": plugins.metrics_status(e.subscribers, e.cfg),
            # alert channels' counters (sent, failed, last error...), null when none is set
            "alerts": alerts.stats() if (alerts := plugins.alert_subscriber(e)) else None,
            # why "alerts" is null: the channels the config has are not sending
            "alerts_off": None if alerts else self._alerts_off(),
            "store": e.store_health(),
            # lines made and not written per output; null without [events]
            "event_stream": stream.status() if (stream := plugins.event_stream(e)) else None,
            "config": {
                "file": self.config_shown,
                "loaded": iso(self.loaded_at),
                "reload_error": None if reload is None or reload.ok else reload.error,
                "takes_restart": list(self.takes_restart),
            },
            "subscribers": {
                getattr(s, "name", type(s).__name__): {
                    "errors": e.subscriber_errors.get(getattr(s, "name", ""), 0)
                }
                for s in e.subscribers
            },
        }
