"""Benchmark: what alerts cost the engine's loop, and how fast an alert reaches a receiver.

No root, nothing outside loopback. Three figures:

1. **cost on the loop**: :meth:`AlertSubscriber.handle` for every ``AttemptRecorded`` (what
   each of a spam run's connections costs: the engine calls it on its loop thread) and for an
   ``IncidentOpened`` (filed for the subscriber's thread), in microseconds, median and p99 of
   single calls; measured twice: with a webhook that answers at once and with one that hangs
   (the loop must not notice);
2. **latency**: from ``IncidentOpened`` handed to the subscriber to the webhook body received
   by an ``http.server`` on 127.0.0.1, p50 / p99 over ``--incidents`` incidents;
3. **a burst**: ``--burst`` incidents opened at once with the default rate limit (10 per
   channel per 10 minutes): how many messages the receiver got (10 + 1 digest expected).

There is no peer to run in the same run: CSF's ``LF_SCRIPT_ALERT`` and maldet mail from cron
at their own intervals (minutes), and falcosidekick needs Falco; the figure to compare with is
that interval.

    .venv/bin/python bench/alerts_bench.py [--attempts 100000] [--incidents 200] [--burst 500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit" / "alerts"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit" / "watch"))

from alertservers import HookServer
from watchfake import attempt

from spamtrace.policy.incidents import IncidentTracker
from spamtrace.service.bus import AttemptRecorded, IncidentOpened
from spamtrace.sinks.alerts import Alerts
from spamtrace.sinks.alerts.settings import AlertSettings, Delivery, WebhookSpec
from spamtrace.sinks.alerts.subscriber import AlertSubscriber
from spamtrace.sinks.alerts.webhook import WebhookChannel
from spamtrace.sinks.records import event_record, incident_record


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def subscriber(url: str, *, timeout: float = 5.0, rate_limit: int = 1_000_000) -> AlertSubscriber:
    spec = WebhookSpec("hook", url, "json", (), None, None, Delivery(timeout, 0, 0.0))
    settings = AlertSettings("suspicious", "bench", rate_limit, 600.0, 100_000, ())
    return AlertSubscriber(Alerts(settings, channels=[WebhookChannel(spec)]))


def messages(n_incidents: int, per_incident: int) -> list[tuple[Any, Any]]:
    """(AttemptRecorded..., IncidentOpened) messages as the engine makes them."""
    tracker = IncidentTracker()
    out = []
    t = time.time()
    for i in range(n_incidents):
        for j in range(per_incident):
            from watchfake import proc

            att = attempt(t + j * 0.001, pid=1000 + i, process=proc(pid=1000 + i, uid=2000 + i))
            upd = tracker.add(att)
            inc = upd.incident
            rec = incident_record(inc, att)
            out.append((AttemptRecorded(att, event_record(att, inc.id), rec, upd.opened), rec))
    return out


def loop_cost(url: str, attempts: int) -> tuple[list[float], list[float]]:
    msgs = messages(max(1, attempts // 1000), 1000)
    sub = subscriber(url, timeout=30.0)
    per_attempt: list[float] = []
    per_open: list[float] = []
    clock = time.perf_counter
    for message, rec in msgs:
        t0 = clock()
        sub.handle(message)
        per_attempt.append(clock() - t0)
        if message.incident_opened:
            opened = IncidentOpened(rec, True, None)
            t0 = clock()
            sub.handle(opened)
            per_open.append(clock() - t0)
    sub.close(0.5)
    return per_attempt, per_open


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--attempts", type=int, default=100_000)
    ap.add_argument("--incidents", type=int, default=200)
    ap.add_argument("--burst", type=int, default=500)
    args = ap.parse_args()

    print("1. cost of AlertSubscriber.handle on the engine's loop (single calls)")
    for label, hook in (
        ("webhook answering", HookServer()),
        ("webhook hanging", HookServer(hang=60)),
    ):
        try:
            per_attempt, per_open = loop_cost(hook.url, args.attempts)
        finally:
            hook.close()
        us = [x * 1e6 for x in per_attempt]
        uo = [x * 1e6 for x in per_open]
        print(
            f"   {label:18} AttemptRecorded x{len(us)}: median {statistics.median(us):.2f} us, "
            f"p99 {pct(us, 0.99):.2f} us; IncidentOpened x{len(uo)}: median "
            f"{statistics.median(uo):.2f} us, p99 {pct(uo, 0.99):.2f} us"
        )

    print(f"2. latency, IncidentOpened -> webhook body received, {args.incidents} incidents")
    hook = HookServer()
    sub = subscriber(hook.url)
    lat: list[float] = []
    try:
        for message, rec in messages(args.incidents, 1):
            sub.handle(message)
            t0 = time.perf_counter()
            sub.handle(IncidentOpened(rec, True, None))
            n = len(hook.answers) + 1
            hook.wait(n, timeout=10)
            lat.append((time.perf_counter() - t0) * 1000)
    finally:
        sub.close()
        hook.close()
    p50, p99 = statistics.median(lat), pct(lat, 0.99)
    print(f"   p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {max(lat):.2f} ms")

    print(f"3. a burst of {args.burst} incidents, default rate limit (10 per 600 s per channel)")
    hook = HookServer()
    sub = subscriber(hook.url, rate_limit=10)
    try:
        for message, rec in messages(args.burst, 1):
            sub.handle(message)
            sub.handle(IncidentOpened(rec, True, None))
        hook.wait(10, timeout=10)
        sub.close(10.0)  # at exit, what is held back goes out as a digest
        docs = hook.json()
    finally:
        hook.close()
    digests = [d for d in docs if d["event"] == "digest"]
    listed = sum(len(d["held_back"]) for d in digests)
    print(
        f"   {len(docs)} message(s) received: {len(docs) - len(digests)} alerts + "
        f"{len(digests)} digest(s) listing {listed} held-back incident(s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
