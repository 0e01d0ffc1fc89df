"""The mail log parsers never crash: any text gives an event, None or MalformedLine."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spamtrace.sources.maillog import exim, phpmail, postfix
from spamtrace.sources.maillog.event import MailLogged, MalformedLine
from spamtrace.sources.maillog.tail import LineSplitter

SAMPLES = Path(__file__).resolve().parent / "samples"
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARSERS = (
    lambda line: exim.parse_line(line, 3600),
    lambda line: postfix.parse_line(line, 2026, 0),
    lambda line: phpmail.parse_line(line, 2026, 0),
)
REAL = [
    line
    for path in sorted(SAMPLES.glob("*.log"))
    for line in path.read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def _try(line: str) -> None:
    for parse in PARSERS:
        try:
            got = parse(line)
        except MalformedLine:
            continue
        assert got is None or isinstance(got, MailLogged)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text(line: str) -> None:
    _try(line)


@SETTINGS
@given(st.sampled_from(REAL), st.integers(0, 400), st.text(max_size=20))
def test_real_lines_cut_and_spliced(line: str, cut: int, junk: str) -> None:
    _try(line[:cut])
    _try(line[:cut] + junk + line[cut:])


@SETTINGS
@given(st.sampled_from(REAL), st.binary(max_size=40), st.integers(0, 400))
def test_real_lines_with_bytes_that_are_not_utf8(line: str, junk: bytes, at: int) -> None:
    raw = line.encode()
    (decoded,) = LineSplitter().feed(raw[:at] + junk.replace(b"\n", b" ") + raw[at:] + b"\n")
    _try(decoded)


def test_every_real_line_cut_at_every_length() -> None:
    for line in REAL:
        for cut in range(len(line) + 1):
            _try(line[:cut])


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(REAL), st.integers(0, 400)), max_size=12))
def test_php_records_cut_by_newlines_in_sequence(cuts: list[tuple[str, int]]) -> None:
    """The PHP parser joins a record a newline cut (a script's name): any sequence of cut
    lines gives events, None or MalformedLine, never a record of more than MAX_LINE."""
    from spamtrace.sources.maillog.reader import parser_for
    from spamtrace.sources.maillog.tail import MAX_LINE

    parse = parser_for("php", 2026, 0)
    for line, at in cuts:
        for part in (line[:at], line[at:]):
            try:
                got = parse(part)
            except MalformedLine:
                continue
            assert got is None or isinstance(got, MailLogged)
            assert got is None or len(got.script or "") <= MAX_LINE
