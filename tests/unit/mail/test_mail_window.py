"""The policy's windows: running sums equal the figures recomputed from scratch."""

from __future__ import annotations

import math
import random

import pytest

from spamtrace.attribution.mail import MailMessage, sender_key
from spamtrace.policy.mail import MailPolicy, MailThresholds
from spamtrace.policy.window import HourlyHistory, WindowCounts, WindowSum


def test_hourly_history_running_sum_equals_the_recomputed_sum() -> None:
    rng = random.Random(16)
    history = HourlyHistory()
    hour = 500_000
    checked = 0
    for step in range(5000):
        # mostly forward, sometimes a quiet day or a week, sometimes a line out of order
        roll = rng.random()
        if roll < 0.6:
            hour += 0
        elif roll < 0.9:
            hour += rng.randint(1, 3)
        elif roll < 0.97:
            hour += rng.randint(24, 400)
        at = hour - rng.randint(0, 2) if rng.random() < 0.1 else hour
        history.add(at)
        if len(history) > 170:
            history.prune(hour - 169)
        start = hour - rng.choice((1, 1, 1, 2, 6))
        expected = sum(n for h, n in history.hours.items() if h < start)
        assert history.below(start) == expected, step
        checked += 1
    assert checked == 5000 and history.first == 500_000


def _auth(wall: float) -> MailMessage:
    return MailMessage(
        "exim", None, wall, "box@x", None, None, "box@x", "203.0.113.5", "esmtpa", 10,
        None, (), None, recipients=1,
    )  # fmt: skip


def test_policy_hourly_average_equals_the_recomputed_average() -> None:
    """The average the policy judges a mailbox by, step by step, against the sum over its
    kept hours computed again at each message (what the policy did before the running sum)."""
    rng = random.Random(14)
    t = MailThresholds(history_hours=48)
    policy = MailPolicy(t)
    wall = 1_796_000_000.0
    seen = 0
    for _ in range(3000):
        wall += rng.choice((1.0, 60.0, 600.0, 3600.0, 7200.0, 86400.0))
        msg = _auth(wall - (rng.random() * 3000 if rng.random() < 0.05 else 0.0))
        win = policy._windows.get(sender_key(msg))
        hour = int(msg.wall // 3600)
        if win is not None and win.history.first is not None:
            start = hour - max(1, t.window // 3600)
            span = start - max(win.history.first, hour - t.history_hours)
            recomputed = (
                sum(n for h, n in win.history.hours.items() if h < start) / span
                if span >= 24
                else None
            )
            assert policy._hourly_average(win, hour) == recomputed
            seen += recomputed is not None
        policy.observe(msg)
    assert seen > 1000  # the comparison was made with history, not only without


def test_window_counts_and_sum_expire_together() -> None:
    counts: WindowCounts[str] = WindowCounts()
    total = WindowSum()
    for i, value in enumerate("abacab"):
        counts.add(float(i), value)
        total.add(float(i), i)
    assert counts.distinct == 3 and len(counts) == 6 and list(counts.keys()) == ["a", "b", "c"]
    counts.expire(3.0)
    total.expire(3.0)
    assert dict(counts.counts) == {"c": 1, "a": 1, "b": 1} and len(counts) == 3
    assert total.total == 3 + 4 + 5 and total.first(-1.0) == 3.0
    counts.expire(10.0)
    total.expire(10.0)
    assert counts.distinct == 0 and total.total == 0 and total.first(-1.0) == -1.0


def _compiled_counts() -> type | None:
    try:
        from spamtrace.attribution import _mailjoin
    except ImportError:
        return None
    return _mailjoin.WindowCounts


def _same_counts(ours: object, ref: WindowCounts[str]) -> None:
    assert len(ours) == len(ref)  # type: ignore[arg-type]
    assert ours.distinct == ref.distinct  # type: ignore[attr-defined]
    assert list(ours.keys()) == list(ref.keys())  # type: ignore[attr-defined]
    assert list(ours.items) == list(ref.items)  # type: ignore[attr-defined]
    assert list(ours.counts.items()) == list(ref.counts.items())  # type: ignore[attr-defined]
    assert ours.first(-1.0) == ref.first(-1.0)  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", range(6))
def test_compiled_window_counts_are_the_python_ones(seed: int) -> None:
    """The compiled WindowCounts (_mailjoin.c: a ring and an open-addressing table) against
    the Python class step by step: values that come back after they left (keys()' order: a
    dict's), many equal values, tables growing and shrinking, one value many times."""
    compiled = _compiled_counts()
    if compiled is None:
        pytest.skip("the compiled join is not built")
    rng = random.Random(seed)
    ours, ref = compiled(), WindowCounts[str]()
    now = 0.0
    alphabet = [f"user{i}@x.example" for i in range(rng.choice((3, 40, 5000)))]
    for step in range(6000):
        now += rng.choice((0.0, 0.0, 0.25, 1.0, 7.5))
        if rng.random() < 0.9:
            value = "".join(rng.choice(alphabet))  # an equal str, not the same object
            ours.add(now, value)
            ref.add(now, value)
        else:
            before = now - rng.choice((0.0, 3.0, 30.0, 300.0, 1e9))
            ours.expire(before)
            ref.expire(before)
        if step % 97 == 0 or len(ref) < 3:
            _same_counts(ours, ref)
    _same_counts(ours, ref)
    ours.expire(math.inf)
    ref.expire(math.inf)
    _same_counts(ours, ref)
    assert ours.first(-2.0) == -2.0


def test_compiled_window_counts_take_str_values_only() -> None:
    compiled = _compiled_counts()
    if compiled is None:
        pytest.skip("the compiled join is not built")
    counts = compiled()
    with pytest.raises(TypeError):
        counts.add(1.0, 42)
    with pytest.raises(TypeError):
        compiled(1)
    counts.add(1.0, "a")
    assert len(counts) == 1 and counts.distinct == 1 and counts.keys() == ["a"]


@pytest.mark.parametrize("seed", range(4))
def test_compiled_window_sum_is_the_python_one(seed: int) -> None:
    """The compiled WindowSum (a ring and a running total) against the Python class."""
    try:
        from spamtrace.attribution._mailjoin import WindowSum as Compiled
    except ImportError:
        pytest.skip("the compiled join is not built")
    rng = random.Random(seed)
    ours, ref = Compiled(), WindowSum()
    now = 0.0
    for step in range(5000):
        now += rng.choice((0.0, 0.5, 3.0))
        if rng.random() < 0.8:
            amount = rng.choice((0, 1, 2, 5, 300, 2**70))  # a big int too: Python's sums
            ours.add(now, amount)
            ref.add(now, amount)
        else:
            before = now - rng.choice((0.0, 10.0, 100.0, 1e9))
            ours.expire(before)
            ref.expire(before)
        if step % 89 == 0 or len(ref) < 3:
            assert (len(ours), ours.total, ours.first(-1.0)) == (
                len(ref), ref.total, ref.first(-1.0),
            )  # fmt: skip
            assert list(ours.items) == list(ref.items)
    ours.expire(math.inf)
    assert len(ours) == 0 and ours.total == 0 and ours.first(-1.0) == -1.0


def test_compiled_windows_hold_no_reference_nor_memory_once_emptied() -> None:
    """What the compiled WindowCounts and WindowSum took (references to the values, times
    and amounts; their rings and tables) is given back at expiry and when they go, as the
    Python classes give it back (ASan runs with leak detection off under Python)."""
    try:
        from spamtrace.attribution._mailjoin import WindowCounts as Counts
        from spamtrace.attribution._mailjoin import WindowSum as Sums
    except ImportError:
        pytest.skip("the compiled join is not built")
    import sys
    import tracemalloc

    value = "".join(["some", "@", "value"])  # a str of its own, counted here
    when, amount = 1.5 + float(len(value)), 10**30  # objects of their own too
    held = [sys.getrefcount(x) for x in (value, when, amount)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(3):
            windows = [(Counts(), Sums()) for _ in range(50)]
            for counts, sums in windows:
                for i in range(2000):
                    counts.add(when, value if i % 3 else f"r{i}@x.example")
                    sums.add(when, amount)
            assert [sys.getrefcount(x) for x in (value, when)] > held[:2]
            for counts, sums in windows[:25]:  # half expire everything, half just go
                counts.expire(math.inf)
                sums.expire(math.inf)
                assert len(counts) == len(sums) == 0 and sums.total == 0
            del windows, counts, sums
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert [sys.getrefcount(x) for x in (value, when, amount)] == held
    assert after - before < 64 * 1024  # 100 windows of 2000 items each were some MiB
