"""A log that starts with a UTF-8 byte-order mark (an editor's save, a Windows copy) loses no
line: the mark is dropped where the file is read from its start, before either parser (the
compiled one-pass or the Python reference) sees the bytes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from spamtrace.sources.maillog.reader import LogReader, LogSpec
from spamtrace.sources.maillog.tail import BOM, LogFollower, read_back

FIRST = "2026-12-04 18:26:42 1xZXzW-0004er-2T <= shop@host.example U=shop P=local S=387"
SECOND = "2026-12-04 18:26:43 1xZXzX-0004es-2U <= victim@vm U=victim P=local S=328"
PHP = (
    "[04-Dec-2026 18:30:20 UTC] mail() on [/home/shop/public_html/x.php:4]: "
    "To: a@remote.example -- Headers: From: s@shop.example"
)


def bom_log(path: Path, *lines: str) -> str:
    path.write_bytes(BOM + "".join(line + "\n" for line in lines).encode())
    return str(path)


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize(("kind", "lines"), [("exim", (FIRST, SECOND)), ("php", (PHP, PHP))])
def test_first_line_of_a_bom_log_is_read(
    tmp_path: Path, compiled: bool, kind: str, lines: tuple[str, ...]
) -> None:
    reader = LogReader(LogSpec(bom_log(tmp_path / "log", *lines), kind), None, compiled=compiled)
    events = list(reader.events())
    assert (reader.counts.lines, reader.counts.malformed, len(events)) == (2, 0, 2)


@pytest.mark.parametrize("compiled", [True, False])
def test_checks_recent_read_of_a_small_bom_log(tmp_path: Path, compiled: bool) -> None:
    # `check` reads the end of the log back to about its start: here the whole file
    now = time.time()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now - 60))
    path = bom_log(tmp_path / "mainlog", FIRST.replace("2026-12-04 18:26:42", stamp))
    reader = LogReader(LogSpec(path, "exim"), now - 3600, recent=True, compiled=compiled)
    assert len(list(reader.events())) == 1 and reader.counts.malformed == 0


def test_read_back_and_follower_drop_the_mark_at_the_start_only(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    bom_log(log, "one", "two")
    assert [line for chunk in read_back([str(log)]) for line in chunk] == ["one", "two"]
    follower = LogFollower(str(log), start_at_end=False)
    assert follower.poll() == ["one", "two"]
    with open(log, "ab") as fh:
        fh.write(BOM + b"kept in the middle\n")
    assert follower.poll() == ["\ufeffkept in the middle"]
    os.rename(log, tmp_path / "mainlog.1")  # rotated: the new file starts with a mark too
    bom_log(log, "after rotation, a long line")
    assert follower.poll() == ["after rotation, a long line"]
    os.truncate(log, 0)  # copytruncate (the copy: not there, counted as lost)
    with open(log, "ab") as fh:
        fh.write(BOM + b"truncated\n")  # shorter than before: seen as a truncation
    assert follower.poll() == ["truncated"]
