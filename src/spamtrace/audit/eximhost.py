"""Where this host's Exim writes its main log: asks ``exim -bP``, reads rsyslog's selector
files (the adapter; thin).

Used by ``audit`` (``mta.exim-log-file``) and by ``mail``, ``check`` and the daemon (which
read the file found when ``[mail] exim_logs`` is left at its default). The parsing is pure and
tested on recorded output: :mod:`spamtrace.audit.eximlog` (``exim -bP``) and
:mod:`spamtrace.audit.rsyslog` (selector lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spamtrace.audit.eximlog import LOG_OPTIONS, bp_settings, to_syslog
from spamtrace.audit.rsyslog import FOLDER, MAIN, facility_files

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
    #: (file, ``path:line`` of the selector) rsyslog writes Exim's facility to, its own first
    syslog_files: tuple[tuple[str, str], ...] = ()
    error: str = ""


def rsyslog_configs(files: ConfigFiles) -> list[tuple[str, str]]:
    """(path, text) of rsyslog's configuration: the main file, then its folder's ``*.conf``
    (by name); a file that cannot be read is left out."""
    paths = [MAIN, *files.glob(f"{FOLDER}/*.conf")]
    return [(path, text) for path in paths if (text := files.read_text(path)) is not None]


def exim_logging(
    exim: Sequence[str],
    files: ConfigFiles,
    runner: CommandRunner | None = None,
    timeout: float = 15.0,
) -> EximLogging:
    """Ask Exim (``exim``: its argv) where it logs; read rsyslog's files (through ``files``)
    only when it logs through syslog."""
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
    found = facility_files(rsyslog_configs(files), facility or "mail")
    return EximLogging(value, facility, tuple(found))


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
