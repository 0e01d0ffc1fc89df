"""Which file a syslog daemon writes a facility to: rsyslog's configuration (pure).

An MTA that logs through syslog (Exim's ``log_file_path = syslog``; Postfix without
``maillog_file``) has its lines in the file the syslog daemon's configuration names for its
facility (``mail`` unless Exim's ``syslog_facility`` says otherwise). Debian's rsyslog writes
it with a classic selector line, RHEL 9's and Fedora's with a RainerScript action::

    mail.*                          -/var/log/mail.log      # Debian
    mail.* action(type="omfile" file="/var/log/maillog" sync="on")     # RHEL 9, Fedora
    *.*;auth,authpriv.none          -/var/log/syslog        # every facility: mail too

:func:`facility_files` reads the configuration as statements (:func:`statements`: comments
dropped, ``\\`` continuations joined, a statement whose parentheses, braces or quotes are
open goes on over the next lines) and gives the files a message of the facility at priority
``info`` (what Exim's main log lines are) goes to: those whose filter names the facility
itself first (``mail.*`` rather than ``*.*``, which catches everything). A filter is a
selector (``facility[,facility].priority`` items separated by ``;``, ``none`` excluding a
facility), ``if prifilt("mail.*") then``, or ``if $syslogfacility-text == "mail" then`` (or
``$syslogfacility == 2``); what it runs is a file (``-`` before it allowed), an
``action(type="omfile" file="...")``, several joined by ``&``, or a ``{ ... }`` block of them.
Not read, as they do not say where a local facility's lines go: a file named by a template
(``dynaFile=``), the statements of a ``ruleset()`` (bound to an input of its own), those under
any other condition (``if $fromhost == ...``, property filters, an ``else``), and a condition
of several tests. The caller then says which setting to set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: rsyslog's Debian and RHEL configuration: the main file, then its folder (by name)
MAIN = "/etc/rsyslog.conf"
FOLDER = "/etc/rsyslog.d"

_SEVERITY = {
    "emerg": 0, "panic": 0, "alert": 1, "crit": 2, "err": 3, "error": 3, "warning": 4,
    "warn": 4, "notice": 5, "info": 6, "debug": 7,
}  # fmt: skip
INFO = 6


def _matches(selector: str, facility: str, severity: int) -> tuple[bool, bool]:
    """(does ``selector`` take a message of ``facility`` at ``severity``, does it name the
    facility itself rather than ``*``)."""
    taken = named = False
    for item in selector.split(";"):
        facs, dot, prio = item.strip().partition(".")
        if not dot:
            return False, False
        names = [f.strip().lower() for f in facs.split(",")]
        if facility not in names and "*" not in names:
            continue
        prio = prio.strip().lower()
        if prio == "none":
            taken = False
            continue
        exact = prio.startswith("=")
        negated = prio.startswith("!")
        level = prio.lstrip("=!")
        if level == "*":
            ok = True
        elif level in _SEVERITY:
            ok = severity == _SEVERITY[level] if exact else severity <= _SEVERITY[level]
        else:
            continue
        if negated:
            ok = not ok
        taken = ok
        named = ok and facility in names
    return taken, named


#: rsyslog's facility numbers (``$syslogfacility``), by name
_FACILITY = {
    "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7,
    "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
    **{f"local{i}": 16 + i for i in range(8)},
}  # fmt: skip
#: a statement's size at most (a block's); longer ones are cut there
MAX_STATEMENT = 64 * 1024
_PARAM = re.compile(r"""([A-Za-z][\w.]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
_PRIFILT = re.compile(r"""prifilt\(\s*(?:"([^"]*)"|'([^']*)')\s*\)""", re.IGNORECASE)
_FACILITY_TEST = re.compile(
    r"""\$syslogfacility(-text)?\s*(?:==|isequal)\s*(?:"([^"]*)"|'([^']*)'|([0-9]+))""",
    re.IGNORECASE,
)
_THEN = re.compile(r"\sthen(?![\w-])", re.IGNORECASE)


def statements(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each statement of an rsyslog configuration: ``#`` comments
    (outside quotes) dropped, a ``\\`` at a line's end joined with the next line, and a
    statement whose parentheses, braces or quotes are still open at a line's end continued
    on the next lines (``action(...)`` over several lines, ``if ... then { ... }``). A quote
    left open at a line's end outside any parenthesis ends there (a legacy line's stray
    quote does not swallow the rest of the file)."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    first = 0
    line = 1
    depth = 0
    quote = ""
    i, n = 0, len(text)

    def flush() -> None:
        nonlocal buf, first
        stmt = "".join(buf).strip()
        if stmt:
            out.append((first, stmt[:MAX_STATEMENT]))
        buf, first = [], 0

    while i < n:
        c = text[i]
        if quote:
            if c == "\n":
                line += 1
                if depth == 0:
                    quote = ""
                    flush()
                    i += 1
                    continue
            elif c == "\\" and i + 1 < n and text[i + 1] != "\n":
                buf.append(text[i : i + 2])
                i += 2
                continue
            elif c == quote:
                quote = ""
            buf.append(c)
            i += 1
            continue
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "\\" and text.startswith("\n", i + 1):  # a continuation
            buf.append(" ")
            line += 1
            i += 2
            continue
        if c == "\n":
            line += 1
            if depth == 0:
                flush()
            else:
                buf.append(" ")
            i += 1
            continue
        if c in "\"'":
            quote = c
        elif c in "({":
            depth += 1
        elif c in ")}":
            depth = max(0, depth - 1)
        if not first and not c.isspace():
            first = line
        if len(buf) < MAX_STATEMENT:
            buf.append(c)
        i += 1
    flush()
    return out


def _closing(text: str, at: int) -> int:
    """The index just past the bracket that closes the one at ``text[at]`` (quotes skipped);
    ``len(text)`` when it does not close."""
    opening = text[at]
    closing = ")" if opening == "(" else "}"
    depth = 0
    quote = ""
    i = at
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def _actions(text: str) -> tuple[list[str], bool]:
    """The files the action list ``text`` writes to (``/file``, ``-/file``,
    ``action(type="omfile" file="/file")``, joined by ``&``) and whether it was one (else a
    statement of another kind: ``stop``, a template, a nested filter)."""
    files: list[str] = []
    rest = text.strip()
    while rest:
        if rest.lower().startswith("action") and rest[6:].lstrip().startswith("("):
            at = rest.index("(")
            end = _closing(rest, at)
            params = {
                m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                for m in _PARAM.finditer(rest[at + 1 : end - 1])
            }
            kind = (params.get("type") or "").lower()
            target = params.get("file") or ""
            if kind == "omfile" and target.startswith("/"):
                files.append(target)
            rest = rest[end:].strip()
        else:
            word, after = [*rest.split(None, 1), ""][:2]
            if word.startswith("&"):
                word = word[1:]
                if not word:
                    rest = after.strip()
                    continue
            target = word.removeprefix("-").partition(";")[0]  # ;Template: its format
            if target.startswith("/"):
                files.append(target)
            elif word.lower() not in ("stop", "~", "&"):
                return files, bool(files)
            rest = after.strip()
        rest = rest.removeprefix("&").strip()
    return files, True


def _block(text: str) -> list[str]:
    """The files a block writes to unconditionally: ``{ ... }`` (its statements that are
    actions, not those under a filter of their own), or one action list."""
    text = text.strip()
    if not text.startswith("{"):
        return _actions(text)[0]
    inner = text[1 : _closing(text, 0) - 1]
    files: list[str] = []
    for _n, stmt in statements(inner):
        got, plain = _actions(stmt)
        if plain:
            files += got
    return files


def _condition(cond: str, facility: str, severity: int) -> tuple[bool, bool]:
    """(does the ``if`` condition ``cond`` take the facility's messages, does it name the
    facility): ``prifilt("...")`` or one test of ``$syslogfacility(-text)``; anything else
    (several tests, another property) is not read."""
    cond = cond.strip()
    while cond.startswith("(") and _closing(cond, 0) == len(cond):
        cond = cond[1:-1].strip()
    m = _PRIFILT.fullmatch(cond)
    if m is not None:
        return _matches(m.group(1) if m.group(1) is not None else m.group(2), facility, severity)
    m = _FACILITY_TEST.fullmatch(cond)
    if m is not None:
        if m.group(1):  # -text: the name
            value = (m.group(2) if m.group(2) is not None else m.group(3) or "").lower()
            hit = value == facility
        else:
            number = m.group(4) or m.group(2) or m.group(3) or ""
            hit = number.isdecimal() and _FACILITY.get(facility) == int(number)
        return hit, hit
    return False, False


def _rule(stmt: str, facility: str, severity: int) -> tuple[list[str], bool, bool] | None:
    """(files, taken, by name) of one top-level statement, None when it is no rule."""
    low = stmt.lower()
    if not stmt or stmt[0] in "$:&" or low.startswith(
        ("module", "input", "template", "global", "ruleset", "include", "main_queue", "lookup",
         "parser", "timezone", "set ", "unset ", "call ", "foreach", "stop", "else")
    ):  # fmt: skip
        return None
    then = _THEN.search(stmt) if re.match(r"if[\s(]", low) else None
    if then is not None:
        body = stmt[then.end() :].strip()
        if body.startswith("{"):
            body = body[: _closing(body, 0)]  # not an else after it
        taken, named = _condition(stmt[2 : then.start()], facility, severity)
        return _block(body), taken, named
    if low.startswith("action"):
        return None  # an action with no filter: every message, of any facility, in a ruleset
    selector, rest = [*stmt.split(None, 1), ""][:2]
    if "{" in selector:
        selector, _, more = selector.partition("{")
        rest = "{" + more + " " + rest
    if "." not in selector:
        return None
    taken, named = _matches(selector, facility, severity)
    return _block(rest), taken, named


def facility_files(
    configs: Sequence[tuple[str, str]], facility: str = "mail", severity: int = INFO
) -> list[tuple[str, str]]:
    """(file, ``path:line`` of the filter) for each file ``configs`` (path, text) write
    ``facility`` at ``severity`` to; those whose filter names the facility first."""
    named: list[tuple[str, str]] = []
    caught: list[tuple[str, str]] = []
    facility = facility.strip().lower() or "mail"
    for path, text in configs:
        for start, stmt in statements(text):
            rule = _rule(stmt, facility, severity)
            if rule is None:
                continue
            files, taken, by_name = rule
            if not taken:
                continue
            for target in files:
                where = (target, f"{path}:{start}")
                if all(f != target for f, _ in named + caught):
                    (named if by_name else caught).append(where)
    return named + caught
