"""One stolen mailbox password, the login typed in other cases (``BOX@Shop.example``): one
mailbox, as the hosting server's password check has it (Exim's ``lsearch``, Dovecot's
``%Lu``), not one sender per spelling each below every limit."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from mailhost import python_parsers_only, run_mail_json
from test_mail_render import auth_id_found, sasl_ids_found

from spamtrace.actions.mailqueue import MailQueue
from spamtrace.config import load
from spamtrace.model import Verdict
from spamtrace.policy import mail as policy_module
from spamtrace.policy.mail import AllowedSenders, advice
from spamtrace.policy.responses import FreezeQueue, MailCase, ResponseRules, mail_protection
from spamtrace.sources.maillog import exim, postfix

SPELLINGS = [
    "BOX@shop.example", "Box@Shop.Example", "box@SHOP.EXAMPLE", "bOx@sHoP.eXaMpLe",
    "BOx@shop.example", "box@shop.EXAMPLE",
]  # fmt: skip


def _exim_log(path: Path) -> None:
    """Twelve messages of one password from twelve networks, six spellings of its login
    (Exim's plaintext authenticator logs the login as typed: server_set_id = $auth2)."""
    start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=20)
    lines = []
    for n in range(12):
        t = start + dt.timedelta(seconds=30 * n)
        qid = f"1xab{n:02d}-0001n4-0u"
        login = SPELLINGS[n % len(SPELLINGS)]
        lines.append(
            f"{t:%Y-%m-%d %H:%M:%S} {qid} <= ceo@bank.example H=(bot) [{20 + n}.{n}.1.1]:5000 "
            f"P=esmtpa A=plain_server:{login} S=800 for a{n}@x.example"
        )
        lines.append(f"{t:%Y-%m-%d %H:%M:%S} {qid} Completed")
    path.write_text("\n".join(lines) + "\n")
    stamp = start.timestamp() + 400
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_a_login_typed_in_other_cases_is_one_mailbox(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    compiled: bool,
) -> None:
    if not compiled:
        python_parsers_only(monkeypatch)
    monkeypatch.setenv("TZ", "UTC")
    log = tmp_path / "mainlog"
    _exim_log(log)
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    # six senders of two messages each, from two networks each: no incident, before
    assert [(s["auth_user"], s["messages"], s["client_ips"]) for s in doc["senders"]] == [
        ("box@shop.example", 12, 12)
    ]
    assert code == 1
    (inc,) = doc["incidents"]
    assert inc["verdict"] == "mail-auth" and inc["auth_user"] == "box@shop.example"


def test_the_parsers_read_the_login_with_small_letters() -> None:
    ev = exim.parse_line(
        "2026-12-07 15:00:00 1xab00-0001n4-0u <= a@b H=(h) [192.0.2.1]:1 P=esmtpa "
        "A=dovecot_plain:Box@Shop.Example:<Box@Shop.Example> S=1 for c@d"
    )
    assert ev is not None and ev.auth == "box@shop.example" and ev.authenticator == "dovecot_plain"
    # an authenticator that logs no id keeps its own name as it is
    ev = exim.parse_line("2026-12-07 15:00:00 1xab00-0001n4-0u <= a@b H=(h) [192.0.2.1]:1 "
                         "P=esmtpa A=CRAM_MD5 S=1 for c@d")  # fmt: skip
    assert ev is not None and ev.auth == "(CRAM_MD5)"
    ev = postfix.parse_line(
        "Dec  7 15:00:00 web1 postfix/submission/smtpd[901]: 4QkT0m1AbCdZ: "
        "client=unknown[192.0.2.1], sasl_method=PLAIN, sasl_username=INFO@Shop.example",
        2026,
    )
    assert ev is not None and ev.auth == "info@shop.example"


def test_the_freeze_and_hold_commands_find_the_login_in_any_case() -> None:
    inc = policy_module.MailIncident(
        id="inc-1", verdict=Verdict.MAIL_AUTH, kind="auth", user=None, uid=None, script=None,
        cwd=None, auth_user="box@shop.example", messages=12, recipients=12,
        distinct_recipients=12, ips=(), first_seen=0.0, last_seen=1.0, reasons=("r",),
        sample_recipients=(), sender=("auth", "box@shop.example", None), mta="php",
    )  # fmt: skip
    lines = advice(inc)
    freeze = next(x for x in lines if "auth_id" in x).split(": ", 1)[1]
    hold = next(x for x in lines if "postsuper -h -" in x).split(": ", 1)[1]
    for login, hit in (("BOX@Shop.Example", True), ("box@shop.example", True),
                       ("box@shopXexample", False), ("xbox@shop.example", False)):  # fmt: skip
        assert auth_id_found(freeze, login.encode()) is hit, login
        assert sasl_ids_found(hold, login.encode()) is hit, login


def _fake(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_freeze_queue_takes_the_spool_headers_of_every_spelling(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    (spool / "input").mkdir(parents=True)
    heads = {
        "1xZX01-0004e1-2T": "Debian-exim 103 108\n<x@y>\n--auth_id BOX@Shop.example\n",
        "1xZX02-0004e1-2T": "Debian-exim 103 108\n<x@y>\n--auth_id box@shop.example\n",
        "1xZX03-0004e1-2T": "Debian-exim 103 108\n<x@y>\n--auth_id other@shop.example\n",
    }
    for qid, head in heads.items():
        (spool / "input" / f"{qid}-H").write_text(f"{qid}-H\n{head}1 0\n")
    bp = "".join(f" 0m 1 {qid} <x@y>\n          r@z\n\n" for qid in heads)
    exim_cmd = _fake(
        tmp_path / "exim",
        f'case "$1" in -bp) cat <<\'EOF\'\n{bp}EOF\n;;\n'
        f"  -bP) echo 'spool_directory = {spool}';;\n  -Mf) exit 0;;\nesac\n",
    )
    res = MailQueue(exim=[exim_cmd]).freeze(
        FreezeQueue("exim", (), None, None, "box@shop.example", "i", "w")
    )
    assert res.ok and res.frozen == ("1xZX01-0004e1-2T", "1xZX02-0004e1-2T"), res


def test_an_entry_in_capitals_still_covers_the_mailbox(tmp_path: Path) -> None:
    env = {
        "SPAMTRACE_SUBMISSION_ALLOW_ACCOUNTS": '["News@Shop.example"]',
        "SPAMTRACE_RESPONSES_NEVER_ACCOUNTS": '["Boss@Shop.example"]',
    }
    cfg = load(config_dir=str(tmp_path / "none"), environ=env)
    allow = AllowedSenders.from_config(cfg, lambda _d: None)
    assert allow.entry("news@shop.example") is not None
    rules = ResponseRules.from_config(cfg)
    case = MailCase("i", Verdict.MAIL_AUTH, None, None, None, "boss@shop.example", "exim")
    assert mail_protection(case, rules) is not None
