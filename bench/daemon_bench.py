"""Benchmark of `spamtrace daemon`, started as spamtrace.service starts it (root; builds a
throw-away test world in network namespaces).

Prints:

1. idle cost while the host starts processes: CPU (% of one core) and RSS of the daemon over a
   quiet window, then while a hosting user starts ``--exec-rate`` (200) short processes a
   second (the exec cache's load on a busy PHP-CGI server). Peer, on the same workload:
   ``forkstat`` (C, reads the same proc connector and prints every event to /dev/null).
2. catch and attribution: ``--connections`` (1,000) sub-millisecond SMTP connections, each
   from its own short-lived process, counted in the store: caught / made, attributed
   (uid + exe + cwd) / made. Peer: ``ss -tnp`` polled every second during the same workload.
3. a burst of ``--burst`` (5,000) connections from one script, as fast as it goes: all in
   the store, and the daemon's ``events_lost`` (``spamtrace status``) is 0.
4. ``kill -9`` of the daemon in the middle of such a burst (paced over 5 s), then a restart:
   the events and incidents committed before the kill are all there, the sender's incident
   goes on under the same id, and the capture gap is reported (``status``, the journal line).

Usage: .venv/bin/python bench/daemon_bench.py [--seconds 10] [--exec-rate 200]
       [--connections 1000] [--burst 5000] [--only-cost [--cost-port PORT]]
The figures are noisy on a shared machine: run it a few times and quote medians. The
tracepoint is host-wide, so the first figure also holds the cost of every SMTP connection the
rest of the host makes meanwhile (it says how many); ``--only-cost --cost-port 2526`` has the
daemon watch a port nobody uses instead, which leaves the processes' own cost.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from world import World  # noqa: E402

from spamtrace.service.control import query  # noqa: E402
from spamtrace.service.units import render_unit  # noqa: E402
from spamtrace.sinks.store import StoreReader  # noqa: E402
from watch_bench import forks_since_boot, short_lived_workload, ss_poller  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")

EXEC_LOAD = r"""
import os, sys, time
rate, secs = float(sys.argv[1]), float(sys.argv[2])
made = 0; t0 = time.monotonic(); end = t0 + secs; kids = []
while time.monotonic() < end:
    target = int((time.monotonic() - t0) * rate)
    while made < target:
        kids.append(os.posix_spawn("/bin/true", ["true"], os.environ)); made += 1
    for pid in kids:
        os.waitpid(pid, 0)
    kids = []
    time.sleep(0.002)
print(made / (time.monotonic() - t0))
"""


BURST = r"""
import socket, struct, sys, time
host, n, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
linger = struct.pack("ii", 1, 0)
t0 = time.monotonic()
for i in range(n):
    if rate and i > (time.monotonic() - t0) * rate:
        time.sleep(0.001)
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect((host, 25))
    except OSError:
        pass
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    s.close()
print(n, time.monotonic() - t0)
"""


def start_burst(world: World, n: int, rate: float = 0.0) -> subprocess.Popen[str]:
    """A hosting user's script opening ``n`` SMTP connections (``rate``/s; 0: flat out)."""
    return world.spawn_as_user(["/usr/bin/python3", "-c", BURST, world.mx_ip, str(n), str(rate)])


def cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of ``pid`` so far."""
    data = Path(f"/proc/{pid}/stat").read_bytes()
    fields = data[data.rfind(b")") + 2 :].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def cpu_seconds(pid: int) -> float:
    return sum(cpu_split(pid))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Daemon:
    """`spamtrace daemon` as the unit runs it; the config comes from SPAMTRACE_CONFIG."""

    def __init__(self, tmp: Path, ports: list[int] | None = None) -> None:
        self.tmp = tmp
        self.db = tmp / "spamtrace.db"
        self.socket = str(tmp / "run" / "control.sock")
        self.config = tmp / "spamtrace.toml"
        self.config.write_text(
            f'[store]\npath = "{self.db}"\n[daemon]\nsocket = "{self.socket}"\n'
            f"[firewall]\nnflog_group = {3000 + secrets.randbelow(20000)}\n"
            '[metrics]\nlisten = ""\n'
            + (f"[smtp]\nports = {ports}\n" if ports else "")
        )
        self.log = tmp / "daemon.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        line = next(
            x for x in render_unit("spamtrace.service").splitlines() if x.startswith("ExecStart=")
        )
        argv = [*line.removeprefix("ExecStart=").split(), "--firewall-state-dir",
                str(self.tmp / "fw")]  # fmt: skip
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                argv, stdout=log, stderr=log, start_new_session=True,
                env={**os.environ, "SPAMTRACE_CONFIG": str(self.config)},
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                self.status()
                return
            except Exception:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"daemon did not start: {self.log.read_text()}") from None
                time.sleep(0.1)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def status(self) -> dict[str, Any]:
        return query(self.socket, {"command": "status"})

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            self.proc.wait(timeout=60)


def cost_while_execs(world: World, d: Daemon, seconds: float, rate: float) -> dict[str, float]:
    time.sleep(1.0)
    e0 = d.status()["events"]
    c0, t0, f0 = cpu_seconds(d.pid), time.monotonic(), forks_since_boot()
    time.sleep(seconds)
    idle = (cpu_seconds(d.pid) - c0) / (time.monotonic() - t0) * 100
    background = (forks_since_boot() - f0) / (time.monotonic() - t0)
    idle_rss = rss_mb(d.pid)
    e1 = d.status()["events"]
    peer = subprocess.Popen(
        ["forkstat", "-e", "fork,exec,exit"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    time.sleep(0.5)
    c0, p0, t0 = cpu_seconds(d.pid), cpu_seconds(peer.pid), time.monotonic()
    u0, s0 = cpu_split(d.pid)
    # the system python: the hosting user may not read this venv
    load = world.spawn_as_user(["/usr/bin/python3", "-c", EXEC_LOAD, str(rate), str(seconds)])
    out, err = load.communicate(timeout=seconds * 4 + 60)
    if not out.strip():
        raise SystemExit(f"exec load failed: {err}")
    span = time.monotonic() - t0
    busy = (cpu_seconds(d.pid) - c0) / span * 100
    u1, s1 = cpu_split(d.pid)
    busy_user, busy_sys = (u1 - u0) / span * 100, (s1 - s0) / span * 100
    peer_cpu = (cpu_seconds(peer.pid) - p0) / span * 100
    busy_rss = rss_mb(d.pid)
    e2 = d.status()["events"]
    peer.terminate()
    peer.wait(timeout=10)
    return {
        "idle_cpu": idle, "idle_rss": idle_rss, "background": background,
        "busy_cpu": busy, "busy_rss": busy_rss, "busy_user": busy_user, "busy_sys": busy_sys,
        "rate": float(out.strip() or 0), "peer_cpu": peer_cpu,
        "idle_smtp": e1 - e0, "busy_smtp": e2 - e1,
    }  # fmt: skip


def mine(d: Daemon, world: World, since: float) -> list[Any]:
    with StoreReader(str(d.db)) as reader:
        events = reader.events(since=since, limit=1_000_000)
    return [e for e in events if e.remote == f"{world.mx_ip}:25" and e.uid == world.uid]


def wait_count(d: Daemon, world: World, since: float, count: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        n = len(mine(d, world, since))
        if n >= count:
            break
        time.sleep(0.5)
    return n


def catch(world: World, d: Daemon, n: int) -> dict[str, Any]:
    since = time.time() - 1
    seen: set[str] = set()
    stop = threading.Event()
    poller = threading.Thread(target=ss_poller, args=(world, stop, seen, 1.0), daemon=True)
    poller.start()
    made, secs = short_lived_workload(world, n)
    stop.set()
    wait_count(d, world, since, made, timeout=30)
    events = mine(d, world, since)
    full = [e for e in events if e.uid == world.uid and e.exe and e.cwd]
    return {"made": made, "seconds": secs, "caught": len(events), "attributed": len(full),
            "ss": len(seen)}  # fmt: skip


def burst(world: World, d: Daemon, n: int) -> tuple[int, float, int]:
    since = time.time()
    out, _ = start_burst(world, n).communicate(timeout=600)
    made, secs = int(out.split()[0]), float(out.split()[1])
    return made, secs, wait_count(d, world, since, made)


def kill_restart(world: World, d: Daemon, n: int) -> dict[str, Any]:
    since = time.time() - 1
    proc = start_burst(world, n, rate=n / 5)  # over about 5 s: killed in the middle
    time.sleep(2.0)
    d.stop(signal.SIGKILL)
    killed_at = time.time()
    with StoreReader(str(d.db)) as reader:
        before_events = len(reader.events(since=since, limit=1_000_000))
        before_ids = {i.id: i.connections for i in reader.incidents(since=since - 3600)}
    proc.communicate(timeout=600)
    time.sleep(1.0)
    d.start()
    restarted = time.time()
    with StoreReader(str(d.db)) as reader:
        after_events = len(reader.events(since=since, limit=1_000_000))
        after = {i.id: i.connections for i in reader.incidents(since=since - 3600)}
    kept = all(after.get(k, -1) >= v for k, v in before_ids.items())
    # the sender goes on after the restart: its incident continues under the same id
    start_burst(world, 10).communicate(timeout=60)
    time.sleep(2.0)
    with StoreReader(str(d.db)) as reader:
        latest = [i for i in reader.incidents(since=since - 3600) if i.uid == world.uid]
    grown = [i for i in latest if i.id in before_ids and i.connections > before_ids[i.id]]
    continued = bool(grown)
    st = d.status()
    journal = d.log.read_text()
    return {
        "events_before": before_events, "events_after": after_events, "kept": kept,
        "incidents": len(before_ids), "continued": continued,
        "incident": grown[0].id if grown else None,
        "gap": st.get("capture_gap"), "down": restarted - killed_at,
        "journal": "CAPTURE GAP" in journal,
        "took_over": re.search(r"took over the trace buffer[^\n]*?(\d+) connect attempt", journal),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="cost windows")
    parser.add_argument("--exec-rate", type=float, default=200.0, help="processes/s")
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=5000)
    parser.add_argument("--only-cost", action="store_true", help="only the first figure")
    parser.add_argument(
        "--cost-port", type=int, default=None,
        help="with --only-cost: the daemon watches this port, not the SMTP ports (the rest "
        "of a shared host's SMTP connections then do not count in the figure)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.cost_port is not None and not args.only_cost:
        print("daemon_bench: --cost-port needs --only-cost", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("daemon_bench: needs root", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="spamtrace-bench-") as tmpdir, World() as world:
        d = Daemon(Path(tmpdir), [args.cost_port] if args.cost_port is not None else None)
        d.start()
        try:
            watched = f", watching port {args.cost_port}" if args.cost_port is not None else ""
            print(f"== cost of the daemon ({args.seconds:.0f} s windows{watched})")
            c = cost_while_execs(world, d, args.seconds, args.exec_rate)
            print(f"   no load of ours: CPU {c['idle_cpu']:.2f}% of a core, RSS "
                  f"{c['idle_rss']:.1f} MB (the rest of this shared host forked "
                  f"{c['background']:.0f} processes/s and made {c['idle_smtp']} SMTP "
                  "connection(s) meanwhile, all handled)")  # fmt: skip
            print(f"   host starting {c['rate']:.0f} processes/s (a hosting user): CPU "
                  f"{c['busy_cpu']:.2f}% of a core (user {c['busy_user']:.2f}%, kernel "
                  f"{c['busy_sys']:.2f}%), RSS {c['busy_rss']:.1f} MB; other SMTP "
                  f"connections on the host meanwhile: {c['busy_smtp']}")  # fmt: skip
            print(f"   peer forkstat (C, same proc connector, output to /dev/null): CPU "
                  f"{c['peer_cpu']:.2f}% of a core")  # fmt: skip
            if args.only_cost:
                return 0
            n = args.connections
            print(f"== catch: {n} sub-ms connections, one short-lived process each")
            r = catch(world, d, n)
            made = r["made"] or 1
            print(f"   made {r['made']} in {r['seconds']:.1f} s; in the store: caught "
                  f"{r['caught']}/{r['made']} ({r['caught'] / made:.1%}), attributed "
                  f"(uid+exe+cwd) {r['attributed']}/{r['made']} "
                  f"({r['attributed'] / made:.1%})")  # fmt: skip
            print(f"   peer `ss -tnp` every 1 s: caught {r['ss']}/{r['made']} "
                  f"({r['ss'] / made:.1%})")  # fmt: skip
            print(f"== burst: {args.burst} connections from one script, flat out")
            lost0 = d.status()["events_lost"]
            bm, bs, bn = burst(world, d, args.burst)
            st = d.status()
            print(f"   made {bm} in {bs:.1f} s ({bm / max(bs, 1e-9):.0f}/s); in the store "
                  f"{bn}/{bm}; events lost {st['events_lost'] - lost0} "
                  f"(by source {st['events_lost_by_source']})")  # fmt: skip
            print(f"== kill -9 in the middle of a burst of {args.burst}, then a restart")
            k = kill_restart(world, d, args.burst)
            print(f"   committed before the kill: {k['events_before']} event(s), "
                  f"{k['incidents']} incident(s); after the restart: {k['events_after']} "
                  f"event(s), all committed incidents kept: {k['kept']}")  # fmt: skip
            print(f"   the sender's incident continues under the same id: {k['continued']} "
                  f"({k['incident']})")  # fmt: skip
            gap = k["gap"] or {}
            taken = k["took_over"]
            print(f"   gap reported by status: {json.dumps(gap)}; journal line: {k['journal']} "
                  f"(daemon down {k['down']:.1f} s)")  # fmt: skip
            # the dead daemon's trace buffer went on recording: read at the restart, it closes
            # the gap (none is reported then, unless the buffer overflowed)
            print("   the dead daemon's trace buffer taken over at the restart: "
                  + (f"{taken.group(1)} connect attempt(s) it recorded while down"
                     if taken else "no"))  # fmt: skip
        finally:
            d.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
