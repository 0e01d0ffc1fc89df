"""Prometheus metrics of the daemon (and of ``watch``): what a fleet's Prometheus scrapes.

:class:`MetricsSubscriber` is the engine's subscriber (:mod:`spamtrace.service.bus`): it maps
each message to a call on :class:`Metrics` and owns the HTTP endpoint. :class:`Metrics` owns
one private :class:`prometheus_client.CollectorRegistry` (not the global one, so that two
engines in one test process do not collide) and has one method per fact the engine reports
(an attempt, an incident, a scan, ...). :class:`MetricsServer` serves the registry over HTTP
on ``[metrics] listen`` (``127.0.0.1:9945`` by default; a server thread that sleeps in
``select`` between scrapes, so an idle daemon pays nothing for it).

Every metric name, its labels and what it counts are listed in ``docs/fleet.md``; the alert
rules in ``packaging/prometheus/spamtrace-rules.yml`` use them, and a test holds the rules to
the names exported here. Label values are closed vocabularies (verdicts, capture modes,
firewall states, action ids, channel names from the config): never an attacker-controlled
string, so the series count stays small and nothing needs escaping.

Counters of each verdict, capture mode and firewall state exist from the start at 0, so that
``increase()`` in a rule sees the first attempt (a counter that appears at 1 is invisible to
it). "Incidents open" is computed at scrape time from the last attempt of each incident the
engine reported, with the engine's idle gap: no timer runs for it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from spamtrace.errors import RuntimeFailure
from spamtrace.model import SmtpConnectBlocked, Verdict
from spamtrace.service.bus import (
    ActionRecorded,
    AttemptRecorded,
    AttemptsRecorded,
    BlockedRecorded,
    CaptureModeChanged,
    EngineStarted,
    EventsLost,
    FirewallChecked,
    IncidentOpened,
    IncidentUpdated,
    Message,
    ScanCompleted,
)

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry
    from prometheus_client.metrics_core import Metric

#: the states a capture can be in (the engine's ``CaptureMode`` values)
CAPTURE_MODES = ("tracepoint", "degraded")
#: the states of the firewall table (the engine's ``FirewallState`` values; ``unknown``: the
#: check could not tell)
FIREWALL_STATES = ("loaded", "drifted", "absent", "unknown")
#: scan outcomes: a suspect file named / nothing suspect / nothing could be scanned
SCAN_RESULTS = ("found", "clean", "failed")
#: the sources that report lost events (the engine's ``EventsLost.source`` values)
LOSS_SOURCES = ("tracepoint", "proc-connector", "nflog", "store", "stop")
#: the results of a firewall check (``spamtrace_firewall_checks_total``)
FIREWALL_CHECK_RESULTS = ("checked", "repaired", "error")
#: an incident with no attempt for this long is closed (``IncidentTracker.idle_gap``)
IDLE_GAP = 600.0
#: incidents remembered for the "open" gauge (the oldest are forgotten beyond it)
MAX_TRACKED = 10_000
SCAN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)


class Metrics:
    """The daemon's metrics, updated from the engine's loop (each method is a few dict
    operations; nothing here waits)."""

    def __init__(
        self,
        *,
        store_path: str | None = None,
        idle_gap: float = IDLE_GAP,
        clock: Callable[[], float] = time.time,
        process_metrics: bool = True,
    ) -> None:
        from prometheus_client import (
            CollectorRegistry,
            Counter,
            Gauge,
            Histogram,
            Info,
            disable_created_metrics,
        )
        from prometheus_client.process_collector import ProcessCollector

        from spamtrace import __version__

        disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series: they double what a scrape carries

        self.registry: CollectorRegistry = CollectorRegistry(auto_describe=True)
        reg = self.registry
        self.store_path = store_path
        self.idle_gap = idle_gap
        self._degraded_reasons = False  # the engine said DEGRADED at start (see started())
        self._clock = clock
        #: incident id -> (verdict, last attempt): for the "open" gauge
        self._incidents: dict[str, tuple[str, float]] = {}
        self._firewall_was_loaded = False
        #: incidents counted in spamtrace_incidents_opened_total (each once)
        self._opened_ids: dict[str, None] = {}
        #: alert channel -> failures so far (read at scrape time from the alerts sink)
        self._alert_failures: Callable[[], Mapping[str, int]] | None = None
        #: event-stream output -> lines not written/sent (read at scrape time)
        self._event_failures: Callable[[], Mapping[str, int]] | None = None
        if process_metrics:  # process_cpu_seconds_total, process_resident_memory_bytes, ...
            ProcessCollector(registry=reg)
        Info("spamtrace_build", "spamtrace version", registry=reg).info({"version": __version__})
        self.start_time = Gauge(
            "spamtrace_start_time_seconds", "when the engine started (epoch)", registry=reg
        )
        self.connects = Counter(
            "spamtrace_smtp_connects",
            "SMTP connect attempts seen (tracepoint or polling), by verdict",
            ["verdict"],
            registry=reg,
        )
        self.blocked = Counter(
            "spamtrace_blocked_attempts",
            "SMTP connect attempts the firewall rejected (NFLOG), by verdict",
            ["verdict"],
            registry=reg,
        )
        self.opened = Counter(
            "spamtrace_incidents_opened", "incidents opened, by verdict", ["verdict"], registry=reg
        )
        self.lost = Counter(
            "spamtrace_events_lost",
            "events lost by a source (kernel buffer overruns), the store (queue full) or a "
            "stop (read and not handled in its 15 s)",
            ["source"],
            registry=reg,
        )
        self.capture = Gauge(
            "spamtrace_capture_mode", "1 for the current capture mode", ["mode"], registry=reg
        )
        self.degraded = Gauge(
            "spamtrace_capture_degraded",
            "1 when capture is degraded (sock_diag polling misses short connections, or no proc "
            "connector: processes that exit within milliseconds are attributed by uid only)",
            registry=reg,
        )
        self.scans = Counter(
            "spamtrace_scans",
            "scans of a suspect's scripts and folder, by result (found: a suspect file named)",
            ["result"],
            registry=reg,
        )
        self.scan_seconds = Histogram(
            "spamtrace_scan_duration_seconds",
            "how long a scan of a suspect's scripts and folder took (reused scans not counted)",
            buckets=SCAN_BUCKETS,
            registry=reg,
        )
        self.firewall = Gauge(
            "spamtrace_firewall_state",
            "1 for the state found by the last check of the firewall table",
            ["state"],
            registry=reg,
        )
        self.drift = Gauge(
            "spamtrace_firewall_drift",
            "1 when the last check found the firewall table edited, or removed after it was "
            "seen loaded",
            registry=reg,
        )
        self.firewall_checks = Counter(
            "spamtrace_firewall_checks",
            "checks of the firewall table, by result",
            ["result"],
            registry=reg,
        )
        self.responses = Counter(
            "spamtrace_responses",
            "responses taken on incidents, by action and status",
            ["action", "status"],
            registry=reg,
        )
        for verdict in Verdict:
            self.connects.labels(verdict.value)
            self.blocked.labels(verdict.value)
            self.opened.labels(verdict.value)
        for source in LOSS_SOURCES:
            self.lost.labels(source)
        for mode in CAPTURE_MODES:
            self.capture.labels(mode)
        for state in FIREWALL_STATES:
            self.firewall.labels(state)
        for result in FIREWALL_CHECK_RESULTS:  # the first error is an increase() too
            self.firewall_checks.labels(result)
        for result in SCAN_RESULTS:
            self.scans.labels(result)
        reg.register(_ScrapeTimeCollector(self))

    # ------------------------------------------------------------------ what the engine says
    def started(self, at: float, capture_mode: str, degraded: tuple[str, ...] = ()) -> None:
        """``degraded``: the engine's DEGRADED reasons (``status`` shows them); one of them
        without a change of capture mode (the proc connector missing) is degraded capture too."""
        self.start_time.set(at)
        self._degraded_reasons = bool(degraded)
        self.capture_mode(capture_mode)

    def attempt(self, verdict: str, incident_id: str, last_seen: float, n: int = 1) -> None:
        self.connects.labels(verdict).inc(n)
        self._seen(incident_id, verdict, last_seen)

    def blocked_attempt(
        self, verdict: str, incident_id: str, last_seen: float, n: int = 1
    ) -> None:
        self.blocked.labels(verdict).inc(n)
        self._seen(incident_id, verdict, last_seen)

    def incident_opened(self, verdict: str, incident_id: str, last_seen: float) -> None:
        """Count an incident once, however many times it is reported opened (at its first
        attempt, then again when its held-back report goes out)."""
        if incident_id not in self._opened_ids:
            self._opened_ids[incident_id] = None
            if len(self._opened_ids) > MAX_TRACKED:
                del self._opened_ids[next(iter(self._opened_ids))]
            self.opened.labels(verdict).inc()
        self._seen(incident_id, verdict, last_seen)

    def incident_updated(self, verdict: str, incident_id: str, last_seen: float) -> None:
        self._seen(incident_id, verdict, last_seen)

    def scan(self, files: tuple[object, ...] | None, seconds: float, reused: bool) -> None:
        result = "failed" if files is None else ("found" if files else "clean")
        self.scans.labels(result).inc()
        if not reused:
            self.scan_seconds.observe(max(0.0, seconds))

    def response(self, action: str, status: str) -> None:
        self.responses.labels(action, status).inc()

    def capture_mode(self, mode: str) -> None:
        for name in CAPTURE_MODES:
            self.capture.labels(name).set(1 if name == mode else 0)
        self.degraded.set(0 if mode == "tracepoint" and not self._degraded_reasons else 1)

    def events_lost(self, source: str, count: int) -> None:
        if count > 0:
            self.lost.labels(source).inc(count)

    def firewall_checked(
        self, state: str, *, error: str | None, repaired: bool, set_up: bool = False
    ) -> None:
        for name in FIREWALL_STATES:
            self.firewall.labels(name).set(1 if name == state else 0)
        if error is not None:  # the check failed: what was known of the drift stays
            self.firewall_checks.labels("error").inc()
            return
        # drift: edited by hand, or gone: seen loaded before, or confirmed (`set_up`: a boot
        # whose firewall unit failed left it absent from the daemon's start: it read 0). A
        # host that never applied the firewall is "absent" without drifting
        gone = state == "absent" and (self._firewall_was_loaded or set_up)
        self.drift.set(1 if state == "drifted" or gone else 0)
        self._firewall_was_loaded |= state in ("loaded", "drifted")
        self.firewall_checks.labels("repaired" if repaired else "checked").inc()

    def alert_failures_from(self, source: Callable[[], Mapping[str, int]]) -> None:
        """Export ``spamtrace_alert_failures_total{channel}`` from the alerts sink's counters
        (read at scrape time: channel -> failed deliveries since start)."""
        self._alert_failures = source

    def event_failures_from(self, source: Callable[[], Mapping[str, int]]) -> None:
        """Export ``spamtrace_event_lines_failed_total{output}`` from the event stream
        (output -> lines not written or sent since start; read at scrape time)."""
        self._event_failures = source

    # ------------------------------------------------------------------ scrape time
    def _seen(self, incident_id: str, verdict: str, last_seen: float) -> None:
        tracked = self._incidents
        tracked.pop(incident_id, None)  # re-inserted last: the dict stays oldest-first
        tracked[incident_id] = (verdict, last_seen)
        if len(tracked) > MAX_TRACKED:
            del tracked[next(iter(tracked))]

    def open_incidents(self) -> dict[str, int]:
        """Verdict -> incidents with an attempt within the idle gap (forgets the closed)."""
        cutoff = self._clock() - self.idle_gap
        for ident in [i for i, (_, last) in self._incidents.items() if last < cutoff]:
            del self._incidents[ident]
        counts = dict.fromkeys((v.value for v in Verdict), 0)
        for verdict, _ in list(self._incidents.values()):
            counts[verdict] = counts.get(verdict, 0) + 1
        return counts

    def store_size(self) -> int | None:
        """Bytes of the store on disk (the database and its WAL), None without a store."""
        if not self.store_path:
            return None
        total = 0
        for suffix in ("", "-wal", "-shm"):
            try:
                total += os.stat(self.store_path + suffix).st_size
            except OSError:
                continue
        return total

    def exposition(self) -> bytes:
        """The text a scrape gets (for tests and ``status``)."""
        from prometheus_client import generate_latest

        return generate_latest(self.registry)


class _ScrapeTimeCollector:
    """Values computed when Prometheus scrapes: open incidents, store size, alert failures."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> Iterable[Metric]:
        return list(self._families(describe=True))

    def collect(self) -> Iterable[Metric]:
        return list(self._families(describe=False))

    def _families(self, *, describe: bool) -> Iterator[Metric]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        m = self.metrics
        open_ = GaugeMetricFamily(
            "spamtrace_incidents_open",
            f"incidents with an attempt in the last {m.idle_gap:g} s, by verdict",
            labels=["verdict"],
        )
        size = GaugeMetricFamily(
            "spamtrace_store_size_bytes", "size of the SQLite store on disk (with its WAL)"
        )
        failures = CounterMetricFamily(
            "spamtrace_alert_failures",
            "alert deliveries that failed (after retries), by channel",
            labels=["channel"],
        )
        lines = CounterMetricFamily(
            "spamtrace_event_lines_failed",
            "event-stream lines not written (file) or dropped/not sent (syslog), by output",
            labels=["output"],
        )
        if not describe:
            for verdict, count in sorted(m.open_incidents().items()):
                open_.add_metric([verdict], count)
            store = m.store_size()
            if store is not None:
                size.add_metric([], store)
            if m._alert_failures is not None:
                for channel, count in sorted(m._alert_failures().items()):
                    failures.add_metric([channel], count)
            if m._event_failures is not None:
                for output, count in sorted(m._event_failures().items()):
                    lines.add_metric([output], count)
        yield open_
        yield size
        yield failures
        yield lines


class MetricsServer:
    """The HTTP endpoint (``GET /metrics``, and ``HEAD`` as GET without the body; any path
    answers the same).

    Any local user may connect to it (loopback is every account's too), so a connection costs
    little and not for long: at most :attr:`MAX_CLIENTS` are served at a time (one more is
    closed at once), each has :attr:`CLIENT_TIMEOUT` seconds to send its request and read the
    answer, and what a client does wrong is not logged. (prometheus_client's own server gave
    every connection a thread for as long as it stayed open, idle or not.)"""

    MAX_CLIENTS = 32
    CLIENT_TIMEOUT = 5.0

    def __init__(self, metrics: Metrics, host: str, port: int) -> None:
        self.address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        try:
            self._server = _bounded_server(host, port, metrics.registry, self.MAX_CLIENTS,
                                           self.CLIENT_TIMEOUT)  # fmt: skip
        except OSError as exc:
            raise RuntimeFailure(
                f"metrics: cannot listen on {self.address}: {exc.strerror or exc} "
                "(set [metrics] listen to another address, or empty to turn metrics off)"
            ) from None
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="spamtrace-metrics", daemon=True
        )
        self._thread.start()
        self.port: int = self._server.server_port  # the one bound, when asked for port 0
        self.address = f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"

    def close(self) -> None:
        self._server.shutdown()  # stops serve_forever, then the thread ends
        self._server.server_close()
        self._thread.join(timeout=5.0)


def _bounded_server(
    host: str, port: int, registry: CollectorRegistry, max_clients: int, client_timeout: float
) -> Any:
    """A threading WSGI server of the registry's exposition with a bound on its clients."""
    import socket
    import socketserver
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

    from prometheus_client import make_wsgi_app

    class Handler(WSGIRequestHandler):
        timeout = client_timeout  # the socket's, for every read and write of this client

        def log_message(self, format: str, *args: Any) -> None:
            """Nothing: a scrape is not news, and a client's junk is not the journal's."""

    class Server(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True
        slots = threading.BoundedSemaphore(max_clients)
        # socketserver listens with a backlog of 5: a burst of connections past it had their
        # SYNs dropped and retried by the kernel 1 s, 3 s, 7 s later (a scrape waited or timed
        # out) while those past the slots are closed at once anyway
        request_queue_size = socket.SOMAXCONN

        def process_request(self, request: Any, client_address: Any) -> None:
            if not self.slots.acquire(blocking=False):
                self.shutdown_request(request)  # busy: closed at once, costs no thread
                return
            try:
                super().process_request(request, client_address)
            except BaseException:
                self.slots.release()
                raise

        def process_request_thread(self, request: Any, client_address: Any) -> None:
            try:
                super().process_request_thread(request, client_address)
            finally:
                self.slots.release()

        def handle_error(self, request: Any, client_address: Any) -> None:
            """Nothing: a client gone or too slow (a timeout) is its own business."""

    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, _, _, _, sockaddr = infos[0]
    Server.address_family = family
    server = Server((str(sockaddr[0]), port), Handler)
    server.set_app(_answering_head(make_wsgi_app(registry)))
    return server


def _answering_head(app: Any) -> Any:
    """``app`` with HEAD answered as GET without the body (status, headers and the
    Content-Length GET would have): monitoring probes check with HEAD, and
    prometheus_client's app said 405 to it."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") != "HEAD":
            return app(environ, start_response)
        got: list[Any] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            got[:] = [status, headers]
            return lambda data: None

        body = b"".join(app({**environ, "REQUEST_METHOD": "GET"}, keep))
        status, headers = got
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return []

    return wrapped


# ============================================================================ the subscriber
class MetricsSubscriber:
    """The engine's subscriber that keeps :class:`Metrics` and serves them (``[metrics]``).

    ``handle`` is a few dict operations per message; the HTTP server has its own thread.
    """

    takes_batches = True

    name = "metrics"

    def __init__(
        self, metrics: Metrics, server: MetricsServer | None = None, listen: str = ""
    ) -> None:
        self.metrics = metrics
        self.server = server
        self.listen = listen  # the ``[metrics] listen`` it was started with (a reload keeps it)

    @classmethod
    def from_config(cls, listen: str, store_path: str | None) -> MetricsSubscriber | None:
        """Serve on ``listen`` (``[metrics] listen``); None when it is empty (metrics off).
        A busy or refused address is a :class:`RuntimeFailure` (one line)."""
        from spamtrace.config import parse_listen

        address = parse_listen(listen)
        if address is None:
            return None
        metrics = Metrics(store_path=store_path)
        return cls(metrics, MetricsServer(metrics, *address), listen)

    @property
    def url(self) -> str | None:
        return f"http://{self.server.address}/metrics" if self.server is not None else None

    def handle(self, message: Message) -> None:
        m = self.metrics
        if isinstance(message, AttemptsRecorded):  # a batch of the backlog
            inc = message.incident
            counts: dict[tuple[bool, str], int] = {}
            for att in message.attempts:
                key = (isinstance(att.event, SmtpConnectBlocked), att.verdict.value)
                counts[key] = counts.get(key, 0) + 1
            for (blocked, verdict), n in counts.items():
                if blocked:
                    m.blocked_attempt(verdict, inc.id, inc.last_seen, n)
                else:
                    m.attempt(verdict, inc.id, inc.last_seen, n)
        elif isinstance(message, (AttemptRecorded, BlockedRecorded)):
            inc = message.incident
            if isinstance(message, AttemptRecorded):
                m.attempt(message.verdict.value, inc.id, inc.last_seen)
            else:
                m.blocked_attempt(message.verdict.value, inc.id, inc.last_seen)
            if message.incident_opened:  # counted now (IncidentOpened may wait for a scan)
                m.incident_opened(inc.verdict, inc.id, inc.last_seen)
        elif isinstance(message, IncidentOpened):  # mail-log incidents have no attempt
            inc = message.incident
            m.incident_opened(inc.verdict, inc.id, inc.last_seen)
        elif isinstance(message, IncidentUpdated):
            inc = message.incident
            m.incident_updated(inc.verdict, inc.id, inc.last_seen)
        elif isinstance(message, ScanCompleted):
            m.scan(message.files, message.seconds, message.reused)
        elif isinstance(message, ActionRecorded):
            m.response(message.action.action, message.action.status)
        elif isinstance(message, CaptureModeChanged):
            m.capture_mode(message.mode.value)
        elif isinstance(message, EventsLost):
            m.events_lost(message.source, message.count)
        elif isinstance(message, FirewallChecked):
            m.firewall_checked(
                message.state.value, error=message.error, repaired=message.repaired,
                set_up=message.set_up,
            )  # fmt: skip
        elif isinstance(message, EngineStarted):
            if message.store is not None:
                m.store_path = message.store
            m.started(message.at, message.capture_mode.value, message.degraded)

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
