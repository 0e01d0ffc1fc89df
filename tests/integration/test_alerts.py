"""Alerts from `spamtrace watch`, end to end, as root: the world's PHP sender, real receivers.

In the initial namespace, the receivers are the unit tests' loopback servers (aiosmtpd, an
``http.server`` webhook) and a unix datagram socket standing in for /dev/log. For the
escalation, `watch`, the webhook receiver and the spamtrace firewall run in the world's server
namespace, and the e-mail alert goes to the world's "remote MX" through that firewall.

The tracepoint is host-wide and other tests run at the same time, so every assertion is
filtered by this world's uid.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from stcli import spamtrace
from test_watch import incidents_for, run_as_user, wait_connections, watching
from world import World, json_lines

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "alerts"))

from alertservers import HookServer, SmtpSink

HERE = Path(__file__).resolve().parent
EVIL = "\r\nBcc: x@y"
#: the responses would add their own (legitimate) updates; these tests count the others
QUIET_RESPONSES = "[responses]\nblock = false\nstop = false\nquarantine = false\n"


def mine(docs: list[dict[str, Any]], uid: int) -> list[dict[str, Any]]:
    return [d for d in docs if (d.get("incident") or {}).get("uid") == uid]


def wait_for(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def test_one_alert_per_incident_on_every_channel_and_no_header_injection(
    world: World, tmp_path: Path
) -> None:
    """200 connections: one alert per channel; a 500 is retried; hostile names stay text."""
    assert world.uid is not None and world.uploads is not None
    hook, flaky, smtp = HookServer(), HookServer(fail_first=1), SmtpSink()
    dev_log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dev_log.bind(str(tmp_path / "log"))
    dev_log.settimeout(0.2)
    config = tmp_path / "spamtrace.toml"
    config.write_text(
        QUIET_RESPONSES
        + f"""
[alerts]
host = "web1.example"
[[alerts.webhook]]
name = "hook"
url = "{hook.url}"
[[alerts.webhook]]
name = "flaky"
url = "{flaky.url}"
backoff = 0.2
[[alerts.email]]
name = "mail"
smtp = "127.0.0.1:{smtp.port}"
from = "spamtrace@host.example"
to = ["abuse@host.example"]
[alerts.syslog]
enabled = true
socket = "{tmp_path / "log"}"
"""
    )
    # the interpreter started from a path with a line break, and a script whose name tries to
    # add a header
    (world.uploads / "d\r\nX").mkdir()
    php = world.uploads / "d\r\nX" / "php"
    php.symlink_to(os.path.realpath("/usr/bin/php"))
    script = world.install_payload("quick-connect.php", as_name=f"q{EVIL}.php")
    syslog: list[str] = []
    try:
        with watching(tmp_path, env={"SPAMTRACE_CONFIG": str(config)}) as w:
            out = run_as_user(world, [str(php), script.name, world.mx_ip, "25", "200"])
            assert out.strip() == "connected 200/200"
            incs = wait_connections(w.db, world.uid, 200)
            assert len(incs) == 1, [(i["connections"], i["scripts"]) for i in incs]
            (inc,) = incs
            assert inc["connections"] == 200
            assert wait_for(lambda: mine(hook.json(), world.uid)), w.stderr
            assert wait_for(
                lambda: [m for m in smtp.wait(0) if m[2]["X-Spamtrace-Incident"] == inc["id"]]
            )
            assert wait_for(lambda: mine(flaky.json(), world.uid or -1))
            # its first answer was a 500: wait until the retry was taken before stopping
            assert flaky.wait(2, timeout=30) >= 2, flaky.answers
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not any(inc["id"] in s for s in syslog):
                with contextlib.suppress(TimeoutError):
                    syslog.append(dev_log.recv(65536).decode())
            w.stop()
    finally:
        hook.close()
        flaky.close()
        smtp.close()
        dev_log.close()
    # webhook: one alert for 200 connections (a scan that finished late may add its update)
    alerts = mine(hook.json(), world.uid)
    assert [a["event"] for a in alerts if a["event"] == "opened"] == ["opened"], alerts
    late = [a for a in alerts if a["event"] != "opened"]
    assert len(late) <= 1 and all(a["reason"].startswith("this is the file") for a in late)
    doc = alerts[0]
    assert doc["schema"] == "spamtrace.alert/1" and doc["host"] == "web1.example"
    listed = [i for i in incidents_for(w.db, world.uid) if i["id"] == inc["id"]]
    assert set(doc["incident"]) == set(listed[0])  # the fields of `incidents --json`
    assert doc["incident"]["id"] == inc["id"] and doc["incident"]["user"] == world.user
    assert doc["incident"]["scripts"] == [str(script)]
    assert doc["incident"]["cmdline"][0] == str(php)
    assert doc["incident"]["destinations"] == [f"{world.mx_ip}:25"]
    assert doc["commands"][0] == f"spamtrace incident {inc['id']}"
    # the flaky webhook answered 500 first: the same alert came again and was taken (the
    # channel sends in order, so the retry is its next request), and ours arrived too
    assert flaky.answers[:2] == [500, 200] and flaky.bodies[0] == flaky.bodies[1]
    assert [x["incident"]["id"] for x in mine(flaky.json(), world.uid)][-1] == inc["id"]
    # e-mail: the headers are ours only, the hostile names are escaped text
    msgs = [m for m in smtp.wait(1) if m[2]["X-Spamtrace-Incident"] == inc["id"]]
    assert len(msgs) >= 1
    mail_from, rcpts, msg = msgs[0]
    assert mail_from == "spamtrace@host.example" and rcpts == ["abuse@host.example"]
    assert msg.get_all("Bcc") is None
    assert msg["Subject"].startswith("[spamtrace] web1.example: SUSPICIOUS")
    assert "q\\r\\nBcc: x@y.php" in msg["Subject"]
    body = msg.get_payload(decode=True).decode()
    assert f"d\\r\\nX/php q\\r\\nBcc: x@y.php {world.mx_ip} 25 200" in body
    assert f"folder:    {world.uploads}" in body and f"{world.mx_ip}:25" in body
    assert not any(line.startswith("Bcc") for line in body.splitlines())
    # syslog: one line with the key fields, escaped
    ours = [s for s in syslog if inc["id"] in s]
    assert len(ours) == 1, (len(syslog), syslog[-3:])  # the datagrams read before the stop
    (line,) = ours
    assert line.startswith("<") and "spamtrace[" in line and "\n" not in line
    assert f"incident opened: id={inc['id']} verdict=suspicious" in line
    assert "Bcc: x@y" in line and "\\r\\n" in line
    # the watch summary counts them
    (summary,) = [x for x in w.lines if x.get("type") == "summary"]
    assert summary["alerts"]["channels"]["flaky"]["retried"] >= 1
    assert summary["alerts"]["failed"] == 0


def test_a_retry_pending_at_sigterm_is_delivered_before_exit(world: World, tmp_path: Path) -> None:
    """The webhook refuses the incident's alert once; watch gets SIGTERM during the 30 s
    backoff: the retry is made within [alerts] stop_grace, not abandoned.

    On a port of its own: the tracepoint is host-wide, and an alert about another test's
    sender, sent first, took the 500 and held the channel 30 s (ours came too late)."""
    assert world.uid is not None
    port = random.randint(30000, 39999)  # refused: nothing listens, an attempt all the same
    flaky = HookServer(fail_first=1)
    config = tmp_path / "spamtrace.toml"
    config.write_text(
        QUIET_RESPONSES
        + f"""
[alerts]
stop_grace = 5
[[alerts.webhook]]
name = "flaky"
url = "{flaky.url}"
backoff = 30
"""
    )
    script = world.install_payload("quick-connect.php")
    try:
        env = {"SPAMTRACE_CONFIG": str(config), "SPAMTRACE_SMTP_PORTS": f"[{port}]",
               "SPAMTRACE_SMTP_RELAY_PORTS": f"[{port}]"}  # fmt: skip
        with watching(tmp_path, env=env) as w:
            run_as_user(world, ["php", script.name, world.mx_ip, str(port), "3"])
            assert wait_for(lambda: mine(flaky.json(), world.uid or -1)), w.stderr
            assert flaky.answers == [500]
            t0 = time.monotonic()
            w.stop()
            took = time.monotonic() - t0
    finally:
        flaky.close()
    assert flaky.answers == [500, 200] and flaky.bodies[0] == flaky.bodies[1]
    assert took < 15, took
    (summary,) = [x for x in w.lines if x.get("type") == "summary"]
    alerts = summary["alerts"]
    assert (alerts["sent"], alerts["failed"], alerts["dropped"]) == (1, 0, 0), alerts
    assert "not delivered" not in w.stderr


def test_a_hanging_webhook_does_not_delay_the_next_incident(world: World, tmp_path: Path) -> None:
    assert world.uid is not None
    hook = HookServer(hang=60)
    config = tmp_path / "spamtrace.toml"
    config.write_text(
        QUIET_RESPONSES + f'[[alerts.webhook]]\nurl = "{hook.url}"\ntimeout = 30\nretries = 0\n'
    )
    first = world.install_payload("quick-connect.php", as_name="first.php")
    second = world.install_payload("quick-connect.php", as_name="second.php")
    try:
        with watching(tmp_path, env={"SPAMTRACE_CONFIG": str(config)}) as w:
            run_as_user(world, ["php", first.name, world.mx_ip, "25", "1"])
            assert hook.wait(1, timeout=20) == 1  # its alert is in the hook's hands, unanswered
            run_as_user(world, ["php", second.name, world.mx_ip, "25", "1"])
            sent = time.monotonic()

            def opened_second() -> bool:
                for raw in list(w._raw):
                    doc = json.loads(raw)
                    inc = doc.get("incident")
                    if doc.get("type") == "incident-opened" and str(second) in inc["scripts"]:
                        return True
                return False

            assert wait_for(opened_second, timeout=25)
            waited = time.monotonic() - sent
            started_stop = time.monotonic()
            w.stop()  # returns although the webhook still hangs (bounded close)
            stopping = time.monotonic() - started_stop
    finally:
        hook.close()
    # the scan budget (2 s) + grace (1 s) bound the opening; the webhook's 30 s never counted
    assert waited < 15, waited
    assert stopping < 25, stopping
    (summary,) = [x for x in w.lines if x.get("type") == "summary"]
    assert summary["alerts"]["sent"] == 0 and summary["alerts"]["raised"] >= 2


def test_escalation_sends_one_update_and_the_email_passes_the_firewall(
    server_world: World,
) -> None:
    """In the server namespace: 200 connections (one alert), then `firewall apply`; the
    next attempts are blocked: one update, and both alert e-mails reach the remote MX."""
    w = server_world
    assert w.uid is not None
    log = w.tmp / "hook.jsonl"
    receiver = w.spawn([sys.executable, str(HERE / "hooksink.py"), "--log", str(log)])
    assert receiver.stdout is not None
    url = receiver.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), receiver.stderr.read() if receiver.stderr else ""
    group = 20000 + w.subnet_id
    config = w.tmp / "spamtrace.toml"
    config.write_text(
        f"[firewall]\nnflog_group = {group}\n"
        + QUIET_RESPONSES
        + f"""
[[alerts.webhook]]
url = "{url}"
[[alerts.email]]
smtp = "{w.mx_ip}:25"
from = "spamtrace@host.example"
to = ["abuse@host.example"]
"""
    )
    script = w.install_payload("quick-connect.php")
    db = w.tmp / "watch.db"
    out_path = w.tmp / "watch.out"
    with open(out_path, "w") as out_file:  # a file: a pipe nobody reads would fill up
        watch = w.spawn(
            [sys.executable, "-m", "spamtrace", "--config", str(config), "watch", "--json",
             "--db", str(db)], stdout=out_file,
        )  # fmt: skip
    status = wait_for(lambda: json_lines(out_path))  # its first line, once whole
    assert status and "nflog" in status[0]["sources"], status

    def all_alerts() -> list[dict[str, Any]]:
        return [x["body"] for x in json_lines(log)]

    def hook_alerts() -> list[dict[str, Any]]:
        return mine(all_alerts(), w.uid or -1)

    def alert_mails() -> list[dict[str, object]]:
        return [m for m in w.sink_messages() if m["from"] == "spamtrace@host.example"]

    try:
        out = run_as_user(w, ["php", script.name, w.mx_ip, "25", "200"])
        assert out.strip() == "connected 200/200"
        assert wait_for(hook_alerts), "no opened alert"
        assert wait_for(alert_mails)
        applied = spamtrace(
            "--config", str(config), "firewall", "apply", "--no-rollback", "--state-dir",
            str(w.tmp / "fw"), prefix=w.ns_prefix(),
        )  # fmt: skip
        assert applied.returncode == 0, applied.stderr
        out = run_as_user(w, ["php", script.name, w.mx_ip, "25", "3"])
        assert out.strip() == "connected 0/3"  # the account is blocked now
        # the firewall's update itself, not any second alert (a scan over after the opening
        # sends one of its own, which can come first), and its e-mail too
        blocking = "the firewall is now blocking its connections"
        assert wait_for(lambda: any(a.get("reason") == blocking for a in hook_alerts())), (
            hook_alerts()
        )
        assert wait_for(lambda: len(alert_mails()) >= len(all_alerts())), w.sink_messages()
        time.sleep(1.0)  # time for anything more to (wrongly) arrive
    finally:
        os.kill(watch.pid, signal.SIGTERM)
        try:
            _, err = watch.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(watch.pid, signal.SIGKILL)
            _, err = watch.communicate(timeout=10)
    rest = out_path.read_text()
    alerts = hook_alerts()
    ids = {a["incident"]["id"] for a in alerts}
    assert len(ids) == 1, alerts  # the same incident before and after the firewall
    events = [(a["event"], a["reason"]) for a in alerts]
    assert events[0] == ("opened", None)
    updates = [r for e, r in events if e == "updated"]
    assert updates.count("the firewall is now blocking its connections") == 1, events
    assert all(r == "the firewall is now blocking its connections" or r.startswith(
        "this is the file") for r in updates), events  # fmt: skip
    assert alerts[-1]["incident"]["blocked"] >= 1
    # the alert e-mails went out through the firewall that blocks the account (one per
    # alert; the tracepoint is host-wide, so other tests' incidents may have some too)
    mails = alert_mails()
    assert len(mails) == len(all_alerts()) and all(m["to"] == ["abuse@host.example"] for m in mails)
    summary = [json.loads(x) for x in rest.splitlines() if '"summary"' in x][-1]
    assert watch.returncode in (0, 1), err
    assert summary["alerts"]["sent"] == 2 * len(mails) and summary["alerts"]["failed"] == 0
