"""Layered config: defaults, files, drop-ins, environment, flags; typos are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from spamtrace import config
from spamtrace.errors import ConfigError, ExitCode


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_defaults_without_any_file(tmp_path: Path) -> None:
    cfg = config.load(None, tmp_path / "nodir", environ={})
    assert cfg.mode == "observe"
    assert cfg.smtp.ports == [25, 465, 587, 2525]
    assert cfg.store.path == "/var/lib/spamtrace/spamtrace.db"
    assert cfg.sources == {}


def test_layers_apply_in_order_and_remember_origin(tmp_path: Path) -> None:
    main = write(tmp_path / "main.toml", 'mode = "enforce"\n[smtp]\nports = [25, 587]\n')
    drop = tmp_path / "d"
    drop.mkdir()
    write(drop / "10-a.toml", "[smtp]\nports = [25]\n[firewall]\nnflog_group = 7\n")
    write(drop / "20-b.toml", "[firewall]\nnflog_group = 9\n")
    cfg = config.load(main, drop, environ={"SPAMTRACE_WATCH_QUEUE_SIZE": "500"})
    assert cfg.mode == "enforce" and cfg.sources["mode"] == str(main)
    assert cfg.smtp.ports == [25] and cfg.sources["smtp.ports"] == str(drop / "10-a.toml")
    assert cfg.firewall.nflog_group == 9
    assert cfg.watch.queue_size == 500 and cfg.sources["watch.queue_size"] == "environment"
    flagged = cfg.override(smtp__ports=[2525])
    assert flagged.smtp.ports == [2525] and flagged.sources["smtp.ports"] == "flag"
    assert flagged.firewall.nflog_group == 9


def test_hidden_files_in_the_drop_in_folder_are_not_read(tmp_path: Path) -> None:
    """Emacs keeps a lock `.#10-a.toml` (a symlink to nowhere) beside a file being edited, and
    rsync or an editor's save a `.10-a.toml.XXXX` temporary: the lock made every config load
    fail ("cannot read") while the admin edited a drop-in, so a reload or a daemon restart was
    refused. Hidden names are skipped, as systemd skips them in its drop-in folders."""
    drop = tmp_path / "d"
    drop.mkdir()
    write(drop / "10-a.toml", "[firewall]\nnflog_group = 7\n")
    (drop / ".#10-a.toml").symlink_to("root@host.4242:1796500000")
    write(drop / ".10-a.toml", 'mode = "enforce"\n')  # a half-written temporary copy
    cfg = config.load(None, drop, environ={})
    assert cfg.firewall.nflog_group == 7 and cfg.mode == "observe"
    assert config.layer_files(None, drop, {}) == [str(drop / "10-a.toml")]


def test_a_default_config_that_is_a_dangling_symlink_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/etc/spamtrace/spamtrace.toml kept as a symlink into a config repository that moved (or
    is not mounted yet at boot): `config check` said "config ok: every value is a built-in
    default" and the daemon ran with the defaults (observe, no alerts). It is an error that
    names the link's target; a default file that is not there at all is still no layer."""
    main = tmp_path / "spamtrace.toml"
    monkeypatch.setattr(config, "DEFAULT_CONFIG_FILE", str(main))
    assert config.layer_files(None, tmp_path / "nodir", {}) == []
    main.symlink_to(tmp_path / "repo" / "spamtrace.toml")
    with pytest.raises(ConfigError) as err:
        config.load(None, tmp_path / "nodir", environ={})
    assert str(err.value) == (
        f"{main}: cannot read: a symlink to '{tmp_path}/repo/spamtrace.toml', which does not "
        "exist (point it at the config file, or remove it)"
    )
    main.unlink()
    drop = tmp_path / "d"
    drop.mkdir()
    (drop / "10-x.toml").symlink_to("../gone.toml")  # a drop-in the same: said, not "No such"
    with pytest.raises(ConfigError, match=r"10-x\.toml: cannot read: a symlink to '\.\./gone"):
        config.load(None, drop, environ={})


def test_environment_string_without_quotes(tmp_path: Path) -> None:
    cfg = config.load(None, tmp_path, environ={"SPAMTRACE_STORE_PATH": "/tmp/x.db"})
    assert cfg.store.path == "/tmp/x.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[smtp]\nportz = [25]\n", "smtp.portz: unknown key"),
        ("[smpt]\nports = [25]\n", "[smpt]: unknown section"),
        ("[smtp]\nports = 25\n", "expected a list"),
        ('[smtp]\nports = [25, "x"]\n', "smtp.ports[1]: expected int"),
        ("[smtp]\nports = [70000]\n", "70000 is not a TCP port"),
        ('mode = "yolo"\n', "mode: must be one of observe, enforce"),
        ('[firewall]\nmode = "open"\n', "firewall.mode: must be one of"),
        ("[watch]\nqueue_size = true\n", "expected int, got a boolean"),
        ("[smtp\nports=[25]\n", "invalid TOML"),
        ("bogus = 1\n", "bogus: unknown key"),
        (
            "[smtp]\nports = [25]\nrelay_ports = [587]\n",
            "smtp.relay_ports: [587] leaves out 25, which smtp.ports watches",
        ),
        ("[smtp]\nrelay_ports = [2525]\n", "would count as submission, not suspicious"),
    ],
)
def test_bad_config_is_a_one_line_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as info:
        config.load(path, tmp_path / "nodir", environ={})
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)
    assert info.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[responses]\nblock = true\nmode = "enforce"\n',
            "responses.mode: unknown key: `mode` is the top-level key, above the first "
            "[section] (TOML reads a key after [responses] as one of it)",
        ),
        (
            '[firewall]\nallow_users = []\nmode = "enforce"\n',
            "firewall.mode: must be one of owner, relay, redirect (observe and enforce are the "
            "top-level `mode`, above the first [section]",
        ),
        (
            '[daemon]\nquarantine_dir = "/q"\n',
            "daemon.quarantine_dir: unknown key: a key of [responses] (known keys: "
            "firewall_check_interval",
        ),
    ],
)
def test_a_key_in_the_wrong_section_says_where_it_belongs(
    tmp_path: Path, text: str, message: str
) -> None:
    """`mode = "enforce"` added at the end of a file whose last table is [responses] is
    responses.mode to TOML: "unknown key (known keys: block, ...)" left the admin to guess;
    under [firewall] it was "must be one of owner, relay, redirect"."""
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as info:
        config.load(path, tmp_path / "nodir", environ={})
    assert message in str(info.value)


def test_mode_in_a_sections_environment_variable_names_the_top_level_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"responses.mode: unknown key: the top-level `mode` "
                       r"is SPAMTRACE_MODE"):  # fmt: skip
        config.load(None, tmp_path, environ={"SPAMTRACE_RESPONSES_MODE": "enforce"})


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        config.load(tmp_path / "missing.toml", environ={})


def test_a_config_readable_by_root_only_says_so_to_another_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`spamtrace scan` as a non-root admin, /etc/spamtrace/spamtrace.toml mode 0600 (it may
    hold an SMTP password): "cannot read: Permission denied" and nothing on what to do."""
    import errno
    import os

    path = tmp_path / "spamtrace.toml"
    path.write_text('mode = "observe"\n')

    def refuse(*args: object, **kw: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(config.os, "open", refuse)
    monkeypatch.setattr(config.os, "geteuid", lambda: 1000)
    with pytest.raises(ConfigError) as info:
        config.load(path, tmp_path / "nodir", environ={})
    assert info.value.message == (
        f"{path}: cannot read: Permission denied (readable by root only? run as root, or give "
        "this user read access)"
    )
    monkeypatch.setattr(config.os, "geteuid", lambda: 0)
    with pytest.raises(ConfigError, match=r"Permission denied$"):
        config.load(path, tmp_path / "nodir", environ={})
    assert os.path.exists(path)


def test_unknown_environment_key_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SPAMTRACE_SMTP_PORTZ"):
        config.load(None, tmp_path, environ={"SPAMTRACE_SMTP_PORTZ": "[1]"})


def test_int_accepted_where_float_expected(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[watch]\npoll_interval = 1\n")
    cfg = config.load(path, tmp_path / "nodir", environ={})
    assert cfg.watch.poll_interval == 1.0 and isinstance(cfg.watch.poll_interval, float)


def test_effective_values_cover_every_key() -> None:
    rows = config.effective_values(config.Config())
    keys = {k for k, _, _ in rows}
    assert {"mode", "smtp.ports", "firewall.mode", "audit.dnsbl_zones"} <= keys
    assert all(src == "default" for _, _, src in rows)


@pytest.mark.parametrize("entry", ["sshd", "sshd.", "SSHD.tcp-forwarding", "php.mail-log:", " x.y"])
def test_audit_ignore_entries_are_checked(tmp_path: Path, entry: str) -> None:
    path = write(tmp_path / "a.toml", f'[audit]\nignore = ["{entry}"]\n')
    with pytest.raises(ConfigError, match=r"audit.ignore\[0\]: .* is not a finding id"):
        config.load(path, tmp_path / "nodir", environ={})


def test_audit_ignore_takes_ids_and_items(tmp_path: Path) -> None:
    text = '[audit]\nignore = ["sshd.tcp-forwarding", "php.mail-log:FPM pool www *"]\n'
    cfg = config.load(write(tmp_path / "a.toml", text), tmp_path / "nodir", environ={})
    assert cfg.audit.ignore == ["sshd.tcp-forwarding", "php.mail-log:FPM pool www *"]


def test_relay_ports_must_hold_25_only_when_25_is_watched(tmp_path: Path) -> None:
    """`check --ports 587` (25 not watched) is fine with the default relay_ports = [25], and a
    submission-only watch may name another relay port; `--relay-ports 587` on port 25 is not."""
    cfg = config.load(None, tmp_path / "nodir", environ={})
    assert cfg.override(smtp__ports=[587]).smtp.relay_ports == [25]
    assert cfg.override(smtp__ports=[587, 2525], smtp__relay_ports=[2525]).smtp.ports
    assert cfg.override(smtp__relay_ports=[25, 2525]).smtp.relay_ports == [25, 2525]
    with pytest.raises(ConfigError, match=r"^flag: smtp\.relay_ports: \[587\] leaves out 25"):
        cfg.override(smtp__relay_ports=[587])
    env = {"SPAMTRACE_SMTP_RELAY_PORTS": "587"}
    with pytest.raises(ConfigError, match=r"environment: smtp\.relay_ports"):
        config.load(None, tmp_path / "nodir", environ=env)


def test_a_flags_error_names_the_flag_and_a_files_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --relay-ports 587` said "flag: smtp.relay_ports: [587] leaves out 25": the key of
    no file the admin wrote. A flag's error names the flag; a config file's names the key."""
    from spamtrace.cli.main import main

    cfg = config.load(None, tmp_path / "nodir", environ={})
    flags = {"smtp__ports": "--ports", "smtp__relay_ports": "--relay-ports"}
    with pytest.raises(ConfigError, match=r"^--relay-ports: \[587\] leaves out 25, which "
                       r"smtp\.ports watches"):  # fmt: skip
        cfg.override(flags=flags, smtp__relay_ports=[587])
    with pytest.raises(ConfigError, match=r"^--relay-ports: .* which --ports watches"):
        cfg.override(flags=flags, smtp__ports=[25, 587], smtp__relay_ports=[587])
    conf = write(tmp_path / "a.toml", "[smtp]\nrelay_ports = [587]\n")
    with pytest.raises(ConfigError, match=r"a\.toml: smtp\.relay_ports: \[587\] leaves out"):
        config.load(conf, tmp_path / "nodir", environ={})

    empty = write(tmp_path / "empty.toml", "")
    monkeypatch.setenv("SPAMTRACE_CONFIG", str(empty))
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "nodir"))
    assert main(["check", "--no-scan", "--relay-ports", "587"]) == 2
    err = capsys.readouterr().err
    assert "error: --relay-ports: [587] leaves out 25" in err and "smtp.relay_ports" not in err


def test_parse_toml_text_is_the_one_toml_reader() -> None:
    assert config.parse_toml_text('a = 1\n[b]\nc = "d"\n', "x.toml") == {"a": 1, "b": {"c": "d"}}
    with pytest.raises(ConfigError, match=r"^x\.toml: invalid TOML: "):
        config.parse_toml_text("a = [", "x.toml")
    with pytest.raises(ConfigError, match=r"^x\.toml: invalid TOML: .*nested too deeply"):
        config.parse_toml_text("a = " + "[" * 100_000, "x.toml")


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("[::1]x", "DNS server '[::1]x': not an address, address:port or [v6]:port"),
        ("[::1", "DNS server '[::1': not an address, address:port or [v6]:port"),
        ("dns.example", "DNS server 'dns.example': not an IP address"),
        ("10.0.0.53:0", "DNS server '10.0.0.53:0': bad port"),
    ],
)
def test_a_dnsbl_nameserver_audit_refuses_is_refused_at_load(
    tmp_path: Path, value: str, why: str
) -> None:
    """Only `config check` and `audit` read `audit.dnsbl_nameservers`: a daemon start or a
    reload, and every other command, took a nameserver `audit` then refused."""
    path = write(tmp_path / "bad.toml", f'[audit]\ndnsbl_nameservers = ["10.0.0.53", "{value}"]\n')
    with pytest.raises(ConfigError) as info:
        config.load(path, tmp_path / "nodir", environ={})
    assert str(info.value) == f"{path}: audit.dnsbl_nameservers[1]: {why}"
    assert info.value.key == "audit.dnsbl_nameservers"
    env = {"SPAMTRACE_AUDIT_DNSBL_NAMESERVERS": value}
    with pytest.raises(ConfigError) as info:
        config.load(None, tmp_path / "nodir", environ=env)
    assert str(info.value) == f"environment: audit.dnsbl_nameservers[0]: {why}"


def test_dnsbl_nameservers_audit_takes_load(tmp_path: Path) -> None:
    """Each form `audit` takes, and an unbracketed IPv6 address ending in a port-like group
    (the address, asked on port 53: `config check` notes it, it is no error)."""
    servers = ["10.0.0.53", "10.0.0.53:5353", "[fd57:d4::2]:5353", "[::1]", "::1", "fd57:d4::2:53"]
    path = write(tmp_path / "ok.toml", f"[audit]\ndnsbl_nameservers = {servers!r}\n")
    assert config.load(path, tmp_path / "nodir", environ={}).audit.dnsbl_nameservers == servers


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[smtp]\nports = [25]\nports = [587]\n",
         "invalid TOML: ports is set twice in one table (the second at line 3: ports = [587]); "
         "keep one"),
        ("[smtp]\nports = [25]\n[smtp]\nrelay_ports = [25]\n",
         "invalid TOML: [smtp] is defined twice (again at line 3): put its keys under one table"),
        ("[a.b]\nx = 1\n[a.b]\n", "invalid TOML: [a.b] is defined twice (again at line 3)"),
        ("x = 1 x\n", "invalid TOML: Expected newline or end of document after a statement "
                      "(at line 1, column 7)"),
    ],
)  # fmt: skip
def test_a_key_or_a_table_given_twice_is_named(tmp_path: Path, text: str, said: str) -> None:
    """An admin's two `ports =` lines (a value changed by adding a line) read "Cannot overwrite
    a value (at line 3, column 14)", and two `[smtp]` tables "Cannot declare ('smtp',) twice":
    which key, and what to do, was left to guess."""
    main = write(tmp_path / "main.toml", text)
    with pytest.raises(ConfigError) as err:
        config.load(main, tmp_path / "nodir", environ={})
    assert str(err.value) == f"{main}: {said}" or said in str(err.value)


def test_an_unknown_section_names_the_sections_and_the_likely_one(tmp_path: Path) -> None:
    """An unknown key listed the keys of its section; an unknown section said only "unknown
    section", in a file and in the environment (`SPAMTRACE_ALERT_HOST` for [alerts])."""
    main = write(tmp_path / "main.toml", "[smpt]\nports = [25]\n")
    with pytest.raises(ConfigError) as err:
        config.load(main, tmp_path / "nodir", environ={})
    assert str(err.value).startswith(
        f"{main}: [smpt]: unknown section (did you mean [smtp]? sections: accounts, alerts, "
    )
    with pytest.raises(ConfigError) as err:
        config.load(None, tmp_path / "nodir", environ={"SPAMTRACE_ALERT_HOST": "x"})
    assert "SPAMTRACE_ALERT_HOST: unknown section (did you mean [alerts]? sections:" in str(
        err.value
    )
    main.write_text("[zzz]\n")
    with pytest.raises(ConfigError, match=r"\[zzz\]: unknown section \(sections: accounts, "):
        config.load(main, tmp_path / "nodir", environ={})
