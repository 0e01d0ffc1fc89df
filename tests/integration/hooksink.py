"""A webhook receiver for the alert tests, run inside a test world's network namespace.

Serves the unit tests' :class:`HookServer` on 127.0.0.1 (a free port), prints its URL, and
appends one JSON line per request to ``--log`` ({"answer": code, "body": ...}) until SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "alerts"))

from alertservers import HookServer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--hang", type=float, default=0.0)
    args = parser.parse_args()
    server = HookServer(fail_first=args.fail_first, hang=args.hang, log=args.log)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(server.url, flush=True)
    try:
        signal.pause()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
