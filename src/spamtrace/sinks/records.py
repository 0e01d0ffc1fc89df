"""From the engine's objects to the store's records, and back.

:func:`event_record` (one attributed attempt) and :func:`incident_record` (an incident as
stored, with its advice and scan result) give the ONE shape of an incident outside the
tracker: the store keeps it, :func:`spamtrace.render.incidents.incident_json` shows it, and
the engine's bus messages carry it. :func:`incident_of_record` is the way back (a restart
takes up the incidents the store holds).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from spamtrace.attribution.attributor import attempt_uid, connection_of
from spamtrace.model import (
    AttributedAttempt,
    AttributionMethod,
    SmtpConnectAttempted,
    SmtpConnectBlocked,
    Verdict,
)

if TYPE_CHECKING:
    from spamtrace.attribution.mail import MailMessage
    from spamtrace.model import Account, ProcessInfo
    from spamtrace.policy.incidents import Incident
    from spamtrace.policy.mail import MailIncident
    from spamtrace.sinks.store import EventRecord, IncidentRecord


#: the JSON of the parents and the notes of the processes recorded last (by identity: the
#: backlog's attempts of one process share its ProcessInfo, converted once, not per event)
_PROCESS_PARTS: dict[int, tuple[ProcessInfo, list[Any], list[str]]] = {}


def _process_parts(p: ProcessInfo) -> tuple[list[Any], list[str]]:
    from spamtrace.render.output import to_jsonable

    hit = _PROCESS_PARTS.get(id(p))
    if hit is not None and hit[0] is p:
        return hit[1], hit[2]
    parents, notes = to_jsonable(p.parents), list(p.notes)
    if len(_PROCESS_PARTS) >= 64:
        _PROCESS_PARTS.clear()
    _PROCESS_PARTS[id(p)] = (p, parents, notes)
    return parents, notes


def event_record(att: AttributedAttempt, incident_id: str | None) -> EventRecord:
    from spamtrace.sinks.store import EventRecord, EventType

    ev = att.event
    p = att.process
    blocked_ev = isinstance(ev, SmtpConnectBlocked)
    details: dict[str, Any] = {}
    if isinstance(ev, SmtpConnectAttempted):
        details = {"tid": ev.tid, "comm": ev.comm, "monotonic": ev.monotonic}
    else:
        details = {"prefix": ev.prefix}
    if p is not None:
        details["name"] = p.name
        details["parents"], details["notes"] = _process_parts(p)
    return EventRecord(
        type=EventType.CONNECT_BLOCKED if blocked_ev else EventType.CONNECT_ATTEMPTED,
        wall=ev.wall,
        pid=getattr(ev, "pid", None) or None,
        start_time=p.start_time if p else None,
        uid=attempt_uid(att),
        gid=(p.gid if p else None) if not blocked_ev else getattr(ev, "gid", None),
        user=p.user if p else None,
        account=att.account.name if att.account else None,
        exe=p.exe if p else None,
        cwd=p.cwd if p else None,
        cmdline=p.cmdline if p else (),
        scripts=p.scripts if p else (),
        local=str(ev.local),
        remote=str(ev.remote),
        verdict=att.verdict.value,
        reasons=att.reasons,
        method=(
            p.method.value
            if p
            else (
                AttributionMethod.NFLOG_UID_ONLY.value
                if blocked_ev
                else AttributionMethod.NONE.value
            )
        ),
        blocked=att.blocked,
        incident_id=incident_id,
        source=ev.source,
        details=details,
    )


def incident_record(
    inc: Incident,
    first: AttributedAttempt | None,
    suspect_files: Sequence[dict[str, Any]] | None = None,
    suspect_links: Sequence[dict[str, Any]] | None = None,
    not_scanned: int | None = None,
) -> IncidentRecord:
    """The stored state of an incident; ``suspect_files``: its scan result (None: not yet);
    ``suspect_links``: the symlinks of its folder to where a site must not reach;
    ``not_scanned``: the files of its folder that scan did not read."""
    from spamtrace.policy.verdict import advice
    from spamtrace.render.output import to_jsonable
    from spamtrace.sinks.store import IncidentRecord
    from spamtrace.suspects import file_advice, link_advice

    adv: tuple[str, ...] = ()
    process: dict[str, Any] = {}
    if first is not None:
        adv = advice(connection_of(first))
        if first.process is not None:
            process = to_jsonable(first.process)
    lines = [x for x in (file_advice(suspect_files), link_advice(suspect_links)) if x]
    if lines:
        adv = (*lines, *adv)
    return IncidentRecord(
        id=inc.id, verdict=inc.verdict.value, uid=inc.uid, user=inc.user, account=inc.account,
        account_kind=inc.account_kind, home=inc.home, exe=inc.exe, cwd=inc.cwd,
        scripts=inc.scripts, cmdline=inc.cmdline, connections=inc.connections,
        blocked=inc.blocked, destinations=inc.destinations, pids=inc.pids,
        first_seen=inc.first_seen, last_seen=inc.last_seen,
        rate_per_minute=inc.rate_per_minute, reasons=inc.reasons, methods=dict(inc.methods),
        advice=adv, process=process,
        suspect_files=None if suspect_files is None else tuple(suspect_files),
        suspect_links=None if suspect_links is None else tuple(suspect_links),
        domain=inc.domain, not_scanned=None if suspect_files is None else not_scanned,
    )  # fmt: skip


def incident_of_record(rec: IncidentRecord) -> Incident | None:
    """The tracker's view of a stored incident (None for a verdict this version does not know)."""
    from spamtrace.policy.incidents import Incident

    try:
        verdict = Verdict(rec.verdict)
    except ValueError:
        return None
    return Incident(
        id=rec.id, verdict=verdict, uid=rec.uid, user=rec.user, account=rec.account,
        account_kind=rec.account_kind, home=rec.home, exe=rec.exe, cwd=rec.cwd,
        scripts=rec.scripts, cmdline=rec.cmdline, connections=rec.connections,
        blocked=rec.blocked, destinations=rec.destinations, pids=rec.pids,
        first_seen=rec.first_seen, last_seen=rec.last_seen, reasons=rec.reasons,
        methods=tuple(sorted(rec.methods.items())), domain=rec.domain,
    )  # fmt: skip


def mail_records(
    msg: MailMessage,
    inc: MailIncident,
    account: Account | None,
    postfix_logs: Sequence[str] = (),
) -> tuple[EventRecord, IncidentRecord]:
    """One message of a mail incident (event ``mail-logged``) and the incident, as stored.

    The incident's ``connections`` are its messages, ``destinations`` a sample of its
    recipients, ``methods`` ``{"mail-log": messages}``; ``process`` holds what a mail sender
    has instead of a process (kind, authenticated user, client addresses, Exim's argv)."""
    from spamtrace.policy.mail import POSTFIX_LOGS, advice
    from spamtrace.sinks.store import EventRecord, EventType, IncidentRecord

    verdict = inc.verdict.value
    scripts = (msg.script,) if msg.script else ()
    event = EventRecord(
        type=EventType.MAIL_LOGGED, wall=msg.wall, pid=None, start_time=None, uid=msg.uid,
        gid=None, user=msg.user, account=account.name if account else None, exe=None,
        cwd=msg.cwd, cmdline=msg.args, scripts=scripts, local=None, remote=None,
        verdict=verdict, reasons=(), method="mail-log", blocked=False, incident_id=inc.id,
        source=msg.mta,
        details={
            "queue_id": msg.queue_id, "sender": msg.sender, "auth_user": msg.auth,
            "client_ip": msg.ip, "recipients": msg.recipients, "size": msg.size,
            "protocol": msg.protocol,
        },
    )  # fmt: skip
    span = max(inc.last_seen - inc.first_seen, 1.0)
    record = IncidentRecord(
        id=inc.id, verdict=verdict, uid=inc.uid, user=inc.user if inc.kind != "auth" else None,
        account=account.name if account else None,
        account_kind=account.kind.value if account else None,
        home=account.home if account else None, exe=None, cwd=inc.cwd,
        scripts=(inc.script,) if inc.script else (), cmdline=msg.args,
        connections=inc.messages, blocked=0, destinations=inc.sample_recipients, pids=(),
        first_seen=inc.first_seen, last_seen=inc.last_seen,
        rate_per_minute=round(inc.messages / span * 60.0, 2) if inc.messages > 1 else 1.0,
        reasons=inc.reasons, methods={"mail-log": inc.messages},
        advice=advice(inc, (), postfix_logs or POSTFIX_LOGS),
        process={
            "source": "mail-log", "kind": inc.kind, "auth_user": inc.auth_user,
            "client_ips": list(inc.ips), "recipients": inc.recipients,
            "distinct_recipients": inc.distinct_recipients,
        },
    )  # fmt: skip
    return event, record
