"""SMTP AUTH and bounce shapes of Exim and Postfix logs, joined into senders by the Python
ledger and the compiled one alike:

- ``A=cram_md5`` (an authenticator without ``server_set_id``) is an auth sender ``(cram_md5)``;
- ``A=plain:John Smith``: the id as Exim logs it, spaces included;
- ``+smtp_mailauth`` (``A=dovecot_plain:box@x:box@x``, ``...:<>``): one mailbox, one sender;
- a bounce the MTA made (Exim ``<= <> R=... U=Debian-exim``, Postfix ``from=<>`` with no
  pickup / smtpd line) is counted in ``bounces``: not a sender, not inbound.

test_mail_peers.py runs the same logs through `spamtrace mail --json`, eximstats and pflogsumm.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spamtrace.attribution import mail as attribution
from spamtrace.attribution.mail import MailLedger
from spamtrace.policy.responses import mailbox_argv
from spamtrace.sources.maillog.blocks import parse_block
from spamtrace.sources.maillog.reader import parser_for

#: hand-made logs of these shapes, whole (sender totals are checked, not lines)
SHAPES = Path(__file__).resolve().parent / "shapes"

EXIM = (SHAPES / "exim-auth.log").read_text()
#: a hosting account's own "sendmail -f '<>' -E<id>": its mail, not the MTA's
FAKE_BOUNCE = (
    "2026-12-04 10:00:11 1xZB11-0000c1-11 <= <> R=1xZB08-0000b8-08 U=zq7shop P=local S=310"
)

POSTFIX = (SHAPES / "postfix-bounce.log").read_text()
UIDS = {"zq7shop": 1001, "Debian-exim": 101}
MODES = [False, True] if attribution.COMPILED else [False]


def ledger_of(kind: str, text: str, compiled: bool) -> MailLedger:
    ledger = MailLedger(uids=UIDS, compiled=compiled)
    events, *_ = parse_block(kind, text.encode(), parser_for(kind, 2026, 0))
    ledger.feed(events)
    return ledger


def counts(ledger: MailLedger) -> dict[tuple[str, str | None, str | None], int]:
    return {key: t.messages for key, t in ledger.senders.items()}


@pytest.mark.parametrize("compiled", MODES)
def test_exim_auth_shapes_and_bounces(compiled: bool) -> None:
    ledger = ledger_of("exim", EXIM, compiled)
    assert counts(ledger) == {
        ("auth", "(cram_md5)", None): 2,
        ("auth", "John Smith", None): 2,
        ("auth", "box@shop.example", None): 3,
        ("local", "zq7shop", None): 1,
    }
    assert ledger.senders["auth", "(cram_md5)", None].ips == {"203.0.113.8", "198.51.100.9"}
    assert ledger.senders["auth", "(cram_md5)", None].recipients == 1  # from its delivery
    assert (ledger.inbound, ledger.bounces) == (1, 1)


@pytest.mark.parametrize("compiled", MODES)
def test_a_bounce_logged_under_a_hosting_account_stays_its_mail(compiled: bool) -> None:
    ledger = ledger_of("exim", EXIM + FAKE_BOUNCE + "\n", compiled)
    assert counts(ledger)["local", "zq7shop", None] == 2
    assert ledger.bounces == 1
    unknown = MailLedger(compiled=compiled)  # no passwd: the U= user may be the Exim user
    unknown.feed(parse_block("exim", FAKE_BOUNCE.encode(), parser_for("exim", 2026, 0))[0])
    assert (unknown.bounces, unknown.messages) == (1, 0)


@pytest.mark.parametrize("compiled", MODES)
def test_postfix_bounce_is_the_mta_s_not_inbound(compiled: bool) -> None:
    ledger = ledger_of("postfix", POSTFIX, compiled)
    assert counts(ledger) == {("local", "zq7shop", None): 1, ("auth", "info@shop.example", None): 1}
    # 5C2D3E0789 is a bounce another server sent us: inbound
    assert (ledger.inbound, ledger.bounces) == (1, 1)


def test_since_leaves_earlier_bounces_out() -> None:
    for compiled in MODES:
        ledger = MailLedger(uids=UIDS, compiled=compiled, since=1796378409.5)  # 10:00:09.5
        ledger.feed(parse_block("exim", EXIM.encode(), parser_for("exim", 2026, 0))[0])
        assert ledger.bounces == 0 and ledger.messages == 0


@pytest.mark.parametrize("compiled", MODES)
def test_since_leaves_earlier_inbound_mail_out(compiled: bool) -> None:
    """Mail from other servers before --since is not counted, as bounces and senders are not
    (the footer's "received from other servers" counted lines read back from before it)."""
    from spamtrace.sources.maillog.blocks import feed_block

    exim_inbound = 1796378410.0  # 10:00:10, the one inbound Exim message
    for since, want in ((exim_inbound + 0.5, 0), (exim_inbound - 0.5, 1), (None, 1)):
        ledger = MailLedger(uids=UIDS, compiled=compiled, since=since)
        ledger.feed(parse_block("exim", EXIM.encode(), parser_for("exim", 2026, 0))[0])
        assert ledger.inbound == want, since
        if compiled:  # the one pass of a lone Exim log
            ledger = MailLedger(uids=UIDS, compiled=True, since=since)
            feed_block(EXIM.encode(), parser_for("exim", 2026, 0), ledger.block_sink())
            assert ledger.inbound == want, since
    # a from= line with no pickup or smtpd line before it, after 5C2D3E0789 (smtpd, no login)
    alone = "Dec  4 10:00:06 srv postfix/qmgr[700]: 7E8F9A0123: from=<a@remote.example>, size=1\n"
    events = parse_block("postfix", (POSTFIX + alone).encode(), parser_for("postfix", 2026, 0))[0]
    postfix_inbound = events[-2].wall  # 10:00:04 (the log's year is parser_for's to choose)
    for since, want in ((postfix_inbound + 0.5, 1), (postfix_inbound - 0.5, 2), (None, 2)):
        ledger = MailLedger(uids=UIDS, compiled=compiled, since=since)
        ledger.feed(events)
        assert ledger.inbound == want, since


def test_no_mailbox_command_for_an_authenticator_without_id() -> None:
    assert mailbox_argv(("lock-mailbox",), "(cram_md5)", "shop") is None
    assert mailbox_argv(("lock-mailbox",), "John Smith", "shop") == ("lock-mailbox", "John Smith")


def test_the_advice_for_an_authenticator_without_id_names_no_mailbox() -> None:
    from spamtrace.model import Verdict
    from spamtrace.policy.mail import MailIncident, advice

    inc = MailIncident(
        id="inc-1", verdict=Verdict.MAIL_AUTH, kind="auth", user=None, uid=None, script=None,
        cwd=None, auth_user="(cram_md5)", messages=9, recipients=9, distinct_recipients=9,
        ips=("192.0.2.1", "192.0.2.2"), first_seen=1.0, last_seen=2.0, reasons=(), mta="exim",
    )  # fmt: skip
    (line,) = advice(inc)
    assert "cram_md5 logs no id" in line and "server_set_id" in line
    assert "exiqgrep" not in line and "(cram_md5)" not in line
