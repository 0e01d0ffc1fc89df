"""The capture engine: sources -> attribution -> incidents -> store, and the bus.

::

    proc connector ──> ExecCache (pid -> process at exec time)
    tracefs tracepoint ─┐
    [sockdiag polling] ─┼─> Attributor (live /proc -> exec cache -> uid only) -> judge
    NFLOG (firewall)  ──┤      -> IncidentTracker -> Store (writer thread)
    [extra sources]   ──┘      -> messages to the subscribers (service/bus.py)

Sources (:class:`~spamtrace.service.bus.Source`) are multiplexed with :mod:`selectors`. The
proc connector is always drained before the tracepoint is read, and the tracepoint before
NFLOG, so the exec cache is as fresh as possible and a blocked SYN seen by the tracepoint is
in its incident before its NFLOG record arrives; extra sources come last. No event is
dropped: an event that cannot be attributed is still stored, published and counted in an
incident, with ``attribution: none``.

What is read is handled fairly (:meth:`Engine._schedule`): the connects of a process
attributed already whose uid the kernel refuses (a flood of refused connects) wait in a
backlog, handled a slice per loop turn with that process's attribution reused, behind
every other event (a new sender is read while it runs and blocked within a second); the
backlog is counted, stored and published a batch at a time (:meth:`Engine._handle_backlog`).

When a ``suspicious`` incident opens, its scripts and folder are scanned on a worker thread
(:mod:`spamtrace.service.scanning`) and :class:`~spamtrace.service.bus.IncidentOpened` waits
for the scan (at most the budget plus a second) so that it names the file; the reader goes
on meanwhile. The engine does no output of its own: ``watch`` and ``daemon`` give it
subscribers (the terminal view, alerts, metrics...). It takes its settings from
:class:`EngineOptions`, never from the command line.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from spamtrace.errors import ExitCode, KernelFeatureUnavailable, SpamtraceError, StoreError
from spamtrace.model import (
    AttributedAttempt,
    SmtpConnectAttempted,
    SmtpConnectBlocked,
    Verdict,
)
from spamtrace.service import scanning
from spamtrace.service.bus import (
    AttemptRecorded,
    AttemptsRecorded,
    BlockedRecorded,
    CaptureGap,
    CaptureMode,
    CaptureModeChanged,
    EngineStarted,
    EngineStopping,
    EventsLost,
    IncidentOpened,
    IncidentUpdated,
    MailQueued,
    Message,
    ScanCompleted,
    Source,
    SourceEventSeen,
    SourceIncident,
    Subscriber,
    UpdateReason,
)
from spamtrace.service.scanning import IncidentScan, IncidentScanner, scan_targets_of
from spamtrace.sinks.records import event_record, incident_of_record, incident_record
from spamtrace.sources.proc_connector import LAZY_DRAIN_EVERY
from spamtrace.suspects import ProcessKey, file_advice, link_advice

if TYPE_CHECKING:
    from spamtrace.attribution.attributor import Attributor
    from spamtrace.attribution.exec_cache import ExecCache
    from spamtrace.config import Config
    from spamtrace.model import Event
    from spamtrace.policy.incidents import Incident, IncidentTracker, IncidentUpdate
    from spamtrace.service.instance import InstanceLock
    from spamtrace.sinks.store import IncidentRecord, Store
    from spamtrace.sources.fpm_access import FpmAccessLogs
    from spamtrace.sources.tracefs import TracefsSource

#: NFLOG records wait this long (s) so that the tracepoint event of the same SYN comes first
BLOCKED_HOLD = 0.05
#: seconds between checks of the sources' lost-event counters and the exec cache's expiry
HOUSEKEEPING_EVERY = 5.0
#: seconds of a batch of events between two reads of the proc connector: a burst of connects
#: is attributed one by one, a few milliseconds each on a busy host, and an exec left unread
#: meanwhile may be a short-lived sender's that has exited by the end of the batch
PROC_DRAIN_EVERY = 0.01
#: seconds of handling per loop turn before the sources are read again, for the attempts of
#: senders not contained yet (a new sender's first connect waits at most this long behind
#: them) and for the backlog of contained senders' attempts
URGENT_SLICE = 0.05
BACKLOG_SLICE = 0.02
#: the backlog's events handled in one step (:meth:`Engine._handle_backlog`): stored
#: together, one message per incident a step
BACKLOG_BATCH = 256
#: seconds a stop handles the attempts read and not handled yet (a flood's backlog: ~50,000
#: took 2-4 minutes on a loaded 2-core host) before it leaves the rest, counted as lost
#: (source ``stop``): the unit's TimeoutStopSec=90s must also hold the queued responses'
#: end (30 s), the store's last writes (retried up to 10 s) and the removal of the trace
#: instance, or systemd kills the daemon and every write still queued is lost
STOP_DRAIN_SECONDS = 15.0
#: while stopping, how often the loop asks whether a subscriber is done delivering
STOP_POLL = 0.1
#: seconds a uid counts as contained after the last sign that the kernel refuses its
#: connects (an NFLOG record of it, or a block the responses made)
CONTAINED_FOR = 60.0
#: the incidents whose latest state, first attempt and scan findings are kept (the latest
#: updated)
MAX_KNOWN_INCIDENTS = 10_000
#: seconds between two stored states of an incident the backlog counts into
STORE_INCIDENT_EVERY = 1.0
#: the backlog waits while the store's queue has less room than this (half the default)...
STORE_RESERVE = 50_000
#: ...unless it holds this many events (~270 MB): a store stalled for good (disk full) must
#: not make the backlog grow without end; its writes are then lost and counted, as before
MAX_BACKLOG = 500_000


@dataclass(frozen=True, slots=True)
class ScanFindings:
    """What the scan of an incident's scripts and folder found: its suspect files, its
    symlinks to where a site must not reach, and the files of its folder it did not read."""

    files: tuple[dict[str, Any], ...]
    links: tuple[dict[str, Any], ...] | None
    not_scanned: int | None


@dataclass(frozen=True, slots=True)
class KnownIncident:
    """What the engine knows of one incident, in one record: its latest state (None: taken up
    from the store, no attempt of it seen yet), the first attempt that named its sender, and
    its scan's findings (None: not scanned yet)."""

    latest: Incident | None = None
    first: AttributedAttempt | None = None
    findings: ScanFindings | None = None

    def record(self) -> IncidentRecord | None:
        """Its state as stored and published (None: no state seen yet)."""
        if self.latest is None:
            return None
        found = self.findings
        if found is None:
            return incident_record(self.latest, self.first)
        return incident_record(
            self.latest, self.first, found.files, found.links, found.not_scanned
        )


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """What the engine is asked to do (``watch`` and ``daemon`` fill it from their flags)."""

    store_path: str | None  # None: no store
    source: str = "auto"  # "auto" (tracepoint, else polling), "tracepoint" (or fail), "poll"
    nflog: bool = True  # read the firewall's NFLOG group (blocked attempts)
    scan: bool = True  # scan the scripts and folder of suspicious incidents
    scan_budget: float = scanning.SCAN_BUDGET
    #: leave the tracefs instance recording at stop, for the next start to take over its
    #: buffer (a service restart or upgrade then loses no connect attempt)
    keep_trace_buffer: bool = False
    #: load the scanner at the start, not at the first incident (the daemon: 0.7 s of CPU
    #: once, that a short `watch --duration` would pay for nothing)
    warm_scanner: bool = False


def source_name(src: object) -> str:
    name = getattr(src, "name", None)
    if isinstance(name, str):
        return name
    cls = type(src).__name__
    return "nflog" if cls == "NflogSource" else cls


def proc_connector_degraded(why: str) -> str:
    """The DEGRADED line of a proc connector that could not be opened (``why``: the source's
    message, which names the connector itself: it read "proc connector unavailable (proc
    connector unavailable (...": the name twice)."""
    if not why.startswith("proc connector"):
        why = f"proc connector unavailable ({why})"
    return f"{why}; processes that exit within milliseconds are attributed by uid only"


class Engine:
    def __init__(
        self,
        cfg: Config,
        options: EngineOptions,
        subscribers: Iterable[Subscriber] = (),
        sources: Iterable[Source] = (),
    ) -> None:
        from spamtrace.attribution.accounts import AccountResolver
        from spamtrace.attribution.exec_cache import ExecCache
        from spamtrace.attribution.mta import detect_mta
        from spamtrace.policy.incidents import IncidentTracker

        self.cfg = cfg
        self.options = options
        self.subscribers: list[Subscriber] = list(subscribers)
        self.extra_sources: list[Source] = list(sources)
        self.subscriber_errors: dict[str, int] = {}
        self.degraded: list[str] = []
        self.notes: list[str] = []
        self.sources: list[Source] = []
        self.proc_src: Source | None = None
        self.trace_src: TracefsSource | None = None
        self.store: Store | None = None
        self.exec_cache: ExecCache | None = None
        self._start_reader: ExecReaderAtStart | None = None
        self.tracker: IncidentTracker = IncidentTracker()
        #: incident id -> what is known of it (its latest state, its first attempt, its scan)
        self._incidents: dict[str, KnownIncident] = {}
        self.mta = detect_mta(cfg.mta)
        self.accounts = AccountResolver(cfg.accounts)
        self.started = time.time()
        self.events = 0
        self.blocked_events = 0
        self.source_incident_events = 0  # events of extra sources' own incidents (mail logs)
        self.alerting_opened = 0
        self.incidents_opened = 0
        self.lost: dict[str, int] = {}
        #: the sources whose lost count is a lower bound (the kernel said "some", not how many)
        self.lost_at_least: set[str] = set()
        self._stop_r, self._stop_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._stopping = False
        #: a second stop signal: the loop ends at once (the final drain still runs)
        self._hurry = False
        #: when the stop began (monotonic; None: not stopping), for the subscribers' grace
        self._stop_began: float | None = None
        #: connect attempts and blocked records read after the stop was asked
        self.read_while_stopping = 0
        #: events taken from the queues and handled (the scheduler's), and the count that
        #: covers what was queued when the stop was asked: the stop waits for those, not for
        #: what a sender that goes on adds meanwhile (a contained one never stops trying)
        self._handled_queued = 0
        self._owed_at_stop = 0
        #: work off the bus that a stop waits for, capture going on (True: still busy), as
        #: the subscribers' ``settling``: the daemon's firewall check running
        self.stop_waits: list[Callable[[], bool]] = []
        self._posted: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self._pending_blocked: list[tuple[float, SmtpConnectBlocked]] = []
        #: the fair scheduler (see :meth:`_schedule`): attempts of senders not contained yet,
        #: handled first, and the backlog of contained senders' attempts, in arrival order
        self._urgent: deque[tuple[Event, object]] = deque()
        #: each with the attribution it reuses, taken when it was read (None: an NFLOG record)
        self._backlog: deque[tuple[Event, object, AttributedAttempt | None]] = deque()
        #: uid -> when the kernel was last known to refuse its connects (monotonic)
        self._contained: dict[int, float] = {}
        #: the clock that bounds each part of :meth:`_schedule` to its slice (tests give one
        #: of their own, so that what a slice holds does not hang on the host's load)
        self.clock: Callable[[], float] = time.monotonic
        #: attempts handled from the backlog, and how many of them reused an attribution
        self.backlog_handled = 0
        self.backlog_reused = 0
        self.backlog_peak = 0
        #: when the stop's handling of what was read ends (:data:`STOP_DRAIN_SECONDS`; the
        #: scheduler's clock), and the attempts left unhandled then
        self._stop_by: float | None = None
        self.unhandled_at_stop = 0
        #: incident id -> its latest state not stored yet, and when it was last stored
        #: (monotonic), for the backlog's events (see :meth:`_handle`)
        self._unstored: dict[str, Any] = {}
        #: the latest time of a connect read from the tracepoint (wall clock)
        self._trace_wall = 0.0
        self._stored_at: dict[str, float] = {}
        self._exec_cache_cls = ExecCache
        self.attributor: Attributor | None = None
        self.fpm_logs: FpmAccessLogs | None = None
        self.scanner: IncidentScanner | None = None
        #: incident id -> when its held-back "incident opened" message is due anyway
        self._held: dict[str, float] = {}
        #: `submission` incidents to this host's own MTA (loopback, or the host's address):
        #: the local logins a mail-auth incident from this host is joined with
        self._local_submissions: dict[str, Incident] = {}
        #: the network namespaces of this host's MTA (:func:`mta_netns`) and when read: a
        #: loopback connect of another one (a container's own) is not to that MTA
        self._mta_netns: tuple[float, frozenset[int]] = (-math.inf, frozenset())
        #: the local senders of mail-auth incidents scanned (once each)
        self._local_scanned: dict[str, None] = {}
        #: periodic jobs run on the loop: (every seconds, function) (the daemon adds some)
        self.periodic: list[tuple[float, Any]] = []
        self._selector: Any = None
        self.lock: InstanceLock | None = None
        #: the previous run's capture gap, when it was killed (reported, never hidden)
        self.gap: CaptureGap | None = None
        self._fd_callbacks: list[tuple[int, Callable[[], None]]] = []
        #: when the proc connector was last drained into the exec cache (monotonic)
        self._drained_at = 0.0
        #: functions to run on the loop (from signal handlers and other threads)
        self._calls: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()

    # ------------------------------------------------------------------ the bus
    def publish(self, message: Message) -> None:
        """Hand ``message`` to every subscriber, in order; a failing one is counted, not fatal.
        A batch of attempts goes as one message per attempt to a subscriber that takes no
        batches (see :class:`~spamtrace.service.bus.AttemptsRecorded`)."""
        batch = isinstance(message, AttemptsRecorded)
        for sub in self.subscribers:
            if batch and not getattr(sub, "takes_batches", False):
                assert isinstance(message, AttemptsRecorded)
                for one in message.each():
                    self._hand(sub, one)
            else:
                self._hand(sub, message)

    def _hand(self, sub: Subscriber, message: Message) -> None:
        try:
            sub.handle(message)
        except Exception:
            name = getattr(sub, "name", type(sub).__name__)
            self.subscriber_errors[name] = self.subscriber_errors.get(name, 0) + 1

    def post(self, message: Message) -> None:
        """Publish ``message`` on the loop (thread-safe; for subscribers' worker threads)."""
        self._posted.put(message)
        with contextlib.suppress(OSError):
            os.write(self._stop_w, b"p")

    def call_soon(self, fn: Callable[[], None]) -> None:
        """Run ``fn()`` on the loop (safe in a signal handler and from other threads)."""
        self._calls.put(fn)
        with contextlib.suppress(OSError):
            os.write(self._stop_w, b"c")

    def _run_calls(self) -> None:
        while True:
            try:
                fn = self._calls.get_nowait()
            except queue.Empty:
                return
            fn()

    def flush_posted(self) -> None:
        """Publish what was posted so far, now (on the loop thread: a subscriber finishing
        its work at EngineStopping)."""
        self._publish_posted()

    def _publish_posted(self) -> None:
        while True:
            try:
                message = self._posted.get_nowait()
            except queue.Empty:
                return
            self.publish(message)

    @property
    def capture_mode(self) -> CaptureMode:
        return CaptureMode.TRACEPOINT if self.trace_src is not None else CaptureMode.DEGRADED

    # ------------------------------------------------------------------ setup
    def _resume_incidents(self) -> None:
        """Take up the incidents the store recorded before a restart (same ids, counts go on)."""
        assert self.store is not None
        since = time.time() - self.tracker.idle_gap
        try:
            with self.store.reader() as reader:
                records = reader.incidents(since=since, limit=self.tracker.max_open)
        except SpamtraceError as exc:
            self.notes.append(f"incidents from before this start not taken up: {exc.message}")
            return
        taken = self.tracker.resume(r for r in map(incident_of_record, records) if r is not None)
        for rec in records:
            if rec.suspect_files is not None:
                found = ScanFindings(rec.suspect_files, rec.suspect_links, rec.not_scanned)
                self._know(rec.id, KnownIncident(findings=found))
        if taken:
            self.notes.append(f"{taken} incident(s) from before this start taken up")

    def open(self) -> None:
        from spamtrace.attribution.attributor import Attributor

        opts, cfg = self.options, self.cfg
        if opts.store_path is not None:
            from spamtrace.service.instance import InstanceLock
            from spamtrace.sinks.store import DEFAULT_STORE_DIR, Store

            folder = os.path.dirname(os.path.abspath(opts.store_path))
            if folder == DEFAULT_STORE_DIR:
                try:
                    os.makedirs(folder, mode=0o700, exist_ok=True)
                except OSError as exc:  # a read-only /var/lib: said, not an internal error
                    raise StoreError(
                        f"cannot create the store's folder {folder}: {exc.strerror or exc} "
                        "(give another store with --db or [store] path)"
                    ) from None
            if os.path.isdir(folder):  # else the store says what is wrong with the path
                self.lock = InstanceLock(opts.store_path)
                if self.lock.gap is not None:
                    pid, since, until = self.lock.gap
                    self.gap = CaptureGap(pid, since, until)
                    self.notes.append(
                        f"capture gap: the previous watcher of this store (pid {pid}) did not "
                        f"stop cleanly; nothing was watched {self.gap.said()}, from its last "
                        "sign of life to this start"
                    )
                elif self.lock.stopped_before is not None:
                    self.notes.append(self._stopped_before_note(*self.lock.stopped_before))

            self.store = Store(
                opts.store_path,
                queue_size=cfg.watch.queue_size,
                retention_days=cfg.store.retention_days,
                max_events=cfg.store.max_events,
                warn=self._store_stalled,
            )
            self._resume_incidents()
        from spamtrace.sources.proc_connector import ProcConnectorSource

        try:
            self.proc_src = ProcConnectorSource()
            self.exec_cache = self._exec_cache_cls(
                max_entries=cfg.watch.exec_cache_size, min_uid=cfg.accounts.min_uid
            )
        except SpamtraceError as exc:
            self.degraded.append(proc_connector_degraded(exc.message))
        else:
            self._start_reader = ExecReaderAtStart(self.proc_src, self.exec_cache)
        self.attributor = Attributor(cfg, self.mta, self.accounts, self.exec_cache)
        self.attributor.refresh = self._drain_proc
        self._open_fpm_logs()
        if opts.source in ("auto", "tracepoint"):
            from spamtrace.sources.tracefs import TracefsSource

            try:
                self.trace_src = TracefsSource(
                    cfg.smtp.ports, owner=opts.store_path, stored_keys=self._stored_keys
                )
            except SpamtraceError as exc:
                if opts.source == "tracepoint":
                    raise
                self._fallback_to_polling(f"tracepoint unavailable: {exc.message}")
            self._note_restart_gap()
        else:
            self._fallback_to_polling("--source poll")
        if self.trace_src is not None:
            self.sources.append(self.trace_src)
        if self.proc_src is not None:
            self.sources.append(self.proc_src)
        if opts.nflog:
            self._open_nflog()
        self.sources.extend(self.extra_sources)
        if opts.scan:
            self.notes += _user_rules_note(cfg)  # first: it imports the scanner's rules too
            # the daemon's scanner is loaded in the background now, not at the first incident
            self.scanner = IncidentScanner(cfg.scan, opts.scan_budget, warm=opts.warm_scanner)

    def _open_fpm_logs(self) -> None:
        """The php-fpm access logs of ``[watch] fpm_access_logs`` (the attributor reads them)."""
        if not self.cfg.watch.fpm_access_logs or self.attributor is None:
            return
        from spamtrace.safetext import escape
        from spamtrace.sources.fpm_access import FpmAccessLogs, configured

        chosen, notes = configured(self.cfg.watch.fpm_access_logs, self.cfg.watch.fpm_access_format)
        self.notes += notes
        if not chosen:
            return
        self.fpm_logs = FpmAccessLogs(chosen)
        self.attributor.fpm_logs = self.fpm_logs
        self.notes.append(
            "php-fpm access logs name the scripts of requests too short to be read live: "
            + ", ".join(escape(p) for p, _ in chosen)
        )
        self.notes += [
            f"php-fpm access log {escape(path)} cannot be read yet ({escape(why)}): tried "
            "again at the next php-fpm connect"
            for path, why in self.fpm_logs.errors()
        ]

    def _stored_keys(self, since: float) -> set[tuple[float, int, str]]:
        """The tracepoint events the store holds since ``since``, for the takeover."""
        if self.store is None:
            return set()
        try:
            with self.store.reader() as reader:
                return reader.tracepoint_keys(since)
        except SpamtraceError:
            return set()

    def _stopped_before_note(self, pid: int, stopped: float) -> str:
        """The window a clean stop left: nothing was watched from the previous run's stop to
        this start (a restart, an upgrade, a stop for days), said so an admin reading the
        journal after a spam run knows what the store could not hold."""
        from spamtrace.render.incidents import iso

        seconds = self.lock.started - stopped if self.lock is not None else 0.0
        if seconds < 0:
            length = "for a time not known (the clock was set back since)"
        else:  # a restart takes well under a second: "for 0 s" read as no window at all
            length = f"for {seconds:.1f} s" if seconds < 10 else f"for {seconds:.0f} s"
        return (
            f"not watched {length} before this start: the previous watcher of this store "
            f"(pid {pid}) stopped cleanly at {iso(stopped)}; connections made meanwhile are "
            "not in the store (a daemon with [daemon] keep_trace_buffer = true hands over what "
            "the kernel recorded across a restart)"
        )

    def _note_restart_gap(self) -> None:
        """Say what a restart recovered from the dead watcher's trace buffer: its capture gap
        is then closed (reported only for what its buffer could not hold)."""
        taken = self.trace_src.taken_over if self.trace_src is not None else []
        for report in taken:
            self.notes.append(report.describe())
            if self.gap is not None and report.pid == self.gap.previous_pid and report.continuous:
                self.notes = [n for n in self.notes if not n.startswith("capture gap:")]
                self.gap = None
            stopped = self.lock.stopped_before if self.lock is not None else None
            if stopped is not None and report.pid == stopped[0] and report.continuous:
                self.notes = [n for n in self.notes if not n.startswith("not watched for")]

    def _fallback_to_polling(self, why: str) -> None:
        from spamtrace.sources.sockdiag_poll import SockdiagPollSource

        interval = self.cfg.watch.poll_interval
        # a degraded reason: the renderers put DEGRADED before it (it said it again itself)
        self.degraded.append(
            f"polling sock_diag every {interval * 1000:.0f} ms ({why}), which misses short "
            "connections (see docs/watch.md for the measured catch rate)"
        )
        self.sources.append(SockdiagPollSource(self.cfg.smtp.ports, interval))

    def _open_nflog(self) -> None:
        try:
            from spamtrace.sources.nflog import NflogSource
        except ImportError:
            self.notes.append("NFLOG reader not installed: blocked attempts are not read")
            return
        try:
            self.sources.append(NflogSource(self.cfg.firewall.nflog_group))
        except SpamtraceError as exc:
            self.notes.append(f"blocked attempts are not read: {exc.message}")

    def request_stop(self, *_: object) -> None:
        """Stop the loop (safe in a signal handler); a second request: at once."""
        if self._stopping:
            self._hurry = True
        self._stopping = True
        with contextlib.suppress(OSError):
            os.write(self._stop_w, b"x")

    def close(self) -> None:
        self._stop_start_reader()
        for src in self.sources:
            with contextlib.suppress(Exception):
                if src is self.trace_src and self.options.keep_trace_buffer:
                    self.trace_src.close(keep=True)
                else:
                    src.close()
        self.sources.clear()
        if self.fpm_logs is not None:
            self.fpm_logs.close()
        if self.scanner is not None:
            self.scanner.close()
        if self.store is not None:
            self.store.close()
        for sub in self.subscribers:
            with contextlib.suppress(Exception):
                sub.close()
        self.subscribers.clear()
        for fd in (self._stop_r, self._stop_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._stop_r = self._stop_w = -1
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def reload(self, cfg: Config) -> list[str]:
        """Take a new config (SIGHUP): attribution, verdicts and accounts follow it at once.
        Returns notes on what needs a restart to change (the sources' ports and groups)."""
        from spamtrace.attribution.accounts import AccountResolver
        from spamtrace.attribution.mta import detect_mta
        from spamtrace.sources.maillog.follow import MailLogSource

        notes = []
        if list(cfg.smtp.ports) != list(self.cfg.smtp.ports):
            notes.append("smtp.ports changed: the tracepoint keeps the old ports until a restart")
        if cfg.firewall.nflog_group != self.cfg.firewall.nflog_group:
            notes.append("firewall.nflog_group changed: takes effect at the next restart")
        if cfg.store.path != self.cfg.store.path:
            notes.append("store.path changed: takes effect at the next restart")
        if (cfg.watch.fpm_access_logs, cfg.watch.fpm_access_format) != (
            self.cfg.watch.fpm_access_logs,
            self.cfg.watch.fpm_access_format,
        ):
            notes.append("watch.fpm_access_logs changed: takes effect at the next restart")
        if self.scanner is not None:
            notes += _user_rules_note(cfg)
        # the mail-log source takes [mail]'s limits, allow_accounts and [accounts] at its next
        # line; which logs it follows (and whether) is set at the start
        for key in ("exim_logs", "postfix_logs", "php_logs", "follow", "restore_hours"):
            if getattr(cfg.mail, key) != getattr(self.cfg.mail, key):
                notes.append(f"mail.{key} changed: takes effect at the next restart")
        for src in self.extra_sources:
            if isinstance(src, MailLogSource):
                src.reconfigure(cfg)
        self.cfg = cfg
        self.mta = detect_mta(cfg.mta)
        self.accounts = AccountResolver(cfg.accounts)
        if self.attributor is not None:
            self.attributor.cfg = cfg
            self.attributor.mta = self.mta
            self.attributor.accounts = self.accounts
        return notes

    def started_message(self) -> EngineStarted:
        return EngineStarted(
            at=self.started, pid=os.getpid(), capture_mode=self.capture_mode,
            sources=tuple(source_name(s) for s in self.sources),
            store=self.store.path if self.store is not None else None,
            ports=tuple(self.cfg.smtp.ports), degraded=tuple(self.degraded),
            notes=tuple(self.notes), mta_kind=self.mta.kind, mta_users=tuple(self.mta.users),
        )  # fmt: skip

    # ------------------------------------------------------------------ running
    def watch_fd(self, fd: int, callback: Callable[[], None]) -> None:
        """Call ``callback()`` on the loop when ``fd`` is readable (the control socket)."""
        import selectors

        self._fd_callbacks.append((fd, callback))
        if self._selector is not None:
            self._selector.register(fd, selectors.EVENT_READ, _Callback(callback))

    def run(self, duration: float | None) -> int:
        import selectors

        self._stop_start_reader()  # the loop reads the proc connector from here on
        sel = self._selector = selectors.DefaultSelector()
        for src in self.sources:
            sel.register(src.fileno(), selectors.EVENT_READ, src)
        sel.register(self._stop_r, selectors.EVENT_READ, None)
        if self.scanner is not None:
            sel.register(self.scanner.fileno(), selectors.EVENT_READ, self.scanner)
        for fd, callback in self._fd_callbacks:
            sel.register(fd, selectors.EVENT_READ, _Callback(callback))
        self.publish(self.started_message())
        if self.gap is not None:
            self.publish(self.gap)
        if self.trace_src is not None:  # attempts taken over from a dead watcher's buffer
            self._read_source(self.trace_src, sel)
        for _every, job in self.periodic:
            job()
        deadline = time.monotonic() + duration if duration is not None else None
        last_housekeeping = time.monotonic()
        last_run = [time.monotonic()] * len(self.periodic)
        next_due = last_housekeeping  # when housekeeping or a periodic job is next due
        proc_src = self.proc_src
        # the proc connector's forks and exits do not wake the loop: drained at each wake-up
        idle_timeout = 1.0 if proc_src is None else min(1.0, LAZY_DRAIN_EVERY)
        while not (self._stopping and self._stop_phase_over()):
            timeout = BLOCKED_HOLD if self._pending_blocked else idle_timeout
            if self._stopping:
                timeout = min(timeout, STOP_POLL)  # a subscriber's delivery may end any time
            if self._urgent or self._backlog:
                timeout = 0.0  # read the sources again, then go on with what was read
            if self._held:
                timeout = max(0.0, min(timeout, min(self._held.values()) - time.monotonic()))
            if deadline is not None:
                # the time left, not the wait: a turn with work waiting waits 0 s, which
                # read as "the time is up" (`watch --duration 10s` on a busy host: 0.2 s)
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                timeout = min(timeout, left)
            ready = sel.select(timeout)
            if (
                len(ready) == 1
                and ready[0][0].data is proc_src
                and not self._pending_blocked
                and not self._held
                and not self._urgent
                and not self._backlog
            ):
                # the common wake-up on a busy host: processes started; their execs are read
                # now, the rest waits for the next drain (at most LAZY_DRAIN_EVERY), unless
                # housekeeping is due (keep this path short: it runs per exec)
                now = time.monotonic()
                if now < next_due and now - self._drained_at < LAZY_DRAIN_EVERY:
                    self._read_execs()
                    continue
            self._drain_proc()
            callbacks = [k.data for k, _ in ready if isinstance(k.data, _Callback)]
            ordered = sorted(
                (
                    k.data
                    for k, _ in ready
                    if k.data is not None and not isinstance(k.data, _Callback)
                ),
                key=self._rank,
            )
            for src in ordered:
                if src is self.proc_src or src is self.scanner:
                    continue
                self._read_source(src, sel, handle=False)
            self._schedule()
            self._flush_blocked(sel)
            if self._held or any(k.data is self.scanner for k, _ in ready):
                self._collect_scans()
            if self._drain_wakeups(ready):
                self._publish_posted()
                self._run_calls()
            for served in callbacks:
                served.fn()
            now = time.monotonic()
            if now - last_housekeeping > HOUSEKEEPING_EVERY:
                if self.exec_cache is not None:
                    self.exec_cache.expire(now)
                if self.lock is not None:
                    self.lock.heartbeat()
                self._check_lost()
                last_housekeeping = now
            for i, (every, job) in enumerate(self.periodic):
                if now - last_run[i] >= every and not self._stopping:
                    last_run[i] = now
                    job()
            next_due = min(
                [
                    last_housekeeping + HOUSEKEEPING_EVERY,
                    *(last_run[i] + every for i, (every, _) in enumerate(self.periodic)),
                ]
            )
        # final drain: events already in the kernel buffers, for what is left of
        # STOP_DRAIN_SECONDS from the stop (all of it after a --duration's end)
        if self._stop_by is None:
            self._stop_by = self.clock() + STOP_DRAIN_SECONDS
        self._drain_proc()
        for src in sorted(self.sources, key=self._rank):
            if src is not self.proc_src:
                self._read_source(src, None, handle=False)
        self._schedule(drain=True)
        self._flush_blocked(None, force=True)
        self._schedule(drain=True)
        self._finish_scans()
        self._publish_posted()
        self._check_lost()
        sel.close()
        self._selector = None
        self.publish(EngineStopping(time.time(), self.summary()))
        return ExitCode.FOUND if self.alerting_opened else ExitCode.CLEAN

    def _stop_phase_over(self) -> bool:
        """A stop was asked: whether the loop may end now. Until then it goes on as before,
        its sources read too, so that a connect made during the stop is recorded (capture
        ended at the signal, and the handling of what was read and the alerts' grace came
        after, a window no one saw): while the attempts queued when the stop was asked are
        being handled (as many as were queued then: what a sender that goes on adds meanwhile
        does not hold the stop, the final drain takes it) or wait for their scan, while a
        subscriber still delivers within its own grace (``settling``: the alerts'
        ``stop_grace``) and while a :attr:`stop_waits` is busy. Bounded:
        :data:`STOP_DRAIN_SECONDS` from the stop at most, and a second signal ends it at
        once."""
        queued = len(self._urgent) + len(self._backlog) + len(self._pending_blocked)
        if self._stop_by is None:
            self._stop_by = self.clock() + STOP_DRAIN_SECONDS
            self._stop_began = time.monotonic()
            self._owed_at_stop = self._handled_queued + queued
        if self._hurry or self.clock() >= self._stop_by:
            return True
        if (queued and self._handled_queued < self._owed_at_stop) or self._held:
            return False
        if any(self._settling(sub) for sub in self.subscribers):
            return False
        return not any(_busy(wait) for wait in self.stop_waits)

    def _settling(self, sub: Subscriber) -> bool:
        settling = getattr(sub, "settling", None)
        if not callable(settling) or self._stop_began is None:
            return False
        try:
            return bool(settling(self._stop_began))
        except Exception:  # a subscriber's bug must not hold the stop
            return False

    def _drain_wakeups(self, ready: Sequence[Any]) -> bool:
        """Empty the wake-up pipe; True when it had something (a post, a call, a stop)."""
        if any(k.fd == self._stop_r for k, _ in ready):
            with contextlib.suppress(OSError):
                while os.read(self._stop_r, 4096):
                    pass
            return True
        return False

    def _check_lost(self) -> None:
        """Publish EventsLost when a source's (or the store's) lost counter went up."""
        counts: dict[str, int] = {}
        for src in self.sources:
            name = source_name(src)
            stats = getattr(src, "stats", None)
            if callable(stats):
                with contextlib.suppress(Exception):
                    st = stats()
                    lost = getattr(st, "lost_markers", 0) + getattr(st, "overrun", 0)
                    lost += getattr(st, "enobufs", 0)
                    counts[name] = int(lost)
            overruns = getattr(src, "overruns", None)
            if isinstance(overruns, int):
                counts[name] = counts.get(name, 0) + overruns
                if getattr(src, "overruns_exact", True) is False:
                    self.lost_at_least.add(name)
                else:
                    self.lost_at_least.discard(name)
        if self.store is not None:
            counts["store"] = self.store.health().lost
        if self.unhandled_at_stop:
            counts["stop"] = self.unhandled_at_stop
        now = time.time()
        for name, total in counts.items():
            before = self.lost.get(name, 0)
            if total > before:
                self.lost[name] = total
                self.publish(
                    EventsLost(name, total - before, total, now, name in self.lost_at_least)
                )

    @property
    def events_lost(self) -> int:
        return sum(self.lost.values())

    # ------------------------------------------------------------------ scanning
    def _collect_scans(self, *, expire: bool = True) -> None:
        """Take finished scans: store them, publish held-back incidents; expire late ones."""
        if self.scanner is None:
            return
        for result in self.scanner.results():
            self._scanned(result)
        if expire and self._held:
            now = time.monotonic()
            for ident in [i for i, due in self._held.items() if due <= now]:
                del self._held[ident]
                self._publish_opened(ident, None)

    def _finish_scans(self) -> None:
        """At the end of a run: wait (bounded) for the scans of held-back incidents."""
        while self.scanner is not None and self._held:
            now = time.monotonic()
            due = min(self._held.values())
            if due > now:
                self.scanner.wait(due - now)
            self._collect_scans()

    def _scanned(self, result: IncidentScan) -> None:
        from spamtrace.render.incidents import scan_json

        ident = result.incident_id
        held = ident in self._held
        rec = None
        if result.files is not None:
            found = ScanFindings(result.files, result.links or (), result.not_scanned)
            known = replace(self._incidents.get(ident) or KnownIncident(), findings=found)
            self._know(ident, known)
            rec = known.record()
            if rec is not None and self.store is not None:
                self.store.submit_incident(rec)
        self.publish(
            ScanCompleted(
                ident, result.paths, result.files, result.notes, result.seconds, result.reused,
                late=not held, links=result.links,
            )
        )  # fmt: skip
        if rec is not None:
            line = file_advice(result.files) or link_advice(result.links)
            reason = UpdateReason.ESCALATED if line else UpdateReason.SCANNED
            self.publish(IncidentUpdated(rec, reason, line or ""))
        if held:
            del self._held[ident]
            self._publish_opened(ident, scan_json(result))

    def _publish_opened(self, ident: str, scan: dict[str, Any] | None) -> None:
        known = self._incidents.get(ident)
        rec = known.record() if known is not None else None
        if known is None or known.latest is None or rec is None:
            return
        if scan is None:
            scan = {
                "notes": [
                    f"the scan took longer than {self._scan_budget() + scanning.SCAN_GRACE:g} "
                    "s: its result follows (incident-scanned) and is stored with the incident"
                ]
            }
        self.publish(IncidentOpened(rec, known.latest.alerting, scan))

    def _scan_budget(self) -> float:
        return self.scanner.budget if self.scanner is not None else scanning.SCAN_BUDGET

    def _stop_start_reader(self) -> None:
        if self._start_reader is not None:
            self._start_reader.stop()
            self._start_reader = None

    # ------------------------------------------------------------------ reading
    def _rank(self, src: Any) -> int:
        if src is self.proc_src:
            return 0
        if src is self.trace_src:
            return 1
        if src in self.extra_sources:
            return 3
        return 2

    def _drain_proc(self) -> None:
        if self.proc_src is None or self.exec_cache is None:
            return
        src, cache = self.proc_src, self.exec_cache
        since, self._drained_at = self._drained_at, time.monotonic()
        overruns = getattr(src, "enobufs", 0)
        try:
            for pev in src.read_events():
                cache.handle(pev)  # type: ignore[arg-type]
        except KernelFeatureUnavailable as exc:
            self._proc_failed(exc)
        if getattr(src, "enobufs", 0) != overruns:
            # its buffer overran since the last drain emptied it: what was sent meanwhile
            # may be lost (said by the attempts the cache then cannot attribute)
            cache.overran(since, self._drained_at)

    def _read_execs(self) -> None:
        """The proc connector woke for execs: read their processes now (they may exit
        within a millisecond), and leave the events to the next drain."""
        if self.proc_src is None or self.exec_cache is None:
            return
        src, cache = self.proc_src, self.exec_cache
        overruns = getattr(src, "enobufs", 0)
        try:
            prefetch = cache.prefetch
            for pev in src.read_execs():  # type: ignore[attr-defined]
                prefetch(pev.tgid, pev.monotonic)
        except KernelFeatureUnavailable as exc:
            self._proc_failed(exc)
        if getattr(src, "enobufs", 0) != overruns:
            cache.overran(self._drained_at, time.monotonic())

    def _proc_failed(self, exc: KernelFeatureUnavailable) -> None:
        if self.proc_src is not None:
            self._degrade(f"proc connector stopped: {exc.message}")
            self.sources.remove(self.proc_src)
            with contextlib.suppress(Exception):
                self.proc_src.close()
            self.proc_src = None

    def _degrade(self, text: str) -> None:
        self.degraded.append(text)
        self.publish(CaptureModeChanged(self.capture_mode, text, time.time()))

    def _read_source(self, src: Source, sel: Any, handle: bool = True) -> None:
        """Read ``src`` and queue its events for :meth:`_schedule`; ``handle``: schedule them
        now (the loop reads every ready source first)."""
        try:
            events = src.read_events()
        except KernelFeatureUnavailable as exc:
            if sel is not None:
                with contextlib.suppress(KeyError, ValueError):
                    sel.unregister(src.fileno())
            with contextlib.suppress(Exception):
                src.close()
            if src in self.sources:
                self.sources.remove(src)
            if src is self.trace_src:
                self.trace_src = None
                self._fallback_to_polling(exc.message)
                new = self.sources[-1]
                if sel is not None:
                    sel.register(new.fileno(), 1, new)
                self.publish(CaptureModeChanged(self.capture_mode, self.degraded[-1], time.time()))
            else:
                self._degrade(exc.message)
            return
        now = time.monotonic()
        if self._stopping:
            self.read_while_stopping += sum(
                isinstance(ev, (SmtpConnectBlocked, SmtpConnectAttempted)) for ev in events
            )
        # a flood's batch (thousands of connects, each looked up) takes long: the proc
        # connector is drained meanwhile too, or its buffer overruns under a fork flood and
        # the forks of the processes that connect next are lost
        drain = self.proc_src is not None and bool(self._contained)
        # and the connects that must be read at once (another account's first) are handled
        # every URGENT_SLICE, not held until the end of the batch: at load 14 a batch of
        # 3,960 took 2.7 s to sort, and B's connect waited for the rest of it
        clock, began, waiting = self.clock, self.clock(), 0
        for ev in events:
            if drain and time.monotonic() - self._drained_at >= PROC_DRAIN_EVERY:
                self._drain_proc()
            if waiting and clock() - began >= URGENT_SLICE:
                self._schedule(backlog_too=False)
                began, waiting = clock(), 0
            if isinstance(ev, SmtpConnectBlocked):
                # held briefly so that the tracepoint event of the same SYN is handled (or
                # queued) first
                self._pending_blocked.append((now, ev))
                if ev.uid is not None:
                    self._contained[ev.uid] = now  # the kernel refuses its connects
                continue
            if isinstance(ev, SmtpConnectAttempted) and ev.wall > self._trace_wall:
                self._trace_wall = ev.wall
            known = self._deferrable(ev, now)
            if known is not None:
                self._backlog.append((ev, src, known))
            else:
                self._urgent.append((ev, src))
                waiting += 1
        if len(self._backlog) > self.backlog_peak:
            self.backlog_peak = len(self._backlog)
        if handle:
            self._schedule()

    def contain(self, uid: int) -> None:
        """The responses blocked ``uid`` (its connects are refused in the kernel from now):
        its further attempts of processes already attributed go to the backlog."""
        self._contained[uid] = time.monotonic()

    def _is_contained(self, uid: int, now: float) -> bool:
        at = self._contained.get(uid)
        return at is not None and now - at < CONTAINED_FOR

    def _deferrable(self, ev: object, now: float) -> AttributedAttempt | None:
        """A connect of a process attributed already, whose uid the kernel refuses: its
        handling can wait behind the attempts of senders not contained yet, with that
        attribution (returned; None: handle it now). The trace line names the pid and the
        command name, not the uid: a pid the flooder's process had, taken since by another
        process with the same name (php-fpm's workers all have one), is that process's
        connect, read at once, never counted as the contained sender's."""
        if not self._contained or not isinstance(ev, SmtpConnectAttempted):
            return None
        if self.attributor is None:
            return None
        known = self.attributor.known.sender(ev.pid, ev.comm)
        cache = self.attributor.cache
        if known is not None and cache is not None:
            if ev.monotonic >= self._drained_at:
                # an exec between the last drain and this connect is in the connector's
                # buffer (sent before the new program runs): the cache must know it (only
                # here: a flood forking a process per connect has no earlier attribution of
                # its pid, and a drain per batch of it cost its other accounts' blocks ~1 s)
                self._drain_proc()
            # an attribution made before the pid's latest exec is the old program's
            known = self.attributor.known.sender(ev.pid, ev.comm, cache.began(ev.pid))
            if known is None:
                return None  # another program now: read it
        if known is not None:
            if known.process is None or known.process.uid is None:
                return None
            if not self._is_contained(known.process.uid, now):
                return None
            return known if _still_the_process(ev.pid, known.process.start_time) else None
        # a new process forked, with no exec since, by one whose own connect or an earlier
        # child's was attributed: a flood that forks a process per connect
        forked = self.attributor.forked_sender(ev)  # its parent checked there
        if forked is None or forked.process is None or forked.process.uid is None:
            return None
        return forked if self._is_contained(forked.process.uid, now) else None

    def _schedule(self, *, drain: bool = False, backlog_too: bool = True) -> None:
        """Handle what was read: first the attempts of senders not contained yet (a new
        sender is attributed while its process still runs, and blocked within a second,
        whatever the backlog of a flooding one), then a slice of the backlog of contained
        senders' attempts (each still counted in its incident, stored and published). Each
        part is bounded in time, so that the sources are read again soon; ``drain``: all of
        it (the final drain); ``backlog_too``: False, only the first part (in the middle of
        a long batch read)."""
        clock = self.clock
        start = clock()
        urgent, backlog = self._urgent, self._backlog
        stop_by = self._stop_by if drain else None
        while urgent:
            if not drain and clock() - start >= URGENT_SLICE:
                return
            if stop_by is not None and clock() >= stop_by:
                break
            now = time.monotonic()
            if now - self._drained_at >= PROC_DRAIN_EVERY:
                # the execs of a long batch's time, while their processes may still run
                self._drain_proc()
            ev, src = urgent.popleft()
            if isinstance(ev, SmtpConnectBlocked) and backlog:
                # an NFLOG record queued behind SYNs not handled yet when it was due: it
                # follows those of them that went to the backlog (it went there before them,
                # found no attempt to match, and was counted as one of its own: flood_bench
                # --fork c counted 21,277 and 25,626 for 20,000 connects)
                backlog.append((ev, None, None))
                continue
            known = self._deferrable(ev, now)
            if known is not None:  # contained since it was read
                backlog.append((ev, src, known))
                continue
            self._handled_queued += 1
            self._handle(ev, src)
        if not backlog_too:
            return
        if not drain and backlog and self._store_full() and len(backlog) < MAX_BACKLOG:
            return  # the store's writer catches up first: the backlog waits, not lost
        start = clock()
        while backlog:
            if not drain and clock() - start >= BACKLOG_SLICE:
                return
            if stop_by is not None and clock() >= stop_by:
                break
            items = [backlog.popleft() for _ in range(min(len(backlog), BACKLOG_BATCH))]
            self.backlog_handled += len(items)
            self._handled_queued += len(items)
            self._handle_backlog(items)
        self._store_unstored()
        if stop_by is not None and (urgent or backlog):
            # the stop's time is up: what is left is said and counted as lost (EventsLost
            # "stop"), not handled past the unit's stop timeout and killed with the store
            self.unhandled_at_stop += len(urgent) + len(backlog)
            urgent.clear()
            backlog.clear()

    def _store_full(self) -> bool:
        """The store's queue is more than half full: an event waits better in the backlog
        (~0.5 KB) than as a queued write, and one more write could be lost (a lost state of
        an incident leaves its stored count short for good)."""
        room = getattr(self.store, "room", None)
        return callable(room) and room() < STORE_RESERVE

    def _store_unstored(self) -> None:
        """The latest state of the incidents the backlog counted into, not stored yet."""
        if self.store is not None and self._unstored:
            now = time.monotonic()
            for ident, rec in self._unstored.items():
                self._stored_at[ident] = now
                self.store.submit_incident(rec)
        self._unstored.clear()
        if len(self._stored_at) > 10_000:
            self._stored_at.clear()

    def backlog_stats(self) -> dict[str, int]:
        """The attempts of contained senders handled after the others' (``status``)."""
        return {
            "handled": self.backlog_handled,
            "reused_attribution": self.backlog_reused,
            "peak": self.backlog_peak,
            "queued": len(self._backlog) + len(self._urgent),
        }

    @property
    def work_pending(self) -> bool:
        """Events read and not handled yet (the loop then reads its sources without waiting)."""
        return bool(self._urgent or self._backlog)

    def _flush_blocked(self, sel: Any, force: bool = False) -> None:
        if not self._pending_blocked:
            return
        now = time.monotonic()
        if not force and now - self._pending_blocked[0][0] < BLOCKED_HOLD:
            return
        if self.trace_src is not None:
            self._drain_proc()
            self._read_source(self.trace_src, sel, handle=False)  # the matching SYNs first
            self._schedule(drain=force)
        # the tracepoint read lags (its buffer was not emptied): a record whose SYN may not be
        # read yet waits, or it came before its SYN and both counted as an attempt
        behind = getattr(self.trace_src, "behind", False) and not force
        pending = self._pending_blocked
        done = 0
        for arrived, ev in pending:
            if not force and now - arrived < BLOCKED_HOLD:
                break
            if behind and ev.wall > self._trace_wall:
                break
            done += 1
            if self._urgent:
                # after the SYNs read before it (the tracepoint's event of the same SYN), which
                # go to the backlog first if their uid is contained since they were read
                self._urgent.append((ev, None))
            elif self._backlog:
                self._backlog.append((ev, None, None))  # after the SYNs read before it
            else:
                self._handled_queued += 1
                self._handle(ev)
        if done:
            del pending[:done]

    def _handle(
        self,
        ev: Event,
        src: object = None,
        reuse: bool = False,
        known: AttributedAttempt | None = None,
    ) -> None:
        """One event through attribution, the incidents, the store and the bus. ``reuse``:
        from the backlog; ``known``: the attribution of its process taken when it was read."""
        att = self._attributed(ev, src, known)
        if att is not None:
            self.events += 1
            self._recorded(att, self.tracker.add(att), reuse)

    def _attributed(
        self, ev: Event, src: object, known: AttributedAttempt | None
    ) -> AttributedAttempt | None:
        """``ev`` attributed (None: not an attempt; published, or handled, here)."""
        from spamtrace.sources.sockdiag_poll import PolledConnect

        assert self.attributor is not None
        if isinstance(ev, SmtpConnectAttempted):
            if known is not None:
                # the backlog of a contained sender: the process its earlier connect was
                # read as (its pid, command name and uid), not read again long after
                att = AttributedAttempt(
                    ev, known.process, known.account, known.verdict, known.reasons
                )
                self.backlog_reused += 1
            else:
                att = self.attributor.attempt(ev)  # which remembers it for the backlog
        elif isinstance(ev, PolledConnect):
            att = self.attributor.attempt(ev.attempt, uid_hint=ev.uid)
        elif isinstance(ev, SmtpConnectBlocked):
            att = self.attributor.blocked(ev)
            self.blocked_events += 1
        elif isinstance(ev, SourceIncident):
            self._handle_source_incident(ev)
            return None
        elif isinstance(ev, MailQueued):  # a mail-log source's batch of queued messages
            self.publish(ev)
            return None
        else:
            if src is not None:
                self.publish(SourceEventSeen(source_name(src), ev, time.time()))
            return None
        return att

    def _recorded(self, att: AttributedAttempt, update: IncidentUpdate, reuse: bool) -> None:
        """An attempt counted in its incident (``update``): kept, stored and published;
        ``reuse``: from the backlog."""
        inc = update.incident
        kept = self._incidents.get(inc.id)
        before = kept.latest if kept is not None else None
        if kept is None:
            kept = KnownIncident(inc, att)
        elif update.opened or update.taken_over:  # taken over: the first attempt that knows it
            kept = replace(kept, latest=inc, first=att)
        else:
            kept = replace(kept, latest=inc, first=kept.first or att)
        self._know(inc.id, kept)
        if inc.verdict is Verdict.SUBMISSION and _to_this_host(att, self.mta_netns):
            self._local_submission(inc)
        rec = event_record(att, inc.id)
        inc_rec = kept.record()
        assert inc_rec is not None
        if self.store is None:
            pass
        elif reuse and not update.opened and not update.taken_over:
            # the backlog: each event is stored, its incident's new state once a second (and
            # when the backlog is worked off); a queued state per event held ~2 KB each
            self._unstored[inc.id] = inc_rec
            now = time.monotonic()
            if now - self._stored_at.get(inc.id, 0.0) >= STORE_INCIDENT_EVERY:
                self._stored_at[inc.id] = now
                del self._unstored[inc.id]
                self.store.submit(rec, inc_rec)
            else:
                self.store.submit(rec)
        else:
            self._unstored.pop(inc.id, None)
            self.store.submit(rec, inc_rec)
        kind = BlockedRecorded if isinstance(att.event, SmtpConnectBlocked) else AttemptRecorded
        self.publish(kind(att, rec, inc_rec, update.opened))
        if not update.opened:
            self._publish_update(before, inc, inc_rec)
            targets = scan_targets_of(att) if update.taken_over and self.scanner else ()
            if self.scanner is not None and targets:  # its result follows (incident-scanned)
                self.scanner.submit(inc.id, targets, ProcessKey.of(att.process))
            return
        self.incidents_opened += 1
        if inc.alerting:
            self.alerting_opened += 1
        targets = scan_targets_of(att) if self.scanner is not None else ()
        if self.scanner is not None and targets:
            if self.scanner.submit(inc.id, targets, ProcessKey.of(att.process)):
                # published when scanned (the reader goes on meanwhile), or when due
                self._held[inc.id] = time.monotonic() + self.scanner.budget + scanning.SCAN_GRACE
                return
            scan: dict[str, Any] | None = {
                "paths": list(targets),
                "notes": ["not scanned: too many scans queued (run spamtrace scan on them)"],
            }
        else:
            scan = None
        self.publish(IncidentOpened(inc_rec, inc.alerting, scan))

    def _handle_backlog(
        self, items: Sequence[tuple[Event, object, AttributedAttempt | None]]
    ) -> None:
        """A slice of the backlog in one step: each attempt attributed (its process's earlier
        attribution reused) and counted in its incident as before; then, per incident, its
        events stored together, its state once and one :class:`AttemptsRecorded` published
        (:meth:`_record_batch`), instead of a record, a state and a message per attempt (~0.5
        ms each: a 30,000-connect flood's own counts lagged by a minute). An attempt that
        opens or takes over an incident, or another event, is handled alone, in order."""
        groups: dict[str, _Batch] = {}
        for ev, src, known in items:
            att: AttributedAttempt | None = None
            if known is not None and isinstance(ev, SmtpConnectAttempted):
                # the backlog of a contained sender: the process its earlier connect was
                # read as (its pid, command name and uid), not read again long after
                att = AttributedAttempt(
                    ev, known.process, known.account, known.verdict, known.reasons
                )
                self.backlog_reused += 1
            elif isinstance(ev, SmtpConnectBlocked) and self.attributor is not None:
                att = self.attributor.blocked(ev)
                self.blocked_events += 1
            if att is None:
                self._record_batches(groups)
                self._handle(ev, src, reuse=True, known=known)
                continue
            self.events += 1
            update = self.tracker.add(att)
            if update.opened or update.taken_over:
                self._record_batches(groups)
                self._recorded(att, update, reuse=True)
                continue
            inc = update.incident
            batch = groups.get(inc.id)
            if batch is None:
                batch = groups[inc.id] = _Batch(inc)
            batch.attempts.append(att)
            batch.connections.append(inc.connections)
            batch.latest = inc
        self._record_batches(groups)

    def _record_batches(self, groups: dict[str, _Batch]) -> None:
        for ident, batch in groups.items():
            self._record_batch(ident, batch)
        groups.clear()

    def _record_batch(self, ident: str, batch: _Batch) -> None:
        """The backlog's attempts of one incident, counted in it already: their events stored
        (the incident's state with them once a second, and when the backlog is worked off),
        one :class:`AttemptsRecorded` published, and the updates of substance they made."""
        inc, atts = batch.latest, batch.attempts
        kept = self._incidents.get(ident)
        before = kept.latest if kept is not None else None
        if kept is None:
            kept = KnownIncident(inc, atts[0])
        else:
            kept = replace(kept, latest=inc, first=kept.first or atts[0])
        self._know(ident, kept)
        local = inc.verdict is Verdict.SUBMISSION
        if local and any(_to_this_host(a, self.mta_netns) for a in atts):
            self._local_submission(inc)
        records = tuple(event_record(a, ident) for a in atts)
        inc_rec = kept.record()
        assert inc_rec is not None
        if self.store is not None:
            # a queued state per event held ~2 KB each: stored once a second
            self._unstored[ident] = inc_rec
            now = time.monotonic()
            if now - self._stored_at.get(ident, 0.0) >= STORE_INCIDENT_EVERY:
                self._stored_at[ident] = now
                del self._unstored[ident]
                self.store.submit_many(records, inc_rec)
            else:
                self.store.submit_many(records)
        self.publish(AttemptsRecorded(tuple(atts), records, tuple(batch.connections), inc_rec))
        since = before.connections if before is not None else batch.connections[0] - 1
        self._publish_update(before, inc, inc_rec, since)

    def mta_netns(self) -> frozenset[int]:
        """The network namespaces of this host's MTA processes, read again after
        :data:`MTA_NETNS_EVERY` seconds (asked only for a submission to loopback or to the
        host's own address)."""
        when, found = self._mta_netns
        now = time.monotonic()
        if now - when >= MTA_NETNS_EVERY:
            from spamtrace.attribution.process import mta_netns

            found = mta_netns(self.mta.uids, self.mta.exes)
            self._mta_netns = (now, found)
        return found

    def _local_submission(self, inc: Incident) -> None:
        """``inc`` submits to this host's own MTA: kept for the join with mail-auth ones."""
        self._local_submissions.pop(inc.id, None)  # the latest last
        self._local_submissions[inc.id] = inc
        if len(self._local_submissions) > MAX_LOCAL_SUBMISSIONS:
            self._local_submissions.pop(next(iter(self._local_submissions)))

    def _know(self, ident: str, known: KnownIncident) -> None:
        """Keep ``known`` for incident ``ident`` (the latest updated last; the oldest go)."""
        incidents = self._incidents
        incidents.pop(ident, None)
        incidents[ident] = known
        if len(incidents) > MAX_KNOWN_INCIDENTS:
            incidents.pop(next(iter(incidents)))

    def _handle_source_incident(self, ev: SourceIncident) -> None:
        """An extra source's own incident (mail logs): stored and published like ours."""
        self.source_incident_events += 1
        ev = self._with_local_clients(ev)
        if self.store is not None:
            self.store.submit(ev.record, ev.incident)
        if ev.opened:
            self.incidents_opened += 1
            if ev.alerting:
                self.alerting_opened += 1
            self.publish(IncidentOpened(ev.incident, ev.alerting, None))
        elif ev.update:
            self.publish(IncidentUpdated(ev.incident, UpdateReason.MORE_ATTEMPTS, ev.update))

    def _with_local_clients(self, ev: SourceIncident) -> SourceIncident:
        """A mail-auth incident whose mailbox logs in from this host names the local
        process(es) that connected to the MTA meanwhile (``mail.local_clients``, advice)."""
        rec = ev.incident
        ips = rec.process.get("client_ips")
        if rec.process.get("kind") != "auth" or not ips or not self._local_submissions:
            return ev

        from spamtrace.policy.local_logins import advice_line, local_clients

        clients = local_clients(
            ips, rec.first_seen, rec.last_seen, self._local_submissions.values()
        )
        if not clients:
            return ev
        skipped = None
        if len(clients) == 1:
            from spamtrace.policy.responses import ResponseRules, mail_case, mailbox_sender

            rules = ResponseRules.from_config(
                self.cfg, mta_uids=self.mta.uids, mta_users=self.mta.users,
                mta_exes=self.mta.exes,
            )  # fmt: skip
            case = mail_case(rec)
            skipped = mailbox_sender(case, clients, rules).why if case is not None else None
        rec = replace(
            rec,
            process={**rec.process, "local_clients": list(clients)},
            advice=(advice_line(ips, clients, skipped), *rec.advice),
        )
        if len(clients) == 1:
            self._scan_local_sender(str(clients[0]["incident"]))
        return replace(ev, incident=rec)

    def _scan_local_sender(self, ident: str) -> None:
        """The one local sender a mail-auth incident names: its scripts and folder are
        scanned once (a ``submission`` connect incident is not scanned when it opens), so
        that the responses can quarantine the script that holds the stolen password."""
        known = self._incidents.get(ident)
        first = known.first if known is not None else None
        if self.scanner is None or first is None or ident in self._local_scanned:
            return
        if known is None or known.findings is not None or ident in self._held:
            return
        from spamtrace.suspects import scan_targets

        targets = scan_targets(first.process)
        if targets and self.scanner.submit(ident, targets, ProcessKey.of(first.process)):
            self._local_scanned[ident] = None
            if len(self._local_scanned) > MAX_LOCAL_SUBMISSIONS:
                self._local_scanned.pop(next(iter(self._local_scanned)))

    def _publish_update(
        self, before: Incident | None, inc: Incident, rec: Any, since: int | None = None
    ) -> None:
        """IncidentUpdated on a change of substance: first blocked attempt, 10/100/... attempts
        (each one reached since ``since`` attempts; None: since the state ``before``, or
        the last attempt)."""
        if before is not None and before.blocked == 0 and inc.blocked > 0:
            self.publish(IncidentUpdated(rec, UpdateReason.FIRST_BLOCKED))
        n = inc.connections
        if since is None:
            since = before.connections if before is not None else n - 1
        for m in _milestones(since, n):
            self.publish(IncidentUpdated(rec, UpdateReason.MORE_ATTEMPTS, f"{m} attempts"))

    # ------------------------------------------------------------------ reporting
    def summary(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "events": self.events,
            "blocked_events": self.blocked_events,
            "incidents_opened": self.incidents_opened,
            "alerting_incidents": self.alerting_opened,
            "attribution": dict(self.attributor.counts) if self.attributor else {},
            "degraded": self.degraded,
            "backlog": self.backlog_stats(),
            "read_while_stopping": self.read_while_stopping,
        }
        from spamtrace.render.output import to_jsonable

        for src in self.sources:
            stats = getattr(src, "stats", None)
            if callable(stats):
                doc[getattr(src, "name", "source")] = to_jsonable(stats())
            overruns = getattr(src, "overruns", None)
            if isinstance(overruns, int):
                doc["nflog_overruns"] = overruns
                doc["nflog_overruns_exact"] = getattr(src, "overruns_exact", True)
        if self.exec_cache is not None:
            doc["exec_cache"] = to_jsonable(self.exec_cache.stats())
        if self.scanner is not None:
            doc["scan"] = self.scanner.stats()
        if self.store is not None:
            doc["store"] = self.store_health()
        return doc

    def _store_stalled(self, text: str) -> None:
        """The store's writer thread tells of a stall or a recovery: published on the loop."""
        from spamtrace.service.bus import StoreStalled

        health = self.store.health() if self.store is not None else None
        stalled = health is not None and health.stalled_since is not None
        self.post(StoreStalled(stalled, text, time.time()))

    def store_health(self) -> dict[str, Any] | None:
        if self.store is None:
            return None
        h = self.store.health()
        return {
            "path": h.path,
            "written": h.written,
            "lost": h.lost,
            "queued": h.queued,
            "error": h.error,
            "retries": h.retries,
            "stalled_since": h.stalled_since,
            "stall_reason": h.stall_reason,
        }


#: seconds the network namespaces of the MTA's processes are kept before they are read again
MTA_NETNS_EVERY = 60.0
#: local submission incidents kept for the join with mail-auth incidents (the latest)
MAX_LOCAL_SUBMISSIONS = 1000


def _still_the_process(pid: int, start_time: float | None) -> bool:
    """Whether ``pid`` is held by the process that started at ``start_time``, or by none
    (it has ended since its connect: a new holder of the pid would be there). Another start
    time is another process; a /proc this user may not read (hidepid) proves nothing."""
    from spamtrace.attribution import process as procinfo
    from spamtrace.attribution.attributor import SAME_START

    try:
        now = procinfo.started_now(pid)
    except PermissionError:
        return False
    return now is None or start_time is None or abs(now - start_time) < SAME_START


def _to_this_host(att: AttributedAttempt, mta_netns: Callable[[], frozenset[int]]) -> bool:
    """The attempt went to this server's own MTA: loopback, or the host's own address, from
    a process of a network namespace the MTA runs in (``mta_netns``; any when none is known).
    A process of another one, a container's, reaches that namespace's own loopback, never
    this MTA: it was joined with the mail-auth incidents of mailboxes used from 127.0.0.1 as
    their local sender ("the mailbox is used from this host")."""
    ev = att.event
    if not (ev.remote.is_loopback or (ev.local is not None and ev.local.ip == ev.remote.ip)):
        return False
    theirs = att.process.netns if att.process is not None else None
    if theirs is None:
        return True
    known = mta_netns()
    return not known or theirs in known


class _Callback:
    """A selector key's data for a descriptor served by a function, not a Source."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[], None]) -> None:
        self.fn = fn


def _milestones(since: int, n: int) -> list[int]:
    """10, 100, 1000, ...: the attempt counts that make an IncidentUpdated, those after
    ``since`` up to ``n``."""
    out, m = [], 10
    while m <= n:
        if m > since:
            out.append(m)
        m *= 10
    return out


class _Batch:
    """The backlog's attempts of one incident in one slice, while they are counted."""

    __slots__ = ("attempts", "connections", "latest")

    def __init__(self, latest: Incident) -> None:
        self.attempts: list[AttributedAttempt] = []
        self.connections: list[int] = []
        self.latest = latest


def _user_rules_note(cfg: Config) -> list[str]:
    """The note when the admin's YARA rules do not compile, or their folder holds none:
    incidents are scanned with the built-in rules only (``scan`` and ``config check`` refuse
    rules that do not compile with exit 2, and note a folder without rules)."""
    if not cfg.scan.yara_rules:
        return []
    from spamtrace.scanner.user_rules import unused_note

    note = unused_note(cfg.scan.yara_rules)
    return [] if note is None else [note]


class ExecReaderAtStart:
    """Reads the proc connector in a thread from its opening until the loop runs.

    The rest of the start (the trace buffer taken over from a dead watcher, the scanner's
    workers, alert channels, the control socket) can take a second on a busy host: an exec
    read only when the loop starts found a short-lived sender gone from ``/proc``, known by
    its uid alone. The thread only feeds the exec cache, which nothing else reads before the
    loop; it stops (and is joined) before the loop's first read."""

    def __init__(self, src: Any, cache: Any) -> None:
        import threading

        self._src, self._cache = src, cache
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="exec-reader-at-start", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import select

        fd = self._src.fileno()
        read_at = time.monotonic()
        try:
            while True:
                ready, _, _ = select.select([fd, self._wake_r], [], [], LAZY_DRAIN_EVERY)
                if self._wake_r in ready:
                    return
                overruns = getattr(self._src, "enobufs", 0)
                since, read_at = read_at, time.monotonic()
                for pev in self._src.read_events():
                    self._cache.handle(pev)
                if getattr(self._src, "enobufs", 0) != overruns:
                    self._cache.overran(since, read_at)
        except Exception:  # the loop's own read meets it and says so
            return

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        self._thread.join()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)


def _busy(wait: Callable[[], bool]) -> bool:
    """A stop's wait (:attr:`Engine.stop_waits`): its bug never holds the stop."""
    try:
        return bool(wait())
    except Exception:
        return False
