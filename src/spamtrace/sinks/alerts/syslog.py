"""Syslog channel: one line per alert to the local syslog socket (``/dev/log``).

On a systemd host ``/dev/log`` is journald's, so the line is in the journal too
(``journalctl -t spamtrace``), with the identifier and priority. The datagram is RFC 3164's
local form, ``<PRI>ident[pid]: message``, as ``syslog(3)`` sends it; the message is one line
of ``key=value`` pairs whose values are escaped (:func:`content.syslog_line`). Written with a
plain ``AF_UNIX`` datagram socket rather than ``logging.handlers.SysLogHandler``, which prints
its failures to stderr instead of letting the dispatcher count them.
"""

from __future__ import annotations

import os
import socket

from spamtrace.errors import AlertError
from spamtrace.sinks.alerts.content import Alert, AlertEvent, level, syslog_line
from spamtrace.sinks.alerts.settings import SYSLOG_FACILITIES, SyslogSpec

LOG_ERR, LOG_WARNING, LOG_NOTICE = 3, 4, 5
#: what a syslog socket that is not there is said as
NO_SOCKET = "no syslog socket (is a syslog daemon or journald running?)"
#: longest message sent (rsyslog's default maximum is 8 KiB)
MAX_MESSAGE = 4096


def socket_problem(path: str) -> str | None:
    """Why nothing can be sent to the syslog socket ``path`` now (it is not there, or not a
    socket), else None: said by the daemon at its start and by ``config check``."""
    import stat

    try:
        if stat.S_ISSOCK(os.stat(path).st_mode):
            return None
    except FileNotFoundError:
        return f"{path}: {NO_SOCKET}"
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    return f"{path}: not a socket"


def severity(alert: Alert) -> int:
    if alert.event is AlertEvent.TEST or alert.event is AlertEvent.DIGEST:
        return LOG_NOTICE
    return LOG_ERR if level(alert.incident) == "malicious" else LOG_WARNING


def datagram(alert: Alert, spec: SyslogSpec, pid: int) -> bytes:
    pri = SYSLOG_FACILITIES[spec.facility] * 8 + severity(alert)
    message = syslog_line(alert)
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    return f"<{pri}>{spec.ident}[{pid}]: {message}".encode("utf-8", "backslashreplace")


class SyslogChannel:
    kind = "syslog"

    def __init__(self, spec: SyslogSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.delivery = spec.delivery

    def describe(self) -> str:
        return f"syslog {self.spec.socket} ({self.spec.facility}, {self.spec.ident})"

    def unready(self) -> str | None:
        """Why no alert can be sent now (said at start: the channel was named as ready, and
        each alert then failed after its retries, said only in the journal), else None."""
        return socket_problem(self.spec.socket)

    def send(self, alert: Alert) -> str:
        data = datagram(alert, self.spec, os.getpid())
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.settimeout(self.delivery.timeout)
                sock.connect(self.spec.socket)
                sock.send(data)
        except FileNotFoundError:
            raise AlertError(f"{self.spec.socket}: {NO_SOCKET}", retryable=True) from None
        except OSError as exc:
            raise AlertError(f"{self.spec.socket}: {exc.strerror or exc}") from None
        return f"{len(data)} bytes to {self.spec.socket}"
