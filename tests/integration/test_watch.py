"""`spamtrace watch` end to end, as root: tracepoint + proc connector + store, in the test world.

The tracepoint is host-wide and other tests run at the same time, so every assertion is
filtered by this world's uid or destination address.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stcli import spamtrace
from world import World

from spamtrace.sources.tracefs import find_tracefs

TRACEFS_INSTANCES = Path("/sys/kernel/tracing/instances")


class Watcher:
    """`spamtrace watch --json` running in the background; lines are parsed on stop()."""

    def __init__(self, db: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        self.db = db
        argv = [
            sys.executable,
            "-m",
            "spamtrace",
            "watch",
            "--json",
            "--no-nflog",
            "--db",
            str(db),
            *extra,
        ]
        self.proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        if not first:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"watch did not start: {err}")
        self.status = json.loads(first)
        assert self.status["type"] == "status", first
        self.lines: list[dict[str, Any]] = []
        self.stderr = ""
        self.returncode: int | None = None
        # keep reading stdout so that the watcher never blocks on a full pipe
        self._raw: list[str] = []
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._raw.append(line)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout)
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()
        self.lines = [json.loads(x) for x in self._raw if x.strip()]
        self.returncode = self.proc.returncode
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self._reader.join(5)

    def events(self, uid: int) -> list[dict[str, Any]]:
        return [
            x
            for x in self.lines
            if x.get("type") in ("connect-attempted", "connect-blocked") and x.get("uid") == uid
        ]

    def summary(self) -> dict[str, Any]:
        (s,) = [x for x in self.lines if x.get("type") == "summary"]
        return s


@contextlib.contextmanager
def watching(tmp: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[Watcher]:
    w = Watcher(tmp / "watch.db", *extra, env=env)
    try:
        yield w
    finally:
        w.kill()
        _remove_instance(w.pid)


def instance_of(pid: int) -> Path:
    """The tracefs instance of watcher ``pid`` (``spamtrace-<pid>-<store tag>``)."""
    found = sorted(TRACEFS_INSTANCES.glob(f"spamtrace-{pid}-*"))
    return found[0] if found else TRACEFS_INSTANCES / f"spamtrace-{pid}"


def _remove_instance(pid: int) -> None:
    for inst in TRACEFS_INSTANCES.glob(f"spamtrace-{pid}-*"):  # its reader and its journal
        _remove_one(inst)


def _remove_one(inst: Path) -> None:
    if inst.is_dir():
        with contextlib.suppress(OSError):
            (inst / "events/sock/inet_sock_set_state/enable").write_text("0")
        with contextlib.suppress(OSError):
            inst.rmdir()


def incidents_for(db: Path, uid: int) -> list[dict[str, Any]]:
    r = spamtrace("incidents", "--json", "--since", "all", "--db", str(db))
    assert r.returncode in (0, 1), r.stderr
    doc = json.loads(r.stdout)
    assert doc["schema"] == "spamtrace.incidents/1"
    return [i for i in doc["incidents"] if i["uid"] == uid]


def wait_connections(db: Path, uid: int, count: int, timeout: float = 30) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        incs = incidents_for(db, uid)
        if sum(i["connections"] for i in incs) >= count or time.monotonic() > deadline:
            return incs
        time.sleep(0.2)


def run_as_user(world: World, argv: list[str], timeout: float = 60) -> str:
    proc = world.spawn_as_user(argv)
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return out


# --------------------------------------------------------------------------------------- tests
def test_php_sub_ms_connections_make_exactly_one_incident(world: World, tmp_path: Path) -> None:
    n = 25
    script = world.install_payload("quick-connect.php")
    assert world.uid is not None and world.uploads is not None
    with watching(tmp_path) as w:
        out = run_as_user(world, ["php", script.name, world.mx_ip, "25", str(n)])
        assert out.strip() == f"connected {n}/{n}"
        incs = wait_connections(w.db, world.uid, n)
        code = w.stop()
    assert code == 1, w.stderr  # a suspicious incident was opened
    assert len(incs) == 1, incs
    inc = incs[0]
    assert inc["connections"] == n
    assert inc["verdict"] == "suspicious"
    assert inc["user"] == world.user
    assert inc["exe"] == os.path.realpath("/usr/bin/php")
    assert inc["cwd"] == str(world.uploads)
    assert str(script) in inc["scripts"], json.dumps(inc)
    assert inc["destinations"] == [f"{world.mx_ip}:25"]
    assert inc["first_seen"] and inc["last_seen"]
    # the watch stream: every connection, each attributed, one incident-opened line
    events = w.events(world.uid)
    assert len(events) == n
    assert {e["attribution"] for e in events} <= {"tracepoint", "exec-cache"}
    assert {e["incident"] for e in events} == {inc["id"]}
    opened = [
        x
        for x in w.lines
        if x.get("type") == "incident-opened" and x["incident"]["id"] == inc["id"]
    ]
    assert len(opened) == 1
    assert any(str(world.uploads) in a for a in opened[0]["incident"]["advice"])
    # `incident ID` shows the connections and the folder
    r = spamtrace("incident", inc["id"], "--json", "--db", str(w.db))
    assert r.returncode == 0, r.stderr
    detail = json.loads(r.stdout)
    assert len(detail["events"]) == n
    assert detail["incident"]["process"]["cwd"] == str(world.uploads)
    human = spamtrace("incident", inc["id"], "--db", str(w.db))
    assert str(world.uploads) in human.stdout and "what to do" in human.stdout


def test_suspicious_incident_names_the_php_file(world: World, tmp_path: Path) -> None:
    """The sender exits at once; its script and folder (from the exec cache) are scanned."""
    script = world.install_payload("wp-cache.php")
    assert world.uid is not None and world.uploads is not None
    with watching(tmp_path) as w:
        out = run_as_user(world, ["php", script.name, world.mx_ip, "25", "2", "0"])
        assert out.strip() == "sent 2/2"
        incs = wait_connections(w.db, world.uid, 2)
        deadline = time.monotonic() + 10  # the scan result is stored after the opening
        while not (incs and incs[0].get("suspect_files")) and time.monotonic() < deadline:
            time.sleep(0.2)
            incs = incidents_for(w.db, world.uid)
        code = w.stop()
    assert code == 1, w.stderr
    assert len(incs) == 1, incs
    inc = incs[0]
    assert inc["verdict"] == "suspicious" and inc["scripts"] == [str(script)]
    # the incident-opened line names the file
    (opened,) = [
        x["incident"]
        for x in w.lines
        if x.get("type") == "incident-opened" and x["incident"]["id"] == inc["id"]
    ]
    suspects = [f for f in opened["suspect_files"] or [] if f["path"] == str(script)]
    assert len(suspects) == 1, opened
    assert suspects[0]["verdict"] in ("suspicious", "malicious"), suspects
    assert suspects[0]["rules"] and suspects[0]["score"] > 0
    assert opened["advice"][0].startswith(f"this is the file: {script}")
    # and so do the store, `incidents --json` and `incident ID`
    assert inc["suspect_files"] == opened["suspect_files"]
    r = spamtrace("incident", inc["id"], "--json", "--db", str(w.db))
    assert json.loads(r.stdout)["incident"]["suspect_files"] == opened["suspect_files"]
    human = spamtrace("incident", inc["id"], "--db", str(w.db)).stdout
    assert f"{script}: {suspects[0]['verdict']}, score" in human
    assert w.summary()["scan"]["scanned"] >= 1
    # the scan thread's yara-x objects are released on that thread: a clean exit
    assert "Error" not in w.stderr and "Traceback" not in w.stderr, w.stderr


@pytest.mark.parametrize(
    ("interp", "name", "code"),
    [
        (
            "/usr/bin/python3",
            "mailer.py",
            "import socket,sys\n"
            "for _ in range(int(sys.argv[2])):\n"
            "    s = socket.create_connection((sys.argv[1], 25), timeout=5); s.close()\n",
        ),
        (
            "/usr/bin/perl",
            "mailer.pl",
            "use IO::Socket::INET;\n"
            "for (1..$ARGV[1]) { my $s = IO::Socket::INET->new(PeerAddr => $ARGV[0],"
            " PeerPort => 25, Proto => 'tcp') or die; close($s); }\n",
        ),
    ],
)
def test_python_and_perl_senders(
    world: World, tmp_path: Path, interp: str, name: str, code: str
) -> None:
    assert world.uid is not None and world.uploads is not None
    path = world.uploads / name
    path.write_text(code)
    os.chown(path, world.uid, -1)
    n = 5
    with watching(tmp_path) as w:
        run_as_user(world, [interp, name, world.mx_ip, str(n)])
        incs = wait_connections(w.db, world.uid, n)
        w.stop()
    assert len(incs) == 1, incs
    inc = incs[0]
    assert inc["connections"] == n and inc["verdict"] == "suspicious"
    assert inc["exe"] == os.path.realpath(interp)
    assert inc["cwd"] == str(world.uploads)
    assert str(path) in inc["scripts"]


#: a root daemon starting a job as a user the way systemd-run --uid=USER has PID 1 do it: a
#: fork of root that drops to the user's uid and execs the program itself (no shell, no
#: runuser); argv: USER "cd FOLDER && PROGRAM ARGS... > OUT 2>&1 < /dev/null"
ROOT_FORK = """\
import os, pwd, shlex, sys
user = pwd.getpwnam(sys.argv[1])
where, _, rest = sys.argv[2].partition(" && ")
argv = shlex.split(rest.split(" > ")[0])
out = rest.split(" > ")[1].split()[0]
pid = os.fork()
if pid == 0:
    os.setsid()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.fchown(fd, user.pw_uid, user.pw_gid)
    os.dup2(fd, 1); os.dup2(fd, 2)
    os.chdir(where.removeprefix("cd "))
    os.setgroups([]); os.setgid(user.pw_gid); os.setuid(user.pw_uid)
    os.execv("/usr/bin/php", argv)
os.waitpid(pid, 0)
"""


def _detached_run(world: World, how: str, job: str) -> None:
    """Run the shell commands ``job`` as the world's user, detached from this test: no shell
    of ours, no terminal. ``at``: queued with ``at now`` (mail off) and run by ``atd -s`` (one
    pass over the queue: the job's parent is atd, as on a host where a stolen account queues
    its spam run with at); ``daemonised``: ``setsid -f`` (a double fork: the job's parent is
    init, the way a script daemonises itself). systemd-run --uid needs systemd as PID 1."""
    assert world.user is not None and world.uploads is not None
    if how == "root-fork":
        world.spawn([sys.executable, "-c", ROOT_FORK, world.user, job], cwd="/",
                    in_server_ns=False, stdin=subprocess.DEVNULL).wait(timeout=60)  # fmt: skip
        return
    if how == "daemonised":
        world.spawn(["setsid", "-f", "sh", "-c", job], user=world.user, cwd=world.uploads,
                    in_server_ns=False, stdin=subprocess.DEVNULL).wait(timeout=30)  # fmt: skip
        return
    queued = subprocess.run(
        ["runuser", "-u", world.user, "--", "at", "-M", "now"], input=job, text=True,
        cwd=world.uploads, capture_output=True, timeout=30, check=False,
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    try:
        ran = subprocess.run(["atd", "-s"], capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0, ran.stderr
    finally:  # a job atd did not take is removed: nothing of the test is left queued
        left = subprocess.run(["atq"], capture_output=True, text=True, check=False).stdout
        for line in left.splitlines():
            fields = line.split()
            if len(fields) > 1 and fields[-1] == world.user:
                subprocess.run(["atrm", fields[0]], check=False)


@pytest.mark.parametrize(
    ("how", "payload", "folder"),
    [
        ("at", "wp-cache.php", "uploads"),
        ("at", "quick-connect.php", "/"),  # as systemd-run --uid starts it: in /, by its path
        ("daemonised", "wp-cache.php", "uploads"),
        ("daemonised", "quick-connect.php", "/"),
        ("root-fork", "quick-connect.php", "/"),  # systemd-run --uid: PID 1 forks, setuid, exec
        ("root-fork", "wp-cache.php", "/"),
    ],
)
def test_a_spam_run_started_by_at_or_daemonised_is_the_accounts_and_its_scripts(
    world: World, tmp_path: Path, how: str, payload: str, folder: str
) -> None:
    """A spam run started with no shell or terminal of the account's behind it (an ``at`` job:
    its parent atd, a daemon; or a double fork: its parent init) is attributed as any run: the
    account, the script, its folder. Also from ``/`` with the script named by its path (what
    ``systemd-run --uid`` does: no working folder of the account's), and by a sender that
    exits within a millisecond (known from the exec cache)."""
    assert world.uid is not None and world.uploads is not None
    if how == "at" and not os.path.exists("/usr/sbin/atd"):
        pytest.fail("the at package is not installed (scripts/test.sh installs it)")
    script = world.install_payload(payload)
    out = world.uploads / f"{how}.out"
    n = 3
    where = str(world.uploads) if folder == "uploads" else folder
    args = f"{world.mx_ip} 25 {n}" + (" 0.3" if payload == "wp-cache.php" else "")
    job = f"cd {where} && php {script} {args} > {out} 2>&1 < /dev/null\n"
    with watching(tmp_path) as w:
        _detached_run(world, how, job)
        incs = wait_connections(w.db, world.uid, n, timeout=60)
        deadline = time.monotonic() + 10  # the scan result is stored after the opening
        while time.monotonic() < deadline and not (
            incs and f"{n}/{n}" in out.read_text()
            and (incs[0].get("suspect_files") or payload != "wp-cache.php")
        ):
            time.sleep(0.2)
            incs = incidents_for(w.db, world.uid)
        w.stop()
    last = "sent" if payload == "wp-cache.php" else "connected"
    assert out.read_text().splitlines()[-1:] == [f"{last} {n}/{n}"], out.read_text()
    assert len(incs) == 1, incs
    inc = incs[0]
    assert inc["connections"] == n and inc["verdict"] == "suspicious", inc
    assert inc["user"] == world.user and inc["account"] == world.user, inc
    assert inc["exe"] == os.path.realpath("/usr/bin/php"), inc
    assert inc["scripts"] == [str(script)] and inc["cwd"] == where, inc
    if payload == "wp-cache.php":  # a mailer to the scan (quick-connect.php only connects)
        assert [f["path"] for f in inc["suspect_files"] or []][:1] == [str(script)], inc
    events = w.events(world.uid)
    assert len(events) == n and {e["incident"] for e in events} == {inc["id"]}


def test_renamed_interpreter_names_its_script(world: World, tmp_path: Path) -> None:
    # python copied to a name no list knows, running a script not named like one: known by
    # its ELF build id, whether it is read live or (exited) from the exec cache
    assert world.uid is not None and world.uploads is not None
    gid = pwd.getpwuid(world.uid).pw_gid
    kworker = world.uploads / "kworker"
    kworker.write_bytes(Path(os.path.realpath("/usr/bin/python3")).read_bytes())
    script = world.uploads / "favicon.ico"
    script.write_text(
        "import socket,sys\n"
        "for _ in range(int(sys.argv[2])):\n"
        "    s = socket.create_connection((sys.argv[1], 25), timeout=5); s.close()\n"
    )
    for path in (kworker, script):
        os.chown(path, world.uid, gid)
        os.chmod(path, 0o755)
    n = 3
    with watching(tmp_path, "--no-scan") as w:
        run_as_user(world, ["./kworker", script.name, world.mx_ip, str(n)])
        incs = wait_connections(w.db, world.uid, n)
        w.stop()
    assert len(incs) == 1, incs
    inc = incs[0]
    assert inc["connections"] == n and inc["verdict"] == "suspicious"
    assert inc["exe"] == str(kworker)
    assert str(script) in inc["scripts"], json.dumps(inc)


def test_mta_delivery_is_recorded_as_mta_not_suspicious(world: World, tmp_path: Path) -> None:
    import pwd

    exim = pwd.getpwnam("Debian-exim")
    before = len(world.sink_messages())
    with watching(tmp_path) as w:
        world.exim_deliver("to@remote.example", "Subject: mta test\n\nhello\n")
        assert len(world.wait_sink(before + 1)) == before + 1, "exim did not deliver"
        incs = wait_connections(w.db, exim.pw_uid, 1)
        w.stop()
    mine = [i for i in incs if f"{world.mx_ip}:25" in i["destinations"]]
    assert mine and all(i["verdict"] == "mta" for i in mine), mine
    events = [e for e in w.events(exim.pw_uid) if e["remote"] == f"{world.mx_ip}:25"]
    assert events and {e["verdict"] for e in events} == {"mta"}
    opened = [
        x["incident"]
        for x in w.lines
        if x.get("type") == "incident-opened" and x["incident"]["uid"] == exim.pw_uid
    ]
    assert all(i["verdict"] == "mta" and i["advice"] == [] for i in opened)


def test_mta_deliveries_read_late_are_the_mta_never_suspicious(
    world: World, tmp_path: Path
) -> None:
    """The watcher is stopped (SIGSTOP: a busy host) while Exim delivers, so every exim4 run
    has exited and been reaped before its exec, fork and connect are read: none of them may be
    'suspicious' (was: 'suspicious, unknown uid' when the exec could not be read)."""
    n = 3
    before = len(world.sink_messages())
    with watching(tmp_path) as w:
        time.sleep(0.3)
        os.kill(w.pid, signal.SIGSTOP)
        try:
            for i in range(n):
                world.exim_deliver("to@remote.example", f"Subject: late {i}\n\nhello\n")
            assert len(world.wait_sink(before + n)) == before + n, "exim did not deliver"
        finally:
            os.kill(w.pid, signal.SIGCONT)
        mx = f'"{world.mx_ip}:25"'
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and sum(mx in x for x in list(w._raw)) < n:
            time.sleep(0.2)
        w.stop()
    events = [
        x for x in w.lines
        if x.get("type") == "connect-attempted" and x["remote"] == f"{world.mx_ip}:25"
    ]  # fmt: skip
    assert len(events) == n, events
    assert {e["verdict"] for e in events} == {"mta"}, [(e["verdict"], e["reasons"]) for e in events]
    assert all(e["attribution"] != "tracepoint" for e in events)  # all read late, indeed


def test_burst_of_thousands_loses_none(world: World, tmp_path: Path) -> None:
    """3,000 connects (refused at once: nothing listens on the port) from one process."""
    n = 3000
    port = "2599"
    env = {"SPAMTRACE_SMTP_PORTS": f"[25, 465, 587, {port}]"}
    script = world.install_payload("quick-connect.php")
    assert world.uid is not None
    with watching(tmp_path, env=env) as w:
        out = run_as_user(world, ["php", script.name, world.mx_ip, port, str(n)], timeout=120)
        assert out.strip() == f"connected 0/{n}"
        incs = wait_connections(w.db, world.uid, n, timeout=60)
        w.stop()
    assert sum(i["connections"] for i in incs) == n, incs
    assert len(w.events(world.uid)) == n
    summary = w.summary()
    assert summary["store"]["lost"] == 0 and summary["store"]["error"] is None
    assert summary["tracepoint"]["malformed"] == 0


def test_sigterm_removes_instance_and_stale_ones_are_cleaned(tmp_path: Path) -> None:
    # a stale instance left by a crashed watcher (its pid is not running)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = TRACEFS_INSTANCES / f"spamtrace-{dead.pid}"
    find_tracefs()  # mounts tracefs when needed
    stale.mkdir()
    try:
        with watching(tmp_path) as w:
            inst = instance_of(w.pid)
            assert inst.is_dir()
            assert not stale.exists(), "stale instance not removed at start"
            assert (inst / "trace_clock").read_text().find("[mono]") >= 0
            assert "newstate == 2" in (inst / "events/sock/inet_sock_set_state/filter").read_text()
            code = w.stop(signal.SIGTERM)
            assert code in (0, 1), w.stderr
            assert not inst.exists()
            assert w.summary()["type"] == "summary"
    finally:
        if stale.exists():
            stale.rmdir()


def test_store_survives_kill_9_mid_burst(world: World, tmp_path: Path) -> None:
    port = "2599"
    env = {"SPAMTRACE_SMTP_PORTS": f"[25, {port}]"}
    script = world.install_payload("quick-connect.php")
    assert world.uid is not None
    with watching(tmp_path, env=env) as w:
        sender = world.spawn_as_user(["php", script.name, world.mx_ip, port, "100000"])
        try:
            # wait until a good part is committed, then kill -9 the watcher mid-burst
            deadline = time.monotonic() + 30
            committed = 0
            while committed < 500 and time.monotonic() < deadline:
                time.sleep(0.2)
                committed = sum(i["connections"] for i in incidents_for(w.db, world.uid))
            assert committed >= 500
            os.kill(w.pid, signal.SIGKILL)
            w.proc.wait(timeout=10)
        finally:
            sender.kill()
            sender.wait(timeout=10)
        # the instance of the killed watcher is left behind (by design the next watcher
        # cleans it); everything committed before the kill is there
        db = sqlite3.connect(w.db)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        after = sum(i["connections"] for i in incidents_for(w.db, world.uid))
        assert after >= committed
        r = spamtrace("incidents", "--json", "--since", "all", "--db", str(w.db))
        assert r.returncode in (0, 1)
        # a new watcher reopens the same store and takes over the dead one's instance: what
        # its buffer recorded after the kill is stored too (tests/integration/test_restart.py)
        dead = instance_of(w.pid)
        with watching(tmp_path) as w2:
            assert not dead.exists()
            w2.stop()
        assert sum(i["connections"] for i in incidents_for(w.db, world.uid)) >= after


def test_corrupt_store_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "bad.db"
    db.write_bytes(b"garbage" * 1000)
    r = spamtrace("watch", "--duration", "1", "--db", str(db))
    assert r.returncode == 3
    assert "untouched" in r.stderr and "Traceback" not in r.stderr
    assert db.read_bytes() == b"garbage" * 1000
    r = spamtrace("incidents", "--db", str(db))
    assert r.returncode == 3 and "Traceback" not in r.stderr


def test_blocked_attempts_join_the_incident_with_a_blocked_count(
    server_world: World, tmp_path: Path
) -> None:
    """nft (inside the world's server netns) logs to NFLOG and rejects the user's SYNs."""
    w_ = server_world
    assert w_.uid is not None and w_.server_ns is not None
    group = 20000 + w_.subnet_id
    table = f"""
table inet stwatch {{
    chain out {{
        type filter hook output priority filter; policy accept;
        tcp dport 25 tcp flags & (syn | ack) == syn meta skuid {w_.uid} log group {group}
        tcp dport 25 meta skuid {w_.uid} reject with tcp reset
    }}
}}
"""
    rules = tmp_path / "t.nft"
    rules.write_text(table)
    subprocess.run([*w_.ns_prefix(), "nft", "-f", str(rules)], check=True)
    script = w_.install_payload("quick-connect.php")
    n = 4
    env = {"SPAMTRACE_FIREWALL_NFLOG_GROUP": str(group)}
    db = tmp_path / "watch.db"
    argv = [*w_.ns_prefix(), sys.executable, "-m", "spamtrace", "watch", "--json"]
    proc = subprocess.Popen(
        [*argv, "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        status = json.loads(proc.stdout.readline())
        assert "nflog" in status["sources"], status
        out = run_as_user(w_, ["php", script.name, w_.mx_ip, "25", str(n)])
        assert out.strip() == f"connected 0/{n}"  # all refused by the firewall
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            incs = incidents_for(db, w_.uid)
            if sum(i["blocked"] for i in incs) >= n:
                break
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGTERM)
        out_all, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        _remove_instance(proc.pid)
    incs = incidents_for(db, w_.uid)
    assert len(incs) == 1, (incs, out_all[-3000:])  # the seen SYNs and their NFLOG records
    inc = incs[0]
    assert inc["connections"] == n and inc["blocked"] == n
    assert inc["exe"] == os.path.realpath("/usr/bin/php"), out_all[-4000:]
    assert inc["attribution"].get("nflog-uid-only", 0) == 0
    lines = [json.loads(x) for x in out_all.splitlines() if x.strip()]
    blocked = [x for x in lines if x.get("type") == "connect-blocked" and x["uid"] == w_.uid]
    assert len(blocked) == n and all(x["blocked"] for x in blocked)


# a parent that reaps its child only once told (a file appears): the child connects, exits
# and stays a zombie (its exe, cwd and fds are gone) until then, so that the watcher can only
# know it from its exec
_REAP_LATE = """
import os, subprocess, sys, time
child = subprocess.Popen(sys.argv[2:])
deadline = time.monotonic() + 120
while not os.path.exists(sys.argv[1]) and time.monotonic() < deadline:
    time.sleep(0.02)
sys.exit(child.wait())
"""


def _pid_of(argv0: str, timeout: float = 10) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            with contextlib.suppress(OSError):
                if entry.name.isdecimal() and (entry / "cmdline").read_bytes().startswith(
                    argv0.encode() + b"\0"
                ):
                    return int(entry.name)
        time.sleep(0.02)
    raise AssertionError(f"no process {argv0!r}")


def _wait_zombie(pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
        if stat[stat.rfind(b")") + 2 :].startswith(b"Z"):
            return
        time.sleep(0.02)
    raise AssertionError(f"{pid} did not exit")


def _wait_output(w: Watcher, what: str, found: Any, timeout: float = 120) -> None:
    """Until the running watcher has printed lines for which ``found(lines)`` is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [json.loads(x) for x in list(w._raw) if x.strip()]
        if found(lines):
            return
        time.sleep(0.02)
    raise AssertionError(f"the watcher did not print {what} within {timeout} s")


def test_an_argv0_like_a_process_title_does_not_hide_the_script(
    world: World, tmp_path: Path
) -> None:
    """``exec -a "php: <script>" php <script>``: argv[0] chosen to read like a process title
    ("php-fpm: pool www"). The script is found both when the sender is read live (its open
    script) and when it is gone and only its exec is known (its command line): one incident."""
    script = world.install_payload("quick-connect.php")
    assert world.uid is not None
    argv0 = f"php: {script}"
    go, reap = world.tmp / "argv0-go", world.tmp / "argv0-reap"
    php = f'exec -a "{argv0}" php {script.name} {world.mx_ip} 25'
    marker = f"{world.mx_ip}:2525"
    with watching(tmp_path) as w:
        # the sender waits for `go` after its exec, and its parent reaps it only at `reap`
        held = world.spawn_as_user(
            ["python3", "-c", _REAP_LATE, str(reap), "bash", "-c", f"{php} 3 0 {go}"]
        )
        pid = _pid_of(argv0)
        # connections of this test after the sender's exec, each made once the watcher printed
        # the one before: the second is read in a later pass of the watcher's loop than the
        # first, and each pass reads the proc connector first, so that pass read the exec
        for seen in (1, 2):
            socket.create_connection((world.mx_ip, 2525), timeout=10).close()
            _wait_output(w, f"connection {seen} to {marker}", lambda lines, n=seen: sum(
                x.get("type") == "connect-attempted" and x.get("remote") == marker for x in lines
            ) >= n)  # fmt: skip
        os.kill(w.pid, signal.SIGSTOP)  # stopped while the sender connects, exits, is a zombie
        try:
            go.touch()
            _wait_zombie(pid)
        finally:
            os.kill(w.pid, signal.SIGCONT)
        _wait_output(w, "the zombie's 3 connections", lambda lines: sum(
            x.get("type") == "connect-attempted" and x.get("uid") == world.uid for x in lines
        ) >= 3)  # fmt: skip
        reap.touch()
        held.communicate(timeout=60)
        assert held.returncode == 0
        # read live: the sender stays (after its 2 connections) until the watcher printed them
        hold = world.tmp / "argv0-hold"
        live = world.spawn_as_user(["bash", "-c", f"{php} 2 0 '' {hold}"])
        try:
            _wait_output(w, "the live sender's 2 connections", lambda lines: sum(
                x.get("type") == "connect-attempted" and x.get("uid") == world.uid for x in lines
            ) >= 5)  # fmt: skip
        finally:
            hold.touch()
            live.communicate(timeout=60)
        assert live.returncode == 0
        incs = wait_connections(w.db, world.uid, 5)
        w.stop()
    assert len(incs) == 1, [(i["scripts"], i["cwd"], i["connections"]) for i in incs]
    (inc,) = incs
    assert inc["connections"] == 5 and str(script) in inc["scripts"], inc
    methods = {e["attribution"] for e in w.events(world.uid)}
    assert "exec-cache" in methods, methods  # the zombie was known by its exec alone


FPM_HOLD = """<?php
// harmless test script: one SMTP connection to the test sink, held until the test says
$fp = fsockopen($_GET['h'], 25, $e, $s, 5);
fgets($fp, 512);
for ($i = 0; $i < 3000 && !file_exists($_GET['go']); $i++) usleep(10000);
fclose($fp);
echo "done";
"""


def _attempt_lines(w: Watcher, uid: int) -> int:
    """How many connect attempts of ``uid`` the running watcher has printed so far."""
    return sum(f'"uid":{uid},' in line and "connect-attempted" in line for line in w._raw)


def test_one_fpm_worker_two_requests_each_connect_names_its_own_script(
    world: World, tmp_path: Path
) -> None:
    """One php-fpm worker serves a.php, then b.php (another folder): the worker's pid and
    start time are the same, but the second connect is b.php's, not a.php's read again."""
    assert world.user is not None and world.uploads is not None and world.uid is not None
    gid = pwd.getpwuid(world.uid).pw_gid
    other = world.uploads / "b"
    other.mkdir()
    os.chown(other, world.uid, gid)
    scripts = [world.uploads / "a.php", other / "b.php"]
    for script in scripts:
        script.write_text(FPM_HOLD)
        os.chown(script, world.uid, gid)
    sock = world.php_fpm_pool()
    with watching(tmp_path, "--no-scan") as w:
        for n, script in enumerate(scripts, 1):
            go = world.tmp / f"go{n}"
            env = {
                **os.environ,
                "SCRIPT_FILENAME": str(script),
                "REQUEST_METHOD": "GET",
                "QUERY_STRING": f"h={world.mx_ip}&go={go}",
            }
            request = world.spawn(["cgi-fcgi", "-bind", "-connect", str(sock)], env=env)
            deadline = time.monotonic() + 30  # its connect is seen (a line of watch's)
            while time.monotonic() < deadline and _attempt_lines(w, world.uid) < n:
                time.sleep(0.01)
            go.touch()
            out, _ = request.communicate(timeout=60)
            assert "done" in out, out
        w.stop()
    events = w.events(world.uid)
    assert len(events) == 2, events
    assert [e["scripts"] for e in events] == [[str(s)] for s in scripts], events
    assert [e["cwd"] for e in events] == [str(world.uploads), str(other)], events


FPM_SHORT = """<?php
// harmless test script: one SMTP connection to the test sink, closed at once
$fp = fsockopen($_GET['h'], 25, $e, $s, 5);
fclose($fp);
echo "sent";
"""
FPM_PAGE = """<?php
echo "page";
"""
FPM_ACCESS_FORMAT = '%R - %u %t "%m %r" %s %p %{mili}d %f'


def test_a_short_fpm_request_is_named_from_the_pool_access_log_not_the_next_one(
    world: World, tmp_path: Path
) -> None:
    """A php-fpm request connects, closes and ends in about a millisecond; the worker's next
    request (another script, another folder) follows at once. The watcher reads the worker
    only after both (it is stopped meanwhile, as a busy one is late): the live read shows the
    idle worker (folder /, no script). The pool's access log names the script that connected."""
    assert world.user is not None and world.uploads is not None and world.uid is not None
    gid = pwd.getpwuid(world.uid).pw_gid
    other = world.uploads / "b"
    other.mkdir()
    os.chown(other, world.uid, gid)
    short, page = world.uploads / "a.php", other / "b.php"
    for script, text in ((short, FPM_SHORT), (page, FPM_PAGE)):
        script.write_text(text)
        os.chown(script, world.uid, gid)
    log = world.tmp / "fpm-access.log"
    sock = world.php_fpm_pool(access_log=log, access_format=FPM_ACCESS_FORMAT)
    env = {
        "SPAMTRACE_WATCH_FPM_ACCESS_LOGS": str(log),
        "SPAMTRACE_WATCH_FPM_ACCESS_FORMAT": FPM_ACCESS_FORMAT,
    }
    with watching(tmp_path, "--no-scan", env=env) as w:
        assert any(str(log) in n for n in w.status["notes"]), w.status
        os.kill(w.pid, signal.SIGSTOP)
        try:
            for script, query in ((short, f"h={world.mx_ip}"), (page, "")):
                request_env = {
                    **os.environ, "SCRIPT_FILENAME": str(script), "REQUEST_METHOD": "GET",
                    "QUERY_STRING": query,
                }  # fmt: skip
                request = world.spawn(["cgi-fcgi", "-bind", "-connect", str(sock)], env=request_env)
                out, _ = request.communicate(timeout=60)
                assert ("sent" if script == short else "page") in out, out
        finally:
            os.kill(w.pid, signal.SIGCONT)
        deadline = time.monotonic() + 30  # its connect is seen (a line of watch's)
        while time.monotonic() < deadline and _attempt_lines(w, world.uid) < 1:
            time.sleep(0.02)
        w.stop()
    events = w.events(world.uid)
    assert len(events) == 1, events
    (ev,) = events
    assert ev["attribution"] == "fpm-access-log", ev
    logged = [line.rsplit(" ", 1)[-1] for line in log.read_text().splitlines()]
    assert logged == [str(short), str(page)], logged
    # a.php, and b.php too only when its line was written within a few ms of the connect
    # (the log's times are whole seconds; the file's write time anchors its last line)
    assert ev["scripts"] in ([str(short)], [str(short), str(page)]), ev
    assert ev["cwd"] == str(world.uploads), ev  # not the idle worker's /


def test_the_proc_connector_wakes_for_execs_and_hands_out_every_event_in_order() -> None:
    """Forks and exits wait in a socket that wakes nobody (kernels >= 6.6); a drain still
    hands out the fork, the exec and the exit of a process, in that order, and a fork that
    never execs reaches the reader too."""
    import select

    from spamtrace.sources.proc_connector import (
        ProcConnectorSource,
        ProcEventKind,
        kernel_filters_events,
    )

    if not kernel_filters_events():
        pytest.skip("the kernel does not filter proc-connector events (< 6.6)")
    src = ProcConnectorSource()
    try:
        assert src.split
        child = subprocess.Popen(["/bin/true"])  # fork, exec, exit
        child.wait()
        pid = os.fork()  # fork and exit, no exec
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        execs: list[Any] = []
        deadline = time.monotonic() + 10
        while not any(e.tgid == child.pid for e in execs) and time.monotonic() < deadline:
            if select.select([src.fileno()], [], [], 1.0)[0]:
                execs += src.read_execs()
        assert all(e.kind is ProcEventKind.EXEC for e in execs)
        assert any(e.tgid == child.pid for e in execs)
        assert not any(e.tgid == pid for e in execs)
        events = src.read_events()
        mine = [(e.kind.name, e.tgid) for e in events if e.tgid in (child.pid, pid)]
        assert mine == [
            ("FORK", child.pid), ("EXEC", child.pid), ("EXIT", child.pid),
            ("FORK", pid), ("EXIT", pid),
        ]  # fmt: skip
        times = [e.monotonic for e in events]
        assert times == sorted(times)
    finally:
        src.close()
