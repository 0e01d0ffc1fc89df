"""Real receivers on 127.0.0.1 for the alert channel tests: an HTTP hook and an SMTP sink."""

from __future__ import annotations

import http.server
import json
import socket
import ssl
import threading
import time
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


class HookServer:
    """http.server on 127.0.0.1: records each POST; can answer 500 first or hang."""

    def __init__(
        self,
        *,
        fail_first: int = 0,
        status: int = 200,
        hang: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        log: str | None = None,
        tls: ssl.SSLContext | None = None,
        answer: bytes = b"ok",
    ) -> None:
        self.answer = answer  # the body of every answer
        self.log = log  # also append {"answer": code, "body": ...} per request (one line)
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.answers: list[int] = []
        self.fail_first = fail_first
        self.status = status
        self.hang = hang
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.cond:
                    n = len(outer.answers)
                    code = 500 if n < outer.fail_first else outer.status
                    outer.answers.append(code)
                    outer.bodies.append(body)
                    outer.headers.append(dict(self.headers.items()))
                    outer.cond.notify_all()
                    if outer.log:
                        with open(outer.log, "a") as fh:
                            fh.write(json.dumps({"answer": code, "body": json.loads(body)}) + "\n")
                if outer.hang:
                    time.sleep(outer.hang)
                self.send_response(code)
                self.send_header("Content-Length", str(len(outer.answer)))
                self.end_headers()
                self.wfile.write(outer.answer)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up on a hanging answer (the timeout tests)

        self.server = Server((host, port), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}/hook"

    def json(self) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(b) for b in self.bodies]

    def wait(self, count: int, timeout: float = 10.0) -> int:
        with self.cond:
            self.cond.wait_for(lambda: len(self.answers) >= count, timeout)
            return len(self.answers)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Recorder:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []
        self.sessions: list[dict[str, Any]] = []
        self.cond = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content)
        self.sessions.append({"tls": session.ssl is not None, "auth": session.authenticated})
        with self.cond:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
            self.cond.notify_all()
        return "250 OK"


class SmtpSink:
    """aiosmtpd on 127.0.0.1 (a free port): the messages received, parsed."""

    def __init__(self, **controller: Any) -> None:
        self.recorder = _Recorder()
        with socket.socket() as probe:  # aiosmtpd's start-up check cannot use port 0
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, **controller
        )
        self.controller.start()

    def wait(self, count: int, timeout: float = 10.0) -> list[tuple[str, list[str], Message]]:
        with self.recorder.cond:
            self.recorder.cond.wait_for(lambda: len(self.recorder.messages) >= count, timeout)
            return list(self.recorder.messages)

    def close(self) -> None:
        self.controller.stop()
