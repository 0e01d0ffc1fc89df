"""The views of `release` and `quarantine`: attacker-made names are escaped, JSON is whole."""

from __future__ import annotations

import json

import pytest

from spamtrace.actions.quarantine import QuarantineItem
from spamtrace.render.responses import (
    print_quarantine_change,
    print_quarantine_list,
    print_release,
)
from spamtrace.service.release import ReleaseOutcome


def _item(path: str) -> QuarantineItem:
    return QuarantineItem(
        id="q-1", path=path, sha256="ab" * 32, size=12, uid=1001, gid=1001, owner="acct",
        group="acct", mode=0o644, mtime_ns=0, atime_ns=0, incident=None, rules=("php.x",),
        quarantined_at=0.0, notes=("moved\x1b[2J",),
    )  # fmt: skip


def test_release_lines_say_what_was_done_and_escape_notes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_release(ReleaseOutcome(1001, "acct", True, 2, ("odd\nnote",), False), False)
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "released uid 1001 (acct): SMTP egress unblocked, 2 stopped process(es) resumed (SIGCONT)"
    )
    assert "odd\\nnote" in out and "odd\nnote" not in out
    print_release(ReleaseOutcome(7, None, False, 0, (), False), False)
    out = capsys.readouterr().out
    assert out == "nothing to release for uid 7: not blocked, no process stopped\n"


def test_release_json_has_its_schema(capsys: pytest.CaptureFixture[str]) -> None:
    print_release(ReleaseOutcome(7, None, False, 0, ("n",), True), True)
    doc = json.loads(capsys.readouterr().out)
    assert doc == {
        "schema": "spamtrace.release/1", "uid": 7, "user": None, "unblocked": False,
        "resumed": 0, "notes": ["n"],
    }  # fmt: skip


def test_quarantine_views_escape_file_names(capsys: pytest.CaptureFixture[str]) -> None:
    item = _item("/home/acct/x\n\x1b[31mevil.php")
    print_quarantine_list([item], "/var/lib/q", False)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "x\\n" in out
    assert out.splitlines()[-1] == "1 file(s); restore one with: spamtrace quarantine restore ID"
    print_quarantine_list([], "/var/lib/q", False)
    assert capsys.readouterr().out == "nothing in quarantine (/var/lib/q)\n"
    print_quarantine_change(item, "deleted", False)
    out = capsys.readouterr().out
    assert out.startswith("deleted q-1 (") and "\x1b" not in out
    print_quarantine_change(item, "restored", True)
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "spamtrace.quarantine/1" and doc["restored"]["id"] == "q-1"
