"""The one error tree of spamtrace.

Every error carries a one-line human message and the process exit code it maps to. The CLI
catches :class:`SpamtraceError` once, at the top (``spamtrace.cli.main``), prints the message
and exits with the code; a traceback is shown only with ``-v``.

"Could not look" is not an error: scans and audits return ``Skipped(reason)`` results instead.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Fixed exit codes, the same for every command."""

    CLEAN = 0  # nothing suspicious
    FOUND = 1  # something suspicious / malicious / failing was found
    USAGE = 2  # usage or configuration error
    FAILURE = 3  # runtime failure


#: the reader of the output went away before it was all written (``scan DIR | head -1``):
#: the report was cut, so neither "clean" (0) nor "found" (1); 128 + SIGPIPE, the status the
#: shell gives grep or clamscan killed by SIGPIPE in the same place (``set -o pipefail``)
OUTPUT_CLOSED = 141


class SpamtraceError(Exception):
    """Base of every error spamtrace raises on purpose."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(SpamtraceError):
    """Bad command-line usage."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """A config file or value is invalid (unknown keys included). ``key``: the dotted config
    key at fault when the code that raised it knows it (``firewall.exceptions``), so that a
    caller can say which layer set it (``Config.sources``) without reading the message."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class PathUnusable(UsageError):
    """A path that the config or an option names cannot be used as it is: a folder on its way
    does not exist (only the default folders are made) or is a file. A config or usage error
    (exit 2), not a runtime failure: a restart meets it again. As exit 3 a missing store or
    event folder had the unit (``Restart=on-failure``) restart the daemon every 5 s for ever;
    exit 2 is kept from restarting (``RestartPreventExitStatus=2``)."""


class RuntimeFailure(SpamtraceError):
    """Something failed while running (kernel, files, external tools)."""

    exit_code = ExitCode.FAILURE


class PermissionRequired(RuntimeFailure):
    """The operation needs privileges this process does not have (usually root)."""


class KernelFeatureUnavailable(RuntimeFailure):
    """A kernel mechanism (tracefs, netlink family, nft) is missing or refused."""


class ExternalToolError(RuntimeFailure):
    """An external program (nft, sshd, exim) is missing or failed."""


class StoreError(RuntimeFailure):
    """The incident store cannot be opened, read or written."""


class FirewallError(RuntimeFailure):
    """Firewall state could not be planned, applied, checked or removed."""


class DamagedTrialRecord(FirewallError):
    """The record of a firewall apply on trial (``pending.json``) is there but damaged: cut
    short, not JSON, or not what spamtrace writes. Its rules are rolled back, never kept."""


class ScanError(RuntimeFailure):
    """A scan could not run at all (individual unreadable files are Skipped results)."""


class AlertError(RuntimeFailure):
    """An alert channel could not deliver (relay down, webhook error, timeout...).

    ``retryable``: worth trying again later (connection refused, timeout, 4xx SMTP reply,
    HTTP 5xx/429); a refusal that will not change (bad address, HTTP 404, auth refused) is not.
    """

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable
