"""Deliver alerts off the capture path: one worker thread and bounded queue per channel.

:meth:`Dispatcher.submit` never blocks: it puts the alert on each channel's queue, and a full
queue drops it and counts the drop. Each worker sends in order, with ``retries`` more tries
after a retryable failure (``backoff`` seconds, doubled each time), so a relay that is down or
a webhook that hangs delays only its own channel, never capture, responses or other channels.

Rate limit and digest: a channel sends at most ``rate_limit`` alerts per ``rate_window``
seconds (a sliding window). Alerts beyond that are held back (the latest state of each
incident); as soon as the window has room again they go out as ONE ``digest`` alert, so a
burst of 500 incidents is a handful of messages, and nothing is silently lost.

Counters per channel (:meth:`Dispatcher.stats`): sent, failed (after all tries), retried,
dropped (queue full or not sent by exit), held back, digests, queued, last error: for
``watch``'s summary, the daemon's ``status`` and metrics.

At exit (:meth:`Dispatcher.close`) each channel has ``grace`` seconds (``[alerts]
stop_grace``) to send what is queued, the digest of what is held back and the retries still
pending (a retry's backoff is cut short to fit). What is not delivered by then is counted as
dropped and said in one line per channel (``log``), never lost silently.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from spamtrace.errors import AlertError
from spamtrace.safetext import escape, escape_message, truncate
from spamtrace.sinks.alerts.content import Alert, AlertEvent
from spamtrace.sinks.alerts.settings import Delivery

#: most incidents one digest lists (the count covers the rest)
MAX_HELD = 500


class Channel(Protocol):
    """One configured destination of alerts (e-mail, webhook, syslog)."""

    name: str
    kind: str
    delivery: Delivery

    def describe(self) -> str: ...

    def send(self, alert: Alert) -> str:
        """Deliver one alert (one try); a short note on success, :class:`AlertError` if not."""
        ...


class _Stop:
    pass


_STOP = _Stop()


class ChannelWorker:
    def __init__(
        self,
        channel: Channel,
        *,
        rate_limit: int,
        rate_window: float,
        queue_size: int,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.channel = channel
        self.log = log
        self.deadline = float("inf")  # set at close: the end of the grace at exit
        #: incident ids of the alerts given up at exit (for the log line), and if any was a digest
        self.undelivered: list[str] = []
        self._expired = threading.Event()  # set when the grace at exit is over
        self._sending: Alert | None = None
        self.rate_limit = channel.delivery.rate_limit or rate_limit
        self.rate_window = rate_window
        self.clock = clock
        self.wall = wall
        self.queue: queue.Queue[Alert | _Stop] = queue.Queue(maxsize=queue_size)
        self._sent_at: deque[float] = deque()
        self._held: dict[str, Alert] = {}
        self._held_extra = 0
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self.counts = {
            "sent": 0, "failed": 0, "retried": 0, "dropped": 0, "held": 0, "digests": 0,
        }  # fmt: skip
        self.last_error: str | None = None
        self.last_error_at: float | None = None
        self.last_sent_at: float | None = None
        self.thread = threading.Thread(target=self._run, name=f"alert-{channel.name}", daemon=True)
        self.thread.start()

    # ------------------------------------------------------------------ producer side
    def submit(self, alert: Alert) -> bool:
        try:
            self.queue.put_nowait(alert)
            return True
        except queue.Full:
            self._count("dropped")
            return False

    def close(self, deadline: float | None = None) -> None:
        """Begin the stop: what is queued is still sent until ``deadline`` (this worker's clock;
        None: at once, one try each)."""
        self.deadline = self.clock() if deadline is None else deadline
        self._closing.set()
        # when the queue is full, the worker sees _closing once it has drained it
        with contextlib.suppress(queue.Full):
            self.queue.put_nowait(_STOP)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "kind": self.channel.kind,
                **self.counts,
                "queued": self.queue.qsize(),
                "held_now": len(self._held) + self._held_extra,
                "last_error": self.last_error,
                "last_error_at": self.last_error_at,
                "last_sent_at": self.last_sent_at,
            }

    def _count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.counts[key] += n

    def _give_up(self, alerts: Sequence[Alert]) -> None:
        """Alerts not delivered by the end of the grace at exit: dropped, counted, named."""
        ids = [str(a.incident.get("id")) for one in alerts for a in (one.held or (one,))]
        with self._lock:
            self.counts["dropped"] += len(ids)
            self.undelivered.extend(ids)

    def _out_of_time(self) -> bool:
        return self._closing.is_set() and self.clock() >= self.deadline

    def abandon(self) -> None:
        """The grace is over and the worker is still busy (a send that hangs): what it holds
        is counted as dropped now (the process is exiting; the thread is a daemon)."""
        self._expired.set()
        left: list[Alert] = []
        if self._sending is not None:
            left.append(self._sending)
        left.extend(iter(self._drain_one, None))
        left.extend(self._held.values())
        self._held.clear()
        self._give_up(left)

    # ------------------------------------------------------------------ worker side
    def _room(self, now: float) -> bool:
        while self._sent_at and self._sent_at[0] <= now - self.rate_window:
            self._sent_at.popleft()
        return len(self._sent_at) < self.rate_limit

    def _run(self) -> None:
        while True:
            timeout: float | None = None
            if self._held:
                due = self._sent_at[0] + self.rate_window if self._sent_at else self.clock()
                timeout = max(0.0, due - self.clock())
            if self._closing.is_set():
                timeout = 0.0 if timeout is None else min(timeout, 0.0)
            try:
                item = self.queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            if isinstance(item, Alert):
                try:
                    self._take(item)
                finally:
                    self.queue.task_done()
            elif item is not None:
                self.queue.task_done()
            # at exit: one digest of everything held once the queue is drained, not one each
            closing = self._closing.is_set() and self.queue.empty()
            if self._held and (self._room(self.clock()) or closing):
                self._send_digest()
            if self._closing.is_set() and (item is _STOP or item is None):
                # what is still queued after the grace at exit is given up, and counted
                self._give_up(list(iter(self._drain_one, None)))
                return

    def busy(self) -> bool:
        """An alert queued or being sent (its tries and their waits included); those held
        back by the rate limit are not: they go out as one digest at the stop."""
        return self.queue.unfinished_tasks > 0

    def _drain_one(self) -> Alert | None:
        try:
            while True:
                item = self.queue.get_nowait()
                self.queue.task_done()
                if isinstance(item, Alert):
                    return item
        except queue.Empty:
            return None

    def _take(self, alert: Alert) -> None:
        if self._room(self.clock()) and not self._held:
            self._deliver(alert)
            return
        self._count("held")
        ident = str(alert.incident.get("id"))
        earlier = self._held.get(ident)
        if earlier is not None and earlier.event is AlertEvent.OPENED:
            # the admin has not heard of it yet: it is still news of an opening
            from dataclasses import replace

            alert = replace(alert, event=AlertEvent.OPENED)
        if earlier is None and len(self._held) >= MAX_HELD:
            self._held_extra += 1
        else:
            self._held[ident] = alert

    def _send_digest(self) -> None:
        held = tuple(self._held.values())
        extra = self._held_extra
        self._held.clear()
        self._held_extra = 0
        first = held[0]
        reason = f"and {extra} more not listed" if extra else None
        digest = Alert(
            AlertEvent.DIGEST, first.host, {}, self.wall(), reason=reason, mode=first.mode,
            held=held,
        )  # fmt: skip
        if self._deliver(digest):
            self._count("digests")

    def _pause(self, seconds: float) -> bool:
        """Wait before a retry; False when the grace at exit is over (the retry is not made).
        Once the stop has begun, the wait is cut to half of what is left of the grace, so
        that the retry itself has time too."""
        if not self._closing.is_set() and not self._closing.wait(seconds):
            return True
        left = self.deadline - self.clock()
        if left <= 0:
            return False
        self._expired.wait(min(seconds, left / 2))
        return not self._expired.is_set()

    def _deliver(self, alert: Alert) -> bool:
        delivery = self.channel.delivery
        if self._out_of_time():
            self._give_up([alert])
            return False
        self._sending = alert
        try:
            return self._tries(alert, delivery)
        finally:
            self._sending = None

    def _tries(self, alert: Alert, delivery: Delivery) -> bool:
        for attempt in range(delivery.retries + 1):
            if self._expired.is_set():
                return False  # abandoned (counted there)
            try:
                self.channel.send(alert)
            except AlertError as exc:
                with self._lock:
                    self.last_error = truncate(escape_message(exc.message), 300)
                    self.last_error_at = self.wall()
                if self._expired.is_set():
                    return False  # given up at exit meanwhile: counted and named there
                if attempt >= delivery.retries or not exc.retryable:
                    self._count("failed")
                    self._say_failed(alert, attempt + 1)
                    return False
                if not self._pause(delivery.backoff * (2**attempt)):
                    if not self._expired.is_set():
                        self._give_up([alert])  # a retry that the stop left no time for
                    return False
                self._count("retried")
                continue
            except Exception as exc:  # a bug in a channel must not kill its worker
                with self._lock:
                    self.last_error = escape(f"{type(exc).__name__}: {exc}", max_len=300)
                    self.last_error_at = self.wall()
                if self._expired.is_set():
                    return False  # given up at exit meanwhile: counted and named there
                self._count("failed")
                self._say_failed(alert, attempt + 1)
                return False
            if self._expired.is_set():
                return False  # delivered after all, but already counted as dropped
            self._sent_at.append(self.clock())
            with self._lock:
                self.counts["sent"] += 1
                self.last_sent_at = self.wall()
            return True
        return False  # pragma: no cover (the loop always returns)

    def _say_failed(self, alert: Alert, tries: int) -> None:
        """One line for an alert given up after its tries (the daemon's journal): counted
        alone, it was an alert that never came with nothing said where an admin looks."""
        if self.log is None:
            return
        if alert.held:
            what = f"the digest of {len(alert.held)} incident(s)"
        else:
            ident = escape(str(alert.incident.get("id")))
            what = f"the {alert.event.value} alert of incident {ident}"
        with contextlib.suppress(Exception):  # a failing reporter must not stop the worker
            self.log(
                f"alerts: {escape(self.channel.name)}: {what} was not delivered "
                f"({tries} {'try' if tries == 1 else 'tries'}): {self.last_error}"
            )


class Dispatcher:
    """The channels' workers; :meth:`submit` is safe to call from the capture loop."""

    def __init__(
        self,
        channels: Sequence[Channel],
        *,
        rate_limit: int = 10,
        rate_window: float = 600.0,
        queue_size: int = 1000,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        grace: float = 5.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.grace = grace
        self.log = log if log is not None else _stderr
        self.clock = clock
        self.workers = [
            ChannelWorker(
                ch, rate_limit=rate_limit, rate_window=rate_window, queue_size=queue_size,
                clock=clock, wall=wall, log=self._say,
            )
            for ch in channels
        ]  # fmt: skip

    def _say(self, line: str) -> None:
        """A worker's line, through the reporter set now (``log`` may be replaced after the
        workers started)."""
        self.log(line)

    def submit(self, alert: Alert) -> int:
        """Queue ``alert`` on every channel; returns how many took it (never blocks)."""
        return sum(1 for w in self.workers if w.submit(alert))

    def stats(self) -> dict[str, Any]:
        """``{"channels": {name: counters}, "sent": n, "failed": n, "dropped": n}``."""
        per = {w.channel.name: w.stats() for w in self.workers}
        total = {k: sum(c[k] for c in per.values()) for k in ("sent", "failed", "dropped")}
        return {**total, "channels": per}

    def busy(self) -> bool:
        """A channel has an alert queued or being sent."""
        return any(w.busy() for w in self.workers)

    def close(self, grace: float | None = None) -> None:
        """Stop the workers. For ``grace`` seconds (default: the dispatcher's) they go on
        sending what is queued, the retries still pending and the digest of what is held
        back; then what is left is counted as dropped and logged, one line per channel."""
        grace = self.grace if grace is None else max(0.0, grace)
        deadline = self.clock() + grace
        for w in self.workers:
            w.close(deadline)
        # a send that began just before the end of the grace may take one more second
        join_until = time.monotonic() + grace + 1.0
        for w in self.workers:
            w.thread.join(max(0.0, join_until - time.monotonic()))
            if w.thread.is_alive():
                w.abandon()
        for w in self.workers:
            if w.undelivered:
                ids = w.undelivered
                shown = ", ".join(escape(i) for i in ids[:5]) + (" ..." if len(ids) > 5 else "")
                self.log(
                    f"alerts: {escape(w.channel.name)}: {len(ids)} alert(s) not delivered "
                    f"within the {grace:g} s given at exit, dropped (incidents {shown})"
                    + (f"; last error: {w.last_error}" if w.last_error else "")
                )


def _stderr(text: str) -> None:
    """An alert not delivered: a warning in the journal (its priority prefix under systemd)."""
    import sys

    from spamtrace.render.output import WARNING, to_journal

    prefix = f"<{WARNING}>" if to_journal(sys.stderr) else ""
    print(f"{prefix}spamtrace: {text}", file=sys.stderr, flush=True)
