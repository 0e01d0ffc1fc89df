"""Carry out the response decisions of :mod:`spamtrace.policy.responses` (the impure side).

:class:`Responder` is fed with every attributed attempt and its incident
(:meth:`Responder.on_attempt`) and every finished scan (:meth:`Responder.on_scan`); the
engine's responses subscriber (:mod:`spamtrace.service.responses`) does that. It asks the
policy what to do, on the caller's thread (pure and fast), and:

- in ``observe`` mode records each decision as ``would`` and does nothing;
- in ``enforce`` mode blocks the uid and stops the process at once, on the caller's thread
  (one libnftables transaction, ~0.2 ms; one checked pidfd signal, less): a spam script
  sends a message every millisecond to a near MX, and a hop to another thread costs more
  under a busy GIL. The stopped process's children (a walk of /proc) and the record follow
  on a worker thread; quarantines and suspensions run on another (file copies and panel
  commands may take seconds). Each is recorded as ``done`` or ``failed`` with the reason.

Each decision is taken once per incident (its key is remembered). Every record
(:class:`~spamtrace.sinks.store.ActionRecord`) goes to ``emit``, from whichever thread made
it; the subscriber stores it and posts it on the engine's bus.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from spamtrace.errors import SpamtraceError
from spamtrace.model import AttributedAttempt, AttributionMethod
from spamtrace.policy.responses import (
    ActionKind,
    ActionStatus,
    BlockUid,
    ConnectWindows,
    Decision,
    FreezeQueue,
    LockMailbox,
    MailCase,
    Mode,
    QuarantineFile,
    ResponseRules,
    ScannedFile,
    Sender,
    Situation,
    StopProcess,
    SuspendAccount,
    decide,
    decide_mail,
    describe,
    mail_case,
    mailbox_sender,
    uid_protection,
    undo_command,
)
from spamtrace.safetext import quoted
from spamtrace.sinks.store import MESSAGE_DETAIL, ActionRecord

if TYPE_CHECKING:
    from spamtrace.actions.mailqueue import MailQueue
    from spamtrace.actions.process import ProcessSignaller, SignalResult
    from spamtrace.actions.quarantine import Quarantine
    from spamtrace.actions.uidblock import UidBlocker
    from spamtrace.attribution.mta import MtaIdentity
    from spamtrace.config import Config
    from spamtrace.policy.incidents import Incident
    from spamtrace.sinks.store import IncidentRecord

_LIVE = (AttributionMethod.LIVE, AttributionMethod.TRACEPOINT, AttributionMethod.FPM_ACCESS_LOG)
MAX_INCIDENTS = 10_000


#: seconds after its SIGSTOP from which a connect of the sender proves it was continued (an
#: attempt made before the stop landed but handled after it is older than the stop)
CONTINUED_AFTER = 0.05


def sender_of(att: AttributedAttempt) -> Sender | None:
    """The process of an attempt, when it was read live (an exec-cache entry may be gone)."""
    p = att.process
    if p is None or p.method not in _LIVE:
        return None
    ppid = p.parents[0].pid if p.parents else None
    return Sender(p.pid, p.start_time, p.uid, p.euid, p.name, p.exe, p.cmdline, ppid)


class Responder:
    def __init__(
        self,
        cfg: Config,
        mta: MtaIdentity,
        *,
        blocker: UidBlocker | None = None,
        signaller: ProcessSignaller | None = None,
        quarantine: Quarantine | None = None,
        mail_queue: MailQueue | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        emit: Callable[[ActionRecord], None] | None = None,
        released: Callable[[float], frozenset[int]] | None = None,
        graced: Callable[[float], frozenset[int]] | None = None,
    ) -> None:
        self.rules = ResponseRules.from_config(
            cfg, mta_uids=mta.uids, mta_users=mta.users, mta_exes=mta.exes
        )
        self.cfg = cfg
        self.clock = clock
        self.monotonic = monotonic  # the events' own clock (CLOCK_MONOTONIC): no NTP steps
        self._blocker = blocker
        self._signaller = signaller
        self._quarantine = quarantine
        self._mail_queue = mail_queue
        self._mail_queue_given = mail_queue is not None
        self.windows = ConnectWindows(MAX_INCIDENTS)
        self._done: dict[str, set[str]] = {}
        #: the keys of ``_done`` only recorded as ``would`` (observe): made again for real
        #: after a reload to enforce (:meth:`reconfigure`)
        self._would: dict[str, set[str]] = {}
        #: incidents whose responses were held back (release_grace, another netns): said once
        self._graced: dict[str, None] = {}
        #: mail-auth incidents whose one local sender the responses refused: said once
        self._refused: dict[str, None] = {}
        self._scans: dict[str, tuple[ScannedFile, ...]] = {}
        self._senders: dict[str, Sender] = {}
        #: stop key (``stop-process:PID:START``) -> when this run sent its SIGSTOP (monotonic)
        self._stopped: dict[str, float] = {}
        #: incidents whose sender connected again after its stop (continued by another process)
        self._continued: dict[str, None] = {}
        #: connect incidents (their latest snapshot), for a mail-auth incident that names one
        self._incidents: dict[str, Incident] = {}
        #: connect incidents whose sender a mail-auth incident named as its one local sender:
        #: why it is acted on (:func:`~spamtrace.policy.responses.mailbox_sender`)
        self._mailbox: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self.emit = emit
        #: the uids released since a time (``spamtrace release``; read from the store)
        self.released = released
        #: of those, the uids whose grace `release --no-grace` did not end (None: all of them)
        self.graced = graced
        #: records made when ``emit`` is None (tests, and what close() returns)
        self.records: list[ActionRecord] = []
        self._lock = threading.Lock()
        #: the blocks this run made: uid -> (the decision, when it ends or None, when made)
        self._blocks: dict[int, tuple[BlockUid, float | None, float]] = {}
        #: (this watcher's netns, pid 1's netns): read at the first decision
        self._netns: tuple[int | None, int | None] | None = None
        self._fast = _Worker("spamtrace-respond", self._run_one)
        self._slow = _Worker("spamtrace-quarantine", self._run_one)

    def reconfigure(self, cfg: Config, mta: MtaIdentity) -> None:
        """Take a new config (mode, [responses]); decisions already made stay made, but one
        only recorded as ``would`` is made again at its incident's next attempt after a
        switch to enforce (a spam run going on when the admin turned enforce on)."""
        observing = not self.enforcing
        self.cfg = cfg
        self.rules = ResponseRules.from_config(
            cfg, mta_uids=mta.uids, mta_users=mta.users, mta_exes=mta.exes
        )
        if self._signaller is not None:
            self._signaller.rules = self.rules
        if not self._mail_queue_given:
            self._mail_queue = None  # made again with the new [mail] commands
        if self._quarantine is not None and self._quarantine.directory != os.path.normpath(
            cfg.responses.quarantine_dir
        ):
            self._quarantine = None  # made again for the new folder
        # the block set's ports and NFLOG group change with a restart, as the engine's do
        if observing and self.enforcing:
            with self._lock:
                for incident, keys in self._would.items():
                    self._done.get(incident, set()).difference_update(keys)
                self._would.clear()

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

    def mail_queue(self) -> MailQueue:
        if self._mail_queue is None:
            from spamtrace.actions.mailqueue import MailQueue

            m = self.cfg.mail
            self._mail_queue = MailQueue(m.exim_command, m.postqueue_command, m.postsuper_command)
        return self._mail_queue

    def prepare(self) -> list[str]:
        """Enforce mode, at start: load the adapters and create the block set and chain, so
        that the first block is as fast as the next ones. Returns notes (what failed, or
        will: a configured command that cannot run)."""
        if not self.enforcing:
            return []
        from spamtrace.actions.suspend import command_problem

        r = self.cfg.responses
        notes = [
            f"{what} will fail: responses.{key}: {why}"
            for what, key, argv in (
                ("suspensions", "suspend_command", r.suspend_command if r.suspend else []),
                ("mailbox locks", "lock_mailbox_command", r.lock_mailbox_command),
            )
            if (why := command_problem(argv)) is not None
        ]
        if self.rules.quarantine and (why := self._quarantine_problem()) is not None:
            notes.append(f"quarantines will fail: responses.quarantine_dir: {why}")
        if not self.rules.block:
            return notes
        try:
            self.blocker().prepare()
        except SpamtraceError as exc:
            return [f"uid blocks will fail: {exc.message}", *notes]
        self.signaller()
        return notes

    def _quarantine_problem(self) -> str | None:
        """Why no file can be quarantined (a file on the folder's path, or the folder a
        symlink), as `config check` notes it: the daemon started without a word, and each
        malicious script's quarantine then failed."""
        from spamtrace.actions.quarantine import linked_folder
        from spamtrace.folders import not_a_folder

        folder = self.cfg.responses.quarantine_dir
        return not_a_folder(folder) or linked_folder(folder)

    def blocked_now(self) -> list[int]:
        """The uids this run holds blocked now (made or taken up from the store, not run
        out, not released: a release is seen by the next firewall check, and `status` right
        after `spamtrace release` still named the uid)."""
        now = self.clock()
        with self._lock:
            held = [(uid, at) for uid, (_, ends, at) in self._blocks.items()
                    if ends is None or ends > now]  # fmt: skip
        return sorted(uid for uid, at in held if uid not in self._released_since(at))

    def blocks_in_force(self, uid: int) -> bool:
        """This run holds a block of ``uid`` (made or taken up from the store)."""
        with self._lock:
            return uid in self._blocks

    # ------------------------------------------------------------------ feeding
    def on_attempt(self, att: AttributedAttempt, inc: Incident) -> list[Decision]:
        """An attempt joined ``inc``: the decisions taken now (carried out or recorded)."""
        self.windows.note(inc.id, att.event.wall)
        self._remember(self._incidents, inc.id, inc)
        sender = sender_of(att)
        if sender is not None:
            self._remember(self._senders, inc.id, sender)
            self._check_continued(inc, sender, getattr(att.event, "monotonic", None))
        return self._decide(inc, att.event.wall)

    def on_attempts(self, atts: Sequence[AttributedAttempt], inc: Incident) -> list[Decision]:
        """Attempts of one incident (a batch of the engine's backlog, in order), counted in
        ``inc`` already: noted as :meth:`on_attempt` notes each, decided once, at the last."""
        if not atts:
            return []
        latest: dict[int, tuple[Sender, float | None]] = {}
        for att in atts:
            self.windows.note(inc.id, att.event.wall)
            sender = sender_of(att)
            if sender is not None:
                latest.pop(sender.pid, None)  # the latest last
                latest[sender.pid] = (sender, getattr(att.event, "monotonic", None))
        self._remember(self._incidents, inc.id, inc)
        for sender, when in latest.values():
            self._remember(self._senders, inc.id, sender)
            self._check_continued(inc, sender, when)
        return self._decide(inc, atts[-1].event.wall)

    def _check_continued(self, inc: Incident, sender: Sender, when: float | None) -> None:
        """A sender this run stopped (SIGSTOP) that connects again after the stop was
        continued by another process: a watchdog of its own account sending SIGCONT (`kill
        -CONT -1`) undid the stop at once, while its incident said "stopped" and dropped the
        advice to kill it. Its stop is decided again, as a kill (:data:`CONTINUED`); not after
        `spamtrace release`, which continues it on purpose."""
        if sender.start_time is None or when is None:
            return
        key = f"{ActionKind.STOP_PROCESS.value}:{sender.pid}:{sender.start_time:.2f}"
        at = self._stopped.get(key)
        if at is None or when <= at + CONTINUED_AFTER:
            return  # not stopped by this run, or a connect made before the stop landed
        del self._stopped[key]
        if inc.uid is not None and inc.uid in self._released_since(
            self.clock() - self.rules.release_grace
        ):
            return
        with self._lock:
            for done in self._done.values():
                done.discard(key)
        self._remember(self._continued, inc.id, None)

    def on_scan(self, inc: Incident, files: Sequence[dict[str, Any]] | None) -> list[Decision]:
        """The incident's scan finished: quarantine (and block / stop) on a malicious file."""
        if files is None:
            return []
        self._remember(self._scans, inc.id, tuple(ScannedFile.from_json(f) for f in files))
        return self._decide(inc, inc.last_seen)

    def on_mail_queued(self, rec: IncidentRecord, ids: Sequence[str]) -> list[Decision]:
        """New messages of an open mail incident were queued (a batch a second at most): in
        enforce mode, freeze them (and the rest of the sender's still queued); in observe
        mode nothing (the incident's "would freeze" was recorded when it opened)."""
        if not self.enforcing or not ids:
            return []
        return self.on_mail(rec, tuple(ids))

    def on_mail(self, rec: IncidentRecord, queued: tuple[str, ...] | None = None) -> list[Decision]:
        """A ``mail-script`` / ``mail-auth`` incident opened or grew (10, 100... messages):
        freeze its queued messages, lock its mailbox (carried out on the worker).
        ``queued``: only these queue ids (:meth:`on_mail_queued`), else the record's."""
        case = mail_case(rec, queued, frozenset(self._done.get(rec.id, ())))
        if case is None:
            return []
        decisions = decide_mail(case, self.rules)
        if decisions:
            done = self._done.get(rec.id)
            if done is None:
                done = set()
                self._remember(self._done, rec.id, done)
            for d in decisions:
                done.add(d.key)
                if self.enforcing:
                    self._slow.put(d)
                else:
                    self._note_would(rec.id, d.key)
                    self._record(d, ActionStatus.WOULD, describe(d), None)
        return decisions + self._on_mailbox_sender(case, rec)

    def _on_mailbox_sender(self, case: MailCase, rec: IncidentRecord) -> list[Decision]:
        """A ``mail-auth`` incident that names one local sender (``mail.local_clients``: a
        script on this host logs in to the MTA with the stolen password): the responses of
        a spam sender for that sender's connect incident, decided there as for any connect
        (:func:`~spamtrace.policy.responses.decide` with ``mailbox``), and again at its next
        connects. With several candidates, or one never acted on, nothing (the incident's
        advice says so, and a ``would`` record: :meth:`_note_refused`).

        What is decided is recorded on the sender's connect incident, where it is done; in
        observe mode the mail-auth incident gets a ``would`` record of each too (naming that
        incident), so that its own record shows what would have happened to its sender, as a
        connect incident's does."""
        clients: Sequence[dict[str, Any]] = (rec.process or {}).get("local_clients") or ()
        chosen = mailbox_sender(case, clients, self.rules)
        box = (rec.process or {}).get("auth_user") or "?"
        if chosen.why is not None and len(clients) == 1:
            self._note_refused(rec, clients[0], chosen.uid, chosen.why, box)
        inc = self._incidents.get(chosen.incident) if chosen.incident else None
        if inc is None:
            return []
        why = (
            f"the one local sender of mailbox {box} (mail-auth incident {rec.id}, "
            f"{rec.connections} message(s))"
        )
        if self._mailbox.get(inc.id) is None:
            self._remember(self._mailbox, inc.id, why)
        decisions = self._decide(inc, max(rec.last_seen, inc.last_seen), mail_auth=rec.id)
        if not self.enforcing:  # done (or failed) is recorded where it is done: once
            for d in decisions:
                self._record(replace(d, incident=rec.id), ActionStatus.WOULD,
                             f"{describe(d)}; decided for its connect incident {inc.id}",
                             None)  # fmt: skip
        return decisions

    def _note_refused(
        self, rec: IncidentRecord, client: dict[str, Any], uid: int | None, why: str, box: str
    ) -> None:
        """Say on a ``mail-auth`` incident, once, that its one local sender is not acted on
        and why (root, the MTA's user, the web server's user with no script, no hosting
        account's process): the advice line said it, and no record did, so observe mode
        showed nothing of what would have happened on this path. Recorded as ``would``
        (decided, not done), as a response held back is (:meth:`_note_held`), with the block
        a spam sender's uid gets as what is not done. Not when blocks are off (the record
        would name a response not configured), nor for a sender whose uid is unknown or a
        mailbox never acted on (``never_accounts``: its incident, like any allow-listed
        one, gets no record)."""
        if uid is None or not self.rules.block:
            return
        with self._lock:
            if rec.id in self._refused:
                return
            self._remember(self._refused, rec.id, None)
        user, account = client.get("user"), client.get("account")
        d = BlockUid(
            uid=uid, user=user if isinstance(user, str) else None,
            account=account if isinstance(account, str) else None,
            timeout=self.rules.block_timeout, incident=rec.id,
            reason=f"the one local sender of mailbox {box}",
        )  # fmt: skip
        self._record(d, ActionStatus.WOULD, (
            f"not done: {why}; {describe(d)} (connect incident {client.get('incident')}): "
            "stop it by hand and scan its folder"
        ), None)  # fmt: skip

    def _note_would(self, incident: str, key: str) -> None:
        with self._lock:
            keys = self._would.get(incident)
            if keys is None:
                keys = set()
                self._remember(self._would, incident, keys)
            keys.add(key)

    @staticmethod
    def _remember(table: dict[str, Any], key: str, value: Any) -> None:
        table[key] = value
        if len(table) > MAX_INCIDENTS:
            table.pop(next(iter(table)))

    def _decide(self, inc: Incident, now: float, mail_auth: str | None = None) -> list[Decision]:
        """The decisions for connect incident ``inc`` now, carried out or recorded.
        ``mail_auth``: the ``mail-auth`` incident whose one local sender ``inc`` is; what is
        held back for the sender's network namespace or for `release_grace` is said there too
        (once)."""
        if inc.uid is not None and inc.uid in self._blocks:
            self._expire_block(inc.uid, now)
        windows = {self.rules.block_window, self.rules.stop_window}
        done = self._done.get(inc.id, set())
        situation = Situation(
            incident=inc,
            recent_connects=self.windows.counts(inc.id, windows, now),
            sender=self._senders.get(inc.id),
            scan=self._scans.get(inc.id),
            done=frozenset(done),
            continued=inc.id in self._continued,
            mailbox=self._mailbox.get(inc.id),
        )
        decisions = decide(situation, self.rules)
        if decisions and situation.sender is not None:
            foreign = self._foreign_netns(situation.sender.pid)
            if foreign is not None:
                self._note_held(inc.id, decisions, foreign)
                if mail_auth is not None:  # its record would show no response at all
                    self._note_held(
                        mail_auth, [replace(d, incident=mail_auth) for d in decisions], foreign,
                        f"; decided for its connect incident {inc.id}",
                    )  # fmt: skip
                return []
        if self.released is not None and any(
            isinstance(d, (BlockUid, StopProcess)) for d in decisions
        ):
            since = self.clock() - self.rules.release_grace
            released = (self.graced or self.released)(since)
            if inc.uid in released:
                held = [d for d in decisions if isinstance(d, (BlockUid, StopProcess))]
                decisions = decide(replace(situation, released=released), self.rules)
                self._note_grace(inc.id, held)
                if mail_auth is not None:  # its record would not say what was held back
                    self._note_grace(
                        mail_auth, [replace(d, incident=mail_auth) for d in held],
                        f"; decided for its connect incident {inc.id}",
                    )  # fmt: skip
        if not decisions:
            return []
        if inc.id not in self._done:
            self._remember(self._done, inc.id, done)
        for d in decisions:
            done.add(d.key)
            if not self.enforcing:
                self._note_would(inc.id, d.key)
                self._record(d, ActionStatus.WOULD, describe(d), None)
            elif isinstance(d, BlockUid):
                self.execute(d)  # here and now: ~0.2 ms with libnftables; a thread hop is more
            elif isinstance(d, StopProcess):
                self._stop_now(d)
            else:
                self._slow.put(d)
        return decisions

    def adopt_blocks(self, stored: Sequence[ActionRecord]) -> int:
        """Take the blocks an earlier run made (the store's ``block-uid`` actions ``done``,
        not released, not run out: :meth:`~spamtrace.sinks.store.StoreReader.blocks_in_force`)
        as this run's own, so that :meth:`reassert_blocks` puts them back too: a block must not
        end with the daemon that made it (a restart, then a ``nft flush ruleset``, freed every
        sender blocked before). Root, the MTA's users and the accounts the rules never act on
        are never adopted, whatever the store says. Returns how many uids were adopted.

        Nor is a block whose uid belongs to another user now than the one it was made for
        (``data.user``, else its incident's user): the account was deleted and its uid went to
        a new one, which is not the sender. It is said (a ``would`` record: not put back, and
        why), and its record stays for ``spamtrace release``. A block that names no user (an
        older record whose incident is gone) is put back as before."""
        now = self.clock()
        adopted: set[int] = set()
        for a in stored:
            timeout = a.data.get("timeout")
            if a.uid is None or not isinstance(timeout, (int, float)) or timeout < 0:
                continue
            owner = _owner_now(a.uid)
            if uid_protection(a.uid, (owner,), self.rules) is not None:
                continue
            ends = None if timeout == 0 else a.at + timeout
            if ends is not None and ends <= now + 1:
                continue
            made_for = a.data.get("user")
            if isinstance(made_for, str) and made_for and made_for != owner:
                self._not_put_back(a, made_for, owner, int(timeout))
                continue
            d = BlockUid(
                uid=a.uid, user=None, account=None, timeout=int(timeout),
                incident=a.incident_id, reason=str(a.data.get("reason") or "an earlier block"),
            )  # fmt: skip
            with self._lock:
                held = self._blocks.get(a.uid)
                if held is not None and (held[1] is None or (ends is not None and held[1] >= ends)):
                    continue  # this run's (or a longer) block of the uid is kept
                self._blocks[a.uid] = (d, ends, a.at)
            adopted.add(a.uid)
        return len(adopted)

    def reconcile_blocks(self, stored: Sequence[ActionRecord]) -> list[tuple[int, str]]:
        """Take out of the live set the uids no block of this run (adopted from ``stored``
        included: call :meth:`adopt_blocks` first) stands for: a restart without a reboot kept
        the set as the last run left it, and a block ``spamtrace release`` undid while no
        daemon ran (its nft step failed, or ran in another namespace), or one made for a user
        whose uid went to another account since, held the uid until its timeout. Returns the
        (uid, why) dropped; nothing when the set cannot be read or changed (the firewall check
        says why)."""
        if not self.enforcing:
            return []
        try:
            live = [b.uid for b in self.blocker().blocked()]
        except SpamtraceError:
            return []
        with self._lock:
            held = set(self._blocks)
        #: uid -> the users the store's blocks in force were made for ("": not named)
        made_for: dict[int, set[str]] = {}
        for a in stored:
            if a.uid is not None:
                user = a.data.get("user")
                made_for.setdefault(a.uid, set()).add(user if isinstance(user, str) else "")
        out: list[tuple[int, str]] = []
        for uid in live:
            if uid in held:
                continue
            users = made_for.get(uid)
            if users is None:
                why = "no block of it in the store (released or run out while no daemon ran)"
            else:
                owner = _owner_now(uid)
                if "" in users or owner in users:
                    continue  # the store holds it for this user: not this run's to undo
                now_whose = f"belongs to {quoted(owner)} now" if owner else "has no user now"
                names = ", ".join(quoted(u) for u in sorted(users))
                why = f"made for user {names}; uid {uid} {now_whose}"
            out.append((uid, why))
        if not out:
            return []
        try:
            self.blocker().drop(uid for uid, _why in out)
        except SpamtraceError:
            return []
        return out

    def _not_put_back(
        self, a: ActionRecord, made_for: str, owner: str | None, timeout: int
    ) -> None:
        """Say why a block an earlier run made is not put back: its uid changed hands. The
        names are put in raw (in quotes): an action's detail is escaped where it is shown
        (``incident ID``, ``watch``, the journal), and a quoted name showed escaped twice."""
        uid = int(a.uid or 0)
        now_whose = f"belongs to '{owner}' now" if owner else "has no user now"
        d = BlockUid(
            uid=uid, user=made_for, account=None, timeout=timeout, incident=a.incident_id,
            reason=str(a.data.get("reason") or "an earlier block"),
        )  # fmt: skip
        self._record(d, ActionStatus.WOULD, (
            f"not put back: the block of uid {uid} was made for user '{made_for}', and "
            f"uid {uid} {now_whose} (that account was deleted); its record stays until "
            f"`spamtrace release {uid}`"
        ), None)  # fmt: skip

    def reassert_blocks(self) -> list[ActionRecord]:
        """Put back the blocks of this run (and those adopted from earlier runs:
        :meth:`adopt_blocks`) that the set lost before their end.

        ``nft flush ruleset`` (the first line of Debian's /etc/nftables.conf, so a restart
        or reload of nftables.service) or a ``nft delete table inet spamtrace`` by hand
        empties ``blocked_uids``: every sender blocked was free to send again, silently, and
        its incident, already decided, was never blocked again. Called at each check of the
        firewall (the daemon's ``firewall_check_interval``); a uid ``spamtrace release``
        freed, or whose block ran out, is let be. Each block put back is recorded (``done``,
        data ``again``), or ``failed`` with the reason."""
        with self._lock:
            active = dict(self._blocks)
        if not self.enforcing or not active:
            return []
        now = self.clock()
        for uid, (_d, ends, _at) in list(active.items()):
            if ends is not None and ends <= now + 1:  # ran out
                del active[uid]
                self._expire_block(uid, now + 1)
        if not active:
            return []
        try:
            live = {b.uid for b in self.blocker().blocked()}
        except SpamtraceError:
            return []  # the firewall check says what is wrong with nft
        out = []
        for uid, (d, ends, at) in sorted(active.items()):
            if uid in live:
                continue
            # a release takes the uid out of the set: only a missing one may have been
            # released (the store is read for those alone, not at every check for every block)
            if uid in self._released_since(at):
                self._forget_block(uid)
                continue
            left = 0 if ends is None else max(1, int(ends - now))
            why = f"the block set had lost uid {uid} (table inet spamtrace flushed or replaced)"
            try:
                self.blocker().block(uid, left)
            except SpamtraceError as exc:
                out.append(self._record(  # "again": the journal says it, as a block put back
                    d, ActionStatus.FAILED, f"{why}: {exc.message}", None,
                    {"again": True, MESSAGE_DETAIL: True},
                ))  # fmt: skip
                continue
            span = "until released" if left == 0 else f"for the {left} s left"
            out.append(self._record(
                d, ActionStatus.DONE, f"blocked again {span}: {why}", undo_command(d),
                {"timeout": left, "reason": d.reason, "again": True},
            ))  # fmt: skip
        return out

    def _expire_block(self, uid: int, now: float) -> None:
        """When the block this run made of ``uid`` has run out (``block_timeout``), forget it:
        its incidents may block the uid again. A block was decided once per incident, so a
        sender that went on after it ran out (retrying the refused connects, with backoff)
        sent unblocked for as long as it liked; now its next connect blocks it again."""
        with self._lock:
            held = self._blocks.get(uid)
            if held is None or held[1] is None or held[1] > now:
                return
        self._forget_block(uid)

    def _released_since(self, at: float) -> frozenset[int]:
        return self.released(at) if self.released is not None else frozenset()

    def _forget_block(self, uid: int) -> None:
        """`spamtrace release` freed the uid: its block is no longer this run's to keep, and
        its incidents may block it again once `release_grace` has run out (a block decided
        once per incident, then released, was never taken again while the sender went on)."""
        key = f"{ActionKind.BLOCK_UID.value}:{uid}"
        with self._lock:
            self._blocks.pop(uid, None)
            for done in self._done.values():
                done.discard(key)

    def _guest_netns(self) -> int | None:
        """This watcher's network namespace when it is not the host's (pid 1's, or kthreadd's
        where pid 1's cannot be read) and the
        rules keep the responses to it (not ``other_netns``); None otherwise."""
        if self.rules.other_netns:
            return None
        if self._netns is None:
            from spamtrace.actions.process import netns_of
            from spamtrace.attribution.process import host_netns_pid

            self._netns = (netns_of("self"), netns_of(host_netns_pid()))
        own, init = self._netns
        return None if own is None or own == init else own

    def scope_notes(self) -> list[str]:
        """What the start notes say of the responses' reach (enforce mode in a netns)."""
        own = self._guest_netns() if self.enforcing else None
        if own is None:
            return []
        return [
            f"running in network namespace net:[{own}], not the host's: senders of other "
            "namespaces are reported, not acted on ([responses] other_netns = true acts on them)"
        ]

    def _foreign_netns(self, pid: int) -> str | None:
        """Why a sender may not be acted on for its network namespace (None: it may).

        The tracepoint is host-wide: a watcher run inside a network namespace (``ip netns
        exec``, a container sharing the host's pids) sees every namespace's connects, but its
        block set filters only its own namespace's traffic, and a SIGSTOP would reach a
        process of the host or of another container it does not guard. There, a sender of
        another namespace is reported, not acted on, unless ``[responses] other_netns``. On
        the host (pid 1's namespace), senders of every namespace are acted on, as before."""
        own = self._guest_netns()
        if own is None:
            return None
        from spamtrace.actions.process import netns_of

        theirs = netns_of(pid)
        if theirs is None or theirs == own:
            return None  # gone (its uid alone is known) or ours
        return (
            f"pid {pid} is in another network namespace (net:[{theirs}]) than this watcher "
            f"(net:[{own}], not the host's): this namespace's block set does not filter its "
            "traffic, and it is not this watcher's to stop ([responses] other_netns = true "
            "acts on it)"
        )

    def _note_held(
        self, incident: str, held: Sequence[Decision], why: str, where: str = ""
    ) -> None:
        """Say, once per incident, what was not done and why (recorded as ``would``);
        ``where``: appended to each line (for whom it was decided)."""
        with self._lock:
            if incident in self._graced:
                return
            self._remember(self._graced, incident, None)
        for d in held:
            self._record(d, ActionStatus.WOULD, f"not done: {why}; {describe(d)}{where}", None)

    def _note_grace(self, incident: str, held: Sequence[Decision], where: str = "") -> None:
        """Say, once per incident, what `release_grace` kept from being done: a suspicious
        incident of a released uid showed no action at all, and the admin could not tell an
        amnesty from a failure. Recorded as ``would`` (decided, not done), not as done, so the
        block is still taken once the grace has run out. ``where``: as for
        :meth:`_note_held`."""
        if held:
            self._note_held(incident, held, (
                f"uid {held[0].uid} was released (`spamtrace release`) less than "
                f"[responses] release_grace ({self.rules.release_grace} s) ago"
            ), where)  # fmt: skip

    # ------------------------------------------------------------------ doing
    def _record(
        self, d: Decision, status: ActionStatus, detail: str, undo: str | None,
        data: dict[str, Any] | None = None, at: float | None = None,
    ) -> ActionRecord:  # fmt: skip
        rec = ActionRecord(
            incident_id=d.incident, action=d.kind.value, status=status.value,
            at=self.clock() if at is None else at,
            detail=detail, undo=undo, uid=d.uid, target=d.target, data=data or {},
        )  # fmt: skip
        key = f"{rec.action}:{rec.status}"
        with self._lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            if self.emit is None:
                self.records.append(rec)
        if self.emit is not None:
            self.emit(rec)
        return rec

    def execute(self, d: Decision) -> ActionRecord:
        """Carry out one decision now (enforce mode); failures are records, not exceptions."""
        try:
            if isinstance(d, BlockUid):
                self.blocker().block(d.uid, d.timeout)
                now = self.clock()
                with self._lock:
                    self._blocks[d.uid] = (d, now + d.timeout if d.timeout else None, now)
                return self._record(d, ActionStatus.DONE, describe(d), undo_command(d),
                                    {"timeout": d.timeout, "reason": d.reason,
                                     "user": d.user, "account": d.account})  # fmt: skip
            if isinstance(d, StopProcess):
                res = self.signaller().signal_tree(
                    d.pid, d.start_time, d.uid, d.signal, self._sender_of(d)
                )
                if not res.ok:
                    return self._stop_failed(d, res.detail)
                return self._stop_done(d, res)
            if isinstance(d, QuarantineFile):
                item = self.quarantine().add(
                    d.path, incident=d.incident, rules=d.rules, owners=_owners(d)
                )
                detail = f"moved {d.path} to quarantine as {item.id} (sha256 {item.sha256[:16]}…)"
                if item.notes:
                    detail += "; " + "; ".join(item.notes)
                return self._record(d, ActionStatus.DONE, detail,
                                    f"spamtrace quarantine restore {item.id}",
                                    {"quarantine_id": item.id, "sha256": item.sha256})  # fmt: skip
            if isinstance(d, FreezeQueue):
                return self._freeze(d)
            return self._run_command(d)
        except SpamtraceError as exc:
            return self._record(d, ActionStatus.FAILED, exc.message, None, {MESSAGE_DETAIL: True})
        except OSError as exc:
            return self._record(d, ActionStatus.FAILED, f"{type(exc).__name__}: {exc}", None)

    def _sender_of(self, d: StopProcess) -> Sender | None:
        """The process a stop is about as read at its connect (its program and parent)."""
        s = self._senders.get(d.incident)
        if s is None or s.pid != d.pid or s.start_time != d.start_time:
            return None
        return s

    def _stop_now(self, d: StopProcess) -> None:
        """Signal the process itself here and now (a spam script sends a message a
        millisecond to a near MX); its children and the record follow on the worker. A
        process that has exited (a mailer's child a message, gone after its one message)
        still has its parents of the same program stopped there (the one that forks the
        next); the record says it had exited."""
        from spamtrace.actions.process import EXITED

        sender = self._sender_of(d)
        try:
            why = self.signaller().signal_one(d.pid, d.start_time, d.uid, d.signal)
        except OSError as exc:
            why = f"{type(exc).__name__}: {exc}"
        if why is not None and not (why == EXITED and sender is not None and sender.ppid):
            self._stop_failed(d, why)
            return
        at = self.clock()
        if d.signal == "stop" and why is None:  # not a sender gone (its parents stopped)
            self._remember(self._stopped, d.key, self.monotonic())
        self._fast.put(_Children(d, at, sender, exited=why is not None))

    def _stop_failed(self, d: StopProcess, why: str) -> ActionRecord:
        """The record of a stop not done; one whose process is gone says so (``exited``), and
        the advice then drops "kill PID" (``policy.responses.advice_after``)."""
        from spamtrace.actions.process import EXITED

        gone = {"exited": True} if why == EXITED else None
        return self._record(d, ActionStatus.FAILED, why, None, gone)

    def _children(self, job: _Children) -> None:
        d = job.decision
        res = self.signaller().signal_rest(
            d.pid, d.start_time, d.uid, d.signal, job.sender, exited=job.exited
        )
        if not res.ok:
            self._stop_failed(d, res.detail)
            return
        self._stop_done(d, res, job.at)

    def _stop_done(
        self, d: StopProcess, res: SignalResult, at: float | None = None
    ) -> ActionRecord:
        """The record of a stop done: what was signalled (what `release` resumes), and
        ``exited`` when the process itself had exited (its parents were signalled)."""
        data: dict[str, Any] = {"signal": d.signal, "signalled": [list(p) for p in res.signalled]}
        if res.exited:
            data["exited"] = True
        return self._record(
            d, ActionStatus.DONE, f"{res.detail}: {d.reason}", undo_command(d), data, at=at
        )

    def _run_command(self, d: SuspendAccount | LockMailbox) -> ActionRecord:
        """The panel's suspend command, or the mailbox lock command: argv, timeout, output."""
        from spamtrace.actions.suspend import run_suspend

        res = run_suspend(d.command, d.timeout)
        data = {"argv": list(d.command), "exit_status": res.exit_status,
                "output": res.output, "seconds": round(res.seconds, 3)}  # fmt: skip
        status = ActionStatus.DONE if res.ok else ActionStatus.FAILED
        return self._record(d, status, f"{describe(d)}: {res.detail}",
                            undo_command(d) if res.ok else None, data)  # fmt: skip

    def _freeze(self, d: FreezeQueue) -> ActionRecord:
        from spamtrace.actions.mailqueue import thaw_hint

        res = self.mail_queue().freeze(d)
        data = {"mta": res.mta, "frozen": list(res.frozen), "known": len(d.queue_ids),
                "skipped": list(res.skipped),
                "argv": list(res.argv), "exit_status": res.exit_status, "output": res.output,
                "reason": d.reason}  # fmt: skip
        status = ActionStatus.DONE if res.ok else ActionStatus.FAILED
        return self._record(d, status, f"{describe(d)}: {res.detail}",
                            thaw_hint(res.mta, res.frozen), data)  # fmt: skip

    # ------------------------------------------------------------------ the workers
    def _run_one(self, job: Decision | _Children) -> None:
        d = job.decision if isinstance(job, _Children) else job
        try:
            if isinstance(job, _Children):
                self._children(job)
            else:
                self.execute(job)
        except BaseException as exc:  # never let a worker die silently
            self._record(d, ActionStatus.FAILED, f"{type(exc).__name__}: {exc}", None)

    def wait(self, timeout: float = 30.0) -> bool:
        """Wait until the queued decisions are carried out (tests, the end of a run)."""
        deadline = time.monotonic() + timeout
        return self._fast.wait(deadline) and self._slow.wait(deadline)

    def close(self, timeout: float = 30.0) -> None:
        """Finish queued work (bounded by ``timeout``) and stop the workers."""
        deadline = time.monotonic() + timeout
        self._fast.close(deadline)
        self._slow.close(deadline)


def _owners(d: QuarantineFile) -> dict[int, str]:
    """The owners a file the incident's scan found may have to be quarantined (uid -> who):
    the sender's uid and its account's user. A sender chooses its folder and its command
    line, which the scan follows: run from another account's folder (or naming a file of
    root's), it must not get that account's files moved."""
    owners: dict[int, str] = {}
    if d.uid is not None:
        owners[d.uid] = f"the sender's uid {d.uid}"
    if d.account:
        with contextlib.suppress(KeyError):  # no such user (a site's name): the uid alone
            owners.setdefault(pwd.getpwnam(d.account).pw_uid, f"its account {d.account}")
    return owners


@dataclass(frozen=True, slots=True)
class _Children:
    """The process itself was signalled at ``at`` (or found ``exited``): its parents of the
    same program and the children next, then the record. ``sender``: as read at its connect."""

    decision: StopProcess
    at: float
    sender: Sender | None = None
    exited: bool = False


class _Worker:
    """One thread carrying out decisions in order, started on first use."""

    def __init__(self, name: str, run: Callable[[Decision | _Children], None]) -> None:
        self.name = name
        self.run = run
        self._jobs: queue.Queue[Decision | _Children | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def put(self, d: Decision | _Children) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()
        self._jobs.put(d)

    def _loop(self) -> None:
        while True:
            d = self._jobs.get()
            try:
                if d is None:
                    return
                self.run(d)
            finally:
                self._jobs.task_done()

    def wait(self, deadline: float) -> bool:
        while self._jobs.unfinished_tasks:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def close(self, deadline: float) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._jobs.put(None)
        thread.join(max(0.0, deadline - time.monotonic()))


def _owner_now(uid: int) -> str | None:
    """The user ``uid`` belongs to now (the password database read again, never cached: an
    account deleted and one created since may have swapped it)."""
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except (KeyError, OverflowError):
        return None
