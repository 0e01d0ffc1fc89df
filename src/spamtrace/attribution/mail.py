"""Mail log events -> messages -> who sent them (account, script, mailbox).

:class:`MailLedger` takes :class:`~spamtrace.sources.maillog.event.MailLogged` events in log
order (Exim, Postfix and PHP ``mail.log`` may be mixed) and joins the lines of each message:

- **Exim**: the ``cwd=`` / arguments line of a local submission goes with the next local
  arrival (``P=local``) of the same process when Exim logs pids (``+pid``), else with the
  oldest such line not yet used, at most :data:`JOIN_SECONDS` older (they are written by the
  same ``sendmail`` process moments apart); of several waiting, the oldest in a folder of
  the arrival's own account first (:meth:`MailLedger._args_of`). Lines of Exim's own
  processes (queue runners, ``-Mc`` deliveries, bounce generation) are not submissions and
  are dropped. Deliveries, deferrals and bounces are counted per message id.
- **Postfix**: ``pickup`` (uid) and ``smtpd`` (client, SASL user) lines are held by queue id
  until the ``qmgr`` ``from=`` line (the arrival); a message is counted once even when qmgr
  logs it again after a deferral.
- **PHP mail.log**: a ``mail()`` call names the script; it is given to the account's next local
  arrival within :data:`JOIN_SECONDS`. When no MTA log is read at all, the calls themselves are
  the messages.

Each finished arrival is a :class:`MailMessage` (who and how many recipients), given to the
caller's callback and summed per sender (:class:`SenderTotals`): the kind (``auth`` for an
SMTP AUTH mailbox, ``script`` when a script is known, ``local`` otherwise), the account (the
local user, or the owner of the script's home directory), uid, script, cwd. Only mail sent
*from* this server counts as a sender: local submissions and authenticated SMTP. Mail received
from other servers (no ``U=``, no ``A=``) is counted as ``inbound`` only. Mail that came over
SMTP from this host's loopback (``127.0.0.1``, ``::1``) without a login is neither: it is
counted as ``from_this_host`` (a script or a webmail talking SMTP to the MTA without SMTP
AUTH, or a content filter re-injecting: the log does not say whose), not as received.

A bounce (or delay warning) the MTA itself made is neither: it is the MTA's own mail, counted
as ``bounces`` only (a flood of them is backscatter of spam sent or received, not a sender).
Exim logs it as a local arrival from ``<>`` with ``R=`` (the message it is about) under the
Exim user (``Debian-exim``, ``mailnull``); Postfix as a ``qmgr`` ``from=<>`` of a message no
``pickup`` or ``smtpd`` line came before. A hosting account's own ``sendmail -f '<>' -E...``
(Exim lets any user give both) stays that account's mail: an Exim bounce counts as the MTA's
only when its ``U=`` user is not an account (uid below 1000, or not in ``/etc/passwd``).

Memory is bounded: open messages, pending lines and distinct recipients are capped and the
oldest dropped first (counted in :attr:`MailLedger.dropped`).
"""

from __future__ import annotations

import os
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from spamtrace.sources.maillog.event import MailAction, MailLogged

# enum members as module constants: a class attribute lookup per line adds up over millions
_ARRIVAL, _ARGUMENTS, _SUBMITTED = MailAction.ARRIVAL, MailAction.ARGUMENTS, MailAction.SUBMITTED
_SCRIPT_CALL, _COMPLETED = MailAction.SCRIPT_CALL, MailAction.COMPLETED
_DELIVERY, _DEFER, _BOUNCE = MailAction.DELIVERY, MailAction.DEFER, MailAction.BOUNCE
#: how far apart the lines of one submission may be (arguments / PHP call -> arrival), seconds
JOIN_SECONDS = 5.0
MAX_OPEN = 200_000  # messages waiting for their deliveries / Completed
MAX_PENDING = 4096  # argument lines, Postfix submissions and PHP calls waiting for an arrival
MAX_DISTINCT = 100_000  # distinct recipients kept per sender (counting goes on beyond)
#: envelope senders kept per sender (SenderTotals.senders; the compiled join keeps as many)
MAX_ENVELOPE_SENDERS = 64
#: the first uid of hosting accounts (as :func:`passwd_homes`): users below are the system's
ACCOUNT_UIDS = 1000
#: Exim's own processes log arguments too; these options mean "not a new submission"
_EXIM_INTERNAL = ("-M", "-q", "-bd", "-bp", "-bP", "-bV", "-bt", "-bv", "-be", "-brw", "-E")

try:  # MailLedger.feed's loop, compiled (built by the install where a C compiler is found)
    from spamtrace.attribution import _mailjoin
except ImportError:  # not built: the Python loop below (the reference) does it
    _mailjoin = None  # type: ignore[assignment]
else:
    _mailjoin.setup(
        MailLogged._fields, _DELIVERY, _DEFER, _BOUNCE, _COMPLETED, _SUBMITTED, _ARRIVAL,
        _ARGUMENTS, MAX_PENDING, MAX_DISTINCT,
    )  # fmt: skip
#: whether the compiled join is there
COMPILED = _mailjoin is not None


@dataclass(slots=True)
class MailMessage:
    """One message that entered the queue, with who sent it.

    ``_mailjoin.c`` makes these without ``__init__`` (every field, in this order, as the
    arrivals below make them): a change of fields turns that off (its ``layout`` check)
    until the C is changed too."""

    mta: str
    queue_id: str | None
    wall: float
    sender: str | None
    user: str | None
    uid: int | None
    auth: str | None
    ip: str | None
    protocol: str | None
    size: int | None
    cwd: str | None
    args: tuple[str, ...]
    script: str | None
    recipients: int = 0  # known recipient count (listed, counted by the MTA, or delivered)
    addresses: set[str] = field(default_factory=set)
    delivered: int = 0
    deferred: int = 0
    bounced: int = 0
    final_count: bool = False  # the MTA logged the recipient count: deliveries add none
    #: its sender's totals once counted (its delivery lines add to them without a look-up)
    totals: SenderTotals | None = field(default=None, repr=False, compare=False)
    #: its :func:`sender_key`, once asked for (the ledger and the policy both need it)
    key: tuple[str, str | None, str | None] | None = field(default=None, repr=False, compare=False)

    @property
    def local(self) -> bool:
        return self.auth is None and (self.user is not None or self.uid is not None)


@dataclass(slots=True)
class SenderTotals:
    """Everything one sender (key) sent in the logs read."""

    kind: str  # "script" | "auth" | "local"
    user: str | None
    uid: int | None
    script: str | None
    cwd: str | None
    auth_user: str | None
    messages: int = 0
    recipients: int = 0
    bounced: int = 0
    deferred: int = 0
    size: int = 0
    first_seen: float = 0.0
    last_seen: float = 0.0
    distinct: set[str] = field(default_factory=set)
    ips: set[str] = field(default_factory=set)
    senders: set[str] = field(default_factory=set)  # envelope senders (bounded)


def sender_key(msg: MailMessage) -> tuple[str, str | None, str | None]:
    """(kind, who, where): an auth mailbox, or a local user and its script (else its cwd)."""
    if msg.auth is not None:
        return ("auth", msg.auth, None)
    who = msg.user if msg.user is not None else (str(msg.uid) if msg.uid is not None else None)
    if msg.script:
        return ("script", who, msg.script)
    return ("local", who, msg.cwd)


def _is_submission(args: tuple[str, ...]) -> bool:
    return not any(a.startswith(_EXIM_INTERNAL) for a in args[1:])


def is_loopback(ip: str) -> bool:
    """A client address of this host's loopback as an MTA logs it (``127.0.0.1``, any of
    127/8, ``::1``, ``::ffff:127.0.0.1``); the compiled join asks the same (``_mailjoin.c``)."""
    return ip.startswith(("127.", "::ffff:127.")) or ip == "::1"


def home_owner(path: str, homes: dict[str, str]) -> str | None:
    """The user whose home directory holds ``path`` (the deepest home that does)."""
    folder = path.rstrip("/")
    while folder:
        user = homes.get(folder)
        if user is not None:
            return user
        folder = folder[: folder.rfind("/")] if "/" in folder else ""
    return None


def passwd_homes(root: str = "/") -> tuple[dict[str, str], dict[str, int]]:
    """(home -> user, user -> uid) from ``<root>/etc/passwd`` (uids >= 1000 for homes)."""
    homes: dict[str, str] = {}
    uids: dict[str, int] = {}
    try:
        with open(os.path.join(root, "etc/passwd"), encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.rstrip("\n").split(":")
                if len(parts) < 7 or not parts[2].isdecimal():
                    continue
                uids.setdefault(parts[0], int(parts[2]))
                if int(parts[2]) >= ACCOUNT_UIDS and parts[5].startswith("/") and parts[5] != "/":
                    homes.setdefault(parts[5], parts[0])
    except OSError:
        pass
    return homes, uids


class MailLedger:
    """Joins mail log events into messages and sums them per sender (see the module doc)."""

    # slots: the compiled join reads and writes these at fixed offsets (a look-up in the
    # instance's attributes each time cost ~0.1 s of a million-line read)
    __slots__ = (
        "_args", "_args_by_pid", "_names", "_open", "_owners", "_php", "_postfix",
        "_seen_postfix",
        "bounces", "compiled", "dropped", "events", "from_this_host", "homes", "inbound",
        "keep_totals",
        "messages", "on_message", "on_recipient", "owner_of_path", "php_only", "senders",
        "since", "uids",
    )  # fmt: skip

    def __init__(
        self,
        *,
        since: float | None = None,
        homes: dict[str, str] | None = None,
        uids: dict[str, int] | None = None,
        on_message: Callable[[MailMessage], object] | None = None,
        on_recipient: Callable[[MailMessage, str, float], object] | None = None,
        php_only: bool = False,
        totals: bool = True,
        owner_of_path: Callable[[str], str | None] | None = None,
        compiled: bool = True,
    ) -> None:
        self.since = since
        self.homes = homes or {}
        #: the account a script path belongs to (AccountResolver.for_path: panels' document
        #: roots, DirectAdmin domains, Plesk vhosts); the home folders of ``homes`` otherwise
        self.owner_of_path = owner_of_path
        self.uids = uids or {}
        self._names = {uid: name for name, uid in reversed(list(self.uids.items()))}
        self.on_message = on_message
        #: called with each recipient first learnt from a delivery line (and its time)
        self.on_recipient = on_recipient
        #: no MTA log is read: PHP mail() calls are the messages
        self.php_only = php_only
        #: sum per sender (off for a long-running follower: the policy keeps its own windows)
        self.keep_totals = totals
        #: feed() by the compiled loop where built (False: the Python one, the reference)
        self.compiled = compiled and _mailjoin is not None
        self.messages = 0
        self.senders: dict[tuple[str, str | None, str | None], SenderTotals] = {}
        self.inbound = 0
        #: messages over SMTP from this host's loopback without a login (module doc)
        self.from_this_host = 0
        #: bounces and delay warnings the MTA made itself (see the module doc)
        self.bounces = 0
        self.events = 0
        self.dropped = 0
        self._open: OrderedDict[str, MailMessage] = OrderedDict()
        self._args_by_pid: dict[int, MailLogged] = {}
        self._args: deque[MailLogged] = deque()
        #: the account of an arguments line's folder, looked up once (:meth:`_args_of`)
        self._owners: dict[str, str | None] = {}
        self._postfix: OrderedDict[str, list[MailLogged]] = OrderedDict()
        self._seen_postfix: OrderedDict[str, None] = OrderedDict()
        self._php: dict[str, deque[MailLogged]] = {}

    # ----------------------------------------------------------------- feeding
    def add(self, ev: MailLogged) -> MailMessage | None:
        """Take one event; return the message it completed as an arrival, if any."""
        action = ev.action
        if action is _DELIVERY or action is _DEFER or action is _BOUNCE or action is _COMPLETED:
            self.feed([ev])
            return None
        self.events += 1
        return self._other(ev, action)

    def feed(self, events: list[MailLogged]) -> None:
        """:meth:`add` each event of a batch (what a log read back gives a chunk at a time).

        The same as calling :meth:`add` for each, with the lines about one recipient and the
        ``Completed`` lines (three quarters of a log) handled here, without a call each.
        Where built, ``_mailjoin.c`` runs this loop (and :meth:`MailPolicy.recipient`'s
        window step when that is ``on_recipient``), calling back the same methods."""
        self.events += len(events)
        if self.compiled:
            _mailjoin.feed(
                self, events, self._open, self._postfix, self._other, self._postfix_arrival,
                self.on_recipient,
            )  # fmt: skip
            return
        open_ = self._open
        on_recipient = self.on_recipient
        other = self._other
        postfix_arrival = self._postfix_arrival
        pending = self._postfix
        for ev in events:
            action = ev.action
            if action is not _DELIVERY and action is not _DEFER and action is not _BOUNCE:
                if action is _COMPLETED:
                    if ev.queue_id is not None:
                        open_.pop(ev.queue_id, None)
                elif action is _SUBMITTED:  # _other's, written out (a Postfix message each)
                    qid = ev.queue_id
                    if qid is not None:
                        parts = pending.get(qid)
                        if parts is None:  # a new key goes last, as after move_to_end
                            pending[qid] = [ev]
                            if len(pending) > MAX_PENDING:
                                pending.popitem(last=False)
                                self.dropped += 1
                        else:
                            parts.append(ev)
                            pending.move_to_end(qid)
                elif action is _ARRIVAL and ev.mta == "postfix":
                    postfix_arrival(ev)
                else:
                    other(ev, action)
                continue
            qid = ev.queue_id
            msg = open_.get(qid) if qid is not None else None
            if msg is None:
                continue
            totals = msg.totals
            if action is _DELIVERY:
                msg.delivered += 1
            elif action is _DEFER:
                msg.deferred += 1
                if totals is not None:
                    totals.deferred += 1
            else:
                msg.bounced += 1
                if totals is not None:
                    totals.bounced += 1
            if not ev.recipients:
                continue
            rcpt = ev.recipients[0]
            addresses = msg.addresses
            if rcpt in addresses:
                continue
            addresses.add(rcpt)
            if totals is not None and len(totals.distinct) < MAX_DISTINCT:
                totals.distinct.add(rcpt)
            if not msg.final_count and len(addresses) > msg.recipients:
                msg.recipients += 1  # recipients known from the deliveries
                if totals is not None:
                    totals.recipients += 1
            if on_recipient is not None:
                on_recipient(msg, rcpt, ev.wall)

    def block_sink(self) -> object | None:
        """What the compiled Exim parser hands a block's events to, in place of :meth:`feed`
        (:func:`spamtrace.sources.maillog.blocks.feed_block`: the same steps, without an
        event for a line about one recipient); None where the join is Python's. The caller
        adds the events given to :attr:`events`."""
        if not self.compiled:
            return None
        return _mailjoin.sink(
            self, self._open, self._postfix, self._other, self._postfix_arrival,
            self.on_recipient,
        )  # fmt: skip

    def _other(self, ev: MailLogged, action: MailAction) -> MailMessage | None:
        """:meth:`add` of an event that is not about one recipient."""
        if action is _ARRIVAL:
            if ev.mta == "postfix":
                return self._postfix_arrival(ev)
            return self._exim_arrival(ev)
        if action is _ARGUMENTS:
            if ev.cwd is None or not _is_submission(ev.args):
                return None
            if ev.pid is not None:
                self._args_by_pid[ev.pid] = ev
                if len(self._args_by_pid) > MAX_PENDING:
                    self._args_by_pid.pop(next(iter(self._args_by_pid)))
                    self.dropped += 1
            else:
                self._args.append(ev)
                if len(self._args) > MAX_PENDING:
                    self._args.popleft()
                    self.dropped += 1
            return None
        if action is _SUBMITTED:
            if ev.queue_id is not None:
                self._postfix.setdefault(ev.queue_id, []).append(ev)
                self._postfix.move_to_end(ev.queue_id)
                if len(self._postfix) > MAX_PENDING:
                    self._postfix.popitem(last=False)
                    self.dropped += 1
            return None
        if action is _SCRIPT_CALL:
            return self._php_call(ev)
        return None

    def _take_args(self, ev: MailLogged) -> MailLogged | None:
        if ev.pid is not None and ev.pid in self._args_by_pid:
            return self._args_by_pid.pop(ev.pid)
        q = self._args
        while q and ev.wall - q[0].wall > JOIN_SECONDS:
            q.popleft()
        if len(q) > 1:
            return self._args_of(ev.user, q)
        return q.popleft() if q else None

    def _args_of(self, user: str | None, q: deque[MailLogged]) -> MailLogged:
        """Of several arguments lines waiting (``sendmail`` calls of several processes at
        once, and no ``+pid``), the one the local arrival of ``user`` takes: the oldest in
        a folder of ``user``'s account, else the oldest in a folder of no account (``/tmp``),
        else the oldest. The oldest alone gave two accounts' scripts sending at once each
        other's folders (a quarter of the messages); two folders of one account may still
        swap (the compiled join calls this when more than one line waits)."""
        best, rank = 0, 3
        owners = self._owners
        for i, args in enumerate(q):
            cwd = args.cwd or ""
            if cwd in owners:
                owner = owners[cwd]
            else:
                owner = self.owner_of_path(cwd) if self.owner_of_path is not None else None
                owner = owners[cwd] = owner or home_owner(cwd, self.homes)
                if len(owners) > MAX_PENDING:
                    owners.pop(next(iter(owners)))
            r = 0 if owner is not None and owner == user else 1 if owner is None else 2
            if r < rank:
                best, rank = i, r
                if r == 0:
                    break
        found = q[best]
        del q[best]
        return found

    def _exim_arrival(self, ev: MailLogged) -> MailMessage | None:
        local = ev.protocol is not None and ev.protocol.startswith("local")
        if not local and ev.auth is None:
            self._inbound(ev, ev.ip)
            return None
        if local and ev.bounce_of is not None and ev.sender == "":
            uid = self.uids.get(ev.user) if ev.user is not None else None
            if uid is None or uid < ACCOUNT_UIDS:
                self._bounce(ev)
                return None
        args = self._take_args(ev) if local else None
        uid = self.uids.get(ev.user) if ev.user is not None else None
        msg = MailMessage(
            "exim", ev.queue_id, ev.wall, ev.sender, ev.user if local else None, uid,
            ev.auth, ev.ip, ev.protocol, ev.size, args.cwd if args else None,
            args.args if args else (), None,
        )  # fmt: skip
        if ev.nrcpt is not None:
            msg.recipients = ev.nrcpt
            msg.final_count = True
            msg.addresses.update(ev.recipients)
        elif args is not None and "-t" not in args.args:
            listed = _argv_recipients(args.args)
            msg.recipients = len(listed)
            msg.addresses.update(listed)
        return self._finish(msg, open_for_deliveries=True)

    def _postfix_arrival(self, ev: MailLogged) -> MailMessage | None:
        qid = ev.queue_id
        if qid is None:
            return None
        if qid in self._seen_postfix:  # qmgr logs from= again after a deferral
            return None
        self._seen_postfix[qid] = None
        if len(self._seen_postfix) > MAX_OPEN:
            self._seen_postfix.popitem(last=False)
        parts = self._postfix.pop(qid, None)
        if parts is None:  # no pickup nor smtpd line: received, or made by Postfix itself
            if ev.sender == "":
                self._bounce(ev)
            else:
                self._inbound(ev)
            return None
        if len(parts) == 1:  # one pickup or smtpd line: the common case
            part = parts[0]
            uid, user, auth, ip, protocol = part.uid, part.user, part.auth, part.ip, part.protocol
        else:
            uid = user = auth = ip = protocol = None
            for part in parts:
                uid = part.uid if part.uid is not None else uid
                user = part.user if part.user is not None else user
                auth = part.auth if part.auth is not None else auth
                ip = part.ip if part.ip is not None else ip
                protocol = part.protocol if part.protocol is not None else protocol
        if auth is None and uid is None:
            self._inbound(ev, ip)
            return None
        if uid is not None:
            # pickup's from= is the envelope sender sendmail was given (-f), not a login: a
            # script under an unknown uid (logs from another server, LDAP) that sends with
            # -f root read as root, whom the responses never touch; the uid alone names it
            user = self._names.get(uid)
        msg = MailMessage(
            "postfix", qid, ev.wall, ev.sender, user, uid, auth, ip, protocol, ev.size,
            None, (), None, ev.nrcpt or 0, final_count=ev.nrcpt is not None,
        )  # fmt: skip
        return self._finish(msg, True, True)

    def _inbound(self, ev: MailLogged, ip: str | None = None) -> None:
        """Mail received from another server, counted from ``since`` on (as bounces are); from
        client ``ip`` of this host's loopback, counted as ``from_this_host`` instead."""
        if self.since is None or ev.wall >= self.since:
            if ip is not None and is_loopback(ip):
                self.from_this_host += 1
            else:
                self.inbound += 1

    def _bounce(self, ev: MailLogged) -> None:
        if self.since is None or ev.wall >= self.since:
            self.bounces += 1

    def _php_call(self, ev: MailLogged) -> MailMessage | None:
        user = None
        if ev.script:
            user = self.owner_of_path(ev.script) if self.owner_of_path is not None else None
            user = user or home_owner(ev.script, self.homes)
        if user is None:  # the one user of the FPM pools writing the log (LogSpec.user)
            user = ev.user
        if self.php_only:
            uid = self.uids.get(user) if user is not None else ev.uid
            cwd = os.path.dirname(ev.script) if ev.script else None
            msg = MailMessage(
                "php", None, ev.wall, None, user, uid, None, None, "php-mail", None, cwd, (),
                ev.script,
            )  # fmt: skip
            msg.recipients = ev.nrcpt or len(ev.recipients)
            msg.addresses.update(ev.recipients)
            return self._finish(msg, open_for_deliveries=False)
        q = self._php.setdefault(user or "", deque())
        q.append(ev)
        if len(q) > MAX_PENDING:
            q.popleft()
            self.dropped += 1
        return None

    def _take_php(self, msg: MailMessage) -> MailLogged | None:
        q = self._php.get(msg.user or "")
        if not q and msg.uid is not None:
            q = self._php.get("")
        while q and msg.wall - q[0].wall > JOIN_SECONDS:
            q.popleft()
        if q and q[0].wall <= msg.wall + 1.0:
            return q.popleft()
        return None

    def _finish(
        self, msg: MailMessage, open_for_deliveries: bool, count_later: bool = False
    ) -> MailMessage | None:
        if self._php and msg.local:
            call = self._take_php(msg)
            if call is not None and call.script:
                msg.script = call.script
                if not msg.recipients:
                    msg.recipients = call.nrcpt or len(call.recipients)
                    msg.addresses.update(call.recipients)
        if self.since is not None and msg.wall < self.since:
            return None  # read for its context only (joins), not counted
        self.messages += 1
        if self.keep_totals:  # sum it per sender (a follower's policy keeps its own windows)
            key = msg.key = sender_key(msg)
            totals = self.senders.get(key)
            if totals is None:
                kind = key[0]
                totals = SenderTotals(
                    kind, msg.user, msg.uid, msg.script, msg.cwd, msg.auth,
                    first_seen=msg.wall, last_seen=msg.wall,
                )  # fmt: skip
                if kind == "auth":
                    totals.user, totals.uid = None, None
                self.senders[key] = totals
            msg.totals = totals
            totals.messages += 1
            totals.recipients += msg.recipients
            totals.size += msg.size or 0
            wall = msg.wall
            if wall < totals.first_seen:
                totals.first_seen = wall
            if wall > totals.last_seen:
                totals.last_seen = wall
            if msg.addresses:
                distinct = totals.distinct
                for addr in msg.addresses:
                    if len(distinct) >= MAX_DISTINCT:
                        break
                    distinct.add(addr)
            if msg.ip is not None and len(totals.ips) < MAX_DISTINCT:
                totals.ips.add(msg.ip)
            if msg.sender is not None and len(totals.senders) < MAX_ENVELOPE_SENDERS:
                totals.senders.add(msg.sender)
            if totals.cwd is None and msg.cwd is not None:
                totals.cwd = msg.cwd
        if open_for_deliveries and msg.queue_id is not None:
            self._open[msg.queue_id] = msg
            if count_later:
                msg.addresses.clear()
            if len(self._open) > MAX_OPEN:
                self._open.popitem(last=False)
                self.dropped += 1
        if self.on_message is not None:
            self.on_message(msg)
        return msg


def _argv_recipients(args: tuple[str, ...]) -> list[str]:
    """Recipients given on a sendmail command line (without ``-t``): the non-option words."""
    out: list[str] = []
    skip = False
    for arg in args[1:]:
        if skip:
            skip = False
        elif arg in ("-f", "-F", "-o", "-O", "-p", "-N", "-R", "-V", "-X", "-B", "-C"):
            skip = True
        elif arg and not arg.startswith("-"):
            out.extend(a for a in arg.split(",") if a)
    return out


if _mailjoin is not None:  # the compiled join makes the messages itself (same fields)
    _mailjoin.layout(MailMessage, SenderTotals, MAX_OPEN)
    _mailjoin.exim_setup(_EXIM_INTERNAL, JOIN_SECONDS, _argv_recipients)
