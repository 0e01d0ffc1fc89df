"""Sliding windows of timed values and an hourly history with running sums (pure, no clock).

The mail policy keeps, per sender, several windows of the last ``window`` seconds (messages
with their recipient counts, recipient addresses, client addresses, client networks) and an
hourly history of a mailbox. Each used to be a deque and a dict updated by hand at every
place; these classes hold that bookkeeping once. Times come from the events (log lines), so
a replay gives the same figures. Items are expected roughly in time order: expiry pops from
the oldest end, as the policy always did.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, KeysView
from typing import Generic, Protocol, TypeVar

K = TypeVar("K", bound=Hashable)


class WindowSum:
    """Amounts added at times, and their running total over what has not expired."""

    __slots__ = ("items", "total")

    def __init__(self) -> None:
        self.items: deque[tuple[float, int]] = deque()
        self.total = 0

    def __len__(self) -> int:
        return len(self.items)

    def add(self, when: float, amount: int) -> None:
        self.items.append((when, amount))
        self.total += amount

    def expire(self, before: float) -> None:
        items = self.items
        while items and items[0][0] < before:
            self.total -= items.popleft()[1]

    def first(self, default: float) -> float:
        """The time of the oldest item kept, else ``default``."""
        return self.items[0][0] if self.items else default


class Sums(Protocol):
    """What the mail policy uses of a :class:`WindowSum` (the compiled one,
    ``attribution._mailjoin.WindowSum``, has the same)."""

    def __len__(self) -> int: ...
    @property
    def total(self) -> int: ...
    def add(self, when: float, amount: int) -> None: ...
    def expire(self, before: float) -> None: ...
    def first(self, default: float) -> float: ...


class Counts(Protocol):
    """What the mail policy uses of a :class:`WindowCounts` of str values (the compiled one,
    ``attribution._mailjoin.WindowCounts``, has the same)."""

    def __len__(self) -> int: ...
    @property
    def distinct(self) -> int: ...
    def keys(self) -> Iterable[str]: ...
    def add(self, when: float, value: str) -> None: ...
    def expire(self, before: float) -> None: ...
    def first(self, default: float) -> float: ...


class WindowCounts(Generic[K]):
    """Values seen at times, and how many times each distinct value is in the window."""

    __slots__ = ("counts", "items")

    def __init__(self) -> None:
        self.items: deque[tuple[float, K]] = deque()
        self.counts: dict[K, int] = {}

    def __len__(self) -> int:
        """Entries kept (a value seen twice counts twice); :attr:`distinct` for values."""
        return len(self.items)

    @property
    def distinct(self) -> int:
        return len(self.counts)

    def keys(self) -> KeysView[K]:
        """The distinct values, first seen first."""
        return self.counts.keys()

    def add(self, when: float, value: K) -> None:
        self.items.append((when, value))
        counts = self.counts
        counts[value] = counts.get(value, 0) + 1

    def first(self, default: float) -> float:
        """The time of the oldest item kept, else ``default``."""
        return self.items[0][0] if self.items else default

    def expire(self, before: float) -> None:
        items = self.items
        if not items or items[0][0] >= before:  # the common case: nothing to drop
            return
        counts = self.counts
        while items and items[0][0] < before:
            value = items.popleft()[1]
            left = counts[value] - 1
            if left:
                counts[value] = left
            else:
                del counts[value]


class HourlyHistory:
    """Messages per hour number (``int(wall // 3600)``), with a running sum of the hours
    before a moving boundary, so that "how many before hour X" costs O(1) per message in
    time order instead of a sum over the whole history each time.

    ``below(start)`` returns the sum of the kept hours ``h < start``; the hours kept are
    those not removed by :meth:`prune`. The boundary moves with the question: forward by the
    hours it passes (each hour is crossed once in time order), backward likewise (a message
    a little out of order), and by a full recount when the jump is longer than the history.
    """

    __slots__ = ("_below", "_boundary", "first", "hours")

    def __init__(self) -> None:
        self.hours: dict[int, int] = {}
        self.first: int | None = None  # the first hour ever seen (kept after pruning)
        self._boundary: int | None = None
        self._below = 0  # sum of self.hours[h] for h < self._boundary

    def __len__(self) -> int:
        return len(self.hours)

    def add(self, hour: int, count: int = 1) -> None:
        hours = self.hours
        hours[hour] = hours.get(hour, 0) + count
        if self.first is None:
            self.first = hour
        if self._boundary is not None and hour < self._boundary:
            self._below += count

    def below(self, start: int) -> int:
        """The messages of the kept hours before hour ``start``."""
        boundary = self._boundary
        if boundary != start:
            hours = self.hours
            if boundary is None or abs(start - boundary) > len(hours):
                self._below = sum(n for h, n in hours.items() if h < start)
            elif start > boundary:
                self._below += sum(hours.get(h, 0) for h in range(boundary, start))
            else:
                self._below -= sum(hours.get(h, 0) for h in range(start, boundary))
            self._boundary = start
        return self._below

    def prune(self, before: int) -> None:
        """Forget the hours before ``before``."""
        boundary = self._boundary
        for old in [h for h in self.hours if h < before]:
            n = self.hours.pop(old)
            if boundary is not None and old < boundary:
                self._below -= n
