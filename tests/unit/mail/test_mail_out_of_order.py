"""A mail log whose lines are not in time order (PHP-FPM workers writing at once, a log put
together by hand): the incident of `mail` said "60 message(s), 21:00:59 .. 21:00:09", its
first time after its last, and left out the messages logged after it opened but older."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailhost import python_parsers_only, run_mail_json

from spamtrace.attribution import mail as ledger_module


@pytest.mark.parametrize("compiled", [True, False])
def test_an_incident_spans_its_messages_whatever_their_order(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    compiled: bool,
) -> None:
    if not compiled:
        python_parsers_only(monkeypatch)
    elif ledger_module._mailjoin is None:
        pytest.fail("the compiled mail join is not built (scripts/install.sh builds it)")
    log = tmp_path / "mail.log"
    log.write_text(
        "".join(
            f"[06-Dec-2026 21:00:{59 - i:02d} UTC] mail() on [/home/shop/public_html/mm.php:4]: "
            f"To: r{i}@a.example, s{i}@b.example, t{i}@c.example, u{i}@d.example -- Headers: "
            "From: x@shop.example -- Subject: hi\n"
            for i in range(60)
        )
    )
    code, doc, _ = run_mail_json(capsys, "--php-log", str(log))
    assert code == 1
    (incident,) = doc["incidents"]
    assert incident["first_seen"] == "2026-12-06T21:00:00.000Z"
    assert incident["last_seen"] == "2026-12-06T21:00:59.000Z"
