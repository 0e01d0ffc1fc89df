"""An incident's advice read later than it was written: the pid its kill line names may have
ended, or be another process's by now (pids are reused). `incident ID` (text and --json) and
`incidents --json` look at /proc when they are read and say which; an admin who pastes
`kill -KILL PID` hours later must not kill an innocent process as root."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from spamtrace.attribution.process import start_time
from spamtrace.cli.main import main
from spamtrace.policy.responses import advice_after
from spamtrace.sinks.store import ActionRecord, IncidentRecord, Store

KILL = "stop it after noting the evidence: kill 4242"
TUNNEL = "end the tunnel: kill 4242"
SCAN = "scan the folder: spamtrace scan /home/shop/public_html"
BLOCK = "block direct SMTP for non-MTA users: spamtrace firewall plan"
ADVICE = (SCAN, KILL, BLOCK)
STARTED = 1_700_000_000.25
#: a pid that no process ever has (pid_max is at most 2**22)
NEVER = 2**22 + 7


def stop(pid: int = 4242, start: float = STARTED) -> ActionRecord:
    return ActionRecord(
        "inc-1", "stop-process", "done", 101.0, f"SIGSTOP sent to pid {pid}",
        "spamtrace release 1001", 1001, f"{pid}:{start}",
        {"signal": "stop", "signalled": [[pid, start]]},
    )  # fmt: skip


def fake_proc(live: dict[int, float], hidden: bool = False):  # type: ignore[no-untyped-def]
    """A /proc reader: the start time of each live pid, None for any other (gone)."""

    def read(pid: int) -> float | None:
        if hidden:
            raise PermissionError(13, "hidden by hidepid")
        return live.get(pid)

    return read


def after(
    advice: tuple[str, ...],
    actions: list[ActionRecord],
    live: dict[int, float],
    process: dict[str, object] | None = None,
    hidden: bool = False,
) -> tuple[str, ...]:
    from spamtrace.attribution.process import pids_now
    from spamtrace.policy.responses import advice_pids

    process = {"pid": 4242, "start_time": STARTED} if process is None else process
    now = pids_now(advice_pids(advice, process, actions), read=fake_proc(live, hidden))
    return advice_after(advice, actions, now)


def test_a_sender_that_has_ended_leaves_nothing_to_stop() -> None:
    assert after(ADVICE, [], {}) == (SCAN, "pid 4242 has ended: nothing to stop", BLOCK)
    assert after((TUNNEL,), [], {}) == ("pid 4242 has ended: nothing to stop",)


def test_a_reused_pid_is_not_to_be_killed() -> None:
    out = after(ADVICE, [], {4242: STARTED + 3600.0})
    assert out == (
        SCAN,
        "pid 4242 is another process now (started 2023-11-14 23:13:20 UTC): do not kill it",
        BLOCK,
    )


def test_the_same_process_still_there_keeps_its_kill_line() -> None:
    assert after(ADVICE, [], {4242: STARTED + 0.01}) == ADVICE  # rounding of stored text
    assert advice_after(ADVICE, []) == ADVICE  # not looked at (the live view): as written


def test_a_stopped_sender() -> None:
    """After a stop, the advice says to look at it, then kill -KILL: true while it is there
    (the start time comes from the stop's record), not once it ended or its pid is reused."""
    stopped = after(ADVICE, [stop()], {4242: STARTED}, process={})
    assert stopped[0] == SCAN and stopped[-1] == BLOCK
    assert stopped[1].endswith("ls -l /proc/4242/cwd /proc/4242/fd")
    assert stopped[2] == "end it once noted (stopped, it ignores a plain kill): kill -KILL 4242"
    gone = after(ADVICE, [stop()], {}, process={})
    assert gone == (SCAN, "pid 4242 has ended: nothing to stop", BLOCK)
    other = after(ADVICE, [stop()], {4242: STARTED + 60.0}, process={})
    assert len(other) == 3 and "another process now" in other[1] and "kill -KILL" not in other[1]


def test_a_start_time_never_recorded_asks_to_check_first() -> None:
    out = after(ADVICE, [], {4242: STARTED}, process={"pid": 4242})
    assert out == (SCAN, "check it is still the sender first: ps -o lstart=,args= -p 4242",
                   KILL, BLOCK)  # fmt: skip
    # still: a pid with no process at all has ended, recorded or not
    assert after(ADVICE, [], {}, process={})[1] == "pid 4242 has ended: nothing to stop"
    # /proc hidden from this user (hidepid): it could not look, so it asserts nothing
    hidden = after(ADVICE, [], {}, hidden=True)
    assert hidden[1].startswith("check it is still the sender first") and hidden[2] == KILL


def test_advice_pids_finds_what_the_record_kept() -> None:
    from spamtrace.policy.responses import advice_pids

    assert advice_pids(ADVICE, {"pid": 4242, "start_time": STARTED}, []) == {4242: STARTED}
    assert advice_pids(ADVICE, {}, [stop()]) == {4242: STARTED}
    assert advice_pids(ADVICE, {"pid": 7, "start_time": 1.0}, []) == {4242: None}
    assert advice_pids((SCAN, BLOCK), {"pid": 4242}, []) == {}


def test_started_now_reads_proc(tmp_path: Path) -> None:
    """The adapter over a fake /proc: a live process, a zombie (ended), none."""
    from spamtrace.attribution.process import started_now

    (tmp_path / "stat").write_text("cpu 1 2 3\nbtime 1700000000\n")
    (tmp_path / "1").mkdir()
    ticks = os.sysconf("SC_CLK_TCK")

    def put(pid: int, state: str, start_ticks: int) -> None:
        (tmp_path / str(pid)).mkdir()
        rest = " ".join(["0"] * 18)
        (tmp_path / str(pid) / "stat").write_text(
            f"{pid} (php) {state} 1 {rest} {start_ticks} 0 0\n"
        )

    put(4242, "T", 25 * ticks)
    put(4243, "Z", 25 * ticks)
    assert started_now(4242, str(tmp_path)) == pytest.approx(1_700_000_025.0)
    assert started_now(4243, str(tmp_path)) is None
    assert started_now(4244, str(tmp_path)) is None


def store_with(tmp_path: Path, advice: tuple[str, ...], process: dict[str, object]) -> str:
    db = str(tmp_path / "s.db")
    rec = IncidentRecord(
        id="inc-0123456789ab", verdict="suspicious", uid=1001, user="shop", account="shop",
        account_kind="cpanel", home="/home/shop", exe="/usr/bin/php", cwd="/home/shop",
        scripts=(), cmdline=("php", "x.php"), connections=3, blocked=0,
        destinations=("10.0.0.2:25",), pids=(), first_seen=1_700_000_000.0,
        last_seen=1_700_000_060.0, rate_per_minute=3.0, reasons=("direct SMTP",),
        methods={"tracepoint": 3}, advice=advice, process=process,
    )  # fmt: skip
    store = Store(db)
    try:
        assert store.submit_incident(rec)
        store.flush()
    finally:
        store.close()
    return db


def test_incident_says_the_sender_has_ended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hours later its pid has no process: `incident ID` (both views) and `incidents --json`
    said "kill PID" all the same (the old code), now that there is nothing to stop."""
    kill = f"stop it after noting the evidence: kill {NEVER}"
    db = store_with(tmp_path, (SCAN, kill), {"pid": NEVER, "start_time": STARTED})
    ended = f"pid {NEVER} has ended: nothing to stop"
    assert main(["incident", "inc-0123", "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["incident"]["advice"] == [SCAN, ended]
    assert main(["incident", "inc-0123", "--db", db]) == 0
    out = capsys.readouterr().out
    assert ended in out and f"kill {NEVER}" not in out
    main(["incidents", "--since", "all", "--json", "--db", db])
    assert json.loads(capsys.readouterr().out)["incidents"][0]["advice"] == [SCAN, ended]


def test_incident_on_a_live_proc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Through the real /proc: this test's own process as the sender (kept), as a process
    the pid was reused by (another start time), and with no start time recorded."""
    pid = os.getpid()
    kill = f"stop it after noting the evidence: kill {pid}"
    for started, shown in (
        (start_time(pid), [SCAN, kill]),
        (start_time(pid) - 3600.0, [SCAN, f"pid {pid} is another process now"]),
        (None, [SCAN, f"check it is still the sender first: ps -o lstart=,args= -p {pid}",
                kill]),
    ):  # fmt: skip
        (tmp_path / "s.db").unlink(missing_ok=True)
        process: dict[str, object] = {"pid": pid, "start_time": started}
        db = store_with(tmp_path, (SCAN, kill), process)
        assert main(["incident", "inc-0123", "--json", "--db", db]) == 0
        advice = json.loads(capsys.readouterr().out)["incident"]["advice"]
        assert len(advice) == len(shown), advice
        assert all(a.startswith(s) for a, s in zip(advice, shown, strict=True)), advice


def daemon_record() -> IncidentRecord:
    return IncidentRecord(
        id="inc-0123456789ab", verdict="suspicious", uid=1001, user="shop", account="shop",
        account_kind="home", home="/home/shop", exe="/usr/bin/php", cwd="/home/shop",
        scripts=(), cmdline=(), connections=1, blocked=0, destinations=(), pids=(4242,),
        first_seen=1.0, last_seen=1.0, rate_per_minute=1.0, reasons=(), methods={},
        advice=ADVICE, process={"pid": 4242, "start_time": STARTED},
    )  # fmt: skip


def gone_senders(advice: Any, process: Any, actions: Any) -> dict[int, Any]:
    """The daemon's look at /proc, faked: every pid has ended."""
    from spamtrace.attribution.process import senders_now

    return senders_now(advice, process, actions, read=fake_proc({}))


def test_the_daemons_update_lines_say_the_sender_has_ended(tmp_path: Path) -> None:
    """An incident-updated line of the event stream (and an alert of an update: the scan
    named a file, the firewall blocked it, a response acted) is written later than the
    advice: it said "kill 4242" of a sender that had ended. The opening keeps the advice as
    written (the process is alive then)."""
    from spamtrace.service.bus import IncidentOpened, IncidentUpdated, UpdateReason
    from spamtrace.sinks.events import EventStream, JsonLinesFile

    rec = daemon_record()
    path = tmp_path / "events.json"
    stream = EventStream([JsonLinesFile(str(path))], host="web1", senders_now=gone_senders)
    stream.handle(IncidentOpened(rec, True))
    stream.handle(IncidentUpdated(rec, UpdateReason.ESCALATED, "malicious"))
    stream.close()
    opened, updated = (
        json.loads(x)["spamtrace"]["incident"]["advice"] for x in path.read_text().splitlines()
    )
    assert opened == list(ADVICE)
    assert updated == [SCAN, "pid 4242 has ended: nothing to stop", BLOCK]


def test_an_alert_of_an_update_says_the_sender_has_ended() -> None:
    from spamtrace.service.bus import IncidentOpened, IncidentUpdated, UpdateReason
    from spamtrace.sinks.alerts.subscriber import AlertSubscriber

    sent: list[tuple[str, list[str]]] = []

    class Alerts:
        def notify(self, event: str, doc: dict[str, object], **kw: object) -> None:
            sent.append((event, list(doc["advice"])))  # type: ignore[call-overload]

        def close(self, grace: float | None = None) -> None:
            pass

    sub = AlertSubscriber(Alerts(), senders_now=gone_senders)  # type: ignore[arg-type]
    rec = daemon_record()
    sub.handle(IncidentOpened(rec, True))
    sub.handle(IncidentUpdated(rec, UpdateReason.ESCALATED, "malicious"))
    sub.close(0.0)
    assert sent == [
        ("opened", list(ADVICE)),
        ("updated", [SCAN, "pid 4242 has ended: nothing to stop", BLOCK]),
    ]
