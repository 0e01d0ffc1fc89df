"""Fallback for hosts without ``nft``: the same policy with iptables/ip6tables ``-m owner``.

Our rules live in chains of our own (``SPAMTRACE_SMTP`` in ``filter``, ``SPAMTRACE_REDIR``
in ``nat`` for mode redirect), loaded per table and family with ``iptables-restore --noflush``
(atomic for that table: the ``:CHAIN - [0:0]`` line creates or empties only our chain). One
jump rule from ``OUTPUT`` (restricted to the SMTP ports) is added when missing. ``remove``
deletes the jump and our chains and nothing else.

The log and reject rules match ``--syn`` only: packets without a full socket (kernel-sent
TIME_WAIT ACK/RST) carry no owner and would otherwise be logged and reset. A last rule
(``st:held``) resets the other packets of a connection opened before the apply, by owner (so
only packets with a full socket), not logged and not counted as ``blocked``.

Drift: the chain listing (``iptables -S``) right after apply is recorded by the caller and
compared later; unlike nft, there is no exact desired form to compare with.
"""

from __future__ import annotations

import ipaddress
import shlex
import shutil
import subprocess
from collections.abc import Sequence

from spamtrace.errors import ExternalToolError, FirewallError, KernelFeatureUnavailable
from spamtrace.policy.firewall_plan import (
    LOG_PREFIX_BLOCK,
    LOG_PREFIX_REDIRECT,
    ROOT_UID,
    FirewallException,
    FirewallMode,
    FirewallPlan,
)
from spamtrace.safetext import quoted

FILTER_CHAIN = "SPAMTRACE_SMTP"
NAT_CHAIN = "SPAMTRACE_REDIR"
TOOLS = {4: "iptables", 6: "ip6tables"}


def _family_addrs(addresses: Sequence[str], family: int) -> list[str]:
    out = []
    for addr in addresses:
        net = ipaddress.ip_network(addr, strict=False)
        if net.version == family:
            out.append(str(net))
    return out


def _exception_rules(chain: str, exc: FirewallException, family: int) -> list[str]:
    if exc.host is not None and not exc.addresses:
        raise FirewallError(f"{exc.source}: host {quoted(exc.host)} not resolved")
    owner = []
    if exc.uid is not None:
        owner += ["--uid-owner", str(exc.uid)]
    if exc.gid is not None:
        owner += ["--gid-owner", str(exc.gid)]
    match = ["-m", "owner", *owner] if owner else []
    port = ["-p", "tcp", "--dport", str(exc.port)] if exc.port is not None else []
    comment = ["-m", "comment", "--comment", f"st:exception-{exc.index}"]
    if exc.addresses:
        dests = _family_addrs(exc.addresses, family)
        if not dests:
            return []  # this exception only names addresses of the other family
        return [
            " ".join(["-A", chain, "-d", d, *port, *match, *comment, "-j", "RETURN"]) for d in dests
        ]
    return [" ".join(["-A", chain, *port, *match, *comment, "-j", "RETURN"])]


def _allow_rules(chain: str, plan: FirewallPlan, family: int) -> list[str]:
    rules = [
        f"-A {chain} -o lo -m comment --comment st:local -j RETURN",
        f"-A {chain} -m owner --uid-owner {ROOT_UID} -m comment --comment st:root -j RETURN",
    ]
    dests: list[str | None] = [None]
    if plan.mode is FirewallMode.RELAY:
        dests = list(_family_addrs(plan.relay_addresses, family))
    for dest in dests:
        where = f" -d {dest}" if dest else ""
        for uid in plan.uid_set:
            rules.append(
                f"-A {chain}{where} -m owner --uid-owner {uid} -m comment --comment st:allow-uid"
                " -j RETURN"
            )
        for gid in plan.gid_set:
            rules.append(
                f"-A {chain}{where} -m owner --gid-owner {gid} -m comment --comment st:allow-gid"
                " -j RETURN"
            )
    for exc in plan.exceptions:
        rules.extend(_exception_rules(chain, exc, family))
    return rules


def restore_text(plan: FirewallPlan, family: int) -> dict[str, str]:
    """``iptables-restore --noflush`` input per table ("filter", and "nat" for redirect)."""
    log = f"--nflog-group {plan.nflog_group}"
    if plan.mode is FirewallMode.REDIRECT:
        lines = ["*nat", f":{NAT_CHAIN} - [0:0]", *_allow_rules(NAT_CHAIN, plan, family)]
        lines += [
            f"-A {NAT_CHAIN} -p tcp -j NFLOG {log} --nflog-prefix {LOG_PREFIX_REDIRECT}",
            f"-A {NAT_CHAIN} -p tcp -m comment --comment st:redirect -j REDIRECT "
            f"--to-ports {plan.redirect_port}",
            "COMMIT",
        ]
        return {"nat": "\n".join(lines) + "\n"}
    lines = ["*filter", f":{FILTER_CHAIN} - [0:0]", *_allow_rules(FILTER_CHAIN, plan, family)]
    lines += [
        f"-A {FILTER_CHAIN} -p tcp --syn -j NFLOG {log} --nflog-prefix {LOG_PREFIX_BLOCK}",
        f"-A {FILTER_CHAIN} -p tcp --syn -m comment --comment st:block -j REJECT "
        "--reject-with tcp-reset",
        # a connection opened before the apply: reset at its next packet (the owner match
        # needs a full socket, so kernel-sent TIME_WAIT packets pass as before)
        f"-A {FILTER_CHAIN} -p tcp -m owner --uid-owner 1-4294967294 -m comment --comment "
        "st:held -j REJECT --reject-with tcp-reset",
        "COMMIT",
    ]
    return {"filter": "\n".join(lines) + "\n"}


def jump_rule(plan: FirewallPlan) -> tuple[str, list[str]]:
    """(table, rule spec without -A/-I/-C/-D OUTPUT) of our jump from OUTPUT."""
    ports = ",".join(str(p) for p in plan.ports)
    if plan.mode is FirewallMode.REDIRECT:
        return "nat", ["-p", "tcp", "-m", "multiport", "--dports", ports, "-j", NAT_CHAIN]
    return "filter", ["-p", "tcp", "-m", "multiport", "--dports", ports, "-j", FILTER_CHAIN]


def apply_commands(plan: FirewallPlan, family: int) -> list[tuple[list[str], str | None]]:
    """The commands ``apply`` runs for one family: (argv, stdin). For unit tests and --dry-run."""
    if len(plan.ports) > 15:
        raise FirewallError("iptables multiport takes at most 15 ports; shorten smtp.ports")
    tool = TOOLS[family]
    cmds: list[tuple[list[str], str | None]] = []
    for table, text in restore_text(plan, family).items():
        cmds.append(([f"{tool}-restore", "-w", "--noflush", "-T", table], text))
    table, spec = jump_rule(plan)
    cmds.append(([tool, "-w", "-t", table, "-C", "OUTPUT", *spec], None))
    cmds.append(([tool, "-w", "-t", table, "-I", "OUTPUT", "1", *spec], None))
    return cmds


def remove_commands(family: int) -> list[list[str]]:
    tool = TOOLS[family]
    cmds = []
    for table, chain in (("filter", FILTER_CHAIN), ("nat", NAT_CHAIN)):
        cmds.append([tool, "-w", "-t", table, "-F", chain])
        cmds.append([tool, "-w", "-t", table, "-X", chain])
    return cmds


class IptablesBackend:
    name = "iptables"

    def __init__(self) -> None:
        missing = [
            t for t in (*TOOLS.values(), *(f"{t}-restore" for t in TOOLS.values()))
            if shutil.which(t) is None
        ]  # fmt: skip
        if missing:
            raise ExternalToolError(
                f"neither nft nor {', '.join(missing)} found in PATH: install nftables "
                "(preferred) or iptables"
            )

    @staticmethod
    def _run(argv: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                argv, input=stdin, text=True, capture_output=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ExternalToolError(f"cannot run {argv[0]}: {exc}") from None

    def apply(self, plan: FirewallPlan) -> None:
        for family in (4, 6):
            cmds = apply_commands(plan, family)
            restores, check, insert = cmds[:-2], cmds[-2], cmds[-1]
            for argv, stdin in restores:
                proc = self._run(argv, stdin)
                if proc.returncode != 0:
                    err = " ".join(proc.stderr.split())[:400]
                    if "owner" in err.lower() or "NFLOG" in err:
                        raise KernelFeatureUnavailable(
                            f"{argv[0]} failed; the kernel may lack the owner/NFLOG match: {err}"
                        )
                    raise FirewallError(f"{argv[0]} failed: {err}")
            if self._run(check[0]).returncode != 0:
                proc = self._run(insert[0])
                if proc.returncode != 0:
                    raise FirewallError(
                        f"{insert[0][0]}: cannot add the OUTPUT jump: "
                        f"{' '.join(proc.stderr.split())[:300]}"
                    )

    def _jumps(self, tool: str, table: str, chain: str) -> list[str]:
        proc = self._run([tool, "-w", "-t", table, "-S", "OUTPUT"])
        if proc.returncode != 0:
            return []
        return [
            line for line in proc.stdout.splitlines()
            if line.startswith("-A OUTPUT ") and line.split()[-1] == chain
        ]  # fmt: skip

    def listing(self) -> str | None:
        """Our chains and OUTPUT jumps as ``iptables -S`` lines, or None when not loaded."""
        parts = []
        for tool in TOOLS.values():
            for table, chain in (("filter", FILTER_CHAIN), ("nat", NAT_CHAIN)):
                proc = self._run([tool, "-w", "-t", table, "-S", chain])
                if proc.returncode == 0:
                    jumps = "".join(f"{j}\n" for j in self._jumps(tool, table, chain))
                    parts.append(f"# {tool} -t {table}\n{proc.stdout}{jumps}")
        return "".join(parts) or None

    def restore_listing(self, listing: str) -> None:
        """Load a :meth:`listing` back (rollback to the state before an apply)."""
        sections: dict[tuple[str, str], list[str]] = {}
        current: tuple[str, str] | None = None
        for line in listing.splitlines():
            if line.startswith("# "):
                words = line.split()
                current = (words[1], words[3])
                sections[current] = []
            elif current is not None and line.strip():
                sections[current].append(line)
        for (tool, table), lines in sections.items():
            chains = [ln.split()[1] for ln in lines if ln.startswith("-N ")]
            rules = [ln for ln in lines if ln.startswith("-A ") and not ln.startswith("-A OUTPUT")]
            text = "\n".join([f"*{table}", *(f":{c} - [0:0]" for c in chains), *rules, "COMMIT"])
            proc = self._run([f"{tool}-restore", "-w", "--noflush", "-T", table], text + "\n")
            if proc.returncode != 0:
                raise FirewallError(f"{tool}-restore (rollback) failed: {proc.stderr.strip()}")
            for ln in lines:
                if ln.startswith("-A OUTPUT "):
                    argv = shlex.split(ln)[2:]
                    self._run([tool, "-w", "-t", table, "-I", "OUTPUT", "1", *argv])

    def counters(self) -> dict[str, dict[str, int]]:
        total: dict[str, dict[str, int]] = {}
        for tool in TOOLS.values():
            for table, chain, target, name in (
                ("filter", FILTER_CHAIN, "REJECT", "blocked"),
                ("nat", NAT_CHAIN, "REDIRECT", "redirected"),
            ):
                proc = self._run([tool, "-w", "-t", table, "-L", chain, "-v", "-x", "-n"])
                if proc.returncode != 0:
                    continue
                for line in proc.stdout.splitlines()[2:]:
                    cols = line.split()
                    if (
                        len(cols) > 2 and cols[2] == target and cols[0].isdecimal()
                        and "st:held" not in line  # a held connection's reset: not a connect
                    ):  # fmt: skip
                        ctr = total.setdefault(name, {"packets": 0, "bytes": 0})
                        ctr["packets"] += int(cols[0])
                        ctr["bytes"] += int(cols[1])
        return total

    def remove(self, plan: FirewallPlan | None) -> bool:
        """Delete our OUTPUT jumps and our chains (plan unused: jumps are found by target)."""
        found = self.listing() is not None
        for family, tool in TOOLS.items():
            for table, chain in (("filter", FILTER_CHAIN), ("nat", NAT_CHAIN)):
                for line in self._jumps(tool, table, chain):
                    argv = shlex.split(line)[2:]
                    self._run([tool, "-w", "-t", table, "-D", "OUTPUT", *argv])
            for argv in remove_commands(family):
                self._run(argv)
        return found
