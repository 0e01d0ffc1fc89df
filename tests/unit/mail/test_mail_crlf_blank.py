"""A blank line is no record, in a log with CRLF line ends as in an LF one: "\\r\\n" was read
as a line "\\r" and counted malformed (the `mail` note said so), by the compiled parser and
its Python reference alike. Both skip it now, as they skip an empty LF line; and the CR of
every other line is dropped, so a line's last field is read as in an LF log."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailhost import run_mail

from spamtrace.sources.maillog import blocks
from spamtrace.sources.maillog.reader import LogReader, LogSpec, parser_for

SAMPLES = Path(__file__).resolve().parent / "samples"

EXIM = (
    "2026-12-04 18:26:40 1xZXzW-0004er-2T <= info@shop.example U=shop P=local S=812\n"
    "\n"
    "2026-12-04 18:26:41 1xZXzW-0004er-2T => a@b.example R=dnslookup T=remote_smtp\n"
    "\n"
    "\n"
    "2026-12-04 18:26:42 1xZXzW-0004er-2T => c@d.example R=dnslookup T=remote_smtp\n"
)
POSTFIX = (
    "Dec  4 18:26:40 srv postfix/pickup[700]: 3F2A1C0123: uid=1001 from=<shop>\n"
    "\n"
    "Dec  4 18:26:41 srv postfix/qmgr[701]: 3F2A1C0123: from=<shop@h>, size=812, nrcpt=1"
    " (queue active)\n"
    "\n"
)


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


@pytest.mark.parametrize(("kind", "text"), [("exim", EXIM), ("postfix", POSTFIX)])
@pytest.mark.parametrize("compiled", [True, False])
def test_a_blank_crlf_line_is_not_malformed(kind: str, text: str, compiled: bool) -> None:
    lf = text.encode().rstrip(b"\n")
    events_lf, lines_lf, bad_lf, _ = blocks.parse_block(
        kind, lf, parser_for(kind, 2026, 0), year=2026, compiled=compiled
    )
    events, lines, bad, _ = blocks.parse_block(
        kind, crlf(text.rstrip("\n")), parser_for(kind, 2026, 0), year=2026, compiled=compiled
    )
    assert (bad_lf, bad) == (0, 0)
    assert lines == lines_lf and len(events) == len(events_lf) > 0


@pytest.mark.skipif(not blocks.COMPILED, reason="_scan.c was not built")
@pytest.mark.parametrize(("kind", "text"), [("exim", EXIM), ("postfix", POSTFIX)])
def test_the_compiled_parser_and_python_agree_on_blank_crlf_lines(kind: str, text: str) -> None:
    block = crlf((text * 3).rstrip("\n"))
    got = blocks.parse_block(kind, block, parser_for(kind, 2026, 0), year=2026)
    want = blocks.parse_block_py(block, parser_for(kind, 2026, 0))
    assert got[1:] == want[1:] and got[0] == want[0]


@pytest.mark.parametrize(
    ("sample", "kind"), [("exim.log", "exim"), ("postfix.log", "postfix"), ("php-mail.log", "php")]
)
def test_a_crlf_copy_of_a_sample_counts_what_the_lf_one_does(
    tmp_path: Path, sample: str, kind: str
) -> None:
    text = (SAMPLES / sample).read_text()
    lf, dos = tmp_path / "lf.log", tmp_path / "crlf.log"
    lf.write_text(text)
    dos.write_bytes(crlf(text))
    for compiled in (True, False):
        want = LogReader(LogSpec(str(lf), kind), None, compiled=compiled)
        want_events = list(want.events())
        got = LogReader(LogSpec(str(dos), kind), None, compiled=compiled)
        got_events = list(got.events())
        assert got.counts.malformed == want.counts.malformed, (sample, compiled)
        # every event the same: a "Completed" / "removed" line is read as one, and no last
        # field (an id=, an address) keeps the CR
        assert got_events == want_events, (sample, compiled)


def test_the_mail_command_notes_no_malformed_line_for_a_blank_crlf_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "mainlog"
    log.write_bytes(crlf(EXIM))
    code, out, _ = run_mail(capsys, "--exim-log", str(log))
    assert code == 0
    assert "malformed" not in out
