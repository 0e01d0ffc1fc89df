"""Do malware verdicts survive the rewrites between variants of one family? Per rewrite, in memory.

Usage: .venv/bin/python bench/scan_variants.py [DIR ...] [--rewrites a,b,...] [--jobs 2]
       [--seed 1] [--examples 3] [--json]

Issue #17: the rules flag most of the corpus they were written from, fewer files of
collections they were not; the next copy of a family differs from the last by renamed
variables, a function called through a variable or ``call_user_func()``, its name spelled by
``strrev()``/``str_rot13()``/``chr()``, request input read as ``$_REQUEST`` or
``$GLOBALS['_POST']``, the script moved into a function, junk comments, escaped literals.
A rule that reads how a file is written rather than what it does loses that copy.

Each DIR is a labelled corpus or a set half (``manifest.tsv``: its ``malicious`` files), or a
folder of malware (``DIR/malicious/`` if there is one, else every file under DIR); without
DIR, the corpus (``SPAMTRACE_CORPUS``). An unread held-out half (``SET/test`` without
``SET/RETIRED``) is refused: rules are never tuned on it. Every file the scanner calls malicious
as it is gets each rewrite of ``php_rewrites.VARIANTS`` in turn (token-aware, with the
scanner's own lexer patterns; each checked on the project's own fixtures by
``tests/unit/scanner/test_scan_variants.py``), and the rewritten bytes are scored in memory by
the scanner's own ``analyze()`` with the shipped rules (the verdict ``spamtrace scan`` gives,
with its default limits): nothing is written to disk, nothing is executed, no file text is
printed.

Per rewrite: ``applied`` (files it changed: a file with nothing of its kind is left out),
``kept`` (still malicious) and their ratio, ``kept*`` (malicious or suspicious), and the rules
the lost files lost most often (rule ids only).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from php_rewrites import VARIANTS
from scan_bench import load_manifest
from spamtrace.scanner.analyze import Analysis, analyze, prepare
from spamtrace.scanner.context import BudgetExceeded
from spamtrace.scanner.engine import Limits
from spamtrace.scanner.report import ScanVerdict
from spamtrace.scanner.rules import Rule, YaraWords, load_rules, load_yara

MAX_SIZE = Limits().max_file_size


def malware_files(folder: Path) -> list[Path]:
    """The malware files of ``folder`` (see the module docstring)."""
    if (folder / "manifest.tsv").is_file():
        rows = load_manifest(folder)
        return sorted(folder / r["relpath"] for r in rows if r["label"] == "malicious")
    base = folder / "malicious" if (folder / "malicious").is_dir() else folder
    return sorted(p for p in base.rglob("*") if p.is_file() and not p.is_symlink())


def unread_half(folder: Path) -> bool:
    return (
        folder.name == "test"
        and (folder.parent / "dev").is_dir()
        and not (folder.parent / "RETIRED").exists()
    )


_W: dict[str, object] = {}


@dataclass(frozen=True, slots=True)
class Scored:
    verdict: str
    rules: tuple[str, ...]


def score(data: bytes, name: str) -> Scored:
    """The verdict ``spamtrace scan`` gives these bytes (default limits), in memory."""
    rules = _W["rules"]
    yara = _W["yara"]
    assert isinstance(rules, tuple)
    deadline = time.monotonic() + Limits().file_timeout

    def check() -> None:
        if time.monotonic() > deadline:
            raise BudgetExceeded

    try:
        res: Analysis = analyze(
            data, name, rules, check, yara if isinstance(yara, YaraWords) else None,
            stop_at=Limits().stop_at_score,
        )  # fmt: skip
    except (BudgetExceeded, RecursionError):
        return Scored("skipped", ())
    if res.cut_short and res.verdict is ScanVerdict.CLEAN:
        return Scored("skipped", ())
    return Scored(res.verdict.value, tuple(f.rule for f in res.findings))


def _job(item: tuple[str, str, int]) -> tuple[str, str, Scored | None]:
    """``(rewrite or "", path)`` -> its score; None when the rewrite does not apply."""
    rewrite, path, seed = item
    with open(path, "rb") as fh:
        data = fh.read(MAX_SIZE)
    if rewrite:
        rng = random.Random(f"{seed}:{rewrite}:{os.path.basename(path)}:{len(data)}")
        try:
            out = VARIANTS[rewrite](data, rng)
        except (RecursionError, IndexError):
            out = None
        if out is None or out == data:
            return rewrite, path, None
        data = out
    return rewrite, path, score(data, os.path.basename(path))


def run(items: list[tuple[str, str, int]], jobs: int) -> Iterator[tuple[str, str, Scored | None]]:
    if jobs <= 1:
        yield from map(_job, items)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs) as pool:
        yield from pool.imap_unordered(_job, items, chunksize=8)


@dataclass
class Row:
    rewrite: str
    applied: int = 0
    kept: int = 0
    kept_or_suspicious: int = 0
    lost_rules: dict[str, int] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.kept / self.applied if self.applied else 1.0


def measure(
    paths: list[str], chosen: list[str], seed: int, jobs: int
) -> tuple[list[str], list[Row]]:
    """The files detected as they are, and one row per rewrite over them."""
    base: dict[str, Scored] = {}
    for _, p, s in run([("", p, seed) for p in paths], jobs):
        assert s is not None
        base[p] = s
    detected = sorted(p for p, s in base.items() if s.verdict == "malicious")
    rows = {rw: Row(rw) for rw in chosen}
    lost: dict[str, Counter[str]] = {rw: Counter() for rw in chosen}
    for rw, p, s in run([(rw, p, seed) for rw in chosen for p in detected], jobs):
        if s is None:
            continue
        row = rows[rw]
        row.applied += 1
        row.kept += s.verdict == "malicious"
        row.kept_or_suspicious += s.verdict in ("malicious", "suspicious")
        if s.verdict != "malicious":
            lost[rw].update(set(base[p].rules) - set(s.rules))
    for rw in chosen:
        rows[rw].lost_rules = dict(lost[rw].most_common())
    return detected, [rows[rw] for rw in chosen]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*", type=Path, help="corpus, set halves or malware folders")
    ap.add_argument("--rewrites", default=",".join(VARIANTS), help="comma-separated names")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--examples", type=int, default=3, help="lost rule ids shown per rewrite")
    ap.add_argument("--json", action="store_true", help="one JSON document instead of a table")
    args = ap.parse_args()
    dirs: list[Path] = list(args.dirs)
    if not dirs:
        env = os.environ.get("SPAMTRACE_CORPUS")
        if not env:
            ap.error("give DIR ... or set SPAMTRACE_CORPUS to the corpus folder")
        dirs = [Path(env)]
    chosen = [r.strip() for r in args.rewrites.split(",") if r.strip()]
    unknown = [r for r in chosen if r not in VARIANTS]
    if unknown:
        ap.error(f"unknown rewrite(s): {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    paths: list[str] = []
    for d in dirs:
        if not d.is_dir():
            ap.error(f"not a folder: {str(d)!r}")
        if unread_half(d.resolve()):
            ap.error(f"{str(d)!r} is an unread held-out half: rules are not tuned on it")
        paths += [str(p) for p in malware_files(d)]
    if not paths:
        ap.error("no malware files in the folders given")

    rules: tuple[Rule, ...] = load_rules()
    yara = load_yara()
    prepare(rules, yara)
    _W["rules"], _W["yara"] = rules, yara
    t0 = time.perf_counter()
    detected, rows = measure(paths, chosen, args.seed, max(1, args.jobs))
    took = time.perf_counter() - t0
    if args.json:
        doc = {
            "schema": "spamtrace.bench.variants/1",
            "files": len(paths),
            "detected": len(detected),
            "seed": args.seed,
            "rows": [{**asdict(r), "ratio": round(r.ratio, 4)} for r in rows],
            "seconds": round(took, 1),
        }
        print(json.dumps(doc, indent=1))
        return 0
    print(
        f"{len(paths)} malware files, {len(detected)} malicious as they are "
        f"({100.0 * len(detected) / len(paths):.2f} %); seed {args.seed}"
    )
    print("per rewrite: applied = detected files it changed; kept = still malicious;")
    print("kept* = malicious or suspicious; lost rules = rule ids the lost files lost most")
    head = f"  {'rewrite':18s} {'applied':>7s} {'kept':>6s} {'ratio':>7s} {'kept*':>6s}  lost rules"
    print(head)
    for r in rows:
        ex = ", ".join(f"{k} {v}" for k, v in list(r.lost_rules.items())[: args.examples])
        print(
            f"  {r.rewrite:18s} {r.applied:7d} {r.kept:6d} {100.0 * r.ratio:6.2f}% "
            f"{r.kept_or_suspicious:6d}  {ex}"
        )
    worst: Callable[[Row], float] = lambda r: r.ratio  # noqa: E731
    low = min(rows, key=worst)
    print(f"lowest: {low.rewrite} {100.0 * low.ratio:.2f} %; {took:.0f} s, jobs={args.jobs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
