"""What an alert says, in every channel's form (pure: no I/O, no clock).

An :class:`Alert` carries an incident exactly as ``spamtrace incidents --json`` shows it
(plus ``actions`` once responses record them), the event (``opened``, ``updated``, a
``digest`` of alerts a rate limit held back, or a ``test``) and the host. From it this module
builds the e-mail subject and body, the webhook's JSON and Slack/Mattermost bodies and the one
syslog line. Each form says what an admin needs from a phone: host, account and its domains,
uid/user, process and exe, the script and the scan's verdict and rules, the folder,
destinations and counts, first/last seen, what was done (or would be) and the commands to undo
it or to look closer.

Every value that an account's owner controls (paths, process names, command lines, scan
excerpts, reasons and advice quoting them) goes through :func:`spamtrace.safetext.escape`
before it reaches text (one value, one line: no forged lines or headers), and in the Slack
form also into a code span with Slack's ``&<>`` escapes (no links, mentions or markup).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spamtrace.render.incidents import iso
from spamtrace.safetext import escape, escape_message, shell_quote

ALERT_SCHEMA = "spamtrace.alert/1"
#: most destinations, scripts and suspect files listed in a text form (the JSON has all)
MAX_LISTED = 10
MAX_FILES = 3


class AlertEvent(str, enum.Enum):
    OPENED = "opened"  # a new incident (or one that just reached [alerts] min_verdict)
    UPDATED = "updated"  # it escalated: the scan found the file, a response was taken...
    DIGEST = "digest"  # the alerts a channel's rate limit held back, in one message
    TEST = "test"  # `spamtrace alert test`: a sample incident


@dataclass(frozen=True, slots=True, eq=False)
class Alert:
    event: AlertEvent
    host: str
    incident: Mapping[str, Any]  # an item of `incidents --json` (and its `actions`)
    time: float  # wall-clock seconds when it was raised
    reason: str | None = None  # why an update (or a late open) was sent
    domains: tuple[str, ...] = ()  # the account's domains
    mode: str = "observe"
    held: tuple[Alert, ...] = field(default=())  # digest only: what was held back


def level(incident: Mapping[str, Any]) -> str | None:
    """How bad an incident is for ``[alerts] min_verdict``: malicious > suspicious > submission.

    ``malicious``: a suspect file the scan judged malicious; ``suspicious``: an alerting
    verdict (``suspicious``, ``ssh-tunnel``, and through the MTA ``mail-script`` and
    ``mail-auth``); ``submission``: a non-MTA submission, or a port-25
    connection nobody could be found for (``unknown``). ``mta`` and
    ``allowed`` incidents are never alerted (None).
    """
    files = incident.get("suspect_files") or ()
    if any(isinstance(f, Mapping) and f.get("verdict") == "malicious" for f in files):
        return "malicious"
    verdict = incident.get("verdict")
    if verdict in ("suspicious", "ssh-tunnel", "mail-script", "mail-auth"):
        return "suspicious"
    if verdict in ("submission", "unknown"):
        return "submission"
    return None


def passes(incident: Mapping[str, Any], min_verdict: str) -> bool:
    from spamtrace.sinks.alerts.settings import MIN_VERDICTS

    got = level(incident)
    return got is not None and MIN_VERDICTS.index(got) >= MIN_VERDICTS.index(min_verdict)


# ============================================================================ shared facts
def _mail(inc: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The mail sender of a mail incident (``mail`` of `incidents --json`), else None."""
    facts = inc.get("mail")
    return facts if isinstance(facts, Mapping) else None


def _who(inc: Mapping[str, Any], domains: Sequence[str]) -> str:
    parts = []
    if inc.get("auth_user"):  # a stolen mailbox: no uid or user, the mailbox is who
        parts.append(f"mailbox {escape(str(inc['auth_user']))} (SMTP AUTH)")
    if inc.get("account"):
        kind = f" [{inc['account_kind']}]" if inc.get("account_kind") else ""
        parts.append(f"account {escape(inc['account'])}{kind}")
    uid = inc.get("uid")
    user = f" ({escape(inc['user'])})" if inc.get("user") else ""
    if uid is not None or user or not inc.get("auth_user"):
        parts.append(f"uid {uid if uid is not None else '?'}{user}")
    text = ", ".join(parts)
    if domains:
        shown = ", ".join(escape(d) for d in domains[:MAX_LISTED])
        more = f" (+{len(domains) - MAX_LISTED} more)" if len(domains) > MAX_LISTED else ""
        text += f"; domains {shown}{more}"
    return text


def _destinations(inc: Mapping[str, Any]) -> str:
    dests = [escape(str(d)) for d in inc.get("destinations") or ()]
    if not dests:
        return "-"
    text = ", ".join(dests[:MAX_LISTED])
    if len(dests) > MAX_LISTED:
        text += f" … ({len(dests)} in all)"
    return text


def _counts(inc: Mapping[str, Any]) -> str:
    mail = _mail(inc)
    if mail is not None:  # through the MTA: its messages, not connections
        distinct = mail.get("distinct_recipients")
        to = f", {distinct} distinct recipient(s)" if isinstance(distinct, int) else ""
        return f"{inc.get('connections', 0)} message(s){to}, {inc.get('rate_per_minute', 0)}/min"
    return (
        f"{inc.get('connections', 0)} connection(s), {inc.get('blocked', 0)} blocked, "
        f"{inc.get('rate_per_minute', 0)}/min"
    )


def _file_lines(inc: Mapping[str, Any]) -> list[str]:
    """One line per suspect file (top ones), then its first matched line, escaped."""
    files = inc.get("suspect_files")
    if files is None:
        return []
    if not files:
        from spamtrace.suspects import NOTHING_FOUND

        return [NOTHING_FOUND]
    out = []
    for f in list(files)[:MAX_FILES]:
        rules = ", ".join(escape(str(r)) for r in f.get("rules") or ())
        out.append(
            f"{escape(f.get('path'))}: {escape(str(f.get('verdict')))}, score {f.get('score')}"
            + (f" ({rules})" if rules else "")
        )
        if f.get("line") and f.get("excerpt"):
            out.append(f"  line {f['line']}: {escape(f['excerpt'], max_len=160)}")
    if len(files) > MAX_FILES:
        out.append(f"… {len(files) - MAX_FILES} more file(s): spamtrace incident {inc.get('id')}")
    return out


def _link_lines(inc: Mapping[str, Any]) -> list[str]:
    """One line per symlink of the folder to where a site must not reach (escaped)."""
    from spamtrace.suspects import link_lines

    links = [x for x in inc.get("suspect_links") or () if isinstance(x, Mapping)]
    out = link_lines(links[:MAX_FILES])
    if len(links) > MAX_FILES:
        out.append(f"… {len(links) - MAX_FILES} more link(s): spamtrace incident {inc.get('id')}")
    return out


def _actions(alert: Alert) -> list[str]:
    """What was done (``done``) or would be (``would``), one escaped line each."""
    actions = alert.incident.get("actions")
    if not actions:
        blocked = alert.incident.get("blocked") or 0
        done = "nothing yet"
        if alert.mode == "observe":
            done = "nothing (mode = observe: spamtrace only reports)"
        if blocked:
            done = f"the spamtrace firewall blocked {blocked} attempt(s)"
        return [done]
    out = []
    for a in actions:
        if not isinstance(a, Mapping):
            out.append(escape(str(a)))
            continue
        state = a.get("state") or a.get("status") or ("done" if a.get("done") else "would")
        kind = a.get("action") or a.get("kind") or "?"
        what = a.get("detail") or a.get("summary") or ""
        line = f"{escape(str(kind))} {escape(str(state))}"
        line = f"{line}: {escape(str(what))}" if what else line
        if a.get("undone_at"):
            line += f" (undone {escape(str(a['undone_at']))})"
        out.append(line)
    return out


def commands(alert: Alert) -> list[str]:
    """The exact commands to look closer at the incident or undo what was done (escaped)."""
    inc = alert.incident
    ident = str(inc.get("id") or "")
    out = [f"spamtrace incident {shell_quote(ident)}"]
    for a in inc.get("actions") or ():
        if isinstance(a, Mapping) and not a.get("undone_at"):
            for key in ("undo", "undo_command"):
                cmd = a.get(key)
                if isinstance(cmd, str) and cmd:
                    out.append(escape_message(cmd))
                elif isinstance(cmd, (list, tuple)) and cmd:
                    out.append(" ".join(shell_quote(str(x)) for x in cmd))
    folder = inc.get("cwd")
    if inc.get("scripts"):
        folder = str(inc["scripts"][0]).rpartition("/")[0] or folder
    if folder and folder != "/" and inc.get("verdict") == "suspicious":
        out.append(f"spamtrace scan {shell_quote(str(folder))}")
    if inc.get("blocked"):
        out.append("spamtrace firewall status")
    return out


def _headline(alert: Alert) -> str:
    inc = alert.incident
    verdict = str(inc.get("verdict") or "?").upper()
    lvl = level(inc)
    tag = " (MALICIOUS FILE)" if lvl == "malicious" else ""
    if alert.event is AlertEvent.DIGEST:
        return f"{len(alert.held)} alert(s) held back by the rate limit on {escape(alert.host)}"
    what = {
        AlertEvent.OPENED: "opened",
        AlertEvent.UPDATED: "updated",
        AlertEvent.TEST: "(TEST ALERT, not a real incident)",
    }[alert.event]
    return f"{verdict}{tag} incident {inc.get('id')} {what} on {escape(alert.host)}"


def _who_short(inc: Mapping[str, Any]) -> str:
    who = (
        inc.get("auth_user")
        or inc.get("account")
        or inc.get("user")
        or (f"uid {inc['uid']}" if inc.get("uid") is not None else "unknown sender")
    )
    return escape(str(who), max_len=40)


# ============================================================================ e-mail
def subject(alert: Alert) -> str:
    """One line, at most ~150 characters, attacker text escaped."""
    if alert.event is AlertEvent.DIGEST:
        return f"[spamtrace] {_headline(alert)}"[:150]
    inc = alert.incident
    prefix = {"test": "[spamtrace TEST]", "updated": "[spamtrace update]"}.get(
        alert.event.value, "[spamtrace]"
    )
    verdict = str(inc.get("verdict") or "?").upper()
    if level(inc) == "malicious":
        verdict += " (malicious file)"
    scripts = inc.get("scripts") or ()
    what = f" {escape(str(scripts[0]).rpartition('/')[2], max_len=40)}" if scripts else ""
    unit = "msg" if _mail(inc) is not None else "conn"
    text = (
        f"{prefix} {escape(alert.host, max_len=40)}: {verdict} {_who_short(inc)}{what} "
        f"{inc.get('connections', 0)} {unit} -> {_destinations(inc)}"
    )
    return text if len(text) <= 150 else text[:149] + "…"  # its parts are escaped


def _incident_lines(alert: Alert) -> list[str]:
    inc = alert.incident
    out = [_headline(alert)]
    if alert.reason:
        out.append(f"why now:   {escape(alert.reason)}")
    out.append("")
    out.append(f"who:       {_who(inc, alert.domains)}")
    mail = _mail(inc)
    proc = " ".join(x for x in (escape(inc.get("exe")), _argv(inc.get("cmdline"))) if x)
    if proc or mail is None:  # a message in the MTA's log has no process to name
        out.append(f"process:   {proc or '(unknown)'}")
    if inc.get("pids"):
        out.append(f"pids:      {', '.join(str(p) for p in list(inc['pids'])[:MAX_LISTED])}")
    if inc.get("cwd") or mail is None:
        out.append(f"folder:    {escape(inc.get('cwd')) or '(unknown)'}")
    ips = [escape(str(ip)) for ip in (mail or {}).get("client_ips") or ()]
    if ips:
        more = f" … ({len(ips)} in all)" if len(ips) > MAX_LISTED else ""
        out.append(f"from:      {', '.join(ips[:MAX_LISTED])}{more}")
    for script in list(inc.get("scripts") or ())[:MAX_LISTED]:
        out.append(f"script:    {escape(script)}")
    for line in _file_lines(inc):
        out.append(("           " if line.startswith("  ") else "file:      ") + line)
    for line in _link_lines(inc):
        out.append(f"link:      {line}")
    out.append(f"to:        {_destinations(inc)}")
    out.append(f"counts:    {_counts(inc)}")
    out.append(f"seen:      {inc.get('first_seen')} .. {inc.get('last_seen')}")
    for reason in inc.get("reasons") or ():
        out.append(f"why:       {escape(reason)}")
    for line in _actions(alert):
        out.append(f"done:      {line}")
    if inc.get("advice"):
        out.append("what to do:")
        out += [f"  - {escape_message(a)}" for a in inc["advice"]]
    out.append("look closer / undo:")
    out += [f"  {c}" for c in commands(alert)]
    return out


def _argv(cmdline: Any) -> str:
    if not cmdline:
        return ""
    return escape(" ".join(str(a) for a in cmdline), max_len=300)


def text_body(alert: Alert) -> str:
    """The e-mail body (plain text); every line escaped."""
    if alert.event is AlertEvent.DIGEST:
        out = [_headline(alert), ""]
        for held in alert.held:
            inc = held.incident
            out.append(
                f"- {held.event.value}: {str(inc.get('verdict') or '?').upper()} "
                f"{inc.get('id')} {_who_short(inc)}, {_counts(inc)}, to {_destinations(inc)}"
                + (f" ({escape(held.reason)})" if held.reason else "")
            )
            out.append(f"    spamtrace incident {shell_quote(str(inc.get('id') or ''))}")
        out += ["", "spamtrace incidents --since 24h   (all of them)"]
    else:
        out = _incident_lines(alert)
    out += ["", f"-- spamtrace on {escape(alert.host)}, {iso(alert.time)}"]
    return "\n".join(out) + "\n"


# ============================================================================ webhook
def json_body(alert: Alert) -> dict[str, Any]:
    """``{"schema", "event", "host", "incident", ...}``: the incident as `incidents --json`."""
    doc: dict[str, Any] = {
        "schema": ALERT_SCHEMA,
        "event": alert.event.value,
        "host": alert.host,
        "time": iso(alert.time),
        "reason": alert.reason,
    }
    if alert.event is AlertEvent.DIGEST:
        doc["held_back"] = [
            {
                "event": h.event.value,
                "reason": h.reason,
                "time": iso(h.time),
                "incident": dict(h.incident),
            }
            for h in alert.held
        ]
        return doc
    doc["incident"] = dict(alert.incident)
    doc["account_domains"] = list(alert.domains)
    doc["mode"] = alert.mode
    doc["commands"] = commands(alert)
    return doc


_SLACK = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _slack_plain(text: str) -> str:
    return "".join(_SLACK.get(ch, ch) for ch in text)


def _code(value: Any, *, command: bool = False) -> str:
    """A value as an inline code span: no markup, links or mentions can come out of it
    (``command``: a command line to copy, whose backslashes are kept)."""
    show = escape_message if command else escape
    text = show(str(value)) if value not in (None, "") else "-"
    text = text.replace("`", "ˋ")
    return f"`{_slack_plain(text)}`"


def slack_body(alert: Alert) -> dict[str, Any]:
    """A Slack/Mattermost incoming-webhook body: ``{"text": ...}`` in their markup."""
    inc = alert.incident
    if alert.event is AlertEvent.DIGEST:
        lines = [f":warning: *{_slack_plain(_headline(alert))}*"]
        for held in alert.held:
            h = held.incident
            lines.append(
                f"• {held.event.value} {_code(h.get('verdict'))} {_code(h.get('id'))} "
                f"{_code(h.get('account') or h.get('user') or h.get('uid'))}, "
                f"{h.get('connections', 0)} conn"
            )
        return {"text": "\n".join(lines)}
    icon = ":test_tube:" if alert.event is AlertEvent.TEST else ":rotating_light:"
    lines = [f"{icon} *{_slack_plain(_headline(alert))}*"]
    if alert.reason:
        lines.append(f"*why now*: {_code(alert.reason)}")
    mail = _mail(inc)
    box = f"mailbox {_code(inc['auth_user'])} (SMTP AUTH), " if inc.get("auth_user") else ""
    lines.append(
        f"*who*: {box}account {_code(inc.get('account'))}, uid {_code(inc.get('uid'))} "
        f"user {_code(inc.get('user'))}"
        + (f", domains {_code(', '.join(alert.domains[:MAX_LISTED]))}" if alert.domains else "")
    )
    if mail is None or inc.get("exe") or inc.get("cmdline"):
        argv = _code(_argv(inc.get("cmdline")), command=True)  # escaped already
        lines.append(f"*process*: {_code(inc.get('exe'))} {argv}")
    if mail is None or inc.get("cwd"):
        lines.append(f"*folder*: {_code(inc.get('cwd'))}")
    if mail is not None and mail.get("client_ips"):
        ips = ", ".join(str(ip) for ip in list(mail["client_ips"])[:MAX_LISTED])
        lines.append(f"*from*: {_code(ips)}")
    for script in list(inc.get("scripts") or ())[:MAX_LISTED]:
        lines.append(f"*script*: {_code(script)}")
    for line in _file_lines(inc):
        lines.append(f"*file*: {_code(line.strip(), command=True)}")  # escaped already
    for line in _link_lines(inc):
        lines.append(f"*link*: {_code(line, command=True)}")  # escaped already
    lines.append(f"*to*: {_code(_destinations(inc))}")
    lines.append(f"*counts*: {_code(_counts(inc))}")
    lines.append(f"*seen*: {_code(inc.get('first_seen'))} .. {_code(inc.get('last_seen'))}")
    for line in _actions(alert):
        lines.append(f"*done*: {_code(line)}")
    for advice in inc.get("advice") or ():
        lines.append(f"• {_code(advice, command=True)}")
    for cmd in commands(alert):
        lines.append(f"*look/undo*: {_code(cmd, command=True)}")
    return {"text": "\n".join(lines)}


# ============================================================================ syslog
def _kv(key: str, value: Any) -> str:
    text = escape(str(value)) if value is not None else "-"
    if not text or any(ch in text for ch in ' "='):
        text = '"' + text.replace('"', '\\"') + '"'
    return f"{key}={text}"


def syslog_line(alert: Alert) -> str:
    """One line of ``key=value`` pairs with the key fields (values escaped and quoted)."""
    inc = alert.incident
    if alert.event is AlertEvent.DIGEST:
        ids = ",".join(str(h.incident.get("id")) for h in alert.held)
        return (
            f"alert digest: {len(alert.held)} held back by the rate limit {_kv('incidents', ids)}"
        )
    files = [f for f in inc.get("suspect_files") or () if isinstance(f, Mapping)]
    parts = [
        f"incident {alert.event.value}:",
        _kv("id", inc.get("id")),
        _kv("verdict", inc.get("verdict")),
        _kv("host", alert.host),
        _kv("account", inc.get("account")),
        _kv("uid", inc.get("uid")),
        _kv("user", inc.get("user")),
        _kv("exe", inc.get("exe")),
        _kv("script", (inc.get("scripts") or [None])[0]),
        _kv("cwd", inc.get("cwd")),
        _kv("connections", inc.get("connections")),
        _kv("blocked", inc.get("blocked")),
        _kv("to", ",".join(str(d) for d in list(inc.get("destinations") or ())[:MAX_LISTED])),
    ]
    mail = _mail(inc)
    if mail is not None:  # through the MTA: connections are its messages
        parts.append(_kv("auth_user", inc.get("auth_user")))
        parts.append(_kv("messages", inc.get("connections")))
        parts.append(_kv("client_ips", len(mail.get("client_ips") or ())))
    if files:
        top = files[0]
        parts.append(_kv("file", top.get("path")))
        parts.append(_kv("file_verdict", top.get("verdict")))
        parts.append(_kv("rules", ",".join(str(r) for r in top.get("rules") or ())))
    if alert.reason:
        parts.append(_kv("reason", alert.reason))
    parts.append(_kv("done", "; ".join(_actions(alert))))
    parts.append(_kv("details", f"spamtrace incident {inc.get('id')}"))
    return " ".join(parts)


def sample_incident(now: float) -> dict[str, Any]:
    """A made-up incident for `spamtrace alert test` (shaped like an `incidents --json` item)."""
    return {
        "id": "inc-000000000000", "verdict": "suspicious", "uid": 1001, "user": "example",
        "account": "example", "account_kind": "home", "home": "/home/example", "domain": None,
        "exe": "/usr/bin/php", "cwd": "/home/example/public_html/wp-content/uploads",
        "scripts": ["/home/example/public_html/wp-content/uploads/sample.php"],
        "cmdline": ["php", "sample.php"], "connections": 1, "blocked": 0,
        "destinations": ["192.0.2.25:25"], "pids": [4242],
        "first_seen": iso(now), "last_seen": iso(now), "first_seen_epoch": now,
        "last_seen_epoch": now, "rate_per_minute": 1.0,
        "reasons": ["TEST: a sample alert sent by `spamtrace alert test`; nothing happened"],
        "attribution": {"tracepoint": 1}, "advice": ["nothing to do: this is a test"],
        "suspect_files": None,
    }  # fmt: skip
