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
``info`` (what Exim's main log lines are) from the program (``exim``, of ``exim[1234]:``)
goes to: those whose filter names the program first, then those naming the facility
(``mail.*`` rather than ``*.*``, which catches everything). A filter is a selector
(``facility[,facility].priority`` items separated by ``;``, ``none`` excluding a facility), a
property filter (``:programname, isequal, "exim"``, ``:syslogtag, startswith, "exim"``; ``!``
negates; ``contains``, ``startswith``, ``regex``..., ``_i`` for any case), or
``if CONDITION then ... else ...``: ``prifilt("mail.*")`` and comparisons of
``$syslogfacility-text``, ``$syslogfacility``, ``$programname`` or ``$syslogtag`` with a
string, a number or an array of strings, joined by ``and``, ``or``, ``not`` and parentheses;
what it runs is a file (``-`` before it allowed), an ``action(type="omfile" file="...")``,
several joined by ``&``, or a ``{ ... }`` block of them and of filtered rules of their own
(taken when both filters take the message). A test of another property (``$fromhost``,
``$msg``), or of the program's name when it is not known, is not read: a condition that
needs it to take the message, or to leave it to the ``else``, is not counted. The rules are
read in rsyslog's order (:func:`ordered`): an include (``$IncludeConfig``,
``include(file=...)``: a file, a glob, a folder) is replaced at its place by the files it
names, in the lexical order of their names; a rule that takes the message and stops it
(``& stop``, the legacy ``& ~``, ``stop`` in a block) keeps it from every later rule. The
program name rsyslog filters on (``$programname``) is the tag's part before a ``/``
(``postfix`` of ``postfix/smtpd[12]:``) unless ``global(parser.permitSlashInProgramName=
"on")``. Not read
either, as they do not say where a local message goes: a file named by a template
(``dynaFile=``) and the statements of a ``ruleset()`` (bound to an input of its own). The
caller then says which setting to set.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

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
_THEN = re.compile(r"\sthen(?![\w-])", re.IGNORECASE)


def statements(text: str, unclosed: list[int] | None = None) -> list[tuple[int, str]]:
    """(first line, text) of each statement of an rsyslog configuration: ``#`` comments
    (outside quotes) dropped, a ``\\`` at a line's end joined with the next line, and a
    statement whose parentheses, braces or quotes are still open at a line's end continued
    on the next lines (``action(...)`` over several lines, ``if ... then { ... }``). A quote
    left open at a line's end outside any parenthesis ends there (a legacy line's stray
    quote does not swallow the rest of the file). ``unclosed`` gets the first line of a last
    statement whose brackets are still open at the end of the text."""
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
            else:  # kept: a block's statements are its lines
                buf.append("\n")
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
    if depth and unclosed is not None and "".join(buf).strip():
        unclosed.append(first)
    flush()
    return out


def unread(configs: Sequence[tuple[str, str]]) -> list[str]:
    """A note for each file of ``configs`` (path, text) whose last statement opens a bracket
    or a quote that is never closed: read as one statement to the end of the file, so the
    rules after the bracket are not read as rules of their own; and for each include that
    reads no file it names (:func:`ordered`)."""
    notes: list[str] = []
    for _ in ordered(configs, notes):
        pass
    for path, text in configs:
        unclosed: list[int] = []
        statements(text, unclosed)
        for line in unclosed:
            notes.append(
                f"{path}:{line}: a bracket or a quote opened here is never closed: the rest "
                "of the file is read as one statement"
            )
    return notes


def _closing(text: str, at: int) -> int:
    """The index just past the bracket that closes the one at ``text[at]`` (quotes skipped);
    ``len(text)`` when it does not close."""
    opening = text[at]
    closing = ")" if opening == "(" else "}"
    depth = 0
    for i in _outside_quotes(text, at):
        if text[i] == opening:
            depth += 1
        elif text[i] == closing:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _outside_quotes(text: str, start: int = 0) -> Iterator[int]:
    """The indexes from ``start`` of the characters of ``text`` that are not in a quoted
    string (the quotes themselves are in it; a backslash in it escapes the next character)."""
    quote = ""
    i = start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        else:
            yield i
        i += 1


def _actions(text: str) -> tuple[list[str], bool, bool]:
    """The files the action list ``text`` writes to (``/file``, ``-/file``,
    ``action(type="omfile" file="/file")``, joined by ``&``), whether it was one (else a
    statement of another kind: a template, a nested filter), and whether it ends with
    ``stop`` (or the legacy discard ``~``): the rules after it do not get the message."""
    files: list[str] = []
    stops = False
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
            elif word.lower() in ("stop", "~"):
                stops = True
            elif word != "&":
                return files, bool(files), False
            rest = after.strip()
        rest = rest.removeprefix("&").strip()
    return files, True, stops


#: how near a filter comes to Exim's own lines: its program name, its facility, or neither
#: (a catch-all such as ``*.*``); a file found by a nearer filter is named first
PROGRAM, FACILITY, CAUGHT = 0, 1, 2
#: a filter's answer for the message: taken, not taken, or not read (another property)
Tri = bool | None


@dataclass(frozen=True, slots=True)
class Message:
    """The message a filter is asked about: its facility, its severity and the names the
    program logs as (Exim's ``syslog_processname``, ``exim``; empty: not known, so that a
    filter on the program name is not read)."""

    facility: str = "mail"
    severity: int = INFO
    programs: tuple[str, ...] = ()
    #: rsyslog's ``global(parser.permitSlashInProgramName="on")``: ``$programname`` of
    #: ``postfix/smtpd[12]:`` is ``postfix/smtpd``, not ``postfix`` (the default)
    slash: bool = False


def _compare(op: str, have: str, want: str) -> Tri:
    """rsyslog's compare operations (property filters and RainerScript), ``_i``: any case."""
    if op.endswith("_i") or op.startswith("icase_"):
        have, want, op = have.lower(), want.lower(), op.removesuffix("_i").removeprefix("icase_")
    if op in ("isequal", "=="):
        return have == want
    if op in ("!=", "<>"):
        return have != want
    if op == "startswith":
        return have.startswith(want)
    if op == "endswith":
        return have.endswith(want)
    if op == "contains":
        return want in have
    if op in ("regex", "ereregex", "=~"):
        try:
            return re.search(want, have) is not None
        except (re.error, RecursionError, OverflowError):
            return None
    return None


def _any(answers: Sequence[Tri]) -> Tri:
    if any(a is True for a in answers):
        return True
    return None if any(a is None for a in answers) else False


def _property(name: str, op: str, wants: Sequence[str], msg: Message) -> tuple[Tri, int]:
    """A test of one message property (``programname``, ``syslogtag``, the facility's or the
    severity's) against ``wants`` (any of them), with how near it comes; None for another
    property (``msg``, ``fromhost``...), or the program's name when it is not known."""
    name = name.lower().lstrip("$")
    if name in ("programname", "app-name", "syslogtag"):
        if not msg.programs:
            return None, CAUGHT
        answers: list[Tri] = []
        for program in msg.programs:
            if name != "syslogtag":
                static = program if msg.slash else program.partition("/")[0]
                answers += [_compare(op, static, w) for w in wants]
                continue
            # the tag is `exim[1234]:`, pid and all: what hangs on the pid is not known
            for w in wants:
                one, other = (_compare(op, f"{program}[{pid}]:", w) for pid in (1, 23456))
                answers.append(one if one == other else None)
        return _any(answers), PROGRAM
    if name in ("syslogfacility-text", "syslogfacility"):
        have = msg.facility if name.endswith("-text") else str(_FACILITY.get(msg.facility, -1))
        return _any([_compare(op, have, w.lower()) for w in wants]), FACILITY
    if name in ("syslogseverity-text", "syslogseverity", "syslogpriority-text",
                "syslogpriority"):  # fmt: skip
        names = [k for k, v in _SEVERITY.items() if v == msg.severity]
        have_all = names if name.endswith("-text") else [str(msg.severity)]
        return _any([_compare(op, h, w.lower()) for h in have_all for w in wants]), CAUGHT
    return None, CAUGHT


_PROPERTY_FILTER = re.compile(
    r"""\s*:\s*([\w-]+)\s*,\s*(!?)\s*([\w]+)\s*,\s*"((?:[^"\\]|\\.)*)"(.*)""", re.DOTALL
)


def _property_filter(stmt: str, msg: Message) -> tuple[Tri, int, str] | None:
    """``:programname, isequal, "exim" ACTIONS`` -> (taken, how near, the actions)."""
    m = _PROPERTY_FILTER.fullmatch(stmt)
    if m is None:
        return None
    name, negated, op, want, rest = m.groups()
    answer, near = _property(name, op.lower(), [want.replace('\\"', '"')], msg)
    if negated and answer is not None:
        answer, near = not answer, CAUGHT
    return answer, near, rest


# --------------------------------------------------------------------------- RainerScript
_TOKEN = re.compile(
    r"""\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(\[[^\]]*\])|(==|!=|<>|<=|>=|=~|[<>()&,+*/%-])"""
    r"""|(\$[!.]?[\w.!-]*|[\w.]+)|(\S))"""
)
_COMPARE_OPS = frozenset(("==", "!=", "<>", "<", ">", "<=", ">=", "=~", "contains",
                          "contains_i", "startswith", "startswith_i", "endswith"))  # fmt: skip
_QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""")
#: an expression nested deeper than this is not read
_MAX_DEPTH = 50


def _tokens(text: str) -> list[str]:
    out = []
    for m in _TOKEN.finditer(text):
        tok = next((g for g in m.groups() if g is not None), "")
        if tok:
            out.append(tok)
    return out


def _unquote(tok: str) -> str:
    return re.sub(r"\\(.)", r"\1", tok[1:-1])


class _Expr:
    """One RainerScript condition read for ``msg``: ``or`` over ``and`` over ``not`` over
    comparisons of a property with a string, a number or an array of strings, and
    ``prifilt("...")``; what else it holds (a function, arithmetic) is not read (None)."""

    def __init__(self, text: str, msg: Message) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.msg = msg
        self.depth = 0

    def peek(self) -> str:
        return self.toks[self.i] if self.i < len(self.toks) else ""

    def take(self) -> str:
        tok = self.peek()
        self.i += 1
        return tok

    def whole(self) -> tuple[Tri, int]:
        got = self.either()
        return got if self.i >= len(self.toks) else (None, CAUGHT)

    def either(self) -> tuple[Tri, int]:
        answers = [self.both()]
        while self.peek().lower() == "or":
            self.take()
            answers.append(self.both())
        if len(answers) == 1:
            return answers[0]
        taken = _any([a for a, _ in answers])
        return taken, min((n for a, n in answers if a), default=CAUGHT)

    def both(self) -> tuple[Tri, int]:
        answers = [self.negated()]
        while self.peek().lower() == "and":
            self.take()
            answers.append(self.negated())
        if len(answers) == 1:
            return answers[0]
        values = [a for a, _ in answers]
        taken: Tri = False if False in values else (None if None in values else True)
        return taken, min((n for _, n in answers), default=CAUGHT)

    def negated(self) -> tuple[Tri, int]:
        nots = 0
        while self.peek().lower() == "not":
            self.take()
            nots += 1
        answer, near = self.atom()
        if not nots:
            return answer, near
        return (None if answer is None else answer ^ (nots % 2 == 1)), CAUGHT

    def atom(self) -> tuple[Tri, int]:
        self.depth += 1
        try:
            if self.depth > _MAX_DEPTH:
                self.i = len(self.toks)
                return None, CAUGHT
            return self._atom()
        finally:
            self.depth -= 1

    def _atom(self) -> tuple[Tri, int]:
        tok = self.take()
        if tok == "(":
            got = self.either()
            if self.take() != ")":
                self.i = len(self.toks)
                return None, CAUGHT
            return got
        if tok.lower() == "prifilt" and self.peek() == "(":
            self.take()
            arg = self.take()
            if self.take() != ")" or arg[:1] not in "\"'" or not arg:
                self.i = len(self.toks)
                return None, CAUGHT
            taken, named = _matches(_unquote(arg), self.msg.facility, self.msg.severity)
            return taken, FACILITY if named else CAUGHT
        if self.peek() == "(":  # another function: not read
            self._skip_call()
            return self._rest_of_comparison()
        op = self.peek().lower()
        if op not in _COMPARE_OPS:
            return None, CAUGHT
        self.take()
        value = self.take()
        if value.startswith("["):
            wants = [
                _unquote(v) for v in re.findall(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""", value)
            ]
        elif value[:1] in "\"'":
            wants = [_unquote(value)]
        elif value.isdecimal():
            wants = [value]
        else:
            return None, CAUGHT
        if not tok.startswith("$"):
            return None, CAUGHT
        answer, near = _property(tok, op, wants, self.msg)
        if answer is not None and op in ("!=", "<>"):
            near = CAUGHT
        return answer, near

    def _skip_call(self) -> None:
        depth = 0
        while self.i < len(self.toks):
            tok = self.take()
            depth += tok == "("
            depth -= tok == ")"
            if depth <= 0:
                return

    def _rest_of_comparison(self) -> tuple[Tri, int]:
        if self.peek().lower() in _COMPARE_OPS:
            self.take()
            self.take()
        return None, CAUGHT


def _condition(cond: str, msg: Message) -> tuple[Tri, int]:
    """(does the ``if`` condition ``cond`` take the message, how near it comes)."""
    try:
        return _Expr(cond, msg).whole()
    except RecursionError:
        return None, CAUGHT


def _split_else(body: str) -> tuple[str, str | None]:
    """The ``then`` part of an ``if`` and its ``else`` part (None without one): a block's
    closing brace, or the word ``else`` outside quotes and brackets."""
    body = body.strip()
    if body.startswith("{"):
        end = _closing(body, 0)
        rest = body[end:].strip()
        if re.match(r"else(?![\w-])", rest, re.IGNORECASE):
            return body[:end], rest[4:].strip()
        return body[:end], None
    depth = 0
    for i in _outside_quotes(body):
        c = body[i]
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif (
            depth == 0
            and re.match(r"(?<![\w-])else(?![\w-])", body[i:], re.IGNORECASE)
            and (i == 0 or not (body[i - 1].isalnum() or body[i - 1] in "_-"))
        ):
            return body[:i], body[i + 4 :].strip()
    return body, None


Found = tuple[list[tuple[str, int]], bool]


def _body(text: str, msg: Message, near: int, depth: int = 0) -> Found:
    """(file, how near) for each file a rule's body writes the message to: one action list,
    or a ``{ ... }`` block of statements, each an action list or a filtered rule of its own
    (taken only when that filter takes the message too, and no nearer than the outer one's
    nearness or its own); and whether it stops the message there (``stop``, ``~``)."""
    text = text.strip()
    if not text.startswith("{"):
        files, _, stops = _actions(text)
        return [(f, near) for f in files], stops
    inner = text[1 : _closing(text, 0) - 1]
    out: list[tuple[str, int]] = []
    for stmt in _joined(statements(inner)):
        files, plain, stops = _actions(stmt[1])
        if plain:
            out += [(f, near) for f in files]
            if stops:
                return out, True
        elif depth < _MAX_DEPTH:
            got, stopped = _rule(stmt[1], msg, depth + 1) or ([], False)
            out += [(f, min(n, near)) for f, n in got]
            if stopped:
                return out, True
    return out, False


def _joined(stmts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """An ``else`` on a line of its own is part of the ``if`` before it, and a legacy
    ``& action`` line (``& stop``, ``& ~``, ``& /file``) part of the rule before it."""
    out: list[tuple[int, str]] = []
    for line, stmt in stmts:
        if (
            out
            and re.match(r"else(?![\w-])", stmt, re.IGNORECASE)
            and re.match(r"if[\s(]", out[-1][1], re.IGNORECASE)
        ) or (out and stmt.startswith("&") and not out[-1][1].startswith("$")):
            out[-1] = (out[-1][0], f"{out[-1][1]} {stmt}")
        else:
            out.append((line, stmt))
    return out


def _rule(stmt: str, msg: Message, depth: int = 0) -> Found | None:
    """(file, how near) for each file one statement writes the message to, and whether it
    stops the message there; None when it is no rule."""
    low = stmt.lower()
    if stmt.startswith(":"):
        got = _property_filter(stmt, msg)
        if got is None:
            return [], False
        taken, near, rest = got
        return _body(rest, msg, near, depth) if taken else ([], False)
    if not stmt or stmt[0] in "$&" or low.startswith(
        ("module", "input", "template", "global", "ruleset", "include", "main_queue", "lookup",
         "parser", "timezone", "set ", "unset ", "call ", "foreach", "stop", "else")
    ):  # fmt: skip
        return None
    then = _THEN.search(stmt) if re.match(r"if[\s(]", low) else None
    if then is not None:
        yes, no = _split_else(stmt[then.end() :])
        taken, near = _condition(stmt[2 : then.start()], msg)
        if taken:
            return _body(yes, msg, near, depth)
        if taken is False and no is not None:
            if re.match(r"if[\s(]", no, re.IGNORECASE) and depth < _MAX_DEPTH:
                return _rule(no, msg, depth + 1)
            return _body(no, msg, CAUGHT, depth)
        return [], False
    if low.startswith("action"):
        return None  # an action with no filter: every message, of any facility, in a ruleset
    selector, rest = [*stmt.split(None, 1), ""][:2]
    if "{" in selector:
        selector, _, more = selector.partition("{")
        rest = "{" + more + " " + rest
    if "." not in selector:
        return None
    taken, named = _matches(selector, msg.facility, msg.severity)
    return _body(rest, msg, FACILITY if named else CAUGHT, depth) if taken else ([], False)


# --------------------------------------------------------------------------- includes
_INCLUDE = re.compile(r"include\s*\(", re.IGNORECASE)
#: includes nested deeper than this are not followed
MAX_INCLUDE_DEPTH = 16


def _include(stmt: str) -> tuple[str, bool] | None:
    """The file, glob or folder (``/etc/rsyslog.d/``) an include statement names, and whether
    it may name none (``mode="optional"``): ``$IncludeConfig PATTERN`` or
    ``include(file="PATTERN" ...)``; "" for an include of no file (``include(text=...)``, no
    argument); None for another statement."""
    if stmt[:14].lower() == "$includeconfig":
        words = stmt.split()
        ok = len(words) > 1 and words[0].lower() == "$includeconfig"
        return (words[1] if ok else ""), False
    if not _INCLUDE.match(stmt):
        return None
    at = stmt.index("(")
    params = {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _PARAM.finditer(stmt[at + 1 : _closing(stmt, at)])
    }
    if "text" in params:
        return "", True
    return params.get("file") or "", (params.get("mode") or "").lower() == "optional"


def includes(text: str) -> list[str]:
    """The files, globs and folders the include statements of a configuration name, in
    order (what the caller reads for :func:`facility_files`)."""
    return [got[0] for _, stmt in statements(text) if (got := _include(stmt)) and got[0]]


def _segment(pattern: str, name: str) -> bool:
    if name.startswith(".") and not pattern.startswith("."):
        return False  # glob(): a wildcard does not match a leading dot
    return fnmatch.fnmatchcase(name, pattern)


def included(pattern: str, paths: Iterable[str]) -> list[str]:
    """The ``paths`` an include of ``pattern`` reads, in the order rsyslog reads them (sorted,
    as glob() gives them): a file, a glob (``*`` within one folder), or a folder (a pattern
    ending in ``/``: every file in it whose name does not start with a dot)."""
    if pattern.endswith("/"):
        pattern += "*"
    want = pattern.split("/")
    hits = set()
    for path in paths:
        got = path.split("/")
        if len(got) == len(want) and all(_segment(w, g) for w, g in zip(want, got, strict=True)):
            hits.add(path)
    return sorted(hits)


def ordered(
    configs: Sequence[tuple[str, str]], notes: list[str] | None = None
) -> Iterator[tuple[str, int, str]]:
    """(file, first line, text) of each statement of ``configs`` (path, text) in the order
    rsyslog reads them: the first file's, each include statement replaced by the statements
    of the files it names (among ``configs``) at its place. A file no include names is not
    read, as rsyslog does not read it. ``notes`` gets an include that names no file (not a
    glob, not optional: rsyslogd reports it), none at all, or a file including itself."""
    texts: dict[str, str] = {}
    for path, text in configs:
        texts.setdefault(path, text)

    def walk(path: str, stack: tuple[str, ...]) -> Iterator[tuple[str, int, str]]:
        for line, stmt in _joined(statements(texts[path])):
            got = _include(stmt)
            if got is None:
                yield path, line, stmt
                continue
            pattern, optional = got
            if not pattern:
                if not optional and notes is not None:
                    notes.append(f"{path}:{line}: an include that names no file")
                continue
            if len(stack) >= MAX_INCLUDE_DEPTH:
                if notes is not None:
                    notes.append(f"{path}:{line}: includes nested too deeply (not read)")
                continue
            files = included(pattern, texts)
            plain = not any(c in pattern for c in "*?[") and not pattern.endswith("/")
            if not files and plain and not optional and notes is not None:
                notes.append(f"{path}:{line}: {pattern} is included but could not be read")
            for other in files:
                if other in stack:  # a file including itself: once
                    if notes is not None:
                        notes.append(f"{path}:{line}: {other} includes itself (read once)")
                    continue
                yield from walk(other, (*stack, other))

    if configs:
        yield from walk(configs[0][0], (configs[0][0],))


def _permits_slash(stmts: Iterable[str]) -> bool:
    """Does a ``global(parser.permitSlashInProgramName="on")`` keep the slash in
    ``$programname``?"""
    for stmt in stmts:
        if stmt[:6].lower() == "global":
            for m in _PARAM.finditer(stmt):
                if m.group(1).lower() == "parser.permitslashinprogramname":
                    value = (m.group(2) if m.group(2) is not None else m.group(3)).lower()
                    return value in ("on", "yes", "1")
    return False


def facility_files(
    configs: Sequence[tuple[str, str]],
    facility: str = "mail",
    severity: int = INFO,
    programs: Sequence[str] = (),
) -> list[tuple[str, str]]:
    """(file, ``path:line`` of the filter) for each file ``configs`` (path, text; the main
    file first, then the files its includes may name) write a message of ``facility`` at
    ``severity`` from a program logging as one of ``programs`` to: those whose filter names
    the program first, then the facility, then the rest. The rules after one that stops the
    message (``stop``, ``& ~``) do not get it."""
    stmts = list(ordered(configs))
    msg = Message(
        facility.strip().lower() or "mail", severity, tuple(programs),
        _permits_slash(s for _, _, s in stmts),
    )  # fmt: skip
    found: dict[str, tuple[int, int, str]] = {}  # file: (nearness, order, where)
    for path, start, stmt in stmts:
        got = _rule(stmt, msg)
        if got is None:
            continue
        files, stopped = got
        for target, near in files:
            if target not in found or near < found[target][0]:
                order = found[target][1] if target in found else len(found)
                found[target] = (near, order, f"{path}:{start}")
        if stopped:
            break
    ranked = sorted(found.items(), key=lambda kv: kv[1][:2])
    return [(target, where) for target, (_n, _o, where) in ranked]
