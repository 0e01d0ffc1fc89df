"""Where Postfix's log is: its own file (``maillog_file``), the file the syslog daemon writes
its lines to (rsyslog, syslog-ng; every service it logs as), or the journal alone. The
``postconf -x`` output is recorded from Postfix 3.7 (Debian 12)."""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path

import pytest

from spamtrace.audit import postfixlog
from spamtrace.audit.environment import CommandResult, CommandRunner
from spamtrace.audit.files import RootFiles
from spamtrace.audit.postfixhost import postfix_logging
from spamtrace.audit.rsyslog import facility_files

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MAIN = "/etc/rsyslog.conf"


def recorded(name: str) -> str:
    return (FIXTURES / f"postconf_x_{name}.txt").read_text()


def values(name: str) -> dict[str, str]:
    return postfixlog.settings(recorded(name))


def test_settings_of_postconf() -> None:
    assert values("syslog") == {
        "maillog_file": "", "syslog_facility": "mail", "syslog_name": "postfix",
    }  # fmt: skip
    assert values("instance")["syslog_name"] == "postfix-out"
    # a warning of an unknown name (Postfix before 3.4 has no maillog_file) is no setting
    assert postfixlog.settings("postconf: warning: maillog_file: unknown parameter\n") == {}
    # syslog_name unexpanded (main.cf read by hand): Postfix's default
    assert postfixlog.syslog_name("${multi_instance_name?{$multi_instance_name}:{postfix}}") == (
        "postfix"
    )
    assert postfixlog.programs("postfix") == [
        "postfix/pickup", "postfix/smtpd", "postfix/qmgr", "postfix/smtp",
    ]  # fmt: skip


def test_maillog_file_is_postfix_s_own_file() -> None:
    log = postfixlog.postfix_log(values("maillog_file"), [("/var/log/mail.log", "x:1")],
                                 journal=True)  # fmt: skip
    assert (log.how, log.file) == (postfixlog.FILE, "/var/log/postfix.log")
    assert log.why == "Postfix writes its own log file (maillog_file = /var/log/postfix.log)"


def test_stdout_is_no_file() -> None:
    log = postfixlog.postfix_log(values("stdout"), [], journal=True)
    assert (log.how, log.file) == (postfixlog.STDOUT, None)
    assert "standard output (maillog_file = /dev/stdout)" in log.why


def test_a_stream_is_no_file_either() -> None:
    """maillog_file another name of standard output or error, or (said by the adapter) a
    path that is no regular file: no file to read, and what to do says so."""
    for path in ("/dev/stderr", "/proc/self/fd/1", "/proc/1/fd/2", "/dev/fd/1"):
        log = postfixlog.postfix_log({"maillog_file": path}, [], journal=True)
        assert (log.how, log.file) == (postfixlog.STDOUT, None), path
        assert "docker logs" in postfixlog.fix_of(log)
    fifo = {"maillog_file": "/var/log/postfix.log"}
    log = postfixlog.postfix_log(fifo, [], journal=True, stream="a FIFO")
    assert (log.how, log.file) == (postfixlog.STDOUT, None)
    assert log.why == "Postfix logs to /var/log/postfix.log, a FIFO, not to a regular file " \
        "(maillog_file)"
    plain = postfixlog.postfix_log(fifo, [], journal=True)
    assert (plain.how, plain.file) == (postfixlog.FILE, "/var/log/postfix.log")
    assert postfixlog.fix_of(plain) == postfixlog.FIX


def test_syslog_the_first_file_that_gets_every_service() -> None:
    found = [("/var/log/postfix.log", "/etc/rsyslog.d/postfix.conf:1"),
             ("/var/log/mail.log", "/etc/rsyslog.conf:63")]  # fmt: skip
    log = postfixlog.postfix_log(values("syslog"), found, journal=True)
    assert (log.how, log.file) == (postfixlog.SYSLOG, "/var/log/postfix.log")
    assert log.why == (
        "Postfix logs through syslog (facility mail, postfix/*): /etc/rsyslog.d/postfix.conf:1 "
        "writes its lines to /var/log/postfix.log"
    )


def test_journal_alone_and_unknown() -> None:
    log = postfixlog.postfix_log(values("syslog"), [], journal=True)
    assert (log.how, log.file) == (postfixlog.JOURNAL, None)
    assert "to the journal only" in log.why and "journalctl -t postfix/smtpd" in log.why
    log = postfixlog.postfix_log(values("instance"), [], journal=False)
    assert (log.how, log.file) == (postfixlog.UNKNOWN, None)
    assert "(facility local2, postfix-out/*)" in log.why


def rs(configs: Sequence[tuple[str, str]], facility: str = "mail") -> list[tuple[str, str]]:
    per = [facility_files(configs, facility, programs=[p]) for p in postfixlog.programs("postfix")]
    return postfixlog.every_program(per)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # Debian's rules: the mail facility's file
        ((FIXTURES / "rsyslog.conf").read_text(), ["/var/log/mail.log", "/var/log/syslog"]),
        # RHEL's
        ((FIXTURES / "rsyslog-rainerscript.conf").read_text(), ["/var/log/maillog"]),
        # a file of Postfix's own by its program name (`postfix` of `postfix/smtpd[12]:`)
        (':programname, isequal, "postfix" /var/log/postfix.log\n& stop\n'
         "mail.* /var/log/mail.log\n", ["/var/log/postfix.log"]),
        ("if $programname == 'postfix' then {\n  /var/log/postfix.log\n  stop\n}\n"
         "mail.* /var/log/mail.log\n", ["/var/log/postfix.log"]),
        (':syslogtag, startswith, "postfix/" /var/log/postfix.log\n', ["/var/log/postfix.log"]),
        # a file that gets one service's lines only is not Postfix's log
        ('global(parser.permitSlashInProgramName="on")\n'
         ':programname, isequal, "postfix/smtpd" /var/log/smtpd.log\nmail.* /var/log/mail.log\n',
         ["/var/log/mail.log"]),
        (':syslogtag, startswith, "postfix/smtpd" /var/log/smtpd.log\n', []),
    ],
)
def test_rsyslog_rules_for_postfix(text: str, want: list[str]) -> None:
    assert [f for f, _ in rs([(MAIN, text)])] == want


class Recorded(CommandRunner):
    """`postconf` answered with recorded output (and what it was asked)."""

    def __init__(self, stdout: str, returncode: int = 0) -> None:
        self.stdout, self.returncode = stdout, returncode
        self.asked: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str], timeout: float = 15.0) -> CommandResult:
        self.asked.append(tuple(argv))
        return CommandResult(tuple(argv), self.returncode, self.stdout, "postconf: fatal")


def tree(tmp_path: Path, files: dict[str, str]) -> RootFiles:
    for path, text in files.items():
        where = tmp_path / path.lstrip("/")
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_text(text)
    return RootFiles(str(tmp_path))


DEBIAN = (FIXTURES / "rsyslog.conf").read_text()
DROPIN = ':programname, startswith, "postfix" -/var/log/postfix.log\n& stop\n'


def test_the_adapter_asks_postconf_and_reads_the_syslog_daemon(tmp_path: Path) -> None:
    files = tree(tmp_path, {MAIN: DEBIAN, "/etc/rsyslog.d/10-postfix.conf": DROPIN})
    runner = Recorded(recorded("syslog"))
    got = postfix_logging(["/usr/sbin/postconf"], files, runner)
    assert runner.asked == [
        ("/usr/sbin/postconf", "-x", "maillog_file", "syslog_facility", "syslog_name")
    ]
    assert got.log is not None
    assert (got.log.how, got.log.file) == (postfixlog.SYSLOG, "/var/log/postfix.log")
    assert "/etc/rsyslog.d/10-postfix.conf:1" in got.log.why
    # its own file: the syslog daemon not asked
    got = postfix_logging(["postconf"], files, Recorded(recorded("maillog_file")))
    assert got.log is not None and got.log.file == "/var/log/postfix.log"


def test_syslog_ng_s_log_path(tmp_path: Path) -> None:
    text = (FIXTURES / "syslog-ng-debian.conf").read_text()
    files = tree(tmp_path, {"/etc/syslog-ng/syslog-ng.conf": text})
    got = postfix_logging(["postconf"], files, Recorded(recorded("syslog")))
    assert got.log is not None and got.log.file == "/var/log/mail.log"
    dropin = (
        "log { source(s_src); if (program('^postfix/')) "
        "{ destination { file('/var/log/postfix.log'); }; }; flags(final); };\n"
    )
    files = tree(tmp_path, {"/etc/syslog-ng/syslog-ng.conf": dropin + text})
    got = postfix_logging(["postconf"], files, Recorded(recorded("syslog")))
    assert got.log is not None and got.log.file == "/var/log/postfix.log"


def test_journald_alone(tmp_path: Path) -> None:
    files = tree(tmp_path, {"/var/log/journal/abc/system.journal": ""})
    got = postfix_logging(["postconf"], files, Recorded(recorded("syslog")))
    assert got.log is not None and got.log.how == postfixlog.JOURNAL
    # no journal, no syslog daemon's configuration: not known
    got = postfix_logging(["postconf"], tree(tmp_path / "bare", {}), Recorded(recorded("syslog")))
    assert got.log is not None and got.log.how == postfixlog.UNKNOWN


def test_main_cf_when_postconf_fails(tmp_path: Path) -> None:
    main_cf = (FIXTURES / "postfix_main.cf").read_text()
    files = tree(tmp_path, {"/etc/postfix/main.cf": main_cf})
    got = postfix_logging(["postconf"], files, Recorded("", returncode=1))
    assert got.log is not None and got.log.file == "/var/log/postfix.log"
    assert got.log.evidence[0] == "/etc/postfix/main.cf: maillog_file = /var/log/postfix.log"
    # ... and neither: said, not raised
    got = postfix_logging(["postconf"], tree(tmp_path / "none", {}), Recorded("", returncode=1))
    assert got.log is None and "postconf: fatal" in got.error


def test_a_broken_syslog_config_is_a_note(tmp_path: Path) -> None:
    files = tree(tmp_path, {MAIN: 'mail.* /var/log/mail.log\nif prifilt("mail.*") then {\n'})
    got = postfix_logging(["postconf"], files, Recorded(recorded("syslog")))
    assert got.log is not None and got.log.file == "/var/log/mail.log"
    assert any("never closed" in n for n in got.syslog_notes)


def test_a_real_stand_in_command(tmp_path: Path) -> None:
    """The adapter runs the command it is given (argv, no shell)."""
    script = tmp_path / "postconf"
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{recorded('maillog_file')}EOF\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    got = postfix_logging([str(script)], tree(tmp_path / "root", {}))
    assert got.log is not None and got.log.file == "/var/log/postfix.log"


# --------------------------------------------------------------------------- master.cf
def test_master_cf_services_and_the_postlog_one() -> None:
    text = (FIXTURES / "master.cf").read_text()
    services = postfixlog.master_services(text)
    assert [s.name for s in services][:3] == ["smtp", "submission", "pickup"]
    sub = services[1]
    assert sub.command == "smtpd -o syslog_name=postfix/submission -o smtpd_sasl_auth_enable=yes"
    assert (sub.line, services[-1].command.split()[0]) == (14, "pipe")
    postlog = postfixlog.postlog_service(text)
    assert postlog is not None and (postlog.line, postlog.command) == (26, "postlogd")
    # a master.cf kept from Postfix 3.3: no postlog line (or only a comment of one)
    old = text.replace("postlog   unix-dgram", "#postlog   unix-dgram")
    assert postfixlog.postlog_service(old) is None
    # postlog of another type is not the one postlogd listens on
    assert postfixlog.postlog_service(text.replace("unix-dgram", "unix")) is None
    # `postconf -M` prints one service a line, continuation folded
    folded = "postlog    unix-dgram n       -       n       -       1       postlogd\n"
    assert postfixlog.postlog_service(folded) is not None
    assert postfixlog.master_services("junk\n  -o x=y\nsmtp inet n\n") == []
