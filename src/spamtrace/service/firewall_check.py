"""The daemon's periodic firewall check: is our table still the confirmed policy?

Every ``[daemon] firewall_check_interval`` seconds (60) a worker thread lists our table and
compares it with the last confirmed policy (:mod:`spamtrace.actions.firewall.transaction`):
``loaded`` (the same), ``drifted`` (edited by hand, or another policy), ``absent`` (flushed,
removed, never applied) or ``unknown`` (the check failed: the error says why). The result is
posted to the engine as :class:`~spamtrace.service.bus.FirewallChecked`. While an apply waits
for confirmation, the table is compared with the policy on trial, and never repaired.

With ``[daemon] firewall_repair = true``, a drifted or absent table is replaced by the
confirmed policy (atomically, as at boot) and the check says ``repaired``. There is never a
repair without a confirmed policy: spamtrace does not load rules nobody confirmed.

Each check first performs an automatic rollback that is past its deadline (its helper process
died): the daemon is one of the guards of ``firewall apply``'s rollback.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from spamtrace.errors import SpamtraceError
from spamtrace.service.bus import FirewallChecked, FirewallState

if TYPE_CHECKING:
    from spamtrace.actions.firewall.backends import Backend


class FirewallMonitor:
    def __init__(
        self, state_dir: str, *, repair: bool, post: Callable[[FirewallChecked], None]
    ) -> None:
        self.state_dir = Path(state_dir)
        self.repair = repair
        self.post = post
        self._backends: dict[str, Backend] = {}
        self._thread: threading.Thread | None = None

    def _backend(self, name: str) -> Backend:
        from spamtrace.actions.firewall.backends import select_backend

        if name not in self._backends:
            self._backends[name] = select_backend(name)
        return self._backends[name]

    def start(self) -> None:
        """Start one check on a worker thread (none when the last one still runs)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(
            target=lambda: self.post(self.check()), name="spamtrace-fwcheck", daemon=True
        )
        self._thread.start()

    def busy(self) -> bool:
        """A check is running (a stop lets it end, capture going on, before it joins it)."""
        return self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def check(self) -> FirewallChecked:
        from spamtrace.actions.firewall.transaction import (
            CONFIRMED_GONE,
            OLDER_RULES,
            UNCONFIRMED,
            confirmed_by_older,
            confirmed_policy,
            read_pending,
            rollback_overdue,
        )

        now = time.time()
        backend_name = "?"
        try:
            # a rollback past its deadline (its helper died) is done here: the daemon is one
            # of the independent guards of the automatic rollback
            done = rollback_overdue(self.state_dir, self._backend)
            if done is not None and done.get("damaged"):  # said once, with why
                return FirewallChecked(
                    FirewallState.UNKNOWN, backend_name, (), now,
                    error=f"{done['damaged']}: its rules were rolled back; run `spamtrace "
                    "firewall apply` again",
                )  # fmt: skip
            pending = read_pending(self.state_dir)
            trial = pending.get("policy") if pending else None
            policy = trial if isinstance(trial, dict) else confirmed_policy(self.state_dir)
            if policy is None:
                backend = self._backend("auto")
                backend_name = backend.name
                loaded = bool(backend.snapshot().get("previous"))
                # never set up: say so, or "ABSENT" alone reads as a firewall that went away
                note = (
                    f"loaded, but no confirmed policy to compare with: {UNCONFIRMED}"
                    if loaded else NEVER_SET_UP
                )  # fmt: skip
                state = FirewallState.LOADED if loaded else FirewallState.ABSENT
                return FirewallChecked(state, backend_name, (), now, note=note, set_up=False)
            backend = self._backend(str(policy.get("backend")))
            backend_name = backend.name
            loaded, drift = backend.drift(policy)
            state = _state(loaded, drift)
            # a table that is not loaded has no drift (differences): the backend's line says
            # why (absent, or holding only the responses' blocks), as a note
            found: tuple[str, ...] = tuple(drift) if loaded else ()
            why = None if loaded else "; ".join(drift) or None
            # after an upgrade: no hand edit, and no repair either: putting the older rules
            # back would take away what this version's add (the resets of connections opened
            # before a block), and enforce mode would add it again, a minute later. An absent
            # table is still loaded from them: older rules are better than none
            older = bool(found) and trial is None and confirmed_by_older(policy)
            if older:
                why = OLDER_RULES
            elif not loaded and trial is None and not self.repair:  # what to do about it
                why = f"{why or 'not loaded'}: {CONFIRMED_GONE}"
            if state is FirewallState.LOADED or not self.repair or pending is not None or older:
                return FirewallChecked(state, backend_name, found, now, note=why)
            backend.restore(policy)
            loaded_after, drift_after = backend.drift(policy)
            return FirewallChecked(
                _state(loaded_after, drift_after), backend_name, found, now, repaired=True,
                note=why,
            )  # fmt: skip
        except (SpamtraceError, OSError) as exc:
            message = exc.message if isinstance(exc, SpamtraceError) else str(exc)
            return FirewallChecked(FirewallState.UNKNOWN, backend_name, (), now, error=message)


#: the note of a check that finds no table and no confirmed policy: nothing went away
NEVER_SET_UP = (
    "never set up here (no confirmed policy): `spamtrace firewall plan` shows what it would block"
)


def _state(loaded: bool, drift: list[str]) -> FirewallState:
    if not loaded:
        return FirewallState.ABSENT
    return FirewallState.DRIFTED if drift else FirewallState.LOADED
