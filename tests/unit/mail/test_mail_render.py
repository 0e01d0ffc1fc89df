"""`spamtrace mail`'s human view (and check's "through the MTA" section), laid out by rich: on
a terminal (80 and 100 columns) wrapped lines keep their indent; in a pipe no box-drawing
character and whole lines; a mailbox name an attacker chose is text, never markup."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest
from mailhost import run_mail, run_mail_json
from rich.console import Console

from spamtrace.render import mail as mail_view
from spamtrace.render.layout import COMMANDS

SAMPLES = Path(__file__).resolve().parent / "samples"
EVIL = "[bold]x[/][link=http://evil.example]y[/link]:smile:@shop.example"
BOX = re.compile("[\u2500-\u257f]")  # the box-drawing block: ─ │ ┏ ┃ ...


def auth_id_found(command: str, auth_id: bytes) -> bool:
    """Whether the grep of a mail-auth freeze command (Exim) finds a spool header line of the
    login ``auth_id``, as Exim writes it: ``--auth_id`` (4.94+, tainted) and ``-auth_id``.
    The command's own words, as bash reads them, with its ``LC_ALL=C``."""
    import shlex
    import subprocess

    assert command.startswith("LC_ALL=C grep -rlxP --include='*-H' -e "), command
    pattern = shlex.split(command.split(" -e ", 1)[1])[0]
    hits = []
    for dashes in (b"--", b"-"):
        line = dashes + b"auth_id " + auth_id + b"\n"
        got = subprocess.run(["grep", "-caxP", "-e", pattern], input=line, capture_output=True,
                             env={"LC_ALL": "C"}, check=False)  # fmt: skip
        hits.append(got.stdout.strip() == b"1")
    assert hits[0] == hits[1], (pattern, auth_id)
    return hits[0]


def sasl_ids_found(command: str, login: bytes, tail: bytes = b"") -> bool:
    """Whether the grep of a mail-auth hold command (Postfix) takes the queue id of smtpd's
    line of the login ``login`` (as Postfix writes it; ``tail``: the fields after it)."""
    import shlex
    import subprocess

    assert command.startswith("LC_ALL=C grep -shoP -e "), command
    pattern = shlex.split(command.split(" -e ", 1)[1])[0]
    head = b"Dec  4 10:00:01 srv postfix/submission/smtpd[901]: 4QkT0m1AbCdZ: client=unknown"
    line = head + b"[203.0.113.5], sasl_method=LOGIN, sasl_username=" + login + tail
    got = subprocess.run(["grep", "-shoP", "-e", pattern], input=line + b"\n",
                         capture_output=True, env={"LC_ALL": "C"}, check=False)  # fmt: skip
    return got.stdout == b"4QkT0m1AbCdZ\n"


@pytest.fixture
def auth_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The stolen-mailbox sample with a mailbox name full of rich markup."""
    monkeypatch.setenv("SPAMTRACE_MAIL_AUTH_MAX_NETWORKS", "4")
    lines = [
        line.replace("info@shop.example", EVIL)
        for line in (SAMPLES / "exim-auth-abuse.log").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    path = tmp_path / "mainlog"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def shown(log: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run_mail(capsys, "--exim-log", log)
    assert code == 1  # the mail-auth incident
    return out


def on_terminal(monkeypatch: pytest.MonkeyPatch, width: int) -> io.StringIO:
    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=True, color_system=None)
    monkeypatch.setattr("spamtrace.render.output.console", lambda stderr=False: con)
    return buf


def test_mail_in_a_pipe_is_ascii_with_whole_lines(
    auth_log: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = shown(auth_log, capsys)
    assert not BOX.search(out), out
    assert f"| auth | {EVIL} |" in out  # the table, in ASCII, the name as it is
    assert "| last (UTC) |" in out  # the log's local times are shown in UTC: said so
    assert "  next     freeze its queued mail: LC_ALL=C grep -rlxP " in out  # an Exim log: Exim's
    assert "postsuper" not in out
    assert "😄" not in out


@pytest.mark.parametrize("width", [80, 100])
def test_mail_on_a_terminal_keeps_the_indent(
    auth_log: str, width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    buf = on_terminal(monkeypatch, width)
    shown(auth_log, capsys)
    lines = buf.getvalue().splitlines()
    # a command to paste is whole on its own line, however long (never broken)
    assert all(len(line) <= width or line.lstrip().startswith(COMMANDS) for line in lines), lines
    freeze = next(i for i, x in enumerate(lines) if x.startswith("  next     freeze its"))
    assert lines[freeze + 1].startswith(" " * 11) and lines[freeze + 1][11] != " ", lines
    assert EVIL in re.sub(r"\s+", "", buf.getvalue()) and "😄" not in buf.getvalue()


@pytest.mark.parametrize("width", [80, 100])
def test_check_section_on_a_terminal_keeps_the_indent(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    buf = on_terminal(monkeypatch, width)
    advice = ("freeze its queued mail: exiqgrep -i -f 'x@shop.example' | xargs -r exim -Mf "
              "(Postfix: postsuper -h), then reset the password of x@shop.example")  # fmt: skip
    mail_view.print_check_section({"minutes": 60, "incidents": [{
        "kind": "auth", "auth_user": EVIL, "user": None, "script": None, "cwd": None,
        "verdict": "mail-auth", "messages": 6, "recipients": 1,
        "reasons": ["logged in from 5 networks (/16) in an hour"], "advice": [advice],
    }]})  # fmt: skip
    lines = buf.getvalue().splitlines()
    assert all(len(line) <= width or line.lstrip().startswith(COMMANDS) for line in lines), lines
    nxt = next(i for i, x in enumerate(lines) if x.startswith("    next  freeze"))
    assert lines[nxt + 1].startswith(" " * 10) and lines[nxt + 1][10] != " ", lines
    assert f"  mail-auth: {EVIL}" in buf.getvalue()


def _incident(verdict: str, mta: str, **kw: object) -> object:
    from spamtrace.model import Verdict
    from spamtrace.policy.mail import MailIncident

    fields: dict[str, object] = dict(
        id="inc-1", verdict=Verdict(verdict), kind="auth" if verdict == "mail-auth" else "local",
        user=None, uid=None, script=None, cwd=None, auth_user=None, messages=9, recipients=9,
        distinct_recipients=9, ips=("192.0.2.1",), first_seen=1.0, last_seen=2.0, reasons=(),
        mta=mta,
    )  # fmt: skip
    fields.update(kw)
    return MailIncident(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("mta", ["exim", "postfix", "php"])
def test_the_freeze_advice_is_for_the_mta_whose_log_showed_the_sender(mta: str) -> None:

    from spamtrace.policy.mail import advice

    box = "a.b+c@shop.example"
    lines = advice(_incident("mail-auth", mta, auth_user=box))  # type: ignore[arg-type]
    exim = [x for x in lines if "auth_id" in x]
    postfix = [x for x in lines if "postsuper -h -" in x]
    assert (bool(exim), bool(postfix)) == {
        "exim": (True, False), "postfix": (False, True), "php": (True, True)
    }[mta], lines  # fmt: skip
    if exim:
        # the login in the spool header, whole: only this mailbox
        command = exim[0].split(": ", 1)[1]
        for login, hit in ((box, True), ("aXb+c@shop.example", False),
                           ("xa.b+c@shop.example", False), ("a.b+c@shop.example.net", False)):
            assert auth_id_found(command, login.encode()) is hit, (command, login)
    if postfix:
        # the login on smtpd's line, whole: only this mailbox's queue ids
        command = postfix[0].split(": ", 1)[1]
        for login, tail, hit in (
            (box, b"", True), (box, b", sasl_sender=x@y.example", True),
            ("aXb+c@shop.example", b"", False), ("xa.b+c@shop.example", b"", False),
            ("a.b+c@shop.example.net", b"", False),
        ):  # fmt: skip
            assert sasl_ids_found(command, login.encode(), tail) is hit, (command, login)
    local = advice(_incident("mail-script", mta, user="bob", uid=1001, cwd="/home/bob"))  # type: ignore[arg-type]
    assert local[0] == "spamtrace scan /home/bob"
    assert any("'^<bob@'" in x or 'startswith("bob@")' in x for x in local), local


def test_the_printed_freeze_command_matches_the_mailbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The "next" command as printed (not only as in JSON) is the one to paste: its regex
    keeps its single backslashes (``\\.``), so grep finds the mailbox's messages."""
    log = tmp_path / "mainlog"
    log.write_text((SAMPLES / "exim-auth-abuse.log").read_text())
    out = shown(str(log), capsys)
    line = next(x for x in out.splitlines() if "auth_id" in x)
    assert r" -e '(?i)--?auth_id info@shop\.example' " in line, line
    command = line.split(": ", 1)[1]
    for login, hit in (("info@shop.example", True), ("info@shopXexample", False)):
        assert auth_id_found(command, login.encode()) is hit, (command, login)


def test_a_script_path_with_escapes_is_one_pasteable_word() -> None:
    """A folder named with a terminal escape: the scan advice quotes it with $'...' (no
    control character reaches the terminal, and bash gives back the exact name)."""
    import subprocess

    from spamtrace.policy.mail import advice
    from spamtrace.safetext import escape_message

    cwd = "/home/bob/public_html/\x1b[2J\\x1b'x"
    line = advice(_incident("mail-script", "exim", user="bob", uid=1001, cwd=cwd))[0]  # type: ignore[arg-type]
    shown_line = escape_message(line)
    assert shown_line.isprintable() and shown_line == line
    word = shown_line.removeprefix("spamtrace scan ")
    got = subprocess.run(["bash", "-c", f"printf %s {word}"], capture_output=True, check=True)
    assert got.stdout == cwd.encode()


@pytest.mark.parametrize(
    "box", ["in\x1b[31mfo@shop.example", "a\u200bb@shop.example", "x\udcffy@shop.example"]
)
def test_the_freeze_commands_of_a_mailbox_with_control_characters_escape_them_once(
    box: str,
) -> None:
    """A mailbox whose name holds a terminal escape, an invisible or an undecodable character:
    each is written once, as its bytes in the Perl regexes (``\\x1b``: Exim's spool header,
    Postfix's smtpd line), so the commands are printable single-quoted words (the regex was
    ``$'^<in\\\\\\x1b\\\\[31m...'``: a Perl backslash, then bash's escape of both). Run
    through grep, they select that mailbox's messages and no other."""
    from spamtrace.policy.mail import advice
    from spamtrace.safetext import escape_message

    lines = advice(_incident("mail-auth", "php", auth_user=box))  # type: ignore[arg-type]
    exim, postfix = (next(x for x in lines if word in x) for word in ("auth_id", "postsuper"))
    for line in (exim, postfix):  # no $'...' quoting: one escape per character
        assert line.isprintable() and escape_message(line) == line, line
        assert "-e $'" not in line, line
    raw = box.encode("utf-8", "surrogateescape")
    command = exim.split(": ", 1)[1]
    for login, hit in ((raw, True), (raw.replace(b"@", b"X"), False),
                       (box.encode("unicode_escape"), False)):  # fmt: skip
        assert auth_id_found(command, login) is hit, (command, login)
    command = postfix.split(": ", 1)[1]
    for login, hit in ((raw, True), (raw.replace(b"@", b"X"), False),
                       (box.encode("unicode_escape"), False)):  # fmt: skip
        assert sasl_ids_found(command, login) is hit, (command, login)


def test_mail_on_a_narrow_terminal_lists_a_block_per_sender(
    auth_log: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 50 columns the table of senders was squeezed until its words and times were cut
    apart ("messa/ges", "10:01/:05"); like `incidents`, a terminal too narrow for the table
    gets a block per sender, each field whole under its label."""
    buf = on_terminal(monkeypatch, 50)
    shown(auth_log, capsys)
    out = buf.getvalue()
    lines = out.splitlines()
    assert all(len(line) <= 50 or line.lstrip().startswith(COMMANDS) for line in lines), lines
    assert not BOX.search(out), out
    assert "  auth  " in out
    assert re.search(r"^    sent  \d+ message\(s\) to \d+ recipient", out, re.M), out
    assert re.search(r"^    last  \d\d:\d\d:\d\d UTC$", out, re.M), out
    assert "logs read: " in out and EVIL in re.sub(r"\s+", "", out)


def test_the_last_time_has_its_date_when_the_senders_span_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mail --since 7d` showed only "10:01:05" for a sender's last message, of any of the
    seven days; the date is shown when the senders' last messages are not all of one day."""
    log = tmp_path / "mainlog"
    rows = [  # with their zone (log_timezone): the same figures whatever the host's zone
        "2026-12-02 09:00:00 +0000 1xZX01-0004e1-2T <= a@h U=olduser P=local S=1 for x@y.example",
        "2026-12-05 10:01:05 +0000 1xZX02-0004e2-2T <= b@h U=newuser P=local S=1 for x@y.example",
    ]
    log.write_text("\n".join(rows) + "\n")
    code, out, _ = run_mail(capsys, "--exim-log", str(log))
    assert code == 0
    assert "| 2026-12-02 09:00:00 |" in out and "| 2026-12-05 10:01:05 |" in out, out
    log.write_text(rows[1] + "\n")
    code, out, _ = run_mail(capsys, "--exim-log", str(log))
    assert code == 0
    assert "| 10:01:05   |" in out and "2026-12-05 10" not in out, out


def _burst(user: str, envelopes: list[str], n: int = 30, start: int = 0) -> list[str]:
    """``n`` local messages of ``user`` (envelope senders taken in turn from ``envelopes``)."""
    rows = []
    for i in range(start, start + n):
        qid = f"1xZ{i:03d}-0004ab-{i % 10}x"
        sender = envelopes[i % len(envelopes)]
        stamp = f"2026-12-04 10:{i // 60 % 60:02d}:{i % 60:02d}"
        rows.append(f"{stamp} {qid} <= {sender} U={user} P=local S=100 for r{i}@x.example")
    return rows


@pytest.mark.parametrize(
    ("envelopes", "others", "found"),
    [
        # WordPress sends as wordpress@<site>: '^<bob@' found none of the account's mail
        (["wordpress@shop.example"], [], ["wordpress@shop.example"]),
        (["a@shop.example", "b@blog.example"], [], ["a@shop.example", "b@blog.example"]),
        # an envelope sender another account also used would freeze its mail too: left out
        (["wordpress@shop.example", "noreply@host.example"], ["noreply@host.example"],
         ["wordpress@shop.example"]),
        # a spam run with a sender per message: no list to give; bob@ as before
        ([f"x{i}@spam.example" for i in range(6)], [], None),
        (["noreply@host.example"], ["noreply@host.example"], None),
    ],
)
def test_the_freeze_advice_of_a_local_sender_names_its_envelope_senders(
    envelopes: list[str], others: list[str], found: list[str] | None, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import shlex
    import subprocess

    monkeypatch.setenv("SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES", "20")
    log = tmp_path / "mainlog"
    rows = _burst("bob", envelopes) + (_burst("carol", others, 3, 100) if others else [])
    log.write_text("\n".join(rows) + "\n")
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 1
    (inc,) = doc["incidents"]
    exim = next(x for x in inc["advice"] if "exiqgrep" in x)
    pattern = shlex.split(exim.split("exiqgrep -i -f ", 1)[1])[0]
    if found is None:
        assert pattern == "^<bob@", exim
        return
    for sender in [*envelopes, *others, "bob@host.example", "wordpressXshop.example"]:
        code = subprocess.run(["perl", "-e", 'exit(($ARGV[1] =~ /$ARGV[0]/i) ? 0 : 1)',
                               pattern, f"<{sender}>"], check=False).returncode  # fmt: skip
        assert (code == 0) is (sender in found), (pattern, sender)
    code, out, _ = run_mail(capsys, "--exim-log", str(log))
    assert code == 1  # the terminal view gives the same command
    assert exim in out
    from spamtrace.policy.mail import MailIncident, advice

    snapshot = _incident("mail-script", "postfix", user="bob", uid=1001)
    assert isinstance(snapshot, MailIncident)
    (hold,) = [x for x in advice(snapshot, tuple(found)) if "postsuper" in x]
    assert " or ".join(f'.sender == "{a}"' for a in found) in hold, hold


def test_the_postfix_hold_command_finds_a_stolen_logins_mail_by_its_smtpd_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A botnet with a stolen password makes up every envelope sender: holding the queue by
    ``.sender == "<login>"`` held none of its messages (and held another login's, which may
    send as that address). The login names its messages on smtpd's ``client=`` line, with
    their queue ids: the printed command, run on the recorded log, gives exactly those."""
    import subprocess

    monkeypatch.setenv("SPAMTRACE_MAIL_AUTH_MAX_NETWORKS", "3")
    log = tmp_path / "mail.log"
    log.write_text((SAMPLES / "postfix-auth-forged.log").read_text())
    code, doc, _ = run_mail_json(capsys, "--postfix-log", str(log))
    assert code == 1
    (inc,) = doc["incidents"]
    assert inc["auth_user"] == "info@shop.example"
    (hold,) = [x for x in inc["advice"] if x.startswith("hold its queued mail")]
    command = hold.split(": ", 1)[1]
    assert command.endswith(" | postsuper -h -") and ".sender" not in command, command
    assert shlex.quote(str(log)) in command, command
    found = subprocess.run(
        ["bash", "-c", command.removesuffix(" | postsuper -h -")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout.split() == sorted(
        ["4QkT0m1AbCdZ", "4QkT0m3PqRsT", "4QkT0m4LmNoP", "4QkT0m6DeFgH", "4QkT0m7AaBbC"]
    ), (command, found.stderr)
