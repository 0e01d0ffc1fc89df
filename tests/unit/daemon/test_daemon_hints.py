"""What the lines that say "no daemon" or "another daemon" tell the admin to run: `systemctl`
only where systemd is PID 1. On a host booted otherwise (a container, SysV init, OpenRC)
`systemctl start spamtrace` answers "System has not been booted with systemd as init system"."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from spamtrace.errors import UsageError
from spamtrace.service import units
from spamtrace.service.control import ControlServer, NoDaemon, query
from spamtrace.service.instance import AlreadyRunning, InstanceLock


@pytest.fixture(params=[True, False], ids=["systemd", "other-init"])
def systemd(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    running: bool = request.param
    monkeypatch.setattr(units, "systemd_running", lambda: running)
    return running


def test_no_daemon_says_how_to_start_it_on_this_host(tmp_path: Path, systemd: bool) -> None:
    with pytest.raises(NoDaemon) as caught:
        query(str(tmp_path / "none.sock"), {"command": "status"})
    text = str(caught.value)
    assert text.startswith("no spamtrace daemon is running")
    if systemd:
        assert "`systemctl start spamtrace` (once: `spamtrace service install`)" in text
    else:
        assert "systemctl start" not in text.replace("so `systemctl start spamtrace` cannot", "")
        assert "start `spamtrace daemon` from your init system" in text
        assert "systemd is not running here" in text


def test_a_second_watcher_of_a_store_is_told_how_to_stop_the_first(
    tmp_path: Path, systemd: bool
) -> None:
    store = str(tmp_path / "s.db")
    first = InstanceLock(store)
    try:
        with pytest.raises(AlreadyRunning) as caught:
            InstanceLock(store)
    finally:
        first.release()
    text = str(caught.value)
    assert f"pid {os.getpid()}" in text
    if systemd:
        assert "`systemctl stop spamtrace` for the daemon" in text
    else:
        assert "systemctl" not in text
        assert f"`kill {os.getpid()}`: a clean stop" in text


def test_a_second_daemon_on_a_socket_is_told_how_to_stop_the_first(
    tmp_path: Path, systemd: bool
) -> None:
    path = str(tmp_path / "ctl.sock")
    listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listening.bind(path)
    listening.listen(4)
    stop = threading.Event()

    def accept() -> None:
        listening.settimeout(0.1)
        while not stop.is_set():
            try:
                listening.accept()[0].close()
            except OSError:
                continue

    t = threading.Thread(target=accept)
    t.start()
    try:
        with pytest.raises(UsageError) as caught:
            ControlServer(path, lambda req: {})
    finally:
        stop.set()
        t.join()
        listening.close()
    text = str(caught.value)
    assert text.startswith(f"another spamtrace daemon answers on {path}")
    assert ("systemctl stop spamtrace" in text) is systemd


def test_status_says_a_daemon_whose_socket_is_gone_still_runs(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    systemd: bool,
) -> None:
    """The socket removed (by hand, a cleanup of /run) while the daemon runs: `status` said
    "no spamtrace daemon is running ...; start it", and a start was refused (the store in
    use). It now names the daemon that holds the store and how to restart it."""
    import json
    import subprocess
    import sys
    import time

    from spamtrace.cli.main import main

    store = tmp_path / "s.db"
    monkeypatch.setenv("SPAMTRACE_STORE_PATH", str(store))
    sock = str(tmp_path / "ctl.sock")
    # a process whose command line reads as `spamtrace daemon`
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "daemon"])
    try:
        for _ in range(500):  # /proc/PID/cmdline may read empty just after the exec
            if b"daemon" in Path(f"/proc/{proc.pid}/cmdline").read_bytes():
                break
            time.sleep(0.01)
        now = time.time()
        lock = tmp_path / "s.db.lock"
        lock.write_text(f"{proc.pid} {now - 100:.3f} {now - 2:.3f}\n")
        assert main(["status", "--socket", sock]) == 3
        err = capsys.readouterr().err
        assert err.startswith(
            f"spamtrace: error: the spamtrace daemon (pid {proc.pid}) holds the store {store} "
            f"but cannot be asked: its control socket {sock} is gone"
        ), err
        how = "`systemctl restart spamtrace`" if systemd else f"`kill {proc.pid}`, then start it"
        assert err.endswith(f"restart it to ask it again ({how})\n") and "start it with" not in err
        assert main(["status", "--json", "--socket", sock]) == 3
        doc = json.loads(capsys.readouterr().out)
        assert doc["running"] is None and doc["error"].startswith("the spamtrace daemon (pid")
        # a clean stop recorded, or a heartbeat minutes old: no daemon, as before
        for text in (f"{proc.pid} {now - 100:.3f} {now - 2:.3f} {now - 1:.3f}\n",
                     f"{proc.pid} {now - 900:.3f} {now - 600:.3f}\n"):  # fmt: skip
            lock.write_text(text)
            assert main(["status", "--socket", sock]) == 3
            assert "no spamtrace daemon is running" in capsys.readouterr().err
    finally:
        proc.kill()
        proc.wait()
    lock.write_text(f"{proc.pid} {now - 100:.3f} {time.time():.3f}\n")  # the pid has ended
    assert main(["status", "--socket", sock]) == 3
    assert "no spamtrace daemon is running" in capsys.readouterr().err


def test_status_says_event_lines_that_could_not_be_written(tmp_path: Path) -> None:
    """The event file on a full disk: each line failed, counted for the metrics alone; with
    them off (or unread) lines were lost and `status` and the journal said nothing. `status`
    now has the lines not written per output, with the last reason."""
    from spamtrace import config
    from spamtrace.render.status import status_lines
    from spamtrace.service import plugins
    from spamtrace.service.daemon import Daemon
    from spamtrace.service.engine import EngineOptions
    from spamtrace.sinks.events import open_stream

    path = tmp_path / "spamtrace.toml"
    events = tmp_path / "events.json"
    path.write_text(f'[events]\npath = "{events}"\n[metrics]\nlisten = ""\n')
    d = Daemon(
        config.load(config_file=str(path)), EngineOptions(store_path=None, nflog=False, scan=False),
        config_file=str(path), socket_path=str(tmp_path / "c.sock"),
        firewall_state_dir=str(tmp_path / "fw"),
    )  # fmt: skip
    try:
        assert plugins.event_stream(d.engine) is None  # run() adds the plug-ins: as it does
        made = open_stream(str(events), False, "")
        assert made is not None
        d.engine.subscribers.append(made)
        stream = plugins.event_stream(d.engine)
        assert stream is made
        stream.emit({"message": "written"})
        assert d.status()["event_stream"]["outputs"]["file"]["failed"] == 0
        assert not any("event out:" in x for x in status_lines(d.status()))
        full = os.open("/dev/full", os.O_WRONLY)
        try:
            os.dup2(full, stream.writers[0]._fd)  # type: ignore[attr-defined]
        finally:
            os.close(full)
        stream.emit({"message": "lost"})
        stream.emit({"message": "lost too"})
        doc = d.status()
    finally:
        d.engine.close()
    assert doc["event_stream"] == {
        "lines": 3,
        "outputs": {"file": {"path": str(events), "failed": 2,
                             "last_error": "No space left on device"}},
    }  # fmt: skip
    assert (
        f"  event out:  2 of 3 NOT written to the file output ({events}): No space left on device"
        in status_lines(doc)
    )


def test_the_journal_says_when_the_event_file_fails_and_writes_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full disk under the event file: the journal said nothing while its lines were lost.
    It now says the first failure (warning) and the first line written after (notice), once
    each, not a line per lost line."""
    from spamtrace.sinks.events import open_stream

    events = tmp_path / "events.json"
    stream = open_stream(str(events), False, "")
    assert stream is not None
    posted: list[object] = []
    stream.post = posted.append
    stream.emit({"message": "written"})
    assert posted == []
    writer = stream.writers[0]
    kept = os.dup(writer._fd)  # type: ignore[attr-defined]
    full = os.open("/dev/full", os.O_WRONLY)
    os.dup2(full, writer._fd)  # type: ignore[attr-defined]
    os.close(full)
    for _ in range(3):
        stream.emit({"message": "lost"})
    os.dup2(kept, writer._fd)  # type: ignore[attr-defined]
    os.close(kept)
    stream.emit({"message": "written again"})
    stream.emit({"message": "and again"})
    stream.close()
    _said_failing_then_ok(
        posted,
        capsys,
        f"event file FAILING: {events}: No space left on device; its lines are lost meanwhile",
        f"event file ok: {events}: writing again (3 line(s) lost so far)",
    )


def test_the_journal_says_when_the_syslog_output_fails_and_sends_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The syslog output's lost lines (its reader gone) were counted in `status` alone, while
    the event file's got a journal line: they now get the same two, once each."""
    import socket

    from spamtrace.sinks.events import SyslogSender, open_stream

    path = tmp_path / "log"
    reader = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    reader.bind(str(path))
    stream = open_stream("", True, str(path))
    assert stream is not None
    (writer,) = stream.writers
    assert isinstance(writer, SyslogSender)
    posted: list[object] = []
    stream.post = posted.append

    def emit(message: str) -> None:
        stream.emit({"message": message})
        assert writer.flush()

    try:
        emit("sent")
        emit("sent")
        reader.close()
        path.unlink()  # the reader gone (journald stopped)
        for _ in range(3):
            emit("lost")
        assert posted and len(posted) == 1
        reader = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        reader.bind(str(path))
        emit("sent again")
        emit("and again")
        emit("and again")
    finally:
        stream.close()
        reader.close()
    _said_failing_then_ok(
        posted,
        capsys,
        f"syslog output FAILING: {path}: No such file or directory; its lines are lost meanwhile",
        f"syslog output ok: {path}: sending again (3 line(s) lost so far)",
    )


def test_any_output_of_the_stream_says_its_own_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The stream asked the event file's and the syslog output's state by testing the
    writer's class, so an output of another class (a plug-in's) lost its lines unsaid. Each
    output now says its own change of state (``state_change``), published as
    EventOutputFailing whatever it writes to."""
    from spamtrace.sinks.events import EventStream

    class Pipe:
        """An output that loses the lines it is given while ``broken``."""

        name = "pipe"

        def __init__(self) -> None:
            self.errors = 0
            self.broken = False
            self._failing = False

        def write(self, line: str, warning: bool = False) -> None:
            self.errors += self.broken

        def state_change(self) -> tuple[bool, str] | None:
            if self.broken == self._failing:
                return None
            self._failing = self.broken
            if self.broken:
                return True, "pipe FAILING: broken"
            return False, f"pipe ok: {self.errors} line(s) lost so far"

        def reopen(self) -> None: ...

        def close(self) -> None: ...

    pipe = Pipe()
    stream = EventStream([pipe], host="web1")
    posted: list[object] = []
    stream.post = posted.append
    stream.emit({"message": "out"})
    pipe.broken = True
    for _ in range(3):
        stream.emit({"message": "lost"})
    pipe.broken = False
    stream.emit({"message": "out again"})
    stream.emit({"message": "and again"})
    _said_failing_then_ok(posted, capsys, "pipe FAILING: broken", "pipe ok: 3 line(s) lost so far")


def _said_failing_then_ok(
    posted: list[object], capsys: pytest.CaptureFixture[str], failing: str, ok: str
) -> None:
    """The output posted two messages, its failure then its recovery, with these reasons,
    and the journal wrote each once."""
    from spamtrace.service.bus import EventOutputFailing
    from spamtrace.service.daemon import JournalLog

    assert [type(m) for m in posted] == [EventOutputFailing, EventOutputFailing]
    first, second = posted
    assert isinstance(first, EventOutputFailing) and isinstance(second, EventOutputFailing)
    assert first.failing and not second.failing
    assert (first.reason, second.reason) == (failing, ok)
    log = JournalLog()
    for m in posted:
        log.handle(m)  # type: ignore[arg-type]
    err = capsys.readouterr().err.splitlines()
    assert err == [f"spamtrace: {failing}", f"spamtrace: {ok}"]


def test_an_older_engine_that_takes_no_store_lock_is_refused_too(tmp_path: Path) -> None:
    """The spamtrace of 2026-11-28 ran `watch` with no store lock: after an upgrade the new
    daemon started beside it on the same store (`service install` while the old `watch` ran
    in a terminal), migrated it under it, and both wrote: 300 events for 180 connects, the
    incident's counts overwritten by each in turn. A `watch` or `daemon` that holds the store
    open is now refused like one that holds the lock."""
    import subprocess
    import sys

    store = tmp_path / "spamtrace.db"
    store.write_bytes(b"")
    code = (
        "import sys, time; f = open(sys.argv[1], 'rb'); print('open', flush=True); time.sleep(60)"
    )
    # argv as the old engine's: `spamtrace ... watch`
    old = subprocess.Popen([sys.executable, "-c", code, str(store), "watch"],
                           stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert old.stdout is not None and old.stdout.readline().strip() == "open"
        with pytest.raises(AlreadyRunning) as caught:
            InstanceLock(str(store))
        text = caught.value.message
        assert f"in use by spamtrace watch (pid {old.pid}), which takes no store lock" in text
        assert f"kill {old.pid}" in text or "systemctl stop" in text
    finally:
        old.kill()
        old.wait()
    InstanceLock(str(store)).release()  # gone: the start goes on


def test_status_of_a_daemon_that_does_not_answer_says_what_to_do(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    systemd: bool,
) -> None:
    """A daemon stopped (kill -STOP) or stuck: the kernel takes the connection on its socket,
    nothing answers, and `status` said only "did not answer within 5 s". It now says the
    daemon runs, how to resume a stopped one, where its log is and how to restart it."""
    import functools
    import json

    from spamtrace.cli.main import main
    from spamtrace.service import control

    monkeypatch.setenv("SPAMTRACE_STORE_PATH", str(tmp_path / "s.db"))
    monkeypatch.setattr(control, "query", functools.partial(control.query, timeout=0.2))
    sock = str(tmp_path / "ctl.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(sock)
        server.listen(4)  # never accepted: a stopped daemon's socket
        assert main(["status", "--socket", sock]) == 3
        err = capsys.readouterr().err
        assert err.startswith(
            f"spamtrace: error: the daemon at {sock} did not answer within 0.2 s: it runs but is "
            "busy, stuck or stopped (SIGSTOP: `kill -CONT PID` resumes it); "
        ), err
        log = "`journalctl -u spamtrace`" if systemd else "its output"
        how = "`systemctl restart spamtrace`" if systemd else "`kill PID`, then start it"
        assert err.endswith(f"{log} says what it does; if it stays so, restart it ({how})\n")
        assert main(["status", "--json", "--socket", sock]) == 3
        doc = json.loads(capsys.readouterr().out)
        assert doc["running"] is False and "kill -CONT" in doc["error"]
    finally:
        server.close()
