"""Escape attacker-controlled text before it reaches a terminal, a log line or an alert.

Paths, process names, cmdlines and log fields come from whoever controls the account being
inspected: they may hold newlines (to forge extra report lines), ANSI/OSC escape sequences (to
rewrite the terminal or hide text), other control characters or bytes that are not UTF-8.
:func:`escape` makes every such character visible as a backslash escape, so one value always
prints as one line and as exactly what is on disk. Printable non-ASCII text (``é``, ``日本``)
is kept as it is.

JSON output does not need this (JSON escapes control characters itself), but a value read from
bytes must still be decoded with :func:`decode_os` so that no data is lost.
"""

from __future__ import annotations

import os

#: the mark of a cut in stored and JSON text; human output writes it "..." when it is plain
#: (ASCII: a pipe, ``LANG=C``), see :func:`spamtrace.render.output.shown`
ELLIPSIS = "\u2026"

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def decode_os(raw: bytes) -> str:
    """Decode bytes from the OS (paths, /proc fields) without losing undecodable bytes."""
    return os.fsdecode(raw) if os.name == "posix" else raw.decode("utf-8", "surrogateescape")


def _escape_char(ch: str) -> str:
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape'd byte that was not valid UTF-8
        return f"\\x{code - 0xDC00:02x}"
    import unicodedata  # a C extension: loaded only when a value has a character to escape

    category = unicodedata.category(ch)
    if category[0] == "C" or category in ("Zl", "Zp") or (category == "Zs" and ch != " "):
        # control, format (bidi overrides!), unassigned, private use, line/para separators,
        # spaces other than " " (no-break, em, ideographic...: they hide or mimic text)
        if code <= 0xFF:
            return f"\\x{code:02x}"
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        return f"\\U{code:08x}"
    return ch


def escape(value: str | bytes | None, max_len: int | None = None) -> str:
    """Return ``value`` as one printable line: control characters and bad bytes escaped.

    ``max_len`` truncates the *escaped* result (:func:`truncate`, marked with ``…``).
    """
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = decode_os(value)
    if value.isprintable() and "\\" not in value:
        out = value
    else:
        out = "".join(_escape_char(ch) for ch in value)
    return out if max_len is None else truncate(out, max_len)


def quoted(value: object) -> str:
    """``value`` escaped and in quotes, for a message (``{value!r}`` there was escaped twice by
    the error printer: a tab showed as ``\\\\t``). A non-string value is shown as its ``repr``
    (``5``, ``True``, ``['a']``)."""
    if not isinstance(value, str):
        return repr(value)
    text = escape(value)
    quote = '"' if "'" in text and '"' not in text else "'"
    return f"{quote}{text}{quote}"


def escape_message(message: str) -> str:
    """An error message, or a command line to copy (an incident's "what to do"), as one
    printable line.

    Its values were escaped or quoted where they were put in (:func:`escape`,
    :func:`quoted`, :func:`shell_quote`), so backslashes are kept as they are: escaping them
    again would show a tab as ``\\\\t``, and the regex ``'^<info@shop\\.example>$'`` of a
    command as ``'^<info@shop\\\\.example>$'``, which matches no sender. A control character
    that got through is still escaped."""
    if message.isprintable():
        return message
    return "".join(ch if ch == "\\" else _escape_char(ch) for ch in message)


def shell_quote(value: str) -> str:
    """``value`` as one shell word that gives back exactly ``value`` when pasted into bash.

    :func:`shlex.quote` when it is printable; otherwise bash's ``$'...'`` quoting with every
    control, invisible or undecodable character written as its bytes (``\\xNN``), so the
    word holds no character a terminal acts on and still names the exact file or mailbox."""
    if value.isprintable():
        import shlex

        return shlex.quote(value)
    out = []
    for ch in value:
        code = ord(ch)
        if ch in "\\'":
            out.append("\\" + ch)
        elif 0xDC80 <= code <= 0xDCFF:  # an undecodable byte (surrogateescape): that byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable():
            out.append(ch)
        else:  # its UTF-8 bytes: bash's \\u depends on the locale (left as is under LANG=C)
            out += [f"\\x{b:02x}" for b in ch.encode("utf-8", "surrogatepass")]
    return "$'" + "".join(out) + "'"


def truncate(text: str, max_len: int, marker: str = ELLIPSIS) -> str:
    """``text`` cut to at most ``max_len`` characters, the cut marked with ``marker`` (which
    counts in ``max_len``); a text that fits is returned as it is."""
    if len(text) <= max_len:
        return text
    return text[: max(0, max_len - len(marker))] + marker[: max(0, max_len)]


#: characters of a command line a human view shows: a sender pads its argv as it likes (2 MB
#: on one line in `check`, `incident ID` and the daemon's journal)
MAX_ARGV_SHOWN = 2000


def escape_argv(argv: tuple[str, ...] | list[str]) -> str:
    """Escape a command line for display: arguments joined by spaces, each escaped; one longer
    than :data:`MAX_ARGV_SHOWN` is cut, saying how long it was (``--json`` has it whole)."""
    text = " ".join(escape(arg) for arg in argv)
    if len(text) <= MAX_ARGV_SHOWN:
        return text
    return (
        f"{truncate(text, MAX_ARGV_SHOWN)} (cut: {len(text)} characters in {len(argv)} "
        "arguments; --json has them all)"
    )


def json_safe(value: str) -> str:
    """Make a str that may carry surrogate escapes encodable as UTF-8 JSON.

    Undecodable bytes become ``\\xNN`` text, so a JSON consumer sees what the raw bytes were.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(
            f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in value
        )
    return value


#: what stands for the hidden part of a URL in reports and logs
HIDDEN = "(hidden)"


def shown_url(url: str) -> str:
    """A webhook URL as reports, logs and ``config show`` print it: the scheme, the host and
    the first path segment, the rest written ``(hidden)``.

    Chat webhooks carry their secret in the URL itself (Slack's
    ``https://hooks.slack.com/services/T…/B…/token``, Mattermost's ``/hooks/key``, a
    ``?token=`` query): anyone who reads it can post to the channel. A log shipped to a
    central store, a pasted ``config show`` or an ``alert test`` screenshot must not carry it.
    """
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return HIDDEN
    if not parts.scheme or not parts.netloc:
        return HIDDEN
    segments = parts.path.split("/")  # "/services/T1/B2/x" -> ["", "services", "T1", ...]
    path = "/".join(segments[:2])
    if len(segments) > 2 and any(segments[2:]):
        path += "/" + HIDDEN
    elif len(segments) > 2:
        path += "/"
    query = f"?{HIDDEN}" if parts.query else ""
    fragment = f"#{HIDDEN}" if parts.fragment else ""
    return f"{parts.scheme}://{parts.netloc}{path}{query}{fragment}"
