"""service/firewall.py: the rollback helper's command line and the table's status inputs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

import pytest
from fwfake import make_plan

from spamtrace.actions.firewall.transaction import IPT_RECORD
from spamtrace.service.firewall import rollback_argv, table_status


class _Backend:
    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: list[str | None] = []

    def status(self, plan: object, recorded: str | None) -> dict[str, Any]:
        self.seen.append(recorded)
        return {"loaded": recorded is not None, "drift": [], "counters": {}}


def test_rollback_argv_carries_the_config_only_when_one_was_given(tmp_path: Path) -> None:
    common = {"backend": "nft", "root": "/", "state_dir": tmp_path, "timeout": 90}
    with_cfg = rollback_argv(config="/etc/x.toml", **common)("tok")  # type: ignore[arg-type]
    assert with_cfg[:5] == [sys.executable, "-m", "spamtrace", "--config", "/etc/x.toml"]
    assert with_cfg[5:] == [
        "firewall", "_rollback", "--after", "90", "--token", "tok",
        "--state-dir", str(tmp_path), "--backend", "nft", "--root", "/",
    ]  # fmt: skip
    assert "--config" not in rollback_argv(config=None, **common)("tok")  # type: ignore[arg-type]


def test_only_iptables_is_given_the_recorded_rules(tmp_path: Path) -> None:
    (tmp_path / IPT_RECORD).write_text("*filter\n-A X -j DROP\nCOMMIT\n")
    ipt, nft = _Backend("iptables"), _Backend("nft")
    st, pending = table_status(cast(Any, ipt), cast(Any, None), tmp_path)
    assert st["loaded"] and ipt.seen == ["*filter\n-A X -j DROP\nCOMMIT\n"]
    assert pending is None  # no apply waits for confirmation
    table_status(cast(Any, nft), cast(Any, None), tmp_path)
    assert nft.seen == [None]
    (tmp_path / IPT_RECORD).unlink()
    table_status(cast(Any, ipt), cast(Any, None), tmp_path)
    assert ipt.seen[-1] is None


class _Nft:
    """nft over strings: the config's rules, the loaded ones, and those of each snapshot."""

    name = "nft"

    def __init__(self, loaded: str, config: str) -> None:
        self.loaded, self.config = loaded, config

    def status(self, plan: object, recorded: str | None) -> dict[str, Any]:
        drift = [] if self.loaded == self.config else [f"{self.loaded} is not {self.config}"]
        return {"loaded": True, "drift": drift, "counters": {}}

    def drift(self, policy: dict[str, Any]) -> tuple[bool, list[str]]:
        want = policy["previous"]
        return True, [] if self.loaded == want else [f"{self.loaded} is not {want}"]


def _confirm(state: Path, rules: str) -> None:
    from spamtrace.actions.firewall.transaction import CONFIRMED, write_json

    write_json(state / CONFIRMED, {"backend": "nft", "previous": rules})


def test_status_tells_drift_from_the_confirmed_rules_apart_from_a_changed_config(
    tmp_path: Path,
) -> None:
    # the daemon calls "drift" what differs from the confirmed rules; status says the same,
    # and says apart that the config now asks for other rules
    _confirm(tmp_path, "A")
    st, _ = table_status(cast(Any, _Nft("A", "B")), cast(Any, None), tmp_path)
    assert (st["drift"], st["compared_with"]) == ([], "confirmed")
    assert st["config_differs"] == ["A is not B"]
    st, _ = table_status(cast(Any, _Nft("X", "A")), cast(Any, None), tmp_path)  # by hand
    assert st["drift"] == ["X is not A"] and st["config_differs"] == ["X is not A"]
    # an apply on trial is the reference until confirmed or rolled back, as for the daemon
    from spamtrace.actions.firewall.transaction import PENDING, write_json

    trial = {"backend": "nft", "previous": "T"}
    write_json(
        tmp_path / PENDING,
        {"token": "t", "backend": "nft", "deadline": 0, "snapshot": "s", "policy": trial},
    )
    st, _ = table_status(cast(Any, _Nft("T", "T")), cast(Any, None), tmp_path)
    assert (st["drift"], st["compared_with"], st["config_differs"]) == ([], "on trial", [])


def test_status_without_confirmed_rules_compares_with_the_config_only(tmp_path: Path) -> None:
    st, _ = table_status(cast(Any, _Nft("A", "B")), cast(Any, None), tmp_path)
    assert (st["drift"], st["compared_with"], st["config_differs"]) == ([], None, ["A is not B"])


@pytest.mark.parametrize("action", ["status", "remove", "confirm", "apply", "load-confirmed"])
def test_every_firewall_command_that_needs_root_says_so_in_one_line(
    action: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Not nft's own words (`nft list: permission denied (run as root): Operation not permitted
    (you must be root) netlink: Error: cache initialization failed: ...`) for status and
    remove, nor `state dir ...: Permission denied` for confirm."""
    import os

    from spamtrace.cli.main import main

    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    state = tmp_path / "state"
    state.mkdir()  # (one that does not exist is a usage error first: see below)
    assert main(["firewall", action, "--state-dir", str(state)]) == 3
    assert capsys.readouterr().err == f"spamtrace: error: firewall {action} needs root\n"
    assert not list(state.iterdir())  # nothing forgotten, nothing made


@pytest.mark.parametrize("action", ["status", "confirm", "remove"])
def test_a_state_dir_given_that_does_not_exist_is_a_usage_error(
    action: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """`firewall status --state-dir /nonexistent` printed NOT LOADED (exit 0 where nothing
    was loaded either): a typo read as a host where nothing was applied. confirm made the
    folder and said there was nothing to confirm; remove took the table away and forgot
    nothing (the confirmed rules in the real folder loaded again at the next boot). One
    line, exit 2, before anything is done; nothing made."""
    import os

    from spamtrace.cli import firewall as firewall_cli
    from spamtrace.cli.main import main

    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(firewall_cli, "_backend", lambda args: pytest.fail("nft asked"))
    state = tmp_path / "typo"
    assert main(["firewall", action, "--state-dir", str(state)]) == 2
    assert capsys.readouterr().err == (
        f"spamtrace: error: firewall {action}: argument --state-dir: no such folder: "
        f"'{state}' (see: spamtrace firewall {action} --help)\n"
    )
    assert not state.exists()


def test_the_default_state_dir_missing_is_a_host_where_nothing_was_applied() -> None:
    from spamtrace.cli.firewall import DEFAULT_STATE_DIR
    from spamtrace.cli.options import named_folder_there
    from spamtrace.errors import UsageError

    # (checked without the folder: the built-in default is never an error)
    named_folder_there(DEFAULT_STATE_DIR, DEFAULT_STATE_DIR, "firewall status")
    with pytest.raises(UsageError, match="no such folder"):
        named_folder_there(DEFAULT_STATE_DIR + "-typo", DEFAULT_STATE_DIR, "firewall status")


def test_load_confirmed_says_a_state_dir_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At boot a host where nothing was applied has no state folder: nothing loaded, exit 0
    (a failed boot unit for that would be wrong), but the line says the folder is missing."""
    import os

    from spamtrace.cli.main import main

    monkeypatch.setattr(os, "geteuid", lambda: 0)
    state = tmp_path / "typo"
    assert main(["firewall", "load-confirmed", "--state-dir", str(state)]) == 0
    assert f"'{state}' does not exist" in capsys.readouterr().out
    assert not state.exists()


def test_status_says_the_last_apply_was_rolled_back_unconfirmed(tmp_path: Path) -> None:
    """An admin who applied and did not confirm in time came back to `firewall: NOT LOADED;
    run apply`, as on a server where it was never applied: status now says the last apply
    was rolled back, when, and to what; a `remove` since (or a new apply) forgets it."""
    from spamtrace.actions.firewall.transaction import ROLLED_BACK, forget, write_json
    from spamtrace.render.firewall import status_json, status_lines

    class _Plan:
        mode = "owner"

    write_json(tmp_path / ROLLED_BACK, {"token": "t", "at": 1796527250.4, "restored": False})
    st, pending = table_status(cast(Any, _Backend("nft")), cast(Any, None), tmp_path)
    assert st["last_rollback"] == {
        "at": "2026-12-06T03:20:50.400Z", "restored": False, "damaged": None,
    }  # fmt: skip
    lines = status_lines("nft", cast(Any, _Plan()), st, pending)
    assert lines[0] == "firewall: NOT LOADED (nft); run `spamtrace firewall apply`"
    assert lines[1] == (
        "  the last apply was not confirmed: rolled back at 2026-12-06T03:20:50.400Z (no rules "
        "were confirmed before it: none loaded)"
    )
    doc = status_json("nft", cast(Any, _Plan()), st, pending, None)
    assert doc["last_rollback"]["at"] == "2026-12-06T03:20:50.400Z"
    write_json(tmp_path / ROLLED_BACK, {"token": "t", "at": 1796527250.4, "restored": True})
    st, _ = table_status(cast(Any, _Backend("nft")), cast(Any, None), tmp_path)
    assert "(the rules confirmed before it are loaded again)" in "\n".join(
        status_lines("nft", cast(Any, _Plan()), st, None)
    )
    forget(tmp_path)  # `firewall remove`
    st, _ = table_status(cast(Any, _Backend("nft")), cast(Any, None), tmp_path)
    assert st["last_rollback"] is None


@pytest.mark.parametrize("keep", ["--no-rollback", "--yes"])
def test_apply_refuses_a_confirm_timeout_with_no_rollback(
    keep: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`apply --no-rollback --timeout 30` kept the rules at once and ignored the timeout the
    admin gave for a trial: one says keep, the other says try, and the command must not
    guess which was meant."""
    from spamtrace.cli.main import main

    state = tmp_path / "state"
    args = ["firewall", "apply", keep, "--timeout", "30", "--dry-run", "--state-dir", str(state)]
    assert main(args) == 2
    *note, err = capsys.readouterr().err.splitlines()  # (--yes: its rename is noted first)
    assert len(note) == (keep == "--yes") and "--timeout" in err and "not allowed with" in err
    assert not state.exists()


@pytest.mark.parametrize("action", ["plan", "apply", "status"])
def test_a_root_that_is_not_a_folder_is_a_usage_error(
    action: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --root was read as a system with no MTA: `apply` and `plan` refused with
    "no MTA detected: ... Name it in the config: [mta] users ...", sending the admin to the
    config instead of the flag."""
    from spamtrace.cli.main import main

    state = tmp_path / "state"
    root = tmp_path / "no-such-root"
    assert main(["firewall", action, "--root", str(root), "--state-dir", str(state)]) == 2
    assert capsys.readouterr().err == (
        f"spamtrace: error: firewall {action}: argument --root: not a folder: '{root}' "
        f"(see: spamtrace firewall {action} --help)\n"
    )
    assert not state.exists()


@pytest.mark.parametrize(
    "argv",
    [["firewall", "status"], ["firewall", "plan"], ["firewall", "load-confirmed"],
     ["firewall", "confirm"], ["daemon"]],
)  # fmt: skip
@pytest.mark.parametrize("under", [False, True])
def test_a_state_dir_option_naming_a_file_is_a_usage_error(
    argv: list[str], under: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`firewall status --state-dir FILE` printed the errno text (`FILE/confirmed.json: the
    confirmed rules cannot be read: Not a directory`, exit 3), `load-confirmed` said "no
    confirmed firewall rules: nothing loaded" (exit 0: at boot, no firewall and no word of
    why), `plan` went on, the daemon's drift check failed every minute. Now one line naming
    the option, exit 2, before anything is done (a file on the way to the folder too)."""
    from spamtrace.cli.main import main

    afile = tmp_path / "hostname"
    afile.write_text("web1\n")
    given = afile / "state" if under else afile
    from spamtrace.cli.main import build_parser
    from spamtrace.errors import UsageError

    problem = f"not a folder: '{given}'" + (f" ('{afile}' is a file)" if under else "")
    command = " ".join(argv)
    if argv == ["daemon"]:  # parsed only: a daemon must not start here when it regresses
        with pytest.raises(UsageError) as err:
            build_parser("daemon").parse_args(["daemon", "--firewall-state-dir", str(given)])
        assert err.value.message == (
            f"daemon: argument --firewall-state-dir: {problem} (see: spamtrace daemon --help)"
        )
    else:
        assert main([*argv, "--state-dir", str(given)]) == 2
        assert capsys.readouterr().err == (
            f"spamtrace: error: {command}: argument --state-dir: {problem} "
            f"(see: spamtrace {command} --help)\n"
        )
    assert afile.read_text() == "web1\n"


def test_a_state_dir_that_is_a_file_says_so() -> None:
    """`apply --state-dir FILE` said `state dir FILE: File exists`."""
    import tempfile

    from spamtrace.actions.firewall import transaction
    from spamtrace.errors import FirewallError

    with tempfile.NamedTemporaryFile() as fh, pytest.raises(FirewallError) as err:
        transaction.state_dir(fh.name)
    assert err.value.message == f"state dir {fh.name}: a file, not a folder"


def test_a_state_dir_that_is_a_symlink_to_nothing_says_so(tmp_path: Path) -> None:
    """`--state-dir LINK`, a symlink to a folder not made yet: "a file, not a folder"."""
    from spamtrace.actions.firewall import transaction
    from spamtrace.errors import FirewallError

    link = tmp_path / "firewall"
    link.symlink_to(tmp_path / "data" / "firewall")
    with pytest.raises(FirewallError) as err:
        transaction.state_dir(str(link))
    assert err.value.message == (
        f"state dir {link}: a symlink to '{tmp_path}/data/firewall', which does not exist "
        "(make that folder, mode 0700, or point the link at one)"
    )


#: confirmed.json as the spamtrace of 2026-12-05 wrote it (its ``firewall confirm``): the rules
#: loaded then, no word of which spamtrace made them
OLD_CONFIRMED = '{"backend": "nft", "previous": "A", "confirmed_at": 1796629192.4}'


def test_rules_an_older_spamtrace_confirmed_are_not_called_a_changed_config(
    tmp_path: Path,
) -> None:
    """After an upgrade, `firewall status` said 'CONFIG CHANGED: the config asks for other
    rules than the loaded ones' of rules the old version confirmed from the same config: what
    differed was this version's new rules (st:held), not the config."""
    from spamtrace.actions.firewall.transaction import CONFIRMED, OLDER_RULES, _confirm_policy
    from spamtrace.render.firewall import status_json, status_lines

    (tmp_path / CONFIRMED).write_text(OLD_CONFIRMED)
    st, pending = table_status(cast(Any, _Nft("A", "B")), cast(Any, None), tmp_path)
    assert st["confirmed_by_older"] is True
    text = "\n".join(status_lines("nft", make_plan(), st, pending))
    assert "CONFIG CHANGED" not in text and "changed by hand" not in text, text
    assert f"firewall: RULES OF AN OLDER SPAMTRACE (nft): {OLDER_RULES}" in text
    assert "  - A is not B" in text
    assert status_json("nft", make_plan(), st, pending, None)["confirmed_by_older"] is True
    # once this version confirms its rules, a difference is a config change again
    _confirm_policy(tmp_path, {"backend": "nft", "previous": "A"})
    st, pending = table_status(cast(Any, _Nft("A", "B")), cast(Any, None), tmp_path)
    assert st["confirmed_by_older"] is False
    assert "CONFIG CHANGED" in "\n".join(status_lines("nft", make_plan(), st, pending))


def test_rules_loaded_with_none_confirmed_are_said_to_be_gone_at_the_next_boot(
    tmp_path: Path,
) -> None:
    """The spamtrace of 2026-11-28 kept no record of the rules `firewall confirm` kept (the
    state dir held a lock and rollback.log). After an upgrade `firewall status` said 'CONFIG
    CHANGED' of the rules it had confirmed from the same config, or 'loaded and in sync' when
    they matched; the boot unit (`load-confirmed`) then loads nothing: port 25 open again
    after the next reboot, with no word of it."""
    from spamtrace.actions.firewall.transaction import UNCONFIRMED
    from spamtrace.render.firewall import status_lines

    (tmp_path / "lock").touch()  # the old version's state dir
    (tmp_path / "rollback.log").touch()
    for loaded, config in (("A", "B"), ("A", "A")):
        st, pending = table_status(cast(Any, _Nft(loaded, config)), cast(Any, None), tmp_path)
        text = "\n".join(status_lines("nft", make_plan(), st, pending))
        assert f"firewall: NOT CONFIRMED (nft): {UNCONFIRMED}" in text, text
        assert "CONFIG CHANGED" not in text and "in sync" not in text, text
    assert "  - A is not B" not in text


def test_the_internal_rollback_action_is_parsed_but_not_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`spamtrace firewall frob` listed `_rollback` among the actions to choose from, and the
    man page documented `spamtrace firewall _rollback` as a command; the helper `apply`
    starts still runs it."""
    from spamtrace.cli import firewall as firewall_cli
    from spamtrace.cli.docgen import man_page
    from spamtrace.cli.main import build_parser, main

    assert main(["firewall", "frob"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'frob'" in err and "'acl'" in err and "_rollback" not in err
    assert "_rollback" not in man_page()
    argv = rollback_argv(  # type: ignore[arg-type]
        config=None, backend="nft", root="/", state_dir=tmp_path, timeout=90
    )("tok")
    args = build_parser().parse_args(argv[3:])
    assert args.handler is firewall_cli._rollback_cmd and args.token == "tok"
