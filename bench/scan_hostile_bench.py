"""Padded files against `spamtrace scan`: time and peak memory against the padding's size.

Usage: .venv/bin/python bench/scan_hostile_bench.py [--sizes 1,4,16] [--runs 3] [--timeout S]

A small mass mailer with N MB of ``"a"."a"...`` appended (and, the second shape, put before
it) is written to a temporary folder and scanned by a whole ``spamtrace scan --json --jobs 1``
process, ``--runs`` times per size. Printed per size and shape: the median wall time, the
median peak resident memory of the process (``ru_maxrss`` of the child), the verdict, the
score and whether the file was cut short. The targets: the mailer found whatever the
padding, memory bounded (<= 300 MB up to the 16 MiB size limit) and time that grows no faster
than the size. Nothing here reads the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAILER = (
    b'$list = explode("\\n", $_POST["list"]);\n'
    b'foreach ($list as $t) { mail($t, $_POST["s"], $_POST["b"]); }\n'
)


def padded(mb: int, before: bool) -> bytes:
    pad = b"$x = " + b'"a".' * ((mb * 1024 * 1024 - 2048) // 4) + b'"a";\n'
    return b"<?php\n" + (pad + MAILER if before else MAILER + pad)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1,4,16", help="padding sizes in MB (default 1,4,16)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=0, help="[scan] file_timeout (default: 2)")
    args = ap.parse_args()
    exe = [sys.executable, "-m", "spamtrace"]
    sizes = [int(x) for x in args.sizes.split(",")]
    print(f"{'shape':<16} {'MB':>4} {'median s':>9} {'peak MB':>8}  verdict (score) notes")
    with tempfile.TemporaryDirectory() as tmp:
        for before in (False, True):
            shape = "padding before" if before else "padding after"
            for mb in sizes:
                path = Path(tmp) / f"mailer-{mb}.php"
                path.write_bytes(padded(mb, before))
                walls, rsss = [], []
                report: dict[str, object] = {}
                for _ in range(args.runs):
                    # each run in a fresh child so that ru_maxrss is this run's own peak
                    code = (
                        "import resource,subprocess,sys,json;"
                        "p=subprocess.run(sys.argv[1:],capture_output=True);"
                        "print(json.dumps([p.stdout.decode(),"
                        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))"
                    )
                    cfg = Path(tmp) / "bench.toml"
                    cfg.write_text(
                        f"[scan]\nfile_timeout = {args.timeout}\n" if args.timeout else ""
                    )
                    cmd = [*exe, "scan", "--json", "--jobs", "1", "--min-verdict", "clean"]
                    start = time.perf_counter()
                    res = subprocess.run(
                        [sys.executable, "-c", code, *cmd, str(path)],
                        capture_output=True,
                        env=dict(os.environ, SPAMTRACE_CONFIG=str(cfg)),
                        check=True,
                    )
                    walls.append(time.perf_counter() - start)
                    out, maxrss = json.loads(res.stdout)
                    rsss.append(maxrss / 1024)
                    report = json.loads(out)["files"][0]
                notes = "; ".join(str(n)[:40] for n in report["notes"])  # type: ignore[attr-defined]
                print(
                    f"{shape:<16} {mb:>4} {statistics.median(walls):>9.2f} "
                    f"{statistics.median(rsss):>8.0f}  {report['verdict']} ({report['score']}) "
                    f"{notes}"
                )
                path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
