"""The daemon's Prometheus metrics: what each reported fact does to the exposition, the
scrape-time values (open incidents, store size, alert failures), and the HTTP endpoint."""

from __future__ import annotations

import contextlib
import socket
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from spamtrace.errors import RuntimeFailure
from spamtrace.sinks.metrics import Metrics, MetricsServer


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def samples(m: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(m.exposition().decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(m: Metrics, name: str, **labels: str) -> float | None:
    return samples(m).get((name, tuple(sorted(labels.items()))))


def test_every_verdict_starts_at_zero_so_increase_sees_the_first() -> None:
    m = Metrics(process_metrics=False)
    for verdict in ("mta", "suspicious", "ssh-tunnel", "submission", "allowed"):
        assert value(m, "spamtrace_smtp_connects_total", verdict=verdict) == 0
        assert value(m, "spamtrace_incidents_opened_total", verdict=verdict) == 0
        assert value(m, "spamtrace_incidents_open", verdict=verdict) == 0
    assert value(m, "spamtrace_events_lost_total", source="tracepoint") == 0
    # tour: only "checked" was there after the first check, so the first failed check was
    # the series' first sample, which increase() does not count
    for result in ("checked", "repaired", "error"):
        assert value(m, "spamtrace_firewall_checks_total", result=result) == 0
    # and the help of the losses named no "stop", a source it has (docs/fleet.md's table does)
    families = text_string_to_metric_families(m.exposition().decode())
    helps = {f.name: f.documentation for f in families}
    assert "store" in helps["spamtrace_events_lost"] and "stop" in helps["spamtrace_events_lost"]
    assert value(m, "spamtrace_build_info", version="0.1.0") == 1
    assert value(m, "spamtrace_store_size_bytes") is None  # no store: no sample


def test_attempts_incidents_and_blocks_are_counted_by_verdict() -> None:
    clock = Clock(10_000.0)
    m = Metrics(process_metrics=False, clock=clock, idle_gap=600.0)
    m.attempt("suspicious", "inc-a", 9_990.0)
    m.attempt("suspicious", "inc-a", 9_995.0)
    m.incident_opened("suspicious", "inc-a", 9_995.0)
    m.attempt("mta", "inc-m", 9_000.0)  # last attempt 1000 s ago: closed
    m.incident_opened("mta", "inc-m", 9_000.0)
    m.blocked_attempt("suspicious", "inc-a", 9_999.0)
    assert value(m, "spamtrace_smtp_connects_total", verdict="suspicious") == 2
    assert value(m, "spamtrace_smtp_connects_total", verdict="mta") == 1
    assert value(m, "spamtrace_blocked_attempts_total", verdict="suspicious") == 1
    assert value(m, "spamtrace_incidents_opened_total", verdict="suspicious") == 1
    assert value(m, "spamtrace_incidents_open", verdict="suspicious") == 1
    assert value(m, "spamtrace_incidents_open", verdict="mta") == 0
    clock.now = 10_000.0 + 600.0  # the suspicious one's last attempt is now 601 s old
    assert value(m, "spamtrace_incidents_open", verdict="suspicious") == 0
    m.incident_updated("suspicious", "inc-a", 10_600.0)
    assert value(m, "spamtrace_incidents_open", verdict="suspicious") == 1


def test_capture_mode_scans_responses_and_lost_events() -> None:
    m = Metrics(process_metrics=False)
    m.started(1_700_000_000.0, "tracepoint")
    assert value(m, "spamtrace_start_time_seconds") == 1_700_000_000.0
    assert value(m, "spamtrace_capture_degraded") == 0
    assert value(m, "spamtrace_capture_mode", mode="tracepoint") == 1
    m.capture_mode("degraded")
    assert value(m, "spamtrace_capture_degraded") == 1
    assert value(m, "spamtrace_capture_mode", mode="tracepoint") == 0
    assert value(m, "spamtrace_capture_mode", mode="degraded") == 1
    # no proc connector (a container): the tracepoint records, yet status says DEGRADED; the
    # gauge said 0 while short-lived senders were attributed by uid only
    n = Metrics(process_metrics=False)
    n.started(1_700_000_000.0, "tracepoint", ("proc connector unavailable: EPERM",))
    assert value(n, "spamtrace_capture_degraded") == 1
    assert value(n, "spamtrace_capture_mode", mode="tracepoint") == 1
    m.scan(({"path": "/x.php"},), 0.4, reused=False)
    m.scan((), 0.2, reused=False)
    m.scan(None, 0.0, reused=False)
    m.scan((), 0.0, reused=True)
    assert value(m, "spamtrace_scans_total", result="found") == 1
    assert value(m, "spamtrace_scans_total", result="clean") == 2
    assert value(m, "spamtrace_scans_total", result="failed") == 1
    assert value(m, "spamtrace_scan_duration_seconds_count") == 3  # the reused one is not timed
    assert value(m, "spamtrace_scan_duration_seconds_sum") == pytest.approx(0.6)
    m.response("block-uid", "done")
    m.response("block-uid", "done")
    m.response("stop-process", "failed")
    assert value(m, "spamtrace_responses_total", action="block-uid", status="done") == 2
    assert value(m, "spamtrace_responses_total", action="stop-process", status="failed") == 1
    m.events_lost("tracepoint", 12)
    m.events_lost("store", 0)
    assert value(m, "spamtrace_events_lost_total", source="tracepoint") == 12
    assert value(m, "spamtrace_events_lost_total", source="store") == 0


def test_firewall_drift_is_an_edit_or_a_removal_after_it_was_loaded() -> None:
    m = Metrics(process_metrics=False)
    m.firewall_checked("absent", error=None, repaired=False)  # never applied on this host
    assert value(m, "spamtrace_firewall_drift") == 0
    assert value(m, "spamtrace_firewall_state", state="absent") == 1
    m.firewall_checked("loaded", error=None, repaired=False)
    assert value(m, "spamtrace_firewall_drift") == 0
    m.firewall_checked("absent", error=None, repaired=False)  # `nft flush ruleset` by hand
    assert value(m, "spamtrace_firewall_drift") == 1
    m.firewall_checked("loaded", error=None, repaired=True)
    assert value(m, "spamtrace_firewall_drift") == 0
    m.firewall_checked("drifted", error=None, repaired=False)
    assert value(m, "spamtrace_firewall_drift") == 1
    assert value(m, "spamtrace_firewall_state", state="drifted") == 1
    assert value(m, "spamtrace_firewall_state", state="loaded") == 0
    m.firewall_checked("unknown", error="nft: not found", repaired=False)  # the check failed
    assert value(m, "spamtrace_firewall_drift") == 1  # what was known stays
    assert value(m, "spamtrace_firewall_state", state="unknown") == 1
    assert value(m, "spamtrace_firewall_state", state="drifted") == 0
    assert value(m, "spamtrace_firewall_checks_total", result="error") == 1
    assert value(m, "spamtrace_firewall_checks_total", result="repaired") == 1
    assert value(m, "spamtrace_firewall_checks_total", result="checked") == 4


def test_a_confirmed_firewall_absent_from_the_daemons_start_is_drift() -> None:
    """A confirmed policy whose table is absent when the daemon starts (the boot unit failed,
    `nft flush ruleset` before a restart): port 25 open to every account, `status` says
    ABSENT, but the drift gauge read 0 (never seen loaded in this run), so the shipped
    SpamtraceFirewallDrift alert never fired. A host that never set one up stays 0."""
    import time

    from spamtrace.service.bus import FirewallChecked, FirewallState
    from spamtrace.sinks.metrics import MetricsSubscriber

    m = Metrics(process_metrics=False)
    sub = MetricsSubscriber(m)
    sub.handle(FirewallChecked(FirewallState.ABSENT, "nft", (), time.time(), set_up=False))
    assert value(m, "spamtrace_firewall_drift") == 0  # never set up here
    sub.handle(FirewallChecked(FirewallState.ABSENT, "nft", (), time.time()))  # confirmed
    assert value(m, "spamtrace_firewall_drift") == 1
    fresh = Metrics(process_metrics=False)
    fresh.firewall_checked("absent", error=None, repaired=False, set_up=True)
    assert value(fresh, "spamtrace_firewall_drift") == 1


def test_store_size_and_alert_failures_are_read_at_scrape_time(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    m = Metrics(process_metrics=False, store_path=str(db))
    assert value(m, "spamtrace_store_size_bytes") == 0  # not created yet
    db.write_bytes(b"x" * 4096)
    (tmp_path / "s.db-wal").write_bytes(b"y" * 1000)
    assert value(m, "spamtrace_store_size_bytes") == 5096
    failures = {"ops-mail": 0}
    m.alert_failures_from(lambda: failures)
    assert value(m, "spamtrace_alert_failures_total", channel="ops-mail") == 0
    failures["ops-mail"] = 3
    assert value(m, "spamtrace_alert_failures_total", channel="ops-mail") == 3


def test_process_metrics_show_the_daemons_own_cost() -> None:
    m = Metrics()
    assert (value(m, "process_resident_memory_bytes") or 0) > 1_000_000
    assert value(m, "process_cpu_seconds_total") is not None


def test_two_engines_in_one_process_do_not_collide() -> None:
    a, b = Metrics(process_metrics=False), Metrics(process_metrics=False)
    a.attempt("suspicious", "inc-1", 1.0)
    assert value(a, "spamtrace_smtp_connects_total", verdict="suspicious") == 1
    assert value(b, "spamtrace_smtp_connects_total", verdict="suspicious") == 0


def test_http_endpoint_serves_the_exposition_on_loopback() -> None:
    m = Metrics(process_metrics=False)
    m.attempt("suspicious", "inc-1", 1.0)
    server = MetricsServer(m, "127.0.0.1", 0)
    try:
        assert server.address.startswith("127.0.0.1:")
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=5) as r:
            body = r.read().decode()
            assert r.headers["Content-Type"].startswith("text/plain")
        assert 'spamtrace_smtp_connects_total{verdict="suspicious"} 1.0' in body
    finally:
        server.close()
    with pytest.raises(OSError):  # closed: nothing listens any more
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()


def test_a_busy_address_is_one_clear_error() -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        with pytest.raises(RuntimeFailure) as err:
            MetricsServer(Metrics(process_metrics=False), "127.0.0.1", port)
        assert f"metrics: cannot listen on 127.0.0.1:{port}: Address already in use" in str(
            err.value
        )
        assert "[metrics] listen" in str(err.value) and "\n" not in str(err.value)
    finally:
        holder.close()


def test_ipv6_loopback_listen() -> None:
    server = MetricsServer(Metrics(process_metrics=False), "::1", 0)
    try:
        assert server.address == f"[::1]:{server.port}"
        with urllib.request.urlopen(f"http://[::1]:{server.port}/metrics", timeout=5) as r:
            assert b"spamtrace_capture_degraded" in r.read()
    finally:
        server.close()


def test_connections_wait_in_the_listen_queue_not_in_syn_retries() -> None:
    """The endpoint listened with socketserver's backlog of 5: a burst of connections (idle
    ones, or scrapes) overflowed it while the serving thread was busy, and each connection
    past the queue had its SYN dropped and retried by the kernel after 1 s, 3 s, 7 s (a
    connect with a 5 s timeout failed). Connections wait in a queue of the system's size
    instead; here nobody accepts them, and 100 are made at once (well under 1 s each: a
    dropped SYN is first retried after 1 s)."""
    from spamtrace.sinks import metrics as metrics_mod

    server = metrics_mod._bounded_server(
        "127.0.0.1", 0, Metrics(process_metrics=False).registry, 32, 1.0
    )  # not serving: the listen queue alone holds them
    socks: list[socket.socket] = []
    try:
        for _ in range(100):
            socks.append(
                socket.create_connection(("127.0.0.1", server.server_port), timeout=0.9)
            )
    finally:
        for s in socks:
            s.close()
        server.server_close()
    assert len(socks) == 100


def test_idle_connections_cost_a_few_threads_and_are_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Any local user (a hosting account's PHP) may connect to the loopback endpoint and send
    nothing: each such connection held a thread of the daemon for as long as it stayed open
    (300 threads in 40 s from one script; thousands press on the service's task limit, which
    the commands its responses run need too). The endpoint serves a few at a time, and a
    client that does not finish within the timeout is closed."""
    import threading
    import time

    monkeypatch.setattr(MetricsServer, "CLIENT_TIMEOUT", 1.0, raising=False)
    server = MetricsServer(Metrics(process_metrics=False), "127.0.0.1", 0)
    before = threading.active_count()
    socks: list[socket.socket] = []
    try:
        for _ in range(100):
            socks.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        time.sleep(0.5)  # the server has accepted what it takes
        assert threading.active_count() - before <= getattr(MetricsServer, "MAX_CLIENTS", 32) + 1
        deadline = time.monotonic() + 10
        closed = 0
        for s in socks[:5]:  # the first ones, idle past the timeout, were closed
            s.settimeout(max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ConnectionResetError):
                closed += s.recv(1) == b""
        assert closed == 5
    finally:
        for s in socks:
            s.close()
    deadline = time.monotonic() + 10  # a scrape gets its answer once the idle ones are gone
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/m", timeout=5) as r:
                assert b"spamtrace_capture_degraded" in r.read()
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    server.close()


def test_head_is_answered_as_get_without_the_body() -> None:
    """A monitoring probe's HEAD /metrics was 405 (prometheus_client's app knows GET and
    OPTIONS): it is answered 200 with GET's headers and length, no body."""
    import http.client

    m = Metrics(process_metrics=False)
    m.attempt("suspicious", "inc-1", 1.0)
    server = MetricsServer(m, "127.0.0.1", 0)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=5) as r:
            length = len(r.read())
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            conn.request("HEAD", "/metrics")
            head = conn.getresponse()
            assert head.status == 200
            assert head.headers["Content-Type"].startswith("text/plain")
            assert int(head.headers["Content-Length"]) == length
            assert head.read() == b""
        finally:
            conn.close()
        # no body was sent after the headers: the connection ends there
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
            raw.sendall(b"HEAD /metrics HTTP/1.0\r\n\r\n")
            answer = b""
            while chunk := raw.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"\r\n\r\n"), answer
    finally:
        server.close()
