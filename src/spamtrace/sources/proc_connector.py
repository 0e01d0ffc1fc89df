"""Process events (fork/exec/uid/exit) from the netlink proc connector.

Used to feed :mod:`spamtrace.attribution.exec_cache`: at EXEC the new program's ``/proc``
entry (exe, cmdline, cwd) is still readable, even for a process that connects and exits within
a millisecond, long before the tracepoint event is attributed.

Wire format (``linux/connector.h``, ``linux/cn_proc.h``)::

    nlmsghdr (16) | cn_msg: idx u32, val u32, seq u32, ack u32, len u16, flags u16 (20)
    | proc_event: what u32, cpu u32, timestamp_ns u64 (16) | union event_data

A fork storm can overflow the socket buffer: the kernel then reports ENOBUFS on ``recv``; we
raise the buffer with ``SO_RCVBUFFORCE`` (8 MiB), count every ENOBUFS and carry on (the events
in between are lost, and attribution falls back to live ``/proc`` or the uid).
Only usable from the initial user and pid namespaces, as root.

Wake-ups: on kernels that filter events (>= 6.6) the source opens two sockets. Only EXEC
events wake the reader (:meth:`ProcConnectorSource.fileno`): at an exec the process must be
read from ``/proc`` at once. FORK, UID and EXIT events wait in a second socket and are read
with the execs, or whenever the caller drains the source (before a connect is attributed,
and at least every :data:`LAZY_DRAIN_EVERY` seconds); a host starting processes then wakes
the reader once per process, not once per event (fork, exec, exit: three). The two streams
are merged in kernel-time order, and a drain ends only once the exec socket is empty after
the second socket was read, so a drain never hands out an exec without the fork before it,
nor an exit without the exec before it. Older kernels send everything to one socket.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import operator
import os
import socket
import struct
from dataclasses import dataclass
from typing import NamedTuple

from spamtrace.errors import KernelFeatureUnavailable, PermissionRequired

NETLINK_CONNECTOR = 11
CN_IDX_PROC = 1
CN_VAL_PROC = 1
PROC_CN_MCAST_LISTEN = 1
PROC_CN_MCAST_IGNORE = 2
SO_RCVBUFFORCE = 33
NLMSG_DONE = 3
NLMSG_ERROR = 2
RCVBUF_BYTES = 8 << 20

_NLMSGHDR = struct.Struct("=IHHII")
_CN_MSG = struct.Struct("=IIIIHH")
_EVENT_HDR = struct.Struct("=IIQ")
_HDR_LEN = _NLMSGHDR.size + _CN_MSG.size  # 36
_EVENT_LEN = _EVENT_HDR.size  # 16


class ProcEventKind(enum.IntEnum):
    NONE = 0x00000000
    FORK = 0x00000001
    EXEC = 0x00000002
    UID = 0x00000004
    GID = 0x00000040
    SID = 0x00000080
    PTRACE = 0x00000100
    COMM = 0x00000200
    NONZERO_EXIT = 0x20000000
    COREDUMP = 0x40000000
    EXIT = 0x80000000


class ProcEvent(NamedTuple):
    """One proc-connector event. ``pid``/``tgid`` are the subject (the child for FORK).

    A NamedTuple, not a frozen dataclass: one is built for every fork, exec and exit of the
    whole host (hundreds a second on a busy PHP-CGI server), and a frozen dataclass of ten
    fields costs ~4 µs to build here, a NamedTuple ~0.5 µs. It is as immutable.
    """

    kind: ProcEventKind
    monotonic: float  # kernel ktime (CLOCK_MONOTONIC), seconds
    pid: int
    tgid: int
    parent_pid: int | None = None  # FORK: parent; EXIT: parent
    parent_tgid: int | None = None
    ruid: int | None = None  # UID events
    euid: int | None = None
    exit_code: int | None = None
    comm: str | None = None

    @property
    def is_process(self) -> bool:
        """True for the main thread (a process), False for other threads."""
        return self.pid == self.tgid


class MalformedProcMessage(ValueError):
    """A netlink datagram that is not a well-formed proc-connector message."""


_KINDS = {int(k): k for k in ProcEventKind}
_II = struct.Struct("=ii")
_IIII = struct.Struct("=iiii")
_IIUU = struct.Struct("=iiII")
#: bytes each event kind's body needs (COMM: pid, tgid, 16 bytes of name)
_BODY = {
    ProcEventKind.FORK: 16, ProcEventKind.EXEC: 8, ProcEventKind.UID: 16,
    ProcEventKind.EXIT: 16, ProcEventKind.COMM: 24,
}  # fmt: skip


def _parse_event(data: bytes, off: int, end: int) -> ProcEvent | None:
    """One proc_event (hot: runs for every fork, exec and exit of the host; kept lean)."""
    if end - off < _EVENT_LEN:
        raise MalformedProcMessage("proc_event header truncated")
    what, _cpu, ts_ns = _EVENT_HDR.unpack_from(data, off)
    kind = _KINDS.get(what)
    if kind is None:
        return None  # an event type this version does not know
    if kind is ProcEventKind.NONE:
        return None  # the ack of our LISTEN
    body = off + _EVENT_LEN
    avail = end - body
    need = _BODY.get(kind, 8)
    if avail < need:
        raise MalformedProcMessage(f"{kind.name} event truncated ({avail} < {need} bytes)")
    mono = ts_ns / 1e9
    if kind is ProcEventKind.FORK:
        ppid, ptgid, cpid, ctgid = _IIII.unpack_from(data, body)
        return ProcEvent(kind, mono, cpid, ctgid, parent_pid=ppid, parent_tgid=ptgid)
    if kind is ProcEventKind.EXEC:
        pid, tgid = _II.unpack_from(data, body)
        return ProcEvent(kind, mono, pid, tgid)
    if kind is ProcEventKind.UID:
        pid, tgid, ruid, euid = _IIUU.unpack_from(data, body)
        return ProcEvent(kind, mono, pid, tgid, ruid=ruid, euid=euid)
    if kind is ProcEventKind.EXIT:
        pid, tgid, code, _sig = _IIUU.unpack_from(data, body)
        ppid = ptgid = None
        if avail >= 24:
            ppid, ptgid = _II.unpack_from(data, body + 16)
        return ProcEvent(kind, mono, pid, tgid, parent_pid=ppid, parent_tgid=ptgid, exit_code=code)
    if kind is ProcEventKind.COMM:
        pid, tgid = _II.unpack_from(data, body)
        raw = data[body + 8 : body + 24].split(b"\0", 1)[0]
        return ProcEvent(kind, mono, pid, tgid, comm=raw.decode("utf-8", "surrogateescape"))
    pid, tgid = _II.unpack_from(data, body)
    return ProcEvent(kind, mono, pid, tgid)


#: the whole of the datagram the kernel sends for each event: nlmsghdr, cn_msg, proc_event
#: header and the 24 bytes of its largest body (``struct proc_event`` is a union)
_WHOLE = struct.Struct("=IHHII" "IIIIHH" "IIQ" "iiiiii")
_new_event = tuple.__new__
_FAST_KINDS = {
    int(k): k
    for k in (ProcEventKind.FORK, ProcEventKind.EXEC, ProcEventKind.UID, ProcEventKind.EXIT)
}


def parse_proc_datagram(data: bytes) -> list[ProcEvent]:
    """Like :func:`parse_proc_messages` (the reference), in one ``unpack`` for the datagram
    the kernel sends for each fork, exec, uid change and exit: one message of the full size.
    Anything else goes to :func:`parse_proc_messages`. Hot: runs for every process of the
    host; the comparison tests hold both to the same output."""
    if len(data) == _WHOLE.size:
        (length, msg_type, _f, _s, _p, idx, val, _cs, _ack, cn_len, _cf, what, _cpu, ts_ns,
         a, b, c, d, e, f) = _WHOLE.unpack(data)  # fmt: skip
        kind = _FAST_KINDS.get(what)
        if (
            kind is not None and length == _WHOLE.size and msg_type != NLMSG_ERROR
            and idx == CN_IDX_PROC and val == CN_VAL_PROC and cn_len == length - _HDR_LEN
        ):  # fmt: skip
            mono = ts_ns / 1e9
            # the fields in ProcEvent's order: kind, monotonic, pid, tgid, parent_pid,
            # parent_tgid, ruid, euid, exit_code, comm
            if what == 2:  # EXEC: pid, tgid
                return [_new_event(ProcEvent, (kind, mono, a, b, None, None, None, None, None,
                                               None))]  # fmt: skip
            if what == 1:  # FORK: parent pid, parent tgid, child pid, child tgid
                return [_new_event(ProcEvent, (kind, mono, c, d, a, b, None, None, None, None))]
            if what == 0x80000000:  # EXIT: pid, tgid, code, signal, parent pid, parent tgid
                return [_new_event(ProcEvent, (kind, mono, a, b, e, f, None, None,
                                               c & 0xFFFFFFFF, None))]  # fmt: skip
            # UID: pid, tgid, ruid, euid
            return [_new_event(ProcEvent, (kind, mono, a, b, None, None, c & 0xFFFFFFFF,
                                           d & 0xFFFFFFFF, None, None))]  # fmt: skip
    return parse_proc_messages(data)


def parse_proc_messages(data: bytes) -> list[ProcEvent]:
    """Parse one datagram (possibly several netlink messages) into events.

    Raises :class:`MalformedProcMessage` on a truncated or inconsistent message; events parsed
    before the bad part are lost with it (the caller counts it).
    """
    events: list[ProcEvent] = []
    off = 0
    while off + _NLMSGHDR.size <= len(data):
        length, msg_type, _flags, _seq, _pid = _NLMSGHDR.unpack_from(data, off)
        if length < _NLMSGHDR.size or off + length > len(data):
            raise MalformedProcMessage(f"bad netlink length {length} at offset {off}")
        end = off + length
        if msg_type == NLMSG_ERROR:
            off += (length + 3) & ~3
            continue
        if length < _HDR_LEN:
            raise MalformedProcMessage("connector header truncated")
        idx, val, _cseq, _ack, cn_len, _cflags = _CN_MSG.unpack_from(data, off + _NLMSGHDR.size)
        if (idx, val) == (CN_IDX_PROC, CN_VAL_PROC):
            payload_end = min(end, off + _HDR_LEN + cn_len)
            event = _parse_event(data, off + _HDR_LEN, payload_end)
            if event is not None:
                events.append(event)
        off += (length + 3) & ~3
    if off < len(data) and len(data) - off >= 4 and data[off:].strip(b"\0"):
        raise MalformedProcMessage(f"{len(data) - off} trailing bytes")
    return events


#: the events the exec cache uses; kernels >= 6.6 filter the others out in the kernel
WANTED_EVENTS = ProcEventKind.FORK | ProcEventKind.EXEC | ProcEventKind.UID | ProcEventKind.EXIT
#: the events that wake the reader, where the kernel filters (the rest wait to be drained)
WAKING_EVENTS = ProcEventKind.EXEC
#: seconds the non-waking events may wait at most (the caller drains at least this often);
#: the socket buffer holds tens of thousands of them
LAZY_DRAIN_EVERY = 0.5


def kernel_filters_events(release: str | None = None) -> bool:
    """Does this kernel accept ``struct proc_input`` (op + event-type mask; Linux >= 6.6)?"""
    release = release or os.uname().release
    try:
        major, minor = (int(x) for x in release.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (6, 6)


def listen_message(
    op: int = PROC_CN_MCAST_LISTEN, portid: int = 0, events: int | None = None
) -> bytes:
    """The subscribe/unsubscribe message; with ``events``, the >= 6.6 filtered form."""
    payload = struct.pack("=I", op) if events is None else struct.pack("=II", op, events)
    cn = _CN_MSG.pack(CN_IDX_PROC, CN_VAL_PROC, 0, 0, len(payload), 0) + payload
    return _NLMSGHDR.pack(_NLMSGHDR.size + len(cn), NLMSG_DONE, 0, 0, portid) + cn


@dataclass(frozen=True, slots=True)
class ProcConnectorStats:
    events: int
    enobufs: int  # buffer overruns reported by the kernel (events lost)
    malformed: int
    rcvbuf: int


def _candidate_netns() -> list[str]:
    """Network namespaces to try for the connector: the host's (pid 1's, else kthreadd's),
    then our ancestors' (distinct)."""
    from spamtrace.attribution.process import host_netns_pid

    paths = [f"/proc/{host_netns_pid()}/ns/net"]
    pid = os.getppid()
    for _ in range(64):
        if pid <= 1:
            break
        paths.append(f"/proc/{pid}/ns/net")
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                data = fh.read()
            pid = int(data[data.rfind(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            break
    own = _netns_id("/proc/self/ns/net")
    out: list[str] = []
    seen: set[int] = set()
    for path in paths:
        ident = _netns_id(path)
        if ident is None or ident == own or ident in seen:
            continue
        seen.add(ident)
        out.append(path)
    return out


def _netns_id(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def _socket_in_netns(path: str) -> socket.socket:
    """A connector socket made in the network namespace ``path`` (``setns(2)``; needs root).

    Only the calling thread switches, for the ``socket()`` call only, and then switches back.
    """
    import ctypes
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    clone_newnet = 0x40000000
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        target = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        os.close(own)
        raise
    try:
        if libc.setns(target, clone_newnet) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        try:
            return socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_CONNECTOR)
        finally:
            if libc.setns(own, clone_newnet) != 0:  # pragma: no cover - cannot go back
                err = ctypes.get_errno()
                raise OSError(err, f"cannot return to the original netns: {os.strerror(err)}")
    finally:
        os.close(own)
        os.close(target)


def _listening_socket(
    rcvbuf: int, events: int | None, places: list[str | None] | None = None
) -> tuple[socket.socket, int, str | None]:
    """Socket bound and subscribed to ``events`` (None: all, unfiltered); in our netns, else
    in the first one that answers (``places``: where to try; returned: where it answered).

    The proc connector only answers in the initial network namespace, and ``watch`` may run
    inside another one (``ip netns exec``, to read that namespace's NFLOG group).
    """
    errors: list[str] = []
    for where in places if places is not None else [None, *_candidate_netns()]:
        try:
            if where is None:
                sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_CONNECTOR)
            else:
                sock = _socket_in_netns(where)
        except PermissionError:
            raise
        except OSError as exc:
            errors.append(f"{where or 'own netns'}: {exc.strerror or exc}")
            continue
        try:
            try:
                sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf)
            except OSError:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            got = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
            sock.bind((0, CN_IDX_PROC))  # portid 0: the kernel assigns a unique one
            sock.send(listen_message(PROC_CN_MCAST_LISTEN, events=events))
            sock.setblocking(False)
            return sock, got, where
        except PermissionError:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            if exc.errno != errno.ECONNREFUSED:
                raise
            errors.append(f"{where or 'own netns'}: {exc.strerror}")
    raise KernelFeatureUnavailable(
        "proc connector unavailable (only answers in the initial network namespace): "
        + "; ".join(errors)
    )


class ProcConnectorSource:
    """Non-blocking reader of proc-connector events (root, initial user and pid namespaces).

    ``split`` (default: where the kernel filters events) opens the second socket for the
    events that need not wake the reader (see the module's docstring)."""

    name = "proc-connector"

    def __init__(self, rcvbuf: int = RCVBUF_BYTES, split: bool | None = None) -> None:
        self._events = self._enobufs = self._malformed = 0
        if split is None:
            split = kernel_filters_events()
        self._sock: socket.socket | None = None
        #: FORK, UID and EXIT events, read only when drained (None: one socket for all)
        self._lazy: socket.socket | None = None
        #: events :meth:`read_execs` read, for the next :meth:`read_events`
        self._held: list[ProcEvent] = []
        try:
            if split:
                sock, self.rcvbuf, where = _listening_socket(rcvbuf, int(WAKING_EVENTS))
                self._sock = sock
                lazy = WANTED_EVENTS & ~WAKING_EVENTS
                self._lazy, _, _ = _listening_socket(rcvbuf, int(lazy), [where])
            else:
                mask = int(WANTED_EVENTS) if kernel_filters_events() else None
                self._sock, self.rcvbuf, _ = _listening_socket(rcvbuf, mask)
        except PermissionError as exc:
            self.close()
            raise PermissionRequired(f"proc connector: {exc.strerror} (run as root)") from None
        except KernelFeatureUnavailable:
            self.close()
            raise
        except OSError as exc:
            self.close()
            raise KernelFeatureUnavailable(f"proc connector unavailable: {exc}") from None

    def fileno(self) -> int:
        """The descriptor that becomes readable when a process execs (with one socket: at
        any event)."""
        if self._sock is None:
            raise KernelFeatureUnavailable("proc connector source is closed")
        return self._sock.fileno()

    @property
    def split(self) -> bool:
        """Do forks, uid changes and exits wait in a socket of their own (not waking)?"""
        return self._lazy is not None

    def read_execs(self, max_datagrams: int = 4096) -> list[ProcEvent]:
        """The execs readable now (the descriptor woke), for the caller to read their
        ``/proc`` entries at once. They are kept, and handed out again by the next
        :meth:`read_events`, in order among the forks and exits read then. Without the split,
        every event wakes the reader: all are read and kept, and the execs returned."""
        if self._sock is None:
            return []
        got = self._read(self._sock, max_datagrams)
        self._held += got
        return got if self._lazy is not None else [e for e in got if e.kind is _EXEC]

    def read_events(self, max_datagrams: int = 4096) -> list[ProcEvent]:
        """All events readable now, in kernel-time order (those :meth:`read_execs` read
        first among them); ENOBUFS is counted and reading continues."""
        if self._sock is None:
            return []
        out = self._read(self._sock, max_datagrams)
        if self._held:
            out = self._held + out
            self._held = []
        lazy = self._lazy
        if lazy is None:
            return out
        out += self._read(lazy, max_datagrams)
        # an exec may have come in while the other socket was read: its fork (read already)
        # must not be handed out without it; end on an empty exec socket
        for _ in range(64):
            more = self._read(self._sock, max_datagrams)
            if not more:
                break
            out += more
            out += self._read(lazy, max_datagrams)
        out.sort(key=_MONOTONIC)  # stable: events of one time keep their order
        return out

    def _read(self, sock: socket.socket, max_datagrams: int) -> list[ProcEvent]:
        out: list[ProcEvent] = []
        recv = sock.recv
        for _ in range(max_datagrams):
            try:
                data = recv(65536)
            except BlockingIOError:
                break
            except InterruptedError:
                continue
            except OSError as exc:
                if exc.errno == errno.ENOBUFS:
                    self._enobufs += 1
                    continue
                raise KernelFeatureUnavailable(f"proc connector read failed: {exc}") from None
            try:
                parsed = parse_proc_datagram(data)
            except MalformedProcMessage:
                self._malformed += 1
                continue
            self._events += len(parsed)
            out.extend(parsed)
        return out

    def close(self) -> None:
        self._held = []
        for sock in (self._sock, self._lazy):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setblocking(True)
                    sock.send(listen_message(PROC_CN_MCAST_IGNORE))
                sock.close()
        self._sock = self._lazy = None

    def stats(self) -> ProcConnectorStats:
        return ProcConnectorStats(self._events, self._enobufs, self._malformed, self.rcvbuf)

    @property
    def enobufs(self) -> int:
        """The overruns the kernel reported so far (:meth:`stats`, without making them):
        read before and after each drain, so that the exec cache learns when it lost events."""
        return self._enobufs


_EXEC = ProcEventKind.EXEC
#: ProcEvent.monotonic, read in C (the sort runs over every event of the host)
_MONOTONIC = operator.itemgetter(1)
