"""The mail engine behind `spamtrace mail` and `check`'s "through the MTA" section.

Pipeline (:func:`collect`): the configured logs that exist (``[mail]``, or the paths given on
the command line) and their rotated copies written since ``since`` are read
(:mod:`spamtrace.sources.maillog`), the lines of each message joined and summed per sender
(:class:`spamtrace.attribution.mail.MailLedger`), and each message given to the policy
(:class:`spamtrace.policy.mail.MailPolicy`), which opens ``mail-script`` / ``mail-auth``
incidents. Then :func:`scan_senders` ranks the working folders of the top local senders
without a known script with the PHP scanner (the likely script; a malicious one is a
``mail-script`` incident), and :func:`queue_state` counts the MTA's queue (``exim -bpc`` /
``postqueue -j``). The JSON and human views of a :class:`MailReport` are in
:mod:`spamtrace.render.mail`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import stat
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from spamtrace.errors import RuntimeFailure, UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spamtrace.attribution.accounts import AccountResolver
    from spamtrace.attribution.mail import MailLedger, SenderTotals
    from spamtrace.config import Config
    from spamtrace.policy.mail import AllowedSenders, MailIncident, MailPolicy, MailThresholds
    from spamtrace.sources.maillog.reader import LogCounts, LogSpec

#: default time for scanning senders' folders (seconds)
SCAN_BUDGET = 3.0
#: local senders whose folder is scanned for the likely script (biggest first)
SCAN_TOP = 10
#: seconds the MTA has to count its queue
QUEUE_TIMEOUT = 10.0
#: where the PHP configuration is looked for (tests: a fixture tree)
PHP_CONFIG_ROOT = "/"
#: ``config show``'s origin of ``[mail] php_logs`` when they were found, not configured
PHP_FOUND = "found in the PHP configuration (mail.log)"
#: ``config show``'s origin of ``[mail] exim_logs`` when found in Exim's configuration
EXIM_FOUND = "found in Exim's configuration (log_file_path)"
#: the origin of ``[mail] exim_logs`` when Exim names a main log it has not written yet: the
#: daemon follows it from its first line (``mail`` and ``check`` say it is not written yet)
EXIM_WAITING = "named by Exim's configuration (log_file_path), not written yet"
#: what the daemon says of a mail log named by hand or by Exim's or PHP's configuration that
#: is not there yet (:func:`waiting_logs`)
NOT_THERE_YET = "is not there yet: followed from its first line once it appears"
#: where the syslog daemon's configuration is looked for (tests: a fixture tree)
SYSLOG_CONFIG_ROOT = "/"
#: Exim's command names on PATH, asked where it logs (tests: none, or ``[mail] exim_command``)
EXIM_CANDIDATES = ("exim4", "exim")
#: Postfix's ``postconf`` on PATH, asked where Postfix logs (tests: none, or a stand-in)
POSTCONF_CANDIDATES = ("postconf",)
#: ``config show``'s origin of ``[mail] postfix_logs`` when found where Postfix logs
POSTFIX_FOUND = "found where Postfix logs (maillog_file, or the syslog daemon's configuration)"
#: ... and when that file is not written yet (the daemon follows it once it appears)
POSTFIX_WAITING = "named where Postfix logs, not written yet"
#: ... and when Postfix logs to the journal alone (read with journalctl)
POSTFIX_JOURNAL = "found where Postfix logs (the journal alone: read with journalctl)"
#: journalctl on PATH, which reads Postfix's lines from the journal (tests: none)
JOURNALCTL_CANDIDATES = ("journalctl",)
#: what `mail` says on a server whose config says it runs no MTA
NO_MTA = (
    'this server runs no MTA ([mta] kind = "none"): the MTA half (its logs, its queue) is not '
    "watched; only PHP's mail.log is read"
)


@dataclass(slots=True)
class MailReport:
    since: float | None
    logs: list[LogCounts]
    ledger: MailLedger
    incidents: list[MailIncident]
    thresholds: MailThresholds
    accounts: dict[int, str] = field(default_factory=dict)
    #: the site's account of a web server user's sender (``[accounts] web_users``: PHP as
    #: mod_php), by its script's or folder's path, as ``check`` attributes its processes
    sites: dict[tuple[str, str | None, str | None], str] = field(default_factory=dict)
    mailboxes: dict[str, str | None] = field(default_factory=dict)  # auth user -> account
    scripts: dict[tuple[str, str | None, str | None], dict[str, Any]] = field(default_factory=dict)
    queue: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    scan: dict[str, Any] | None = None
    #: per sender whose folder was scanned: the folder's symlinks that point where a site
    #: must not reach (a symlink attack, ``link.sensitive-target``; :func:`scan_senders`)
    links: dict[tuple[str, str | None, str | None], list[dict[str, Any]]] = field(
        default_factory=dict
    )


#: what a rotated copy's suffix says wrote it
_PACKED = {".gz": "gzip", ".xz": "xz", ".bz2": "bzip2", ".zst": "zstd"}


@dataclass(frozen=True, slots=True)
class PhpMailLogs:
    """What the PHP configuration says of its ``mail.log`` files, read once per run
    (:func:`php_config`): each file and where it is set, and the chroot of the FPM pool
    that writes a file (its lines name scripts by their path inside the chroot)."""

    #: (file, where it is set) of every ``mail.log`` that writes to a file
    files: tuple[tuple[str, str], ...] = ()
    #: {mail.log file: the chroot of the FPM pool that writes it}
    roots: Mapping[str, str] = field(default_factory=dict)
    #: {mail.log file: the ``user =`` of the FPM pools that write it, when they are one user's}
    users: Mapping[str, str] = field(default_factory=dict)


def php_config() -> PhpMailLogs:
    """The PHP configuration's ``mail.log`` files, as ``audit`` finds them: php.ini and its
    scan folder per SAPI, FPM pools (``php_admin_value[mail.log]``, ``$pool`` expanded), pool
    files named by ``include=``; each pool's ``chroot =``. One read of every file, for both."""
    from spamtrace.audit.files import RootFiles
    from spamtrace.audit.php import (
        gather_configs,
        mail_log_files,
        mail_log_roots,
        mail_log_users,
    )

    sapis, pools = gather_configs(RootFiles(PHP_CONFIG_ROOT))
    files = tuple((s.value, f"{s.path}:{s.line}") for s in mail_log_files(sapis, pools))
    return PhpMailLogs(files, mail_log_roots(sapis, pools), mail_log_users(sapis, pools))


def with_php_logs(cfg: Config, php: PhpMailLogs | None = None) -> tuple[Config, list[str]]:
    """``cfg`` with ``[mail] php_logs`` found in the PHP configuration (``php``, else read
    now: :func:`php_config`) when it is empty; a configured list is used as it is (it replaces
    what would be found, as ``exim_logs`` replaces its defaults). Also notes on the found files
    that are not there yet (PHP creates one at the first ``mail()`` call): a note, never a
    failure."""
    if cfg.mail.php_logs:
        return cfg, []
    found = (php or php_config()).files
    if not found:
        return cfg, []
    notes = [
        f"PHP mail.log {path} (set in {where}) does not exist yet: PHP creates it at the "
        "first mail() call"
        for path, where in found
        if not os.path.lexists(path)
    ]
    mail = replace(cfg.mail, php_logs=[path for path, _where in found])
    return replace(cfg, mail=mail, sources={**cfg.sources, "mail.php_logs": PHP_FOUND}), notes


def with_found_logs(cfg: Config, php: PhpMailLogs | None = None) -> tuple[Config, list[str]]:
    """``cfg`` with the logs to read as this server has them: none of the MTA's with ``[mta]
    kind = "none"``; Exim's main log where Exim's configuration puts it
    (:func:`with_exim_logs`); PHP's mail.log files (:func:`with_php_logs`; ``php``: the PHP
    configuration already read, else read here when needed). Also notes."""
    notes: list[str] = []
    if cfg.mta.kind == "none":
        mail = replace(cfg.mail, exim_logs=[], postfix_logs=[])
        cfg = replace(cfg, mail=mail)
        notes.append(NO_MTA)
    else:
        cfg, notes = with_exim_logs(cfg)
        cfg, postfix = with_postfix_logs(cfg)
        notes += postfix
    cfg, more = with_php_logs(cfg, php)
    return cfg, notes + more


def with_postfix_logs(cfg: Config) -> tuple[Config, list[str]]:
    """``cfg`` with ``[mail] postfix_logs`` where this host's Postfix logs, when the key is
    not configured and Postfix is installed (``postconf`` on PATH): its own file
    (``maillog_file``), or the file the syslog daemon writes its lines to (rsyslog,
    syslog-ng: every service's, ``postfix/smtpd``...). A note says which file is read and
    why; when Postfix's log is in no file (the journal alone, its standard output, a file
    spamtrace cannot find), the note says so and what to set, and the defaults are read as
    they are."""
    if cfg.is_set("mail.postfix_logs") or not POSTCONF_CANDIDATES:
        return cfg, []
    postconf = _which(*POSTCONF_CANDIDATES)
    if not postconf:
        return cfg, []
    from spamtrace.audit.eximhost import file_there
    from spamtrace.audit.files import RootFiles
    from spamtrace.audit.postfixhost import postfix_logging
    from spamtrace.audit.postfixlog import JOURNAL, fix_of, syslog_name
    from spamtrace.sources.maillog.journal import journal_path

    logging = postfix_logging(postconf, RootFiles(SYSLOG_CONFIG_ROOT), timeout=QUEUE_TIMEOUT)
    unread = [f"the syslog daemon's configuration: {n}" for n in logging.syslog_notes]
    log = logging.log
    if log is None:
        return cfg, [f"could not ask Postfix where it logs: {logging.error}", *unread]
    if log.file is None and log.how == JOURNAL:
        journalctl = cfg.mail.journalctl_command or _which(*JOURNALCTL_CANDIDATES)
        if journalctl:
            path = journal_path(syslog_name(logging.values.get("syslog_name", "")))
            mail = replace(cfg.mail, postfix_logs=[path], journalctl_command=journalctl)
            sources = {**cfg.sources, "mail.postfix_logs": POSTFIX_JOURNAL}
            note = (
                f"{log.why}: its lines are read from the journal with journalctl (set [mail] "
                "postfix_logs to name a file yourself)"
            )
            return replace(cfg, mail=mail, sources=sources), [note, *unread]
    if log.file is None:
        return cfg, [f"{log.why}: spamtrace reads files: {fix_of(log)}", *unread]
    if log.file in cfg.mail.exim_logs:  # Exim's too (both MTAs through one file): Exim's
        return cfg, unread
    if file_there(log.file) is False:
        mail = replace(cfg.mail, postfix_logs=[log.file])
        sources = {**cfg.sources, "mail.postfix_logs": POSTFIX_WAITING}
        note = (
            f"Postfix's log {log.file} is not written yet: it is read once Postfix writes it "
            f"({log.why})"
        )
        return replace(cfg, mail=mail, sources=sources), [note, *unread]
    note = (
        f"{log.why}: {log.file} is read as Postfix's log (set [mail] postfix_logs to name it "
        "yourself)"
    )
    mail = replace(cfg.mail, postfix_logs=[log.file])
    sources = {**cfg.sources, "mail.postfix_logs": POSTFIX_FOUND}
    return replace(cfg, mail=mail, sources=sources), [note, *unread]


#: what the note on Exim logging to journald alone says (carried into the exit 3 line)
EXIM_JOURNAL_ONLY = "to the journal only"


def _journal_alone() -> bool:
    """journald runs here and no syslog daemon's configuration is there (Debian 12 without
    rsyslog): lines sent through syslog are in the journal alone."""
    from spamtrace.audit.files import RootFiles
    from spamtrace.audit.postfixhost import journal_there

    files = RootFiles(SYSLOG_CONFIG_ROOT)
    daemons = ("/etc/rsyslog.conf", "/etc/syslog-ng/syslog-ng.conf")
    return journal_there(files) and not any(files.glob(path) for path in daemons)


def with_exim_logs(cfg: Config) -> tuple[Config, list[str]]:
    """``cfg`` with ``[mail] exim_logs`` where Exim's ``log_file_path`` says it writes its main
    log, when the key is not configured and none of its defaults is there: through syslog
    (``log_file_path = syslog``), the file rsyslog writes Exim's facility to
    (``/var/log/mail.log`` on Debian, ``/var/log/maillog`` on RHEL); a path of its own, with
    ``%s`` as ``main``. A note says what was found, or which setting to set."""
    if cfg.is_set("mail.exim_logs"):
        return cfg, []
    if any(os.path.lexists(path) for path in cfg.mail.exim_logs):
        return cfg, []
    exim = cfg.mail.exim_command or (_which(*EXIM_CANDIDATES) if EXIM_CANDIDATES else [])
    if not exim:
        return cfg, []
    from spamtrace.audit.eximhost import exim_logging, file_there
    from spamtrace.audit.eximlog import NOT_WRITTEN, exim_main_logs, to_syslog
    from spamtrace.audit.files import RootFiles

    logging = exim_logging(exim, RootFiles(SYSLOG_CONFIG_ROOT), timeout=QUEUE_TIMEOUT)
    value = logging.log_file_path
    if value is None:
        return cfg, []
    facility = logging.syslog_facility or "mail"
    found, _ev, _ = exim_main_logs(value, logging.syslog_files)
    unread = [f"the syslog daemon's configuration: {n}" for n in logging.syslog_notes]
    if found is None:
        if not to_syslog(value):
            return cfg, unread
        if _journal_alone():
            return cfg, [
                f"Exim logs through syslog (log_file_path = {value}) {EXIM_JOURNAL_ONLY}: no "
                "syslog daemon (rsyslog, syslog-ng) is set up to write its lines to a file "
                "(journalctl -t exim shows them, with Exim's syslog_processname), and "
                "spamtrace reads Exim's main log from a file: set Exim's log_file_path to "
                "one (/var/log/exim4/%slog) and restart Exim, or install rsyslog (it writes "
                "the mail facility to /var/log/mail.log, found by itself)",
                *unread,
            ]
        return cfg, [
            f"Exim logs through syslog (log_file_path = {value}), to no file the syslog "
            f"daemon's configuration (rsyslog, syslog-ng) names for its facility {facility} "
            "or its program name: set [mail] exim_logs to the file it is written to",
            *unread,
        ]
    if file_there(found) is False:  # as audit's mta.exim-log-file says it
        waiting = replace(cfg.mail, exim_logs=[found])
        sources = {**cfg.sources, "mail.exim_logs": EXIM_WAITING}
        note = f"Exim's main log {found} {NOT_WRITTEN} (log_file_path = {value})"
        return replace(cfg, mail=waiting, sources=sources), [note, *unread]
    if found in cfg.mail.exim_logs or not os.path.isfile(found):
        return cfg, unread  # one of the defaults (read as it is), or no file
    through = any(found == f for f, _ in logging.syslog_files)
    how = "through syslog" if through else "to a file of its own"
    note = (
        f"Exim logs {how} (log_file_path = {value}): {found} is read as its main log (set "
        "[mail] exim_logs to name it yourself)"
    )
    mail = replace(cfg.mail, exim_logs=[found])
    sources = {**cfg.sources, "mail.exim_logs": EXIM_FOUND}
    return replace(cfg, mail=mail, sources=sources), [note, *unread]


def waiting_logs(
    cfg: Config, roots: Mapping[str, str] | None = None, users: Mapping[str, str] | None = None
) -> list[LogSpec]:
    """The logs of ``cfg`` that are named, by hand (``[mail] exim_logs``, ``postfix_logs``,
    ``php_logs``) or as found in Exim's or PHP's configuration (:func:`with_found_logs`), and
    are not there yet: the daemon follows them from their first line once they appear (a
    fresh Exim's main log, a PHP mail.log before the first ``mail()`` call). Not the built-in
    defaults, which list every layout's file: only the one there is read. ``roots``: {PHP
    mail.log file: the chroot of the FPM pool that writes it}; ``users``: {PHP mail.log file:
    the one user of the pools that write it}."""
    from spamtrace.sources.maillog.kinds import LOG_KINDS
    from spamtrace.sources.maillog.reader import LogSpec, names_journal

    out: list[LogSpec] = []
    for kind, key in (("exim", "exim_logs"), ("postfix", "postfix_logs"), ("php", "php_logs")):
        # named: by a config layer or a flag, or as found (EXIM_WAITING, PHP_FOUND)
        if cfg.sources.get(f"mail.{key}", "default") == "default":
            continue
        for path in getattr(cfg.mail, key):
            if os.path.lexists(path) or any(s.path == path for s in out):
                continue
            if names_journal(kind, path):
                continue  # the journal: no file to wait for
            if LOG_KINDS[kind].names_scripts:
                out.append(
                    LogSpec(path, kind, (roots or {}).get(path, ""), (users or {}).get(path, ""))
                )
            else:
                out.append(LogSpec(path, kind))
    return out


def specs_of(
    cfg: Config, given: dict[str, Sequence[str]] | None = None, php: PhpMailLogs | None = None
) -> list[LogSpec]:
    """The logs to read: those ``given`` per kind (``exim``, ``postfix``, ``php``; each must
    exist), else the configured ones that exist. ``php``: the PHP configuration already read
    (the chroots of the pools writing PHP logs), else read here when a PHP log is read."""
    from spamtrace.sources.maillog.kinds import LOG_KINDS
    from spamtrace.sources.maillog.reader import (
        LogSpec,
        configured,
        names_journal,
        without_rotated_copies,
    )

    for kind, paths in (given or {}).items():
        if any(not path for path in paths):  # abspath("") would be the current folder
            raise UsageError(f"--{kind}-log: an empty path (give the log file)")
    pools = PhpMailLogs()
    if (given or {}).get("php") or cfg.mail.php_logs:
        pools = php or php_config()
    roots, users = pools.roots, pools.users
    # --postfix-log journal: Postfix's lines in the journal (a file of that name: ./journal)
    journals = list(dict.fromkeys(
        LogSpec(path, kind) for kind, paths in (given or {}).items() for path in paths
        if names_journal(kind, path)
    ))  # fmt: skip
    specs = [
        LogSpec(os.path.abspath(path), kind)
        for kind in ("exim", "postfix", "php")
        for path in (given or {}).get(kind) or ()
        if not names_journal(kind, path)
    ]
    specs = [
        replace(s, root=roots.get(s.path, ""), user=users.get(s.path, ""))
        if LOG_KINDS[s.kind].names_scripts
        else s
        for s in specs
    ]
    if specs or journals:
        seen: dict[tuple[int, int], LogSpec] = {}  # a file given again (./x, a link): once
        for spec in specs:
            try:
                st = os.stat(spec.path)
            except PermissionError as exc:  # there, in a folder this user may not look into
                why = exc.strerror or "Permission denied"
                raise RuntimeFailure(f"cannot read {spec.path}: {why}{not_read_hint()}") from None
            except OSError as exc:
                what = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror
                raise UsageError(f"--{spec.kind}-log {spec.path}: {what}") from None
            if not stat.S_ISREG(st.st_mode):
                what = "not a regular file" + (" (a directory)" if stat.S_ISDIR(st.st_mode) else "")
                raise UsageError(f"--{spec.kind}-log {spec.path}: {what}")
            first = seen.setdefault((st.st_dev, st.st_ino), spec)
            if first.kind != spec.kind:
                raise UsageError(
                    f"{spec.path}: given as --{first.kind}-log and --{spec.kind}-log (one file "
                    "is a log of one kind)"
                )
        return [*without_rotated_copies(list(seen.values())), *journals]
    return configured(cfg.mail, roots=roots, users=users)


#: the name of each kind of mail log in a note
_KIND_NAMES = {"exim": "Exim", "postfix": "Postfix", "php": "PHP"}


def logs_not_files(cfg: Config) -> list[str]:
    """A note for each mail log named (by a config layer or a flag, or as found, not the
    built-in defaults) that is there and no regular file: a folder, a FIFO, ``/dev/null``,
    a link to ``/dev/stdout``. Such a log is never opened (a FIFO would hang the reader, a
    link to the standard output would read spamtrace's own), and it was skipped without a
    word: ``mail`` then said "no mail log found", the daemon followed nothing."""
    from spamtrace.audit.postfixhost import stream_of

    notes: list[str] = []
    for kind, key in (("exim", "exim_logs"), ("postfix", "postfix_logs"), ("php", "php_logs")):
        if cfg.sources.get(f"mail.{key}", "default") == "default":
            continue
        for path in dict.fromkeys(getattr(cfg.mail, key)):
            what = stream_of(path)
            if what is None:  # a file, or nothing there: no word (nor the reader imported)
                continue
            from spamtrace.sources.maillog.reader import names_journal

            if not names_journal(kind, path):  # ("journal": a folder of that name is none)
                notes.append(
                    f"{_KIND_NAMES[kind]} mail log {path} is {what}, not a regular file: not "
                    f"read ([mail] {key} names the file the log is written to)"
                )
    return notes


def unreadable_logs(cfg: Config) -> list[tuple[str, str]]:
    """The configured mail logs that are there but that this process may not read, with
    why: without root, ``/var/log/exim4`` cannot even be looked into, and such a log must not
    read as "no log" (nor its senders as none)."""
    out: list[tuple[str, str]] = []
    for path in (*cfg.mail.exim_logs, *cfg.mail.postfix_logs, *cfg.mail.php_logs):
        try:
            os.stat(path)
        except PermissionError as exc:
            out.append((path, exc.strerror or "Permission denied"))
            continue
        except OSError:
            continue
        if os.path.isfile(path) and not os.access(path, os.R_OK):
            out.append((path, "Permission denied"))
    return out


def _no_mta(cfg: Config) -> str:
    """What to say when no MTA log was found on a server where no MTA is installed."""
    from spamtrace.attribution.mta import detect_mta

    if detect_mta(cfg.mta).kind is not None:
        return ""
    return (
        "; no MTA is installed here either: if this server runs none (its mail leaves "
        'through a smarthost elsewhere, or it sends none), set [mta] kind = "none"'
    )


def not_read_hint() -> str:
    """What to do about a log this process may not read."""
    if os.geteuid() == 0:
        return ""
    return " (run as root, or as a member of the log's group)"


def read_logs(cfg: Config, given: dict[str, Sequence[str]], since: float | None) -> MailReport:
    """`mail`'s report of the logs ``given`` per kind (``exim``, ``postfix``, ``php``), else
    of the configured ones (:func:`collect`). Raises :class:`RuntimeFailure` (exit 3) when
    there is nothing to read or nothing could be read: no answer is not "nobody sent mail".
    A configured log this process may not read (no root) is said, never taken for no mail."""
    found: list[str] = []  # notes on the logs found, not configured
    # the PHP configuration, read once: its mail.log files and its pools' chroots
    php = php_config() if given.get("php") or not any(given.values()) else None
    if not any(given.values()):
        cfg, found = with_found_logs(cfg, php)
    specs = specs_of(cfg, given, php)
    # a configured log that is a folder, a FIFO, /dev/null: said, in the error too
    odd = [] if any(given.values()) else logs_not_files(cfg)
    denied = [] if any(given.values()) else unreadable_logs(cfg)
    denied = [(path, why) for path, why in denied if all(s.path != path for s in specs)]
    # raw here: an error line and a note are escaped where they are printed
    said = "; ".join(f"{path}: {why}" for path, why in denied)
    if not specs:
        if denied:
            raise RuntimeFailure(f"cannot read {said}{not_read_hint()}")
        if cfg.mta.kind == "none" and not any(given.values()):  # nothing to watch: said
            report = collect(cfg, [], since)
            report.notes += [*found, *odd, "no PHP mail.log is set either: mail() is not "
                             "watched (spamtrace audit, php.mail-log)"]  # fmt: skip
            return report
        looked = ", ".join([*cfg.mail.exim_logs, *cfg.mail.postfix_logs, *cfg.mail.php_logs])
        from spamtrace.audit.eximlog import NOT_WRITTEN

        unwritten = [n for n in found if NOT_WRITTEN in n or " is not written yet: " in n]
        if unwritten:  # the file Exim will write: no setting to change
            # and Postfix's log in no file (its standard output: a container): said too
            nofile = [f"; {n}" for n in found if ": spamtrace reads files: " in n][:1]
            nofile += [f"; {n}" for n in odd]
            raise RuntimeFailure(f"no mail log found (looked for {looked or 'nothing'}): "
                                 f"{unwritten[0]}{''.join(nofile)}")  # fmt: skip
        raise RuntimeFailure(
            f"no mail log found (looked for {looked or 'nothing'}){_no_mta(cfg)}: set [mail] "
            "exim_logs / postfix_logs / php_logs, or give --exim-log / --postfix-log / --php-log"
            + "".join([f"; {n}" for n in found if "exim_logs" in n or "postfix_logs" in n
                       or EXIM_JOURNAL_ONLY in n][:2])
            + "".join(f"; {n}" for n in odd)
        )
    report = collect(cfg, specs, since)
    if all(c.error and not c.lines for c in report.logs):
        errors = "; ".join([f"could not read {c.error}" for c in report.logs]
                           + ([f"could not read {said}"] if denied else []))  # fmt: skip
        raise RuntimeFailure(errors + (not_read_hint() if "Permission denied" in errors else ""))
    # PHP writes nothing but mail() records there; a configured file may be its error_log
    # too: asked only of a file given as --php-log
    asked = [_asked(c, bool(given.get(c.kind))) for c in report.logs]
    if report.logs and all(asked):
        # a binary file, a Postfix log given as --exim-log: no answer, not "nobody sent mail"
        raise RuntimeFailure("; ".join(a for a in asked if a) + f" ({_GIVE})")
    if denied:
        report.notes.append(f"could not read {said}{not_read_hint()}")
    for counts, question in zip(report.logs, asked, strict=True):
        if question and not counts.not_of_its_kind:  # that one is a note of collect()'s
            report.notes.append(f"{question} ({_GIVE})")
    report.notes += [*found, *odd]
    if given.get("php") and not given.get("exim") and not given.get("postfix"):
        report.notes += _mta_logs_left_out(cfg)
    return report


def _mta_logs_left_out(cfg: Config) -> list[str]:
    """A note naming the MTA's logs that ``mail --php-log FILE`` (no --exim-log or
    --postfix-log) did not read: a log given on the command line replaces every configured
    one, so the report held the PHP lines alone (messages the MTA logged from other senders,
    ``sendmail`` calls and SMTP AUTH among them, were not counted) without a word of it."""
    if cfg.mta.kind == "none":
        return []
    from spamtrace.sources.maillog.reader import configured

    mta, _ = with_exim_logs(cfg)
    mta, _ = with_postfix_logs(mta)
    left = configured(replace(mta.mail, php_logs=[]))
    if not left:
        return []
    flags = " ".join(f"--{s.kind}-log {s.path}" for s in left)
    names = ", ".join(f"{_KIND_NAMES[s.kind]}'s {s.path}" for s in left)
    return [
        f"only the PHP log(s) given were read, not the MTA's log ({names}): the messages it "
        f"logged of other senders (sendmail, SMTP AUTH) are not counted; add {flags} to "
        "read it too"
    ]


def _asked(counts: LogCounts, given: bool) -> str:
    """Whether ``counts``' log is one of its kind, asked when nothing in it reads so ("":
    not asked); ``given``: the file was given by hand as a log of its kind."""
    from spamtrace.sources.maillog.kinds import LOG_KINDS

    if counts.not_of_its_kind:
        return (
            f"{counts.path}: none of its {counts.lines} line(s) reads as {_KIND[counts.kind]} "
            "log line: is it one?"
        )
    shared = LOG_KINDS[counts.kind].shares_its_file
    if shared and given and counts.lines and not counts.events:
        return (
            f"{counts.path}: none of its {counts.lines} line(s) is a PHP mail() record: is it "
            "a PHP mail.log?"
        )
    return ""


def collect(
    cfg: Config, specs: list[LogSpec], since: float | None, *, recent: bool = False
) -> MailReport:
    """Read the logs, join and sum the messages, run the policy (see the module docstring)."""
    from spamtrace.attribution.accounts import AccountResolver
    from spamtrace.attribution.mail import MailLedger, passwd_homes
    from spamtrace.policy.mail import MailPolicy, MailThresholds
    from spamtrace.sources.maillog.event import unnamed_login
    from spamtrace.sources.maillog.kinds import LOG_KINDS
    from spamtrace.sources.maillog.reader import log_reader, merged_batches
    from spamtrace.sources.maillog.tail import MAX_LINE

    thresholds = MailThresholds.from_config(cfg.mail)
    resolver = AccountResolver(cfg.accounts)
    allow = allowed_senders(cfg, resolver)
    # the incidents are read at the end
    policy = MailPolicy(thresholds, updates=False, allow=allow)

    # the policy sees one window more than --since (its windows are full at --since); a
    # mailbox's hourly history is what the logs read hold (the daemon learns it as it runs)
    history = None if since is None else since - thresholds.window
    journalctl = cfg.mail.journalctl_command
    readers = [log_reader(s, history, recent=recent, journalctl=journalctl) for s in specs]
    homes, uids = passwd_homes()
    php_only = not any(LOG_KINDS[s.kind].has_queue_ids for s in specs)
    ledger = MailLedger(
        since=since,
        homes=homes,
        uids=uids,
        on_message=policy.observer(),  # what they return is for the live follower
        on_recipient=policy.recipient,
        php_only=php_only,
        owner_of_path=lambda path: getattr(resolver.for_path(path), "name", None),
    )
    with _no_collections():
        if len(readers) == 1:  # one log: its reader feeds the ledger (Exim: in one C pass)
            readers[0].feed(ledger)
        else:
            for batch in merged_batches(readers):
                ledger.feed(batch)
    incidents = [i for i in policy.all_incidents() if since is None or i.last_seen >= since]
    report = MailReport(since, [r.counts for r in readers], ledger, incidents, thresholds)
    for key, totals in ledger.senders.items():
        if totals.uid is not None and totals.uid not in report.accounts:
            account = resolver.for_uid(totals.uid)
            report.accounts[totals.uid] = account.name if account else (totals.user or "")
        name = report.accounts.get(totals.uid) if totals.uid is not None else totals.user
        if totals.auth_user is None and name in cfg.accounts.web_users:
            site = resolver.for_paths((totals.script, totals.cwd))
            if site is not None:
                report.sites[key] = site.name
        box = totals.auth_user
        driver = unnamed_login(box)
        if driver is not None and box not in report.mailboxes:
            report.notes.append(
                f"{box}: logins through Exim's authenticator {driver}, which logs no id: give "
                "it server_set_id = $auth1 to see which mailboxes they are"
            )
        if box is not None and box not in report.mailboxes:  # the panel's owner of its domain
            owner = resolver.for_domain(box.rpartition("@")[2]) if "@" in box else None
            report.mailboxes[box] = owner.name if owner is not None else None
    if history is not None and not recent:  # check reads its minutes: no rate to judge there
        report.notes += unjudged_rates(ledger.senders, incidents, thresholds, policy, allow)
    for box, (entry, why) in policy.spared.items():
        report.notes.append(
            f"{box}: went above a volume limit (first: {why}) but is not flagged: its volume is "
            f"allowed ([submission] allow_accounts: {entry})"
        )
    for counts in report.logs:
        if counts.error:
            report.notes.append(f"could not read {counts.error}")
        if counts.unfinished:
            report.notes.append(
                f"{counts.path}: its last line has no newline yet (being written): left for "
                "the next read"
            )
        for path in counts.plain:  # delaycompress misnamed, a copy made by hand
            kind = next((v for k, v in _PACKED.items() if path.endswith(k)), "compressed")
            report.notes.append(f"{path}: not {kind} despite its name: read as text")
        if counts.not_of_its_kind:
            report.notes.append(  # most likely a log of another kind (or not a mail log)
                f"{counts.path}: none of its {counts.lines} line(s) reads as {_KIND[counts.kind]}"
                f" log line: is it one? ({_GIVE})"
            )
        elif counts.malformed:
            report.notes.append(f"{counts.path}: {counts.malformed} malformed line(s) skipped")
        if counts.long_lines and LOG_KINDS[counts.kind].drops_long_lines:  # none of the MTA's
            report.notes.append(
                f"{counts.path}: {counts.long_lines} over-long line(s) (over "
                f"{MAX_LINE // 1024} KiB, longer than the MTA writes) not read"
            )
        elif counts.long_lines:  # PHP's: a call with a Bcc: of thousands, read as far as kept
            report.notes.append(
                f"{counts.path}: {counts.long_lines} over-long line(s) cut at "
                f"{MAX_LINE // 1024} KiB: read as far as kept (recipients after the cut are "
                "not counted)"
            )
    return report


#: mailboxes named in the note of :func:`unjudged_rates` (the biggest; the others counted)
UNJUDGED_NAMED = 3


def unjudged_rates(
    senders: Mapping[tuple[str, str | None, str | None], SenderTotals],
    incidents: Iterable[MailIncident],
    t: MailThresholds,
    policy: MailPolicy,
    allow: AllowedSenders,
) -> list[str]:
    """A note naming the mailboxes whose rate was compared with their usual one nowhere: at
    least ``auth_min_messages`` read, no incident, a volume not allowed, and less than a day
    of its history in the logs read before the window of its last message
    (:data:`~spamtrace.policy.mail.MIN_HISTORY_HOURS`, :meth:`MailPolicy.rate_judged`).
    ``mail --since 24h`` reads about a day: no mailbox's rate was judged, and nothing said so
    (a mailbox that sends two messages an hour sent 60 in half an hour, unflagged)."""
    from spamtrace.policy.mail import MIN_HISTORY_HOURS

    flagged = {i.auth_user for i in incidents if i.auth_user is not None}
    boxes = sorted(
        (
            s for key, s in senders.items()
            if s.auth_user is not None and s.auth_user not in flagged
            and s.messages >= t.auth_min_messages
            and not policy.rate_judged(key, s.last_seen)
            and allow.entry(s.auth_user) is None
        ),
        key=lambda s: (-s.messages, s.auth_user or ""),
    )  # fmt: skip
    if not boxes:
        return []
    named = ", ".join(f"{s.auth_user} ({s.messages} message(s))" for s in boxes[:UNJUDGED_NAMED])
    more = f" and {len(boxes) - UNJUDGED_NAMED} more" if len(boxes) > UNJUDGED_NAMED else ""
    return [
        f"{named}{more}: not compared with the mailbox's usual rate (mail.auth_rate_factor = "
        f"{t.auth_rate_factor:g}): that needs {MIN_HISTORY_HOURS} h of its history before the "
        "hour judged, more than the logs read here hold; --since 2d or more judges it (7d: "
        "the whole mail.history_hours)"
    ]


_KIND = {"exim": "an Exim main", "postfix": "a Postfix", "php": "a PHP mail.log"}
_GIVE = "--exim-log for an Exim main log, --postfix-log for a Postfix one, --php-log for PHP's"


@contextlib.contextmanager
def _no_collections() -> Iterator[None]:
    """Pause the cyclic garbage collector while the logs are read (and restore it after).

    Reading a log keeps some 100,000s of objects alive (open messages, windows) and makes
    millions of short-lived ones; the collector's young-generation walks over them took
    about 0.1 s of a million-line read even when run every 100,000 allocations, not 700,
    and found next to nothing (a few hundred objects in all): what the read makes holds no
    reference cycles, so reference counting frees it (the events are untracked tuples;
    messages, windows and sums point one way only). Memory stays bounded; any cycle made
    meanwhile is collected once the collector is back on.

    What the read kept is then moved to the oldest generation, as surviving young
    collections would have moved it, but without a walk over it (``freeze`` + ``unfreeze``):
    the first young collection after the read would otherwise walk all of it at once."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_on:
            gc.enable()


def allowed_senders(cfg: Config, resolver: AccountResolver) -> AllowedSenders:
    """``[submission] allow_accounts`` for the mail policy, with the panel's owner of a
    mailbox's domain (:meth:`AccountResolver.for_domain`, looked up once per domain)."""
    from spamtrace.policy.mail import AllowedSenders

    return AllowedSenders.from_config(cfg, lambda d: getattr(resolver.for_domain(d), "name", None))


def recent_report(cfg: Config, php: PhpMailLogs | None = None) -> MailReport | None:
    """What ``check`` shows "through the MTA in the last N minutes": the configured logs read
    over ``mail.check_minutes``; None when there is no log, or nobody is above the ``[mail]``
    limits, every log could be read (a log that could not is said: ``logs[].error``) and no
    message came over SMTP from this host without a login (``ledger.from_this_host``).
    ``cfg``: with the PHP mail.log files found (:func:`with_php_logs`, from ``php``, the PHP
    configuration read once)."""
    specs = specs_of(cfg, php=php)
    if not specs:
        return None
    since = time.time() - cfg.mail.check_minutes * 60
    report = collect(cfg, specs, since, recent=True)
    said = report.incidents or report.ledger.from_this_host
    return report if said or any(c.error for c in report.logs) else None


def scan_senders(report: MailReport, cfg: Config, budget: float) -> None:
    """Name the likely script of the biggest local senders from their working folder; keep
    the folder's symlinks that point where a site must not reach apart (``report.links``:
    they are no script to rank, and were dropped)."""
    from spamtrace.attribution.mail import MailMessage
    from spamtrace.policy.mail import MailPolicy
    from spamtrace.suspects import scan_for_suspects

    start = time.monotonic()
    policy = MailPolicy(report.thresholds)
    scanned = 0
    notes: list[str] = []
    for key, totals in sorted(report.ledger.senders.items(), key=lambda kv: -kv[1].messages):
        if scanned >= SCAN_TOP or time.monotonic() - start > budget:
            break
        if totals.kind != "local" or not totals.cwd or totals.cwd.startswith("/var/spool"):
            continue
        left = budget - (time.monotonic() - start)
        risky: list[dict[str, Any]] = []
        files, more = scan_for_suspects([totals.cwd], budget=left, cfg=cfg.scan, links=risky)
        notes += [n for n in more if n not in notes]
        scanned += 1
        if files is not None:
            report.links[key] = risky
        if not files or files[0]["verdict"] not in ("malicious", "suspicious"):
            continue
        report.scripts[key] = files[0]
        if files[0]["verdict"] == "malicious":
            msg = MailMessage(
                "exim", None, totals.last_seen, None, totals.user, totals.uid, None, None,
                None, None, totals.cwd, (), None,
            )  # fmt: skip
            why = f"the PHP scanner calls {files[0]['path']} in its folder malicious"
            same = [i for i, inc in enumerate(report.incidents) if inc.sender == key]
            if same:  # already above a limit: one incident, one more reason
                inc = report.incidents[same[0]]
                report.incidents[same[0]] = replace(inc, reasons=(*inc.reasons, why))
            else:
                report.incidents.append(policy.malicious(msg, why).incident)
    report.notes += notes
    report.scan = {"enabled": True, "scanned": scanned, "budget_seconds": budget}


def queue_state(cfg: Config, logs: Collection[str] = ()) -> dict[str, Any] | None:
    """Messages in the MTA's queue: ``exim -bpc``, else ``postqueue -j``; None: no MTA.

    Postfix's is asked first when the logs read (``logs``: their kinds) are Postfix's and
    none Exim's, or when only ``postqueue_command`` is configured: a Postfix server may have
    an ``exim`` on PATH too (a leftover of exim4-base), whose empty queue said nothing."""
    postfix_first = ("postfix" in logs and "exim" not in logs) or (
        bool(cfg.mail.postqueue_command) and not cfg.mail.exim_command
    )
    for mta in ("postfix", "exim") if postfix_first else ("exim", "postfix"):
        state = _exim_queue(cfg) if mta == "exim" else _postfix_queue(cfg)
        if state is not None:
            return state
        if {"exim", "postfix"} & set(logs) == {mta}:
            # the logs read are this MTA's alone: the other MTA's queue (an exim left on a
            # Postfix server) is not where the senders shown queue their mail
            tool = "exim" if mta == "exim" else "postqueue"
            return {"mta": mta, "messages": None,
                    "error": f"{tool} not found ([mail] {tool}_command names it)"}  # fmt: skip
    return None


def _exim_queue(cfg: Config) -> dict[str, Any] | None:
    exim = cfg.mail.exim_command or _which("exim4", "exim")
    if exim:
        out = _run([*exim, "-bpc"])
        if isinstance(out, str) and out.strip().isdecimal():
            return {"mta": "exim", "messages": int(out.strip())}
        return {"mta": "exim", "messages": None, "error": out if isinstance(out, str) else "?"}
    return None


def _postfix_queue(cfg: Config) -> dict[str, Any] | None:
    postqueue = cfg.mail.postqueue_command or _which("postqueue")
    if postqueue:
        out = _run([*postqueue, "-j"])
        if isinstance(out, tuple):
            text = out[0]
            held = active = deferred = 0
            count = 0
            for line in text.split("\n"):  # not splitlines(): a sender may hold U+2028
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                count += 1
                name = item.get("queue_name") if isinstance(item, dict) else None
                held += name == "hold"
                active += name == "active"
                deferred += name == "deferred"
            return {
                "mta": "postfix", "messages": count, "active": active, "deferred": deferred,
                "hold": held,
            }  # fmt: skip
        return {"mta": "postfix", "messages": None, "error": out}
    return None


def _which(*names: str) -> list[str]:
    from spamtrace.actions.mailqueue import find_command

    return find_command(*names)


def _run(argv: list[str]) -> str | tuple[str]:
    """stdout as (text,) for postqueue, text for exim; an error message (str) on failure."""
    import subprocess  # here: `check` reads the logs but never the queue

    try:  # errors="replace": the senders are any bytes a local user gave sendmail -f
        proc = subprocess.run(
            argv, capture_output=True, text=True, errors="replace", timeout=QUEUE_TIMEOUT,
            check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{argv[0]}: {exc}"
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return f"{' '.join(argv)}: {err}"
    if argv[-1] == "-j":
        return (proc.stdout,)
    return proc.stdout
