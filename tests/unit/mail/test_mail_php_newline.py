"""A script whose name holds a newline: PHP (8.2) writes its path in ``mail.log`` as it is
when ``mail()`` is given no extra headers, so the record comes in two or more lines (lines
captured from PHP 8.2's CLI with ``mail.log`` set; a folded To: adds ``\\r`` and a tab)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailhost import run_mail, run_mail_json

from spamtrace.sources.maillog.blocks import parse_block
from spamtrace.sources.maillog.event import MailAction
from spamtrace.sources.maillog.reader import LogCounts, carry, parser_for
from spamtrace.sources.maillog.scriptnames import ScriptNames

SCRIPT = "/home/shop/public_html/wp-content/uploads/a\nb\x1b[31m.php"
LOG = (
    f"[05-Dec-2026 17:18:32 UTC] mail() on [{SCRIPT}:1]: To: a@b.example,\r\n"
    "\tc@d.example -- Headers:  -- Subject: subj\r\n"
    "\tx\n"
    "[05-Dec-2026 17:18:33 UTC] mail() on [/home/shop/ok.php:3]: To: e@f.example -- "
    "Headers: From: x@y -- Subject: s\n"
)


def test_the_parts_give_one_mail_call_with_the_whole_script_path() -> None:
    events, lines, malformed, _ = parse_block(
        "php", LOG.rstrip("\n").encode(), parser_for("php", 2026, 0)
    )
    # the first part was malformed and the call lost; it still is (PHP broke it)
    assert (lines, malformed) == (5, 1)
    first, second = events
    assert first.action is MailAction.SCRIPT_CALL and first.script == SCRIPT
    assert first.script_line == 1 and first.wall == 1796491112.0
    assert first.recipients == ("a@b.example",)
    assert second.script == "/home/shop/ok.php"


def test_a_first_part_without_its_rest_spoils_no_other_line() -> None:
    cut = (
        "[05-Dec-2026 17:18:32 UTC] mail() on [/home/shop/a\n"
        "[05-Dec-2026 17:18:33 UTC] mail() on [/home/shop/ok.php:3]: To: e@f.example -- "
        "Headers:  -- Subject: s"
    )
    events, _, malformed, _ = parse_block("php", cut.encode(), parser_for("php", 2026, 0))
    assert malformed == 1 and [e.script for e in events] == ["/home/shop/ok.php"]
    alone = "b.php:1]: To: a@b.example -- Headers:  -- Subject: s"  # a rest without its head
    events, _, _, _ = parse_block("php", alone.encode(), parser_for("php", 2026, 0))
    assert events == []


def test_a_name_of_many_lines_is_joined_up_to_a_bound() -> None:
    parts = "\n".join(f"p{i}" for i in range(40))
    log = f"[05-Dec-2026 17:18:32 UTC] mail() on [/home/shop/{parts}.php:1]: To: a@b.example"
    events, _, _, _ = parse_block("php", log.encode(), parser_for("php", 2026, 0))
    assert events == []  # not one held record growing without end
    few = "\n".join(f"p{i}" for i in range(5))
    log = f"[05-Dec-2026 17:18:32 UTC] mail() on [/home/shop/{few}.php:1]: To: a@b.example"
    (ev,) = parse_block("php", log.encode(), parser_for("php", 2026, 0))[0]
    assert ev.script == f"/home/shop/{few}.php"


def test_mail_names_the_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "php-mail.log"
    log.write_text(LOG)
    code, doc, _ = run_mail_json(capsys, "--php-log", str(log))
    assert code == 0
    assert sorted(s["script"] for s in doc["senders"]) == ["/home/shop/ok.php", SCRIPT]
    # the first part, joined with its rest, is no malformed line (it was counted one)
    assert doc["logs"][0]["malformed"] == 0


def test_the_first_part_is_taken_back_from_the_logs_counts() -> None:
    counts = LogCounts("mail.log", "php")
    parse = parser_for("php", 2026, 0)
    carry(None, parse, counts)
    events, lines, malformed, _ = parse_block("php", LOG.rstrip("\n").encode(), parse)
    assert (lines, len(events)) == (5, 2)
    assert malformed + counts.malformed == 0  # counted as it came (1), taken back (-1)


# Recorded from PHP 8.2's CLI (mail.log set, mail.add_x_header = On): a script named
# "mail<LF>x.php" calling mail() with a From: header, then one named "plain<LF>y.php" calling
# it without headers. With headers PHP turns every CR and LF of the record into a space, the
# script's name included; without, it writes the name as it is. {root} was the folder.
RECORDED = (
    "[06-Dec-2026 05:27:59 UTC] mail() on [{root}/up/mail x.php:2]: To: a@b.example -- "
    "Headers: From: x@shop.example -- Subject: subj\n"
    "[06-Dec-2026 05:27:59 UTC] mail() on [{root}/up/plain\n"
    "y.php:2]: To: c@d.example -- Headers:  -- Subject: subj\n"
)

HEADED = (
    "[06-Dec-2026 05:28:00 UTC] mail() on [{}:1]: To: e@f.example -- Headers: From: x@y -- "
    "Subject: s"
)


def test_a_name_whose_line_break_php_made_a_space_is_the_file_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record with headers names `mail x.php`, a file that is not there: the script is
    the one file of its folder that reads so with its line breaks as spaces."""
    up = tmp_path / "up"
    up.mkdir()
    (up / "mail\nx.php").write_text("<?php mail('a@b.example', 's', 'b', 'From: x@shop.example');")
    (up / "plain\ny.php").write_text("<?php mail('c@d.example', 's', 'b');")
    (up / "other x.php").write_text("<?php")  # a name with a real space stays as it is
    text = RECORDED.format(root=tmp_path)
    block = text.rstrip("\n").encode()
    looked = parser_for("php", 2026, 0, names=ScriptNames())
    events, _, malformed, _ = parse_block("php", block, looked)
    assert malformed == 1  # the no-header record's first part, as before
    assert [e.script for e in events] == [f"{up}/mail\nx.php", f"{up}/plain\ny.php"]
    # the parser alone touches no disk: the name as logged
    pure = parse_block("php", block, parser_for("php", 2026, 0))[0]
    assert [e.script for e in pure] == [f"{up}/mail x.php", f"{up}/plain\ny.php"]
    extra = HEADED.format(f"{up}/other x.php")
    (ev,) = parse_block("php", extra.encode(), parser_for("php", 2026, 0, names=ScriptNames()))[0]
    assert ev.script == f"{up}/other x.php"
    log = tmp_path / "mail.log"
    log.write_text(text)
    _, out, _ = run_mail(capsys, "--php-log", str(log))
    assert "mail\\nx.php" in out and "mail\nx.php" not in out  # escaped when printed
    _, doc, _ = run_mail_json(capsys, "--php-log", str(log))
    scripts = {s["script"] for s in doc["senders"]}
    assert scripts == {f"{up}/mail\nx.php", f"{up}/plain\ny.php"}


def test_a_spaced_name_that_could_be_two_files_stays_as_logged(tmp_path: Path) -> None:
    for name in ("a\nb.php", "a\rb.php"):
        (tmp_path / name).write_text("<?php")
    line = HEADED.format(f"{tmp_path}/a b.php")
    (ev,) = parse_block("php", line.encode(), parser_for("php", 2026, 0, names=ScriptNames()))[0]
    assert ev.script == f"{tmp_path}/a b.php"


def test_a_chrooted_pools_spaced_name_is_looked_up_on_this_server(tmp_path: Path) -> None:
    (tmp_path / "public_html").mkdir()
    (tmp_path / "public_html" / "m\nx.php").write_text("<?php")
    line = HEADED.format("/public_html/m x.php")
    parse = parser_for("php", 2026, 0, root=str(tmp_path), names=ScriptNames())
    (ev,) = parse_block("php", line.encode(), parse)[0]
    assert ev.script == f"{tmp_path}/public_html/m\nx.php"


def test_the_next_look_at_a_followed_log_keeps_the_names_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daemon makes a parser per look at a followed log (carry() takes over the last one)
    and keeps one look-up of names per log: a spaced name is looked up in its folder once,
    not once a look (its records are the attacker's to repeat)."""
    from spamtrace.sources.maillog import reader, scriptnames

    (tmp_path / "a\nb.php").write_text("<?php")
    line = HEADED.format(f"{tmp_path}/a b.php").encode()
    looked: list[str] = []
    real = scriptnames.with_line_breaks
    monkeypatch.setattr(scriptnames, "with_line_breaks", lambda p: looked.append(p) or real(p))
    names = ScriptNames()
    before = None
    for _ in range(3):
        parse = parser_for("php", 2026, 0, names=names)
        reader.carry(before, parse)
        (ev,) = parse_block("php", line, parse)[0]
        assert ev.script == f"{tmp_path}/a\nb.php"
        before = parse
    assert looked == [f"{tmp_path}/a b.php"]


def test_the_followers_and_the_readers_look_names_up_and_the_parser_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PHP line parser listed folders (an OS touch inside a parser): the look-up is the
    readers' now (mail's LogReader, the daemon's follower), given to the parser."""
    import os
    import time

    from spamtrace import config
    from spamtrace.sources.maillog.follow import MailLogSource
    from spamtrace.sources.maillog.reader import LogReader, LogSpec

    (tmp_path / "a\nb.php").write_text("<?php")
    log = tmp_path / "mail.log"
    stamp = time.strftime("%d-%b-%Y %H:%M:%S", time.gmtime(time.time() - 60))
    record = HEADED.replace("06-Dec-2026 05:28:00", stamp).format(f"{tmp_path}/a b.php") + "\n"
    log.write_text(record)
    listed: list[str] = []
    real = os.listdir
    monkeypatch.setattr(os, "listdir", lambda p=".": listed.append(str(p)) or real(p))
    (ev,) = parse_block("php", log.read_bytes(), parser_for("php", 2026, 0))[0]
    assert ev.script == f"{tmp_path}/a b.php" and listed == []
    (ev,) = list(LogReader(LogSpec(str(log), "php"), None).events())
    assert ev.script == f"{tmp_path}/a\nb.php" and str(tmp_path) in listed
    cfg = config.Config().override(
        origin="test", mail__php_logs=[str(log)], mail__script_max_messages=1
    )
    src = MailLogSource(cfg, [LogSpec(str(log), "php")], interval=3600)
    try:
        assert src.wait_restored(10) and src.restored == 1
        with log.open("a") as fh:
            fh.write(record)
        (opened,) = src.read_events()  # the second call: above the limit of 1
        assert opened.incident.scripts == (f"{tmp_path}/a\nb.php",)
    finally:
        src.close()
