"""`spamtrace daemon` (the service) and `spamtrace status` (ask it): argparse and wiring.

The daemon itself is :mod:`spamtrace.service.daemon`; see docs/daemon.md.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from spamtrace.cli.argparsing import CUT
from spamtrace.cli.options import folder, socket_help, socket_path
from spamtrace.errors import (
    ConfigError,
    ExitCode,
    PermissionRequired,
    RuntimeFailure,
    SpamtraceError,
    UsageError,
)
from spamtrace.render.output import print_error
from spamtrace.safetext import escape_message

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.service.engine import EngineOptions


def register(sub: Any) -> None:
    from spamtrace.actions.firewall.transaction import DEFAULT_STATE_DIR
    from spamtrace.cli.watch import add_engine_arguments

    d = sub.add_parser(
        "daemon",
        help="run the watcher as a service (what spamtrace.service starts; root)",
        # a host without systemd starts it from its init system: how to run it, reload and
        # stop it was said only in docs/daemon.md
        description="Run the watcher as a service (what spamtrace.service starts; root). It "
        "stays in the foreground and logs to stderr; on a host without systemd, start it from "
        "the init system (and `spamtrace firewall load-confirmed` at boot). SIGHUP reloads the "
        "config (a bad one is refused, said, and the old one kept); SIGTERM stops it cleanly "
        "(exit 0); `spamtrace status` asks it how it is doing.",
        epilog="exit codes: 0 stopped cleanly (whatever it saw), 2 usage or config error, or "
        "another watcher holds the store, 3 runtime failure",
    )
    add_engine_arguments(d)
    d.add_argument(
        "--socket", metavar="PATH", type=socket_path, help=socket_help()
    )
    d.add_argument(
        "--firewall-state-dir",
        default=DEFAULT_STATE_DIR,
        type=folder,
        metavar="DIR",
        help=f"the firewall's confirmed rules, for the drift check (default {DEFAULT_STATE_DIR})",
    )
    d.set_defaults(handler=_daemon, after_usage_error=_not_restarted)

    s = sub.add_parser(
        "status",
        help="ask the running daemon how it is doing",
        epilog="exit codes: 0 the daemon answered, 2 usage or config error (the daemon is "
        f"still asked), 3 runtime failure: no daemon is running, {CUT}",
    )
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.add_argument(
        "--socket", metavar="PATH", type=socket_path, help=socket_help()
    )
    # a broken config must not hide the daemon (which kept its old one): status still asks
    s.set_defaults(handler=_status, on_config_error=_status_despite_bad_config)


def _daemon(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.service.daemon import Daemon

    if os.geteuid() != 0:
        raise PermissionRequired("daemon needs root (tracefs, proc connector, control socket)")
    options = daemon_options(args, cfg)
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


def daemon_options(args: argparse.Namespace, cfg: Config) -> EngineOptions:
    """``watch``'s engine options from the flags, and the daemon's own: [daemon]
    keep_trace_buffer (a service restart, an upgrade, hands the tracefs buffer over: the next
    start reads what the kernel saw meanwhile, docs/watch.md; off by default, a clean stop
    leaves no instance behind), and the scanner loaded at the start (its first incident's
    quarantine waited 1-2.7 s for it; docs/watch.md, "Restarts lose nothing the kernel
    saw")."""
    import dataclasses

    from spamtrace.cli.watch import engine_options

    return dataclasses.replace(
        engine_options(args, cfg),
        keep_trace_buffer=cfg.daemon.keep_trace_buffer,
        warm_scanner=True,
    )


def _not_restarted(exc: UsageError) -> str | None:
    from spamtrace.service.units import not_restarted_line

    return not_restarted_line(exc)


def _status(args: argparse.Namespace, cfg: Config) -> int:
    def query(path: str, request: dict[str, Any]) -> dict[str, Any]:
        return _ask(path, request, cfg)

    if args.json:
        from spamtrace.render.output import dump_json
        from spamtrace.render.status import not_running_json

        try:
            doc = query(args.socket or cfg.daemon.socket, {"command": "status"})
        except SpamtraceError as exc:  # no daemon: still a document on stdout, then the error
            from spamtrace.service.control import NoDaemon

            # a daemon that may not be asked (root only) is not a daemon that is down
            dump_json(not_running_json(exc.message, down=isinstance(exc, NoDaemon)))
            raise
        dump_json(doc)
        return ExitCode.CLEAN
    doc = query(args.socket or cfg.daemon.socket, {"command": "status"})
    from spamtrace.render.output import console
    from spamtrace.render.status import print_status

    print_status(console(), doc)
    return ExitCode.CLEAN


def _ask(path: str, request: dict[str, Any], cfg: Config) -> dict[str, Any]:
    """The daemon's answer; when none answers because its socket is gone (removed by hand, or a
    cleanup of /run) while a daemon still holds the store, that is said, not "no daemon is
    running; start it": a second one would be refused, the store being in use."""
    from spamtrace.service.control import NoDaemon, NotAnswering, query

    try:
        return query(path, request)
    except NotAnswering as exc:  # it said only that: not why, nor what to do
        raise NotAnswering(f"{exc.message}: {_not_answering_hint(cfg)}") from None
    except NoDaemon:
        from spamtrace.service.instance import running_daemon

        pid = None if os.path.lexists(path) else running_daemon(cfg.store.path)
        if pid is None:
            raise
        from spamtrace.service.units import systemd_running

        how = f"`kill {pid}`, then start it"
        if systemd_running():
            how = "`systemctl restart spamtrace`"
        raise RuntimeFailure(
            f"the spamtrace daemon (pid {pid}) holds the store {cfg.store.path} but cannot be "
            f"asked: its control socket {path} is gone (removed by hand, or a cleanup of its "
            f"folder); restart it to ask it again ({how})"
        ) from None


def _not_answering_hint(cfg: Config) -> str:
    """What to do about a daemon that took the connection and did not answer."""
    from spamtrace.service.instance import running_daemon
    from spamtrace.service.units import systemd_running

    pid = running_daemon(cfg.store.path)
    which = str(pid) if pid is not None else "PID"
    if systemd_running():
        log, how = "`journalctl -u spamtrace`", "`systemctl restart spamtrace`"
    else:
        log, how = "its output", f"`kill {which}`, then start it"
    return (
        f"it runs{f' (pid {pid})' if pid else ''} but is busy, stuck or stopped (SIGSTOP: "
        f"`kill -CONT {which}` "
        f"resumes it); {log} says what it does; if it stays so, restart it ({how})"
    )


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
