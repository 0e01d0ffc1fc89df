"""A block of whole log lines (bytes) -> :class:`MailLogged` events: how logs are read back.

Reading back a big log line by line made a Python ``str`` per line and ran the line parser
(:mod:`~spamtrace.sources.maillog.exim`, :mod:`~spamtrace.sources.maillog.postfix`) in Python
for each: most of what ``spamtrace mail`` cost. :func:`parse_block` hands a whole block of
lines (:meth:`~spamtrace.sources.maillog.tail.LineSplitter.feed_raw`) to the compiled
parsers of ``_scan.c``, which build only the events. They give the same events as the
Python parsers, which stay the reference: the compiled ones hand them every line they are
not sure of (bytes that are not printable ASCII, odd time stamps, malformed lines), and the
test suite compares both on the sample logs and on random input.

Where ``_scan`` was not built (no C compiler at install), and for PHP's ``mail.log``, the
block is decoded, split and parsed in Python (:func:`parse_block_py`), as before.
"""

from __future__ import annotations

from collections.abc import Callable

from spamtrace.sources.maillog.event import MailAction, MailLogged, MalformedLine
from spamtrace.sources.maillog.kinds import LOG_KINDS
from spamtrace.sources.maillog.stamp import LOCAL
from spamtrace.sources.maillog.tail import MAX_LINE, LineSplitter

Parser = Callable[[str], "MailLogged | None"]
#: (events, lines, malformed lines, lines cut to max_line)
Parsed = tuple[list[MailLogged], int, int, int]

try:
    from spamtrace.sources.maillog import _scan
except ImportError:  # not built: the Python parsers do it all
    _scan = None  # type: ignore[assignment]
if getattr(_scan, "LOCAL", None) != LOCAL:  # built from an older source: reads LOCAL as an offset
    _scan = None  # type: ignore[assignment]
else:
    _scan.setup(
        MailLogged, MailAction.ARRIVAL, MailAction.DELIVERY, MailAction.DEFER,
        MailAction.BOUNCE, MailAction.COMPLETED, MailAction.ARGUMENTS, MailAction.SUBMITTED,
    )  # fmt: skip

#: whether the compiled parsers are there
COMPILED = _scan is not None


def parse_block(
    kind: str,
    block: bytes | memoryview,
    parse: Parser,
    *,
    year: int = 1970,
    utc_offset: int = 0,
    wrap_after: float = 0.0,
    max_line: int = MAX_LINE,
    compiled: bool = True,
) -> Parsed:
    """The events of ``block`` (whole lines without the last newline) of a log of ``kind``.

    ``parse`` is the line parser of :func:`spamtrace.sources.maillog.reader.parser_for` for
    the same ``year`` / ``utc_offset`` (and ``wrap_after``: written + 1 day when the log was
    last written in January, else 0); ``compiled=False`` uses the Python parsers only."""
    if compiled and _scan is not None:
        if kind == "exim":
            return _scan.exim(block, parse, utc_offset, max_line)
        if kind == "postfix":
            return _scan.postfix(block, parse, year, utc_offset, wrap_after, max_line)
    return parse_block_py(block, parse, max_line, drop_long=LOG_KINDS[kind].drops_long_lines)


def feed_block(
    block: bytes | memoryview,
    parse: Parser,
    sink: object,
    *,
    utc_offset: int = 0,
    max_line: int = MAX_LINE,
) -> tuple[int, int, int, int]:
    """:func:`parse_block` of an Exim ``block`` by the compiled parser, each event handed to
    the compiled join as it is made (``sink``: :meth:`MailLedger.block_sink
    <spamtrace.attribution.mail.MailLedger.block_sink>`) rather than listed: the same as
    feeding the ledger what :func:`parse_block` gives, without an event for the lines about
    one recipient. (events given, lines, malformed lines, lines cut to max_line)."""
    assert _scan is not None
    return _scan.exim_into(block, parse, utc_offset, max_line, sink)


def parse_block_py(
    block: bytes | memoryview, parse: Parser, max_line: int = MAX_LINE, *, drop_long: bool = True
) -> Parsed:
    """:func:`parse_block` in Python: the reference of the compiled parsers, which read no
    line longer than ``max_line`` (``drop_long``: counted, not parsed; see
    :attr:`~spamtrace.sources.maillog.kinds.LogKind.drops_long_lines`)."""
    splitter = LineSplitter(max_line, drop_long=drop_long)
    lines = splitter.lines_of(block)
    events: list[MailLogged] = []
    malformed = 0
    for line in lines:
        if line.endswith("\r"):  # a CRLF line end: the CR is no field's
            line = line[:-1]
        if not line:  # a blank line, LF or CRLF: no record, not malformed
            continue
        try:
            ev = parse(line)
        except (MalformedLine, ValueError, IndexError, OverflowError):
            malformed += 1
            continue
        if ev is not None:
            events.append(ev)
    return events, len(lines), malformed, splitter.long_lines
