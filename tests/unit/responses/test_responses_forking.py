"""A stop reaches the sender's parents running the same program (a mailer forking a child a
message), from what was read at the connect: the child has often exited by the stop.

A fake /proc (no root, no process signalled): the signaller's one signalling call is
replaced by a recorder that checks the process is there, as the real one does."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "check"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "watch"))

from checkfake import add_process, make_procfs, start_time
from respfake import MTA, cfg
from watchfake import attempt, proc

from spamtrace import config as config_mod
from spamtrace.actions.process import EXITED, ProcessSignaller, read_sender
from spamtrace.actions.respond import Responder
from spamtrace.model import ParentProcess
from spamtrace.policy.incidents import IncidentTracker
from spamtrace.policy.responses import ResponseRules, Sender, advice_after

PY = "/usr/bin/python3.11"
ARGV = ["/usr/bin/python3", "forker.py", "10.0.0.2", "100"]


class Recorder(ProcessSignaller):
    def __init__(self, procfs: Path) -> None:
        super().__init__(ResponseRules.from_config(config_mod.Config()), str(procfs))
        self.sent: list[int] = []

    def _send(self, pid: int, start_time: float, uid: int, sig: int) -> str | None:
        now = read_sender(pid, self.procfs)
        if now is None or now.start_time is None:
            return EXITED
        if abs(now.start_time - start_time) > 0.02 or now.uid != uid or now.uid == 0:
            return f"pid {pid}: not signalled"
        self.sent.append(pid)
        return None


def forker(tmp_path: Path, **parent: object) -> tuple[Path, Sender]:
    """root's runuser 100 -> the forker 200 (as ``parent`` says) -> its child 300, which
    sent and was read then (the returned Sender), and is a zombie now."""
    procfs = make_procfs(tmp_path)
    add_process(procfs, 100, comm="runuser", exe="/usr/sbin/runuser", uid=0, start_ticks=90)
    kw: dict[str, object] = {"comm": "python3", "exe": PY, "cmdline": ARGV, "ppid": 100}
    kw.update({"start_ticks": 100, **parent})
    add_process(procfs, 200, **kw)  # type: ignore[arg-type]
    add_process(procfs, 300, comm="python3", exe=None, cmdline=[], ppid=200, state="Z",
                start_ticks=150)  # fmt: skip
    return procfs, Sender(300, start_time(150), 1001, 1001, "python3", PY, tuple(ARGV), 200)


def test_the_parent_of_a_zombie_sender_is_stopped_from_what_its_connect_read(
    tmp_path: Path,
) -> None:
    """The zombie reads no program now: the walk took that as "nothing to compare" and the
    parent went on forking. The program read at the connect names it."""
    procfs, sender = forker(tmp_path)
    s = Recorder(procfs)
    res = s.signal_tree(300, sender.start_time or 0, 1001, "stop", sender)
    assert s.sent == [300, 200]  # the zombie (no error, no effect), its parent; root's never
    assert res.ok and res.detail == (
        "pid 300 had exited; SIGSTOP sent to its parent(s) running the same program (200)"
    )
    assert res.signalled == ((200, start_time(100)),)
    # without what the connect read, the zombie names no program: the parent is left
    bare = Recorder(procfs)
    res = bare.signal_tree(300, sender.start_time or 0, 1001, "stop")
    assert (res.ok, res.detail, bare.sent) == (False, EXITED, [300])


def test_the_parent_of_a_reaped_sender_is_stopped_through_the_pid_read_at_its_connect(
    tmp_path: Path,
) -> None:
    procfs, sender = forker(tmp_path)
    (procfs / "300" / "stat").unlink()  # reaped: no /proc entry, no parent link
    s = Recorder(procfs)
    res = s.signal_tree(300, sender.start_time or 0, 1001, "stop", sender)
    assert res.ok and res.signalled == ((200, start_time(100)),) and s.sent == [200]
    # nothing recorded of its parent: the stop fails as one whose process exited
    res = Recorder(procfs).signal_tree(300, sender.start_time or 0, 1001, "stop")
    assert (res.ok, res.detail) == (False, EXITED)


def test_a_parent_of_another_program_uid_or_a_later_start_is_never_stopped(
    tmp_path: Path,
) -> None:
    for parent in (
        {"exe": "/usr/bin/bash", "cmdline": ["bash", "-c", "while :; do ...; done"]},
        {"cmdline": ["/usr/bin/python3", "other.py"]},
        {"uid": 1002},  # another account's process of the same program
        {"uid": 0},  # root's
        {"start_ticks": 200},  # started after the child: the pid was handed to another
    ):
        procfs, sender = forker(tmp_path / str(len(list(tmp_path.iterdir()))), **parent)
        s = Recorder(procfs)
        res = s.signal_tree(300, sender.start_time or 0, 1001, "stop", sender)
        assert (res.ok, res.detail, s.sent) == (False, EXITED, [300]), parent


def test_a_live_sender_is_stopped_with_its_parents_of_the_same_program(tmp_path: Path) -> None:
    """Two levels of forkers (a parent that forks a forker) and the sender's siblings."""
    procfs, sender = forker(tmp_path, ppid=150)
    add_process(procfs, 150, comm="python3", exe=PY, cmdline=ARGV, ppid=100, start_ticks=95)
    add_process(procfs, 310, comm="python3", exe=PY, cmdline=ARGV, ppid=200, start_ticks=160)
    (procfs / "300").rename(procfs / "old")
    add_process(procfs, 300, comm="python3", exe=PY, cmdline=ARGV, ppid=200, start_ticks=150)
    s = Recorder(procfs)
    res = s.signal_tree(300, sender.start_time or 0, 1001, "stop", sender)
    assert s.sent == [300, 200, 150, 310]
    assert res.ok and res.detail == (
        "SIGSTOP sent to pid 300, its parent(s) running the same program (200, 150) and 1 "
        "child process(es) (310)"
    )
    assert [p for p, _ in res.signalled] == [300, 200, 150, 310]


def test_the_daemon_stop_of_a_child_gone_before_it_stops_its_parent(tmp_path: Path) -> None:
    """The daemon's path (signal on the spot, the rest on the worker): the sender read live at
    its connect had been reaped by its third connect's stop. The record is done, says so, and
    lists the parent (what `release` resumes)."""
    procfs, _ = forker(tmp_path)
    (procfs / "300" / "stat").unlink()
    signaller = Recorder(procfs)
    conf = cfg(mode="enforce", responses__block=False)
    r = Responder(conf, MTA, signaller=signaller, clock=lambda: 5.0)
    p = proc(pid=300)
    p = p.__class__(**{
        **{f: getattr(p, f) for f in p.__dataclass_fields__},
        "start_time": start_time(150), "exe": PY, "cmdline": tuple(ARGV),
        "parents": (ParentProcess(200, "python3", PY, 1001),),
    })  # fmt: skip
    t = IncidentTracker()
    for wall in (100.0, 100.1, 100.2):
        att = attempt(wall, pid=300, process=p)
        r.on_attempt(att, t.add(att).incident)
    assert r.wait(5.0)
    (stop,) = [a for a in r.records if a.action == "stop-process"]
    assert stop.status == "done", stop
    assert stop.detail.startswith("pid 300 had exited; SIGSTOP sent to its parent(s)")
    assert stop.data["signalled"] == [[200, start_time(100)]] and stop.data["exited"] is True
    assert stop.undo == "spamtrace release 1001"
    # the advice's "kill 300" goes (it is gone), as for a stop that failed for that reason
    kill = "stop it after noting the evidence: kill 300"
    assert advice_after([kill], [stop]) == ()
    r.close()
