"""Where the MTA's log is, as this server has it: Exim logging through syslog
(``log_file_path = syslog``) has its main log in the file rsyslog writes the mail facility to,
found without listing it in ``[mail] exim_logs``; a server that runs no MTA (``[mta] kind =
"none"``) is said to be one, not an error."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from mailhost import run_mail_json, stand_in

from spamtrace.cli.main import main
from spamtrace.config import Config
from spamtrace.service import mail

# `exim4 -bP log_file_path syslog_facility` of Exim 4.96 with log_file_path = syslog
BP_SYSLOG = "log_file_path = syslog\nsyslog_facility = \n"
# Debian 12's /etc/rsyslog.conf (rules part)
RSYSLOG = """\
module(load="imuxsock")
*.*;auth,authpriv.none\t\t-/var/log/syslog
auth,authpriv.*\t\t\t/var/log/auth.log
mail.*\t\t\t\t-{mail_log}
*.emerg\t\t\t\t:omusrmsg:*
$IncludeConfig /etc/rsyslog.d/*.conf
"""
LINE = (
    "Dec  5 17:18:32 web1 exim[1234]: 2026-12-05 17:18:32 1xZtP6-0000xM-1i <= shop@host.example "
    "U=shop P=local S=381 for a@b.example"
)


@pytest.fixture
def syslog_exim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    mail_log = tmp_path / "mail.log"
    mail_log.write_text(LINE + "\n")
    (root / "etc" / "rsyslog.conf").write_text(RSYSLOG.format(mail_log=mail_log))
    monkeypatch.setattr(mail, "SYSLOG_CONFIG_ROOT", str(root))
    exim = stand_in(tmp_path / "exim-bP", BP_SYSLOG)  # `exim -bP`, as Exim printed it
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_COMMAND", f'["{exim}"]')
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_LOGS", "")  # stands for the defaults: not there
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", f'["{mail_log}"]')
    # only a key left at its default is looked for: the environment's value is not one
    monkeypatch.setattr(Config, "is_set", lambda self, key: False)
    return mail_log


def test_exims_syslog_file_is_read_as_its_main_log(
    syslog_exim: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Debian's rsyslog writes the mail facility to /var/log/mail.log, which [mail] lists
    as a Postfix log: it was read as Postfix's, none of its lines one (or not at all)."""
    code, doc, _ = run_mail_json(capsys)
    assert code == 0
    (log,) = doc["logs"]  # type: ignore[misc]
    assert (log["path"], log["kind"], log["malformed"]) == (str(syslog_exim), "exim", 0)
    assert doc["totals"]["messages"] == 1  # type: ignore[index]
    assert any("Exim logs through syslog (log_file_path = syslog)" in n for n in doc["notes"])  # type: ignore[attr-defined]


def test_a_rainerscript_rule_for_the_mail_facility_is_read(
    syslog_exim: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """RHEL's and Fedora's rsyslog write the mail facility with a RainerScript action
    (`mail.* action(type="omfile" file="/var/log/maillog")`): no file was found, and `mail`
    asked for [mail] exim_logs although the file was there."""
    root = Path(mail.SYSLOG_CONFIG_ROOT)
    (root / "etc" / "rsyslog.conf").write_text(
        'module(load="imjournal"  # the journal\n       StateFile="imjournal.state")\n'
        '*.info;mail.none;authpriv.none;cron.none action(type="omfile" file="/var/log/messages")\n'
        f'mail.* action(type="omfile" file="{syslog_exim}" sync="on")\n'
    )
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", "")
    code, doc, _ = run_mail_json(capsys)
    assert code == 0
    (log,) = doc["logs"]  # type: ignore[misc]
    assert (log["path"], log["kind"]) == (str(syslog_exim), "exim")
    assert doc["totals"]["messages"] == 1  # type: ignore[index]


def test_syslog_ngs_log_path_and_an_rsyslog_program_filter_are_read(
    syslog_exim: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host whose syslog daemon is syslog-ng (Debian's form: `filter f_mail {
    facility(mail); }` and a log path to `d_mail`), and one whose rsyslog gives Exim's lines a
    file by their program name (`:programname, isequal, "exim" ...`): no file was found, and
    `mail` asked for [mail] exim_logs although it was there. A syslog-ng file that cannot be
    read to its end is said in a note."""
    root = Path(mail.SYSLOG_CONFIG_ROOT)
    (root / "etc" / "rsyslog.conf").unlink()
    (root / "etc" / "syslog-ng" / "conf.d").mkdir(parents=True)
    (root / "etc" / "syslog-ng" / "syslog-ng.conf").write_text(
        '@version: 3.38\n@include "scl.conf"\nsource s_src { system(); internal(); };\n'
        f'destination d_mail {{ file("{syslog_exim}"); }};\n'
        "filter f_debug { level(debug) and not facility(auth, authpriv, news, mail); };\n"
        "filter f_mail { facility(mail) and not filter(f_debug); };\n"
        "log { source(s_src); filter(f_mail); destination(d_mail); };\n"
        '@include "/etc/syslog-ng/conf.d/*.conf"\n'  # Debian's, at the end: read there
    )
    (root / "etc" / "syslog-ng" / "conf.d" / "broken.conf").write_text("log { source(s_src);\n")
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", "")
    code, doc, _ = run_mail_json(capsys)
    assert code == 0
    (log,) = doc["logs"]  # type: ignore[misc]
    assert (log["path"], log["kind"]) == (str(syslog_exim), "exim")
    assert "the syslog daemon's configuration: /etc/syslog-ng/conf.d/broken.conf:1: a `{` is " \
        "never closed (not read from there)" in doc["notes"]  # type: ignore[operator]
    (root / "etc" / "rsyslog.conf").write_text(
        f':programname, isequal, "exim" -{syslog_exim}\n& stop\nmail.* -/var/log/nowhere.log\n'
    )
    (root / "etc" / "syslog-ng" / "syslog-ng.conf").unlink()
    code, doc, _ = run_mail_json(capsys)
    assert code == 0
    (log,) = doc["logs"]  # type: ignore[misc]
    assert (log["path"], log["kind"]) == (str(syslog_exim), "exim")


def test_a_syslog_without_a_file_for_exim_says_which_setting_to_set(
    syslog_exim: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """journald alone, or a rule rsyslog runs under another condition: no file known.
    Said, with the key to set."""
    root = Path(mail.SYSLOG_CONFIG_ROOT)
    (root / "etc" / "rsyslog.conf").write_text('module(load="imuxsock")\n')
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", "")
    code, _, err = run_mail_json(capsys)
    assert code == 3
    assert "Exim logs through syslog (log_file_path = syslog)" in err
    assert "set [mail] exim_logs to the file it is written to" in err


def test_exim_through_syslog_to_the_journal_alone_says_there_is_no_file_to_name(
    syslog_exim: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """journald and no syslog daemon (Debian 12 without rsyslog): Exim's lines are in no
    file, and `mail` asked to set [mail] exim_logs "to the file it is written to"."""
    root = Path(mail.SYSLOG_CONFIG_ROOT)
    (root / "etc" / "rsyslog.conf").unlink()
    (root / "run" / "systemd" / "journal").mkdir(parents=True)
    (root / "run" / "systemd" / "journal" / "socket").touch()
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", "")
    code, _, err = run_mail_json(capsys)
    assert code == 3
    said = " ".join(err.split())
    assert "Exim logs through syslog (log_file_path = syslog) to the journal only" in said
    assert "set Exim's log_file_path to one (/var/log/exim4/%slog)" in said
    assert "set [mail] exim_logs to the file" not in said


def test_a_configured_exim_logs_is_never_second_guessed(
    syslog_exim: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Config, "is_set", lambda self, key: True)
    _, doc, _ = run_mail_json(capsys)
    (log,) = doc["logs"]  # type: ignore[misc]
    assert log["kind"] == "postfix"  # as configured


def test_a_server_without_an_mta_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[mta] kind = "none"`: the MTA's logs are not looked for (a mail.log there is not
    read), nor its queue; PHP's mail.log is; with none either, `mail` says what is not
    watched and exits 0, not 3 "no mail log found"."""
    monkeypatch.setenv("SPAMTRACE_MTA_KIND", "none")
    exim_log = tmp_path / "mainlog"
    exim_log.write_text("2026-12-05 17:18:32 1xZtP6-0000xM-1i <= a@b U=shop P=local S=1\n")
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_LOGS", f'["{exim_log}"]')
    code, doc, _ = run_mail_json(capsys)
    assert code == 0 and doc["logs"] == [] and doc["queue"] is None
    notes = "\n".join(doc["notes"])  # type: ignore[arg-type]
    assert 'this server runs no MTA ([mta] kind = "none")' in notes
    assert "no PHP mail.log is set either" in notes
    code = main(["mail", "--no-scan", "--since", "all"])
    out = capsys.readouterr().out
    assert code == 0 and "the MTA half (its logs, its queue) is not watched" in out
    php = tmp_path / "php-mail.log"
    php.write_text(
        "[05-Dec-2026 17:18:32 UTC] mail() on [/home/shop/x.php:3]: To: a@b.example -- "
        "Headers:  -- Subject: s\n"
    )
    monkeypatch.setenv("SPAMTRACE_MAIL_PHP_LOGS", f'["{php}"]')
    code, doc, _ = run_mail_json(capsys)
    assert code == 0 and [log["kind"] for log in doc["logs"]] == ["php"]  # type: ignore[attr-defined]
    assert doc["totals"]["messages"] == 1  # type: ignore[index]
    assert not any("no PHP mail.log" in n for n in doc["notes"])  # type: ignore[attr-defined]


def test_exims_own_log_not_written_yet_is_said_as_audit_says_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh Exim (Debian's, installed and not used yet) has no main log: Exim creates it
    at its first line. `audit` passed "spamtrace reads Exim's main log ..." and `mail` said
    "no mail log found ...: set [mail] exim_logs", of the file it already looked for. Both
    say now that Exim will write that file and has not yet; once written, it is read."""
    from spamtrace.audit import mta
    from spamtrace.audit.environment import AuditEnv, CommandResult, CommandRunner

    main_log = tmp_path / "exim4" / "mainlog"
    bp = f"log_file_path = {tmp_path}/exim4/%slog\nsyslog_facility = \n"
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_COMMAND", f'["{stand_in(tmp_path / "exim-bP", bp)}"]')
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_LOGS", "")  # stands for the defaults: not there
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", "")
    monkeypatch.setattr(Config, "is_set", lambda self, key: False)
    code, _, err = run_mail_json(capsys)
    assert code == 3
    (line,) = err.splitlines()
    assert f"Exim's main log {main_log} is not written yet" in line, line
    assert "it is created at Exim's first log line" in line

    class Exim(CommandRunner):  # audit's runner: the same answers as the stand-in
        def which(self, *names: str) -> str | None:
            return "/usr/sbin/exim4"

        def run(self, argv: Sequence[str], timeout: float = 15.0) -> CommandResult:
            out = bp if list(argv[-2:]) == ["log_file_path", "syslog_facility"] else ""
            return CommandResult(tuple(argv), 0, out, "")

    from spamtrace.config import load

    cfg = load(config_dir=tmp_path, environ={"SPAMTRACE_MAIL_EXIM_LOGS": f'["{main_log}"]'})
    env = AuditEnv(cfg=cfg, root=Path("/"), runner=Exim())
    finding = next(f for f in mta.judge(mta.gather(env), cfg) if f.id == "mta.exim-log-file")
    assert finding.status.value == "pass"
    assert f"{main_log} once Exim writes it (not written yet" in finding.title, finding.title
    main_log.parent.mkdir()
    main_log.write_text(LINE.split("exim[1234]: ", 1)[1] + "\n")
    finding = next(f for f in mta.judge(mta.gather(env), cfg) if f.id == "mta.exim-log-file")
    assert finding.title == f"spamtrace reads Exim's main log {main_log}"
    code, doc, _ = run_mail_json(capsys)
    assert code == 0 and doc["totals"]["messages"] == 1  # type: ignore[index]


def test_the_daemon_follows_a_fresh_exims_main_log_from_its_first_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`audit` says spamtrace will read Exim's main log once Exim writes it. The daemon took
    only the logs there at its start: one started on a fresh server (before Exim's first
    line) never read it until restarted. It now follows the file Exim names from its first
    line once it appears."""
    from spamtrace.config import load
    from spamtrace.service import plugins
    from spamtrace.sources.maillog.follow import MailLogSource

    main_log = tmp_path / "exim4" / "mainlog"
    bp = f"log_file_path = {tmp_path}/exim4/%slog\nsyslog_facility = \n"
    monkeypatch.setattr(Config, "is_set", lambda self, key: False)
    monkeypatch.setattr(mail, "php_config", lambda: mail.PhpMailLogs())
    cfg = load(config_dir=tmp_path, environ={
        "SPAMTRACE_MAIL_EXIM_COMMAND": f'["{stand_in(tmp_path / "exim-bP", bp)}"]',
        "SPAMTRACE_MAIL_EXIM_LOGS": "[]", "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_PHP_LOGS": "[]", "SPAMTRACE_MAIL_RESTORE_HOURS": "0",
    })  # fmt: skip
    (source,) = plugins.sources(cfg)
    assert isinstance(source, MailLogSource)
    try:
        assert [(s.path, s.kind) for s in source.specs] == [(str(main_log), "exim")]
        assert source.read_events() == [] and source.counts[0].lines == 0
        main_log.parent.mkdir()
        main_log.write_text(LINE.split("exim[1234]: ", 1)[1] + "\n")
        source.read_events()
        assert (source.counts[0].lines, source.counts[0].events) == (1, 1)
    finally:
        source.close()
