"""Layered TOML configuration.

Layers, later wins: built-in defaults -> ``/etc/spamtrace/spamtrace.toml`` ->
``/etc/spamtrace/spamtrace.d/*.toml`` (sorted) -> environment (``SPAMTRACE_<SECTION>_<KEY>``)
-> command-line flags (applied by the CLI with :meth:`Config.override`).

An environment value is read as a TOML value when it is one (``30``, ``true``, ``"x"``,
``[25, 587]``), as a plain string otherwise (``/tmp/x.db``); for a list key a comma list is a
list (``SPAMTRACE_SMTP_PORTS=25,587``, ``SPAMTRACE_MTA_USERS=exim,mail``) and an empty value
an empty list.

A config file must be a regular file (a FIFO or a device is refused before it is read) of at
most :data:`MAX_CONFIG_BYTES`, UTF-8 TOML. Every number is checked at load time: ``nan`` and
``inf`` are refused everywhere, numbers are ``>= 0`` unless a section's ``limits`` says
otherwise, and a key named ``*timeout*`` or ``*interval*`` must be above 0 and at most
:data:`MAX_SECONDS`. A section declares tighter bounds in ``limits`` and the keys of the tables
inside a list-of-tables key in ``tables`` (``[[firewall.exceptions]]``): new sections get the
generic checks by declaring their keys, and precise ones by declaring ``limits``.

``SPAMTRACE_CONFIG`` (or ``--config``) replaces the main file path; ``SPAMTRACE_CONFIG_DIR``
the drop-in directory. An unknown section or key, or a value of the wrong type, is a
:class:`~spamtrace.errors.ConfigError` naming the file and key: a typo must never be ignored.
Every effective value remembers where it came from (``spamtrace config show``).
"""

from __future__ import annotations

import dataclasses
import errno
import math
import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from spamtrace.errors import ConfigError
from spamtrace.model import DEFAULT_SMTP_PORTS
from spamtrace.safetext import quoted, shown_url

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType


def _toml() -> ModuleType:
    """tomllib (or tomli on 3.10): the one place that chooses; imported when first needed."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    return tomllib  # type: ignore[no-any-return,unused-ignore]


DEFAULT_CONFIG_FILE = "/etc/spamtrace/spamtrace.toml"
DEFAULT_CONFIG_DIR = "/etc/spamtrace/spamtrace.d"
MAX_CONFIG_BYTES = 1024 * 1024  # a config file larger than this is refused, not read
MAX_SECONDS = 7 * 24 * 3600  # the largest timeout or interval a key may have by default
MAX_NUMBER = 2**53  # the largest number any key takes (exact in a float, in JSON, in SQLite)


class Range:
    """Bounds of one numeric key: ``low <= value <= high`` (``low < value`` if ``above``)."""

    __slots__ = ("above", "high", "low", "what")

    def __init__(
        self, low: float, high: float = MAX_NUMBER, *, above: bool = False, what: str = ""
    ) -> None:
        self.low, self.high, self.above, self.what = low, high, above, what

    def check(self, value: float, where: str) -> None:
        if not math.isfinite(value):
            raise ConfigError(f"{where}: {value} is not a finite number")
        if value < self.low or (self.above and value == self.low) or value > self.high:
            low = f"above {_num(self.low)}" if self.above else f"at least {_num(self.low)}"
            bounds = f"{low}, at most {_num(self.high)}"
            if self.what:
                raise ConfigError(f"{where}: {_num(value)} is not {self.what} ({bounds})")
            raise ConfigError(f"{where}: {_num(value)} is out of range ({bounds})")


def _num(value: float) -> str:
    """A number as a message shows it: 30 (not 30.0), 1e+300 (not its 301 digits)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


PORT = Range(1, 65535, what="a TCP port")
SECONDS = Range(0, MAX_SECONDS, above=True)
_ANY_NUMBER = Range(0)


def default_range(key: str) -> Range:
    """The bounds a numeric key has when its section declares none."""
    if "timeout" in key or "interval" in key:
        return SECONDS
    return _ANY_NUMBER


@dataclass(frozen=True, slots=True)
class SmtpSection:
    ports: list[int] = field(default_factory=lambda: list(DEFAULT_SMTP_PORTS))
    relay_ports: list[int] = field(default_factory=lambda: [25])

    limits: ClassVar[Mapping[str, Range]] = {"ports": PORT, "relay_ports": PORT}


@dataclass(frozen=True, slots=True)
class MtaSection:
    # extra MTA service users and executables, added to what is detected
    users: list[str] = field(default_factory=list)
    exes: list[str] = field(default_factory=list)
    # "auto": the MTA is detected; "none": this server runs no MTA (a web server whose mail
    # leaves through a smarthost elsewhere, or none): its logs and queue are not looked for
    # (mail, check, the daemon) and audit's MTA checks say the MTA half is not watched
    kind: str = "auto"


@dataclass(frozen=True, slots=True)
class AccountsSection:
    min_uid: int = 1000  # uids below this are system users, not hosting accounts
    cpanel_users_dir: str = "/var/cpanel/users"
    cpanel_userdomains: str = "/etc/userdomains"
    directadmin_users_dir: str = "/usr/local/directadmin/data/users"
    plesk_vhosts_dir: str = "/var/www/vhosts"
    cpanel_userdatadomains: str = "/etc/userdatadomains"  # domain: user==owner==...==docroot==
    directadmin_domainowners: str = "/etc/virtual/domainowners"  # domain: user
    # ISPConfig: a site's user webM has the home <this>/clientN/webM; its domains are the
    # links beside this folder (/var/www/DOMAIN -> clients/clientN/webM)
    ispconfig_clients_dir: str = "/var/www/clients"
    # users a web server runs PHP as (mod_php, DSO): their processes are mapped to the site's
    # account by the script's or working folder's path
    web_users: list[str] = field(
        default_factory=lambda: ["www-data", "apache", "nobody", "nginx", "httpd", "wwwrun"]
    )
    # folders holding one site per sub-folder, for PHP run as a web user: a plain server's
    # "/var/www" names a script in /var/www/shop.example/ by the site "shop.example" (a
    # hosting user of that name: that user's account); a "*" stands for one path component
    # ("/home/virtfs/*/home": CageFS's view of the homes). Matched before the panels' guesses
    site_dirs: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SubmissionSection:
    # non-MTA submissions (465/587/2525) from these accounts/users are `allowed` (quiet), and
    # their SMTP AUTH mailboxes (the mailbox, its local part, or the account owning its
    # domain) may send any volume through the MTA: no mail-auth incident for their messages
    # (the limits on addresses and networks still apply) and no response against them
    allow_accounts: list[str] = field(default_factory=list)
    # destinations: "host", "host:port", "ip", "ip:port", "cidr", "[v6]:port"
    allow_destinations: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WatchSection:
    poll_interval: float = 0.01  # sock_diag fallback polling period, seconds
    queue_size: int = 100_000  # events queued between reader and store before loss is counted
    exec_cache_size: int = 65_536
    # php-fpm pool access logs that name the script of a request too short to be read live
    # (it connected and ended before the worker was read): "auto" = each one a pool file in
    # /etc/php/*/fpm/pool.d (and the other layouts `audit` reads) sets with an access.format
    # holding %p, %f and %t or %T (%{mili}d too, for precision); paths may be added; [] = none
    fpm_access_logs: list[str] = field(default_factory=lambda: ["auto"])
    # the access.format of the listed paths; "": each path takes its pool file's
    fpm_access_format: str = ""

    limits: ClassVar[Mapping[str, Range]] = {
        "poll_interval": Range(0.001, 60),
        "queue_size": Range(1, 100_000_000),
        "exec_cache_size": Range(1, 100_000_000),
    }


@dataclass(frozen=True, slots=True)
class DaemonSection:
    # `spamtrace status` asks the daemon over this unix socket (mode 0600, root only)
    socket: str = "/run/spamtrace/control.sock"
    # seconds between checks of the firewall table against the last confirmed policy
    firewall_check_interval: float = 60.0
    # re-load the confirmed policy when the table was removed or edited (drift)
    firewall_repair: bool = False
    # leave the tracefs instance recording at a clean stop, so that the next start (a
    # `systemctl restart`, an upgrade) reads what the kernel saw meanwhile; off: a stop leaves
    # no instance behind (a crash's instance is always taken over)
    keep_trace_buffer: bool = False

    limits: ClassVar[Mapping[str, Range]] = {"firewall_check_interval": Range(1, 24 * 3600)}


@dataclass(frozen=True, slots=True)
class StoreSection:
    path: str = "/var/lib/spamtrace/spamtrace.db"
    retention_days: int = 90
    max_events: int = 2_000_000

    limits: ClassVar[Mapping[str, Range]] = {
        "retention_days": Range(1, 100 * 365),
        "max_events": Range(1),
    }


@dataclass(frozen=True, slots=True)
class FirewallSection:
    mode: str = "owner"  # owner | relay | redirect
    nflog_group: int = 2525
    allow_users: list[str] = field(default_factory=list)
    allow_groups: list[str] = field(default_factory=list)
    # [{user = "shop", host = "smtp.sendgrid.net", port = 587}, ...]; every key optional
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    relays: list[str] = field(default_factory=list)  # relay mode: the only allowed destinations
    confirm_timeout: int = 60

    limits: ClassVar[Mapping[str, Range]] = {
        "nflog_group": Range(1, 65535),
        "confirm_timeout": Range(1, 24 * 3600),
    }
    tables: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "exceptions": {
            "user": str,
            "group": str,
            "host": str,
            "network": str,
            "port": PORT,
            "comment": str,
        }
    }


@dataclass(frozen=True, slots=True)
class ScanSection:
    max_file_size: int = 16 * 1024 * 1024
    file_timeout: float = 2.0
    cross_filesystems: bool = False
    all_reasons: bool = False  # false: stop looking once a file is certainly malicious
    # globs of paths or names not scanned (a folder that matches is not entered)
    exclude: list[str] = field(default_factory=list)
    yara_rules: str = ""  # a folder of the admin's YARA rules (*.yar, *.yara), or one file
    # the learned word model as a second opinion (finding php.learned-words: suspicious, or
    # malicious over its stricter threshold)
    learned_words: bool = False

    limits: ClassVar[Mapping[str, Range]] = {
        "max_file_size": Range(1, 1024**3),
        "file_timeout": Range(0, 3600, above=True),
    }


@dataclass(frozen=True, slots=True)
class AuditSection:
    dnsbl_zones: list[str] = field(
        default_factory=lambda: [
            "zen.spamhaus.org",
            "bl.spamcop.net",
            "b.barracudacentral.org",
            "psbl.surriel.com",
            "bl.mailspike.net",
        ]
    )
    dnsbl_timeout: float = 3.0

    limits: ClassVar[Mapping[str, Range]] = {"dnsbl_timeout": Range(0, 300, above=True)}
    dnsbl_nameservers: list[str] = field(default_factory=list)  # empty: system resolver
    # acknowledged findings, which no longer make `audit` exit 1: "ID" (every finding of that
    # id) or "ID:SUBJECT" (one item: a pool, a zone; shell-style * and ? match in SUBJECT)
    ignore: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MetricsSection:
    # the Prometheus endpoint of `daemon` and `watch`: "host:port" or "[v6]:port"; "" = off
    listen: str = "127.0.0.1:9945"


@dataclass(frozen=True, slots=True)
class EventsSection:
    # JSON lines (Elastic Common Schema names) for log pipelines: a file ("" = none), reopened
    # when logrotate renames or removes it; and/or one syslog datagram per line (the journal
    # reads /dev/log too)
    path: str = ""
    syslog: bool = False
    syslog_socket: str = "/dev/log"


@dataclass(frozen=True, slots=True)
class AlertsSection:
    # the channel tables are checked key by key in spamtrace.sinks.alerts.settings
    min_verdict: str = "suspicious"  # submission | suspicious | malicious
    host: str = ""  # the name alerts give this server ("" = its hostname)
    rate_limit: int = 10  # alerts per channel per rate_window; more go out as one digest
    rate_window: float = 600.0
    queue_size: int = 1000  # alerts waiting per channel before new ones are dropped (counted)
    # seconds the channels get at exit for what is queued, pending retries and the digest;
    # what is not delivered by then is counted as dropped and logged
    stop_grace: float = 5.0
    webhook: list[dict[str, Any]] = field(default_factory=list)  # [[alerts.webhook]]
    email: list[dict[str, Any]] = field(default_factory=list)  # [[alerts.email]]
    syslog: dict[str, Any] = field(default_factory=dict)  # [alerts.syslog]

    limits: ClassVar[Mapping[str, Range]] = {
        "rate_limit": Range(1, 1_000_000),
        "rate_window": Range(1, 86400),
        "queue_size": Range(1, 1_000_000),
        "stop_grace": Range(0, 60),
    }


@dataclass(frozen=True, slots=True)
class ResponsesSection:
    """What ``mode = "enforce"`` does (``observe`` records the same decisions as "would")."""

    # block the uid's SMTP egress (set blocked_uids in table inet spamtrace)
    block: bool = True
    block_after: int = 1  # connects of an alerting incident within block_window
    block_window: float = 60.0
    block_timeout: int = 3600  # seconds; 0 = until `spamtrace release`
    block_verdicts: list[str] = field(default_factory=lambda: ["suspicious", "ssh-tunnel"])
    # stop the sending process and its children (never sshd, the MTA, root, init)
    stop: bool = True
    stop_signal: str = "stop"  # stop (SIGSTOP, undone by release) | kill (SIGKILL)
    stop_after: int = 3  # connects of a suspicious incident within stop_window
    stop_window: float = 60.0
    # move files the incident's scan called malicious to quarantine_dir
    quarantine: bool = True
    quarantine_dir: str = "/var/lib/spamtrace/quarantine"
    # run suspend_command with the account name when the scan found a malicious file
    suspend: bool = False
    # argv; "{account}", "{domain}" (its first domain) replaced, else the account appended
    suspend_command: list[str] = field(default_factory=list)
    suspend_timeout: float = 60.0
    # never acted on (besides root, the MTA's users and [submission] allow_accounts)
    never_accounts: list[str] = field(default_factory=list)
    # acted on only (a staged rollout of enforce); empty: every hosting account
    only_accounts: list[str] = field(default_factory=list)
    # after `spamtrace release`, the uid is not blocked or stopped again for this long (s)
    release_grace: int = 3600
    # run inside a network namespace other than the host's, act also on senders of other
    # namespaces (the tracepoint sees them all; this namespace's block set filters none of
    # their traffic); false: only on senders of the daemon's own namespace
    other_netns: bool = False
    # mail-script / mail-auth incidents: freeze the sender's queued messages (exim -Mf /
    # postsuper -h)
    freeze_queue: bool = True
    # mail-auth: argv run to reset or lock the mailbox's password; "{user}" (the mailbox) and
    # "{account}" are replaced, else the mailbox is appended; empty: off
    lock_mailbox_command: list[str] = field(default_factory=list)
    lock_mailbox_timeout: float = 60.0

    limits: ClassVar[Mapping[str, Range]] = {
        "block_after": Range(1, 1_000_000),
        "block_window": Range(0, MAX_SECONDS, above=True),
        "block_timeout": Range(0, 365 * 86400, what="0 (until released) or seconds"),
        "stop_after": Range(1, 1_000_000),
        "stop_window": Range(0, MAX_SECONDS, above=True),
        "suspend_timeout": Range(0, 3600, above=True),
        "lock_mailbox_timeout": Range(0, 3600, above=True),
        "release_grace": Range(0, 30 * 86400),
    }


@dataclass(frozen=True, slots=True)
class MailSection:
    # mail logs read by `mail`, `check` and the daemon; the ones that exist are read
    exim_logs: list[str] = field(
        default_factory=lambda: [
            "/var/log/exim4/mainlog", "/var/log/exim_mainlog", "/var/log/exim/main.log"
        ]
    )  # fmt: skip
    postfix_logs: list[str] = field(
        default_factory=lambda: ["/var/log/mail.log", "/var/log/maillog"]
    )
    # PHP mail.log files; empty: those php.ini and the FPM pools name (as `audit` finds them)
    php_logs: list[str] = field(default_factory=list)
    follow: bool = True  # `watch` / `daemon` follow these logs (mail-script / mail-auth incidents)
    # hours of log read back when `watch` / `daemon` start, to rebuild the per-sender windows
    # (at least one `window`) and mailbox history; 0: start from nothing
    restore_hours: int = 1
    # argv prefix of the MTA's own command, for queue state (`-bpc` / `postqueue -j`);
    # empty: exim4/exim, then postqueue, found on PATH
    exim_command: list[str] = field(default_factory=list)
    postqueue_command: list[str] = field(default_factory=list)
    postsuper_command: list[str] = field(default_factory=list)  # to hold (freeze) messages
    # argv prefix of journalctl, which reads Postfix's lines from the journal (postfix_logs
    # "journal"; e.g. ["journalctl", "--directory", "/srv/web1/journal"]); empty: on PATH
    journalctl_command: list[str] = field(default_factory=list)
    window: int = 3600  # seconds over which the rates below are counted
    # mail-script: one script (or one account's local submissions) in `window`
    script_max_messages: int = 200  # CSF's LF_SCRIPT_LIMIT default
    script_max_recipients: int = 200  # distinct recipient addresses
    # mail-auth: one authenticated mailbox in `window`
    auth_max_ips: int = 10  # distinct client IP addresses
    auth_max_networks: int = 4  # distinct networks (IPv4 /16, IPv6 /32)
    auth_max_messages: int = 500
    auth_rate_factor: float = 10.0  # this many times its own hourly average (history)
    auth_min_messages: int = 50  # ... and at least this many in `window`
    history_hours: int = 168  # how far back the hourly average of a mailbox looks
    check_minutes: int = 60  # `check`: the mail section covers this many minutes

    limits: ClassVar[Mapping[str, Range]] = {
        "window": Range(60, 7 * 24 * 3600),
        "script_max_messages": Range(1),
        "script_max_recipients": Range(1),
        "auth_max_ips": Range(1),
        "auth_max_networks": Range(1),
        "auth_max_messages": Range(1),
        "auth_rate_factor": Range(1, 1000),
        "auth_min_messages": Range(1),
        "history_hours": Range(24, 24 * 366),
        "check_minutes": Range(1, 7 * 24 * 60),
        "restore_hours": Range(0, 8784),
    }


@dataclass(frozen=True, slots=True)
class Config:
    mode: str = "observe"  # observe | enforce
    smtp: SmtpSection = field(default_factory=SmtpSection)
    mta: MtaSection = field(default_factory=MtaSection)
    accounts: AccountsSection = field(default_factory=AccountsSection)
    submission: SubmissionSection = field(default_factory=SubmissionSection)
    watch: WatchSection = field(default_factory=WatchSection)
    daemon: DaemonSection = field(default_factory=DaemonSection)
    store: StoreSection = field(default_factory=StoreSection)
    firewall: FirewallSection = field(default_factory=FirewallSection)
    scan: ScanSection = field(default_factory=ScanSection)
    audit: AuditSection = field(default_factory=AuditSection)
    alerts: AlertsSection = field(default_factory=AlertsSection)
    metrics: MetricsSection = field(default_factory=MetricsSection)
    events: EventsSection = field(default_factory=EventsSection)
    responses: ResponsesSection = field(default_factory=ResponsesSection)
    mail: MailSection = field(default_factory=MailSection)
    # "section.key" -> where the value came from ("default", a file path, "env", "flag")
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def is_set(self, key: str) -> bool:
        """Whether the dotted ``key`` was set by a config layer or a flag (not left at its
        default)."""
        return self.sources.get(key, "default") != "default"

    def override(
        self, origin: str = "flag", *, flags: Mapping[str, str] | None = None, **dotted: Any
    ) -> Config:
        """Return a copy with ``section__key=value`` overrides applied (from CLI flags).
        ``flags``: the command-line flag of a ``section__key`` (``{"smtp__relay_ports":
        "--relay-ports"}``): an error of its value names that flag, not the config key (the
        admin typed ``--relay-ports``; ``flag: smtp.relay_ports`` named a key of no file)."""
        data = _as_dict(self)
        sources = dict(self.sources)
        for name, value in dotted.items():
            if value is None:
                continue
            path = name.split("__")
            where = (flags or {}).get(name, origin)
            _set_checked(data, path, value, where)
            sources[".".join(path)] = where
        return _build(data, sources)


_MODES = ("observe", "enforce")
_FIREWALL_MODES = ("owner", "relay", "redirect")
_MTA_KINDS = ("auto", "none")


def _field_names(obj: Any) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(obj))


def _is_section(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _as_dict(cfg: Config) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _field_names(cfg):
        if name == "sources":
            continue
        value = getattr(cfg, name)
        if _is_section(value):
            value = {key: _copied(getattr(value, key)) for key in _field_names(value)}
        out[name] = value
    return out


def _copied(value: Any) -> Any:
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    return value


_SECTIONS: dict[str, type[Any]] = {}


def _section_types() -> dict[str, type[Any]]:
    """Section name -> its record class, in declaration order."""
    if not _SECTIONS:
        default = Config()
        for name in _field_names(Config):
            value = getattr(default, name)
            if _is_section(value):
                _SECTIONS[name] = type(value)
    return _SECTIONS


def _key_types(section: type[Any]) -> dict[str, Any]:
    """Key -> expected type of one section (typing is imported here, only when needed)."""
    import typing
    from collections.abc import Mapping

    localns = {"Any": typing.Any, "ClassVar": typing.ClassVar, "Mapping": Mapping}
    hints = typing.get_type_hints(section, localns=localns)
    return {key: hints[key] for key in _field_names(section)}


def _range_of(section: type[Any], key: str) -> Range:
    limits: Mapping[str, Range] = getattr(section, "limits", {})
    return limits.get(key) or default_range(key)


def _check_type(expected: Any, value: Any, where: str, rng: Range | None = None) -> Any:
    from typing import get_args, get_origin

    origin = get_origin(expected)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {kind_of(value)}")
        (item_type,) = get_args(expected)
        return [_check_type(item_type, v, f"{where}[{i}]", rng) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {kind_of(value)}")
        return dict(value)
    if expected in (int, float, str, bool):
        if isinstance(value, bool) and expected is not bool:
            raise ConfigError(f"{where}: expected {expected.__name__}, got a boolean")
        if expected is int and isinstance(value, float) and value.is_integer():
            # `1e9` and `3600.0` are TOML floats: "a number with a fraction" named none
            raise ConfigError(
                f"{where}: expected int, got {value!r}, a float: write the whole number "
                f"without a point or an exponent ({int(value)})"
            )
        if not isinstance(value, expected):
            raise ConfigError(f"{where}: expected {expected.__name__}, got {kind_of(value)}")
        if expected in (int, float):
            (rng or _ANY_NUMBER).check(value, where)
        return value
    return value


def kind_of(value: Any) -> str:
    """What a TOML value is, for "expected X, got ..." (``a string``, ``a list``...)."""
    import datetime as dt

    names = {
        dict: "a table",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number with a fraction",
        dt.datetime: "a date and time",
        dt.date: "a date",
        dt.time: "a time of day",
    }
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r}, not a finite number"
    return names.get(type(value), type(value).__name__)


def _check_tables(section: type[Any], key: str, value: Any, where: str) -> Any:
    """The tables of a list-of-tables key: every key known, typed and in range."""
    schema: Mapping[str, Any] | None = getattr(section, "tables", {}).get(key)
    if schema is None:
        return value
    for i, entry in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{at}: expected a table, got {kind_of(entry)}")
        for sub, subvalue in entry.items():
            kind = schema.get(sub)
            if kind is None:
                known = ", ".join(schema)
                raise ConfigError(f"{at}: unknown key {quoted(sub)} (known keys: {known})")
            if isinstance(kind, Range):
                if isinstance(subvalue, bool) or not isinstance(subvalue, int):
                    raise ConfigError(
                        f"{at}.{sub}: {quoted(subvalue)} is not {kind.what or 'an integer'}"
                    )
                kind.check(subvalue, f"{at}.{sub}")
            elif kind is str:
                if not (isinstance(subvalue, str) and subvalue.strip()):
                    raise ConfigError(f"{at}.{sub}: expected a non-empty string")
            else:
                _check_type(kind, subvalue, f"{at}.{sub}")
    return value


def _misplaced(section: str, key: str, origin: str) -> str:
    """Where a key unknown in ``section`` belongs, as ": ..." (or ""): TOML reads a line after
    ``[section]`` as one of it, so ``mode = "enforce"`` added at the end of a file is
    ``responses.mode`` when its last table is ``[responses]``."""
    if key == "mode":
        if origin.startswith("environment"):
            return ": the top-level `mode` is SPAMTRACE_MODE"
        return (f": `mode` is the top-level key, above the first [section] (TOML reads a key "
                f"after [{section}] as one of it)")  # fmt: skip
    owners = [name for name, t in _section_types().items() if key in _key_types(t)]
    return f": a key of {', '.join(f'[{o}]' for o in owners)}" if owners else ""


def _sections_hint(name: str) -> str:
    """`` (did you mean [smtp]? sections: ...)`` for an unknown section: a key said which
    keys it knows, a section nothing (`[smpt]: unknown section`)."""
    import difflib

    names = sorted(_section_types())
    close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
    guess = f"did you mean [{close[0]}]? " if close else ""
    return f" ({guess}sections: {', '.join(names)})"


def _is_flag(origin: str) -> bool:
    """Whether a value's origin is a command-line flag by its name (``--relay-ports``): its
    errors name the flag alone (a file, the environment, ``flag``: the origin and the key)."""
    return origin.startswith("--")


def _set_checked(data: dict[str, Any], path: list[str], value: Any, origin: str) -> None:
    sections = _section_types()
    where = origin if _is_flag(origin) else f"{origin}: {'.'.join(path)}"
    if len(path) == 1:
        if path[0] != "mode":
            if path[0] in sections:
                raise ConfigError(f"{where}: is a section, expected a table of keys")
            raise ConfigError(f"{where}: unknown key")
        data["mode"] = _check_type(str, value, where)
        return
    if len(path) != 2 or path[0] not in sections:
        raise ConfigError(f"{where}: unknown section{_sections_hint(path[0])}")
    section = sections[path[0]]
    hints = _key_types(section)
    if path[1] not in hints:
        known = ", ".join(sorted(hints))
        hint = _misplaced(path[0], path[1], origin)
        raise ConfigError(f"{where}: unknown key{hint} (known keys: {known})")
    checked = _check_type(hints[path[1]], value, where, _range_of(section, path[1]))
    data[path[0]][path[1]] = _check_tables(section, path[1], checked, where)


def _merge_layer(
    data: dict[str, Any], sources: dict[str, str], layer: Mapping[str, Any], origin: str
) -> None:
    for key, value in layer.items():
        if isinstance(value, dict) and key != "mode":
            if key not in _section_types():
                raise ConfigError(f"{origin}: [{key}]: unknown section{_sections_hint(key)}")
            for sub, subvalue in value.items():
                _set_checked(data, [key, sub], subvalue, origin)
                sources[f"{key}.{sub}"] = origin
        else:
            _set_checked(data, [key], value, origin)
            sources[key] = origin


def _build(data: dict[str, Any], sources: dict[str, str]) -> Config:
    kwargs: dict[str, Any] = {}
    for name, tp in _section_types().items():
        kwargs[name] = tp(**data[name])
    cfg = Config(mode=data["mode"], sources=sources, **kwargs)
    _validate(cfg)
    return cfg


_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _is_ignore_entry(entry: str) -> bool:
    """An ``[audit] ignore`` entry: a finding id ("family.name"), then optionally ":SUBJECT"."""
    ident, colon, subject = entry.partition(":")
    family, dot, name = ident.partition(".")
    return (
        bool(dot and family and name)
        and set(family + name) <= _ID_CHARS
        and (not colon or bool(subject.strip()))
    )


def _validate(cfg: Config) -> None:
    from spamtrace.sources.maillog.journal import journal_name

    def where(key: str) -> str:
        origin = cfg.sources.get(key, "default")
        return origin if _is_flag(origin) else f"{origin}: {key}"

    def named(key: str) -> str:  # the flag that set it (--ports), else the key (smtp.ports)
        origin = cfg.sources.get(key, "default")
        return origin if _is_flag(origin) else key

    if cfg.mode not in _MODES:
        raise ConfigError(f"{where('mode')}: must be one of {', '.join(_MODES)}")
    if cfg.firewall.mode not in _FIREWALL_MODES:
        also = (" (observe and enforce are the top-level `mode`, above the first [section])"
                if cfg.firewall.mode in _MODES else "")  # fmt: skip
        raise ConfigError(
            f"{where('firewall.mode')}: must be one of {', '.join(_FIREWALL_MODES)}{also}"
        )
    if cfg.mta.kind not in _MTA_KINDS:
        raise ConfigError(
            f"{where('mta.kind')}: must be one of {', '.join(_MTA_KINDS)} (auto: detected; none: "
            "this server runs no MTA)"
        )
    for key, ports in (("smtp.ports", cfg.smtp.ports), ("smtp.relay_ports", cfg.smtp.relay_ports)):
        if not ports:
            raise ConfigError(f"{where(key)}: must list at least one port")
    if 25 in cfg.smtp.ports and 25 not in cfg.smtp.relay_ports:
        # port 25 is where mail is relayed: watched but not a relay port, a script sending
        # spam straight to remote MX hosts would be counted as a mere `submission`
        raise ConfigError(
            f"{where('smtp.relay_ports')}: {_port_list(cfg.smtp.relay_ports)} leaves out 25, "
            f"which {named('smtp.ports')} watches: direct port-25 mail would count as "
            "submission, not suspicious (add 25)"
        )
    if cfg.alerts != AlertsSection():
        from spamtrace.sinks.alerts.settings import parse

        origins = sorted({v for k, v in cfg.sources.items() if k.startswith("alerts.")})
        parse(cfg.alerts, ", ".join(origins) or "default")
    try:
        parse_listen(cfg.metrics.listen)
    except ValueError as exc:
        raise ConfigError(f"{where('metrics.listen')}: {exc}") from None
    for key, path in (("events.path", cfg.events.path),
                      ("events.syslog_socket", cfg.events.syslog_socket)):  # fmt: skip
        if path and not path.startswith("/"):
            raise ConfigError(f"{where(key)}: must be an absolute path (or empty)")
    # the daemon (cwd /) and the commands that read its store or ask its socket (the admin's
    # cwd) would each resolve a relative path elsewhere: 'status' then said "does not exist"
    for key, path in (("store.path", cfg.store.path), ("daemon.socket", cfg.daemon.socket)):
        if not path.startswith("/"):
            raise ConfigError(f"{where(key)}: {quoted(path)} is not an absolute path")
    for path in cfg.accounts.site_dirs:
        if not path.startswith("/") or path.rstrip("/") == "":
            raise ConfigError(
                f"{where('accounts.site_dirs')}: {quoted(path)} is not an absolute path below /"
            )
    for path in cfg.watch.fpm_access_logs:
        if path != "auto" and not path.startswith("/"):
            raise ConfigError(
                f"{where('watch.fpm_access_logs')}: {quoted(path)} is not an absolute path "
                '(or "auto")'
            )
    if cfg.watch.fpm_access_format:
        from spamtrace.sources.fpm_access import FormatError, compile_format

        try:
            compile_format(cfg.watch.fpm_access_format)
        except FormatError as exc:
            raise ConfigError(f"{where('watch.fpm_access_format')}: {exc}") from None
    for key in (
        "exim_logs",
        "postfix_logs",
        "php_logs",
        "exim_command",
        "postqueue_command",
        "postsuper_command",
        "journalctl_command",
    ):
        paths = getattr(cfg.mail, key)
        for path in paths if key.endswith("logs") else paths[:1]:
            if key == "postfix_logs" and journal_name(path) is not None:
                continue  # the journal ("journal", "journal:NAME"): read with journalctl
            if not path.startswith("/"):
                raise ConfigError(
                    f"{where('mail.' + key)}: {quoted(path)} is not an absolute path"
                    + (' (or "journal")' if key == "postfix_logs" else "")
                )
    for i, spec in enumerate(cfg.audit.dnsbl_nameservers):  # `audit` asks them
        try:
            parse_nameserver(spec)
        except ConfigError as exc:
            key = "audit.dnsbl_nameservers"
            raise ConfigError(f"{where(key)}[{i}]: {exc.message}", key) from None
    for i, entry in enumerate(cfg.audit.ignore):
        if not _is_ignore_entry(entry):
            raise ConfigError(
                f"{where('audit.ignore')}[{i}]: {quoted(entry)} is not a finding id "
                '("sshd.tcp-forwarding") or "ID:SUBJECT" ("php.mail-log:FPM pool www *")'
            )
    for i, glob in enumerate(cfg.scan.exclude):  # matched nothing: silently no exclusion
        if not glob.strip():
            raise ConfigError(f"{where('scan.exclude')}[{i}]: empty glob")
    if cfg.scan.yara_rules and not cfg.scan.yara_rules.startswith("/"):
        raise ConfigError(f"{where('scan.yara_rules')}: must be an absolute path (or empty)")
    if cfg.events.syslog and not cfg.events.syslog_socket:
        raise ConfigError(f"{where('events.syslog_socket')}: empty, but events.syslog is true")

    _validate_responses(cfg, where)


def _port_list(ports: list[int]) -> str:
    return "[" + ", ".join(str(p) for p in ports) + "]"


def parse_listen(text: str) -> tuple[str, int] | None:
    """``"127.0.0.1:9945"`` / ``"[::1]:9945"`` -> (host, port); ``""`` -> None (off).

    The host must be an IP address or ``localhost`` (a name that resolves elsewhere would
    expose the endpoint by surprise); ``0.0.0.0`` / ``[::]`` must be written out to listen on
    every interface.
    """
    text = text.strip()
    if not text:
        return None
    host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise ValueError(
            f"{quoted(text)} is not host:port (e.g. 127.0.0.1:9945, [::1]:9945, or empty)"
        )
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"{quoted(text)}: write an IPv6 address in brackets, e.g. [::1]:9945")
    if not port_text.isdecimal() or not 1 <= int(port_text) <= 65535:
        raise ValueError(f"{quoted(text)}: {quoted(port_text)} is not a TCP port")
    if host != "localhost":
        import ipaddress

        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise ValueError(
                f"{quoted(text)}: {quoted(host)} is not an IP address (or localhost)"
            ) from None
    return host, int(port_text)


def parse_nameserver(spec: str) -> tuple[str, int]:
    """A DNS server (``audit.dnsbl_nameservers``, ``audit --dnsbl-server``): "ip", "ip:port",
    "[v6]", "[v6]:port" -> (ip, port). An unbracketed IPv6 address is the address, asked on
    port 53 (``fd57:d4::2:53`` too: ``audit.dnsbl.server_notes`` notes it)."""
    import ipaddress

    s = spec.strip()
    host, port = s, 53
    if s.startswith("["):
        end = s.find("]")
        rest = s[end + 1 :] if end >= 0 else ""
        if end < 0 or (rest and not rest.startswith(":")):
            raise ConfigError(
                f"DNS server {quoted(spec)}: not an address, address:port or [v6]:port"
            )
        host = s[1:end]
        if rest:
            port = _nameserver_port(rest[1:], spec)
    elif s.count(":") == 1:
        host, p = s.split(":")
        port = _nameserver_port(p, spec)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ConfigError(f"DNS server {quoted(spec)}: not an IP address") from None
    return host, port


def _nameserver_port(text: str, spec: str) -> int:
    if not text.isdecimal() or not 1 <= int(text) <= 65535:
        raise ConfigError(f"DNS server {quoted(spec)}: bad port")
    return int(text)


_STOP_SIGNALS = ("stop", "kill")
_BLOCK_VERDICTS = ("suspicious", "ssh-tunnel", "submission")


def _validate_responses(cfg: Config, where: Callable[[str], str]) -> None:
    r = cfg.responses
    if r.stop_signal not in _STOP_SIGNALS:
        raise ConfigError(
            f"{where('responses.stop_signal')}: must be one of {', '.join(_STOP_SIGNALS)}"
        )
    for verdict in r.block_verdicts:
        if verdict not in _BLOCK_VERDICTS:
            raise ConfigError(
                f"{where('responses.block_verdicts')}: {quoted(verdict)} is not one of "
                f"{', '.join(_BLOCK_VERDICTS)}"
            )
    if not os.path.isabs(r.quarantine_dir) or os.path.normpath(r.quarantine_dir) == "/":
        raise ConfigError(f"{where('responses.quarantine_dir')}: must be an absolute directory")
    if r.suspend and not r.suspend_command:
        raise ConfigError(
            f"{where('responses.suspend')}: suspend is on but responses.suspend_command is empty"
        )


def _read_toml(path: str) -> dict[str, Any]:
    """One config file: a regular file of at most MAX_CONFIG_BYTES, UTF-8 TOML."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        hint = ""
        if exc.errno == errno.EACCES and os.geteuid() != 0:  # a config kept root's (secrets)
            hint = " (readable by root only? run as root, or give this user read access)"
        if exc.errno == errno.ENOENT and os.path.islink(path):  # ls shows it: say what is gone
            raise ConfigError(
                f"{path}: cannot read: a symlink to {quoted(_link_target(path))}, which does "
                "not exist (point it at the config file, or remove it)"
            ) from None
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}{hint}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ConfigError(f"{path}: not a regular file ({file_kind(st.st_mode)})")
        if st.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: too large ({st.st_size} bytes, at most {MAX_CONFIG_BYTES})")
        raw = os.read(fd, MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:  # grew while being read
            raise ConfigError(f"{path}: too large (more than {MAX_CONFIG_BYTES} bytes)")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return parse_toml(raw, path)


def _link_target(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:  # replaced since
        return "?"


def file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a file"


def parse_toml(raw: bytes, where: str) -> dict[str, Any]:
    """Bytes of a config file -> its table; every way it can be wrong is a ConfigError."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{where}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    # a byte-order mark (Windows Notepad's "UTF-8") is no TOML: tomllib said "Invalid
    # statement (at line 1, column 1)" of a file that reads right in every editor
    return parse_toml_text(text.removeprefix("\ufeff"), where)


def parse_toml_text(text: str, where: str) -> dict[str, Any]:
    """A TOML document -> its table (tomllib, or tomli on Python 3.10: every reader of TOML,
    config or data file, comes here); any syntax error is a ConfigError naming ``where``."""
    tomllib = _toml()
    try:
        loaded: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {_toml_error(str(exc), text)}") from None
    except RecursionError:
        raise ConfigError(f"{where}: invalid TOML: arrays or tables nested too deeply") from None
    return loaded


def _toml_error(message: str, text: str) -> str:
    """tomllib's message, with what it means for the two a config's admin makes most: a key
    set twice ("Cannot overwrite a value (at line 3, column 14)": which key?) and a table
    declared twice ("Cannot declare ('smtp',) twice": a Python tuple)."""
    import re

    from spamtrace.safetext import escape

    at = re.fullmatch(r"(.*) \(at line (\d+), column \d+\)", message, re.S)
    if at is None:
        return message
    what, line_no = at.group(1), int(at.group(2))
    lines = text.splitlines()
    line = lines[line_no - 1].strip() if 0 < line_no <= len(lines) else ""
    if what == "Cannot overwrite a value" and "=" in line:
        key = line.split("=", 1)[0].strip()
        return (
            f"{escape(key)} is set twice in one table (the second at line {line_no}: "
            f"{escape(line)}); keep one"
        )
    declared = re.fullmatch(r"Cannot declare \((.*?),?\) twice", what)
    if declared is not None:
        name = ".".join(part.strip().strip("'\"") for part in declared.group(1).split(","))
        return (
            f"[{escape(name)}] is defined twice (again at line {line_no}): put its keys under "
            "one table"
        )
    return message


def _env_value(expected: Any, raw: str, where: str) -> Any:
    """An environment value: TOML when it parses as such, a plain string otherwise; a comma
    list (or one item, or nothing) for a list key."""
    from typing import get_origin

    if expected is str:
        value = _toml_value(raw, where)
        return value if isinstance(value, str) else raw
    if get_origin(expected) is list:
        stripped = raw.strip()
        if not stripped:
            return []
        value = _toml_value(raw, where)
        if isinstance(value, list):
            return value
        return [_toml_value(part.strip(), where) for part in stripped.split(",")]
    return _toml_value(raw, where)


def _toml_value(raw: str, where: str) -> Any:
    tomllib = _toml()
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw  # a bare string
    except RecursionError:
        raise ConfigError(f"{where}: nested too deeply") from None


def layer_files(
    config_file: str | os.PathLike[str] | None = None,
    config_dir: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """The files :func:`load` reads, in its order: the main file (when named, or when the
    default one exists), then the drop-in folder's ``*.toml``, by name. Hidden names are not
    read (as systemd skips them): an editor's lock (Emacs' ``.#x.toml``, a symlink to
    nowhere) or a temporary copy made while a drop-in is saved is no layer."""
    env = os.environ if environ is None else environ
    files: list[str] = []
    explicit = config_file is not None or "SPAMTRACE_CONFIG" in env
    main = os.fspath(config_file or env.get("SPAMTRACE_CONFIG") or DEFAULT_CONFIG_FILE)
    # lexists: a default file that is a symlink to nowhere (its target moved, not mounted yet)
    # is an error, not "no file": the admin's settings, unread, were read as the defaults
    if explicit or os.path.lexists(main):
        files.append(main)
    drop_dir = os.fspath(config_dir or env.get("SPAMTRACE_CONFIG_DIR") or DEFAULT_CONFIG_DIR)
    if os.path.isdir(drop_dir):
        try:
            names = sorted(
                n for n in os.listdir(drop_dir) if n.endswith(".toml") and not n.startswith(".")
            )
        except OSError as exc:
            raise ConfigError(f"{drop_dir}: cannot list: {exc.strerror or exc}") from None
        files += [os.path.join(drop_dir, name) for name in names]
    elif os.path.lexists(drop_dir):  # a file made where the folder goes: its settings unread
        what = "a file" if os.path.isfile(drop_dir) else "a dangling link or a special file"
        raise ConfigError(
            f"{drop_dir}: not a folder ({what}): the drop-in folder's *.toml files are read, "
            "so nothing in it would be; make it a folder, or move the file to "
            f"{DEFAULT_CONFIG_FILE}"
        )
    return files


def load(
    config_file: str | os.PathLike[str] | None = None,
    config_dir: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Load the effective configuration from all layers.

    An explicitly named file that does not exist is an error; the default file and directory
    are optional.
    """
    env = os.environ if environ is None else environ
    data = _as_dict(Config())
    sources: dict[str, str] = {}
    for path in layer_files(config_file, config_dir, env):
        _merge_layer(data, sources, _read_toml(path), path)

    sections = _section_types()
    for name, raw in sorted(env.items()):
        if not name.startswith("SPAMTRACE_") or name in (
            "SPAMTRACE_CONFIG",
            "SPAMTRACE_CONFIG_DIR",
        ):
            continue
        rest = name[len("SPAMTRACE_") :].lower()
        if rest == "mode":
            key_path = ["mode"]
        else:
            section = next((s for s in sections if rest.startswith(s + "_")), None)
            if section is None:
                first = rest.split("_", 1)[0]
                raise ConfigError(f"environment: {name}: unknown section{_sections_hint(first)}")
            key_path = [section, rest[len(section) + 1 :]]
        where = f"environment {name}"
        value = _toml_value(raw, where)
        if len(key_path) == 2:
            expected = _key_types(sections[key_path[0]]).get(key_path[1])
            if expected is not None:
                value = _env_value(expected, raw, where)
        _set_checked(data, key_path, value, where)
        sources[".".join(key_path)] = "environment"
    return _build(data, sources)


def salvage(
    dotted: str,
    config_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Any:
    """The value of ``section.key`` from the layers that can still be read when the config as
    a whole does not load (``status`` asks the daemon at the socket a broken config names);
    None when no readable layer sets it. Nothing is validated: the caller checks the type."""
    import contextlib

    env = os.environ if environ is None else environ
    section, key = dotted.split(".", 1)
    paths = [os.fspath(config_file or env.get("SPAMTRACE_CONFIG") or DEFAULT_CONFIG_FILE)]
    drop_dir = env.get("SPAMTRACE_CONFIG_DIR") or DEFAULT_CONFIG_DIR
    with contextlib.suppress(OSError):
        paths += [
            os.path.join(drop_dir, n) for n in sorted(os.listdir(drop_dir)) if n.endswith(".toml")
        ]
    value = None
    for path in paths:
        with contextlib.suppress(ConfigError):
            table = _read_toml(path).get(section) if os.path.exists(path) else None
            if isinstance(table, dict) and key in table:
                value = table[key]
    return env.get(f"SPAMTRACE_{section.upper()}_{key.upper()}", value)


def effective_values(cfg: Config) -> list[tuple[str, Any, str]]:
    """(dotted key, value, origin) for every setting, for ``config show``."""
    rows: list[tuple[str, Any, str]] = [("mode", cfg.mode, cfg.sources.get("mode", "default"))]
    for name in _section_types():
        section = getattr(cfg, name)
        for key_name in _field_names(section):
            key = f"{name}.{key_name}"
            value = _redacted(getattr(section, key_name))
            rows.append((key, value, cfg.sources.get(key, "default")))
    return rows


#: keys of alert channel tables whose values `config show` never prints
SECRET_KEYS = frozenset({"password"})


#: tables of alert channels whose every value is hidden (a webhook's Authorization header)
SECRET_TABLES = frozenset({"headers"})


def _redacted(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: "(hidden)" if k in SECRET_KEYS
            else shown_url(v) if k == "url" and isinstance(v, str)
            else {h: "(hidden)" for h in v} if k in SECRET_TABLES and isinstance(v, dict)
            else _redacted(v)
            for k, v in value.items()
        }  # fmt: skip
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


#: what an empty list of these keys means, said in ``config show``'s comment
EMPTY_MEANS = {
    "mail.php_logs": " (empty: the mail.log files of php.ini and FPM pools, as audit finds "
    "them; a list replaces them)",
}


def render_toml(cfg: Config, *, origins: bool = True) -> str:
    """The effective configuration as TOML that loads back to the same values (``config
    show``): one ``[section]`` per section, each key with where its value came from in a
    comment. Every control or non-printable character is escaped (``\\u001b``), so the text
    is safe on a terminal as well as valid TOML."""
    lines: list[str] = []

    def note(key: str) -> str:
        if not origins:
            return ""
        empty = EMPTY_MEANS.get(key, "")
        return f"  # {_comment(cfg.sources.get(key, 'default'))}{empty}"

    lines.append(f"mode = {toml_value(cfg.mode)}{note('mode')}")
    for name in _section_types():
        section = getattr(cfg, name)
        lines.append("")
        lines.append(f"[{name}]")
        for key_name in _field_names(section):
            key = f"{name}.{key_name}"
            value = _redacted(getattr(section, key_name))
            lines.append(f"{key_name} = {toml_value(value)}{note(key)}")
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return toml_value(text)[1:-1]  # escaped like a string's body: no line break, no control


def toml_value(value: Any) -> str:
    """One value in TOML syntax (strings, booleans, numbers, lists, tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return '"' + "".join(_toml_char(c) for c in value) + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{_toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"no TOML form for {type(value).__name__}")


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _toml_char(char: str) -> str:
    if char in _TOML_ESCAPES:
        return _TOML_ESCAPES[char]
    if char.isprintable() or char == " ":
        return char
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate (from undecodable bytes): no TOML form
        return "\\uFFFD"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
        return key
    return toml_value(key)
