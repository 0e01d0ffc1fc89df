"""Where this host's Exim writes its main log: asks ``exim -bP``, reads the syslog daemon's
configuration, rsyslog's and syslog-ng's (the adapter; thin).

Used by ``audit`` (``mta.exim-log-file``) and by ``mail``, ``check`` and the daemon (which
read the file found when ``[mail] exim_logs`` is left at its default). The parsing is pure and
tested on recorded output: :mod:`spamtrace.audit.eximlog` (``exim -bP``) and
:mod:`spamtrace.audit.rsyslog` (selector lines, RainerScript) and
:mod:`spamtrace.audit.syslogng` (log paths).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spamtrace.audit import rsyslog, syslogng
from spamtrace.audit.eximlog import LOG_OPTIONS, bp_settings, to_syslog

if TYPE_CHECKING:
    from spamtrace.audit.environment import CommandRunner
    from spamtrace.audit.php import ConfigFiles


@dataclass(frozen=True, slots=True)
class EximLogging:
    """What ``exim -bP log_file_path syslog_facility`` said, and, when Exim logs through
    syslog, where rsyslog writes its facility."""

    #: None: ``exim -bP`` failed (``error`` says how)
    log_file_path: str | None
    syslog_facility: str = ""
    #: (file, ``path:line`` of the filter) the syslog daemon writes Exim's lines to: by its
    #: program name first, then by its facility, then the catch-alls
    syslog_files: tuple[tuple[str, str], ...] = ()
    error: str = ""
    #: what of the syslog daemon's configuration could not be read (not escaped)
    syslog_notes: tuple[str, ...] = ()


#: at most this many files of rsyslog's configuration are read (includes of includes)
MAX_RSYSLOG_FILES = 512


def rsyslog_configs(files: ConfigFiles) -> list[tuple[str, str]]:
    """(path, text) of rsyslog's configuration: the main file, then every file its include
    statements name (``$IncludeConfig``, ``include(file=...)``: a file, a glob, a folder),
    and theirs; a file that cannot be read is left out. Where each is read is
    :func:`spamtrace.audit.rsyslog.ordered`'s business."""

    def named(pattern: str) -> list[str]:
        if not pattern.startswith("/"):
            return []
        return files.glob(pattern + "*" if pattern.endswith("/") else pattern)

    return _config_tree(files, rsyslog.MAIN, rsyslog.includes, named)


def syslogng_configs(files: ConfigFiles) -> list[tuple[str, str]]:
    """(path, text) of syslog-ng's configuration: the main file, then every file its
    ``@include`` pragmas name (a file, a glob, a folder; relative: under /etc/syslog-ng), and
    theirs; a file that cannot be read is left out. Where each is read is
    :func:`spamtrace.audit.syslogng.expanded`'s business."""

    def named(pattern: str) -> list[str]:
        name = pattern.rstrip("/").rpartition("/")[2]
        if any(c in name for c in "*?["):
            return files.glob(pattern)
        # a file, or a folder: its files (which of them: syslogng.included)
        return [pattern.rstrip("/"), *files.glob(pattern.rstrip("/") + "/*")]

    return _config_tree(files, syslogng.MAIN, syslogng.includes, named)


def _config_tree(
    files: ConfigFiles,
    main: str,
    includes: Callable[[str], Iterable[str]],
    named: Callable[[str], list[str]],
) -> list[tuple[str, str]]:
    """(path, text) of ``main`` and of every file its includes name, breadth first, each
    once, at most :data:`MAX_RSYSLOG_FILES`; ``named`` turns an include into paths."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    todo = [main]
    while todo and len(out) < MAX_RSYSLOG_FILES:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        text = files.read_text(path)
        if text is None:
            continue
        out.append((path, text))
        for pattern in includes(text):
            todo += named(pattern)
    return out


def syslog_files(
    files: ConfigFiles, facility: str = "mail", programs: Sequence[str] = ()
) -> tuple[list[tuple[str, str]], list[str]]:
    """(file, ``path:line``) the syslog daemon writes ``facility``'s lines from ``programs``
    to, rsyslog's then syslog-ng's (a host runs one; the other's files are seldom there),
    and notes on what could not be read."""
    configs = rsyslog_configs(files)
    found = rsyslog.facility_files(configs, facility, programs=programs)
    more, notes = syslogng.facility_files(syslogng_configs(files), facility, programs=programs)
    notes = rsyslog.unread(configs) + notes
    found += [(f, where) for f, where in more if all(f != g for g, _ in found)]
    return found, notes


def exim_logging(
    exim: Sequence[str],
    files: ConfigFiles,
    runner: CommandRunner | None = None,
    timeout: float = 15.0,
) -> EximLogging:
    """Ask Exim (``exim``: its argv) where it logs; read the syslog daemon's files (through
    ``files``) only when it logs through syslog, for its facility and its program name
    (``syslog_processname``: ``exim`` unless set)."""
    if runner is None:
        from spamtrace.audit.environment import CommandRunner

        runner = CommandRunner()
    res = runner.run([*exim, "-bP", *LOG_OPTIONS], timeout=timeout)
    if not res.ok:
        return EximLogging(None, error=res.describe())
    settings = bp_settings(res.stdout)
    value = settings.get("log_file_path", "")
    facility = settings.get("syslog_facility", "")
    if not to_syslog(value):
        return EximLogging(value, facility)
    # the name its lines carry (`exim[1234]:`), for a filter on the program's name
    named = runner.run([*exim, "-bP", "syslog_processname"], timeout=timeout)
    program = bp_settings(named.stdout).get("syslog_processname", "") if named.ok else ""
    found, notes = syslog_files(files, facility or "mail", [program or "exim"])
    return EximLogging(value, facility, tuple(found), syslog_notes=tuple(notes))


def file_there(path: str) -> bool | None:
    """Is there a file (of any type) at ``path``: False when there is none, None when it
    cannot be looked at (a folder this process may not enter, without root). Exim's main log
    that is not written yet (False) is said alike by ``audit`` and ``mail``."""
    import os

    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return None
    return True
