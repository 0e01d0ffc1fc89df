"""The demo's throwaway lab: two network namespaces, a hosting account, a hacked site.

Layout::

    netns stdemo-<tag>-srv ("the hosting server")      netns stdemo-<tag>-mx ("a remote MX")
    veth sd<tag>s  10.254.N.1/24  <------------------>  veth sd<tag>m  10.254.N.2/24
      the account's spam script, spamtrace's commands     the SMTP sink (spamtrace.demo.sink)
      the lab's own Exim (private config and spool)

Both ends of the link live in namespaces the lab made, so no traffic leaves it and the host's
firewall, routes and MTA are never touched. The account ``stdemo-<tag>`` (a name no hosting
panel makes, marked in its GECOS field) owns a small WordPress-like site with an obfuscated
mailer in its uploads folder. Everything is written down in a state file under
``/run/spamtrace-demo/`` *before* it is made, so that ``spamtrace demo --cleanup`` can remove a
lab left by ``--keep`` or by a demo that was killed halfway.
"""

from __future__ import annotations

import base64
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
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from spamtrace.errors import KernelFeatureUnavailable, RuntimeFailure
from spamtrace.safetext import quoted

DATA = Path(__file__).resolve().parent.parent / "data" / "demo"
STATE_DIR = Path("/run/spamtrace-demo")
LAB_ROOT = Path("/var/tmp")
GECOS = "spamtrace demo account, remove with spamtrace demo --cleanup"
USER_PREFIX = "stdemo-"
SINK_PORTS = (25, 587)
#: the lab's chat webhook and Prometheus endpoint (on the server namespace's own loopback)
HOOK_PORT = 18080
METRICS_LISTEN = "127.0.0.1:9945"
#: the mailer's path inside the account's site
SCRIPT_REL = "public_html/wp-content/uploads/2024/03/class-wp-cache.php"


@dataclass(frozen=True, slots=True)
class LabLayout:
    """Names and addresses of one lab; saved as its state file."""

    tag: str
    user: str
    srv_ns: str
    mx_ns: str
    veth_srv: str
    veth_mx: str
    srv_ip: str
    mx_ip: str
    dir: str
    #: the demo process that built the lab (pid and start time; 0 in older state files)
    owner: int = 0
    owner_start: float = 0.0

    @classmethod
    def new(cls) -> LabLayout:
        tag = secrets.token_hex(2)
        n = secrets.randbelow(200) + 20
        name = f"{USER_PREFIX}{tag}"
        return cls(
            tag=tag,
            user=name,
            srv_ns=f"{name}-srv",
            mx_ns=f"{name}-mx",
            veth_srv=f"sd{tag}s",
            veth_mx=f"sd{tag}m",
            srv_ip=f"10.254.{n}.1",
            mx_ip=f"10.254.{n}.2",
            dir=str(LAB_ROOT / f"spamtrace-demo-{tag}"),
            owner=os.getpid(),
            owner_start=_start_time(os.getpid()),
        )

    def in_use(self) -> bool:
        """True while the demo that built the lab still runs (the same process: pid and start
        time): ``--cleanup`` from another terminal, or a test run beside it, leaves it alone."""
        if self.owner <= 0 or self.owner == os.getpid():
            return False
        return _start_time(self.owner) == self.owner_start

    @property
    def path(self) -> Path:
        return Path(self.dir)

    @property
    def home(self) -> Path:
        return Path("/home") / self.user

    @property
    def site(self) -> Path:
        return self.home / "public_html"

    @property
    def script(self) -> Path:
        return self.home / SCRIPT_REL

    @property
    def config(self) -> Path:
        return self.path / "spamtrace.toml"

    @property
    def store(self) -> Path:
        return self.path / "store.db"

    @property
    def firewall_state(self) -> Path:
        return self.path / "firewall"

    @property
    def sink_log(self) -> Path:
        return self.path / "sink.jsonl"

    @property
    def hook_log(self) -> Path:
        return self.path / "hook.jsonl"

    @property
    def events(self) -> Path:
        return self.path / "events.jsonl"

    @property
    def control_socket(self) -> Path:
        return self.path / "control.sock"

    @property
    def state_file(self) -> Path:
        return STATE_DIR / f"{self.tag}.json"


def _run(
    argv: Sequence[str], check: bool = True, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(
            list(argv), text=True, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeFailure(f"demo lab: {argv[0]}: {exc}") from None
    if check and proc.returncode != 0:
        err = (proc.stderr or proc.stdout).strip().splitlines()
        raise RuntimeFailure(
            f"demo lab: `{' '.join(argv)}` failed: {err[-1] if err else proc.returncode}"
        )
    return proc


def mailer_source(mx_ip: str, seconds: int) -> str:
    """The obfuscated mailer: the readable code in data/demo, base64'd into an eval line."""
    code = (DATA / "mailer.php").read_text()
    code = code.replace("__MX__", mx_ip).replace("__SECONDS__", str(int(seconds)))
    blob = base64.b64encode(code.encode()).decode()
    chunks = [blob[i : i + 76] for i in range(0, len(blob), 76)]
    joined = "' .\n    '".join(chunks)
    return (
        "<?php\n"
        "/* WP Object Cache helper */\n"
        "$wp_c = 'ba' . 'se6' . '4_de' . 'code';\n"
        f"$_c = '{joined}';\n"
        "@eval($wp_c($_c));\n"
    )


def exim_config(layout: LabLayout, mta_user: str) -> str:
    spool = layout.path / "exim" / "spool"
    log = layout.path / "exim" / "log"
    return f"""# the demo lab's Exim: every message goes to the lab's remote MX
primary_hostname = server.lab.example
spool_directory = {spool}
log_file_path = {log}/%slog
exim_user = {mta_user}
exim_group = {mta_user}
keep_environment =
begin routers
to_lab_mx:
  driver = manualroute
  domains = *
  transport = lab_smtp
  route_list = * {layout.mx_ip}
  self = send
begin transports
lab_smtp:
  driver = smtp
begin retry
* * F,1m,1m
"""


def lab_config(lo: LabLayout) -> str:
    """The lab's own config: its store, control socket, event file and chat webhook; observe
    mode (responses are recorded as what would be done)."""
    return f"""# the demo lab's own config: nothing of the host's is read
mode = "observe"

[store]
path = "{lo.store}"

[daemon]
socket = "{lo.control_socket}"

[metrics]
listen = "{METRICS_LISTEN}"

[events]
path = "{lo.events}"

[[alerts.webhook]]
name = "lab-chat"
url = "http://127.0.0.1:{HOOK_PORT}/hook"
format = "slack"
"""


class Lab:
    """A built (or half-built) lab; :meth:`close` removes every part of it."""

    def __init__(self, layout: LabLayout) -> None:
        self.layout = layout
        self.procs: list[subprocess.Popen[str]] = []

    # ------------------------------------------------------------------ building
    @classmethod
    def create(cls, *, script_seconds: int, mta_user: str | None) -> Lab:
        layout = LabLayout.new()
        STATE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        layout.state_file.write_text(json.dumps(asdict(layout)) + "\n")
        lab = cls(layout)
        try:
            lab._build(script_seconds, mta_user)
        except BaseException:
            lab.close()
            raise
        return lab

    def _build(self, script_seconds: int, mta_user: str | None) -> None:
        lo = self.layout
        lo.path.mkdir(mode=0o755)
        lo.sink_log.touch()
        (lo.path / "spamtrace.d").mkdir()
        lo.hook_log.touch()
        lo.config.write_text(lab_config(lo))
        _run(["ip", "netns", "add", lo.srv_ns])
        _run(["ip", "netns", "add", lo.mx_ns])
        _run(["ip", "link", "add", lo.veth_srv, "type", "veth", "peer", "name", lo.veth_mx])
        _run(["ip", "link", "set", lo.veth_srv, "netns", lo.srv_ns])
        _run(["ip", "link", "set", lo.veth_mx, "netns", lo.mx_ns])
        for ns, dev, ip in ((lo.srv_ns, lo.veth_srv, lo.srv_ip), (lo.mx_ns, lo.veth_mx, lo.mx_ip)):
            _run(["ip", "-n", ns, "addr", "add", f"{ip}/24", "dev", dev])
            _run(["ip", "-n", ns, "link", "set", dev, "up"])
            _run(["ip", "-n", ns, "link", "set", "lo", "up"])
        self._start_sink()
        self._start_hook()
        self._make_account(script_seconds)
        if mta_user:
            self._make_exim(mta_user)

    def _start_sink(self) -> None:
        lo = self.layout
        argv = [
            "ip", "netns", "exec", lo.mx_ns, sys.executable, "-m", "spamtrace.demo.sink",
            "--addr", lo.mx_ip, "--ports", ",".join(map(str, SINK_PORTS)),
            "--log", str(lo.sink_log),
        ]  # fmt: skip
        proc = self.spawn(argv, in_srv=False)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeFailure(f"demo lab: the SMTP sink did not start ({quoted(line.strip())})")

    def _start_hook(self) -> None:
        lo = self.layout
        argv = [sys.executable, "-m", "spamtrace.demo.hook", "--port", str(HOOK_PORT),
                "--log", str(lo.hook_log)]  # fmt: skip
        proc = self.spawn(argv)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeFailure(
                f"demo lab: the chat webhook did not start ({quoted(line.strip())})"
            )

    def _make_account(self, script_seconds: int) -> None:
        lo = self.layout
        _run(["useradd", "-m", "-c", GECOS, "-s", "/bin/sh", lo.user])
        entry = pwd.getpwnam(lo.user)
        os.chmod(lo.home, 0o755)
        shutil.copytree(DATA / "site", lo.site)
        lo.script.parent.mkdir(parents=True, exist_ok=True)
        lo.script.write_text(mailer_source(lo.mx_ip, script_seconds))
        for root, dirs, files in os.walk(lo.site):
            for name in [*dirs, *files]:
                os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)
        os.chown(lo.site, entry.pw_uid, entry.pw_gid)

    def _make_exim(self, mta_user: str) -> None:
        lo = self.layout
        entry = pwd.getpwnam(mta_user)
        exim = lo.path / "exim"
        for sub in ("spool", "log"):
            (exim / sub).mkdir(parents=True)
            os.chown(exim / sub, entry.pw_uid, entry.pw_gid)
        (exim / "exim.conf").write_text(exim_config(lo, mta_user))

    # ------------------------------------------------------------------ using
    def srv_prefix(self) -> list[str]:
        return ["ip", "netns", "exec", self.layout.srv_ns]

    def spawn(
        self,
        argv: Sequence[str],
        *,
        in_srv: bool = True,
        user: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[str]:
        """Start a process in the lab (killed by :meth:`close`)."""
        runas = ["runuser", "-u", user, "--"] if user else []
        full = [*(self.srv_prefix() if in_srv else []), *runas, *argv]
        proc = subprocess.Popen(
            full,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=str(self.layout.script.parent) if user == self.layout.user else None,
        )
        self.procs.append(proc)
        return proc

    def sink_messages(self) -> list[dict[str, object]]:
        return _json_lines(self.layout.sink_log)

    def hook_messages(self) -> list[dict[str, object]]:
        return _json_lines(self.layout.hook_log)

    # ------------------------------------------------------------------ teardown
    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
        self.procs.clear()
        remove_lab(self.layout)


def _json_lines(path: Path) -> list[dict[str, object]]:
    out = []
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            with contextlib.suppress(ValueError):
                doc = json.loads(line)
                if isinstance(doc, dict):
                    out.append(doc)
    return out


def remove_lab(lo: LabLayout) -> list[str]:
    """Remove every part of a lab that exists; returns what was removed. Idempotent."""
    removed: list[str] = []
    if _is_demo_user(lo.user):
        _run(["pkill", "-KILL", "-u", lo.user], check=False)
        for _ in range(50):
            if _run(["userdel", "-r", lo.user], check=False).returncode in (0, 6):
                break
            time.sleep(0.1)
        removed.append(f"account {lo.user}")
    for ns in (lo.srv_ns, lo.mx_ns):
        if Path(f"/run/netns/{ns}").exists():
            # SIGTERM first: the lab's daemon (left by --keep) stops cleanly and removes its
            # tracefs instance; a SIGKILL left it recording on the host for good
            _signal_all(_run(["ip", "netns", "pids", ns], check=False).stdout.split())
            _run(["ip", "netns", "del", ns], check=False)
            removed.append(f"netns {ns}")
    removed += _remove_trace_instances(lo)
    if lo.path.exists() and lo.path.name.startswith("spamtrace-demo-"):
        shutil.rmtree(lo.path, ignore_errors=True)
        removed.append(f"folder {lo.path}")
    with contextlib.suppress(FileNotFoundError):
        lo.state_file.unlink()
    return removed


def _signal_all(pids: Sequence[str], grace: float = 10.0) -> None:
    """SIGTERM ``pids``, then SIGKILL those still there after ``grace`` seconds."""
    alive = []
    for text in pids:
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(text), signal.SIGTERM)
            alive.append(int(text))
    deadline = time.monotonic() + grace
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in alive if Path(f"/proc/{pid}").exists() and not _zombie(pid)]
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return True
    return stat[stat.rfind(b")") + 2 :].startswith(b"Z")


def _remove_trace_instances(lo: LabLayout) -> list[str]:
    """The tracefs instances of the lab's watchers that are gone (a daemon killed with the
    demo halfway): their store went with the lab, so no later watcher takes them over."""
    from spamtrace.sources import tracefs

    try:
        root = tracefs.find_tracefs(mount_if_missing=False)
    except KernelFeatureUnavailable:  # no tracefs here: nothing of ours in it
        return []
    removed = []
    for name in tracefs.stale_instances(root, tracefs.instance_tag(str(lo.store))):
        with contextlib.suppress(OSError):
            tracefs.remove_instance(root / "instances" / name)
            removed.append(f"tracefs instance {name}")
    return removed


def _start_time(pid: int) -> float:
    from spamtrace.attribution.process import start_time

    try:
        return start_time(pid)
    except (OSError, ValueError):
        return -1.0  # gone (or unreadable): never equal to a recorded start time


def _is_demo_user(name: str) -> bool:
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return False
    return name.startswith(USER_PREFIX) and entry.pw_gecos == GECOS


def saved_labs() -> list[LabLayout]:
    """The labs whose state files are in STATE_DIR (left by --keep or a killed demo)."""
    labs = []
    if STATE_DIR.is_dir():
        for path in sorted(STATE_DIR.glob("*.json")):
            with contextlib.suppress(OSError, ValueError, TypeError):
                labs.append(LabLayout(**json.loads(path.read_text())))
    return labs
