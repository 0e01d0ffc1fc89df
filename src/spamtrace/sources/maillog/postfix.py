"""Postfix mail log line (syslog) -> :class:`MailLogged` (pure: no I/O, no clock).

What is read (``/var/log/mail.log`` or ``/var/log/maillog``; BSD or RFC 3339 time stamps)::

    Dec  4 18:26:42 srv postfix/pickup[812]: 3F2A1C0123: uid=1001 from=<shop>
    Dec  4 18:26:43 srv postfix/smtpd[901]: 4B1C2D0456: client=unknown[203.0.113.5],
        sasl_method=LOGIN, sasl_username=info@shop.example
    Dec  4 18:26:43 srv postfix/qmgr[700]: 3F2A1C0123: from=<shop@srv>, size=523, nrcpt=3
        (queue active)
    Dec  4 18:26:44 srv postfix/smtp[950]: 3F2A1C0123: to=<a@x.example>, relay=mx[192.0.2.1]:25,
        delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 OK)
    Dec  4 18:26:44 srv postfix/qmgr[700]: 3F2A1C0123: removed

``pickup`` lines (mail submitted with ``sendmail``/``postdrop``, e.g. PHP ``mail()``) give the
submitting uid, ``smtpd`` lines the client and the SASL user; the ``qmgr`` ``from=`` line is the
arrival (size, recipient count); they are joined by queue id later
(:mod:`spamtrace.attribution.mail`). Service names from ``syslog_name`` (``postfix/submission/
smtpd``) and other instances (``postfix-out/smtp``) are understood; delivery agents are any
that log ``to=... status=`` (smtp, lmtp, local, virtual, pipe, error).

BSD syslog time stamps carry no year: the caller gives it (the reader uses the file's).
"""

from __future__ import annotations

from spamtrace.sources.maillog.event import MailAction, MailLogged, MalformedLine, mailbox_name
from spamtrace.sources.maillog.stamp import iso_seconds, offset_seconds, syslog_seconds

MTA = "postfix"
_new = tuple.__new__  # a MailLogged from all its fields at once (see event.py)
_STATUS = {
    "sent": MailAction.DELIVERY,
    "deferred": MailAction.DEFER,
    "bounced": MailAction.BOUNCE,
    "expired": MailAction.BOUNCE,
}


def _stamp(line: str, year: int, utc_offset: int) -> tuple[float, int]:
    """(epoch seconds, index after the stamp and its space)."""
    if line[4:5] == "-" and line[10:11] == "T":  # RFC 3339
        end = line.find(" ")
        if end < 19:
            raise MalformedLine("no syslog time stamp")
        text = line[:end]
        tail = text[19:]
        frac = 0.0
        if tail.startswith("."):
            j = 1
            while j < len(tail) and tail[j].isdecimal():
                j += 1
            frac = float("0" + tail[:j])
            tail = tail[j:]
        offset = offset_seconds(tail) if tail else utc_offset
        if offset is None:
            raise MalformedLine("bad time zone in the time stamp")
        return iso_seconds(text[:19], offset) + frac, end + 1
    if len(line) < 16 or line[15] != " ":
        raise MalformedLine("no syslog time stamp")
    return syslog_seconds(line[:15], year, utc_offset), 16


def stamp_of(line: str, year: int = 1970, utc_offset: int = 0) -> float:
    """The time stamp of a syslog line (raises MalformedLine without one)."""
    return _stamp(line, year, utc_offset)[0]


def parse_line(line: str, year: int = 1970, utc_offset: int = 0) -> MailLogged | None:
    """One line (without its newline) -> event, ``None`` if not about a queued message."""
    wall, i = _stamp(line, year, utc_offset)
    sp = line.find(" ", i)  # after the host name
    colon = line.find(": ", sp + 1)
    if sp < 0 or colon < 0:
        raise MalformedLine("no syslog tag")
    tag = line[sp + 1 : colon]
    if not tag.startswith("postfix"):
        return None
    bracket = tag.find("[")
    pid = None
    if bracket > 0 and tag.endswith("]") and tag[bracket + 1 : -1].isdecimal():
        pid = int(tag[bracket + 1 : -1])
        tag = tag[:bracket]
    daemon = tag[tag.rfind("/") + 1 :]
    msg = line[colon + 2 :]
    qcolon = msg.find(": ")
    if qcolon < 5 or qcolon > 20 or not msg[:qcolon].isalnum():
        return None  # connect/disconnect, warnings, NOQUEUE rejects, statistics
    qid = msg[:qcolon]
    text = msg[qcolon + 2 :]
    if daemon == "qmgr":
        if text.startswith("from=<"):
            return _queued(text, wall, pid, qid)
        if text == "removed":
            return _new(  # type: ignore[no-any-return]
                MailLogged,
                (wall, MTA, MailAction.COMPLETED, qid, pid, None, None, None, None, None, None,
                 None, None, None, (), None, None, (), None, None, None, None),
            )  # fmt: skip
        return None
    if daemon == "pickup":
        if not text.startswith("uid="):
            return None
        uid_text, _, rest = text[4:].partition(" ")
        user = rest[6:-1] if rest.startswith("from=<") and rest.endswith(">") else None
        uid = int(uid_text) if uid_text.isdecimal() else None
        return MailLogged(wall, MTA, MailAction.SUBMITTED, qid, pid, user=user, uid=uid)
    if text.startswith("client="):
        return _client(text, wall, pid, qid)
    if text.startswith("to=<"):
        return _delivery(text, wall, pid, qid)
    return None


def _queued(text: str, wall: float, pid: int | None, qid: str) -> MailLogged:
    end = text.find(">, ", 6)
    if end < 0:
        end = text.rfind(">")
        if end < 0:
            raise MalformedLine("from=< without >")
    sender = text[6:end]
    size = nrcpt = None
    for part in text[end + 3 :].split(", "):
        if part.startswith("size="):
            size = int(part[5:]) if part[5:].isdecimal() else None
        elif part.startswith("nrcpt="):
            count = part[6:].partition(" ")[0]
            nrcpt = int(count) if count.isdecimal() else None
    return MailLogged(wall, MTA, MailAction.ARRIVAL, qid, pid, sender, size=size, nrcpt=nrcpt)


def _client(text: str, wall: float, pid: int | None, qid: str) -> MailLogged:
    host = ip = auth = method = None
    for part in text.split(", "):
        if part.startswith("client="):
            value = part[7:]
            bracket = value.rfind("[")
            if bracket >= 0 and value.endswith("]"):
                host, ip = value[:bracket], value[bracket + 1 : -1]
            elif bracket >= 0 and "]:" in value[bracket:]:  # client=name[ip]:port
                host, ip = value[:bracket], value[bracket + 1 : value.rfind("]")]
            else:
                host = value
        elif part.startswith("sasl_username="):
            auth = mailbox_name(part[14:]) or None  # BOX@x and box@x: one mailbox
        elif part.startswith("sasl_method="):
            method = part[12:] or None
    return MailLogged(
        wall, MTA, MailAction.SUBMITTED, qid, pid, protocol=method, auth=auth, host=host, ip=ip
    )


def _delivery(text: str, wall: float, pid: int | None, qid: str) -> MailLogged | None:
    end = text.find(">", 4)
    if end < 0:
        raise MalformedLine("to=< without >")
    rcpt = text[4:end]
    rest = text[end + 1 :]
    orig = rest.find("orig_to=<")
    if orig >= 0:
        oend = rest.find(">", orig + 9)
        if oend > 0:
            rcpt = rest[orig + 9 : oend]
    st = rest.rfind(", status=")
    if st < 0:
        return None
    word = rest[st + 9 :].partition(" ")[0]
    action = _STATUS.get(word)
    if action is None:
        return None
    detail = rest[st + 10 + len(word) :].strip() or None
    return _new(  # type: ignore[no-any-return]
        MailLogged,
        (wall, MTA, action, qid, pid, None, None, None, None, None, None, None, None, None,
         (rcpt,), None, None, (), None, None, None, detail),
    )  # fmt: skip
