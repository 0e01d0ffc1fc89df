"""nftables rendering (golden files per mode), transactions and drift comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fwfake import DATA, check_golden, make_plan

from spamtrace.actions import nftables
from spamtrace.errors import ExternalToolError, FirewallError, KernelFeatureUnavailable
from spamtrace.policy.firewall_plan import FirewallException

EXCEPTIONS = [
    {"user": "shop", "host": "smtp.sendgrid.net", "port": 587, "comment": "shop's plugin"},
    {"group": "mail", "network": "203.0.113.0/24"},
    {"user": "blog", "port": 465},
]


def test_default_owner_ruleset_golden() -> None:
    text = nftables.render(make_plan())
    check_golden("owner-default.nft", text)
    # the safety properties, independently of the golden file
    assert 'meta skuid 0 accept comment "st:root"' in text
    assert "elements = { 102 }" in text  # the MTA user
    assert "tcp flags & (syn | ack) == syn" in text  # only new connections are rejected
    assert "log group 2525" in text and "reject with tcp reset" in text
    assert "hook output" in text and "hook input" not in text  # inbound mail untouched


def test_owner_with_exceptions_golden() -> None:
    plan = make_plan(firewall__exceptions=EXCEPTIONS, firewall__allow_users=["blog"])
    text = nftables.render(plan)
    check_golden("owner-exceptions.nft", text)
    assert (
        "meta skuid 1001 ip daddr { 198.51.100.7, 198.51.100.8 } tcp dport 587 accept "
        'comment "st:exception-0-v4"' in text
    )
    assert "meta skuid 1001 ip6 daddr 2001:db8:25::7 tcp dport 587 accept" in text
    assert "meta skgid 8 ip daddr 203.0.113.0/24 accept" in text
    assert 'meta skuid 1002 tcp dport 465 accept comment "st:exception-2"' in text
    assert "elements = { 102, 1002 }" in text


def test_relay_ruleset_golden() -> None:
    plan = make_plan(firewall__mode="relay", firewall__relays=["relay.example.net", "2001:db8::25"])
    text = nftables.render(plan)
    check_golden("relay.nft", text)
    assert "elements = { 192.0.2.25 }" in text and "elements = { 2001:db8::25 }" in text
    assert 'meta skuid @allow_uids accept comment "st:allow-uids"' not in text
    assert "ip daddr @relays_v4 meta skuid @allow_uids accept" in text


def test_redirect_ruleset_golden() -> None:
    text = nftables.render(make_plan(firewall__mode="redirect"))
    check_golden("redirect.nft", text)
    assert "type nat hook output priority -100" in text
    assert "redirect to :25" in text
    # only the uid-block chain (spamtrace's responses) rejects; the policy redirects
    assert "reject" not in text.split("chain smtp_redirect")[1]


def test_rendering_is_deterministic() -> None:
    a = nftables.render(make_plan(firewall__exceptions=EXCEPTIONS))
    b = nftables.render(make_plan(firewall__exceptions=list(reversed(EXCEPTIONS))))
    assert a == nftables.render(make_plan(firewall__exceptions=EXCEPTIONS))
    assert a != b  # exception order is the config's order (ids follow it)


def test_transaction_only_touches_our_table() -> None:
    tx = nftables.transaction(nftables.render(make_plan()))
    lines = [ln for ln in tx.splitlines() if ln and not ln.startswith(("#", "\t", "}"))]
    assert lines == [
        "add table inet spamtrace",
        "delete table inet spamtrace",
        "table inet spamtrace {",
    ]
    assert "flush ruleset" not in tx
    assert nftables.removal() == "add table inet spamtrace\ndelete table inet spamtrace\n"


def test_unresolved_host_exception_is_never_rendered_as_match_all() -> None:
    plan = make_plan()
    bad = FirewallException(index=0, user="shop", uid=1001, host="nowhere.invalid", port=587)
    from dataclasses import replace

    with pytest.raises(FirewallError, match="not resolved"):
        nftables.render(replace(plan, exceptions=(bad,)))


def _doc(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((DATA / name).read_text())
    return loaded


def test_drift_none_when_identical_and_counters_ignored() -> None:
    loaded = nftables.normalize(_doc("owner-loaded.json"))
    doc = _doc("owner-loaded.json")
    for obj in doc["nftables"]:  # type: ignore[union-attr]
        if "counter" in obj:
            obj["counter"]["packets"] = 99
    assert nftables.diff(nftables.normalize(doc), loaded) == []
    assert nftables.normalize(doc).counters["blocked"]["packets"] == 99


def test_drift_reports_removed_added_and_changed_set() -> None:
    desired = nftables.normalize(_doc("owner-loaded.json"))
    tampered = nftables.normalize(_doc("owner-tampered.json"))
    drift = nftables.diff(tampered, desired)
    assert "chain smtp_egress: rule st:root is missing" in drift
    assert any(d.startswith("chain smtp_egress: unexpected rule (handle") for d in drift)
    assert any(d.startswith("set allow_uids: elements differ") and "1234" in d for d in drift)


def test_drift_when_chain_missing() -> None:
    desired = nftables.normalize(_doc("owner-loaded.json"))
    doc = _doc("owner-loaded.json")
    doc["nftables"] = [  # type: ignore[index]
        o
        for o in doc["nftables"]
        if "chain" not in o and "rule" not in o  # type: ignore[union-attr]
    ]
    assert "chain smtp_egress is missing" in nftables.diff(nftables.normalize(doc), desired)


def test_nft_error_mentions_owner_match() -> None:
    err = nftables._nft_error("check", "Error: Could not process rule: meta skuid not supported")
    assert "owner match" in err.message


def _fake_nft(tmp_path: Path, stderr: str, rc: int = 1) -> str:
    path = tmp_path / "nft"
    path.write_text(f"#!/bin/sh\necho '{stderr}' >&2\nexit {rc}\n")
    path.chmod(0o755)
    return str(path)


def test_kernel_without_owner_match_is_a_clear_error(tmp_path: Path) -> None:
    nft = _fake_nft(tmp_path, "Error: Could not process rule: Operation not supported")
    backend = nftables.NftBackend(nft=nft)
    with pytest.raises(KernelFeatureUnavailable, match="owner match"):
        backend.check(nftables.transaction(nftables.render(make_plan())))


def test_nft_failure_is_reported_in_one_line(tmp_path: Path) -> None:
    backend = nftables.NftBackend(nft=_fake_nft(tmp_path, "Error: syntax error"))
    with pytest.raises(FirewallError, match="nft check failed: Error: syntax error"):
        backend.load("table inet spamtrace {}")


def test_missing_nft_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert nftables.find_nft() is None
    with pytest.raises(ExternalToolError, match="nft not found"):
        nftables.NftBackend()


def test_not_loaded_table_lists_as_none(tmp_path: Path) -> None:
    nft = _fake_nft(tmp_path, "Error: No such file or directory")
    backend = nftables.NftBackend(nft=nft)
    assert backend.list_json() is None and backend.list_text() is None
    assert backend.remove() is False


def test_drift_names_a_hand_made_copy_of_our_rule_and_each_handle_once() -> None:
    """`nft insert rule inet spamtrace smtp_egress accept comment "st:local"` (everything
    accepted before our rules) is reported as a second st:local, with both handles; a rule
    without a comment is named by its handle once."""
    desired = nftables.normalize(_doc("owner-loaded.json"))
    doc = _doc("owner-loaded.json")
    rules = doc["nftables"]
    first = next(i for i, o in enumerate(rules) if "rule" in o)  # type: ignore[arg-type, operator]
    copy = {"rule": {"family": "inet", "table": "spamtrace", "chain": "smtp_egress",
                     "handle": 40, "comment": "st:local", "expr": [{"accept": None}]}}  # fmt: skip
    bare = {"rule": {"family": "inet", "table": "spamtrace", "chain": "smtp_egress",
                     "handle": 41, "expr": [{"accept": None}]}}  # fmt: skip
    rules.insert(first, copy)  # type: ignore[union-attr]
    rules.insert(first, bare)  # type: ignore[union-attr]
    drift = nftables.diff(nftables.normalize(doc), desired)
    assert "chain smtp_egress: rule st:local appears 2 times (handles 40, 6)" in drift
    assert "chain smtp_egress: unexpected rule (handle 41)" in drift


#: the firewall rules' golden files of each generation of the rules (RULES_VERSION): the
#: sha256 of their texts, joined in this order
RULES_GOLDEN = (
    "owner-default.nft", "owner-exceptions.nft", "redirect.nft", "relay.nft",
    "iptables-owner-v4.txt", "iptables-owner-v6.txt", "iptables-redirect-v4.txt",
)  # fmt: skip
RULES_DIGEST = {2: "b0898ca68cc9429d745b5673481165ad719384547559bd59e43543e54079586a"}


def test_changed_rules_come_with_a_new_rules_generation() -> None:
    """The confirmed rules keep the generation of the rules that made them (RULES_VERSION):
    rules an older spamtrace confirmed are then said to be older ones after an upgrade, not
    a hand edit or a changed config. It must be raised by hand with the rules: when the
    golden rule texts change, this asks for it (raise it, and record the new digest here)."""
    import hashlib

    from fwfake import GOLDEN

    from spamtrace.actions.firewall.transaction import RULES_VERSION

    text = b"".join((GOLDEN / name).read_bytes() for name in RULES_GOLDEN)
    digest = hashlib.sha256(text).hexdigest()
    assert RULES_DIGEST.get(RULES_VERSION) == digest, (
        f"the rules' golden files changed (sha256 {digest}): raise RULES_VERSION in "
        "spamtrace/actions/firewall/transaction.py and add it with this digest to RULES_DIGEST"
    )
