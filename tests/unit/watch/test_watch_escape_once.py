"""Each text is escaped exactly once on its way to a terminal: `watch`'s warnings and status
lines and the daemon's journal lines carry messages whose values were escaped or quoted where
they were put in (a reconciled block's user, a path in a note, an error's quoted value); a
second ``escape`` showed a tab as ``\\\\t`` and a bad byte as ``\\\\xff``. A control character
that got through raw is still escaped."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from spamtrace.safetext import escape, quoted
from spamtrace.service.bus import (
    BlocksReconciled,
    CaptureMode,
    CaptureModeChanged,
    ConfigReloaded,
    EngineStarted,
    FirewallChecked,
    Message,
    StoreStalled,
)
from spamtrace.service.daemon import JournalLog

NAME = "shop\tx\udcff"  # a tab and an undecodable byte (\xff) in a user's or file's name
ONCE = "shop\\tx\\xff"  # how it reads, escaped once


def messages() -> list[Message]:
    from spamtrace.config import Config
    from spamtrace.service.bus import FirewallState

    said = quoted(NAME)  # as the producers put a value in a message
    return [
        BlocksReconciled(((1001, f"made for user {said}; uid 1001 has no user now"),), 1.0),
        CaptureModeChanged(CaptureMode.DEGRADED, f"proc connector stopped: {said} lost", 1.0),
        StoreStalled(True, f"store {said}: database is locked", 1.0),
        EngineStarted(
            1.0,
            7,
            CaptureMode.DEGRADED,
            ("tracepoint",),
            None,
            (25,),
            (f"tracepoint off: {said}",),
            (f"events: {escape('/var/log/' + NAME)}",),
            None,
            (),
        ),
        ConfigReloaded(False, f"unknown key {said}", Config(), (), 1.0),
        ConfigReloaded(True, None, Config(), (f"note on {said}",), 1.0),
        FirewallChecked(FirewallState.UNKNOWN, "nft", (), 1.0, error=f"nft: {said} failed"),
    ]


def shown(text: str) -> None:
    assert ONCE in text, text
    assert "\\\\" not in text and "\t" not in text and "\udcff" not in text, text


@pytest.mark.parametrize("index", range(7))
def test_the_journal_escapes_each_value_once(index: int) -> None:
    out = io.StringIO()
    JournalLog(out=out).handle(messages()[index])
    shown(out.getvalue())


@pytest.mark.parametrize("index", range(4))
def test_watch_warnings_and_status_escape_each_value_once(
    index: int, capsys: pytest.CaptureFixture[str]
) -> None:
    from spamtrace.render.watch import WatchView

    WatchView(False).handle(messages()[index])
    shown(capsys.readouterr().err)


def test_a_raw_control_character_in_a_message_is_still_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from spamtrace.render.watch import WatchView

    raw = CaptureModeChanged(CaptureMode.DEGRADED, "lost: \x1b[2J\udcff", 1.0)
    WatchView(False).handle(raw)
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J\\xff" in err, err
    out = io.StringIO()
    JournalLog(out=out).handle(raw)
    assert "\x1b" not in out.getvalue() and "\\x1b[2J\\xff" in out.getvalue()


def test_a_block_not_put_back_names_its_user_once(capsys: pytest.CaptureFixture[str]) -> None:
    """The detail of the `would` record of a block not put back (its uid changed hands) is
    shown by `incident ID`, `watch` and the journal through ``escape``: the user's name in it
    was quoted (escaped) already, and read ``shop\\\\tx\\\\xff``."""
    from spamtrace.actions.respond import Responder
    from spamtrace.attribution.mta import NO_MTA
    from spamtrace.config import Config
    from spamtrace.render.incidents import action_line
    from spamtrace.sinks.store import ActionRecord

    conf = Config().override(origin="test", mode="enforce")
    responder = Responder(conf, NO_MTA, clock=lambda: 10_000.0)
    uid = 61_234  # no user of this box has it: the account was deleted
    stored = ActionRecord(
        "inc-1", "block-uid", "done", 9_900.0, f"block uid {uid}", f"spamtrace release {uid}",
        uid, str(uid), {"timeout": 3600, "reason": "suspicious", "user": NAME},
    )  # fmt: skip
    assert responder.adopt_blocks([stored]) == 0
    (rec,) = responder.records
    assert rec.status == "would" and NAME in rec.detail  # raw: escaped where it is shown
    shown(action_line(rec))


def test_release_says_its_notes_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`release`'s notes carry error messages (their values quoted where they were put in):
    printed through ``escape`` they read ``shop\\\\tx\\\\xff``. A release whose unblock failed
    said "nothing to release: not blocked"."""
    from spamtrace.actions.uidblock import UidBlocker
    from spamtrace.cli.main import main
    from spamtrace.errors import FirewallError

    def refuse(self: object, uid: int) -> bool:
        raise FirewallError(f"nft: set element {quoted(NAME)} refused")

    monkeypatch.setattr(UidBlocker, "release", refuse)
    assert main(["release", "--db", str(tmp_path / "none.db"), "61234"]) == 3
    out = capsys.readouterr().out
    shown(out)
    # nor "nothing to release: not blocked": the block set could not be changed
    assert out.startswith("could not release uid 61234: the block set was not changed"), out
    assert f"no store at {tmp_path}/none.db" in out


def test_a_failed_response_shows_its_error_once() -> None:
    """A response that failed is recorded as the error's message ("failed: {exc.message}"),
    whose values were quoted where it was raised: `incident ID` (line and table), `watch` and
    the journal showed them escaped twice (``shop\\\\tx\\\\xff``)."""
    from rich.console import Console

    from spamtrace.actions.respond import Responder
    from spamtrace.attribution.mta import NO_MTA
    from spamtrace.config import Config
    from spamtrace.errors import FirewallError
    from spamtrace.policy.responses import BlockUid
    from spamtrace.render.incidents import _print_actions, action_line
    from spamtrace.service.bus import ActionRecorded

    class Failing:
        def block(self, uid: int, timeout: int) -> None:
            raise FirewallError(f"nft: the set of {quoted(NAME)} cannot be changed")

    conf = Config().override(origin="test", mode="enforce")
    responder = Responder(conf, NO_MTA, blocker=Failing(), clock=lambda: 10_000.0)  # type: ignore[arg-type]
    rec = responder.execute(BlockUid(
        uid=61_234, user=NAME, account=None, timeout=60, incident="inc-1", reason="spam",
    ))  # fmt: skip
    assert rec.status == "failed"
    shown(action_line(rec))  # `incident ID`'s lines and `watch`'s "!!" lines
    out = io.StringIO()
    again = dataclasses.replace(rec, data={**rec.data, "again": True})  # as a block put back
    JournalLog(out=out).handle(ActionRecorded("inc-1", again))
    shown(out.getvalue())
    con = Console(file=io.StringIO(), width=300, color_system=None)
    _print_actions(con, [rec])  # type: ignore[list-item]
    shown(con.file.getvalue())  # type: ignore[attr-defined]
    # a raw control character in a failure's detail is still escaped
    raw = dataclasses.replace(rec, detail="failed: \x1b[2J\udcff")
    assert "\\x1b[2J\\xff" in action_line(raw) and "\x1b" not in action_line(raw)


@pytest.mark.parametrize("words", [["uid", "61234"], ["user", "61234"], ["61234"]])
def test_release_takes_uid_n_and_user_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    words: list[str],
) -> None:
    """`release uid 1001` was argparse's "unrecognized arguments: 1001"; the word before the
    uid or name (`uid`, `user`, `account`) is taken now."""
    from spamtrace.actions.uidblock import UidBlocker
    from spamtrace.cli.main import main
    from spamtrace.errors import FirewallError

    def refuse(self: object, uid: int) -> bool:
        raise FirewallError("nft: refused")

    monkeypatch.setattr(UidBlocker, "release", refuse)
    assert main(["release", "--db", str(tmp_path / "none.db"), *words]) == 3
    assert capsys.readouterr().out.startswith("could not release uid 61234:")


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["uid", "shop"], "'shop' is not a uid (a number); for an account name: "
         "spamtrace release 'shop'"),
        (["shop", "1001"], "unrecognized arguments: '1001' (release takes one uid or account "
         "name, or `uid N` / `user NAME`"),
    ],
)
def test_release_says_the_syntax_of_two_words_it_cannot_take(
    capsys: pytest.CaptureFixture[str], words: list[str], said: str
) -> None:
    from spamtrace.cli.main import main

    assert main(["release", *words]) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1, err
