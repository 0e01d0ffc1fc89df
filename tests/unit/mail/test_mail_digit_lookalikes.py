"""Digits that str.isdigit() accepts but int() refuses ('²', '³', '①') in the numeric fields of
mail log lines: the line is parsed or counted as malformed, never a crash. Found by the
hypothesis round of test_mail_fuzz; kept as fixed examples."""

from __future__ import annotations

import contextlib

import pytest

from spamtrace.sources.maillog import exim, phpmail, postfix

LINES = [
    (exim, "2026-12-04 10:00:00 [1²3] 1xZY04-00051f-1E <= a@b.example U=x P=local S=12"),
    (exim, "2026-12-04 10:00:00 1xZY04-00051f-1E <= a@b.example U=x P=local S=1²2"),
    (postfix, "Dec  4 10:00:00 host postfix/pickup[1²3]: ABC123: uid=100 from=<a@b>"),
    (postfix, "Dec  4 10:00:00 host postfix/pickup[123]: ABC123: uid=1①0 from=<a@b>"),
    (postfix, "Dec  4 10:00:00 host postfix/qmgr[123]: ABC123: from=<a@b>, size=3²2, nrcpt=1³"),
    (phpmail, "[27-Nov-2026 20:50:20 UTC] mail() on [/home/v/x.php:4²]: To: t@r -- Headers: X"),
]


@pytest.mark.parametrize(("module", "line"), LINES)
def test_digit_lookalikes_never_crash_a_parser(module: object, line: str) -> None:
    with contextlib.suppress(module.MalformedLine):  # type: ignore[attr-defined]
        module.parse_line(line)  # type: ignore[attr-defined]
