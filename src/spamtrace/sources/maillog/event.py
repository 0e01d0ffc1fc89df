"""The one event every mail log parser gives: :class:`MailLogged`, one per meaningful line.

A ``typing.NamedTuple`` rather than a record or a frozen dataclass: a log of a busy server has
millions of lines, and building a named tuple costs a fraction of what an ``__init__`` that
sets ~20 slots one by one costs (about 0.3 µs against 2-4 µs here). It is as immutable,
has no ``__dict__``, compares by value and is typed field by field.

Fields not given by a line are ``None`` (or ``()``); the parsers fill what the line says and
nothing else: joining lines of one message (by queue id, by process, by time) is the job of
:mod:`spamtrace.attribution.mail`.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class MailAction(str, enum.Enum):
    """What a mail log line says happened."""

    ARRIVAL = "arrival"  # a message entered the queue (Exim `<=`, Postfix qmgr `from=`)
    DELIVERY = "delivery"  # one recipient delivered (Exim `=>` / `->`, Postfix status=sent)
    DEFER = "defer"  # one recipient deferred (Exim `==`, Postfix status=deferred)
    BOUNCE = "bounce"  # one recipient failed for good (Exim `**`, Postfix status=bounced)
    COMPLETED = "completed"  # the message left the queue (Exim Completed, Postfix removed)
    ARGUMENTS = "arguments"  # Exim +arguments: the cwd and argv of a submitting process
    SUBMITTED = "submitted"  # Postfix pickup (uid=) or smtpd (client=, sasl_username=)
    SCRIPT_CALL = "script-call"  # PHP mail.log: a script called mail()


class MailLogged(NamedTuple):
    """One parsed mail log line (see the module docstring for what may be ``None``)."""

    wall: float  # the line's own time stamp, epoch seconds (UTC unless the log says otherwise)
    mta: str  # "exim", "postfix" or "php"
    action: MailAction
    queue_id: str | None = None  # Exim message id / Postfix queue id
    pid: int | None = None  # of the logging process, when the line carries it
    sender: str | None = None  # envelope sender; "" for the null sender <>
    user: str | None = None  # local user (Exim U=, Postfix pickup from=<user>)
    uid: int | None = None  # Postfix pickup uid=
    protocol: str | None = None  # Exim P= (local, esmtpsa...), Postfix sasl_method
    #: authenticated id (Exim A=driver:id, Postfix sasl_username=); "(driver)" for an Exim
    #: authenticator that logs no id (see exim.auth_of)
    auth: str | None = None
    authenticator: str | None = None  # Exim's authenticator driver (dovecot_login...)
    host: str | None = None  # client host name (or HELO in parentheses)
    ip: str | None = None  # client IP address
    size: int | None = None  # message size in bytes (Exim S=, Postfix size=)
    recipients: tuple[str, ...] = ()  # Exim `for` list / delivered address / PHP To:
    nrcpt: int | None = None  # recipient count when only the count is logged (Postfix)
    cwd: str | None = None  # Exim +arguments: the submitting process's working directory
    args: tuple[str, ...] = ()  # Exim +arguments: its argv
    script: str | None = None  # PHP: the script path that called mail()
    script_line: int | None = None  # PHP: the line of the mail() call
    bounce_of: str | None = None  # Exim R= on an arrival: the id of the message it bounces
    detail: str | None = None  # error text of a defer / bounce, the Exim message-id


#: ASCII capitals to small letters (and nothing else: the compiled parsers do the same)
_SMALL = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def mailbox_name(login: str) -> str:
    """An SMTP AUTH login that is a mailbox address (``a@b``) as one mailbox: its ASCII
    capitals made small. Mailbox logins are not case-sensitive where hosting servers check
    them (Dovecot's ``auth_username_format = %Lu``, Exim's ``lsearch`` of a passwd file,
    MySQL's default collation), and the MTA logs the login as the client typed it (Exim's
    ``plaintext`` and ``login`` authenticators, ``server_set_id = $auth2``): a botnet typing
    ``BOX@Shop.example``, ``box@SHOP.example``... with one stolen password was that many
    senders, each below every limit. Another id (``John Smith``, a realm) is kept as logged."""
    return login.translate(_SMALL) if "@" in login else login


def unnamed_login(auth: str | None) -> str | None:
    """The authenticator of an SMTP AUTH sender that Exim logged without an id (``auth`` is
    then ``(driver)``, see :func:`spamtrace.sources.maillog.exim.auth_of`), else None."""
    if auth is not None and len(auth) > 2 and auth[0] == "(" and auth[-1] == ")":
        return auth[1:-1]
    return None


class MalformedLine(ValueError):
    """A line that should be ours (it is in the log we read) but cannot be parsed.

    Raised by the parsers, counted and skipped by the readers: never fatal, never shown as
    a traceback. Lines that parse but say nothing of interest (connections, queue runs) are
    not malformed: the parsers return ``None`` for them.
    """
