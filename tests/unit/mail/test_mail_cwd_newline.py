"""A working folder whose name holds a newline: Exim (4.96) writes its ``cwd=`` as it is, so
the +arguments line comes in two (lines captured from the real Exim of the test world)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailhost import run_mail_json

from spamtrace.sources.maillog.blocks import COMPILED, parse_block
from spamtrace.sources.maillog.event import MailAction
from spamtrace.sources.maillog.reader import LogCounts, carry, parser_for

FOLDER = "/home/shop/public_html/wp-content/uploads/nl\nline\x1b[31mred"
LOG = (
    f"2026-12-05 17:18:32 cwd={FOLDER} 3 args: /usr/sbin/sendmail -t -i\n"
    "2026-12-05 17:18:32 1xZtP6-0000xM-1i <= shop@host.example U=shop P=local S=381\n"
    "2026-12-05 17:18:33 1xZtP6-0000xM-1i Completed\n"
)


@pytest.mark.parametrize("compiled", [True, False] if COMPILED else [False])
def test_the_two_parts_give_one_arguments_line_with_the_whole_folder(compiled: bool) -> None:
    events, lines, malformed, _ = parse_block(
        "exim", LOG.rstrip("\n").encode(), parser_for("exim", 2026, 0), compiled=compiled
    )
    # both parts were malformed, the folder lost; the first one still is as it comes (Exim
    # broke it), taken back from the log's counts once joined (below)
    assert (lines, malformed) == (4, 1)
    first = events[0]
    assert first.action is MailAction.ARGUMENTS and first.cwd == FOLDER
    assert first.args == ("/usr/sbin/sendmail", "-t", "-i") and first.wall == 1796491112.0
    assert [e.action for e in events[1:]] == [MailAction.ARRIVAL, MailAction.COMPLETED]


@pytest.mark.parametrize("compiled", [True, False] if COMPILED else [False])
def test_a_joined_first_part_is_taken_back_from_the_logs_counts(compiled: bool) -> None:
    counts = LogCounts("mainlog", "exim")
    parse = parser_for("exim", 2026, 0)
    carry(None, parse, counts)
    events, _, malformed, _ = parse_block(
        "exim", LOG.rstrip("\n").encode(), parse, compiled=compiled
    )
    assert events[0].cwd == FOLDER
    assert malformed + counts.malformed == 0
    # one with no rest stays counted
    cut = "2026-12-05 17:18:32 cwd=/home/shop/nl\n2026-12-05 17:18:33 1xZtP6-0000xM-1i Completed"
    counts = LogCounts("mainlog", "exim")
    parse = parser_for("exim", 2026, 0)
    carry(None, parse, counts)
    _, _, malformed, _ = parse_block("exim", cut.encode(), parse, compiled=compiled)
    assert malformed + counts.malformed == 1


@pytest.mark.parametrize("compiled", [True, False] if COMPILED else [False])
def test_a_first_part_without_its_rest_gives_nothing_and_spoils_no_other_line(
    compiled: bool,
) -> None:
    cut = "2026-12-05 17:18:32 cwd=/home/shop/nl\n2026-12-05 17:18:33 1xZtP6-0000xM-1i Completed"
    events, _, malformed, _ = parse_block(
        "exim", cut.encode(), parser_for("exim", 2026, 0), compiled=compiled
    )
    assert malformed == 1 and [e.action for e in events] == [MailAction.COMPLETED]
    alone = "x 3 args: /usr/sbin/sendmail -t -i"  # a rest without its first part
    _, _, malformed, _ = parse_block(
        "exim", alone.encode(), parser_for("exim", 2026, 0), compiled=compiled
    )
    assert malformed == 1


def test_mail_gives_the_sender_the_folder_and_pasteable_scan_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    monkeypatch.setenv("SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES", "1")
    log = tmp_path / "mainlog"
    log.write_text(LOG + LOG.replace("1xZtP6-0000xM-1i", "1xZtP7-0000xM-1i"))
    (tmp_path / "php.log").touch()
    php = str(tmp_path / "php.log")
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log), "--php-log", php)
    assert code == 1
    assert doc["logs"][0]["malformed"] == 0  # the first part of each was one (2; 4 before)
    (sender,) = doc["senders"]
    assert (sender["cwd"], sender["messages"]) == (FOLDER, 2)
    (inc,) = doc["incidents"]
    scan = inc["advice"][0]
    assert scan.startswith("spamtrace scan $'") and scan.isprintable(), scan
    word = scan.removeprefix("spamtrace scan ")
    got = subprocess.run(["bash", "-c", f"printf %s {word}"], capture_output=True, check=True)
    assert got.stdout == FOLDER.encode()
