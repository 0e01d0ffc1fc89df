"""The daemon's parts without root: control socket, one instance per store, reload, status,
the firewall check and the confirmed policy (with a fake backend), the systemd units."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from spamtrace.actions.firewall import transaction
from spamtrace.cli.main import main
from spamtrace.config import Config
from spamtrace.errors import UsageError
from spamtrace.render.status import status_lines
from spamtrace.service.bus import (
    CaptureGap,
    ConfigReloaded,
    FirewallChecked,
    FirewallState,
    Message,
)
from spamtrace.service.control import ControlServer, NoDaemon, query
from spamtrace.service.daemon import Daemon, JournalLog
from spamtrace.service.engine import EngineOptions
from spamtrace.service.firewall_check import FirewallMonitor
from spamtrace.service.instance import AlreadyRunning, InstanceLock
from spamtrace.service.units import MARKER, UNITS, executable, render_unit


# ------------------------------------------------------------------------- control socket
def _serve(server: ControlServer, stop: threading.Event) -> None:
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(server.fileno(), selectors.EVENT_READ)
    while not stop.is_set():
        if sel.select(0.05):
            server.serve()
    sel.close()


def test_a_socket_folder_that_is_a_file_is_said_so(tmp_path: Path) -> None:
    """`socket = "/etc/spamtrace.toml/x.sock"` said "File exists", then "a part of it is not
    a folder" (which part?) as a runtime failure (exit 3), where a missing folder is a usage
    error (exit 2). Now a usage error naming the option, the key and the part that is a file;
    `status` asking there says the same instead of the errno text "Not a directory"."""
    from spamtrace.service.control import NoDaemon, query

    afile = tmp_path / "afile"
    afile.touch()
    for folder, problem in (
        (afile, f"not a folder: '{afile}'"),
        (afile / "sub", f"not a folder: '{afile}/sub' ('{afile}' is a file)"),
    ):
        with pytest.raises(UsageError) as err:
            ControlServer(str(folder / "c.sock"), lambda req: {})
        assert err.value.message == (
            f"control socket ([daemon] socket, --socket): {problem}"
        )
        with pytest.raises(NoDaemon) as gone:
            query(str(folder / "c.sock"), {"command": "status"})
        assert gone.value.message == (
            f"no control socket {folder}/c.sock: {problem} ([daemon] socket, --socket)"
        )


def test_a_missing_socket_folder_is_not_made_but_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`daemon --socket /srv/typo/run/c.sock` (root) made every missing folder of the path
    (`mkdir -p`, the folders above the last one 0755): a typo made folders anywhere. A
    missing folder other than the default runtime one is a usage error (one line, exit 2),
    said before anything starts, and nothing is made."""
    missing = tmp_path / "typo" / "run"
    with pytest.raises(UsageError, match=r"control socket folder .*typo/run does not exist"):
        ControlServer(str(missing / "c.sock"), lambda req: {})
    assert not (tmp_path / "typo").exists()
    if os.geteuid() == 0:  # the daemon refuses to start without root before it looks
        args = ["daemon", "--socket", str(missing / "c.sock"), "--db", str(tmp_path / "s.db")]
        assert main(args) == 2
        out, err = capsys.readouterr()
        assert err.count("\n") == 1 and "does not exist" in err and "started" not in out + err
        assert not (tmp_path / "typo").exists() and not (tmp_path / "s.db").exists()


@pytest.mark.parametrize("command", ["status", "daemon"])
def test_an_empty_socket_is_a_usage_error_not_the_default_one(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tour: `status --socket ""` asked the default daemon (an empty --socket read as not
    given) and said nothing of it; `daemon --socket ""` served the default socket."""
    assert main([command, "--socket", ""]) == 2
    assert capsys.readouterr().err == (
        f"spamtrace: error: {command}: argument --socket: empty (give the control socket's "
        f"path, or leave --socket out for [daemon] socket) (see: spamtrace {command} --help)\n"
    )


def test_only_the_default_socket_folder_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default folder (/run/spamtrace, what the unit's RuntimeDirectory makes) is made
    when missing, mode 0700 as the unit's RuntimeDirectoryMode; never its parents."""
    from spamtrace.service import control

    monkeypatch.setattr(control, "default_folder", lambda: str(tmp_path / "run" / "spamtrace"))
    with pytest.raises(UsageError, match="does not exist"):  # its parent is missing too
        ControlServer(str(tmp_path / "run" / "spamtrace" / "c.sock"), lambda req: {})
    assert not (tmp_path / "run").exists()
    (tmp_path / "run").mkdir()
    server = ControlServer(str(tmp_path / "run" / "spamtrace" / "c.sock"), lambda req: {})
    server.close()
    assert os.stat(tmp_path / "run" / "spamtrace").st_mode & 0o777 == 0o700


def test_control_socket_round_trip_mode_and_cleanup(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir(mode=0o700)
    path = str(tmp_path / "run" / "control.sock")
    server = ControlServer(path, lambda req: {"you_said": req})
    stop = threading.Event()
    t = threading.Thread(target=_serve, args=(server, stop))
    t.start()
    try:
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert os.stat(tmp_path / "run").st_mode & 0o777 == 0o700
        assert query(path, {"command": "status"}) == {"you_said": {"command": "status"}}
        # a second daemon on the same socket is refused while this one answers
        with pytest.raises(UsageError, match="another spamtrace daemon answers"):
            ControlServer(path, lambda req: {})
        # a client that says nothing cannot hold the server
        silent = socket.socket(socket.AF_UNIX)
        silent.connect(path)
        assert query(path, {"command": "status"})["you_said"] == {"command": "status"}
        silent.close()
        # garbage is answered with an error, not a crash
        raw = socket.socket(socket.AF_UNIX)
        raw.connect(path)
        raw.sendall(b"\xff\xfenot json\n")
        assert "bad request" in json.loads(raw.recv(4096))["error"]
        raw.close()
    finally:
        stop.set()
        t.join()
        server.close()
    assert not os.path.exists(path)
    with pytest.raises(NoDaemon, match="no spamtrace daemon is running"):
        query(path, {"command": "status"})


def test_status_under_a_broken_config_asks_the_socket_that_config_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # it asked the built-in /run/spamtrace/control.sock: "no spamtrace daemon is running"
    # while the daemon (which kept its old config) answered on the configured socket
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "none.d"))
    path = str(tmp_path / "ctl.sock")
    cfg = tmp_path / "spamtrace.toml"
    cfg.write_text(f'[daemon]\nsocket = "{path}"\n[smtp]\nportz = [25]\n')
    server = ControlServer(path, lambda req: {"schema": "spamtrace.status/1", "pid": 42})
    stop = threading.Event()
    t = threading.Thread(target=_serve, args=(server, stop))
    t.start()
    try:
        assert main(["--config", str(cfg), "status", "--json"]) == 2
    finally:
        stop.set()
        t.join()
        server.close()
    out, err = capsys.readouterr()
    assert json.loads(out)["pid"] == 42
    assert "smtp.portz" in err and "asked anyway" in err


def test_a_failing_answer_is_an_error_reply_not_the_end_of_the_loop(tmp_path: Path) -> None:
    # serve() runs on the engine's loop: an exception out of it would stop the daemon (and
    # with it every block and alert) because `spamtrace status` hit a bug
    path = str(tmp_path / "c.sock")

    def broken(req: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("lost")

    server = ControlServer(path, broken)
    try:
        client = socket.socket(socket.AF_UNIX)
        client.connect(path)
        client.sendall(b'{"command": "status"}\n')
        server.serve()
        reply = json.loads(client.recv(4096))
        assert reply["error"].startswith("internal error")
        client.close()
        # an answer that is not JSON either
        server.answer = lambda req: {"when": object()}
        client = socket.socket(socket.AF_UNIX)
        client.connect(path)
        client.sendall(b'{"command": "status"}\n')
        server.serve()
        assert json.loads(client.recv(4096))["error"].startswith("internal error")
        client.close()
    finally:
        server.close()


def test_a_client_that_sends_a_byte_at_a_time_cannot_hold_the_loop(tmp_path: Path) -> None:
    """REQUEST_TIMEOUT is for the whole request, not per byte: the server gives up on a
    client that drips a byte every 50 ms long before the client is done (30 s of bytes).
    Nothing measures the time here: a busy machine stalls the server and the client alike."""
    path = str(tmp_path / "c.sock")
    server = ControlServer(path, lambda req: {"ok": True})
    stop = threading.Event()
    dripped_all = threading.Event()
    client = socket.socket(socket.AF_UNIX)
    client.connect(path)

    def drip() -> None:
        for _ in range(600):
            if stop.wait(0.05):
                return
            try:
                client.sendall(b" ")
            except OSError:
                return  # the server hung up
        dripped_all.set()

    t = threading.Thread(target=drip)
    t.start()
    try:
        server.serve()
        assert not dripped_all.is_set()  # returned while the client still had bytes to drip
    finally:
        stop.set()
        t.join()
        client.close()
        server.close()


def test_a_file_that_is_not_a_socket_is_never_removed_for_the_socket(tmp_path: Path) -> None:
    # [daemon] socket = a path that names a file by mistake: the file was unlinked as if it
    # were a dead daemon's socket (and a folder ended the start with "Is a directory")
    kept = tmp_path / "spamtrace.toml"
    kept.write_text("precious\n")
    with pytest.raises(UsageError, match="not a socket"):
        ControlServer(str(kept), lambda req: {})
    assert kept.read_text() == "precious\n"
    with pytest.raises(UsageError, match="not a socket"):
        ControlServer(str(tmp_path), lambda req: {})


def test_stale_socket_of_a_killed_daemon_is_replaced(tmp_path: Path) -> None:
    path = str(tmp_path / "c.sock")
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(path)
    dead.close()  # the file stays, nobody listens
    with pytest.raises(NoDaemon, match="left from one that stopped"):
        query(path, {"command": "status"})
    server = ControlServer(path, lambda req: {"ok": True})
    server.close()
    # a path that is no socket (status --socket given the config file) was "left from one
    # that stopped", as if a daemon had run there
    kept = tmp_path / "spamtrace.toml"
    kept.write_text("precious\n")
    with pytest.raises(NoDaemon, match=r"spamtrace.toml is not a socket: not the daemon's"):
        query(str(kept), {"command": "status"})
    assert kept.read_text() == "precious\n"


def test_status_exit_3_without_daemon(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--socket", str(tmp_path / "none.sock")]) == 3
    err = capsys.readouterr().err
    assert err.startswith("spamtrace: error: no spamtrace daemon is running")
    assert "Traceback" not in err


def test_status_json_without_daemon_is_still_a_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fleet's check (`spamtrace status --json | jq .running`) got nothing at all on stdout
    when the daemon was down: no JSON to tell "down" from "broken". It gets the schema,
    ``running: false`` and the error; the exit code and the one stderr line stay."""
    assert main(["status", "--json", "--socket", str(tmp_path / "none.sock")]) == 3
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["schema"] == "spamtrace.status/1" and doc["running"] is False, doc
    assert doc["error"].startswith("no spamtrace daemon is running"), doc
    assert err.startswith("spamtrace: error: no spamtrace daemon is running")
    assert len(err.strip().splitlines()) == 1


def test_status_json_of_a_daemon_that_may_not_be_asked_is_not_down(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A daemon that answers "root only" (a non-root user, a socket opened up by hand) runs:
    `status --json` said ``running: false``, which a fleet's check reads as a daemon down.
    It says ``running: null`` (not known), with the error; still exit 3."""
    import socket
    import threading

    path = str(tmp_path / "c.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def refuse() -> None:  # what the daemon answers a peer that is not root
        conn, _ = server.accept()
        conn.recv(4096)
        conn.sendall(b'{"error": "permission denied: root only"}\n')
        conn.close()

    thread = threading.Thread(target=refuse)
    thread.start()
    try:
        assert main(["status", "--json", "--socket", path]) == 3
    finally:
        thread.join(10)
        server.close()
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["running"] is None and "root only" in doc["error"], doc
    assert err == "spamtrace: error: the daemon refused: permission denied: root only\n"


# ------------------------------------------------------------------------- one instance
def test_second_instance_on_the_same_store_is_refused_naming_the_pid(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    first = InstanceLock(store)
    try:
        with pytest.raises(AlreadyRunning) as caught:
            InstanceLock(store)
        assert f"(pid {os.getpid()})" in caught.value.message
        assert caught.value.exit_code == 2
        assert "\n" not in caught.value.message
        InstanceLock(str(tmp_path / "other.db")).release()  # another store is fine
    finally:
        first.release()
    InstanceLock(store).release()  # free again once released


def test_lock_dies_with_its_process(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    code = (
        "import sys, time\n"
        "from spamtrace.service.instance import InstanceLock\n"
        "InstanceLock(sys.argv[1]); print('locked', flush=True); time.sleep(60)\n"
    )
    import sys

    proc = subprocess.Popen([sys.executable, "-c", code, store], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(AlreadyRunning, match=f"pid {proc.pid}"):
            InstanceLock(store)
    finally:
        proc.kill()
        proc.wait()
    after = InstanceLock(store)  # kill -9 left the file, not the lock
    try:
        # ... and the gap is reported: that pid, from its last sign of life to now
        assert after.gap is not None and after.gap[0] == proc.pid
        assert after.gap[1] <= after.gap[2] and after.gap[2] - after.gap[1] < 60
        assert after.stopped_before is None  # a kill is the gap, not a clean stop
    finally:
        stopped = time.time()
        after.release()
    clean = InstanceLock(store)
    assert clean.gap is None  # the previous run stopped cleanly
    # ... at a time it wrote, so the window from that stop to this start can be said
    assert clean.stopped_before is not None and clean.stopped_before[0] == os.getpid()
    assert abs(clean.stopped_before[1] - stopped) < 5
    clean.release()


# ------------------------------------------------------------------------- reload, status
def _daemon(tmp_path: Path, conf: str) -> Daemon:
    path = tmp_path / "spamtrace.toml"
    path.write_text(conf)
    from spamtrace import config

    cfg = config.load(config_file=str(path))
    return Daemon(
        cfg, EngineOptions(store_path=None, nflog=False, scan=False),
        config_file=str(path), socket_path=str(tmp_path / "c.sock"),
        firewall_state_dir=str(tmp_path / "fw"),
    )  # fmt: skip


def test_status_shows_a_relative_config_file_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`daemon --config spamtrace.toml`: `status` names the file absolute (resolved at start,
    so a later change of folder does not change it) and a reload reads that same file."""
    (tmp_path / "spamtrace.toml").write_text("[accounts]\nmin_uid = 1000\n")
    monkeypatch.chdir(tmp_path)
    from spamtrace import config

    d = Daemon(
        config.load(config_file="spamtrace.toml"),
        EngineOptions(store_path=None, nflog=False, scan=False),
        config_file="spamtrace.toml", socket_path=str(tmp_path / "c.sock"),
        firewall_state_dir=str(tmp_path / "fw"),
    )  # fmt: skip
    monkeypatch.chdir("/")
    assert d.status()["config"]["file"] == str(tmp_path / "spamtrace.toml")
    (tmp_path / "spamtrace.toml").write_text("[accounts]\nmin_uid = 500\n")
    d.reload()
    assert d.engine.cfg.accounts.min_uid == 500


def test_a_firewall_state_dir_that_does_not_exist_is_said_at_start(tmp_path: Path) -> None:
    """Tour: `daemon --firewall-state-dir /nonexistent/fw` (a typo) started and said only
    "firewall ABSENT ...; never set up here (no confirmed policy)": the drift check compared
    with nothing, unsaid. A start note names the folder; one that is there says nothing."""
    from spamtrace import config

    (tmp_path / "spamtrace.toml").write_text("")
    cfg = config.load(config_file=str(tmp_path / "spamtrace.toml"))

    def notes(state_dir: Path) -> list[str]:
        d = Daemon(
            cfg, EngineOptions(store_path=None, nflog=False, scan=False), config_file=None,
            socket_path=str(tmp_path / "c.sock"), firewall_state_dir=str(state_dir),
        )  # fmt: skip
        return [n for n in d.engine.notes if "firewall state folder" in n]

    typo = tmp_path / "typo" / "fw"
    assert notes(typo) == [
        f"firewall state folder '{typo}' (--firewall-state-dir) does not exist: no firewall "
        "was confirmed there, so the firewall check has nothing to compare with until "
        "`spamtrace firewall apply --state-dir` and `confirm` make it (a typo?)"
    ]
    assert not (tmp_path / "typo").exists()
    assert notes(tmp_path) == []


def _recorded(d: Daemon) -> list[Message]:
    """What the daemon's engine publishes from now on (a subscriber that keeps it)."""
    got: list[Message] = []

    class Rec:
        name = "rec"

        def handle(self, m: Message) -> None:
            got.append(m)

        def close(self) -> None:
            pass

    d.engine.subscribers.append(Rec())
    return got


def test_sighup_reload_keeps_the_old_config_when_the_new_one_is_bad(tmp_path: Path) -> None:
    d = _daemon(tmp_path, "[accounts]\nmin_uid = 1000\n")
    got = _recorded(d)
    (tmp_path / "spamtrace.toml").write_text("[accounts]\nmin_uidd = 500\n")
    d.reload()
    assert d.engine.cfg.accounts.min_uid == 1000
    bad = got[-1]
    assert isinstance(bad, ConfigReloaded) and not bad.ok and "min_uidd" in (bad.error or "")
    assert "min_uidd" in d.status()["config"]["reload_error"]
    # a DNSBL nameserver `audit` refuses: the reload took it without a word
    (tmp_path / "spamtrace.toml").write_text('[audit]\ndnsbl_nameservers = ["[::1]x"]\n')
    d.reload()
    bad = got[-1]
    assert isinstance(bad, ConfigReloaded) and not bad.ok and bad.error == (
        f"{tmp_path / 'spamtrace.toml'}: audit.dnsbl_nameservers[0]: DNS server '[::1]x': not "
        "an address, address:port or [v6]:port"
    )
    assert d.engine.cfg.audit.dnsbl_nameservers == [] and d.engine.cfg.accounts.min_uid == 1000
    (tmp_path / "spamtrace.toml").write_text(
        "[accounts]\nmin_uid = 500\n[daemon]\nfirewall_repair = true\n"
    )
    d.reload()
    good = got[-1]
    assert isinstance(good, ConfigReloaded) and good.ok
    assert d.engine.cfg.accounts.min_uid == 500 and d.engine.accounts.cfg.min_uid == 500
    assert d.monitor.repair is True
    assert d.status()["config"]["reload_error"] is None
    # a firewall exception for a user this host lacks: `config check` and `firewall apply`
    # refuse it; the reload took it without a word. It takes it (the capture needs no
    # firewall) and says so in its notes (the journal's `note:` lines)
    (tmp_path / "spamtrace.toml").write_text(
        '[[firewall.exceptions]]\nuser = "no-such-user-x"\nport = 587\n'
    )
    d.reload()
    taken = got[-1]
    assert isinstance(taken, ConfigReloaded) and taken.ok
    assert taken.notes == (
        "`spamtrace firewall apply` would refuse this config: "
        "firewall.exceptions[0].user: no such user 'no-such-user-x'",
    )
    d.engine.close()


def test_a_start_with_a_config_firewall_apply_would_refuse_says_so(tmp_path: Path) -> None:
    """A reload of a config that `firewall apply` refuses says why in a note; a start with
    that same config said nothing: it starts (capture needs no firewall), with the same note
    among its start notes (the journal's `note:` lines after "daemon started")."""
    d = _daemon(tmp_path, '[[firewall.exceptions]]\nuser = "no-such-user-x"\nport = 587\n')
    try:
        assert d.engine.started_message().notes.count(
            "`spamtrace firewall apply` would refuse this config: "
            "firewall.exceptions[0].user: no such user 'no-such-user-x'"
        ) == 1
    finally:
        d.engine.close()
    fine = _daemon(tmp_path, "")
    try:
        assert not [n for n in fine.engine.started_message().notes if "would refuse" in n]
    finally:
        fine.engine.close()


def test_status_names_the_metrics_address_served_not_one_a_reload_asked_for(
    tmp_path: Path,
) -> None:
    """A reload that changes ``[metrics] listen`` takes effect at the next restart, but status
    named the new address at once: a scrape of it found nothing. Status names the address
    served, and the configured one apart until the restart."""
    from spamtrace.sinks.metrics import Metrics, MetricsServer, MetricsSubscriber

    d = _daemon(tmp_path, '[metrics]\nlisten = "127.0.0.1:9945"\n')
    metrics = Metrics(store_path=None)  # as run() starts it, on a port free now
    sub = MetricsSubscriber(metrics, MetricsServer(metrics, "127.0.0.1", 0), "127.0.0.1:9945")
    assert sub.server is not None
    served = sub.server.address
    d.engine.subscribers.append(sub)
    try:
        doc = d.status()
        assert doc["metrics"] == {"listen": served, "configured": "127.0.0.1:9945",
                                  "pending": False}  # fmt: skip
        assert f"metrics:    http://{served}/metrics" in "\n".join(status_lines(doc))
        (tmp_path / "spamtrace.toml").write_text('[metrics]\nlisten = "127.0.0.1:1"\n')
        d.reload()
        doc = d.status()
        assert doc["metrics"] == {"listen": served, "configured": "127.0.0.1:1", "pending": True}
        assert (
            f"metrics:    http://{served}/metrics (the config now says 127.0.0.1:1: takes "
            "effect at the next restart)"
        ) in "\n".join(status_lines(doc))
    finally:
        d.engine.close()
        sub.close()


def test_status_document_and_its_human_view(tmp_path: Path) -> None:
    d = _daemon(tmp_path, "")
    d.engine.publish(
        FirewallChecked(FirewallState.DRIFTED, "nft", ("rule st:block is missing",), time.time())
    )
    doc = d.status()
    d.engine.close()
    assert doc["schema"] == "spamtrace.status/1" and doc["pid"] == os.getpid()
    for key in ("uptime_seconds", "capture_mode", "events", "incidents_opened", "events_lost",
                "firewall", "metrics", "store", "config", "subscribers"):  # fmt: skip
        assert key in doc, key
    assert doc["firewall"]["state"] == "drifted"
    assert doc["capture_mode"] == "degraded"  # nothing opened: no tracepoint
    text = "\n".join(status_lines(doc))
    assert "firewall:   DRIFTED (nft)" in text and "- rule st:block is missing" in text
    assert "capture:    DEGRADED" in text
    doc["degraded"] = ["tracefs \x1b[31m gone"]
    assert "\x1b" not in "\n".join(status_lines(doc))


@pytest.mark.parametrize("width", [50, 80])
def test_status_on_a_terminal_wraps_each_line_under_its_text(width: int) -> None:
    """An alert channel's line was 89 columns and a DEGRADED one 200: on an 80- or
    50-column terminal they ran past the edge. Each now wraps under its text."""
    import io

    from rich.console import Console

    from spamtrace.render.status import print_status

    doc = {
        "pid": 812, "uptime_seconds": 11520, "started": "2026-12-04T07:01:12.004Z",
        "capture_mode": "tracepoint", "sources": ["tracepoint", "nflog", "mail-logs"],
        "degraded": ["proc connector unavailable (only answers in the initial network "
                     "namespace): own netns: Connection refused; processes that exit within "
                     "milliseconds are attributed by uid only"],
        "events": 1840, "blocked_events": 12, "events_lost": 0, "incidents_opened": 9,
        "alerting_incidents": 1, "incidents_open": 2,
        "firewall": {"state": "absent", "backend": "nft", "checked": "2026-12-04T10:12:44Z"},
        "metrics": {"listen": "127.0.0.1:9945"},
        "alerts": {"sent": 3, "failed": 1, "dropped": 0, "channels": {"ops-chat": {
            "kind": "webhook", "sent": 2, "failed": 1, "retried": 4, "queued": 0,
            "held_now": 1, "last_error": "http://127.0.0.1:18765/hook: Connection refused"}}},
        "store": {"path": "/var/lib/spamtrace/spamtrace.db", "written": 1840, "queued": 0,
                  "lost": 0},
        "config": {"file": "/etc/spamtrace/spamtrace.toml", "loaded": "2026-12-04T07:01:12Z"},
    }  # fmt: skip
    con = Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)
    print_status(con, doc)
    out = str(con.file.getvalue())  # type: ignore[attr-defined]
    lines = out.splitlines()
    assert all(len(x.rstrip()) <= width for x in lines), out
    start = next(i for i, x in enumerate(lines) if "ops-chat (webhook):" in x)
    assert lines[start].startswith(" " * 14 + "ops-chat"), out
    assert lines[start + 1].startswith(" " * 14) and lines[start + 1][14] != " ", out
    flat = " ".join(x.strip() for x in lines)
    assert "last error: http://127.0.0.1:18765/hook: Connection refused" in flat
    assert any(x.startswith("  capture:    tracepoint (tracepoint,") for x in lines), out
    assert "tracepoint (tracepoint, nflog, mail-logs)" in flat


def test_status_is_rendered_from_its_rows_not_by_reparsing_text() -> None:
    """The terminal view cut each text line at column 14 to find its label again: a label
    of another width, or a row whose text held its own indent, came out mangled. The view is
    data (label, text); the terminal and the pipe print the same rows, every part of a full
    document (gap, drift, channels, a refused reload, failing plug-ins) under its label."""
    import io

    from rich.console import Console

    from spamtrace.render.status import print_status, status_view

    doc = {
        "pid": 9, "uptime_seconds": 5, "started": "2026-12-04T07:01:12Z",
        "capture_mode": "degraded", "sources": ["poll"], "degraded": ["no tracefs"],
        "events": 3, "blocked_events": 1, "events_lost": 2, "events_lost_by_source": {"nflog": 2},
        "capture_gap": {"seconds": 6.5, "from": "a", "to": "b", "previous_pid": 8},
        "incidents_opened": 1, "alerting_incidents": 1, "incidents_open": 1,
        "firewall": {"state": "drifted", "backend": "nft", "drift": ["rule st:block missing"]},
        "metrics": {"listen": None},
        "alerts": {"sent": 0, "failed": 1, "dropped": 0, "channels": {"hook": {
            "kind": "webhook", "sent": 0, "failed": 1, "retried": 0, "queued": 0,
            "held_now": 0, "last_error": "refused"}}},
        "store": {"path": "/s.db", "written": 3, "queued": 0, "lost": 0, "error": "disk full"},
        "config": {"file": "/c.toml", "loaded": "x", "reload_error": "unknown key 'x'"},
        "subscribers": {"alerts": {"errors": 2}},
    }  # fmt: skip
    head, rows = status_view(doc)
    assert head.startswith("spamtrace daemon: running, pid 9")
    labels = [label for label, _ in rows]
    assert labels == ["capture:", "", "events:", "GAP:", "incidents:", "firewall:", "",
                      "metrics:", "alerts:", "", "store:", "config:", "plug-ins:"]  # fmt: skip
    assert ("", "DEGRADED: no tracefs") in rows and ("", "- rule st:block missing") in rows
    con = Console(file=io.StringIO(), width=200, force_terminal=True, color_system=None)
    print_status(con, doc)
    shown = str(con.file.getvalue()).splitlines()  # type: ignore[attr-defined]
    assert shown == [head, *(f"  {label:<12}{text}".rstrip() for label, text in rows)]


def test_a_capture_gap_after_the_clock_was_set_back_says_its_length_is_not_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A watcher killed, then the clock set back (a power cut with no clock kept, an NTP step
    at boot): its last sign of life is dated after the next start. The journal said "nothing
    was watched for 0 s" (the length clamped) and watch's note "for -3600 s"."""
    store = str(tmp_path / "s.db")
    now = time.time()
    Path(f"{store}.lock").write_text(f"999999 {now + 3000:.3f} {now + 3600:.3f}\n")
    lock = InstanceLock(store)
    try:
        assert lock.gap is not None
        gap = CaptureGap(*lock.gap)
    finally:
        lock.release()
    assert gap.clock_set_back and gap.seconds == 0.0
    assert 3590 < gap.since - gap.until <= 3600
    JournalLog().handle(gap)
    err = capsys.readouterr().err
    assert err == (
        "spamtrace: CAPTURE GAP: nothing was watched for a time not known (the previous "
        f"watcher's last sign of life is dated {gap.since - gap.until:.0f} s after this start: "
        "the clock was set back) "
        "before this start (pid 999999 did not stop cleanly)\n"
    )
    assert CaptureGap(1, now - 42, now).said() == "for 42 s"  # as before


def test_journal_logs_firewall_changes_once(capsys: pytest.CaptureFixture[str]) -> None:
    log = JournalLog()
    for state in (FirewallState.LOADED, FirewallState.LOADED, FirewallState.ABSENT):
        log.handle(FirewallChecked(state, "nft", (), time.time()))
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "spamtrace: firewall loaded (nft)",
        "spamtrace: firewall ABSENT (nft): our table is not loaded",
    ]


def test_journal_says_what_to_do_about_a_confirmed_table_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Confirmed, then flushed: the journal said "firewall ABSENT (nft): our table is not
    loaded; table inet spamtrace is not loaded" (the same twice, and nothing to do)."""
    d = _daemon(tmp_path, "")
    fw = FakeBackend()
    d.monitor._backends = {"nft": fw, "auto": fw}  # type: ignore[dict-item]
    try:
        transaction.apply(fw, Plan("v1"), transaction.state_dir(str(tmp_path / "fw")),  # type: ignore[arg-type]
                          timeout=60, yes=True, rollback_argv=lambda t: [])  # fmt: skip
        fw.loaded = None
        checked = d.monitor.check()
    finally:
        d.engine.close()
    capsys.readouterr()
    JournalLog().handle(checked)
    assert capsys.readouterr().err == (
        "spamtrace: firewall ABSENT (nft): table inet spamtrace is not loaded: the confirmed "
        "policy is not in force (flushed, or a boot that did not load it): SMTP egress is open; "
        "`spamtrace firewall load-confirmed` loads it again\n"
    )


def test_journal_lines_carry_their_priority_under_systemd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every journal line had priority info: `journalctl -p warning -u spamtrace` showed
    nothing of a spam incident, a drift or lost events. On the journal's stream (systemd
    names it in JOURNAL_STREAM) each line starts with its priority, which journald takes;
    on any other stderr (a terminal, a file of another init system) the lines are as
    before."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "watch"))
    from watchfake import attempt

    from spamtrace.policy.incidents import IncidentTracker
    from spamtrace.service.bus import IncidentOpened
    from spamtrace.service.firewall_check import NEVER_SET_UP
    from spamtrace.sinks.records import incident_record

    att = attempt(100.0)
    rec = incident_record(IncidentTracker().add(att).incident, att)
    journal = tmp_path / "journal"
    with open(journal, "w") as out:
        st = os.fstat(out.fileno())
        monkeypatch.setenv("JOURNAL_STREAM", f"{st.st_dev}:{st.st_ino}")
        log = JournalLog(out)
        log.handle(IncidentOpened(rec, True, {"notes": []}))
        log.handle(FirewallChecked(FirewallState.DRIFTED, "nft", ("rule st:block is missing",),
                                   time.time()))  # fmt: skip
        log.handle(FirewallChecked(FirewallState.LOADED, "nft", (), time.time()))
        # a confirmed table gone (flushed by hand) is worse than drift: a warning; a table
        # never set up only a notice
        log.handle(FirewallChecked(FirewallState.ABSENT, "nft", (), time.time(),
                                   note="table inet spamtrace is not loaded"))  # fmt: skip
        log.handle(FirewallChecked(FirewallState.LOADED, "nft", (), time.time()))
        log.handle(FirewallChecked(FirewallState.ABSENT, "nft", (), time.time(),
                                   note=NEVER_SET_UP))  # fmt: skip
        with open(tmp_path / "other", "w") as other:  # not the journal's stream: no prefix
            JournalLog(other).handle(IncidentOpened(rec, True, {"notes": []}))
    lines = journal.read_text().splitlines()
    assert [line[:3] for line in lines] == ["<4>", "<4>", "<6>", "<4>", "<6>", "<5>"]
    assert lines[0].startswith(f"<4>spamtrace: SUSPICIOUS incident {rec.id} opened")
    assert (tmp_path / "other").read_text().startswith("spamtrace: SUSPICIOUS incident")
    # a command's error line (the boot firewall unit's, say) is an err there
    env = {**os.environ, "SPAMTRACE_CONFIG_DIR": "/nonexistent"}
    with open(journal, "w") as err:
        st = os.fstat(err.fileno())
        env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
        subprocess.run([sys.executable, "-m", "spamtrace", "scan", str(tmp_path / "gone")],
                       stderr=err, stdout=subprocess.DEVNULL, env=env, timeout=60)  # fmt: skip
    assert journal.read_text().startswith("<3>spamtrace: error: no such file or directory")
    # an alert not delivered is a warning
    from spamtrace.sinks.alerts import dispatcher

    with open(journal, "w") as err:
        st = os.fstat(err.fileno())
        monkeypatch.setenv("JOURNAL_STREAM", f"{st.st_dev}:{st.st_ino}")
        monkeypatch.setattr(sys, "stderr", err)
        dispatcher._stderr("alerts: ops: the opened alert of incident x was not delivered")
    assert journal.read_text().startswith("<4>spamtrace: alerts: ops: the opened alert")


def test_journal_names_a_stolen_mailbox(capsys: pytest.CaptureFixture[str]) -> None:
    """A mail-auth incident's journal line said "opened: uid unknown, ? -> ...": it names the
    mailbox and how many addresses logged in with it."""
    from spamtrace.service.bus import IncidentOpened
    from spamtrace.sinks.store import IncidentRecord

    rec = IncidentRecord(
        id="inc-357f07f1d812", verdict="mail-auth", uid=None, user=None, account=None,
        account_kind=None, home=None, exe=None, cwd=None, scripts=(), cmdline=(),
        connections=12, blocked=0, destinations=("v0@gmail.example", "v1@gmail.example"),
        pids=(), first_seen=1.0, last_seen=2.0, rate_per_minute=1.0, reasons=(),
        methods={"mail-log": 12}, advice=(),
        process={"source": "mail-log", "kind": "auth", "auth_user": "info@shop.example\n",
                 "client_ips": ["203.0.113.5", "198.51.100.17", "192.0.2.44"]},
    )  # fmt: skip
    JournalLog().handle(IncidentOpened(rec, True, {"notes": []}))
    assert capsys.readouterr().err == (
        "spamtrace: MAIL-AUTH incident inc-357f07f1d812 opened: mailbox info@shop.example\\n, "
        "SMTP AUTH from 3 address(es) -> v0@gmail.example, v1@gmail.example "
        "(spamtrace incident inc-357f07f1d812)\n"
    )


def test_journal_says_a_mail_script_incident_without_its_script(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Tour: 221 messages handed to Exim by a PHP script of uid 1002, no PHP mail.log and no
    +arguments: the journal said "MAIL-SCRIPT incident ... opened: uid 1002 (t8shop), ? ->
    ...". It says how the mail came and that the script is not known."""
    from spamtrace.service.bus import IncidentOpened
    from spamtrace.sinks.store import IncidentRecord

    rec = IncidentRecord(
        id="inc-9f97f794997c", verdict="mail-script", uid=1002, user="t8shop",
        account="t8shop", account_kind="home", home=None, exe=None, cwd=None, scripts=(),
        cmdline=(), connections=221, blocked=0, destinations=("t8shop@localhost",),
        pids=(), first_seen=1.0, last_seen=2.0, rate_per_minute=1.0, reasons=(),
        methods={"mail-log": 221}, advice=(),
        process={"source": "mail-log", "kind": "local"},
    )  # fmt: skip
    JournalLog().handle(IncidentOpened(rec, True, {"notes": []}))
    err = capsys.readouterr().err
    assert "?" not in err, err
    assert (
        "opened: uid 1002 (t8shop), mail handed to the MTA (sendmail, mail()), script not "
        "known -> t8shop@localhost" in err
    )


def test_journal_says_the_file_after_the_opening_not_before(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The scan ends before the opening is published (the opening waits for it): the journal
    said "incident X: this is the file: ..." on the line before "SUSPICIOUS incident X
    opened"; read top down, the file came before its incident."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "watch"))
    from watchfake import attempt

    from spamtrace.policy.incidents import IncidentTracker
    from spamtrace.service.bus import (
        AttemptRecorded,
        IncidentOpened,
        IncidentUpdated,
        UpdateReason,
    )
    from spamtrace.sinks.records import event_record, incident_record

    att = attempt(100.0)
    rec = incident_record(IncidentTracker().add(att).incident, att)
    log = JournalLog()
    log.handle(AttemptRecorded(att, event_record(att, rec.id), rec, True))  # it opened it
    log.handle(IncidentUpdated(rec, UpdateReason.ESCALATED, "this is the file: /x.php"))
    assert capsys.readouterr().err == ""
    log.handle(IncidentOpened(rec, True, {"notes": []}))
    log.handle(IncidentUpdated(rec, UpdateReason.ESCALATED, "later: /y.php"))
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[1].strip().split()[0] for line in err] == [
        "SUSPICIOUS", "incident", "incident",
    ]  # fmt: skip
    assert err[1:] == [
        f"spamtrace: incident {rec.id}: this is the file: /x.php",
        f"spamtrace: incident {rec.id}: later: /y.php",
    ]


# ------------------------------------------------------------------------- firewall
class FakeBackend:
    """A firewall backend over a dict: what is 'loaded' is a string."""

    name = "nft"

    def __init__(self) -> None:
        self.loaded: str | None = None
        self.restored: list[str | None] = []

    def snapshot(self) -> dict[str, Any]:
        return {"backend": "nft", "previous": self.loaded}

    def restore(self, snap: dict[str, Any]) -> None:
        self.loaded = snap.get("previous")
        self.restored.append(self.loaded)

    def drift(self, policy: dict[str, Any]) -> tuple[bool, list[str]]:
        if self.loaded is None:
            return False, ["table inet spamtrace is not loaded"]
        return True, [] if self.loaded == policy["previous"] else ["rules differ"]

    def apply(self, plan: Any) -> bool:
        self.loaded = f"table for {plan}"
        return True

    def record(self) -> str | None:
        return None


class Plan:
    class mode:  # the shape of FirewallPlan.mode
        value = "owner"

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name


def test_only_confirmed_rules_are_loaded_at_boot(tmp_path: Path) -> None:
    state = transaction.state_dir(str(tmp_path / "fw"))
    fw = FakeBackend()
    never = lambda token: ["true"]  # noqa: E731 (the rollback process: not started here)
    # nothing confirmed yet: the boot loads nothing
    assert transaction.load_confirmed(state, lambda name: fw) is None and fw.restored == []
    # applied without rollback = confirmed
    transaction.apply(fw, Plan("v1"), state, timeout=60, yes=True, rollback_argv=never)  # type: ignore[arg-type]
    assert transaction.confirmed_policy(state)["previous"] == "table for v1"  # type: ignore[index]
    assert os.stat(state / transaction.CONFIRMED).st_mode & 0o777 == 0o600
    # v2 on trial (a rollback pending), then the machine reboots: v1 comes back, never v2
    trial = lambda token: ["sleep", "0"]  # noqa: E731
    transaction.apply(fw, Plan("v2"), state, timeout=60, yes=False, rollback_argv=trial)  # type: ignore[arg-type]
    assert fw.loaded == "table for v2"
    fw.loaded = None  # `nft flush ruleset` / a reboot
    policy = transaction.load_confirmed(state, lambda name: fw)
    assert policy is not None and fw.loaded == "table for v1"
    assert not (state / transaction.PENDING).exists()  # the trial is over
    # v3 applied and confirmed: now the boot loads v3
    transaction.apply(fw, Plan("v3"), state, timeout=60, yes=False, rollback_argv=trial)  # type: ignore[arg-type]
    assert transaction.confirm(state) is True
    fw.loaded = None
    transaction.load_confirmed(state, lambda name: fw)
    assert fw.loaded == "table for v3"
    # remove forgets it
    transaction.forget(state)
    fw.loaded = None
    assert transaction.load_confirmed(state, lambda name: fw) is None and fw.loaded is None


def test_drift_check_states_and_repair(tmp_path: Path) -> None:
    state = transaction.state_dir(str(tmp_path / "fw"))
    fw = FakeBackend()
    posted: list[FirewallChecked] = []
    mon = FirewallMonitor(str(state), repair=False, post=posted.append)
    mon._backends = {"nft": fw, "auto": fw}  # type: ignore[dict-item]
    assert mon.check().state is FirewallState.ABSENT  # nothing applied, nothing loaded
    transaction.apply(fw, Plan("v1"), state, timeout=60, yes=True, rollback_argv=lambda t: [])  # type: ignore[arg-type]
    assert mon.check().state is FirewallState.LOADED
    fw.loaded = "edited by hand"
    checked = mon.check()
    assert checked.state is FirewallState.DRIFTED and checked.drift == ("rules differ",)
    assert fw.loaded == "edited by hand"  # no repair unless asked
    mon.repair = True
    fixed = mon.check()
    assert fixed.repaired and fixed.state is FirewallState.LOADED
    assert fw.loaded == "table for v1"
    fw.loaded = None
    assert mon.check().repaired and fw.loaded == "table for v1"
    # a failing check is 'unknown' with the reason, never an exception on the thread
    fw.drift = lambda policy: (_ for _ in ()).throw(OSError("nft: no such file"))  # type: ignore[method-assign,assignment]
    broken = mon.check()
    assert broken.state is FirewallState.UNKNOWN and "nft" in (broken.error or "")
    mon.start()
    mon.join(5)
    assert posted and posted[-1].state is FirewallState.UNKNOWN


# ------------------------------------------------------------------------- systemd units
def test_units_are_valid_for_systemd_and_hardened(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze missing: scripts/test.sh installs the systemd package"
    assert main(["service", "install", "--unit-dir", str(tmp_path), "--json"]) == 0
    for name in UNITS:
        assert (tmp_path / name).read_text().startswith(MARKER)
    proc = subprocess.run(
        [analyze, "verify", *(str(tmp_path / u) for u in UNITS)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    daemon = render_unit("spamtrace.service", "/usr/bin/spamtrace")
    for line in ("ExecStart=/usr/bin/spamtrace daemon", "ProtectSystem=strict",
                 "ProtectHome=read-only", "Restart=on-failure", "Type=notify",
                 "ExecReload=/bin/kill -HUP $MAINPID"):  # fmt: skip
        assert line in daemon.splitlines(), line
    caps = next(x for x in daemon.splitlines() if x.startswith("CapabilityBoundingSet="))
    assert "CAP_SYS_ADMIN" in caps and "CAP_NET_ADMIN" in caps and "CAP_SYS_MODULE" not in caps
    boot = render_unit("spamtrace-firewall.service", "/usr/bin/spamtrace").splitlines()
    assert "ExecStart=/usr/bin/spamtrace firewall load-confirmed" in boot
    assert "Before=network-pre.target shutdown.target" in boot and "Type=oneshot" in boot


def test_the_units_stop_timeout_holds_the_stops_own_bounds() -> None:
    """A clean stop handles what was read (up to STOP_DRAIN_SECONDS), joins a firewall check
    under way (5 s), waits for queued quarantines and suspensions (FINISH_TIMEOUT) and for the
    store's last writes (its close's timeout), one after the other. The unit's
    TimeoutStopSec=30s was less than that sum (60 s): systemd would kill a stop that used its
    bounds, and every write still queued would be lost, as after kill -9."""
    import inspect

    from spamtrace.service.engine import STOP_DRAIN_SECONDS
    from spamtrace.service.responses import FINISH_TIMEOUT
    from spamtrace.sinks.store import Store

    store = inspect.signature(Store.close).parameters["timeout"].default
    bounds = STOP_DRAIN_SECONDS + 5.0 + FINISH_TIMEOUT + store
    unit = render_unit("spamtrace.service", "/usr/bin/spamtrace").splitlines()
    timeout = next(x for x in unit if x.startswith("TimeoutStopSec="))
    assert timeout.endswith("s"), timeout
    assert float(timeout.removeprefix("TimeoutStopSec=").removesuffix("s")) >= bounds + 10, (
        timeout, bounds,
    )  # fmt: skip


def test_a_reload_of_a_config_that_does_not_check_fails_and_signals_nothing(
    tmp_path: Path,
) -> None:
    """`systemctl reload spamtrace` ran only `kill -HUP`: it succeeded whatever the config
    said, the refusal was in the journal and `status` alone, and the broken config stopped the
    next start (a reboot). `config check` of the config the daemon reads runs first: systemd
    stops at a failing ExecReload= command, so a refused config fails the reload, unsignalled."""
    cfg = tmp_path / "spamtrace.toml"
    cfg.write_text('mode = "observe"\n')
    assert main(["--config", str(cfg), "service", "install", "--unit-dir", str(tmp_path)]) == 0
    lines = (tmp_path / "spamtrace.service").read_text().splitlines()
    reloads = [x for x in lines if x.startswith("ExecReload=")]
    assert reloads == [
        f"ExecReload={executable()} --config {cfg} config check",
        "ExecReload=/bin/kill -HUP $MAINPID",
    ]
    check = reloads[0].removeprefix("ExecReload=").split()
    assert subprocess.run(check, capture_output=True, timeout=60).returncode == 0
    cfg.write_text('mode = "enforced"\n')  # refused by the daemon's reload too
    res = subprocess.run(check, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "mode" in res.stderr, res.stderr


def test_an_empty_unit_dir_is_a_usage_error_not_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`service install --unit-dir ""` wrote the units into the current folder (Path("") is
    "."), said `wrote spamtrace.service` and exited 0; uninstall would remove them there."""
    monkeypatch.chdir(tmp_path)
    for action in ("install", "uninstall"):
        assert main(["service", action, "--unit-dir", ""]) == 2
        err = capsys.readouterr().err
        assert err == (
            "spamtrace: error: --unit-dir: empty (give the folder the units go to, such as "
            "/etc/systemd/system)\n"
        )
    assert list(tmp_path.iterdir()) == []


def test_service_install_without_systemd_says_how_and_uninstall_removes_only_ours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["service", "install", "--unit-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path}/spamtrace.service" in out and "not enabled" in out
    assert "daemon" in out and "firewall load-confirmed" in out
    (tmp_path / "spamtrace-firewall.service").write_text("[Unit]\n# the admin's own\n")
    assert main(["service", "uninstall", "--unit-dir", str(tmp_path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["removed"] == [str(tmp_path / "spamtrace.service")]
    assert not (tmp_path / "spamtrace.service").exists()
    assert (tmp_path / "spamtrace-firewall.service").exists()
    # a folder that cannot be used is a usage error (exit 2), as every other path given is
    # (tour: it was exit 3, a runtime failure)
    assert main(["service", "install", "--unit-dir", str(tmp_path / "missing")]) == 2
    assert "no unit folder" in capsys.readouterr().err
    # a file given for the folder was "no unit folder FILE", as if it were not there
    a_file = str(tmp_path / "spamtrace-firewall.service")
    assert main(["service", "install", "--unit-dir", a_file]) == 2
    assert "spamtrace-firewall.service is a file, not a folder" in capsys.readouterr().err


def test_service_install_leaves_a_unit_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An admin's own spamtrace.service (or a masked one: a link to /dev/null) was replaced
    without a word; install now names it, writes nothing and exits 3."""
    own = "[Unit]\nDescription=the admin's own\n"
    (tmp_path / "spamtrace.service").write_text(own)
    assert main(["service", "install", "--unit-dir", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert f"{tmp_path}/spamtrace.service: not written by spamtrace" in err, err
    assert (tmp_path / "spamtrace.service").read_text() == own
    assert not (tmp_path / "spamtrace-firewall.service").exists()
    (tmp_path / "spamtrace.service").unlink()
    (tmp_path / "spamtrace-firewall.service").symlink_to("/dev/null")
    assert main(["service", "install", "--unit-dir", str(tmp_path)]) == 3
    assert "spamtrace-firewall.service (a link: masked?)" in capsys.readouterr().err
    assert os.readlink(tmp_path / "spamtrace-firewall.service") == "/dev/null"
    (tmp_path / "spamtrace-firewall.service").unlink()
    assert main(["service", "install", "--unit-dir", str(tmp_path)]) == 0
    assert main(["service", "install", "--unit-dir", str(tmp_path)]) == 0  # ours: rewritten


def test_service_install_runs_the_daemon_with_the_config_it_was_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`spamtrace --config F service install` chose the drop-ins from F's mode but wrote
    `ExecStart=... daemon`: the service then read /etc/spamtrace/spamtrace.toml."""
    monkeypatch.delenv("SPAMTRACE_CONFIG", raising=False)
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "none.d"))
    cfg = tmp_path / "site.toml"
    cfg.write_text('mode = "observe"\n')
    units = tmp_path / "units"
    units.mkdir()
    assert main(["--config", str(cfg), "service", "install", "--unit-dir", str(units)]) == 0
    out, err = capsys.readouterr()
    lines = (units / "spamtrace.service").read_text().splitlines()
    assert any(x.startswith("ExecStart=") and x.endswith(f" --config {cfg} daemon") for x in lines)
    boot = (units / "spamtrace-firewall.service").read_text()
    assert f" --config {cfg} firewall load-confirmed" in boot
    assert f"--config {cfg} daemon`" in out  # what to start without systemd, too
    if str(cfg).startswith("/tmp/"):
        assert "PrivateTmp" in err
        # and in --json's warnings, as the other warnings of install (it went to stderr only)
        install = ["--config", str(cfg), "service", "install", "--unit-dir", str(units), "--json"]
        assert main(install) == 0
        warnings = json.loads(capsys.readouterr().out)["warnings"]
        assert any("PrivateTmp=yes and cannot see" in w for w in warnings), warnings
    odd = tmp_path / "my site%i.toml"
    odd.write_text("")
    assert main(["--config", str(odd), "service", "install", "--unit-dir", str(units)]) == 2
    assert "ExecStart" in capsys.readouterr().err


def test_service_install_makes_the_configured_folders_writable_or_says_why_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store or event file the config puts outside /var/lib/spamtrace (/srv, /var/log/x)
    is read-only under ProtectSystem=strict: the service failed at start. Install now makes
    those folders writable in a drop-in that verifies, and warns of a store or socket under
    /tmp, which PrivateTmp makes the service's own (a shell's `status` finds no daemon)."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze missing: scripts/test.sh installs the systemd package"
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "none.d"))
    cfg = tmp_path / "spamtrace.toml"
    units = tmp_path / "units"
    units.mkdir()
    paths = units / "spamtrace.service.d" / "53-spamtrace-paths.conf"
    install = ["--config", str(cfg), "service", "install", "--unit-dir", str(units)]

    cfg.write_text(
        '[store]\npath = "/srv/spamtrace/st.db"\n[events]\npath = "/var/log/st/e.json"\n'
    )
    assert main(install) == 0
    out = capsys.readouterr().out
    text = paths.read_text()
    assert text.startswith(MARKER), text
    assert text.splitlines()[-2:] == [
        "ReadWritePaths=-/srv/spamtrace",
        "ReadWritePaths=-/var/log/st",
    ]
    assert "write the folders the config names outside /var/lib/spamtrace" in out
    assert "suspend" not in out  # it said "and run the suspend command" of any 2nd drop-in
    proc = subprocess.run(
        [analyze, "verify", str(units / "spamtrace.service")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr

    cfg.write_text(
        '[daemon]\nsocket = "/tmp/st/control.sock"\n[store]\npath = "/var/tmp/s/st.db"\n'
    )
    assert main([*install, "--json"]) == 0
    out, err = capsys.readouterr()
    assert not paths.exists()  # no longer needed: removed
    # one warning for both (it was one long near-identical paragraph per key)
    assert err.count("PrivateTmp=yes, so it writes") == 1, err
    assert (
        "spamtrace: warning: store.path (under /var/tmp/s), daemon.socket (under /tmp/st): "
        "the service runs with " in err
    )
    warnings = json.loads(out)["warnings"]
    assert warnings[0].startswith("store.path (under /var/tmp/s), daemon.socket (under /tmp/st)")


def test_daemon_and_status_are_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "daemon" in out and "status" in out and "service" in out
    cfg = Config()
    assert cfg.daemon.socket == "/run/spamtrace/control.sock"


def test_enforce_mode_gets_drop_ins_that_verify_and_go_away_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The base unit keeps /home read-only (observing); enforce mode's quarantine needs to
    write there, a suspend command the panel's files: install writes drop-ins for what the
    config asks, removes them when it no longer does, and uninstall removes them."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze missing: scripts/test.sh installs the systemd package"
    cfg = tmp_path / "spamtrace.toml"
    units = tmp_path / "units"
    units.mkdir()
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "none.d"))
    dropins = units / "spamtrace.service.d"

    cfg.write_text(
        'mode = "enforce"\n[responses]\nsuspend = true\nsuspend_command = ["/bin/true"]\n'
    )
    assert main(["--config", str(cfg), "service", "install", "--unit-dir", str(units)]) == 0
    enforce = (dropins / "50-spamtrace-enforce.conf").read_text()
    assert enforce.startswith(MARKER) and "ProtectHome=no" in enforce.splitlines()
    assert "ProtectSystem=no" in (dropins / "51-spamtrace-suspend.conf").read_text()
    assert "/var/spool/exim4" in (dropins / "52-spamtrace-mta.conf").read_text()
    proc = subprocess.run(
        [analyze, "verify", str(units / "spamtrace.service")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr

    cfg.write_text('mode = "enforce"\n')  # suspend off: its drop-in goes
    assert main(["--config", str(cfg), "service", "install", "--unit-dir", str(units)]) == 0
    assert sorted(p.name for p in dropins.iterdir()) == [
        "50-spamtrace-enforce.conf", "52-spamtrace-mta.conf",
    ]  # fmt: skip
    cfg.write_text('mode = "enforce"\n[responses]\nfreeze_queue = false\n')
    assert main(["--config", str(cfg), "service", "install", "--unit-dir", str(units)]) == 0
    assert sorted(p.name for p in dropins.iterdir()) == ["50-spamtrace-enforce.conf"]
    (dropins / "90-admin.conf").write_text("[Service]\nNice=5\n")  # the admin's own: kept

    cfg.write_text('mode = "observe"\n')
    assert main(["--config", str(cfg), "service", "install", "--unit-dir", str(units)]) == 0
    assert sorted(p.name for p in dropins.iterdir()) == ["90-admin.conf"]
    cfg.write_text('mode = "enforce"\n')
    assert main(["--config", str(cfg), "service", "install", "--unit-dir", str(units)]) == 0
    assert main(["--config", str(cfg), "service", "uninstall", "--unit-dir", str(units)]) == 0
    assert sorted(p.name for p in dropins.iterdir()) == ["90-admin.conf"]
    assert not (units / "spamtrace.service").exists()


def test_a_firewall_never_set_up_is_said_so_not_only_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a host where `firewall apply` never ran, the daemon's first line about the firewall
    was "firewall ABSENT (nft): our table is not loaded", as if it had been removed."""
    from spamtrace.service.firewall_check import NEVER_SET_UP

    monitor = FirewallMonitor(str(tmp_path / "fw"), repair=False, post=lambda _m: None)
    fw = FakeBackend()
    monitor._backends = {"nft": fw, "auto": fw}  # type: ignore[dict-item]
    checked = monitor.check()
    # the advice is a note, not drift: drift is what differs in a loaded table (data)
    assert checked.state is FirewallState.ABSENT and checked.drift == ()
    assert checked.note == NEVER_SET_UP and checked.set_up is False  # no drift in /metrics
    JournalLog().handle(checked)
    assert capsys.readouterr().err == (
        "spamtrace: firewall ABSENT (nft): our table is not loaded; never set up here (no "
        "confirmed policy): `spamtrace firewall plan` shows what it would block\n"
    )


def test_status_json_keeps_advice_out_of_firewall_drift(tmp_path: Path) -> None:
    """`status --json` put the advice of an absent table ("never set up here ...: `spamtrace
    firewall plan` shows ...", "table inet spamtrace is not loaded") in ``firewall.drift``:
    drift holds the differences of a loaded table only; why there is none is ``note``."""
    from spamtrace.render.status import status_view
    from spamtrace.service.firewall_check import NEVER_SET_UP

    d = _daemon(tmp_path, "")
    fw = FakeBackend()
    d.monitor._backends = {"nft": fw, "auto": fw}  # type: ignore[dict-item]
    try:
        d.board.handle(d.monitor.check())
        doc = d.status()
        assert doc["firewall"]["state"] == "absent"
        assert doc["firewall"]["drift"] == [] and doc["firewall"]["note"] == NEVER_SET_UP
        assert ("", f"- {NEVER_SET_UP}") in status_view(doc)[1]  # `status` still shows it
        # confirmed, then removed: absent, and no drift line for it either
        transaction.apply(fw, Plan("v1"), transaction.state_dir(str(tmp_path / "fw")),  # type: ignore[arg-type]
                          timeout=60, yes=True, rollback_argv=lambda t: [])  # fmt: skip
        fw.loaded = None
        d.board.handle(d.monitor.check())
        doc = d.status()
        assert doc["firewall"]["state"] == "absent" and doc["firewall"]["drift"] == []
        # and what to do about it: it said only "table inet spamtrace is not loaded"
        assert doc["firewall"]["note"] == (
            "table inet spamtrace is not loaded: the confirmed policy is not in force (flushed, "
            "or a boot that did not load it): SMTP egress is open; `spamtrace firewall "
            "load-confirmed` loads it again"
        )
        fw.loaded = "edited by hand"
        d.board.handle(d.monitor.check())
        doc = d.status()
        assert doc["firewall"]["drift"] == ["rules differ"] and doc["firewall"]["note"] is None
    finally:
        d.engine.close()


def test_a_repaired_firewall_says_in_one_line_what_was_repaired(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The journal said "firewall loaded (nft)" then "firewall repaired: ...": not what had
    been changed by hand (a rule deleted, the ruleset flushed), which the check knew."""
    log = JournalLog()
    log.handle(FirewallChecked(FirewallState.LOADED, "nft", (), 1.0))
    gone = ("chain smtp_egress: rule st:block is missing\x1b[2J",)
    log.handle(FirewallChecked(FirewallState.LOADED, "nft", gone, 2.0, repaired=True))
    log.handle(FirewallChecked(FirewallState.DRIFTED, "nft", gone, 3.0, repaired=True))
    assert capsys.readouterr().err.splitlines() == [
        "spamtrace: firewall loaded (nft)",
        "spamtrace: firewall REPAIRED (nft): chain smtp_egress: rule st:block is missing"
        "\\x1b[2J; the confirmed policy was loaded again",
        "spamtrace: firewall DRIFTED (nft): chain smtp_egress: rule st:block is missing\\x1b[2J",
        "spamtrace: firewall repair FAILED: the confirmed policy was loaded again, and the "
        "check after it still finds the state above",
    ]


def test_a_stalled_store_is_in_the_journal_and_in_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A full disk stalled the store's writer: `watch` said so, the daemon's journal and
    `status` did not."""
    from spamtrace.render.status import status_lines
    from spamtrace.service.bus import StoreStalled

    log = JournalLog()
    log.handle(StoreStalled(True, "store /s.db: database or disk is full; writing stalled", 1.0))
    log.handle(StoreStalled(False, "store /s.db: writing again after 3.0 s; nothing lost", 4.0))
    assert capsys.readouterr().err.splitlines() == [
        "spamtrace: store STALLED: store /s.db: database or disk is full; writing stalled",
        "spamtrace: store ok: store /s.db: writing again after 3.0 s; nothing lost",
    ]
    store = {
        "path": "/s.db", "written": 0, "queued": 452, "lost": 0, "error": None, "retries": 11,
        "stalled_since": 1796469497.07, "stall_reason": "disk\x1b full",
    }  # fmt: skip
    text = "\n".join(status_lines({"store": store}))
    assert "  store:      /s.db (0 written, 452 queued, 0 lost)\n" in text
    assert "STALLED since 11:18:17 UTC (11 retries), records kept queued: disk\\x1b full" in text


def test_status_shows_error_messages_escaped_once() -> None:
    """An error reaches status already escaped where its values were put in (a webhook's
    answer with ESC is '\\x1b[31m' in last_error, a key with a tab is quoted as 'a\\tb');
    status escaped it again and showed '\\\\x1b[31m'. A raw control character is still
    escaped."""
    from spamtrace.render.status import status_view

    doc = {
        "pid": 9, "uptime_seconds": 5, "started": "x", "capture_mode": "tracepoint",
        "sources": ["tracepoint"], "degraded": ["no tracefs\x1b[2J"], "events": 0,
        "blocked_events": 0, "events_lost": 0, "incidents_opened": 0, "alerting_incidents": 0,
        "incidents_open": 0,
        "firewall": {"state": "unknown", "backend": "nft", "error": "nft said '\\x1b[1m'"},
        "metrics": {"listen": None},
        "alerts": {"sent": 0, "failed": 1, "dropped": 0, "channels": {"hook": {
            "kind": "webhook", "sent": 0, "failed": 1, "retried": 0, "queued": 0,
            "held_now": 0,
            "last_error": "HTTP 500 from http://h/hook (it answered: \\x1b[31m)"}}},
        "store": {"path": "/s.db", "written": 0, "queued": 0, "lost": 0,
                  "error": "store /s.db: disk I/O error\x07"},
        "config": {"file": "/c.toml", "loaded": "x",
                   "reload_error": "/c.toml: watch.a\\tb: unknown key"},
    }  # fmt: skip
    _, rows = status_view(doc)
    text = "\n".join(t for _, t in rows)
    assert "(it answered: \\x1b[31m)" in text and "\\\\x1b" not in text, text
    assert "watch.a\\tb: unknown key" in text and "\\\\t" not in text
    assert "nft said '\\x1b[1m'" in text
    assert "\x1b" not in text and "\x07" not in text
    assert "no tracefs\\x1b[2J" in text and "disk I/O error\\x07" in text


def test_the_firewall_check_says_the_confirmed_rules_are_damaged(tmp_path: Path) -> None:
    """A confirmed.json cut short read as 'never set up here': with firewall_repair the table
    was never put back, and the journal said no policy had ever been confirmed."""
    state = transaction.state_dir(str(tmp_path / "fw"))
    fw = FakeBackend()
    monitor = FirewallMonitor(str(state), repair=True, post=lambda _m: None)
    monitor._backends = {"nft": fw, "auto": fw}  # type: ignore[dict-item]
    transaction.apply(fw, Plan("v1"), state, timeout=60, yes=True, rollback_argv=lambda t: [])  # type: ignore[arg-type]
    (state / transaction.CONFIRMED).write_text('{"backend": "nft", "prev')
    fw.loaded = None  # flushed
    checked = monitor.check()
    assert checked.state is FirewallState.UNKNOWN
    assert checked.error is not None and "damaged" in checked.error


def test_the_firewall_check_rolls_back_a_damaged_trial_and_says_so(tmp_path: Path) -> None:
    """A pending.json cut short read as 'nothing on trial': the check compared the table with
    the confirmed rules, said nothing, and the unconfirmed rules stayed loaded."""
    state = transaction.state_dir(str(tmp_path / "fw"))
    fw = FakeBackend()
    monitor = FirewallMonitor(str(state), repair=False, post=lambda _m: None)
    monitor._backends = {"nft": fw, "auto": fw}  # type: ignore[dict-item]
    apply = transaction.apply
    apply(fw, Plan("v1"), state, timeout=60, yes=True, rollback_argv=lambda t: [])  # type: ignore[arg-type]
    apply(fw, Plan("v2"), state, timeout=60, yes=False, rollback_argv=lambda t: ["true"])  # type: ignore[arg-type]
    assert fw.loaded == "table for v2"
    (state / transaction.PENDING).write_text('{"token": "ab", "backend": "nft", "dead')
    checked = monitor.check()
    assert fw.loaded == "table for v1"  # rolled back
    assert checked.state is FirewallState.UNKNOWN
    assert checked.error is not None and "pending.json" in checked.error
    assert "rolled back" in checked.error
    assert monitor.check().state is FirewallState.LOADED  # said once


def test_service_install_that_cannot_write_says_which_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A read-only /etc/systemd/system made `service install` say "internal error: OSError:
    [Errno 30] Read-only file system: '.../.spamtrace.service.tmp'": one line naming the
    unit and the reason, exit 3, and no temporary file left behind."""
    (tmp_path / ".spamtrace.service.tmp").mkdir()  # the write of the unit fails (even as root)
    assert main(["service", "install", "--unit-dir", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert f"cannot write {tmp_path}/spamtrace.service: Is a directory" in err, err
    assert "internal error" not in err and err.count("\n") == 1
    assert not (tmp_path / "spamtrace.service").exists()


def test_service_install_says_a_folder_to_make_writable_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`quarantine_dir = "/srv/quarantine"` in enforce mode, not made yet: the drop-in's
    `ReadWritePaths=-/srv/quarantine` is skipped for a missing path, and the daemon cannot
    make the folder in a read-only /srv: every quarantine failed ("read-only file system")
    with no word at install. Install says to make it first; one that exists is not named."""
    from spamtrace.service import units as units_mod

    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "none.d"))
    # tmp_path is under /tmp, which the unit's PrivateTmp has warned of: here it stands for
    # a folder such as /srv
    monkeypatch.setattr(units_mod, "_PRIVATE_TMP", ("/nonexistent-private-tmp",))
    cfg = tmp_path / "spamtrace.toml"
    units = tmp_path / "units"
    units.mkdir()
    missing = tmp_path / "srv" / "quarantine"  # outside the unit's folders, not there
    there = tmp_path / "events"
    there.mkdir()
    cfg.write_text(
        f'mode = "enforce"\n[responses]\nquarantine_dir = "{missing}"\n'
        f'[events]\npath = "{there}/e.json"\n'
    )
    install = ["--config", str(cfg), "service", "install", "--unit-dir", str(units), "--json"]
    assert main(install) == 0
    out, err = capsys.readouterr()
    warnings = json.loads(out)["warnings"]
    said = [w for w in warnings if "does not exist" in w]
    assert said == [
        f"responses.quarantine_dir: {missing} does not exist, and the service cannot make it "
        "(ProtectSystem=strict keeps the folders around it read-only): make it first, e.g. "
        f"`install -d -m 0700 {missing}`"
    ]
    assert f"spamtrace: warning: {said[0]}" in err
    missing.mkdir(parents=True)
    assert main(install) == 0
    assert not [w for w in json.loads(capsys.readouterr().out)["warnings"] if "not exist" in w]


def _own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The main config file this test writes (not there yet), and an empty drop-in folder."""
    conf = tmp_path / "spamtrace.toml"
    monkeypatch.setenv("SPAMTRACE_CONFIG", str(conf))
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "conf.d"))
    return conf


def _notes(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The "note:" lines of what was printed since the last read."""
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("note:")]


def test_config_check_notes_a_socket_folder_that_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`config check` said "config ok" for a `[daemon] socket` whose folder is not there;
    the daemon, which makes only its default folder, would refuse to start on it."""
    conf = _own_config(tmp_path, monkeypatch)
    conf.write_text(f'[daemon]\nsocket = "{tmp_path / "typo" / "c.sock"}"\n')
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert "daemon.socket = " in out and "its folder does not exist" in out
    conf.write_text(f'[daemon]\nsocket = "{tmp_path / "c.sock"}"\n')
    assert main(["config", "check"]) == 0
    assert "daemon.socket" not in capsys.readouterr().out


def test_config_check_notes_a_store_folder_that_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tour: `[store] path = "/nonexist2/x.db"`: `config check` said "config ok", and the
    daemon then stopped at its start ("folder /nonexist2 does not exist", exit 3, restarted
    by the unit every 5 s). It is a note now, as the socket's folder is."""
    conf = _own_config(tmp_path, monkeypatch)
    conf.write_text(f'[store]\npath = "{tmp_path / "typo" / "s.db"}"\n')
    assert main(["config", "check"]) == 0
    notes = _notes(capsys)
    assert notes == [
        f"note: store.path = '{tmp_path}/typo/s.db': its folder does not exist; watch and "
        "the daemon make only the default one (/var/lib/spamtrace) and will not start: "
        "create it (mode 0700)"
    ]
    conf.write_text(f'[store]\npath = "{tmp_path / "s.db"}"\n')
    assert main(["config", "check"]) == 0
    assert "store.path" not in capsys.readouterr().out


def test_config_check_notes_an_event_file_above_a_missing_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tour: `[events] path = "/nonexist/a/e.json"` was "config ok", and the daemon then
    stopped at its start (it makes the event file's own folder, not one above it)."""
    conf = _own_config(tmp_path, monkeypatch)
    conf.write_text(f'[events]\npath = "{tmp_path / "typo" / "log" / "e.json"}"\n')
    assert main(["config", "check"]) == 0
    notes = _notes(capsys)
    assert notes == [
        f"note: events.path = '{tmp_path}/typo/log/e.json': folder '{tmp_path}/typo' does "
        "not exist; the daemon makes only the event file's own folder and will not start: "
        "create it"
    ]
    conf.write_text(f'[events]\npath = "{tmp_path / "log" / "e.json"}"\n')  # its own: made
    assert main(["config", "check"]) == 0
    assert "events.path" not in capsys.readouterr().out


def test_config_check_notes_the_folders_that_are_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `[daemon] socket`, `[store] path` or `[responses] quarantine_dir` where a file is on
    the way: `config check` said "config ok" (the socket's "its folder does not exist"),
    and the daemon, `quarantine` and `scan --quarantine` failed later with "Not a
    directory". Each is a note now, naming the key and the part that is a file."""
    conf = _own_config(tmp_path, monkeypatch)
    afile = tmp_path / "hostname"
    afile.write_text("web1\n")
    conf.write_text(
        f'[daemon]\nsocket = "{afile}/c.sock"\n[store]\npath = "{afile}/db/s.db"\n'
        f'[responses]\nquarantine_dir = "{afile}"\n'
    )
    assert main(["config", "check"]) == 0
    notes = _notes(capsys)
    assert notes == [
        f"note: daemon.socket = '{afile}/c.sock': not a folder: '{afile}'; the daemon will "
        "not start",
        f"note: store.path = '{afile}/db/s.db': not a folder: '{afile}/db' ('{afile}' is a "
        "file); watch and the daemon will not start",
        f"note: responses.quarantine_dir = '{afile}': not a folder: '{afile}'; quarantine "
        "and scan --quarantine refuse it",
    ]


def test_status_says_the_over_long_lines_of_a_followed_mail_log() -> None:
    """An MTA log's over-long lines are not read, a PHP log's are read cut: status says which
    (escaped: the path is the config's, the log may be an account's)."""
    doc = {"mail_logs": [
        {"path": "/var/log/exim4/mainlog", "kind": "exim", "waiting": False, "lines": 9,
         "events": 8, "long_lines": 1},
        {"path": "/home/u/logs/m\x1b.log", "kind": "php", "waiting": False, "lines": 3,
         "events": 3, "long_lines": 2},
        {"path": "/var/log/mail.log", "kind": "postfix", "waiting": True, "lines": 0,
         "events": 0, "long_lines": 0},
    ]}  # fmt: skip
    text = "\n".join(status_lines(doc))
    assert "/var/log/exim4/mainlog: 1 over-long line(s) (not read)" in text
    assert ": 2 over-long line(s) (cut, read as far as kept)" in text and "\x1b" not in text
    assert "mail.log: 0" not in text


def test_an_email_alert_by_sendmail_gets_the_drop_in_the_mta_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exim's sendmail run by the daemon changes to Exim's user and writes its spool and log:
    under the base unit (no CAP_SETUID/SETGID, /var read-only) it stops at `exim:
    setgroups() failed: Operation not permitted` (checked in a mount namespace with the
    unit's read-only /var and capability set), so every e-mail alert by sendmail failed
    under the service while `alert test` from a shell delivered. Install now writes a
    drop-in for it, in observe mode too, and removes it when no channel uses sendmail."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze missing: scripts/test.sh installs the systemd package"
    cfg = tmp_path / "spamtrace.toml"
    units = tmp_path / "units"
    units.mkdir()
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "none.d"))
    install = ["--config", str(cfg), "service", "install", "--unit-dir", str(units)]
    email = '[[alerts.email]]\nfrom = "st@example.net"\nto = ["abuse@example.net"]\n'
    cfg.write_text(email + 'sendmail = "/bin/true"\n')
    assert main(install) == 0
    dropin = units / "spamtrace.service.d/54-spamtrace-sendmail.conf"
    lines = dropin.read_text().splitlines()
    assert lines[0].startswith(MARKER) and "NoNewPrivileges=no" in lines
    assert "CAP_SETUID" in next(x for x in lines if x.startswith("CapabilityBoundingSet="))
    assert "-/var/spool/exim4" in next(x for x in lines if x.startswith("ReadWritePaths="))
    proc = subprocess.run(
        [analyze, "verify", str(units / "spamtrace.service")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr

    cfg.write_text(email + 'smtp = "127.0.0.1:25"\n')  # a relay: spamtrace speaks SMTP itself
    assert main(install) == 0
    assert not dropin.exists() and not dropin.parent.exists()


def test_a_reload_that_adds_the_first_alert_channel_says_it_takes_a_restart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A daemon started with no [alerts] channel, reloaded with one, said only "config
    reloaded", and no alert was ever sent until a restart (docs/alerts.md: the first channel
    takes a restart): the reload now says so."""
    d = _daemon(tmp_path, "")
    try:
        (tmp_path / "spamtrace.toml").write_text(
            '[[alerts.webhook]]\nurl = "http://127.0.0.1:9/hook"\n'
        )
        d.reload()
        assert d.board.reload is not None and d.board.reload.ok
        assert d.board.reload.notes == (
            "[alerts] has channels now, but the daemon started with none: they take effect "
            "at the next restart",
        )
        assert "note: [alerts] has channels now" in capsys.readouterr().err
        (tmp_path / "spamtrace.toml").write_text("")
        d.reload()  # and no channel: nothing to say
        assert d.board.reload.notes == ()
    finally:
        d.engine.close()


def test_status_says_why_alerts_are_off(tmp_path: Path) -> None:
    """`status` said "alerts: off (no [alerts] channel)" also for a daemon started with
    --no-alerts whose config has channels, and after a reload that added the first one."""
    from spamtrace import config

    hook = '[[alerts.webhook]]\nurl = "http://127.0.0.1:9/hook"\n'
    for conf, alerts, why in (
        ("", True, "no [alerts] channel"),
        (hook, False, "started with --no-alerts"),
        (hook, True, "the config's channels take effect at the next restart"),  # run() not
    ):  # called: no subscriber was made, as after a reload that added the first channel
        (tmp_path / "spamtrace.toml").write_text(conf)
        d = Daemon(
            config.load(config_file=str(tmp_path / "spamtrace.toml")),
            EngineOptions(store_path=None, nflog=False, scan=False),
            config_file=str(tmp_path / "spamtrace.toml"), socket_path=str(tmp_path / "c.sock"),
            firewall_state_dir=str(tmp_path / "fw"), alerts=alerts,
        )  # fmt: skip
        try:
            doc = d.status()
        finally:
            d.engine.close()
        assert doc["alerts"] is None and doc["alerts_off"] == why
        assert f"  alerts:     off ({why})" in status_lines(doc)


def test_the_firewall_check_says_rules_an_older_spamtrace_confirmed_are_no_hand_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After an upgrade the daemon compared the loaded table with the rules the old version
    confirmed and logged 'firewall DRIFTED' (read: changed by hand) of what this version's
    enforce mode adds (st:uid-block-held), with no word of the upgrade."""
    state = transaction.state_dir(str(tmp_path / "fw"))
    # confirmed.json as the spamtrace of 2026-12-05 wrote it
    (state / transaction.CONFIRMED).write_text(
        '{"backend": "nft", "previous": "old rules", "confirmed_at": 1796629192.4}'
    )
    fw = FakeBackend()
    fw.loaded = "old rules and this version's uid-block-held"
    monitor = FirewallMonitor(str(state), repair=False, post=lambda _m: None)
    monitor._backends = {"nft": fw, "auto": fw}  # type: ignore[dict-item]
    checked = monitor.check()
    assert checked.state is FirewallState.DRIFTED
    assert checked.note == transaction.OLDER_RULES
    log = JournalLog()  # the journal line carries it
    log.handle(checked)
    err = capsys.readouterr().err
    assert "firewall DRIFTED (nft): rules differ (the confirmed rules were made by an older" in err
    # rules this version confirmed: a difference is drift, as before
    transaction.apply(fw, Plan("v2"), state, timeout=60, yes=True, rollback_argv=lambda t: [])  # type: ignore[arg-type]
    transaction.confirm(state)
    fw.loaded = "edited by hand"
    checked = monitor.check()
    assert checked.state is FirewallState.DRIFTED and checked.note is None


def test_rules_an_older_spamtrace_confirmed_are_not_put_back_over_this_versions(
    tmp_path: Path,
) -> None:
    """With firewall_repair on, the check 'repaired' a table that differed from the rules an
    older spamtrace confirmed: it put the older rules back, taking away what this version's
    enforce mode adds (st:uid-block-held), which the next block added again, and so on every
    minute. Such a difference is said (OLDER_RULES), not repaired; an absent table is still
    loaded from those rules (older rules are better than none)."""
    state = transaction.state_dir(str(tmp_path / "fw"))
    (state / transaction.CONFIRMED).write_text(
        '{"backend": "nft", "previous": "old rules", "confirmed_at": 1796629192.4}'
    )
    fw = FakeBackend()
    fw.loaded = "old rules and this version's uid-block-held"
    monitor = FirewallMonitor(str(state), repair=True, post=lambda _m: None)
    monitor._backends = {"nft": fw, "auto": fw}  # type: ignore[dict-item]
    checked = monitor.check()
    assert checked.state is FirewallState.DRIFTED and not checked.repaired
    assert checked.note == transaction.OLDER_RULES
    assert fw.restored == [] and fw.loaded == "old rules and this version's uid-block-held"
    fw.loaded = None  # the table went away: loaded again from the older confirmed rules
    checked = monitor.check()
    assert checked.repaired and fw.restored == ["old rules"]
    assert checked.state is FirewallState.LOADED


def test_the_firewall_check_warns_that_unconfirmed_rules_are_not_loaded_at_boot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rules loaded by the spamtrace of 2026-11-28, whose `confirm` kept no record: the
    daemon logged 'firewall loaded (nft)' (info) while the boot unit would load nothing."""
    state = transaction.state_dir(str(tmp_path / "fw"))
    fw = FakeBackend()
    fw.loaded = "rules the old version confirmed"
    monitor = FirewallMonitor(str(state), repair=False, post=lambda _m: None)
    monitor._backends = {"nft": fw, "auto": fw}  # type: ignore[dict-item]
    checked = monitor.check()
    assert checked.state is FirewallState.LOADED
    assert checked.note is not None and transaction.UNCONFIRMED in checked.note
    JournalLog().handle(checked)
    err = capsys.readouterr().err
    assert "firewall loaded (nft): loaded, but no confirmed policy" in err
    assert "will not load these again" in err


def test_an_exit_2_under_systemd_is_not_restarted_and_the_journal_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unit's `Restart=on-failure` restarted a config error (exit 2) every 5 s for ever
    (StartLimitBurst is never reached at that pace), each start saying the same error. The unit
    now keeps the daemon down on exit 2 (`RestartPreventExitStatus=2`), and the daemon, run by
    systemd (INVOCATION_ID), says so after its error line, with what to do."""
    daemon_unit = render_unit("spamtrace.service", "/usr/bin/spamtrace").splitlines()
    assert "Restart=on-failure" in daemon_unit and "RestartPreventExitStatus=2" in daemon_unit
    assert main(["service", "install", "--unit-dir", str(tmp_path)]) == 0
    assert "RestartPreventExitStatus=2" in (tmp_path / "spamtrace.service").read_text()
    capsys.readouterr()
    cfg = tmp_path / "spamtrace.toml"
    cfg.write_text('mode = "enforced"\n')
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    assert main(["--config", str(cfg), "daemon"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "mode" in err, err  # from a shell: the error alone
    monkeypatch.setenv("INVOCATION_ID", "0123456789abcdef0123456789abcdef")
    assert main(["--config", str(cfg), "daemon"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and "mode" in lines[0], lines
    assert lines[1] == (
        "spamtrace daemon: stopped (exit 2: a config or usage error, which a restart would "
        "meet again); systemd does not restart it (RestartPreventExitStatus=2 in "
        "spamtrace.service): fix it (`spamtrace config check` says what), then "
        "`systemctl start spamtrace`"
    )
    if os.geteuid() != 0:  # the daemon refuses to start without root before it looks
        return
    store = str(tmp_path / "s.db")
    held = InstanceLock(store)
    try:
        args = ["daemon", "--db", store, "--socket", str(tmp_path / "c.sock"), "--no-nflog"]
        assert main(args) == 2
    finally:
        held.release()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and "in use by" in lines[0], lines
    assert "another watcher holds the store" in lines[1]
    assert "`systemctl start spamtrace` once it has stopped" in lines[1]


@pytest.mark.skipif(os.geteuid() != 0, reason="the daemon refuses to start without root")
def test_a_missing_store_or_event_folder_is_exit_2_as_a_missing_socket_folder_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tour: a store (or event file) in a folder that is not there stopped the daemon with
    exit 3, a runtime failure, which the unit (`Restart=on-failure`) restarted every 5 s for
    ever, while a missing socket folder was exit 2 (kept down by RestartPreventExitStatus=2).
    Each is a config error the restart meets again: exit 2, and the journal says why it stays
    stopped; nothing is made."""
    monkeypatch.setenv("INVOCATION_ID", "0123456789abcdef0123456789abcdef")
    sock = str(tmp_path / "c.sock")
    cfg = tmp_path / "spamtrace.toml"
    cases = {
        "store": ("", ["--db", str(tmp_path / "typo" / "s.db")]),
        "events": (
            f'[events]\npath = "{tmp_path}/typo/dir/e.json"\n', ["--db", str(tmp_path / "s.db")]
        ),
        "socket": ("", ["--db", str(tmp_path / "s.db"), "--socket", str(tmp_path / "typo/c")]),
    }
    for what, (text, args) in cases.items():
        cfg.write_text(text)
        argv = ["--config", str(cfg), "daemon", "--socket", sock, "--no-nflog", *args]
        assert main(argv) == 2, what
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) == 2 and "typo" in lines[0] and "does not exist" in lines[0], lines
        assert lines[1].startswith("spamtrace daemon: stopped (exit 2: a config or usage"), what
        assert not (tmp_path / "typo").exists()


def test_config_check_notes_a_syslog_socket_that_is_not_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tour: an `[alerts.syslog]` channel whose socket is not there (no /dev/log: no journald or
    syslog daemon) was noted at the daemon's start, every alert then failing, and the event
    stream's stopped the start, while `config check` said "config ok" for both. A socket that
    is there is not noted."""
    conf = _own_config(tmp_path, monkeypatch)
    there = tmp_path / "log"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listening:
        listening.bind(str(there))
        for sock, count in ((tmp_path / "nolog", 2), (there, 0)):
            conf.write_text(
                f'[alerts.syslog]\nenabled = true\nsocket = "{sock}"\n'
                f'[events]\nsyslog = true\nsyslog_socket = "{sock}"\n'
            )
            assert main(["config", "check"]) == 0
            notes = [n for n in _notes(capsys) if "syslog" in n]
            assert len(notes) == count, notes
            if count:
                assert notes[0] == (
                    f"note: alerts.syslog (channel 'syslog'): {sock}: no syslog socket (is a "
                    "syslog daemon or journald running?); its alerts fail until it is there"
                )
                assert notes[1].startswith(f"note: events.syslog_socket: {sock}: no syslog")
                assert "the daemon will not start" in notes[1]


def test_status_says_the_malformed_lines_of_each_followed_mail_log(tmp_path: Path) -> None:
    """A followed log whose lines are skipped (not read as mail) is named in status, with how
    many: it said only how many logs were followed."""
    from spamtrace.service.daemon import _mail_logs
    from spamtrace.sources.maillog.follow import MailLogSource
    from spamtrace.sources.maillog.reader import LogSpec

    log, php = tmp_path / "mainlog", tmp_path / "m\x1b[31m.log"
    log.write_text("")
    php.write_text("")
    cfg = Config().override(
        origin="test", mail__postfix_logs=[], mail__exim_logs=[str(log)],
        mail__php_logs=[str(php)], mail__restore_hours=0,
    )  # fmt: skip
    src = MailLogSource(cfg, [LogSpec(str(log), "exim"), LogSpec(str(php), "php")], interval=3600)
    try:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        with log.open("a") as fh:
            fh.write(f"{stamp} 1xZY00-0004e1-2T <= a@b.example U=shop P=local S=400\n")
            fh.write("not a line of Exim's\n\x00\x01binary\n")
        with php.open("a") as fh:
            fh.write("[x] mail() on [/home/u/a.php:1]: To: a@b.example\n")  # no stamp
        src.read_events()
        logs = _mail_logs([src])
    finally:
        src.close()
    assert logs is not None
    assert {x["kind"]: x["malformed"] for x in logs} == {"exim": 2, "php": 1}
    text = "\n".join(status_lines({"mail_logs": logs}))
    assert f"{log}: 2 malformed line(s) skipped (not read as mail)" in text
    assert "m\\x1b[31m.log: 1 malformed line(s) skipped" in text and "\x1b" not in text


def test_journal_says_what_enforce_mode_did_after_the_opening(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Tour: the daemon in enforce mode blocked the sender's uid, stopped it and quarantined
    its script, and the journal said none of it (only a block put back after a flush): an
    admin reading `journalctl -u spamtrace` saw the incident open and nothing done. Each done
    or failed response is a line now (notice, with its undo command; a failure a warning, a
    sender already gone a notice), after the incident's opening line when that waits for the
    scan; an observe-mode `would` is not (the opening line says the incident). An incident
    taken up from before the start has its lines at once."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "watch"))
    from watchfake import attempt

    from spamtrace.policy.incidents import IncidentTracker
    from spamtrace.service.bus import ActionRecord, ActionRecorded, AttemptRecorded, IncidentOpened
    from spamtrace.sinks.records import event_record, incident_record

    att = attempt(100.0)
    rec = incident_record(IncidentTracker().add(att).incident, att)
    log = JournalLog()
    log.priorities = True  # as under systemd: each line with its priority
    log.handle(AttemptRecorded(att, event_record(att, rec.id), rec, True))
    for action in (
        ActionRecord("block-uid", "done", 100.0, "uid 1001 blocked", "spamtrace release 1001"),
        ActionRecord("stop-process", "failed", 100.1, "the process has exited",
                     data={"exited": True}),
        ActionRecord("quarantine", "failed", 100.2, "no space left on device"),
        ActionRecord("suspend", "would", 100.3, "suspend shop"),
    ):  # fmt: skip
        log.handle(ActionRecorded(rec.id, action))
    assert capsys.readouterr().err == ""  # the opening waits for the scan: so do they
    log.handle(IncidentOpened(rec, True, {"notes": []}))
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and "SUSPICIOUS incident" in err[0], err
    assert err[1:] == [
        f"<5>spamtrace: incident {rec.id}: block-uid done: uid 1001 blocked "
        "(undo: spamtrace release 1001)",
        f"<5>spamtrace: incident {rec.id}: stop-process failed: the process has exited",
        f"<4>spamtrace: incident {rec.id}: quarantine failed: no space left on device",
    ]
    log.handle(ActionRecorded("inc-earlier", ActionRecord("block-uid", "done", 101.0, "again")))
    assert capsys.readouterr().err == "<5>spamtrace: incident inc-earlier: block-uid done: again\n"


def test_daemon_help_says_how_to_run_reload_and_stop_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Tour: on a host without systemd, `spamtrace daemon --help` was the one-line summary:
    nothing said it stays in the foreground and logs to stderr, nor that SIGHUP reloads and
    SIGTERM stops it (docs/daemon.md alone did)."""
    with pytest.raises(SystemExit):
        main(["daemon", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for said in ("foreground", "stderr", "without systemd", "SIGHUP reloads the config",
                 "the old one kept", "SIGTERM stops it cleanly"):  # fmt: skip
        assert said in text, said


def test_status_says_what_a_reload_changed_that_waits_for_a_restart(tmp_path: Path) -> None:
    """Tour: a reload that changed `[events] path` (or the socket) said once in the journal
    that it takes a restart, and `status` said nothing of it (only a changed metrics address
    was shown); a second reload compared with the first's config and said nothing at all.
    Status names what waits for the restart, compared with what runs, until it is undone."""
    conf = tmp_path / "spamtrace.toml"
    d = _daemon(tmp_path, f'[events]\npath = "{tmp_path}/e1.json"\n')
    got = _recorded(d)
    try:
        assert d.status()["config"]["takes_restart"] == []
        conf.write_text(f'[events]\npath = "{tmp_path}/e2.json"\n[daemon]\nsocket = "/x/c"\n')
        for _ in range(2):  # the second reload, of the same file, still says it
            d.reload()
            last = got[-1]
            assert isinstance(last, ConfigReloaded) and last.ok
            assert "[events] changed: takes effect at the next restart" in last.notes
            doc = d.status()
            assert doc["config"]["takes_restart"] == ["daemon.socket", "[events]"]
            assert "changed, applied at the next restart: daemon.socket, [events]" in "\n".join(
                status_lines(doc)
            )
        conf.write_text(f'[events]\npath = "{tmp_path}/e1.json"\n')  # put back as it runs
        d.reload()
        assert d.status()["config"]["takes_restart"] == []
    finally:
        d.engine.close()


def test_status_says_the_responses_mode_whom_it_holds_blocked_and_what_it_did(
    tmp_path: Path,
) -> None:
    """Tour: `status` said nothing of the responses: not whether the guard enforces or only
    observes, nor whom it holds blocked now, nor what it did since start (the journal and the
    store alone did). It says all three (`--json`: `responses`)."""
    here = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(here / "responses"), str(here / "watch")]
    from respfake import MTA
    from test_responses_policy import FlushableSet
    from watchfake import attempt

    from spamtrace.actions.respond import Responder
    from spamtrace.policy.incidents import IncidentTracker
    from spamtrace.service.responses import ResponsesSubscriber

    d = _daemon(tmp_path, 'mode = "enforce"\n[responses]\nstop = false\n')
    interval = sys.getswitchinterval()
    try:
        # no responses subscriber: `daemon --no-respond`
        assert d.status()["responses"] == {"mode": "off", "blocked_uids": [], "counts": {}}
        r = Responder(d.engine.cfg, MTA, blocker=FlushableSet(), clock=lambda: 110.0)  # type: ignore[arg-type]
        d.engine.subscribers.append(ResponsesSubscriber(d.engine, d.engine.cfg, r))
        freed: set[int] = set()
        r.released = lambda since: frozenset(freed)  # the store's releases
        att = attempt(110.0)
        r.on_attempt(att, IncidentTracker().add(att).incident)
        doc = d.status()
        assert doc["responses"] == {
            "mode": "enforce", "blocked_uids": [1001], "counts": {"block-uid:done": 1},
        }  # fmt: skip
        assert (
            "responses:  enforce; 1 uid(s) blocked now: 1001; done: block-uid 1"
            in "\n".join(status_lines(doc))
        )
        freed.add(1001)  # `spamtrace release 1001`: not blocked now, before the next check
        assert d.status()["responses"]["blocked_uids"] == []
    finally:
        sys.setswitchinterval(interval)
        d.engine.close()
