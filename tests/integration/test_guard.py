"""The guard as an admin runs it: `spamtrace daemon` in enforce mode in the world's server
netns (its nft transactions go to that namespace's own `table inet spamtrace`), as root.

The tracepoint is host-wide and other tests run at the same time: `[responses] only_accounts`
limits the responses to this world's user, and every assertion is filtered by its uid. Every
wait polls with a generous deadline; no sleep is an assertion.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from stcli import spamtrace
from test_watch import _remove_instance as remove_instance
from world import PAYLOADS, World, run

T = TypeVar("T")


def wait_for(check: Callable[[], T], timeout: float = 30.0, what: str = "") -> T:
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.05)


class NsDaemon:
    """`spamtrace daemon` in the world's server netns, enforce mode, its own config/store."""

    def __init__(
        self, world: World, tmp: Path, db: Path | None = None, port: int = 25, **responses: Any
    ) -> None:
        assert world.server_ns is not None and world.user is not None
        self.world = world
        self.tmp = tmp
        self.config = tmp / "spamtrace.toml"
        self.socket = tmp / "run" / "control.sock"
        self.socket.parent.mkdir(mode=0o700, exist_ok=True)  # only /run/spamtrace is made
        self.db = db or tmp / "spamtrace.db"
        self.group = 3000 + secrets.randbelow(20000)
        self.port = port  # the one SMTP port it watches (25: the defaults)
        smtp = f"[smtp]\nports = [{port}]\nrelay_ports = [{port}]\n" if port != 25 else ""
        # its own quarantine: the default one is the host's (/var/lib/spamtrace)
        keys = {"only_accounts": [world.user], "stop": False,
                "quarantine_dir": str(tmp / "quarantine"), **responses}  # fmt: skip
        self.config.write_text(
            'mode = "enforce"\n'
            f'[store]\npath = "{self.db}"\n'
            f'[daemon]\nsocket = "{self.socket}"\nfirewall_check_interval = 1\n'
            f"[firewall]\nnflog_group = {self.group}\n"
            '[metrics]\nlisten = ""\n' + smtp +
            "[responses]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())
        )
        self.env = {"SPAMTRACE_CONFIG": str(self.config),
                    "SPAMTRACE_CONFIG_DIR": str(tmp / "conf.d")}  # fmt: skip
        self.proc: subprocess.Popen[str] | None = None
        self.runs = 0


    def kill(self) -> None:
        """A test's end: the daemon killed if it still runs, and its trace instance removed."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
            remove_instance(self.proc.pid)
    def start(self) -> None:
        self.runs += 1
        log = open(self.tmp / f"daemon-{self.runs}.log", "w")  # noqa: SIM115 (the child has it)
        self.proc = subprocess.Popen(
            [*self.world.ns_prefix(), sys.executable, "-m", "spamtrace", "daemon",
             "--firewall-state-dir", str(self.tmp / "fw")],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env},
            start_new_session=True, text=True,
        )  # fmt: skip
        log.close()
        proc = self.proc

        def answers() -> bool:
            assert proc.poll() is None, self.output()
            r = self.cli("status", "--json")  # a socket left by a killed run does not answer
            return r.returncode == 0 and json.loads(r.stdout)["pid"] == proc.pid

        wait_for(answers, 60, "the daemon's answer")

    def output(self) -> str:
        return "".join(
            (self.tmp / f"daemon-{n}.log").read_text() for n in range(1, self.runs + 1)
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return spamtrace(*args, prefix=self.world.ns_prefix(), env=self.env)

    def status(self) -> dict[str, Any]:
        r = self.cli("status", "--json")
        assert r.returncode == 0, r.stderr
        doc: dict[str, Any] = json.loads(r.stdout)
        return doc

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
        code = self.proc.wait(timeout=60)
        remove_instance(self.proc.pid)
        return code

    def blocked(self) -> set[int]:
        """The uids in this namespace's block set (empty when the table is gone)."""
        r = run([*self.world.ns_prefix(), "nft", "-j", "list", "set", "inet", "spamtrace",
                 "blocked_uids"], check=False)  # fmt: skip
        if r.returncode != 0:
            return set()
        out = set()
        for item in json.loads(r.stdout)["nftables"]:
            for e in item.get("set", {}).get("elem", []):
                e = e.get("elem", {}).get("val", e) if isinstance(e, dict) else e
                out.add(int(e))
        return out

    def start_and_block(self) -> int:
        """Start, then the world's user sends: returns its uid once it is in the block set."""
        uid = self.world.uid
        assert uid is not None
        self.start()
        send(self.world, port=self.port)
        wait_for(lambda: uid in self.blocked(), 30, "the block")
        return uid

    def next_check(self) -> dict[str, Any]:
        """The firewall part of ``status`` after the daemon's next firewall check."""
        checked = self.status()["firewall"]["checked"]
        fw: dict[str, Any] = wait_for(
            lambda: (f := self.status()["firewall"])["checked"] > checked and f, 30, "a check"
        )
        return fw

    def flush_ruleset(self) -> None:
        """What a restart or reload of Debian's nftables.service does (in this netns only)."""
        run([*self.world.ns_prefix(), "nft", "flush", "ruleset"])

    def incidents(self) -> list[dict[str, Any]]:
        """This world's user's incidents, from the store."""
        r = self.cli("incidents", "--json", "--since", "all")
        assert r.returncode in (0, 1), r.stderr
        return [i for i in json.loads(r.stdout)["incidents"] if i["uid"] == self.world.uid]

    def actions(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [
            a
            for i in self.incidents()
            for a in i["actions"]
            if kind is None or a["action"] == kind
        ]


@pytest.fixture
def guard(server_world: World, tmp_path: Path) -> Iterator[NsDaemon]:
    d = NsDaemon(server_world, tmp_path)
    try:
        yield d
    finally:
        d.kill()


def states_of(uid: int) -> list[str]:
    """The states (R, S, T...) of the uid's processes."""
    out = []
    for p in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError):
            if p.name.isdecimal() and p.stat().st_uid == uid:
                out.append((p / "stat").read_text().rsplit(")", 1)[1].split()[0])
    return out


def send(world: World, count: int = 3, port: int = 25) -> None:
    """The world's user makes ``count`` SMTP connects to the world's MX from the server netns,
    and the script ends."""
    assert world.user is not None
    script = world.tmp / "paced-connect.py"
    if not script.exists():
        script.write_text((PAYLOADS / "paced-connect.py").read_text())
        script.chmod(0o644)
    argv = [*world.ns_prefix(), "runuser", "-u", world.user, "--", "/usr/bin/python3",
            str(script), world.mx_ip, str(port), str(count), "0.05"]  # fmt: skip
    subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd="/", check=True)


def test_blocks_of_an_earlier_run_come_back_after_a_restart_and_a_flush(guard: NsDaemon) -> None:
    """A block must not end with the daemon run that made it: after a restart, a `nft flush
    ruleset` (nftables.service reloaded) freed every sender blocked before it."""
    uid = guard.start_and_block()
    assert guard.stop() == 0, guard.output()
    guard.flush_ruleset()  # while no daemon runs (a reboot does the same)
    assert uid not in guard.blocked()
    guard.start()
    wait_for(lambda: uid in guard.blocked(), 30, "the block put back at start")
    assert "the block set had lost uid" in guard.output()
    # a flush while the new run goes on: put back at its next firewall check
    guard.flush_ruleset()
    wait_for(lambda: uid in guard.blocked(), 30, "the block put back after a flush")
    again = [a for a in guard.actions("block-uid") if a["data"].get("again")]
    assert len(again) >= 2 and all(a["status"] == "done" for a in again)
    # a release ends it for good: not put back at the next checks, nor at the next start
    r = guard.cli("release", str(uid))
    assert r.returncode == 0, r.stderr
    assert uid not in guard.blocked()
    guard.flush_ruleset()
    guard.next_check()
    guard.next_check()
    assert uid not in guard.blocked()
    assert guard.stop(signal.SIGKILL) == -signal.SIGKILL
    guard.start()  # it answers: its start (with the restore) is over
    assert uid not in guard.blocked()
    assert guard.stop() == 0


def test_a_daemon_in_a_netns_acts_only_on_its_own_namespace_senders(guard: NsDaemon) -> None:
    """The tracepoint is host-wide: a daemon run in a network namespace saw the host's and
    other namespaces' senders and stopped them, though its block set filters none of their
    traffic. Their incidents are reported, the responses recorded as not done, with why."""
    world = guard.world
    uid = world.uid
    assert uid is not None and world.user is not None
    guard.config.write_text(
        guard.config.read_text().replace("stop = false", "stop = true\nstop_after = 1")
    )
    guard.start()
    assert "senders of other namespaces are reported, not acted on" in guard.output()
    # the world's user in the MX's namespace (another one than the daemon's): a long sender
    script = world.tmp / "paced-connect.py"
    script.write_text((PAYLOADS / "paced-connect.py").read_text())
    script.chmod(0o644)
    foreign = subprocess.Popen(
        [*world.mx_prefix(), "runuser", "-u", world.user, "--", "/usr/bin/python3", str(script),
         world.mx_ip, "25", "400", "0.1", "hold"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd="/", start_new_session=True,
    )  # fmt: skip
    try:
        held = wait_for(
            lambda: [a for a in guard.actions() if "another network namespace" in a["detail"]],
            30, "the held-back responses",
        )  # fmt: skip
        assert {a["status"] for a in held} == {"would"}
        assert {a["action"] for a in held} >= {"block-uid", "stop-process"}
        assert "other_netns" in held[0]["detail"]
        assert not [a for a in guard.actions() if a["status"] == "done"]
        assert uid not in guard.blocked()
        states = states_of(uid)
        assert foreign.poll() is None and states and "T" not in states, states
    finally:
        os.killpg(foreign.pid, signal.SIGKILL)
        foreign.wait(timeout=30)
    # a sender of the daemon's own namespace is blocked and stopped as before
    own = subprocess.Popen(
        [*world.ns_prefix(), "runuser", "-u", world.user, "--", "/usr/bin/python3", str(script),
         world.mx_ip, "25", "400", "0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/", start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: uid in guard.blocked(), 30, "the block of its own namespace's sender")
        wait_for(lambda: "T" in states_of(uid), 30, "the stop of its own namespace's sender")
        assert [a for a in guard.actions("stop-process") if a["status"] == "done"]
    finally:
        os.killpg(own.pid, signal.SIGKILL)
        own.wait(timeout=30)
    assert guard.stop() == 0


def test_the_block_set_alone_is_not_called_a_loaded_firewall(guard: NsDaemon) -> None:
    """In enforce mode the responses make `table inet spamtrace` for their block set. The
    daemon's check called that table `loaded` ("loaded, but no confirmed policy"), and, after
    a flush of a confirmed policy once the blocks were put back, `DRIFTED` with every rule of
    the policy missing: `firewall status` said NOT LOADED. Both say absent now, and why."""
    uid = guard.start_and_block()
    fw = guard.next_check()
    assert fw["state"] == "absent" and "never set up here" in fw["note"], fw
    assert fw["drift"] == [], fw  # advice is no drift
    # a confirmed policy, then `nft flush ruleset`: the block comes back, the policy does not
    r = guard.cli("firewall", "apply", "--no-rollback", "--state-dir", str(guard.tmp / "fw"))
    assert r.returncode == 0, r.stderr
    wait_for(lambda: guard.status()["firewall"]["state"] == "loaded", 30, "loaded")
    assert uid in guard.blocked()  # carried over by the apply
    guard.flush_ruleset()
    wait_for(lambda: uid in guard.blocked(), 30, "the block put back")
    fw = guard.next_check()
    assert fw["state"] == "absent", fw
    # what it is, and what to do about it (22ff9ba2): the confirmed policy is loaded again
    assert fw["note"].startswith("table inet spamtrace holds only the responses' uid blocks: "), fw
    assert "`spamtrace firewall load-confirmed`" in fw["note"], fw
    assert fw["drift"] == [], fw
    status = guard.cli("firewall", "status", "--state-dir", str(guard.tmp / "fw"))
    assert status.returncode == 1 and "NOT LOADED" in status.stdout, status.stdout
    assert guard.stop() == 0


def fill(path: Path) -> None:
    """Write ``path`` until its filesystem is full."""
    with contextlib.suppress(OSError), open(path, "wb") as f:
        while True:
            f.write(b"\0" * 4096)
            f.flush()


def test_a_full_disk_stalls_the_store_says_so_and_loses_nothing(
    server_world: World, tmp_path: Path
) -> None:
    """The store's folder filled up: the daemon said nothing (its journal had no line for a
    stalled store, `status` no word of it). It says so, keeps the records queued, and writes
    them all once there is room again."""
    small = tmp_path / "small"
    small.mkdir()
    run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(small)])
    # a port of its own: the tracepoint is host-wide, and other test runs' senders recorded
    # here filled the 600 KB disk again once the filler was gone (the stall never ended)
    port = random.randint(30000, 39999)
    guard = NsDaemon(server_world, tmp_path, db=small / "spamtrace.db", port=port)
    try:
        guard.start_and_block()  # the store is made; then the disk fills up
        fill(small / "filler")
        send(guard.world, 30, port)
        wait_for(lambda: "store STALLED: " in guard.output(), 60, "the stall in the journal")
        assert "disk is full" in guard.output(), guard.output()
        human = guard.cli("status")
        assert human.returncode == 0 and "STALLED since" in human.stdout, human.stdout
        assert guard.status()["store"]["stalled_since"] is not None
        (small / "filler").unlink()
        wait_for(lambda: "store ok: " in guard.output(), 60, "the recovery in the journal")
        # every record written: none queued, the batch being retried neither (a "store ok"
        # line alone may come from a batch that fitted before the disk had room again)
        store = wait_for(lambda: (st := guard.status()["store"])["queued"] == 0 and st, 60)
        assert store["lost"] == 0 and store["error"] is None and store["stalled_since"] is None, (
            store, guard.output()
        )
        assert "nothing lost" in guard.output()
        incs = wait_for(lambda: [i for i in guard.incidents() if i["connections"] >= 33], 30)
        assert incs, guard.incidents()
        # full again at the stop: what could not be written is said, and the exit is 3
        stalls = guard.output().count("store STALLED: ")
        fill(small / "filler")
        send(guard.world, 5, port)
        wait_for(lambda: guard.output().count("store STALLED: ") > stalls, 60, "the next stall")
        assert guard.stop() == 3
        assert "ERROR store: " in guard.output() and "record(s) not stored" in guard.output()
        assert "Traceback" not in guard.output()
    finally:
        if guard.proc is not None and guard.proc.poll() is None:
            guard.proc.kill()
            guard.proc.wait(timeout=30)
            remove_instance(guard.proc.pid)
        run(["umount", str(small)], check=False)


def test_a_restart_drops_from_the_live_set_a_block_released_while_no_daemon_ran(
    guard: NsDaemon,
) -> None:
    """A restart without a reboot keeps the live set: a uid the store says was released
    while no daemon ran (here: its element put back by hand after the release, as when the
    release's nft step failed or ran in another namespace) stayed blocked until its timeout.
    At start it is taken out, said in one journal line."""
    uid = guard.start_and_block()
    assert guard.stop() == 0, guard.output()
    r = guard.cli("release", str(uid))
    assert r.returncode == 0, r.stderr
    run([*guard.world.ns_prefix(), "nft", "add", "element", "inet", "spamtrace", "blocked_uids",
         f"{{ {uid} timeout 1h }}"])  # fmt: skip
    assert uid in guard.blocked()
    guard.start()
    assert uid not in guard.blocked()
    lines = [x for x in guard.output().splitlines() if "block set reconciled" in x]
    assert len(lines) == 1 and f"uid {uid}: no block of it in the store" in lines[0], lines
    assert guard.stop() == 0


def test_a_restart_drops_from_the_live_set_a_uid_that_changed_hands(guard: NsDaemon) -> None:
    """The account a block was made for was renamed (or deleted, and its uid given to a new
    one) while no daemon ran: the uid stayed in the live set. At start it is taken out (and
    not put back: said as would), in one journal line naming both users."""
    world = guard.world
    assert world.user is not None
    uid = guard.start_and_block()
    assert guard.stop() == 0, guard.output()
    old, new = world.user, f"{world.user}n"
    run(["usermod", "-l", new, old])
    try:
        guard.start()
        assert uid not in guard.blocked()
        lines = [x for x in guard.output().splitlines() if "block set reconciled" in x]
        assert len(lines) == 1, lines
        assert f"uid {uid}: made for user '{old}'; uid {uid} belongs to '{new}' now" in lines[0]
        assert guard.stop() == 0
    finally:
        run(["usermod", "-l", old, new])


def test_a_symlink_attack_in_the_senders_folder_is_the_incidents_suspect_links(
    guard: NsDaemon,
) -> None:
    """The incident scan ranked the folder's files and dropped its links: one to /etc/shadow
    (a symlink attack) showed only in `scan`. It is the incident's `suspect_links`, stored,
    apart from the files, its name escaped in `incident ID`."""
    world = guard.world
    assert world.uploads is not None
    (world.uploads / "s\x1b[2J.txt").symlink_to("/etc/shadow")
    guard.start()
    world.php_holding_session(port=25, hold=10)

    def linked() -> list[dict[str, Any]]:
        return [i for i in guard.incidents() if i.get("suspect_links")]

    (inc,) = wait_for(linked, 30, "the incident's scan")
    (link,) = inc["suspect_links"]
    assert link["path"] == str(world.uploads / "s\x1b[2J.txt") and link["target"] == "/etc/shadow"
    assert not any(f["path"] == link["path"] for f in inc["suspect_files"])
    assert any(a.startswith("1 symlink(s) in the folder point where") for a in inc["advice"])
    human = guard.cli("incident", inc["id"])
    assert human.returncode == 0 and "\x1b" not in human.stdout, human.stderr
    assert f"{world.uploads}/s\\x1b[2J.txt -> /etc/shadow" in human.stdout
    assert guard.stop() == 0


#: an HTTP "server" that takes each connection and never answers (a webhook that hangs)
HANGING = """
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
held = []
while True:
    held.append(s.accept()[0])
"""


def test_connects_made_while_the_daemon_stops_are_recorded(
    server_world: World, tmp_path: Path
) -> None:
    """A clean stop ended capture at the signal, then handled what was read and gave the
    alerts their stop_grace (a webhook that hangs: all of it): the sender's connects of those
    seconds were in no store and said nowhere (only as a window at the next start). The loop
    now goes on reading while the alerts deliver (bounded by their grace): those connects are
    in the incident, and the journal counts them."""
    world = server_world
    assert world.user is not None
    d = NsDaemon(world, tmp_path)
    port = 20000 + secrets.randbelow(20000)
    d.config.write_text(
        d.config.read_text().replace('mode = "enforce"', 'mode = "observe"')
        + f'[alerts]\nstop_grace = 4\n[[alerts.webhook]]\nurl = "http://127.0.0.1:{port}/"\n'
        "timeout = 30\nretries = 0\n"
    )
    hook = subprocess.Popen([*world.ns_prefix(), sys.executable, "-c", HANGING, str(port)])
    script = world.tmp / "paced-connect.py"
    script.write_text((PAYLOADS / "paced-connect.py").read_text())
    script.chmod(0o644)
    sender = subprocess.Popen(
        [*world.ns_prefix(), "runuser", "-u", world.user, "--", "/usr/bin/python3",
         str(script), world.mx_ip, "25", "400", "0.05"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/",
    )  # fmt: skip
    try:
        d.start()
        # the incident's alert is made and its webhook hangs: the stop waits for it
        wait_for(lambda: (d.status().get("alerts") or {}).get("raised", 0) >= 1, 60, "an alert")
        wait_for(lambda: sender.poll() is None and d.incidents(), 30, "the incident")
        signalled = time.time()
        assert d.stop() == 0, d.output()
        took = time.time() - signalled
        assert sender.poll() is None, "the sender ended before the stop did"
        (incident,) = d.incidents()
        # its connects of the stop's seconds (one every 0.05 s) are in it: capture ended with
        # the grace, not at the signal
        assert incident["last_seen_epoch"] > signalled + 2.5, (incident, signalled)
        assert took < 4 + 5, took  # bounded by the alerts' grace (and the drain's 15 s)
        out = d.output()
        assert "connect(s) read while it stopped" in out, out
    finally:
        for proc in (sender, hook):
            proc.kill()
            proc.wait(timeout=30)
        d.kill()
