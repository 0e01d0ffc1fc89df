"""The daemon's control socket: ``spamtrace status`` asks, the daemon answers.

A unix stream socket (``[daemon] socket``, ``/run/spamtrace/control.sock``), mode 0600 in a
0700 folder, so only root connects; the daemon also checks the peer's uid (``SO_PEERCRED``).
One request per connection: the client sends one line of JSON (``{"command": "status"}``),
the daemon answers one line of JSON and closes. Requests are served on the engine's loop
(a status is a few counters: microseconds), with a short timeout so a client that connects
and says nothing cannot hold the loop.

A socket file left by a daemon that was killed is replaced at start; a socket where a daemon
still answers is not (the second daemon refuses to start).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import struct
import sys
import time
from collections.abc import Callable
from typing import Any

from spamtrace.errors import PermissionRequired, RuntimeFailure, UsageError
from spamtrace.safetext import escape, quoted

#: seconds a client has to send its request (the loop waits at most this)
REQUEST_TIMEOUT = 0.2
MAX_REQUEST = 4096


class NoDaemon(RuntimeFailure):
    """No daemon answers on the control socket (exit 3)."""


class NotAnswering(NoDaemon):
    """A daemon took the connection but gave no answer in time: it runs, busy, stuck or
    stopped (SIGSTOP: the kernel still accepts connections on its socket)."""


def default_folder() -> str:
    """The folder of the default ``[daemon] socket`` (``/run/spamtrace``): the one the unit's
    ``RuntimeDirectory=spamtrace`` makes, and the only one the daemon makes itself."""
    from spamtrace.config import DaemonSection

    return os.path.dirname(DaemonSection().socket)


def prepare_folder(path: str) -> None:
    """Make sure the folder of the socket ``path`` is there, before anything is started.

    Only the default runtime folder (:func:`default_folder`) is made when missing, as
    systemd's ``RuntimeDirectory=`` would (mode 0700, its parent must exist): the daemon runs
    as root, and making every missing folder of a given path (``mkdir -p``) turned a typo in
    ``--socket`` or ``[daemon] socket`` into folders anywhere. Any other missing folder is a
    usage error (exit 2) that says so."""
    folder = os.path.dirname(path) or "."
    try:
        if not os.path.isdir(folder) and os.path.normpath(folder) == default_folder():
            with contextlib.suppress(FileExistsError):  # made meanwhile: checked below
                os.mkdir(folder, 0o700)
        st = os.stat(folder)
    except NotADirectoryError:  # a file (or a link to one) on the way
        st = None
    except FileNotFoundError:
        raise UsageError(
            f"control socket folder {escape(folder)} does not exist ([daemon] socket, "
            "--socket): create it (mode 0700) or give a path in a folder that exists; only "
            f"the default {default_folder()} is made when missing"
        ) from None
    except OSError as exc:
        raise RuntimeFailure(
            f"control socket folder {escape(folder)}: {exc.strerror or exc}"
        ) from None
    if st is None or not stat.S_ISDIR(st.st_mode):
        from spamtrace.folders import not_a_folder

        problem = not_a_folder(folder) or f"not a folder: {quoted(folder)}"
        raise UsageError(f"control socket ([daemon] socket, --socket): {problem}")


class ControlServer:
    def __init__(self, path: str, answer: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.path = path
        self.answer = answer
        prepare_folder(path)
        if os.path.lexists(path):
            if not stat.S_ISSOCK(os.lstat(path).st_mode):
                raise UsageError(
                    f"[daemon] socket {path}: exists and is not a socket (a file, folder or "
                    "link of that name): not replaced; give another path"
                )
            if _answers(path):
                from spamtrace.service.instance import AlreadyRunning
                from spamtrace.service.units import how_to_stop

                raise AlreadyRunning(
                    f"another spamtrace daemon answers on {path}; stop it first "
                    f"({how_to_stop(0)}) or give this one another [daemon] socket"
                )
            os.unlink(path)  # left by a daemon that was killed
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        old = os.umask(0o177)
        try:
            self.sock.bind(path)
        except OSError as exc:
            self.sock.close()
            raise RuntimeFailure(f"control socket {path}: {exc.strerror or exc}") from None
        finally:
            os.umask(old)  # the socket was made 0600 (no chmod by name: it follows a symlink)
        self.sock.listen(16)
        self.sock.setblocking(False)
        self._ino = os.stat(path).st_ino

    def fileno(self) -> int:
        return self.sock.fileno()

    def serve(self) -> None:
        """Answer the clients waiting now (called by the loop when the socket is readable)."""
        while True:
            try:
                conn, _ = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            with conn:
                self._serve_one(conn)

    def _serve_one(self, conn: socket.socket) -> None:
        # on the engine's loop: a bug in an answer must not stop the daemon (its blocks and
        # alerts) because someone ran `spamtrace status`
        try:
            self._request(conn)
        except Exception as exc:  # reported to the client and the journal
            why = f"internal error: {type(exc).__name__}: {escape(str(exc), max_len=200)}"
            from spamtrace.render.output import ERR, to_journal

            prefix = f"<{ERR}>" if to_journal(sys.stderr) else ""
            print(f"{prefix}spamtrace: control socket: {why}", file=sys.stderr, flush=True)
            with contextlib.suppress(OSError):
                conn.settimeout(REQUEST_TIMEOUT)
                conn.sendall(json.dumps({"error": why}).encode() + b"\n")

    def _request(self, conn: socket.socket) -> None:
        deadline = time.monotonic() + REQUEST_TIMEOUT  # for the whole request, not per recv
        conn.settimeout(REQUEST_TIMEOUT)
        try:
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            _pid, uid, _gid = struct.unpack("3i", creds)
            if uid not in (0, os.geteuid()):
                conn.sendall(b'{"error": "permission denied: root only"}\n')
                return
            data = b""
            while b"\n" not in data and len(data) < MAX_REQUEST:
                left = deadline - time.monotonic()
                if left <= 0:
                    return  # a client that drips its request a byte at a time
                conn.settimeout(left)
                chunk = conn.recv(MAX_REQUEST)
                if not chunk:
                    break
                data += chunk
            try:
                request = json.loads(data.decode("utf-8", "replace") or "{}")
            except ValueError:
                request = None
            if not isinstance(request, dict):
                reply: dict[str, Any] = {"error": "bad request: one line of JSON expected"}
            else:
                reply = self.answer(request)
            text = json.dumps(reply)
            conn.settimeout(REQUEST_TIMEOUT)
            conn.sendall(text.encode() + b"\n")
        except OSError:
            pass  # a client that went away or said nothing in time

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(OSError):
            if os.stat(self.path).st_ino == self._ino:  # ours, not a successor's
                os.unlink(self.path)


def _answers(path: str) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1.0)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def _is_socket(path: str) -> bool:
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


def query(path: str, request: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
    """Ask the daemon; :class:`NoDaemon` when none answers, :class:`PermissionRequired`
    when this user may not ask."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        try:
            s.connect(path)
        except FileNotFoundError:
            from spamtrace.service.units import how_to_start

            raise NoDaemon(
                f"no spamtrace daemon is running (no control socket {path}); {how_to_start()}"
            ) from None
        except PermissionError:
            raise PermissionRequired(
                f"the control socket {path} is root only: run `sudo spamtrace status`"
            ) from None
        except ConnectionRefusedError:
            if not _is_socket(path):  # a config file, a log: nothing was ever listening there
                raise NoDaemon(
                    f"{path} is not a socket: not the daemon's control socket (the daemon's "
                    "is [daemon] socket, /run/spamtrace/control.sock by default)"
                ) from None
            raise NoDaemon(
                f"no spamtrace daemon is running ({path} is left from one that stopped)"
            ) from None
        except NotADirectoryError:  # a file on the way: the errno text named no part
            from spamtrace.folders import not_a_folder

            folder = os.path.dirname(path) or "."
            problem = not_a_folder(folder) or f"not a folder: {quoted(folder)}"
            raise NoDaemon(
                f"no control socket {path}: {problem} ([daemon] socket, --socket)"
            ) from None
        except OSError as exc:
            raise NoDaemon(f"cannot reach the daemon at {path}: {exc.strerror or exc}") from None
        s.sendall(json.dumps(request).encode() + b"\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        raise NotAnswering(f"the daemon at {path} did not answer within {timeout:g} s") from None
    except OSError as exc:
        raise NoDaemon(f"the daemon at {path} hung up: {exc.strerror or exc}") from None
    finally:
        s.close()
    try:
        reply = json.loads(data.decode("utf-8", "replace"))
    except ValueError:
        raise NoDaemon(f"the daemon at {path} gave no readable answer") from None
    if not isinstance(reply, dict):
        raise NoDaemon(f"the daemon at {path} gave no readable answer")
    if "error" in reply:
        raise RuntimeFailure(f"the daemon refused: {reply['error']}")
    return reply
