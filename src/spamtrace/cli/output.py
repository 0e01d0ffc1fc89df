"""Shared output helpers for commands: JSON documents and the human console.

JSON documents are versioned (``"schema": "spamtrace.<kind>/<n>"``); strings that may carry
undecodable bytes are made encodable with :func:`spamtrace.safetext.json_safe`. They are written
by :func:`json_text`, which gives exactly what ``json.dumps`` gives for these plain values
(a test holds them equal) without importing ``json``: that module imports ``re``, ~15 ms of
start-up on these machines, and ``check --json`` is meant to answer in tens of milliseconds.
Strings are escaped by the json package's own C encoder (``_json``). The rich
console is created lazily (importing rich costs ~150 ms) and uses colour only on a TTY.
"""

from __future__ import annotations

import enum
import os
import sys
from _json import encode_basestring_ascii

from spamtrace.record import Record
from spamtrace.record import fields as record_fields
from spamtrace.safetext import json_safe

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost)
if TYPE_CHECKING:
    from typing import IO, Any

    from rich.console import Console


def to_jsonable(value: Any) -> Any:
    """Convert records, dataclasses, enums, tuples and odd strings into plain JSON values."""
    if isinstance(value, Record):
        return {name: to_jsonable(getattr(value, name)) for name in record_fields(value)}
    if hasattr(type(value), "__dataclass_fields__"):
        import dataclasses  # already loaded: the value is an instance of a dataclass

        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, str):
        return json_safe(value)
    if isinstance(value, dict):
        return {json_safe(str(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


def dump_json(
    document: dict[str, Any], stream: IO[str] | None = None, *, line: bool = False
) -> None:
    """Write one JSON document (pretty, or one line with ``line=True``) to stdout."""
    out = stream or sys.stdout
    out.write(json_text(to_jsonable(document), indent=None if line else 2))
    out.write("\n")
    out.flush()


def console(stderr: bool = False) -> Console:
    """A rich console: colour only on a TTY, no wrapping surprises in pipes.

    Markup and emoji codes are never interpreted (attacker-chosen text such as a script name
    ``[red]x[/]`` or ``:smile:`` is printed as it is); with :func:`plain` layouts use ASCII.
    """
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    # In a pipe or a log, don't squeeze tables into 80 columns: paths must stay whole.
    width = None if tty or os.environ.get("COLUMNS") else 240
    return Console(
        file=stream, highlight=False, markup=False, emoji=False, soft_wrap=not tty, width=width
    )


def plain(con: Console) -> bool:
    """ASCII only: not a terminal, or a C/POSIX locale (LANG=C), or a non-UTF-8 encoding."""
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_CTYPE") or os.environ.get("LANG")
    if not con.is_terminal or locale in (None, "", "C", "POSIX"):
        return True
    return "utf" not in (con.encoding or "").lower()


def box_of(con: Console) -> Any:
    """The table border for ``con``: ASCII when :func:`plain`, else light lines."""
    from rich import box

    return box.ASCII if plain(con) else box.SIMPLE_HEAD


def indented(con: Console, text: str, style: str = "", indent: int = 4) -> None:
    """One block of text under a heading: on a terminal, rich wraps it at the window's width
    and keeps the indent on every wrapped line; in a pipe or a log it stays one whole line."""
    from rich.text import Text

    if not con.is_terminal:
        con.print(Text(" " * indent + text, style=style), soft_wrap=True)
        return
    for line in wrap_keeping_code(text, max(20, con.width - indent)):
        con.print(Text(" " * indent + line, style=style), no_wrap=True, overflow="fold")


def wrap_keeping_code(text: str, width: int) -> list[str]:
    """``text`` wrapped at ``width``, never inside a `code span` that fits on a line."""
    import textwrap

    glue = "\x00"  # a code span's spaces, while wrapping: not a place to break
    parts = text.split("`")
    for i in range(1, len(parts), 2):
        if len(parts[i]) + 2 <= width:
            parts[i] = parts[i].replace(" ", glue)
    lines = textwrap.wrap("`".join(parts), width, break_on_hyphens=False, drop_whitespace=True) or [
        ""
    ]
    return [line.replace(glue, " ") for line in lines]


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """``value`` (dicts, lists, tuples, str, int, float, bool, None) as JSON text.

    The same text as ``json.dumps(value, indent=indent)`` with ``indent``, and as
    ``json.dumps(value, separators=(",", ":"))`` without (one line).
    """
    out: list[str] = []
    _write_json(value, out, indent, 0)
    return "".join(out)


_FLOAT_WORDS = {float("inf"): "Infinity", float("-inf"): "-Infinity"}


def _json_scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        return _FLOAT_WORDS.get(value) or float.__repr__(value)
    return None


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return encode_basestring_ascii(key)
    text = _json_scalar(key)
    if text is None:
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
    return encode_basestring_ascii(text)


def _write_json(value: Any, out: list[str], indent: int | None, level: int) -> None:
    scalar = _json_scalar(value)
    if scalar is not None:
        out.append(scalar)
        return
    if isinstance(value, dict):
        items: Any = value.items()
        opening, closing = "{", "}"
    elif isinstance(value, (list, tuple)):
        items = value
        opening, closing = "[", "]"
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
    if not value:
        out.append(opening + closing)
        return
    if indent is None:
        inner, separator, end = "", ",", ""
    else:
        inner = "\n" + " " * (indent * (level + 1))
        separator, end = "," + inner, "\n" + " " * (indent * level)
    key_separator = ":" if indent is None else ": "
    out.append(opening + inner)
    first = True
    for item in items:
        if not first:
            out.append(separator)
        first = False
        if opening == "{":
            out.append(_json_key(item[0]) + key_separator)
            item = item[1]
        _write_json(item, out, indent, level + 1)
    out.append(end + closing)
