"""Following logs: rotation (rename, copytruncate) loses no line; long, broken and unfinished
lines are handled; reading back takes the rotated copies."""

from __future__ import annotations

import contextlib
import gzip
import os
from pathlib import Path
from typing import Any

import pytest
from mailhost import run_mail_json

from spamtrace.sources.maillog.tail import LineSplitter, LogFollower, read_back, rotated_paths


def write(path: Path, text: str | bytes) -> None:
    with open(path, "ab") as fh:
        fh.write(text.encode() if isinstance(text, str) else text)


def test_starts_at_the_end_by_default(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    write(log, "old 1\nold 2\n")
    follower = LogFollower(str(log))
    assert follower.poll() == []
    write(log, "new 1\n")
    assert follower.poll() == ["new 1"]
    assert LogFollower(str(log), start_at_end=False).poll() == ["old 1", "old 2", "new 1"]


def test_rename_rotation_loses_no_line(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    write(log, "")
    follower = LogFollower(str(log))
    seen: list[str] = []
    for i in range(5):
        write(log, f"before {i}\n")
    seen += follower.poll()
    write(log, "written just before the rename\n")
    os.rename(log, tmp_path / "mainlog.1")
    write(tmp_path / "mainlog.1", "late write to the old file\n")  # the MTA had it open
    write(log, "first of the new file\n")
    seen += follower.poll()
    write(log, "second of the new file\n")
    seen += follower.poll()
    assert seen == [
        *(f"before {i}" for i in range(5)),
        "written just before the rename",
        "late write to the old file",
        "first of the new file",
        "second of the new file",
    ]
    assert follower.stats.rotations == 1


def test_renamed_away_and_recreated_later(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    write(log, "")
    follower = LogFollower(str(log))
    write(log, "a\n")
    os.rename(log, tmp_path / "mainlog.1")
    assert follower.poll() == ["a"]
    assert follower.poll() == []  # nothing there yet
    write(log, "b\n")
    assert follower.poll() == ["b"]


def test_copytruncate_loses_no_line(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    write(log, "")
    follower = LogFollower(str(log))
    write(log, "one\ntwo\n")
    assert follower.poll() == ["one", "two"]
    write(log, "three (not read before the copy)\n")
    # logrotate copytruncate: copy, then truncate in place
    (tmp_path / "mainlog.1").write_bytes(log.read_bytes())
    with open(log, "r+b") as fh:
        fh.truncate(0)
    write(log, "four\n")
    assert follower.poll() == ["three (not read before the copy)", "four"]
    assert follower.stats.truncations == 1 and follower.stats.recovered_bytes > 0


def test_truncated_without_a_copy_is_counted(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    write(log, "")
    follower = LogFollower(str(log))
    write(log, "one\n")
    follower.poll()
    with open(log, "r+b") as fh:
        fh.truncate(0)
    write(log, "x\n")
    assert follower.poll() == ["x"]
    assert follower.stats.truncations == 1


def test_unfinished_last_line_waits_for_its_newline(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    write(log, "")
    follower = LogFollower(str(log))
    write(log, "2026-12-04 18:26:42 1xZXzW-0004er-2T <= sh")
    assert follower.poll() == []
    write(log, "op@host U=shop S=1\n")
    assert follower.poll() == ["2026-12-04 18:26:42 1xZXzW-0004er-2T <= shop@host U=shop S=1"]
    write(log, "cut off for good")
    assert follower.poll() == []
    assert follower.close() == ["cut off for good"]


def test_ten_megabyte_line_is_cut_and_the_next_line_is_whole(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    write(log, "")
    follower = LogFollower(str(log), max_line=1000)
    write(log, "A" * (10 * 1024 * 1024) + "\nnext line\n")
    lines = follower.poll()
    assert lines == ["A" * 1000, "next line"]
    assert follower.stats.long_lines == 1


def test_long_line_arriving_in_pieces(tmp_path: Path) -> None:
    split = LineSplitter(max_line=10)
    out = split.feed(b"x" * 8) + split.feed(b"y" * 8) + split.feed(b"z" * 5 + b"\nok\n")
    assert out == ["x" * 8 + "yy", "ok"]
    assert split.long_lines == 1


def test_invalid_utf8_is_kept_as_surrogate_escapes(tmp_path: Path) -> None:
    split = LineSplitter()
    (line,) = split.feed(b"cwd=/home/shop/\xff\xfe 1 args: x\n")
    assert line.encode("utf-8", "surrogateescape") == b"cwd=/home/shop/\xff\xfe 1 args: x"


def test_read_back_takes_rotated_copies_oldest_first(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    with gzip.open(tmp_path / "mainlog.2.gz", "wb") as fh:
        fh.write(b"oldest\n")
    (tmp_path / "mainlog.1").write_text("older\n")
    log.write_text("newest\nunfinished")
    os.utime(tmp_path / "mainlog.2.gz", (1000, 1000))
    os.utime(tmp_path / "mainlog.1", (2000, 2000))
    paths = rotated_paths(str(log), None)
    assert [Path(p).name for p in paths] == ["mainlog.2.gz", "mainlog.1", "mainlog"]
    assert [Path(p).name for p in rotated_paths(str(log), 1500)] == ["mainlog.1", "mainlog"]
    lines = [line for chunk in read_back(paths) for line in chunk]
    assert lines == ["oldest", "older", "newest", "unfinished"]
    (tmp_path / "mainlog.old").write_text("not a rotation\n")
    assert len(rotated_paths(str(log), None)) == 3


def test_rotated_copies_compressed_with_xz_or_bzip2_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """logrotate with `compresscmd xz` (or bzip2): those copies were left out of
    `mail --since 7d` without a word. A broken one is said, not a traceback."""
    import bz2
    import lzma

    log = tmp_path / "mainlog"
    stamp = "2026-12-01 10:00:0"
    rows = [f"{stamp}{i} 1xZX0{i}-0004e{i}-2T <= a@h U=u{i} P=local S=1" for i in range(3)]
    (tmp_path / "mainlog.2.xz").write_bytes(lzma.compress((rows[0] + "\n").encode()))
    (tmp_path / "mainlog.1.bz2").write_bytes(bz2.compress((rows[1] + "\n").encode()))
    log.write_text(rows[2] + "\n")
    for i, name in enumerate(("mainlog.2.xz", "mainlog.1.bz2", "mainlog")):
        os.utime(tmp_path / name, (1000 + i, 1000 + i))
    paths = rotated_paths(str(log), None)
    assert [Path(p).name for p in paths] == ["mainlog.2.xz", "mainlog.1.bz2", "mainlog"]
    assert [line for chunk in read_back(paths) for line in chunk] == rows
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    users = {s["user"] for s in doc["senders"]}
    assert users == {"u0", "u1", "u2"}
    (tmp_path / "mainlog.2.xz").write_bytes(b"\xfd7zXZ\x00broken")
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    assert {s["user"] for s in doc["senders"]} == {"u1", "u2"}
    assert "mainlog.2.xz: not a valid xz file" in doc["logs"][0]["error"], doc["logs"]


def test_a_damaged_gz_copy_is_said_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """logrotate's default `compress`: a .gz copy whose data is damaged (a bad sector, a copy
    broken in transfer), not just cut short, made zlib raise its own error, which is no
    OSError: `mail` died with "internal error: Error -3 while decompressing data", exit 3,
    and showed none of the other logs. It is now said in logs[].error, like a broken .xz."""
    log = tmp_path / "mainlog"
    stamp = "2026-12-01 10:00:0"
    rows = [f"{stamp}{i} 1xZX0{i}-0004e{i}-2T <= a@h U=u{i} P=local S=1" for i in range(2)]
    packed = gzip.compress(("\n".join(rows[:1] * 50) + "\n").encode())
    damaged = packed[:10] + bytes(b ^ 0x5A for b in packed[10:-8]) + packed[-8:]
    (tmp_path / "mainlog.2.gz").write_bytes(damaged)
    log.write_text(rows[1] + "\n")
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    assert {s["user"] for s in doc["senders"]} == {"u1"}
    assert "mainlog.2.gz: not a valid gz file (" in doc["logs"][0]["error"], doc["logs"]


def test_a_gz_copy_that_is_plain_text_is_read_as_text_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rotated `mainlog.1.gz` that is plain text (logrotate's `delaycompress` misnamed, a
    copy made by hand) was reported unreadable ("not a gzipped file") and its senders lost:
    without gzip's magic it is read as text, and one note says so. A file that is neither
    gzip nor text is still an error."""
    log = tmp_path / "mainlog"
    stamp = "2026-12-01 10:00:0"
    rows = [f"{stamp}{i} 1xZX0{i}-0004e{i}-2T <= a@h U=u{i} P=local S=1" for i in range(2)]
    (tmp_path / "mainlog.1.gz").write_text(rows[0] + "\n")
    log.write_text(rows[1] + "\n")
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    assert {s["user"] for s in doc["senders"]} == {"u0", "u1"}, doc
    assert doc["logs"][0]["error"] is None
    said = [n for n in doc["notes"] if "mainlog.1.gz" in n]
    assert len(said) == 1 and "not gzip" in said[0] and "read as text" in said[0], doc["notes"]
    (tmp_path / "mainlog.1.gz").write_bytes(b"\x00\x01binary\xff" * 10)
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    assert "mainlog.1.gz: not a gz file" in doc["logs"][0]["error"], doc["logs"]


def test_rotated_copies_compressed_with_zstd_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """logrotate with `compresscmd /usr/bin/zstd` and `compressext .zst`: those copies were
    left out of `mail --since all` without a word (not even in logs[].files). A broken one,
    or no zstd command to read one with, is said in logs[].error, not a traceback."""
    import subprocess

    log = tmp_path / "exim_mainlog"
    stamp = "2026-12-01 10:00:0"
    rows = [f"{stamp}{i} 1xZX0{i}-0004e{i}-2T <= a@h U=u{i} P=local S=1" for i in range(3)]
    zst = tmp_path / "exim_mainlog-20261202.zst"
    packed = subprocess.run(["zstd", "-q", "-c"], input=(rows[0] + "\n").encode(),
                            capture_output=True, check=True).stdout  # fmt: skip
    zst.write_bytes(packed)
    (tmp_path / "exim_mainlog-20261203").write_text(rows[1] + "\n")
    log.write_text(rows[2] + "\n")
    paths = rotated_paths(str(log), None)
    assert [Path(p).name for p in paths] == [zst.name, "exim_mainlog-20261203", log.name]
    assert [line for chunk in read_back(paths) for line in chunk] == rows
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    assert {s["user"] for s in doc["senders"]} == {"u0", "u1", "u2"}
    assert doc["logs"][0]["error"] is None
    zst.write_bytes(packed[: len(packed) // 2])  # cut short
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    assert {s["user"] for s in doc["senders"]} == {"u1", "u2"}
    assert f"{zst.name}: not a valid zst file (" in doc["logs"][0]["error"], doc["logs"]
    zst.write_bytes(packed)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # no zstd command
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    assert {s["user"] for s in doc["senders"]} == {"u1", "u2"}
    assert "the zstd command is not installed" in doc["logs"][0]["error"], doc["logs"]


def test_rotated_copies_are_read_in_the_order_their_names_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Logs copied off a server to be read elsewhere have the times of the copy: all the same
    second (or any order). .1 was read before .2.gz, and a message whose sendmail call ends
    one copy and whose arrival starts the next was split over two senders."""
    log = tmp_path / "mainlog"
    rows = []
    for i in range(6):
        mid = f"1xZX0{i}-0004e{i}-2T"
        stamp = f"2026-12-01 10:00:0{i}"
        rows += [
            f"{stamp} cwd=/home/shop/public_html/x 3 args: /usr/sbin/sendmail -t -i",
            f"{stamp} {mid} <= shop@h U=shop P=local S=1 for a{i}@x.example",
        ]
    # each copy ends with a sendmail call whose arrival starts the next one
    with gzip.open(tmp_path / "mainlog.2.gz", "wt") as fh:
        fh.write("\n".join(rows[:5]) + "\n")
    (tmp_path / "mainlog.1").write_text("\n".join(rows[5:9]) + "\n")
    log.write_text("\n".join(rows[9:]) + "\n")
    for same, newest_first in ((True, False), (False, True)):
        for age, name in enumerate(("mainlog", "mainlog.1", "mainlog.2.gz")):
            stamp = 1000.0 if same else 1000.0 + (age if newest_first else -age)
            os.utime(tmp_path / name, (stamp, stamp))
        paths = [Path(p).name for p in rotated_paths(str(log), None)]
        assert paths == ["mainlog.2.gz", "mainlog.1", "mainlog"], (same, paths)
    dated = tmp_path / "dated"
    dated.mkdir()
    for day in ("20261130", "20261129.gz", "20261201"):
        (dated / f"maillog-{day}").write_text("")
    (dated / "maillog").write_text("")
    names = [Path(p).name for p in rotated_paths(str(dated / "maillog"), None)]
    assert names == ["maillog-20261129.gz", "maillog-20261130", "maillog-20261201", "maillog"]
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    (sender,) = doc["senders"]
    assert sender["messages"] == 6 and sender["cwd"] == "/home/shop/public_html/x", doc


HOLE = 256 << 20  # bytes of nothing in a sparse file (read as NULs, they took seconds)


def _sparse(path: Path, before: bytes, after: bytes) -> None:
    """``before``, a hole, then ``after`` at HOLE (as a writer that goes on at its old offset
    after a copytruncate leaves it)."""
    with open(path, "wb") as fh:
        fh.write(before)
        fh.seek(HOLE)
        fh.write(after)
    assert os.stat(path).st_blocks * 512 < HOLE  # the file system made a hole


def test_a_hole_in_a_sparse_log_is_skipped_and_ends_the_line_before_it(tmp_path: Path) -> None:
    """Read as 256 MiB of NUL bytes, the hole glued the held line, itself and the first line
    after it into one over-long line, cut: that line was lost."""
    log = tmp_path / "mainlog"
    _sparse(log, b"one\ntwo without newline", b"three\nfour\n")
    split = LineSplitter()
    lines = [x.rstrip("\0") for chunk in read_back([str(log)], splitter=split) for x in chunk]
    assert [x for x in lines if x] == ["one", "two without newline", "three", "four"]
    only_hole = tmp_path / "empty"
    with open(only_hole, "wb") as fh:
        fh.truncate(HOLE)  # 256 MiB of nothing: no line at all
    assert list(read_back([str(only_hole)])) == []


def test_a_follower_skips_the_hole_a_copytruncate_leaves(tmp_path: Path) -> None:
    log = tmp_path / "mainlog"
    write(log, "")
    follower = LogFollower(str(log))
    write(log, "one\n")
    assert follower.poll() == ["one"]
    with open(log, "r+b") as fh:
        fh.truncate(0)
    assert follower.poll() == []  # truncated: read again from the start
    _sparse(log, b"", b"after the hole\n")
    assert [x for x in follower.poll() if x.strip("\0")] == ["after the hole"]
    assert follower.stats.long_lines == 0


EXIM_LOCAL = (
    "2026-12-07 03:{m:02d}:00 1vX{m:03d}-000ABC-01 <= shop@host.example U=shop P=local S=900 "
    "id=x{m}@host T=\"hi\" for a{m}@example.com\n"
    "2026-12-07 03:{m:02d}:01 1vX{m:03d}-000ABC-01 Completed\n"
)


def test_the_zeros_of_a_copytruncated_logs_hole_in_its_gz_copy_do_not_eat_the_next_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """logrotate copies a copytruncate'd log's hole as zeros, and gzip keeps them: in
    mainlog.2.gz the zeros were read as the head of the next line, which was then malformed
    (a short run) or over 64 KiB and dropped (a run as long as the old log): a message lost,
    said nowhere (29 of 30 messages)."""
    head = "".join(EXIM_LOCAL.format(m=m) for m in range(3))
    tail = "".join(EXIM_LOCAL.format(m=m) for m in range(3, 6))
    for run in (5000, 3 * 1024 * 1024):
        (tmp_path / "mainlog").write_bytes(b"")
        with gzip.open(tmp_path / "mainlog.2.gz", "wb") as fh:
            fh.write(head.encode() + b"\0" * run + tail.encode())
        code, doc, _ = run_mail_json(capsys, "--exim-log", str(tmp_path / "mainlog"))
        assert code == 0 and doc["totals"]["messages"] == 6, (run, doc["totals"])
        (log,) = doc["logs"]
        assert log["malformed"] == 0 and log["long_lines"] == 0, (run, log)


def test_a_rotated_copy_named_beside_its_log_is_read_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log is read with its rotated copies: naming a copy too (`--exim-log mainlog
    --exim-log mainlog.1.gz`, or `exim_logs = [".../mainlog", ".../mainlog.1"]`) read it twice
    and counted its messages twice (50 of 30), enough to cross the [mail] limits; the daemon's
    follower of mainlog.1 read each day's rotated log again."""
    import dataclasses

    from spamtrace.config import Config
    from spamtrace.sources.maillog.reader import configured

    logs = tmp_path / "exim4"
    logs.mkdir()
    with gzip.open(logs / "mainlog.1.gz", "wb") as fh:
        fh.write("".join(EXIM_LOCAL.format(m=m) for m in range(20)).encode())
    (logs / "mainlog.2").write_text(EXIM_LOCAL.format(m=40))
    (logs / "mainlog").write_text("".join(EXIM_LOCAL.format(m=m) for m in range(20, 30)))
    main_log, gz, two = str(logs / "mainlog"), str(logs / "mainlog.1.gz"), str(logs / "mainlog.2")
    for args in ([main_log], [main_log, gz], [gz, main_log], [two, main_log, gz]):
        given = [x for path in args for x in ("--exim-log", path)]
        code, doc, _ = run_mail_json(capsys, *given)
        assert code == 0 and doc["totals"]["messages"] == 31, (args, doc["totals"])
        assert [log["path"] for log in doc["logs"]] == [main_log], args
    _code, doc, _ = run_mail_json(capsys, "--exim-log", gz)  # a copy alone: read
    assert doc["totals"]["messages"] == 20
    other = tmp_path / "other"
    other.mkdir()
    (other / "mainlog").write_text(EXIM_LOCAL.format(m=50))
    _code, doc, _ = run_mail_json(
        capsys, "--exim-log", main_log, "--exim-log", str(other / "mainlog")
    )
    assert doc["totals"]["messages"] == 32  # two logs: both
    # configured: `mail` with no --exim-log, and the daemon's followers
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_LOGS", f'["{main_log}", "{gz}", "{two}"]')
    _code, doc, _ = run_mail_json(capsys)
    assert doc["totals"]["messages"] == 31 and len(doc["logs"]) == 1, doc["logs"]
    mail = dataclasses.replace(Config().mail, exim_logs=[gz, main_log], postfix_logs=[])
    assert [s.path for s in configured(mail)] == [main_log]


def test_zeros_are_dropped_only_where_they_start_a_line() -> None:
    split = LineSplitter()
    # a run across two blocks, nothing held: all of it dropped
    assert split.feed(b"one\n\0\0\0") == ["one"]
    assert split.feed(b"\0\0two\nthree\n") == ["two", "three"]
    # inside a line (held over a block's end, or between its bytes) a NUL stays
    assert split.feed(b"fo") == []
    assert split.feed(b"\0ur\0x\n") == ["fo\0ur\0x"]
    assert split.feed(b"\0\0\0") == [] and not split.partial


def test_a_gz_copy_cut_short_gives_its_lines_and_every_broken_copy_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rotated .gz cut short (a full disk during logrotate's compress) gave none of its lines
    (a whole block was read at once and the cut raised before any of it came back), and when
    an older copy was broken too, only the last file's error was said."""
    log = tmp_path / "mainlog"
    rows = [f"2026-12-01 10:{i // 60:02d}:{i % 60:02d} 1xZX{i:02d}-0004{i:02d}-2T <= a@h "
            f"U=u{i} P=local S=1" for i in range(120)]  # fmt: skip
    packed = gzip.compress(("\n".join(rows) + "\n").encode())
    (tmp_path / "mainlog.2.gz").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "mainlog.3.gz").write_bytes(b"\x00not gzip at all, nor text\n")
    log.write_text("")
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    users = {s["user"] for s in doc["senders"]}
    assert "u0" in users and len(users) >= 10, users  # the lines before the cut
    error = doc["logs"][0]["error"]
    assert "mainlog.3.gz: not a gz file, nor text" in error and "mainlog.2.gz: " in error, error


# ------------------------------------------------------------- what a log's owner may plant
# A PHP mail.log is often in the account's own folder (audit's fix puts it in ~/logs): its
# owner may put a FIFO or a link to a device at its name. Opened as root, a FIFO made the
# follower wait for a writer, on the engine's thread or holding the lock the engine waits on
# (capture stopped, and the daemon could not stop); /dev/zero was read for ever.


def _returns_within(fn: Any, seconds: float, fifo: Path | None = None) -> tuple[bool, Any]:
    """Run ``fn`` in a thread: (did it return in time, its result or what it raised). A
    FIFO left waited on is opened at its other end, so that the thread can end."""
    import threading

    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # handed to the test
            out.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        if fifo is not None:
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        return False, None
    return True, out[0] if out else None


def test_a_follower_does_not_wait_on_a_fifo_put_at_the_logs_name(tmp_path: Path) -> None:
    log = tmp_path / "php-mail.log"
    write(log, "a\n")
    follower = LogFollower(str(log))
    write(log, "b\n")
    log.rename(tmp_path / "gone")
    os.mkfifo(log)
    done, lines = _returns_within(follower.poll, 3.0, log)
    assert done, "the follower waited for a writer of the FIFO"
    assert lines == ["b"] and not follower.is_open
    fresh = LogFollower(str(log), start_at_end=False)
    done, again = _returns_within(fresh.poll, 3.0, log)
    assert done and again == []


def test_a_follower_reads_no_device_linked_at_the_logs_name(tmp_path: Path) -> None:
    log = tmp_path / "php-mail.log"
    log.symlink_to("/dev/zero")
    done, lines = _returns_within(lambda: LogFollower(str(log), start_at_end=False).poll(), 3.0)
    assert done, "the follower read /dev/zero"
    assert lines == []


def test_a_copy_after_a_copytruncate_that_is_a_fifo_is_not_waited_on(tmp_path: Path) -> None:
    log = tmp_path / "php-mail.log"
    write(log, "a\n")
    follower = LogFollower(str(log))
    write(log, "b\n")
    assert follower.poll() == ["b"]
    os.mkfifo(tmp_path / "php-mail.log.1")
    os.truncate(log, 0)
    done, lines = _returns_within(follower.poll, 3.0, tmp_path / "php-mail.log.1")
    assert done, "the follower waited on the FIFO at the copy's name"
    assert lines == [] and follower.stats.lost_bytes > 0


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_reading_back_refuses_what_is_not_a_file(tmp_path: Path, kind: str) -> None:
    from spamtrace.sources.maillog.tail import read_tail_bytes

    log = tmp_path / "php-mail.log"
    if kind == "fifo":
        os.mkfifo(log)
    else:
        log.symlink_to("/dev/zero")
    for fn in (lambda: list(read_back([str(log)])),
               lambda: read_tail_bytes(str(log), 0.0, lambda line: None)):  # fmt: skip
        done, result = _returns_within(fn, 3.0, log if kind == "fifo" else None)
        assert done, f"reading back waited on the {kind}"
        assert isinstance(result, OSError) and "not a regular file" in str(result), result


EXIM_CUT = (
    "2026-12-01 10:00:00 1xZX00-0004e0-2T <= a@h U=bob P=local S=1\n"
    "2026-12-01 10:00:01 1xZX01-0004e1-2T <= a@h U=al P=loc"
)
POSTFIX_CUT = (
    "Dec  4 18:26:42 srv postfix/pickup[812]: 3F2A1C0123: uid=1001 from=<shop>\n"
    "Dec  4 18:26:42 srv postfix/qmgr[700]: 3F2A1C0123: from=<s@srv>, size=523, nrcpt=1 (q)\n"
    "Dec  4 18:26:45 srv postfix/pickup[812]: 4F2A1C0124: uid=1002 from=<t>\n"
    "Dec  4 18:26:45 srv postfix/qmgr[700]: 4F2A1C0124: from=<t@srv>, size=5"
)


@pytest.mark.parametrize("recent", [False, True])
@pytest.mark.parametrize("kind", ["exim", "postfix"])
def test_the_unfinished_last_line_of_a_log_being_written_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, recent: bool
) -> None:
    """An Exim log's last line cut without its newline (`... P=loc`: the MTA is writing it)
    was read as a whole line: a local message counted as received from another server (in
    Postfix, `size=5` of `size=523`). In a log written in the last minute it is left for the
    next read, and a note says so; once the newline is there it is read. A log not written
    for longer (a copy cut for good) still gives its last line. `check` (--since: the end of
    the log only) the same."""
    import json
    import time

    from spamtrace.cli.main import main

    log = tmp_path / "mainlog"
    log.write_text(EXIM_CUT if kind == "exim" else POSTFIX_CUT)
    args = ["mail", "--json", "--no-queue", "--no-scan", f"--{kind}-log", str(log), "--since"]
    args.append("all" if not recent else "30d")

    def read() -> dict[str, Any]:
        assert main(args) == 0
        return dict(json.loads(capsys.readouterr().out))

    doc = read()
    said = [n for n in doc["notes"] if "no newline" in n]
    if kind == "exim":
        assert doc["totals"]["inbound"] == 0 and doc["totals"]["messages"] == 1, doc
    else:
        assert 5 not in [s["bytes"] for s in doc["senders"]], doc["senders"]
    assert len(said) == 1 and str(log) in said[0], doc["notes"]
    old = time.time() - 3600
    os.utime(log, (old, old))  # cut for good: its last line is what there is
    doc = read()
    if kind == "exim":
        assert doc["totals"]["inbound"] == 1, doc
    assert not [n for n in doc["notes"] if "no newline" in n]
    write(log, "al S=1\n" if kind == "exim" else "23, nrcpt=1 (q)\n")  # the rest of the line
    doc = read()
    if kind == "exim":
        assert doc["totals"]["inbound"] == 0 and doc["totals"]["messages"] == 2, doc
    else:
        assert [s["bytes"] for s in doc["senders"]] == [523, 523], doc["senders"]


def test_check_reads_the_end_of_a_log_without_its_unfinished_last_line(tmp_path: Path) -> None:
    """`check` reads only the end of the current log (LogReader(recent=True)): the same."""
    from spamtrace.sources.maillog.reader import LogReader, LogSpec

    log = tmp_path / "mainlog"
    log.write_text(EXIM_CUT)
    reader = LogReader(LogSpec(str(log), "exim"), 0.0, recent=True)
    events = list(reader.events())
    assert reader.counts.lines == 1 and len(events) == 1 and reader.counts.unfinished, events


def test_postfix_logrotate_s_copies_are_read(tmp_path: Path) -> None:
    """`postfix logrotate` (Postfix >= 3.4, maillog_file) renames the file with the suffix
    of maillog_file_rotate_suffix (`%Y%m%d-%H%M%S`) and gzips it: those copies were not
    read back at all."""
    log = tmp_path / "postfix.log"
    log.write_text("now\n")
    with gzip.open(tmp_path / "postfix.log.20261205-101500.gz", "wt") as fh:
        fh.write("older\n")
    (tmp_path / "postfix.log.20261206-000001").write_text("newer\n")
    (tmp_path / "postfix.log.2026-bad").write_text("no\n")
    for name in ("postfix.log", "postfix.log.20261205-101500.gz", "postfix.log.20261206-000001"):
        os.utime(tmp_path / name, (1000.0, 1000.0))
    paths = [Path(p).name for p in rotated_paths(str(log), None)]
    assert paths == ["postfix.log.20261205-101500.gz", "postfix.log.20261206-000001",
                     "postfix.log"]  # fmt: skip
    lines = [line for chunk in read_back([str(tmp_path / p) for p in paths]) for line in chunk]
    assert lines == ["older", "newer", "now"]
