"""What the attributor knows of a process, in one place (:class:`KnownProcesses`): the live
read it reuses for a while and the attribution of its latest connect, which the engine's
backlog reuses for a contained sender's connects."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import Accounts, connect, proc

from spamtrace.attribution.attributor import KnownProcesses, LiveRead
from spamtrace.model import AttributedAttempt, AttributionMethod, Verdict


def attributed(
    pid: int, method: AttributionMethod = AttributionMethod.TRACEPOINT
) -> AttributedAttempt:
    return AttributedAttempt(
        connect(pid, comm="fl"), proc(pid=pid, method=method), Accounts().for_uid(1001),
        Verdict.SUSPICIOUS, ("direct to port 25",),
    )  # fmt: skip


def test_a_process_read_again_keeps_its_attribution_another_process_drops_it() -> None:
    known = KnownProcesses()
    att = attributed(500)
    known.read(500, LiveRead(1.0, "100", proc(pid=500)))
    known.attributed(500, "fl", att)
    known.read(500, LiveRead(2.0, "100", proc(pid=500)))  # the same start: the same process
    assert known.sender(500, "fl") is att
    assert known.sender(500, "php") is None  # another command name: not its connect
    known.read(500, LiveRead(3.0, "900", proc(pid=500)))  # another start: another process
    assert known.sender(500, "fl") is None
    entry = known.get(500)
    assert entry is not None and entry.read is not None and entry.read.start == "900"


def test_a_uid_only_attribution_is_not_kept_for_reuse() -> None:
    known = KnownProcesses()
    known.attributed(500, "fl", attributed(500, AttributionMethod.UID_ONLY))
    assert known.sender(500, "fl") is None


def test_the_latest_updated_processes_are_kept() -> None:
    """A flooder whose connects keep coming stays known while many other pids pass (the old
    memo of live reads was emptied all at once at 4,096 pids)."""
    known = KnownProcesses(limit=10)
    known.attributed(500, "fl", attributed(500))
    for pid in range(1000, 1030):
        known.read(pid, LiveRead(1.0, "1", proc(pid=pid)))
        if pid % 5 == 0:
            known.attributed(500, "fl", attributed(500))
    assert known.sender(500, "fl") is not None and len(known) == 10


def test_an_attribution_made_before_the_pids_latest_exec_is_not_reused() -> None:
    """The trace's command name can still be the old program's for the first connects after
    an exec: the exec cache's time of the exec decides (an attribution of a connect made
    before it is of the old program)."""
    known = KnownProcesses()
    att = attributed(41)
    known.attributed(41, "python3", att)
    made = att.event.monotonic  # type: ignore[union-attr]
    assert known.sender(41, "python3") is att
    assert known.sender(41, "python3", began=made - 1.0) is att  # its own exec, before it
    assert known.sender(41, "python3", began=made + 0.5) is None  # an exec after it
