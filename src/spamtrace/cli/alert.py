"""`spamtrace alert test [--channel NAME]`: send a sample alert through the alert channels."""

from __future__ import annotations

import argparse
import time
from typing import Any

from spamtrace.cli.argparsing import CUT
from spamtrace.config import Config
from spamtrace.errors import AlertError, ExitCode, UsageError
from spamtrace.safetext import escape, escape_message, quoted

ALERT_TEST_SCHEMA = "spamtrace.alert-test/1"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "alert",
        help="alert channels: send a test alert",
        description="Alert channels ([alerts] in the config: e-mail, webhook, syslog).",
    )
    asub = parser.add_subparsers(dest="alert_command", metavar="ACTION", required=True)
    test = asub.add_parser(
        "test",
        help="send a sample alert through each channel and say what happened",
        description="Send a sample alert (a made-up incident, marked TEST) through every "
        "configured channel, or only --channel NAME, once each, without retries or rate "
        "limit.",
        epilog="exit codes: 0 every channel delivered, 2 usage or config error (or no channel "
        f"is set), 3 runtime failure (a channel failed), {CUT}",
    )
    test.add_argument("--channel", metavar="NAME", help="only this channel (see config show)")
    test.add_argument("--json", action="store_true", help="machine-readable output")
    test.set_defaults(handler=_test)


def _test(args: argparse.Namespace, cfg: Config) -> int:
    import socket

    from spamtrace.sinks.alerts import build_channel
    from spamtrace.sinks.alerts.content import Alert, AlertEvent, sample_incident
    from spamtrace.sinks.alerts.settings import parse

    settings = parse(cfg.alerts)
    specs = list(settings.channels)
    if not specs:
        raise UsageError(
            "no alert channels are configured: add [[alerts.webhook]], [[alerts.email]] or "
            "[alerts.syslog] to the config (see docs/alerts.md)"
        )
    if args.channel is not None:
        names = [s.name for s in specs]
        specs = [s for s in specs if s.name == args.channel]
        if not specs:
            raise UsageError(
                f"no alert channel named {quoted(args.channel)} (channels: {', '.join(names)})"
            )
    now = time.time()
    host = settings.host or socket.gethostname()
    alert = Alert(AlertEvent.TEST, host, sample_incident(now), now, mode=cfg.mode)
    results: list[dict[str, Any]] = []
    for spec in specs:
        channel = build_channel(spec)
        started = time.monotonic()
        try:
            note = channel.send(alert)
            ok, error = True, None
        except AlertError as exc:
            ok, note, error = False, None, exc.message
        results.append({
            "channel": spec.name, "kind": spec.kind, "target": channel.describe(), "ok": ok,
            "result": note, "error": error, "seconds": round(time.monotonic() - started, 3),
        })  # fmt: skip
    failed = sum(1 for r in results if not r["ok"])
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({"schema": ALERT_TEST_SCHEMA, "host": host, "sent": len(results) - failed,
                   "failed": failed, "channels": results})  # fmt: skip
    else:
        from spamtrace.render.output import console, shown

        con = console()  # a channel's error is cut with an ellipsis: "..." when plain
        for r in results:
            status = "ok    " if r["ok"] else "FAILED"
            detail = r["result"] if r["ok"] else r["error"]
            print(
                f"{status} {escape(r['channel'])} ({escape(r['target'])}): "
                f"{shown(con, escape_message(detail))} [{r['seconds']:.2f} s]"
            )
        print(
            f"{len(results) - failed} of {len(results)} channel(s) delivered the test alert"
            + ("" if not failed else "; the failures are above (fix, then run this again)")
        )
    return ExitCode.FAILURE if failed else ExitCode.CLEAN
