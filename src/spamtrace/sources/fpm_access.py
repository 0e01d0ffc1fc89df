"""php-fpm pool access logs: their ``access.format``, their lines, and where they are.

``access.format`` (php-fpm's pool setting) is turned into a pattern once
(:func:`compile_format`); a line becomes a :class:`~spamtrace.attribution.fpm_requests.FpmRequest`
when the format has the worker's pid (``%p``), the script (``%f``) and a time (``%t``, when the
request was accepted, or ``%T``, when the line was written; ``%d`` the duration makes the
match much tighter). :class:`FpmAccessLogs` follows the files (appended lines only; a
rotated file's rest is read before the new one) and keeps the last requests of each worker,
read at the moment the attribution asks (no thread, no poll of its own).
:func:`discover` finds the logs the FPM pool files set, as ``audit`` finds the pools.
"""

from __future__ import annotations

import calendar
import dataclasses
import os
import re
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spamtrace.attribution.fpm_requests import FpmRequest
from spamtrace.model import host_path, pool_chroot
from spamtrace.safetext import escape

#: php-fpm's default access.format (no pid, no script: not usable here)
DEFAULT_FORMAT = '%R - %u %t "%m %r" %s'
#: the access.format to advise: the worker's pid, the script, the time and the duration
#: before the fields a client writes (docs/watch.md, "php-fpm access logs")
ADVISED_FORMAT = '%t %p %{mili}d %f %R - %u "%m %r%Q%q" %s'
DEFAULT_TIME = "%d/%b/%Y:%H:%M:%S %z"
#: the requests kept per worker pid, and the bytes read back from a log at start
KEEP_PER_PID = 256
READ_BACK = 256 * 1024
#: a longer line is not read (php-fpm cuts its lines at log_limit, 1024 by default)
MAX_LINE = 8192
#: at most this many bytes read from one log per call (a burst is caught up over calls)
MAX_READ = 4 * 1024 * 1024

_TOKEN = re.compile(r"%(?:\{([^}]*)\})?(.)", re.S)
#: strftime directives -> a pattern of what they print (C locale)
_STRF = {
    "d": r"\d{2}", "e": r"[ \d]\d", "m": r"\d{2}", "y": r"\d{2}", "Y": r"\d{4}", "H": r"\d{2}",
    "I": r"\d{2}", "M": r"\d{2}", "S": r"\d{2}", "j": r"\d{3}", "b": r"[A-Za-z]{3}",
    "h": r"[A-Za-z]{3}", "B": r"[A-Za-z]+", "a": r"[A-Za-z]{3}", "A": r"[A-Za-z]+",
    "p": r"[AP]M", "z": r"[+-]\d{4}", "Z": r"[A-Za-z]+", "s": r"\d+",
    "T": r"\d{2}:\d{2}:\d{2}", "F": r"\d{4}-\d{2}-\d{2}", "D": r"\d{2}/\d{2}/\d{2}",
    "R": r"\d{2}:\d{2}", "%": "%",
}  # fmt: skip
_DURATION_UNITS = {
    "": 1.0, "seconds": 1.0, "mili": 1e-3, "miliseconds": 1e-3, "milli": 1e-3,
    "milliseconds": 1e-3, "micro": 1e-6, "microseconds": 1e-6,
}  # fmt: skip


class FormatError(ValueError):
    """An access.format that cannot name the script of a worker's request (says why)."""


@dataclass(frozen=True, slots=True)
class AccessFormat:
    """A compiled ``access.format``."""

    text: str
    pattern: re.Pattern[str]
    accepted_fmt: str | None  # the strftime format of %t (None: not in the format)
    finished_fmt: str | None  # ... of %T
    duration_unit: float | None  # seconds per unit of %d (None: not in the format)
    #: the chroot of the pool that writes the log: php-fpm there logs a script (%f) by its
    #: path inside the chroot (``/public_html/x.php``), put after this (checked with 8.2)
    root: str = ""

    def parse(self, line: str, log: str) -> FpmRequest | None:
        """One line -> the request it logs (None: not a line of this format, or no script)."""
        if len(line) > MAX_LINE:
            return None
        m = self.pattern.fullmatch(line)
        if m is None:
            return None
        script = m.group("script")
        if not script or script == "-":
            return None
        duration = None
        if self.duration_unit is not None:
            try:
                duration = float(m.group("duration")) * self.duration_unit
            except ValueError:
                duration = None
        accepted = _when(m.group("accepted"), self.accepted_fmt) if self.accepted_fmt else None
        finished = _when(m.group("finished"), self.finished_fmt) if self.finished_fmt else None
        if accepted is None and finished is None:
            return None
        if self.root:
            script = host_path(self.root, script)
        return FpmRequest(int(m.group("pid")), script, accepted, finished, duration, log)


def _when(text: str, fmt: str | None) -> float | None:
    """A time php-fpm printed with strftime(``fmt``, localtime) -> epoch seconds."""
    if fmt is None:
        return None
    if fmt.strip() == "%s":
        try:
            return float(int(text.strip()))
        except ValueError:
            return None
    import datetime

    try:
        parsed = datetime.datetime.strptime(text, fmt)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        return parsed.timestamp()
    if "%Z" in fmt:  # a zone name strptime read but did not apply: UTC or the local zone
        return float(calendar.timegm(parsed.timetuple())) if text.endswith(
            ("UTC", "GMT")
        ) else time.mktime(parsed.timetuple())  # fmt: skip
    return time.mktime(parsed.timetuple())  # php-fpm prints local time


def _time_pattern(fmt: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%" and i + 1 < len(fmt):
            out.append(_STRF.get(fmt[i + 1], ".+?"))
            i += 2
            continue
        out.append(re.escape(c))
        i += 1
    return "".join(out)


def compile_format(text: str) -> AccessFormat:
    """``access.format`` -> :class:`AccessFormat`; :class:`FormatError` when it lacks the
    pid (``%p``), the script (``%f``) or a time (``%t`` / ``%T``)."""
    items: list[tuple[str, str] | str] = []  # (modifier, token) or literal text
    pos = 0
    for m in _TOKEN.finditer(text):
        items.append(text[pos : m.start()])
        pos = m.end()
        items.append("%" if m.group(2) == "%" else (m.group(1) or "", m.group(2)))
    items.append(text[pos:])
    parts: list[str] = []
    seen: set[str] = set()
    accepted_fmt = finished_fmt = None
    unit: float | None = None
    run = False  # inside a run of fields with no text between them: one piece for all
    for i, item in enumerate(items):
        if isinstance(item, str):
            parts.append(re.escape(item))
            run = run and not item
            continue
        modifier, token = item
        group: str | None = None
        piece = ""
        if token == "p":
            group, piece = "pid", r"\d+"
        elif token == "f":
            group, piece = "script", ".+?"  # a file name may hold spaces and quotes
        elif token in "tT":
            fmt = modifier or DEFAULT_TIME
            group, piece = ("accepted" if token == "t" else "finished"), _time_pattern(fmt)
            if group not in seen:
                if token == "t":
                    accepted_fmt = fmt
                else:
                    finished_fmt = fmt
        elif token == "d":
            if modifier.lower() not in _DURATION_UNITS:
                raise FormatError(f"%d takes seconds, mili or micro, not {modifier!r}")
            group, piece = "duration", r"[0-9.]+"
            if group not in seen:
                unit = _DURATION_UNITS[modifier.lower()]
        elif not run:
            # any other field (an attacker writes the URI and the query): what cannot hold
            # the first character written after it, so a line is read without backtracking
            after = next((x for x in items[i + 1 :] if isinstance(x, str) and x), "")
            piece = f"[^{re.escape(after[0])}]*" if after else ".*"
            run = True
            parts.append(f"(?:{piece})")
            continue
        else:
            continue  # its text is in the piece of the field before it
        run = False
        if group is not None and group not in seen:
            seen.add(group)
            parts.append(f"(?P<{group}>{piece})")
        else:
            parts.append(f"(?:{piece})")
    missing = [
        what for what, ok in (
            ("%p (the worker's pid)", "pid" in seen),
            ("%f (the script)", "script" in seen),
            ("%t or %T (a time)", bool({"accepted", "finished"} & seen)),
        ) if not ok
    ]  # fmt: skip
    if missing:
        raise FormatError("access.format has no " + ", no ".join(missing))
    try:
        pattern = re.compile("".join(parts), re.S)
    except re.error as exc:  # pragma: no cover - every piece is escaped or fixed
        raise FormatError(f"access.format cannot be read: {exc}") from None
    return AccessFormat(text, pattern, accepted_fmt, finished_fmt, unit)


# ----------------------------------------------------------------------------- pool files
@dataclass(frozen=True, slots=True)
class PoolAccessLog:
    """An access log a pool file sets: its path, format (None: unusable) and why not."""

    path: str
    format: AccessFormat | None
    where: str  # "FILE:LINE [pool]"
    problem: str | None = None
    pool: str = ""
    at: str = ""  # "FILE:LINE" of the access.log line


def _ini_value(raw: str) -> str:
    """A php-fpm INI value: a quoted string (with ``\\"`` inside) or up to a ``;`` comment."""
    raw = raw.strip()
    if raw[:1] in ('"', "'"):
        q, out, i = raw[0], [], 1
        while i < len(raw):
            c = raw[i]
            if c == "\\" and q == '"' and i + 1 < len(raw) and raw[i + 1] in '"\\':
                out.append(raw[i + 1])
                i += 2
                continue
            if c == q:
                break
            out.append(c)
            i += 1
        return "".join(out)
    return raw.split(";", 1)[0].strip()


def pool_access_logs(path: str, text: str) -> list[PoolAccessLog]:
    """The ``access.log`` of each pool of one pool file, with its ``access.format`` (pure)."""
    pools: dict[str, dict[str, tuple[str, int]]] = {}
    section: str | None = None
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s[0] in ";#":
            continue
        if s.startswith("[") and s.endswith("]"):
            section = s[1:-1].strip()
            continue
        if section is None or section.lower() == "global" or "=" not in s:
            continue
        key, value = s.split("=", 1)
        key = key.strip()
        if key in ("access.log", "access.format", "chroot"):
            pools.setdefault(section, {})[key] = (_ini_value(value), n)
    out: list[PoolAccessLog] = []
    for pool, keys in pools.items():
        if "access.log" not in keys:
            continue
        log, n = keys["access.log"]
        log = log.replace("$pool", pool)
        where = f"{path}:{n} [{pool}]"
        at = f"{path}:{n}"
        if not log.startswith("/"):
            why = "not an absolute path (the pool's prefix is not read)"
            out.append(PoolAccessLog(log, None, where, why, pool, at))
            continue
        fmt_text = keys.get("access.format", (DEFAULT_FORMAT, 0))[0]
        root = pool_chroot(keys.get("chroot", ("", 0))[0], pool)
        try:
            fmt = compile_format(fmt_text)
            if root:  # the master writes the log outside, %f is inside
                fmt = dataclasses.replace(fmt, root=root)
            out.append(PoolAccessLog(log, fmt, where, None, pool, at))
        except FormatError as exc:
            out.append(PoolAccessLog(log, None, where, str(exc), pool, at))
    return out


def discover(files: object | None = None) -> list[PoolAccessLog]:
    """The access logs of the FPM pool files on this host (those ``audit`` reads)."""
    from spamtrace.audit.files import RootFiles
    from spamtrace.audit.php import gather_configs

    env = files if files is not None else RootFiles("/")
    out: list[PoolAccessLog] = []
    for pf in gather_configs(env)[1]:  # type: ignore[arg-type]
        if pf.file.text is not None:
            out += pool_access_logs(pf.file.path, pf.file.text)
    return out


def configured(
    entries: Sequence[str], format_text: str, found: Callable[[], list[PoolAccessLog]] = discover
) -> tuple[list[tuple[str, AccessFormat]], list[str]]:
    """``[watch] fpm_access_logs`` / ``fpm_access_format`` -> (path, format) to read, and notes.

    ``"auto"`` takes every pool's log whose format can name a worker's script; a listed path
    takes ``fpm_access_format`` when set, else the format of the pool that writes it."""
    notes: list[str] = []
    pools = found() if entries else []
    by_path = {p.path: p for p in pools}
    fixed = compile_format(format_text) if format_text else None
    chosen: dict[str, AccessFormat] = {}
    for entry in entries:
        if entry == "auto":
            for p in pools:
                if p.format is not None:
                    chosen.setdefault(p.path, p.format)
                else:
                    notes.append(
                        f"php-fpm access log {escape(p.path)} ({escape(p.where)}) not read: "
                        f"{p.problem}; with %p, %f, %t and %{{mili}}d in access.format it "
                        "names the script of a request too short to be read live"
                    )
            continue
        pool_fmt = by_path[entry].format if entry in by_path else None
        fmt = fixed or pool_fmt
        if fixed is not None and pool_fmt is not None:  # the pool's chroot still holds
            fmt = dataclasses.replace(fixed, root=pool_fmt.root)
        if fmt is None:
            why = by_path[entry].problem if entry in by_path else "no pool file sets it"
            notes.append(
                f"php-fpm access log {escape(entry)} not read: {why} "
                "(set [watch] fpm_access_format)"
            )
            continue
        chosen[entry] = fmt
    return list(chosen.items()), notes


# ----------------------------------------------------------------------------- reading
@dataclass
class _Followed:
    path: str
    format: AccessFormat
    fd: int | None = None
    ino: tuple[int, int] | None = None
    offset: int = 0
    partial: bytes = b""
    error: str | None = None
    last: FpmRequest | None = None  # the last request read from it


@dataclass
class FpmAccessLogs:
    """The php-fpm access logs followed, and the last requests of each worker pid."""

    logs: list[tuple[str, AccessFormat]]
    requests: dict[int, deque[FpmRequest]] = field(default_factory=dict)
    lines: int = 0
    unread: int = 0  # lines that did not match their format
    _files: list[_Followed] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._files = [_Followed(p, f) for p, f in self.logs]
        for f in self._files:
            self._open(f, start=True)
            self._read(f)

    def paths(self) -> list[str]:
        return [f.path for f in self._files]

    def errors(self) -> list[tuple[str, str]]:
        """(path, why) of each log that could not be opened (it is tried again later)."""
        return [(f.path, f.error) for f in self._files if f.fd is None and f.error]

    def _open(self, f: _Followed, *, start: bool = False) -> None:
        try:
            fd = os.open(f.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            f.error = exc.strerror or str(exc)
            return
        st = os.fstat(fd)
        f.fd, f.ino, f.error = fd, (st.st_dev, st.st_ino), None
        f.offset, f.partial = 0, b""
        if start and st.st_size > READ_BACK:  # the recent past only, from a line's start
            f.offset = st.st_size - READ_BACK
            self._skip_to_line(f)

    def _skip_to_line(self, f: _Followed) -> None:
        assert f.fd is not None
        data = os.pread(f.fd, READ_BACK, f.offset)
        nl = data.find(b"\n")
        f.offset += nl + 1 if nl >= 0 else len(data)

    def _read(self, f: _Followed) -> None:
        if f.fd is None:
            return
        data = os.pread(f.fd, MAX_READ, f.offset)
        if not data:
            return
        f.offset += len(data)
        data = f.partial + data
        *whole, f.partial = data.split(b"\n")
        for raw in whole:
            self._take(raw, f)
        self._stamp(f)

    def _stamp(self, f: _Followed) -> None:
        """The file's modification time is its last line's write time, when nothing was
        appended since it was read (reading the time also makes the next write's exact on
        a file system with multigrain timestamps)."""
        assert f.fd is not None
        st = os.fstat(f.fd)
        last = f.last
        if last is None or last.written is not None or f.partial or st.st_size != f.offset:
            return
        q = self.requests.get(last.pid)
        if q and q[-1] is last:
            f.last = q[-1] = dataclasses.replace(last, written=st.st_mtime_ns / 1e9)

    def _take(self, raw: bytes, f: _Followed) -> None:
        self.lines += 1
        req = f.format.parse(raw.decode("utf-8", "surrogateescape").rstrip("\r"), f.path)
        if req is None:
            self.unread += 1
            return
        q = self.requests.get(req.pid)
        if q is None:
            q = self.requests[req.pid] = deque(maxlen=KEEP_PER_PID)
            if len(self.requests) > 65_536:  # a host with very many short-lived workers
                del self.requests[next(iter(self.requests))]
        q.append(req)
        f.last = req

    def refresh(self) -> None:
        """Read what was appended since the last call (a rotated file's rest, then the new)."""
        for f in self._files:
            if f.fd is None:
                self._open(f)
                self._read(f)
                continue
            self._read(f)
            self._stamp(f)
            try:
                st = os.stat(f.path, follow_symlinks=False)
            except OSError:
                continue  # rotated away, not re-created yet: keep the old one
            size = os.fstat(f.fd).st_size
            if (st.st_dev, st.st_ino) != f.ino or size < f.offset:
                os.close(f.fd)
                f.fd = None
                self._open(f)
                self._read(f)

    def of(self, pid: int) -> Sequence[FpmRequest]:
        """The requests of worker ``pid`` read so far, in log order."""
        return tuple(self.requests.get(pid, ()))

    def close(self) -> None:
        for f in self._files:
            if f.fd is not None:
                os.close(f.fd)
                f.fd = None

