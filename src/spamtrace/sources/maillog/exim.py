"""Exim main log line -> :class:`MailLogged` (pure: no I/O, no clock).

What is read (Exim 4.9x, Debian's ``exim4`` and cPanel's ``exim``)::

    2026-12-04 18:26:42 cwd=/home/shop/public_html 3 args: /usr/sbin/sendmail -t -i
    2026-12-04 18:26:42 1xZXzW-0004er-2T <= shop@host U=shop P=local S=387
    2026-12-04 18:26:43 1xZXzX-0004f1-2A <= info@shop.example H=(pc) [203.0.113.5]:51234
        I=[10.0.0.1]:587 P=esmtpsa X=TLS1.3:... CV=no A=dovecot_login:info@shop.example S=812
        id=abc@shop.example T="Hello" from <info@shop.example> for a@x.example b@y.example
    2026-12-04 18:26:44 1xZXzW-0004er-2T => a@x.example R=dnslookup T=remote_smtp H=mx [192.0.2.1]
    2026-12-04 18:26:44 1xZXzW-0004er-2T -> b@y.example R=dnslookup T=remote_smtp H=mx [192.0.2.2]
    2026-12-04 18:26:44 1xZXzW-0004er-2T == c@z.example R=dnslookup defer (-44): greylisted
    2026-12-04 18:26:44 1xZXzW-0004er-2T ** d@z.example: 550 User unknown
    2026-12-04 18:26:44 1xZXzW-0004er-2T Completed

``A=`` is ``driver``, ``driver:id`` or, with ``log_selector = +smtp_mailauth``,
``driver:id:authenticated-sender``; Exim writes the id raw (spaces too), so it is read up to the
next field (``K``, ``PRDR``, ``PRX=``, ``S=``: what Exim's ``receive.c`` writes after it) and
the authenticated sender is taken off (:func:`auth_of`).

The ``cwd=`` line needs ``log_selector = +arguments`` (``spamtrace audit`` checks it); the ``for``
list of recipients needs ``+received_recipients``, without it recipients are known from the
deliveries. Options of the time stamp are understood: ``+millisec`` (``.123``), ``+pid``
(``[1234]``) and ``log_timezone`` (``+0100``); message ids of both forms (``1xZXzW-0004er-2T``
and Exim 4.97's ``1rLqrJ-00000005TBP-3lbO``).

Attacker-controlled text is everywhere in these lines (the sender address, the HELO name,
the message id, the subject, the arguments and the cwd of a local submission), so fields are
read left to right and reading stops at the first field after which only such text follows
(``id=``, ``T=``): a forged ``U=root`` in a subject is never read. An argument with spaces is
logged in double quotes and read as one; a line that cannot be read raises
:class:`MalformedLine`; a line that says nothing this module is about (connections, rejects,
queue runs) gives ``None``.
"""

from __future__ import annotations

from spamtrace.sources.maillog.event import MailAction, MailLogged, MalformedLine, mailbox_name
from spamtrace.sources.maillog.stamp import iso_seconds, offset_seconds

MTA = "exim"
_ARRIVAL = MailAction.ARRIVAL
_DELIVERY = MailAction.DELIVERY
_DEFER = MailAction.DEFER
_BOUNCE = MailAction.BOUNCE
_COMPLETED = MailAction.COMPLETED
_ARGUMENTS = MailAction.ARGUMENTS
#: recipients read from one ``for`` list (a bigger list is counted, not kept)
MAX_RECIPIENTS = 1000
#: "N args:" places whose arguments are read in one cwd= line (the working folder may hold
#: look-alikes; each costs a pass over the rest of the line, so a line of thousands, which
#: a local user can log with sendmail's argv, is malformed rather than seconds of work)
MAX_ARGS_TRIES = 8


_new = tuple.__new__  # a MailLogged from all its fields at once (see event.py)


def _per_recipient(
    wall: float, action: MailAction, qid: str, pid: int | None, rcpt: str | None, detail: str | None
) -> MailLogged:
    """A delivery, deferral, bounce or completion line's event (most lines of a log)."""
    rcpts = (rcpt,) if rcpt else ()
    return _new(  # type: ignore[no-any-return]
        MailLogged,
        (wall, MTA, action, qid, pid, None, None, None, None, None, None, None, None, None,
         rcpts, None, None, (), None, None, None, detail),
    )  # fmt: skip


def is_message_id(token: str) -> bool:
    """``1xZXzW-0004er-2T`` (16 characters) or ``1rLqrJ-00000005TBP-3lbO`` (23)."""
    n = len(token)
    return (n == 16 or n == 23) and token[6] == "-" and token[n - 3 if n == 16 else n - 5] == "-"


def parse_line(line: str, utc_offset: int = 0) -> MailLogged | None:
    """One line (without its newline) -> event, ``None`` if not about a message.

    ``utc_offset``: seconds east of UTC of the server's local time, which Exim logs in unless
    the line carries its own offset (``log_timezone``).
    """
    if len(line) < 21 or line[4] != "-" or line[10] != " ":
        raise MalformedLine("no Exim time stamp")
    if line[19] == " " and line[20] not in "+-[":  # no +millisec, log_timezone, +pid
        return _body(line, 20, iso_seconds(line[:19], utc_offset), None)
    i = 20
    if line[19] == ".":  # +millisec
        i = line.find(" ", 19) + 1
        if i == 0:
            raise MalformedLine("no Exim time stamp")
    offset = utc_offset
    if line[i : i + 1] in ("+", "-") and line[i + 5 : i + 6] == " ":  # log_timezone
        own = offset_seconds(line[i : i + 5])
        if own is not None:
            offset = own
            i += 6
    wall = iso_seconds(line[:19], offset)
    if line[19] == ".":
        try:
            wall += float("0" + line[19 : line.find(" ", 19)])
        except ValueError:
            raise MalformedLine("bad fraction of a second") from None
    pid = None
    if line[i : i + 1] == "[":  # +pid
        end = line.find("] ", i)
        if end < 0 or not line[i + 1 : end].isdecimal():
            raise MalformedLine("bad [pid]")
        pid = int(line[i + 1 : end])
        i = end + 2
    return _body(line, i, wall, pid)


def _body(line: str, i: int, wall: float, pid: int | None) -> MailLogged | None:
    """The line after its time stamp (and pid), from index ``i``.

    Most lines of a log are deliveries and ``Completed`` lines: they are read in place (no
    copy of the rest of the line), the message id checked without a call."""
    if line.startswith("cwd=", i):
        return _arguments(line[i + 4 :], wall, pid)
    sp = line.find(" ", i)
    n = sp - i  # is_message_id, inline
    if not (
        (n == 16 and line[i + 6] == "-" and line[i + 13] == "-")
        or (n == 23 and line[i + 6] == "-" and line[i + 18] == "-")
    ):
        return None
    qid = line[i:sp]
    op = line[sp + 1 : sp + 4]
    if op == "=> " or op == "-> ":
        return _per_recipient(wall, _DELIVERY, qid, pid, _recipient(line, sp + 4), None)
    if op == "<= ":
        return _arrival(line[sp + 4 :], wall, pid, qid)
    if op == "== ":
        return _per_recipient(wall, _DEFER, qid, pid, _recipient(line, sp + 4), None)
    if op == "** ":
        reason = line[sp + 4 :].partition(": ")[2] or None
        return _per_recipient(wall, _BOUNCE, qid, pid, _recipient(line, sp + 4), reason)
    if line.endswith(" Completed", sp):
        return _per_recipient(wall, _COMPLETED, qid, pid, None, None)
    return None


def _recipient(line: str, start: int) -> str | None:
    """The address of a delivery line whose address starts at ``start``: the original
    ``<address>`` after it when Exim gives one."""
    sp = line.find(" ", start)
    if sp < 0:
        first = line[start:]
    else:
        if line.startswith("<", sp + 1):
            end = line.find(">", sp + 1)
            if end > sp + 2:
                return line[sp + 2 : end]
        first = line[start:sp]
    return first.rstrip(":") or None


def _arrival(body: str, wall: float, pid: int | None, qid: str) -> MailLogged:
    if body.startswith('"'):  # a quoted local part may hold spaces: "a b"@example.org
        end = body.find('"', 1)
        sp = body.find(" ", end if end > 0 else 0)
    else:
        sp = body.find(" ")
    if sp < 0:
        sender, fields = body, ""
    else:
        sender, fields = body[:sp], body[sp + 1 :]
    if sender == "<>":
        sender = ""
    user = protocol = auth = authenticator = host = ip = bounce_of = message_id = None
    size = None
    toks = fields.split(" ")
    n = len(toks)
    k = 0
    while k < n:
        tok = toks[k]
        k += 1
        key = tok[:2]
        if key == "U=":
            user = tok[2:]
        elif key == "P=":
            protocol = tok[2:]
        elif key == "S=":
            if tok[2:].isdecimal():
                size = int(tok[2:])
        elif key == "A=":
            value = tok[2:]
            while k < n and not _after_auth(toks[k]):  # an id with spaces: "plain:John Smith"
                value += " " + toks[k]
                k += 1
            authenticator, auth = auth_of(value)
        elif key == "H=":
            name = tok[2:]
            if name.startswith("["):  # H=[ip]:port
                ip = _ip(name)
                continue
            host = name
            while k < n:  # then "(helo)" and/or "[ip]:port"
                nxt = toks[k]
                if nxt.startswith("["):
                    ip = _ip(nxt)
                    k += 1
                    break
                if not nxt.startswith("(") and "=" in nxt:
                    break
                k += 1
        elif key == "R=":
            bounce_of = tok[2:]
        elif tok.startswith("id="):
            message_id = tok[3:]
            break
        elif key == "T=":
            break
    recipients: tuple[str, ...] = ()
    nrcpt = None
    where = fields.rfind(" for ")
    if where >= 0 and '"' not in fields[where:]:  # not inside T="..."
        listed = fields[where + 5 :].split()
        nrcpt = len(listed)
        recipients = tuple(listed[:MAX_RECIPIENTS])
    return _new(  # type: ignore[no-any-return]
        MailLogged,
        (wall, MTA, _ARRIVAL, qid, pid, sender, user, None, protocol, auth, authenticator,
         host, ip, size, recipients, nrcpt, None, (), None, None, bounce_of, message_id),
    )  # fmt: skip


def _after_auth(token: str) -> bool:
    """Whether ``token`` is a field Exim writes after ``A=`` (``PRDR``, ``K``, ``PRX=``, ``S=``,
    any ``name=``): where the authenticated id, which Exim logs raw, ends."""
    if token == "K" or token == "PRDR":
        return True
    eq = token.find("=")
    return eq > 0 and token[:eq].isascii() and token[:eq].isalnum()


def auth_of(value: str) -> tuple[str, str]:
    """(authenticator, mailbox) of an ``A=`` value: ``driver``, ``driver:id`` or, with
    ``log_selector = +smtp_mailauth``, ``driver:id:authenticated-sender`` (the sender of
    ``MAIL ... AUTH=``; Exim 4.96 writes ``box@x:<box@x>``).

    The sender Exim adds after the id (an address, or ``<>``) is taken off, so one mailbox is
    one sender with or without that option. An id may hold ':' itself, so the last part is
    taken off only when it is ``<>``, empty, the id again (``box@x:box@x``) or reads as an
    address (``a@b``: an '@' between other characters, no space): an id ``realm:box@x``
    logged without ``+smtp_mailauth``
    reads as ``realm``. The id's ASCII capitals are made small (:func:`mailbox_name`: a
    login typed in other cases is the same mailbox). An authenticator without ``server_set_id``
    logs no id: the mailbox is
    then ``(driver)`` (e.g. ``(cram_md5)``), one sender for all its messages, which no
    ``lock_mailbox_command`` is run for."""
    driver, _, rest = value.partition(":")
    if rest.endswith(":<>"):
        rest = rest[:-3]
    else:
        half = len(rest) // 2
        if len(rest) % 2 and rest[half] == ":" and rest[:half] == rest[half + 1 :]:
            rest = rest[:half]
        else:
            colon = rest.rfind(":")
            tail = rest[colon + 1 :]
            if colon >= 0 and (not tail or ("@" in tail[1:-1] and " " not in tail)):
                rest = rest[:colon]
    return driver, mailbox_name(rest) if rest else f"({driver})"


def _ip(token: str) -> str | None:
    end = token.find("]")
    return token[1:end] if end > 1 else None


def _arguments(text: str, wall: float, pid: int | None) -> MailLogged:
    """``/path with spaces 3 args: /usr/sbin/sendmail -t -i`` (the cwd is not quoted)."""
    start = 0
    tries = 0
    while True:
        at = text.find(" args:", start)
        if at < 0:
            raise MalformedLine("cwd= line without 'N args:'")
        start = at + 1
        num_at = text.rfind(" ", 0, at)
        count = text[num_at + 1 : at]
        if num_at < 0 or not count.isdecimal():
            continue
        tries += 1
        if tries > MAX_ARGS_TRIES:
            raise MalformedLine("cwd= line with too many 'N args:'")
        args = _split_args(text[at + 6 :])
        if args is not None and len(args) == int(count):
            return MailLogged(wall, MTA, _ARGUMENTS, None, pid, cwd=text[:num_at], args=args)
        if args is not None and text.endswith(" ..."):  # a long argv, cut by Exim
            return MailLogged(wall, MTA, _ARGUMENTS, None, pid, cwd=text[:num_at], args=args)


def joined_arguments(head: MailLogged, rest: str) -> MailLogged:
    """The arguments line Exim broke in two at a newline of the working folder's name:
    ``head`` (the first part, read as a cwd without arguments) and the ``rest`` of the line."""
    return _arguments(f"{head.cwd}\n{rest}", head.wall, head.pid)


def _split_args(text: str) -> tuple[str, ...] | None:
    """Exim writes each argument after a space, in double quotes when it holds a space."""
    if not text:
        return ()
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] != " ":
            return None
        i += 1
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            while end > 0 and end + 1 < n and text[end + 1] != " ":
                end = text.find('"', end + 1)
            if end < 0:
                return None
            out.append(text[i + 1 : end])
            i = end + 1
        else:
            end = text.find(" ", i)
            end = n if end < 0 else end
            out.append(text[i:end])
            i = end
    return tuple(out)
