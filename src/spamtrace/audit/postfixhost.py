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


def stream_of(path: str) -> str | None:
    """What is at ``path`` when it is there and no regular file (``maillog_file`` set to a
    link to ``/dev/stdout``, a FIFO, a device), None for a regular file or nothing there
    (a file Postfix will write). Followed through links: ``/var/log/postfix.log ->
    /dev/stdout`` is a container's way to log to its output."""
    import os
    import stat

    try:
        st = os.stat(path)
        link = os.readlink(path) if os.path.islink(path) else None
    except OSError:
        return None
    if link is not None and postfixlog.is_output(link):
        # this process's own output then (a file, under a redirect): never Postfix's log
        return f"a link to {link} (a process's standard output)"
    if stat.S_ISREG(st.st_mode):
        return None
    kind = (
        "a character device" if stat.S_ISCHR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode)
        else "a socket" if stat.S_ISSOCK(st.st_mode) else "a directory"
        if stat.S_ISDIR(st.st_mode) else "a block device" if stat.S_ISBLK(st.st_mode)
        else "no regular file"
    )  # fmt: skip
    if link is not None:
        kind = f"a link to {link} ({kind})"
    return kind


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
        values, found, journal=not daemon and journal_there(files), source=source,
        stream=stream_of(maillog) if maillog.startswith("/") else None,
    )  # fmt: skip
    return PostfixLogging(log, syslog_notes=tuple(notes), values=values)
