"""Shared output helpers for commands: JSON documents and the human console.

JSON documents are versioned (``"schema": "spamtrace.<kind>/<n>"``); strings that may carry
undecodable bytes are made encodable with :func:`spamtrace.safetext.json_safe`. The rich
console is created lazily (importing rich costs ~150 ms) and uses colour only on a TTY.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import sys
from typing import IO, TYPE_CHECKING, Any

from spamtrace.safetext import json_safe

if TYPE_CHECKING:
    from rich.console import Console


def to_jsonable(value: Any) -> Any:
    """Convert dataclasses, enums, tuples and odd strings into plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
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
    if line:
        out.write(json.dumps(to_jsonable(document), separators=(",", ":"), sort_keys=False))
    else:
        out.write(json.dumps(to_jsonable(document), indent=2))
    out.write("\n")
    out.flush()


def console(stderr: bool = False) -> Console:
    """A rich console: colour only on a TTY, no wrapping surprises in pipes."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    # In a pipe or a log, don't squeeze tables into 80 columns: paths must stay whole.
    width = None if tty or os.environ.get("COLUMNS") else 240
    return Console(file=stream, highlight=False, soft_wrap=not tty, width=width)
