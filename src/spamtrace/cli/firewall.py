"""`spamtrace firewall plan|apply|status|remove|confirm|load-confirmed|acl`: only the MTA
may speak SMTP.

Argparse and wiring only: the command-level steps (backend choice, overdue rollback, the
rollback helper's argv, the table's status) are ``service/firewall.py``; the plan comes from
``policy/firewall_plan.py`` (for this host: ``actions/firewall/host.py``), the backends (nft,
iptables) from ``actions/firewall/backends.py``, the safe apply -> confirm | rollback
transaction from ``actions/firewall/transaction.py`` (see there), the border ACL from
``actions/border_acl.py``, the views from ``render/firewall.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spamtrace.cli.options import duration, folder, hours, port_list, store_help
from spamtrace.config import FirewallSection, SmtpSection
from spamtrace.errors import ConfigError, ExitCode
from spamtrace.safetext import quoted

if TYPE_CHECKING:
    from spamtrace.actions.firewall.backends import Backend
    from spamtrace.config import Config
    from spamtrace.policy.firewall_plan import FirewallPlan

DEFAULT_STATE_DIR = "/var/lib/spamtrace/firewall"  # = actions.firewall.transaction's


class _DeprecatedYes(argparse.Action):
    """``apply --yes``: what ``--no-rollback`` does, with a note that the name changed."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        print("spamtrace: note: --yes is now called --no-rollback (no automatic rollback)",
              file=sys.stderr)  # fmt: skip
        setattr(namespace, self.dest, True)


def _state_dir_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--state-dir", default=DEFAULT_STATE_DIR, type=folder, metavar="DIR",
        help=f"where {what} kept (default {DEFAULT_STATE_DIR})",
    )  # fmt: skip


def register(sub: Any) -> None:
    from spamtrace.cli.argparsing import exit_codes, hide_internal_actions

    parser = sub.add_parser(
        "firewall", help="only the MTA may speak SMTP: plan, apply safely, status, remove"
    )
    fsub = parser.add_subparsers(dest="firewall_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    _state_dir_option(common, "the rollback state and the confirmed rules are")
    common.add_argument(
        "--backend",
        choices=("auto", "nft", "iptables"),
        default="auto",
        help="nft or the iptables fallback (default: the one that loaded the rules, else "
        "nft when installed)",
    )
    common.add_argument(
        "--root",
        type=_root,
        default="/",
        metavar="DIR",
        help="system root for MTA detection (default /)",
    )

    plan = fsub.add_parser("plan", parents=[common], help="show the rules and who they would block")
    plan.add_argument("--json", action="store_true", help="machine-readable output")
    plan.add_argument("--db", metavar="PATH", help=store_help("store with recent senders"))
    plan.add_argument(
        "--since",
        type=duration,
        default=24 * 3600.0,
        metavar="AGE",
        help="recent senders from the store, e.g. 24h, 7d (default 24h)",
    )
    plan.add_argument("--since-hours", type=hours, dest="since", help=argparse.SUPPRESS)
    plan.set_defaults(handler=_plan_cmd)

    apply = fsub.add_parser(
        "apply", parents=[common], help="load the rules (rolls back unless confirmed)"
    )
    keep_or_try = apply.add_mutually_exclusive_group()  # kept at once, or on trial for N s
    keep_or_try.add_argument(
        "--no-rollback",
        action="store_true",
        help="keep the rules at once, without the automatic rollback (no confirm needed)",
    )
    keep_or_try.add_argument(  # the old name of --no-rollback, kept for scripts
        "--yes", action=_DeprecatedYes, nargs=0, dest="no_rollback", help=argparse.SUPPRESS
    )
    apply.add_argument("--json", action="store_true", help="machine-readable result")
    apply.add_argument("--dry-run", action="store_true", help="print the ruleset, load nothing")
    keep_or_try.add_argument(
        "--timeout",
        type=_timeout,
        metavar="SECONDS",
        help="seconds to confirm, 1..86400 (default: firewall.confirm_timeout, "
        f"{FirewallSection().confirm_timeout:g})",
    )
    apply.set_defaults(handler=_apply_cmd)

    status = fsub.add_parser(
        "status",
        parents=[common],
        help="whether the rules are loaded, changed since the last confirmed apply, and "
        "what the config asks for; what they blocked",
        epilog=exit_codes(
            "loaded, unchanged since the last confirmed apply (or the one on trial) and what "
            "the config asks for (nft)",
            "not loaded, changed by hand (drift), or the config asks for other rules",
        ),
    )
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=_status_cmd)

    remove = fsub.add_parser(
        "remove", parents=[common], help="remove spamtrace's rules (its own table), nothing else"
    )
    remove.add_argument("--json", action="store_true", help="machine-readable result")
    remove.set_defaults(handler=_remove_cmd)

    confirm = fsub.add_parser(
        "confirm", parents=[common], help="keep the rules loaded by the last apply"
    )
    confirm.add_argument("--json", action="store_true", help="machine-readable result")
    confirm.set_defaults(handler=_confirm_cmd)

    boot = fsub.add_parser(
        "load-confirmed",
        help="load the last confirmed rules, never rules still on trial (run at boot by "
        "spamtrace-firewall.service)",
    )
    _state_dir_option(boot, "the confirmed rules are")
    boot.add_argument("--json", action="store_true", help="machine-readable result")
    boot.set_defaults(handler=_load_confirmed_cmd)

    acl = fsub.add_parser(
        "acl", help="print an egress ACL for a border router: only relays may send SMTP"
    )
    acl.add_argument(
        "--relay", nargs="+", required=True, metavar="HOST",
        help="the mail relays, the only hosts that may send SMTP out (names or addresses)",
    )  # fmt: skip
    acl.add_argument(
        "--servers", nargs="+", required=True, metavar="CIDR",
        help="the networks of the servers whose outbound SMTP is limited",
    )  # fmt: skip
    acl.add_argument("--format", choices=("nft", "cisco", "juniper"), default="nft",
                     help="the router's syntax (default nft)")  # fmt: skip
    acl.add_argument(
        "--ports",
        type=port_list,
        metavar="LIST",
        help="ports to limit, comma-separated (default: smtp.relay_ports, "
        f"{','.join(map(str, SmtpSection().relay_ports))})",
    )
    acl.set_defaults(handler=_acl_cmd)

    rollback = fsub.add_parser("_rollback", parents=[common])
    rollback.add_argument("--after", type=float, default=0.0)  # unused: the record's deadline
    rollback.add_argument("--token", required=True)
    rollback.set_defaults(handler=_rollback_cmd)
    hide_internal_actions(fsub)  # _rollback: parsed, never listed
    # every command first performs a rollback whose helper died (see transaction's doc)
    for name, sub_parser in fsub.choices.items():
        if name not in ("_rollback", "acl"):
            handler = sub_parser.get_default("handler")
            sub_parser.set_defaults(handler=_after_overdue_rollback(handler, name))


def _root(text: str) -> str:
    """--root: a folder that is there (a mistyped one read as a root with no MTA: "no MTA
    detected: refusing ...", which sent the admin to [mta] users, not to the flag)."""
    if not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"not a folder: {quoted(text)}")
    return text


def _timeout(text: str) -> int:
    from spamtrace.actions.firewall.transaction import MAX_TIMEOUT

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"not a number of seconds in 1..{MAX_TIMEOUT}: {quoted(text)}"
        )
    return value


def _after_overdue_rollback(handler: Callable[..., int], action: str) -> Callable[..., int]:
    def run(args: argparse.Namespace, cfg: Config) -> int:
        from spamtrace.cli.options import named_folder_there
        from spamtrace.service.firewall import roll_back_overdue

        if action in ("status", "confirm", "remove"):  # they read it, never make it
            named_folder_there(args.state_dir, DEFAULT_STATE_DIR, f"firewall {action}")
        args.overdue_rollback = done = roll_back_overdue(Path(args.state_dir))
        if done is not None:
            print(f"spamtrace: warning: {done.warning()}", file=sys.stderr)
        return handler(args, cfg)

    return run


# ------------------------------------------------------------------ building blocks


def _need_root(action: str) -> None:
    """One line, exit 3, before nft or the state dir answers with its own words (``nft list:
    permission denied (run as root): Operation not permitted (you must be root) netlink:
    Error: cache initialization failed``, or ``state dir ...: Permission denied``)."""
    if os.geteuid() != 0:
        from spamtrace.errors import PermissionRequired

        raise PermissionRequired(f"firewall {action} needs root")


def _backend(args: argparse.Namespace) -> Backend:
    from spamtrace.service.firewall import backend_for

    return backend_for(args.backend, Path(args.state_dir))


def build(args: argparse.Namespace, cfg: Config) -> FirewallPlan:
    from spamtrace.actions.firewall.host import host_plan

    return host_plan(cfg, args.root)


def _plan_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.service.firewall_impact import collect_impact

    plan = build(args, cfg)
    backend = _backend(args)
    ruleset = backend.render(plan)
    impact = collect_impact(cfg, plan, args.db or cfg.store.path, args.since)
    if args.json:
        from spamtrace.render.firewall import plan_json
        from spamtrace.render.output import dump_json

        dump_json(plan_json(plan, backend.name, impact, ruleset))
    else:
        from spamtrace.render.firewall import print_plan
        from spamtrace.render.output import console

        print_plan(console(), plan, backend.name, impact, ruleset)
    return ExitCode.USAGE if plan.refusal else ExitCode.CLEAN


def _say(args: argparse.Namespace, action: str, text: str, **fields: Any) -> None:
    """The result of apply/confirm/remove: one human line, or a JSON document with --json."""
    if getattr(args, "json", False):
        from spamtrace.render.firewall import action_json
        from spamtrace.render.output import dump_json

        dump_json(action_json(action, text, **fields))
    else:
        print(text)


def _apply_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.actions.firewall import transaction
    from spamtrace.service.firewall import rollback_argv

    plan = build(args, cfg)
    if plan.refusal:
        raise ConfigError(plan.refusal)
    backend = _backend(args)
    if args.dry_run:
        if args.json:
            _say(
                args,
                "dry-run",
                "nothing loaded",
                backend=backend.name,
                ruleset=backend.render(plan),
            )
        else:
            print(backend.render(plan), end="")
        return ExitCode.CLEAN
    _need_root("apply")
    timeout = args.timeout if args.timeout is not None else cfg.firewall.confirm_timeout
    state = transaction.state_dir(args.state_dir)
    result = transaction.apply(
        backend, plan, state, timeout=timeout, yes=args.no_rollback,
        rollback_argv=rollback_argv(
            config=args.config, backend=args.backend, root=args.root, state_dir=state,
            timeout=timeout,
        ),
    )  # fmt: skip
    from spamtrace.render.firewall import applied_text

    _say(
        args, "apply", applied_text(result, timeout), backend=result.backend, mode=result.mode,
        changed=result.changed, rollback_in=result.rollback_in,
    )  # fmt: skip
    return ExitCode.CLEAN


def _confirm_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.actions.firewall import transaction

    _need_root("confirm")
    if not transaction.confirm(transaction.state_dir(args.state_dir)):
        text = "nothing to confirm (no apply is waiting for confirmation)"
        _say(args, "confirm", text, confirmed=False)
        return ExitCode.CLEAN
    _say(args, "confirm", "confirmed: the rules stay loaded", confirmed=True)
    return ExitCode.CLEAN


def _rollback_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.actions.firewall import transaction
    from spamtrace.actions.firewall.backends import select_backend

    if transaction.wait_and_rollback(Path(args.state_dir), args.token, select_backend):
        print(f"rolled back (token {args.token})", file=sys.stderr)
    return ExitCode.CLEAN


def _load_confirmed_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.actions.firewall import transaction
    from spamtrace.actions.firewall.backends import select_backend

    _need_root("load-confirmed")
    state = Path(args.state_dir)
    policy = transaction.load_confirmed(state, select_backend) if state.is_dir() else None
    if policy is None:
        where = "" if state.is_dir() else f"; {quoted(str(state))} does not exist"
        _say(
            args, "load-confirmed",
            f"no confirmed firewall rules (none applied and confirmed yet{where}): nothing "
            "loaded", loaded=False, backend=None,
        )  # fmt: skip
        return ExitCode.CLEAN
    from spamtrace.render.firewall import loaded_confirmed_text

    _say(
        args, "load-confirmed", loaded_confirmed_text(policy), loaded=True,
        backend=policy["backend"], confirmed_at=policy.get("confirmed_at"),
    )  # fmt: skip
    return ExitCode.CLEAN


def _remove_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.actions.firewall import transaction
    from spamtrace.render.firewall import removed_text
    from spamtrace.service.firewall import kept_uid_blocks

    _need_root("remove")
    backend = _backend(args)
    transaction.forget(Path(args.state_dir))
    try:
        plan: FirewallPlan | None = build(args, cfg)
    except ConfigError:
        plan = None  # removing must work even with a broken config
    removed = backend.remove(plan)
    kept = kept_uid_blocks() if removed else []
    text = removed_text(backend.name, removed, kept)
    _say(args, "remove", text, backend=backend.name, removed=removed,
         kept_blocks=[uid for uid, _ in kept])  # fmt: skip
    return ExitCode.CLEAN


def _status_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.render.firewall import in_sync, status_json, status_lines
    from spamtrace.service.firewall import table_status

    _need_root("status")
    plan = build(args, cfg)
    backend = _backend(args)
    st, pending = table_status(backend, plan, Path(args.state_dir))
    if args.json:
        from spamtrace.render.output import dump_json

        overdue = getattr(args, "overdue_rollback", None)
        dump_json(status_json(backend.name, plan, st, pending, overdue))
    else:
        print("\n".join(status_lines(backend.name, plan, st, pending)))
    return ExitCode.CLEAN if in_sync(st) else ExitCode.FOUND


def _acl_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.actions.border_acl import render_acl
    from spamtrace.actions.firewall.host import relay_addresses

    ports = args.ports or cfg.smtp.relay_ports
    print(render_acl(relay_addresses(args.relay), args.servers, ports, args.format), end="")
    return ExitCode.CLEAN
