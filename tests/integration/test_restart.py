"""A watcher killed with kill -9 and started again loses no connect attempt: the new one takes
over the dead one's tracefs ring buffer, which went on recording meanwhile."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from test_watch import TRACEFS_INSTANCES, incidents_for, instance_of, wait_connections, watching
from world import World


def test_kill_9_and_restart_loses_no_connection(world: World, tmp_path: Path) -> None:
    # a port of its own: the bursts other tests send to 2599 on a shared host stay out of the
    # kernel filter (a flood can overrun any ring buffer)
    port = str(random.randint(30000, 39999))
    env = {"SPAMTRACE_SMTP_PORTS": f"[{port}]"}
    assert world.uid is not None
    count = 400
    with watching(tmp_path, env=env) as first:
        script = world.install_payload("paced-connect.py")
        # the sender lives until the second watcher runs (its stdin is closed then), so that
        # every attempt can be attributed; one that exits while no watcher runs is counted,
        # but by its destination only (test_a_sender_gone_before_the_restart_is_not_lost)
        sender = world.spawn_as_user(
            ["python3", script.name, world.mx_ip, port, str(count), "0.01", "hold"],
            stdin=subprocess.PIPE,
        )
        # the sender runs (the first watcher printed one of its attempts; a fixed second
        # could pass before a busy machine started it, and then no attempt would have been
        # made while nobody watched)
        remote = f"{world.mx_ip}:{port}"
        deadline = time.monotonic() + 30
        while not any(json.loads(x).get("remote") == remote for x in list(first._raw)):
            assert time.monotonic() < deadline and first.proc.poll() is None, "no attempt seen"
            time.sleep(0.05)
        # killed mid-run: what it had read but not stored is recovered from its journal
        os.kill(first.pid, signal.SIGKILL)
        first.proc.wait(timeout=10)
        time.sleep(1.0)  # nobody watching: only the dead watcher's buffers record
        dead = instance_of(first.pid)
        assert dead.is_dir()
        with watching(tmp_path, env=env) as second:
            notes = " ".join(second.status.get("notes", []))
            assert "capture gap" not in notes, notes  # the buffer closed it
            assert f"took over the trace buffer of watcher pid {first.pid}" in notes, notes
            out, err = sender.communicate(timeout=60)
            assert len(out.split()) == count, err
            wait_connections(second.db, world.uid, count, timeout=60)
            assert not dead.exists()
            second.stop()
    total = sum(i["connections"] for i in incidents_for(second.db, world.uid))
    tp = second.summary()["tracepoint"]
    stored = _events_to(second.db, f"{world.mx_ip}:{port}")
    # none lost or twice, and every one attributed to the sender's user
    # (a string: pytest cuts a long tuple's repr, and CI shows only what it prints)
    why = f"stored {stored}, tracepoint {tp}, notes: {notes}, stderr: {second.stderr[-2000:]}"
    assert stored == {world.uid: count}, why
    assert total == count, f"{total} in incidents; {why}"
    assert tp["taken_over"] > 0


def test_a_sender_gone_before_the_restart_is_not_lost(world: World, tmp_path: Path) -> None:
    """A sender that starts, connects and exits while no watcher runs: the next start takes
    its attempts over from the dead watcher's buffer, and stores them all. Who made them is
    unknown (its exec came while nobody listened), and the records say so."""
    port = str(random.randint(30000, 39999))
    env = {"SPAMTRACE_SMTP_PORTS": f"[{port}]"}
    count = 30
    with watching(tmp_path, env=env) as first:
        os.kill(first.pid, signal.SIGKILL)
        first.proc.wait(timeout=10)
        script = world.install_payload("paced-connect.py")
        out, err = world.spawn_as_user(
            ["python3", script.name, world.mx_ip, port, str(count), "0"]
        ).communicate(timeout=60)
        assert len(out.split()) == count, err
        with watching(tmp_path, env=env) as second:
            notes = " ".join(second.status.get("notes", []))
            assert f"{count} connect attempt(s) it recorded while no watcher ran" in notes, notes
            deadline = time.monotonic() + 30
            while sum(_events_to(second.db, f"{world.mx_ip}:{port}").values()) < count:
                assert time.monotonic() < deadline, _events_to(second.db, f"{world.mx_ip}:{port}")
                time.sleep(0.2)
            second.stop()
    assert _events_to(second.db, f"{world.mx_ip}:{port}") == {None: count}
    assert "capture gap" not in notes, notes  # capture was continuous; attribution was not
    methods = {e["attribution"] for e in second.lines if e.get("remote") == f"{world.mx_ip}:{port}"}
    assert methods == {"none"}, methods


def _kept_by_a_stopped_watcher(port: int, store: str) -> Path:
    """The instance (and journal) a watcher of ``store`` left recording at its stop, under
    the pid of a process that has exited; its path."""
    from spamtrace.sources.tracefs import TracefsSource, instance_tag

    gone = subprocess.Popen(["true"])
    gone.wait()
    name = f"spamtrace-{gone.pid}-{instance_tag(store)}"
    first = TracefsSource([port], owner=store, instance=name)
    first.close(keep=True)
    assert first.path.is_dir()
    return first.path


def _events_to(db: Path, remote: str) -> dict[int | None, int]:
    """uid -> how many events the store holds towards ``remote``."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT uid, count(*) FROM events WHERE remote = ? GROUP BY uid", (remote,)
        ).fetchall()
    finally:
        con.close()
    return {uid: int(n) for uid, n in rows}


def test_a_death_without_a_buffer_left_reports_the_gap(world: World, tmp_path: Path) -> None:
    with watching(tmp_path) as first:
        os.kill(first.pid, signal.SIGKILL)
        first.proc.wait(timeout=10)
        for inst in TRACEFS_INSTANCES.glob(f"spamtrace-{first.pid}-*"):  # and its journal
            (inst / "events/sock/inet_sock_set_state/enable").write_text("0")
            inst.rmdir()  # the buffers are gone (as after a reboot)
        with watching(tmp_path) as second:
            notes = " ".join(second.status.get("notes", []))
            second.stop()
    assert "capture gap: the previous watcher of this store" in notes, notes
    assert "did not stop cleanly" in notes and "took over" not in notes


def test_a_clean_stop_reports_no_gap(tmp_path: Path) -> None:
    with watching(tmp_path) as first:
        assert first.stop() in (0, 1)
    with watching(tmp_path) as second:
        notes = " ".join(second.status.get("notes", []))
        second.stop()
    assert "did not stop cleanly" not in notes and "took over" not in notes
    # ... but the window between the stop and this start is said: nothing was watched then
    window = r"not watched for \d+(?:\.\d)? s before this start: the previous watcher of this "
    assert re.search(window + r"store \(pid \d+\) stopped cleanly at \d{4}-", notes), notes


def test_a_kept_buffer_is_taken_over_by_the_next_start(world: World, tmp_path: Path) -> None:
    """close(keep=True) (the daemon's stop) leaves the instance recording; the next source of
    the same store reads what it recorded meanwhile and removes it."""
    from spamtrace.sources.tracefs import TracefsSource

    port = random.randint(30000, 39999)
    store = str(tmp_path / "s.db")
    kept = _kept_by_a_stopped_watcher(port, store)
    script = world.install_payload("paced-connect.py")
    out, _ = world.spawn_as_user(
        ["python3", script.name, world.mx_ip, str(port), "5", "0"]
    ).communicate(timeout=60)
    assert len(out.split()) == 5
    second = TracefsSource([port], owner=store)
    try:
        (report,) = second.taken_over
        assert report.events == 5 and report.lost == 0
        assert [e.remote.port for e in second.read_events()] == [port] * 5
        assert not kept.exists()
    finally:
        second.close()
    assert not second.path.exists()


def test_an_attempt_while_the_dead_journal_still_records_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The takeover stops the dead reader's instance first and its journal a moment later: an
    attempt made in between is in the journal (not stored: "in flight") and in the new
    instance. It is one attempt, reported once (a CI run counted it twice)."""
    from spamtrace.sources import tracefs
    from spamtrace.sources.tracefs import JOURNAL_SUFFIX, TracefsSource

    port = random.randint(30000, 39999)
    store = str(tmp_path / "s.db")
    _kept_by_a_stopped_watcher(port, store)  # its instance and its journal go on recording
    drain = TracefsSource._drain_instance

    def attempt_then_drain(self: TracefsSource, path: Path) -> object:
        if path.name.endswith(JOURNAL_SUFFIX):  # the reader is stopped, the journal not yet
            time.sleep(0.05)  # as a busy machine may run something else here
            with socket.socket() as s:
                s.setblocking(False)
                with contextlib.suppress(OSError):
                    s.connect(("127.0.0.1", port))
        return drain(self, path)

    monkeypatch.setattr(tracefs.TracefsSource, "_drain_instance", attempt_then_drain)
    second = TracefsSource([port], owner=store, stored_keys=lambda since: set())
    try:
        (report,) = second.taken_over
        assert report.in_flight == 1, report
        deadline = time.monotonic() + 5
        seen: list[object] = []
        while time.monotonic() < deadline:
            seen += [e for e in second.read_events() if e.remote.port == port]
            time.sleep(0.1)
        assert len(seen) == 1, seen
    finally:
        second.close()
