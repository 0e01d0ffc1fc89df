"""The responses subscriber: the engine's attempts and scans in, blocks and quarantines out.

Plugged into the engine by ``watch`` (and the daemon) as the first subscriber, so that a
block is decided before anything is printed. :meth:`ResponsesSubscriber.handle` only decides
(pure, microseconds) and queues; the :class:`~spamtrace.actions.respond.Responder`'s workers
carry the decisions out. Every record is stored (``actions`` table), and posted back on the
bus as :class:`~spamtrace.service.bus.ActionRecorded` plus an
:class:`~spamtrace.service.bus.IncidentUpdated` (reason ``action``), so that the terminal
view, alerts and the event stream see it. At :class:`~spamtrace.service.bus.EngineStopping`
the queued work is finished (bounded) and its records published before the engine closes.

Blocking does not wait for the scan: the first attempt that reaches the block trigger is
enough; the scan's verdict adds quarantine (and stop, suspend) when it arrives.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from spamtrace.actions.respond import Responder
from spamtrace.model import SmtpConnectBlocked
from spamtrace.policy.responses import BlockUid, Decision
from spamtrace.service.bus import (
    ActionRecord,
    ActionRecorded,
    AttemptRecorded,
    AttemptsRecorded,
    BlocksReconciled,
    ConfigReloaded,
    EngineStarted,
    EngineStopping,
    FirewallChecked,
    IncidentOpened,
    IncidentUpdated,
    MailQueued,
    Message,
    ScanCompleted,
    UpdateReason,
)
from spamtrace.sinks.records import incident_of_record

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.service.engine import Engine
    from spamtrace.sinks.store import ActionRecord as StoredAction
    from spamtrace.sinks.store import IncidentRecord

#: how long the end of a run waits for queued quarantines / suspensions (seconds)
FINISH_TIMEOUT = 30.0
MAX_INCIDENTS = 10_000
#: incidents of the mail logs (their own responses: freeze the queue, lock the mailbox)
MAIL_VERDICT_NAMES = frozenset({"mail-script", "mail-auth"})
#: the GIL switch interval in enforce mode (seconds; Python's default is 0.005)
SWITCH_INTERVAL = 0.0005
#: the nice value of the engine's loop thread in enforce mode (threads started before keep 0)
LOOP_NICE = -10


def bus_record(a: StoredAction) -> ActionRecord:
    return ActionRecord(
        action=a.action, status=a.status, at=a.at, detail=a.detail, undo=a.undo, uid=a.uid,
        target=a.target, data=dict(a.data),
    )  # fmt: skip


class ResponsesSubscriber:
    name = "responses"
    takes_batches = True

    def __init__(self, engine: Engine, cfg: Config, responder: Responder | None = None) -> None:
        self.engine = engine
        self.responder = responder or Responder(cfg, engine.mta)
        self.responder.emit = self._emit
        self.responder.released = self._released
        self.responder.graced = self._graced
        self._latest: dict[str, IncidentRecord] = {}
        self._lock = threading.Lock()
        #: what went wrong while preparing (shown by the caller)
        self.notes = self.responder.prepare() + self.responder.scope_notes()
        if self.responder.enforcing:
            # the loop makes dozens of system calls per event, each giving up the GIL; with
            # the scanner's thread busy, getting it back waits a switch interval each time
            # (5 ms by default: a first connect was handled up to a second late). 0.5 ms keeps
            # a block within milliseconds while a scan runs.
            sys.setswitchinterval(SWITCH_INTERVAL)

    def handle(self, message: Message) -> None:
        if isinstance(message, AttemptRecorded):
            inc = incident_of_record(message.incident)
            self._remember(message.incident)
            if inc is not None:
                self._contain(self.responder.on_attempt(message.attempt, inc))
        elif isinstance(message, AttemptsRecorded):  # a batch of the backlog
            inc = incident_of_record(message.incident)
            self._remember(message.incident)
            atts = [a for a in message.attempts if not isinstance(a.event, SmtpConnectBlocked)]
            if inc is not None and atts:
                self._contain(self.responder.on_attempts(atts, inc))
        elif isinstance(message, (IncidentOpened, IncidentUpdated)):
            if message.incident.verdict in MAIL_VERDICT_NAMES:
                self._remember(message.incident)
                self.responder.on_mail(message.incident)
        elif isinstance(message, MailQueued):
            self.responder.on_mail_queued(message.incident, message.queue_ids)
        elif isinstance(message, ScanCompleted):
            with self._lock:
                rec = self._latest.get(message.incident_id)
            inc = incident_of_record(rec) if rec is not None else None
            if inc is not None:
                self.responder.on_scan(inc, message.files)
        elif isinstance(message, EngineStarted) and self.responder.enforcing:
            # on a loaded host the loop waits for a CPU behind the web workers: the loop's
            # thread alone gets a higher priority (the store and scan threads, started
            # before this message, keep theirs)
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOOP_NICE)
            self.restore_blocks()
        elif isinstance(message, FirewallChecked):
            # the daemon's periodic check: a flush of the ruleset emptied the block set too
            self.responder.reassert_blocks()
        elif isinstance(message, ConfigReloaded) and message.ok:
            self.reload(message.config)
        elif isinstance(message, EngineStopping):
            self.responder.close(FINISH_TIMEOUT)
            self.engine.flush_posted()

    def _contain(self, decisions: Sequence[Decision]) -> None:
        for d in decisions:
            if isinstance(d, BlockUid) and self.responder.blocks_in_force(d.uid):
                # refused in the kernel from now: its next attempts can wait
                self.engine.contain(d.uid)

    def reload(self, cfg: Config) -> None:
        """A new config (the daemon's SIGHUP): mode and [responses] apply from the next
        decision; switching to enforce prepares the block set at once."""
        was = self.responder.enforcing
        self.responder.reconfigure(cfg, self.engine.mta)
        if self.responder.enforcing and not was:
            self.notes += self.responder.prepare()
            sys.setswitchinterval(SWITCH_INTERVAL)
            self.restore_blocks()

    def restore_blocks(self) -> None:
        """Take the blocks still in force per the store (made by an earlier run: the daemon
        restarted) as this run's, and put back at once those the set lost (a reboot, or a
        ``nft flush ruleset`` while no daemon ran); the firewall checks keep them after. Then
        take out of the set the uids the store no longer holds a block of, or holds one of
        for another user than the uid's now (:meth:`Responder.reconcile_blocks`), said in
        one :class:`BlocksReconciled` (the journal's one line)."""
        if self.engine.store is None or not self.responder.rules.block:
            return
        from spamtrace.errors import SpamtraceError
        from spamtrace.sinks.store import open_reader

        try:
            with open_reader(self.engine.store.path) as reader:
                stored = reader.blocks_in_force(self.responder.clock())
        except SpamtraceError:
            return  # the store's trouble is reported by the engine
        if self.responder.adopt_blocks(stored):
            self.responder.reassert_blocks()
        dropped = self.responder.reconcile_blocks(stored)
        if dropped:
            import time

            self.engine.post(BlocksReconciled(tuple(dropped), time.time()))

    def _released(self, since: float, graced: bool = False) -> frozenset[int]:
        """The uids `spamtrace release` undid since ``since`` (asked only when a block or
        stop is about to be decided: one indexed read of the store); with ``graced``, those
        whose grace `release --no-grace` did not end."""
        if self.engine.store is None:
            return frozenset()
        from spamtrace.errors import SpamtraceError
        from spamtrace.sinks.store import open_reader

        try:
            with open_reader(self.engine.store.path) as reader:
                return reader.released_uids(since, graced=graced)
        except SpamtraceError:
            return frozenset()

    def _graced(self, since: float) -> frozenset[int]:
        return self._released(since, graced=True)

    def _remember(self, rec: IncidentRecord) -> None:
        with self._lock:
            self._latest[rec.id] = rec
            if len(self._latest) > MAX_INCIDENTS:
                self._latest.pop(next(iter(self._latest)))

    def _emit(self, a: StoredAction) -> None:
        """A record from the responder (any thread): store it, post it on the bus."""
        if self.engine.store is not None:
            self.engine.store.submit_action(a)
        self.engine.post(ActionRecorded(a.incident_id, bus_record(a)))
        with self._lock:
            rec = self._latest.get(a.incident_id)
        if rec is not None:
            self.engine.post(IncidentUpdated(rec, UpdateReason.ACTION, f"{a.action} {a.status}"))

    def close(self) -> None:
        self.responder.close(1.0)
