"""Response decisions (pure, replayable): triggers, protections, observe/enforce records."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "watch"))

from respfake import MTA, SCRIPT, cfg, rules
from watchfake import attempt, proc

from spamtrace.actions.respond import Responder
from spamtrace.errors import ConfigError
from spamtrace.model import Account, AccountKind, Verdict
from spamtrace.policy.incidents import Incident, IncidentTracker
from spamtrace.policy.responses import (
    BlockUid,
    ConnectWindows,
    QuarantineFile,
    ScannedFile,
    Sender,
    Situation,
    StopProcess,
    SuspendAccount,
    decide,
    suspend_argv,
    unstoppable,
)

MALICIOUS = (ScannedFile(SCRIPT, "malicious", ("mailer.raw-smtp-dialogue",)),)


def incident(n: int = 1, **kw: Any) -> Incident:
    t = IncidentTracker()
    up = None
    for i in range(n):
        up = t.add(attempt(100.0 + i, **kw))
    assert up is not None
    return up.incident


SENDER = Sender(100, 1000.0, 1001, 1001, "php", "/usr/bin/php8.2", ("php", "x.php"))


def test_defaults_block_on_the_first_suspicious_connect_and_stop_after_three() -> None:
    r = rules()
    one = decide(Situation(incident(1), sender=SENDER), r)
    assert [type(d) for d in one] == [BlockUid]
    block = one[0]
    assert isinstance(block, BlockUid)
    assert (block.uid, block.timeout, block.account) == (1001, 3600, "u")
    three = decide(Situation(incident(3), sender=SENDER), r)
    assert [type(d) for d in three] == [BlockUid, StopProcess]
    stop = three[1]
    assert isinstance(stop, StopProcess)
    assert (stop.pid, stop.start_time, stop.signal) == (100, 1000.0, "stop")


def test_thresholds_count_within_the_window_only() -> None:
    r = rules(responses__block_after=5, responses__block_window=10.0)
    inc = incident(20)
    # 20 connects in the incident, but only 4 in the last 10 s: no block
    assert decide(Situation(inc, recent_connects={10.0: 4, 60.0: 4}), r) == []
    assert [type(d) for d in decide(Situation(inc, recent_connects={10.0: 5, 60.0: 5}), r)] == [
        BlockUid
    ]
    w = ConnectWindows()
    for t in (0.0, 1.0, 50.0, 55.0, 59.0):
        w.note("i", t)
    assert w.count("i", 10.0, 60.0) == 3 and w.count("i", 60.0, 60.0) == 5


class _CountedNow(float):
    """A time that counts the subtractions made from it (the times a window count visits)."""

    subtractions = 0

    def __sub__(self, other: float) -> float:
        type(self).subtractions += 1
        return float(self) - other


def test_a_window_count_does_not_scan_every_kept_time() -> None:
    # a flood of connects: each attempt counted its incident's window by a scan of up to
    # 1,024 times (7 % of the engine's time); a binary search looks at about 11
    w = ConnectWindows()
    times = [1000.0 + i * 0.001 for i in range(5000)]
    for t in times:
        w.note("i", t)
    half = sum(1 for t in times if 1005.0 - t <= 0.5)
    now = _CountedNow(1005.0)
    assert w.count("i", 0.5, now) == half and w.count("i", 10.0, now) == 1024
    assert _CountedNow.subtractions <= 2 * 12


def test_a_window_count_is_exact_with_times_out_of_order() -> None:
    w = ConnectWindows()
    times = [5.0, 1.0, 3.0, 9.0, 7.0, 7.0, 2.0, 10.5]
    for t in times:
        w.note("i", t)
    for window in (0.0, 0.5, 1.0, 2.0, 3.0, 8.0, 100.0):
        for now in (7.0, 9.0, 10.0, 10.5):
            assert w.count("i", window, now) == sum(1 for t in times if now - t <= window)
    assert w.count("other", 10.0, 10.0) == 0


def test_a_malicious_scan_blocks_stops_and_quarantines_at_once() -> None:
    r = rules(responses__block_after=10, responses__stop_after=10)
    inc = incident(1)
    assert decide(Situation(inc, sender=SENDER), r) == []
    got = decide(Situation(inc, sender=SENDER, scan=MALICIOUS), r)
    assert [type(d) for d in got] == [BlockUid, StopProcess, QuarantineFile]
    q = got[2]
    assert isinstance(q, QuarantineFile)
    assert q.path == SCRIPT and q.rules == ("mailer.raw-smtp-dialogue",)
    assert "malicious" in got[0].reason


def test_quarantine_only_on_malicious_never_on_suspicious() -> None:
    scan = (ScannedFile(SCRIPT, "suspicious", ("php.eval",)), ScannedFile("/x.php", "clean"))
    got = decide(Situation(incident(1), scan=scan), rules())
    assert not any(isinstance(d, QuarantineFile) for d in got)


def test_done_keys_make_each_decision_once() -> None:
    r = rules()
    inc = incident(3)
    first = decide(Situation(inc, sender=SENDER, scan=MALICIOUS), r)
    done = frozenset(d.key for d in first)
    assert decide(Situation(inc, sender=SENDER, scan=MALICIOUS, done=done), r) == []


@pytest.mark.parametrize(
    ("overrides", "kw"),
    [
        ({}, {"process": proc(uid=0)}),  # root
        ({}, {"process": proc(uid=103)}),  # the MTA's user
        ({"submission__allow_accounts": ["u"]}, {}),
        ({"responses__never_accounts": ["u"]}, {}),
    ],
)
def test_never_root_mta_or_allow_listed_accounts(overrides: dict[str, Any], kw: Any) -> None:
    inc = incident(5, **kw)
    assert decide(Situation(inc, sender=SENDER, scan=MALICIOUS), rules(**overrides)) == []


def test_only_accounts_limits_the_responses_to_those_accounts() -> None:
    inc = incident(5)
    assert decide(Situation(inc, sender=SENDER), rules(responses__only_accounts=["other"])) == []
    got = decide(Situation(inc, sender=SENDER), rules(responses__only_accounts=["other", "u"]))
    assert [type(d) for d in got] == [BlockUid, StopProcess]


def test_a_released_uid_is_not_blocked_or_stopped_again_but_still_quarantined() -> None:
    got = decide(Situation(incident(5), sender=SENDER, scan=MALICIOUS, released=frozenset({1001})),
                 rules())  # fmt: skip
    assert [type(d) for d in got] == [QuarantineFile]


def test_submission_and_mta_verdicts_are_left_alone_by_default() -> None:
    for verdict in (Verdict.SUBMISSION, Verdict.MTA, Verdict.ALLOWED):
        inc = incident(5, verdict=verdict, port=587)
        assert decide(Situation(inc, sender=SENDER), rules()) == []


def test_ssh_tunnel_is_blocked_but_sshd_is_never_stopped() -> None:
    sshd = Sender(200, 1.0, 1001, 1001, "sshd", "/usr/sbin/sshd", ("sshd: u",))
    inc = incident(5, verdict=Verdict.SSH_TUNNEL)
    got = decide(Situation(inc, sender=sshd), rules())
    assert [type(d) for d in got] == [BlockUid]
    assert unstoppable(sshd, rules()) == "sshd"


@pytest.mark.parametrize(
    ("sender", "why"),
    [
        (Sender(1, 1.0, 1001, 1001, "init", "/sbin/init"), "init"),
        (Sender(5, 1.0, 0, 0, "php", "/usr/bin/php"), "a process of root"),
        (Sender(5, 1.0, 1001, 0, "php", "/usr/bin/php"), "a process of root"),
        (Sender(5, 1.0, 103, 103, "exim4", "/usr/sbin/exim4"), "a process of an MTA user"),
        (Sender(5, 1.0, 1001, 1001, "x", "/usr/sbin/exim4"), "the MTA"),
        (
            Sender(5, 1.0, 1001, 1001, "php-fpm8.2", "/usr/sbin/php-fpm8.2",
                   ("php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)",)),
            "php-fpm's master",
        ),
        (Sender(5, None, 1001, 1001, "php", "/usr/bin/php"), "start time unknown"),
    ],
)  # fmt: skip
def test_unstoppable_processes(sender: Sender, why: str) -> None:
    assert (unstoppable(sender, rules()) or "").startswith(why)


def test_a_sender_renamed_like_a_daemon_is_still_stopped() -> None:
    # a perl script calling itself "exim" or "sshd": judged by its executable, not its name
    for name in ("exim", "sshd", "php-fpm: master process"):
        fake = Sender(5, 1.0, 1001, 1001, name, "/usr/bin/perl", (name,))
        assert unstoppable(fake, rules()) is None
    worker = Sender(5, 1.0, 1001, 1001, "php-fpm8.2", "/usr/sbin/php-fpm8.2", ("php-fpm: pool u",))
    assert unstoppable(worker, rules()) is None


def test_stop_signal_kill_and_switches() -> None:
    got = decide(Situation(incident(3), sender=SENDER), rules(responses__stop_signal="kill"))
    assert isinstance(got[1], StopProcess) and got[1].signal == "kill"
    off = rules(responses__block=False, responses__stop=False, responses__quarantine=False)
    assert decide(Situation(incident(9), sender=SENDER, scan=MALICIOUS), off) == []


def test_a_sender_continued_after_its_stop_is_killed() -> None:
    """It connected again after its SIGSTOP (a watchdog of its own sent SIGCONT): its stop is
    decided again, as a kill, whatever stop_signal says, and the reason says why."""
    situation = Situation(incident(3), sender=SENDER, continued=True, done=frozenset())
    (stop,) = [d for d in decide(situation, rules()) if isinstance(d, StopProcess)]
    assert stop.signal == "kill" and "another process continued it" in stop.reason
    released = dataclasses.replace(situation, released=frozenset({1001}))
    assert not [d for d in decide(released, rules()) if isinstance(d, StopProcess)]


def test_suspend_is_off_by_default_and_runs_the_configured_command() -> None:
    assert not any(
        isinstance(d, SuspendAccount)
        for d in decide(Situation(incident(1), scan=MALICIOUS), rules())
    )
    r = rules(responses__suspend=True, responses__suspend_command=["/scripts/suspendacct"])
    (s,) = [d for d in decide(Situation(incident(1), scan=MALICIOUS), r) if
            isinstance(d, SuspendAccount)]  # fmt: skip
    assert s.command == ("/scripts/suspendacct", "u")
    assert suspend_argv(["plesk", "bin", "subscription", "--suspend", "{account}"], "u; rm") == (
        "plesk", "bin", "subscription", "--suspend", "u; rm",
    )  # fmt: skip


def test_plesk_suspend_names_the_subscription_not_its_system_user() -> None:
    # plesk bin subscription --suspend takes the subscription's name (its main domain); the
    # account is the subscription's system user (home /var/www/vhosts/shop.example): the
    # command gets {domain}, the account's first domain
    plesk = Account("shopsys", AccountKind.PLESK, "/var/www/vhosts/shop.example",
                    ("shop.example", "blog.example"))  # fmt: skip
    cmd = ["plesk", "bin", "subscription", "--suspend", "{domain}"]
    r = rules(responses__suspend=True, responses__suspend_command=cmd)
    inc = incident(1, account=plesk)
    assert inc.account == "shopsys" and inc.domain == "shop.example"
    (s,) = [d for d in decide(Situation(inc, scan=MALICIOUS), r) if isinstance(d, SuspendAccount)]
    assert s.command == ("plesk", "bin", "subscription", "--suspend", "shop.example")
    assert s.account == "shopsys"
    both = suspend_argv(["/s", "--user={account}", "{domain}"], "shopsys", "shop.example")
    assert both == ("/s", "--user=shopsys", "shop.example")
    # no domain known (a plain home, or an incident read back from the store): not run
    assert incident(1).domain is None
    assert not [d for d in decide(Situation(incident(1), scan=MALICIOUS), r)
                if isinstance(d, SuspendAccount)]  # fmt: skip
    assert suspend_argv(cmd, "shopsys", "-x.example") is None


def test_a_plesk_incident_read_back_from_the_store_still_suspends_by_domain(
    tmp_path: Path,
) -> None:
    """`{domain}` was not kept in the incident's record: an incident the daemon read back
    from its store after a restart (and every incident the responses saw through the bus,
    which carries the record) had no domain, so Plesk's `plesk bin subscription --suspend
    {domain}` never ran. The record and the store keep it now (schema 5), and a restart takes
    it up with the incident."""
    from spamtrace.sinks.records import incident_of_record, incident_record
    from spamtrace.sinks.store import Store, StoreReader

    plesk = Account("shopsys", AccountKind.PLESK, "/var/www/vhosts/shop.example",
                    ("shop.example", "blog.example"))  # fmt: skip
    cmd = ["plesk", "bin", "subscription", "--suspend", "{domain}"]
    r = rules(responses__suspend=True, responses__suspend_command=cmd)
    inc = incident(1, account=plesk)
    rec = incident_record(inc, None)
    assert rec.domain == "shop.example"
    on_the_bus = incident_of_record(rec)  # what the responses get from the engine's messages
    assert on_the_bus is not None and on_the_bus.domain == "shop.example"
    path = str(tmp_path / "s.db")
    store = Store(path, start_writer=False)
    store.write_now([(None, rec)])  # type: ignore[list-item]
    store.close()
    with StoreReader(path) as reader:
        stored = reader.incident(inc.id)
    assert stored is not None and stored.domain == "shop.example"
    back = incident_of_record(stored)
    assert back is not None and back.domain == "shop.example"
    tracker = IncidentTracker()
    assert tracker.resume([back]) == 1
    taken_up = tracker.add(attempt(101.0, account=plesk)).incident
    assert taken_up.id == inc.id and taken_up.domain == "shop.example"
    (s,) = [d for d in decide(Situation(back, scan=MALICIOUS), r) if isinstance(d, SuspendAccount)]
    assert s.command == ("plesk", "bin", "subscription", "--suspend", "shop.example")


def test_suspend_refuses_an_account_name_that_reads_as_an_option() -> None:
    # the name is one argv word, but "--all" would still be read by the panel's command as
    # an option: refused, as lock_mailbox_command refuses such a mailbox
    assert suspend_argv(["/scripts/suspendacct"], "--all") is None
    assert suspend_argv(["/s", "--user={account}"], "-x") is None
    assert suspend_argv(["/s", "{account}"], "a\nb") is None
    r = rules(responses__suspend=True, responses__suspend_command=["/scripts/suspendacct"])
    inc = dataclasses.replace(incident(1), account="--all")
    decided = decide(Situation(inc, scan=MALICIOUS), r)
    assert not any(isinstance(d, SuspendAccount) for d in decided)


@pytest.mark.parametrize(
    "bad",
    [
        {"responses__block_after": 0},
        {"responses__stop_signal": "term"},
        {"responses__block_verdicts": ["mta"]},
        {"responses__block_timeout": -1},
        {"responses__quarantine_dir": "relative/q"},
        {"responses__suspend": True},
    ],
)
def test_config_errors(bad: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        cfg(**bad)


def test_unknown_responses_key_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown key"):
        cfg(responses__blok=True)


# ---------------------------------------------------------------------------- the Responder
class FakeBlocker:
    def __init__(self, fail: bool = False) -> None:
        self.blocked: list[tuple[int, int]] = []
        self.fail = fail
        self.prepared = False

    def prepare(self) -> None:
        self.prepared = True

    def block(self, uid: int, timeout: int) -> None:
        from spamtrace.errors import FirewallError

        if self.fail:
            raise FirewallError("nft load failed: no nft here")
        self.blocked.append((uid, timeout))


def responder(mode: str, blocker: FakeBlocker) -> Responder:
    return Responder(cfg(mode=mode), MTA, blocker=blocker, clock=lambda: 5.0)  # type: ignore[arg-type]


def test_observe_records_would_and_does_nothing() -> None:
    b = FakeBlocker()
    r = responder("observe", b)
    t = IncidentTracker()
    att = attempt(100.0)
    r.on_attempt(att, t.add(att).incident)
    assert [(a.action, a.status) for a in r.records] == [("block-uid", "would")]
    assert r.records[0].undo is None and "block SMTP egress of uid 1001" in r.records[0].detail
    assert b.blocked == []
    att2 = attempt(101.0)
    assert r.on_attempt(att2, t.add(att2).incident) == []  # once per incident
    assert len(r.records) == 1


def test_enforce_blocks_on_the_worker_and_records_failures_with_the_reason() -> None:
    b = FakeBlocker()
    r = responder("enforce", b)
    att = attempt(100.0)
    decided = r.on_attempt(att, IncidentTracker().add(att).incident)
    assert [type(d) for d in decided] == [BlockUid]
    assert r.wait(5.0)
    (rec,) = r.records
    assert (rec.action, rec.status, rec.undo) == ("block-uid", "done", "spamtrace release 1001")
    assert b.blocked == [(1001, 3600)]
    r.close()
    bad = responder("enforce", FakeBlocker(fail=True))
    bad.on_attempt(att, IncidentTracker().add(att).incident)
    assert bad.wait(5.0)
    (rec,) = bad.records
    assert rec.status == "failed" and "no nft here" in rec.detail
    bad.close()


def test_emit_gets_every_record_from_the_workers() -> None:
    got: list[str] = []
    r = responder("enforce", FakeBlocker())
    r.emit = lambda rec: got.append(f"{rec.action} {rec.status}")
    att = attempt(100.0)
    r.on_attempt(att, IncidentTracker().add(att).incident)
    r.close(5.0)
    assert got == ["block-uid done"] and r.records == []


# ---------------------------------------------------------------------------- the subscriber
class FakeEngine:
    def __init__(self) -> None:
        self.mta = MTA
        self.store = None
        self.posted: list[object] = []
        self.flushed = 0
        self.contained: list[int] = []

    def post(self, message: object) -> None:
        self.posted.append(message)

    def contain(self, uid: int) -> None:
        self.contained.append(uid)

    def flush_posted(self) -> None:
        self.flushed += 1


def test_the_subscriber_decides_on_attempts_and_posts_every_action() -> None:
    from spamtrace.render.incidents import incident_json
    from spamtrace.service.bus import (
        ActionRecorded,
        AttemptRecorded,
        EngineStopping,
        IncidentUpdated,
        UpdateReason,
    )
    from spamtrace.service.responses import ResponsesSubscriber
    from spamtrace.sinks.records import event_record, incident_record

    engine = FakeEngine()
    blocker = FakeBlocker()
    sub = ResponsesSubscriber(
        engine,  # type: ignore[arg-type]
        cfg(mode="enforce"),
        Responder(cfg(mode="enforce"), MTA, blocker=blocker),  # type: ignore[arg-type]
    )
    att = attempt(100.0)
    inc = IncidentTracker().add(att).incident
    sub.handle(AttemptRecorded(att, event_record(att, inc.id), incident_record(inc, att), True))
    sub.handle(EngineStopping(101.0, {}))
    sys.setswitchinterval(0.005)  # enforce mode lowered it for the process
    assert blocker.prepared and sub.notes == []
    assert blocker.blocked == [(1001, 3600)] and engine.flushed == 1
    assert engine.contained == [1001]  # the engine's scheduler knows the kernel refuses it
    actions = [m for m in engine.posted if isinstance(m, ActionRecorded)]
    updates = [m for m in engine.posted if isinstance(m, IncidentUpdated)]
    assert [(a.action.action, a.action.status) for a in actions] == [("block-uid", "done")]
    assert actions[0].incident_id == inc.id and actions[0].action.uid == 1001
    assert [u.reason for u in updates] == [UpdateReason.ACTION]
    doc = incident_json(incident_record(inc, att), [actions[0].action])
    (shown,) = doc["actions"]
    assert {k: shown[k] for k in ("action", "status", "undo")} == {
        "action": "block-uid", "status": "done", "undo": "spamtrace release 1001",
    }  # fmt: skip
    assert shown["at"].endswith("Z") and "uid 1001" in shown["detail"]


def test_a_reload_switches_observe_to_enforce_for_the_next_decisions() -> None:
    from spamtrace.service.bus import AttemptRecorded, ConfigReloaded
    from spamtrace.service.responses import ResponsesSubscriber
    from spamtrace.sinks.records import event_record, incident_record

    engine = FakeEngine()
    blocker = FakeBlocker()
    responder = Responder(cfg(), MTA, blocker=blocker)  # type: ignore[arg-type]
    sub = ResponsesSubscriber(engine, cfg(), responder)  # type: ignore[arg-type]
    t = IncidentTracker()
    a1 = attempt(100.0)
    i1 = t.add(a1).incident
    sub.handle(AttemptRecorded(a1, event_record(a1, i1.id), incident_record(i1, a1), True))
    sub.handle(ConfigReloaded(True, None, cfg(mode="enforce"), (), 101.0))
    assert blocker.prepared  # the switch to enforce made the set and chain at once
    a2 = attempt(2000.0, process=proc(scripts=("/home/u/y.php",)))
    i2 = t.add(a2).incident
    sub.handle(AttemptRecorded(a2, event_record(a2, i2.id), incident_record(i2, a2), True))
    sub.responder.close(5.0)
    sys.setswitchinterval(0.005)
    statuses = [(m.incident_id, m.action.status) for m in engine.posted if hasattr(m, "action")]
    assert statuses == [(i1.id, "would"), (i2.id, "done")]
    assert blocker.blocked == [(1001, 3600)]


def test_an_open_incident_decided_in_observe_is_acted_on_after_a_reload_to_enforce() -> None:
    """An admin saw a spam run's incident in observe mode ("block-uid would"), set mode =
    enforce and reloaded: the sender went on unblocked for as long as it sent (72 connects in
    the tour's 10 s), since its incident's decisions counted as made. A decision only
    recorded as `would` is made again, for real, at the incident's next attempt."""
    from spamtrace.service.bus import AttemptRecorded, ConfigReloaded
    from spamtrace.service.responses import ResponsesSubscriber
    from spamtrace.sinks.records import event_record, incident_record

    engine = FakeEngine()
    blocker = FakeBlocker()
    responder = Responder(cfg(), MTA, blocker=blocker)  # type: ignore[arg-type]
    sub = ResponsesSubscriber(engine, cfg(), responder)  # type: ignore[arg-type]
    t = IncidentTracker()
    a1 = attempt(100.0)
    i1 = t.add(a1).incident
    sub.handle(AttemptRecorded(a1, event_record(a1, i1.id), incident_record(i1, a1), True))
    sub.handle(ConfigReloaded(True, None, cfg(mode="enforce"), (), 101.0))
    a2 = attempt(102.0)
    i2 = t.add(a2).incident
    assert i2.id == i1.id  # the same spam run, still going
    sub.handle(AttemptRecorded(a2, event_record(a2, i2.id), incident_record(i2, a2), True))
    a3 = attempt(103.0)
    i3 = t.add(a3).incident
    sub.handle(AttemptRecorded(a3, event_record(a3, i3.id), incident_record(i3, a3), True))
    sub.responder.close(5.0)
    sys.setswitchinterval(0.005)
    blocks = [m.action.status for m in engine.posted
              if hasattr(m, "action") and m.action.action == "block-uid"]  # fmt: skip
    assert blocks == ["would", "done"]  # done once, not at every attempt after the reload
    assert blocker.blocked == [(1001, 3600)]


# ---------------------------------------------------------------------------- a flushed set
class FlushableSet:
    """``blocked_uids`` as the kernel keeps it: ``flush()`` is `nft flush ruleset`."""

    def __init__(self) -> None:
        self.live: set[int] = set()
        self.added: list[tuple[int, int]] = []

    def prepare(self) -> None:
        pass

    def block(self, uid: int, timeout: int) -> None:
        self.live.add(uid)
        self.added.append((uid, timeout))

    def blocked(self) -> list[Any]:
        from spamtrace.actions.uidblock import BlockedUid

        return [BlockedUid(uid, None, None) for uid in sorted(self.live)]

    def drop(self, uids: Any) -> None:
        self.live -= set(uids)


def test_a_block_the_ruleset_flush_lost_is_put_back_for_what_is_left_of_it() -> None:
    """`nft flush ruleset` (a reload of Debian's nftables.service) emptied the block set: the
    spam run went on unblocked and its incident, already decided, was never blocked again.
    At each firewall check the blocks of the run are put back, for the time they had left;
    not one `spamtrace release` freed, nor one that ran out, nor in observe mode."""
    now = [5.0]
    freed: set[int] = set()
    asked: list[float] = []  # each a read of the store, by the daemon

    def released(since: float) -> frozenset[int]:
        asked.append(since)
        return frozenset(freed)

    kernel = FlushableSet()
    r = Responder(
        cfg(mode="enforce"), MTA, blocker=kernel, clock=lambda: now[0],  # type: ignore[arg-type]
        released=released,
    )  # fmt: skip
    att = attempt(100.0)
    r.on_attempt(att, IncidentTracker().add(att).incident)
    asked.clear()  # the decision's own look (release_grace)
    assert kernel.added == [(1001, 3600)] and r.reassert_blocks() == []  # still there
    assert asked == []  # a block still in the set needs no look at the store
    kernel.live.clear()  # the flush
    now[0] = 65.0
    (again,) = r.reassert_blocks()
    assert (again.action, again.status, again.uid) == ("block-uid", "done", 1001)
    assert again.detail.startswith("blocked again for the 3540 s left: the block set had lost")
    assert again.data["again"] is True and again.undo == "spamtrace release 1001"
    assert kernel.added[-1] == (1001, 3540) and 1001 in kernel.live
    kernel.live.clear()
    freed.add(1001)  # `spamtrace release 1001`
    assert r.reassert_blocks() == [] and 1001 not in kernel.live
    r.close()

    ran_out = Responder(cfg(mode="enforce"), MTA, blocker=kernel, clock=lambda: now[0])  # type: ignore[arg-type]
    ran_out.on_attempt(att, IncidentTracker().add(att).incident)
    kernel.live.clear()
    now[0] += 3600
    assert ran_out.reassert_blocks() == [] and kernel.live == set()
    ran_out.close()


def test_the_daemon_puts_lost_blocks_back_at_its_firewall_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from spamtrace.service.bus import (
        ActionRecorded,
        AttemptRecorded,
        FirewallChecked,
        FirewallState,
    )
    from spamtrace.service.daemon import JournalLog
    from spamtrace.service.responses import ResponsesSubscriber
    from spamtrace.sinks.records import event_record, incident_record

    engine = FakeEngine()
    kernel = FlushableSet()
    sub = ResponsesSubscriber(
        engine, cfg(mode="enforce"),  # type: ignore[arg-type]
        Responder(cfg(mode="enforce"), MTA, blocker=kernel),  # type: ignore[arg-type]
    )  # fmt: skip
    sys.setswitchinterval(0.005)  # enforce mode lowered it for the process
    att = attempt(100.0)
    inc = IncidentTracker().add(att).incident
    sub.handle(AttemptRecorded(att, event_record(att, inc.id), incident_record(inc, att), True))
    kernel.live.clear()
    sub.handle(FirewallChecked(FirewallState.ABSENT, "nft", (), 160.0))
    again = [m for m in engine.posted if isinstance(m, ActionRecorded)][-1]
    assert again.action.data.get("again") and 1001 in kernel.live
    JournalLog().handle(again)
    err = capsys.readouterr().err
    assert err.startswith(f"spamtrace: incident {inc.id}: block-uid done: blocked again for")
    assert "the block set had lost uid 1001" in err
    sub.close()


def test_what_release_grace_holds_back_is_said_once_and_done_after_it() -> None:
    """A suspicious incident of a uid released less than release_grace ago showed no action at
    all: an amnesty looked like nothing happening. It is recorded once as `would` with the
    reason, and the block is taken once the grace has run out."""
    freed = {1001}
    kernel = FlushableSet()
    r = Responder(
        cfg(mode="enforce", responses__stop=False), MTA, blocker=kernel,  # type: ignore[arg-type]
        released=lambda since: frozenset(freed),
    )  # fmt: skip
    t = IncidentTracker()
    att = attempt(100.0)
    r.on_attempt(att, t.add(att).incident)
    assert kernel.added == []
    (held,) = r.records
    assert (held.action, held.status, held.undo) == ("block-uid", "would", None)
    assert held.detail.startswith("not done: uid 1001 was released (`spamtrace release`) less")
    assert "release_grace (3600 s)" in held.detail
    again = attempt(101.0)
    r.on_attempt(again, t.add(again).incident)
    assert len(r.records) == 1  # said once
    freed.clear()  # the grace ran out
    later = attempt(102.0)
    r.on_attempt(later, t.add(later).incident)
    assert kernel.added == [(1001, 3600)]
    assert [(a.action, a.status) for a in r.records][-1] == ("block-uid", "done")
    r.close()


def test_blocks_an_earlier_run_made_are_put_back_at_start_and_after_a_flush(
    tmp_path: Path,
) -> None:
    """The daemon restarted (an upgrade), then `nft flush ruleset` (nftables.service reloaded,
    or a reboot) emptied the set: only the blocks of the new run were put back, every sender
    blocked before ran free. The store's blocks still in force are taken at start and put
    back (for the time they had left); not one that ran out, one `spamtrace release` freed,
    nor root's or the MTA's (a hand-edited store), nor a never_accounts user's."""
    import pwd

    from spamtrace.service.bus import ActionRecorded, FirewallChecked, FirewallState
    from spamtrace.service.responses import ResponsesSubscriber
    from spamtrace.sinks.store import ActionRecord, Store, mark_undone

    now = [10_000.0]
    db = str(tmp_path / "s.db")
    store = Store(db)

    def block(uid: int, at: float, timeout: int) -> None:
        store.submit_action(ActionRecord(
            f"inc-{uid}", "block-uid", "done", at, f"block uid {uid}", f"spamtrace release {uid}",
            uid, str(uid), {"timeout": timeout, "reason": "suspicious"},
        ))  # fmt: skip

    block(1001, now[0] - 100, 3600)  # in force: 3500 s left
    block(1002, now[0] - 4000, 3600)  # ran out
    block(1003, now[0] - 50, 3600)  # released below
    block(1004, now[0] - 9000, 0)  # until released
    block(0, now[0] - 10, 3600)  # root and the MTA: never, whatever the store says
    block(103, now[0] - 10, 3600)
    nobody = pwd.getpwnam("nobody").pw_uid
    block(nobody, now[0] - 10, 3600)  # in [responses] never_accounts now
    store.submit_action(ActionRecord("inc-x", "block-uid", "would", now[0], "", None, 1005))
    assert store.flush()
    store.close()
    assert mark_undone(db, 1003, now[0] - 10) == 1

    engine = FakeEngine()
    stored: list[ActionRecord] = []
    engine.store = type("S", (), {"path": db, "submit_action": staticmethod(stored.append)})()  # type: ignore[assignment]
    kernel = FlushableSet()
    conf = cfg(mode="enforce", responses__never_accounts=["nobody"])
    sub = ResponsesSubscriber(
        engine, conf,  # type: ignore[arg-type]
        Responder(conf, MTA, blocker=kernel, clock=lambda: now[0]),  # type: ignore[arg-type]
    )  # fmt: skip
    sys.setswitchinterval(0.005)  # enforce mode lowered it for the process
    sub.restore_blocks()  # what EngineStarted does (and a reload into enforce mode)
    assert sorted(kernel.added) == [(1001, 3500), (1004, 0)]
    again = [m.action for m in engine.posted if isinstance(m, ActionRecorded)]
    assert {(a.uid, a.status, a.data.get("again")) for a in again} == {
        (1001, "done", True), (1004, "done", True),
    }  # fmt: skip
    assert [a.uid for a in stored] == [1001, 1004]  # recorded: the next restart knows them
    kernel.live.clear()  # the flush, while the daemon runs
    now[0] += 500
    sub.handle(FirewallChecked(FirewallState.ABSENT, "nft", (), now[0]))
    assert sorted(kernel.added[2:]) == [(1001, 3000), (1004, 0)]
    sub.close()

    observe = FlushableSet()  # switched to observe since: nothing is put back
    sub = ResponsesSubscriber(
        FakeEngine(), cfg(),  # type: ignore[arg-type]
        Responder(cfg(), MTA, blocker=observe, clock=lambda: now[0]),  # type: ignore[arg-type]
    )  # fmt: skip
    sub.engine.store = engine.store  # type: ignore[attr-defined]
    sub.restore_blocks()
    assert observe.added == []
    sub.close()


def test_a_watcher_in_a_netns_does_not_act_on_senders_of_other_namespaces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The tracepoint sees every namespace's connects: a daemon run in a network namespace
    blocked (in its own namespace's set: nothing) and stopped the host's senders. Outside the
    host's namespace, a sender of another one is held back (said once, as `would`, with why);
    one of its own namespace is acted on; `other_netns = true` acts on all; on the host,
    senders of every namespace are acted on."""
    from spamtrace.actions import process
    from spamtrace.attribution import process as procfs_reader

    spaces = {"self": 4026532001, 1: 4026531840, 100: 4026531840, 200: 4026532001}
    monkeypatch.setattr(process, "netns_of", lambda pid, procfs="/proc": spaces.get(pid))
    monkeypatch.setattr(procfs_reader, "host_netns_pid", lambda procfs="/proc": 1)
    kernel = FlushableSet()
    conf = cfg(mode="enforce", responses__stop=False)
    r = Responder(conf, MTA, blocker=kernel)  # type: ignore[arg-type]
    t = IncidentTracker()
    for wall in (100.0, 101.0):  # the host's sender (pid 100): held back, said once
        att = attempt(wall, process=proc(pid=100))
        assert r.on_attempt(att, t.add(att).incident) == []
    (held,) = r.records
    assert (held.action, held.status, held.undo) == ("block-uid", "would", None)
    assert held.detail.startswith("not done: pid 100 is in another network namespace")
    assert "net:[4026532001], not the host's" in held.detail and "other_netns" in held.detail
    assert kernel.added == []
    mine = attempt(102.0, pid=200, process=proc(pid=200, exe="/usr/bin/perl"))
    r.on_attempt(mine, IncidentTracker().add(mine).incident)  # its own namespace's sender
    assert kernel.added == [(1001, 3600)]
    r.close()

    anyway = Responder(cfg(mode="enforce", responses__stop=False,
                           responses__other_netns=True), MTA, blocker=FlushableSet())  # type: ignore[arg-type]  # fmt: skip
    att = attempt(100.0, process=proc(pid=100))
    assert [type(d) for d in anyway.on_attempt(att, IncidentTracker().add(att).incident)] == [
        BlockUid
    ]
    anyway.close()
    spaces["self"] = spaces[1]  # on the host: a sender of another namespace is acted on
    host = Responder(conf, MTA, blocker=FlushableSet())  # type: ignore[arg-type]
    att = attempt(100.0, process=proc(pid=300))
    assert [type(d) for d in host.on_attempt(att, IncidentTracker().add(att).incident)] == [
        BlockUid
    ]
    host.close()


def fake_proc(root: Path, ppid_of_2: int | None, init_readable: bool) -> str:
    """A /proc with pid 1's ns/net (when readable) and pid 2's stat (parent ``ppid_of_2``)."""
    (root / "1" / "ns").mkdir(parents=True)
    if init_readable:
        (root / "1" / "ns" / "net").write_text("")
    if ppid_of_2 is not None:
        (root / "2" / "ns").mkdir(parents=True)
        (root / "2" / "ns" / "net").write_text("")
        (root / "2" / "stat").write_text(f"2 (kthreadd) S {ppid_of_2} 0 0 0 -1 " + "0 " * 40)
    return str(root)


def test_the_host_namespace_is_kthreadds_where_pid_1s_cannot_be_read(tmp_path: Path) -> None:
    from spamtrace.attribution.process import host_netns_pid

    assert host_netns_pid(fake_proc(tmp_path / "a", 0, init_readable=True)) == 1
    assert host_netns_pid(fake_proc(tmp_path / "b", 0, init_readable=False)) == 2
    # in a pid namespace pid 2 is no kernel thread: pid 1 it stays (unreadable, as before)
    assert host_netns_pid(fake_proc(tmp_path / "c", 1, init_readable=False)) == 1
    assert host_netns_pid(fake_proc(tmp_path / "d", None, init_readable=False)) == 1


def test_a_watcher_on_the_host_acts_on_other_namespaces_where_pid_1_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Tour: on a VM whose init root may not read (/proc/1/ns/net: EACCES), the daemon in
    the host's namespace (net:[4026531833]) said "not the host's" and held back every response
    to a sender of another namespace: a PHP spam run from a netns sent 5 of 5 messages
    unblocked and unstopped. The host's namespace is then kthreadd's (pid 2)."""
    from spamtrace.actions import process
    from spamtrace.attribution import process as procfs_reader

    fake = fake_proc(tmp_path / "proc", 0, init_readable=False)
    real = procfs_reader.host_netns_pid
    monkeypatch.setattr(procfs_reader, "host_netns_pid", lambda procfs="/proc": real(fake))
    spaces = {"self": 4026531833, 1: None, 2: 4026531833, 100: 4026532178}
    monkeypatch.setattr(process, "netns_of", lambda pid, procfs="/proc": spaces.get(pid))
    r = Responder(cfg(mode="enforce", responses__stop=False), MTA, blocker=FlushableSet())  # type: ignore[arg-type]  # fmt: skip
    assert r.scope_notes() == []
    att = attempt(100.0, process=proc(pid=100))
    assert [type(d) for d in r.on_attempt(att, IncidentTracker().add(att).incident)] == [BlockUid]
    r.close()


def test_the_advice_follows_what_the_responses_did(capsys: pytest.CaptureFixture[str]) -> None:
    """An incident whose sender a response had stopped still said "stop it ...: kill 100": a
    stopped process does nothing on SIGTERM until resumed, and a killed one's pid may be
    another process's by now. The advice of `incident`, `incidents --json`, the alerts and the
    event stream says what fits what was done; a release (resumed) gives the old line back."""
    from spamtrace.render.incidents import incident_json, print_incident
    from spamtrace.render.output import console
    from spamtrace.sinks.records import incident_record
    from spamtrace.sinks.store import ActionRecord

    att = attempt(100.0)
    rec = incident_record(IncidentTracker().add(att).incident, att)
    kill = "stop it after noting the evidence: kill 100"
    assert kill in rec.advice

    def stop(signal: str, status: str = "done", undone: float | None = None) -> ActionRecord:
        return ActionRecord(
            rec.id, "stop-process", status, 101.0, "SIGSTOP pid 100", "spamtrace release 1001",
            1001, "100:1000.0", {"signal": signal, "signalled": [[100, 1000.0], [101, 1000.5]]},
            undone_at=undone,
        )  # fmt: skip

    stopped = incident_json(rec, [stop("stop")])["advice"]
    assert kill not in stopped
    assert "end it once noted (stopped, it ignores a plain kill): kill -KILL 100" in stopped
    assert any("ls -l /proc/100/cwd /proc/100/fd" in a for a in stopped)
    assert len(stopped) == len(rec.advice) + 1  # the other lines are kept
    killed = incident_json(rec, [stop("kill")])["advice"]
    assert not [a for a in killed if "kill" in a] and len(killed) == len(rec.advice) - 1
    for same in ([stop("stop", "would")], [stop("stop", "failed")], [stop("stop", undone=200.0)]):
        assert incident_json(rec, same)["advice"] == list(rec.advice)
    con = console()
    print_incident(con, rec, [], [stop("stop")])
    out = capsys.readouterr().out
    assert "kill -KILL 100" in out and kill not in out


def test_the_advice_drops_what_no_longer_exists() -> None:
    """Seen in the namespace world (enforce): the script's process had exited before the
    SIGSTOP (stop-process failed: "the process has exited") and the scan's quarantine had
    moved the script away, yet the alert and `incident` still said "stop it after noting the
    evidence: kill 17647" (a pid that may be another process's by now) and "look at the
    script: PATH" (no such file any more). The advice now says where the script went."""
    from spamtrace.render.incidents import incident_json
    from spamtrace.sinks.records import incident_record
    from spamtrace.sinks.store import ActionRecord

    script = "/home/shop/public_html/x.php"
    att = attempt(100.0, process=proc(pid=100, scripts=(script,)))
    rec = incident_record(IncidentTracker().add(att).incident, att)
    kill = "stop it after noting the evidence: kill 100"
    look = f"look at the script: {script}"
    assert kill in rec.advice and look in rec.advice
    gone = ActionRecord(
        rec.id, "stop-process", "failed", 101.0, "the process has exited", None, 1001,
        "100:1000.0", {"exited": True},
    )  # fmt: skip
    moved = ActionRecord(
        rec.id, "quarantine", "done", 101.5, f"moved {script} to quarantine as q-1", None,
        1001, script, {"quarantine_id": "q-1", "sha256": "ab"},
    )  # fmt: skip
    advice = incident_json(rec, [gone, moved])["advice"]
    assert kill not in advice and look not in advice, advice
    assert "look at the script in quarantine (q-1): spamtrace quarantine list" in advice
    assert len(advice) == len(rec.advice) - 1  # the other lines are kept
    restored = dataclasses.replace(moved, undone_at=200.0)  # `quarantine restore q-1`
    assert look in incident_json(rec, [restored])["advice"]


def test_a_stop_of_a_process_that_has_exited_is_recorded_as_such(tmp_path: Path) -> None:
    """The record of a stop that found its process gone carries ``exited``: what lets the
    advice drop "kill PID" (above) rather than read the detail's words. Both ways a stop is
    made: on the spot at the third connect (the daemon's), and as a decision carried out."""
    from spamtrace.actions.process import ProcessSignaller
    from spamtrace.policy.responses import StopProcess

    r = Responder(cfg(mode="enforce"), MTA, blocker=FlushableSet(),  # type: ignore[arg-type]
                  signaller=ProcessSignaller(rules(), procfs=str(tmp_path)))  # fmt: skip
    t = IncidentTracker()
    for wall in (100.0, 100.1, 100.2):
        att = attempt(wall, process=proc(pid=2**22 + 7))
        r.on_attempt(att, t.add(att).incident)
    stops = [a for a in r.records if a.action == "stop-process"]
    assert [(a.status, a.detail, a.data) for a in stops] == [
        ("failed", "the process has exited", {"exited": True})
    ], r.records
    gone = r.execute(StopProcess(2**22 + 7, 1000.0, 1001, "php", "stop", "inc-1", "test"))
    assert (gone.status, gone.detail, gone.data) == (
        "failed", "the process has exited", {"exited": True}
    )
    r.close()


def test_the_daemon_start_says_the_quarantine_folder_will_fail(tmp_path: Path) -> None:
    """Tour: in enforce mode, a `[responses] quarantine_dir` under a file (or a symlink) was
    noted by `config check`, and the daemon started without a word: each malicious script's
    quarantine then failed. Said at the start, as a response command that cannot run is."""
    afile = tmp_path / "afile"
    afile.write_text("")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    for folder, why in ((afile / "q", f"not a folder: '{afile}/q' ('{afile}' is a file)"),
                        (tmp_path / "link", "is a symlink")):  # fmt: skip
        c = cfg(mode="enforce", responses__quarantine_dir=str(folder))
        notes = Responder(c, MTA, blocker=FlushableSet()).prepare()  # type: ignore[arg-type]
        assert len(notes) == 1 and notes[0].startswith(
            "quarantines will fail: responses.quarantine_dir: "
        ) and why in notes[0], notes
    for fine in (tmp_path / "real", tmp_path / "not-yet"):  # made at the first quarantine
        c = cfg(mode="enforce", responses__quarantine_dir=str(fine))
        assert Responder(c, MTA, blocker=FlushableSet()).prepare() == []  # type: ignore[arg-type]
    c = cfg(mode="enforce", responses__quarantine=False, responses__quarantine_dir=str(afile))
    assert Responder(c, MTA, blocker=FlushableSet()).prepare() == []  # type: ignore[arg-type]


def test_the_daemon_start_says_a_response_command_will_fail() -> None:
    """The same check at the start of the daemon or `watch` in enforce mode (their config may
    not have been through `config check`): a start note, not a refusal to watch."""
    c = cfg(mode="enforce", responses__suspend=True,
            responses__suspend_command=["/scripts/suspendaccnt"],
            responses__lock_mailbox_command=["/bin/true"])  # fmt: skip
    r = Responder(c, MTA, blocker=FlushableSet())  # type: ignore[arg-type]
    assert r.prepare() == [
        "suspensions will fail: responses.suspend_command: /scripts/suspendaccnt: "
        "no such program"
    ]
    r.close()


def test_a_released_block_is_taken_again_once_the_grace_is_over() -> None:
    """A block is decided once per incident: after `spamtrace release`, a sender that went on
    in the same incident was never blocked again, grace or no grace. The firewall check that
    finds the uid released forgets the decision: held back during release_grace (said once),
    blocked again after it."""
    freed: set[int] = set()
    now = [100.0]
    kernel = FlushableSet()
    r = Responder(
        cfg(mode="enforce", responses__stop=False), MTA, blocker=kernel,  # type: ignore[arg-type]
        released=lambda since: frozenset(freed), clock=lambda: now[0],
    )  # fmt: skip
    t = IncidentTracker()

    def send(wall: float) -> None:
        now[0] = wall
        att = attempt(wall)
        r.on_attempt(att, t.add(att).incident)

    send(100.0)
    assert kernel.added == [(1001, 3600)]
    freed.add(1001)  # `spamtrace release 1001`: out of the set, recorded in the store
    kernel.live.discard(1001)
    assert r.reassert_blocks() == []  # the daemon's next firewall check
    send(110.0)  # within release_grace: held back, said once
    assert kernel.added == [(1001, 3600)]
    assert [(a.action, a.status) for a in r.records][-1] == ("block-uid", "would")
    freed.clear()  # the grace ran out
    send(4000.0)
    assert kernel.added == [(1001, 3600), (1001, 3600)] and 1001 in kernel.live
    assert [(a.action, a.status) for a in r.records][-1] == ("block-uid", "done")
    r.close()


def test_a_released_uid_whose_grace_was_ended_is_blocked_at_its_next_connect() -> None:
    """The responder holds back a block for a released uid only while it is in its grace
    (``graced``), not for every released one."""
    for graced, status in ((frozenset({1001}), "would"), (frozenset(), "done")):
        kernel = FlushableSet()
        r = Responder(
            cfg(mode="enforce", responses__stop=False), MTA, blocker=kernel,  # type: ignore[arg-type]
            released=lambda since: frozenset({1001}), graced=lambda since, g=graced: g,
            clock=lambda: 110.0,
        )  # fmt: skip
        att = attempt(110.0)
        r.on_attempt(att, IncidentTracker().add(att).incident)
        assert [(a.action, a.status) for a in r.records] == [("block-uid", status)], status
        r.close()


def test_a_block_of_a_deleted_account_is_not_put_back_on_its_uid_given_to_another(
    tmp_path: Path,
) -> None:
    """A restart put every block in force back on its numeric uid: the account it was made
    for was deleted and its uid went to a new one, which was blocked from SMTP for a spam run
    it never made. Only a uid that still belongs to the user the block was made for (the
    action's data, else its incident's user) is blocked again; the other is said once per
    start (`would`, with why) and its record stays for `spamtrace release`."""
    import pwd
    import time

    from spamtrace.service.bus import FirewallChecked, FirewallState
    from spamtrace.service.responses import ResponsesSubscriber
    from spamtrace.sinks.store import ActionRecord, IncidentRecord, Store, open_reader

    now = [10_000.0]
    db = str(tmp_path / "s.db")
    store = Store(db)
    same, reused, older = (pwd.getpwuid(u).pw_name for u in (1, 2, 3))
    for uid, user in ((1, same), (2, "shop-deleted")):
        store.submit_action(ActionRecord(
            f"inc-{uid}", "block-uid", "done", now[0] - 100, f"block uid {uid}",
            f"spamtrace release {uid}", uid, str(uid),
            {"timeout": 3600, "reason": "suspicious", "user": user, "account": user},
        ))  # fmt: skip
    # a block recorded before the action named its user: its incident's user says it
    store.submit_incident(IncidentRecord(
        id="inc-3", verdict="suspicious", uid=3, user="blog-deleted", account="blog-deleted",
        account_kind="home", home=None, exe=None, cwd=None, scripts=(), cmdline=(),
        connections=1, blocked=0, destinations=(), pids=(), first_seen=time.time(),
        last_seen=time.time(), rate_per_minute=1.0, reasons=(), methods={}, advice=(),
        process={},
    ))  # fmt: skip
    store.submit_action(ActionRecord(
        "inc-3", "block-uid", "done", now[0] - 100, "block uid 3", "spamtrace release 3", 3,
        "3", {"timeout": 0, "reason": "suspicious"},
    ))  # fmt: skip
    assert store.flush()
    store.close()
    assert older != "blog-deleted" and reused != "shop-deleted"

    engine = FakeEngine()
    stored: list[ActionRecord] = []
    engine.store = type("S", (), {"path": db, "submit_action": staticmethod(stored.append)})()  # type: ignore[assignment]
    kernel = FlushableSet()
    conf = cfg(mode="enforce")
    sub = ResponsesSubscriber(
        engine, conf,  # type: ignore[arg-type]
        Responder(conf, MTA, blocker=kernel, clock=lambda: now[0]),  # type: ignore[arg-type]
    )  # fmt: skip
    sys.setswitchinterval(0.005)
    sub.restore_blocks()
    assert kernel.added == [(1, 3500)]  # the one whose uid is still its user's
    said = {a.uid: a for a in stored if a.status == "would"}
    assert sorted(said) == [2, 3]
    assert f"made for user 'shop-deleted', and uid 2 belongs to '{reused}' now" in said[2].detail
    assert "spamtrace release 2" in said[2].detail and "'blog-deleted'" in said[3].detail
    kernel.live.clear()
    sub.handle(FirewallChecked(FirewallState.ABSENT, "nft", (), now[0]))
    assert [uid for uid, _ in kernel.added] == [1, 1]
    sub.close()
    with open_reader(db) as reader:  # the records stay, for `spamtrace release`
        assert sorted(a.uid for a in reader.blocks_in_force(now[0]) if a.uid) == [1, 2, 3]


def test_at_start_the_live_block_set_is_reconciled_with_the_store(tmp_path: Path) -> None:
    """A restart without a reboot kept the live set as it was: a uid released while no
    daemon ran (the release's nft step failed, or ran in another namespace), or whose uid
    went to another account since, stayed blocked until its timeout. At start the set keeps
    only the blocks the store holds for the user they were made for (and this run's); the
    others are dropped, said in one message (the journal's one line)."""
    import io
    import pwd

    from spamtrace.service.bus import BlocksReconciled
    from spamtrace.service.daemon import JournalLog
    from spamtrace.service.responses import ResponsesSubscriber
    from spamtrace.sinks.store import ActionRecord, Store, mark_undone

    now = [10_000.0]
    db = str(tmp_path / "s.db")
    store = Store(db)
    same = pwd.getpwuid(1).pw_name
    for uid, user in ((1, same), (2, "shop-deleted"), (3, pwd.getpwuid(3).pw_name)):
        store.submit_action(ActionRecord(
            f"inc-{uid}", "block-uid", "done", now[0] - 100, f"block uid {uid}",
            f"spamtrace release {uid}", uid, str(uid),
            {"timeout": 3600, "reason": "suspicious", "user": user, "account": user},
        ))  # fmt: skip
    assert store.flush()
    store.close()
    assert mark_undone(db, 3, now[0] - 10) == 1  # released while no daemon ran

    engine = FakeEngine()
    engine.store = type("S", (), {"path": db, "submit_action": staticmethod(lambda a: None)})()  # type: ignore[assignment]
    kernel = FlushableSet()
    kernel.live = {1, 2, 3, 7}  # 7: never in this store
    conf = cfg(mode="enforce")
    sub = ResponsesSubscriber(
        engine, conf,  # type: ignore[arg-type]
        Responder(conf, MTA, blocker=kernel, clock=lambda: now[0]),  # type: ignore[arg-type]
    )  # fmt: skip
    sys.setswitchinterval(0.005)
    sub.restore_blocks()
    assert kernel.live == {1}
    (msg,) = [m for m in engine.posted if isinstance(m, BlocksReconciled)]
    assert [uid for uid, _why in msg.dropped] == [2, 3, 7]
    why = dict(msg.dropped)
    assert "made for user 'shop-deleted'" in why[2] and "no block" in why[3] == why[7]
    out = io.StringIO()
    JournalLog(out=out).handle(msg)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.startswith("spamtrace: block set reconciled")
    assert "uid 2" in text and "uid 3" in text and "uid 7" in text
    # nothing stale: nothing said
    engine.posted.clear()
    sub.restore_blocks()
    assert kernel.live == {1} and not [m for m in engine.posted if isinstance(m, BlocksReconciled)]
    sub.close()


def test_a_block_that_cannot_be_put_back_is_told_in_the_journal() -> None:
    """The block set lost a block and nft refuses it back: the journal says so (it said only
    the blocks put back), with the error's quoted values escaped once."""
    import io

    from spamtrace.errors import FirewallError
    from spamtrace.safetext import quoted
    from spamtrace.service.bus import ActionRecorded
    from spamtrace.service.daemon import JournalLog

    class Refusing(FlushableSet):
        refuse = False

        def block(self, uid: int, timeout: int) -> None:
            if self.refuse:
                raise FirewallError(f"nft: table {quoted(TABLE)} is busy")
            super().block(uid, timeout)

    TABLE = "spam\ttrace"
    kernel = Refusing()
    r = Responder(cfg(mode="enforce"), MTA, blocker=kernel, clock=lambda: 5.0)  # type: ignore[arg-type]
    att = attempt(100.0)
    r.on_attempt(att, IncidentTracker().add(att).incident)
    kernel.live.clear()
    kernel.refuse = True
    (failed,) = r.reassert_blocks()
    r.close()
    assert failed.status == "failed"
    out = io.StringIO()
    JournalLog(out=out).handle(ActionRecorded(failed.incident_id, failed))
    line = out.getvalue()
    assert "block-uid failed: the block set had lost uid 1001" in line, line
    assert "'spam\\ttrace' is busy" in line, line


def test_a_block_that_ran_out_is_made_again_at_the_next_connect() -> None:
    """A block was decided once per incident: a sender that went on retrying once
    ``block_timeout`` ran out sent unblocked. Its next connect blocks it again; one before
    the end does not."""
    now = [100.0]
    b = FakeBlocker()
    r = Responder(
        cfg(mode="enforce", responses__block_timeout=60), MTA, blocker=b,  # type: ignore[arg-type]
        clock=lambda: now[0],
    )
    t = IncidentTracker()
    for at in (100.0, 150.0):  # the block holds: decided once
        now[0] = at
        a = attempt(at)
        r.on_attempt(a, t.add(a).incident)
    assert b.blocked == [(1001, 60)]
    now[0] = 161.0
    a = attempt(161.0)
    decided = r.on_attempt(a, t.add(a).incident)
    assert [type(d) for d in decided] == [BlockUid]
    assert b.blocked == [(1001, 60), (1001, 60)]
    assert r.wait(5.0)
    assert [(x.action, x.status) for x in r.records] == [("block-uid", "done")] * 2
    r.close()


class FakeSignaller:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    def signal_one(self, pid: int, start_time: float, uid: int, how: str) -> str | None:
        self.sent.append((pid, how))
        return None

    def signal_rest(
        self, pid: int, start_time: float, uid: int, how: str, sender: Any = None,
        *, exited: bool = False,
    ) -> Any:  # fmt: skip
        from spamtrace.actions.process import tree_result

        return tree_result(pid, start_time, how, [], [], exited=exited)


def test_a_connect_after_the_stop_kills_the_sender_one_made_before_does_not() -> None:
    now = [100.0]
    signaller = FakeSignaller()
    r = Responder(
        cfg(mode="enforce", responses__stop_after=1), MTA, blocker=FakeBlocker(),
        signaller=signaller, clock=lambda: now[0],  # type: ignore[arg-type]
        monotonic=lambda: now[0] - 1000,  # the events' clock (watchfake: wall - 1000)
    )  # fmt: skip
    t = IncidentTracker()
    for wall in (100.0, 100.01):  # the second was made as the SIGSTOP landed: handled after it
        att = attempt(wall)
        r.on_attempt(att, t.add(att).incident)
    assert signaller.sent == [(100, "stop")]
    now[0] = 101.0
    att = attempt(101.0)  # it runs again: continued by another process
    r.on_attempt(att, t.add(att).incident)
    r.close(5.0)
    assert signaller.sent == [(100, "stop"), (100, "kill")]
    stops = [a for a in r.records if a.action == "stop-process"]
    assert [a.data["signal"] for a in stops] == ["stop", "kill"]
    assert "another process continued it" in stops[1].detail


def test_the_enforce_start_note_says_which_responses_are_on() -> None:
    """`watch` and the daemon said "mode enforce (blocks, stops, quarantines)" whatever the
    config: with quarantine = false it still promised quarantines, and a suspend command,
    a kill instead of a stop or a staged rollout to a few accounts went unsaid."""
    from spamtrace.service.plugins import enforced

    assert enforced(cfg(mode="enforce")) == "blocks, stops, quarantines, freezes queued mail"
    assert enforced(cfg(
        mode="enforce", responses__quarantine=False, responses__stop_signal="kill",
        responses__suspend=True, responses__suspend_command=["/bin/true"],
        responses__only_accounts=["shop", "blog"], mail__follow=False,
    )) == "blocks, kills, suspends accounts; only accounts shop, blog"  # fmt: skip
    assert enforced(cfg(
        mode="enforce", responses__block=False, responses__stop=False,
        responses__quarantine=False, responses__freeze_queue=False,
    )) == "every response is off: nothing is done"  # fmt: skip
