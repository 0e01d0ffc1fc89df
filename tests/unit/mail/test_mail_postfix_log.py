"""Where Postfix's log is, as this server has it: its own file (``maillog_file``), the file
the syslog daemon writes its lines to (a drop-in of rsyslog's by its program name, syslog-ng),
or the journal alone; `mail` reads the file and says where it read from and why, or says
that there is no file and what to set. `postconf -x` is a stand-in printing what Postfix 3.7
printed (tests/unit/audit/fixtures/postconf_x_*.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailhost import FIXTURES, postfix_through_syslog, run_mail_json, stand_in

from spamtrace.config import Config
from spamtrace.service import mail

LINES = (
    "Dec  5 17:18:32 web1 postfix/pickup[812]: 3F2A1C0123: uid=1001 from=<shop>\n"
    "Dec  5 17:18:32 web1 postfix/qmgr[700]: 3F2A1C0123: from=<shop@web1.example>, size=523, "
    "nrcpt=1 (queue active)\n"
)
PHP = (
    "[05-Dec-2026 17:18:32 UTC] mail() on [/home/shop/x.php:3]: To: a@b.example -- "
    "Headers:  -- Subject: s\n"
)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A host tree for the syslog daemon's configuration; Postfix installed, logging through
    syslog (its defaults: maillog_file unset)."""
    tree = postfix_through_syslog(tmp_path, monkeypatch)
    (tree / "etc" / "rsyslog.d").mkdir(parents=True)
    return tree


def test_a_drop_in_by_postfix_s_program_name_is_where_its_log_is(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Debian's rsyslog.conf and a drop-in giving Postfix a file of its own, stopping its lines
    there: that file is Postfix's log, not the defaults (which were read, or none found)."""
    own = tmp_path / "postfix.log"
    own.write_text(LINES)
    debian = (FIXTURES / "rsyslog.conf").read_text().replace("/var/log/", f"{tmp_path}/var/")
    (root / "etc" / "rsyslog.conf").write_text(debian)
    (root / "etc" / "rsyslog.d" / "10-postfix.conf").write_text(
        f':programname, isequal, "postfix" -{own}\n& stop\n'
    )
    code, doc, _ = run_mail_json(capsys)
    assert code == 0
    (log,) = doc["logs"]  # type: ignore[misc]
    assert (log["path"], log["kind"], log["malformed"]) == (str(own), "postfix", 0)
    assert doc["totals"]["messages"] == 1  # type: ignore[index]
    assert (
        "Postfix logs through syslog (facility mail, postfix/*): "
        f"/etc/rsyslog.d/10-postfix.conf:1 writes its lines to {own}: {own} is read as "
        "Postfix's log (set [mail] postfix_logs to name it yourself)"
    ) in doc["notes"]  # type: ignore[operator]


def test_maillog_file(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "var" / "postfix.log"
    output = (FIXTURES / "postconf_x_maillog_file.txt").read_text()
    monkeypatch.setattr(
        mail, "POSTCONF_CANDIDATES",
        (stand_in(tmp_path / "postconf", output.replace("/var/log/postfix.log", str(own))),),
    )  # fmt: skip
    (root / "etc" / "rsyslog.conf").write_text(f"mail.* -{tmp_path}/default/mail.log\n")
    # not written yet: said as such, with why, and the exit 3 line says it
    code, _, err = run_mail_json(capsys)
    assert code == 3
    assert f"Postfix's log {own} is not written yet: it is read once Postfix writes it" in err
    assert f"(Postfix writes its own log file (maillog_file = {own}))" in err
    own.parent.mkdir()
    own.write_text(LINES)
    code, doc, _ = run_mail_json(capsys)
    assert code == 0
    (log,) = doc["logs"]  # type: ignore[misc]
    assert (log["path"], log["kind"]) == (str(own), "postfix")
    assert any(f"maillog_file = {own})" in n for n in doc["notes"])  # type: ignore[attr-defined]


def test_the_journal_alone_is_said_with_what_to_set(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Debian 12 without rsyslog: Postfix's lines are only in the journal. `mail` said "no
    mail log found" with nothing about Postfix; it says where the lines are and what to set."""
    (root / "var" / "log" / "journal").mkdir(parents=True)
    code, _, err = run_mail_json(capsys)
    assert code == 3
    assert "Postfix logs through syslog (facility mail, postfix/*) to the journal only" in err
    assert "journalctl -t postfix/smtpd" in err and "maillog_file" in err
    php = tmp_path / "php-mail.log"
    php.write_text(PHP)
    monkeypatch.setenv("SPAMTRACE_MAIL_PHP_LOGS", f'["{php}"]')
    code, doc, _ = run_mail_json(capsys)
    assert code == 0
    assert any("to the journal only" in n for n in doc["notes"])  # type: ignore[attr-defined]


def test_a_configured_postfix_logs_is_not_second_guessed(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine.log"
    mine.write_text(LINES)
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", f'["{mine}"]')
    monkeypatch.setattr(Config, "is_set", lambda self, key: key == "mail.postfix_logs")
    (root / "var" / "log" / "journal").mkdir(parents=True)
    code, doc, _ = run_mail_json(capsys)
    assert code == 0 and [log["path"] for log in doc["logs"]] == [str(mine)]  # type: ignore[attr-defined]
    assert not any("Postfix" in n for n in doc["notes"])  # type: ignore[attr-defined]


def test_the_daemon_s_start_says_where_postfix_logs(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daemon (and `watch`) follow the file found, and their start notes say why; the
    journal alone is said there too, rather than following nothing in silence."""
    from spamtrace.config import load
    from spamtrace.service import plugins

    own = tmp_path / "maillog"
    own.write_text(LINES)
    (root / "etc" / "rsyslog.conf").write_text(
        f'mail.* action(type="omfile" file="{own}")\n'
    )
    notes: list[str] = []
    found = plugins.sources(load(), notes)
    try:
        specs = [(spec.path, spec.kind) for s in found for spec in s.specs]
        assert specs == [(str(own), "postfix")]
        assert any(f"writes its lines to {own}" in n for n in notes), notes
    finally:
        for s in found:
            s.close()
    (root / "etc" / "rsyslog.conf").unlink()
    (root / "var" / "log" / "journal").mkdir(parents=True)
    notes = []
    for s in plugins.sources(load(), notes):
        s.close()
    assert any("to the journal only" in n for n in notes), notes


@pytest.mark.parametrize("what", ["stdout", "stderr", "link", "fifo"])
def test_maillog_file_that_is_no_regular_file_says_where_to_read_it(
    what: str, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Postfix in a container or under `postfix start-fg` logs to its standard output
    (``maillog_file = /dev/stdout``, or a file that is a link to it, a FIFO): no file to
    read. `mail` said nothing of Postfix for a link or a FIFO ("no mail log found"), and for
    /dev/stdout only the settings of a file; it says now what it is and how to read it."""
    import os

    monkeypatch.setattr(mail, "EXIM_CANDIDATES", ())
    target = {"stdout": "/dev/stdout", "stderr": "/dev/stderr"}.get(what, "")
    if what == "link":
        target = str(tmp_path / "postfix.log")
        os.symlink("/dev/stdout", target)
    elif what == "fifo":
        target = str(tmp_path / "postfix.fifo")
        os.mkfifo(target)
    output = f"maillog_file = {target}\nsyslog_facility = mail\nsyslog_name = postfix\n"
    monkeypatch.setattr(mail, "POSTCONF_CANDIDATES", (stand_in(tmp_path / "postconf", output),))
    code, doc, err = run_mail_json(capsys)
    assert code == 3 and not doc.get("logs")
    err += str(doc.get("error") or "")
    said = {
        "stdout": "Postfix logs to its standard output (maillog_file = /dev/stdout), not to a file",
        "stderr": "Postfix logs to its standard output (maillog_file = /dev/stderr), not to a file",
        "link": f"Postfix logs to {target}, a link to /dev/stdout (",
        "fifo": f"Postfix logs to {target}, a FIFO, not to a regular file (maillog_file)",
    }[what]
    assert said in err
    assert "`docker logs CONTAINER > postfix.log 2>&1`" in err
    assert "`journalctl -u postfix -o cat > postfix.log` (a `postfix start-fg` service)" in err
    assert "set `postconf -e maillog_file=/var/log/postfix.log` (a regular file" in err
    # the daemon's start line says it too (service.plugins.sources keeps "Postfix logs" notes)
    _, notes = mail.with_postfix_logs(Config())
    assert any(n.startswith("Postfix logs") and "docker logs" in n for n in notes)
