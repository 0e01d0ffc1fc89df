"""What a fleet sees, end to end as root: `watch` catches a PHP sender in the test world; its
Prometheus endpoint counts it (scraped over HTTP) and its JSON event stream (a file that is
rotated mid-run, and syslog datagrams) carries the ECS fields, with the attacker-named script
escaped.

The tracepoint is host-wide and other tests run at the same time: event lines are filtered by
this world's uid, and metrics are compared as lower bounds.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from test_check import wait_for
from test_daemon import Daemon, unit_command
from test_watch import _remove_instance as remove_instance
from test_watch import incidents_for, wait_connections, watching
from world import World, json_lines

HOSTILE_NAME = "wp-\x1b[31mcache\u202e.php"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        text = r.read().decode()
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def read_lines(path: Path) -> list[dict[str, Any]]:
    return json_lines(path)  # the daemon may be writing its last line


def mine(lines: list[dict[str, Any]], uid: int) -> list[dict[str, Any]]:
    return [x for x in lines if x.get("user", {}).get("id") == str(uid)]


def send_held(world: World, script: Path, n: int, seen: Callable[[], object]) -> None:
    """The world's user runs quick-connect.php ``script``: ``n`` connects to the sink, then it
    stays until ``seen()`` (what it made is written), so the watcher reads it live whenever it
    comes to it. One that exits at once is known only by its exec, if that was read in time:
    a watcher held off the CPU on a busy machine read the exec after the exit, and its event
    lines had no executable and no file (1 failure in 11 runs of this file under load)."""
    hold = world.tmp / f"hold-{secrets.token_hex(3)}"
    argv = ["php", script.name, world.mx_ip, "25", str(n), "0", "", str(hold)]
    proc = world.spawn_as_user(argv)
    try:
        assert wait_for(seen, 30), f"what the sender's {n} connects made was not written"
    finally:
        hold.touch()
        out, err = proc.communicate(timeout=60)
    assert out.strip() == f"connected {n}/{n}", err


def test_metrics_and_event_stream_show_a_php_sender(world: World, tmp_path: Path) -> None:
    assert world.uid is not None and world.uploads is not None and world.user is not None
    script = world.install_payload("quick-connect.php", as_name=HOSTILE_NAME)
    port = free_port()
    events = tmp_path / "log" / "events.json"
    log_sock = tmp_path / "log.sock"
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(str(log_sock))
    receiver.settimeout(0.5)
    datagrams: list[str] = []
    done = threading.Event()

    def read_syslog() -> None:  # as journald does: always reading
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                datagrams.append(receiver.recv(65536).decode())

    reader = threading.Thread(target=read_syslog, daemon=True)
    reader.start()
    env = {
        "SPAMTRACE_METRICS_LISTEN": f"127.0.0.1:{port}",
        "SPAMTRACE_EVENTS_PATH": str(events),
        "SPAMTRACE_EVENTS_SYSLOG": "true",
        "SPAMTRACE_EVENTS_SYSLOG_SOCKET": str(log_sock),
    }
    try:
        with watching(tmp_path, env=env) as w:
            assert f"metrics: http://127.0.0.1:{port}/metrics" in w.status["notes"]
            before = scrape(port)
            key = ("spamtrace_smtp_connects_total", (("verdict", "suspicious"),))
            assert before[("spamtrace_capture_degraded", ())] == 0
            def stored() -> int:
                return sum(i["connections"] for i in incidents_for(w.db, world.uid or -1))

            send_held(world, script, 5, lambda: stored() >= 5)
            assert sum(i["connections"] for i in wait_connections(w.db, world.uid, 5)) == 5
            after = scrape(port)
            assert after[key] - before[key] >= 5
            assert after[("spamtrace_incidents_open", (("verdict", "suspicious"),))] >= 1
            opened = ("spamtrace_incidents_opened_total", (("verdict", "suspicious"),))
            assert after[opened] - before[opened] >= 1
            assert after[("spamtrace_store_size_bytes", ())] > 0
            assert after[("process_resident_memory_bytes", ())] > 0
            # logrotate renames the file; the next lines go to a new one at the same path
            events.rename(tmp_path / "log" / "events.json.1")
            # the writer compares the path with its file at most once a second: lines written
            # within a second of the rename may still go to the renamed file (logrotate's
            # delaycompress is for that), later ones go to the new file
            time.sleep(1.2)
            send_held(world, script, 3, lambda: stored() >= 8)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not (
                events.exists() and len(mine(read_lines(events), world.uid)) >= 3
            ):
                time.sleep(0.2)
            assert w.stop() == 1, w.stderr
    finally:
        done.set()
        reader.join(5)
        # the rest: the watcher sent every line before it exited (its sender thread is
        # waited for at close), so they are all queued here now (0.6 s of reading left a
        # busy machine's reader behind)
        receiver.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while True:
                datagrams.append(receiver.recv(65536).decode())
        receiver.close()

    first = mine(read_lines(tmp_path / "log" / "events.json.1"), world.uid)
    second = mine(read_lines(events), world.uid)
    attempts = [x for x in first if x["event"]["action"] == "smtp-connect-attempted"]
    later = [x for x in second if x["event"]["action"] == "smtp-connect-attempted"]
    actions = ([x["event"]["action"] for x in first], [x["event"]["action"] for x in second])
    assert (len(attempts), len(later)) == (5, 3), actions  # before and after the rotation
    # the rest: the incident's report and its updates (scanned, ...), in either file
    assert {x["event"]["action"] for x in first + second} <= {
        "smtp-connect-attempted", "incident-opened", "incident-updated",
    }  # fmt: skip
    escaped_path = f"{world.uploads}/wp-\\x1b[31mcache\\u202e.php"
    php = os.path.realpath("/usr/bin/php")
    for doc in attempts + later:
        assert doc["@timestamp"].endswith("Z") and doc["host"]["name"] == socket.gethostname()
        assert doc["event"]["kind"] == "event" and doc["event"]["category"] == ["network"]
        assert isinstance(doc["process"]["pid"], int) and doc["process"]["pid"] > 0
        assert doc["process"]["executable"] == php
        assert doc["user"] == {"id": str(world.uid), "name": world.user}
        assert doc["destination"] == {"ip": world.mx_ip, "port": 25}
        assert doc["file"]["path"] == escaped_path
        assert doc["process"]["command_line"].startswith("php wp-\\x1b[31mcache\\u202e.php ")
        assert doc["spamtrace"]["verdict"] == "suspicious"
        assert doc["spamtrace"]["attribution"] in ("tracepoint", "exec-cache")
    incident_ids = {x["spamtrace"]["incident"]["id"] for x in attempts}
    assert len(incident_ids) == 1
    (opened,) = [x for x in first + second if x["event"]["action"] == "incident-opened"]
    assert opened["event"]["kind"] == "alert"
    assert opened["spamtrace"]["incident"]["id"] in incident_ids
    assert opened["file"]["path"] == escaped_path
    # the same lines went to syslog, one datagram each, the JSON after "spamtrace[PID]: "
    sent = mine([json.loads(d.partition("]: ")[2]) for d in datagrams if "]: {" in d], world.uid)
    written = [*first, *second]
    differ = [(i, a, b) for i, (a, b) in enumerate(zip(sent, written, strict=False)) if a != b]
    assert sent == written, (  # pytest's diff of two lists of documents is cut short
        f"{len(sent)} syslog lines, {len(first)} + {len(second)} in the files; "
        f"first difference: {differ[:1]}"
    )
    assert all(d.startswith(("<30>", "<28>")) for d in datagrams)
    # nothing escaped raw anywhere: no ESC byte or bidi override in either file
    for path in (events, tmp_path / "log" / "events.json.1"):
        raw = path.read_bytes()
        assert b"\x1b" not in raw and "\u202e".encode() not in raw and raw.isascii()


def test_metrics_off_and_a_busy_port_do_not_stop_watch(world: World, tmp_path: Path) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        env = {"SPAMTRACE_METRICS_LISTEN": f"127.0.0.1:{port}"}
        with watching(tmp_path, "--duration", "1", env=env) as w:
            notes = " ".join(w.status["notes"])
            assert f"metrics: cannot listen on 127.0.0.1:{port}: Address already in use" in notes
            assert w.stop() in (0, 1)  # 1: a sender of another test run seen host-wide
    finally:
        holder.close()
    with watching(tmp_path, "--duration", "1", env={"SPAMTRACE_METRICS_LISTEN": ""}) as w:
        assert not any(n.startswith("metrics") for n in w.status["notes"])
        assert w.stop() in (0, 1)


class EventsDaemon(Daemon):
    """The daemon as the unit runs it, with an event file."""

    def write_config(self, extra: str = "") -> None:
        super().write_config(f'[events]\npath = "{self.tmp / "log" / "events.json"}"\n{extra}')


def test_daemon_event_file_follows_sighup_and_a_busy_port_stops_it(
    world: World, tmp_path: Path
) -> None:
    assert world.uid is not None and world.user is not None
    script = world.install_payload("quick-connect.php")
    events = tmp_path / "d" / "log" / "events.json"
    (tmp_path / "d").mkdir()
    d = EventsDaemon(tmp_path / "d")
    try:
        assert wait_for(events.exists)  # the subscribers start just after the control socket

        def attempts_in(path: Path) -> list[dict[str, Any]]:
            docs = mine(read_lines(path), world.uid)
            return [x for x in docs if x["event"]["action"] == "smtp-connect-attempted"]

        # both attempts written (not one and the incident line: the other could then follow
        # the rotation into the new file)
        send_held(world, script, 2, lambda: len(attempts_in(events)) >= 2)
        events.rename(events.with_name("events.json.1"))
        os.kill(d.proc.pid, signal.SIGHUP)  # logrotate's postrotate: systemctl reload
        assert wait_for(lambda: events.exists())  # reopened at once, not at the next line
        d.status()  # answered by its loop once past the reload: the next exec is read at once
        send_held(world, script, 1, lambda: len(attempts_in(events)) >= 1)
        attempts = attempts_in(events.with_name("events.json.1")) + attempts_in(events)
        assert len(attempts) == 3 and len(attempts_in(events)) == 1
        php = os.path.realpath("/usr/bin/php")
        for doc in attempts:
            seen = (doc["process"].get("executable"), doc.get("file", {}).get("path"))
            assert seen == (php, str(script)), json.dumps(doc)
            assert doc["destination"] == {"ip": world.mx_ip, "port": 25}
            assert doc["user"]["name"] == world.user
        # a second daemon (another store) whose metrics port is taken stops at start: exit 3
        other = tmp_path / "other"
        other.mkdir()
        conf = other / "spamtrace.toml"
        conf.write_text(
            f'[store]\npath = "{other / "s.db"}"\n[daemon]\nsocket = "{other / "c.sock"}"\n'
            f'[metrics]\nlisten = "{d.metrics}"\n'
        )
        env = {**os.environ, "SPAMTRACE_CONFIG": str(conf),
               "SPAMTRACE_CONFIG_DIR": str(other / "conf.d")}  # fmt: skip
        r = subprocess.run(
            [*unit_command("spamtrace.service"), "--firewall-state-dir", str(other / "fw"),
             "--no-nflog"],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert r.returncode == 3, r.stdout + r.stderr
        assert f"metrics: cannot listen on {d.metrics}: Address already in use" in r.stderr
        assert "Traceback" not in r.stderr
        assert d.stop() == 0, d.output()
    finally:
        if d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait(timeout=30)
        remove_instance(d.proc.pid)
