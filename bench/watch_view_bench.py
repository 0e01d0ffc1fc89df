"""What the foreground view of `spamtrace watch` costs per connection: a burst of EVENTS
attempts (5,000 by default) given to ``WatchView.handle`` as the engine gives them, timed.

Modes, each the median of ``--runs`` bursts:

- ``pipe``: human lines to a file (``watch > log``, ``watch | tee``): whole lines, no colour;
- ``terminal``: human lines to a pseudo-terminal of ``--columns`` columns (100) that another
  process drains (``cat``, as a terminal emulator would): the verdict in colour, the details
  wrapped under their column;
- ``json``: ``watch --json`` lines to a file;
- ``(print floor)``: the pipe's lines written with ``print()`` alone, to the file and to the
  pseudo-terminal, for reading the figures (what writing a line costs without any layout).

Every attempt is of one incident, with a script path that wraps at 100 columns. No root, no
kernel: only the view is measured (the engine's own cost per event is in watch_bench.py).

    .venv/bin/python bench/watch_view_bench.py [--events 5000] [--runs 5] [--columns 100]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import io
import os
import pty
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from spamtrace.model import (
    Account,
    AccountKind,
    AttributedAttempt,
    AttributionMethod,
    Endpoint,
    ProcessInfo,
    SmtpConnectAttempted,
    Verdict,
)
from spamtrace.render.watch import WatchView
from spamtrace.service.bus import AttemptRecorded
from spamtrace.sinks.store import EventRecord, EventType, IncidentRecord

FOLDER = "/home/shopuser/public_html/wp-content/uploads/2026/11/cache"
SCRIPT = f"{FOLDER}/wp-cache-object.php"


def messages(count: int) -> list[AttemptRecorded]:
    """``count`` attempts of one sender to 20 destinations, as the engine publishes them."""
    start = time.time()
    proc = ProcessInfo(
        pid=4242, start_time=1.0, name="php", exe="/usr/bin/php8.2", cmdline=("php", SCRIPT),
        uid=1001, euid=1001, gid=1001, user="shopuser", cwd=FOLDER, scripts=(SCRIPT,),
        parents=(), method=AttributionMethod.TRACEPOINT,
    )  # fmt: skip
    out = []
    for n in range(count):
        wall = start + n / 1000
        remote = f"192.0.2.{n % 20 + 1}:25"
        ev = SmtpConnectAttempted(
            monotonic=wall, wall=wall, pid=4242, tid=4242, comm="php", family=socket.AF_INET,
            local=Endpoint("10.0.0.1", 40000), remote=Endpoint(remote[:-3], 25),
        )  # fmt: skip
        att = AttributedAttempt(ev, proc, Account("shopuser", AccountKind.HOME, "/home/shopuser"),
                                Verdict.SUSPICIOUS, ("direct to port 25",))  # fmt: skip
        rec = EventRecord(
            type=EventType.CONNECT_ATTEMPTED, wall=wall, pid=4242, start_time=1.0, uid=1001,
            gid=1001, user="shopuser", account="shopuser", exe=proc.exe, cwd=FOLDER,
            cmdline=proc.cmdline, scripts=(SCRIPT,), local="10.0.0.1:40000", remote=remote,
            verdict="suspicious", reasons=("direct to port 25",), method="tracepoint",
            blocked=False, incident_id="inc-801618566e4f", source="tracepoint",
            details={"name": "php"},
        )  # fmt: skip
        inc = IncidentRecord(
            id="inc-801618566e4f", verdict="suspicious", uid=1001, user="shopuser",
            account="shopuser", account_kind="home", home="/home/shopuser", exe=proc.exe,
            cwd=FOLDER, scripts=(SCRIPT,), cmdline=proc.cmdline, connections=n + 1, blocked=0,
            destinations=(remote,), pids=(4242,), first_seen=start, last_seen=wall,
            rate_per_minute=60.0, reasons=("direct to port 25",), methods={"tracepoint": n + 1},
            advice=(), process={},
        )  # fmt: skip
        out.append(AttemptRecorded(att, rec, inc, n == 0))
    return out


@contextlib.contextmanager
def stdout_to_file() -> Iterator[None]:
    with tempfile.TemporaryFile("w+", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        yield


@contextlib.contextmanager
def stdout_to_terminal(columns: int) -> Iterator[None]:
    """sys.stdout is a pseudo-terminal ``columns`` wide; another process (``cat``, as a
    terminal emulator would be) reads what is written."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    reader = subprocess.Popen(["cat"], stdin=leader, stdout=subprocess.DEVNULL)
    tty = open(follower, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    old_env = {k: os.environ.get(k) for k in ("COLUMNS", "LANG")}
    os.environ.pop("COLUMNS", None)
    os.environ["LANG"] = "C.UTF-8"
    try:
        with contextlib.redirect_stdout(tty):
            yield
    finally:
        tty.close()
        os.close(follower)
        try:
            reader.wait(timeout=5)  # cat ends when the terminal closes
        except subprocess.TimeoutExpired:
            reader.kill()
            reader.wait()
        os.close(leader)
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def burst(json_out: bool, batch: list[AttemptRecorded]) -> float:
    view = WatchView(json_out)
    if not json_out:
        assert view.out.is_terminal == sys.stdout.isatty()
    start = time.perf_counter()
    for message in batch:
        view.handle(message)
    return time.perf_counter() - start


def print_floor(batch: list[AttemptRecorded]) -> float:
    start = time.perf_counter()
    for m in batch:
        r = m.record
        print(f"{r.wall:.3f}  SUSPICIOUS   php[{r.pid}]  uid=1001(shopuser)  -> {r.remote}  "
              f"script={SCRIPT}  [tracepoint]  inc-801618566e4f #1", flush=True)  # fmt: skip
    return time.perf_counter() - start


def timed(setup: Callable[[], Any], run: Callable[[], float], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with setup():
            times.append(run())
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--columns", type=int, default=100)
    args = parser.parse_args()
    batch = messages(args.events)
    with stdout_to_file():
        burst(False, batch[:50])  # imports (rich, the layout) before the clock
    results = {
        "pipe (human lines to a file)": timed(stdout_to_file, lambda: burst(False, batch),
                                              args.runs),
        f"terminal ({args.columns} columns, pty)": timed(
            lambda: stdout_to_terminal(args.columns), lambda: burst(False, batch), args.runs),
        "json (--json to a file)": timed(stdout_to_file, lambda: burst(True, batch), args.runs),
        "(print floor: the same lines, file)": timed(stdout_to_file,
                                                     lambda: print_floor(batch), args.runs),
        "(print floor: the same lines, pty)": timed(
            lambda: stdout_to_terminal(args.columns), lambda: print_floor(batch), args.runs),
    }  # fmt: skip
    out = io.StringIO()
    out.write(f"watch view: a burst of {args.events} attempts, median of {args.runs} runs "
              f"(min..max); load average {os.getloadavg()[0]:.2f}\n")  # fmt: skip
    out.write(f"{'mode':<34}{'burst':>10}{'per event':>12}{'min..max per event':>22}\n")
    for name, times in results.items():
        med = statistics.median(times)
        low, high = (x / args.events * 1e6 for x in (min(times), max(times)))
        out.write(f"{name:<34}{med * 1000:>8.1f}ms{med / args.events * 1e6:>10.1f}us"
                  f"{low:>13.1f}..{high:.1f}us\n")  # fmt: skip
    sys.stdout.write(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
