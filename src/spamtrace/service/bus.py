"""The engine's plug-in boundary: what it publishes, and how to plug in.

The engine (:class:`spamtrace.service.engine.Engine`) reads the kernel sources, attributes
each SMTP connect attempt, groups attempts into incidents, stores them, scans suspects, and
**publishes** what happened as frozen messages (past-tense facts, below) to its subscribers.
Responses, alerts, metrics, the event stream and the ``watch`` view are all subscribers.

Plugging in a subscriber (alerts, webhooks, metrics, responses...)::

    class MySink:
        name = "my-sink"

        def handle(self, message: Message) -> None:
            match message:
                case IncidentOpened(incident=inc) if message.alerting:
                    self.queue.put(incident_json(inc))   # slow work: your own thread
                case FirewallChecked(state=FirewallState.DRIFTED):
                    ...
                case _:
                    pass                                 # ignore what you do not need

        def close(self) -> None:
            ...                                          # flush, join your thread

    Engine(cfg, options, subscribers=[MySink()], sources=[...])

Rules for a subscriber:

- ``handle`` runs on the engine's loop thread, in publication order. It must return quickly
  (well under a millisecond): no network, no disk waits, no sleeping. Put slow work on your
  own thread or queue. An exception in ``handle`` is caught, counted and reported in
  ``status`` (``subscribers``), and the message is not retried; the engine goes on.
- Ignore message types you do not know: new ones will be added.
- ``close`` is called once when the engine stops (after the last message).
- Messages are frozen; the records they carry (``EventRecord``, ``IncidentRecord``) are the
  store's own shapes. To send an incident anywhere, use
  :func:`spamtrace.render.incidents.incident_json` (the shape of an item of
  ``spamtrace incidents --json``); for an event, :func:`~spamtrace.render.incidents.event_json`.
- From another thread (e.g. a responses worker that finished an action), hand a message to
  the engine with :meth:`Engine.post`; it is published on the loop like the others.
  Attacker-controlled strings in records are raw: escape them
  (:mod:`spamtrace.safetext`) before they reach a terminal, a log line, an alert or a header.

Plugging in an extra event source (e.g. a mail-log tailer) — :class:`Source`: ``fileno()``
(a descriptor the engine's selector watches for readability), ``read_events()`` (non-blocking,
what is ready now; raise :class:`~spamtrace.errors.KernelFeatureUnavailable` when the source
is gone for good) and ``close()``. The engine reads extra sources after its kernel sources
and publishes each event it does not handle itself as :class:`SourceEventSeen`. A source that
judges its own events (the mail-log tailers: a message is not a connection, it has its own
policy) returns :class:`SourceIncident` items instead: the engine stores the event and its
incident and publishes :class:`IncidentOpened` / :class:`IncidentUpdated` for them exactly as
for its own incidents, so responses, alerts and metrics see them.

What is published, when:

- :class:`EngineStarted` once, when the sources are open; :class:`EngineStopping` once, at
  the end.
- :class:`AttemptRecorded` for every attributed connect attempt (tracepoint or polling),
  :class:`BlockedRecorded` for every NFLOG record of a blocked attempt. Both carry the event
  as stored, its incident (as stored) and whether this attempt opened it.
- :class:`AttemptsRecorded` for a batch of the backlog (the attempts of a sender whose uid
  the kernel refuses already, handled behind everything else): every attempt of one incident
  handled in one loop turn, each counted and stored, in one message. Only a subscriber whose
  class says ``takes_batches = True`` gets it; any other gets its attempts one by one as
  :class:`AttemptRecorded` / :class:`BlockedRecorded` (:meth:`AttemptsRecorded.each`), as
  before, with the incident's state after the batch (its ``connections`` after each).
- :class:`IncidentOpened` once per incident. For a ``suspicious`` one it waits for the scan
  of the sender's scripts and folder (at most the scan budget + 1 s; events keep flowing
  meanwhile) so that it names the file.
- :class:`IncidentUpdated` on a *change of substance*, never per connection: its
  ``reason`` says which (:class:`UpdateReason`: the scan finished, the scan found a suspect
  file = escalated, the first blocked attempt, 10/100/1000... attempts, an action recorded).
- :class:`ScanCompleted` when a scan finishes (``late``: after the incident was reported).
- :class:`MailQueued`: new messages of an open ``mail-script`` / ``mail-auth`` incident went
  into the MTA's queue (batched by the mail-log source: at most one a second per incident),
  for the responses to freeze in enforce mode.
- :class:`ActionRecorded`: a response acted on an incident (published by the responses
  subscriber through :meth:`Engine.post`; the engine only relays it).
- :class:`CaptureModeChanged` when capture degrades (tracepoint lost, proc connector lost);
  :class:`EventsLost` when a source or the store reports lost events (with the new total).
- :class:`StoreStalled` when writing to the store starts failing (a lock held by another
  process, a full disk; it is retried, nothing is dropped) and again when it resumes.
- :class:`EventOutputFailing` when an output of the event stream starts losing its lines and
  again when one goes out: the event file (``[events] path``; a full disk: those lines are
  lost, and counted) and the syslog output (``[events] syslog``: lines not sent, or dropped
  because the reader did not take them; seen at the next line made, as a thread of its own
  sends them). Each output (``sinks.events.LineWriter.state_change``) says its own change.
- :class:`FirewallChecked` after each periodic check of the firewall table (``daemon``).
- :class:`CaptureGap` at start (right after :class:`EngineStarted`) when the previous
  watcher of the store was killed: the time nothing was watched is reported, not hidden.
- :class:`ConfigReloaded` after SIGHUP (``daemon``): a subscriber that reads the config takes
  the new one from it (or keeps the old one when ``ok`` is False).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, Union

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.model import AttributedAttempt, Event, Verdict
    from spamtrace.sinks.store import EventRecord, IncidentRecord


# ============================================================================ plug-in protocols
class Subscriber(Protocol):
    """Receives the engine's messages on the engine's loop (see the module docstring). A
    class attribute ``takes_batches = True`` says it handles :class:`AttemptsRecorded`
    itself (else it gets one message per attempt)."""

    name: str

    def handle(self, message: Message) -> None: ...

    def close(self) -> None: ...


class Source(Protocol):
    """An event source the engine's selector reads (kernel adapters, log tailers)."""

    def fileno(self) -> int: ...

    def read_events(self) -> Sequence[Event]: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class SourceIncident:
    """An event of an extra source that was judged by the source itself, with its incident
    after it (both as the store keeps them). ``opened``: this event opened the incident;
    ``update``: a change of substance to publish as IncidentUpdated (e.g. "100 messages")."""

    record: EventRecord
    incident: IncidentRecord
    opened: bool
    alerting: bool
    update: str = ""


# ============================================================================ vocabularies
class CaptureMode(str, enum.Enum):
    TRACEPOINT = "tracepoint"  # every connect attempt, with its pid
    DEGRADED = "degraded"  # sock_diag polling: short connections are missed


class FirewallState(str, enum.Enum):
    LOADED = "loaded"  # our table is loaded and equals the confirmed policy
    DRIFTED = "drifted"  # loaded, but edited by hand (or another policy)
    ABSENT = "absent"  # not loaded (flushed, removed, never applied)
    UNKNOWN = "unknown"  # the check itself failed (see FirewallChecked.error)


class UpdateReason(str, enum.Enum):
    SCANNED = "scanned"  # the scan of its scripts/folder finished, nothing suspect
    ESCALATED = "escalated"  # the scan named a suspicious or malicious file
    FIRST_BLOCKED = "first-blocked"  # the firewall blocked one of its attempts
    MORE_ATTEMPTS = "more-attempts"  # connections reached 10, 100, 1000, ...
    ACTION = "action"  # a response acted on it (see ActionRecorded)


# ============================================================================ messages
@dataclass(frozen=True, slots=True)
class EngineStarted:
    """The sources are open and the loop starts."""

    at: float
    pid: int
    capture_mode: CaptureMode
    sources: tuple[str, ...]
    store: str | None
    ports: tuple[int, ...]
    degraded: tuple[str, ...]
    notes: tuple[str, ...]
    mta_kind: str | None
    mta_users: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EngineStopping:
    """The loop has ended (last message before the subscribers are closed)."""

    at: float
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Recorded:
    """An attributed attempt, as stored, with its incident (base of the two below)."""

    attempt: AttributedAttempt  # the event with its process, account and verdict
    record: EventRecord  # as stored
    incident: IncidentRecord  # its incident after this attempt, as stored
    incident_opened: bool  # this attempt opened the incident

    @property
    def incident_id(self) -> str:
        return self.incident.id

    @property
    def verdict(self) -> Verdict:
        return self.attempt.verdict


@dataclass(frozen=True, slots=True)
class AttemptRecorded(_Recorded):
    """An SMTP connect attempt was seen (tracepoint or polling), attributed and stored."""


@dataclass(frozen=True, slots=True)
class BlockedRecorded(_Recorded):
    """The firewall blocked an attempt (NFLOG record: uid only, no pid), attributed, stored."""


@dataclass(frozen=True, slots=True)
class AttemptsRecorded:
    """Attempts of one incident from the backlog, counted and stored in one step: a flood
    of a contained sender costs a message a loop turn, not one per attempt. In arrival
    order; none of them opened the incident. ``connections``: the incident's count after
    each; ``incident``: its state after the last, as stored."""

    attempts: tuple[AttributedAttempt, ...]
    records: tuple[EventRecord, ...]  # as stored
    connections: tuple[int, ...]
    incident: IncidentRecord

    @property
    def incident_id(self) -> str:
        return self.incident.id

    def each(self) -> Iterator[AttemptRecorded | BlockedRecorded]:
        """The batch as one message per attempt (for a subscriber that takes no batches):
        the incident's state after the batch, with its count after that attempt."""
        from dataclasses import replace

        from spamtrace.model import SmtpConnectBlocked

        final = self.incident
        for att, rec, n in zip(self.attempts, self.records, self.connections, strict=True):
            inc = final if n == final.connections else replace(final, connections=n)
            if isinstance(att.event, SmtpConnectBlocked):
                yield BlockedRecorded(att, rec, inc, False)
            else:
                yield AttemptRecorded(att, rec, inc, False)


@dataclass(frozen=True, slots=True)
class IncidentOpened:
    """A new incident (once per incident). ``scan``: the ``scan`` object of ``watch --json``
    (paths, seconds, reused, notes), or None when the incident is not scanned."""

    incident: IncidentRecord
    alerting: bool  # suspicious or ssh-tunnel
    scan: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class IncidentUpdated:
    """An incident changed in substance (never sent per connection)."""

    incident: IncidentRecord
    reason: UpdateReason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ScanCompleted:
    """The scan of an incident's scripts and folder finished (``files`` None: nothing could
    be scanned). ``late``: the incident was reported before the scan finished."""

    incident_id: str
    paths: tuple[str, ...]
    files: tuple[dict[str, Any], ...] | None
    notes: tuple[str, ...]
    seconds: float
    reused: bool
    late: bool
    #: the folder's symlinks to where a site must not reach (None: nothing scanned)
    links: tuple[dict[str, Any], ...] | None = None


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One response to an incident (block uid, stop process, quarantine file, ...)."""

    action: str  # block-uid | stop-process | quarantine | suspend | alert
    status: str  # would (observe mode) | done | failed
    at: float  # epoch seconds
    detail: str = ""
    undo: str | None = None  # the command that reverses it, when there is one
    uid: int | None = None  # whom it was against
    target: str | None = None  # uid, "pid:start time", path or account
    data: dict[str, Any] = field(default_factory=dict)  # e.g. quarantine_id, signalled pids


@dataclass(frozen=True, slots=True)
class ActionRecorded:
    """A response acted on an incident (posted by the responses subscriber)."""

    incident_id: str
    action: ActionRecord


@dataclass(frozen=True, slots=True)
class CaptureModeChanged:
    """Capture changed: a source failed or came back. ``reason`` is one human line."""

    mode: CaptureMode
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class EventsLost:
    """A source (or the store) reported lost events: ``count`` new, ``total`` since start."""

    #: "tracepoint", "proc-connector", "nflog", "store", "stop" (left unhandled by a stop), ...
    source: str
    count: int
    total: int
    at: float
    #: the total is a lower bound: the kernel said some were lost, not how many
    at_least: bool = False


@dataclass(frozen=True, slots=True)
class FirewallChecked:
    """The periodic check of the firewall table (``drift``: what differs in a loaded table
    from the policy, one line each; data only. ``note``: why there is nothing to compare, or
    what to do: never set up, no confirmed policy, the table absent or holding only blocks)."""

    state: FirewallState
    backend: str
    drift: tuple[str, ...]
    at: float
    repaired: bool = False  # the confirmed policy was re-applied ([daemon] firewall_repair)
    error: str | None = None  # the check itself failed (nft missing, ...)
    note: str | None = None
    #: a confirmed (or on trial) policy exists: an absent table is one that went away (at a
    #: boot whose firewall unit failed, a flush before the daemon started), not one never set up
    set_up: bool = True


@dataclass(frozen=True, slots=True)
class CaptureGap:
    """The previous watcher of this store did not stop cleanly (``kill -9``, a crash, a power
    cut): nothing was watched from its last sign of life (``since``) to this start
    (``until``). Connections made then are not in the store."""

    previous_pid: int
    since: float
    until: float

    @property
    def seconds(self) -> float:
        return max(0.0, self.until - self.since)

    @property
    def clock_set_back(self) -> bool:
        """The last sign of life is dated after this start: the clock was set back since (a
        power cut with no clock kept, an NTP step at boot): the gap's length is not known."""
        return self.until < self.since

    def said(self) -> str:
        """How long nothing was watched, in words: ``for N s``, or why it is not known (the
        lines said "for -3600 s", or "for 0 s", after the clock was set back)."""
        if self.clock_set_back:
            return (
                "for a time not known (the previous watcher's last sign of life is dated "
                f"{self.since - self.until:.0f} s after this start: the clock was set back)"
            )
        return f"for {self.seconds:.0f} s"


@dataclass(frozen=True, slots=True)
class ConfigReloaded:
    """SIGHUP: the config was read again. ``ok`` False: it was refused (``error``) and the
    old one stays in force. ``config``: the config now in force."""

    ok: bool
    error: str | None
    config: Config
    notes: tuple[str, ...]
    at: float


@dataclass(frozen=True, slots=True)
class MailQueued:
    """Messages of an open mail incident that went into the MTA's queue since the last
    time it was published (opened, 10/100/... messages) or since the last MailQueued: their
    queue ids, and the incident as stored. A mail-log source returns it from
    ``read_events()``; the engine publishes it as is."""

    incident: IncidentRecord
    queue_ids: tuple[str, ...]
    at: float


@dataclass(frozen=True, slots=True)
class SourceEventSeen:
    """An event of an extra source that the engine does not handle itself (e.g. a mail log
    line): relayed as is, for the subscribers that know it."""

    source: str
    event: object
    at: float = field(default=0.0)


@dataclass(frozen=True, slots=True)
class StoreStalled:
    """Writing to the store failed and is retried (``stalled``), or writes again (not
    ``stalled``); ``reason`` is one human line."""

    stalled: bool
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class EventOutputFailing:
    """An output of the event stream (the event file, the syslog output) lost a line
    (``failing``), or one goes out again after such losses (not ``failing``); ``reason`` is
    one human line, naming the output."""

    failing: bool
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class BlocksReconciled:
    """At start, the live block set held uids the store no longer holds a block of (released
    or run out while no daemon ran) or whose uid belongs to another user now than the one the
    block was made for: ``dropped`` (uid, why) were taken out of it."""

    dropped: tuple[tuple[int, str], ...]
    at: float

    @property
    def summary(self) -> str:
        """One line (its values quoted where they were put in: show it with escape_message)."""
        dropped = "; ".join(f"uid {uid}: {why}" for uid, why in self.dropped)
        return (
            f"block set reconciled with the store: {len(self.dropped)} uid(s) taken "
            f"out of it ({dropped})"
        )


Message = Union[  # noqa: UP007 (a runtime alias: Python 3.10 has no `type` statement)
    EngineStarted,
    EngineStopping,
    AttemptRecorded,
    BlockedRecorded,
    AttemptsRecorded,
    IncidentOpened,
    IncidentUpdated,
    ScanCompleted,
    ActionRecorded,
    CaptureModeChanged,
    EventsLost,
    FirewallChecked,
    ConfigReloaded,
    CaptureGap,
    SourceEventSeen,
    StoreStalled,
    MailQueued,
    BlocksReconciled,
    EventOutputFailing,
]
