"""Mail responses: freeze the queued messages, lock the mailbox (pure decisions + adapters)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from respfake import MTA, cfg, rules

from spamtrace.actions.mailqueue import (
    MailQueue,
    parse_exim_bp,
    parse_exim_header,
    parse_postqueue_json,
    postfix_hold_argv,
    thaw_hint,
)
from spamtrace.actions.respond import Responder
from spamtrace.attribution.mail import MailMessage
from spamtrace.errors import ConfigError
from spamtrace.model import Verdict
from spamtrace.policy.mail import MailPolicy, MailThresholds
from spamtrace.policy.responses import (
    FreezeQueue,
    LockMailbox,
    MailCase,
    decide_mail,
    mail_protection,
    mailbox_argv,
)
from spamtrace.sinks.records import mail_records


def script_case(**kw: Any) -> MailCase:
    base: dict[str, Any] = dict(
        incident="i-1", verdict=Verdict.MAIL_SCRIPT, uid=1001, user="shop", account="shop",
        auth_user=None, mta="exim", queue_ids=("1xZX01-0004e1-2T", "1xZX02-0004e1-2T"),
        messages=21,
    )  # fmt: skip
    base.update(kw)
    return MailCase(**base)


def auth_case(**kw: Any) -> MailCase:
    return script_case(
        verdict=Verdict.MAIL_AUTH, uid=None, user=None, auth_user="info@shop.example", **kw
    )


# ----------------------------------------------------------------------------- policy
def test_mail_script_freezes_its_queued_messages() -> None:
    (d,) = decide_mail(script_case(), rules(responses__lock_mailbox_command=["/bin/true"]))
    assert isinstance(d, FreezeQueue)  # no mailbox to lock for a script
    assert (d.mta, d.uid, d.user, d.auth_user) == ("exim", 1001, "shop", None)
    assert d.queue_ids == ("1xZX01-0004e1-2T", "1xZX02-0004e1-2T")
    assert d.reason == "a mail-script incident of 21 message(s)"


def test_mail_auth_freezes_and_locks_the_mailbox() -> None:
    r = rules(responses__lock_mailbox_command=["/usr/local/bin/lockbox", "--user", "{user}"])
    freeze, lock = decide_mail(auth_case(), r)
    assert isinstance(freeze, FreezeQueue) and isinstance(lock, LockMailbox)
    assert (freeze.uid, freeze.user, freeze.auth_user) == (None, None, "info@shop.example")
    assert lock.command == ("/usr/local/bin/lockbox", "--user", "info@shop.example")
    assert lock.timeout == 60.0 and lock.key == "lock-mailbox:info@shop.example"
    # without a command, only the freeze
    assert [type(d) for d in decide_mail(auth_case(), rules())] == [FreezeQueue]


def test_each_decision_once_and_a_new_freeze_for_later_messages() -> None:
    r = rules(responses__lock_mailbox_command=["/bin/true"])
    first = decide_mail(auth_case(), r)
    done = frozenset(d.key for d in first)
    assert decide_mail(auth_case(done=done), r) == []
    later = decide_mail(auth_case(done=done, queue_ids=("1xZX03-0004e1-2T",), messages=100), r)
    assert [type(d) for d in later] == [FreezeQueue]


def test_never_acted_on() -> None:
    r = rules(responses__never_accounts=["vip"], submission__allow_accounts=["relay"])
    assert mail_protection(script_case(uid=0, user="root"), r) == "root"
    assert mail_protection(script_case(uid=103, user="Debian-exim"), r) == "an MTA user"
    assert "allow-listed" in (mail_protection(script_case(user="vip", account="vip"), r) or "")
    assert "allow-listed" in (mail_protection(auth_case(account="relay"), r) or "")
    # a mailbox named after root or the MTA's user, with or without a domain
    for box in ("root", "root@host.example", "Debian-exim@host.example"):
        case = auth_case().__class__(**{**_fields(auth_case()), "auth_user": box})
        assert mail_protection(case, r) is not None, box
    assert mail_protection(script_case(uid=None, user=None, account=None), r) == "sender unknown"
    assert decide_mail(script_case(uid=0, user="root"), r) == []
    only = rules(responses__only_accounts=["other"])
    assert mail_protection(script_case(), only) == "not in [responses] only_accounts"
    assert mail_protection(script_case(), rules(responses__only_accounts=["shop"])) is None


def _fields(case: MailCase) -> dict[str, Any]:
    return {k: getattr(case, k) for k in case.__dataclass_fields__}


def test_other_verdicts_and_freeze_off() -> None:
    assert decide_mail(script_case(verdict=Verdict.SUSPICIOUS), rules()) == []
    assert decide_mail(script_case(), rules(responses__freeze_queue=False)) == []


def test_mailbox_argv_placeholders_one_word_each() -> None:
    box = "x@y.example; rm -rf /"
    assert mailbox_argv(["/s", "{user}"], box, None) == ("/s", box)
    assert mailbox_argv(["/s"], box, "shop") == ("/s", box)
    assert mailbox_argv(["/s", "--acct={account}", "{user}"], box, "shop") == (
        "/s", "--acct=shop", box,
    )  # fmt: skip
    assert mailbox_argv(["/s", "{account}"], box, None) is None  # the account is not known
    assert mailbox_argv(["/s", "{user}"], "--all", "shop") is None  # would read as an option
    assert mailbox_argv(["/s", "{user}"], "a@b\nc", "shop") is None
    assert mailbox_argv(["/s", "{account}"], "a@b", "-x") is None


def test_config_keys_validated() -> None:
    c = cfg(responses__lock_mailbox_command=["/bin/true"], mail__postsuper_command=["/x/ps"])
    assert c.responses.lock_mailbox_command == ["/bin/true"] and c.responses.freeze_queue
    with pytest.raises(ConfigError):
        cfg(responses__lock_mailbox_timeout=0)
    with pytest.raises(ConfigError):
        cfg(mail__postsuper_command=["postsuper"])  # not an absolute path


# ----------------------------------------------------------------------------- adapters
BP = """\
 0m   320 1xZX01-0004e1-2T <shop@host.example>
          a@remote.example

 1m   1.2K 1xZX02-0004e1-2T <shop@host.example> *** frozen ***
          b@remote.example

 2h   512 1tJ5Pq-00000000Abc-ABCD <>
          c@remote.example
"""


def test_parse_exim_bp() -> None:
    got = [(m.id, m.sender, m.frozen) for m in parse_exim_bp(BP)]
    assert got == [
        ("1xZX01-0004e1-2T", "shop@host.example", False),
        ("1xZX02-0004e1-2T", "shop@host.example", True),
        ("1tJ5Pq-00000000Abc-ABCD", "", False),
    ]
    assert parse_exim_bp("-bad <x>\n 0m 1 --help <x>\n") == []


def test_a_sender_that_spells_frozen_is_not_taken_for_a_frozen_message() -> None:
    # a quoted local part may hold '>' (MAIL FROM:<"x> *** frozen ***"@d> after SMTP AUTH):
    # taken for frozen, the spammer's messages were left out of the freeze
    forged = ' 0m   320 1xZX01-0004e1-2T <"x> *** frozen ***"@spam.example>\n          a@r\n'
    (m,) = parse_exim_bp(forged)
    assert (m.sender, m.frozen) == ('"x> *** frozen ***"@spam.example', False)
    (m,) = parse_exim_bp(' 1m   1.2K 1xZX02-0004e1-2T <"a>b"@h> *** frozen ***\n')
    assert (m.sender, m.frozen) == ('"a>b"@h', True)


def test_parse_exim_header() -> None:
    local = "1xZX01-0004e1-2T-H\nshop 1001 1001\n<shop@host.example>\n1796000000 0\n-ident shop\n"
    assert parse_exim_header(local + "-received_time_usec .1\n1\nb@x\n") == ("shop", 1001, None)
    auth = "id-H\nDebian-exim 103 108\n<info@shop.example>\n1 0\n-auth_id info@shop.example\n"
    assert parse_exim_header(auth) == ("Debian-exim", 103, "info@shop.example")
    assert parse_exim_header("") == (None, None, None)


def test_an_acl_variable_cannot_forge_the_spool_headers_auth_id() -> None:
    # an ACL variable's value (a config may keep a decoded header there) is written on the
    # lines after "-aclm <name> <length>" and may hold newlines: a "-auth_id" inside it is
    # the value, not the submitter (it made the spammer's message look like another's)
    value = "caf\u00e9\n-auth_id someone@else.example\n"
    head = (
        "1xZX01-0004e1-2T-H\nDebian-exim 103 108\n<info@shop.example>\n1 0\n"
        f"-aclm _subject {len(value.encode())}\n{value}\n-auth_id info@shop.example\n1\nb@x\n"
    )
    assert parse_exim_header(head) == ("Debian-exim", 103, "info@shop.example")


#: the beginning of a spool -H file as Exim 4.96 (Debian 12) writes it after SMTP AUTH: since
#: 4.94 a tainted value (the login, the client's address, an ACL variable set from the
#: message) is written with a second '-' ("--auth_id", "--aclc _y 17")
EXIM_496_AUTH_HEADER = """\
1xZtQG-0001Xt-2g-H
root 0 0
<rnd0@spam.example>
1796491184 0
-received_time_usec .833466
-received_time_complete 1796491184.834747
--helo_name pc
--host_address [203.0.0.5]:0
-host_auth plain_id
-host_auth_pubname PLAIN
--interface_address [10.0.0.1]:0
-ident root
-received_protocol esmtpa
--aclc _y 17
rnd0@spam.example
-aclm _x 0

-body_linecount 1
-max_received_linelength 10
--auth_id box@shop.example
-deliver_firsttime
-tls_resumption A
XX
1
a@x.example
"""


def test_a_tainted_auth_id_of_exim_4_94_and_later_is_read() -> None:
    # "--auth_id" was not read: the spool header of a stolen mailbox's message with a forged
    # envelope sender did not name the mailbox, and freeze-queue left it queued
    assert parse_exim_header(EXIM_496_AUTH_HEADER) == ("root", 0, "box@shop.example")


def test_a_tainted_acl_variable_cannot_forge_the_auth_id() -> None:
    # "--aclc <name> <length>" (a tainted value) is skipped as "-aclc" is: its value is the
    # message's, and a "--auth_id" line inside it is not the submitter
    value = "x\n--auth_id someone@else.example"
    head = EXIM_496_AUTH_HEADER.replace(
        "--aclc _y 17\nrnd0@spam.example", f"--aclc _y {len(value)}\n{value}"
    )
    assert parse_exim_header(head) == ("root", 0, "box@shop.example")


def test_a_sender_with_a_unicode_line_separator_stays_on_its_line() -> None:
    bp = ' 0m   320 1xZX01-0004e1-2T <"a\u2028b"@spam.example>\n          a@r\n'
    assert [m.id for m in parse_exim_bp(bp)] == ["1xZX01-0004e1-2T"]
    # postqueue -j passes UTF-8 through: U+2028 / U+0085 in a sender, raw
    listing = (
        '{"queue_name": "active", "queue_id": "ABC123DEF", "sender": "a\u2028b\u0085c@x"}\n'
    )
    assert [m.id for m in parse_postqueue_json(listing)] == ["ABC123DEF"]


def _fake(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_postfix_adapter_holds_only_queued_ids_through_stdin(tmp_path: Path) -> None:
    argv, stdin = postfix_hold_argv(["/usr/sbin/postsuper"], ["4Zx1", "4Zx2"])
    assert argv == ["/usr/sbin/postsuper", "-h", "-"] and stdin == "4Zx1\n4Zx2\n"
    listing = "\n".join(
        [
            '{"queue_name": "deferred", "queue_id": "ABC123DEF", "sender": "a@x"}',
            '{"queue_name": "hold", "queue_id": "HELD12345", "sender": "a@x"}',
            '{"queue_name": "active", "queue_id": "-h", "sender": "a@x"}',
            "not json",
        ]
    )
    assert [m.id for m in parse_postqueue_json(listing)] == ["ABC123DEF", "HELD12345"]
    postqueue = _fake(tmp_path / "postqueue", f"cat <<'EOF'\n{listing}\nEOF\n")
    record = tmp_path / "held"
    postsuper = _fake(tmp_path / "postsuper", f'echo "$@" > {record}.argv\ncat > {record}\n')
    q = MailQueue(postqueue=[str(postqueue)], postsuper=[str(postsuper)])
    d = FreezeQueue("postfix", ("GONE12345", "ABC123DEF", "HELD12345"), 1001, "shop", None,
                    "i-1", "why")  # fmt: skip
    res = q.freeze(d)
    assert res.ok and res.frozen == ("ABC123DEF",) and res.mta == "postfix"
    assert record.read_text() == "ABC123DEF\n"
    assert Path(f"{record}.argv").read_text().split() == ["-h", "-"]
    assert res.skipped == ("GONE12345", "HELD12345")
    assert thaw_hint("postfix", res.frozen) == "postsuper -H ABC123DEF"


def test_exim_adapter_picks_known_ids_and_the_same_submitter(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    (spool / "input").mkdir(parents=True)
    heads = {
        "1xZX01-0004e1-2T": "shop 1001 1001\n<shop@host.example>\n",  # known from the log
        "1xZX03-0004e1-2T": "shop 1001 1001\n<forged@else.example>\n",  # same uid, not in log
        "1xZX04-0004e1-2T": "other 1002 1002\n<shop@host.example>\n",  # another user
        "1xZX05-0004e1-2T": "Debian-exim 103 108\n<x@y>\n-auth_id shop\n",  # SMTP AUTH
    }
    for qid, head in heads.items():
        (spool / "input" / f"{qid}-H").write_text(f"{qid}-H\n{head}1 0\n")
    bp = "".join(f" 0m 1 {qid} <x@y>\n          r@z\n\n" for qid in heads)
    calls = tmp_path / "calls"
    exim = _fake(
        tmp_path / "exim",
        f'echo "$@" >> {calls}\n'
        f'case "$1" in -bp) cat <<\'EOF\'\n{bp}EOF\n;;\n'
        f"  -bP) echo 'spool_directory = {spool}';;\n  -Mf) exit 0;;\nesac\n",
    )
    q = MailQueue(exim=[str(exim)])
    res = q.freeze(FreezeQueue("exim", ("1xZX01-0004e1-2T",), 1001, "shop", None, "i", "w"))
    assert res.ok and res.frozen == ("1xZX01-0004e1-2T", "1xZX03-0004e1-2T"), res
    assert calls.read_text().splitlines()[-1] == "-Mf 1xZX01-0004e1-2T 1xZX03-0004e1-2T"
    auth = q.freeze(FreezeQueue("exim", (), None, None, "shop", "i", "w"))
    assert auth.frozen == ("1xZX05-0004e1-2T",)
    os.unlink(exim)
    gone = q.freeze(FreezeQueue("exim", (), 1001, "shop", None, "i", "w"))
    assert not gone.ok and "command not found" in gone.detail


def test_a_long_queue_is_read_whole(tmp_path: Path) -> None:
    """The queue listing is not cut like the output kept for the record (2000 characters:
    the first 20 messages or so): a known id far down a long queue is frozen."""
    ids = [f"1xZX{i:02d}-0004e1-2T" for i in range(60)]
    bp = "".join(f" 0m 381 {qid} <x@y>\n          target{i}@remote.example\n\n"
                 for i, qid in enumerate(ids))  # fmt: skip
    assert len(bp) > 3000
    exim = _fake(
        tmp_path / "exim",
        f'case "$1" in -bp) cat <<\'EOF\'\n{bp}EOF\n;;\n  -bP) exit 1;;\n  -Mf) exit 0;;\nesac\n',
    )
    res = MailQueue(exim=[str(exim)]).freeze(
        FreezeQueue("exim", (ids[-1], ids[-2]), 1001, "shop", None, "i", "w")
    )
    assert res.ok and res.frozen == (ids[-2], ids[-1]), res
    postqueue = _fake(tmp_path / "postqueue", "".join(
        f'echo \'{{"queue_name": "deferred", "queue_id": "ABCDE{i:04d}", "sender": "a@x"}}\'\n'
        for i in range(60)
    ))  # fmt: skip
    postsuper = _fake(tmp_path / "postsuper", "cat > /dev/null\n")
    held = MailQueue(postqueue=[str(postqueue)], postsuper=[str(postsuper)]).freeze(
        FreezeQueue("postfix", ("ABCDE0059",), 1001, "shop", None, "i", "w")
    )
    assert held.ok and held.frozen == ("ABCDE0059",), held


# ----------------------------------------------------------------------------- responder
def mail_record(auth: bool = True) -> Any:
    policy = MailPolicy(MailThresholds(auth_max_messages=3, script_max_messages=3))
    update = None
    for i in range(4):
        msg = MailMessage(
            "exim", f"1xZX0{i}-0004e1-2T", 100.0 + i, "info@shop.example",
            None if auth else "shop", None if auth else 1001,
            "info@shop.example" if auth else None, "203.0.113.5" if auth else None,
            "esmtpa" if auth else "local", 10, None, (), None, recipients=1,
        )  # fmt: skip
        update = policy.observe(msg) or update
    assert update is not None
    _, rec = mail_records(msg, update.incident, None)
    rec.process["mta"] = "exim"
    rec.process["queue_ids"] = list(policy.queue_ids(update.incident.sender))
    return rec


def test_responder_observe_records_would() -> None:
    r = Responder(cfg(responses__lock_mailbox_command=["/bin/true"]), MTA, clock=lambda: 5.0)
    rec = mail_record()
    assert rec.verdict == "mail-auth" and rec.process["queue_ids"][0] == "1xZX00-0004e1-2T"
    r.on_mail(rec)
    assert [(a.action, a.status) for a in r.records] == [
        ("freeze-queue", "would"), ("lock-mailbox", "would"),
    ]  # fmt: skip
    assert r.records[1].target == "info@shop.example"
    assert r.on_mail(rec) == []  # once per incident


def test_responder_enforce_runs_the_mailbox_command(tmp_path: Path) -> None:
    out = tmp_path / "locked"
    lock = _fake(tmp_path / "lock", f'echo "locking $1" ; echo "$1" > {out}\n')
    slow = _fake(tmp_path / "slow", "sleep 5\n")

    class NoQueue:
        def freeze(self, d: FreezeQueue) -> Any:
            from spamtrace.actions.mailqueue import FreezeResult

            return FreezeResult(True, "exim", d.queue_ids, "froze them")

    c = cfg(mode="enforce", responses__lock_mailbox_command=[str(lock), "{user}"])
    r = Responder(c, MTA, mail_queue=NoQueue())  # type: ignore[arg-type]
    r.on_mail(mail_record())
    assert r.wait(10)
    freeze, locked = r.records
    assert (freeze.action, freeze.status) == ("freeze-queue", "done")
    assert freeze.undo is not None and freeze.undo.startswith("exim -Mt 1xZX00-0004e1-2T")
    assert (locked.action, locked.status) == ("lock-mailbox", "done")
    assert out.read_text() == "info@shop.example\n"
    assert locked.data["output"] == "locking info@shop.example\n"
    assert locked.data["exit_status"] == 0 and locked.data["argv"][1] == "info@shop.example"
    r.close()
    c2 = cfg(mode="enforce", responses__lock_mailbox_command=[str(slow)],
             responses__lock_mailbox_timeout=0.3)  # fmt: skip
    r2 = Responder(c2, MTA, mail_queue=NoQueue())  # type: ignore[arg-type]
    r2.on_mail(mail_record())
    assert r2.wait(10)
    (failed,) = [a for a in r2.records if a.action == "lock-mailbox"]
    assert failed.status == "failed" and "timeout" in failed.detail
    r2.close()


def test_responder_leaves_script_mail_of_root_alone() -> None:
    r = Responder(cfg(), MTA)
    rec = mail_record(auth=False)
    assert rec.verdict == "mail-script"
    r.on_mail(rec)
    assert [a.action for a in r.records] == ["freeze-queue"]
    root = mail_record(auth=False)
    object.__setattr__(root, "uid", 0)
    object.__setattr__(root, "id", "other")
    r.on_mail(root)
    assert len(r.records) == 1


def test_queued_batches_are_frozen_in_enforce_mode_only() -> None:
    """MailQueued (messages queued while the incident is open): enforce freezes just those
    ids (a new freeze each batch, the mailbox locked once); observe records nothing more."""
    frozen: list[tuple[str, ...]] = []

    class Queue:
        def freeze(self, d: FreezeQueue) -> Any:
            from spamtrace.actions.mailqueue import FreezeResult

            frozen.append(d.queue_ids)
            return FreezeResult(True, "exim", d.queue_ids, "froze them")

    rec = mail_record()
    watching = Responder(cfg(responses__lock_mailbox_command=["/bin/true"]), MTA)
    watching.on_mail(rec)
    assert watching.on_mail_queued(rec, ("1xZX05-0004e1-2T",)) == []
    assert len(watching.records) == 2  # the would-freeze and would-lock of the opening
    c = cfg(mode="enforce", responses__lock_mailbox_command=["/bin/true"])
    r = Responder(c, MTA, mail_queue=Queue())  # type: ignore[arg-type]
    r.on_mail(rec)
    (d,) = r.on_mail_queued(rec, ("1xZX05-0004e1-2T", "1xZX06-0004e1-2T"))
    assert isinstance(d, FreezeQueue) and d.auth_user == "info@shop.example"
    assert len(r.on_mail_queued(rec, ("1xZX07-0004e1-2T",))) == 1
    assert r.on_mail_queued(rec, ("1xZX07-0004e1-2T",)) == []  # that batch is done
    assert r.wait(10)
    assert frozen == [
        tuple(rec.process["queue_ids"]), ("1xZX05-0004e1-2T", "1xZX06-0004e1-2T"),
        ("1xZX07-0004e1-2T",),
    ]  # fmt: skip
    assert [a.action for a in r.records].count("lock-mailbox") == 1
    r.close()
