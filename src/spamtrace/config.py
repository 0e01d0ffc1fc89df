"""Layered TOML configuration.

Layers, later wins: built-in defaults -> ``/etc/spamtrace/spamtrace.toml`` ->
``/etc/spamtrace/spamtrace.d/*.toml`` (sorted) -> environment (``SPAMTRACE_<SECTION>_<KEY>``,
values parsed as TOML, e.g. ``SPAMTRACE_SMTP_PORTS='[25, 587]'``) -> command-line flags
(applied by the CLI with :meth:`Config.override`).

``SPAMTRACE_CONFIG`` (or ``--config``) replaces the main file path; ``SPAMTRACE_CONFIG_DIR``
the drop-in directory. An unknown section or key, or a value of the wrong type, is a
:class:`~spamtrace.errors.ConfigError` naming the file and key: a typo must never be ignored.
Every effective value remembers where it came from (``spamtrace config show``).
"""

from __future__ import annotations

import os
import sys

from spamtrace import record
from spamtrace.errors import ConfigError
from spamtrace.model import DEFAULT_SMTP_PORTS
from spamtrace.record import Record, field

TYPE_CHECKING = False  # typing is imported only to check a layer's values (start-up cost)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import ModuleType
    from typing import Any


def _toml() -> ModuleType:
    """tomllib (or tomli on 3.10), imported only when a layer needs parsing (start-up cost)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    return tomllib  # type: ignore[no-any-return,unused-ignore]


DEFAULT_CONFIG_FILE = "/etc/spamtrace/spamtrace.toml"
DEFAULT_CONFIG_DIR = "/etc/spamtrace/spamtrace.d"


class SmtpSection(Record):
    ports: list[int] = field(default_factory=lambda: list(DEFAULT_SMTP_PORTS))
    relay_ports: list[int] = field(default_factory=lambda: [25])


class MtaSection(Record):
    # extra MTA service users and executables, added to what is detected
    users: list[str] = field(default_factory=list)
    exes: list[str] = field(default_factory=list)


class AccountsSection(Record):
    min_uid: int = 1000  # uids below this are system users, not hosting accounts
    cpanel_users_dir: str = "/var/cpanel/users"
    cpanel_userdomains: str = "/etc/userdomains"
    directadmin_users_dir: str = "/usr/local/directadmin/data/users"
    plesk_vhosts_dir: str = "/var/www/vhosts"


class SubmissionSection(Record):
    # non-MTA submissions (465/587/2525) from these accounts/users are `allowed` (quiet)
    allow_accounts: list[str] = field(default_factory=list)
    # destinations: "host", "host:port", "ip", "ip:port", "cidr", "[v6]:port"
    allow_destinations: list[str] = field(default_factory=list)


class WatchSection(Record):
    poll_interval: float = 0.01  # sock_diag fallback polling period, seconds
    queue_size: int = 100_000  # events queued between reader and store before loss is counted
    exec_cache_size: int = 65_536


class StoreSection(Record):
    path: str = "/var/lib/spamtrace/spamtrace.db"
    retention_days: int = 90
    max_events: int = 2_000_000


class FirewallSection(Record):
    mode: str = "owner"  # owner | relay | redirect
    nflog_group: int = 2525
    allow_users: list[str] = field(default_factory=list)
    allow_groups: list[str] = field(default_factory=list)
    # [{user = "shop", host = "smtp.sendgrid.net", port = 587}, ...]; every key optional
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    relays: list[str] = field(default_factory=list)  # relay mode: the only allowed destinations
    confirm_timeout: int = 60


class ScanSection(Record):
    max_file_size: int = 16 * 1024 * 1024
    file_timeout: float = 2.0
    cross_filesystems: bool = False
    all_reasons: bool = False  # false: stop looking once a file is certainly malicious


class AuditSection(Record):
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
    dnsbl_nameservers: list[str] = field(default_factory=list)  # empty: system resolver


class MailSection(Record):
    # mail logs read by `mail`, `check` and the daemon; the ones that exist are read
    exim_logs: list[str] = field(
        default_factory=lambda: [
            "/var/log/exim4/mainlog", "/var/log/exim_mainlog", "/var/log/exim/main.log"
        ]
    )  # fmt: skip
    postfix_logs: list[str] = field(
        default_factory=lambda: ["/var/log/mail.log", "/var/log/maillog"]
    )
    php_logs: list[str] = field(default_factory=list)  # PHP mail.log files (php.ini mail.log)
    # argv prefix of the MTA's own command, for queue state (`-bpc` / `postqueue -j`);
    # empty: exim4/exim, then postqueue, found on PATH
    exim_command: list[str] = field(default_factory=list)
    postqueue_command: list[str] = field(default_factory=list)
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


class Config(Record):
    mode: str = "observe"  # observe | enforce
    smtp: SmtpSection = field(default_factory=SmtpSection)
    mta: MtaSection = field(default_factory=MtaSection)
    accounts: AccountsSection = field(default_factory=AccountsSection)
    submission: SubmissionSection = field(default_factory=SubmissionSection)
    watch: WatchSection = field(default_factory=WatchSection)
    store: StoreSection = field(default_factory=StoreSection)
    firewall: FirewallSection = field(default_factory=FirewallSection)
    scan: ScanSection = field(default_factory=ScanSection)
    audit: AuditSection = field(default_factory=AuditSection)
    mail: MailSection = field(default_factory=MailSection)
    # "section.key" -> where the value came from ("default", a file path, "env", "flag")
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def override(self, origin: str = "flag", **dotted: Any) -> Config:
        """Return a copy with ``section__key=value`` overrides applied (from CLI flags)."""
        data = _as_dict(self)
        sources = dict(self.sources)
        for name, value in dotted.items():
            if value is None:
                continue
            path = name.split("__")
            _set_checked(data, path, value, origin)
            sources[".".join(path)] = origin
        return _build(data, sources)


_MODES = ("observe", "enforce")
_FIREWALL_MODES = ("owner", "relay", "redirect")


def _as_dict(cfg: Config) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in record.fields(cfg):
        if name == "sources":
            continue
        value = getattr(cfg, name)
        if record.is_record(value):
            value = {key: _copied(getattr(value, key)) for key in record.fields(value)}
        out[name] = value
    return out


def _copied(value: Any) -> Any:
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    return value


_SECTIONS: dict[str, type[Record]] = {}


def _section_types() -> dict[str, type[Record]]:
    """Section name -> its record class, in declaration order."""
    if not _SECTIONS:
        default = Config()
        for name in record.fields(Config):
            value = getattr(default, name)
            if record.is_record(value):
                _SECTIONS[name] = type(value)
    return _SECTIONS


def _key_types(section: type[Record]) -> dict[str, Any]:
    """Key -> expected type of one section (typing is imported here, only when needed)."""
    import typing

    hints = typing.get_type_hints(section, localns={"Any": typing.Any, "ClassVar": typing.ClassVar})
    return {key: hints[key] for key in record.fields(section)}


def _check_type(expected: Any, value: Any, where: str) -> Any:
    from typing import get_args, get_origin

    origin = get_origin(expected)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__}")
        (item_type,) = get_args(expected)
        return [_check_type(item_type, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {type(value).__name__}")
        return dict(value)
    if expected in (int, float, str, bool):
        if isinstance(value, bool) and expected is not bool:
            raise ConfigError(f"{where}: expected {expected.__name__}, got a boolean")
        if not isinstance(value, expected):
            raise ConfigError(f"{where}: expected {expected.__name__}, got {type(value).__name__}")
        return value
    return value


def _set_checked(data: dict[str, Any], path: list[str], value: Any, origin: str) -> None:
    sections = _section_types()
    where = f"{origin}: {'.'.join(path)}"
    if len(path) == 1:
        if path[0] != "mode":
            if path[0] in sections:
                raise ConfigError(f"{where}: is a section, expected a table of keys")
            raise ConfigError(f"{where}: unknown key")
        data["mode"] = _check_type(str, value, where)
        return
    if len(path) != 2 or path[0] not in sections:
        raise ConfigError(f"{where}: unknown section")
    hints = _key_types(sections[path[0]])
    if path[1] not in hints:
        known = ", ".join(sorted(hints))
        raise ConfigError(f"{where}: unknown key (known keys: {known})")
    data[path[0]][path[1]] = _check_type(hints[path[1]], value, where)


def _merge_layer(
    data: dict[str, Any], sources: dict[str, str], layer: Mapping[str, Any], origin: str
) -> None:
    for key, value in layer.items():
        if isinstance(value, dict) and key != "mode":
            if key not in _section_types():
                raise ConfigError(f"{origin}: [{key}]: unknown section")
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


def _validate(cfg: Config) -> None:
    def where(key: str) -> str:
        return f"{cfg.sources.get(key, 'default')}: {key}"

    if cfg.mode not in _MODES:
        raise ConfigError(f"{where('mode')}: must be one of {', '.join(_MODES)}")
    if cfg.firewall.mode not in _FIREWALL_MODES:
        raise ConfigError(f"{where('firewall.mode')}: must be one of {', '.join(_FIREWALL_MODES)}")
    for key, ports in (("smtp.ports", cfg.smtp.ports), ("smtp.relay_ports", cfg.smtp.relay_ports)):
        if not ports:
            raise ConfigError(f"{where(key)}: must list at least one port")
        for port in ports:
            if not 1 <= port <= 65535:
                raise ConfigError(f"{where(key)}: {port} is not a TCP port")
    if not 1 <= cfg.firewall.nflog_group <= 65535:
        raise ConfigError(f"{where('firewall.nflog_group')}: must be 1..65535")
    if cfg.store.retention_days < 1:
        raise ConfigError(f"{where('store.retention_days')}: must be at least 1")
    if cfg.watch.queue_size < 1:
        raise ConfigError(f"{where('watch.queue_size')}: must be at least 1")
    _validate_mail(cfg.mail, where)


def _validate_mail(mail: MailSection, where: Callable[[str], str]) -> None:
    for key in (
        "window", "script_max_messages", "script_max_recipients", "auth_max_ips",
        "auth_max_networks", "auth_max_messages", "auth_min_messages", "history_hours",
        "check_minutes",
    ):  # fmt: skip
        if getattr(mail, key) < 1:
            raise ConfigError(f"{where('mail.' + key)}: must be at least 1")
    if mail.window > 7 * 86400:
        raise ConfigError(f"{where('mail.window')}: at most 604800 seconds (a week)")
    if mail.auth_rate_factor < 1.0:
        raise ConfigError(f"{where('mail.auth_rate_factor')}: must be at least 1")
    for key in ("exim_logs", "postfix_logs", "php_logs"):
        for path in getattr(mail, key):
            if not path.startswith("/"):
                raise ConfigError(f"{where('mail.' + key)}: {path!r} is not an absolute path")
    for key in ("exim_command", "postqueue_command"):
        argv = getattr(mail, key)
        if argv and not argv[0].startswith("/"):
            raise ConfigError(f"{where('mail.' + key)}: the program must be an absolute path")


def _read_toml(path: str) -> dict[str, Any]:
    tomllib = _toml()
    try:
        with open(path, "rb") as fh:
            loaded: dict[str, Any] = tomllib.load(fh)
            return loaded
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


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

    explicit = config_file is not None or "SPAMTRACE_CONFIG" in env
    main = os.fspath(config_file or env.get("SPAMTRACE_CONFIG") or DEFAULT_CONFIG_FILE)
    if explicit or os.path.exists(main):
        _merge_layer(data, sources, _read_toml(main), main)
    drop_dir = os.fspath(config_dir or env.get("SPAMTRACE_CONFIG_DIR") or DEFAULT_CONFIG_DIR)
    if os.path.isdir(drop_dir):
        names = sorted(n for n in os.listdir(drop_dir) if n.endswith(".toml"))
        for name in names:
            path = os.path.join(drop_dir, name)
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
                raise ConfigError(f"environment: {name}: unknown section")
            key_path = [section, rest[len(section) + 1 :]]
        tomllib = _toml()
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw  # a bare string
        _set_checked(data, key_path, value, f"environment {name}")
        sources[".".join(key_path)] = "environment"
    return _build(data, sources)


def effective_values(cfg: Config) -> list[tuple[str, Any, str]]:
    """(dotted key, value, origin) for every setting, for ``config show``."""
    rows: list[tuple[str, Any, str]] = [("mode", cfg.mode, cfg.sources.get("mode", "default"))]
    for name in _section_types():
        section = getattr(cfg, name)
        for key_name in record.fields(section):
            key = f"{name}.{key_name}"
            rows.append((key, getattr(section, key_name), cfg.sources.get(key, "default")))
    return rows
