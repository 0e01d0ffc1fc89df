"""Argument types every command shares, so that one value has one spelling everywhere.

Port lists are comma-separated (``--ports 25,587``); time windows are a number with a unit
(``--since 24h``, ``--duration 5m``); counts are not negative. Each function is an argparse
``type=``: it raises :class:`argparse.ArgumentTypeError`, which argparse turns into a one-line
usage error (exit 2).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable

from spamtrace.safetext import quoted

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
UNITS = {None: 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def port_list(text: str) -> list[int]:
    """``"25,587"`` -> ``[25, 587]`` (duplicates dropped, order kept)."""
    ports: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdecimal() or not 1 <= int(part) <= 65535:
            raise argparse.ArgumentTypeError(f"not a TCP port: {quoted(part)}")
        if int(part) not in ports:
            ports.append(int(part))
    if not ports:
        raise argparse.ArgumentTypeError("give at least one port, e.g. 25,587")
    return ports


def duration_match(text: str) -> tuple[float, str | None] | None:
    """``"24h"`` -> ``(24.0, "h")``; a bare number has unit None; anything else None."""
    m = _DURATION.match(text)
    return (float(m.group(1)), m.group(2)) if m else None


def duration(text: str) -> float:
    """``"30"``, ``"30s"``, ``"5m"``, ``"24h"``, ``"7d"`` -> seconds (a bare number is seconds)."""
    found = duration_match(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"not a duration: {quoted(text)} (e.g. 30s, 5m, 24h, 7d)")
    return found[0] * UNITS[found[1]]


def positive_duration(text: str) -> float:
    """A :func:`duration` of more than 0 (``watch --duration``: "stop after this long"; 0
    started the watch and stopped it at once)."""
    seconds = duration(text)
    if seconds <= 0:
        raise argparse.ArgumentTypeError(
            f"must be more than 0: {quoted(text)} (leave --duration out to watch until stopped)"
        )
    return seconds


def hours(text: str) -> float:
    """The old ``--since-hours N`` spelling: a non-negative number of hours, as seconds."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"not a number of hours: {quoted(text)}")
    return value * 3600.0


def _whole_number(text: str, minimum: int, too_small: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {quoted(text)}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(too_small)
    return value


def count(text: str) -> int:
    """A count of at least 1 (``--limit``); one past what SQLite counts (a 64-bit integer)
    means all of them, and is that."""
    return min(_whole_number(text, 1, f"must be at least 1: {quoted(text)}"), 2**63 - 1)


def jobs(text: str) -> int:
    """``--jobs N``: 0 (one per CPU) or more; said as argparse says any bad value (`--jobs -1`
    said "--jobs must be >= 0", apart from the command and its --help)."""
    return _whole_number(text, 0, f"{quoted(text)}: give 0 (one per CPU) or more")


def seconds_up_to(maximum: float) -> Callable[[str], float]:
    """A time budget in seconds, more than 0 and at most ``maximum`` (``--scan-budget``)."""

    def seconds(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 < value <= maximum:
            raise argparse.ArgumentTypeError(
                f"not a number of seconds in (0, {maximum:g}]: {quoted(text)}"
            )
        return value

    return seconds


def folder(text: str) -> str:
    """A folder option (``--state-dir``): a folder, or a path where one can be made; a file
    there, or a file on the way to it, is a usage error naming the option (argparse adds it)."""
    from spamtrace.folders import not_a_folder

    problem = not_a_folder(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def named_folder_there(given: str, default: str, command: str, option: str = "--state-dir") -> None:
    """A folder option that a command reads and never makes (``firewall status --state-dir``):
    one it was given that does not exist is a usage error, before anything is done. A typo
    read as a host where nothing was done: ``firewall status`` said NOT LOADED, ``confirm``
    made the folder and said there was nothing to confirm, ``remove`` took the table away
    and left the confirmed rules for the next boot to load. The built-in ``default`` missing
    is a host where nothing was done yet, and is not an error."""
    from spamtrace.errors import UsageError

    if given == default or os.path.isdir(given):
        return
    raise UsageError(
        f"{command}: argument {option}: no such folder: {quoted(given)} (see: spamtrace "
        f"{command} --help)"
    )


def store_help(what: str = "store path") -> str:
    """``--db``'s help: the config key and the path it names by default (where the file is)."""
    from spamtrace.config import StoreSection

    return f"{what} (default: [store] path, {StoreSection().path})"


def socket_path(text: str) -> str:
    """``--socket``: an empty one was taken as not given (``args.socket or [daemon] socket``),
    so ``status --socket ""`` asked the default daemon and said nothing of it."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "empty (give the control socket's path, or leave --socket out for [daemon] socket)"
        )
    return text


def socket_help() -> str:
    """``--socket``'s help: the config key and the path it names by default."""
    from spamtrace.config import DaemonSection

    return f"control socket (default: [daemon] socket, {DaemonSection().socket})"
