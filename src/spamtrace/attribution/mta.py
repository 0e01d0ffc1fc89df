"""Who is this server's MTA? Exim, Postfix, Sendmail or OpenSMTPD, by exe path and uid.

A process is the MTA only when its executable (``/proc/PID/exe``, which the kernel gives fully
resolved) is one of the MTA's binaries *and* it runs as the MTA's service user (or root:
Sendmail delivers as root, and root starting the real MTA binary is the MTA). The process name
is never used: anyone can call a process ``exim``.

Detection reads ``<root>/etc/passwd`` for the service users that exist and keeps the known
binary paths that exist, with symlinks resolved inside ``root`` (``/usr/sbin/exim`` ->
``/usr/sbin/exim4``; ``/sbin`` -> ``usr/sbin``). ``[mta] users`` / ``exes`` in the config add
to what is detected (a custom build in ``/opt``).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass

from spamtrace.config import MtaSection
from spamtrace.model import DELETED

#: kind -> (service user names, binaries that open outbound SMTP connections)
KNOWN_MTAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "exim": (
        ("Debian-exim", "exim", "mailnull"),
        ("/usr/sbin/exim4", "/usr/sbin/exim", "/usr/exim/bin/exim", "/usr/local/sbin/exim"),
    ),
    "postfix": (
        ("postfix",),
        (
            "/usr/lib/postfix/sbin/smtp",
            "/usr/lib/postfix/sbin/lmtp",
            "/usr/libexec/postfix/smtp",
            "/usr/libexec/postfix/lmtp",
            "/usr/lib/postfix/smtp",
            "/usr/lib/postfix/lmtp",
        ),
    ),
    "sendmail": (
        ("smmta", "smmsp"),
        ("/usr/lib/sm.bin/sendmail", "/usr/sbin/sendmail.sendmail", "/usr/libexec/sendmail"),
    ),
    "opensmtpd": (
        ("opensmtpd", "opensmtpq", "_smtpd", "_smtpq", "smtpd", "smtpq"),
        ("/usr/sbin/smtpd", "/usr/local/sbin/smtpd"),
    ),
}


@dataclass(frozen=True, slots=True)
class MtaIdentity:
    """The detected MTA: its service users (uids, gids, names) and binaries (resolved paths)."""

    uids: frozenset[int]
    gids: frozenset[int]
    users: tuple[str, ...]
    exes: frozenset[str]
    kind: str | None

    def matches(self, uid: int | None, exe: str | None) -> bool:
        """True when ``exe`` is an MTA binary and ``uid`` is an MTA service user (or root)."""
        if uid is None or not exe:
            return False
        if exe.endswith(DELETED):
            return False  # binary replaced on disk: not the installed MTA any more
        return exe in self.exes and (uid in self.uids or uid == 0)

    def describe(self) -> str:
        users = ", ".join(self.users) or "no service user"
        return f"{self.kind or 'unknown MTA'} ({users})"


#: no MTA: no service user, no binary (what detection finds on a host without one)
NO_MTA = MtaIdentity(frozenset(), frozenset(), (), frozenset(), None)


def _under(root: str, path: str) -> str:
    if root in ("", "/"):
        return path
    return os.path.join(root, path.lstrip("/"))


def resolve_in_root(root: str, path: str) -> str | None:
    """Resolve every symlink of absolute ``path`` as if ``root`` were ``/``; None if missing."""
    if root in ("", "/"):
        real = os.path.realpath(path)
        return real if os.path.exists(real) else None
    parts = [p for p in path.split("/") if p]
    resolved = "/"
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == ".":
            continue
        if part == "..":
            resolved = posixpath.dirname(resolved)
            continue
        candidate = posixpath.join(resolved, part)
        on_disk = _under(root, candidate)
        if os.path.islink(on_disk):
            hops += 1
            if hops > 40:
                return None
            try:
                target = os.readlink(on_disk)
            except OSError:
                return None
            if target.startswith("/"):
                resolved = "/"
            parts = [p for p in target.split("/") if p] + parts
            continue
        resolved = candidate
    return resolved if os.path.exists(_under(root, resolved)) else None


def _passwd(root: str) -> dict[str, tuple[int, int]]:
    users: dict[str, tuple[int, int]] = {}
    try:
        with open(_under(root, "/etc/passwd"), "rb") as fh:
            text = fh.read(4 * 1024 * 1024).decode("utf-8", "surrogateescape")
    except OSError:
        return users
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) >= 4 and parts[2].isdecimal() and parts[3].isdecimal():
            users.setdefault(parts[0], (int(parts[2]), int(parts[3])))
    return users


def detect_mta(cfg: MtaSection, root: str = "/") -> MtaIdentity:
    """Detect the MTA(s) installed under ``root``, plus the configured extras."""
    passwd = _passwd(root)
    if root in ("", "/"):
        import pwd

        for name in cfg.users:
            if name not in passwd:
                try:
                    pw = pwd.getpwnam(name)
                except KeyError:
                    continue
                passwd[name] = (pw.pw_uid, pw.pw_gid)
    kind: str | None = None
    users: list[str] = []
    exes: set[str] = set()
    for mta_kind, (names, paths) in KNOWN_MTAS.items():
        found = {r for r in (resolve_in_root(root, p) for p in paths) if r}
        if not found:
            continue
        kind = kind or mta_kind
        exes |= found
        users += [n for n in names if n in passwd and n not in users]
    for name in cfg.users:
        if name in passwd and name not in users:
            users.append(name)
    for exe in cfg.exes:
        exes.add(exe)
        real = resolve_in_root(root, exe)
        if real:
            exes.add(real)
    return MtaIdentity(
        uids=frozenset(passwd[n][0] for n in users),
        gids=frozenset(passwd[n][1] for n in users),
        users=tuple(users),
        exes=frozenset(exes),
        kind=kind,
    )
