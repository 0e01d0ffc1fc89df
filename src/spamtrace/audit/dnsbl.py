"""``dnsbl.listed``: is this server's public address on a DNS blacklist?

Each zone in ``audit.dnsbl_zones`` is trusted only after its RFC 5782 test points answer as
they must: ``2.0.0.127.<zone>`` listed (an address in 127.0.0.0/8) and ``1.0.0.127.<zone>``
not listed (NXDOMAIN). A resolver that answers NXDOMAIN for everything (filtering or offline
resolvers, or a list that refuses the resolver), one that answers everything (wildcards,
NXDOMAIN rewriting), one that never answers, or no network at all gives ``skipped`` with the
reason, never a clean ``pass``. A listing carries its return code, what the code means
(``src/spamtrace/data/audit/dnsbl.toml``) and the TXT reason.

One finding per zone (``subject`` is the zone).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Protocol

from spamtrace.audit.environment import AuditEnv
from spamtrace.audit.finding import Finding, Status
from spamtrace.config import Config, parse_toml_text
from spamtrace.config import parse_nameserver as parse_server
from spamtrace.errors import ConfigError
from spamtrace.safetext import escape, quoted

FID = "dnsbl.listed"
TEST_LISTED = "127.0.0.2"
TEST_CLEAN = "127.0.0.1"
_LOOPBACK_NET = ipaddress.ip_network("127.0.0.0/8")


@dataclass(frozen=True, slots=True)
class ZoneInfo:
    name: str = ""
    delist: str = ""
    ipv6: bool = False
    retired: bool = False
    note: str = ""
    codes: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)


def load_zone_info(text: str | None = None) -> dict[str, ZoneInfo]:
    """The packaged DNSBL data (or ``text`` in the same format)."""
    if text is None:
        text = resources.files("spamtrace").joinpath("data/audit/dnsbl.toml").read_text("utf-8")
    doc = parse_toml_text(text, "dnsbl data")
    out: dict[str, ZoneInfo] = {}
    for zone, raw in doc.get("zones", {}).items():
        known = {"name", "delist", "ipv6", "retired", "note", "codes", "errors"}
        unknown = set(raw) - known
        if unknown:
            raise ConfigError(f"dnsbl data: zone {zone}: unknown keys {sorted(unknown)}")
        out[zone.lower()] = ZoneInfo(
            name=str(raw.get("name", "")),
            delist=str(raw.get("delist", "")),
            ipv6=bool(raw.get("ipv6", False)),
            retired=bool(raw.get("retired", False)),
            note=str(raw.get("note", "")),
            codes=dict(raw.get("codes", {})),
            errors=dict(raw.get("errors", {})),
        )
    return out


# --------------------------------------------------------------------------- queries
@dataclass(frozen=True, slots=True)
class DnsAnswer:
    outcome: str  # answer | nxdomain | nodata | timeout | error
    addresses: tuple[str, ...] = ()
    detail: str = ""  # escaped


@dataclass(frozen=True, slots=True)
class IpResult:
    ip: str
    answer: DnsAnswer
    txt: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ZoneResult:
    zone: str
    listed_point: DnsAnswer | None  # answer for 127.0.0.2
    clean_point: DnsAnswer | None  # answer for 127.0.0.1
    ips: tuple[IpResult, ...]
    not_queried: str = ""  # why the zone was not queried at all (retired, ...)


@dataclass(frozen=True, slots=True)
class DnsblSnapshot:
    ips: tuple[str, ...]
    ip_source: str  # "--ip" / "interfaces" / why none
    resolver: str  # escaped description
    zones: tuple[ZoneResult, ...]
    info: Mapping[str, ZoneInfo]
    timeout: float
    #: this host's own addresses not looked up, each with why (a private address, ...)
    skipped: tuple[tuple[str, str], ...] = ()
    #: what the nameservers given may not mean (:func:`server_notes`)
    resolver_notes: tuple[str, ...] = ()


_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_DOCUMENTATION = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def not_public(addr: str) -> str | None:
    """Why ``addr`` is no address a DNS blacklist lists ("a private address"), or None for a
    public one. :class:`ValueError` when it is not an IP address."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(addr)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if any(ip in net for net in _DOCUMENTATION):
        return "a documentation address (RFC 5737, 3849)"
    if ip in _SHARED:
        return "a shared address (carrier-grade NAT, RFC 6598)"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    return None if ip.is_global else "not a globally routable address"


def split_addresses(addrs: Iterable[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """This host's addresses -> (the public ones, [(address, why not)]), once each."""
    public: list[str] = []
    skipped: list[tuple[str, str]] = []
    for raw in addrs:
        try:
            addr = str(ipaddress.ip_address(raw.split("%", 1)[0]))
            why = not_public(addr)
        except ValueError:
            continue
        if why is None and addr not in public:
            public.append(addr)
        elif why is not None and all(addr != a for a, _ in skipped):
            skipped.append((addr, why))
    return public, skipped


def skipped_note(skipped: Sequence[tuple[str, str]]) -> str:
    shown = ", ".join(f"{escape(a)} ({why})" for a, why in skipped[:8])
    more = f" and {len(skipped) - 8} more" if len(skipped) > 8 else ""
    return (
        f"this host's addresses not looked up (DNS blacklists list public addresses only): "
        f"{shown}{more}"
    )


def reverse_name(ip: str, zone: str) -> str:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv4Address):
        return ".".join(reversed(str(addr).split("."))) + "." + zone
    nibbles = addr.exploded.replace(":", "")
    return ".".join(reversed(nibbles)) + "." + zone


class Querier(Protocol):
    def a(self, name: str) -> DnsAnswer: ...

    def txt(self, name: str) -> tuple[str, ...]: ...


class DnsPythonQuerier:
    """dnspython stub resolver with explicit nameservers/port, or the system's."""

    def __init__(self, servers: Sequence[tuple[str, int]], timeout: float) -> None:
        import dns.resolver

        if servers:
            import dns.nameserver

            self.resolver = dns.resolver.Resolver(configure=False)
            self.resolver.nameservers = [
                dns.nameserver.Do53Nameserver(host, port) for host, port in servers
            ]
        else:
            self.resolver = dns.resolver.Resolver(configure=True)
        self.resolver.timeout = timeout
        self.resolver.lifetime = timeout
        self.resolver.cache = None

    def a(self, name: str) -> DnsAnswer:
        import dns.exception
        import dns.resolver

        try:
            ans = self.resolver.resolve(name, "A", raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN:
            return DnsAnswer("nxdomain")
        except dns.exception.Timeout:
            return DnsAnswer("timeout", detail=f"no answer within {self.resolver.lifetime:g}s")
        except dns.resolver.NoNameservers as exc:
            unreachable = unreachable_servers(exc.kwargs.get("errors") or ())
            detail = unreachable or f"no server answered usefully: {exc}"
            return DnsAnswer("error", detail=escape(detail, 300))
        except dns.exception.DNSException as exc:
            return DnsAnswer("error", detail=escape(f"{type(exc).__name__}: {exc}", 300))
        if ans.rrset is None:
            return DnsAnswer("nodata")
        return DnsAnswer("answer", tuple(sorted(r.address for r in ans.rrset)))

    def txt(self, name: str) -> tuple[str, ...]:
        import dns.exception

        try:
            ans = self.resolver.resolve(name, "TXT", raise_on_no_answer=False, search=False)
        except dns.exception.DNSException:
            return ()
        if ans.rrset is None:
            return ()
        return tuple(escape(b"".join(r.strings).decode("utf-8", "replace"), 300) for r in ans.rrset)


#: the ports a DNS server is most likely meant on when an unbracketed IPv6 nameserver ends in
#: one of these groups ("fd57:d4::2:53"): DNS, and the usual ones of a local resolver (unbound,
#: dnsmasq, a DNS proxy) that an admin runs beside the system's
DNS_PORT_LIKE = frozenset((53, 1053, 5053, 5300, 5335, 5353, 8053))


def server_notes(specs: Sequence[str], where: str) -> list[str]:
    """A note for each unbracketed IPv6 nameserver of ``specs`` whose last group reads as a
    DNS port ("fd57:d4::2:53": the address fd57:d4::2:53 asked on port 53, as an IPv6 address
    carries a port only as [addr]:port), as ``config check`` says of a destination
    (``submission.allow_destinations``); ``where``: the key or the flag that gave them."""
    from spamtrace.policy.firewall_plan import v6_port_note

    notes = []
    for i, spec in enumerate(specs):
        note = v6_port_note(
            spec, f"{where}[{i}]" if where.startswith("audit.") else where,
            reach="asked on port 53", ports=DNS_PORT_LIKE,
        )  # fmt: skip
        if note is not None:
            notes.append(note)
    return notes


def server_text(host: str, port: int) -> str:
    """How a nameserver is shown: ``[v6]:port`` (``fd57:d4::2:53:53`` read as one address)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def query_zone(q: Querier, zone: str, ips: Sequence[str], info: ZoneInfo | None) -> ZoneResult:
    if info is not None and info.retired:
        return ZoneResult(zone, None, None, (), info.note or "the list is retired")
    listed = q.a(reverse_name(TEST_LISTED, zone))
    if listed.outcome != "answer":
        return ZoneResult(zone, listed, None, ())
    clean = q.a(reverse_name(TEST_CLEAN, zone))
    if clean.outcome not in ("nxdomain", "nodata"):
        return ZoneResult(zone, listed, clean, ())
    results = []
    for ip in ips:
        if ":" in ip and not (info is not None and info.ipv6):
            results.append(IpResult(ip, DnsAnswer("unsupported", detail="zone has no IPv6 data")))
            continue
        name = reverse_name(ip, zone)
        ans = q.a(name)
        txt = q.txt(name) if ans.outcome == "answer" else ()
        results.append(IpResult(ip, ans, txt))
    return ZoneResult(zone, listed, clean, tuple(results))


# --------------------------------------------------------------------------- judging
WHY = (
    "Receivers that use this list reject or junk mail from a listed address, for every account "
    "on the server; a new listing is often the first sign that something here sends spam."
)


def _in_loopback(addr: str) -> bool:
    try:
        return ipaddress.ip_address(addr) in _LOOPBACK_NET
    except ValueError:
        return False


def _untrusted_point(ans: DnsAnswer, info: ZoneInfo, which: str, zone: str) -> str | None:
    """Why a test-point answer makes the zone untrustworthy (None: it is fine)."""
    z = escape(zone)
    if which == TEST_LISTED:
        if ans.outcome == "nxdomain":
            return (
                f"RFC 5782 test point {TEST_LISTED} is not listed in {z} (NXDOMAIN): the resolver "
                "answers NXDOMAIN for everything (filtering/offline resolver), or the list "
                "refuses it; a 'not listed' answer cannot be trusted"
            )
        if ans.outcome == "nodata":
            return f"RFC 5782 test point {TEST_LISTED} has no A record in {z}"
        if ans.outcome in ("timeout", "error"):
            return f"no usable answer for the test point {TEST_LISTED} in {z}: {ans.detail}"
        bad = [a for a in ans.addresses if not _in_loopback(a)]
        if bad:
            return (
                f"test point {TEST_LISTED} answered {', '.join(escape(a) for a in bad)} (outside "
                "127.0.0.0/8): the resolver rewrites answers"
            )
        errs = [a for a in ans.addresses if a in info.errors]
        if errs:
            return f"{z} refused the query: {errs[0]} = {escape(info.errors[errs[0]])}"
        return None
    if ans.outcome == "answer":
        return (
            f"RFC 5782 test point {TEST_CLEAN} is listed in {z} "
            f"({', '.join(escape(a) for a in ans.addresses)}): the resolver or list answers for "
            "everything (wildcard); every address would look listed"
        )
    if ans.outcome in ("timeout", "error"):
        return f"no usable answer for the test point {TEST_CLEAN} in {z}: {ans.detail}"
    return None


def judge_zone(
    zr: ZoneResult, info: ZoneInfo, resolver: str, notes: Sequence[str] = ()
) -> Finding:
    z = escape(zr.zone)
    label = f"{z} ({escape(info.name)})" if info.name else z
    delist = f" Removal: {escape(info.delist)}." if info.delist else ""
    fix = (
        "Find and stop the source first (`spamtrace check`, `spamtrace watch`, the incidents, "
        "then `spamtrace scan` of the account), close the way out (firewall.smtp-egress, "
        f"sshd.tcp-forwarding), then request removal.{delist}"
    )
    ev = [f"resolver: {resolver}", *notes]

    def skip(reason: str) -> Finding:
        return Finding(FID, Status.SKIPPED, f"{label}: not checked", (*ev, reason), WHY, "", z)

    if zr.not_queried:
        return skip(escape(zr.not_queried))
    assert zr.listed_point is not None
    reason = _untrusted_point(zr.listed_point, info, TEST_LISTED, zr.zone)
    if reason:
        return skip(reason)
    ev.append(
        f"test point {TEST_LISTED}: listed ({', '.join(zr.listed_point.addresses)}) as it must be"
    )
    if zr.clean_point is None:
        return skip("the test point 127.0.0.1 was not queried")
    reason = _untrusted_point(zr.clean_point, info, TEST_CLEAN, zr.zone)
    if reason:
        return skip(reason)
    ev.append(f"test point {TEST_CLEAN}: not listed, as it must be")

    listed: list[str] = []
    unknown: list[str] = []
    for r in zr.ips:
        ip = escape(r.ip)
        a = r.answer
        if a.outcome in ("nxdomain", "nodata"):
            ev.append(f"{ip}: not listed")
        elif a.outcome == "unsupported":
            ev.append(f"{ip}: not checked ({a.detail})")
        elif a.outcome == "answer":
            outside = [x for x in a.addresses if not _in_loopback(x)]
            errs = [x for x in a.addresses if x in info.errors]
            if outside:
                unknown.append(ip)
                ev.append(f"{ip}: answer outside 127.0.0.0/8 ({', '.join(outside)}): not trusted")
            elif errs:
                unknown.append(ip)
                ev.append(
                    f"{ip}: list refused the query: {errs[0]} = {escape(info.errors[errs[0]])}"
                )
            else:
                listed.append(ip)
                meanings = "; ".join(
                    f"{x} = {escape(info.codes.get(x, 'listed'))}" for x in a.addresses
                )
                ev.append(f"{ip}: LISTED: {meanings}")
                ev += [f"{ip}: TXT: {t}" for t in r.txt]
        else:
            unknown.append(ip)
            ev.append(f"{ip}: no usable answer: {a.detail}")
    if listed:
        return Finding(
            FID, Status.FAIL, f"{label}: {', '.join(listed)} listed", tuple(ev), WHY, fix, z
        )
    checked = [r for r in zr.ips if r.answer.outcome != "unsupported"]
    if unknown or not checked:
        why_not = "no address could be checked" if not checked else "some addresses unchecked"
        return Finding(FID, Status.SKIPPED, f"{label}: {why_not}", tuple(ev), WHY, "", z)
    return Finding(FID, Status.PASS, f"{label}: not listed", tuple(ev), WHY, fix, z)


def judge(snap: DnsblSnapshot, cfg: Config) -> list[Finding]:
    notes = (skipped_note(snap.skipped),) if snap.skipped else ()
    if not snap.ips:
        return [
            Finding(
                FID,
                Status.SKIPPED,
                "no public address to look up",
                (escape(snap.ip_source), *notes),
                WHY,
                "Pass the server's public address(es) with `--ip ADDR`.",
            )
        ]
    if not snap.zones:
        return [
            Finding(
                FID,
                Status.SKIPPED,
                "no DNSBL zones configured",
                ("audit.dnsbl_zones is empty",),
                WHY,
                "List zones in audit.dnsbl_zones.",
            )
        ]
    notes = (*snap.resolver_notes, *notes)
    return [
        judge_zone(zr, snap.info.get(zr.zone.lower(), ZoneInfo()), snap.resolver, notes)
        for zr in snap.zones
    ]


# --------------------------------------------------------------------------- gathering
def own_addresses() -> list[str]:
    """The addresses of this host's interfaces."""
    import socket

    import psutil

    return [
        a.address
        for addrs in psutil.net_if_addrs().values()
        for a in addrs
        if a.family in (socket.AF_INET, socket.AF_INET6)
    ]


def gather(env: AuditEnv, querier: Querier | None = None) -> DnsblSnapshot:
    cfg = env.cfg.audit
    info = load_zone_info()
    skipped: list[tuple[str, str]] = []
    if env.ips:
        ips = []
        for raw in env.ips:
            try:
                ips.append(str(ipaddress.ip_address(raw.strip())))
            except ValueError:
                raise ConfigError(f"--ip {quoted(raw)}: not an IP address") from None
        source = "--ip"
    else:
        ips, skipped = split_addresses(own_addresses())
        source = (
            "public addresses of this host's interfaces"
            if ips
            else ("no public (global) address on any interface (behind NAT?): pass --ip")
        )
    specs = list(env.dnsbl_servers) or list(cfg.dnsbl_nameservers)
    servers = [parse_server(s) for s in specs]
    resolver = (
        "nameservers " + ", ".join(server_text(h, p) for h, p in servers)
        if servers
        else "system resolver"
    )
    where = "--dnsbl-server" if env.dnsbl_servers else "audit.dnsbl_nameservers"
    said = tuple(server_notes(specs, where))  # fd57:d4::2:53: the address, or port 53?
    zones = [z.strip().rstrip(".") for z in cfg.dnsbl_zones if z.strip()]
    if not ips or not zones:
        return DnsblSnapshot(
            tuple(ips), source, resolver, (), info, cfg.dnsbl_timeout, tuple(skipped), said
        )
    if querier is None:
        try:
            querier = DnsPythonQuerier(servers, cfg.dnsbl_timeout)
        except Exception as exc:  # no resolv.conf, no nameservers: "no network" -> skipped
            note = f"no DNS resolver usable: {type(exc).__name__}: {exc}"
            results = tuple(ZoneResult(z, None, None, (), note) for z in zones)
            return DnsblSnapshot(
                tuple(ips), source, resolver, results, info, cfg.dnsbl_timeout, tuple(skipped),
                said,
            )
    q = querier

    def one(zone: str) -> ZoneResult:
        return query_zone(q, zone, ips, info.get(zone.lower()))

    with ThreadPoolExecutor(max_workers=min(8, len(zones))) as pool:
        results = tuple(pool.map(one, zones))
    return DnsblSnapshot(
        tuple(ips), source, resolver, results, info, cfg.dnsbl_timeout, tuple(skipped), said
    )


class DnsblCheck:
    family: str = "dnsbl"
    ids: tuple[str, ...] = (FID,)

    def gather(self, env: AuditEnv) -> DnsblSnapshot:
        return gather(env)

    def judge(self, snapshot: DnsblSnapshot, cfg: Config) -> list[Finding]:
        return judge(snapshot, cfg)


def unreachable_servers(errors: Sequence[tuple[Any, ...]]) -> str | None:
    """When no DNS server could even be sent the query (every error of dnspython's
    ``NoNameservers`` an ``OSError``: no route, no network): one line that says so and names
    them (``cannot reach the DNS server 10.0.0.53:53: Network is unreachable (no
    network?)``), not dnspython's ``Server Do53:10.0.0.53@53 answered [Errno 101] ...``.
    None when a server did answer (badly): dnspython's own words are kept then."""
    servers: list[str] = []
    reasons: list[str] = []
    for error in errors:
        if len(error) < 4 or not isinstance(error[3], OSError):
            return None
        name, port, err = str(error[0]), error[2], error[3]
        host = name.partition(":")[2].rpartition("@")[0] or name
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if where not in servers:
            servers.append(where)
        reason = err.strerror or str(err)
        if reason not in reasons:
            reasons.append(reason)
    if not servers:
        return None
    noun = "server" if len(servers) == 1 else "servers"
    return f"cannot reach the DNS {noun} {', '.join(servers)}: {'; '.join(reasons)} (no network?)"
