"""The store under faults: another process holding the lock, a reader that may not write,
odd ids and ranges given by the user."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from test_watch_store import ev, inc

from spamtrace.cli.watch import parse_since
from spamtrace.errors import ExitCode, StoreError, UsageError
from spamtrace.sinks import store as store_mod
from spamtrace.sinks.store import Store, StoreReader


def _hold_lock(path: str) -> subprocess.Popen[str]:
    """Another process that takes the database's write lock and keeps it until its input is
    closed (:func:`_release`) or it is killed: never for a time that a busy machine, which
    can leave the test off the CPU for a second, outlasts."""
    code = textwrap.dedent(
        f"""
        import sqlite3, sys
        db = sqlite3.connect({path!r}, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        sys.stdin.read()
        db.execute("ROLLBACK")
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def _release(holder: subprocess.Popen[str]) -> int:
    assert holder.stdin is not None
    holder.stdin.close()
    return holder.wait(10)


def test_a_long_lock_delays_writing_but_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT", 0.2)
    monkeypatch.setattr(store_mod, "RETRY_MAX_DELAY", 0.1)
    path = str(tmp_path / "s.db")
    warnings: list[str] = []
    s = Store(path, warn=warnings.append)
    assert s.submit(ev(1.0), inc(1, 1.0))
    assert s.flush()
    holder = _hold_lock(path)
    try:
        for i in range(2, 200):
            assert s.submit(ev(float(i)), inc(i, float(i)))
        deadline = time.monotonic() + 30
        during = s.health()
        while during.retries < 2 and time.monotonic() < deadline:  # until it has retried
            time.sleep(0.05)
            during = s.health()
        assert during.stalled_since is not None and during.retries >= 2
        assert "locked" in (during.stall_reason or "")
    finally:
        assert _release(holder) == 0
    assert s.flush(10)
    h = s.close()
    assert h.written == 199 and h.lost == 0 and h.error is None and h.stalled_since is None
    assert h.retries >= 2
    assert any("writing stalled" in w and "retrying" in w for w in warnings), warnings
    assert any("writing again" in w and "nothing lost" in w for w in warnings), warnings
    with StoreReader(path) as r:
        assert len(r.events(limit=1000)) == 199
        rec = r.incident("inc-1")
        assert rec is not None and rec.connections == 199


def test_the_batch_a_stall_holds_is_counted_queued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`status` said "0 queued" under "STALLED since ..., records kept queued": the batch the
    writer holds while it retries was counted nowhere, so `queued == 0` (what a test of the
    daemon waited for) did not mean written. Queued is every record not written yet."""
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT", 0.1)
    monkeypatch.setattr(store_mod, "RETRY_MAX_DELAY", 0.1)
    path = str(tmp_path / "s.db")
    s = Store(path)
    holder = _hold_lock(path)
    try:
        assert s.submit(ev(1.0), inc(1, 1.0))  # taken at once: the queue is empty again
        deadline = time.monotonic() + 30
        while s.health().retries < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        during = s.health()
        assert during.stalled_since is not None and during.queued == 1, during
        assert s.submit(ev(2.0), inc(1, 2.0))  # and one more behind it, in the queue
        assert s.health().queued == 2, s.health()
    finally:
        assert _release(holder) == 0
    assert s.flush(10)
    h = s.close()
    assert (h.queued, h.written, h.lost, h.stalled_since) == (0, 2, 0, None), h


def test_a_lock_held_past_close_is_counted_lost_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT", 0.1)
    path = str(tmp_path / "s.db")
    s = Store(path)
    holder = _hold_lock(path)
    try:
        for i in range(10):
            s.submit(ev(float(i)))
        h = s.close(timeout=0.5)
    finally:
        _release(holder)
    assert h.written == 0 and h.lost == 10
    assert h.error is not None and "locked" in h.error and "not written at exit" in h.error


def test_a_refused_batch_is_lost_and_writing_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "s.db")
    warnings: list[str] = []
    s = Store(path, warn=warnings.append)
    real = s._commit
    calls = 0

    def refuse_first(batch: list[store_mod._Write]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise sqlite3.IntegrityError("constraint failed")
        real(batch)

    monkeypatch.setattr(s, "_commit", refuse_first)
    s.submit(ev(1.0))
    assert s.flush()
    s.submit(ev(2.0))
    assert s.flush()
    h = s.close()
    assert h.lost == 1 and h.written == 1 and h.error is None
    assert any("not stored" in w for w in warnings)


def test_immutable_fallback_when_no_shm_can_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "s.db")
    s = Store(path, start_writer=False)
    s.write_now([(ev(1.0), inc(1, 1.0))])
    s.close()
    real = store_mod._connect

    def no_shm(p: str, *, readonly: bool, immutable: bool = False, timeout: float = 10.0):  # type: ignore[no-untyped-def]
        db = real(p, readonly=readonly, immutable=immutable, timeout=timeout)
        if not immutable:  # as SQLite answers when it cannot create the -shm file
            db.close()
            raise sqlite3.OperationalError("unable to open database file")
        return db

    monkeypatch.setattr(store_mod, "_connect", no_shm)
    with StoreReader(path) as r:
        assert r.immutable and r.incident("inc-1") is not None


def test_odd_characters_in_the_path_are_not_uri_syntax(tmp_path: Path) -> None:
    path = str(tmp_path / "a?mode=rwc#x%41.db")
    s = Store(path, start_writer=False)
    s.write_now([(ev(1.0), inc(1, 1.0))])
    s.close()
    with StoreReader(path) as r:
        assert r.incident("inc-1") is not None


def test_ambiguous_prefix_is_a_usage_error_naming_the_candidates(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    s = Store(path, start_writer=False)
    s.write_now([(ev(1.0, incident=i), inc(1, 1.0, i)) for i in ("inc-3fa1", "inc-3fb2")])
    s.close()
    with StoreReader(path) as r, pytest.raises(UsageError) as info:
        r.incident("3f")
    assert info.value.exit_code == ExitCode.USAGE
    assert "inc-3fa1, inc-3fb2" in info.value.message
    with StoreReader(path) as r:
        found = r.incident("3fb")
        assert found is not None and found.id == "inc-3fb2"


def test_an_empty_id_is_a_usage_error_not_the_prefix_of_every_incident(tmp_path: Path) -> None:
    """Tour: `spamtrace incident ''` (`incident "$ID"` with ID unset) showed the store's one
    incident in full, as if it were the one asked for; with two it said the empty id was
    ambiguous. (`inc-`, typed, is the prefix of every id, as before.)"""
    path = str(tmp_path / "s.db")
    s = Store(path, start_writer=False)
    s.write_now([(ev(1.0, incident="inc-3fa1"), inc(1, 1.0, "inc-3fa1"))])
    s.close()
    for empty in ("", " ", "\t"):
        with StoreReader(path) as r, pytest.raises(UsageError, match="no incident id given"):
            r.incident(empty)


def test_an_empty_id_is_said_before_a_missing_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tour: `spamtrace incident ''` with no store said the store was missing (exit 3), and only
    once there was one, that the id was empty (exit 2): a usage error comes first."""
    from spamtrace.cli.main import main

    missing = str(tmp_path / "none.db")
    for empty in ("", " "):
        assert main(["incident", empty, "--db", missing]) == ExitCode.USAGE
        err = capsys.readouterr().err
        assert "argument ID: empty" in err and "does not exist" not in err, err
    assert main(["incident", "inc-3fa", "--db", missing]) == ExitCode.FAILURE  # as before
    assert not (tmp_path / "none.db").exists()


def test_unreadable_store_says_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.db"
    Store(str(path), start_writer=False).close()
    monkeypatch.setattr(store_mod.os, "access", lambda p, m: False)
    with pytest.raises(StoreError, match="permission denied"):
        StoreReader(str(path))


@pytest.mark.parametrize(
    "text", ["99999999999999999999999d", "1e400", "99999999999999999999", "nan", "inf", "-inf"]
)
def test_since_out_of_range_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="out of range"):
        parse_since(text, time.time())


@pytest.mark.parametrize("text", ["0", "24", "-1", "1.5"])
def test_since_a_number_without_a_unit_says_so(text: str) -> None:
    # it said "cannot read '24'", as for a typo, though --help names epoch seconds
    with pytest.raises(UsageError, match="has no unit: give 30m, 24h, 7d"):
        parse_since(text, time.time())


def test_since_in_range_still_works() -> None:
    now = 1_800_000_000.0
    assert parse_since("24h", now) == now - 86400
    assert parse_since("all", now) is None
    assert parse_since("2026-11-27T10:00", now) == 1795773600.0


def test_writer_thread_and_lock_are_released(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "s.db"))
    s.close()
    assert not any(t.name == "spamtrace-store" and t.is_alive() for t in threading.enumerate())


@pytest.mark.parametrize("path", ["DIR", "/dev/null"])
def test_reader_refuses_what_is_not_a_regular_file(tmp_path: Path, path: str) -> None:
    # a folder was "disk I/O error" (exit 3, jargon) and /dev/null "no incidents" (exit 0)
    target = str(tmp_path) if path == "DIR" else path
    with pytest.raises(StoreError, match="not a regular file"):
        StoreReader(target)


def test_a_new_store_is_readable_by_root_only(tmp_path: Path) -> None:
    # the store keeps command lines (a password given as an argument), user names and
    # addresses: the hosting accounts must not read it, whatever the umask
    import os

    path = tmp_path / "spamtrace.db"
    old = os.umask(0o022)
    try:
        st = Store(str(path))
        st.submit(ev(1))
        st.close()
    finally:
        os.umask(old)
    for name in ("spamtrace.db", "spamtrace.db-wal", "spamtrace.db-shm"):
        if (tmp_path / name).exists():
            assert (tmp_path / name).stat().st_mode & 0o077 == 0, name


def test_a_store_path_that_is_a_dangling_symlink_names_its_target(tmp_path: Path) -> None:
    """`incidents --db link.db` with the link's target gone said "store link.db: does not
    exist" of a file `ls` shows."""
    link = tmp_path / "link.db"
    link.symlink_to("/srv/data/spamtrace.db")
    with pytest.raises(StoreError) as err:
        StoreReader(str(link))
    assert str(err.value) == (
        f"store {link}: a symlink to '/srv/data/spamtrace.db', which does not exist (run "
        "`spamtrace watch` first, or point the link at the store)"
    )


def test_a_new_store_made_through_a_symlink_is_readable_by_root_only(tmp_path: Path) -> None:
    """`[store] path` a symlink to a store not made yet (the data kept on another disk): the
    store was made 0644 through the link (and its -wal and -shm files as the database),
    readable by every hosting account, where a plain path is made 0600."""
    import os

    (tmp_path / "data").mkdir()
    target = tmp_path / "data" / "spamtrace.db"
    link = tmp_path / "spamtrace.db"
    link.symlink_to(target)
    old = os.umask(0o022)
    try:
        st = Store(str(link))
        st.submit(ev(1))
        st.flush()
        st.close()
    finally:
        os.umask(old)
    assert link.is_symlink() and target.exists()
    for name in ("spamtrace.db", "spamtrace.db-wal", "spamtrace.db-shm"):
        if (tmp_path / "data" / name).exists():
            assert (tmp_path / "data" / name).stat().st_mode & 0o077 == 0, name
    assert len(StoreReader(str(link)).incidents(since=0.0)) >= 0  # it reads through the link


@pytest.mark.parametrize("table", ["incidents", "events", "actions"])
def test_a_store_missing_one_of_its_tables_is_damaged_at_open(tmp_path: Path, table: str) -> None:
    """A store whose schema lost a table (a damaged page, a hand-made `DROP`): `watch` started
    on it, said "writing stalled ... retrying until it succeeds" and at its exit "9 event(s)
    not stored": every record of the run was lost. It is damaged, said at open, untouched."""
    path = str(tmp_path / "s.db")
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"DROP TABLE {table}")
    before = (tmp_path / "s.db").read_bytes()
    with pytest.raises(StoreError, match=rf"damaged \(its table {table} is missing\).*untouched"):
        Store(path)
    with pytest.raises(StoreError, match="damaged"):
        StoreReader(path)
    assert (tmp_path / "s.db").read_bytes() == before


@pytest.mark.parametrize("value", ["nan", "-1e30", "1e300", "inf"])
def test_a_damaged_retention_mark_is_read_as_none(tmp_path: Path, value: str) -> None:
    """`meta.retention_at` read as a float whatever it held: NaN or a time before any clock
    made the retention pass refuse, then die naming the day ("internal error: ValueError:
    Invalid value NaN", exit 3 at every start of watch and the daemon). A mark that is no
    time is none: the newest record is the reference, as on a store without one."""
    path = str(tmp_path / "s.db")
    s = Store(path)
    assert s.submit(ev(time.time()), inc(1, time.time()))
    s.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'retention_at'", (value,))
    warnings: list[str] = []
    Store(path, warn=warnings.append).close()
    assert warnings == []
    with StoreReader(path) as reader:
        assert len(reader.incidents(since=0.0)) == 1


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("incidents", "scripts", "[1, 2]"), ("incidents", "cmdline", "5"),
        ("incidents", "destinations", "null"), ("incidents", "reasons", "7"),
        ("incidents", "advice", "[null]"), ("incidents", "process", '{"parents": 5}'),
        ("incidents", "first_seen", "x"), ("incidents", "rate", "abc"),
        ("incidents", "connections", "many"), ("actions", "at", "x"), ("events", "wall", "x"),
        ("events", "details", "[1]"), ("events", "scripts", "5"),
        ("incidents", "verdict", "weird\x1b[2J"), ("actions", "action", "\x1b]0;x\x07block"),
    ],
)  # fmt: skip
def test_a_damaged_row_is_read_as_its_types_say(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, column: str, value: str
) -> None:
    """One value of a row of another type than its column's (a damaged or hand-edited
    store): `incidents` and `incident ID` died on it ("internal error: TypeError: 'int'
    object is not iterable", exit 3) and listed nothing of the store. The value is none."""
    from spamtrace.cli.main import main

    path = str(tmp_path / "s.db")
    s = Store(path)
    assert s.submit(ev(time.time()), inc(1, time.time()))
    s.close()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO actions (incident_id, action, status, at, detail, uid, target, data) "
            "VALUES ('inc-1', 'block-uid', 'would', 1000.0, 'block uid 1001', 1001, '1001', '{}')"
        )
        db.execute(f"UPDATE {table} SET {column} = ?", (value,))
    for argv in (["incidents", "--since", "all"], ["incidents", "--since", "all", "--json"],
                 ["incident", "inc-1"], ["incident", "inc-1", "--json"]):  # fmt: skip
        code = main([*argv, "--db", path])
        out, err = capsys.readouterr()
        assert code in (ExitCode.CLEAN, ExitCode.FOUND) and err == "", (argv, err)
        assert "\x1b" not in out
        if "--json" in argv:
            json.loads(out)


def test_a_padded_command_line_is_cut_in_the_human_views(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sender started with 2,000 arguments of 1,000 characters each (argv padding is the
    sender's own choice): `check` and `incident ID` printed the whole 2 MB command line on
    one line, and the daemon's journal block too. The human views cut it and say by how
    much; `--json` keeps every argument."""
    import dataclasses

    from spamtrace.cli.main import main

    path = str(tmp_path / "s.db")
    s = Store(path)
    argv = ("python3", "s.py", *["A" * 1000] * 2000)
    padded = dataclasses.replace(inc(1, time.time()), cmdline=argv)
    assert s.submit(ev(time.time()), padded)
    s.close()
    assert main(["incident", "inc-1", "--db", path]) == 0
    out = capsys.readouterr().out
    assert len(out) < 20_000 and "2002 arguments" in out and "--json" in out
    assert main(["incident", "inc-1", "--db", path, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["incident"]["cmdline"]) == 2002


@pytest.mark.parametrize("text", ["", " ", "\t"])
def test_an_empty_since_is_a_usage_error(text: str) -> None:
    """`--since ""` (an unset shell variable: `--since "$WHEN"`) was read as `all` and listed
    the whole store (or read every mail log) unasked: it is a usage error, as any value that
    names no time."""
    with pytest.raises(UsageError, match="--since: empty"):
        parse_since(text, time.time())


@pytest.mark.parametrize("command", ["incidents", "mail"])
def test_an_empty_since_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    from spamtrace.cli.main import main

    path = str(tmp_path / "s.db")
    Store(path).close()
    log = tmp_path / "mainlog"
    log.write_text("")
    extra = ["--db", path] if command == "incidents" else ["--exim-log", str(log), "--no-queue"]
    assert main([command, "--since", "", *extra]) == ExitCode.USAGE
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "--since: empty" in err, err


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
@pytest.mark.parametrize("command", ["incidents", "mail"])
def test_a_since_in_the_future_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, json_flag: list[str]
) -> None:
    """`--since 2030-01-01` answered "no incidents since 2030-01-01..." as if nothing had
    happened: a time after now finds nothing whatever the store holds, and a note on stderr
    says so; the exit code is the one of an empty result (0)."""
    from spamtrace.cli.main import main

    path = str(tmp_path / "s.db")
    s = Store(path)
    assert s.submit(ev(time.time()), inc(1, time.time()))
    s.close()
    log = tmp_path / "mainlog"
    log.write_text("")
    extra = ["--db", path] if command == "incidents" else ["--exim-log", str(log), "--no-queue"]
    code = main([command, "--since", "9000-01-01", *extra, *json_flag])
    out, err = capsys.readouterr()
    assert code == ExitCode.CLEAN, (out, err)
    assert err.count("\n") == 1 and "note: --since 9000-01-01T00:00:00.000Z is in the future" in err
    if json_flag:
        json.loads(out)
    assert main([command, "--since", "1h", *extra, *json_flag]) in (0, 1)
    assert "future" not in capsys.readouterr().err


def test_an_incident_id_is_found_in_any_case(tmp_path: Path) -> None:
    """`incident INC-3FA9` (or `3FA9C0B1D2E4` in full) said "no incident": ids are lower-case
    hex, and neither the `inc-` prefix nor the exact match ignored the case."""
    path = str(tmp_path / "s.db")
    s = Store(path)
    assert s.submit(ev(time.time(), incident="inc-3fa9c0b1d2e4"),
                    inc(1, time.time(), ident="inc-3fa9c0b1d2e4"))  # fmt: skip
    assert s.submit(ev(time.time(), incident="inc-3fb000000000"),
                    inc(1, time.time(), ident="inc-3fb000000000"))  # fmt: skip
    s.close()
    with StoreReader(path) as reader:
        for ident in ("INC-3FA9", "Inc-3fA9c0", "INC-3FA9C0B1D2E4", "3FA9C0B1D2E4", "3fa9"):
            found = reader.incident(ident)
            assert found is not None and found.id == "inc-3fa9c0b1d2e4", ident
        with pytest.raises(UsageError, match="ambiguous"):
            reader.incident("INC-3F")
