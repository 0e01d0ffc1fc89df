"""`spamtrace mail` on a real Exim: a hosting user's PHP script calls mail() through it."""

from __future__ import annotations

import json
import os
import pwd
from pathlib import Path

from mta import PrivateExim
from stcli import spamtrace
from world import World


def mail_json(exim: PrivateExim, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict]:
    proc = spamtrace(
        "mail", "--json", "--since", "all", "--no-scan", "--exim-log", str(exim.mainlog), *args,
        env={"SPAMTRACE_MAIL_EXIM_COMMAND": json.dumps([str(exim.wrapper)]), **(env or {})},
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def php_mail_log(world: World) -> Path:
    assert world.uid is not None
    path = world.tmp / "php-mail.log"
    path.touch()
    os.chown(path, world.uid, pwd.getpwuid(world.uid).pw_gid)
    return path


def test_fifty_mail_calls_are_attributed_to_the_account_and_script(world: World) -> None:
    exim = PrivateExim(world)
    script = world.install_payload("mail-loop.php")
    log = php_mail_log(world)
    assert exim.php_as_user(script, "50", mail_log=log).strip() == "sent 50"
    code, doc = mail_json(exim, "--php-log", str(log))
    assert doc["queue"] == {"mta": "exim", "messages": 50}
    exim.run_queue()
    assert len(world.wait_sink(50)) == 50
    code, doc = mail_json(exim, "--php-log", str(log))
    assert code == 0 and doc["incidents"] == []
    (sender,) = [s for s in doc["senders"] if s["uid"] == world.uid]
    assert sender["kind"] == "script"
    assert sender["account"] == world.user and sender["user"] == world.user
    assert sender["script"] == str(script) and sender["script_from"] == "php-mail.log"
    assert sender["cwd"] == str(world.uploads)
    assert sender["messages"] == 50 and sender["recipients"] == 50
    assert sender["distinct_recipients"] == 50
    assert doc["queue"] == {"mta": "exim", "messages": 0}
    assert doc["logs"][0]["malformed"] == 0


def test_exim_log_alone_gives_account_and_folder(world: World) -> None:
    exim = PrivateExim(world)
    script = world.install_payload("mail-loop.php")
    exim.php_as_user(script, "12")
    _, doc = mail_json(exim, "--no-queue")
    (sender,) = [s for s in doc["senders"] if s["uid"] == world.uid]
    assert (sender["kind"], sender["account"], sender["messages"]) == ("local", world.user, 12)
    assert sender["cwd"] == str(world.uploads)  # from Exim's +arguments line


def test_burst_above_threshold_opens_mail_script_incident(world: World) -> None:
    exim = PrivateExim(world)
    script = world.install_payload("mail-loop.php")
    log = php_mail_log(world)
    exim.php_as_user(script, "50", mail_log=log)
    code, doc = mail_json(
        exim, "--php-log", str(log), "--no-queue",
        env={"SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES": "20"},
    )  # fmt: skip
    assert code == 1
    (inc,) = doc["incidents"]
    assert inc["verdict"] == "mail-script"
    assert inc["user"] == world.user and inc["script"] == str(script)
    assert inc["messages"] == 50
    assert "more than mail.script_max_messages = 20" in inc["reasons"][0]
    (sender,) = [s for s in doc["senders"] if s["uid"] == world.uid]
    assert sender["incident"] == inc["id"]
