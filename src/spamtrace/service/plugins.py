"""What the daemon plugs into its engine, from the config: ONE place to add a subscriber or
an extra source (responses, alerts, metrics, the event stream, mail-log tailers).

Add a line to :func:`subscribers` or :func:`sources`; import your module inside the function
(the daemon's start-up then only pays for what is configured). A subscriber that must act
later from its own thread hands its messages back with ``post`` (``Engine.post``). Read
``service/bus.py`` first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.service.bus import Message, Source, Subscriber


def subscribers(cfg: Config, post: Callable[[Message], None]) -> list[Subscriber]:
    """The daemon's subscribers for ``cfg`` (besides its status board and journal log)."""
    out: list[Subscriber] = []
    return out


def sources(cfg: Config) -> list[Source]:
    """Extra event sources for ``cfg`` (read after the kernel sources)."""
    out: list[Source] = []
    return out


def metrics_listen(cfg: Config) -> str | None:
    """The metrics address ``[metrics] listen`` (None: off), for ``status``."""
    listen = getattr(getattr(cfg, "metrics", None), "listen", "")  # the metrics feature's key
    return str(listen) or None
