"""The human views of `incidents`, `incident ID` and of `watch`: rich lays them out. On a
terminal wrapped lines keep their indent (80 and 100 columns); in a pipe every field is one whole
line and there is no box-drawing character; attacker-chosen text is escaped and never read as
markup."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parent))

from spamtrace.cli.main import main
from spamtrace.render.incidents import actions_cell, print_incident, print_incidents
from spamtrace.sinks.store import ActionRecord, EventRecord, EventType, IncidentRecord, Store

UPLOADS = "/home/shop/public_html/wp-content/uploads"
#: a file name an attacker chose: rich markup, a link, an emoji code and a control character
EVIL = f"{UPLOADS}/[bold]x[/] [link=http://evil.example]y[/link] :smile:\x1b[2J.php"
EVIL_SHOWN = f"{UPLOADS}/[bold]x[/] [link=http://evil.example]y[/link] :smile:\\x1b[2J.php"
ADVICE = (
    "stop the sender and look at the script before it sends again: run "
    "`spamtrace respond stop --incident inc-0123456789ab` then read the file it names"
)
SUSPECT = {
    "path": EVIL, "verdict": "malicious", "score": 22,
    "rules": ["mailer.raw-smtp-dialogue", "php.eval-decoded"], "line": 7,
    "excerpt": "fsockopen($h, 25);", "description": "raw SMTP", "layer": 0,
}  # fmt: skip
BOX = re.compile("[\u2500-\u257f]")  # the box-drawing block: ─ │ └ ├ ┌ ...


def incident(**over: Any) -> IncidentRecord:
    values: dict[str, Any] = dict(
        id="inc-0123456789ab", verdict="suspicious", uid=1001, user="shop", account="shop",
        account_kind="cpanel", home="/home/shop", exe="/usr/bin/php8.2", cwd=UPLOADS,
        scripts=(EVIL,), cmdline=("php", EVIL), connections=3, blocked=1,
        destinations=("10.0.0.2:25", "10.0.0.3:25"), pids=(4242,), first_seen=1_700_000_000.0,
        last_seen=1_700_000_060.0, rate_per_minute=3.0,
        reasons=(f"non-MTA process talks SMTP directly to 10.0.0.2:25 from {UPLOADS}",),
        methods={"tracepoint": 2, "nflog-uid-only": 1}, advice=(ADVICE,),
        process={"pid": 4242, "name": "php", "parents": [
            {"pid": 4200, "name": "php-fpm: pool shop", "uid": 1001, "exe": "/usr/sbin/php-fpm"},
            {"pid": 1, "name": "systemd", "uid": 0, "exe": "/usr/lib/systemd/systemd"},
        ]},
        suspect_files=(SUSPECT,),
    )  # fmt: skip
    values.update(over)
    return IncidentRecord(**values)


def event(wall: float, **over: Any) -> EventRecord:
    values: dict[str, Any] = dict(
        type=EventType.CONNECT_ATTEMPTED, wall=wall, pid=4242, start_time=1.0, uid=1001, gid=1001,
        user="shop", account="shop", exe="/usr/bin/php8.2", cwd=UPLOADS, cmdline=("php", EVIL),
        scripts=(EVIL,), local="10.0.0.1:40000", remote="10.0.0.2:25", verdict="suspicious",
        reasons=(), method="tracepoint", blocked=False, incident_id="inc-0123456789ab",
        source="tracepoint", details={"name": "php"},
    )  # fmt: skip
    values.update(over)
    return EventRecord(**values)


ACTION = ActionRecord(
    "inc-0123456789ab", "block-uid", "would", 1_700_000_001.0,
    "would block uid 1001 (shop) from SMTP ports", "spamtrace release uid 1001",
)  # fmt: skip
EVENTS = [
    event(1_700_000_000.0),
    event(1_700_000_030.0, blocked=True, type=EventType.CONNECT_BLOCKED, pid=None,
          method="nflog-uid-only"),
]  # fmt: skip


def shown(con: Console) -> str:
    print_incident(con, incident(), EVENTS, [ACTION])
    out = con.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def terminal(width: int) -> Console:
    """A terminal console with rich's defaults (markup and emoji on): the views give rich only
    Text, so attacker text stays text even there."""
    return Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)


def piped() -> Console:
    from spamtrace.render import output

    con = output.console()
    con.file = io.StringIO()
    return con


@pytest.mark.parametrize("width", [80, 100])
def test_incident_on_a_terminal_keeps_the_indent_of_wrapped_lines(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    out = shown(terminal(width))
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines), out
    # the advice wraps: every continuation starts under the text after "- "
    start = next(i for i, line in enumerate(lines) if line.startswith("    - stop the sender"))
    assert lines[start + 1].startswith("      ") and lines[start + 1][6] != " ", out
    # and not inside the code span (it fits on a line at both widths)
    assert any("`spamtrace respond stop --incident inc-0123456789ab`" in line for line in lines)
    # the reason is longer than the line: it wraps under the text column of the labels
    why = next(i for i, line in enumerate(lines) if line.startswith("  why:          non-MTA"))
    assert lines[why + 1].startswith(" " * 16) and lines[why + 1][16] != " "
    # a UTF-8 terminal may draw the tree and the tables with lines
    assert "└" in out and "4200 php-fpm: pool shop uid 1001" in out


def test_incident_in_a_pipe_is_plain_ascii_one_line_per_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    out = shown(piped())
    assert not BOX.search(out), out
    assert "`-- 4200 php-fpm: pool shop uid 1001 /usr/sbin/php-fpm" in out
    assert f"    - {ADVICE}\n" in out  # whole: grep finds it
    assert "  connections:  3 (1 blocked), 3.0/min, 2023-11-14T22:13:20.000Z .." in out
    assert "| 2023-11-14 22:13:50.000 |" in out and "-> 10.0.0.2:25 BLOCKED" in out
    assert "| block-uid" in out and "spamtrace release uid 1001" in out


def test_incident_in_a_pipe_has_no_trailing_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process tree of `incident ID` was padded to its widest line: `incident ID | cat -A`
    showed spaces after the sender's line (and `diff`, `grep 'php$'` tripped on them)."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    out = shown(piped())
    assert "    4242 php (the sender)\n" in out, out
    assert [line for line in out.splitlines() if line != line.rstrip()] == [], out


def test_a_mail_incident_of_a_user_without_a_uid_says_who() -> None:
    """A mail-script incident names the log's local user; when the host has no uid for it,
    `incident ID` said "who: uid None (shop)"."""
    con = piped()
    print_incident(con, incident(verdict="mail-script", uid=None, exe=None), EVENTS, [])
    out = con.file.getvalue()  # type: ignore[attr-defined]
    assert "  who:          user shop\n" in out, out
    assert "None" not in out, out


def test_incident_with_lang_c_on_a_terminal_is_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_CTYPE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C")
    con = terminal(100)
    out = shown(con)
    assert not BOX.search(out), out
    assert "`-- " in out


@pytest.mark.parametrize("make", [piped, lambda: terminal(80), lambda: terminal(100)])
def test_incident_attacker_text_is_escaped_not_markup(make: Any) -> None:
    out = shown(make())
    flat = re.sub(r"\s+", "", out)  # a terminal may fold the long name
    assert re.sub(r"\s+", "", f"script:{EVIL_SHOWN}") in flat
    assert re.sub(r"\s+", "", f"{EVIL_SHOWN}: malicious, score 22") in flat
    assert "\x1b" not in out  # the control character stayed text (and no colour: no ANSI)
    assert ":smile:" in out and "😄" not in out


def test_incident_command_in_a_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    store = Store(db)
    try:
        rec = incident()
        for e in EVENTS:
            assert store.submit(e, rec)
        store.submit_action(ACTION)
        store.flush()
    finally:
        store.close()
    assert main(["incident", "inc-0123", "--db", db]) == 0
    out = capsys.readouterr().out
    assert out.startswith("incident inc-0123456789ab: SUSPICIOUS\n")
    assert f"  script:       {EVIL_SHOWN}\n" in out
    assert "  suspect files (most suspicious first):\n" in out
    assert "      line 7: fsockopen($h, 25);\n" in out
    assert "  events (2):" in out and not BOX.search(out)


#: the keys an item of `incidents --json` had before `domain`: a contract, none may go
CONTRACT_KEYS = {
    "id", "verdict", "uid", "user", "account", "account_kind", "home", "exe", "cwd", "scripts",
    "cmdline", "connections", "blocked", "destinations", "pids", "first_seen", "last_seen",
    "first_seen_epoch", "last_seen_epoch", "rate_per_minute", "reasons", "attribution",
    "advice", "suspect_files", "suspect_links", "actions", "source", "auth_user", "mail",
}  # fmt: skip


def test_the_accounts_domain_is_in_the_json_and_the_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store keeps an incident's domain (schema 5: Plesk's subscription name), but
    `incidents --json` and `incident ID --json` did not give it. Now `domain` is there, null
    when none is known, beside every field they had; `incident ID` shows it on the account
    line."""
    import json

    db = str(tmp_path / "s.db")
    store = Store(db)
    try:
        plesk = incident(account="shopsys", account_kind="plesk",
                         home="/var/www/vhosts/shop.example", domain="shop.example")  # fmt: skip
        store.submit(event(1_700_000_000.0), plesk)
        plain = incident(id="inc-fedcba987654", account_kind="home")
        store.submit(event(1_700_000_001.0, incident_id=plain.id), plain)
        store.flush()
    finally:
        store.close()
    assert main(["incidents", "--since", "all", "--json", "--db", db]) == 1
    items = {i["id"]: i for i in json.loads(capsys.readouterr().out)["incidents"]}
    assert items["inc-0123456789ab"]["domain"] == "shop.example"
    assert items["inc-fedcba987654"]["domain"] is None
    added = {"domain", "files_not_scanned"}  # (the files its scan did not read: schema 6)
    for item in items.values():
        assert set(item) == CONTRACT_KEYS | added
    assert main(["incident", "inc-0123", "--json", "--db", db]) == 0
    doc = json.loads(capsys.readouterr().out)["incident"]
    assert doc["domain"] == "shop.example" and set(doc) == CONTRACT_KEYS | added | {"process"}
    assert main(["incident", "inc-fedc", "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["incident"]["domain"] is None
    assert main(["incident", "inc-0123", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "  account:      shopsys [plesk]  home /var/www/vhosts/shop.example  domain " \
           "shop.example\n" in out, out  # fmt: skip
    assert main(["incident", "inc-fedc", "--db", db]) == 0
    assert "domain" not in capsys.readouterr().out


def test_a_byte_that_is_not_utf8_reads_back_as_watch_showed_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder named with bytes that are not UTF-8 shows as ``\\xff`` in `incident ID` and
    `incidents`, as `watch` and the daemon's journal showed it, not ``\\\\xff`` (the store
    keeps the byte as ``\\xff`` text, which was escaped a second time); JSON is unchanged."""
    import json

    odd = f"{UPLOADS}/bad\udcff\udcfe dir"
    script = f"{odd}/m\udce9l.php"
    shown_dir = f"{UPLOADS}/bad\\xff\\xfe dir"
    db = str(tmp_path / "s.db")
    store = Store(db)
    try:
        rec = incident(
            cwd=odd,
            scripts=(script,),
            cmdline=("php", script),
            reasons=(f"script: {script}",),
            suspect_files=({**SUSPECT, "path": script},),
        )
        store.submit(event(1_700_000_000.0, cwd=odd, scripts=(script,)), rec)
        store.flush()
    finally:
        store.close()
    assert main(["incident", "inc-0123", "--db", db]) == 0
    out = capsys.readouterr().out
    assert f"  folder (cwd): {shown_dir}\n" in out
    assert f"  script:       {shown_dir}/m\\xe9l.php\n" in out
    assert f"  cmdline:      php {shown_dir}/m\\xe9l.php\n" in out
    assert f"  why:          script: {shown_dir}/m\\xe9l.php\n" in out
    assert f"    {shown_dir}/m\\xe9l.php: malicious" in out
    assert "\\\\x" not in out
    assert main(["incidents", "--since", "all", "--db", db]) == 1
    assert f"{shown_dir}/m\\xe9l.php" in capsys.readouterr().out
    assert main(["incident", "inc-0123", "--json", "--db", db]) == 0
    doc = json.loads(capsys.readouterr().out)["incident"]
    assert doc["cwd"] == shown_dir and doc["scripts"] == [f"{shown_dir}/m\\xe9l.php"]


#: what the mail-log source stores for a stolen mailbox's incident (sinks.records.mail_records)
MAIL_AUTH = dict(
    id="inc-357f07f1d812", verdict="mail-auth", uid=None, user=None, account=None,
    account_kind=None, home=None, exe=None, cwd=None, scripts=(), cmdline=(), connections=12,
    blocked=0, destinations=("victim0@gmail.example",), pids=(), methods={"mail-log": 12},
    reasons=("logged in from 5 networks (/16) in an hour",), advice=(), suspect_files=None,
    process={"source": "mail-log", "kind": "auth", "auth_user": "info@shop.example",
             "client_ips": ["203.0.113.5", "198.51.100.17"], "recipients": 12,
             "distinct_recipients": 12, "mta": "exim", "queue_ids": ["1xZB00-0000b0-00"]},
)  # fmt: skip


def test_both_kinds_of_incident_read_the_same_in_json() -> None:
    """`incidents --json` items have the same fields whatever made them: `source` says what
    `connections` counts, `auth_user` names a stolen mailbox (which has no uid or user) and
    `mail` holds a mail sender's facts; all three are there (null) for a connect incident."""
    from spamtrace.render.incidents import incident_json

    connect = incident_json(incident())
    mail = incident_json(incident(**MAIL_AUTH))
    assert set(connect) == set(mail)
    assert (connect["source"], connect["auth_user"], connect["mail"]) == ("connect", None, None)
    assert mail["source"] == "mail-log" and mail["auth_user"] == "info@shop.example"
    assert mail["mail"] == {
        "kind": "auth", "auth_user": "info@shop.example",
        "client_ips": ["203.0.113.5", "198.51.100.17"], "recipients": 12,
        "distinct_recipients": 12, "mta": "exim", "local_clients": None,
    }  # fmt: skip


def test_a_stolen_mailbox_and_an_unknown_sender_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`incidents` showed "None" as the user of a mail-auth incident and of an `unknown` one,
    and `incident ID` "who: uid unknown", "exe: (unknown)" for a mailbox."""
    unknown = incident(
        id="inc-3fb6cab89e67",
        verdict="unknown",
        uid=None,
        user=None,
        account=None,
        exe=None,
        cwd=None,
        scripts=(),
        cmdline=(),
        process={},
    )
    con = piped()
    print_incidents(con, [incident(**MAIL_AUTH), unknown], {})
    rows = str(con.file.getvalue()).splitlines()  # type: ignore[attr-defined]
    mail_row = next(x for x in rows if "inc-357f07f1d812" in x)
    unknown_row = next(x for x in rows if "inc-3fb6cab89e67" in x)
    assert "| info@shop.example |" in mail_row and "None" not in mail_row, mail_row
    assert "| unknown " in unknown_row and "None" not in unknown_row, unknown_row
    con = piped()
    print_incident(con, incident(**MAIL_AUTH), [], [])
    out = str(con.file.getvalue())  # type: ignore[attr-defined]
    assert "  who:          mailbox info@shop.example\n" in out, out
    assert "  from:         203.0.113.5, 198.51.100.17\n" in out
    assert "exe:" not in out and "folder (cwd):" not in out and "uid unknown" not in out


# ============================================================================ incidents
def listed(con: Console) -> str:
    mail = incident(
        id="inc-bbbbbbbbbbbb", verdict="mail-script",
        destinations=tuple(f"[red]u{i}@example.com" for i in range(5)),
    )  # fmt: skip
    print_incidents(con, [incident(), mail], {"inc-0123456789ab": [ACTION]})
    return str(con.file.getvalue())  # type: ignore[attr-defined]


def test_incidents_in_a_pipe_is_one_ascii_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    out = listed(piped())
    assert out.startswith("2 incident(s)\n+---") and not BOX.search(out), out
    rows = [line for line in out.splitlines() if line.startswith("| inc-")]
    assert (
        rows[0].startswith("| inc-0123456789ab | suspicious  | shop ")
        and "block-uid would" in rows[0]
    )
    assert "| 2023-11-14 22:14:20 |" in rows[0]
    # three recipients, then how many more; the mail row has no actions
    assert "[red]u2@example.com (+2 more)" in out and "[red]u3" not in out
    assert "| -  " in rows[1]


@pytest.mark.parametrize("make", [piped, lambda: terminal(400)])  # wide: no fold
def test_incidents_attacker_text_is_escaped_not_markup(make: Any) -> None:
    out = listed(make())
    # the long name may be folded inside its cell, but each piece is there as it was written
    assert "uploads/[bold]x[/]" in out and "y[/link] :smile:\\x1b[2J.php" in out
    assert "\x1b" not in out and "😄" not in out and "[red]u0@example.com" in out


def test_incidents_with_lang_c_on_a_terminal_is_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_CTYPE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C")
    out = listed(terminal(120))  # too narrow for the table: a block per incident
    assert out.isascii() and "  inc-0123456789ab  suspicious  last seen" in out, out
    assert re.search(r"last seen \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", out), out
    out = listed(terminal(240))
    assert not BOX.search(out) and "+---" in out, out


def test_actions_cell_keeps_the_latest_status_of_each_kind() -> None:
    done = ActionRecord("inc-0123456789ab", "block-uid", "done", 1_700_000_002.0, "blocked", None)
    undone = ActionRecord(
        "inc-0123456789ab", "quarantine", "done", 1_700_000_003.0, "moved", None, undone_at=2e9
    )
    assert actions_cell([ACTION, done, undone]) == "block-uid done, quarantine done (undone)"
    assert actions_cell([]) == "-"


def test_actions_cell_counts_the_targets_of_a_kind_whose_statuses_differ() -> None:
    """Tour: a spam script quarantined, and a root-owned copy in the sender's cwd refused:
    `incidents` said "quarantine failed" (the kind's latest record), as if the script were
    still in place; the other order said "done" and hid the refusal."""
    def quarantine(path: str, status: str, at: float) -> ActionRecord:
        return ActionRecord("inc-0123456789ab", "quarantine", status, at, "x", None, 1001, path)

    moved = quarantine("/home/shop/public_html/m.php", "done", 1_700_000_003.0)
    refused = quarantine("/tmp/lab/m.php", "failed", 1_700_000_004.0)
    assert actions_cell([moved, refused]) == "quarantine 1 done/1 failed"
    assert actions_cell([refused, moved]) == "quarantine 1 failed/1 done"
    # the same target again keeps its latest status: one kind, one status
    block = ActionRecord("inc-0123456789ab", "block-uid", "would", 1.0, "x", None, 1001, "1001")
    again = dataclasses.replace(block, status="done", at=2.0)
    assert actions_cell([block, again, moved]) == "block-uid done, quarantine done"


def test_incidents_command_in_a_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    store = Store(db)
    try:
        for e in EVENTS:
            assert store.submit(e, incident())
        store.flush()
    finally:
        store.close()
    assert main(["incidents", "--since", "all", "--db", db]) == 1  # a suspicious one: exit 1
    out = capsys.readouterr().out
    assert out.startswith("1 incident(s)\n") and "| inc-0123456789ab | suspicious " in out
    assert not BOX.search(out)
    assert main(["incidents", "--since", "2030-01-01", "--db", db]) == 0
    assert capsys.readouterr().out == "no incidents since 2030-01-01T00:00:00.000Z\n"


def test_a_list_cut_at_limit_says_how_many_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`incidents` of a store with more incidents than --limit (default 1000) said only
    `1000 incident(s)`, and `--json` `count` 1000: the rest were never mentioned."""
    import json

    db = str(tmp_path / "s.db")
    store = Store(db)
    try:
        for n in range(3):
            rec = incident(id=f"inc-00000000000{n}", last_seen=1_700_000_060.0 + n)
            assert store.submit(event(1_700_000_000.0, incident_id=rec.id), rec)
        store.flush()
    finally:
        store.close()
    assert main(["incidents", "--since", "all", "--limit", "2", "--db", db]) == 1
    out = capsys.readouterr().out
    assert out.startswith("2 of 3 incident(s), the newest (--limit 3 lists them all)\n")
    assert "inc-000000000002" in out and "inc-000000000000" not in out
    assert main(["incidents", "--since", "all", "--limit", "2", "--json", "--db", db]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert (doc["count"], doc["total"], len(doc["incidents"])) == (2, 3, 2)
    assert main(["incidents", "--since", "all", "--limit", "3", "--db", db]) == 1
    assert capsys.readouterr().out.startswith("3 incident(s)\n")


# ============================================================================ watch
def watched(out: Console | None) -> str:
    """What the watch view prints for two attempts, an opened incident, an action and a late
    scan (``out``: its console; None: the view's own, on pytest's captured stdout)."""
    from watchfake import attempt

    from spamtrace.render.watch import WatchView
    from spamtrace.service.bus import (
        ActionRecorded,
        AttemptRecorded,
        IncidentOpened,
        ScanCompleted,
    )

    view = WatchView(False)
    view._out = out
    inc = incident()
    view.handle(AttemptRecorded(attempt(1.0), event(1_700_000_000.0), inc, True))
    quiet = event(1_700_000_001.0, blocked=True, scripts=(), cwd="/home/shop")
    view.handle(AttemptRecorded(attempt(1.0), quiet, inc, False))
    view.handle(IncidentOpened(inc, True, {"notes": []}))
    view.handle(ActionRecorded(inc.id, ACTION))
    view.handle(ScanCompleted(inc.id, (UPLOADS,), (SUSPECT,), (), 1.0, False, True))
    return "" if out is None else str(out.file.getvalue())  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [80, 100])
def test_watch_on_a_terminal_wraps_under_the_columns(width: int) -> None:
    out = watched(terminal(width))
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines), out
    # an attempt: its details wrap under the column after the verdict (27)
    first = lines.index(next(x for x in lines if x.startswith("22:13:20.000  SUSPICIOUS   php[")))
    assert lines[first + 1].startswith(" " * 27) and lines[first + 1][27] != " ", out
    # the incident block: a reason wraps under the label column, advice under its text
    why = next(i for i, x in enumerate(lines) if x.startswith("   why:     non-MTA process"))
    assert lines[why + 1].startswith(" " * 12) and lines[why + 1][12] != " ", out
    tip = next(i for i, x in enumerate(lines) if x.startswith("     - stop the sender"))
    assert lines[tip + 1].startswith(" " * 7) and lines[tip + 1][7] != " ", out
    assert any("`spamtrace respond stop --incident inc-0123456789ab`" in x for x in lines)
    assert not BOX.search(out) and "\x1b" not in out


def test_watch_in_a_pipe_prints_whole_lines(capsys: pytest.CaptureFixture[str]) -> None:
    watched(None)
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == [
        f"22:13:20.000  SUSPICIOUS   php[4242]  uid=1001(shop)  -> 10.0.0.2:25  "
        f"script={EVIL_SHOWN}  [tracepoint]  inc-0123456789ab #3",
        "22:13:21.000  SUSPICIOUS   php[4242]  uid=1001(shop)  -> 10.0.0.2:25  BLOCKED  "
        "cwd=/home/shop  [tracepoint]  inc-0123456789ab #3",
    ]
    assert f"   why:     non-MTA process talks SMTP directly to 10.0.0.2:25 from {UPLOADS}\n" in out
    assert f"     - {ADVICE}\n" in out
    assert "!! 22:13:21.000  block-uid WOULD: would block uid 1001 (shop)" in out
    assert f"   what to do: this is the file: {EVIL_SHOWN} (malicious" in out
    assert not BOX.search(out) and "\x1b" not in out


@pytest.mark.parametrize("make", [lambda: None, lambda: terminal(80), lambda: terminal(100)])
def test_watch_attacker_text_is_escaped_not_markup(
    make: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    out = watched(make()) or capsys.readouterr().out
    flat = re.sub(r"\s+", "", out)
    assert out.count("[link=http://evil.example]") >= 1 and "\x1b" not in out
    assert re.sub(r"\s+", "", f"script:  {EVIL_SHOWN}") in flat
    assert re.sub(r"\s+", "", f"script={EVIL_SHOWN}") in flat
    assert ":smile:" in out and "😄" not in out


def test_watch_in_colour_sends_no_control_sequence_of_the_attacker() -> None:
    con = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="truecolor")
    out = watched(con)
    assert "\x1b[" in out  # the verdicts are coloured
    assert "\x1b[2J" not in out and "\\x1b[2J" in out  # the file name's one is text
    plain_text = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert plain_text.startswith("22:13:20.000  SUSPICIOUS   php[4242]")


@pytest.mark.parametrize("as_json", [False, True], ids=["human", "json"])
def test_watch_stops_when_its_reader_goes_away(
    as_json: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`spamtrace watch | head -5`: once head had its lines, each later line failed with
    EPIPE, the engine counted the view's error and carried on, watching for nobody until
    killed. The view stops the watch once (as `tail -f | grep` ends), says no more, and
    `watch` then exits 141 (cli.watch), never 0 "nothing opened"."""
    import os

    from watchfake import attempt

    from spamtrace.render.watch import WatchView
    from spamtrace.service.bus import AttemptRecorded

    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: the first write fails with EPIPE
    closed = open(write_end, "w")  # noqa: SIM115 (closed at the end)
    monkeypatch.setattr(sys, "stdout", closed)
    view = WatchView(as_json)
    stops: list[bool] = []
    view.on_output_closed = lambda: stops.append(True)
    inc = incident()
    for n in range(3):
        view.handle(AttemptRecorded(attempt(1.0), event(1_700_000_000.0 + n), inc, n == 0))
    assert view.output_closed and stops == [True]
    view.summary({"events": 3, "incidents_opened": 1, "alerting_incidents": 1,
                  "attribution": {}})  # fmt: skip  (json: not tried again; human: stderr)
    with contextlib.suppress(BrokenPipeError):
        closed.close()


def test_watch_opening_tells_what_the_responses_did_before_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In enforce mode the first connect is blocked and its sender stopped at once, and the
    opening waits for the scan: watch printed 'stop-process DONE: SIGSTOP sent to pid 4242',
    then the opening's 'stop it after noting the evidence: kill 4242' (a stopped process acts
    on no SIGTERM), where `incident ID` and the alert said to look at it, then kill -KILL."""
    import json

    from spamtrace.render.watch import WatchView
    from spamtrace.service.bus import ActionRecorded, IncidentOpened

    inc = incident(advice=("stop it after noting the evidence: kill 4242",))
    stop = ActionRecord(
        inc.id, "stop-process", "done", 1_700_000_000.5, "SIGSTOP sent to pid 4242",
        "spamtrace release 1001", uid=1001, target="4242:123.0",
        data={"signal": "stop", "signalled": [[4242, 123.0]]},
    )  # fmt: skip
    human = WatchView(False)
    human.handle(ActionRecorded(inc.id, stop))
    human.handle(IncidentOpened(inc, True, {"notes": []}))
    out = capsys.readouterr().out
    assert "kill -KILL 4242" in out and ": kill 4242" not in out, out
    as_json = WatchView(True)
    as_json.handle(ActionRecorded(inc.id, stop))
    as_json.handle(IncidentOpened(inc, True, {"notes": []}))
    opened = [json.loads(x) for x in capsys.readouterr().out.splitlines()][-1]
    assert opened["type"] == "incident-opened"
    assert [a["action"] for a in opened["incident"]["actions"]] == ["stop-process"]
    assert not any(a.endswith(": kill 4242") for a in opened["incident"]["advice"])


def test_watch_refuses_a_store_path_with_no_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`watch --no-store --db PATH` watched and wrote nothing to PATH, as asked by one flag
    and not by the other: the incidents the admin meant to keep there were lost."""
    from spamtrace.cli.main import main

    db = tmp_path / "w.db"
    assert main(["watch", "--no-store", "--db", str(db), "--duration", "1s"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--db" in err and "--no-store" in err, err
    assert not db.exists()


def test_an_incident_with_more_events_than_read_says_how_many(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`incident ID` reads an incident's first 10,000 events: one of 10,050 said "events
    (10000)", "... 9950 more (--json for all)", and --json listed 10,000 with no word of the
    50 newest left out."""
    import json

    from spamtrace.cli import watch as watch_cli

    monkeypatch.setattr(watch_cli, "INCIDENT_EVENTS", 3, raising=False)
    monkeypatch.setattr("spamtrace.render.incidents.SHOWN_EVENTS", 2)
    db = str(tmp_path / "s.db")
    store = Store(db)
    try:
        for n in range(5):
            assert store.submit(event(1_700_000_000.0 + n, pid=100 + n), incident())
        store.flush()
    finally:
        store.close()
    assert main(["incident", "inc-0123", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "  events (5):\n" in out and "  ... 3 more (--json lists the first 3)\n" in out
    assert main(["incident", "inc-0123", "--json", "--db", db]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (len(doc["events"]), doc["events_total"]) == (3, 5)
    monkeypatch.setattr(watch_cli, "INCIDENT_EVENTS", 10)
    assert main(["incident", "inc-0123", "--db", db]) == 0
    assert "  ... 3 more (--json lists all)\n" in capsys.readouterr().out


def test_a_mail_incident_says_how_many_recipients_its_sample_leaves_out() -> None:
    """A mail incident stores 20 of its recipients as a sample: `incidents` said "(+17
    more)" of a stolen mailbox that wrote to 40 addresses, and `incident ID` listed the 20
    as if they were all."""
    sample = tuple(f"victim{i}@dest.example" for i in range(20))
    rec = incident(**{
        **MAIL_AUTH, "connections": 40, "destinations": sample,
        "process": {**MAIL_AUTH["process"], "recipients": 40, "distinct_recipients": 40},
    })  # fmt: skip
    con = piped()
    print_incidents(con, [rec], {})
    out = str(con.file.getvalue())  # type: ignore[attr-defined]
    assert "victim2@dest.example (+37 more)" in out, out
    con = piped()
    print_incident(con, rec, [], [])
    out = str(con.file.getvalue())  # type: ignore[attr-defined]
    assert "victim19@dest.example (+20 more: 40 distinct)\n" in out, out
    # a connect incident's destinations are all of them, as before
    con = piped()
    print_incidents(con, [incident(destinations=("10.0.0.1:25",) * 5)], {})
    assert "(+2 more)" in str(con.file.getvalue())  # type: ignore[attr-defined]
