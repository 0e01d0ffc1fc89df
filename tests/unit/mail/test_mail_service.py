"""The mail engine (:mod:`spamtrace.service.mail`) on logs written now: `check`'s section."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from spamtrace.render.mail import check_section
from spamtrace.service.mail import recent_report


def recent_burst(path: Path, count: int, *, age: float = 0.0) -> None:
    """``count`` local submissions of one script's folder, ``age`` seconds ago (local time)."""
    now = time.time() - age
    lines = []
    for i in range(count):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now - count + i))
        mid = f"1xZX{i:02d}-0004e{i % 10}-2T"
        lines += [
            f"{stamp} cwd=/home/shop/public_html/wp-content/uploads 2 args: /usr/sbin/sendmail -t",
            f"{stamp} {mid} <= shop@host U=shop P=local S=400",
        ]
    with open(path, "a") as fh:
        fh.write("\n".join(lines) + "\n")


def test_check_section_when_a_sender_is_above_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spamtrace import config

    log = tmp_path / "mainlog"
    recent_burst(log, 40, age=3 * 3600)  # three hours ago: outside check's hour
    env = {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(log)]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES": "20",
    }
    cfg = config.load(config_dir=tmp_path, environ=env)
    assert recent_report(cfg) is None
    recent_burst(log, 30)
    report = recent_report(cfg)
    assert report is not None
    section = check_section(report, cfg.mail.check_minutes)
    assert section["minutes"] == 60
    (inc,) = section["incidents"]
    assert inc["verdict"] == "mail-script" and inc["messages"] == 30
    assert section["senders"][0]["cwd"] == "/home/shop/public_html/wp-content/uploads", section


def test_queue_state_reads_a_queue_listing_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a local user chooses the envelope sender (sendmail -f): postqueue -j prints its bytes
    from spamtrace import config
    from spamtrace.service import mail

    fake = tmp_path / "postqueue"
    fake.write_bytes(
        b'#!/bin/sh\nprintf \'{"queue_name": "hold", "sender": "\\377\\376@x"}\\n'
        b'{"queue_name": "active", "sender": "a@b"}\\n\'\n'
    )
    fake.chmod(0o755)
    env = {"SPAMTRACE_MAIL_POSTQUEUE_COMMAND": json.dumps([str(fake)])}
    cfg = config.load(config_dir=tmp_path, environ=env)
    monkeypatch.setattr(mail, "_which", lambda *names: [])
    state = mail.queue_state(cfg)
    assert state is not None
    assert (state["messages"], state["hold"], state["active"]) == (2, 1, 1)


@pytest.mark.parametrize(
    ("logs", "configured", "asked"),
    [
        ({"postfix"}, [], "postfix"),  # a Postfix log read: its queue, not a stray exim's
        ({"postfix", "php"}, [], "postfix"),
        ({"exim"}, [], "exim"),
        ({"exim", "postfix"}, [], "exim"),
        (set(), [], "exim"),  # nothing to go by: Exim first, as before
        (set(), ["postqueue"], "postfix"),  # only postqueue_command configured: it is meant
    ],
)
def test_the_queue_asked_is_the_one_of_the_mta_whose_log_was_read(
    logs: set[str], configured: list[str], asked: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A Postfix server with an `exim` on PATH too: `mail` showed "queue (exim): 0" under a
    Postfix log, and a configured postqueue_command was never run."""
    from spamtrace import config
    from spamtrace.service import mail

    fakes = {}
    for name, out in (("exim", "7"), ("postqueue", '{"queue_name": "deferred"}')):
        fake = tmp_path / name
        fake.write_text(f"#!/bin/sh\necho '{out}'\n")
        fake.chmod(0o755)
        fakes[name] = [str(fake)]
    env = {"SPAMTRACE_MAIL_POSTQUEUE_COMMAND": json.dumps(fakes["postqueue"])} if configured else {}
    cfg = config.load(config_dir=tmp_path, environ=env)
    monkeypatch.setattr(mail, "_which", lambda *names: fakes["postqueue" if "postqueue" in names
                                                              else "exim"])  # fmt: skip
    state = mail.queue_state(cfg, logs)
    assert state is not None and state["mta"] == asked, state
    assert state["messages"] == (1 if asked == "postfix" else 7)
    if asked == "postfix":  # the human view says which of Postfix's queues they are in
        log = tmp_path / "maillog"
        log.write_text("Dec  5 07:00:01 srv postfix/pickup[1]: 8A1B2C3D4E: uid=0 from=<root>\n")
        monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "none"))
        monkeypatch.setenv("SPAMTRACE_MAIL_POSTQUEUE_COMMAND", json.dumps(fakes["postqueue"]))
        from spamtrace.cli.main import main

        assert main(["mail", "--since", "all", "--no-scan", "--postfix-log", str(log)]) == 0
        assert "queue (postfix): 1 message(s) (1 deferred)" in capsys.readouterr().out


def test_a_postfix_log_without_postqueue_says_so_and_names_an_unknown_uid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Postfix log read where no postqueue is found (logs copied off a server, or a Postfix
    outside PATH), an `exim` on PATH: the queue shown was "queue (exim): 0", another MTA's;
    and a sender under a uid with no name here read "?" (and, before, the user was pickup's
    from=, the -f a script chose: "root")."""
    from spamtrace.cli.main import main
    from spamtrace.service import mail

    fake = tmp_path / "exim"
    fake.write_text("#!/bin/sh\necho 7\n")
    fake.chmod(0o755)
    monkeypatch.setattr(mail, "_which", lambda *names: [] if "postqueue" in names else [str(fake)])
    log = tmp_path / "maillog"
    log.write_text(
        "Dec  4 18:26:42 srv postfix/pickup[812]: 3F2A1C0123: uid=4242 from=<root>\n"
        "Dec  4 18:26:42 srv postfix/qmgr[700]: 3F2A1C0123: from=<root@srv>, size=5, nrcpt=1 (x)\n"
    )
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "none"))
    assert main(["mail", "--since", "all", "--no-scan", "--postfix-log", str(log)]) == 0
    out = capsys.readouterr().out
    assert "queue (postfix): unknown: postqueue not found" in out, out
    assert "queue (exim)" not in out
    assert "uid 4242" in out and "root" not in out.split("logs read")[0], out


def test_an_incident_counts_the_recipients_learnt_before_it_opened(tmp_path: Path) -> None:
    """Debian's default Exim log has no `for` list: a message's recipients come from its
    delivery lines. The incident opened at the 21st message counts the recipients of the
    first 20 too (it said 10 of 30), as the senders table does."""
    from spamtrace import config
    from spamtrace.service.mail import collect, specs_of

    log = tmp_path / "mainlog"
    now = time.time()
    lines = []
    for i in range(30):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now - 60 + i))
        mid = f"1xZX{i:02d}-0004e{i % 10}-2T"
        lines += [
            f"{stamp} {mid} <= shop@host U=shop P=local S=400",
            f"{stamp} {mid} => r{i}@x.example R=dnslookup T=remote_smtp H=mx [192.0.2.1]",
            f"{stamp} {mid} Completed",
        ]
    log.write_text("\n".join(lines) + "\n")
    env = {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(log)]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES": "20",
    }
    cfg = config.load(config_dir=tmp_path, environ=env)
    report = collect(cfg, specs_of(cfg), now - 3600)
    (inc,) = report.incidents
    (totals,) = report.ledger.senders.values()
    assert (inc.messages, inc.recipients) == (30, 30) == (totals.messages, totals.recipients)


def _exim_folder_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path/exim4`` holding ``mainlog``, which cannot be looked into (``os.stat`` of
    what is in it fails), as /var/log/exim4 for a user not in group adm."""
    import os

    folder = tmp_path / "exim4"
    folder.mkdir()
    (folder / "mainlog").write_text("")
    real_stat = os.stat

    def stat(path: object, *args: object, **kw: object) -> os.stat_result:
        if str(path).startswith(str(folder) + "/"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat)
    return folder


def test_a_log_this_user_may_not_read_is_said_not_taken_for_no_mail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without root, /var/log/exim4 cannot be looked into: `mail` said "no mail log found"
    and exited 0 (nobody above the limits), `check` said nothing. Now `mail` exits 3 naming
    the log, and `check` has a note."""
    from spamtrace.cli.main import main

    folder = _exim_folder_closed(tmp_path, monkeypatch)
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_LOGS", json.dumps([str(folder / "mainlog")]))
    monkeypatch.setenv("SPAMTRACE_MAIL_POSTFIX_LOGS", json.dumps([str(tmp_path / "none")]))
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "spamtrace.toml").write_text("")
    monkeypatch.setenv("SPAMTRACE_CONFIG", str(tmp_path / "spamtrace.toml"))
    assert main(["mail", "--no-queue"]) == 3
    err = capsys.readouterr().err
    assert f"cannot read {folder}/mainlog: Permission denied" in err, err
    assert err.count("\n") == 1
    monkeypatch.setenv("SPAMTRACE_MAIL_EXIM_LOGS", json.dumps([str(tmp_path / "nope")]))
    assert main(["mail", "--no-queue"]) == 3  # no log at all: no answer either
    assert "no mail log found (looked for " in capsys.readouterr().err


def test_check_section_names_the_sender_and_its_own_minutes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from spamtrace.render.mail import print_check_section

    print_check_section({"minutes": 30, "incidents": [{
        "kind": "auth", "auth_user": "info@shop.example", "user": None, "script": None,
        "cwd": None, "verdict": "mail-auth", "messages": 6, "recipients": 6,
        "reasons": ["logged in from 5 networks (/16) in an hour"], "advice": [],
    }]})  # fmt: skip
    out = capsys.readouterr().out
    assert "mail-auth: info@shop.example: 6 message(s), 6 recipient(s)" in out, out
    assert "(details: spamtrace mail --since 30m)" in out, out


def test_the_engine_says_why_no_log_was_read(tmp_path: Path) -> None:
    """What `mail` reads and why it read nothing is the engine's (the command only wires):
    no configured log there is a runtime failure naming where it looked, and a log given on
    the command line is read without the configured ones."""
    from spamtrace import config
    from spamtrace.errors import RuntimeFailure
    from spamtrace.service.mail import read_logs

    env = {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(tmp_path / "nope")]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_PHP_LOGS": "[]",
    }
    cfg = config.load(config_dir=tmp_path, environ=env)
    with pytest.raises(RuntimeFailure, match=r"no mail log found \(looked for .*/nope\)"):
        read_logs(cfg, {"exim": [], "postfix": [], "php": []}, None)
    log = tmp_path / "mainlog"
    recent_burst(log, 3)
    report = read_logs(cfg, {"exim": [str(log)], "postfix": [], "php": []}, None)
    assert [c.path for c in report.logs] == [str(log)]
    assert sum(t.messages for t in report.ledger.senders.values()) == 3


def test_logins_of_an_authenticator_without_id_are_explained(tmp_path: Path) -> None:
    """'(cram_md5)' in the senders table is no mailbox: a note says what it is and what to
    set so that the mailboxes show (once, however many lines it sent)."""
    from spamtrace import config
    from spamtrace.service.mail import collect, specs_of

    shapes = Path(__file__).resolve().parent / "shapes" / "exim-auth.log"
    env = {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(shapes)]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
    }
    cfg = config.load(config_dir=tmp_path, environ=env)
    report = collect(cfg, specs_of(cfg), None)
    about = [n for n in report.notes if "server_set_id" in n]
    assert about == [
        "(cram_md5): logins through Exim's authenticator cram_md5, which logs no id: give it "
        "server_set_id = $auth1 to see which mailboxes they are"
    ]


def test_json_says_which_auth_senders_are_no_mailbox(tmp_path: Path) -> None:
    """`auth_id_logged` (additive): False for '(cram_md5)', the logins of an authenticator
    that logs no id, so a consumer of --json that resets or locks `auth_user` can leave it
    out without parsing the name; True for a mailbox, None for a sender without SMTP AUTH."""
    from spamtrace import config
    from spamtrace.render.mail import report_json
    from spamtrace.service.mail import collect, specs_of

    log = tmp_path / "mainlog"
    shapes = Path(__file__).resolve().parent / "shapes" / "exim-auth.log"
    log.write_text(shapes.read_text())
    recent_burst(log, 2)
    env = {"SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(log)]), "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]"}
    cfg = config.load(config_dir=tmp_path, environ=env)
    doc = report_json(collect(cfg, specs_of(cfg), None))
    logged = {(s["kind"], s["auth_user"]): s["auth_id_logged"] for s in doc["senders"]}
    assert logged[("auth", "(cram_md5)")] is False
    assert {v for (kind, box), v in logged.items() if kind == "auth" and box != "(cram_md5)"} == {
        True
    }, logged
    assert {v for (kind, _), v in logged.items() if kind != "auth"} == {None}, logged


def test_mail_of_a_web_server_user_is_given_to_the_site_whose_folder_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PHP as mod_php sends as www-data for every site: `mail` showed each folder's mail
    under the account `www-data`, where `check` names the site's account (its process's
    script or folder path, [accounts] web_users). A folder no site owns stays www-data's."""
    from spamtrace import config
    from spamtrace.attribution.accounts import AccountResolver
    from spamtrace.model import Account, AccountKind
    from spamtrace.render.mail import report_json
    from spamtrace.service.mail import collect, specs_of

    def for_path(self: AccountResolver, path: str) -> Account | None:
        if path.startswith("/home/shop/"):
            return Account("shop", AccountKind.HOME, "/home/shop", via=f"path {path}")
        return None

    monkeypatch.setattr(AccountResolver, "for_path", for_path)
    log = tmp_path / "mainlog"
    rows = []
    for i, folder in enumerate(("/home/shop/public_html/wp-content/uploads", "/var/www/html")):
        rows += [f"2026-12-04 10:00:0{i} cwd={folder} 3 args: /usr/sbin/sendmail -t -i",
                 f"2026-12-04 10:00:0{i} 1xZX0{i}-0004e{i}-2T <= www-data@h U=www-data P=local "
                 f"S=400 for r{i}@x.example"]  # fmt: skip
    rows.append("2026-12-04 10:00:09 1xZX09-0004e9-2T <= bob@h U=bob P=local S=1 for a@x.example")
    log.write_text("\n".join(rows) + "\n")
    env = {"SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(log)]), "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]"}
    cfg = config.load(config_dir=tmp_path, environ=env)
    senders = report_json(collect(cfg, specs_of(cfg), None))["senders"]
    accounts = {s["cwd"]: (s["account"], s["user"]) for s in senders}
    assert accounts == {
        "/home/shop/public_html/wp-content/uploads": ("shop", "www-data"),
        "/var/www/html": ("www-data", "www-data"),
        None: ("bob", "bob"),
    }, accounts
    cfg = config.load(config_dir=tmp_path, environ={**env, "SPAMTRACE_ACCOUNTS_WEB_USERS": "[]"})
    senders = report_json(collect(cfg, specs_of(cfg), None))["senders"]
    assert {s["account"] for s in senders} == {"www-data", "bob"}  # not a web user: its uid


def test_a_given_log_this_user_may_not_look_at_is_not_no_such_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without root, `mail --exim-log /var/log/exim4/mainlog` said "no such file" (the
    folder cannot be looked into): it is there, and may not be read. Exit 3, as for a
    configured log, with what to do."""
    from spamtrace.cli.main import main

    folder = _exim_folder_closed(tmp_path, monkeypatch)
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main(["mail", "--no-queue", "--exim-log", str(folder / "mainlog")]) == 3
    (line,) = capsys.readouterr().err.splitlines()
    assert f"cannot read {folder}/mainlog: Permission denied (run as root" in line, line


def test_check_counts_the_minutes_before_the_log_was_rotated(tmp_path: Path) -> None:
    """logrotate moved the main log to ``mainlog.1`` minutes ago (Debian's exim4: daily,
    with ``delaycompress``): `check` read only the new ``mainlog`` and said nothing of a
    burst of the same hour (25 messages before the rotation, 10 after, limit 20), which
    `mail --since 1h` and the daemon's read-back (plain copies too) both count."""
    from spamtrace import config

    log = tmp_path / "mainlog"
    recent_burst(tmp_path / "mainlog.2", 40, age=5 * 3600)  # older than the hour: not read
    recent_burst(tmp_path / "mainlog.1", 25, age=600)
    recent_burst(log, 10)
    now = time.time()
    os.utime(tmp_path / "mainlog.2", (now - 5 * 3600, now - 5 * 3600))
    os.utime(tmp_path / "mainlog.1", (now - 600, now - 600))
    env = {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(log)]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES": "20",
    }
    cfg = config.load(config_dir=tmp_path, environ=env)
    report = recent_report(cfg)
    assert report is not None
    section = check_section(report, cfg.mail.check_minutes)
    (inc,) = section["incidents"]
    assert inc["verdict"] == "mail-script" and inc["messages"] == 35, inc
    (counts,) = report.logs
    assert counts.files == [str(tmp_path / "mainlog.1"), str(log)]
