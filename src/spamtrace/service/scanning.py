"""Scans of incidents' scripts and folders, on a worker thread (the engine never waits).

When a ``suspicious`` incident opens, the engine gives its scripts and working folder (known
from the exec cache even when the process is gone) to :class:`IncidentScanner`, which ranks
them with the PHP scanner within a time budget (``--scan-budget``, 2 s) and hands the result
back through a pipe the engine's selector watches.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spamtrace import suspects
from spamtrace.model import AttributedAttempt, Verdict
from spamtrace.suspects import ProcessKey

if TYPE_CHECKING:
    from spamtrace.config import ScanSection

#: seconds for scanning one incident's scripts and folder (--scan-budget)
SCAN_BUDGET = 2.0
#: the "incident opened" report waits at most the budget plus this for its scan (s)
SCAN_GRACE = 1.0
#: a scan of the same paths is reused for this long (a sender opening incident after incident)
SCAN_REUSE_SECONDS = 60.0


def scan_targets_of(att: AttributedAttempt) -> tuple[str, ...]:
    """What to scan when ``att`` opens an incident: only ``suspicious`` senders (a tunnel's
    sshd runs in "/"), their scripts and working folder (from the exec cache when gone)."""
    if att.verdict is not Verdict.SUSPICIOUS:
        return ()
    return suspects.scan_targets(att.process)


def _load_scanner() -> None:
    """Load the PHP scanner now, on the scan thread (its yara-x scanners are this thread's),
    before an incident needs it: the import compiles some 1,300 patterns, and the built-in
    rules are parsed and prepared at their first use (0.7 s of CPU in all; 2 s on a loaded
    2-core host). The first incident after a start waited for it, and with it its quarantine
    (1.1-1.5 s after the first connect, where later incidents took 20-60 ms) and the line
    naming its file. A failure is left to the first scan, which says it in its notes."""
    with contextlib.suppress(Exception):
        from spamtrace.scanner.analyze import prepare
        from spamtrace.scanner.rules import load_rules, load_yara

        prepare(load_rules(), load_yara())


#: a queued scan: the incident's id, the paths, the process its /proc/PID/ paths are read through
_Job = tuple[str, tuple[str, ...], "ProcessKey | None", dict[str, int]]


def _release_scanner_thread_state() -> None:
    """Drop the yara-x scanners this thread made, on this thread, when it ends.

    yara-x scanners may only be used and dropped by the thread that made them (PyO3
    "unsendable"): the scanner's word rules (:class:`~spamtrace.scanner.rules.YaraWords`,
    one per process) and gate words keep them per thread, and this drops this thread's
    (the compiled rules, which may cross threads, stay for the next scan, on any thread).
    Best effort: a scanner module not loaded yet holds none.
    """
    rules = sys.modules.get("spamtrace.scanner.rules")
    analyze = sys.modules.get("spamtrace.scanner.analyze")
    held: list[Any] = list(getattr(rules, "_YARA", ()))
    held += [entry.gates for entry in getattr(analyze, "_PREPARED", ()) if entry.gates]
    for obj in held:
        with contextlib.suppress(Exception):
            obj.forget_thread()


@dataclass(frozen=True, slots=True)
class IncidentScan:
    """The scan of one incident's scripts and folder."""

    incident_id: str
    paths: tuple[str, ...]
    files: tuple[dict[str, Any], ...] | None  # most suspicious first; None: nothing scanned
    notes: tuple[str, ...]
    seconds: float
    reused: bool = False
    #: the folder's symlinks to where a site must not reach (None: nothing scanned)
    links: tuple[dict[str, Any], ...] | None = None
    #: the folder's files the scan did not read: its 200 files or the budget ran out (None:
    #: nothing scanned)
    not_scanned: int | None = None


class IncidentScanner:
    """Scans incidents' scripts and folders on one worker thread; the event reader never waits.

    :meth:`submit` never blocks (a full queue is counted and reported, never silent); each job
    has ``budget`` seconds (:func:`spamtrace.scanner.rank_files`: folders one level deep, at
    most 200 files). The scanner (yara-x, rules) is loaded with the first job, so an idle
    watcher on a clean host does not carry it. Results wake the watch loop through
    :meth:`fileno` and are collected with :meth:`results`.
    """

    def __init__(
        self, cfg: ScanSection | None, budget: float, *, max_jobs: int = 64, warm: bool = False
    ) -> None:
        self.cfg = cfg
        self._warm = warm
        self.budget = budget
        self.scanned = 0
        self.reused = 0
        self.dropped = 0
        self.seconds = 0.0
        self._jobs: queue.Queue[_Job | None] = queue.Queue(max_jobs)
        self._done: queue.SimpleQueue[IncidentScan] = queue.SimpleQueue()
        #: (paths, their process) -> when scanned and the scan: /proc/PID/cwd of another
        #: process that got the pid since is not the same folder
        self._recent: dict[tuple[tuple[str, ...], ProcessKey | None], tuple[float, IncidentScan]]
        self._recent = {}
        self._r, self._w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._thread: threading.Thread | None = threading.Thread(
            target=self._run, name="spamtrace-scan", daemon=True
        )
        self._thread.start()

    def fileno(self) -> int:
        return self._r

    def submit(
        self, incident_id: str, paths: tuple[str, ...], owner: ProcessKey | None = None
    ) -> bool:
        """Queue the scan of ``paths``; ``owner``: the process its ``/proc/PID/`` paths are
        read through (only while the pid is still that process: ``scan_for_suspects``). A
        deleted script it holds open is opened here and now (on the caller's thread: the
        incident just opened), so that the scan reads it even if the process has exited by
        then (:func:`~spamtrace.suspects.hold_open`)."""
        held = suspects.hold_open(paths, owner)
        try:
            self._jobs.put_nowait((incident_id, paths, owner, held))
            return True
        except queue.Full:
            suspects.close_held(held)
            self.dropped += 1
            return False

    def results(self) -> list[IncidentScan]:
        with contextlib.suppress(OSError):
            while os.read(self._r, 4096):
                pass
        out: list[IncidentScan] = []
        while True:
            try:
                out.append(self._done.get_nowait())
            except queue.Empty:
                return out

    def wait(self, timeout: float) -> None:
        """Block until a result may be ready (or ``timeout`` s): for the end of a run."""
        import select

        with contextlib.suppress(OSError, ValueError):
            select.select([self._r], [], [], max(0.0, timeout))

    def _run(self) -> None:
        if self._warm:
            _load_scanner()
        while True:
            job = self._jobs.get()
            if job is None:
                _release_scanner_thread_state()
                return
            ident, paths, owner, held = job
            try:
                result = self._scan(ident, paths, owner, held)
            finally:
                suspects.close_held(held)
            self._done.put(result)
            with contextlib.suppress(OSError):
                os.write(self._w, b"x")

    def _scan(
        self, ident: str, paths: tuple[str, ...], owner: ProcessKey | None, held: dict[str, int]
    ) -> IncidentScan:
        """One job: a recent scan of the same paths reused, else the scan."""
        start = time.monotonic()
        recent = self._recent.get((paths, owner))
        if recent is not None and start - recent[0] < SCAN_REUSE_SECONDS:
            result = IncidentScan(
                ident, paths, recent[1].files, recent[1].notes, 0.0, True, recent[1].links,
                recent[1].not_scanned,
            )
            self.reused += 1
        else:
            links: list[dict[str, Any]] = []
            counts: dict[str, int] = {}
            more: dict[str, Any] = {"held": held} if held else {}
            try:
                files, notes = suspects.scan_for_suspects(
                    paths, budget=self.budget, cfg=self.cfg, links=links, owner=owner,
                    stats=counts, **more,
                )  # fmt: skip
            except BaseException as exc:  # never let the thread die silently
                files, notes = None, [f"scan failed: {type(exc).__name__}: {exc}"]
            seconds = time.monotonic() - start
            result = IncidentScan(
                ident, paths, None if files is None else tuple(files), tuple(notes), seconds,
                links=None if files is None else tuple(links),
                not_scanned=None if files is None else counts.get("not_scanned", 0),
            )  # fmt: skip
            self.scanned += 1
            self.seconds += seconds
            if len(self._recent) >= 256:
                self._recent.clear()
            self._recent[(paths, owner)] = (start, result)
        return result

    def stats(self) -> dict[str, Any]:
        return {
            "scanned": self.scanned,
            "reused": self.reused,
            "dropped": self.dropped,
            "seconds": round(self.seconds, 3),
            "budget_seconds": self.budget,
        }

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        with contextlib.suppress(queue.Full):
            self._jobs.put(None, timeout=self.budget + SCAN_GRACE)
        thread.join(self.budget + SCAN_GRACE)  # a daemon: a stuck scan cannot hold the exit
        if thread.is_alive():
            return  # it may still write its wake-up byte: keep the pipe open
        for fd in (self._r, self._w):
            with contextlib.suppress(OSError):
                os.close(fd)
