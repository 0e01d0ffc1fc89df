# The compiled join (_mailjoin.c); MailLedger.feed / MailPolicy.recipient are the reference.
from collections.abc import Callable
from typing import Any

def setup(fields: tuple[str, ...], /, *args: object) -> None: ...
def policy(
    recipient: Callable[..., object],
    observe: Callable[..., object],
    network_of: Callable[[str], str],
    max_window_items: int,
    window: type,
    window_sum: type,
    window_counts: type,
    hourly_history: type,
    /,
) -> None: ...
def feed(
    ledger: object,
    events: list[Any],
    open_: dict[str, Any],
    pending: dict[str, Any],
    other: Callable[..., object],
    postfix_arrival: Callable[..., object],
    on_recipient: Callable[..., object] | None,
    /,
) -> None: ...
def sink(
    ledger: object,
    open_: dict[str, Any],
    pending: dict[str, Any],
    other: Callable[..., object],
    postfix_arrival: Callable[..., object],
    on_recipient: Callable[..., object] | None,
    /,
) -> object: ...
def observe(policy: Any, msg: Any, /) -> Any: ...
def observer(policy: Any, /) -> Callable[[Any], Any]: ...
def layout(message: type, totals: type, max_open: int, /) -> bool: ...
def exim_setup(
    internal: tuple[str, ...], join_seconds: float, argv_recipients: Callable[..., object], /
) -> None: ...
