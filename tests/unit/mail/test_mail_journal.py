"""Postfix's lines in the systemd journal (``postfix_logs = ["journal"]``): each entry of
``journalctl -o json`` made back into the syslog line the Postfix parser reads; bad entries
counted, never fatal; `mail` finds the journal when Postfix logs to it alone and reads it.

journalctl here is a stand-in printing recorded JSON (what journalctl 252 printed for the
entries of tests/integration/test_postfix_journal.py, which runs the real one on a real journal
file); it prints only the entries after ``--after-cursor``, as journalctl does."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from mailhost import postfix_through_syslog, run_mail_json

from spamtrace.cli.main import main
from spamtrace.service import mail
from spamtrace.sources.maillog import journal
from spamtrace.sources.maillog.event import MailAction, MalformedLine
from spamtrace.sources.maillog.postfix import parse_line
from spamtrace.sources.maillog.reader import LogCounts, LogSpec

T0 = 1796547600  # 2026-12-06T09:00:00Z
BOOT = "0123456789abcdef0123456789abcdef"


def entry(i: int, ident: str, message: Any, **more: Any) -> dict[str, Any]:
    """An entry as journalctl -o json --output-fields=... prints it."""
    out = {
        "__CURSOR": f"s=ef25;i={i};b={BOOT};m={i:x};t=661f3;x=7f87",
        "__REALTIME_TIMESTAMP": str((T0 + i) * 1_000_000),
        "__MONOTONIC_TIMESTAMP": str(1000 + i),
        "_BOOT_ID": BOOT,
        "SYSLOG_IDENTIFIER": ident,
        "SYSLOG_PID": str(800 + i),
        "_HOSTNAME": "web1",
        "MESSAGE": message,
    }
    out.update(more)
    return out


PICKUP = "3F2A1C0123: uid=1001 from=<shop>"
QUEUED = "3F2A1C0123: from=<shop@web1.example>, size=523, nrcpt=1 (queue active)"
SENT = (
    b"3F2A1C0123: to=<a\xff@x.example>, relay=mx[192.0.2.1]:25, delay=1, "
    b"delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 OK)"
)
LOGIN = (
    "4B1C2D0456: client=unknown[203.0.113.5], sasl_method=LOGIN, "
    "sasl_username=[bold]x[/]\x1b[31m@web1.example"
)
QUEUED2 = "4B1C2D0456: from=<x@web1.example>, size=900, nrcpt=2 (queue active)"
ENTRIES = [
    entry(1, "postfix/pickup", PICKUP),
    entry(2, "postfix/qmgr", QUEUED),
    entry(3, "dovecot", "imap-login: Login: user=<box@web1.example>"),
    entry(4, "postfix/smtp", list(SENT)),  # not UTF-8: journalctl's array of bytes
    entry(5, "postfix/submission/smtpd", LOGIN),
    entry(6, "postfix/qmgr", QUEUED2),
]


def test_an_entry_is_the_syslog_line_rsyslog_would_write() -> None:
    line = journal.entry_line(ENTRIES[0])
    assert line == (
        "2026-12-06T09:00:01.000000+00:00 web1 postfix/pickup[801]: 3F2A1C0123: uid=1001 "
        "from=<shop>"
    )
    ev = parse_line(line)  # type: ignore[arg-type]
    assert ev is not None and (ev.action, ev.uid, ev.wall) == (MailAction.SUBMITTED, 1001, T0 + 1)
    # the time the program sent it, when the journal has it; fractions of a second kept
    e = entry(1, "postfix/qmgr", "m", _SOURCE_REALTIME_TIMESTAMP=str(T0 * 1_000_000 + 250_000))
    assert journal.entry_line(e).startswith("2026-12-06T09:00:00.250000+00:00 ")  # type: ignore[union-attr]
    assert parse_line(journal.entry_line(ENTRIES[1]) or "").size == 523  # type: ignore[union-attr]


def test_other_programs_and_other_instances_are_not_postfix_s() -> None:
    assert journal.entry_line(ENTRIES[2]) is None
    assert journal.entry_line(entry(1, "postfixx", "m")) is None
    assert journal.entry_line(entry(1, "postfix-out/smtp", "m")) is None
    assert journal.entry_line(entry(1, "postfix-out/smtp", "m"), "postfix-out") is not None
    assert journal.journal_name("journal") == "postfix"
    assert journal.journal_name("journal:postfix-out") == "postfix-out"
    assert journal.journal_name("journal:") is None
    assert journal.journal_name("journal:a/b") is None
    assert journal.journal_name("/var/log/journal") is None


def test_bytes_that_are_not_utf8_are_kept() -> None:
    line = journal.entry_line(ENTRIES[3]) or ""
    assert "to=<a\udcff@x.example>" in line
    ev = parse_line(line)
    assert ev is not None and ev.recipients == ("a\udcff@x.example",)


@pytest.mark.parametrize(
    "bad",
    [
        {"MESSAGE": None},  # over 4 KiB without --all
        {"MESSAGE": 12},
        {"MESSAGE": [1, 2, 300]},
        {"MESSAGE": ["a", "b"]},  # a field given twice
        {"__REALTIME_TIMESTAMP": "soon"},
        {"__REALTIME_TIMESTAMP": "9" * 19},  # year 300,000
        {"SYSLOG_IDENTIFIER": "postfix/smtpd: x"},
        {"SYSLOG_IDENTIFIER": ["postfix/smtpd"]},
    ],
)
def test_an_entry_that_cannot_be_read_is_malformed(bad: dict[str, Any]) -> None:
    e = entry(1, "postfix/smtpd", "m")
    e.update(bad)
    if bad.get("__REALTIME_TIMESTAMP") is not None:
        del e["__REALTIME_TIMESTAMP"], e["__MONOTONIC_TIMESTAMP"]
        e["__REALTIME_TIMESTAMP"] = bad["__REALTIME_TIMESTAMP"]
    with pytest.raises(MalformedLine):
        journal.entry_line(e)


def test_a_host_name_with_spaces_does_not_move_the_tag() -> None:
    line = journal.entry_line(entry(1, "postfix/pickup", "ABCDE1: uid=5 from=<a>", _HOSTNAME="a b"))
    ev = parse_line(line or "")
    assert ev is not None and ev.uid == 5 and " a_b " in (line or "")


def test_json_lines_that_cannot_be_read_are_counted_and_the_cursor_kept() -> None:
    counts = LogCounts("journal", "postfix")
    conv = journal.JournalLines("postfix", counts, max_line=200)
    assert conv(b"not json") is None and conv(b"[1, 2]") is None
    assert counts.malformed == 2
    assert conv(json.dumps(ENTRIES[0]).encode()) is not None
    assert conv.cursor == ENTRIES[0]["__CURSOR"]
    assert conv(json.dumps(ENTRIES[2]).encode()) is None  # Dovecot's: no line, no count
    assert conv.cursor == ENTRIES[2]["__CURSOR"]
    assert (counts.lines, counts.malformed) == (1, 2)
    # a message longer than max_line is none of Postfix's: counted, never read as its cut head
    long = conv(json.dumps(entry(7, "postfix/smtpd", "x" * 500)).encode())
    assert long is None and conv.long_lines == 1 and counts.malformed == 2
    huge = b'{"MESSAGE": "' + b"x" * journal.MAX_JSON + b'"}'  # never parsed
    assert conv(huge) is None and conv.long_lines == 2 and counts.malformed == 3


def _journalctl(tmp_path: Path, entries: list[dict[str, Any]], *, fail: str = "") -> str:
    """A stand-in for journalctl: prints ``entries`` as JSON lines (those after
    ``--after-cursor``); with ``fail``, prints it on stderr and exits 1."""
    data = tmp_path / "entries.json"
    data.write_text("".join(json.dumps(e) + "\n" for e in entries))
    log = tmp_path / "argv.log"
    script = tmp_path / "journalctl"
    body = (
        f'echo "$*" >> {log}\n'
        + (f"echo {fail!r} >&2\nexit 1\n" if fail else "")
        + 'after=""\nfor a in "$@"; do case "$a" in --after-cursor=*) after="${a#*=}";; esac; '
        "done\n"
        f'if [ -n "$after" ]; then awk -v c="$after" \'f {{print}} index($0, c) {{f=1}}\' {data}; '
        f"else cat {data}; fi\n"
    )
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_the_reader_reads_back_through_journalctl(tmp_path: Path) -> None:
    cmd = _journalctl(tmp_path, ENTRIES)
    reader = journal.JournalReader(LogSpec("journal", "postfix"), T0, [cmd])
    events = list(reader.events())
    assert [ev.action for ev in events] == [
        MailAction.SUBMITTED, MailAction.ARRIVAL, MailAction.DELIVERY, MailAction.SUBMITTED,
        MailAction.ARRIVAL,
    ]  # fmt: skip
    assert events[3].auth == "[bold]x[/]\x1b[31m@web1.example"
    assert (reader.counts.lines, reader.counts.events, reader.counts.malformed) == (5, 5, 0)
    assert reader.cursor == ENTRIES[-1]["__CURSOR"]
    argv = (tmp_path / "argv.log").read_text()
    assert f"--since=@{T0}" in argv and "--output=json --all" in argv
    assert argv.rstrip().endswith("_TRANSPORT=syslog")


def test_a_journalctl_that_fails_is_said(tmp_path: Path) -> None:
    cmd = _journalctl(tmp_path, [], fail="No journal files were found.")
    reader = journal.JournalReader(LogSpec("journal", "postfix"), None, [cmd])
    assert list(reader.events()) == []
    assert reader.counts.error == "journal: journalctl: No journal files were found."
    reader = journal.JournalReader(LogSpec("journal", "postfix"), None, [str(tmp_path / "none")])
    assert list(reader.events()) == []
    assert "No such file or directory" in (reader.counts.error or "")


def test_a_host_without_journal_files_is_said_not_read_as_no_mail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """journalctl (systemd 252) with -o json and no journal files at all says nothing and
    exits 0, as for no entries (measured): `mail --postfix-log journal` on a host whose
    journald keeps no files said "No mail sent through the MTA". No entry read and no
    *.journal file in journald's stores is the log's error now; a journal named by
    --directory is journalctl's to find."""
    stores = (tmp_path / "var-log-journal", tmp_path / "run-log-journal")
    for store in stores:
        (store / "0123abcd").mkdir(parents=True)
    monkeypatch.setattr(journal, "JOURNAL_STORES", tuple(str(s) for s in stores))
    cmd = _journalctl(tmp_path, [])
    reader = journal.JournalReader(LogSpec("journal", "postfix"), None, [cmd])
    assert list(reader.events()) == []
    assert reader.counts.error == (
        f"journal: no journal files here ({stores[0]}, {stores[1]}): journald keeps none "
        "(not running, or Storage=none)"
    )
    reader = journal.JournalReader(LogSpec("journal", "postfix"), None, [cmd, "-D", "/srv/j"])
    assert list(reader.events()) == [] and reader.counts.error is None
    # the daemon's follower (journalctl -f waits for ever there, saying nothing): a start note
    from spamtrace.config import Config
    from spamtrace.service import plugins

    cfg = Config().override(
        origin="test", mail__postfix_logs=["journal"], mail__exim_logs=[],
        mail__php_logs=[str(tmp_path / "none.log")], mail__journalctl_command=[cmd],
        mail__restore_hours=0,
    )  # fmt: skip
    notes: list[str] = []
    for source in plugins.sources(cfg, notes):
        source.close()
    assert f"postfix mail log journal: {journal.no_journal_files()}" in notes, notes
    (stores[1] / "0123abcd" / "system.journal").touch()  # volatile: no entries in it, fine
    reader = journal.JournalReader(LogSpec("journal", "postfix"), None, [cmd])
    assert list(reader.events()) == [] and reader.counts.error is None


def test_the_follower_goes_on_after_its_cursor_when_journalctl_ends(tmp_path: Path) -> None:
    """The stand-in prints what it has and ends (as journalctl -f does when killed): the
    follower starts it again after the last cursor it read, so no entry comes twice; and it
    starts after the journal's last entry at its creation."""
    data = tmp_path / "entries.json"
    cmd = _journalctl(tmp_path, ENTRIES[:2])
    now = [0.0]
    f = journal.JournalFollower("journal", [cmd], clock=lambda: now[0])
    try:
        # --lines=1 gives the whole file here: its last line is the start
        assert f.start_cursor == ENTRIES[1]["__CURSOR"]
        data.write_text("".join(json.dumps(e) + "\n" for e in ENTRIES))
        got: list[str] = []
        for _ in range(50):
            now[0] += 0.5  # restarted at most once a second
            got += f.poll()
            if len(got) >= 3:
                break
            time.sleep(0.05)
        assert [parse_line(x).queue_id for x in got] == ["3F2A1C0123", "4B1C2D0456", "4B1C2D0456"]  # type: ignore[union-attr]
        assert f.cursor == ENTRIES[-1]["__CURSOR"] and f.restarts >= 1
        for _ in range(6):
            now[0] += 1.0
            time.sleep(0.05)
            assert f.poll() == []  # nothing twice
        argv = (tmp_path / "argv.log").read_text().splitlines()
        assert f"--after-cursor={ENTRIES[-1]['__CURSOR']}" in argv[-1] and "--follow" in argv[-1]
    finally:
        f.close()


@pytest.fixture
def journal_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Debian 12 without rsyslog: Postfix logs through syslog (postconf -x's defaults), no
    syslog daemon's configuration, journald's store there."""
    root = postfix_through_syslog(tmp_path, monkeypatch)
    (root / "var" / "log" / "journal").mkdir(parents=True)
    monkeypatch.setattr(mail, "JOURNALCTL_CANDIDATES", (_journalctl(tmp_path, ENTRIES),))
    return tmp_path


def test_mail_reads_the_journal_when_postfix_logs_to_it_alone(
    journal_alone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mail` said "the journal alone" and what to run, and exited 3 (no log); it reads the
    journal now and says so."""
    code, doc, err = run_mail_json(capsys)
    assert code == 0, err
    (log,) = doc["logs"]
    assert (log["path"], log["kind"], log["lines"], log["malformed"]) == (
        "journal", "postfix", 5, 0
    )  # fmt: skip
    assert doc["totals"]["messages"] == 2
    assert any(
        "to the journal only" in n and "its lines are read from the journal with journalctl" in n
        for n in doc["notes"]
    ), doc["notes"]
    code = main(["mail", "--no-queue", "--no-scan", "--since", "all"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "[bold]x[/]\\x1b[31m@web1.example" in out and "\x1b[31m" not in out


def test_postfix_log_journal_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPAMTRACE_MAIL_JOURNALCTL_COMMAND", f'["{_journalctl(tmp_path, ENTRIES)}"]')
    code, doc, err = run_mail_json(capsys, "--postfix-log", "journal")
    assert code == 0, err
    assert doc["totals"]["messages"] == 2


def test_journal_is_a_postfix_logs_value_and_journalctl_command_a_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spamtrace.config import load

    path = tmp_path / "c.toml"
    path.write_text('[mail]\npostfix_logs = ["journal"]\njournalctl_command = ["journalctl"]\n')
    with pytest.raises(Exception, match=r"journalctl_command.*not an absolute path"):
        load(str(path))
    path.write_text('[mail]\npostfix_logs = ["journal", "mail.log"]\n')
    with pytest.raises(Exception, match=r'mail\.log.*not an absolute path \(or "journal"\)'):
        load(str(path))
    path.write_text('[mail]\npostfix_logs = ["journal:postfix-out"]\n')
    assert load(str(path)).mail.postfix_logs == ["journal:postfix-out"]


def test_journalctls_output_is_split_and_decoded_as_line_by_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reader reads journalctl's output a chunk at a time and decodes a line with the
    JSON scanner straight away: the same lines (a long one cut to MAX_JSON + 1 bytes, the
    rest skipped; the last without its newline) and the same values or errors as
    readline() and json.loads()."""
    import io
    import json

    from spamtrace.sources.maillog import journal

    monkeypatch.setattr(journal, "MAX_JSON", 10)
    monkeypatch.setattr(journal, "CHUNK", 4)
    text = b'{"a":1}\n\n0123456789AB\n{"b":"\xc3\xa9"}\n0123456789A\n' + b"x" * 25 + b"\nlast"

    def reference(stream: io.BytesIO) -> list[bytes]:
        out = []
        while line := stream.readline(11):
            if line.endswith(b"\n"):
                out.append(line[:-1])
            elif len(line) <= 10:
                out.append(line)
            else:
                while (more := stream.readline(4)) and not more.endswith(b"\n"):
                    pass
                out.append(line)
        return out

    got = list(journal._lines_of(io.BytesIO(text)))
    assert got == reference(io.BytesIO(text))
    for cut in range(len(text)):  # every place a chunk may end, a last line too
        assert list(journal._lines_of(io.BytesIO(text[:cut]))) == reference(io.BytesIO(text[:cut]))
    odd = [b'{"a": [1, "\xff"]}', b'{"a":1} ', b' {"a":1}', b'{"a":1}{', b"{", b"[1]",
           b'\xef\xbb\xbf{"a":1}', b'{\x00"\x00', b'{"a":"\\ud800"}', b'{"a":NaN}']  # fmt: skip
    for raw in odd:
        try:
            want: object = json.loads(raw)
        except ValueError as exc:
            want = type(exc)
        try:
            have: object = journal._loads(raw)
        except ValueError as exc:
            have = type(exc)
        assert repr(have) == repr(want), raw
