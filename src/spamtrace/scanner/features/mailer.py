"""Rules about spam mailers: raw SMTP, direct-to-MX, request-driven recipients and loops,
forged senders, mailers fed by a controller, "installed here" beacons.
"""

from __future__ import annotations

import ast
import base64
import binascii
import codecs
import itertools
import re
from collections.abc import Callable, Iterator

from spamtrace.scanner import fold
from spamtrace.scanner.context import (
    CURLOPT_URL,
    FETCH_CALLS,
    FETCH_LITERAL,
    KEEP,
    NAME_P,
    PLACEHOLDER,
    SINK_NAMES,
    SOCKET,
    SOCKET_CALLS,
    SOCKET_WRITES,
    TAIL_RHS,
    UIN_RE,
    VAR,
    Ctx,
    Hit,
    bonus_condition,
    bounded_finditer,
    bounded_search,
    braced,
    calls_to,
    close_paren,
    excerpt,
    expression,
    feature,
    first_arg,
    function_bodies,
    function_body,
    has_any,
    has_request_words,
    has_word,
    in_loop,
    interpolated,
    literals_holding,
    mail_envelope,
    per_file,
    prefiltered_finditer,
    prefiltered_search,
    recipient_literals,
    request_input_in_code,
    site_session_gated,
    string_at,
    string_text,
    top_args,
    var_assigns,
    web_address,
)
from spamtrace.scanner.features.execution import fixed_recipient, never_set, owner_subject
from spamtrace.scanner.interp import read_code
from spamtrace.scanner.lexer import find
from spamtrace.scanner.rules import Rule
from spamtrace.scanner.rx import tight
from spamtrace.scanner.taint import (
    REQ_RE,
    assignment_before,
    email_safe,
    getenv_header,
    taint,
    variable_holding,
)

# a verb starts a literal or a line; the literals are raw text, so a line break before it is
# often the escape "\r\n" as written in a double-quoted string
_SMTP_VERBS = tight(
    rb"(?:^|[\s\"'\x00]|\\[rn])"
    rb"(ehlo|helo|mail from|rcpt to|data\r?\n|data\\[rn]|data$|data\x00|quit|auth login|"
    rb"starttls)"
)


_SMTP_DIALOGUE = frozenset({b"ehlo", b"helo", b"mail", b"rcpt", b"data", b"quit"})


@per_file("smtp")
def _smtp(ctx: Ctx) -> int:
    """Code offset of the socket call if the file speaks SMTP over a raw socket, else -1."""
    m = bounded_search(SOCKET, ctx.code, ctx.first)
    if m is not None:
        text = string_text(ctx)
        verbs: set[bytes] = set()
        for v in _SMTP_VERBS.finditer(text):
            verb = v.group(1)[:4]
            if verb in _SMTP_DIALOGUE:
                verbs.add(verb)
                if len(verbs) >= 3:  # enough: the rest of the text cannot change it
                    return m.start()
    return -1


@feature("smtp_dialogue")
def _smtp_dialogue(ctx: Ctx, rule: Rule) -> Hit | None:
    pos = _smtp(ctx)
    if pos < 0 or _fixed_local_dialogue(ctx):
        return None
    return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))


_LOCAL_HOST = tight(rb"(?:(?:tcp|ssl|tls)://)?(?:localhost|127\.0\.0\.1|\[?::1\]?)(?::\d+)?")
_HOST_ARG = {b"fsockopen": 0, b"pfsockopen": 0, b"stream_socket_client": 0, b"socket_connect": 1}
# what a fixed letter may hold besides its literals: the time it was sent
_CLOCK_CALL = tight(rb"(?<![\w$>:])(?:date|gmdate|time|microtime)\s*\(\s*(?:\x01\d+\x01)?\s*\)")
_FIXED_WRITE = tight(rb"[\s.,()]*")


def _fixed_local_dialogue(ctx: Ctx) -> bool:
    """Every socket the file opens goes to this machine (a literal ``localhost`` or
    ``127.0.0.1``) and every line it writes to one is fixed text, no variable in it and no
    call but the clock's (``fwrite($f, "RCPT TO: test@example.com\\r\\n")``, ``"Today is "
    . date("r")``): a page that tests the local MTA with a letter of its own to an address
    of its own. A mailer writes its recipients and letters from variables, a beacon goes to
    another host, and what a call answers (``file_get_contents()``, ``gethostname()``) is
    the server's, not the page's."""
    hosts = calls_to(ctx, tuple(_HOST_ARG), 20)
    if not hosts:
        return False  # socket_create() alone: where it connects is not written here
    for start, args in hosts:
        name = ctx.code[start : start + 24].split(b"(", 1)[0].strip().lower()
        parts = top_args(args[: close_paren(args)])
        at = _HOST_ARG.get(name)
        if at is None or len(parts) <= at:
            return False
        held = PLACEHOLDER.fullmatch(parts[at].strip())
        if held is None:
            return False  # a host in a variable: where it goes is not written here
        host = ctx.lx.value(int(held.group(1))).strip().lower()
        if _LOCAL_HOST.fullmatch(host) is None:
            return False
    writes = calls_to(ctx, SOCKET_WRITES, 200)
    if not writes:
        return False
    for _start, args in writes:
        data = b",".join(top_args(args[: close_paren(args)])[1:])
        if VAR.search(interpolated(ctx, data)) is not None:
            return False
        if _FIXED_WRITE.fullmatch(_CLOCK_CALL.sub(b" ", PLACEHOLDER.sub(b" ", data))) is None:
            return False  # a call's answer written (file_get_contents(...), gethostname())
    return True


_FREEMAIL = tight(
    rb"@(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|aol|mail\.ru|yandex|inbox\.ru|"
    rb"list\.ru|bk\.ru|protonmail|gmx|zoho|icloud|rambler)\.[a-z.]{2,6}\b",
    re.IGNORECASE,
)


@feature("freemail_drop")
def _freemail_drop(ctx: Ctx, rule: Rule) -> Hit | None:
    """mail() to a hard-coded free-mail address: stolen data or a mailer's "it works" report
    sent to the attacker (real sites mail their own domain or a configured address)."""
    for start, args in calls_to(ctx, SINK_NAMES["mail"], 50):
        if any(_FREEMAIL.search(val) for val in recipient_literals(ctx, args)):
            if _visitor_sender(ctx, args):
                continue  # a contact form: the visitor writes to the owner's own mailbox
            if _verified_notification(ctx):
                return None  # a payment listener: the owner told of a sale it had checked
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_NOTIFY_VALIDATE = b"cmd=_notify-validate"


def _verified_notification(ctx: Ctx) -> bool:
    """The page is a payment listener that hands each notification back to the payment
    service to be checked, as PayPal's IPN protocol asks: a variable set to a literal that
    starts with ``cmd=_notify-validate`` is posted back (``CURLOPT_POSTFIELDS``, or written
    to a socket) and the answer compared with the literal ``VERIFIED``. What such a page
    mails to a free-mail box is the shop owner's note of a sale or of a failed check, not a
    visitor's data taken; a drop has nothing to verify with anyone (the words in a comment,
    or a literal never sent, are no such check)."""
    if _NOTIFY_VALIDATE not in ctx.data or b"VERIFIED" not in ctx.data:
        return False
    lx = ctx.lx
    held = [i for i in range(len(lx.raw_strings)) if lx.value(i).startswith(_NOTIFY_VALIDATE)]
    if not held or not any(lx.value(i) == b"VERIFIED" for i in range(len(lx.raw_strings))):
        return False
    for idx in held[:4]:
        for m in re.finditer(rb"(\$\w+)\s*=\s*\x01%d\x01" % idx, ctx.code):
            var = re.escape(m.group(1))
            sent = rb"curlopt_postfields\s*,\s*%s\b|(?<![\w$>:])f(?:puts|write)\s*\([^;]{0,200}%s\b"
            if re.search(sent % (var, var), ctx.code, re.IGNORECASE) is not None:
                return True
    return False


_APPEND_RHS = tight(rb"\s*\.=([^;]{0,200})")


def _visitor_sender(ctx: Ctx, args: bytes) -> bool:
    """The headers of the mail() call hold request input (``From: $email`` with ``$email``
    posted): the visitor is the sender, as in a contact form to the site owner. What a script
    sends its owner of its own accord (a beacon of the server's data) has no such sender."""
    parts = top_args(args)
    if len(parts) < 4:
        return False
    headers = interpolated(ctx, parts[3])
    held = VAR.fullmatch(headers.strip())
    if held is not None:  # the headers built before: $headers = "From: " . $email;
        sites = var_assigns(ctx.code, held.group(1), TAIL_RHS, 10)
        sites += var_assigns(ctx.code, held.group(1), _APPEND_RHS, 10)  # $headers .= ...
        headers += b" ".join(interpolated(ctx, m.group(1)) for _, m in sites)
    if UIN_RE.search(headers) is not None:
        return True
    req, _dec = taint(ctx)
    named = set(VAR.findall(headers))
    if held is not None:
        named.discard(held.group(1))
    if req.intersection(named):
        return True
    # a header variable the script never sets (Reply-To: $email, no $email = ...): the
    # visitor's by register_globals, or a form field the author forgot to read; either
    # way the form means the visitor as sender
    return bool(never_set(ctx, sorted(named)[:6]))


_CLASS_DEF = tight(rb"(?:^|[\s;{}])(?:class|trait)\s+[a-z_\x80-\xff]")


@feature("smtp_script")
def _smtp_script(ctx: Ctx, rule: Rule) -> Hit | None:
    """Raw SMTP spoken by a plain script (no class) that loops: a spam sender, not a mail
    library (PHPMailer's SMTP class and its kind are classes)."""
    pos = _smtp(ctx)
    if pos < 0 or _CLASS_DEF.search(ctx.code) or not bounded_search(_LOOP, ctx.code, ctx.first):
        return None
    if _in_function(ctx.code, pos) and not _recipients_given(ctx):
        return None  # a mail helper (sendmail($to, ...)): what it sends is its caller's
    if not _loop_talks(ctx):
        return None  # one session: a test page that only loops to read the server's answers
    return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))


# what opens a connection or writes to one
_TALK = tight(
    rb"(?<![\w$>:])(?:fsockopen|pfsockopen|stream_socket_client|socket_create|socket_connect|"
    rb"fwrite|fputs|socket_write|socket_send|stream_socket_sendto)\s*\("
)
# a loop's head (its body follows the ")") or a do-while's "do" (its body follows)
_LOOP_START = tight(rb"(?<![\w$>:])(?:(?:foreach|while|for)\s*\(|do\s*\{)")


def _loop_talks(ctx: Ctx) -> bool:
    """A loop of the file (its braced body, or the one statement it runs) opens or writes to
    a connection, itself or through a function of the file that does (``foreach ($list as
    $to) { send($to); }``): sessions, or letters, one after another. A test page that speaks
    one session loops only to read the server's answers (``while ($line = fgets($s))``)."""
    code = ctx.code
    talkers = {
        name for name, body in function_bodies(ctx).items() if _TALK.search(body) is not None
    }
    for _round in range(3):  # helpers of helpers: send_all() calls send_one()
        more = {
            name
            for name, body in function_bodies(ctx).items()
            if name not in talkers and any(_calls_named(body, t) for t in talkers)
        }
        if not more:
            break
        talkers |= more
    for m in itertools.islice(_LOOP_START.finditer(code), 200):
        if code[m.end() - 1] == 123:  # do { ... } while (...)
            body = braced(code, m.end() - 1)
        else:
            head_end = m.end() + close_paren(code[m.end() : m.end() + 600])
            rest = code[head_end + 1 : head_end + 8001]
            stripped = rest.lstrip()
            if stripped[:1] == b"{":
                body = braced(code, head_end + 1 + len(rest) - len(stripped))
            else:
                body = stripped[: stripped.find(b";") + 1]  # one statement (or none: ";")
        if _TALK.search(body) is not None or any(_calls_named(body, t) for t in talkers):
            return True
    return False


def _calls_named(text: bytes, name: bytes) -> bool:
    """``text`` calls the function ``name`` (not a method or a variable of that name)."""
    at = find(text, name)
    while at >= 0:
        before = text[at - 1 : at] if at else b""
        after = text[at + len(name) : at + len(name) + 40].lstrip()
        if (before == b"" or not (before.isalnum() or before in b"_$>:\\")) and (
            after[:1] == b"("
        ):
            return True
        at = find(text, name, at + 1)
    return False


_FUNCTION_HEAD = tight(rb"(?:^|[\s;{}])function\s+&?\s*" + NAME_P + rb"\s*\(")


def _in_function(code: bytes, pos: int) -> bool:
    """Offset ``pos`` of the lexed code lies inside the body of a named function (braces in
    literals are placeholders there, so counting them is safe)."""
    last = None
    for m in itertools.islice(_FUNCTION_HEAD.finditer(code, 0, pos), 200):
        last = m
    if last is None:
        return False
    body = find(code, b"{", last.end(), pos)
    if body < 0:
        return False
    return code.count(b"{", body, pos) > code.count(b"}", body, pos)


def _recipients_given(ctx: Ctx) -> bool:
    """Something outside the code names what is sent: request input, a list file read with
    file(), or the command line (``$argv``). An SMTP function with none of them sends what
    the site's own code passes it."""
    if request_input_in_code(ctx) or has_word(ctx, b"$argv"):
        return True
    return bool(calls_to(ctx, (b"file",), 1))


_DNS_RECORD_VAR = tight(rb"\$(" + NAME_P + rb")\s*=\s*@?\s*dns_get_record\s*\(")


@feature("direct_mx")
def _direct_mx(ctx: Ctx, rule: Rule) -> Hit | None:
    """The MX hosts found with getmxrr() or dns_get_record() are where the SMTP socket goes
    (``getmxrr($domain, $mx); fsockopen($mx[0], 25)``), in a file that speaks SMTP: mail
    delivered straight to the recipients' servers, past the MTA. An address check
    (checkdnsrr, or getmxrr to validate a domain) next to an ordinary SMTP client is not."""
    if _smtp(ctx) < 0:
        return None
    code = ctx.code
    hosts: set[bytes] = set()
    for _start, args in calls_to(ctx, (b"getmxrr",), 20):
        parts = top_args(args)
        if len(parts) >= 2:
            hosts.update(VAR.findall(parts[1]))
    hosts.update(m.group(1) for m in itertools.islice(_DNS_RECORD_VAR.finditer(code), 20))
    if not hosts:
        return None
    for _round in range(2):  # copies and loops: $host = $mx[0]; foreach ($mx as $host)
        if len(hosts) > 40:
            break  # bounded: the names make one alternation
        names = b"|".join(re.escape(h) for h in sorted(hosts))
        copy = re.compile(
            rb"(?:\$(" + NAME_P + rb")\s*=\s*[^;=]{0,80}?\$(?:" + names + rb")\b|"
            rb"foreach\s*\(\s*\$(?:" + names + rb")\s+as\s+(?:\$" + NAME_P + rb"\s*=>\s*)?"
            rb"\$(" + NAME_P + rb"))"
        )
        hosts.update(g for m in copy.finditer(code) for g in m.groups() if g)
    for start, args in calls_to(ctx, SOCKET_CALLS, 20):
        parts = top_args(args)
        target = (
            parts[1] if code.startswith(b"socket_connect", start) and len(parts) > 1 else parts[0]
        )
        if hosts.intersection(VAR.findall(target)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


@feature("smtp_request")
def _smtp_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A raw SMTP client that writes request input to its socket (recipients, sender or the
    letter come from the form): a mailer driven from the web. A file that merely reads a
    query parameter somewhere else is not counted."""
    if _smtp(ctx) < 0 or not request_input_in_code(ctx):
        return None
    req, _dec = taint(ctx)
    for start, args in calls_to(ctx, SOCKET_WRITES, 50):
        text = interpolated(ctx, args)
        if UIN_RE.search(text) or req.intersection(VAR.findall(text)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# a value kept in a variable or a property: ``$v = ...``, ``$this->p = ...``, ``$this->p[] = ...``
_HOLDER = tight(rb"(\$this->\w+|\$\w+)")
_ITEM_RHS = tight(rb"\s*(?:\[[^\]]{0,40}\]\s*)?=(?![=>])([^;]{1,200})")
_LOOP_ITEM = tight(
    rb"foreach\s*\(([^;{}]{1,120}?)\s+as\s+(?:\$\w+\s*=>\s*)?&?(\$(?:this->)?\w+)\s*\)"
)
_FUNC_PARAMS = tight(rb"function\s+&?\s*(" + NAME_P + rb")\s*\(([^)]{0,300})\)")
_CLASS = tight(rb"class\s+(" + NAME_P + rb")")
_NEW = tight(rb"new\s+(" + NAME_P + rb")\s*\(")


def _feeds(ctx: Ctx, holder: bytes) -> list[bytes]:
    """The expressions ``holder`` (``$v`` or ``$this->p``) is given in the code: assigned
    (``= rhs``, ``[] = rhs``) or taken as the item of a loop (``foreach (rhs as $v)``)."""
    code = ctx.code
    out = [m.group(1) for _, m in var_assigns(code, holder[1:], _ITEM_RHS, 6)]
    loops: list[tuple[bytes, bytes]] | None = ctx.cache.get("foreach-as")
    if loops is None:
        found = itertools.islice(_LOOP_ITEM.finditer(code), 100)
        loops = [(m.group(2), m.group(1)) for m in found]
        ctx.cache["foreach-as"] = loops
    out.extend(rhs for item, rhs in loops if item == holder)
    return out


def _recipient_params(ctx: Ctx, rcpt_args: bytes) -> set[bytes]:
    """Names of variables the recipient written after RCPT TO comes from, followed back
    through assignments, properties and loops (``foreach ($this->to as $t)``, ``$this->to =
    explode(',', $to)``) for a few steps: what a caller passes in, if it is a parameter."""
    seen: set[bytes] = set()
    todo = [h.group(1) for h in _HOLDER.finditer(rcpt_args)]
    steps = 0
    while todo and steps < 12:
        steps += 1
        holder = todo.pop()
        if holder in seen:
            continue
        seen.add(holder)
        for rhs in _feeds(ctx, holder):
            todo.extend(h.group(1) for h in _HOLDER.finditer(rhs))
    return {h[1:] for h in seen if not h.startswith(b"$this->")}


def _request_passed(ctx: Ctx, req: set[bytes], name: bytes, index: int, method: bool) -> bool:
    """A call of the file's own function ``name`` (``new name(...)`` for a class whose
    constructor it is, ``->name(...)`` for a method) is given request input at ``index``,
    and in another argument too: the visitor writes the text as well as naming who gets it.
    A confirmation sent to the address typed carries the script's own words (as
    :func:`_owner_content` for mail()). Remembered per file: a file of many functions asks
    the same question for each RCPT write, and each answer searches the whole file."""
    known: dict[tuple[bytes, int, bool], bool] = ctx.cache.setdefault("request-passed", {})
    got = known.get((name, index, method))
    if got is None:
        got = known[(name, index, method)] = _request_passed_at(ctx, req, name, index, method)
    return got


def _request_passed_at(ctx: Ctx, req: set[bytes], name: bytes, index: int, method: bool) -> bool:
    code = ctx.code
    if method:
        news: list[tuple[bytes, int]] | None = ctx.cache.get("new-class")
        if news is None:
            news = [(m.group(1), m.end()) for m in itertools.islice(_NEW.finditer(code), 40)]
            ctx.cache["new-class"] = news
        sites = [end for called, end in news if called == name]
    else:
        sites = [start + len(name) for start, _args in calls_to(ctx, (name,), 10)]
        methods: list[tuple[bytes, int]] | None = ctx.cache.get("method-calls")
        if methods is None:
            found = itertools.islice(_METHOD_CALL.finditer(code), 40)
            methods = [(m.group(1), m.end()) for m in found]
            ctx.cache["method-calls"] = methods
        sites += [end for called, end in methods if called == name]
    for at in sites[:10]:
        tail = code[find(code, b"(", at - 1) + 1 : at + 4000]
        parts = top_args(tail[: close_paren(tail)])
        if index < len(parts) and all(
            UIN_RE.search(arg) is not None or req.intersection(VAR.findall(arg))
            for arg in (
                interpolated(ctx, parts[index]),
                interpolated(ctx, b" , ".join(parts[:index] + parts[index + 1 :])),
            )
        ):
            return True
    return False


_METHOD_CALL = tight(rb"->\s*(" + NAME_P + rb")\s*\(")


_RCPT = tight(rb"rcpt\s+to")


@feature("smtp_relay_request")
def _smtp_relay_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """An open relay: a raw SMTP client of the file's own (a function or a class) whose
    RCPT TO recipient is a parameter, called with request input there (``new SMTPClient(...,
    $_POST['to'], ...)``): the visitor names who gets the mail. A contact form sends to the
    site's own address; an SMTP library takes its recipients from the code that uses it."""
    if _smtp(ctx) < 0 or not request_input_in_code(ctx):
        return None
    code = ctx.code
    value = ctx.lx.value
    req, _dec = taint(ctx)
    # the file's functions, each parameter with the function (or class) it is passed to
    params_of: list[tuple[bytes, int, bytes, bool]] = []
    classes = [(c.start(), c.group(1)) for c in itertools.islice(_CLASS.finditer(code), 50)]
    for f in itertools.islice(_FUNC_PARAMS.finditer(code), 200):
        params = [p.strip().lstrip(b"&").split(b"=")[0].strip() for p in top_args(f.group(2))]
        owner = [c for pos, c in classes if pos < f.start()]
        fname = f.group(1)
        method = fname == b"__construct" or (bool(owner) and fname == owner[-1])
        callee = owner[-1] if method and owner else fname
        for i, p in enumerate(params):
            v = VAR.fullmatch(p.split()[-1]) if p else None
            if v is not None:
                params_of.append((v.group(1), i, callee, method))
    for start, args in calls_to(ctx, SOCKET_WRITES, 50):
        lits = (value(int(q.group(1))).lower() for q in PLACEHOLDER.finditer(args))
        if not any(_RCPT.search(lit) for lit in lits):
            continue
        names = _recipient_params(ctx, interpolated(ctx, b",".join(top_args(args)[1:])))
        for var, i, callee, method in params_of:
            if var in names and _request_passed(ctx, req, callee, i, method):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_LOOP = tight(rb"(?:foreach|for|while)\s*\(")


_SPLIT = tight(rb"(?:explode\s*\(\s*\x01(\d+)\x01|preg_split\s*\(|file\s*\(|split\s*\()")


_BCC = tight(rb"(?:^|[\r\n]|\\[rn])\s*bcc\s*:\s*$", re.IGNORECASE)


@feature("bcc_request")
def _bcc_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """mail() headers with a ``Bcc:`` line whose addresses come from request input (the
    posted list, or a variable built from it): one call sends to any number of recipients
    the visitor names (bulk mailer). A contact form's Bcc goes to a fixed address."""
    if not has_request_words(ctx):
        return None
    req: set[bytes] | None = None
    value = ctx.lx.value
    for start, args in calls_to(ctx, SINK_NAMES["mail"], 50):
        parts = top_args(args)
        if len(parts) < 4:
            continue
        texts = [parts[3]]
        held = VAR.fullmatch(parts[3].strip())
        if held is not None:  # the headers built before: $headers = "From: ...\r\nBcc: " . $list;
            assigns = var_assigns(ctx.code, held.group(1), TAIL_RHS, 10)
            texts.extend(expression(am.group(1)) for _, am in assigns)
        for headers in texts:
            lits = list(PLACEHOLDER.finditer(headers))
            for i, lit in enumerate(lits):
                if _BCC.search(value(int(lit.group(1)))) is None:
                    continue
                # what follows the "Bcc:" literal, up to the next literal
                tail = headers[lit.end() : lits[i + 1].start() if i + 1 < len(lits) else None]
                if req is None:
                    req = taint(ctx)[0]
                if REQ_RE.search(tail) or set(VAR.findall(tail)) & req:
                    return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    return None


@feature("mail_loop")
def _mail_loop(ctx: Ctx, rule: Rule) -> Hit | None:
    code = ctx.code
    if not has_word(ctx, b"mail"):
        return None
    calls = calls_to(ctx, SINK_NAMES["mail"], 1)  # mail(), mb_send_mail(), imap_mail()
    if not calls or not request_input_in_code(ctx) or not bounded_search(_LOOP, code, ctx.first):
        return None
    start = calls[0][0]
    if site_session_gated(ctx, start):
        return None  # a member's invitations, behind the site's own sign-in
    for s in bounded_finditer(_SPLIT, code, 200, first=ctx.first):
        if s.group(1) is not None:
            sep = ctx.lx.value(int(s.group(1)))
            if sep not in (b"\n", b"\r\n", b",", b";", b"|", b"\r"):
                continue
        if _site_list(ctx, _split_subject(code, s)):
            continue  # a list the site keeps (file(__DIR__ . '/subscribers.txt'))
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, find(code, b"(", start) + 81))
    return None


# a path the script writes whole: literals, __DIR__/__FILE__, dirname() of them and constants
# joined by "."
_PATH_PIECE = rb"(?:\x01\d+\x01|__dir__|__file__|dirname\s*\(\s*__file__\s*\)|[a-z_]\w*(?!\s*\())"
_FIXED_PATH = tight(_PATH_PIECE + rb"(?:\s*\.\s*" + _PATH_PIECE + rb")*")
# a variable set to the text of such a file: $text = file_get_contents(__DIR__ . '/list.txt');
_READ_OF = tight(rb"\s*@?\s*(?:trim\s*\(\s*)?file_get_contents\s*\(")


def _site_list(ctx: Ctx, listed: bytes) -> bool:
    """``listed`` (what a list-splitting call splits) is a list the site keeps: a file read
    from a path the script writes whole, on this server (``file(__DIR__ . '/data/list.txt')``,
    or a variable set only to ``file_get_contents()`` of one), not a web address."""
    text = listed.strip()
    held = VAR.fullmatch(text)
    if held is not None and held.group(1) != b"this":
        given = var_assigns(ctx.code, held.group(1), TAIL_RHS, 4)
        if not given:
            return False
        for _, a in given:
            m = _READ_OF.match(a.group(1))
            if m is None or not _fixed_local_path(ctx, first_arg(a.group(1)[m.end() :])):
                return False
        return True
    return _fixed_local_path(ctx, text)


def _fixed_local_path(ctx: Ctx, path: bytes) -> bool:
    """``path`` is written whole by the script and names no web address."""
    path = path.strip()
    if not path or _FIXED_PATH.fullmatch(path) is None:
        return False
    return not any(
        b"://" in ctx.lx.value(int(q.group(1)))
        for q in itertools.islice(PLACEHOLDER.finditer(path), 8)
    )


def _split_subject(code: bytes, split: re.Match[bytes]) -> bytes:
    """What the list-splitting call ``split`` (a match of _SPLIT) splits: the text after
    explode()'s separator, preg_split()'s or split()'s second argument, the path file()
    reads. A bulk sender splits the addresses the visitor pasted or uploaded
    (``explode("\\n", $_POST['emails'])``, ``file($_FILES['list']['tmp_name'])``); a
    newsletter reads the site's own list."""
    rest = code[split.end() : split.end() + 2000]
    if split.group(1) is not None:  # explode("\\n", ...): after the separator
        rest = rest.lstrip()
        return first_arg(rest[1:]) if rest[:1] == b"," else b""
    if split.group().startswith(b"file"):
        return first_arg(rest)
    parts = top_args(rest)
    return parts[1] if len(parts) > 1 else b""


# a counted loop: for ($i = 0; $i < 10; $i++) {
_COUNTED_FOR = tight(
    rb"\bfor\s*\(\s*\$(\w+)\s*=\s*\d+\s*;\s*\$\1\s*<=?\s*(?:\d+|\$\w+)\s*;\s*"
    rb"(?:\$\1\s*(?:\+\+|\+=\s*1)|\+\+\s*\$\1)\s*\)\s*\{"
)
_LOOP_EXIT = tight(rb"\b(?:break|return|exit|die|continue|goto)\b")
_INDEXED_BY_VAR = tight(rb"\[\s*\$")


def _set_in(body: bytes, var: bytes) -> bool:
    """``$var`` is assigned, appended to or indexed into in ``body``."""
    return re.search(rb"\$" + re.escape(var) + rb"\s*(?:\.?=(?!=)|\[)", body) is not None


@feature("mail_bomb")
def _mail_bomb(ctx: Ctx, rule: Rule) -> Hit | None:
    """mail() called again and again in a counted loop (``for ($i = 0; $i < 10; $i++)``) to
    one address the visitor gives, the recipient the same at every turn: a mail bomb. A
    bulk sender's loop walks a list (mailer.mail-loop-request); a retry stops once sent
    (a break, return or exit in the loop)."""
    code = ctx.code
    if ctx.first(b"for") < 0 or not request_input_in_code(ctx):
        return None
    calls = calls_to(ctx, SINK_NAMES["mail"], 20)
    if not calls:
        return None
    req: set[bytes] | None = None
    for m in itertools.islice(prefiltered_finditer(_COUNTED_FOR, code, ctx.first), 20):
        body = braced(code, m.end() - 1)
        if _LOOP_EXIT.search(body) is not None:
            continue
        start, end = m.end() - 1, m.end() - 1 + len(body)
        for at, args in calls:
            if not start < at < end:
                continue
            rcpt = first_arg(args).strip()
            used = {v for v in VAR.findall(rcpt) if not v.startswith(b"_")}
            if m.group(1) in used or _INDEXED_BY_VAR.search(rcpt) is not None:
                continue  # $list[$i], f($i): a different address each turn
            # an address set in the loop changes with it
            if any(_set_in(body, v) for v in used):
                continue
            if req is None:
                req = taint(ctx)[0]
            held = VAR.fullmatch(rcpt)
            if UIN_RE.match(rcpt) or (held is not None and held.group(1) in req):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), at + 80))
    return None


# the head of a loop whose condition may never be false: while (...) / for (...;...;...) /
# do {...} while (...); (the condition or the do's body is read after the match)
_ENDLESS_HEAD = tight(rb"\b(?:(while)|(for))\s*\(|\b(do)\s*\{")
_DO_TAIL = tight(rb"\s*while\s*\(")
# the tokens of a condition made of constants only: 1, true, 5 === 5, !0, (1 == 1) && true
_CONST_TOKEN = tight(
    rb"\s*(?:(\d+)|(true|false)|(===|!==|==|!=|<>|<=|>=|<|>)|(&&|\|\||\band\b|\bor\b)|(!)|([()]))"
)
# a pause long enough that the loop is a heartbeat, not a flood: sleep(60) or more
_LONG_SLEEP = tight(rb"\b(?:(sleep)\s*\(\s*(\d+)|(usleep)\s*\(\s*(\d+))\s*\)")
# something that runs only on some turns: a branch or a short-circuit before the call
_BRANCH_WORD = tight(rb"\b(?:else|case|default)\b|\?|&&|\|\||\b(?:and|or|xor)\b")
_NESTED_HEAD = tight(rb"\b(?:if|elseif|while|for|foreach|switch)\s*\(")
_ENDLESS_EXIT = tight(rb"\b(?:break|return|exit|die|continue|goto|throw)\b")
_CALL_WITH_VAR = tight(rb"[\w\x80-\xff]\s*\([^)]*\$")


def _constant_truth(cond: bytes) -> bool | None:
    """The value of a loop condition made of integer and boolean constants only (``true``,
    ``1``, ``5 === 5``, ``!0``, ``1 == 1 && true``; none: always true), None when it holds
    anything else (a variable, a call, a literal string)."""
    if not cond.strip():
        return True  # for (;;)
    out: list[str] = []
    pos = 0
    while pos < len(cond):
        if not cond[pos:].strip():
            break
        m = _CONST_TOKEN.match(cond, pos)
        if m is None or m.end() == pos:
            return None
        num, boolean, cmp, logic, neg, paren = m.groups()
        if num is not None:
            out.append(str(int(num)) if len(num) <= 18 else "1")
        elif boolean is not None:
            out.append("True" if boolean == b"true" else "False")
        elif cmp is not None:
            out.append({b"===": "==", b"!==": "!=", b"<>": "!="}.get(cmp, cmp.decode()))
        elif logic is not None:
            out.append(" and " if logic in (b"&&", b"and") else " or ")
        elif neg is not None:
            out.append(" not ")
        else:
            out.append(paren.decode())
        pos = m.end()
        if len(out) > 40:
            return None
    return _truth_of(" ".join(out).strip())


def _truth_of(text: str) -> bool | None:
    """Evaluate a Python expression of int/bool constants, not, and/or and comparisons by
    walking its syntax tree (nothing is executed); None if it is anything else."""
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError):
        return None

    def value(node: ast.AST) -> int | bool | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, bool)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            v = value(node.operand)
            return None if v is None else not v
        if isinstance(node, ast.BoolOp):
            vals = [value(v) for v in node.values]
            if any(v is None for v in vals):
                return None
            return all(vals) if isinstance(node.op, ast.And) else any(vals)
        if isinstance(node, ast.Compare):
            left = value(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = value(right_node)
                if left is None or right is None:
                    return None
                ok = {
                    ast.Eq: left == right, ast.NotEq: left != right, ast.Lt: left < right,
                    ast.LtE: left <= right, ast.Gt: left > right, ast.GtE: left >= right,
                }.get(type(op))  # fmt: skip
                if not ok:
                    return False if ok is not None else None
                left = right
            return True
        return None

    v = value(tree.body)
    return None if v is None else bool(v)


def _endless_loops(
    code: bytes, first: Callable[[bytes], int]
) -> list[tuple[int, int, int]]:
    """(head, body start, body end) of the loops in ``code`` whose condition is a constant
    that is true (``while (true)``, ``for (;;)``, ``do {...} while (1);``): they end only
    through a break, return, exit or goto in their body."""
    out: list[tuple[int, int, int]] = []
    for m in itertools.islice(bounded_finditer(_ENDLESS_HEAD, code, 400, first=first), 200):
        if m.group(3):  # do { ... } while (cond);
            open_at = m.end() - 1
            body = braced(code, open_at)
            tail = _DO_TAIL.match(code, open_at + len(body))
            if tail is None:
                continue
            cond = code[tail.end() : tail.end() + close_paren(code[tail.end() : tail.end() + 400])]
        else:
            inside = code[m.end() : m.end() + close_paren(code[m.end() : m.end() + 400])]
            if m.group(2):  # for (init; cond; step)
                parts = inside.split(b";")
                if len(parts) != 3:
                    continue
                cond = parts[1]
            else:
                cond = inside
            after = m.end() + len(inside) + 1
            while after < len(code) and code[after : after + 1].isspace():
                after += 1
            if code[after : after + 1] == b"{":
                open_at = after
                body = braced(code, open_at)
            else:  # while (true) mail(...);  one statement
                open_at = after
                stop = find(code, b";", after, after + 2000)
                body = code[after : stop + 1] if stop >= 0 else b""
        if body and _constant_truth(cond) is True:
            out.append((m.start(), open_at, open_at + len(body)))
    return out


def _every_turn(body: bytes, rel: int) -> bool:
    """The call at ``rel`` in a loop's body runs on every turn: not inside a block of its
    own (an if, an inner loop, a function), nor after a branch or a short-circuit in its
    statement (``if (...) mail(...)``, ``$down && mail(...)``); inside an if's condition
    (``if (mail(...))``) it runs every turn too."""
    braced_body = body[:1] == b"{"
    inner = body[1 if braced_body else 0 : rel]
    if braced_body and inner.count(b"{") != inner.count(b"}"):
        return False
    cut = max(inner.rfind(b";"), inner.rfind(b"{"), inner.rfind(b"}"))
    prefix = inner[cut + 1 :]
    if _BRANCH_WORD.search(prefix) is not None:
        return False
    for h in _NESTED_HEAD.finditer(prefix):
        if h.end() + close_paren(prefix[h.end() :]) < len(prefix):
            return False  # the call is the if's (or the inner loop's) statement
    return True


def _long_pause(body: bytes) -> bool:
    """The loop sleeps a minute or more at a turn: a heartbeat or a poll, not a flood."""
    for p in _LONG_SLEEP.finditer(body):
        seconds = int(p.group(2)[:12]) if p.group(1) else int(p.group(4)[:15]) // 1_000_000
        if seconds >= 60:
            return True
    return False


@feature("mail_endless_loop")
def _mail_endless_loop(ctx: Ctx, rule: Rule) -> Hit | None:
    """mail() in a loop that never ends (``while (true)``, ``while (5 === 5)``, ``for
    (;;)``, ``do {...} while (1)``, no break, return, exit or goto in it) sent on every turn
    to the same recipient, with no pause of a minute or more: it mails one mailbox until the
    server stops the script, a mail bomb, whoever names the address. A queue worker takes a
    new recipient at each turn; a watchdog mails only when its check fails; a retry loop
    breaks once sent; a heartbeat sleeps between its letters."""
    code = ctx.code
    calls = calls_to(ctx, SINK_NAMES["mail"], 20)
    if not calls:
        return None
    for head, start, end in _endless_loops(code, ctx.first):
        body = code[start:end]
        if _ENDLESS_EXIT.search(body) is not None or _long_pause(body):
            continue
        for at, args in calls:
            if not start <= at < end or not _every_turn(body, at - start):
                continue
            rcpt = first_arg(args).strip()
            used = {v for v in VAR.findall(rcpt) if not v.startswith(b"_")}
            if _INDEXED_BY_VAR.search(rcpt) or _CALL_WITH_VAR.search(rcpt):
                continue  # $list[$i], array_shift($list): another address each turn
            if any(_set_in(body, v) for v in used):
                continue  # an address set in the loop changes with it
            return Hit(ctx.line_of_code(head), ctx.excerpt_code(head, at + 80))
    return None


# the recipient methods of PHPMailer / SwiftMailer, on an object named for mail
_RECIPIENT_METHOD = tight(
    rb"\$[\w\x80-\xff]*(?:mail|msg|message)[\w\x80-\xff]*\s*->\s*"
    rb"(?:addaddress|addbcc|addcc|setto|setbcc|addto)\s*\(([^;]{0,200})"
)


# PHPMailer's recipient methods on an object of any name that the file makes a PHPMailer
_PHPMAILER_RECIPIENT = tight(
    rb"\$([\w\x80-\xff]+)\s*->\s*(?:addaddress|addbcc|addcc)\s*\(([^;]{0,200})"
)


_RECIPIENT_METHODS = (b"addaddress", b"addbcc", b"addcc", b"setto", b"setbcc", b"addto")


_NEW_PHPMAILER = tight(rb"\$(\w+)\s*=\s*new\s+(?:\\?\w+\\)*phpmailer\b")


def _recipient_sites(ctx: Ctx) -> list[tuple[int, bytes]]:
    """(offset, first argument) of the mail() calls and of the recipient methods of mailer
    objects (PHPMailer, SwiftMailer) in the code (a copy: two rules ask)."""
    return list(_recipient_sites_once(ctx))


@per_file("recipient-sites")
def _recipient_sites_once(ctx: Ctx) -> list[tuple[int, bytes]]:
    code = ctx.code
    sites = [(start, first_arg(args)) for start, args in calls_to(ctx, SINK_NAMES["mail"], 50)]
    # every recipient method call holds one of their names (the pattern starts at any "$")
    if b"->" in code and has_any(ctx, _RECIPIENT_METHODS):
        found = itertools.islice(_RECIPIENT_METHOD.finditer(code), 200)
        sites.extend((m.start(), first_arg(m.group(1))) for m in found)
        made = {m.group(1) for m in _NEW_PHPMAILER.finditer(code)} if b"phpmailer" in code else ()
        if made:
            for m in itertools.islice(_PHPMAILER_RECIPIENT.finditer(code), 200):
                if m.group(1) in made and not any(start == m.start() for start, _ in sites):
                    sites.append((m.start(), first_arg(m.group(2))))
    # a mail framework's message (Laravel's Mail::, Symfony's Email, SwiftMailer): its
    # ->to()/->cc()/->bcc() in a file that makes one
    if b"->" in code and any(find(code, w) >= 0 for w in _MAIL_FRAMEWORK_WORDS):
        for m in itertools.islice(_FRAMEWORK_RECIPIENT.finditer(code), 200):
            if not any(start == m.start() for start, _ in sites):
                sites.append((m.start(), first_arg(m.group(1))))
    return sites


# a mail framework's message made in the file: Mail::to(), new Email(), new Swift_Message(
_MAIL_FRAMEWORK_WORDS = (b"mail::", b"email(", b"swift_message(", b"templatedemail(")
_FRAMEWORK_RECIPIENT = tight(rb"->\s*(?:to|cc|bcc)\s*\(([^;]{0,200})")


# "$to = $_POST['to'] . '@example.com'": the visitor picks a mailbox of a fixed domain
_FIXED_DOMAIN = tight(rb"\.\s*\x01(\d+)\x01\s*;")


# "{$to}" in a double-quoted string: the variable
_BRACED_VAR = tight(rb"^\{(\$[^{}]{1,80})\}")


_WRAPPED_REQ = tight(
    rb"[\s@]*(?:\(\s*string\s*\)\s*)?(?:(?:" + KEEP + rb"|filter_var|sanitize_email)\s*\(\s*)*"
)


def _fixed_domain(ctx: Ctx, var: bytes) -> bool:
    """Whether ``$var`` is assigned a value that ends with a literal "@domain"."""
    for m in re.finditer(rb"\$" + re.escape(var) + rb"\s*=(?!=)[^;]{0,200};", ctx.code):
        tail = _FIXED_DOMAIN.search(m.group())
        if tail is not None and ctx.lx.value(int(tail.group(1))).startswith(b"@"):
            return True
    return False


@feature("mail_request_args")
def _mail_request_args(ctx: Ctx, rule: Rule) -> Hit | None:
    """Request input written straight into the recipients, subject or headers of mail()
    (``mail($_POST['to'], ...)``, ``'From: ' . $_POST['from']``): an open relay or header
    injection. The message (third argument) is left out: a contact form mails the visitor's
    text to the owner by design; so is an address in the headers that the script checked
    with ``filter_var(..., FILTER_VALIDATE_EMAIL)`` (no line break gets through: the
    visitor's Reply-To)."""
    assert rule.regex is not None
    for start, args in calls_to(ctx, SINK_NAMES["mail"], 50):
        parts = top_args(args[:_MAIL_ARGS_MAX])
        if owner_subject(ctx, parts, start):
            # a subject to the site's own fixed address: mail() turns its line breaks into
            # spaces, and the mail reaches the owner only (a contact form's subject field)
            parts = [parts[0], b"", *parts[2:]]
        if len(parts) < 4:
            found = rule.regex.search(mail_envelope(b",".join(parts))) is not None
        else:  # the headers apart: an address the script validated is safe there
            found = rule.regex.search(b",".join(parts[:2] + parts[4:])) is not None or (
                rule.regex.search(parts[3]) is not None and not email_safe(ctx, parts[3], start)
            )
        if found:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_MAIL_ARGS_MAX = 300  # argument text read per call, as the regex rule before this read


@feature("relay_recipient")
def _relay_recipient(ctx: Ctx, rule: Rule) -> Hit | None:
    """The recipient of a mail comes from request input through a variable
    (``$to = $_POST['to']; mail($to, ...)``) or is given to a mailer object
    (``$mail->addAddress($_POST['to'])`` with PHPMailer, SwiftMailer's ``setTo``): whoever
    sends the request chooses who gets mail from this server. Contact forms send to a fixed
    address; only the reply address may come from the visitor."""
    sites = _recipient_sites(ctx)
    if not sites:
        return None  # no recipient given anywhere: the taint pass is not needed
    req, _dec = taint(ctx)
    looped: set[bytes] | None = None
    for start, arg in sites:
        head = arg[_WRAPPED_REQ.match(arg).end() :]  # type: ignore[union-attr]
        if PLACEHOLDER.fullmatch(head.strip()):  # mail("$to", ...): the variable it holds
            head = _BRACED_VAR.sub(rb"\1", interpolated(ctx, head).strip())
        var = VAR.match(head)
        tainted = var is not None and var.group(1) in req and not _fixed_domain(ctx, var.group(1))
        if not tainted and var is not None:
            if looped is None:
                looped = _request_loop_vars(ctx, req | ctx.cache["direct"])
            tainted = var.group(1) in looped
        if not (tainted or UIN_RE.match(head) or getenv_header(ctx, head)):
            continue
        if _owner_content(ctx, start, req, var.group(1) if var is not None else b""):
            continue  # the visitor picks only who gets the owner's own text: no relay
        if _copy_to_sender(ctx, start, req, var.group(1) if var is not None else b""):
            continue  # a contact form's copy of the message to its sender: a hole, no relay
        if _own_account_sender(ctx):
            return None  # the owner's own signed-in mailbox sends, under its own name
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# a mailer object's SMTP sign-in and sender: ->Username = ..., ->Password = ..., ->From = ...,
# ->SMTPAuth = ...; ->setFrom(first argument
_OBJECT_LOGIN = tight(rb"->\s*(username|password|smtpauth|from)\s*=(?![=>])\s*([^;]{1,200})")
_OBJECT_SET_FROM = tight(rb"->\s*setfrom\s*\(\s*([^,;)]{1,120})")


def _own_account_sender(ctx: Ctx) -> bool:
    """The file's mailer object signs in to an SMTP server (``->SMTPAuth = true``) with a
    user name and password of its own (literals, constants or variables only ever set to
    literals) and sends from that same account (``->setFrom($mail->Username)``, the
    variable or constant the user name was set from): the mail leaves as the owner's own
    mailbox, through its provider's sign-in and sending limits, under its own name (a
    newsletter or list page of the owner's). Not a sign-in the request or a list gives (a
    bulk mailer's SMTP fields), nor a sender that is anything else (a forged From)."""
    code = ctx.code
    if find(code, b"smtpauth") < 0 or find(code, b"username") < 0:
        return False
    sets: dict[bytes, list[bytes]] = {}
    for m in itertools.islice(_OBJECT_LOGIN.finditer(code), 40):
        sets.setdefault(m.group(1), []).append(m.group(2).strip())
    users, words, auth = sets.get(b"username", []), sets.get(b"password", []), sets.get(b"smtpauth")
    if not users or not words or not auth or any(a not in (b"true", b"1") for a in auth):
        return False
    if not all(fixed_recipient(ctx, v) for v in users + words):
        return False
    senders = [m.group(1).strip() for m in _OBJECT_SET_FROM.finditer(code)]
    senders += sets.get(b"from", [])
    own = set(users)
    return bool(senders) and all(s in own or _USERNAME_READ.fullmatch(s) for s in senders)


_USERNAME_READ = tight(rb"\$\w+\s*->\s*username")


# what a mailer object sends: PHPMailer's Subject/Body/AltBody, msgHTML(), SwiftMailer's
# setBody()/setSubject()
_OBJECT_CONTENT = tight(
    rb"->\s*(?:(?:subject|body|altbody)\s*(?:\.=|=(?!=))|(?:msghtml|setbody|setsubject)\s*\()"
    rb"([^;]{0,300})"
)


def _copy_to_sender(ctx: Ctx, start: int, req: set[bytes], recipient: bytes) -> bool:
    """Whether the mail() at ``start`` is a contact form's copy to the visitor: the file also
    mails its own fixed address, and this mail's subject and headers carry no request input
    (only the message repeats the visitor's text). Open to abuse as a relay (a hole:
    suspicious), but what it is built for is to answer a form, not to send for others."""
    if _probe_like(ctx):
        return False
    sites = calls_to(ctx, SINK_NAMES["mail"], 50)
    args = dict(sites).get(start)
    if args is None:
        return _object_copy_to_sender(ctx, start, req, recipient)
    if not any(s != start and fixed_recipient(ctx, first_arg(a)) for s, a in sites):
        return False
    parts = top_args(args[:_MAIL_ARGS_MAX])
    texts = parts[1:2] + parts[3:4]
    text = interpolated(ctx, b" , ".join(texts))
    if UIN_RE.search(text) is not None:
        return False
    names = set(VAR.findall(text)) - {recipient}
    return not names & (req | ctx.cache.get("direct", set()))


# a mailer object's own recipient calls, and what it sends as: $m->addCC('x@y'), $m->From = ...
_OBJECT_RECIPIENT = tight(rb"->\s*(?:addaddress|addcc|addbcc)\s*\(([^;]{0,200})")
_OBJECT_SENDS = tight(
    rb"->\s*(?:(?:subject|from|sender)\s*(?:\.=|=(?!=))|setfrom\s*\(|setsubject\s*\()([^;]{0,300})"
)


def _object_copy_to_sender(ctx: Ctx, start: int, req: set[bytes], recipient: bytes) -> bool:
    """The mailer-object form of :func:`_copy_to_sender`: the object whose recipient method
    is at ``start`` (``$mail->addAddress($email)``) is also given a fixed address of the
    file's own (``$mail->AddCC('sales@shop.example')``), and what it sends as, its subject
    and its sender's address (``->Subject``, ``->From``, ``setFrom()``'s first argument),
    carries no request input; the message and the display name (``->FromName``) may repeat
    the visitor's. A contact form that copies the owner on the confirmation it sends to the
    visitor: a hole (the visitor's text reaches any address), not a relay: a bulk mailer
    takes its subject and sender from the form and copies no fixed mailbox on every letter."""
    code = ctx.code
    held = VAR.match(code, start)
    if held is None:
        return False
    obj = b"$" + held.group(1)

    def own(m: re.Match[bytes]) -> bool:
        return code[max(0, m.start() - len(obj) - 4) : m.start()].rstrip().endswith(obj)

    fixed = False
    for m in itertools.islice(_OBJECT_RECIPIENT.finditer(code), 50):
        if m.start() != start + len(obj) and own(m) and fixed_recipient(ctx, first_arg(m.group(1))):
            fixed = True
            break
    if not fixed:
        return False
    sends = [
        first_arg(m.group(1)) for m in itertools.islice(_OBJECT_SENDS.finditer(code), 30) if own(m)
    ]
    if not sends:
        return False
    text = interpolated(ctx, b" , ".join(sends))
    if UIN_RE.search(text) is not None:
        return False
    names = set(VAR.findall(text)) - {recipient}
    return not names & (req | ctx.cache.get("direct", set()))


# what a probe reports to whoever dropped it: the system and the account it runs under
_RECON_CALLS = (b"php_uname", b"posix_getpwuid", b"getmyuid", b"get_current_user", b"posix_uname")


def _probe_like(ctx: Ctx) -> bool:
    """The file hides its errors (:func:`_hides_errors`) or reports the system it runs on
    (``php_uname()``, the account's id): a mail checker dropped to probe the server, not an
    admin's test page, which shows why a mail failed and has no use for the kernel's name."""
    return _hides_errors(ctx) or bool(calls_to(ctx, _RECON_CALLS, 1))


# a request read as a whole: $_POST['subject'], $_GET["m"]['x'], the raw body, a header
_WHOLE_REQ = tight(
    rb"(?:\$_(?:get|post|request|cookie)|\$http_(?:post|get)_vars)(?:\s*\[[^\]\[]{0,80}\])*"
    rb"|php://input|getenv\s*\(\s*\x01\d+\x01\s*\)"
)
# isset($_POST['m']) ? $_POST['m'] : '' / !empty(...) ? ... : ..., and $_POST['m'] ?? ''
_TERNARY_REQ = tight(
    rb"!?\s*(?:isset|empty)\s*\([^?]{0,120}\)\s*\?\s*([^?:]{1,200}?)\s*:[^?]*"
)
_COALESCE = tight(rb"([^?]{1,200}?)\s*\?\?[^?]*")
_WRAPPER = tight(rb"@?\s*([a-z_][a-z0-9_]*)\s*\(")
# functions whose text is not their first argument
_TEXT_ARG = {b"str_replace": 2, b"str_ireplace": 2, b"preg_replace": 2}
# escapes for a database connection
_SQL_ESCAPE = frozenset(
    (b"mysqli_real_escape_string", b"mysql_real_escape_string", b"pg_escape_string", b"esc_sql")
)


def _verbatim(ctx: Ctx, expr: bytes, req: set[bytes], depth: int = 0) -> bool:
    """Whether ``expr`` (a mail's subject or message) is the visitor's text as a whole: a
    request read, maybe passed through functions (``htmlspecialchars($_POST['m'])``), the
    element of request data (``$task['letter']``), or a variable only ever assigned such
    values. Text the script writes around it (``"Dear $name, ..."``) makes it the script's."""
    e = expr.strip().lstrip(b"@").strip()
    if e.startswith(b"(string)"):
        e = e[8:].strip()
    if not e or depth > 3:
        return False
    lit = PLACEHOLDER.fullmatch(e)
    if lit is not None:  # "$_POST[m]", "{$msg}": a string that is one value and nothing else
        idx = int(lit.group(1))
        kinds = ctx.lx.kinds
        read = (
            read_code(ctx.lx.raw_strings[idx])
            if idx < len(kinds) and kinds[idx] in ("dq", "heredoc")
            else None
        )
        if read is None or read[1] or len(read[0]) != 1:
            return False
        return _verbatim(ctx, read[0][0], req, depth + 1)
    t = _TERNARY_REQ.fullmatch(e) or _COALESCE.fullmatch(e)
    if t is not None:
        return _verbatim(ctx, t.group(1), req, depth + 1)
    w = _WRAPPER.match(e)
    if w is not None and e.endswith(b")"):
        if w.group(1) in _SQL_ESCAPE:
            # escaped for the site's database (mysqli_real_escape_string($conn, ...)): a page
            # of the site's own database code that mails what it stores; a relay dropped on a
            # server has no connection of the site to escape with
            return False
        inner = e[w.end() : -1]
        if close_paren(inner + b")") == len(inner):  # the parenthesis closes at the end
            args = top_args(inner)
            at = _TEXT_ARG.get(w.group(1), 0)
            return len(args) > at and _verbatim(ctx, args[at], req, depth + 1)
    if _WHOLE_REQ.fullmatch(e) is not None:
        return True
    encoded = _encoded_word(ctx, e)
    if encoded is not None:  # '=?UTF-8?B?' . base64_encode($s) . '?=': the same words
        return _verbatim(ctx, encoded, req, depth + 1)
    m = _VAR_PATH.fullmatch(e)
    if m is None:
        return False
    var = m.group(1)
    if m.group(2):
        return var in req  # an element of request data: a decoded body's "letter"
    if var_assigns(ctx.code, var, _APPENDED, 1):
        return False  # text added to it: the script writes the message
    sets = var_assigns(ctx.code, var, TAIL_RHS, 10)
    # $s = '=?UTF-8?B?' . base64_encode($s) . '?=': the variable's own words, encoded
    sets = [(at, am) for at, am in sets if _encoded_word(ctx, am.group(1).strip()) != b"$" + var]
    if not sets:
        return var in req  # filled by register_globals/extract or a loop over the request
    return all(_verbatim(ctx, am.group(1), req, depth + 1) for _, am in sets)


# a header's encoded word (RFC 2047) around a value: '=?UTF-8?B?' . base64_encode($s) . '?='
_ENCODED_WORD = tight(
    rb"\x01(\d+)\x01\s*\.\s*base64_encode\s*\(([^;]{1,200})\)\s*\.\s*\x01(\d+)\x01"
)
_ENCODED_WORD_HEAD = tight(rb"=\?[\w-]{1,30}\?b\?$")


def _encoded_word(ctx: Ctx, expr: bytes) -> bytes | None:
    """The value an expression writes as an RFC 2047 encoded word (``'=?UTF-8?B?' .
    base64_encode($subject) . '?='``: a mail header's way of carrying any text, the same
    words for whoever reads the mail), or None."""
    m = _ENCODED_WORD.fullmatch(expr)
    if m is None or close_paren(m.group(2) + b")") != len(m.group(2)):
        return None
    value = ctx.lx.value
    if _ENCODED_WORD_HEAD.match(value(int(m.group(1))).strip().lower()) is None:
        return None
    if value(int(m.group(3))).strip() != b"?=":
        return None
    return m.group(2).strip()


# a variable, or an element or property of it: $m, $data['letter'], $this->body
_VAR_PATH = tight(rb"\$(" + NAME_P + rb")((?:\s*(?:\[[^\]\[]{0,80}\]|->\s*\w+))*)")
_APPENDED = tight(rb"\s*\.=")


@bonus_condition("visitor_words")
def _visitor_words(ctx: Ctx) -> bool:
    """Whether the visitor writes the words of a mail this file sends (its subject or its
    message is request input as a whole), or the file hides its errors like a probe: an open
    relay. A script that mails the address a visitor typed with words of its own (a
    tell-a-friend note, a welcome or an order confirmation) is a plain call a site's page
    makes: abusable (suspicious), not built to send for others."""
    if _probe_like(ctx):
        return True
    if not has_word(ctx, b"mail") and not has_word(ctx, b"send"):
        return False
    req = taint(ctx)[0] | ctx.cache.get("direct", set())
    for _start, args in calls_to(ctx, SINK_NAMES["mail"], 50):
        parts = top_args(args[:_MAIL_ARGS_MAX])
        if any(_verbatim(ctx, part, req) for part in parts[1:3]):
            return True
    if b"->" in ctx.code:
        for m in itertools.islice(_OBJECT_CONTENT.finditer(ctx.code), 100):
            rhs = m.group(1)
            if m.group(0).rstrip().endswith(b"("):
                rhs = first_arg(rhs)
            if _verbatim(ctx, rhs, req):
                return True
    return False


_NO_ERRORS = tight(
    rb"error_reporting\s*\(\s*0\s*\)|ini_set\s*\(\s*\x01(\d+)\x01\s*,\s*(?:0|false|\x01(\d+)\x01)\s*\)"
)


def _hides_errors(ctx: Ctx) -> bool:
    """The file turns error reporting off (``error_reporting(0)``, ``ini_set(
    'display_errors', 0)``): an admin's test page shows why a mail failed, a probe does not."""
    if not has_word(ctx, b"error_reporting") and not has_word(ctx, b"ini_set"):
        return False
    for m in itertools.islice(_NO_ERRORS.finditer(ctx.code), 20):
        if m.group(1) is None:
            return True
        if ctx.lx.value(int(m.group(1))).strip().lower() != b"display_errors":
            continue
        if m.group(2) is None or ctx.lx.value(int(m.group(2))).strip().lower() in (
            b"0", b"off", b"false", b""
        ):
            return True
    return False


def _owner_content(ctx: Ctx, start: int, req: set[bytes], recipient: bytes) -> bool:
    """Whether the mail sent at ``start`` carries no request input but its recipient: its
    subject, message and headers (mail()'s other arguments, or what the file gives a mailer
    object as Subject/Body) are the script's own text. A mail-test page or a confirmation
    sent to the address a visitor typed lets the visitor choose the mailbox, not the words:
    no one can send spam through it. A relay takes the text from the request too."""
    code = ctx.code
    if _probe_like(ctx):
        return False  # a mail checker dropped to probe the server hides its failures
    mail_args = dict(calls_to(ctx, SINK_NAMES["mail"], 50))
    if start in mail_args:
        texts = top_args(mail_args[start][:_MAIL_ARGS_MAX])[1:4]
    else:
        texts = [m.group(1) for m in itertools.islice(_OBJECT_CONTENT.finditer(code), 50)]
        if not texts:
            return False  # the text is set nowhere this file shows: not known to be fixed
    text = interpolated(ctx, b" , ".join(texts))
    if UIN_RE.search(text) is not None or getenv_header(ctx, text.strip()):
        return False
    tainted = req | ctx.cache.get("direct", set())
    own = {recipient} | _bare_aliases(ctx, recipient, text)
    names = (set(VAR.findall(text)) - own) & tainted
    # a letter the script writes around the address it goes to ("E-mail: " . $email): its
    # variable is tainted by that address alone
    return not any(_other_input(ctx, name, own, tainted, 0) for name in names)



def _other_input(ctx: Ctx, name: bytes, own: set[bytes], tainted: set[bytes], depth: int) -> bool:
    """Whether ``$name`` (a tainted variable a mail's text names) carries request input other
    than the recipient's address (the variables in ``own``): a request read or another
    tainted variable in what it is assigned or appended, followed back a few steps. Unknown
    (no assignment seen, a value too long to read, too deep) counts as carrying it."""
    if depth > 3:
        return True
    sets = var_assigns(ctx.code, name, TAIL_RHS, 10) + var_assigns(ctx.code, name, _APPEND_RHS, 10)
    if not sets:
        return True  # filled by a loop, extract() or a reference: not known
    for _pos, m in sets:
        rhs = m.group(1)
        if len(rhs) >= 200:
            return True
        rhs = interpolated(ctx, rhs)
        if UIN_RE.search(rhs) is not None or getenv_header(ctx, rhs.strip()):
            return True
        for other in set(VAR.findall(rhs)) - own - {name}:
            if other in tainted and _other_input(ctx, other, own, tainted, depth + 1):
                return True
    return False


def _bare_aliases(ctx: Ctx, recipient: bytes, text: bytes) -> set[bytes]:
    """The variables the recipient ``$recipient`` is a plain copy of (``$to = $email;``,
    ``$to = trim($email);``, followed back a few steps) that ``text`` names only whole (never
    ``$email['x']`` nor ``$email->x``): the letter that repeats the address it goes to
    (``"E-mail: $email"`` in a new-password note) still carries only the recipient."""
    if not recipient:
        return set()
    out: set[bytes] = set()
    todo = [recipient]
    while todo and len(out) < 6:
        var = todo.pop()
        for _pos, m in var_assigns(ctx.code, var, TAIL_RHS, 10):
            rhs = m.group(1).strip()
            head = rhs[_WRAPPED_REQ.match(rhs).end() :]  # type: ignore[union-attr]
            src = VAR.match(head)
            if src is None or head[src.end() :].lstrip()[:1] not in (b"", b",", b")"):
                continue  # not the other variable alone (an element, a sum, a text)
            name = src.group(1)
            if name != recipient and name not in out:
                out.add(name)
                todo.append(name)
    return {
        name for name in out
        if not re.search(rb"\$" + re.escape(name) + rb"(?![\w\x80-\xff])\s*(?:\[|->|\{)", text)
    }


# the sending endpoints of mail services' web APIs
_MAIL_API = tight(
    rb"api\.sendgrid\.com|api\.(?:eu\.)?mailgun\.net/v3|api\.sparkpost\.com/api|"
    rb"api\.postmarkapp\.com|api\.(?:brevo|sendinblue)\.com/v3/smtp|mandrillapp\.com/api|"
    rb"api\.elasticemail\.com|api\.mailjet\.com/v3|email\.[a-z0-9-]+\.amazonaws\.com"
)
_MAIL_API_WORDS = (b"api.", b"mandrillapp", b"amazonaws")
# a list split from a value: explode(), preg_split(), file(), str_getcsv()
_SPLIT_LIST = tight(
    rb"(?<![\w$>:])(?:explode|preg_split|file|str_getcsv|array_map\s*\([^,]{0,60},\s*explode)\s*\("
    rb"([^;]{0,300})"
)


# the list cut to its first few items: array_slice($list, 0, 5)
_FEW_ITEMS = tight(rb"(?<![\w$>:])array_slice\s*\([^;]{0,400}?,\s*0\s*,\s*(\d{1,3})\s*\)")


def code_statement(code: bytes, pos: int) -> bytes:
    """The statement of ``code`` around ``pos``: from the ';', '{' or '}' before it to the
    ';' after it (at most 2,000 bytes either side)."""
    lo = max(code.rfind(b";", max(0, pos - 2000), pos), code.rfind(b"{", max(0, pos - 2000), pos),
             code.rfind(b"}", max(0, pos - 2000), pos))
    hi = find(code, b";", pos, pos + 2000)
    return code[lo + 1 : hi if hi >= 0 else pos + 2000]


@feature("mail_api_request_list")
def _mail_api_request_list(ctx: Ctx, rule: Rule) -> Hit | None:
    """A mail service's sending API (SendGrid's /v3/mail/send, Mailgun, SparkPost, Postmark,
    Brevo, Mandrill, SES...) in a script that splits a list of addresses out of request
    input (``explode("\n", $_POST['leads'])``, an uploaded file's lines): whoever sends the
    request mails a list through the service (often with a stolen API key). A site's own
    mail goes to addresses it keeps, not to a list posted to it."""
    text = string_text(ctx)
    if (
        not any(find(text, w) >= 0 for w in _MAIL_API_WORDS) or _MAIL_API.search(text) is None
    ) and (ctx.first(b"sesclient") < 0 and ctx.first(b"sesv2client") < 0):
        return None  # no service's address, nor Amazon's SDK client for SES
    if not has_request_words(ctx):
        return None
    req: set[bytes] | None = None
    for m in itertools.islice(prefiltered_finditer(_SPLIT_LIST, ctx.code, ctx.first), 30):
        arg = m.group(1)
        if UIN_RE.search(arg) is None and REQ_RE.search(arg) is None:
            if req is None:
                req = taint(ctx)[0]
            if not set(VAR.findall(arg)[:4]) & req:
                continue
        if not _addressed(ctx, m.start()):
            continue
        if site_session_gated(ctx, m.start()):
            continue  # an admin's newsletter page behind the site's own sign-in
        stmt = code_statement(ctx.code, m.start())
        few = _FEW_ITEMS.search(stmt)
        if few is not None and int(few.group(1)) <= 10:
            continue  # a few addresses (array_slice(..., 0, 5)): a refer-a-friend form
        return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 100))
    return None


_RECIPIENT_KEYS = (b"to", b"email", b"recipient", b"rcpt", b"address", b"toaddresses")
_KEYED = tight(rb"\x01(\d+)\x01\s*=>\s*(?:\[\s*)?(?:[a-z_]+\s*\(\s*)?\$(" + NAME_P + rb")\b")
_ITEM_PARAM = tight(rb"(?:fn|function)\s*\(\s*(?:[\w\\]+\s+)?\$(" + NAME_P + rb")")


def _addressed(ctx: Ctx, at: int) -> bool:
    """Whether the list split at ``at`` is what the mail goes to: the list's variable, an
    item a loop or a mapped function takes from it, given as a recipient's field (``'to' =>
    trim($to)``, ``['email' => $e]``)."""
    code = ctx.code
    names: set[bytes] = set()
    got = assignment_before(code, at, {})
    if got is not None:
        names.add(got[0])
    head = code[max(0, at - 200) : at + 100]
    mapped = head.rfind(b"array_map")
    if mapped >= 0:
        names.update(_ITEM_PARAM.findall(head[mapped:]))
    for m in itertools.islice(_FOREACH_ANY.finditer(code), 100):
        if set(VAR.findall(m.group(1))[:4]) & names or m.start(1) <= at < m.end(1):
            names.add(m.group(3))  # an item of the list (split in the loop's head itself)
    if not names:
        return False
    value = ctx.lx.value
    for k in itertools.islice(_KEYED.finditer(code), 200):
        if k.group(2) in names and value(int(k.group(1))).strip().lower() in _RECIPIENT_KEYS:
            return True
    return False


def _request_loop_vars(ctx: Ctx, req: set[bytes]) -> set[bytes]:
    """The variables of ``foreach`` loops over a variable (or an element of one) that holds
    request input: ``$job = json_decode(file_get_contents('php://input'), true); foreach
    ($job['rcpt'] as $r)``."""
    found: set[bytes] = set()
    if not req:
        return found
    for m in itertools.islice(_FOREACH_ANY.finditer(ctx.code), 200):
        if set(VAR.findall(m.group(1))[:4]) & req:
            found.add(m.group(3))
    return found


_SIMPLE_ASSIGN = tight(rb"\$(" + NAME_P + rb")\s*=(?![=>])\s*([^;]{1,300});")


_FOREACH_ANY = tight(
    rb"foreach\s*\(([^;{]{1,200}?)\bas\s*(?:\$(" + NAME_P + rb")\s*=>\s*)?&?\$(" + NAME_P + rb")"
)


def _download_vars(ctx: Ctx) -> set[bytes]:
    """Variables that hold content downloaded from a hard-coded web address, and those
    computed from them (two steps: ``$job = json_decode($r)``, ``foreach ($job['to'] as
    $to)``). A download is a fetch of a literal http(s)/ftp address, or curl_exec() in a
    file that gives curl such an address."""
    code = ctx.code
    curl_literal = any(
        web_address(ctx, PLACEHOLDER.match(first_arg(args).strip()))
        for _start, args in calls_to(ctx, (b"curl_init",), 20)
    ) or any(
        web_address(ctx, PLACEHOLDER.search(m.group(1)))
        for m in (CURLOPT_URL.finditer(code) if has_word(ctx, b"curlopt_url") else ())
    )
    found: set[bytes] = set()
    stmts: dict[int, re.Match[bytes] | None] = {}
    for m in itertools.islice(prefiltered_finditer(FETCH_LITERAL, code, ctx.first), 100):
        if not (curl_literal if m.group(1) is None else web_address(ctx, m)):
            continue
        got = assignment_before(code, m.start(), stmts)
        if got is not None:
            found.add(got[0])
    if not found:
        return found
    assigns = [
        (m.group(1), m.group(2)) for m in itertools.islice(_SIMPLE_ASSIGN.finditer(code), 2000)
    ]
    loops = [
        (m.group(1), m.group(2), m.group(3))
        for m in itertools.islice(_FOREACH_ANY.finditer(code), 500)
    ]
    for _ in range(2):
        names = re.compile(rb"\$(?:" + b"|".join(re.escape(v) for v in sorted(found)) + rb")\b")
        grown = {name for name, rhs in assigns if names.search(rhs)}
        for over, key, item in loops:
            if names.search(over):
                grown.update(v for v in (key, item) if v)
        if grown <= found:
            break
        found |= grown
    return found


@feature("remote_recipients")
def _remote_recipients(ctx: Ctx, rule: Rule) -> Hit | None:
    """The recipient of mail() or of a mailer object comes from content downloaded from a
    hard-coded web address: a spam bot that takes its jobs (addresses, subject, body) from
    its controller. A site's own mail goes to addresses it keeps itself."""
    sites = _recipient_sites(ctx)
    # WordPress's wp_mail($to, ...) too: a site mails its own users (whom the visitor may
    # name, as WordPress's own e-mail change does), never a downloaded list
    sites.extend((start, first_arg(args)) for start, args in calls_to(ctx, (b"wp_mail",), 50))
    if not sites:
        return None
    held = _download_vars(ctx)
    if not held:
        return None
    names = re.compile(rb"\$(?:" + b"|".join(re.escape(v) for v in sorted(held)) + rb")\b")
    for start, arg in sites:
        if names.search(arg):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# "@" and a bank, payment service or brand domain (any subdomain, the domain's own TLD)
_BRAND_AT = (
    rb"@(?:[a-z0-9-]+\.)*(?:paypal|apple|icloud|microsoft|office365|amazon|netflix|chase|"
    rb"wellsfargo|bankofamerica|citibank|hsbc|barclays|santander|dhl|fedex|ups|usps|irs|"
    rb"docusign|dropbox|facebook|instagram|linkedin|adobe|intuit|coinbase|binance)\.[a-z.]{2,10}\b"
)


_BRAND_DOMAIN = tight(_BRAND_AT)


# a sender header naming such an address; the header starts a literal or a line (a raw
# literal writes the line break as the escape "\r\n")
_BRAND_FROM = tight(
    rb"(?:^|[\x00\s'\"]|\\[rn])(?:from|reply-to|sender|return-path)\s*:[^\x00\n]{0,80}?" + _BRAND_AT
)


def _sends_mail(ctx: Ctx) -> bool:
    """The script sends mail: mail() or its kin, a mailer object's send() however it is
    spaced (``$mail->send()``, ``$mail -> Send ( )``, a comment between), or an SMTP
    conversation of its own."""
    return bool(
        calls_to(ctx, SINK_NAMES["mail"], 1)
        or (ctx.first(b"send") >= 0 and _SEND_CALL.search(ctx.code) is not None)
        or _smtp(ctx) >= 0
    )


@feature("brand_sender")
def _brand_sender(ctx: Ctx, rule: Rule) -> Hit | None:
    """A mail header that claims to come from a bank, a payment service or a big brand
    (``From: PayPal <service@paypal.com>``) in a script that sends mail: phishing. A site
    sends from its own domain; the brand's own servers do not run this PHP."""
    text = string_text(ctx)
    m = None
    for d in itertools.islice(_BRAND_DOMAIN.finditer(text), 200):  # "@" first: a fast scan
        start = max(0, d.start() - 100)
        m = _BRAND_FROM.search(text, start, d.end())
        if m is not None:
            break
    if m is None or not _sends_mail(ctx):
        return None
    idx = string_at(ctx, m.start() + 1)
    line = ctx.line_of_string(idx) if idx >= 0 else 0
    return Hit(line, excerpt(m.group().strip(b"\x00\n\r '\"")))


# a sender header whose display name is a bank's, a payment service's or a big brand's and
# the service words phishing signs with ("PayPal Services", "Apple Support", "Microsoft
# account team"), then the address: the header starts a literal or a line, or follows the
# mail program's -a option (mail -aFrom:'...'), or a literal that is that sender alone
# (glued into the header later); group 1 is the brand word, group 2 the address's domain.
# A person called Chase or a shop on Apple Street names no service.
_BRAND_NAME_FROM = tight(
    rb"(?:(?:^|[\x00\s'\"]|\\[rn]|-a)(?:from|reply-to|sender)\s*:\s*['\"]?\s*|\x00\s*)"
    rb"(paypal|apple|icloud|microsoft|office\s?365|outlook|amazon|netflix|chase|wells\s?fargo|"
    rb"bank\s?of\s?america|citibank|hsbc|barclays|santander|dhl|fedex|usps|irs|docusign|"
    rb"dropbox|facebook|instagram|linkedin|adobe|intuit|coinbase|binance)"
    rb"(?:[\s.,-]+(?:services?|support|security|team|account|accounts|billing|"
    rb"notifications?|alerts?|customer|care|no-?reply|inc|ltd|llc|help|center|service\s?center|"
    rb"id|online|banking|payments?|verification|resolution))*"
    rb"\s*['\"]?\s*<[^@>\x00\n]{1,64}@([a-z0-9.-]{1,80})>"
)


# an address in angle brackets, "<" and "@" first: a fast scan for where a sender can end
_ANGLE_ADDRESS = tight(rb"<[^@>\x00\n<]{1,64}@[a-z0-9.-]{1,80}>")


def _brand_named_senders(text: bytes) -> Iterator[re.Match[bytes]]:
    """The brand-named senders of ``text``: each address in angle brackets (at most 200)
    and, in the 160 bytes before it, a sender that ends on it. The address is looked for
    first: a search of the whole text for the header's words tried every offset of a large
    file (~0.3 s a MB)."""
    last = -1
    for a in itertools.islice(_ANGLE_ADDRESS.finditer(text), 200):
        m = _BRAND_NAME_FROM.search(text, max(last + 1, a.start() - 160), a.end())
        if m is not None and m.end() == a.end():
            last = m.end()
            yield m


# a shell command that starts the system's mail program: "mail -s", "mailx -a", "sendmail -t"
_MAIL_PROGRAM = tight(rb"(?:^|[\x00\s;&|(`'\"])(?:mailx?|sendmail)\s+-[a-z]")


def _runs_mail_program(ctx: Ctx, text: bytes) -> bool:
    """The script hands a command to the shell (exec(), system(), popen()...) and a literal
    of it starts the system's mail program: it sends mail without mail()."""
    return _MAIL_PROGRAM.search(text) is not None and bool(calls_to(ctx, SINK_NAMES["exec"], 1))


@feature("brand_display_sender")
def _brand_display_sender(ctx: Ctx, rule: Rule) -> Hit | None:
    """A mail sent under a bank's, a payment service's or a big brand's name from an address
    elsewhere (``From: PayPal Services <info@some-news-site.net>``), by mail() or its kin, a
    mailer object, an SMTP conversation or the system's mail program run through the shell:
    phishing passes for the brand by its display name. Not when the address is at a domain
    that names the brand (its own or a partner's subdomain), nor a name that only starts
    with the brand's word (a person called Chase, a shop on Apple Street)."""
    text = string_text(ctx)
    for m in itertools.islice(_brand_named_senders(text), 50):
        brand = re.sub(rb"\s", b"", m.group(1))
        if brand in m.group(2).replace(b"-", b""):
            continue  # the brand's own domain (or one named after it)
        if _sends_mail(ctx) or _runs_mail_program(ctx, text):
            idx = string_at(ctx, m.start() + 1)
            line = ctx.line_of_string(idx) if idx >= 0 else 0
            return Hit(line, excerpt(m.group().strip(b"\x00\n\r '\"")))
        return None
    return None


# a mailer object's Message-ID set: $mail->MessageID = ...
_MESSAGE_ID_SET = tight(rb"->\s*messageid\s*=(?![=>])")


def _message_id_statements(ctx: Ctx) -> Iterator[tuple[int, bytes]]:
    """The statements that make a mail's Message-ID: a mailer object's ``->MessageID = ...``,
    or a header line ``"Message-ID: <" . ... . "@host>"`` built in one statement (at most
    20 of each): (offset, statement)."""
    code = ctx.code
    if find(code, b"messageid") >= 0:
        for m in itertools.islice(_MESSAGE_ID_SET.finditer(code), 20):
            yield m.start(), code_statement(code, m.end())
    value = ctx.lx.value
    for i in literals_holding(ctx, (b"message-id",), 20000)[:20]:
        if find(value(i).lower(), b"message-id") < 0:
            continue
        at = find(code, b"\x01%d\x01" % i)
        if at >= 0:
            yield at, code_statement(code, at)


@feature("brand_message_id")
def _brand_message_id(ctx: Ctx, rule: Rule) -> Hit | None:
    """A mail whose Message-ID is made at a bank's, a payment service's or a big brand's
    domain (``$mail->MessageID = '<' . md5(rand()) . '@us-east-4.console.aws.amazon.com>'``,
    ``"Message-ID: <" . time() . "@smtp.apple.com>"``) in a script that sends mail: the
    message passes for one the brand's own servers sent. A site makes its Message-IDs at its
    own host (or leaves them to its mailer); a brand named in the letter's text, or the
    customer's own message a reply is threaded on, is not the mail's identity."""
    if not _sends_mail(ctx):
        return None
    value = ctx.lx.value
    for at, statement in _message_id_statements(ctx):
        text = b"".join(value(int(i)).lower() for i in PLACEHOLDER.findall(statement))
        k = find(text, b"message-id")
        if k >= 0:  # a header line: up to its end, not the other headers of the literal
            ends = [p for p in (find(text, b"\n", k), find(text, b"\r", k)) if p >= 0]
            text = text[k : min(ends, default=len(text))]
        if _BRAND_DOMAIN.search(text) is not None:
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
    return None


_LOCATION_KEYS = (b"document_root", b"script_filename", b"path_translated")


_SERVER_KEY = tight(rb"\$_server\s*\[\s*\x01(\d+)\x01")


@feature("server_info_beacon")
def _server_info_beacon(ctx: Ctx, rule: Rule) -> Hit | None:
    """mail() to a hard-coded address in a script that reads where it is installed
    ($_SERVER DOCUMENT_ROOT / SCRIPT_FILENAME / PATH_TRANSLATED) and the server's address:
    the "I am installed here" report that droppers send their operator."""
    code = ctx.code
    if not has_word(ctx, b"$_server"):
        return None
    keys = {ctx.lx.value(int(i)).lower() for i in _SERVER_KEY.findall(code)[:200]}
    if not any(k in keys for k in _LOCATION_KEYS) or not (
        keys & {b"server_addr", b"remote_addr", b"http_host", b"server_name"}
    ):
        return None
    for start, args in calls_to(ctx, SINK_NAMES["mail"], 50):
        vals = recipient_literals(ctx, args)
        if any(re.fullmatch(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", val.strip()) for val in vals):
            if _in_error_report(ctx, start):
                continue  # the site's error notice to its webmaster, with the page it came from
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# PHP's error, exception and shutdown hooks, given a function's name or a closure
_ERROR_HOOK = tight(
    rb"(?<![\w$>:])(?:set_error_handler|set_exception_handler|register_shutdown_function)"
    rb"\s*\(\s*(?:\x01(\d+)\x01|(?:static\s+)?function\s*\([^)]{0,200}\)[^{;]{0,80}\{)"
)
_NAMED_FUNCTION = tight(rb"function\s+&?\s*([a-z_]\w*)\s*\([^)]{0,200}\)[^{;]{0,80}\{")
_CATCH_BLOCK = tight(rb"\bcatch\s*\([^)]{0,200}\)\s*\{")


def _in_error_report(ctx: Ctx, pos: int) -> bool:
    """Whether offset ``pos`` lies in the body of an error, exception or shutdown handler
    (a function named to set_error_handler, or a closure given to it) or of a catch block:
    a site's notice of its own failure to its webmaster, which names the page and the
    server it happened on, not a report that a dropped file has arrived."""
    code = ctx.code

    def inside(body_start: int) -> bool:
        end = body_start + close_paren(code[body_start : body_start + 20000], 123, 125)
        return body_start <= pos < end

    hooked: set[bytes] = set()
    for m in itertools.islice(prefiltered_finditer(_ERROR_HOOK, code, ctx.first), 10):
        if m.group(1) is not None:
            hooked.add(ctx.lx.value(int(m.group(1))).strip().lower())
        elif inside(m.end()):
            return True
    for m in itertools.islice(_NAMED_FUNCTION.finditer(code), 200):
        if m.start() > pos:
            break
        if m.group(1) in hooked and inside(m.end()):
            return True
    return any(
        m.start() < pos and inside(m.end())
        for m in itertools.islice(_CATCH_BLOCK.finditer(code), 50)
    )


# a variable or property named for an SMTP account given a random pick ($smtp = $list[
# array_rand($list)], $this->smtp_config = $this->pick->arrayrandom($this->smtp_array))
_SMTP_RANDOM = tight(
    rb"\$(?:this\s*->\s*)?[\w\x80-\xff]*smtp[\w\x80-\xff]*\s*(?:\[[^\]=;]{0,40}\]\s*)?=(?![=>])"
    rb"[^;]{0,200}?(?:[\w\x80-\xff]*rand[\w\x80-\xff]*|shuffle)\s*\("
)
# an SMTP account taken out of the pool (unset($smtps[$i]), unset($this->smtp_array[...]))
_SMTP_DROPPED = tight(
    rb"unset\s*\(\s*\$(?:this\s*->\s*)?[\w\x80-\xff]*smtp[\w\x80-\xff]*\s*\["
)
# a random pick from an array: $k = array_rand($pool) or $x = $pool[array_rand($pool)]
_RANDOM_KEY = tight(rb"\$(" + NAME_P + rb")\s*=\s*array_rand\s*\(\s*\$(" + NAME_P + rb")")
_RANDOM_ITEM = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*\$(" + NAME_P + rb")\s*\[\s*(?:array_rand|mt_rand|rand)\s*\("
)
# an index into a pool of SMTP accounts moved on modulo its size, so that each message goes
# through the next account in turn: $i = ($i + 1) % count($smtps), $this->smtpIndex =
# ($this->smtpIndex + 1) % count($this->smtpConfigs), $smtp_list[$n++ % sizeof($smtp_list)]
_SMTP_ROUND = tight(
    rb"%\s*(?:count|sizeof)\s*\(\s*\$(?:this\s*->\s*)?[\w\x80-\xff]*smtp[\w\x80-\xff]*\s*\)"
)
# an element of a pool taken at an index modulo the pool's size: $a = $pool[$i % count($pool)]
_ROUND_ITEM = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*\$(" + NAME_P + rb")\s*\[[^\];]{0,60}%\s*(?:count|sizeof)\s*\("
    rb"\s*\$(" + NAME_P + rb")\s*\)"
)
# a mailer's server account set from a variable's element: ->Host = $acc['host'], ->Username =
_ACCOUNT_SET = tight(rb"->\s*(?:host|username|password)\s*=\s*\$(" + NAME_P + rb")\s*\[")
# a message sent: mail(), a mailer object's send(), an SMTP DATA or RCPT written to a socket
_SENDS = tight(rb"(?<![\w$>:])mail\s*\(|->\s*send\s*\(|->\s*smtpsend\s*\(|rcpt to")


def _random_account(ctx: Ctx) -> re.Match[bytes] | None:
    """A mailer's server account (its Host, Username or Password) taken from an element of
    a pool picked at random (``$k = array_rand($accounts); $a = $accounts[$k];
    $mail->Host = $a['host']``), or a failing one unset from that pool."""
    code = ctx.code
    rand = find(code, b"rand") >= 0
    if not rand and find(code, b"%") < 0:
        return None
    accounts = {m.group(1) for m in itertools.islice(_ACCOUNT_SET.finditer(code), 20)}
    if not accounts:
        return None
    for m in itertools.islice(_ROUND_ITEM.finditer(code), 20):
        if m.group(1) in accounts and m.group(2) == m.group(3):
            return m  # each message through the next account of the pool, in turn
    if not rand:
        return None
    pools: dict[bytes, re.Match[bytes]] = {}
    for m in itertools.islice(_RANDOM_ITEM.finditer(code), 20):
        if m.group(1) in accounts:
            pools[m.group(2)] = m
    for m in itertools.islice(_RANDOM_KEY.finditer(code), 20):
        key, pool = m.group(1), m.group(2)
        taken = re.search(rb"\$(" + NAME_P + rb")\s*=\s*\$" + re.escape(pool)
                          + rb"\s*\[\s*\$" + re.escape(key) + rb"\s*\]", code)
        if (taken is not None and taken.group(1) in accounts) or pool in accounts:
            pools[pool] = m
    return next(iter(pools.values()), None)


_IF_OPEN = tight(rb"(?<![\w$>:])(?:if|elseif)\s*\(")


def _dropped_on_failure(code: bytes) -> re.Match[bytes] | None:
    """An SMTP account unset from its pool in the branch of a failed send (``if (!$m->send())
    { unset($smtp_pool[$i]); }``): the run drops it and goes on with the others. (A mailer
    library unsets its own per-connection settings elsewhere, not after a send.)"""
    for m in itertools.islice(_SMTP_DROPPED.finditer(code), 10):
        opens = list(_IF_OPEN.finditer(code, max(0, m.start() - 300), m.start()))
        if not opens:
            continue
        cond = code[opens[-1].end() : m.start()]
        if cond[: close_paren(cond)].find(b"send") >= 0:
            return m
    return None


@feature("smtp_rotation")
def _smtp_rotation(ctx: Ctx, rule: Rule) -> Hit | None:
    """A bulk sender that spreads its messages over many SMTP accounts: in a script that
    sends mail in a loop, the account of a message is picked at random from a pool or is the
    pool's next one in turn (an index moved on modulo the pool's size), or the account that
    failed is dropped from the pool and the loop goes on with the others. A
    site's own mail goes through its one configured server (or its backup, in order); only
    a spam run (on stolen or throw-away accounts, each under its sending limit) rotates
    them."""
    code = ctx.code
    if not bounded_search(_LOOP, code, ctx.first) or _SENDS.search(code) is None:
        return None
    m = (
        _SMTP_RANDOM.search(code)
        or _SMTP_ROUND.search(code)
        or _dropped_on_failure(code)
        or _random_account(ctx)
    )
    if m is None:
        return None
    return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 100))


_NAME_TESTS = (b"strstr", b"stristr", b"strpos", b"stripos", b"preg_match", b"str_contains")
_COLUMN_LISTS = (b"show columns", b"show full columns", b"information_schema.columns")
# a query that selects the values shaped like an e-mail address, whatever the column:
# ``SELECT $column ... WHERE $column REGEXP '[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]'`` (or RLIKE,
# LIKE '%@%'; not NOT LIKE, the other rows, nor an UPDATE that blanks the addresses out)
_ADDRESS_VALUES = tight(
    rb"\bselect\b[^\x00;]{0,300}?\bwhere\b[^\x00;]{0,200}?(?<!not )(?:regexp|rlike|like)\s+"
    rb"(?:binary\s+)?'[^'\x00]{0,80}@"
)


@feature("mail_harvest")
def _mail_harvest(ctx: Ctx, rule: Rule) -> Hit | None:
    """A mailing-list harvester: the script lists every database of the server (SHOW
    DATABASES), their tables' columns, and keeps the columns whose name holds "mail" (or
    asks the schema for them, LIKE '%mail%'), or the values of every column that look like
    an e-mail address (``WHERE $column REGEXP '...@...'``): every address stored on the
    host, for a spam list. An application reads its own tables by name; a database tool
    lists them without picking the e-mail columns or values out."""
    text = string_text(ctx)
    at = find(text, b"show databases")
    if at < 0 or not any(find(text, c) >= 0 for c in _COLUMN_LISTS):
        return None
    picked = re.search(rb"like\s*'%[\w]*mail[\w]*%'", text) is not None
    if not picked:
        picked = _ADDRESS_VALUES.search(text) is not None
    if not picked:
        value = ctx.lx.value
        for _, args in calls_to(ctx, _NAME_TESTS, 100):
            lits = [value(int(p.group(1))).lower()
                    for p in itertools.islice(PLACEHOLDER.finditer(args), 4)]
            # the needle holds "mail", the haystack is a column's name (its "Field")
            if (any(find(lit, b"mail") >= 0 for lit in lits)
                    and any(lit in (b"field", b"column_name") for lit in lits)):
                picked = True
                break
    if not picked:
        return None
    where = string_at(ctx, at)
    return Hit(ctx.line_of_string(where) if where >= 0 else 1,
               excerpt(b"every database's e-mail columns collected"))


# a loop and its head: foreach (...), while (...), for (...)
_LOOP_HEAD = tight(rb"\b(?:foreach|while|for)\s*\(")
_AUTH_VERB = tight(rb"auth\s+(?:login|plain)")
_ACCEPTED = tight(rb"(?<![\w.])235(?![\w.])")
_FOREACH_AS = tight(rb"\bas\s+(?:\$(" + NAME_P + rb")\s*=>\s*)?\$(" + NAME_P + rb")")
_SET_IN_BODY = tight(rb"\$(" + NAME_P + rb")\s*(?:\[[^\]]{0,40}\]\s*)?=(?![=>])")
_LIST_SET = tight(rb"(?:list\s*\(|\[)([^;=()\[\]]{0,200})[)\]]\s*=(?![=>])")
_B64_ARG = tight(rb"base64_encode\s*\(([^;]{0,200})")


@feature("smtp_login_list")
def _smtp_login_list(ctx: Ctx, rule: Rule) -> Hit | None:
    """SMTP logins tried one after another: a loop that opens a connection, sends AUTH LOGIN
    or AUTH PLAIN with a user and password that change with each pass (read from a list:
    the loop's item, split in the loop) and tests for the 235 that accepts them: a checker
    of stolen mail accounts, the spammer's way to find relays that still send. A mail client
    logs in with the one account of its settings."""
    text = string_text(ctx)
    if _AUTH_VERB.search(text) is None:
        return None
    code = ctx.code
    value = ctx.lx.value
    for m in itertools.islice(prefiltered_finditer(_LOOP_HEAD, code, ctx.first), 40):
        head_end = m.end() + close_paren(code[m.end() : m.end() + 2000])
        brace = find(code, b"{", head_end, head_end + 4)
        if brace < 0:
            continue
        body = braced(code, brace)
        if not any(find(body, c + b"(") >= 0 or find(body, c + b" (") >= 0 for c in SOCKET_CALLS):
            continue
        lits = [value(int(i)).lower() for i in PLACEHOLDER.findall(body)]
        if not any(_AUTH_VERB.search(v) for v in lits):
            continue
        if _ACCEPTED.search(body) is None and not any(_ACCEPTED.search(v) for v in lits):
            continue
        changing = set(_SET_IN_BODY.findall(body))
        for lm in _LIST_SET.finditer(body):
            changing.update(VAR.findall(lm.group(1)))
        head = code[m.start() : head_end]
        fa = _FOREACH_AS.search(head)
        if fa is not None:
            changing.update(n for n in fa.groups() if n)
        changing.update(_SET_IN_BODY.findall(head))  # while (($line = fgets($fh)) !== false)
        for b in _B64_ARG.finditer(body):
            arg = interpolated(ctx, b.group(1))  # base64_encode("\0$user\0$pass")
            if any(re.search(rb"\$" + re.escape(n) + rb"\b", arg) for n in changing):
                at = m.start()
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
    return None


# a decoder given one literal: a web address the script keeps from its reader
_HIDDEN_ADDRESS = tight(
    rb"(?<![\w$>:])(base64_decode|hex2bin|str_rot13|strrev)\s*\(\s*\x01(\d+)\x01\s*\)"
)
# ... or spelled in character codes: implode(array_map('chr', [...])), pack('C*', ...)
_CODES_ADDRESS = tight(
    rb"(?<![\w$>:])(?:(?:implode|join)\s*\(\s*(?:\x01\d+\x01\s*,\s*)?array_map\s*\(\s*"
    rb"(?:\x01\d+\x01|chr\s*\(\s*\.\.\.\s*\))|pack\s*\(\s*\x01\d+\x01\s*,\s*\d)"
)
# the whole request as it came: the raw body, or a request array taken whole
_WHOLE_REQUEST = tight(
    rb"php://input|(?<![\w$>:])(?:json_encode|serialize|http_build_query|var_export|print_r|implode"
    rb"|base64_encode)\s*\(\s*(?:\x01\d+\x01\s*,\s*)?(?:\$_(?:post|get|request|cookie)\b(?!\s*\[)"
    rb"|getallheaders\s*\(\s*\))"
)
# where a request's body is given: curl's POSTFIELDS, a stream's 'content', wp_remote_post()'s
# arguments
_BODY_SITE = tight(
    rb"curlopt_postfields\s*,([^;]{0,300})|(?<![\w$>:])wp_(?:safe_)?remote_(?:post|request)\s*\(([^;]{0,400})"
    rb"|\x01(\d+)\x01\s*=>([^,;)\]]{0,200})"
)
_SENDERS = (b"wp_remote_post", b"wp_safe_remote_post", b"wp_remote_request")
_ASSIGN_ANY = tight(
    rb"\$(" + NAME_P + rb")\s*(?:\[[^\]\n]{0,40}\]\s*)?\.?=(?![=>])([^;]{1,400});"
)
_PARAMS_OF = tight(rb"function\s+&?\s*(" + NAME_P + rb")\s*\(([^)]{0,300})\)")


def _unhide(name: bytes, text: bytes) -> bytes:
    """What PHP's decoder ``name`` makes of the literal ``text`` (b"" when it fails)."""
    try:
        if name == b"base64_decode":
            text = re.sub(rb"\s+", b"", text)
            return base64.b64decode(text + b"=" * (-len(text) % 4))
        if name == b"hex2bin":
            return bytes.fromhex(text.decode("ascii"))
        if name == b"str_rot13":
            return codecs.encode(text.decode("latin-1"), "rot13").encode("latin-1")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return b""
    return text[::-1]


def _sends_to(ctx: Ctx, pos: int) -> bool:
    """Whether the value at ``pos`` is the address of a web request: the first argument of
    curl_init(), file_get_contents(), fopen(), wp_remote_post()... or of CURLOPT_URL."""
    before = ctx.code[max(0, pos - 60) : pos]
    call = re.search(rb"([a-z_]\w*)\s*\(\s*@?\s*$", before)
    if call is not None:
        return call.group(1) in FETCH_CALLS or call.group(1) in _SENDERS
    return re.search(rb"curlopt_url\s*,\s*@?\s*$", before) is not None


def _hidden_address_sent(ctx: Ctx, pos: int) -> list[int]:
    """Where the decoder call at ``pos`` is a request's address: the call itself, or each use
    of a variable set to it when every use is one (empty when it is anything else)."""
    if _sends_to(ctx, pos):
        return [pos]
    code = ctx.code
    name = variable_holding(code, pos)
    if name is None:
        return []  # not set to a variable, or the decoded text is part of something larger
    var = b"$" + name
    uses = []
    for m in itertools.islice(re.finditer(re.escape(var) + rb"(?![\w\x80-\xff])", code), 200):
        if re.match(rb"\s*=(?![=>])", code[m.end() : m.end() + 12]):
            continue  # the assignment
        if not _sends_to(ctx, m.start()):
            return []
        uses.append(m.start())
    return uses


# a function's or a closure's head, up to its opening brace
_ANY_FUNCTION = tight(
    rb"(?<![\w$>:])function\s*&?\s*(?:" + NAME_P + rb")?\s*\([^)]{0,300}\)[^{;]{0,120}\{"
)


def _function_spans(ctx: Ctx) -> list[tuple[int, int]]:
    """The bodies of the file's functions and closures, as (start, end) offsets."""
    code = ctx.code
    spans = []
    for m in itertools.islice(prefiltered_finditer(_ANY_FUNCTION, code, ctx.first), 500):
        spans.append((m.end(), m.end() + close_paren(code[m.end() : m.end() + 20000], 123, 125)))
    return spans


def _innermost(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    inside = [s for s in spans if s[0] <= pos < s[1]]
    return min(inside, key=lambda s: s[1] - s[0]) if inside else None


def _request_names(ctx: Ctx) -> set[bytes]:
    """Variables (and parameters of the file's functions) that come to hold the whole
    request or something made of it, followed through assignments and calls."""
    code = ctx.code
    names: set[bytes] = set()

    def carries(text: bytes) -> bool:
        if _WHOLE_REQUEST.search(text):
            return True
        return any(re.search(rb"\$" + re.escape(n) + rb"(?![\w\x80-\xff])", text) for n in names)

    assigns = list(itertools.islice(_ASSIGN_ANY.finditer(code), 3000))
    funcs = list(itertools.islice(_PARAMS_OF.finditer(code), 300))
    for _ in range(4):
        before = len(names)
        for m in assigns:
            if m.group(1) not in names and carries(m.group(2)):
                names.add(m.group(1))
        for f in funcs:
            params = set(re.findall(rb"\$(" + NAME_P + rb")", f.group(2)))
            if params <= names:
                continue
            for start, args in calls_to(ctx, (f.group(1),), 50):
                if code[max(0, start - 12) : start].rstrip().endswith(b"function"):
                    continue  # the definition
                if carries(args):
                    names |= params
                    break
        if len(names) == before:
            break
    return names


@feature("request_sent_hidden")
def _request_sent_hidden(ctx: Ctx, rule: Rule) -> Hit | None:
    """The request as it came (the raw body, or $_POST / $_COOKIE / the headers taken whole)
    posted to a web address the file hides (base64, hex, rot13 or reversed, decoded where it
    is used): a planted line that copies every visitor's form, login or payment to its
    operator. The body is given in the same function as the hidden address (or, outside any
    function, within a few lines of it)."""
    code = ctx.code
    if prefiltered_search(_WHOLE_REQUEST, code, ctx.first) is None:
        return None
    sends: list[tuple[re.Match[bytes], int]] = []
    for m in itertools.islice(prefiltered_finditer(_HIDDEN_ADDRESS, code, ctx.first), 100):
        value = _unhide(m.group(1), ctx.lx.value(int(m.group(2)))).strip().lower()
        if value.startswith((b"http://", b"https://")):
            sends.extend((m, at) for at in _hidden_address_sent(ctx, m.start()))
    if find(ctx.data, b"chr") >= 0 or ctx.first(b"pack") >= 0:
        # an address spelled in character codes: implode(array_map('chr', [104, 116, ...]))
        for m in itertools.islice(prefiltered_finditer(_CODES_ADDRESS, code, ctx.first), 20):
            folded = fold.fold_at(code, ctx.lx, m.start())
            if folded is not None and folded.value.strip().lower().startswith(
                (b"http://", b"https://")
            ):
                sends.extend((m, at) for at in _hidden_address_sent(ctx, m.start()))
    if not sends:
        return None
    names = _request_names(ctx)
    spans = _function_spans(ctx)
    for site in itertools.islice(_BODY_SITE.finditer(code), 200):
        if site.group(3) is not None:
            key = ctx.lx.value(int(site.group(3))).strip().lower()
            if key not in (b"content", b"body"):
                continue
            text = site.group(4)
        else:
            text = site.group(1) or site.group(2) or b""
        if not (_WHOLE_REQUEST.search(text) or any(
            re.search(rb"\$" + re.escape(n) + rb"(?![\w\x80-\xff])", text) for n in names
        )):
            continue
        where = _innermost(spans, site.start())
        for hidden, at in sends:
            near = _innermost(spans, at)
            if near == where and (where is not None or abs(at - site.start()) < 1500):
                line = ctx.line_of_code(hidden.start())
                return Hit(line, ctx.excerpt_code(hidden.start(), hidden.end()))
    return None


# a function of the file's own whose body fetches what its first parameter names
_OWN_FETCHER_WORDS = (b"curl_init", b"curl_exec", b"file_get_contents", b"fsockopen",
                      b"wp_remote_get", b"wp_remote_request")  # fmt: skip
# what a fetch's answer is kept in: $page = fetch(...) / if (($page = fetch(...)) && ...)
_KEPT_FROM = tight(rb"\$(" + NAME_P + rb")\s*=(?![=>])\s*@?\s*$")
# a fetch printed as it is called: echo @file_get_contents(...)
_PRINTS_CALL = tight(rb"(?<![\w$>:])(?:echo|print|die|exit)\b\s*\(?\s*@?\s*$")
# the answer decoded into another variable: $text = base64_decode($page[, true])
_DECODED_INTO = tight(
    rb"\$(" + NAME_P + rb")\s*=(?![=>])\s*@?\s*(?:base64_decode|gzinflate|gzuncompress|"
    rb"str_rot13|strrev|hex2bin|urldecode|rawurldecode)\s*\(\s*\$(" + NAME_P + rb")\b"
)


def _own_fetchers(ctx: Ctx) -> set[bytes]:
    """The file's own functions whose body fetches (curl, file_get_contents, a socket,
    WordPress's HTTP API): ``request_url_data($url)`` is a fetch of ``$url``."""
    return {
        name for name, body in function_bodies(ctx).items()
        if any(body.find(w) >= 0 for w in _OWN_FETCHER_WORDS)
    }  # fmt: skip


def _printed(ctx: Ctx, var: bytes, after: int) -> int:
    """Where ``$var`` is printed after ``after`` (echo, print, printf, die, exit: the value
    itself, not a test of it), or -1."""
    held = re.compile(
        rb"(?<![\w$>:])(?:echo|print|printf|die|exit)\b\s*\(?\s*\$" + re.escape(var)
        + rb"(?![\w\x80-\xff])\s*[;),.]"
    )
    m = held.search(ctx.code, after)
    return m.start() if m is not None else -1


@feature("hidden_remote_printed")
def _hidden_remote_printed(ctx: Ctx, rule: Rule) -> Hit | None:
    """A page that prints what a web address the file hides answers (a literal decoded by
    base64_decode, hex2bin, str_rot13 or strrev where it is fetched, directly, through a
    variable or through a fetching function of the file's own): the operator's server
    writes into every page the file runs on (scripts, links, redirects) while a reader and
    a search for its host see nothing. Printed as it came or after one decoding step
    (``print base64_decode($answer)``). A site prints what it fetches from addresses it
    writes out; a licence check with a hidden address prints its own words."""
    code = ctx.code
    own = _own_fetchers(ctx)
    for m in itertools.islice(prefiltered_finditer(_HIDDEN_ADDRESS, code, ctx.first), 50):
        value = _unhide(m.group(1), ctx.lx.value(int(m.group(2)))).strip().lower()
        if not value.startswith((b"http://", b"https://")):
            continue
        for at in _hidden_fetches(ctx, m.start(), own):
            if _PRINTS_CALL.search(code, max(0, at - 40), at) is not None:
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
            kept = _KEPT_FROM.search(code, max(0, at - 80), at)
            if kept is None:
                continue
            answer = kept.group(1)
            shown = _printed(ctx, answer, at)
            if shown < 0:
                for d in itertools.islice(_DECODED_INTO.finditer(code, at), 10):
                    if d.group(2) == answer:
                        shown = _printed(ctx, d.group(1), d.end())
                        if shown >= 0:
                            break
            if shown >= 0:
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


def _hidden_fetches(ctx: Ctx, pos: int, own: set[bytes]) -> list[int]:
    """Where the decoded address at ``pos`` is fetched: the start of each fetch call (a
    built-in one, or a call of one of the file's own fetching functions ``own``) that takes
    it, directly or through a variable set to it whose every use in the same function (or
    outside any) is such a call."""
    code = ctx.code

    def call_at(p: int) -> int:
        before = code[max(0, p - 60) : p]
        call = re.search(rb"([a-z_]\w*)\s*\(\s*@?\s*$", before)
        if call is None:
            return -1
        name = call.group(1)
        if name in FETCH_CALLS or name in _SENDERS or name in own or name == b"wp_remote_get":
            return max(0, p - 60) + call.start()
        return -1

    direct = call_at(pos)
    if direct >= 0:
        return [direct]
    name = variable_holding(code, pos)
    if name is None:
        return []  # not set to a variable, or the decoded text is part of something larger
    var = b"$" + name
    found = []
    spans = _function_spans(ctx)
    scope = _innermost(spans, pos)
    for u in itertools.islice(re.finditer(re.escape(var) + rb"(?![\w\x80-\xff])", code), 50):
        if re.match(rb"\s*=(?![=>])", code[u.end() : u.end() + 12]):
            continue  # the assignment
        if _innermost(spans, u.start()) != scope:
            continue  # another function's variable of the same name
        at = call_at(u.start())
        if at >= 0 and code[max(0, at - 12) : at].rstrip().endswith(b"function"):
            continue  # a parameter of the same name in a function's head
        if at < 0:
            return []
        found.append(at)
    return found


# a mail template's random filler: {randstr,10}, [-randomletters-], ##randnum##, %random%
_RANDOM_FILL = (
    rb"(?:\{[a-z_]*rand[a-z_]*(?:,[^{}]{0,20})?\}|\[-?[a-z_]*rand[a-z_]*-?\]"
    rb"|##[a-z_]*rand[a-z_]*##|%[a-z_]*rand[a-z_]*%)"
)
_FILLED_DOMAIN = tight(rb"@[^\s'\"<>@]{0,60}?" + _RANDOM_FILL)
_RANDOM_CALL = tight(
    rb"(?<![\w$>:])(?:rand|mt_rand|uniqid|str_shuffle|random_bytes|random_int|array_rand"
    rb"|openssl_random_pseudo_bytes)\s*\("
)
# a literal ending in '@', something computed, a literal starting a domain: 'x@' . ... . '.com'
_BUILT_DOMAIN = tight(rb"\x01(\d+)\x01\s*\.\s*([^;]{1,120}?)\s*\.\s*\x01(\d+)\x01")
_DOMAIN_TAIL = tight(rb"\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[>\s].*)?", re.DOTALL)
# what says the address is the sender's: setFrom(, ->From =, $from... = / $sender... =,
# a 'from...' or 'sender...' key, a From: header
_FROM_CALL = tight(
    rb"(?:setfrom|->\s*from|\$[\w\x80-\xff]*(?:from|sender)[\w\x80-\xff]*\s*"
    rb"(?:\[[^\]]{0,30}\]\s*)?\.?=)\s*\(?\s*$"
)
_KEY_BEFORE = tight(rb"\x01(\d+)\x01\s*=>\s*$")


_GLUED_AFTER = tight(rb"\x01(\d+)\x01\s*\.\s*$")
_HEADER_FROM = tight(rb"(?:^|[\r\n]|\\[rn])\s*(?:from|sender|reply-to)\s*:", re.IGNORECASE)


def _sender_place(ctx: Ctx, pos: int, text: bytes) -> bool:
    """Whether the address starting at ``pos`` (the literal's text ``text``) is a sender's:
    a From: header in the text or glued right after one, or set as the sender by what comes
    just before it (setFrom(, ->From =, $from = / $sender =, a 'from...' or 'sender...' key)."""
    if _HEADER_FROM.search(text):
        return True
    before = ctx.code[max(0, pos - 80) : pos]
    if _FROM_CALL.search(before):
        return True
    key = _KEY_BEFORE.search(before)
    if key is not None:
        name = ctx.lx.value(int(key.group(1))).lower()
        return name.find(b"from") >= 0 or name.find(b"sender") >= 0
    glued = _GLUED_AFTER.search(before)
    return glued is not None and _HEADER_FROM.search(ctx.lx.value(int(glued.group(1)))) is not None


@feature("random_sender_domain")
def _random_sender_domain(ctx: Ctx, rule: Rule) -> Hit | None:
    """A sender address whose domain is made up anew for each mail: a mail template's
    random filler after the '@' ('service@{randstr,12}.paypal-resolution.com',
    'noreply@[-randomletters-].id-apple.com') or a random string glued between 'x@' and
    '.domain' in code. No one sends from a random host of a domain; a spam tool forges its
    sender so that no two mails look alike."""
    code = ctx.code
    value = ctx.lx.value
    for i in literals_holding(ctx, (b"rand",), 20000):
        text = value(i)
        if find(text, b"@") < 0 or not _FILLED_DOMAIN.search(text.lower()):
            continue
        at = find(code, b"\x01%d\x01" % i)
        if at >= 0 and _sender_place(ctx, at, text):
            return Hit(ctx.line_of_code(at), excerpt(text[:120]))
    if not has_any(ctx, (b"rand", b"uniqid", b"str_shuffle")) or prefiltered_search(
        _RANDOM_CALL, code, ctx.first
    ) is None:
        return None
    tries = 0  # places whose value is followed (each may search the file once)
    replaced: list[tuple[bytes, bytes]] | None = None  # (token, what str_replace puts in)
    # each place below is a literal with an "@": the others are passed over unread
    at_sign = set(literals_holding(ctx, (b"@",), len(ctx.lx.raw_strings)))
    for m in itertools.islice(PLACEHOLDER.finditer(code), 20000):
        idx = int(m.group(1))
        if idx not in at_sign:
            continue
        head = value(idx)
        if head.endswith(b"@"):
            built = _BUILT_DOMAIN.match(code, m.start())
            if built is None or tries >= 50:
                continue
            tries += 1
            if not _random_value(ctx, built.group(2)):
                continue
            if not _DOMAIN_TAIL.fullmatch(value(int(built.group(3))).lower()):
                continue
            if _sender_place(ctx, m.start(), head):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), built.end()))
            continue
        # sprintf('info@%s.secure-mail.com', substr(md5(mt_rand()), 0, 8)), or a literal's
        # token put in by str_replace: str_replace('%RND%', rnd(10), 'x@%RND%.domain.com')
        if head.find(b"@") < 0:
            continue
        filled = _FORMAT_DOMAIN.search(head.lower())
        if filled is None or tries >= 50:
            continue
        tries += 1
        call = _FILLED_BY.search(code, max(0, m.start() - 300), m.start())
        if call is not None and call.group(1) == b"sprintf":
            given = top_args(code[call.end() : call.end() + 400])[1:5]
            place = call.start()
        else:
            # the token replaced wherever the file does it (the address kept in settings)
            if replaced is None:
                replaced = [
                    (value(int(token.group(1))).lower(), args[1])
                    for r in itertools.islice(prefiltered_finditer(_REPLACE_CALL, code), 20)
                    if len(args := top_args(code[r.end() : r.end() + 400])) > 2
                    and (token := PLACEHOLDER.fullmatch(args[0].strip())) is not None
                ]
            given = [put for token, put in replaced if token == filled.group(1)][:4]
            place = m.start()
        if any(_random_value(ctx, a) for a in given) and _sender_place(ctx, place, head):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(place, m.end()))
    return None


_REPLACE_CALL = tight(rb"(?<![\w$>:])str_i?replace\s*\(")


# a format's or a template's hole right after the '@' of an address with a domain after it
_FORMAT_DOMAIN = tight(
    rb"@(%s|%[a-z_]{1,20}%|\{[a-z_]{1,20}\}|##[a-z_]{1,20}##)\.[a-z0-9-]+\."
)
# ... filled by sprintf() or str_replace() (the address literal at most 300 bytes after)
_FILLED_BY = tight(rb"(?<![\w$>:])(sprintf|str_replace)\s*\((?=[^;]{0,300}$)")


def _random_value(ctx: Ctx, expr: bytes) -> bool:
    """Whether ``expr`` is made at random: it calls rand(), mt_rand(), uniqid(), str_shuffle(),
    random_bytes()..., or is a variable set to such a value, or calls a function of the
    file's own that does."""
    if _RANDOM_CALL.search(expr):
        return True
    code = ctx.code
    var = re.fullmatch(rb"\s*\$(" + NAME_P + rb")\s*", expr)
    if var is not None:
        for a in itertools.islice(re.finditer(
            rb"\$" + re.escape(var.group(1)) + rb"\s*=(?![=>])([^;]{1,300})", code
        ), 5):
            if _RANDOM_CALL.search(a.group(1)):
                return True
        return False
    own = re.match(rb"\s*(" + NAME_P + rb")\s*\(", expr)
    if own is not None:
        body = function_body(ctx, own.group(1))
        return body is not None and _RANDOM_CALL.search(body[:4000]) is not None
    return False


# a mailer object's server account set: ->Host = ..., ->Username = ..., ->Password = ...
_ACCOUNT_RHS = tight(rb"->\s*(host|username|password)\s*=(?![=>])([^;]{1,200});")
# a value kept under a literal name of $GLOBALS: $GLOBALS['acct'] = $_POST['acct'];
_GLOBALS_SET = tight(rb"\$globals\s*\[\s*\x01(\d+)\x01\s*\]\s*=(?![=>])([^;]{1,200});")
_GLOBALS_GET = tight(rb"\$globals\s*\[\s*\x01(\d+)\x01\s*\]")
# the letter of a mailer object, or of mail() (its third argument)
_LETTER_RHS = tight(
    rb"->\s*(?:body|altbody)\s*=(?![=>])([^;]{1,200});|->\s*msghtml\s*\(([^;]{1,200})"
)
# a mailer's settings kept by the application (a plugin's settings page saves them)
_SETTINGS_SAVED = (b"update_option", b"update_site_option", b"add_option")


def _account_fed(ctx: Ctx, req: set[bytes], expr: bytes, depth: int = 0) -> bool:
    """Whether ``expr`` carries request input: directly, through a tainted variable, a
    literal-named $GLOBALS slot given request input, or a variable assigned (a few steps
    back) from one of these (``$parts = explode(':', $GLOBALS['acct'])``)."""
    text = interpolated(ctx, expr)
    if UIN_RE.search(text) or req.intersection(VAR.findall(text)):
        return True
    if depth >= 3:
        return False
    value = ctx.lx.value
    for g in _GLOBALS_GET.finditer(text):
        name = value(int(g.group(1)))
        for s in itertools.islice(_GLOBALS_SET.finditer(ctx.code), 60):
            if value(int(s.group(1))) == name and _account_fed(ctx, req, s.group(2), depth + 1):
                return True
    return any(
        _account_fed(ctx, req, rhs, depth + 1)
        for var in set(VAR.findall(text))
        if var != b"globals"
        for rhs in _feeds(ctx, b"$" + var)[:6]
    )


@feature("smtp_account_request")
def _smtp_account_request(ctx: Ctx, rule: Rule) -> Hit | None:
    """A relay for whoever posts: the SMTP account the script logs in with (a mailer
    object's Username or Password, or the user and password of a raw session's AUTH) comes
    from the request (separate fields, or one ``host:port:user:pass`` line split), and the
    same file sends a letter from the request to recipients from the request. A site's
    mailer logs in with the account of its configuration; a settings page saves the posted
    account (update_option) and mails a test to its admin; a test page sends its own fixed
    message."""
    code = ctx.code
    if not request_input_in_code(ctx) or any(find(code, w) >= 0 for w in _SETTINGS_SAVED):
        return None
    req, _dec = taint(ctx)
    login = -1
    for m in itertools.islice(_ACCOUNT_RHS.finditer(code), 20):
        if m.group(1) != b"host" and _account_fed(ctx, req, m.group(2)):
            login = m.start()
            break
    raw = login < 0 and _smtp(ctx) >= 0 and _AUTH_VERB.search(string_text(ctx)) is not None
    if raw:
        for start, args in calls_to(ctx, SOCKET_WRITES, 50):
            b64 = _B64_ARG.search(b",".join(top_args(args)[1:]))
            if b64 is not None and _account_fed(ctx, req, b64.group(1)):
                login = start
                break
    if login < 0:
        return None
    if not raw and _one_letter_test(ctx, req, login):
        return None
    value = ctx.lx.value
    # a raw session's writes, each with its literals: RCPT TO names a recipient
    # (what is written, not the socket: it is made from the posted host)
    writes = [
        (sent, b" ".join(value(int(q.group(1))).lower() for q in PLACEHOLDER.finditer(sent)))
        for sent in (b",".join(top_args(a)[1:]) for _, a in calls_to(ctx, SOCKET_WRITES, 50))
    ] if raw else []
    if not any(_account_fed(ctx, req, arg) for _, arg in _recipient_sites(ctx)[:50]) and not any(
        _RCPT.search(lits) and _account_fed(ctx, req, args) for args, lits in writes
    ):
        return None
    letters = [m.group(1) or m.group(2) for m in itertools.islice(_LETTER_RHS.finditer(code), 20)]
    letters += [
        top_args(args)[2]
        for _, args in calls_to(ctx, SINK_NAMES["mail"], 50)
        if len(top_args(args)) > 2
    ]
    # the DATA of a raw session: what is written besides the login and the envelope
    letters += [
        args
        for args, lits in writes
        if b"base64_encode" not in args and re.search(rb"rcpt\s+to|mail\s+from", lits) is None
    ]
    if not any(_account_fed(ctx, req, text) for text in letters):
        return None
    return Hit(ctx.line_of_code(login), ctx.excerpt_code(login, login + 100))


# a list split into its addresses: explode("\n", $_POST['emails']), preg_split, a file's lines
_LIST_SPLIT = tight(
    rb"(?<![\w$>:])(?:(explode)\s*\(\s*(?:\x01(\d+)\x01|php_eol)|preg_split\s*\(|"
    rb"str_getcsv\s*\(|file\s*\()"
)


def _split_list(ctx: Ctx, expr: bytes, depth: int = 0) -> bool:
    """Whether ``expr`` is, or is made (a few assignments back) of, a list split into its
    items: ``explode("\\n", $_POST['to'])``, preg_split(), str_getcsv(), a file's lines; not
    an address cut at its "@" (``explode('@', $to)``: the name before it)."""
    value = ctx.lx.value
    for m in _LIST_SPLIT.finditer(expr):
        if m.group(1) is None or m.group(2) is None or value(int(m.group(2))).find(b"@") < 0:
            return True
    if depth >= 3:
        return False
    return any(
        _split_list(ctx, rhs, depth + 1)
        for var in set(VAR.findall(expr))
        for rhs in _feeds(ctx, b"$" + var)[:6]
    )


# a request field read by its literal key: $_POST['user']
_FIELD_KEY = tight(rb"\$_(?:post|get|request)\s*\[\s*\x01(\d+)\x01\s*\]")


def _asked_fields(ctx: Ctx, expr: bytes, depth: int = 0) -> set[bytes]:
    """The keys of the request fields ``expr`` is read from, directly or a few plain
    assignments back; none when a list is split on the way (``explode(':', $line)``: an
    account handed over as one ``host:port:user:pass`` line)."""
    if _LIST_SPLIT.search(expr) is not None or b"explode" in expr:
        return set()
    value = ctx.lx.value
    keys = {value(int(k)).strip().lower() for k in _FIELD_KEY.findall(expr)}
    if depth < 3:
        for var in set(VAR.findall(expr)):
            for rhs in _feeds(ctx, b"$" + var)[:6]:
                keys |= _asked_fields(ctx, rhs, depth + 1)
    return keys


def _one_letter_test(ctx: Ctx, req: set[bytes], login: int) -> bool:
    """Whether the file is a page that tests an SMTP account typed into its own form: the
    account the mailer object logs in with (the ->Username/->Password at ``login``) is read
    from fields the page's own <input>s ask for, the letter goes to one address the request
    gives, once (no recipient of the request set inside a loop or from a list split into
    its addresses: explode of lines or commas, preg_split, a file's lines; no loop over
    request input), and the file shows its errors. A bulk sender loops over a list; a relay
    driven by a bot asks for nothing on a page and takes the account as one split line or
    hides its failures. Still an open relay: the recipient rule's finding stays."""
    if _hides_errors(ctx) or _request_loop_vars(ctx, req):
        return False
    code = ctx.code
    set_at = _ACCOUNT_RHS.match(code, login)
    keys = _asked_fields(ctx, set_at.group(2)) if set_at is not None else set()
    page = ctx.lx.html.lower() + b"\n" + string_text(ctx)
    if not keys or not any(
        re.search(rb"<input\b[^>]{0,300}?\bname\s*=\s*[\"']?" + re.escape(k) + rb"[\"'\s/>]", page)
        for k in keys
    ):
        return False
    fed = [
        (at, arg) for at, arg in _recipient_sites(ctx)[:50] if _account_fed(ctx, req, arg)
    ]
    return bool(fed) and not any(
        in_loop(code, at) or _split_list(ctx, arg) for at, arg in fed
    )


# ------------------------------------------------- a list file's addresses probed on port 25
# a loop over the lines of a file: foreach (file('emails.dat') as $i => $email) {, or over a
# variable set from one ($list = file('list.txt'); foreach ($list as $to) {)
_LIST_LOOP = tight(rb"foreach\s*\(\s*(@?\s*file\s*\(|\$(" + NAME_P + rb"))[^{;]{0,200}\)\s*\{")
_FILE_LINES = tight(rb"^\s*@?\s*(?:file\s*\(|explode\s*\([^;]{0,80}?file_get_contents\s*\()")
# the recipient's mail servers looked up, and one of them reached on port 25
_MX_LOOKUP = tight(rb"(?<![\w$>:])(?:getmxrr\s*\(|dns_get_record\s*\([^;]{0,80}?dns_mx\b)")
_PORT_25 = tight(rb"(?<![\w$>:])(?:fsockopen|pfsockopen)\s*\([^;,]{1,120},\s*25\s*[,)]")
_SENDS = tight(rb"(?<![\w$>:])mail\s*\(|->\s*send\s*\(")
_OWN_CALL = tight(rb"(?<![\w$>:])(" + NAME_P + rb")\s*\(")


@feature("mx_probed_list")
def _mx_probed_list(ctx: Ctx, rule: Rule) -> Hit | None:
    """A mail run over an address list read from a file, each address's domain probed first:
    its mail servers looked up (getmxrr, dns_get_record(..., DNS_MX)) and one reached on port
    25, then the letter sent (mail(), a mailer's send()) in the same loop, directly or through
    the file's own functions (two calls deep): a harvested list cleaned of dead domains as it
    is spammed. An address validator probes and sends nothing; a newsletter sends to its
    subscribers without knocking on their servers first; a sign-up form checks one typed
    address, not a list file."""
    code = ctx.code
    if _MX_LOOKUP.search(code) is None or _PORT_25.search(code) is None:
        return None
    bodies = function_bodies(ctx)

    def expanded(text: bytes, depth: int) -> bytes:
        out = [text]
        if depth > 0:
            for name in {m.group(1) for m in itertools.islice(_OWN_CALL.finditer(text), 60)}:
                body = bodies.get(name)
                if body is not None:
                    out.append(expanded(body, depth - 1))
        return b"\n".join(out)

    for m in itertools.islice(_LIST_LOOP.finditer(code), 40):
        if m.group(2) is not None:
            given = var_assigns(code, m.group(2), TAIL_RHS, 3)
            if not given or not all(_FILE_LINES.match(g[1].group(1)) for g in given):
                continue
        work = expanded(braced(code, m.end() - 1), 2)
        if (
            _SENDS.search(work) is not None
            and _MX_LOOKUP.search(work) is not None
            and _PORT_25.search(work) is not None
        ):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 90))
    return None


# an e-mail address, and a loop over a list: foreach ($list as $to)
_ADDRESS_IN = tight(rb"[\w.+-]{1,64}@([\w-]{1,63}(?:\.[\w-]{1,63})+)")
_FOREACH_LIST = tight(rb"(?<![\w$>:])foreach\s*\(\s*([^;{}]{1,200}?)\s+as\s")
_LIST_MIN = 10  # addresses written into the script; a site notifies two or three of its own
_LIST_DOMAINS = 3
_SEND_CALL = tight(rb"->\s*send\s*\(")


def _listed_addresses(ctx: Ctx, expr: bytes, depth: int = 2) -> set[bytes]:
    """The addresses written in the literals of ``expr`` and of what the variables in it
    were given, ``depth`` levels down (``explode(',', $list)`` with ``$list = 'a@x, ...'``)."""
    value = ctx.lx.value
    found: set[bytes] = set()
    for p in itertools.islice(PLACEHOLDER.finditer(expr), 400):
        found.update(m.group(0).lower() for m in _ADDRESS_IN.finditer(value(int(p.group(1)))))
    if depth:
        for name in dict.fromkeys(v.group(1) for v in itertools.islice(VAR.finditer(expr), 6)):
            for _, m in var_assigns(ctx.code, name, _LIST_GIVEN, 5):
                found |= _listed_addresses(ctx, m.group(1), depth - 1)
    return found


# what a variable is given, up to its statement's end (an array of many addresses is long)
_LIST_GIVEN = tight(rb"\s*=(?![=>])([^;]{0,20000})")


@feature("literal_list_blast")
def _literal_list_blast(ctx: Ctx, rule: Rule) -> Hit | None:
    """Mail sent in a loop over a list of recipients written into the script itself (ten
    addresses or more, at three domains or more: a string of addresses split, or an array of
    them): a spam run carried with its target list. A site's mail goes to the addresses it
    keeps (its users, its subscribers), or to the two or three of its own office."""
    if ctx.first(b"foreach") < 0:
        return None
    sends = [start for start, _ in calls_to(ctx, SINK_NAMES["mail"], 50)]
    code = ctx.code
    if find(code, b"->send") >= 0 or find(code, b"-> send") >= 0:
        sends.extend(m.start() for m in itertools.islice(_SEND_CALL.finditer(code), 50))
    if not sends:
        return None
    for m in itertools.islice(prefiltered_finditer(_FOREACH_LIST, code, ctx.first), 50):
        opens = code.index(b"(", m.start()) + 1
        brace = opens + close_paren(code[opens : opens + 600]) + 1
        while code[brace : brace + 1] in (b" ", b"\t", b"\r", b"\n"):
            brace += 1
        body = braced(code, brace) if code[brace : brace + 1] == b"{" else b""
        if not body or not any(brace < s < brace + len(body) for s in sends):
            continue
        listed = _listed_addresses(ctx, m.group(1))
        if len(listed) < _LIST_MIN:
            continue
        domains = {a.rpartition(b"@")[2] for a in listed}
        if len(domains) < _LIST_DOMAINS:
            continue
        return Hit(
            ctx.line_of_code(m.start()),
            excerpt(b"mail sent to %d addresses written in the script" % len(listed)),
        )
    return None
