"""A PHP mail.log's script names as this server has them on disk (the adapter: lists folders).

PHP writes a ``mail()`` record with headers (the script's own, a ``From:``; not
``mail.add_x_header``'s, which goes into the message only)
with every CR and LF of the line turned into a space, the script's name included: a script
``a<newline>b.php`` (an attacker's choice) is named ``a b.php``, a file that is not there (or
an innocent one that is). :class:`ScriptNames` looks such a name up in its folder: the one
entry there that reads the same with its line breaks as spaces is the script (none, or
several: the name as logged). The line parsers stay pure: the readers of a log (``mail``,
``check``, the daemon's follower) give one of these to
:func:`spamtrace.sources.maillog.reader.parser_for`, one per log, kept across the looks at a
followed log (the names are the attacker's to repeat: each is looked up once).
"""

from __future__ import annotations

import os


class ScriptNames:
    """``path`` as PHP logged it -> the file it names (:func:`with_line_breaks`), each name
    looked up once (at most :attr:`MAX_NAMES` kept). A name without a space is as logged."""

    __slots__ = ("names",)
    MAX_NAMES = 1024

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        if " " not in path:
            return path
        name = self.names.get(path)
        if name is None:
            if len(self.names) >= self.MAX_NAMES:
                self.names.clear()
            name = self.names[path] = with_line_breaks(path)
        return name


def _spaced(name: str) -> str:
    return name.replace("\r", " ").replace("\n", " ")


def with_line_breaks(path: str) -> str:
    """``path`` as PHP logged it with its line breaks made spaces -> the file it names, when
    that is known: each folder of the path that does not exist as written holds exactly one
    entry that reads the same with its line breaks as spaces. Else ``path`` as it is."""
    if not path.startswith("/") or os.path.lexists(path):
        return path
    out = ""
    for part in path.split("/")[1:]:
        here = f"{out}/{part}"
        if " " in part and not os.path.lexists(here):
            try:
                found = [e for e in os.listdir(out or "/") if e != part and _spaced(e) == part]
            except OSError:
                return path
            if len(found) != 1:
                return path
            here = f"{out}/{found[0]}"
        out = here
    return out if os.path.lexists(out) else path
