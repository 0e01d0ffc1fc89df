"""The demo lab's chat webhook: an HTTP receiver standing in for Slack or Mattermost.

Run inside the lab's server namespace as ``python -m spamtrace.demo.hook --port N --log FILE``
(it listens on 127.0.0.1 of that namespace only). It prints ``ready``, then appends each POSTed
body as one JSON line ``{"path", "body"}`` to FILE and answers 200. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MAX_BODY = 1 << 20


def _handler(log: Path) -> type[BaseHTTPRequestHandler]:
    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
            raw = self.rfile.read(size)
            try:
                body: object = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            with log.open("a") as out:
                out.write(json.dumps({"path": self.path, "body": body}) + "\n")
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Hook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spamtrace-demo-hook")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", args.port), _handler(args.log))
    except OSError as exc:
        print(f"hook: {exc}", file=sys.stderr, flush=True)
        return 3
    print("ready", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
