"""dnsbl.listed: RFC 5782 test points first; untrustworthy resolvers are skipped, never pass."""

from __future__ import annotations

import pytest

from spamtrace.audit import dnsbl
from spamtrace.audit.environment import AuditEnv
from spamtrace.audit.finding import Status
from spamtrace.config import Config
from spamtrace.errors import ConfigError

INFO = dnsbl.load_zone_info()
ZONE = "zen.spamhaus.org"


class FakeDns:
    """Answers from a dict name -> DnsAnswer; anything else -> ``default``."""

    def __init__(self, records: dict[str, dnsbl.DnsAnswer], default: dnsbl.DnsAnswer) -> None:
        self.records = records
        self.default = default
        self.asked: list[str] = []

    def a(self, name: str) -> dnsbl.DnsAnswer:
        self.asked.append(name)
        return self.records.get(name, self.default)

    def txt(self, name: str) -> tuple[str, ...]:
        return ("Listed: see https://check.spamhaus.org/",) if name in self.records else ()


NX = dnsbl.DnsAnswer("nxdomain")


def A(*addrs: str) -> dnsbl.DnsAnswer:
    return dnsbl.DnsAnswer("answer", addrs)


def _zone_finding(q: FakeDns, ips: list[str], zone: str = ZONE) -> dnsbl.Finding:
    zr = dnsbl.query_zone(q, zone, ips, INFO.get(zone))
    return dnsbl.judge_zone(zr, INFO.get(zone, dnsbl.ZoneInfo()), "nameservers 127.0.0.1:53")


def test_reverse_names() -> None:
    assert dnsbl.reverse_name("192.0.2.10", "z.example") == "10.2.0.192.z.example"
    v6 = dnsbl.reverse_name("2001:db8::1", "z")
    assert v6.startswith("1.0.0.0.") and v6.endswith(".8.b.d.0.1.0.0.2.z")


def test_listed_address_fails_with_code_meaning_and_txt() -> None:
    q = FakeDns(
        {
            f"2.0.0.127.{ZONE}": A("127.0.0.2"),
            f"10.2.0.192.{ZONE}": A("127.0.0.4"),
        },
        NX,
    )
    f = _zone_finding(q, ["192.0.2.10", "192.0.2.20"])
    assert f.status is Status.FAIL
    assert f.subject == ZONE
    joined = "\n".join(f.evidence)
    assert "192.0.2.10: LISTED: 127.0.0.4 = XBL: exploited host" in joined
    assert "192.0.2.10: TXT: Listed: see https://check.spamhaus.org/" in joined
    assert "192.0.2.20: not listed" in joined
    assert "https://check.spamhaus.org/" in f.fix


def test_clean_address_passes_only_after_test_points() -> None:
    q = FakeDns({f"2.0.0.127.{ZONE}": A("127.0.0.2")}, NX)
    f = _zone_finding(q, ["192.0.2.20"])
    assert f.status is Status.PASS
    assert q.asked[:2] == [f"2.0.0.127.{ZONE}", f"1.0.0.127.{ZONE}"]


def test_nxdomain_for_everything_is_skipped_not_pass() -> None:
    q = FakeDns({}, NX)
    f = _zone_finding(q, ["192.0.2.20"])
    assert f.status is Status.SKIPPED
    assert "NXDOMAIN" in f.evidence[-1] and "cannot be trusted" in f.evidence[-1]
    assert q.asked == [f"2.0.0.127.{ZONE}"]  # the address itself is never looked up


def test_wildcard_resolver_is_skipped() -> None:
    q = FakeDns({}, A("127.0.0.2"))
    f = _zone_finding(q, ["192.0.2.20"])
    assert f.status is Status.SKIPPED
    assert "wildcard" in f.evidence[-1]


def test_timeout_is_skipped() -> None:
    q = FakeDns({}, dnsbl.DnsAnswer("timeout", detail="no answer within 1s"))
    f = _zone_finding(q, ["192.0.2.20"])
    assert f.status is Status.SKIPPED
    assert "no answer within 1s" in f.evidence[-1]


def test_spamhaus_public_resolver_error_code_is_skipped_with_meaning() -> None:
    q = FakeDns({}, A("127.255.255.254"))
    f = _zone_finding(q, ["192.0.2.20"])
    assert f.status is Status.SKIPPED
    assert "public/open resolver" in f.evidence[-1]


def test_nxdomain_rewriting_resolver_is_skipped() -> None:
    q = FakeDns({}, A("198.51.100.80"))
    f = _zone_finding(q, ["192.0.2.20"])
    assert f.status is Status.SKIPPED
    assert "outside 127.0.0.0/8" in f.evidence[-1]


def test_retired_zone_is_never_queried() -> None:
    q = FakeDns({}, NX)
    f = _zone_finding(q, ["192.0.2.20"], zone="dnsbl.sorbs.net")
    assert f.status is Status.SKIPPED and q.asked == []
    assert "shut down" in f.evidence[-1]


def test_ipv6_only_where_the_zone_supports_it() -> None:
    q = FakeDns({"2.0.0.127.bl.spamcop.net": A("127.0.0.2")}, NX)
    f = _zone_finding(q, ["2001:db8::1"], zone="bl.spamcop.net")
    assert f.status is Status.SKIPPED  # nothing could be checked
    assert "no IPv6 data" in "\n".join(f.evidence)


def test_no_public_address_is_skipped() -> None:
    snap = dnsbl.DnsblSnapshot((), "no public (global) address", "system", (), INFO, 1.0)
    (f,) = dnsbl.judge(snap, Config())
    assert f.status is Status.SKIPPED and "--ip" in f.fix


def test_gather_with_fake_querier_and_bad_input() -> None:
    cfg = Config().override(audit__dnsbl_zones=[ZONE, "unknown.example"])
    env = AuditEnv(cfg=cfg, ips=("192.0.2.20",))
    q = FakeDns({f"2.0.0.127.{ZONE}": A("127.0.0.2")}, NX)
    snap = dnsbl.gather(env, querier=q)
    statuses = {f.subject: f.status for f in dnsbl.judge(snap, cfg)}
    assert statuses == {ZONE: Status.PASS, "unknown.example": Status.SKIPPED}
    with pytest.raises(ConfigError):
        dnsbl.gather(AuditEnv(cfg=cfg, ips=("not-an-ip",)), querier=q)
    with pytest.raises(ConfigError):
        dnsbl.parse_server("dns.example:53")


def test_parse_server() -> None:
    assert dnsbl.parse_server("127.0.0.1:5353") == ("127.0.0.1", 5353)
    assert dnsbl.parse_server("[::1]:5300") == ("::1", 5300)
    assert dnsbl.parse_server("::1") == ("::1", 53)
    assert dnsbl.parse_server("10.0.0.1") == ("10.0.0.1", 53)


def test_data_file_is_consistent() -> None:
    """Every zone in the data file (and every default zone) has valid return codes."""
    import ipaddress

    for zone in Config().audit.dnsbl_zones:
        assert zone in INFO, zone
    for zone, info in INFO.items():
        assert info.name, zone
        if not info.retired:
            assert info.delist.startswith("https://"), zone
            assert info.codes, zone
        for code in [*info.codes, *info.errors]:
            assert ipaddress.ip_address(code) in ipaddress.ip_network("127.0.0.0/8"), code
    with pytest.raises(ConfigError):
        dnsbl.load_zone_info('[zones."x"]\nnmae = "typo"\n')


def test_no_network_is_said_in_one_plain_line() -> None:
    """dnspython's errors when no server could be sent the query (as in a network namespace
    without a route): the finding said "no server answered usefully: All nameservers failed
    to answer the query ...: Server Do53:10.255.255.53@53 answered [Errno 101] Network is
    unreachable". It now names the server and the reason, and that there may be no network."""
    from spamtrace.audit.dnsbl import unreachable_servers

    down = OSError(101, "Network is unreachable")
    errors = [("Do53:10.255.255.53@53", False, 53, down, None)]
    assert unreachable_servers(errors) == (
        "cannot reach the DNS server 10.255.255.53:53: Network is unreachable (no network?)"
    )
    six = [("Do53:::1@5353", False, 5353, down, None), ("Do53:::1@5353", True, 5353, down, None)]
    assert unreachable_servers(six) == (
        "cannot reach the DNS server [::1]:5353: Network is unreachable (no network?)"
    )
    answered = [("Do53:10.0.0.53@53", False, 53, ValueError("SERVFAIL"), None)]
    assert unreachable_servers([*errors, *answered]) is None  # a server answered: its words
    assert unreachable_servers([]) is None


@pytest.mark.parametrize(
    ("addr", "why"),
    [
        ("10.1.2.3", "private"), ("127.0.0.1", "loopback"), ("169.254.7.7", "link-local"),
        ("240.0.0.1", "reserved"), ("100.64.0.9", "shared"), ("0.0.0.0", "unspecified"),
        ("::1", "loopback"), ("fe80::1", "link-local"), ("fd00::5", "private"),
        ("::ffff:10.0.0.1", "private"), ("192.0.2.7", "documentation"), ("224.0.0.5", "multicast"),
    ],
)  # fmt: skip
def test_a_non_public_ip_is_refused_with_why(
    addr: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Blacklists list public addresses: a private one can never be listed, so looking it up
    would only pass (and read as "not listed")."""
    from spamtrace.cli import main as cli_main

    assert cli_main.main(["audit", "--only", "dnsbl", "--ip", "8.8.8.8", addr]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and why in err and "public" in err, err
    assert "--allow-non-public" in err and "Traceback" not in err
    assert dnsbl.not_public(addr) is not None
    assert dnsbl.not_public("8.8.8.8") is None and dnsbl.not_public("2a00:1450::1") is None


def test_the_flag_looks_a_non_public_ip_up_anyway(monkeypatch: pytest.MonkeyPatch) -> None:
    from spamtrace.cli import main as cli_main

    seen: list[tuple[str, ...]] = []

    def fake_gather(env: AuditEnv, querier: object = None) -> dnsbl.DnsblSnapshot:
        seen.append(env.ips)
        return dnsbl.DnsblSnapshot((), "--ip", "system", (), INFO, 1.0)

    monkeypatch.setattr(dnsbl, "gather", fake_gather)
    args = ["audit", "--json", "--only", "dnsbl", "--ip", "10.1.2.3", "--allow-non-public"]
    assert cli_main.main(args) in (0, 1)
    assert seen == [("10.1.2.3",)]


def test_own_non_public_addresses_are_skipped_with_a_note() -> None:
    public, skipped = dnsbl.split_addresses(["10.0.0.5", "203.0.114.9", "fe80::1", "127.0.0.1"])
    assert public == ["203.0.114.9"]
    assert skipped == [("10.0.0.5", "a private address"), ("fe80::1", "a link-local address"),
                       ("127.0.0.1", "a loopback address")]  # fmt: skip
    snap = dnsbl.DnsblSnapshot((), "no public address", "system", (), INFO, 1.0, tuple(skipped))
    (f,) = dnsbl.judge(snap, Config())
    assert any("10.0.0.5 (a private address)" in e for e in f.evidence), f.evidence
    q = FakeDns({f"2.0.0.127.{ZONE}": A("127.0.0.2")}, NX)
    zr = dnsbl.query_zone(q, ZONE, public, INFO.get(ZONE))
    snap = dnsbl.DnsblSnapshot(tuple(public), "interfaces", "system", (zr,), INFO, 1.0,
                               tuple(skipped))  # fmt: skip
    (f,) = dnsbl.judge(snap, Config())
    assert f.status is Status.PASS and any("not looked up" in e and "fe80::1" in e
                                           for e in f.evidence), f.evidence  # fmt: skip


def test_parse_server_refuses_text_after_the_brackets() -> None:
    """`[::1]x` and `[::1]53` were asked on port 53 as if the rest were not there; `[::1`
    was cut to ':' and refused as "not an IP address"."""
    assert dnsbl.parse_server("[::1]") == ("::1", 53)
    for bad in ("[::1]x", "[::1]53", "[::1"):
        with pytest.raises(ConfigError, match="not an address, address:port or"):
            dnsbl.parse_server(bad)


def test_an_unbracketed_v6_nameserver_ending_in_a_dns_port_is_noted() -> None:
    """`fd57:d4::2:53` is the address fd57:d4::2:53, asked on port 53 (as
    `submission.allow_destinations` reads fd57:d4::2:465): the finding says so and how to
    write the port; the resolver is shown [v6]:port (it read "fd57:d4::2:53:53"). An address
    whose last group is no DNS port (Google's 2001:4860:4860::8888) gets no note."""
    servers = ["fd57:d4::2:53", "2001:4860:4860::8888", "[fd57:d4::2]:5353", "10.0.0.53:5353"]
    cfg = Config().override(audit__dnsbl_zones=[ZONE], audit__dnsbl_nameservers=servers)
    q = FakeDns({f"2.0.0.127.{ZONE}": A("127.0.0.2")}, NX)
    snap = dnsbl.gather(AuditEnv(cfg=cfg, ips=("192.0.2.20",)), querier=q)
    assert snap.resolver == (
        "nameservers [fd57:d4::2:53]:53, [2001:4860:4860::8888]:53, [fd57:d4::2]:5353, "
        "10.0.0.53:5353"
    )
    (f,) = dnsbl.judge(snap, cfg)
    said = [e for e in f.evidence if "is read as the IPv6 address" in e]
    assert said == [
        "audit.dnsbl_nameservers[0]: 'fd57:d4::2:53' is read as the IPv6 address fd57:d4::2:53, "
        "asked on port 53 (an IPv6 address carries a port only in the [addr]:port form); if 53 "
        "is the port, write '[fd57:d4::2]:53'"
    ], f.evidence
    env = AuditEnv(cfg=cfg, ips=("192.0.2.20",), dnsbl_servers=("fd57:d4::2:5353",))
    (note,) = dnsbl.gather(env, querier=q).resolver_notes
    assert note.startswith("--dnsbl-server: 'fd57:d4::2:5353' is read as"), note
