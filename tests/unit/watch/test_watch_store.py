"""The SQLite store: migrations, round trip, retention, loss counting, corrupt/read-only/full."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from spamtrace.errors import PathUnusable, StoreError
from spamtrace.sinks import store as store_mod
from spamtrace.sinks.store import (
    SCHEMA_VERSION,
    EventRecord,
    EventType,
    IncidentRecord,
    Store,
    StoreReader,
)


def ev(wall: float, incident: str | None = "inc-1", uid: int = 1001, **kw: object) -> EventRecord:
    base: dict[str, object] = dict(
        type=EventType.CONNECT_ATTEMPTED, wall=wall, pid=10, start_time=1.0, uid=uid, gid=uid,
        user="u", account="u", exe="/usr/bin/php", cwd="/home/u/x", cmdline=("php", "x.php"),
        scripts=("/home/u/x/x.php",), local="10.0.0.1:0", remote="10.0.0.2:25",
        verdict="suspicious", reasons=("r",), method="tracepoint", blocked=False,
        incident_id=incident, source="tracepoint", details={"tid": 10},
    )  # fmt: skip
    base.update(kw)
    return EventRecord(**base)  # type: ignore[arg-type]


def inc(n: int, last: float, ident: str = "inc-1") -> IncidentRecord:
    return IncidentRecord(
        id=ident, verdict="suspicious", uid=1001, user="u", account="u", account_kind="home",
        home="/home/u", exe="/usr/bin/php", cwd="/home/u/x", scripts=("/home/u/x/x.php",),
        cmdline=("php",), connections=n, blocked=0, destinations=("10.0.0.2:25",), pids=(10,),
        first_seen=1000.0, last_seen=last, rate_per_minute=1.0, reasons=("r",),
        methods={"tracepoint": n}, advice=("scan it",), process={"pid": 10, "parents": []},
    )  # fmt: skip


def test_new_store_schema_and_round_trip(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    s = Store(path)
    for i in range(3):
        assert s.submit(ev(1000.0 + i), inc(i + 1, 1000.0 + i))
    assert s.flush()
    h = s.close()
    assert h.written == 3 and h.lost == 0 and h.error is None
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    with StoreReader(path) as r:
        (one,) = r.incidents()
        assert one.connections == 3 and one.last_seen == 1002.0 and one.first_seen == 1000.0
        assert one.scripts == ("/home/u/x/x.php",) and one.advice == ("scan it",)
        assert r.incident("inc-1") == one and r.incident("1") == one
        assert r.incident("nope") is None
        events = r.events_of("inc-1")
        assert [e.wall for e in events] == [1000.0, 1001.0, 1002.0]
        assert events[0].cmdline == ("php", "x.php") and events[0].details == {"tid": 10}
        assert r.incidents(since=1001.5) == [one]
        assert r.incidents(since=5000.0) == []


def test_recent_senders(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    s = Store(path, start_writer=False)
    s.write_now([(ev(100.0), None), (ev(101.0, remote="10.0.0.3:25"), None),
                 (ev(102.0, uid=1002, blocked=True, type=EventType.CONNECT_BLOCKED), None),
                 (ev(10.0, uid=1003), None)])  # fmt: skip
    s.close()
    with StoreReader(path) as r:
        senders = {x.uid: x for x in r.recent_senders(since=50.0)}
    assert set(senders) == {1001, 1002}
    assert senders[1001].attempts == 2
    assert senders[1001].destinations == ("10.0.0.2:25", "10.0.0.3:25")
    assert senders[1002].blocked == 1


def test_odd_bytes_in_paths_are_kept(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    s = Store(path, start_writer=False)
    odd = "/home/u/\udcff\n\x1b[31m.php"
    s.write_now([(ev(1.0, cwd=odd, scripts=(odd,)), None)])
    s.close()
    with StoreReader(path) as r:
        (e,) = r.events()
    assert e.cwd == odd and e.scripts == (odd,)  # the byte itself, as the watcher had it


def test_queue_full_is_counted_not_blocking(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "s.db"), queue_size=5, start_writer=False)
    results = [s.submit(ev(float(i))) for i in range(8)]
    assert results.count(False) == 3
    assert s.health().lost == 3
    s.close()


def test_retention_by_age_and_count(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    s = Store(path, retention_days=1, max_events=3, start_writer=False)
    now = 10 * 86400.0
    rows = [(ev(now - 2 * 86400, incident="inc-old"), inc(1, now - 2 * 86400, "inc-old"))]
    rows += [(ev(now - i, incident="inc-new"), inc(5, now, "inc-new")) for i in range(5)]
    s.write_now(rows)
    s.apply_retention(now=now)
    s.close()
    with StoreReader(path) as r:
        assert [e.wall for e in r.events()] == [now - 2, now - 1, now]
        assert [i.id for i in r.incidents()] == ["inc-new"]
        assert len(r.events_of("inc-new")) == 3


def test_corrupt_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    garbage = b"this is not sqlite at all\n" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="untouched"):
        Store(str(path))
    with pytest.raises(StoreError):
        StoreReader(str(path))
    assert path.read_bytes() == garbage
    assert not (tmp_path / "s.db-wal").exists()


def test_a_store_under_a_file_says_which_part_is_a_file(tmp_path: Path) -> None:
    """`--db /etc/hostname/s.db`: the writer said "folder /etc/hostname does not exist
    (create it first ...)", the readers "does not exist (run spamtrace watch first)"."""
    afile = tmp_path / "hostname"
    afile.write_text("web1\n")
    path = str(afile / "s.db")
    for open_it in (Store, StoreReader):
        with pytest.raises(PathUnusable) as err:  # the admin's path: a usage error, exit 2
            open_it(path)
        assert err.value.message == f"store {path}: not a folder: '{afile}'"
        assert err.value.exit_code == 2
    assert afile.read_text() == "web1\n"


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"not a spamtrace incident store \(a SQLite database wit"):
        Store(str(path))
    with pytest.raises(StoreError, match="is not a spamtrace incident store"):
        StoreReader(str(path))
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    Store(path, start_writer=False).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_migrations_run_from_an_older_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "s.db")
    Store(path, start_writer=False).close()

    nxt = SCHEMA_VERSION + 1

    def _next(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE events ADD COLUMN extra TEXT")

    monkeypatch.setattr(store_mod, "MIGRATIONS", (*store_mod.MIGRATIONS, (nxt, _next)))
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", nxt)
    s = Store(path, start_writer=False)
    s.close()
    db = sqlite3.connect(path)
    cols = [r[1] for r in db.execute("PRAGMA table_info(events)")]
    versions = [r[0] for r in db.execute("SELECT version FROM schema_version ORDER BY version")]
    db.close()
    assert "extra" in cols and versions == [*range(1, nxt + 1)]


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "s.db")
    Store(path, start_writer=False).close()

    def _bad(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE events ADD COLUMN half TEXT")
        db.execute("THIS IS NOT SQL")

    nxt = SCHEMA_VERSION + 1
    monkeypatch.setattr(store_mod, "MIGRATIONS", (*store_mod.MIGRATIONS, (nxt, _bad)))
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", nxt)
    with pytest.raises(StoreError):
        Store(path, start_writer=False)
    db = sqlite3.connect(path)
    cols = [r[1] for r in db.execute("PRAGMA table_info(events)")]
    assert "half" not in cols
    assert db.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_read_only_file_is_refused_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.db"
    Store(str(path), start_writer=False).close()
    before = path.read_bytes()
    real_access = os.access
    monkeypatch.setattr(
        store_mod.os, "access", lambda p, m: False if str(p) == str(path) and m == os.W_OK
        else real_access(p, m)
    )  # fmt: skip
    with pytest.raises(StoreError, match="read-only"):
        Store(str(path))
    assert path.read_bytes() == before


def test_disk_full_keeps_committed_data_and_reports(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    s = Store(path, start_writer=False)
    s.write_now([(ev(1.0), inc(1, 1.0))])
    # make the database "full": no page may be added any more
    pages = s._db.execute("PRAGMA page_count").fetchone()[0]
    s._db.execute(f"PRAGMA max_page_count = {pages}")
    big = "x" * 200_000
    s.write_now([(ev(2.0, cwd=big), None), (ev(3.0, cwd=big), None)])
    h = s.health()
    assert h.error is not None and "full" in h.error
    assert h.lost == 2 and h.written == 1
    assert s.submit(ev(4.0)) is False  # after an error nothing more is accepted silently
    s.close()
    with StoreReader(path) as r:
        assert [e.wall for e in r.events()] == [1.0]
        assert r.incident("inc-1") is not None


def test_reader_of_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        StoreReader(str(tmp_path / "none.db"))


SUSPECT = {
    "path": "/home/u/x/x.php", "verdict": "malicious", "score": 14,
    "rules": ["mailer.raw-smtp-dialogue", "php.eval-base64"], "line": 3,
    "excerpt": "eval(base64_decode($p));", "description": "decoded code executed", "layer": 0,
}  # fmt: skip


def _v1_store(path: str, monkeypatch: pytest.MonkeyPatch, now: float) -> None:
    """A store as spamtrace with schema 1 wrote it (migration 1 only), with one incident."""
    with monkeypatch.context() as m:
        m.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
        m.setattr(store_mod, "SCHEMA_VERSION", 1)
        s = Store(path, start_writer=False)
        s.write_now([(ev(now), None)])
        assert s.health().error is None
        s.close()
    db = sqlite3.connect(path)  # the incident row as version 1 wrote it (its own columns)
    db.execute(
        "INSERT INTO incidents(id, verdict, uid, user, account, account_kind, home, exe, cwd, "
        "scripts, cmdline, connections, blocked, destinations, pids, first_seen, last_seen, "
        "rate, reasons, methods, advice, process, updated) VALUES ('inc-1', 'suspicious', 1001, "
        "'u', 'u', 'home', '/home/u', '/usr/bin/php', '/home/u/x', '[\"/home/u/x/x.php\"]', "
        "'[\"php\"]', 1, 0, '[\"10.0.0.2:25\"]', '[10]', 1000.0, ?, 1.0, '[\"r\"]', "
        '\'{"tracepoint":1}\', \'["scan it"]\', \'{"pid":10,"parents":[]}\', ?)',
        (now, now),
    )
    db.commit()
    db.close()


def test_migration_1_to_2_adds_suspect_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SCHEMA_VERSION == 6
    import time

    path = str(tmp_path / "s.db")
    now = time.time()  # (opening a store applies retention: keep the rows recent)
    _v1_store(path, monkeypatch, now)
    db = sqlite3.connect(path)
    assert "suspect_files" not in [r[1] for r in db.execute("PRAGMA table_info(incidents)")]
    db.close()
    # a reader of the old file (no migration: readers never write) sees "not scanned"
    with StoreReader(path) as r:
        (old,) = r.incidents()
    assert old == inc(1, now)  # every version-1 field, and suspect_files None
    # the writer migrates it: the version-1 data stays as it was
    s = Store(path, start_writer=False)
    s.close()
    db = sqlite3.connect(path)
    cols = [r[1] for r in db.execute("PRAGMA table_info(incidents)")]
    versions = [r[0] for r in db.execute("SELECT version FROM schema_version ORDER BY version")]
    db.close()
    assert "suspect_files" in cols and versions == [1, 2, 3, 4, 5, 6]
    assert "not_scanned" in cols  # version 6: the folder's files its scan did not read
    assert "domain" in cols  # version 5: the account's first domain ({domain})
    assert "suspect_links" in cols  # version 4: the folder's symlinks to where a site must not
    with StoreReader(path) as r:
        (same,) = r.incidents()
        assert same == old and same.suspect_links is None
        assert len(r.events_of("inc-1")) == 1


def test_suspect_files_round_trip_and_survive_later_updates(tmp_path: Path) -> None:
    import dataclasses

    path = str(tmp_path / "s.db")
    s = Store(path)
    assert s.submit(ev(1000.0), inc(1, 1000.0))  # opened: not scanned yet
    scanned = dataclasses.replace(
        inc(1, 1000.0), suspect_files=(SUSPECT,), advice=("this is the file", "scan it")
    )
    assert s.submit_incident(scanned)  # the scan result alone, no event
    assert s.submit(ev(1001.0), inc(2, 1001.0))  # a later state without the scan result
    assert s.flush()
    h = s.close()
    assert h.written == 2 and h.lost == 0  # events written; the incident update is no event
    with StoreReader(path) as r:
        (one,) = r.incidents()
    assert one.connections == 2 and one.last_seen == 1001.0
    assert one.suspect_files == (SUSPECT,)
    assert one.advice == ("this is the file", "scan it")


def test_scan_result_and_later_state_in_one_batch(tmp_path: Path) -> None:
    import dataclasses

    path = str(tmp_path / "s.db")
    s = Store(path, start_writer=False)
    scanned = dataclasses.replace(inc(1, 1000.0), suspect_files=(), advice=("a",))
    s._write_batch([
        store_mod._Write(ev(1000.0), inc(1, 1000.0)),
        store_mod._Write(None, scanned),
        store_mod._Write(ev(1001.0), inc(2, 1001.0)),
    ])  # fmt: skip
    s.close()
    with StoreReader(path) as r:
        (one,) = r.incidents()
    assert one.suspect_files == () and one.connections == 2 and one.advice == ("a",)


def test_odd_bytes_in_suspect_paths_are_kept(tmp_path: Path) -> None:
    import dataclasses

    path = str(tmp_path / "s.db")
    s = Store(path, start_writer=False)
    odd = {**SUSPECT, "path": "/home/u/\udcff\n.php"}
    s.write_now([(ev(1.0), dataclasses.replace(inc(1, 1.0), suspect_files=(odd,)))])
    s.close()
    with StoreReader(path) as r:
        (one,) = r.incidents()
    assert one.suspect_files is not None
    assert one.suspect_files[0]["path"] == odd["path"]


def test_a_missing_folder_is_created_only_for_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(PathUnusable, match="does not exist") as err:
        Store(str(tmp_path / "nonexistent" / "dir" / "x.db"), start_writer=False)
    assert err.value.exit_code == 2  # a restart meets it again: not a runtime failure (3)
    assert not (tmp_path / "nonexistent").exists()
    monkeypatch.setattr(store_mod, "DEFAULT_STORE_DIR", str(tmp_path / "lib"))
    Store(str(tmp_path / "lib" / "x.db"), start_writer=False).close()
    assert (tmp_path / "lib" / "x.db").is_file()


def test_retention_never_deletes_the_history_by_a_clock_that_jumped_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a clock set years ahead at start (a broken RTC, a bad NTP step) made the pass at open
    # delete every event and incident: the whole history, by a clock that was wrong
    path = str(tmp_path / "s.db")
    told: list[str] = []
    now = time.time()
    s = Store(path, retention_days=30, start_writer=False, warn=told.append)
    s.write_now([(ev(now - 86400 * i, incident="inc-a"), inc(1, now - 86400, "inc-a"))
                 for i in range(1, 4)])  # fmt: skip
    s.apply_retention(now=now)
    s.close()
    ahead = now + 11 * 365 * 86400  # the RTC says 2037
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: ahead)
        s = Store(path, retention_days=30, start_writer=False, warn=told.append)  # the pass at open
    s.apply_retention(now=ahead + 3600)
    with StoreReader(path) as r:
        assert len(r.events()) == 3 and [i.id for i in r.incidents()] == ["inc-a"]
    assert len(told) == 1 and "days ahead" in told[0] and "nothing deleted" in told[0]
    s.apply_retention(now=now + 3 * 86400)  # NTP set it right: retention goes on
    s.close()
    with StoreReader(path) as r:
        assert len(r.events()) == 3
    s = Store(path, retention_days=2, start_writer=False)
    s.apply_retention(now=now + 0.5 * 86400)
    s.close()
    with StoreReader(path) as r:
        assert len(r.events()) == 1  # an age pass by a plausible clock still deletes


def test_retention_on_a_store_without_a_pass_yet_measures_against_its_newest_row(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "s.db")
    s = Store(path, retention_days=30, start_writer=False)
    s.write_now([(ev(1000.0 + i), None) for i in range(3)])
    s._db.execute("DELETE FROM meta WHERE key = 'retention_at'")  # a store of an older spamtrace
    s.apply_retention(now=1000.0 + 400 * 86400)
    s.close()
    with StoreReader(path) as r:
        assert len(r.events()) == 3


def _damage_page_of(path: str, table: str, data: bytes) -> bytes:
    """Write ``data`` over the first page of ``table`` (a disk error); the file's bytes after."""
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    db.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(data[:page_size])
    with open(path, "rb") as fh:
        return fh.read()


@pytest.mark.parametrize("table", ["schema_version", "incidents"])
def test_a_damaged_store_is_one_line_naming_the_file_and_what_to_do(
    tmp_path: Path, table: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a page lost to a disk error gave SQLite's bare words ("store s.db: table meta already
    # exists", "database disk image is malformed"), or nothing at all: the store read as
    # empty; the admin was not told the file is damaged, nor what to do
    from spamtrace.cli.main import main

    path = str(tmp_path / "s.db")
    monkeypatch.setenv("SPAMTRACE_STORE_PATH", path)  # the configured store: advice to move it
    s = Store(path, start_writer=False)
    s.write_now([(ev(time.time() - i, incident="inc-1"), inc(1, time.time(), "inc-1"))
                 for i in range(50)])  # fmt: skip
    s.close()
    before = _damage_page_of(path, table, b"\xde\xad" * 40_000)
    assert main(["incidents", "--since", "all", "--db", path]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"store '{path}' is damaged" in err
    assert f"move it aside (mv {path} {path}.damaged); spamtrace never writes over it" in err
    if table == "schema_version":
        with pytest.raises(StoreError, match=r"is damaged.*move it aside.*left untouched"):
            Store(path)
    with open(path, "rb") as fh:
        assert fh.read() == before


@pytest.mark.parametrize("command", [["incidents", "--since", "all"], ["incident", "inc-1"]])
def test_a_db_that_is_no_store_is_not_called_damaged_nor_advised_moved(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``incidents --db /etc/hostname`` (a mistyped --db) called the file a damaged store and
    advised ``mv /etc/hostname /etc/hostname.damaged``: a file the admin never configured.
    A file that is no SQLite database, or a SQLite one without spamtrace's tables, is "not a
    spamtrace incident store" (the configured store too: a wrong path is likelier than a
    store damaged in its first bytes); a damaged store given with --db that is not the
    configured one is said so without the advice. One line, exit 3, the file untouched."""
    from spamtrace.cli.main import main

    configured = str(tmp_path / "configured.db")
    monkeypatch.setenv("SPAMTRACE_STORE_PATH", configured)
    hostname = tmp_path / "hostname"
    hostname.write_bytes(b"web1.example.net\n")
    foreign = tmp_path / "other.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    damaged = str(tmp_path / "copy.db")
    s = Store(damaged, start_writer=False)
    s.write_now([(ev(time.time() - i, incident="inc-1"), inc(1, time.time(), "inc-1"))
                 for i in range(50)])  # fmt: skip
    s.close()
    _damage_page_of(damaged, "schema_version", b"\xde\xad" * 40_000)
    for path, why in ((str(hostname), "(not a SQLite database)"),
                      (str(foreign), "(a SQLite database without spamtrace's tables)"),
                      (damaged, "(or a damaged one: ")):  # fmt: skip
        before = Path(path).read_bytes()
        assert main([*command, "--db", path]) == 3
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "Traceback" not in err
        assert f"'{path}' is not a spamtrace incident store {why}" in err
        assert "mv " not in err and "move it aside" not in err
        assert Path(path).read_bytes() == before
    # the configured store given by its path, or by none: no SQLite file is no store either
    hostname.rename(configured)
    for argv in ([*command, "--db", configured], command):
        assert main(argv) == 3
        err = capsys.readouterr().err.strip()
        assert err.endswith(f"'{configured}' is not a spamtrace incident store (not a SQLite "
                            "database); the file was left untouched")  # fmt: skip
    with pytest.raises(StoreError, match=r"is not a spamtrace incident store \(not a SQLite"):
        Store(configured)  # what the daemon and watch say at start: it is not written over
    assert Path(configured).read_bytes() == b"web1.example.net\n"


def test_a_schema_3_store_keeps_every_incident_and_action_through_the_migration(
    tmp_path: Path,
) -> None:
    """A store the previous version wrote (schema 3: no ``suspect_links`` column) is taken to
    schema 4 by the next writer with every incident, event and action as they were, and an
    older incident reads as not scanned for links (None), not as "no link"."""
    path = str(tmp_path / "s.db")
    db = sqlite3.connect(path)
    store_mod.migrate(db, 0)  # made below as schema 3 wrote it
    db.execute("DELETE FROM schema_version WHERE version = 4")
    db.execute("ALTER TABLE incidents DROP COLUMN suspect_links")
    for n in range(3):
        db.execute(
            "INSERT INTO incidents (id, verdict, uid, user, first_seen, last_seen, updated, "
            "suspect_files) VALUES (?, 'malicious', ?, ?, 100, 105, 105, ?)",
            (f"inc-{n}", 61000 + n, f"shop\t{n}", '[{"path": "/home/x.php"}]'),
        )
        cur = db.execute(
            "INSERT INTO events (type, wall, uid, incident_id, source) "
            "VALUES ('connect-attempted', 100, ?, ?, 'tracepoint')",
            (61000 + n, f"inc-{n}"),
        )
        db.execute("INSERT INTO incident_events VALUES (?, ?)", (f"inc-{n}", cur.lastrowid))
        for action, status in (("block-uid", "done"), ("stop-process", "would")):
            db.execute(
                "INSERT INTO actions (incident_id, action, status, at, detail, uid, data) "
                "VALUES (?, ?, ?, 101, 'x', ?, '{\"timeout\": 3600}')",
                (f"inc-{n}", action, status, 61000 + n),
            )
    db.commit()
    db.close()
    with store_mod.open_reader(path) as reader:  # a reader reads it as it is
        assert sorted(i.id for i in reader.incidents(since=None)) == ["inc-0", "inc-1", "inc-2"]
    Store(path, start_writer=False).close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    with store_mod.open_reader(path) as reader:
        incidents = reader.incidents(since=None)
        assert sorted(i.id for i in incidents) == ["inc-0", "inc-1", "inc-2"]
        assert all(i.suspect_links is None and i.suspect_files for i in incidents)
        first = reader.incident("inc-0")
        assert first is not None and first.user == "shop\t0"
        actions = reader.actions_of(["inc-0", "inc-1", "inc-2"])
        assert sorted(len(a) for a in actions.values()) == [2, 2, 2]
        assert [len(reader.events_of(f"inc-{n}")) for n in range(3)] == [1, 1, 1]


def test_a_schema_4_store_is_read_and_gains_the_incidents_domain(tmp_path: Path) -> None:
    """Schema 5 keeps an incident's domain (Plesk's subscription name, for suspend_command's
    {domain}). A store the previous version wrote (schema 4: no ``domain`` column) is read as
    it is (every domain None), then taken to schema 5 by the next writer with its incidents
    as they were; an incident written again keeps the domain it gets, and a later state that
    knows none (a record of the mail logs) does not erase it."""
    path = str(tmp_path / "s.db")
    t = time.time() - 60  # (opening a store applies retention: keep the rows recent)
    db = sqlite3.connect(path)
    store_mod.migrate(db, 0)  # made below as schema 4 wrote it
    db.execute("DELETE FROM schema_version WHERE version >= 5")
    db.execute("ALTER TABLE incidents DROP COLUMN not_scanned")
    db.execute("ALTER TABLE incidents DROP COLUMN domain")
    for n in range(3):
        db.execute(
            "INSERT INTO incidents (id, verdict, uid, user, account, connections, first_seen, "
            "last_seen, updated) VALUES (?, 'suspicious', ?, 'u', 'u', 1, ?, ?, ?)",
            (f"inc-{n}", 61000 + n, t + n, t + n, t + n),
        )
        cur = db.execute(
            "INSERT INTO events (type, wall, uid, incident_id, source) "
            "VALUES ('connect-attempted', ?, ?, ?, 'tracepoint')",
            (t + n, 61000 + n, f"inc-{n}"),
        )
        db.execute("INSERT INTO incident_events VALUES (?, ?)", (f"inc-{n}", cur.lastrowid))
    db.commit()
    db.close()
    db = sqlite3.connect(path)
    columns = [r[1] for r in db.execute("PRAGMA table_info(incidents)")]
    assert "domain" not in columns and "suspect_links" in columns
    db.close()
    with StoreReader(path) as reader:  # an old store read as it is
        olds = reader.incidents(since=None)
        assert sorted(i.id for i in olds) == ["inc-0", "inc-1", "inc-2"]
        assert all(i.domain is None for i in olds)
    s = Store(path, start_writer=False)
    s.write_now([(ev(t + 10, incident="inc-1"), replace(inc(2, t + 10, "inc-1"),
                                                        domain="shop.example"))])  # fmt: skip
    s.write_now([(ev(t + 11, incident="inc-1"), inc(3, t + 11, "inc-1"))])  # no domain known
    s.close()
    db = sqlite3.connect(path)
    assert [r[0] for r in db.execute("SELECT version FROM schema_version")] == [
        1, 2, 3, 4, 5, 6,
    ]
    db.close()
    with StoreReader(path) as reader:
        by_id = {i.id: i for i in reader.incidents(since=None)}
        assert sorted(by_id) == ["inc-0", "inc-1", "inc-2"]
        assert by_id["inc-1"].domain == "shop.example" and by_id["inc-1"].connections == 3
        assert by_id["inc-0"].domain is None and by_id["inc-2"].domain is None
        assert [len(reader.events_of(f"inc-{n}")) for n in range(3)] == [1, 3, 1]


def test_a_schema_5_store_is_read_and_gains_the_files_not_scanned(tmp_path: Path) -> None:
    """Schema 6 keeps how many files of an incident's folder its bounded scan did not read
    (``incidents.not_scanned``). A store the previous version wrote (schema 5: no such
    column), made here by hand, is read as it is (every count None), then taken to schema 6
    by the next writer with its incidents as they were; a scan's count is kept, a later state
    that carries no scan (an attempt before the scan is done) does not erase it, and a new
    scan's count replaces it."""
    path = str(tmp_path / "s.db")
    t = time.time() - 60  # (opening a store applies retention: keep the rows recent)
    db = sqlite3.connect(path)
    store_mod.migrate(db, 0)  # made below as schema 5 wrote it
    db.execute("DELETE FROM schema_version WHERE version = 6")
    db.execute("ALTER TABLE incidents DROP COLUMN not_scanned")
    for n in range(2):
        db.execute(
            "INSERT INTO incidents (id, verdict, uid, user, account, connections, first_seen, "
            "last_seen, updated, suspect_files, domain) "
            "VALUES (?, 'suspicious', 1001, 'u', 'u', 1, ?, ?, ?, '[]', 'shop.example')",
            (f"inc-{n}", t + n, t + n, t + n),
        )
    db.commit()
    db.close()
    db = sqlite3.connect(path)
    columns = [r[1] for r in db.execute("PRAGMA table_info(incidents)")]
    assert "not_scanned" not in columns and "domain" in columns
    db.close()
    with StoreReader(path) as reader:  # an old store read as it is
        olds = reader.incidents(since=None)
        assert sorted(i.id for i in olds) == ["inc-0", "inc-1"]
        assert all(i.not_scanned is None and i.suspect_files == () for i in olds)
    s = Store(path, start_writer=False)
    scanned = replace(inc(2, t + 10, "inc-1"), suspect_files=(), not_scanned=2800)
    s.write_now([(ev(t + 10, incident="inc-1"), scanned)])
    s.write_now([(ev(t + 11, incident="inc-1"), inc(3, t + 11, "inc-1"))])  # no scan in it
    s.close()
    db = sqlite3.connect(path)
    assert [r[0] for r in db.execute("SELECT version FROM schema_version")][-1] == 6
    db.close()
    with StoreReader(path) as reader:
        by_id = {i.id: i for i in reader.incidents(since=None)}
        assert by_id["inc-1"].not_scanned == 2800 and by_id["inc-1"].connections == 3
        assert by_id["inc-0"].not_scanned is None and by_id["inc-0"].domain == "shop.example"
    s = Store(path, start_writer=False)
    again = replace(inc(4, t + 12, "inc-1"), suspect_files=(), not_scanned=0)
    s.write_now([(ev(t + 12, incident="inc-1"), again)])
    s.close()
    with StoreReader(path) as reader:
        assert reader.incident("inc-1").not_scanned == 0  # type: ignore[union-attr]


@pytest.mark.parametrize("command", [["incidents", "--since", "all"], ["release", "1001"]])
def test_a_store_of_a_newer_spamtrace_says_what_to_do(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A downgrade after the newer daemon migrated the store: every command said only
    'written by a newer spamtrace (schema 6 > 3)', `release` included, with no word of a way
    back. Now the line says what to do, and the file is untouched."""
    from spamtrace.cli.main import main

    path = tmp_path / "spamtrace.db"
    s = Store(str(path), start_writer=False)
    s.write_now([(ev(time.time(), incident="inc-1"), inc(1, time.time(), "inc-1"))])
    s.close()
    db = sqlite3.connect(path)  # as a later version's migration leaves it
    db.execute("INSERT INTO schema_version(version) VALUES (?)", (store_mod.SCHEMA_VERSION + 1,))
    db.commit()
    db.close()
    before = path.read_bytes()
    assert main([*command, "--db", str(path)]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert f"written by a newer spamtrace (schema {store_mod.SCHEMA_VERSION + 1} > " in err
    assert "run the newer spamtrace again, or give this one a copy of the store kept" in err
    assert path.read_bytes() == before
