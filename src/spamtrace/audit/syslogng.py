"""Which file syslog-ng writes a facility's messages to: its configuration (pure).

The syslog-ng counterpart of :mod:`spamtrace.audit.rsyslog`, for a host whose syslog daemon is
syslog-ng. Its configuration names objects and joins them in log paths; Debian's default::

    source s_src { system(); internal(); };
    destination d_mail { file("/var/log/mail.log"); };
    filter f_debug { level(debug) and not facility(auth, authpriv, news, mail); };
    filter f_mail { facility(mail) and not filter(f_debug); };
    log { source(s_src); filter(f_mail); destination(d_mail); };

:func:`facility_files` reads the main file and then its ``conf.d/*.conf`` (Debian's main file
includes them at its end) and gives the files a local message of the facility at a severity
from a program goes to: a log path takes it when one of its sources reads the local log
socket (``system()``, ``unix-dgram()``, ``unix-stream()``, ``systemd-journal()``) or it has
``flags(catchall)``, and each of its filters, named or written in the path, takes it; its
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
from collections.abc import Sequence
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


def _tokens(text: str, path: str, notes: list[str]) -> list[tuple[str, str, int]]:
    """(kind, text, line) of each token: ``str`` (quoted), ``word``, or the punctuation
    itself; comments and ``@`` pragma lines (``@version``, ``@include``) left out."""
    out: list[tuple[str, str, int]] = []
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
            out.append(("pragma", tok, line))
            continue
        at_line_start = False
        if kind == "dq":
            out.append(("str", re.sub(r"\\(.)", r"\1", tok[1:-1], flags=re.DOTALL), line))
            line += tok.count("\n")
        elif kind == "sq":
            out.append(("str", tok[1:-1], line))
            line += tok.count("\n")
        elif kind == "punct":
            out.append((tok, tok, line))
        else:
            out.append(("word", tok, line))
    return out


class _Parser:
    def __init__(self, toks: list[tuple[str, str, int]], path: str, notes: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.path = path
        self.notes = notes
        self.broken = False

    def problem(self, line: int, what: str) -> None:
        if not self.broken:
            self.notes.append(f"{self.path}:{line}: {what} (not read from there)")
        self.broken = True
        self.i = len(self.toks)

    def statements(
        self, depth: int, closing: str, opened: int = 0
    ) -> list[tuple[tuple[Node, ...], int]]:
        """Statements up to ``closing`` (``}`` opened on line ``opened``, or "" for the end
        of the file)."""
        stmts: list[tuple[tuple[Node, ...], int]] = []
        cur: list[Node] = []
        first = 0
        while self.i < len(self.toks):
            kind, _tok, line = self.toks[self.i]
            if kind == "pragma":
                self.i += 1
                # @include "file" / @define name "value": its arguments are on its line
                while self.i < len(self.toks) and self.toks[self.i][2] == line:
                    self.i += 1
                continue
            if kind == "}":
                if closing == "}":
                    self.i += 1
                    if cur:
                        stmts.append((tuple(cur), first))
                    return stmts
                self.problem(line, "a `}` closes nothing")
                break
            if kind == ";":
                self.i += 1
                if cur:
                    stmts.append((tuple(cur), first))
                cur, first = [], 0
                continue
            node = self.node(depth)
            if node is None:
                break
            if not cur:
                first = line
            cur.append(node)
        if closing and not self.broken:
            self.problem(opened, "a `{` is never closed")
        if cur and not self.broken:
            stmts.append((tuple(cur), first))
        return stmts

    def node(self, depth: int) -> Node | None:
        kind, tok, line = self.toks[self.i]
        if depth > MAX_DEPTH:
            self.problem(line, "nested too deeply")
            return None
        self.i += 1
        if kind == "{":
            inner = self.statements(depth + 1, "}", line)
            return Block(tuple(s for s, _ in inner), line)
        if kind == "(":
            return self.call("", line, depth)
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
            return self.call(tok, line, depth)
        return tok

    def call(self, name: str, line: int, depth: int) -> Call | None:
        args: list[Node] = []
        while self.i < len(self.toks):
            kind, _tok, at = self.toks[self.i]
            if kind == ")":
                self.i += 1
                return Call(name.lower().replace("_", "-"), tuple(args), line)
            if kind in (";", "}"):
                self.problem(at, f"a `(` of line {line} is never closed")
                return None
            if kind == "pragma":
                self.i += 1
                continue
            node = self.node(depth + 1)
            if node is None:
                return None
            if node != ",":
                args.append(node)
        self.problem(line, "a `(` is never closed")
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
    return parser.statements(0, ""), notes


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
    for path, text in configs:
        stmts, said = parse(text, path)
        notes += said
        for stmt, line in stmts:
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
