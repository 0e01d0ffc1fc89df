"""Restart drill: connections made while `spamtrace watch` is killed with kill -9 and started
again, and how many of them end up in the store (root; builds a throw-away test world).

Each round: a watcher runs; a hosting user makes COUNT refused SMTP connects, one every GAP
seconds; one second in, the watcher is killed with SIGKILL; after DOWN seconds a new watcher
starts on the same store; when the sender is done the store is read. Printed per round and
as the median over the rounds:

- made: connections the sender made; window: those made between the kill and the moment
  the new watcher was ready (they happened while no spamtrace process ran);
- stored: connections in the store for the sender's uid at the end (target: all);
- taken over: attempts the new watcher read from the dead watcher's trace buffer.

The same rounds are run with the dead watcher's tracefs instance deleted before the restart
(what spamtrace did before the takeover) as the baseline. The loss that can remain is what
the killed watcher had read from the kernel but not stored yet (its batch in flight).

Usage: .venv/bin/python bench/restart_bench.py [--rounds 5] [--count 600] [--gap 0.005]
       [--down 1.0]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(ROOT / "src"))

from world import World  # noqa: E402

from spamtrace.sinks.store import StoreReader  # noqa: E402
from watch_bench import Watch  # noqa: E402

INSTANCES = Path("/sys/kernel/tracing/instances")
PORT = 30000 + os.getpid() % 10000  # a port of its own: other traffic stays out of the filter


def _instances_of(pid: int) -> list[Path]:
    return sorted(INSTANCES.glob(f"spamtrace-{pid}-*"))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        (path / "events/sock/inet_sock_set_state/enable").write_text("0")
    with contextlib.suppress(OSError):
        path.rmdir()


def stored(db: Path, uid: int) -> int:
    with StoreReader(str(db)) as reader:
        return sum(i.connections for i in reader.incidents(limit=100_000) if i.uid == uid)


def one_round(world: World, tmp: Path, args: argparse.Namespace, takeover: bool) -> dict[str, Any]:
    assert world.uid is not None
    db = tmp / f"restart-{time.monotonic_ns()}.db"
    first = Watch(db, "--no-scan")
    script = world.install_payload("paced-connect.py")
    sender = world.spawn_as_user(
        ["python3", script.name, world.mx_ip, str(PORT), str(args.count), str(args.gap)]
    )
    time.sleep(1.0)
    killed = time.time()
    os.kill(first.proc.pid, signal.SIGKILL)
    first.proc.wait(timeout=30)
    dead = _instances_of(first.proc.pid)
    if not takeover:  # the behaviour before the takeover: the next start deleted it
        for path in dead:
            _remove(path)
    time.sleep(args.down)
    second = Watch(db, "--no-scan")
    ready = time.time()
    out, _ = sender.communicate(timeout=600)
    times = [float(t) for t in out.split()]
    deadline = time.monotonic() + 60
    while stored(db, world.uid) < len(times) and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(0.5)
    summary = next((d for d in second.stop() if d.get("type") == "summary"), {})
    for path in dead:
        _remove(path)
    for path in _instances_of(second.proc.pid):
        _remove(path)
    window = sum(1 for t in times if killed <= t <= ready)
    return {
        "made": len(times),
        "window": window,
        "stored": stored(db, world.uid),
        "taken_over": summary.get("tracepoint", {}).get("taken_over", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--gap", type=float, default=0.005)
    parser.add_argument("--down", type=float, default=1.0)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("restart_bench needs root (tracefs, namespaces)")
    os.environ["SPAMTRACE_SMTP_PORTS"] = f"[{PORT}]"  # the watchers inherit it
    with World() as world, tempfile.TemporaryDirectory(prefix="spamtrace-restart-") as tmp:
        for label, takeover in (
            ("takeover (this version)", True),
            ("baseline: buffer deleted", False),
        ):
            rounds = [one_round(world, Path(tmp), args, takeover) for _ in range(args.rounds)]
            print(f"{label}:")
            for i, r in enumerate(rounds, 1):
                print(
                    f"  round {i}: made {r['made']}, made during kill -9 + restart {r['window']}, "
                    f"stored {r['stored']} (missing {r['made'] - r['stored']}), taken over "
                    f"{r['taken_over']}"
                )
            missing = [r["made"] - r["stored"] for r in rounds]
            window = [r["window"] for r in rounds]
            print(
                f"  median: made during kill -9 + restart {statistics.median(window):.0f}, "
                f"missing from the store {statistics.median(missing):.0f} "
                f"(max {max(missing)}) of {args.count}"
            )


if __name__ == "__main__":
    main()
