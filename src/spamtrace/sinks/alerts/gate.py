"""Noise control: which incident events become alerts (no I/O, no clock: time is passed in).

One alert when an incident opens, one update per escalation (the scan names a malicious or
suspicious file, the firewall starts blocking it, a response is taken), never one per
connection: the gate remembers, per incident, what the admin has already been told.

``[alerts] min_verdict`` sets how bad an incident must be (:func:`content.level`):
``submission`` < ``suspicious`` (default; ``ssh-tunnel`` counts as suspicious) <
``malicious`` (only incidents whose scan found a malicious file). An incident below it is
remembered silently; if it escalates past it later, that alert is its ``opened`` alert, with
the reason.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from spamtrace.sinks.alerts.content import Alert, AlertEvent, passes

#: incidents remembered (the oldest are forgotten first)
MAX_TRACKED = 10_000


def scan_keys(incident: Mapping[str, Any]) -> set[str]:
    """The escalation keys an incident's state already tells: its scan result
    (``scan:malicious``...), its blocked attempts (``blocked``) and its recorded actions
    (``action:block-uid:would``...). An alert that shows them needs no update for them."""
    files = incident.get("suspect_files") or ()
    keys = {
        f"scan:{f.get('verdict')}"
        for f in files
        if isinstance(f, Mapping) and f.get("verdict") in ("malicious", "suspicious")
    }
    if incident.get("blocked"):
        keys.add("blocked")
    for a in incident.get("actions") or ():
        if isinstance(a, Mapping):
            keys.add(f"action:{a.get('action')}:{a.get('status')}")
    return keys


class AlertGate:
    def __init__(self, min_verdict: str, host: str, mode: str = "observe") -> None:
        self.min_verdict = min_verdict
        self.host = host
        self.mode = mode
        #: incident id -> escalation keys told (None: seen, not alerted: below min_verdict)
        self._told: OrderedDict[str, set[str] | None] = OrderedDict()

    def adopt(self, other: AlertGate) -> None:
        """Take over what ``other`` told (a reload made new channels: no alert twice)."""
        self._told = other._told

    def _remember(self, ident: str, keys: set[str] | None) -> None:
        self._told[ident] = keys
        self._told.move_to_end(ident)
        while len(self._told) > MAX_TRACKED:
            self._told.popitem(last=False)

    def opened(
        self, incident: Mapping[str, Any], now: float, domains: Sequence[str] = ()
    ) -> Alert | None:
        """The alert for a newly opened incident, or None (below min_verdict, or told)."""
        ident = str(incident.get("id"))
        if self._told.get(ident) is not None:
            return None
        if not passes(incident, self.min_verdict):
            self._remember(ident, None)
            return None
        self._remember(ident, scan_keys(incident))
        return Alert(
            AlertEvent.OPENED, self.host, dict(incident), now, domains=tuple(domains),
            mode=self.mode,
        )  # fmt: skip

    def escalated(
        self,
        incident: Mapping[str, Any],
        key: str,
        reason: str,
        now: float,
        domains: Sequence[str] = (),
    ) -> Alert | None:
        """The update for an escalation ``key`` (told once per incident), or None."""
        ident = str(incident.get("id"))
        told = self._told.get(ident)
        if told is not None and key in told:
            return None
        if not passes(incident, self.min_verdict):
            return None
        event = AlertEvent.UPDATED
        if told is None:  # never alerted (below min_verdict until now, or from before a start)
            event = AlertEvent.OPENED
            told = scan_keys(incident)
        told = {*told, key, *scan_keys(incident)}
        self._remember(ident, told)
        return Alert(
            event, self.host, dict(incident), now, reason=reason, domains=tuple(domains),
            mode=self.mode,
        )  # fmt: skip
