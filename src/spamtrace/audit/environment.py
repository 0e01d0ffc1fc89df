"""The impure side of the audit: where checks find binaries, files and the options they got.

:class:`AuditEnv` is handed to every check's ``gather``. It carries the config, the file-system
root (tests point it at a fixture tree), the options from the command line (``--sshd-config``,
``--ip``...) and a :class:`CommandRunner`. Missing binaries are reported as
:class:`CommandResult` with ``missing=True`` so that checks turn them into ``skipped``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spamtrace.audit import files
from spamtrace.config import Config
from spamtrace.safetext import escape, escape_argv

#: where root's binaries live even when PATH is minimal (cron, systemd units)
_SBIN_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


@dataclass(frozen=True, slots=True)
class CommandResult:
    argv: tuple[str, ...]
    returncode: int | None  # None: could not run (missing, timeout, OSError)
    stdout: str
    stderr: str
    missing: bool = False
    error: str = ""  # why it could not run

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def describe(self) -> str:
        """One escaped line: what was run and how it ended."""
        cmd = "$ " + escape_argv(list(self.argv))
        if self.missing:
            return f"{cmd}: not installed"
        if self.returncode is None:
            return f"{cmd}: {escape(self.error)}"
        if self.returncode != 0:
            err = (self.stderr.strip() or self.stdout.strip()).splitlines()
            first = escape(_reason(err), 300) if err else ""
            return f"{cmd}: exit {self.returncode}" + (f": {first}" if first else "")
        return cmd


def _reason(lines: list[str]) -> str:
    """The line that says why a program failed. Exim's panic starts with a bare
    ``LOG: PANIC DIE`` line; the reason (``Exim configuration error in line 1 of FILE:`` and
    what it is) is on the two lines after it."""
    if len(lines) > 1 and lines[0].startswith("LOG:") and "PANIC" in lines[0]:
        return " ".join(line.strip() for line in lines[1:3])
    return lines[0]


class CommandRunner:
    """Runs external programs with a timeout; never raises for a missing or failing one."""

    def which(self, *names: str) -> str | None:
        for name in names:
            if os.sep in name:
                if os.access(name, os.X_OK):
                    return name
                continue
            found = shutil.which(name)
            if found:
                return found
            for d in _SBIN_DIRS:
                cand = os.path.join(d, name)
                if os.access(cand, os.X_OK):
                    return cand
        return None

    def run(self, argv: Sequence[str], timeout: float = 15.0) -> CommandResult:
        args = tuple(argv)
        exe = self.which(args[0])
        if exe is None:
            return CommandResult(args, None, "", "", missing=True, error="not installed")
        try:
            proc = subprocess.run(
                [exe, *args[1:]],
                capture_output=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return CommandResult(args, None, "", "", error=f"timed out after {timeout:g}s")
        except OSError as exc:
            return CommandResult(args, None, "", "", error=exc.strerror or str(exc))
        return CommandResult(
            args,
            proc.returncode,
            proc.stdout.decode("utf-8", "surrogateescape"),
            proc.stderr.decode("utf-8", "surrogateescape"),
        )


@dataclass(slots=True)
class AuditEnv:
    """Everything ``gather`` may use. Tests build one with a fixture ``root``."""

    cfg: Config
    root: Path = Path("/")
    runner: CommandRunner = field(default_factory=CommandRunner)
    sshd_binary: str = "sshd"
    sshd_config: str | None = None  # None: sshd's own default (/etc/ssh/sshd_config)
    sshd_pid: int | None = None  # None: read sshd's PidFile
    ips: tuple[str, ...] = ()  # DNSBL: addresses to look up (empty: this host's public ones)
    dnsbl_servers: tuple[str, ...] = ()  # "host:port" or "host"; empty: config / system
    php_binary: str = "php"
    #: where ``--fix`` keeps the originals of the files it edits: outside /etc, so that no
    #: ``Include dir/*`` of the fixed program can ever read a backup back in
    backup_dir: str = "/var/lib/spamtrace/backups"

    def path(self, absolute: str) -> Path:
        """Map an absolute host path into ``root`` (identity when root is /)."""
        return Path(files.host_path(str(self.root), absolute))

    def read_text(self, absolute: str) -> str | None:
        """File contents, or None when unreadable (:func:`spamtrace.audit.files.read_text`:
        regular files only)."""
        return files.read_text(str(self.path(absolute)))

    def glob(self, pattern: str) -> list[str]:
        """Absolute host paths matching a glob (sorted), mapped through ``root``."""
        return files.glob_paths(str(self.root), pattern)
