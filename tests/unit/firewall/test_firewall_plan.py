"""The plan: who is allowed, exceptions parsing (incl. malformed), refusal, impact."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from fwfake import EXIM, make_plan

from spamtrace.attribution.mta import NO_MTA
from spamtrace.config import Config
from spamtrace.errors import ConfigError
from spamtrace.model import (
    Account,
    AccountKind,
    AttributionMethod,
    Connection,
    Endpoint,
    ProcessInfo,
    SocketRecord,
    TcpState,
    Verdict,
)
from spamtrace.policy.firewall_plan import (
    FirewallMode,
    Outcome,
    RecentSender,
    assess_impact,
    decide,
)
from spamtrace.safetext import quoted


def test_default_plan_allows_root_and_mta() -> None:
    plan = make_plan()
    assert plan.mode is FirewallMode.OWNER
    assert [p.id for p in plan.allow_uids] == [0, 102]
    assert plan.allow_uids[1].name == "Debian-exim"
    assert plan.uid_set == (102,)
    assert plan.gid_set == (105,)
    assert plan.refusal is None
    assert plan.ports == (25, 465, 587, 2525)


def test_no_mta_refuses_with_how_to_name_it() -> None:
    plan = make_plan(NO_MTA)
    assert plan.refusal is not None
    assert "[mta] users" in plan.refusal and "exes" in plan.refusal


def test_relay_mode_needs_no_mta_but_needs_relays() -> None:
    plan = make_plan(NO_MTA, firewall__mode="relay", firewall__relays=["192.0.2.25"])
    assert plan.refusal is None and plan.relay_addresses == ("192.0.2.25",)
    with pytest.raises(ConfigError, match="relays"):
        make_plan(firewall__mode="relay")


def test_unresolvable_relay_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="does not resolve"):
        make_plan(firewall__mode="relay", firewall__relays=["nowhere.invalid"])


def test_a_relay_with_a_port_or_brackets_is_said_so_not_looked_up() -> None:
    """`relays = ["[2001:db8::25]:587"]` (the shape allow_destinations takes) was looked up
    in the DNS and refused as "does not resolve"; `[2001:db8::25]` too. A bracketed address
    is the address; a port is refused with why (a relay is allowed on every SMTP port)."""
    plan = make_plan(firewall__mode="relay", firewall__relays=["[2001:db8::25]"])
    assert plan.relay_addresses == ("2001:db8::25",)
    for relay in ("[2001:db8::25]:587", "192.0.2.25:587", "smtp.example.net:587"):
        with pytest.raises(ConfigError, match=r"takes no port.*every SMTP port") as info:
            make_plan(firewall__mode="relay", firewall__relays=[relay])
        assert "does not resolve" not in str(info.value)
    with pytest.raises(ConfigError, match="not an address, a network or a host name"):
        make_plan(firewall__mode="relay", firewall__relays=["[2001:db8::25"])


def test_an_exception_host_in_brackets_or_with_a_port_is_read_or_said_so() -> None:
    """`host = "[2001:db8::1]"` and `host = "smtp.example.net:587"` were looked up in the
    DNS ("does not resolve"), and an IPv6 host read `-> 2001:db8::1:587`."""
    plan = make_plan(firewall__exceptions=[{"user": "shop", "host": "[2001:db8::1]", "port": 587}])
    (exc,) = plan.exceptions
    assert exc.addresses == ("2001:db8::1",) and exc.describe() == "user shop -> [2001:db8::1]:587"
    for host in ("smtp.example.net:587", "[2001:db8::1]:587", "192.0.2.9:25"):
        with pytest.raises(ConfigError, match=r"\.host: .* holds a port: give it as port = ") as e:
            make_plan(firewall__exceptions=[{"user": "shop", "host": host}])
        assert "does not resolve" not in str(e.value)


@pytest.mark.parametrize(
    ("exceptions", "message"),
    [
        ([{"user": "shop", "prot": 587}], "unknown key 'prot'"),
        ([{}], "empty exception"),
        ([{"comment": "only a comment"}], "empty exception"),
        ([{"user": "shop", "port": 70000}], "not a TCP port"),
        ([{"user": "shop", "port": "587"}], "not a TCP port"),
        ([{"user": "shop", "port": True}], "not a TCP port"),
        ([{"user": "shop", "port": 8025}], "not one of smtp.ports"),
        ([{"user": "nosuchuser", "port": 587}], "no such user 'nosuchuser'"),
        ([{"group": "nosuchgroup"}], "no such group"),
        ([{"user": ""}], "non-empty string"),
        ([{"user": 1001}], "non-empty string"),
        ([{"host": "a.example", "network": "10.0.0.0/8"}], "either host or network"),
        ([{"network": "10.0.0.300/8"}], "not an IP network"),
        ([{"user": "shop", "host": "nowhere.invalid", "port": 587}], "does not resolve"),
        (["shop:587"], "expected a table"),
    ],
)
def test_malformed_exceptions(exceptions: list[Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        make_plan(firewall__exceptions=exceptions)
    assert "firewall.exceptions[0]" in info.value.message


def test_unknown_allow_user_is_an_error() -> None:
    with pytest.raises(ConfigError, match="allow_users"):
        make_plan(firewall__allow_users=["ghost"])


def test_exception_parsing_resolves_and_normalises() -> None:
    plan = make_plan(
        firewall__exceptions=[
            {"user": "shop", "host": "smtp.sendgrid.net", "port": 587},
            {"network": "203.0.113.9/24"},
            {"user": "1500", "host": "198.51.100.99"},
        ]
    )
    first, second, third = plan.exceptions
    assert first.uid == 1001 and first.addresses == (
        "198.51.100.7",
        "198.51.100.8",
        "2001:db8:25::7",
    )
    assert second.addresses == ("203.0.113.0/24",)
    assert third.uid == 1500 and third.addresses == ("198.51.100.99",)
    assert first.describe() == "user shop -> smtp.sendgrid.net:587"


def test_decide_owner_mode() -> None:
    plan = make_plan(
        firewall__exceptions=[{"user": "shop", "host": "smtp.sendgrid.net", "port": 587}]
    )
    assert decide(plan, 0, 0, "192.0.2.1", 25, local=False)[0] is Outcome.ALLOWED
    assert decide(plan, 102, 105, "192.0.2.1", 25, local=False)[0] is Outcome.ALLOWED
    assert decide(plan, 1001, 1001, "192.0.2.1", 25, local=False)[0] is Outcome.BLOCKED
    assert decide(plan, 1001, 1001, "198.51.100.7", 587, local=False)[0] is Outcome.ALLOWED
    assert decide(plan, 1001, 1001, "198.51.100.7", 25, local=False)[0] is Outcome.BLOCKED
    assert decide(plan, 1002, 1002, "198.51.100.7", 587, local=False)[0] is Outcome.BLOCKED
    assert decide(plan, 1001, 1001, "192.0.2.1", 443, local=False)[0] is Outcome.ALLOWED
    assert decide(plan, 1001, 1001, "127.0.0.1", 25, local=True)[0] is Outcome.ALLOWED
    assert decide(plan, None, None, "192.0.2.1", 25, local=False)[0] is Outcome.BLOCKED
    # the MTA's group alone is enough (a setgid helper of the MTA)
    assert decide(plan, 4242, 105, "192.0.2.1", 25, local=False)[0] is Outcome.ALLOWED


def test_decide_relay_and_redirect_modes() -> None:
    relay = make_plan(firewall__mode="relay", firewall__relays=["192.0.2.25"])
    assert decide(relay, 102, 105, "192.0.2.25", 25, local=False)[0] is Outcome.ALLOWED
    outcome, reason = decide(relay, 102, 105, "198.51.100.1", 25, local=False)
    assert outcome is Outcome.BLOCKED and "relay" in reason
    assert decide(relay, 0, 0, "198.51.100.1", 25, local=False)[0] is Outcome.ALLOWED
    redirect = make_plan(firewall__mode="redirect")
    assert decide(redirect, 1001, 1001, "192.0.2.1", 25, local=False)[0] is Outcome.REDIRECTED


def _conn(uid: int, exe: str, remote: str, port: int, pid: int) -> Connection:
    sock = SocketRecord(
        family=2,
        state=TcpState.ESTABLISHED,
        local=Endpoint("10.0.0.1", 40000 + pid),
        remote=Endpoint(remote, port),
        uid=uid,
        inode=pid,
        source="sockdiag",
    )
    proc = ProcessInfo(
        pid=pid,
        start_time=1.0,
        name=exe.rsplit("/", 1)[-1],
        exe=exe,
        cmdline=(exe,),
        uid=uid,
        euid=uid,
        gid=uid if uid != 102 else 105,
        user={0: "root", 102: "Debian-exim", 1001: "shop"}.get(uid),
        cwd="/",
        scripts=(),
        parents=(),
        method=AttributionMethod.LIVE,
    )
    account = Account("shop", AccountKind.HOME, "/home/shop") if uid == 1001 else None
    return Connection(
        socket=sock, process=proc, account=account, verdict=Verdict.SUSPICIOUS, reasons=()
    )


def test_impact_from_fixture_connections_and_recent_senders() -> None:
    plan = make_plan(
        firewall__exceptions=[{"user": "shop", "host": "smtp.sendgrid.net", "port": 587}]
    )
    conns = [
        _conn(1001, "/usr/bin/php8.2", "192.0.2.9", 25, 10),
        _conn(1001, "/usr/bin/php8.2", "192.0.2.9", 25, 11),
        _conn(1001, "/usr/bin/php8.2", "198.51.100.7", 587, 12),
        _conn(102, "/usr/sbin/exim4", "192.0.2.9", 25, 13),
        _conn(0, "/usr/bin/python3", "192.0.2.9", 25, 14),
    ]
    recent = [
        RecentSender(
            uid=1002,
            user="blog",
            account="blog",
            exe="/usr/bin/perl",
            destinations=("192.0.2.50:25", "[2001:db8::9]:25"),
            attempts=40,
        ),
        RecentSender(
            uid=102,
            user="Debian-exim",
            account=None,
            exe="/usr/sbin/exim4",
            destinations=("192.0.2.9:25",),
            attempts=3,
        ),
    ]
    impact = assess_impact(plan, conns, recent)
    blocked = impact.blocked
    assert len(blocked) == 2
    php = next(e for e in blocked if e.seen == "now")
    assert (php.uid, php.exe, php.remote, php.count) == (1001, "/usr/bin/php8.2", "192.0.2.9:25", 2)
    assert php.account == "shop"
    perl = next(e for e in blocked if e.seen == "recent")
    assert perl.uid == 1002 and perl.count == 40 and "2001:db8::9" in perl.remote
    allowed = {(e.uid, e.remote): e.reason for e in impact.allowed}
    assert "exception #0" in allowed[(1001, "198.51.100.7:587")]
    assert "MTA" in allowed[(102, "192.0.2.9:25")]
    assert "root" in allowed[(0, "192.0.2.9:25")]


def test_mta_identity_used_as_is() -> None:
    plan = make_plan(EXIM)
    assert plan.mta_kind == "exim" and plan.mta_users == ("Debian-exim",)


# ------------------------------------------------------------------ [submission] -> exceptions


def test_submission_accounts_and_destinations_become_exceptions() -> None:
    plan = make_plan(
        submission__allow_accounts=["shop"],
        submission__allow_destinations=["smtp.sendgrid.net:587", "203.0.113.0/24"],
    )
    assert plan.refusal is None
    by_origin: dict[str, list[Any]] = {}
    for exc in plan.exceptions:
        by_origin.setdefault(exc.source, []).append(exc)
    # an account: its uid, on every submission port (not 25, a relay port)
    shop = by_origin["submission.allow_accounts[0]"]
    assert {(e.uid, e.port) for e in shop} == {(1001, 465), (1001, 587), (1001, 2525)}
    (grid,) = by_origin["submission.allow_destinations[0]"]
    assert grid.port == 587 and grid.uid is None
    assert grid.addresses == ("198.51.100.7", "198.51.100.8", "2001:db8:25::7")
    net = by_origin["submission.allow_destinations[1]"]
    assert {e.port for e in net} == {465, 587, 2525} and net[0].addresses == ("203.0.113.0/24",)
    # what check calls a legitimate submission is what the firewall lets through
    assert decide(plan, 1001, 1001, "192.0.2.99", 587, local=False)[0] is Outcome.ALLOWED
    assert decide(plan, 1002, 1002, "198.51.100.8", 587, local=False)[0] is Outcome.ALLOWED
    assert decide(plan, 1002, 1002, "203.0.113.9", 465, local=False)[0] is Outcome.ALLOWED
    # ...and nothing more: port 25 from the account, other destinations from other users
    assert decide(plan, 1001, 1001, "192.0.2.99", 25, local=False)[0] is Outcome.BLOCKED
    assert decide(plan, 1002, 1002, "198.51.100.8", 465, local=False)[0] is Outcome.BLOCKED
    reason = decide(plan, 1001, 1001, "192.0.2.99", 587, local=False)[1]
    assert "submission.allow_accounts[0]" in reason


def test_submission_exceptions_are_rendered() -> None:
    from spamtrace.actions.nftables import render

    plan = make_plan(submission__allow_accounts=["shop"])
    ruleset = render(plan)
    assert "meta skuid 1001 tcp dport 587 accept" in ruleset


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"submission__allow_accounts": ["nosuch"]}, "allow_accounts[0]: 'nosuch' is not a user"),
        ({"submission__allow_destinations": ["nowhere.invalid:587"]}, "does not resolve"),
        ({"submission__allow_destinations": ["[2001:db8::1"]}, "cannot read"),
    ],
)
def test_submission_entries_the_firewall_cannot_apply_refuse_with_the_reason(
    section: dict[str, Any], message: str
) -> None:
    plan = make_plan(**section)
    assert plan.refusal is not None and message in plan.refusal


def test_submission_destination_on_a_relay_port_is_a_note_not_an_exception() -> None:
    plan = make_plan(submission__allow_destinations=["198.51.100.7:25"])
    assert plan.refusal is None and plan.exceptions == ()
    assert any("port 25 is a relay port" in n for n in plan.notes)


@pytest.mark.parametrize(
    ("entry", "port"),
    [("fd57:d4::2:465", 465), ("2001:db8::1:587", 587), ("2001:db8::25", 25),
     ("2001:db8:0::7:2525", 2525)],
)  # fmt: skip
def test_an_unbracketed_v6_destination_ending_like_a_port_is_an_address_with_a_note(
    entry: str, port: int
) -> None:
    """`allow_destinations = ["fd57:d4::2:465"]` was read as the address fd57:d4::2:465 on
    every submission port without a word: the admin meant port 465. It is an address (an
    unbracketed v6 address carries no port), and the plan says "[addr]:port" is the form."""
    plan = make_plan(submission__allow_destinations=[entry])
    assert plan.refusal is None
    address = str(ipaddress.ip_address(entry))
    (exc, *_) = plan.exceptions
    assert exc.addresses == (address,) and {e.port for e in plan.exceptions} == {465, 587, 2525}
    (note,) = [n for n in plan.notes if "allow_destinations[0]" in n]
    assert f"is read as the IPv6 address {address}" in note, note
    assert f"]:{port}'" in note and "[addr]:port" in note, note
    bracketed = note.split("write '")[1].split("'")[0]
    meant = make_plan(submission__allow_destinations=[bracketed])
    if port == 25:  # a relay port: that form is understood, and said to be no submission
        assert any("port 25 is a relay port" in n for n in meant.notes), meant.notes
    else:
        assert [e.port for e in meant.exceptions] == [port]


@pytest.mark.parametrize(
    "entry",
    [
        "2001:db8::1",
        "[2001:db8::1]:465",
        "2001:db8::/64",
        "2001:db8::1:8080",
        "203.0.113.7:465",
        "2001:db8:0:0:0:0:1:587",  # 8 groups: no room for a port
    ],
)
def test_other_destinations_get_no_port_note(entry: str) -> None:
    plan = make_plan(submission__allow_destinations=[entry])
    assert plan.refusal is None
    assert not [n for n in plan.notes if "allow_destinations[0]" in n], plan.notes


def _v6_key(key: str, entry: str) -> tuple[dict[str, Any], str]:
    """The config overrides that put ``entry`` in ``key``, and the key's name in notes."""
    if key == "relays":
        return {"firewall__mode": "relay", "firewall__relays": [entry]}, "firewall.relays[0]"
    table = {"user": "shop", key: entry}
    return {"firewall__exceptions": [table]}, f"firewall.exceptions[0].{key}"


@pytest.mark.parametrize("key", ["relays", "host", "network"])
@pytest.mark.parametrize(
    ("entry", "port"),
    [("fd57:d4::2:465", 465), ("2001:db8::1:587", 587), ("2001:db8::25", 25),
     ("2001:db8:0::7:2525", 2525)],
)  # fmt: skip
def test_an_unbracketed_v6_relay_or_exception_ending_like_a_port_gets_the_note(
    key: str, entry: str, port: int
) -> None:
    """`relays = ["fd57:d4::2:465"]` or an exception's `host = "fd57:d4::2:587"` was the
    address fd57:d4::2:465 (every SMTP port) without a word, as allow_destinations was
    before: the same note, saying what to write there (a relay takes no port; an exception
    takes it as `port`), and what it says to write gives the address meant."""
    overrides, where = _v6_key(key, entry)
    plan = make_plan(**overrides)
    assert plan.refusal is None
    address = str(ipaddress.ip_address(entry))
    if key == "relays":
        assert plan.relay_addresses == (address,)
    else:
        (exc,) = plan.exceptions
        assert exc.addresses[0].removesuffix("/128") == address and exc.port is None
    (note,) = [n for n in plan.notes if n.startswith(where + ":")]
    assert f"{quoted(entry)} is read as the IPv6 address {address}" in note, note
    assert "[addr]:port" in note and f"if {port} is the port" in note, note
    head = note.rsplit("'", 2)[1]  # the last quoted text: the address meant
    if key == "relays":
        assert note.endswith(f"write {quoted(head)}"), note
        meant = make_plan(firewall__mode="relay", firewall__relays=[head])
        assert meant.notes == () and meant.relay_addresses == (str(ipaddress.ip_address(head)),)
    else:
        assert note.endswith(f"write {key} = {quoted(head)}, port = {port}"), note
        fixed = {"user": "shop", key: head, "port": port}
        meant = make_plan(firewall__exceptions=[fixed])
        assert meant.notes == () and meant.exceptions[0].port == port
        assert meant.exceptions[0].addresses[0].removesuffix("/128") == str(
            ipaddress.ip_address(head)
        )


_NO_NOTE = ["2001:db8::1", "[2001:db8::25]", "2001:db8::1:8080", "2001:db8:0:0:0:0:1:587",
            "192.0.2.25", "2001:db8::/64"]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "entry"),
    [(key, entry) for key in ("relays", "host", "network") for entry in _NO_NOTE
     # the shapes each key takes: a host no prefix, a network no brackets
     if not (key == "host" and "/" in entry) and not (key == "network" and "[" in entry)],
)  # fmt: skip
def test_other_relays_and_exception_hosts_get_no_port_note(key: str, entry: str) -> None:
    overrides, where = _v6_key(key, entry)
    plan = make_plan(**overrides)
    assert plan.refusal is None
    assert not [n for n in plan.notes if n.startswith(where)], plan.notes


def test_relays_outside_relay_mode_get_no_note_in_the_plan() -> None:
    """The plan of owner mode reads no relays: it says nothing of them (config check does)."""
    plan = make_plan(firewall__relays=["fd57:d4::2:465"])
    assert plan.refusal is None and plan.notes == ()
    from spamtrace.policy.firewall_plan import destination_notes

    (note,) = destination_notes(Config().override(firewall__relays=["fd57:d4::2:465"]))
    assert note.startswith("firewall.relays[0]: 'fd57:d4::2:465' is read as"), note


def test_the_plan_says_what_keeps_working_and_to_watch_first() -> None:
    from spamtrace.policy.firewall_plan import KEEPS_WORKING, no_store_advice

    assert any("Inbound mail keeps working" in line for line in KEEPS_WORKING)
    assert any("mail() and sendmail keep working" in line for line in KEEPS_WORKING)
    assert "for a day" in no_store_advice("/var/lib/spamtrace/spamtrace.db")


def test_plan_human_view_is_plain_ascii_in_a_pipe_and_never_markup() -> None:
    import io

    from rich.console import Console

    from spamtrace.policy.firewall_plan import Impact, ImpactEntry
    from spamtrace.render.firewall import print_plan

    plan = make_plan(submission__allow_accounts=["shop"])
    evil = ImpactEntry(Outcome.BLOCKED, "uid 1002 is not root", "now", 1002, "[bold]blog[/]",
                       None, "/home/blog/:smile:.php", 7, "198.51.100.7:25")  # fmt: skip
    buf = io.StringIO()
    con = Console(file=buf, width=240, force_terminal=False, markup=False, emoji=False)
    print_plan(con, plan, "nft", Impact((evil,)), "table inet spamtrace {\n}\n")
    out = buf.getvalue()
    assert out.isascii()
    assert "[bold]blog[/]" in out and ":smile:" in out
    assert "submission.allow_accounts[0]" in out and "mail() and sendmail keep working" in out
    assert "BLOCKED" in out and "table inet spamtrace {" in out


def test_plan_human_view_escapes_refusals_and_notes_once() -> None:
    """A refusal or note names a value quoted (escaped) where it was put in: `firewall plan`
    escaped it again (a tab read ``\\\\t``, a bad byte ``\\\\xff``); a raw value in a note is
    escaped where it is put in, so a control character never reaches the terminal."""
    import io

    from rich.console import Console

    from spamtrace.policy.firewall_plan import Impact
    from spamtrace.render.firewall import print_plan

    name = "sh\top\udcff\x1b[2J"
    for plan, notes in (
        (make_plan(submission__allow_accounts=[name]), ()),
        (make_plan(submission__allow_destinations=[f"{name}:25"]), ()),
        (make_plan(), ("recent senders: skipped (store 'a\\tb': locked)",)),
    ):
        buf = io.StringIO()
        con = Console(file=buf, width=400, force_terminal=False, markup=False, emoji=False)
        print_plan(con, plan, "nft", Impact((), notes), "table inet spamtrace {\n}\n")
        out = buf.getvalue()
        assert "\\\\" not in out and "\t" not in out and "\x1b" not in out, out
        assert "sh\\top\\xff\\x1b[2J" in out or "'a\\tb'" in out, out


def test_an_mta_user_this_host_does_not_have_is_said_not_dropped() -> None:
    """`[mta] users = ["postfix"]` on an Exim host (a typo, or a fleet's shared config)
    allowed nothing and plan said nothing; where no MTA was detected, the refusal asked to
    name the MTA in `[mta] users`, which the admin had done."""
    plan = make_plan(mta__users=["Debian-exim", "postfx"])
    assert plan.refusal is None and [p.id for p in plan.allow_uids] == [0, 102]
    assert plan.notes == (
        "mta.users[1]: no user 'postfx' on this host: it allows nothing (the MTA's users "
        "here: 'Debian-exim')",
    )
    refused = make_plan(NO_MTA, mta__users=["exim"])
    assert refused.refusal is not None
    assert refused.refusal.endswith("([mta] users names 'exim': no such user on this host)")
    assert make_plan(mta__users=["Debian-exim"]).notes == ()


@pytest.mark.parametrize("width", [80, 100])
def test_the_impact_on_a_narrow_terminal_never_folds_a_path_or_an_address(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On an 80-column terminal the impact table folded every cell inside a word:
    `/usr/bin/p` over `hp8.2 (pid`, `10.231.77.` over `2:25`, an address no one could copy.
    Too narrow for the table, each sender is a block, its fields under labels."""
    import io

    from rich.console import Console

    from spamtrace.policy.firewall_plan import Impact, ImpactEntry

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    from spamtrace.render.firewall import print_plan

    entries = (
        ImpactEntry(Outcome.BLOCKED, "uid 1002 is not root, the MTA or an exception", "now",
                    1002, "st4bb967", "st4bb967", "/usr/bin/php8.2", 8364, "10.231.77.2:25"),
        ImpactEntry(Outcome.BLOCKED, "uid 1003 is not root, the MTA or an exception", "recent",
                    1003, "shop", "shop", "/home/shop/public_html/wp-content/uploads/fx", None,
                    "10.231.146.2:25, 10.231.156.2:25", 20020),
    )  # fmt: skip
    con = Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)
    print_plan(con, make_plan(), "nft", Impact(entries), "table inet spamtrace {\n}\n")
    out = con.file.getvalue()  # type: ignore[attr-defined]
    assert all(len(line) <= width for line in out.splitlines()), out
    for whole in ("/usr/bin/php8.2 (pid 8364)", "10.231.77.2:25", "10.231.146.2:25",
                  "/home/shop/public_html/wp-content/uploads/fx", "20020"):  # fmt: skip
        assert whole in out, (whole, out)
    assert "Allowed to open connections to SMTP ports (25, 465, 587, 2525):" in out
