"""A small hosting world in network namespaces, for integration tests (root only).

Layout (default)::

    host netns                         world netns "<name>-mx"
    veth <name>h  10.231.N.1/24  <---> veth <name>m  10.231.N.2/24  sink :25 :465 :587 :2525
                  fd57:N::1/64                        fd57:N::2/64

With ``server_ns=True`` the "hosting server" side is a netns of its own (``<name>-srv``) instead
of the host, so that firewall tests can load nft rules there without touching the host.

A hosting user ``st<hex>`` is created with ``~/public_html/wp-content/uploads``; tests run
scripts as that user with :meth:`World.spawn_as_user`. Everything (processes, netns, veth,
user) is removed by :meth:`World.close`, also when a test fails. Names and subnets are random
per world so that several test runs can share one machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PAYLOADS = HERE / "payloads"
SINK_PORTS = (25, 465, 587, 2525)
#: a private Exim config that routes every address to the world's sink (see exim_deliver)
EXIM_CONF = """\
primary_hostname = spamtrace.test
exim_user = Debian-exim
exim_group = Debian-exim
spool_directory = {spool}
log_file_path = {spool}/%slog
trusted_users = Debian-exim
begin routers
to_sink:
  driver = manualroute
  domains = *
  route_list = * {mx}
  self = send
  transport = remote_smtp
begin transports
remote_smtp:
  driver = smtp
  port = 25
begin retry
* * F,1m,1m
"""


def json_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON documents of the complete lines of ``path``, a file another process may be
    writing: a line written in one write() can be seen in part (the part in one page before
    the rest), and a line without its newline is not complete yet."""
    text = path.read_text() if path.exists() else ""
    return [json.loads(x) for x in text.split("\n")[:-1] if x.strip()]


def run(argv: Sequence[str], check: bool = True, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), check=check, text=True, capture_output=True, **kw)  # type: ignore[call-overload]



@contextlib.contextmanager
def second_account(prefix: str) -> Iterator[pwd.struct_passwd]:
    """Another hosting account (its home 0755, readable as a site's is), removed with its
    processes at the end."""
    name = f"{prefix}{secrets.token_hex(3)}"
    run(["useradd", "-m", "-s", "/bin/bash", name])
    try:
        entry = pwd.getpwnam(name)
        os.chmod(entry.pw_dir, 0o755)
        yield entry
    finally:
        run(["pkill", "-KILL", "-u", name], check=False)
        for _ in range(50):  # its processes may take a moment to go
            if run(["userdel", "-r", name], check=False).returncode in (0, 6):
                break
            time.sleep(0.1)

class World:
    def __init__(self, *, server_ns: bool = False, user: bool = True) -> None:
        tag = secrets.token_hex(3)
        self.tag = tag
        self.name = f"stw{tag}"
        self.mx_ns = f"{self.name}-mx"
        self.server_ns: str | None = f"{self.name}-srv" if server_ns else None
        n = int(tag[:2], 16) % 250 + 2
        self.subnet_id = n
        self.server_ip = f"10.231.{n}.1"
        self.mx_ip = f"10.231.{n}.2"
        self.server_ip6 = f"fd57:{n:x}::1"
        self.mx_ip6 = f"fd57:{n:x}::2"
        self.tmp = Path(f"/tmp/spamtrace-world-{tag}")
        self.sink_log = self.tmp / "sink.jsonl"
        self._procs: list[subprocess.Popen[str]] = []
        self.user: str | None = None
        self.uid: int | None = None
        self.home: Path | None = None
        self.uploads: Path | None = None
        self._made_user = False
        try:
            self._build(user)
        except BaseException:
            self.close()
            raise

    # ----------------------------------------------------------------- building
    def _build(self, user: bool) -> None:
        self.tmp.mkdir(mode=0o755, parents=True)
        self.sink_log.touch()
        run(["ip", "netns", "add", self.mx_ns])
        if self.server_ns:
            run(["ip", "netns", "add", self.server_ns])
        h, m = f"{self.name}h", f"{self.name}m"
        run(["ip", "link", "add", h, "type", "veth", "peer", "name", m])
        run(["ip", "link", "set", m, "netns", self.mx_ns])
        if self.server_ns:
            run(["ip", "link", "set", h, "netns", self.server_ns])
        srv = self.ns_prefix()
        run([*srv, "ip", "addr", "add", f"{self.server_ip}/24", "dev", h])
        run([*srv, "ip", "-6", "addr", "add", f"{self.server_ip6}/64", "dev", h, "nodad"])
        run([*srv, "ip", "link", "set", h, "up"])
        if self.server_ns:
            run([*srv, "ip", "link", "set", "lo", "up"])
        mx = ["ip", "netns", "exec", self.mx_ns]
        run([*mx, "ip", "addr", "add", f"{self.mx_ip}/24", "dev", m])
        run([*mx, "ip", "-6", "addr", "add", f"{self.mx_ip6}/64", "dev", m, "nodad"])
        run([*mx, "ip", "link", "set", m, "up"])
        run([*mx, "ip", "link", "set", "lo", "up"])
        self._start_sink()
        if user:
            self._make_user()

    def _start_sink(self) -> None:
        argv = [
            "ip", "netns", "exec", self.mx_ns, sys.executable, str(HERE / "sink.py"),
            "--addr", self.mx_ip, "--addr", self.mx_ip6,
            "--ports", ",".join(str(p) for p in SINK_PORTS), "--log", str(self.sink_log),
        ]  # fmt: skip
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        self._procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            err = proc.stderr.read() if proc.stderr else ""
            raise RuntimeError(f"sink did not start: {line!r} {err}")

    def _make_user(self) -> None:
        name = f"st{self.tag}"
        run(["useradd", "-m", "-s", "/bin/bash", name])
        run(["usermod", "-p", "*", name])  # unlock for sshd with UsePAM no
        self._made_user = True
        entry = pwd.getpwnam(name)
        self.user, self.uid = name, entry.pw_uid
        self.home = Path(entry.pw_dir)
        os.chmod(self.home, 0o755)
        self.uploads = self.home / "public_html" / "wp-content" / "uploads"
        self.uploads.mkdir(parents=True)
        for p in [self.home / "public_html", self.uploads.parent, self.uploads]:
            os.chown(p, entry.pw_uid, entry.pw_gid)

    # ----------------------------------------------------------------- using
    def ns_prefix(self) -> list[str]:
        """argv prefix that runs a command on the 'hosting server' side."""
        return ["ip", "netns", "exec", self.server_ns] if self.server_ns else []

    def mx_prefix(self) -> list[str]:
        return ["ip", "netns", "exec", self.mx_ns]

    def install_payload(
        self, name: str, dest_dir: Path | None = None, as_name: str | None = None
    ) -> Path:
        """Copy one of tests/integration/payloads into the user's uploads folder."""
        assert self.uploads is not None and self.uid is not None
        dest = (dest_dir or self.uploads) / (as_name or name)
        shutil.copyfile(PAYLOADS / name, dest)
        os.chown(dest, self.uid, pwd.getpwuid(self.uid).pw_gid)
        return dest

    def spawn(
        self,
        argv: Sequence[str],
        *,
        cwd: str | Path | None = None,
        user: str | None = None,
        in_server_ns: bool = True,
        **kw: object,
    ) -> subprocess.Popen[str]:
        """Start a process (optionally as a user, in the server netns); killed by close()."""
        full: list[str] = []
        if in_server_ns:
            full += self.ns_prefix()
        if user:
            full += ["runuser", "-u", user, "--"]
        full += list(argv)
        proc = subprocess.Popen(  # type: ignore[call-overload]
            full,
            cwd=str(cwd) if cwd else None,
            text=True,
            start_new_session=True,
            stdout=kw.pop("stdout", subprocess.PIPE),
            stderr=kw.pop("stderr", subprocess.PIPE),
            **kw,
        )
        self._procs.append(proc)
        return proc

    def spawn_as_user(
        self, argv: Sequence[str], cwd: Path | None = None, **kw: object
    ) -> subprocess.Popen[str]:
        assert self.user is not None
        return self.spawn(argv, cwd=cwd or self.uploads, user=self.user, **kw)

    def php_fpm_pool(self, access_log: Path | None = None, access_format: str = "") -> Path:
        """A php-fpm pool of the hosting user (one static worker, chdir /); its socket. With
        ``access_log``, the pool logs each request there (``access.format``: ``access_format``)."""
        assert self.user is not None
        sock = self.tmp / "fpm.sock"
        conf = self.tmp / "php-fpm.conf"
        extra = ""
        if access_log is not None:
            quoted = access_format.replace('"', '\\"')
            extra = f'access.log = {access_log}\naccess.format = "{quoted}"\n'
        conf.write_text(
            f"[global]\npid = {self.tmp / 'fpm.pid'}\nerror_log = {self.tmp / 'fpm.log'}\n"
            f"daemonize = no\n[{self.user}]\nuser = {self.user}\ngroup = {self.user}\n"
            f"listen = {sock}\nlisten.mode = 0666\npm = static\npm.max_children = 1\n"
            "chdir = /\n" + extra
        )
        self.spawn(["/usr/sbin/php-fpm8.2", "-F", "-y", str(conf)])
        deadline = time.monotonic() + 30
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not sock.exists():
            raise RuntimeError(f"php-fpm did not start: {(self.tmp / 'fpm.log').read_text()}")
        return sock

    def php_holding_session(
        self, port: int = 25, hold: float = 30.0, ipv6: bool = False, script: str = "wp-cache.php"
    ) -> subprocess.Popen[str]:
        """The hosting user's PHP script holding an SMTP session open; returns once connected."""
        path = self.install_payload(script)
        dest = self.mx_ip6 if ipv6 else self.mx_ip
        proc = self.spawn_as_user(["php", path.name, dest, str(port), "1", str(hold)])
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "connected":
            raise RuntimeError(
                f"php script did not connect: {line!r} {proc.stderr.read() if proc.stderr else ''}"
            )
        return proc

    def exim_deliver(
        self, rcpt: str, message: str = "Subject: mta\n\nlegitimate\n", timeout: float = 60
    ) -> int:
        """The host's Exim, run as Debian-exim (``exim4 -C <private config> -odf``), delivers
        ``message`` to ``rcpt`` through the world's sink, as the MTA would; returns its exit
        status. The config and spool live in the world's folder (made at the first call)."""
        exim = pwd.getpwnam("Debian-exim")
        spool = self.tmp / "exim"
        conf = self.tmp / "exim.conf"
        if not conf.exists():
            spool.mkdir(exist_ok=True)
            os.chown(spool, exim.pw_uid, exim.pw_gid)
            conf.write_text(EXIM_CONF.format(spool=spool, mx=self.mx_ip))
        proc = self.spawn(
            ["/usr/sbin/exim4", "-C", str(conf), "-odf", "-i", rcpt],
            user="Debian-exim", cwd=spool, stdin=subprocess.PIPE,
        )  # fmt: skip
        proc.communicate(message, timeout=timeout)
        return proc.returncode

    def sink_messages(self) -> list[dict[str, object]]:
        return json_lines(self.sink_log)

    def wait_sink(self, count: int, timeout: float = 10.0) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        while True:
            msgs = self.sink_messages()
            if len(msgs) >= count or time.monotonic() > deadline:
                return msgs
            time.sleep(0.05)

    # ----------------------------------------------------------------- teardown
    def close(self) -> None:
        for proc in reversed(self._procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(self._procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        self._procs.clear()
        if self._made_user and self.user:
            run(["pkill", "-KILL", "-u", self.user], check=False)
            for _ in range(50):
                if run(["userdel", "-r", self.user], check=False).returncode in (0, 6):
                    break
                time.sleep(0.1)
            self._made_user = False
        for ns in (self.mx_ns, self.server_ns):
            if ns and Path(f"/run/netns/{ns}").exists():
                # kill anything still running in the namespace, then delete it (veth goes too)
                pids = run(["ip", "netns", "pids", ns], check=False).stdout.split()
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, ValueError):
                        os.kill(int(pid), signal.SIGKILL)
                run(["ip", "netns", "del", ns], check=False)
        run(["ip", "link", "del", f"{self.name}h"], check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
