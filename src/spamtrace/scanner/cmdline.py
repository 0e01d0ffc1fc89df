"""The command line a shell call runs, as the script wrote it: which program it names, and
where request data can land in it.

A site's own script that runs a fixed program (``exec("ffmpeg -ss $tm -i in.mp4 out.jpg")``,
``exec('rm ' . $_FILES['f']['name'])``) with an unescaped request value among its arguments
has a command injection hole; a backdoor lets the visitor choose the program itself (the
command's first word, a shell's or an interpreter's code, a downloader's address).
:func:`fixed_program` tells the first from the second.
"""

from __future__ import annotations

import itertools
import re

from spamtrace.scanner.context import (
    PLACEHOLDER,
    Ctx,
    close_paren,
    first_arg,
    split_top,
    top_args,
    var_assigns,
)
from spamtrace.scanner.interp import variables
from spamtrace.scanner.lexer import find
from spamtrace.scanner.rx import tight

# programs that run code, a command or what they fetch: request data in their arguments
# chooses what runs (sh -c "$x", php -r, find -exec, xargs, wget of a given address...);
# and the ones that do nothing a page needs a shell for: shell_exec("echo $c") only
# carries what the visitor appends; a mail program given the visitor's recipients is a
# mailer (what this tool is about), not a hole
_RUNS_CODE = frozenset(
    b"sh bash dash zsh ksh csh tcsh ash fish busybox env sudo su doas nohup timeout nice "
    b"ionice setsid stdbuf xargs find eval exec source command builtin php php-cli php-cgi "
    b"perl python ruby node nodejs lua tclsh expect awk gawk mawk nawk sed wget curl fetch "
    b"lwp-download lynx links aria2c ftp tftp scp rsync nc ncat netcat socat telnet ssh "
    b"cmd cmd.exe powershell pwsh start crontab at batch watch script screen tmux "
    b"chmod chown install echo printf true false test : "
    b"sendmail mail mailx exim exim4 mutt msmtp ssmtp".split()
)
# a program named as a path or a word: no quoting, expansion or request data in it
_PROGRAM = tight(rb"[A-Za-z0-9_./+-]{1,80}")
# the words in command position: the first, and each after ; & | a line break or $(
_COMMAND_WORDS = tight(rb"(?:^|[;&|\n]|\$\()\s*([^\s;&|<>()\x00]*)(\x00?)")
# a quoting function's look-alike (a method or a function of the file's own named like it,
# returning its input): a command dressed up as quoted is hiding, not a careless script
_FAKE_QUOTE = tight(rb"(?:[\w$\x80-\xff\\]|->|::)\s*escapeshell(?:arg|cmd)\s*\(")
# a program run from the script's folder or a scratch folder: a binary dropped there
# (./findsock, /tmp/x), not a program the system provides
_DROPPED = tight(rb"(?:\.{1,2}/|/tmp/|/var/tmp/|/dev/shm/)")
# a redirection whose target the script does not write (> $_GET['f'], >> "$dir/$name")
_REDIRECT_TO_HOLE = tight(rb"(?<![0-9&])>>?\s*[^\s;&|<>\x00]*\x00")
_HOLE = b"\x00"  # a value the script does not write: a variable, a call, request data
_PLAIN_ASSIGN = tight(rb"\s*(\.?)=(?![=>])\s*([^;]{0,400});")


def _holed(raw: bytes, names: list[bytes] | None = None) -> bytes | None:
    """A double-quoted body or heredoc (``raw`` as written) with each variable PHP reads in
    it (:func:`interp.variables`: "$x", "{$x['k']}", "${x}", "$x->y") replaced by a NUL
    (its text appended to ``names`` when given); None for a body that reader does not
    follow."""
    spans = variables(raw)
    if spans is None:
        return None
    out: list[bytes] = []
    last = 0
    for start, end in spans:
        out.append(raw[last:start])
        out.append(_HOLE)
        if names is not None:
            names.append(raw[start:end])
        last = end
    out.append(raw[last:])
    return b"".join(out)


_SPRINTF = tight(rb"\s*\\?sprintf\s*\(")
# a conversion of sprintf()'s format: %s, %1$s, %05.2f, %'*10s, %% (PHP's spec)
_CONVERSION = tight(rb"%(?:(\d{1,2})\$)?(?:[-+ 0]|'.)*\d*(?:\.\d+)?([A-Za-z%])")
# the conversions that print a number whatever they are given: no text of the visitor's
_NUMERIC = frozenset(b"bdeEfFgGouxX")
# the ones that print their argument's text (or a byte of its choosing)
_TEXT = frozenset(b"sc")


def _sprintf_template(ctx: Ctx, piece: bytes, names: list[bytes] | None) -> bytes | None:
    """The command line a ``sprintf("fmt", $a, ...)`` piece builds, as :func:`_template`
    gives it: the format's literal text, each %s (or %c) a NUL (its argument's text
    appended to ``names``, in order with the format's own variables), each numeric
    conversion (%d, %05.2f...) a digit, %% a "%". None for a piece that is not such a
    call, a format that is not a literal (or a backtick string), or a conversion or an
    argument index the call does not have."""
    m = _SPRINTF.match(piece)
    if m is None:
        return None
    body = piece[m.end() :]
    close = close_paren(body)
    if close >= len(body) or body[close + 1 :].strip():
        return None
    args = [a.strip() for a in top_args(body[:close])]
    if not args:
        return None
    fm = PLACEHOLDER.fullmatch(args[0])
    if fm is None:
        return None
    idx = int(fm.group(1))
    if idx >= len(ctx.lx.kinds):
        return None
    kind = ctx.lx.kinds[idx]
    if kind == "bq":
        return None
    own: list[bytes] = []
    if kind in ("dq", "heredoc"):
        fmt = _holed(ctx.lx.raw_strings[idx], own)
        if fmt is None:
            return None
    else:
        fmt = ctx.lx.value(idx)
    out: list[bytes] = []
    found: list[bytes] = []
    last = 0
    following = 1
    for conv in _CONVERSION.finditer(fmt):
        literal = fmt[last : conv.start()]
        out.append(literal)
        for _ in range(literal.count(_HOLE)):
            found.append(own.pop(0) if own else b"")
        last = conv.end()
        letter = conv.group(2)[0]
        if letter == ord("%"):
            out.append(b"%")
            continue
        if conv.group(1) is not None:
            at = int(conv.group(1))
        else:
            at = following
            following += 1
        if at < 1 or at >= len(args):
            return None
        if letter in _NUMERIC:
            out.append(b"0")
        elif letter in _TEXT:
            out.append(_HOLE)
            found.append(args[at])
        else:
            return None
    literal = fmt[last:]
    out.append(literal)
    for _ in range(literal.count(_HOLE)):
        found.append(own.pop(0) if own else b"")
    if names is not None:
        names.extend(found)
    return b"".join(out)


def _template(ctx: Ctx, arg: bytes, names: list[bytes] | None = None) -> bytes | None:
    """The command line ``arg`` builds, each value the script does not write as a literal
    replaced by a NUL (the text of each, in order, appended to ``names`` when given); None
    for a command the script cannot be read for (backticks, a double-quoted string
    :func:`_holed` does not follow)."""
    arg = arg.strip()
    while arg.startswith(b"(") and close_paren(arg[1:]) == len(arg) - 2:
        arg = arg[1:-1].strip()
    out: list[bytes] = []
    for piece in split_top(arg, b".", b"([", b")]"):
        m = PLACEHOLDER.fullmatch(piece.strip())
        if m is None:
            formatted = _sprintf_template(ctx, piece, names)
            if formatted is not None:
                out.append(formatted)
                continue
            out.append(_HOLE)
            if names is not None:
                names.append(piece.strip())
            continue
        idx = int(m.group(1))
        if idx >= len(ctx.lx.kinds):
            return None
        kind = ctx.lx.kinds[idx]
        if kind == "bq":
            return None
        if kind in ("dq", "heredoc"):
            text = _holed(ctx.lx.raw_strings[idx], names)
            if text is None:
                return None
            out.append(text)
        else:
            out.append(ctx.lx.value(idx))
    return b"".join(out)


# the file a redirection writes: its whole target word, holes included
_REDIRECT_TARGET = tight(rb"(?<![0-9&])>>?\s*([^\s;&|<>]*)")
# a data file's name: an extension PHP, the web server or a shell never runs
_DATA_FILE = tight(rb".*\.(?:sql|txt|log|csv|tsv|json|xml|gz|bz2|xz|zip|tar|tgz|bak|dump|out)")
# a variable the script names whole: $name, {$name}, ${name}
_PLAIN_VAR = tight(rb"\{?\$\{?([A-Za-z_\x80-\xff][\w\x80-\xff]*)\}?\}?")


def _data_file_var(ctx: Ctx, text: bytes, start: int) -> bool:
    """``text`` (a hole's source) is a variable the script sets once before ``start``, with
    "=" alone, to an expression that ends with a literal naming a data file
    (``$backup = $db . '.sql'``, ``$f = "dump_$db.sql"``)."""
    m = _PLAIN_VAR.fullmatch(text.strip())
    if m is None:
        return False
    sites = var_assigns(ctx.code, m.group(1), _PLAIN_ASSIGN, 20)
    if len(sites) != 1 or sites[0][0] >= start or sites[0][1].group(1):
        return False
    pieces = split_top(sites[0][1].group(2).strip(), b".", b"([", b")]")
    last = PLACEHOLDER.fullmatch(pieces[-1].strip()) if pieces else None
    if last is None:
        return False
    idx = int(last.group(1))
    if idx >= len(ctx.lx.kinds) or ctx.lx.kinds[idx] == "bq":
        return False
    if ctx.lx.kinds[idx] in ("dq", "heredoc"):
        value = _holed(ctx.lx.raw_strings[idx])
        if value is None:
            return False
    else:
        value = ctx.lx.value(idx)
    return _DATA_FILE.fullmatch(value) is not None


def _data_redirects(ctx: Ctx, text: bytes, names: list[bytes], start: int) -> bool:
    """Every redirection of the command line ``text`` (with holes; ``names`` their sources)
    whose target holds a value the script does not write names a data file all the same: its
    target ends with a literal data extension (``> $db.sql``), or is one variable the script
    set to such a name (:func:`_data_file_var`). A dump or a log the site keeps, not a
    script dropped where the visitor says."""
    for m in _REDIRECT_TARGET.finditer(text):
        target = m.group(1)
        if _HOLE not in target:
            continue
        if _DATA_FILE.fullmatch(target.replace(_HOLE, b"x")) is not None and not target.endswith(
            _HOLE
        ):
            continue
        if target != _HOLE:
            return False
        hole = text.count(_HOLE, 0, m.start(1))
        if hole >= len(names) or not _data_file_var(ctx, names[hole], start):
            return False
    return True


def _first_arg_at(ctx: Ctx, start: int) -> bytes | None:
    """The first argument of the call whose name starts at ``start`` in the code."""
    code = ctx.code
    paren = find(code, b"(", start, start + 40)
    if paren < 0:
        return None
    body = code[paren + 1 : paren + 1 + 4000]
    return first_arg(body[: close_paren(body)])


def _held_command(ctx: Ctx, arg: bytes, start: int) -> bytes:
    """The expression a bare variable ``$cmd`` given to the call holds, when the script
    sets it once before the call, with "=" alone; else ``arg`` as it is."""
    m = re.fullmatch(rb"\s*\$([A-Za-z_\x80-\xff][\w\x80-\xff]*)\s*", arg)
    if m is None:
        return arg
    sites = [(s, a) for s, a in var_assigns(ctx.code, m.group(1), _PLAIN_ASSIGN, 20) if s < start]
    if len(sites) != 1 or sites[0][1].group(1):
        return arg
    later = var_assigns(ctx.code, m.group(1), _PLAIN_ASSIGN, 20)
    if len(later) != 1:
        return arg  # set again (or appended to) somewhere: not one command line
    return sites[0][1].group(2)


def fixed_program(ctx: Ctx, start: int, arg: bytes | None = None) -> bytes | None:
    """The program a shell call at ``start`` runs when the script names it (a literal
    first word, no program that runs code or fetches) and values the script does not
    write land only among its arguments: a command injection hole of the site's own
    script, not a command of the visitor's. None otherwise (the command's first word, or
    a word after ; | &&, from a value; sh -c, php -r, wget...; backticks; code decoded
    from a layer or seen only in the code with its rewrites undone)."""
    if ctx.layer != 0 or ctx.cache.get("view") not in (None, "written-out"):
        return None  # decoded, or found only with the file's rewrites undone: hiding
    if arg is None:
        arg = _first_arg_at(ctx, start)
        if arg is None:
            return None
    arg = _held_command(ctx, arg, start)
    if _FAKE_QUOTE.search(arg) is not None:
        return None
    names: list[bytes] = []
    text = _template(ctx, arg, names)
    if text is None or _HOLE not in text or b"`" in text:
        return None
    if _REDIRECT_TO_HOLE.search(text) is not None and not _data_redirects(ctx, text, names, start):
        return None  # the output written to a file the visitor names
    first = b""
    for m in _COMMAND_WORDS.finditer(text):
        word, glued = m.group(1), m.group(2)
        if glued:
            return None  # a value in command position, or glued to the program's name
        if not word:
            continue  # "&&", "2>&1", the end of the line
        if _PROGRAM.fullmatch(word) is None or _DROPPED.match(word) is not None:
            return None
        base = word.rsplit(b"/", 1)[-1].lower()
        stem = base.rstrip(b"0123456789.-")
        if base in _RUNS_CODE or stem in _RUNS_CODE or stem.startswith(b"python"):
            return None
        first = first or base
    return first or None


# the calls that hand the command's output to the visitor as it runs (system, passthru) or
# give the script a live pipe to the process (popen, proc_open): a console's calls
_SHOWN_CALLS = frozenset((b"system", b"passthru", b"popen", b"proc_open", b"pcntl_exec"))
_CALL_NAME = tight(rb"([a-z_]+)\s*\(")
# what puts a value in front of the visitor (or hands it to a caller that may)
_SHOWS = tight(
    rb"(?<![\w$>:])(?:echo|print|printf|print_r|var_dump|var_export|die|exit|return|"
    rb"json_encode|nl2br|htmlspecialchars|htmlentities|vprintf|header)\b|<\?="
)
# where the statement holding an offset starts
_STATEMENT_START = tight(rb"[;{}]")
# "$var =" (or ".=") just before the call: the output kept in a variable
_KEPT_IN = tight(rb"\$([A-Za-z_\x80-\xff][\w\x80-\xff]*)\s*\.?=\s*@?\s*$")
# escapeshellarg/escapeshellcmd: the author quoted one part of the line and left another raw
_QUOTING = tight(rb"escapeshell(?:arg|cmd)\s*\(")


def _statement_before(code: bytes, start: int) -> bytes:
    """The text of the statement holding ``start``, up to ``start``."""
    lo = max(0, start - 400)
    head = code[lo:start]
    cut = max((m.end() for m in _STATEMENT_START.finditer(head)), default=0)
    return head[cut:]


_FOREACH_AS = tight(
    rb"\s+as\s+(?:&?\s*\$[A-Za-z_\x80-\xff][\w\x80-\xff]*\s*=>\s*)?&?\s*\$([A-Za-z_\x80-\xff][\w\x80-\xff]*)"
)


def _shown_var(ctx: Ctx, var: bytes, after: int, depth: int = 0) -> bool:
    """``$var`` is echoed, printed, returned or sent in a header after ``after``: named in
    such a statement, written into a double-quoted string or heredoc of one, or walked by a
    foreach whose value is."""
    code = ctx.code
    needle = re.compile(rb"\$" + re.escape(var) + rb"(?![\w\x80-\xff])")
    for m in itertools.islice(needle.finditer(code, after), 40):
        if _SHOWS.search(_statement_before(code, m.start())) is not None:
            return True
        each = _FOREACH_AS.match(code, m.end())
        if each is not None and depth < 2 and _shown_var(ctx, each.group(1), m.end(), depth + 1):
            return True
    kinds = ctx.lx.kinds
    for idx, kind in itertools.islice(enumerate(kinds), 2000):
        if kind not in ("dq", "heredoc") or needle.search(ctx.lx.raw_strings[idx]) is None:
            continue
        at = find(code, b"\x01%d\x01" % idx, after)
        if at >= 0 and _SHOWS.search(_statement_before(code, at)) is not None:
            return True
    return False


# the calls that print the command's standard output where they stand: nothing, when the
# command line sends it to a file
_PRINTING_CALLS = frozenset((b"system", b"passthru"))
# one command whose standard output goes to a file: "> f" or "1>> f" (not "2> f"), and no
# second command after it (; & | or a line break, "2>&1" aside)
_STDOUT_TO_FILE = tight(rb"(?<![0-9&>])1?>>?\s*[^\s;&|<>]")
_NEXT_COMMAND = tight(rb"[;|\n]|(?<![0-9>])&")
# a call that hands a file's contents to the visitor (or to code that may show them)
_READ_BACK = tight(
    rb"(?<![\w$>:])(?:readfile|fpassthru|file_get_contents|file|fopen|highlight_file|"
    rb"show_source|include|include_once|require|require_once)\s*\("
)


def _output_to_file(ctx: Ctx, start: int) -> bool:
    """The shell call at ``start`` runs one command whose standard output the command line
    sends to a file (``system("mysqldump ... > $db.sql")``), and the script reads no file
    back with readfile(), file_get_contents(), include... after it: what the call prints is
    nothing."""
    arg = _first_arg_at(ctx, start)
    if arg is None:
        return False
    text = _template(ctx, _held_command(ctx, arg, start))
    if text is None:
        return False
    last = None
    for m in _STDOUT_TO_FILE.finditer(text):
        last = m
    if last is None or _NEXT_COMMAND.search(text, last.end()) is not None:
        return False
    return _READ_BACK.search(ctx.code, start) is None


def output_shown(ctx: Ctx, start: int) -> bool:
    """Whether the visitor gets back what the shell call at ``start`` prints: a call that
    prints as it runs or gives a pipe (system, passthru, popen, proc_open), a call echoed,
    printed or returned where it stands, or the output kept in a variable (the return value,
    or exec()'s output array) that is shown later. A web shell shows its commands' output;
    a site's own thumbnailer, converter or clean-up call keeps it or drops it."""
    code = ctx.code
    m = _CALL_NAME.match(code, start)
    if m is None:
        return True
    name = m.group(1)
    if name in _SHOWN_CALLS and not (name in _PRINTING_CALLS and _output_to_file(ctx, start)):
        return True
    before = _statement_before(code, start)
    if _SHOWS.search(before) is not None:
        return True
    paren = m.end() - 1
    end = paren + 1 + close_paren(code[paren + 1 : paren + 4001])
    kept = _KEPT_IN.search(before)
    if kept is not None and _shown_var(ctx, kept.group(1), end):
        return True
    if name == b"exec":
        body = code[paren + 1 : end]
        parts = body.split(b",")
        if len(parts) > 1:
            out = re.match(rb"\s*&?\s*\$([A-Za-z_\x80-\xff][\w\x80-\xff]*)", parts[1])
            if out is not None and _shown_var(ctx, out.group(1), end):
                return True
    return False


def script_command(ctx: Ctx, start: int) -> bool:
    """Whether the shell call at ``start`` runs a command line the script writes itself: a
    :func:`fixed_program` (values only among its arguments, quoted or not), or a line of
    literals only (``exec('find cache -mtime +7 -delete')``), held in a variable or given
    inline. Not for code decoded from a layer, backticks or a line built from a value."""
    if fixed_program(ctx, start) is not None:
        return True
    if ctx.layer != 0 or ctx.cache.get("view") not in (None, "written-out"):
        return False
    arg = _first_arg_at(ctx, start)
    if arg is None:
        return False
    text = _template(ctx, _held_command(ctx, arg, start))
    return text is not None and _HOLE not in text and b"`" not in text and bool(text.strip())


def hole_program(ctx: Ctx, start: int, arg: bytes | None = None) -> bytes | None:
    """:func:`fixed_program`, for a call whose output the visitor does not get back
    (:func:`output_shown`) and whose command line quotes no other part
    (escapeshellarg/escapeshellcmd of one value next to a raw one: the author knew how, so
    the raw one is left on purpose). A backdoor shows the visitor what its command did;
    a site's converter or clean-up call runs blind. None otherwise."""
    program = fixed_program(ctx, start, arg)
    if program is None:
        return None
    if output_shown(ctx, start):
        return None
    if arg is None:
        arg = _first_arg_at(ctx, start)
    if arg is not None and _QUOTING.search(_held_command(ctx, arg, start)) is not None:
        return None
    return program
