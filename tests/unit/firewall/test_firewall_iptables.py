"""The iptables fallback: generated commands and restore input."""

from __future__ import annotations

from fwfake import check_golden, make_plan

from spamtrace.actions import iptables


def test_owner_restore_text_golden() -> None:
    plan = make_plan(
        firewall__exceptions=[{"user": "shop", "host": "smtp.sendgrid.net", "port": 587}]
    )
    v4 = iptables.restore_text(plan, 4)["filter"]
    v6 = iptables.restore_text(plan, 6)["filter"]
    check_golden("iptables-owner-v4.txt", v4)
    check_golden("iptables-owner-v6.txt", v6)
    lines = v4.splitlines()
    assert lines[0] == "*filter" and lines[1] == ":SPAMTRACE_SMTP - [0:0]" and lines[-1] == "COMMIT"
    assert (
        "-A SPAMTRACE_SMTP -m owner --uid-owner 0 -m comment --comment st:root -j RETURN" in lines
    )
    assert any("--uid-owner 102" in ln for ln in lines)
    assert any("--gid-owner 105" in ln for ln in lines)
    assert (
        "-A SPAMTRACE_SMTP -d 198.51.100.7/32 -p tcp --dport 587 -m owner --uid-owner 1001 "
        "-m comment --comment st:exception-0 -j RETURN" in lines
    )
    assert "2001:db8:25::7/128" in v6 and "198.51.100.7" not in v6
    # log and reject new connections (socketless packets have no owner)...
    assert lines[-4].startswith("-A SPAMTRACE_SMTP -p tcp --syn -j NFLOG --nflog-group 2525")
    assert lines[-3].endswith("-j REJECT --reject-with tcp-reset") and "--syn" in lines[-3]
    # ...and reset a connection opened before the apply: by owner, so only full sockets
    assert "--syn" not in lines[-2] and "--uid-owner 1-4294967294" in lines[-2]
    assert lines[-2].endswith("st:held -j REJECT --reject-with tcp-reset")


def test_apply_commands_per_family() -> None:
    plan = make_plan()
    cmds = iptables.apply_commands(plan, 6)
    argvs = [argv for argv, _ in cmds]
    assert argvs[0] == ["ip6tables-restore", "-w", "--noflush", "-T", "filter"]
    spec = ["-p", "tcp", "-m", "multiport", "--dports", "25,465,587,2525", "-j", "SPAMTRACE_SMTP"]
    assert argvs[1] == ["ip6tables", "-w", "-t", "filter", "-C", "OUTPUT", *spec]
    assert argvs[2] == ["ip6tables", "-w", "-t", "filter", "-I", "OUTPUT", "1", *spec]
    assert cmds[0][1] == iptables.restore_text(plan, 6)["filter"]


def test_relay_mode_restricts_mta_to_relays() -> None:
    plan = make_plan(firewall__mode="relay", firewall__relays=["192.0.2.25"])
    v4 = iptables.restore_text(plan, 4)["filter"]
    assert "-d 192.0.2.25/32 -m owner --uid-owner 102" in v4
    assert "-A SPAMTRACE_SMTP -m owner --uid-owner 102" not in v4
    v6 = iptables.restore_text(plan, 6)["filter"]
    assert "--uid-owner 102" not in v6  # no v6 relay: the MTA may not send over v6


def test_redirect_mode_uses_nat() -> None:
    plan = make_plan(firewall__mode="redirect")
    text = iptables.restore_text(plan, 4)["nat"]
    check_golden("iptables-redirect-v4.txt", text)
    assert "-j REDIRECT --to-ports 25" in text
    table, spec = iptables.jump_rule(plan)
    assert table == "nat" and spec[-1] == "SPAMTRACE_REDIR"


def test_remove_commands_touch_only_our_chains() -> None:
    for argv in iptables.remove_commands(4):
        assert argv[-1] in ("SPAMTRACE_SMTP", "SPAMTRACE_REDIR")
        assert argv[-2] in ("-F", "-X")
