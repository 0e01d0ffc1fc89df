"""sshd checks: can hosting users open TCP forwards (``ssh -L 2525:mx:25``) through sshd?

A forward makes sshd itself, running as the user, open the port-25 connection: PHP limits and
the MTA never see it. The effective value comes from ``sshd -T``; ``Match`` blocks are applied
only when ``-C user=…,host=…,addr=…`` is given, so every hosting user is evaluated on their own
when the configuration has ``Match`` blocks. The configuration files are also read here (with
``Include`` and ``Match``) to point at the lines responsible, and to judge from the files when
``sshd -T`` itself fails.

Finding ids: ``sshd.tcp-forwarding`` (fixable), ``sshd.gateway-ports``,
``sshd.permit-tunnel``, ``sshd.stream-local-forwarding``.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import grp
import os
import pwd
import re
import shlex
import signal
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from spamtrace.audit.environment import AuditEnv, CommandResult
from spamtrace.audit.finding import Finding, FixAction, FixOutcome, Status
from spamtrace.config import Config
from spamtrace.safetext import escape, escape_message, truncate

DEFAULT_SSHD_CONFIG = "/etc/ssh/sshd_config"
SSHD_DIR = "/etc/ssh"
#: the client a per-user ``sshd -T -C`` pretends to be: an address "from anywhere" (TEST-NET-2)
PROBE_HOST = "198.51.100.7"
PROBE_ADDR = "198.51.100.7"
#: at most this many more clients, taken from ``Match Address``/``Match Host`` patterns
MAX_EXTRA_PROBES = 4
#: shells that do not give an interactive login (``ssh -N -L`` still works with them)
NO_LOGIN_SHELLS = frozenset({"nologin", "false", "sync", "halt", "shutdown", ""})
MAX_LISTED_USERS = 20
FIX_MARK = "spamtrace audit --fix"

_ERR_RE = re.compile(r"^(?P<file>.+?):? line (?P<line>\d+): (?P<msg>.+)$")


# --------------------------------------------------------------------------- parsing (pure)
#: keywords that ``sshd -T`` prints once per entry; their values are joined with spaces
_MULTI = frozenset({"allowusers", "denyusers", "allowgroups", "denygroups"})


def parse_sshd_t(text: str) -> dict[str, str]:
    """``sshd -T`` output -> {keyword: value}; the first line of a repeated keyword wins,
    except for the access lists (AllowUsers...), whose lines are joined."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        key, _, value = line.partition(" ")
        key = key.lower()
        if key in _MULTI and key in out:
            out[key] = f"{out[key]} {value.strip()}"
        else:
            out.setdefault(key, value.strip())
    return out


def may_log_in(values: Mapping[str, str], user: HostingUser) -> tuple[bool, str]:
    """Do AllowUsers/DenyUsers/AllowGroups/DenyGroups let ``user`` log in at all?

    ``user@host`` patterns are taken as "may match" (the client address is unknown), so a
    user is only excluded when the lists exclude them from everywhere."""

    def user_hits(patterns: str, deny: bool) -> bool:
        for pat in patterns.split():
            name, _, host = pat.partition("@")
            if host and deny:
                continue  # denied only from some hosts: may still log in from others
            if fnmatch.fnmatchcase(user.name, name):
                return True
        return False

    def group_hits(patterns: str) -> bool:
        return any(fnmatch.fnmatchcase(g, p) for p in patterns.split() for g in user.groups)

    deny_u, allow_u = values.get("denyusers", ""), values.get("allowusers", "")
    deny_g, allow_g = values.get("denygroups", ""), values.get("allowgroups", "")
    if deny_u and user_hits(deny_u, True):
        return False, "DenyUsers"
    if allow_u and not user_hits(allow_u, False):
        return False, "not in AllowUsers"
    if deny_g and group_hits(deny_g):
        return False, "DenyGroups"
    if allow_g and not group_hits(allow_g):
        return False, "not in AllowGroups"
    return True, ""


def parse_sshd_error(text: str) -> tuple[str, int, str] | None:
    """The ``FILE: line N: message`` sshd prints for a bad config, if there is one."""
    for raw in text.splitlines():
        m = _ERR_RE.match(raw.strip())
        if m:
            return m.group("file"), int(m.group("line")), m.group("msg")
    return None


@dataclass(frozen=True, slots=True)
class SshdDirective:
    """One ``Keyword value`` line of an sshd config file."""

    path: str
    line: int
    keyword: str  # lower case
    value: str
    text: str  # the line as written (unescaped)
    match: str | None  # the enclosing ``Match`` criteria, None when global

    def where(self) -> str:
        return f"{escape(self.path)}:{self.line}"


@dataclass(frozen=True, slots=True)
class ParsedSshdConfig:
    directives: tuple[SshdDirective, ...]
    files: tuple[str, ...]
    problems: tuple[str, ...]  # escaped "file:line: what" lines

    @property
    def has_match(self) -> bool:
        return any(d.keyword == "match" for d in self.directives)

    def first_global(self, keyword: str) -> SshdDirective | None:
        """The global directive that sshd applies (the first one wins)."""
        return next((d for d in self.directives if d.keyword == keyword and d.match is None), None)

    def all_of(self, keyword: str) -> list[SshdDirective]:
        return [d for d in self.directives if d.keyword == keyword]


def _split_directive(line: str) -> tuple[str, str] | None:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    m = re.match(r"^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$", stripped)
    if not m:
        return (stripped, "") if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", stripped) else ("", "")
    value = m.group(2)
    if " #" in value:  # trailing comment (sshd strips these as well)
        value = value.split(" #", 1)[0]
    return m.group(1), _unquote(value.strip())


def _unquote(value: str) -> str:
    """One argument in double quotes (``AllowTcpForwarding "yes"``) as sshd reads it."""
    if len(value) >= 2 and value[0] == value[-1] == '"' and '"' not in value[1:-1]:
        return value[1:-1]
    return value


def parse_sshd_config(
    main: str,
    read: Callable[[str], str | None],
    glob: Callable[[str], list[str]],
    max_depth: int = 16,
) -> ParsedSshdConfig:
    """Read ``main`` and its ``Include``s in sshd's order, tracking ``Match`` blocks.

    A ``Match`` in an included file ends at the end of that file (OpenSSH behaviour); an
    ``Include`` inside a ``Match`` puts the included lines in that block.
    """
    directives: list[SshdDirective] = []
    files: list[str] = []
    problems: list[str] = []
    within: list[str] = []  # the files being read, outermost first

    def problem(text: str) -> None:
        if text not in problems:  # a file included from many places: said once
            problems.append(text)

    def visit(path: str, outer_match: str | None, depth: int) -> None:
        if path in within:
            # sshd refuses it ("Too many recursive configuration includes"); followed, the
            # loop read the same lines again until max_depth (17 times each in the evidence)
            chain = " -> ".join(escape(p) for p in [*within[within.index(path) :], path])
            problem(f"Include loop: {chain} (sshd refuses such a config)")
            return
        text = read(path)
        if text is None:
            problem(f"{escape(path)}: cannot read")
            return
        if path not in files:  # a file included twice is one file
            files.append(path)
        within.append(path)
        read_lines(path, text, outer_match, depth)
        within.pop()

    def read_lines(path: str, text: str, outer_match: str | None, depth: int) -> None:
        match = outer_match
        for n, raw in enumerate(text.split("\n"), 1):
            parsed = _split_directive(raw)
            if parsed is None:
                continue
            key, value = parsed
            if not key:
                problem(f"{escape(path)}:{n}: cannot parse: {escape(raw.strip(), 200)}")
                continue
            kw = key.lower()
            if kw == "match":
                # "Match all" is still a Match block: it overrides global values for everyone
                directives.append(SshdDirective(path, n, kw, value, raw, outer_match))
                match = value
                continue
            directives.append(SshdDirective(path, n, kw, value, raw, match))
            if kw == "include":
                if depth >= max_depth:
                    problem(f"{escape(path)}:{n}: Include nested too deeply")
                    continue
                try:
                    patterns = shlex.split(value)
                except ValueError:
                    problem(f"{escape(path)}:{n}: cannot parse: {escape(raw.strip())}")
                    continue
                for pat in patterns:
                    full = pat if pat.startswith("/") else f"{SSHD_DIR}/{pat}"
                    hits = glob(full) if any(c in full for c in "*?[") else [full]
                    for hit in hits:
                        visit(hit, match, depth + 1)

    visit(main, None, 0)
    return ParsedSshdConfig(tuple(directives), tuple(files), tuple(problems))


# --------------------------------------------------------------------------- snapshot
@dataclass(frozen=True, slots=True)
class HostingUser:
    name: str
    uid: int
    shell: str
    groups: tuple[str, ...] = ()  # primary and supplementary group names

    @property
    def login_shell(self) -> bool:
        return os.path.basename(self.shell) not in NO_LOGIN_SHELLS


@dataclass(frozen=True, slots=True)
class UserEffective:
    user: HostingUser
    values: Mapping[str, str] | None
    error: str = ""  # escaped, when ``sshd -T -C`` failed for this user
    #: the client these values are for, when not the default one ("addr 10.0.0.1")
    client: str = ""


def _client_in_address_pattern(pattern: str) -> str | None:
    """One address that ``Match Address PATTERN`` matches (CIDR or ``*``/``?`` wildcards)."""
    import ipaddress

    try:
        if "/" in pattern:
            net = ipaddress.ip_network(pattern, strict=False)
            return str(net.network_address + 1 if net.num_addresses > 2 else net.network_address)
        return str(ipaddress.ip_address(pattern.replace("*", "1").replace("?", "1")))
    except ValueError:
        return None


def probe_clients(parsed: ParsedSshdConfig) -> tuple[tuple[str, str], ...]:
    """(host, addr) clients for ``sshd -T -C``: the default one "from anywhere" first, then
    one client inside each positive ``Address`` and ``Host`` pattern of the ``Match`` lines
    (a block that re-enables forwarding for a network must not go unseen)."""
    out: list[tuple[str, str]] = [(PROBE_HOST, PROBE_ADDR)]
    for d in parsed.all_of("match"):
        words = d.value.replace("=", " ").split()
        for criterion, patterns in zip(words[::2], words[1::2], strict=False):
            for pattern in patterns.split(","):
                if not pattern or pattern.startswith("!"):
                    continue
                if criterion.lower() == "address":
                    addr = _client_in_address_pattern(pattern)
                    client = (addr, addr) if addr else None
                elif criterion.lower() == "host":
                    host = pattern.replace("*", "probe").replace("?", "x")
                    client = (host, PROBE_ADDR)
                else:
                    continue
                if client is not None and client not in out:
                    out.append(client)
    return tuple(out[: 1 + MAX_EXTRA_PROBES])


#: Match criteria whose outcome does not depend on the user (``all`` stands alone)
_USER_FREE_CRITERIA = frozenset({"host", "address", "localaddress", "localport", "rdomain"})


def _openssh_pattern(pattern: str) -> re.Pattern[str]:
    """OpenSSH's ``match_pattern``: ``*`` and ``?`` are wildcards, everything else literal."""
    return re.compile("".join(
        ".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern
    ), re.DOTALL)  # fmt: skip


def match_profile(parsed: ParsedSshdConfig) -> Callable[[HostingUser], object] | None:
    """A key of what the ``Match User`` / ``Match Group`` lines can see of a user: whether
    the name, and each of the groups, matches each of their patterns (negated or not, case
    as written and lowered). Two users with the same key get the same ``sshd -T -C`` answer
    from the same client, whatever way sshd combines those matches. None when the Match
    lines cannot be read with certainty (a problem in the files, quotes, a criterion not
    known to depend on the user alone): then every user is asked about."""
    if parsed.problems:
        return None
    names: list[re.Pattern[str]] = []
    groups: list[re.Pattern[str]] = []
    for d in parsed.all_of("match"):
        if '"' in d.value or "'" in d.value:
            return None
        words = d.value.replace("=", " ").split()
        if [w.lower() for w in words] == ["all"]:
            continue
        if len(words) % 2:
            return None
        for criterion, patterns in zip(words[::2], words[1::2], strict=True):
            kind = criterion.lower()
            if kind in _USER_FREE_CRITERIA:
                continue
            if kind not in ("user", "group"):
                return None
            found = [_openssh_pattern(p.removeprefix("!")) for p in patterns.split(",")]
            (names if kind == "user" else groups).extend(found)

    def key(u: HostingUser) -> object:
        def hits(text: str, rxs: list[re.Pattern[str]]) -> tuple[bool, ...]:
            low = text.lower()
            return tuple(bool(rx.fullmatch(t)) for rx in rxs for t in (text, low))

        return hits(u.name, names), frozenset(hits(g, groups) for g in u.groups)

    return key


def local_specs(parsed: ParsedSshdConfig) -> tuple[str, ...]:
    """The server side of a connection for ``sshd -T -C`` (``lport=22,laddr=...``), when a
    ``Match`` line tests it (``LocalPort``, ``LocalAddress``): sshd evaluates such a config
    only when told them, even ``sshd -T`` alone ("'Match LocalPort' in configuration but
    'lport' not in connection test specification"). One spec per port the server listens on
    (``Port``, ``ListenAddress host:port``; 22 by default: a ``Match LocalPort`` of another
    port is never matched), each with the listen addresses and one inside each ``Match
    LocalAddress`` pattern (0.0.0.0 when none is named); the first port and address first.
    () when no Match line needs them."""
    criteria = [
        (c.lower(), pats)
        for d in parsed.all_of("match")
        for c, pats in zip(*(iter(d.value.replace("=", " ").split()),) * 2, strict=False)
    ]
    if not any(c in ("localport", "localaddress") for c, _ in criteria):
        return ()
    ports = [d.value for d in parsed.directives if d.keyword == "port" and d.match is None]
    listen = [d.value for d in parsed.directives
              if d.keyword == "listenaddress" and d.match is None]  # fmt: skip
    addrs: list[str] = []
    for value in listen:
        addr, port = _listen_address(value)
        addrs.append(addr)
        if port:
            ports.append(port)
    for c, pats in criteria:  # a LocalPort that sshd does not listen on is never matched
        for pat in pats.split(","):
            if c == "localaddress" and pat and not pat.startswith("!"):
                inside = _client_in_address_pattern(pat)
                if inside is not None:
                    addrs.append(inside)
    ports = list(dict.fromkeys(p for p in ports if p.isdecimal())) or ["22"]
    addrs = list(dict.fromkeys(addrs)) or ["0.0.0.0"]
    specs = [f"lport={p},laddr={a}" for p in ports for a in addrs]
    return tuple(specs[: 1 + MAX_EXTRA_PROBES])


def _server_end(spec: str) -> str:
    """``lport=2222,laddr=10.0.0.1`` as ``port 2222 at 10.0.0.1`` (for the report)."""
    return spec.replace("lport=", "port ").replace(",laddr=", " at ")


def _listen_address(value: str) -> tuple[str, str | None]:
    """(address, port or None) of a ``ListenAddress`` value: ``0.0.0.0``, ``0.0.0.0:2222``,
    ``[::1]:2222``, ``::``, each maybe followed by ``rdomain NAME``."""
    word = value.split()[0] if value.split() else ""
    if word.startswith("["):
        addr, _, rest = word[1:].partition("]")
        return addr, rest[1:] if rest.startswith(":") else None
    if word.count(":") == 1:
        addr, _, port = word.partition(":")
        return addr, port
    return word, None


@dataclass(frozen=True, slots=True)
class SshdSnapshot:
    binary: str | None  # None: sshd is not installed
    config_path: str
    config_exists: bool
    command: str  # the ``sshd -T`` command line, escaped
    values: Mapping[str, str] | None  # global ``sshd -T`` (no -C), None when it failed
    error: str  # escaped description of the failure
    error_location: tuple[str, int, str] | None
    parsed: ParsedSshdConfig
    users: tuple[HostingUser, ...]
    per_user: tuple[UserEffective, ...]
    per_user_note: str  # why per-user evaluation was or was not done
    smtp_ports: tuple[int, ...] = field(default=(25, 465, 587, 2525))


# --------------------------------------------------------------------------- judging (pure)
def _local_forwarding(values: Mapping[str, str], smtp_ports: Sequence[int]) -> tuple[bool, str]:
    """Can a session with these effective values open ``ssh -L``/``-D`` forwards to SMTP?
    The reason quotes the values escaped (from the files, when ``sshd -T`` refused them)."""
    if values.get("disableforwarding", "no").lower() == "yes":
        return False, "disableforwarding yes"
    atf = values.get("allowtcpforwarding", "yes").lower()
    if atf in ("no", "remote"):
        return False, f"allowtcpforwarding {atf}"
    atf = escape(atf)
    permit = values.get("permitopen", "any").strip()
    if permit.lower() == "none":
        return False, f"allowtcpforwarding {atf}, permitopen none"
    if permit.lower() != "any":
        reach = [e for e in permit.split() if _permitopen_reaches_smtp(e, smtp_ports)]
        if not reach:
            return False, f"allowtcpforwarding {atf}, permitopen {escape(permit)} (no SMTP port)"
        return True, f"allowtcpforwarding {atf}, permitopen {escape(permit)}"
    return True, f"allowtcpforwarding {atf}, permitopen any"


def _permitopen_reaches_smtp(entry: str, smtp_ports: Sequence[int]) -> bool:
    port = entry.rsplit(":", 1)[-1] if ":" in entry else "*"
    if port == "*":
        return True
    return port.isdecimal() and int(port) in smtp_ports


def _static_values(parsed: ParsedSshdConfig) -> dict[str, str]:
    out: dict[str, str] = {}
    for kw in (
        "allowtcpforwarding",
        "disableforwarding",
        "permitopen",
        "gatewayports",
        "permittunnel",
        "allowstreamlocalforwarding",
    ):
        d = parsed.first_global(kw)
        if d is not None:
            out[kw] = d.value.split()[0].lower() if kw != "permitopen" else d.value
    return out


def _describe(values: Mapping[str, str]) -> str:
    keys = ("allowtcpforwarding", "disableforwarding", "permitopen")
    return ", ".join(f"{k} {escape(values.get(k, '(default)'))}" for k in keys)


def _directive_lines(parsed: ParsedSshdConfig, keywords: Sequence[str]) -> list[str]:
    out = []
    for d in parsed.directives:
        if d.keyword in keywords:
            scope = f" (in Match {escape(d.match)})" if d.match is not None else ""
            out.append(f"{d.where()}: {escape(d.text.strip(), 200)}{scope}")
    return out


def _user_label(u: HostingUser) -> str:
    shell = "login shell" if u.login_shell else "no login shell, `ssh -N` still works"
    return f"{escape(u.name)} (uid {u.uid}, {escape(u.shell or '-')}: {shell})"


TCP_WHY = (
    "A hosting user who can log in over SSH (a key or password, even with a nologin shell) can "
    "run `ssh -N -L 2525:mx.example.com:25 user@this-server`: sshd itself, running as that "
    "user, then opens the port-25 connection. PHP limits, mail() logging and the MTA never see "
    "that mail, and the traffic looks like sshd's. `AllowTcpForwarding no` stops it (the "
    "client gets 'administratively prohibited')."
)


def _tcp_fix(snap: SshdSnapshot) -> str:
    cfg = escape(snap.config_path)
    reenabling = [
        d.where()
        for d in snap.parsed.all_of("allowtcpforwarding")
        if d.match is not None and d.value.split()[:1] and d.value.split()[0].lower() != "no"
    ]
    steps = (
        f"Put `AllowTcpForwarding no` at the top of {cfg} (global settings: the first one wins, "
        "so before any Include)"
    )
    if reenabling:
        steps += (
            "; remove `AllowTcpForwarding yes|all|local` from the Match blocks that re-enable "
            f"it ({', '.join(reenabling)})"
        )
    # the config audited, when it is not sshd's default: the commands to paste name it (they
    # tested and repaired /etc/ssh/sshd_config, not the file this finding is about)
    named = ""
    if snap.config_path != DEFAULT_SSHD_CONFIG:
        import shlex

        named = escape(shlex.quote(snap.config_path))
    steps += (
        f"; then `sshd -t{f' -f {named}' if named else ''}` and reload sshd (`systemctl reload "
        "ssh` or `kill -HUP $(cat /run/sshd.pid)`). Or run `spamtrace audit --only "
        f"sshd.tcp-forwarding --fix{f' --sshd-config {named}' if named else ''}` (backs up, "
        "validates with sshd -t, reloads, verifies, rolls back on error). An admin account that "
        "needs forwarding can get it back in a `Match User <admin>` block with `PermitOpen` "
        "limited to the hosts it needs."
    )
    return steps


def judge(snap: SshdSnapshot, cfg: Config) -> list[Finding]:
    ports = tuple(cfg.smtp.ports)
    if snap.binary is None:
        reason = "sshd is not installed (no sshd binary found)"
        return [
            Finding(i, Status.SKIPPED, f"{i}: not checked", (reason,), "", "")
            for i in SshdCheck.ids
        ]
    if not snap.config_exists and snap.values is None:
        reason = f"{escape(snap.config_path)} does not exist and `sshd -T` failed: {snap.error}"
        return [
            Finding(i, Status.SKIPPED, f"{i}: not checked", (reason,), "", "")
            for i in SshdCheck.ids
        ]
    return [
        _judge_tcp(snap, ports),
        _judge_simple(
            snap,
            "sshd.gateway-ports",
            "gatewayports",
            bad=("yes", "clientspecified"),
            title_bad="sshd lets users publish remote forwards on public addresses",
            title_ok="sshd keeps remote forwards on loopback (GatewayPorts no)",
            why=(
                "With GatewayPorts yes/clientspecified a user's `ssh -R` listener is reachable "
                "from the internet: the account can run a relay or proxy on this server's IP."
            ),
            fix="Set `GatewayPorts no` (the default) in sshd_config and reload sshd.",
        ),
        _judge_simple(
            snap,
            "sshd.permit-tunnel",
            "permittunnel",
            bad=("yes", "point-to-point", "ethernet"),
            title_bad="sshd allows tun/tap device forwarding (PermitTunnel)",
            title_ok="sshd does not allow tun/tap device forwarding",
            why=(
                "PermitTunnel lets a session route whole IP traffic through this server (a VPN), "
                "including SMTP to any mail server, if a tun device is usable."
            ),
            fix="Set `PermitTunnel no` (the default) in sshd_config and reload sshd.",
        ),
        _judge_simple(
            snap,
            "sshd.stream-local-forwarding",
            "allowstreamlocalforwarding",
            bad=("yes", "all", "local"),
            title_bad="sshd allows Unix-socket forwarding (AllowStreamLocalForwarding)",
            title_ok="sshd does not allow Unix-socket forwarding",
            why=(
                "Unix-socket forwards let a remote client talk to local sockets (databases, "
                "agents, a local mail submission socket) as the user. It is not a direct SMTP "
                "path but another tunnel that bypasses per-process controls. Advice; the default "
                "is yes."
            ),
            fix=(
                "Set `AllowStreamLocalForwarding no` (or `DisableForwarding yes`, which turns off "
                "every kind of forwarding) for hosting users, and reload sshd."
            ),
            bad_status=Status.WARN,
        ),
    ]


def _judge_tcp(snap: SshdSnapshot, ports: tuple[int, ...]) -> Finding:
    fid = "sshd.tcp-forwarding"
    evidence: list[str] = []
    users = snap.users
    with_shell = [u for u in users if u.login_shell]
    if snap.values is None:
        values: Mapping[str, str] = _static_values(snap.parsed)
        evidence.append(f"{snap.command}: failed: {snap.error}")
        if snap.error_location is not None:
            f, n, msg = snap.error_location
            evidence.append(f"{from_sshd(f)}:{n}: {from_sshd(msg)}")
        evidence.append(
            f"judged from the files instead: {_describe(values)} (first global value wins)"
        )
    else:
        values = snap.values
        evidence.append(f"{snap.command}: {_describe(values)}")
    lines = _directive_lines(snap.parsed, ("allowtcpforwarding", "disableforwarding"))
    evidence.extend(lines)
    if not lines:
        files = ", ".join(escape(f) for f in snap.parsed.files) or escape(snap.config_path)
        evidence.append(
            f"AllowTcpForwarding/DisableForwarding set nowhere in {files}: sshd's default is yes"
        )
    evidence.extend(_directive_lines(snap.parsed, ("permitopen",)))
    evidence.extend(snap.parsed.problems)
    global_allowed, global_reason = _local_forwarding(values, ports)

    open_users: list[tuple[HostingUser, str]] = []
    errors: list[str] = []
    no_login: list[str] = []
    if snap.per_user:
        for ue in snap.per_user:
            if ue.values is None:
                errors.append(f"user {escape(ue.user.name)}: {ue.error}")
                if global_allowed:
                    open_users.append((ue.user, "sshd -T -C failed; the global value allows it"))
                continue
            allowed, reason = _local_forwarding(ue.values, ports)
            if ue.client:
                reason = f"{reason} ({escape(ue.client)})"
            login, why_not = may_log_in(ue.values, ue.user)
            if allowed and not login:
                no_login.append(f"{escape(ue.user.name)} ({why_not})")
            elif allowed:
                open_users.append((ue.user, reason))
    elif global_allowed:
        for u in users:
            login, why_not = may_log_in(values, u)
            if login:
                open_users.append((u, global_reason))
            else:
                no_login.append(f"{escape(u.name)} ({why_not})")
    evidence.append(snap.per_user_note)
    evidence.append(
        f"hosting users: {len(users)} ({len(with_shell)} with a login shell: "
        + (", ".join(escape(u.name) for u in with_shell[:MAX_LISTED_USERS]) or "none")
        + (" …" if len(with_shell) > MAX_LISTED_USERS else "")
        + ")"
    )
    for u, reason in open_users[:MAX_LISTED_USERS]:
        evidence.append(f"can forward to SMTP: {_user_label(u)}: {reason}")
    if len(open_users) > MAX_LISTED_USERS:
        evidence.append(f"… and {len(open_users) - MAX_LISTED_USERS} more users")
    evidence.extend(errors[:MAX_LISTED_USERS])
    if no_login:
        more = f" and {len(no_login) - MAX_LISTED_USERS} more" if len(no_login) > 20 else ""
        evidence.append(
            "forwarding allowed but sshd refuses their login: "
            + ", ".join(no_login[:MAX_LISTED_USERS])
            + more
        )

    if open_users:
        status = Status.FAIL
        title = (
            f"{len(open_users)} hosting user(s) can open SSH port forwards to remote SMTP servers"
        )
    elif not users and global_allowed:
        status = Status.WARN
        title = "sshd allows TCP forwarding (no hosting users yet; new accounts would get it)"
    else:
        status = Status.PASS
        title = "hosting users cannot open SSH port forwards to SMTP servers"
    if status is Status.PASS and snap.values is None:
        status = Status.WARN
        title = "forwarding looks disabled in the files, but `sshd -T` failed to confirm it"
    return Finding(fid, status, title, tuple(evidence), TCP_WHY, _tcp_fix(snap))


def _judge_simple(
    snap: SshdSnapshot,
    fid: str,
    keyword: str,
    *,
    bad: tuple[str, ...],
    title_bad: str,
    title_ok: str,
    why: str,
    fix: str,
    bad_status: Status = Status.WARN,
) -> Finding:
    values = snap.values if snap.values is not None else _static_values(snap.parsed)
    disabled = values.get("disableforwarding", "no").lower() == "yes"
    evidence = [
        f"{snap.command}: {keyword} {escape(values.get(keyword, '(default)'))}"
        + (", disableforwarding yes" if disabled else "")
    ]
    evidence.extend(_directive_lines(snap.parsed, (keyword,)))
    default = {"allowstreamlocalforwarding": "yes"}.get(keyword, "no")
    offenders = [
        ue.user.name
        for ue in snap.per_user
        if ue.values is not None
        and ue.values.get("disableforwarding", "no").lower() != "yes"
        and ue.values.get(keyword, default).lower() in bad
    ]
    is_bad = (not disabled and values.get(keyword, default).lower() in bad) or bool(offenders)
    if offenders:
        listed = ", ".join(escape(n) for n in offenders[:MAX_LISTED_USERS])
        evidence.append(f"through Match blocks for: {listed}")
    if is_bad:
        return Finding(fid, bad_status, title_bad, tuple(evidence), why, fix)
    return Finding(fid, Status.PASS, title_ok, tuple(evidence), why, fix)


# --------------------------------------------------------------------------- gathering
def hosting_users(
    cfg: Config,
    passwd: Sequence[Any] | None = None,
    groups: Sequence[tuple[str, int, tuple[str, ...]]] | None = None,
) -> tuple[HostingUser, ...]:
    """Accounts with uid >= accounts.min_uid (not nobody), from the passwd database."""
    entries = pwd.getpwall() if passwd is None else passwd
    if groups is None:
        try:
            groups = [(g.gr_name, g.gr_gid, tuple(g.gr_mem)) for g in grp.getgrall()]
        except OSError:
            groups = []
    gid_names = {gid: name for name, gid, _ in groups}
    member_of: dict[str, list[str]] = {}
    for name, _gid, members in groups:
        for m in members:
            member_of.setdefault(m, []).append(name)
    out = []
    seen: set[str] = set()
    for e in entries:
        if e.pw_uid < cfg.accounts.min_uid or e.pw_uid in (65534, 4294967295):
            continue
        if e.pw_name in seen:
            continue
        seen.add(e.pw_name)
        names = [gid_names.get(getattr(e, "pw_gid", -1), ""), *member_of.get(e.pw_name, [])]
        out.append(
            HostingUser(
                e.pw_name, e.pw_uid, e.pw_shell, tuple(dict.fromkeys(n for n in names if n))
            )
        )
    return tuple(sorted(out, key=lambda u: (u.uid, u.name)))


def _sshd_cmd(env: AuditEnv, binary: str, *extra: str) -> list[str]:
    argv = [binary]
    if env.sshd_config:
        argv += ["-f", env.sshd_config]
    return [*argv, *extra]


def gather(env: AuditEnv) -> SshdSnapshot:
    cfg_path = env.sshd_config or DEFAULT_SSHD_CONFIG
    binary = env.runner.which(env.sshd_binary)
    parsed = parse_sshd_config(cfg_path, env.read_text, env.glob)
    exists = env.path(cfg_path).exists()
    users = hosting_users(env.cfg)
    ports = tuple(env.cfg.smtp.ports)
    if binary is None:
        return SshdSnapshot(
            None, cfg_path, exists, "", None, "", None, parsed, users, (), "", ports
        )
    local = local_specs(parsed)  # Match LocalPort/LocalAddress: sshd needs them, even for -T
    argv = _sshd_cmd(env, binary, "-T", *(("-C", local[0]) if local else ()))
    res = env.runner.run(argv)
    command = "$ " + " ".join(escape(a) for a in argv)
    values = parse_sshd_t(res.stdout) if res.ok else None
    error = "" if res.ok else _error_text(res)
    location = None if res.ok else parse_sshd_error(res.stderr + "\n" + res.stdout)
    per_user: tuple[UserEffective, ...] = ()
    if values is None:
        note = "per-user Match evaluation not possible: `sshd -T` failed"
    elif not users:
        note = "no hosting users (uid >= accounts.min_uid) to evaluate"
    elif not parsed.has_match and not parsed.problems:
        note = "no Match blocks in the config: the global value applies to every user"
    else:
        clients = probe_clients(parsed)
        note = (
            f"Match blocks present: evaluated each hosting user with `sshd -T -C "
            f"user=NAME,host={PROBE_HOST},addr={PROBE_ADDR}`"
        )
        if len(clients) > 1:
            others = ", ".join(f"host={escape(h)},addr={escape(a)}" for h, a in clients[1:])
            note += f", and from the clients the Match lines name ({others})"

        if local:
            note += f", connecting to {' and '.join(_server_end(x) for x in local)}"
        ends = [(n, c, server) for n, c in enumerate(clients) for server in local or ("",)]

        def one(u: HostingUser) -> UserEffective:
            first: UserEffective | None = None
            for n, (host, addr), server in ends:
                spec = f"user={u.name},host={host},addr={addr}" + (f",{server}" if server else "")
                r = env.runner.run(_sshd_cmd(env, binary, "-T", "-C", spec))
                label = (
                    ""
                    if n == 0
                    else f"connecting from {addr}" + (f" as {host}" if host != addr else "")
                )
                if server and server != local[0]:  # not the default port and address
                    to = f"to {_server_end(server)}"
                    label = f"{label}, {to}" if label else f"connecting {to}"
                if not r.ok:
                    result = UserEffective(u, None, _error_text(r), label)
                else:
                    result = UserEffective(u, parse_sshd_t(r.stdout), client=label)
                    if _local_forwarding(result.values or {}, ports)[0]:
                        return result  # the worst case for this user: forwarding allowed
                first = first or result
            assert first is not None
            return first

        # users the Match lines cannot tell apart get the same answers: sshd is asked about
        # one of each kind (up to len(ends) runs each), not about every user
        profile = match_profile(parsed)
        kinds: dict[object, list[HostingUser]] = {}
        for u in users:
            kinds.setdefault(u.name if profile is None else profile(u), []).append(u)
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = pool.map(one, (group[0] for group in kinds.values()))
            first_of = dict(zip(kinds, answers, strict=True))
        shared: dict[str, UserEffective] = {}
        for kind, group in kinds.items():
            ue = first_of[kind]
            for u in group:  # an answer that failed may name the user: each asks on its own
                shared[u.name] = ue if u is group[0] else (
                    replace(ue, user=u) if ue.values is not None else one(u)
                )  # fmt: skip
        per_user = tuple(shared[u.name] for u in users)
    return SshdSnapshot(
        binary,
        cfg_path,
        exists,
        command,
        values,
        error,
        location,
        parsed,
        users,
        per_user,
        note,
        ports,
    )


def _error_text(res: CommandResult) -> str:
    if res.returncode is None:
        return escape(res.error)
    text = (res.stderr.strip() or res.stdout.strip() or f"exit {res.returncode}").splitlines()
    return from_sshd(" / ".join(text[:3]), 400)


def from_sshd(text: str, max_len: int | None = None) -> str:
    """What sshd printed, shown as it is: sshd escapes its messages itself (a control byte
    as ``\\017``, a backslash as ``\\\\``), so escaping its backslashes again showed
    ``\\\\017``. A control character that got through is still escaped."""
    out = escape_message(text)
    return out if max_len is None else truncate(out, max_len)


# --------------------------------------------------------------------------- fixing
def _unwritable(path: str) -> str | None:
    """Why ``path`` cannot be replaced (immutable, append-only, read-only), or None."""
    real = os.path.realpath(path)
    try:
        fd = os.open(real, os.O_WRONLY | os.O_APPEND)  # fails on chattr +i even for root
        os.close(fd)
    except OSError as exc:
        if exc.errno == errno.EPERM:
            return "the file is immutable or append-only (lsattr shows i or a; chattr -i it)"
        return escape(exc.strerror or str(exc))
    import fcntl

    try:  # append-only (chattr +a) opens for appending, but cannot be replaced
        with open(real, "rb") as fh:
            flags = bytearray(8)
            fcntl.ioctl(fh.fileno(), 0x80086601, flags)  # FS_IOC_GETFLAGS
        if int.from_bytes(flags, "little") & (0x10 | 0x20):  # IMMUTABLE | APPEND
            return "the file is immutable or append-only (lsattr shows i or a; chattr -i it)"
    except OSError:
        pass  # no attributes on this filesystem
    return None


def _atomic_write(path: str, data: bytes) -> None:
    path = os.path.realpath(path)  # a symlinked config keeps its link; the target is rewritten
    st = os.stat(path)
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".spamtrace-", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        with contextlib.suppress(PermissionError):
            os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def plan_edits(
    main: str, parsed: ParsedSshdConfig, contents: Mapping[str, bytes], stamp: str
) -> dict[str, bytes]:
    """New contents per file: ``AllowTcpForwarding no`` first in ``main``; re-enabling lines
    (global or in Match blocks) commented out. Pure, for unit tests."""
    by_file: dict[str, set[int]] = {}
    for d in parsed.all_of("allowtcpforwarding"):
        value = _unquote(d.value.split()[0]).lower() if d.value.split() else ""
        if value in ("yes", "all", "local"):
            by_file.setdefault(d.path, set()).add(d.line)
    out: dict[str, bytes] = {}
    for path in {main, *by_file}:
        lines = contents[path].split(b"\n")
        for n in sorted(by_file.get(path, ())):
            orig = lines[n - 1]
            if orig.strip().lower().startswith(b"allowtcpforwarding"):
                indent = orig[: len(orig) - len(orig.lstrip())]
                lines[n - 1] = indent + f"# {FIX_MARK} ({stamp}): ".encode() + orig.lstrip()
        first_line = next(
            (x.strip() for x in lines if x.strip() and not x.lstrip().startswith(b"#")), b""
        )
        if path == main and first_line.lower().split() != [b"allowtcpforwarding", b"no"]:
            header = [
                f"# {FIX_MARK} ({stamp}): hosting users must not open TCP forwards".encode(),
                b"# (ssh -L to remote port 25). The first global value wins: keep this first.",
                b"AllowTcpForwarding no",
            ]
            lines = header + lines
        out[path] = b"\n".join(lines)
    return out


def _find_sshd_pid(env: AuditEnv, values: Mapping[str, str] | None) -> tuple[int | None, str]:
    if env.sshd_pid is not None:
        pid, origin = env.sshd_pid, "--sshd-pid"
    else:
        pidfile = (values or {}).get("pidfile", "/run/sshd.pid")
        try:
            pid = int(Path(pidfile).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None, f"no running sshd found (pidfile {escape(pidfile)} unreadable)"
        origin = f"pidfile {escape(pidfile)}"
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None, f"sshd pid {pid} from {origin} is not running"
    if not os.path.basename(exe).startswith("sshd"):
        return None, f"pid {pid} from {origin} is {escape(exe)}, not sshd: not signalled"
    return pid, f"sshd pid {pid} ({origin})"


def _wait_alive(pid: int, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    time.sleep(0.2)
    while time.monotonic() < deadline:
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
            with open(f"/proc/{pid}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        if os.path.basename(exe).startswith("sshd") and state != "Z":
            return True
        time.sleep(0.1)
    return False


def fix(env: AuditEnv, snap: SshdSnapshot, findings: list[Finding]) -> FixOutcome:
    fid = "sshd.tcp-forwarding"
    target = next((f for f in findings if f.id == fid), None)
    if target is None or target.status not in (Status.FAIL, Status.WARN):
        return FixOutcome(fid, FixAction.NOT_NEEDED, ("already passing",))
    if snap.binary is None:
        return FixOutcome(fid, FixAction.FAILED, ("sshd is not installed",))
    main = snap.config_path
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    details: list[str] = []
    backups: list[tuple[str, str]] = []
    written: list[str] = []

    def restore() -> None:
        for path in written:
            if Path(path).read_bytes() != contents[path]:
                _atomic_write(path, contents[path])
        for _path, bak in backups:
            with contextlib.suppress(OSError):
                os.unlink(bak)
            folder = os.path.dirname(bak)
            while folder.startswith(backup_root):  # the folders made for it, up to the stamp's
                try:
                    os.rmdir(folder)
                except OSError:
                    break
                folder = os.path.dirname(folder)

    try:
        contents = {p: Path(p).read_bytes() for p in snap.parsed.files}
    except OSError as exc:
        return FixOutcome(fid, FixAction.FAILED, (f"cannot read: {escape(str(exc))}",))
    if main not in contents:
        return FixOutcome(fid, FixAction.FAILED, (f"cannot read {escape(main)}",))
    edits = plan_edits(main, snap.parsed, contents, stamp)
    for path in sorted(edits):  # before anything is written: a file we may not replace
        problem = _unwritable(path)
        if problem:
            details.append(f"cannot write {escape(path)}: {problem}; nothing was changed")
            return FixOutcome(fid, FixAction.FAILED, tuple(details))
    # backups outside every directory sshd includes (/var/lib/spamtrace/backups/<stamp>/...)
    backup_root = os.path.join(env.backup_dir, f"sshd-{stamp}")
    try:
        for path in sorted(edits):
            bak = os.path.join(backup_root, os.path.realpath(path).lstrip("/"))
            os.makedirs(os.path.dirname(bak), mode=0o700, exist_ok=True)
            with open(bak, "xb") as fh:  # never clobber an existing file
                fh.write(contents[path])
            backups.append((path, bak))
            os.chmod(bak, os.stat(path).st_mode & 0o7777)
            details.append(f"backed up {escape(path)} to {escape(bak)}")
        for path in sorted(edits):
            _atomic_write(path, edits[path])
            written.append(path)
            details.append(f"wrote {escape(path)}")
    except OSError as exc:
        kept: tuple[str, ...] = ()
        try:
            restore()
            undo = "every file restored"
        except OSError as exc2:
            undo = f"RESTORE FAILED ({escape(str(exc2))}): restore by hand from the backups"
            kept = tuple(b for _, b in backups)
        details.append(f"cannot write: {escape(str(exc))}; {undo}")
        return FixOutcome(fid, FixAction.FAILED, tuple(details), kept)

    check = env.runner.run([snap.binary, "-t", "-f", main])
    if not check.ok:
        restore()
        details.append(f"$ sshd -t -f {escape(main)} rejected the result: {_error_text(check)}")
        details.append("rolled back: every file restored byte for byte, sshd not reloaded")
        return FixOutcome(fid, FixAction.ROLLED_BACK, tuple(details))
    details.append(f"$ sshd -t -f {escape(main)}: ok")

    pid, how = _find_sshd_pid(env, snap.values)
    if pid is None:
        details.append(how + "; the new setting applies when sshd starts")
    else:
        try:
            os.kill(pid, signal.SIGHUP)
            details.append(f"sent SIGHUP to {how}")
        except OSError as exc:
            details.append(f"could not signal {how}: {escape(exc.strerror or str(exc))}")
        if not _wait_alive(pid):
            details.append(f"WARNING: sshd pid {pid} is not running after the reload")

    after = gather(env)
    verdict = next(f for f in judge(after, env.cfg) if f.id == fid)
    baks = tuple(b for _, b in backups)
    if verdict.status is Status.PASS:
        details.append("verified with sshd -T: " + verdict.title)
        return FixOutcome(fid, FixAction.APPLIED, tuple(details), baks)
    details.append(f"verification: still {verdict.status.value}: {verdict.title}")
    return FixOutcome(fid, FixAction.APPLIED_UNVERIFIED, tuple(details), baks)


class SshdCheck:
    family: str = "sshd"
    ids: tuple[str, ...] = (
        "sshd.tcp-forwarding",
        "sshd.gateway-ports",
        "sshd.permit-tunnel",
        "sshd.stream-local-forwarding",
    )
    fixable: tuple[str, ...] = ("sshd.tcp-forwarding",)

    def gather(self, env: AuditEnv) -> SshdSnapshot:
        return gather(env)

    def judge(self, snapshot: SshdSnapshot, cfg: Config) -> list[Finding]:
        return judge(snapshot, cfg)

    def fix(self, env: AuditEnv, snapshot: SshdSnapshot, findings: list[Finding]) -> FixOutcome:
        return fix(env, snapshot, findings)
