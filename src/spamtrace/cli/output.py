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
    """A rich console: colour only on a TTY, no wrapping surprises in pipes."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    # In a pipe or a log, don't squeeze tables into 80 columns: paths must stay whole.
    width = None if tty or os.environ.get("COLUMNS") else 240
    # no emoji codes: ":smile:" in a file name or a process name prints as typed
    return Console(file=stream, highlight=False, soft_wrap=not tty, width=width, emoji=False)


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
