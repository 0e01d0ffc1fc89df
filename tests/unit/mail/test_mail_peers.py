"""Counts agree with the tools admins use today, on the same generated log: eximstats' local
senders (by U=) and sending emails (for the SMTP AUTH mailboxes), pflogsumm's senders by
message count (for local and SASL senders). And on hand-made logs of SMTP AUTH and bounce
shapes (shapes/): every message is a sender's, inbound or a bounce the MTA made, where the
peers count them. scripts/test.sh installs both (exim4-base, pflogsumm)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mailhost import run_mail_json

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

from maillog_bench import spamtrace_counts, table  # noqa: E402
from maillog_gen import exim_lines, postfix_lines  # noqa: E402

PATH = os.environ.get("PATH", "") + ":/usr/sbin:/usr/bin"
#: hand-made logs of SMTP AUTH and bounce shapes (test_mail_auth_shapes.py joins them too)
SHAPES = Path(__file__).resolve().parent / "shapes"


def ours(capsys: pytest.CaptureFixture[str], kind: str, path: Path) -> dict[str, object]:
    code, doc, _ = run_mail_json(capsys, "--top", "100000", f"--{kind}-log", str(path))
    assert code in (0, 1)
    return doc


def peer(argv: list[str]) -> str:
    return subprocess.run(
        argv, capture_output=True, text=True, check=True, env={**os.environ, "PATH": PATH}
    ).stdout


def test_exim_counts_agree_with_eximstats(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "mainlog"
    log.write_text("\n".join(exim_lines(20_000, seed=3)) + "\n")
    local, auth = spamtrace_counts(ours(capsys, "exim", log))
    text = peer(["eximstats", "-t200", "-ne", "-nr", "-h0", "-byemail", str(log)])
    assert len(local) > 10 and local == table(text, "local senders by message count", 0, 3)
    emails = table(text, "sending emails by message count", 0, 3)
    assert len(auth) > 10 and all(emails[box] == n for box, n in auth.items())


def test_postfix_counts_agree_with_pflogsumm(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "maillog"
    log.write_text("\n".join(postfix_lines(20_000, seed=3)) + "\n")
    doc = ours(capsys, "postfix", log)
    _, by_address = spamtrace_counts(doc)
    for s in doc["senders"]:  # type: ignore[attr-defined]
        if s["kind"] != "auth":
            for address in s["envelope_senders"]:
                by_address[address] = by_address.get(address, 0) + s["messages"]
    theirs = table(peer(["pflogsumm", "-h", "0", str(log)]), "Senders by message count", 0, 1)
    assert len(by_address) > 20
    assert {a: theirs.get(a) for a in by_address} == by_address


def test_mail_json_with_auth_shapes_agrees_with_eximstats(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "mainlog"
    log.write_text((SHAPES / "exim-auth.log").read_text())
    doc = ours(capsys, "exim", log)
    boxes = {s["auth_user"]: s["messages"] for s in doc["senders"] if s["kind"] == "auth"}  # type: ignore[attr-defined]
    assert boxes == {"box@shop.example": 3, "John Smith": 2, "(cram_md5)": 2}
    totals = doc["totals"]
    assert totals == {"messages": 8, "senders": 4, "inbound": 1, "from_this_host": 0, "bounces": 1}  # type: ignore[comparison-overlap]
    text = peer(["eximstats", "-t200", "-ne", "-nr", "-h0", str(log)])
    # every "<=" line: eximstats' grand total of received messages
    received = re.search(r"^\s*Received\s+\S+\s+(\d+)", text, re.M)
    assert received is not None
    counted = ("messages", "inbound", "from_this_host", "bounces")
    assert int(received.group(1)) == sum(totals[k] for k in counted)  # type: ignore[index]
    theirs = table(text, "local senders by message count", 0, 3)
    # eximstats counts Exim's own bounce as its user's local mail; spamtrace as "bounces"
    assert theirs.pop("Debian-exim") == totals["bounces"]  # type: ignore[index]
    mine = {s["user"]: s["messages"] for s in doc["senders"] if s["kind"] == "local"}  # type: ignore[attr-defined]
    assert theirs == mine


def test_mail_json_with_a_postfix_bounce_agrees_with_pflogsumm(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "maillog"
    log.write_text((SHAPES / "postfix-bounce.log").read_text())
    doc = ours(capsys, "postfix", log)
    totals = doc["totals"]
    assert (totals["inbound"], totals["bounces"]) == (1, 1)  # type: ignore[index]
    text = peer(["pflogsumm", "-h", "0", str(log)])
    received = re.search(r"^\s*(\d+)\s+received$", text, re.M)
    assert received is not None
    # pflogsumm's "received" counts pickup and smtpd messages: not the bounces Postfix makes
    # itself, which spamtrace does not count as inbound either (it did before: 1 too many)
    assert int(received.group(1)) == totals["messages"] + totals["inbound"]  # type: ignore[index]
