"""Border-router ACLs: golden output per format, and bad input."""

from __future__ import annotations

import pytest
from fwfake import check_golden

from spamtrace.actions.border_acl import render_acl
from spamtrace.errors import UsageError

RELAYS = ["192.0.2.25", "2001:db8:1::25"]
SERVERS = ["192.0.2.0/24", "198.51.100.128/25", "2001:db8:1::/64"]


@pytest.mark.parametrize("fmt", ["nft", "cisco", "juniper"])
def test_acl_golden(fmt: str) -> None:
    text = render_acl(RELAYS, SERVERS, [25], fmt)
    check_golden(f"acl-{fmt}.txt", text)


def test_acl_nft_semantics() -> None:
    text = render_acl(RELAYS, SERVERS, [25, 587], "nft")
    relay_rule = text.index("ip saddr @relays_v4 tcp dport { 25, 587 } accept")
    block_rule = text.index("ip saddr @servers_v4 tcp dport { 25, 587 }")
    assert relay_rule < block_rule  # relays are let through before servers are stopped
    assert "hook forward" in text
    assert "daddr @servers" not in text  # inbound to the servers is never matched


def test_acl_cisco_wildcards_and_v6() -> None:
    text = render_acl(["192.0.2.25"], ["10.0.0.0/8"], [25], "cisco")
    assert " permit tcp host 192.0.2.25 any eq 25" in text
    assert " deny tcp 10.0.0.0 0.255.255.255 any eq 25 log" in text
    assert "ipv6 access-list" not in text
    assert text.index("permit tcp host") < text.index("deny tcp")


def test_acl_juniper_multiple_ports() -> None:
    text = render_acl(["192.0.2.25"], ["10.0.0.0/8"], [587, 25], "juniper")
    assert "destination-port [ 25 587 ];" in text
    assert "family inet6" not in text


@pytest.mark.parametrize(
    ("relays", "servers", "ports", "fmt", "message"),
    [
        ([], SERVERS, [25], "nft", "--relay"),
        (RELAYS, [], [25], "nft", "--servers"),
        (["not-an-ip"], SERVERS, [25], "nft", "not an IP"),
        (RELAYS, ["10.0.0.0/33"], [25], "nft", "not an IP"),
        (RELAYS, SERVERS, [0], "nft", "not a TCP port"),
        (RELAYS, SERVERS, [25], "pf", "unknown format"),
    ],
)
def test_acl_bad_input(
    relays: list[str], servers: list[str], ports: list[int], fmt: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        render_acl(relays, servers, ports, fmt)
