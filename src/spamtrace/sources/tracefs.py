"""The ``sock/inet_sock_set_state`` tracepoint, read from a private tracefs instance.

Every watcher gets an instance of its own (``instances/spamtrace-<pid>-<tag>``, the tag naming
the store it writes to), so several watchers and other tracing users never disturb each other.
The kernel filters the events down to the move to ``SYN_SENT`` towards one of the configured
SMTP ports, so non-SMTP traffic costs
(almost) nothing and the reader sleeps in ``poll`` while nothing happens.

Set-up (see the project's notes on this kernel): ``trace_clock`` is ``mono`` so that kernel
timestamps are comparable with :func:`time.monotonic`, ``options/record-tgid`` adds the process
id (TGID) beside the thread id. ``sport`` is always 0 at SYN_SENT (the local port is not chosen
yet) and the comm shown can be ``<...>``: attribution reads ``/proc`` instead.

Robustness: a line that does not parse is counted (``malformed``), never fatal; the kernel's
``[LOST n EVENTS]`` markers and the per-CPU ``overrun``/``dropped events`` counters are summed
into :meth:`TracefsSource.stats`. The instance is removed by :meth:`TracefsSource.close`
(the CLI calls it from ``finally`` and on SIGTERM/SIGINT), or left recording with
``close(keep=True)`` for the next start to take over (a service restart or upgrade). If the
instance or tracefs disappears under us, reading raises :class:`KernelFeatureUnavailable` with
a clear message, and the watcher degrades to polling.

Taking over a dead watcher's buffer: an instance ``spamtrace-<pid>-<tag>`` whose pid is dead
was left by a watcher killed with ``kill -9`` (or kept at a restart); its ring buffer went on
recording every connect attempt while no watcher ran. At start, once this watcher's own
instance records, each such instance with the same tag (the same store: a watcher of another
store never takes what is not its own) is stopped, its buffer read (those attempts come first from
:meth:`TracefsSource.read_events`, with their kernel timestamps), its overruns counted, and it
is removed; :attr:`TracefsSource.taken_over` says what was recovered and what its buffer lost.
The attempts both instances saw while they overlapped are reported once (same timestamp,
thread and addresses). What the killed watcher had already read but not yet stored is gone
(``trace_pipe`` reads consume): the batch in flight, as for the store. Dead instances of
another store are left to their own watcher for :data:`FOREIGN_KEEP` seconds, then removed;
untagged ones (``spamtrace-<pid>``, from before tags) are removed.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import re
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spamtrace.errors import KernelFeatureUnavailable, PermissionRequired
from spamtrace.model import Endpoint, SmtpConnectAttempted

TRACEFS_MOUNTS = ("/sys/kernel/tracing", "/sys/kernel/debug/tracing")
INSTANCE_PREFIX = "spamtrace-"
FOREIGN_KEEP = 24 * 3600.0  # a dead instance of another store is removed after this long
JOURNAL_SUFFIX = "-journal"
JOURNAL_KB = 1024  # per-CPU ring of the journal instance (never read while its watcher lives)
EVENT_DIR = "events/sock/inet_sock_set_state"
TCP_SYN_SENT = 2
#: per-CPU ring buffer (KiB); the default 1.4 MB already held a 3,000-connect burst
BUFFER_SIZE_KB = 4096
#: bytes of trace lines read at most at once (~5,000 connects): the rest at the next read
READ_MAX = 1 << 20

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
class TakenOver:
    """The buffer of a dead watcher's instance, read at start."""

    instance: str  # "spamtrace-<pid>"
    pid: int  # the dead watcher's pid
    events: int  # connect attempts recovered from its buffer
    oldest: float | None  # wall time of the oldest one
    lost: int  # events its buffer dropped (overrun, [LOST n EVENTS]) while nobody read it
    malformed: int
    in_flight: int = 0  # of ``events``: read by the dead watcher but not stored (journal)
    journal: bool = True  # False: it had no journal, so what it had read but not stored is gone
    #: its journal overwrote records and what is left of it does not reach back to what the
    #: store holds: some of what it had read but not stored may be gone
    journal_short: bool = False

    @property
    def continuous(self) -> bool:
        """Is it proven that nothing between its death and this start was missed?"""
        return not self.lost and self.journal and not self.journal_short

    def describe(self) -> str:
        text = (
            f"took over the trace buffer of watcher pid {self.pid} (no longer running): "
            f"{self.events} connect attempt(s) it recorded while no watcher ran"
        )
        if self.in_flight:
            text += f" ({self.in_flight} read by it but not yet stored, from its journal)"
        if self.lost:
            text += f"; {self.lost} event(s) were lost because its buffer overflowed"
        if not self.journal:
            text += (
                "; it had no journal: the attempts it had read but not yet stored when it died "
                "may be missing"
            )
        elif self.journal_short:
            text += (
                "; its journal had overwritten its oldest records and no longer reaches back to "
                "what the store holds: some attempts it had read but not stored may be missing"
            )
        return text


@dataclass(frozen=True, slots=True)
class TracefsStats:
    lines: int
    events: int
    malformed: int
    lost_markers: int  # sum of [LOST n EVENTS]
    overrun: int  # sum of per-CPU overrun + dropped events
    ignored: int  # well-formed lines of another state / event (should be 0: kernel filter)
    taken_over: int = 0  # attempts recovered from dead watchers' buffers at start
    duplicates: int = 0  # attempts seen by both instances during the takeover, reported once


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
    if family == socket.AF_INET6:
        # an IPv6 socket connected to an IPv4-mapped address sends IPv4: named as NFLOG and
        # sock_diag name it, so its refused attempts join it and its socket is found
        saddr, daddr = _unmapped(saddr), _unmapped(daddr)
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


def _unmapped(addr: str) -> str:
    """``::ffff:a.b.c.d`` as ``a.b.c.d``; any other address as it is."""
    if not addr.lower().startswith("::ffff:"):
        return addr  # the common case, without a parse
    mapped = ipaddress.IPv6Address(addr).ipv4_mapped
    return str(mapped) if mapped is not None else addr


def build_filter(ports: Sequence[int]) -> str:
    """The kernel filter expression: any of ``ports`` and the move to SYN_SENT."""
    if not ports:
        raise ValueError("no ports")
    ors = " || ".join(f"dport == {int(p)}" for p in sorted(set(ports)))
    return f"({ors}) && newstate == {TCP_SYN_SENT}"


#: seconds ``mount -t tracefs`` may take before the watcher gives up on it (a hung mount)
MOUNT_TIMEOUT = 10.0


def find_tracefs(mount_if_missing: bool = True) -> Path:
    """Return the tracefs root, mounting it at /sys/kernel/tracing when it is not mounted."""
    for root in TRACEFS_MOUNTS:
        if os.path.isdir(os.path.join(root, "instances")):
            return Path(root)
    if mount_if_missing and os.path.isdir(TRACEFS_MOUNTS[0]):
        try:
            proc = subprocess.run(
                ["mount", "-t", "tracefs", "nodev", TRACEFS_MOUNTS[0]],
                capture_output=True,
                text=True,
                check=False,
                timeout=MOUNT_TIMEOUT,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            why = (
                f"no answer in {MOUNT_TIMEOUT:g} s"
                if isinstance(exc, subprocess.TimeoutExpired)
                else exc.strerror
            )
            raise KernelFeatureUnavailable(
                f"tracefs is not mounted and mounting it failed: mount: {why}"
            ) from None
        if proc.returncode == 0 and os.path.isdir(os.path.join(TRACEFS_MOUNTS[0], "instances")):
            return Path(TRACEFS_MOUNTS[0])
        raise KernelFeatureUnavailable(
            f"tracefs is not mounted and mounting it failed: {proc.stderr.strip()[:200]}"
        )
    if _kernel_has_tracefs():  # "not available on this kernel" sent the admin the wrong way
        raise KernelFeatureUnavailable(
            f"tracefs is not mounted, and there is no {TRACEFS_MOUNTS[0]} to mount it on "
            "(/sys hidden or replaced, as in a container)"
        )
    raise KernelFeatureUnavailable("tracefs is not available on this kernel")


#: the kernel's filesystem types (``nodev\ttracefs`` when it has tracefs)
FILESYSTEMS = "/proc/filesystems"


def _kernel_has_tracefs() -> bool:
    try:
        with open(FILESYSTEMS, encoding="ascii", errors="replace") as fh:
            return any(line.split()[-1:] == ["tracefs"] for line in fh)
    except OSError:
        return False


def _pid_alive(pid: int, procfs: str = "/proc") -> bool:
    """Whether the watcher ``pid`` still runs. A zombie does not: a watcher killed with
    ``kill -9`` stays one until its parent reaps it (a supervisor that waits late, a shell
    script that never does), and its instance, recording all along, must be taken over now,
    not left holding the attempts of the gap."""
    from spamtrace.attribution.process import ProcStat

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return ProcStat(procfs, pid).state not in ("Z", "X")
    except (OSError, ValueError, IndexError):
        return True  # unreadable: alive, as kill() said (never take a live watcher's buffer)


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


def instance_tag(owner: str | None) -> str:
    """The tag of a watcher's instance name: a short hash of its store path ("none": none)."""
    if owner is None:
        return "none"
    import hashlib

    return hashlib.sha256(os.path.abspath(owner).encode("utf-8", "surrogateescape")).hexdigest()[:8]


def _instance_pid_tag(name: str) -> tuple[int, str | None] | None:
    """``spamtrace-<pid>[-<tag>][-journal]`` -> (pid, tag or None); None for any other name."""
    if not name.startswith(INSTANCE_PREFIX):
        return None
    pid_text, _, tag = name[len(INSTANCE_PREFIX) :].removesuffix(JOURNAL_SUFFIX).partition("-")
    if not pid_text.isdecimal():
        return None
    return int(pid_text), (tag or None)


def stale_instances(root: Path, tag: str | None = None) -> list[str]:
    """Names of the ``spamtrace-<pid>[-<tag>]`` instances whose watcher is gone, oldest pid
    first; with ``tag``, only those of that tag."""
    try:
        names = os.listdir(root / "instances")
    except OSError:
        return []
    stale: list[tuple[int, str]] = []
    for name in names:
        parsed = _instance_pid_tag(name)
        if parsed is None:
            continue
        pid, its_tag = parsed
        if tag is not None and its_tag != tag:
            continue
        if pid == os.getpid() or _pid_alive(pid):
            continue
        stale.append((pid, name))
    return [name for _, name in sorted(stale)]


def remove_stale_instances(root: Path, keep_tag: str | None = None) -> list[str]:
    """Remove the instances whose watcher is gone and that no one will take over: untagged
    ones, and another store's after :data:`FOREIGN_KEEP` seconds (never those of
    ``keep_tag``); return their names."""
    removed: list[str] = []
    now = time.time()
    for name in stale_instances(root):
        parsed = _instance_pid_tag(name)
        tag = parsed[1] if parsed else None
        if tag is not None:
            if tag == keep_tag:
                continue
            try:
                created = os.stat(root / "instances" / name).st_ctime
            except OSError:
                continue
            if now - created < FOREIGN_KEEP:
                continue
        with contextlib.suppress(OSError):
            remove_instance(root / "instances" / name)
            removed.append(name)
    return removed


def _store_key(ev: SmtpConnectAttempted) -> tuple[float, int, str]:
    """What identifies a tracepoint event in the store: (monotonic, tid, remote)."""
    return (round(ev.monotonic, 6), ev.tid, str(ev.remote))


SAME_EVENT = 200e-6  # two instances stamp one event a few microseconds apart


class _Seen:
    """Events already had, matched by thread and destination with a timestamp within
    :data:`SAME_EVENT` (each instance's ring buffer stamps the event on its own); each
    one matches once."""

    def __init__(self, keys: set[tuple[float, int, str]] | None = None) -> None:
        self._by: dict[tuple[int, str], list[float]] = {}
        for mono, tid, remote in keys or ():
            self._by.setdefault((tid, remote), []).append(mono)

    def add(self, ev: SmtpConnectAttempted) -> None:
        self._by.setdefault((ev.tid, str(ev.remote)), []).append(ev.monotonic)

    def take(self, ev: SmtpConnectAttempted) -> bool:
        monos = self._by.get((ev.tid, str(ev.remote)))
        if not monos:
            return False
        best = min(range(len(monos)), key=lambda i: abs(monos[i] - ev.monotonic))
        if abs(monos[best] - ev.monotonic) > SAME_EVENT:
            return False
        monos.pop(best)
        return True

    def __bool__(self) -> bool:
        return any(self._by.values())


def drain_pipe(fd: int, limit: int = 256 << 20) -> bytes:
    """Everything readable now from a non-blocking ``trace_pipe`` (at most ``limit`` bytes)."""
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            break
        except InterruptedError:
            continue
        if not data:
            break
        chunks.append(data)
        total += len(data)
    return b"".join(chunks)


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
        owner: str | None = None,
        stored_keys: Callable[[float], set[tuple[float, int, str]]] | None = None,
    ) -> None:
        """``owner``: the store this watcher writes to; dead instances of the same owner are
        taken over (see the module doc). ``stored_keys(since_wall)``: the (monotonic, tid,
        remote) of the tracepoint events the store holds since then, to recover from a dead
        watcher's journal only what it had read but not stored."""
        self.stored_keys = stored_keys
        self.ports = tuple(sorted(set(int(p) for p in ports)))
        self.root = root or find_tracefs()
        tag = instance_tag(owner)
        name = instance or f"{INSTANCE_PREFIX}{os.getpid()}-{tag}"
        self.path = self.root / "instances" / name
        self.stale_removed = remove_stale_instances(self.root, keep_tag=tag)
        stale = [n for n in stale_instances(self.root, tag) if n != name]
        self.taken_over: list[TakenOver] = []
        self._fd: int | None = None
        self._buf = b""
        #: the last read stopped at READ_MAX, with more left in the buffer
        self.behind = False
        self._lines = self._events = self._malformed = self._lost = self._ignored = 0
        self._duplicates = 0
        self._pending: list[SmtpConnectAttempted] = []  # taken over, not yet returned
        self._overlap = _Seen()
        self._overlap_until = 0.0
        self._keep = False
        self.journal: Path | None = self.root / "instances" / f"{name}{JOURNAL_SUFFIX}"
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
            recording_since = time.monotonic()
            self._start_journal()
            _write(self.path / EVENT_DIR / "enable", "1")
        except BaseException:
            self.close()
            raise
        journals: dict[int, str] = {}
        for stale_name in stale:  # ours records now: what the dead ones hold can be taken over
            pid_tag = _instance_pid_tag(stale_name)
            if stale_name.endswith(JOURNAL_SUFFIX) and pid_tag is not None:
                journals[pid_tag[0]] = stale_name
        for stale_name in stale:
            if not stale_name.endswith(JOURNAL_SUFFIX):
                pid_tag = _instance_pid_tag(stale_name)
                journal = journals.pop(pid_tag[0], None) if pid_tag else None
                self._take_over(stale_name, recording_since, journal)
        for journal in journals.values():  # a journal without its reader instance
            self._take_over(journal, recording_since, None)

    def _start_journal(self) -> None:
        """A second instance, never read while this watcher lives: after a ``kill -9`` it
        still holds what the reader had consumed but not stored (the batch in flight)."""
        assert self.journal is not None
        try:
            os.mkdir(self.journal)
            _write(self.journal / "trace_clock", "mono")
            _write(self.journal / "options/record-tgid", "1")
            with contextlib.suppress(KernelFeatureUnavailable):
                _write(self.journal / "buffer_size_kb", str(JOURNAL_KB))
            _write(self.journal / EVENT_DIR / "filter", build_filter(self.ports))
            _write(self.journal / EVENT_DIR / "enable", "1")
        except (OSError, KernelFeatureUnavailable):
            with contextlib.suppress(OSError):
                remove_instance(self.journal)
            self.journal = None  # the takeover then recovers what the reader had not read

    def _drain_instance(self, path: Path) -> tuple[list[SmtpConnectAttempted], int, int]:
        """Stop an instance, read all it holds, remove it: (events, lost, malformed)."""
        with contextlib.suppress(OSError):
            _write_existing(path / EVENT_DIR / "enable", "0")
        events: list[SmtpConnectAttempted] = []
        lost = malformed = 0
        try:
            fd = os.open(path / "trace_pipe", os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            fd = -1
        if fd >= 0:
            try:
                data = drain_pipe(fd)
            except OSError:
                data = b""
            finally:
                os.close(fd)
            for raw in data.split(b"\n"):
                if not raw.strip():
                    continue
                text = raw.decode("utf-8", "surrogateescape")
                try:
                    parsed = parse_trace_line(text, wall_offset=self.wall_offset, ports=self.ports)
                except MalformedTraceLine:
                    malformed += 1
                    continue
                if isinstance(parsed, LostEvents):
                    lost += parsed.count
                elif parsed is not None:
                    events.append(parsed)
        lost += _instance_overruns(path)
        for _ in range(20):
            try:
                remove_instance(path)
                break
            except FileNotFoundError:
                break
            except OSError:  # EBUSY right after the pipe was closed: retry briefly
                time.sleep(0.05)
        return events, lost, malformed

    def _take_over(self, name: str, recording_since: float, journal: str | None) -> None:
        """Take over a dead watcher's instance and journal (see the module doc)."""
        root = self.root / "instances"
        events, lost, malformed = self._drain_instance(root / name)
        in_flight = 0
        short = False
        if journal is not None:
            journaled, overwritten, bad = self._drain_instance(root / journal)
            malformed += bad
            stored = self.stored_keys(journaled[0].wall - 1.0) if (
                journaled and self.stored_keys is not None) else set()  # fmt: skip
            # a journal overwrites its oldest records by design: nothing is lost as long as
            # what is left reaches back to what the store holds (they overlap)
            short = overwritten > 0 and not (
                journaled and any(k[0] >= journaled[0].monotonic - SAME_EVENT for k in stored)
            )
            seen = _Seen(stored)
            for e in events:
                seen.add(e)
            extra = [e for e in journaled if not seen.take(e)]
            in_flight = len(extra)
            events.extend(extra)
        # nothing of the dead watcher records any more: its journal, stopped last, may hold
        # attempts made after its reader stopped, and ours has them too (a CI run counted one
        # twice when the overlap ended where the reader stopped)
        stopped = time.monotonic()
        events.sort(key=lambda e: e.monotonic)
        for ev in events:
            if ev.monotonic >= recording_since - SAME_EVENT:  # ours may have seen it too
                self._overlap.add(ev)
        self._overlap_until = max(self._overlap_until, stopped)
        self._pending.extend(events)
        self._pending.sort(key=lambda e: e.monotonic)
        pid_tag = _instance_pid_tag(name)
        self.taken_over.append(
            TakenOver(
                instance=name,
                pid=pid_tag[0] if pid_tag else 0,
                events=len(events),
                oldest=events[0].wall if events else None,
                lost=lost,
                malformed=malformed,
                in_flight=in_flight,
                journal=journal is not None,
                journal_short=short,
            )
        )

    # ------------------------------------------------------------------ Source protocol
    def fileno(self) -> int:
        if self._fd is None:
            raise KernelFeatureUnavailable("tracefs source is closed")
        return self._fd

    def read_events(self) -> list[SmtpConnectAttempted]:
        """Everything readable now (never blocks); malformed lines are counted, not raised.
        The attempts taken over from dead watchers' buffers come first, once."""
        if self._pending:
            taken, self._pending = self._pending, []
            self._events += len(taken)
            return taken + self._read_own()
        return self._read_own()

    def _read_own(self) -> list[SmtpConnectAttempted]:
        if self._fd is None:
            return []
        chunks: list[bytes] = []
        total = 0
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
            # trace_pipe gives a page or less a read: read on (not only while reads come back
            # full), or a flood of connects was read ~30 lines a loop turn, and another
            # account's connect waited seconds in the kernel's buffer behind it
            total += len(data)
            if total >= READ_MAX:
                break
        self.behind = total >= READ_MAX
        if not chunks:
            return []
        # the lines are CLOCK_MONOTONIC; what they were on the wall clock is read now, not
        # kept from the start: a step of the clock since (NTP at boot, a VM restored from a
        # snapshot) would date every later attempt off by the step (NFLOG's records, dated by
        # the kernel's wall clock, then matched none of them)
        self.wall_offset = time.time() - time.monotonic()
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
            elif (
                self._overlap
                and parsed.monotonic <= self._overlap_until + SAME_EVENT
                and self._overlap.take(parsed)
            ):
                self._duplicates += 1
            else:
                self._events += 1
                out.append(parsed)
        return out

    def close(self, keep: bool = False) -> None:
        """Stop tracing and remove the instance (idempotent; safe from a signal handler path).

        ``keep``: leave the instance recording, for the next start to take over its buffer
        (a restart loses nothing); call after the last :meth:`read_events`."""
        if keep and self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
            self._keep = True
            return
        if self._keep:
            return
        if self.journal is not None:
            with contextlib.suppress(OSError):
                remove_instance(self.journal)
            self.journal = None
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
        return _instance_overruns(self.path)

    def stats(self) -> TracefsStats:
        return TracefsStats(
            lines=self._lines,
            events=self._events,
            malformed=self._malformed,
            lost_markers=self._lost + sum(t.lost for t in self.taken_over),
            overrun=self.kernel_overruns(),
            ignored=self._ignored,
            taken_over=sum(t.events for t in self.taken_over),
            duplicates=self._duplicates,
        )


def _instance_overruns(path: Path) -> int:
    total = 0
    try:
        cpus = os.listdir(path / "per_cpu")
    except OSError:
        return 0
    for cpu in cpus:
        try:
            text = (path / "per_cpu" / cpu / "stats").read_text()
        except OSError:
            continue
        total += parse_cpu_stats(text)
    return total


def parse_cpu_stats(text: str) -> int:
    """Sum ``overrun`` and ``dropped events`` from a ``per_cpu/cpuN/stats`` file."""
    total = 0
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("overrun", "dropped events"):
            with contextlib.suppress(ValueError):
                total += int(value.strip())
    return total
