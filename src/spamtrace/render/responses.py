"""The views of ``spamtrace release`` and ``spamtrace quarantine list|restore|delete``: JSON
(schemas ``spamtrace.release/1`` and ``spamtrace.quarantine/1``) and lines for a person, with
every path, user name and note escaped (they can come from an attacker's file names)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from spamtrace.safetext import escape, escape_message

if TYPE_CHECKING:
    from spamtrace.actions.quarantine import QuarantineItem
    from spamtrace.service.release import ReleaseOutcome

RELEASE_SCHEMA = "spamtrace.release/1"
QUARANTINE_SCHEMA = "spamtrace.quarantine/1"


def print_release(outcome: ReleaseOutcome, as_json: bool) -> None:
    from spamtrace.render.incidents import iso

    if as_json:
        from spamtrace.render.output import dump_json

        dump_json({
            "schema": RELEASE_SCHEMA, "uid": outcome.uid, "user": outcome.user,
            "unblocked": outcome.unblocked, "resumed": outcome.resumed,
            "notes": list(outcome.notes),
            "grace_until": None if outcome.grace_until is None else iso(outcome.grace_until),
            "grace_ended": outcome.grace_ended,
        })  # fmt: skip
        return
    who = f"uid {outcome.uid}" + (f" ({outcome.user})" if outcome.user else "")
    if outcome.unblocked or outcome.resumed:
        done = []
        if outcome.unblocked:
            done.append("SMTP egress unblocked")
        if outcome.resumed:
            done.append(f"{outcome.resumed} stopped process(es) resumed (SIGCONT)")
        print(f"released {escape(who)}: {', '.join(done)}")
    elif outcome.failed:  # the block set could not be read or changed: it may still hold it
        print(f"could not release {escape(who)}: the block set was not changed (see the note)")
    else:
        print(f"nothing to release for {escape(who)}: not blocked, no process stopped")
    if outcome.grace_until is not None:
        # a release is an amnesty: the admin must know that a sender that goes on is let be
        import time

        until = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(outcome.grace_until))
        # the files are named only when a response quarantined some (and none was restored)
        kept = outcome.quarantined
        files = f"; its {kept} quarantined file(s) stay quarantined" if kept else ""
        print(
            f"  spamtrace will not block or stop {escape(who)} again until {until} UTC "
            "([responses] release_grace), whatever it sends: its connects are still recorded "
            f"and alerted (what is held back, as 'would'){files}"
        )
        print(
            "  to end the grace now (blocked or stopped again at its next connect): "
            f"spamtrace release {outcome.uid} --no-grace"
        )
    elif outcome.grace_ended:
        print(
            "  no grace (--no-grace; an earlier release's ends now): a daemon in enforce mode "
            f"blocks or stops {escape(who)} again at its next connect"
        )
    for n in outcome.notes:  # messages: their values were quoted where they were put in
        print(f"  note: {escape_message(n)}")


def print_quarantine_list(
    items: Sequence[QuarantineItem], folder: str, as_json: bool, damaged: Sequence[str] = ()
) -> None:
    """The items, and the ids of those whose manifest cannot be read (``damaged``: their
    bytes are in the folder, and no command can restore them)."""
    if as_json:
        from spamtrace.render.output import dump_json

        dump_json({
            "schema": QUARANTINE_SCHEMA, "items": [_item_json(i) for i in items],
            "damaged": list(damaged),
        })  # fmt: skip
        return
    for ident in damaged:
        print(
            f"{escape(ident)}: its manifest cannot be read (where the file came from is "
            f"lost); its bytes are kept in {escape(os.path.join(folder, ident))}/data"
        )
    if not items:
        if not damaged:
            print(f"nothing in quarantine ({escape(folder)})")
        return
    from spamtrace.actions.quarantine import HELD_OPEN
    from spamtrace.render.layout import field
    from spamtrace.render.output import console, ellipsis, fitted

    con = console()
    cut = ellipsis(con)  # the hashes are shown by their first 16 digits
    for i in items:
        owner = i.owner or str(i.uid)
        about = f"{i.size} B  {escape(owner)} {i.mode:04o}  sha256 {i.sha256[:16]}{cut}"
        line = f"{i.id}  {escape(i.path)}  {about}  incident {i.incident or '-'}"
        if fitted(con) and len(line) > con.width:
            # a terminal narrower than the line (80 columns: every line was ~100 and more,
            # folded by the terminal inside the path or the hash): its fields under its id
            print(i.id)
            about = f"{i.size} B, {escape(owner)} {i.mode:04o}, sha256 {i.sha256[:16]}{cut}"
            for label, text in (("path", escape(i.path)), ("file", about),
                                ("incident", i.incident or "-")):  # fmt: skip
                field(con, label, text, indent=4, width=9)
        else:  # a pipe: one whole line per file, for grep
            print(line)
        for note in i.notes:
            if note.startswith(HELD_OPEN):  # true at the move; read days later, its pids
                note = f"when it was quarantined, {note}"  # have ended, or are others'
            print(f"    note: {escape(note)}")
    print(f"{len(items)} file(s); restore one with: spamtrace quarantine restore ID")


def _item_json(item: QuarantineItem) -> dict[str, object]:
    """An item as JSON; a path that is not valid UTF-8 also as ``path_hex`` (its exact bytes),
    as ``scan --json`` gives it. Its times are written as in every other document (``iso``:
    UTC, milliseconds, ``...Z``; the manifest on disk keeps its own ``+00:00`` microseconds,
    which older versions read); ``mtime_ns`` / ``atime_ns`` stay exact."""
    from spamtrace.render.incidents import iso

    doc: dict[str, object] = item.to_json()
    doc["mtime"] = iso(item.mtime_ns / 1e9)
    doc["atime"] = iso(item.atime_ns / 1e9)
    doc["quarantined_at"] = iso(item.quarantined_at)
    try:
        item.path.encode("utf-8")
    except UnicodeEncodeError:
        doc["path_hex"] = os.fsencode(item.path).hex()
    return doc


def print_quarantine_change(item: QuarantineItem, change: str, as_json: bool) -> None:
    """One file ``restored`` or ``deleted``."""
    if as_json:
        from spamtrace.render.output import dump_json

        dump_json({"schema": QUARANTINE_SCHEMA, change: _item_json(item)})
    elif change == "restored":
        from spamtrace.actions.quarantine import DISPLACED, LINKED_BACK, RESTORED_APART
        from spamtrace.render.output import console, ellipsis

        print(
            f"restored {escape(item.path)} ({item.size} B, sha256 "
            f"{item.sha256[:16]}{ellipsis(console())}, owner "
            f"{escape(item.owner or str(item.uid))}, mode {item.mode:04o})"
        )
        # the file --force put aside, and whether a hard link was made again (not the notes
        # of the move)
        for note in item.notes:
            if note.startswith((DISPLACED, LINKED_BACK, RESTORED_APART)):
                print(f"  note: {escape(note)}")
    else:
        print(f"deleted {item.id} ({escape(item.path)}) from quarantine")
