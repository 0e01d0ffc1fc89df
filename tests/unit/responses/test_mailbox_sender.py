"""A stolen mailbox used from this host: the responses act on its one local sender.

A ``mail-auth`` incident whose mailbox logged in from this host names the connect incidents
that went to the MTA meanwhile (``mail.local_clients``). When there is exactly one, a hosting
account's process, the responses of a spam sender are decided for that connect incident
(block its uid, stop the process, quarantine and suspend on a malicious scan); with several,
none; never root, the MTA's uid, or the web server's user with no script known (and for the
web server's user with its script, the process and the script, never the shared uid).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "watch"))

from respfake import MTA, SCRIPT, cfg, rules
from test_mail_responses import mail_record
from watchfake import attempt, proc

from spamtrace.actions.respond import Responder
from spamtrace.model import Account, AccountKind, Endpoint, Verdict
from spamtrace.policy.incidents import Incident, IncidentTracker
from spamtrace.policy.local_logins import advice_line, local_clients
from spamtrace.policy.responses import (
    BlockUid,
    MailCase,
    QuarantineFile,
    ScannedFile,
    Sender,
    Situation,
    StopProcess,
    decide,
    mailbox_sender,
)

BOX = "box@shop.example"


def case(**kw: Any) -> MailCase:
    base: dict[str, Any] = dict(
        incident="inc-auth", verdict=Verdict.MAIL_AUTH, uid=None, user=None, account=None,
        auth_user=BOX, mta="exim", messages=21,
    )  # fmt: skip
    base.update(kw)
    return MailCase(**base)


def submission(uid: int = 1001, user: str = "u", account: Account | None = None, **kw: Any):
    """A connect incident of a process to this host's MTA (127.0.0.1:587): ``submission``."""
    p = dataclasses.replace(proc(uid=uid, **kw), user=user)
    att = attempt(
        100.0, remote="127.0.0.1", port=587, process=p, verdict=Verdict.SUBMISSION,
        account=account if account is not None else Account(user, AccountKind.HOME, "/home/u"),
    )  # fmt: skip
    return att, IncidentTracker().add(att).incident


def clients(*incidents: Incident) -> tuple[dict[str, Any], ...]:
    return local_clients(["127.0.0.1"], 100.0, 110.0, incidents)


# ----------------------------------------------------------------------------- the choice
def test_one_candidate_of_a_hosting_account_is_chosen() -> None:
    _, inc = submission()
    chosen = mailbox_sender(case(), clients(inc), rules())
    assert (chosen.incident, chosen.why, chosen.uid) == (inc.id, None, 1001)


def test_two_candidates_none_and_it_says_so() -> None:
    _, a = submission()
    _, b = submission(uid=1002, user="v", pid=101)
    both = clients(a, b)
    chosen = mailbox_sender(case(), both, rules())
    assert chosen.incident is None and chosen.why is not None
    assert "2 local senders" in chosen.why and "none of them" in chosen.why
    line = advice_line(["127.0.0.1"], both)
    assert "the responses act on none of them" in line


def test_root_and_the_mta_uid_are_never_chosen() -> None:
    _, root = submission(uid=0, user="root")
    chosen = mailbox_sender(case(), clients(root), rules())
    assert chosen.incident is None and chosen.why == "it is root"
    _, mta = submission(uid=103, user="Debian-exim")
    chosen = mailbox_sender(case(), clients(mta), rules())
    assert chosen.incident is None and chosen.why == "it is an MTA user"


def test_the_web_servers_user_only_with_its_script() -> None:
    site = Account("shop", AccountKind.HOME, "/home/u", via=f"path {SCRIPT}")
    www = Account("www-data", AccountKind.SYSTEM, "/var/www")
    _, bare = submission(uid=33, user="www-data", account=www, cwd="/", scripts=())
    chosen = mailbox_sender(case(), clients(bare), rules())
    assert chosen.incident is None and chosen.why is not None and "www-data" in chosen.why
    _, named = submission(uid=33, user="www-data", account=site)
    assert mailbox_sender(case(), clients(named), rules()).incident == named.id


def test_a_system_user_and_a_protected_mailbox_are_not_chosen() -> None:
    daemon = Account("daemon", AccountKind.SYSTEM, "/usr/sbin")
    _, inc = submission(uid=2, user="daemon", account=daemon)
    assert mailbox_sender(case(), clients(inc), rules()).incident is None
    _, ok = submission()
    held = mailbox_sender(case(), clients(ok), rules(responses__never_accounts=["box"]))
    assert held.incident is None and held.why is not None and "mailbox" in held.why
    # only_accounts is the sender's to pass, not the mailbox's
    staged = mailbox_sender(case(), clients(ok), rules(responses__only_accounts=["u"]))
    assert staged.incident == ok.id
    assert mailbox_sender(case(verdict=Verdict.MAIL_SCRIPT), clients(ok), rules()).incident is None


# ----------------------------------------------------------------------------- decisions
SENDER = Sender(100, 1000.0, 1001, 1001, "python3", "/usr/bin/python3.11", ("python3", "x.py"))
WHY = f"the one local sender of mailbox {BOX}"


def test_the_chosen_sender_gets_a_spam_senders_responses_at_once() -> None:
    _, inc = submission()
    plain = Situation(inc, {60.0: 1}, sender=SENDER)
    assert decide(plain, rules()) == []  # submission: reported, not acted on
    named = dataclasses.replace(plain, mailbox=WHY)
    block, stop = decide(named, rules())
    assert isinstance(block, BlockUid) and block.uid == 1001 and block.reason == WHY
    assert isinstance(stop, StopProcess) and stop.pid == 100 and stop.reason == WHY
    scanned = dataclasses.replace(named, scan=(ScannedFile(SCRIPT, "malicious", ("r",)),))
    assert any(isinstance(d, QuarantineFile) for d in decide(scanned, rules()))
    # the sender's own protections still hold
    assert decide(named, rules(responses__only_accounts=["other"])) == []
    assert decide(named, rules(responses__never_accounts=["u"])) == []
    assert [type(d) for d in decide(named, rules(responses__block=False))] == [StopProcess]


def test_the_web_servers_uid_is_not_blocked_its_process_is_stopped() -> None:
    site = Account("shop", AccountKind.HOME, "/home/u", via=f"path {SCRIPT}")
    _, inc = submission(uid=33, user="www-data", account=site)
    sender = dataclasses.replace(SENDER, uid=33, euid=33)
    (stop,) = decide(Situation(inc, {}, sender=sender, mailbox=WHY), rules())
    assert isinstance(stop, StopProcess) and stop.uid == 33


# ----------------------------------------------------------------------------- the Responder
def auth_record(*incidents: Incident) -> Any:
    rec = mail_record()
    proc_doc = dict(rec.process)
    proc_doc["local_clients"] = list(clients(*incidents))
    proc_doc["client_ips"] = ["127.0.0.1"]
    return dataclasses.replace(rec, process=proc_doc)


def test_the_responder_acts_on_the_one_local_sender_of_a_mail_auth_incident() -> None:
    r = Responder(cfg(responses__freeze_queue=False), MTA, clock=lambda: 5.0)
    att, inc = submission()
    assert r.on_attempt(att, inc) == []  # a submission alone: nothing
    rec = auth_record(inc)
    decided = r.on_mail(rec)
    assert [type(d) for d in decided] == [BlockUid, StopProcess]
    # on the connect incident, and (observe mode) on the mail-auth incident too: its own
    # record showed nothing of what would happen to its sender
    assert [(a.action, a.status, a.incident_id) for a in r.records] == [
        ("block-uid", "would", inc.id), ("stop-process", "would", inc.id),
        ("block-uid", "would", rec.id), ("stop-process", "would", rec.id),
    ]  # fmt: skip
    assert all("mailbox info@shop.example (mail-auth incident" in a.detail for a in r.records)
    assert all(a.detail.endswith(f"; decided for its connect incident {inc.id}")
               for a in r.records[2:])  # fmt: skip
    assert r.on_mail(auth_record(inc)) == []  # once per incident
    assert len(r.records) == 4


class _Blocker:
    def __init__(self) -> None:
        self.blocked: list[int] = []

    def block(self, uid: int, timeout: int) -> None:
        self.blocked.append(uid)


@pytest.mark.parametrize("mode", ["observe", "enforce"])
@pytest.mark.parametrize(
    "who, why",
    [((0, "root", None), "it is root"), ((103, "Debian-exim", None), "it is an MTA user"),
     ((33, "www-data", Account("www-data", AccountKind.SYSTEM, "/var/www")),
      "it is the web server's user www-data (every site's) and no script is known"),
     ((2, "daemon", Account("daemon", AccountKind.SYSTEM, "/usr/sbin")),
      "it is no hosting account's process")],
)  # fmt: skip
def test_a_refused_local_sender_is_recorded_on_the_mail_auth_incident(
    mode: str, who: tuple[int, str, Account | None], why: str
) -> None:
    """A mail-auth incident whose one local sender the responses refuse got an advice line
    ("the responses do not act on it (it is root)") and no record: in observe mode the admin
    saw a connect incident's `would` records, and nothing of this path. Now one `would`
    record on the mail-auth incident says what is not done and why, once, in either mode,
    and nothing is done."""
    uid, user, account = who
    blocker = _Blocker()
    r = Responder(cfg(mode=mode, responses__freeze_queue=False), MTA, clock=lambda: 5.0,
                  blocker=blocker)  # type: ignore[arg-type]  # fmt: skip
    kw: dict[str, Any] = {"cwd": "/", "scripts": ()} if user == "www-data" else {}
    att, inc = submission(uid=uid, user=user, account=account, **kw)
    r.on_attempt(att, inc)
    rec = auth_record(inc)
    assert r.on_mail(rec) == []
    assert [(a.action, a.status, a.incident_id, a.uid) for a in r.records] == [
        ("block-uid", "would", rec.id, uid),
    ]
    assert r.records[0].detail == (
        f"not done: {why}; block SMTP egress of uid {uid} ({user}) for 3600 s: the one local "
        f"sender of mailbox info@shop.example (connect incident {inc.id}): stop it by hand and "
        "scan its folder"
    )
    assert r.on_mail(rec) == [] and len(r.records) == 1  # once per incident
    assert blocker.blocked == []


@pytest.mark.parametrize("mode", ["observe", "enforce"])
def test_a_local_sender_in_another_netns_is_said_on_the_mail_auth_incident(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A watcher run in a network namespace holds back the responses to a sender of another
    namespace (its block set does not filter that traffic, the process is not its to stop).
    A mail-auth incident whose one local sender is such a process got no word of it: the
    hold was recorded on the connect incident alone, so the mail-auth incident showed no
    response at all, in either mode. It now gets one `would` record (once) saying what is not
    done for its sender and why; its own responses (freeze the queue of this host's MTA,
    whose log the watcher reads; lock the mailbox) are not held: they act on no process of
    another namespace."""
    from spamtrace.actions import process

    spaces = {"self": 4026532001, 1: 4026531840, 100: 4026531840}
    monkeypatch.setattr(process, "netns_of", lambda pid, procfs="/proc": spaces.get(pid))
    blocker = _Blocker()
    r = Responder(cfg(mode=mode, responses__stop=False), MTA, clock=lambda: 5.0,
                  blocker=blocker)  # type: ignore[arg-type]  # fmt: skip
    r._slow.put = lambda d: None  # type: ignore[method-assign]  # (no exim to run here)
    att, inc = submission()
    r.on_attempt(att, inc)
    rec = auth_record(inc)
    decided = r.on_mail(rec)
    assert [type(d).__name__ for d in decided] == ["FreezeQueue"]
    mine = [a for a in r.records if a.incident_id == rec.id and a.action == "block-uid"]
    theirs = [a for a in r.records if a.incident_id == inc.id]
    assert [(a.action, a.status) for a in theirs] == [("block-uid", "would")]
    assert [(a.status, a.uid) for a in mine] == [("would", 1001)]
    assert mine[0].detail.startswith("not done: pid 100 is in another network namespace")
    assert mine[0].detail.endswith(f"; decided for its connect incident {inc.id}")
    assert "the one local sender of mailbox info@shop.example" in mine[0].detail
    r.on_mail(rec)
    r.on_attempt(att, inc)
    assert len([a for a in r.records if a.action == "block-uid"]) == 2  # once each
    assert blocker.blocked == []


@pytest.mark.parametrize("mode", ["observe", "enforce"])
def test_what_release_grace_holds_back_is_said_on_the_mail_auth_incident(mode: str) -> None:
    """After `spamtrace release`, the responses to the released uid are held back for
    release_grace. A mail-auth incident whose one local sender is of that uid got no word of
    it: the hold was recorded on the connect incident alone, so the mail-auth incident showed
    no response to its sender at all, in either mode. It now gets one `would` record of each
    response held back (once), saying why and for which connect incident it was decided;
    its own responses (freeze the queue) are not held. Once the grace has run out the block
    is taken, as on a connect incident."""
    freed = {1001}
    blocker = _Blocker()
    r = Responder(cfg(mode=mode, responses__stop=False), MTA, clock=lambda: 5.0,
                  blocker=blocker, released=lambda since: frozenset(freed))  # type: ignore[arg-type]  # fmt: skip
    r._slow.put = lambda d: None  # type: ignore[method-assign]  # (no exim to run here)
    att, inc = submission()
    r.on_attempt(att, inc)
    rec = auth_record(inc)
    decided = r.on_mail(rec)
    assert [type(d).__name__ for d in decided] == ["FreezeQueue"]
    theirs = [a for a in r.records if a.incident_id == inc.id]
    mine = [a for a in r.records if a.incident_id == rec.id and a.action != "freeze-queue"]
    assert [(a.action, a.status) for a in theirs] == [("block-uid", "would")]
    assert [(a.action, a.status, a.uid) for a in mine] == [("block-uid", "would", 1001)]
    detail = mine[0].detail
    assert detail.startswith("not done: uid 1001 was released (`spamtrace release`) less than")
    assert "release_grace (3600 s)" in detail
    assert "the one local sender of mailbox info@shop.example" in detail
    assert detail.endswith(f"; decided for its connect incident {inc.id}")
    r.on_mail(rec)
    r.on_attempt(att, inc)
    assert len([a for a in r.records if a.action == "block-uid"]) == 2  # once each
    assert blocker.blocked == []
    freed.clear()  # the grace ran out
    r.on_mail(rec)
    assert blocker.blocked == ([1001] if mode == "enforce" else [])


def test_a_refusal_is_not_recorded_when_blocks_are_off_or_the_mailbox_is_allow_listed() -> None:
    _, root = submission(uid=0, user="root")
    r = Responder(cfg(responses__freeze_queue=False, responses__block=False), MTA)
    r.on_mail(auth_record(root))
    assert r.records == []
    _, ok = submission()
    r = Responder(cfg(responses__freeze_queue=False, responses__never_accounts=["info"]), MTA)
    r.on_mail(auth_record(ok))
    assert r.records == []


def test_the_responder_acts_on_none_of_two_local_senders() -> None:
    r = Responder(cfg(responses__freeze_queue=False), MTA, clock=lambda: 5.0)
    att, a = submission()
    r.on_attempt(att, a)
    other = dataclasses.replace(
        att, process=dataclasses.replace(att.process, uid=1002, pid=101, user="v"),  # type: ignore[arg-type]
        event=dataclasses.replace(att.event, pid=101, remote=Endpoint("127.0.0.1", 587)),
        account=Account("v", AccountKind.HOME, "/home/v"),
    )  # fmt: skip
    b = IncidentTracker().add(other).incident
    r.on_attempt(other, b)
    assert r.on_mail(auth_record(a, b)) == [] and r.records == []


# ----------------------------------------------------------------------------- the engine
def engine_advice(sender: Incident, **dotted: Any) -> str:
    """The first advice line the engine gives a mail-auth incident whose one local sender is
    ``sender`` (Engine._with_local_clients, on a stand-in of the engine's state)."""
    from types import SimpleNamespace

    from spamtrace.service.bus import SourceIncident
    from spamtrace.service.engine import Engine

    rec = auth_record()
    rec = dataclasses.replace(rec, process={**rec.process, "local_clients": None})
    engine: Any = SimpleNamespace(
        _local_submissions={sender.id: sender}, cfg=cfg(**dotted), mta=MTA,
        _scan_local_sender=lambda ident: None,
    )  # fmt: skip
    ev = SourceIncident(record=None, incident=rec, opened=True, alerting=True)  # type: ignore[arg-type]
    out = Engine._with_local_clients(engine, ev)
    assert out.incident.process["local_clients"][0]["incident"] == sender.id
    return str(out.incident.advice[0])


def test_the_advice_says_why_the_responses_skip_the_one_local_sender() -> None:
    _, root = submission(uid=0, user="root")
    line = engine_advice(root)
    assert "the responses do not act on it (it is root): stop it by hand" in line
    _, mta = submission(uid=103, user="Debian-exim")
    assert "the responses do not act on it (it is an MTA user)" in engine_advice(mta)
    www = Account("www-data", AccountKind.SYSTEM, "/var/www")
    _, bare = submission(uid=33, user="www-data", account=www, cwd="/", scripts=())
    assert "(it is the web server's user www-data (every site's) and no script is known)" in (
        engine_advice(bare)
    )
    daemon = Account("daemon", AccountKind.SYSTEM, "/usr/sbin")
    _, system = submission(uid=2, user="daemon", account=daemon)
    assert "(it is no hosting account's process)" in engine_advice(system)
    _, ok = submission()
    held = engine_advice(ok, responses__never_accounts=["info"])
    assert "(the mailbox is not acted on: info is allow-listed" in held
    # the one the responses act on: the advice as before
    line = engine_advice(ok)
    assert line.endswith("holds the password; stop it and scan its folder")
    assert "do not act" not in line
