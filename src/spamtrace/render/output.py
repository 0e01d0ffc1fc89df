"""Shared output helpers: JSON documents and the human console (commands, views and sinks).

JSON documents are versioned (``"schema": "spamtrace.<kind>/<n>"``); strings that may carry
undecodable bytes are made encodable with :func:`spamtrace.safetext.json_safe`, then written
by :mod:`json`. The rich console is created lazily (importing rich costs ~150 ms) and uses
colour only on a TTY.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import sys
from typing import TYPE_CHECKING

from spamtrace.safetext import ELLIPSIS, json_safe, truncate

if TYPE_CHECKING:
    from typing import IO, Any

    from rich.console import Console


#: per class: its dataclass fields' names, or None for a class that is no dataclass
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def to_jsonable(value: Any) -> Any:
    """Convert records, dataclasses, enums, tuples and odd strings into plain JSON values."""
    cls = type(value)
    if cls is str:
        return json_safe(value)
    if cls is int or cls is float or cls is bool or value is None:
        return value
    names = _FIELDS.get(cls, ())
    if names == ():  # a class not seen yet: whether it is a dataclass, and its fields
        fields = dataclasses.fields(value) if dataclasses.is_dataclass(cls) else None
        names = _FIELDS[cls] = tuple(f.name for f in fields) if fields is not None else None
    if names is not None:
        return {name: to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, str):
        return json_safe(value)
    if isinstance(value, dict):
        return {json_safe(str(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


#: what this process wrote to stdout through :func:`dump_json`: ``"document"`` (a whole,
#: pretty document), ``"line"`` (a line of a JSON-lines stream); the CLI's top level reads it
#: to add its error document after a failure (:func:`json_error`) only where it stays valid
WRITTEN: set[str] = set()

#: the schema of the document that says why a ``--json`` command failed
ERROR_SCHEMA = "spamtrace.error/1"


def dump_json(
    document: dict[str, Any], stream: IO[str] | None = None, *, line: bool = False
) -> None:
    """Write one JSON document (pretty, or one line with ``line=True``) to stdout."""
    out = stream or sys.stdout
    if out is sys.stdout:
        WRITTEN.add("line" if line else "document")
    if line:
        out.write(json.dumps(to_jsonable(document), separators=(",", ":")))
    else:
        out.write(json.dumps(to_jsonable(document), indent=2))
    out.write("\n")
    out.flush()


def console(stderr: bool = False) -> Console:
    """A rich console: colour only on a TTY, no wrapping surprises in pipes.

    Markup and emoji codes are never interpreted (attacker-chosen text such as a script name
    ``[red]x[/]`` or ``:smile:`` is printed as it is); with :func:`plain` layouts use ASCII.
    """
    stream = sys.stderr if stderr else sys.stdout
    # In a pipe or a log, don't squeeze tables into 80 columns: paths must stay whole; a
    # width given (COLUMNS) is a request to lay out for it, as on a terminal (:func:`fitted`)
    sized = stream.isatty() or _columns_given()
    return _console_class()(
        file=stream, highlight=False, markup=False, emoji=False, soft_wrap=not sized,
        width=None if sized else 240,
    )  # fmt: skip


_CONSOLE: list[type[Console]] = []


def _console_class() -> type[Console]:
    """rich's Console, but a closed pipe is Python's ``BrokenPipeError`` for ``main()`` to
    answer, as for any other output: rich's own answer was ``SystemExit(1)``, "found",
    whatever the report said."""
    if not _CONSOLE:
        from rich.console import Console

        class _PipeAware(Console):
            def on_broken_pipe(self) -> None:
                self.quiet = True  # nothing more is tried on this console
                raise BrokenPipeError

        _CONSOLE.append(_PipeAware)
    return _CONSOLE[0]


def _columns_given() -> bool:
    return os.environ.get("COLUMNS", "").strip().isdigit()


def fitted(con: Console) -> bool:
    """Whether to lay out for ``con``'s width (wrap, fold, blocks for tables too wide): on a
    terminal, or when the width was given (``COLUMNS``, e.g. output shown indented under
    another program's text). Otherwise (a pipe, a log) each line stays whole for grep."""
    return con.is_terminal or _columns_given()


def plain(con: Console) -> bool:
    """ASCII only: not a terminal, or a C/POSIX locale (LANG=C), or a non-UTF-8 encoding."""
    lang = os.environ.get("LANG")
    ctype = os.environ.get("LC_CTYPE")
    if ctype in ("C.UTF-8", "C.utf8", "UTF-8") and lang in (None, "", "C", "POSIX"):
        ctype = None  # Python's own C-locale coercion (PEP 538) sets it under LANG=C
    locale = os.environ.get("LC_ALL") or ctype or lang
    if not con.is_terminal or locale in (None, "", "C", "POSIX"):
        return True
    return "utf" not in (con.encoding or "").lower()


def shown(con: Console, text: str) -> str:
    """``text`` as ``con`` prints it: when the output is :func:`plain`, the ellipsis that marks
    a cut (``…``: :func:`spamtrace.safetext.truncate`, scanner excerpts, audit evidence, stored
    action details) is written ``...``, so a pipe or ``LANG=C`` gets ASCII. Every ``…`` in
    ``text`` is, whoever wrote it; JSON keeps the exact text."""
    return text.replace(ELLIPSIS, "...") if ELLIPSIS in text and plain(con) else text


def to_journal(stream: IO[str]) -> bool:
    """Whether ``stream`` is the journal's stream of a systemd service (``JOURNAL_STREAM``
    names its device and inode, as systemd.exec(5) says to check): there a line may start
    with its syslog priority, ``<3>`` (err) to ``<7>``, which journald takes and strips, so
    that ``journalctl -p warning -u spamtrace`` shows what needs a look."""
    dev, _, ino = os.environ.get("JOURNAL_STREAM", "").partition(":")
    if not (dev.isdecimal() and ino.isdecimal()):
        return False
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return (st.st_dev, st.st_ino) == (int(dev), int(ino))


#: syslog priorities (RFC 5424) of the lines written to the journal
ERR, WARNING, NOTICE, INFO = 3, 4, 5, 6


#: the last line :func:`print_error` printed (the reason a command that returned 2 or 3
#: gives, for its ``--json`` error document)
LAST_ERROR: list[str] = []


def print_error(line: str) -> None:
    """Print a ``spamtrace: error: ...`` line on stderr, :func:`shown` as stderr shows it: a
    cut's ``…`` is ``...`` in a pipe or under ``LANG=C``, as on stdout."""
    LAST_ERROR[:] = [line]
    text = shown(console(stderr=True), line) if ELLIPSIS in line else line
    print(f"<{ERR}>{text}" if to_journal(sys.stderr) else text, file=sys.stderr)


def json_error(message: str, exit_code: int, *, lines: bool = False) -> None:
    """A command run with ``--json`` that failed before its document was written: stdout gets
    ``{"schema": "spamtrace.error/1", "error": ..., "exit_code": N}`` instead of nothing, so a
    fleet's ``spamtrace ... --json | jq`` reads why (the same line is on stderr). After lines
    of a JSON-lines stream (``watch --json``) it is one more line; after a whole document,
    nothing (the document said it, and a second one would make stdout invalid JSON). A
    JSON-lines command (``lines``) that failed before its first line gets it as one line too."""
    if "document" in WRITTEN:
        return
    doc = {"schema": ERROR_SCHEMA, "error": message, "exit_code": exit_code}
    dump_json(doc, line=lines or "line" in WRITTEN)


def ellipsis(con: Console) -> str:
    """The mark of a cut on ``con``: ``...`` when the output is :func:`plain`, else ``…``."""
    return "..." if plain(con) else ELLIPSIS


def cut(con: Console, text: str, max_len: int) -> str:
    """``text`` cut to ``max_len`` characters for ``con``, marked with :func:`ellipsis`."""
    return truncate(text, max_len, ellipsis(con))


def box_of(con: Console) -> Any:
    """The table border for ``con``: ASCII when :func:`plain`, else light lines."""
    from rich import box

    return box.ASCII if plain(con) else box.SIMPLE_HEAD


def indented(con: Console, text: str, style: str = "", indent: int = 4) -> None:
    """One block of text under a heading: on a terminal, rich wraps it at the window's width
    and keeps the indent on every wrapped line; in a pipe or a log it stays one whole line."""
    from rich.text import Text

    text = shown(con, text)
    if not fitted(con):
        con.print(Text(" " * indent + text, style=style), soft_wrap=True)
        return
    width = max(20, con.width - indent)
    for line in wrap_keeping_code(text, width):
        # a line longer than the width holds a code span (a command or config line): the
        # terminal wraps it, rich does not fold it (a copy of it would hold line breaks)
        long = len(line) > width
        con.print(Text(" " * indent + line, style=style), soft_wrap=long, no_wrap=not long,
                  overflow=None if long else "fold")  # fmt: skip


def wrap_keeping_code(text: str, width: int) -> list[str]:
    """``text`` wrapped at ``width``, never inside a `code span` (a command or a config line
    to paste: one of several words that does not fit on a line gets a line of its own, longer
    than ``width``, up to MAX_WHOLE_CODE characters); a word longer than a line (a path, a
    URL) is cut after a ``/`` (at ``width`` when it has none), and what follows the cut goes
    on on the same line as the next words."""
    glue = "\x00"  # a code span's spaces, while wrapping: not a place to break
    parts = text.split("`")
    whole = False
    for i in range(1, len(parts), 2):
        # a line to paste (words: a path alone is cut after a "/" as any long word)
        paste = i < len(parts) - 1 and " " in parts[i] and len(parts[i]) <= MAX_WHOLE_CODE
        if len(parts[i]) + 2 <= width or paste:
            parts[i] = parts[i].replace(" ", glue)
            whole = whole or len(parts[i]) + 2 > width
    tokens: list[tuple[str, str]] = []  # (what joins it to the token before, the token)
    for word in "`".join(parts).split():
        long = len(word) > width and not (whole and "`" in word)
        pieces = _pieces(word, width) if long else [word]
        tokens += [(" " if i == 0 else "", piece) for i, piece in enumerate(pieces)]
    lines: list[str] = []
    line = ""
    for join, token in tokens:
        if line and len(line) + len(join) + len(token) > width:
            lines.append(line)
            line = token
        else:
            line += (join if line else "") + token
    return [done.replace(glue, " ") for done in [*lines, line]]


#: a code span up to this long is never broken (a longer one is text, wrapped as such)
MAX_WHOLE_CODE = 300


def _pieces(word: str, width: int) -> list[str]:
    """``word`` cut after each ``/``, and pieces still longer than ``width`` at ``width``."""
    out: list[str] = []
    for piece in word.replace("/", "/\x01").split("\x01"):
        out += [piece[i : i + width] for i in range(0, len(piece), width)] if piece else []
    return out
