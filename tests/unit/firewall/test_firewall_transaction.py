"""The apply -> confirm | rollback transaction under faults: the pending record exists before
the table is loaded, an overdue rollback is performed by anyone, the timer is the second guard."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fwfake import make_plan

from spamtrace.actions.firewall import transaction
from spamtrace.errors import FirewallError, UsageError


class FakeBackend:
    name = "nft"

    def __init__(self, state: Path) -> None:
        self.state = state
        self.loaded: dict[str, Any] | None = None
        self.pending_at_load: dict[str, Any] | None = None
        self.restored: list[dict[str, Any]] = []

    def snapshot(self) -> dict[str, Any]:
        return {"backend": "nft", "previous": self.loaded}

    def apply(self, plan: object) -> bool:
        self.pending_at_load = transaction.read_json(self.state / transaction.PENDING)
        self.loaded = {"table": "new"}
        return True

    def record(self) -> None:
        return None

    def restore(self, snap: dict[str, Any]) -> None:
        self.restored.append(snap)
        self.loaded = snap.get("previous")


def _overdue(pending: dict[str, Any], by: float = 10.0) -> dict[str, Any]:
    """``pending`` with its deadline ``by`` seconds past, on both clocks it is kept on."""
    pending["deadline"] = time.time() - by
    if pending.get("deadline_boot") is not None:
        pending["deadline_boot"] = time.clock_gettime(time.CLOCK_BOOTTIME) - by
    return pending


def _apply(tmp_path: Path, backend: FakeBackend, timeout: int = 60) -> transaction.ApplyResult:
    return transaction.apply(
        backend, make_plan(), tmp_path, timeout=timeout, yes=False,  # type: ignore[arg-type]
        rollback_argv=lambda token: ["true", token],
    )  # fmt: skip


def test_pending_record_is_written_before_the_table_is_loaded(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend)
    assert backend.pending_at_load is not None  # a kill during the load leaves a record
    assert backend.pending_at_load["deadline"] > time.time()
    pending = transaction.read_json(tmp_path / transaction.PENDING)
    assert pending is not None and pending["pid"] and pending["policy"] == backend.snapshot()


def test_a_failed_load_leaves_no_record(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path)

    def boom(plan: object) -> bool:
        raise FirewallError("nft refused")

    backend.apply = boom  # type: ignore[method-assign]
    with pytest.raises(FirewallError):
        _apply(tmp_path, backend)
    assert not (tmp_path / transaction.PENDING).exists()


def test_overdue_rollback_is_done_by_anyone_and_only_once(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend)
    assert transaction.rollback_overdue(tmp_path, lambda _: backend) is None  # not due yet
    pending = json.loads((tmp_path / transaction.PENDING).read_text())
    _overdue(pending)  # its helper died long ago
    (tmp_path / transaction.PENDING).write_text(json.dumps(pending))
    status = transaction.pending_status(tmp_path)
    assert status is not None and status["overdue"] and status["seconds_left"] < 0
    done = transaction.rollback_overdue(tmp_path, lambda _: backend)
    assert done is not None and done["token"] == pending["token"]
    assert backend.loaded is None and len(backend.restored) == 1
    assert transaction.rollback_overdue(tmp_path, lambda _: backend) is None
    assert not transaction.rollback(tmp_path, pending["token"], lambda _: backend)
    assert len(backend.restored) == 1
    assert transaction.pending_status(tmp_path) is None


def test_helper_waits_for_the_recorded_deadline(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend, timeout=1)
    token = json.loads((tmp_path / transaction.PENDING).read_text())["token"]
    start = time.monotonic()
    assert transaction.wait_and_rollback(tmp_path, token, lambda _: backend)
    assert 0.5 < time.monotonic() - start < 5 and backend.loaded is None


@pytest.mark.parametrize("timeout", [0, -1, transaction.MAX_TIMEOUT + 1, 99999999999])
def test_timeout_is_bounded(tmp_path: Path, timeout: int) -> None:
    with pytest.raises(FirewallError, match=r"1\.\.86400"):
        _apply(tmp_path, FakeBackend(tmp_path), timeout=timeout)


def test_systemd_timer_is_asked_for_where_systemd_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    class Done:
        returncode = 0

    monkeypatch.setattr(transaction, "systemd_running", lambda: True)
    monkeypatch.setattr(
        transaction.subprocess, "run", lambda argv, **_: calls.append(argv) or Done()
    )
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend, timeout=30)
    pending = json.loads((tmp_path / transaction.PENDING).read_text())
    unit = pending["timer"]
    assert unit == f"spamtrace-rollback-{pending['token'][:12]}"
    (run,) = [c for c in calls if c[0] == "systemd-run"]
    assert f"--unit={unit}" in run and "--on-active=30s" in run and run[-1] == pending["token"]
    assert transaction.confirm(tmp_path)
    assert ["systemctl", "stop", f"{unit}.timer"] in calls


def test_no_timer_without_systemd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transaction, "systemd_running", lambda: False)
    _apply(tmp_path, FakeBackend(tmp_path))
    assert json.loads((tmp_path / transaction.PENDING).read_text())["timer"] is None


def test_recorded_backend_is_the_one_that_loaded_the_rules(tmp_path: Path) -> None:
    # `--backend auto` after `apply --backend iptables` must mean iptables: else `remove`
    # says "not loaded", forgets the rollback and leaves the iptables chains loaded
    assert transaction.recorded_backend(tmp_path / "none") is None
    assert transaction.recorded_backend(tmp_path) is None
    (tmp_path / transaction.IPT_RECORD).write_text("-N SPAMTRACE_SMTP\n")
    assert transaction.recorded_backend(tmp_path) == "iptables"
    transaction.write_json(tmp_path / transaction.CONFIRMED, {"backend": "nft", "previous": "x"})
    assert transaction.recorded_backend(tmp_path) == "nft"
    transaction.write_json(tmp_path / transaction.PENDING, {"backend": "iptables", "token": "t"})
    assert transaction.recorded_backend(tmp_path) == "iptables"  # the rules on trial
    transaction.write_json(tmp_path / transaction.PENDING, {"backend": "bogus"})
    assert transaction.recorded_backend(tmp_path) == "nft"


def test_apply_with_another_backend_than_the_loaded_one_is_refused(tmp_path: Path) -> None:
    # both backends' rules loaded at once is never right: remove the other's first
    (tmp_path / transaction.IPT_RECORD).write_text("-N SPAMTRACE_SMTP\n")
    backend = FakeBackend(tmp_path)
    with pytest.raises(UsageError, match=r"loaded with iptables.*firewall remove"):
        _apply(tmp_path, backend)
    assert backend.loaded is None and not (tmp_path / transaction.PENDING).exists()
    (tmp_path / transaction.IPT_RECORD).unlink()
    _apply(tmp_path, backend)  # nft over nft: a normal re-apply
    assert backend.loaded == {"table": "new"}


@pytest.mark.parametrize("error", [FirewallError("nft check failed"), KeyboardInterrupt()])
@pytest.mark.parametrize("yes", [False, True])
def test_a_failed_apply_over_one_on_trial_keeps_that_ones_rollback(
    tmp_path: Path, error: BaseException, yes: bool
) -> None:
    # apply (on trial), then another apply that nft refuses or a Ctrl-C stops: the first
    # one's rules are still loaded, unconfirmed, and must still roll back at its deadline;
    # its pending record was dropped, so they stayed loaded for good
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend, timeout=60)
    first = json.loads((tmp_path / transaction.PENDING).read_text())

    def boom(plan: object) -> bool:
        raise error

    backend.apply = boom  # type: ignore[method-assign]
    with pytest.raises(type(error)):
        transaction.apply(
            backend, make_plan(), tmp_path, timeout=60, yes=yes,  # type: ignore[arg-type]
            rollback_argv=lambda token: ["true", token],
        )  # fmt: skip
    status = transaction.pending_status(tmp_path)
    assert status is not None and not status["overdue"]
    pending = json.loads((tmp_path / transaction.PENDING).read_text())
    assert pending["deadline"] == first["deadline"]
    assert pending["deadline_boot"] == first["deadline_boot"]
    assert pending["token"] == first["token"] and pending["snapshot"] == first["snapshot"]
    assert Path(first["snapshot"]).exists()
    assert len(list(tmp_path.glob("snapshot-*.json"))) == 1
    _overdue(pending)
    (tmp_path / transaction.PENDING).write_text(json.dumps(pending))
    assert transaction.rollback_overdue(tmp_path, lambda _: backend) is not None
    assert backend.loaded is None  # back to before the first apply


def test_a_reapply_killed_before_its_record_is_written_leaves_the_first_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a kill -9 of the second apply at any moment leaves a record that rolls back to the
    # state before the first apply: the first record was removed before the second was
    # written, and a death between the two left the rules on trial with no rollback
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend, timeout=60)
    first = json.loads((tmp_path / transaction.PENDING).read_text())
    write_json = transaction.write_json

    def killed(path: Path, data: dict[str, Any]) -> None:
        if path.name == transaction.PENDING:
            raise KeyboardInterrupt  # dies here (os.replace makes the write all or nothing)
        write_json(path, data)

    monkeypatch.setattr(transaction, "write_json", killed)
    with pytest.raises(KeyboardInterrupt):
        _apply(tmp_path, backend, timeout=60)
    monkeypatch.setattr(transaction, "write_json", write_json)
    pending = transaction.read_json(tmp_path / transaction.PENDING)
    assert pending is not None and pending["token"] == first["token"]
    _apply(tmp_path, backend, timeout=60)  # a third apply keeps the first saved state
    second = json.loads((tmp_path / transaction.PENDING).read_text())
    assert second["snapshot"] == first["snapshot"] and second["token"] != first["token"]
    assert transaction.confirm(tmp_path)
    assert not list(tmp_path.glob("snapshot-*.json"))


def test_a_first_apply_stopped_midway_keeps_its_rollback(tmp_path: Path) -> None:
    # Ctrl-C while `nft -f` runs: the table may have been loaded, so the rollback stands;
    # a refusal (nft ran to its end) loaded nothing and leaves no record
    backend = FakeBackend(tmp_path)
    backend.loaded = {"table": "confirmed"}

    def interrupted(plan: object) -> bool:
        backend.loaded = {"table": "new"}
        raise KeyboardInterrupt

    backend.apply = interrupted  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        _apply(tmp_path, backend)
    pending = json.loads((tmp_path / transaction.PENDING).read_text())
    assert pending["pid"] and Path(pending["snapshot"]).exists()
    _overdue(pending)
    (tmp_path / transaction.PENDING).write_text(json.dumps(pending))
    assert transaction.rollback_overdue(tmp_path, lambda _: backend) is not None
    assert backend.loaded == {"table": "confirmed"}


def _boot_now() -> tuple[str, float]:
    return (
        Path("/proc/sys/kernel/random/boot_id").read_text().strip(),
        time.clock_gettime(time.CLOCK_BOOTTIME),
    )


@pytest.mark.parametrize("step", [-3600.0, 3600.0])
def test_a_step_of_the_wall_clock_moves_no_rollback(tmp_path: Path, step: float) -> None:
    # the deadline is kept on the boot clock too: a wall clock stepped back an hour after the
    # apply (NTP, by hand) held the rollback back an hour, unconfirmed rules staying loaded;
    # stepped forward, it rolled back at once what the admin was still trying
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend, timeout=60)
    pending = json.loads((tmp_path / transaction.PENDING).read_text())
    boot_id, boot_now = _boot_now()
    assert pending["boot_id"] == boot_id
    due = step < 0  # stepped back: by the boot clock the deadline has passed (10 s ago)
    pending["deadline_boot"] = boot_now + (-10.0 if due else 50.0)
    pending["deadline"] = time.time() + (3600.0 if due else -3600.0)  # what the wall says now
    (tmp_path / transaction.PENDING).write_text(json.dumps(pending))
    status = transaction.pending_status(tmp_path)
    assert status is not None and status["overdue"] is due
    assert (status["seconds_left"] < 0) is due
    done = transaction.rollback_overdue(tmp_path, lambda _: backend)
    assert (done is not None) is due
    assert (backend.loaded is None) is due


def test_a_record_of_another_boot_goes_by_the_wall_clock(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend, timeout=60)
    pending = json.loads((tmp_path / transaction.PENDING).read_text())
    pending["boot_id"] = "another-boot"
    pending["deadline_boot"] = 1e12  # that boot's clock means nothing now
    pending["deadline"] = time.time() - 10
    (tmp_path / transaction.PENDING).write_text(json.dumps(pending))
    assert transaction.rollback_overdue(tmp_path, lambda _: backend) is not None
    assert backend.loaded is None


@pytest.mark.parametrize(
    "damage",
    [b'{\n  "backend": "nft",\n  "previous": "table inet spam', b"", b"[]", b'{"backend": "x"}'],
)
def test_damaged_confirmed_rules_are_an_error_not_nothing_confirmed(
    tmp_path: Path, damage: bytes
) -> None:
    # a confirmed.json cut short (a disk error, a full disk) was read as "no confirmed rules":
    # the boot unit loaded nothing and said "none applied and confirmed yet", exit 0, and port
    # 25 stayed open after every reboot with nothing failed
    backend = FakeBackend(tmp_path)
    assert transaction.confirmed_policy(tmp_path) is None  # never confirmed: nothing, no error
    assert transaction.load_confirmed(tmp_path, lambda _: backend) is None
    (tmp_path / transaction.CONFIRMED).write_bytes(damage)
    with pytest.raises(FirewallError, match=r"confirmed\.json: .*damaged.*firewall apply"):
        transaction.load_confirmed(tmp_path, lambda _: backend)
    with pytest.raises(FirewallError, match="damaged"):
        transaction.confirmed_policy(tmp_path)
    assert backend.restored == []
    # a new apply confirms rules again over it
    transaction.apply(
        backend, make_plan(), tmp_path, timeout=60, yes=True,  # type: ignore[arg-type]
        rollback_argv=lambda token: ["true", token],
    )  # fmt: skip
    assert transaction.confirmed_policy(tmp_path) is not None


@pytest.mark.parametrize(
    "damage",
    [
        b'{\n  "token": "ab12",\n  "pid": null,\n  "timer": null,\n  "dead',
        b"",
        b"not json",
        b"[]",
        b'{"token": "ab12", "backend": "nft", "deadline": "soon", "snapshot": "x"}',
    ],
)
def test_a_damaged_trial_record_rolls_the_rules_on_trial_back(
    tmp_path: Path, damage: bytes
) -> None:
    # a pending.json cut short (or with wrong types) read as "nothing pending": the helper
    # left, the overdue check saw nothing, and the unconfirmed rules stayed loaded for good
    backend = FakeBackend(tmp_path)
    backend.loaded = {"table": "confirmed"}
    _apply(tmp_path, backend)
    assert backend.loaded == {"table": "new"}
    (tmp_path / transaction.PENDING).write_bytes(damage)
    with pytest.raises(FirewallError, match=r"pending\.json: .*damaged.*nothing confirmed"):
        transaction.confirm(tmp_path)
    with pytest.raises(FirewallError, match=r"pending\.json: .*damaged"):
        transaction.pending_status(tmp_path)
    done = transaction.rollback_overdue(tmp_path, lambda _: backend)
    assert done is not None and "damaged" in done["damaged"]
    assert backend.loaded == {"table": "confirmed"}  # the state saved before the apply
    assert not (tmp_path / transaction.PENDING).exists()
    assert not list(tmp_path.glob("snapshot-*.json"))
    with pytest.raises(FirewallError, match=r"too late: .*damaged"):
        transaction.confirm(tmp_path)


def test_the_helper_rolls_back_a_damaged_trial_record_at_once(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend, timeout=3600)
    token = transaction.read_json(tmp_path / transaction.PENDING)["token"]  # type: ignore[index]
    (tmp_path / transaction.PENDING).write_text('{"token": 3}')
    assert transaction.wait_and_rollback(tmp_path, token, lambda _: backend)
    assert backend.loaded is None  # no table before the apply: none after
    assert not (tmp_path / transaction.PENDING).exists()


def test_without_its_saved_state_a_damaged_trial_goes_back_to_the_confirmed_rules(
    tmp_path: Path,
) -> None:
    backend = FakeBackend(tmp_path)
    transaction.apply(
        backend, make_plan(), tmp_path, timeout=60, yes=True,  # type: ignore[arg-type]
        rollback_argv=lambda token: ["true", token],
    )  # fmt: skip
    backend.loaded = {"table": "by hand"}
    _apply(tmp_path, backend)
    for snap in tmp_path.glob("snapshot-*.json"):
        snap.unlink()
    (tmp_path / transaction.PENDING).write_text("{")
    assert transaction.rollback(tmp_path, "whatever", lambda _: backend)
    assert backend.restored[-1]["previous"] == {"table": "new"}  # the confirmed rules
    assert "confirmed_at" in backend.restored[-1]


def test_a_damaged_trial_record_is_refused_by_apply_and_dropped_at_boot(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend)
    (tmp_path / transaction.PENDING).write_text("{")
    with pytest.raises(FirewallError, match=r"pending\.json: .*damaged.*nothing applied"):
        _apply(tmp_path, backend)
    assert transaction.load_confirmed(tmp_path, lambda _: backend) is None
    assert not (tmp_path / transaction.PENDING).exists()
    assert not list(tmp_path.glob("snapshot-*.json"))


def test_confirm_writes_the_confirmed_record_before_it_drops_the_pending_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # confirm dropped the pending record, then wrote the confirmed one: a kill between the
    # two left the rules on trial loaded with no rollback and the older rules as confirmed
    # (the boot loaded those, the daemon's check called the kept ones drift). A kill at
    # every step of confirm must leave what is loaded, in the end, the confirmed rules.
    real_write, real_unlink = transaction.write_json, Path.unlink
    for step in range(8):
        state = tmp_path / str(step)
        state.mkdir()
        backend = FakeBackend(state)
        backend.loaded = {"table": "old"}
        transaction._confirm_policy(state, backend.snapshot())
        _apply(state, backend)
        done = [0]

        def crash_at(step: int = step, done: list[int] = done) -> None:
            done[0] += 1
            if done[0] > step:
                raise KeyboardInterrupt("killed")

        def write_json(path: Path, data: dict[str, Any]) -> None:
            crash_at()
            real_write(path, data)

        def unlink(self: Path, missing_ok: bool = False) -> None:
            crash_at()
            real_unlink(self, missing_ok=missing_ok)

        monkeypatch.setattr(transaction, "write_json", write_json)
        monkeypatch.setattr(Path, "unlink", unlink)
        try:
            killed = False
            transaction.confirm(state)
        except KeyboardInterrupt:
            killed = True
        monkeypatch.undo()
        # the world goes on: the deadline passes, and the overdue check runs
        pending = transaction.read_json(state / transaction.PENDING)
        if pending is not None:
            transaction.write_json(state / transaction.PENDING, _overdue(pending))
        transaction.rollback_overdue(state, lambda _, b=backend: b)  # type: ignore[misc]
        confirmed = transaction.confirmed_policy(state)
        assert confirmed is not None and confirmed["previous"] == backend.loaded, step
        assert not (state / transaction.PENDING).exists()
        assert transaction.pending_status(state) is None
        if not killed:
            assert backend.loaded == {"table": "new"}
            break


def test_a_confirm_killed_after_its_confirmed_record_is_finished_not_rolled_back(
    tmp_path: Path,
) -> None:
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend)
    pending = transaction.read_json(tmp_path / transaction.PENDING)
    assert pending is not None
    # confirm wrote the confirmed record and was killed before it dropped the pending one
    transaction._confirm_policy(tmp_path, pending["policy"], pending["token"])
    assert transaction.pending_status(tmp_path) is None  # no rollback to announce
    transaction.write_json(tmp_path / transaction.PENDING, _overdue(pending))
    assert not transaction.wait_and_rollback(tmp_path, pending["token"], lambda _: backend)
    assert not transaction.rollback(tmp_path, pending["token"], lambda _: backend)  # the timer
    assert backend.loaded == {"table": "new"} and backend.restored == []
    assert not (tmp_path / transaction.PENDING).exists()
    assert not Path(pending["snapshot"]).exists()


def test_an_overdue_rollback_is_told_in_one_escaped_line() -> None:
    from spamtrace.service.firewall import OverdueRollback

    late = OverdueRollback(deadline=100.0, late_seconds=42.4).warning()
    assert late.startswith("the automatic rollback was overdue by 42 s") and "\n" not in late
    damaged = OverdueRollback(None, 0.0, damaged="pending.json\n\x1b[31m: not JSON").warning()
    assert "\n" not in damaged and "\x1b" not in damaged
    assert damaged.endswith("its rules were rolled back now (its deadline was unknown); run "
                            "`spamtrace firewall apply` again")


def test_an_apply_kept_at_once_after_a_rollback_is_not_called_rolled_back(
    tmp_path: Path,
) -> None:
    """apply (not confirmed, rolled back), then `apply --no-rollback`: `firewall status`
    went on saying "the last apply was not confirmed: rolled back at ...", under rules
    loaded and confirmed since. Only an apply on trial forgot that record."""
    backend = FakeBackend(tmp_path)
    _apply(tmp_path, backend)
    pending = json.loads((tmp_path / transaction.PENDING).read_text())
    (tmp_path / transaction.PENDING).write_text(json.dumps(_overdue(pending)))
    assert transaction.rollback_overdue(tmp_path, lambda _: backend) is not None
    assert transaction.last_rollback(tmp_path) is not None
    transaction.apply(
        backend, make_plan(), tmp_path, timeout=60, yes=True,  # type: ignore[arg-type]
        rollback_argv=lambda token: ["true", token],
    )  # fmt: skip
    assert transaction.confirmed_policy(tmp_path) is not None
    assert transaction.last_rollback(tmp_path) is None


@pytest.mark.parametrize("when", ["x", float("nan"), float("inf"), 1e300, -1e300, True, [1]])
def test_confirmed_rules_with_an_unreadable_date_still_load_and_say_so(
    tmp_path: Path, when: object
) -> None:
    # a hand-edited confirmed.json whose confirmed_at was no date: the boot unit loaded the
    # rules, then `firewall load-confirmed` died on the date ("internal error: TypeError",
    # exit 3: the unit failed though the rules were in) and --json could print NaN
    from spamtrace.render.firewall import loaded_confirmed_text

    backend = FakeBackend(tmp_path)
    record = {"backend": "nft", "previous": "table inet spamtrace {}", "confirmed_at": when}
    (tmp_path / transaction.CONFIRMED).write_text(json.dumps(record))
    policy = transaction.load_confirmed(tmp_path, lambda _: backend)
    assert policy is not None and backend.restored
    assert policy["confirmed_at"] is None
    assert loaded_confirmed_text(policy) == (
        "loaded the firewall rules confirmed at an unknown time (nft)"
    )
    json.dumps(policy, allow_nan=False)
