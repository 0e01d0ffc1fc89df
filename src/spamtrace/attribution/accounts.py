"""uid -> hosting :class:`~spamtrace.model.Account` (cPanel, DirectAdmin, Plesk, plain home).

Read, in order, for the user name of the uid (from ``<root>/etc/passwd``, then the system's
user database when ``root`` is ``/``):

1. cPanel: ``/var/cpanel/users/<user>`` (``DNS=``, ``DNSn=`` lines) and ``/etc/userdomains``
   (``domain: user`` lines).
2. DirectAdmin: ``/usr/local/directadmin/data/users/<user>/domains.list``.
3. Plesk: the user's home is ``/var/www/vhosts/<domain>``; more domains are the vhost
   directories the uid owns.
4. ISPConfig: the home is ``/var/www/clients/clientN/webM``; the domains are the links
   ``/var/www/<domain>`` that lead to it.
5. Otherwise the user's home directory (kind ``home``); uids below ``min_uid`` are ``system``.

PHP run as the web server's user (``www-data``, ``apache``, ``nobody``: mod_php, DSO) belongs
to no account by its uid. :meth:`AccountResolver.for_process` then maps the script's or the
working folder's path to the site's account (:meth:`AccountResolver.for_path`): first a
sub-folder of ``[accounts] site_dirs`` (the admin's own word: a plain server's
``/var/www/<site>``, kind ``site`` unless a hosting user has the site's name), then a cPanel
document root (``/etc/userdatadomains``), a DirectAdmin domain (``/etc/virtual/domainowners``,
``.../domains/<domain>/...``), a Plesk vhost (``/var/www/vhosts/<domain>/``, owned by the
subscription's user), or a hosting user's home (``/home/<user>/``), the longest match first.

Every path comes from :class:`~spamtrace.config.AccountsSection`, joined under ``root`` so that
unit tests use fixture trees. Unreadable or malformed files are skipped line by line: a panel
file an attacker can influence must never stop the report.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
from collections.abc import Iterable

from spamtrace.attribution.process import passwd_stamp
from spamtrace.config import AccountsSection
from spamtrace.model import Account, AccountKind, is_within

#: At most this many domains per account (a reseller can own thousands).
MAX_DOMAINS = 200
#: mail domains whose owner is kept (for_domain; a log names as many as its senders make up)
MAX_CACHED_DOMAINS = 10_000
_MAX_FILE = 4 * 1024 * 1024
_PLESK_SKIP = frozenset({"system", "default", "chroot", "fs", "fs-passwd", ".skel"})


def _under(root: str, path: str) -> str:
    if root in ("", "/"):
        return path
    return os.path.join(root, path.lstrip("/"))


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX_FILE)
    except OSError:
        return []
    return data.decode("utf-8", "surrogateescape").splitlines()


def _valid_domain(text: str) -> bool:
    return (
        0 < len(text) <= 253
        and text.isprintable()
        and not any(c.isspace() or c in "/\\" for c in text)
        and text not in ("*", ".", "..")
    )


def _add(domains: list[str], domain: str) -> None:
    domain = domain.strip().lower()
    if _valid_domain(domain) and domain not in domains and len(domains) < MAX_DOMAINS:
        domains.append(domain)


class AccountResolver:
    """Resolve uids to hosting accounts; results are cached per uid."""

    def __init__(self, cfg: AccountsSection, root: str = "/") -> None:
        self.cfg = cfg
        self.root = root
        self._cache: dict[int, Account | None] = {}
        self._passwd: dict[int, tuple[str, str]] | None = None
        self._passwd_stamp: tuple[int, int, int] | None = None
        self._userdomains: dict[str, list[str]] | None = None
        self._plesk_owned: dict[int, list[str]] | None = None
        self._ispconfig_links: dict[str, list[str]] | None = None  # resolved home -> domains
        self._docroots: list[tuple[str, str]] | None = None  # (folder, user), longest first
        self._domain_owners: dict[str, str] | None = None
        #: mail domain -> its owner's account (for_domain), dropped with the users
        self._by_domain: dict[str, Account | None] = {}

    # ------------------------------------------------------------------ lookups
    def _user(self, uid: int) -> tuple[str, str] | None:
        """(name, home) of uid."""
        self._follow_passwd()
        if self._passwd is None:
            self._passwd = {}
            for line in _read_lines(_under(self.root, "/etc/passwd")):
                parts = line.split(":")
                if len(parts) < 7 or not parts[2].isdecimal():
                    continue
                self._passwd.setdefault(int(parts[2]), (parts[0], parts[5]))
        entry = self._passwd.get(uid)
        if entry is None and self.root in ("", "/"):
            try:
                pw = pwd.getpwuid(uid)
            except (KeyError, OverflowError):
                return None
            entry = (pw.pw_name, pw.pw_dir)
        return entry

    def _cpanel(self, user: str) -> list[str] | None:
        if not _safe_name(user):
            return None
        path = os.path.join(_under(self.root, self.cfg.cpanel_users_dir), user)
        if not os.path.isfile(path):
            return None
        domains: list[str] = []
        for line in _read_lines(path):
            key, sep, value = line.partition("=")
            key = key.strip()
            if sep and (key == "DNS" or (key.startswith("DNS") and key[3:].isdecimal())):
                _add(domains, value)
        for domain in self._load_userdomains().get(user, []):
            _add(domains, domain)
        return domains

    def _load_userdomains(self) -> dict[str, list[str]]:
        """cPanel's ``/etc/userdomains``: owner -> domains (read once)."""
        if self._userdomains is None:
            self._userdomains = {}
            for line in _read_lines(_under(self.root, self.cfg.cpanel_userdomains)):
                domain, sep, owner = line.partition(":")
                if sep:
                    self._userdomains.setdefault(owner.strip(), []).append(domain)
        return self._userdomains

    def _directadmin(self, user: str) -> list[str] | None:
        if not _safe_name(user):
            return None
        path = os.path.join(_under(self.root, self.cfg.directadmin_users_dir), user, "domains.list")
        if not os.path.isfile(path):
            return None
        domains: list[str] = []
        for line in _read_lines(path):
            _add(domains, line)
        return domains

    def _plesk(self, uid: int, home: str) -> list[str] | None:
        vhosts = self.cfg.plesk_vhosts_dir.rstrip("/")
        if not home.startswith(vhosts + "/"):
            return None
        domains: list[str] = []
        first = home[len(vhosts) + 1 :].split("/", 1)[0]
        if first and first not in _PLESK_SKIP:
            _add(domains, first)
        if self._plesk_owned is None:
            self._plesk_owned = {}
            try:
                with os.scandir(_under(self.root, vhosts)) as it:
                    for entry in it:
                        if entry.name in _PLESK_SKIP or not entry.is_dir(follow_symlinks=False):
                            continue
                        try:
                            owner = entry.stat(follow_symlinks=False).st_uid
                        except OSError:
                            continue
                        self._plesk_owned.setdefault(owner, []).append(entry.name)
            except OSError:
                pass
        for name in sorted(self._plesk_owned.get(uid, [])):
            _add(domains, name)
        return domains

    def _ispconfig(self, home: str) -> list[str] | None:
        """ISPConfig's ``clients/clientN/webM`` home: the domains whose ``/var/www/<domain>``
        link (beside the clients folder) leads to it; None for another home."""
        clients = self.cfg.ispconfig_clients_dir.rstrip("/")
        if not clients or not home.startswith(clients + "/"):
            return None
        client, _, web = home[len(clients) + 1 :].rstrip("/").partition("/")
        if not client or not web or "/" in web:
            return None
        if self._ispconfig_links is None:
            self._ispconfig_links = {}
            try:
                with os.scandir(_under(self.root, os.path.dirname(clients))) as it:
                    for entry in it:
                        if entry.is_symlink() and _valid_domain(entry.name):
                            target = os.path.realpath(entry.path)
                            self._ispconfig_links.setdefault(target, []).append(entry.name)
            except OSError:
                pass
        domains: list[str] = []
        real = os.path.realpath(_under(self.root, home))
        for name in sorted(self._ispconfig_links.get(real, [])):
            _add(domains, name)
        return domains

    def _uid_of(self, name: str) -> int | None:
        self._user(0)  # fills self._passwd
        for uid, (user, _home) in (self._passwd or {}).items():
            if user == name:
                return uid
        if self.root in ("", "/"):
            try:
                return pwd.getpwnam(name).pw_uid
            except KeyError:
                return None
        return None

    def _folders(self) -> list[tuple[str, str]]:
        """(folder, user) of cPanel document roots and hosting users' homes, longest first."""
        if self._docroots is None:
            found: list[tuple[str, str]] = []
            for line in _read_lines(_under(self.root, self.cfg.cpanel_userdatadomains)):
                _domain, sep, rest = line.partition(":")
                fields = rest.strip().split("==")
                if sep and len(fields) >= 5 and fields[4].startswith("/"):
                    found.append((fields[4].rstrip("/"), fields[0].strip()))
            self._user(0)
            web = set(self.cfg.web_users)
            for uid, (user, home) in (self._passwd or {}).items():
                hosting = self.cfg.min_uid <= uid < 65534 and user not in web
                if hosting and home.startswith("/") and home.rstrip("/").count("/") >= 2:
                    found.append((home.rstrip("/"), user))  # not "/" or "/srv": too wide
                    real = self._resolved(home.rstrip("/"))
                    if real is not None:
                        found.append((real, user))
            found.sort(key=lambda pair: len(pair[0]), reverse=True)
            self._docroots = found
        return self._docroots

    def _resolved(self, home: str) -> str | None:
        """The home's path with its symlinks resolved, when it differs: passwd says
        ``/home/u`` and the kernel names the files of ``/home/u -> /home2/u`` (cPanel's second
        disk) by their resolved path in /proc, as attribution names scripts. Only homes: their
        parent folders are root's, while a document root like ``public_html`` is the account's
        own and may be a link into another account's site."""
        real = os.path.realpath(_under(self.root, home))
        if self.root not in ("", "/"):
            base = os.path.realpath(self.root)
            if not real.startswith(base + "/"):
                return None
            real = real[len(base):]
        if real == home or real.rstrip("/").count("/") < 2:
            return None
        return real

    def _domain_owner(self, path: str) -> str | None:
        """DirectAdmin: ``.../domains/<domain>/...`` -> the owner in ``domainowners``."""
        parts = path.split("/")
        if "domains" not in parts:
            return None
        i = parts.index("domains")
        domain = parts[i + 1].lower() if i + 1 < len(parts) else ""
        return self._load_domain_owners().get(domain)

    def _load_domain_owners(self) -> dict[str, str]:
        """DirectAdmin's ``domainowners``: domain -> owner (read once)."""
        if self._domain_owners is None:
            self._domain_owners = {}
            for line in _read_lines(_under(self.root, self.cfg.directadmin_domainowners)):
                domain, sep, user = line.partition(":")
                if sep and _valid_domain(domain.strip()) and user.strip():
                    self._domain_owners[domain.strip().lower()] = user.strip()
        return self._domain_owners

    def for_domain(self, domain: str) -> Account | None:
        """The hosting account that owns a (mail) domain, as the panel says (cPanel
        ``/etc/userdomains``, DirectAdmin ``domainowners``); None when no panel says. Looked
        up once per domain (at most :data:`MAX_CACHED_DOMAINS` kept), again after the passwd
        file changed (an account deleted or renamed)."""
        domain = domain.strip().lower()
        if not _valid_domain(domain):
            return None
        self._follow_passwd()
        if domain in self._by_domain:
            return self._by_domain[domain]
        owner = self._owner_of_domain(domain)
        uid = self._uid_of(owner) if owner and owner != "nobody" else None
        account = self.for_uid(uid) if uid is not None else None
        if account is not None and account.kind is AccountKind.SYSTEM:
            account = None
        if len(self._by_domain) >= MAX_CACHED_DOMAINS:
            self._by_domain.clear()
        self._by_domain[domain] = account
        return account

    def _owner_of_domain(self, domain: str) -> str | None:
        """The panel's owner name of ``domain`` (lower case): DirectAdmin's, else cPanel's."""
        owner = self._load_domain_owners().get(domain)
        if owner is None:
            owner = next(
                (
                    user
                    for user, names in self._load_userdomains().items()
                    if any(name.strip().lower() == domain for name in names)
                ),
                None,
            )
        return owner

    def _plesk_owner(self, path: str) -> int | None:
        vhosts = self.cfg.plesk_vhosts_dir.rstrip("/")
        if not path.startswith(vhosts + "/"):
            return None
        domain = path[len(vhosts) + 1 :].split("/", 1)[0]
        if not domain or domain in _PLESK_SKIP or not _valid_domain(domain):
            return None
        try:
            st = os.stat(_under(self.root, f"{vhosts}/{domain}"), follow_symlinks=False)
        except OSError:
            return None
        return st.st_uid if st.st_uid >= self.cfg.min_uid else None

    def _site(self, path: str) -> Account | None:
        """The site of ``path`` by ``[accounts] site_dirs``: the sub-folder it is in (a hosting
        user of that name: the user's account); None when it is in none."""
        parts = path.split("/")[1:]
        for entry in self.cfg.site_dirs:
            want = [part for part in entry.split("/") if part]
            n = len(want)
            head = parts[:n]
            if len(parts) <= n or any(w not in ("*", p) for w, p in zip(want, head, strict=True)):
                continue
            name, folder = parts[n], "/" + "/".join(parts[: n + 1])
            if not _safe_name(name) or not name.isprintable():
                continue
            if len(parts) == n + 1 and not os.path.isdir(_under(self.root, path)):
                continue  # a file lying in the site folder itself names no site
            uid = self._uid_of(name) if name not in self.cfg.web_users else None
            account = self.for_uid(uid) if uid is not None else None
            if account is not None and account.kind is not AccountKind.SYSTEM:
                return account
            return Account(name=name, kind=AccountKind.SITE, home=folder)
        return None

    def for_path(self, path: str) -> Account | None:
        """The hosting account a file or folder belongs to, by where it is; None if no site's."""
        path = os.path.normpath(path) if path.startswith("/") else ""
        if not path:
            return None
        site = self._site(path)
        if site is not None:
            return dataclasses.replace(site, via=f"path {path}")
        user = self._domain_owner(path)
        uid = self._uid_of(user) if user else None
        if uid is None:
            uid = self._plesk_owner(path)
        if uid is None:
            for folder, owner in self._folders():
                if is_within(path, folder):
                    uid = self._uid_of(owner)
                    if uid is not None:
                        break
        if uid is None:
            return None
        account = self.for_uid(uid)
        if account is None or account.kind is AccountKind.SYSTEM:
            return None
        return dataclasses.replace(account, via=f"path {path}")

    def for_process(self, uid: int | None, paths: Iterable[str | None] = ()) -> Account | None:
        """The account of a process: by its uid, or, when the uid is a web server's
        (``[accounts] web_users``: PHP as mod_php/DSO), by its script's or folder's path."""
        account = self.for_uid(uid) if uid is not None else None
        if account is None or account.name not in self.cfg.web_users:
            return account
        return self.for_paths(paths) or account

    def for_paths(self, paths: Iterable[str | None]) -> Account | None:
        """The account of the first of ``paths`` (a script, a folder) that one owns."""
        for path in paths:
            found = self.for_path(path) if path else None
            if found is not None:
                return found
        return None

    # ------------------------------------------------------------------ public
    def _follow_passwd(self) -> None:
        """Forget the users read when the passwd file has changed since: an account added,
        renamed or deleted (a panel reuses a deleted account's uid) while a daemon runs."""
        stamp = passwd_stamp(_under(self.root, "/etc/passwd"))
        if stamp != self._passwd_stamp:
            self._passwd, self._passwd_stamp = None, stamp
            self._cache.clear()
            self._by_domain.clear()

    def for_uid(self, uid: int) -> Account | None:
        """The account of ``uid``; ``None`` when the uid has no user entry and no panel data."""
        self._follow_passwd()
        if uid in self._cache:
            return self._cache[uid]
        account = self._resolve(uid)
        self._cache[uid] = account
        return account

    def _resolve(self, uid: int) -> Account | None:
        entry = self._user(uid)
        if entry is None:
            return None
        name, home = entry
        home_or_none = home or None
        if uid < self.cfg.min_uid or uid >= 65534:  # daemons, root, nobody
            return Account(name=name, kind=AccountKind.SYSTEM, home=home_or_none)
        domains = self._cpanel(name)
        if domains is not None:
            return Account(name, AccountKind.CPANEL, home_or_none, tuple(domains))
        domains = self._directadmin(name)
        if domains is not None:
            return Account(name, AccountKind.DIRECTADMIN, home_or_none, tuple(domains))
        domains = self._plesk(uid, home) if home else None
        if domains is not None:
            return Account(name, AccountKind.PLESK, home_or_none, tuple(domains))
        domains = self._ispconfig(home) if home else None
        if domains is not None:
            return Account(name, AccountKind.ISPCONFIG, home_or_none, tuple(domains))
        return Account(name=name, kind=AccountKind.HOME, home=home_or_none)


def _safe_name(user: str) -> bool:
    """A user name that can be used as one path component."""
    return bool(user) and user not in (".", "..") and "/" not in user and "\0" not in user
