"""`spamtrace audit`: configuration checks for every way out for spam, each with its fix.

Exit codes: 0 nothing failed, 1 at least one check failed (after ``--fix``, if given), 2 bad
usage. ``skipped`` (could not look), ``warn`` and findings acknowledged in ``[audit] ignore``
do not change the exit code, so that exit 1 from cron means something new.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from spamtrace.config import Config
from spamtrace.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from spamtrace.audit.runner import AuditReport


def register(sub: Any) -> None:
    from spamtrace.cli.argparsing import exit_codes

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
        help="repair what can be repaired (sshd.tcp-forwarding): back up (under "
        "/var/lib/spamtrace/backups), validate, reload, verify, roll back on error",
    )
    p.add_argument(
        "--ip",
        nargs="+",
        action="extend",
        metavar="ADDR",
        default=[],
        help="addresses to look up in DNS blacklists (default: this host's public addresses); "
        "a private, loopback, link-local or reserved one is refused (blacklists list public "
        "addresses only)",
    )
    p.add_argument(
        "--allow-non-public",
        action="store_true",
        help="look up --ip addresses that are not public anyway (a test DNSBL of your own)",
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


def _check_ips(ips: list[str], allow_non_public: bool) -> None:
    """``--ip``: addresses, and public ones unless ``--allow-non-public`` (a private address
    is on no blacklist: its lookup would only ever read as "not listed")."""
    from spamtrace.audit.dnsbl import not_public
    from spamtrace.safetext import quoted

    for raw in ips:
        try:
            why = not_public(raw.strip())
        except ValueError:
            raise UsageError(f"--ip {quoted(raw)}: not an IP address") from None
        if why is not None and not allow_non_public:
            raise UsageError(
                f"--ip {quoted(raw)}: {why}; DNS blacklists list public addresses only "
                "(--allow-non-public looks it up anyway)"
            )


def _nothing_fixed(report: AuditReport, only: list[str]) -> str:
    """Why ``--fix`` repaired nothing: the checks it repairs were left out by ``--only``, or
    none of them failed or warned."""
    from spamtrace.audit.finding import FixableCheck
    from spamtrace.audit.runner import ALL_CHECKS, wanted_ids

    fixable = [i for c in ALL_CHECKS if isinstance(c, FixableCheck) for i in c.fixable]
    wanted = set(wanted_ids(only, ALL_CHECKS))
    if not wanted.intersection(fixable):
        return f"--fix repaired nothing: it repairs {', '.join(fixable)}, which --only left out"
    states = sorted({f"{f.id}: {f.status.value}" for f in report.findings if f.id in fixable})
    return f"--fix repaired nothing: {', '.join(states) or ', '.join(fixable) + ' not judged'}"


def run(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.audit.environment import AuditEnv
    from spamtrace.audit.runner import run_audit, wanted_ids
    from spamtrace.render.audit import print_human, print_json

    wanted_ids(args.only)  # bad ids are a usage error before anything runs
    _check_ips(args.ip, args.allow_non_public)
    if args.sshd_pid is not None and args.sshd_pid <= 1:
        raise UsageError("--sshd-pid must be a process id greater than 1")
    if args.sshd_config is not None and not os.path.isfile(args.sshd_config):
        # a typo must not read as "every check skipped" (exit 1), a folder as a config
        what = "not a regular file" if os.path.exists(args.sshd_config) else "no such file"
        raise UsageError(f"--sshd-config {args.sshd_config}: {what}")
    env = AuditEnv(
        cfg=cfg,
        sshd_binary=args.sshd_binary,
        # absolute: an Include of it by its full name is then the same file (a loop seen)
        sshd_config=os.path.abspath(args.sshd_config) if args.sshd_config else None,
        sshd_pid=args.sshd_pid,
        ips=tuple(args.ip),
        dnsbl_servers=tuple(args.dnsbl_server),
    )
    report = run_audit(env, only=args.only, fix=args.fix)
    if args.json:
        print_json(report)
    else:
        print_human(report)
    if args.fix and not report.fixes:  # --fix asked, nothing done: said, not left to guess
        print(f"spamtrace: note: {_nothing_fixed(report, args.only)}", file=sys.stderr)
    if os.geteuid() != 0:  # after the report: the last thing read on a terminal
        print(
            "spamtrace: note: not run as root: what only root may read (sshd -T with the host "
            "keys, the firewall rules, logs and configs of other users) was judged from what "
            "could be read, or skipped; run `sudo spamtrace audit` for a complete audit",
            file=sys.stderr,
        )
    failed = any(f.status.value == "fail" and not f.ignored for f in report.findings)
    return int(ExitCode.FOUND if failed else ExitCode.CLEAN)
