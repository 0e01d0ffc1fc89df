"""Exim logging to syslog splits a line longer than syslog takes (870 bytes), or one holding a
newline, into parts marked ``[i/n]`` / ``[i\\n]`` (Exim's log.c, write_syslog). The fixture
``syslog/exim-split.log`` was recorded from Exim 4.96 with ``log_file_path = syslog`` and
``+arguments +received_recipients`` (the glibc syslog datagrams, with the host name a syslog
daemon adds; the recording's folder renamed ``/srv/rec``): a long working folder, one holding
a newline, and a call with 60 recipients. Each part was counted malformed; the record was lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mailhost import run_mail_json

from spamtrace.sources.maillog.blocks import COMPILED, parse_block
from spamtrace.sources.maillog.event import MailAction, MalformedLine
from spamtrace.sources.maillog.reader import EximLines, LogCounts, parser_for

LOG = (Path(__file__).resolve().parent / "syslog" / "exim-split.log").read_text()
LINES = LOG.rstrip("\n").split("\n")
COMPILE = [True, False] if COMPILED else [False]
LONG_CWD = "/srv/rec/home/shop/public_html/" + "/".join(["wp-content-uploads-" + "x" * 60] * 12)


def _parse(lines: list[str], compiled: bool) -> tuple[list[object], int, int]:
    parse = parser_for("exim", 2026, 0)
    events, n, malformed, _ = parse_block(
        "exim", "\n".join(lines).encode(), parse, year=2026, compiled=compiled
    )
    return events, n, malformed


@pytest.mark.parametrize("compiled", COMPILE)
def test_the_parts_are_joined_into_the_lines_exim_wrote(compiled: bool) -> None:
    events, n, malformed = _parse(LINES, compiled)
    assert (n, malformed) == (12, 0)
    args = [e for e in events if e.action is MailAction.ARGUMENTS]  # type: ignore[attr-defined]
    arrivals = [e for e in events if e.action is MailAction.ARRIVAL]  # type: ignore[attr-defined]
    assert [a.cwd for a in args] == [
        "/srv/rec", LONG_CWD, "/srv/rec/home/shop/public_html/nl\nhidden", "/srv/rec",
    ]  # fmt: skip
    assert args[1].args == ("/usr/sbin/exim4", "-bm", "-odq", "b@example.net")
    assert len(args[3].args) == 63 and args[3].args[-1] == "rcpt059@example.net"
    assert [a.nrcpt for a in arrivals] == [1, 1, 1, 60]
    assert arrivals[3].recipients[39] == "rcpt039@example.net"
    assert arrivals[3].wall == 1796534693.0  # the first part's time (Exim's stamp)


@pytest.mark.parametrize("compiled", COMPILE)
def test_parts_of_other_exim_processes_may_come_between(compiled: bool) -> None:
    first, second = LINES[2], LINES[3]  # [1/2] and [2/2] of pid 10030
    other = LINES[:2]  # two whole lines of pid 10016
    events, _, malformed = _parse([first, *other, second], compiled)
    assert malformed == 0
    assert [e.cwd for e in events if e.cwd] == ["/srv/rec", LONG_CWD]  # type: ignore[attr-defined]


@pytest.mark.parametrize("compiled", COMPILE)
def test_a_lost_part_spoils_only_its_own_line(compiled: bool) -> None:
    without = [line for line in LINES if "[2/2] tent-uploads" not in line]  # the long cwd's end
    _, n, malformed = _parse(without, compiled)
    assert (n, malformed) == (11, 0)  # the held [1/2] is counted when the read ends (below)
    counts = LogCounts("mainlog", "exim")
    parse = EximLines(0, 2026, counts=counts)
    got = [parse(line) for line in without]
    parse.finish()
    assert counts.malformed == 1  # its first part; every other record is read
    assert sum(1 for e in got if e is not None) == 7
    orphan = LINES[3]  # a [2/2] with no [1/2] before it
    with pytest.raises(MalformedLine):
        EximLines(0, 2026)(orphan)


def test_the_lines_held_open_are_bounded() -> None:
    counts = LogCounts("mainlog", "exim")
    parse = EximLines(0, 2026, counts=counts)
    part = LINES[2].replace("exim[10030]", "exim[{}]")
    for pid in range(1000):
        assert parse(part.format(pid)) is None
    assert len(parse.split) == EximLines.MAX_SPLIT
    assert counts.malformed == 1000 - EximLines.MAX_SPLIT
    parse.finish()
    assert counts.malformed == 1000 and parse.split == {}
    many = LINES[2].replace("[1/2]", "[1/99999]")  # a line of 99999 parts grows to MAX_LINE
    rest = LINES[3].split("] ", 1)[1]
    parse(many)
    with pytest.raises(MalformedLine):
        for i in range(2, 2000):
            parse(f"Dec  6 05:24:52 web1 exim[10030]: [{i}/99999] {rest}")
    assert parse.split == {}


def test_mail_reads_the_split_lines_also_across_a_rotation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line whose parts a rotation put in two files is read whole."""
    log = tmp_path / "mail.log"
    old = tmp_path / "mail.log.1"
    old.write_text("\n".join(LINES[:3]) + "\n")  # ends with [1/2] of the long cwd
    log.write_text("\n".join(LINES[3:]) + "\n")
    os.utime(old, (1796534600, 1796534600))
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    (logs,) = doc["logs"]
    assert (logs["lines"], logs["malformed"]) == (12, 0)
    assert doc["totals"]["messages"] == 4
    assert not [n for n in doc["notes"] if "malformed" in n]


def test_a_followed_log_joins_parts_that_came_in_two_looks(tmp_path: Path) -> None:
    """The daemon reads a followed log every 0.1 s: the next part may come in the next look."""
    from dataclasses import replace

    from spamtrace.config import Config
    from spamtrace.sources.maillog.follow import MailLogSource
    from spamtrace.sources.maillog.reader import LogSpec

    log = tmp_path / "mail.log"
    log.write_text("")
    cfg = replace(Config(), mail=replace(Config().mail, restore_hours=0))
    source = MailLogSource(cfg, [LogSpec(str(log), "exim")], interval=3600)
    try:
        with log.open("a") as f:
            f.write("\n".join(LINES[:3]) + "\n")
        source.read_events()
        with log.open("a") as f:
            f.write("\n".join(LINES[3:5]) + "\n")
        source.read_events()
        (counts,) = source.counts
        assert (counts.lines, counts.malformed) == (5, 0)
        assert source.ledger.messages == 2
    finally:
        source.close()
