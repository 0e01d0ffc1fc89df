"""Benchmark: another account's time to block while one account floods (root; test world).

Account A (the world's user) makes ``--connects`` non-blocking connects to port 25 in
``--seconds`` (one Python process, paced; as fast as it can if that is slower); the uid
block refuses them after the first ones (free for the attacker). Account B makes one
connect ``--b-after`` seconds into the flood. The daemon runs in enforce mode (``stop`` off,
so that A's flood runs its course) in the world's server netns, a fresh one per trial.

Prints, over the trials: B's time from its connect to its uid in the block set (p50, max),
whether B's incident names B's script (its process, alive 0.5 s after its connect, read
while it ran), the daemon's RSS before and at its peak, and once A's connects are worked
off, how many were counted in A's incidents (each one's connections, blocked and
attribution methods in the trial's JSON line: ``nflog-uid-only`` counts connects the NFLOG
record counted), how many were counted with no uid (``attribution: none``: a child whose fork
the proc connector lost in an overrun, gone before it could be read; each incident of neither
account is listed), lost by the trace buffer (said in ``status``) and handled late from the
backlog; and when, after B's connect, the engine had handled
them all (``status``: nothing queued) and when the store had them all (``incidents``),
polled every half second. The store's writer: how many attempts a second it wrote in each
trial (``status``: written, between two polls at least a second apart, at its fastest, while
records were queued), and, before the trials, on its own: 30,000 attempts of one flooding
process (their records made as the engine makes them, queued 256 at a time with their
incident's state, as the backlog does) written by a store opened in a fresh folder, median of
three runs, measured by the Python that runs the daemon (``sys.executable``: the same
bench run with another checkout's interpreter measures that checkout's store).

``--fork python|c``: A's flood forks a new process for each connect (each one a process the
daemon has not seen), as fast as it can up to ``--connects`` in ``--seconds``; ``c``: a
compiled flooder (built with gcc), which forks far faster than Python.

Usage: .venv/bin/python bench/flood_bench.py [--trials 3] [--connects 30000] [--seconds 3]
       [--b-after 1] [--fork python|c] [--store-only]
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(ROOT / "src"))

#: A's flood and B's one connect, as the integration test runs them
from test_flood import FLOOD, ONE  # noqa: E402
from test_guard import NsDaemon  # noqa: E402
from test_watch import _remove_instance as remove_instance  # noqa: E402
from world import World, run, second_account  # noqa: E402

#: A's flood with a new process per connect: the parent forks, the child connects and exits
FORKING_FLOOD = """import os, signal, socket, sys, time
host, n, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped by the kernel
t0 = time.time()
print(t0, flush=True)
for i in range(n):
    if i % 20 == 0:
        time.sleep(max(0.0, t0 + secs * i / n - time.time()))
    if os.fork() == 0:
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect((host, 25))
        except OSError:
            pass
        os._exit(0)
print(time.time(), flush=True)
"""
#: the same in C (``--fork c``): a compiled sender forks far faster than Python does
FORKING_FLOOD_C = r"""#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
static double now(void) {
    struct timeval t;
    gettimeofday(&t, 0);
    return t.tv_sec + t.tv_usec / 1e6;
}
int main(int argc, char **argv) {
    int n = atoi(argv[2]); double secs = atof(argv[3]), t0 = now();
    struct sockaddr_in to = {0};
    to.sin_family = AF_INET; to.sin_port = htons(25); inet_pton(AF_INET, argv[1], &to.sin_addr);
    signal(SIGCHLD, SIG_IGN);
    printf("%f\n", t0); fflush(stdout);
    for (int i = 0; i < n; i++) {
        double ahead = i % 20 ? 0 : t0 + secs * i / n - now();
        if (ahead > 0) usleep(ahead * 1e6);
        if (fork() == 0) {
            int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            connect(s, (struct sockaddr *)&to, sizeof to);
            _exit(0);
        }
    }
    printf("%f\n", now()); fflush(stdout);
    return 0;
}
"""


#: the store's writer on its own (run by ``sys.executable``, as the daemon is): prints the
#: attempts a second it wrote
STORE_WRITER = """import os, sys, tempfile, time
from spamtrace.model import (Account, AccountKind, AttributedAttempt, AttributionMethod,
    Endpoint, ParentProcess, ProcessInfo, SmtpConnectAttempted, Verdict)
from spamtrace.policy.incidents import IncidentTracker
from spamtrace.sinks.records import event_record, incident_record
from spamtrace.sinks.store import Store
n = int(sys.argv[1])
parents = tuple(ParentProcess(100 + i, "bash", "/usr/bin/bash", 1001) for i in range(3))
proc = ProcessInfo(4242, 1e9, "python3", "/usr/bin/python3.11",
                   ("python3", "/home/u/public_html/flood.py", "10.0.0.2"), 1001, 1001, 1001,
                   "u", "/home/u/public_html", ("/home/u/public_html/flood.py",), parents,
                   AttributionMethod.LIVE)
account = Account("u", AccountKind.HOME, "/home/u")
reasons = ("non-MTA process talks SMTP directly to 10.0.0.2:25 (uid 1001 (u))",)
tracker = IncidentTracker()
atts = [AttributedAttempt(SmtpConnectAttempted(1.0 + i * 1e-4, 1e9 + i * 1e-4, 4242, 4242,
        "python3", 2, Endpoint("10.0.0.1", 0), Endpoint("10.0.0.2", 25)), proc, account,
        Verdict.SUSPICIOUS, reasons) for i in range(n)]
batches = []
for k in range(0, n, 256):
    part = atts[k:k + 256]
    incs = [tracker.add(a).incident for a in part]
    batches.append(([event_record(a, i.id) for a, i in zip(part, incs)],
                    incident_record(incs[-1], atts[0])))
with tempfile.TemporaryDirectory() as folder:
    store = Store(os.path.join(folder, "s.db"), queue_size=n + 1000)
    t0 = time.perf_counter()
    for events, state in batches:
        store.submit_many(events, state)
    assert store.flush(600)
    seconds = time.perf_counter() - t0
    health = store.close()
assert health.written == n and health.lost == 0, health
print(n / seconds)
"""


def store_writer_rate(n: int = 30_000, runs: int = 3) -> float:
    """The store's writer on its own: attempts written a second (median of ``runs``)."""
    rates = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-c", STORE_WRITER, str(n)], capture_output=True,
                           text=True, check=True, timeout=600)  # fmt: skip
        rates.append(float(r.stdout))
    return pct(rates, 50)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))]


def incidents(d: NsDaemon, uid: int | None = None) -> list[dict[str, Any]]:
    """The incidents of ``uid`` (None: all of them)."""
    r = d.cli("incidents", "--json", "--since", "all")
    if r.returncode not in (0, 1):
        return []
    return [i for i in json.loads(r.stdout)["incidents"] if uid is None or i["uid"] == uid]


def trial(
    world: World, b: pwd.struct_passwd, n: int, secs: float, after: float, k: int,
    fork: str | None = None,
) -> dict[str, Any]:
    assert world.user is not None and world.uploads is not None and world.uid is not None
    tmp = world.tmp / f"trial{k}"
    tmp.mkdir()
    d = NsDaemon(world, tmp, only_accounts=[world.user, b.pw_name])
    flood, one = world.uploads / "flood.py", Path(b.pw_dir) / "one.py"
    flood.write_text(FORKING_FLOOD if fork == "python" else FLOOD)
    one.write_text(ONE)
    os.chown(flood, world.uid, world.uid)
    argv = ["python3", str(flood)]
    if fork == "c":
        source = world.uploads / "flood.c"
        source.write_text(FORKING_FLOOD_C)
        binary = world.uploads / "flood"
        run(["gcc", "-O2", "-o", str(binary), str(source)])
        os.chown(binary, world.uid, world.uid)
        argv = [str(binary)]
    os.chown(one, b.pw_uid, b.pw_uid)
    d.start()
    assert d.proc is not None
    pid = d.proc.pid
    time.sleep(1.0)
    rss0 = peak = rss_mb(pid)
    out: dict[str, Any] = {"rss_start": rss0}
    try:
        a = world.spawn(
            ["runuser", "-u", world.user, "--", *argv, world.mx_ip, str(n), str(secs)],
            cwd=world.uploads,
        )
        assert a.stdout is not None
        started = float(a.stdout.readline())
        time.sleep(max(0.0, started + after - time.time()))
        r = subprocess.run(
            [*world.ns_prefix(), "runuser", "-u", b.pw_name, "--", "python3", str(one),
             world.mx_ip, "0.5"], cwd=b.pw_dir, capture_output=True, text=True, timeout=60,
            check=True,
        )  # fmt: skip
        connected = float(r.stdout.split()[0])
        deadline = time.time() + 180
        late = None
        while time.time() < deadline:
            peak = max(peak, rss_mb(pid))
            if b.pw_uid in d.blocked():
                late = time.time() - connected
                break
            time.sleep(0.05)
        out["late"] = late
        ended = float(a.stdout.readline())
        a.wait(timeout=120)
        out["flood_seconds"] = ended - started
        inc_b = incidents(d, b.pw_uid)
        out["b_named"] = bool(inc_b) and str(one) in json.dumps(inc_b)
        # worked off: A's connects counted (or lost), nothing queued
        deadline = time.time() + 300
        handled = None  # when the engine had handled them all (the store may still write)
        writes: list[tuple[float, int, int]] = []  # (time, written, queued) at each poll
        seen = elsewhere = 0
        while time.time() < deadline:
            peak = max(peak, rss_mb(pid))
            st = d.status()
            store = st.get("store") or {}
            writes.append((time.time(), int(store.get("written", 0)), int(store.get("queued", 0))))
            lost = {k: v for k, v in (st.get("events_lost_by_source") or {}).items()}
            queued = (st.get("backlog") or {}).get("queued", 0)
            if queued == 0 and handled is None:
                handled = time.time() - connected
            every = incidents(d)
            seen = sum(int(i["connections"]) for i in every if i["uid"] == world.uid)
            # counted with no uid (their process gone, not known to the exec cache)
            elsewhere = sum(int(i["connections"]) for i in every if i["uid"] is None)
            if queued == 0 and seen + elsewhere + lost.get("tracepoint", 0) >= n:
                break
            time.sleep(0.5)
        # the NFLOG records of the last connects may still be held or queued (``queued`` does
        # not count them): A's counts are read again until they hold still for 5 s, since a
        # record that finds no connect to pair with counts one of its own
        caught_up = time.time() - connected
        first_seen, steady, last = seen, time.time(), None
        while time.time() < deadline and time.time() - steady < 5.0:
            time.sleep(0.5)
            now_a = [(int(i["connections"]), int(i["blocked"])) for i in incidents(d, world.uid)]
            if now_a != last:
                last, steady = now_a, time.time()
        st = d.status()
        every = incidents(d)
        seen = sum(int(i["connections"]) for i in every if i["uid"] == world.uid)
        out["seen_when_caught_up"] = first_seen
        out.update(
            rss_peak=peak, seen=seen, elsewhere=elsewhere, lost=lost, backlog=st.get("backlog"),
            store_rate=write_rate(writes),
            caught_up=caught_up, handled=handled,
            a_incidents=[{k: i[k] for k in ("connections", "blocked", "attribution")}
                         for i in incidents(d, world.uid)],
            # A's connects counted elsewhere: the incidents of neither account
            others=[{k: i[k] for k in ("uid", "verdict", "connections", "blocked",
                                       "attribution")}
                    for i in incidents(d) if i["uid"] not in (world.uid, b.pw_uid)],
        )  # fmt: skip
    finally:
        d.stop()
        if os.environ.get("FLOOD_BENCH_LOG"):
            print(d.output(), file=sys.stderr)
        run(["ip", "netns", "exec", str(world.server_ns), "nft", "delete", "table", "inet",
             "spamtrace"], check=False)  # fmt: skip
        remove_instance(pid)
    return out


def write_rate(writes: list[tuple[float, int, int]]) -> float | None:
    """The store's fastest writing between two polls at least a second apart, while it had
    records queued at the first (attempts a second; None: never measured so)."""
    best = None
    for i, (t0, w0, q0) in enumerate(writes):
        if q0 == 0:
            continue
        for t1, w1, _q1 in writes[i + 1 :]:
            if t1 - t0 >= 1.0:
                rate = (w1 - w0) / (t1 - t0)
                best = rate if best is None else max(best, rate)
                break
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--connects", type=int, default=30_000)
    ap.add_argument("--seconds", type=float, default=3.0, help="the flood's length (paced)")
    ap.add_argument("--b-after", type=float, default=1.0)
    ap.add_argument("--fork", choices=("python", "c"), help="a new process per connect")
    ap.add_argument("--store-only", action="store_true", help="only the store's writer figure")
    args = ap.parse_args()
    rate = store_writer_rate()
    print(f"store writer on its own: {rate:,.0f} attempts/s (30,000 of one flooding process, "
          "256 a batch with their incident's state; median of 3)", flush=True)
    if args.store_only:
        return 0
    if os.geteuid() != 0:
        raise SystemExit("flood_bench needs root (namespaces, nft, tracefs)")
    results = []
    with second_account("stb") as b, World(server_ns=True) as world:
        for k in range(args.trials):
            res = trial(world, b, args.connects, args.seconds, args.b_after, k, args.fork)
            print(json.dumps(res), file=sys.stderr, flush=True)
            results.append(res)
    late = [r["late"] for r in results if r["late"] is not None]
    how = f" (a process each, {args.fork})" if args.fork else ""
    print(f"flood bench: {args.trials} trials, account A makes {args.connects} connects{how} "
          f"(refused), account B one connect {args.b_after:g} s in; enforce, stop off")  # fmt: skip
    print(f"  B's connect -> B's uid blocked: p50 {pct(late, 50):.2f} s, max "
          f"{max(late, default=float('nan')):.2f} s; not blocked within 180 s: "
          f"{len(results) - len(late)}; B's script named: "
          f"{sum(r['b_named'] for r in results)}/{len(results)}")  # fmt: skip
    print(f"  flood lasted {pct([r['flood_seconds'] for r in results], 50):.1f} s; daemon RSS "
          f"{pct([r['rss_start'] for r in results], 50):.0f} -> peak "
          f"{max(r['rss_peak'] for r in results):.0f} MB")  # fmt: skip
    for r in results:
        print(f"  A's connects counted {r['seen']} ({r['seen_when_caught_up']} when nothing was "
              f"queued; and {r['elsewhere']} with no uid), lost "
              f"{r['lost']}, handled "
              f"{r['handled']:.0f} s and stored {r['caught_up']:.0f} s after B's connect; "
              f"backlog {r['backlog']}")  # fmt: skip
        rate = r["store_rate"]
        print(f"    A's incidents {[i['connections'] for i in r['a_incidents']]}; store wrote "
              f"{'-' if rate is None else f'{rate:,.0f}'} attempts/s at its fastest")
        if r["others"]:
            print(f"    other incidents (neither A's nor B's uid): {r['others']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
