"""``mta.*``: which MTA runs, whether it relays through a smarthost, whether it logs what is
needed to find the script behind a mail() call, and whether it limits what one account sends.

Exim is read through ``exim -bP`` (effective values, Debian macros resolved) and
``exim -bP config`` (the whole processed configuration); Postfix through ``postconf -n`` or
``/etc/postfix/main.cf``. Which MTA is installed and its service users come from
:func:`spamtrace.attribution.mta.detect_mta`.

Finding ids: ``mta.detected``, ``mta.smarthost``, ``mta.exim-log-selector``,
``mta.postfix-logging``, ``mta.send-limits``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spamtrace.audit.environment import AuditEnv
from spamtrace.audit.finding import Finding, Status
from spamtrace.config import Config
from spamtrace.safetext import escape

DEBIAN_CONF = "/etc/exim4/update-exim4.conf.conf"
DEBIAN_MACROS = "/etc/exim4/exim4.conf.localmacros"
CPANEL_CONFIG = "/var/cpanel/cpanel.config"
CPANEL_EXIM_LOCALOPTS = "/etc/exim.conf.localopts"
POSTFIX_MAIN = "/etc/postfix/main.cf"


@dataclass(frozen=True, slots=True)
class EximInfo:
    binary: str
    log_selector: str | None  # the value after "log_selector =", None when -bP failed
    log_selector_error: str
    acl_not_smtp: str | None
    config_file: str | None  # from exim -bV
    config: str | None  # exim -bP config
    debian_conf: str | None
    debian_macros: str | None
    cpanel_localopts: str | None
    config_error: str = ""  # how ``exim -bP config`` failed (its describe()), when it did


@dataclass(frozen=True, slots=True)
class PostfixInfo:
    source: str  # "postconf -n" or the main.cf path
    main_cf: str | None  # text in main.cf syntax


@dataclass(frozen=True, slots=True)
class MtaSnapshot:
    kind: str | None  # from detect_mta
    users: tuple[str, ...]
    detect_note: str  # escaped; why detection could not run, if it could not
    running: tuple[str, ...]  # escaped "name (pid N, user U)" of MTA daemons
    exim: EximInfo | None
    postfix: PostfixInfo | None
    cpanel_config: str | None
    syslog_socket: bool  # /dev/log exists (a syslog daemon can receive Postfix's log)


# --------------------------------------------------------------------------- parsing (pure)
def parse_key_values(text: str) -> tuple[dict[str, tuple[str, int]], list[str]]:
    """``key = value`` lines (Postfix main.cf, Debian conf, cPanel config) with continuation
    lines (leading whitespace) -> {key: (value, line)}, problems as ``line: text``."""
    out: dict[str, tuple[str, int]] = {}
    problems: list[str] = []
    last: str | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0] in " \t" and last is not None:
            value, line = out[last]
            out[last] = (f"{value} {raw.strip()}".strip(), line)
            continue
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*=\s*(.*?)\s*$", raw)
        if not m:
            problems.append(f"{n}: cannot parse: {escape(raw.strip(), 200)}")
            last = None
            continue
        value = m.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[m.group(1)] = (value, n)
        last = m.group(1)
    return out, problems


def selector_has(selector: str, item: str) -> bool:
    """Does an Exim log_selector turn ``item`` on? Later tokens win; ``+all`` counts."""
    on = False
    for tok in selector.split():
        name = tok[1:]
        if tok[:1] == "+" and name in (item, "all"):
            on = True
        elif tok[:1] == "-" and name in (item, "all"):
            on = False
    return on


def exim_sections(config: str) -> dict[str, str]:
    """``exim -bP config`` text split into sections: "main", "acl", "routers", ..."""
    out: dict[str, list[str]] = {"main": []}
    cur = "main"
    for line in config.splitlines():
        m = re.match(r"^\s*begin\s+(\w+)\s*$", line)
        if m:
            cur = m.group(1)
            out.setdefault(cur, [])
            continue
        out.setdefault(cur, []).append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def exim_blocks(section: str) -> dict[str, str]:
    """Named blocks (``name:`` then its lines) of a routers/acl section."""
    blocks: dict[str, list[str]] = {}
    cur: str | None = None
    for line in section.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        m = re.match(r"^([A-Za-z0-9_\-]+):\s*$", line.strip())
        if m and (not line[:1].isspace() or cur is None):
            cur = m.group(1)
            blocks[cur] = []
            continue
        if cur is not None:
            blocks[cur].append(line.strip())
    return {k: "\n".join(v) for k, v in blocks.items()}


def exim_smarthost(info: EximInfo) -> tuple[bool | None, list[str]]:
    """(relays through a smarthost?, evidence). None: cannot tell."""
    ev: list[str] = []
    if info.debian_conf is not None:
        kv, _ = parse_key_values(info.debian_conf)
        ctype, line = kv.get("dc_eximconfig_configtype", ("", 0))
        smarthost = kv.get("dc_smarthost", ("", 0))[0]
        ev.append(f"{DEBIAN_CONF}:{line}: dc_eximconfig_configtype='{escape(ctype)}'")
        if ctype in ("smarthost", "satellite"):
            ev.append(f"{DEBIAN_CONF}: dc_smarthost='{escape(smarthost)}'")
            return bool(smarthost), ev
        if ctype == "local":
            ev.append("local delivery only: mail for remote domains is not delivered at all")
            return True, ev
        if ctype == "internet":
            return False, ev
    if info.config is None:
        return None, ev
    routers = exim_blocks(exim_sections(info.config).get("routers", ""))
    for name, body in routers.items():
        if not re.search(r"^driver\s*=\s*manualroute\b", body, re.M):
            continue
        domains = re.search(r"^domains\s*=\s*(.*)$", body, re.M)
        route = re.search(r"^route_list\s*=\s*(\*\s+.*)$", body, re.M)
        if route and (domains is None or "! +local_domains" in domains.group(1)):
            ev.append(
                f"exim -bP config: router {escape(name)}: route_list = {escape(route.group(1))}"
            )
            return True, ev
    ev.append("exim -bP config: no manualroute router sends every remote domain to one host")
    return False, ev


# --------------------------------------------------------------------------- judging
def judge(snap: MtaSnapshot, cfg: Config) -> list[Finding]:
    return [
        _detected(snap),
        _smarthost(snap),
        _exim_log(snap),
        _postfix_log(snap),
        _limits(snap),
    ]


def _detected(snap: MtaSnapshot) -> Finding:
    fid = "mta.detected"
    why = (
        "spamtrace allows SMTP egress only for the MTA's user and executable; knowing which MTA "
        "runs is the base of every other mail check."
    )
    ev = [snap.detect_note] if snap.detect_note else []
    ev += [f"running: {r}" for r in snap.running] or ["no MTA daemon process found"]
    if snap.kind is None:
        if snap.detect_note and snap.exim is None and snap.postfix is None:
            return Finding(fid, Status.SKIPPED, "MTA detection unavailable", tuple(ev), why, "")
        return Finding(
            fid,
            Status.WARN,
            "no MTA detected",
            tuple(ev),
            why,
            "If this server sends mail, name its MTA users/executables in [mta] users/exes.",
        )
    ev.insert(0, f"detected: {escape(snap.kind)} (users: {', '.join(snap.users) or '-'})")
    return Finding(fid, Status.PASS, f"MTA: {escape(snap.kind)}", tuple(ev), why, "")


def _smarthost(snap: MtaSnapshot) -> Finding:
    fid = "mta.smarthost"
    why = (
        "Delivering straight to remote MX hosts puts this server's IP reputation at stake for "
        "every message; a smarthost/relay (your own outbound relay or a filtering service) can "
        "rate-limit and scan outgoing mail, and lets the firewall close port 25 for everything "
        "but the relay (`spamtrace firewall` relay mode)."
    )
    if snap.exim is not None:
        relays, ev = exim_smarthost(snap.exim)
        fix = (
            "Debian: `dpkg-reconfigure exim4-config` (mail sent by smarthost), or set "
            "dc_eximconfig_configtype='smarthost' and dc_smarthost in "
            f"{DEBIAN_CONF}, then `update-exim4.conf` and reload exim4. Other Exim builds: a "
            "manualroute router with `domains = ! +local_domains` and `route_list = * relay.host`."
        )
    elif snap.postfix is not None and snap.postfix.main_cf is not None:
        kv, _ = parse_key_values(snap.postfix.main_cf)
        value, line = kv.get("relayhost", ("", 0))
        relays = bool(value)
        where = f"{escape(snap.postfix.source)}:{line}" if line else escape(snap.postfix.source)
        ev = [f"{where}: relayhost = {escape(value)}"]
        fix = "Set `relayhost = [relay.example.net]:587` (with SASL auth) via `postconf -e`."
    else:
        return Finding(
            fid,
            Status.SKIPPED,
            "no Exim or Postfix to inspect",
            ("exim/postconf not found",),
            why,
            "",
        )
    if relays is None:
        return Finding(
            fid, Status.WARN, "could not tell how the MTA routes mail", tuple(ev), why, fix
        )
    if relays:
        title = "the MTA relays through a smarthost"
        if any("local delivery only" in e for e in ev):
            title = "the MTA delivers local mail only (no remote delivery)"
        return Finding(fid, Status.PASS, title, tuple(ev), why, fix)
    return Finding(
        fid,
        Status.WARN,
        "the MTA delivers straight to remote MX hosts (no smarthost)",
        tuple(ev),
        why,
        fix,
    )


def _exim_log(snap: MtaSnapshot) -> Finding:
    fid = "mta.exim-log-selector"
    why = (
        "With `+arguments` Exim logs the working directory and command line of every local "
        "submission (`cwd=/home/u/public_html/wp-content/uploads 3 args: /usr/sbin/sendmail "
        "-t -i`): the folder of the script that called mail(). Without it the log only says "
        "`U=user P=local`."
    )
    if snap.exim is None:
        return Finding(fid, Status.SKIPPED, "Exim is not installed", ("exim not found",), why, "")
    ex = snap.exim
    if ex.log_selector is None:
        return Finding(
            fid,
            Status.WARN,
            "could not read Exim's log_selector",
            (ex.log_selector_error,),
            why,
            "Check that `exim -bP log_selector` works as root.",
        )
    ev = [f"$ exim -bP log_selector: log_selector = {escape(ex.log_selector)}"]
    ev += _where_set(ex)
    if ex.debian_conf is not None:
        fix = (
            f"Add +arguments to MAIN_LOG_SELECTOR in {DEBIAN_MACROS}, e.g. `MAIN_LOG_SELECTOR = "
            "+arguments +smtp_protocol_error +smtp_syntax_error +tls_certificate_verified "
            "+tls_peerdn` (edit the existing line if there is one), then `update-exim4.conf` and "
            "reload exim4; verify with `exim -bP log_selector`."
        )
    elif ex.cpanel_localopts is not None:
        fix = (
            "WHM » Exim Configuration Manager » Advanced Editor: add +arguments +subject "
            "+received_recipients to log_selector (CSF's LF_SCRIPT_ALERT needs them too)."
        )
    else:
        fix = (
            f"Add +arguments to the `log_selector =` line in the main section of "
            f"{escape(ex.config_file or 'the Exim configuration')} and restart Exim."
        )
    if selector_has(ex.log_selector, "arguments"):
        return Finding(
            fid, Status.PASS, "Exim logs the caller's cwd (+arguments)", tuple(ev), why, fix
        )
    return Finding(
        fid,
        Status.WARN,
        "Exim does not log the caller's cwd (+arguments missing)",
        tuple(ev),
        why,
        fix,
    )


def _where_set(ex: EximInfo) -> list[str]:
    out = []
    for path, text in (
        (DEBIAN_MACROS, ex.debian_macros),
        (CPANEL_EXIM_LOCALOPTS, ex.cpanel_localopts),
    ):
        if text is None:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if re.match(r"^\s*(MAIN_LOG_SELECTOR|log_selector)\b", line):
                out.append(f"{path}:{n}: {escape(line.strip(), 200)}")
    return out


def _postfix_log(snap: MtaSnapshot) -> Finding:
    fid = "mta.postfix-logging"
    why = (
        "Postfix's pickup logs only `uid=N from=<…>` for mail() and sendmail submissions, never "
        "the script; the script path comes from PHP's `mail.log` (see php.mail-log). The log "
        "must also reach a file: Postfix logs through syslog unless `maillog_file` is set."
    )
    if snap.postfix is None:
        return Finding(
            fid, Status.SKIPPED, "Postfix is not installed", ("postconf not found",), why, ""
        )
    if snap.postfix.main_cf is None:
        return Finding(
            fid,
            Status.SKIPPED,
            "Postfix configuration unreadable",
            (f"{escape(snap.postfix.source)}: cannot read",),
            why,
            "",
        )
    kv, problems = parse_key_values(snap.postfix.main_cf)
    ev = [f"{escape(snap.postfix.source)}:{p}" for p in problems]
    maillog, line = kv.get("maillog_file", ("", 0))
    fix = (
        "Set `postconf -e maillog_file=/var/log/postfix.log` (Postfix >= 3.4, with "
        "`postlog` in master.cf) or run a syslog daemon; and set php `mail.log` with "
        "php_admin_value in every FPM pool (php.mail-log)."
    )
    if maillog:
        ev.append(f"{escape(snap.postfix.source)}:{line}: maillog_file = {escape(maillog)}")
        status, title = Status.PASS, "Postfix logs to a file (maillog_file)"
    elif snap.syslog_socket:
        ev.append("maillog_file unset; /dev/log exists (a syslog daemon receives Postfix's log)")
        status, title = Status.PASS, "Postfix logs through syslog"
    else:
        ev.append("maillog_file unset and no /dev/log: Postfix's log goes nowhere")
        status, title = Status.WARN, "Postfix's log is lost (no maillog_file, no syslog)"
    if problems and status is Status.PASS:
        status, title = Status.WARN, title + " (some main.cf lines could not be parsed)"
    return Finding(fid, status, title, tuple(ev), why, fix)


def _limits(snap: MtaSnapshot) -> Finding:
    fid = "mta.send-limits"
    why = (
        "A per-account limit (messages per hour) caps the damage of one compromised site or "
        "mailbox before the server's IP lands on blacklists."
    )
    ev: list[str] = []
    if snap.cpanel_config is not None:
        kv, _ = parse_key_values(snap.cpanel_config)
        value, line = kv.get("maxemailsperhour", ("", 0))
        ev.append(f"{CPANEL_CONFIG}:{line or '-'}: maxemailsperhour={escape(value) or '(unset)'}")
        if value.isdecimal() and int(value) > 0:
            return Finding(
                fid,
                Status.PASS,
                f"cPanel limits every domain to {value} messages per hour",
                tuple(ev),
                why,
                "",
            )
    if snap.exim is not None:
        ex = snap.exim
        fix = (
            "Add a ratelimit ACL for local submissions, e.g. in the main section "
            "`acl_not_smtp = acl_check_not_smtp` and in `begin acl`:\n"
            "acl_check_not_smtp:\n  deny ratelimit = 100 / 1h / strict / $sender_ident\n"
            "       message = too many messages from $sender_ident\n  accept\n"
            "(and a ratelimit on $authenticated_id in acl_smtp_rcpt for SMTP AUTH). "
            "On cPanel: WHM » Tweak Settings » Max hourly emails per domain."
        )
        if ex.config is None:
            ev.append(ex.config_error or "$ exim -bP config: failed")
            fix = f"Make `exim -bP config` work as root (its error is above), then re-audit. {fix}"
            return Finding(
                fid, Status.WARN, "could not read Exim's configuration", tuple(ev), why, fix
            )
        ev.append(f"$ exim -bP acl_not_smtp: acl_not_smtp = {escape(ex.acl_not_smtp or '')}")
        acls = exim_blocks(exim_sections(ex.config).get("acl", ""))
        local_acl = (ex.acl_not_smtp or "").strip()
        limited_local = bool(local_acl) and "ratelimit" in acls.get(local_acl, "")
        limited_any = [n for n, body in acls.items() if "ratelimit" in body]
        if limited_any:
            ev.append("ACLs with ratelimit: " + ", ".join(escape(n) for n in limited_any))
        if limited_local:
            return Finding(
                fid,
                Status.PASS,
                "Exim rate-limits local submissions (acl_not_smtp ratelimit)",
                tuple(ev),
                why,
                fix,
            )
        title = "no per-account send limit for mail()/sendmail submissions in Exim"
        if not local_acl:
            ev.append("acl_not_smtp is unset: local submissions pass no ACL at all")
        return Finding(fid, Status.WARN, title, tuple(ev), why, fix)
    if snap.postfix is not None and snap.postfix.main_cf is not None:
        kv, _ = parse_key_values(snap.postfix.main_cf)
        policy = [k for k, (v, _) in kv.items() if "check_policy_service" in v]
        rate = kv.get("smtpd_client_message_rate_limit", ("", 0))
        src = escape(snap.postfix.source)
        if rate[0]:
            ev.append(f"{src}:{rate[1]}: smtpd_client_message_rate_limit = {escape(rate[0])}")
        for k in policy:
            ev.append(
                f"{escape(snap.postfix.source)}:{kv[k][1]}: {escape(k)} uses check_policy_service"
            )
        fix = (
            "Postfix has no built-in per-user limit for sendmail/pickup submissions; use a "
            "policy daemon (policyd-rate-limit, postfwd) on submission and route web apps "
            "through authenticated submission, and rely on PHP mail.log for mail()."
        )
        if policy:
            return Finding(
                fid,
                Status.PASS,
                "Postfix uses a policy service (rate limits possible)",
                tuple(ev),
                why,
                fix,
            )
        return Finding(
            fid, Status.WARN, "no per-account send limit in Postfix", tuple(ev), why, fix
        )
    if ev:
        return Finding(fid, Status.WARN, "no per-account send limit found", tuple(ev), why, "")
    return Finding(
        fid, Status.SKIPPED, "no Exim or Postfix to inspect", ("exim/postconf not found",), why, ""
    )


# --------------------------------------------------------------------------- gathering
_MTA_PROCS = {"exim", "exim4", "master", "sendmail", "smtpd", "opensmtpd", "postfix"}


def _running() -> tuple[str, ...]:
    import psutil

    out = []
    for p in psutil.process_iter(["pid", "name", "username", "exe"]):
        info = p.info
        name = info.get("name") or ""
        if name not in _MTA_PROCS:
            continue
        exe = info.get("exe") or ""
        if name == "master" and "postfix" not in exe:
            continue
        out.append(
            f"{escape(name)} (pid {info['pid']}, user {escape(info.get('username') or '?')})"
        )
    return tuple(out[:10])


def _detect(env: AuditEnv) -> tuple[str | None, tuple[str, ...], str]:
    try:
        from spamtrace.attribution import mta as mta_mod
    except ImportError:
        return None, (), "MTA detection module (spamtrace.attribution.mta) is not available"
    try:
        ident = mta_mod.detect_mta(env.cfg.mta, root=str(env.root))
    except Exception as exc:  # detection is best effort here; the audit must still run
        return None, (), f"MTA detection failed: {escape(str(exc), 200)}"
    return ident.kind, tuple(escape(u) for u in ident.users), ""


def _value_after_eq(text: str) -> str:
    return text.split("=", 1)[1].strip() if "=" in text else text.strip()


def gather(env: AuditEnv) -> MtaSnapshot:
    from pathlib import Path

    kind, users, note = _detect(env)
    exim: EximInfo | None = None
    binary = env.runner.which("exim", "exim4")
    if binary is not None:
        sel = env.runner.run([binary, "-bP", "log_selector"])
        acl = env.runner.run([binary, "-bP", "acl_not_smtp"])
        ver = env.runner.run([binary, "-bV"])
        conf = env.runner.run([binary, "-bP", "config"], timeout=20)
        m = re.search(r"Configuration file is (\S+)", ver.stdout)
        exim = EximInfo(
            binary=binary,
            log_selector=_value_after_eq(sel.stdout) if sel.ok else None,
            log_selector_error=sel.describe(),
            acl_not_smtp=_value_after_eq(acl.stdout) if acl.ok else None,
            config_file=m.group(1) if m else None,
            config=conf.stdout if conf.ok else None,
            config_error="" if conf.ok else conf.describe(),
            debian_conf=env.read_text(DEBIAN_CONF),
            debian_macros=env.read_text(DEBIAN_MACROS),
            cpanel_localopts=env.read_text(CPANEL_EXIM_LOCALOPTS),
        )
    postfix: PostfixInfo | None = None
    postconf = env.runner.which("postconf")
    if postconf is not None:
        res = env.runner.run([postconf, "-n"])
        if res.ok:
            postfix = PostfixInfo("postconf -n", res.stdout)
        else:
            postfix = PostfixInfo(POSTFIX_MAIN, env.read_text(POSTFIX_MAIN))
    return MtaSnapshot(
        kind=kind,
        users=users,
        detect_note=note,
        running=_running(),
        exim=exim,
        postfix=postfix,
        cpanel_config=env.read_text(CPANEL_CONFIG),
        syslog_socket=Path("/dev/log").exists(),
    )


class MtaCheck:
    family: str = "mta"
    ids: tuple[str, ...] = (
        "mta.detected",
        "mta.smarthost",
        "mta.exim-log-selector",
        "mta.postfix-logging",
        "mta.send-limits",
    )

    def gather(self, env: AuditEnv) -> MtaSnapshot:
        return gather(env)

    def judge(self, snapshot: MtaSnapshot, cfg: Config) -> list[Finding]:
        return judge(snapshot, cfg)
