"""pid -> :class:`~spamtrace.model.ProcessInfo`, and socket inode -> pid.

This is the one adapter that reads processes. psutil does the per-process reading (it turns
raw ``OSError`` into ``NoSuchProcess`` / ``ZombieProcess`` / ``AccessDenied`` in one place);
the socket-inode search and the open-script scan read ``/proc/PID/fd`` directly, because they
must be cheap on a server with tens of thousands of fds.

Rules kept here:

- A process is its pid *and* its start time. :func:`read_process` reads the start time first
  and checks it again at the end; if the pid now belongs to another process, the details read
  are discarded and a note says so.
- Nothing raises for a process that vanished, is a zombie or cannot be read: the fields that
  could not be read are ``None`` and ``notes`` says why ("cwd: permission denied ...").
- :func:`find_socket_owners` looks for socket inodes only in the fds of processes owned by the
  socket's uid (``st_uid`` of ``/proc/PID``; newest pid first, stopping when all are found),
  then widens step by step (root-owned
  non-dumpable processes such as sshd's and exim's children, processes whose uids include the
  socket's uid, finally everything) only for the inodes that are still missing.

``procfs`` lets tests point at a fake ``/proc`` tree. psutil reads its documented, module-wide
``psutil.PROCFS_PATH``; it is switched under a lock for the duration of one read.

psutil is imported on first use (it costs more to import than the whole socket search), so
``check`` on a server with no SMTP connections never loads it.
"""

from __future__ import annotations

import os
import posixpath
import pwd
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from spamtrace.model import AttributionMethod, ParentProcess, ProcessInfo

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

_PHP = re.compile(r"^(php|php-cgi|php-fpm|lsphp|php\d)[\w.-]*$")
_PYTHON = re.compile(r"^python[\d.]*m?$")
_PERL = re.compile(r"^perl[\d.]*$")
_RUBY = re.compile(r"^ruby[\d.]*$")
_NODE = re.compile(r"^(node|nodejs)$")
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "csh", "tcsh"})

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

_PSUTIL_LOCK = threading.RLock()
_USER_CACHE: dict[int, str | None] = {}
#: (procfs, pid, start time) -> (parent, its ppid): ancestors are shared by many processes
_PARENT_CACHE: dict[tuple[str, int, float], tuple[ParentProcess, int]] = {}


@contextmanager
def _procfs_path(procfs: str) -> Iterator[None]:
    import psutil

    with _PSUTIL_LOCK:
        old = psutil.PROCFS_PATH
        psutil.PROCFS_PATH = procfs
        try:
            yield
        finally:
            psutil.PROCFS_PATH = old


def user_name(uid: int | None) -> str | None:
    """The user name of ``uid`` (None when unknown); cached."""
    if uid is None:
        return None
    if uid not in _USER_CACHE:
        try:
            _USER_CACHE[uid] = pwd.getpwuid(uid).pw_name
        except (KeyError, OverflowError):
            _USER_CACHE[uid] = None
    return _USER_CACHE[uid]


class _Notes:
    """Collects what could not be read, once per field."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.gone = False

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)

    def get(self, what: str, fn: Callable[[], T]) -> T | None:
        import psutil

        try:
            return fn()
        except psutil.ZombieProcess:
            self.add(f"{what}: process is exiting (zombie)")
        except psutil.NoSuchProcess:
            self.gone = True
            self.add(f"{what}: process exited")
        except psutil.AccessDenied:
            self.add(f"{what}: permission denied (run as root)")
        except (OSError, ValueError, RuntimeError, IndexError, psutil.Error) as exc:
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
    if not isinstance(pid, int) or pid <= 0:
        return _gone(int(pid) if isinstance(pid, int) else 0, method, "invalid pid")
    with _procfs_path(procfs):
        return _read(pid, method, procfs)


def _read(pid: int, method: AttributionMethod, procfs: str) -> ProcessInfo:
    import psutil

    try:
        proc = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return _gone(pid, method, "process exited before it could be read")
    except (psutil.Error, OSError, ValueError, RuntimeError) as exc:
        return _gone(pid, method, f"process unreadable ({type(exc).__name__})")
    notes = _Notes()
    start = notes.get("start time", proc.create_time)
    with proc.oneshot():
        name = notes.get("name", proc.name)
        exe = notes.get("exe", proc.exe) or None
        cmdline = tuple(notes.get("cmdline", proc.cmdline) or ())
        uids = notes.get("uid", proc.uids)
        gids = notes.get("gid", proc.gids)
        cwd = notes.get("cwd", proc.cwd) or None
        ppid = notes.get("parent", proc.ppid)
    uid = uids.real if uids is not None else None
    euid = uids.effective if uids is not None else None
    gid = gids.real if gids is not None else None
    scripts = _scripts(procfs, pid, cmdline, exe, cwd, notes)
    parents = _parents(ppid, start, notes) if ppid else ()
    # same process still? (pid + start time)
    if start is not None:
        try:
            now = psutil.Process(pid).create_time()
        except psutil.NoSuchProcess:
            notes.add("process exited during the read; details may be incomplete")
        except (psutil.Error, OSError, ValueError, RuntimeError):
            pass
        else:
            if abs(now - start) > 0.01:
                return _gone(
                    pid, method, "pid was reused by another process during the read", start
                )
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
    )


def _parents(ppid: int, child_start: float | None, notes: _Notes) -> tuple[ParentProcess, ...]:
    import psutil

    chain: list[ParentProcess] = []
    seen: set[int] = set()
    pid: int | None = ppid
    while pid and pid not in seen and len(chain) < MAX_PARENTS:
        seen.add(pid)
        try:
            parent = psutil.Process(pid)
            with parent.oneshot():
                start = parent.create_time()
                if child_start is not None and start > child_start + 0.01:
                    notes.add(f"parent {pid}: pid reused (started after its child)")
                    break
                cached = _PARENT_CACHE.get((psutil.PROCFS_PATH, pid, start))
                if cached is not None:  # same process (pid + start time) seen before
                    chain.append(cached[0])
                    child_start, pid = start, cached[1]
                    continue
                name = parent.name()
                try:
                    exe: str | None = parent.exe() or None
                except (psutil.AccessDenied, psutil.ZombieProcess, OSError):
                    exe = None
                try:
                    puid: int | None = parent.uids().real
                except (psutil.AccessDenied, OSError):
                    puid = None
                nxt = parent.ppid()
        except psutil.NoSuchProcess:
            notes.add(f"parent {pid}: process exited")
            break
        except (psutil.Error, OSError, ValueError, RuntimeError) as exc:
            notes.add(f"parent {pid}: unreadable ({type(exc).__name__})")
            break
        entry = ParentProcess(pid=pid, name=name, exe=exe, uid=puid)
        if len(_PARENT_CACHE) >= 4096:
            _PARENT_CACHE.clear()
        _PARENT_CACHE[(psutil.PROCFS_PATH, pid, start)] = (entry, nxt)
        chain.append(entry)
        child_start = start
        pid = nxt
    return tuple(chain)


# ----------------------------------------------------------------------------- scripts
def is_script_path(path: str) -> bool:
    """A path that looks like a site script (by its ending), outside interpreter libraries."""
    if not path.startswith("/") or path.startswith(_SYSTEM_PREFIXES):
        return False
    base = path[: -len(" (deleted)")] if path.endswith(" (deleted)") else path
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


def _family(word: str) -> str | None:
    base = posixpath.basename(word)
    if _PHP.match(base):
        return "php"
    if _PYTHON.match(base):
        return "python"
    if _PERL.match(base):
        return "perl"
    if _RUBY.match(base):
        return "ruby"
    if _NODE.match(base):
        return "node"
    if base in _SHELLS:
        return "shell"
    return None


def script_from_cmdline(cmdline: tuple[str, ...] | list[str], exe: str | None) -> str | None:
    """The script an interpreter was started with, as written on its command line.

    Handles ``php [-d k=v] [-f] file``, ``python [-W x] file`` (not ``-c``/``-m``), perl,
    ruby, node, shells, and LiteSpeed's ``lsphp:/path/script.php`` process titles.
    """
    if not cmdline:
        return None
    first = cmdline[0]
    if first.startswith("lsphp:") and len(first) > len("lsphp:"):
        return first[len("lsphp:") :].strip() or None
    if first.endswith(":") or ": " in first:
        return None  # a process title ("php-fpm: pool www", "sshd: user"), not an argv
    family = _family(first) or (_family(exe) if exe else None)
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
) -> tuple[str, ...]:
    found = open_script_files(procfs, pid, notes)
    from_cmd = script_from_cmdline(cmdline, exe)
    if from_cmd:
        if not from_cmd.startswith("/") and cwd:
            from_cmd = posixpath.normpath(posixpath.join(cwd, from_cmd))
        if from_cmd not in found:
            found.append(from_cmd)
    return tuple(found[:MAX_SCRIPTS])


# ----------------------------------------------------------------------------- inode -> pid
def _pid_dirs(procfs: str) -> list[tuple[str, int]]:
    """(pid name, owner uid) for every /proc/PID entry that can be stat'ed, in /proc order."""
    out: list[tuple[str, int]] = []
    append = out.append
    try:
        with os.scandir(procfs) as it:
            for entry in it:
                name = entry.name
                if name.isdigit():
                    try:
                        append((name, entry.stat().st_uid))
                    except OSError:
                        continue
    except OSError:
        pass
    return out


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
    pending_uids = set(uids)
    mine: list[str] = []
    root_owned: list[str] = []
    others: list[str] = []
    for pid, owner in _pid_dirs(procfs):
        if owner in uids:
            mine.append(pid)
        elif owner == 0:
            root_owned.append(pid)
        else:
            others.append(pid)
    # pass 1: processes owned by a socket's uid, newest pid first: a sender is usually younger
    # than the idle processes around it (only the order changes, never the result)
    mine.sort(key=int, reverse=True)
    for pid in mine:
        _scan_fds(procfs, pid, pending, found)
        if not pending:
            return found
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
