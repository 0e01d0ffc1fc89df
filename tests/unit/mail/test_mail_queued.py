"""Messages queued while a mail incident is open are handed over in batches (MailQueued), at
most one per QUEUED_INTERVAL per incident, for enforce mode to freeze; the responder freezes
them only in enforce mode."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_mail_restore import append, exim_lines, source

from spamtrace.service.bus import MailQueued
from spamtrace.sources.maillog.follow import QUEUED_INTERVAL


def mid(i: int) -> str:
    return f"1xZX{i:02d}-0004e{i % 10}-2T"


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "mainlog"
    path.write_text("")
    return path


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_messages_of_an_open_incident_are_batched_a_second_apart(log: Path) -> None:
    clock = Clock()
    src = source(log, clock=clock, mail__restore_hours=0)
    try:
        append(log, exim_lines(0, 25, time.time()))
        out = src.read_events()
        (opened,) = [x for x in out if getattr(x, "opened", False)]
        assert opened.incident.process["queue_ids"] == [mid(i) for i in range(21)]
        assert not [x for x in out if isinstance(x, MailQueued)]  # the freeze just happened
        clock.now += QUEUED_INTERVAL - 0.01
        assert src.read_events() == []  # not yet
        clock.now += 0.01
        (batch,) = src.read_events()  # no new line: the batch that became due
        assert isinstance(batch, MailQueued)
        assert batch.queue_ids == tuple(mid(i) for i in range(21, 25))
        assert batch.incident.id == opened.incident.id
        assert batch.incident.process["mta"] == "exim"
        assert src.read_events() == []  # handed over once
        append(log, exim_lines(25, 5, time.time()))
        out = src.read_events()
        assert len(out) == 5 and not [x for x in out if isinstance(x, MailQueued)]
        clock.now += QUEUED_INTERVAL
        (batch,) = src.read_events()
        assert isinstance(batch, MailQueued)
        assert batch.queue_ids == tuple(mid(i) for i in range(25, 30))
    finally:
        src.close()


def test_a_milestone_hands_over_the_waiting_ids_with_the_incident(log: Path) -> None:
    clock = Clock()
    src = source(log, clock=clock, mail__restore_hours=0)
    try:
        append(log, exim_lines(0, 100, time.time()))
        out = src.read_events()
        (hundred,) = [x for x in out if getattr(x, "update", "") == "100 messages"]
        assert hundred.incident.process["queue_ids"][-1] == mid(99)
        clock.now += QUEUED_INTERVAL
        assert src.read_events() == []  # the milestone took them all
    finally:
        src.close()
