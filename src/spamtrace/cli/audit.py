"""`spamtrace audit`: configuration checks for every way out for spam, each with its fix.

Exit codes: 0 nothing failed, 1 at least one check failed (after ``--fix``, if given), 2 bad
usage. ``skipped`` (could not look), ``warn`` and findings acknowledged in ``[audit] ignore``
do not change the exit code, so that exit 1 from cron means something new.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from spamtrace.config import Config
from spamtrace.errors import ExitCode, UsageError

SCHEMA = "spamtrace.audit/1"


def register(sub: Any) -> None:
    from spamtrace.cli.main import exit_codes

    p = sub.add_parser(
        "audit",
        help="check sshd, firewall, MTA, PHP and DNSBL settings; each finding with its fix",
        description=(
            "Check every way out for spam in this server's configuration: sshd port "
            "forwarding, SMTP egress firewall, MTA logging/limits, PHP mail logging, DNS "
            "blacklists. Exit 1 if anything fails."
        ),
        epilog=exit_codes("no check failed", "a check failed"),
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="ID",
        default=[],
        help="run only these checks: an id (sshd.tcp-forwarding), a family (sshd) or sshd.*",
    )
    p.add_argument(
        "--fix",
        action="store_true",
        help="repair what can be repaired (sshd.tcp-forwarding): back up, validate, reload, "
        "verify, roll back on error",
    )
    p.add_argument(
        "--ip",
        nargs="+",
        action="extend",
        metavar="ADDR",
        default=[],
        help="addresses to look up in DNS blacklists (default: this host's public addresses)",
    )
    p.add_argument(
        "--dnsbl-server",
        action="append",
        metavar="HOST:PORT",
        default=[],
        help="DNS server for blacklist lookups (default: audit.dnsbl_nameservers or the system's)",
    )
    p.add_argument(
        "--sshd-config",
        metavar="FILE",
        help="sshd config to audit and fix (default: sshd's own, /etc/ssh/sshd_config)",
    )
    p.add_argument(
        "--sshd-pid",
        type=int,
        metavar="PID",
        help="pid of the sshd to reload after --fix (default: sshd's PidFile)",
    )
    p.add_argument("--sshd-binary", metavar="PATH", default="sshd", help=argparse.SUPPRESS)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.audit.environment import AuditEnv
    from spamtrace.audit.runner import run_audit, wanted_ids

    wanted_ids(args.only)  # bad ids are a usage error before anything runs
    if args.sshd_pid is not None and args.sshd_pid <= 1:
        raise UsageError("--sshd-pid must be a process id greater than 1")
    if args.sshd_config is not None and not os.path.isfile(args.sshd_config):
        # a typo must not read as "every check skipped" (exit 1), a folder as a config
        what = "not a regular file" if os.path.exists(args.sshd_config) else "no such file"
        raise UsageError(f"--sshd-config {args.sshd_config}: {what}")
    env = AuditEnv(
        cfg=cfg,
        sshd_binary=args.sshd_binary,
        sshd_config=args.sshd_config,
        sshd_pid=args.sshd_pid,
        ips=tuple(args.ip),
        dnsbl_servers=tuple(args.dnsbl_server),
    )
    report = run_audit(env, only=args.only, fix=args.fix)
    if args.json:
        _print_json(report)
    else:
        _print_human(report)
    failed = any(f.status.value == "fail" and not f.ignored for f in report.findings)
    return int(ExitCode.FOUND if failed else ExitCode.CLEAN)


def _summary(report: Any) -> dict[str, int]:
    counts = {"fail": 0, "warn": 0, "skipped": 0, "pass": 0, "ignored": 0}
    for f in report.findings:
        counts["ignored" if f.ignored else f.status.value] += 1
    return counts


def _print_json(report: Any) -> None:
    from spamtrace.render.output import dump_json

    dump_json(
        {
            "schema": SCHEMA,
            "findings": list(report.findings),
            "fixes": list(report.fixes),
            "summary": _summary(report),
        }
    )


_STYLE = {"fail": "bold red", "warn": "yellow", "skipped": "dim", "pass": "green"}
#: subjects named in full in a group; the others are counted
_SHOWN_SUBJECTS = 5
ACK_HINT = (
    'Acknowledged findings no longer make audit exit 1: [audit] ignore = ["ID"] for every '
    'finding of an id, or "ID:SUBJECT" for one item (* and ? match), e.g. '
    '"php.disable-functions:FPM pool www *".'
)


def _print_human(report: Any) -> None:
    from rich.text import Text

    from spamtrace.audit.finding import group_findings
    from spamtrace.render import output
    from spamtrace.render.layout import field

    con = output.console()
    order = {"fail": 0, "warn": 1, "skipped": 2, "pass": 3}

    def indented(text: str, style: str = "") -> None:
        output.indented(con, text, style)

    shown = [f for f in report.findings if not f.ignored]
    for group in group_findings(sorted(shown, key=lambda x: order[x.status.value])):
        f, subjects = group.first, group.subjects
        head = Text()
        head.append(f"{f.status.value.upper():<7}", style=_STYLE[f.status.value])
        head.append(f" {f.id}", style="bold")
        head.append("  ")
        title = f"{f.summary} ({len(group.findings)}x)" if len(group.findings) > 1 else f.title
        field(con, head, title, indent=0)  # a long title wraps under itself
        if len(group.findings) > 1:
            names = ", ".join(subjects[:_SHOWN_SUBJECTS])
            more = len(subjects) - _SHOWN_SUBJECTS
            indented(f"in: {names}" + (f" and {more} more" if more > 0 else ""))
            indented(f"e.g. {f.subject}:")
        for ev in f.evidence:
            indented(ev)
        if f.status.value in ("fail", "warn"):
            if f.why:
                indented(f"why: {f.why}", "italic")
            if f.fix:
                label = "fix (for each; e.g. the first)" if len(group.findings) > 1 else "fix"
                indented(f"{label}: {f.fix}", "cyan")
        con.print()
    for fx in report.fixes:
        con.print(Text(f"FIX {fx.id}: {fx.action.value}", style="bold"))
        for d in fx.details:
            indented(d)
    ignored = [f for f in report.findings if f.ignored]
    if ignored:
        ids = sorted({f.id for f in ignored})
        con.print(
            Text(f"acknowledged in [audit] ignore, not shown: {len(ignored)} ({', '.join(ids)})")
        )
    counts = _summary(report)
    if not counts["ignored"]:
        counts.pop("ignored")
    con.print(Text(", ".join(f"{n} {k}" for k, n in counts.items()), style="bold"))
    if counts["fail"] or counts["warn"]:
        con.print(Text(ACK_HINT, style="dim"))
