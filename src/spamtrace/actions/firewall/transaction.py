"""Safe apply of the firewall (like ``iptables-apply``), and the last confirmed policy.

``apply`` saves the previous state of *our* table, loads the new one and (unless ``yes``)
starts a detached rollback process (``spamtrace firewall _rollback --after N --token T``). If
``confirm`` does not come within N seconds, that process restores the saved state (or
removes our table when there was none). Confirm and rollback take the same lock, so exactly
one of them wins.

A policy becomes *confirmed* when ``confirm`` keeps it, when ``apply --no-rollback`` loads it, or
when ``apply`` finds it already loaded with nothing pending. The confirmed policy (what was loaded,
as the backend lists it) is kept in ``confirmed.json``; :func:`load_confirmed` loads it at boot
(``spamtrace-firewall.service``) and the daemon compares the loaded table with it (drift).
An unconfirmed policy is never written there, so a reboot during the confirmation window
brings back the last confirmed one, never the one on trial. ``remove`` forgets it.

State lives in the state directory (default ``/var/lib/spamtrace/firewall``, mode 0700).

The rollback survives the death of any spamtrace process:

- the record of the pending rollback (token, deadline, snapshot) is written *before* the new
  table is loaded, so a kill of ``apply`` at any moment leaves either nothing loaded or a
  record whose deadline someone will honour;
- the detached helper sleeps until the recorded deadline (not a relative time), and is
  backed, where systemd is PID 1, by a transient systemd timer (``systemd-run
  --on-active``) that runs the same rollback: whichever comes first does it (the token makes
  the second a no-op);
- anywhere, :func:`rollback_overdue` performs a rollback whose deadline has passed: every
  ``spamtrace firewall`` command and the daemon's periodic firewall check call it, so a dead
  helper (``kill -9``, OOM) delays the rollback at most until the next of them.

:func:`pending_status` tells the truth about a pending rollback: time left, whether the helper
is alive, the timer, and an overdue deadline.

A pending record that is there but damaged (cut short by a disk error, not JSON, fields of the
wrong type: :func:`read_pending` raises :class:`DamagedTrialRecord`) no longer reads as
"nothing pending", which kept the rules on trial for good: its deadline is unknown, so it is
taken as passed. The helper, the timer, :func:`rollback_overdue` (every ``spamtrace
firewall`` command, the daemon's check) roll the rules on trial back at once
(:func:`_rollback_damaged`: to the one state saved before the apply when exactly one
``snapshot-*.json`` is there, else to the confirmed rules, else no table of ours) and say so;
``confirm`` and ``apply`` refuse it (exit 3); ``load-confirmed`` and ``remove`` drop it as they
drop any record on trial.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spamtrace.errors import DamagedTrialRecord, FirewallError, SpamtraceError, UsageError
from spamtrace.safetext import escape, quoted

if TYPE_CHECKING:
    from spamtrace.actions.firewall.backends import Backend
    from spamtrace.policy.firewall_plan import FirewallPlan

DEFAULT_STATE_DIR = "/var/lib/spamtrace/firewall"
PENDING = "pending.json"
ROLLED_BACK = "rolled-back.json"
CONFIRMED = "confirmed.json"
IPT_RECORD = "iptables-applied.txt"
MAX_TIMEOUT = 24 * 3600  # the longest confirmation window (seconds)
OVERDUE_GRACE = 2.0  # seconds past the deadline before anyone but the helper rolls back


def _boot_clock() -> tuple[str, float] | None:
    """(this boot's id, seconds since boot, suspended time included): a clock that no step
    of the wall clock moves. None where the kernel does not say."""
    try:
        boot_id = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        return boot_id, time.clock_gettime(time.CLOCK_BOOTTIME)
    except (OSError, AttributeError, ValueError):
        return None


def seconds_left(pending: dict[str, Any]) -> float:
    """Seconds to the deadline of a pending record (negative: passed). By the boot clock when
    the record was written in this boot: a step of the wall clock since (NTP at boot, a clock
    set by hand) neither holds the rollback back (unconfirmed rules staying loaded) nor
    brings it forward; else (another boot, an older record) by the wall clock."""
    boot = _boot_clock()
    at = pending.get("deadline_boot")
    if boot is not None and pending.get("boot_id") == boot[0] and isinstance(at, (int, float)):
        return float(at) - boot[1]
    return float(pending.get("deadline") or 0) - time.time()


def state_dir(path: str) -> Path:
    """The state directory, made (mode 0700) when missing."""
    state = Path(path)
    try:
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:  # the path is a file ("File exists" said nothing of that)
        if state.is_symlink():  # to nothing: it read "a file, not a folder"
            raise FirewallError(
                f"state dir {escape(str(state))}: a symlink to {quoted(os.readlink(state))}, "
                "which does not exist (make that folder, mode 0700, or point the link at one)"
            ) from None
        raise FirewallError(
            f"state dir {escape(str(state))}: a file, not a folder"
        ) from None
    except OSError as exc:
        raise FirewallError(f"state dir {escape(str(state))}: {exc.strerror or exc}") from None
    return state


@contextlib.contextmanager
def locked(state: Path) -> Iterator[None]:
    with open(state / "lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps(data, indent=2))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _is_rollback_process(pid: int, token: str) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"_rollback" in cmdline and token.encode() in cmdline


def _helper_alive(pending: dict[str, Any]) -> bool:
    pid, token = int(pending.get("pid") or 0), str(pending.get("token", ""))
    return pid > 0 and bool(token) and _is_rollback_process(pid, token)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_MISSING = object()


def _read_record(path: Path, error: type[FirewallError], unreadable: str) -> object:
    """The JSON document of one of the state dir's records; ``_MISSING`` when there is no
    such file, None when it is not JSON (the caller checks its shape); a file that cannot be
    read raises ``error`` (``unreadable``: what it is, for the message)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _MISSING
    except OSError as exc:
        raise error(f"{path}: {unreadable} cannot be read: {exc.strerror}") from None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def read_pending(state: Path) -> dict[str, Any] | None:
    """The record of the apply on trial; None when there is none. A record that is there but
    cannot be read or is not what :func:`apply` writes raises :class:`DamagedTrialRecord`."""
    path = state / PENDING
    doc = _read_record(path, DamagedTrialRecord, "the record of the firewall apply on trial")
    if doc is _MISSING:
        return None
    if not (
        isinstance(doc, dict)
        and isinstance(doc.get("token"), str)
        and doc["token"]
        and doc.get("backend") in ("nft", "iptables")
        and _number(doc.get("deadline"))
        and isinstance(doc.get("snapshot"), str)
        and doc["snapshot"]
        and isinstance(doc.get("policy"), dict | None)
        and isinstance(doc.get("pid"), int | None)
        and not isinstance(doc.get("pid"), bool)
        and isinstance(doc.get("timer"), str | None)
        and isinstance(doc.get("boot_id"), str | None)
        and (doc.get("deadline_boot") is None or _number(doc.get("deadline_boot")))
    ):
        raise DamagedTrialRecord(
            f"{path}: the record of the firewall apply on trial is damaged (not what spamtrace "
            "writes there)"
        )
    return doc


def _drop_damaged(state: Path) -> None:
    """Forget a damaged pending record and the saved states (caller holds the lock)."""
    (state / PENDING).unlink(missing_ok=True)
    for snap in state.glob("snapshot-*.json"):
        snap.unlink(missing_ok=True)


def _rollback_damaged(
    state: Path, damaged: DamagedTrialRecord, backend_of: Callable[[str], Backend]
) -> dict[str, Any]:
    """Roll back the rules of an apply whose record is damaged (caller holds the lock): its
    deadline and saved state are unknown, so now, to the one saved state in the state dir,
    else to the confirmed rules, else to no table of ours. Returns ``{"damaged": why}``."""
    snaps = sorted(state.glob("snapshot-*.json"))
    saved = read_json(snaps[0]) if len(snaps) == 1 else None
    if saved is not None and saved.get("backend") in ("nft", "iptables") and "previous" in saved:
        snap = saved
    else:
        snap = confirmed_policy(state) or {  # damaged as well: an error, nothing is changed
            "backend": recorded_backend(state) or "auto",
            "previous": None,
        }
    backend_of(str(snap.get("backend"))).restore(snap)
    _drop_damaged(state)
    write_json(
        state / ROLLED_BACK,
        {"token": "", "at": time.time(), "restored": bool(snap.get("previous")),
         "damaged": damaged.message},
    )  # fmt: skip
    return {"damaged": damaged.message}


def cancel_pending(state: Path) -> dict[str, Any] | None:
    """Drop a pending rollback (caller holds the lock); returns what it was. A damaged record
    is dropped with the saved states (None)."""
    try:
        pending = read_pending(state)
    except DamagedTrialRecord:
        _drop_damaged(state)
        return None
    if pending is None:
        return None
    (state / PENDING).unlink(missing_ok=True)
    _stop_guards(pending)
    return pending


def _stop_guards(pending: dict[str, Any]) -> None:
    """Stop the helper and the timer of a pending record that no longer stands."""
    if _helper_alive(pending) and int(pending["pid"]) != os.getpid():  # not the helper itself
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pending["pid"]), signal.SIGTERM)
    timer = pending.get("timer")
    if isinstance(timer, str) and timer:
        stop_timer(timer)


def systemd_running() -> bool:
    """True when systemd is PID 1 (transient timers are possible)."""
    return os.path.isdir("/run/systemd/system")


def start_timer(token: str, deadline: float, argv: list[str]) -> str | None:
    """A transient systemd timer that runs ``argv`` at ``deadline`` (the second, independent
    rollback mechanism); its unit name, or None where systemd does not run or refuses."""
    if not systemd_running():
        return None
    unit = f"spamtrace-rollback-{token[:12]}"
    delay = max(1, int(deadline - time.time() + 0.999))
    cmd = [
        "systemd-run", "--quiet", "--collect", f"--unit={unit}", f"--on-active={delay}s",
        "--timer-property=AccuracySec=1s", *argv,
    ]  # fmt: skip
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return unit if done.returncode == 0 else None


def stop_timer(unit: str) -> None:
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            ["systemctl", "stop", f"{unit}.timer"], capture_output=True, timeout=30, check=False
        )


def spawn_detached(argv: list[str], log: Path) -> int:
    """Start ``argv`` in its own session (it outlives us); its output goes to ``log``."""
    with open(log, "a") as out:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
            close_fds=True,
        )
    return proc.pid


#: the generation of the rules this spamtrace makes, kept with the confirmed rules (``rules``):
#: rules confirmed by an older spamtrace (a lower number, or none: 1) differ from this one's by
#: what it added since (2: ``st:held`` and ``st:uid-block-held``, the resets of connections
#: opened before a block), which is no hand edit nor a changed config. Raise it with the rules.
RULES_VERSION = 2

#: said where the confirmed rules are an older spamtrace's and differ from the loaded ones
OLDER_RULES = (
    "the confirmed rules were made by an older spamtrace (before an upgrade): this version's "
    "rules differ by what it added, not by a hand edit or a config change; run `spamtrace "
    "firewall apply`, then `spamtrace firewall confirm`, to load and confirm them"
)


#: said where our table is loaded and no rules were ever confirmed here: the boot unit loads
#: only confirmed rules, so these would be gone after a reboot (an upgrade from a spamtrace of
#: before 2026-12-04, whose ``confirm`` kept no record, leaves the host so)
#: a confirmed policy whose table is not loaded (or holds only the responses' blocks): what
#: it means and the one command that mends it (`apply` starts a new trial, with its confirm)
CONFIRMED_GONE = (
    "the confirmed policy is not in force (flushed, or a boot that did not load it): SMTP "
    "egress is open; `spamtrace firewall load-confirmed` loads it again"
)

UNCONFIRMED = (
    "no confirmed rules are kept in the state dir (the `confirm` of a spamtrace older than "
    "2026-12-04 kept none, or the table was loaded by hand): `firewall load-confirmed` at boot "
    "will not load these again; run `spamtrace firewall apply`, then `spamtrace firewall "
    "confirm`"
)


def confirmed_by_older(policy: dict[str, Any]) -> bool:
    """The confirmed ``policy`` was written by a spamtrace whose rules are older than this one's."""
    version = policy.get("rules", 1)
    return not isinstance(version, int) or isinstance(version, bool) or version < RULES_VERSION


def _confirm_policy(state: Path, policy: dict[str, Any] | None, token: str = "") -> None:
    """Keep ``policy`` (a backend snapshot of what is loaded) as the confirmed one; ``token``:
    the apply on trial that ``confirm`` kept (its record is dropped after this write)."""
    if policy is not None and policy.get("previous"):
        record = {**policy, "confirmed_at": time.time(), "rules": RULES_VERSION}
        if token:
            record["token"] = token
        write_json(state / CONFIRMED, record)


def _confirmed_already(state: Path, pending: dict[str, Any]) -> bool:
    """``confirm`` kept this apply and was killed before it dropped the pending record: the
    confirmed record carries its token. Then its rollback must not happen."""
    confirmed = read_json(state / CONFIRMED)
    token = pending.get("token")
    return bool(token) and confirmed is not None and confirmed.get("token") == token


def _finish_confirm(state: Path, pending: dict[str, Any]) -> None:
    """The end of ``confirm`` (caller holds the lock), after the confirmed record is written:
    drop the pending record, stop its helper and timer, forget its saved state."""
    (state / PENDING).unlink(missing_ok=True)
    _stop_guards(pending)
    Path(pending.get("snapshot") or "/nonexistent").unlink(missing_ok=True)


def confirmed_policy(state: Path) -> dict[str, Any] | None:
    """The last confirmed policy (a backend snapshot), or None when there is none. A file
    that is there but cannot be read, or is not what :func:`_confirm_policy` writes (cut short
    by a disk error), is a :class:`FirewallError`: read as "none", the boot loaded nothing and
    said nothing was ever confirmed."""
    path = state / CONFIRMED
    doc = _read_record(path, FirewallError, "the confirmed rules")
    if doc is _MISSING:
        return None
    if (
        not isinstance(doc, dict)
        or doc.get("backend") not in ("nft", "iptables")
        or not isinstance(doc.get("previous"), str | dict)
        or not doc.get("previous")
    ):
        raise FirewallError(
            f"{path}: the confirmed rules are damaged (not what spamtrace writes there) and "
            "can be neither loaded nor compared with: run `spamtrace firewall apply`, then "
            "`spamtrace firewall confirm`, to confirm rules again"
        )
    when = doc.get("confirmed_at")
    if not (isinstance(when, int | float) and not isinstance(when, bool)
            and 0 <= when < _YEAR_10000):  # the rules load; the date is unknown  # fmt: skip
        doc["confirmed_at"] = None
    return doc


_YEAR_10000 = 253402300800.0  # epoch seconds: a date past it is none a clock wrote


def recorded_backend(state: Path) -> str | None:
    """The backend that loaded spamtrace's rules, as the state dir remembers it: that of the
    apply on trial, else of the confirmed policy, else iptables when its record is there.
    ``--backend auto`` means this one, so that ``status``/``remove`` after ``apply --backend
    iptables`` look at the chains that are loaded, not at an empty nft table."""
    if not state.is_dir():
        return None
    for name in (PENDING, CONFIRMED):
        doc = read_json(state / name)
        if doc is not None and doc.get("backend") in ("nft", "iptables"):
            return str(doc["backend"])
    return "iptables" if (state / IPT_RECORD).exists() else None


@dataclass(frozen=True, slots=True)
class ApplyResult:
    backend: str
    mode: str
    changed: bool
    rollback_in: int | None  # seconds; None: nothing to confirm


def apply(
    backend: Backend,
    plan: FirewallPlan,
    state: Path,
    *,
    timeout: int,
    yes: bool,
    rollback_argv: Callable[[str], list[str]],
) -> ApplyResult:
    """Load ``plan``; unless ``yes``, a rollback process (``rollback_argv(token)``) undoes it
    after ``timeout`` seconds unless :func:`confirm` comes first. The pending record is
    written before the table is loaded (see the module doc). Refused (:class:`UsageError`)
    while the rules were loaded with another backend: ``remove`` them first.

    Over an apply still on trial, its record is replaced in one step (``os.replace``) and
    stands until this one has loaded: a kill at any moment leaves a record, and a load that
    fails (nft refuses, Ctrl-C) gives it back with its deadline, since its rules are still
    the ones loaded. A first apply stopped midway (Ctrl-C during ``nft -f``, which may have
    loaded) keeps its own record: rolling back to the saved state is harmless either way."""
    if not yes and not 1 <= timeout <= MAX_TIMEOUT:
        raise FirewallError(f"the confirmation timeout must be 1..{MAX_TIMEOUT} seconds")
    with locked(state):
        loaded_by = recorded_backend(state)
        if loaded_by is not None and loaded_by != backend.name:  # never both loaded at once
            raise UsageError(
                f"spamtrace's firewall rules are loaded with {loaded_by}: run 'spamtrace "
                f"firewall remove' first, then apply with --backend {backend.name}"
            )
        try:  # an apply on trial: its record stands for now
            old = read_pending(state)
        except DamagedTrialRecord as exc:  # its rollback comes first (every command does it)
            raise DamagedTrialRecord(
                f"{exc.message}: nothing applied; any `spamtrace firewall` command as root "
                "rolls its rules back first"
            ) from None
        if old is not None and _confirmed_already(state, old):  # a confirm killed midway
            _finish_confirm(state, old)
            old = None
        snapshot_path = Path(old["snapshot"]) if old and old.get("snapshot") else None
        made_snapshot = snapshot_path is None or not snapshot_path.exists()
        if made_snapshot:
            snapshot_path = state / f"snapshot-{secrets.token_hex(8)}.json"
            write_json(snapshot_path, backend.snapshot())
        assert snapshot_path is not None
        token = secrets.token_hex(12)
        record: dict[str, Any] = {
            "token": token,
            "pid": None,
            "timer": None,
            "deadline": time.time() + timeout,
            "boot_id": None,
            "deadline_boot": None,
            "backend": backend.name,
            "snapshot": str(snapshot_path),
            "policy": None,
        }
        boot = _boot_clock()
        if boot is not None:
            record["boot_id"], record["deadline_boot"] = boot[0], boot[1] + timeout
        if not yes:  # before loading: a kill from here on leaves a record someone honours
            write_json(state / PENDING, record)
        try:
            changed = backend.apply(plan)
        except BaseException as exc:
            # nft refused (it ran to its end: nothing was loaded), or this apply was stopped
            # midway (Ctrl-C, a timeout), when the load may have happened all the same
            refused = isinstance(exc, SpamtraceError)
            if old is not None:  # its rules are loaded, maybe replaced: its rollback stands
                if not yes:
                    _keep_pending(state, old, rollback_argv)
                if made_snapshot:  # its own was gone: this one is nobody's
                    snapshot_path.unlink(missing_ok=True)
            elif not yes and not refused:  # returns to the saved state if nobody confirms
                _keep_pending(state, record, rollback_argv)
            else:
                (state / PENDING).unlink(missing_ok=True)
                if made_snapshot:
                    snapshot_path.unlink(missing_ok=True)
            raise
        if old is not None:  # replaced: its helper and timer are not needed any more
            _stop_guards(old)
        recorded = backend.record()
        if recorded is not None:
            (state / IPT_RECORD).write_text(recorded)
        loaded = backend.snapshot()
        if yes or (not changed and old is None):
            (state / PENDING).unlink(missing_ok=True)
            snapshot_path.unlink(missing_ok=True)
            _confirm_policy(state, loaded)
            (state / ROLLED_BACK).unlink(missing_ok=True)  # an apply came after that one
            return ApplyResult(backend.name, plan.mode.value, changed, None)
        record["policy"] = loaded
        write_json(state / PENDING, record)
        record["pid"] = spawn_detached(rollback_argv(token), state / "rollback.log")
        record["timer"] = start_timer(token, float(record["deadline"]), rollback_argv(token))
        write_json(state / PENDING, record)
        (state / ROLLED_BACK).unlink(missing_ok=True)
    return ApplyResult(backend.name, plan.mode.value, changed, timeout)


def _keep_pending(
    state: Path, record: dict[str, Any], rollback_argv: Callable[[str], list[str]]
) -> None:
    """After a failed apply: ``record`` (the apply on trial before it, or this one when it
    was stopped midway) is the pending rollback, with a helper of its own."""
    with contextlib.suppress(BaseException):
        write_json(state / PENDING, record)
        # an earlier helper may have seen the other token meanwhile and left: a new one is
        # started (two are harmless: the token makes every rollback after the first a no-op,
        # and a helper whose record is gone leaves)
        record["pid"] = spawn_detached(rollback_argv(str(record.get("token", ""))),
                                       state / "rollback.log")  # fmt: skip
        write_json(state / PENDING, record)


def confirm(state: Path) -> bool:
    """Keep the rules of the last apply; False when nothing was waiting. Raises
    :class:`FirewallError` when the rollback already happened."""
    with locked(state):
        try:
            read_pending(state)
        except DamagedTrialRecord as exc:  # which rules were on trial is unknown
            raise DamagedTrialRecord(
                f"{exc.message}: nothing confirmed; its rules are rolled back by the next "
                "`spamtrace firewall` command or the daemon's check; run apply again"
            ) from None
        pending = read_pending(state)
        if pending is None:
            rolled = read_json(state / ROLLED_BACK)
            if rolled is not None:
                why = " (their record was damaged)" if rolled.get("damaged") else ""
                raise FirewallError(
                    f"too late: the rules were rolled back{why} at "
                    f"{time.strftime('%H:%M:%S', time.gmtime(rolled.get('at', 0)))} UTC; "
                    "run apply again"
                )
            return False
        # the confirmed record first (written whole, then renamed), then the pending one is
        # dropped: a kill between the two leaves a record whose rollback sees the confirm
        # (the token) and finishes it instead, never rules on trial that nobody rolls back
        policy = pending.get("policy")
        _confirm_policy(state, policy if isinstance(policy, dict) else None, str(pending["token"]))
        _finish_confirm(state, pending)
    return True


def wait_and_rollback(state: Path, token: str, backend_of: Callable[[str], Backend]) -> bool:
    """The helper: sleep until the recorded deadline of ``token`` (a few seconds at a time,
    leaving early when it was confirmed or replaced), then roll back."""
    while True:
        try:
            pending = read_pending(state)
        except DamagedTrialRecord:  # its deadline is unknown: now
            return rollback(state, token, backend_of)
        if pending is None or pending.get("token") != token or _confirmed_already(state, pending):
            return False
        left = seconds_left(pending)
        if left <= 0:
            return rollback(state, token, backend_of)
        time.sleep(min(left, 5.0))


def rollback_overdue(
    state: Path, backend_of: Callable[[str], Backend], grace: float = OVERDUE_GRACE
) -> dict[str, Any] | None:
    """Roll back a pending apply whose deadline passed more than ``grace`` seconds ago (its
    helper died); returns the pending record it rolled back, or None. A damaged record is
    rolled back at once (its deadline is unknown): then ``{"damaged": why}``."""
    if not (state / PENDING).exists():
        return None
    with locked(state):
        try:
            pending = read_pending(state)
        except DamagedTrialRecord as exc:
            return _rollback_damaged(state, exc, backend_of)
        if pending is None or seconds_left(pending) > -grace:
            return None
        if _confirmed_already(state, pending):  # confirm was killed midway: finish it
            _finish_confirm(state, pending)
            return None
        _rollback_locked(state, pending, backend_of)
    return pending


def pending_status(state: Path) -> dict[str, Any] | None:
    """What is true of a pending rollback now (None: nothing pending); a damaged record raises
    :class:`DamagedTrialRecord` (as root, every command has rolled it back before)."""
    pending = read_pending(state) if state.is_dir() else None
    if pending is None or _confirmed_already(state, pending):  # confirm killed midway
        return None
    left = seconds_left(pending)
    return {
        "deadline": time.time() + left,  # when it is due, by the wall clock of now
        "seconds_left": round(left, 1),
        "helper_pid": pending.get("pid"),
        "helper_alive": _helper_alive(pending),
        "timer": pending.get("timer"),
        "overdue": left <= -OVERDUE_GRACE,
    }


def rollback(state: Path, token: str, backend_of: Callable[[str], Backend]) -> bool:
    """Restore the snapshot of the apply ``token`` if it is still pending (else nothing); a
    damaged record (whose token is unknown) is rolled back."""
    with locked(state):
        try:
            pending = read_pending(state)
        except DamagedTrialRecord as exc:
            _rollback_damaged(state, exc, backend_of)
            return True
        if pending is None or pending.get("token") != token:
            return False
        if _confirmed_already(state, pending):  # confirm was killed midway: finish it
            _finish_confirm(state, pending)
            return False
        _rollback_locked(state, pending, backend_of)
    return True


def _rollback_locked(
    state: Path, pending: dict[str, Any], backend_of: Callable[[str], Backend]
) -> None:
    token = str(pending.get("token", ""))
    snap_path = Path(pending.get("snapshot", ""))
    snap = read_json(snap_path) or {"backend": pending.get("backend", "nft"), "previous": None}
    backend_of(str(snap.get("backend"))).restore(snap)
    (state / PENDING).unlink(missing_ok=True)
    snap_path.unlink(missing_ok=True)
    write_json(
        state / ROLLED_BACK,
        {"token": token, "at": time.time(), "restored": bool(snap.get("previous"))},
    )
    timer = pending.get("timer")
    if isinstance(timer, str) and timer:
        stop_timer(timer)


def forget(state: Path) -> None:
    """Before ``remove``: cancel a pending rollback, forget the confirmed policy (and that
    the last apply was rolled back)."""
    if not state.is_dir():
        return
    with locked(state):
        pending = cancel_pending(state)
        if pending:
            Path(pending.get("snapshot", "/nonexistent")).unlink(missing_ok=True)
        (state / IPT_RECORD).unlink(missing_ok=True)
        (state / CONFIRMED).unlink(missing_ok=True)
        (state / ROLLED_BACK).unlink(missing_ok=True)


def last_rollback(state: Path) -> dict[str, Any] | None:
    """The record of the rollback of the last apply (not confirmed in time), while no apply
    came after it: ``at`` (epoch seconds), ``restored`` (the rules confirmed before it were
    loaded again), ``damaged`` (the trial's record was damaged: why); None otherwise."""
    rolled = read_json(state / ROLLED_BACK) if state.is_dir() else None
    if not isinstance(rolled, dict) or not isinstance(rolled.get("at"), (int, float)):
        return None
    damaged = rolled.get("damaged")
    return {"at": float(rolled["at"]), "restored": bool(rolled.get("restored")),
            "damaged": damaged if isinstance(damaged, str) else None}  # fmt: skip


def load_confirmed(state: Path, backend_of: Callable[[str], Backend]) -> dict[str, Any] | None:
    """Load the last confirmed policy (boot); None when there is none (nothing loaded).

    A pending (unconfirmed) apply is dropped: its rollback process did not survive the
    reboot, and its rules are not loaded."""
    with locked(state):
        pending = cancel_pending(state)  # its rollback process, if it still runs, is stopped
        if pending is not None:
            Path(pending.get("snapshot", "/nonexistent")).unlink(missing_ok=True)
        policy = confirmed_policy(state)
        if policy is None:
            return None
        backend_of(str(policy["backend"])).restore(policy)
    return policy
