"""The views of `release` and `quarantine`: attacker-made names are escaped, JSON is whole."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from spamtrace.actions.quarantine import QuarantineItem
from spamtrace.render.responses import (
    print_quarantine_change,
    print_quarantine_list,
    print_release,
)
from spamtrace.service.release import ReleaseOutcome


def _item(path: str) -> QuarantineItem:
    return QuarantineItem(
        id="q-1", path=path, sha256="ab" * 32, size=12, uid=1001, gid=1001, owner="acct",
        group="acct", mode=0o644, mtime_ns=0, atime_ns=0, incident=None, rules=("php.x",),
        quarantined_at=0.0, notes=("moved\x1b[2J",),
    )  # fmt: skip


def _no_table(monkeypatch: pytest.MonkeyPatch, unblocked: bool = False) -> None:
    """`release` with no nft at hand: the block set answers ``unblocked`` for every uid."""
    from spamtrace.actions import uidblock

    class NoTable:
        def __init__(self, *args: object) -> None:
            pass

        def release(self, uid: int) -> bool:
            return unblocked

    monkeypatch.setattr(uidblock, "UidBlocker", NoTable)


def test_release_lines_say_what_was_done_and_escape_notes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_release(ReleaseOutcome(1001, "acct", True, 2, ("odd\nnote",), False), False)
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "released uid 1001 (acct): SMTP egress unblocked, 2 stopped process(es) resumed (SIGCONT)"
    )
    assert "odd\\nnote" in out and "odd\nnote" not in out
    print_release(ReleaseOutcome(7, None, False, 0, (), False), False)
    out = capsys.readouterr().out
    assert out == "nothing to release for uid 7: not blocked, no process stopped\n"


def test_release_json_has_its_schema(capsys: pytest.CaptureFixture[str]) -> None:
    print_release(ReleaseOutcome(7, None, False, 0, ("n",), True), True)
    doc = json.loads(capsys.readouterr().out)
    assert doc == {
        "schema": "spamtrace.release/1", "uid": 7, "user": None, "unblocked": False,
        "resumed": 0, "notes": ["n"], "grace_until": None, "grace_ended": False,
    }  # fmt: skip


def test_release_says_until_when_the_uid_is_let_be(capsys: pytest.CaptureFixture[str]) -> None:
    """A release starts `release_grace`: a sender that goes on is not blocked again for an
    hour. The admin is told so, also when there was nothing left to unblock."""
    print_release(ReleaseOutcome(7, "acct", False, 0, (), False, 1_796_461_200.0, 2), False)
    assert capsys.readouterr().out.splitlines() == [
        "nothing to release for uid 7 (acct): not blocked, no process stopped",
        "  spamtrace will not block or stop uid 7 (acct) again until 2026-12-05 09:00:00 UTC "
        "([responses] release_grace), whatever it sends: its connects are still recorded and "
        "alerted (what is held back, as 'would'); its 2 quarantined file(s) stay quarantined",
        "  to end the grace now (blocked or stopped again at its next connect): "
        "spamtrace release 7 --no-grace",
    ]


def test_release_names_quarantined_files_only_when_there_are_some(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Nothing was quarantined for the uid's incidents: the grace line does not say that its
    malicious files are still quarantined."""
    print_release(ReleaseOutcome(7, "acct", True, 0, (), False, 1_796_461_200.0), False)
    assert capsys.readouterr().out.splitlines()[1] == (
        "  spamtrace will not block or stop uid 7 (acct) again until 2026-12-05 09:00:00 UTC "
        "([responses] release_grace), whatever it sends: its connects are still recorded and "
        "alerted (what is held back, as 'would')"
    )
    print_release(ReleaseOutcome(7, "acct", True, 0, (), False, 1_796_461_200.0), True)
    assert json.loads(capsys.readouterr().out)["grace_until"] == "2026-12-05T09:00:00.000Z"


def test_release_reports_the_grace_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grace starts when the release undid a recorded block or stop (the daemon reads it
    from those rows), and only then."""
    from spamtrace.config import Config
    from spamtrace.service.release import release
    from spamtrace.sinks.store import ActionRecord, Store

    _no_table(monkeypatch)  # the table is gone: nothing to take out of the set
    cfg = Config()
    db = str(tmp_path / "s.db")
    store = Store(db)
    store.submit_action(
        ActionRecord("inc-1", "block-uid", "done", 1.0, "block uid 7", "spamtrace release 7", 7)
    )
    store.flush()
    store.close()
    before = time.time()
    got = release(cfg, 7, None, db)
    assert got.grace_until is not None and before + 3600 <= got.grace_until <= time.time() + 3600
    assert release(cfg, 7, None, db).grace_until is None  # nothing left that it undid
    assert release(cfg, 8, None, db).grace_until is None


def test_release_counts_the_files_still_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quarantined files are counted from the store's actions for the uid: done and not
    restored; a uid nothing was quarantined for has none."""
    from spamtrace.config import Config
    from spamtrace.service.release import release
    from spamtrace.sinks.store import ActionRecord, Store, mark_restored

    _no_table(monkeypatch)
    db = str(tmp_path / "s.db")
    store = Store(db)
    for n in (1, 2):
        store.submit_action(ActionRecord(
            "inc-1", "quarantine", "done", 1.0, f"moved f{n}", None, 7,
            data={"quarantine_id": f"q-{n}"},
        ))  # fmt: skip
    store.submit_action(ActionRecord("inc-1", "quarantine", "failed", 1.0, "no", None, 7))
    store.submit_action(ActionRecord("inc-2", "block-uid", "done", 1.0, "block", None, 8))
    store.flush()
    store.close()
    mark_restored(db, "q-2", 2.0)
    assert release(Config(), 7, None, db).quarantined == 1
    assert release(Config(), 8, None, db).quarantined == 0


def test_quarantine_views_escape_file_names(capsys: pytest.CaptureFixture[str]) -> None:
    item = _item("/home/acct/x\n\x1b[31mevil.php")
    print_quarantine_list([item], "/var/lib/q", False)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "x\\n" in out
    assert out.splitlines()[-1] == "1 file(s); restore one with: spamtrace quarantine restore ID"
    print_quarantine_list([], "/var/lib/q", False)
    assert capsys.readouterr().out == "nothing in quarantine (/var/lib/q)\n"
    print_quarantine_change(item, "deleted", False)
    out = capsys.readouterr().out
    assert out.startswith("deleted q-1 (") and "\x1b" not in out
    print_quarantine_change(item, "restored", True)
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "spamtrace.quarantine/1" and doc["restored"]["id"] == "q-1"


def test_quarantine_list_names_damaged_items_and_gives_exact_bytes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_quarantine_list([], "/var/lib/q", False, damaged=["q-2"])
    out = capsys.readouterr().out
    assert "nothing in quarantine" not in out
    assert "q-2: its manifest cannot be read" in out and "/var/lib/q/q-2" in out
    odd = _item("/home/u/bad\udcffname.php")  # a name that is not UTF-8, as os gives it
    print_quarantine_list([odd], "/var/lib/q", True, damaged=["q-2"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["damaged"] == ["q-2"]
    assert bytes.fromhex(doc["items"][0]["path_hex"]) == b"/home/u/bad\xffname.php"


def test_restore_note_of_a_store_that_cannot_be_marked_is_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quarantine restore` whose store cannot be marked prints the store error's message as
    every error is (escape_message): it was printed raw, and a store path with an escape
    sequence reached the terminal."""
    import argparse

    from spamtrace.cli import respond
    from spamtrace.config import Config
    from spamtrace.errors import StoreError
    from spamtrace.sinks import store

    class Folder:
        def restore(self, ident: str, force: bool = False) -> QuarantineItem:
            return _item("/home/acct/x.php")

    def locked(path: str, ident: str, when: float) -> int:
        raise StoreError(f"store {path}: database is locked")

    monkeypatch.setattr(respond, "_quarantine", lambda cfg: Folder())
    monkeypatch.setattr(store, "mark_restored", locked)
    cfg = Config().override(origin="test", store__path=str(tmp_path / "s\x1b[2J.db"))
    args = argparse.Namespace(id="q-1", force=False, json=True)
    assert respond._restore(args, cfg) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and "s\\x1b[2J.db: database is locked" in err, err


def test_quarantine_json_times_are_written_as_every_other_documents(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`quarantine list --json` (and restore/delete) wrote `2026-12-05T09:00:00.123456+00:00`
    where incidents, status and release write `...T09:00:00.123Z`; the same helper now."""
    from dataclasses import replace

    from spamtrace.render.incidents import iso

    at = 1_796_461_200.123456
    item = replace(_item("/home/a/x.php"), quarantined_at=at, mtime_ns=1_796_461_100_500_000_000,
                   atime_ns=1_796_461_150_000_000_000)  # fmt: skip
    print_quarantine_list([item], "/var/lib/spamtrace/quarantine", True)
    (doc,) = json.loads(capsys.readouterr().out)["items"]
    assert doc["quarantined_at"] == iso(at) == "2026-12-05T09:00:00.123Z"
    assert doc["mtime"] == "2026-12-05T08:58:20.500Z" and doc["atime"] == "2026-12-05T08:59:10.000Z"
    assert doc["mtime_ns"] == 1_796_461_100_500_000_000  # exact, as before
    print_quarantine_change(item, "restored", True)
    assert json.loads(capsys.readouterr().out)["restored"]["quarantined_at"] == iso(at)
    # the manifest on disk keeps its format (older versions read it) and reads back exact
    assert QuarantineItem.from_json(item.to_json()).quarantined_at == pytest.approx(at, abs=1e-6)


def test_release_says_how_to_end_the_grace_and_no_grace_ends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tour: a release let the uid send unblocked for an hour, and its output gave no way to
    end that early (there was none but setting release_grace to 0 for every uid). It names
    `release UID --no-grace`, which ends the grace: the store no longer counts the uid as in
    its grace (a daemon blocks it again at its next connect), while the release itself is
    still seen (the firewall check does not take the missing uid for a flushed set). A later
    release without the flag starts a grace again."""
    from spamtrace.config import Config
    from spamtrace.service.release import release
    from spamtrace.sinks.store import ActionRecord, Store, open_reader

    _no_table(monkeypatch, unblocked=True)
    db = str(tmp_path / "s.db")
    store = Store(db)
    store.submit_action(ActionRecord("inc-1", "block-uid", "done", 1.0, "block", None, 7))
    store.flush()
    store.close()

    def in_grace() -> tuple[bool, bool]:
        with open_reader(db) as reader:
            since = time.time() - 3600
            return 7 in reader.released_uids(since), 7 in reader.released_uids(since, graced=True)

    first = release(Config(), 7, "acct", db)
    print_release(first, False)
    assert "spamtrace release 7 --no-grace" in capsys.readouterr().out
    assert in_grace() == (True, True)
    ended = release(Config(), 7, "acct", db, grace=False)  # the way out, as printed
    assert ended.grace_ended and ended.grace_until is None
    print_release(ended, True)
    doc = json.loads(capsys.readouterr().out)
    assert doc["grace_ended"] is True and doc["grace_until"] is None
    assert in_grace() == (True, False)
    store = Store(db)  # blocked again, then released with its grace
    store.submit_action(ActionRecord("inc-1", "block-uid", "done", 2.0, "block", None, 7))
    store.flush()
    store.close()
    time.sleep(0.01)
    assert release(Config(), 7, "acct", db).grace_until is not None
    assert in_grace() == (True, True)

