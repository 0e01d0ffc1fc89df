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

class WindowCounts:
    """policy.window.WindowCounts of str values, compiled."""

    def __len__(self) -> int: ...
    @property
    def distinct(self) -> int: ...
    @property
    def counts(self) -> dict[str, int]: ...
    @property
    def items(self) -> list[tuple[float, str]]: ...
    def keys(self) -> list[str]: ...
    def add(self, when: float, value: str, /) -> None: ...
    def expire(self, before: float, /) -> None: ...
    def first(self, default: float, /) -> float: ...
