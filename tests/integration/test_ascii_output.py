"""Under ``LANG=C`` (and in a pipe) the human output of `check`, `audit`, `incidents` and
`incident ID` is ASCII: a long field cut short ends in "..." instead of the Unicode ellipsis,
tables are drawn with ASCII. ``--json`` keeps the exact text (the ellipsis included).

Each test runs the real CLI as a subprocess with ``env LANG=C`` and long fields: a script line
longer than an excerpt, an sshd config line longer than an error line, stored excerpts and
action details that were cut when they were recorded.
"""

from __future__ import annotations

import json
import os
import pwd
from pathlib import Path

import pytest
from stcli import spamtrace
from world import PAYLOADS, World

from spamtrace.sinks.store import ActionRecord, EventRecord, EventType, IncidentRecord, Store

pytestmark = pytest.mark.timeout(120)

#: ``env LANG=C``, and no LC_* of the caller's to override it (empty is unset for locales)
C_LOCALE = {"LANG": "C", "LC_ALL": "", "LC_CTYPE": "", "LC_MESSAGES": ""}
ELLIPSIS = "\u2026"


def run_c(*args: str) -> tuple[int, str]:
    """``env LANG=C spamtrace ARGS`` (its stdout must be ASCII only; stderr empty)."""
    result = spamtrace(*args, env=C_LOCALE)
    assert result.stderr == "", result.stderr
    raw = result.stdout.encode("utf-8", "surrogateescape")
    bad = sorted({b for b in raw if b > 0x7F})
    assert not bad, f"non-ASCII bytes {bad} in:\n{result.stdout}"
    return result.returncode, result.stdout


def test_check_with_a_long_script_line_is_ascii(world: World) -> None:
    assert world.uploads is not None and world.uid is not None
    pad = "x" * 300  # the line of the raw SMTP connect is longer than an excerpt
    code = (PAYLOADS / "wp-cache.php").read_text()
    call = "$fp = @fsockopen($target, $port, $e, $s, 5);"
    assert call in code
    script = world.uploads / "wp-cache.php"
    script.write_text(code.replace(call, f"{call} $pad = '{pad}';"))
    os.chown(script, world.uid, pwd.getpwuid(world.uid).pw_gid)
    proc = world.spawn_as_user(["php", script.name, world.mx_ip, "25", "1", "30"])
    assert proc.stdout is not None and proc.stdout.readline().strip() == "connected"
    rc, out = run_c("check")
    assert rc == 1 and "this is the file: " in out, out
    cut = [line for line in out.splitlines() if pad[:50] in line]
    assert cut and all(line.endswith("...") for line in cut), out
    doc = json.loads(spamtrace("check", "--json").stdout)  # JSON keeps the exact excerpt
    excerpts = [
        f.get("excerpt") or ""
        for c in doc["connections"]
        for f in c.get("suspect_files") or []
        if f["path"] == str(script)
    ]
    assert any(pad[:50] in e and e.endswith(ELLIPSIS) for e in excerpts), excerpts


def test_audit_with_a_long_error_line_is_ascii(tmp_path: Path) -> None:
    config = tmp_path / "sshd_config"
    config.write_text("Foo" + "x" * 400 + " yes\n")  # sshd -T: a 400-char "Bad option" line
    rc, out = run_c("audit", "--only", "sshd", "--sshd-config", str(config))
    assert rc == 1 and "FAIL    sshd.tcp-forwarding" in out, out
    failed = next(line for line in out.splitlines() if "-T: failed" in line)
    assert failed.endswith("xxx...") and "x" * 400 not in failed, failed
    doc = json.loads(
        spamtrace("audit", "--json", "--only", "sshd", "--sshd-config", str(config)).stdout
    )
    evidence = [e for f in doc["findings"] for e in f["evidence"] if "-T: failed" in e]
    assert evidence and evidence[0].endswith(ELLIPSIS), evidence


def _store(path: str) -> tuple[str, str]:
    """A store with a suspicious incident whose suspect file, excerpt and action detail are
    long (cut with an ellipsis when recorded); returns the path and the excerpt's start."""
    long_path = "/home/shop/public_html/wp-content/uploads/" + "a" * 200 + ".php"
    excerpt = "fsockopen('" + "y" * 119 + ELLIPSIS
    rec = IncidentRecord(
        id="inc-0123456789ab", verdict="suspicious", uid=1001, user="shop", account="shop",
        account_kind="home", home="/home/shop", exe="/usr/bin/php8.2", cwd="/home/shop",
        scripts=(long_path,), cmdline=("php", long_path), connections=1, blocked=0,
        destinations=tuple(f"10.0.0.{i}:25" for i in range(2, 8)), pids=(4242,),
        first_seen=1_700_000_000.0, last_seen=1_700_000_060.0, rate_per_minute=1.0,
        reasons=("non-MTA process talks SMTP directly",), methods={"tracepoint": 1},
        advice=(), process={"pid": 4242, "name": "php"},
        suspect_files=({"path": long_path, "verdict": "malicious", "score": 22,
                        "rules": ["mailer.raw-smtp-dialogue"], "line": 7, "excerpt": excerpt},),
    )  # fmt: skip
    ev = EventRecord(
        type=EventType.CONNECT_ATTEMPTED, wall=1_700_000_000.0, pid=4242, start_time=1.0,
        uid=1001, gid=1001, user="shop", account="shop", exe="/usr/bin/php8.2", cwd="/home/shop",
        cmdline=("php", long_path), scripts=(long_path,), local="10.0.0.1:40000",
        remote="10.0.0.2:25", verdict="suspicious", reasons=(), method="tracepoint",
        blocked=False, incident_id=rec.id, source="tracepoint", details={"name": "php"},
    )  # fmt: skip
    action = ActionRecord(
        rec.id, "quarantine", "done", 1_700_000_001.0,
        f"moved {long_path} to quarantine as q-1 (sha256 0123456789abcdef{ELLIPSIS})", None,
    )  # fmt: skip
    store = Store(path)
    try:
        assert store.submit(ev, rec)
        store.submit_action(action)
        store.flush()
    finally:
        store.close()
    return long_path, excerpt[:40]


def test_incidents_and_incident_with_long_fields_are_ascii(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    long_path, excerpt = _store(db)
    rc, out = run_c("incidents", "--since", "all", "--db", db)
    assert rc == 1 and out.startswith("1 incident(s)\n+--"), out
    assert "(+3 more)" in out and "quarantine done" in out
    rc, out = run_c("incident", "inc-0123", "--db", db)
    assert rc == 0 and out.startswith("incident inc-0123456789ab: SUSPICIOUS\n"), out
    assert f"      line 7: {excerpt}" in out and "yyy...\n" in out, out
    assert "(sha256 0123456789abcdef...)" in out, out
    doc = json.loads(spamtrace("incident", "inc-0123", "--json", "--db", db).stdout)
    inc = doc["incident"]
    assert inc["suspect_files"][0]["excerpt"].endswith(ELLIPSIS)
    assert inc["actions"][0]["detail"].endswith(f"abcdef{ELLIPSIS})")
    assert inc["scripts"] == [long_path]
