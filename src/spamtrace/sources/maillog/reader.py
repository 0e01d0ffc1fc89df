"""Which mail logs to read, and their lines as events (the wiring of tail + the parsers).

A :class:`LogSpec` is a path and its format (``exim``, ``postfix``, ``php``). :func:`configured`
lists the configured logs that exist. :class:`LogReader` turns one log (and its rotated copies,
for reading back) into :class:`MailLogged` events, counting lines, malformed lines and cut
lines; :func:`merged` interleaves several logs by time (PHP ``mail.log`` first on ties, so a
``mail()`` call comes before the Exim arrival it caused).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from spamtrace.sources.maillog import exim, phpmail, postfix
from spamtrace.sources.maillog.blocks import COMPILED, feed_block, parse_block
from spamtrace.sources.maillog.event import MailLogged, MalformedLine
from spamtrace.sources.maillog.kinds import LOG_KINDS
from spamtrace.sources.maillog.scriptnames import ScriptNames
from spamtrace.sources.maillog.stamp import (
    iso_seconds,
    local_time,
    offset_seconds,
    syslog_seconds,
)
from spamtrace.sources.maillog.tail import (
    MAX_LINE,
    LineSplitter,
    compression_of,
    read_back_raw,
    read_tail_bytes,
    rotated_paths,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spamtrace.attribution.mail import MailLedger
    from spamtrace.sources.maillog.journal import JournalReader

KINDS = ("php", "exim", "postfix")  # merge order on equal time stamps
#: ``check`` reads at most this much of the end of each log (a busy hour may be cut)
RECENT_BYTES = 16 * 1024 * 1024
Parser = Callable[[str], "MailLogged | None"]


#: a log written this many seconds ago or less is being written: its last line without a
#: newline is one the MTA has not finished (a log cut for good still gives it)
GROWING = 60.0

@dataclass(frozen=True, slots=True)
class LogSpec:
    path: str
    kind: str  # exim | postfix | php
    #: a PHP mail.log of a chrooted FPM pool: the chroot, before each script path it names
    #: (PHP there logs ``/public_html/x.php`` for ``/home/shop/public_html/x.php``)
    root: str = ""
    #: a PHP mail.log that only FPM pools of one user write (``user =``): that user, the
    #: sender of each of its ``mail()`` calls whose script is in no account's folder
    user: str = ""


@dataclass(slots=True)
class LogCounts:
    path: str
    kind: str
    files: list[str] = field(default_factory=list)
    lines: int = 0
    events: int = 0
    malformed: int = 0
    long_lines: int = 0
    error: str | None = None  # every file that could not be read, "; "-separated
    plain: list[str] = field(default_factory=list)  # named as compressed, read as plain text
    unfinished: int = 0  # a last line without its newline in a log being written: left
    #: lines of other programs in a syslog file read as Exim's (Dovecot's in mail.log): not
    #: malformed, not Exim's
    others: int = 0
    #: of ``others``, another MTA's lines (Postfix's given as Exim's): a log of another kind,
    #: where a mail.log holding only Dovecot's lines is Exim's with no mail in it
    other_mta: int = 0

    @property
    def not_of_its_kind(self) -> bool:
        """Nothing read as a line of this log's kind and most lines unread: most likely a log
        of another kind, or no mail log (a binary file)."""
        unread = self.malformed + self.other_mta  # Dovecot's lines alone: no mail sent
        return bool(self.lines and unread and not self.events and unread * 2 >= self.lines)

    def add_error(self, text: str) -> None:
        """One more file that could not be read: said beside the others (the last one said
        replaced them, so a cut .gz was not named when an older copy was broken too)."""
        self.error = text if not self.error else f"{self.error}; {text}"


def configured(
    mail: object,
    extra: Iterable[LogSpec] = (),
    roots: Mapping[str, str] | None = None,
    users: Mapping[str, str] | None = None,
) -> list[LogSpec]:
    """The logs of a :class:`spamtrace.config.MailSection` that exist, then ``extra``;
    ``roots``: {PHP mail.log file: the chroot of the FPM pool that writes it}; ``users``:
    {PHP mail.log file: the one user of the pools that write it}."""
    out: list[LogSpec] = []
    for kind, key in (("exim", "exim_logs"), ("postfix", "postfix_logs"), ("php", "php_logs")):
        for path in getattr(mail, key):
            there = os.path.isfile(path) or names_journal(kind, path)
            if there and all(s.path != path for s in out):
                if LOG_KINDS[kind].names_scripts:
                    pool = ((roots or {}).get(path, ""), (users or {}).get(path, ""))
                else:
                    pool = ("", "")
                out.append(LogSpec(path, kind, *pool))
    for spec in extra:
        if all(s.path != spec.path for s in out):
            out.append(spec)
    return without_rotated_copies(out)


def without_rotated_copies(specs: list[LogSpec]) -> list[LogSpec]:
    """``specs`` less those that are a rotated copy of another log of the same kind among them
    (``mainlog.1`` or ``mainlog.2.gz`` beside ``mainlog``): each log is read with its rotated
    copies, so such a copy was read twice and its messages counted twice, enough to cross
    the ``[mail]`` limits (``exim_logs = ["/var/log/exim4/mainlog", ".../mainlog.1"]``, or
    ``mail --exim-log mainlog --exim-log mainlog.1.gz``; a follower of ``mainlog.1`` read each
    day's rotated log again from its start)."""
    files: dict[tuple[int, int], LogSpec] = {}
    for spec in specs:
        with contextlib.suppress(OSError):
            st = os.stat(spec.path)
            files.setdefault((st.st_dev, st.st_ino), spec)
    if len(files) < 2:
        return specs
    copies: set[tuple[str, int, int]] = set()
    for spec in files.values():
        for copy in rotated_paths(spec.path, None)[:-1]:  # the last one is the log itself
            with contextlib.suppress(OSError):
                st = os.stat(copy)
                copies.add((spec.kind, st.st_dev, st.st_ino))
    if not copies:
        return specs
    kept: list[LogSpec] = []
    for spec in specs:
        try:
            st = os.stat(spec.path)
        except OSError:
            kept.append(spec)
            continue
        if (spec.kind, st.st_dev, st.st_ino) not in copies:
            kept.append(spec)
    return kept


def names_journal(kind: str, path: str) -> bool:
    """Whether ``path``, given as a log of ``kind``, names its lines in the systemd journal
    (``journal``, ``journal:NAME``; :attr:`LogKind.in_journal`), no file."""
    from spamtrace.sources.maillog.journal import journal_name

    return LOG_KINDS[kind].in_journal and journal_name(path) is not None


def is_journal(spec: LogSpec) -> bool:
    """Whether ``spec`` names Postfix's lines in the systemd journal (``journal``), no file."""
    return names_journal(spec.kind, spec.path)


def log_reader(
    spec: LogSpec,
    since: float | None,
    *,
    recent: bool = False,
    journalctl: Sequence[str] = (),
) -> LogReader | JournalReader:
    """The reader of ``spec``: :class:`LogReader` for a file, :class:`~spamtrace.sources.
    maillog.journal.JournalReader` for the journal (``journalctl``: its argv prefix; empty:
    ``journalctl``)."""
    if is_journal(spec):
        from spamtrace.sources.maillog.journal import JournalReader

        return JournalReader(spec, since, journalctl or ("journalctl",))
    return LogReader(spec, since, recent=recent)


def local_offset(when: float | None = None) -> int:
    """Seconds east of UTC of this machine's local time at ``when`` (the readers give the
    parsers :func:`~spamtrace.sources.maillog.stamp.local_time`: each stamp's own offset)."""
    return time.localtime(when).tm_gmtoff


class EximLines:
    """:func:`exim.parse_line` for the lines of one log in order, with the arguments line of
    a working folder whose name holds a newline joined back together.

    Exim writes ``cwd=`` as it is (4.96): a folder named ``nl<newline>x`` (an attacker's
    choice, to hide where a mailer is) gives a line ``... cwd=/home/u/nl`` without ``N
    args:``, then ``x 3 args: /usr/sbin/sendmail -t -i`` without a time stamp. Both were
    malformed, and the messages had no folder. The first is counted malformed when it comes
    (the parsers count a line as they read it), but kept until the next line: one without a
    time stamp that completes it gives the arguments event (``cwd`` with the newline, the
    first line's time), and the first line's count is taken back from :attr:`counts` (it was
    read; without ``counts`` it stays). The compiled parser hands both lines here (they are
    malformed to it).

    Exim logging to syslog (``log_file_path = syslog``) writes the same lines after the
    syslog prefix (``Dec  6 02:10:01 web1 exim[1234]: ``, or rsyslog's RFC 3339 stamp): the
    prefix is taken off. With ``syslog_timestamp = false`` Exim leaves its own stamp out,
    and the syslog one is the line's (a BSD one in ``year``). The compiled parser hands
    such lines here too (they do not start with Exim's stamp).

    Exim splits a line longer than syslog takes (870 bytes), or one holding a newline, into
    parts, each a syslog line of its own marked ``[i/n]`` (``[i\\n]`` when part ``i`` ended at
    a newline of the line): ``exim[1234]: [1/3] 2026-12-06 ... cwd=/home/u/...``, then ``[2/3]
    ...``. The parts of one line are joined back (at their newline, or as they were cut) and
    read as the line, at the first part's time; the parts of different Exim processes may
    come between them (joined per syslog tag, ``host exim[pid]``). At most
    :attr:`MAX_SPLIT` lines are held open at a time, each up to :data:`MAX_LINE`: the parts
    of a line that cannot be completed (one lost, out of order, too many open, too long, or
    the log ends) are counted malformed (:attr:`counts`), one each. The lines of other programs
    in the same file (Dovecot's, and the rest of the mail facility's, in Debian's
    ``/var/log/mail.log``) are no Exim line, not malformed ones: counted as ``others``.

    Exim writes some of its own messages on two lines, the newline in the message as it is and
    the second line one space in (``Warning: No server certificate defined; will use a
    selfsigned one.`` then `` Suggested action: either install a certificate or change
    tls_advertise_hosts option``, at every start of Debian 12's Exim without a certificate;
    ``Warning: purging the environment.`` then `` Suggested action: use keep_environment.``):
    such a line is part of the one before it, no message and no malformed line (it was counted
    malformed: a stock Exim's log read as one with lines spamtrace could not read)."""

    __slots__ = ("counts", "head", "split", "utc_offset", "written", "year")
    #: the line parser (the reference of the compiled one, as ``partial.func`` elsewhere)
    func = staticmethod(exim.parse_line)
    #: a syslog stamp: BSD (``Dec  6 05:24:53``) or RFC 3339 (``2026-12-06T05:24:53+01:00``)
    _STAMP = (
        r"(?:(?P<bsd>[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2})"
        r"|(?P<iso>[0-9]{4}-[0-9]{2}-[0-9]{2})T(?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})[.0-9]*"
        r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2}))"
    )
    #: a syslog prefix of an Exim line: stamp, host, exim[pid]
    _SYSLOG = re.compile(_STAMP + r" (?P<tag>\S+ exim[0-9]*(?:\[[0-9]+\])?): ")
    _EXIM_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
    #: a syslog line of another program (``dovecot:``, ``postfix/smtpd[12]:``, ``runuser:``)
    _OTHER = re.compile(_STAMP + r" \S+ (?P<program>[^\s\[:]+)(?:\[[0-9]+\])?: ")
    #: programs of another MTA: their lines in a log read as Exim's make it a log of its kind
    _OTHER_MTA = ("postfix", "sendmail", "sm-mta", "opensmtpd", "smtpd", "qmail")
    #: Exim's mark of one part of a split line (log.c, write_syslog): ``[i/n] `` or ``[i\n] ``
    _PART = re.compile(r"\[([0-9]{1,5})([/\\])([0-9]{1,5})\] ")
    #: split lines held open at a time (more: the oldest is given up, its parts malformed)
    MAX_SPLIT = 64

    def __init__(
        self,
        utc_offset: int,
        year: int = 1970,
        written: float | None = None,
        counts: LogCounts | None = None,
    ) -> None:
        self.utc_offset = utc_offset
        self.year = year
        self.written = written  # a BSD stamp later than this by a day is of the year before
        self.head: MailLogged | None = None
        #: syslog tag -> (the first part's prefix, the text so far, parts, last mark, of n)
        self.split: dict[str, tuple[str, str, int, str, int]] = {}
        #: where the parts of a line that could not be joined are counted malformed
        self.counts = counts

    def take(self, other: EximLines) -> None:
        """Go on with what ``other`` (the parser of the file or read before) holds open."""
        self.head, self.split = other.head, other.split
        other.head, other.split = None, {}
        if self.counts is None:
            self.counts = other.counts

    def finish(self) -> int:
        """Give up the split lines held open (the log ended in one): their parts counted."""
        lost = sum(held[2] for held in self.split.values())
        self.split = {}
        self._lost(lost)
        return lost

    def _lost(self, parts: int) -> None:
        if self.counts is not None:
            self.counts.malformed += parts

    def _part(self, line: str, m: re.Match[str], part: re.Match[str]) -> str | None:
        """Part ``[i/n]`` of a split line: the whole line (its first part's prefix, the
        parts joined) once its last part came, else None (held open). Raises
        :class:`MalformedLine` for a part that continues no line held open."""
        i, mark, n = int(part.group(1)), part.group(2), int(part.group(3))
        text = line[part.end() :]
        tag = m.group("tag")
        held = self.split.pop(tag, None)
        if i == 1 and n > 1:
            if held is not None:
                self._lost(held[2])
            if len(self.split) >= self.MAX_SPLIT:
                self._lost(self.split.pop(next(iter(self.split)))[2])
            self.split[tag] = (line[: m.end()], text, 1, mark, n)
            return None
        if held is None or i != held[2] + 1 or n != held[4]:
            if held is not None:
                self._lost(held[2])
            raise MalformedLine("a part of a split syslog line without the parts before it")
        prefix, before, count, last, _ = held
        whole = f"{before}\n{text}" if last == "\\" else before + text
        if len(whole) > MAX_LINE:
            self._lost(count)
            raise MalformedLine("a split syslog line longer than the longest line read")
        if i == n:
            return prefix + whole
        self.split[tag] = (prefix, whole, i, mark, n)
        return None

    def _unwrapped(self, line: str, m: re.Match[str] | None) -> str:
        """``line`` without its syslog prefix ``m`` (with the prefix's stamp as Exim's when
        Exim wrote none); as it is when it has none."""
        if m is None:
            return line
        rest = line[m.end() :]
        if self._EXIM_STAMP.match(rest):
            return rest
        if m.group("iso"):
            zone = m.group("zone").replace(":", "")
            zone = "+0000" if zone == "Z" else zone
            return f"{m.group('iso')} {m.group('time')} {zone} {rest}"
        import datetime as dt

        year = self.year
        try:
            if self.written is not None and (
                syslog_seconds(m.group("bsd"), year, self.utc_offset) > self.written + 86400
            ):
                year -= 1  # as parser_for reads Postfix's and PHP's stamps
            when = dt.datetime.strptime(f"{year} {m.group('bsd')}", "%Y %b %d %H:%M:%S")
        except (ValueError, MalformedLine):
            return line
        return f"{when:%Y-%m-%d %H:%M:%S} {rest}"

    def __call__(self, line: str) -> MailLogged | None:
        if not line[:4].isdecimal() or line[10:11] == "T":
            m = self._SYSLOG.match(line)
            other = self._OTHER.match(line) if m is None else None
            if other is not None:  # not Exim's: not malformed either
                if self.counts is not None:
                    self.counts.others += 1
                    if other.group("program").startswith(self._OTHER_MTA):
                        self.counts.other_mta += 1
                return None
            if m is not None and line.startswith("[", m.end()):
                part = self._PART.match(line, m.end())
                if part is not None:
                    whole = self._part(line, m, part)
                    if whole is None:
                        return None  # held open for its next part
                    line, m = whole, self._SYSLOG.match(whole)  # the first part's prefix
            line = self._unwrapped(line, m)
        head, self.head = self.head, None
        if head is not None and not line[:4].isdecimal():
            try:
                joined = exim.joined_arguments(head, line)
            except MalformedLine:
                pass
            else:
                self._lost(-1)  # the first part, counted malformed as it came, is read
                return joined
        if line[:1] == " " and line[1:2] not in ("", " "):
            return None  # the second line of a message Exim wrote on two (class doc)
        try:
            return exim.parse_line(line, self.utc_offset)
        except MalformedLine:
            if " cwd=" in line and " args:" not in line:
                head = exim.parse_line(line + " 0 args:", self.utc_offset)
                self.head = head if head is not None and head.cwd is not None else None
            raise


class PhpLines:
    """:func:`phpmail.parse_line` for the lines of one PHP mail.log in order, with a record
    whose script name holds a newline joined back together.

    PHP (8.2) writes the script's path as it is when ``mail()`` is given no extra headers
    (with headers it turns line breaks into spaces: :class:`PhpScripts`): a script named
    ``a<newline>b.php`` (an attacker's choice, to hide which file mails) gives ``[stamp]
    mail() on [/home/u/a`` and ``b.php:4]: To: ...`` without a time stamp. The first was
    malformed, the second no record, and the call was lost. The first is counted malformed
    when it comes, but kept while the next lines without a time stamp complete it (at most
    :attr:`MAX_PARTS`, :data:`MAX_LINE` in all): the joined record is the call, at the first
    line's time, and the first line's count is taken back from ``counts`` (set by
    :func:`carry`; without it, it stays)."""

    __slots__ = ("counts", "head", "parse", "parts")
    MAX_PARTS = 16
    _STAMPED = re.compile(r"\[[0-9]{2}-[A-Za-z]{3}-[0-9]{4} ")

    def __init__(self, parse: Parser) -> None:
        self.parse = parse
        self.head: str | None = None
        self.parts = 0
        self.counts: LogCounts | None = None

    def take(self, other: PhpLines) -> None:
        """Go on with the record ``other`` (the parser of the file or read before) holds."""
        self.head, self.parts = other.head, other.parts
        other.head = None

    def __call__(self, line: str) -> MailLogged | None:
        head, self.head = self.head, None
        if head is not None and not self._STAMPED.match(line):
            joined = f"{head}\n{line}"
            try:
                ev = self.parse(joined)
            except MalformedLine:
                if self.parts < self.MAX_PARTS and len(joined) <= MAX_LINE:
                    self.head, self.parts = joined, self.parts + 1
                return None
            if self.counts is not None:  # the first line, counted malformed as it came
                self.counts.malformed -= 1
            return ev
        self.parts = 1
        try:
            return self.parse(line)
        except MalformedLine:
            if phpmail.MARK in line and self._STAMPED.match(line):
                self.head = line  # a record a newline in the script's name cut
            raise


def parser_for(
    kind: str,
    year: int,
    utc_offset: int,
    written: float | None = None,
    root: str = "",
    names: Callable[[str], str] | None = None,
    user: str = "",
) -> Parser:
    """The line parser of a log of ``kind``. BSD syslog stamps have no year: ``year`` is the
    year of the file's last write (``written``); a line that would then be later than that
    write (by more than a day: clocks and zones) is of the year before. Not only in January:
    a log rotated monthly or by size holds December and is last written in February, and a
    log copied from another server has the copy's time. ``root``: the chroot of the PHP
    mail.log's pool, put before each script path (:attr:`LogSpec.root`). ``names``: the
    reader's look-up of a PHP script name on disk (:class:`PhpScripts`), none in the parser.
    ``user``: the one user of the FPM pools that write the PHP mail.log (:attr:`LogSpec.user`)."""
    # partial: no extra Python frame per line (a log has millions)
    if kind == "exim":
        return EximLines(utc_offset, year, written)
    if kind == "postfix":
        parse: Parser = _across_new_year(postfix.parse_line, year, utc_offset, written)
    elif kind == "php":
        parse = _php_lines(year, utc_offset, written)
    else:
        raise ValueError(f"unknown mail log kind {kind!r}")
    return PhpScripts(parse, root, names, user) if LOG_KINDS[kind].names_scripts else parse


def _across_new_year(
    parse_line: Callable[..., MailLogged | None], year: int, utc_offset: int, written: float | None
) -> Parser:
    parse: Parser = partial(parse_line, year=year, utc_offset=utc_offset)
    if written is None:
        return parse
    before: Parser = partial(parse_line, year=year - 1, utc_offset=utc_offset)

    def across_new_year(line: str) -> MailLogged | None:
        ev = parse(line)
        if ev is not None and ev.wall > written + 86400:
            return before(line)
        return ev

    return across_new_year


def _php_lines(year: int, utc_offset: int, written: float | None) -> PhpLines:
    return PhpLines(_across_new_year(phpmail.parse_line, year, utc_offset, written))


class PhpScripts:
    """The parser of a PHP mail.log, with each script named as this server names it: with
    the chroot of its FPM pool before it (``root``, :func:`phpmail.under_root`), and, when
    the reader gives ``names`` (:class:`~spamtrace.sources.maillog.scriptnames.ScriptNames`,
    which looks at the disk), with the line breaks PHP turned into spaces given back. Pure
    without ``names``: a name is as logged."""

    __slots__ = ("inner", "names", "root", "user")

    def __init__(
        self,
        inner: Parser,
        root: str = "",
        names: Callable[[str], str] | None = None,
        user: str = "",
    ) -> None:
        self.inner = inner
        self.root = root
        self.names = names
        self.user = user  # the log's pool user: each call's (MailLedger: when no account's path)

    def __call__(self, line: str) -> MailLogged | None:
        ev = self.inner(line)
        if ev is None or ev.script is None:
            return ev
        if self.user:
            ev = ev._replace(user=self.user)
        if self.root:
            ev = phpmail.under_root(ev, self.root)
        script = ev.script
        if self.names is None or script is None or " " not in script:
            return ev
        name = self.names(script)
        return ev if name == script else ev._replace(script=name)


def carry(before: Parser | None, parse: Parser, counts: LogCounts | None = None) -> None:
    """``parse`` goes on where ``before`` (the parser of the last file read, or of the last
    look at a followed log) stopped: with the line it holds open (a split syslog line, a
    working folder or script name broken at a newline). ``counts``: where ``parse`` counts
    the parts it gives up, and takes back the first line of one it joins."""
    if isinstance(parse, EximLines):
        if isinstance(before, EximLines):
            parse.take(before)
        if counts is not None:
            parse.counts = counts
        return
    new, old = getattr(parse, "inner", parse), getattr(before, "inner", before)  # PhpScripts
    if isinstance(new, PhpLines):
        if isinstance(old, PhpLines):
            new.take(old)
        if counts is not None:
            new.counts = counts


def finish(parse: Parser | None) -> None:
    """The log read ends: the lines ``parse`` holds open are given up (counted)."""
    if isinstance(parse, EximLines):
        parse.finish()


def line_time(
    kind: str, year: int, utc_offset: int, written: float | None = None
) -> Callable[[str], float | None]:
    """The time stamp of any line of a log of ``kind`` (None when it has none); a syslog
    stamp later than ``written`` (the file's last write) by more than a day is of the year
    before, as :func:`parser_for` reads it."""

    syslog_exim = EximLines(utc_offset, year, written)  # Exim logging to syslog

    def exim_time(line: str) -> float | None:
        if not line[:4].isdecimal() or line[10:11] == "T":
            line = syslog_exim._unwrapped(line, syslog_exim._SYSLOG.match(line))
        i = line.find(" ", 19) + 1 if line[19:20] == "." else 20  # after +millisec
        own = None
        if line[i : i + 1] in ("+", "-") and line[i + 5 : i + 6] == " ":  # log_timezone
            own = offset_seconds(line[i : i + 5])
        return iso_seconds(line[:19], utc_offset if own is None else own)

    def postfix_time(line: str) -> float | None:
        wall = postfix.stamp_of(line, year, utc_offset)
        if written is not None and wall > written + 86400:
            return postfix.stamp_of(line, year - 1, utc_offset)
        return wall

    def php_time(line: str) -> float | None:  # in the zone the stamp names, as parse_line
        close = line.find("] ") if line.startswith("[") else -1
        return phpmail.stamp_seconds(line[1:close], utc_offset) if close > 0 else None

    read = {"exim": exim_time, "postfix": postfix_time, "php": php_time}[kind]

    def safe(line: str) -> float | None:
        try:
            return read(line)
        except (MalformedLine, ValueError, IndexError):
            return None

    return safe


def parse_lines(parse: Parser, lines: Iterable[str], counts: LogCounts) -> Iterator[MailLogged]:
    """Parse lines, counting malformed ones (skipped, never fatal). A line's CR of a CRLF
    line end is dropped (no field ends in it), and a blank line ("", or "\\r") is no
    record: skipped, not malformed."""
    for line in lines:
        if line.endswith("\r"):
            line = line[:-1]
        if not line:
            continue
        try:
            ev = parse(line)
        except MalformedLine:
            counts.malformed += 1
            continue
        except (ValueError, IndexError, OverflowError):  # a parser bug must not stop the reader
            counts.malformed += 1
            continue
        if ev is not None:
            counts.events += 1
            yield ev


class LogReader:
    """Read one log back (with rotated copies written after ``since``)."""

    def __init__(
        self,
        spec: LogSpec,
        since: float | None,
        max_line: int = MAX_LINE,
        *,
        recent: bool = False,
        compiled: bool = True,
    ) -> None:
        self.spec = spec
        self.counts = LogCounts(spec.path, spec.kind)
        self.since = since
        self.max_line = max_line
        #: read only the end of the current file, back to about ``since`` (``check``)
        self.recent = recent
        #: the compiled line parsers where built (False: the Python ones, the reference)
        self.compiled = compiled
        #: a PHP log's script names looked up on disk (the parsers stay pure)
        self.names = ScriptNames() if LOG_KINDS[spec.kind].names_scripts else None

    def events(self) -> Iterator[MailLogged]:
        return itertools.chain.from_iterable(self.batches())

    def batches(self) -> Iterator[list[MailLogged]]:
        """The events a chunk (some MiB of the log) at a time: a reader of a big log hands
        them over without a generator step per event."""
        if self.recent and self.since is not None:
            return self._recent(self.since)
        return self._all()

    def _growing(self, path: str, mtime: float) -> bool:
        """Whether ``path`` is the log itself (not a rotated copy) written in the last
        :data:`GROWING` seconds: its last line without a newline is one being written."""
        return path == self.spec.path and time.time() - mtime < GROWING

    def _recent(self, since: float) -> Iterator[list[MailLogged]]:
        """The end of the log from ``since`` on, and of its plain rotated copies written
        since then (``mainlog.1`` of a rotation minutes ago: Debian's logrotate runs daily,
        with ``delaycompress``), oldest first; a compressed copy is not read (as the
        daemon's read-back at start). Only the current log was read: after a rotation,
        `check` said nothing of the minutes before it."""
        path = self.spec.path
        copies = [p for p in rotated_paths(path, since) if p != path and not compression_of(p)]
        self.counts.files = [*copies, path]
        for each in self.counts.files:
            try:
                mtime = os.stat(each).st_mtime
                year, offset = time.localtime(mtime).tm_year, local_time()
                blob = read_tail_bytes(
                    each, since, line_time(self.spec.kind, year, offset, mtime),
                    max_bytes=RECENT_BYTES,
                )  # fmt: skip
            except OSError as exc:
                self.counts.add_error(f"{each}: {exc.strerror or exc}")
                continue
            yield parse_bytes(
                self.spec.kind, blob, year, offset, mtime, self.counts, self.max_line,
                compiled=self.compiled, growing=self._growing(each, mtime), root=self.spec.root,
                names=self.names, user=self.spec.user,
            )  # fmt: skip

    def feed(self, ledger: MailLedger) -> None:
        """Feed the log's events to ``ledger`` (``ledger.feed`` of each of :meth:`batches`).

        An Exim log read back whole, with the compiled parser and join built, is parsed and
        joined in one pass instead (:func:`~spamtrace.sources.maillog.blocks.feed_block`):
        the same steps, in the same order, without an event for each line about one
        recipient."""
        sink = None
        if self.spec.kind == "exim" and self.compiled and COMPILED and not self.recent:
            sink = ledger.block_sink()
        if sink is None:
            for batch in self.batches():
                ledger.feed(batch)
            return
        for batch in self._all((ledger, sink)):
            if batch:
                ledger.feed(batch)

    def _all(self, into: tuple[MailLedger, object] | None = None) -> Iterator[list[MailLogged]]:
        paths = rotated_paths(self.spec.path, self.since)
        self.counts.files = paths
        drop_long = LOG_KINDS[self.spec.kind].drops_long_lines
        splitter = LineSplitter(self.max_line, drop_long=drop_long)
        last: list[Parser] = []  # the last file's parser: a line split across a rotation
        for path in paths:
            try:
                mtime = os.stat(path).st_mtime
            except OSError as exc:
                self.counts.add_error(f"{path}: {exc.strerror or exc}")
                continue
            year, offset = time.localtime(mtime).tm_year, local_time()
            kind, counts = self.spec.kind, self.counts
            read = reading(
                kind, year, offset, mtime, splitter, counts, self.compiled, into, self.spec.root,
                last, self.names, self.spec.user,
            )  # fmt: skip
            held: list[str] | None = [] if self._growing(path, mtime) else None
            try:
                for lines, block in read_back_raw(path, splitter, self.counts.plain, held):
                    yield read(lines, block)
                self.counts.unfinished += len(held or ())
            except (OSError, EOFError) as exc:  # unreadable, or a broken .gz
                self.counts.add_error(f"{path}: {getattr(exc, 'strerror', None) or exc}")
        finish(last[0] if last else None)
        self.counts.long_lines = splitter.long_lines


def reading(
    kind: str,
    year: int,
    offset: int,
    mtime: float,
    splitter: LineSplitter,
    counts: LogCounts,
    compiled: bool = True,
    into: tuple[MailLedger, object] | None = None,
    root: str = "",
    held: list[Parser] | None = None,
    names: Callable[[str], str] | None = None,
    user: str = "",
) -> Callable[[list[str], memoryview | None], list[MailLogged]]:
    """The events of what :meth:`LineSplitter.feed_raw` gives for a file of ``kind`` last
    written at ``mtime``: the lines it completed (parsed here), then the block of whole lines
    (by the compiled parsers where built: :func:`~spamtrace.sources.maillog.blocks.parse_block`),
    counted in ``counts``.

    ``into`` (an Exim log; a ledger and its :meth:`~MailLedger.block_sink`): the events are
    fed to the ledger here, the block's by :func:`~spamtrace.sources.maillog.blocks.feed_block`,
    and none returned.

    ``held``: the parser of the file read before, if any (replaced by this file's), whose
    line held open this file's parser goes on with (:func:`carry`). ``names``: the look-up
    of PHP script names on disk, ``user`` the PHP log's pool user (:func:`parser_for`)."""
    parse = parser_for(kind, year, offset, mtime, root, names, user)
    carry(held[0] if held else None, parse, counts)
    if held is not None:
        held[:] = [parse]
    wrap = mtime + 86400  # a line later than the file's last write is of the year before

    def read(lines: list[str], block: memoryview | None) -> list[MailLogged]:
        out: list[MailLogged] = []
        if lines:  # the line a chunk completed, a last line without its newline
            counts.lines += len(lines)
            out = list(parse_lines(parse, lines, counts))
        if into is not None:
            ledger, sink = into
            if out:
                ledger.feed(out)
                out = []
            if block is not None:
                given, n, malformed, cut = feed_block(
                    block, parse, sink, utc_offset=offset, max_line=splitter.max_line
                )
                ledger.events += given
                counts.lines += n
                counts.malformed += malformed
                counts.events += given
                splitter.long_lines += cut
            return out
        if block is not None:
            events, n, malformed, cut = parse_block(
                kind, block, parse, year=year, utc_offset=offset, wrap_after=wrap,
                max_line=splitter.max_line, compiled=compiled,
            )  # fmt: skip
            counts.lines += n
            counts.malformed += malformed
            counts.events += len(events)
            splitter.long_lines += cut
            if out:
                out += events
            else:
                out = events
        return out

    return read


def parse_bytes(
    kind: str,
    blob: bytes,
    year: int,
    offset: int,
    mtime: float,
    counts: LogCounts,
    max_line: int = MAX_LINE,
    *,
    compiled: bool = True,
    growing: bool = False,
    root: str = "",
    names: Callable[[str], str] | None = None,
    user: str = "",
) -> list[MailLogged]:
    """The events of ``blob``, lines of a log of ``kind`` last written at ``mtime`` (its last
    line may lack its newline), e.g. what :func:`read_tail_bytes` read. ``growing`` (a log
    being written): a last line without its newline is left, counted in ``unfinished``."""
    splitter = LineSplitter(max_line, drop_long=LOG_KINDS[kind].drops_long_lines)
    held: list[Parser] = []
    read = reading(
        kind, year, offset, mtime, splitter, counts, compiled, root=root, held=held, names=names,
        user=user,
    )
    lines, block = splitter.feed_raw(blob)
    events = read(lines, block)
    tail = splitter.flush()
    if growing:  # a split line held open may be one being written too
        counts.unfinished += len(tail)
        return events
    events += read(tail, None)
    finish(held[0])
    return events


def merged(readers: Sequence[LogReader | JournalReader]) -> Iterator[MailLogged]:
    """Events of several logs in time order (one log: as it is)."""
    if len(readers) == 1:
        return readers[0].events()
    order = sorted(readers, key=lambda r: KINDS.index(r.spec.kind))
    return heapq.merge(*(r.events() for r in order), key=lambda ev: ev.wall)


def merged_batches(
    readers: Sequence[LogReader | JournalReader], size: int = 4096
) -> Iterator[list[MailLogged]]:
    """:func:`merged` in lists (one log: its reader's own batches)."""
    if len(readers) == 1:
        return readers[0].batches()
    events = merged(readers)
    return iter(lambda: list(itertools.islice(events, size)), [])
