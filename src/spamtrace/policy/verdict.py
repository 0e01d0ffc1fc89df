"""Judge one connection to a remote SMTP port: mta, ssh-tunnel, suspicious, unknown, submission,
allowed.

Pure: no I/O, no clock. Everything needed is passed in (the process as read, the socket's uid,
the account, the detected MTA, the config), so `check`, `watch` and `firewall` reach the same
verdict for the same facts and tests can replay them.

Order of the rules:

1. ``mta`` -- exe is an MTA binary *and* the uid is the MTA's (never by name). Without root
   (no exe), a socket owned by the MTA's service user is ``mta`` with a "uid only" reason;
   the MTA's binary whose uid could not be learnt is ``mta`` with an "exe only" reason.
2. ``ssh-tunnel`` -- the process is sshd (its exe in a system directory) running as a non-root
   user: a user's ``ssh -L`` forward.
3. ``allowed`` -- a submission port (465/587/2525) to a destination or from an account the
   config allows.
4. ``submission`` -- a non-MTA process to a submission port, or to this server's own MTA
   (loopback, or the socket's own address: the MTA logs and rate-limits what it relays).
5. ``unknown`` -- a relay port (25) by a process of which neither the exe nor the uid is
   known (it exited before it could be read): not attributed, so not called suspicious.
6. ``suspicious`` -- anything else talking to a relay port (25) directly.

Destinations in ``[submission] allow_destinations`` match by IP, CIDR or IP:port here; host
names cannot be matched without DNS, which a pure function does not do: the caller resolves
them first and adds the addresses to the list (``spamtrace.service.check`` does).
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from spamtrace.model import DELETED, Account, Connection, Endpoint, ProcessInfo, Verdict
from spamtrace.safetext import quoted, shell_quote

if TYPE_CHECKING:
    from spamtrace.attribution.mta import MtaIdentity
    from spamtrace.config import Config

_SSHD_NAMES = frozenset({"sshd", "sshd-session"})
_SYSTEM_DIRS = ("/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/opt/")
_MTA_NAMES = frozenset(
    {"exim", "exim4", "postfix", "smtp", "sendmail", "smtpd", "master", "opensmtpd", "qmgr"}
)


def _who(process: ProcessInfo | None, uid: int | None) -> str:
    if process is not None and process.user:
        return f"uid {uid} ({process.user})"
    return f"uid {uid}" if uid is not None else "unknown uid"


def _is_sshd(exe: str | None) -> bool:
    if not exe:
        return False
    return posixpath.basename(exe) in _SSHD_NAMES and exe.startswith(_SYSTEM_DIRS)


def destination_allowed(remote: Endpoint, entries: list[str] | tuple[str, ...]) -> bool:
    """Does ``remote`` match one of "ip", "ip:port", "[v6]:port", "cidr" (host names: never)."""
    if not entries:
        return False
    import ipaddress

    try:
        addr = ipaddress.ip_address(remote.ip)
    except ValueError:
        return False
    for raw in entries:
        entry = raw.strip()
        port: int | None = None
        host = entry
        if entry.startswith("["):
            close = entry.find("]")
            if close < 0:
                continue
            host, rest = entry[1:close], entry[close + 1 :]
            if rest.startswith(":") and rest[1:].isdecimal():
                port = int(rest[1:])
        elif entry.count(":") == 1:
            host, _, port_text = entry.partition(":")
            if not port_text.isdecimal():
                continue
            port = int(port_text)
        if port is not None and port != remote.port:
            continue
        try:
            if "/" in host:
                if addr in ipaddress.ip_network(host, strict=False):
                    return True
            elif addr == ipaddress.ip_address(host):
                return True
        except ValueError:
            continue  # a host name or garbage: not matchable without DNS
    return False


def judge(
    remote: Endpoint,
    process: ProcessInfo | None,
    uid: int | None,
    account: Account | None,
    mta: MtaIdentity,
    cfg: Config,
    *,
    local: Endpoint | None = None,
) -> tuple[Verdict, tuple[str, ...]]:
    """The verdict for one connection to ``remote`` and the reasons for it.

    ``local`` (optional) is the socket's own address: a connection from an address of this
    host to the same address goes to this server's own MTA, like loopback.
    """
    if uid is None and process is not None:
        uid = process.euid if process.euid is not None else process.uid
    exe = process.exe if process is not None else None
    relay = remote.port in cfg.smtp.relay_ports
    who = _who(process, uid)
    reasons: list[str] = []

    # 1. the MTA: exe path and uid together
    if process is not None and exe:
        if mta.matches(uid, exe):
            return Verdict.MTA, (
                f"exe {exe} is a binary of the server's MTA ({mta.kind or 'configured'})",
                f"{who} is the MTA's service user" if uid != 0 else "runs as root",
            )
        if exe in mta.exes and uid is None and not exe.endswith(DELETED):
            return Verdict.MTA, (
                f"exe {exe} is a binary of the server's MTA ({mta.kind or 'configured'})",
                "exe only: the uid could not be learnt (the process exited first)",
            )
        if exe in mta.exes:
            reasons.append(f"exe {exe} is the MTA's binary but {who} is not the MTA's user")
        elif process.name and process.name.lower() in _MTA_NAMES:
            reasons.append(
                f"named {quoted(process.name)} like an MTA, but exe {exe} is not the MTA's binary"
            )
    elif process is None and uid is not None and uid in mta.uids:
        return Verdict.MTA, (
            f"{who} is the MTA's service user ({mta.describe()})",
            "uid only: the process could not be read (run as root to confirm the exe)",
        )
    elif process is not None and not exe and uid is not None and uid in mta.uids:
        return Verdict.MTA, (
            f"{who} is the MTA's service user ({mta.describe()})",
            "uid only: the exe could not be read (it exited first, or run as root)",
        )

    # 2. a user's sshd: ssh -L / -D forward
    if process is not None and _is_sshd(exe) and uid not in (None, 0):
        reasons.insert(0, f"sshd running as {who}: a user's SSH port forward (ssh -L/-D)")
        reasons.append(f"forwards to {remote}")
        return Verdict.SSH_TUNNEL, tuple(reasons)

    # 3./4. submission ports and the local MTA
    account_name = account.name if account is not None else None
    user = process.user if process is not None else None
    if not relay:
        allow = cfg.submission.allow_accounts
        if destination_allowed(remote, cfg.submission.allow_destinations):
            return Verdict.ALLOWED, (f"destination {remote} is allowed by the config",)
        if (account_name and account_name in allow) or (user and user in allow):
            return Verdict.ALLOWED, (f"account {account_name or user} is allowed by the config",)
        reasons.insert(0, f"non-MTA process sends to submission port {remote.port} ({who})")
        return Verdict.SUBMISSION, tuple(reasons)
    if remote.is_loopback:
        reasons.insert(0, f"to this server's own MTA on loopback {remote} ({who})")
        return Verdict.SUBMISSION, tuple(reasons)
    if local is not None and local.ip == remote.ip:
        reasons.insert(0, f"to this server's own address {remote} ({who})")
        return Verdict.SUBMISSION, tuple(reasons)

    # 5. nothing known: not attributed (never "suspicious" on no evidence, e.g. the MTA's
    # delivery child that exited before it could be read)
    if uid is None and not exe:
        return Verdict.UNKNOWN, (
            f"a process that could not be identified talks SMTP directly to {remote}",
            "not attributed: it exited before it could be read, and no uid was seen "
            "(see the watch summary's attribution counts)",
        )

    # 6. direct to a relay port
    reasons.insert(0, f"non-MTA process talks SMTP directly to {remote} ({who})")
    if process is None:
        reasons.append("process unknown (exited, or run as root to see it)")
    elif uid == 0:
        reasons.append("runs as root")
    if process is not None and process.scripts:
        reasons.append("script: " + ", ".join(process.scripts[:3]))
    return Verdict.SUSPICIOUS, tuple(reasons)


#: how an advice line names a running script (``policy.responses.advice_after`` finds it)
LOOK_AT_SCRIPT = "look at the script: "


def advice(connection: Connection) -> tuple[str, ...]:
    """Short "what to do next" lines for an alerting connection (empty for the others)."""
    verdict = connection.verdict
    if verdict not in (Verdict.SUSPICIOUS, Verdict.SSH_TUNNEL):
        return ()
    proc = connection.process
    acct = connection.account
    out: list[str] = []
    if verdict is Verdict.SSH_TUNNEL:
        user = (proc.user if proc else None) or (acct.name if acct else None)
        if user:
            out.append(
                f"disable forwarding for {user}: add 'Match User {user}' + "
                "'AllowTcpForwarding no' (or 'DisableForwarding yes') to sshd_config, "
                "then reload sshd"
            )
        else:
            out.append("set 'AllowTcpForwarding no' in sshd_config, then reload sshd")
        if proc:
            out.append(f"end the tunnel: kill {proc.pid}")
        out.append("check sshd settings: spamtrace audit")
        return tuple(out)
    if proc is not None:
        folder = proc.cwd
        for script in proc.scripts:
            out.append(f"{LOOK_AT_SCRIPT}{script}")
            folder = folder if folder and folder != "/" else posixpath.dirname(script)
        if folder and folder != "/":
            out.append(f"scan the folder: spamtrace scan {shell_quote(folder)}")
    if acct is not None and acct.kind.value not in ("system", "unknown"):
        where = f" ({', '.join(acct.domains[:3])})" if acct.domains else ""
        home = shell_quote(acct.home or "~" + acct.name)
        out.append(f"account {acct.name}{where}: scan it: spamtrace scan {home}")
    if proc is not None:
        out.append(f"stop it after noting the evidence: kill {proc.pid}")
    out.append("block direct SMTP for non-MTA users: spamtrace firewall plan")
    return tuple(out)
