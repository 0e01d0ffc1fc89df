"""`watch` scans the scripts and folder of a suspicious incident off the reader thread and
reports, stores and shows the suspect files (the scanner is replaced by a fake here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import attempt, proc

from spamtrace import suspects as suspects_mod
from spamtrace.cli.main import main
from spamtrace.config import Config
from spamtrace.model import AttributedAttempt, SmtpConnectAttempted, Verdict
from spamtrace.render.watch import WatchView
from spamtrace.service import scanning as scanning_mod
from spamtrace.service.engine import Engine, EngineOptions

UPLOADS = "/home/u/public_html/wp-content/uploads"
SUSPECT = {
    "path": f"{UPLOADS}/x.php", "verdict": "malicious", "score": 22,
    "rules": ["mailer.raw-smtp-dialogue", "php.eval-decoded"], "line": 7,
    "excerpt": "fsockopen($h, 25);", "description": "raw SMTP over a socket", "layer": 0,
}  # fmt: skip


class FakeAttributor:
    """Hands out prepared attempts, one per event, in order."""

    def __init__(self, attempts: list[AttributedAttempt]) -> None:
        self.attempts = list(attempts)
        self.counts: dict[str, int] = {}

    def attempt(self, ev: SmtpConnectAttempted, uid_hint: int | None = None) -> AttributedAttempt:
        return self.attempts.pop(0)


def watcher(tmp_path: Path, *extra: str, json_out: bool = True) -> Engine:
    opts = EngineOptions(
        store_path=str(tmp_path / "w.db"), nflog=False, scan="--no-scan" not in extra,
        scan_budget=0.5,
    )  # fmt: skip
    w = Engine(Config(), opts, subscribers=[WatchView(json_out)])
    from spamtrace.sinks.store import Store

    assert opts.store_path is not None
    w.store = Store(opts.store_path)
    if opts.scan:
        w.scanner = scanning_mod.IncidentScanner(None, opts.scan_budget)
    return w


def feed(w: Engine, attempts: list[AttributedAttempt]) -> None:
    w.attributor = FakeAttributor(attempts)  # type: ignore[assignment]
    for att in attempts:
        w._handle(att.event)


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in out.splitlines() if x.strip()]


#: names of the threads the fake scanner ran on
SCAN_THREADS: list[str] = []
#: the symlinks the fake scanner finds in the folder (a test sets them)
LINKS_FOUND: list[dict[str, Any]] = []
LINK = {
    "path": f"{UPLOADS}/s\x1b[2J.txt", "target": "/etc/shadow",
    "risk": "a system file or folder", "rule": "link.sensitive-target",
}  # fmt: skip


@pytest.fixture
def fake_scan(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The scanner replaced: records the paths of each call (and its thread)."""
    calls: list[tuple[str, ...]] = []
    SCAN_THREADS.clear()
    LINKS_FOUND.clear()

    def scan(
        paths: Any, *, budget: float, cfg: Any = None, limit: int = 5, links: Any = None,
        owner: Any = None, stats: Any = None,
    ) -> Any:
        calls.append(tuple(paths))
        SCAN_THREADS.append(threading.current_thread().name)
        assert budget == 0.5
        if links is not None and LINKS_FOUND:
            links += [dict(x) for x in LINKS_FOUND]
        return [dict(SUSPECT)], []

    monkeypatch.setattr(suspects_mod, "scan_for_suspects", scan)
    return calls


def test_opened_incident_names_the_file_and_stores_it(
    tmp_path: Path, fake_scan: list[tuple[str, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    w = watcher(tmp_path)
    try:
        t = time.time()
        feed(w, [attempt(t), attempt(t + 0.001)])
        out = capsys.readouterr().out
        # the reader went on: both events are out, the opened report waits for its scan
        assert [x["type"] for x in lines(out)] == ["connect-attempted", "connect-attempted"]
        w._finish_scans()
        w.store.flush()  # type: ignore[union-attr]
    finally:
        w.close()
    assert fake_scan == [(f"{UPLOADS}/x.php", UPLOADS)]
    assert SCAN_THREADS == ["spamtrace-scan"]  # not the reader's thread
    (opened,) = [x for x in lines(capsys.readouterr().out) if x["type"] == "incident-opened"]
    inc = opened["incident"]
    assert inc["suspect_files"] == [SUSPECT]
    assert inc["advice"][0].startswith(f"this is the file: {UPLOADS}/x.php (malicious, score 22")
    assert opened["scan"]["paths"] == [f"{UPLOADS}/x.php", UPLOADS]
    assert opened["schema"] == "spamtrace.watch/1"
    # stored with the incident: `incidents --json` and `incident ID` (JSON and human)
    db = str(tmp_path / "w.db")
    assert main(["incidents", "--json", "--since", "all", "--db", db]) == 1
    (listed,) = json.loads(capsys.readouterr().out)["incidents"]
    assert listed["suspect_files"] == [SUSPECT] and listed["connections"] == 2
    assert listed["advice"][0].startswith("this is the file:")
    assert main(["incident", inc["id"], "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["incident"]["suspect_files"] == [SUSPECT]
    assert main(["incident", inc["id"], "--db", db]) == 0
    human = capsys.readouterr().out
    assert "suspect files (most suspicious first):" in human
    assert f"{UPLOADS}/x.php: malicious, score 22 (mailer.raw-smtp-dialogue" in human
    assert "line 7: fsockopen($h, 25);" in human


def test_human_opened_block_shows_the_file(
    tmp_path: Path, fake_scan: list[tuple[str, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    w = watcher(tmp_path, json_out=False)
    try:
        feed(w, [attempt(time.time())])
        w._finish_scans()
    finally:
        w.close()
    out = capsys.readouterr().out
    block = out[out.index("!! SUSPICIOUS incident") :]
    assert f"   file:    {UPLOADS}/x.php: malicious, score 22" in block
    assert "            line 7: fsockopen($h, 25);" in block
    assert f"     - this is the file: {UPLOADS}/x.php" in block


def test_not_suspicious_or_no_scan_is_reported_at_once(
    tmp_path: Path, fake_scan: list[tuple[str, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    w = watcher(tmp_path)
    try:
        t = time.time()
        mta = attempt(t, pid=7, process=proc(pid=7, uid=102, exe="/usr/sbin/exim4"),
                      verdict=Verdict.MTA)  # fmt: skip
        tunnel = attempt(t, pid=8, process=proc(pid=8, cwd="/", scripts=()),
                         verdict=Verdict.SSH_TUNNEL)  # fmt: skip
        feed(w, [mta, tunnel])
        opened = [x for x in lines(capsys.readouterr().out) if x["type"] == "incident-opened"]
    finally:
        w.close()
    assert fake_scan == []
    assert [o["incident"]["verdict"] for o in opened] == ["mta", "ssh-tunnel"]
    assert all(o["incident"]["suspect_files"] is None and o["scan"] is None for o in opened)
    w = watcher(tmp_path, "--no-scan")
    try:
        feed(w, [attempt(time.time() + 5000)])
        (opened_now,) = [
            x for x in lines(capsys.readouterr().out) if x["type"] == "incident-opened"
        ]
    finally:
        w.close()
    assert fake_scan == [] and opened_now["incident"]["suspect_files"] is None


def test_slow_scan_reports_the_incident_then_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    release = threading.Event()

    def slow(
        paths: Any, *, budget: float, cfg: Any = None, limit: int = 5, links: Any = None,
        owner: Any = None, stats: Any = None,
    ) -> Any:
        release.wait(10)
        return [dict(SUSPECT)], ["slow disk"]

    monkeypatch.setattr(suspects_mod, "scan_for_suspects", slow)
    monkeypatch.setattr(scanning_mod, "SCAN_GRACE", 0.05)
    w = watcher(tmp_path)
    try:
        feed(w, [attempt(time.time())])
        time.sleep(0.6)  # past budget + grace
        w._collect_scans()
        (opened,) = [x for x in lines(capsys.readouterr().out) if x["type"] == "incident-opened"]
        assert opened["incident"]["suspect_files"] is None
        assert "incident-scanned" in opened["scan"]["notes"][0]
        release.set()
        deadline = time.monotonic() + 5
        late: list[dict[str, Any]] = []
        while not late and time.monotonic() < deadline:
            w.scanner.wait(0.2)  # type: ignore[union-attr]
            w._collect_scans()
            late = [x for x in lines(capsys.readouterr().out) if x["type"] == "incident-scanned"]
        w.store.flush()  # type: ignore[union-attr]
    finally:
        w.close()
    (scanned,) = late
    assert scanned["incident"] == opened["incident"]["id"]
    assert scanned["suspect_files"] == [SUSPECT] and scanned["scan"]["notes"] == ["slow disk"]
    assert main(["incidents", "--json", "--since", "all", "--db", str(tmp_path / "w.db")]) == 1
    (listed,) = json.loads(capsys.readouterr().out)["incidents"]
    assert listed["suspect_files"] == [SUSPECT]


def test_scanner_queue_full_is_counted_not_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    monkeypatch.setattr(
        suspects_mod, "scan_for_suspects", lambda *a, **k: (release.wait(10), ([], []))[1]
    )
    s = scanning_mod.IncidentScanner(None, 0.5, max_jobs=1)
    try:
        start = time.monotonic()
        while s.submit("inc-x", ("/nonexistent",)) and time.monotonic() - start < 5:
            time.sleep(0.01)  # the first job is taken by the (blocked) thread, one waits
        assert s.dropped == 1 and s.stats()["dropped"] == 1
        assert time.monotonic() - start < 5
    finally:
        release.set()
        s.close()


def test_same_paths_are_scanned_once_within_a_minute(
    fake_scan: list[tuple[str, ...]],
) -> None:
    s = scanning_mod.IncidentScanner(None, 0.5)
    try:
        assert s.submit("inc-a", ("/h/x.php",)) and s.submit("inc-b", ("/h/x.php",))
        got: list[scanning_mod.IncidentScan] = []
        deadline = time.monotonic() + 5
        while len(got) < 2 and time.monotonic() < deadline:
            s.wait(0.2)
            got += s.results()
    finally:
        s.close()
    assert [r.incident_id for r in got] == ["inc-a", "inc-b"]
    assert [r.reused for r in got] == [False, True] and got[1].files == (SUSPECT,)
    assert fake_scan == [("/h/x.php",)]


def test_a_symlink_attack_in_the_folder_is_listed_apart_and_stored(
    tmp_path: Path, fake_scan: list[tuple[str, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    """The incident's scan ranked files only: a link from the account's folder to
    /etc/shadow (a symlink attack) was dropped. It is the incident's `suspect_links`, apart
    from the files (never "this is the file"), in the watch line, the store and `incident
    ID`, its name escaped where it is printed."""
    LINKS_FOUND.append(LINK)
    w = watcher(tmp_path)
    try:
        feed(w, [attempt(time.time())])
        w._finish_scans()
        w.store.flush()  # type: ignore[union-attr]
    finally:
        w.close()
    (opened,) = [x for x in lines(capsys.readouterr().out) if x["type"] == "incident-opened"]
    inc = opened["incident"]
    assert inc["suspect_links"] == [LINK] and inc["suspect_files"] == [SUSPECT]
    assert inc["advice"][0].startswith("this is the file: ")
    assert inc["advice"][1].startswith("1 symlink(s) in the folder point where a site")
    db = str(tmp_path / "w.db")
    assert main(["incident", inc["id"], "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["incident"]["suspect_links"] == [LINK]
    assert main(["incidents", "--json", "--since", "all", "--db", db]) == 1
    assert json.loads(capsys.readouterr().out)["incidents"][0]["suspect_links"] == [LINK]
    assert main(["incident", inc["id"], "--db", db]) == 0
    human = capsys.readouterr().out
    assert "symlinks where a site must not reach:" in human
    assert f"{UPLOADS}/s\\x1b[2J.txt -> /etc/shadow: a system file or folder" in human
    assert "\x1b" not in human
    # the terminal view of watch says it too
    w = watcher(tmp_path / "h", json_out=False) if (tmp_path / "h").mkdir() is None else None
    assert w is not None
    try:
        feed(w, [attempt(time.time() + 5000)])
        w._finish_scans()
    finally:
        w.close()
    out = capsys.readouterr().out
    block = out[out.index("!! SUSPICIOUS incident") :]
    assert f"   link:    {UPLOADS}/s\\x1b[2J.txt -> /etc/shadow: a system file" in block
    assert "\x1b" not in block


def test_a_run_first_known_by_uid_only_is_one_incident_whose_script_is_scanned(
    tmp_path: Path, fake_scan: list[tuple[str, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    """The first connect of a run known by its uid alone (the sender gone before its trace
    line was read), the next ones in full: a second alerting incident opened for the run, and
    the first was never scanned (it named no file). One incident now: the first attempt that
    knows the sender takes it over, its scripts are scanned, and the stored incident names
    them and the file."""
    from dataclasses import replace

    from spamtrace.model import AttributionMethod

    gone = replace(proc(pid=1), exe=None, cwd=None, scripts=(), cmdline=(),
                   method=AttributionMethod.UID_ONLY)  # fmt: skip
    w = watcher(tmp_path)
    try:
        t = time.time()
        feed(w, [attempt(t, pid=1, process=gone), attempt(t + 0.1, pid=2), attempt(t + 0.2)])
        assert w.scanner is not None
        deadline = time.monotonic() + 10
        # the late scan's result (incident-scanned)
        while not any(k.findings for k in w._incidents.values()):
            assert time.monotonic() < deadline
            w.scanner.wait(0.1)
            w._collect_scans()
        w.store.flush()  # type: ignore[union-attr]
    finally:
        w.close()
    assert fake_scan == [(f"{UPLOADS}/x.php", UPLOADS)]
    out = lines(capsys.readouterr().out)
    assert len([x for x in out if x["type"] == "incident-opened"]) == 1
    assert main(["incidents", "--json", "--since", "all", "--db", str(tmp_path / "w.db")]) == 1
    (listed,) = json.loads(capsys.readouterr().out)["incidents"]
    assert listed["connections"] == 3 and listed["scripts"] == [f"{UPLOADS}/x.php"]
    assert listed["suspect_files"] == [SUSPECT]


def test_the_engine_loads_the_scanner_at_start_not_at_the_first_incident() -> None:
    """Tour: the first incident after a daemon start waited for the scanner to load (its
    import compiles ~1,300 patterns, then the rules are parsed and prepared: 0.7 s of CPU),
    and its quarantine came 1.1-2.7 s after the first connect on a loaded host, where later
    incidents took 20-60 ms. The engine's scan thread loads it as soon as the engine opens,
    with no scan asked, when asked to (the daemon's options: a short `watch --duration` pays
    no 0.7 s of CPU for it). In a fresh interpreter, since this one may have it loaded."""
    code = textwrap.dedent(
        """
        import sys, time
        from spamtrace.config import Config
        from spamtrace.service.engine import Engine, EngineOptions
        w = Engine(Config(), EngineOptions(store_path=None, source="poll", nflog=False,
                                           warm_scanner=True))
        w.open()
        try:
            deadline = time.monotonic() + 30
            def ready():
                analyze = sys.modules.get("spamtrace.scanner.analyze")  # may be importing
                return bool(getattr(analyze, "_PREPARED", None))
            while not ready() and time.monotonic() < deadline:
                time.sleep(0.05)
            print("prepared" if ready() else "not prepared", w.scanner.scanned)
        finally:
            w.close()
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip
    assert out.stdout.split() == ["prepared", "0"], out.stderr
    from spamtrace.cli.daemon import daemon_options
    from spamtrace.cli.main import build_parser

    args = build_parser("daemon").parse_args(["daemon"])
    assert daemon_options(args, Config()).warm_scanner
    assert not EngineOptions(store_path=None).warm_scanner  # watch
