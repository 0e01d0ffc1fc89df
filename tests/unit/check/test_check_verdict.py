"""policy.verdict: judge() and advice() are pure; every verdict and its reasons."""

from __future__ import annotations

import dataclasses

import pytest

from spamtrace.attribution.mta import MtaIdentity
from spamtrace.config import Config, SubmissionSection
from spamtrace.model import (
    ALERTING_VERDICTS,
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
from spamtrace.policy.verdict import advice, destination_allowed, judge

MTA = MtaIdentity(
    uids=frozenset({102}),
    gids=frozenset({105}),
    users=("Debian-exim",),
    exes=frozenset({"/usr/sbin/exim4"}),
    kind="exim",
)
CFG = Config()
MX = Endpoint("198.51.100.7", 25)
UPLOADS = "/home/shop/public_html/wp-content/uploads"
ACCOUNT = Account("shop", AccountKind.CPANEL, "/home/shop", ("shop.example",))


def proc(
    exe: str | None = "/usr/bin/php8.2", uid: int = 1001, name: str = "php", **kw: object
) -> ProcessInfo:
    base = ProcessInfo(
        pid=4242, start_time=1.0, name=name, exe=exe, cmdline=("php", "wp-cache.php"), uid=uid,
        euid=uid, gid=uid, user="shop" if uid == 1001 else None, cwd=UPLOADS,
        scripts=(f"{UPLOADS}/wp-cache.php",), parents=(), method=AttributionMethod.LIVE,
    )  # fmt: skip
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def test_php_to_25_is_suspicious() -> None:
    verdict, reasons = judge(MX, proc(), 1001, ACCOUNT, MTA, CFG)
    assert verdict is Verdict.SUSPICIOUS
    assert "198.51.100.7:25" in reasons[0] and "uid 1001 (shop)" in reasons[0]
    assert any("wp-cache.php" in r for r in reasons)


def test_mta_by_exe_and_uid() -> None:
    p = proc(exe="/usr/sbin/exim4", uid=102, name="exim4")
    verdict, reasons = judge(MX, p, 102, None, MTA, CFG)
    assert verdict is Verdict.MTA
    assert "/usr/sbin/exim4" in reasons[0]


def test_process_named_exim_is_not_the_mta() -> None:
    p = proc(exe="/usr/bin/python3.11", uid=1001, name="exim")
    verdict, reasons = judge(MX, p, 1001, ACCOUNT, MTA, CFG)
    assert verdict is Verdict.SUSPICIOUS
    assert any("named 'exim'" in r for r in reasons)


def test_mta_binary_run_by_a_user_is_not_the_mta() -> None:
    p = proc(exe="/usr/sbin/exim4", uid=1001, name="exim4")
    verdict, reasons = judge(MX, p, 1001, ACCOUNT, MTA, CFG)
    assert verdict is Verdict.SUSPICIOUS
    assert any("not the MTA's user" in r for r in reasons)


def test_other_binary_as_mta_user_is_suspicious() -> None:
    p = proc(exe="/usr/bin/perl", uid=102, name="perl")
    assert judge(MX, p, 102, None, MTA, CFG)[0] is Verdict.SUSPICIOUS


def test_uid_only_mta_without_root() -> None:
    verdict, reasons = judge(MX, None, 102, None, MTA, CFG)
    assert verdict is Verdict.MTA and "uid only" in reasons[1]
    verdict, reasons = judge(MX, None, 1001, ACCOUNT, MTA, CFG)
    assert verdict is Verdict.SUSPICIOUS
    assert any("process unknown" in r for r in reasons)


def test_nothing_known_is_unknown_not_suspicious() -> None:
    """A connect whose process exited unread and whose uid nobody saw is not attributed: it is
    `unknown`, milder than suspicious and not alerting (it may be the MTA's delivery)."""
    verdict, reasons = judge(MX, None, None, None, MTA, CFG)
    assert verdict is Verdict.UNKNOWN and "not attributed" in reasons[1]
    assert Verdict.UNKNOWN.severity < Verdict.SUSPICIOUS.severity
    assert Verdict.UNKNOWN not in ALERTING_VERDICTS
    empty = proc(exe=None, name="exim4", cmdline=(), cwd=None, scripts=())
    assert judge(MX, dataclasses.replace(empty, uid=None, euid=None), None, None, MTA, CFG)[0] is (
        Verdict.UNKNOWN
    )
    # to the local MTA it is a submission, as before
    assert judge(Endpoint("127.0.0.1", 25), None, None, None, MTA, CFG)[0] is Verdict.SUBMISSION


def test_mta_binary_whose_uid_is_unknown_is_the_mta_by_exe() -> None:
    p = dataclasses.replace(proc(exe="/usr/sbin/exim4", name="exim4"), uid=None, euid=None)
    verdict, reasons = judge(MX, p, None, None, MTA, CFG)
    assert verdict is Verdict.MTA and "exe only" in reasons[1]
    # another binary without a uid is still not the MTA
    php = dataclasses.replace(proc(), uid=None, euid=None)
    assert judge(MX, php, None, None, MTA, CFG)[0] is Verdict.SUSPICIOUS


def test_non_root_sshd_is_tunnel_root_sshd_is_not() -> None:
    p = proc(exe="/usr/sbin/sshd", name="sshd", cmdline=("sshd: shop",), scripts=())
    verdict, reasons = judge(MX, p, 1001, ACCOUNT, MTA, CFG)
    assert verdict is Verdict.SSH_TUNNEL and "sshd" in reasons[0]
    root_p = dataclasses.replace(p, uid=0, euid=0)
    assert judge(MX, root_p, 0, None, MTA, CFG)[0] is Verdict.SUSPICIOUS
    fake = proc(exe="/home/shop/bin/sshd", name="sshd")  # a user's copy is not sshd
    assert judge(MX, fake, 1001, ACCOUNT, MTA, CFG)[0] is Verdict.SUSPICIOUS


@pytest.mark.parametrize("port", [465, 587, 2525])
def test_submission_ports(port: int) -> None:
    verdict, reasons = judge(Endpoint("203.0.113.9", port), proc(), 1001, ACCOUNT, MTA, CFG)
    assert verdict is Verdict.SUBMISSION and str(port) in reasons[0]


def test_allowed_by_account_or_destination() -> None:
    cfg = dataclasses.replace(
        CFG,
        submission=SubmissionSection(
            allow_accounts=["shop"], allow_destinations=["192.0.2.0/24", "[2001:db8::5]:587"]
        ),
    )
    dest = Endpoint("203.0.113.9", 587)
    assert judge(dest, proc(), 1001, ACCOUNT, MTA, cfg)[0] is Verdict.ALLOWED
    other = Account("other", AccountKind.HOME, "/home/other")
    p2 = proc(user="other")
    assert judge(dest, p2, 1002, other, MTA, cfg)[0] is Verdict.SUBMISSION
    assert judge(Endpoint("192.0.2.44", 465), p2, 1002, other, MTA, cfg)[0] is Verdict.ALLOWED
    assert judge(Endpoint("2001:db8::5", 587), p2, 1002, other, MTA, cfg)[0] is Verdict.ALLOWED
    # allow-lists never quiet port 25
    assert judge(Endpoint("192.0.2.44", 25), p2, 1002, other, MTA, cfg)[0] is Verdict.SUSPICIOUS


def test_loopback_25_is_the_local_mta_submission() -> None:
    verdict, reasons = judge(Endpoint("127.0.0.1", 25), proc(), 1001, ACCOUNT, MTA, CFG)
    assert verdict is Verdict.SUBMISSION and "loopback" in reasons[0]
    assert judge(Endpoint("::1", 25), proc(), 1001, ACCOUNT, MTA, CFG)[0] is Verdict.SUBMISSION


def test_to_this_hosts_own_address_is_submission() -> None:
    own = Endpoint("192.0.2.10", 25)
    verdict, reasons = judge(own, proc(), 1001, ACCOUNT, MTA, CFG, local=Endpoint("192.0.2.10", 5))
    assert verdict is Verdict.SUBMISSION and "own address" in reasons[0]
    other = Endpoint("192.0.2.11", 5)
    assert judge(own, proc(), 1001, ACCOUNT, MTA, CFG, local=other)[0] is Verdict.SUSPICIOUS


def test_relay_ports_from_config() -> None:
    cfg = CFG.override(smtp__relay_ports=[25, 2525])
    assert judge(Endpoint("203.0.113.9", 2525), proc(), 1001, None, MTA, cfg)[0] is (
        Verdict.SUSPICIOUS
    )


@pytest.mark.parametrize(
    ("entry", "remote", "ok"),
    [
        ("203.0.113.9", Endpoint("203.0.113.9", 587), True),
        ("203.0.113.9:465", Endpoint("203.0.113.9", 587), False),
        ("203.0.113.9:587", Endpoint("203.0.113.9", 587), True),
        ("203.0.113.0/24", Endpoint("203.0.113.200", 587), True),
        ("2001:db8::/32", Endpoint("2001:db8::1", 587), True),
        ("[2001:db8::1]:465", Endpoint("2001:db8::1", 587), False),
        ("smtp.example.com", Endpoint("203.0.113.9", 587), False),
        ("[broken", Endpoint("203.0.113.9", 587), False),
        ("1.2.3.4:x", Endpoint("1.2.3.4", 587), False),
    ],
)
def test_destination_allowed(entry: str, remote: Endpoint, ok: bool) -> None:
    assert destination_allowed(remote, [entry]) is ok


def _conn(verdict: Verdict, process: ProcessInfo | None, account: Account | None) -> Connection:
    sock = SocketRecord(2, TcpState.ESTABLISHED, Endpoint("10.0.0.1", 40000), MX, 1001, 5, "x")
    return Connection(sock, process, account, verdict, ())


def test_advice_for_suspicious() -> None:
    lines = advice(_conn(Verdict.SUSPICIOUS, proc(), ACCOUNT))
    text = "\n".join(lines)
    assert f"look at the script: {UPLOADS}/wp-cache.php" in text
    assert f"spamtrace scan {UPLOADS}" in text
    assert "account shop (shop.example)" in text
    assert "kill 4242" in text


def test_advice_quotes_odd_paths_and_handles_unknown_process() -> None:
    p = proc(cwd="/home/shop/a dir;rm -rf ~", scripts=())
    text = "\n".join(advice(_conn(Verdict.SUSPICIOUS, p, None)))
    assert "spamtrace scan '/home/shop/a dir;rm -rf ~'" in text
    assert advice(_conn(Verdict.SUSPICIOUS, None, None))  # still says something useful


def test_advice_tunnel_and_quiet_verdicts() -> None:
    p = proc(exe="/usr/sbin/sshd", name="sshd")
    text = "\n".join(advice(_conn(Verdict.SSH_TUNNEL, p, ACCOUNT)))
    assert "Match User shop" in text and "AllowTcpForwarding no" in text
    for v in (Verdict.MTA, Verdict.SUBMISSION, Verdict.ALLOWED):
        assert advice(_conn(v, proc(), ACCOUNT)) == ()
