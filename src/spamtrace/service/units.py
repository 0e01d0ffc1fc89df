"""The systemd units shipped with the package, written and removed on this host.

``spamtrace.service`` runs ``spamtrace daemon`` (hardened, restarted on failure);
``spamtrace-firewall.service`` loads the last confirmed firewall rules at boot, before the
network is up. Both are package data (``spamtrace/data/systemd/``); :func:`install` writes
them with the path of this spamtrace (and the drop-ins the config needs) and enables them
when systemd runs this machine; :func:`uninstall` removes only what spamtrace wrote (files
that start with :data:`MARKER`). `spamtrace service install|uninstall` (``cli/service.py``)
says what was done.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spamtrace.errors import PathUnusable, RuntimeFailure, UsageError
from spamtrace.model import is_within
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
    "paths.conf": "53-spamtrace-paths.conf",  # made from the config (:func:`paths_dropin`)
    "sendmail.conf": "54-spamtrace-sendmail.conf",
}
#: what the base unit lets the daemon write: RuntimeDirectory, StateDirectory, LogsDirectory
_WRITABLE = ("/run/spamtrace", "/var/lib/spamtrace", "/var/log/spamtrace")
#: what the enforce drop-in makes writable too (ProtectHome=no)
_HOMES = ("/home", "/root", "/run/user")
_PRIVATE_TMP = ("/tmp", "/var/tmp")
DEFAULT_UNIT_DIR = "/etc/systemd/system"
#: the first line of every unit we write; `uninstall` removes only files that start with it
MARKER = "# spamtrace: installed by `spamtrace service install`"


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
    return f"{executable()} --config {path}"


def config_warnings(config: str | None) -> list[str]:
    """What the service cannot use of the config file :func:`launcher` names: one under
    /tmp is invisible to it (``PrivateTmp=yes``)."""
    path = os.path.abspath(config) if config else ""
    if path and _under(path, _PRIVATE_TMP):
        return [
            f"the service runs with PrivateTmp=yes and cannot see {escape(path)}; "
            "move the config out of /tmp (e.g. to /etc/spamtrace/)"
        ]
    return []


def render_unit(name: str, spamtrace: str | None = None) -> str:
    """The text of unit ``name`` with ``@SPAMTRACE@`` replaced by how to run spamtrace."""
    from importlib.resources import files

    text = (files("spamtrace") / "data" / "systemd" / name).read_text(encoding="utf-8")
    return text.replace("@SPAMTRACE@", spamtrace or executable())


@dataclass(frozen=True, slots=True)
class Dropins:
    """What ``install`` writes for a config, worked out once (:func:`dropins_for`)."""

    names: tuple[str, ...]  # the drop-ins (package data names) the config needs
    folders: tuple[str, ...]  # the folders paths.conf makes writable (:func:`sandboxed_paths`)
    warnings: tuple[str, ...]  # what no drop-in can help (:func:`sandboxed_paths`)


def dropins_for(cfg: Config) -> Dropins:
    """The drop-ins that ``cfg`` needs: the base unit is hardened for observing; enforce
    mode's quarantine writes under /home, a suspend or mailbox-lock command writes the
    panel's files, freezing queued mail writes the MTA's queue, and so does an e-mail alert
    handed to the local sendmail (in either mode); a store, socket, event file
    or quarantine the config puts outside the unit's own folders needs those folders
    writable (``paths.conf``, which changes no answer of :func:`sandboxed_paths`)."""
    out = []
    if cfg.mode == "enforce":
        out.append("enforce.conf")
        r = cfg.responses
        if r.suspend or (cfg.mail.follow and r.lock_mailbox_command):
            out.append("suspend.conf")
        if cfg.mail.follow and r.freeze_queue:
            out.append("mta.conf")
    if any(channel.get("sendmail") for channel in cfg.alerts.email):  # whatever the mode
        out.append("sendmail.conf")
    folders, warnings = sandboxed_paths(cfg, out)
    if folders:
        out.append("paths.conf")
    return Dropins(tuple(out), tuple(folders), tuple(warnings))


def _written_folders(cfg: Config) -> list[tuple[str, str]]:
    """(config key, folder) of each place the daemon writes that the config chooses."""
    out = [
        ("store.path", os.path.dirname(os.path.abspath(cfg.store.path))),
        ("daemon.socket", os.path.dirname(os.path.abspath(cfg.daemon.socket))),
    ]
    if cfg.events.path:
        out.append(("events.path", os.path.dirname(os.path.abspath(cfg.events.path))))
    if cfg.mode == "enforce" and cfg.responses.quarantine:
        out.append(("responses.quarantine_dir", os.path.abspath(cfg.responses.quarantine_dir)))
    return out


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(is_within(path, root) for root in roots)


def sandboxed_paths(cfg: Config, dropins: list[str]) -> tuple[list[str], list[str]]:
    """The folders the daemon writes (by ``cfg``) that the unit with ``dropins`` keeps
    read-only (``ProtectSystem=strict``), for ``paths.conf``; and warnings for those no
    drop-in can help: under /tmp (``PrivateTmp=yes``: the daemon's own, which a shell's
    ``spamtrace status`` or ``incidents`` does not see), or not plain enough for a unit."""
    writable = _WRITABLE + (_HOMES if "enforce.conf" in dropins else ())
    folders: list[str] = []
    warnings: list[str] = []
    in_tmp: list[str] = []
    for key, folder in _written_folders(cfg):
        if _under(folder, _PRIVATE_TMP):
            in_tmp.append(f"{key} (under {escape(folder)})")
        elif "suspend.conf" in dropins or _under(folder, writable) or folder in folders:
            continue
        elif not _PLAIN_PATH.fullmatch(folder):
            warnings.append(
                f"{key} is under {escape(folder)}, which the service cannot write "
                "(ProtectSystem=strict) and whose name cannot go into a unit as it is; use a "
                "plainer path (e.g. under /var/lib/spamtrace)"
            )
        else:
            folders.append(folder)
            if not os.path.isdir(folder):  # ReadWritePaths=- skips it; its parent is read-only
                warnings.append(
                    f"{key}: {escape(folder)} does not exist, and the service cannot make it "
                    "(ProtectSystem=strict keeps the folders around it read-only): make it "
                    f"first, e.g. `install -d -m 0700 {escape(folder)}`"
                )
    if in_tmp:  # one warning for them all: the same cause, the same fix
        warnings.insert(
            0,
            f"{', '.join(in_tmp)}: the service runs with PrivateTmp=yes, so it writes its "
            "own private copy there, which the commands run from a shell (`spamtrace status`, "
            "`incidents`, `quarantine list`) do not see; use a folder under /var/lib/spamtrace "
            "(or /run/spamtrace for the socket)",
        )
    return folders, warnings


def paths_dropin(folders: tuple[str, ...]) -> str:
    """``53-spamtrace-paths.conf``: the config's folders outside the unit's own
    (:attr:`Dropins.folders`), writable."""
    return (
        f"{MARKER} because the config puts\n"
        "# what the daemon writes (store, control socket, event file, quarantine) outside its\n"
        "# own folders, which ProtectSystem=strict keeps read-only (removed when the config no\n"
        "# longer does and `spamtrace service install` runs again, or by uninstall).\n"
        "[Service]\n" + "".join(f"ReadWritePaths=-{f}\n" for f in folders)
    )


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(mode=0o755, exist_ok=True)
        tmp.write_text(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only /etc: the host's state, said in one line
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise RuntimeFailure(f"cannot write {escape(str(path))}: {exc.strerror or exc}") from None


def _sync_dropins(folder: Path, wanted: Dropins) -> tuple[list[str], list[str]]:
    """Write the drop-ins the config needs and remove ours that it no longer needs."""
    written, removed = [], []
    for data_name, file_name in DROPINS.items():
        path = folder / DROPIN_DIR / file_name
        if data_name in wanted.names:
            text = (
                paths_dropin(wanted.folders)
                if data_name == "paths.conf"
                else render_unit(data_name)
            )
            _write(path, text)
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


def how_to_start() -> str:
    """How to start the daemon here, for a line that says none runs: `systemctl` only where
    systemd is PID 1 (elsewhere it answers "System has not been booted with systemd")."""
    if systemd_running():
        return "start it with `systemctl start spamtrace` (once: `spamtrace service install`)"
    return (
        "start `spamtrace daemon` from your init system (systemd is not running here, so "
        "`systemctl start spamtrace` cannot)"
    )


def under_service_manager() -> bool:
    """Whether systemd started this process as a service (``INVOCATION_ID``, systemd.exec(5))."""
    return bool(os.environ.get("INVOCATION_ID"))


def not_restarted_line(exc: UsageError) -> str | None:
    """The journal line a daemon that exits 2 under systemd adds to its error line: the unit
    does not restart it (``RestartPreventExitStatus=2``), and what to do; None elsewhere (a
    daemon run from a shell or another init system). ``Restart=on-failure`` alone restarted a
    config error every 5 s for ever."""
    if not under_service_manager():
        return None
    from spamtrace.service.instance import AlreadyRunning

    what = "a config or usage error, which a restart would meet again"
    fix = "fix it (`spamtrace config check` says what), then `systemctl start spamtrace`"
    if isinstance(exc, AlreadyRunning):
        what = "another watcher holds the store (or the socket)"
        fix = "`systemctl start spamtrace` once it has stopped"
    return (
        f"spamtrace daemon: stopped (exit 2: {what}); systemd does not restart it "
        f"(RestartPreventExitStatus=2 in spamtrace.service): {fix}"
    )


def how_to_stop(pid: int) -> str:
    """How to stop the daemon (or a watcher) of ``pid`` here (0: not known): `kill PID` is the
    clean stop (SIGTERM) where systemd is not PID 1."""
    if systemd_running():
        return "`systemctl stop spamtrace` for the daemon"
    return f"`kill {pid}`: a clean stop" if pid else "SIGTERM is a clean stop"


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


@dataclass(frozen=True, slots=True)
class Installed:
    written: tuple[str, ...]
    removed: tuple[str, ...]  # drop-ins of ours that the config no longer needs
    dropins: tuple[str, ...]  # the drop-ins written (enforce mode)
    enabled: bool  # enabled (and the daemon started) by systemd
    why_not: str  # why not enabled, when not
    #: paths of the config the service cannot use as the admin expects (:func:`sandboxed_paths`)
    warnings: tuple[str, ...] = ()


def install(
    folder: Path, cfg: Config, spamtrace: str, system: bool, config: str | None = None
) -> Installed:
    """Write the units (running ``spamtrace``) and the drop-ins ``cfg`` needs into
    ``folder``; enable them when systemd runs here and ``folder`` is the ``system`` one.
    ``config``: the config file ``spamtrace`` names (its warnings join the others).
    A unit or drop-in that spamtrace did not write is left alone: nothing is written."""
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        # the admin's path (or this host has no systemd folder): a usage error, as any folder
        # an option names that cannot be used (it was a runtime failure, exit 3)
        raise PathUnusable(f"no unit folder: {folder} {what} (give one with --unit-dir)")
    wanted = dropins_for(cfg)
    targets = [folder / name for name in UNITS]
    targets += [folder / DROPIN_DIR / DROPINS[name] for name in wanted.names]
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
    dropins, dropped = _sync_dropins(folder, wanted)
    enabled = systemd_running() and system
    if enabled:
        _systemctl("daemon-reload")
        _systemctl("enable", "spamtrace-firewall.service")
        _systemctl("enable", "--now", "spamtrace.service")
    why_not = "" if enabled else (
        "systemd is not running here" if not systemd_running() else "not the system folder"
    )  # fmt: skip
    warnings = [*wanted.warnings, *config_warnings(config)]
    return Installed(
        tuple(written + dropins), tuple(dropped), tuple(dropins), enabled, why_not,
        tuple(warnings),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Uninstalled:
    removed: tuple[str, ...]
    left: tuple[str, ...]  # units of these names that spamtrace did not write
    disabled: bool


def uninstall(folder: Path, system: bool) -> Uninstalled:
    """Stop, disable (when systemd runs here and ``folder`` is the ``system`` one) and remove
    the units and drop-ins that spamtrace wrote in ``folder``; leave any other."""
    ours: list[Path] = []
    left: list[str] = []
    for name in UNITS:
        path = folder / name
        if _is_ours(path):
            ours.append(path)
        elif os.path.lexists(path):
            left.append(str(path))
    disabled = bool(ours) and systemd_running() and system
    if disabled:
        _systemctl("disable", "--now", *(p.name for p in ours))
    for path in ours:
        path.unlink()
    for file_name in DROPINS.values():
        path = folder / DROPIN_DIR / file_name
        if _is_ours(path):
            path.unlink()
            ours.append(path)
    with contextlib.suppress(OSError):
        (folder / DROPIN_DIR).rmdir()
    if disabled:
        _systemctl("daemon-reload")
    return Uninstalled(tuple(str(p) for p in ours), tuple(left), disabled)
