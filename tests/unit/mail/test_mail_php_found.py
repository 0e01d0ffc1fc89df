"""`mail`, `check` and the daemon read the PHP mail.log files that the PHP configuration names
(as `audit` finds them) when ``[mail] php_logs`` is empty; a configured list replaces them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from spamtrace import config
from spamtrace.service import mail


def php_call(script: str, n: int, age: float = 60.0) -> str:
    """One PHP mail.log line of a ``mail()`` call ``age`` seconds ago (UTC stamp)."""
    stamp = time.strftime("%d-%b-%Y %H:%M:%S UTC", time.gmtime(time.time() - age))
    return f"[{stamp}] mail() on [{script}:{n}]: To: t{n}@remote.example -- Headers: From: x@y\n"


@pytest.fixture
def php_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PHP configuration: php.ini's mail.log, a pool's own ($pool), a pool of an include=
    folder, and a pool whose log is not written yet."""
    root = tmp_path / "root"
    logs = tmp_path / "logs"
    logs.mkdir()
    fpm = root / "etc/php/8.2/fpm"
    (fpm / "conf.d").mkdir(parents=True)
    (fpm / "pool.d").mkdir()
    (root / "srv/pools").mkdir(parents=True)
    (fpm / "php.ini").write_text("[PHP]\nmail.add_x_header = On\n")
    (fpm / "conf.d/90-mail.ini").write_text(f"mail.log = {logs}/php-mail.log\n")
    (fpm / "pool.d/shop.conf").write_text(
        f"[shop]\nuser = shop\nphp_admin_value[mail.log] = {logs}/$pool-mail.log\n"
    )
    (fpm / "php-fpm.conf").write_text("[global]\ninclude=/srv/pools/*.conf\n")
    (root / "srv/pools/blog.conf").write_text(
        f"[blog]\nuser = blog\nphp_admin_value[mail.log] = {logs}/never/blog.log\n"
    )
    (logs / "php-mail.log").write_text(php_call("/home/shop/public_html/contact.php", 3))
    calls = "".join(php_call("/home/shop/public_html/up/x.php", 4, 60 - i) for i in range(5))
    (logs / "shop-mail.log").write_text(calls)
    monkeypatch.setattr(mail, "PHP_CONFIG_ROOT", str(root))
    return logs


def load(tmp_path: Path, **env: str) -> config.Config:
    base = {"SPAMTRACE_MAIL_EXIM_LOGS": "[]", "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]"}
    return config.load(config_dir=tmp_path, environ={**base, **env})


def test_found_like_audit_finds_them(php_root: Path, tmp_path: Path) -> None:
    php = mail.php_config()
    found = php.files
    assert [path for path, _ in found] == [
        f"{php_root}/php-mail.log",  # php.ini's scan folder
        f"{php_root}/shop-mail.log",  # the pool's own, $pool expanded
        f"{php_root}/never/blog.log",  # a pool of an include= folder
    ]
    assert found[1][1].endswith("pool.d/shop.conf:3"), found
    assert php.roots == {}  # no pool is chrooted


def test_mail_reads_them_and_notes_a_missing_one(php_root: Path, tmp_path: Path) -> None:
    report = mail.read_logs(load(tmp_path), {}, None)
    assert sorted(c.path for c in report.logs) == [
        f"{php_root}/php-mail.log", f"{php_root}/shop-mail.log",
    ]  # fmt: skip
    by_script = {t.script: t.messages for t in report.ledger.senders.values()}
    assert by_script == {
        "/home/shop/public_html/contact.php": 1, "/home/shop/public_html/up/x.php": 5,
    }  # fmt: skip
    (note,) = report.notes
    assert f"{php_root}/never/blog.log" in note and "does not exist yet" in note
    assert "srv/pools/blog.conf:3" in note


def test_a_configured_list_replaces_what_is_found(php_root: Path, tmp_path: Path) -> None:
    cfg = load(tmp_path, SPAMTRACE_MAIL_PHP_LOGS=json.dumps([f"{php_root}/php-mail.log"]))
    report = mail.read_logs(cfg, {}, None)
    assert [c.path for c in report.logs] == [f"{php_root}/php-mail.log"]
    assert report.notes == []
    found, _ = mail.with_php_logs(load(tmp_path))
    assert found.sources["mail.php_logs"] == mail.PHP_FOUND
    assert config.load(config_dir=tmp_path, environ={}).mail.php_logs == []


def test_check_and_the_daemon_see_them(php_root: Path, tmp_path: Path) -> None:
    from spamtrace.service import plugins

    cfg = load(tmp_path, SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES="3")
    report = mail.recent_report(mail.with_php_logs(cfg)[0])
    assert report is not None and report.incidents, "a burst in a found log: a mail-script"
    (source,) = plugins.sources(cfg)
    try:
        assert f"{php_root}/shop-mail.log" in [s.path for s in source.specs]
    finally:
        source.close()


def test_nothing_found_keeps_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail, "PHP_CONFIG_ROOT", str(tmp_path / "empty"))
    cfg = load(tmp_path)
    assert mail.with_php_logs(cfg) == (cfg, [])


def test_a_chrooted_pools_log_names_scripts_by_their_path_on_this_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pool with `chroot = /home/shop` writes `mail.log = /logs/mail.log` at
    /home/shop/logs/mail.log, naming `/public_html/x.php` (checked with php-fpm 8.2): `mail`
    read nothing (it looked for /logs/mail.log), and given the file it named a script no
    account, scan or `quarantine` could find. Also for the daemon, and a file given by hand."""
    root, jail = tmp_path / "root", tmp_path / "jail"
    pools = root / "etc/php/8.2/fpm/pool.d"
    pools.mkdir(parents=True)
    (root / "etc/php/8.2/fpm/php.ini").write_text("[PHP]\n")
    (pools / "shop.conf").write_text(
        f"[shop]\nuser = shop\nchroot = {jail}\nphp_admin_value[mail.log] = /logs/mail.log\n"
    )
    (jail / "logs").mkdir(parents=True)
    calls = "".join(php_call("/public_html/up/x.php", 4, 60 - i) for i in range(3))
    calls += php_call("/public_html/y.php(7) : eval()'d code", 1, 50)
    (jail / "logs/mail.log").write_text(calls)
    monkeypatch.setattr(mail, "PHP_CONFIG_ROOT", str(root))
    expected = {f"{jail}/public_html/up/x.php": 3, f"{jail}/public_html/y.php": 1}
    report = mail.read_logs(load(tmp_path), {}, None)
    assert [c.path for c in report.logs] == [f"{jail}/logs/mail.log"]
    assert {t.script: t.messages for t in report.ledger.senders.values()} == expected
    given = mail.read_logs(load(tmp_path), {"php": [f"{jail}/logs/mail.log"]}, None)
    assert {t.script: t.messages for t in given.ledger.senders.values()} == expected
    few = load(tmp_path, SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES="2")
    recent = mail.recent_report(mail.with_php_logs(few)[0])  # check's
    assert recent is not None
    assert [i.script for i in recent.incidents] == [f"{jail}/public_html/up/x.php"]
    from spamtrace.service import plugins

    (source,) = plugins.sources(load(tmp_path))
    try:
        assert [(s.path, s.root) for s in source.specs] == [(f"{jail}/logs/mail.log", str(jail))]
    finally:
        source.close()


def test_a_configured_php_log_shared_with_error_log_is_not_asked_about(tmp_path: Path) -> None:
    """A pool may write its error_log and its mail.log to one file: with no mail() call in
    it yet, `mail` must not ask whether it is a PHP mail.log (it asks of a --php-log)."""
    log = tmp_path / "php.log"
    log.write_text("[05-Dec-2026 10:00:00 UTC] PHP Warning:  Undefined variable $x in /h/a.php\n")
    cfg = load(tmp_path, SPAMTRACE_MAIL_PHP_LOGS=json.dumps([str(log)]))
    assert not [n for n in mail.read_logs(cfg, {}, None).notes if "is it a PHP" in n]
    from spamtrace.errors import RuntimeFailure

    with pytest.raises(RuntimeFailure, match=r"is it a PHP mail\.log\?"):  # given: asked
        mail.read_logs(cfg, {"php": [str(log)]}, None)


def test_the_php_configuration_is_read_once_per_run(
    php_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mail` (and the daemon's start) found the mail.log files in the PHP configuration and
    then read it all again for the pools' chroots: every php.ini, conf.d file and pool file
    parsed twice (hundreds of pools on a shared server)."""
    from spamtrace.audit import php
    from spamtrace.service import plugins

    real = php.gather_configs
    calls: list[object] = []

    def counted(env: php.ConfigFiles) -> tuple[list[php.SapiConfig], list[php.PoolFile]]:
        calls.append(env)
        return real(env)

    monkeypatch.setattr(php, "gather_configs", counted)
    report = mail.read_logs(load(tmp_path), {}, None)
    assert len(report.logs) == 2 and len(calls) == 1
    calls.clear()
    given = {"php": [f"{php_root}/php-mail.log"]}
    assert mail.read_logs(load(tmp_path), given, None).logs and len(calls) == 1
    calls.clear()
    exim = tmp_path / "mainlog"
    exim.write_text("2026-12-05 17:18:32 1xZtP6-0000xM-1i <= a@b U=shop P=local S=1\n")
    assert mail.read_logs(load(tmp_path), {"exim": [str(exim)]}, None).logs
    assert calls == []  # no PHP log to read: its configuration is not looked at
    calls.clear()
    (source,) = plugins.sources(load(tmp_path))
    source.close()
    assert len(calls) == 1


def test_a_pools_own_log_gives_its_calls_the_pools_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pool's own mail.log is written by its workers alone, as its `user =`: a mail() call
    of a script in no account's folder (/var/www/shop, no panel) is that user's. It was no
    one's (PHP's mail.log names no uid: the X-PHP-Originating-Script header goes into the
    message only). A log that pools of two users, or php.ini's, write stays no one's."""
    root, logs = tmp_path / "root", tmp_path / "logs"
    logs.mkdir()
    fpm = root / "etc/php/8.2/fpm"
    (fpm / "pool.d").mkdir(parents=True)
    (fpm / "php.ini").write_text(f"[PHP]\nmail.log = {logs}/all.log\n")
    (fpm / "pool.d/shop.conf").write_text(
        f"[shop]\nuser = shop\nphp_admin_value[mail.log] = {logs}/$pool-mail.log\n"
        f"[blog]\nuser = blog\nphp_admin_value[mail.log] = {logs}/shared.log\n"
        f"[news]\nuser = news\nphp_admin_value[mail.log] = {logs}/shared.log\n"
        "[plain]\nuser = plain\n"  # writes php.ini's all.log, with every other user
    )
    for name, script in (("shop-mail.log", "/var/www/shop/contact.php"),
                         ("shared.log", "/var/www/blog/x.php"), ("all.log", "/var/www/p/y.php")):
        (logs / name).write_text("".join(php_call(script, 4, 60 - i) for i in range(3)))
    monkeypatch.setattr(mail, "PHP_CONFIG_ROOT", str(root))
    assert mail.php_config().users == {f"{logs}/shop-mail.log": "shop"}
    cfg = load(tmp_path, SPAMTRACE_MTA_KIND="none")
    report = mail.read_logs(cfg, {}, None)
    users = {t.script: t.user for t in report.ledger.senders.values()}
    assert users == {
        "/var/www/shop/contact.php": "shop", "/var/www/blog/x.php": None,
        "/var/www/p/y.php": None,
    }  # fmt: skip
    # given by hand, the same; and the daemon's follower reads it so
    report = mail.read_logs(cfg, {"php": [f"{logs}/shop-mail.log"]}, None)
    assert [t.user for t in report.ledger.senders.values()] == ["shop"]
    from spamtrace.service import plugins
    from spamtrace.service.bus import SourceIncident

    cfg = load(tmp_path, SPAMTRACE_MTA_KIND="none", SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES="2",
               SPAMTRACE_MAIL_RESTORE_HOURS="0")  # fmt: skip
    (source,) = plugins.sources(cfg)
    try:
        by_path = {s.path: s.user for s in source.specs}
        assert by_path[f"{logs}/shop-mail.log"] == "shop" and by_path[f"{logs}/all.log"] == ""
        source.read_events()  # at the logs' ends
        with (logs / "shop-mail.log").open("a") as fh:
            fh.write("".join(php_call("/var/www/shop/contact.php", 4, 0) for _ in range(3)))
        (inc,) = [x.incident for x in source.read_events() if isinstance(x, SourceIncident)]
        assert inc.user == "shop" and inc.verdict == "mail-script", inc
    finally:
        source.close()
