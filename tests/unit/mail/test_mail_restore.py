"""The mail-log source rebuilds the policy's windows from the logs when it starts."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spamtrace import config as config_mod
from spamtrace.service.bus import MailQueued
from spamtrace.sources.maillog.follow import MailLogSource
from spamtrace.sources.maillog.reader import LogSpec
from spamtrace.sources.maillog.tail import read_tail_bytes


def exim_lines(start: int, n: int, when: float) -> list[str]:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))
    out = []
    for i in range(start, start + n):
        mid = f"1xZX{i:02d}-0004e{i % 10}-2T"
        out += [
            f"{stamp} cwd=/home/shop/public_html/wp-content/uploads 3 args: /usr/sbin/sendmail -t",
            f"{stamp} {mid} <= shop@host U=shop P=local S=400",
            f"{stamp} {mid} => t{i}@remote.example R=dnslookup T=remote_smtp H=mx [192.0.2.1]",
            f"{stamp} {mid} Completed",
        ]
    return out


def append(log: Path, lines: list[str]) -> None:
    with log.open("a") as fh:
        fh.write("".join(f"{line}\n" for line in lines))


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "mainlog"
    path.write_text("")
    return path


def source(log: Path, clock: Callable[[], float] = lambda: 1000.0, **dotted: Any) -> MailLogSource:
    """A source of ``log`` (a clock that stands still: a MailQueued batch is due only when
    no freeze of its incident was handed over in this run)."""
    cfg = config_mod.Config().override(
        origin="test", mail__script_max_messages=20, mail__postfix_logs=[],
        mail__exim_logs=[str(log)], **dotted,
    )  # fmt: skip
    return MailLogSource(cfg, [LogSpec(str(log), "exim")], interval=3600, clock=clock)


def test_a_burst_split_by_a_restart_still_opens_the_incident(log: Path) -> None:
    now = time.time()
    append(log, exim_lines(0, 15, now - 300))  # before the restart: below the limit
    src = source(log)
    try:
        assert src.wait_restored(10) and src.restored == 15
        assert src.read_events() == []  # nothing published for them
        append(log, exim_lines(15, 10, now))  # after the restart
        out = src.read_events()
        opened = [x for x in out if x.opened]
        assert len(opened) == 1
        inc = opened[0].incident
        assert inc.verdict == "mail-script" and inc.connections == 21
        assert inc.first_seen == pytest.approx(int(now - 300), abs=1)
        assert out[-1].incident.connections == 25
        assert src.stats()["messages"] == 10 and src.stats()["restored"] == 15
    finally:
        src.close()
    fresh = source(log, mail__restore_hours=0)  # starting from nothing: 10 are not enough
    try:
        assert fresh.restored == 0
        append(log, exim_lines(25, 10, time.time()))
        assert fresh.read_events() == []
    finally:
        fresh.close()


def test_an_incident_opened_before_the_restart_goes_on_under_its_id(log: Path) -> None:
    now = time.time()
    append(log, exim_lines(0, 25, now - 120))
    first = source(log, mail__restore_hours=0)
    try:  # the run before the restart saw the burst as it was written
        first.followers[0]._offset = 0  # read the file from its start, as if followed
        before = [x for x in first.read_events() if x.opened]
    finally:
        first.close()
    assert len(before) == 1
    src = source(log)
    try:
        assert src.wait_restored(10) and src.restored == 25
        append(log, exim_lines(25, 1, now))
        update, batch = src.read_events()
        assert not update.opened and update.incident.id == before[0].incident.id
        assert update.incident.connections == 26
        # no freeze of it in this run yet: its new queued message is handed over at once
        assert isinstance(batch, MailQueued) and batch.incident.id == update.incident.id
        assert batch.queue_ids == ("1xZX25-0004e5-2T",)
    finally:
        src.close()


def test_only_the_window_is_read_back_and_never_past_the_follower(log: Path) -> None:
    now = time.time()
    append(log, exim_lines(0, 30, now - 3 * 3600))  # older than the window: not counted
    append(log, exim_lines(30, 5, now - 60))
    src = source(log)
    try:
        assert src.wait_restored(10) and src.restored == 5
    finally:
        src.close()
    size = log.stat().st_size
    append(log, exim_lines(35, 3, now))
    blob = read_tail_bytes(str(log), now - 600, lambda line: None, upto=size)
    assert blob.count(b"\n") == 35 * 4 and b"1xZX35" not in blob


def test_a_mailbox_incident_names_the_account_that_owns_its_domain(log: Path) -> None:
    """mail-auth: the account is the panel's owner of the mailbox's domain, so that the
    responses' never_accounts / only_accounts and the lock command's {account} apply."""
    from spamtrace.model import Account, AccountKind

    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time()))
    src = source(log, mail__auth_max_messages=3, mail__restore_hours=0)
    asked: list[str] = []
    shop = Account("shop", AccountKind.CPANEL, "/home/shop")

    def owner_of(domain: str) -> str | None:  # the panel's files, read through the cache
        asked.append(domain)
        return "shop" if domain == "shop.example" else None

    src.accounts._owner_of_domain = owner_of  # type: ignore[method-assign]
    src.accounts._uid_of = lambda name: 1000 if name == "shop" else None  # type: ignore[method-assign]
    src.accounts.for_uid = lambda uid: shop if uid == 1000 else None  # type: ignore[method-assign]
    try:
        append(log, [
            f"{stamp} 1xZY{i:02d}-0004e1-2T <= info@Shop.example H=(x) [198.51.100.{i}] "
            f"P=esmtpa A=dovecot_login:info@Shop.example S=400"
            for i in range(6)
        ])  # fmt: skip
        out = src.read_events()
    finally:
        src.close()
    assert out and out[0].opened and out[0].incident.verdict == "mail-auth"
    assert {x.incident.account for x in out} == {"shop"} and out[0].incident.uid is None
    assert asked == ["shop.example"]  # once per domain, lower case


def test_a_reload_lowers_the_limit_of_the_followed_logs_at_the_next_line(log: Path) -> None:
    """A SIGHUP that lowered ``[mail] script_max_messages`` said "reloaded", but the
    followed logs kept the limit of the start: a script sending 10 messages under a new
    limit of 5 opened nothing until a restart. The source takes the new limits (and
    allow_accounts, accounts) at its next line and keeps its windows."""
    src = source(log, mail__restore_hours=0)
    try:
        append(log, exim_lines(0, 4, time.time()))
        assert src.read_events() == []  # 4 of 20
        lower = config_mod.Config().override(
            origin="test", mail__script_max_messages=5, mail__postfix_logs=[],
            mail__exim_logs=[str(log)], mail__restore_hours=0,
        )  # fmt: skip
        src.reconfigure(lower)
        append(log, exim_lines(4, 2, time.time()))
        opened = [x for x in src.read_events() if x.opened]
        assert len(opened) == 1 and opened[0].incident.connections == 6  # the 4 kept count
    finally:
        src.close()


def test_a_daemon_reload_hands_the_limits_to_the_mail_source_and_names_what_waits(
    log: Path, tmp_path: Path
) -> None:
    """Through the daemon's engine: the new limit holds at the next line, a changed list of
    logs (followed from the next start) is said in the reload's notes, and status counts
    the incident opened among the open ones."""
    from spamtrace.service.daemon import Daemon
    from spamtrace.service.engine import EngineOptions

    conf = tmp_path / "spamtrace.toml"
    head = f"[mail]\nexim_logs = [{str(log)!r}]\npostfix_logs = []\nrestore_hours = 0\n"
    conf.write_text(head + "script_max_messages = 20\n")
    d = Daemon(
        config_mod.load(config_file=str(conf)),
        EngineOptions(store_path=None, nflog=False, scan=False),
        config_file=str(conf), socket_path=str(tmp_path / "c.sock"),
        firewall_state_dir=str(tmp_path / "fw"),
    )  # fmt: skip
    try:
        src = next(s for s in d.engine.extra_sources if isinstance(s, MailLogSource))
        conf.write_text(
            head.replace("postfix_logs = []", "postfix_logs = ['/nonexistent/maillog']")
            + "script_max_messages = 3\n"
        )
        notes = d.engine.reload(config_mod.load(config_file=str(conf)))
        assert notes == ["mail.postfix_logs changed: takes effect at the next restart"]
        assert d.status()["incidents_open"] == 0
        append(log, exim_lines(0, 4, time.time()))
        assert [x.incident.connections for x in src.read_events() if x.opened] == [4]
        # status counted the connections' incidents only: "1 opened, 0 open" while the
        # script's incident was open
        assert d.status()["incidents_open"] == 1
    finally:
        d.engine.close()


def test_an_incident_quiet_longer_than_the_window_is_not_counted_open(log: Path) -> None:
    """The policy closes an incident at its sender's next message; until then one quiet
    longer than ``window`` is over and not counted open."""
    src = source(log, mail__restore_hours=0, mail__window=600)  # limit 20
    try:
        append(log, exim_lines(0, 21, time.time() - 900))  # opened 15 minutes ago
        assert [x.opened for x in src.read_events()].count(True) == 1
        assert src.open_count() == 0
        append(log, exim_lines(21, 21, time.time()))
        assert [x.opened for x in src.read_events()].count(True) == 1
        assert src.open_count() == 1
    finally:
        src.close()
