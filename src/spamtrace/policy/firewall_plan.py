"""The firewall's desired state, and who it would block: pure decisions, no I/O.

``build_plan`` turns the config, the detected MTA and the configured exceptions into a
:class:`FirewallPlan` (what ``actions/nftables.py`` and ``actions/iptables.py`` render).
Name lookups (users, groups, host names) are passed in as functions, so the plan is
replayable in tests; the CLI passes the real ``pwd``/``grp``/DNS lookups.

``decide`` is the ruleset's logic in Python: for one socket owner and destination it says
whether the loaded rules would block, allow or redirect it and why. ``assess_impact`` applies
it to the connections seen now (``check``) and to the recent senders in the store (``watch``),
which is what ``spamtrace firewall plan`` shows before anything is loaded.

Policy, in order (the same in every backend):

1. traffic leaving through ``lo`` (this host's own addresses) is never filtered;
2. only TCP to ``smtp.ports`` is looked at; inbound mail is never affected (the rules sit on
   the *output* hook and match the *destination* port);
3. root (uid 0) is always allowed;
4. the MTA's users/groups and ``firewall.allow_users``/``allow_groups`` are allowed (mode
   ``relay``: only towards the relay hosts);
5. configured exceptions (user/group x host/network x port) are allowed, and those derived
   from ``[submission]``: what ``check`` calls a legitimate submission (an account in
   ``allow_accounts``, a destination in ``allow_destinations``, on a submission port: one of
   ``smtp.ports`` that is not a relay port) is what the firewall lets through;
6. everything else: a new connection (SYN) is logged to NFLOG and rejected with a TCP reset
   (mode ``redirect``: logged and redirected to the local MTA instead).
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from spamtrace.config import Config, FirewallSection
from spamtrace.errors import ConfigError
from spamtrace.model import Connection, Endpoint
from spamtrace.safetext import escape, quoted

ROOT_UID = 0
LOG_PREFIX_BLOCK = "spamtrace-block"
LOG_PREFIX_REDIRECT = "spamtrace-redirect"
REDIRECT_PORT = 25
_EXCEPTION_KEYS = tuple(FirewallSection.tables["exceptions"])  # checked at load time too


class MtaLike(Protocol):
    """What the plan needs from ``spamtrace.attribution.mta.MtaIdentity``."""

    @property
    def uids(self) -> frozenset[int]: ...
    @property
    def gids(self) -> frozenset[int]: ...
    @property
    def users(self) -> tuple[str, ...]: ...
    @property
    def kind(self) -> str | None: ...


class FirewallMode(str, enum.Enum):
    OWNER = "owner"  # only root, the MTA and exceptions may open SMTP connections
    RELAY = "relay"  # as owner, and the MTA may only reach the relay hosts
    REDIRECT = "redirect"  # non-MTA SMTP is redirected to the local MTA (CSF SMTP_REDIRECT)


class Outcome(str, enum.Enum):
    ALLOWED = "allowed"
    BLOCKED = "blocked"
    REDIRECTED = "redirected"


@dataclass(frozen=True, slots=True)
class Principal:
    """A uid or gid the firewall lets through, and why."""

    kind: str  # "uid" | "gid"
    id: int
    name: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class FirewallException:
    """One ``[[firewall.exceptions]]`` entry; every field optional, at least one set."""

    index: int
    user: str | None = None
    uid: int | None = None
    group: str | None = None
    gid: int | None = None
    host: str | None = None
    network: str | None = None
    port: int | None = None
    comment: str | None = None
    addresses: tuple[str, ...] = ()  # host resolved (or network): "ip" / "cidr"
    origin: str = ""  # the config entry it comes from; "" = firewall.exceptions[index]

    @property
    def source(self) -> str:
        return self.origin or f"firewall.exceptions[{self.index}]"

    def describe(self) -> str:
        who = []
        if self.user is not None:
            who.append(f"user {self.user}")
        if self.group is not None:
            who.append(f"group {self.group}")
        where = self.host or self.network or "any host"
        if ":" in where and self.port is not None:  # an IPv6 address or network
            where = f"[{where}]"
        port = f":{self.port}" if self.port is not None else " (any SMTP port)"
        return f"{' and '.join(who) or 'everyone'} -> {where}{port}"

    def matches(self, uid: int | None, gid: int | None, ip: str, port: int) -> bool:
        if self.uid is not None and uid != self.uid:
            return False
        if self.gid is not None and gid != self.gid:
            return False
        if self.port is not None and port != self.port:
            return False
        if self.addresses:
            return _in_any(ip, self.addresses)
        return True


@dataclass(frozen=True, slots=True)
class FirewallPlan:
    mode: FirewallMode
    ports: tuple[int, ...]
    nflog_group: int
    allow_uids: tuple[Principal, ...]  # root first, then MTA, then configured users
    allow_gids: tuple[Principal, ...]
    exceptions: tuple[FirewallException, ...]
    relays: tuple[str, ...] = ()  # as configured (names or addresses)
    relay_addresses: tuple[str, ...] = ()  # resolved
    redirect_port: int = REDIRECT_PORT
    mta_kind: str | None = None
    mta_users: tuple[str, ...] = ()
    refusal: str | None = None  # set when apply must refuse (e.g. no MTA detected)
    notes: tuple[str, ...] = ()

    @property
    def uid_set(self) -> tuple[int, ...]:
        """uids for the nft ``allow_uids`` set (root is a rule of its own)."""
        return tuple(sorted({p.id for p in self.allow_uids if p.id != ROOT_UID}))

    @property
    def gid_set(self) -> tuple[int, ...]:
        return tuple(sorted({p.id for p in self.allow_gids}))


@dataclass(frozen=True, slots=True)
class RecentSender:
    """A sender seen by ``watch`` recently (from the store), for the plan's impact."""

    uid: int | None
    user: str | None
    account: str | None
    exe: str | None
    destinations: tuple[str, ...]  # "ip:port" / "[v6]:port"
    attempts: int
    gid: int | None = None


@dataclass(frozen=True, slots=True)
class ImpactEntry:
    outcome: Outcome
    reason: str
    seen: str  # "now" (a live connection) or "recent" (from the store)
    uid: int | None
    user: str | None
    account: str | None
    exe: str | None
    pid: int | None
    remote: str
    count: int = 1


@dataclass(frozen=True, slots=True)
class Impact:
    entries: tuple[ImpactEntry, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def blocked(self) -> tuple[ImpactEntry, ...]:
        return tuple(e for e in self.entries if e.outcome is not Outcome.ALLOWED)

    @property
    def allowed(self) -> tuple[ImpactEntry, ...]:
        return tuple(e for e in self.entries if e.outcome is Outcome.ALLOWED)


# ------------------------------------------------------------------ parsing and building


def _in_any(ip: str, networks: Iterable[str]) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    for net in networks:
        network = ipaddress.ip_network(net, strict=False)
        if addr.version == network.version and addr in network:
            return True
    return False


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def parse_exceptions(
    raw: Sequence[Mapping[str, Any]],
    ports: Sequence[int],
    *,
    uid_of: Callable[[str], int | None],
    gid_of: Callable[[str], int | None],
    resolve: Callable[[str], tuple[str, ...]] | None,
) -> tuple[FirewallException, ...]:
    """Validate ``firewall.exceptions``; resolve users, groups and host names.

    ``resolve`` returns the addresses of a host name (empty when it does not resolve); with
    ``None`` names are kept unresolved (an exception with an unresolved host then matches
    nothing). Every problem is a :class:`ConfigError` naming the entry.
    """
    out: list[FirewallException] = []
    for i, entry in enumerate(raw):
        where = f"firewall.exceptions[{i}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f'{where}: expected a table like {{user = "shop", port = 587}}')
        unknown = sorted(set(entry) - set(_EXCEPTION_KEYS))
        if unknown:
            raise ConfigError(
                f"{where}: unknown key {quoted(unknown[0])} "
                f"(known keys: {', '.join(_EXCEPTION_KEYS)})"
            )
        if not any(entry.get(k) is not None for k in ("user", "group", "host", "network", "port")):
            raise ConfigError(f"{where}: empty exception (it would allow everyone everywhere)")
        for key in ("user", "group", "host", "network", "comment"):
            if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
                raise ConfigError(f"{where}.{key}: expected a non-empty string")
        user, group = entry.get("user"), entry.get("group")
        host, network = entry.get("host"), entry.get("network")
        port = entry.get("port")
        if host is not None and network is not None:
            raise ConfigError(f"{where}: give either host or network, not both")
        if port is not None:
            if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
                raise ConfigError(f"{where}.port: {quoted(port)} is not a TCP port")
            if port not in ports:
                raise ConfigError(
                    f"{where}.port: {port} is not one of smtp.ports "
                    f"({', '.join(map(str, ports))}); the firewall does not filter it"
                )
        uid = gid = None
        if user is not None:
            uid = int(user) if user.isdecimal() else uid_of(user)
            if uid is None:
                raise ConfigError(f"{where}.user: no such user {quoted(user)}")
        if group is not None:
            gid = int(group) if group.isdecimal() else gid_of(group)
            if gid is None:
                raise ConfigError(f"{where}.group: no such group {quoted(group)}")
        addresses: tuple[str, ...] = ()
        if network is not None:
            try:
                addresses = (str(ipaddress.ip_network(network, strict=False)),)
            except ValueError:
                raise ConfigError(
                    f"{where}.network: {quoted(network)} is not an IP network"
                ) from None
        if host is not None:
            parsed = split_destination(host)
            if parsed is not None and (parsed[1] is not None or host.count(":") == 1):
                raise ConfigError(
                    f"{where}.host: {quoted(host)} holds a port: give it as port = "
                    f"{parsed[1] or 'N'} and host = {quoted(parsed[0])}"
                )
            if parsed is not None and host.startswith("[") and _is_ip(parsed[0]):
                host = parsed[0]  # [2001:db8::1]: the address
            if _is_ip(host):
                addresses = (str(ipaddress.ip_address(host)),)
            elif resolve is not None:
                addresses = tuple(sorted(set(resolve(host)), key=_addr_key))
                if not addresses:
                    raise ConfigError(f"{where}.host: {quoted(host)} does not resolve")
        out.append(
            FirewallException(
                index=i,
                user=user,
                uid=uid,
                group=group,
                gid=gid,
                host=host,
                network=network,
                port=port,
                comment=entry.get("comment"),
                addresses=addresses,
            )
        )
    return tuple(out)


def _addr_key(addr: str) -> tuple[int, int]:
    net = ipaddress.ip_network(addr, strict=False)
    return net.version, int(net.network_address)


def resolve_relays(
    relays: Sequence[str], resolve: Callable[[str], tuple[str, ...]] | None, where: str
) -> tuple[str, ...]:
    """Addresses of relay hosts (names, IPs or CIDRs) of the config key ``where``; an
    unresolvable name is a ConfigError."""
    out: set[str] = set()
    for given in relays:
        relay = relay_host(given, where, key=where)
        try:
            out.add(str(ipaddress.ip_network(relay, strict=False)).removesuffix("/32"))
            continue
        except ValueError:
            pass
        if resolve is None:
            continue
        found = resolve(relay)
        if not found:
            raise ConfigError(f"{where}: relay {quoted(relay)} does not resolve", key=where)
        out.update(found)
    cleaned = {a.removesuffix("/128") if ":" in a else a for a in out}
    return tuple(sorted(cleaned, key=_addr_key))


def relay_host(relay: str, where: str, key: str | None = None) -> str:
    """A ``[firewall] relays`` entry -> the address, network or name it gives (``[v6]`` is
    its address); a port, or a shape that is none of these, is a ConfigError saying so
    (it was looked up in the DNS: "does not resolve"), of the config key ``key``."""
    parsed = split_destination(relay)
    if parsed is None or not parsed[0]:
        raise ConfigError(
            f"{where}: relay {quoted(relay)} is not an address, a network or a host name",
            key=key,
        )
    host, port = parsed
    if port is not None or (relay.count(":") == 1 and not relay.startswith("[")):
        raise ConfigError(
            f"{where}: relay {quoted(relay)} takes no port (a relay is allowed on every SMTP "
            f"port); give {quoted(host)}",
            key=key,
        )
    return host


def split_destination(entry: str) -> tuple[str, int | None] | None:
    """A ``[submission] allow_destinations`` entry -> (host, address or network; port or None).

    "host", "host:port", "ip", "ip:port", "cidr", "cidr:port", "[v6]", "[v6]:port", "v6";
    None when it is none of these.
    """
    entry = entry.strip()
    port_text = ""
    if entry.startswith("["):
        host, close, rest = entry[1:].partition("]")
        if not close or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:]
    elif entry.count(":") == 1:
        host, _, port_text = entry.partition(":")
    else:
        host = entry
    if not host or (port_text and not port_text.isdecimal()):
        return None
    port = int(port_text) if port_text else None
    if port is not None and not 1 <= port <= 65535:
        return None
    return host, port


#: the ports an admin most likely meant when an unbracketed IPv6 entry ends in one of these
PORT_LIKE_GROUPS = frozenset((25, 465, 587, 2525))


def _bracketed(head: str, port: str) -> str:
    return f"write {quoted(f'[{head}]:{port}')}"


def v6_port_note(
    entry: str,
    where: str,
    *,
    reach: str = "on every submission port",
    instead: Callable[[str, str], str] = _bracketed,
    ports: Collection[int] = PORT_LIKE_GROUPS,
) -> str | None:
    """A note for an unbracketed IPv6 ``entry`` whose last group reads as an SMTP port
    ("fd57:d4::2:465"): it is an address (an IPv6 address carries a port only in the
    ``[addr]:port`` form), taken as one, but likely meant as address and port. None when
    the entry is no such address, or what is left without the group is no address.

    ``reach`` says what the address is then allowed on; ``instead(address, port)`` what to
    write if the group is the port (the ``[addr]:port`` form; a key that takes no port in
    its text says where the port goes); ``ports``: the groups that read as a port (SMTP's;
    a DNS server's for ``audit.dnsbl_nameservers``)."""
    entry = entry.strip()
    if entry.startswith("[") or "/" in entry or entry.count(":") < 2:
        return None
    try:
        address = ipaddress.IPv6Address(entry)
    except ValueError:
        return None
    head, _, last = entry.rpartition(":")
    if not last.isdecimal() or int(last) not in ports:
        return None
    head = head + ":" if head.endswith(":") else head  # "2001:db8::25": "2001:db8::"
    try:
        ipaddress.IPv6Address(head)
    except ValueError:
        return None  # eight groups: the last one is part of the address
    return (
        f"{where}: {quoted(entry)} is read as the IPv6 address {address}, {reach} (an IPv6 "
        f"address carries a port only in the [addr]:port form); if {last} is the port, "
        f"{instead(head, last)}"
    )


def submission_notes(cfg: Config) -> list[str]:
    """What `config check` says of ``[submission]`` without refusing it (no DNS, no users)."""
    return [
        note
        for i, entry in enumerate(cfg.submission.allow_destinations)
        if (note := v6_port_note(entry, f"submission.allow_destinations[{i}]")) is not None
    ]


def firewall_notes(cfg: Config, *, relays: bool = True) -> list[str]:
    """What `config check` and `plan` say of ``[firewall]`` exceptions' ``host`` and
    ``network`` and of ``relays`` (with ``relays``) without refusing them: neither takes a
    port in its text, so an exception gets its port as ``port``, a relay none."""
    notes: list[str] = []
    for i, entry in enumerate(cfg.firewall.exceptions):
        if not isinstance(entry, Mapping):
            continue  # parse_exceptions refuses it
        port = entry.get("port")
        reach = f"on port {port}" if isinstance(port, int) else "on every SMTP port"
        for key in ("host", "network"):
            if not isinstance(text := entry.get(key), str):
                continue

            def instead(head: str, group: str, key: str = key) -> str:
                return f"write {key} = {quoted(head)}, port = {group}"

            where = f"firewall.exceptions[{i}].{key}"
            if (note := v6_port_note(text, where, reach=reach, instead=instead)) is not None:
                notes.append(note)
    for i, relay in enumerate(cfg.firewall.relays if relays else ()):
        note = v6_port_note(
            relay, f"firewall.relays[{i}]", reach="a relay on every SMTP port",
            instead=lambda head, _port: f"a relay takes none: write {quoted(head)}",
        )  # fmt: skip
        if note is not None:
            notes.append(note)
    return notes


def destination_notes(cfg: Config) -> list[str]:
    """Every note `config check` gives a valid config's destinations (no DNS, no users)."""
    return [*firewall_notes(cfg), *submission_notes(cfg)]


def submission_exceptions(
    cfg: Config,
    *,
    start: int,
    uid_of: Callable[[str], int | None],
    resolve: Callable[[str], tuple[str, ...]] | None,
    notes: list[str],
) -> tuple[tuple[FirewallException, ...], str | None]:
    """The exceptions ``[submission]`` implies, numbered from ``start``, and why to refuse.

    An account becomes its system user (the firewall tells senders apart by the socket
    owner's uid); a destination becomes a host or network exception. Both only on submission
    ports, as in ``check``'s verdict. A refusal names the entry and what to write instead.
    """
    sub = cfg.submission
    relay = set(cfg.smtp.relay_ports)
    ports = tuple(p for p in sorted(set(cfg.smtp.ports)) if p not in relay)
    out: list[FirewallException] = []
    if (sub.allow_accounts or sub.allow_destinations) and not ports:
        notes.append(
            "[submission] is not applied: every port in smtp.ports is a relay port "
            "(smtp.relay_ports), and [submission] only allows submission ports"
        )
        return (), None

    def add(origin: str, **fields: Any) -> None:
        for port in fields.pop("ports"):
            index = start + len(out)
            out.append(FirewallException(index=index, port=port, origin=origin, **fields))

    for i, name in enumerate(sub.allow_accounts):
        where = f"submission.allow_accounts[{i}]"
        uid = int(name) if name.isdecimal() else uid_of(name)
        if uid is None:
            return (), (
                f"{where}: {quoted(name)} is not a user on this host, and the firewall tells "
                "senders "
                "apart by the socket owner's user; name the account's system user there, or "
                'allow it with [[firewall.exceptions]] user = "..." , port = 587'
            )
        add(where, user=name, uid=uid, comment="[submission] allow_accounts", ports=ports)
    for i, entry in enumerate(sub.allow_destinations):
        where = f"submission.allow_destinations[{i}]"
        parsed = split_destination(entry)
        if parsed is None:
            return (
                (),
                f"{where}: cannot read {quoted(entry)} (host, host:port, ip, cidr or [v6]:port)",
            )
        host, port = parsed
        if (note := v6_port_note(entry, where)) is not None:
            notes.append(note)
        if port is not None and port not in ports:
            kind = "a relay port" if port in relay else "not in smtp.ports"
            notes.append(
                f"{where} ({quoted(entry)}): port {port} is {kind}; [submission] only allows "
                "submission ports, so it is not an exception (use [[firewall.exceptions]])"
            )
            continue
        entry_ports = (port,) if port is not None else ports
        try:
            network = str(ipaddress.ip_network(host, strict=False))
        except ValueError:
            network = None
        if network is not None:
            address = network.removesuffix("/32").removesuffix("/128")
            add(where, network=host, addresses=(address,), ports=entry_ports,
                comment="[submission] allow_destinations")  # fmt: skip
            continue
        addresses: tuple[str, ...] = ()
        if resolve is not None:
            addresses = tuple(sorted(set(resolve(host)), key=_addr_key))
            if not addresses:
                return (), (
                    f"{where}: {quoted(host)} does not resolve, so the firewall cannot let it "
                    "through "
                    "(fix the name, or use its addresses)"
                )
        add(where, host=host, addresses=addresses, ports=entry_ports,
            comment="[submission] allow_destinations")  # fmt: skip
    return tuple(out), None


#: what the plan says stays as it is, whatever the mode
KEEPS_WORKING = (
    "Inbound mail keeps working: the rules only look at connections this server opens "
    "(output hook, destination port); remote servers still deliver to this server's port 25, "
    "and replies to them pass.",
    "mail() and sendmail keep working: PHP's mail(), sendmail and every script that hands "
    "mail to the local MTA are sent by the MTA, under its own user, which is allowed; only "
    "scripts that open SMTP connections themselves are stopped.",
)


def no_store_advice(store: str) -> str:
    """What to do before apply when no recorded senders exist (no store yet)."""
    return (
        f"no store yet at {escape(store)}: the impact above is only what is connected right "
        "now. Run `spamtrace watch` (or the daemon) for a day first, so that the plan shows every "
        "program that sends mail in a normal day (cron jobs, newsletters, SMTP plugins) "
        "before you apply it."
    )


def no_mta_message() -> str:
    return (
        "no MTA detected: refusing to block SMTP without knowing which user the mail server "
        "runs as (it would block the server's own mail). Name it in the config: "
        '[mta] users = ["Debian-exim"] and exes = ["/usr/sbin/exim4"] (your MTA\'s user and '
        'program), or, with a central relay, set [firewall] mode = "relay" and relays = [...]'
    )


def build_plan(
    cfg: Config,
    mta: MtaLike,
    *,
    uid_of: Callable[[str], int | None],
    gid_of: Callable[[str], int | None],
    name_of_uid: Callable[[int], str | None] = lambda _uid: None,
    name_of_gid: Callable[[int], str | None] = lambda _gid: None,
    resolve: Callable[[str], tuple[str, ...]] | None = None,
) -> FirewallPlan:
    """The desired firewall state. Raises ConfigError for invalid settings."""
    fw = cfg.firewall
    mode = FirewallMode(fw.mode)
    ports = tuple(sorted(set(cfg.smtp.ports)))
    uids: dict[int, Principal] = {ROOT_UID: Principal("uid", ROOT_UID, "root", "root")}
    gids: dict[int, Principal] = {}
    kind = mta.kind or "MTA"
    for uid in sorted(mta.uids):
        if uid not in uids:
            uids[uid] = Principal("uid", uid, name_of_uid(uid), f"{kind} (detected MTA user)")
    for gid in sorted(mta.gids):
        gids.setdefault(gid, Principal("gid", gid, name_of_gid(gid), f"{kind} (MTA group)"))
    for i, name in enumerate(fw.allow_users):
        user_id = int(name) if name.isdecimal() else uid_of(name)
        if user_id is None:
            raise ConfigError(
                f"firewall.allow_users[{i}]: no such user {quoted(name)}",
                key="firewall.allow_users",
            )
        uids.setdefault(user_id, Principal("uid", user_id, name, "firewall.allow_users"))
    for i, name in enumerate(fw.allow_groups):
        group_id = int(name) if name.isdecimal() else gid_of(name)
        if group_id is None:
            raise ConfigError(
                f"firewall.allow_groups[{i}]: no such group {quoted(name)}",
                key="firewall.allow_groups",
            )
        gids.setdefault(group_id, Principal("gid", group_id, name, "firewall.allow_groups"))
    try:
        exceptions = parse_exceptions(
            fw.exceptions, ports, uid_of=uid_of, gid_of=gid_of, resolve=resolve
        )
    except ConfigError as exc:  # each names its entry; the key is the list's
        raise ConfigError(exc.message, key="firewall.exceptions") from None
    # the relays only where the plan reads them
    notes = firewall_notes(cfg, relays=mode is FirewallMode.RELAY)
    derived, refusal = submission_exceptions(
        cfg, start=len(exceptions), uid_of=uid_of, resolve=resolve, notes=notes
    )
    exceptions += derived
    relay_addresses: tuple[str, ...] = ()
    if mode is FirewallMode.RELAY:
        if not fw.relays:
            raise ConfigError(
                'firewall.mode = "relay" needs firewall.relays (the relay hosts the MTA may reach)',
                key="firewall.mode",
            )
        relay_addresses = resolve_relays(fw.relays, resolve, "firewall.relays")
        if not mta.uids:
            notes.append(
                "no MTA detected: in relay mode only root and the exceptions can send, "
                "and only root and the MTA may reach the relays"
            )
    elif not mta.uids:
        refusal = no_mta_message()  # the one to fix first
    # an [mta] users name this host does not have allows nothing: said, not dropped silently
    # (and after a refusal that asks for exactly that key, the reason it did not help)
    absent = [(i, n) for i, n in enumerate(cfg.mta.users) if n not in mta.users]
    for i, name in absent:
        notes.append(
            f"mta.users[{i}]: no user {quoted(name)} on this host: it allows nothing (the "
            "MTA's users here: " + (", ".join(quoted(u) for u in mta.users) or "none") + ")"
        )
    if refusal is not None and absent:
        named = ", ".join(quoted(n) for _i, n in absent)
        refusal = f"{refusal} ([mta] users names {named}: no such user on this host)"
    if mode is FirewallMode.REDIRECT and REDIRECT_PORT not in ports:
        notes.append(f"port {REDIRECT_PORT} is not in smtp.ports; redirect target is :25 anyway")
    return FirewallPlan(
        mode=mode,
        ports=ports,
        nflog_group=fw.nflog_group,
        allow_uids=tuple(uids.values()),
        allow_gids=tuple(gids.values()),
        exceptions=exceptions,
        relays=tuple(fw.relays),
        relay_addresses=relay_addresses,
        mta_kind=mta.kind,
        mta_users=tuple(mta.users),
        refusal=refusal,
        notes=tuple(notes),
    )


# ------------------------------------------------------------------ decisions and impact


def decide(
    plan: FirewallPlan, uid: int | None, gid: int | None, ip: str, port: int, *, local: bool
) -> tuple[Outcome, str]:
    """What the ruleset does to a new connection from (uid, gid) to ip:port."""
    if local:
        return Outcome.ALLOWED, "local destination (loopback / this host): never filtered"
    if port not in plan.ports:
        return Outcome.ALLOWED, f"port {port} is not an SMTP port in smtp.ports"
    if uid == ROOT_UID:
        return Outcome.ALLOWED, "root is never blocked"
    to_relay = _in_any(ip, plan.relay_addresses)
    principal = next((p for p in plan.allow_uids if uid is not None and p.id == uid), None)
    if principal is None and gid is not None:
        principal = next((p for p in plan.allow_gids if p.id == gid), None)
    if principal is not None and (plan.mode is not FirewallMode.RELAY or to_relay):
        return Outcome.ALLOWED, f"{principal.kind} {principal.id}: {principal.reason}"
    for exc in plan.exceptions:
        if exc.matches(uid, gid, ip, port):
            return Outcome.ALLOWED, f"exception #{exc.index} ({exc.source}): {exc.describe()}"
    if principal is not None:
        return Outcome.BLOCKED, "relay mode: the MTA may only reach the relay hosts"
    if plan.mode is FirewallMode.REDIRECT:
        return Outcome.REDIRECTED, f"not the MTA: redirected to the local MTA :{plan.redirect_port}"
    who = "unknown owner" if uid is None else f"uid {uid}"
    return Outcome.BLOCKED, f"{who} is not root, the MTA or an exception"


def assess_impact(
    plan: FirewallPlan,
    connections: Sequence[Connection],
    recent: Sequence[RecentSender] = (),
    *,
    local_addresses: frozenset[str] = frozenset(),
) -> Impact:
    """Who the plan would block or let through, from live connections and recent senders."""
    entries: list[ImpactEntry] = []
    grouped: dict[tuple[Any, ...], tuple[ImpactEntry, int]] = {}
    for conn in connections:
        sock = conn.socket
        proc = conn.process
        uid = sock.uid if sock.uid is not None else (proc.uid if proc else None)
        gid = proc.gid if proc else None
        local = sock.remote.is_loopback or sock.remote.ip in local_addresses
        outcome, reason = decide(plan, uid, gid, sock.remote.ip, sock.remote.port, local=local)
        entry = ImpactEntry(
            outcome=outcome,
            reason=reason,
            seen="now",
            uid=uid,
            user=proc.user if proc else None,
            account=conn.account.name if conn.account else None,
            exe=proc.exe if proc else None,
            pid=proc.pid if proc else None,
            remote=str(sock.remote),
        )
        key = (entry.outcome, entry.uid, entry.exe, entry.remote, entry.seen)
        if key in grouped:
            first, count = grouped[key]
            grouped[key] = (first, count + 1)
        else:
            grouped[key] = (entry, 1)
    for entry, count in grouped.values():
        entries.append(_with_count(entry, count))
    for sender in recent:
        outcomes = []
        for dest in sender.destinations:
            ip, port = _split_endpoint(dest)
            if ip is None or port is None:
                continue
            local = Endpoint(ip, port).is_loopback or ip in local_addresses
            outcomes.append(decide(plan, sender.uid, sender.gid, ip, port, local=local))
        if not outcomes:
            continue
        worst = next((o for o in outcomes if o[0] is not Outcome.ALLOWED), outcomes[0])
        shown = ", ".join(sender.destinations[:5])
        if len(sender.destinations) > 5:
            shown += f" (+{len(sender.destinations) - 5} more)"
        entries.append(
            ImpactEntry(
                outcome=worst[0],
                reason=worst[1],
                seen="recent",
                uid=sender.uid,
                user=sender.user,
                account=sender.account,
                exe=sender.exe,
                pid=None,
                remote=shown,
                count=sender.attempts,
            )
        )
    entries.sort(key=lambda e: (e.outcome is Outcome.ALLOWED, e.seen, e.uid or -1, e.remote))
    return Impact(entries=tuple(entries))


def _split_endpoint(text: str) -> tuple[str | None, int | None]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdecimal():
        return None, None
    return host.strip("[]"), int(port)


def _with_count(entry: ImpactEntry, count: int) -> ImpactEntry:
    if count == 1:
        return entry
    return ImpactEntry(
        outcome=entry.outcome,
        reason=entry.reason,
        seen=entry.seen,
        uid=entry.uid,
        user=entry.user,
        account=entry.account,
        exe=entry.exe,
        pid=entry.pid,
        remote=entry.remote,
        count=count,
    )
