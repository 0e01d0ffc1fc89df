"""Exim's own messages written on two lines (the second one space in) in its main log."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailhost import python_parsers_only, run_mail, run_mail_json

from spamtrace.sources.maillog import reader

#: what Debian 12's Exim 4.96 wrote at its start without a TLS certificate (log_selector
#: +pid +millisec), then a local submission
LOG = """\
2026-12-07 15:21:13.838 [5829] cwd=/ 3 args: exim4 -bd -q5m
2026-12-07 15:21:13.842 [5829] Warning: No server certificate defined; will use a selfsigned one.
 Suggested action: either install a certificate or change tls_advertise_hosts option
2026-12-07 15:21:13.849 [5832] exim 4.96 daemon started: pid=5832, -q5m
2026-12-07 15:21:14.100 [5840] Warning: purging the environment.
 Suggested action: use keep_environment.
2026-12-07 15:21:19.374 [5901] cwd=/home/shop/public_html 3 args: /usr/sbin/sendmail -t -i
2026-12-07 15:21:19.394 [5901] 1xaaWy-0001n4-0u <= shop@host U=shop P=local S=300 for a@x.example
2026-12-07 15:21:19.426 [5903] 1xaaWy-0001n4-0u => a@x.example T=remote_smtp H=mx [192.0.2.1]
2026-12-07 15:21:19.430 [5903] 1xaaWy-0001n4-0u Completed
"""


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_the_second_line_of_an_exim_message_is_not_malformed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    compiled: bool,
) -> None:
    if not compiled:
        python_parsers_only(monkeypatch)
    log = tmp_path / "mainlog"
    log.write_text(LOG)
    code, doc, _ = run_mail_json(capsys, "--exim-log", str(log))
    assert code == 0
    (counts,) = doc["logs"]
    assert (counts["lines"], counts["events"], counts["malformed"]) == (10, 5, 0)
    assert doc["totals"]["messages"] == 1 and doc["notes"] == []
    _, out, _ = run_mail(capsys, "--exim-log", str(log))
    assert "malformed" not in out


@pytest.mark.parametrize(
    "line", [" ", "  two spaces in", "\tSuggested action: a tab", "no stamp at all"]
)
def test_other_lines_without_a_stamp_are_still_malformed(line: str) -> None:
    counts = reader.LogCounts("mainlog", "exim")
    parse = reader.EximLines(0, counts=counts)
    events = list(reader.parse_lines(parse, ["2026-12-07 15:21:13 Warning: x", line], counts))
    assert events == [] and counts.malformed == 1
