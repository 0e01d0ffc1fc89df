"""`spamtrace mail`: who sent how much through the MTA (Exim, Postfix, PHP mail.log).

The wiring only: the logs are read, summed per sender and judged by
:mod:`spamtrace.service.mail` (the engine; see its docstring for the pipeline), and shown by
:mod:`spamtrace.render.mail` (a table, or ``--json``, schema ``spamtrace.mail/1``). Exit 1
when an incident was opened, 0 otherwise; 2 usage/config, 3 when no log was found or could
be read.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from spamtrace.errors import ExitCode
from spamtrace.service.mail import SCAN_BUDGET

if TYPE_CHECKING:
    import argparse

    from spamtrace.config import Config


def register(sub: Any) -> None:
    from spamtrace.cli.argparsing import exit_codes
    from spamtrace.cli.options import count, seconds_up_to

    p = sub.add_parser(
        "mail",
        help="who sent how much mail through the MTA (per account, script and mailbox)",
        description="Read the MTA's logs (Exim main log, Postfix mail log) and PHP's mail.log: "
        "messages per account, per script and per SMTP AUTH mailbox, the biggest senders "
        "first, with the mail-script / mail-auth incidents of those above the limits of the "
        "[mail] config section, and the MTA's queue.",
        epilog=exit_codes("no sender above the limits", "a sender above the limits (incidents)"),
    )
    p.add_argument(
        "--since",
        default="1h",
        metavar="WHEN",
        help="30m, 24h, 7d, an ISO date/time (UTC unless it has an offset: "
        "2026-12-05T10:00+01:00), epoch seconds, or 'all' (default 1h)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    for flag, key, what in (
        ("--exim-log", "exim_logs", "Exim main log"),
        ("--postfix-log", "postfix_logs", "Postfix mail log ('journal': the systemd journal)"),
        ("--php-log", "php_logs", "PHP mail.log"),
    ):
        p.add_argument(
            flag, action="append", metavar="PATH",
            help=f"read this {what} (repeatable; a log given replaces every configured "
            f"one, of each kind; default: [mail] {key}, see config show)",
        )  # fmt: skip
    p.add_argument(
        "--top", type=count, default=50, metavar="N",
        help="senders and incidents shown (default 50)",
    )  # fmt: skip
    p.add_argument("--no-queue", action="store_true", help="do not ask the MTA for its queue")
    p.add_argument(
        "--no-scan", action="store_true", help="do not scan senders' folders for the script"
    )
    p.add_argument(
        "--scan-budget",
        type=seconds_up_to(600),
        default=SCAN_BUDGET,
        metavar="SECONDS",
        help=f"time for scanning senders' folders (default {SCAN_BUDGET:g})",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.cli.main import keep_until_exit
    from spamtrace.cli.watch import note_future_since, parse_since
    from spamtrace.render.mail import print_report, report_json
    from spamtrace.service.mail import queue_state, read_logs, scan_senders

    now = time.time()
    since = parse_since(args.since, now)
    note_future_since(since, now)
    given = {kind: getattr(args, f"{kind}_log") or [] for kind in ("exim", "postfix", "php")}
    report = read_logs(cfg, given, since)
    if not args.no_scan and report.ledger.senders:
        scan_senders(report, cfg, args.scan_budget)
    if not args.no_queue and cfg.mta.kind != "none":  # no MTA: no queue to ask
        report.queue = queue_state(cfg, {c.kind for c in report.logs})
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json(report_json(report, args.top))
    else:
        print_report(report, args.top)
    keep_until_exit(report)  # its ledger and policy: not freed one object at a time
    return int(ExitCode.FOUND if report.incidents else ExitCode.CLEAN)
