"""DEGRADED fallback: poll sock_diag for SMTP sockets when the tracepoint is unavailable.

Polling only sees connections that are alive at the moment of a poll. Measured on the
project's 2-vCPU test machine (``bench/watch_bench.py --poll``; see ``docs/watch.md``):
sub-millisecond connect-and-exit sessions are mostly missed even at a 10 ms period, while
sessions that last as long as a real SMTP conversation (tens of ms and more) are caught. Every
report made with this source says so (``degraded``), and ``watch`` prints it at start.

A background thread calls :func:`spamtrace.sources.sockdiag.dump_smtp_sockets` every
``interval`` seconds (in-kernel port filter), diffs against the sockets seen in the previous
poll, finds the owning pid of each new socket (owner-scoped fd scan) and queues a
:class:`PolledConnect`. A pipe wakes the selector of the watch loop.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spamtrace.model import SmtpConnectAttempted, SocketRecord
from spamtrace.sources.sockdiag import LIVE_STATES as _OUTBOUND_STATES

MAX_PENDING = 100_000

Dumper = Callable[[Sequence[int]], list[SocketRecord]]
OwnerFinder = Callable[[dict[int, set[int]]], dict[int, int]]


@dataclass(frozen=True, slots=True)
class PolledConnect:
    """A new SMTP socket found by polling: the attempt, plus the socket's uid and inode."""

    attempt: SmtpConnectAttempted
    uid: int | None
    inode: int


def _default_dumper(ports: Sequence[int]) -> list[SocketRecord]:
    from spamtrace.sources.sockdiag import dump_smtp_sockets

    return dump_smtp_sockets(ports)


def _default_owners(inodes_by_uid: dict[int, set[int]]) -> dict[int, int]:
    from spamtrace.attribution.process import find_socket_owners

    return find_socket_owners(inodes_by_uid)


def new_sockets(
    records: Sequence[SocketRecord], seen: set[tuple[str, str]]
) -> tuple[list[SocketRecord], set[tuple[str, str]]]:
    """Outbound records not in ``seen``; returns them and the new ``seen`` set (pure)."""
    current: set[tuple[str, str]] = set()
    fresh: list[SocketRecord] = []
    for rec in records:
        if rec.state not in _OUTBOUND_STATES:
            continue
        key = (str(rec.local), str(rec.remote))
        current.add(key)
        if key not in seen:
            fresh.append(rec)
    return fresh, current


class SockdiagPollSource:
    """Polls SMTP sockets every ``interval`` seconds (degraded: short connections are missed)."""

    name = "sockdiag-poll"
    degraded = True

    def __init__(
        self,
        ports: Sequence[int],
        interval: float = 0.01,
        *,
        dumper: Dumper | None = None,
        owners: OwnerFinder | None = None,
    ) -> None:
        self.ports = tuple(ports)
        self.interval = max(0.001, interval)
        self._dump = dumper or _default_dumper
        self._owners = owners or _default_owners
        self._rfd, self._wfd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._pending: list[PolledConnect] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.polls = 0
        self.poll_errors = 0
        self.dropped = 0
        self.last_error: str | None = None
        self.wall_offset = time.time() - time.monotonic()
        # sockets already open at start are reported too (they are live SMTP connections)
        self._seen: set[tuple[str, str]] = set()
        self._thread = threading.Thread(target=self._run, name="spamtrace-poll", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.poll_once()
            except Exception as exc:  # keep polling; the error is reported in stats
                self.poll_errors += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
            delay = self.interval - (time.monotonic() - started)
            if delay > 0:
                self._stop.wait(delay)

    def poll_once(self) -> int:
        records = self._dump(self.ports)
        self.polls += 1
        now = time.monotonic()
        self.wall_offset = time.time() - now  # of now: the clock may have been stepped
        fresh, self._seen = new_sockets(records, self._seen)
        if not fresh:
            return 0
        by_uid: dict[int, set[int]] = {}
        for rec in fresh:
            if rec.uid is not None and rec.inode:
                by_uid.setdefault(rec.uid, set()).add(rec.inode)
        owners = self._owners(by_uid) if by_uid else {}
        out = [
            PolledConnect(
                SmtpConnectAttempted(
                    monotonic=now,
                    wall=now + self.wall_offset,
                    pid=owners.get(rec.inode, 0),
                    tid=owners.get(rec.inode, 0),
                    comm=None,
                    family=rec.family,
                    local=rec.local,
                    remote=rec.remote,
                    source="sockdiag",
                ),
                rec.uid,
                rec.inode,
            )
            for rec in fresh
        ]
        with self._lock:
            room = MAX_PENDING - len(self._pending)
            if room < len(out):
                self.dropped += len(out) - max(room, 0)
                out = out[: max(room, 0)]
            self._pending.extend(out)
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wfd, b"x")
        return len(out)

    def fileno(self) -> int:
        return self._rfd

    def read_events(self) -> list[PolledConnect]:
        with contextlib.suppress(BlockingIOError, OSError):
            while os.read(self._rfd, 4096):
                pass
        with self._lock:
            out, self._pending = self._pending, []
        return out

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2.0)
        for fd in (self._rfd, self._wfd):
            with contextlib.suppress(OSError):
                os.close(fd)
