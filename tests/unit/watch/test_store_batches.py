"""The store's writer: a batch is one transaction sent to SQLite in a few statements (not two
per event), every event linked to its incident, nothing of a failed batch kept."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from test_watch_store import ev, inc

from spamtrace.sinks.store import Store, StoreReader


class _Counting:
    """The store's connection, counting the statements sent to SQLite."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.calls: list[str] = []

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self.calls.append(sql.split()[0])
        return self.db.execute(sql, *args)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        self.calls.append(sql.split()[0])
        return self.db.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_a_batch_goes_to_sqlite_in_a_few_statements_not_two_per_event(tmp_path: Path) -> None:
    """The writer thread is what a flood waits on: it sent each event's row and its link to
    the incident as two statements (4,000 for a batch of 2,000, ~12,000 rows a second on the
    test VM). The rows now go as one executemany and the links as one INSERT ... SELECT."""
    store = Store(str(tmp_path / "s.db"), start_writer=False)
    counting = _Counting(store._db)
    store._db = counting  # type: ignore[assignment]
    batch = [(ev(1000.0 + i, pid=i), None) for i in range(1999)]
    store.write_now([*batch, (ev(2999.0), inc(2000, 2999.0))])
    assert len(counting.calls) <= 8, counting.calls
    store._db = counting.db
    store.close()
    with StoreReader(str(tmp_path / "s.db")) as r:
        assert r.count_events_of("inc-1") == 2000
        assert [e.pid for e in r.events_of("inc-1")][:3] == [0, 1, 2]
        (one,) = r.incidents()
        assert one.connections == 2000


def test_each_event_is_linked_to_its_own_incident_across_batches(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    store = Store(path, start_writer=False)
    store.write_now([(ev(1.0, "inc-a"), inc(1, 1.0, "inc-a")), (ev(2.0, None), None)])
    details = {"tid": 7, "parents": [{"pid": 1, "name": "init"}], "notes": ["n"]}
    store.write_now([
        (ev(3.0, "inc-b", details=details), None),
        (ev(4.0, "inc-a", details={}), inc(2, 4.0, "inc-a")),
        (ev(5.0, None), None),
        (ev(6.0, "inc-b", details=details), inc(2, 6.0, "inc-b")),
    ])  # fmt: skip
    store.apply_retention(now=1.0 + 90 * 86400.0 + 1.5)  # the oldest two deleted by age
    store.write_now([(ev(7.0 + 90 * 86400.0, "inc-a"), None)])
    store.close()
    with StoreReader(path) as r:
        assert [e.wall for e in r.events_of("inc-b")] == [3.0, 6.0]
        assert r.events_of("inc-b")[0].details == details  # the parents' JSON made once
        assert [e.wall for e in r.events_of("inc-a")] == [4.0, 7.0 + 90 * 86400.0]
        assert r.events_of("inc-a")[0].details == {}
    db = sqlite3.connect(path)
    links = db.execute("SELECT count(*) FROM incident_events").fetchone()[0]
    named = db.execute("SELECT count(*) FROM events WHERE incident_id IS NOT NULL").fetchone()
    assert links == named[0]
    db.close()


def test_a_batch_refused_half_way_leaves_nothing_of_itself(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    store = Store(path, start_writer=False)
    store.write_now([(ev(1.0), inc(1, 1.0))])
    # NOT NULL: refused at that row, after the rows before it
    bad = replace(ev(3.0), wall=None)  # type: ignore[arg-type]
    store.write_now([(ev(2.0), None), (bad, None), (ev(4.0), inc(3, 4.0))])
    assert store.health().lost == 3
    store.close()
    with StoreReader(path) as r:
        assert [e.wall for e in r.events_of("inc-1")] == [1.0]
        assert r.incidents()[0].connections == 1
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM incident_events").fetchone()[0] == 1
    db.close()


WRITER = """import sys
sys.path[:0] = sys.argv[2:]
from spamtrace.sinks.store import Store
from test_watch_store import ev, inc
store = Store(sys.argv[1], start_writer=False)
print("ready", flush=True)
n = 0
while True:
    batch = [(ev(float(n + i)), None) for i in range(499)]
    store.write_now([*batch, (ev(n + 499.0), inc(n + 500, n + 499.0))])
    n += 500
"""


def test_a_writer_killed_mid_batch_leaves_whole_batches_and_a_sound_file(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    here = str(Path(__file__).parent)
    src = str(Path(sys.modules["spamtrace"].__file__ or "").parent.parent)
    for delay in (0.3, 0.7):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, path, here, src],
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        events = db.execute("SELECT count(*) FROM events").fetchone()[0]
        assert events > 0 and events % 500 == 0, events
        assert db.execute("SELECT count(*) FROM incident_events").fetchone()[0] == events
        db.close()
