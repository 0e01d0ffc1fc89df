"""Undo the responses against one uid: what ``spamtrace release UID|ACCOUNT`` does.

The store says which processes a response stopped (each by pid + start time); the release is
recorded there first (a running daemon reads it before it would block the uid again), then the
uid leaves the ``blocked_uids`` set of ``table inet spamtrace`` and the stopped processes get
SIGCONT, each re-checked to still be the same process. See ``docs/responses.md``.
"""

from __future__ import annotations

import os
import pwd
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spamtrace.errors import SpamtraceError, UsageError
from spamtrace.safetext import quoted

if TYPE_CHECKING:
    from spamtrace.config import Config


@dataclass(frozen=True, slots=True)
class ReleaseOutcome:
    """What a release did; ``failed`` when the uid could not be taken out of the block set."""

    uid: int
    user: str | None
    unblocked: bool
    resumed: int
    notes: tuple[str, ...]
    failed: bool
    #: until when the daemon will not block or stop the uid again (``[responses]
    #: release_grace`` from this release); None when the release started no grace
    grace_until: float | None = None
    #: files a response moved to quarantine for the uid's incidents that are still there (not
    #: restored): the grace line names them only when there are some
    quarantined: int = 0
    #: `release --no-grace` ended the grace (of this release and any earlier one) in the store
    grace_ended: bool = False


def resolve_uid(who: str, store_path: str | None = None) -> tuple[int, str | None]:
    """A uid and its user name, from a number or an account/user name; a name that is no
    user here (an account the panel removed since) is looked up in the store's blocks and
    stops still in force."""
    if who.isascii() and who.isdecimal():
        uid = int(who)
        if uid > 0xFFFFFFFE:  # (uid_t)-1 and above are no user's: "nothing to release" misled
            raise UsageError(f"{who} is not a uid (0 to 4294967294)")
        try:
            return uid, pwd.getpwuid(uid).pw_name
        except KeyError:
            return uid, None
    try:
        entry = pwd.getpwnam(who)
    except KeyError:
        uids = _uids_in_store(who, store_path)
        if len(uids) == 1:
            return uids[0], who
        if uids:
            raise UsageError(
                f"no user or account named {quoted(who)} now; the store's blocks and stops of "
                f"that name are on uids {', '.join(map(str, uids))}: give one"
            ) from None
        raise UsageError(f"no user or account named {quoted(who)} (give a numeric uid)") from None
    return entry.pw_uid, entry.pw_name


def _uids_in_store(name: str, store_path: str | None) -> list[int]:
    from spamtrace.errors import SpamtraceError
    from spamtrace.sinks.store import open_reader

    if not store_path or not os.path.exists(store_path):
        return []
    try:
        with open_reader(store_path) as reader:
            return reader.uids_acted_on(name)
    except SpamtraceError:  # an unreadable store: the name is simply not found
        return []


def release(
    cfg: Config, uid: int, user: str | None, store_path: str, grace: bool = True
) -> ReleaseOutcome:
    """Unblock ``uid`` and resume the processes a response stopped (see the module docstring).
    With ``grace`` False (``--no-grace``) no `release_grace` follows, and the one of an earlier
    release ends: the daemon may block or stop the uid again at its next connect."""
    from spamtrace.actions.process import ProcessSignaller
    from spamtrace.actions.uidblock import UidBlocker
    from spamtrace.policy.responses import ResponseRules
    from spamtrace.sinks.store import end_grace, is_configured_store, mark_undone, open_reader

    notes: list[str] = []
    stopped: list[tuple[int, float]] = []
    grace_until: float | None = None
    quarantined = 0
    ended = False
    if os.path.exists(store_path):
        configured = is_configured_store(store_path, cfg.store.path)
        with open_reader(store_path, configured=configured) as reader:
            for a in reader.actions_of_uid(uid, "stop-process"):
                if a.status == "done" and a.undone_at is None and a.data.get("signal") == "stop":
                    stopped += [(int(p), float(s)) for p, s in a.data.get("signalled", [])]
            quarantined = sum(
                1 for a in reader.actions_of_uid(uid, "quarantine")
                if a.status == "done" and a.undone_at is None
            )  # fmt: skip
        # recorded first: a running daemon reads it before it would block the uid again
        now = time.time()
        if not grace:  # first: a daemon reading between the two holds nothing back
            ended = end_grace(store_path, uid, now)
        undone = mark_undone(store_path, uid, now)
        if grace and undone and cfg.responses.release_grace > 0:
            grace_until = now + cfg.responses.release_grace
    else:
        notes.append(
            f"no store at {store_path}: stopped processes are not known (SIGCONT them by hand)"
        )
    unblocked = failed = False
    try:
        unblocked = UidBlocker(cfg.smtp.ports, cfg.firewall.nflog_group).release(uid)
    except SpamtraceError as exc:
        notes.append(f"not unblocked: {exc.message}")
        failed = True
    resumed = 0
    if stopped:
        signaller = ProcessSignaller(ResponseRules.from_config(cfg))
        resumed, why = signaller.resume(stopped, uid)
        notes += why
    return ReleaseOutcome(
        uid, user, unblocked, resumed, tuple(notes), failed, grace_until, quarantined, ended
    )
