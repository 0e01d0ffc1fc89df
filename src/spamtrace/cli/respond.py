"""`spamtrace release UID|ACCOUNT` and `spamtrace quarantine list|restore|delete`: undo responses.

``release`` removes the uid from the ``blocked_uids`` set of ``table inet spamtrace`` and sends
SIGCONT to the processes that a response stopped (each re-checked by pid + start time, taken
from the store), then marks those actions undone. ``quarantine`` lists, restores (byte for
byte, with owner, group, mode and times; ``--force`` to replace a file that appeared since)
and deletes quarantined files. See ``docs/responses.md``.
"""

from __future__ import annotations

import argparse
import os
import pwd
import time
from typing import Any

from spamtrace.config import Config
from spamtrace.errors import ExitCode, PermissionRequired, SpamtraceError, UsageError
from spamtrace.safetext import escape, quoted

RELEASE_SCHEMA = "spamtrace.release/1"
QUARANTINE_SCHEMA = "spamtrace.quarantine/1"


def register(sub: Any) -> None:
    r = sub.add_parser(
        "release",
        help="undo the responses against a uid or account: unblock it, resume its processes",
        description="Remove the uid from spamtrace's block set (table inet spamtrace) and send "
        "SIGCONT to the processes a response stopped (only if each is still the same process).",
    )
    r.add_argument("who", metavar="UID|ACCOUNT", help="a numeric uid or an account/user name")
    r.add_argument("--json", action="store_true", help="machine-readable result")
    r.add_argument("--db", metavar="PATH", help="store path (default: config store.path)")
    r.set_defaults(handler=_release)

    q = sub.add_parser(
        "quarantine",
        help="list, restore or delete quarantined files",
        description="List, restore or delete the files in the quarantine folder ([responses] "
        "quarantine_dir): those that `scan --quarantine` moved there, and in enforce mode those "
        "that the scan of an incident called malicious.",
    )
    qsub = q.add_subparsers(dest="quarantine_command", metavar="ACTION", required=True)
    ls = qsub.add_parser("list", help="every quarantined file, oldest first")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(handler=_list)
    rs = qsub.add_parser("restore", help="put a file back, byte for byte, with owner, mode, times")
    rs.add_argument("id", metavar="ID", help="quarantine id (q-...), from `quarantine list`")
    rs.add_argument(
        "--force", action="store_true", help="replace a file that appeared at that path since"
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


def resolve_uid(who: str) -> tuple[int, str | None]:
    """A uid and its user name, from a number or an account/user name."""
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
        raise UsageError(f"no user or account named {quoted(who)} (give a numeric uid)") from None
    return entry.pw_uid, entry.pw_name


# ---------------------------------------------------------------------------- release
def _release(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.actions.process import ProcessSignaller
    from spamtrace.actions.uidblock import UidBlocker
    from spamtrace.policy.responses import ResponseRules
    from spamtrace.sinks.store import mark_undone, open_reader

    _need_root("release")
    uid, user = resolve_uid(args.who)
    notes: list[str] = []
    path = args.db or cfg.store.path
    stopped: list[tuple[int, float]] = []
    if os.path.exists(path):
        with open_reader(path) as reader:
            for a in reader.actions_of_uid(uid, "stop-process"):
                if a.status == "done" and a.undone_at is None and a.data.get("signal") == "stop":
                    stopped += [(int(p), float(s)) for p, s in a.data.get("signalled", [])]
        # recorded first: a running daemon reads it before it would block the uid again
        mark_undone(path, uid, time.time())
    else:
        notes.append(f"no store at {path}: stopped processes are not known (SIGCONT them by hand)")
    unblocked = False
    try:
        unblocked = UidBlocker(cfg.smtp.ports, cfg.firewall.nflog_group).release(uid)
    except SpamtraceError as exc:
        notes.append(f"not unblocked: {exc.message}")
    resumed = 0
    if stopped:
        signaller = ProcessSignaller(ResponseRules.from_config(cfg))
        resumed, why = signaller.resume(stopped, uid)
        notes += why
    who = f"uid {uid}" + (f" ({user})" if user else "")
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({
            "schema": RELEASE_SCHEMA, "uid": uid, "user": user, "unblocked": unblocked,
            "resumed": resumed, "notes": notes,
        })  # fmt: skip
    else:
        if unblocked or resumed:
            done = []
            if unblocked:
                done.append("SMTP egress unblocked")
            if resumed:
                done.append(f"{resumed} stopped process(es) resumed (SIGCONT)")
            print(f"released {escape(who)}: {', '.join(done)}")
        else:
            print(f"nothing to release for {escape(who)}: not blocked, no process stopped")
        for n in notes:
            print(f"  note: {escape(n)}")
    failed = any(n.startswith("not unblocked") for n in notes)
    return ExitCode.FAILURE if failed else ExitCode.CLEAN


# ---------------------------------------------------------------------------- quarantine
def _quarantine(cfg: Config) -> Any:
    from spamtrace.actions.quarantine import Quarantine

    _need_root("quarantine")
    return Quarantine(cfg.responses.quarantine_dir)


def _list(args: argparse.Namespace, cfg: Config) -> int:
    items = _quarantine(cfg).items()
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({"schema": QUARANTINE_SCHEMA, "items": [i.to_json() for i in items]})
        return ExitCode.CLEAN
    if not items:
        print(f"nothing in quarantine ({escape(cfg.responses.quarantine_dir)})")
        return ExitCode.CLEAN
    from spamtrace.render.output import console, ellipsis

    cut = ellipsis(console())  # the hashes are shown by their first 16 digits
    for i in items:
        owner = i.owner or str(i.uid)
        print(
            f"{i.id}  {escape(i.path)}  {i.size} B  {escape(owner)} {i.mode:04o}  "
            f"sha256 {i.sha256[:16]}{cut}  incident {i.incident or '-'}"
        )
        for note in i.notes:
            print(f"    note: {escape(note)}")
    print(f"{len(items)} file(s); restore one with: spamtrace quarantine restore ID")
    return ExitCode.CLEAN


def _restore(args: argparse.Namespace, cfg: Config) -> int:
    item = _quarantine(cfg).restore(args.id, force=args.force)
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({"schema": QUARANTINE_SCHEMA, "restored": item.to_json()})
    else:
        from spamtrace.render.output import console, ellipsis

        print(
            f"restored {escape(item.path)} ({item.size} B, sha256 "
            f"{item.sha256[:16]}{ellipsis(console())}, owner "
            f"{escape(item.owner or str(item.uid))}, mode {item.mode:04o})"
        )
    return ExitCode.CLEAN


def _delete(args: argparse.Namespace, cfg: Config) -> int:
    item = _quarantine(cfg).delete(args.id)
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({"schema": QUARANTINE_SCHEMA, "deleted": item.to_json()})
    else:
        print(f"deleted {item.id} ({escape(item.path)}) from quarantine")
    return ExitCode.CLEAN
