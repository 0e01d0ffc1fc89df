"""Domain objects shared by every stage of the pipeline.

sources -> ``SocketRecord`` / ``SmtpConnectAttempted`` / ``SmtpConnectBlocked`` (what was seen)
attribution -> ``ProcessInfo`` + ``Account`` (who did it, and how that was learned)
policy -> ``Verdict`` + reasons (pure decision) -> ``Connection`` (all of it together)

All are frozen, slotted dataclasses. A process is identified by pid *and* start time, never
a bare pid (pids are reused). Every attributed object says how it was attributed
(:class:`AttributionMethod`) so degraded information is visible to the user.
"""

from __future__ import annotations

import enum
import ipaddress
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    from spamtrace.sources.proc_connector import ProcEvent
    from spamtrace.sources.sockdiag_poll import PolledConnect

#: Remote ports treated as SMTP by default: relay (25), submissions (465), submission (587),
#: the common alternative (2525).
DEFAULT_SMTP_PORTS: tuple[int, ...] = (25, 465, 587, 2525)

#: Ports where a non-MTA sender is direct-to-MX spam unless explained otherwise.
RELAY_PORTS: tuple[int, ...] = (25,)


class Verdict(str, enum.Enum):
    """What a connection to a remote SMTP port is judged to be."""

    MTA = "mta"  # the server's own MTA (identified by exe path and uid)
    SSH_TUNNEL = "ssh-tunnel"  # a non-root sshd: a user's `ssh -L` port forward
    SUSPICIOUS = "suspicious"  # anything else talking to a relay port (25) directly
    SUBMISSION = "submission"  # a non-MTA process to 465/587/2525 (SMTP plugins do this)
    ALLOWED = "allowed"  # a submission that the config explicitly allows (quiet)
    #: to a relay port (25) by a process of which nothing is known (it exited before it could
    #: be read and no uid was seen): not attributed, so neither the MTA nor suspicious
    UNKNOWN = "unknown"
    # through the MTA (mail logs, not sockets): see spamtrace.policy.mail
    MAIL_SCRIPT = "mail-script"  # a script mailing above its account's limits, or malicious
    MAIL_AUTH = "mail-auth"  # an SMTP AUTH mailbox used from many networks or far above its habit

    @property
    def severity(self) -> int:
        """Higher is worse; used for sorting and exit codes."""
        return _SEVERITY[self]


_SEVERITY = {
    Verdict.MTA: 0,
    Verdict.ALLOWED: 0,
    Verdict.SUBMISSION: 1,
    Verdict.UNKNOWN: 1,
    Verdict.SSH_TUNNEL: 2,
    Verdict.SUSPICIOUS: 3,
    Verdict.MAIL_SCRIPT: 3,
    Verdict.MAIL_AUTH: 3,
}

#: what /proc says after the name of a file that is gone (a deleted script, cwd or exe)
DELETED = " (deleted)"


def without_deleted(path: str) -> tuple[str, bool]:
    """``path`` less the :data:`DELETED` mark /proc puts after a gone file's name, and
    whether it had the mark (only a mark at the end counts: ``/x (deleted)/y`` is kept)."""
    if path.endswith(DELETED):
        return path[: -len(DELETED)], True
    return path, False


#: verdicts of senders seen in mail logs (never of a connection)
MAIL_VERDICTS = frozenset({Verdict.MAIL_SCRIPT, Verdict.MAIL_AUTH})

#: Verdicts that make `check` exit 1 and `watch` open an alerting incident.
ALERTING_VERDICTS = frozenset(
    {Verdict.SUSPICIOUS, Verdict.SSH_TUNNEL, Verdict.MAIL_SCRIPT, Verdict.MAIL_AUTH}
)


class AttributionMethod(str, enum.Enum):
    """How the process behind a connection was learned (opensnitch-style fallback ladder)."""

    LIVE = "live"  # read from /proc while the process was alive (fd -> socket inode)
    TRACEPOINT = "tracepoint"  # pid from the kernel tracepoint, details read live from /proc
    EXEC_CACHE = "exec-cache"  # details from the proc-connector exec cache (process gone)
    # a php-fpm worker read live, its script from the pool's access log (the request had ended)
    FPM_ACCESS_LOG = "fpm-access-log"
    UID_ONLY = "uid-only"  # only the socket owner's uid is known (no root, or process gone)
    NFLOG_UID_ONLY = "nflog-uid-only"  # blocked packet: uid/gid from NFLOG, no process
    NONE = "none"  # nothing known (e.g. TIME_WAIT sockets have no owner)


class TcpState(str, enum.Enum):
    """Kernel TCP states (include/net/tcp_states.h), by their ss(8) names."""

    ESTABLISHED = "ESTABLISHED"
    SYN_SENT = "SYN-SENT"
    SYN_RECV = "SYN-RECV"
    FIN_WAIT1 = "FIN-WAIT-1"
    FIN_WAIT2 = "FIN-WAIT-2"
    TIME_WAIT = "TIME-WAIT"
    CLOSE = "CLOSE"
    CLOSE_WAIT = "CLOSE-WAIT"
    LAST_ACK = "LAST-ACK"
    LISTEN = "LISTEN"
    CLOSING = "CLOSING"
    NEW_SYN_RECV = "NEW-SYN-RECV"

    @classmethod
    def from_kernel(cls, number: int) -> TcpState:
        return _KERNEL_STATES[number]

    @property
    def kernel_number(self) -> int:
        return _KERNEL_NUMBERS[self]


_KERNEL_STATES = {
    1: TcpState.ESTABLISHED,
    2: TcpState.SYN_SENT,
    3: TcpState.SYN_RECV,
    4: TcpState.FIN_WAIT1,
    5: TcpState.FIN_WAIT2,
    6: TcpState.TIME_WAIT,
    7: TcpState.CLOSE,
    8: TcpState.CLOSE_WAIT,
    9: TcpState.LAST_ACK,
    10: TcpState.LISTEN,
    11: TcpState.CLOSING,
    12: TcpState.NEW_SYN_RECV,
}
_KERNEL_NUMBERS = {v: k for k, v in _KERNEL_STATES.items()}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An IP address and port. ``str()`` gives ``ip:port`` or ``[ipv6]:port``."""

    ip: str
    port: int

    def __str__(self) -> str:
        if ":" in self.ip:
            return f"[{self.ip}]:{self.port}"
        return f"{self.ip}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        """127.0.0.0/8, ::1, or an IPv4-mapped 127.x address (False for anything unparsable)."""
        try:
            addr = ipaddress.ip_address(self.ip)
        except ValueError:
            return False
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
            return addr.ipv4_mapped.is_loopback
        return addr.is_loopback


@dataclass(frozen=True, slots=True)
class SocketRecord:
    """One TCP socket as the kernel reported it (sock_diag or /proc/net/tcp*)."""

    family: int  # socket.AF_INET / AF_INET6
    state: TcpState
    local: Endpoint
    remote: Endpoint
    uid: int | None  # socket owner; None when the kernel did not say (TIME_WAIT)
    inode: int  # 0 when the socket has no file (TIME_WAIT, orphaned)
    source: str  # "sockdiag" or "procnet"


@dataclass(frozen=True, slots=True)
class ParentProcess:
    """One step of a process's parent chain."""

    pid: int
    name: str
    exe: str | None
    uid: int | None


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    """What is known about a process, and how it was learned."""

    pid: int
    start_time: float | None  # epoch seconds (stat starttime + btime); with pid it identifies it
    name: str | None
    exe: str | None
    cmdline: tuple[str, ...]
    uid: int | None  # real uid
    euid: int | None
    gid: int | None
    user: str | None
    cwd: str | None
    scripts: tuple[str, ...]  # script files it has open or was started with
    parents: tuple[ParentProcess, ...]
    method: AttributionMethod
    notes: tuple[str, ...] = ()  # what could not be read and why (e.g. "cwd: process exited")
    #: the inode of its network namespace (``net:[N]``) when read live, else None
    netns: int | None = None


class AccountKind(str, enum.Enum):
    CPANEL = "cpanel"
    DIRECTADMIN = "directadmin"
    PLESK = "plesk"
    ISPCONFIG = "ispconfig"  # user webM, home /var/www/clients/clientN/webM
    HOME = "home"  # plain /home/<user>
    SITE = "site"  # a sub-folder of [accounts] site_dirs (PHP as the web server's user)
    SYSTEM = "system"  # uid below the hosting range (daemons, root)
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Account:
    """The hosting account a uid belongs to."""

    name: str
    kind: AccountKind
    home: str | None = None
    domains: tuple[str, ...] = ()
    #: how it was found when not by the uid: "path /home/shop/public_html/x.php" (PHP run as
    #: the web server's user, mapped by its script's or working folder's path)
    via: str = ""


@dataclass(frozen=True, slots=True)
class Connection:
    """A socket to a remote SMTP port, attributed and judged."""

    socket: SocketRecord
    process: ProcessInfo | None
    account: Account | None
    verdict: Verdict
    reasons: tuple[str, ...]
    advice: tuple[str, ...] = ()  # "what to do next" lines (commands, folders)


@dataclass(frozen=True, slots=True)
class SmtpConnectAttempted:
    """A process moved a TCP socket to SYN_SENT towards an SMTP port (tracepoint event).

    ``monotonic`` is the kernel timestamp (trace_clock mono, comparable with
    ``time.monotonic()``); ``wall`` the wall-clock time it corresponds to.
    """

    monotonic: float
    wall: float
    pid: int  # thread-group id (the process), not the thread id
    tid: int
    comm: str | None  # may be unknown ("<...>" in the trace); read /proc/PID/comm instead
    family: int
    local: Endpoint  # port is 0 at SYN_SENT: not assigned yet
    remote: Endpoint
    source: str = "tracepoint"


@dataclass(frozen=True, slots=True)
class SmtpConnectBlocked:
    """The firewall rejected a SYN to an SMTP port (NFLOG record: uid/gid, no pid).

    ``wall`` is when the record was read: the kernel stamps no time on a packet of this
    host's own (the output hook). ``after``: the last moment before it that its source had
    nothing queued (wall clock), so its SYN was made after it (None: not known)."""

    wall: float
    uid: int | None
    gid: int | None
    local: Endpoint
    remote: Endpoint
    prefix: str
    source: str = "nflog"
    after: float | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """'Could not look' as a result: what was not examined, and why."""

    what: str
    reason: str


@dataclass(frozen=True, slots=True)
class AttributedAttempt:
    """A connect attempt (seen or blocked) with who made it and the verdict."""

    event: SmtpConnectAttempted | SmtpConnectBlocked
    process: ProcessInfo | None
    account: Account | None
    verdict: Verdict
    reasons: tuple[str, ...]
    blocked: bool = False


if TYPE_CHECKING:
    #: One event of any source the engine reads (the tracepoint, sock_diag polling, NFLOG,
    #: the proc connector). A new source adds its event class here.
    Event: TypeAlias = SmtpConnectAttempted | SmtpConnectBlocked | PolledConnect | ProcEvent


# The chroot rule, in one place: a process chrooted to ROOT (an FPM pool's ``chroot =``, a
# jailed shell) names a file by its path inside ROOT; this host by ROOT before it, ``..`` at
# the chroot's top staying there (as the kernel resolves it).
def pool_chroot(value: str, pool: str = "") -> str:
    """The chroot of an FPM pool from its ``chroot =`` value (``$pool`` expanded, as FPM
    does; normalised); "" when the pool has none: an empty, relative or ``/`` value."""
    value = value.replace("$pool", pool) if pool else value
    if not value.startswith("/"):
        return ""
    root = posixpath.normpath(value)
    return "" if root in ("/", "//") else root


def host_path(root: str, path: str) -> str:
    """``path`` as a process chrooted to ``root`` names it (``/public_html/x.php`` in a jail
    or an FPM pool with ``chroot =``), as this host names it (``/home/shop/public_html/x.php``):
    the path the account, the scan and the quarantine know. Unchanged without a chroot
    (``root`` empty or ``/``) and for a relative path."""
    if not root or root == "/" or not path.startswith("/"):
        return path
    return root.rstrip("/") + "/" + posixpath.normpath("/" + path.lstrip("/")).lstrip("/")


def is_within(path: str, folder: str) -> bool:
    """Is ``path`` the folder ``folder`` itself or inside it, at any depth? By the names
    alone (no link is followed): ``/home/u2`` is not inside ``/home/u``, a trailing slash on
    either changes nothing, and every absolute path is inside ``/``."""
    path, folder = path.rstrip("/"), folder.rstrip("/")
    return path == folder or path.startswith(folder + "/")


def chroot_path(root: str, path: str) -> str | None:
    """The inverse of :func:`host_path`: ``path`` of this host as a process chrooted to
    ``root`` names it (``/home/shop/www`` -> ``/www``; the chroot itself -> ``/``), or None
    when it is not inside ``root``. Unchanged without a chroot."""
    path = posixpath.normpath(path) if path.startswith("/") else path
    if not root or root == "/":
        return path
    root = posixpath.normpath(root)
    if path == root:
        return "/"
    return path[len(root) :] if path.startswith(root + "/") else None
