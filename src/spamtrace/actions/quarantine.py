"""Quarantine: move a malicious file out of the web root, restore it byte for byte, delete it.

Layout (root-only, mode 0700, never under a web root)::

    /var/lib/spamtrace/quarantine/
        q-20261204T183012-3fa9c1/
            data            the file's bytes (0600)
            manifest.json   original path, owner, group, mode, mtime/atime, sha256, size,
                            incident id, rule ids, notes

Safe against the account that owns the file (it may race us):

- every step opens a directory relative to the previous one's fd with ``O_NOFOLLOW``; a
  symlink anywhere in the original path is refused, never followed;
- the file is opened with ``O_NOFOLLOW`` (a symlink is refused) and must be a regular file;
  its bytes are read from that fd, so what is quarantined is what was checked;
- the file is *copied* (quarantine is on another filesystem, and a hard link would keep the
  quarantined bytes writable through the file's other names); before its name is removed,
  the name is looked up again (``AT_SYMLINK_NOFOLLOW``) and must still be the same inode,
  otherwise nothing is removed and the copy is dropped: "swapped between check and move";
- a hard-linked file (``st_nlink > 1``) loses only the name that was found; its other names
  are left in place and the manifest says so, with the file's (dev, ino) (``hard_link``); a
  name of it quarantined later is told about the ones quarantined before, and they about it;
- a quarantine directory that is full or read-only makes the move fail before the original
  is touched (the partial copy is removed): failed, reported, nothing lost;
- a process that still has the file open (php-fpm keeps the compiled script) is noted: it
  keeps what it loaded until it exits; the next request for the URL gets a 404.

Restore recreates the file with ``O_CREAT | O_EXCL | O_NOFOLLOW`` in the original folder
(reached the same way), writes the bytes, sets owner, group, mode and times, checks the
sha256, and refuses a path where a file appeared since, unless ``force``. A hard link's name
is linked again to the file it was a name of, when that file is there with the same bytes,
owner and mode: a name left in place in its folder, or its other name restored before (whose
restore wrote where it is into this item's manifest, ``rejoin``); otherwise it is a file of
its own, and the restore's note says so and why (it came back as two files, unsaid).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import grp
import hashlib
import json
import os
import pwd
import secrets
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spamtrace.errors import ConfigError, RuntimeFailure, UsageError
from spamtrace.model import DELETED, is_within
from spamtrace.safetext import escape, quoted, shell_quote

ITEM_SCHEMA = "spamtrace.quarantine-item/1"
#: the note a ``restore --force`` adds to the item it restored
DISPLACED = "the file that was at this path is quarantined as"
#: the start of the note of a file processes held open at the move (said as of then by list)
HELD_OPEN = "still open by "
DATA = "data"
MANIFEST = "manifest.json"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20


class QuarantineError(RuntimeFailure):
    """A file could not be quarantined, restored or deleted (nothing was lost)."""


@dataclass(frozen=True, slots=True)
class QuarantineItem:
    id: str
    path: str
    sha256: str
    size: int
    uid: int
    gid: int
    owner: str | None
    group: str | None
    mode: int
    mtime_ns: int
    atime_ns: int
    incident: str | None
    rules: tuple[str, ...]
    quarantined_at: float
    notes: tuple[str, ...] = ()
    #: (st_dev, st_ino, names) of a hard-linked file at the move (names: its links then,
    #: counting those quarantined before); None: one name
    hard_link: tuple[int, int, int] | None = None
    #: (path, st_dev, st_ino) of the file another name of this one was restored as: a restore
    #: links to it, when it still holds these bytes (one file again, as before)
    rejoin: tuple[str, int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "uid": self.uid,
            "gid": self.gid,
            "owner": self.owner,
            "group": self.group,
            "mode": f"{self.mode:04o}",
            "mtime": _iso(self.mtime_ns / 1e9),
            "atime": _iso(self.atime_ns / 1e9),
            "mtime_ns": self.mtime_ns,
            "atime_ns": self.atime_ns,
            "incident": self.incident,
            "rules": list(self.rules),
            "quarantined_at": _iso(self.quarantined_at),
            "notes": list(self.notes),
            "hard_link": None if self.hard_link is None else dict(
                zip(("dev", "ino", "names"), self.hard_link, strict=True)
            ),
            "rejoin": None if self.rejoin is None else dict(
                zip(("path", "dev", "ino"), self.rejoin, strict=True)
            ),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> QuarantineItem:
        return cls(
            id=str(doc["id"]),
            path=str(doc["path"]),
            sha256=str(doc["sha256"]),
            size=int(doc["size"]),
            uid=int(doc["uid"]),
            gid=int(doc["gid"]),
            owner=doc.get("owner"),
            group=doc.get("group"),
            mode=int(str(doc["mode"]), 8),
            mtime_ns=int(doc["mtime_ns"]),
            atime_ns=int(doc["atime_ns"]),
            incident=doc.get("incident"),
            rules=tuple(str(r) for r in doc.get("rules") or ()),
            quarantined_at=_epoch(doc.get("quarantined_at")),
            notes=tuple(str(n) for n in doc.get("notes") or ()),
            hard_link=_link_of(doc.get("hard_link")),
            rejoin=_rejoin_of(doc.get("rejoin")),
        )


def _link_of(doc: object) -> tuple[int, int, int] | None:
    if not isinstance(doc, dict):  # an older manifest has none
        return None
    return int(doc["dev"]), int(doc["ino"]), int(doc["names"])


def _rejoin_of(doc: object) -> tuple[str, int, int] | None:
    if not isinstance(doc, dict):
        return None
    return str(doc["path"]), int(doc["dev"]), int(doc["ino"])


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="microseconds")


def _epoch(text: object) -> float:
    try:
        return dt.datetime.fromisoformat(str(text)).timestamp()
    except ValueError:
        return 0.0


def _name(fn: Callable[[int], Any], ident: int) -> str | None:
    try:
        return str(fn(ident)[0])
    except KeyError:
        return None


def _split(path: str) -> tuple[list[str], str]:
    if not os.path.isabs(path):
        raise QuarantineError(f"{escape(path)}: not an absolute path")
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise QuarantineError(f"{escape(path)}: not a plain absolute path")
    return parts[:-1], parts[-1]


class FileGone(QuarantineError):
    """The file left its path before or while it was quarantined (moved or deleted by another
    process: another ``scan --quarantine``, the daemon's quarantine response, the account):
    it is not "left in place", nothing of it was kept."""


#: what a FileGone message ends with: where to look for it
GONE_HINT = (
    "moved or deleted by another process; nothing kept (`spamtrace quarantine list` shows "
    "whether another quarantine took it)"
)


class MissingFolder(QuarantineError):
    """A folder on the way to a file does not exist (any more)."""

    def __init__(self, message: str, folder: str) -> None:
        super().__init__(message)
        self.folder = folder


def linked_folder(path: str) -> str | None:
    """Why a quarantine folder that is a symlink is refused (the quarantine follows no link
    on its paths), or None: it said "cannot open: Not a directory" of a link to a folder."""
    if not os.path.islink(path):
        return None
    try:
        target = os.readlink(path)
    except OSError:  # replaced since
        target = "?"
    return (
        f"{quoted(path)} is a symlink (to {quoted(target)}): no symlink is followed on the "
        "quarantine's paths; set quarantine_dir to the folder itself"
    )


@contextlib.contextmanager
def open_dir_nofollow(parts: Sequence[str], where: str) -> Iterator[int]:
    """An fd of ``/parts...``, each step relative to the last with ``O_NOFOLLOW``."""
    fd = os.open("/", _DIR_FLAGS)
    try:
        for i, part in enumerate(parts):
            try:
                nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError as exc:
                raise MissingFolder(
                    f"{escape(where)}: cannot open folder {quoted(part)}: {exc.strerror}",
                    "/" + "/".join(parts[: i + 1]),
                ) from None
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise QuarantineError(
                        f"{escape(where)}: {quoted(part)} in the path is a symlink or not a "
                        "folder: refused (no symlink is followed)"
                    ) from None
                raise QuarantineError(
                    f"{escape(where)}: cannot open folder {quoted(part)}: {exc.strerror}"
                ) from None
            os.close(fd)
            fd = nxt
        yield fd
    finally:
        os.close(fd)


def _check_owner(fd: int, path: str, owners: Mapping[int, str]) -> None:
    uid = os.fstat(fd).st_uid
    if uid in owners:
        return
    who = _name(pwd.getpwuid, uid)
    owner = f"uid {uid}{f' ({escape(who)})' if who else ''}"
    allowed = (
        f"not by {' or '.join(owners.values())}" if owners else "and the sender's uid is unknown"
    )
    raise QuarantineError(
        f"{escape(path)}: owned by {owner}, {allowed}: not quarantined, left in place (a "
        "sender's folder and command line are its own choice; look at the file by hand)"
    )


def _fs_error(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the quarantine folder is full (no space left)"
    if exc.errno == errno.EROFS:
        return "the quarantine folder is on a read-only filesystem"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "the quarantine folder is not writable"
    if exc.errno == errno.EDQUOT:
        return "the quarantine folder is over its quota"
    return exc.strerror or str(exc)


#: FS_IOC_GETFLAGS (linux/fs.h) and the flags that forbid removing a name
_GETFLAGS = 0x80086601
_PINS = ((0x10, "immutable", "i"), (0x20, "append-only", "a"))


def _attr_flags(fd: int) -> int:
    """The file attribute flags of ``fd`` (`lsattr`), 0 where the filesystem has none."""
    import fcntl
    import struct

    try:
        return int(struct.unpack("i", fcntl.ioctl(fd, _GETFLAGS, b"\0\0\0\0"))[0])
    except OSError:
        return 0


def _pinned(fd: int, parent: int, path: str) -> str:
    """Why a name cannot be removed when an attribute forbids it, with the way out: droppers
    `chattr +i` their files (and folders) so that a cleanup cannot delete them."""
    for what, flags, where in (
        ("the file", _attr_flags(fd), path),
        ("its folder", _attr_flags(parent), os.path.dirname(path)),
    ):
        for flag, name, letter in _PINS:
            if flags & flag:
                return (
                    f" ({what} is {name}: chattr +{letter}, as droppers set it to stay; "
                    f"`chattr -{letter} {shell_quote(where)}`, then quarantine it again)"
                )
    return ""


def _target_error(exc: OSError) -> str:
    """Why a file could not be written back to its folder."""
    if exc.errno == errno.ENOSPC:
        return "no space left in its folder's filesystem"
    if exc.errno == errno.EROFS:
        return "its folder is on a read-only filesystem"
    if exc.errno == errno.EDQUOT:
        return "the owner's disk quota is full"
    return exc.strerror or str(exc)


def open_holders(path: str, uid: int | None, procfs: str = "/proc") -> list[tuple[int, str]]:
    """(pid, name) of processes of ``uid`` that have ``path`` open (php-fpm workers); never
    this process, which holds the file open to copy it."""
    out: list[tuple[int, str]] = []
    try:
        pids = [int(p) for p in os.listdir(procfs) if p.isdecimal() and int(p) != os.getpid()]
    except OSError:
        return out
    for pid in pids:
        try:
            if uid is not None and os.stat(f"{procfs}/{pid}").st_uid != uid:
                continue
            fds = os.listdir(f"{procfs}/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"{procfs}/{pid}/fd/{fd}")
            except OSError:
                continue
            if target == path or target == path + DELETED:
                try:
                    with open(f"{procfs}/{pid}/comm", "rb") as fh:
                        name = fh.read().decode("utf-8", "replace").strip()
                except OSError:
                    name = "?"
                out.append((pid, name))
                break
    return out


class Quarantine:
    """The quarantine directory (created root-only on first use)."""

    def __init__(self, directory: str) -> None:
        self.directory = os.path.normpath(directory)
        #: called between the copy and the removal of the original (tests use it to race)
        self.before_unlink: Callable[[], None] | None = None

    # ------------------------------------------------------------------ the directory
    def _open_root(self, create: bool) -> int:
        from spamtrace.folders import not_a_folder

        problem = not_a_folder(self.directory) or linked_folder(self.directory)
        if problem is not None:  # the errno text "Not a directory" named neither part nor key
            raise ConfigError(f"[responses] quarantine_dir: {problem}")
        parents, name = _split(self.directory)
        if not create and not os.path.lexists(self.directory):
            raise QuarantineError(
                f"{escape(self.directory)}: no quarantine folder (nothing quarantined yet)"
            )
        if create:
            with contextlib.suppress(OSError):
                os.makedirs(os.path.dirname(self.directory), 0o750, exist_ok=True)
        with open_dir_nofollow(parents, self.directory) as parent:
            if create:
                try:
                    os.mkdir(name, 0o700, dir_fd=parent)
                except FileExistsError:
                    pass
                except OSError as exc:
                    raise QuarantineError(
                        f"{escape(self.directory)}: cannot create: {_fs_error(exc)}"
                    ) from None
            try:
                fd = os.open(name, _DIR_FLAGS, dir_fd=parent)
            except FileNotFoundError:
                raise QuarantineError(
                    f"{escape(self.directory)}: no quarantine folder (nothing quarantined yet)"
                ) from None
            except OSError as exc:
                raise QuarantineError(
                    f"{escape(self.directory)}: cannot open: {exc.strerror}"
                ) from None
        st = os.fstat(fd)
        if st.st_uid != os.geteuid() or st.st_mode & 0o077:
            os.close(fd)
            raise QuarantineError(
                f"{escape(self.directory)}: must be owned by root with mode 0700 (it is uid "
                f"{st.st_uid}, mode {stat.S_IMODE(st.st_mode):04o}): refused"
            )
        return fd

    # ------------------------------------------------------------------ moving in
    def add(
        self, path: str, *, incident: str | None = None, rules: Sequence[str] = (),
        now: float | None = None, owners: Mapping[int, str] | None = None,
    ) -> QuarantineItem:  # fmt: skip
        """Quarantine ``path``; raises :class:`QuarantineError` (nothing lost) when it cannot.
        ``owners`` (uid -> who, for the message): the only owners the file may have, checked
        on the file opened (the responses: the sender's uid and account); None: any owner
        (``scan --quarantine``, the admin's choice)."""
        import time

        parents, name = _split(path)
        root = self._open_root(create=True)
        try:
            with open_dir_nofollow(parents, path) as parent:
                try:
                    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                                 dir_fd=parent)  # fmt: skip
                except OSError as exc:
                    if exc.errno == errno.ELOOP:
                        raise QuarantineError(
                            f"{escape(path)}: is a symlink: refused (not followed)"
                        ) from None
                    if exc.errno == errno.ENOENT:  # scanned a moment ago: gone since
                        raise FileGone(
                            f"{escape(path)}: gone before it could be quarantined: {GONE_HINT}"
                        ) from None
                    raise QuarantineError(f"{escape(path)}: cannot open: {exc.strerror}") from None
                try:
                    if owners is not None:
                        _check_owner(fd, path, owners)
                    return self._move(root, parent, fd, path, name, incident, rules,
                                      time.time() if now is None else now)  # fmt: skip
                finally:
                    os.close(fd)
        finally:
            os.close(root)

    def _move(
        self, root: int, parent: int, fd: int, path: str, name: str, incident: str | None,
        rules: Sequence[str], now: float,
    ) -> QuarantineItem:  # fmt: skip
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise QuarantineError(f"{escape(path)}: not a regular file: refused")
        ident = (
            "q-"
            + dt.datetime.fromtimestamp(now, dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
            + "-"
            + secrets.token_hex(3)
        )
        notes: list[str] = []
        moved = False
        try:
            os.mkdir(ident, 0o700, dir_fd=root)
        except OSError as exc:
            raise QuarantineError(
                f"{escape(path)}: not quarantined, left in place: {_fs_error(exc)}"
            ) from None
        item_fd = -1
        try:
            item_fd = os.open(ident, _DIR_FLAGS, dir_fd=root)
            digest, size = self._copy(fd, item_fd)
            # other names of this file quarantined before (their moves left it fewer links;
            # the same bytes and owner too: an inode number is reused once a file is gone).
            # Looked for only when the file has other names or one was quarantined (its mark):
            # reading every manifest at each move made a thousand moves take 80 s
            before: list[QuarantineItem] = []
            if st.st_nlink > 1 or _marked(root, st.st_dev, st.st_ino):
                before = [
                    i for i in self._same_file(root, st.st_dev, st.st_ino, ident)
                    if (i.sha256, i.uid) == (digest, st.st_uid)
                ]  # fmt: skip
            hard_link = None
            if st.st_nlink > 1 or before:
                names = st.st_nlink + len(before)
                hard_link = (st.st_dev, st.st_ino, names)
                notes.append(_linked_note(path, st, names, before))
                _mark(root, st.st_dev, st.st_ino)
            item = QuarantineItem(
                id=ident, path=path, sha256=digest, size=size, uid=st.st_uid, gid=st.st_gid,
                owner=_name(pwd.getpwuid, st.st_uid), group=_name(grp.getgrgid, st.st_gid),
                mode=stat.S_IMODE(st.st_mode), mtime_ns=st.st_mtime_ns, atime_ns=st.st_atime_ns,
                incident=incident, rules=tuple(rules), quarantined_at=now, notes=tuple(notes),
                hard_link=hard_link,
            )  # fmt: skip
            self._write_manifest(item_fd, item)
            if self.before_unlink is not None:
                self.before_unlink()
            try:
                again = os.stat(name, dir_fd=parent, follow_symlinks=False)
            except OSError:
                raise FileGone(
                    f"{escape(path)}: gone while it was being quarantined: {GONE_HINT}"
                ) from None
            if (again.st_dev, again.st_ino) != (st.st_dev, st.st_ino) or not stat.S_ISREG(
                again.st_mode
            ):
                raise QuarantineError(
                    f"{escape(path)}: swapped for another file or a symlink between the check "
                    "and the move: refused, nothing removed"
                )
            holders = open_holders(path, st.st_uid)
            try:
                os.unlink(name, dir_fd=parent)
            except OSError as exc:
                if exc.errno == errno.ENOENT:  # unlinked by another between stat and unlink
                    raise FileGone(
                        f"{escape(path)}: gone while it was being quarantined: {GONE_HINT}"
                    ) from None
                # the copy is taken back below: the file stays where it was, and is said so
                # (it said "copied but cannot be removed", as if a copy were kept)
                raise QuarantineError(
                    f"{escape(path)}: not quarantined, left in place: it cannot be removed from "
                    f"its folder: {exc.strerror}{_pinned(fd, parent, path)}"
                ) from None
            moved = True  # from here the copy is the only one: never removed below
            for other in before:  # their note said this name was left in place
                self._noted(root, other, f"{LINKED_TOO} {path}, as {ident}")
            if holders:
                who = ", ".join(f"{n}[{p}]" for p, n in holders[:5])
                notes.append(
                    f"{HELD_OPEN}{who}: it keeps the code it loaded until it exits; the next "
                    "request for the file gets a 404"
                )
                item = _with_notes(item, notes)
                with contextlib.suppress(OSError):
                    self._write_manifest(item_fd, item)
            return item
        except BaseException:
            if item_fd >= 0 and not moved:
                _remove_item(root, ident, item_fd)
                item_fd = -1
            raise
        finally:
            if item_fd >= 0:
                os.close(item_fd)

    @staticmethod
    def _copy(src: int, item_fd: int) -> tuple[str, int]:
        h = hashlib.sha256()
        size = 0
        try:
            out = os.open(DATA, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                          0o600, dir_fd=item_fd)  # fmt: skip
        except OSError as exc:
            raise QuarantineError(f"not quarantined, left in place: {_fs_error(exc)}") from None
        try:
            os.lseek(src, 0, os.SEEK_SET)
            while True:
                chunk = os.read(src, _CHUNK)
                if not chunk:
                    break
                h.update(chunk)
                size += len(chunk)
                view = memoryview(chunk)
                while view:
                    n = os.write(out, view)
                    view = view[n:]
            os.fsync(out)
        except OSError as exc:
            raise QuarantineError(f"not quarantined, left in place: {_fs_error(exc)}") from None
        finally:
            os.close(out)
        return h.hexdigest(), size

    @staticmethod
    def _write_manifest(item_fd: int, item: QuarantineItem) -> None:
        doc = {"schema": ITEM_SCHEMA, **item.to_json()}
        data = json.dumps(doc, indent=2, ensure_ascii=True).encode() + b"\n"
        tmp = MANIFEST + ".tmp"
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp, dir_fd=item_fd)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600, dir_fd=item_fd)  # fmt: skip
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.rename(tmp, MANIFEST, src_dir_fd=item_fd, dst_dir_fd=item_fd)
        except OSError as exc:
            raise QuarantineError(f"not quarantined, left in place: {_fs_error(exc)}") from None

    # ------------------------------------------------------------------ reading
    def items(self) -> list[QuarantineItem]:
        """Every item, oldest first (an unreadable manifest is skipped: see :meth:`damaged`)."""
        return self._listing()[0]

    def damaged(self) -> list[str]:
        """The ids of the items whose manifest cannot be read (their data is kept, unseen by
        :meth:`items`: ``quarantine list`` names them)."""
        return self._listing()[1]

    def _listing(self) -> tuple[list[QuarantineItem], list[str]]:
        try:
            root = self._open_root(create=False)
        except QuarantineError as exc:
            if "no quarantine folder" in exc.message:
                return [], []
            raise
        out: list[QuarantineItem] = []
        damaged: list[str] = []
        try:
            for name in sorted(os.listdir(root)):
                if not name.startswith("q-"):
                    continue
                item = self._read_item(root, name)
                if item is not None:
                    out.append(item)
                elif _holds_data(root, name):  # not a move cut short before its copy
                    damaged.append(name)
        finally:
            os.close(root)
        return out, damaged

    @staticmethod
    def _read_item(root: int, name: str) -> QuarantineItem | None:
        if not name.startswith("q-"):
            return None
        try:
            item_fd = os.open(name, _DIR_FLAGS, dir_fd=root)
        except OSError:
            return None
        try:
            fd = os.open(MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=item_fd)
            with os.fdopen(fd, "rb") as fh:
                return QuarantineItem.from_json(json.loads(fh.read(1 << 20)))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        finally:
            os.close(item_fd)

    def get(self, ident: str) -> QuarantineItem:
        """The item of one id, in any case (``Q-20261206T214500-ABC123`` too: an admin may
        copy it from an upper-case report or type it so; ids differ in more than case)."""
        if not ident.lower().startswith("q-") or "/" in ident or ident.lower() in ("q-", ""):
            raise UsageError(
                f"{quoted(ident)} is not a quarantine id (see `spamtrace quarantine list`)"
            )
        items, damaged = self._listing()
        for item in items:
            if item.id.lower() == ident.lower():
                return item
        ident = next((name for name in damaged if name.lower() == ident.lower()), ident)
        if ident in damaged:
            raise QuarantineError(
                f"{escape(ident)}: its manifest cannot be read, so where the file came from is "
                f"lost; its bytes are kept in {escape(os.path.join(self.directory, ident, DATA))}"
            )
        raise UsageError(f"no quarantined file with id {ident} (see `spamtrace quarantine list`)")

    # ------------------------------------------------------------------ restore / delete
    def restore(self, ident: str, *, force: bool = False) -> QuarantineItem:
        """Put the file back where it was, byte for byte, with owner, group, mode and times.

        ``force``: a file that appeared at the path since is quarantined in its turn (an id of
        its own, named in the returned item's notes), once the restored bytes are written
        whole and just before they take the name: nothing is lost (a symlink in the way,
        which holds no data, is replaced)."""
        import time

        item = self.get(ident)
        parents, name = _split(item.path)
        root = self._open_root(create=False)
        displaced: list[QuarantineItem] = []
        try:
            item_fd = self._take(root, item)
            try:
                with open_dir_nofollow(parents, item.path) as parent:

                    def displace() -> bool:
                        """Quarantine the file in the way; False: a symlink (replace it)."""
                        try:
                            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                                         | os.O_CLOEXEC, dir_fd=parent)  # fmt: skip
                        except FileNotFoundError:
                            return True  # gone meanwhile: nothing in the way
                        except OSError as exc:
                            if exc.errno == errno.ELOOP:
                                return False
                            raise QuarantineError(
                                f"{escape(item.path)}: the file in the way cannot be opened: "
                                f"{exc.strerror}: not restored"
                            ) from None
                        try:
                            moved = self._move(root, parent, fd, item.path, name, None, (),
                                               time.time())  # fmt: skip
                        finally:
                            os.close(fd)
                        note = f"displaced by the restore of {item.id} (quarantine restore --force)"
                        displaced.append(self._noted(root, moved, note))
                        return True

                    linked_to, why = None, ""
                    if item.hard_link is not None:
                        linked_to, why = self._rejoin(
                            item, parent, name, displace if force else None
                        )
                    if linked_to is None:
                        self._restore_into(
                            item, item_fd, parent, name, displace if force else None
                        )
                    restored: os.stat_result | None = None
                    with contextlib.suppress(OSError):
                        restored = os.stat(name, dir_fd=parent, follow_symlinks=False)
            except MissingFolder as exc:  # a site's folder cleaned out since: not made here,
                # it needs the account's owner and mode
                os.close(item_fd)
                raise QuarantineError(
                    f"{escape(item.path)}: the folder {escape(exc.folder)} does not exist: not "
                    "restored, still in quarantine (create the folder, with its owner, and restore "
                    "again)"
                ) from None
            except BaseException:
                os.close(item_fd)
                raise
            _remove_item(root, item.id, item_fd)  # closes it: the lock is held until then
            link_notes = self._after_link_restore(root, item, linked_to, why, restored)
        finally:
            os.close(root)
        if link_notes:
            item = _with_notes(item, (*item.notes, *link_notes))
        if displaced:
            return _with_notes(item, (
                *item.notes,
                f"{DISPLACED} {displaced[0].id} "
                f"(`spamtrace quarantine restore {displaced[0].id} --force` puts it back)",
            ))  # fmt: skip
        return item

    def _noted(self, root: int, item: QuarantineItem, note: str) -> QuarantineItem:
        """``item`` with one more note, in its manifest too (best effort: it is moved)."""
        item = _with_notes(item, (*item.notes, note))
        with contextlib.suppress(OSError):
            item_fd = os.open(item.id, _DIR_FLAGS, dir_fd=root)
            try:
                self._write_manifest(item_fd, item)
            finally:
                os.close(item_fd)
        return item

    def _after_link_restore(
        self, root: int, item: QuarantineItem, linked_to: str | None, why: str,
        restored: os.stat_result | None,
    ) -> list[str]:  # fmt: skip
        """The notes of a hard link's restore (linked again, or a file of its own and why);
        its other names still in quarantine are told where it is now, so that their restore
        links to it."""
        if item.hard_link is None:
            if any(n.startswith("hard-linked (") for n in item.notes):  # an older manifest
                return [
                    f"{RESTORED_APART} it was hard-linked, and is not linked to its other names "
                    "now (the spamtrace that quarantined it did not record which file it was); "
                    f"`ln -f OTHER {shell_quote(item.path)}` makes them one file again"
                ]
            return []
        dev, ino, names = item.hard_link
        others = self._same_file(root, dev, ino, item.id)
        if not others:
            _unmark(root, dev, ino)
        if restored is not None:
            for other in others:
                with contextlib.suppress(OSError):
                    other_fd = os.open(other.id, _DIR_FLAGS, dir_fd=root)
                    try:
                        self._write_manifest(other_fd, dataclasses.replace(
                            other, rejoin=(item.path, restored.st_dev, restored.st_ino)
                        ))  # fmt: skip
                    finally:
                        os.close(other_fd)
        waiting = (
            "; still in quarantine: "
            + ", ".join(f"{o.path} ({o.id})" for o in others)
            + ": restoring it links it to this one"
            if others
            else ""
        )
        if linked_to is not None:
            return [f"{LINKED_BACK} {linked_to}: one file again, as before the quarantine{waiting}"]
        return [
            f"{RESTORED_APART} it was one of {names} hard-linked names, and is not linked to "
            f"the others now ({why}){waiting}; `ln -f OTHER {shell_quote(item.path)}` makes "
            "them one file again"
        ]

    def _same_file(
        self, root: int, dev: int, ino: int, but: str | None = None
    ) -> list[QuarantineItem]:
        """The items in quarantine that were names of the file ``(dev, ino)`` (hard links)."""
        found = []
        for name in sorted(os.listdir(root)):
            if name == but:
                continue
            item = self._read_item(root, name)
            if item is not None and item.hard_link and item.hard_link[:2] == (dev, ino):
                found.append(item)
        return found

    @staticmethod
    def _rejoin(
        item: QuarantineItem, parent: int, name: str, displace: Callable[[], bool] | None
    ) -> tuple[str | None, str]:
        """Give ``item``'s name back to the file it was a hard link of, when that file is
        there with its bytes, owner and mode: its other name restored before (``rejoin``), or
        a name left in place in its folder (the file itself). Returns (the path linked to,
        or None and why not): a restore of a hard link gave back a second, separate file."""
        assert item.hard_link is not None
        dev, ino, _ = item.hard_link
        candidates: list[tuple[str, int, int]] = []
        if item.rejoin is not None:
            candidates.append(item.rejoin)
        found, where = _names_of(item.path, item.uid, dev, ino)
        candidates += [(path, dev, ino) for path in found if path != item.path]
        why = f"none of its other names was found ({where}) or restored from quarantine"
        here = os.fstat(parent).st_dev
        for path, want_dev, want_ino in candidates:
            fd = _open_nofollow(path)
            if fd is None:
                why = f"{escape(path)} is gone"
                continue
            try:
                st = os.fstat(fd)
                if (st.st_dev, st.st_ino) != (want_dev, want_ino) or not stat.S_ISREG(st.st_mode):
                    why = f"{escape(path)} is another file now"
                    continue
                if (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) != (
                    item.uid, item.gid, item.mode
                ) or _sha256(fd) != item.sha256:
                    why = f"{escape(path)} holds other bytes, owner or mode now"
                    continue
                if st.st_dev != here:
                    why = f"{escape(path)} is on another filesystem now"
                    continue
                Quarantine._link_into(item, fd, parent, name, displace)
                return path, ""
            except OSError as exc:
                why = f"{escape(path)} could not be linked: {exc.strerror or exc}"
            finally:
                os.close(fd)
        return None, why

    @staticmethod
    def _link_into(
        item: QuarantineItem, fd: int, parent: int, name: str,
        displace: Callable[[], bool] | None,
    ) -> None:  # fmt: skip
        """Link the file open on ``fd`` (checked: the very inode, not a name that may be
        swapped meanwhile) as ``name``; a file in the way as :meth:`_restore_into` does."""
        try:
            existing = os.stat(name, dir_fd=parent, follow_symlinks=False)
        except FileNotFoundError:
            existing = None
        if existing is not None:
            if displace is None:
                raise QuarantineError(
                    f"{escape(item.path)}: a file appeared there since it was quarantined: not "
                    "overwritten (use --force to replace it)"
                )
            if stat.S_ISDIR(existing.st_mode):
                raise QuarantineError(f"{escape(item.path)}: is now a folder: not replaced")
            if not displace():  # a symlink: it holds no data
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(name, dir_fd=parent)
        try:
            os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=parent, follow_symlinks=True)
        except FileExistsError:
            raise QuarantineError(
                f"{escape(item.path)}: a file appeared there since it was quarantined: not "
                "overwritten (use --force to replace it)"
            ) from None

    @staticmethod
    def _restore_into(
        item: QuarantineItem, item_fd: int, parent: int, name: str,
        displace: Callable[[], bool] | None,
    ) -> None:  # fmt: skip
        force = displace is not None
        try:
            existing = os.stat(name, dir_fd=parent, follow_symlinks=False)
        except FileNotFoundError:
            existing = None
        if existing is not None:
            if not force:
                raise QuarantineError(
                    f"{escape(item.path)}: a file appeared there since it was quarantined: not "
                    "overwritten (use --force to replace it)"
                )
            if stat.S_ISDIR(existing.st_mode):
                raise QuarantineError(f"{escape(item.path)}: is now a folder: not replaced")
            # not removed here: the rename below replaces it once the restored file is
            # whole (a restore that fails half-way, on a full disk, must not lose it)
        src = os.open(DATA, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=item_fd)
        tmp = f".{name}.spamtrace-restore-{secrets.token_hex(3)}"
        try:
            out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                          0o600, dir_fd=parent)  # fmt: skip
        except OSError as exc:
            os.close(src)
            raise QuarantineError(
                f"{escape(item.path)}: cannot write the folder: {exc.strerror}"
            ) from None
        try:
            Quarantine._write_back(item, src, out, tmp, name, parent, displace)
        except OSError as exc:  # a full or read-only disk, a quota: said, the item kept
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=parent)
            raise QuarantineError(
                f"{escape(item.path)}: not restored, still in quarantine: {_target_error(exc)}"
            ) from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=parent)
            raise
        finally:
            os.close(src)

    @staticmethod
    def _write_back(
        item: QuarantineItem, src: int, out: int, tmp: str, name: str, parent: int,
        displace: Callable[[], bool] | None,
    ) -> None:  # fmt: skip
        """Write the quarantined bytes to ``tmp`` (``out``), set owner, mode and times, and
        give it its name (``displace``, with --force: first quarantine a file in the way;
        it returns False for a symlink, which is replaced); ``out`` is closed."""
        try:
            h = hashlib.sha256()
            while True:
                chunk = os.read(src, _CHUNK)
                if not chunk:
                    break
                h.update(chunk)
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view) :]
            if h.hexdigest() != item.sha256:
                raise QuarantineError(
                    f"{escape(item.id)}: the quarantined bytes do not match their sha256"
                )
            os.fchown(out, item.uid, item.gid)
            os.fchmod(out, item.mode)
            os.fsync(out)
            os.utime(out, ns=(item.atime_ns, item.mtime_ns))
            os.close(out)
            out = -1
            if displace is None or displace():
                try:  # no replace: a file that appeared meanwhile wins
                    os.link(tmp, name, src_dir_fd=parent, dst_dir_fd=parent, follow_symlinks=False)
                except FileExistsError:
                    raise QuarantineError(
                        f"{escape(item.path)}: a file appeared there since it was quarantined: not "
                        "overwritten (use --force to replace it)"
                    ) from None
                os.unlink(tmp, dir_fd=parent)
            else:
                os.rename(tmp, name, src_dir_fd=parent, dst_dir_fd=parent)
        finally:
            if out >= 0:
                os.close(out)

    def delete(self, ident: str) -> QuarantineItem:
        item = self.get(ident)
        root = self._open_root(create=False)
        try:
            _remove_item(root, item.id, self._take(root, item))
            if item.hard_link is not None and not self._same_file(root, *item.hard_link[:2]):
                _unmark(root, *item.hard_link[:2])
        finally:
            os.close(root)
        return item

    def _take(self, root: int, item: QuarantineItem) -> int:
        """The folder of ``item``, open and locked for this run alone (``flock``: a restore
        or delete of the same id run at the same time waits for this one to end), its bytes
        still there; else :meth:`_taken_out`'s error. The lock ends when the fd is closed."""
        import fcntl

        try:
            item_fd = os.open(item.id, _DIR_FLAGS, dir_fd=root)
        except FileNotFoundError:
            raise self._taken_out(item) from None
        try:
            fcntl.flock(item_fd, fcntl.LOCK_EX)
            os.stat(DATA, dir_fd=item_fd, follow_symlinks=False)
        except FileNotFoundError:
            os.close(item_fd)
            raise self._taken_out(item) from None
        except BaseException:
            os.close(item_fd)
            raise
        return item_fd

    def _taken_out(self, item: QuarantineItem) -> UsageError:
        """The error of a restore or delete whose item another run took out of quarantine
        after this one found it (two `quarantine restore ID` at once): "already restored"
        when its path holds its bytes again; exit 2, as an id no longer in quarantine."""
        gone = f"{item.id} is no longer in quarantine"
        if _holds_bytes(item):
            return UsageError(
                f"{gone}: already restored, by another run meanwhile "
                f"({escape(item.path)} holds its bytes again); nothing done"
            )
        return UsageError(
            f"{gone}: another run restored or deleted it meanwhile; nothing done "
            "(see `spamtrace quarantine list`)"
        )


#: the note of a hard-linked item whose other name was quarantined after it
LINKED_TOO = "its other name was quarantined too:"
#: the start of the note of a restore that made a hard link again
LINKED_BACK = "restored as a hard link of"
#: the start of the note of a hard link restored as a file of its own
RESTORED_APART = "restored as a separate file:"


def _mark_name(dev: int, ino: int) -> str:
    return f".link-{dev}-{ino}"


def _mark(root: int, dev: int, ino: int) -> None:
    """Note in the quarantine folder that a name of the file (dev, ino) is in quarantine: a
    later move of another of its names looks for it (a stale mark only costs that look)."""
    with contextlib.suppress(OSError):
        os.close(os.open(_mark_name(dev, ino), os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW
                         | os.O_CLOEXEC, 0o600, dir_fd=root))  # fmt: skip


def _marked(root: int, dev: int, ino: int) -> bool:
    try:
        os.stat(_mark_name(dev, ino), dir_fd=root, follow_symlinks=False)
    except OSError:
        return False
    return True


def _unmark(root: int, dev: int, ino: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(_mark_name(dev, ino), dir_fd=root)


def _mount_of(path: str) -> str:
    folder = os.path.dirname(path) or "/"
    with contextlib.suppress(OSError):
        while not os.path.ismount(folder):
            folder = os.path.dirname(folder)
    return folder


def _linked_note(
    path: str, st: os.stat_result, names: int, before: Sequence[QuarantineItem]
) -> str:
    """The note of a hard-linked file's move: how many names, which stay, which are in
    quarantine already (it said "left in place" of names quarantined before)."""
    note = f"hard-linked ({names} names): copied; only this name was removed"
    if st.st_nlink > 1:
        note += (
            f", {st.st_nlink - 1} other name(s) left in place (find them with: find "
            f"{shell_quote(_mount_of(path))} -xdev -inum {st.st_ino})"
        )
    if before:
        note += "; quarantined before: " + ", ".join(f"{i.path} ({i.id})" for i in before)
    return note + "; a restore links it to its other names again where it can"


#: entries a restore looks through for a hard link's other names (a site of 100,000 files
#: takes about a second)
NAMES_SEARCHED = 500_000


def _names_of(path: str, uid: int, dev: int, ino: int) -> tuple[list[str], str]:
    """The names of the file ``(dev, ino)`` (hard links of ``path``, left in place): looked
    for in ``path``'s folder, then in the owner's home when ``path`` is in it; one filesystem,
    no symlink followed, :data:`NAMES_SEARCHED` entries at most. Returns them and where they
    were looked for (said when none is linked)."""
    folder = os.path.dirname(path)
    top = folder
    with contextlib.suppress(KeyError, OSError):
        home = os.path.normpath(pwd.getpwuid(uid).pw_dir)
        if home != "/" and is_within(folder, home):
            top = home
    found: list[str] = []
    seen = 0
    below: list[str] = []
    for at, walk in ((folder, False), (top, True)) if top != folder else ((folder, False),):
        stack = [at]
        while stack and seen < NAMES_SEARCHED:
            try:
                with os.scandir(stack.pop()) as entries:
                    for e in entries:
                        seen += 1
                        if e.is_dir(follow_symlinks=False):
                            with contextlib.suppress(OSError):
                                if walk and e.stat(follow_symlinks=False).st_dev == dev:
                                    stack.append(e.path)
                        elif e.inode() == ino and e.is_file(follow_symlinks=False):
                            found.append(e.path)
            except OSError:
                continue
        below = stack
    where = f"in {escape(top)}" + ("" if top == folder else " and below")
    if below or seen >= NAMES_SEARCHED:
        where += f", its first {NAMES_SEARCHED} entries"
    return list(dict.fromkeys(found)), where


def _open_nofollow(path: str) -> int | None:
    """``path`` opened read-only without following a symlink on the way; None: not there."""
    try:
        parents, name = _split(path)
        with open_dir_nofollow(parents, path) as folder:
            return os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                           dir_fd=folder)  # fmt: skip
    except (OSError, QuarantineError):
        return None


def _sha256(fd: int) -> str:
    h = hashlib.sha256()
    offset = 0
    while chunk := os.pread(fd, _CHUNK, offset):
        h.update(chunk)
        offset += len(chunk)
    return h.hexdigest()


def _holds_data(root: int, ident: str) -> bool:
    """Whether an item folder holds quarantined bytes."""
    try:
        os.stat(f"{ident}/{DATA}", dir_fd=root, follow_symlinks=False)
    except OSError:
        return False
    return True


def _holds_bytes(item: QuarantineItem) -> bool:
    """Whether the file at ``item``'s path (reached without following a link) is a regular
    file with its size and sha256: restored."""
    parents, name = _split(item.path)
    try:
        with open_dir_nofollow(parents, item.path) as parent:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                         dir_fd=parent)  # fmt: skip
    except (OSError, QuarantineError):
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size != item.size:
            return False
        h = hashlib.sha256()
        while chunk := os.read(fd, _CHUNK):
            h.update(chunk)
        return h.hexdigest() == item.sha256
    except OSError:
        return False
    finally:
        os.close(fd)


def _with_notes(item: QuarantineItem, notes: Sequence[str]) -> QuarantineItem:
    from dataclasses import replace

    return replace(item, notes=tuple(notes))


def _remove_item(root: int, ident: str, item_fd: int | None) -> None:
    """Remove one item folder (its files are ours: plain names, no recursion needed)."""
    try:
        if item_fd is None:
            item_fd = os.open(ident, _DIR_FLAGS, dir_fd=root)
        for name in os.listdir(item_fd):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=item_fd)
    except OSError:
        pass
    finally:
        if item_fd is not None:
            os.close(item_fd)
    with contextlib.suppress(OSError):
        os.rmdir(ident, dir_fd=root)
