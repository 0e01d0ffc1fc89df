"""The engine of `spamtrace firewall`'s commands, between the command line and the transaction.

- :func:`backend_for`: the backend a command works with (``auto`` = the one whose rules are
  loaded, from the state dir's record, else the best available);
- :func:`roll_back_overdue`: every command first performs an automatic rollback that is past its
  deadline (its helper process died), as the daemon's check does;
- :func:`rollback_argv`: the command line of the rollback helper that ``apply`` starts;
- :func:`table_status`: what the backend has loaded against the plan, and the apply waiting for
  confirmation.

The transaction itself (apply -> confirm | rollback, the state dir) is
:mod:`spamtrace.actions.firewall.transaction`; the views are :mod:`spamtrace.render.firewall`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spamtrace.safetext import escape_message

if TYPE_CHECKING:
    from spamtrace.actions.firewall.backends import Backend
    from spamtrace.policy.firewall_plan import FirewallPlan


@dataclass(frozen=True, slots=True)
class OverdueRollback:
    """A rollback performed now because its helper died before the deadline."""

    deadline: float | None
    late_seconds: float
    damaged: str | None = None  # the record was damaged (its deadline unknown): why

    def warning(self) -> str:
        """What a command tells the admin it did (one line, escaped)."""
        if self.damaged:
            return (
                f"{escape_message(self.damaged)}: its rules were rolled back now (its deadline "
                "was unknown); run `spamtrace firewall apply` again"
            )
        return (
            f"the automatic rollback was overdue by {self.late_seconds:.0f} s (its helper "
            "process had died): the rules on trial were rolled back now"
        )


def backend_for(name: str, state_dir: Path) -> Backend:
    """The backend named ``name``; ``auto`` is the one that loaded our rules, if any did."""
    from spamtrace.actions.firewall.backends import select_backend
    from spamtrace.actions.firewall.transaction import recorded_backend

    if name == "auto":
        return select_backend(recorded_backend(state_dir) or "auto")
    return select_backend(name)


def roll_back_overdue(state_dir: Path) -> OverdueRollback | None:
    """Perform a rollback that is past its deadline (None: there was none, or not root)."""
    from spamtrace.actions.firewall import transaction
    from spamtrace.actions.firewall.backends import select_backend

    if os.geteuid() != 0 or not (state_dir / transaction.PENDING).exists():
        return None
    done = transaction.rollback_overdue(state_dir, select_backend)
    if done is None:
        return None
    if done.get("damaged"):
        return OverdueRollback(None, 0.0, str(done["damaged"]))
    late = -transaction.seconds_left(done)
    return OverdueRollback(time.time() - late, round(late, 1))


def rollback_argv(
    *, config: str | None, backend: str, root: str, state_dir: Path, timeout: int
) -> Callable[[str], list[str]]:
    """The rollback helper's command line for a token: ``spamtrace firewall _rollback``."""

    def argv(token: str) -> list[str]:
        out = [sys.executable, "-m", "spamtrace"]
        if config:
            out += ["--config", config]
        return [
            *out, "firewall", "_rollback", "--after", str(timeout), "--token", token,
            "--state-dir", str(state_dir), "--backend", backend, "--root", root,
        ]  # fmt: skip

    return argv


def table_status(
    backend: Backend, plan: FirewallPlan, state_dir: Path
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The backend's status of our rules, and the pending apply (or None).

    The loaded rules are compared twice, and the two answers are kept apart:

    - ``drift``: against the rules last *confirmed* (or those on trial while an apply waits
      for confirmation), as the daemon's periodic check does: a change made by hand;
      ``compared_with`` says which (``confirmed``, ``on trial``, or None when nothing was
      ever confirmed);
    - ``config_differs``: against what the config asks for now (nft only; None for iptables,
      which is not compared): a config edited since the last apply.

    iptables has no table of its own to compare with: what apply loaded is kept in the state
    dir and given to the backend."""
    from spamtrace.actions.firewall.transaction import (
        IPT_RECORD,
        confirmed_by_older,
        confirmed_policy,
        last_rollback,
        pending_status,
        read_pending,
    )
    from spamtrace.render.incidents import iso

    recorded = None
    if backend.name == "iptables" and (state_dir / IPT_RECORD).exists():
        recorded = (state_dir / IPT_RECORD).read_text()
    status = backend.status(plan, recorded)
    against_config: list[str] = status.pop("drift")
    pending = read_pending(state_dir) if state_dir.is_dir() else None
    trial = pending.get("policy") if pending else None
    reference: dict[str, Any] | None = trial if isinstance(trial, dict) else None
    compared_with: str | None = "on trial"
    if reference is None:
        reference, compared_with = confirmed_policy(state_dir), "confirmed"
    drift: list[str] = []
    if reference is None or reference.get("backend") != backend.name:
        compared_with = None
        if backend.name == "iptables":  # what apply loaded is the reference it has
            drift, compared_with = against_config, "applied"
    elif status["loaded"]:
        drift = backend.drift(reference)[1]
    status["drift"] = drift
    status["compared_with"] = compared_with
    # rules an older spamtrace confirmed: what this version adds is no hand edit nor a config
    # change (after an upgrade); said apart, with what to do
    status["confirmed_by_older"] = (
        compared_with == "confirmed" and reference is not None and confirmed_by_older(reference)
    )
    status["config_differs"] = against_config if backend.name == "nft" else None
    rolled = last_rollback(state_dir) if pending is None else None
    status["last_rollback"] = rolled and {**rolled, "at": iso(rolled["at"])}
    return status, pending_status(state_dir)


def kept_uid_blocks() -> list[tuple[int, str | None]]:
    """The responses' uid blocks that ``remove`` left in force (uid, user name)."""
    from spamtrace.actions.uidblock import UidBlocker
    from spamtrace.attribution.process import user_name
    from spamtrace.errors import SpamtraceError

    try:
        blocked = UidBlocker((), 0).blocked()
    except SpamtraceError:  # no nft (the iptables backend): no block set either
        return []
    return [(b.uid, user_name(b.uid)) for b in blocked]
