"""``firewall.smtp-egress``: is SMTP egress restricted for everyone but the MTA?

Three places can restrict it: spamtrace's own nftables table (``inet spamtrace``), CSF
(``SMTP_BLOCK`` in ``/etc/csf/csf.conf``, which loads an ``SMTPOUTPUT`` chain), and any other
rule that rejects, drops or redirects new connections to the SMTP ports on the output path
(``nft -j list ruleset``, ``iptables-save``, ``ip6tables-save``). Only rules that apply to all
destinations count (a rule for one address does not restrict egress); a rule reached through a
jump inherits the port match of the jump. IPv4 and IPv6 are judged separately.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spamtrace.audit.environment import AuditEnv, CommandResult
from spamtrace.audit.finding import Finding, Status
from spamtrace.config import Config
from spamtrace.safetext import escape

FID = "firewall.smtp-egress"
CSF_CONF = "/etc/csf/csf.conf"
_MAX_DEPTH = 16
_HOOKS = ("output", "postrouting")


@dataclass(frozen=True, slots=True)
class Source:
    """Output of one command (or None when it could not run) and how it ended."""

    text: str | None
    description: str  # escaped "$ cmd" line with the failure, if any
    missing: bool = False


@dataclass(frozen=True, slots=True)
class FirewallSnapshot:
    nft: Source
    iptables: Source
    ip6tables: Source
    csf_conf: str | None  # contents of csf.conf, None if absent
    csf_path: str = CSF_CONF
    has_ipv6: bool = True  # the host has a global IPv6 address (IPv6 egress is possible)


@dataclass(frozen=True, slots=True)
class Restriction:
    """A rule on the output path that stops (or redirects) new SMTP connections."""

    ipv4: bool
    ipv6: bool
    ports: frozenset[int] | None  # None: every port
    owner_match: bool  # the path matched socket owners (uid/gid): the MTA can be exempt
    where: str  # escaped, e.g. "nft inet spamtrace chain output handle 7"
    action: str  # reject | drop | redirect


# --------------------------------------------------------------------------- nft JSON
class ParseError(ValueError):
    pass


def _port_values(right: Any, sets: Mapping[str, set[int]]) -> set[int] | None:
    """The ports a match's right-hand side names (None: cannot tell)."""
    if isinstance(right, bool):
        return None
    if isinstance(right, int):
        return {right}
    if isinstance(right, str):
        if right.startswith("@"):
            return sets.get(right[1:])
        return {int(right)} if right.isdecimal() else None
    if isinstance(right, dict):
        if "set" in right:
            out: set[int] = set()
            for item in right["set"]:
                vals = _port_values(item, sets)
                if vals is None:
                    return None
                out |= vals
            return out
        if "range" in right:
            lo, hi = right["range"]
            if isinstance(lo, int) and isinstance(hi, int) and hi - lo <= 65535:
                return set(range(lo, hi + 1))
    if isinstance(right, list):
        return _port_values({"set": right}, sets)
    return None


def _key_of(left: Any) -> str:
    if isinstance(left, dict) and len(left) == 1:
        ((op, args),) = left.items()
        if op in ("&", "|", "^") and isinstance(args, list) and args:
            return _key_of(args[0])  # "tcp flags & (syn | ack) == syn": a tcp.flags match
    if isinstance(left, dict):
        if "payload" in left:
            p = left["payload"]
            return f"{p.get('protocol', '')}.{p.get('field', '')}"
        if "meta" in left:
            return f"meta.{left['meta'].get('key', '')}"
        if "ct" in left:
            return f"ct.{left['ct'].get('key', '')}"
    return "?"


_BROAD_KEYS = {"meta.skuid", "meta.skgid", "meta.oif", "meta.oifname", "meta.l4proto"}
_BROAD_KEYS |= {"meta.nfproto", "ct.state", "tcp.flags", "meta.protocol", "ct.direction"}


def nft_restrictions(text: str, smtp_ports: Sequence[int]) -> list[Restriction]:
    """Restrictions found in ``nft -j list ruleset`` output. Raises ParseError if unreadable."""
    try:
        doc = json.loads(text)
        items = doc["nftables"]
        if not isinstance(items, list):
            raise TypeError
    except (ValueError, KeyError, TypeError) as exc:
        raise ParseError(f"not nft JSON: {exc}") from None
    sets: dict[tuple[str, str], dict[str, set[int]]] = {}
    chains: dict[tuple[str, str, str], dict[str, Any]] = {}
    rules: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        if "set" in item and isinstance(item["set"], dict):
            s = item["set"]
            vals = _port_values({"set": s.get("elem", [])}, {})
            sets.setdefault((s.get("family", ""), s.get("table", "")), {})[s.get("name", "")] = (
                vals or set()
            )
        elif "chain" in item and isinstance(item["chain"], dict):
            c = item["chain"]
            chains[(c.get("family", ""), c.get("table", ""), c.get("name", ""))] = c
        elif "rule" in item and isinstance(item["rule"], dict):
            r = item["rule"]
            key = (r.get("family", ""), r.get("table", ""), r.get("chain", ""))
            rules.setdefault(key, []).append(r)

    out: list[Restriction] = []

    def walk(
        key: tuple[str, str, str], ports: set[int] | None, owner: bool, depth: int, fam: str
    ) -> None:
        if depth > _MAX_DEPTH:
            return
        tsets = sets.get((key[0], key[1]), {})
        exempted = False  # an earlier rule in this chain accepts some uids/gids
        for rule in rules.get(key, []):
            r_ports = ports
            r_owner = owner or exempted
            own_match = False
            not_ports: set[int] | None = None  # "tcp dport != {…} accept": only {…} go on
            broad = True
            action = ""
            target = ""
            for expr in rule.get("expr", []):
                if not isinstance(expr, dict):
                    continue
                if "match" in expr:
                    m = expr["match"]
                    k = _key_of(m.get("left"))
                    op = m.get("op", "==")
                    if k.endswith(".dport"):
                        vals = _port_values(m.get("right"), tsets)
                        if op in ("==", "in") and vals is not None:
                            r_ports = vals if r_ports is None else (r_ports & vals)
                        elif op == "!=" and vals is not None:
                            not_ports = vals
                        else:
                            broad = False
                    elif k in ("meta.skuid", "meta.skgid"):
                        r_owner = own_match = True
                    elif k.endswith(".daddr") and op == "!=":
                        pass  # "everything but the relay": still a general restriction
                    elif k == "ct.state":
                        right = m.get("right")
                        states = right if isinstance(right, list) else [right]
                        if "invalid" in states or "established" in states:
                            broad = False
                    elif k not in _BROAD_KEYS:
                        broad = False
                for verdict in ("reject", "drop", "redirect"):
                    if verdict in expr:
                        action = verdict
                for jump in ("jump", "goto"):
                    if jump in expr and isinstance(expr[jump], dict):
                        target = str(expr[jump].get("target", ""))
            accepts = any(isinstance(e, dict) and "accept" in e for e in rule.get("expr", []))
            if own_match and accepts:
                exempted = True
            if not_ports is not None:
                if broad and accepts and not own_match:
                    # later rules of this chain only see the ports listed here
                    ports = not_ports if ports is None else (ports & not_ports)
                continue
            if not broad:
                continue
            if action:
                out.append(
                    Restriction(
                        ipv4=fam in ("ip", "inet"),
                        ipv6=fam in ("ip6", "inet"),
                        ports=frozenset(r_ports) if r_ports is not None else None,
                        owner_match=r_owner,
                        where=(
                            f"nft {escape(key[0])} {escape(key[1])} chain {escape(key[2])} "
                            f"handle {rule.get('handle', '?')}"
                        ),
                        action=action,
                    )
                )
            elif target:
                walk((key[0], key[1], target), r_ports, r_owner, depth + 1, fam)

    for key, chain in chains.items():
        if chain.get("hook") in _HOOKS:
            try:
                walk(key, None, False, 0, key[0])
            except (KeyError, TypeError, AttributeError, ValueError) as exc:  # odd shapes
                # raw: the one reader of a ParseError escapes its whole message (where shown)
                raise ParseError(f"unexpected nft JSON in chain {key[2]}: {exc}") from None
            if chain.get("policy") == "drop":
                out.append(
                    Restriction(
                        key[0] in ("ip", "inet"),
                        key[0] in ("ip6", "inet"),
                        None,
                        False,
                        f"nft {escape(key[0])} {escape(key[1])} chain {escape(key[2])} policy",
                        "drop",
                    )
                )
    return out


def nft_has_table(text: str, family: str, name: str) -> bool:
    try:
        items = json.loads(text)["nftables"]
    except (ValueError, KeyError, TypeError):
        return False
    return any(
        isinstance(i, dict)
        and isinstance(i.get("table"), dict)
        and i["table"].get("family") == family
        and i["table"].get("name") == name
        for i in items
    )


# --------------------------------------------------------------------------- iptables-save
_IPT_BROAD_MODULES = {"tcp", "multiport", "owner", "comment", "limit", "conntrack", "state"}


def _ipt_ports(spec: str) -> set[int] | None:
    out: set[int] = set()
    for part in spec.split(","):
        if ":" in part:
            lo, hi = part.split(":", 1)
            if not (lo or "0").isdecimal() or not (hi or "65535").isdecimal():
                return None
            out |= set(range(int(lo or 0), int(hi or 65535) + 1))
        elif part.isdecimal():
            out.add(int(part))
        else:
            return {25} if part == "smtp" else None
    return out


@dataclass(slots=True)
class _IptRule:
    chain: str
    ports: set[int] | None
    owner: bool
    broad: bool
    target: str
    line: int
    table: str
    has_matches: bool = False
    text: str = ""


def _parse_ipt(text: str) -> tuple[dict[tuple[str, str], list[_IptRule]], list[str]]:
    table = ""
    rules: dict[tuple[str, str], list[_IptRule]] = {}
    problems: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("*"):
            table = line[1:]
            continue
        if not line.startswith("-A "):
            continue
        try:
            toks = shlex.split(line)
        except ValueError:
            problems.append(f"iptables-save line {n}: cannot parse: {escape(line, 200)}")
            continue
        chain = toks[1]
        ports: set[int] | None = None
        owner = broad = True
        owner = False
        has_matches = False
        target = ""
        neg = False
        i = 2
        while i < len(toks):
            t = toks[i]
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if t == "!":
                neg = True
                i += 1
                continue
            if t in ("--dport", "--dports", "--destination-port", "--destination-ports"):
                vals = _ipt_ports(nxt)
                if neg or vals is None:
                    broad = False
                else:
                    ports = vals if ports is None else ports & vals
                has_matches = True
                i += 2
            elif t in ("--uid-owner", "--gid-owner"):
                owner = True
                i += 2
            elif t in ("-j", "--jump", "-g", "--goto"):
                target = nxt
                i += 2
            elif t == "-m":
                if nxt not in _IPT_BROAD_MODULES:
                    broad = False
                i += 2
            elif t in ("--ctstate", "--state"):
                if "NEW" not in nxt.split(","):
                    broad = False
                has_matches = True
                i += 2
            elif t in ("-d", "--destination"):
                if not neg:
                    broad = False
                has_matches = True
                i += 2
            elif t in ("-p", "--protocol"):
                if nxt not in ("tcp", "6"):
                    broad = False
                has_matches = True
                i += 2
            elif t in ("-o", "--out-interface"):
                if not neg:
                    broad = False  # "-o lo" or one interface: not all egress
                i += 2
            elif t in ("--comment", "--limit", "--limit-burst", "--syn", "--tcp-flags"):
                i += 3 if t == "--tcp-flags" else (1 if t == "--syn" else 2)
            elif t.startswith("--") and t not in ("--reject-with", "--log-prefix", "--to-ports"):
                broad = False
                i += 2
            else:
                i += 1
            neg = False
        rules.setdefault((table, chain), []).append(
            _IptRule(chain, ports, owner, broad, target, n, table, has_matches, line)
        )
    return rules, problems


def ipt_restrictions(text: str, ipv6: bool) -> tuple[list[Restriction], list[str]]:
    rules, problems = _parse_ipt(text)
    name = "ip6tables-save" if ipv6 else "iptables-save"
    out: list[Restriction] = []

    def chain_drops(table: str, chain: str) -> bool:
        return any(
            r.broad and not r.has_matches and r.target in ("DROP", "REJECT")
            for r in rules.get((table, chain), [])
        )

    def walk(table: str, chain: str, ports: set[int] | None, owner: bool, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        exempted = False  # an earlier rule in this chain accepts some uids/gids
        for r in rules.get((table, chain), []):
            if r.owner and r.target in ("ACCEPT", "RETURN"):
                exempted = True
            if not r.broad or not r.target:
                continue
            r_ports = r.ports if ports is None else (ports if r.ports is None else ports & r.ports)
            r_owner = owner or r.owner or exempted
            action = {"DROP": "drop", "REJECT": "reject", "REDIRECT": "redirect"}.get(r.target)
            if action is None and (table, r.target) in rules and chain_drops(table, r.target):
                action = "drop"  # e.g. CSF's LOGDROPOUT: log, then DROP
            if action:
                out.append(
                    Restriction(
                        not ipv6,
                        ipv6,
                        frozenset(r_ports) if r_ports is not None else None,
                        r_owner,
                        f"{name} line {r.line} ({escape(table)} {escape(chain)}): "
                        f"{escape(r.text, 160)}",
                        action,
                    )
                )
            elif (table, r.target) in rules:
                walk(table, r.target, r_ports, r_owner, depth + 1)

    walk("filter", "OUTPUT", None, False, 0)
    walk("nat", "OUTPUT", None, False, 0)
    return out, problems


# --------------------------------------------------------------------------- csf.conf
def parse_csf_conf(text: str) -> tuple[dict[str, tuple[str, int]], list[str]]:
    """``KEY = "value"`` lines -> {KEY: (value, line)}; unparseable lines as problems."""
    out: dict[str, tuple[str, int]] = {}
    problems: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([A-Z0-9_]+)\s*=\s*"([^"]*)"\s*(#.*)?$', line)
        if not m:
            m2 = re.match(r"^([A-Z0-9_]+)\s*=\s*(\S*)\s*$", line)
            if not m2:
                problems.append(f"{n}: cannot parse: {escape(line, 200)}")
                continue
            out[m2.group(1)] = (m2.group(2).strip("'"), n)
            continue
        out[m.group(1)] = (m.group(2), n)
    return out, problems


# --------------------------------------------------------------------------- judging
def _fmt_ports(ports: Iterable[int]) -> str:
    return ",".join(str(p) for p in sorted(ports)) or "none"


WHY = (
    "Without an egress restriction any process of any hosting account (a PHP script, a cron "
    "job, an `ssh -L` tunnel) can connect straight to remote mail servers on port 25 and send "
    "spam from this server's IP, bypassing the MTA's limits and logs. An owner-match rule "
    "(only root and the MTA's user may connect) closes every such path at once."
)


def judge(snap: FirewallSnapshot, cfg: Config) -> list[Finding]:
    ports = set(cfg.smtp.ports)
    relay_ports = set(cfg.smtp.relay_ports)
    evidence: list[str] = []
    restrictions: list[Restriction] = []
    problems: list[str] = []
    looked = False
    spamtrace_table = False
    nft_unreadable = False

    if snap.nft.text is not None:
        looked = True
        try:
            restrictions += nft_restrictions(snap.nft.text, sorted(ports))
            spamtrace_table = nft_has_table(snap.nft.text, "inet", "spamtrace")
            evidence.append(f"{snap.nft.description}: parsed")
        except ParseError as exc:
            nft_unreadable = True
            problems.append(f"{snap.nft.description}: {escape(str(exc), 200)}")
    else:
        evidence.append(snap.nft.description)
    csf_chain_loaded = False
    for src, is_v6 in ((snap.iptables, False), (snap.ip6tables, True)):
        if src.text is None:
            evidence.append(src.description)
            continue
        looked = True
        found, probs = ipt_restrictions(src.text, is_v6)
        restrictions += found
        problems += [f"{src.description}: {p}" for p in probs]
        csf_chain_loaded |= ":SMTPOUTPUT" in src.text
        evidence.append(f"{src.description}: parsed")

    csf_block = False
    if snap.csf_conf is not None:
        looked = True
        values, probs = parse_csf_conf(snap.csf_conf)
        problems += [f"{escape(snap.csf_path)}:{p}" for p in probs]
        block, bline = values.get("SMTP_BLOCK", ("0", 0))
        cports, _ = values.get("SMTP_PORTS", ("25,465,587", 0))
        csf_v6 = values.get("IPV6", ("0", 0))[0] == "1"
        evidence.append(f'{escape(snap.csf_path)}:{bline or "-"}: SMTP_BLOCK = "{escape(block)}"')
        if block == "1":
            csf_ports = _ipt_ports(cports) or set()
            allow_u = escape(values.get("SMTP_ALLOWUSER", ("", 0))[0])
            allow_g = escape(values.get("SMTP_ALLOWGROUP", ("", 0))[0])
            evidence.append(
                f"CSF SMTP_BLOCK on for ports {_fmt_ports(csf_ports)} (allowed users: "
                f"{allow_u or '-'}; groups: {allow_g or '-'}; IPV6 = {int(csf_v6)})"
            )
            loaded_known = snap.iptables.text is not None
            if loaded_known and not csf_chain_loaded:
                problems.append(
                    "CSF has SMTP_BLOCK on but no SMTPOUTPUT chain is loaded (csf not running, "
                    "or the owner match is unavailable): not counted"
                )
            else:
                csf_block = True
                if not loaded_known:
                    evidence.append("(iptables-save unavailable: CSF rules not verified)")
                restrictions.append(
                    Restriction(True, csf_v6, frozenset(csf_ports), True, "CSF SMTP_BLOCK", "drop")
                )

    if not looked:
        reason = "; ".join([snap.nft.description, snap.iptables.description])
        return [
            Finding(
                FID,
                Status.SKIPPED,
                "could not look at the firewall",
                (reason, f"{escape(snap.csf_path)}: absent"),
                WHY,
                "Install nftables (`nft`) or iptables so the rules can be read.",
            )
        ]

    def covered(v6: bool) -> set[int]:
        out: set[int] = set()
        for r in restrictions:
            if (r.ipv6 if v6 else r.ipv4) and r.action:
                out |= set(ports) if r.ports is None else (set(r.ports) & ports)
        return out

    v4 = covered(False)
    v6 = covered(True)
    open4 = ports - v4
    open6 = (ports - v6) if snap.has_ipv6 else set()
    evidence.append(
        "spamtrace's own table (inet spamtrace): " + ("loaded" if spamtrace_table else "not loaded")
    )
    for r in restrictions[:20]:
        scope = "/".join(x for x, on in (("IPv4", r.ipv4), ("IPv6", r.ipv6)) if on)
        owner = "owner match" if r.owner_match else "no owner match: applies to the MTA too"
        portset = "all ports" if r.ports is None else f"ports {_fmt_ports(r.ports & ports)}"
        evidence.append(f"{r.where}: {r.action} {portset} ({scope}; {owner})")
    evidence.append(f"SMTP ports left open over IPv4: {_fmt_ports(open4)}")
    if snap.has_ipv6:
        evidence.append(f"SMTP ports left open over IPv6: {_fmt_ports(ports - v6)}")
    else:
        evidence.append("no global IPv6 address on this host: IPv6 egress not possible")
    evidence += problems

    open_relay = (open4 | open6) & relay_ports
    fix = (
        "Run `spamtrace firewall plan` to see which accounts and processes would be blocked, "
        "then `spamtrace firewall apply` (owner mode: only root and the MTA's user may reach "
        f"ports {_fmt_ports(ports)}; exceptions per account and destination in [firewall]). "
        'On a CSF server instead: SMTP_BLOCK = "1" (with SMTP_PORTS covering '
        f'{_fmt_ports(ports)} and IPV6 = "1") in {escape(snap.csf_path)}, then `csf -r`.'
    )
    if open_relay and nft_unreadable:
        return [
            Finding(
                FID,
                Status.WARN,
                "could not tell whether SMTP egress is restricted: the nft ruleset is unreadable",
                tuple(evidence),
                WHY,
                fix,
            )
        ]
    if open_relay:
        fams = [n for n, s in (("IPv4", open4), ("IPv6", open6)) if s & relay_ports]
        return [
            Finding(
                FID,
                Status.FAIL,
                f"SMTP egress is not restricted: port(s) {_fmt_ports(open_relay)} open to every "
                f"account over {'/'.join(fams)}",
                tuple(evidence),
                WHY,
                fix,
            )
        ]
    open_any = open4 | open6
    if open_any:
        return [
            Finding(
                FID,
                Status.WARN,
                f"relay port(s) restricted, but submission port(s) {_fmt_ports(open_any)} open",
                tuple(evidence),
                WHY + " Submission ports (465/587/2525) need a login at the remote side, but "
                "stolen or attacker-owned mailbox credentials are common; SMTP plugins "
                "legitimately use them, so allow those per account instead of leaving the port "
                "open to everyone.",
                fix,
            )
        ]
    status = Status.WARN if problems and not (spamtrace_table or csf_block) else Status.PASS
    title = "SMTP egress is restricted on every SMTP port" + (
        " (some rules could not be read)" if problems else ""
    )
    return [Finding(FID, status, title, tuple(evidence), WHY, fix)]


# --------------------------------------------------------------------------- gathering
def _source(res: CommandResult) -> Source:
    if res.ok:
        return Source(res.stdout, res.describe())
    return Source(None, res.describe(), res.missing)


def has_global_ipv6() -> bool:
    import ipaddress
    import socket

    import psutil

    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family != socket.AF_INET6:
                continue
            try:
                ip = ipaddress.IPv6Address(a.address.split("%", 1)[0])
            except ValueError:
                continue
            if ip.is_global:
                return True
    return False


def gather(env: AuditEnv) -> FirewallSnapshot:
    nft = _source(env.runner.run(["nft", "-j", "list", "ruleset"]))
    ipt = _source(env.runner.run(["iptables-save"]))
    ip6 = _source(env.runner.run(["ip6tables-save"]))
    csf = env.read_text(CSF_CONF)
    return FirewallSnapshot(nft, ipt, ip6, csf, CSF_CONF, has_global_ipv6())


class FirewallCheck:
    family: str = "firewall"
    ids: tuple[str, ...] = (FID,)

    def gather(self, env: AuditEnv) -> FirewallSnapshot:
        return gather(env)

    def judge(self, snapshot: FirewallSnapshot, cfg: Config) -> list[Finding]:
        return judge(snapshot, cfg)
