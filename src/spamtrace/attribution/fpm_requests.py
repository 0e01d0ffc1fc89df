"""Which request of a php-fpm worker made a connect: the pool's access log, matched by time.

A php-fpm worker serves one request after another under the same pid. A request that
connects, closes and ends within a millisecond is over before the watcher reads the worker
in ``/proc``: the live read then shows the worker idle (the pool's ``chdir`` folder, no
script) or already in the NEXT request (its script, its folder). The pool's access log names
every request once it has ended: the worker's pid (``%p``), the script (``%f``), when it was
accepted (``%t``) and/or when the line was written (``%T``), and how long it took (``%d``).

php-fpm writes ``%t`` and ``%T`` with strftime, in whole seconds of ``time()`` (the coarse
clock, up to a tick behind); ``%d`` is exact (to the microsecond). So a request is known to
have run within a window: its start in ``[t, t + 1 + tick)``, its end in
``[T, T + 1 + tick)``, end = start + duration; and one worker's requests
follow each other (the next starts after the last one ended), which narrows the windows of
neighbours. The log file's modification time, read when a line was the file's last, is when
that line was written (exact with multigrain timestamps, Linux 6.13+; within a clock tick
otherwise): the end of that request to within :data:`DELAY`, and a lower bound of the start
of the next. :func:`match` gives the logged requests whose window holds the connect, and
whether the request in progress when the worker was read (not logged yet) may hold it too.
When a worker served different scripts within the window of the connect, the log cannot tell
which one connected: all are candidates, and the caller says so.

Pure: the records come from :mod:`spamtrace.sources.fpm_access`; time is passed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: how far the trace's time of a connect (CLOCK_MONOTONIC, converted) may be off the wall
#: clock php-fpm and the file system read (both read the same clock; the offset is taken once)
SLACK = 0.0002
#: a file's modification time is its last write's, exactly (multigrain timestamps, Linux
#: 6.13+, once read since the write before) or up to one clock tick early (coarse): the write
#: happened in [written, written + GRAIN]
GRAIN = 0.01
#: from the end of a request (where %d stops) to its line's write: microseconds (the worker
#: formats and writes the line at once), unless it is preempted in between
DELAY = 0.005


@dataclass(frozen=True, slots=True)
class FpmRequest:
    """One line of a php-fpm access log: a request that has ended."""

    pid: int
    script: str
    accepted: float | None  # epoch seconds, whole (%t): the request started in [t, t + 1)
    finished: float | None  # epoch seconds, whole (%T): the line was written in [T, T + 1)
    duration: float | None  # seconds, exact (%d)
    log: str  # the access log it was read from
    #: when its line was written (epoch seconds): the log file's modification time when this
    #: line was the file's last; None when another line followed before the file was looked at
    written: float | None = None


@dataclass(frozen=True, slots=True)
class FpmMatch:
    """The logged requests of a worker that may have made a connect (in log order), and
    whether the request that was in progress when the log was read may have made it."""

    requests: tuple[FpmRequest, ...]
    current_possible: bool


def _windows(reqs: Sequence[FpmRequest], read_at: float) -> list[list[float]]:
    """[start low, start high, end low, end high] of each request (in order)."""
    inf = math.inf
    out: list[list[float]] = []
    for r in reqs:
        s_lo, s_hi, e_lo, e_hi = -inf, inf, -inf, read_at
        # php-fpm reads these seconds with time(), the coarse clock: up to a tick behind
        if r.accepted is not None:
            s_lo, s_hi = r.accepted, r.accepted + 1 + GRAIN
        if r.finished is not None:
            e_lo, e_hi = r.finished, min(e_hi, r.finished + 1 + GRAIN)
        if r.written is not None:  # ended just before its line was written
            e_lo, e_hi = max(e_lo, r.written - DELAY), min(e_hi, r.written + GRAIN)
        out.append([s_lo, s_hi, e_lo, e_hi])
    for _ in range(2):  # forward, then backward: neighbours narrow each other
        for i, r in enumerate(reqs):
            w = out[i]
            if i > 0:  # starts after the previous one ended (and its line was written)
                w[0] = max(w[0], out[i - 1][2], reqs[i - 1].written or -inf)
            if i + 1 < len(reqs):
                w[3] = min(w[3], out[i + 1][1])  # ends before the next one started
            _tie(w, r.duration)
        for i in range(len(reqs) - 1, -1, -1):
            w = out[i]
            if i + 1 < len(reqs):
                w[3] = min(w[3], out[i + 1][1])
            if i > 0:
                w[0] = max(w[0], out[i - 1][2], reqs[i - 1].written or -inf)
            _tie(w, reqs[i].duration)
    return out


def _tie(w: list[float], duration: float | None) -> None:
    """end = start + duration (end >= start when the duration is not logged)."""
    d = duration if duration is not None else 0.0
    if duration is not None:
        w[0] = max(w[0], w[2] - d)
        w[1] = min(w[1], w[3] - d)
    w[2] = max(w[2], w[0] + d)
    if duration is not None:
        w[3] = min(w[3], w[1] + d)
    else:
        w[1] = min(w[1], w[3])


def match(requests: Sequence[FpmRequest], wall: float, *, read_at: float) -> FpmMatch:
    """The requests of one worker (``requests``: its lines, in log order, all written before
    ``read_at``) that may have been running at ``wall``, the time of a connect."""
    if not requests:
        return FpmMatch((), True)
    wins = _windows(requests, read_at)
    found = tuple(
        r for r, w in zip(requests, wins, strict=True)
        if w[0] - SLACK <= wall <= w[3] + SLACK
    )  # fmt: skip
    # the request in progress started after the last logged one ended and was written
    last = requests[-1]
    current = wall >= wins[-1][2] - SLACK and (
        last.written is None or wall >= last.written - SLACK
    )
    return FpmMatch(found, current)
