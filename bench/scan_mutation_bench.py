"""Do verdicts survive semantics-preserving rewrites? `spamtrace scan` and the peer, per rewrite.

Usage: .venv/bin/python bench/scan_mutation_bench.py --corpus DIR [--jobs 2]
       [--pmf-rules php.yar] [--clean-sample 300] [--rewrites rename,case,...] [--limit N]
       [--seed 1] [--show-lost N]

Attackers re-obfuscate the families a scanner knows: new names, other quoting, comments
between tokens, the whole file wrapped in ``eval(base64_decode(...))``... A verdict that
depends on how a file is written rather than on what it does is lost to the next copy. This
bench takes every malicious file of the labelled corpus (``manifest.tsv``; ``--corpus`` or
``SPAMTRACE_CORPUS``) that the scanner calls malicious as it is, and a sample of the clean files,
applies each rewrite of ``bench/php_rewrites.py`` (token-aware, with the scanner's own lexer
patterns; each keeps the file valid PHP that does the same thing, checked on the project's own
fixtures by ``tests/unit/scanner/test_scan_rewrites.py``) and scans the result. The rewritten
files are written to a private temporary folder that is only scanned, then removed; nothing is
ever executed.

Per rewrite it prints how many of the files detected as they are stay detected (retention),
and how many clean files that were not flagged are flagged after the rewrite. "Detected" and
"flagged" mean verdict ``malicious``. With ``--pmf-rules`` (php-malware-finder's data/php.yar;
the ``yara`` command, as bench/scan_bench.py runs it) the same table is printed for the peer,
over the files the peer detects as they are (any rule match). A rewrite that finds nothing of
its kind in a file (no variable to rename, no literal to split) leaves it out of that row
(``applied`` counts the others).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from php_rewrites import REWRITES
from spamtrace.scanner.engine import Limits, scan_paths
from spamtrace.scanner.report import FileReport, ScanVerdict
from spamtrace.scanner.walk import Listed


def load_manifest(corpus: Path) -> list[dict[str, str]]:
    with open(corpus / "manifest.tsv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def listed(paths: Iterable[str]) -> list[Listed]:
    return [Listed(p, (st.st_dev, st.st_ino), st.st_size) for p in paths for st in [os.stat(p)]]


def scan(paths: list[str], limits: Limits, jobs: int) -> dict[str, FileReport]:
    return {r.path: r for r in scan_paths(listed(paths), limits, jobs=jobs)}


def pmf_flagged(yara: str, rules: Path, paths: list[str], jobs: int) -> set[str]:
    """The files any rule of ``rules`` matches, with ``yara -w -p JOBS`` over a file list."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write("".join(f"{p}\n" for p in paths))
        listing.flush()
        argv = [yara, "-w", "-p", str(jobs), "--scan-list", str(rules), listing.name]
        res = subprocess.run(argv, capture_output=True, text=True, errors="surrogateescape")
    return {line.split(" ", 1)[1] for line in res.stdout.splitlines() if " " in line}


_JOB: dict[str, object] = {}


def _rewrite_one(item: tuple[str, str, str]) -> tuple[str, bytes | None]:
    rewrite, path, key = item
    with open(path, "rb") as fh:
        data = fh.read()
    rng = random.Random(f"{_JOB['seed']}:{rewrite}:{key}")
    try:
        return path, REWRITES[rewrite](data, rng)
    except RecursionError:
        return path, None


def rewritten(
    rewrite: str, paths: list[str], keys: dict[str, str], seed: int, jobs: int
) -> dict[str, bytes]:
    _JOB["seed"] = seed
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(max(1, jobs)) as pool:
        out = pool.imap_unordered(
            _rewrite_one, [(rewrite, p, keys[p]) for p in paths], chunksize=16
        )
        return {p: data for p, data in out if data is not None}


def pct(n: int, d: int) -> str:
    return f"{n:5d}/{d:<5d} {100.0 * n / d:6.2f}%" if d else f"{'n/a':>19s}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=os.environ.get("SPAMTRACE_CORPUS"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--pmf-rules", type=Path, help="php-malware-finder data/php.yar to compare")
    ap.add_argument("--clean-sample", type=int, default=300, help="clean files rewritten too")
    ap.add_argument("--rewrites", default=",".join(REWRITES), help="comma-separated names")
    ap.add_argument("--limit", type=int, default=0, help="at most this many malicious files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--show-lost", type=int, default=0, metavar="N", help="list N lost files per rewrite"
    )
    args = ap.parse_args()
    if args.corpus is None:
        ap.error("give the corpus folder: --corpus DIR or SPAMTRACE_CORPUS=DIR")
    chosen = [r.strip() for r in args.rewrites.split(",") if r.strip()]
    unknown = [r for r in chosen if r not in REWRITES]
    if unknown:
        ap.error(f"unknown rewrite(s): {', '.join(unknown)}; known: {', '.join(REWRITES)}")
    corpus = Path(args.corpus).resolve()
    rows = load_manifest(corpus)
    rng = random.Random(args.seed)
    mal = sorted(str(corpus / r["relpath"]) for r in rows if r["label"] == "malicious")
    clean_all = sorted(str(corpus / r["relpath"]) for r in rows if r["label"] == "clean")
    clean = sorted(rng.sample(clean_all, min(args.clean_sample, len(clean_all))))
    if args.limit:
        mal = sorted(rng.sample(mal, min(args.limit, len(mal))))
    keys = {p: os.path.relpath(p, corpus) for p in mal + clean}
    limits = Limits(max_file_size=16 * 1024 * 1024, file_timeout=2.0)
    yara = shutil.which("yara") if args.pmf_rules else None
    if args.pmf_rules and not yara:
        print("no `yara` command: the peer is not measured", file=sys.stderr)

    t0 = time.perf_counter()
    base = scan(mal + clean, limits, args.jobs)
    detected = [p for p in mal if base[p].verdict is ScanVerdict.MALICIOUS]
    clean_ok = [p for p in clean if base[p].verdict is not ScanVerdict.MALICIOUS]
    print(
        f"corpus: {len(mal)} malicious files, {len(detected)} detected as they are "
        f"({100.0 * len(detected) / len(mal):.2f} %); clean sample {len(clean)} files "
        f"(seed {args.seed}), {len(clean) - len(clean_ok)} of them flagged as they are"
    )
    pmf_det: list[str] = []
    pmf_clean_ok: list[str] = []
    if yara:
        hit = pmf_flagged(yara, args.pmf_rules, mal + clean, args.jobs)
        pmf_det = [p for p in mal if p in hit]
        pmf_clean_ok = [p for p in clean if p not in hit]
        print(
            f"php-malware-finder: {len(pmf_det)} detected as they are "
            f"({100.0 * len(pmf_det) / len(mal):.2f} %); "
            f"{len(clean) - len(pmf_clean_ok)} of the clean sample flagged as they are"
        )
    todo_mal = sorted(set(detected) | set(pmf_det))
    todo_clean = sorted(set(clean_ok) | set(pmf_clean_ok))

    table: list[tuple[str, ...]] = []
    slowest: tuple[float, str, str] = (0.0, "", "")
    over = 0
    lost_list: dict[str, list[tuple[str, FileReport]]] = {}
    work = Path(tempfile.mkdtemp(prefix="spamtrace-mutation-"))
    try:
        for rw in chosen:
            t1 = time.perf_counter()
            out = rewritten(rw, todo_mal + todo_clean, keys, args.seed, args.jobs)
            where: dict[str, str] = {}  # rewritten file -> original
            folder = work / rw
            for i, (orig, data) in enumerate(sorted(out.items())):
                d = folder / str(i)
                d.mkdir(parents=True)
                dest = d / os.path.basename(orig)
                dest.write_bytes(data)
                where[str(dest)] = orig
            got = scan(list(where), limits, args.jobs)
            verdict = {where[p]: r for p, r in got.items()}
            for p, r in got.items():
                over += r.seconds > 1.0
                if r.seconds > slowest[0]:
                    slowest = (r.seconds, rw, keys[where[p]])
            applied = [p for p in detected if p in verdict]
            kept = [p for p in applied if verdict[p].verdict is ScanVerdict.MALICIOUS]
            capplied = [p for p in clean_ok if p in verdict]
            cflag = [p for p in capplied if verdict[p].verdict is ScanVerdict.MALICIOUS]
            lost_list[rw] = [(p, verdict[p]) for p in applied if p not in set(kept)]
            row = [rw, pct(len(kept), len(applied)), pct(len(cflag), len(capplied))]
            if yara:
                hit = {where[p] for p in pmf_flagged(yara, args.pmf_rules, list(where), args.jobs)}
                papplied = [p for p in pmf_det if p in verdict]
                pkept = [p for p in papplied if p in hit]
                pcapplied = [p for p in pmf_clean_ok if p in verdict]
                pcflag = [p for p in pcapplied if p in hit]
                row += [pct(len(pkept), len(papplied)), pct(len(pcflag), len(pcapplied))]
            table.append((*row, f"{time.perf_counter() - t1:5.0f}s"))
            shutil.rmtree(folder)
            print(f"  {rw}: done ({table[-1][-1].strip()})", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    head = ["rewrite", "spamtrace kept", "clean -> flagged"]
    if yara:
        head += ["php-malware-finder kept", "clean -> flagged"]
    head.append("time")
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(head)]
    print("retention of the malicious verdict per rewrite (kept = detected after / detected")
    print("before and rewritten; clean -> flagged = clean files flagged only after the rewrite)")
    print("  " + "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for r in table:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    lost_any = {p for lost in lost_list.values() for p, _ in lost}
    print(
        f"detected files that keep the verdict under every rewrite: "
        f"{len(detected) - len(lost_any)}/{len(detected)}"
    )
    print(f"rewritten files over 1 s: {over}")
    print(f"slowest rewritten file: {slowest[0]:.3f}s ({slowest[1]} of {slowest[2]})")
    print(f"total wall time {time.perf_counter() - t0:.0f}s, jobs={args.jobs}")
    if args.show_lost:
        for rw, lost in lost_list.items():
            for p, r in lost[: args.show_lost]:
                rules = ",".join(f.rule for f in r.findings)
                print(f"  lost {rw:20s} {r.verdict.value:10s} {r.score:3d} {keys[p]} {rules}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
