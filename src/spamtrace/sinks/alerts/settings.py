"""The ``[alerts]`` config section, checked and turned into one frozen spec per channel.

The section itself is a plain record in :mod:`spamtrace.config` (so that ``config show`` and
the layering work as for every section); its channel tables (``[[alerts.webhook]]``,
``[[alerts.email]]``, ``[alerts.syslog]``) are free-form there and are checked here, key by
key: an unknown key, a wrong type or a bad value is a :class:`~spamtrace.errors.ConfigError`
naming the channel and the key, at config load time.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spamtrace.errors import AlertError, ConfigError
from spamtrace.safetext import escape, quoted

if TYPE_CHECKING:
    import ssl

#: ``[alerts] min_verdict`` values, quietest last
MIN_VERDICTS = ("submission", "suspicious", "malicious")
EMAIL_TLS = ("auto", "starttls", "ssl", "none")
WEBHOOK_FORMATS = ("json", "slack")
SYSLOG_FACILITIES = {
    "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "authpriv": 10,
    **{f"local{i}": 16 + i for i in range(8)},
}  # fmt: skip
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 2.0


@dataclass(frozen=True, slots=True)
class Delivery:
    """How hard a channel tries: per attempt timeout, retries after the first, backoff base."""

    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF  # seconds before the first retry, doubled each time
    rate_limit: int | None = None  # None: the section's


@dataclass(frozen=True, slots=True)
class WebhookSpec:
    name: str
    url: str
    format: str
    headers: tuple[tuple[str, str], ...]
    ca_file: str | None
    proxy: str | None
    delivery: Delivery
    kind: str = "webhook"


@dataclass(frozen=True, slots=True)
class EmailSpec:
    name: str
    sender: str
    to: tuple[str, ...]
    smtp_host: str | None
    smtp_port: int
    sendmail: str | None
    tls: str
    username: str | None
    password_file: str | None
    password: str | None
    delivery: Delivery
    ca_file: str | None = None  # CA bundle for the relay's certificate (default: the system's)
    kind: str = "email"


@dataclass(frozen=True, slots=True)
class SyslogSpec:
    name: str
    socket: str
    facility: str
    ident: str
    delivery: Delivery
    kind: str = "syslog"


ChannelSpec = WebhookSpec | EmailSpec | SyslogSpec


@dataclass(frozen=True, slots=True)
class AlertSettings:
    min_verdict: str
    host: str
    rate_limit: int
    rate_window: float
    queue_size: int
    channels: tuple[ChannelSpec, ...]
    stop_grace: float = 5.0  # seconds the channels get at exit (then: dropped, logged)


class _Table:
    """One channel table: typed reads that remember which keys were used."""

    def __init__(self, where: str, data: Any) -> None:
        if not isinstance(data, dict):
            from spamtrace.config import kind_of

            raise ConfigError(f"{where}: expected a table, got {kind_of(data)}")
        self.where = where
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def get(self, key: str, kind: type, default: Any = None, *, required: bool = False) -> Any:
        self.used.add(key)
        if key not in self.data:
            if required:
                raise ConfigError(f"{self.where}: {key} is required")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            from spamtrace.config import kind_of

            # the words of the other config errors ("expected float, got a string")
            raise ConfigError(f"{self.where}.{key}: expected {kind.__name__}, got {kind_of(value)}")
        return value

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> Any:
        value = self.get(key, str, default, required=required)
        if isinstance(value, str) and any(ch in value for ch in "\r\n\0"):
            raise ConfigError(f"{self.where}.{key}: must be one line")
        return value

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            known = ", ".join(sorted(self.used))
            raise ConfigError(f"{self.where}.{unknown[0]}: unknown key (known keys: {known})")

    def delivery(self) -> Delivery:
        timeout = self.get("timeout", float, DEFAULT_TIMEOUT)
        retries = self.get("retries", int, DEFAULT_RETRIES)
        backoff = self.get("backoff", float, DEFAULT_BACKOFF)
        rate = self.get("rate_limit", int, None)
        if not 0 < timeout <= 300:
            raise ConfigError(f"{self.where}.timeout: must be more than 0 and at most 300 seconds")
        if not 0 <= retries <= 20:
            raise ConfigError(f"{self.where}.retries: must be 0..20")
        if not 0 <= backoff <= 600:
            raise ConfigError(f"{self.where}.backoff: must be 0..600 seconds")
        if rate is not None and rate < 1:
            raise ConfigError(f"{self.where}.rate_limit: must be at least 1")
        return Delivery(timeout, retries, backoff, rate)


def _host_port(where: str, text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host or "[" in host or "]" in host:
        if ":" in host and "[" not in text and "]" not in text:  # fd57:d4::2 read as port 2
            raise ConfigError(
                f"{where}: write an IPv6 address in brackets, then its port (e.g. "
                f"[2001:db8::25]:25), got {quoted(text)}"
            )
        host = ""
    if not sep or not host or not port.isdecimal() or not 1 <= int(port) <= 65535:
        raise ConfigError(f"{where}: expected host:port (e.g. 127.0.0.1:25), got {quoted(text)}")
    return host, int(port)


def _address(where: str, text: str) -> str:
    if "@" not in text or any(ch in text for ch in " <>,;\"'\t"):
        raise ConfigError(f"{where}: {quoted(text)} is not a plain e-mail address (user@domain)")
    return text


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The verifying TLS context of a webhook or relay: the system CAs, or ``ca_file``. A
    ``ca_file`` that cannot be read or holds no certificate is an :class:`AlertError` naming
    it (not retried: it will not load on the next try either); ``config check`` says it
    first, and the daemon keeps running with that channel failing, as with ``password_file``."""
    import ssl

    try:
        return ssl.create_default_context(cafile=ca_file)
    except ssl.SSLError as exc:  # a file that is there but holds no PEM certificate
        why = f"no CA certificate could be loaded from it ({exc.reason or exc})"
    except OSError as exc:
        why = exc.strerror or str(exc)
    raise AlertError(f"ca_file {escape(ca_file or '')}: {escape(why)}", retryable=False)


def _http_address_problem(url: str) -> str | None:
    """Why urllib could not send to ``url`` (an http/https URL), found at config load rather
    than at the first alert (where ``http://[::1/x`` or a port ``abc`` was an internal error,
    and a missing host a failed delivery); None when it can. The URL is not quoted back: a
    chat webhook's secret is in it."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "holds a space or a control character (write it percent-encoded, %20)"
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", "Port could..."
        if "port" in str(exc).lower():
            return "its port is not a number from 1 to 65535"
        return "its host cannot be read (an IPv6 address is written in brackets: [2001:db8::1])"
    if not parts.hostname:
        return "no host (expected http[s]://host[:port]/path)"
    if port == 0:
        return "its port is not a number from 1 to 65535"
    return None


def _webhook(where: str, t: _Table, name: str) -> WebhookSpec:
    url = t.text("url", required=True)
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}.url: must start with http:// or https://")
    if (why := _http_address_problem(url)) is not None:
        raise ConfigError(f"{where}.url: {why}")
    if "@" in urllib.parse.urlsplit(url).netloc:  # urllib would take user:pw@ for the host
        raise ConfigError(
            f"{where}.url: no credentials in the URL (they would be printed in logs and "
            'reports): give them as headers = {Authorization = "..."}'
        )
    fmt = t.text("format", "json")
    if fmt not in WEBHOOK_FORMATS:
        raise ConfigError(f"{where}.format: must be one of {', '.join(WEBHOOK_FORMATS)}")
    headers = t.get("headers", dict, {})
    for key, value in headers.items():
        bad_key = not key or any(ch in key for ch in ": \t\r\n\0")
        if bad_key or not isinstance(value, str) or any(ch in value for ch in "\r\n\0"):
            raise ConfigError(f"{where}.headers[{quoted(key)}]: must be a one-line string")
    proxy = t.text("proxy", None)
    if proxy:  # urllib takes "host:port" as http://host:port; it speaks no socks
        full = proxy if "://" in proxy else "http://" + proxy
        if not full.startswith(("http://", "https://")):
            raise ConfigError(f"{where}.proxy: must be http://host:port or https://host:port")
        if (why := _http_address_problem(full)) is not None:
            raise ConfigError(f"{where}.proxy: {why}")
    ca_file = t.text("ca_file", None)
    return WebhookSpec(
        name, url, fmt, tuple(sorted(headers.items())), ca_file or None, proxy or None,
        t.delivery(),
    )  # fmt: skip


def _email(where: str, t: _Table, name: str) -> EmailSpec:
    smtp = t.text("smtp", None)
    sendmail = t.text("sendmail", None)
    if (smtp is None) == (sendmail is None):
        raise ConfigError(f'{where}: give either smtp = "host:port" or sendmail = "/path"')
    host, port = _host_port(f"{where}.smtp", smtp) if smtp else (None, 0)
    if sendmail is not None and not os.path.isabs(sendmail):
        raise ConfigError(f"{where}.sendmail: must be an absolute path")
    sender = _address(f"{where}.from", t.text("from", required=True))
    to = t.get("to", list, required=True)
    if not to or not all(isinstance(x, str) for x in to):
        raise ConfigError(f"{where}.to: must list at least one address")
    rcpts = tuple(_address(f"{where}.to", x) for x in to)
    tls = t.text("tls", "auto")
    if tls not in EMAIL_TLS:
        raise ConfigError(f"{where}.tls: must be one of {', '.join(EMAIL_TLS)}")
    username = t.text("username", None)
    password = t.text("password", None)
    password_file = t.text("password_file", None)
    if password is not None and password_file is not None:
        raise ConfigError(f"{where}: give password or password_file, not both")
    if (password is not None or password_file is not None) and not username:
        raise ConfigError(f"{where}: a password needs a username")
    if username and sendmail:
        raise ConfigError(f"{where}.username: only for smtp, not for sendmail")
    if username and tls == "none":
        raise ConfigError(f'{where}.tls: "none" would send the password in clear text')
    ca_file = t.text("ca_file", None)
    return EmailSpec(
        name, sender, rcpts, host, port, sendmail, tls, username, password_file, password,
        t.delivery(), ca_file or None,
    )  # fmt: skip


def _syslog(where: str, t: _Table) -> SyslogSpec | None:
    enabled = t.get("enabled", bool, False)
    name = t.text("name", "syslog")
    sock = t.text("socket", "/dev/log")
    facility = t.text("facility", "daemon")
    ident = t.text("ident", "spamtrace")
    if facility not in SYSLOG_FACILITIES:
        raise ConfigError(f"{where}.facility: must be one of {', '.join(SYSLOG_FACILITIES)}")
    if not ident or any(not (ch.isalnum() or ch in "-_.") for ch in ident):
        raise ConfigError(f"{where}.ident: letters, digits, - _ . only")
    delivery = t.delivery()
    return SyslogSpec(name, sock, facility, ident, delivery) if enabled else None


def parse(section: Any, origin: str = "config") -> AlertSettings:
    """Check the ``[alerts]`` section (a ``config.AlertsSection``) and build its channels."""
    if section.min_verdict not in MIN_VERDICTS:
        raise ConfigError(f"{origin}: alerts.min_verdict: must be one of {', '.join(MIN_VERDICTS)}")
    if section.rate_limit < 1:
        raise ConfigError(f"{origin}: alerts.rate_limit: must be at least 1")
    if not 1 <= section.rate_window <= 86400:
        raise ConfigError(f"{origin}: alerts.rate_window: must be 1..86400 seconds")
    if section.queue_size < 1:
        raise ConfigError(f"{origin}: alerts.queue_size: must be at least 1")
    if not 0 <= section.stop_grace <= 60:
        raise ConfigError(f"{origin}: alerts.stop_grace: must be 0..60 seconds")
    channels: list[ChannelSpec] = []
    # a path into the config counts from 0, as every other one (smtp.ports[1] is the second
    # port); a channel's default name counts from 1 (webhook-1 is the first)
    for i, raw in enumerate(section.webhook, 1):
        where = f"{origin}: alerts.webhook[{i - 1}]"
        t = _Table(where, raw)
        channels.append(_webhook(where, t, t.text("name", f"webhook-{i}")))
        t.done()
    for i, raw in enumerate(section.email, 1):
        where = f"{origin}: alerts.email[{i - 1}]"
        t = _Table(where, raw)
        channels.append(_email(where, t, t.text("name", f"email-{i}")))
        t.done()
    t = _Table(f"{origin}: alerts.syslog", section.syslog)
    syslog = _syslog(f"{origin}: alerts.syslog", t)
    t.done()
    if syslog is not None:
        channels.append(syslog)
    names = [c.name for c in channels]
    for name in names:
        if not name or any(not (ch.isalnum() or ch in "-_.") for ch in name):
            raise ConfigError(
                f"{origin}: alerts: channel name {quoted(name)}: letters, digits, - _ ."
            )
        if names.count(name) > 1:
            raise ConfigError(f"{origin}: alerts: two channels are named {quoted(name)}")
    host = section.host  # "": this machine's name, looked up when alerts start
    if any(ch in host for ch in "\r\n\0"):
        raise ConfigError(f"{origin}: alerts.host: must be one line")
    return AlertSettings(
        section.min_verdict, host, section.rate_limit, float(section.rate_window),
        section.queue_size, tuple(channels), float(section.stop_grace),
    )  # fmt: skip
