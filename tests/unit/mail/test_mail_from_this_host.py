"""Mail that came over SMTP from this host's loopback without a login (a script or a webmail
talking SMTP to 127.0.0.1:25 without SMTP AUTH, Exim's default relay_from_hosts) is no mail
received from other servers: it was counted as such, and `mail` said "No mail sent through
the MTA" of 600 messages relayed out from 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from mailhost import python_parsers_only, run_mail, run_mail_json

START = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=20)


def _exim(path: Path) -> None:
    lines = []
    for n, ip in enumerate(["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.0.1.1", "198.51.100.7"]):
        t = START + dt.timedelta(seconds=n)
        qid = f"1xlo{n:02d}-0001n4-0u"
        lines += [
            f"{t:%Y-%m-%d %H:%M:%S} {qid} <= ceo@bank.example H=localhost (web) [{ip}] "
            f"P=esmtp S=900 for v{n}@remote.example",
            f"{t:%Y-%m-%d %H:%M:%S} {qid} => v{n}@remote.example R=dnslookup T=remote_smtp",
            f"{t:%Y-%m-%d %H:%M:%S} {qid} Completed",
        ]
    path.write_text("\n".join(lines) + "\n")


def _postfix(path: Path) -> None:
    lines = []
    for n, client in enumerate(["localhost[127.0.0.1]", "mx.example[198.51.100.7]"]):
        t = START + dt.timedelta(seconds=n)
        stamp = f"{t:%b %e %H:%M:%S}"
        qid = f"4AB{n}C0123"
        lines += [
            f"{stamp} web1 postfix/smtpd[812]: {qid}: client={client}",
            f"{stamp} web1 postfix/qmgr[700]: {qid}: from=<ceo@bank.example>, size=900, "
            "nrcpt=1 (queue active)",
            f"{stamp} web1 postfix/qmgr[700]: {qid}: removed",
        ]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(params=["compiled", "python"])
def parts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The compiled parsers and join, then their Python reference; stamps read as UTC."""
    if request.param == "python":
        python_parsers_only(monkeypatch)
    monkeypatch.setenv("TZ", "UTC")
    return str(request.param)


def test_loopback_smtp_without_a_login_is_counted_apart(
    parts: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exim, postfix = tmp_path / "mainlog", tmp_path / "mail.log"
    _exim(exim)
    _postfix(postfix)
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(exim))
    assert code == 0 and doc["senders"] == []
    assert (doc["totals"]["from_this_host"], doc["totals"]["inbound"]) == (4, 1)  # was (0, 5)
    code, doc, _ = run_mail_json(capsys, "--postfix-log", str(postfix))
    assert (doc["totals"]["from_this_host"], doc["totals"]["inbound"]) == (1, 1)  # was (0, 2)
    code, out, _ = run_mail(capsys, "--exim-log", str(exim))
    text = " ".join(out.split())
    assert text.startswith("No sender known through the MTA since")  # not "No mail sent"
    assert "1 received from other servers" in text
    assert "4 message(s) came over SMTP from this host (127.0.0.1, ::1) without a login" in text
