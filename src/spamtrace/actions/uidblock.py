"""Block one uid's SMTP egress: the named set ``blocked_uids`` in ``table inet spamtrace``.

The set and its chain live in spamtrace's own table whether or not the full firewall policy
(``spamtrace firewall apply``) is loaded::

    set blocked_uids { type uid; flags timeout; }          # elements: uid [timeout Ns]
    chain uid_block {                                       # its own base chain: a reject
        type filter hook output priority filter - 10;       # here is final, whatever the
        oifname != "lo" meta skuid @blocked_uids            # other chain accepts
            tcp dport { 25, ... } tcp flags & (syn | ack) == syn
            counter log group N prefix "spamtrace-uid-block" reject with tcp reset
        oifname != "lo" meta skuid @blocked_uids            # a connection it already holds:
            tcp dport { 25, ... } counter reject with tcp reset   # reset at its next packet
    }

Every change is one ``nft -f`` transaction that also (re)creates the set and the chain
(``add`` is idempotent; the chain is flushed and its one rule added again), so a block works
on a host where the table was never loaded, and the kernel applies it whole or not at all.
A connection the uid opened before the block is reset at its next packet (a mailer that sends
every message over one kept connection makes a single connect). Connections to the local MTA
(``lo``) stay open. :func:`render_parts` gives the same set and
chain for :func:`spamtrace.actions.nftables.render`, so ``firewall apply`` keeps them, and
:meth:`UidBlocker.carry_over` the live elements (with what is left of their timeouts), so
that replacing the table keeps the blocks.

Root and the MTA's users are refused here as well as in the policy (``protected_uids``).

Speed: a block is on the path of a spam run (every millisecond lets another message out), so
the transaction is run in-process by ``libnftables`` (the library ``nft -f`` itself is built
on: same parser, same atomic batch), loaded with :mod:`ctypes`: ~0.2 ms instead of ~15 ms
for starting ``nft``. Without the library (it comes with the nftables package) the ``nft``
binary is used.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spamtrace.errors import ExternalToolError, FirewallError, KernelFeatureUnavailable

FAMILY = "inet"
TABLE = "spamtrace"
SET = "blocked_uids"
CHAIN = "uid_block"
LOG_PREFIX = "spamtrace-uid-block"


@dataclass(frozen=True, slots=True)
class BlockedUid:
    uid: int
    timeout: int | None  # seconds; None: until released
    expires: int | None  # seconds left


def _ports(ports: Sequence[int]) -> str:
    return "{ " + ", ".join(str(p) for p in sorted(set(ports))) + " }"


def rule_text(ports: Sequence[int], nflog_group: int) -> str:
    """The new connection's rule: refused, counted and NFLOG-logged once per connect."""
    return (
        f'oifname != "lo" meta skuid @{SET} tcp dport {_ports(ports)} '
        f'tcp flags & (syn | ack) == syn counter log group {nflog_group} prefix "{LOG_PREFIX}" '
        'reject with tcp reset comment "st:uid-block"'
    )


def held_rule_text(ports: Sequence[int]) -> str:
    """A connection the uid opened before its block: its next packet is answered with a reset.

    A mailer that keeps one SMTP connection and sends every message over it (PHPMailer's
    ``SMTPKeepAlive``, a pipelining bulk sender) makes one connect: refusing new connections
    alone would let the whole run out. Not logged: the connect was (the incident has it)."""
    return (
        f'oifname != "lo" meta skuid @{SET} tcp dport {_ports(ports)} '
        'counter reject with tcp reset comment "st:uid-block-held"'
    )


def chain_rules(ports: Sequence[int], nflog_group: int) -> list[str]:
    return [rule_text(ports, nflog_group), held_rule_text(ports)]


def render_parts(ports: Sequence[int], nflog_group: int) -> list[str]:
    """The set and chain as lines of a ``table inet spamtrace { ... }`` body."""
    return [
        f"\tset {SET} {{",
        "\t\ttype uid",
        "\t\tflags timeout",
        "\t}",
        f"\tchain {CHAIN} {{",
        "\t\ttype filter hook output priority filter - 10; policy accept;",
        *(f"\t\t{rule}" for rule in chain_rules(ports, nflog_group)),
        "\t}",
    ]


def ensure_text(ports: Sequence[int], group: int) -> str:
    """Commands that create the table, set and chain if missing (idempotent; the chain's two
    rules added again)."""
    return (
        f"add table {FAMILY} {TABLE}\n"
        f"add set {FAMILY} {TABLE} {SET} {{ type uid; flags timeout; }}\n"
        f"add chain {FAMILY} {TABLE} {CHAIN} "
        "{ type filter hook output priority filter - 10; policy accept; }\n"
        f"flush chain {FAMILY} {TABLE} {CHAIN}\n"
        + "".join(f"add rule {FAMILY} {TABLE} {CHAIN} {r}\n" for r in chain_rules(ports, group))
    )


def _element(uid: int, timeout: int | None, expires: int | None = None) -> str:
    if not timeout:
        return str(uid)
    text = f"{uid} timeout {int(timeout)}s"
    if expires is not None and 0 < expires < timeout:
        text += f" expires {int(expires)}s"
    return text


def add_text(uid: int, timeout: int) -> str:
    """Add (or renew) one element: add, delete, add again, so an existing one gets the new
    timeout; one transaction."""
    elem = _element(uid, timeout)
    return (
        f"add element {FAMILY} {TABLE} {SET} {{ {elem} }}\n"
        f"delete element {FAMILY} {TABLE} {SET} {{ {uid} }}\n"
        f"add element {FAMILY} {TABLE} {SET} {{ {elem} }}\n"
    )


def elements_text(blocked: Iterable[BlockedUid]) -> str:
    """``add element`` lines that put back live blocks (after a table is replaced)."""
    elems = [_element(b.uid, b.timeout, b.expires) for b in blocked]
    if not elems:
        return ""
    return f"add element {FAMILY} {TABLE} {SET} {{ {', '.join(elems)} }}\n"


def parse_elements(document: dict[str, Any] | None) -> list[BlockedUid]:
    """The elements of ``nft -j list set``/``list table`` output."""
    out: list[BlockedUid] = []
    for obj in (document or {}).get("nftables", []):
        st = obj.get("set") if isinstance(obj, dict) else None
        if not isinstance(st, dict) or st.get("name") != SET:
            continue
        for elem in st.get("elem", []):
            if isinstance(elem, dict) and isinstance(elem.get("elem"), dict):
                e = elem["elem"]
                out.append(BlockedUid(int(e["val"]), e.get("timeout"), e.get("expires")))
            elif isinstance(elem, int):
                out.append(BlockedUid(elem, None, None))
    return sorted(out, key=lambda b: b.uid)


class LibNftables:
    """``nft_run_cmd_from_buffer`` of libnftables (one context, serialised by a lock)."""

    def __init__(self) -> None:
        import ctypes
        import threading

        try:
            lib = ctypes.CDLL("libnftables.so.1")
        except OSError as exc:
            raise ExternalToolError(f"libnftables not loadable: {exc}") from None
        lib.nft_ctx_new.restype = ctypes.c_void_p
        lib.nft_ctx_new.argtypes = [ctypes.c_uint32]
        lib.nft_ctx_free.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_buffer_output.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_buffer_error.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_get_error_buffer.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_get_error_buffer.restype = ctypes.c_char_p
        lib.nft_run_cmd_from_buffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.nft_run_cmd_from_buffer.restype = ctypes.c_int
        ctx = lib.nft_ctx_new(0)
        if not ctx:
            raise ExternalToolError("libnftables: cannot create a context")
        lib.nft_ctx_buffer_output(ctx)
        lib.nft_ctx_buffer_error(ctx)
        self._lib, self._ctx = lib, ctx
        self._lock = threading.Lock()

    def run(self, text: str) -> None:
        from spamtrace.actions.nftables import _nft_error

        with self._lock:
            rc = self._lib.nft_run_cmd_from_buffer(self._ctx, text.encode())
            err = self._lib.nft_ctx_get_error_buffer(self._ctx) or b""
        if rc != 0:
            raise _nft_error("load", err.decode("utf-8", "replace"))


class UidBlocker:
    """Adds, lists and removes elements of ``blocked_uids`` with ``nft -f`` (root)."""

    def __init__(
        self,
        ports: Sequence[int],
        nflog_group: int,
        *,
        protected_uids: Iterable[int] = (0,),
        nft: Any = None,
    ) -> None:
        from spamtrace.actions.nftables import NftBackend

        self.ports = tuple(ports)
        self.nflog_group = nflog_group
        self.protected = frozenset({0, *protected_uids})
        self.nft = nft if nft is not None else NftBackend()
        self.lib: LibNftables | None = None
        if nft is None:
            try:
                self.lib = LibNftables()
            except ExternalToolError:
                self.lib = None  # the nft binary it is
        self._ready = False

    def prepare(self) -> None:
        """Create the set and chain now (enforce mode at start), so a block only adds an
        element."""
        self._load(ensure_text(self.ports, self.nflog_group))
        self._ready = True

    def _load(self, text: str) -> None:
        if self.lib is not None:
            self.lib.run(text)
            return
        proc = self.nft._run(["-f", "-"], stdin=text, timeout=10)
        if proc.returncode != 0:
            from spamtrace.actions.nftables import _nft_error

            raise _nft_error("load", proc.stderr)

    def block(self, uid: int, timeout: int) -> None:
        """Reject the uid's new SMTP connections (renews the timeout of an existing block)."""
        if uid in self.protected:
            raise FirewallError(f"refusing to block uid {uid}: root or an MTA user")
        try:
            text = add_text(uid, timeout)
            self._load(text if self._ready else ensure_text(self.ports, self.nflog_group) + text)
        except (FirewallError, KernelFeatureUnavailable):
            if not self._ready:
                raise
            # the table was removed or replaced since: create the set and chain again
            self._load(ensure_text(self.ports, self.nflog_group) + add_text(uid, timeout))

    def release(self, uid: int) -> bool:
        """Remove the uid from the set; False when it was not blocked."""
        if uid not in {b.uid for b in self.blocked()}:
            return False
        try:
            self._load(f"delete element {FAMILY} {TABLE} {SET} {{ {uid} }}\n")
        except (FirewallError, KernelFeatureUnavailable):
            # a block with a timeout may run out between the listing and the delete: then
            # nft fails ("No such file or directory") and the uid is no longer blocked
            if uid in {b.uid for b in self.blocked()}:
                raise
            return False
        return True

    def drop(self, uids: Iterable[int]) -> None:
        """Take ``uids`` out of the set: one transaction, else one by one (an element that
        timed out meanwhile fails the whole transaction: the others still go)."""
        uids = sorted(set(uids))
        if not uids:
            return
        try:
            self._load(f"delete element {FAMILY} {TABLE} {SET} {{ {', '.join(map(str, uids))} }}\n")
            return
        except (FirewallError, KernelFeatureUnavailable):
            if len(uids) == 1:
                raise
        for uid in uids:
            with contextlib.suppress(FirewallError, KernelFeatureUnavailable):
                self._load(f"delete element {FAMILY} {TABLE} {SET} {{ {uid} }}\n")

    def blocked(self) -> list[BlockedUid]:
        proc = self.nft._run(["-j", "list", "set", FAMILY, TABLE, SET])
        if proc.returncode != 0:
            from spamtrace.actions.nftables import _no_table

            if _no_table(proc.stderr):
                return []
            raise ExternalToolError(f"nft list set failed: {' '.join(proc.stderr.split())}")
        import json

        try:
            return parse_elements(json.loads(proc.stdout))
        except (ValueError, KeyError, TypeError):
            raise ExternalToolError("nft -j list set returned unexpected JSON") from None

    def carry_over(self) -> str:
        """``add element`` lines for the live blocks (append to a table-replacing file)."""
        try:
            return elements_text(self.blocked())
        except (ExternalToolError, FirewallError, subprocess.SubprocessError):
            return ""
