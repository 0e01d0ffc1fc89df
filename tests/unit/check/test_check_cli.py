"""check with kernel and /proc replaced by fakes: JSON shape, table, exit codes, bad input."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from spamtrace.attribution import accounts as accounts_mod
from spamtrace.attribution import mta as mta_mod
from spamtrace.attribution import process as process_mod
from spamtrace.attribution.mta import MtaIdentity
from spamtrace.cli.main import main
from spamtrace.config import Config
from spamtrace.model import (
    Account,
    AccountKind,
    AttributionMethod,
    Endpoint,
    ParentProcess,
    ProcessInfo,
    SocketRecord,
    TcpState,
)
from spamtrace.service import check as check_mod
from spamtrace.sources import sockdiag

UPLOADS = "/home/shop/public_html/wp-content/uploads"
MTA = MtaIdentity(
    frozenset({102}), frozenset({105}), ("Debian-exim",), frozenset({"/usr/sbin/exim4"}), "exim"
)


def sock(inode: int, uid: int | None, remote: str, port: int, v6: bool = False) -> SocketRecord:
    local = Endpoint("2001:db8::1" if v6 else "192.0.2.1", 40000 + inode)
    return SocketRecord(
        10 if v6 else 2, TcpState.ESTABLISHED, local, Endpoint(remote, port), uid, inode, "sockdiag"
    )


def pinfo(pid: int, uid: int, exe: str, name: str, **kw: Any) -> ProcessInfo:
    base = ProcessInfo(
        pid=pid, start_time=1_700_000_000.5, name=name, exe=exe, cmdline=(name,), uid=uid,
        euid=uid, gid=uid, user={1001: "shop", 102: "Debian-exim"}.get(uid), cwd="/",
        scripts=(), parents=(ParentProcess(1, "init", "/sbin/init", 0),),
        method=AttributionMethod.LIVE,
    )  # fmt: skip
    return dataclasses.replace(base, **kw)


class FakeAccounts:
    def __init__(self, *_a: object, **_k: object) -> None:
        pass

    def for_uid(self, uid: int) -> Account | None:
        if uid == 1001:
            return Account("shop", AccountKind.CPANEL, "/home/shop", ("shop.example",))
        if uid == 2002:
            raise RuntimeError("boom")  # a broken lookup must not hide the other entries
        return None

    def for_process(self, uid: int | None, paths: object = ()) -> Account | None:
        return self.for_uid(uid) if uid is not None else None


@pytest.fixture
def fake_host(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    # the host's own mail logs stay out of it: a real Exim or PHP mail.log with a burst in the
    # last hour would add a "through the MTA" section (and exit 1) to every test here
    for key in ("EXIM_LOGS", "POSTFIX_LOGS", "PHP_LOGS"):
        monkeypatch.setenv(f"SPAMTRACE_MAIL_{key}", str(tmp_path / f"no-{key.lower()}.log"))
    records = [
        sock(1, 1001, "198.51.100.7", 25),  # php spam -> suspicious
        sock(2, 102, "198.51.100.8", 25),  # exim -> mta
        sock(3, 1001, "2001:db8::25", 587, v6=True),  # submission, IPv6
        sock(4, 3003, "198.51.100.9", 25),  # uid only (process not found)
        sock(5, 2002, "198.51.100.9", 25),  # account lookup explodes
        sock(6, 1001, "198.51.100.9", 25),  # pid reused between fd scan and read
    ]
    procs = {
        11: pinfo(11, 1001, "/usr/bin/php8.2", "php", cwd=UPLOADS,
                  cmdline=("php", "wp-cache.php"), scripts=(f"{UPLOADS}/wp-cache.php",)),
        12: pinfo(12, 102, "/usr/sbin/exim4", "exim4"),
        13: pinfo(13, 1001, "/usr/bin/php8.2", "php\x1b[31m", cwd="/home/shop/a\nb"),
        15: pinfo(15, 2002, "/usr/bin/perl", "perl"),
        16: pinfo(16, 1001, "/usr/bin/php8.2", "php"),
    }  # fmt: skip
    state: dict[str, Any] = {"records": records, "procs": procs, "owner_calls": []}

    def owners(inodes_by_uid: dict[int, set[int]], procfs: str = "/proc") -> dict[int, int]:
        state["owner_calls"].append(inodes_by_uid)
        return {1: 11, 2: 12, 3: 13, 5: 15, 6: 16}

    monkeypatch.setattr(sockdiag, "dump_smtp_sockets", lambda ports: list(state["records"]))
    monkeypatch.setattr(process_mod, "find_socket_owners", owners)
    monkeypatch.setattr(process_mod, "read_process", lambda pid, **_k: state["procs"][pid])
    monkeypatch.setattr(mta_mod, "detect_mta", lambda cfg: MTA)
    monkeypatch.setattr(accounts_mod, "AccountResolver", FakeAccounts)
    monkeypatch.setattr(process_mod, "holds_socket", lambda pid, inode: pid != 16)
    monkeypatch.setattr(check_mod.os, "geteuid", lambda: 0)
    return state


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    rc = main(["check", "--json", *args])
    out, err = capsys.readouterr()
    assert err == ""
    return rc, json.loads(out)


def test_json_document(fake_host: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    rc, doc = run_json(capsys)
    assert rc == 1
    assert doc["schema"] == "spamtrace.check/1"
    assert doc["root"] is True and doc["notes"] == []
    assert doc["ports"] == [25, 465, 587, 2525]
    assert doc["mta"] == {
        "kind": "exim",
        "users": ["Debian-exim"],
        "uids": [102],
        "exes": ["/usr/sbin/exim4"],
    }
    assert doc["suspicious"] == 4 and doc["alerting"] == 4
    assert doc["counts"] == {
        "mta": 1,
        "ssh-tunnel": 0,
        "suspicious": 4,
        "submission": 1,
        "allowed": 0,
        "unknown": 0,
    }
    by_inode = {c["inode"]: c for c in doc["connections"]}
    php = by_inode[1]
    required = {"pid", "process", "exe", "cmdline", "uid", "user", "account", "cwd", "scripts",
                "local", "remote", "state", "verdict", "reasons"}  # fmt: skip
    assert required <= set(php)
    assert php["pid"] == 11 and php["process"] == "php" and php["exe"] == "/usr/bin/php8.2"
    assert php["uid"] == 1001 and php["user"] == "shop" and php["account"] == "shop"
    assert php["account_kind"] == "cpanel" and php["domains"] == ["shop.example"]
    assert php["cwd"] == UPLOADS and php["scripts"] == [f"{UPLOADS}/wp-cache.php"]
    assert php["remote"] == "198.51.100.7:25" and php["state"] == "ESTABLISHED"
    assert php["verdict"] == "suspicious" and php["reasons"]
    assert php["started"] == "2023-11-14T22:13:20Z"
    assert php["parents"] == [{"pid": 1, "name": "init", "exe": "/sbin/init", "uid": 0}]
    assert any("spamtrace scan" in a for a in php["advice"])
    assert by_inode[2]["verdict"] == "mta" and by_inode[2]["advice"] == []
    v6 = by_inode[3]
    assert v6["remote"] == "[2001:db8::25]:587" and v6["local"].startswith("[2001:db8::1]:")
    assert v6["verdict"] == "submission" and v6["family"] == "ipv6"
    uid_only = by_inode[4]
    assert uid_only["pid"] is None and uid_only["uid"] == 3003
    assert uid_only["attribution"] == "uid-only" and uid_only["verdict"] == "suspicious"
    assert any("no process holds" in r for r in uid_only["reasons"])
    broken = by_inode[5]
    assert broken["verdict"] == "suspicious"
    assert any("attribution failed: RuntimeError: boom" in r for r in broken["reasons"])
    reused = by_inode[6]
    assert reused["pid"] is None and any("no longer holds" in r for r in reused["reasons"])
    # most severe first
    assert [c["severity"] for c in doc["connections"]] == sorted(
        (c["severity"] for c in doc["connections"]), reverse=True
    )
    # only sockets with an inode and a uid are searched, grouped by uid
    assert fake_host["owner_calls"] == [{1001: {1, 3, 6}, 102: {2}, 3003: {4}, 2002: {5}}]


def test_exit_zero_when_nothing_alerts(
    fake_host: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    fake_host["records"] = [r for r in fake_host["records"] if r.inode in (2, 3)]
    rc, doc = run_json(capsys)
    assert rc == 0 and doc["suspicious"] == 0


def test_ports_flag_and_bad_ports(
    fake_host: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _rc, doc = run_json(capsys, "--ports", "25,587,25")
    assert doc["ports"] == [25, 587]
    for bad in ("25,x", "0", "70000", ","):
        assert main(["check", "--ports", bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("spamtrace: error:")


def test_relay_ports_flag(fake_host: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    _rc, doc = run_json(capsys, "--relay-ports", "25,587")
    assert {c["inode"]: c["verdict"] for c in doc["connections"]}[3] == "suspicious"


def test_not_root_says_what_root_adds(
    fake_host: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(check_mod.os, "geteuid", lambda: 1001)
    _rc, doc = run_json(capsys)
    assert doc["root"] is False
    assert any("run as root to add pid, process, exe" in n for n in doc["notes"])
    uid_only = {c["inode"]: c for c in doc["connections"]}[4]
    assert not any("no process holds" in r for r in uid_only["reasons"])


def test_table_escapes_and_keeps_going(
    fake_host: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["check"])
    out, err = capsys.readouterr()
    assert rc == 1 and err == ""
    assert "\x1b" not in out
    assert "php\\x1b[31m" in out  # the hostile process name, visible and harmless
    assert "/home/shop/a\\nb" in out
    assert "wp-cache.php" in out and "suspicious" in out and "mta" in out
    assert "attribution failed" in out  # the broken entry is reported, others too
    assert "6 connection(s)" in out


def test_no_connections_table(
    fake_host: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    fake_host["records"] = []
    assert main(["check"]) == 0
    assert (
        "No TCP connections to remote SMTP ports (25, 465, 587, 2525)." in capsys.readouterr().out
    )


def test_broken_config_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "spamtrace.toml"
    bad.write_text("[smtp\nports = 25\n")
    monkeypatch.setenv("SPAMTRACE_CONFIG", str(bad))
    assert main(["check", "--json"]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "invalid TOML" in err and "built-in defaults" in err
    doc = json.loads(out)  # the rest of the report is still printed, on built-in defaults
    assert doc["ports"] == [25, 465, 587, 2525]
    # and says so itself: a fleet reading only the JSON saw a report of a healthy config
    assert [n for n in doc["notes"] if n.startswith("config error: ")] == [
        f"config error: {bad}: invalid TOML: Expected ']' at the end of a table declaration "
        "(at line 1, column 6): this report uses the built-in defaults"
    ]
    bad.write_text("[smtp]\nports = [99999]\n")
    assert main(["check"]) == 2
    out, err = capsys.readouterr()
    # the report on built-in defaults (with or without connections: the host is shared)
    assert "not a TCP port" in err and "remote SMTP ports (25, 465, 587, 2525)" in out


def test_resolved_destinations_keep_judge_pure(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_getaddrinfo(host: str, *_a: object, **_k: object) -> list[Any]:
        if host == "smtp.relay.test":
            return [(2, 1, 6, "", ("203.0.113.5", 0)), (10, 1, 6, "", ("2001:db8::5", 0, 0, 0))]
        raise OSError("no such host")

    monkeypatch.setattr("socket.getaddrinfo", fake_getaddrinfo)
    cfg = Config().override(
        submission__allow_destinations=["smtp.relay.test:587", "[2001:db8::9]:465", "bad.test"]
    )
    notes: list[str] = []
    out = check_mod.with_resolved_destinations(cfg, notes).submission.allow_destinations
    assert "203.0.113.5:587" in out and "[2001:db8::5]:587" in out
    assert "[2001:db8::9]:465" in out
    assert notes == ["allow_destinations: cannot resolve bad.test: no such host"]


def test_json_mode_does_not_import_rich() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from spamtrace.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['check', '--json'])\n"
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


#: what plain `check --json --no-scan` must not import: its start-up is most of its time
HEAVY = ("rich", "yara_x", "sqlite3", "prometheus_client", "psutil", "spamtrace.scanner",
         "spamtrace.sinks", "email", "http", "urllib", "ssl", "subprocess", "threading",
         "logging", "asyncio", "concurrent", "gzip")  # fmt: skip


@pytest.mark.parametrize("fresh_log", [False, True])
def test_plain_check_imports_no_heavy_module(tmp_path: Path, fresh_log: bool) -> None:
    """Without a mail log written in the last hour the mail parsers are not imported either;
    with one (a real host's MTA), they are, but not what only `spamtrace mail` needs (the
    queue's subprocess, gzip for rotated logs)."""
    import time

    logs = []
    if fresh_log:
        log = tmp_path / "mainlog"
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        log.write_text(f"{stamp} 1hcpUM-MMXzpX-hu <= a@b.example U=shop P=local S=900\n")
        logs.append(str(log))
    conf = tmp_path / "spamtrace.toml"
    # php_logs names a log that does not exist: empty, it would read the host's PHP config
    conf.write_text(
        f"[mail]\nexim_logs = {logs!r}\npostfix_logs = []\n"
        f"php_logs = [{str(tmp_path / 'no-php-mail.log')!r}]\n"
    )
    code = (
        "import sys, io, contextlib\n"
        "from spamtrace.cli.main import main\n"
        "before = set(sys.modules)\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['--config', {str(conf)!r}, 'check', '--json', '--no-scan'])\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = res.stdout.split()
    assert "spamtrace.sources.sockdiag" in loaded  # the check ran
    assert ("spamtrace.sources.maillog.reader" in loaded) is fresh_log  # and read the log
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == []


def test_holds_checks_the_fd_table() -> None:
    import socket

    with socket.socket() as s:
        inode = os.fstat(s.fileno()).st_ino
        assert process_mod.holds_socket(os.getpid(), inode)
    assert not process_mod.holds_socket(os.getpid(), inode)
    assert not process_mod.holds_socket(999_999_999, inode)


# ----------------------------------------------------------------------------- suspect files
SUSPECT = {
    "path": f"{UPLOADS}/wp-cache.php", "verdict": "malicious", "score": 17,
    "rules": ["mailer.raw-smtp-dialogue", "php.eval-decoded"], "line": 13,
    "excerpt": "fsockopen($target, $port);", "description": "raw SMTP", "layer": 0,
}  # fmt: skip


ODD = "/home/other/a\nb"
LINK = {
    "path": f"{UPLOADS}/s\x1b[2J.txt", "target": "/etc/shadow",
    "risk": "a system file or folder", "rule": "link.sensitive-target",
}  # fmt: skip


@pytest.fixture
def fake_scan(fake_host: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Replace the scanner: every call is recorded; the wp-cache.php group gets a suspect."""
    calls: list[tuple[str, ...]] = []
    # pid 15 (suspicious: its account lookup fails) works in a folder of its own
    fake_host["procs"][15] = pinfo(15, 2002, "/usr/bin/perl", "perl", cwd=ODD)

    def scan(
        paths: Any,
        *,
        budget: float,
        cfg: Any = None,
        limit: int = 5,
        links: Any = None,
        stats: Any = None,
        owner: Any = None,
    ) -> Any:
        calls.append(tuple(paths))
        assert 0 < budget <= check_mod.SCAN_BUDGET
        if any(p.endswith("wp-cache.php") for p in paths):
            if links is not None:
                links += [dict(LINK)]
            if stats is not None:
                stats["files"] = 7
            return [dict(SUSPECT)], []
        if stats is not None:
            stats["files"] = 0
        return [], [f"not scanned: {paths[-1]}: No such file or directory"]

    monkeypatch.setattr(check_mod, "scan_for_suspects", scan)
    return calls


def test_suspect_files_in_json_and_advice(
    fake_host: dict[str, Any],
    fake_scan: list[tuple[str, ...]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a second connection of the same script and folder: scanned once
    fake_host["records"].append(sock(7, 1001, "198.51.100.7", 25))
    owners = process_mod.find_socket_owners
    monkeypatch.setattr(
        process_mod, "find_socket_owners", lambda i, procfs="/proc": {**owners(i), 7: 11}
    )
    rc, doc = run_json(capsys)
    assert rc == 1
    # scripts first, then the folder; the others are not suspicious or have no process
    assert fake_scan == [(f"{UPLOADS}/wp-cache.php", UPLOADS), (ODD,)]
    by_inode = {c["inode"]: c for c in doc["connections"]}
    for inode in (1, 7):
        php = by_inode[inode]
        assert php["suspect_files"] == [SUSPECT]
        assert php["advice"][0] == (
            f"this is the file: {UPLOADS}/wp-cache.php (malicious, score 17; "
            "mailer.raw-smtp-dialogue, php.eval-decoded)"
        )
        assert any("spamtrace scan" in a for a in php["advice"][1:])  # the rest unchanged
        # a symlink attack in the folder: apart from the files, its advice after the file's
        assert php["suspect_links"] == [LINK]
        assert php["advice"][1].startswith("1 symlink(s) in the folder point where a site")
        assert f"{UPLOADS}/s\\x1b[2J.txt -> /etc/shadow" in php["advice"][1]
    assert by_inode[5]["suspect_links"] == []  # scanned, no such link
    for inode in (2, 3, 4, 6):  # not scanned
        assert by_inode[inode]["suspect_links"] is None
    assert by_inode[5]["suspect_files"] == []  # scanned, nothing found: no file advice
    assert not any(a.startswith("this is the file") for a in by_inode[5]["advice"])
    for inode in (2, 3, 4, 6):  # mta, submission, uid only, pid reused
        assert by_inode[inode]["suspect_files"] is None
    assert doc["scan"]["enabled"] is True and doc["scan"]["scanned"] == 2  # senders
    assert doc["scan"]["files_scanned"] == 7  # what the two senders' scans read
    assert doc["scan"]["not_scanned"] == 0 and doc["scan"]["budget_seconds"] == 3.0
    assert doc["scan"]["notes"] == [f"not scanned: {ODD}: No such file or directory"]
    assert doc["schema"] == "spamtrace.check/1"


def test_suspect_files_in_the_table(
    fake_host: dict[str, Any],
    fake_scan: list[tuple[str, ...]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert f"file     {UPLOADS}/wp-cache.php: malicious, score 17" in out
    assert "line 13: fsockopen($target, $port);" in out
    assert f"link     {UPLOADS}/s\\x1b[2J.txt -> /etc/shadow: a system file or folder" in out
    assert f"next     this is the file: {UPLOADS}/wp-cache.php (malicious" in out
    assert "nothing suspicious in the script(s) and the folder's files scanned" in out  # pid 15's
    assert "scan note: not scanned: /home/other/a\\nb" in out  # escaped
    assert "\x1b" not in out


def test_no_scan(
    fake_host: dict[str, Any],
    fake_scan: list[tuple[str, ...]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _rc, doc = run_json(capsys, "--no-scan")
    assert fake_scan == []
    assert doc["scan"] == {"enabled": False}
    assert all(c["suspect_files"] is None for c in doc["connections"])
    assert not any(a.startswith("this is") for c in doc["connections"] for a in c["advice"])


def test_scan_budget_is_shared_and_what_is_left_is_said(
    fake_host: dict[str, Any],
    fake_scan: list[tuple[str, ...]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import time

    budgets: list[float] = []

    def slow(
        paths: Any,
        *,
        budget: float,
        cfg: Any = None,
        limit: int = 5,
        links: Any = None,
        stats: Any = None,
        owner: Any = None,
    ) -> Any:
        budgets.append(budget)
        time.sleep(budget)  # uses all it was given
        return [], []

    monkeypatch.setattr(check_mod, "scan_for_suspects", slow)
    _rc, doc = run_json(capsys, "--scan-budget", "0.2")
    assert len(budgets) == 1 and budgets[0] <= 0.2
    assert doc["scan"]["scanned"] == 1 and doc["scan"]["not_scanned"] == 1
    assert any("budget of 0.2 s used up" in n for n in doc["scan"]["notes"])
    scanned = [c["suspect_files"] for c in doc["connections"] if c["inode"] in (1, 5)]
    assert scanned.count(None) == 1 and scanned.count([]) == 1
    for bad in ("0", "-1", "x", "1000"):
        assert main(["check", "--scan-budget", bad]) == 2
        assert "not a number of seconds" in capsys.readouterr().err


def test_a_mailer_with_300_sockets_is_one_row_and_one_block(
    fake_host: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    many = [sock(100 + i, 1001, f"198.51.100.{i % 50}", 25) for i in range(300)]
    fake_host["records"] = many
    owners = dict.fromkeys(range(100, 400), 11)
    monkeypatch.setattr(process_mod, "find_socket_owners", lambda *_a, **_k: owners)
    assert main(["check", "--no-scan"]) == 1
    out = capsys.readouterr().out
    assert out.count("wp-cache.php") <= 6  # row, detail block (script, why, next): not 300x
    assert out.count("\nsuspicious: ") == 1
    assert "300 to 50 destination(s)" in out and "(+45 more)" in out
    assert "(+47 more)" in out  # the row names 3 destinations
    assert "300 connection(s) from 1 sender(s)" in out
    assert len(out.splitlines()) < 40
    _rc, doc = run_json(capsys, "--no-scan")
    assert len(doc["connections"]) == 300  # --json keeps every connection


def test_senders_are_grouped_by_process_account_and_script() -> None:
    from spamtrace.model import Connection, Verdict
    from spamtrace.render.check import group_senders

    def conn(inode: int, proc: ProcessInfo | None, verdict: Verdict) -> Connection:
        return Connection(sock(inode, 1001, "198.51.100.7", 25), proc, None, verdict, (), ())

    a = pinfo(11, 1001, "/usr/bin/php8.2", "php", scripts=("/home/shop/x.php",))
    b = pinfo(12, 1001, "/usr/bin/php8.2", "php", scripts=("/home/shop/x.php",))
    conns = [conn(1, a, Verdict.SUSPICIOUS), conn(2, b, Verdict.SUSPICIOUS),
             conn(3, a, Verdict.SUSPICIOUS), conn(4, None, Verdict.SUSPICIOUS),
             conn(5, None, Verdict.SUSPICIOUS), conn(6, a, Verdict.SUBMISSION)]  # fmt: skip
    groups = group_senders(conns)
    assert [g.indexes for g in groups] == [(0, 2), (1,), (3, 4), (5,)]


def test_check_reads_the_mail_logs_only_when_one_was_written_in_its_window(
    tmp_path: Path,
) -> None:
    import os
    import time

    from spamtrace.config import Config, MailSection
    from spamtrace.service.check import mail_logs_written_since

    old, missing = tmp_path / "mainlog", tmp_path / "gone"
    old.write_text("2026-12-04 10:00:00 1xZY04-00051f-1E Completed\n")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    cfg = Config(mail=MailSection(exim_logs=[str(missing), str(old)], postfix_logs=[]))
    assert not mail_logs_written_since(cfg, time.time() - 600)
    assert mail_logs_written_since(cfg, time.time() - 3 * 3600)
    old.touch()
    assert mail_logs_written_since(cfg, time.time() - 600)


def _exim_log_failing(
    name: str, error: OSError, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Path:
    """An Exim main log written in `check`'s window (the only mail log configured) whose
    read fails with ``error``."""
    import time

    from spamtrace.sources.maillog import reader

    log = tmp_path / name
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
    log.write_text(f"{stamp} 1hcpUM-MMXzpX-hu <= a@b.example U=shop P=local S=900\n")
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_LOGS", json.dumps([str(log)]))
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", "[]")
    monkeypatch.setenv("SPAMTRACE_MAIL_PHP_LOGS", json.dumps([str(tmp_path / "none")]))

    def failing(*_a: object, **_k: object) -> bytes:
        raise error

    monkeypatch.setattr(reader, "read_tail_bytes", failing)
    return log


def test_mail_over_smtp_from_this_hosts_loopback_is_a_note(
    fake_host: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """300 messages relayed over SMTP from 127.0.0.1 without a login in check's window (a
    script talking SMTP to the MTA): `check` said nothing of them."""
    import time

    log = tmp_path / "mainlog"
    lines = []
    for n in range(300):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time() - 600 + n))
        lines.append(f"{stamp} 1xW{n:03d}-000001-ab <= ceo@bank.example H=localhost (x) "
                     f"[127.0.0.1] P=esmtp S=900 for v{n}@remote.example")  # fmt: skip
    log.write_text("\n".join(lines) + "\n")
    fake_host["records"] = [r for r in fake_host["records"] if r.inode in (2, 3)]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SPAMTRACE_MAIL_EXIM_LOGS", json.dumps([str(log)]))
        rc, doc = run_json(capsys)
    assert rc == 0 and doc["mail"] is None  # no sender, no incident: a note
    (note,) = [n for n in doc["notes"] if "came over SMTP from this host" in n]
    assert note.startswith("300 message(s) in the last 60 minutes came over SMTP"), note


def test_a_mail_log_that_fails_to_read_is_a_note_not_silence(
    fake_host: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """`check` read a mail log written in its window and said nothing when the read failed
    (an I/O error, a log replaced by something that is no file to read): "nobody above the
    limits" and no word on the log. A log it may not read was already a note; this one too."""
    error = OSError(5, "Input/output error")
    log = _exim_log_failing("main\x1b[31mlog", error, monkeypatch, tmp_path)
    fake_host["records"] = [r for r in fake_host["records"] if r.inode in (2, 3)]
    rc, doc = run_json(capsys)
    assert rc == 0 and doc["mail"] is None
    (note,) = [n for n in doc["notes"] if "mail logs not read" in n]
    assert f"{log}: Input/output error" in note, note
    assert main(["check", "--no-scan"]) == 0
    out = capsys.readouterr().out
    assert "main\\x1b[31mlog: Input/output error" in out and "\x1b[31m" not in out, out


def test_a_mail_log_it_may_not_read_is_one_note_not_two(
    fake_host: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Without root, a mail log it may not read was said twice: once with the hint to run
    as root (found before reading), then again by the read's own Permission denied."""
    from spamtrace.service import mail

    error = PermissionError(13, "Permission denied")
    log = _exim_log_failing("mainlog", error, monkeypatch, tmp_path)
    monkeypatch.setattr(mail, "unreadable_logs", lambda _cfg: [(str(log), "Permission denied")])
    fake_host["records"] = [r for r in fake_host["records"] if r.inode in (2, 3)]
    rc, doc = run_json(capsys)
    notes = [n for n in doc["notes"] if "mail logs not read" in n]
    assert rc == 0 and len(notes) == 1 and "root" in notes[0], notes
