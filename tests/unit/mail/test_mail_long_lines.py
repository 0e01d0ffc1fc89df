"""A line longer than the readers keep (64 KiB): an Exim or Postfix log never holds one (Exim
writes at most a few KiB a line), so it is counted and not read; its cut head was read as a
message, and a local submission cut before its `U=` / `P=local` was counted as mail received
from other servers. PHP writes a `mail()` call's headers whole (a Bcc: of thousands): its cut
line still names the script and is read as far as kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mailhost import run_mail, run_mail_json

from spamtrace.sources.maillog import blocks, reader
from spamtrace.sources.maillog.journal import JournalLines
from spamtrace.sources.maillog.reader import LogCounts, parser_for
from spamtrace.sources.maillog.tail import LineSplitter, LogFollower

PAD = "x" * 70_000
EXIM = [
    "2026-12-06 21:00:00 1vAbCd-000001-AB <= www@host.example U=shop P=local S=1234 id=a@b",
    "2026-12-06 21:00:00 1vAbCd-000001-AB => r@remote.example R=dnslookup T=remote_smtp "
    'H=mx.remote.example [203.0.113.5] C="250 OK"',
    "2026-12-06 21:00:00 1vAbCd-000001-AB Completed",
    f"2026-12-06 21:00:01 1vAbCd-000002-AB <= {PAD}@host.example U=shop P=local S=1234 id=a@b",
    "2026-12-06 21:00:01 1vAbCd-000002-AB => r@remote.example R=dnslookup T=remote_smtp "
    'H=mx.remote.example [203.0.113.5] C="250 OK"',
    "2026-12-06 21:00:01 1vAbCd-000002-AB Completed",
]


@pytest.mark.parametrize("compiled", [True, False])
def test_an_over_long_exim_line_is_not_read_as_mail_from_other_servers(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    compiled: bool,
) -> None:
    if not compiled:
        monkeypatch.setattr(blocks, "_scan", None)
        monkeypatch.setattr(reader, "COMPILED", False)
    elif blocks._scan is None:
        pytest.fail("the compiled mail log parser is not built (scripts/install.sh builds it)")
    log = tmp_path / "mainlog"
    log.write_text("\n".join(EXIM) + "\n")
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    assert doc["totals"]["inbound"] == 0 and doc["totals"]["messages"] == 1, doc["totals"]
    (counts,) = doc["logs"]
    assert (counts["lines"], counts["long_lines"], counts["malformed"]) == (6, 1, 0)
    code, out, _ = run_mail(capsys, "--exim-log", str(log))
    assert code == 0
    assert "0 received from other servers" in out
    assert "1 over-long line(s) (over 64 KiB, longer than the MTA writes) not read" in out


@pytest.mark.parametrize("kind", ["exim", "postfix"])
@pytest.mark.parametrize("compiled", [True, False])
def test_a_block_reads_no_over_long_line(kind: str, compiled: bool) -> None:
    """The compiled parsers and their Python reference alike, a non-ASCII line too."""
    line = {
        "exim": "2026-12-06 21:00:01 1vAbCd-000002-AB <= a@b U=shop P=local S=1",
        "postfix": "Dec  6 21:00:01 web1 postfix/pickup[10]: 4AB3C2: uid=1001 from=<a@b>",
    }[kind]
    parse = parser_for(kind, 2026, 0, 1_800_000_000.0)
    block = "\n".join([line, line + " é" + "y" * 200, line + " " + "z" * 200, line]).encode()
    events, lines, malformed, cut = blocks.parse_block(
        kind, block, parse, year=2026, max_line=150, compiled=compiled
    )
    assert (lines, malformed, cut) == (4, 0, 2) and len(events) == 2


def test_a_follower_of_an_mta_log_gives_no_cut_line(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    log.write_text("")
    follower = LogFollower(str(log), max_line=1000, drop_long=True)
    with log.open("a") as fh:
        fh.write("A" * 5000 + "\nnext line\n")
    assert follower.poll() == ["", "next line"] and follower.stats.long_lines == 1
    split = LineSplitter(max_line=10, drop_long=True)  # a long line arriving in pieces
    out = split.feed(b"x" * 8) + split.feed(b"y" * 8) + split.feed(b"z" * 5 + b"\nok\n")
    assert out == ["", "ok"] and split.long_lines == 1
    split.feed(b"w" * 30)
    assert split.flush() == [""] and split.long_lines == 2


def test_an_over_long_journal_message_is_not_read() -> None:
    counts = LogCounts("journal", "postfix")
    conv = JournalLines("postfix", counts, max_line=100)
    entry = {
        "__REALTIME_TIMESTAMP": "1800000000000000", "SYSLOG_IDENTIFIER": "postfix/pickup",
        "MESSAGE": "4AB3C2: uid=1001 from=<" + "a" * 200 + "@b>", "_HOSTNAME": "web1",
    }  # fmt: skip
    assert conv(json.dumps(entry).encode()) is None and conv.long_lines == 1


def test_a_cut_php_line_counts_the_call_and_its_bcc_as_far_as_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mail() call with a Bcc: of 5,000 addresses (118 KB logged): it was read as one
    recipient (the cut line had lost its " -- Subject: ", and the headers with it)."""
    bcc = ", ".join(f"r{i}@victim{i % 50}.example" for i in range(5000))
    log = tmp_path / "mail.log"
    log.write_text(
        "[06-Dec-2026 21:00:00 UTC] mail() on [/home/shop/public_html/mm.php:4]: To: a@x.example"
        f" -- Headers: From: x@shop.example Bcc: {bcc} -- Subject: hi\n"
    )
    code, doc, _ = run_mail_json(capsys, "--php-log", str(log))
    assert code in (0, 1)
    (sender,) = doc["senders"]
    assert sender["script"] == "/home/shop/public_html/mm.php" and sender["messages"] == 1
    assert 2000 < sender["recipients"] < 5000, sender["recipients"]
    assert any("cut at 64 KiB: read as far as kept" in n for n in doc["notes"]), doc["notes"]
