"""What `watch` and `daemon` plug into the engine, from the config: ONE place to add a
subscriber or an extra source (responses, alerts, metrics, the event stream, mail-log
tailers).

Add a line to :func:`subscribers` or :func:`sources`; import your module inside the function
(start-up then only pays for what is configured). A subscriber that acts later from its own
thread hands its messages back with ``engine.post``. Read ``service/bus.py`` first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from spamtrace.errors import SpamtraceError
from spamtrace.safetext import escape

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.service.bus import Source, Subscriber
    from spamtrace.service.engine import Engine
    from spamtrace.sinks.alerts.subscriber import AlertSubscriber
    from spamtrace.sinks.events import EventStream


def subscribers(
    cfg: Config,
    engine: Engine,
    *,
    respond: bool = True,
    alerts: bool = True,
    strict: bool = False,
) -> list[Subscriber]:
    """The plug-ins for ``cfg``, in the order they must see each message: responses first
    (a block is decided before anything is shown or sent). ``strict`` (the daemon): a
    metrics address or event output that cannot be opened stops the start (see
    :func:`fleet_subscribers`)."""
    out: list[Subscriber] = []
    if respond:
        from spamtrace.service.responses import ResponsesSubscriber

        responses = ResponsesSubscriber(engine, cfg)
        out.append(responses)
        engine.notes.extend(f"responses: {n}" for n in responses.notes)
        if cfg.mode == "observe":
            engine.notes.append("responses: mode observe (decisions recorded as 'would')")
        else:
            engine.notes.append(f"responses: mode enforce ({enforced(cfg)})")
    if alerts:
        from spamtrace.sinks.alerts.subscriber import subscriber_for

        sub = subscriber_for(cfg, accounts=engine.accounts)
        if sub is not None:
            engine.notes.append(f"alerts: {', '.join(sub.alerts.channel_names())}")
            engine.notes.extend(f"alerts: {line}" for line in sub.alerts.unready())
            out.append(sub)
    alert_sub = next((x for x in out if type(x).__name__ == "AlertSubscriber"), None)
    fleet, notes = fleet_subscribers(
        cfg, engine.options.store_path, strict=strict,
        alert_failures=getattr(alert_sub, "failures", None),
    )  # fmt: skip
    engine.notes.extend(notes)
    from spamtrace.sinks.events import EventStream

    for plug in fleet:
        if isinstance(plug, EventStream):  # its file's failures, said in the journal
            plug.post = engine.post
    return [*out, *fleet]


def fleet_subscribers(
    cfg: Config,
    store_path: str | None,
    *,
    strict: bool,
    alert_failures: Callable[[], Mapping[str, int]] | None = None,
) -> tuple[list[Subscriber], list[str]]:
    """The metrics endpoint and the event stream the config asks for (``[metrics]``,
    ``[events]``), with one note line each for the start report.

    ``alert_failures``: the alerts subscriber's failure counters, exported as
    ``spamtrace_alert_failures_total``. ``strict`` (the daemon): a metrics address that
    cannot be bound, or an event file or syslog socket that cannot be opened, stops the start
    with one line (exit 3). Otherwise (``watch``, often run beside the daemon) it is a note
    and that output is off.
    """
    from spamtrace.sinks.events import open_stream
    from spamtrace.sinks.metrics import MetricsSubscriber

    subs: list[Subscriber] = []
    notes: list[str] = []
    try:
        metrics = MetricsSubscriber.from_config(cfg.metrics.listen, store_path)
    except SpamtraceError as exc:
        if strict:
            raise
        notes.append(f"{exc.message}; metrics are off for this run")
    else:
        if metrics is not None:
            if alert_failures is not None:
                metrics.metrics.alert_failures_from(alert_failures)
            subs.append(metrics)
            notes.append(f"metrics: {metrics.url}{_exposure(cfg.metrics.listen)}")
    ev = cfg.events
    failed: list[str] = []  # watch: an output that cannot be opened is off, the other runs
    try:
        stream = open_stream(ev.path, ev.syslog, ev.syslog_socket, None if strict else failed)
    except SpamtraceError:
        for sub in subs:
            sub.close()
        raise
    for why in failed:
        notes.append(f"{why}; that output is off for this run")
    if stream is not None:
        metrics_sub = next((x for x in subs if isinstance(x, MetricsSubscriber)), None)
        if metrics_sub is not None:
            metrics_sub.metrics.event_failures_from(stream.failures)
        subs.append(stream)
        running = {w.name for w in stream.writers}
        where = [escape(ev.path)] if "file" in running else []
        where += [f"syslog {escape(ev.syslog_socket)}"] if "syslog" in running else []
        notes.append(f"events: {', '.join(where)}")
    return subs, notes


def enforced(cfg: Config) -> str:
    """What enforce mode will do, for the start note: the responses the config leaves on
    (it said "blocks, stops, quarantines" whatever they were: quarantine off, or a suspend
    command on, went unsaid), and the accounts it is limited to."""
    r = cfg.responses
    mail = cfg.mail.follow
    on = [what for what, yes in (
        ("blocks", r.block), ("stops" if r.stop_signal == "stop" else "kills", r.stop),
        ("quarantines", r.quarantine), ("suspends accounts", r.suspend),
        ("freezes queued mail", r.freeze_queue and mail),
        ("locks mailboxes", bool(r.lock_mailbox_command) and mail),
    ) if yes]  # fmt: skip
    text = ", ".join(on) or "every response is off: nothing is done"
    if r.only_accounts:
        text += "; only accounts " + ", ".join(escape(a) for a in r.only_accounts)
    return text


def sources(cfg: Config, notes: list[str] | None = None) -> list[Source]:
    """Extra event sources for ``cfg`` (read after the kernel sources); ``notes`` gets what
    the start line says of them (a named mail log not there yet, followed once it appears)."""
    from spamtrace.service.mail import (
        NOT_THERE_YET,
        logs_not_files,
        php_config,
        waiting_logs,
        with_found_logs,
    )
    from spamtrace.sources.maillog.follow import sources as mail_sources

    out: list[Source] = []
    if cfg.mail.follow:  # mail-script / mail-auth incidents from the mail logs
        php = php_config()  # read once: the mail.log files and the chroots of their pools
        # [mail] php_logs, else PHP's; Exim's and Postfix's where they say
        cfg, said = with_found_logs(cfg, php)
        if notes is not None:  # where Postfix's log was found and why, or that it is in none
            notes += [n for n in said if n.startswith("Postfix logs")]
            notes += logs_not_files(cfg)  # a folder, a FIFO, /dev/null: not followed
        # a log named by hand, or by Exim's or PHP's configuration, not written yet (a fresh
        # Exim's main log, a PHP mail.log before the first mail()): followed from its first line
        waiting = waiting_logs(cfg, php.roots, php.users)
        found = mail_sources(cfg, php.roots, waiting, php.users)
        out.extend(found)
        if found and notes is not None:
            notes += [f"{s.kind} mail log {s.path} {NOT_THERE_YET}" for s in waiting]
            notes += _journal_notes(cfg, found)
    return out


def _journal_notes(cfg: Config, found: Sequence[Source]) -> list[str]:
    """The start note of a followed journal that has no files (journalctl -f then waits for
    ever, saying nothing): as `mail` says it of the read back."""
    from spamtrace.sources.maillog.journal import no_journal_files_note
    from spamtrace.sources.maillog.reader import is_journal

    command = cfg.mail.journalctl_command or ("journalctl",)
    specs = [s for src in found for s in getattr(src, "specs", ()) if is_journal(s)]
    note = no_journal_files_note(command) if specs else None
    return [f"postfix mail log {specs[0].path}: {note}"] if note else []


def alert_subscriber(engine: Engine) -> AlertSubscriber | None:
    """The engine's alert subscriber, if it has one (for its counters in summaries)."""
    from spamtrace.sinks.alerts.subscriber import AlertSubscriber

    return next((s for s in engine.subscribers if isinstance(s, AlertSubscriber)), None)


def event_stream(engine: Engine) -> EventStream | None:
    """The engine's event stream (``[events]``), if it has one (for its counters in status)."""
    from spamtrace.sinks.events import EventStream

    return next((s for s in engine.subscribers if isinstance(s, EventStream)), None)


def responses_status(engine: Engine) -> dict[str, Any]:
    """``status``'s ``responses``: their mode (``off`` under ``--no-respond``), the uids this
    run holds blocked, and how many of each action and status since start. Status said none
    of it: whether the guard enforces, and whom it holds blocked, was in the journal and the
    store alone."""
    from spamtrace.service.responses import ResponsesSubscriber

    sub = next((s for s in engine.subscribers if isinstance(s, ResponsesSubscriber)), None)
    if sub is None:
        return {"mode": "off", "blocked_uids": [], "counts": {}}
    r = sub.responder
    return {
        "mode": r.rules.mode.value,
        "blocked_uids": r.blocked_now(),
        "counts": dict(sorted(r.counts.items())),  # "block-uid:done" -> n
    }


def metrics_status(subscribers: Sequence[object], cfg: Config) -> dict[str, str | bool | None]:
    """``status``'s ``metrics``: ``listen``, the address the endpoint serves on now (None:
    off), and ``configured``, the config's ``[metrics] listen`` (None: off), which differs
    after a reload that changed it until the next restart. Status showed the config's
    address, so a scrape of the address it showed after such a reload found nothing."""
    from spamtrace.sinks.metrics import MetricsSubscriber

    sub = next((s for s in subscribers if isinstance(s, MetricsSubscriber)), None)
    served = sub.server.address if sub is not None and sub.server is not None else None
    started = sub.listen if sub is not None else ""
    return {
        "listen": served,
        "configured": cfg.metrics.listen or None,
        "pending": started != cfg.metrics.listen,  # a reload changed it
    }


def _exposure(listen: str) -> str:
    """A warning for a metrics address other hosts can reach (the default is loopback only):
    its counters (no paths or names) are then readable by anyone the firewall lets in."""
    import ipaddress

    from spamtrace.config import parse_listen

    address = parse_listen(listen)
    if address is None or address[0] == "localhost":
        return ""
    if ipaddress.ip_address(address[0]).is_loopback:
        return ""
    return (
        " (reachable from other hosts, with no login: let only your Prometheus through the"
        " firewall)"
    )
