"""Benchmark: what the fleet outputs cost the engine (no root needed).

The engine calls every subscriber's ``handle`` on its loop thread, so each must return well
under a millisecond. Printed, as medians of ``--runs`` runs of ``--messages`` messages each:

- ``metrics``: :class:`MetricsSubscriber.handle` per connect attempt (counters, open-incident
  bookkeeping);
- ``events (file)``: :class:`EventStream.handle` per attempt, ECS mapping + escaping + one
  ``write`` to a file in a temporary folder;
- ``events (syslog)``: the same to a unix datagram socket read by a thread (as journald);
- ``events (file + syslog)``: both outputs of one stream (the line is made once);
- the reference in the same run: ``watch --json``'s own line for the same record
  (``event_json`` + ``json.dumps`` + write), what the engine already paid before this;
- one scrape of ``/metrics`` over loopback HTTP (median of 50), and the CPU time the idle
  metrics server and syslog sender threads use in ``--idle`` seconds (they sleep in ``select``
  and on a queue).

    .venv/bin/python bench/fleet_bench.py [--messages 20000] [--runs 5] [--idle 10]

The machine is shared: figures vary between runs by 10-30 %; compare them within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from spamtrace.model import AttributedAttempt, Endpoint, SmtpConnectAttempted, Verdict
from spamtrace.render.incidents import event_json
from spamtrace.service.bus import AttemptRecorded
from spamtrace.sinks.events import EventStream, JsonLinesFile, SyslogSender
from spamtrace.sinks.metrics import Metrics, MetricsServer, MetricsSubscriber
from spamtrace.sinks.store import EventRecord, EventType, IncidentRecord

NOW = time.time()


def message(i: int) -> AttemptRecorded:
    ev = SmtpConnectAttempted(
        monotonic=1.0, wall=NOW + i, pid=4242, tid=4242, comm="php", family=2,
        local=Endpoint("10.0.0.1", 0), remote=Endpoint("203.0.113.9", 25),
    )  # fmt: skip
    att = AttributedAttempt(ev, None, None, Verdict.SUSPICIOUS, ("direct to MX",))
    rec = EventRecord(
        type=EventType.CONNECT_ATTEMPTED, wall=NOW + i, pid=4242, start_time=NOW, uid=1001,
        gid=1001, user="shop", account="shop", exe="/usr/bin/php8.2",
        cwd="/home/shop/public_html/wp-content/uploads",
        cmdline=("php", "/home/shop/public_html/wp-content/uploads/wp-cache.php"),
        scripts=("/home/shop/public_html/wp-content/uploads/wp-cache.php",),
        local="10.0.0.1:0", remote="203.0.113.9:25", verdict="suspicious",
        reasons=("a non-MTA process connects to port 25 (direct to MX)",), method="tracepoint",
        blocked=False, incident_id=f"inc-{i % 50:012x}", source="tracepoint",
        details={"tid": 4242, "comm": "php", "name": "php8.2",
                 "parents": [{"pid": 1, "name": "php-fpm8.2", "exe": "/usr/sbin/php-fpm8.2"}]},
    )  # fmt: skip
    inc = IncidentRecord(
        id=f"inc-{i % 50:012x}", verdict="suspicious", uid=1001, user="shop", account="shop",
        account_kind="home", home="/home/shop", exe="/usr/bin/php8.2", cwd=rec.cwd,
        scripts=rec.scripts, cmdline=rec.cmdline, connections=i + 1, blocked=0,
        destinations=("203.0.113.9:25",), pids=(4242,), first_seen=NOW, last_seen=NOW + i,
        rate_per_minute=60.0, reasons=rec.reasons, methods={"tracepoint": i + 1}, advice=(),
        process={},
    )  # fmt: skip
    return AttemptRecorded(att, rec, inc, i == 0)


def per_message(handle: Callable[[AttemptRecorded], None], msgs: list[AttemptRecorded]) -> float:
    started = time.perf_counter()
    for m in msgs:
        handle(m)
    return (time.perf_counter() - started) / len(msgs) * 1e6


def thread_cpu(seconds: float) -> float:
    before = resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(seconds)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=10.0)
    args = ap.parse_args()
    msgs = [message(i) for i in range(args.messages)]
    with tempfile.TemporaryDirectory(prefix="spamtrace-fleet-bench-") as tmp:
        base = Path(tmp)
        sock_path = base / "log.sock"
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        receiver.bind(str(sock_path))
        receiver.settimeout(0.2)
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set():
                try:
                    receiver.recv(65536)
                except TimeoutError:
                    continue

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        figures: dict[str, list[float]] = {}
        for run in range(args.runs):
            metrics = MetricsSubscriber(Metrics())
            file_stream = EventStream([JsonLinesFile(str(base / f"e{run}.json"))], host="web1")
            syslog = SyslogSender(str(sock_path))
            sys_stream = EventStream([syslog], host="web1")
            both_syslog = SyslogSender(str(sock_path))
            both = EventStream(
                [JsonLinesFile(str(base / f"b{run}.json")), both_syslog], host="web1"
            )
            ref = os.open(base / f"ref{run}.json", os.O_WRONLY | os.O_CREAT | os.O_APPEND)

            def reference(m: AttemptRecorded, fd: int = ref) -> None:
                line = json.dumps({"schema": "spamtrace.watch/1", **event_json(m.record)})
                os.write(fd, (line + "\n").encode())

            for name, handle in (
                ("metrics", metrics.handle),
                ("events (file)", file_stream.handle),
                ("events (syslog)", sys_stream.handle),
                ("events (file + syslog)", both.handle),
                ("reference: watch --json line", reference),
            ):
                figures.setdefault(name, []).append(per_message(handle, msgs))
            syslog.flush(30)
            figures.setdefault("syslog lines dropped", []).append(float(syslog.dropped))
            both_syslog.flush(30)
            file_stream.close()
            sys_stream.close()
            both.close()
            os.close(ref)
        print(f"per message (µs, median of {args.runs} runs of {args.messages:,} messages):")
        for name, values in figures.items():
            if name.startswith("syslog lines"):
                continue
            print(f"  {name:<30} {statistics.median(values):8.1f}")
        dropped = statistics.median(figures["syslog lines dropped"])
        print(f"  {'syslog lines dropped':<30} {dropped:8.0f}")

        m = Metrics()
        for msg in msgs[:1000]:
            MetricsSubscriber(m).handle(msg)
        server = MetricsServer(m, "127.0.0.1", 0)
        times = []
        for _ in range(50):
            started = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics") as r:
                size = len(r.read())
            times.append((time.perf_counter() - started) * 1000)
        print(f"scrape of /metrics: {statistics.median(times):.2f} ms median, {size:,} bytes")
        idle_sender = SyslogSender(str(sock_path))
        cpu = thread_cpu(args.idle)
        print(
            f"idle metrics server + syslog sender threads: {cpu * 1000:.1f} ms CPU in "
            f"{args.idle:g} s ({cpu / args.idle * 100:.3f} % of a core)"
        )
        idle_sender.close()
        server.close()
        stop.set()
        reader.join(2)
        receiver.close()


if __name__ == "__main__":
    main()
