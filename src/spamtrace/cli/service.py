"""`spamtrace service install|uninstall`: the systemd units shipped with the package.

``spamtrace.service`` runs ``spamtrace daemon`` (hardened, restarted on failure);
``spamtrace-firewall.service`` loads the last confirmed firewall rules at boot, before the
network is up. Both are package data (``spamtrace/data/systemd/``); ``install`` writes them
with the path of this spamtrace, and enables them when systemd runs this machine. Without
systemd it says what it wrote and how to start the daemon otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spamtrace.errors import ExitCode, PermissionRequired, RuntimeFailure, UsageError
from spamtrace.safetext import escape

if TYPE_CHECKING:
    from spamtrace.config import Config

UNITS = ("spamtrace.service", "spamtrace-firewall.service")
#: drop-ins of spamtrace.service, written when the config asks the daemon to change the host
DROPIN_DIR = "spamtrace.service.d"
DROPINS = {
    "enforce.conf": "50-spamtrace-enforce.conf",
    "suspend.conf": "51-spamtrace-suspend.conf",
    "mta.conf": "52-spamtrace-mta.conf",
}
DEFAULT_UNIT_DIR = "/etc/systemd/system"
#: the first line of every unit we write; `uninstall` removes only files that start with it
MARKER = "# spamtrace: installed by `spamtrace service install`"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "service", help="install or remove the systemd units (daemon, boot firewall)"
    )
    ssub = p.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    for name, text in (
        ("install", "write the units and enable them (where systemd runs)"),
        ("uninstall", "disable and remove the units (only the ones spamtrace wrote)"),
    ):
        a = ssub.add_parser(name, help=text)
        a.add_argument(
            "--unit-dir",
            default=DEFAULT_UNIT_DIR,
            metavar="DIR",
            help=f"where unit files go (default {DEFAULT_UNIT_DIR})",
        )
        a.add_argument("--json", action="store_true", help="machine-readable result")
        a.set_defaults(handler=_install if name == "install" else _uninstall)
    p.set_defaults(handler=None)


def executable() -> str:
    """How the units start this spamtrace: its console script, else ``python -m spamtrace``."""
    script = Path(sys.executable).parent / "spamtrace"
    if script.is_file() and os.access(script, os.X_OK):
        return str(script)
    return f"{sys.executable} -m spamtrace"


#: a config path that goes into ExecStart= as it is (no quoting, no systemd specifiers)
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9_./+@-]*")


def launcher(config: str | None) -> str:
    """How the units run spamtrace: this one, with the config ``install`` was given (by
    ``--config`` or ``SPAMTRACE_CONFIG``), so that the daemon reads the config whose mode
    chose the drop-ins, not /etc/spamtrace/spamtrace.toml."""
    if not config:
        return executable()
    path = os.path.abspath(config)
    if not _PLAIN_PATH.fullmatch(path):
        raise UsageError(
            f"config {escape(path)}: a path with spaces, quotes, '%' or '$' cannot go into "
            "the unit's ExecStart= as it is; use a plainer path (e.g. /etc/spamtrace/...)"
        )
    if path.startswith(("/tmp/", "/var/tmp/")):
        print(
            f"spamtrace: warning: the service runs with PrivateTmp=yes and cannot see "
            f"{escape(path)}; move the config out of /tmp (e.g. to /etc/spamtrace/)",
            file=sys.stderr,
        )
    return f"{executable()} --config {path}"


def render_unit(name: str, spamtrace: str | None = None) -> str:
    """The text of unit ``name`` with ``@SPAMTRACE@`` replaced by how to run spamtrace."""
    from importlib.resources import files

    text = (files("spamtrace") / "data" / "systemd" / name).read_text(encoding="utf-8")
    return text.replace("@SPAMTRACE@", spamtrace or executable())


def dropins_for(cfg: Config) -> list[str]:
    """The drop-ins (package data names) that ``cfg`` needs: the base unit is hardened for
    observing; enforce mode's quarantine writes under /home, a suspend or mailbox-lock
    command writes the panel's files, freezing queued mail writes the MTA's queue."""
    if cfg.mode != "enforce":
        return []
    out = ["enforce.conf"]
    r = cfg.responses
    if r.suspend or (cfg.mail.follow and r.lock_mailbox_command):
        out.append("suspend.conf")
    if cfg.mail.follow and r.freeze_queue:
        out.append("mta.conf")
    return out


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _sync_dropins(folder: Path, cfg: Config) -> tuple[list[str], list[str]]:
    """Write the drop-ins ``cfg`` needs and remove ours that it no longer needs."""
    wanted = dropins_for(cfg)
    written, removed = [], []
    for data_name, file_name in DROPINS.items():
        path = folder / DROPIN_DIR / file_name
        if data_name in wanted:
            path.parent.mkdir(mode=0o755, exist_ok=True)
            _write(path, render_unit(data_name))
            written.append(str(path))
        elif _is_ours(path):
            path.unlink()
            removed.append(str(path))
    with contextlib.suppress(OSError):
        (folder / DROPIN_DIR).rmdir()  # only when empty
    return written, removed


def _is_ours(path: Path) -> bool:
    """Whether spamtrace wrote ``path``: a regular file (not a link) starting with MARKER."""
    try:
        if path.is_symlink():
            return False
        return path.read_text().split("\n", 1)[0].startswith(MARKER)
    except OSError:
        return False


def systemd_running() -> bool:
    """True when systemd is PID 1 here (sd_booted(3): /run/systemd/system exists)."""
    return os.path.isdir("/run/systemd/system")


def _systemctl(*args: str) -> None:
    try:
        proc = subprocess.run(
            ["systemctl", *args], text=True, capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeFailure(f"systemctl {' '.join(args)}: {exc}") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        raise RuntimeFailure(f"systemctl {' '.join(args)}: {last}")


def _say(args: argparse.Namespace, doc: dict[str, Any], lines: list[str]) -> None:
    if args.json:
        from spamtrace.render.output import dump_json

        dump_json({"schema": "spamtrace.service/1", **doc})
    else:
        print("\n".join(lines))


def _install(args: argparse.Namespace, cfg: Config) -> int:
    if os.geteuid() != 0 and args.unit_dir == DEFAULT_UNIT_DIR:
        raise PermissionRequired("service install needs root (it writes /etc/systemd/system)")
    folder = Path(args.unit_dir)
    if not folder.is_dir():
        raise RuntimeFailure(f"no unit folder {folder} (give one with --unit-dir)")
    spamtrace = launcher(args.config or os.environ.get("SPAMTRACE_CONFIG"))
    targets = [folder / name for name in UNITS]
    targets += [folder / DROPIN_DIR / DROPINS[name] for name in dropins_for(cfg)]
    theirs = [path for path in targets if os.path.lexists(path) and not _is_ours(path)]
    if theirs:  # an admin's own unit, a distribution's, or a masked one (a link to /dev/null)
        named = ", ".join(
            escape(str(p)) + (" (a link: masked?)" if p.is_symlink() else "") for p in theirs
        )
        raise RuntimeFailure(
            f"{named}: not written by spamtrace (no marker line), left as it is; move it aside "
            "(or `systemctl unmask` a masked unit) and run `spamtrace service install` again"
        )
    written = []
    for name in UNITS:
        path = folder / name
        _write(path, render_unit(name, spamtrace))
        written.append(str(path))
    dropins, dropped = _sync_dropins(folder, cfg)
    written += dropins
    enabled = systemd_running() and args.unit_dir == DEFAULT_UNIT_DIR
    if enabled:
        _systemctl("daemon-reload")
        _systemctl("enable", "spamtrace-firewall.service")
        _systemctl("enable", "--now", "spamtrace.service")
        lines = (
            [f"wrote {escape(p)}" for p in written]
            + [f"removed {escape(p)}" for p in dropped]
            + [
                "enabled spamtrace-firewall.service (loads the confirmed firewall rules at boot)",
                "enabled and started spamtrace.service: `spamtrace status` shows how it is doing",
            ]
        )
    else:
        why = "systemd is not running here" if not systemd_running() else "not the system folder"
        lines = (
            [f"wrote {escape(p)}" for p in written]
            + [f"removed {escape(p)}" for p in dropped]
            + [
                f"not enabled ({why}). To run without systemd, start `{escape(spamtrace)} daemon` "
                "from your init system (it stays in the foreground and logs to stderr), and run "
                f"`{escape(spamtrace)} firewall load-confirmed` at boot before the network is up.",
            ]
        )
    if dropins:
        lines.append(
            'mode = "enforce": the drop-ins let the daemon quarantine under /home'
            + (" and run the suspend command" if len(dropins) > 1 else "")
            + "; run `spamtrace service install` again after changing mode or [responses]"
        )
    doc = {"action": "install", "written": written, "removed": dropped, "enabled": enabled}
    _say(args, doc, lines)
    return ExitCode.CLEAN


def _uninstall(args: argparse.Namespace, cfg: Config) -> int:
    if os.geteuid() != 0 and args.unit_dir == DEFAULT_UNIT_DIR:
        raise PermissionRequired("service uninstall needs root (it writes /etc/systemd/system)")
    folder = Path(args.unit_dir)
    ours = []
    lines = []
    for name in UNITS:
        path = folder / name
        try:
            first = path.read_text().split("\n", 1)[0]
        except OSError:
            continue
        if first.startswith(MARKER):
            ours.append(path)
        else:
            lines.append(f"left {escape(str(path))}: not written by `spamtrace service install`")
    disabled = bool(ours) and systemd_running() and args.unit_dir == DEFAULT_UNIT_DIR
    if disabled:
        _systemctl("disable", "--now", *(p.name for p in ours))
    for path in ours:
        path.unlink()
        lines.append(f"removed {escape(str(path))}")
    for file_name in DROPINS.values():
        path = folder / DROPIN_DIR / file_name
        if _is_ours(path):
            path.unlink()
            ours.append(path)
            lines.append(f"removed {escape(str(path))}")
    with contextlib.suppress(OSError):
        (folder / DROPIN_DIR).rmdir()
    if disabled:
        _systemctl("daemon-reload")
        lines.append("stopped and disabled the units")
    if not ours and not lines:
        lines.append(f"no spamtrace units in {escape(str(folder))}: nothing to remove")
    _say(
        args,
        {"action": "uninstall", "removed": [str(p) for p in ours], "disabled": disabled},
        lines,
    )
    return ExitCode.CLEAN
