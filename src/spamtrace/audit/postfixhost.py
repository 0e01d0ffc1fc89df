"""Where this host's Postfix writes its log: asks ``postconf -x`` (else reads main.cf), reads
the syslog daemon's configuration, rsyslog's and syslog-ng's, and looks for a journal (the
adapter; thin).

Used by ``audit`` (``mta.postfix-logging``) and by ``mail``, ``check`` and the daemon (which
read the file found when ``[mail] postfix_logs`` is left at its default). The reading is
pure and tested on recorded output: :mod:`spamtrace.audit.postfixlog`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spamtrace.audit import postfixlog, rsyslog, syslogng
from spamtrace.audit.eximhost import rsyslog_configs, syslogng_configs

if TYPE_CHECKING:
    from spamtrace.audit.environment import CommandRunner
    from spamtrace.audit.php import ConfigFiles

#: Postfix's main configuration file, read when ``postconf`` cannot say
MAIN_CF = "/etc/postfix/main.cf"
#: journald's sockets and its persistent store: a journal gets syslog's lines
JOURNAL_PATHS = ("/run/systemd/journal/socket", "/run/systemd/journal/dev-log", "/var/log/journal")


@dataclass(frozen=True, slots=True)
class PostfixLogging:
    """Where Postfix logs (None: neither ``postconf`` nor main.cf could say; ``error``
    says why), and what of the syslog daemon's configuration could not be read."""

    log: postfixlog.PostfixLog | None
    error: str = ""
    syslog_notes: tuple[str, ...] = ()
    #: Postfix's settings asked (``maillog_file``, ``syslog_facility``, ``syslog_name``)
    values: Mapping[str, str] = field(default_factory=dict)


def journal_there(files: ConfigFiles) -> bool:
    """Does this host run journald (its sockets, or its store, under ``files``' root)?"""
    return any(files.glob(path) for path in JOURNAL_PATHS)


def postfix_logging(
    postconf: Sequence[str],
    files: ConfigFiles,
    runner: CommandRunner | None = None,
    timeout: float = 15.0,
) -> PostfixLogging:
    """Ask Postfix (``postconf``: its argv) where it logs; read the syslog daemon's files
    (through ``files``) when it logs through syslog, for its facility and each of its
    services' tags (``postfix/smtpd``...)."""
    if runner is None:
        from spamtrace.audit.environment import CommandRunner

        runner = CommandRunner()
    res = runner.run([*postconf, "-x", *postfixlog.LOG_OPTIONS], timeout=timeout)
    values = postfixlog.settings(res.stdout) if res.ok else {}
    source = "postconf -x"
    if not values:  # a postconf without -x (before 2.10), or one that fails: main.cf itself
        text = files.read_text(MAIN_CF)
        if text is None:
            return PostfixLogging(None, error=res.describe())
        from spamtrace.audit.mta import parse_key_values

        kv, _ = parse_key_values(text)
        values = {k: v for k, (v, _line) in kv.items()}
        source = MAIN_CF
    maillog = values.get("maillog_file", "").strip()
    found: list[tuple[str, str]] = []
    notes: list[str] = []
    daemon = False
    if not maillog.startswith("/"):
        facility = values.get("syslog_facility", "").strip() or "mail"
        name = postfixlog.syslog_name(values.get("syslog_name", ""))
        rs, ng = rsyslog_configs(files), syslogng_configs(files)
        daemon = bool(rs or ng)
        per: list[list[tuple[str, str]]] = []
        for program in postfixlog.programs(name):
            mine = rsyslog.facility_files(rs, facility, programs=[program])
            more, notes = syslogng.facility_files(ng, facility, programs=[program])
            per.append(mine + [(f, w) for f, w in more if all(f != g for g, _ in mine)])
        found = postfixlog.every_program(per)
        notes = rsyslog.unread(rs) + notes
    log = postfixlog.postfix_log(
        values, found, journal=not daemon and journal_there(files), source=source
    )
    return PostfixLogging(log, syslog_notes=tuple(notes), values=values)
