"""Where `spamtrace scan`'s CPU goes: the time of each rule over a corpus, and of the shared
passes (lexing, the gate-word index, decoding), in one process.

Usage: .venv/bin/python bench/scan_rule_costs.py --corpus DIR [--top 30] [--all-reasons]

Every file of the corpus (``manifest.tsv``; ``--corpus`` or ``SPAMTRACE_CORPUS``) is read as
bytes and scanned as ``spamtrace scan`` does (it stops at enough evidence; ``--all-reasons``:
every rule on every file), never executed, once to warm the caches and once measured. Per
rule: the CPU seconds of its runs, how many files it ran on, and the time per run. A rule
whose time per run is far above the others' is worth a look: a pattern without a literal
start scanned over all of a file's literals, a walk over every call of a common name. The
figures move with the machine's load (other work slows every part alike); compare rules
within one run.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spamtrace.scanner import analyze
from spamtrace.scanner.engine import Limits, scan_file
from spamtrace.scanner.rules import load_rules, load_yara

SECONDS: Counter[str] = Counter()
RUNS: Counter[str] = Counter()


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            SECONDS[name] += time.process_time() - t0
            RUNS[name] += 1

    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=os.environ.get("SPAMTRACE_CORPUS"))
    ap.add_argument("--top", type=int, default=30, help="rules listed (default 30)")
    ap.add_argument("--all-reasons", action="store_true", help="every rule on every file")
    args = ap.parse_args()
    if args.corpus is None:
        ap.error("give the corpus folder: --corpus DIR or SPAMTRACE_CORPUS=DIR")
    corpus = Path(args.corpus).resolve()
    with open(corpus / "manifest.tsv", newline="", encoding="utf-8") as fh:
        files = sorted(str(corpus / r["relpath"]) for r in csv.DictReader(fh, delimiter="\t"))
    rules = load_rules()
    yara = load_yara()
    analyze.prepare(rules, yara)
    limits = Limits(max_file_size=16 * 1024 * 1024, file_timeout=60.0)
    if args.all_reasons:
        limits = Limits(max_file_size=limits.max_file_size, file_timeout=60.0, stop_at_score=0)
    for path in files:  # warm: the caches a long scan has (names seen, rule plans, regexes)
        scan_file(path, limits, rules, yara)
    ready = analyze._prepared(rules)
    ready.plan[:] = [(r, m, c, _timed(r.id, run)) for r, m, c, run in ready.plan]
    ready.runnable.clear()
    analyze.lex = _timed("(lexing)", analyze.lex)  # type: ignore[assignment]
    analyze.present_words = _timed("(gate-word index)", analyze.present_words)  # type: ignore[assignment]
    analyze.decoded_payloads = _timed("(decoded layers found)", analyze.decoded_payloads)  # type: ignore[assignment]
    t0 = time.process_time()
    for path in files:
        scan_file(path, limits, rules, yara)
    total = time.process_time() - t0
    size = sum(os.path.getsize(p) for p in files)
    print(
        f"{len(files)} files, {size / 1e6:.1f} MB: {total:.2f} s of CPU in one process "
        f"({size / 1e6 / total:.1f} MB/s); rules and passes below {sum(SECONDS.values()):.2f} s, "
        "the rest is reading, hashing and the engine's own loop"
    )
    print(f"  {'rule or pass':36s} {'CPU s':>7s} {'share':>6s} {'runs':>6s} {'ms/run':>7s}")
    for name, secs in SECONDS.most_common(args.top):
        runs = RUNS[name]
        print(
            f"  {name:36s} {secs:7.3f} {100 * secs / total:5.1f}% {runs:6d} "
            f"{1000 * secs / runs if runs else 0:7.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
