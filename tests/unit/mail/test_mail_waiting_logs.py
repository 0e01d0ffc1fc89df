"""The daemon follows a mail log named in the config (``[mail] exim_logs`` set by hand) or in
PHP's configuration (a pool's ``mail.log``) that is not there at its start, from its first
line once it appears, as it does Exim's own main log not written yet; its start line and
``status`` say it waits. The built-in defaults (every layout's file) are not waited for."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from spamtrace import config
from spamtrace.render.status import status_view
from spamtrace.service import mail, plugins
from spamtrace.service.daemon import _mail_logs
from spamtrace.sources.maillog.follow import MailLogSource

EXIM_LINE = "2026-12-05 17:18:32 1xZtP6-0000xM-1i <= shop@host.example U=shop P=local S=381\n"


def _php_line(script: str) -> str:
    stamp = time.strftime("%d-%b-%Y %H:%M:%S UTC", time.gmtime(time.time() - 5))
    return f"[{stamp}] mail() on [{script}:3]: To: t@remote.example -- Headers: From: x@y\n"


@pytest.fixture
def php_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PHP configuration whose FPM pool writes a mail.log that is not there yet."""
    root = tmp_path / "root"
    pool = root / "etc/php/8.2/fpm/pool.d"
    pool.mkdir(parents=True)
    (root / "etc/php/8.2/fpm/php.ini").write_text("[PHP]\n")
    php_log = tmp_path / "logs" / "shop-mail.log"
    (pool / "shop.conf").write_text(
        f"[shop]\nuser = shop\nphp_admin_value[mail.log] = {php_log}\n"
    )
    monkeypatch.setattr(mail, "PHP_CONFIG_ROOT", str(root))
    monkeypatch.setattr(mail, "EXIM_CANDIDATES", ())
    return php_log


def test_a_hand_named_exim_log_and_a_found_php_log_are_followed_once_they_appear(
    tmp_path: Path, php_pool: Path
) -> None:
    exim_log = tmp_path / "exim" / "mainlog"
    (tmp_path / "spamtrace.toml").write_text(
        f'[mail]\nexim_logs = ["{exim_log}"]\npostfix_logs = []\nrestore_hours = 0\n'
    )
    cfg = config.load(config_file=tmp_path / "spamtrace.toml", config_dir=tmp_path, environ={})
    notes: list[str] = []
    (source,) = plugins.sources(cfg, notes)
    assert isinstance(source, MailLogSource)
    try:
        assert sorted((s.path, s.kind) for s in source.specs) == [
            (str(exim_log), "exim"), (str(php_pool), "php"),
        ]  # fmt: skip
        assert notes == [
            f"exim mail log {exim_log} {mail.NOT_THERE_YET}",
            f"php mail log {php_pool} {mail.NOT_THERE_YET}",
        ]
        logs = _mail_logs([source])
        assert logs is not None and all(log["waiting"] for log in logs), logs
        _head, rows = status_view({"mail_logs": logs})
        (row,) = [text for label, text in rows if label == "mail logs:"]
        assert row.startswith("2 followed; not there yet") and str(exim_log) in row, row

        assert source.read_events() == []
        exim_log.parent.mkdir()
        exim_log.write_text(EXIM_LINE)
        php_pool.parent.mkdir()
        php_pool.write_text(_php_line("/home/shop/public_html/contact.php"))
        source.read_events()
        by_kind = {c.kind: (c.lines, c.events) for c in source.counts}
        assert by_kind == {"exim": (1, 1), "php": (1, 1)}, by_kind
        logs = _mail_logs([source])
        assert logs is not None and not any(log["waiting"] for log in logs), logs
    finally:
        source.close()


def test_the_defaults_are_not_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Left at its default, ``exim_logs`` lists every layout's main log: none is followed
    unless it is there (a source of six files that never come would say so at every start)."""
    monkeypatch.setattr(mail, "PHP_CONFIG_ROOT", str(tmp_path / "none"))
    monkeypatch.setattr(mail, "EXIM_CANDIDATES", ())
    cfg = config.load(config_dir=tmp_path, environ={})
    assert not cfg.is_set("mail.exim_logs") and cfg.mail.exim_logs
    # the host's own logs: a machine that ran Exim once has /var/log/exim4/mainlog, read then
    present = [p for p in cfg.mail.exim_logs + cfg.mail.postfix_logs if Path(p).exists()]
    assert len(present) < len(cfg.mail.exim_logs + cfg.mail.postfix_logs)
    assert mail.waiting_logs(cfg) == []
    notes: list[str] = []
    followed = plugins.sources(cfg, notes)
    assert notes == []  # no default that is not there is named as awaited
    assert followed == [] or present


@pytest.mark.parametrize("odd", ["folder", "fifo", "devnull"])
def test_a_named_log_that_is_no_regular_file_is_said_not_skipped(
    tmp_path: Path, php_pool: Path, odd: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`[mail] postfix_logs` (or `exim_logs`, `php_logs`) naming a folder, a FIFO or
    /dev/null was skipped without a word: `config check` said "config ok", `mail` "no mail
    log found (looked for ..., /dev/null)", the daemon followed nothing and said nothing of
    it. Each now says so in one note (and in `mail`'s error line), as for Postfix's own
    `maillog_file = /dev/stdout`; the file is never opened (a FIFO would hang the reader)."""
    import os

    from spamtrace.cli.main import main
    from spamtrace.errors import RuntimeFailure

    monkeypatch.setattr(mail, "POSTCONF_CANDIDATES", ())
    monkeypatch.setattr(mail, "JOURNALCTL_CANDIDATES", ())
    path = {"folder": tmp_path / "postfix-logs", "fifo": tmp_path / "postfix.fifo",
            "devnull": Path("/dev/null")}[odd]  # fmt: skip
    what = {"folder": "a directory", "fifo": "a FIFO", "devnull": "a character device"}[odd]
    if odd == "folder":
        path.mkdir()
    elif odd == "fifo":
        os.mkfifo(path)
    note = (f"Postfix mail log {path} is {what}, not a regular file: not read ([mail] "
            "postfix_logs names the file the log is written to)")  # fmt: skip
    php_note = (f"PHP mail log {tmp_path} is a directory, not a regular file: not read ([mail] "
                "php_logs names the file the log is written to)")  # fmt: skip
    exim_log = tmp_path / "mainlog"
    conf = tmp_path / "spamtrace.toml"
    conf.write_text(
        f'[mail]\nexim_logs = ["{exim_log}"]\npostfix_logs = ["{path}"]\n'
        f'php_logs = ["{tmp_path}"]\nrestore_hours = 0\n'
    )
    cfg = config.load(config_file=conf, config_dir=tmp_path / "conf.d", environ={})
    # mail: no other log there, the error line says why; with one, a note
    with pytest.raises(RuntimeFailure) as err:
        mail.read_logs(cfg, {}, None)
    assert err.value.message.endswith(f"; {note}; {php_note}"), err.value.message
    exim_log.write_text(EXIM_LINE)
    report = mail.read_logs(cfg, {}, None)
    assert [c.path for c in report.logs] == [str(exim_log)]
    assert note in report.notes and php_note in report.notes
    # the daemon's start line
    notes: list[str] = []
    (source,) = plugins.sources(cfg, notes)
    try:
        assert [s.path for s in source.specs] == [str(exim_log)]
        assert note in notes and php_note in notes
    finally:
        source.close()
    # config check
    monkeypatch.setenv("SPAMTRACE_CONFIG", str(conf))
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "conf.d"))
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert f"note: {note}\n" in out and f"note: {php_note}\n" in out
