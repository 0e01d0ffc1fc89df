"""Benchmark: time from a PHP mail() call to the mail-script incident of `spamtrace watch`.

Root only: builds a throw-away test world (tests/integration/world.py) with a private Exim
(tests/integration/mta.py: its own config, spool and log, bind-mounted in a mount namespace;
the host's Exim is not touched) and runs ``spamtrace watch --json`` following that Exim's main
log, with ``mail.script_max_messages = 1``. Each trial is a PHP script in a folder of its own
(so a sender of its own) that calls mail() twice; the second call opens the incident. The
latency is from just before the second mail() call (PHP's microtime) to the moment the
``incident-opened`` line of that folder is read from watch's output. Prints p50 / p99 / max.

The machine is shared: run it a few times and quote medians; single figures are noisy.

Usage: .venv/bin/python bench/maillog_latency_bench.py [--trials 40]
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from mta import PrivateExim  # noqa: E402
from world import World  # noqa: E402

SCRIPT = """<?php
mail("first@remote.example", "one", "body");
$t = microtime(true);
mail("second@remote.example", "two", "body");
printf("%.6f\\n", $t);
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("needs root (namespaces, Exim, watch)", file=sys.stderr)
        return 2
    with World() as world, tempfile.TemporaryDirectory() as tmp:
        exim = PrivateExim(world)
        exim.mainlog.touch()
        ex = pwd.getpwnam("Debian-exim")
        os.chown(exim.mainlog, ex.pw_uid, ex.pw_gid)
        assert world.uploads is not None and world.uid is not None
        env = {
            **os.environ,
            "SPAMTRACE_MAIL_EXIM_LOGS": json.dumps([str(exim.mainlog)]),
            "SPAMTRACE_MAIL_POSTFIX_LOGS": "[]",
            "SPAMTRACE_MAIL_SCRIPT_MAX_MESSAGES": "1",
        }
        argv = [
            sys.executable, "-m", "spamtrace", "watch", "--json", "--no-nflog", "--no-scan",
            "--no-respond", "--no-alerts", "--db", str(Path(tmp) / "bench.db"),
        ]  # fmt: skip
        watch = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True, env=env, start_new_session=True)  # fmt: skip
        assert watch.stdout is not None
        watch.stdout.readline()  # status
        seen: dict[str, float] = {}

        def pump() -> None:
            assert watch.stdout is not None
            for line in watch.stdout:
                now = time.time()
                doc = json.loads(line)
                if doc.get("type") == "incident-opened":
                    cwd = doc["incident"].get("cwd")
                    if cwd:
                        seen.setdefault(cwd, now)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        latencies: list[float] = []
        missed = 0
        try:
            for i in range(args.trials):
                folder = world.uploads / f"t{i}"
                folder.mkdir()
                script = folder / "send.php"
                script.write_text(SCRIPT)
                for p in (folder, script):
                    os.chown(p, world.uid, pwd.getpwuid(world.uid).pw_gid)
                before = float(exim.php_as_user(script).strip())
                deadline = time.time() + 5
                while str(folder) not in seen and time.time() < deadline:
                    time.sleep(0.005)
                if str(folder) in seen:
                    latencies.append(seen[str(folder)] - before)
                else:
                    missed += 1
        finally:
            watch.terminate()
            watch.wait(timeout=30)
    if not latencies:
        print("no incident seen")
        return 1
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    print(f"mail() -> mail-script incident (spamtrace watch), {len(latencies)} trials:")
    print(
        f"  p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms (target p99 < 1000 ms); missed {missed}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
