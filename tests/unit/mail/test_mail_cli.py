"""`spamtrace mail` on sample logs: the JSON contract, the human view, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mailhost import run_mail, run_mail_json

from spamtrace.cli.main import main

SAMPLES = Path(__file__).resolve().parent / "samples"


def log_of(sample: str, tmp_path: Path) -> str:
    """A sample file without its comments: a log as the MTA writes it."""
    lines = [
        line
        for line in (SAMPLES / sample).read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    path = tmp_path / sample
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_json_contract_and_auth_incident(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPAMTRACE_MAIL_AUTH_MAX_NETWORKS", "4")
    code, doc, _ = run_mail_json(capsys, "--exim-log", log_of("exim-auth-abuse.log", tmp_path))
    assert code == 1
    assert doc["schema"] == "spamtrace.mail/1"
    first = doc["senders"][0]
    keys = {
        "kind", "account", "uid", "user", "script", "cwd", "auth_user", "messages",
        "recipients", "first_seen", "last_seen",
    }  # fmt: skip
    assert keys <= set(first)
    assert (first["kind"], first["auth_user"], first["messages"]) == (
        "auth", "info@shop.example", 6,
    )  # fmt: skip
    assert [s["messages"] for s in doc["senders"]] == sorted(
        (s["messages"] for s in doc["senders"]), reverse=True
    )
    (inc,) = doc["incidents"]
    assert inc["verdict"] == "mail-auth" and first["incident"] == inc["id"]
    assert doc["logs"][0]["lines"] == 9


def test_human_view_and_malformed_lines_counted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run_mail(capsys, "--exim-log", log_of("exim.log", tmp_path))
    assert code == 0
    assert "Mail sent through the MTA" in out and "shop" in out
    # the sample's broken stamp and cwd line without a count; its " Suggested action" line is
    # the second line of Exim's warning before it, not a malformed one
    assert "2 malformed line(s) skipped" in out


def test_top_limits_the_incidents_shown_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`--top 5` listed 5 senders, then every incident of a botnet's run (hundreds)."""
    monkeypatch.setenv("SPAMTRACE_MAIL_AUTH_MAX_NETWORKS", "4")
    text = Path(log_of("exim-auth-abuse.log", tmp_path)).read_text()
    log = tmp_path / "many.log"
    log.write_text("".join(text.replace("info@", f"info{n}@") for n in range(4)))
    code, out, _ = run_mail(capsys, "--top", "2", "--exim-log", str(log))
    assert code == 1
    assert out.count("mail-auth: ") == 2
    assert "2 more incident(s) (--top 2; all: --json)" in out
    code, doc, _ = run_mail_json(capsys, "--top", "2", "--exim-log", str(log))
    assert len(doc["incidents"]) == 4


def test_missing_log_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_mail(capsys, "--exim-log", str(tmp_path / "nope"))
    assert code == 2 and "no such file" in err and "Traceback" not in err
    code, _, err = run_mail(capsys, "--exim-log", str(tmp_path))  # a folder exists: say what it is
    assert code == 2 and "not a regular file (a directory)" in err
    code, _, err = run_mail(capsys, "--exim-log", "")  # not the current folder, "a directory"
    assert code == 2 and "--exim-log: an empty path" in err, err


def test_bad_since_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["mail", "--since", "yesterday-ish", "--exim-log", str(SAMPLES / "exim.log")])
    assert code == 2


def test_read_tail_bytes_reads_back_only_to_about_since(tmp_path: Path) -> None:
    from spamtrace.sources.maillog.reader import line_time
    from spamtrace.sources.maillog.tail import read_tail_bytes

    log = tmp_path / "mainlog"
    lines = [f"2026-12-04 {h:02d}:00:00 line {h}" for h in range(24)]
    log.write_text("\n".join(lines) + "\n")
    since = 1796342400.0 + 20 * 3600  # 2026-12-04 20:00 UTC
    exim_time = line_time("exim", 2026, 0)
    got = read_tail_bytes(str(log), since, exim_time, block=64).decode().splitlines()
    assert got[-4:] == lines[-4:]
    assert len(got) < 10  # it stopped reading back soon after 20:00
    whole = read_tail_bytes(str(log), 0.0, exim_time, block=64)
    assert whole.decode().splitlines() == lines


def _five_sendmail_runs_in(folder: Path, tmp_path: Path) -> Path:
    """An Exim main log: five messages sent by sendmail run in ``folder`` (its cwd= lines)."""
    log = tmp_path / "mainlog"
    log.write_text(
        "\n".join(
            f"2026-12-04 18:26:{i:02d} cwd={folder} 3 args: /usr/sbin/sendmail -t -i\n"
            f"2026-12-04 18:26:{i:02d} 1xZX{i:02d}-0004e{i % 10}-2T <= shop@h U=shop P=local S=9"
            for i in range(5)
        )
        + "\n"
    )
    return log


def test_scan_names_the_likely_script_in_the_senders_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import shutil

    folder = tmp_path / "uploads"
    folder.mkdir()
    malicious = Path(__file__).resolve().parents[1] / "scanner/samples/malicious/bcc-mailer.php"
    shutil.copyfile(malicious, folder / "wp-tmp.php")
    (folder / "readme.txt").write_text("nothing to see\n")
    log = _five_sendmail_runs_in(folder, tmp_path)
    code = main(["mail", "--json", "--no-queue", "--since", "all", "--exim-log", str(log)])
    doc = json.loads(capsys.readouterr().out)
    (sender,) = doc["senders"]
    assert (sender["kind"], sender["script_from"]) == ("script", "scan")
    assert sender["script"] == str(folder / "wp-tmp.php") and sender["messages"] == 5
    (inc,) = doc["incidents"]
    assert code == 1 and inc["verdict"] == "mail-script" and "malicious" in inc["reasons"][0]


def test_a_log_of_another_kind_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A Postfix log given as --exim-log (or a binary file) is not "no mail sent": one line
    asks whether it is the right kind of log, and the exit is 3 (no answer), not 0 (the
    report said "no sender counted" and exited as a clean run, three notes above it)."""
    code, out, err = run_mail(capsys, "--exim-log", log_of("postfix.log", tmp_path))
    assert code == 3 and out == ""
    (line,) = err.splitlines()
    assert "none of its" in line and "reads as an Exim main log line: is it one?" in line, line
    assert "--postfix-log for a Postfix one" in line
    binary = tmp_path / "bin\x1b[31mary"
    binary.write_bytes(bytes(range(256)) * 40)
    code, out, err = run_mail(capsys, "--exim-log", str(binary))
    (line,) = err.splitlines()
    assert code == 3 and out == "" and "\x1b" not in line and "bin\\x1b[31mary" in line, line
    code, doc, err = run_mail_json(capsys, "--exim-log", str(binary))  # its error document
    assert code == 3 == doc["exit_code"] and "is it one?" in doc["error"], doc
    code, out, err = run_mail(capsys, "--postfix-log", log_of("exim.log", tmp_path))
    assert code == 3 and "reads as a Postfix log line: is it one?" in err, err
    # with a log that reads as its kind beside it: a note, the report of the other
    code, out, err = run_mail(
        capsys, "--exim-log", str(binary), "--exim-log", log_of("exim.log", tmp_path)
    )
    assert code in (0, 1) and "reads as an Exim main log line: is it one?" in out, out
    # a PHP mail.log has nothing but mail() records: a Postfix log given as --php-log read
    # as "no mail sent", without a word (then with a note, and exit 0)
    code, out, err = run_mail(capsys, "--php-log", log_of("postfix.log", tmp_path))
    assert code == 3 and out == ""
    assert "is a PHP mail() record: is it a PHP mail.log?" in err, err
    php, exim = log_of("postfix.log", tmp_path), log_of("exim.log", tmp_path)
    code, out, err = run_mail(capsys, "--php-log", php, "--exim-log", exim)
    assert code in (0, 1) and "is a PHP mail() record: is it a PHP mail.log?" in out, out


def test_a_php_log_of_another_kind_is_asked_about_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A PHP mail.log whose mail() lines read as none (most malformed) beside an Exim log
    that reads: the question whether it is a PHP mail.log was a note twice (collect() asked
    it of every kind, and read_logs() again of PHP's)."""
    php = tmp_path / "php-mail.log"
    php.write_text("".join(f"garbled {n} mail() on [/x.php:1]: To: a@b.example\n" for n in "123"))
    exim = log_of("exim.log", tmp_path)
    code, out, _ = run_mail(capsys, "--php-log", str(php), "--exim-log", exim)
    asked = [line for line in out.splitlines() if "reads as a PHP mail.log log line" in line]
    assert code in (0, 1) and len(asked) == 1, out


def test_watch_summary_tells_the_mail_it_read(capsys: pytest.CaptureFixture[str]) -> None:
    """`watch` ended with "0 event(s), 1 incident(s) opened" and nothing on the messages it
    followed (nor on a log it could not read)."""
    from spamtrace.render.watch import WatchView

    mail = {
        "logs": [{"path": "/var/log/exim4/mainlog", "malformed": 2}],
        "messages": 12, "restored": 5, "error": "/var/log/exim4/mainlog: Permission denied",
    }  # fmt: skip
    WatchView(False).summary({
        "events": 0, "incidents_opened": 1, "alerting_incidents": 1, "attribution": {},
        "mail-logs": mail,
    })  # fmt: skip
    err = " ".join(capsys.readouterr().err.split())
    assert (
        "mail logs: 12 message(s) from 1 log(s), 5 read back at the start; 2 malformed line(s)"
        " skipped" in err
    ), err
    assert "warning: mail logs: /var/log/exim4/mainlog: Permission denied" in err


def test_the_program_ends_without_freeing_the_report_yet_as_it_would(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`spamtrace mail` as a program (cli.main.entry) ends by os._exit once its output is
    flushed (the ledger is not freed object by object): the same output and exit code as
    main() in this process, the exit handlers run, and main() here keeps nothing."""
    import subprocess
    import sys

    from spamtrace.cli import main as cli_main

    log = log_of("exim-auth-abuse.log", tmp_path)
    args = ["mail", "--json", "--no-queue", "--no-scan", "--since", "all", "--exim-log", log]
    code, want, _ = run_mail_json(capsys, "--exim-log", log)
    assert cli_main._KEPT is None
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('exit handler ran', file=sys.stderr))\n"
        "from spamtrace.cli.main import entry\n"
        f"sys.argv = ['spamtrace', *{args!r}]\n"
        "entry()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (code, "exit handler ran\n") and code == 1
    got = json.loads(proc.stdout)
    got.pop("generated"), want.pop("generated")
    assert got == want and got["senders"]


def test_top_shows_the_biggest_incidents(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`--top N` listed the first N incidents opened, not the biggest (the senders above
    them are the biggest first)."""
    monkeypatch.setenv("SPAMTRACE_MAIL_AUTH_MAX_NETWORKS", "4")
    text = Path(log_of("exim-auth-abuse.log", tmp_path)).read_text()
    copies = [text.replace("info@", f"info{n}@") for n in range(3)]
    # the last mailbox opened sends twice as much: a second run with its own queue ids
    more = text.replace("info@", "info2@").replace("1xZA", "1xZB").replace("10:00:", "10:01:")
    log = tmp_path / "many.log"
    log.write_text("".join(copies) + more)
    code, out, _ = run_mail(capsys, "--top", "1", "--exim-log", str(log))
    assert code == 1
    assert out.count("mail-auth: ") == 1
    assert "mail-auth: info2@shop.example" in out, out
    assert "2 more incident(s) (--top 1; all: --json)" in out


def test_scan_lists_the_senders_folders_links_where_a_site_must_not_reach(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A sending account's folder holding a link to /etc/shadow, to / or to another account's
    wp-config.php (a symlink attack): the folder scan ranked files and dropped every link, as
    `check` did. They are the sender's (and its incident's) suspect_links, apart from the
    files, and said on link lines of their own, names escaped once."""
    import os
    import shutil

    folder = tmp_path / "uploads"
    folder.mkdir()
    malicious = Path(__file__).resolve().parents[1] / "scanner/samples/malicious/bcc-mailer.php"
    shutil.copyfile(malicious, folder / "wp-tmp.php")
    (folder / "s\x1b[2J.txt").symlink_to("/etc/shadow")
    os.symlink(b"/", os.fsencode(folder) + b"/root\xff")
    (folder / "ok.php").symlink_to("wp-tmp.php")  # the site's own file: not listed
    log = _five_sendmail_runs_in(folder, tmp_path)
    args = ["mail", "--no-queue", "--since", "all", "--exim-log", str(log)]
    assert main([*args, "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    (sender,) = doc["senders"]
    assert sender["script"] == str(folder / "wp-tmp.php")  # the files as before
    links = {x["path"].rsplit("/", 1)[-1]: x for x in sender["suspect_links"]}
    assert sorted(links) == ["root\\xff", "s\x1b[2J.txt"], links  # as JSON writes names
    assert links["s\x1b[2J.txt"]["target"] == "/etc/shadow"
    assert links["s\x1b[2J.txt"]["rule"] == "link.sensitive-target"
    (inc,) = doc["incidents"]
    assert inc["suspect_links"] == sender["suspect_links"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert f"{folder}/s\\x1b[2J.txt -> /etc/shadow: " in out, out
    assert f"{folder}/root\\xff -> /: " in out, out
    assert "\\\\x" not in out and "\x1b" not in out
    assert main([*args, "--json", "--no-scan"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["senders"][0]["suspect_links"] is None  # not scanned


def test_a_log_given_twice_is_read_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`--exim-log a --exim-log a` (or `./a`, or a link to it) read the log twice: every
    sender's messages counted double, and an incident opened at half its limit."""
    log = Path(log_of("exim.log", tmp_path))
    (tmp_path / "link").symlink_to(log)
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    once = doc["totals"]
    for again in (str(log), f"{tmp_path}/./exim.log", str(tmp_path / "link")):
        code, doc, _ = run_mail_json(capsys, "--exim-log", str(log), "--exim-log", again)
        assert doc["totals"] == once and len(doc["logs"]) == 1, again
    link = str(tmp_path / "link")
    code, out, err = run_mail(capsys, "--exim-log", str(log), "--postfix-log", link)
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert "given as --exim-log and --postfix-log" in line, line


def test_a_php_log_given_alone_says_the_mta_log_it_left_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`mail --php-log FILE` read that file alone: a log given replaces every configured one,
    the MTA's main log too, so the messages the MTA logged of other senders (a `sendmail -t`
    of another account) were not counted, and the report said nothing of it."""
    exim = log_of("exim.log", tmp_path)
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_LOGS", f'["{exim}"]')
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", "[]")
    php = tmp_path / "php-mail.log"
    php.write_text(
        "[07-Dec-2026 12:12:57 UTC] mail() on [/home/t5b/public_html/send.php:2]: "
        "To: victim0@example.net -- Headers: From: promo@example.org -- Subject: Hello 0\n"
    )
    _, doc, _ = run_mail_json(capsys, "--php-log", str(php))
    assert [log["path"] for log in doc["logs"]] == [str(php)]  # as before: the one given
    assert doc["notes"] == [
        f"only the PHP log(s) given were read, not the MTA's log (Exim's {exim}): the messages "
        "it logged of other senders (sendmail, SMTP AUTH) are not counted; add --exim-log "
        f"{exim} to read it too"
    ]
    _, doc, _ = run_mail_json(capsys, "--php-log", str(php), "--exim-log", exim)
    assert not any("only the PHP log" in n for n in doc["notes"])
    monkeypatch.setenv("SPAMTRACE_MTA_KIND", "none")  # no MTA here: nothing left out
    _, doc, _ = run_mail_json(capsys, "--php-log", str(php))
    assert not any("only the PHP log" in n for n in doc["notes"])
