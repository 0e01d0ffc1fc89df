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
