"""The ``inet spamtrace`` nftables table: rendered from a plan, applied atomically, checked.

Only our own table is ever touched: no ``flush ruleset``, no other table. A load is one
``nft -f`` transaction (checked first with ``nft -c -f``)::

    add table inet spamtrace      # so that the delete below works on the first load
    delete table inet spamtrace   # drop the old definition (and only ours)
    table inet spamtrace { ... }  # the full new definition

The kernel applies the file as a whole or not at all, so there is no moment without rules.

Drift: the loaded table (``nft -j list table inet spamtrace``) is compared with the desired
one. The desired JSON is obtained by loading the rendered text into a throw-away network
namespace (``unshare --net``), so both sides went through the same nft normalisation. Every
rule carries a ``comment "st:<id>"``; drift is reported per rule id (missing, changed,
unexpected, out of order) and per set. Counters are not drift.

Rendering is deterministic (sorted sets, fixed rule order) and golden-tested.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spamtrace.actions import uidblock
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

FAMILY = "inet"
TABLE = "spamtrace"
FILTER_CHAIN = "smtp_egress"
NAT_CHAIN = "smtp_redirect"
HEADER = (
    "# Managed by spamtrace (`spamtrace firewall apply`). Do not edit by hand:\n"
    "# `spamtrace firewall status` reports any change as drift and `apply` repairs it.\n"
)


# ------------------------------------------------------------------ rendering


def _split(addresses: Sequence[str]) -> tuple[list[str], list[str]]:
    v4: list[str] = []
    v6: list[str] = []
    for addr in addresses:
        net = ipaddress.ip_network(addr, strict=False)
        text = str(net.network_address) if net.prefixlen == net.max_prefixlen else str(net)
        (v4 if net.version == 4 else v6).append(text)
    return v4, v6


def _elements(values: Sequence[str | int]) -> str:
    return "{ " + ", ".join(str(v) for v in values) + " }"


def _set(name: str, type_: str, values: Sequence[str | int], interval: bool = False) -> list[str]:
    lines = [f"\tset {name} {{", f"\t\ttype {type_}"]
    if interval:
        lines.append("\t\tflags interval")
    if values:
        lines.append(f"\t\telements = {_elements(values)}")
    lines.append("\t}")
    return lines


def _exception_rules(exc: FirewallException) -> list[str]:
    if exc.host is not None and not exc.addresses:
        raise FirewallError(
            f"{exc.source}: host {quoted(exc.host)} was not resolved; "
            "refusing to render an exception that would match every destination"
        )
    match: list[str] = []
    if exc.uid is not None:
        match.append(f"meta skuid {exc.uid}")
    if exc.gid is not None:
        match.append(f"meta skgid {exc.gid}")
    tail = [f"tcp dport {exc.port}"] if exc.port is not None else []
    base = f"st:exception-{exc.index}"
    if not exc.addresses:
        return [" ".join([*match, *tail, "accept", f'comment "{base}"'])]
    rules = []
    v4, v6 = _split(exc.addresses)
    for proto, addrs, suffix in (("ip", v4, "v4"), ("ip6", v6, "v6")):
        if not addrs:
            continue
        daddr = f"{proto} daddr {addrs[0] if len(addrs) == 1 else _elements(addrs)}"
        rules.append(" ".join([*match, daddr, *tail, "accept", f'comment "{base}-{suffix}"']))
    return rules


def _allow_rules(plan: FirewallPlan) -> list[str]:
    rules = [
        'oifname "lo" accept comment "st:local"',
        'tcp dport != @smtp_ports accept comment "st:not-smtp"',
        f'meta skuid {ROOT_UID} accept comment "st:root"',
    ]
    if plan.mode is FirewallMode.RELAY:
        for proto, suffix in (("ip", "v4"), ("ip6", "v6")):
            rules.append(
                f"{proto} daddr @relays_{suffix} meta skuid @allow_uids accept "
                f'comment "st:relay-uids-{suffix}"'
            )
            rules.append(
                f"{proto} daddr @relays_{suffix} meta skgid @allow_gids accept "
                f'comment "st:relay-gids-{suffix}"'
            )
    else:
        rules.append('meta skuid @allow_uids accept comment "st:allow-uids"')
        rules.append('meta skgid @allow_gids accept comment "st:allow-gids"')
    for exc in plan.exceptions:
        rules.extend(_exception_rules(exc))
    return rules


def counter_name(plan: FirewallPlan) -> str:
    return "redirected" if plan.mode is FirewallMode.REDIRECT else "blocked"


def render(plan: FirewallPlan) -> str:
    """The ``table inet spamtrace`` definition for a plan (deterministic)."""
    lines = [HEADER.rstrip("\n"), f"table {FAMILY} {TABLE} {{"]
    lines.append(f'\tcomment "spamtrace: only the MTA may speak SMTP (mode {plan.mode.value})"')
    lines += [f"\tcounter {counter_name(plan)} {{", "\t}"]
    lines += _set("smtp_ports", "inet_service", list(plan.ports))
    lines += _set("allow_uids", "uid", list(plan.uid_set))
    lines += _set("allow_gids", "gid", list(plan.gid_set))
    if plan.mode is FirewallMode.RELAY:
        v4, v6 = _split(plan.relay_addresses)
        lines += _set("relays_v4", "ipv4_addr", v4, interval=True)
        lines += _set("relays_v6", "ipv6_addr", v6, interval=True)
    lines += uidblock.render_parts(plan.ports, plan.nflog_group)
    log = f'log group {plan.nflog_group} prefix "{{prefix}}"'
    if plan.mode is FirewallMode.REDIRECT:
        lines += [
            f"\tchain {NAT_CHAIN} {{",
            "\t\ttype nat hook output priority -100; policy accept;",
        ]
        lines += [f"\t\t{rule}" for rule in _allow_rules(plan)]
        lines.append(
            f'\t\ttcp dport @smtp_ports counter name "redirected" '
            f"{log.format(prefix=LOG_PREFIX_REDIRECT)} redirect to :{plan.redirect_port} "
            'comment "st:redirect"'
        )
        lines.append("\t}")
    else:
        lines += [
            f"\tchain {FILTER_CHAIN} {{",
            "\t\ttype filter hook output priority filter; policy accept;",
        ]
        lines += [f"\t\t{rule}" for rule in _allow_rules(plan)]
        lines.append(
            '\t\ttcp flags & (syn | ack) == syn counter name "blocked" '
            f"{log.format(prefix=LOG_PREFIX_BLOCK)} reject with tcp reset "
            'comment "st:block"'
        )
        # A connection opened before the policy was loaded (a mailer that sends every message
        # over one kept connection made its only connect then): reset at its next packet.
        # "skuid != 0" asks for a socket owner: kernel-sent packets without a full socket
        # (TIME_WAIT ACK/RST) carry none, do not match, and pass as before.
        lines.append('\t\tmeta skuid != 0 counter reject with tcp reset comment "st:held"')
        lines.append("\t}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def transaction(table_text: str) -> str:
    """One atomic file: create-if-missing, delete, define (touches only our table)."""
    return f"add table {FAMILY} {TABLE}\ndelete table {FAMILY} {TABLE}\n{table_text}"


def removal() -> str:
    """An atomic file that removes our table whether or not it exists."""
    return f"add table {FAMILY} {TABLE}\ndelete table {FAMILY} {TABLE}\n"


# ------------------------------------------------------------------ drift


@dataclass(frozen=True, slots=True)
class NormalTable:
    chains: dict[str, dict[str, Any]]
    sets: dict[str, dict[str, Any]]
    counters: dict[str, dict[str, int]]  # name -> {"packets": n, "bytes": n}
    rules: dict[str, list[tuple[str, str, int | None]]]  # chain -> [(id, expr json, handle)]


def _strip_counters(value: Any) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, sub in value.items():
            if key == "counter" and isinstance(sub, dict) and "packets" in sub:
                out[key] = None
            else:
                out[key] = _strip_counters(sub)
        return out
    if isinstance(value, list):
        return [_strip_counters(v) for v in value]
    return value


def normalize(document: dict[str, Any]) -> NormalTable:
    """Reduce ``nft -j list table`` output to what defines behaviour (no handles/counts)."""
    chains: dict[str, dict[str, Any]] = {}
    sets: dict[str, dict[str, Any]] = {}
    counters: dict[str, dict[str, int]] = {}
    rules: dict[str, list[tuple[str, str, int | None]]] = {}
    for obj in document.get("nftables", []):
        if not isinstance(obj, dict):
            continue
        if "chain" in obj:
            chain = obj["chain"]
            chains[chain["name"]] = {
                k: v for k, v in chain.items() if k not in ("handle", "family", "table")
            }
            rules.setdefault(chain["name"], [])
        elif "set" in obj:
            st = obj["set"]
            body = {k: v for k, v in st.items() if k not in ("handle", "family", "table")}
            if st["name"] == uidblock.SET:
                body.pop("elem", None)  # blocks come and go (`spamtrace release`): not drift
            if "elem" in body:
                body["elem"] = sorted(json.dumps(e, sort_keys=True) for e in body["elem"])
            sets[st["name"]] = body
        elif "counter" in obj:
            ctr = obj["counter"]
            counters[ctr["name"]] = {
                "packets": int(ctr.get("packets", 0)),
                "bytes": int(ctr.get("bytes", 0)),
            }
        elif "rule" in obj:
            rule = obj["rule"]
            expr = json.dumps(_strip_counters(rule.get("expr", [])), sort_keys=True)
            handle = rule.get("handle")
            rid = rule.get("comment") or f"handle {handle}"
            rules.setdefault(rule["chain"], []).append((rid, expr, handle))
    return NormalTable(chains=chains, sets=sets, counters=counters, rules=rules)


def diff(loaded: NormalTable, desired: NormalTable) -> list[str]:
    """Human lines for every difference that changes behaviour (empty: in sync)."""
    out: list[str] = []
    for name in sorted(set(desired.chains) | set(loaded.chains)):
        if name not in loaded.chains:
            out.append(f"chain {name} is missing")
            continue
        if name not in desired.chains:
            out.append(f"unexpected chain {name}")
            continue
        if loaded.chains[name] != desired.chains[name]:
            out.append(f"chain {name}: hook/type/priority/policy changed")
        want = desired.rules.get(name, [])
        have = loaded.rules.get(name, [])
        want_ids = {rid: expr for rid, expr, _ in want}
        have_ids = {rid: expr for rid, expr, _ in have}
        for rid, expr in want_ids.items():
            if rid not in have_ids:
                out.append(f"chain {name}: rule {rid} is missing")
            elif have_ids[rid] != expr:
                out.append(f"chain {name}: rule {rid} was changed")
        for rid, _expr, handle in have:
            if rid not in want_ids:
                what = rid if rid == f"handle {handle}" else f"{rid}, handle {handle}"
                out.append(f"chain {name}: unexpected rule ({what})")
        # a hand-made copy of one of our rules (same comment, e.g. `accept comment "st:local"`
        # inserted first) hides behind the dict above: name it, with every handle
        for rid in want_ids:
            handles = [str(handle) for r, _, handle in have if r == rid]
            if len(handles) > 1:
                out.append(
                    f"chain {name}: rule {rid} appears {len(handles)} times "
                    f"(handles {', '.join(handles)})"
                )
        common_want = [rid for rid, _, _ in want if rid in have_ids]
        common_have = [rid for rid, _, _ in have if rid in want_ids]
        if common_want != common_have:
            out.append(f"chain {name}: rules are out of order")
    for name in sorted(set(desired.sets) | set(loaded.sets)):
        if name not in loaded.sets:
            out.append(f"set {name} is missing")
        elif name not in desired.sets:
            out.append(f"unexpected set {name}")
        elif loaded.sets[name] != desired.sets[name]:
            have = loaded.sets[name].get("elem", [])
            want = desired.sets[name].get("elem", [])
            if have != want:
                extra = sorted(set(have) - set(want))
                missing = sorted(set(want) - set(have))
                out.append(
                    f"set {name}: elements differ (missing {', '.join(missing) or 'none'}; "
                    f"unexpected {', '.join(extra) or 'none'})"
                )
            else:
                out.append(f"set {name}: type or flags changed")
    for name in sorted(set(desired.counters) - set(loaded.counters)):
        out.append(f"counter {name} is missing")
    return out


# ------------------------------------------------------------------ running nft


def find_nft() -> str | None:
    return shutil.which("nft")


class NftBackend:
    """Runs the ``nft`` binary; every call touches ``table inet spamtrace`` only."""

    name = "nft"

    def __init__(self, nft: str | None = None) -> None:
        path = nft or find_nft()
        if path is None:
            raise ExternalToolError("nft not found in PATH (install the nftables package)")
        self.nft = path

    def _run(
        self, args: Sequence[str], *, stdin: str | None = None, timeout: float = 30
    ) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [self.nft, *args],
                input=stdin,
                text=True,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except OSError as exc:
            raise ExternalToolError(f"cannot run {self.nft}: {exc.strerror or exc}") from None
        except subprocess.TimeoutExpired:
            raise ExternalToolError(f"{self.nft} {' '.join(args)} timed out") from None

    def _file_op(self, check_only: bool, text: str) -> None:
        with tempfile.NamedTemporaryFile("w", prefix="spamtrace-", suffix=".nft") as fh:
            fh.write(text)
            fh.flush()
            args = ["-c", "-f", fh.name] if check_only else ["-f", fh.name]
            proc = self._run(args)
        if proc.returncode != 0:
            raise _nft_error("check" if check_only else "load", proc.stderr)

    def check(self, text: str) -> None:
        self._file_op(True, text)

    def load(self, text: str) -> None:
        """Check, then load, one transaction file."""
        self._file_op(True, text)
        self._file_op(False, text)

    def list_json(self) -> dict[str, Any] | None:
        """Our table as nft JSON, or None when it is not loaded."""
        proc = self._run(["-j", "list", "table", FAMILY, TABLE])
        if proc.returncode != 0:
            if _no_table(proc.stderr):
                return None
            raise _nft_error("list", proc.stderr)
        try:
            doc: dict[str, Any] = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise ExternalToolError("nft -j list returned invalid JSON") from None
        return doc

    def list_text(self) -> str | None:
        proc = self._run(["list", "table", FAMILY, TABLE])
        if proc.returncode != 0:
            if _no_table(proc.stderr):
                return None
            raise _nft_error("list", proc.stderr)
        return proc.stdout

    def exists(self) -> bool:
        return self.list_text() is not None

    def remove(self) -> bool:
        """Delete our table; False when it was not loaded. Nothing else is touched.

        Live uid blocks (``spamtrace release`` undoes them) stay: the table is then replaced
        by one that holds only their set and chain."""
        doc = self.list_json()
        if doc is None:
            return False
        blocked = uidblock.parse_elements(doc)
        if blocked:
            ports, group = _uid_block_settings(doc)
            self.load(removal() + uidblock.ensure_text(ports, group)
                      + uidblock.elements_text(blocked))  # fmt: skip
            return True
        proc = self._run(["delete", "table", FAMILY, TABLE])
        if proc.returncode != 0:
            raise _nft_error("delete", proc.stderr)
        return True

    def desired_json(self, table_text: str) -> dict[str, Any]:
        """The JSON nft would list for ``table_text``: loaded in a throw-away netns."""
        unshare = shutil.which("unshare")
        if unshare is None:
            raise ExternalToolError("unshare not found (util-linux); cannot compute drift")
        with tempfile.NamedTemporaryFile("w", prefix="spamtrace-", suffix=".nft") as fh:
            fh.write(table_text)
            fh.flush()
            script = '"$1" -f "$2" && "$1" -j list table "$3" "$4"'
            try:
                proc = subprocess.run(
                    [
                        unshare,
                        "--net",
                        "--",
                        "sh",
                        "-c",
                        script,
                        "sh",
                        self.nft,
                        fh.name,
                        FAMILY,
                        TABLE,
                    ],
                    text=True,
                    capture_output=True,
                    timeout=30,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise ExternalToolError(f"cannot run unshare: {exc}") from None
        if proc.returncode != 0:  # nft's reason, its line and its caret line, as one line
            reason = " ".join(proc.stderr.replace(fh.name, "the table").split())[:400]
            raise ExternalToolError(
                "cannot compute the desired table in a scratch netns: "
                + (reason or "unknown error")
            )
        doc: dict[str, Any] = json.loads(proc.stdout)
        return doc


def _uid_block_settings(doc: dict[str, Any]) -> tuple[list[int], int]:
    """The ports and NFLOG group of the loaded uid-block rule (defaults when unreadable)."""
    from spamtrace.model import DEFAULT_SMTP_PORTS

    ports, group = list(DEFAULT_SMTP_PORTS), 2525
    for obj in doc.get("nftables", []):
        rule = obj.get("rule") if isinstance(obj, dict) else None
        if not isinstance(rule, dict) or rule.get("chain") != uidblock.CHAIN:
            continue
        for expr in rule.get("expr", []):
            match = expr.get("match") if isinstance(expr, dict) else None
            right = match.get("right") if isinstance(match, dict) else None
            if isinstance(right, dict) and isinstance(right.get("set"), list):
                found = [v for v in right["set"] if isinstance(v, int)]
                if found:
                    ports = found
            log = expr.get("log") if isinstance(expr, dict) else None
            if isinstance(log, dict) and isinstance(log.get("group"), int):
                group = log["group"]
    return ports, group


_NO_TABLE = re.compile(r"No such file or directory|does not exist", re.I)


def _no_table(stderr: str) -> bool:
    return bool(_NO_TABLE.search(stderr))


def _nft_error(what: str, stderr: str) -> FirewallError | KernelFeatureUnavailable:
    text = " ".join(stderr.strip().split())[:400] or "no message"
    low = stderr.lower()
    if "operation not permitted" in low:
        return FirewallError(f"nft {what}: permission denied (run as root): {text}")
    if any(word in low for word in ("skuid", "skgid", "not supported", "could not process rule")):
        return KernelFeatureUnavailable(
            f"nft {what} failed; this kernel may lack a needed feature "
            f"(meta skuid/skgid owner match, nat, reject, log group): {text}"
        )
    return FirewallError(f"nft {what} failed: {text}")


def rule_texts(table_text: str) -> dict[str, str]:
    """rule id (comment) -> its text, from a rendered or listed table (for messages)."""
    out: dict[str, str] = {}
    for line in table_text.splitlines():
        m = re.search(r'comment "(st:[^"]+)"', line)
        if m:
            out[m.group(1)] = line.strip()
    return out


def counters_from(document: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    if document is None:
        return {}
    return normalize(document).counters
