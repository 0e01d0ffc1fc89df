"""The event stream for log pipelines: one JSON line per fact, in Elastic Common Schema names.

One line per SMTP connect attempt, blocked attempt, incident opened or updated, and response
taken, written to a file (``[events] path``) and/or sent to syslog / the journal
(``[events] syslog``), so that journald, Vector or Fluent Bit can ship the lines to Loki or
Elasticsearch unchanged. ``docs/fleet.md`` lists the fields.

The shape (schema ``spamtrace.events/1``, in ``spamtrace.schema``) uses ECS field names where
ECS has one, as nested objects (``{"process": {"pid": 4242}}`` is ECS ``process.pid``):
``@timestamp``, ``message``, ``event.*`` (``kind``, ``category``, ``type``, ``action``,
``outcome``, ``severity``, ``reason``, ``provider``, ``dataset``), ``process.*`` (``pid``,
``name``, ``executable``, ``command_line``, ``args``, ``working_directory``, ``start``,
``parent.*``), ``user.name``, ``user.id``, ``group.id``, ``source.*`` / ``destination.*``
(``ip``, ``port``), ``network.*``, ``file.path`` (the script), ``host.name``; everything else
under ``spamtrace.*`` (verdict, reasons, attribution, account, incident).

Attacker-controlled strings (paths, process names, command lines, user names, reasons that
quote them) are escaped with :func:`spamtrace.safetext.escape` before they go in: a value never
carries a control character, an ANSI sequence or a bidi override into Kibana, Grafana or a
terminal that shows the log. Each string is also cut to :data:`MAX_TEXT` characters and lists
to :data:`MAX_ITEMS` items, so that a line stays well under a syslog datagram's size. Lines
are ASCII JSON (``json.dumps`` escapes the rest), one per line, always valid.

The mapping functions (:func:`attempt_event`, :func:`incident_event`, :func:`action_event`)
are pure: they take the stored records and the host name, and read no clock. The writers
(:class:`JsonLinesFile`, :class:`SyslogSender`) are the thin I/O part; neither makes the engine
wait: the file is appended with one ``write``, syslog datagrams are queued for a sender
thread (a stalled reader costs dropped, counted lines, never a stalled engine).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from spamtrace.errors import PathUnusable, RuntimeFailure, SpamtraceError
from spamtrace.model import ALERTING_VERDICTS, Verdict
from spamtrace.render.incidents import incident_json, iso, uid_text
from spamtrace.safetext import escape, truncate
from spamtrace.service.bus import (
    ActionRecorded,
    AttemptRecorded,
    AttemptsRecorded,
    BlockedRecorded,
    ConfigReloaded,
    EventOutputFailing,
    IncidentOpened,
    IncidentUpdated,
    Message,
)

if TYPE_CHECKING:
    from spamtrace.sinks.store import EventRecord

SCHEMA = "spamtrace.events/1"
ECS_VERSION = "8.11.0"
#: longest escaped string kept in a field (a longer one ends in "…")
MAX_TEXT = 4096
#: most items kept in a list field (args, reasons, destinations, pids)
MAX_ITEMS = 64
#: verdict -> ECS event.severity (the verdict's own severity: 0 mta/allowed ... 3)
_SEVERITY = {v.value: v.severity for v in Verdict}
#: verdicts whose incidents are ECS alerts (suspicious, ssh-tunnel, mail-script, mail-auth)
_ALERTING = frozenset(v.value for v in ALERTING_VERDICTS)


# ============================================================================ pure mapping
def text(value: object) -> str | None:
    """One attacker-controlled value as an escaped, bounded string (None stays None)."""
    if value is None:
        return None
    if type(value) is str and len(value) <= MAX_TEXT and value.isprintable() and "\\" not in value:
        return value  # the usual case, nothing to escape (what escape() would return)
    return escape(value if isinstance(value, (str, bytes)) else str(value), MAX_TEXT)


def texts(values: Sequence[object]) -> list[str]:
    """Escaped, bounded strings of a list; a longer list ends with how many were left out."""
    out = [text(v) or "" for v in values[:MAX_ITEMS]]
    if len(values) > MAX_ITEMS:
        out.append(f"… {len(values) - MAX_ITEMS} more")
    return out


def escaped(value: Any) -> Any:
    """A JSON-able structure with every string in it escaped and bounded (keys included)."""
    if isinstance(value, (str, bytes)):
        return text(value)
    if isinstance(value, Mapping):
        return {text(k): escaped(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [escaped(v) for v in value[:MAX_ITEMS]]
    return value


def split_endpoint(value: str | None) -> tuple[str | None, int | None]:
    """``"1.2.3.4:25"`` / ``"[2001:db8::1]:25"`` -> (ip, port)."""
    if not value:
        return None, None
    host, sep, port = value.rpartition(":")
    if not sep:
        return value, None
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    return host, int(port) if port.isdecimal() else None


def _prune(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop None values and objects left empty (ECS consumers prefer absent to null)."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if value is None:
            continue
        if type(value) is dict:
            value = _prune(value)
            if not value:
                continue
        out[key] = value
    return out


def _base(ts: float | None, host: str, event: dict[str, Any], message: str) -> dict[str, Any]:
    return {
        "@timestamp": iso(ts),
        "message": message,
        "ecs": {"version": ECS_VERSION},
        "event": {"module": "spamtrace", "dataset": "spamtrace.events", **event},
        "host": {"name": host},
    }


def _process(
    pid: int | None,
    name: object,
    exe: str | None,
    cmdline: Sequence[str],
    cwd: str | None,
    start: float | None = None,
    parent: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    args = texts(cmdline)
    proc: dict[str, Any] = {
        "pid": pid,
        "name": text(name),
        "executable": text(exe),
        # bounded as any string: the args joined were up to 64 x 4,096 characters
        # (the args are escaped already: cut, never escaped again, or a "\x1b" in a name
        # read "\\x1b" here and no longer matched the same process's args and file.path)
        "command_line": truncate(" ".join(args), MAX_TEXT) if args else None,
        "args": args or None,
        "args_count": len(cmdline) if cmdline else None,
        "working_directory": text(cwd),
        "start": iso(start),
    }
    if parent:
        proc["parent"] = {
            "pid": parent.get("pid"),
            "name": text(parent.get("name")),
            "executable": text(parent.get("exe")),
        }
    return proc


def _user(uid: int | None, name: str | None, gid: int | None = None) -> dict[str, Any]:
    return {
        "user": {"id": None if uid is None else str(uid), "name": text(name)},
        "group": {"id": None if gid is None else str(gid)},
    }


def attempt_event(rec: EventRecord, host: str) -> dict[str, Any]:
    """The line of one SMTP connect attempt (seen by the tracepoint or polling) or one blocked
    attempt (an NFLOG record: uid only), from its stored record."""
    blocked_record = rec.type.value == "connect-blocked"
    verdict = rec.verdict or "unknown"
    dst_ip, dst_port = split_endpoint(rec.remote)
    src_ip, src_port = split_endpoint(rec.local)
    name = rec.details.get("name") or rec.details.get("comm")
    parents = rec.details.get("parents") or []
    parent = parents[0] if parents and isinstance(parents[0], Mapping) else None
    script = rec.scripts[0] if rec.scripts else None
    action = "smtp-connect-blocked" if blocked_record else "smtp-connect-attempted"
    who = f"{text(name) or '?'}[{rec.pid or '-'}] uid={uid_text(rec.uid)}"
    if rec.user:
        who += f"({text(rec.user)})"
    message = f"{verdict.upper()} {action} {who} -> {rec.remote}"
    if rec.blocked:
        message += " BLOCKED"
    if script:
        message += f" script={text(script)}"
    elif rec.cwd:
        message += f" cwd={text(rec.cwd)}"
    event = {
        "kind": "event",
        "category": ["network"],
        "type": ["connection", "denied" if rec.blocked else "start"],
        "action": action,
        "outcome": "failure" if rec.blocked else "unknown",
        "severity": _SEVERITY.get(verdict, 0),
        "reason": text(rec.reasons[0]) if rec.reasons else None,
        "provider": rec.source,
    }
    doc = _base(rec.wall, host, event, message)
    doc["process"] = _process(rec.pid, name, rec.exe, rec.cmdline, rec.cwd, rec.start_time, parent)
    doc.update(_user(rec.uid, rec.user, rec.gid))
    doc["source"] = {"ip": src_ip, "port": src_port or None}
    doc["destination"] = {"ip": dst_ip, "port": dst_port}
    doc["network"] = {
        "transport": "tcp",
        "protocol": "smtp",
        "type": None if dst_ip is None else ("ipv6" if ":" in dst_ip else "ipv4"),
        "direction": "egress",
    }
    doc["file"] = {"path": text(script)}
    doc["spamtrace"] = {
        "schema": SCHEMA,
        "verdict": verdict,
        "reasons": texts(rec.reasons),
        "attribution": rec.method,
        "blocked": rec.blocked,
        "account": text(rec.account),
        "scripts": texts(rec.scripts) or None,
        "incident": {"id": rec.incident_id},
    }
    return _prune(doc)


def incident_event(
    incident: Mapping[str, Any], action: str, host: str, *, reason: str | None = None
) -> dict[str, Any]:
    """The line of an incident opened or updated (``action``: ``incident-opened`` or
    ``incident-updated``), from its JSON shape (an item of ``spamtrace incidents --json``),
    which it carries whole (escaped) in ``spamtrace.incident``."""
    verdict = str(incident.get("verdict") or "unknown")
    alerting = verdict in _ALERTING
    opened = action == "incident-opened"
    scripts = list(incident.get("scripts") or [])
    process = incident.get("process") or {}
    when = incident.get("first_seen_epoch") if opened else incident.get("last_seen_epoch")
    who = f"uid {uid_text(incident.get('uid'))}"
    if incident.get("user"):
        who += f" ({text(incident.get('user'))})"
    if incident.get("account"):
        who += f", account {text(incident.get('account'))}"
    message = (
        f"{verdict.upper()} incident {text(incident.get('id'))} "
        f"{'opened' if opened else 'updated'}"
        + (f" ({text(reason)})" if reason else "")
        + f": {who}, {incident.get('connections', 0)} connection(s)"
        + (f", {incident.get('blocked')} blocked" if incident.get("blocked") else "")
        + (f", script {text(scripts[0])}" if scripts else "")
    )
    event = {
        "kind": "alert" if alerting else "event",
        "category": ["intrusion_detection", "network"] if alerting else ["network"],
        "type": ["info"] if opened else ["change"],
        "action": action,
        "severity": _SEVERITY.get(verdict, 0),
        "reason": text(reason) if reason else None,
        "provider": "spamtrace",
        "start": iso(incident.get("first_seen_epoch")),
        "end": None if opened else iso(incident.get("last_seen_epoch")),
    }
    doc = _base(when if isinstance(when, (int, float)) else None, host, event, message)
    pids = incident.get("pids") or []
    if not isinstance(process, Mapping):
        process = {}
    doc["process"] = _process(
        process.get("pid") or (pids[0] if pids else None),
        process.get("name"),
        incident.get("exe"),
        list(incident.get("cmdline") or []),
        incident.get("cwd"),
    )
    doc.update(_user(incident.get("uid"), incident.get("user")))
    doc["file"] = {"path": text(scripts[0]) if scripts else None}
    doc["spamtrace"] = {
        "schema": SCHEMA,
        "verdict": verdict,
        "reasons": texts(incident.get("reasons") or []),
        "account": text(incident.get("account")),
        "incident": escaped({k: v for k, v in incident.items() if k != "process"}),
    }
    return _prune(doc)


def action_event(
    incident_id: str,
    action: str,
    status: str,
    at: float,
    host: str,
    *,
    detail: str = "",
    undo: str | None = None,
) -> dict[str, Any]:
    """The line of a response taken on an incident (block uid, stop process, ...)."""
    outcome = {"done": "success", "failed": "failure"}.get(status, "unknown")
    message = f"response {text(action)} {text(status)} on incident {text(incident_id)}"
    if detail:
        message += f": {text(detail)}"
    event = {
        "kind": "event",
        "category": ["intrusion_detection"],
        "type": ["change"],
        "action": f"response-{text(action)}",
        "outcome": outcome,
        "provider": "spamtrace",
    }
    doc = _base(at, host, event, message)
    doc["spamtrace"] = {
        "schema": SCHEMA,
        "incident": {"id": text(incident_id)},
        "response": {
            "action": text(action),
            "status": text(status),
            "detail": text(detail) or None,
            "undo": text(undo),
        },
    }
    return _prune(doc)


_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=str)


#: longest line written or sent. Each string cut at MAX_TEXT and each list at MAX_ITEMS still
#: let a line reach 765 KB (a process whose 70 arguments hold 5,000 characters each, an
#: attacker's choice): a syslog datagram that long is refused (EMSGSIZE: the line lost), and
#: the shippers skip such a line in the file (Fluent Bit's tail: 32 KiB by default; Vector's
#: file source: 100 KiB), so a long argv kept a sender's attempts out of the pipeline
MAX_LINE = 16 * 1024
#: the tighter bounds a line over MAX_LINE is made again with: (characters, items)
_SHRINK = ((1024, 16), (256, 8), (64, 4), (16, 2))


def line(doc: Mapping[str, Any]) -> str:
    """One event as one line of ASCII JSON (no newline inside; always parses), of at most
    :data:`MAX_LINE` characters: a longer one is made again with its strings and lists cut
    tighter, and says so (``spamtrace.cut``: true); its ids, times and numbers are kept."""
    out = _ENCODER.encode(doc)
    if len(out) <= MAX_LINE:
        return out
    for chars, items in _SHRINK:
        small = _shrunk(doc, chars, items)
        if isinstance(small.get("spamtrace"), dict):
            small["spamtrace"]["cut"] = True
        out = _ENCODER.encode(small)
        if len(out) <= MAX_LINE:
            break
    return out


def _shrunk(value: Any, chars: int, items: int) -> Any:
    """``value`` with each string over ``chars`` cut (ending in "…") and each list over
    ``items`` cut (a list of strings ends with how many were left out); keys kept whole."""
    if isinstance(value, str):
        return value if len(value) <= chars else value[: chars - 1] + "…"
    if isinstance(value, Mapping):
        return {k: _shrunk(v, chars, items) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        out = [_shrunk(v, chars, items) for v in value[:items]]
        if len(value) > items and all(isinstance(v, str) for v in value):
            out.append(f"… {len(value) - items} more")
        return out
    return value


# ============================================================================ writers
class LineWriter(Protocol):
    """Where event lines go (a file, syslog)."""

    name: str
    errors: int

    def write(self, line: str, warning: bool = False) -> None: ...

    def state_change(self) -> tuple[bool, str] | None:
        """After a :meth:`write`: ``(failing, reason)`` when the output's state changed since
        the last call (its lines started to be lost, or go out again after such losses;
        ``reason`` one human line naming the output), else None."""
        ...

    def reopen(self) -> None: ...

    def close(self) -> None: ...


def _kind(path: str) -> str:
    """What is at ``path``, for a message: "a FIFO", "a character device"..."""
    from spamtrace.config import file_kind

    try:
        return file_kind(os.lstat(path).st_mode)
    except OSError:
        return "gone"


def folder_not_made(path: str) -> str | None:
    """The missing folder above an event file's own folder, which stops the start: only the
    file's own folder is made (/var/log/spamtrace); a typo made every missing folder of the
    path (mkdir -p, /nonexistent 0755). ``config check`` says the same beforehand."""
    parent = os.path.dirname(path)
    above = os.path.dirname(parent)
    if parent and not os.path.isdir(parent) and above and not os.path.isdir(above):
        return above
    return None


class JsonLinesFile:
    """Appends lines to ``path``; logrotate-safe.

    At most once a second (and on :meth:`reopen`, e.g. on SIGHUP) it compares the path's
    inode with the open file's: when logrotate renamed or removed the file, it opens the path
    anew (created 0640). A file truncated in place (``copytruncate``) needs nothing: it is
    opened with ``O_APPEND``, so the next line goes to the new end. The path is opened with
    ``O_NOFOLLOW``: a symlink planted there is refused, not followed.
    """

    CHECK_EVERY = 1.0

    def __init__(self, path: str) -> None:
        self.name = "file"
        self.path = path
        self.errors = 0
        self.reopened = 0
        self.last_error: str | None = None
        self._fd = -1
        self._ident: tuple[int, int] = (0, 0)
        self._checked = 0.0
        #: the errors before the last write (it failed when there are more), and the state
        #: last told (:meth:`state_change`)
        self._errors_before = 0
        self._failing = False
        self._open()

    def _open(self) -> None:
        parent = os.path.dirname(self.path)
        above = folder_not_made(self.path)
        if above is not None:
            raise PathUnusable(
                f"events: cannot open {escape(self.path)}: folder {escape(above)} does not "
                "exist (only the event file's own folder is made: create it first)"
            )
        try:
            if parent and not os.path.isdir(parent):
                os.mkdir(parent, mode=0o750)
            # O_NONBLOCK: a FIFO there would make open() wait for a reader (and SIGTERM could
            # not stop the daemon); it is refused below, as a regular file is what is written
            fd = os.open(
                self.path,
                os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
                | os.O_NONBLOCK,
                0o640,
            )  # fmt: skip
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                why = "it is a symlink"
            elif exc.errno == errno.ENXIO:  # a FIFO without a reader (or a socket)
                why = f"not a regular file ({_kind(self.path)})"
            else:
                why = exc.strerror or str(exc)
            raise RuntimeFailure(f"events: cannot open {escape(self.path)}: {why}") from None
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # a FIFO with a reader, a device: writes may wait
            os.close(fd)
            raise RuntimeFailure(
                f"events: cannot open {escape(self.path)}: not a regular file "
                f"({_kind(self.path)})"
            )
        os.set_blocking(fd, True)
        old, self._fd = self._fd, fd
        self._ident = (st.st_dev, st.st_ino)
        self._checked = time.monotonic()
        if old >= 0:
            os.close(old)

    def _rotated(self) -> bool:
        try:
            st = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        return (st.st_dev, st.st_ino) != self._ident

    def reopen(self) -> None:
        """Open the path again if it is no longer the open file (rotation), e.g. on SIGHUP."""
        self._checked = time.monotonic()
        if self._rotated():
            try:
                self._open()
                self.reopened += 1
            except SpamtraceError as exc:  # a folder above removed meanwhile too
                self._failed(exc.message)

    def write(self, line: str, warning: bool = False) -> None:
        self._errors_before = self.errors
        if time.monotonic() - self._checked >= self.CHECK_EVERY:
            self.reopen()
        data = (line + "\n").encode("ascii", "backslashreplace")
        try:
            written = os.write(self._fd, data)
            if written != len(data):  # a full disk mid-line: finish the line so the next parses
                os.write(self._fd, b"\n")
                self._failed("short write (disk full?)")
        except OSError as exc:
            self._failed(exc.strerror or str(exc))

    def _failed(self, why: str) -> None:
        self.errors += 1
        self.last_error = why

    def state_change(self) -> tuple[bool, str] | None:
        """The file failing (its last line not written: a full disk), or writing again."""
        failed = self.errors > self._errors_before
        if failed == self._failing:
            return None
        self._failing = failed
        where = escape(self.path)
        if failed:
            why = self.last_error
            return True, f"event file FAILING: {where}: {why}; its lines are lost meanwhile"
        return False, f"event file ok: {where}: writing again ({self.errors} line(s) lost so far)"

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class SyslogSender:
    """Sends each line as one syslog datagram (RFC 3164, as glibc's ``syslog()`` does) to a
    local socket: ``/dev/log``, which rsyslog and systemd-journald both read.

    Facility daemon, priority from the line (``warning`` for an alert, ``info`` otherwise),
    identifier ``spamtrace[PID]``. :meth:`write` only queues the datagram; a sender thread
    sends it (blocking, as ``syslog()`` would, for at most :attr:`SEND_TIMEOUT`), so a burst is
    smoothed instead of overflowing the reader's short datagram queue, and the engine never
    waits. When :attr:`MAX_QUEUED` lines wait (the reader is stalled), a new line is dropped
    and counted. A reader restarted meanwhile (``ECONNREFUSED`` ...) is reconnected. An idle
    sender thread sleeps on its queue: no wake-ups.
    """

    FACILITY_DAEMON = 3
    INFO, WARNING = 6, 4
    SEND_TIMEOUT = 2.0
    MAX_QUEUED = 20_000

    def __init__(
        self, address: str, ident: str = "spamtrace", max_queued: int = MAX_QUEUED
    ) -> None:
        import queue
        import threading

        self.name = "syslog"
        self.address = address
        self.ident = ident
        self.errors = 0
        self.dropped = 0
        #: lines sent (the stream's journal lines compare it with the lines lost)
        self.sent = 0
        self.last_error: str | None = None
        #: the state last told (:meth:`state_change`), and (errors, dropped, sent) then: the
        #: lines are sent by the thread, so what became of them is seen at the next line made
        self._failing = False
        self._seen = (0, 0, 0)
        self._sock: socket.socket | None = None
        try:
            self._connect()
        except OSError as exc:
            raise RuntimeFailure(
                f"events: cannot send to syslog socket {escape(address)}: "
                f"{exc.strerror or exc} (is journald or rsyslog running?)"
            ) from None
        self._queue: queue.Queue[bytes | None] = queue.Queue(max_queued)
        self._full = queue.Full
        self._thread = threading.Thread(target=self._run, name="spamtrace-syslog", daemon=True)
        self._thread.start()

    def _connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        sock.settimeout(self.SEND_TIMEOUT)
        try:
            sock.connect(self.address)
        except OSError:
            sock.close()
            raise
        self._sock = sock

    def datagram(self, line: str, warning: bool, now: float | None = None) -> bytes:
        pri = self.FACILITY_DAEMON * 8 + (self.WARNING if warning else self.INFO)
        stamp = time.strftime("%b %e %H:%M:%S", time.localtime(now))
        return f"<{pri}>{stamp} {self.ident}[{os.getpid()}]: {line}".encode("ascii", "replace")

    def write(self, line: str, warning: bool = False) -> None:
        try:
            self._queue.put_nowait(self.datagram(line, warning))
        except self._full:
            self.dropped += 1

    def _run(self) -> None:
        while True:
            data = self._queue.get()
            try:
                if data is None:
                    return
                self._send(data)
            finally:
                self._queue.task_done()

    def _send(self, data: bytes) -> None:
        for attempt in (1, 2):
            try:
                if self._sock is None:
                    self._connect()
                assert self._sock is not None
                self._sock.send(data)
                self.sent += 1
                return
            except TimeoutError:
                self.dropped += 1  # the reader did not take it within SEND_TIMEOUT
                return
            except OSError as exc:
                if attempt == 1 and exc.errno in (
                    errno.ENOTCONN, errno.ECONNREFUSED, errno.ENOENT, errno.EBADF,
                ):  # fmt: skip
                    self._reconnect()
                    continue
                self.errors += 1
                self.last_error = exc.strerror or str(exc)
                return

    def _reconnect(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None
        with contextlib.suppress(OSError):
            self._connect()

    def state_change(self) -> tuple[bool, str] | None:
        """The output failing (lines lost since the last call: not sent, or dropped because
        the reader did not take them), or, after that, lines sent and none lost: sending
        again. Nothing known of the lines queued yet: no change."""
        errors, dropped, sent = self.errors, self.dropped, self.sent
        was_errors, was_dropped, was_sent = self._seen
        self._seen = (errors, dropped, sent)
        if errors > was_errors or dropped > was_dropped:
            failed = True
        elif sent > was_sent:
            failed = False
        else:
            return None
        if failed == self._failing:
            return None
        self._failing = failed
        where = escape(self.address)
        if not failed:
            lost = errors + dropped
            return False, f"syslog output ok: {where}: sending again ({lost} line(s) lost so far)"
        if errors > was_errors:
            reason = self.last_error or "not sent"
        else:
            reason = "the reader (journald or rsyslog) did not take them in time"
        return True, f"syslog output FAILING: {where}: {reason}; its lines are lost meanwhile"

    def reopen(self) -> None:
        """Nothing to do: a restarted reader is reconnected by the sender thread itself."""

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait (bounded) until every queued line was sent or given up; True if so."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def close(self) -> None:
        if self._thread.is_alive():
            self.flush(self.SEND_TIMEOUT + 1.0)
            with contextlib.suppress(self._full):
                self._queue.put_nowait(None)
            self._thread.join(timeout=self.SEND_TIMEOUT + 1.0)
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None


# ============================================================================ the stream
class EventStream:
    """The engine's subscriber (:mod:`spamtrace.service.bus`) that maps what the engine
    publishes to event lines and hands each to every writer."""

    name = "events"
    takes_batches = True

    #: incidents whose actions are kept for their lines (the oldest are forgotten first)
    MAX_TRACKED = 1000

    def __init__(
        self,
        writers: Sequence[LineWriter],
        host: str | None = None,
        senders_now: Callable[[Any, Any, Any], dict[int, Any]] | None = None,
    ) -> None:
        self.writers = list(writers)
        self.host = host or socket.gethostname()
        #: what holds the pids an incident's advice names, for an incident-updated line
        #: (later than the advice was written: its sender may have ended, its pid be reused)
        self.senders_now = senders_now
        self.lines = 0
        #: where a change of an output's state is published (the engine's ``post``): its
        #: first line lost, and the next one that goes out (the journal says them)
        self.post: Callable[[Any], None] | None = None
        #: the actions taken on each incident: an incident line carries them (enforce mode
        #: acts at the first connect, before the opening, which waits for the scan), and its
        #: advice says what they did (no "kill PID" of a sender already stopped)
        self._actions: dict[str, list[Any]] = {}
        #: incidents opened whose incident-opened line waits for their scan (the engine holds
        #: it back): their updates meanwhile (the scan's escalation, the actions) are said by
        #: that line, which carries them; written on their own, they came before it
        self._pending_open: dict[str, None] = {}

    def handle(self, message: Message) -> None:
        if isinstance(message, (AttemptRecorded, BlockedRecorded)):
            if message.incident_opened:
                self._pending_open[message.incident.id] = None
                while len(self._pending_open) > self.MAX_TRACKED:
                    del self._pending_open[next(iter(self._pending_open))]
            self.attempt(message.record)
        elif isinstance(message, AttemptsRecorded):  # a batch of the backlog: a line each
            for rec in message.records:
                self.attempt(rec)
        elif isinstance(message, IncidentOpened):
            inc = message.incident
            self._pending_open.pop(inc.id, None)
            self.incident(incident_json(inc, self._actions.get(inc.id)), "incident-opened")
        elif isinstance(message, IncidentUpdated):
            inc = message.incident
            if inc.id in self._pending_open:
                return  # its incident-opened line follows, and says it
            reason = message.reason.value + (f": {message.detail}" if message.detail else "")
            actions = self._actions.get(inc.id)
            now = None
            if self.senders_now is not None:
                now = self.senders_now(inc.advice, inc.process, actions or ())
            doc = incident_json(inc, actions, now)
            self.incident(doc, "incident-updated", reason)
        elif isinstance(message, ConfigReloaded):
            self.reopen()  # SIGHUP, as logrotate's postrotate sends: the new file at once
        elif isinstance(message, ActionRecorded):
            act = message.action
            kept = self._actions.pop(message.incident_id, [])
            self._actions[message.incident_id] = [*kept, act]  # the latest last
            while len(self._actions) > self.MAX_TRACKED:
                del self._actions[next(iter(self._actions))]
            self.action(message.incident_id, act.action, act.status, act.at, detail=act.detail,
                        undo=act.undo)  # fmt: skip

    def emit(self, doc: Mapping[str, Any]) -> None:
        data = line(doc)
        warning = doc.get("event", {}).get("kind") == "alert"
        self.lines += 1
        for writer in self.writers:
            writer.write(data, warning)
            # each output tells its own change of state (the file's write failed; the
            # syslog thread's lines lost or sent since the last line)
            change = writer.state_change()
            if change is not None and self.post is not None:
                self.post(EventOutputFailing(*change, time.time()))

    def attempt(self, rec: EventRecord) -> None:
        self.emit(attempt_event(rec, self.host))

    def incident(self, incident: Mapping[str, Any], action: str, reason: str | None = None) -> None:
        self.emit(incident_event(incident, action, self.host, reason=reason))

    def action(self, incident_id: str, action: str, status: str, at: float, *, detail: str = "",
               undo: str | None = None) -> None:  # fmt: skip
        self.emit(action_event(incident_id, action, status, at, self.host, detail=detail,
                               undo=undo))  # fmt: skip

    def reopen(self) -> None:
        for writer in self.writers:
            writer.reopen()

    def errors(self) -> int:
        return sum(w.errors for w in self.writers)

    def failures(self) -> dict[str, int]:
        """Output -> lines not written (file) or dropped / not sent (syslog) since start."""
        return {w.name: w.errors + getattr(w, "dropped", 0) for w in self.writers}

    def status(self) -> dict[str, Any]:
        """``status``'s ``event_stream``: lines made, and per output (``file``, ``syslog``)
        the lines not written or sent since start and the last reason. A full disk under the
        event file was counted for the metrics alone: with them off, lines were lost and
        neither ``status`` nor the journal said so."""
        return {
            "lines": self.lines,
            "outputs": {
                w.name: {
                    "path": getattr(w, "path", None),
                    "failed": w.errors + getattr(w, "dropped", 0),
                    "last_error": getattr(w, "last_error", None),
                }
                for w in self.writers
            },
        }

    def close(self) -> None:
        for writer in self.writers:
            with contextlib.suppress(OSError):
                writer.close()


def open_stream(
    path: str, syslog: bool, syslog_socket: str, failed: list[str] | None = None
) -> EventStream | None:
    """The stream the ``[events]`` config asks for (None: neither a file nor syslog).

    An output that cannot be opened raises (the daemon stops at start); with ``failed`` (a
    ``watch``) its reason goes there and the other output still runs: a syslog socket that is
    not there turned the event file off too."""
    writers: list[LineWriter] = []
    openers: list[Callable[[], LineWriter]] = []
    if path:
        openers.append(lambda: JsonLinesFile(path))
    if syslog:
        openers.append(lambda: SyslogSender(syslog_socket))
    for opener in openers:
        try:
            writers.append(opener())
        except SpamtraceError as exc:
            if failed is None:
                for writer in writers:
                    writer.close()
                raise
            failed.append(exc.message)
    from spamtrace.attribution.process import senders_now

    return EventStream(writers, senders_now=senders_now) if writers else None
