"""Postfix's lines in the systemd journal, read through ``journalctl`` (the adapter; thin).

When Postfix logs through syslog and journald alone takes the lines (Debian 12 without
rsyslog), no file holds its log. ``[mail] postfix_logs = ["journal"]`` (found by itself in
that case: :func:`spamtrace.service.mail.with_postfix_logs`) reads them from the journal:
``journalctl -o json --all --output-fields=...`` with ``_TRANSPORT=syslog``, keeping the
entries whose ``SYSLOG_IDENTIFIER`` is ``postfix/...`` (``journal:NAME`` for another
``syslog_name``: ``postfix-out/smtp``). Each entry is made back into the syslog line rsyslog
would have written (:func:`entry_line`: an RFC 3339 stamp in UTC, the host, the tag, the
message), which the Postfix line parser reads as it reads a file's
(:mod:`spamtrace.sources.maillog.postfix`).

Why ``journalctl`` and not python-systemd's ``systemd.journal.Reader``: that is a C extension
built against libsystemd (apt ``python3-systemd``, for the system's Python only; pip
``systemd-systemd-python`` needs libsystemd's headers and a compiler at install) and a venv
sees neither without more; ``journalctl``'s JSON output is a stable interface
(systemd.journal-fields(7), ``--output=json``), is on every host with a journal, reads another
host's journal files (``--directory``, ``--file``: ``[mail] journalctl_command``) and follows
(``-f``) with its cursors, as a subprocess the daemon can restart.

Bad input does not stop the read: a JSON line that does not parse, an entry without a time or a
message, a field of another type, is counted malformed; a message longer than
:data:`~spamtrace.sources.maillog.tail.MAX_LINE` is counted (``long_lines``) and not read, and a
JSON line longer than :data:`MAX_JSON` is skipped unread (journalctl writes a message that is
not UTF-8 as an array of its bytes, 4 characters a byte). Bytes that are not UTF-8 are kept as
surrogate escapes, as a file's are; the text is escaped where it is printed.

:class:`JournalReader` reads back (``mail``, ``check``); :class:`JournalFollower` follows
(``watch``, the daemon): ``journalctl -f``, started again when it ends, after the cursor of
the last entry it gave, so that no entry is read twice or left out.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import IO, TYPE_CHECKING, Any

from spamtrace.sources.maillog.event import MailLogged, MalformedLine
from spamtrace.sources.maillog.tail import MAX_LINE, FollowStats

if TYPE_CHECKING:
    import subprocess

    from spamtrace.attribution.mail import MailLedger
    from spamtrace.sources.maillog.reader import LogCounts, LogSpec

#: ``[mail] postfix_logs``' name of the journal (``journal:NAME``: another ``syslog_name``)
JOURNAL = "journal"
#: the fields asked of journalctl (the cursor and the time stamps come with every entry)
FIELDS = ("MESSAGE", "SYSLOG_IDENTIFIER", "SYSLOG_PID", "_HOSTNAME", "_SOURCE_REALTIME_TIMESTAMP")
#: a JSON line longer than this is skipped unread (a message of MAX_LINE bytes that is not
#: UTF-8 is written as an array of numbers, up to 4 characters a byte)
MAX_JSON = 4 * MAX_LINE + 16 * 1024
#: entries handed over at a time when reading back
BATCH = 4096
#: seconds between two starts of a follower's journalctl that ended
RESTART_INTERVAL = 1.0
#: where journald keeps its files (persistent, volatile): a local journal with none in either
#: is no journal (journalctl -o json then says nothing and exits 0, as for no entries)
JOURNAL_STORES = ("/var/log/journal", "/run/log/journal")
#: journalctl's options that read another journal than this host's own (no store to look at)
_ELSEWHERE = ("-D", "--directory", "--file", "--root", "--image", "-M", "--machine", "-m",
              "--merge")  # fmt: skip
#: journalctl's options common to reading back and following (no pager, no "-- No entries
#: --" line, JSON with every field whole: --all, else a field over 4 KiB is null)
_COMMON = ("--no-pager", "--quiet", "--output=json", "--all")


def journal_name(path: str) -> str | None:
    """The ``syslog_name`` of a ``postfix_logs`` entry naming the journal (``journal``:
    ``postfix``; ``journal:postfix-out``), None for a file."""
    if path == JOURNAL:
        return "postfix"
    if path.startswith(JOURNAL + ":"):
        name = path[len(JOURNAL) + 1 :]
        return name if name and "/" not in name and not any(c.isspace() for c in name) else None
    return None


def journal_path(name: str) -> str:
    """The ``postfix_logs`` entry of the journal for ``syslog_name`` ``name``."""
    return JOURNAL if name == "postfix" else f"{JOURNAL}:{name}"


def argv(
    command: Sequence[str],
    *,
    since: float | None = None,
    after_cursor: str | None = None,
    follow: bool = False,
    last: bool = False,
) -> list[str]:
    """journalctl's argv (``command``: its argv prefix, ``--directory DIR`` and all)."""
    out = [*command, *_COMMON, "--output-fields=" + ",".join(FIELDS)]
    if after_cursor is not None:
        out.append(f"--after-cursor={after_cursor}")
    elif since is not None:
        out.append(f"--since=@{max(0, int(since))}")
    if follow:
        out += ["--follow", "--lines=all"] if after_cursor or since is not None else ["--follow"]
    if last:
        out.append("--lines=1")
    out.append("_TRANSPORT=syslog")
    return out


def _text(value: Any, name: str) -> str:
    """A field's value: a string, or an array of its bytes (not UTF-8, or a control
    character): kept as surrogate escapes."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(b, int) and 0 <= b < 256 for b in value):
        return bytes(value).decode("utf-8", "surrogateescape")
    raise MalformedLine(f"journal field {name} is neither text nor bytes")


#: a syslog identifier that no Postfix service has (a space, a colon or a bracket would move
#: the parser's tag), and a host name's characters that are no part of one
_BAD_IDENT = re.compile(r"[\s:\[\]]")
_BAD_HOST = re.compile(r"[\s\x00-\x1f\x7f]")


@functools.lru_cache(maxsize=4)
def _second(seconds: int) -> str:
    """The RFC 3339 stamp of a second, in UTC, to the seconds (entries of one second share
    it: most of a busy journal's)."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


@functools.lru_cache(maxsize=16)
def _host(name: str) -> str:
    """``_HOSTNAME`` as one word of the line: blanks and controls as ``_``."""
    return _BAD_HOST.sub("_", name[:255]) or "-"


def _micros(value: Any) -> int | None:
    if isinstance(value, str) and value.isdecimal() and len(value) <= 19:
        return int(value)
    return None


def entry_line(entry: Mapping[str, Any], name: str = "postfix") -> str | None:
    """One journal entry (journalctl's JSON object) -> the syslog line rsyslog would have
    written for it (``2026-12-06T09:00:03.000000+00:00 web1 postfix/smtp[803]: ...``); None
    for another program's entry. Raises :class:`MalformedLine` for an entry that cannot be
    read (no time, no message, a field of another type)."""
    ident = _text(entry.get("SYSLOG_IDENTIFIER", ""), "SYSLOG_IDENTIFIER")
    if not ident.startswith(name + "/"):
        return None
    if len(ident) > 256 or _BAD_IDENT.search(ident):
        raise MalformedLine("a syslog identifier that no Postfix service has")
    micros = _micros(entry.get("_SOURCE_REALTIME_TIMESTAMP"))
    if micros is None:
        micros = _micros(entry.get("__REALTIME_TIMESTAMP"))
    if micros is None:
        raise MalformedLine("a journal entry without its time")
    try:
        second = _second(micros // 1_000_000)
    except (OverflowError, OSError, ValueError):
        raise MalformedLine("a journal entry's time out of range") from None
    if "MESSAGE" not in entry or entry["MESSAGE"] is None:
        raise MalformedLine("a journal entry without its message")
    message = _text(entry["MESSAGE"], "MESSAGE")
    host = _host(_text(entry.get("_HOSTNAME", "-"), "_HOSTNAME"))
    pid = entry.get("SYSLOG_PID")
    tag = f"{ident}[{pid}]" if isinstance(pid, str) and pid.isdecimal() and len(pid) < 12 else ident
    return f"{second}.{micros % 1_000_000:06d}+00:00 {host} {tag}: {message}"


#: the JSON decoder's own scanner (C): ``json.loads`` without its checks and its detours
_scan_once: Any = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _loads(raw: bytes) -> Any:
    """``json.loads(raw)`` for one of journalctl's lines: its C scanner straight away for
    what journalctl writes (an object in UTF-8, nothing around it), else ``json.loads``
    itself (so an odd line fails, or reads, as it did: the same results)."""
    if raw[:1] == b"{" and raw[1:2] != b"\x00":
        try:
            text = raw.decode("utf-8", "surrogatepass")
            entry, end = _scan_once(text, 0)
        except (ValueError, StopIteration):
            pass
        else:
            if end == len(text):
                return entry
    return json.loads(raw)


class JournalLines:
    """journalctl's JSON lines -> Postfix's syslog lines, counting what could not be read
    (into ``counts``) and keeping the cursor of the last entry read (Postfix's or not)."""

    def __init__(self, name: str, counts: LogCounts, max_line: int = MAX_LINE) -> None:
        self.name = name
        self.counts = counts
        self.max_line = max_line
        self.cursor: str | None = None
        self.long_lines = 0

    def __call__(self, raw: bytes) -> str | None:
        """One JSON line (without its newline) -> a Postfix line, or None."""
        if len(raw) > MAX_JSON:  # never parsed: its cursor is lost, the next entry's is kept
            self.long_lines += 1
            self.counts.malformed += 1
            return None
        try:
            entry = _loads(raw)
        except ValueError:
            self.counts.malformed += 1
            return None
        if not isinstance(entry, dict):
            self.counts.malformed += 1
            return None
        cursor = entry.get("__CURSOR")
        if isinstance(cursor, str) and cursor.isprintable() and len(cursor) < 1024:
            self.cursor = cursor
        try:
            line = entry_line(entry, self.name)
        except MalformedLine:
            self.counts.lines += 1
            self.counts.malformed += 1
            return None
        if line is None:
            return None
        self.counts.lines += 1
        if len(line) > self.max_line:  # none of Postfix's: counted, never read cut
            self.long_lines += 1
            return None
        return line


def _describe(proc: subprocess.Popen[bytes], err: IO[bytes] | None) -> str:
    """Why journalctl ended: its last line on stderr (a file: a pipe it filled would stop
    it), else its exit status."""
    text = b""
    if err is not None:
        with contextlib.suppress(OSError, ValueError):
            err.seek(0)
            text = err.read(65536) or b""
    lines = [ln for ln in text.decode("utf-8", "replace").strip().splitlines() if ln.strip()]
    # "Hint: You are currently not seeing messages from other users..." comes after the cause
    lines = [ln for ln in lines if not ln.startswith("Hint:")] or lines
    return lines[-1].strip() if lines else f"exit status {proc.returncode}"


#: bytes read from journalctl's output at a time (a readline each line cost more than the
#: parsing: a third of reading back)
CHUNK = 1 << 20


def _lines_of(stream: IO[bytes]) -> Iterator[bytes]:
    """The lines of ``stream`` without their newline; one longer than :data:`MAX_JSON` is
    given as its first MAX_JSON + 1 bytes (the rest skipped), so memory stays bounded. Read
    a chunk at a time (what is there: ``read1``, so that a follower is not kept waiting)."""
    read = getattr(stream, "read1", stream.read)
    rest = b""
    skipping = False  # in the rest of a long line, given already
    while True:
        chunk = read(CHUNK)
        if not chunk:
            break
        data = rest + chunk if rest else chunk
        lines = data.split(b"\n")
        rest = lines.pop()
        for line in lines:
            if skipping:
                skipping = False
                continue
            yield line[: MAX_JSON + 1]
        if len(rest) > MAX_JSON:
            if not skipping:
                yield rest[: MAX_JSON + 1]
            skipping, rest = True, b""
    if rest and not skipping:  # the last line, without its newline
        yield rest


def has_journal_files(command: Sequence[str]) -> bool:
    """Whether the journal journalctl (``command``) reads has files: taken for granted for
    another one than this host's (``--directory``, ``--file``...); else a ``*.journal`` file
    under one of journald's stores (:data:`JOURNAL_STORES`)."""
    import glob

    if any(a.split("=", 1)[0] in _ELSEWHERE for a in command[1:]):
        return True
    return any(glob.glob(f"{store}/**/*.journal*", recursive=True) for store in JOURNAL_STORES)


def no_journal_files() -> str:
    """What a reader or follower of this host's journal says when it has no files."""
    stores = ", ".join(JOURNAL_STORES)
    return f"no journal files here ({stores}): journald keeps none (not running, or Storage=none)"


def no_journal_files_note(command: Sequence[str]) -> str | None:
    """:func:`no_journal_files` when the journal journalctl (``command``) reads has none."""
    return None if has_journal_files(command) else no_journal_files()


class JournalReader:
    """Read back the journal's Postfix lines since ``since`` (a :class:`LogReader`'s
    interface: ``spec``, ``counts``, :meth:`batches`, :meth:`events`, :meth:`feed`)."""

    def __init__(
        self,
        spec: LogSpec,
        since: float | None,
        command: Sequence[str] = ("journalctl",),
        max_line: int = MAX_LINE,
    ) -> None:
        from spamtrace.sources.maillog.reader import LogCounts

        self.spec = spec
        self.since = since
        self.command = tuple(command)
        self.counts = LogCounts(spec.path, spec.kind, files=[spec.path])
        self.max_line = max_line
        #: the cursor of the last entry read (the follower goes on after it)
        self.cursor: str | None = None

    def events(self) -> Iterator[MailLogged]:
        for batch in self.batches():
            yield from batch

    def feed(self, ledger: MailLedger) -> None:
        for batch in self.batches():
            ledger.feed(batch)

    def lines(self, until: str | None = None) -> Iterator[list[str]]:
        """The Postfix lines, :data:`BATCH` at a time; ``until``: stop after this cursor's
        entry (where a follower starts)."""
        import subprocess  # here: `check` and every config load import this module
        import tempfile

        name = journal_name(self.spec.path) or "postfix"
        conv = JournalLines(name, self.counts, self.max_line)
        err = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
        try:
            proc = subprocess.Popen(
                argv(self.command, since=self.since), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=err,
            )  # fmt: skip
        except OSError as exc:
            err.close()
            self.counts.add_error(f"{self.spec.path}: {self.command[0]}: {exc.strerror or exc}")
            return
        assert proc.stdout is not None
        batch: list[str] = []
        stopped = True  # by the caller, or at ``until``: journalctl is killed, not waited for
        try:
            for raw in _lines_of(proc.stdout):
                line = conv(raw)
                if line is not None:
                    batch.append(line)
                    if len(batch) >= BATCH:
                        yield batch
                        batch = []
                if until is not None and conv.cursor == until:
                    break
            else:
                stopped = False  # it ended its output: its exit status says how
            if batch:
                yield batch
        finally:
            if stopped and proc.poll() is None:
                proc.kill()
            try:
                proc.wait(timeout=None if stopped else 30)
            except subprocess.TimeoutExpired:  # output closed, still running: not waited for
                proc.kill()
                proc.wait()
            self.cursor = conv.cursor
            self.counts.long_lines += conv.long_lines
            if proc.returncode != 0 and not stopped:
                why = _describe(proc, err)
                self.counts.add_error(f"{self.spec.path}: journalctl: {why}")
            elif conv.cursor is None and not stopped and not has_journal_files(self.command):
                self.counts.add_error(f"{self.spec.path}: {no_journal_files()}")
            proc.stdout.close()
            err.close()

    def batches(self) -> Iterator[list[MailLogged]]:
        for lines in self.lines():
            yield parse_journal_lines(lines, self.counts, self.max_line)


def parse_journal_lines(lines: list[str], counts: LogCounts, max_line: int) -> list[MailLogged]:
    """The events of Postfix lines made of journal entries (:class:`JournalLines`: counted
    there), as a file's: one block of them through the compiled parser where it is built
    (:func:`~spamtrace.sources.maillog.blocks.parse_block`, as a file's block is read), else
    line by line. A message with a newline in it (one line here, two in a block) makes its
    batch go line by line: the block must split where the entries do."""
    from spamtrace.sources.maillog.blocks import parse_block
    from spamtrace.sources.maillog.postfix import parse_line
    from spamtrace.sources.maillog.reader import parse_lines

    if not lines:
        return []
    block = "\n".join(lines).encode("utf-8", "surrogateescape")
    if block.count(b"\n") != len(lines) - 1 or b"\r" in block:
        return list(parse_lines(parse_line, lines, counts))
    # a line is never cut here: JournalLines counted and left out those over max_line
    # characters, and a character is at most 4 bytes
    events, _, malformed, _ = parse_block("postfix", block, parse_line, max_line=4 * max_line + 4)
    counts.malformed += malformed
    counts.events += len(events)
    return events


class JournalFollower:
    """Follow the journal's Postfix lines (a :class:`~spamtrace.sources.maillog.tail.
    LogFollower`'s interface for :class:`~spamtrace.sources.maillog.follow.MailLogSource`):
    ``journalctl -f`` in JSON, read without blocking at each :meth:`poll`.

    It starts after the last entry there is at its creation (:attr:`start_cursor`: what is
    older is the read-back's, up to that cursor), or at that time when the journal has no
    entry yet. When journalctl ends (killed, the journal rotated away under ``--file``) it is
    started again, at most once per :data:`RESTART_INTERVAL`, after the cursor of the last
    entry it gave (:attr:`cursor`): no entry twice, none left out. Each end is counted
    (``restarts``) and its reason kept (:attr:`error`)."""

    def __init__(
        self,
        path: str,
        command: Sequence[str] = ("journalctl",),
        *,
        max_line: int = MAX_LINE,
        clock: Any = time.monotonic,
    ) -> None:
        import tempfile

        from spamtrace.sources.maillog.reader import LogCounts

        self.path = path
        self.name = journal_name(path) or "postfix"
        self.command = tuple(command)
        self.stats = FollowStats()
        self.restarts = 0
        self.error: str | None = None
        self.clock = clock
        self._scratch = LogCounts(path, "postfix")  # the caller counts lines and malformed
        self._conv = JournalLines(self.name, self._scratch, max_line)
        self._since = time.time()
        self.start_cursor = self._last_cursor()
        self._conv.cursor = self.start_cursor
        self._proc: subprocess.Popen[bytes] | None = None
        self._err: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _start, _stop)
        self._pending = b""
        self._skipping = False
        self._started = -RESTART_INTERVAL
        self._start()

    @property
    def cursor(self) -> str | None:
        """The cursor of the last entry read (None: none yet)."""
        return self._conv.cursor

    @property
    def is_open(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def take_malformed(self) -> int:
        """The entries that could not be read since the last call."""
        n, self._scratch.malformed = self._scratch.malformed, 0
        return n

    def _last_cursor(self) -> str | None:
        """The cursor of the journal's last syslog entry now (None: none, or no answer)."""
        import subprocess

        try:
            proc = subprocess.run(
                argv(self.command, last=True), stdin=subprocess.DEVNULL, capture_output=True,
                timeout=30, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            self.error = f"{self.command[0]}: {exc}"
            return None
        for raw in proc.stdout.splitlines()[-1:]:
            with contextlib.suppress(ValueError):
                entry = json.loads(raw)
                cursor = entry.get("__CURSOR") if isinstance(entry, dict) else None
                if isinstance(cursor, str):
                    return cursor
        return None

    def _start(self) -> None:
        import fcntl
        import subprocess
        import tempfile

        self._started = self.clock()
        cursor = self._conv.cursor
        args = argv(
            self.command, follow=True, after_cursor=cursor,
            since=None if cursor else self._since,
        )  # fmt: skip
        self._err.close()  # the last run's
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _stop)
        try:
            self._proc = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._err,
                start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            self._proc = None
            self._err.close()
            self.error = f"{self.command[0]}: {exc.strerror or exc}"
            return
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        self._pending = b""
        self._skipping = False

    def _read(self, fd: int) -> list[bytes]:
        """The complete JSON lines there are to read now."""
        out: list[bytes] = []
        while True:
            try:
                data = os.read(fd, 1 << 20)
            except BlockingIOError:
                break
            if not data:
                break
            parts = (self._pending + data).split(b"\n")
            self._pending = parts.pop()
            for part in parts:
                if self._skipping:  # the end of a line too long to keep
                    self._skipping = False
                    continue
                out.append(part)
            if len(self._pending) > MAX_JSON:  # kept bounded: the rest is skipped
                out.append(self._pending[: MAX_JSON + 1])
                self._pending = b""
                self._skipping = True
        return out

    def poll(self) -> list[str]:
        """The Postfix lines the journal got since the last call."""
        proc = self._proc
        if proc is None:
            if self.clock() - self._started >= RESTART_INTERVAL:
                self._start()
            return []
        assert proc.stdout is not None
        raws = self._read(proc.stdout.fileno())
        out = [line for line in map(self._conv, raws) if line is not None]
        self.stats.lines += len(out)
        self.stats.long_lines = self._conv.long_lines
        if proc.poll() is not None:
            raws = self._read(proc.stdout.fileno())  # what it wrote before it ended
            more = [line for line in map(self._conv, raws) if line is not None]
            out += more
            self.stats.lines += len(more)
            self.error = f"journalctl ended: {_describe(proc, self._err)}"
            self.restarts += 1
            self._stop()
            if self.clock() - self._started >= RESTART_INTERVAL:
                self._start()
        return out

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        self._err.close()

    def close(self) -> list[str]:
        """Stop following (journalctl killed); nothing is held back."""
        self._stop()
        return []
