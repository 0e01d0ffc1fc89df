"""A valid store read where nothing may be written: a read-only filesystem (a real read-only
bind mount) and a non-root user who may read the file but not write its directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from stcli import spamtrace

import spamtrace as spamtrace_pkg
from spamtrace.sinks.store import EventRecord, EventType, IncidentRecord, Store


def _make_store(path: str) -> None:
    now = time.time()
    s = Store(path, start_writer=False)
    event = EventRecord(
        type=EventType.CONNECT_ATTEMPTED, wall=now, pid=1, start_time=1.0, uid=1001, gid=1001,
        user="u", account="u", exe="/usr/bin/php", cwd="/home/u", cmdline=("php",), scripts=(),
        local="10.0.0.1:1", remote="10.0.0.2:25", verdict="suspicious", reasons=("r",),
        method="tracepoint", blocked=False, incident_id="inc-ab12", source="tracepoint",
    )  # fmt: skip
    incident = IncidentRecord(
        id="inc-ab12", verdict="suspicious", uid=1001, user="u", account="u", account_kind=None,
        home=None, exe="/usr/bin/php", cwd="/home/u", scripts=(), cmdline=("php",),
        connections=1, blocked=0, destinations=("10.0.0.2:25",), pids=(1,), first_seen=now,
        last_seen=now, rate_per_minute=1.0, reasons=("r",), methods={}, advice=(), process={},
    )  # fmt: skip
    s.write_now([(event, incident)])
    s.close()


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory other users can enter (pytest's tmp_path is root's only)."""
    path = Path(tempfile.mkdtemp(prefix="spamtrace-ro-"))
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path / "ro")], capture_output=True)
        shutil.rmtree(path, ignore_errors=True)


def test_store_on_a_read_only_filesystem_is_readable(shared_dir: Path) -> None:
    ro = shared_dir / "ro"
    ro.mkdir()
    _make_store(str(ro / "s.db"))
    subprocess.run(["mount", "--bind", str(ro), str(ro)], check=True)
    subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], check=True)
    res = spamtrace("incidents", "--since", "all", "--json", "--db", str(ro / "s.db"))
    assert res.returncode in (0, 1), res.stderr
    assert "not a usable SQLite database" not in res.stderr
    assert [i["id"] for i in json.loads(res.stdout)["incidents"]] == ["inc-ab12"]
    res = spamtrace("incident", "ab1", "--json", "--db", str(ro / "s.db"))
    assert res.returncode == 0, res.stderr


def test_store_readable_by_a_non_root_user_with_read_access(shared_dir: Path) -> None:
    db = shared_dir / "s.db"
    _make_store(str(db))
    os.chmod(db, 0o644)  # readable, in a directory only root may write
    # the user runs the system Python with a copy of the package it can read
    pkg = shared_dir / "lib" / "spamtrace"
    shutil.copytree(Path(spamtrace_pkg.__file__).parent, pkg)
    subprocess.run(["chmod", "-R", "a+rX", str(shared_dir / "lib")], check=True)
    code = (
        "from spamtrace.sinks.store import StoreReader\n"
        f"r = StoreReader({str(db)!r})\n"
        "print(r.immutable, [i.id for i in r.incidents()])\n"
    )
    res = subprocess.run(
        ["runuser", "-u", "nobody", "--", "/usr/bin/python3", "-c", code],
        env={"PYTHONPATH": str(shared_dir / "lib"), "PATH": os.environ["PATH"]},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["True", "['inc-ab12']"]
    assert not (shared_dir / "s.db-shm").exists()
