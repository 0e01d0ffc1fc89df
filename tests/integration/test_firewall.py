"""`spamtrace firewall` for real: nft inside the server netns of a test world, never the host.

Every nft command of these tests runs through ``ip netns exec <server netns>`` (or in a netns
the test makes); each world/netns is deleted afterwards, which also drops its tables.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from stcli import spamtrace
from world import World, run

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "unit" / "firewall" / "golden"
T = TypeVar("T")

NFLOG_READER = textwrap.dedent(
    """
    import json, select, sys
    from spamtrace.sources.nflog import NflogSource
    src = NflogSource(int(sys.argv[1]))
    print("ready", flush=True)
    while True:  # until the test closes our stdin, once every record queued then is read
        r, _, _ = select.select([src, sys.stdin], [], [])
        if src not in r:
            break
        for ev in src.read_events():
            print(json.dumps({"uid": ev.uid, "gid": ev.gid, "prefix": ev.prefix,
                              "remote": str(ev.remote), "local": str(ev.local)}), flush=True)
    src.close()
    """
)

CONNECT = textwrap.dedent(
    """
    import socket, sys
    host, port = sys.argv[1], int(sys.argv[2])
    src = sys.argv[3] if len(sys.argv) > 3 else None
    try:
        s = socket.create_connection((host, port), timeout=3,
                                     source_address=(src, 0) if src else None)
        s.close()
        print("ok")
    except OSError as exc:
        print(f"fail {exc.errno}")
    """
)


class Fw:
    """Runs `spamtrace --config C firewall ... --state-dir S` inside the world's server netns."""

    def __init__(self, world: World, config: str = "") -> None:
        self.w = world
        self.state = world.tmp / f"fwstate-{secrets.token_hex(3)}"
        self.config = world.tmp / f"spamtrace-{secrets.token_hex(3)}.toml"
        self.group = 3000 + secrets.randbelow(20000)
        self.write_config(config)

    def write_config(self, extra: str = "") -> None:
        self.config.write_text(f"[firewall]\nnflog_group = {self.group}\n{extra}")

    def __call__(
        self, *args: str, prefix: list[str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        argv = ["--config", str(self.config), "firewall", args[0], *args[1:]]
        if args[0] != "acl":
            argv += ["--state-dir", str(self.state)]
        return spamtrace(*argv, prefix=prefix or self.w.ns_prefix())

    def nft(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run([*self.w.ns_prefix(), "nft", *args], check=check)

    def loaded(self) -> bool:
        return self.nft("list", "table", "inet", "spamtrace", check=False).returncode == 0

    def trial_deadline(self) -> float:
        """The wall-clock deadline of the apply on trial (0: none is pending any more)."""
        try:
            return float(json.loads((self.state / "pending.json").read_text())["deadline"])
        except FileNotFoundError:
            return 0.0

    def wait_rolled_back(self) -> None:
        """Until the apply on trial is rolled back (its record gone), at most 30 s past its
        deadline."""
        deadline = time.monotonic() + max(0.0, self.trial_deadline() - time.time()) + 30
        while (self.state / "pending.json").exists():
            assert time.monotonic() < deadline, "the trial was not rolled back"
            time.sleep(0.2)


def on_trial(
    fw: Fw,
    first: int,
    args: tuple[str, ...],
    see: Callable[[], T],
    right: Callable[[T], bool],
    undo: Callable[[], None],
) -> tuple[int, float, subprocess.CompletedProcess[str], T]:
    """``firewall apply ARGS --timeout N``, then what the test sees of the rules on trial
    (``see()``); returns N, the trial's deadline, the apply and what was seen.

    What was seen is only worth something before the deadline: after it, the rollback may
    have done it. On a busy machine a CLI start-up alone takes a second or more, so a few
    commands can outlast a trial of 2 s: when what was seen is not ``right`` and was seen
    after the deadline, that try proves nothing; it is undone (``undo()``) and made again
    with a trial twice as long (at most 4 times). Not right before the deadline: returned,
    for the test to fail on it."""
    for timeout in (first << i for i in range(5)):
        res = fw("apply", *args, "--timeout", str(timeout))
        assert res.returncode == 0, res.stdout + res.stderr
        deadline = fw.trial_deadline()
        seen = see()
        if right(seen) or time.time() < deadline:
            return timeout, deadline, res, seen
        print(f"a trial of {timeout} s was over before the test looked: {repr(seen)[:300]}")
        undo()
    raise AssertionError(f"even a trial of {timeout} s was over before the test looked at it")


def _php(w: World, host: str, port: int, user: bool = True) -> tuple[str, str]:
    path = w.install_payload("wp-cache.php")
    argv = ["php", str(path), host, str(port), "1", "0"]
    proc = w.spawn_as_user(argv) if user else w.spawn(argv, cwd=w.uploads)
    out, err = proc.communicate(timeout=30)
    return out.strip(), err.strip()


def _exim(w: World, count: int) -> Path:
    """Send `count` messages through a real Exim as its service user, to the sink."""
    ex = pwd.getpwnam("Debian-exim")
    d = w.tmp / "exim"
    if not d.exists():
        (d / "spool").mkdir(parents=True)
        (d / "log").mkdir()
        for p in (d, d / "spool", d / "log"):
            os.chown(p, ex.pw_uid, ex.pw_gid)
        (d / "exim.conf").write_text(
            textwrap.dedent(
                f"""\
                primary_hostname = srv.test
                exim_user = Debian-exim
                exim_group = Debian-exim
                spool_directory = {d}/spool
                log_file_path = {d}/log/%slog
                keep_environment =
                begin routers
                to_sink:
                  driver = manualroute
                  domains = *
                  transport = remote_smtp
                  route_list = * {w.mx_ip}
                  self = send
                begin transports
                remote_smtp:
                  driver = smtp
                  port = 25
                  hosts_avoid_tls = *
                begin retry
                * * F,1m,1m
                """
            )
        )
        os.chmod(d / "exim.conf", 0o644)
    for i in range(count):
        proc = subprocess.run(
            [*w.ns_prefix(), "runuser", "-u", "Debian-exim", "--", "/usr/sbin/exim4",
             "-C", str(d / "exim.conf"), "-odi", f"rcpt{i}@remote.example"],
            input=f"Subject: legit {i}\n\nnewsletter {i}\n", text=True, capture_output=True,
            timeout=30,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    return d / "log" / "mainlog"


@contextlib.contextmanager
def _nflog_reader(w: World, group: int) -> Iterator[subprocess.Popen[str]]:
    """Prints the records of NFLOG ``group`` until its stdin is closed (``communicate()``)."""
    proc = w.spawn([sys.executable, "-c", NFLOG_READER, str(group)], stdin=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read() if proc.stderr else ""
    yield proc


def test_apply_blocks_users_but_not_mta_root_or_exception(server_world: World) -> None:
    w = server_world
    assert w.user is not None and w.uid is not None
    fw = Fw(w, f'exceptions = [{{user = "{w.user}", host = "{w.mx_ip}", port = 587}}]\n')
    before = fw.nft("-j", "list", "ruleset").stdout
    with _nflog_reader(w, fw.group) as reader:
        res = fw("apply", "--no-rollback")
        assert res.returncode == 0, res.stderr
        assert "loaded" in res.stdout
        assert fw.loaded()
        # the hosting user's PHP script: refused on IPv4 and IPv6, port 25 and 465
        out, err = _php(w, w.mx_ip, 25)
        assert out == "sent 0/1" and "connect failed: 111" in err
        out, err = _php(w, w.mx_ip6, 25)
        assert out == "sent 0/1" and "connect failed: 111" in err
        out, _ = _php(w, w.mx_ip, 465)
        assert out == "sent 0/1"
        # the configured exception: this user to the sink's 587 passes
        out, err = _php(w, w.mx_ip, 587)
        assert out == "sent 1/1", err
        # root still connects
        out, err = _php(w, w.mx_ip, 25, user=False)
        assert out == "sent 1/1", err
        # the real MTA delivers every message
        _exim(w, 3)
        msgs = w.wait_sink(5)
        exim_msgs = [m for m in msgs if m["from"] == "Debian-exim@srv.test"]
        assert len(exim_msgs) == 3
        assert {m["port"] for m in msgs} == {25, 587}
        # the records were queued as each SYN was refused: read them all, then stop
        out_lines, _ = reader.communicate(timeout=30)
    events = [json.loads(x) for x in out_lines.splitlines() if x.startswith("{")]
    mine = [e for e in events if e["uid"] == w.uid]
    assert {e["remote"] for e in mine} == {
        f"{w.mx_ip}:25",
        f"[{w.mx_ip6}]:25",
        f"{w.mx_ip}:465",
    }
    assert all(e["prefix"] == "spamtrace-block" and e["gid"] is not None for e in mine)
    assert not [e for e in events if e["uid"] in (0, pwd.getpwnam("Debian-exim").pw_uid)]
    status = fw("status", "--json")
    assert status.returncode == 0, status.stdout + status.stderr
    doc = json.loads(status.stdout)
    assert doc["loaded"] and doc["in_sync"] and doc["drift"] == []
    assert doc["counters"]["blocked"]["packets"] == 3
    # remove takes our table away and leaves the ruleset as it was before
    res = fw("remove")
    assert res.returncode == 0 and not fw.loaded()
    assert fw.nft("-j", "list", "ruleset").stdout == before


def test_blocked_attempts_become_incidents_in_watch(server_world: World) -> None:
    w = server_world
    fw = Fw(w)
    assert fw("apply", "--no-rollback").returncode == 0
    db = w.tmp / "watch.db"
    watch = w.spawn(
        [sys.executable, "-m", "spamtrace", "--config", str(fw.config), "watch", "--json",
         "--db", str(db)],
    )  # fmt: skip
    assert watch.stdout is not None and watch.stderr is not None
    first = watch.stdout.readline()  # the status line: sources are open
    assert first.strip(), watch.stderr.read()
    printed: list[str] = []

    def read() -> None:  # all along: the watcher never waits on a full pipe
        assert watch.stdout is not None
        for line in watch.stdout:
            printed.append(line)

    pump = threading.Thread(target=read, daemon=True)
    pump.start()

    def blocked() -> list[dict[str, Any]]:
        docs = [json.loads(x) for x in list(printed) if x.startswith("{")]
        return [x for x in docs if x.get("type") == "connect-blocked" and x.get("uid") == w.uid]

    for _ in range(3):
        out, _ = _php(w, w.mx_ip, 25)
        assert out == "sent 0/1"
    # until the watcher has printed them (it ran for a fixed 12 s: a busy machine's three
    # php runs could outlast it), then it stops
    deadline = time.monotonic() + 30
    while len(blocked()) < 3 and watch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    os.kill(watch.pid, signal.SIGTERM)
    assert watch.wait(timeout=40) in (0, 1), watch.stderr.read()  # 1: something suspicious
    pump.join(10)
    assert len(blocked()) == 3, "".join(printed)[-2000:]
    res = spamtrace("--config", str(fw.config), "incidents", "--json", "--db", str(db),
                    "--since", "all")  # fmt: skip
    assert res.returncode in (0, 1), res.stderr
    incidents = json.loads(res.stdout)["incidents"]
    mine = [i for i in incidents if i["uid"] == w.uid]
    assert mine, incidents
    assert sum(int(i.get("blocked", 0)) for i in mine) >= 3
    assert any(f"{w.mx_ip}:25" in i["destinations"] for i in mine)


def test_remove_leaves_other_tables_untouched(server_world: World) -> None:
    w = server_world
    fw = Fw(w)
    other = w.tmp / "other.nft"
    other.write_text(
        "table inet unrelated {\n set keep { type ipv4_addr; elements = { 192.0.2.1 } }\n"
        " chain out { type filter hook output priority 10; policy accept; "
        'ip daddr @keep tcp dport 80 accept comment "not ours"; }\n}\n'
        "table ip legacyish { chain post { type nat hook postrouting priority 100; }; }\n"
    )
    fw.nft("-f", str(other))
    before = fw.nft("-j", "list", "ruleset").stdout
    assert fw("apply", "--no-rollback").returncode == 0
    again = json.loads(fw("apply", "--no-rollback", "--json").stdout)  # idempotent
    assert again["schema"] == "spamtrace.firewall-action/1" and again["changed"] is False
    during = json.loads(fw.nft("-j", "list", "ruleset").stdout)["nftables"]
    tables = {(o["table"]["family"], o["table"]["name"]) for o in during if "table" in o}
    assert tables == {("inet", "unrelated"), ("ip", "legacyish"), ("inet", "spamtrace")}
    res = fw("remove")
    assert res.returncode == 0, res.stderr
    assert fw.nft("-j", "list", "ruleset").stdout == before
    gone = json.loads(fw("remove", "--json").stdout)
    assert gone["action"] == "remove" and gone["removed"] is False


def test_remove_says_which_blocks_it_kept(server_world: World) -> None:
    """`firewall remove` keeps the responses' uid blocks (docs/responses.md) but said
    "removed the spamtrace firewall; nothing else was touched": the admin then found table
    inet spamtrace still loaded and the account still unable to send, with no word of why or
    of `spamtrace release`. It names the uids it kept and how to free them."""
    w = server_world
    assert w.uid is not None
    fw = Fw(w)
    assert fw("apply", "--no-rollback").returncode == 0
    fw.nft("add", "element", "inet", "spamtrace", "blocked_uids", f"{{ {w.uid} timeout 1h }}")
    doc = json.loads(fw("remove", "--json").stdout)
    assert doc["removed"] is True and doc["kept_blocks"] == [w.uid], doc
    assert f"spamtrace release {w.uid}" in doc["message"], doc
    assert fw("apply", "--no-rollback").returncode == 0
    res = fw("remove")
    assert res.returncode == 0, res.stderr
    assert f"uid {w.uid} ({w.user})" in res.stdout and "spamtrace release" in res.stdout, res.stdout
    fw.nft("delete", "table", "inet", "spamtrace")
    doc = json.loads(fw("remove", "--json").stdout)
    assert doc["removed"] is False and doc["kept_blocks"] == [], doc


def test_rollback_unless_confirmed(server_world: World) -> None:
    w = server_world
    fw = Fw(w)
    # 1. nothing loaded before: an unconfirmed apply removes our table again
    _, due, res, loaded = on_trial(fw, 2, (), fw.loaded, bool, fw.wait_rolled_back)
    assert loaded and "confirm" in res.stdout, res.stdout
    deadline = time.monotonic() + max(0.0, due - time.time()) + 30
    while fw.loaded() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not fw.loaded()
    late = fw("confirm")
    assert late.returncode == 3 and "too late" in late.stderr

    # 2. a confirmed apply stays
    def confirmed(r: subprocess.CompletedProcess[str]) -> bool:
        return r.returncode == 0 and json.loads(r.stdout)["confirmed"] is True

    timeout, due, res, ok = on_trial(
        fw, 3, ("--json",), lambda: fw("confirm", "--json"), confirmed, fw.wait_rolled_back
    )
    applied = json.loads(res.stdout)
    assert applied["changed"] is True and applied["rollback_in"] == timeout
    assert confirmed(ok), ok.stdout + ok.stderr
    time.sleep(max(0.0, due - time.time()) + 1)  # past the deadline: nothing rolls back
    assert fw.loaded()
    first = fw.nft("list", "table", "inet", "spamtrace").stdout
    # 3. an unconfirmed change returns to the previous (confirmed) table, not to nothing
    fw.write_config(f'allow_users = ["{w.user}"]\n')

    def table() -> str:
        return fw.nft("list", "table", "inet", "spamtrace").stdout

    _, due, _, changed = on_trial(fw, 2, (), table, lambda t: str(w.uid) in t, fw.wait_rolled_back)
    assert str(w.uid) in changed
    deadline = time.monotonic() + max(0.0, due - time.time()) + 30
    while time.monotonic() < deadline:
        if table() == first:
            break
        time.sleep(0.2)
    assert table() == first
    fw.write_config()
    assert fw("status").returncode == 0  # back in sync with the first config


def test_drift_detected_and_repaired(server_world: World) -> None:
    w = server_world
    fw = Fw(w)
    assert fw("apply", "--no-rollback").returncode == 0
    listing = fw.nft("-a", "list", "table", "inet", "spamtrace").stdout
    handle = next(
        line.rsplit("# handle ", 1)[1] for line in listing.splitlines() if "st:block" in line
    )
    fw.nft("delete", "rule", "inet", "spamtrace", "smtp_egress", "handle", handle)
    fw.nft("add", "element", "inet", "spamtrace", "allow_uids", f"{{ {w.uid} }}")
    out, _ = _php(w, w.mx_ip, 25)
    assert out == "sent 1/1"  # the hole is real
    res = fw("status")
    assert res.returncode == 1
    assert "rule st:block is missing" in res.stdout
    assert "set allow_uids: elements differ" in res.stdout
    res = fw("apply", "--no-rollback")
    assert res.returncode == 0 and "loaded" in res.stdout
    assert fw("status").returncode == 0
    out, _ = _php(w, w.mx_ip, 25)
    assert out == "sent 0/1"


def test_status_tells_a_changed_config_from_drift(server_world: World) -> None:
    """`firewall status` calls drift what the daemon calls drift (not the confirmed rules); a
    config edited since the last apply is said apart, and both exit 1."""
    w = server_world
    fw = Fw(w)
    assert fw("apply", "--no-rollback").returncode == 0
    fw.write_config(f'[[firewall.exceptions]]\nuser = "{w.user}"\nport = 587\n')
    res = fw("status", "--json")
    doc = json.loads(res.stdout)
    assert res.returncode == 1 and not doc["in_sync"], res.stdout
    assert (doc["drift"], doc["compared_with"]) == ([], "confirmed")
    assert doc["config_differs"] == ["chain smtp_egress: rule st:exception-0 is missing"]
    assert fw("status").stdout.startswith("firewall: CONFIG CHANGED (nft)")
    # the daemon's periodic check, in the same netns: the confirmed rules are loaded
    check = (
        "import sys\nfrom spamtrace.service.firewall_check import FirewallMonitor\n"
        "c = FirewallMonitor(sys.argv[1], repair=False, post=print).check()\n"
        "print(c.state.value, list(c.drift))\n"
    )
    daemon = run([*w.ns_prefix(), sys.executable, "-c", check, str(fw.state)])
    assert daemon.stdout.strip() == "loaded []"


KEEPALIVE = textwrap.dedent(
    """
    import smtplib, sys, time
    host, n = sys.argv[1], int(sys.argv[2])
    s = smtplib.SMTP(host, 25, timeout=5)  # one connection, every message over it
    print("connected", flush=True)
    try:
        for i in range(n):
            s.sendmail("spam@victim.example", [f"k{i}@remote.example"], "Subject: x\\n\\nspam\\n")
            time.sleep(0.05)
    except (OSError, smtplib.SMTPException) as exc:
        print("cut", type(exc).__name__, flush=True)
    print("done", flush=True)
    """
)


@pytest.mark.parametrize("backend", ["nft", "iptables"])
def test_apply_cuts_a_connection_opened_before_it(server_world: World, backend: str) -> None:
    """A spam run noticed, the policy applied: a mailer that keeps one SMTP connection and
    sends every message over it made its only connect before the apply. Refusing new
    connections alone let it go on; its next packet is now answered with a reset. The MTA's
    connections, made before the apply too, go on."""
    w = server_world
    assert w.uploads is not None and w.uid is not None
    path = w.uploads / "keepalive.py"
    path.write_text(KEEPALIVE)
    os.chown(path, w.uid, -1)
    fw = Fw(w)
    proc = w.spawn_as_user(["/usr/bin/python3", path.name, w.mx_ip, "400"])
    assert proc.stdout is not None and proc.stdout.readline().strip() == "connected"
    res = fw("apply", "--no-rollback", "--backend", backend)
    assert res.returncode == 0, res.stdout + res.stderr
    applied = len(w.sink_messages())
    out, _ = proc.communicate(timeout=60)  # 400 messages take >= 20 s when not cut
    assert "cut" in out, out
    assert len(w.sink_messages()) - applied < 20, "the held connection went on after the apply"
    _exim(w, 1)  # the MTA still delivers
    assert any(m["from"] == "Debian-exim@srv.test" for m in w.wait_sink(applied + 1))
    status = fw("status", "--json", "--backend", backend)
    doc = json.loads(status.stdout)
    assert doc["in_sync"] is not False and doc["counters"]["blocked"]["packets"] == 0, doc
    assert fw("remove", "--backend", backend).returncode == 0


def test_iptables_fallback(server_world: World) -> None:
    w = server_world
    fw = Fw(w)
    res = fw("apply", "--no-rollback", "--backend", "iptables")
    assert res.returncode == 0, res.stderr
    assert not fw.loaded()  # no nft table of ours: the chains are iptables'
    out, err = _php(w, w.mx_ip, 25)
    assert out == "sent 0/1" and "111" in err
    out, _ = _php(w, w.mx_ip6, 25)
    assert out == "sent 0/1"
    out, _ = _php(w, w.mx_ip, 25, user=False)
    assert out == "sent 1/1"
    st = fw("status", "--json", "--backend", "iptables")
    doc = json.loads(st.stdout)
    assert doc["loaded"] and doc["counters"]["blocked"]["packets"] == 2, st.stdout
    assert fw("remove", "--backend", "iptables").returncode == 0
    out, _ = _php(w, w.mx_ip, 25)
    assert out == "sent 1/1"
    for tool in ("iptables", "ip6tables"):
        listing = run([*w.ns_prefix(), tool, "-S"], check=False).stdout
        assert "SPAMTRACE" not in listing
    # unconfirmed: the chains go away again by themselves
    _, due, _, chains = on_trial(
        fw, 2, ("--backend", "iptables"), lambda: run([*w.ns_prefix(), "iptables", "-S"]).stdout,
        lambda out: "SPAMTRACE_SMTP" in out, fw.wait_rolled_back,
    )  # fmt: skip
    assert "SPAMTRACE_SMTP" in chains
    deadline = time.monotonic() + max(0.0, due - time.time()) + 30
    while time.monotonic() < deadline:  # the rollback removes the v4, then the v6 chains
        if not any(
            "SPAMTRACE" in run([*w.ns_prefix(), tool, "-S"]).stdout
            for tool in ("iptables", "ip6tables")
        ):
            break
        time.sleep(0.2)
    log = (fw.state / "rollback.log").read_text()
    assert "SPAMTRACE" not in run([*w.ns_prefix(), "iptables", "-S"]).stdout, log
    assert "SPAMTRACE" not in run([*w.ns_prefix(), "ip6tables", "-S"]).stdout, log


def test_auto_backend_follows_the_one_that_applied(server_world: World) -> None:
    """After `apply --backend iptables`, status/confirm/remove without --backend act on the
    iptables chains (before: "NOT LOADED (nft)", and `remove` cancelled the rollback and left
    the chains loaded for good while saying "nothing to remove")."""
    w = server_world
    fw = Fw(w)
    assert fw("apply", "--backend", "iptables", "--timeout", "60").returncode == 0
    st = fw("status", "--json")
    doc = json.loads(st.stdout)
    assert doc["backend"] == "iptables" and doc["loaded"], st.stdout
    res = fw("remove")
    assert res.returncode == 0 and "removed" in res.stdout and "iptables" in res.stdout, res
    for tool in ("iptables", "ip6tables"):
        assert "SPAMTRACE" not in run([*w.ns_prefix(), tool, "-S"]).stdout
    assert not (fw.state / "pending.json").exists()


def test_apply_with_the_other_backend_is_refused(server_world: World) -> None:
    """apply --backend nft over loaded iptables chains (or the reverse) is refused with exit
    2 and nothing changes (before: both backends' rules stayed loaded)."""
    w = server_world
    for first, second in (("iptables", "nft"), ("nft", "iptables")):
        fw = Fw(w)
        assert fw("apply", "--no-rollback", "--backend", first).returncode == 0
        res = fw("apply", "--no-rollback", "--backend", second)
        assert res.returncode == 2, res
        err = res.stderr.strip()
        assert len(err.splitlines()) == 1 and "firewall remove" in err and first in err, err
        assert "Traceback" not in err
        assert fw.loaded() == (first == "nft")  # the second backend loaded nothing
        ipt = run([*w.ns_prefix(), "iptables", "-S"]).stdout
        assert ("SPAMTRACE" in ipt) == (first == "iptables"), ipt
        res = fw("apply", "--timeout", "60", "--backend", second)  # with a rollback: same
        assert res.returncode == 2 and not (fw.state / "pending.json").exists(), res
        assert fw("remove").returncode == 0
        assert fw("apply", "--no-rollback", "--backend", second).returncode == 0  # now it may
        assert fw("remove").returncode == 0
        assert not fw.loaded()
        for tool in ("iptables", "ip6tables"):
            assert "SPAMTRACE" not in run([*w.ns_prefix(), tool, "-S"]).stdout


def test_redirect_mode_sends_users_to_local_mta(server_world: World) -> None:
    w = server_world
    fw = Fw(w, 'mode = "redirect"\n')
    server = (
        "import socket\ns=socket.socket()\n"
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "s.bind(('127.0.0.1',25)); s.listen(5); print('ready', flush=True)\n"
        "while True:\n c,a=s.accept(); c.sendall(b'220 local-mta ESMTP\\r\\n'); c.close()"
    )
    local = w.spawn([sys.executable, "-c", server])
    assert local.stdout is not None and local.stdout.readline().strip() == "ready"
    assert fw("apply", "--no-rollback").returncode == 0
    banner = subprocess.run(
        [*w.ns_prefix(), "runuser", "-u", str(w.user), "--", "/usr/bin/python3", "-c",
         f"import socket; s=socket.create_connection(('{w.mx_ip}',25),3); print(s.recv(100))"],
        text=True, capture_output=True, timeout=20,
    )  # fmt: skip
    assert "local-mta" in banner.stdout, banner.stderr
    out, err = _php(w, w.mx_ip, 25, user=False)  # root goes to the real destination
    assert out == "sent 1/1", err


def test_relay_mode_limits_the_mta_to_the_relays(server_world: World) -> None:
    w = server_world
    fw = Fw(w, f'mode = "relay"\nrelays = ["{w.mx_ip}"]\n')
    assert fw("apply", "--no-rollback").returncode == 0
    _exim(w, 2)  # the sink is the relay: the MTA delivers
    assert len([m for m in w.wait_sink(2) if m["from"] == "Debian-exim@srv.test"]) == 2
    out, _ = _php(w, w.mx_ip, 25)
    assert out == "sent 0/1"  # hosting users are still blocked, even towards the relay

    def as_mta(host: str) -> str:
        argv = [*w.ns_prefix(), "runuser", "-u", "Debian-exim", "--", "/usr/bin/python3"]
        return run([*argv, "-c", CONNECT, host, "25"]).stdout.strip()

    assert as_mta(w.mx_ip) == "ok"
    assert as_mta(w.mx_ip6) == "fail 111"  # not a relay: the MTA may not go there directly
    fw.write_config('mode = "relay"\nrelays = ["192.0.2.1"]\n')
    assert fw("apply", "--no-rollback").returncode == 0
    assert as_mta(w.mx_ip) == "fail 111"
    out, _ = _php(w, w.mx_ip, 25, user=False)
    assert out == "sent 1/1"  # root is never blocked


def test_goldens_are_valid_nft() -> None:
    """Every golden ruleset passes `nft -c` (in a throw-away netns: the host is untouched)."""
    sys.path.insert(0, str(ROOT / "src"))
    from spamtrace.actions.nftables import transaction

    for path in [*sorted(GOLDEN.glob("*.nft")), GOLDEN / "acl-nft.txt"]:
        text = path.read_text()
        body = transaction(text) if path.suffix == ".nft" else text
        proc = subprocess.run(
            ["unshare", "--net", "--", "nft", "-c", "-f", "-"],
            input=body, text=True, capture_output=True, timeout=30,
        )  # fmt: skip
        assert proc.returncode == 0, f"{path.name}: {proc.stderr}"


def test_a_table_nft_refuses_in_the_drift_check_is_said_with_nft_s_reason() -> None:
    """A confirmed record whose rules nft refuses (edited by hand): `firewall status` said
    "cannot compute the desired table in a scratch netns:" and then only the caret line of
    nft's message (the reason was on the line before it)."""
    sys.path.insert(0, str(ROOT / "src"))
    from spamtrace.actions.nftables import NftBackend
    from spamtrace.errors import SpamtraceError

    with pytest.raises(SpamtraceError) as caught:  # a throw-away netns: the host is untouched
        NftBackend().desired_json("table inet spamtrace { chain x { type filter hook output"
                                  " priority 0; } }")  # fmt: skip
    message = caught.value.message
    assert "syntax error" in message and "\n" not in message, message


def test_bad_input(server_world: World, tmp_path: Path) -> None:
    w = server_world
    fw = Fw(w)
    # no nft and no iptables in PATH: a clear message, nothing loaded
    res = fw("apply", "--no-rollback", prefix=[*w.ns_prefix(), "env", "PATH=/nonexistent"])
    assert res.returncode == 3 and "nft" in res.stderr and "iptables" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    res = fw(
        "apply", "--no-rollback", "--backend", "nft", prefix=[*w.ns_prefix(), "env", "PATH=/bin"]
    )
    assert res.returncode == 3 and "nft not found" in res.stderr
    # malformed exceptions
    fw.write_config('exceptions = [{user = "root", prot = 587}]\n')
    res = fw("apply", "--no-rollback")
    assert res.returncode == 2 and "firewall.exceptions[0]" in res.stderr and "prot" in res.stderr
    fw.write_config('exceptions = ["shop:587"]\n')
    res = fw("plan")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    # an exception host that does not resolve
    fw.write_config('exceptions = [{user = "root", host = "smtp.does-not-exist.invalid"}]\n')
    res = fw("apply", "--no-rollback")
    assert res.returncode == 2 and "does not resolve" in res.stderr
    # relay mode with a relay name that does not resolve
    fw.write_config('mode = "relay"\nrelays = ["relay.does-not-exist.invalid"]\n')
    res = fw("apply", "--no-rollback")
    assert res.returncode == 2 and "relay" in res.stderr and "does not resolve" in res.stderr
    res = fw("acl", "--relay", "relay.does-not-exist.invalid", "--servers", "10.0.0.0/24")
    assert res.returncode == 2 and "does not resolve" in res.stderr
    # an MTA that cannot be detected: refuse, and say how to name it
    fw.write_config()
    empty = tmp_path / "root"
    (empty / "etc").mkdir(parents=True)
    (empty / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    res = fw("apply", "--no-rollback", "--root", str(empty))
    assert res.returncode == 2 and "[mta] users" in res.stderr, res.stderr
    plan = fw("plan", "--json", "--root", str(empty))
    assert plan.returncode == 2 and "[mta] users" in json.loads(plan.stdout)["refusal"]
    # ... unless relay mode is configured explicitly
    fw.write_config(f'mode = "relay"\nrelays = ["{w.mx_ip}"]\n')
    res = fw("apply", "--no-rollback", "--root", str(empty))
    assert res.returncode == 0, res.stderr
    assert fw("remove").returncode == 0
    assert not fw.loaded()


def test_plan_shows_impact_and_inbound_note(server_world: World) -> None:
    w = server_world
    fw = Fw(w)
    php = w.php_holding_session(port=25, hold=20)
    try:
        res = fw("plan", "--json", "--db", str(w.tmp / "none.db"))
        assert res.returncode == 0, res.stderr
        doc = json.loads(res.stdout)
        assert doc["inbound_unaffected"] is True and "Inbound mail" in doc["inbound_note"]
        assert "table inet spamtrace" in doc["ruleset"]
        assert [p["id"] for p in doc["allowed_uids"]][:1] == [0]
        blocked = doc["impact"]["blocked"]
        if any("check pipeline is not installed" in n for n in doc["notes"]):
            pytest.fail("the check pipeline (spamtrace.service.check.collect) is missing")
        assert any(b["uid"] == w.uid and b["remote"] == f"{w.mx_ip}:25" for b in blocked), doc
        human = fw("plan", "--db", str(w.tmp / "none.db"))
        assert "Inbound mail keeps working" in human.stdout
        assert "mail() and sendmail keep working" in human.stdout
        assert "for a day" in human.stdout  # no store yet: watch first
        assert "BLOCKED" in human.stdout and str(w.uid) in human.stdout
    finally:
        php.kill()
    assert not fw.loaded()  # plan never loads anything


def test_border_acl_in_router_namespace() -> None:
    tag = secrets.token_hex(3)
    n = int(tag[:2], 16) % 250 + 2
    srv, rtr, net = f"sta{tag}-srv", f"sta{tag}-rtr", f"sta{tag}-inet"
    procs: list[subprocess.Popen[str]] = []
    try:
        for ns in (srv, rtr, net):
            run(["ip", "netns", "add", ns])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        run(["ip", "link", "add", f"sta{tag}a", "netns", srv, "type", "veth", "peer", "name",
             f"sta{tag}b", "netns", rtr])  # fmt: skip
        run(["ip", "link", "add", f"sta{tag}c", "netns", rtr, "type", "veth", "peer", "name",
             f"sta{tag}d", "netns", net])  # fmt: skip
        servers, outside = f"10.232.{n}", f"10.233.{n}"
        relay, other, mx = f"{servers}.10", f"{servers}.11", f"{outside}.2"
        for ns, dev, addrs in (
            (srv, f"sta{tag}a", [f"{relay}/24", f"{other}/24"]),
            (rtr, f"sta{tag}b", [f"{servers}.1/24"]),
            (rtr, f"sta{tag}c", [f"{outside}.1/24"]),
            (net, f"sta{tag}d", [f"{mx}/24"]),
        ):
            for addr in addrs:
                run(["ip", "-n", ns, "addr", "add", addr, "dev", dev])
            run(["ip", "-n", ns, "link", "set", dev, "up"])
        run(["ip", "-n", srv, "route", "add", "default", "via", f"{servers}.1"])
        run(["ip", "-n", net, "route", "add", f"{servers}.0/24", "via", f"{outside}.1"])
        run(["ip", "netns", "exec", rtr, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
        listener = (
            "import socket,sys\ns=socket.socket(); s.setsockopt(socket.SOL_SOCKET, "
            "socket.SO_REUSEADDR,1)\ns.bind((sys.argv[1],25)); s.listen(5); print('ready', "
            "flush=True)\nwhile True:\n c,a=s.accept(); c.close()"
        )
        for ns, addr in ((net, mx), (srv, other)):
            argv = ["ip", "netns", "exec", ns, sys.executable, "-c", listener, addr]
            p = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, start_new_session=True)
            procs.append(p)
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"

        def connect(ns: str, host: str, src: str | None = None) -> str:
            argv = ["ip", "netns", "exec", ns, sys.executable, "-c", CONNECT, host, "25"]
            return run([*argv, *([src] if src else [])]).stdout.strip()

        assert connect(srv, mx, other) == "ok"  # before the ACL everyone gets out
        acl = spamtrace("firewall", "acl", "--relay", relay, "--servers", f"{servers}.0/24",
                        "--format", "nft")  # fmt: skip
        assert acl.returncode == 0, acl.stderr
        run(["ip", "netns", "exec", rtr, "nft", "-f", "-"], input=acl.stdout)
        assert connect(srv, mx, relay) == "ok"  # the relay gets through
        assert connect(srv, mx, other) == "fail 111"  # another server is stopped (reset)
        assert connect(net, other) == "ok"  # inbound SMTP to a server still works
        counters = run(["ip", "netns", "exec", rtr, "nft", "-j", "list", "counters"]).stdout
        assert '"packets": 1' in counters.replace('"packets":1', '"packets": 1')
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=5)
        for ns in (srv, rtr, net):
            run(["ip", "netns", "del", ns], check=False)


def test_an_apply_nft_refuses_over_one_on_trial_leaves_its_rollback(server_world: World) -> None:
    """apply (on trial), then another apply that nft refuses: the first one's rules are still
    loaded and unconfirmed, and roll back at their deadline. Its pending record was dropped
    before the second load was tried, so they stayed loaded for good."""
    fw = Fw(server_world)
    # an nft that refuses the next check (once), as it would a ruleset the kernel cannot take
    bindir = server_world.tmp / "refusing-nft"
    bindir.mkdir()
    marker = bindir / "refuse-once"
    nft = run(["sh", "-c", "command -v nft"]).stdout.strip()
    (bindir / "nft").write_text(
        "#!/bin/sh\n"
        f'if [ -e "{marker}" ]; then for a in "$@"; do if [ "$a" = -c ]; then\n'
        f'  rm -f "{marker}"; echo "Error: refused (test)" >&2; exit 1; fi; done; fi\n'
        f'exec {nft} "$@"\n'
    )
    (bindir / "nft").chmod(0o755)
    argv = ["--config", str(fw.config), "firewall", "apply", "--timeout", "60",
            "--state-dir", str(fw.state)]  # fmt: skip

    def refused_apply() -> tuple[bool, subprocess.CompletedProcess[str], bool, dict[str, Any]]:
        before = fw.loaded()
        marker.touch()
        res = spamtrace(*argv, prefix=server_world.ns_prefix(),
                        env={"PATH": f"{bindir}:{os.environ['PATH']}"})  # fmt: skip
        after = fw.loaded()  # the first apply's rules, still on trial
        st: dict[str, Any] = json.loads(fw("status", "--json").stdout)
        return before, res, after, st

    def right(seen: tuple[bool, subprocess.CompletedProcess[str], bool, dict[str, Any]]) -> bool:
        before, res, after, st = seen
        pending = st["pending_rollback"] and st["pending_rollback"]["seconds_left"] > 0
        return before and res.returncode == 3 and after and bool(pending)

    timeout, due, _, seen = on_trial(fw, 4, (), refused_apply, right, fw.wait_rolled_back)
    before, res, after, st = seen
    assert before
    assert res.returncode == 3 and "refused (test)" in res.stderr, res
    assert after
    assert st["pending_rollback"] is not None, st
    assert 0 < st["pending_rollback"]["seconds_left"] <= timeout  # the first one's, not 60
    # the rollback at the first apply's deadline
    deadline = time.monotonic() + max(0.0, due - time.time()) + 30
    while fw.loaded() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not fw.loaded(), "the first apply's unconfirmed rules stayed loaded"


def _sleep_past(wall: float) -> None:
    """Until the wall clock is past ``wall`` (at once when it is already: the commands that
    looked at the trial can end after the deadline on a busy machine, and a negative
    time.sleep() raises ValueError)."""
    time.sleep(max(0.0, wall - time.time()))


def forget(fw: Fw) -> None:
    """``firewall remove``: no rules, no trial (its helper was killed)."""
    res = fw("remove")
    assert res.returncode == 0, res.stdout + res.stderr


def _kill_helper(fw: Fw) -> dict[str, Any] | None:
    """kill -9 the rollback helper of the apply on trial, once it is gone; its record (None:
    there was none left, its rollback was done)."""
    try:
        pending: dict[str, Any] = json.loads((fw.state / "pending.json").read_text())
    except FileNotFoundError:
        return None
    pid = int(pending["pid"])
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:  # dead (a zombie has no command line), not only signalled
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/cmdline").read_bytes():
                assert time.monotonic() < deadline, f"helper {pid} did not die"
                time.sleep(0.05)
                continue
        return pending


def test_rollback_survives_the_death_of_its_helper(server_world: World) -> None:
    """kill -9 of the rollback helper: status says so, and once the deadline passed the next
    firewall command performs the rollback (the daemon's check does the same)."""
    fw = Fw(server_world)

    def statuses() -> tuple[dict[str, Any] | None, dict[str, Any], str]:
        pending = _kill_helper(fw)
        st = json.loads(fw("status", "--json").stdout)
        return pending, st, fw("status").stdout

    def right(seen: tuple[dict[str, Any] | None, dict[str, Any], str]) -> bool:
        pending, st, human = seen
        trial = st["pending_rollback"]
        return (
            pending is not None and trial is not None and not trial["helper_alive"]
            and trial["seconds_left"] > 0 and "helper process is GONE" in human
        )  # fmt: skip

    _, _, _, (pending, st, human) = on_trial(fw, 3, (), statuses, right, lambda: forget(fw))
    assert pending is not None and pending["pid"] and pending["policy"]
    assert st["pending_rollback"]["helper_alive"] is False
    assert st["pending_rollback"]["seconds_left"] > 0
    assert "helper process is GONE" in human, human
    _sleep_past(float(pending["deadline"]) + 2.5)  # past deadline + grace
    assert fw.loaded()  # nobody did it: the helper is dead
    res = fw("status", "--json")
    assert "overdue" in res.stderr and "rolled back now" in res.stderr
    doc = json.loads(res.stdout)
    assert doc["overdue_rollback_done"]["late_seconds"] >= 0 and doc["pending_rollback"] is None
    assert not fw.loaded()
    assert "too late" in fw("confirm").stderr


def test_a_kill_of_apply_after_the_record_is_honoured(server_world: World) -> None:
    """The pending record is written before the table is loaded: an apply killed after loading
    (no helper started) still rolls back, by the next command once due."""
    fw = Fw(server_world)
    # as if apply died before starting its helper: killed before its deadline (before it
    # could roll back: only a kill in time counts)
    _, _, _, pending = on_trial(
        fw, 2, (), lambda: _kill_helper(fw), lambda _: False, lambda: forget(fw)
    )
    assert pending is not None
    pending["pid"] = None
    (fw.state / "pending.json").write_text(json.dumps(pending))
    _sleep_past(float(pending["deadline"]) + 2.5)
    assert fw.loaded()
    assert fw("plan").returncode in (0, 1)  # any firewall command
    assert not fw.loaded()


@pytest.mark.parametrize("value", ["99999999999", "0", "-5", "nan"])
def test_timeout_out_of_range_is_a_usage_error(server_world: World, value: str) -> None:
    fw = Fw(server_world)
    res = fw("apply", "--timeout", value)
    assert res.returncode == 2 and "1..86400" in res.stderr and "Traceback" not in res.stderr
    assert not fw.loaded()
