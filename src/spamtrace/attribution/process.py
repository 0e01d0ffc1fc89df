"""pid -> :class:`~spamtrace.model.ProcessInfo`, and socket inode -> pid.

This is the one adapter that reads processes: every ``/proc/PID`` file that spamtrace reads
is read here. Like psutil's ``_pslinux`` (whose field rules it follows: the start time from
``stat`` and ``btime``, ``name`` widened from the command line when the kernel truncated it,
``cmdline`` split on NULs or on spaces for processes that rewrote it, `` (deleted)`` dropped
from ``exe`` when that path is gone), it turns raw ``OSError`` into one vocabulary in one
place: *exited*, *zombie*, *permission denied*, *unreadable*.

Why not psutil itself: importing it costs 35-50 ms on these machines, more than the whole
``check`` pipeline (sock_diag and the fd search take ~15 ms on a host with 12,000 sockets), and
``check`` is meant to be the fast first look. psutil stays in use where its breadth pays (the
audits' interface addresses and process listing).

Rules kept here:

- A process is its pid *and* its start time. :func:`read_process` reads the start time first
  and checks it again at the end; if the pid now belongs to another process, the details read
  are discarded and a note says so.
- Nothing raises for a process that vanished, is a zombie or cannot be read: the fields that
  could not be read are ``None`` and ``notes`` says why ("cwd: permission denied ...").
- :func:`find_socket_owners` looks for socket inodes only in the fds of processes owned by the
  socket's uid (``st_uid`` of ``/proc/PID``, stat'ed one by one from the highest pid down,
  stopping as soon as all are found),
  then widens step by step (root-owned
  non-dumpable processes such as sshd's and exim's children, processes whose uids include the
  socket's uid, finally everything) only for the inodes that are still missing.

``procfs`` lets tests point at a fake ``/proc`` tree.
"""

from __future__ import annotations

import errno
import os
import posixpath
import pwd
import time
from typing import TYPE_CHECKING

from spamtrace.attribution.elfid import InterpreterIds
from spamtrace.model import (
    DELETED,
    AttributionMethod,
    ParentProcess,
    ProcessInfo,
    host_path,
    without_deleted,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from typing import TypeVar

    from spamtrace.policy.responses import PidNow

    T = TypeVar("T")

#: How many parents to follow (pid 1 ends the chain earlier on any sane system).
MAX_PARENTS = 16
#: At most this many script paths per process (a process could hold thousands of files).
MAX_SCRIPTS = 32

#: File name endings of scripts worth reporting (lower-cased comparison).
SCRIPT_EXTENSIONS = (
    ".php", ".phtml", ".php3", ".php4", ".php5", ".php7", ".php8", ".phar", ".inc",
    ".py", ".pl", ".pm", ".cgi", ".rb", ".sh", ".bash", ".js", ".lua", ".tcl",
)  # fmt: skip

#: Open files under these directories are the interpreter's own libraries, not a site's script.
_SYSTEM_PREFIXES = ("/usr/lib/", "/usr/lib64/", "/usr/share/", "/usr/local/lib/", "/proc/")

_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "csh", "tcsh"})
_VERSION_CHARS = frozenset("0123456789.")

# per interpreter family: options that take a separate value, options after which there is no
# script (code given inline or a module), and the option that names the script explicitly
_FAMILIES: dict[str, tuple[frozenset[str], frozenset[str], str | None]] = {
    "php": (
        frozenset({"-c", "-d", "-z", "-t", "-S"}),
        frozenset({"-r", "-B", "-R", "-E", "-a"}),
        "-f",
    ),
    "python": (frozenset({"-W", "-X", "--check-hash-based-pycs"}), frozenset({"-c", "-m"}), None),
    "perl": (frozenset({"-I", "-M", "-m"}), frozenset({"-e", "-E"}), None),
    "ruby": (frozenset({"-I", "-r", "-C", "-E"}), frozenset({"-e"}), None),
    "node": (frozenset({"-r", "--require"}), frozenset({"-e", "--eval", "-p", "--print"}), None),
    "shell": (frozenset({"-o", "+o", "-O", "+O"}), frozenset({"-c"}), None),
}

_USER_CACHE: dict[int, str | None] = {}
#: (procfs, pid, start time) -> (parent, its ppid): ancestors are shared by many processes
_PARENT_CACHE: dict[tuple[str, int, float], tuple[ParentProcess, int]] = {}
_BOOT_TIME: dict[str, float] = {}
_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
#: the kernel keeps 15 bytes of a process name (TASK_COMM_LEN - 1)
_COMM_LEN = 15


#: what the user names are read from; the cache is dropped when it changes
PASSWD = "/etc/passwd"
_PASSWD_SEEN: list[tuple[int, int, int] | None] = [None]


#: seconds a stamp of the passwd file is taken as current (the look-ups run per event)
PASSWD_CHECK_EVERY = 1.0
_PASSWD_STAMPS: dict[str, tuple[float, tuple[int, int, int] | None]] = {}


def passwd_stamp(path: str = PASSWD) -> tuple[int, int, int] | None:
    """(inode, size, mtime) of the passwd file: it changes when an account is added, renamed
    or deleted (a hosting panel reuses a deleted account's uid). Looked at once a
    :data:`PASSWD_CHECK_EVERY` at most, for every cache that follows it."""
    now = time.monotonic()
    seen = _PASSWD_STAMPS.get(path)
    if seen is not None and now - seen[0] < PASSWD_CHECK_EVERY:
        return seen[1]
    try:
        st = os.stat(path)
    except OSError:
        stamp = None
    else:
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
    _PASSWD_STAMPS[path] = (now, stamp)
    return stamp


def user_name(uid: int | None) -> str | None:
    """The user name of ``uid`` (None when unknown); cached until the passwd file changes
    (a daemon that runs for months named a deleted account's uid by the old name)."""
    if uid is None:
        return None
    stamp = passwd_stamp(PASSWD)
    if stamp != _PASSWD_SEEN[0]:
        _USER_CACHE.clear()
        _PASSWD_SEEN[0] = stamp
    if uid not in _USER_CACHE:
        try:
            _USER_CACHE[uid] = pwd.getpwuid(uid).pw_name
        except (KeyError, OverflowError):
            _USER_CACHE[uid] = None
    return _USER_CACHE[uid]


# ----------------------------------------------------------------------------- /proc files
class ProcessGone(OSError):
    """The process exited (its /proc directory is gone)."""


class ProcessZombie(OSError):
    """The process is exiting: its exe, cwd and fds are gone but its pid is still there."""


def boot_time(procfs: str = "/proc") -> float:
    """``btime`` of ``procfs/stat`` (epoch seconds; 0.0 when unreadable); cached per procfs."""
    value = _BOOT_TIME.get(procfs)
    if value is None:
        value = 0.0
        try:
            with open(f"{procfs}/stat", "rb") as fh:
                for line in fh:
                    if line.startswith(b"btime "):
                        value = float(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            pass
        _BOOT_TIME[procfs] = value
    return value


def _read_file(path: str) -> bytes:
    with open(path, "rb", buffering=0) as fh:
        return fh.read()


class ProcStat:
    """The fields of ``/proc/PID/stat`` that spamtrace uses (name, state, ppid, start time)."""

    __slots__ = ("name", "ppid", "start_time", "state")

    def __init__(self, procfs: str, pid: int) -> None:
        data = _read_procfile(procfs, pid, "stat")
        open_at, close_at = data.find(b"("), data.rfind(b")")
        if open_at < 0 or close_at < open_at:
            raise ValueError("malformed stat")
        self.name = os.fsdecode(data[open_at + 1 : close_at])
        tail = data[close_at + 2 :].split()
        self.state = tail[0].decode("ascii", "replace")
        self.ppid = int(tail[1])
        self.start_time = boot_time(procfs) + int(tail[19]) / _CLK_TCK


def host_netns_pid(procfs: str = "/proc") -> int:
    """A pid of the host's network namespace: 1; where root may not read pid 1's
    (``/proc/1/ns/net``: an init whose capabilities are above the caller's, as a VM's init
    can be, is EACCES even for root), 2 when it is kthreadd (no parent: a kernel thread, and
    every kernel thread is in the initial network namespace). An unreadable pid 1 was taken
    for "not the host": a watcher on the host held back its responses to every other
    namespace's sender, and a daemon run in a namespace found no proc connector."""
    try:
        os.stat(f"{procfs}/1/ns/net")
    except OSError:
        try:
            if ProcStat(procfs, 2).ppid == 0:
                return 2
        except (OSError, ValueError, IndexError):
            pass
    return 1


def mta_netns(uids: frozenset[int], exes: frozenset[str], procfs: str = "/proc") -> frozenset[int]:
    """The network namespaces (``net:[N]`` inodes) of the running processes of this host's
    MTA: those of a uid in ``uids`` (its service users) or an exe in ``exes``, whose root
    folder is this host's (a container's own MTA, in its own root, is not this one). Empty
    when none could be read."""
    try:
        root = os.stat(f"{procfs}/self/root")
        names = os.listdir(procfs)
    except OSError:
        return frozenset()
    found: set[int] = set()
    for name in names:
        if not name.isdecimal():
            continue
        base = f"{procfs}/{name}"
        try:
            if os.stat(base).st_uid not in uids and os.readlink(f"{base}/exe") not in exes:
                continue
            theirs = os.stat(f"{base}/root")
            if (theirs.st_dev, theirs.st_ino) == (root.st_dev, root.st_ino):
                found.add(os.stat(f"{base}/ns/net").st_ino)
        except OSError:  # gone, a kernel thread (no exe), or not ours to read
            continue
    return frozenset(found)


def _pid_exists(procfs: str, pid: int) -> bool:
    return os.path.lexists(f"{procfs}/{pid}")


def _read_procfile(procfs: str, pid: int, name: str) -> bytes:
    try:
        return _read_file(f"{procfs}/{pid}/{name}")
    except (FileNotFoundError, ProcessLookupError):
        raise ProcessGone(errno.ESRCH, "process exited") from None


def _readlink(procfs: str, pid: int, name: str) -> str:
    try:
        path = os.readlink(f"{procfs}/{pid}/{name}")
    except (FileNotFoundError, ProcessLookupError):
        if not _pid_exists(procfs, pid):
            raise ProcessGone(errno.ESRCH, "process exited") from None
        try:
            zombie = ProcStat(procfs, pid).state == "Z"
        except (OSError, ValueError, IndexError):
            zombie = False
        if zombie:
            raise ProcessZombie(errno.ENOENT, "zombie") from None
        raise
    return path.split("\x00", 1)[0]


def _cwd(procfs: str, pid: int, notes: _Notes) -> str:
    """The working folder; one nested deeper than the kernel can name (a path over PATH_MAX,
    4096 bytes: readlink says ENAMETOOLONG, a place to hide a mailer from `lsof`-style
    hunts) is the link itself, ``/proc/PID/cwd``, which opens it while the process runs:
    the scans of the sender's folder go through it, and a note says why."""
    try:
        return _readlink(procfs, pid, "cwd")
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
    link = f"{procfs}/{pid}/cwd"
    notes.add(
        f"cwd: its path is longer than the kernel can name (over {os.pathconf('/', 'PC_PATH_MAX')}"
        f" bytes: a folder nested that deep to hide); reached as {link} while the process runs"
    )
    return link


def start_time(pid: int, procfs: str = "/proc") -> float:
    """The start time of ``pid`` in epoch seconds (what psutil calls ``create_time``)."""
    return ProcStat(procfs, pid).start_time


def started_now(pid: int, procfs: str = "/proc") -> float | None:
    """The start time of the process at ``pid`` now; None when there is none, or only a
    zombie (it has ended: its parent has not reaped it yet). Raises ``PermissionError`` when
    /proc hides other users' processes from this one (``hidepid``): it could not look."""
    try:
        st = ProcStat(procfs, pid)
    except PermissionError:
        raise
    except (OSError, ValueError, IndexError):
        if os.geteuid() != 0 and not _pid_exists(procfs, 1):  # hidepid: init is hidden too
            raise PermissionError(errno.EACCES, "hidden by hidepid") from None
        return None
    return None if st.state in ("Z", "X") else st.start_time


def pids_now(
    pids: dict[int, float | None],
    read: Callable[[int], float | None] = started_now,
) -> dict[int, PidNow]:
    """What holds each pid an incident's advice names (with the start time it recorded,
    ``policy.responses.advice_pids``) when a view of it is read: for ``advice_after``."""
    from spamtrace.policy.responses import PidNow

    out: dict[int, PidNow] = {}
    for pid, recorded in pids.items():
        try:
            out[pid] = PidNow(pid, recorded, read(pid))
        except OSError:
            out[pid] = PidNow(pid, recorded, None, looked=False)
    return out


def senders_now(
    advice: Sequence[str],
    process: object,
    actions: Iterable[object],
    read: Callable[[int], float | None] = started_now,
) -> dict[int, PidNow]:
    """:func:`pids_now` of the pids an incident's stored ``advice`` names (its ``process``
    dict and its responses give their recorded start times): for a view read later than the
    advice was written (``incident ID``, an alert of an update)."""
    from spamtrace.policy.responses import advice_pids

    return pids_now(advice_pids(advice, process, actions), read)


def split_cmdline(raw: bytes) -> tuple[tuple[str, ...], bool]:
    """``/proc/PID/cmdline`` as an argv, and whether it is a rewritten process title.

    A title ("php-fpm: pool www", "sshd: user [priv]") is what a process wrote over its
    arguments: the kernel then shows one string, with no NUL between words (split here on
    spaces, as psutil does), or one argument padded with NULs. An argv as exec'd has its
    arguments NUL-separated, whatever argv[0] says: ``exec -a "php: /x.php" php /x.php`` is
    an argv, not a title.
    """
    data = os.fsdecode(raw)
    if not data:
        return (), False
    sep = "\x00" if data.endswith("\x00") else " "
    if data.endswith(sep):
        data = data[:-1]
    parts = data.split(sep)
    rewritten = sep == " " or not any(parts[1:])
    if sep == "\x00" and len(parts) == 1 and " " in data:
        parts = data.split(" ")  # a process that rewrote its title with spaces
    elif sep == "\x00" and rewritten:
        parts = parts[:1]  # the NULs that pad a title over the old argv are no arguments
    return tuple(parts), rewritten


def _cmdline(procfs: str, pid: int) -> tuple[tuple[str, ...], bool]:
    return split_cmdline(_read_procfile(procfs, pid, "cmdline"))


def _ids(procfs: str, pid: int) -> tuple[tuple[int, int] | None, int | None]:
    """((real uid, effective uid), real gid) from ``status``."""
    uids: tuple[int, int] | None = None
    gid: int | None = None
    for line in _read_procfile(procfs, pid, "status").splitlines():
        if line.startswith(b"Uid:"):
            fields = line.split()
            uids = (int(fields[1]), int(fields[2]))
        elif line.startswith(b"Gid:"):
            gid = int(line.split()[1])
            break
    return uids, gid


def _exe(procfs: str, pid: int) -> str | None:
    try:
        path = _readlink(procfs, pid, "exe")
    except FileNotFoundError:
        return None  # a kernel thread: no exe
    base, gone = without_deleted(path)
    if gone and not os.path.lexists(path):
        path = base
    return path or None


class _Notes:
    """Collects what could not be read, once per field."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.gone = False

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)

    def get(self, what: str, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except ProcessZombie:
            self.add(f"{what}: process is exiting (zombie)")
        except ProcessGone:
            self.gone = True
            self.add(f"{what}: process exited")
        except PermissionError:
            self.add(f"{what}: permission denied (run as root)")
        except (OSError, ValueError, IndexError) as exc:
            self.add(f"{what}: unreadable ({type(exc).__name__})")
        return None


def _gone(
    pid: int, method: AttributionMethod, note: str, start: float | None = None
) -> ProcessInfo:
    return ProcessInfo(
        pid=pid, start_time=start, name=None, exe=None, cmdline=(), uid=None, euid=None,
        gid=None, user=None, cwd=None, scripts=(), parents=(), method=method, notes=(note,),
    )  # fmt: skip


def read_process(
    pid: int, *, method: AttributionMethod = AttributionMethod.LIVE, procfs: str = "/proc"
) -> ProcessInfo:
    """Everything knowable about ``pid`` now. Never raises for a vanished or unreadable process."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return _gone(int(pid) if isinstance(pid, int) else 0, method, "invalid pid")
    try:
        stat = ProcStat(procfs, pid)
    except ProcessGone:
        return _gone(pid, method, "process exited before it could be read")
    except (OSError, ValueError, IndexError) as exc:
        return _gone(pid, method, f"process unreadable ({type(exc).__name__})")
    notes = _Notes()
    start = stat.start_time
    cmdline, title = notes.get("cmdline", lambda: _cmdline(procfs, pid)) or ((), False)
    name = stat.name
    if len(name) >= _COMM_LEN and cmdline:
        widened = posixpath.basename(cmdline[0])
        if widened.startswith(name):
            name = widened  # the kernel keeps 15 bytes of a name; the command line has all
    exe = notes.get("exe", lambda: _exe(procfs, pid))
    ids = notes.get("uid", lambda: _ids(procfs, pid))
    uids, gid = ids if ids is not None else (None, None)
    cwd = notes.get("cwd", lambda: _cwd(procfs, pid, notes)) or None
    uid = uids[0] if uids is not None else None
    euid = uids[1] if uids is not None else None
    scripts = _scripts(procfs, pid, cmdline, exe, cwd, notes, title)
    parents = _parents(procfs, stat.ppid, start, notes) if stat.ppid else ()
    try:  # a loopback of another namespace (a container's) is not this host's
        netns: int | None = os.stat(f"{procfs}/{pid}/ns/net").st_ino
    except OSError:
        netns = None
    # same process still? (pid + start time)
    try:
        now = start_time(pid, procfs)
    except ProcessGone:
        notes.add("process exited during the read; details may be incomplete")
    except (OSError, ValueError, IndexError):
        pass
    else:
        if abs(now - start) > 0.01:
            return _gone(pid, method, "pid was reused by another process during the read", start)
    return ProcessInfo(
        pid=pid,
        start_time=start,
        name=name,
        exe=exe,
        cmdline=cmdline,
        uid=uid,
        euid=euid,
        gid=gid,
        user=user_name(uid),
        cwd=cwd,
        scripts=scripts,
        parents=parents,
        method=method,
        notes=tuple(notes.items),
        netns=netns,
    )


def _parents(
    procfs: str, ppid: int, child_start: float | None, notes: _Notes
) -> tuple[ParentProcess, ...]:
    chain: list[ParentProcess] = []
    seen: set[int] = set()
    pid: int | None = ppid
    while pid and pid not in seen and len(chain) < MAX_PARENTS:
        seen.add(pid)
        try:
            stat = ProcStat(procfs, pid)
            start = stat.start_time
            if child_start is not None and start > child_start + 0.01:
                notes.add(f"parent {pid}: pid reused (started after its child)")
                break
            cached = _PARENT_CACHE.get((procfs, pid, start))
            if cached is not None:  # same process (pid + start time) seen before
                chain.append(cached[0])
                child_start, pid = start, cached[1]
                continue
            try:
                exe: str | None = _exe(procfs, pid)
            except (ProcessZombie, PermissionError, OSError):
                exe = None
            try:
                ids = _ids(procfs, pid)[0]
                puid: int | None = ids[0] if ids is not None else None
            except (OSError, ValueError, IndexError):
                puid = None
        except ProcessGone:
            notes.add(f"parent {pid}: process exited")
            break
        except (OSError, ValueError, IndexError) as exc:
            notes.add(f"parent {pid}: unreadable ({type(exc).__name__})")
            break
        entry = ParentProcess(pid=pid, name=stat.name, exe=exe, uid=puid)
        if len(_PARENT_CACHE) >= 4096:
            _PARENT_CACHE.clear()
        _PARENT_CACHE[(procfs, pid, start)] = (entry, stat.ppid)
        chain.append(entry)
        child_start = start
        pid = stat.ppid
    return tuple(chain)


# ----------------------------------------------------------------------------- scripts
def is_script_path(path: str) -> bool:
    """A path that looks like a site script (by its ending), outside interpreter libraries."""
    if not path.startswith("/") or path.startswith(_SYSTEM_PREFIXES):
        return False
    base = path.removesuffix(DELETED)
    return base.lower().endswith(SCRIPT_EXTENSIONS)


def open_script_files(procfs: str, pid: int, notes: _Notes | None = None) -> list[str]:
    """Script files that ``pid`` holds open (PHP CLI and FPM keep the running script open)."""
    out: list[str] = []
    fd_dir = f"{procfs}/{pid}/fd"
    try:
        it = os.scandir(fd_dir)
    except PermissionError:
        if notes:
            notes.add("open files: permission denied (run as root)")
        return out
    except OSError:
        if notes:
            notes.add("open files: unreadable (process exited?)")
        return out
    with it:
        for entry in it:
            try:
                target = os.readlink(entry.path)
            except OSError:
                continue
            if is_script_path(target) and target not in out:
                out.append(target)
                if len(out) >= MAX_SCRIPTS:
                    break
    return out


def _versioned(base: str, stem: str) -> bool:
    """``stem`` followed only by version characters (``perl5.36``, ``ruby3.1``)."""
    return base.startswith(stem) and _VERSION_CHARS.issuperset(base[len(stem) :])


def family_of_name(word: str) -> str | None:
    """The interpreter family a file name says (``php8.2`` -> ``php``), or None."""
    base = posixpath.basename(word)
    if base.startswith(("php", "lsphp")):
        rest = base[5:] if base.startswith("lsphp") else base[3:]
        if all(c.isalnum() or c in "_.-" for c in rest):
            return "php"  # php, php8.2, php-cgi, php-fpm8.1, lsphp
    if _versioned(base[:-1] if base.endswith("m") else base, "python"):
        return "python"
    if _versioned(base, "perl"):
        return "perl"
    if _versioned(base, "ruby"):
        return "ruby"
    if base in ("node", "nodejs"):
        return "node"
    if base in _SHELLS:
        return "shell"
    return None


_INTERPRETERS: InterpreterIds | None = None


def interpreter_family(exe_file: str, *, follow: bool = True) -> str | None:
    """The interpreter family (``php``, ``python``...) that ``exe_file`` is a copy of, by its
    ELF build id (a renamed interpreter), or None."""
    global _INTERPRETERS
    if _INTERPRETERS is None:
        _INTERPRETERS = InterpreterIds(family_of_name)
    return _INTERPRETERS.family(exe_file, follow=follow)


def script_from_cmdline(
    cmdline: tuple[str, ...] | list[str],
    exe: str | None,
    *,
    title: bool = False,
    family: str | None = None,
) -> str | None:
    """The script an interpreter was started with, as written on its command line.

    Handles ``php [-d k=v] [-f] file``, ``python [-W x] file`` (not ``-c``/``-m``), perl,
    ruby, node, shells, and LiteSpeed's ``lsphp:/path/script.php`` process titles.

    argv[0] is whatever the starter chose (``exec -a``): the interpreter is known by ``exe``
    first, and argv[0] only when the exe is unknown. A process title (``title``, see
    :func:`split_cmdline`, or a command line of one argument) names no script, except
    lsphp's, which is believed only of an lsphp executable. Whatever argv[0] holds, a script
    argument after it is read: ``exec -a "php: /x.php" php /x.php`` runs /x.php.
    ``family`` is the interpreter the exe was found to be by its identity (a renamed copy of
    python, see :func:`interpreter_family`), when its name says nothing.
    """
    if not cmdline:
        return None
    first = cmdline[0]
    lsphp = exe is None or posixpath.basename(exe).startswith("lsphp")
    if lsphp and first.startswith("lsphp:") and len(first) > len("lsphp:"):
        return first[len("lsphp:") :].strip() or None
    if title or not any(cmdline[1:]):
        return None  # a title ("php-fpm: pool www") or no argument: no script named
    family = (family_of_name(exe) if exe else None) or family
    if family is None:
        if exe is None and (first.endswith(":") or ": " in first):
            return None  # the exe is unknown and argv[0] reads like a title ("sshd: user")
        family = family_of_name(first)
    if family is None or "fpm" in posixpath.basename(exe or first):
        return None  # FPM workers take no script argument: their script is an open fd
    with_value, no_script, script_opt = _FAMILIES[family]
    args = list(cmdline[1:])
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return args[i + 1] if i + 1 < len(args) else None
        if script_opt is not None and arg == script_opt:
            return args[i + 1] if i + 1 < len(args) else None
        if arg in no_script or any(arg.startswith(o) and len(o) == 2 for o in no_script):
            return None
        if arg in with_value:
            i += 2
            continue
        if (arg.startswith("-") or arg.startswith("+")) and arg not in ("-", "+"):
            i += 1
            continue
        return arg
    return None


def _scripts(
    procfs: str,
    pid: int,
    cmdline: tuple[str, ...],
    exe: str | None,
    cwd: str | None,
    notes: _Notes,
    title: bool = False,
) -> tuple[str, ...]:
    found = open_script_files(procfs, pid, notes)
    family = None
    if exe and not title and any(cmdline[1:]) and family_of_name(exe) is None:
        # the running binary; its path when the process exited since its exe was read
        family = interpreter_family(f"{procfs}/{pid}/exe") or interpreter_family(exe, follow=False)
    from_cmd = script_from_cmdline(cmdline, exe, title=title, family=family)
    if from_cmd:
        if not from_cmd.startswith("/") and cwd:
            from_cmd = posixpath.normpath(posixpath.join(cwd, from_cmd))
        elif from_cmd.startswith("/"):  # a chrooted process (a jail) names it inside its root
            try:  # unreadable (not root, gone): as written, as before
                root = os.readlink(f"{procfs}/{pid}/root")
            except OSError:
                root = "/"
            if root.startswith("/"):
                from_cmd = host_path(root, from_cmd)
        # `php x.php` that ran unlink(__FILE__): its open file `x.php (deleted)` is the file
        # the command line names (a file put at the name since is another one)
        gone = from_cmd + DELETED in found and not os.path.lexists(from_cmd)
        if from_cmd not in found and not gone:
            found.append(from_cmd)
    return tuple(found[:MAX_SCRIPTS])


# ----------------------------------------------------------------------------- inode -> pid
def _pid_dirs(procfs: str) -> Iterator[tuple[str, int]]:
    """(pid name, owner uid) of every /proc/PID entry that can be stat'ed, highest pid first.

    Lazy: each entry is stat'ed only when the caller asks for it (a stat of /proc/PID costs
    ~6 us here; a host has thousands), so a search that ends early saves the rest.
    """
    try:
        names = [name for name in os.listdir(procfs) if name.isdecimal()]
    except OSError:
        return
    names.sort(key=int, reverse=True)
    for name in names:
        try:
            owner = os.stat(f"{procfs}/{name}").st_uid
        except OSError:
            continue
        yield name, owner


def _scan_fds(procfs: str, pid: str, pending: dict[str, int], found: dict[int, int]) -> None:
    try:
        it = os.scandir(f"{procfs}/{pid}/fd")
    except OSError:
        return
    with it:
        for entry in it:
            try:
                target = os.readlink(entry.path)
            except OSError:
                continue
            inode = pending.pop(target, None)
            if inode is not None:
                found[inode] = int(pid)
                if not pending:
                    return


def holds_socket(pid: int, inode: int, procfs: str = "/proc") -> bool:
    """Does ``pid`` still hold socket ``inode``? (the pid may have been reused meanwhile)"""
    found: dict[int, int] = {}
    _scan_fds(procfs, str(pid), {f"socket:[{inode}]": inode}, found)
    return bool(found)


def _status_uids(procfs: str, pid: str) -> set[int]:
    """All four uids (real, effective, saved, fs) from /proc/PID/status."""
    try:
        with open(f"{procfs}/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Uid:"):
                    return {int(x) for x in line.split()[1:5]}
    except (OSError, ValueError):
        pass
    return set()


def find_socket_owners(inodes_by_uid: dict[int, set[int]], procfs: str = "/proc") -> dict[int, int]:
    """Map socket inodes to the pid holding them, scanning as few fd tables as possible.

    ``inodes_by_uid`` is what sock_diag gives: the owner uid of each socket and its inode.
    Inode 0 (no file: TIME_WAIT, orphaned) is ignored. Inodes not found (process exited, or
    its fds are unreadable without root) are simply absent from the result.
    """
    pending: dict[str, int] = {}
    for inodes in inodes_by_uid.values():
        for inode in inodes:
            if inode:
                pending[f"socket:[{inode}]"] = inode
    found: dict[int, int] = {}
    if not pending:
        return found
    uids = {uid for uid, inodes in inodes_by_uid.items() if inodes}
    root_owned: list[str] = []
    others: list[str] = []
    # pass 1: processes owned by a socket's uid, highest (usually newest) pid first: a sender is
    # usually younger than the idle processes around it, so the search often ends after a few
    # stats (only the order changes, never the result)
    for pid, owner in _pid_dirs(procfs):
        if owner in uids:
            _scan_fds(procfs, pid, pending, found)
            if not pending:
                return found
        elif owner == 0:
            root_owned.append(pid)
        else:
            others.append(pid)
    pending_uids = {uid for uid, inodes in inodes_by_uid.items() if set(inodes) - set(found)}
    # pass 2: /proc/PID of a non-dumpable process (sshd's user child, exim after setuid) is
    # owned by root: look at the uids in its status instead
    for pid in root_owned:
        if _status_uids(procfs, pid) & pending_uids:
            _scan_fds(procfs, pid, pending, found)
            if not pending:
                return found
    # pass 3: everything else (uid changed after the socket was made, fd passing)
    for pid in root_owned + others:
        _scan_fds(procfs, pid, pending, found)
        if not pending:
            break
    return found
