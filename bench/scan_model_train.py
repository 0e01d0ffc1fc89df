"""Train and evaluate ``scan``'s learned second opinion: a linear model over a file's words.

Usage:
  .venv/bin/python bench/scan_model_train.py train --malicious NAME=DIR ... --clean NAME=DIR ...
      [--clean-php NAME=DIR ...] [--out weights.json] [--max-fp 0.1] [--C 1]
  .venv/bin/python bench/scan_model_train.py measure --weights FILE --malicious NAME=DIR ...
      --clean NAME=DIR ... [--jobs 2]

Every file under each DIR (recursively, any extension) is one sample; NAME=DIR is one
collection. Nothing is executed: files are read as bytes and cut into the distinct words of
``spamtrace.scanner.learned.words_of`` (identifiers, function names, superglobal keys and
the words inside string literals, 3-40 bytes, lower-cased), as the scanner sees them.

``train``: leave one collection out. For each collection C a model is fitted on every other
collection and scores C's files, so every file gets a score from a model that never saw its
collection. The threshold is the lowest score at which at most ``--max-fp`` % of all those
out-of-collection clean scores, and at most ``--max-fp-each`` % (or 1 file) of each clean
collection's, are reached; per-collection detection and clean false positives at that
threshold are printed. Then one model is fitted on all collections and written with that
threshold (``--out``). The fit: L2-regularised logistic regression (``--penalty l1``: sparse)
on binary word presence, words with |weight| < ``--min-weight`` dropped; words in fewer than
3 files or in only one collection are not features (a word of one family only is what rules
already memorise); each class weighs
the same, and within the malicious class each collection weighs ``sqrt(size)``, so one large
collection does not drown the small ones.

``measure``: totals only (for held-out sets): files flagged by the model alone, by the
built-in rules alone (verdict malicious or suspicious), by either; clean files flagged.
scikit-learn is needed by ``train`` only (``pip install scikit-learn``). The scanner uses the
file written (data/scanner/learned_words.json) only when ``[scan] learned_words = true``:
docs/scan-history.md says what it measured and why it is off by default.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import sys
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spamtrace.scanner.learned import SCHEMA, WordModel, parse, words_of

MAX_READ = 4 * 1024 * 1024


def files_under(root: str) -> list[str]:
    out = []
    for dirpath, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(dirpath, n)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append(p)
    return out


def read_words(path: str) -> frozenset[bytes]:
    with open(path, "rb") as fh:
        return words_of(fh.read(MAX_READ))


def named(specs: list[str]) -> list[tuple[str, str]]:
    out = []
    for s in specs:
        name, sep, path = s.partition("=")
        if not sep or not name or not path:
            sys.exit(f"scan_model_train: expected NAME=DIR, got {s!r}")
        if not os.path.isdir(path):
            sys.exit(f"scan_model_train: {path!r} is not a directory")
        out.append((name, path))
    return out


Sample = tuple[str, int, frozenset[bytes]]  # collection, label (1 malicious), words


PHP_EXT = (".php", ".inc", ".phtml", ".module", ".php5", ".php7")


def php_files_under(root: str) -> list[str]:
    """Files with a PHP extension holding a PHP open tag (as bench/scan_fp_bench.py picks)."""
    from spamtrace.scanner.lexer import has_php

    out = []
    for p in files_under(root):
        if p.lower().endswith(PHP_EXT):
            with open(p, "rb") as fh:
                if has_php(fh.read()) >= 0:
                    out.append(p)
    return out


def load_samples(
    mal: list[tuple[str, str]],
    clean: list[tuple[str, str]],
    clean_php: list[tuple[str, str]],
    jobs: int,
) -> list[Sample]:
    todo = [(name, 1, p) for name, d in mal for p in files_under(d)]
    todo += [(name, 0, p) for name, d in clean for p in files_under(d)]
    todo += [(name, 0, p) for name, d in clean_php for p in php_files_under(d)]
    with multiprocessing.get_context("fork").Pool(max(1, jobs)) as pool:
        words = pool.map(read_words, [p for _, _, p in todo], chunksize=64)
    return [(c, y, w) for (c, y, _), w in zip(todo, words, strict=True)]


def fit(
    samples: list[Sample], c_reg: float, penalty: str, min_weight: float
) -> tuple[dict[bytes, float], float]:
    """Word weights (non-zero only) and bias of a model fitted on ``samples``."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    df: Counter[bytes] = Counter()
    colls: dict[bytes, set[str]] = defaultdict(set)
    for coll, _, ws in samples:
        df.update(ws)
        for w in ws:
            if len(colls[w]) < 2:
                colls[w].add(coll)
    vocab = sorted(w for w, n in df.items() if n >= 3 and len(colls[w]) >= 2)
    index = {w: i for i, w in enumerate(vocab)}
    rows, cols = [], []
    for r, (_, _, ws) in enumerate(samples):
        for w in ws:
            i = index.get(w)
            if i is not None:
                rows.append(r)
                cols.append(i)
    x = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(samples), len(vocab)))
    y = np.array([s[1] for s in samples])
    size = Counter(s[0] for s in samples)
    n_mal = sum(1 for s in samples if s[1])
    n_clean = len(samples) - n_mal
    mal_colls = {s[0] for s in samples if s[1]}
    total_sqrt = sum(math.sqrt(size[c]) for c in mal_colls)
    sw = np.array(
        [
            (math.sqrt(size[c]) / total_sqrt / size[c] * n_mal) if lab else (n_mal / n_clean)
            for c, lab, _ in samples
        ]
    )
    with warnings.catch_warnings():  # the penalty= spelling changed across versions
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=penalty, solver="liblinear", C=c_reg, max_iter=2000)
        model.fit(x, y, sample_weight=sw)
    coef = model.coef_[0]
    weights = {vocab[i]: round(float(coef[i]), 4) for i in np.flatnonzero(coef)}
    return {w: v for w, v in weights.items() if abs(v) >= min_weight}, float(model.intercept_[0])


def threshold_for(clean_scores: list[float], max_fp_pct: float, least: int = 0) -> float:
    """The lowest threshold (a score reached flags) leaving at most max_fp_pct % flagged
    (at least ``least`` files allowed)."""
    allowed = max(least, int(len(clean_scores) * max_fp_pct / 100.0))
    top = sorted(clean_scores, reverse=True)
    # flag iff score >= t; t just above the (allowed+1)-th highest clean score
    return top[allowed] + 1e-6 if allowed < len(top) else -math.inf


def cmd_train(a: argparse.Namespace) -> int:
    mal, clean, clean_php = named(a.malicious), named(a.clean), named(a.clean_php)
    t0 = time.monotonic()
    samples = load_samples(mal, clean, clean_php, a.jobs)
    print(
        f"{len(samples)} files read in {time.monotonic() - t0:.1f} s "
        f"({sum(s[1] for s in samples)} malicious, {sum(1 - s[1] for s in samples)} clean)"
    )
    names = [n for n, _ in mal] + [n for n, _ in clean + clean_php]
    oof: dict[str, list[tuple[int, float]]] = {}
    for name in names:
        train = [s for s in samples if s[0] != name]
        test = [s for s in samples if s[0] == name]
        weights, bias = fit(train, a.C, a.penalty, a.min_weight)
        fold = WordModel(weights, bias, math.inf, "")  # scored as the scanner scores
        oof[name] = [(s[1], fold.score(s[2])) for s in test]
        print(f"  fold without {name}: {len(weights)} words", flush=True)
    if a.dump_scores:
        Path(a.dump_scores).write_text(json.dumps(oof), encoding="utf-8")
    clean_scores = [v for n in names for lab, v in oof[n] if lab == 0]
    thr = threshold_for(clean_scores, a.max_fp)
    for name in names:
        scores = [v for lab, v in oof[name] if lab == 0]
        if scores:
            thr = max(thr, threshold_for(scores, a.max_fp_each, 1))
    print(
        f"\nleave-one-collection-out, threshold {thr:.3f} (clean FP <= {a.max_fp} % of all "
        f"clean files and <= {a.max_fp_each} % (or 1 file) of each clean collection):"
    )
    tot_m = tot_mf = tot_c = tot_cf = 0
    for name in names:
        labs = oof[name]
        flagged = sum(1 for _, v in labs if v >= thr)
        kind = "malicious" if labs and labs[0][0] == 1 else "clean"
        pct = 100.0 * flagged / max(1, len(labs))
        print(f"  {kind:9} {name:32} {flagged}/{len(labs)} = {pct:.1f} %")
        if kind == "malicious":
            tot_m += len(labs)
            tot_mf += flagged
        else:
            tot_c += len(labs)
            tot_cf += flagged
    print(
        f"  total malicious {tot_mf}/{tot_m} = {100.0 * tot_mf / max(1, tot_m):.1f} %, "
        f"clean {tot_cf}/{tot_c} = {100.0 * tot_cf / max(1, tot_c):.2f} %"
    )
    weights, bias = fit(samples, a.C, a.penalty, a.min_weight)
    print(f"\nfinal model: {len(weights)} words, bias {bias:.3f}")
    for w, v in sorted(weights.items(), key=lambda p: -abs(p[1]))[:25]:
        print(f"  {v:+.3f} {w.decode()}")
    if a.out:
        doc = {
            "schema": SCHEMA,
            "trained_on": ", ".join(names)
            + f"; {a.penalty} logistic regression C={a.C}; threshold: "
            f"leave-one-collection-out clean FP <= {a.max_fp} % in all, <= {a.max_fp_each} % "
            "(or 1 file) in each collection",
            "bias": round(bias, 4),
            "threshold": round(thr, 4),
            "weights": {w.decode(): v for w, v in sorted(weights.items())},
        }
        parse(doc)  # what the scanner accepts
        Path(a.out).write_text(json.dumps(doc, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {a.out}")
    return 0


_M: dict[str, object] = {}


def _rules_and_model(path: str) -> tuple[bool, bool]:
    from spamtrace.scanner.engine import Limits, scan_file
    from spamtrace.scanner.report import ScanVerdict
    from spamtrace.scanner.rules import load_rules, load_yara

    model: WordModel = _M["model"]  # type: ignore[assignment]
    rep = scan_file(path, Limits(), load_rules(), load_yara())
    by_rules = rep.verdict in (ScanVerdict.MALICIOUS, ScanVerdict.SUSPICIOUS)
    return by_rules, model.score(read_words(path)) >= model.threshold


def cmd_measure(a: argparse.Namespace) -> int:
    from spamtrace.scanner.analyze import prepare
    from spamtrace.scanner.rules import load_rules, load_yara

    _M["model"] = parse(json.loads(Path(a.weights).read_text(encoding="utf-8")))
    prepare(load_rules())
    load_yara()
    for kind, specs in (("malicious", a.malicious), ("clean", a.clean)):
        for name, d in named(specs):
            files = files_under(d)
            with multiprocessing.get_context("fork").Pool(max(1, a.jobs)) as pool:
                got = pool.map(_rules_and_model, files, chunksize=8)
            rules = sum(1 for r, _ in got if r)
            model = sum(1 for _, m in got if m)
            either = sum(1 for r, m in got if r or m)
            only_model = sum(1 for r, m in got if m and not r)
            print(
                f"{kind} {name}: files {len(files)}, rules {rules}, model {model}, "
                f"either {either} (model only {only_model})"
            )
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="leave-one-collection-out evaluation, then fit and write")
    m = sub.add_parser("measure", help="totals of rules, model and either on sets")
    for q in (t, m):
        q.add_argument("--malicious", action="append", default=[], metavar="NAME=DIR")
        q.add_argument("--clean", action="append", default=[], metavar="NAME=DIR")
        q.add_argument("--jobs", type=int, default=2)
    t.add_argument(
        "--clean-php",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="clean collection: only its PHP files (e.g. unpacked Debian packages)",
    )
    t.add_argument("--dump-scores", metavar="FILE", help="write the out-of-collection scores")
    t.add_argument("--out", help="weights file to write (JSON)")
    t.add_argument("--max-fp", type=float, default=0.1, help="clean FP %% allowed (default 0.1)")
    t.add_argument(
        "--max-fp-each",
        type=float,
        default=0.2,
        help="clean FP %% allowed in each clean collection, at least 1 file (0.2)",
    )
    t.add_argument(
        "--min-weight",
        type=float,
        default=0.02,
        help="words with a smaller |weight| are dropped (default 0.02)",
    )
    t.add_argument(
        "--C", type=float, default=1.0, help="inverse regularisation strength (default 1)"
    )
    t.add_argument("--penalty", choices=("l1", "l2"), default="l2")
    m.add_argument("--weights", required=True)
    a = p.parse_args()
    return cmd_train(a) if a.cmd == "train" else cmd_measure(a)


if __name__ == "__main__":
    sys.exit(main())
