"""`spamtrace release UID|ACCOUNT` and `spamtrace quarantine list|restore|delete`: undo responses.

``release`` removes the uid from the ``blocked_uids`` set of ``table inet spamtrace`` and sends
SIGCONT to the processes that a response stopped (each re-checked by pid + start time, taken
from the store), then marks those actions undone. ``quarantine`` lists, restores (byte for
byte, with owner, group, mode and times; ``--force`` to replace a file that appeared since,
which is quarantined in its turn)
and deletes quarantined files. See ``docs/responses.md``.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from spamtrace.cli.options import store_help
from spamtrace.config import Config, ResponsesSection
from spamtrace.errors import ExitCode, PermissionRequired, StoreError, UsageError
from spamtrace.render.output import print_error
from spamtrace.safetext import escape_message, quoted


def register(sub: Any) -> None:
    r = sub.add_parser(
        "release",
        help="undo the responses against a uid or account: unblock it, resume its processes",
        description="Remove the uid from spamtrace's block set (table inet spamtrace) and send "
        "SIGCONT to the processes a response stopped (only if each is still the same process). "
        "For [responses] release_grace seconds afterwards (default 3600) the daemon does not "
        "block or stop the uid again, whatever it sends; what it holds back is recorded as "
        "'would' in the incident, and alerts go on. --no-grace ends that grace (given again "
        "later, it ends the grace of an earlier release).",
    )
    r.add_argument(
        "who", metavar="UID|ACCOUNT",
        help="a numeric uid or an account/user name (`uid 1001`, `user shop` are taken too)",
    )  # fmt: skip
    # `release uid 1001` was "unrecognized arguments: 1001": the word before is taken
    r.add_argument("then", nargs="?", help=argparse.SUPPRESS)
    r.add_argument(
        "--no-grace", action="store_true",
        help="no [responses] release_grace after this release, and the end of an earlier "
        "one's: the daemon may block or stop the uid again at its next connect",
    )  # fmt: skip
    r.add_argument("--json", action="store_true", help="machine-readable result")
    r.add_argument("--db", metavar="PATH", help=store_help())
    r.set_defaults(handler=_release)

    q = sub.add_parser(
        "quarantine",
        help="list, restore or delete quarantined files",
        description="List, restore or delete the files in the quarantine folder ([responses] "
        f"quarantine_dir, default {ResponsesSection().quarantine_dir}): those that "
        "`scan --quarantine` moved there, and in enforce mode those "
        "that the scan of an incident called malicious.",
    )
    qsub = q.add_subparsers(dest="quarantine_command", metavar="ACTION", required=True)
    ls = qsub.add_parser("list", help="every quarantined file, oldest first")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(handler=_list)
    rs = qsub.add_parser("restore", help="put a file back, byte for byte, with owner, mode, times")
    rs.add_argument("id", metavar="ID", help="quarantine id (q-...), from `quarantine list`")
    rs.add_argument(
        "--force", action="store_true",
        help="replace a file that appeared at that path since (it is quarantined in its turn)",
    )
    rs.add_argument("--json", action="store_true", help="machine-readable result")
    rs.set_defaults(handler=_restore)
    rm = qsub.add_parser("delete", help="delete a quarantined file for good")
    rm.add_argument("id", metavar="ID", help="quarantine id (q-...), from `quarantine list`")
    rm.add_argument("--json", action="store_true", help="machine-readable result")
    rm.set_defaults(handler=_delete)


def _need_root(what: str) -> None:
    if os.geteuid() != 0:
        raise PermissionRequired(f"{what} needs root")


# ---------------------------------------------------------------------------- release
def _release(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.render.responses import print_release
    from spamtrace.service.release import release, resolve_uid

    who = _who(args.who, args.then)
    _need_root("release")
    store_path = args.db or cfg.store.path
    uid, user = resolve_uid(who, store_path)
    outcome = release(cfg, uid, user, store_path, grace=not args.no_grace)
    print_release(outcome, args.json)
    return ExitCode.FAILURE if outcome.failed else ExitCode.CLEAN


#: the words that may come before the uid or name: `release uid 1001`, `release user shop`
_WHO_WORDS = ("uid", "user", "account")


def _who(first: str, then: str | None) -> str:
    """The uid or name of ``release FIRST [THEN]``: ``uid 1001`` and ``user shop`` (or
    ``account shop``) are ``1001`` and ``shop``; any other second word is a usage error with
    the command to type."""
    if then is None:
        return first
    if first not in _WHO_WORDS:
        raise UsageError(
            f"release: unrecognized arguments: {quoted(then)} (release takes one uid or "
            "account name, or `uid N` / `user NAME`; see: spamtrace release --help)"
        )
    if first == "uid" and not (then.isascii() and then.isdecimal()):
        raise UsageError(
            f"release: {quoted(then)} is not a uid (a number); for an account name: "
            f"spamtrace release {quoted(then)}"
        )
    return then


# ---------------------------------------------------------------------------- quarantine
def _quarantine(cfg: Config) -> Any:
    from spamtrace.actions.quarantine import Quarantine

    _need_root("quarantine")
    return Quarantine(cfg.responses.quarantine_dir)


def _list(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.render.responses import print_quarantine_list

    store = _quarantine(cfg)
    print_quarantine_list(store.items(), cfg.responses.quarantine_dir, args.json, store.damaged())
    return ExitCode.CLEAN


def _restore(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.render.responses import print_quarantine_change

    item = _quarantine(cfg).restore(args.id, force=args.force)
    print_quarantine_change(item, "restored", args.json)
    # the incident's quarantine action is undone now (its advice and undo follow)
    from spamtrace.sinks.store import mark_restored

    try:
        mark_restored(cfg.store.path, item.id, time.time())
    except StoreError as exc:
        print_error(  # a message, as every error is printed (its control characters escaped)
            "spamtrace: note: the incident still lists it as quarantined: "
            f"{escape_message(exc.message)}"
        )
    return ExitCode.CLEAN


def _delete(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.render.responses import print_quarantine_change

    print_quarantine_change(_quarantine(cfg).delete(args.id), "deleted", args.json)
    return ExitCode.CLEAN
