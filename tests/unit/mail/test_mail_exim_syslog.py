"""Exim logging to syslog (`log_file_path = syslog`, or `:syslog` beside its files): each
main log line follows the syslog prefix (`Dec  6 02:10:01 web1 exim[1234]: `, or rsyslog's
RFC 3339 stamp), with Exim's own time stamp unless `syslog_timestamp = false`."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailhost import run_mail_json

from spamtrace.sources.maillog.blocks import COMPILED, parse_block
from spamtrace.sources.maillog.event import MailAction
from spamtrace.sources.maillog.reader import parser_for

ARRIVAL = "1xZtP6-0000xM-1i <= shop@host.example U=shop P=local S=381 for a@b.example"
DELIVERY = "1xZtP6-0000xM-1i => a@b.example R=dnslookup T=remote_smtp H=mx.b.example [192.0.2.1]"
LOG = "\n".join([
    f"Dec  5 17:18:32 web1 exim[1234]: 2026-12-05 17:18:32 {ARRIVAL}",
    f"2026-12-05T17:18:33.123456+00:00 web1 exim[1235]: 2026-12-05 17:18:33 {DELIVERY}",
    f"Dec  5 17:18:34 web1 exim4[1235]: {ARRIVAL.replace('P6', 'P7')}",  # syslog_timestamp=false
    f"2026-12-05T17:18:35+01:00 web1 exim[1236]: {ARRIVAL.replace('P6', 'P8')}",
    "Dec  5 17:18:36 web1 dovecot: imap-login: Login: user=<box@host.example>",  # not Exim's
])  # fmt: skip


@pytest.mark.parametrize("compiled", [True, False] if COMPILED else [False])
def test_syslog_lines_give_the_events_of_exims_own(compiled: bool) -> None:
    events, lines, malformed, _ = parse_block(
        "exim", LOG.encode(), parser_for("exim", 2026, 0), year=2026, compiled=compiled
    )
    assert (lines, malformed) == (5, 0)  # the Dovecot line is no Exim line, nor a malformed one
    assert [(e.action, e.queue_id, e.wall) for e in events] == [
        (MailAction.ARRIVAL, "1xZtP6-0000xM-1i", 1796491112.0),
        (MailAction.DELIVERY, "1xZtP6-0000xM-1i", 1796491113.0),
        (MailAction.ARRIVAL, "1xZtP7-0000xM-1i", 1796491114.0),
        (MailAction.ARRIVAL, "1xZtP8-0000xM-1i", 1796491115.0 - 3600),
    ]
    assert events[0].user == "shop"


def test_mail_reads_an_exim_syslog_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "mail.log"
    log.write_text(LOG + "\n")
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    (sender,) = doc["senders"]
    assert (sender["user"], sender["messages"]) == ("shop", 3)
    # Debian's mail.log holds Dovecot's lines too: not "N malformed line(s) skipped"
    (read,) = doc["logs"]
    assert (read["malformed"], read["others"]) == (0, 1)
    assert not [n for n in doc["notes"] if "malformed" in n]


def test_a_syslog_stamp_of_december_read_in_january_is_last_years() -> None:
    """The syslog stamp has no year: as for Postfix and PHP, a line later than the log's last
    write (by more than a day) is of the year before (a log rotated monthly holds December
    and is last written in January), not of the coming December."""
    written = 1798761600.0 + 5 * 86400  # 2027-01-06 00:00 UTC
    parse = parser_for("exim", 2027, 0, written)
    ev = parse(f"Dec 30 10:00:00 web1 exim[1234]: {ARRIVAL}")  # syslog_timestamp = false
    assert ev is not None and ev.wall == 1798624800.0  # 2026-12-30 10:00 UTC
    ev = parse(f"Jan  5 10:00:00 web1 exim[1234]: {ARRIVAL}")
    assert ev is not None and ev.wall == 1798624800.0 + 6 * 86400  # 2027-01-05 10:00 UTC


def test_the_time_of_a_syslog_line_is_known_to_the_tail_reader() -> None:
    """`check` and `--since` read a log backwards until a line older than the window: a
    line whose time is unknown made it read the whole file (256 MB at most)."""
    from spamtrace.sources.maillog.reader import line_time

    when = line_time("exim", 2026, 0)
    assert when(LOG.splitlines()[0]) == 1796491112.0  # Exim's own stamp after the prefix
    assert when(LOG.splitlines()[2]) == 1796491114.0  # the syslog stamp only
    assert when(LOG.splitlines()[3]) == 1796491115.0 - 3600  # RFC 3339, +01:00
    # Exim's own zone (log_timezone), as its parser reads it
    assert when("2026-12-05 17:18:32 +0100 " + ARRIVAL) == 1796491112.0 - 3600
    assert when("2026-12-05 17:18:32.123 -0030 " + ARRIVAL) == 1796491112.0 + 1800


def test_a_mail_log_with_only_dovecots_lines_is_no_mail_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exim logging through syslog, idle since the rotation: Debian's mail.log holds only
    Dovecot's logins. That is "no mail sent" (exit 0), not a log of another kind (exit 3,
    "is it one?"), which a Postfix log given as --exim-log is."""
    log = tmp_path / "mail.log"
    log.write_text(
        "Dec  6 05:20:01 web1 dovecot: imap-login: Login: user=<bob@shop.example>, rip=192.0.2.9\n"
        "Dec  6 05:21:07 web1 dovecot: imap(bob@shop.example)<77><x>: Disconnected: Logged out\n"
    )
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    (read,) = doc["logs"]
    assert (doc["senders"], read["others"], read["malformed"]) == ([], 2, 0)
    postfix = tmp_path / "postfix.log"
    postfix.write_text(
        "Dec  6 05:20:01 web1 postfix/pickup[811]: 4Xq1: uid=1001 from=<shop>\n"
        "Dec  6 05:20:01 web1 postfix/qmgr[812]: 4Xq1: from=<shop@web1>, size=412, nrcpt=1\n"
    )
    code, _, err = run_mail_json(capsys, "--exim-log", str(postfix))
    assert code == 3
    assert "is it one?" in err
