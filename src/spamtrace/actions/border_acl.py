"""Egress ACLs for a border router or switch: only the relay hosts may reach remote SMTP.

The network-level version of the owner match: ``spamtrace firewall acl --relay ADDR
--servers CIDR`` prints a filter for the device between the servers and the internet.
Packets *from* a relay host *to* port 25 pass; packets from any other server to port 25 are
rejected (TCP reset) and counted; everything else passes, so inbound SMTP to the servers (and
the servers' replies, which have source port 25, not destination port 25) is unaffected.

Pure text rendering (golden-tested): ``nft`` (a forward-hook table for a Linux router),
``cisco`` (IOS extended ACLs, IPv4 and IPv6) and ``juniper`` (Junos firewall filters).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from spamtrace.errors import UsageError
from spamtrace.safetext import quoted

FORMATS = ("nft", "cisco", "juniper")
ACL_NAME = "SPAMTRACE-SMTP-EGRESS"
NFT_TABLE = "spamtrace_acl"

Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Sequence[str], what: str) -> list[Net]:
    out: list[Net] = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise UsageError(f"{what}: {quoted(value)} is not an IP address or network") from None
    return sorted(set(out), key=lambda n: (n.version, int(n.network_address), n.prefixlen))


def _by_version(nets: Sequence[Net], version: int) -> list[Net]:
    return [n for n in nets if n.version == version]


def _nft_addr(net: Net) -> str:
    return str(net.network_address) if net.prefixlen == net.max_prefixlen else str(net)


def _cisco_v4(net: Net) -> str:
    if net.prefixlen == 32:
        return f"host {net.network_address}"
    if net.prefixlen == 0:
        return "any"
    return f"{net.network_address} {net.hostmask}"


def _cisco_v6(net: Net) -> str:
    if net.prefixlen == 128:
        return f"host {net.network_address}"
    if net.prefixlen == 0:
        return "any"
    return str(net)


def render_nft(relays: Sequence[Net], servers: Sequence[Net], ports: Sequence[int]) -> str:
    lines = [
        "# spamtrace border ACL: only the relay hosts may send SMTP to the internet.",
        "# Load on the router with `nft -f FILE`; remove with "
        f"`nft delete table inet {NFT_TABLE}`.",
        f"table inet {NFT_TABLE} {{",
        "\tcounter smtp_blocked {",
        "\t}",
    ]
    port_set = "{ " + ", ".join(map(str, ports)) + " }"
    for suffix, type_, version in (("v4", "ipv4_addr", 4), ("v6", "ipv6_addr", 6)):
        for name, nets in (("relays", relays), ("servers", servers)):
            elems = _by_version(nets, version)
            lines += [f"\tset {name}_{suffix} {{", f"\t\ttype {type_}", "\t\tflags interval"]
            if elems:
                lines.append("\t\telements = { " + ", ".join(_nft_addr(n) for n in elems) + " }")
            lines.append("\t}")
    lines += [
        "\tchain forward {",
        "\t\ttype filter hook forward priority filter; policy accept;",
        f'\t\tip saddr @relays_v4 tcp dport {port_set} accept comment "relay may send"',
        f'\t\tip6 saddr @relays_v6 tcp dport {port_set} accept comment "relay may send"',
        f'\t\tip saddr @servers_v4 tcp dport {port_set} counter name "smtp_blocked" '
        'reject with tcp reset comment "servers may not"',
        f'\t\tip6 saddr @servers_v6 tcp dport {port_set} counter name "smtp_blocked" '
        'reject with tcp reset comment "servers may not"',
        "\t}",
        "}",
    ]
    return "\n".join(lines) + "\n"


def render_cisco(relays: Sequence[Net], servers: Sequence[Net], ports: Sequence[int]) -> str:
    lines = [
        "! spamtrace border ACL: only the relay hosts may send SMTP to the internet.",
        "! Apply inbound on the interface facing the servers; inbound SMTP stays open.",
    ]
    for version, header, any_proto, fmt in (
        (4, f"ip access-list extended {ACL_NAME}", "ip", _cisco_v4),
        (6, f"ipv6 access-list {ACL_NAME}-V6", "ipv6", _cisco_v6),
    ):
        rel, srv = _by_version(relays, version), _by_version(servers, version)
        if not rel and not srv:
            continue
        lines.append(header)
        lines.append(" remark spamtrace: relay hosts may reach remote SMTP")
        for net in rel:
            for port in ports:
                lines.append(f" permit tcp {fmt(net)} any eq {port}")
        lines.append(" remark spamtrace: other servers may not")
        for net in srv:
            for port in ports:
                lines.append(f" deny tcp {fmt(net)} any eq {port} log")
        lines.append(f" permit {any_proto} any any")
        lines.append("!")
    lines += [
        "interface <interface-facing-the-servers>",
        f" ip access-group {ACL_NAME} in",
    ]
    if _by_version(relays, 6) or _by_version(servers, 6):
        lines.append(f" ipv6 traffic-filter {ACL_NAME}-V6 in")
    lines.append("!")
    return "\n".join(lines) + "\n"


def render_juniper(relays: Sequence[Net], servers: Sequence[Net], ports: Sequence[int]) -> str:
    name = ACL_NAME.lower()
    port_list = " ".join(str(p) for p in ports)
    port_expr = str(ports[0]) if len(ports) == 1 else f"[ {port_list} ]"
    lines = [
        "/* spamtrace border ACL: only the relay hosts may send SMTP to the internet.",
        "   Apply as an input filter on the interface facing the servers. */",
        "firewall {",
    ]
    for version, family, proto_key in ((4, "inet", "protocol"), (6, "inet6", "next-header")):
        rel, srv = _by_version(relays, version), _by_version(servers, version)
        if not rel and not srv:
            continue
        lines += [f"    family {family} {{", f"        filter {name} {{"]
        if rel:
            lines += ["            term relay-smtp {", "                from {"]
            lines.append("                    source-address {")
            lines += [f"                        {n};" for n in rel]
            lines += [
                "                    }",
                f"                    {proto_key} tcp;",
                f"                    destination-port {port_expr};",
                "                }",
                "                then accept;",
                "            }",
            ]
        if srv:
            lines += ["            term block-server-smtp {", "                from {"]
            lines.append("                    source-address {")
            lines += [f"                        {n};" for n in srv]
            lines += [
                "                    }",
                f"                    {proto_key} tcp;",
                f"                    destination-port {port_expr};",
                "                }",
                "                then {",
                "                    count spamtrace-smtp-blocked;",
                "                    syslog;",
                "                    reject tcp-reset;",
                "                }",
                "            }",
            ]
        lines += [
            "            term default {",
            "                then accept;",
            "            }",
            "        }",
            "    }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_acl(
    relays: Sequence[str], servers: Sequence[str], ports: Sequence[int], fmt: str
) -> str:
    """The ACL text; relays must already be addresses (the CLI resolves names)."""
    if fmt not in FORMATS:
        raise UsageError(f"acl: unknown format {quoted(fmt)} (choose {', '.join(FORMATS)})")
    if not relays:
        raise UsageError("acl: give at least one --relay")
    if not servers:
        raise UsageError("acl: give at least one --servers network")
    for port in ports:
        if not 1 <= port <= 65535:
            raise UsageError(f"acl: {port} is not a TCP port")
    rel = parse_networks(relays, "--relay")
    srv = parse_networks(servers, "--servers")
    ports = sorted(set(ports))
    if fmt == "nft":
        return render_nft(rel, srv, ports)
    if fmt == "cisco":
        return render_cisco(rel, srv, ports)
    return render_juniper(rel, srv, ports)
