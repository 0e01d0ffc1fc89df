"""The compiled join (attribution/_mailjoin.c: MailLedger.feed's loop, MailPolicy.observe's
and recipient()'s window steps) leaves the ledger and the policy exactly as the Python
reference does, on generated logs, damaged ones (cut lines, invalid UTF-8, lines repeated and
out of order, a 10 MB line) and made-up events; and it is built under AddressSanitizer and
UBSan and run on the same cases (test_the_compiled_join_is_clean_under_sanitizers)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from join_cases import (
    TIGHT,
    compare_all,
    damaged,
    exim_blocks,
    first_difference,
    generated,
    log_batches,
    many_senders,
    state,
)

from spamtrace.attribution import mail as attribution
from spamtrace.attribution.mail import MailLedger, MailMessage
from spamtrace.policy.mail import MailPolicy, MailThresholds
from spamtrace.sources.maillog.blocks import feed_block
from spamtrace.sources.maillog.reader import LogReader, LogSpec, parser_for

pytestmark = pytest.mark.skipif(not attribution.COMPILED, reason="_mailjoin.c was not built")
SRC = Path(__file__).resolve().parents[3] / "src" / "spamtrace" / "attribution"


def test_a_count_held_elsewhere_keeps_its_value() -> None:
    """The compiled join counts up in place an int only its slot holds (a sender's messages,
    recipients and bytes, an hour's messages, a window's total): an int the caller took out
    of a slot midway keeps its value, and the end is the reference's."""
    batches = log_batches("exim", generated("exim", 20_000, 4))
    half = len(batches) // 2
    ends = []
    for compiled in (True, False):
        policy = MailPolicy(MailThresholds(), updates=False, compiled=compiled)
        ledger = MailLedger(
            on_message=policy.observer(compiled), on_recipient=policy.recipient,
            compiled=compiled,
        )  # fmt: skip
        for batch in batches[:half]:
            ledger.feed(batch)
        held = [
            x
            for t in ledger.senders.values()
            for x in (t.messages, t.recipients, t.size, t.deferred, t.bounced)
        ]
        for win in policy._windows.values():
            held += [win.messages.total, *win.history.hours.values()]
        values = [repr(x) for x in held]
        assert any(isinstance(x, int) and 256 < x < 2**30 for x in held)  # not the small ints
        for batch in batches[half:]:
            ledger.feed(batch)
        assert [repr(x) for x in held] == values
        ends.append([repr(dataclasses.astuple(t)) for t in ledger.senders.values()])
    assert ends[0] == ends[1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compiled_join_leaves_what_the_python_one_does(seed: int) -> None:
    compare_all(seed, 6000)


def test_a_long_log_with_incidents_opening_and_closing() -> None:
    batches = log_batches("exim", generated("exim", 60_000, 11))
    got, want = state(batches, TIGHT, True), state(batches, TIGHT, False)
    assert first_difference(got, want) is None
    assert sum(line.startswith("incident ") for line in got) > 10  # the case is not empty


def test_the_messages_of_a_sender_share_one_key_even_past_the_keys_kept() -> None:
    """The compiled join gives the messages of one sender one key tuple (the senders, windows
    and incidents dicts find it by identity); past the keys it keeps it forgets them and goes
    on: the same state as the reference with 20,000 senders, limits crossed included."""
    batches = many_senders()
    cases = [
        (MailThresholds(), {}),
        (TIGHT, {"since": 1_764_800_100.0}),
        (TIGHT, {"max_senders": 300}),
    ]
    for thresholds, kw in cases:
        got = state(batches, thresholds, True, **kw)  # type: ignore[arg-type]
        want = state(batches, thresholds, False, **kw)  # type: ignore[arg-type]
        assert first_difference(got, want) is None, (thresholds, kw)
    messages: list[MailMessage] = []
    ledger = MailLedger(on_message=messages.append)
    for batch in log_batches("exim", generated("exim", 3000, 6)):
        ledger.feed(batch)
    by_value: dict[object, set[int]] = {}
    for msg in messages:
        by_value.setdefault(msg.key, set()).add(id(msg.key))
    assert len(by_value) > 10 and None not in by_value
    assert all(len(ids) == 1 for ids in by_value.values())
    assert len(messages) > 2 * len(by_value)


def test_a_callback_error_comes_out_of_feed_unchanged() -> None:
    class Boom(RuntimeError):
        pass

    def on_message(msg: object) -> None:
        raise Boom("from the callback")

    batches = log_batches("postfix", generated("postfix", 200, 4))
    for compiled in (True, False):
        ledger = MailLedger(on_message=on_message, compiled=compiled)
        with pytest.raises(Boom, match="from the callback"):
            for batch in batches:
                ledger.feed(batch)


@pytest.mark.parametrize("where", ["on_message", "on_recipient"])
def test_a_callback_error_comes_out_of_the_one_pass_read_unchanged(where: str) -> None:
    """A ValueError of the join is not the parser's "malformed line" (which the compiled
    parser hands to Python's): it stops the read, as it stops feed()."""
    calls: list[object] = []

    def boom(*args: object) -> None:
        calls.append(args)
        raise ValueError("from the callback")

    blocks = exim_blocks(generated("exim", 400, 4))
    ledger = MailLedger(**{where: boom})  # type: ignore[arg-type]
    sink = ledger.block_sink()
    with pytest.raises(ValueError, match="from the callback"):
        for block in blocks:
            feed_block(block, parser_for("exim", 2025, 0), sink)
    assert len(calls) == 1


def test_the_one_pass_read_is_what_the_reader_feeds_a_ledger(tmp_path: Path) -> None:
    """LogReader.feed (the one pass, as `spamtrace mail` reads a lone Exim log) leaves the
    ledger, the policy and the read counts as the Python parsers and join do, on a damaged
    log with a 10 MB line and a last line without its newline (block ends, cut lines)."""
    log = tmp_path / "mainlog"
    log.write_bytes(b"\n".join(damaged(generated("exim", 30_000, 8), 8))[:-7])
    results = []
    for compiled in (True, False):
        policy = MailPolicy(TIGHT, updates=False)
        ledger = MailLedger(
            on_message=policy.observer(compiled), on_recipient=policy.recipient,
            compiled=compiled,
        )  # fmt: skip
        reader = LogReader(LogSpec(str(log), "exim"), None, compiled=compiled)
        reader.feed(ledger)
        senders = {k: _totals(t) for k, t in ledger.senders.items()}
        counts = (ledger.messages, ledger.inbound, ledger.events, ledger.dropped)
        results.append((reader.counts, counts, senders, policy.all_incidents()))
    assert results[0] == results[1]
    assert results[0][0].long_lines == 1 and results[0][0].malformed > 100
    assert len(results[0][3]) > 3


def _totals(t: object) -> tuple[object, ...]:
    import dataclasses

    return tuple(getattr(t, f.name) for f in dataclasses.fields(t))  # type: ignore[arg-type]


def test_a_policy_that_overrides_recipient_is_called_as_such() -> None:
    seen: list[str] = []

    class Counting(MailPolicy):
        def recipient(self, msg, address, wall):  # type: ignore[no-untyped-def]
            seen.append(address)
            return super().recipient(msg, address, wall)

    policy = Counting()
    ledger = MailLedger(on_message=policy.observer(), on_recipient=policy.recipient)
    for batch in log_batches("exim", generated("exim", 2000, 5)):
        ledger.feed(batch)
    assert len(seen) > 100


def test_the_compiled_join_is_clean_under_sanitizers(tmp_path: Path) -> None:
    from sanitizers import build, run

    build(SRC / "_mailjoin.c", tmp_path)
    build(SRC.parent / "sources" / "maillog" / "_scan.c", tmp_path)
    check = Path(__file__).with_name("sanitized_join.py")
    run(check, str(tmp_path), "7", "1500", passed="sanitized join passed")
