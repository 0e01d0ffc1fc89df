"""Benchmark of the responses: how fast enforce mode contains a spam run (root; test world).

A hosting user's PHP script opens a new SMTP connection per message and tries 200 messages
to the namespace sink ("remote MX"), while `spamtrace watch` runs in the world's server
namespace with ``mode = "enforce"`` and no firewall policy applied (only the responses' own
uid-block set and chain in ``table inet spamtrace``). Meanwhile Exim, as its own user, keeps
delivering to the same sink. Each trial uses a fresh copy of the script (a new incident),
and ``spamtrace release`` between trials unblocks the user (``release_grace = 0``, so that
the next run is blocked again).

Prints, over the trials:

- messages accepted by the sink per run (target <= 1), against the same run in observe mode
  (what gets out without responses: no peer tool blocks a raw-socket sender by uid);
- time from the script's first connect (kernel timestamp of the SYN, the incident's first
  event) to the uid blocked (the action's time, after the nft transaction returned): p50/p99
  (target p99 < 100 ms), and to the process stopped (SIGSTOP sent);
- the MTA's deliveries during the run: delivered / sent (target: all).

Usage: .venv/bin/python bench/responses_bench.py [--trials 20] [--messages 200]
       [--stop-after 1]     (the bench stops the sender on its first connect; default 3)
The machine is shared and small: run it a few times and quote medians.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(ROOT / "src"))

from world import World  # noqa: E402

VERBOSE = False
#: seconds between runs: a refused script leaves a burst of events to work off
PAUSE = 2.0


def epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


class Watch:
    def __init__(self, world: World, config: Path, db: Path) -> None:
        assert world.server_ns is not None
        argv = [
            "ip", "netns", "exec", world.server_ns, sys.executable, "-m", "spamtrace",
            "--config", str(config), "watch", "--json", "--db", str(db),
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        if not self.proc.stdout.readline():
            raise SystemExit(f"watch did not start: {self.proc.stderr.read()}")  # type: ignore[union-attr]
        self.lines: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self._t = threading.Thread(target=self._pump, daemon=True)
        self._t.start()
        self._e = threading.Thread(target=self._pump_err, daemon=True)
        self._e.start()

    def _pump_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.errors.append(line)

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip():
                self.lines.append(json.loads(line))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)
        self._e.join(30)
        if VERBOSE:
            print("".join(self.errors), file=sys.stderr)
        self._t.join(30)


def spam_count(world: World) -> int:
    return sum(1 for m in world.sink_messages() if m.get("from") == "spam@victim.example")


def mta_loop(world: World, stop: threading.Event, sent: list[int]) -> None:
    """Exim (as Debian-exim) delivers one message to the sink every ~0.3 s."""
    while not stop.is_set():
        world.exim_deliver(f"mta{sent[0]}@remote.example")
        sent[0] += 1
        stop.wait(0.3)


def run(world: World, mode: str, trials: int, messages: int, stop_after: int) -> dict[str, Any]:
    assert world.user is not None and world.uploads is not None and world.server_ns
    config = world.tmp / f"{mode}.toml"
    config.write_text(
        f'mode = "{mode}"\n[responses]\nonly_accounts = ["{world.user}"]\n'
        f"stop_after = {stop_after}\nrelease_grace = 0\n"
        f'quarantine_dir = "{world.tmp}/quarantine"\n'
    )
    db = world.tmp / f"{mode}.db"
    watch = Watch(world, config, db)
    time.sleep(1.0)
    accepted: list[int] = []
    seconds = 0.0
    try:
        for i in range(trials):
            script = world.install_payload("wp-cache.php", as_name=f"wp-cache-{mode}-{i}.php")
            before = spam_count(world)
            t0 = time.monotonic()
            proc = world.spawn_as_user(["php", script.name, world.mx_ip, "25", str(messages), "0"])
            try:
                proc.communicate(timeout=10 if mode == "enforce" else 60)
                seconds += time.monotonic() - t0
            except subprocess.TimeoutExpired:
                pass  # stopped (SIGSTOP)
            # runuser and the (stopped) script, before the release sends SIGCONT
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
            time.sleep(0.3)
            accepted.append(spam_count(world) - before)
            # let the watcher work off the refused attempts (one event each) before the next run
            time.sleep(PAUSE)
            subprocess.run(
                ["ip", "netns", "exec", world.server_ns, sys.executable, "-m", "spamtrace",
                 "--config", str(config), "release", world.user, "--db", str(db)],
                capture_output=True, check=False,
            )  # fmt: skip
    finally:
        time.sleep(0.5)
        watch.stop()
    incidents = {
        x["incident"]["id"]: x["incident"]
        for x in watch.lines
        if x.get("type") == "incident-opened" and x["incident"]["uid"] == world.uid
    }
    to_block: list[float] = []
    to_stop: list[float] = []
    for x in watch.lines:
        if x.get("type") != "action" or x["incident"] not in incidents:
            continue
        first = incidents[x["incident"]]["first_seen_epoch"]
        a = x["action"]
        if a["status"] != "done":
            continue
        if VERBOSE:
            inc = incidents[x["incident"]]
            print(f"    {x['incident']} {inc['attribution']} {inc['scripts'][:1]} {inc['cwd']}",
                  file=sys.stderr)  # fmt: skip
            print(f"    {x['incident']} {a['action']} +{(epoch(a['at']) - first) * 1000:.1f} ms "
                  f"{a['detail'][:100]}", file=sys.stderr)  # fmt: skip
        if a["action"] == "block-uid":
            to_block.append((epoch(a["at"]) - first) * 1000)
        elif a["action"] == "stop-process":
            to_stop.append((epoch(a["at"]) - first) * 1000)
    statuses: dict[str, int] = {}
    for x in watch.lines:
        if x.get("type") == "action" and x["incident"] in incidents:
            key = f"{x['action']['action']} {x['action']['status']}"
            statuses[key] = statuses.get(key, 0) + 1
    return {
        "accepted": accepted, "to_block": to_block, "to_stop": to_stop, "actions": statuses,
        "seconds": seconds,
    }  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--stop-after", type=int, default=1)
    ap.add_argument("-v", "--verbose", action="store_true", help="every action, on stderr")
    args = ap.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    if os.geteuid() != 0:
        raise SystemExit("responses_bench needs root (namespaces, nft, tracefs)")
    with World(server_ns=True) as world:
        stop = threading.Event()
        sent = [0]
        mta = threading.Thread(target=mta_loop, args=(world, stop, sent), daemon=True)
        mta.start()
        base = run(world, "observe", min(3, args.trials), args.messages, args.stop_after)
        enf = run(world, "enforce", args.trials, args.messages, args.stop_after)
        stop.set()
        mta.join(60)
        time.sleep(1.0)
        delivered = sum(1 for m in world.sink_messages() if m.get("from") != "spam@victim.example")
    acc = enf["accepted"]
    head = f"responses bench: {args.trials} runs of a PHP script trying {args.messages} messages,"
    print(f"{head} a new connection each (enforce, stop_after={args.stop_after}, no firewall)")
    print(f"  messages accepted by the sink per run: max {max(acc)}, median {pct(acc, 50):.0f} "
          f"(target <= 1); runs: {acc}")  # fmt: skip
    rate = base["seconds"] / max(1, sum(base["accepted"])) * 1000
    print(f"  same script in observe mode (no responses): {base['accepted']} accepted per run "
          f"(~{rate:.1f} ms per message)")  # fmt: skip
    for label, key in (("uid blocked:    ", "to_block"), ("process stopped:", "to_stop")):
        v = enf[key]
        print(f"  first connect -> {label} p50 {pct(v, 50):6.1f} ms   p99 {pct(v, 99):6.1f} ms"
              f"   max {max(v, default=float('nan')):6.1f} ms   (n={len(v)})")  # fmt: skip
    print("  (targets: p99 to uid blocked < 100 ms)")
    print(f"  actions recorded: {enf['actions']}; observe mode: {base['actions']}")
    print(f"  the MTA's deliveries during the runs: {delivered}/{sent[0]} delivered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
