"""Which file a syslog daemon writes a facility to: rsyslog's selector lines (pure).

An MTA that logs through syslog (Exim's ``log_file_path = syslog``; Postfix without
``maillog_file``) has its lines in the file the syslog daemon's configuration names for its
facility (``mail`` unless Exim's ``syslog_facility`` says otherwise). Debian's and RHEL's
rsyslog write it with a classic selector line::

    mail.*                          -/var/log/mail.log      # Debian
    mail.*                          -/var/log/maillog       # RHEL
    *.*;auth,authpriv.none          -/var/log/syslog        # every facility: mail too

:func:`facility_files` reads such lines (``facility[,facility].priority`` items separated by
``;``, ``none`` excluding a facility, a ``-`` before the file, ``\\`` continuations) and
gives the files a message of the facility at priority ``info`` (what Exim's main log lines
are) goes to: those whose selector names the facility itself first (``mail.*`` rather than
``*.*``, which catches everything). RainerScript ``action(type="omfile" ...)`` blocks and
property filters are not read: the caller then says which setting to set.
"""

from __future__ import annotations

from collections.abc import Sequence

#: rsyslog's Debian and RHEL configuration: the main file, then its folder (by name)
MAIN = "/etc/rsyslog.conf"
FOLDER = "/etc/rsyslog.d"

_SEVERITY = {
    "emerg": 0, "panic": 0, "alert": 1, "crit": 2, "err": 3, "error": 3, "warning": 4,
    "warn": 4, "notice": 5, "info": 6, "debug": 7,
}  # fmt: skip
INFO = 6


def _matches(selector: str, facility: str, severity: int) -> tuple[bool, bool]:
    """(does ``selector`` take a message of ``facility`` at ``severity``, does it name the
    facility itself rather than ``*``)."""
    taken = named = False
    for item in selector.split(";"):
        facs, dot, prio = item.strip().partition(".")
        if not dot:
            return False, False
        names = [f.strip().lower() for f in facs.split(",")]
        if facility not in names and "*" not in names:
            continue
        prio = prio.strip().lower()
        if prio == "none":
            taken = False
            continue
        exact = prio.startswith("=")
        negated = prio.startswith("!")
        level = prio.lstrip("=!")
        if level == "*":
            ok = True
        elif level in _SEVERITY:
            ok = severity == _SEVERITY[level] if exact else severity <= _SEVERITY[level]
        else:
            continue
        if negated:
            ok = not ok
        taken = ok
        named = ok and facility in names
    return taken, named


def facility_files(
    configs: Sequence[tuple[str, str]], facility: str = "mail", severity: int = INFO
) -> list[tuple[str, str]]:
    """(file, ``path:line`` of the selector) for each file ``configs`` (path, text) write
    ``facility`` at ``severity`` to; those whose selector names the facility first."""
    named: list[tuple[str, str]] = []
    caught: list[tuple[str, str]] = []
    facility = facility.strip().lower() or "mail"
    for path, text in configs:
        pending, start = "", 0
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].rstrip() if not pending else raw.rstrip()
            if not pending:
                start = n
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line, pending = (pending + line).strip(), ""
            if not line or line[0] in "$(" or line.startswith(("module", "if ", "action")):
                continue
            fields = line.split()
            if len(fields) != 2:
                continue
            selector, action = fields
            target = action.removeprefix("-")
            if not target.startswith("/"):
                continue  # a template, a remote host, a user, a pipe, stop
            taken, by_name = _matches(selector, facility, severity)
            if not taken:
                continue
            where = (target, f"{path}:{start}")
            if all(f != target for f, _ in named + caught):
                (named if by_name else caught).append(where)
    return named + caught
