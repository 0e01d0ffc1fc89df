"""Per-channel workers: never blocking the caller, retries, rate limit + digest, counters."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alertsfake import RecordingChannel, incident

from spamtrace.sinks.alerts.content import Alert, AlertEvent
from spamtrace.sinks.alerts.dispatcher import Dispatcher
from spamtrace.sinks.alerts.settings import Delivery


def alert(n: int, event: AlertEvent = AlertEvent.OPENED) -> Alert:
    return Alert(event, "h", incident(id=f"inc-{n:012x}"), 1000.0 + n)


def test_retryable_failures_are_retried_then_sent() -> None:
    ch = RecordingChannel(fail=2)
    d = Dispatcher([ch])
    try:
        d.submit(alert(1))
        assert len(ch.wait(1)) == 1
    finally:
        d.close()
    s = d.stats()["channels"]["fake"]
    assert (s["sent"], s["retried"], s["failed"]) == (1, 2, 0)


def test_permanent_failure_is_counted_once_and_kept_as_last_error() -> None:
    ch = RecordingChannel(fail=5, retryable=False)
    d = Dispatcher([ch])
    d.submit(alert(1))
    d.close()
    s = d.stats()
    assert s["failed"] == 1 and s["channels"]["fake"]["retried"] == 0
    assert s["channels"]["fake"]["last_error"] == "fake failure"
    assert ch.calls == 1


def test_a_stuck_channel_blocks_neither_the_caller_nor_the_other_channels() -> None:
    stuck = RecordingChannel("stuck")
    stuck.release.clear()  # its send() waits until released
    fine = RecordingChannel("fine")
    d = Dispatcher([stuck, fine], queue_size=3)
    try:
        for n in range(10):
            d.submit(alert(n))  # returns at once even though 'stuck' never answers
            if n == 0:
                assert stuck.entered.wait(10)  # the first one is in its hands
            assert len(fine.wait(n + 1)) == n + 1
        s = d.stats()["channels"]
        # one in stuck's hands, three queued, the rest dropped and counted
        assert s["stuck"]["dropped"] == 6 and s["stuck"]["queued"] == 3
        assert s["fine"]["dropped"] == 0
    finally:
        stuck.release.set()
        d.close()
    assert d.stats()["channels"]["stuck"]["sent"] == 4


def test_rate_limit_holds_back_and_sends_one_digest() -> None:
    ch = RecordingChannel(delivery=Delivery(timeout=1.0, retries=0, backoff=0.0))
    d = Dispatcher([ch], rate_limit=2, rate_window=0.5)
    try:
        for n in range(6):
            d.submit(alert(n))
        d.submit(alert(3, AlertEvent.UPDATED))  # same incident again: listed once, as opened
        sent = ch.wait(3)
    finally:
        d.close()
    assert [a.event for a in sent] == [AlertEvent.OPENED, AlertEvent.OPENED, AlertEvent.DIGEST]
    digest = sent[2]
    assert [h.incident["id"] for h in digest.held] == [f"inc-{n:012x}" for n in range(2, 6)]
    assert {h.event for h in digest.held} == {AlertEvent.OPENED}
    s = d.stats()["channels"]["fake"]
    assert s["sent"] == 3 and s["held"] == 5 and s["digests"] == 1 and s["held_now"] == 0


def test_close_sends_what_is_held_back_as_a_digest() -> None:
    ch = RecordingChannel()
    d = Dispatcher([ch], rate_limit=1, rate_window=3600)
    d.submit(alert(1))
    d.submit(alert(2))
    ch.wait(1)
    d.close()
    assert [a.event for a in ch.sent] == [AlertEvent.OPENED, AlertEvent.DIGEST]


def test_a_channel_rate_limit_overrides_the_sections() -> None:
    ch = RecordingChannel(delivery=Delivery(rate_limit=1))
    d = Dispatcher([ch], rate_limit=100, rate_window=3600)
    assert d.workers[0].rate_limit == 1
    d.close()


def test_a_burst_held_back_at_exit_is_one_digest() -> None:
    ch = RecordingChannel(delivery=Delivery(timeout=1.0, retries=0, backoff=0.0))
    d = Dispatcher([ch], rate_limit=2, rate_window=3600)
    for n in range(50):
        d.submit(alert(n))
    d.close()
    events = [a.event for a in ch.sent]
    assert events == [AlertEvent.OPENED] * 2 + [AlertEvent.DIGEST]
    assert len(ch.sent[2].held) == 48


def test_an_alert_given_up_is_said_in_one_line() -> None:
    """An alert that failed all its tries was only counted: the daemon's journal, where an
    admin looks for the alert that never came, said nothing of it."""
    lines: list[str] = []
    ch = RecordingChannel(fail=5, retryable=False)
    d = Dispatcher([ch], log=lines.append)
    d.submit(alert(1))
    d.close()
    (line,) = lines
    assert line.startswith("alerts: fake: ") and "inc-000000000001" in line, line
    assert "opened" in line and "not delivered" in line and "fake failure" in line, line
    assert "1 try" in line and "\n" not in line
    lines.clear()
    ch = RecordingChannel(fail=3)  # retryable: the line comes only after the last try
    d = Dispatcher([ch], log=lines.append)
    d.submit(alert(2))
    assert len(ch.wait(1)) == 1
    d.close()
    assert lines == []
