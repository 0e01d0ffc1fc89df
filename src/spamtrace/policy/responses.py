"""Responses: an incident and the config -> what to do about it (pure: no I/O, no clock).

Decisions are imperatives (:class:`BlockUid`, :class:`StopProcess`, :class:`QuarantineFile`,
:class:`SuspendAccount`); the adapters in ``spamtrace.actions`` carry them out, and
``mode = "observe"`` records each one as ``would`` instead. The same facts always give the
same decisions, so incidents can be replayed in tests.

Triggers (``[responses]``, defaults in brackets):

- **block-uid** [on]: an incident whose verdict is in ``block_verdicts`` [suspicious,
  ssh-tunnel] reached ``block_after`` [1] connects within ``block_window`` [60 s], or its scan
  found a malicious file. A non-MTA process speaking to port 25 of a remote host is what a
  spam run looks like on a hosting server; the block is SMTP egress only, for
  ``block_timeout`` [1 h], and ``spamtrace release`` undoes it.
- **stop-process** [on, SIGSTOP]: a ``suspicious`` incident reached ``stop_after`` [3]
  connects within ``stop_window`` [60 s], or its scan found a malicious file. SIGSTOP keeps
  the process (and what it holds) for inspection; ``release`` sends SIGCONT.
- **quarantine** [on]: each file the incident's scan called ``malicious`` (never merely
  ``suspicious``).
- **suspend** [off]: the account, when the scan found a malicious file, with the configured
  command.

A ``mail-auth`` incident that names one local sender (a script on this host logging in to
the MTA with a stolen password: :func:`mailbox_sender`) gets these responses decided for that
sender's connect incident, at once (``Situation.mailbox``); with several candidates, none.

A uid released by the admin (``spamtrace release``) is not blocked or stopped again for
``release_grace`` [1 h]; files a response quarantined stay quarantined.

Never acted on: root, the MTA's users and binaries, accounts in ``[submission]
allow_accounts`` or ``[responses] never_accounts``; no process of sshd, php-fpm's master, init
or root is stopped (by their executable, not their name, which a sender may change). Each
decision has a :attr:`key`; a caller that passes the keys it already acted on (``done``) gets
each decision once.
"""

from __future__ import annotations

import bisect
import contextlib
import enum
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from spamtrace.model import DELETED, Verdict
from spamtrace.policy.incidents import Incident
from spamtrace.policy.verdict import LOOK_AT_SCRIPT
from spamtrace.sources.maillog.event import mailbox_name, unnamed_login

ROOT_UID = 0
#: executables (resolved paths) whose processes are never signalled, besides the MTA's
_NEVER_STOP_EXES = frozenset({"sshd", "sshd-session", "init", "systemd"})
_SYSTEM_DIRS = ("/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/")
#: connect times kept per incident (counts within a window need no more than the threshold)
_WINDOW_KEEP = 1024


class Mode(str, enum.Enum):
    OBSERVE = "observe"
    ENFORCE = "enforce"


class ActionKind(str, enum.Enum):
    """The closed vocabulary of ``actions[].action`` in incident output."""

    BLOCK_UID = "block-uid"
    STOP_PROCESS = "stop-process"
    QUARANTINE = "quarantine"
    SUSPEND = "suspend"
    FREEZE_QUEUE = "freeze-queue"
    LOCK_MAILBOX = "lock-mailbox"
    ALERT = "alert"


class ActionStatus(str, enum.Enum):
    WOULD = "would"  # observe mode: decided, not done
    DONE = "done"
    FAILED = "failed"


class _Decided:
    """What every decision has besides its fields: ``kind`` (its ``actions[].action``),
    ``target`` (what it acts on, as recorded) and ``key`` (the same decision is taken once
    per incident: kind and target, unless the decision says otherwise)."""

    __slots__ = ()
    kind: ClassVar[ActionKind]

    @property
    def target(self) -> str:
        raise NotImplementedError

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.target}"


@dataclass(frozen=True, slots=True)
class BlockUid(_Decided):
    """Reject the uid's new connections to SMTP ports for ``timeout`` seconds (0: until
    released)."""

    uid: int
    user: str | None
    account: str | None
    timeout: int
    incident: str
    reason: str

    kind = ActionKind.BLOCK_UID

    @property
    def target(self) -> str:
        return str(self.uid)


@dataclass(frozen=True, slots=True)
class StopProcess(_Decided):
    """Signal the process (pid + start time) and its children: ``stop`` or ``kill``."""

    pid: int
    start_time: float
    uid: int
    name: str | None
    signal: str  # "stop" | "kill"
    incident: str
    reason: str

    kind = ActionKind.STOP_PROCESS

    @property
    def target(self) -> str:
        return f"{self.pid}:{self.start_time:.2f}"


@dataclass(frozen=True, slots=True)
class QuarantineFile(_Decided):
    """Move a file the scan called malicious to the quarantine directory: only one owned by
    the sender's uid or its account's user (the adapter checks the owner of what it opens),
    since a sender's folder and command line, which the scan follows, are its own choice."""

    path: str
    uid: int | None
    incident: str
    rules: tuple[str, ...]
    reason: str
    account: str | None = None

    kind = ActionKind.QUARANTINE

    @property
    def target(self) -> str:
        return self.path


@dataclass(frozen=True, slots=True)
class SuspendAccount(_Decided):
    """Run the configured suspend command for the account."""

    account: str
    uid: int | None
    command: tuple[str, ...]  # argv, the account already put in
    timeout: float
    incident: str
    reason: str

    kind = ActionKind.SUSPEND

    @property
    def target(self) -> str:
        return self.account


@dataclass(frozen=True, slots=True)
class FreezeQueue(_Decided):
    """Freeze the sender's messages still in the MTA's queue (Exim ``-Mf``, Postfix
    ``postsuper -h``): those the log join tied to the incident (``queue_ids``) and, where the
    MTA's queue says who submitted a message (Exim's spool), the rest of the same sender's."""

    mta: str | None  # "exim" | "postfix" (None: the one installed)
    queue_ids: tuple[str, ...]
    uid: int | None  # a local sender (mail-script)
    user: str | None
    auth_user: str | None  # an SMTP AUTH mailbox (mail-auth)
    incident: str
    reason: str

    kind = ActionKind.FREEZE_QUEUE

    @property
    def target(self) -> str:
        return self.auth_user or self.user or str(self.uid)

    @property
    def key(self) -> str:  # again when later messages are known (the incident goes on)
        return f"freeze-queue:{self.queue_ids[-1] if self.queue_ids else ''}"


@dataclass(frozen=True, slots=True)
class LockMailbox(_Decided):
    """Run the configured command that resets or locks the mailbox's password."""

    mailbox: str
    account: str | None
    command: tuple[str, ...]  # argv, {user} and {account} already put in
    timeout: float
    incident: str
    reason: str
    uid: int | None = None

    kind = ActionKind.LOCK_MAILBOX

    @property
    def target(self) -> str:
        return self.mailbox


Decision = BlockUid | StopProcess | QuarantineFile | SuspendAccount | FreezeQueue | LockMailbox


@dataclass(frozen=True, slots=True)
class Sender:
    """The process behind the latest attempt, as observed (pid + start time identify it).
    ``ppid``: its parent when it was read (a stop also stops a parent running the same
    program: :meth:`~spamtrace.actions.process.ProcessSignaller.signal_forking_parents`)."""

    pid: int
    start_time: float | None
    uid: int | None
    euid: int | None
    name: str | None
    exe: str | None
    cmdline: tuple[str, ...] = ()
    ppid: int | None = None


@dataclass(frozen=True, slots=True)
class ScannedFile:
    """One file of the incident's scan (``suspect_files``)."""

    path: str
    verdict: str  # malicious | suspicious | clean | skipped
    rules: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ScannedFile:
        return cls(
            str(doc.get("path") or ""),
            str(doc.get("verdict") or ""),
            tuple(str(r) for r in doc.get("rules") or ()),
        )


@dataclass(frozen=True, slots=True)
class ResponseRules:
    """The ``[responses]`` section and the protections, as the policy needs them."""

    mode: Mode = Mode.OBSERVE
    block: bool = True
    block_after: int = 1
    block_window: float = 60.0
    block_timeout: int = 3600
    block_verdicts: frozenset[str] = frozenset({"suspicious", "ssh-tunnel"})
    stop: bool = True
    stop_signal: str = "stop"
    stop_after: int = 3
    stop_window: float = 60.0
    quarantine: bool = True
    suspend: bool = False
    suspend_command: tuple[str, ...] = ()
    suspend_timeout: float = 60.0
    release_grace: int = 3600
    freeze_queue: bool = True
    lock_mailbox_command: tuple[str, ...] = ()
    lock_mailbox_timeout: float = 60.0
    #: accounts / user names never acted on (allow-listed, never_accounts, MTA users)
    protected_accounts: frozenset[str] = frozenset()
    protected_uids: frozenset[int] = frozenset({ROOT_UID})
    #: when not empty, the only accounts / user names acted on (staged rollout)
    only_accounts: frozenset[str] = frozenset()
    #: resolved MTA executables: their processes are never signalled
    mta_exes: frozenset[str] = frozenset()
    #: a watcher in a network namespace not the host's acts on senders of other ones too
    other_netns: bool = False
    #: the web server's users (``[accounts] web_users``): one uid for every site (mod_php)
    web_users: frozenset[str] = frozenset()

    @classmethod
    def from_config(
        cls,
        cfg: Any,
        *,
        mta_uids: Iterable[int] = (),
        mta_users: Iterable[str] = (),
        mta_exes: Iterable[str] = (),
    ) -> ResponseRules:
        """From a :class:`spamtrace.config.Config` and the detected MTA."""
        r = cfg.responses
        protected = {*cfg.submission.allow_accounts, *r.never_accounts, *mta_users, "root"}
        protected.update(cfg.mta.users)
        # a mailbox is read with its capitals made small (BOX@x is box@x): an entry naming
        # one in capitals still protects it
        protected.update([mailbox_name(n) for n in protected])
        only = {*r.only_accounts, *(mailbox_name(n) for n in r.only_accounts if "@" in n)}
        return cls(
            mode=Mode(cfg.mode),
            block=r.block,
            block_after=r.block_after,
            block_window=r.block_window,
            block_timeout=r.block_timeout,
            block_verdicts=frozenset(r.block_verdicts),
            stop=r.stop,
            stop_signal=r.stop_signal,
            stop_after=r.stop_after,
            stop_window=r.stop_window,
            quarantine=r.quarantine,
            suspend=r.suspend,
            suspend_command=tuple(r.suspend_command),
            suspend_timeout=r.suspend_timeout,
            release_grace=r.release_grace,
            freeze_queue=r.freeze_queue,
            lock_mailbox_command=tuple(r.lock_mailbox_command),
            lock_mailbox_timeout=r.lock_mailbox_timeout,
            protected_accounts=frozenset(protected),
            protected_uids=frozenset({ROOT_UID, *mta_uids}),
            only_accounts=frozenset(only),
            mta_exes=frozenset({*mta_exes, *cfg.mta.exes}),
            other_netns=r.other_netns,
            web_users=frozenset(cfg.accounts.web_users),
        )


@dataclass(frozen=True, slots=True)
class Situation:
    """What is known about one incident when deciding."""

    incident: Incident
    recent_connects: dict[float, int] = field(default_factory=dict)  # window -> connects
    sender: Sender | None = None
    scan: tuple[ScannedFile, ...] | None = None  # None: not scanned (yet)
    done: frozenset[str] = frozenset()  # keys of decisions already acted on
    #: uids an admin released lately (`spamtrace release`): not blocked or stopped again
    released: frozenset[int] = frozenset()
    #: the sender connected again after its stop: a process of its own continued it (SIGCONT)
    continued: bool = False
    #: this connect incident's sender is the one local sender a ``mail-auth`` incident named
    #: (:func:`mailbox_sender`): why it is a spam sender, whatever its own verdict
    mailbox: str | None = None


#: the reason of the kill of a sender that went on after its SIGSTOP
CONTINUED = (
    "it connected again after its stop: another process continued it (a SIGCONT, or a "
    "tracer that swallowed the SIGSTOP), so it is killed"
)


def protection(incident: Incident, rules: ResponseRules) -> str | None:
    """Why nothing may be done against this incident's sender (None: it may)."""
    if incident.uid is None:
        return "uid unknown"
    if incident.uid in rules.protected_uids:
        return "root" if incident.uid == ROOT_UID else "an MTA user"
    return _by_name((incident.account, incident.user), rules)


def uid_protection(uid: int, names: Sequence[str | None], rules: ResponseRules) -> str | None:
    """Why nothing may be done against ``uid`` known by ``names`` (its user name), None when
    it may: a block an earlier run made is put back only then."""
    if uid in rules.protected_uids or uid == ROOT_UID:
        return "root" if uid == ROOT_UID else "an MTA user"
    return _by_name(names, rules)


def _by_name(names: Sequence[str | None], rules: ResponseRules) -> str | None:
    """Why the sender known by these names (account, user, mailbox) is not acted on."""
    for name in names:
        if name and name in rules.protected_accounts:
            return f"{name} is allow-listed (never_accounts / allow_accounts / MTA)"
    if rules.only_accounts and not set(names) & rules.only_accounts:
        return "not in [responses] only_accounts"
    return None


def unstoppable(sender: Sender, rules: ResponseRules) -> str | None:
    """Why this process may never be signalled (None: it may)."""
    if sender.pid <= 1:
        return "init"
    if sender.uid is None or sender.uid == ROOT_UID or sender.euid == ROOT_UID:
        return "a process of root"
    if sender.uid in rules.protected_uids:
        return "a process of an MTA user"
    exe = (sender.exe or "").removesuffix(DELETED)
    if exe in rules.mta_exes:
        return "the MTA"
    base = posixpath.basename(exe)
    in_system = exe.startswith(_SYSTEM_DIRS)
    if in_system and base in _NEVER_STOP_EXES:
        return base
    if in_system and base.startswith("php-fpm"):
        title = " ".join(sender.cmdline)
        if "master process" in title or not title.startswith("php-fpm: pool"):
            return "php-fpm's master"
    if sender.start_time is None:
        return "start time unknown (a bare pid may be reused)"
    return None


def malicious_files(scan: Sequence[ScannedFile] | None) -> list[ScannedFile]:
    return [f for f in scan or () if f.verdict == "malicious" and f.path]


def decide(situation: Situation, rules: ResponseRules) -> list[Decision]:
    """The decisions for one incident now, leaving out those in ``situation.done``."""
    inc = situation.incident
    if protection(inc, rules) is not None:
        return []
    mailbox = situation.mailbox
    if not inc.alerting and inc.verdict.value not in rules.block_verdicts and not mailbox:
        return []
    assert inc.uid is not None
    malicious = malicious_files(situation.scan)
    out: list[Decision] = []

    def triggered(after: int, window: float) -> str | None:
        """Why a response with this trigger is due (None: not yet): ``after`` connects
        within ``window`` seconds, or at once when the scan found a malicious file or a
        ``mail-auth`` incident named this sender."""
        if mailbox:
            return mailbox
        n = situation.recent_connects.get(window, inc.connections)
        if n >= after:
            return f"{n} {inc.verdict.value} connect(s) within {window:g} s"
        return f"the scan found malicious {malicious[0].path}" if malicious else None

    released = inc.uid in situation.released
    why = triggered(rules.block_after, rules.block_window)
    # a mailbox's local sender: its uid, unless the web server's (every site's): then only
    # the process and its script
    blocks = inc.verdict.value in rules.block_verdicts or (
        bool(mailbox) and inc.user not in rules.web_users
    )
    if rules.block and not released and blocks and why:
        out.append(BlockUid(inc.uid, inc.user, inc.account, rules.block_timeout, inc.id, why))
    sender = situation.sender
    why = triggered(rules.stop_after, rules.stop_window)
    if (
        rules.stop
        and not released
        and (inc.verdict is Verdict.SUSPICIOUS or mailbox)
        and sender is not None
        and sender.uid == inc.uid
        and unstoppable(sender, rules) is None
        and why
    ):
        assert sender.start_time is not None
        signal = rules.stop_signal
        if situation.continued:  # a stop its own processes undo holds nothing: killed
            signal, why = "kill", f"{CONTINUED}; {why}"
        out.append(
            StopProcess(
                sender.pid, sender.start_time, inc.uid, sender.name, signal, inc.id, why,
            )
        )  # fmt: skip
    if rules.quarantine:
        for f in malicious:
            out.append(
                QuarantineFile(
                    f.path, inc.uid, inc.id, f.rules, "the scan called it malicious", inc.account
                )
            )
    argv = suspend_argv(rules.suspend_command, inc.account or "", inc.domain)
    if rules.suspend and rules.suspend_command and malicious and inc.account and argv:
        out.append(
            SuspendAccount(
                inc.account, inc.uid, argv, rules.suspend_timeout, inc.id,
                f"the scan found malicious {malicious[0].path}",
            )
        )  # fmt: skip
    return [d for d in out if d.key not in situation.done]


MAIL_VERDICTS = frozenset({Verdict.MAIL_SCRIPT, Verdict.MAIL_AUTH})


@dataclass(frozen=True, slots=True)
class MailCase:
    """A ``mail-script`` / ``mail-auth`` incident as the mail responses need it (from the
    incident as stored: ``process`` holds the kind, the mailbox, the MTA and queue ids)."""

    incident: str
    verdict: Verdict
    uid: int | None
    user: str | None  # the local login (mail-script)
    account: str | None
    auth_user: str | None  # the SMTP AUTH mailbox (mail-auth)
    mta: str | None
    queue_ids: tuple[str, ...] = ()
    messages: int = 0
    done: frozenset[str] = frozenset()


def mail_case(
    rec: Any, queued: Sequence[str] | None = None, done: frozenset[str] = frozenset()
) -> MailCase | None:
    """The :class:`MailCase` of a mail incident's record (an ``IncidentRecord``: ``id``,
    ``verdict``, ``uid``, ``user``, ``account``, ``connections``, ``process``); None for a
    verdict not known. ``queued``: only these queue ids, else the record's."""
    try:
        verdict = Verdict(rec.verdict)
    except ValueError:
        return None
    proc = rec.process or {}
    ids = (proc.get("queue_ids") or ()) if queued is None else queued
    return MailCase(
        incident=rec.id, verdict=verdict, uid=rec.uid, user=rec.user, account=rec.account,
        auth_user=proc.get("auth_user") if proc.get("kind") == "auth" else None,
        mta=proc.get("mta"), queue_ids=tuple(str(i) for i in ids),
        messages=rec.connections, done=done,
    )  # fmt: skip


def mail_protection(case: MailCase, rules: ResponseRules) -> str | None:
    """Why nothing may be done against this mail sender (None: it may)."""
    if case.uid is not None and case.uid in rules.protected_uids:
        return "root" if case.uid == ROOT_UID else "an MTA user"
    box = case.auth_user
    if not box and case.uid is None and not case.user:
        return "sender unknown"
    mailbox = (box, box.partition("@")[0]) if box else ()
    return _by_name((case.account, case.user, *mailbox), rules)


def decide_mail(case: MailCase, rules: ResponseRules) -> list[Decision]:
    """The decisions for one mail incident now, leaving out those in ``case.done``: freeze
    its queued messages; for a mailbox (``mail-auth``), run ``lock_mailbox_command``."""
    if case.verdict not in MAIL_VERDICTS or mail_protection(case, rules) is not None:
        return []
    out: list[Decision] = []
    what = f"a {case.verdict.value} incident of {case.messages} message(s)"
    if rules.freeze_queue:
        local = case.verdict is Verdict.MAIL_SCRIPT
        out.append(
            FreezeQueue(
                case.mta, case.queue_ids, case.uid if local else None,
                case.user if local else None, None if local else case.auth_user,
                case.incident, what,
            )
        )  # fmt: skip
    if case.verdict is Verdict.MAIL_AUTH and rules.lock_mailbox_command and case.auth_user:
        argv = mailbox_argv(rules.lock_mailbox_command, case.auth_user, case.account)
        if argv is not None:
            out.append(
                LockMailbox(case.auth_user, case.account, argv, rules.lock_mailbox_timeout,
                            case.incident, what)
            )  # fmt: skip
    return [d for d in out if d.key not in case.done]


@dataclass(frozen=True, slots=True)
class MailboxSender:
    """The local sender a ``mail-auth`` incident's responses act on (:func:`mailbox_sender`):
    its connect incident (``incident``), or none and why (``why``)."""

    incident: str | None
    why: str | None
    uid: int | None = None


def mailbox_sender(
    case: MailCase, clients: Sequence[dict[str, Any]], rules: ResponseRules
) -> MailboxSender:
    """Which of a ``mail-auth`` incident's local clients (``mail.local_clients``: the connect
    incidents to this host's MTA while the mailbox sent) its responses act on: the one
    candidate, when it is a hosting account's process; never root or the MTA's uid, nor the
    web server's user (one uid for every site) unless its script is known (then the process
    and its script, never the uid: :func:`decide`). With several candidates, none (the
    password is in one of them, and an account's own mail may use the same port).

    Not when the mailbox itself is never acted on (``never_accounts``, an MTA user, root);
    ``only_accounts`` is the sender's to pass (its own connect incident's account), not the
    mailbox's: a staged rollout on a few accounts acts on their scripts, whatever mailbox
    they stole."""
    n = len(clients)
    if case.verdict is not Verdict.MAIL_AUTH or n == 0:
        return MailboxSender(None, None)
    held = mail_protection(case, replace(rules, only_accounts=frozenset()))
    if held is not None:
        return MailboxSender(None, f"the mailbox is not acted on: {held}")
    if n > 1:
        return MailboxSender(None, f"{n} local senders: the responses act on none of them")
    (c,) = clients
    uid, user = c.get("uid"), c.get("user")
    if not isinstance(uid, int):
        return MailboxSender(None, "its uid is unknown")
    if uid == ROOT_UID:
        return MailboxSender(None, "it is root", uid)
    if uid in rules.protected_uids:
        return MailboxSender(None, "it is an MTA user", uid)
    if user in rules.web_users and not c.get("scripts"):
        return MailboxSender(
            None, f"it is the web server's user {user} (every site's) and no script is known",
            uid,
        )  # fmt: skip
    if c.get("account_kind") == "system" or not c.get("account"):
        return MailboxSender(None, "it is no hosting account's process", uid)
    return MailboxSender(str(c.get("incident") or "") or None, None, uid)


def mailbox_argv(
    command: Sequence[str], mailbox: str, account: str | None
) -> tuple[str, ...] | None:
    """``lock_mailbox_command`` with ``{user}`` (the mailbox) and ``{account}`` put in, or the
    mailbox appended when it has neither; None when it needs an account that is not known.
    Each value stays one argv word: never through a shell. A name that could read as an
    option (``-``) or holds a control character is refused (None), and so is ``(driver)``,
    the name given to the logins of an Exim authenticator that logs no id: no one mailbox."""
    if account is None and any("{account}" in word for word in command):
        return None
    if unnamed_login(mailbox) is not None:
        return None
    for name in (mailbox, account or "x"):
        if name.startswith("-") or not name.isprintable():
            return None
    if not any("{user}" in w or "{account}" in w for w in command):
        return (*command, mailbox)
    return tuple(w.replace("{user}", mailbox).replace("{account}", account or "") for w in command)


def suspend_argv(
    command: Sequence[str], account: str, domain: str | None = None
) -> tuple[str, ...] | None:
    """The command with ``{account}`` and ``{domain}`` (the account's first domain: Plesk's
    ``plesk bin subscription --suspend`` takes the subscription's name, not its system user)
    put in, or the account appended when it has neither placeholder (each one argv word:
    never through a shell). None for a name that could read as an option (``-``) or holds a
    control character, as :func:`mailbox_argv`, and for a ``{domain}`` that is not known."""
    if account.startswith("-") or not account.isprintable():
        return None
    if any("{domain}" in word for word in command) and (
        not domain or domain.startswith("-") or not domain.isprintable()
    ):
        return None
    if any("{account}" in word or "{domain}" in word for word in command):
        return tuple(
            word.replace("{account}", account).replace("{domain}", domain or "") for word in command
        )
    return (*command, account)


class ConnectWindows:
    """Connect times per incident, to count them within a window (times come from events)."""

    def __init__(self, max_incidents: int = 10_000) -> None:
        self.max_incidents = max_incidents
        #: incident -> its latest connect times, in ascending order (at most _WINDOW_KEEP)
        self._times: dict[str, list[float]] = {}

    def note(self, incident: str, when: float) -> None:
        q = self._times.get(incident)
        if q is None:
            if len(self._times) >= self.max_incidents:
                self._times.pop(next(iter(self._times)))
            q = self._times[incident] = []
        if not q or when >= q[-1]:
            q.append(when)  # the usual case: events come in time order
        else:
            bisect.insort(q, when)
        if len(q) > _WINDOW_KEEP:
            del q[0]

    def count(self, incident: str, window: float, now: float) -> int:
        """The connects of ``incident`` at most ``window`` s before ``now`` (or after it): a
        binary search of the sorted times (a scan of up to 1,024 per attempt cost 7 % of the
        engine's time under a flood of connects)."""
        q = self._times.get(incident)
        if not q:
            return 0
        # now - t <= window is False for the oldest times, then True: find where it turns
        return len(q) - bisect.bisect_left(q, True, key=lambda t: now - t <= window)

    def counts(self, incident: str, windows: Iterable[float], now: float) -> dict[float, int]:
        return {w: self.count(incident, w, now) for w in windows}


def undo_command(decision: Decision) -> str | None:
    """The command that undoes a decision (shown with every action), None if none does."""
    from spamtrace.safetext import shell_quote

    if isinstance(decision, BlockUid):
        return f"spamtrace release {decision.uid}"
    if isinstance(decision, StopProcess):
        return f"spamtrace release {decision.uid}" if decision.signal == "stop" else None
    if isinstance(decision, QuarantineFile):
        return None  # known once the file is in quarantine (its id)
    if isinstance(decision, FreezeQueue):
        return None  # known once frozen (the ids: exim -Mt / postsuper -H)
    if isinstance(decision, LockMailbox):
        return f"give {shell_quote(decision.mailbox)} a new password (with your panel)"
    return f"unsuspend the account {shell_quote(decision.account)} with your panel"


#: an advice line that ends the sender (``policy.verdict.advice``): "...: kill PID"
_KILL_LINE = re.compile(r": kill (\d+)$")
#: start times are computed from clock ticks: two reads of the same process agree exactly;
#: allow for rounding of values stored as text
START_TOLERANCE = 0.02


@dataclass(frozen=True, slots=True)
class PidNow:
    """A pid an incident's advice names, as /proc shows it when a view is read (hours after
    the advice was written: the sender may have ended, its pid be another process's).

    ``recorded``: the sender's start time as the incident recorded it (None: never learnt);
    ``started``: the start time of the process at that pid now (None: there is none, or a
    zombie); ``looked``: False when /proc could not be read (hidden from this user)."""

    pid: int
    recorded: float | None
    started: float | None
    looked: bool = True


def advice_pids(
    advice: Sequence[str], process: Any, actions: Iterable[Any]
) -> dict[int, float | None]:
    """The pids the advice's kill lines name, each with the start time the incident recorded
    for it: its first process (``process``: the stored dict, ``pid`` and ``start_time``), or
    a stop-process response (``data["signalled"]``: ``[pid, start]`` pairs; ``target``
    ``pid:start``); None when neither knows it."""
    pids = {int(m.group(1)) for m in map(_KILL_LINE.search, advice) if m is not None}
    if not pids:
        return {}
    known: dict[int, float] = {}

    def note(pid: Any, start: Any) -> None:
        with contextlib.suppress(TypeError, ValueError):
            if isinstance(start, (int, float, str)) and not isinstance(start, bool):
                known.setdefault(int(pid), float(start))

    if isinstance(process, dict):
        note(process.get("pid"), process.get("start_time"))
    for a in actions:
        if a.action != ActionKind.STOP_PROCESS.value:
            continue
        for item in a.data.get("signalled") or ():
            with contextlib.suppress(TypeError, IndexError):
                note(item[0], item[1])
        pid, _, start = str(a.target or "").partition(":")
        note(pid, start)
    return {pid: known.get(pid) for pid in sorted(pids)}


def _utc(ts: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _pid_now_lines(pid: int, now: PidNow | None, lines: Sequence[str]) -> list[str]:
    """``lines`` (a kill line, and what goes with it) told what holds ``pid`` now."""
    if now is None:  # not looked at: the live view, when the advice was written
        return list(lines)
    started = now.started
    if now.looked and started is None:
        return [f"pid {pid} has ended: nothing to stop"]
    if now.looked and started is not None and now.recorded is not None:
        if abs(started - now.recorded) <= START_TOLERANCE:
            return list(lines)
        return [f"pid {pid} is another process now (started {_utc(started)}): do not kill it"]
    # its start time was never learnt, or /proc hides it: say so beside the kill line
    return [f"check it is still the sender first: ps -o lstart=,args= -p {pid}", *lines]


def advice_after(
    advice: Sequence[str],
    actions: Iterable[Any],
    now: dict[int, PidNow] | None = None,
) -> tuple[str, ...]:
    """An incident's advice (written when it opened) told what its responses did since.

    "stop it after noting the evidence: kill PID" no longer fits once a response stopped the
    sender (a stopped process acts on no SIGTERM until it is resumed: the kill did nothing),
    killed it, or found it gone (the pid may be another process's by now); "look at the
    script: PATH" no longer does once the quarantine moved the file. ``actions``: the
    incident's records (``action``, ``status``, ``data``, ``target``, optional
    ``undone_at``); a released stop (its process resumed) or a restored file gives the advice
    back as it was.

    ``now``: what holds each pid the kill lines name when a view is read later (``incident
    ID``; read by ``attribution.process.pids_now``): a sender that has ended leaves "pid N
    has ended: nothing to stop", a pid now another process's "pid N is another process now
    (started ...): do not kill it" in place of the kill, and a sender whose start time was
    never recorded a ``ps`` line to check it first; None (the live view) leaves them."""
    now = now or {}
    signalled: dict[int, str] = {}
    quarantined: dict[str, str] = {}  # path -> quarantine id
    for a in actions:
        if getattr(a, "undone_at", None) is not None:
            continue
        if a.action == ActionKind.QUARANTINE.value and a.status == ActionStatus.DONE.value:
            quarantined[str(a.target)] = str(a.data.get("quarantine_id") or "?")
        if a.action != ActionKind.STOP_PROCESS.value:
            continue
        if a.data.get("exited"):  # failed; or done: its parents of the same program stopped
            with contextlib.suppress(TypeError, ValueError):
                signalled[int(str(a.target).split(":", 1)[0])] = "exited"
        if a.status != ActionStatus.DONE.value:
            continue
        how = str(a.data.get("signal") or "stop")
        for item in a.data.get("signalled") or ():
            with contextlib.suppress(TypeError, ValueError, IndexError):
                signalled[int(item[0])] = how
    if not signalled and not quarantined and not now:
        return tuple(advice)
    out: list[str] = []
    for line in advice:
        m = _KILL_LINE.search(line)
        done = signalled.get(int(m.group(1))) if m else None
        script = line.removeprefix(LOOK_AT_SCRIPT) if line.startswith(LOOK_AT_SCRIPT) else None
        if script is not None and script in quarantined:
            out.append(f"look at the script in quarantine ({quarantined[script]}): "
                       "spamtrace quarantine list")  # fmt: skip
        elif m is None:
            out.append(line)
        elif done is None:
            out += _pid_now_lines(int(m.group(1)), now.get(int(m.group(1))), [line])
        elif done == "stop":
            pid = m.group(1)
            out += _pid_now_lines(int(pid), now.get(int(pid)), [
                f"it is stopped (SIGSTOP), its files and sockets kept: look at them: "
                f"ls -l /proc/{pid}/cwd /proc/{pid}/fd",
                f"end it once noted (stopped, it ignores a plain kill): kill -KILL {pid}",
            ])  # fmt: skip
        # killed (SIGKILL), or it had exited: nothing is left to end
    return tuple(out)


def describe(decision: Decision) -> str:
    """One line (unescaped: the caller escapes it for a terminal) saying what is decided."""
    if isinstance(decision, BlockUid):
        span = "until released" if decision.timeout == 0 else f"for {decision.timeout} s"
        who = f"uid {decision.uid}" + (f" ({decision.user})" if decision.user else "")
        return f"block SMTP egress of {who} {span}: {decision.reason}"
    if isinstance(decision, StopProcess):
        sig = "SIGSTOP" if decision.signal == "stop" else "SIGKILL"
        return (
            f"{sig} pid {decision.pid} ({decision.name or '?'}) and its children: {decision.reason}"
        )
    if isinstance(decision, QuarantineFile):
        rules = f" ({', '.join(decision.rules[:4])})" if decision.rules else ""
        return f"quarantine {decision.path}{rules}: {decision.reason}"
    if isinstance(decision, FreezeQueue):
        who = decision.auth_user or decision.user or f"uid {decision.uid}"
        return f"freeze the queued messages of {who}: {decision.reason}"
    if isinstance(decision, LockMailbox):
        return f"lock the mailbox {decision.mailbox}: {decision.reason}"
    return f"suspend account {decision.account}: {decision.reason}"
