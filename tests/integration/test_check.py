"""`spamtrace check` end to end, as root, against the namespace test world.

Each test builds what it needs in the `world` fixture (netns + veth + SMTP sink, a hosting
user) and runs the real CLI. The sink side is a netns, so every connection is real TCP over
a veth pair. Other helpers run tests at the same time: assertions only look at connections
to this world's sink address.
"""

from __future__ import annotations

import io
import json
import os
import pwd
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from stcli import spamtrace
from world import World

pytestmark = pytest.mark.timeout(120)


def check_json(*extra: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    result = spamtrace("check", "--json", *extra, env=env)
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout)


def to_sink(doc: dict[str, Any], world: World, port: int | None = None) -> list[dict[str, Any]]:
    """This world's connections (others' tests may be running too)."""
    hosts = {world.mx_ip, f"[{world.mx_ip6}]"}
    out = []
    for conn in doc["connections"]:
        host, _, p = conn["remote"].rpartition(":")
        if host in hosts and (port is None or int(p) == port):
            out.append(conn)
    return out


def wait_for(predicate: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_php_script_holding_a_session_is_suspicious(world: World) -> None:
    proc = world.php_holding_session(port=25, hold=30)
    rc, doc = check_json()
    assert doc["schema"] == "spamtrace.check/1"
    assert rc == 1 and doc["suspicious"] >= 1
    (conn,) = to_sink(doc, world)
    assert conn["verdict"] == "suspicious"
    assert conn["pid"] == _child_php(proc.pid) and conn["pid"] != proc.pid
    assert conn["start_time"] > 0 and conn["started"].endswith("Z")
    assert conn["process"].startswith("php")
    assert conn["exe"].startswith("/usr/bin/php")
    assert conn["uid"] == world.uid and conn["user"] == world.user
    assert conn["account"] == world.user and conn["account_kind"] == "home"
    assert conn["cwd"] == str(world.uploads)
    assert conn["scripts"] == [str(world.uploads / "wp-cache.php")]
    assert conn["cmdline"][1] == "wp-cache.php"
    assert conn["state"] == "ESTABLISHED"
    assert conn["remote"] == f"{world.mx_ip}:25"
    assert conn["local"].startswith(f"{world.server_ip}:")
    assert conn["attribution"] == "live" and conn["socket_source"] == "sockdiag"
    assert conn["reasons"] and "directly" in conn["reasons"][0]
    assert any("spamtrace scan" in a and str(world.uploads) in a for a in conn["advice"])
    assert any(p["name"] == "runuser" for p in conn["parents"])
    # the PHP scanner looked at the script and its folder: "this is the file"
    script = str(world.uploads / "wp-cache.php")
    assert doc["scan"]["enabled"] is True and doc["scan"]["scanned"] >= 1
    suspects = [f for f in conn["suspect_files"] if f["path"] == script]
    assert len(suspects) == 1, conn["suspect_files"]
    suspect = suspects[0]
    assert suspect["verdict"] in ("suspicious", "malicious"), suspect
    assert suspect["score"] > 0 and suspect["rules"] and suspect["line"] is not None
    assert conn["advice"][0].startswith(f"this is the file: {script} ({suspect['verdict']}")
    # the human view tells the same story, escaped, without a traceback
    table = spamtrace("check")
    assert table.returncode == 1 and table.stderr == ""
    assert "suspicious" in table.stdout and "wp-cache.php" in table.stdout
    assert f"this is the file: {script}" in table.stdout
    # --no-scan: the same report without reading files
    rc, plain = check_json("--no-scan")
    (conn,) = to_sink(plain, world)
    assert rc == 1 and conn["suspect_files"] is None and plain["scan"] == {"enabled": False}


def test_a_symlink_attack_in_the_senders_folder_is_listed_apart(world: World) -> None:
    """Links from the account's folder to /etc/shadow and to / (a symlink attack) showed
    only in `scan`: check ranked files and dropped every link. They are `suspect_links`,
    apart from the file; the name escaped in the table."""
    assert world.uploads is not None
    (world.uploads / "s.txt").symlink_to("/etc/shadow")
    (world.uploads / "r\x1b[2J").symlink_to("/")
    world.php_holding_session(port=25, hold=30)
    rc, doc = check_json()
    (conn,) = to_sink(doc, world)
    assert rc == 1 and conn["verdict"] == "suspicious"
    links = {x["path"]: x for x in conn["suspect_links"]}
    assert links[str(world.uploads / "s.txt")]["target"] == "/etc/shadow"
    assert links[str(world.uploads / "r\x1b[2J")]["risk"] == "the whole file system"
    assert not any(f["path"] in links for f in conn["suspect_files"])
    assert conn["advice"][0].startswith("this is the file: ")
    assert conn["advice"][1].startswith("2 symlink(s) in the folder point where a site")
    table = spamtrace("check")
    assert table.returncode == 1 and table.stderr == "" and "\x1b" not in table.stdout
    assert f"{world.uploads}/s.txt -> /etc/shadow: a system file or folder" in table.stdout
    assert f"{world.uploads}/r\\x1b[2J -> /: the whole file system" in table.stdout


def _child_php(runuser_pid: int) -> int:
    """The php process under `runuser` (the world spawns `runuser -u user -- php ...`)."""
    out = subprocess.run(
        ["ps", "-o", "pid=,comm=", "--ppid", str(runuser_pid)], capture_output=True, text=True
    ).stdout.split()
    return int(out[0]) if out else runuser_pid


def test_ipv6_session_is_reported_with_brackets(world: World) -> None:
    world.php_holding_session(port=587, hold=30, ipv6=True)
    _rc, doc = check_json("--ports", "587")
    assert doc["ports"] == [587]
    (conn,) = to_sink(doc, world)
    assert conn["remote"] == f"[{world.mx_ip6}]:587"
    assert conn["local"].startswith(f"[{world.server_ip6}]:")
    assert conn["family"] == "ipv6"
    assert conn["verdict"] == "submission"  # a non-MTA process to 587: lower severity
    assert conn["scripts"] == [str(world.uploads / "wp-cache.php")]


def _tarpit(world: World, port: int) -> None:
    """A listener in the MX netns that accepts and never answers (holds clients open)."""
    code = (
        "import socket\n"
        f"s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        f"s.bind(({world.mx_ip!r}, {port})); s.listen(); print('ready', flush=True); held = []\n"
        "while True:\n    held.append(s.accept()[0])\n"
    )
    proc = world.spawn([*world.mx_prefix(), sys.executable, "-c", code], in_server_ns=False)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"


def test_real_exim_as_its_user_is_the_mta(world: World) -> None:
    exim = pwd.getpwnam("Debian-exim")
    _tarpit(world, 2526)
    spool = world.tmp / "exim"
    spool.mkdir()
    os.chown(spool, exim.pw_uid, exim.pw_gid)
    conf = world.tmp / "exim.conf"
    conf.write_text(
        f"primary_hostname = spamtrace.test\nspool_directory = {spool}\n"
        f"log_file_path = {spool}/%slog\nexim_user = Debian-exim\nexim_group = Debian-exim\n"
        "begin routers\nsink:\n  driver = manualroute\n  domains = *\n"
        f"  transport = sink_smtp\n  route_list = * {world.mx_ip}\n  self = send\n"
        "begin transports\nsink_smtp:\n  driver = smtp\n  port = 2526\n"
        "  command_timeout = 60s\n  connect_timeout = 5s\n  hosts_try_fastopen = :\n"
        "begin retry\n* * F,1m,1m\n"
    )
    sender = world.spawn(
        ["/usr/sbin/exim4", "-C", str(conf), "-odi", "-f", "a@spamtrace.test", "x@remote.test"],
        user="Debian-exim",
        stdin=subprocess.PIPE,
    )
    assert sender.stdin is not None
    sender.stdin.write("Subject: t\n\nbody\n")
    sender.stdin.close()

    def found() -> list[dict[str, Any]]:
        return to_sink(check_json("--ports", "25,2526")[1], world, 2526)

    conns = wait_for(found)
    assert len(conns) == 1, conns
    conn = conns[0]
    assert conn["verdict"] == "mta", conn
    assert conn["exe"] == "/usr/sbin/exim4"
    assert conn["uid"] == exim.pw_uid and conn["user"] == "Debian-exim"
    assert conn["advice"] == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_users_sshd_forward_is_an_ssh_tunnel(world: World) -> None:
    assert world.user is not None and world.home is not None and world.uid is not None
    d = world.tmp / "ssh"
    d.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "hostkey")],
                   check=True)  # fmt: skip
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "userkey")],
                   check=True)  # fmt: skip
    ssh_dir = world.home / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    (ssh_dir / "authorized_keys").write_text((d / "userkey.pub").read_text())
    gid = pwd.getpwnam(world.user).pw_gid
    for p in (ssh_dir, ssh_dir / "authorized_keys"):
        os.chown(p, world.uid, gid)
    Path("/run/sshd").mkdir(exist_ok=True)
    port = _free_port()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'hostkey'}\nPidFile {d / 'pid'}\n"
        "UsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        f"PubkeyAuthentication yes\nAllowTcpForwarding yes\nAllowUsers {world.user}\n"
        "StrictModes no\n"
    )
    world.spawn(["/usr/sbin/sshd", "-D", "-e", "-f", str(d / "sshd_config")])
    assert wait_for(lambda: _can_connect(port)), "sshd did not start"
    fwd = _free_port()
    client = world.spawn(
        ["ssh", "-N", "-i", str(d / "userkey"), "-p", str(port), "-o", "BatchMode=yes",
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
         "-o", "ExitOnForwardFailure=yes", "-L", f"127.0.0.1:{fwd}:{world.mx_ip}:25",
         f"{world.user}@127.0.0.1"],
    )  # fmt: skip
    assert wait_for(lambda: _can_connect(fwd) or client.poll() is not None)
    assert client.poll() is None, client.stderr.read() if client.stderr else ""
    with socket.create_connection(("127.0.0.1", fwd), timeout=5) as held:
        assert held.recv(100).startswith(b"220")  # the sink's banner, through the tunnel
        rc, doc = check_json()
        conns = to_sink(doc, world)
    assert len(conns) == 1, conns
    conn = conns[0]
    assert conn["verdict"] == "ssh-tunnel"
    assert conn["suspect_files"] is None  # sshd's folder is "/": nothing of the user to scan
    assert conn["exe"] == "/usr/sbin/sshd" and conn["uid"] == world.uid
    assert conn["user"] == world.user
    assert rc == 1
    assert any("AllowTcpForwarding no" in a for a in conn["advice"])


def _can_connect(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


RENAMED = r"""
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, b"exim", 0, 0, 0)   # PR_SET_NAME: comm is now "exim"
s = socket.create_connection((sys.argv[1], 25))
s.recv(100)
print("connected", flush=True)
time.sleep(60)
"""


def test_process_renamed_exim_is_not_the_mta(world: World) -> None:
    script = world.tmp / "renamed.py"
    script.write_text(RENAMED)
    os.chmod(script, 0o644)
    # /usr/bin/python3 (not the venv's, which the world user cannot read); argv[0] "exim" too
    proc = world.spawn_as_user(
        ["bash", "-c", f'exec -a exim /usr/bin/python3 {script} "$0"', world.mx_ip]
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "connected"
    rc, doc = check_json()
    (conn,) = to_sink(doc, world)
    assert conn["process"] == "exim" and conn["cmdline"][0] == "exim"
    assert conn["verdict"] == "suspicious"
    assert any("named 'exim'" in r for r in conn["reasons"])
    assert rc == 1


def _run_as(uid: int, gid: int, argv: list[str], cwd: str | None = None) -> tuple[int, str, str]:
    """Run spamtrace's main() in a forked child with dropped privileges (in ``cwd``).

    The venv's interpreter lives under a directory other users cannot read, so a non-root
    subprocess cannot start it; the fork keeps the already-imported modules (psutil too, which
    spamtrace imports lazily).
    """
    import psutil

    psutil.Process().create_time()  # loads psutil's platform modules
    import spamtrace.attribution.accounts
    import spamtrace.attribution.mta
    import spamtrace.attribution.process
    import spamtrace.cli.check
    import spamtrace.cli.main
    import spamtrace.config
    import spamtrace.policy.verdict
    import spamtrace.render.check
    import spamtrace.render.mail  # check's "through the MTA" section
    import spamtrace.render.output
    import spamtrace.scanner
    import spamtrace.service.check
    import spamtrace.service.mail
    import spamtrace.sources.maillog.reader
    import spamtrace.sources.sockdiag

    # the scanner's lazy imports and its rules (package data) too: one scan of a payload
    spamtrace.scanner.rank_files([str(Path(__file__).parent / "payloads" / "wp-cache.php")])
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            if cwd is not None:
                os.chdir(cwd)
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb"), write_through=True)
            sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb"), write_through=True)
            code = spamtrace.cli.main.main(argv)
            sys.stdout.flush()
        except BaseException:
            code = 99
        os._exit(code)
    os.close(out_w)
    os.close(err_w)
    with os.fdopen(out_r) as fo, os.fdopen(err_r) as fe:
        out, err = fo.read(), fe.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out, err


def test_without_root_lists_uids_and_says_what_root_adds(world: World) -> None:
    assert world.uid is not None
    world.php_holding_session(port=25, hold=30)  # the user's own process: readable
    # a root process's connection: the user cannot read that process
    code = (
        f"import socket, time; s = socket.create_connection(({world.mx_ip!r}, 25)); "
        "s.recv(100); print('connected', flush=True); time.sleep(60)"
    )
    rooted = world.spawn([sys.executable, "-c", code])
    assert rooted.stdout is not None and rooted.stdout.readline().strip() == "connected"
    gid = pwd.getpwuid(world.uid).pw_gid
    rc, out, err = _run_as(world.uid, gid, ["check", "--json"], cwd="/")
    assert err == "" and rc == 1
    doc = json.loads(out)
    assert doc["root"] is False
    assert any("run as root" in n for n in doc["notes"])
    conns = {c["uid"]: c for c in to_sink(doc, world)}
    own, other = conns[world.uid], conns[0]
    assert own["process"].startswith("php") and own["cwd"] == str(world.uploads)
    assert other["pid"] is None and other["attribution"] == "uid-only"
    assert other["user"] == "root" and other["verdict"] == "suspicious"
    # the user's own script is scanned; nothing is known of root's process: not scanned
    assert [f["path"] for f in own["suspect_files"]] == [str(world.uploads / "wp-cache.php")]
    assert other["suspect_files"] is None


def test_broken_config_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[smtp]\nports = [25,\n")
    result = spamtrace("check", "--json", env={"SPAMTRACE_CONFIG": str(bad)})
    assert result.returncode == 2
    assert json.loads(result.stdout)["schema"] == "spamtrace.check/1"  # report still printed
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "invalid TOML" in result.stderr and "built-in defaults" in result.stderr
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[smtp]\nportz = [25]\n")
    result = spamtrace("check", env={"SPAMTRACE_CONFIG": str(unknown)})
    assert result.returncode == 2 and "portz" in result.stderr
    bad_flag = spamtrace("check", "--ports", "25,x")
    assert bad_flag.returncode == 2 and len(bad_flag.stderr.strip().splitlines()) == 1


def test_odd_names_are_escaped_in_the_table(world: World) -> None:
    assert world.uploads is not None and world.uid is not None
    evil = world.uploads / "x\x1b[31m\nFAKE\x07"
    evil.mkdir()
    os.chown(evil, world.uid, pwd.getpwuid(world.uid).pw_gid)
    path = world.install_payload("wp-cache.php", dest_dir=evil, as_name="a\nb.php")
    proc = world.spawn_as_user(["php", path.name, world.mx_ip, "25", "1", "30"], cwd=evil)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "connected"
    table = spamtrace("check")
    assert "\x1b" not in table.stdout and "\x07" not in table.stdout
    assert "FAKE" in table.stdout and "\\x1b[31m\\nFAKE\\x07" in table.stdout
    rc, doc = check_json()
    assert rc == 1
    (conn,) = to_sink(doc, world)
    assert conn["cwd"] == str(evil) and conn["scripts"] == [str(path)]


SYN_SENT = r"""
import socket, sys, time
s = socket.socket()
s.setblocking(False)
s.connect_ex((sys.argv[1], 25))
print("started", flush=True)
time.sleep(60)
"""


def test_syn_sent_connection_is_listed(world: World) -> None:
    # an address in the world's subnet whose SYNs go to a MAC nobody has: stays SYN-SENT
    ghost = world.mx_ip.rsplit(".", 1)[0] + ".77"
    # (the neighbour entry goes away with the world's veth)
    neigh = ["ip", "neigh", "replace", ghost, "lladdr", "02:00:5e:00:53:77"]
    subprocess.run([*neigh, "dev", f"{world.name}h", "nud", "permanent"], check=True)
    script = world.tmp / "synsent.py"
    script.write_text(SYN_SENT)
    os.chmod(script, 0o644)
    proc = world.spawn_as_user(["/usr/bin/python3", str(script), ghost])
    assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
    rc, doc = check_json()
    conns = [c for c in doc["connections"] if c["remote"] == f"{ghost}:25"]
    assert len(conns) == 1, doc["connections"]
    conn = conns[0]
    assert conn["state"] == "SYN-SENT"
    assert conn["uid"] == world.uid and conn["process"].startswith("python")
    assert conn["scripts"] == [str(script)]
    assert conn["verdict"] == "suspicious" and rc == 1


FPM_SCRIPT = """<?php
// harmless test script: one SMTP session to the test sink, held open
$fp = fsockopen($_GET['h'], 25, $e, $s, 5);
fgets($fp, 512);
fwrite($fp, "EHLO fpm.example\\r\\n");
sleep(30);
fclose($fp);
echo "done";
"""


def test_php_fpm_worker_script_comes_from_its_open_fd(world: World) -> None:
    assert world.user is not None and world.uploads is not None and world.uid is not None
    script = world.uploads / "fpm-cache.php"
    script.write_text(FPM_SCRIPT)
    os.chown(script, world.uid, pwd.getpwuid(world.uid).pw_gid)
    sock = world.php_fpm_pool()
    env = {
        **os.environ,
        "SCRIPT_FILENAME": str(script),
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": f"h={world.mx_ip}",
    }
    world.spawn(["cgi-fcgi", "-bind", "-connect", str(sock)], env=env)

    def found() -> list[dict[str, Any]]:
        return to_sink(check_json()[1], world)

    conns = wait_for(found)
    assert len(conns) == 1, conns
    conn = conns[0]
    assert conn["process"].startswith("php-fpm")
    assert conn["cmdline"][0].startswith(f"php-fpm: pool {world.user}")
    assert conn["exe"] == "/usr/sbin/php-fpm8.2"
    assert conn["uid"] == world.uid and conn["user"] == world.user
    assert conn["scripts"] == [str(script)]  # only its open fd names the script
    assert conn["cwd"] == str(world.uploads)  # FPM chdirs to the script's folder
    assert conn["verdict"] == "suspicious"


HOLDING_PY = r"""
import socket, sys, time
s = socket.create_connection((sys.argv[1], 25), timeout=5)
s.recv(512)
print("connected", flush=True)
time.sleep(60)
"""


def test_renamed_interpreter_still_names_its_script(world: World) -> None:
    # a copy of python under a name no list knows, running a script whose name is not a
    # script's (python keeps no script open: the command line is the only trace of it)
    assert world.uploads is not None and world.uid is not None
    gid = pwd.getpwuid(world.uid).pw_gid
    python = os.path.realpath("/usr/bin/python3")
    kworker = world.uploads / "kworker"
    kworker.write_bytes(Path(python).read_bytes())
    script = world.uploads / "favicon.ico"
    script.write_text(HOLDING_PY)
    for path in (kworker, script):
        os.chown(path, world.uid, gid)
        os.chmod(path, 0o755)
    proc = world.spawn_as_user(["./kworker", script.name, world.mx_ip])
    assert proc.stdout is not None and proc.stdout.readline().strip() == "connected"
    rc, doc = check_json("--no-scan")
    (conn,) = to_sink(doc, world)
    assert conn["exe"] == str(kworker) and conn["process"] == "kworker"
    assert conn["scripts"] == [str(script)]
    assert conn["verdict"] == "suspicious" and rc == 1
    assert any(str(script) in a for a in conn["advice"])
