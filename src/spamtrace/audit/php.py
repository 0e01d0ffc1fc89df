"""``php.*``: per PHP version/SAPI and per FPM pool, is mail() logged and are raw sockets open?

For every php.ini found (Debian ``/etc/php/*/{cli,fpm,apache2,cgi}``, RHEL ``/etc/php.ini``,
cPanel EA, CloudLinux alt-php, Plesk, DirectAdmin) the effective value is php.ini, then the
scan directory (``conf.d/*.ini``) in name order, later files winning. FPM pools
(``pool.d/*.conf``) add ``php_admin_value[...]`` (locked) and ``php_value[...]`` (a per-directory
``.user.ini`` may change those, and php.ini values, for ``PHP_INI_PERDIR`` settings such as
``mail.log``).

Finding ids: ``php.mail-log``, ``php.mail-x-header``, ``php.disable-functions`` (advice),
``php.fpm-access-log`` (a pool's access log that ``watch`` reads to name the script of a
request too short to be read live).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from spamtrace.audit.finding import Finding, Status
from spamtrace.model import chroot_path, host_path, pool_chroot
from spamtrace.safetext import escape
from spamtrace.sources.fpm_access import (
    ADVISED_FORMAT,
    FormatError,
    configured,
    pool_access_logs,
)

if TYPE_CHECKING:  # not at run time: `mail` and `check` find mail.log files without them
    from spamtrace.audit.environment import AuditEnv
    from spamtrace.config import Config

#: (php.ini glob, scan-dir glob relative to the php.ini's directory)
INI_LAYOUTS: tuple[tuple[str, str], ...] = (
    ("/etc/php/*/*/php.ini", "conf.d"),  # Debian/Ubuntu: /etc/php/8.2/fpm/php.ini
    ("/etc/php.ini", "/etc/php.d"),  # RHEL/Alma
    ("/opt/cpanel/ea-php*/root/etc/php.ini", "php.d"),  # cPanel EasyApache
    ("/opt/alt/php*/etc/php.ini", "php.d"),  # CloudLinux alt-php
    ("/opt/plesk/php/*/etc/php.ini", "php.d"),  # Plesk
    ("/usr/local/php*/lib/php.ini", "php.conf.d"),  # DirectAdmin
)
POOL_GLOBS: tuple[str, ...] = (
    "/etc/php/*/fpm/pool.d/*.conf",
    "/etc/php-fpm.d/*.conf",
    "/opt/cpanel/ea-php*/root/etc/php-fpm.d/*.conf",
    "/opt/plesk/php/*/etc/php-fpm.d/*.conf",
    "/usr/local/php*/etc/php-fpm.d/*.conf",
)
#: FPM main configs: their ``include=`` lines name more pool files (a custom pool folder)
FPM_CONFS: tuple[str, ...] = (
    "/etc/php/*/fpm/php-fpm.conf",
    "/etc/php-fpm.conf",
    "/opt/cpanel/ea-php*/root/etc/php-fpm.conf",
    "/opt/plesk/php/*/etc/php-fpm.conf",
    "/usr/local/php*/etc/php-fpm.conf",
)
_FPM_INCLUDE = re.compile(r"""^\s*include\s*=\s*["']?(/[^"';\s]+)["']?\s*(?:;.*)?$""", re.M)
#: functions that open raw network sockets (SMTP straight to an MX, bypassing mail())
RAW_SOCKET_FUNCTIONS: tuple[str, ...] = (
    "fsockopen",
    "pfsockopen",
    "stream_socket_client",
    "socket_create",
    "socket_connect",
)
CLI_SAPIS = ("cli", "phpdbg")


class ConfigFiles(Protocol):
    """What :func:`gather_configs` reads with: an :class:`AuditEnv`, or a
    :class:`spamtrace.audit.files.RootFiles`."""

    def glob(self, pattern: str) -> list[str]: ...

    def read_text(self, absolute: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class IniFile:
    path: str
    text: str | None  # None: unreadable


@dataclass(frozen=True, slots=True)
class SapiConfig:
    label: str  # "PHP 8.2 fpm"
    sapi: str  # cli | fpm | apache2 | cgi | "" when unknown
    ini: IniFile
    scanned: tuple[IniFile, ...]


@dataclass(frozen=True, slots=True)
class PoolFile:
    file: IniFile
    sapi_label: str | None  # the SAPI whose php.ini the pool inherits


@dataclass(frozen=True, slots=True)
class PhpSnapshot:
    php_binary: str | None
    sapis: tuple[SapiConfig, ...]
    pools: tuple[PoolFile, ...]
    syslog_socket: bool
    homes: tuple[tuple[str, str], ...] = ()  # (user, home) from /etc/passwd
    #: folders of mail.log files that do not exist: PHP cannot create them, nothing is logged
    missing_log_dirs: frozenset[str] = frozenset()
    #: (mail.log file, pool user) -> why that user cannot append to it (mode bits, no ACLs)
    unwritable_logs: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Setting:
    value: str
    path: str
    line: int
    how: str  # "php.ini" | "php_admin_value" | "php_value" | "php_admin_flag" | "php_flag"

    def where(self) -> str:
        return f"{escape(self.path)}:{self.line}"


# --------------------------------------------------------------------------- parsing (pure)
def parse_ini(text: str) -> tuple[list[tuple[str | None, str, str, int]], list[str]]:
    """INI lines -> [(section, key, value, line)], problems as ``line: what``."""
    out: list[tuple[str | None, str, str, int]] = []
    problems: list[str] = []
    section: str | None = None
    lines = text.splitlines()
    skip_to = 0  # lines up to this one were the rest of a quoted value
    for n, raw in enumerate(lines, 1):
        if n <= skip_to:
            continue
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                problems.append(f"{n}: cannot parse: {escape(line, 200)}")
                continue
            section = line[1:-1].strip()
            continue
        if "=" not in line:
            problems.append(f"{n}: cannot parse (no '='): {escape(line, 200)}")
            continue
        key, value = (x.strip() for x in line.split("=", 1))
        if value[:1] in ('"', "'"):
            q = value[0]
            end = value.find(q, 1)
            if end >= 0:
                value = value[1:end]
            else:  # PHP reads a quoted value on until its closing quote, over line ends
                closing = next((i for i in range(n, len(lines)) if q in lines[i]), None)
                if closing is None:
                    problems.append(f"{n}: unterminated quote: {escape(line, 200)}")
                    continue
                tail = lines[closing][: lines[closing].index(q)]
                value = "\n".join([value[1:], *lines[n:closing], tail])
                skip_to = closing + 1
        else:
            value = value.split(";", 1)[0].strip()
        out.append((section, key, value, n))
    return out, problems


def effective_ini(sapi: SapiConfig) -> tuple[dict[str, Setting], list[str]]:
    """Settings of php.ini then the scan directory (later wins), plus parse problems."""
    values: dict[str, Setting] = {}
    problems: list[str] = []
    for f in (sapi.ini, *sapi.scanned):
        if f.text is None:
            problems.append(f"{escape(f.path)}: cannot read")
            continue
        entries, probs = parse_ini(f.text)
        problems += [f"{escape(f.path)}:{p}" for p in probs]
        for _sec, key, value, n in entries:
            values[key.lower()] = Setting(value, f.path, n, "php.ini")
    return values, problems


_POOL_KEY = re.compile(r"^(php_admin_value|php_value|php_admin_flag|php_flag)\[([^\]]+)\]$")


def parse_pool(f: IniFile) -> tuple[dict[str, dict[str, Setting]], list[str]]:
    """FPM pool file -> {pool: {ini key: Setting}} for php_*_value/flag lines."""
    pools: dict[str, dict[str, Setting]] = {}
    if f.text is None:
        return pools, [f"{escape(f.path)}: cannot read"]
    entries, probs = parse_ini(f.text)
    problems = [f"{escape(f.path)}:{p}" for p in probs]
    for section, key, value, n in entries:
        if section is None or section.lower() == "global":
            continue
        pool = pools.setdefault(section, {})
        m = _POOL_KEY.match(key)
        if not m:
            continue
        how, name = m.group(1), m.group(2).strip().lower()
        prev = pool.get(name)
        if (
            prev is not None
            and prev.how.startswith("php_admin")
            and not how.startswith("php_admin")
        ):
            continue  # php_value cannot override php_admin_value
        pool[name] = Setting(value, f.path, n, how)
    return pools, problems


def pool_users(f: IniFile) -> dict[str, str]:
    """FPM pool file -> {pool: the ``user =`` it runs as} (``$pool`` expanded, as FPM does)."""
    users: dict[str, str] = {}
    if f.text is None:
        return users
    for section, key, value, _n in parse_ini(f.text)[0]:
        if section is not None and section.lower() != "global" and key == "user" and value:
            users[section] = value.replace("$pool", section)
    return users


def pool_chroots(f: IniFile) -> dict[str, str]:
    """FPM pool file -> {pool: its ``chroot =``} (``$pool`` expanded, as FPM does); a pool
    without one (or chrooted to ``/``) is not listed. PHP in a chrooted pool opens its
    ``mail.log`` inside the chroot (``/logs/mail.log`` of a pool chrooted to ``/home/shop``
    is ``/home/shop/logs/mail.log``) and names its scripts by their path inside it."""
    roots: dict[str, str] = {}
    if f.text is None:
        return roots
    for section, key, value, _n in parse_ini(f.text)[0]:
        if section is None or section.lower() == "global" or key != "chroot":
            continue
        root = pool_chroot(value, section)
        if root:
            roots[section] = root
        else:
            roots.pop(section, None)  # a later `chroot =` (empty) undoes an earlier one
    return roots


def parse_passwd(text: str | None) -> tuple[tuple[str, str], ...]:
    """``/etc/passwd`` -> ((user, home), ...)."""
    out: list[tuple[str, str]] = []
    for line in (text or "").splitlines():
        fields = line.split(":")
        if len(fields) >= 7 and fields[0] and fields[5].startswith("/"):
            out.append((fields[0], fields[5]))
    return tuple(out)


def pool_mail_log(pool: str, user: str | None, homes: dict[str, str], root: str = "") -> str:
    """Where the fix puts a pool's mail.log: in its user's home, which that user can write.

    ``/home/<pool>`` would be wrong for pool ``www`` of ``www-data`` (home ``/var/www``), and
    for every pool not named after its user. Without a known home: ``/var/log/php-fpm``.
    In a pool chrooted to ``root`` the value is a path inside the chroot (PHP opens it
    there): the home's part below ``root``, else ``/logs/php-mail.log``.
    """
    home = homes.get(user) if user else None
    if root:
        inside = chroot_path(root, home) if home and home.startswith("/") else None
        return f"{(inside or '').rstrip('/')}/logs/php-mail.log"
    if home and home != "/" and home != "/nonexistent":
        return f"{home.rstrip('/')}/logs/php-mail.log"
    return f"/var/log/php-fpm/{pool}-mail.log"


# --------------------------------------------------------------------------- judging
MAIL_LOG_WHY = (
    "`mail.log` makes PHP log every mail() call with the full script path and line "
    "(`mail() on [/home/u/public_html/wp-content/uploads/x.php:4]: To: …`): the one place that "
    "names the script behind form and mailer spam. It does not see raw-socket SMTP "
    "(fsockopen), which spamtrace watch catches. Set it with php_admin_value in FPM pools: "
    "php.ini and php_value settings can be changed by a site's .user.ini."
)
X_HEADER_WHY = (
    "`mail.add_x_header` adds `X-PHP-Originating-Script: <uid>:<script>` to every mail() "
    "message, so a bounced or reported spam tells you the account and script name (basename "
    "only) without server logs."
)
DISABLE_WHY = (
    "Advice, with a trade-off: a site that never talks SMTP itself does not need "
    "fsockopen/pfsockopen/stream_socket_client/socket_*; disabling them in its pool stops "
    "direct-to-MX mailer scripts in that site. But WordPress SMTP plugins and PHPMailer/"
    "Symfony Mailer use stream_socket_client/fsockopen to reach their submission server, and "
    "some API clients use them too: disable per pool, only where the site does not need them. "
    "It is not a barrier (curl's smtp://, proc_open of another binary): the SMTP egress "
    "firewall is."
)


ACCESS_LOG_WHY = (
    "php-fpm serves one request after another in the same worker: a request that connects "
    "to an SMTP port and ends within a millisecond is over before `spamtrace watch` can read "
    "the worker, which by then shows its idle folder or the NEXT request's script (in a pool "
    "that serves several sites, another account's). The pool's access log, with the worker's "
    "pid (%p), the script (%f) and the time (%t) in access.format, names the script that "
    "ran ([watch] fpm_access_logs); without it such a connect may be misattributed."
)
#: the advised access.format as a pool file writes it (quotes inside escaped)
_ACCESS_FORMAT_LINE = '"' + ADVISED_FORMAT.replace('"', '\\"') + '"'


def _access_log_findings(
    pf: PoolFile, names: Iterable[str], cfg: Config
) -> list[Finding]:
    """``php.fpm-access-log`` for each pool ``names`` of the pool file ``pf``: does it write
    an access log that ``watch`` reads and that names the worker's script? A warning at
    most: without it a short request's connect may be put on the wrong script, no more."""
    logs = pool_access_logs(pf.file.path, pf.file.text or "")
    entries = cfg.watch.fpm_access_logs
    try:
        read = {p for p, _f in configured(entries, cfg.watch.fpm_access_format, lambda: logs)[0]}
    except FormatError:  # a broken fpm_access_format is config check's to say
        read = {p for p, _f in configured(entries, "", lambda: logs)[0]}
    by_pool = {log.pool: log for log in logs}
    path = escape(pf.file.path)
    out: list[Finding] = []
    for name in names:
        subject = f"FPM pool {escape(name)} ({path})"
        pfix = f"In {path}, section [{escape(name)}], "
        fmt_line = f"`access.format = {_ACCESS_FORMAT_LINE}`"
        log = by_pool.get(name)
        if log is None:
            out.append(Finding(
                "php.fpm-access-log", Status.WARN,
                f"{subject}: no access log: a short request's SMTP connect may be "
                "misattributed",
                ("access.log is not set",), ACCESS_LOG_WHY,
                pfix + "add `access.log = /var/log/php-fpm/$pool.access.log` and "
                f"{fmt_line} (create /var/log/php-fpm: php-fpm's master writes the log), "
                "then reload php-fpm.",
                subject,
            ))  # fmt: skip
            continue
        ev = [f"{escape(log.at)}: access.log = {escape(log.path)}"]
        if log.path in read:  # with a format that names the script (the pool's, or the config's)
            out.append(Finding(
                "php.fpm-access-log", Status.PASS,
                f"{subject}: its access log names the script of each request",
                tuple(ev), ACCESS_LOG_WHY, "", subject,
            ))  # fmt: skip
            continue
        if log.problem is not None:
            ev.append(f"{escape(log.problem)}")
            if log.format is None and log.path.startswith("/"):
                fix = pfix + f"set {fmt_line}, then reload php-fpm."
            else:
                fix = (pfix + "set `access.log` to an absolute path (`/var/log/php-fpm/"
                       f"$pool.access.log`) and {fmt_line}, then reload php-fpm.")  # fmt: skip
            out.append(Finding(
                "php.fpm-access-log", Status.WARN,
                f"{subject}: its access log cannot name a request's script: a short "
                "request's SMTP connect may be misattributed",
                tuple(ev), ACCESS_LOG_WHY, fix, subject,
            ))  # fmt: skip
            continue
        shown = ", ".join(escape(e) for e in entries) or "nothing"
        ev.append(f"[watch] fpm_access_logs = [{shown}]: this log is not read")
        out.append(Finding(
            "php.fpm-access-log", Status.WARN,
            f"{subject}: watch does not read its access log: a short request's SMTP "
            "connect may be misattributed",
            tuple(ev), ACCESS_LOG_WHY,
            'Add "auto" (or the path) to `[watch] fpm_access_logs` in '
            "/etc/spamtrace/spamtrace.toml, then reload the daemon (SIGHUP).",
            subject,
        ))  # fmt: skip
    return out


def log_file(value: str, pool: str | None, root: str = "") -> str | None:
    """The file a ``mail.log`` value writes to (``$pool`` expanded in an FPM pool's; under
    ``root``, the pool's chroot, when it has one), or None for syslog and a relative path."""
    path = value.replace("$pool", pool) if pool else value
    if not path.startswith("/"):
        return None
    return host_path(root, path) if root else path


def _mail_log_finding(
    subject: str, s: Setting | None, syslog: bool, extra: list[str], pool: bool, fix: str,
    missing: frozenset[str] = frozenset(), pool_name: str | None = None,
    user: str | None = None, unwritable: tuple[tuple[str, str, str], ...] = (),
    root: str = "",
) -> Finding:  # fmt: skip
    ev = list(extra)
    if s is None or not s.value:
        ev.insert(0, "mail.log is not set")
        return Finding(
            "php.mail-log",
            Status.WARN,
            f"{subject}: mail() calls are not logged",
            tuple(ev),
            MAIL_LOG_WHY,
            fix,
            subject,
        )
    ev.insert(0, f"{s.where()}: {s.how} mail.log = {escape(s.value)}")
    target = log_file(s.value, pool_name, root)
    if root and target is not None:
        ev.insert(1, f"the pool's chroot is {escape(root)}: PHP writes {escape(target)}")
    if s.value == "syslog" and not syslog:
        return Finding(
            "php.mail-log",
            Status.WARN,
            f"{subject}: mail.log goes to syslog, but no syslog daemon listens (/dev/log)",
            tuple(ev),
            MAIL_LOG_WHY,
            fix,
            subject,
        )
    folder = os.path.dirname(target) if target else None
    if target is not None and unwritable:
        why = next((w for f, u, w in unwritable if f == target and u == user), None)
        if why is not None:
            return Finding(
                "php.mail-log",
                Status.WARN,
                f"{subject}: the pool's user {escape(user or '?')} cannot write mail.log "
                f"{escape(target)}: mail() calls are not logged",
                (*ev, why),
                MAIL_LOG_WHY,
                f"Give {escape(user or '?')} write access to {escape(target)} (or its folder), "
                f"e.g. `install -d -o {escape(user or 'USER')} -m 750 {escape(folder or '')}`, "
                f"or {fix[:1].lower()}{fix[1:]}",
                subject,
            )
    if folder is not None and folder in missing:
        return Finding(
            "php.mail-log",
            Status.WARN,
            f"{subject}: mail.log's folder {escape(folder)} does not exist: mail() calls "
            "are not logged",
            (*ev, f"{escape(folder)}: no such folder (PHP does not create it)"),
            MAIL_LOG_WHY,
            f"Create {escape(folder)}, writable by the user PHP runs as (e.g. `install -d -o "
            f"USER -m 750 {escape(folder)}`), or {fix[:1].lower()}{fix[1:]}",
            subject,
        )
    if pool and s.how in ("php_value", "php.ini"):
        ev.append("not locked: a site's .user.ini can change it (use php_admin_value)")
    return Finding(
        "php.mail-log",
        Status.PASS,
        f"{subject}: mail() calls are logged",
        tuple(ev),
        MAIL_LOG_WHY,
        fix,
        subject,
    )


def _on(value: str) -> bool:
    return value.strip().lower() in ("1", "on", "yes", "true")


def _x_header_finding(subject: str, s: Setting | None, fix: str) -> Finding:
    if s is not None and _on(s.value):
        return Finding(
            "php.mail-x-header",
            Status.PASS,
            f"{subject}: mail() adds X-PHP-Originating-Script",
            (f"{s.where()}: {s.how} mail.add_x_header = {escape(s.value)}",),
            X_HEADER_WHY,
            fix,
            subject,
        )
    ev = (
        f"{s.where()}: {s.how} mail.add_x_header = {escape(s.value)}"
        if s is not None
        else "mail.add_x_header is not set (default Off)"
    )
    return Finding(
        "php.mail-x-header",
        Status.WARN,
        f"{subject}: mail() adds no X-PHP-Originating-Script",
        (ev,),
        X_HEADER_WHY,
        fix,
        subject,
    )


def _disabled(settings: Iterable[Setting | None]) -> set[str]:
    """The functions ``disable_functions`` values disable. PHP splits the list at each comma
    and each space (``fsockopen pfsockopen`` disables both; a name next to a tab or a line
    end is not a name PHP knows, and disables nothing)."""
    out: set[str] = set()
    for s in settings:
        if s is not None:
            out |= {x.lower() for x in re.split(r"[, ]", s.value) if x}
    return out


def _disable_finding(subject: str, settings: list[Setting | None], fix: str) -> Finding:
    disabled = _disabled(settings)
    missing = [f for f in RAW_SOCKET_FUNCTIONS if f not in disabled]
    ev = [
        f"{s.where()}: {s.how} disable_functions = {escape(s.value, 300)}"
        for s in settings
        if s is not None
    ] or ["disable_functions is not set"]
    if not missing:
        return Finding(
            "php.disable-functions",
            Status.PASS,
            f"{subject}: raw-socket functions are disabled",
            tuple(ev),
            DISABLE_WHY,
            fix,
            subject,
        )
    ev.append("still enabled: " + ", ".join(missing))
    glued = sorted({f for s in settings if s is not None for f in missing
                    if re.search(rf"(^|[,\s]){f}($|[,\s])", s.value.lower())})  # fmt: skip
    if glued:  # listed, but with a line end or a tab beside it: PHP looks up "\tfsockopen"
        ev.append(
            f"listed but not disabled: {', '.join(glued)} (PHP splits the list at commas and "
            "spaces only: a line end or a tab beside a name makes it another name)"
        )
    return Finding(
        "php.disable-functions",
        Status.WARN,
        f"{subject}: raw-socket functions are enabled (advice)",
        tuple(ev),
        DISABLE_WHY,
        fix,
        subject,
    )


def judge(snap: PhpSnapshot, cfg: Config) -> list[Finding]:
    if not snap.sapis and not snap.pools:
        reason = (
            "php is not installed (no php binary, no php.ini found)"
            if snap.php_binary is None
            else "no php.ini found in any known location"
        )
        return [
            Finding(i, Status.SKIPPED, f"{i}: not checked", (reason,), "", "") for i in PhpCheck.ids
        ]
    findings: list[Finding] = []
    by_label: dict[str, dict[str, Setting]] = {}
    for sapi in snap.sapis:
        values, problems = effective_ini(sapi)
        by_label[sapi.label] = values
        subject = f"{sapi.label} ({escape(sapi.ini.path)})"
        if problems:
            findings.append(
                Finding(
                    "php.mail-log",
                    Status.WARN,
                    f"{subject}: configuration could not be parsed",
                    tuple(problems[:20]),
                    "Unparseable lines may hide or break settings.",
                    "Fix or remove the lines named here.",
                    subject,
                )
            )
        ini_fix = f"In {escape(sapi.ini.path)} (or a conf.d file) set "
        findings.append(
            _mail_log_finding(
                subject,
                values.get("mail.log"),
                snap.syslog_socket,
                [],
                False,
                ini_fix + "`mail.log = /var/log/php/mail.log` (a file the PHP processes can "
                "append to; per-account logs from FPM pools are better), then reload php-fpm.",
                snap.missing_log_dirs,
            )
        )
        findings.append(
            _x_header_finding(
                subject, values.get("mail.add_x_header"), ini_fix + "`mail.add_x_header = On`."
            )
        )
        if sapi.sapi not in CLI_SAPIS:
            findings.append(
                _disable_finding(
                    subject,
                    [values.get("disable_functions")],
                    ini_fix
                    + "`disable_functions = "
                    + ",".join(RAW_SOCKET_FUNCTIONS)
                    + "` only if no site of this PHP needs them; better per pool.",
                )
            )
    homes = dict(snap.homes)
    for pf in snap.pools:
        pools, problems = parse_pool(pf.file)
        users = pool_users(pf.file)
        roots = pool_chroots(pf.file)
        inherited = by_label.get(pf.sapi_label or "", {})
        if problems:
            subject = f"FPM pools in {escape(pf.file.path)}"
            findings.append(
                Finding(
                    "php.mail-log",
                    Status.WARN,
                    f"{subject}: configuration could not be parsed",
                    tuple(problems[:20]),
                    "Unparseable lines may hide or break settings.",
                    "Fix or remove the lines named here.",
                    subject,
                )
            )
        for name, settings in pools.items():
            user = users.get(name)
            subject = f"FPM pool {escape(name)} ({escape(pf.file.path)})"
            pfix = f"In {escape(pf.file.path)}, section [{escape(name)}], add "
            log = settings.get("mail.log") or inherited.get("mail.log")
            who = f"the pool's user {escape(user)}" if user else "the pool's user"
            findings.append(
                _mail_log_finding(
                    subject,
                    log,
                    snap.syslog_socket,
                    [],
                    True,
                    pfix + f"`php_admin_value[mail.log] = "
                    f"{escape(pool_mail_log(name, user, homes, roots.get(name, '')))}` "
                    f"(a file {who} can append to: create its folder, owned by {who}), "
                    "then reload php-fpm.",
                    snap.missing_log_dirs,
                    name,
                    user,
                    snap.unwritable_logs,
                    roots.get(name, ""),
                )
            )
            xh = settings.get("mail.add_x_header") or inherited.get("mail.add_x_header")
            findings.append(
                _x_header_finding(subject, xh, pfix + "`php_admin_flag[mail.add_x_header] = on`.")
            )
            pool_df = settings.get("disable_functions")
            if pool_df is not None and not pool_df.how.startswith("php_admin"):
                pool_df = None  # disable_functions is PHP_INI_SYSTEM: php_value has no effect
            findings.append(
                _disable_finding(
                    subject,
                    [inherited.get("disable_functions"), pool_df],
                    pfix
                    + "`php_admin_value[disable_functions] = "
                    + ",".join(RAW_SOCKET_FUNCTIONS)
                    + "` if this site does not send SMTP itself (it adds to php.ini's list).",
                )
            )
        if pf.file.text is not None:
            findings += _access_log_findings(pf, pools, cfg)
    return findings


# --------------------------------------------------------------------------- gathering
def _label(ini_path: str) -> tuple[str, str]:
    m = re.match(r"^/etc/php/([^/]+)/([^/]+)/php\.ini$", ini_path)
    if m:
        return f"PHP {m.group(1)} {m.group(2)}", m.group(2)
    m = re.search(r"(ea-php\d+|alt/php\d+|plesk/php/[^/]+|php\d+)", ini_path)
    return (f"PHP {m.group(1)}" if m else "PHP"), ""


def gather_configs(env: ConfigFiles) -> tuple[list[SapiConfig], list[PoolFile]]:
    """The php.ini files (with their scan folders) and the FPM pool files of ``env``: those
    of :data:`POOL_GLOBS`, then those the FPM main configs' ``include=`` lines name."""
    sapis: list[SapiConfig] = []
    for pattern, scan in INI_LAYOUTS:
        for ini_path in env.glob(pattern):
            base = os.path.dirname(ini_path)
            scan_dir = scan if scan.startswith("/") else f"{base}/{scan}"
            scanned = tuple(IniFile(p, env.read_text(p)) for p in env.glob(f"{scan_dir}/*.ini"))
            label, sapi = _label(ini_path)
            sapis.append(
                SapiConfig(label, sapi, IniFile(ini_path, env.read_text(ini_path)), scanned)
            )
    by_dir = {os.path.dirname(s.ini.path): s.label for s in sapis}
    pools: list[PoolFile] = []
    for pattern in POOL_GLOBS:
        for path in env.glob(pattern):
            parent = os.path.dirname(os.path.dirname(path))
            pool_label = by_dir.get(parent) or by_dir.get(os.path.dirname(parent))
            pools.append(PoolFile(IniFile(path, env.read_text(path)), pool_label))
    seen = {p.file.path for p in pools}
    # FPM follows an include= wherever it is, a pool file's included files too (a panel's
    # per-site folder named from a pool): the main configs first, then every pool file found
    including: list[tuple[str, str | None]] = []
    for pattern in FPM_CONFS:
        for conf in env.glob(pattern):
            conf_dir = os.path.dirname(conf)
            conf_label = by_dir.get(conf_dir) or by_dir.get(os.path.dirname(conf_dir))
            including.append((env.read_text(conf) or "", conf_label))
    including.extend((p.file.text or "", p.sapi_label) for p in pools)
    for body, inherits in including:  # grows while walked; `seen` ends include loops
        for include in _FPM_INCLUDE.findall(body):
            for path in env.glob(include):
                if path not in seen:
                    seen.add(path)
                    pool = PoolFile(IniFile(path, env.read_text(path)), inherits)
                    pools.append(pool)
                    including.append((pool.file.text or "", inherits))
    return sapis, pools


def _mail_logs(
    sapis: Iterable[SapiConfig], pools: Iterable[PoolFile]
) -> list[tuple[Setting, str, str]]:
    """(setting whose ``value`` is the file, the chroot PHP writes it in or "", the user
    every process writing it runs as or "") of each ``mail.log`` file, in the order found
    (:func:`mail_log_files`). A file of a SAPI's php.ini is written by every pool without its
    own (and by the CLI's scripts): no one user's."""
    out: dict[str, tuple[Setting, str]] = {}
    writers: dict[str, set[str | None]] = {}
    inherited: dict[str, Setting | None] = {}
    for sapi in sapis:
        s = effective_ini(sapi)[0].get("mail.log")
        inherited[sapi.label] = s
        target = log_file(s.value, None) if s else None
        if s is not None and target is not None:
            out.setdefault(target, (Setting(target, s.path, s.line, s.how), ""))
            writers.setdefault(target, set()).add(None)
    for pf in pools:
        roots = pool_chroots(pf.file)
        users = pool_users(pf.file)
        for name, settings in parse_pool(pf.file)[0].items():
            root = roots.get(name, "")
            # a chrooted pool writes even its SAPI's mail.log inside the chroot
            s = settings.get("mail.log") or (inherited.get(pf.sapi_label or "") if root else None)
            target = log_file(s.value, name, root) if s else None
            if s is not None and target is not None:
                out.setdefault(target, (Setting(target, s.path, s.line, s.how), root))
                writers.setdefault(target, set()).add(users.get(name))
    return [
        (s, root, next(iter(writers[s.value])) or "" if len(writers[s.value]) == 1 else "")
        for s, root in out.values()
    ]


def mail_log_files(sapis: Iterable[SapiConfig], pools: Iterable[PoolFile]) -> list[Setting]:
    """The ``mail.log`` settings that write to a file, one per file, in the order found:
    each SAPI's effective php.ini value, then each FPM pool's own (``$pool`` expanded), as a
    :class:`Setting` whose ``value`` is the file (``path``/``line``: where it is set). A pool
    without its own value writes to its SAPI's file, already listed; a chrooted pool
    (``chroot =``) writes its file, own or its SAPI's, inside its chroot: that file is
    listed. Pure: what :func:`gather_configs` read."""
    return [s for s, _root, _user in _mail_logs(sapis, pools)]


def mail_log_roots(sapis: Iterable[SapiConfig], pools: Iterable[PoolFile]) -> dict[str, str]:
    """{mail.log file: the chroot of the pool that writes it} for the files that chrooted
    pools write: their lines name scripts by the path inside the chroot."""
    return {s.value: root for s, root, _user in _mail_logs(sapis, pools) if root}


def mail_log_users(sapis: Iterable[SapiConfig], pools: Iterable[PoolFile]) -> dict[str, str]:
    """{mail.log file: the ``user =`` of the FPM pool(s) that write it} for the files that
    only pools of one user write: each of their lines is a ``mail()`` call of that user's."""
    return {s.value: user for s, _root, user in _mail_logs(sapis, pools) if user}


def gather(env: AuditEnv) -> PhpSnapshot:
    sapis, pools = gather_configs(env)
    passwd = env.read_text("/etc/passwd") if pools else None  # read once, for both
    return PhpSnapshot(
        php_binary=env.runner.which(env.php_binary),
        sapis=tuple(sapis),
        pools=tuple(pools),
        syslog_socket=env.path("/dev/log").exists(),
        homes=parse_passwd(passwd) if pools else (),
        missing_log_dirs=_missing_log_dirs(env, sapis, pools),
        unwritable_logs=_unwritable_logs(env, sapis, pools, passwd),
    )


def _unwritable_logs(
    env: AuditEnv, sapis: list[SapiConfig], pools: list[PoolFile], passwd: str | None
) -> tuple[tuple[str, str, str], ...]:
    """(mail.log file, pool user, why) for each pool whose user cannot append to its mail.log
    (its own, or its SAPI's php.ini's), by the mode bits of the file, else of its folder;
    ``passwd``: the text of /etc/passwd."""
    if not pools:
        return ()  # no pool, no pool user
    accounts: dict[str, tuple[int, set[int]]] = {}
    for line in (passwd or "").splitlines():
        f = line.split(":")
        if len(f) >= 4 and f[2].isdecimal() and f[3].isdecimal():
            accounts.setdefault(f[0], (int(f[2]), {int(f[3])}))
    for line in (env.read_text("/etc/group") or "").splitlines():
        f = line.split(":")
        if len(f) >= 4 and f[2].isdecimal():
            for member in f[3].split(","):
                if member in accounts:
                    accounts[member][1].add(int(f[2]))
    inherited = {sapi.label: effective_ini(sapi)[0].get("mail.log") for sapi in sapis}
    out: list[tuple[str, str, str]] = []
    for pf in pools:
        users = pool_users(pf.file)
        roots = pool_chroots(pf.file)
        for name, settings in parse_pool(pf.file)[0].items():
            s = settings.get("mail.log") or inherited.get(pf.sapi_label or "")
            target = log_file(s.value, name, roots.get(name, "")) if s else None
            user = users.get(name)
            if target is None or user is None or user not in accounts:
                continue
            uid, gids = accounts[user]
            why = _cannot_append(env, target, uid, gids)
            if why is not None and (target, user, why) not in out:
                out.append((target, user, why))
    return tuple(out)


def _cannot_append(env: AuditEnv, target: str, uid: int, gids: set[int]) -> str | None:
    """Why ``uid`` (in ``gids``) cannot append to ``target``, or None (it can, or the file
    and its folder cannot be looked at). Mode bits only: an ACL can grant more."""
    import stat

    def allowed(st: os.stat_result, bits: int) -> bool:  # bits: 2 write, 3 write + search
        if uid == 0:
            return True
        shift = 6 if st.st_uid == uid else 3 if st.st_gid in gids else 0
        return (st.st_mode >> shift) & bits == bits

    try:
        st = env.path(target).stat()
    except FileNotFoundError:
        folder = os.path.dirname(target)
        try:
            fst = env.path(folder).stat()
        except OSError:
            return None  # a missing folder is said apart
        if stat.S_ISDIR(fst.st_mode) and not allowed(fst, 3):
            mode = stat.filemode(fst.st_mode)
            owner = f"owner uid {fst.st_uid} gid {fst.st_gid}"
            return f"{escape(folder)}: mode {mode}, {owner}: uid {uid} cannot create files in it"
        return None
    except OSError:
        return None
    if stat.S_ISREG(st.st_mode) and not allowed(st, 2):
        return (f"{escape(target)}: mode {stat.filemode(st.st_mode)}, owner uid {st.st_uid} "
                f"gid {st.st_gid}: uid {uid} cannot write it")  # fmt: skip
    return None


def _missing_log_dirs(
    env: AuditEnv, sapis: list[SapiConfig], pools: list[PoolFile]
) -> frozenset[str]:
    """The folders of the mail.log files of ``sapis`` and ``pools`` that do not exist."""
    folders = {os.path.dirname(s.value) for s in mail_log_files(sapis, pools)}
    return frozenset(d for d in folders if not env.path(d).is_dir())


class PhpCheck:
    family: str = "php"
    ids: tuple[str, ...] = (
        "php.mail-log", "php.mail-x-header", "php.disable-functions", "php.fpm-access-log",
    )  # fmt: skip

    def gather(self, env: AuditEnv) -> PhpSnapshot:
        return gather(env)

    def judge(self, snapshot: PhpSnapshot, cfg: Config) -> list[Finding]:
        return judge(snapshot, cfg)
