"""Which file syslog-ng writes a facility's messages to: its configuration (pure).

The syslog-ng counterpart of :mod:`spamtrace.audit.rsyslog`, for a host whose syslog daemon is
syslog-ng. Its configuration names objects and joins them in log paths; Debian's default::

    source s_src { system(); internal(); };
    destination d_mail { file("/var/log/mail.log"); };
    filter f_debug { level(debug) and not facility(auth, authpriv, news, mail); };
    filter f_mail { facility(mail) and not filter(f_debug); };
    log { source(s_src); filter(f_mail); destination(d_mail); };

:func:`facility_files` reads the main file with each ``@include`` read at its place, as
syslog-ng's lexer reads it (:func:`expanded`: a file, a glob in the file name, a folder's
files by name in byte order, skipping a name with a leading dot or another character than
letters, digits, ``_``, ``-``, ``.``; a relative name under ``/etc/syslog-ng``; Debian's main
file includes ``conf.d/*.conf`` at its end), so the order of the log paths, and what a
``flags(final)`` stops, are syslog-ng's; and gives the files a local message of the facility
at a severity from a program goes to: a log path takes it when one of its sources reads the
local log socket (``system()``, ``unix-dgram()``, ``unix-stream()``, ``systemd-journal()``)
or it has ``flags(catchall)``, and each of its filters, named or written in the path, takes it; its
destinations' ``file("/path")`` drivers are the files (one named by a macro, ``$HOST``, is
not). A filter is ``and`` / ``or`` / ``not`` over ``facility()``, ``level()`` /
``priority()`` (names, numbers, ``err..emerg``), ``program()`` (a regular expression, or
``type(string)`` / ``type(glob)``), ``match("...", value("PROGRAM"))`` and ``filter(name)``;
any other test (``host()``, ``message()``, ``netmask()``) is not read, and a path that needs
one to take the message is not counted. ``flags(final)`` stops the paths after one that took
the message, ``flags(fallback)`` is counted only when no other path took it; a path nested in
another is read with its parent's filters. An ``if (...) { } elif (...) { } else { }`` block
in a path sends the message to the first branch whose condition takes it (a filter
expression, or the filters of the branch's own block in ``if { filter(...); ... }``), else
to the ``else`` branch, and the message goes on after the block; a condition that is not
read leaves its branch and the later ones unread. Files found by a filter on the program's name come
first, then by one on the facility, then the rest.

A configuration that cannot be read to its end (a brace or a quote never closed, a stray
brace) is read up to there and said in a note, never raised.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spamtrace.audit.rsyslog import (
    _FACILITY,
    _SEVERITY,
    CAUGHT,
    FACILITY,
    INFO,
    PROGRAM,
    Message,
    Tri,
    _any,
)

#: syslog-ng's main file, then its folder (by name)
MAIN = "/etc/syslog-ng/syslog-ng.conf"
FOLDER = "/etc/syslog-ng/conf.d"
#: the source drivers that read this host's own log socket (or the journal)
LOCAL_DRIVERS = frozenset(("system", "unix-dgram", "unix-stream", "unix_dgram", "unix_stream",
                           "systemd-journal", "systemd_journal", "systemd-syslog"))  # fmt: skip
#: nesting deeper than this (blocks, calls, filters naming filters) is not read
MAX_DEPTH = 64


class Quoted(str):
    """A quoted string of the configuration (a word is a plain ``str``)."""


@dataclass(frozen=True, slots=True)
class Call:
    """``name(args)``; ``name`` is empty for a parenthesised group of a filter."""

    name: str
    args: tuple[Node, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """``{ statement; statement; }``: each statement the nodes before its ``;``."""

    stmts: tuple[tuple[Node, ...], ...]
    line: int


Node = str | Call | Block

_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\f\v]+)|(?P<nl>\n)|(?P<comment>\#[^\n]*)"""
    r"""|(?P<dq>"(?:[^"\\]|\\.)*")|(?P<sq>'[^']*')|(?P<punct>[{}();,])"""
    r"""|(?P<word>[^\s{}();,"'\#]+)|(?P<open>["'])""",
    re.DOTALL,
)


Token = tuple[str, str, int, str]


def _tokens(text: str, path: str, notes: list[str]) -> list[Token]:
    """(kind, text, line, file) of each token: ``str`` (quoted), ``word``, ``pragma`` (an
    ``@`` word at the start of a line: ``@version``, ``@include``), or the punctuation
    itself; comments left out."""
    out: list[Token] = []
    line = 1
    at_line_start = True
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or ""
        tok = m.group()
        if kind == "nl":
            line += 1
            at_line_start = True
            continue
        if kind in ("space", "comment"):
            continue
        if kind == "open":
            notes.append(f"{path}:{line}: a quote is never closed (not read from there)")
            break
        if at_line_start and kind == "word" and tok.startswith("@"):
            # a pragma (@version: 4.3, @include "scl.conf"): the parser skips its line
            at_line_start = False
            out.append(("pragma", tok, line, path))
            continue
        at_line_start = False
        if kind == "dq":
            out.append(("str", re.sub(r"\\(.)", r"\1", tok[1:-1], flags=re.DOTALL), line, path))
            line += tok.count("\n")
        elif kind == "sq":
            out.append(("str", tok[1:-1], line, path))
            line += tok.count("\n")
        elif kind == "punct":
            out.append((tok, tok, line, path))
        else:
            out.append(("word", tok, line, path))
    return out


class _Parser:
    def __init__(self, toks: list[Token], path: str, notes: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.path = path
        self.notes = notes
        self.broken = False

    def problem(self, line: int, what: str, path: str | None = None) -> None:
        """Say what cannot be read at ``line`` of ``path`` (by default the file of the
        token being read: an included file's) and read no further."""
        if path is None:
            at = min(self.i, len(self.toks) - 1)
            path = self.toks[at][3] if at >= 0 else self.path
        if not self.broken:
            self.notes.append(f"{path}:{line}: {what} (not read from there)")
        self.broken = True
        self.i = len(self.toks)

    def statements(
        self, depth: int, closing: str, opened: int = 0, opened_in: str | None = None
    ) -> list[tuple[tuple[Node, ...], int, str]]:
        """Statements (nodes, first line, its file) up to ``closing`` (``}`` opened on line
        ``opened`` of ``opened_in``, or "" for the end of the file)."""
        stmts: list[tuple[tuple[Node, ...], int, str]] = []
        cur: list[Node] = []
        first, first_in = 0, self.path
        while self.i < len(self.toks):
            kind, _tok, line, in_file = self.toks[self.i]
            if kind == "pragma":
                self.i += 1
                # @include "file" / @define name "value": its arguments are on its line
                while self.i < len(self.toks) and self.toks[self.i][2:] == (line, in_file):
                    self.i += 1
                continue
            if kind == "}":
                if closing == "}":
                    self.i += 1
                    if cur:
                        stmts.append((tuple(cur), first, first_in))
                    return stmts
                self.problem(line, "a `}` closes nothing")
                break
            if kind == ";":
                self.i += 1
                if cur:
                    stmts.append((tuple(cur), first, first_in))
                cur, first = [], 0
                continue
            node = self.node(depth)
            if node is None:
                break
            if not cur:
                first, first_in = line, in_file
            cur.append(node)
        if closing and not self.broken:
            self.problem(opened, "a `{` is never closed", opened_in)
        if cur and not self.broken:
            stmts.append((tuple(cur), first, first_in))
        return stmts

    def node(self, depth: int) -> Node | None:
        kind, tok, line, in_file = self.toks[self.i]
        if depth > MAX_DEPTH:
            self.problem(line, "nested too deeply")
            return None
        self.i += 1
        if kind == "{":
            inner = self.statements(depth + 1, "}", line, in_file)
            return Block(tuple(s for s, _, _ in inner), line)
        if kind == "(":
            return self.call("", line, depth, in_file)
        if kind in (")", ","):
            if kind == ")":
                self.problem(line, "a `)` closes nothing")
                return None
            return ","
        if kind == "str":
            return Quoted(tok)
        if (
            self.i < len(self.toks)
            and self.toks[self.i][0] == "("
            and tok.lower() not in ("and", "or", "not")
        ):
            self.i += 1
            return self.call(tok, line, depth, in_file)
        return tok

    def call(self, name: str, line: int, depth: int, in_file: str | None = None) -> Call | None:
        args: list[Node] = []
        while self.i < len(self.toks):
            kind, _tok, at, at_file = self.toks[self.i]
            if kind == ")":
                self.i += 1
                return Call(name.lower().replace("_", "-"), tuple(args), line)
            if kind in (";", "}"):
                if in_file is None or at_file == in_file:
                    self.problem(at, f"a `(` of line {line} is never closed")
                else:  # ended in the file that included it: said where it opened
                    self.problem(line, "a `(` is never closed", in_file)
                return None
            if kind == "pragma":
                self.i += 1
                continue
            node = self.node(depth + 1)
            if node is None:
                return None
            if node != ",":
                args.append(node)
        self.problem(line, "a `(` is never closed", in_file)
        return None


def parse(
    text: str, path: str = "syslog-ng.conf"
) -> tuple[list[tuple[tuple[Node, ...], int]], list[str]]:
    """The top-level statements of a syslog-ng configuration (nodes, first line), and a note
    for what could not be read."""
    notes: list[str] = []
    toks = _tokens(text, path, notes)
    parser = _Parser(toks, path, notes)
    parser.broken = bool(notes)  # a quote never closed: said once
    return [(stmt, line) for stmt, line, _ in parser.statements(0, "")], notes


# --------------------------------------------------------------------------- includes
#: where a relative ``@include`` is looked for (syslog-ng's include-path is
#: ``/etc/syslog-ng:/usr/share/syslog-ng/include``; the latter holds the SCL, block
#: definitions and no log path, not read)
INCLUDE_DIR = "/etc/syslog-ng"
#: includes nested deeper than this are not followed
MAX_INCLUDE_DEPTH = 16
#: the characters of a file name that an ``@include`` of a folder reads (cfg-lexer.c:
#: others, and a leading dot, make syslog-ng skip the file)
_INCLUDABLE = re.compile(r"[A-Za-z0-9_.-]+")


def resolve(pattern: str) -> str:
    """The absolute path, glob or folder an ``@include`` names (relative: under
    :data:`INCLUDE_DIR`)."""
    return pattern if pattern.startswith("/") else f"{INCLUDE_DIR}/{pattern}"


def _include_pattern(toks: Sequence[Token], i: int) -> str | None:
    """The pattern of an ``@include "..."`` pragma at ``toks[i]``, else None."""
    kind, tok, line, path = toks[i]
    if kind != "pragma" or tok.lower() != "@include":
        return None
    if i + 1 < len(toks) and toks[i + 1][0] == "str" and toks[i + 1][2:] == (line, path):
        return toks[i + 1][1]
    return ""


def includes(text: str) -> list[str]:
    """The absolute paths, globs and folders the ``@include`` pragmas of a configuration
    name, in order (what the caller reads for :func:`facility_files`; a folder as ``dir/``)."""
    toks = _tokens(text, "", [])
    out = []
    for i in range(len(toks)):
        pattern = _include_pattern(toks, i)
        if pattern:
            out.append(resolve(pattern))
    return out


def included(pattern: str, paths: Iterable[str]) -> list[str]:
    """The ``paths`` an ``@include`` of ``pattern`` (resolved: :func:`resolve`) reads, in
    syslog-ng's order (by name, byte order): a file; a glob in the file name (``*.conf``); a
    folder (``/etc/syslog-ng/conf.d``, with or without its ``/``): the files directly in
    it whose names start with no dot and hold only letters, digits, ``_``, ``-`` and
    ``.`` (``x.conf~``, ``.x.conf`` and ``x conf`` are skipped, as syslog-ng skips them)."""
    folder = pattern.rstrip("/")
    inside = [p for p in paths if p.rpartition("/")[0] == folder]
    if inside or pattern.endswith("/"):
        names = [p.rpartition("/")[2] for p in inside]
        good = [n for n in names if not n.startswith(".") and _INCLUDABLE.fullmatch(n)]
        return [f"{folder}/{n}" for n in sorted(good, key=lambda n: n.encode())]
    head, _, name = pattern.rpartition("/")
    if any(c in name for c in "*?["):
        hits = [
            p for p in paths
            if p.rpartition("/")[0] == head and not p.rpartition("/")[2].startswith(".")
            and fnmatch.fnmatchcase(p.rpartition("/")[2], name)
        ]  # fmt: skip
        return sorted(set(hits), key=lambda p: p.encode())
    return [pattern] if pattern in paths else []


def expanded(configs: Sequence[tuple[str, str]], notes: list[str]) -> list[Token]:
    """The tokens of ``configs`` (path, text; the main file first) as syslog-ng reads them:
    the main file's, each ``@include`` replaced at its place by the tokens of the files it
    names (among ``configs``: :func:`included`), so that a log path's order, and what a
    ``flags(final)`` before or after it stops, are syslog-ng's. A file no include names is
    not read. ``notes`` gets an include of a file that is not there (syslog-ng refuses to
    start), one naming nothing, too deep a nesting, and a file including itself."""
    texts: dict[str, str] = {}
    for path, text in configs:
        texts.setdefault(path, text)

    def walk(path: str, stack: tuple[str, ...]) -> list[Token]:
        toks = _tokens(texts[path], path, notes)
        out: list[Token] = []
        i = 0
        while i < len(toks):
            pattern = _include_pattern(toks, i)
            if pattern is None:
                out.append(toks[i])
                i += 1
                continue
            line = toks[i][2]
            i += 2 if pattern else 1
            if not pattern:
                notes.append(f"{path}:{line}: an @include that names no file")
                continue
            if len(stack) >= MAX_INCLUDE_DEPTH:
                notes.append(f"{path}:{line}: includes nested too deeply (not read)")
                continue
            target = resolve(pattern)
            files = included(target, texts)
            plain = not any(c in target.rpartition("/")[2] for c in "*?[")
            # a relative one may be the SCL's (scl.conf, in /usr/share/syslog-ng/include)
            absolute = pattern.startswith("/")
            if not files and plain and absolute and not target.endswith("/"):
                notes.append(f"{path}:{line}: {target} is included but could not be read")
            for other in files:
                if other in stack:
                    notes.append(f"{path}:{line}: {other} includes itself (read once)")
                    continue
                out += walk(other, (*stack, other))
        return out

    return walk(configs[0][0], (configs[0][0],)) if configs else []


# --------------------------------------------------------------------------- reading it
@dataclass
class _Objects:
    """The named objects of every file read: {kind: {name: body}}."""

    found: dict[str, dict[str, Block]] = field(default_factory=dict)

    def get(self, kind: str, name: Node) -> Block | None:
        return self.found.get(kind, {}).get(str(name)) if isinstance(name, str) else None


def _words(args: Sequence[Node]) -> list[str]:
    return [a for a in args if isinstance(a, str)]


def _levels(args: Sequence[Node]) -> set[int]:
    """``level(info, notice)``, ``level(err..emerg)``, ``level(crit .. emerg)``."""
    parts: list[str] = []
    for word in _words(args):
        parts += [p for p in re.split(r"(\.\.)", word.lower()) if p]
    out: set[int] = set()
    i = 0

    def sev(name: str) -> int | None:
        return int(name) if name.isdecimal() and int(name) < 8 else _SEVERITY.get(name)

    while i < len(parts):
        one = sev(parts[i])
        if i + 2 < len(parts) and parts[i + 1] == ".." and one is not None:
            other = sev(parts[i + 2])
            if other is not None:
                out |= set(range(min(one, other), max(one, other) + 1))
            i += 3
            continue
        if one is not None:
            out.add(one)
        i += 1
    return out


def _option(args: Sequence[Node], name: str) -> list[str]:
    for a in args:
        if isinstance(a, Call) and a.name == name:
            return [w.lower() for w in _words(a.args)]
    return []


def _program_test(pattern: str, args: Sequence[Node], msg: Message) -> Tri:
    """``program("exim")`` for the program's names: a regular expression (PCRE, read as
    Python's), or ``type(string)`` (the whole name; ``flags(prefix)``, ``flags(substring)``)
    or ``type(glob)``; ``flags(ignore-case)``."""
    if not msg.programs:
        return None
    kind = (_option(args, "type") or ["pcre"])[0]
    flags = set(_option(args, "flags"))
    nocase = "ignore-case" in flags or "ignore_case" in flags
    answers: list[Tri] = []
    for program in msg.programs:
        have, want = (program.lower(), pattern.lower()) if nocase else (program, pattern)
        if kind == "string":
            if "prefix" in flags:
                answers.append(have.startswith(want))
            elif "substring" in flags:
                answers.append(want in have)
            else:
                answers.append(have == want)
        elif kind == "glob":
            answers.append(fnmatch.fnmatchcase(have, want))
        else:
            try:
                answers.append(re.search(want, have) is not None)
            except (re.error, RecursionError, OverflowError):
                answers.append(None)
    return _any(answers)


class _Reader:
    def __init__(self, objects: _Objects, msg: Message) -> None:
        self.objects = objects
        self.msg = msg
        #: where the log path being read starts (``path:line``), and what could not be read
        self.where = ""
        self.notes: list[str] = []

    # ---------------------------------------------------------------- filters
    def expression(self, nodes: Sequence[Node], depth: int) -> tuple[Tri, int]:
        """``or`` over ``and`` over ``not`` over tests; (taken, how near)."""
        if depth > MAX_DEPTH:
            return None, CAUGHT
        groups: list[list[Node]] = [[]]
        for n in nodes:
            if isinstance(n, str) and not isinstance(n, Quoted) and n.lower() == "or":
                groups.append([])
            else:
                groups[-1].append(n)
        answers = [self._all(g, depth) for g in groups]
        if len(answers) == 1:
            return answers[0]
        return _any([a for a, _ in answers]), min((n for a, n in answers if a), default=CAUGHT)

    def _all(self, nodes: Sequence[Node], depth: int) -> tuple[Tri, int]:
        parts: list[list[Node]] = [[]]
        for n in nodes:
            if isinstance(n, str) and not isinstance(n, Quoted) and n.lower() == "and":
                parts.append([])
            else:
                parts[-1].append(n)
        answers = [self._negated(p, depth) for p in parts]
        values = [a for a, _ in answers]
        taken: Tri = False if False in values else (None if None in values else True)
        return taken, min((n for _, n in answers), default=CAUGHT)

    def _negated(self, nodes: Sequence[Node], depth: int) -> tuple[Tri, int]:
        nots = 0
        while (
            nots < len(nodes)
            and isinstance(nodes[nots], str)
            and not isinstance(nodes[nots], Quoted)
            and str(nodes[nots]).lower() == "not"
        ):
            nots += 1
        rest = nodes[nots:]
        if len(rest) != 1 or not isinstance(rest[0], Call):
            return None, CAUGHT
        answer, near = self.test(rest[0], depth + 1)
        if not nots:
            return answer, near
        return (None if answer is None else answer ^ (nots % 2 == 1)), CAUGHT

    def test(self, call: Call, depth: int) -> tuple[Tri, int]:
        name, args, msg = call.name, call.args, self.msg
        if name == "":
            return self.expression(args, depth + 1)
        if name == "facility":
            number = _FACILITY.get(msg.facility, -1)
            names = {w.lower() for w in _words(args)}
            return (msg.facility in names or str(number) in names), FACILITY
        if name in ("level", "priority"):
            return msg.severity in _levels(args), CAUGHT
        if name == "program":
            pattern = next((a for a in args if isinstance(a, str)), None)
            if pattern is None:
                return None, CAUGHT
            return _program_test(pattern, args, msg), PROGRAM
        if name == "match":
            value = _option(args, "value")
            pattern = next((a for a in args if isinstance(a, str)), None)
            if pattern is None or value != ["program"]:
                return None, CAUGHT
            return _program_test(pattern, args, msg), PROGRAM
        if name == "filter":
            words = _words(args)
            body = self.objects.get("filter", words[0]) if words else None
            if body is None:
                return None, CAUGHT
            return self.filter_body(body, depth + 1)
        return None, CAUGHT  # host(), message(), netmask(), tags(), in-list()...

    def filter_body(self, body: Block, depth: int) -> tuple[Tri, int]:
        if len(body.stmts) != 1:
            return None, CAUGHT
        return self.expression(body.stmts[0], depth)

    # ---------------------------------------------------------------- sources, destinations
    def local(self, body: Block | None) -> bool:
        if body is None:
            return False
        return any(
            isinstance(n, Call) and n.name in LOCAL_DRIVERS for stmt in body.stmts for n in stmt
        )

    def files(self, body: Block | None) -> list[str]:
        out: list[str] = []
        for stmt in body.stmts if body is not None else ():
            for n in stmt:
                if isinstance(n, Call) and n.name == "file" and n.args:
                    target = n.args[0]
                    if isinstance(target, str) and target.startswith("/") and "$" not in target:
                        out.append(str(target))
        return out

    # ---------------------------------------------------------------- log paths
    def path(
        self, body: Block, taken: Tri, near: int, local: bool, depth: int
    ) -> tuple[list[tuple[str, int]], Tri, set[str], bool]:
        """(file, how near) written by the log path ``body`` read with the state its parent
        left (``taken``, ``near``, ``local``); whether it took the message to its end; its
        flags; and whether it reads a local source."""
        out: list[tuple[str, int]] = []
        flags: set[str] = set()
        for stmt in body.stmts:
            flags |= {w.lower() for n in stmt if isinstance(n, Call) and n.name == "flags"
                      for w in _words(n.args)}  # fmt: skip
        if "catchall" in flags:
            local = True
        for stmt in body.stmts:
            branches = _branches(stmt)
            if branches is None and _conditional(stmt[0]):
                note = (f"{self.where}: an if / elif / else block of this log path cannot be "
                        "read (its branches and what follows it are not read)")  # fmt: skip
                if note not in self.notes:
                    self.notes.append(note)
                if taken:
                    taken = None
                continue
            if branches is not None:
                if taken is True and depth < MAX_DEPTH:
                    files, taken = self._if_chain(branches, near, local, depth)
                    out += files
                elif taken:
                    taken = None
                continue
            head = stmt[0]
            inline = stmt[1] if len(stmt) == 2 and isinstance(stmt[1], Block) else None
            if isinstance(head, Call) and len(stmt) == 1:
                name = head.name
                words = _words(head.args)
                if name == "source":
                    local = local or any(self.local(self.objects.get("source", w)) for w in words)
                elif name == "filter":
                    got = [
                        self.filter_body(b, depth + 1) if b is not None else (None, CAUGHT)
                        for b in (self.objects.get("filter", w) for w in words)
                    ]
                    taken, near = self._and(taken, near, got)
                elif name == "destination" and taken and local:
                    for w in words:
                        out += [(f, near) for f in self.files(self.objects.get("destination", w))]
                continue
            if isinstance(head, str) and inline is not None:
                kind = head.lower()
                if kind == "source":
                    local = local or self.local(inline)
                elif kind == "filter":
                    taken, near = self._and(taken, near, [self.filter_body(inline, depth + 1)])
                elif kind == "destination":
                    if taken and local:
                        out += [(f, near) for f in self.files(inline)]
                elif kind == "log" and depth < MAX_DEPTH:
                    files, _t, _f, _l = self.path(inline, taken, near, local, depth + 1)
                    out += files
                elif taken:  # junction, channel, else: not read, nor what follows
                    taken = None
                continue
            if taken and any(isinstance(n, Block) for n in stmt):
                # if / elif / else, junction, channel: not read, nor what follows
                taken = None
        return out, taken, flags, local

    def _if_chain(
        self, branches: list[tuple[str, tuple[Node, ...], Block]], near: int, local: bool,
        depth: int,
    ) -> tuple[list[tuple[str, int]], Tri]:
        """(file, how near) written by an ``if`` / ``elif`` / ``else`` block that a message
        reaches, and whether the message goes on after it: the first branch whose condition
        takes it (a filter expression in the parentheses, or the filters of the branch's own
        block), or the ``else``; none, and it goes on (the empty ``else`` syslog-ng adds). A
        condition that is not read leaves its branch and the later ones unread."""
        out: list[tuple[str, int]] = []
        for kind, cond, block in branches:
            if kind == "expr":
                answer, n = self.expression(cond, depth + 1)
                if answer is not True:
                    if answer is None:
                        return out, None
                    continue
                files, taken, _f, _l = self.path(block, True, min(near, n), local, depth + 1)
                return out + files, taken
            files, taken, _f, _l = self.path(block, True, near, local, depth + 1)
            out += files
            if kind == "else" or taken is not False:
                return out, taken
        return out, True

    @staticmethod
    def _and(taken: Tri, near: int, got: list[tuple[Tri, int]]) -> tuple[Tri, int]:
        values = [taken, *(a for a, _ in got)]
        both: Tri = False if False in values else (None if None in values else True)
        return both, min([near, *(n for a, n in got if a)])


def _conditional(node: Node) -> bool:
    """Does a statement start as an ``if`` / ``elif`` / ``else`` block?"""
    word = node.name if isinstance(node, Call) else node if isinstance(node, str) else ""
    return not isinstance(node, Quoted) and word.lower() in ("if", "elif", "else")


def _branches(stmt: Sequence[Node]) -> list[tuple[str, tuple[Node, ...], Block]] | None:
    """The branches of a statement ``if (...) { } elif (...) { } else { }`` of a log path:
    (``expr`` with the filter expression, ``embedded`` for a condition made of the block's
    own filters, or ``else``; its block). None when the statement is no such block."""
    out: list[tuple[str, tuple[Node, ...], Block]] = []
    i = 0
    while i < len(stmt):
        node = stmt[i]
        block = stmt[i + 1] if i + 1 < len(stmt) else None
        if not isinstance(block, Block):
            return None
        word = (node.name if isinstance(node, Call) else str(node)).lower()
        if word != ("if" if not out else word) or word not in ("if", "elif", "else"):
            return None
        if out and out[-1][0] == "else":
            return None  # nothing after the else
        if isinstance(node, Call):
            if word == "else":
                return None
            out.append(("expr", node.args, block))
        else:
            out.append(("else" if word == "else" else "embedded", (), block))
        i += 2
    return out or None


def facility_files(
    configs: Sequence[tuple[str, str]],
    facility: str = "mail",
    severity: int = INFO,
    programs: Sequence[str] = (),
) -> tuple[list[tuple[str, str]], list[str]]:
    """(file, ``path:line`` of the log path) for each file ``configs`` (path, text; the main
    file first) write a local message of ``facility`` at ``severity`` from a program logging
    as one of ``programs`` to, those found by the program's name first, then by the
    facility; and a note for each configuration that could not be read to its end."""
    msg = Message(facility.strip().lower() or "mail", severity, tuple(programs))
    objects = _Objects()
    paths: list[tuple[Block, str]] = []
    notes: list[str] = []
    if configs:
        toks = expanded(configs, notes)
        parser = _Parser(toks, configs[0][0], notes)
        parser.broken = bool(notes) and any("quote is never closed" in n for n in notes)
        stmts = parser.statements(0, "")
    else:
        stmts = []
    for stmt, line, path in stmts:
        words = [n for n in stmt if isinstance(n, str)]
        body = stmt[-1]
        if not isinstance(body, Block):
            continue
        if len(stmt) == 2 and str(stmt[0]).lower() == "log":
            paths.append((body, f"{path}:{line}"))
        elif len(stmt) == 3 and len(words) == 2:
            kind = words[0].lower()
            if kind in ("source", "destination", "filter"):
                objects.found.setdefault(kind, {})[words[1]] = body
    reader = _Reader(objects, msg)
    found: dict[str, tuple[int, int, str]] = {}
    matched = False
    fallbacks: list[tuple[Block, str]] = []

    def take(body: Block, where: str) -> tuple[Tri, set[str]]:
        reader.where = where
        files, taken, flags, local = reader.path(body, True, CAUGHT, False, 0)
        for target, near in files:
            if target not in found or near < found[target][0]:
                order = found[target][1] if target in found else len(found)
                found[target] = (near, order, where)
        return (taken if local else False), flags

    for body, where in paths:
        flags = {w.lower() for stmt in body.stmts for n in stmt
                 if isinstance(n, Call) and n.name == "flags" for w in _words(n.args)}  # fmt: skip
        if "fallback" in flags:
            fallbacks.append((body, where))
            continue
        taken, flags = take(body, where)
        matched = matched or taken is True
        if taken is True and "final" in flags:
            break
    if not matched:
        for body, where in fallbacks:
            taken, flags = take(body, where)
            if taken is True and "final" in flags:
                break
    ranked = sorted(found.items(), key=lambda kv: kv[1][:2])
    return [(target, where) for target, (_n, _o, where) in ranked], notes + reader.notes
