"""A 'remote MX' SMTP sink for the namespace test world (run inside the world's netns).

Listens with aiosmtpd on every given address and port, appends one JSON line per received
message to the log file ({"peer": [ip, port], "port": local port, "from": ..., "to": [...]}),
and prints "ready" once every listener is up. Runs until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, log_path: str, port: int) -> None:
        self.log_path = log_path
        self.port = port
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        record = {
            "peer": list(session.peer[:2]),
            "port": self.port,
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "bytes": len(envelope.content or b""),
        }
        with self.lock, open(self.log_path, "a") as fh:
            fh.write(json.dumps(record) + "\n")
        return "250 OK queued"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--addr", action="append", required=True)
    parser.add_argument("--ports", default="25,465,587,2525")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    controllers = []
    for addr in args.addr:
        for port in (int(p) for p in args.ports.split(",")):
            ctl = Controller(
                Recorder(args.log, port),
                hostname=addr,
                port=port,
                ready_timeout=10,
                server_hostname="mx.sink.test",
            )
            ctl.start()
            controllers.append(ctl)
    print("ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    for ctl in controllers:
        ctl.stop()
    return 0


if __name__ == "__main__":
    asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())
    sys.exit(main())
