"""`firewall status` for a person and as JSON (:mod:`spamtrace.render.firewall`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fwfake import make_plan

from spamtrace.render.firewall import describe_pending, status_json, status_lines


def pending(left: float, *, alive: bool = True, timer: str | None = None) -> dict[str, Any]:
    return {"seconds_left": left, "helper_alive": alive, "helper_pid": 4242, "timer": timer}


def test_status_lines_loaded_drift_and_not_loaded() -> None:
    plan = make_plan()
    counters = {"blocked": {"packets": 7}}
    ok = {"loaded": True, "drift": [], "counters": counters}
    assert status_lines("nft", plan, ok, None) == [
        f"firewall: loaded and in sync (nft, mode {plan.mode.value})",
        "  blocked: 7 attempts",
    ]
    drift = {"loaded": True, "drift": ["rule gone\x1b[2J"], "counters": {}}
    lines = status_lines("nft", plan, drift, pending(30))
    assert lines[0].startswith("firewall: DRIFT (nft)")
    assert lines[1] == "  - rule gone\\x1b[2J"  # escaped
    assert lines[2].startswith("  pending rollback in 30 s")
    gone = {"loaded": False, "drift": [], "counters": {}}
    assert "NOT LOADED" in status_lines("iptables", plan, gone, None)[0]
    doc = status_json("nft", plan, drift, None, None)
    assert doc["drift"] == ["rule gone\x1b[2J"] and doc["config_differs"] is None
    assert (doc["schema"], doc["loaded"], doc["in_sync"]) == (
        "spamtrace.firewall-status/1", True, False,
    )  # fmt: skip


def test_describe_pending_names_what_performs_the_rollback() -> None:
    assert describe_pending(pending(9.2)).endswith("(done by helper pid 4242)")
    assert "helper process is GONE" in describe_pending(pending(9.2, alive=False))
    due = describe_pending(pending(-5, alive=False, timer="spamtrace-rollback.timer"))
    assert due == (
        "rollback DUE 5 s ago and not done yet "
        "(done by systemd timer spamtrace-rollback.timer any moment)"
    )
    assert describe_pending(pending(-5, alive=False)).endswith("(helper gone)")


def test_apply_and_load_confirmed_say_what_happened() -> None:
    from spamtrace.actions.firewall.transaction import ApplyResult
    from spamtrace.render.firewall import applied_text, loaded_confirmed_text

    trial = applied_text(ApplyResult("nft", "owner", True, 120), 120)
    assert trial.startswith("firewall loaded (nft, mode owner)") and "in 120 s" in trial
    same = applied_text(ApplyResult("nft", "owner", False, None), 120)
    assert same == "firewall already loaded and in sync; nothing changed (nft, mode owner)"
    text = loaded_confirmed_text({"backend": "iptables", "confirmed_at": 0})
    assert text.startswith("loaded the firewall rules confirmed on 19") and "(iptables)" in text


def test_status_lines_tell_a_changed_config_from_drift() -> None:
    plan = make_plan()
    edited = {"loaded": True, "drift": [], "compared_with": "confirmed",
              "config_differs": ["rule st:exception-0 is missing"], "counters": {}}  # fmt: skip
    lines = status_lines("nft", plan, edited, None)
    assert lines[0].startswith("firewall: CONFIG CHANGED (nft)") and "DRIFT" not in lines[0]
    assert lines[1:] == ["  - rule st:exception-0 is missing"]
    assert status_json("nft", plan, edited, None, None)["in_sync"] is False
    by_hand = dict(edited, drift=["rule st:block is missing"],
                   config_differs=["rule st:block is missing"])  # fmt: skip
    lines = status_lines("nft", plan, by_hand, None)
    assert lines[0].startswith("firewall: DRIFT (nft): the loaded rules are not the confirmed ones")
    assert "nor what the config asks for" in lines[0] and len(lines) == 2  # said once
    both = dict(by_hand, config_differs=["rule st:block is missing", "rule st:x is missing"])
    heads = [line for line in status_lines("nft", plan, both, None) if line.startswith("fire")]
    assert [h.split(":")[1].split("(")[0].strip() for h in heads] == ["DRIFT", "CONFIG CHANGED"]


def test_an_iptables_status_says_the_config_was_not_compared() -> None:
    """iptables rules are compared with the confirmed ones only: "in sync" after a config
    edit read as if the edit were loaded."""
    plan = make_plan()
    ipt = {"loaded": True, "drift": [], "compared_with": "confirmed", "config_differs": None,
           "counters": {}}  # fmt: skip
    lines = status_lines("iptables", plan, ipt, None)
    assert lines[0].startswith("firewall: loaded and in sync (iptables")
    assert lines[1].startswith("  (not compared with the config: iptables rules are compared")
    nft = dict(ipt, config_differs=[])
    assert not any("not compared" in x for x in status_lines("nft", plan, nft, None))


def test_status_help_says_what_it_compares_the_loaded_rules_with(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The exit status compares the loaded rules with the last confirmed ones (drift: a change
    by hand) and, for nft, with what the config asks for now; "as configured" said only the
    second."""
    from spamtrace.cli import main as cli_main

    for argv in (["firewall", "status", "--help"], ["firewall", "--help"]):
        with pytest.raises(SystemExit):
            cli_main.main(argv)
        text = " ".join(capsys.readouterr().out.split())
        assert "last confirmed" in text and "as configured" not in text, text
    with pytest.raises(SystemExit):
        cli_main.main(["firewall", "status", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "0 loaded, unchanged since the last confirmed apply" in text, text
    assert "changed by hand (drift)" in text and "the config asks for other rules" in text, text


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A server whose local time zone is not UTC (Asia/Tokyo: UTC+9, no summer time)."""
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("tokyo")
def test_times_of_the_firewall_and_of_status_are_utc_and_say_so(tmp_path: Path) -> None:
    """`firewall load-confirmed` printed the confirm time in the server's local time, `confirm`
    after a rollback "rolled back at HH:MM:SS" the same, and `status` "checked HH:MM:SS": none
    said the zone, while every other time spamtrace prints is UTC and says so."""
    import json

    from spamtrace.actions.firewall import transaction
    from spamtrace.errors import FirewallError
    from spamtrace.render.firewall import loaded_confirmed_text
    from spamtrace.render.status import status_lines

    text = loaded_confirmed_text({"backend": "nft", "confirmed_at": 3600})
    assert text == "loaded the firewall rules confirmed on 1970-01-01 01:00:00 UTC (nft)"
    (tmp_path / transaction.ROLLED_BACK).write_text(json.dumps({"at": 3600}))
    with pytest.raises(FirewallError, match=r"rolled back at 01:00:00 UTC; run apply again"):
        transaction.confirm(tmp_path)
    doc = {"running": True, "firewall": {
        "state": "absent", "backend": "nft", "checked": "2026-12-07T09:19:12.441Z"}}  # fmt: skip
    assert any("ABSENT (nft), checked 09:19:12 UTC" in x for x in status_lines(doc))


def test_a_confirmed_policy_not_loaded_says_load_confirmed_not_apply() -> None:
    """Confirmed rules flushed (or a boot that did not load them): `firewall status` said
    "NOT LOADED (nft); run `spamtrace firewall apply`", a new trial of the config's rules with
    its own confirm, where `load-confirmed` puts back what was confirmed."""
    plan = make_plan()
    gone = {"loaded": False, "drift": [], "compared_with": "confirmed", "counters": {}}
    assert status_lines("nft", plan, gone, None)[0] == (
        "firewall: NOT LOADED (nft): the confirmed policy is not in force (flushed, or a boot "
        "that did not load it): SMTP egress is open; `spamtrace firewall load-confirmed` loads "
        "it again"
    )
    never = {"loaded": False, "drift": [], "compared_with": None, "counters": {}}
    assert status_lines("nft", plan, never, None)[0] == (
        "firewall: NOT LOADED (nft); run `spamtrace firewall apply`"
    )
