"""One spelling per kind of value, every command documented, errors that name the program once."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from spamtrace.cli import main as cli_main
from spamtrace.errors import UsageError


def _parsers(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(parser.prog, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found.extend(_parsers(child))
    return found


def test_every_command_has_a_description_and_the_exit_codes() -> None:
    for prog, parser in _parsers(cli_main.build_parser()):
        if prog.endswith("_rollback"):
            continue  # internal, never listed
        assert parser.description, prog
        assert "\n" not in parser.description.strip() or prog == "spamtrace", prog
        assert parser.epilog and "2 usage or config error" in parser.epilog, prog
        assert "3 runtime failure" in " ".join(parser.format_help().split()), prog


#: the commands that can return 1 (ExitCode.FOUND), each saying what it means
CAN_EXIT_1 = {
    "spamtrace check", "spamtrace watch", "spamtrace incidents", "spamtrace mail",
    "spamtrace scan", "spamtrace audit", "spamtrace firewall status", "spamtrace demo",
}  # fmt: skip


def test_each_command_lists_only_the_exit_codes_it_can_return() -> None:
    """service, config, quarantine, alert... never exit 1: their --help must not say they do;
    a group names its subcommands that do."""
    parsers = dict(_parsers(cli_main.build_parser()))
    for prog, parser in parsers.items():
        if prog.endswith("_rollback"):
            continue
        has_children = any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)
        lists_1 = ", 1 " in str(parser.epilog)
        if has_children:
            below = sorted(p for p in CAN_EXIT_1 if p.startswith(prog + " "))
            assert lists_1 is bool(below), prog
            for p in below if prog != "spamtrace" else ():
                assert p.removeprefix("spamtrace ") in str(parser.epilog), (prog, p)
        else:
            assert lists_1 is (prog in CAN_EXIT_1), (prog, parser.epilog)
        assert "1 something suspicious found" not in str(parser.epilog) or prog == (
            "spamtrace check"
        ), prog
    assert "firewall status: see its --help" in str(parsers["spamtrace firewall"].epilog)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["incidents", "--limit", "-1"], "--limit: must be at least 1"),
        (["incidents", "--limit", "0"], "--limit: must be at least 1"),
        (["firewall", "plan", "--since-hours", "-1"], "not a number of hours"),
        (["firewall", "plan", "--since=-1h"], "not a duration"),
        (["firewall", "acl", "--relay", "10.0.0.1", "--servers", "10.0.0.0/24",
          "--ports", "25,x"], "not a TCP port"),
    ],
)  # fmt: skip
def test_bad_values_are_usage_errors(argv: list[str], needle: str) -> None:
    with pytest.raises(UsageError) as caught:
        cli_main.build_parser().parse_args(argv)
    assert needle in caught.value.message
    assert "spamtrace" not in caught.value.message.split(":")[0]  # main() adds "spamtrace:"


def test_usage_error_names_the_program_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main(["incidents", "--limit", "-1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spamtrace: error: incidents: argument --limit")
    assert err.count("spamtrace:") == 1 and "spamtrace spamtrace" not in err


def test_one_spelling_for_windows_and_port_lists() -> None:
    parser = cli_main.build_parser()
    plan = parser.parse_args(["firewall", "plan", "--since", "2d"])
    assert plan.since == 2 * 86400
    old = parser.parse_args(["firewall", "plan", "--since-hours", "12"])  # hidden old spelling
    assert old.since == 12 * 3600
    assert parser.parse_args(["firewall", "plan"]).since == 24 * 3600
    acl = parser.parse_args(
        ["firewall", "acl", "--relay", "10.0.0.1", "--servers", "10.0.0.0/24", "--ports", "25,587"]
    )
    assert acl.ports == [25, 587]
    assert parser.parse_args(["check", "--ports", "25,587"]).ports == [25, 587]
    plan_help = dict(_parsers(parser))["spamtrace firewall plan"].format_help()
    assert "--since AGE" in plan_help and "--since-hours" not in plan_help


def test_apply_no_rollback_and_its_old_name(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli_main.build_parser()
    assert parser.parse_args(["firewall", "apply", "--no-rollback"]).no_rollback is True
    assert capsys.readouterr().err == ""
    assert parser.parse_args(["firewall", "apply", "--yes"]).no_rollback is True
    assert "--yes is now called --no-rollback" in capsys.readouterr().err
    assert parser.parse_args(["firewall", "apply"]).no_rollback is False


@pytest.mark.parametrize(
    ("argv", "command", "unknown"),
    [
        (["scan", "--bogus", "x"], "scan", "--bogus"),
        (["firewall", "plan", "--bogus"], "firewall plan", "--bogus"),
        (["check", "extra"], "check", "extra"),
        (["--bogus"], "", "--bogus"),
    ],
)
def test_an_unknown_argument_names_the_help_of_its_command(
    argv: list[str], command: str, unknown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main.main(argv) == 2
    err = capsys.readouterr().err.strip()
    prefix = f"{command}: " if command else ""
    assert err.startswith(f"spamtrace: error: {prefix}unrecognized arguments: {unknown}"), err
    assert err.endswith(f"(see: {' '.join(['spamtrace', *command.split()])} --help)"), err


@pytest.mark.parametrize("columns", [80, 100])
def test_every_help_fits_the_terminal_and_keeps_words_whole(
    columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    for prog, parser in _parsers(cli_main.build_parser()):
        text = parser.format_help()
        for line in text.splitlines():
            assert len(line) <= columns, (prog, line)
            # a hyphenated word or an option is never cut at its hyphen
            assert not line.rstrip().endswith("-") or line.strip() == "-", (prog, line)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                listed = {a.dest for a in action._choices_actions}
                hidden = {name for name in action.choices if name.startswith("_")}
                assert set(action.choices) - hidden <= listed, prog  # every one has a summary


def test_incidents_are_recorded_by_watch_or_the_daemon() -> None:
    helps = {name: p.description for name, p in _parsers(cli_main.build_parser())}
    assert "`watch` or the daemon" in (helps["spamtrace incidents"] or "")


@pytest.mark.parametrize(
    ("argv", "unknown"),
    [(["scan", "-rf"], "-rf"), (["scan", "-rf", "/"], "-rf"), (["scan", "-R", "x"], "-R")],
)
def test_an_option_typed_from_another_tools_habit_is_named_with_what_to_do(
    argv: list[str], unknown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `scan -rf` said "the following arguments are required: PATH": the -rf was the mistake
    assert cli_main.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"spamtrace: error: scan: unrecognized arguments: {unknown}: "), err
    assert "no -r needed" in err and f"goes after '--': spamtrace scan -- {unknown}" in err, err
    assert "required" not in err and err.endswith("(see: spamtrace scan --help)"), err


def test_a_mistyped_long_option_gets_no_path_hint_and_a_known_abbreviation_no_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli_main.main(["scan", "--bogus", "x"]) == 2
    assert "goes after '--'" not in capsys.readouterr().err
    assert cli_main.main(["scan", "--"]) == 2  # nothing after --: PATH is what is missing
    assert "required: PATH" in capsys.readouterr().err
    # a folder named -rf is scanned when given after --
    (tmp_path / "-rf").mkdir()
    monkeypatch.chdir(tmp_path)
    assert cli_main.main(["scan", "--js", "--", "-rf"]) == 1  # an empty folder: nothing scanned
    assert '"schema"' in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["scan", "--exclude", "-x.bak", "/"], "--exclude=-x.bak"),
        (["mail", "--since", "-1h"], "--since=-1h"),
        (["scan", "--exclude", "--json", "/"], None),  # the value was left out: no hint
        (["scan", "--exclude", "--js", "/"], None),  # an abbreviation of --json
    ],
)
def test_a_value_that_starts_with_a_dash_is_shown_how_to_give(
    argv: list[str], hint: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse said only "expected one argument" for `scan --exclude -x.bak`
    assert cli_main.main(argv) == 2
    err = capsys.readouterr().err
    assert "expected one argument" in err, err
    if hint is None:
        assert "goes after '='" not in err, err
    else:
        assert f"(a value that starts with '-' goes after '=': {hint})" in err, err


def test_every_store_and_socket_option_names_the_file_it_defaults_to() -> None:
    """`--db PATH (default: config store.path)` left a sysadmin who never set store.path
    to guess where the store is (`config show` says it, not --help); `--socket` the same.
    Each names its key and the built-in path; `quarantine` names its folder too."""
    from spamtrace.config import Config

    cfg = Config()
    seen = 0
    for prog, parser in _parsers(cli_main.build_parser()):
        for action in parser._actions:
            text = " ".join(str(action.help).split())
            if "--db" in action.option_strings:
                assert f"[store] path, {cfg.store.path}" in text, prog
                seen += 1
            if "--socket" in action.option_strings:
                assert f"[daemon] socket, {cfg.daemon.socket}" in text, prog
                seen += 1
        if prog == "spamtrace quarantine":
            assert cfg.responses.quarantine_dir in " ".join(str(parser.description).split())
    assert seen >= 8


def test_service_install_says_it_starts_the_daemon_and_what_it_leaves() -> None:
    parsers = dict(_parsers(cli_main.build_parser()))
    install = " ".join(str(parsers["spamtrace service install"].description).split())
    assert "start the daemon" in install and "spamtrace-firewall.service" in install
    uninstall = " ".join(str(parsers["spamtrace service uninstall"].description).split())
    assert "firewall remove" in uninstall


def test_every_command_that_writes_a_report_lists_exit_141() -> None:
    """`spamtrace scan /home | head -1` exits 141 (the README says so, and that every --help
    lists the codes its command can return), but no --help said it: a sysadmin's script saw
    a status no help explained. Every command that writes to stdout lists it; the daemon
    (its lines go to stderr) does not."""
    for prog, parser in _parsers(cli_main.build_parser()):
        if prog.endswith("_rollback"):
            continue
        said = "141 the output was cut" in " ".join(parser.format_help().split())
        assert said is (prog != "spamtrace daemon"), prog


def test_the_source_option_says_what_auto_and_tracepoint_do() -> None:
    """`--source` said "the tracepoint (default)": the default is auto, which polls when the
    tracepoint cannot be used, and `tracepoint` is the choice that fails instead."""
    parsers = dict(_parsers(cli_main.build_parser()))
    for prog in ("spamtrace watch", "spamtrace daemon"):
        action = next(a for a in parsers[prog]._actions if "--source" in a.option_strings)
        text = " ".join(str(action.help).split())
        assert action.default == "auto" and "auto (default)" in text, prog
        assert "tracepoint: fail (exit 3)" in text and "poll: polling only" in text, prog


def test_no_option_names_a_config_key_for_its_default_without_the_value() -> None:
    """`--timeout SECONDS ... (default: config firewall.confirm_timeout)`, `--ports (default:
    smtp.relay_ports)`: the built-in value was left for the reader to look up."""
    import re

    for prog, parser in _parsers(cli_main.build_parser()):
        for action in parser._actions:
            text = " ".join(str(action.help).split())
            m = re.search(r"\(default: (?:config )?[a-z_]+\.[a-z_]+\)", text)
            assert m is None, (prog, action.option_strings, text)


def test_audit_fix_says_where_its_backups_go() -> None:
    """`audit --fix` said "back up" and not where: the sshd config's original goes under
    the backup folder of the audit environment, which the help names."""
    import dataclasses

    from spamtrace.audit.environment import AuditEnv

    folder = next(f.default for f in dataclasses.fields(AuditEnv) if f.name == "backup_dir")
    parsers = dict(_parsers(cli_main.build_parser()))
    fix = next(a for a in parsers["spamtrace audit"]._actions if "--fix" in a.option_strings)
    assert f"back up (under {folder})" in " ".join(str(fix.help).split())


def test_a_limit_past_what_sqlite_counts_is_no_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `incidents --limit 99999999999999999999` was "internal error: OverflowError: Python int
    # too large to convert to SQLite INTEGER", exit 3: a count that large means "all of them"
    from spamtrace.sinks.store import Store

    db = str(tmp_path / "s.db")
    Store(db).close()
    assert cli_main.main(["incidents", "--db", db, "--since", "all", "--limit", "9" * 20]) == 0
    out, err = capsys.readouterr()
    assert "no incidents" in out and err == ""


def test_demo_seconds_says_the_range_it_takes(capsys: pytest.CaptureFixture[str]) -> None:
    # `demo --seconds 5` is refused with "must be 20..3600", which its --help never said
    with pytest.raises(SystemExit):
        cli_main.build_parser().parse_args(["demo", "--help"])
    assert "20 to 3600" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(("argv", "hint"), [
    (["alert", "test", "--config", "/etc/x.toml"],
     "(--config goes before the command: spamtrace --config FILE alert test ...)"),
    (["firewall", "status", "--config=/etc/x.toml", "--verbose"],
     "(--config and -v go before the command: spamtrace --config FILE -v firewall status ...)"),
])  # fmt: skip
def test_an_option_of_spamtrace_itself_after_the_command_says_where_it_goes(
    argv: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `spamtrace alert test --config FILE` (the habit of most tools) said only
    # "unrecognized arguments: --config FILE (see: spamtrace alert test --help)", and that
    # help does not list --config: it is spamtrace's own option, given before the command
    assert cli_main.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"spamtrace: error: {' '.join(argv[:2])}: unrecognized arguments: ")
    assert err.endswith(f"{hint} (see: spamtrace {' '.join(argv[:2])} --help)"), err


def test_every_option_of_every_command_is_in_the_docs() -> None:
    """`watch --no-respond`, `--no-store`, `daemon --no-respond`, `incidents --limit`, `mail
    --no-queue` and `scan --one-filesystem` were in `--help` and in no page of the docs: an
    admin reading README.md and docs/ never learned of them."""
    root = Path(__file__).resolve().parents[3]
    docs = (root / "README.md").read_text() + "".join(
        p.read_text() for p in sorted((root / "docs").glob("*.md"))
    )
    missing = []
    for prog, parser in _parsers(cli_main.build_parser()):
        if prog.endswith("_rollback"):
            continue  # internal, never listed
        for action in parser._actions:
            flags = action.option_strings
            hidden = action.help == argparse.SUPPRESS  # an old spelling kept working
            if not flags or hidden or {"--help", "--version"} & set(flags):
                continue
            if not any(re.search(re.escape(f) + r"(?![\w-])", docs) for f in flags):
                missing.append(f"{prog} {'/'.join(flags)}")
    assert missing == []
