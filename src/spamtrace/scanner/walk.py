"""Walk scan roots safely: no symlinks followed, one filesystem by default, regular files only.

Symlinks are never followed below a root (a link can point anywhere, including outside the
account being scanned, or into a loop); FIFOs, sockets and devices are not opened (a FIFO
would block a reader). The walk is iterative, so deep trees cannot exhaust the stack.

:func:`scan_targets` is what ``scan`` gives the engine: the walk's regular files, less those
``--since`` / ``--newer`` leave out, with what was not scanned kept as skipped reports and
everything counted in the run's :class:`ScanTally`; :func:`excluder` makes the ``--exclude``
test from its globs.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from spamtrace.safetext import escape
from spamtrace.scanner import links
from spamtrace.scanner.report import VANISHED, FileReport, Finding, ScanTally, ScanVerdict

#: an open file's link in /proc (a running script that deleted itself): the kernel's link to
#: that very file (no path an attacker can redirect), the one link the reader follows
PROC_FD = re.compile(r"/proc/[0-9]+/fd/[0-9]+")


def link_target(reason: str) -> str:
    """Where a symlink points, read from the reason :func:`walk` gave for not following it
    (``symlink ... (not followed) -> TARGET``: no other " -> " comes before the target)."""
    return reason.split(" -> ", 1)[-1]


def _risky_link(path: str, reason: str, risk: str) -> FileReport:
    """A symlink to where a site must not reach, as a suspicious report (its reason kept)."""
    target = link_target(reason)
    excerpt = escape(f"-> {target}: {risk}", max_len=300)
    finding = Finding(links.RULE, links.DESCRIPTION, links.WEIGHT, 0, excerpt)
    return FileReport(
        path, ScanVerdict.SUSPICIOUS, links.WEIGHT, (finding,), 0, reason=reason
    )


#: a file as :func:`walk` listed it: (device, or None where only its inode was read; inode),
#: then the folder that listed it (device, inode)
FileId = tuple[int | None, int, int, int]


@dataclass(frozen=True, slots=True)
class WalkItem:
    """A regular file to scan, or something that was not scanned and why (``skipped``)."""

    path: str
    size: int
    skipped: str | None = None
    #: the last change of the file's data or inode (max of mtime and ctime: ``touch`` can
    #: back-date the one, not the other)
    changed: float = 0.0
    #: what the file was when its folder was listed (device, inode; the device None where
    #: only the folder entry's inode was read): the reader reads it only if it still is.
    #: None for a file named as a root (read at whatever its name holds, as named)
    ident: FileId | None = None
    #: a symlink's target that a site must not link to: why (``links.sensitive``)
    risk: str | None = None


class Listed(NamedTuple):
    """A regular file :func:`scan_targets` gives the engine: its path, what it was when its
    folder was listed (``ident``: the reader refuses another file at that path, such as one
    reached through a folder swapped for a link since), and its size then."""

    path: str
    ident: FileId | None = None
    size: int = 0


def walk(
    roots: list[str],
    *,
    cross_filesystems: bool = False,
    max_depth: int | None = None,
    exclude: Callable[[str], bool] | None = None,
    stat_files: bool = True,
    not_entered: Mapping[tuple[int, int], str] | None = None,
    on_excluded: Callable[[], None] | None = None,
) -> Iterator[WalkItem]:
    """Yield the regular files under ``roots`` (a root may itself be a file); a path for
    which ``exclude`` is true is not yielded, and not entered when it is a folder
    (``on_excluded`` is called for each such entry: the run counts them).

    ``not_entered``: folders (device, inode) that are listed as skipped with the reason
    given, and not entered, whatever path leads to them (the quarantine folder: what it
    holds was found and moved there, and is not to be found and moved again).

    ``stat_files=False``: a regular file below a root is told by its folder entry's type,
    not stat'ed (its ``size`` and ``changed`` are 0; the reader checks it again): what
    ``check`` and ``watch`` list of a sender's folder, of which they scan 200 files at most,
    where a cache folder of 100,000 files cost seconds of stats past their time budget."""
    # each folder entered, by (device, inode), with the path it was entered by
    seen_dirs: dict[tuple[int, int], str] = {}
    fs_types: dict[int, str] | None = None  # read at the first mount point met
    listed: set[tuple[int, int]] = set()  # folders whose files were given out
    # files named as roots, by their folder and name: a file named twice, or named and in a
    # folder named too (`scan site site/x.php`), is given out once (a hard link, another
    # name, is not the same file here: each name can be quarantined on its own)
    named: set[tuple[int, int, str]] = set()
    for root in roots:
        try:
            st = os.stat(root)  # the root itself may be a symlink the admin named on purpose
        except OSError as exc:
            yield WalkItem(root, 0, f"cannot stat: {exc.strerror or exc}")
            continue
        if stat.S_ISREG(st.st_mode):
            # a root named through a symlink is read at its target (the reader follows no link)
            path = root
            if os.path.islink(root) and not PROC_FD.fullmatch(root):  # a deleted file's fd
                path = resolved(root)
            try:
                folder = os.stat(os.path.dirname(os.path.abspath(path)))
            except OSError:
                folder = None
            if folder is not None:
                ident = (folder.st_dev, folder.st_ino, os.path.basename(path))
                if ident in named or (
                    (folder.st_dev, folder.st_ino) in listed
                    and not (exclude is not None and exclude(path))
                ):
                    continue  # given out already
                named.add(ident)
            yield WalkItem(path, st.st_size, changed=max(st.st_mtime, st.st_ctime))
            continue
        if not stat.S_ISDIR(st.st_mode):
            # said as of the same kind inside a folder: "FIFO: not opened"
            yield WalkItem(root, 0, f"{_kind(st.st_mode)}: not opened")
            continue
        if not_entered and (st.st_dev, st.st_ino) in not_entered:
            yield WalkItem(root, 0, not_entered[(st.st_dev, st.st_ino)])
            continue
        root_dev = st.st_dev
        top = resolved(root)
        # a root named through a link (cPanel's www -> public_html): an exclude written for
        # the real path (`/home/*/public_html/wp-content/cache`) holds there too, tried on
        # the path through the root's real folder
        alias = top if exclude is not None and top != os.path.abspath(root) else None
        # each folder with what it was when its parent was listed: the root by what it
        # names (`scan www site`, www -> site: one walk), the others by their entry's stat
        stack: list[tuple[str, int, tuple[int, int]]] = [(root, 0, (st.st_dev, st.st_ino))]
        while stack:
            path, depth, key = stack.pop()
            if key in seen_dirs:
                first = seen_dirs[key]
                # below a root, the same folder under another path: a bind mount (the
                # kernel allows no second link to a folder). Its files are scanned and
                # listed once, under the first path: said, so that the admin who cleans
                # up knows where else they are. A folder named as a root again, or a
                # root's own folder met again inside another root, is the same path
                if (
                    depth
                    and os.path.realpath(first) != os.path.realpath(path)
                    and key[0] not in _proc_devices()  # /proc/N/net/stat: one folder each
                ):
                    yield WalkItem(path, 0, f"{SAME_FOLDER}{first} (a bind mount): its files "
                                   "are listed there")  # fmt: skip
                continue
            seen_dirs[key] = path
            try:
                entries, path_fd = _listing(path, key, follow=depth == 0)
            except _Replaced:
                yield WalkItem(path, 0, REPLACED)
                continue
            except OSError as exc:
                yield WalkItem(path, 0, _unreachable("cannot list directory", exc))
                continue
            listed.add(key)
            subdirs: list[tuple[str, int, tuple[int, int]]] = []
            try:
                for entry in entries:
                    entry_path = os.path.join(path, entry.name)
                    if exclude is not None and (
                        exclude(entry_path)
                        or (
                            alias is not None
                            and exclude(os.path.normpath(f"{alias}/{entry_path[len(root) :]}"))
                        )
                    ):
                        if on_excluded is not None:
                            on_excluded()
                        continue
                    if not stat_files and _is_file(entry):
                        if not (named and (key[0], key[1], entry.name) in named):
                            # the entry's inode (no stat): its device is the file's own,
                            # which need not be the folder's (overlayfs)
                            yield WalkItem(entry_path, 0, ident=(None, entry.inode(), *key))
                        continue
                    try:  # relative to the folder listed, whatever its path names now
                        est = entry.stat(follow_symlinks=False)
                    except OSError as exc:
                        yield WalkItem(entry_path, 0, _unreachable("cannot stat", exc))
                        continue
                    mode = est.st_mode
                    if stat.S_ISLNK(mode):
                        reason, risk = _link_reason(entry.name, path_fd, path, root, top)
                        yield WalkItem(entry_path, 0, reason, risk=risk)
                        continue
                    if stat.S_ISDIR(mode):
                        if not_entered and (est.st_dev, est.st_ino) in not_entered:
                            yield WalkItem(entry_path, 0, not_entered[(est.st_dev, est.st_ino)])
                            continue
                        if est.st_dev != root_dev and key[0] != est.st_dev:
                            # a mount point: the kernel's own filesystems are never entered
                            # (/proc: every process's cwd and root a link to "/", 48 s of
                            # reads and thousands of findings; /sys), whatever the flag
                            if fs_types is None:
                                fs_types = _mount_types()
                            kind = fs_types.get(est.st_dev)
                            if kind in PSEUDO_FILESYSTEMS:
                                yield WalkItem(entry_path, 0, f"{kind} filesystem: the kernel's "
                                               "own, no files to scan (not entered)")  # fmt: skip
                                continue
                        if not cross_filesystems and est.st_dev != root_dev:
                            other = "other filesystem (use --cross-filesystems)"
                            yield WalkItem(entry_path, 0, other)
                            continue
                        if max_depth is None or depth < max_depth:
                            subdirs.append((entry_path, depth + 1, (est.st_dev, est.st_ino)))
                        continue
                    if stat.S_ISREG(mode):
                        if named and (key[0], key[1], entry.name) in named:
                            continue  # named as a root before, and given out then
                        yield WalkItem(entry_path, est.st_size,
                                       changed=max(est.st_mtime, est.st_ctime),
                                       ident=(est.st_dev, est.st_ino, *key))  # fmt: skip
                    else:  # never opened: they hold no code and a FIFO would block a reader
                        yield WalkItem(entry_path, 0, f"{_kind(mode)}: not opened")
            finally:
                os.close(path_fd)
            stack.extend(reversed(subdirs))


#: a folder that is no longer the folder its parent listed (a link or another folder put at
#: its name, or on the way to it, since): not entered; a file that is no longer the file
#: its folder listed (reached through such a folder, or another file put at its name): not
#: read
REPLACED = "replaced during the scan (not followed)"
#: the reason of a folder met again under another path (a bind mount): scanned once, there
SAME_FOLDER = "the same folder as "
#: the reason of a symlink whose target is inside the scanned tree (scanned where it is)
LINK_INSIDE = "symlink (not followed) -> "


#: filesystems that hold the kernel's state, not files a site or a dropper wrote: a folder
#: below a root that is one of their mount points is not entered, with or without
#: --cross-filesystems (tmpfs, /dev's devtmpfs and /dev/shm are files and are scanned)
PSEUDO_FILESYSTEMS = frozenset({
    "proc", "sysfs", "cgroup", "cgroup2", "tracefs", "debugfs", "securityfs", "bpf",
    "pstore", "configfs", "fusectl", "efivarfs", "binfmt_misc", "nsfs", "rpc_pipefs",
})  # fmt: skip


def _mount_types() -> dict[int, str]:
    """Device -> filesystem type of this process's mounts (/proc/self/mountinfo: the
    ``major:minor`` field and the type after `` - ``); empty when it cannot be read."""
    types: dict[int, str] = {}
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                fields, _, rest = line.partition(" - ")
                parts = fields.split()
                kind = rest.split(" ", 1)[0]
                if len(parts) > 2 and kind:
                    major, _, minor = parts[2].partition(":")
                    with contextlib.suppress(ValueError):
                        types.setdefault(os.makedev(int(major), int(minor)), kind)
    except OSError:
        pass
    return types


@functools.cache
def _proc_devices() -> frozenset[int]:
    """The devices of the procfs mounts: procfs shows one folder (device and inode) under
    many paths (``/proc/N/net/stat`` of every process of a network namespace, and under
    ``/proc/N/task/T``): met again there, it is no bind mount to tell of (as silent as ever)."""
    devices: set[int] = set()
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) > 2 and parts[2] == "proc":
                    with contextlib.suppress(OSError):
                        # an escaped mount point (\040 for a space) is not stat'ed: skipped
                        devices.add(os.stat(parts[1]).st_dev)
    except OSError:
        pass
    return frozenset(devices)


class _Replaced(Exception):
    pass


_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


#: a path this long is opened a part at a time (:func:`open_long`); below the kernel's
#: PATH_MAX (4096 bytes, the terminating NUL included)
_PART = 2048


def open_long(path: str, flags: int, dir_fd: int | None = None) -> int:
    """``os.open(path, flags, dir_fd=dir_fd)``, also for a path longer than the kernel takes
    in one call (ENAMETOOLONG: a tree nested past PATH_MAX, 4096 bytes, made with relative
    mkdir/cd, where a dropper hides from every tool that names files by path): the folders
    on the way are opened a part of the path at a time, each relative to the one before, as
    one call would walk them (links on the way followed, ``flags`` at the last name only)."""
    try:
        return os.open(path, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG or len(os.fsencode(path)) <= _PART:
            raise
    cut = path.rfind("/", 1, _PART)
    if cut <= 0:  # one name over the limit (255 bytes): no folder to open it from
        raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), path)
    folder = os.open(path[:cut], _DIR_FLAGS, dir_fd=dir_fd)
    try:
        return open_long(path[cut + 1 :], flags, dir_fd=folder)
    finally:
        os.close(folder)


def _listing(
    path: str, key: tuple[int, int], *, follow: bool
) -> tuple[list[os.DirEntry[str]], int]:
    """The entries of the folder ``path`` (by name) and an open descriptor of it, which the
    caller closes. It is opened without following a link at its name (``follow``: the root,
    which the admin may name through one) and must be the folder ``key`` (device, inode)
    that its parent listed: a folder swapped for a link to ``/`` after its parent was
    listed, or a folder on the way to it swapped (``site/a -> /etc``), is not entered
    (:class:`_Replaced`). The entries are read from that descriptor, so what they name is
    inside it, whatever ``path`` names by then."""
    flags = _DIR_FLAGS if follow else _DIR_FLAGS | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = open_long(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # a link or a file at its name now
            raise _Replaced from None
        raise
    try:
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) != key:
            raise _Replaced
        entries = sorted(os.scandir(fd), key=lambda e: e.name)  # read to its end: closed
    except BaseException:
        os.close(fd)
        raise
    return entries, fd


def scan_targets(
    roots: list[str],
    tally: ScanTally,
    skipped: list[FileReport],
    *,
    cross_filesystems: bool = False,
    exclude: Callable[[str], bool] | None = None,
    since: float | None = None,
    not_entered: Mapping[tuple[int, int], str] | None = None,
) -> Iterator[Listed]:
    """The regular files under ``roots`` to scan, as :func:`walk` finds them (each with what
    it was when listed: the engine reads no other file at its path).

    A file not changed since ``since`` (epoch seconds; data or inode) is left out and counted
    ``unchanged``; an entry ``exclude`` holds for (a file, or a folder not entered),
    ``excluded``; what the walk could not or must not scan (a symlink, a FIFO, a folder it
    could not list) is appended to ``skipped`` as a ``skipped`` report and counted, as
    ``not_examined`` too when it could not be reached; each file given out is counted in
    ``files`` and ``bytes``."""

    def left_out() -> None:
        tally.excluded += 1

    for item in walk(roots, cross_filesystems=cross_filesystems, exclude=exclude,
                     not_entered=not_entered, on_excluded=left_out):  # fmt: skip
        if item.skipped and item.risk:  # listed as suspicious: the web server follows it
            skipped.append(_risky_link(item.path, item.skipped, item.risk))
            tally.counts[ScanVerdict.SUSPICIOUS.value] += 1
            continue
        if item.skipped:
            skipped.append(FileReport(item.path, ScanVerdict.SKIPPED, 0, (), 0,
                                      reason=item.skipped))  # fmt: skip
            tally.counts[ScanVerdict.SKIPPED.value] += 1
            if item.skipped.startswith("cannot") or item.skipped == REPLACED:
                # a folder or file it could not reach, or a folder swapped since listed
                tally.not_examined += 1
            continue
        if since is not None and item.changed < since:
            tally.unchanged += 1
            continue
        tally.files += 1
        tally.bytes += item.size
        yield Listed(item.path, item.ident, item.size)


def excluder(globs: list[str]) -> Callable[[str], bool] | None:
    """A test for :func:`walk`: does a path, or its last name, match one of ``globs``? A
    glob that starts with ``/`` (``/home/*/mail``, as ``[scan] exclude`` holds them) is
    matched against the absolute path too, so that ``scan .`` or ``scan public_html``
    honours it. A glob is read as a path: ``cache/`` is the folder ``cache`` (as rsync, tar
    and .gitignore write a folder) and ``./site/cache`` is ``site/cache``; they matched
    nothing. A relative glob with a folder in it (``wp-content/cache``) also holds for the
    end of a path (``/home/shop/public_html/wp-content/cache``), as in rsync and tar. None
    when there is no glob (an empty one is none)."""
    globs = [v for g in globs if g for v in _zero_folders(os.path.normpath(g))]
    if not globs:
        return None
    import fnmatch
    import re

    def either(some: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in some), re.DOTALL)

    rx = either(globs)
    cwd = os.getcwd() if any(g.startswith("/") for g in globs) else None
    # a relative glob with a folder in it (`wp-content/cache`) holds wherever a path ends
    # with it, as rsync and tar read one: `scan --exclude wp-content/cache /home` excluded
    # nothing (it was matched against the whole path and the last name only)
    inner = [g for g in globs if "/" in g and not g.startswith("/")]
    tail = either(inner) if inner else None

    def excluded(path: str) -> bool:
        if "//" in path:  # a root named `www//`: its paths are www//a
            path = os.path.normpath(path)
        if rx.match(path) or rx.match(os.path.basename(path)):
            return True
        if tail is not None:
            at = path.find("/")
            while at >= 0:
                if tail.match(path, at + 1):
                    return True
                at = path.find("/", at + 1)
        return cwd is not None and not path.startswith("/") and bool(
            rx.match(os.path.normpath(os.path.join(cwd, path)))
        )

    return excluded


def _zero_folders(glob: str) -> list[str]:
    """``glob`` and, for each ``/**/`` in it, the glob with no folder there: ``a/**/m.php``
    holds for ``a/m.php`` too, as .gitignore reads it (fnmatch's ``*`` spans ``/``, so
    ``**`` was ``*`` and ``a/**/m.php`` needed a folder between). At most 4 of them."""
    parts = glob.split("/**/")
    if len(parts) == 1 or len(parts) > 5:
        return [glob]
    out = [parts[0]]
    for part in parts[1:]:
        out = [f"{o}{sep}{part}" for o in out for sep in ("/**/", "/")]
    return out


def resolved(path: str) -> str:
    """``os.path.realpath(path)``, or the absolute path as named when the kernel cannot name
    the target: ``/proc/PID/cwd`` of a folder nested past PATH_MAX (4096 bytes) has a link
    that reads ENAMETOOLONG, yet opens (check and watch scan a sender's folder through it)."""
    try:
        return os.path.realpath(path)
    except OSError:
        return os.path.abspath(path)


def real_path(path: str, roots: Sequence[str]) -> str:
    """``path``, found by :func:`walk` under one of ``roots``, as an absolute path in which
    the root the admin named is resolved (``www -> public_html``, ``/home -> /home2``) and
    nothing below it: the walk followed no link there, and what acts on the path (the
    quarantine, which refuses any link on the way) must not follow one planted since."""
    for root in sorted(roots, key=len, reverse=True):
        prefix = root if root.endswith("/") else root + "/"
        if path.startswith(prefix):
            return os.path.join(resolved(root), path[len(prefix) :])
    return os.path.abspath(path)


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A regular file by its folder entry's type (no stat where the filesystem gives it)."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False  # stat'ed by the caller, which says why


def _unreachable(what: str, exc: OSError) -> str:
    """Why a path below a root was not scanned: gone since it was listed (a site's cache or
    an upload being deleted as the scan walks it), or could not be reached (an error)."""
    if isinstance(exc, FileNotFoundError):
        return VANISHED
    return f"{what}: {exc.strerror or exc}"


#: links of the scanned tree read on the way to one link's target at most, as the kernel
#: gives up (ELOOP) after 40; and names looked at on the way at most
_LINK_HOPS = 40
_LINK_STEPS = 400


def _leads_to(folder: str, target: str, top: str) -> str:
    """Where the link ``target`` of ``folder`` (a real folder of the scanned tree ``top``:
    the walk follows no link) leads, as the kernel walks it as far as the tree goes: a link
    of the tree on the way is read (``lstat`` and ``readlink``, never opened) and walked
    into, so that ``r -> self/../../../root`` with ``self -> .`` leads to ``/root``, where
    the text alone read ``/tmp/root`` (its ``..`` taken back over the name ``self``) and a
    link to the system's files went unsaid. Outside the tree the path is read as text (no
    file there is touched: a link to a hung network mount must not hang the scan); past
    :data:`_LINK_HOPS` links or :data:`_LINK_STEPS` names, the link's text as it reads."""
    as_text = os.path.normpath(os.path.join(folder, target))
    inside = top.rstrip("/") + "/"
    todo = [p for p in reversed(target.split("/")) if p]
    done = "/" if target.startswith("/") else folder
    hops = steps = 0
    while todo:
        steps += 1
        if steps > _LINK_STEPS:
            return as_text
        part = todo.pop()
        if part == ".":
            continue
        if part == "..":
            done = os.path.dirname(done)
            continue
        step = os.path.join(done, part)
        if step != top and not step.startswith(inside):
            done = step
            continue
        try:
            if not stat.S_ISLNK(os.lstat(step).st_mode):
                done = step
                continue
            link = os.readlink(step)
        except OSError:  # gone, too long, not readable: as text from here
            done = step
            continue
        hops += 1
        if hops > _LINK_HOPS:  # a loop: it leads nowhere, as the text says
            return as_text
        todo += [p for p in reversed(link.split("/")) if p]
        if link.startswith("/"):
            done = "/"
    return done


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    return "not a regular file"


def _link_reason(
    name: str, parent_fd: int, parent: str, root: str, top: str
) -> tuple[str, str | None]:
    """Why the symlink ``name`` of the folder ``parent`` (open as ``parent_fd``) was not
    scanned, and where it points (read, never followed). A link out of the scanned tree
    (``shadow.php -> /etc/shadow``) is a way to read another account's files through the
    web server: the reason says so. Second: why the target is one a site must not link to
    (:func:`links.sensitive`), inside the scanned tree or not, or None."""
    try:
        target = os.readlink(name, dir_fd=parent_fd)
    except OSError as exc:
        return f"symlink (not followed; cannot read it: {exc.strerror or exc})", None
    # where it points, from the real folder that holds it: the links of the scanned tree on
    # the way read as the kernel walks them, nothing outside the tree looked at
    real_parent = top + parent[len(root) :] if parent.startswith(root) else parent
    where = _leads_to(real_parent, target, top)
    risk = links.sensitive(os.path.join(real_parent, name), where)
    if where != top and not where.startswith(top.rstrip("/") + "/"):
        return f"symlink out of the scanned tree (not followed) -> {target}", risk
    return f"{LINK_INSIDE}{target}", risk
