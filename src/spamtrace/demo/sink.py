"""The demo lab's "remote MX": a small SMTP server that accepts every message and logs it.

Run inside the lab's MX network namespace as ``python -m spamtrace.demo.sink --addr IP --ports
25,587 --log FILE``. It prints ``ready`` once it listens, then appends one JSON line per
accepted message (``{"peer", "port", "from", "to"}``) to FILE. Standard library only (asyncio):
it is part of the installed tool, not of the test suite, and never listens outside the lab.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

MAX_LINE = 4096
MAX_MESSAGE = 1 << 20


class _Session:
    def __init__(self, log: Path, port: int) -> None:
        self.log = log
        self.port = port

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        peer_ip = str(peer[0]) if peer else "?"
        sender, rcpts = "", list[str]()

        async def say(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        try:
            await say("220 mx.lab.example ESMTP spamtrace demo sink")
            while True:
                raw = await asyncio.wait_for(reader.readline(), timeout=60)
                if not raw:
                    break
                line = raw[:MAX_LINE].decode("utf-8", "replace").strip()
                verb = line[:4].upper()
                if verb in ("EHLO", "HELO"):
                    await say("250 mx.lab.example")
                elif verb == "MAIL":
                    sender, rcpts = line[10:].strip(), []
                    await say("250 ok")
                elif verb == "RCPT":
                    rcpts.append(line[8:].strip())
                    await say("250 ok")
                elif verb == "DATA":
                    await say("354 end with .")
                    size = 0
                    while True:
                        body = await asyncio.wait_for(reader.readline(), timeout=60)
                        size += len(body)
                        if not body or body.rstrip(b"\r\n") == b"." or size > MAX_MESSAGE:
                            break
                    record = {"peer": peer_ip, "port": self.port, "from": sender, "to": rcpts}
                    with self.log.open("a") as out:
                        out.write(json.dumps(record) + "\n")
                    await say("250 queued")
                elif verb == "QUIT":
                    await say("221 bye")
                    break
                elif verb in ("RSET", "NOOP"):
                    await say("250 ok")
                else:
                    await say("502 not implemented")
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def _serve(addr: str, ports: list[int], log: Path) -> None:
    servers = [await asyncio.start_server(_Session(log, p), addr, p) for p in ports]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spamtrace-demo-sink")
    parser.add_argument("--addr", required=True)
    parser.add_argument("--ports", default="25")
    parser.add_argument("--log", required=True, type=Path)
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args.addr, [int(p) for p in args.ports.split(",")], args.log))
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        print(f"sink: {exc}", file=sys.stderr, flush=True)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
