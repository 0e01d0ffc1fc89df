"""The CLI's top level: usage errors, config errors and crashes become one line + exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spamtrace.cli import main as cli_main


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "spamtrace", *args],
        text=True,
        capture_output=True,
        env={**os.environ, "SPAMTRACE_CONFIG_DIR": "/nonexistent", **(env or {})},
        timeout=60,
    )


def test_unknown_command_is_usage_error() -> None:
    proc = run_cli("frobnicate")
    assert proc.returncode == 2
    assert proc.stderr.startswith("spamtrace: error:")
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_broken_config_file_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[smtp]\nports = [25,\n")
    proc = run_cli("--config", str(bad), "config", "check")
    assert proc.returncode == 2
    assert "invalid TOML" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_config_check_json_names_the_layers(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text("[smtp]\nports = [25]\n")
    proc = run_cli("--config", str(good), "config", "check", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "schema": "spamtrace.config-check/1",
        "valid": True,
        "layers": [str(good)],
        "notes": [],
    }


@pytest.mark.parametrize("value", ["0", "0s", "0.0", "0ms"])
def test_watch_duration_zero_is_a_usage_error(value: str) -> None:
    """`watch --duration 0` started, and stopped at once (exit 0): --duration is "stop after
    this long", and 0 is no time to watch; it is a one-line usage error, as a bad unit is."""
    proc = run_cli("watch", "--no-store", "--duration", value)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "argument --duration: must be more than 0" in lines[0], lines
    assert "Traceback" not in proc.stderr and "sources" not in proc.stderr  # it did not start


def test_config_check_notes_a_v6_destination_that_ends_like_a_port(tmp_path: Path) -> None:
    """`allow_destinations = ["fd57:d4::2:465"]` was "config ok" without a word: it is the
    address fd57:d4::2:465 (all submission ports), which is valid, but likely meant port 465."""
    good = tmp_path / "good.toml"
    good.write_text('[submission]\nallow_destinations = ["fd57:d4::2:465"]\n')
    proc = run_cli("--config", str(good), "config", "check")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("config ok: ") and len(lines) == 2, proc.stdout
    assert lines[1].startswith("note: submission.allow_destinations[0]: 'fd57:d4::2:465' is "
                               "read as the IPv6 address fd57:d4::2:465"), lines[1]
    assert "'[fd57:d4::2]:465'" in lines[1], lines[1]
    proc = run_cli("--config", str(good), "config", "check", "--json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0 and doc["valid"] is True
    assert [n.split(":")[0] for n in doc["notes"]] == ["submission.allow_destinations[0]"]


def test_config_check_notes_v6_relays_and_exception_hosts_that_end_like_a_port(
    tmp_path: Path,
) -> None:
    """`relays = ["fd57:d4::2:25"]` and an exception's `host = "fd57:d4::3:587"` were
    "config ok" without a word, as allow_destinations was: each gets its note, in the text
    and in the --json `notes`, saying what that key takes instead of the port."""
    good = tmp_path / "good.toml"
    good.write_text(
        '[firewall]\nrelays = ["fd57:d4::2:25"]\n'
        '[[firewall.exceptions]]\nuser = "root"\nhost = "fd57:d4::3:587"\n'
    )
    proc = run_cli("--config", str(good), "config", "check")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("config ok: ") and len(lines) == 3, proc.stdout
    host, relay = lines[1:]
    assert host.startswith("note: firewall.exceptions[0].host: 'fd57:d4::3:587' is read as the "
                           "IPv6 address fd57:d4::3:587"), host
    assert host.endswith("write host = 'fd57:d4::3', port = 587"), host
    assert relay.startswith("note: firewall.relays[0]: 'fd57:d4::2:25' is read as"), relay
    assert relay.endswith("write 'fd57:d4::2'"), relay
    proc = run_cli("--config", str(good), "config", "check", "--json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0 and doc["valid"] is True
    assert [n.split(": ")[0] for n in doc["notes"]] == [
        "firewall.exceptions[0].host", "firewall.relays[0]"
    ]

def test_config_check_names_a_file_that_sets_nothing(tmp_path: Path) -> None:
    """The shipped example copied as the config (every line a comment), or an empty file:
    `config check` said "config ok: built-in defaults only", as if the file had not been
    found or read. It names the file, and says it sets no key."""
    example = tmp_path / "spamtrace.toml"
    example.write_text("# mode = \"observe\"\n\n# [smtp]\n# ports = [25]\n")
    drop = tmp_path / "conf.d"
    drop.mkdir()
    (drop / "10-empty.toml").write_text("")
    env = {"SPAMTRACE_CONFIG_DIR": str(drop)}
    proc = run_cli("--config", str(example), "config", "check", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == (
        f"config ok: {example} (sets no key), {drop / '10-empty.toml'} (sets no key); "
        "every value is a built-in default"
    )
    proc = run_cli("--config", str(example), "config", "check", "--json", env=env)
    assert json.loads(proc.stdout)["layers"] == [str(example), str(drop / "10-empty.toml")]
    (drop / "10-empty.toml").write_text("[smtp]\nports = [25]\n")
    proc = run_cli("--config", str(example), "config", "check", env=env)
    assert proc.stdout.strip() == f"config ok: {example} (sets no key), {drop / '10-empty.toml'}"


def test_config_check_refuses_a_response_command_that_cannot_run(tmp_path: Path) -> None:
    """`suspend_command = ["/scripts/suspendaccnt"]` (a typo) passed `config check`: the
    first real incident in enforce mode then recorded a failed suspension ("command not
    found") while the sender's site stayed up. The command must exist and be executable
    (a bare name on PATH), as the YARA rules must compile."""
    conf = tmp_path / "spamtrace.toml"
    for argv, why in (
        (["/scripts/suspendaccnt"], "/scripts/suspendaccnt: no such program"),
        ([str(conf)], f"{conf}: not executable"),
        (["no-such-suspend-tool"], "no-such-suspend-tool: no such program on PATH"),
    ):
        conf.write_text(
            f'mode = "enforce"\n[responses]\nsuspend = true\nsuspend_command = {json.dumps(argv)}\n'
        )
        proc = run_cli("--config", str(conf), "config", "check")
        assert proc.returncode == 2, proc.stdout
        assert proc.stderr.strip() == f"spamtrace: error: {conf}: responses.suspend_command: {why}"
    conf.write_text('[responses]\nlock_mailbox_command = ["/bin/true", "{user}"]\n')
    assert run_cli("--config", str(conf), "config", "check").returncode == 0


def test_config_check_refuses_what_firewall_apply_refuses_as_a_config_error(
    tmp_path: Path,
) -> None:
    """An exception for a user this host does not have, an allow_groups typo, relay mode
    without relays: `config check` said "config ok" (and a daemon's reload took it), then
    `firewall plan` and `apply` refused the same file with exit 2. A host name is not
    looked up (apply resolves it): a config check works without DNS."""
    conf = tmp_path / "spamtrace.toml"
    for text, why in (
        ('[[firewall.exceptions]]\nuser = "no-such-user-x"\nport = 587\n',
         "firewall.exceptions[0].user: no such user 'no-such-user-x'"),
        ('[firewall]\nallow_groups = ["no-such-group-x"]\n',
         "firewall.allow_groups[0]: no such group 'no-such-group-x'"),
        ('[firewall]\nmode = "relay"\n', 'firewall.mode = "relay" needs firewall.relays'),
    ):  # fmt: skip
        conf.write_text(text)
        proc = run_cli("--config", str(conf), "config", "check")
        assert proc.returncode == 2, proc.stdout
        assert proc.stderr.startswith(f"spamtrace: error: {conf}: {why}"), proc.stderr
    conf.write_text('[[firewall.exceptions]]\nuser = "root"\nhost = "mx.invalid"\nport = 587\n')
    assert run_cli("--config", str(conf), "config", "check").returncode == 0


def test_what_firewall_apply_refuses_names_its_key_as_data(tmp_path: Path) -> None:
    """`config check` found the key of the refusal (to name the file that set it) by a
    regex over the message; the refusal now carries it (and the message only says it)."""
    from spamtrace import config
    from spamtrace.actions.firewall.host import ConfigProblem, config_problem

    conf = tmp_path / "spamtrace.toml"
    for text, key, why in (
        ('[[firewall.exceptions]]\nuser = "no-such-user-x"\nport = 587\n',
         "firewall.exceptions", "firewall.exceptions[0].user: no such user 'no-such-user-x'"),
        ('[firewall]\nallow_users = ["no-such-user-x"]\n',
         "firewall.allow_users", "firewall.allow_users[0]: no such user 'no-such-user-x'"),
        ('[firewall]\nmode = "relay"\nrelays = ["mx.example:25"]\n',
         "firewall.relays", "firewall.relays: relay 'mx.example:25' takes no port"),
        ('[firewall]\nmode = "relay"\n', "firewall.mode", 'firewall.mode = "relay" needs'),
    ):  # fmt: skip
        conf.write_text(text)
        cfg = config.load(config_file=conf, config_dir=tmp_path, environ={})
        problem = config_problem(cfg)
        assert isinstance(problem, ConfigProblem), problem
        assert problem.key == key and problem.message.startswith(why), problem
        assert cfg.sources[key] == str(conf)
    conf.write_text("[firewall]\n")
    assert config_problem(config.load(config_file=conf, config_dir=tmp_path, environ={})) is None


def test_config_check_reads_the_dnsbl_nameservers_as_audit_does(tmp_path: Path) -> None:
    """A nameserver `audit` refuses passed `config check`; one it reads unlike what was
    likely meant (`fd57:d4::2:53`: the address ...:53 on port 53) passed without a word,
    where `submission.allow_destinations` "fd57:d4::2:465" gets a note."""
    conf = tmp_path / "spamtrace.toml"
    conf.write_text('[audit]\ndnsbl_nameservers = ["10.0.0.53", "[::1]x"]\n')
    proc = run_cli("--config", str(conf), "config", "check")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr == (
        f"spamtrace: error: {conf}: audit.dnsbl_nameservers[1]: DNS server '[::1]x': not an "
        "address, address:port or [v6]:port\n"
    )
    conf.write_text('[audit]\ndnsbl_nameservers = ["fd57:d4::2:53", "[fd57:d4::2]:53"]\n')
    proc = run_cli("--config", str(conf), "config", "check")
    assert proc.returncode == 0, proc.stderr
    (note,) = [line for line in proc.stdout.splitlines() if line.startswith("note:")]
    assert note.startswith(
        "note: audit.dnsbl_nameservers[0]: 'fd57:d4::2:53' is read as the IPv6 address"
    ) and note.endswith("write '[fd57:d4::2]:53'"), note


def test_every_command_refuses_a_dnsbl_nameserver_audit_refuses(tmp_path: Path) -> None:
    """Only `config check` and `audit` read `audit.dnsbl_nameservers`: `config show`, a daemon
    start and every other command took `[::1` (and `config check --json` keeps its error
    document)."""
    conf = tmp_path / "spamtrace.toml"
    conf.write_text('[audit]\ndnsbl_nameservers = ["[::1"]\n')
    line = (
        f"spamtrace: error: {conf}: audit.dnsbl_nameservers[0]: DNS server '[::1': not an "
        "address, address:port or [v6]:port\n"
    )
    for argv in (("config", "show"), ("incidents", "--db", str(tmp_path / "s.db"))):
        proc = run_cli("--config", str(conf), *argv)
        assert (proc.returncode, proc.stderr) == (2, line), (argv, proc.stderr)
    proc = run_cli("--config", str(conf), "config", "check", "--json")
    assert (proc.returncode, proc.stderr) == (2, line)
    assert json.loads(proc.stdout) == {
        "schema": "spamtrace.config-check/1", "valid": False, "error": line[18:-1], "layers": [],
    }


def test_config_check_refuses_an_alert_sendmail_that_cannot_run(tmp_path: Path) -> None:
    """`sendmail = "/usr/sbin/sendmial"` (a typo) in an e-mail alert passed `config check`:
    the daemon's first alert then failed ("not found") and nobody was told of the incident."""
    conf = tmp_path / "spamtrace.toml"
    channel = '[[alerts.email]]\nname = "ops"\nfrom = "st@example.org"\nto = ["ops@example.org"]\n'
    conf.write_text(channel + 'sendmail = "/usr/sbin/sendmial"\n')
    proc = run_cli("--config", str(conf), "config", "check")
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.strip() == (
        f"spamtrace: error: {conf}: alerts.email[0].sendmail: /usr/sbin/sendmial: no such program"
    )
    conf.write_text(channel + 'sendmail = "/bin/true"\n')
    assert run_cli("--config", str(conf), "config", "check").returncode == 0


def test_config_check_json_says_invalid_on_stdout(tmp_path: Path) -> None:
    # a config tool reads stdout: it got nothing at all for an invalid config
    bad = tmp_path / "bad.toml"
    bad.write_text("[smtp]\nportz = [25]\n")
    proc = run_cli("--config", str(bad), "config", "check", "--json")
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "spamtrace.config-check/1" and doc["valid"] is False
    assert "smtp.portz: unknown key" in doc["error"]
    assert len(proc.stderr.strip().splitlines()) == 1 and "smtp.portz" in proc.stderr


def test_config_show_json_lists_sources(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text("[smtp]\nports = [25]\n")
    proc = run_cli("--config", str(good), "config", "show", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "spamtrace.config/1"
    assert doc["values"]["smtp.ports"] == {"value": [25], "source": str(good)}
    assert doc["values"]["smtp.relay_ports"]["source"] == "default"


def test_unexpected_exception_is_one_line_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*_: object) -> int:
        raise ValueError("bad\nthing\x1b[31m")

    parser = cli_main.build_parser()
    monkeypatch.setattr(cli_main, "build_parser", lambda *_: parser)
    args = parser.parse_args(["config", "check"])
    monkeypatch.setattr(args, "handler", boom)
    monkeypatch.setattr(parser, "parse_args", lambda _argv: args)
    assert cli_main.main(["config", "check"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "ValueError" in err
    assert "bad\\nthing\\x1b[31m" in err  # the message is escaped, not dropped
    # with --json, stdout says it too (not "spamtrace: internal error: ...")
    args.json = True
    assert cli_main.main(["config", "check", "--json"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert doc["error"].startswith("internal error: ValueError") and doc["exit_code"] == 3


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_for_the_output_is_a_runtime_error_not_an_internal_one() -> None:
    """`spamtrace scan --json /home > report.json` on a full disk said "internal error:
    OSError: [Errno 28]" (a bug to report, run with -v): it is the disk, exit 3."""
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "spamtrace", "config", "show"], stdout=full, text=True,
            stderr=subprocess.PIPE, timeout=60,
            env={"SPAMTRACE_CONFIG_DIR": "/nonexistent", "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
    assert proc.returncode == 3
    assert proc.stderr.startswith("spamtrace: error: cannot write: No space left on device")
    assert "internal error" not in proc.stderr and len(proc.stderr.splitlines()) == 1


def _closed_stdout(*args: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "spamtrace", *args], stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, timeout=120, preexec_fn=lambda: os.close(1),
        env={"SPAMTRACE_CONFIG_DIR": "/nonexistent", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def test_a_closed_standard_output_is_one_line_before_the_command_runs(tmp_path: Path) -> None:
    """`spamtrace scan DIR >&-` (cron, a service without stdout): Python gives no sys.stdout,
    the scan ran to its end and died writing its report: "internal error: AttributeError:
    'NoneType' object has no attribute 'isatty'" and a traceback. It is refused at once,
    one line, exit 3; the daemon, which logs on stderr, runs (its stdout on /dev/null)."""
    (tmp_path / "x.php").write_text("<?php system($_GET['c']);\n")
    for args in (("scan", str(tmp_path)), ("scan", "--json", str(tmp_path)), ("check",)):
        proc = _closed_stdout(*args)
        assert proc.returncode == 3, (args, proc.stderr)
        assert proc.stderr == (
            "spamtrace: error: cannot write: standard output is closed (`>&-`): the report "
            "would be lost; send it to a file, or to /dev/null to keep only the exit status\n"
        )
    proc = _closed_stdout("daemon", "--help")
    assert proc.returncode == 0 and proc.stderr == ""


def test_error_line_is_ascii_under_lang_c() -> None:
    # the error printer follows render.output's plain rule: a "…" (a cut) is "..." when
    # stderr is a pipe or LANG=C, as on stdout
    proc = run_cli("incidents", "--since", "3\u2026", env={"LANG": "C", "LC_ALL": ""})
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("spamtrace: error:") and "'3...'" in proc.stderr, proc.stderr
    assert proc.stderr.isascii(), proc.stderr


def test_a_module_name_that_is_no_command_is_an_unknown_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`spamtrace respond` (the module of release and quarantine) said "choose from
    'release', 'quarantine'": only that module's commands were built for the error."""
    from spamtrace.cli import main as cli

    assert cli.main(["respond"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'respond'" in err and "'check'" in err and "'demo'" in err, err
    # every other module registers a command of its own name (the fast start relies on it)
    for module in cli.COMMAND_MODULES:
        parser = cli.build_parser(module)
        commands = next(a for a in parser._actions if a.dest == "command").choices
        assert (module in commands) == (module not in cli._NOT_A_COMMAND), module


@pytest.mark.parametrize(
    "args",
    [("scan", "--min-verdict", "clean"), ("scan", "--json", "--min-verdict", "clean"),
     ("config", "show")],
    ids=["scan", "scan-json", "config-show"],
)  # fmt: skip
def test_a_reader_that_goes_away_is_never_a_clean_result(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """`spamtrace scan DIR | head -1` exited 0 (clean) with --json whatever the scan found,
    and 1 (found) in the human view whatever it found (rich's own SystemExit(1)). A cut
    report is neither: 141, the status the shell gives grep or clamscan killed by SIGPIPE
    there, and no Python error on stderr. The read end is closed before the command writes:
    no timing involved."""
    import os

    site = tmp_path / "site"
    site.mkdir()
    for n in range(3):
        (site / f"page{n}.php").write_text(f"<?php echo 'page {n}';\n")
    paths = (str(site),) if args[0] == "scan" else ()
    proc = subprocess.Popen(
        [sys.executable, "-m", "spamtrace", *args, *paths], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env={**os.environ, "SPAMTRACE_CONFIG_DIR": "/nonexistent"},
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # nobody reads: every write fails with EPIPE
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert err == "", err
    # the same run read whole is clean
    whole = run_cli(*args, *paths)
    assert whole.returncode == 0, whole.stderr


def test_json_gets_a_json_answer_when_the_command_fails(tmp_path: Path) -> None:
    """`scan --json`, `incidents --json` and the rest printed nothing on stdout when they
    failed (a missing path or store, a usage or config error): a fleet's `... --json | jq`
    read nothing and its `json.loads` raised. stdout now holds one spamtrace.error/1
    document with the reason and the exit status; stderr keeps its one line."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[smtp]\nportz = [25]\n")
    cases = [
        (("scan", "--json", str(tmp_path / "gone")), 2, "no such file or directory"),
        (("scan", "--json", "--jobs", "-1", str(tmp_path)), 2, "--jobs"),
        (("incidents", "--json", "--db", str(tmp_path / "no" / "x.db")), 3, "does not exist"),
        (("--config", str(bad), "scan", "--json", str(tmp_path)), 2, "unknown key"),
    ]
    for args, code, said in cases:
        proc = run_cli(*args)
        assert proc.returncode == code, (args, proc.stderr)
        doc = json.loads(proc.stdout)
        assert doc == {"schema": "spamtrace.error/1", "error": doc["error"], "exit_code": code}
        assert said in doc["error"] and said in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_no_error_document_without_json_or_after_a_command_s_own(tmp_path: Path) -> None:
    """Without --json stdout stays empty; a command that wrote its own document and then
    exits 2 (`check` on built-in defaults, `config check` of a bad file) keeps stdout one
    valid document: the error document is not added after it."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[smtp]\nportz = [25]\n")
    assert run_cli("scan", str(tmp_path / "gone")).stdout == ""
    proc = run_cli("--config", str(bad), "config", "check", "--json")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["schema"] == "spamtrace.config-check/1"


def test_watch_json_that_fails_before_its_first_line_says_why_in_one_line() -> None:
    """`watch --json` is one JSON object per line; when it failed before its first line (a
    bad flag, a damaged store, no tracepoint) its error document came pretty-printed over
    five lines, and a JSON-lines reader (`while read line`, a log shipper) choked on `{`."""
    proc = run_cli("watch", "--json", "--duration", "0")
    assert proc.returncode == 2
    (line,) = proc.stdout.splitlines()
    assert json.loads(line)["schema"] == "spamtrace.error/1"
    proc = run_cli("incidents", "--json", "--limit", "0")  # a document: pretty, as before
    assert proc.returncode == 2 and proc.stdout.startswith("{\n")


def test_a_name_the_terminal_s_encoding_cannot_show_is_escaped_not_fatal(tmp_path: Path) -> None:
    """Under a non-UTF-8 encoding (a Latin-1 locale, PYTHONIOENCODING=ascii) a file name
    with characters it cannot show ended the report where it stood: "internal error:
    UnicodeEncodeError", exit 3, the files after it never listed. A site's attacker names a
    file so. Such a character is written escaped (\\u65e5), as control characters are."""
    body = '<?php eval(base64_decode($_POST["x"])); ?>\n'
    (tmp_path / "日本.php").write_text(body)
    (tmp_path / "zz.php").write_text(body)
    proc = run_cli("scan", str(tmp_path), env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 1, proc.stderr
    assert "\\u65e5\\u672c.php" in proc.stdout and "zz.php" in proc.stdout
    assert "internal error" not in proc.stderr


def test_an_error_after_json_lines_is_one_more_line(capsys: pytest.CaptureFixture[str]) -> None:
    from spamtrace.render import output

    output.WRITTEN.clear()
    output.dump_json({"type": "attempt"}, line=True)
    output.json_error("store broke", 3)
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"type": "attempt"},
        {"schema": "spamtrace.error/1", "error": "store broke", "exit_code": 3},
    ]
    output.WRITTEN.clear()


@pytest.mark.parametrize(
    "argv",
    [
        ("-v", "scan", "--bogus"),
        ("scan", "-v", "/nonexistent/x"),
        ("-v", "incidents", "--since", ""),
        ("--verbose", "config", "check", "--config-typo"),
    ],
)
def test_verbose_shows_no_traceback_for_a_usage_error(argv: tuple[str, ...]) -> None:
    """-v ("show tracebacks") is for failures: a usage error is the admin's input, said in
    one line (it printed the argparse traceback of the UsageError before its line)."""
    proc = run_cli(*argv)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_verbose_still_shows_the_traceback_of_a_runtime_failure(tmp_path: Path) -> None:
    """A runtime failure under -v keeps its traceback (where it was raised helps a report)."""
    db = tmp_path / "not-a-db"
    db.write_bytes(b"this is not sqlite" * 100)
    proc = run_cli("-v", "incidents", "--db", str(db))
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" in proc.stderr
    assert proc.stderr.rstrip().splitlines()[-1].startswith("spamtrace: error:")


def test_config_check_notes_wrap_under_their_text_on_a_terminal(tmp_path: Path) -> None:
    """On an 80-column terminal each `note:` of `config check` ran on at the margin, where a
    wrapped part read as a line of its own; in a pipe a note stays one line."""
    import os

    conf = tmp_path / "c.toml"
    conf.write_text('[metrics]\nlisten = "0.0.0.0:9945"\n[mta]\nusers = ["nosuchuser"]\n')
    env = {**os.environ, "COLUMNS": "80", "SPAMTRACE_CONFIG_DIR": str(tmp_path / "none")}
    proc = run_cli("--config", str(conf), "config", "check", env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines[1:]), lines  # (the first names the file)
    notes = [n for n, line in enumerate(lines) if line.startswith("note: ")]
    assert len(notes) == 2 and notes[0] == 1
    others = [line for n, line in enumerate(lines) if n and n not in notes]
    assert others and all(line.startswith("      ") for line in others), lines
    env.pop("COLUMNS")
    proc = run_cli("--config", str(conf), "config", "check", env=env)
    assert len(proc.stdout.splitlines()) == 3  # a pipe: config ok, and one line per note
