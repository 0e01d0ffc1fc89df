"""The engine's alert subscriber: bus messages in, alerts out (``watch`` and the daemon).

What becomes an alert (the rest of the bus is ignored):

- :class:`~spamtrace.service.bus.IncidentOpened`: the incident's ``opened`` alert (for a
  ``suspicious`` one the engine publishes it after the scan, so it names the file);
- :class:`~spamtrace.service.bus.IncidentUpdated` with reason ``escalated`` (a scan that
  finished after the opening named a suspect file) or ``first-blocked`` (the firewall started
  rejecting it): one ``updated`` alert each. ``more-attempts`` (10, 100, 1000...) and
  ``scanned`` (nothing found) are not news worth a message;
- :class:`~spamtrace.service.bus.ActionRecorded`: an ``updated`` alert per new action and
  status (``would`` in observe mode, ``done``, ``failed``), with every action so far in the
  incident's ``actions`` (as ``incidents --json`` shows them) and its undo command in the
  alert's commands. (The ``action`` reason of ``IncidentUpdated`` that follows is the same
  news and is not sent again.)

A reload (SIGHUP) whose ``[alerts]`` changed swaps in the new channels (and
``min_verdict``); what was already told is not told again, and the counters start again. With
no channel at start there is no subscriber: adding the first channel takes a restart.

:meth:`AlertSubscriber.handle` runs on the engine's loop and only files the message (dict
operations); rendering the incident, the account's domains, the gate and the dispatch happen
on the subscriber's own thread, and sending on each channel's worker (see
:mod:`.dispatcher`), so a slow relay or a hanging webhook never delays capture.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from spamtrace.service.bus import (
    ActionRecord,
    ActionRecorded,
    AttemptRecorded,
    AttemptsRecorded,
    BlockedRecorded,
    ConfigReloaded,
    IncidentOpened,
    IncidentUpdated,
    Message,
    UpdateReason,
)

if TYPE_CHECKING:
    from spamtrace.sinks.alerts import Alerts
    from spamtrace.sinks.store import IncidentRecord

#: incidents whose latest state and actions are kept (the oldest are forgotten first)
MAX_TRACKED = 10_000
#: messages waiting for the subscriber's thread before new ones are dropped (counted)
QUEUE_SIZE = 10_000

_Job = tuple[str, "IncidentRecord", "str | None", "str | None"]


class _Reload:
    """A job: the config was read again (SIGHUP) and its ``[alerts]`` changed."""

    def __init__(self, cfg: Any) -> None:
        self.cfg = cfg


class AlertSubscriber:
    name = "alerts"
    takes_batches = True

    def __init__(
        self,
        alerts: Alerts,
        domains_of: Callable[[int], tuple[str, ...]] | None = None,
        section: Any = None,
        senders_now: Callable[[Any, Any, Any], dict[int, Any]] | None = None,
    ) -> None:
        self.alerts = alerts
        self.domains_of = domains_of
        #: what holds the pids an incident's advice names, for the alert of an update (sent
        #: later than the advice was written: its sender may have ended, its pid be reused)
        self.senders_now = senders_now
        self._latest: OrderedDict[str, IncidentRecord] = OrderedDict()
        self._actions: dict[str, list[ActionRecord]] = {}
        self._pending_open: set[str] = set()
        self._jobs: queue.Queue[_Job | _Reload | None] = queue.Queue(maxsize=QUEUE_SIZE)
        self._section: Any = section  # the [alerts] section in force (None: unknown)
        self.dropped = 0
        self.errors = 0
        #: when the engine's stop began (:meth:`settling`; monotonic), None before
        self._stop_began: float | None = None
        self._thread = threading.Thread(target=self._run, name="spamtrace-alerts", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ the engine's loop
    def handle(self, message: Message) -> None:
        if isinstance(message, (AttemptRecorded, BlockedRecorded)):
            rec = message.incident
            self._keep(rec)
            if message.incident_opened:
                self._pending_open.add(rec.id)
        elif isinstance(message, AttemptsRecorded):  # a batch of the backlog: none opened
            self._keep(message.incident)
        elif isinstance(message, IncidentOpened):
            self._keep(message.incident)
            self._pending_open.discard(message.incident.id)
            self._put(("opened", message.incident, None, None))
        elif isinstance(message, IncidentUpdated):
            self._updated(message)
        elif isinstance(message, ActionRecorded):
            self._action(message)
        elif isinstance(message, ConfigReloaded) and message.ok:
            section = message.config.alerts
            if section != self._section:
                self._section = section
                self._put(_Reload(message.config))

    def _keep(self, rec: IncidentRecord) -> None:
        self._latest[rec.id] = rec
        self._latest.move_to_end(rec.id)
        if len(self._latest) > MAX_TRACKED:
            gone, _ = self._latest.popitem(last=False)
            self._actions.pop(gone, None)
            self._pending_open.discard(gone)

    def _updated(self, message: IncidentUpdated) -> None:
        rec = message.incident
        self._keep(rec)
        if rec.id in self._pending_open:
            return  # its "opened" message follows (after the scan) and will show this
        if message.reason is UpdateReason.ESCALATED:
            files = rec.suspect_files or ()
            verdict = files[0].get("verdict") if files else "suspect"
            reason = message.detail or f"the scan found a {verdict} file"
            self._put(("updated", rec, f"scan:{verdict}", reason))
        elif message.reason is UpdateReason.FIRST_BLOCKED:
            reason = "the firewall is now blocking its connections"
            self._put(("updated", rec, "blocked", reason))

    def _action(self, message: ActionRecorded) -> None:
        a = message.action
        self._actions.setdefault(message.incident_id, []).append(a)
        rec = self._latest.get(message.incident_id)
        if rec is None or rec.id in self._pending_open:
            # not seen in this run: nothing to describe it with; or its "opened" message
            # follows (after the scan) and will list this action
            return
        what = f"{a.action} {a.status}" + (f": {a.detail}" if a.detail else "")
        self._put(("updated", rec, f"action:{a.action}:{a.status}", what))

    def _put(self, job: _Job | _Reload) -> None:
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            self.dropped += 1

    # ------------------------------------------------------------------ the subscriber's thread
    def _run(self) -> None:
        from spamtrace.render.incidents import incident_json

        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if isinstance(job, _Reload):
                    self._reload(job.cfg)
                    continue
                self._alert(job, incident_json)
            finally:
                self._jobs.task_done()

    def _alert(self, job: _Job, incident_json: Callable[..., dict[str, Any]]) -> None:
        """Render one job's incident and hand the alert to the channels (their queues)."""
        event, rec, key, reason = job
        try:
            actions: Any = list(self._actions.get(rec.id, ()))  # bus records: same fields
            now = None
            if event == "updated" and self.senders_now is not None:
                now = self.senders_now(rec.advice, rec.process, actions)
            doc = incident_json(rec, actions, now)
            domains: tuple[str, ...] = ()
            if self.domains_of is not None and rec.uid is not None:
                domains = self.domains_of(rec.uid)
            self.alerts.notify(event, doc, key=key, reason=reason, domains=domains)
        except Exception:  # a bug here must not end alerting for the rest of the run
            self.errors += 1

    def _reload(self, cfg: Any) -> None:
        """New channels from a reloaded config; what was already told is not told again.
        The old channels finish (bounded) on a thread of their own."""
        from spamtrace.sinks.alerts import Alerts
        from spamtrace.sinks.alerts.settings import parse

        try:
            fresh = Alerts(parse(cfg.alerts), cfg.mode)
        except Exception:  # the config was checked when it was loaded: a bug, counted
            self.errors += 1
            return
        old = self.alerts
        fresh.gate.adopt(old.gate)
        fresh.raised = old.raised
        self.alerts = fresh
        threading.Thread(target=old.close, name="spamtrace-alerts-old", daemon=True).start()

    def stats(self) -> dict[str, Any]:
        """The alerts' counters (for the summary, ``status`` and metrics)."""
        return {**self.alerts.stats(), "not_queued": self.dropped, "errors": self.errors}

    def failures(self) -> dict[str, int]:
        """Channel -> failed deliveries since start (``Metrics.alert_failures_from``)."""
        return {w.channel.name: w.stats()["failed"] for w in self.alerts.dispatcher.workers}

    def settling(self, stop_began: float) -> bool:
        """At a stop (``stop_began``, monotonic): whether alerts are still being made or sent,
        within ``[alerts] stop_grace`` of it. The engine goes on capturing meanwhile, so
        that a connect made during the grace is recorded (it stopped reading at the signal,
        and the grace came after); :meth:`close` then gives the channels what is left of it."""
        if self._stop_began is None:
            self._stop_began = stop_began
        if time.monotonic() - self._stop_began >= self.alerts.dispatcher.grace:
            return False
        return self._jobs.unfinished_tasks > 0 or self.alerts.dispatcher.busy()

    def close(self, grace: float | None = None) -> None:
        """Finish the queued messages, then give the channels ``grace`` seconds (default
        ``[alerts] stop_grace``, less what the engine waited of it while it went on
        capturing: :meth:`settling`) to deliver them; what is left is dropped, counted,
        logged."""
        with contextlib.suppress(queue.Full):
            self._jobs.put(None, timeout=1.0)
        self._thread.join(5.0)
        if grace is None and self._stop_began is not None:
            full = self.alerts.dispatcher.grace
            waited = time.monotonic() - self._stop_began
            # a digest of what the rate limit held back is sent only now: a second for it
            grace = max(full - waited, min(full, 1.0))
        self.alerts.close(grace)


def subscriber_for(cfg: Any, *, accounts: Any = None) -> AlertSubscriber | None:
    """The alert subscriber of a config, or None when no alert channel is configured.

    ``accounts``: an :class:`~spamtrace.attribution.accounts.AccountResolver` for the account
    domains (one is made from ``cfg.accounts`` when not given).
    """
    from spamtrace.sinks.alerts import Alerts

    alerts = Alerts.from_config(cfg)
    if alerts is None:
        return None
    if accounts is None:
        from spamtrace.attribution.accounts import AccountResolver

        accounts = AccountResolver(cfg.accounts)

    def domains_of(uid: int) -> tuple[str, ...]:
        account = accounts.for_uid(uid)
        return tuple(account.domains) if account is not None else ()

    from spamtrace.attribution.process import senders_now

    return AlertSubscriber(alerts, domains_of, cfg.alerts, senders_now)
