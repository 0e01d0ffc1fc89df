"""`[submission] allow_accounts` in the mail half: a mailbox of an allowed account may send
authenticated submission volume without a `mail-auth` incident (check, mail and the daemon
judge through the same policy), but a password used from too many networks is still one."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailhost import run_mail_json

from spamtrace.attribution.mail import MailMessage
from spamtrace.policy.mail import AllowedSenders, MailPolicy, MailThresholds


def _arrivals(box: str, ips: list[str], start: int = 0) -> list[str]:
    """Exim arrival lines of SMTP AUTH mailbox ``box``, one a second, one per address."""
    out = []
    for i, ip in enumerate(ips, start):
        qid = f"1xZB{i:02d}-0000b{i % 10}-{i % 100:02d}"
        out.append(
            f"2026-12-04 10:{i // 60:02d}:{i % 60:02d} {qid} <= {box} H=(pc) [{ip}]:5{i:04d} "
            f"P=esmtpsa A=dovecot_login:{box} S=900 id={i}@x for r{i}@example.net"
        )
    return out


def _log(tmp_path: Path) -> str:
    lines = _arrivals("news@shop.example", ["203.0.113.5"] * 8)  # volume, one office
    lines += _arrivals(  # a botnet: six networks
        "info@shop.example",
        ["198.51.100.1", "192.0.2.1", "100.64.0.1", "172.20.0.1", "10.1.0.1", "203.0.113.9"],
        start=8,
    )
    path = tmp_path / "mainlog"
    path.write_text("\n".join(sorted(lines)) + "\n")
    return str(path)


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPAMTRACE_MAIL_AUTH_MAX_MESSAGES", "5")
    monkeypatch.setenv("SPAMTRACE_MAIL_AUTH_MAX_NETWORKS", "4")


def test_without_allow_accounts_both_mailboxes_are_incidents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, limits: None
) -> None:
    code, doc, _ = run_mail_json(capsys, "--exim-log", _log(tmp_path))
    assert code == 1
    boxes = sorted(i["auth_user"] for i in doc["incidents"])
    assert boxes == ["info@shop.example", "news@shop.example"]


def test_an_allowed_accounts_volume_is_not_flagged_but_a_botnet_still_is(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    limits: None,
) -> None:
    monkeypatch.setenv("SPAMTRACE_SUBMISSION_ALLOW_ACCOUNTS", "news,info")
    code, doc, _ = run_mail_json(capsys, "--exim-log", _log(tmp_path))
    assert code == 1
    (inc,) = doc["incidents"]
    assert inc["auth_user"] == "info@shop.example"
    assert any("networks" in r for r in inc["reasons"])
    news = next(s for s in doc["senders"] if s["auth_user"] == "news@shop.example")
    assert news["messages"] == 8 and news["incident"] is None
    notes = "\n".join(doc["notes"])
    assert "news@shop.example: went above a volume limit (first: 6 messages in an hour" in notes
    assert "allow_accounts: news" in notes


def test_the_account_that_owns_the_mailboxs_domain_is_allowed() -> None:
    """A mailbox is covered by the hosting account that owns its domain (the panel's)."""
    allow = AllowedSenders(frozenset({"shop"}), {"shop.example": "shop"}.get)
    assert allow.entry("news@shop.example") == "shop"
    assert allow.entry("news@other.example") is None
    assert allow.entry("shop") == "shop"  # a login named as the account
    policy = MailPolicy(MailThresholds(auth_max_messages=3), updates=False, allow=allow)
    box, ip = "news@shop.example", "198.51.100.7"
    messages = [
        MailMessage("exim", f"q{i}", 1000.0 + i, None, None, None, box, ip, None, None, None,
                    (), None)
        for i in range(10)
    ]  # fmt: skip
    opened = [policy.observe(msg) for msg in messages]
    assert opened == [None] * 10 and policy.all_incidents() == []
    assert policy.spared["news@shop.example"][0] == "shop"


def test_a_mailbox_named_as_an_allowed_account_on_another_accounts_domain_is_not_allowed() -> None:
    """The local part covers the account's own login with a domain, not a mailbox of that name
    on a domain another account owns: shop@their.example would send any volume as "shop"."""
    owners = {"shop.example": "shop", "their.example": "other"}
    allow = AllowedSenders(frozenset({"shop"}), owners.get)
    assert allow.entry("shop@their.example") is None
    assert allow.entry("shop@shop.example") == "shop"
    assert allow.entry("shop@server.example") == "shop"  # a domain no account owns: the host's
