"""Long fuzz run of every parser of attacker- or host-shaped input (the targets of
``tests/unit/fuzz/fuzz_targets.py``): random bytes, and random cuts, splices and byte flips of
the suite's real samples, for ``--seconds`` per target.

Prints per target and in total: inputs tried, crashes (target 0; each crashing input is
written to ``--crash-dir`` for a reproducing test), the slowest input (seconds and size), and
the peak memory (max RSS) of the run. The peer for speed is the same target run by the unit
tests' hypothesis round (a few hundred inputs per target).

Usage: .venv/bin/python bench/fuzz_bench.py [--seconds 30] [--seed 1] [--crash-dir DIR]
       [--only NAME]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "unit" / "fuzz"))
sys.path.insert(0, str(ROOT / "src"))

from fuzz_targets import TARGETS  # noqa: E402

SAMPLE_SUFFIXES = (".bin", ".conf", ".toml", ".ini", ".json", ".php", ".txt")


def samples() -> list[bytes]:
    found = [
        p.read_bytes()[:65536]
        for p in sorted((ROOT / "tests").rglob("*"))
        if p.is_file() and p.suffix in SAMPLE_SUFFIXES
    ]
    return [s for s in found if s] or [b""]


def mutate(rng: random.Random, pool: list[bytes]) -> bytes:
    kind = rng.randrange(5)
    if kind == 0:
        return rng.randbytes(rng.randrange(0, 2048))
    base = bytearray(rng.choice(pool))
    if kind == 1 and base:  # cut
        return bytes(base[: rng.randrange(len(base) + 1)])
    if kind == 2:  # splice two samples
        other = rng.choice(pool)
        return bytes(base[: rng.randrange(len(base) + 1)] + other[rng.randrange(len(other) + 1) :])
    if kind == 3 and base:  # flip bytes
        for _ in range(rng.randrange(1, 16)):
            base[rng.randrange(len(base))] = rng.randrange(256)
        return bytes(base)
    piece = rng.choice(pool)[:64]  # repeat a piece (nesting, long lines)
    return bytes(base) + piece * rng.randrange(1, 2000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="per target")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--crash-dir", default="fuzz-crashes")
    parser.add_argument("--only", choices=sorted(TARGETS))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = samples()
    total_inputs = total_crashes = 0
    slowest: tuple[float, str, int] = (0.0, "", 0)
    print(f"{'target':<16} {'inputs':>9} {'crashes':>8} {'slowest s':>10} {'size':>8}")
    for name, target in sorted(TARGETS.items()):
        if args.only and name != args.only:
            continue
        tried = crashes = 0
        worst = (0.0, 0)
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            data = mutate(rng, pool)
            t0 = time.perf_counter()
            try:
                target(data)
            except Exception:
                crashes += 1
                out = Path(args.crash_dir)
                out.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256(data).hexdigest()[:16]
                (out / f"{name}-{digest}.bin").write_bytes(data)
                if crashes <= 3:
                    print(f"CRASH {name} ({len(data)} bytes, {out}/{name}-{digest}.bin):")
                    traceback.print_exc(limit=3)
            spent = time.perf_counter() - t0
            tried += 1
            if spent > worst[0]:
                worst = (spent, len(data))
        total_inputs += tried
        total_crashes += crashes
        if worst[0] > slowest[0]:
            slowest = (worst[0], name, worst[1])
        print(f"{name:<16} {tried:>9} {crashes:>8} {worst[0]:>10.4f} {worst[1]:>8}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"total: {total_inputs} inputs tried, {total_crashes} crashes, peak memory "
        f"{peak:.0f} MB, slowest input {slowest[0]:.4f} s ({slowest[1]}, {slowest[2]} bytes)"
    )
    return 1 if total_crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
