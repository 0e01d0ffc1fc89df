"""`spamtrace daemon` as root, started the way spamtrace.service starts it, in the test world;
and the boot firewall unit's command in a test network namespace.

The tracepoint is host-wide and other tests run at the same time, so every assertion on
events is filtered by this world's uid.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stcli import spamtrace
from test_check import wait_for
from test_watch import _remove_instance as remove_instance
from test_watch import instance_of
from world import World, run

from spamtrace.service.units import render_unit

TRACEFS_INSTANCES = Path("/sys/kernel/tracing/instances")


def unit_command(unit: str) -> list[str]:
    """The ExecStart of a shipped unit, rendered for this venv's spamtrace."""
    line = next(x for x in render_unit(unit).splitlines() if x.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


class Daemon:
    """The daemon as the unit runs it: `spamtrace daemon`, config from the environment."""

    def __init__(self, tmp: Path, extra: str = "") -> None:
        self.tmp = tmp
        self.config = tmp / "spamtrace.toml"
        self.socket = tmp / "run" / "control.sock"
        self.socket.parent.mkdir(mode=0o700, exist_ok=True)  # only /run/spamtrace is made
        self.db = tmp / "spamtrace.db"
        self.group = 3000 + secrets.randbelow(20000)
        with socket.socket() as probe:  # a port free now (a random one may be in use)
            probe.bind(("127.0.0.1", 0))
            self.metrics = f"127.0.0.1:{probe.getsockname()[1]}"
        self.write_config(extra)
        self.env = {**os.environ, "SPAMTRACE_CONFIG": str(self.config),
                    "SPAMTRACE_CONFIG_DIR": str(tmp / "conf.d")}  # fmt: skip
        self.log = open(tmp / "daemon.log", "w+")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [*unit_command("spamtrace.service"), "--firewall-state-dir", str(tmp / "fw")],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self.socket.exists():
            assert self.proc.poll() is None, self.output()
            assert time.monotonic() < deadline, "daemon did not open its socket"
            time.sleep(0.1)
        # the socket opens just before the loop starts; an answer comes from the loop, which
        # reads each exec at once from then on (a sender started before it may have exited
        # before its exec was read, and be known by its uid only)
        assert self.status()["pid"] == self.proc.pid, self.output()

    def write_config(self, extra: str = "") -> None:
        self.config.write_text(
            f'[store]\npath = "{self.db}"\n[daemon]\nsocket = "{self.socket}"\n'
            f'[firewall]\nnflog_group = {self.group}\n[metrics]\nlisten = "{self.metrics}"\n'
            f"{extra}"
        )

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return (self.tmp / "daemon.log").read_text()

    def status(self) -> dict[str, Any]:
        r = spamtrace("status", "--json", "--socket", str(self.socket))
        assert r.returncode == 0, r.stderr
        doc: dict[str, Any] = json.loads(r.stdout)
        return doc

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
        code = self.proc.wait(timeout=30)
        self.log.close()
        return code


@contextlib.contextmanager
def daemon_running(tmp: Path, extra: str = "") -> Iterator[Daemon]:
    d = Daemon(tmp, extra)
    try:
        yield d
    finally:
        if d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait(timeout=30)
        remove_instance(d.proc.pid)


def test_daemon_catches_php_sender_reports_status_one_instance_reload_and_clean_stop(
    world: World, tmp_path: Path
) -> None:
    script = world.install_payload("quick-connect.php")
    assert world.uid is not None
    with daemon_running(tmp_path) as d:
        st = d.status()
        assert st["schema"] == "spamtrace.status/1" and st["pid"] == d.proc.pid
        assert st["capture_mode"] == "tracepoint" and st["events_lost"] == 0
        assert os.stat(d.socket).st_mode & 0o777 == 0o600
        # a PHP sender, caught, attributed and in an incident
        n = 5
        proc = world.spawn_as_user(["php", script.name, world.mx_ip, "25", str(n)])
        out, err = proc.communicate(timeout=60)
        assert out.strip() == f"connected {n}/{n}", err

        def mine() -> list[dict[str, Any]]:
            r = spamtrace("incidents", "--json", "--since", "all", "--db", str(d.db))
            return [i for i in json.loads(r.stdout)["incidents"] if i["uid"] == world.uid]

        incs = wait_for(lambda: [i for i in mine() if i["connections"] >= n], 30)
        assert incs and incs[0]["verdict"] == "suspicious" and str(script) in incs[0]["scripts"]
        st = d.status()
        assert st["events"] >= n and st["incidents_opened"] >= 1 and st["alerting_incidents"] >= 1
        # the metrics endpoint the status names counts it too
        assert st["metrics"]["listen"] == d.metrics
        import urllib.request

        with urllib.request.urlopen(f"http://{d.metrics}/metrics", timeout=10) as resp:
            text = resp.read().decode()
        assert 'spamtrace_smtp_connects_total{verdict="suspicious"}' in text
        # the journal line waits for the scan of the sender's folder (at most budget + 1 s)
        assert wait_for(lambda: f"SUSPICIOUS incident {incs[0]['id']}" in d.output(), 10)
        # the human status reads well
        human = spamtrace("status", env={"SPAMTRACE_CONFIG": str(d.config)})
        assert human.returncode == 0 and "spamtrace daemon: running" in human.stdout
        # a non-root user may not ask (the socket is root only)
        assert world.user is not None
        connect = (
            "import socket, sys\ns = socket.socket(socket.AF_UNIX)\n"
            "try:\n    s.connect(sys.argv[1])\nexcept PermissionError:\n    sys.exit(7)"
        )
        denied = subprocess.run(
            ["runuser", "-u", world.user, "--", "/usr/bin/python3", "-c", connect, str(d.socket)],
            capture_output=True, text=True, timeout=60, cwd="/",
        )  # fmt: skip
        assert denied.returncode == 7, denied.stderr
        # one instance per store: a second daemon and a watch are refused, naming the pid
        for cmd in (["daemon", "--socket", str(tmp_path / "other.sock")], ["watch"]):
            r = spamtrace(
                *cmd, "--db", str(d.db), "--no-nflog", env={"SPAMTRACE_CONFIG": str(d.config)}
            )
            assert r.returncode == 2, r.stderr
            assert f"pid {d.proc.pid}" in r.stderr and r.stderr.count("\n") == 1, r.stderr
        # SIGHUP with a broken config: reported, the old config stays, still catching
        d.config.write_text(d.config.read_text() + "[accounts]\nmin_uidd = 5\n")
        os.kill(d.proc.pid, signal.SIGHUP)
        st = wait_for(lambda: (s := d.status())["config"]["reload_error"] and s)
        assert "min_uidd" in st["config"]["reload_error"]
        assert "config NOT reloaded" in d.output()
        # `status` under the broken config still asks the daemon (and says the config is bad)
        r = spamtrace("status", "--socket", str(d.socket), env={"SPAMTRACE_CONFIG": str(d.config)})
        assert r.returncode == 2 and "min_uidd" in r.stderr and "REFUSED" in r.stdout
        before = st["events"]
        proc = world.spawn_as_user(["php", script.name, world.mx_ip, "25", "2"])
        proc.communicate(timeout=60)
        assert wait_for(lambda: d.status()["events"] >= before + 2)
        # SIGHUP with a good config: taken
        d.write_config()
        os.kill(d.proc.pid, signal.SIGHUP)
        assert wait_for(lambda: d.status()["config"]["reload_error"] is None)
        # SIGTERM: a clean stop, no socket file, no tracefs instance
        pid = d.proc.pid

        assert instance_of(pid).is_dir()
        assert d.stop() == 0, d.output()
        assert not d.socket.exists()
        assert not instance_of(pid).exists()
        # its journal instance too ([daemon] keep_trace_buffer is off by default)
        assert not sorted(instance_of(pid).parent.glob(f"spamtrace-{pid}-*")), "instance left"
        assert "daemon stopping" in d.output()
    r = spamtrace("status", "--socket", str(d.socket))
    assert r.returncode == 3 and "no spamtrace daemon is running" in r.stderr


def test_boot_unit_restores_only_the_confirmed_firewall(tmp_path: Path) -> None:
    ns = f"stb{secrets.token_hex(3)}"
    run(["ip", "netns", "add", ns])
    try:
        prefix = ["ip", "netns", "exec", ns]
        state = tmp_path / "fw"
        conf = tmp_path / "spamtrace.toml"

        def fw(*args: str) -> subprocess.CompletedProcess[str]:
            return spamtrace("--config", str(conf), "firewall", *args, "--state-dir", str(state),
                             prefix=prefix)  # fmt: skip

        def boot() -> subprocess.CompletedProcess[str]:
            argv = [*unit_command("spamtrace-firewall.service"), "--state-dir", str(state)]
            return subprocess.run([*prefix, *argv], capture_output=True, text=True, timeout=60,
                                  env={**os.environ, "SPAMTRACE_CONFIG": str(conf)})  # fmt: skip

        def table() -> str:
            r = run([*prefix, "nft", "list", "table", "inet", "spamtrace"], check=False)
            return r.stdout if r.returncode == 0 else ""

        # nothing confirmed yet: the boot loads nothing
        conf.write_text('[firewall]\nallow_users = ["nobody"]\n')
        r = boot()
        assert r.returncode == 0 and "nothing loaded" in r.stdout and not table()
        # applied and confirmed (no rollback): the policy with nobody allowed
        assert fw("apply", "--no-rollback").returncode == 0
        confirmed = table()
        assert confirmed and "65534" in confirmed
        # a simulated reboot: everything gone, the unit's command brings it back
        run([*prefix, "nft", "flush", "ruleset"])
        assert not table()
        r = boot()
        assert r.returncode == 0 and "loaded the firewall rules confirmed" in r.stdout, r.stderr
        assert table() == confirmed
        # a new policy on trial (not confirmed), then a reboot: the old one comes back
        conf.write_text("[firewall]\n")
        r = fw("apply", "--timeout", "600")
        assert r.returncode == 0 and "rolls back" in r.stdout, r.stderr
        rollback_pid = int(json.loads((state / "pending.json").read_text())["pid"])
        assert "65534" not in table()
        run([*prefix, "nft", "flush", "ruleset"])
        assert boot().returncode == 0
        assert table() == confirmed  # never the unconfirmed one
        # ... and the trial's rollback process (still here: no real reboot) was stopped
        deadline = time.monotonic() + 10
        while os.path.exists(f"/proc/{rollback_pid}") and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(rollback_pid, os.WNOHANG)
            time.sleep(0.1)
        assert not os.path.exists(f"/proc/{rollback_pid}")
        # `firewall remove` forgets the confirmed policy: the next boot loads nothing
        assert fw("remove").returncode == 0
        r = boot()
        assert r.returncode == 0 and "nothing loaded" in r.stdout and not table()
    finally:
        pending = tmp_path / "fw" / "pending.json"
        if pending.exists():  # the trial's rollback process: stop it
            with contextlib.suppress(ValueError, OSError, ProcessLookupError):
                os.kill(int(json.loads(pending.read_text())["pid"]), signal.SIGTERM)
        run(["ip", "netns", "del", ns], check=False)


def test_a_fifo_put_at_an_accounts_php_mail_log_neither_stops_capture_nor_the_daemon(
    world: World, tmp_path: Path
) -> None:
    """audit's fix puts a pool's mail.log in its user's ~/logs: the account may replace it. A
    FIFO there made the mail-log source wait for a writer while it held the lock that the
    engine's loop takes: the daemon could not stop (SIGTERM did nothing)."""
    assert world.home is not None and world.user is not None and world.uid is not None
    logs = world.home / "logs"
    as_user = ["runuser", "-u", world.user, "--"]
    run([*as_user, "mkdir", "-p", str(logs)])
    run([*as_user, "touch", str(logs / "php-mail.log")])
    script = world.install_payload("quick-connect.php")
    with daemon_running(tmp_path, f'[mail]\nphp_logs = ["{logs / "php-mail.log"}"]\n') as d:
        assert "mail-logs" in d.status()["sources"]
        line = (
            "[05-Dec-2026 10:00:00 UTC] mail() on [/home/x/public_html/f.php:3]: "
            "To: a@example.net -- Headers: From: x@example.net\n"
        )
        swap = (
            f"printf '%s' \"$1\" >> {logs}/php-mail.log && mv {logs}/php-mail.log "
            f"{logs}/php-mail.log.old && mkfifo {logs}/php-mail.log"
        )
        run([*as_user, "sh", "-c", swap, "sh", line])
        time.sleep(1.0)  # the source looks every 0.1 s: it has met the FIFO
        proc = world.spawn_as_user(["php", script.name, world.mx_ip, "25", "2"])
        proc.communicate(timeout=60)

        def mine() -> list[dict[str, Any]]:
            r = spamtrace("incidents", "--json", "--since", "all", "--db", str(d.db))
            return [i for i in json.loads(r.stdout)["incidents"] if i["uid"] == world.uid]

        assert wait_for(lambda: any(i["connections"] >= 2 for i in mine()), 30), d.output()
        try:
            code = d.stop()
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):  # lets the waiting open() return
                os.close(os.open(logs / "php-mail.log", os.O_WRONLY | os.O_NONBLOCK))
            raise AssertionError("the daemon did not stop on SIGTERM") from None
        assert code == 0, d.output()


def test_a_sender_that_runs_and_exits_while_the_engine_starts_is_known_by_its_exec(
    world: World, monkeypatch: Any
) -> None:
    """The start after the proc connector opens (trace buffer take-over, scanner workers,
    alert channels, control socket) can take a second on a busy host: a process that exec'd
    and exited meanwhile was read only when the loop started, gone from /proc by then (a CI
    run's sender was known by its uid alone). Its exec is read at once now."""
    from spamtrace.config import Config
    from spamtrace.service.engine import Engine, EngineOptions

    short: list[int] = []
    open_fpm_logs = Engine._open_fpm_logs  # the first step after the proc connector opens
    code = "import os, time; print(os.getpid(), flush=True); time.sleep(0.3)"

    def slow_start(self: Engine) -> None:
        proc = world.spawn_as_user(["python3", "-c", code], stdout=subprocess.PIPE)
        out, _ = proc.communicate(timeout=30)
        short.append(int(out))  # runuser's child
        time.sleep(0.5)  # the rest of a slow start
        open_fpm_logs(self)

    monkeypatch.setattr(Engine, "_open_fpm_logs", slow_start)
    engine = Engine(Config(), EngineOptions(store_path=None, nflog=False, scan=False), [])
    try:
        engine.open()
        assert engine.exec_cache is not None, engine.degraded
        engine.run(0.2)
        (pid,) = short
        info = engine.exec_cache.lookup(pid)
        assert info is not None and info.exe is not None, info
        assert os.path.basename(info.exe).startswith("python3"), info.exe
        assert info.uid == world.uid and info.cwd == str(world.uploads), info
    finally:
        engine.close()


PACED_SENDER = """\
import socket, sys, time
for i in range(int(sys.argv[2])):
    try:
        with socket.create_connection((sys.argv[1], 25), timeout=3) as s:
            s.recv(100)
    except OSError:
        pass
    time.sleep(0.1)
"""


def test_a_reload_to_enforce_acts_on_the_spam_run_going_on(server_world: World) -> None:
    """An admin watches a spam run in observe mode ("block-uid would"), sets mode = enforce
    and reloads the daemon: the run went on unblocked (72 connects in 10 s, no block, no
    stop), its incident's decisions counted as made. It is blocked and stopped now."""
    w = server_world
    assert w.uploads is not None and w.uid is not None and w.user is not None
    tmp = w.tmp / "daemon"
    tmp.mkdir()
    config, db, sock = tmp / "c.toml", tmp / "s.db", tmp / "ctl.sock"
    group = 3000 + secrets.randbelow(20000)

    def write(mode: str) -> None:
        config.write_text(
            f'mode = "{mode}"\n[metrics]\nlisten = ""\n[firewall]\nnflog_group = {group}\n'
            f'[responses]\nonly_accounts = ["{w.user}"]\nquarantine = false\n'
        )

    write("observe")
    log = open(tmp / "daemon.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [*w.ns_prefix(), *unit_command("spamtrace.service"), "--db", str(db),
         "--socket", str(sock), "--firewall-state-dir", str(tmp / "fw")],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "SPAMTRACE_CONFIG": str(config),
             "SPAMTRACE_CONFIG_DIR": str(tmp / "conf.d")},
    )  # fmt: skip
    try:
        assert wait_for(lambda: sock.exists(), 30), (tmp / "daemon.log").read_text()
        sender = w.uploads / "paced.py"
        sender.write_text(PACED_SENDER)
        spam = w.spawn_as_user(["/usr/bin/python3", sender.name, w.mx_ip, "300"])

        def statuses() -> list[tuple[str, str]]:
            r = spamtrace("incidents", "--json", "--since", "all", "--db", str(db))
            if r.returncode not in (0, 1):
                return []
            mine = [i for i in json.loads(r.stdout)["incidents"] if i["uid"] == w.uid]
            return [(a["action"], a["status"]) for i in mine for a in i.get("actions", [])]

        assert wait_for(lambda: ("block-uid", "would") in statuses(), 30), statuses()
        write("enforce")
        os.kill(proc.pid, signal.SIGHUP)
        assert wait_for(lambda: ("block-uid", "done") in statuses(), 30), (
            statuses(), (tmp / "daemon.log").read_text())
        listed = run([*w.ns_prefix(), "nft", "list", "set", "inet", "spamtrace",
                      "blocked_uids"], check=False).stdout  # fmt: skip
        assert str(w.uid) in listed, listed
        assert ("stop-process", "done") in statuses()
        assert spam.poll() is None  # stopped (SIGSTOP), not gone: `release` resumes it
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
        log.close()
        remove_instance(proc.pid)


def test_an_over_long_exim_line_in_a_followed_log_is_counted_not_read(tmp_path: Path) -> None:
    """The daemon's mail-log follower gets the Exim setting for over-long lines: a 70 KB
    `<=` line appended to a followed main log (longer than Exim writes) is counted in
    `status` as over-long and not read as a message; the next line is read."""
    mainlog = tmp_path / "exim_mainlog"
    mainlog.write_text("")
    extra = (
        f'[mail]\nexim_logs = ["{mainlog}"]\npostfix_logs = []\n'
        'php_logs = ["/nonexistent/php-mail.log"]\nrestore_hours = 0\n'
    )
    with daemon_running(tmp_path, extra) as d:

        def followed() -> dict[str, Any]:
            logs = d.status()["mail_logs"] or []
            return next((x for x in logs if x["path"] == str(mainlog)), {})

        assert followed().get("kind") == "exim", d.status()
        long_line = (
            "2026-12-06 10:00:00 1xZB11-0000c1-11 <= www@host.example U=www P=local S=310 "
            "for " + " ".join(f"r{i}@example.net" for i in range(5000)) + "\n"
        )
        assert len(long_line) > 64 * 1024
        with mainlog.open("a") as fh:
            fh.write(long_line)
            fh.write("2026-12-06 10:00:01 1xZB12-0000c2-12 <= shop@h U=shop P=local S=387\n")
        assert wait_for(lambda: followed().get("events", 0) >= 1, 20), (followed(), d.output())
        log = followed()
        assert log["long_lines"] == 1 and log["events"] == 1, log
        shown = spamtrace("status", "--socket", str(d.socket))
        assert f"{mainlog}: 1 over-long line(s) (not read)" in shown.stdout, shown.stdout
        assert d.stop() == 0, d.output()
