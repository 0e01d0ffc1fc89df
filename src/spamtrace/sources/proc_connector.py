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
"""

from __future__ import annotations

import contextlib
import enum
import errno
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
    """Network namespaces to try for the connector: pid 1's, then our ancestors' (distinct)."""
    paths = ["/proc/1/ns/net"]
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


def _listening_socket(rcvbuf: int) -> tuple[socket.socket, int]:
    """Socket bound and subscribed; in our netns, else in the first one that answers.

    The proc connector only answers in the initial network namespace, and ``watch`` may run
    inside another one (``ip netns exec``, to read that namespace's NFLOG group).
    """
    errors: list[str] = []
    for where in [None, *_candidate_netns()]:
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
            mask = int(WANTED_EVENTS) if kernel_filters_events() else None
            sock.send(listen_message(PROC_CN_MCAST_LISTEN, events=mask))
            sock.setblocking(False)
            return sock, got
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
    """Non-blocking reader of proc-connector events (root, initial user and pid namespaces)."""

    name = "proc-connector"

    def __init__(self, rcvbuf: int = RCVBUF_BYTES) -> None:
        self._events = self._enobufs = self._malformed = 0
        try:
            sock, self.rcvbuf = _listening_socket(rcvbuf)
        except PermissionError as exc:
            raise PermissionRequired(f"proc connector: {exc.strerror} (run as root)") from None
        except OSError as exc:
            raise KernelFeatureUnavailable(f"proc connector unavailable: {exc}") from None
        self._sock: socket.socket | None = sock

    def fileno(self) -> int:
        if self._sock is None:
            raise KernelFeatureUnavailable("proc connector source is closed")
        return self._sock.fileno()

    def read_events(self, max_datagrams: int = 4096) -> list[ProcEvent]:
        """All events readable now; ENOBUFS is counted and reading continues."""
        out: list[ProcEvent] = []
        if self._sock is None:
            return out
        for _ in range(max_datagrams):
            try:
                data = self._sock.recv(65536)
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
                parsed = parse_proc_messages(data)
            except MalformedProcMessage:
                self._malformed += 1
                continue
            self._events += len(parsed)
            out.extend(parsed)
        return out

    def close(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.setblocking(True)
                self._sock.send(listen_message(PROC_CN_MCAST_IGNORE))
            self._sock.close()
            self._sock = None

    def stats(self) -> ProcConnectorStats:
        return ProcConnectorStats(self._events, self._enobufs, self._malformed, self.rcvbuf)
