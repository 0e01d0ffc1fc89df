"""The mail logs as an extra source of the engine (``watch``, ``daemon``): follow, judge, hand over.

:class:`MailLogSource` follows the configured logs that exist (``[mail]``; PHP ``mail.log``
first, so that a ``mail()`` call comes before the Exim arrival it caused) from their end, across
rotations (:class:`~spamtrace.sources.maillog.tail.LogFollower`). A small thread polls them
every :data:`POLL_INTERVAL` seconds (regular files are always "readable" for a selector) and
wakes the engine through a pipe, the source's ``fileno()``. On the engine's loop,
``read_events()`` parses the new lines, joins them into messages
(:class:`~spamtrace.attribution.mail.MailLedger`) and gives each message to the policy
(:class:`~spamtrace.policy.mail.MailPolicy`). A message that opens or belongs to a
``mail-script`` / ``mail-auth`` incident becomes a
:class:`~spamtrace.service.bus.SourceIncident`: the engine stores it with its incident and
publishes ``IncidentOpened`` / ``IncidentUpdated``, so responses, alerts and metrics see mail
incidents as they see the others. Messages outside incidents are counted, not stored.

An incident is published when it opens and at 10, 100, 1000... messages (with the queue ids
of its messages, which the responses freeze). The messages queued in between are handed over
as :class:`~spamtrace.service.bus.MailQueued` batches, at most one every
:data:`QUEUED_INTERVAL` seconds per incident (so enforce mode freezes each new message of an
open incident within about a second, with at most one ``exim -Mf`` / ``postsuper -h`` a
second per incident).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from spamtrace.sources.maillog.journal import JournalFollower
from spamtrace.sources.maillog.kinds import LOG_KINDS
from spamtrace.sources.maillog.reader import (
    KINDS,
    LogCounts,
    LogSpec,
    Parser,
    carry,
    configured,
    is_journal,
    parse_lines,
    parser_for,
)
from spamtrace.sources.maillog.scriptnames import ScriptNames
from spamtrace.sources.maillog.stamp import local_time
from spamtrace.sources.maillog.tail import LogFollower

if TYPE_CHECKING:
    from spamtrace.attribution.mail import MailMessage
    from spamtrace.config import Config
    from spamtrace.model import Account
    from spamtrace.policy.mail import AllowedSenders, MailIncident, MailUpdate
    from spamtrace.service.bus import MailQueued, SourceIncident
    from spamtrace.sinks.store import IncidentRecord

#: seconds between two looks at the logs (the delay a mail incident may wait, at most)
POLL_INTERVAL = 0.1
#: seconds between two batches of newly queued messages of one open incident (MailQueued)
QUEUED_INTERVAL = 1.0
#: queue ids in one batch at most (more: the MTA's queue names the rest of the sender's)
MAX_BATCH_IDS = 5000
#: incidents whose last batch time is kept (the oldest forgotten beyond)
MAX_BATCHED = 10_000


def _milestone(n: int) -> bool:
    """10, 100, 1000, ... messages: a change of substance (IncidentUpdated)."""
    while n >= 10 and n % 10 == 0:
        n //= 10
    return n == 1


class MailLogSource:
    name = "mail-logs"

    def __init__(
        self,
        cfg: Config,
        specs: Sequence[LogSpec],
        *,
        interval: float = POLL_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from spamtrace.attribution.accounts import AccountResolver
        from spamtrace.attribution.mail import MailLedger, passwd_homes
        from spamtrace.policy.mail import MailPolicy, MailThresholds

        self.specs = sorted(specs, key=lambda s: KINDS.index(s.kind))
        #: a file's follower, or the journal's (journalctl -f: Postfix's lines in the journal)
        self.followers: list[LogFollower | JournalFollower] = [
            JournalFollower(s.path, cfg.mail.journalctl_command or ("journalctl",))
            if is_journal(s) else LogFollower(s.path, drop_long=LOG_KINDS[s.kind].drops_long_lines)
            for s in self.specs
        ]  # fmt: skip
        self.counts = [LogCounts(s.path, s.kind) for s in self.specs]
        #: each PHP log's script names looked up on disk, kept across the looks
        self.names = [
            ScriptNames() if LOG_KINDS[s.kind].names_scripts else None for s in self.specs
        ]
        self.interval = interval
        self.clock = clock  # of the MailQueued batches
        self.accounts = AccountResolver(cfg.accounts)
        self.policy = MailPolicy(MailThresholds.from_config(cfg.mail), allow=self._allowed(cfg))
        #: a reload's config, taken at the next read (the read-back at start owns the policy
        #: until it is done)
        self._retune: Config | None = None
        homes, uids = passwd_homes()
        self.ledger = MailLedger(
            homes=homes, uids=uids, on_message=self._message, on_recipient=self._recipient,
            php_only=not any(LOG_KINDS[s.kind].has_queue_ids for s in self.specs),
            totals=False,
            owner_of_path=lambda path: getattr(self.accounts.for_path(path), "name", None),
        )  # fmt: skip
        self._out: list[SourceIncident | MailQueued] = []
        #: incident id -> (its latest record, queue ids of messages not handed over yet)
        self._queued: dict[str, tuple[IncidentRecord, list[str]]] = {}
        self._batched: dict[str, float] = {}  # incident id -> monotonic time of its last batch
        #: when the next batch is due (monotonic; None: nothing waits): the thread wakes the
        #: engine then, even when no line came
        self._batch_due: float | None = None
        #: messages read back at start to rebuild the policy's windows (not published)
        self.restored = 0
        self._restoring = False
        #: set once the read-back is done: the thread does it first, so that a start is not
        #: held up; the engine's read_events() waits for it before judging a new line
        self._ready = threading.Event()
        self._restore_since: float | None = None
        if cfg.mail.restore_hours:
            self._restore_since = time.time() - max(cfg.mail.restore_hours * 3600, cfg.mail.window)
        else:
            self._ready.set()
        #: each log's parser at the last look (what it holds open is the next look's)
        self._parsers: dict[int, Parser] = {}
        self._lines: queue.SimpleQueue[tuple[int, list[str]]] = queue.SimpleQueue()
        self._r, self._w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._stop = threading.Event()
        self._lock = threading.Lock()  # the followers are polled by the thread and the loop
        self._error: str | None = None
        self._thread = threading.Thread(target=self._poll, name="mail-logs", daemon=True)
        self._thread.start()

    def _allowed(self, cfg: Config) -> AllowedSenders:
        from spamtrace.policy.mail import AllowedSenders

        return AllowedSenders.from_config(
            cfg, lambda domain: getattr(self.accounts.for_domain(domain), "name", None)
        )

    def reconfigure(self, cfg: Config) -> None:
        """A reload (SIGHUP): the limits of ``[mail]``, ``[submission] allow_accounts`` and
        ``[accounts]`` hold from the next line read; the windows and open incidents go on.
        The logs followed stay those of the start (the engine's reload says so)."""
        self._retune = cfg

    def _take_retune(self) -> None:
        from spamtrace.attribution.accounts import AccountResolver
        from spamtrace.policy.mail import MailThresholds

        cfg, self._retune = self._retune, None
        if cfg is None:
            return
        self.accounts = AccountResolver(cfg.accounts)
        self.policy.retune(MailThresholds.from_config(cfg.mail), self._allowed(cfg))

    # ------------------------------------------------------------------ at start
    def _restore(self, since: float) -> None:
        """Read back the logs' lines since ``since`` up to where the followers start, through
        the ledger and the policy, publishing nothing: a burst that a restart split in two
        is judged as one (its windows and a mailbox's history are as before the restart; an
        incident the previous run opened goes on under the same id)."""
        import heapq

        streams = []
        for i, spec in enumerate(self.specs):
            scratch = LogCounts(spec.path, spec.kind)  # the stats count what is followed
            follower = self.followers[i]
            if isinstance(follower, JournalFollower):
                streams.append(self._journal_back(spec, follower, since, scratch))
                continue
            streams.append(self._read_back(spec, follower, since, scratch, self.names[i]))
        self._restoring = True
        try:
            for ev in heapq.merge(*streams, key=lambda ev: ev.wall):  # php first on ties
                self.ledger.add(ev)
        finally:
            self._restoring = False
        self.restored = self.ledger.messages

    @staticmethod
    def _read_back(
        spec: LogSpec,
        follower: LogFollower,
        since: float,
        counts: LogCounts,
        names: ScriptNames | None = None,
    ) -> list[Any]:
        """The events of ``spec`` since ``since``: its plain rotated copies written since
        then, then the current file up to where ``follower`` starts (``.gz``/``.xz`` copies are not
        read: a restart finds the recent lines in the current file or the copy just rotated)."""
        from spamtrace.sources.maillog.reader import line_time, parse_bytes
        from spamtrace.sources.maillog.tail import compression_of, read_tail_bytes, rotated_paths

        out: list[Any] = []
        paths = [p for p in rotated_paths(spec.path, since) if not compression_of(p)]
        for path in paths:
            current = path == spec.path
            if current and not follower.is_open:
                continue
            try:
                mtime = os.stat(path).st_mtime
                year, offset = time.localtime(mtime).tm_year, local_time()
                blob = read_tail_bytes(
                    path, since, line_time(spec.kind, year, offset, mtime),
                    upto=follower.position if current else None,
                )  # fmt: skip
            except OSError:
                continue
            # by the compiled parsers where built (the same events as parse_lines gives)
            events = parse_bytes(
                spec.kind, blob, year, offset, mtime, counts, root=spec.root, names=names,
                user=spec.user,
            )
            out.extend(ev for ev in events if ev.wall >= since)
        return out

    @staticmethod
    def _journal_back(
        spec: LogSpec, follower: JournalFollower, since: float, counts: LogCounts
    ) -> list[Any]:
        """The journal's Postfix events since ``since`` up to the entry ``follower`` starts
        after (none when the journal had no entry at its start)."""
        from spamtrace.sources.maillog.journal import JournalReader
        from spamtrace.sources.maillog.postfix import parse_line

        if follower.start_cursor is None:
            return []
        reader = JournalReader(spec, since, follower.command)
        reader.counts = counts
        out: list[Any] = []
        for lines in reader.lines(until=follower.start_cursor):
            out.extend(ev for ev in parse_lines(parse_line, lines, counts) if ev.wall >= since)
        return out

    # ------------------------------------------------------------------ the thread
    def _poll(self) -> None:
        if self._restore_since is not None:
            try:
                self._restore(self._restore_since)
            except Exception as exc:  # never fatal: the source follows from now on
                self._error = f"reading the logs back: {type(exc).__name__}: {exc}"
            finally:
                self._ready.set()
        while not self._stop.wait(self.interval):
            due = self._batch_due
            if self._poll_once() or (due is not None and self.clock() >= due):
                with contextlib.suppress(OSError):
                    os.write(self._w, b"m")

    def _poll_once(self) -> bool:
        """Queue what the followers have that is new; True when there was something."""
        found = False
        with self._lock:
            for i, follower in enumerate(self.followers):
                try:
                    lines = follower.poll()
                except OSError as exc:  # unreadable for now: said once, tried again
                    self._error = f"{follower.path}: {exc.strerror or exc}"
                    continue
                if isinstance(follower, JournalFollower) and follower.error:
                    self._error = f"{follower.path}: {follower.error}"  # journalctl ended
                if lines:
                    self._lines.put((i, lines))
                    found = True
        return found

    # ------------------------------------------------------------------ the engine's side
    def fileno(self) -> int:
        return self._r

    def wait_restored(self, timeout: float | None = None) -> bool:
        """Wait until the logs were read back at start (True when done)."""
        return self._ready.wait(timeout)

    def read_events(self) -> Sequence[Any]:
        self._ready.wait()  # the policy is the read-back's until it is done
        if self._retune is not None:
            self._take_retune()
        with contextlib.suppress(OSError):
            while os.read(self._r, 4096):
                pass
        self._poll_once()  # what came since the thread looked (and the final drain at a stop)
        now = time.time()
        year, offset = time.localtime(now).tm_year, local_time()
        while True:
            try:
                i, lines = self._lines.get_nowait()
            except queue.Empty:
                break
            counts = self.counts[i]
            counts.lines += len(lines)

            # a line stamped Dec 31 read just after midnight is of the year before
            spec = self.specs[i]
            parse = parser_for(
                spec.kind, year, offset, now, spec.root, self.names[i], spec.user
            )
            # with the line the last look held open (a split syslog line, a name broken at
            # a newline: its next part may come in the next look)
            carry(self._parsers.get(i), parse, counts)
            self._parsers[i] = parse
            for ev in parse_lines(parse, lines, counts):
                self.ledger.add(ev)
        with self._lock:  # the journal's entries it could not make a line of
            for i, follower in enumerate(self.followers):
                if isinstance(follower, JournalFollower):
                    self.counts[i].malformed += follower.take_malformed()
        if self._queued:
            self._batches(self.clock())
        out, self._out = self._out, []
        return out

    def _batches(self, now: float) -> None:
        """Hand over the queue ids waiting whose incident's last batch is old enough."""
        from spamtrace.service.bus import MailQueued

        due: float | None = None
        for inc_id, (record, ids) in list(self._queued.items()):
            at = self._batched.get(inc_id, 0.0) + QUEUED_INTERVAL
            if now >= at:
                self._out.append(MailQueued(record, tuple(ids), time.time()))
                del self._queued[inc_id]
                self._batch_done(inc_id, now)
            elif due is None or at < due:
                due = at
        self._batch_due = due

    def _batch_done(self, inc_id: str, now: float) -> None:
        self._batched.pop(inc_id, None)
        self._batched[inc_id] = now
        if len(self._batched) > MAX_BATCHED:
            del self._batched[next(iter(self._batched))]

    def _message(self, msg: MailMessage) -> None:
        self._take(self.policy.observe(msg), msg)

    def _recipient(self, msg: MailMessage, address: str, wall: float) -> None:
        self._take(self.policy.recipient(msg, address, wall), msg)

    def _take(self, update: MailUpdate | None, msg: MailMessage) -> None:
        if update is None or self._restoring:
            return
        from spamtrace.service.bus import SourceIncident
        from spamtrace.sinks.records import mail_records

        inc = update.incident
        account = self._account(inc)
        postfix = tuple(s.path for s in self.specs if s.kind == "postfix")
        event, record = mail_records(msg, inc, account, postfix)
        more = "" if update.opened or not _milestone(inc.messages) else f"{inc.messages} messages"
        record.process["mta"] = msg.mta
        if update.opened or more:  # published: what the responses freeze (not on every message)
            record.process["queue_ids"] = list(self.policy.queue_ids(inc.sender))
            self._queued.pop(inc.id, None)  # those ids are in it
            self._batch_done(inc.id, self.clock())
        elif msg.queue_id is not None:  # handed over in the next batch (MailQueued)
            waiting = self._queued.get(inc.id)
            ids = waiting[1] if waiting is not None else []
            if len(ids) < MAX_BATCH_IDS:
                ids.append(msg.queue_id)
            self._queued[inc.id] = (record, ids)
        self._out.append(SourceIncident(event, record, update.opened, True, more))

    def _account(self, inc: MailIncident) -> Account | None:
        """The sender's hosting account: its uid's, or for a mailbox the panel's owner of
        its domain (so that never_accounts / only_accounts and {account} apply to it)."""
        if inc.uid is not None:
            return self.accounts.for_uid(inc.uid)
        box = inc.auth_user
        if not box or "@" not in box:
            return None
        return self.accounts.for_domain(box.rpartition("@")[2])

    def open_count(self) -> int:
        """The mail-script / mail-auth incidents open now (``status``'s ``incidents_open``)."""
        return self.policy.open_count(time.time())

    def stats(self) -> dict[str, Any]:
        return {
            "logs": [
                {"path": c.path, "kind": c.kind,
                 "waiting": not f.is_open and not isinstance(f, JournalFollower),
                 "lines": c.lines, "events": c.events,
                 "malformed": c.malformed, "long_lines": f.stats.long_lines,
                 "rotations": f.stats.rotations, "truncations": f.stats.truncations,
                 "lost_bytes": f.stats.lost_bytes,
                 **({"journal": True, "restarts": f.restarts, "cursor": f.cursor}
                    if isinstance(f, JournalFollower) else {})}
                for c, f in zip(self.counts, self.followers, strict=True)
            ],
            "messages": self.ledger.messages - self.restored,
            "restored": self.restored,
            "error": self._error,
        }  # fmt: skip

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)
        for follower in self.followers:
            follower.close()
        for fd in (self._r, self._w):
            with contextlib.suppress(OSError):
                os.close(fd)


def sources(
    cfg: Config,
    roots: Mapping[str, str] | None = None,
    waiting: Sequence[LogSpec] = (),
    users: Mapping[str, str] | None = None,
) -> list[MailLogSource]:
    """The mail-log source for ``cfg``, when a configured log exists or one is ``waiting``
    (else none); ``roots``: {PHP mail.log file: the chroot of the FPM pool that writes it};
    ``waiting``: named logs not there yet, followed from their first line once they appear;
    ``users``: {PHP mail.log file: the one user of the FPM pools that write it}."""
    specs = configured(cfg.mail, waiting, roots=roots, users=users)
    return [MailLogSource(cfg, specs)] if specs and cfg.mail.follow else []
