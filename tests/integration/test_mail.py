"""`spamtrace mail` on a real Exim: a hosting user's PHP script calls mail() through it."""

from __future__ import annotations

import json
import os
import pwd
import re
import signal
import time
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


def test_watch_follows_the_logs_and_stores_the_mail_script_incident(
    world: World, tmp_path: Path
) -> None:
    from test_watch import incidents_for, watching

    exim = PrivateExim(world)
    exim.mainlog.touch()
    os.chown(exim.mainlog, pwd.getpwnam("Debian-exim").pw_uid, pwd.getpwnam("Debian-exim").pw_gid)
    log = php_mail_log(world)
    script = world.install_payload("mail-loop.php")
    env = {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(exim.mainlog)]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_PHP_LOGS": json.dumps([str(log)]),
        "SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES": "20",
    }
    with watching(tmp_path, "--no-scan", env=env) as w:
        assert "mail-logs" in w.status["sources"]
        exim.php_as_user(script, "30", mail_log=log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
            '"incident-opened"' in line for line in w._raw
        ):
            time.sleep(0.1)
        w.stop(signal.SIGINT)
    opened = [x for x in w.lines if x.get("type") == "incident-opened"]
    (inc,) = [x["incident"] for x in opened if x["incident"]["verdict"] == "mail-script"]
    assert inc["uid"] == world.uid and inc["scripts"] == [str(script)]
    assert w.returncode == 1  # an alerting incident was opened
    (stored,) = incidents_for(tmp_path / "watch.db", world.uid or -1)
    assert stored["id"] == inc["id"] and stored["verdict"] == "mail-script"
    assert stored["connections"] == 30  # every message of the run, counted on after it opened
    assert stored["account"] == world.user
    shown = spamtrace("incident", inc["id"], "--db", str(tmp_path / "watch.db"))
    assert shown.returncode == 0, shown.stderr
    assert "messages:     30" in shown.stdout and "recipients:" in shown.stdout
    # the events table (ASCII in a pipe): the message, then the log it was read from
    assert re.search(rf"from {world.user}@host\.example, 1 recipient\(s\) *\| exim ", shown.stdout)
