"""Group attributed connect attempts into incidents (pure: no I/O, no clock).

An incident is "who sent it" plus the verdict: the hosting account, the uid, the executable and
the script (or, when no script is known, the working directory). The first attempt opens the
incident and is reported at once (:attr:`IncidentUpdate.opened`); later attempts update the
counts, the destinations, last seen and the rate. An incident stays open while attempts keep
coming; after ``idle_gap`` seconds without one, the next attempt opens a new incident.

Blocked attempts (NFLOG: uid only, no process) join the incident of the same uid that made a
matching attempt to the same destination moments before (the tracepoint also sees blocked
SYNs): that attempt is counted as blocked. Each connect is counted once, whichever source
reports it first: in a burst the NFLOG records can be handled before their SYNs' trace lines (a
refused sender loops at thousands of connects a second; the engine's backlog). A record with no
attempt left to match counts the connect itself (as a connection, blocked): in the incident of
the same uid's latest attempt to that destination if it was within the matching window (it was
a second alerting incident, "uid N, ?", for the same run), else in a uid-only incident of its
own. Its SYN's attempt, when it comes within the window, is then not counted again
(``counted_as`` "seen": its pid, destination and attribution method taken in, the record's
``nflog-uid-only`` method count given over to it), whether the record counted it in the
attempt's incident or in the uid-only one of its uid. The engine handles SYNs out of the order
they were made (a sender's connect read at once ahead of the backlog's), so both wait in the
order of their own times: a record takes the earliest SYN made in its window (from its lower
bound to :data:`SYN_SLACK` after its reading), a SYN the first record read after it was made
whose window holds it.

A record with no attempt left to match and no latest attempt of its uid to that destination
within the window (a flood's records handled seconds after the SYNs handled before them, or
whose SYNs the tracepoint lost) counts the connect in the open *contained* incident of its
uid, if there is one, rather than in a uid-only incident of its own: an incident that knows
its sender, of the same uid and the same class of destination port (a relay port, 25:
verdicts ``suspicious``, ``ssh-tunnel``; a submission port: ``submission``, ``allowed``),
whose connects the kernel refused (a record matched one of its attempts, or counted in it)
within :data:`CONTAINED_WINDOW` before the record (the record itself says the uid is still
refused). With several, the one the uid's latest attempt to that destination was counted
in, else the latest refused. Without one (no incident of the uid was refused in that time,
or only of the other port class), the record opens or joins the uid-only incident of its
uid, as before: a refused uid with nothing seen of its sender is an incident of its own.

A seen attempt known by its uid alone (its process gone before it could be read, and not in the
exec cache: a run of short connections) joins the open incident of the same uid and verdict
that knows the sender, rather than opening "uid N, ?" beside it. It knows no script or folder
of its own: with several such incidents open (two scripts of one account sending), it joins
the one its process is of (its pid among the incident's: earlier connects of the same process
were attributed to that script), else the one whose attempt to the same destination came
within :data:`BLOCK_MATCH_WINDOW` before it, else the latest. When such a
uid-only incident opened first (the run's first connect gone too soon), the first attempt that
knows the sender takes it over, its id kept (it was reported) and what it shows of the sender
filled in. An incident of its own only when no incident of that uid and verdict is open.

Likewise a seen attempt of a known program whose script is not known, only its folder (a
php-fpm worker read mid-request or idle, its request not in the access log), joins the open
incident of the latest script of the same account, uid, program and verdict when the script
lies inside that folder; and the first attempt naming a script inside the folder of an open
folder-only incident of that sender takes it over, as above.

After a restart, :meth:`IncidentTracker.resume` takes up the incidents the store recorded, so a
spam run that goes on across the restart stays one incident (same id, counts going on).

Time comes from the events (wall-clock seconds), so the grouping can be replayed in tests.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from spamtrace.model import (
    ALERTING_VERDICTS,
    DELETED,
    Account,
    AccountKind,
    AttributedAttempt,
    AttributionMethod,
    ProcessInfo,
    SmtpConnectBlocked,
    Verdict,
    is_within,
)

#: distinct destinations / pids kept per incident (counts stay exact beyond that)
MAX_DESTINATIONS = 256
MAX_PIDS = 64
#: incidents that know their sender kept per uid and verdict, for uid-only attempts to join
MAX_KNOWN_PER_UID = 32
#: how long a seen attempt may wait for its NFLOG record (seconds)
BLOCK_MATCH_WINDOW = 3.0
#: seen attempts of one uid to one destination kept waiting for their NFLOG records (and
#: records for their attempts): a refused flood's records are handled after every SYN read
#: before them, 15,000 and more of a compiled flooder's (it was 4,096: the records of the
#: SYNs pushed out found none, and each counted as a connect of its own). ~90 bytes each
MAX_WAITING = 200_000
#: how long after its record was read a SYN's trace line may say it was made (seconds): both
#: are wall-clock times read on this host, the trace's taken before the packet was logged;
#: this is only room for the two clocks' reading
SYN_SLACK = 0.5
#: how long a seen attempt or a record waits for the other (seconds, by their own times; a
#: contained flood's SYNs are handled up to a minute after the records read with them)
MAX_WAIT = 300.0
#: records that counted a connect looked at for one SYN (most are of one incident)
MAX_EARLY_SCAN = 1024
#: how long after its last refused connect an incident counts as contained, for a record
#: with nothing else to join (seconds; the engine's containment lasts as long)
CONTAINED_WINDOW = 60.0
#: contained incidents kept per uid, for such records to join
MAX_CONTAINED_PER_UID = 32


@dataclass(frozen=True, slots=True)
class IncidentKey:
    account: str | None
    uid: int | None
    exe: str | None
    origin: str | None  # the script, else the cwd
    verdict: Verdict
    #: ``origin`` is a script (else a folder: no script was known)
    script: bool = False


@dataclass(frozen=True, slots=True)
class Incident:
    """A snapshot of one incident."""

    id: str
    verdict: Verdict
    uid: int | None
    user: str | None
    account: str | None
    account_kind: str | None
    home: str | None
    exe: str | None
    cwd: str | None
    scripts: tuple[str, ...]
    cmdline: tuple[str, ...]
    connections: int  # attempts seen (tracepoint/polling) or only blocked (NFLOG)
    blocked: int  # of which the firewall rejected
    destinations: tuple[str, ...]  # distinct "ip:port", first seen first
    pids: tuple[int, ...]
    first_seen: float
    last_seen: float
    reasons: tuple[str, ...]
    methods: tuple[tuple[str, int], ...]  # attribution method -> count
    #: the account's first domain (Plesk: the subscription's name), for suspend_command's
    #: {domain}; None when the panel names none (or an incident a store before version 5 held)
    domain: str | None = None

    @property
    def alerting(self) -> bool:
        return self.verdict in ALERTING_VERDICTS

    @property
    def rate_per_minute(self) -> float:
        span = self.last_seen - self.first_seen
        if self.connections <= 1 or span <= 0:
            return float(self.connections)
        return round(self.connections / max(span, 1.0) * 60.0, 2)


@dataclass(frozen=True, slots=True)
class IncidentUpdate:
    incident: Incident
    opened: bool  # this attempt opened the incident (report it now)
    #: "connection", "blocked" (joined a seen attempt), "connection+blocked", or "seen" (a
    #: seen attempt whose NFLOG record, handled first, counted it)
    counted_as: str
    #: this attempt, the first that knows the sender, took over the uid-only incident of its
    #: uid (what it shows of the sender is this attempt's now: scan its scripts)
    taken_over: bool = False


def key_for(
    process: ProcessInfo | None, uid: int | None, account: Account | None, verdict: Verdict
) -> IncidentKey:
    exe = process.exe if process else None
    origin = None
    if process is not None:
        origin = process.scripts[0] if process.scripts else process.cwd
        # the script quarantined (or deleted) under the running sender: the same sender
        origin = origin.removesuffix(DELETED) if origin else origin
    script = process is not None and bool(process.scripts)
    return IncidentKey(account.name if account else None, uid, exe, origin, verdict, script)


def incident_id(key: IncidentKey, first_seen: float) -> str:
    """A short stable id: the same incident gets the same id when replayed."""
    text = f"{key.account}|{key.uid}|{key.exe}|{key.origin}|{key.verdict.value}|{first_seen:.6f}"
    return "inc-" + hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def _uid_only(key: IncidentKey) -> bool:
    """A key that knows nothing of the sender but its uid (no exe, no script or folder)."""
    return key.exe is None and key.origin is None


#: the class of destination port a verdict says (a relay port: the SMTP port of a remote MX,
#: 25; a submission port: 465/587/2525); None: no class a refused connect is joined by
_PORT_CLASS = {
    Verdict.SUSPICIOUS: "relay",
    Verdict.SSH_TUNNEL: "relay",
    Verdict.SUBMISSION: "submission",
    Verdict.ALLOWED: "submission",
}


def _folder_only(key: IncidentKey) -> bool:
    """A key of a known program whose script was not known, only its folder."""
    return key.exe is not None and key.origin is not None and not key.script


def _vague(key: IncidentKey, kind: str | None, home: str | None) -> bool:
    """A folder-only key whose folder tells nothing of the sender: ``/``, or a folder outside
    the account it was given (``kind`` and ``home``: that account's; a system user's, the web
    server's own, is no account of a site)."""
    if not _folder_only(key) or key.origin is None:
        return False
    if key.origin == "/" or kind is None or kind == AccountKind.SYSTEM.value or not home:
        return True
    return not is_within(key.origin, home)


_K = TypeVar("_K")

#: what a vague incident and the one that knows more must share: uid, program, verdict
_Program = tuple[int | None, str | None, Verdict]


def _program(key: IncidentKey) -> _Program:
    return (key.uid, key.exe, key.verdict)


#: what a script's and a folder-only incident must share to be one sender's
_Sender = tuple[str | None, int | None, str | None, Verdict]


def _sender(key: IncidentKey) -> _Sender:
    return (key.account, key.uid, key.exe, key.verdict)


def _drop_closed(index: dict[_K, IncidentKey], open_: dict[IncidentKey, _Open]) -> None:
    """Forget the entries of an index whose incident is no longer open."""
    for k in [k for k, key in index.items() if key not in open_]:
        del index[k]


def attempt_uid(attempt: AttributedAttempt) -> int | None:
    if isinstance(attempt.event, SmtpConnectBlocked):
        return attempt.event.uid
    return attempt.process.uid if attempt.process else None


@dataclass(frozen=True, slots=True)
class _FirstSeen:
    """What an incident shows of its first attempt (kept, not the attempt itself, so that an
    incident can be resumed from the store after a restart)."""

    account_kind: str | None
    home: str | None
    cwd: str | None
    scripts: tuple[str, ...]
    cmdline: tuple[str, ...]
    reasons: tuple[str, ...]
    domain: str | None = None

    @classmethod
    def of(cls, attempt: AttributedAttempt) -> _FirstSeen:
        proc, account = attempt.process, attempt.account
        return cls(
            account_kind=account.kind.value if account else None,
            home=account.home if account else None,
            cwd=proc.cwd if proc else None,
            scripts=proc.scripts if proc else (),
            cmdline=proc.cmdline if proc else (),
            reasons=attempt.reasons,
            domain=account.domains[0] if account and account.domains else None,
        )


@dataclass(slots=True)
class _Open:
    key: IncidentKey
    id: str
    first: _FirstSeen
    first_seen: float
    last_seen: float
    connections: int = 0
    blocked: int = 0
    destinations: dict[str, None] = field(default_factory=dict)
    pids: dict[int, None] = field(default_factory=dict)
    methods: dict[str, int] = field(default_factory=dict)
    user: str | None = None
    #: when the kernel last refused one of its connects (None: never seen refused)
    refused_at: float | None = None

    def snapshot(self) -> Incident:
        first = self.first
        return Incident(
            id=self.id,
            verdict=self.key.verdict,
            uid=self.key.uid,
            user=self.user,
            account=self.key.account,
            account_kind=first.account_kind,
            home=first.home,
            exe=self.key.exe,
            cwd=first.cwd,
            scripts=first.scripts,
            cmdline=first.cmdline,
            connections=self.connections,
            blocked=self.blocked,
            destinations=tuple(self.destinations),
            pids=tuple(self.pids),
            first_seen=self.first_seen,
            last_seen=self.last_seen,
            reasons=first.reasons,
            methods=tuple(sorted(self.methods.items())),
            domain=first.domain,
        )


def _method(attempt: AttributedAttempt) -> str:
    if isinstance(attempt.event, SmtpConnectBlocked) and attempt.process is None:
        return AttributionMethod.NFLOG_UID_ONLY.value
    if attempt.process is None:
        return AttributionMethod.NONE.value if attempt_uid(attempt) is None else "uid-only"
    return attempt.process.method.value


_W = TypeVar("_W")


class _ByTime(Generic[_W]):
    """Items waiting to be paired, kept in the order of their own times, not of their
    handling: the engine handles a flood's SYNs out of order (another sender's first, a
    contained sender's from the backlog, seconds behind), and a queue in handling order
    made a record stop at a later SYN ahead of its own, or a SYN drop the records of earlier
    SYNs handled after it (each then counted twice). The live items are ``times[start:]``
    (those taken from the front are let go at once, the lists cut now and then)."""

    __slots__ = ("items", "start", "times")

    def __init__(self) -> None:
        self.times: list[float] = []
        self.items: list[_W | None] = []
        self.start = 0

    def __len__(self) -> int:
        return len(self.times) - self.start

    def add(self, at: float, item: _W) -> None:
        times = self.times
        if len(times) == self.start or at >= times[-1]:
            times.append(at)
            self.items.append(item)
        else:
            i = bisect_right(times, at, self.start)
            times.insert(i, at)
            self.items.insert(i, item)
        old = bisect_left(times, times[-1] - MAX_WAIT, self.start)
        self._let_go(max(old, len(times) - MAX_WAITING))

    def first_from(self, at: float) -> int:
        """The index of the first live item of ``at`` or later."""
        return bisect_left(self.times, at, self.start)

    def drop_before(self, at: float) -> None:
        self._let_go(self.first_from(at))

    def take(self, i: int) -> _W:
        item = self.items[i]
        assert item is not None
        if i == self.start:
            self.items[i] = None
            self._let_go(i + 1)
        else:
            del self.times[i]
            del self.items[i]
        return item

    def _let_go(self, i: int) -> None:
        if i <= self.start:
            return
        for k in range(self.start, i):
            self.items[k] = None
        self.start = i
        if i >= 4096 and 2 * i >= len(self.times):
            del self.times[:i]
            del self.items[:i]
            self.start = 0


class IncidentTracker:
    """Stateful grouping of attempts into incidents (bounded: old idle incidents are forgotten)."""

    def __init__(self, idle_gap: float = 600.0, max_open: int = 10_000) -> None:
        self.idle_gap = idle_gap
        self.max_open = max_open
        self._open: OrderedDict[IncidentKey, _Open] = OrderedDict()
        # recent seen attempts not yet matched by an NFLOG record: (uid, remote) -> their
        # times and keys, in the order of their times
        self._unmatched: dict[tuple[int, str], _ByTime[IncidentKey]] = {}
        # recent NFLOG records that matched no seen attempt and counted the connect
        # themselves, their SYN's attempt not seen yet: (uid, remote) -> their times (when
        # read) and (the earliest time its SYN may have: see :meth:`add`, key), by time
        self._early: dict[tuple[int, str], _ByTime[tuple[float, IncidentKey]]] = {}
        # the latest seen attempt of a uid to a destination: (uid, remote) -> (time, key)
        self._latest: dict[tuple[int, str], tuple[float, IncidentKey]] = {}
        # the incidents that know the sender, of a uid and verdict, the latest last (a
        # uid-only attempt joins one of them: :meth:`_known_for`)
        self._known: dict[tuple[int, Verdict], dict[IncidentKey, None]] = {}
        # the latest incident of a script / of a folder only, of an account, uid, program and
        # verdict (a folder-only attempt joins the first, a script's takes the second over)
        self._scripted: dict[_Sender, IncidentKey] = {}
        self._folders: dict[_Sender, IncidentKey] = {}
        # the latest incident of a uid, program and verdict whose folder tells nothing (a
        # vague one), and the latest that knows more: the first joins the second, or is
        # taken over by it
        self._vague: dict[_Program, IncidentKey] = {}
        self._informed: dict[_Program, IncidentKey] = {}
        # the incidents that know the sender whose connects the kernel refused, of a uid,
        # the latest refused last (a record with nothing else to join: :meth:`_contained_for`)
        self._contained: dict[int, dict[IncidentKey, None]] = {}

    def add(self, attempt: AttributedAttempt) -> IncidentUpdate:
        event = attempt.event
        uid = attempt_uid(attempt)
        remote = str(event.remote)
        when = event.wall
        # a record's time is when it was read: its SYN may be older than the window by as
        # much as the record waited to be read (since its source last had nothing queued)
        lo = when - BLOCK_MATCH_WINDOW
        if isinstance(event, SmtpConnectBlocked) and event.after is not None:
            lo = min(lo, event.after - BLOCK_MATCH_WINDOW)
        if isinstance(event, SmtpConnectBlocked) and uid is not None:
            joined = self._match_blocked(uid, remote, when, lo)
            if joined is not None:
                joined.blocked += 1
                joined.last_seen = max(joined.last_seen, when)
                self._refused(uid, joined, when)
                return IncidentUpdate(joined.snapshot(), opened=False, counted_as="blocked")
        key = key_for(attempt.process, uid, attempt.account, attempt.verdict)
        if isinstance(event, SmtpConnectBlocked) and uid is not None:
            latest = self._latest.get((uid, remote))
            near = None
            if latest is not None and lo <= latest[0] <= when + BLOCK_MATCH_WINDOW:
                near = self._open.get(latest[1])
            if near is None:  # nothing seen of it: the uid's contained incident, if any
                near = self._contained_for(uid, key.verdict, latest, when)
            if near is not None:
                key = near.key  # its SYN's trace line may still be unhandled
        account = attempt.account
        kind = account.kind.value if account else None
        vague = _vague(key, kind, account.home if account else None)
        own = key
        inc = self._open.get(key)
        opened = taken_over = False
        seen = not isinstance(event, SmtpConnectBlocked)  # blocked ones: matched above
        if seen and uid is not None and (inc is None or when - inc.last_seen > self.idle_gap):
            if _uid_only(key):
                pid = getattr(event, "pid", None)
                known = self._known_for(uid, key.verdict, pid, remote, when)
                if known is not None:
                    key, inc = known.key, known
            elif (joined := self._joined_by_folder(key, when, vague)) is not None:
                key, inc = joined.key, joined
            elif (adopted := self._take_over(key, attempt, when, vague)) is not None:
                inc, taken_over = adopted, True
        if inc is None or when - inc.last_seen > self.idle_gap:
            inc = _Open(key, incident_id(key, when), _FirstSeen.of(attempt), when, when)
            inc.user = attempt.process.user if attempt.process else None
            self._open[key] = inc
            opened = True
        self._open.move_to_end(key)
        if seen and uid is not None and not _uid_only(key):
            self._note_known(uid, key)
            self._remember(key, vague and key == own)
        method = _method(attempt)
        early = self._counted_early(uid, remote, when, key) if seen and not opened else None
        if early is not None and uid is not None:
            # its NFLOG record came first and counted it (here or in its uid's uid-only one)
            inc.first_seen = min(inc.first_seen, when)
            inc.last_seen = max(inc.last_seen, when)
            self._note_seen(inc, remote, getattr(event, "pid", None))
            nflog = AttributionMethod.NFLOG_UID_ONLY.value
            if early == key and inc.methods.get(nflog, 0) > 0:
                inc.methods[nflog] -= 1
                if not inc.methods[nflog]:
                    del inc.methods[nflog]
                inc.methods[method] = inc.methods.get(method, 0) + 1
            self._latest[(uid, remote)] = (when, key)
            self._trim(when)
            return IncidentUpdate(inc.snapshot(), False, "seen", taken_over)
        inc.connections += 1
        inc.first_seen = min(inc.first_seen, when)
        inc.last_seen = max(inc.last_seen, when)
        if inc.user is None and attempt.process is not None:
            inc.user = attempt.process.user
        self._note_seen(inc, remote, getattr(event, "pid", None))
        inc.methods[method] = inc.methods.get(method, 0) + 1
        counted = "connection"
        if isinstance(event, SmtpConnectBlocked):
            inc.blocked += 1
            counted = "connection+blocked"
            if uid is not None:  # its SYN's attempt, if it comes, is not counted again
                counted_by = self._early.setdefault((uid, remote), _ByTime())
                counted_by.add(when, (lo, key))
                self._refused(uid, inc, when)
        elif attempt.blocked:
            inc.blocked += 1
            counted = "connection+blocked"
            if uid is not None:
                self._refused(uid, inc, when)
        elif uid is not None:
            self._unmatched.setdefault((uid, remote), _ByTime()).add(when, key)
            self._latest[(uid, remote)] = (when, key)
        self._trim(when)
        return IncidentUpdate(inc.snapshot(), opened, counted, taken_over)

    @staticmethod
    def _note_seen(inc: _Open, remote: str, pid: int | None) -> None:
        if len(inc.destinations) < MAX_DESTINATIONS:
            inc.destinations[remote] = None
        if pid and len(inc.pids) < MAX_PIDS:
            inc.pids[pid] = None

    def _counted_early(
        self, uid: int | None, remote: str, when: float, key: IncidentKey
    ) -> IncidentKey | None:
        """A seen attempt of ``uid`` to ``remote`` (counted in ``key``'s incident) whose NFLOG
        record was handled first, within the matching window, and counted the connect in that
        incident or in the uid-only one of its uid: that record is taken, and the key of the
        incident it counted in returned (None: no such record)."""
        if uid is None or not (q := self._early.get((uid, remote))):
            return None
        uid_only = IncidentKey(key.account, key.uid, None, None, key.verdict)
        # the earliest read of the records read after it was made (their SYNs were made
        # since ``lo``): records read before it are left for the SYNs made before them,
        # which may be handled later (out of order)
        first = q.first_from(when - SYN_SLACK)
        for i in range(first, min(len(q.times), first + MAX_EARLY_SCAN)):
            item = q.items[i]
            assert item is not None
            lo, counted_in = item
            if lo <= when and counted_in in (key, uid_only):
                q.take(i)
                if not q:
                    del self._early[(uid, remote)]
                return counted_in
        return None

    def resume(self, incidents: Iterable[Incident]) -> int:
        """Carry on incidents recorded before a restart (from the store): a later attempt with
        the same key within ``idle_gap`` of an incident's last attempt joins it, keeping its id
        and counts, instead of opening a new one. Returns how many were taken up."""
        taken: set[IncidentKey] = set()
        for inc in sorted(incidents, key=lambda i: i.last_seen):
            origin = inc.scripts[0] if inc.scripts else inc.cwd
            origin = origin.removesuffix(DELETED) if origin else origin
            key = IncidentKey(
                inc.account, inc.uid, inc.exe, origin, inc.verdict, bool(inc.scripts)
            )
            current = self._open.get(key)
            if current is not None and current.last_seen >= inc.last_seen:
                continue
            first = _FirstSeen(
                inc.account_kind, inc.home, inc.cwd, inc.scripts, inc.cmdline, inc.reasons,
                inc.domain,
            )
            self._open[key] = _Open(
                key, inc.id, first, inc.first_seen, inc.last_seen,
                connections=inc.connections, blocked=inc.blocked,
                destinations=dict.fromkeys(inc.destinations[:MAX_DESTINATIONS]),
                pids=dict.fromkeys(inc.pids[:MAX_PIDS]), methods=dict(inc.methods),
                user=inc.user,
            )  # fmt: skip
            self._open.move_to_end(key)
            if inc.uid is not None and not _uid_only(key):
                self._note_known(inc.uid, key)
                self._remember(key, _vague(key, inc.account_kind, inc.home))
                if inc.blocked:  # refused before the restart, last by its last attempt
                    self._refused(inc.uid, self._open[key], inc.last_seen)
            taken.add(key)
        self._trim(0.0)
        return len(taken)

    def _note_known(self, uid: int, key: IncidentKey) -> None:
        """``key``, which knows its sender, is the latest of its uid and verdict."""
        keys = self._known.setdefault((uid, key.verdict), {})
        keys.pop(key, None)
        keys[key] = None
        if len(keys) > MAX_KNOWN_PER_UID:
            del keys[next(iter(keys))]

    def _refused(self, uid: int, inc: _Open, when: float) -> None:
        """The kernel refused a connect of ``inc`` (of ``uid``) at ``when``: it is contained."""
        inc.refused_at = when if inc.refused_at is None else max(inc.refused_at, when)
        if _uid_only(inc.key):
            return  # a record joins it by its key
        keys = self._contained.setdefault(uid, {})
        keys.pop(inc.key, None)
        keys[inc.key] = None
        if len(keys) > MAX_CONTAINED_PER_UID:
            del keys[next(iter(keys))]

    def _contained_for(
        self, uid: int, verdict: Verdict, latest: tuple[float, IncidentKey] | None, when: float
    ) -> _Open | None:
        """The open contained incident of ``uid`` that a refused connect of ``verdict`` with
        nothing else to join counts in (see the module's docstring): of the same port class,
        refused within :data:`CONTAINED_WINDOW` before ``when``; with several, the one of
        ``latest`` (the uid's latest attempt to that destination), else the latest refused.
        None: no such incident."""
        port_class = _PORT_CLASS.get(verdict)
        keys = self._contained.get(uid)
        if port_class is None or not keys:
            return None
        found = []
        for key in reversed(keys):
            inc = self._still_open(key, when)
            if inc is None or inc.refused_at is None or _PORT_CLASS.get(key.verdict) != port_class:
                continue
            if when - inc.refused_at > CONTAINED_WINDOW:
                continue
            if latest is not None and latest[1] == key:
                return inc
            found.append(inc)
        return found[0] if found else None

    def _known_for(
        self, uid: int, verdict: Verdict, pid: int | None, remote: str, when: float
    ) -> _Open | None:
        """The open incident of ``uid`` and ``verdict`` that knows its sender which a uid-only
        attempt (process ``pid``, to ``remote``) joins: with several, the one whose pids hold
        ``pid`` (the same process, attributed in full before), else the one whose attempt to
        ``remote`` came within the matching window before, else the latest. None: none open."""
        keys = self._known.get((uid, verdict)) or {}
        open_ = [inc for k in reversed(keys) if (inc := self._still_open(k, when)) is not None]
        if len(open_) <= 1:
            return open_[0] if open_ else None
        if pid:
            for inc in open_:
                if pid in inc.pids:
                    return inc
        latest = self._latest.get((uid, remote))
        if latest is not None and abs(when - latest[0]) <= BLOCK_MATCH_WINDOW:
            for inc in open_:
                if inc.key == latest[1]:
                    return inc
        return open_[0]

    def _script_of_folder(self, key: IncidentKey, when: float) -> _Open | None:
        """For a folder-only ``key``: the open incident of the latest script of its sender
        (account, uid, program, verdict), if that script lies inside the folder."""
        scripted = self._scripted.get(_sender(key)) if _folder_only(key) else None
        known = self._still_open(scripted, when)
        if known is None or known.key.origin is None or key.origin is None:
            return None
        return known if is_within(known.key.origin, key.origin) else None

    def _joined_by_folder(self, key: IncidentKey, when: float, vague: bool) -> _Open | None:
        """The open incident a folder-only ``key`` joins: for a ``vague`` one, the latest of
        the same uid, program and verdict that knows more; else the latest script's of its
        sender inside its folder (:meth:`_script_of_folder`)."""
        if vague and (informed := self._informed_of(key, when)) is not None:
            return informed
        return self._script_of_folder(key, when)

    def _informed_of(self, key: IncidentKey, when: float) -> _Open | None:
        """For a vague ``key``: the open incident of the same uid, program and verdict that
        knows more of the sender (the latest), if any."""
        return self._still_open(self._informed.get(_program(key)), when)

    def _remember(self, key: IncidentKey, vague: bool = False) -> None:
        if key.exe is None or key.origin is None:
            return
        if vague:
            self._vague[_program(key)] = key
            return
        self._informed[_program(key)] = key
        if key.script:
            self._scripted[_sender(key)] = key
        else:
            self._folders[_sender(key)] = key

    def _take_over(
        self, key: IncidentKey, attempt: AttributedAttempt, when: float, vague: bool = False
    ) -> _Open | None:
        """The open incident that ``key`` (the first attempt that knows more of its sender)
        takes over (:meth:`_to_take_over`), if any, re-keyed to ``key``: its id and counts
        kept, what it shows of the sender taken from ``attempt``."""
        if key in self._open or (inc := self._to_take_over(key, when, vague)) is None:
            return None
        old = inc.key
        del self._open[old]
        inc.key = key
        inc.first = _FirstSeen.of(attempt)
        self._open[key] = inc
        for q in self._unmatched.values():  # seen attempts waiting for their records
            q.items[:] = [key if waiting == old else waiting for waiting in q.items]
        for early in self._early.values():  # records that counted their SYNs' connects
            early.items[:] = [
                (it[0], key) if it is not None and it[1] == old else it for it in early.items
            ]
        for where, (last_at, latest) in list(self._latest.items()):
            if latest == old:
                self._latest[where] = (last_at, key)
        uid = key.uid
        if inc.refused_at is not None and uid is not None:
            keys = self._contained.get(uid) or {}
            keys.pop(old, None)
            self._refused(uid, inc, inc.refused_at)
        return inc

    def _to_take_over(self, key: IncidentKey, when: float, vague: bool) -> _Open | None:
        """The incident :meth:`_take_over` re-keys to ``key``, the first still open of: the
        uid-only incident of its uid and verdict; for a key that names its script, the
        folder-only incident of its sender whose folder holds the script (a php-fpm run whose
        first requests were known by the worker's folder only); for a key that is not
        ``vague`` itself, the vague incident of its uid, program and verdict (mod_php read
        between two requests, as the web server's user: no site's account)."""
        uid_only = IncidentKey(key.account, key.uid, None, None, key.verdict)
        if (inc := self._still_open(uid_only, when)) is not None:
            return inc
        if key.script and (inc := self._folder_of_script(key, when)) is not None:
            return inc
        return None if vague else self._still_open(self._vague.get(_program(key)), when)

    def _folder_of_script(self, key: IncidentKey, when: float) -> _Open | None:
        """For a ``key`` that names its script: the open folder-only incident of its sender
        (account, uid, program, verdict), if the script lies inside that folder (the mirror
        of :meth:`_script_of_folder`)."""
        folder = self._folders.get(_sender(key))
        if folder is None or not folder.origin or not key.origin:
            return None
        if not is_within(key.origin, folder.origin):
            return None
        return self._still_open(folder, when)

    def _still_open(self, key: IncidentKey | None, when: float) -> _Open | None:
        """The open incident of ``key`` if its last attempt was within ``idle_gap`` of
        ``when`` (None: no key, none open, or it went quiet)."""
        inc = self._open.get(key) if key is not None else None
        return None if inc is None or when - inc.last_seen > self.idle_gap else inc

    def _match_blocked(self, uid: int, remote: str, when: float, lo: float) -> _Open | None:
        """The incident of the earliest seen attempt of ``uid`` to ``remote`` waiting for its
        record that a record read at ``when`` matches (made at ``lo`` or later, and not after
        it was read: :data:`SYN_SLACK`), taken; None: none. Attempts made before ``lo`` are
        dropped (their records lost: the records are handled in the order they were read,
        and a record read later was sent later)."""
        q = self._unmatched.get((uid, remote))
        if not q:
            return None
        q.drop_before(lo)
        while q and q.times[q.start] <= when + SYN_SLACK:
            key = q.take(q.start)  # (its incident forgotten: its record counts where it may)
            if key in self._open:
                if not q:
                    del self._unmatched[(uid, remote)]
                return self._open[key]
        if not q:
            del self._unmatched[(uid, remote)]
        return None

    def _trim(self, now: float) -> None:
        while len(self._open) > self.max_open:
            self._open.popitem(last=False)
        for waiting_for in (self._unmatched, self._early):
            if len(waiting_for) > 4096:
                for k in [k for k, q in waiting_for.items() if not q or q.times[-1] < now - 10]:
                    del waiting_for[k]
        if len(self._latest) > 4096:
            for k in [k for k, (at, _key) in self._latest.items() if at < now - 10]:
                del self._latest[k]
        if len(self._known) > 4096:
            for k in [k for k, keys in self._known.items() if not any(
                    key in self._open for key in keys)]:  # fmt: skip
                del self._known[k]
        if len(self._contained) > 4096:
            for uid in [u for u, keys in self._contained.items() if not any(
                    key in self._open for key in keys)]:  # fmt: skip
                del self._contained[uid]
        for index in (self._scripted, self._folders):
            if len(index) > 4096:
                _drop_closed(index, self._open)
        for programs in (self._vague, self._informed):
            if len(programs) > 4096:
                _drop_closed(programs, self._open)

    def open_incidents(self) -> list[Incident]:
        return [inc.snapshot() for inc in self._open.values()]
