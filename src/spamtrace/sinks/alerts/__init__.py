"""Alerts by e-mail, webhook and syslog/journal (``[alerts]``; see docs/alerts.md).

- :mod:`.settings`: the ``[alerts]`` section checked into one frozen spec per channel;
- :mod:`.content`: what an alert says, in each channel's form (pure);
- :mod:`.gate`: which incident events become alerts (one on open, one per escalation);
- :mod:`.dispatcher`: one worker thread and queue per channel, retries, rate limit + digest,
  counters;
- :mod:`.email`, :mod:`.webhook`, :mod:`.syslog`: the channels (one :class:`Channel` protocol).

:class:`Alerts` is what the capture side holds: ``notify("opened" | "updated", incident)``
with the incident as ``incidents --json`` shows it; it never blocks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from spamtrace.sinks.alerts.content import Alert, AlertEvent
from spamtrace.sinks.alerts.dispatcher import Channel, Dispatcher
from spamtrace.sinks.alerts.gate import AlertGate
from spamtrace.sinks.alerts.settings import AlertSettings, ChannelSpec

__all__ = ["Alert", "AlertEvent", "Alerts", "Channel", "build_channel", "build_channels"]


def build_channel(spec: ChannelSpec) -> Channel:
    if spec.kind == "webhook":
        from spamtrace.sinks.alerts.webhook import WebhookChannel

        return WebhookChannel(spec)  # type: ignore[arg-type]
    if spec.kind == "email":
        from spamtrace.sinks.alerts.email import EmailChannel

        return EmailChannel(spec)  # type: ignore[arg-type]
    from spamtrace.sinks.alerts.syslog import SyslogChannel

    return SyslogChannel(spec)  # type: ignore[arg-type]


def build_channels(settings: AlertSettings) -> list[Channel]:
    return [build_channel(spec) for spec in settings.channels]


class Alerts:
    """The gate and the dispatcher together: what ``watch`` and the daemon feed."""

    def __init__(
        self,
        settings: AlertSettings,
        mode: str = "observe",
        channels: Sequence[Channel] | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.wall = wall
        import socket

        self.host = settings.host or socket.gethostname()  # no DNS look-up at start
        self.gate = AlertGate(settings.min_verdict, self.host, mode)
        self.dispatcher = Dispatcher(
            build_channels(settings) if channels is None else channels,
            rate_limit=settings.rate_limit,
            rate_window=settings.rate_window,
            queue_size=settings.queue_size,
            wall=wall,
            grace=settings.stop_grace,
        )
        self.raised = 0

    @classmethod
    def from_config(cls, cfg: Any) -> Alerts | None:
        """The alerts of a :class:`spamtrace.config.Config`, or None when no channel is set."""
        from spamtrace.sinks.alerts.settings import parse

        settings = parse(cfg.alerts)
        if not settings.channels:
            return None
        return cls(settings, cfg.mode)

    def notify(
        self,
        event: str,
        incident: Mapping[str, Any],
        *,
        key: str | None = None,
        reason: str | None = None,
        domains: Sequence[str] = (),
    ) -> Alert | None:
        """Tell the channels about an incident event, if the gate lets it through.

        ``event``: ``"opened"`` (a new incident) or ``"updated"`` (an escalation; ``key``
        names it once per incident, e.g. ``scan:malicious``, ``blocked``, ``action:kill``;
        ``reason`` says it in words). Returns the alert queued, or None.
        """
        now = self.wall()
        if event == AlertEvent.OPENED.value:
            alert = self.gate.opened(incident, now, domains)
        else:
            key = key or reason or "update"
            alert = self.gate.escalated(incident, key, reason or "", now, domains)
        if alert is not None:
            self.raised += 1
            self.dispatcher.submit(alert)
        return alert

    def channel_names(self) -> list[str]:
        return [w.channel.name for w in self.dispatcher.workers]

    def unready(self) -> list[str]:
        """One line per channel that cannot send now (a syslog socket that is not there)."""
        out = []
        for w in self.dispatcher.workers:
            check = getattr(w.channel, "unready", None)
            if check is not None and (why := check()) is not None:
                out.append(f"{w.channel.name}: {why}: its alerts fail until it is there")
        return out

    def stats(self) -> dict[str, Any]:
        return {"raised": self.raised, **self.dispatcher.stats()}

    def close(self, grace: float | None = None) -> None:
        """Stop: the channels get ``grace`` seconds (default ``[alerts] stop_grace``) to deliver
        what is pending; the rest is counted as dropped and logged."""
        self.dispatcher.close(grace)
