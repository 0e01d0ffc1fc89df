"""Carry out the response decisions of :mod:`spamtrace.policy.responses` (the impure side).

:class:`Responder` is fed by the watcher (or the daemon): every attributed attempt with its
incident (:meth:`Responder.on_attempt`) and every finished scan (:meth:`Responder.on_scan`).
It asks the policy what to do and:

- in ``observe`` mode records each decision as ``would`` and does nothing;
- in ``enforce`` mode blocks the uid and stops the process at once, on the caller's thread
  (the block is one ``nft -f`` of a few milliseconds, so the next connect is already
  rejected), and quarantines / suspends on a worker thread (file copies and panel commands
  may take seconds; the event reader never waits for them). Each is recorded as ``done`` or
  ``failed`` with the reason.

Each decision is taken once per incident (its key is remembered). The records
(:class:`~spamtrace.sinks.store.ActionRecord`) are returned to the caller, which stores,
prints and publishes them; the worker's arrive through :meth:`results` (:meth:`fileno`
becomes readable when there are some).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from spamtrace.errors import SpamtraceError
from spamtrace.model import AttributedAttempt, AttributionMethod
from spamtrace.policy.responses import (
    ActionStatus,
    BlockUid,
    ConnectWindows,
    Decision,
    Mode,
    QuarantineFile,
    ResponseRules,
    ScannedFile,
    Sender,
    Situation,
    StopProcess,
    SuspendAccount,
    decide,
    describe,
    undo_command,
)
from spamtrace.sinks.store import ActionRecord

if TYPE_CHECKING:
    from spamtrace.actions.process import ProcessSignaller
    from spamtrace.actions.quarantine import Quarantine
    from spamtrace.actions.uidblock import UidBlocker
    from spamtrace.attribution.mta import MtaIdentity
    from spamtrace.config import Config
    from spamtrace.policy.incidents import Incident

_LIVE = (AttributionMethod.LIVE, AttributionMethod.TRACEPOINT)
MAX_INCIDENTS = 10_000


def sender_of(att: AttributedAttempt) -> Sender | None:
    """The process of an attempt, when it was read live (an exec-cache entry may be gone)."""
    p = att.process
    if p is None or p.method not in _LIVE:
        return None
    return Sender(p.pid, p.start_time, p.uid, p.euid, p.name, p.exe, p.cmdline)


class Responder:
    def __init__(
        self,
        cfg: Config,
        mta: MtaIdentity,
        *,
        blocker: UidBlocker | None = None,
        signaller: ProcessSignaller | None = None,
        quarantine: Quarantine | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rules = ResponseRules.from_config(
            cfg, mta_uids=mta.uids, mta_users=mta.users, mta_exes=mta.exes
        )
        self.cfg = cfg
        self.clock = clock
        self._blocker = blocker
        self._signaller = signaller
        self._quarantine = quarantine
        self.windows = ConnectWindows(MAX_INCIDENTS)
        self._done: dict[str, set[str]] = {}
        self._scans: dict[str, tuple[ScannedFile, ...]] = {}
        self._senders: dict[str, Sender] = {}
        self.counts: dict[str, int] = {}
        self._jobs: queue.Queue[Decision | None] = queue.Queue()
        self._results: queue.SimpleQueue[ActionRecord] = queue.SimpleQueue()
        self._r, self._w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._thread: threading.Thread | None = None
        #: called with every record as it is made (any thread)
        self.on_record: Callable[[ActionRecord], None] | None = None

    @property
    def enforcing(self) -> bool:
        return self.rules.mode is Mode.ENFORCE

    # ------------------------------------------------------------------ adapters (lazy)
    def blocker(self) -> UidBlocker:
        if self._blocker is None:
            from spamtrace.actions.uidblock import UidBlocker

            self._blocker = UidBlocker(
                self.cfg.smtp.ports, self.cfg.firewall.nflog_group,
                protected_uids=self.rules.protected_uids,
            )  # fmt: skip
        return self._blocker

    def signaller(self) -> ProcessSignaller:
        if self._signaller is None:
            from spamtrace.actions.process import ProcessSignaller

            self._signaller = ProcessSignaller(self.rules)
        return self._signaller

    def quarantine(self) -> Quarantine:
        if self._quarantine is None:
            from spamtrace.actions.quarantine import Quarantine

            self._quarantine = Quarantine(self.cfg.responses.quarantine_dir)
        return self._quarantine

    # ------------------------------------------------------------------ feeding
    def on_attempt(self, att: AttributedAttempt, inc: Incident) -> list[ActionRecord]:
        """An attempt joined ``inc``: the decisions now (block and stop are done already)."""
        self.windows.note(inc.id, att.event.wall)
        sender = sender_of(att)
        if sender is not None:
            self._remember(self._senders, inc.id, sender)
        return self._decide(inc, att.event.wall)

    def on_scan(self, inc: Incident, files: Sequence[dict[str, Any]] | None) -> list[ActionRecord]:
        """The incident's scan finished: quarantine (and block / stop) on a malicious file."""
        if files is None:
            return []
        self._remember(self._scans, inc.id, tuple(ScannedFile.from_json(f) for f in files))
        return self._decide(inc, inc.last_seen)

    @staticmethod
    def _remember(table: dict[str, Any], key: str, value: Any) -> None:
        table[key] = value
        if len(table) > MAX_INCIDENTS:
            table.pop(next(iter(table)))

    def _decide(self, inc: Incident, now: float) -> list[ActionRecord]:
        windows = {self.rules.block_window, self.rules.stop_window}
        done = self._done.get(inc.id, set())
        situation = Situation(
            incident=inc,
            recent_connects=self.windows.counts(inc.id, windows, now),
            sender=self._senders.get(inc.id),
            scan=self._scans.get(inc.id),
            done=frozenset(done),
        )
        decisions = decide(situation, self.rules)
        if not decisions:
            return []
        if inc.id not in self._done:
            self._remember(self._done, inc.id, done)
        out: list[ActionRecord] = []
        for d in decisions:
            done.add(d.key)
            if not self.enforcing:
                out.append(self._record(d, ActionStatus.WOULD, describe(d), None))
            elif isinstance(d, (BlockUid, StopProcess)):
                out.append(self.execute(d))
            else:
                self._start_worker()
                self._jobs.put(d)
        return out

    # ------------------------------------------------------------------ doing
    def _record(
        self, d: Decision, status: ActionStatus, detail: str, undo: str | None,
        data: dict[str, Any] | None = None,
    ) -> ActionRecord:  # fmt: skip
        target: str
        if isinstance(d, BlockUid):
            target = str(d.uid)
        elif isinstance(d, StopProcess):
            target = f"{d.pid}:{d.start_time:.2f}"
        elif isinstance(d, QuarantineFile):
            target = d.path
        else:
            target = d.account
        rec = ActionRecord(
            incident_id=d.incident, action=d.kind.value, status=status.value, at=self.clock(),
            detail=detail, undo=undo, uid=d.uid, target=target, data=data or {},
        )  # fmt: skip
        key = f"{rec.action}:{rec.status}"
        self.counts[key] = self.counts.get(key, 0) + 1
        if self.on_record is not None:
            self.on_record(rec)
        return rec

    def execute(self, d: Decision) -> ActionRecord:
        """Carry out one decision now (enforce mode); failures are records, not exceptions."""
        try:
            if isinstance(d, BlockUid):
                self.blocker().block(d.uid, d.timeout)
                return self._record(d, ActionStatus.DONE, describe(d), undo_command(d),
                                    {"timeout": d.timeout, "reason": d.reason})  # fmt: skip
            if isinstance(d, StopProcess):
                res = self.signaller().signal_tree(d.pid, d.start_time, d.uid, d.signal)
                if not res.ok:
                    return self._record(d, ActionStatus.FAILED, res.detail, None)
                return self._record(
                    d, ActionStatus.DONE, f"{res.detail}: {d.reason}", undo_command(d),
                    {"signal": d.signal, "signalled": [list(p) for p in res.signalled]},
                )  # fmt: skip
            if isinstance(d, QuarantineFile):
                item = self.quarantine().add(d.path, incident=d.incident, rules=d.rules)
                detail = f"moved {d.path} to quarantine as {item.id} (sha256 {item.sha256[:16]}…)"
                if item.notes:
                    detail += "; " + "; ".join(item.notes)
                return self._record(d, ActionStatus.DONE, detail,
                                    f"spamtrace quarantine restore {item.id}",
                                    {"quarantine_id": item.id, "sha256": item.sha256})  # fmt: skip
            return self._suspend(d)
        except SpamtraceError as exc:
            return self._record(d, ActionStatus.FAILED, exc.message, None)
        except OSError as exc:
            return self._record(d, ActionStatus.FAILED, f"{type(exc).__name__}: {exc}", None)

    def _suspend(self, d: SuspendAccount) -> ActionRecord:
        from spamtrace.actions.suspend import run_suspend

        res = run_suspend(d.command, d.timeout)
        data = {"argv": list(d.command), "exit_status": res.exit_status,
                "output": res.output, "seconds": round(res.seconds, 3)}  # fmt: skip
        status = ActionStatus.DONE if res.ok else ActionStatus.FAILED
        return self._record(d, status, f"{describe(d)}: {res.detail}",
                            undo_command(d) if res.ok else None, data)  # fmt: skip

    # ------------------------------------------------------------------ the worker
    def _start_worker(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="spamtrace-respond", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            d = self._jobs.get()
            if d is None:
                return
            try:
                rec = self.execute(d)
            except BaseException as exc:  # never let the thread die silently
                rec = self._record(d, ActionStatus.FAILED, f"{type(exc).__name__}: {exc}", None)
            self._results.put(rec)
            with contextlib.suppress(OSError):
                os.write(self._w, b"x")

    def fileno(self) -> int:
        return self._r

    def results(self) -> list[ActionRecord]:
        with contextlib.suppress(OSError):
            while os.read(self._r, 4096):
                pass
        out: list[ActionRecord] = []
        while True:
            try:
                out.append(self._results.get_nowait())
            except queue.Empty:
                return out

    def close(self, timeout: float = 30.0) -> list[ActionRecord]:
        """Finish queued work (bounded) and return its last records."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(None)
            thread.join(timeout)
        out = self.results()
        if thread is None or not thread.is_alive():
            for fd in (self._r, self._w):
                with contextlib.suppress(OSError):
                    os.close(fd)
        return out
