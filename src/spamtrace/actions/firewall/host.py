"""The firewall plan for this host: the config plus what the host says (MTA, users, DNS)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spamtrace.safetext import quoted

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.policy.firewall_plan import FirewallPlan


def _uid_of(name: str) -> int | None:
    import pwd

    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def _gid_of(name: str) -> int | None:
    import grp

    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        return None


def _name_of_uid(uid: int) -> str | None:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def _name_of_gid(gid: int) -> str | None:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return None


def resolve(host: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return ()
    return tuple(sorted({str(info[4][0]) for info in infos}))


def relay_addresses(relays: list[str]) -> list[str]:
    """Relay hosts as addresses: an address or network stays as given, a name is resolved
    (:class:`~spamtrace.errors.ConfigError` when it does not resolve)."""
    import ipaddress

    from spamtrace.errors import ConfigError
    from spamtrace.policy.firewall_plan import relay_host

    out: list[str] = []
    for given in relays:
        relay = relay_host(given, "acl")
        try:
            ipaddress.ip_network(relay, strict=False)
            out.append(relay)
            continue
        except ValueError:
            pass
        found = resolve(relay)
        if not found:
            raise ConfigError(f"acl: relay {quoted(relay)} does not resolve")
        out.extend(found)
    return out


def host_plan(cfg: Config, root: str = "/") -> FirewallPlan:
    """The plan of ``cfg`` on this host (``root``: where to look for the MTA)."""
    from spamtrace.attribution.mta import detect_mta
    from spamtrace.policy.firewall_plan import build_plan

    mta = detect_mta(cfg.mta, root=root)
    return build_plan(
        cfg,
        mta,
        uid_of=_uid_of,
        gid_of=_gid_of,
        name_of_uid=_name_of_uid,
        name_of_gid=_name_of_gid,
        resolve=resolve,
    )


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """What `firewall apply` would refuse in a config: the one-line message (it names the
    entry, ``firewall.exceptions[0].user: no such user ...``) and the config key at fault
    (``firewall.exceptions``; None when no one key is), whose layer ``Config.sources`` gives."""

    message: str
    key: str | None = None


def config_problem(cfg: Config) -> ConfigProblem | None:
    """What `firewall plan` and `apply` would refuse in ``cfg`` as a config error, found
    without asking DNS (a host name is resolved at apply): a user or group in
    ``allow_users``, ``allow_groups`` or an exception that this host does not have, a
    malformed exception, relay mode without relays. None when there is nothing."""
    from spamtrace.attribution.mta import NO_MTA
    from spamtrace.errors import ConfigError
    from spamtrace.policy.firewall_plan import build_plan

    try:  # with no MTA: never a refusal
        build_plan(cfg, NO_MTA, uid_of=_uid_of, gid_of=_gid_of, resolve=None)
    except ConfigError as exc:
        return ConfigProblem(exc.message, exc.key)
    return None


# ------------------------------------------------------------------ rollback state
