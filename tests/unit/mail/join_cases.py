"""What the compiled join (attribution/_mailjoin.c) is compared on: event streams fed to a
ledger and a policy twice, once by the compiled steps and once by the Python reference
(MailLedger.feed, MailPolicy.observe / recipient), and everything they hold afterwards.

Used by test_mail_join_compiled.py and, with the module built under AddressSanitizer and
UBSan, by sanitized_join.py."""

from __future__ import annotations

import dataclasses
import random
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from spamtrace.attribution.mail import MailLedger
from spamtrace.policy.mail import MailPolicy, MailThresholds
from spamtrace.sources.maillog.blocks import feed_block, parse_block_py
from spamtrace.sources.maillog.event import MailAction, MailLogged
from spamtrace.sources.maillog.reader import parser_for
from spamtrace.sources.maillog.stamp import iso_seconds

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from test_mail_policy_replay import TIGHT  # the same tight limits as the replay digests

from maillog_gen import exim_lines, postfix_lines

Batches = list[list[MailLogged]]


class Blocks(list[bytes]):
    """Blocks of whole lines of an Exim log (its time stamps ``offset`` seconds east of UTC)."""

    offset = 0


def exim_blocks(lines: Iterable[bytes], per: int = 997, offset: int = 0) -> Blocks:
    rows = list(lines)
    out = Blocks(b"\n".join(rows[i : i + per]) for i in range(0, len(rows), per))
    out.offset = offset
    return out


def state(
    batches: Batches | Blocks,
    thresholds: MailThresholds,
    compiled: bool,
    *,
    updates: bool = False,
    totals: bool = True,
    since: float | None = None,
    max_senders: int = 100_000,
) -> list[str]:
    """Feed ``batches`` to a ledger wired to a policy as `spamtrace mail` wires them; return
    what both hold afterwards, as text lines (in their order: dicts and deques keep it).

    :class:`Blocks` (raw lines of an Exim log) are parsed and joined in one pass by the
    compiled parser and join (blocks.feed_block) when ``compiled``, else parsed and fed by
    the Python reference; their line counts are part of the state."""
    policy = MailPolicy(thresholds, max_senders, updates=updates, compiled=compiled)
    ledger = MailLedger(
        since=since, uids={"acct003": 1003, "user1": 1001}, totals=totals,
        on_message=policy.observer(compiled), on_recipient=policy.recipient, compiled=compiled,
    )  # fmt: skip
    read: list[tuple[int, int, int, int]] = []
    if isinstance(batches, Blocks):
        parse = parser_for("exim", 2025, batches.offset)
        sink = ledger.block_sink() if compiled else None
        assert (sink is not None) == compiled
        for block in batches:
            if sink is not None:
                read.append(feed_block(block, parse, sink, utc_offset=batches.offset))
                ledger.events += read[-1][0]
            else:
                events, *counts = parse_block_py(block, parse)
                read.append((len(events), *counts))  # type: ignore[arg-type]
                ledger.feed(events)
    else:
        for batch in batches:
            ledger.feed(batch)
    out = [
        f"read {read!r}",
        f"counts {ledger.messages} {ledger.inbound} {ledger.bounces} {ledger.events} "
        f"{ledger.dropped}",
        *(f"senders {k!r} {_fields(t)}" for k, t in ledger.senders.items()),
        *(f"open {q} {_fields(m)} {m.key!r}" for q, m in ledger._open.items()),
        *(f"pending {q} {parts!r}" for q, parts in ledger._postfix.items()),
        f"seen {list(ledger._seen_postfix)!r}",
        f"args {ledger._args_by_pid!r} {list(ledger._args)!r}",
        *(f"incident {dataclasses.asdict(i)!r}" for i in policy.all_incidents()),
        f"nets {policy._nets!r}",
    ]
    for key, win in policy._windows.items():
        out += [
            f"window {key!r} {win.last_seen!r} {win.next_expiry!r} {policy.queue_ids(key)!r}",
            f"  sums {list(win.messages.items)!r} {win.messages.total}",
            f"  addresses {list(win.addresses.items)!r} {win.addresses.counts!r}",
            f"  ips {list(win.ips.items)!r} {win.ips.counts!r}",
            f"  nets {list(win.nets.items)!r} {win.nets.counts!r}",
            f"  history {win.history.hours!r} {win.history.first} {win.history.below(0)}",
            f"  queue {list(win.queue_ids)!r}",
        ]
    for key, inc in policy._open.items():
        out.append(f"open-incident {key!r} {inc.messages} {inc.recipients} {inc.last_seen!r} "
                   f"{list(inc.ips)!r} {list(inc.samples)!r} {inc.reasons!r}")  # fmt: skip
    return out


def _fields(obj: object) -> str:
    return repr(
        [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.name != "totals"]  # type: ignore[arg-type]
    )


def first_difference(a: list[str], b: list[str]) -> str | None:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"line {i}:\n  compiled: {x[:600]}\n  python:   {y[:600]}"
    if len(a) != len(b):
        return f"{len(a)} lines against {len(b)}"
    return None


def log_batches(kind: str, lines: Iterable[bytes], per: int = 997) -> Batches:
    """Lines of a log of ``kind`` parsed by the Python parsers, in batches of ``per`` lines."""
    parse = parser_for(kind, 2025, 0)
    rows = list(lines)
    return [
        parse_block_py(b"\n".join(rows[i : i + per]), parse)[0] for i in range(0, len(rows), per)
    ]


def generated(kind: str, count: int, seed: int) -> list[bytes]:
    gen = exim_lines if kind == "exim" else postfix_lines
    return [line.encode() for line in gen(count, seed=seed)]


def samples(kind: str = "exim") -> list[bytes]:
    """The lines of the sample logs of ``kind`` (Exim: pids, ``for`` lists, ``<original>``
    recipients, bounces, lines Exim's own processes write, SMTP AUTH shapes; Postfix:
    pickup, SASL, a bounce Postfix made), without their comments."""
    folder = Path(__file__).with_name("samples")
    return [
        line
        for name in (f"{kind}.log", f"{kind}-auth-abuse.log")
        for line in (folder / name).read_bytes().split(b"\n")
        if line.strip() and not line.startswith(b"#")
    ]


def damaged(lines: list[bytes], seed: int) -> Iterator[bytes]:
    """The lines, some cut short, some with invalid UTF-8, some repeated (ids logged again),
    some moved later (out of order), and a 10 MB line."""
    rng = random.Random(seed)
    held: list[bytes] = []
    for n, line in enumerate(lines):
        r = rng.random()
        if r < 0.03:
            line = line[: rng.randrange(len(line) + 1)]
        elif r < 0.05:
            at = rng.randrange(len(line) + 1)
            line = line[:at] + rng.choice((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00")) + line[at:]
        elif r < 0.08:
            held.append(line)
            continue
        yield line
        if r > 0.97:
            yield line
        if held and rng.random() < 0.2:
            yield held.pop(0)
        if n == len(lines) // 2:
            yield line[:40] + b" for " + b"x" * 10_000_000
    yield from held


def random_events(seed: int, count: int) -> Batches:
    """MailLogged events made up at random: every action, queue ids reused, times out of
    order and with gaps of hours and days, IPv4 and IPv6 clients (and odd ones), missing
    fields."""
    rng = random.Random(seed)
    now = 1_764_800_000.0
    qids = [f"q{i}" for i in range(60)]
    users = ["acct003", "user1", "nobody", None]
    boxes = [f"box{i}@site.example" for i in range(8)]
    out: list[MailLogged] = []
    for _ in range(count):
        if rng.random() < 0.01:
            now += rng.choice((400.0, 3700.0, 90_000.0))
        now += rng.random() * 2
        wall = now - (rng.random() * 30 if rng.random() < 0.05 else 0.0)
        mta = rng.choice(("exim", "postfix", "php"))
        action = rng.choice(list(MailAction))
        qid = rng.choice(qids) if rng.random() < 0.95 else None
        auth = rng.choice(boxes) if rng.random() < 0.4 else None
        ip = (
            f"{rng.randrange(1, 9)}.{rng.randrange(4)}.0.{rng.randrange(1, 30)}"
            if rng.random() < 0.85
            else f"2001:db8:{rng.randrange(3)}::{rng.randrange(9)}"
            if rng.random() < 0.8
            else rng.choice(("10", "1.2", "", "a.b.c.d.e", ".", "fe80::1%eth0", "x:y"))
        )
        rcpts = tuple(f"r{rng.randrange(300)}@x.example" for _ in range(rng.randrange(3)))
        out.append(
            MailLogged(
                wall,
                mta,
                action,
                qid,
                rng.choice((None, 100, 101, 102)),
                "s@x.example",
                rng.choice(users),
                rng.choice((None, 1003, 1001)),
                rng.choice(("local", "esmtpsa", None)),
                auth,
                None,
                None,
                ip if rng.random() < 0.7 else None,
                rng.choice((None, 1000)),
                rcpts,
                rng.choice((None, 0, 1, 3)),
                rng.choice((None, "/home/acct003/public_html")),
                rng.choice(((), ("/usr/sbin/sendmail", "-t", "-i"), ("sendmail", "a@b.example"))),
                rng.choice((None, "/home/acct003/public_html/x.php")),
            )
        )
    return [out[i : i + rng.randrange(1, 500)] for i in range(0, len(out), 250)]


def floods(count: int = 5000) -> Batches:
    """More argument lines (with and without a pid) and Postfix submissions than the ledger
    keeps waiting (MAX_PENDING), then their arrivals."""
    events: list[MailLogged] = []
    wall = 1_764_800_000.0
    for n in range(count):
        argv = ("/usr/sbin/sendmail", f"r{n}@x.example")
        pid = 1000 + n if n % 2 else None
        events.append(
            MailLogged(wall, "exim", MailAction.ARGUMENTS, pid=pid, cwd="/home/a", args=argv)
        )
        events.append(MailLogged(wall, "postfix", MailAction.SUBMITTED, f"P{n}", uid=1003))
    for n in range(count):
        pid = 1000 + n if n % 2 else None
        events.append(
            MailLogged(
                wall + 1,
                "exim",
                MailAction.ARRIVAL,
                f"E{n}",
                pid,
                "a@x",
                "acct003",
                protocol="local",
            )
        )
        events.append(MailLogged(wall + 1, "postfix", MailAction.ARRIVAL, f"P{n}", nrcpt=1))
    return [events[i : i + 1000] for i in range(0, len(events), 1000)]


def many_senders(count: int = 20_000) -> Batches:
    """Local messages of ``count`` accounts (more sender keys than the compiled join shares,
    _mailjoin.c MAX_KEYS), each with a recipient learnt from a delivery line, then a second
    message of every seventh account (a key asked for again after the shared ones were
    forgotten), some SMTP AUTH ones from changing addresses among them."""
    events: list[MailLogged] = []
    wall = 1_764_800_000.0
    for rnd in range(2):
        for n in range(0, count, 7 if rnd else 1):
            wall += 0.01
            qid = f"Q{rnd}-{n}"
            auth = f"box{n % 50}@x.example" if n % 11 == 0 else None
            events.append(
                MailLogged(
                    wall, "exim", MailAction.ARRIVAL, qid, None, "s@x.example", f"u{n}",
                    protocol="esmtpsa" if auth else "local", auth=auth,
                    ip=f"10.{n % 7}.0.{n % 200}" if auth else None,
                )
            )  # fmt: skip
            events.append(
                MailLogged(wall, "exim", MailAction.DELIVERY, qid, recipients=(f"r{n}@x",))
            )
            if n % 3:
                events.append(MailLogged(wall, "exim", MailAction.COMPLETED, qid))
    return [events[i : i + 1000] for i in range(0, len(events), 1000)]


def compare_all(seed: int, lines: int) -> None:
    """Every case: generated logs (plain and damaged), made-up events; default and tight
    thresholds; a replay (updates=False, the compiled steps), a follower (updates=True), a
    ledger without totals (messages without their key), a ``since``, and few senders kept
    (windows dropped with their incidents open)."""
    cases: list[tuple[str, Batches | Blocks]] = []
    for kind in ("exim", "postfix"):
        rows = generated(kind, lines, seed)
        cases.append((f"{kind} log", log_batches(kind, rows)))
        cases.append((f"{kind} damaged log", log_batches(kind, damaged(rows, seed))))
    rows = generated("exim", lines, seed)
    cases.append(("exim log in one pass", exim_blocks(rows)))
    cases.append(("exim samples in one pass", exim_blocks(samples() * 3, 7)))
    cases.append(("exim samples", log_batches("exim", samples() * 3, 7)))
    cases.append(("postfix samples", log_batches("postfix", samples("postfix") * 3, 7)))
    cases.append(("damaged exim log in one pass", exim_blocks(damaged(rows, seed), 501, 3600)))
    cases.append(("made-up events", random_events(seed, lines)))
    cases.append(("floods", floods()))
    for name, batches in cases:
        if isinstance(batches, Blocks):
            first = iso_seconds(batches[0][:19].decode(), batches.offset)
        else:
            first = batches[0][0].wall if batches and batches[0] else 0.0
        for thresholds in (MailThresholds(), TIGHT):
            for kw in (
                {}, {"updates": True}, {"totals": False}, {"since": first + 3000},
                {"max_senders": 40},
            ):  # fmt: skip
                got = state(batches, thresholds, True, **kw)  # type: ignore[arg-type]
                want = state(batches, thresholds, False, **kw)  # type: ignore[arg-type]
                diff = first_difference(got, want)
                assert diff is None, f"{name}, {thresholds}, {kw}: {diff}"
