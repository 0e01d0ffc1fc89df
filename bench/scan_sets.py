"""Held-out sets: how `spamtrace scan` does on malware and clean code its rules were not
written from, one row per half of each set, with php-malware-finder in the same run.

Usage: .venv/bin/python bench/scan_sets.py SETS_DIR [--pmf-rules php.yar] [--jobs 1]
       [--json] [--show-misses]

A set is a folder ``SET/`` with two halves, ``SET/dev/`` and ``SET/test/``, each laid out as
``scan_bench.py``'s corpus (``manifest.tsv`` with ``relpath`` and ``label``, files under
``malicious/`` and ``clean/``), split by whole source repository. Rule writers may read the
dev half ("read"); the test half is "unread" (the figure that says how the rules do on code
nobody tuned them on) until a file ``SET/RETIRED`` says it was read later ("retired": still
reported, no longer counted as held out). Totals are given per kind of half: the unread
totals are the held-out figures.

A file counts as flagged when its verdict is malicious (the verdict that exit codes and
alerts use); ``*`` columns count malicious or suspicious. The peer counts a file when any of
its rules matches (``yara -w`` with ``--jobs`` threads, Debian's ``yara``).

``--show-misses`` lists the missed malware and flagged clean files of read and retired halves
only: the files of an unread half are never named, so that nobody writes a rule from them
by accident.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from scan_bench import load_manifest, run_pmf, run_pmf_cli
from spamtrace.scanner.engine import Limits, scan_paths
from spamtrace.scanner.report import ScanVerdict
from spamtrace.scanner.walk import Listed

HALVES = ("dev", "test")


@dataclass
class HalfResult:
    """What one half gave: counts per label, ours and the peer's."""

    set: str
    half: str
    status: str  # read | unread | retired
    malware: int = 0
    malware_flagged: int = 0
    malware_flagged_or_suspicious: int = 0
    clean: int = 0
    clean_flagged: int = 0
    clean_flagged_or_suspicious: int = 0
    pmf_malware_flagged: int | None = None
    pmf_clean_flagged: int | None = None
    misses: list[str] = field(default_factory=list)  # read and retired halves only


def status_of(set_dir: Path, half: str) -> str:
    if half == "dev":
        return "read"
    return "retired" if (set_dir / "RETIRED").exists() else "unread"


def find_halves(root: Path) -> list[tuple[Path, str]]:
    """Every ``SET/HALF`` under ``root`` that has a manifest, sets in natural order."""

    def natural(p: Path) -> tuple[str, int]:
        stem = p.name.rstrip("0123456789")
        digits = p.name[len(stem) :]
        return stem, int(digits) if digits else -1

    out = []
    for set_dir in sorted((p for p in root.iterdir() if p.is_dir()), key=natural):
        for half in HALVES:
            if (set_dir / half / "manifest.tsv").is_file():
                out.append((set_dir, half))
    return out


def pct(n: int, d: int) -> str:
    return f"{n}/{d} = {100.0 * n / d:.1f} %" if d else "-"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", type=Path, help="folder holding the sets (SET/dev, SET/test)")
    ap.add_argument("--pmf-rules", type=Path, help="php-malware-finder data/php.yar to compare")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="one JSON document on stdout")
    ap.add_argument(
        "--show-misses",
        action="store_true",
        help="name the missed and wrongly flagged files of read and retired halves",
    )
    args = ap.parse_args()
    root: Path = args.sets
    if not root.is_dir():
        ap.error(f"{root}: not a folder")
    halves = find_halves(root)
    if not halves:
        ap.error(f"{root}: no SET/dev or SET/test folder with a manifest.tsv")

    label_of: dict[str, tuple[int, str]] = {}  # path -> (index of its half, label)
    results: list[HalfResult] = []
    for i, (set_dir, half) in enumerate(halves):
        results.append(HalfResult(set_dir.name, half, status_of(set_dir, half)))
        base = set_dir / half
        for row in load_manifest(base):
            label_of[str(base / row["relpath"])] = (i, row["label"])
    files = sorted(label_of)
    listed = [Listed(p, (st.st_dev, st.st_ino), st.st_size) for p in files for st in [os.stat(p)]]
    limits = Limits(max_file_size=16 * 1024 * 1024, file_timeout=2.0)
    for rep in scan_paths(listed, limits, jobs=args.jobs):
        i, label = label_of[rep.path]
        res = results[i]
        mal = rep.verdict is ScanVerdict.MALICIOUS
        either = mal or rep.verdict is ScanVerdict.SUSPICIOUS
        if label == "malicious":
            res.malware += 1
            res.malware_flagged += mal
            res.malware_flagged_or_suspicious += either
            missed = not mal
        else:
            res.clean += 1
            res.clean_flagged += mal
            res.clean_flagged_or_suspicious += either
            missed = rep.verdict is not ScanVerdict.CLEAN
        if missed and res.status != "unread":
            rules = ",".join(f.rule for f in rep.findings)
            rel = os.path.relpath(rep.path, root)
            res.misses.append(f"{label} {rep.verdict.value} {rep.score} {rel} {rules}")

    if args.pmf_rules:
        yara = shutil.which("yara")
        pmf = (
            run_pmf_cli(yara, args.pmf_rules, files, args.jobs)
            if yara
            else run_pmf(args.pmf_rules, files, args.jobs)
        )
        hits: dict[str, tuple[bool, float, str]] = pmf["results"]  # type: ignore[assignment]
        for res in results:
            res.pmf_malware_flagged = res.pmf_clean_flagged = 0
        for path, (i, label) in label_of.items():
            if hits[path][0]:
                res = results[i]
                if label == "malicious":
                    res.pmf_malware_flagged = (res.pmf_malware_flagged or 0) + 1
                else:
                    res.pmf_clean_flagged = (res.pmf_clean_flagged or 0) + 1

    totals = {}
    for status in ("unread", "retired", "read"):
        rows = [r for r in results if r.status == status]
        totals[status] = {
            k: sum(getattr(r, k) or 0 for r in rows)
            for k in (
                "malware", "malware_flagged", "malware_flagged_or_suspicious", "clean",
                "clean_flagged", "clean_flagged_or_suspicious", "pmf_malware_flagged",
                "pmf_clean_flagged",
            )
        }  # fmt: skip
    if args.json:
        doc = {"halves": [asdict(r) for r in results], "totals": totals}
        json.dump(doc, sys.stdout, indent=2)
        print()
        return 0

    peer = bool(args.pmf_rules)
    print("flagged = verdict malicious, * = malicious or suspicious; peer = php-malware-finder")
    head = f"{'set':14s} {'half':4s} {'status':7s} {'malware':>18s} {'*':>4s}"
    head += f" {'peer':>5s}" if peer else ""
    head += f" {'clean':>18s} {'*':>4s}" + (f" {'peer':>5s}" if peer else "")
    print(head)
    for r in results:
        line = f"{r.set:14s} {r.half:4s} {r.status:7s} {pct(r.malware_flagged, r.malware):>18s}"
        line += f" {r.malware_flagged_or_suspicious if r.malware else '-':>4}"
        line += f" {r.pmf_malware_flagged if r.malware else '-':>5}" if peer else ""
        line += f" {pct(r.clean_flagged, r.clean):>18s}"
        line += f" {r.clean_flagged_or_suspicious if r.clean else '-':>4}"
        line += f" {r.pmf_clean_flagged if r.clean else '-':>5}" if peer else ""
        print(line)
    for status, t in totals.items():
        if not (t["malware"] or t["clean"]):
            continue
        line = f"total, {status} halves: malware {pct(t['malware_flagged'], t['malware'])}"
        if peer:
            line += f" (peer {pct(t['pmf_malware_flagged'], t['malware'])})"
        line += f"; clean {pct(t['clean_flagged'], t['clean'])}"
        if peer:
            line += f" (peer {pct(t['pmf_clean_flagged'], t['clean'])})"
        print(line)
    unread = [r for r in results if r.status == "unread" and r.malware]
    if unread:
        low = min(unread, key=lambda r: r.malware_flagged / r.malware)
        print(f"lowest unread malware half: {low.set} {pct(low.malware_flagged, low.malware)}")
    if args.show_misses:
        for r in results:
            for miss in r.misses:
                print(f"  {miss}")
        hidden = sum(1 for r in results if r.status == "unread")
        if hidden:
            print(f"  (the files of {hidden} unread half(s) are not named)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
