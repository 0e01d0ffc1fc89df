"""Where `spamtrace scan`'s CPU goes: the time of each rule over a corpus, and of the shared
passes (lexing, the gate-word index, decoding), in one process.

Usage: .venv/bin/python bench/scan_rule_costs.py --corpus DIR [--top 30] [--all-reasons]
       [--by-class] [--label clean]

Every file of the corpus (``manifest.tsv``; ``--corpus`` or ``SPAMTRACE_CORPUS``) is read as
bytes and scanned as ``spamtrace scan`` does (it stops at enough evidence; ``--all-reasons``:
every rule on every file), never executed, once to warm the caches and once measured. Per
rule: the CPU seconds of its runs, how many files it ran on, and the time per run. A rule
whose time per run is far above the others' is worth a look: a pattern without a literal
start scanned over all of a file's literals, a walk over every call of a common name. The
figures move with the machine's load (other work slows every part alike); compare rules
within one run.

``--by-class`` first prints where the CPU goes by kind of file: per label of the manifest
(clean, malicious) and size class, the files, their CPU and the CPU per file and per KB;
then the same pass with every rule a no-op (what reading, hashing, lexing, the gate index
and the engine cost without any rule: no file stops early then, so every file's layers are
decoded, more than a real scan does), the floor under which no rule work can take a scan.
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
    ap.add_argument(
        "--label", help="only the files of this label of the manifest (clean, malicious)"
    )
    ap.add_argument(
        "--by-class",
        action="store_true",
        help="first the CPU per label and size class, and with every rule a no-op",
    )
    args = ap.parse_args()
    if args.corpus is None:
        ap.error("give the corpus folder: --corpus DIR or SPAMTRACE_CORPUS=DIR")
    corpus = Path(args.corpus).resolve()
    with open(corpus / "manifest.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if args.label:
        rows = [r for r in rows if r.get("label") == args.label]
    files = sorted(str(corpus / r["relpath"]) for r in rows)
    labels = {str(corpus / r["relpath"]): r.get("label", "?") for r in rows}
    rules = load_rules()
    yara = load_yara()
    analyze.prepare(rules, yara)
    limits = Limits(max_file_size=16 * 1024 * 1024, file_timeout=60.0)
    if args.all_reasons:
        limits = Limits(max_file_size=limits.max_file_size, file_timeout=60.0, stop_at_score=0)
    for path in files:  # warm: the caches a long scan has (names seen, rule plans, regexes)
        scan_file(path, limits, rules, yara)
    ready = analyze._prepared(rules)
    if args.by_class:
        by_class(files, labels, limits, rules, yara, ready)
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


_SIZES = ((1 << 10, "< 1 KB"), (8 << 10, "1-8 KB"), (32 << 10, "8-32 KB"),
          (128 << 10, "32-128 KB"), (1 << 62, ">= 128 KB"))  # fmt: skip


def _class_pass(
    files: list[str], labels: dict[str, str], limits: Limits, rules: Any, yara: Any
) -> tuple[float, dict[tuple[str, str], list[float]]]:
    """One pass: the total CPU, and per (label, size class) [files, bytes, CPU s]."""
    out: dict[tuple[str, str], list[float]] = {}
    clock = time.process_time
    t0 = clock()
    for path in files:
        size = os.path.getsize(path)
        size_class = next(name for limit, name in _SIZES if size < limit)
        t1 = clock()
        scan_file(path, limits, rules, yara)
        spent = clock() - t1
        for key in ((labels[path], "all"), (labels[path], size_class)):
            entry = out.setdefault(key, [0, 0, 0.0])
            entry[0] += 1
            entry[1] += size
            entry[2] += spent
    return clock() - t0, out


def by_class(
    files: list[str], labels: dict[str, str], limits: Limits, rules: Any, yara: Any, ready: Any
) -> None:
    total, classes = _class_pass(files, labels, limits, rules, yara)
    print(f"by class of file, one process: {total:.2f} s of CPU")
    print(f"  {'label':10s} {'size':10s} {'files':>6s} {'MB':>7s} {'CPU s':>7s} {'share':>6s} "
          f"{'us/file':>8s} {'us/KB':>6s}")  # fmt: skip
    order = {name: i for i, (_limit, name) in enumerate(_SIZES)}
    for (label, size_class), (n, size, secs) in sorted(
        classes.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], -1))
    ):
        print(
            f"  {label:10s} {size_class:10s} {int(n):6d} {size / 1e6:7.2f} {secs:7.3f} "
            f"{100 * secs / total:5.1f}% {1e6 * secs / n:8.0f} {1e6 * secs / (size / 1024):6.1f}"
        )
    plan = list(ready.plan)

    def none(ctx: Any, rule: Any) -> None:
        return None

    ready.plan[:] = [(r, m, c, none) for r, m, c, _run in plan]
    ready.runnable.clear()
    try:
        floor, floors = _class_pass(files, labels, limits, rules, yara)
    finally:
        ready.plan[:] = plan
        ready.runnable.clear()
    per_label = ", ".join(
        f"{label} {secs:.2f} s of {classes[(label, 'all')][2]:.2f}"
        for (label, size_class), (_n, _size, secs) in sorted(floors.items())
        if size_class == "all"
    )
    print(
        f"every rule a no-op: {floor:.2f} s of CPU ({100 * floor / total:.0f} %; {per_label}): "
        "reading, hashing, lexing, the gate index, the engine's loop, and decoding every file's "
        "layers (no file stops early then)"
    )
    print()


if __name__ == "__main__":
    raise SystemExit(main())
