"""The ``sock/inet_sock_set_state`` tracepoint, read from a private tracefs instance.

Every watcher gets an instance of its own (``instances/spamtrace-<pid>``), so several watchers
and other tracing users never disturb each other. The kernel filters the events down to the
move to ``SYN_SENT`` towards one of the configured SMTP ports, so non-SMTP traffic costs
(almost) nothing and the reader sleeps in ``poll`` while nothing happens.

Set-up (see the project's notes on this kernel): ``trace_clock`` is ``mono`` so that kernel
timestamps are comparable with :func:`time.monotonic`, ``options/record-tgid`` adds the process
id (TGID) beside the thread id. ``sport`` is always 0 at SYN_SENT (the local port is not chosen
yet) and the comm shown can be ``<...>``: attribution reads ``/proc`` instead.

Robustness: a line that does not parse is counted (``malformed``), never fatal; the kernel's
``[LOST n EVENTS]`` markers and the per-CPU ``overrun``/``dropped events`` counters are summed
into :meth:`TracefsSource.stats`. The instance is removed by :meth:`TracefsSource.close`
(the CLI calls it from ``finally`` and on SIGTERM/SIGINT); instances left behind by a watcher
that was killed (``spamtrace-<pid>`` with a dead pid) are removed at start. If the instance or
tracefs disappears under us, reading raises :class:`KernelFeatureUnavailable` with a clear
message, and the watcher degrades to polling.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spamtrace.errors import KernelFeatureUnavailable, PermissionRequired
from spamtrace.model import Endpoint, SmtpConnectAttempted

TRACEFS_MOUNTS = ("/sys/kernel/tracing", "/sys/kernel/debug/tracing")
INSTANCE_PREFIX = "spamtrace-"
EVENT_DIR = "events/sock/inet_sock_set_state"
TCP_SYN_SENT = 2
#: per-CPU ring buffer (KiB); the default 1.4 MB already held a 3,000-connect burst
BUFFER_SIZE_KB = 4096

# "comm-TID (TGID) [cpu] flags TS: event: fields"; comm may hold spaces and dashes
_LINE_RE = re.compile(
    r"^\s*(?P<comm>.*?)-(?P<tid>\d+)\s+\(\s*(?P<tgid>[\d-]+)\)\s+\[(?P<cpu>\d+)\]\s+"
    r"(?:\S+\s+)?(?P<ts>\d+\.\d+):\s+(?P<event>\w+):\s+(?P<fields>.*)$"
)
_FIELD_RE = re.compile(r"(\w+)=(\S*)")
_LOST_RE = re.compile(r"^CPU:\s*\d+\s+\[LOST\s+(\d+)\s+EVENTS\]")
_FAMILIES = {"AF_INET": socket.AF_INET, "AF_INET6": socket.AF_INET6}


class MalformedTraceLine(ValueError):
    """A trace line that does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class LostEvents:
    """The kernel's ``CPU:n [LOST m EVENTS]`` marker in the trace stream."""

    count: int


@dataclass(frozen=True, slots=True)
class TracefsStats:
    lines: int
    events: int
    malformed: int
    lost_markers: int  # sum of [LOST n EVENTS]
    overrun: int  # sum of per-CPU overrun + dropped events
    ignored: int  # well-formed lines of another state / event (should be 0: kernel filter)


def parse_trace_line(
    line: str, *, wall_offset: float = 0.0, ports: Sequence[int] | None = None
) -> SmtpConnectAttempted | LostEvents | None:
    """Parse one ``trace_pipe`` line.

    Returns the attempt, a :class:`LostEvents` marker, or ``None`` for a well-formed line that
    is not a move to SYN_SENT towards one of ``ports``. Raises :class:`MalformedTraceLine` for
    anything else (truncated, garbled). ``wall_offset`` is ``time.time() - time.monotonic()``.
    """
    line = line.rstrip("\r\n")
    lost = _LOST_RE.match(line)
    if lost:
        return LostEvents(int(lost.group(1)))
    m = _LINE_RE.match(line)
    if m is None:
        raise MalformedTraceLine(f"unrecognised trace line: {line[:120]!r}")
    if m.group("event") != "inet_sock_set_state":
        return None
    fields = dict(_FIELD_RE.findall(m.group("fields")))
    needed = ("family", "dport", "saddr", "daddr", "newstate")
    missing = [k for k in needed if k not in fields]
    if missing:
        raise MalformedTraceLine(f"trace line lacks {', '.join(missing)}: {line[:120]!r}")
    if fields["newstate"] != "TCP_SYN_SENT":
        return None
    family = _FAMILIES.get(fields["family"])
    if family is None:
        raise MalformedTraceLine(f"unknown family {fields['family'][:20]!r}")
    try:
        dport = int(fields["dport"])
        sport = int(fields.get("sport", "0"))
        tid = int(m.group("tid"))
        tgid_text = m.group("tgid")
        tgid = tid if "-" in tgid_text else int(tgid_text)  # "(-----)": tgid unknown
        ts = float(m.group("ts"))
    except ValueError as exc:
        raise MalformedTraceLine(f"bad number in trace line: {exc}") from None
    if not 0 < dport <= 65535:
        raise MalformedTraceLine(f"bad dport {dport}")
    if ports is not None and dport not in ports:
        return None
    if family == socket.AF_INET6:
        saddr, daddr = fields.get("saddrv6"), fields.get("daddrv6")
        if saddr is None or daddr is None:
            raise MalformedTraceLine("IPv6 trace line lacks saddrv6/daddrv6")
    else:
        saddr, daddr = fields["saddr"], fields["daddr"]
    for addr in (saddr, daddr):
        try:
            socket.inet_pton(family, addr)
        except OSError:
            raise MalformedTraceLine(f"bad address {addr[:60]!r}") from None
    comm = m.group("comm").strip()
    return SmtpConnectAttempted(
        monotonic=ts,
        wall=ts + wall_offset,
        pid=tgid,
        tid=tid,
        comm=None if comm in ("", "<...>") else comm,
        family=family,
        local=Endpoint(saddr, sport),
        remote=Endpoint(daddr, dport),
        source="tracepoint",
    )


def build_filter(ports: Sequence[int]) -> str:
    """The kernel filter expression: any of ``ports`` and the move to SYN_SENT."""
    if not ports:
        raise ValueError("no ports")
    ors = " || ".join(f"dport == {int(p)}" for p in sorted(set(ports)))
    return f"({ors}) && newstate == {TCP_SYN_SENT}"


def find_tracefs(mount_if_missing: bool = True) -> Path:
    """Return the tracefs root, mounting it at /sys/kernel/tracing when it is not mounted."""
    for root in TRACEFS_MOUNTS:
        if os.path.isdir(os.path.join(root, "instances")):
            return Path(root)
    if mount_if_missing and os.path.isdir(TRACEFS_MOUNTS[0]):
        proc = subprocess.run(
            ["mount", "-t", "tracefs", "nodev", TRACEFS_MOUNTS[0]],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode == 0 and os.path.isdir(os.path.join(TRACEFS_MOUNTS[0], "instances")):
            return Path(TRACEFS_MOUNTS[0])
        raise KernelFeatureUnavailable(
            f"tracefs is not mounted and mounting it failed: {proc.stderr.strip()[:200]}"
        )
    raise KernelFeatureUnavailable("tracefs is not available on this kernel")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_existing(path: Path, value: str) -> None:
    """Write to a control file that must already exist (never create one)."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        os.write(fd, value.encode())
    finally:
        os.close(fd)


def remove_instance(path: Path) -> None:
    """Disable our event in an instance and remove it (best effort for the disable)."""
    with contextlib.suppress(OSError):
        _write_existing(path / EVENT_DIR / "enable", "0")
    with contextlib.suppress(OSError):
        _write_existing(path / "tracing_on", "0")
    os.rmdir(path)


def remove_stale_instances(root: Path) -> list[str]:
    """Remove ``spamtrace-<pid>`` instances whose watcher is gone; return their names."""
    removed: list[str] = []
    try:
        names = os.listdir(root / "instances")
    except OSError:
        return removed
    for name in names:
        if not name.startswith(INSTANCE_PREFIX):
            continue
        suffix = name[len(INSTANCE_PREFIX) :]
        if not suffix.isdigit():
            continue
        pid = int(suffix)
        if pid == os.getpid() or _pid_alive(pid):
            continue
        with contextlib.suppress(OSError):
            remove_instance(root / "instances" / name)
            removed.append(name)
    return removed


def _write(path: Path, value: str) -> None:
    try:
        _write_existing(path, value)
    except PermissionError as exc:
        raise PermissionRequired(f"cannot write {path}: {exc.strerror} (run as root)") from None
    except OSError as exc:
        raise KernelFeatureUnavailable(f"cannot write {path}: {exc.strerror or exc}") from None


class TracefsSource:
    """Connect attempts to SMTP ports from the tracepoint, through a private instance."""

    name = "tracepoint"

    def __init__(
        self,
        ports: Sequence[int],
        *,
        root: Path | None = None,
        instance: str | None = None,
        buffer_size_kb: int = BUFFER_SIZE_KB,
    ) -> None:
        self.ports = tuple(sorted(set(int(p) for p in ports)))
        self.root = root or find_tracefs()
        self.stale_removed = remove_stale_instances(self.root)
        self.path = self.root / "instances" / (instance or f"{INSTANCE_PREFIX}{os.getpid()}")
        self._fd: int | None = None
        self._buf = b""
        self._lines = self._events = self._malformed = self._lost = self._ignored = 0
        self.wall_offset = time.time() - time.monotonic()
        if not (self.root / EVENT_DIR).is_dir():
            raise KernelFeatureUnavailable(
                "the tracepoint sock/inet_sock_set_state is not available on this kernel"
            )
        try:
            os.mkdir(self.path)
        except FileExistsError:
            with contextlib.suppress(OSError):
                remove_instance(self.path)
            try:
                os.mkdir(self.path)
            except OSError as exc:
                raise KernelFeatureUnavailable(f"cannot create {self.path}: {exc}") from None
        except PermissionError as exc:
            raise PermissionRequired(f"cannot create {self.path}: {exc.strerror}") from None
        except OSError as exc:
            raise KernelFeatureUnavailable(f"cannot create {self.path}: {exc}") from None
        try:
            _write(self.path / "trace_clock", "mono")
            _write(self.path / "options/record-tgid", "1")
            with contextlib.suppress(KernelFeatureUnavailable):
                _write(self.path / "buffer_size_kb", str(buffer_size_kb))
            _write(self.path / EVENT_DIR / "filter", build_filter(self.ports))
            self._fd = os.open(self.path / "trace_pipe", os.O_RDONLY | os.O_NONBLOCK)
            _write(self.path / EVENT_DIR / "enable", "1")
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ Source protocol
    def fileno(self) -> int:
        if self._fd is None:
            raise KernelFeatureUnavailable("tracefs source is closed")
        return self._fd

    def read_events(self) -> list[SmtpConnectAttempted]:
        """Everything readable now (never blocks); malformed lines are counted, not raised."""
        if self._fd is None:
            return []
        chunks: list[bytes] = []
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                break
            except InterruptedError:
                continue
            except OSError as exc:
                if exc.errno == errno.EAGAIN:
                    break
                raise KernelFeatureUnavailable(
                    f"tracefs instance {self.path} became unreadable ({exc.strerror or exc}); "
                    "connect events are no longer seen"
                ) from None
            if not data:
                if not self.path.is_dir():
                    raise KernelFeatureUnavailable(
                        f"tracefs instance {self.path} disappeared; connect events are no longer "
                        "seen"
                    )
                break
            chunks.append(data)
            if len(data) < (1 << 16):
                break
        if not chunks:
            return []
        data = self._buf + b"".join(chunks)
        lines = data.split(b"\n")
        self._buf = lines.pop()  # partial last line (or b"")
        if len(self._buf) > 1 << 16:  # a runaway line without newline: count and drop
            self._malformed += 1
            self._buf = b""
        return self.parse_lines(lines)

    def parse_lines(self, lines: Sequence[bytes]) -> list[SmtpConnectAttempted]:
        out: list[SmtpConnectAttempted] = []
        for raw in lines:
            if not raw.strip():
                continue
            self._lines += 1
            text = raw.decode("utf-8", "surrogateescape")
            try:
                parsed = parse_trace_line(text, wall_offset=self.wall_offset, ports=self.ports)
            except MalformedTraceLine:
                self._malformed += 1
                continue
            if parsed is None:
                self._ignored += 1
            elif isinstance(parsed, LostEvents):
                self._lost += parsed.count
            else:
                self._events += 1
                out.append(parsed)
        return out

    def close(self) -> None:
        """Stop tracing and remove the instance (idempotent; safe from a signal handler path)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                _write_existing(self.path / EVENT_DIR / "enable", "0")
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if self.path.is_dir():
            for _ in range(20):
                try:
                    remove_instance(self.path)
                    break
                except FileNotFoundError:
                    break
                except OSError:  # EBUSY right after close: retry briefly
                    time.sleep(0.05)

    # ------------------------------------------------------------------ health
    def kernel_overruns(self) -> int:
        total = 0
        try:
            cpus = os.listdir(self.path / "per_cpu")
        except OSError:
            return 0
        for cpu in cpus:
            try:
                text = (self.path / "per_cpu" / cpu / "stats").read_text()
            except OSError:
                continue
            total += parse_cpu_stats(text)
        return total

    def stats(self) -> TracefsStats:
        return TracefsStats(
            lines=self._lines,
            events=self._events,
            malformed=self._malformed,
            lost_markers=self._lost,
            overrun=self.kernel_overruns(),
            ignored=self._ignored,
        )


def parse_cpu_stats(text: str) -> int:
    """Sum ``overrun`` and ``dropped events`` from a ``per_cpu/cpuN/stats`` file."""
    total = 0
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("overrun", "dropped events"):
            with contextlib.suppress(ValueError):
                total += int(value.strip())
    return total
