"""Mail through the MTA -> ``mail-script`` / ``mail-auth`` incidents (pure: no I/O, no clock).

:class:`MailPolicy` is given the messages of :mod:`spamtrace.attribution.mail` in log order
and keeps, per sender, what it sent in the last ``window`` seconds (time from the messages, so
a log can be replayed). It opens an incident when:

``mail-script`` (a script, or an account's local submissions when no script is known)
    - more than ``script_max_messages`` messages in the window (CSF's ``LF_SCRIPT_LIMIT``
      counts the same thing, 200 an hour by default), or
    - more than ``script_max_recipients`` distinct recipient addresses in the window (a
      contact form writes to one or a few addresses; a spam run to thousands), or
    - the PHP scanner calls the script malicious (:meth:`MailPolicy.malicious`).

``mail-auth`` (an SMTP AUTH mailbox; a stolen password used by a botnet)
    - more than ``auth_max_ips`` distinct client addresses, or more than
      ``auth_max_networks`` distinct networks (IPv4 /16, IPv6 /32: a person moves between
      home, work and a phone; a botnet logs in from everywhere), or
    - more than ``auth_max_messages`` messages, or
    - more than ``auth_rate_factor`` times its own hourly average over the previous
      ``history_hours`` (once at least a day of history is known) and at least
      ``auth_min_messages`` messages.

A mailbox of an account in ``[submission] allow_accounts`` (:class:`AllowedSenders`: the
mailbox, its local part, or the hosting account that owns its domain) may send volume: the
two limits on messages (``auth_max_messages``, ``auth_rate_factor``) open no incident for it,
and the policy keeps which mailbox they spared (:attr:`MailPolicy.spared`, said in the
report). The limits on addresses and networks still apply: a password used from a botnet is
not the volume the admin allowed.

An open incident goes on counting while its sender keeps sending; after ``window`` seconds
without a message it is closed and a new run opens a new one. Incident ids are stable for a
replay (:func:`spamtrace.policy.incidents.incident_id`).
"""

from __future__ import annotations

import functools
import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spamtrace.attribution.mail import MailMessage, sender_key
from spamtrace.model import Verdict
from spamtrace.policy.incidents import IncidentKey, incident_id
from spamtrace.policy.window import Counts, HourlyHistory, Sums, WindowCounts, WindowSum
from spamtrace.sources.maillog.event import mailbox_name, unnamed_login

try:  # observe()'s and recipient()'s window steps, compiled (with MailLedger.feed's loop)
    from spamtrace.attribution import _mailjoin
except ImportError:  # not built: the Python methods below (the reference) do it
    _mailjoin = None  # type: ignore[assignment]

#: events kept per sender and window (beyond, the threshold was passed long before)
MAX_WINDOW_ITEMS = 200_000
MIN_HISTORY_HOURS = 24
MAX_CLOSED = 10_000
#: queue ids kept per sender (the latest), for freezing its queued messages (not in a replay)
MAX_QUEUE_IDS = 1000


@dataclass(frozen=True, slots=True)
class MailThresholds:
    window: int = 3600
    script_max_messages: int = 200
    script_max_recipients: int = 200
    auth_max_ips: int = 10
    auth_max_networks: int = 4
    auth_max_messages: int = 500
    auth_rate_factor: float = 10.0
    auth_min_messages: int = 50
    history_hours: int = 168

    @classmethod
    def from_config(cls, mail: object) -> MailThresholds:
        """From a :class:`spamtrace.config.MailSection` (same key names)."""
        return cls(**{k: getattr(mail, k) for k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True)
class AllowedSenders:
    """``[submission] allow_accounts`` for SMTP AUTH senders: accounts whose authenticated
    submissions may be of any volume. ``owner`` gives the hosting account that owns a
    mailbox's domain (the panel's; an adapter, so that the policy stays free of I/O)."""

    accounts: frozenset[str] = frozenset()
    owner: Callable[[str], str | None] | None = None

    @classmethod
    def from_config(cls, cfg: Any, owner: Callable[[str], str | None]) -> AllowedSenders:
        """From a :class:`spamtrace.config.Config`; ``owner``: domain -> its hosting account's
        name (the caller's cached look-up)."""
        # a mailbox is read with its capitals made small: so are the entries that name one
        entries = cfg.submission.allow_accounts
        accounts = frozenset([*entries, *(mailbox_name(e) for e in entries if "@" in e)])
        return cls(accounts, owner if accounts else None)

    def entry(self, box: str) -> str | None:
        """The allow_accounts entry that covers mailbox ``box`` (None: none does)."""
        if not self.accounts:
            return None
        if box in self.accounts:
            return box
        local, at, domain = box.rpartition("@") if "@" in box else (box, "", "")
        owner = self.owner(domain) if (self.owner is not None and at) else None
        if owner in self.accounts:
            return owner
        # the account's own login with a domain (shop@host.example): not a mailbox of a domain
        # another account owns (shop@their.example would send any volume under "shop")
        if local in self.accounts and owner in (None, local):
            return local
        return None


#: mailboxes remembered per policy as allowed or not (the owner look-up is not repeated)
MAX_ALLOWED_CACHE = 10_000


@dataclass(frozen=True, slots=True)
class MailIncident:
    """A snapshot of one mail incident."""

    id: str
    verdict: Verdict
    kind: str  # the sender's kind: script | local | auth
    user: str | None
    uid: int | None
    script: str | None
    cwd: str | None
    auth_user: str | None
    messages: int  # since the incident's window began
    recipients: int
    distinct_recipients: int
    ips: tuple[str, ...]  # client addresses (auth), first seen first, at most 64
    first_seen: float
    last_seen: float
    reasons: tuple[str, ...]
    sample_recipients: tuple[str, ...] = ()
    sender: tuple[str, str | None, str | None] = ("", None, None)  # attribution.mail.sender_key
    mta: str = ""  # whose log showed it: "exim", "postfix", "php" (PHP's mail.log), "" unknown


class MailUpdate:
    """A message opened (``opened``) or joined an incident. ``incident`` is its snapshot,
    taken when the incident opened, else when first asked for (a replay of a big log asks
    only for the last ones: a snapshot per message would cost more than the message)."""

    __slots__ = ("_make", "_snap", "opened")

    def __init__(self, incident: MailIncident | Callable[[], MailIncident], opened: bool) -> None:
        self.opened = opened
        self._snap = incident if isinstance(incident, MailIncident) else None
        self._make = incident

    @property
    def incident(self) -> MailIncident:
        if self._snap is None:
            self._snap = self._make()  # type: ignore[operator]
        return self._snap


def network_of(ip: str) -> str:
    """IPv4 /16 or IPv6 /32 prefix of an address, as text (``203.0`` / ``2001:db8``)."""
    if ":" in ip:
        import ipaddress

        try:
            packed = ipaddress.IPv6Address(ip.split("%")[0]).packed
        except ValueError:
            return ip
        return f"{packed[0] << 8 | packed[1]:x}:{packed[2] << 8 | packed[3]:x}"
    return ".".join(ip.split(".")[:2])


@dataclass(slots=True)
class _Window:
    """One sender's last ``window`` seconds (and, for a mailbox, its hourly history)."""

    # WindowSum and WindowCounts, or their compiled twins (MailPolicy(compiled=True))
    messages: Sums = field(default_factory=WindowSum)  # recipients per message
    addresses: Counts = field(default_factory=WindowCounts[str])
    ips: Counts = field(default_factory=WindowCounts[str])
    nets: Counts = field(default_factory=WindowCounts[str])
    history: HourlyHistory = field(default_factory=HourlyHistory)
    queue_ids: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=MAX_QUEUE_IDS))
    last_seen: float = 0.0
    #: no item of the windows is older (at most the oldest's time): below it, nothing expires
    #: and observe() / recipient() skip the call (most of the time nothing has expired)
    next_expiry: float = math.inf

    def expire(self, before: float) -> None:
        if before <= self.next_expiry:
            return
        sums, addresses, ips = self.messages, self.addresses, self.ips
        if sums.first(math.inf) < before:
            sums.expire(before)
        if addresses.first(math.inf) < before:
            addresses.expire(before)
        if ips.first(math.inf) < before:
            ips.expire(before)
            self.nets.expire(before)
        self.next_expiry = min(
            sums.first(math.inf), addresses.first(math.inf), ips.first(math.inf)
        )


@dataclass(slots=True)
class _Open:
    id: str
    verdict: Verdict
    msg: MailMessage
    messages: int
    recipients: int
    first_seen: float
    last_seen: float
    reasons: tuple[str, ...]
    ips: dict[str, None]
    samples: dict[str, None]
    #: the counts the limit reasons say (messages, distinct recipients, addresses, networks
    #: in a window): those at the opening, raised when a later window of the incident holds
    #: more (:meth:`MailPolicy._snapshot`)
    peak: tuple[int, int, int, int] = (0, 0, 0, 0)
    #: a mailbox's usual messages in a window (its history before the incident), when the
    #: rate-against-history reason could be given: that reason's count is raised as the
    #: others are
    usual: float | None = None


def _window_counts(win: _Window) -> tuple[int, int, int, int]:
    return (len(win.messages), win.addresses.distinct, win.ips.distinct, win.nets.distinct)


def _rate_text(t: MailThresholds, count: int, usual: float) -> str:
    """The rate-against-history reason: ``count`` messages in a window against ``usual``."""
    return (
        f"{count} messages in {_span(t.window)}, {count / max(usual, 1.0):.0f}x its usual "
        f"{usual:.1f} (more than mail.auth_rate_factor = {t.auth_rate_factor:g})"
    )


def _limit_texts(t: MailThresholds, auth: bool, counts: tuple[int, int, int, int]) -> list[str]:
    """The reasons a count above a limit gives, whether or not it is above (by position:
    script messages, recipients; or a mailbox's addresses, networks, messages)."""
    count, distinct, ips, nets = counts
    span = _span(t.window)
    if not auth:
        return [
            f"{count} messages in {span} (more than mail.script_max_messages = "
            f"{t.script_max_messages})",
            f"{distinct} distinct recipients in {span} (more than "
            f"mail.script_max_recipients = {t.script_max_recipients})",
        ]
    return [
        f"logged in from {ips} addresses in {span} (more than mail.auth_max_ips = "
        f"{t.auth_max_ips})",
        f"logged in from {nets} networks (/16) in {span} (more than "
        f"mail.auth_max_networks = {t.auth_max_networks})",
        f"{count} messages in {span} (more than mail.auth_max_messages = "
        f"{t.auth_max_messages})",
    ]


class MailPolicy:
    """Per-sender sliding windows and the incidents they open (see the module docstring)."""

    # slots: the compiled steps read these at fixed offsets (see MailLedger's)
    __slots__ = (
        "_allow", "_allowed", "_counts", "_nets", "_open", "_sums", "_windows", "closed",
        "max_senders", "spared", "t", "updates",
    )  # fmt: skip

    def __init__(
        self,
        thresholds: MailThresholds | None = None,
        max_senders: int = 100_000,
        *,
        updates: bool = True,
        compiled: bool = True,
        allow: AllowedSenders | None = None,
    ) -> None:
        """``allow``: the mailboxes whose volume is allowed (``[submission] allow_accounts``).
        ``compiled``: the windows are the compiled WindowSum and WindowCounts where built
        (``attribution/_mailjoin.c``: the same, with no object per item), else the Python
        classes, the reference."""
        self.t = thresholds or MailThresholds()
        compiled = compiled and _mailjoin is not None
        self._counts: Callable[[], Counts] = (
            _mailjoin.WindowCounts if compiled else WindowCounts[str]
        )
        self._sums: Callable[[], Sums] = _mailjoin.WindowSum if compiled else WindowSum
        self.max_senders = max_senders
        #: return an update for every message of an open incident (the live follower); a
        #: replay of a log (``spamtrace mail``) reads the incidents at the end instead
        self.updates = updates
        #: IPv6 client address -> network_of(address) (an IPv4 /16 is quicker cut than looked
        #: up in a table as big as the clients: a cache miss each, 5 MiB for a million lines)
        self._nets: dict[str, str] = {}
        self._windows: dict[tuple[str, str | None, str | None], _Window] = {}
        self._open: dict[tuple[str, str | None, str | None], _Open] = {}
        #: snapshots of incidents closed by ``window`` seconds of quiet (last MAX_CLOSED)
        self.closed: list[MailIncident] = []
        self._allow = allow or AllowedSenders()
        self._allowed: dict[str, str | None] = {}  # mailbox -> its allow_accounts entry
        #: mailbox -> (allow_accounts entry, the volume limit it passed, unflagged), the
        #: first time (at most MAX_ALLOWED_CACHE)
        self.spared: dict[str, tuple[str, str]] = {}

    # ----------------------------------------------------------------- deciding
    # observe() and recipient() run for every message and every recipient learnt from a
    # delivery line (half a million calls for a million-line log): the window bookkeeping is
    # written out here with locals, and what only a new incident needs (the hourly average,
    # the reasons) is computed only when no incident is open. tests/unit/mail/
    # test_mail_policy_replay.py holds what the straightforward version decided.

    def retune(self, thresholds: MailThresholds, allow: AllowedSenders | None = None) -> None:
        """Take new limits and ``allow_accounts`` (a reload): the windows kept so far are
        judged by them from the next message on (a shorter ``window`` expires more at once)."""
        self.t = thresholds
        self._allow = allow or AllowedSenders()
        self._allowed.clear()

    def observer(self, compiled: bool = True) -> Callable[[MailMessage], MailUpdate | None]:
        """:meth:`observe`, or its compiled step where built (``attribution/_mailjoin.c``:
        the same, faster, for a replay made with ``updates=False``)."""
        if (
            compiled
            and _mailjoin is not None
            and not self.updates
            and type(self).observe is MailPolicy.observe  # not a subclass's own
        ):
            return _mailjoin.observer(self)
        return self.observe

    def observe(self, msg: MailMessage) -> MailUpdate | None:
        """Take one message; an update when it opened or belongs to an incident (None for a
        message of an open incident when the policy was made with ``updates=False``)."""
        key = msg.key
        if key is None:
            key = msg.key = sender_key(msg)
        win = self._windows.get(key)
        if win is None:
            if len(self._windows) >= self.max_senders:
                oldest = min(self._windows, key=lambda k: self._windows[k].last_seen)
                del self._windows[oldest]
            win = self._windows[key] = self._window()
        now = msg.wall
        window = self.t.window
        if now - window > win.next_expiry:
            win.expire(now - window)
        if now < win.next_expiry:  # what is added now is kept at least until now + window
            win.next_expiry = now
        sums = win.messages
        addresses = win.addresses
        if now > win.last_seen:
            win.last_seen = now
        if len(sums) < MAX_WINDOW_ITEMS:
            sums.add(now, msg.recipients)
            for addr in msg.addresses:
                if len(addresses) >= MAX_WINDOW_ITEMS:
                    break
                addresses.add(now, addr)
            ip = msg.ip
            if ip is not None:  # the address and its network
                win.ips.add(now, ip)
                net = self._nets.get(ip) if ":" in ip else network_of(ip)  # v4: made, not kept
                if net is None:
                    if len(self._nets) >= MAX_WINDOW_ITEMS:
                        self._nets.clear()
                    net = self._nets[ip] = network_of(ip)
                win.nets.add(now, net)
        if msg.queue_id is not None and self.updates:  # a replay freezes nothing
            win.queue_ids.append((now, msg.queue_id))
        hour = int(now // 3600)
        win.history.add(hour)  # the hours before this window's do not hold it: same average
        return self._observe_rest(msg, key, win, now, hour)

    def _observe_rest(
        self,
        msg: MailMessage,
        key: tuple[str, str | None, str | None],
        win: _Window,
        now: float,
        hour: int,
    ) -> MailUpdate | None:
        """The rest of :meth:`observe` once the windows hold ``msg`` (also called from the
        compiled step, ``attribution/_mailjoin.c``, which does the part above and, for a
        message of an open incident in a replay, this part's common case)."""
        window = self.t.window
        history = win.history
        current = self._open.get(key)
        if current is not None and now - current.last_seen > window:
            self._close(key, current, win)
            current = None
        average = None
        if current is None and msg.auth is not None:
            average = self._hourly_average(win, hour)  # before pruning, as it always was
        if len(history.hours) > self.t.history_hours + 2:
            history.prune(hour - self.t.history_hours - 1)
        if current is not None:
            current.messages += 1
            current.recipients += msg.recipients
            if now > current.last_seen:
                current.last_seen = now
            elif now < current.first_seen:  # a line out of time order (see _open_incident)
                current.first_seen = now
            ip = msg.ip
            if ip is not None and len(current.ips) < 64:
                current.ips[ip] = None
            if msg.addresses and len(current.samples) < 20:
                self._samples(current, msg)
            if not self.updates:
                return None
            return MailUpdate(lambda: self._snapshot(current, win, key), opened=False)
        reasons = self._reasons(msg, win, average)
        if not reasons:
            return None
        verdict = Verdict.MAIL_AUTH if msg.auth is not None else Verdict.MAIL_SCRIPT
        usual = None if average is None else average * window / 3600.0
        return self._open_incident(key, msg, win, verdict, tuple(reasons), usual)

    def recipient(self, msg: MailMessage, address: str, wall: float) -> MailUpdate | None:
        """A recipient of ``msg`` learnt later (from a delivery line of the log)."""
        key = msg.key
        if key is None:
            key = msg.key = sender_key(msg)
        win = self._windows.get(key)
        if win is None:
            return None
        if wall - self.t.window > win.next_expiry:
            win.expire(wall - self.t.window)
        if wall < win.next_expiry:
            win.next_expiry = wall
        addresses = win.addresses
        if len(addresses) < MAX_WINDOW_ITEMS:
            addresses.add(wall, address)
        current = self._open.get(key)
        if current is not None:
            if len(current.samples) < 20:
                current.samples[address] = None
            if not msg.final_count:
                current.recipients += 1
            return None  # counted; the message itself already updated the incident
        t = self.t
        if msg.auth is not None or (  # below both limits of a script: no reason (the common case)
            len(win.messages) <= t.script_max_messages
            and addresses.distinct <= t.script_max_recipients
        ):
            return None
        return self._recipient_opens(msg, win, key)

    def _recipient_opens(
        self, msg: MailMessage, win: _Window, key: tuple[str, str | None, str | None]
    ) -> MailUpdate | None:
        """The rest of :meth:`recipient` for a script above a limit (also called from the
        compiled step, ``attribution/_mailjoin.c``, which does the part above)."""
        reasons = self._reasons(msg, win, None)
        if not reasons:
            return None
        return self._open_incident(key, msg, win, Verdict.MAIL_SCRIPT, tuple(reasons))

    def malicious(self, msg: MailMessage, why: str) -> MailUpdate:
        """The scanner calls the sender's script malicious: open (or join) its incident."""
        key = sender_key(msg)
        win = self._windows.get(key)
        if win is None:
            win = self._windows[key] = self._window(msg.wall)
        current = self._open.get(key)
        if current is not None:
            if why not in current.reasons:
                current.reasons = (*current.reasons, why)
            return MailUpdate(self._snapshot(current, win, key), opened=False)
        return self._open_incident(key, msg, win, Verdict.MAIL_SCRIPT, (why,))

    def _open_incident(
        self,
        key: tuple[str, str | None, str | None],
        msg: MailMessage,
        win: _Window,
        verdict: Verdict,
        reasons: tuple[str, ...],
        usual: float | None = None,
    ) -> MailUpdate:
        first = win.messages.first(msg.wall)
        origin = msg.script or msg.cwd or msg.auth
        ident = incident_id(IncidentKey(msg.user, msg.uid, None, origin, verdict), first)
        # the window's recipients: those counted at arrival, or all its addresses when more
        # (without Exim's +received_recipients they are learnt from the delivery lines)
        recipients = max(msg.recipients, win.messages.total, len(win.addresses))
        # the window is kept in log order: a log whose lines are not in time order (PHP-FPM
        # workers writing at once, a log put together by hand) can open on a message older than
        # the window's first; the incident spans both, never "21:00:59 .. 21:00:09"
        inc = _Open(
            ident, verdict, msg, max(1, len(win.messages)), recipients,
            min(first, msg.wall), max(first, msg.wall), reasons,
            dict.fromkeys(list(win.ips.keys())[:64]),
            dict.fromkeys(list(win.addresses.keys())[:20]), _window_counts(win), usual,
        )  # fmt: skip
        self._open[key] = inc
        return MailUpdate(self._snapshot(inc, win, key), opened=True)

    @staticmethod
    def _samples(inc: _Open, msg: MailMessage) -> None:
        for addr in msg.addresses:
            if len(inc.samples) >= 20:
                break
            inc.samples[addr] = None

    def _hourly_average(self, win: _Window, hour: int) -> float | None:
        """Messages an hour before this window, once a day of history is known (a running
        sum: :class:`~spamtrace.policy.window.HourlyHistory`)."""
        first = win.history.first
        if first is None:
            return None
        start = hour - max(1, self.t.window // 3600)
        span = start - max(first, hour - self.t.history_hours)
        if span < MIN_HISTORY_HOURS:
            return None
        return win.history.below(start) / span

    def rate_judged(self, sender: tuple[str, str | None, str | None], wall: float) -> bool:
        """Whether the rate-against-history rule could judge ``sender``'s message at ``wall``
        (its last): a day of its history (:data:`MIN_HISTORY_HOURS`) known before the window
        that ends there, as :meth:`_hourly_average` asks."""
        win = self._windows.get(sender)
        return win is not None and self._hourly_average(win, int(wall // 3600)) is not None

    def _reasons(self, msg: MailMessage, win: _Window, average: float | None) -> list[str]:
        t = self.t
        counts = _window_counts(win)
        count, distinct, ips, nets = counts
        out: list[str] = []
        texts = _limit_texts(t, msg.auth is not None, counts)
        if msg.auth is None:
            if count > t.script_max_messages:
                out.append(texts[0])
            if distinct > t.script_max_recipients:
                out.append(texts[1])
            return out
        if ips > t.auth_max_ips:
            out.append(texts[0])
        if nets > t.auth_max_networks:
            out.append(texts[1])
        volume: list[str] = []
        if count > t.auth_max_messages:
            volume.append(texts[2])
        if average is not None and count >= t.auth_min_messages:
            usual = average * t.window / 3600.0
            if count > t.auth_rate_factor * max(usual, 1.0):
                volume.append(_rate_text(t, count, usual))
        if volume:
            entry = self._allowed_entry(msg.auth)
            if entry is not None:  # its volume is allowed: said, not flagged
                if msg.auth not in self.spared and len(self.spared) < MAX_ALLOWED_CACHE:
                    self.spared[msg.auth] = (entry, volume[0])
                if out:
                    out.append(f"(its volume is allowed: [submission] allow_accounts {entry})")
                return out
        return out + volume

    def _allowed_entry(self, box: str) -> str | None:
        """The ``[submission] allow_accounts`` entry that covers mailbox ``box``, remembered."""
        if box in self._allowed:
            return self._allowed[box]
        if len(self._allowed) >= MAX_ALLOWED_CACHE:
            self._allowed.clear()
        entry = self._allowed[box] = self._allow.entry(box)
        return entry

    def _snapshot(
        self, inc: _Open, win: _Window, key: tuple[str, str | None, str | None]
    ) -> MailIncident:
        msg = inc.msg
        now = _window_counts(win)
        if any(n > p for n, p in zip(now, inc.peak, strict=True)):
            # the reasons said the counts of the opening ("logged in from 5 networks"); a
            # later window of the incident holds more (24): they say that now, still true of
            # an hour of it (the window's span), where they hid how big it grew
            (a, b, c, d), (e, f, g, h) = now, inc.peak
            peak = (max(a, e), max(b, f), max(c, g), max(d, h))
            auth = msg.auth is not None
            old = _limit_texts(self.t, auth, inc.peak)
            new = _limit_texts(self.t, auth, peak)
            if inc.usual is not None:  # "N messages in an hour, Mx its usual U" too
                old.append(_rate_text(self.t, inc.peak[0], inc.usual))
                new.append(_rate_text(self.t, peak[0], inc.usual))
            inc.reasons = tuple(new[old.index(r)] if r in old else r for r in inc.reasons)
            inc.peak = peak
        return MailIncident(
            id=inc.id, verdict=inc.verdict, kind=key[0], user=msg.user, uid=msg.uid,
            script=msg.script, cwd=msg.cwd, auth_user=msg.auth, messages=inc.messages,
            recipients=inc.recipients, distinct_recipients=win.addresses.distinct,
            ips=tuple(inc.ips), first_seen=inc.first_seen, last_seen=inc.last_seen,
            reasons=inc.reasons, sample_recipients=tuple(inc.samples), sender=key, mta=msg.mta,
        )  # fmt: skip

    def _close(self, key: tuple[str, str | None, str | None], inc: _Open, win: _Window) -> None:
        self.closed.append(self._snapshot(inc, win, key))
        if len(self.closed) > MAX_CLOSED:
            del self.closed[0]
        del self._open[key]

    def queue_ids(self, sender: tuple[str, str | None, str | None]) -> tuple[str, ...]:
        """The queue ids of the sender's latest messages (at most :data:`MAX_QUEUE_IDS`,
        those of its open incident when it has one), oldest first: what to freeze. A replay
        (``updates=False``: ``mail``, ``check``) keeps none: nothing freezes from it, and
        the ids of a million-line log took 20 MiB (a str and a tuple each)."""
        win = self._windows.get(sender)
        if win is None:
            return ()
        inc = self._open.get(sender)
        since = inc.first_seen if inc is not None else win.last_seen - self.t.window
        return tuple(qid for wall, qid in win.queue_ids if wall >= since)

    def open_count(self, now: float) -> int:
        """The incidents still open at ``now`` (wall time): last seen within ``window``. An
        incident is closed at its sender's next message; one quiet longer is over already."""
        window = self.t.window
        return sum(1 for inc in self._open.values() if now - inc.last_seen <= window)

    def open_incidents(self) -> list[MailIncident]:
        # a sender's window may have been dropped (max_senders) while its incident is open:
        # the incident goes on if it sends again; its snapshot meanwhile has an empty window
        windows = self._windows
        return [self._snapshot(i, windows.get(k) or _Window(), k) for k, i in self._open.items()]

    def _window(self, last_seen: float = 0.0) -> _Window:
        new, sums = self._counts, self._sums
        return _Window(sums(), new(), new(), new(), last_seen=last_seen)

    def all_incidents(self) -> list[MailIncident]:
        """The incidents closed so far (the last :data:`MAX_CLOSED`) and the open ones."""
        return [*self.closed, *self.open_incidents()]


if _mailjoin is not None:  # MailLedger.feed does recipient()'s window step itself
    _mailjoin.policy(
        MailPolicy.recipient, MailPolicy.observe, network_of, MAX_WINDOW_ITEMS, _Window,
        WindowSum, WindowCounts, HourlyHistory,
    )  # fmt: skip


@functools.lru_cache(maxsize=16)
def _span(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "an hour" if hours == 1 else f"{hours} hours"
    if seconds % 60 == 0:
        return f"{seconds // 60} minutes"
    return f"{seconds} seconds"


#: at most this many envelope senders are named in a local sender's freeze command
ADVICE_SENDERS = 5


#: where Postfix logs when the caller does not say (``[mail] postfix_logs``' default)
POSTFIX_LOGS = ("/var/log/mail.log", "/var/log/maillog")


def advice(
    inc: MailIncident, envelope: Sequence[str] = (), postfix_logs: Sequence[str] = POSTFIX_LOGS
) -> tuple[str, ...]:
    """What to do about a mail incident (commands to copy; shell-quoted), for the MTA whose
    log showed it (both MTAs' commands when only PHP's mail.log did). ``postfix_logs``: the
    Postfix logs a stolen login's messages are found in (:func:`_postfix_auth_hold`).

    ``envelope``: the envelope senders of a local sender's messages that no other sender
    used, when all are known. A script's mail rarely comes from ``<user>@`` (WordPress sends
    as ``wordpress@<site>``, most scripts give ``-f``): its queued mail is found by those,
    when there are at most :data:`ADVICE_SENDERS`; by ``<user>@`` otherwise."""
    from spamtrace.safetext import shell_quote

    out: list[str] = []
    if inc.verdict is Verdict.MAIL_AUTH:
        box = inc.auth_user or ""
        driver = unnamed_login(box)
        if driver is not None:  # no mailbox to name, nor to find its queued mail by
            return (
                f"Exim's authenticator {driver} logs no id: give it server_set_id = $auth1 "
                "(the login) to see the mailbox, then reset that mailbox's password "
                f"(used from {len(inc.ips)} address(es) here)",
            )
        out.append(f"reset the password of {box} (used from {len(inc.ips)} address(es) here)")
        exim = _exim_auth_freeze(box)
        postfix = _postfix_auth_hold(box, postfix_logs)
    else:
        where = inc.script or inc.cwd
        if where:
            out.append(f"spamtrace scan {shell_quote(where)}")
        named = sorted(a for a in envelope if a)
        if named and len(named) <= ADVICE_SENDERS:
            either = "|".join(_perl_re(a) for a in named)
            rx = f"^<{either}>$" if len(named) == 1 else f"^<(?:{either})>$"
            exim = f"exiqgrep -i -f {shell_quote(rx)} | xargs -r exim -Mf"
            postfix = _postsuper_hold(" or ".join(f'.sender == "{_jq_str(a)}"' for a in named))
        elif not inc.user:
            return tuple(out)
        else:
            rx = "^<" + _perl_re(inc.user) + "@"
            exim = f"exiqgrep -i -f {shell_quote(rx)} | xargs -r exim -Mf"
            postfix = _postsuper_hold(f'(.sender | startswith("{_jq_str(inc.user)}@"))')
    if inc.mta == "exim":
        out.append(f"freeze its queued mail: {exim}")
    elif inc.mta == "postfix":
        out.append(f"hold its queued mail: {postfix}")
    else:
        out.append(f"freeze its queued mail (Exim): {exim}")
        out.append(f"hold its queued mail (Postfix): {postfix}")
    return tuple(out)


def _exim_auth_freeze(box: str) -> str:
    """Exim's queued messages of SMTP AUTH login ``box``, frozen: found by the login in their
    spool header (``-auth_id``; ``--auth_id`` since Exim 4.94, a tainted value), not by the
    envelope sender, which a botnet with a stolen password makes up (``exiqgrep -f`` by the
    mailbox found none of its mail). ``LC_ALL=C``: the regex's ``\\xNN`` are bytes."""
    from spamtrace.safetext import shell_quote

    line = shell_quote("(?i)--?auth_id " + _perl_re(box))  # the login in any case
    return (
        f"LC_ALL=C grep -rlxP --include='*-H' -e {line} \"$(exim -bP -n spool_directory)/input\""
        " | sed -n 's|.*/\\(.*\\)-H$|\\1|p' | xargs -r exim -Mf"
    )


def _postfix_auth_hold(box: str, logs: Sequence[str]) -> str:
    """Postfix's queued messages of SMTP AUTH login ``box``, held: their queue ids from the
    log, on smtpd's line that names the login (``ID: client=..., sasl_username=BOX``, maybe
    followed by ``, sasl_sender=...``), in each log and its first rotation; not by the
    envelope sender, which a botnet with a stolen password makes up (and another login may
    use). An id no longer queued is skipped by ``postsuper``. ``LC_ALL=C``: bytes, as in
    :func:`_exim_auth_freeze`."""
    from spamtrace.safetext import shell_quote

    rx = (
        r"(?i)/smtpd\[[0-9]+\]: \K[0-9A-Za-z]+(?=: client=.*, sasl_username="
        + _perl_re(box)
        + r"(?:, |$))"
    )
    from spamtrace.sources.maillog.journal import journal_name

    names = [n for n in map(journal_name, logs) if n is not None]
    files = " ".join(
        shell_quote(f) for log in logs if journal_name(log) is None for f in (log, f"{log}.1")
    )
    if names:  # the journal's lines (postfix_logs "journal"), as rsyslog would write them
        source = "journalctl -q -a -o short --since -2d _TRANSPORT=syslog"
        return (
            f"{{ {source}; {f'cat {files}; ' if files else ''}}} 2>/dev/null | LC_ALL=C grep "
            f"-oP -e {shell_quote(rx)} | sort -u | postsuper -h -"
        )
    return f"LC_ALL=C grep -shoP -e {shell_quote(rx)} {files} | sort -u | postsuper -h -"


def _perl_re(text: str) -> str:
    """``text`` matched literally in exiqgrep's Perl regex, in printable characters: a
    control, invisible or undecodable character is written as its bytes (``\\x1b``, which
    exiqgrep's byte strings match), so the command stays one printable word and each such
    character is escaped once (a backslash before it, then bash's ``$'\\x1b'`` around it,
    was two escapes to read through)."""
    out = []
    for c in text:
        if c.isalnum() or c in "@_-":
            out.append(c)
        elif c.isprintable():
            out.append("\\" + c)
        else:
            out += [f"\\x{b:02x}" for b in _bytes(c)]
    return "".join(out)


def _bytes(c: str) -> bytes:
    """A character's bytes in the log: an undecodable byte (surrogateescape) gives itself."""
    try:
        return c.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate of another range (from JSON): as it is
        return c.encode("utf-8", "surrogatepass")


def _jq_str(text: str) -> str:
    """``text`` inside a jq string literal, in printable characters (JSON's ``\\u001b`` for a
    control or invisible character, as ``postqueue -j`` writes it)."""
    out = []
    for c in text:
        if c in '\\"':
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        else:
            out += [f"\\u{u:04x}" for u in _utf16(c)]
    return "".join(out)


def _utf16(c: str) -> tuple[int, ...]:
    """The UTF-16 code units of one character (a pair above U+FFFF), as JSON escapes it."""
    data = c.encode("utf-16-be", "surrogatepass")
    return tuple(int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2))


def _postsuper_hold(select: str) -> str:
    from spamtrace.safetext import shell_quote

    return (
        f"postqueue -j | jq -r {shell_quote(f'select({select}) | .queue_id')} | postsuper -h -"
    )
