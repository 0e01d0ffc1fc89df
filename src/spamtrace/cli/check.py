"""`spamtrace check`: who is speaking SMTP from this server, right now.

The wiring only: the connections are found, attributed, judged and their senders' files
scanned by :mod:`spamtrace.service.check` (see its docstring for the pipeline); the mail logs'
"through the MTA" section comes from :mod:`spamtrace.service.mail`; both are shown by
:mod:`spamtrace.render.check` and :mod:`spamtrace.render.mail`: a table (rich, imported only
for the human view), or ``--json`` (schema ``spamtrace.check/1``, no rich import). Exit 0 when
nothing alerts, 1 when a connection is ``suspicious`` or ``ssh-tunnel`` (or the mail logs show
a sender above the ``[mail]`` limits), 2 on usage/config errors, 3 on runtime failure.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from spamtrace.errors import ExitCode, UsageError
from spamtrace.model import ALERTING_VERDICTS
from spamtrace.service.check import SCAN_BUDGET

if TYPE_CHECKING:
    import argparse
    from typing import Any

    from spamtrace.config import Config


def register(sub: Any) -> None:
    from spamtrace.cli.argparsing import exit_codes
    from spamtrace.cli.options import port_list, seconds_up_to

    parser = sub.add_parser(
        "check",
        help="list connections to remote SMTP ports and who made them",
        description="List every TCP connection from this host to a remote SMTP port, the "
        "process, user, hosting account, folder and script behind it, and a verdict.",
        epilog=exit_codes("nothing suspicious", "something suspicious found"),
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--ports",
        type=port_list,
        metavar="LIST",
        help="remote ports to look at, comma-separated (default: smtp.ports, 25,465,587,2525)",
    )
    parser.add_argument(
        "--relay-ports",
        type=port_list,
        metavar="LIST",
        help="ports where any non-MTA sender is suspicious (default: smtp.relay_ports, 25)",
    )
    parser.add_argument(
        "--no-scan",
        action="store_true",
        help="do not scan the suspicious senders' scripts and folders for malicious PHP",
    )
    parser.add_argument(
        "--scan-budget",
        type=seconds_up_to(600),
        default=SCAN_BUDGET,
        metavar="SECONDS",
        help=f"time for scanning all senders' files in this run (default {SCAN_BUDGET:g})",
    )
    parser.set_defaults(handler=run, report_despite_bad_config=True)


def run(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.render.check import print_report, report_json
    from spamtrace.service.check import collect_report, mail_logs_written_since, scan_report
    from spamtrace.service.mail import (
        logs_not_files,
        not_read_hint,
        php_config,
        unreadable_logs,
        with_found_logs,
    )

    overrides: dict[str, Any] = {}
    if args.ports:
        overrides["smtp__ports"] = args.ports
    if args.relay_ports:
        overrides["smtp__relay_ports"] = args.relay_ports
    if overrides:  # an error of their values names the flag (--relay-ports), not the key
        cfg = cfg.override(
            flags={"smtp__ports": "--ports", "smtp__relay_ports": "--relay-ports"}, **overrides
        )
    if not cfg.smtp.ports:
        raise UsageError("no SMTP ports configured")
    report = collect_report(cfg)
    if getattr(args, "config_error", None):  # a fleet's check --json | jq sees it too
        report.notes.append(
            f"config error: {args.config_error}: this report uses the built-in defaults"
        )
    if not getattr(args, "no_scan", False):
        report = scan_report(report, cfg, getattr(args, "scan_budget", SCAN_BUDGET))
        if cfg.scan.yara_rules:  # scanned with the built-in rules only: said
            from spamtrace.scanner.user_rules import unused_note

            if (note := unused_note(cfg.scan.yara_rules)) is not None:
                report.notes.append(note)
    through_mta = None  # unless the mail logs show a sender above the [mail] limits
    # [mail] php_logs, else PHP's own mail.log files; Exim's log where Exim says; no MTA log
    # with [mta] kind = "none"
    # the PHP configuration, read once: the mail.log files to find (none configured) and
    # the chroots of their pools (read with the logs, when one was written)
    php = None if cfg.mail.php_logs else php_config()
    mail_cfg = with_found_logs(cfg, php)[0]
    denied = unreadable_logs(mail_cfg)  # without root: said, not taken for "no mail"
    report.notes.extend(logs_not_files(cfg))  # a folder, a FIFO, /dev/null: not read
    if denied:
        said = "; ".join(f"{path}: {why}" for path, why in denied)  # escaped when printed
        report.notes.append(f"mail logs not read (through the MTA): {said}{not_read_hint()}")
    if mail_logs_written_since(mail_cfg, time.time() - cfg.mail.check_minutes * 60):
        from spamtrace.render.mail import check_section
        from spamtrace.service.mail import recent_report

        recent = recent_report(mail_cfg, php)
        told = {path for path, _why in denied}  # said above, with the hint
        logs = recent.logs if recent else []
        errors = "; ".join(c.error for c in logs if c.error and c.path not in told)
        if errors:  # escaped when printed
            report.notes.append(f"mail logs not read (through the MTA): {errors}")
        if recent is not None and recent.incidents:
            through_mta = check_section(recent, cfg.mail.check_minutes)
        if recent is not None and recent.ledger.from_this_host:  # no sender to name: said
            from spamtrace.render.mail import FROM_THIS_HOST

            report.notes.append(
                f"{recent.ledger.from_this_host} message(s) in the last "
                f"{cfg.mail.check_minutes} minutes {FROM_THIS_HOST}"
            )
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({**report_json(report), "mail": through_mta})
    else:
        print_report(report)
        if through_mta is not None:
            from spamtrace.render.mail import print_check_section

            print_check_section(through_mta)
    alerting = any(c.verdict in ALERTING_VERDICTS for c in report.connections) or through_mta
    return int(ExitCode.FOUND if alerting else ExitCode.CLEAN)
