"""Benchmark: `spamtrace check --json --no-scan` against `ss -tnp` on a host with thousands of
processes (2,000 and 10,000 by default), in the same run.

Builds (as root) the namespace test world, then, for each size in ``--sizes``:

- that many idle `sleep` processes, each holding 20 fds: 3 loopback TCP connections with both
  ends in the process (6 established TCP sockets each: 60,000 at 10,000 processes),
  a socketpair, 9 open files and stdin/stdout/stderr;
- 5 live SMTP sessions to the world's sink on port 25, each a PHP script of the world's
  hosting user holding its session open, started after the idle processes as a freshly dropped
  spam script would be (restarted at each size).

Each size is timed with hyperfine (several runs, medians): spamtrace and ``ss -tnp``, and each
tool's output is checked to contain the same 5 connections (by local port and pid). The first
size also times ``check --json`` with scanning, ``ss -tnp 'dport = :25'``, ``netstat -ntup``,
the interpreter alone and the check pipeline in-process. Targets: at 2,000 processes under
150 ms; at 10,000 at least 15x faster than ``ss -tnp``.

The ratio is taken with ``--no-scan``: the peer tools only list sockets and do not read the
senders' files. Everything is removed at the end, also on failure or Ctrl-C.

    .venv/bin/python bench/check_bench.py [--sizes 2000,10000] [--runs 7] [--idle-owner root|user]
    .venv/bin/python bench/check_bench.py --worst-case   # also: senders older than every process

``--idle-owner user`` makes the idle processes belong to the same user as the SMTP sessions:
the worst case for spamtrace's owner-scoped fd scan (every idle process must be scanned).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from world import World  # noqa: E402

SPAMTRACE = str(Path(sys.executable).parent / "spamtrace")
SLEEP = "/usr/bin/sleep"
SETPRIV = "/usr/bin/setpriv"
LISTENERS = 16


def spawn_idle(count: int, owner: tuple[int, int] | None, pids: list[int]) -> None:
    """``count`` sleepers with 20 fds each (both ends of 3 loopback TCP connections), their pids
    appended to ``pids`` as they start (so that a failure half-way still cleans up)."""
    # several listeners: the loopback connections of 10,000 processes (and the TIME_WAIT ones
    # of a previous run) would use up the ephemeral ports towards a single address and port
    listeners = []
    for _ in range(LISTENERS):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listeners.append(listener)
    filler = tempfile.NamedTemporaryFile(prefix="spamtrace-bench-")  # noqa: SIM115
    argv = [SLEEP, "3600"]
    if owner is not None:
        argv = [SETPRIV, f"--reuid={owner[0]}", f"--regid={owner[1]}", "--clear-groups", *argv]
    try:
        for n in range(count):
            listener = listeners[n % LISTENERS]
            addr = listener.getsockname()
            clients = [socket.create_connection(addr) for _ in range(3)]
            servers = [listener.accept()[0] for _ in range(3)]
            a, b = socket.socketpair()
            files = [os.open(filler.name, os.O_RDONLY) for _ in range(9)]
            socks = [*clients, *servers, a, b]
            fds = [x.fileno() for x in socks] + files
            for fd in fds:
                os.set_inheritable(fd, True)
            pids.append(
                os.posix_spawn(argv[0], argv, os.environ, setsid=True)  # type: ignore[call-arg]
            )
            for x in socks:
                x.close()
            for fd in files:
                os.close(fd)
    finally:
        for listener in listeners:
            listener.close()
        filler.close()


def hyperfine(commands: dict[str, str], runs: int, export: Path) -> dict[str, dict[str, float]]:
    argv = ["hyperfine", "-N", "-i", "--warmup", "1", "--runs", str(runs), "--style", "none"]
    argv += ["--export-json", str(export)]
    for name, cmd in commands.items():
        argv += ["-n", name, cmd]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    data = json.loads(export.read_text())
    out = {}
    for result in data["results"]:
        times = result["times"]
        out[result["command"]] = {
            "median": result["median"],
            "min": min(times),
            "max": max(times),
            "runs": len(times),
            # CPU time (user + system, mean): what a busy shared VM inflates the least
            "cpu": result.get("user", 0.0) + result.get("system", 0.0),
        }
    return out


def found_by_spamtrace(world: World) -> set[tuple[int, int]]:
    argv = [SPAMTRACE, "check", "--json", "--no-scan"]
    doc = json.loads(subprocess.run(argv, capture_output=True, text=True).stdout)
    out = set()
    for c in doc["connections"]:
        if c["remote"] == f"{world.mx_ip}:25" and c["uid"] == world.uid and c["pid"]:
            out.add((int(c["local"].rsplit(":", 1)[1]), int(c["pid"])))
    return out


def scan_summary(world: World) -> str:
    """What one plain `check --json` (with scanning) reported about the senders' files."""
    doc = json.loads(
        subprocess.run([SPAMTRACE, "check", "--json"], capture_output=True, text=True).stdout
    )
    scan = doc.get("scan", {})
    tops = {
        (f["path"].rsplit("/", 1)[-1], f["verdict"], f["score"])
        for c in doc["connections"]
        if c["remote"] == f"{world.mx_ip}:25" and c.get("suspect_files")
        for f in c["suspect_files"][:1]
    }
    found = ", ".join(f"{name} {verdict} (score {score})" for name, verdict, score in tops)
    return (
        f"scan time inside check {scan.get('seconds', 0) * 1000:.0f} ms for "
        f"{scan.get('scanned', 0)} group(s); top file: {found or 'none'}"
    )


def found_by_ss(world: World) -> set[tuple[int, int]]:
    res = subprocess.run(["ss", "-tnp"], capture_output=True, text=True)
    out = set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[4] == f"{world.mx_ip}:25":
            pid = re.search(r"pid=(\d+)", line)
            if pid:
                out.add((int(parts[3].rsplit(":", 1)[1]), int(pid.group(1))))
    return out


def found_by_netstat(world: World) -> set[tuple[int, int]]:
    res = subprocess.run(["netstat", "-ntup"], capture_output=True, text=True)
    out = set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 7 and parts[0] == "tcp" and parts[4] == f"{world.mx_ip}:25":
            pid = parts[6].split("/", 1)[0]
            if pid.isdigit():
                out.add((int(parts[3].rsplit(":", 1)[1]), int(pid)))
    return out


IN_PROCESS = """
import statistics, sys, time
from spamtrace import config
from spamtrace.service.check import collect
cfg = config.load()
collect(cfg)
times = []
for _ in range(int(sys.argv[1])):
    t = time.perf_counter()
    collect(cfg)
    times.append(time.perf_counter() - t)
print(statistics.median(times), min(times), max(times))
"""


def pipeline_in_process(runs: int) -> tuple[float, float, float]:
    """The check pipeline alone (sock_diag, fd scan, psutil, accounts, verdicts), no startup."""
    res = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(runs)], capture_output=True, text=True, check=True
    )
    median, low, high = (float(x) for x in res.stdout.split())
    return median, low, high


def count_tcp() -> int:
    n = 0
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(name) as fh:
            n += sum(1 for _ in fh) - 1
    return n


def restart_sessions(world: World, sessions: list[Any], count: int) -> list[Any]:
    """End the running SMTP sessions and start ``count`` new ones (the newest processes)."""
    for proc in sessions:  # runuser and its php child: the whole session's process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    fresh = [world.php_holding_session(port=25, hold=900) for _ in range(count)]
    time.sleep(0.5)  # the old sessions' sockets leave the live states
    return fresh


def time_size(world: World, size: int, args: argparse.Namespace, first: bool) -> bool:
    """Time one size; print its figures; True when every tool found the same sessions."""
    found = {"spamtrace check --json --no-scan": found_by_spamtrace(world),
             "ss -tnp": found_by_ss(world)}  # fmt: skip
    commands = {
        "spamtrace check --json --no-scan": f"{SPAMTRACE} check --json --no-scan",
        "ss -tnp": "ss -tnp",
    }
    if first:
        found["netstat -ntup"] = found_by_netstat(world)
        commands.update({
            "(spamtrace check --json)": f"{SPAMTRACE} check --json",
            "ss -tnp 'dport = :25'": "ss -tnp dport = :25",
            "netstat -ntup": "netstat -ntup",
            # the floor, for reading the figures: the interpreter alone
            "(python -c pass)": f"{sys.executable} -c pass",
        })  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        results = hyperfine(commands, args.runs, Path(tmp) / "h.json")
    if first:
        med, low, high = pipeline_in_process(max(args.runs, 5))
        results["(check pipeline in-process)"] = {
            "median": med, "min": low, "max": high, "runs": max(args.runs, 5),
        }  # fmt: skip
    base = results["spamtrace check --json --no-scan"]["median"]
    print(f"\n{size} idle processes, {count_tcp()} TCP sockets in this netns")
    print(f"{'tool':<34}{'median':>10}{'min':>10}{'max':>10}{'cpu':>10}{'runs':>6}"
          f"{'vs spamtrace':>14}")  # fmt: skip
    for name, r in results.items():
        ms = [r[k] * 1000 for k in ("median", "min", "max")]
        cpu = f"{r['cpu'] * 1000:>8.1f}ms" if r.get("cpu") else f"{'-':>10}"
        print(f"{name:<34}{ms[0]:>8.1f}ms{ms[1]:>8.1f}ms{ms[2]:>8.1f}ms{cpu}"
              f"{r['runs']:>6}{r['median'] / base:>13.1f}x")  # fmt: skip
    reference = found["spamtrace check --json --no-scan"]
    ok = len(reference) == args.sessions
    for name, conns in found.items():
        same = conns == reference
        ok = ok and same
        print(f"{name:<33} found {len(conns)} port-25 connections of {world.user}"
              f"{'' if same else ' (DIFFERENT from spamtrace)'}")  # fmt: skip
    if first:
        floor = results["(python -c pass)"]["median"]
        pipeline = results["(check pipeline in-process)"]["median"]
        scanning = results["(spamtrace check --json)"]["median"]
        print(f"the interpreter alone: {floor * 1000:.1f} ms; the check pipeline (warm) "
              f"{pipeline * 1000:.1f} ms; with scanning (plain `check --json`): "
              f"{scanning * 1000:.1f} ms; {scan_summary(world)}")  # fmt: skip
    ratio = results["ss -tnp"]["median"] / base
    cpu = results["spamtrace check --json --no-scan"]["cpu"]
    print(f"RESULT {size} processes: spamtrace check --json --no-scan {base * 1000:.1f} ms "
          f"(CPU {cpu * 1000:.1f} ms), "
          f"ss -tnp {results['ss -tnp']['median'] * 1000:.1f} ms: {ratio:.1f}x faster; "
          f"same {args.sessions} senders found: {'yes' if ok else 'NO'}; "
          f"targets: < 150 ms at 2,000 processes, >= 15x at 10,000")  # fmt: skip
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,10000", help="idle process counts, ascending")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--idle-owner", choices=("root", "user"), default="root")
    parser.add_argument(
        "--worst-case",
        action="store_true",
        help="first time the senders started before every idle process",
    )
    args = parser.parse_args()
    sizes = sorted(int(x) for x in args.sizes.split(","))
    if os.geteuid() != 0:
        print("check_bench: needs root (network namespaces, a test user)", file=sys.stderr)
        return 2

    # measure spamtrace as installed: with its bytecode cached (hyperfine's warmup writes it)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    world = World()
    pids: list[int] = []
    sessions: list[Any] = []
    ok = True
    try:
        assert world.uid is not None and world.user is not None
        owner = None
        if args.idle_owner == "user":
            import pwd

            owner = (world.uid, pwd.getpwuid(world.uid).pw_gid)
        if args.worst_case:
            sessions = [world.php_holding_session(port=25, hold=900)
                        for _ in range(args.sessions)]  # fmt: skip
        for n, size in enumerate(sizes):
            t0 = time.monotonic()
            spawn_idle(size - len(pids), owner, pids)
            print(f"\nsetup: {size} idle processes x 20 fds (owner: {args.idle_owner}) "
                  f"in {time.monotonic() - t0:.1f} s")  # fmt: skip
            time.sleep(2.0)  # let the host settle after starting thousands of processes
            if args.worst_case and n == 0:
                print("worst case: the senders are older than every idle process")
                ok = time_size(world, size, args, first=False) and ok
            sessions = restart_sessions(world, sessions, args.sessions)
            ok = time_size(world, size, args, first=n == 0) and ok
        return 0 if ok else 1
    finally:
        for proc in sessions:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        world.close()


if __name__ == "__main__":
    raise SystemExit(main())
