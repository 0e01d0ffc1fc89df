"""The responses quarantine only files of the sender: its uid's, or its account's user's.

A hosting account with a shell chooses its sender's working folder and command line, which
the incident's scan follows: a spam script run from another account's folder (`cd
/home/other/public_html && php ~/x.php`) had that account's file that the scan called
malicious moved to quarantine by root. The owner is checked on the file opened for the move.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "watch"))

from respfake import MTA, cfg

from spamtrace.actions.quarantine import Quarantine, QuarantineError
from spamtrace.actions.respond import Responder
from spamtrace.policy.responses import ActionStatus, QuarantineFile

BODY = b"<?php $d = base64_decode($_POST['c']); eval($d);\n"
ME = os.getuid()
OTHER = ME + 54321  # no such user: someone else's file, as far as the owner check goes


@pytest.fixture
def victim_file(tmp_path: Path) -> Path:
    d = tmp_path / "home" / "other" / "public_html"
    d.mkdir(parents=True)
    f = d / "tool.php"
    f.write_bytes(BODY)
    return f


def test_a_file_of_another_owner_is_left_in_place(victim_file: Path, tmp_path: Path) -> None:
    q = Quarantine(str(tmp_path / "q"))
    with pytest.raises(QuarantineError) as err:
        q.add(str(victim_file), incident="inc-1", owners={OTHER: f"the sender's uid {OTHER}"})
    assert victim_file.read_bytes() == BODY and q.items() == []
    msg = err.value.message
    assert f"owned by uid {ME}" in msg and f"not by the sender's uid {OTHER}" in msg
    assert "left in place" in msg
    item = q.add(str(victim_file), incident="inc-1", owners={ME: "x"})  # its owner: moved
    assert not victim_file.exists() and item.uid == ME


def test_a_sender_of_no_known_uid_moves_nothing(victim_file: Path, tmp_path: Path) -> None:
    q = Quarantine(str(tmp_path / "q"))
    with pytest.raises(QuarantineError) as err:
        q.add(str(victim_file), owners={})
    assert "the sender's uid is unknown" in err.value.message and victim_file.exists()


def test_no_owners_given_is_any_owner(victim_file: Path, tmp_path: Path) -> None:
    """`scan --quarantine` is the admin's own choice: any owner."""
    Quarantine(str(tmp_path / "q")).add(str(victim_file))
    assert not victim_file.exists()


def _responder(tmp_path: Path) -> Responder:
    return Responder(
        cfg(mode="enforce"), MTA, quarantine=Quarantine(str(tmp_path / "q")), clock=lambda: 5.0
    )


def test_the_responses_leave_another_accounts_file_in_place(
    victim_file: Path, tmp_path: Path
) -> None:
    r = _responder(tmp_path)
    rec = r.execute(
        QuarantineFile(str(victim_file), OTHER, "inc-1", ("php.eval-tainted",), "malicious")
    )
    assert rec.status == ActionStatus.FAILED.value, rec
    assert f"owned by uid {ME}" in rec.detail and victim_file.exists()
    rec = r.execute(
        QuarantineFile(str(victim_file), ME, "inc-1", ("php.eval-tainted",), "malicious")
    )
    assert rec.status == ActionStatus.DONE.value and not victim_file.exists()


def test_a_file_of_the_senders_account_is_quarantined(victim_file: Path, tmp_path: Path) -> None:
    """PHP run as the web server's user (mod_php): the uid is www-data's, the script the
    account's (named by where it is), and is moved."""
    import pwd

    me = pwd.getpwuid(ME).pw_name
    rec = _responder(tmp_path).execute(
        QuarantineFile(str(victim_file), OTHER, "inc-1", ("php.eval-tainted",), "m", me)
    )
    assert rec.status == ActionStatus.DONE.value and not victim_file.exists()
