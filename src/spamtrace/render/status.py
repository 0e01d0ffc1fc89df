"""The human view of ``spamtrace status`` (a ``spamtrace.status/1`` document from the daemon).

The view is built as data: a headline, then rows of (label, text); a row with an empty label
goes under the previous row's text (a DEGRADED reason, a drift line, an alert channel). On a
terminal each row is a :func:`~spamtrace.render.layout.field` that wraps under its text; in a
pipe or a log each is one whole line (``  label:      text``), for grep. Every string the
daemon got from outside (paths, channel names) is escaped here; an error message was escaped
where its values were put in, so only a control character that got through is
(:func:`~spamtrace.safetext.escape_message`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from spamtrace.safetext import escape, escape_message

if TYPE_CHECKING:
    from rich.console import Console

#: the width of the label column ("capture:", "incidents:"...), after a 2-column indent
LABEL_WIDTH = 12

Row = tuple[str, str]


def not_running_json(error: str, *, down: bool = True) -> dict[str, Any]:
    """``status --json`` when no daemon answers: the same schema, ``running: false``; or
    ``running: null`` (not ``down``) when one may be running but this user may not ask it
    (the socket or the daemon said root only): a fleet's check must not read that as down."""
    from spamtrace.service.daemon import STATUS_SCHEMA

    return {"schema": STATUS_SCHEMA, "running": False if down else None, "error": error}


def uptime(seconds: float) -> str:
    s = int(seconds)
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {s}s"


def alert_rows(alerts: dict[str, Any] | None, off: str | None = None) -> list[Row]:
    """The alert channels: counts per channel, a failing one's last error; without them,
    why (``off``: status's ``alerts_off``)."""
    if not alerts:
        return [("alerts:", f"off ({escape(off or 'no [alerts] channel')})")]
    out = [
        ("alerts:", f"{alerts.get('sent')} sent, {alerts.get('failed')} failed, "
                    f"{alerts.get('dropped')} dropped"),
    ]  # fmt: skip
    for name, c in (alerts.get("channels") or {}).items():
        text = (
            f"{escape(str(name))} ({escape(str(c.get('kind')))}): "
            f"{c.get('sent')} sent, {c.get('failed')} failed, {c.get('retried')} retried, "
            f"{c.get('queued')} queued, {c.get('held_now')} held back"
        )
        if c.get("failed") and c.get("last_error"):
            text += f"; last error: {escape_message(str(c['last_error']))}"
        out.append(("", text))
    return out


def status_view(doc: dict[str, Any]) -> tuple[str, list[Row]]:
    """The headline and the rows of a ``spamtrace.status/1`` document (escaped)."""
    head = (
        f"spamtrace daemon: running, pid {doc.get('pid')}, up "
        f"{uptime(float(doc.get('uptime_seconds') or 0))} (since {doc.get('started')})"
    )
    rows: list[Row] = []
    mode = str(doc.get("capture_mode"))
    sources = ", ".join(escape(str(s)) for s in doc.get("sources") or [])
    rows.append(("capture:", f"{mode.upper() if mode != 'tracepoint' else mode} ({sources})"))
    rows += [("", f"DEGRADED: {escape_message(str(d))}") for d in doc.get("degraded") or []]
    lost = doc.get("events_lost") or 0
    least = set(doc.get("events_lost_at_least") or [])
    by = ", ".join(
        f"{escape(k)} {'at least ' if k in least else ''}{v}"
        for k, v in (doc.get("events_lost_by_source") or {}).items()
    )
    some = f"at least {lost}" if least and lost else str(lost)
    rows.append((
        "events:", f"{doc.get('events')} ({doc.get('blocked_events')} blocked), {some} lost"
        + (f" ({by})" if lost and by else ""),
    ))  # fmt: skip
    gap = doc.get("capture_gap")
    if gap:
        rows.append((
            "GAP:", (f"nothing watched for {gap.get('seconds')} s" if not gap.get("clock_set_back")
                     else "nothing watched for a time not known (the clock was set back)")
            + f" before this start ({gap.get('from')} .. {gap.get('to')}; pid "
            f"{gap.get('previous_pid')} was killed)",
        ))  # fmt: skip
    rows.append((
        "incidents:", f"{doc.get('incidents_opened')} opened "
        f"({doc.get('alerting_incidents')} alerting), {doc.get('incidents_open')} open",
    ))  # fmt: skip
    logs = doc.get("mail_logs")
    if logs:
        waiting = [escape(str(x.get("path"))) for x in logs if x.get("waiting")]
        text = f"{len(logs)} followed"
        if waiting:
            text += f"; not there yet, followed once it appears: {', '.join(waiting)}"
        rows.append(("mail logs:", text))
        for log in logs:
            malformed = log.get("malformed")
            if isinstance(malformed, int) and malformed > 0:
                rows.append((
                    "", f"- {escape(str(log.get('path')))}: {malformed} malformed line(s) "
                    "skipped (not read as mail)",
                ))  # fmt: skip
            long_lines = log.get("long_lines")
            if isinstance(long_lines, int) and long_lines > 0:
                done = "cut, read as far as kept" if log.get("kind") == "php" else "not read"
                rows.append((
                    "", f"- {escape(str(log.get('path')))}: {long_lines} over-long line(s) "
                    f"({done})",
                ))  # fmt: skip
    fw = doc.get("firewall") or {}
    state = str(fw.get("state"))
    text = state if state in ("loaded", "unknown") else state.upper()
    if fw.get("backend"):
        text += f" ({escape(str(fw['backend']))})"
    if fw.get("checked"):
        text += f", checked {str(fw['checked'])[11:19]} UTC"  # an ISO time in UTC (...Z)
    if fw.get("error"):
        text += f": {escape_message(str(fw['error']))}"
    if fw.get("repair"):
        text += "; repaired when it drifts"
    rows.append(("firewall:", text))
    rows += [("", f"- {escape_message(str(d))}") for d in fw.get("drift") or []]
    if fw.get("note"):
        rows.append(("", f"- {escape_message(str(fw['note']))}"))
    rows += _responses_rows(doc.get("responses"))
    metrics = doc.get("metrics") or {}
    listen = metrics.get("listen")
    text = f"http://{escape(str(listen))}/metrics" if listen else "off"
    if metrics.get("pending"):
        now = escape(str(metrics["configured"])) if metrics.get("configured") else "off"
        text += f" (the config now says {now}: takes effect at the next restart)"
    rows.append(("metrics:", text))
    rows += alert_rows(doc.get("alerts"), doc.get("alerts_off"))
    store = doc.get("store")
    if store:
        rows.append((
            "store:", f"{escape(str(store.get('path')))} ({store.get('written')} written, "
            f"{store.get('queued')} queued, {store.get('lost')} lost)"
            + (f": ERROR {escape_message(str(store['error']))}" if store.get("error") else ""),
        ))  # fmt: skip
        since = store.get("stalled_since")
        if isinstance(since, (int, float)) and not store.get("error"):
            when = dt.datetime.fromtimestamp(since, dt.timezone.utc).strftime("%H:%M:%S")
            text = f"STALLED since {when} UTC ({store.get('retries')} retries), records kept queued"
            if store.get("stall_reason"):
                text += f": {escape_message(str(store['stall_reason']))}"
            rows.append(("", text))
    stream = doc.get("event_stream") or {}
    for name, out in sorted((stream.get("outputs") or {}).items()):
        if out.get("failed"):
            where = f" ({escape(str(out['path']))})" if out.get("path") else ""
            why = f": {escape_message(str(out['last_error']))}" if out.get("last_error") else ""
            rows.append((
                "event out:",
                f"{out['failed']} of {stream.get('lines')} NOT written to the {escape(name)} "
                f"output{where}{why}",
            ))  # fmt: skip
    conf = doc.get("config") or {}
    text = f"{escape(str(conf.get('file') or 'default'))}, loaded {conf.get('loaded')}"
    if conf.get("reload_error"):
        text += f"; last reload REFUSED: {escape_message(str(conf['reload_error']))}"
    if conf.get("takes_restart"):  # changed by a reload, not applied until a restart
        later = ", ".join(escape(str(w)) for w in conf["takes_restart"])
        text += f"; changed, applied at the next restart: {later}"
    rows.append(("config:", text))
    subs = doc.get("subscribers") or {}
    failing = {k: v.get("errors") for k, v in subs.items() if v.get("errors")}
    if failing:
        rows.append((
            "plug-ins:",
            "errors: " + ", ".join(f"{escape(str(k))} {v}" for k, v in sorted(failing.items())),
        ))  # fmt: skip
    return head, rows


def row_lines(rows: list[Row]) -> list[str]:
    """Rows as whole lines: ``  label:      text`` (a row without a label under the text)."""
    return [f"  {label:<{LABEL_WIDTH}}{text}" for label, text in rows]


def status_lines(doc: dict[str, Any]) -> list[str]:
    """The view as whole lines (a pipe, a log)."""
    head, rows = status_view(doc)
    return [head, *row_lines(rows)]


def alert_lines(alerts: dict[str, Any] | None) -> list[str]:
    return row_lines(alert_rows(alerts))


def print_status(con: Console, doc: dict[str, Any]) -> None:
    """Print the view; on a terminal (or with COLUMNS) each row wraps under its text, after
    the label column, instead of running past the edge (an alert channel's row was 89
    columns). A cut error's ellipsis is "..." when the output is plain."""
    from rich.text import Text

    from spamtrace.render.layout import field
    from spamtrace.render.output import fitted, shown

    if not fitted(con):
        print(shown(con, "\n".join(status_lines(doc))))
        return
    head, rows = status_view(doc)
    con.print(Text(shown(con, head)))
    for label, text in rows:
        field(con, label, text, width=LABEL_WIDTH)


def _responses_rows(responses: Any) -> list[tuple[str, str]]:
    """The mode of the responses, the uids held blocked now, and what was done since start
    (``status`` from a daemon older than this has none: no row)."""
    if not isinstance(responses, dict):
        return []
    text = escape(str(responses.get("mode")))
    blocked = responses.get("blocked_uids") or []
    if blocked:
        text += f"; {len(blocked)} uid(s) blocked now: {', '.join(str(u) for u in blocked)}"
    by_status: dict[str, list[str]] = {}
    for key, count in (responses.get("counts") or {}).items():
        action, _, status = str(key).partition(":")
        by_status.setdefault(status, []).append(f"{escape(action)} {count}")
    for status in ("done", "failed", "would"):
        if status in by_status:
            text += f"; {status}: {', '.join(by_status[status])}"
    return [("responses:", text)]
