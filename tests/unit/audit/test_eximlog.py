"""Where Exim writes its main log: the pure parsers on `exim -bP` output recorded from Exim
4.96 (`exim4 -C CONF -bP log_file_path syslog_facility`), and the adapter that `audit` and
`mail` share, on a fixture tree and a stand-in runner."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from spamtrace.audit.environment import CommandResult, CommandRunner
from spamtrace.audit.eximhost import exim_logging, rsyslog_configs
from spamtrace.audit.eximlog import bp_settings, exim_main_logs, log_items, to_syslog
from spamtrace.audit.files import RootFiles

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def recorded(name: str) -> str:
    return (FIXTURES / f"exim_bP_logging_{name}.txt").read_text()


def test_bp_settings_on_recorded_output() -> None:
    assert bp_settings(recorded("debian")) == {
        "log_file_path": "/var/log/exim4/%slog", "syslog_facility": "",
    }  # fmt: skip
    assert bp_settings(recorded("both")) == {
        "log_file_path": "syslog : /var/log/exim4/%slog", "syslog_facility": "local3",
    }  # fmt: skip
    # an option Exim does not know is a line without "=": no setting
    assert bp_settings(recorded("unknown")) == {
        "log_file_path": "/srv/log/syslog-exim/%slog-%D", "syslog_facility": "",
    }  # fmt: skip
    assert bp_settings("") == {}
    assert bp_settings(" = x\nno equals sign\n") == {}


def test_syslog_is_an_item_not_a_word_in_a_path() -> None:
    assert to_syslog(bp_settings(recorded("syslog"))["log_file_path"])
    assert to_syslog(bp_settings(recorded("both"))["log_file_path"])
    assert not to_syslog(bp_settings(recorded("datestamped"))["log_file_path"])
    assert not to_syslog("")
    assert log_items(" syslog :: /x/%slog ") == ["syslog", "/x/%slog"]


def test_the_main_log_file_of_each_recorded_setting() -> None:
    files = (("/var/log/mail.log", "/etc/rsyslog.conf:63"),)
    path = lambda name: bp_settings(recorded(name))["log_file_path"]  # noqa: E731
    assert exim_main_logs(path("debian"), files)[0::2] == ("/var/log/exim4/mainlog", False)
    # its own file beside syslog is preferred: both hold the same lines
    assert exim_main_logs(path("both"), files)[0::2] == ("/var/log/exim4/mainlog", True)
    assert exim_main_logs(path("syslog"), files)[0::2] == ("/var/log/mail.log", True)
    assert exim_main_logs(path("syslog"), ())[0::2] == (None, True)
    found, ev, syslog = exim_main_logs(path("datestamped"), files)
    assert (found, syslog) == (None, False) and "a datestamped log" in ev[-1]


class Recorded(CommandRunner):
    """A runner that answers `exim -bP` with recorded output (and says what it was asked)."""

    def __init__(self, stdout: str, returncode: int = 0) -> None:
        self.stdout, self.returncode = stdout, returncode
        self.asked: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str], timeout: float = 15.0) -> CommandResult:
        self.asked.append(tuple(argv))
        return CommandResult(tuple(argv), self.returncode, self.stdout, "Exim panic")


def test_the_adapter_reads_rsyslog_only_for_syslog(tmp_path: Path) -> None:
    (tmp_path / "etc/rsyslog.d").mkdir(parents=True)
    (tmp_path / "etc/rsyslog.conf").write_text(
        "*.*;auth,authpriv.none -/var/log/syslog\n$IncludeConfig /etc/rsyslog.d/*.conf\n"
    )
    (tmp_path / "etc/rsyslog.d/50-mail.conf").write_text(
        "local3.* /var/log/exim-local3.log\ninclude(file=\"/etc/rsyslog.d/more/\")\n"
    )
    (tmp_path / "etc/rsyslog.d/more").mkdir()
    (tmp_path / "etc/rsyslog.d/more/x").write_text("local3.* /var/log/more.log\n")
    (tmp_path / "etc/rsyslog.d/ignored.txt").write_text("local3.* /not/read\n")
    files = RootFiles(str(tmp_path))
    assert [p for p, _ in rsyslog_configs(files)] == [
        "/etc/rsyslog.conf", "/etc/rsyslog.d/50-mail.conf", "/etc/rsyslog.d/more/x",
    ]  # fmt: skip
    runner = Recorded(recorded("both"))
    got = exim_logging(["/usr/sbin/exim4"], files, runner)
    assert runner.asked == [
        ("/usr/sbin/exim4", "-bP", "log_file_path", "syslog_facility"),
        ("/usr/sbin/exim4", "-bP", "syslog_processname"),  # only as it logs through syslog
    ]
    assert (got.log_file_path, got.syslog_facility) == ("syslog : /var/log/exim4/%slog", "local3")
    assert got.syslog_files == (("/var/log/exim-local3.log", "/etc/rsyslog.d/50-mail.conf:1"),
                                ("/var/log/more.log", "/etc/rsyslog.d/more/x:1"),
                                ("/var/log/syslog", "/etc/rsyslog.conf:1"))  # fmt: skip
    # a drop-in the main file does not include is not read (rsyslog does not read it)
    (tmp_path / "etc/rsyslog.conf").write_text("*.*;auth,authpriv.none -/var/log/syslog\n")
    assert [p for p, _ in rsyslog_configs(files)] == ["/etc/rsyslog.conf"]
    own = exim_logging(["exim"], files, Recorded(recorded("debian")))
    assert (own.log_file_path, own.syslog_files) == ("/var/log/exim4/%slog", ())
    failed = exim_logging(["exim"], files, Recorded(recorded("unknown"), returncode=1))
    assert failed.log_file_path is None and "exit 1: Exim panic" in failed.error


class Answers(CommandRunner):
    """A runner that answers each `exim -bP` question with its own recorded output."""

    def __init__(self, **outputs: str) -> None:
        self.outputs = outputs

    def run(self, argv: Sequence[str], timeout: float = 15.0) -> CommandResult:
        out = self.outputs.get(argv[-1], "")
        return CommandResult(tuple(argv), 0 if out else 1, out, "" if out else "unknown option")


def test_the_adapter_reads_syslog_ng_and_exims_program_name(tmp_path: Path) -> None:
    """A host whose syslog daemon is syslog-ng (Debian's default config, and a drop-in that
    gives Exim's lines, by their program name, a file of their own): Exim's main log was
    looked for in rsyslog's files only, and `mail` asked for [mail] exim_logs."""
    (tmp_path / "etc/syslog-ng/conf.d").mkdir(parents=True)
    debian = (Path(__file__).resolve().parent / "fixtures/syslog-ng-debian.conf").read_text()
    (tmp_path / "etc/syslog-ng/syslog-ng.conf").write_text(debian)
    (tmp_path / "etc/syslog-ng/conf.d/mta.conf").write_text(
        'log { source(s_src); filter { program("^mta-out$"); };\n'
        '  destination { file("/var/log/mta-out.log"); }; flags(final); };\n'
        "log { source(s_src); filter { program(nothing-closes-this; };\n"
    )
    files = RootFiles(str(tmp_path))
    bp = "log_file_path = syslog\nsyslog_facility = \n"
    got = exim_logging(["exim"], files, Answers(syslog_facility=bp))
    assert got.syslog_files == (("/var/log/mail.log", "/etc/syslog-ng/syslog-ng.conf:67"),)
    assert got.syslog_notes == (
        "/etc/syslog-ng/conf.d/mta.conf:3: a `(` of line 3 is never closed (not read from there)",
    )
    named = Answers(syslog_facility=bp, syslog_processname="syslog_processname = mta-out\n")
    assert exim_logging(["exim"], files, named).syslog_files == (
        ("/var/log/mta-out.log", "/etc/syslog-ng/conf.d/mta.conf:1"),
        ("/var/log/mail.log", "/etc/syslog-ng/syslog-ng.conf:67"),
    )
