"""PHP ``mail.log`` line -> :class:`MailLogged` (pure but for the time-zone database).

PHP writes one line per ``mail()`` call when ``mail.log`` is set (in php.ini or per FPM pool;
``spamtrace audit`` checks it)::

    [04-Dec-2026 18:26:26 UTC] mail() on [/home/shop/public_html/mm.php:4]: To: a@x.example,
        b@y.example -- Headers: From: x@shop.example  Cc: c@z.example -- Subject: hello

(one line; PHP turns each CR and LF of a record with headers into a space, so ``\r\n``
between two headers is two). With ``mail.log = syslog`` the same text follows a syslog
prefix. The script path and line are the caller of ``mail()``. Recipients are the ``To:``
list plus the ``Cc:`` and ``Bcc:`` headers.

The headers are the script's own (``mail()``'s fourth argument), nothing else: PHP (8.2,
``ext/standard/mail.c``) writes the record before it adds ``X-PHP-Originating-Script:
<uid>:<script>`` (``mail.add_x_header``), which goes into the message alone. An
``X-PHP-Originating-Script`` in the record is one the script wrote itself, any uid it likes:
it is not read (it gave a script outside every home the account of that uid).

The time stamp is in PHP's ``date.timezone``: ``UTC`` or a zone name, looked up once in the
system's zone database (``zoneinfo``); an unknown zone falls back to ``utc_offset``.
"""

from __future__ import annotations

import re

from spamtrace.model import host_path
from spamtrace.sources.maillog.event import MailAction, MailLogged, MalformedLine
from spamtrace.sources.maillog.stamp import (
    LOCAL,
    local_offset_at,
    offset_seconds,
    php_seconds,
    syslog_seconds,
)

MTA = "php"
MARK = "mail() on ["
MAX_RECIPIENTS = 1000
#: how PHP names code it compiled from a string (zend_make_compiled_string_description):
#: ``/home/shop/y.php(12) : eval()'d code``, nested evals after it; the file and line of the
#: outermost are the script's (an obfuscated mailer's ``eval(base64_decode(...))``)
_EVALUATED = re.compile(
    r"(.+?)\(([0-9]+)\) : (?:eval\(\)'d code|runtime-created function|assert code|regexp code)"
)
#: (zone name, hour of the local stamp) -> seconds east of UTC then (None: no such zone)
_ZONES: dict[tuple[str, int], int | None] = {}
#: entries kept in :data:`_ZONES` (an hour of each zone a log names; cleared when full)
MAX_ZONE_HOURS = 4096


def _zone_offset(name: str, local: float) -> int | None:
    """Seconds east of UTC of zone ``name`` at the local time ``local`` (a stamp's seconds
    read as if they were UTC). Looked up per hour of the stamp: the offset changes with
    daylight saving time, so a log (or a daemon) that goes across a change has lines of both
    offsets; one offset per zone name kept from the first line read every line after the
    change an hour off (the ``mail()`` calls no longer joined their messages)."""
    fixed = offset_seconds(name)
    if fixed is not None:
        return fixed
    key = (name, int(local // 3600))
    if key in _ZONES:
        return _ZONES[key]
    offset = None
    try:
        import datetime as dt
        import zoneinfo

        naive = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=local)
        delta = naive.replace(tzinfo=zoneinfo.ZoneInfo(name)).utcoffset()
        offset = int(delta.total_seconds()) if delta is not None else None
    except (ValueError, OSError, ImportError, KeyError, OverflowError):  # unknown or invalid
        pass
    if len(_ZONES) >= MAX_ZONE_HOURS:
        _ZONES.clear()
    _ZONES[key] = offset
    return offset


def stamp_seconds(stamp: str, utc_offset: int = 0) -> float:
    """PHP's time stamp without its brackets (``04-Dec-2026 18:26:26 Europe/Berlin``) ->
    epoch seconds: in the zone it names (``date.timezone``), else at ``utc_offset``."""
    wall = php_seconds(stamp[:20])
    zone = stamp[21:]
    offset = _zone_offset(zone, wall) if zone else None
    if offset is None:
        offset = local_offset_at(wall) if utc_offset == LOCAL else utc_offset
    return wall - offset


def parse_line(line: str, year: int = 1970, utc_offset: int = 0) -> MailLogged | None:
    """One line -> event, ``None`` if it is not a ``mail()`` record."""
    at = line.find(MARK)
    if at < 0:
        return None
    if line.startswith("["):
        close = line.find("] ")
        if close < 21 or close > at:
            raise MalformedLine("no PHP time stamp")
        wall = stamp_seconds(line[1:close], utc_offset)
    elif len(line) > 16 and line[15] == " ":  # mail.log = syslog
        wall = syslog_seconds(line[:15], year, utc_offset)
    else:
        raise MalformedLine("no time stamp")
    rest = line[at + len(MARK) :]
    end = rest.find("]: To: ")
    while end >= 0:
        path, _, number = rest[:end].rpartition(":")
        if path and number.isdecimal():
            break
        end = rest.find("]: To: ", end + 1)
    else:
        raise MalformedLine("mail() record without [script:line]: To:")
    fields = rest[end + 7 :]
    to, sep, tail = fields.partition(" -- Headers: ")
    # PHP ends the record with " -- Subject: ..." (older versions without it); a line cut
    # at MAX_LINE (a Bcc: of thousands) has lost it: the headers then run to the end
    headers = (
        (tail.rpartition(" -- Subject: ")[0] if " -- Subject: " in tail else tail) if sep else ""
    )
    if not sep:
        to = to.partition(" -- Subject: ")[0]
    recipients = [r.strip() for r in to.split(",") if r.strip()]
    if headers:
        recipients += _copies(headers)
    line_number = int(number)
    evaluated = _EVALUATED.match(path) if ") : " in path else None
    if evaluated is not None:
        path, line_number = evaluated.group(1), int(evaluated.group(2))
    return MailLogged(
        wall, MTA, MailAction.SCRIPT_CALL,
        recipients=tuple(recipients[:MAX_RECIPIENTS]), nrcpt=len(recipients),
        script=path, script_line=line_number,
    )  # fmt: skip


def under_root(ev: MailLogged, root: str) -> MailLogged:
    """``ev`` of the mail.log of an FPM pool chrooted to ``root``: PHP there names a script
    by its path inside the chroot (``/public_html/x.php``), this server by ``root`` before
    it (``/home/shop/public_html/x.php``), the path the account and the scan know."""
    if ev.script is None or not ev.script.startswith("/"):
        return ev
    return ev._replace(script=host_path(root, ev.script))


def _copies(headers: str) -> list[str]:
    """Addresses in the Cc: and Bcc: headers (headers are joined by spaces in the log)."""
    out: list[str] = []
    taking = False
    for tok in headers.split(" "):
        if tok.endswith(":") and tok[:-1].replace("-", "").isalnum():
            taking = tok.lower() in ("cc:", "bcc:")
            continue
        if taking:
            for part in tok.split(","):
                part = part.strip().strip("<>")
                if "@" in part:
                    out.append(part)
    return out
