"""Where Exim writes its main log, from what ``exim -bP`` prints (pure).

``exim -bP log_file_path syslog_facility`` prints one ``name = value`` line per option asked
(Exim 4.96)::

    log_file_path = syslog : /var/log/exim4/%slog
    syslog_facility = local3

:func:`bp_settings` reads such output; :func:`exim_main_logs` gives the file the main log
goes to: a path of its own (``%s`` as ``main``), else, for ``syslog``, the file the syslog
daemon writes Exim's facility to (:func:`spamtrace.audit.rsyslog.facility_files`). What runs
``exim`` and reads rsyslog's files is :mod:`spamtrace.audit.eximhost`; ``audit`` (``mta.*``)
and ``mail`` both use it.
"""

from __future__ import annotations

from collections.abc import Sequence

from spamtrace.safetext import escape

#: the options ``mail`` and ``audit`` ask Exim for, to find its main log
LOG_OPTIONS = ("log_file_path", "syslog_facility")
#: why a fresh Exim's main log is not there (``mail`` and ``audit`` say it alike)
FIRST_LOG = "it is created at Exim's first log line"
NOT_WRITTEN = f"is not written yet: {FIRST_LOG}"


def bp_settings(text: str) -> dict[str, str]:
    """``exim -bP NAME...`` output -> {name: value} (blanks around both taken off); a line
    without ``=`` (``NAME is not a known option``, a warning) is no setting."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        name, eq, value = line.partition("=")
        if eq and name.strip():
            out[name.strip()] = value.strip()
    return out


def log_items(log_file_path: str) -> list[str]:
    """The items of a ``log_file_path`` (``:``-separated: ``syslog``, paths)."""
    return [i.strip() for i in log_file_path.split(":") if i.strip()]


def to_syslog(log_file_path: str) -> bool:
    """Does Exim log through syslog (an item ``syslog``, not a path holding the word)?"""
    return "syslog" in log_items(log_file_path)


def exim_main_logs(
    log_file_path: str, syslog_files: Sequence[tuple[str, str]]
) -> tuple[str | None, list[str], bool]:
    """The file Exim writes its main log to, from its ``log_file_path`` (``exim -bP``): (the
    file or None, evidence, whether Exim logs through syslog). ``syslog_files``: where the
    syslog daemon writes Exim's facility (:func:`spamtrace.audit.rsyslog.facility_files`),
    for ``syslog``. A path of its own is preferred (both: the same lines twice); a
    datestamped one (``%D``, ``%M``) or an empty value (the build's default) is not known."""
    items = log_items(log_file_path)
    syslog = "syslog" in items
    ev = [f"$ exim -bP log_file_path: log_file_path = {escape(log_file_path)}"]
    for item in items:
        if item == "syslog":
            continue
        if "%D" in item or "%M" in item:
            ev.append(f"{escape(item)}: a datestamped log (a file a day or a month)")
            continue
        if item.startswith("/"):
            return item.replace("%s", "main"), ev, syslog
    if syslog and syslog_files:
        file, where = syslog_files[0]
        ev.append(f"{escape(where)}: Exim's facility goes to {escape(file)}")
        return file, ev, True
    if syslog:
        ev.append(
            "no file of the syslog daemon's configuration (rsyslog, syslog-ng) takes Exim's lines"
        )
    return None, ev, syslog
