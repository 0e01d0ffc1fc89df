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
    (tmp_path / "etc/rsyslog.conf").write_text("*.*;auth,authpriv.none -/var/log/syslog\n")
    (tmp_path / "etc/rsyslog.d/50-mail.conf").write_text("local3.* /var/log/exim-local3.log\n")
    (tmp_path / "etc/rsyslog.d/ignored.txt").write_text("local3.* /not/read\n")
    files = RootFiles(str(tmp_path))
    assert [p for p, _ in rsyslog_configs(files)] == [
        "/etc/rsyslog.conf", "/etc/rsyslog.d/50-mail.conf",
    ]  # fmt: skip
    runner = Recorded(recorded("both"))
    got = exim_logging(["/usr/sbin/exim4"], files, runner)
    assert runner.asked == [("/usr/sbin/exim4", "-bP", "log_file_path", "syslog_facility")]
    assert (got.log_file_path, got.syslog_facility) == ("syslog : /var/log/exim4/%slog", "local3")
    assert got.syslog_files == (("/var/log/exim-local3.log", "/etc/rsyslog.d/50-mail.conf:1"),
                                ("/var/log/syslog", "/etc/rsyslog.conf:1"))  # fmt: skip
    own = exim_logging(["exim"], files, Recorded(recorded("debian")))
    assert (own.log_file_path, own.syslog_files) == ("/var/log/exim4/%slog", ())
    failed = exim_logging(["exim"], files, Recorded(recorded("unknown"), returncode=1))
    assert failed.log_file_path is None and "exit 1: Exim panic" in failed.error
