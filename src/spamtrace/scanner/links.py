"""Symlinks that point where a site must not reach (``data/scanner/link_targets.toml``).

The scan never follows a link, but the web server and the account's PHP do: a link from an
account's folder to ``/etc/shadow``, to ``/`` or to another account's ``wp-config.php`` is
how one account reads what it may not on a shared server (a "symlink attack"). Pure: the
link's own path and where it points (both absolute, resolved as text) in, the reason out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from spamtrace.config import parse_toml_text
from spamtrace.errors import ConfigError, SpamtraceError

RULE = "link.sensitive-target"
WEIGHT = 8  # suspicious: a link is no code, and a site may link its own files
DESCRIPTION = (
    "a symlink to the system's files, to the whole file system or to another account's "
    "files or secrets: the scan does not follow it, but the web server and the account's "
    "PHP do (how one hosting account reads another's passwords: a symlink attack)"
)


class LinkTargetsError(SpamtraceError):
    """The link targets data file cannot be used."""


@dataclass(frozen=True, slots=True)
class LinkTargets:
    system: tuple[str, ...]
    homes: re.Pattern[str]
    secrets: frozenset[str]


def parse(text: str) -> LinkTargets:
    """The targets of ``text`` (the data file's TOML)."""
    try:
        doc = parse_toml_text(text, "link targets")
        system = tuple(str(p).rstrip("/") or "/" for p in doc["system"])
        homes = re.compile(str(doc["homes"]))
        secrets = frozenset(str(n) for n in doc["secrets"])
    except ConfigError as exc:
        raise LinkTargetsError(str(exc)) from exc
    except (KeyError, TypeError, re.error) as exc:
        raise LinkTargetsError(f"link targets: {exc}") from exc
    if not all(p.startswith("/") for p in system) or homes.groups != 1:
        raise LinkTargetsError("link targets: system paths must be absolute, homes one group")
    return LinkTargets(system, homes, secrets)


@functools.cache
def builtin() -> LinkTargets:
    text = resources.files("spamtrace").joinpath("data/scanner/link_targets.toml")
    return parse(text.read_text("utf-8"))


def _account(path: str, targets: LinkTargets) -> str | None:
    m = targets.homes.match(path)
    return m.group(1) if m else None


def sensitive(link: str, target: str, targets: LinkTargets | None = None) -> str | None:
    """Why the link at ``link`` pointing at ``target`` (absolute, normalized) is one a site
    must not have, or None."""
    t = targets or builtin()
    for p in t.system:
        if target == p or (p != "/" and target.startswith(p + "/")):
            return "the whole file system" if p == "/" else "a system file or folder"
    own, theirs = _account(link, t), _account(target, t)
    if theirs is not None and theirs != own:
        return "another account's files" if own is not None else "an account's files"
    name = target.rsplit("/", 1)[-1]
    if name in t.secrets and (own is None or theirs != own):
        return "a file of passwords or keys outside this account"
    return None
