"""Config files an attacker or a bad day shapes: FIFOs, devices, huge, binary, deeply nested,
out-of-range numbers; the environment's list syntax; `config show` as pasteable TOML."""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pytest
from test_cli_main import run_cli

from spamtrace import config
from spamtrace.errors import ConfigError, ExitCode

EXAMPLE = Path(config.__file__).parent / "data" / "config" / "spamtrace.toml.example"


def one_line_exit_2(proc: subprocess.CompletedProcess[str], needle: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_fifo_as_config_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "c.toml"
    os.mkfifo(fifo)
    proc = run_cli("--config", str(fifo), "config", "check")
    one_line_exit_2(proc, "not a regular file (a FIFO)")


def test_fifo_in_drop_in_dir_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "10-x.toml")
    with pytest.raises(ConfigError, match="a FIFO"):
        config.load(None, tmp_path, environ={})


def test_a_file_where_the_drop_in_folder_goes_is_refused_not_skipped(tmp_path: Path) -> None:
    # `/etc/spamtrace/spamtrace.d` written as a file (the docs misread: the settings put in
    # it) was skipped in silence: `config check` said "config ok: every value is a built-in
    # default", and its mode = "enforce" did nothing
    drop = tmp_path / "spamtrace.d"
    drop.write_text('mode = "enforce"\n')
    with pytest.raises(ConfigError, match=r"spamtrace\.d: not a folder"):
        config.load(None, drop, environ={})
    config.load(None, tmp_path / "none", environ={})  # no drop-in folder at all: fine


def test_device_is_refused_not_read() -> None:
    one_line_exit_2(run_cli("--config", "/dev/zero", "config", "check"), "a character device")


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="a directory"):
        config.load(tmp_path, tmp_path / "none", environ={})


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * config.MAX_CONFIG_BYTES + b"\n")
    with pytest.raises(ConfigError, match="too large"):
        config.load(big, tmp_path / "none", environ={})


def test_invalid_utf8_is_exit_2_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'[store]\npath = "/tmp/\xff.db"\n')
    one_line_exit_2(run_cli("--config", str(bad), "config", "check"), "not UTF-8 text (byte 0xff")


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    # saved as "UTF-8" by Notepad: tomllib refused it as "Invalid statement" at line 1
    path = tmp_path / "c.toml"
    path.write_bytes(b"\xef\xbb\xbf[scan]\nfile_timeout = 5\n")
    cfg = config.load(path, tmp_path / "none.d", environ={})
    assert cfg.scan.file_timeout == 5


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # 1e3 is a float with no fraction: "a number with a fraction" named none; say how
        ("max_file_size = 1e3", r"expected int, got 1000\.0, a float: write the whole number "
                                r"without a point or an exponent \(1000\)"),
        ("max_file_size = 16777216.0", r"got 16777216\.0, a float: .* \(16777216\)"),
        ("max_file_size = 1.5", "expected int, got a number with a fraction"),
        ("max_file_size = inf", "expected int, got inf, not a finite number"),
        ("max_file_size = 2026-12-05", "expected int, got a date"),
        ("yara_rules = 5", "expected str, got an integer"),
    ],
)
def test_a_wrong_type_is_named_in_words(tmp_path: Path, text: str, said: str) -> None:
    # "got float", "got date" beside "got a string": the type's Python name leaked out
    path = tmp_path / "c.toml"
    path.write_text(f"[scan]\n{text}\n")
    with pytest.raises(ConfigError, match=said):
        config.load(path, tmp_path / "none.d", environ={})


@pytest.mark.parametrize("text", ["v = " + "[" * 5000 + "]" * 5000, "a" + ".a" * 5000 + " = 1"])
def test_deep_nesting_is_exit_2_one_line(tmp_path: Path, text: str) -> None:
    bad = tmp_path / "deep.toml"
    bad.write_text(text + "\n")
    proc = run_cli("--config", str(bad), "config", "check")
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[watch]\npoll_interval = -1\n", "watch.poll_interval: -1 is out of range"),
        ("[watch]\npoll_interval = 0\n", "watch.poll_interval: 0 is out of range"),
        ("[watch]\npoll_interval = nan\n", "watch.poll_interval: nan is not a finite number"),
        ("[watch]\npoll_interval = inf\n", "not a finite number"),
        ("[scan]\nfile_timeout = -2.0\n", "scan.file_timeout: -2 is out of range"),
        ("[scan]\nfile_timeout = inf\n", "scan.file_timeout: inf is not a finite number"),
        ("[scan]\nfile_timeout = 0\n", "scan.file_timeout: 0 is out of range (above 0"),
        ("[audit]\ndnsbl_timeout = -inf\n", "audit.dnsbl_timeout: -inf is not a finite"),
        ("[firewall]\nconfirm_timeout = 99999999999\n", "firewall.confirm_timeout: 99999999999"),
        ("[firewall]\nconfirm_timeout = -5\n", "out of range"),
        # a huge float is shown as written, not as its 301 digits
        ("[daemon]\nfirewall_check_interval = 1e300\n", "interval: 1e+300 is out of range"),
        ("[watch]\npoll_interval = 1.5e20\n", "watch.poll_interval: 1.5e+20 is out of range"),
        ("[accounts]\nmin_uid = -1\n", "accounts.min_uid: -1 is out of range (at least 0"),
        ("[store]\nmax_events = 0\n", "store.max_events: 0 is out of range"),
        ("[scan]\nmax_file_size = -1\n", "scan.max_file_size"),
        ("[smtp]\nports = [0]\n", "smtp.ports[0]: 0 is not a TCP port"),
        (
            '[[firewall.exceptions]]\nuser = "shop"\nprot = 587\n',
            "firewall.exceptions[0]: unknown key 'prot' (known keys: user, group",
        ),
        ("[[firewall.exceptions]]\nport = 99999\n", "firewall.exceptions[0].port: 99999"),
        ("[[firewall.exceptions]]\nuser = 7\n", "exceptions[0].user: expected a non-empty string"),
        ("[firewall]\nexceptions = [1]\n", "firewall.exceptions[0]: expected a table"),
    ],
)
def test_numbers_and_exceptions_are_checked_at_load(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        config.load(path, tmp_path / "none", environ={})
    assert message in str(info.value)
    assert info.value.exit_code == ExitCode.USAGE


def test_flags_get_the_same_range_checks() -> None:
    with pytest.raises(ConfigError, match="out of range"):
        config.Config().override(watch__poll_interval=-1.0)


def test_new_sections_get_generic_checks() -> None:
    # a key named like a timeout is above 0 and bounded without the section declaring it
    assert config.default_range("send_timeout") is config.SECONDS
    with pytest.raises(ConfigError, match="out of range"):
        config.SECONDS.check(0.0, "x.send_timeout")
    with pytest.raises(ConfigError, match="finite"):
        config.default_range("count").check(math.nan, "x.count")
    with pytest.raises(ConfigError, match="out of range"):
        config.default_range("count").check(-1, "x.count")


@pytest.mark.parametrize(
    ("name", "raw", "attr", "expected"),
    [
        ("SPAMTRACE_SMTP_PORTS", "25,587", ("smtp", "ports"), [25, 587]),
        ("SPAMTRACE_SMTP_PORTS", " 25 , 587 ", ("smtp", "ports"), [25, 587]),
        ("SPAMTRACE_SMTP_PORTS", "587", ("smtp", "ports"), [587]),
        ("SPAMTRACE_SMTP_PORTS", "[25, 465]", ("smtp", "ports"), [25, 465]),
        ("SPAMTRACE_MTA_USERS", "exim,mail", ("mta", "users"), ["exim", "mail"]),
        ("SPAMTRACE_MTA_USERS", "", ("mta", "users"), []),
        ("SPAMTRACE_ALERTS_HOST", "123", ("alerts", "host"), "123"),
        ("SPAMTRACE_STORE_PATH", '"/q.db"', ("store", "path"), "/q.db"),
        ("SPAMTRACE_SCAN_ALL_REASONS", "true", ("scan", "all_reasons"), True),
        ("SPAMTRACE_WATCH_POLL_INTERVAL", "0.5", ("watch", "poll_interval"), 0.5),
    ],
)
def test_environment_syntax(
    tmp_path: Path, name: str, raw: str, attr: tuple[str, str], expected: object
) -> None:
    cfg = config.load(None, tmp_path, environ={name: raw})
    assert getattr(getattr(cfg, attr[0]), attr[1]) == expected


def test_environment_cli_comma_list() -> None:
    proc = run_cli("config", "show", "--json", env={"SPAMTRACE_SMTP_PORTS": "25,587"})
    assert proc.returncode == 0, proc.stderr
    values = json.loads(proc.stdout)["values"]
    assert values["smtp.ports"] == {"value": [25, 587], "source": "environment"}


@pytest.mark.parametrize("raw", ["25,x", "nan", "-1", "25,,587"])
def test_bad_environment_values_are_config_errors(tmp_path: Path, raw: str) -> None:
    env = {"SPAMTRACE_SMTP_PORTS": raw}
    with pytest.raises(ConfigError, match="SPAMTRACE_SMTP_PORTS"):
        config.load(None, tmp_path, environ=env)


def test_config_show_is_toml_that_loads_back(tmp_path: Path) -> None:
    src = tmp_path / "in.toml"
    src.write_text(
        'mode = "enforce"\n[scan]\nall_reasons = true\n[store]\npath = "/tmp/a\\"b\\u001b[31m.db"\n'
        '[[firewall.exceptions]]\nuser = "shop"\nport = 587\ncomment = "é\\t"\n'
    )
    proc = run_cli("--config", str(src), "config", "show")
    assert proc.returncode == 0, proc.stderr
    assert "True" not in proc.stdout and "\x1b" not in proc.stdout
    out = tmp_path / "out.toml"
    out.write_text(proc.stdout)
    again = config.load(out, tmp_path / "none", environ={})
    first = config.load(src, tmp_path / "none", environ={})
    assert config.render_toml(again, origins=False) == config.render_toml(first, origins=False)
    assert again.store.path == '/tmp/a"b\x1b[31m.db'
    assert again.firewall.exceptions == [{"user": "shop", "port": 587, "comment": "é\t"}]


def test_example_config_is_valid_and_names_every_key(tmp_path: Path) -> None:
    """The shipped example loads, and documents every section and key (a new key must be
    added to it)."""
    cfg = config.load(EXAMPLE, tmp_path / "none", environ={})
    default = config.render_toml(config.Config(), origins=False)
    assert config.render_toml(cfg, origins=False) == default
    text = EXAMPLE.read_text()
    parsed = config.parse_toml(text.encode(), str(EXAMPLE))
    for key, _, _ in config.effective_values(cfg):
        section, _, name = key.rpartition(".")
        assert name in (parsed.get(section, {}) if section else parsed), f"{key} not in example"


@pytest.mark.parametrize(
    ("name", "key"),
    [("SPAMTRACE_STORE_PATH", "store.path"), ("SPAMTRACE_DAEMON_SOCKET", "daemon.socket")],
)
def test_relative_store_or_socket_is_refused(tmp_path: Path, name: str, key: str) -> None:
    # the daemon runs in / and 'status' or 'incidents' in the admin's folder: a relative path
    # named two different files, and the CLI said the daemon's store "does not exist"
    with pytest.raises(ConfigError, match=rf"{key}: 'spamtrace\.db' is not an absolute path"):
        config.load(None, tmp_path, environ={name: "spamtrace.db"})


@pytest.mark.parametrize(("listen", "noted"), [
    ("0.0.0.0:9945", True), ("[::]:9945", True), ("192.0.2.7:9945", True),
    ("127.0.0.1:9945", False), ("[::1]:9945", False), ("localhost:9945", False), ("", False),
])  # fmt: skip
def test_config_check_notes_a_metrics_endpoint_off_loopback(
    tmp_path: Path, listen: str, noted: bool
) -> None:
    # metrics.listen = "0.0.0.0:9945" passed `config check` without a word: the endpoint
    # (incident counts, no authentication) then served every network
    conf = tmp_path / "c.toml"
    conf.write_text(f'[metrics]\nlisten = "{listen}"\n')
    proc = run_cli("--config", str(conf), "config", "check", "--json")
    assert proc.returncode == 0, proc.stderr
    notes = json.loads(proc.stdout)["notes"]
    assert any("metrics.listen" in n and "127.0.0.1" in n for n in notes) is noted, notes
    # and it says what is served: counts; it said "account names", which no label holds
    # (every label value is from a closed list or the config: docs/fleet.md)
    assert not any("account names" in n for n in notes), notes
    assert all("counts by verdict" in n for n in notes if "metrics.listen" in n), notes


def test_config_check_notes_an_mta_user_this_host_does_not_have(tmp_path: Path) -> None:
    # [mta] users = ["postfx"] passed `config check` without a word, and allowed nothing
    conf = tmp_path / "c.toml"
    conf.write_text('[mta]\nusers = ["root", "no-such-mta-user"]\n')
    proc = run_cli("--config", str(conf), "config", "check", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["notes"] == [
        "mta.users[1] = 'no-such-mta-user': no such user on this host (the firewall allows "
        "it nothing)"
    ]


@pytest.mark.parametrize("entry", ["var/www", "/", ""])
def test_a_site_dir_that_is_not_an_absolute_folder_is_refused(tmp_path: Path, entry: str) -> None:
    # "/" would make every top folder a site; a relative one matches nothing, silently
    path = tmp_path / "st.toml"
    path.write_text(f'[accounts]\nsite_dirs = ["{entry}"]\n')
    with pytest.raises(ConfigError, match=r"accounts\.site_dirs: .* is not an absolute path"):
        config.load(path, tmp_path / "none", environ={})
