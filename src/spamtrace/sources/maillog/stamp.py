"""Time stamps of mail log lines -> epoch seconds (pure; a small cache per distinct second).

Exim writes ``2026-12-04 18:26:42`` (local time; ``.123`` with ``+millisec``, a ``+0100``
offset with ``log_timezone``); syslog writes ``Dec  4 18:26:42`` (no year: the caller gives
it) or RFC 3339 ``2026-12-04T18:26:42.123456+00:00``; PHP writes ``04-Dec-2026 18:26:42 UTC``.
A log holds many lines per second, so each distinct second is converted once.

A stamp in the server's local time (Exim's own, syslog's BSD one) is read with
``utc_offset=LOCAL``: each at the offset of its own local time (daylight saving time), looked up
once per hour of local time (:func:`local_offset_at`), not one offset for a whole file.
"""

from __future__ import annotations

import calendar
import time
from typing import Final

from spamtrace.sources.maillog.event import MalformedLine

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_CACHE: dict[tuple[str, int], float] = {}
_CACHE_MAX = 4096
_SYSLOG_CACHE: dict[tuple[str, int, int], float] = {}
#: ``utc_offset`` of a stamp in this machine's local time: the offset is the one that applies
#: at the stamp's own local time (no real offset is this far from UTC; a C ``long`` holds it)
LOCAL: Final = -(2**31)
#: hour of local time (a stamp's seconds read as if UTC, // 3600) -> its offset
_LOCAL_HOURS: dict[int, int] = {}
_LOCAL_ZONE: list[object] = [None]


def local_time() -> int:
    """:data:`LOCAL`, the offset a reader of a local-time log gives the parsers; the cached
    conversions are dropped when the process's zone changed (``time.tzset``) since the last."""
    zone = (time.tzname, time.timezone, time.altzone)
    if _LOCAL_ZONE[0] != zone:
        _LOCAL_ZONE[0] = zone
        _LOCAL_HOURS.clear()
        _CACHE.clear()
        _SYSLOG_CACHE.clear()
    return LOCAL


def local_offset_at(local: float) -> int:
    """Seconds east of UTC of this machine's zone at local time ``local`` (a stamp's seconds
    read as if they were UTC), cached per hour. In the hour a fall-back change repeats, the
    earlier offset (the first pass: summer time); in the hour a spring-forward change skips
    (no such local time), the offset before the change."""
    hour = int(local // 3600)
    hit = _LOCAL_HOURS.get(hour)
    if hit is not None:
        return hit
    wall = hour * 3600
    try:
        # the offsets two days either side (changes are months apart): the one before first
        before = time.localtime(wall - 172800).tm_gmtoff
        after = time.localtime(wall + 172800).tm_gmtoff
        offset = next(
            (o for o in (before, after) if time.localtime(wall - o).tm_gmtoff == o), before
        )
    except (OverflowError, OSError, ValueError):  # far outside what localtime takes
        offset = 0
    if len(_LOCAL_HOURS) >= _CACHE_MAX:
        _LOCAL_HOURS.clear()
    _LOCAL_HOURS[hour] = offset
    return offset


def _convert(key: tuple[str, int], text: str, parts: tuple[slice, ...], month: int | None) -> float:
    """Epoch seconds of ``text``: year, month, day, hour, minute, second at ``parts`` (the
    month given by name when ``month`` is not None), cached per distinct ``key``."""
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    try:
        values = [int(text[p]) for p in parts]
    except ValueError:
        raise MalformedLine(f"not a time stamp: {text!r}") from None
    if month is not None:
        values.insert(1, month)
    year, mon, day, hour, minute, second = values
    if not (
        year >= 1
        and 1 <= mon <= 12
        and 1 <= day <= 31
        and hour < 24
        and minute < 60
        and second < 61
    ):
        raise MalformedLine(f"not a time stamp: {text!r}")
    value = float(calendar.timegm((year, mon, day, hour, minute, second, 0, 0, 0)))
    value -= local_offset_at(value) if key[1] == LOCAL else key[1]
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = value
    return value


_ISO = (slice(0, 4), slice(5, 7), slice(8, 10), slice(11, 13), slice(14, 16), slice(17, 19))
#: syslog stamps are converted with the year put in front: "2026Dec  4 18:26:42"
_SYSLOG = (slice(0, 4), slice(8, 10), slice(11, 13), slice(14, 16), slice(17, 19))
_PHP = (slice(7, 11), slice(0, 2), slice(12, 14), slice(15, 17), slice(18, 20))


def iso_seconds(text: str, utc_offset: int = 0) -> float:
    """``YYYY-MM-DD HH:MM:SS`` (or with a ``T``) at ``utc_offset`` seconds east of UTC."""
    key = (text, utc_offset)
    hit = _CACHE.get(key)  # most lines share their second with the line before
    if hit is not None:
        return hit
    if len(text) != 19 or text[4] != "-" or text[13] != ":":
        raise MalformedLine(f"not a time stamp: {text!r}")
    return _convert(key, text, _ISO, None)


def syslog_seconds(text: str, year: int, utc_offset: int = 0) -> float:
    """``Mon DD HH:MM:SS`` (BSD syslog, no year) in ``year``."""
    hit = _SYSLOG_CACHE.get((text, year, utc_offset))
    if hit is not None:
        return hit
    if len(text) != 15 or text[9] != ":":
        raise MalformedLine(f"not a time stamp: {text!r}")
    value = _convert((f"{year} {text}", utc_offset), f"{year:04d}{text}", _SYSLOG,
                     _MONTHS.get(text[0:3], 0))  # fmt: skip
    if len(_SYSLOG_CACHE) >= _CACHE_MAX:
        _SYSLOG_CACHE.clear()
    _SYSLOG_CACHE[(text, year, utc_offset)] = value
    return value


def php_seconds(text: str) -> float:
    """``DD-Mon-YYYY HH:MM:SS`` (PHP's mail.log, in the zone the caller strips off)."""
    if len(text) != 20 or text[2] != "-" or text[14] != ":":
        raise MalformedLine(f"not a time stamp: {text!r}")
    return _convert((text, 0), text, _PHP, _MONTHS.get(text[3:6], 0))


def offset_seconds(text: str) -> int | None:
    """``+0100`` / ``-0530`` / ``+01:00`` / ``Z`` -> seconds east of UTC; None if not one."""
    if text in ("Z", "UTC", "GMT"):
        return 0
    body = text[1:].replace(":", "")
    if len(text) < 5 or text[0] not in "+-" or len(body) != 4 or not body.isdecimal():
        return None
    value = int(body[:2]) * 3600 + int(body[2:]) * 60
    return -value if text[0] == "-" else value
