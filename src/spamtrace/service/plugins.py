"""What `watch` and `daemon` plug into the engine, from the config: ONE place to add a
subscriber or an extra source (responses, alerts, metrics, the event stream, mail-log
tailers).

Add a line to :func:`subscribers` or :func:`sources`; import your module inside the function
(start-up then only pays for what is configured). A subscriber that acts later from its own
thread hands its messages back with ``engine.post``. Read ``service/bus.py`` first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.service.bus import Source, Subscriber
    from spamtrace.service.engine import Engine
    from spamtrace.sinks.alerts.subscriber import AlertSubscriber


def subscribers(
    cfg: Config, engine: Engine, *, respond: bool = True, alerts: bool = True
) -> list[Subscriber]:
    """The plug-ins for ``cfg``, in the order they must see each message: responses first
    (a block is decided before anything is shown or sent)."""
    out: list[Subscriber] = []
    if respond:
        from spamtrace.service.responses import ResponsesSubscriber

        out.append(ResponsesSubscriber(engine, cfg))
    if alerts:
        from spamtrace.sinks.alerts.subscriber import subscriber_for

        sub = subscriber_for(cfg, accounts=engine.accounts)
        if sub is not None:
            engine.notes.append(f"alerts: {', '.join(sub.alerts.channel_names())}")
            out.append(sub)
    return out


def sources(cfg: Config) -> list[Source]:
    """Extra event sources for ``cfg`` (read after the kernel sources)."""
    out: list[Source] = []
    return out


def alert_subscriber(engine: Engine) -> AlertSubscriber | None:
    """The engine's alert subscriber, if it has one (for its counters in summaries)."""
    from spamtrace.sinks.alerts.subscriber import AlertSubscriber

    return next((s for s in engine.subscribers if isinstance(s, AlertSubscriber)), None)


def metrics_listen(cfg: Config) -> str | None:
    """The metrics address ``[metrics] listen`` (None: off), for ``status``."""
    listen = getattr(getattr(cfg, "metrics", None), "listen", "")
    return str(listen) or None
