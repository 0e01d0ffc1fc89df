"""The uid-block set and chain (rendered text, element parsing) and the actions table."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from spamtrace.actions import nftables, uidblock
from spamtrace.errors import FirewallError, KernelFeatureUnavailable
from spamtrace.sinks import store as store_mod
from spamtrace.sinks.store import ActionRecord, Store, StoreReader, mark_restored, mark_undone


class FakeProc:
    def __init__(self, rc: int = 0, out: str = "", err: str = "") -> None:
        self.returncode, self.stdout, self.stderr = rc, out, err


class FakeNft:
    def __init__(self) -> None:
        self.loaded: list[str] = []
        self.listing = '{"nftables": []}'

    def _run(self, args: list[str], *, stdin: str | None = None, timeout: float = 30) -> FakeProc:
        if args[:2] == ["-f", "-"]:
            self.loaded.append(stdin or "")
            return FakeProc()
        return FakeProc(out=self.listing)


def test_a_block_is_one_transaction_that_creates_the_set_and_chain() -> None:
    nft = FakeNft()
    b = uidblock.UidBlocker([25, 587], 2525, protected_uids=[103], nft=nft)
    b.block(1001, 3600)
    (text,) = nft.loaded
    assert text.startswith("add table inet spamtrace\nadd set inet spamtrace blocked_uids")
    assert "flush chain inet spamtrace uid_block" in text
    assert "meta skuid @blocked_uids tcp dport { 25, 587 }" in text
    assert 'oifname != "lo"' in text and "reject with tcp reset" in text
    # add, delete, add: an existing element gets the new timeout
    assert text.endswith(
        "add element inet spamtrace blocked_uids { 1001 timeout 3600s }\n"
        "delete element inet spamtrace blocked_uids { 1001 }\n"
        "add element inet spamtrace blocked_uids { 1001 timeout 3600s }\n"
    )
    b.block(1002, 0)
    assert nft.loaded[-1].endswith("add element inet spamtrace blocked_uids { 1002 }\n")
    for uid in (0, 103):
        with pytest.raises(FirewallError, match="refusing"):
            b.block(uid, 60)


class ExpiringNft(FakeNft):
    """The uid is listed as blocked, then its block runs out before the delete lands."""

    def __init__(self, expires: bool) -> None:
        super().__init__()
        self.expires = expires
        self.listing = '{"nftables": [{"set": {"name": "blocked_uids", "elem": [1001]}}]}'

    def _run(self, args: list[str], *, stdin: str | None = None, timeout: float = 30) -> FakeProc:
        if args[:2] == ["-f", "-"]:
            if self.expires:
                self.listing = '{"nftables": [{"set": {"name": "blocked_uids"}}]}'
            return FakeProc(1, err="Error: Could not process rule: No such file or directory")
        return FakeProc(out=self.listing)


def test_release_of_a_block_that_ran_out_meanwhile_is_not_an_error() -> None:
    b = uidblock.UidBlocker([25], 2525, protected_uids=[], nft=ExpiringNft(expires=True))
    assert b.release(1001) is False  # no longer blocked: nothing left to release
    # a delete that fails while the uid is still in the set is still an error
    b = uidblock.UidBlocker([25], 2525, protected_uids=[], nft=ExpiringNft(expires=False))
    with pytest.raises((FirewallError, KernelFeatureUnavailable)):
        b.release(1001)


def test_elements_are_parsed_and_carried_over_with_what_is_left() -> None:
    doc = {"nftables": [{"set": {"name": "blocked_uids", "elem": [
        {"elem": {"val": 1001, "timeout": 3600, "expires": 1200}}, 1002]}}]}  # fmt: skip
    got = uidblock.parse_elements(doc)
    assert got == [uidblock.BlockedUid(1001, 3600, 1200), uidblock.BlockedUid(1002, None, None)]
    assert uidblock.elements_text(got) == (
        "add element inet spamtrace blocked_uids { 1001 timeout 3600s expires 1200s, 1002 }\n"
    )


def test_the_full_policy_renders_the_block_set_and_drift_ignores_its_elements() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "firewall"))
    from fwfake import make_plan

    text = nftables.render(make_plan())
    assert "set blocked_uids {" in text and "chain uid_block {" in text
    base = {"nftables": [{"set": {"name": "blocked_uids", "type": "uid", "flags": ["timeout"]}}]}
    live = {"nftables": [{"set": {"name": "blocked_uids", "type": "uid", "flags": ["timeout"],
                                  "elem": [1001]}}]}  # fmt: skip
    assert nftables.diff(nftables.normalize(live), nftables.normalize(base)) == []


def _action(uid: int, action: str, status: str = "done", **kw: object) -> ActionRecord:
    return ActionRecord(
        incident_id="inc-1", action=action, status=status, at=time.time(), detail="d",
        undo=f"spamtrace release {uid}", uid=uid, target=str(uid), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_actions_are_stored_read_back_and_marked_undone(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    s = Store(path)
    s.submit_action(_action(1001, "block-uid"))
    s.submit_action(_action(1001, "stop-process", data={"signal": "stop", "signalled": [[5, 1.5]]}))
    s.submit_action(_action(1001, "quarantine", status="failed"))
    s.close()
    with StoreReader(path) as r:
        acts = r.actions_of(["inc-1", "inc-2"])
        assert [a.action for a in acts["inc-1"]] == ["block-uid", "stop-process", "quarantine"]
        assert acts["inc-2"] == []
        (stop,) = r.actions_of_uid(1001, "stop-process")
        assert stop.data == {"signal": "stop", "signalled": [[5, 1.5]]}
    assert mark_undone(path, 1001, 123.0) == 2  # block and stop; not the failed quarantine
    with StoreReader(path) as r:
        assert [a.undone_at for a in r.actions_of(["inc-1"])["inc-1"]] == [123.0, 123.0, None]


def test_a_restored_file_marks_its_quarantine_action_undone(tmp_path: Path) -> None:
    """`quarantine restore ID` put the file back but left the incident's action "done", not
    undone: `incident` kept offering `spamtrace quarantine restore ID` (which then failed: no
    such id) and its advice said the script was still in quarantine."""
    path = str(tmp_path / "s.db")
    s = Store(path)
    for qid in ("q-1", "q-2"):
        s.submit_action(_action(1001, "quarantine", data={"quarantine_id": qid, "sha256": "a"}))
    s.close()
    assert mark_restored(path, "q-2", 50.0) == 1
    assert mark_restored(path, "q-2", 60.0) == 0  # once
    assert mark_restored(str(tmp_path / "none.db"), "q-1", 1.0) == 0  # no store: nothing
    with StoreReader(path) as r:
        assert [a.undone_at for a in r.actions_of(["inc-1"])["inc-1"]] == [None, 50.0]


def test_a_version_2_store_gains_the_actions_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "s.db")
    with monkeypatch.context() as m:
        m.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:2])
        m.setattr(store_mod, "SCHEMA_VERSION", 2)
        Store(path, start_writer=False).close()
    with StoreReader(path) as r:  # an old store read as it is: no actions, no error
        assert r.actions_of(["inc-1"]) == {"inc-1": []}
    assert mark_undone(path, 1001, 1.0) == 0
    Store(path, start_writer=False).close()
    db = sqlite3.connect(path)
    versions = [r[0] for r in db.execute("SELECT version FROM schema_version")]
    assert versions == list(range(1, store_mod.SCHEMA_VERSION + 1))
    assert db.execute("SELECT count(*) FROM actions").fetchone() == (0,)
    db.close()


def test_release_names_a_uid_or_a_user() -> None:
    from spamtrace.errors import UsageError
    from spamtrace.service.release import resolve_uid

    assert resolve_uid("0") == (0, "root") and resolve_uid("root") == (0, "root")
    for bad in ("999999999999", "4294967295", "nosuchuser-x"):  # was "nothing to release"
        with pytest.raises(UsageError):
            resolve_uid(bad)


def test_release_finds_the_uid_of_an_account_deleted_since_in_the_store(tmp_path: Path) -> None:
    """The panel removes a spamming account after its block: `spamtrace release shop` then
    said only "no user or account named 'shop'" while its uid stayed blocked (until released
    when block_timeout is 0), for whoever gets that uid next. The store's actions name it."""
    from spamtrace.errors import UsageError
    from spamtrace.service.release import resolve_uid
    from spamtrace.sinks.store import IncidentRecord

    path = str(tmp_path / "s.db")
    s = Store(path)

    def inc(ident: str, uid: int, name: str) -> IncidentRecord:
        return IncidentRecord(
            id=ident, verdict="suspicious", uid=uid, user=name, account=name,
            account_kind="plain", home=f"/home/{name}", exe="/usr/bin/php", cwd=None,
            scripts=(), cmdline=(), connections=1, blocked=0, destinations=(), pids=(),
            first_seen=1.0, last_seen=1.0, rate_per_minute=1.0, reasons=(), methods={},
            advice=(), process={},
        )  # fmt: skip

    s.submit_incident(inc("inc-1", 4242, "gone-acct-x"))
    s.submit_action(_action(4242, "block-uid"))
    s.submit_incident(inc("inc-2", 4243, "gone-twice-x"))
    s.submit_incident(inc("inc-3", 4244, "gone-twice-x"))
    for ident, uid in (("inc-2", 4243), ("inc-3", 4244)):
        s.submit_action(replace(_action(uid, "block-uid"), incident_id=ident))
    s.close()
    assert resolve_uid("gone-acct-x", path) == (4242, "gone-acct-x")
    with pytest.raises(UsageError, match=r"4243, 4244"):  # two uids: the admin picks one
        resolve_uid("gone-twice-x", path)
    with pytest.raises(UsageError, match="no user or account named"):
        resolve_uid("never-here-x", path)
    assert mark_undone(path, 4242, 5.0) == 1
    with pytest.raises(UsageError, match="no user or account named"):  # released: not acted on
        resolve_uid("gone-acct-x", path)
