"""The kinds of mail log read (a :class:`~spamtrace.sources.maillog.reader.LogSpec`'s
``kind``: ``exim``, ``postfix``, ``php``) and the settings each gives its readers: a reader
asks its kind's settings what to do rather than testing the kind's name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LogKind:
    """How the lines of one kind of mail log are read."""

    name: str
    #: a line longer than ``max_line`` is left unread (counted in ``long_lines``) rather than
    #: read cut: Exim's and Postfix's own lines are far shorter (Exim's at most ~16 KiB), so
    #: such a line is none of theirs, and its cut head read as one took a local submission
    #: cut before its ``U=`` / ``P=local`` for mail received from other servers (their
    #: compiled parsers leave such a line unread too). PHP writes a ``mail()`` call's headers
    #: whole (a ``Bcc:`` of thousands): its cut line still names the script and the call, and
    #: is read.
    drops_long_lines: bool
    #: its lines are an MTA's, about messages by queue id. A kind without (PHP's ``mail()``
    #: calls) is joined onto those messages, or its lines are the messages themselves when
    #: no log read has queue ids (:class:`~spamtrace.attribution.mail.MailLedger`'s
    #: ``php_only``).
    has_queue_ids: bool
    #: its lines name the sending script by its path as the writing process saw it: the
    #: chroot of the pool that writes the log (:attr:`LogSpec.root`) is put before it, and
    #: a name whose line breaks were written as spaces is looked up on disk
    #: (:class:`~spamtrace.sources.maillog.scriptnames.ScriptNames`).
    names_scripts: bool
    #: its file may hold lines of others, skipped as none of its records (PHP's ``mail.log``
    #: is often the pool's ``error_log`` too): a file with no record is no sign of a log of
    #: another kind, and is asked about only when given by hand (``--php-log``).
    shares_its_file: bool
    #: its lines may be read from the systemd journal: ``journal`` or ``journal:NAME`` given
    #: as a log of this kind names them there, no file (Postfix's, by its ``syslog_name``)
    in_journal: bool


#: every kind, by its name
LOG_KINDS: dict[str, LogKind] = {
    kind.name: kind
    for kind in (
        LogKind(
            "exim", drops_long_lines=True, has_queue_ids=True, names_scripts=False,
            shares_its_file=False, in_journal=False,
        ),
        LogKind(
            "postfix", drops_long_lines=True, has_queue_ids=True, names_scripts=False,
            shares_its_file=False, in_journal=True,
        ),
        LogKind(
            "php", drops_long_lines=False, has_queue_ids=False, names_scripts=True,
            shares_its_file=True, in_journal=False,
        ),
    )
}  # fmt: skip
