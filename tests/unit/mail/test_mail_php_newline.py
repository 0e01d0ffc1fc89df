"""A script whose name holds a newline: PHP (8.2) writes its path in ``mail.log`` as it is
when ``mail()`` is given no extra headers, so the record comes in two or more lines (lines
captured from PHP 8.2's CLI with ``mail.log`` set; a folded To: adds ``\\r`` and a tab)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spamtrace.cli.main import main
from spamtrace.sources.maillog.blocks import parse_block
from spamtrace.sources.maillog.event import MailAction
from spamtrace.sources.maillog.reader import parser_for

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
    args = ["mail", "--no-queue", "--no-scan", "--since", "all", "--json"]
    assert main([*args, "--php-log", str(log)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sorted(s["script"] for s in doc["senders"]) == ["/home/shop/ok.php", SCRIPT]
