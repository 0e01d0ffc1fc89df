"""Check that a change to the scanner's speed changed no verdict, score or finding.

Usage: .venv/bin/python bench/scan_same.py --corpus DIR --save FILE [--tree SRC_CHECKOUT]
       .venv/bin/python bench/scan_same.py --corpus DIR --compare FILE [--tree SRC_CHECKOUT]
       .venv/bin/python bench/scan_same.py --corpus DIR --python

Every file of the corpus (``manifest.tsv``; ``--corpus`` or ``SPAMTRACE_CORPUS``) is read as
bytes and analysed, never executed, twice: as ``spamtrace scan`` does by default (it stops at
enough evidence) and with every rule (``--all-reasons``). Per file it records the verdict, the
score and each finding (rule, line, layer, excerpt).

Both run with one hash seed (``PYTHONHASHSEED``, 0 unless set): set iteration order must not
make a finding differ between two runs of the same code.

``--save`` writes that record (JSON lines); ``--compare`` scans again and lists every file
whose record differs from the saved one, exit 1 if any does. ``--tree`` imports spamtrace
from another checkout's ``src`` (the code before a change, with its compiled parts built in
place), so the old and the new code are measured by the same script. ``--python`` compares,
in this checkout, the compiled parts against their Python references in one run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _records(files: list[str], corpus: Path) -> Iterator[dict[str, Any]]:
    from spamtrace.scanner.analyze import analyze, prepare
    from spamtrace.scanner.report import ENOUGH_SCORE
    from spamtrace.scanner.rules import load_rules, load_yara

    rules = load_rules()
    yara = load_yara()
    prepare(rules)
    for path in files:
        with open(path, "rb") as fh:
            data = fh.read()
        name = os.path.basename(path)
        rec: dict[str, Any] = {"file": os.path.relpath(path, corpus)}
        for mode, stop_at in (("default", ENOUGH_SCORE), ("all", 0)):
            res = analyze(data, name, rules, yara=yara, stop_at=stop_at)
            rec[mode] = [
                res.verdict.value,
                res.score,
                [[f.rule, f.line, f.layer, f.excerpt] for f in res.findings],
            ]
        yield rec


def _python_only() -> None:
    """Make this process use the Python references of the compiled parts."""
    from spamtrace.scanner import context, lexer, rules, taint

    rules.GateWords.present = rules.GateWords.present_yara  # type: ignore[method-assign]
    rules.GateWords.first = rules.GateWords.first_py  # type: ignore[method-assign]
    lexer._tail = lexer._tail_py  # type: ignore[attr-defined]
    lexer._names = lexer._names_py  # type: ignore[attr-defined]
    taint._assignment_before = None
    taint._stmt_start = None
    taint._mentions = taint._mentions_py
    for name in dir(context):
        if name.endswith("_py") and hasattr(context, name[: -len("_py")]):
            setattr(context, name[: -len("_py")], getattr(context, name))
    # the compiled search each module imported (lexer.find): Python's bytes.find instead
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("spamtrace.scanner") and (
            getattr(module, "find", None) is lexer.find
        ):
            module.find = lexer.find_py  # type: ignore[attr-defined]
    lexer.find = lexer.find_py  # type: ignore[attr-defined]


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") is None:
        # one hash seed for every run: a rule that walks a set of bytes picks its first hit
        # in the set's order, which moves with the seed (mailer.brand-results-sent's excerpt
        # did), and a --compare then lists files whose code did not change
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=os.environ.get("SPAMTRACE_CORPUS"))
    ap.add_argument("--tree", type=Path, help="import spamtrace from this checkout's src")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, help="write the per-file record here")
    what.add_argument("--compare", type=Path, help="compare with a record saved before")
    what.add_argument(
        "--python",
        action="store_true",
        help="compare the compiled parts with their Python references",
    )
    args = ap.parse_args()
    if args.corpus is None:
        ap.error("give the corpus folder: --corpus DIR or SPAMTRACE_CORPUS=DIR")
    tree = args.tree or Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(tree.resolve() / "src"))
    corpus = Path(args.corpus).resolve()
    import spamtrace

    print(f"code: {Path(spamtrace.__file__).parent}")
    with open(corpus / "manifest.tsv", newline="", encoding="utf-8") as fh:
        files = sorted(str(corpus / r["relpath"]) for r in csv.DictReader(fh, delimiter="\t"))
    if args.save:
        with open(args.save, "w", encoding="utf-8") as out:
            for rec in _records(files, corpus):
                out.write(json.dumps(rec, sort_keys=True) + "\n")
        print(f"saved the verdicts, scores and findings of {len(files)} files to {args.save}")
        return 0
    if args.compare:
        with open(args.compare, encoding="utf-8") as fh:
            before = {r["file"]: r for r in map(json.loads, fh)}
        now = list(_records(files, corpus))
    else:
        compiled = list(_records(files, corpus))
        before = {r["file"]: r for r in compiled}
        _python_only()
        now = list(_records(files, corpus))
    differ = [r["file"] for r in now if before.get(r["file"]) != r]
    now_of = {r["file"]: r for r in now}
    for f in differ[:50]:
        print(f"differs: {f}\n  before {before.get(f)}\n  now    {now_of[f]}")
    print(
        f"{len(now)} files, 2 modes (default, --all-reasons): {len(differ)} with a different "
        "verdict, score or finding"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
