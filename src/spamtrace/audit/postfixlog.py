"""Where Postfix writes its log, from what ``postconf`` prints and the syslog daemon's
configuration (pure).

Postfix logs in one of three ways, and a sysadmin finds its log accordingly:

- **its own file** (Postfix >= 3.4): ``maillog_file = /var/log/postfix.log`` in main.cf,
  written by ``postlogd``; ``/dev/stdout`` sends it to Postfix's standard output instead (a
  container, or ``postfix start-fg`` under systemd: the journal), and so does any path that
  is no regular file (a link to ``/dev/stdout``, a FIFO, a device): no file to read;
- **through syslog** (``maillog_file`` unset, the default): facility ``syslog_facility``
  (``mail``), each line tagged ``syslog_name/service[pid]:`` (``postfix/smtpd[812]:``), so the
  file is the one the syslog daemon writes those lines to (Debian's ``mail.*
  -/var/log/mail.log``, RHEL's ``/var/log/maillog``, a drop-in ``:programname, isequal,
  "postfix" /var/log/postfix.log``): :func:`syslog_files` asks
  :func:`spamtrace.audit.rsyslog.facility_files` and
  :func:`spamtrace.audit.syslogng.facility_files` for a file that gets the lines of every
  service spamtrace reads (:data:`SERVICES`);
- **to the journal only**: through syslog on a host whose syslog socket is journald's and
  no syslog daemon writes a file (Debian 12 without rsyslog): ``journalctl -t
  postfix/smtpd`` (``SYSLOG_IDENTIFIER``) shows it, no file does.

:func:`postfix_log` says which, the file, and why, in words ``mail`` and ``audit`` print
(not escaped: the caller escapes). What runs ``postconf`` and reads the files is
:mod:`spamtrace.audit.postfixhost`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: what ``postconf -x`` is asked (expanded values: ``syslog_name``'s default is
#: ``${multi_instance_name?{$multi_instance_name}:{postfix}}``)
LOG_OPTIONS = ("maillog_file", "syslog_facility", "syslog_name")
#: the services whose lines spamtrace reads: ``pickup`` (a local submission's uid),
#: ``smtpd`` (the client, the SASL login), ``qmgr`` (the sender, size, recipients), ``smtp``
#: (deliveries); a file must get the lines of each to be Postfix's log
SERVICES = ("pickup", "smtpd", "qmgr", "smtp")
#: how Postfix logs
FILE, SYSLOG, STDOUT, JOURNAL, UNKNOWN = "maillog_file", "syslog", "stdout", "journal", "unknown"


@dataclass(frozen=True, slots=True)
class PostfixLog:
    """Where Postfix's log is: ``how`` (:data:`FILE`, :data:`SYSLOG`, :data:`STDOUT`,
    :data:`JOURNAL`, :data:`UNKNOWN`), the file (None: no file holds it, or none was found),
    why, in one line, and the evidence (not escaped)."""

    how: str
    file: str | None
    why: str
    evidence: tuple[str, ...] = ()


def settings(text: str) -> dict[str, str]:
    """``postconf -x NAME...`` output (``name = value`` lines; a warning on stderr for an
    unknown name) -> {name: value}."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        name, eq, value = line.partition("=")
        if eq and name.strip() and " " not in name.strip():
            out[name.strip()] = value.strip()
    return out


def syslog_name(value: str) -> str:
    """The name before the ``/`` of Postfix's syslog tags: ``syslog_name`` as ``postconf
    -x`` expands it; an unexpanded value (main.cf read by hand, a ``postconf`` without
    ``-x``) is Postfix's default, ``postfix``, unless it is a plain name."""
    value = value.strip()
    return value if value and "$" not in value and "{" not in value else "postfix"


def programs(name: str) -> list[str]:
    """The syslog tags' program parts of the services spamtrace reads (``postfix/smtpd``)."""
    return [f"{name}/{service}" for service in SERVICES]


def every_program(per_program: Sequence[Sequence[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The files (file, ``path:line``) found for every program of ``per_program`` (each
    program's files, nearest first): in the order of the first program's; a file only one
    service's lines go to (``postfix/smtpd`` alone) is not Postfix's log."""
    if not per_program:
        return []
    rest = [{f for f, _ in files} for files in per_program[1:]]
    return [(f, where) for f, where in per_program[0] if all(f in r for r in rest)]


#: ``maillog_file`` values that are a process's standard output or error, whatever is there
_OUTPUT = re.compile(r"/dev/std(out|err)\b|/dev/fd/[12]$|/proc/(self|\d+)/fd/[12]$")


def is_output(path: str) -> bool:
    """Is ``path`` a process's standard output or error by its name (``/dev/stdout``)?"""
    return _OUTPUT.match(path) is not None


def postfix_log(
    values: Mapping[str, str],
    syslog_files: Sequence[tuple[str, str]],
    *,
    journal: bool,
    source: str = "postconf -x",
    stream: str | None = None,
) -> PostfixLog:
    """Where Postfix logs, from its settings ``values`` (:func:`settings`; ``source``: where
    they were read), the files the syslog daemon writes its lines to (:func:`every_program`
    over its services) and whether this host has a journal that gets syslog's lines.
    ``stream``: what ``maillog_file`` is when it is there and no regular file (``a character
    device``, ``a FIFO``, ``a link to /dev/stdout``): no file to read either (:data:`STDOUT`)."""
    maillog = values.get("maillog_file", "").strip()
    facility = values.get("syslog_facility", "").strip() or "mail"
    name = syslog_name(values.get("syslog_name", ""))
    ev = [f"{source}: maillog_file = {maillog}"]
    if is_output(maillog):
        ev.append("Postfix writes its log to its standard output (a container's log, or the "
                  "journal of a `postfix start-fg` service)")  # fmt: skip
        return PostfixLog(
            STDOUT, None,
            f"Postfix logs to its standard output (maillog_file = {maillog}), not to a file",
            tuple(ev),
        )  # fmt: skip
    if maillog.startswith("/") and stream:
        ev.append(f"{maillog} is {stream}, not a regular file: reading it would read a "
                  "terminal, a pipe or nothing, not Postfix's log")  # fmt: skip
        return PostfixLog(
            STDOUT, None,
            f"Postfix logs to {maillog}, {stream}, not to a regular file (maillog_file)",
            tuple(ev),
        )  # fmt: skip
    if maillog.startswith("/"):
        return PostfixLog(
            FILE, maillog, f"Postfix writes its own log file (maillog_file = {maillog})",
            tuple(ev),
        )  # fmt: skip
    if maillog:
        ev.append(f"maillog_file = {maillog} is no absolute path: Postfix refuses it")
    ev.append(f"{source}: syslog_facility = {facility}, syslog_name = {name}")
    tags = f"{name}/*"
    if syslog_files:
        file, where = syslog_files[0]
        ev += [f"{w}: the syslog daemon writes Postfix's lines to {f}" for f, w in syslog_files]
        return PostfixLog(
            SYSLOG, file,
            f"Postfix logs through syslog (facility {facility}, {tags}): {where} writes its "
            f"lines to {file}",
            tuple(ev),
        )  # fmt: skip
    services = ", ".join(programs(name))
    ev.append(
        f"no file of the syslog daemon's configuration (rsyslog, syslog-ng) gets the lines of "
        f"facility {facility} from {services}"
    )
    if journal:
        return PostfixLog(
            JOURNAL, None,
            f"Postfix logs through syslog (facility {facility}, {tags}) to the journal only: "
            f"no syslog daemon writes its lines to a file (journalctl -t {name}/smtpd shows "
            "them)",
            tuple(ev),
        )  # fmt: skip
    return PostfixLog(
        UNKNOWN, None,
        f"Postfix logs through syslog (facility {facility}, {tags}), to no file the syslog "
        "daemon's configuration names",
        tuple(ev),
    )  # fmt: skip


#: the master.cf service through which Postfix >= 3.4 writes ``maillog_file`` (postlogd;
#: ``postlog_service_name``, its name, is ``postlog``), as Postfix's own master.cf has it
POSTLOG_LINE = "postlog   unix-dgram n  -       n       -       1       postlogd"


@dataclass(frozen=True, slots=True)
class MasterService:
    """One service of master.cf: its name, type, command (with its arguments) and line."""

    name: str
    type: str
    command: str
    line: int


def master_services(text: str) -> list[MasterService]:
    """The services of master.cf (or of ``postconf -M``, one a line): a line that starts
    with blanks continues the service before it (its ``-o`` options), ``#`` starts a
    comment line; fields: service, type, private, unpriv, chroot, wakeup, maxproc,
    command + args. A line of fewer fields is not a service."""
    out: list[MasterService] = []
    entry: list[str] = []
    first = 0

    def done() -> None:
        if len(entry) >= 8:
            out.append(MasterService(entry[0], entry[1], " ".join(entry[7:]), first))

    for n, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if raw[0] in " \t" and entry:
            entry += stripped.split()
            continue
        done()
        entry, first = stripped.split(), n
    done()
    return out


def postlog_service(text: str) -> MasterService | None:
    """master.cf's ``postlog`` service of type ``unix-dgram`` (None: there is none)."""
    return next(
        (s for s in master_services(text) if s.name == "postlog" and s.type == "unix-dgram"),
        None,
    )


#: what to do when Postfix writes its log to its standard output (a container, ``postfix
#: start-fg``) or another stream: :data:`STDOUT`
STDOUT_FIX = (
    "set `postconf -e maillog_file=/var/log/postfix.log` (a regular file; in a container, one "
    "on a volume the host's spamtrace reads) and `postfix reload`, and [mail] postfix_logs to "
    "that file (`watch` and the daemon follow files and the journal's syslog lines, no "
    "container's output); to look now, save what Postfix wrote where its output goes and give "
    "it to mail: `docker logs CONTAINER > postfix.log 2>&1` (a container; `podman logs` "
    "alike) or `journalctl -u postfix -o cat > postfix.log` (a `postfix start-fg` service), "
    "then `spamtrace mail --postfix-log postfix.log`"
)


def fix_of(log: PostfixLog) -> str:
    """What to do when Postfix's log is in no file spamtrace reads (lower case first)."""
    return STDOUT_FIX if log.how == STDOUT else FIX


#: what to do when Postfix's log is in no file spamtrace can read
FIX = (
    "set `postconf -e maillog_file=/var/log/postfix.log` (Postfix >= 3.4; with the `postlog` "
    "service of master.cf) and `postfix reload`, or install rsyslog (its `mail.*` rule "
    "writes /var/log/mail.log), or set [mail] postfix_logs to the file your syslog daemon "
    "writes Postfix's lines to"
)
