"""The mail policy gives the same incidents, updates and totals as when it was first written
straightforwardly (a window object per figure, every message and recipient through them),
on generated logs and on random message streams with gaps, jitter and days of history.

The digests below were taken from that straightforward version (before the ledger and the
policy were made faster for `spamtrace mail` on big logs): a faster version must keep them.
A change that means to alter what the policy decides changes them on purpose; say so in
its commit. Changed on purpose once: an incident's ``recipients`` counts, when it opens, the
recipients its window learnt from delivery lines (Exim without ``+received_recipients``).
And once more for Postfix: a pickup line's ``from=`` is not taken as the user (only the uid's
name is), so the generated log's local senders, whose uids this test maps to no name, have no
user; the same incidents and counts otherwise (the digests' line counts are unchanged).
And once more: the limit reasons of an open incident say the most its windows reached
("logged in from 5 networks" where a later window held 24), not the count at its opening;
every line that changed (21,327 of 25,461) differs in its reasons alone. And so does the
rate-against-history reason ("5 messages in 5 minutes, 5x its usual 0.0" of a window that held
6): 142 of the random stream's 4,529 lines changed, in that reason's count alone."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import sys
from pathlib import Path

import pytest

from spamtrace.attribution.mail import MailLedger, MailMessage
from spamtrace.policy.mail import MailPolicy, MailThresholds
from spamtrace.sources.maillog.reader import LogReader, LogSpec, merged_batches

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from maillog_gen import exim_lines, postfix_lines

TIGHT = MailThresholds(
    window=300, script_max_messages=20, script_max_recipients=30, auth_max_ips=5,
    auth_max_networks=3, auth_max_messages=25, auth_rate_factor=3.0, auth_min_messages=5,
    history_hours=30,
)  # fmt: skip


class Recorder:
    """Feeds a policy and writes down everything it says, in order."""

    def __init__(self, policy: MailPolicy) -> None:
        self.policy = policy
        self.out: list[str] = []

    def observe(self, msg: MailMessage) -> None:
        up = self.policy.observe(msg)
        if up is not None:
            self.out.append(f"o {up.opened} {_incident(up.incident)}")

    def recipient(self, msg: MailMessage, address: str, wall: float) -> None:
        up = self.policy.recipient(msg, address, wall)
        if up is not None:
            self.out.append(f"r {up.opened} {_incident(up.incident)}")

    def digest(self) -> tuple[int, str]:
        self.out += [_incident(i) for i in self.policy.all_incidents()]
        for sender in sorted(self.policy._windows, key=repr):
            self.out.append(f"q {sender} {self.policy.queue_ids(sender)}")
        return len(self.out), hashlib.sha256("\n".join(self.out).encode()).hexdigest()[:16]


def _incident(inc: object) -> str:
    # the fields the policy computes (``mta`` only says whose log it was: added later, so the
    # recorded digests stay comparable)
    fields = dataclasses.asdict(inc)  # type: ignore[call-overload]
    fields.pop("mta", None)
    return repr(sorted(fields.items()))


def _log_digest(
    tmp_path: Path, kind: str, thresholds: MailThresholds, lines: int, feed: bool
) -> tuple[int, str]:
    gen = exim_lines if kind == "exim" else postfix_lines
    path = tmp_path / f"{kind}.log"
    path.write_text("\n".join(gen(lines, seed=11)) + "\n")
    rec = Recorder(MailPolicy(thresholds))
    ledger = MailLedger(on_message=rec.observe, on_recipient=rec.recipient)
    for batch in merged_batches([LogReader(LogSpec(str(path), kind), None)]):
        if feed:  # the digests were taken with add(): feed() must do the same
            ledger.feed(batch)
        else:
            for ev in batch:
                ledger.add(ev)
    totals = sorted(
        (repr(k), t.messages, t.recipients, t.bounced, t.deferred, t.size, len(t.distinct))
        for k, t in ledger.senders.items()
    )
    rec.out.append(repr(totals))
    return rec.digest()


@pytest.mark.parametrize(
    ("kind", "tight", "expected"),
    [
        ("exim", False, (3881, "7d50e3c311d89331")),
        ("exim", True, (7326, "fbb315f6c27dac0f")),
        ("postfix", False, (2808, "ad74c86faf74e085")),
        ("postfix", True, (6917, "f6ed5c1c6c865d62")),
    ],
)
def test_generated_log_gives_the_same_incidents(
    tmp_path: Path, kind: str, tight: bool, expected: tuple[int, str]
) -> None:
    thresholds = TIGHT if tight else MailThresholds()
    assert _log_digest(tmp_path, kind, thresholds, 60_000, feed=True) == expected
    assert _log_digest(tmp_path, kind, thresholds, 60_000, feed=False) == expected


def _random_stream(seed: int, thresholds: MailThresholds) -> tuple[int, str]:
    rng = random.Random(seed)
    rec = Recorder(MailPolicy(thresholds, max_senders=40))
    now = 1_764_800_000.0
    boxes = [f"box{i}@site.example" for i in range(12)]
    users = [f"user{i}" for i in range(12)]
    scripts = [None, "/home/u/public_html/a.php", "/home/u/public_html/b.php"]
    live: list[MailMessage] = []
    for n in range(30_000):
        r = rng.random()
        if r < 0.02:
            now += rng.choice((400.0, 3700.0, 90_000.0))  # quiet: windows expire, close
        now += rng.random() * 3
        wall = now - (rng.random() * 20 if rng.random() < 0.05 else 0.0)  # out of order
        if live and rng.random() < 0.4:
            msg = rng.choice(live[-50:])
            rec.recipient(msg, f"rcpt{rng.randrange(400)}@x.example", wall)
            continue
        auth = rng.choice(boxes) if rng.random() < 0.5 else None
        ip = (
            f"{rng.randrange(1, 9)}.{rng.randrange(3)}.0.{rng.randrange(1, 30)}"
            if rng.random() < 0.9
            else f"2001:db8:{rng.randrange(3)}::{rng.randrange(9)}"
        )
        # one address at most: a set's order is not the same from one run to the next
        addresses = {f"rcpt{rng.randrange(400)}@x.example" for _ in range(rng.randrange(2))}
        msg = MailMessage(
            "exim", f"id{n}" if rng.random() < 0.9 else None, wall, "s@x", None if auth
            else rng.choice(users), None, auth, ip if auth else None, "esmtpsa", 100, None,
            (), None if auth else rng.choice(scripts), recipients=len(addresses) + rng.randrange(3),
            addresses=addresses, final_count=rng.random() < 0.3,
        )  # fmt: skip
        rec.observe(msg)
        live.append(msg)
        if rng.random() < 0.01:
            up = rec.policy.malicious(msg, "the scanner calls it malicious")
            rec.out.append(f"m {up.opened} {_incident(up.incident)}")
    return rec.digest()


@pytest.mark.parametrize(
    ("seed", "expected"), [(1, (2499, "3a7718ea2b7b9de9")), (2, (2030, "42d1e0e4af856143"))]
)
def test_random_streams_give_the_same_incidents(seed: int, expected: tuple[int, str]) -> None:
    got = _random_stream(seed, TIGHT if seed == 1 else MailThresholds(window=600))
    assert got == expected
