"""A mailbox that logs in from this host, joined with the local processes that connected to
the MTA meanwhile (``spamtrace.policy.local_logins``)."""

from __future__ import annotations

from spamtrace.model import Verdict
from spamtrace.policy.incidents import Incident
from spamtrace.policy.local_logins import SLACK, advice_line, local_clients


def connect_incident(
    ident: str = "inc-a",
    verdict: Verdict = Verdict.SUBMISSION,
    dest: str = "127.0.0.1:587",
    seen: tuple[float, float] = (1000.0, 1010.0),
    connections: int = 15,
    script: str = "/home/shop/public_html/x.php",
    uid: int | None = 1001,
) -> Incident:
    return Incident(
        id=ident, verdict=verdict, uid=uid, user="shop", account="shop", account_kind="home",
        home="/home/shop", exe="/usr/bin/php8.2", cwd="/home/shop/public_html",
        scripts=(script,), cmdline=("php", "x.php"), connections=connections, blocked=0,
        destinations=(dest,), pids=(5,), first_seen=seen[0], last_seen=seen[1], reasons=(),
        methods=(("tracepoint", connections),),
    )  # fmt: skip


def test_a_login_from_loopback_names_the_local_sender() -> None:
    (client,) = local_clients(["127.0.0.1"], 1002.0, 1009.0, [connect_incident()])
    assert client["incident"] == "inc-a" and client["uid"] == 1001
    assert client["scripts"] == ["/home/shop/public_html/x.php"]
    assert client["destinations"] == ["127.0.0.1:587"]
    line = advice_line(["127.0.0.1"], [client])
    assert line.startswith("the mailbox is used from this host (127.0.0.1): uid 1001 ('shop')")
    assert "'/home/shop/public_html/x.php'" in line and "that script holds the password" in line


def test_ipv6_loopback_and_the_hosts_own_address_join() -> None:
    v6 = connect_incident(dest="[::1]:587")
    own = connect_incident("inc-b", dest="192.0.2.10:25")
    assert [c["incident"] for c in local_clients(["127.0.0.1"], 1000.0, 1000.0, [v6])] == ["inc-a"]
    got = local_clients(["192.0.2.10"], 1000.0, 1000.0, [own])
    assert [c["incident"] for c in got] == ["inc-b"]


def test_nothing_joins_a_remote_client_another_verdict_or_another_time() -> None:
    inc = connect_incident()
    assert local_clients(["203.0.113.5"], 1000.0, 1010.0, [inc]) == ()
    suspicious = connect_incident(verdict=Verdict.SUSPICIOUS, dest="10.0.0.2:25")
    assert local_clients(["127.0.0.1", "10.0.0.2"], 1000.0, 1010.0, [suspicious]) == ()
    later = 1010.0 + SLACK + 1
    assert local_clients(["127.0.0.1"], later, later + 5, [inc]) == ()
    assert local_clients(["127.0.0.1"], 1000.0, 1010.0, [connect_incident(uid=None)]) == ()


def test_several_candidates_are_named_most_connects_first() -> None:
    small = connect_incident("inc-small", connections=2, script="/home/shop/contact.php")
    big = connect_incident("inc-big", connections=40)
    got = local_clients(["127.0.0.1"], 1000.0, 1010.0, [small, big])
    assert [c["incident"] for c in got] == ["inc-big", "inc-small"]
    line = advice_line(["127.0.0.1"], got)
    assert "; or uid 1001" in line and "may use the same port)" in line
    assert line.endswith("the responses act on none of them: find the one that sends and stop "
                         "it by hand")  # fmt: skip


def test_a_name_from_the_host_is_escaped_in_the_advice() -> None:
    inc = connect_incident(script="/home/shop/\x1b[2Jx.php")
    line = advice_line(["127.0.0.1"], local_clients(["127.0.0.1"], 1000.0, 1000.0, [inc]))
    assert "\x1b" not in line and "\\x1b[2Jx.php" in line
