"""Benchmark `spamtrace scan` on a labelled corpus of PHP malware and clean code.

Usage: .venv/bin/python bench/scan_bench.py --corpus DIR [--jobs 2] [--pmf-rules php.yar]
       [--show-misses] [--no-all-reasons] [--no-held-out]

The corpus layout is ``malicious/<source>/...`` and ``clean/<source>/...`` with labels in
``manifest.tsv``; its folder is given with ``--corpus`` or the environment variable
``SPAMTRACE_CORPUS``. Every file is read as
bytes and scanned, whatever its extension; nothing is ever executed.

"Flagged" is reported two ways: verdict ``malicious`` only (the figure that exit codes and
alerts use), and ``malicious`` or ``suspicious``. Throughput is total bytes / wall time with
``--jobs`` worker processes. Peak RSS is the largest resident set of the parent and of any
worker. With ``--pmf-rules`` (php-malware-finder's data/php.yar, not shipped here) the same
files are scanned with those YARA rules in the same run (any rule match = flagged), the way the
corpus README measured its baseline: the ``yara`` command (Debian package ``yara``, 4.2.3) with
``--jobs`` threads. Without that command the rules run on yara-x, which is several times slower
for these rules: that figure is printed but labelled as not the peer's engine. Without
``--pmf-rules`` the corpus README's reference figures are printed, labelled as not measured here.

The main pass scans as ``spamtrace scan`` does by default: a file stops being analysed once it
is certainly malicious. A second pass then runs every rule on every file (``--all-reasons``),
prints its throughput and counts the files whose verdict differs (there should be none);
``--no-all-reasons`` skips it.

Held out: every rule of ``rules.toml`` says which collections of this corpus it was written
from (``written_from``, taken from the history of the rules). For each malicious collection C
the bench scans C's files and the clean files again with every rule written (only or partly)
from C switched off, and prints that rate next to the rate with all rules: the figure of a
collection the remaining rules were not written from. What it does not hold out: the weights
and the verdict thresholds (set by hand with the whole corpus in view; not refitted), the
lexer, decoder and taint pass shared by all rules, and the choice of what to write rules about.
``--no-held-out`` skips these passes.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import re
import resource
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spamtrace.scanner.analyze import prepare
from spamtrace.scanner.engine import Limits, scan_file, scan_paths
from spamtrace.scanner.report import FileReport, ScanVerdict
from spamtrace.scanner.rules import Rule, load_rules, load_yara
from spamtrace.scanner.walk import Listed

PMF_REFERENCE = (
    "php-malware-finder YARA (corpus README, NOT measured here): "
    "detection 87.2 %, FP 2.83 %, ~11.5 MB/s"
)


def load_manifest(corpus: Path) -> list[dict[str, str]]:
    with open(corpus / "manifest.tsv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def source_of(relpath: str) -> str:
    parts = relpath.split("/")
    return "/".join(parts[:2])


def rate(n: int, d: int) -> str:
    return f"{n}/{d} = {100.0 * n / d:.2f} %" if d else "n/a"


def children_cpu() -> float:
    """User + system CPU seconds of the waited-for child processes so far."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def self_cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def peak_rss_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


# ---------------------------------------------------------------- held-out passes
_HELD: dict[str, object] = {}


def _held_scan(path: str) -> tuple[str, ScanVerdict]:
    rules: tuple[Rule, ...] = _HELD["rules"]  # type: ignore[assignment]
    limits: Limits = _HELD["limits"]  # type: ignore[assignment]
    rep = scan_file(path, limits, rules, load_yara())
    return path, rep.verdict


def scan_without(
    files: list[str], limits: Limits, off: frozenset[str], jobs: int
) -> dict[str, ScanVerdict]:
    """Verdicts of ``files`` with the built-in rules minus those whose id is in ``off``."""
    rules = tuple(r for r in load_rules() if r.id not in off)
    prepare(rules)
    load_yara()
    _HELD["rules"], _HELD["limits"] = rules, limits  # the forked workers inherit them
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(max(1, jobs)) as pool:
        return dict(pool.imap_unordered(_held_scan, files, chunksize=16))


_TOKEN = re.compile(rb"[a-z_][a-z0-9_]*|\d+|\S")


def _shingles(path: str) -> set[tuple[bytes, ...]]:
    """The 5-token shingles of a file (identifiers, numbers, single other bytes; lower-cased):
    what two copies of one sample with a few names or values changed still share."""
    with open(path, "rb") as fh:
        t = _TOKEN.findall(fh.read().lower())
    return {tuple(t[i : i + 5]) for i in range(max(1, len(t) - 4))}


def nearest_copy(files: list[str], others: list[str]) -> dict[str, float]:
    """For each of ``files``, the Jaccard similarity of its shingles to those of its nearest
    file among ``others`` (1.0: the same text up to whitespace and case)."""
    sets = [_shingles(p) for p in others]
    index: dict[tuple[bytes, ...], list[int]] = defaultdict(list)
    for i, sh in enumerate(sets):
        for x in sh:
            index[x].append(i)
    out: dict[str, float] = {}
    for p in files:
        mine = _shingles(p)
        shared: dict[int, int] = defaultdict(int)
        for x in mine:
            for i in index.get(x, ()):
                shared[i] += 1
        out[p] = max((c / len(mine | sets[i]) for i, c in shared.items()), default=0.0)
    return out


def held_out_report(
    label_of: dict[str, dict[str, str]],
    reports: dict[str, FileReport],
    limits: Limits,
    jobs: int,
) -> None:
    """Per malicious collection: flagged with all rules, and with the rules written from it
    switched off (the clean files scanned with the same rules). A collection that a rule names
    by a top folder (``written_from = ["C/train"]``) is reported per top folder, each held
    out from the rules written from the whole collection or from that folder."""
    rules = load_rules()
    clean = sorted(p for p, r in label_of.items() if r["label"] == "clean")
    named = {w for r in rules for w in r.written_from}
    split = {w.split("/", 1)[0] for w in named if "/" in w}
    members: dict[str, list[str]] = defaultdict(list)
    for path, row in label_of.items():
        if row["label"] == "malicious":
            parts = row["relpath"].split("/")
            group = f"{parts[1]}/{parts[2]}" if parts[1] in split and len(parts) > 3 else parts[1]
            members[group].append(path)
    off_of = {
        g: frozenset(r.id for r in rules if {g, g.split("/")[0]} & set(r.written_from))
        for g in members
    }
    general = sum(1 for r in rules if not r.written_from)
    print(
        f"held out: each malicious collection scanned without the rules written from it "
        f"(rules.toml written_from; {len(rules)} rules, {general} written from no collection)."
    )
    print(
        "  Not held out: weights and thresholds (set by hand with the whole corpus in view, not "
        "refitted), the lexer/decoder/taint pass, and which families rules were written for."
    )
    if split:
        print(
            "  Split by top folder (a rule names one): "
            + ", ".join(sorted(split))
            + "; a part held out is scanned without the rules written from the whole "
            "collection or from that part."
        )
    verdicts: dict[frozenset[str], dict[str, ScanVerdict]] = {}
    for g in sorted(members):
        off = off_of[g]
        if off and off not in verdicts:  # groups with the same rules off share a pass
            todo = clean + [p for d in members if off_of[d] == off for p in members[d]]
            verdicts[off] = scan_without(todo, limits, off, jobs)
    print(
        f"  {'collection':30s} {'files':>5s} {'rules off':>9s} {'flagged (all rules)':>20s} "
        f"{'flagged held-out':>17s} {'clean flagged held-out':>23s}"
    )
    mal = ScanVerdict.MALICIOUS
    nc = len(clean)

    def held_of(g: str, p: str) -> ScanVerdict:
        got = verdicts.get(off_of[g])
        return got[p] if got else reports[p].verdict

    tot = [0, 0, 0]
    by_coll: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for g in sorted(members):
        paths, off = members[g], off_of[g]
        alln = sum(1 for p in paths if reports[p].verdict is mal)
        held = sum(1 for p in paths if held_of(g, p) is mal)
        fp = sum(1 for p in clean if held_of(g, p) is mal)
        n = len(paths)
        for acc in (tot, by_coll[g.split("/")[0]]):
            acc[0] += n
            acc[1] += alln
            acc[2] += held
        print(
            f"  {g:30s} {n:5d} {len(off):9d} {alln:6d} = {100 * alln / n:6.2f}% "
            f"{held:8d} = {100 * held / n:6.2f}% {fp:9d}/{nc} = {100 * fp / nc:.2f}%"
        )
    for c in sorted(split & set(by_coll)):
        n, alln, held = by_coll[c]
        print(
            f"  {c + ' (parts)':30s} {n:5d} {'':9s} {alln:6d} = {100 * alln / n:6.2f}% "
            f"{held:8d} = {100 * held / n:6.2f}%"
        )
    n = tot[0]
    print(
        f"  {'all malicious':30s} {n:5d} {'':9s} {tot[1]:6d} = {100 * tot[1] / n:6.2f}% "
        f"{tot[2]:8d} = {100 * tot[2] / n:6.2f}%"
    )
    # a part held out from rules written from a sibling part may hold near-copies of the
    # sibling's files (a dataset's own split): then its rate says little about new malware
    for c in sorted(split & set(by_coll)):
        parts = [g for g in members if g.split("/")[0] == c]
        written = [g for g in parts if g in named]
        if not written:
            continue
        seen = [p for g in written for p in members[g]]
        for g in sorted(set(parts) - set(written)):
            near = nearest_copy(members[g], seen)
            print(
                f"  {g}: files by their nearest copy in {', '.join(written)} "
                "(Jaccard of 5-token shingles), flagged held-out:"
            )
            for lo, hi in ((0.8, 1.01), (0.5, 0.8), (0.0, 0.5)):
                sel = [p for p in members[g] if lo <= near[p] < hi]
                if sel:
                    held = sum(1 for p in sel if held_of(g, p) is mal)
                    alln = sum(1 for p in sel if reports[p].verdict is mal)
                    what = f"{lo:.1f}-{min(hi, 1.0):.1f}"
                    print(
                        f"    similarity {what}: {len(sel):5d} files, held-out {held:5d} = "
                        f"{100 * held / len(sel):6.2f}%  (all rules {100 * alln / len(sel):6.2f}%)"
                    )
    # a held-out rate says how the rules generalize only when most rules stay on
    for g in sorted(members):
        off = len(off_of[g])
        if off * 2 > len(rules):
            print(
                f"  NOTE {g}: {off} of {len(rules)} rules were written from it, so its "
                f"held-out rate is not a measure of detection (only {len(rules) - off} "
                "rules left on, few of them meant for its kind of files)"
            )


# ---------------------------------------------------------------- php-malware-finder rules
_PMF: dict[str, object] = {}


def _pmf_init(rules_text: str) -> None:
    import yara_x

    _PMF["scanner"] = yara_x.Scanner(yara_x.compile(rules_text))
    _PMF["scanner"].set_timeout(60)  # type: ignore[attr-defined]


def _pmf_scan(path: str) -> tuple[str, bool, float, str]:
    scanner = _PMF["scanner"]
    t0 = time.perf_counter()
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        res = scanner.scan(data)  # type: ignore[attr-defined]
        hit = bool(res.matching_rules)
        err = ""
    except Exception as exc:  # timeouts count as not flagged, and are reported
        hit, err = False, type(exc).__name__
    return path, hit, time.perf_counter() - t0, err


def run_pmf_cli(yara: str, rules_file: Path, files: list[str], jobs: int) -> dict[str, object]:
    """The peer as the corpus README ran it: ``yara -w -p JOBS`` over the same file list."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write("".join(f"{p}\n" for p in files))
        listing.flush()
        argv = [yara, "-w", "-p", str(jobs), "--scan-list", str(rules_file), listing.name]
        cpu0 = children_cpu()
        t0 = time.perf_counter()
        res = subprocess.run(argv, capture_output=True, text=True, errors="surrogateescape")
        wall = time.perf_counter() - t0
        cpu = children_cpu() - cpu0
    flagged = {line.split(" ", 1)[1] for line in res.stdout.splitlines() if " " in line}
    errors = len([x for x in res.stderr.splitlines() if x.strip()])
    results = {p: (p in flagged, 0.0, "") for p in files}
    return {
        "results": results,
        "wall": wall,
        "cpu": cpu,
        "errors": errors,
        "engine": f"{yara} -p {jobs}",
    }


def run_pmf(rules_file: Path, files: list[str], jobs: int) -> dict[str, object]:
    text = rules_file.read_text(encoding="utf-8", errors="replace")
    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_pmf_init, initargs=(text,)) as pool:
        results = pool.map(_pmf_scan, files, chunksize=8)
    wall = time.perf_counter() - t0
    return {
        "results": {p: (hit, dt, err) for p, hit, dt, err in results},
        "wall": wall,
        "errors": sum(1 for r in results if r[3]),
        "engine": "yara-x: NOT the peer's engine, several times slower for these rules",
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--corpus",
        type=Path,
        default=os.environ.get("SPAMTRACE_CORPUS"),
        help="the labelled corpus (default: $SPAMTRACE_CORPUS)",
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--pmf-rules", type=Path, help="php-malware-finder data/php.yar to compare")
    ap.add_argument(
        "--show-misses", action="store_true", help="list missed and wrongly flagged files"
    )
    ap.add_argument(
        "--no-all-reasons", action="store_true", help="skip the second pass with every rule"
    )
    ap.add_argument(
        "--no-held-out",
        action="store_true",
        help="skip the passes that hold out each collection's own rules",
    )
    ap.add_argument(
        "--learned-words",
        action=argparse.BooleanOptionalAction,
        default=Limits().learned_words,
        help="the learned word model's second opinion ([scan] learned_words; default: as in "
        "the scanner's default)",
    )
    args = ap.parse_args()
    if args.corpus is None:
        ap.error("give the corpus folder: --corpus DIR or SPAMTRACE_CORPUS=DIR")
    corpus = Path(args.corpus).resolve()
    rows = load_manifest(corpus)
    label_of = {str(corpus / r["relpath"]): r for r in rows}
    files = sorted(label_of)
    # each with its identity, as `scan`'s walk gives a file (the reader checks it is that file)
    listed = [Listed(p, (st.st_dev, st.st_ino), st.st_size) for p in files for st in [os.stat(p)]]
    total_bytes = sum(f.size for f in listed)

    limits = Limits(  # stops at enough evidence
        max_file_size=16 * 1024 * 1024, file_timeout=2.0, learned_words=args.learned_words
    )
    cpu0, parent0 = children_cpu(), self_cpu()
    t0 = time.perf_counter()
    reports: dict[str, FileReport] = {}
    for rep in scan_paths(listed, limits, jobs=args.jobs):
        reports[rep.path] = rep
    wall = time.perf_counter() - t0
    parent_cpu = self_cpu() - parent0  # compiling the rules before the workers fork, results
    our_cpu = children_cpu() - cpu0 + parent_cpu  # the workers and the parent
    me_rss, kid_rss = peak_rss_mb()

    stats: dict[tuple[str, str], list[int]] = defaultdict(
        lambda: [0, 0, 0, 0]
    )  # n, mal, mal+sus, skipped
    for path, row in label_of.items():
        rep = reports[path]
        for key in ((row["label"], "all"), (row["label"], source_of(row["relpath"]))):
            s = stats[key]
            s[0] += 1
            s[1] += rep.verdict is ScanVerdict.MALICIOUS
            s[2] += rep.verdict in (ScanVerdict.MALICIOUS, ScanVerdict.SUSPICIOUS)
            s[3] += rep.verdict is ScanVerdict.SKIPPED

    print(f"corpus: {len(files)} files, {total_bytes / 1e6:.1f} MB, jobs={args.jobs}")
    print("flagged = verdict malicious  |  flagged* = malicious or suspicious")
    for label, what in (("malicious", "detection"), ("clean", "false positives")):
        n, mal, both, skipped = stats[(label, "all")]
        print(
            f"{what:16s} flagged {rate(mal, n):24s} flagged* {rate(both, n):24s} skipped {skipped}"
        )
    # per collection: rates, the CPU time its files took (MB/s per busy core), its slowest file
    secs: dict[str, float] = defaultdict(float)
    size: dict[str, int] = defaultdict(int)
    slow: dict[str, FileReport] = {}
    for path, row in label_of.items():
        src, rep = source_of(row["relpath"]), reports[path]
        secs[src] += rep.seconds
        size[src] += int(row["bytes"])
        if src not in slow or rep.seconds > slow[src].seconds:
            slow[src] = rep
    print("per collection (flagged = malicious; * = or suspicious; MB/s per busy core):")
    print(f"  {'collection':42s} {'files':>5s} {'flagged':>16s} {'flagged*':>9s} "
          f"{'MB/s':>6s} {'slowest':>8s}")  # fmt: skip
    for (_label, src), (n, mal, both, skipped) in sorted(stats.items()):
        if src == "all":
            continue
        mbps = size[src] / 1e6 / secs[src] if secs[src] else 0.0
        print(
            f"  {src:42s} {n:5d} {mal:6d} = {100 * mal / n:6.2f}% {100 * both / n:8.2f}% "
            f"{mbps:6.1f} {slow[src].seconds:7.3f}s" + (f"  skipped {skipped}" if skipped else "")
        )
    over = sum(1 for r in reports.values() if r.seconds > 1.0)
    print(f"files over 1 s: {over}")
    slowest = max(reports.values(), key=lambda r: r.seconds)
    print(
        f"throughput: {total_bytes / 1e6 / wall:.1f} MB/s (wall {wall:.2f}s, {args.jobs} workers)"
    )
    if our_cpu > 0:
        print(
            f"cpu: {our_cpu:.2f}s (workers {our_cpu - parent_cpu:.2f} and parent "
            f"{parent_cpu:.2f}, user + system) = "
            f"{total_bytes / 1e6 / our_cpu:.1f} MB/s per busy core; load average "
            f"{os.getloadavg()[0]:.1f} (other work on the machine slows wall time)"
        )
    print(f"peak RSS: parent {me_rss:.0f} MB, largest worker {kid_rss:.0f} MB")
    print(f"slowest file: {slowest.seconds:.3f}s ({os.path.relpath(slowest.path, corpus)})")
    stopped = sum(1 for r in reports.values() if any(n.startswith("stopped at") for n in r.notes))
    print(f"files stopped at enough evidence (score >= {limits.stop_at_score}): {stopped}")
    if not args.no_all_reasons:
        t0 = time.perf_counter()
        full = {
            r.path: r for r in scan_paths(listed, replace(limits, stop_at_score=0), jobs=args.jobs)
        }
        full_wall = time.perf_counter() - t0
        differ = sum(1 for p, r in full.items() if r.verdict is not reports[p].verdict)
        print(
            "scan --all-reasons (every rule on every file): "
            f"{total_bytes / 1e6 / full_wall:.1f} MB/s (wall {full_wall:.2f}s); "
            f"files whose verdict differs from the default: {differ}"
        )

    if not args.no_held_out:
        held_out_report(label_of, reports, limits, args.jobs)

    if args.pmf_rules:
        import shutil

        yara = shutil.which("yara")
        if yara:
            pmf = run_pmf_cli(yara, args.pmf_rules, files, args.jobs)
        else:
            pmf = run_pmf(args.pmf_rules, files, args.jobs)
        res = pmf["results"]  # type: ignore[assignment]
        det = sum(1 for p, r in label_of.items() if r["label"] == "malicious" and res[p][0])
        fp = sum(1 for p, r in label_of.items() if r["label"] == "clean" and res[p][0])
        by_src: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for p, r in label_of.items():
            by_src[source_of(r["relpath"])][0] += 1
            by_src[source_of(r["relpath"])][1] += bool(res[p][0])
        print("php-malware-finder per collection (any rule matched):")
        for src, (n, hit) in sorted(by_src.items()):
            print(f"  {src:42s} {n:5d} {hit:6d} = {100 * hit / n:6.2f}%")
        n_mal = stats[("malicious", "all")][0]
        n_clean = stats[("clean", "all")][0]
        pmf_wall = float(pmf["wall"])  # type: ignore[arg-type]
        pmf_slow = max(v[1] for v in res.values())
        slow = f"slowest {pmf_slow:.2f}s, " if pmf_slow else ""
        print(
            f"php-malware-finder YARA rules ({pmf['engine']}; measured in this run): detection "
            f"{rate(det, n_mal)}, FP {rate(fp, n_clean)}, {total_bytes / 1e6 / pmf_wall:.1f} MB/s, "
            f"{slow}errors {pmf['errors']}"
        )
        ours = total_bytes / wall
        print(
            f"ratio: spamtrace throughput = {ours / (total_bytes / pmf_wall):.2f}x "
            "php-malware-finder (wall time, both with the same number of workers)"
        )
        pmf_cpu = float(pmf.get("cpu", 0.0))  # type: ignore[arg-type]
        if pmf_cpu > 0 and our_cpu > 0:
            print(
                f"ratio, CPU for CPU: spamtrace {our_cpu:.2f}s, php-malware-finder {pmf_cpu:.2f}s "
                f"(user + system) = {pmf_cpu / our_cpu:.2f}x"
            )
    else:
        print(PMF_REFERENCE)
        print(f"ratio vs reference: {total_bytes / 1e6 / wall / 11.5:.2f}x the 11.5 MB/s baseline")

    if args.show_misses:
        for path, row in sorted(label_of.items()):
            rep = reports[path]
            bad = (row["label"] == "malicious" and rep.verdict is not ScanVerdict.MALICIOUS) or (
                row["label"] == "clean" and rep.verdict is not ScanVerdict.CLEAN
            )
            if bad:
                rules = ",".join(f.rule for f in rep.findings)
                what = f"{row['label']:9s} {rep.verdict.value:10s} {rep.score:3d}"
                print(f"  {what} {row['relpath']} {rules} {rep.reason or ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
