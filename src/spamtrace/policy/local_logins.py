"""Who on this host uses a mailbox that logs in from this host (pure: no I/O, no clock).

A web script that holds a stolen mailbox password often sends through the server's own MTA
(``127.0.0.1:587`` with SMTP AUTH), where port 25 out is closed to it. The MTA's log then
names the mailbox and the client ``127.0.0.1``: a ``mail-auth`` incident with no account or
script. The tracepoint saw those connections, by their process: ``submission`` incidents
(a non-MTA process to this server's own MTA, on loopback or on the host's own address).
:func:`local_clients` joins the two: the connect incidents to a client address of the
mailbox's messages (loopback to loopback; the host's own address to itself, since a
connection to it comes from it), seen while the mailbox sent (give or take
:data:`SLACK`). Every candidate is named, most connects first: an account that sends its
own mail through the same port at the same time is one of them, and the advice says so.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

from spamtrace.model import Verdict
from spamtrace.policy.incidents import Incident
from spamtrace.safetext import quoted

#: seconds between a local sender's connects and the mailbox's messages that still join them
SLACK = 60.0
#: local senders named at most
MAX_CLIENTS = 5


def _ip_of(destination: str) -> str:
    """The address of ``ip:port`` or ``[v6]:port``."""
    if destination.startswith("["):
        return destination[1 : destination.find("]")]
    return destination.rpartition(":")[0]


def _is_loopback(ip: str) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped.is_loopback
    return addr.is_loopback


def _joins(client_ips: Sequence[str], ip: str) -> bool:
    """A connection to ``ip`` can be a login from one of ``client_ips``."""
    if _is_loopback(ip):
        return any(_is_loopback(c) for c in client_ips)
    return ip in client_ips


def local_clients(
    client_ips: Sequence[str],
    first_seen: float,
    last_seen: float,
    submissions: Iterable[Incident],
) -> tuple[dict[str, Any], ...]:
    """The ``submission`` connect incidents that may be the logins of a mailbox whose messages
    came from ``client_ips`` between ``first_seen`` and ``last_seen``; most connects first."""
    found: list[dict[str, Any]] = []
    for inc in submissions:
        if inc.verdict is not Verdict.SUBMISSION or inc.uid is None:
            continue
        if inc.last_seen < first_seen - SLACK or inc.first_seen > last_seen + SLACK:
            continue
        dests = [d for d in inc.destinations if _joins(client_ips, _ip_of(d))]
        if not dests:
            continue
        found.append(
            {
                "incident": inc.id, "uid": inc.uid, "user": inc.user, "account": inc.account,
                "account_kind": inc.account_kind, "exe": inc.exe, "cwd": inc.cwd,
                "scripts": list(inc.scripts), "connections": inc.connections,
                "destinations": dests,
            }
        )  # fmt: skip
    found.sort(key=lambda c: -int(c["connections"]))
    return tuple(found[:MAX_CLIENTS])


def advice_line(
    client_ips: Sequence[str], clients: Sequence[dict[str, Any]], skipped: str | None = None
) -> str:
    """The incident's first advice line: which local process(es) log in as the mailbox.
    ``skipped``: why the responses do not act on the one local sender
    (:func:`~spamtrace.policy.responses.mailbox_sender`), said so that the admin does not
    wait for them."""
    dests = [_ip_of(d) for c in clients for d in c["destinations"]]
    local = [ip for ip in client_ips if any(_joins([ip], d) for d in dests)]
    names = []
    for c in clients:
        who = f"uid {c['uid']}" + (f" ({quoted(c['user'])})" if c["user"] else "")
        what = ", ".join(quoted(s) for s in c["scripts"][:2]) or quoted(c["exe"] or "?")
        seen = f"{c['connections']} connect(s) to {', '.join(c['destinations'][:2])}"
        names.append(f"{who} {what} (incident {c['incident']}: {seen})")
    if len(clients) == 1:
        held = "that " + ("script" if clients[0]["scripts"] else "process")
        tail = f": {held} holds the password; stop it and scan its folder"
        if skipped:
            tail = (
                f": {held} holds the password; the responses do not act on it ({skipped}): "
                "stop it by hand and scan its folder"
            )
    else:
        tail = (
            ": one of these holds the password (an account's own mail may use the same port);"
            " the responses act on none of them: find the one that sends and stop it by hand"
        )
    return f"the mailbox is used from this host ({', '.join(local)}): " + "; or ".join(names) + tail
