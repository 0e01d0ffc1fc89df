"""`spamtrace service install|uninstall`: write or remove the systemd units.

The wiring only: what the units are and how they are written, enabled and removed is
:mod:`spamtrace.service.units`; this module says what was done (or ``--json``, schema
``spamtrace.service/1``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spamtrace.errors import ExitCode, PermissionRequired, UsageError
from spamtrace.safetext import escape
from spamtrace.service.units import DEFAULT_UNIT_DIR, DROPINS, install, launcher, uninstall

if TYPE_CHECKING:
    from spamtrace.config import Config


def register(sub: Any) -> None:
    p = sub.add_parser(
        "service", help="install or remove the systemd units (daemon, boot firewall)"
    )
    ssub = p.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    for name, text, description in (
        ("install", "write the units and enable them (where systemd runs)",
         "Write spamtrace.service (the daemon) and spamtrace-firewall.service (the last "
         "confirmed firewall, loaded at boot), with the drop-ins the config needs (mode = "
         "enforce, [responses], an e-mail alert by sendmail, folders outside /var/lib/spamtrace); "
         "where systemd runs, enable "
         "both and start the daemon. The daemon reads the config this command was given "
         "(--config or SPAMTRACE_CONFIG). A unit spamtrace did not write is left alone (exit 3). "
         "Run it again after changing mode, [responses] or [alerts]."),
        ("uninstall", "disable and remove the units (only the ones spamtrace wrote)",
         "Stop and disable the daemon and the boot firewall unit (where systemd runs) and "
         "remove the units and drop-ins spamtrace wrote; any other file is left alone. The "
         "store, the firewall's state and the loaded firewall stay (`spamtrace firewall "
         "remove` removes the rules)."),
    ):  # fmt: skip
        a = ssub.add_parser(name, help=text, description=description)
        a.add_argument(
            "--unit-dir",
            default=DEFAULT_UNIT_DIR,
            metavar="DIR",
            help=f"where unit files go (default {DEFAULT_UNIT_DIR})",
        )
        a.add_argument("--json", action="store_true", help="machine-readable result")
        a.set_defaults(handler=_install if name == "install" else _uninstall)
    p.set_defaults(handler=None)


def _say(args: argparse.Namespace, doc: dict[str, Any], lines: list[str]) -> None:
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({"schema": "spamtrace.service/1", **doc})
    else:
        print("\n".join(lines))


#: what each drop-in lets the daemon do (said after install)
_DROPIN_LETS = {
    "50-spamtrace-enforce.conf": "quarantine under /home (mode = enforce)",
    "51-spamtrace-suspend.conf": "run the suspend or mailbox-lock command",
    "52-spamtrace-mta.conf": "freeze queued mail (exim -Mf / postsuper -h)",
    "53-spamtrace-paths.conf": "write the folders the config names outside /var/lib/spamtrace",
    "54-spamtrace-sendmail.conf": "hand e-mail alerts to the local sendmail",
}


def _wrote(paths: tuple[str, ...], name: str) -> bool:
    return any(p.endswith("/" + name) for p in paths)


def _unit_dir(args: argparse.Namespace) -> None:
    """``--unit-dir ""`` is a usage error: as ``Path("")`` it was the current folder, where
    install wrote the units (and uninstall would have removed them), saying `wrote
    spamtrace.service` as if that were a place systemd reads."""
    if not args.unit_dir.strip():
        raise UsageError(f"--unit-dir: empty (give the folder the units go to, such as "
                         f"{DEFAULT_UNIT_DIR})")  # fmt: skip


def _install(args: argparse.Namespace, cfg: Config) -> int:
    _unit_dir(args)
    if os.geteuid() != 0 and args.unit_dir == DEFAULT_UNIT_DIR:
        raise PermissionRequired("service install needs root (it writes /etc/systemd/system)")
    config = args.config or os.environ.get("SPAMTRACE_CONFIG")
    spamtrace = launcher(config)
    done = install(Path(args.unit_dir), cfg, spamtrace, args.unit_dir == DEFAULT_UNIT_DIR, config)
    lines = [f"wrote {escape(p)}" for p in done.written]
    lines += [f"removed {escape(p)}" for p in done.removed]
    if done.enabled:
        lines += [
            "enabled spamtrace-firewall.service (loads the confirmed firewall rules at boot)",
            "enabled and started spamtrace.service: `spamtrace status` shows how it is doing",
        ]
    else:
        lines.append(
            f"not enabled ({done.why_not}). To run without systemd, start "
            f"`{escape(spamtrace)} daemon` from your init system (it stays in the foreground "
            f"and logs to stderr), and run `{escape(spamtrace)} firewall load-confirmed` at "
            "boot before the network is up."
        )
    if done.dropins:
        lets = [_DROPIN_LETS[name] for name in DROPINS.values() if _wrote(done.dropins, name)]
        lines.append(
            f"the drop-ins let the daemon {', '.join(lets)}; run `spamtrace service install` "
            "again after changing mode, [responses], [alerts] or those paths"
        )
    for warning in done.warnings:
        print(f"spamtrace: warning: {warning}", file=sys.stderr)
    doc = {
        "action": "install", "written": list(done.written), "removed": list(done.removed),
        "enabled": done.enabled, "warnings": list(done.warnings),
    }  # fmt: skip
    _say(args, doc, lines)
    return ExitCode.CLEAN


def _uninstall(args: argparse.Namespace, cfg: Config) -> int:
    _unit_dir(args)
    if os.geteuid() != 0 and args.unit_dir == DEFAULT_UNIT_DIR:
        raise PermissionRequired("service uninstall needs root (it writes /etc/systemd/system)")
    done = uninstall(Path(args.unit_dir), args.unit_dir == DEFAULT_UNIT_DIR)
    lines = [f"left {escape(p)}: not written by `spamtrace service install`" for p in done.left]
    lines += [f"removed {escape(p)}" for p in done.removed]
    if done.disabled:
        lines.append("stopped and disabled the units")
    if not lines:
        lines.append(f"no spamtrace units in {escape(args.unit_dir)}: nothing to remove")
    doc = {"action": "uninstall", "removed": list(done.removed), "disabled": done.disabled}
    _say(args, doc, lines)
    return ExitCode.CLEAN
