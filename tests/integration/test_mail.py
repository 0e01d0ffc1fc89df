"""`spamtrace mail` on a real Exim: a hosting user's PHP script calls mail() through it."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import pwd
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from mta import PrivateExim
from stcli import spamtrace
from test_watch import Watcher
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


def exim_owned_log(exim: PrivateExim) -> None:
    """Exim's main log made before Exim writes it (watch follows it from its start), owned as
    Exim would make it."""
    exim.mainlog.touch()
    owner = pwd.getpwnam("Debian-exim")
    os.chown(exim.mainlog, owner.pw_uid, owner.pw_gid)


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
    exim_owned_log(exim)
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
        wait_line(w, '"incident-opened"', 20)
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


def queue_listing(exim: PrivateExim) -> str:
    proc = subprocess.run(
        [str(exim.wrapper), "-bp"], capture_output=True, text=True, timeout=60, check=True
    )
    return proc.stdout


def watch_mail(
    exim: PrivateExim, log: Path, tmp_path: Path, mode: str, **extra: str
) -> contextlib.AbstractContextManager[Watcher]:
    from test_watch import watching

    exim_owned_log(exim)
    env = {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(exim.mainlog)]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_PHP_LOGS": json.dumps([str(log)]),
        "SPAMTRACE_MAIL_EXIM_COMMAND": json.dumps([str(exim.wrapper)]),
        "SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES": "20",
        "SPAMTRACE_MODE": mode,
        # only the mail responses: nothing in the host's nft table, no process signalled
        "SPAMTRACE_RESPONSES_BLOCK": "false",
        "SPAMTRACE_RESPONSES_STOP": "false",
        "SPAMTRACE_RESPONSES_QUARANTINE": "false",
        "SPAMTRACE_RESPONSES_ONLY_ACCOUNTS": json.dumps([exim.world.user]),
        **extra,
    }
    return watching(tmp_path, "--no-scan", env=env)


def wait_line(w: Watcher, text: str, timeout: float = 30) -> None:
    """Until a line of watch's output holds ``text``; after ``timeout`` seconds the test fails
    there, naming watch's last lines (it went on, and failed later with less to go by)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in line for line in w._raw):
            return
        time.sleep(0.1)
    last = [line[:300] for line in list(w._raw)[-5:]]
    raise AssertionError(f"watch printed no {text} line within {timeout} s; its last: {last}")


def _frozen_entries(exim: PrivateExim) -> tuple[list[str], set[str]]:
    """(`exim -bp` entries, ids of the frozen ones)."""
    entries = [line for line in queue_listing(exim).splitlines() if "<" in line]
    return entries, {line.split()[2] for line in entries if "*** frozen ***" in line}


def test_enforce_freezes_the_queued_messages_of_a_mail_script(world: World, tmp_path: Path) -> None:
    """A script's burst through the real Exim opens mail-script; enforce freezes its queued
    messages (`exim -bp` shows them frozen), and each message it queues while the incident
    is open (a second run of the script: 31 to 40 messages, no 10/100/... milestone) within
    about a second, in batches; another account's queued message is left alone."""
    from test_watch import incidents_for

    exim = PrivateExim(world)
    log = php_mail_log(world)
    script = world.install_payload("mail-loop.php")
    # root's own message, queued before: never frozen (not this sender)
    subprocess.run(
        exim.in_namespace(["/usr/sbin/exim4", "-odq", "postmaster@remote.example"]),
        input="Subject: root\n\nfrom root\n", text=True, check=True, timeout=60,
    )  # fmt: skip
    with watch_mail(exim, log, tmp_path, "enforce") as w:
        exim.php_as_user(script, "30", mail_log=log)
        wait_line(w, '"action":"freeze-queue"')
        first = len(_frozen_entries(exim)[1])
        exim.php_as_user(script, "10", mail_log=log)
        deadline = time.monotonic() + 60  # a condition, not a timing: done well before
        while time.monotonic() < deadline and len(_frozen_entries(exim)[1]) < 40:
            time.sleep(0.2)
        w.stop(signal.SIGINT)
    (stored,) = incidents_for(tmp_path / "watch.db", world.uid or -1)
    assert stored["verdict"] == "mail-script" and stored["connections"] == 40
    freezes = [a for a in stored["actions"] if a["action"] == "freeze-queue"]
    assert freezes and all(a["status"] == "done" for a in freezes), stored["actions"]
    frozen = {i for a in freezes for i in a["data"]["frozen"]}
    # queue_only: all 40 are queued; all of them frozen, by the freeze when the incident
    # opened (the 21+ queued then) and by the batches of those queued after it
    entries, frozen_now = _frozen_entries(exim)
    assert len(entries) == 41 and first >= 21
    assert frozen_now == frozen and len(frozen) == 40
    assert len(freezes) >= 2  # the second run's messages: a batch after the first freeze
    assert all(world.user in line for line in entries if "*** frozen ***" in line)
    (root_line,) = [line for line in entries if "<root@" in line]
    assert "frozen" not in root_line
    assert freezes[0]["undo"].startswith("exim -Mt ")
    assert freezes[0]["target"] == world.user


def test_observe_records_would_and_freezes_nothing(world: World, tmp_path: Path) -> None:
    from test_watch import incidents_for

    exim = PrivateExim(world)
    log = php_mail_log(world)
    script = world.install_payload("mail-loop.php")
    with watch_mail(exim, log, tmp_path, "observe") as w:
        exim.php_as_user(script, "25", mail_log=log)
        wait_line(w, '"action":"freeze-queue"')
        w.stop(signal.SIGINT)
    (stored,) = incidents_for(tmp_path / "watch.db", world.uid or -1)
    (freeze,) = [a for a in stored["actions"] if a["action"] == "freeze-queue"]
    assert freeze["status"] == "would" and "freeze the queued messages of" in freeze["detail"]
    assert "frozen" not in queue_listing(exim)


def test_a_burst_split_by_a_watch_restart_opens_the_incident(world: World, tmp_path: Path) -> None:
    """15 mail() calls, `watch` restarted, 15 more: the second watch reads the first 15 back
    from the log at its start, so the burst (30 > 20) opens mail-script."""
    from test_watch import incidents_for

    exim = PrivateExim(world)
    log = php_mail_log(world)
    script = world.install_payload("mail-loop.php")
    with watch_mail(exim, log, tmp_path, "observe") as w:
        exim.php_as_user(script, "15", mail_log=log)
        time.sleep(1.0)
        w.stop(signal.SIGINT)
    assert not [
        x for x in w.lines
        if x.get("type") == "incident-opened" and x["incident"]["uid"] == world.uid
    ]  # fmt: skip
    with watch_mail(exim, log, tmp_path, "observe") as w:
        exim.php_as_user(script, "15", mail_log=log)
        wait_line(w, '"incident-opened"', 20)
        w.stop(signal.SIGINT)
    opened = [x["incident"] for x in w.lines if x.get("type") == "incident-opened"]
    (inc,) = [i for i in opened if i["uid"] == world.uid]
    assert inc["verdict"] == "mail-script" and inc["connections"] == 21
    (summary,) = [x for x in w.lines if x.get("type") == "summary"]
    assert summary["mail-logs"]["restored"] == 15 and summary["mail-logs"]["messages"] == 15
    (stored,) = incidents_for(tmp_path / "watch.db", world.uid or -1)
    assert stored["id"] == inc["id"] and stored["connections"] == 30


def test_smtp_auth_mailboxes_and_bounces_as_real_exim_logs_them(world: World) -> None:
    """Real Exim's A= shapes: an id with a space, +smtp_mailauth's ":<sender>" after the id,
    an authenticator without server_set_id; and a bounce Exim makes itself."""
    exim = PrivateExim(world, auth=True)

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    def send(client: str, login: list[str], mail_from: str, rcpt: str) -> None:
        data = ["DATA", "Subject: t", "", "hi", "."]
        session = ["EHLO pc", *login, mail_from, f"RCPT TO:<{rcpt}>", *data, "QUIT"]
        replies = exim.smtp(client, session)
        assert "235 Authentication succeeded" in replies and " id=" in replies, replies

    john = ["AUTH PLAIN " + b64("\0John Smith\0secret")]
    box = ["AUTH PLAIN " + b64("\0box@shop.example\0secret")]
    send("203.0.113.5", john, "MAIL FROM:<box@shop.example> AUTH=<box@shop.example>", "a@x.example")
    send("203.0.113.6", john, "MAIL FROM:<js@shop.example>", "b@x.example")
    send("198.51.100.7", box, "MAIL FROM:<box@shop.example> AUTH=<box@shop.example>", "c@x.example")
    send("198.51.100.8", box, "MAIL FROM:<box@shop.example>", "x@nowhere.example")
    send("192.0.2.9", ["AUTH LOGIN", b64("anyone"), b64("secret")], "MAIL FROM:<n@s.example>",
         "d@x.example")  # fmt: skip
    exim.run_queue()  # x@nowhere.example fails: Exim sends box@shop.example a bounce
    log = exim.mainlog.read_text()
    assert "A=plain_id:John Smith:<box@shop.example> " in log  # what the parser is built on
    assert " A=login_noid " in log and " <= <> R=" in log
    _, doc = mail_json(exim, "--no-queue")
    boxes = {s["auth_user"]: s["messages"] for s in doc["senders"] if s["kind"] == "auth"}
    assert boxes == {"John Smith": 2, "box@shop.example": 2, "(login_noid)": 1}
    (two,) = [s for s in doc["senders"] if s["auth_user"] == "John Smith"]
    assert two["client_ips"] == 2
    assert doc["totals"] == {
        "messages": 5, "senders": 3, "inbound": 0, "from_this_host": 0, "bounces": 1
    }


def _auth_send(exim: PrivateExim, login: str, mail_from: str, client: str = "203.0.113.5") -> str:
    """One message through SMTP AUTH as ``login`` with envelope sender ``mail_from``: its id."""
    plain = base64.b64encode(f"\0{login}\0secret".encode()).decode()
    data = ["DATA", "Subject: t", "", "hi", "."]
    session = ["EHLO pc", f"AUTH PLAIN {plain}", f"MAIL FROM:<{mail_from}>",
               "RCPT TO:<a@x.example>", *data, "QUIT"]  # fmt: skip
    (qid,) = re.findall(r"250 OK id=(\S+)", exim.smtp(client, session))
    return qid


def _frozen(exim: PrivateExim) -> set[str]:
    listed = queue_listing(exim)
    return {line.split()[2] for line in listed.splitlines() if "*** frozen ***" in line}


def test_freeze_finds_a_stolen_mailboxs_queued_mail_by_its_login(world: World) -> None:
    """A botnet with a stolen password sends with made-up envelope senders: Exim 4.94+ writes
    the login in the spool header as "--auth_id" (a tainted value), and only that names the
    mailbox. Messages the log join did not tie (queue_ids empty) are frozen by it; another
    mailbox's message is not."""
    from spamtrace.actions.mailqueue import MailQueue
    from spamtrace.policy.responses import FreezeQueue

    exim = PrivateExim(world, auth=True)
    stolen = sorted(_auth_send(exim, "box@shop.example", f"rnd{i}@spam.example") for i in range(3))
    other = _auth_send(exim, "other@shop.example", "other@shop.example")
    queue = MailQueue([str(exim.wrapper)])
    res = queue.freeze(FreezeQueue("exim", (), None, None, "box@shop.example", "i-1", "why"))
    assert res.ok and sorted(res.frozen) == stolen, res
    assert _frozen(exim) == set(stolen) and other not in _frozen(exim)


def test_the_printed_freeze_command_of_a_stolen_mailbox_freezes_its_mail(world: World) -> None:
    """The mail-auth incident's "freeze its queued mail" command, pasted into bash, freezes
    the mailbox's queued messages whatever envelope sender the botnet gave (exiqgrep by the
    mailbox as sender found none of them), and no other mailbox's."""
    exim = PrivateExim(world, auth=True)
    box = "in'fo$x@shop.example"
    stolen = {_auth_send(exim, box, f"rnd{i}@spam.example", f"203.0.{i}.5") for i in range(3)}
    other = _auth_send(exim, "info@shop.example", "info@shop.example")
    code, doc = mail_json(exim, "--no-queue", env={"SPAMTRACE_MAIL_AUTH_MAX_IPS": "2"})
    (inc,) = doc["incidents"]
    assert code == 1 and inc["auth_user"] == box
    (line,) = [a for a in inc["advice"] if a.startswith("freeze its queued mail: ")]
    bin_dir = world.tmp / "bin"
    bin_dir.mkdir()
    (bin_dir / "exim").symlink_to(exim.wrapper)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    command = line.removeprefix("freeze its queued mail: ")
    subprocess.run(["bash", "-c", command], env=env, timeout=120, check=True)
    assert _frozen(exim) == stolen and other not in _frozen(exim)


def test_a_folder_with_a_newline_in_its_name_is_named_whole(world: World) -> None:
    """A mailer in a folder named with a newline and an escape: the real Exim writes its
    +arguments line in two; `mail` gives the messages that folder, whole (it had none)."""
    exim = PrivateExim(world)
    script = world.install_payload("mail-loop.php")
    owner = pwd.getpwnam(str(world.user))
    folder = world.uploads / "nl\nline\x1b[31mred"
    folder.mkdir()
    hidden = folder / script.name
    hidden.write_bytes(script.read_bytes())
    for path in (folder, hidden):
        os.chown(path, owner.pw_uid, owner.pw_gid)
    exim.php_as_user(hidden, "3")
    assert f"cwd={folder} 3 args:" in exim.mainlog.read_text()  # Exim's own line break
    _, doc = mail_json(exim, "--no-queue")
    (sender,) = [s for s in doc["senders"] if s["uid"] == world.uid]
    assert (sender["cwd"], sender["messages"]) == (str(folder), 3)


def start_fpm(world: World, name: str, pool: str, sock: Path) -> None:
    """Start php-fpm 8.2 with ``pool`` (its section, listening on ``sock``) as its one pool,
    its files named ``name`` in the world's folder; returns once it listens."""
    conf = world.tmp / f"{name}.conf"
    conf.write_text(
        f"[global]\npid = {world.tmp / f'{name}.pid'}\nerror_log = {world.tmp / f'{name}.log'}\n"
        f"daemonize = no\n{pool}"
    )
    world.spawn(["/usr/sbin/php-fpm8.2", "-F", "-y", str(conf)])
    deadline = time.monotonic() + 30
    while not sock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sock.exists(), (world.tmp / f"{name}.log").read_text()


def test_a_chrooted_php_fpm_pools_mail_log_and_access_log_name_the_scripts(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A php-fpm pool chrooted to the account's home writes `mail.log = /logs/mail.log` at
    <home>/logs/mail.log and names scripts by their path inside the chroot, in mail.log and
    in the access log's %f (the real php-fpm 8.2); a script named with a newline, calling
    mail() without headers, cuts its mail.log record in two. `mail` (with the pool file
    found as the PHP configuration) names each script by its path on this server."""
    from spamtrace.config import load
    from spamtrace.service import mail
    from spamtrace.sources.fpm_access import pool_access_logs

    assert world.home is not None and world.user is not None
    owner = pwd.getpwnam(world.user)
    home, site = world.home, world.home / "public_html"
    (home / "logs").mkdir()
    os.chown(home / "logs", owner.pw_uid, owner.pw_gid)
    zone = home / "usr/share/zoneinfo"  # Debian's PHP reads the zone database inside the jail
    zone.mkdir(parents=True)
    (zone / "UTC").write_bytes(Path("/usr/share/zoneinfo/UTC").read_bytes())
    (site / "form.php").write_text('<?php mail("a@remote.example", "s", "b", "From: x@y");\n')
    (site / "nl\nx.php").write_text('<?php mail("b@remote.example", "s", "b");\n')
    sock, access = world.tmp / "chroot-fpm.sock", world.tmp / "chroot-access.log"
    pool = (
        f"[{world.user}]\nuser = {world.user}\ngroup = {world.user}\nlisten = {sock}\n"
        f"listen.mode = 0666\npm = static\npm.max_children = 1\nchroot = {home}\nchdir = /\n"
        f'access.log = {access}\naccess.format = "%t %p %{{mili}}d %f"\n'
        "php_admin_value[mail.log] = /logs/mail.log\n"
        "php_admin_value[sendmail_path] = /bin/true\nphp_admin_value[date.timezone] = UTC\n"
    )
    start_fpm(world, "chroot-fpm", pool, sock)
    for name in ("/public_html/form.php", "/public_html/nl\nx.php"):
        env = {"SCRIPT_FILENAME": name, "REQUEST_METHOD": "GET", "PATH": "/usr/bin:/bin"}
        request = world.spawn(["cgi-fcgi", "-bind", "-connect", str(sock)], env=env)
        request.communicate(timeout=30)
    logged = (home / "logs/mail.log").read_text()
    assert "mail() on [/public_html/form.php:1]" in logged  # inside the chroot, as PHP names it
    assert "mail() on [/public_html/nl\nx.php:1]" in logged  # cut in two by the name
    for _ in range(50):  # php-fpm writes the access log line once the request is over
        if access.exists() and access.read_text().count("\n") >= 2:
            break
        time.sleep(0.1)
    # the PHP configuration spamtrace finds: this pool file, in a tree of its own
    root = tmp_path / "root"
    (root / "etc/php/8.2/fpm/pool.d").mkdir(parents=True)
    (root / "etc/php/8.2/fpm/php.ini").write_text("[PHP]\n")
    (root / "etc/php/8.2/fpm/pool.d/site.conf").write_text(pool)
    monkeypatch.setattr(mail, "PHP_CONFIG_ROOT", str(root))
    cfg = load(config_dir=tmp_path, environ={
        "SPAMTRACE_MAIL_EXIM_LOGS": "[]", "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
    })  # fmt: skip
    report = mail.read_logs(cfg, {}, None)
    assert [c.path for c in report.logs] == [str(home / "logs/mail.log")]
    senders = {t.script: t for t in report.ledger.senders.values()}
    assert set(senders) == {str(site / "form.php"), str(site / "nl\nx.php")}
    (fmt,) = [p.format for p in pool_access_logs(str(root / "x.conf"), pool)]
    assert fmt is not None
    requests = [fmt.parse(line, "l") for line in access.read_text().splitlines()]
    scripts = [r.script for r in requests if r is not None]
    assert str(site / "form.php") in scripts, access.read_text()


def test_a_php_fpm_pools_own_mail_log_gives_its_calls_the_pools_user(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real php-fpm 8.2 pool of the hosting user with its own mail.log, serving a site in
    no account's folder (a /var/www-like tree, no panel): PHP's mail.log names no uid, and
    the calls were no one's; they are the pool user's now (the file only this pool writes)."""
    from spamtrace.config import load
    from spamtrace.service import mail

    assert world.user is not None
    owner = pwd.getpwnam(world.user)
    site = world.tmp / "www" / "shop"
    site.mkdir(parents=True)
    (site / "contact.php").write_text('<?php mail("a@remote.example", "s", "b", "From: x@y");\n')
    logs = world.tmp / "php-logs"
    logs.mkdir()
    os.chown(logs, owner.pw_uid, owner.pw_gid)
    sock = world.tmp / "pool-fpm.sock"
    pool = (
        f"[{world.user}]\nuser = {world.user}\ngroup = {world.user}\nlisten = {sock}\n"
        "listen.mode = 0666\npm = static\npm.max_children = 1\nchdir = /\n"
        f"php_admin_value[mail.log] = {logs}/$pool-mail.log\n"
        "php_admin_value[sendmail_path] = /bin/true\nphp_admin_value[date.timezone] = UTC\n"
    )
    start_fpm(world, "pool-fpm", pool, sock)
    env = {"SCRIPT_FILENAME": str(site / "contact.php"), "REQUEST_METHOD": "GET", "PATH": "/bin"}
    for _ in range(3):
        world.spawn(["cgi-fcgi", "-bind", "-connect", str(sock)], env=env).communicate(timeout=30)
    written = logs / f"{world.user}-mail.log"
    assert written.read_text().count(f"mail() on [{site}/contact.php:1]") == 3
    root = tmp_path / "root"  # the PHP configuration spamtrace finds: this pool file
    (root / "etc/php/8.2/fpm/pool.d").mkdir(parents=True)
    (root / "etc/php/8.2/fpm/php.ini").write_text("[PHP]\n")
    (root / "etc/php/8.2/fpm/pool.d/shop.conf").write_text(pool)
    monkeypatch.setattr(mail, "PHP_CONFIG_ROOT", str(root))
    cfg = load(config_dir=tmp_path, environ={"SPAMTRACE_MTA_KIND": "none"})
    report = mail.read_logs(cfg, {}, None)
    assert [c.path for c in report.logs] == [str(written)]
    (sender,) = report.ledger.senders.values()
    assert (sender.script, sender.user, sender.messages) == (
        str(site / "contact.php"), world.user, 3,
    )  # fmt: skip


def test_an_allowed_accounts_smtp_auth_volume_opens_no_incident(
    world: World, tmp_path: Path
) -> None:
    """[submission] allow_accounts: a shop's newsletter mailbox sends through SMTP AUTH above
    auth_max_messages without a mail-auth incident, in watch (the daemon's follower) and in
    mail; another mailbox sending as much opens one."""
    from test_watch import watching

    exim = PrivateExim(world, auth=True)
    exim_owned_log(exim)
    env = {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(exim.mainlog)]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_AUTH_MAX_MESSAGES": "5",
        "SPAMTRACE_SUBMISSION_ALLOW_ACCOUNTS": "news",
    }
    with watching(tmp_path, "--no-scan", env=env) as w:
        assert "mail-logs" in w.status["sources"]
        for _ in range(7):
            _auth_send(exim, "news@shop.example", "news@shop.example")
        for _ in range(7):
            _auth_send(exim, "info@shop.example", "info@shop.example")
        wait_line(w, '"incident-opened"', 30)
        time.sleep(1)
        w.stop(signal.SIGINT)
    opened = [x["incident"] for x in w.lines if x.get("type") == "incident-opened"]
    # (other senders of this host, seen host-wide, may open connect incidents meanwhile)
    boxes = [i["auth_user"] for i in opened if i["verdict"] == "mail-auth"]
    assert boxes == ["info@shop.example"], opened
    code, doc = mail_json(exim, "--no-queue", env=env)
    assert code == 1
    assert [i["auth_user"] for i in doc["incidents"]] == ["info@shop.example"]
    assert any(n.startswith("news@shop.example: went above a volume limit") for n in doc["notes"])


def loopback_exim(world: World) -> dict[str, str]:
    """Start Exim with SMTP AUTH, its daemon listening on the server's 127.0.0.1:587 (in the
    server's netns, with the private config): the environment of a watch that follows its log
    and opens mail-auth above 10 messages."""
    exim = PrivateExim(world, auth=True)
    exim_owned_log(exim)
    world.spawn(exim.in_namespace(["/usr/sbin/exim4", "-bdf", "-oX", "127.0.0.1.587",
                                   "-oP", str(exim.dir / "exim.pid")]))  # fmt: skip
    probe = "import socket; socket.create_connection(('127.0.0.1', 587), 1).close()"
    wait_for_ok = [*world.ns_prefix(), "python3", "-c", probe]
    deadline = time.monotonic() + 30
    while subprocess.run(wait_for_ok, capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "exim's daemon did not listen"
        time.sleep(0.2)
    return {
        "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(exim.mainlog)]),
        "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
        "SPAMTRACE_MAIL_PHP_LOGS": "[]",
        "SPAMTRACE_MAIL_AUTH_MAX_MESSAGES": "10",
    }


STOLEN_LOGIN = """\
import smtplib, sys, time
for i in range(int(sys.argv[1])):
    with smtplib.SMTP("127.0.0.1", 587, timeout=10) as s:
        s.login("box@shop.example", "secret")
        s.sendmail("ceo@bank.example", [f"v{i}@remote.example"], "Subject: x\\n\\nspam\\n")
    time.sleep(0.02)
"""


def test_a_stolen_mailbox_used_from_this_host_names_the_local_sender(
    server_world: World, tmp_path: Path
) -> None:
    """A web script logs in to the server's own MTA (127.0.0.1:587) with a stolen password:
    the mail-auth incident named the mailbox and the client 127.0.0.1 only, though the
    tracepoint had seen which account's script made those connections (a `submission`
    incident of its own). The mail-auth incident names that local sender."""
    from test_watch import watching

    world = server_world
    assert world.uid is not None and world.uploads is not None
    # the watcher is in the host's network namespace, the sender in the server's: its
    # responses are decided (observe: recorded as would), not held back for that
    env = {**loopback_exim(world), "SPAMTRACE_RESPONSES_OTHER_NETNS": "true"}
    script = world.uploads / "stolen.py"
    script.write_text(STOLEN_LOGIN)
    os.chown(script, world.uid, -1)
    with watching(tmp_path, "--no-scan", env=env) as w:
        proc = world.spawn_as_user(["/usr/bin/python3", script.name, "15"])
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        wait_line(w, '"mail-auth"', 30)
        time.sleep(1)  # the messages after the one that opened it
        w.stop(signal.SIGINT)
    opened = [x["incident"] for x in w.lines if x.get("type") == "incident-opened"]
    (auth,) = [i for i in opened if i["verdict"] == "mail-auth"]
    (local,) = [i for i in opened if i["uid"] == world.uid]
    assert local["verdict"] == "submission" and local["scripts"] == [str(script)], local
    assert auth["auth_user"] == "box@shop.example" and auth["mail"]["client_ips"] == ["127.0.0.1"]
    (client,) = auth["mail"]["local_clients"]
    assert client["uid"] == world.uid and client["user"] == world.user, client
    assert client["scripts"] == [str(script)] and client["incident"] == local["id"], client
    lines = [a for a in auth["advice"] if a.startswith("the mailbox is used from this host")]
    assert lines and str(script) in lines[0], auth["advice"]
    # observe mode: what would happen to the sender is on the mail-auth incident too
    would = {
        x["action"]["action"]: x["action"] for x in w.lines
        if x.get("type") == "action" and x["incident"] == auth["id"]
    }  # fmt: skip
    assert would["block-uid"]["status"] == "would", would
    assert f"decided for its connect incident {local['id']}" in would["block-uid"]["detail"]
    # the store keeps it, later messages' states included
    r = spamtrace("incident", auth["id"], "--json", "--db", str(tmp_path / "watch.db"))
    stored = json.loads(r.stdout)["incident"]
    assert stored["mail"]["local_clients"][0]["incident"] == local["id"], stored["mail"]


CONTAINER_LISTENER = """\
import socket
srv = socket.create_server(("127.0.0.1", 587))
while True:
    c, _ = srv.accept()
    c.sendall(b"220 container ESMTP\\r\\n")
    c.close()
"""

CONTAINER_CLIENT = """\
import socket, sys, time
for _ in range(int(sys.argv[1])):
    with socket.create_connection(("127.0.0.1", 587), 5) as s:
        s.recv(100)
    time.sleep(0.1)
"""


def test_a_loopback_connect_of_another_namespace_is_no_local_sender_of_the_mailbox(
    server_world: World, tmp_path: Path
) -> None:
    """A process in another network namespace (a container's own loopback, here the world's
    MX namespace with a listener of its own on 127.0.0.1:587) connects to 127.0.0.1:587 while
    a stolen mailbox is used from the server's 127.0.0.1: it never reached the server's Exim,
    but it was named a local sender of the mailbox too ("used from this host")."""
    from test_watch import watching

    world = server_world
    assert world.uid is not None and world.uploads is not None and world.user is not None
    env = {**loopback_exim(world), "SPAMTRACE_RESPONSES_OTHER_NETNS": "true"}
    listener = world.tmp / "listener.py"
    listener.write_text(CONTAINER_LISTENER)
    world.spawn([*world.mx_prefix(), "python3", str(listener)], in_server_ns=False)
    probe = "import socket; socket.create_connection(('127.0.0.1', 587), 1).close()"
    deadline = time.monotonic() + 30
    while subprocess.run([*world.mx_prefix(), "python3", "-c", probe]).returncode != 0:
        assert time.monotonic() < deadline, "the container's listener did not listen"
        time.sleep(0.2)
    client = world.uploads / "container.py"
    client.write_text(CONTAINER_CLIENT)
    script = world.uploads / "stolen.py"
    script.write_text(STOLEN_LOGIN)
    for path in (client, script):
        os.chown(path, world.uid, -1)
    with watching(tmp_path, "--no-scan", env=env) as w:
        other = world.spawn(
            [*world.mx_prefix(), "runuser", "-u", world.user, "--", "/usr/bin/python3",
             client.name, "40"], cwd=world.uploads, in_server_ns=False,
        )  # fmt: skip
        proc = world.spawn_as_user(["/usr/bin/python3", script.name, "15"])
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        wait_line(w, '"mail-auth"', 30)
        other.communicate(timeout=60)
        time.sleep(1)
        w.stop(signal.SIGINT)
    opened = [x["incident"] for x in w.lines if x.get("type") == "incident-opened"]
    (auth,) = [i for i in opened if i["verdict"] == "mail-auth"]
    (local,) = [i for i in opened if i["uid"] == world.uid and i["scripts"] == [str(script)]]
    (theirs,) = [i for i in opened if i["uid"] == world.uid and i["scripts"] == [str(client)]]
    assert theirs["verdict"] == "submission", theirs  # seen, as before
    (named,) = auth["mail"]["local_clients"]  # it was both
    assert named["incident"] == local["id"], auth["mail"]["local_clients"]
    lines = [a for a in auth["advice"] if a.startswith("the mailbox is used from this host")]
    assert lines and str(client) not in lines[0], auth["advice"]


def test_the_one_local_sender_of_a_stolen_mailbox_is_stopped_and_its_script_quarantined(
    server_world: World, tmp_path: Path
) -> None:
    """The same stolen login from a PHP script, with `watch` in enforce mode: the mail-auth
    incident names one local sender, and the responses of a spam sender are carried out on
    it (its connect incident, a `submission` that is otherwise only reported): SIGSTOP to the
    script's process, its uid blocked, the script (malicious to the scan) quarantined. Before,
    only the mailbox was acted on and the script went on sending."""
    from test_responses import state
    from test_responses import watching as enforcing

    world = server_world
    assert world.uid is not None and world.uploads is not None
    env = loopback_exim(world)
    script = world.install_payload("mailbox-login.php")
    with enforcing(world, "enforce", env=env, freeze_queue=False, stop_after=3) as w:
        sender = world.spawn_as_user(["/usr/bin/php", script.name, "300", "0.1"])
        stop = w.wait_action("stop-process", 90)
        quarantined = w.wait_action("quarantine", 60)
        blocked = w.wait_action("block-uid", 10)
        assert stop["status"] == "done", stop
        stopped = [p for p, _ in stop["data"]["signalled"]]
        assert stopped and all(state(p) == "T" for p in stopped), stop
    opened = [x["incident"] for x in w.lines if x.get("type") == "incident-opened"]
    (auth,) = [i for i in opened if i["verdict"] == "mail-auth"]
    (local,) = [i for i in opened if i["uid"] == world.uid]
    assert local["verdict"] == "submission" and local["scripts"] == [str(script)], local
    (client,) = auth["mail"]["local_clients"]
    assert client["incident"] == local["id"], client
    by_incident = {
        x["action"]["action"]: x["incident"] for x in w.lines if x.get("type") == "action"
        and x["action"]["action"] in ("stop-process", "block-uid", "quarantine")
        and x["incident"] == local["id"]
    }  # fmt: skip
    assert set(by_incident) == {"stop-process", "block-uid", "quarantine"}, by_incident
    assert blocked["status"] == "done", blocked
    assert "the one local sender of mailbox box@shop.example" in stop["detail"], stop
    assert quarantined["status"] == "done" and not script.exists(), quarantined
    assert sender.poll() is None  # stopped, not done (killed by the world's close)
