"""php.* gathered from a fixture tree (php.ini, conf.d, FPM pools) and judged."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from spamtrace.audit import php
from spamtrace.audit.environment import AuditEnv, CommandRunner
from spamtrace.audit.finding import Finding, Status
from spamtrace.config import Config

CFG = Config()


class NoPhp(CommandRunner):
    def which(self, *names: str) -> str | None:
        return None


def _findings(fixtures: Path) -> list[Finding]:
    import dataclasses

    env = AuditEnv(cfg=CFG, root=fixtures / "php_root", runner=NoPhp())
    # the fixture's folders belong to whoever checked them out, not to its passwd's users:
    # whether a pool's user can write its mail.log is tested on a tree made with known modes
    snap = dataclasses.replace(php.gather(env), unwritable_logs=())
    return php.judge(snap, CFG)


def _get(findings: list[Finding], fid: str, subject_part: str) -> Finding:
    hits = [f for f in findings if f.id == fid and subject_part in f.subject]
    assert len(hits) == 1, [(f.id, f.subject, f.title) for f in findings]
    return hits[0]


def test_gather_finds_sapis_and_pools(fixtures: Path) -> None:
    env = AuditEnv(cfg=CFG, root=fixtures / "php_root", runner=NoPhp())
    snap = php.gather(env)
    assert [s.label for s in snap.sapis] == ["PHP 7.4 fpm", "PHP 8.2 cli", "PHP 8.2 fpm"]
    assert [p.file.path for p in snap.pools] == [
        "/etc/php/7.4/fpm/pool.d/old.conf",
        "/etc/php/7.4/fpm/pool.d/www.conf",
        "/etc/php/8.2/fpm/pool.d/blog.conf",
        "/etc/php/8.2/fpm/pool.d/shop.conf",
    ]
    assert snap.pools[3].sapi_label == "PHP 8.2 fpm"


def test_conf_d_overrides_php_ini(fixtures: Path) -> None:
    findings = _findings(fixtures)
    f = _get(findings, "php.mail-log", "PHP 8.2 fpm")
    assert f.status is Status.PASS
    assert f.evidence[0] == (
        "/etc/php/8.2/fpm/conf.d/99-hosting.ini:3: php.ini mail.log = /var/log/php/mail.log"
    )
    assert _get(findings, "php.mail-x-header", "PHP 8.2 fpm").status is Status.PASS
    cli = _get(findings, "php.mail-x-header", "PHP 8.2 cli")
    assert cli.status is Status.WARN
    assert cli.evidence == ("/etc/php/8.2/cli/php.ini:2: php.ini mail.add_x_header = Off",)
    # no disable_functions advice for the CLI (cron jobs and composer need sockets)
    assert not [f for f in findings if f.id == "php.disable-functions" and "cli" in f.subject]


def test_pool_admin_values_win_over_php_value(fixtures: Path) -> None:
    findings = _findings(fixtures)
    shop = _get(findings, "php.mail-log", "pool shop")
    assert shop.status is Status.PASS
    assert "php_admin_value mail.log = /home/shop/logs/php-mail.log" in shop.evidence[0]
    assert _get(findings, "php.disable-functions", "pool shop").status is Status.PASS
    assert _get(findings, "php.mail-x-header", "pool shop").status is Status.PASS


def test_php_value_is_flagged_as_not_locked_and_ignored_for_disable_functions(
    fixtures: Path,
) -> None:
    findings = _findings(fixtures)
    blog = _get(findings, "php.mail-log", "pool blog")
    assert blog.status is Status.PASS
    assert any("not locked" in e for e in blog.evidence)
    df = _get(findings, "php.disable-functions", "pool blog")
    assert df.status is Status.WARN  # php_value[disable_functions] has no effect
    assert "fsockopen" in df.evidence[-1]
    assert "trade-off" in df.why


def test_unparseable_ini_is_a_warning_with_file_and_line(fixtures: Path) -> None:
    findings = _findings(fixtures)
    bad = [f for f in findings if "could not be parsed" in f.title]
    assert len(bad) == 1
    assert (
        "/etc/php/7.4/fpm/php.ini:2: cannot parse (no '='): this line is broken" in bad[0].evidence
    )
    assert any(
        e.startswith("/etc/php/7.4/fpm/php.ini:3: unterminated quote") for e in bad[0].evidence
    )
    assert bad[0].status is Status.WARN
    old = _get(findings, "php.mail-log", "pool old")
    assert old.status is Status.WARN and old.evidence[0] == "mail.log is not set"


def test_syslog_without_syslog_daemon() -> None:
    s = php.Setting("syslog", "/etc/php.ini", 4, "php.ini")
    f = php._mail_log_finding("PHP", s, False, [], False, "")
    assert f.status is Status.WARN
    assert php._mail_log_finding("PHP", s, True, [], False, "").status is Status.PASS


def test_no_php_at_all_is_skipped(tmp_path: Path) -> None:
    env = AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp())
    findings = php.judge(php.gather(env), CFG)
    assert {f.id for f in findings} == set(php.PhpCheck.ids)
    assert all(f.status is Status.SKIPPED for f in findings)
    assert "php is not installed" in findings[0].evidence[0]


def test_mail_log_fix_uses_the_pool_users_home(fixtures: Path) -> None:
    findings = _findings(fixtures)
    www = _get(findings, "php.mail-log", "pool www")
    assert www.status is Status.WARN
    # pool www runs as www-data, whose home is /var/www: not /home/www
    assert "php_admin_value[mail.log] = /var/www/logs/php-mail.log" in www.fix
    assert "/home/www" not in www.fix and "www-data" in www.fix
    old = _get(findings, "php.mail-log", "pool old")
    assert "/srv/old/logs/php-mail.log" in old.fix


def test_pool_user_expansion_and_unknown_home() -> None:
    pool = php.IniFile("/etc/php-fpm.d/x.conf", "[site1]\nuser = $pool\n[site2]\nuser = ghost\n")
    assert php.pool_users(pool) == {"site1": "site1", "site2": "ghost"}
    homes = dict(php.parse_passwd("site1:x:1:1::/home/site1:/bin/sh\nbroken line\n"))
    assert php.pool_mail_log("site1", "site1", homes) == "/home/site1/logs/php-mail.log"
    assert php.pool_mail_log("site2", "ghost", homes) == "/var/log/php-fpm/site2-mail.log"


def test_a_fifo_in_conf_d_is_cannot_read_not_a_hang(tmp_path: Path) -> None:
    """A FIFO matched by conf.d/*.ini (or an sshd Include) is reported, not read: opening it
    for reading would wait forever for a writer and hang the whole audit."""
    import os
    import threading

    ini = tmp_path / "etc/php/8.2/cli"
    (ini / "conf.d").mkdir(parents=True)
    (ini / "php.ini").write_text("[PHP]\nmail.log = /var/log/php/mail.log\n")
    fifo = ini / "conf.d/50-fifo.ini"
    os.mkfifo(fifo)
    env = AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp())
    result: list[list[Finding]] = []
    worker = threading.Thread(target=lambda: result.append(php.judge(php.gather(env), CFG)))
    worker.daemon = True
    worker.start()
    worker.join(30)
    if worker.is_alive():  # unblock the stuck open() so the thread can end, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
    assert result, "php.gather hung on a FIFO in conf.d"
    evidence = "\n".join(line for f in result[0] for line in f.evidence)
    assert "50-fifo.ini: cannot read" in evidence
    assert env.read_text("/etc/php/8.2/cli/conf.d/50-fifo.ini") is None


def _fpm(root: Path, php_ini: str, pools: str = "[www]\nuser = www-data\n") -> Path:
    """PHP 8.2's FPM folder under ``root``: ``php_ini`` and ``pools`` (pool.d/www.conf)."""
    fpm = root / "etc/php/8.2/fpm"
    (fpm / "pool.d").mkdir(parents=True)
    (fpm / "php.ini").write_text(php_ini)
    (fpm / "pool.d/www.conf").write_text(pools)
    return fpm


def test_pools_in_a_folder_named_by_php_fpm_conf_include(tmp_path: Path) -> None:
    """FPM reads the pools its php-fpm.conf includes; a custom folder (include=.../sites/*.conf)
    was never looked at, so a pool there that logs nothing went unreported."""
    fpm = _fpm(tmp_path, "[PHP]\n")
    (fpm / "sites").mkdir()
    (fpm / "php-fpm.conf").write_text(
        "[global]\npid = /run/php/php8.2-fpm.pid\n"
        "include=/etc/php/8.2/fpm/pool.d/*.conf\n"
        'include = "/etc/php/8.2/fpm/sites/*.conf" ; customer pools\n'
    )
    (fpm / "sites/shop.conf").write_text("[shop]\nuser = shop\n")
    env = AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp())
    snap = php.gather(env)
    assert [(p.file.path, p.sapi_label) for p in snap.pools] == [
        ("/etc/php/8.2/fpm/pool.d/www.conf", "PHP 8.2 fpm"),
        ("/etc/php/8.2/fpm/sites/shop.conf", "PHP 8.2 fpm"),
    ]
    assert _get(php.judge(snap, CFG), "php.mail-log", "pool shop").status is Status.WARN


def test_pools_included_from_a_pool_file_are_audited(tmp_path: Path) -> None:
    """php-fpm follows include= in a pool file too (checked with `php-fpm8.2 -tt`): a pool
    in a folder named only from pool.d/www.conf was never looked at; an include loop ends."""
    fpm = _fpm(tmp_path, "[PHP]\n")
    (fpm / "pool.d/www.conf").write_text(
        "[www]\nuser = www-data\ninclude=/srv/panel/pools/*.conf\n"
    )
    panel = tmp_path / "srv/panel/pools"
    panel.mkdir(parents=True)
    (panel / "shop.conf").write_text(
        "[shop]\nuser = shop\ninclude=/srv/panel/pools/*.conf\n"
        "include=/etc/php/8.2/fpm/pool.d/*.conf\n"
    )
    env = AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp())
    snap = php.gather(env)
    assert [(p.file.path, p.sapi_label) for p in snap.pools] == [
        ("/etc/php/8.2/fpm/pool.d/www.conf", "PHP 8.2 fpm"),
        ("/srv/panel/pools/shop.conf", "PHP 8.2 fpm"),
    ]
    assert _get(php.judge(snap, CFG), "php.mail-log", "pool shop").status is Status.WARN


def test_a_mail_log_in_a_folder_that_does_not_exist_logs_nothing(tmp_path: Path) -> None:
    """PHP does not create mail.log's folder: `mail.log = /var/log/php/mail.log` on a server
    without /var/log/php (Debian has none) logs no mail() call, and audit said "logged"."""
    fpm = _fpm(tmp_path, "[PHP]\nmail.log = /var/log/php/mail.log\n")
    (fpm / "pool.d/sites.conf").write_text(
        "[shop]\nuser = shop\nphp_admin_value[mail.log] = /home/shop/logs/$pool-mail.log\n"
        "[blog]\nuser = blog\nphp_admin_value[mail.log] = /home/blog/logs/$pool.log\n"
        "[sys]\nuser = sys\nphp_admin_value[mail.log] = syslog\n"
    )
    (tmp_path / "home/shop/logs").mkdir(parents=True)
    env = AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp())
    snap = php.gather(env)
    assert snap.missing_log_dirs == {"/var/log/php", "/home/blog/logs"}
    findings = php.judge(snap, CFG)
    for subject in ("PHP 8.2 fpm", "pool www", "pool blog"):  # www inherits php.ini's
        f = _get(findings, "php.mail-log", subject)
        assert f.status is Status.WARN and "does not exist: mail() calls are not logged" in (
            f.title
        ), f
        assert f.fix.startswith("Create "), f.fix
    assert _get(findings, "php.mail-log", "pool shop").status is Status.PASS  # $pool expanded
    (tmp_path / "var/log/php").mkdir(parents=True)
    again = php.judge(php.gather(env), CFG)
    assert _get(again, "php.mail-log", "PHP 8.2 fpm").status is Status.PASS


def test_a_mail_log_the_pools_user_cannot_write_logs_nothing(tmp_path: Path) -> None:
    """`mkdir /var/log/php` as root (0755) and `php_admin_value[mail.log]` in it: php-fpm's
    pool user cannot create the file, PHP logs no mail() call, and audit said "logged"."""
    import os

    me, other = os.getuid(), os.getuid() + 4242
    logs_of = {"shop": "/var/log/php/shop.log", "blog": "/home/blog/mail.log",
               "grp": "/var/log/php/shared.log", "own": "/var/log/php/own.log"}  # fmt: skip
    pools = "".join(
        f"[{name}]\nuser = {name}\nphp_admin_value[mail.log] = {log}\n"
        for name, log in logs_of.items()
    )
    _fpm(tmp_path, "[PHP]\n", pools)
    (tmp_path / "etc/passwd").write_text(
        f"shop:x:{other}:{other}::/home/shop:/bin/sh\nblog:x:{other + 1}:{other + 1}::/h:/bin/sh\n"
        f"grp:x:{other + 2}:{other + 2}::/h:/bin/sh\nown:x:{me}:{me}::/h:/bin/sh\n"
    )
    (tmp_path / "etc/group").write_text(f"logs:x:{os.getgid()}:grp\n")  # the files' group
    logs = tmp_path / "var/log/php"
    logs.mkdir(parents=True)
    logs.chmod(0o755)  # owned by the test's uid (the owner of `own`), group its gid
    (logs / "shared.log").write_text("")
    (logs / "shared.log").chmod(0o664)  # group-writable, and grp is in the group
    (tmp_path / "home/blog").mkdir(parents=True)
    (tmp_path / "home/blog/mail.log").write_text("")
    (tmp_path / "home/blog/mail.log").chmod(0o644)
    env = AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp())
    findings = php.judge(php.gather(env), CFG)
    shop = _get(findings, "php.mail-log", "pool shop")
    assert shop.status is Status.WARN and "cannot write mail.log /var/log/php/shop.log" in (
        shop.title
    ), shop
    assert f"/var/log/php: mode drwxr-xr-x, owner uid {me}" in shop.evidence[-1], shop.evidence
    assert "cannot create files in it" in shop.evidence[-1]
    blog = _get(findings, "php.mail-log", "pool blog")
    assert blog.status is Status.WARN and "uid" in blog.evidence[-1], blog
    assert "cannot write it" in blog.evidence[-1]
    for ok in ("pool grp", "pool own"):  # by its group; by owning the folder
        assert _get(findings, "php.mail-log", ok).status is Status.PASS, ok


def test_passwd_is_read_once(fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pools' homes and their users' ids came from two reads of /etc/passwd."""
    read: list[str] = []
    original = AuditEnv.read_text

    def counted(self: AuditEnv, absolute: str) -> str | None:
        read.append(absolute)
        return original(self, absolute)

    monkeypatch.setattr(AuditEnv, "read_text", counted)
    env = AuditEnv(cfg=CFG, root=fixtures / "php_root", runner=NoPhp())
    snap = php.gather(env)
    assert snap.pools and dict(snap.homes)["shop"] == "/home/shop"
    assert read.count("/etc/passwd") == 1


def test_a_pool_without_a_usable_access_log_is_a_warning_per_pool(fixtures: Path) -> None:
    """Without the pool's access.log (with %p, %f and %t in access.format) a php-fpm request
    that connects and ends within a millisecond can be put on the worker's next request
    (watch: fpm_access_logs): said per pool, what to add, a warning and never a failure."""
    findings = _findings(fixtures)
    shop = _get(findings, "php.fpm-access-log", "pool shop")
    assert shop.status is Status.PASS
    assert shop.evidence[0] == (
        "/etc/php/8.2/fpm/pool.d/shop.conf:9: access.log = /var/log/php-fpm/shop.access.log"
    )
    www = _get(findings, "php.fpm-access-log", "pool www")
    assert www.status is Status.WARN and www.evidence == ("access.log is not set",)
    assert "misattributed" in www.title or "misattributed" in www.why
    assert "In /etc/php/7.4/fpm/pool.d/www.conf, section [www], add" in www.fix
    assert "access.log = /var/log/php-fpm/$pool.access.log" in www.fix
    assert 'access.format = "%t %p %{mili}d %f' in www.fix
    # a log in php-fpm's own format (no pid, no script): only the format is to add
    blog = _get(findings, "php.fpm-access-log", "pool blog")
    assert blog.status is Status.WARN
    assert any("has no %p" in e for e in blog.evidence), blog.evidence
    assert "access.log =" not in blog.fix and "access.format =" in blog.fix
    assert _get(findings, "php.fpm-access-log", "pool old").status is Status.WARN
    assert not any(f.status is Status.FAIL for f in findings if f.id == "php.fpm-access-log")
    assert "php.fpm-access-log" in php.PhpCheck.ids


def test_an_access_log_watch_does_not_read_is_said(fixtures: Path) -> None:
    import dataclasses

    env = AuditEnv(cfg=CFG, root=fixtures / "php_root", runner=NoPhp())
    snap = dataclasses.replace(php.gather(env), unwritable_logs=())
    off = Config().override(watch__fpm_access_logs=[])
    shop = _get(php.judge(snap, off), "php.fpm-access-log", "pool shop")
    assert shop.status is Status.WARN and "fpm_access_logs" in shop.fix
    # listed by path with its format in the config: read, whatever the pool file says
    fmt = "%t %p %{mili}d %f"
    listed = off.override(
        watch__fpm_access_logs=["/var/log/php-fpm/blog.access.log"], watch__fpm_access_format=fmt
    )
    assert _get(php.judge(snap, listed), "php.fpm-access-log", "pool blog").status is Status.PASS


def test_a_chrooted_pool_writes_its_mail_log_inside_the_chroot(tmp_path: Path) -> None:
    """php-fpm with `chroot = /home/shop`: PHP opens `mail.log = /logs/mail.log` inside the
    chroot, /home/shop/logs/mail.log (checked with php-fpm 8.2), and a pool inheriting
    php.ini's /var/log/php/mail.log writes /home/blog/var/log/php/mail.log. Audit looked for
    /logs and said "does not exist: not logged" of a working log, and `mail` never read it."""
    fpm = _fpm(tmp_path, "[PHP]\nmail.log = /var/log/php/mail.log\n")
    (fpm / "pool.d/sites.conf").write_text(
        "[shop]\nuser = shop\nchroot = /home/$pool\nphp_admin_value[mail.log] = /logs/mail.log\n"
        "[blog]\nuser = blog\nchroot = /home/blog\n"
    )
    (tmp_path / "etc/passwd").write_text(
        "shop:x:4001:4001::/home/shop:/bin/sh\nblog:x:4002:4002::/home/blog:/bin/sh\n"
    )
    (tmp_path / "home/shop/logs").mkdir(parents=True)
    (tmp_path / "var/log/php").mkdir(parents=True)
    env = AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp())
    sapis, pools = php.gather_configs(env)
    assert [s.value for s in php.mail_log_files(sapis, pools)] == [
        "/var/log/php/mail.log", "/home/shop/logs/mail.log", "/home/blog/var/log/php/mail.log",
    ]  # fmt: skip
    assert php.mail_log_roots(sapis, pools) == {
        "/home/shop/logs/mail.log": "/home/shop", "/home/blog/var/log/php/mail.log": "/home/blog",
    }  # fmt: skip
    snap = dataclasses.replace(php.gather(env), unwritable_logs=())
    assert snap.missing_log_dirs == {"/home/blog/var/log/php"}
    findings = php.judge(snap, CFG)
    shop = _get(findings, "php.mail-log", "pool shop")
    assert shop.status is Status.PASS, shop
    assert "the pool's chroot is /home/shop: PHP writes /home/shop/logs/mail.log" in shop.evidence
    blog = _get(findings, "php.mail-log", "pool blog")
    assert blog.status is Status.WARN and "/home/blog/var/log/php does not exist" in blog.title
    # the advised value is a path inside the chroot
    assert "`php_admin_value[mail.log] = /logs/php-mail.log`" in blog.fix, blog.fix


def test_a_chrooted_pools_mail_log_cannot_climb_out_of_its_chroot(tmp_path: Path) -> None:
    """`..` at a chroot's top stays at the top (the kernel's rule, and host_path's): a pool
    chrooted to /home/shop with `mail.log = /../../var/log/x.log` writes
    /home/shop/var/log/x.log. The pool's file was said to be /home/shop/../../var/log/x.log,
    /var/log/x.log: another file read as the shop's mail.log, a file given by hand as
    `--php-log /home/shop/var/log/x.log` no chrooted log, and `mail` never read it."""
    fpm = _fpm(tmp_path, "[PHP]\n")
    (fpm / "pool.d/shop.conf").write_text(
        "[shop]\nuser = shop\nchroot = /home/shop/\n"
        "php_admin_value[mail.log] = /../../var/log//x.log\n"
    )
    sapis, pools = php.gather_configs(AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp()))
    assert [s.value for s in php.mail_log_files(sapis, pools)] == ["/home/shop/var/log/x.log"]
    assert php.mail_log_roots(sapis, pools) == {"/home/shop/var/log/x.log": "/home/shop"}
    assert php.log_file("/logs/$pool.log", "shop", "/home/shop") == "/home/shop/logs/shop.log"
    assert php.log_file("/var/log/x.log", None) == "/var/log/x.log"
    assert php.log_file("syslog", None, "/home/shop") is None


def test_the_advised_mail_log_of_a_chrooted_pool_is_a_path_inside_it() -> None:
    homes = {"shop": "/home/shop/./www/", "far": "/srv/far"}
    assert php.pool_mail_log("p", "shop", homes, "/home/shop") == "/www/logs/php-mail.log"
    assert php.pool_mail_log("p", "far", homes, "/home/shop") == "/logs/php-mail.log"
    assert php.pool_mail_log("p", "shop", homes, "/home/shop/www") == "/logs/php-mail.log"


SOCKETS = "fsockopen pfsockopen stream_socket_client socket_create socket_connect"


def test_a_quoted_disable_functions_over_several_lines_is_read_as_php_reads_it(
    tmp_path: Path,
) -> None:
    """PHP reads a quoted value on to its closing quote over line ends (checked with
    `php -n -c`: every function of the list below is disabled). The audit said
    'unterminated quote', dropped the setting and advised disabling what was disabled."""
    sockets = SOCKETS.replace(" ", ",\n    ")
    _fpm(tmp_path, f'[PHP]\ndisable_functions = "exec,\n    {sockets}"\nmail.log = /var/log/m\n')
    findings = php.judge(php.gather(AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp())), CFG)
    assert not [f for f in findings if "could not be parsed" in f.title]
    df = _get(findings, "php.disable-functions", "PHP 8.2 fpm")
    assert df.status is Status.PASS
    assert df.evidence[0].startswith("/etc/php/8.2/fpm/php.ini:2: php.ini disable_functions = ")
    assert _get(findings, "php.mail-log", "PHP 8.2 fpm").evidence[0].startswith(
        "/etc/php/8.2/fpm/php.ini:8: php.ini mail.log = /var/log/m"
    )


def test_disable_functions_is_split_where_php_splits_it(tmp_path: Path) -> None:
    """PHP splits the list at commas and spaces (`fsockopen pfsockopen` disables both); a
    name with a tab or a line end beside it is another name and disables nothing."""
    _fpm(tmp_path, f"[PHP]\ndisable_functions = {SOCKETS}\n")
    findings = php.judge(php.gather(AuditEnv(cfg=CFG, root=tmp_path, runner=NoPhp())), CFG)
    assert _get(findings, "php.disable-functions", "PHP 8.2 fpm").status is Status.PASS

    glued = tmp_path / "glued"
    listed = "fsockopen,pfsockopen,stream_socket_client,socket_create,\n\tsocket_connect"
    _fpm(glued, f'[PHP]\ndisable_functions = "{listed}"\n')
    findings = php.judge(php.gather(AuditEnv(cfg=CFG, root=glued, runner=NoPhp())), CFG)
    df = _get(findings, "php.disable-functions", "PHP 8.2 fpm")
    assert df.status is Status.WARN and "still enabled: socket_connect" in df.evidence
    assert "listed but not disabled: socket_connect (PHP splits" in df.evidence[-1]


def test_a_quote_that_never_closes_is_still_a_parse_problem() -> None:
    entries, problems = php.parse_ini('a = "x\nb = y\n')
    assert problems == ['1: unterminated quote: a = "x'] and entries == [(None, "b", "y", 2)]
