"""firewall.smtp-egress judged on captured `nft -j list ruleset`, iptables-save and csf.conf."""

from __future__ import annotations

from pathlib import Path

import pytest

from spamtrace.audit import firewall as fw
from spamtrace.audit.finding import Status
from spamtrace.config import Config

CFG = Config()
NONE = fw.Source(None, "$ iptables-save: not installed", True)


def _snap(
    fixtures: Path,
    nft: str | None = None,
    ipt: str | None = None,
    ip6: str | None = None,
    csf: str | None = None,
    has_ipv6: bool = True,
) -> fw.FirewallSnapshot:
    def src(name: str | None, cmd: str) -> fw.Source:
        if name is None:
            return fw.Source(None, f"$ {cmd}: not installed", True)
        return fw.Source((fixtures / name).read_text(), f"$ {cmd}")

    return fw.FirewallSnapshot(
        src(nft, "nft -j list ruleset"),
        src(ipt, "iptables-save"),
        src(ip6, "ip6tables-save"),
        (fixtures / csf).read_text() if csf else None,
        has_ipv6=has_ipv6,
    )


def test_spamtrace_owner_table_restricts_every_port_v4_and_v6(fixtures: Path) -> None:
    rs = fw.nft_restrictions((fixtures / "nft_spamtrace_owner.json").read_text(), [25])
    assert len(rs) == 1
    r = rs[0]
    assert r.ipv4 and r.ipv6 and r.owner_match and r.action == "reject"
    assert r.ports == frozenset({25, 465, 587, 2525})  # through the named set @smtp_ports
    (f,) = fw.judge(_snap(fixtures, nft="nft_spamtrace_owner.json"), CFG)
    assert f.status is Status.PASS
    assert "spamtrace's own table (inet spamtrace): loaded" in f.evidence


def test_empty_ruleset_fails_with_open_ports(fixtures: Path) -> None:
    (f,) = fw.judge(_snap(fixtures, nft="nft_empty.json"), CFG)
    assert f.status is Status.FAIL
    assert "SMTP ports left open over IPv4: 25,465,587,2525" in f.evidence
    assert "spamtrace firewall apply" in f.fix


def test_jump_inherits_port_and_owner_exemption_and_v4_only_leaves_v6_open(
    fixtures: Path,
) -> None:
    rs = fw.nft_restrictions((fixtures / "nft_v4_jump.json").read_text(), [25])
    # the rule for one destination (ip daddr 192.0.2.1) does not restrict egress
    assert [(r.ports, r.owner_match, r.ipv4, r.ipv6) for r in rs] == [
        (frozenset({25}), True, True, False)
    ]
    (f,) = fw.judge(_snap(fixtures, nft="nft_v4_jump.json"), CFG)
    assert f.status is Status.FAIL  # port 25 open over IPv6
    assert "IPv6" in f.title
    (f,) = fw.judge(_snap(fixtures, nft="nft_v4_jump.json", has_ipv6=False), CFG)
    assert f.status is Status.WARN  # 25 closed; 465/587/2525 still open
    assert "465,587,2525" in f.title


def test_csf_smtpoutput_chain_from_iptables_save(fixtures: Path) -> None:
    rs, problems = fw.ipt_restrictions((fixtures / "iptables_csf.txt").read_text(), ipv6=False)
    assert problems == []
    # INVALID drop is not an SMTP restriction; SMTPOUTPUT -> LOGDROPOUT (log, then DROP) is
    assert [(r.ports, r.owner_match, r.action) for r in rs] == [
        (frozenset({25, 465, 587}), True, "drop")
    ]


def test_csf_conf_and_loaded_chain(fixtures: Path) -> None:
    snap = _snap(
        fixtures,
        ipt="iptables_csf.txt",
        ip6="ip6tables_empty.txt",
        csf="csf.conf",
        has_ipv6=False,
    )
    (f,) = fw.judge(snap, CFG)
    assert f.status is Status.WARN  # 2525 is in smtp.ports but not in CSF's SMTP_PORTS
    assert "2525" in f.title
    assert any(e.startswith('/etc/csf/csf.conf:6: SMTP_BLOCK = "1"') for e in f.evidence)
    cfg = Config().override(smtp__ports=[25, 465, 587])
    (f,) = fw.judge(snap, cfg)
    assert f.status is Status.PASS


def test_csf_configured_but_not_loaded_is_not_counted(fixtures: Path) -> None:
    snap = _snap(fixtures, nft="nft_empty.json", ipt="ip6tables_empty.txt", csf="csf.conf")
    (f,) = fw.judge(snap, CFG)
    assert f.status is Status.FAIL
    assert any("no SMTPOUTPUT chain is loaded" in e for e in f.evidence)


def test_nothing_to_look_at_is_skipped(fixtures: Path) -> None:
    (f,) = fw.judge(_snap(fixtures), CFG)
    assert f.status is Status.SKIPPED
    assert "not installed" in f.evidence[0]


def test_unparseable_nft_json_is_a_warning_with_the_reason(fixtures: Path, tmp_path: Path) -> None:
    snap = fw.FirewallSnapshot(fw.Source("{not json", "$ nft -j list ruleset"), NONE, NONE, None)
    (f,) = fw.judge(snap, CFG)
    # cannot tell: a warning that shows the problem, not a guess
    assert f.status is Status.WARN
    assert any("not nft JSON" in e for e in f.evidence)


def test_iptables_owner_reject_in_output(fixtures: Path) -> None:
    text = (
        "*filter\n:OUTPUT ACCEPT [0:0]\n"
        "-A OUTPUT -p tcp -m tcp --dport 25 -m owner ! --uid-owner 0 "
        "-j REJECT --reject-with tcp-reset\n"
        "-A OUTPUT -d 192.0.2.9/32 -p tcp -m tcp --dport 587 -j DROP\n"
        "COMMIT\n"
    )
    rs, _ = fw.ipt_restrictions(text, ipv6=False)
    assert [(r.ports, r.owner_match) for r in rs] == [(frozenset({25}), True)]


def test_parse_csf_conf_reports_bad_lines() -> None:
    values, problems = fw.parse_csf_conf('SMTP_BLOCK = "1"\nthis is not a setting\n')
    assert values["SMTP_BLOCK"] == ("1", 1)
    assert problems and problems[0].startswith("2: cannot parse")


def test_rulesets_rendered_by_spamtrace_firewall_are_recognised(fixtures: Path) -> None:
    """JSON of the firewall command's golden rulesets (owner, relay, redirect modes), as loaded
    by nft: `tcp dport != @smtp_ports accept` narrows the final reject to the SMTP ports."""
    for mode in ("owner-exceptions", "relay", "redirect"):
        text = (fixtures / f"nft_spamtrace_{mode}.json").read_text()
        (r,) = fw.nft_restrictions(text, [25])
        assert r.ports == frozenset({25, 465, 587, 2525}), mode
        assert r.owner_match and r.ipv4 and r.ipv6, mode
        (f,) = fw.judge(_snap(fixtures, nft=f"nft_spamtrace_{mode}.json"), CFG)
        assert f.status is Status.PASS, (mode, f.evidence)
        assert "spamtrace's own table (inet spamtrace): loaded" in f.evidence


def test_an_odd_chain_is_named_once_escaped() -> None:
    """The chain of an nft rule the audit cannot read is named raw in the ParseError: its one
    reader (the audit's problem line) escapes the whole message, and a chain name with a tab
    read ``\\\\t``."""
    import json

    from spamtrace.safetext import escape

    chain = "out\tput\x1b"
    text = json.dumps({"nftables": [
        {"chain": {"family": "inet", "table": "t", "name": chain, "hook": "output"}},
        {"rule": {"family": "inet", "table": "t", "chain": chain, "expr": 5}},
    ]})  # fmt: skip
    with pytest.raises(fw.ParseError) as caught:
        fw.nft_restrictions(text, [25])
    shown = escape(str(caught.value), 200)  # as the audit shows it
    assert "chain out\\tput\\x1b:" in shown and "\\\\" not in shown, shown
