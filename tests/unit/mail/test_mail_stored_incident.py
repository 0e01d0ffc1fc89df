"""A mail incident as the daemon stores it: what `incident ID` shows after the burst.

The daemon stores a mail incident again with each of its messages; the store took only the
counts from those records and kept the reasons, the client addresses and the advice of the
opening. A stolen password used from 12 networks showed `logged in from 5 networks`, `from:`
five addresses and "used from 5 address(es)" for good, where `spamtrace mail` over the same
log said 12 (docs/mail.md: each incident says the most its sender reached)."""

from __future__ import annotations

import time
from pathlib import Path

from spamtrace import config as config_mod
from spamtrace.service.bus import SourceIncident
from spamtrace.sinks.store import Store, StoreReader
from spamtrace.sources.maillog.follow import MailLogSource
from spamtrace.sources.maillog.reader import LogSpec


def stolen_mailbox_lines(n: int, when: float) -> list[str]:
    """``n`` messages of one mailbox, each from another /16."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))
    return [
        f"{stamp} 1xZY{i:02d}-0004e1-2T <= r{i}@forged.example H=(bot) [10.{100 + i}.7.{i}] "
        f"P=esmtpa A=plain:box@mbox.example S=400 for v{i}@dest.example"
        for i in range(n)
    ]


def stored(tmp_path: Path, lines: list[str], **limits: int) -> StoreReader:
    log = tmp_path / "mainlog"
    log.write_text("")
    cfg = config_mod.Config().override(
        origin="test", mail__postfix_logs=[], mail__exim_logs=[str(log)],
        mail__restore_hours=0, **{f"mail__{k}": v for k, v in limits.items()},
    )  # fmt: skip
    src = MailLogSource(cfg, [LogSpec(str(log), "exim")], interval=3600)
    store = Store(str(tmp_path / "s.db"), start_writer=False)
    try:
        with log.open("a") as fh:
            fh.write("".join(f"{line}\n" for line in lines))
        out = [x for x in src.read_events() if isinstance(x, SourceIncident)]
        for x in out:  # as the engine submits them, a message at a time, seconds apart
            store.write_now([(x.record, x.incident)])
    finally:
        src.close()
        store.close()
    return StoreReader(str(tmp_path / "s.db"))


def test_a_stolen_mailbox_incident_says_every_network_it_was_used_from(tmp_path: Path) -> None:
    with stored(tmp_path, stolen_mailbox_lines(12, time.time()), auth_max_networks=4) as r:
        (inc,) = r.incidents()
    assert inc.connections == 12
    assert inc.reasons == (
        "logged in from 12 networks (/16) in an hour (more than mail.auth_max_networks = 4)",
    )
    assert len(inc.process["client_ips"]) == 12
    assert inc.process["distinct_recipients"] == 12
    assert inc.advice[0] == "reset the password of box@mbox.example (used from 12 address(es) here)"
    # the queue ids handed to freeze-queue (at the opening, then at 10 messages) are kept
    assert len(inc.process["queue_ids"]) == 10


def test_a_script_incident_says_how_many_messages_it_sent(tmp_path: Path) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time()))
    lines = []
    for i in range(30):
        lines += [
            f"{stamp} cwd=/home/shop/public_html/up 3 args: /usr/sbin/sendmail -t -i",
            f"{stamp} 1xZX{i:02d}-0004e{i % 10}-2T <= shop@host U=shop P=local S=400 "
            f"for t{i}@remote.example",
        ]
    with stored(tmp_path, lines, script_max_messages=20) as r:
        (inc,) = r.incidents()
    assert inc.connections == 30
    assert inc.reasons == ("30 messages in an hour (more than mail.script_max_messages = 20)",)
