"""BSD syslog stamps (Postfix, a syslog-written PHP mail.log) carry no year: a line is of the
year of the file's last write, unless that would put it after the write (a line cannot be
written after its file was last written): then it is of the year before. A monthly or
size-rotated log holds December and the new year's first weeks, and is last written in
February; a log copied from another server has the copy's time."""

from __future__ import annotations

import calendar
import os
import time
from pathlib import Path

import pytest

from spamtrace.sources.maillog.reader import LogReader, LogSpec, local_offset, parser_for

#: 2027-02-10 12:00 UTC: a log rotated monthly, last written in February
WRITTEN = float(calendar.timegm((2027, 2, 10, 12, 0, 0, 0, 0, 0)))
DEC = "Dec 20 10:00:00 srv postfix/qmgr[7]: 3F2A1C0123: removed"
FEB = "Feb  1 10:00:00 srv postfix/qmgr[7]: 3F2A1C0124: removed"


def _year(wall: float) -> int:
    return time.gmtime(wall + local_offset(wall)).tm_year


def test_a_line_later_than_the_files_last_write_is_of_the_year_before() -> None:
    parse = parser_for("postfix", 2027, local_offset(WRITTEN), WRITTEN)
    dec, feb = parse(DEC), parse(FEB)
    assert dec is not None and feb is not None
    assert (_year(dec.wall), _year(feb.wall)) == (2026, 2027)
    assert dec.wall < feb.wall < WRITTEN


@pytest.mark.parametrize("compiled", [True, False])
def test_a_log_last_written_in_february_reads_its_december_as_last_year(
    tmp_path: Path, compiled: bool
) -> None:
    log = tmp_path / "mail.log"
    log.write_text(f"{DEC}\n{FEB}\n")
    os.utime(log, (WRITTEN, WRITTEN))
    reader = LogReader(LogSpec(str(log), "postfix"), None, compiled=compiled)
    walls = [ev.wall for ev in reader.events()]
    assert [_year(w) for w in walls] == [2026, 2027]
    assert all(w < WRITTEN for w in walls)  # never a line after its file's last write


def test_the_position_search_dates_lines_as_the_parser_does() -> None:
    # `check` and the daemon's read-back look for where --since starts by the lines' times
    from spamtrace.sources.maillog.reader import line_time

    when = line_time("postfix", 2027, local_offset(WRITTEN), WRITTEN)
    dec, feb = when(DEC), when(FEB)
    assert dec is not None and feb is not None
    assert (_year(dec), _year(feb)) == (2026, 2027)
