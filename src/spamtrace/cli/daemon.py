"""`spamtrace daemon` (the service) and `spamtrace status` (ask it): argparse and wiring.

The daemon itself is :mod:`spamtrace.service.daemon`; see docs/daemon.md.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from spamtrace.errors import ConfigError, ExitCode, PermissionRequired
from spamtrace.render.output import print_error
from spamtrace.safetext import escape, escape_message

if TYPE_CHECKING:
    from rich.console import Console

    from spamtrace.config import Config


def register(sub: Any) -> None:
    from spamtrace.actions.firewall.transaction import DEFAULT_STATE_DIR
    from spamtrace.cli.watch import add_engine_arguments

    d = sub.add_parser(
        "daemon",
        help="run the watcher as a service (what spamtrace.service starts; root)",
        epilog="exit codes: 0 stopped cleanly (whatever it saw), 2 usage or config error, or "
        "another watcher holds the store, 3 runtime failure",
    )
    add_engine_arguments(d)
    d.add_argument(
        "--socket", metavar="PATH", help="control socket (default: config daemon.socket)"
    )
    d.add_argument(
        "--firewall-state-dir",
        default=DEFAULT_STATE_DIR,
        metavar="DIR",
        help=f"the firewall's confirmed rules, for the drift check (default {DEFAULT_STATE_DIR})",
    )
    d.set_defaults(handler=_daemon)

    s = sub.add_parser(
        "status",
        help="ask the running daemon how it is doing",
        epilog="exit codes: 0 the daemon answered, 2 usage or config error (the daemon is "
        "still asked), 3 runtime failure: no daemon is running",
    )
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.add_argument(
        "--socket", metavar="PATH", help="control socket (default: config daemon.socket)"
    )
    # a broken config must not hide the daemon (which kept its old one): status still asks
    s.set_defaults(handler=_status, on_config_error=_status_despite_bad_config)


def _daemon(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.cli.watch import engine_options
    from spamtrace.service.daemon import Daemon

    if os.geteuid() != 0:
        raise PermissionRequired("daemon needs root (tracefs, proc connector, control socket)")
    import dataclasses

    # [daemon] keep_trace_buffer: a service restart (an upgrade) hands the tracefs buffer over,
    # the next start reads what the kernel saw meanwhile (docs/watch.md, "Restarts lose
    # nothing the kernel saw"); off by default: a clean stop leaves no instance behind
    options = dataclasses.replace(
        engine_options(args, cfg), keep_trace_buffer=cfg.daemon.keep_trace_buffer
    )
    daemon = Daemon(
        cfg,
        options,
        config_file=args.config,
        socket_path=args.socket or cfg.daemon.socket,
        firewall_state_dir=args.firewall_state_dir,
        respond=not args.no_respond,
        alerts=not args.no_alerts,
    )
    return daemon.run()


def _status(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.service.control import query

    doc = query(args.socket or cfg.daemon.socket, {"command": "status"})
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json(doc)
        return ExitCode.CLEAN
    from spamtrace.render.output import console

    print_status(console(), status_lines(doc))
    return ExitCode.CLEAN


def print_status(con: Console, lines: list[str]) -> None:
    """The lines of :func:`status_lines`; on a terminal (or with COLUMNS) each wraps under
    its text, after the label column, instead of running past the edge (an alert channel's
    line was 89 columns). A cut error's ellipsis is "..." when the output is plain."""
    from rich.text import Text

    from spamtrace.render.layout import field
    from spamtrace.render.output import fitted, shown

    if not fitted(con):
        print(shown(con, "\n".join(lines)))
        return
    for line in lines:
        if line.startswith("  "):  # "  label:    text", or a line under the last one's text
            field(con, line[2:STATUS_LABEL].strip(), line[STATUS_LABEL:], width=12)
        else:
            con.print(Text(shown(con, line)))


def _status_despite_bad_config(args: argparse.Namespace, exc: ConfigError) -> int:
    """Say the config error, then ask the daemon at the socket the broken config names (not
    the built-in default, where no daemon of a non-default socket is); exit 2 if it answers."""
    from spamtrace import config

    print_error(f"spamtrace: error: {escape_message(exc.message)} (the daemon is asked anyway)")
    socket = config.salvage("daemon.socket", args.config)
    cfg = config.Config()
    if isinstance(socket, str) and socket.startswith("/"):
        cfg = cfg.override(daemon__socket=socket)
    _status(args, cfg)
    return ExitCode.USAGE


def _uptime(seconds: float) -> str:
    s = int(seconds)
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {s}s"


def alert_lines(alerts: dict[str, Any] | None) -> list[str]:
    """The alert channels in ``status``: counts per channel, a failing one's last error."""
    if not alerts:
        return ["  alerts:     off (no [alerts] channel)"]
    out = [
        f"  alerts:     {alerts.get('sent')} sent, {alerts.get('failed')} failed, "
        f"{alerts.get('dropped')} dropped"
    ]
    for name, c in (alerts.get("channels") or {}).items():
        line = (
            f"              {escape(str(name))} ({escape(str(c.get('kind')))}): "
            f"{c.get('sent')} sent, {c.get('failed')} failed, {c.get('retried')} retried, "
            f"{c.get('queued')} queued, {c.get('held_now')} held back"
        )
        if c.get("failed") and c.get("last_error"):
            line += f"; last error: {escape(str(c['last_error']))}"
        out.append(line)
    return out


#: where the text of a status line starts ("  capture:    ...")
STATUS_LABEL = 14


def status_lines(doc: dict[str, Any]) -> list[str]:
    """The human view of a ``spamtrace.status/1`` document (escaped)."""
    out = [
        f"spamtrace daemon: running, pid {doc.get('pid')}, up "
        f"{_uptime(float(doc.get('uptime_seconds') or 0))} (since {doc.get('started')})"
    ]
    mode = str(doc.get("capture_mode"))
    sources = ", ".join(escape(str(s)) for s in doc.get("sources") or [])
    out.append(f"  capture:    {mode.upper() if mode != 'tracepoint' else mode} ({sources})")
    out += [f"              DEGRADED: {escape(str(d))}" for d in doc.get("degraded") or []]
    lost = doc.get("events_lost") or 0
    by = ", ".join(f"{escape(k)} {v}" for k, v in (doc.get("events_lost_by_source") or {}).items())
    out.append(
        f"  events:     {doc.get('events')} ({doc.get('blocked_events')} blocked), "
        f"{lost} lost" + (f" ({by})" if lost and by else "")
    )
    gap = doc.get("capture_gap")
    if gap:
        out.append(
            f"  GAP:        nothing watched for {gap.get('seconds')} s before this start "
            f"({gap.get('from')} .. {gap.get('to')}; pid {gap.get('previous_pid')} was killed)"
        )
    out.append(
        f"  incidents:  {doc.get('incidents_opened')} opened "
        f"({doc.get('alerting_incidents')} alerting), {doc.get('incidents_open')} open"
    )
    fw = doc.get("firewall") or {}
    state = str(fw.get("state"))
    line = f"  firewall:   {state if state in ('loaded', 'unknown') else state.upper()}"
    if fw.get("backend"):
        line += f" ({escape(str(fw['backend']))})"
    if fw.get("checked"):
        line += f", checked {str(fw['checked'])[11:19]}"
    if fw.get("error"):
        line += f": {escape(str(fw['error']))}"
    if fw.get("repair"):
        line += "; repaired when it drifts"
    out.append(line)
    out += [f"              - {escape(str(d))}" for d in fw.get("drift") or []]
    listen = (doc.get("metrics") or {}).get("listen")
    out.append(f"  metrics:    {f'http://{escape(str(listen))}/metrics' if listen else 'off'}")
    out += alert_lines(doc.get("alerts"))
    store = doc.get("store")
    if store:
        out.append(
            f"  store:      {escape(str(store.get('path')))} ({store.get('written')} written, "
            f"{store.get('queued')} queued, {store.get('lost')} lost)"
            + (f": ERROR {escape(str(store['error']))}" if store.get("error") else "")
        )
    conf = doc.get("config") or {}
    line = (
        f"  config:     {escape(str(conf.get('file') or 'default'))}, loaded {conf.get('loaded')}"
    )
    if conf.get("reload_error"):
        line += f"; last reload REFUSED: {escape(str(conf['reload_error']))}"
    out.append(line)
    subs = doc.get("subscribers") or {}
    failing = {k: v.get("errors") for k, v in subs.items() if v.get("errors")}
    if failing:
        out.append(
            "  plug-ins:   errors: "
            + ", ".join(f"{escape(str(k))} {v}" for k, v in sorted(failing.items()))
        )
    return out
