"""Train and evaluate ``scan``'s learned second opinion: a linear model over a file's words.

Usage:
  .venv/bin/python bench/scan_model_train.py train --malicious NAME=DIR ... --clean NAME=DIR ...
      [--clean-php NAME=DIR ...] [--out weights.json] [--max-fp 0.1] [--C 1] [--cache FILE]
  .venv/bin/python bench/scan_model_train.py measure --weights FILE --malicious NAME=DIR ...
      --clean NAME=DIR ... [--jobs 2]

Every file under each DIR (recursively, any extension) is one sample; NAME=DIR is one
collection. Nothing is executed: files are read as bytes and cut into the distinct tokens of
``spamtrace.scanner.learned.words_of`` (words 3-40 bytes, lower-cased, plus ``$word`` for a
variable and ``word(`` for a call), as the scanner sees them, and scanned with the built-in
rules (the model off) for their rule score.

``train``: leave one collection out. For each collection C a model is fitted on every other
collection and scores C's files, so every file gets a score from a model that never saw its
collection. Two thresholds come from those scores: the suspicious one, the lowest with at
most ``--max-fp`` % of all clean files and ``--max-fp-each`` % (or 1 file) of each clean
collection over it; the malicious one, the lowest at which the clean files that the model's
finding makes malicious (alone, or suspicious with a rule score of 5-9) stay within the same
percentages with no file allowed beyond them. Per collection, the model's findings, the rules
alone and the rules with the model are printed. Then one model is fitted on all collections
and written with those thresholds (``--out``). The fit: L2-regularised logistic regression
(``--penalty l1``: sparse) on binary token presence, tokens with |weight| < ``--min-weight``
dropped; tokens in fewer than 3 files or in only one collection are not features (a word of
one family only is what rules already memorise); each class weighs the same, and within a
class each collection weighs ``sqrt(size)``, so one large collection does not drown the
small ones.

``measure``: totals only (for held-out sets): the model's findings, the rules' verdicts and
the verdicts of both. scikit-learn is needed by ``train`` only (``pip install scikit-learn``).
The scanner uses the file written (data/scanner/learned_words.json) only when ``[scan]
learned_words = true``: docs/scan-history.md says what it measured and why it is off by
default."""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import pickle
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spamtrace.scanner.learned import SCHEMA, WordModel, parse, words_of
from spamtrace.scanner.lexer import has_php
from spamtrace.scanner.report import MALICIOUS_SCORE, SUSPICIOUS_SCORE

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


@dataclass(frozen=True, slots=True)
class Sample:
    coll: str
    label: int  # 1 malicious
    words: frozenset[bytes]
    rules: int  # the built-in rules' score (the scan stops at the malicious score)


PHP_EXT = (".php", ".inc", ".phtml", ".module", ".php5", ".php7")


def php_files_under(root: str) -> list[str]:
    """Files with a PHP extension holding a PHP open tag (as bench/scan_fp_bench.py picks)."""
    out = []
    for p in files_under(root):
        if p.lower().endswith(PHP_EXT):
            with open(p, "rb") as fh:
                if has_php(fh.read()) >= 0:
                    out.append(p)
    return out


def _words_and_rules(path: str) -> tuple[frozenset[bytes], int]:
    """A file's tokens and its score by the built-in rules (learned model off)."""
    from spamtrace.scanner.engine import Limits, scan_file
    from spamtrace.scanner.rules import load_rules, load_yara

    rep = scan_file(path, Limits(learned_words=False), load_rules(), load_yara())
    return read_words(path), rep.score


def _scanned(paths: list[str], jobs: int) -> list[tuple[frozenset[bytes], int]]:
    from spamtrace.scanner.analyze import prepare
    from spamtrace.scanner.rules import load_rules, load_yara

    prepare(load_rules())  # before the workers fork: they inherit the compiled rules
    load_yara()
    with multiprocessing.get_context("fork").Pool(max(1, jobs)) as pool:
        return pool.map(_words_and_rules, paths, chunksize=32)


def load_samples(
    mal: list[tuple[str, str]],
    clean: list[tuple[str, str]],
    clean_php: list[tuple[str, str]],
    jobs: int,
    cache: str | None,
) -> list[Sample]:
    """Every file's tokens and rule score; ``cache``: a pickle of them kept between runs
    (keyed by the files found)."""
    todo = [(name, 1, p) for name, d in mal for p in files_under(d)]
    todo += [(name, 0, p) for name, d in clean for p in files_under(d)]
    todo += [(name, 0, p) for name, d in clean_php for p in php_files_under(d)]
    key = repr(todo)
    if cache and os.path.exists(cache):
        with open(cache, "rb") as fh:
            got = pickle.load(fh)
        if got[0] == key:
            return list(got[1])
    got = _scanned([p for _, _, p in todo], jobs)
    samples = [Sample(c, y, w, r) for (c, y, _), (w, r) in zip(todo, got, strict=True)]
    if cache:
        with open(cache, "wb") as fh:
            pickle.dump((key, samples), fh)
    return samples


class Matrix:
    """Every sample's tokens as one sparse 0/1 matrix (tokens in 3 files or more), built once:
    a fold takes its rows and columns from it."""

    def __init__(self, samples: list[Sample]) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix

        df: Counter[bytes] = Counter()
        for s in samples:
            df.update(s.words)
        self.vocab = sorted(w for w, n in df.items() if n >= 3)
        index = {w: i for i, w in enumerate(self.vocab)}
        rows, cols = [], []
        for r, s in enumerate(samples):
            for w in s.words:
                i = index.get(w)
                if i is not None:
                    rows.append(r)
                    cols.append(i)
        shape = (len(samples), len(self.vocab))
        self.x = csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=shape)
        self.colls = sorted({s.coll for s in samples})
        self.coll_of = np.array([self.colls.index(s.coll) for s in samples])
        # which collections hold each token
        self.present = np.vstack(
            [
                np.asarray(self.x[self.coll_of == c].sum(axis=0)).ravel() > 0
                for c in range(len(self.colls))
            ]
        )


def fit(
    samples: list[Sample],
    c_reg: float,
    penalty: str,
    min_weight: float,
    matrix: Matrix,
    left_out: str | None = None,
) -> tuple[dict[bytes, float], float]:
    """Token weights (non-zero only) and bias of a model fitted on every sample but those of
    collection ``left_out``. A token is a feature when 3 training files and 2 training
    collections hold it."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    out = matrix.colls.index(left_out) if left_out is not None else -1
    keep = matrix.coll_of != out
    x = matrix.x[keep]
    df = np.asarray(x.sum(axis=0)).ravel()
    ncoll = matrix.present[[c for c in range(len(matrix.colls)) if c != out]].sum(axis=0)
    cols = np.flatnonzero((df >= 3) & (ncoll >= 2))
    x = x[:, cols]
    train = [s for s in samples if s.coll != left_out]
    y = np.array([s.label for s in train])
    size = Counter(s.coll for s in train)
    n_mal = sum(s.label for s in train)
    mal_colls = {s.coll for s in train if s.label}
    clean_colls = {s.coll for s in train if not s.label}
    total_sqrt = sum(math.sqrt(size[c]) for c in mal_colls)
    clean_sqrt = sum(math.sqrt(size[c]) for c in clean_colls)
    # each class weighs the same; within it each collection sqrt(size), so that a small
    # collection (the hand-written look-alikes, the small scripts) is not drowned by Debian
    sw = np.array(
        [
            math.sqrt(size[s.coll]) / (total_sqrt if s.label else clean_sqrt) / size[s.coll] * n_mal
            for s in train
        ]
    )
    with warnings.catch_warnings():  # the penalty= spelling changed across versions
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=penalty, solver="liblinear", C=c_reg, max_iter=2000)
        model.fit(x, y, sample_weight=sw)
    coef = model.coef_[0]
    weights = {matrix.vocab[cols[i]]: round(float(coef[i]), 4) for i in np.flatnonzero(coef)}
    return {w: v for w, v in weights.items() if abs(v) >= min_weight}, float(model.intercept_[0])


def threshold_for(clean_scores: list[float], max_fp_pct: float, least: int = 0) -> float:
    """The lowest threshold (a score reached flags) leaving at most max_fp_pct % flagged
    (at least ``least`` files allowed)."""
    allowed = max(least, int(len(clean_scores) * max_fp_pct / 100.0))
    top = sorted(clean_scores, reverse=True)
    # flag iff score >= t; t just above the (allowed+1)-th highest clean score
    return top[allowed] + 1e-6 if allowed < len(top) else -math.inf


Scored = dict[str, list[tuple[Sample, float]]]  # collection -> (sample, out-of-fold score)


def model_weight(score: float, sus: float, mal: float) -> int:
    """The weight of the model's finding at these thresholds (0: none)."""
    return MALICIOUS_SCORE if score >= mal else SUSPICIOUS_SCORE if score >= sus else 0


def verdict_score(s: Sample, score: float, sus: float, mal: float) -> int:
    """The file's score with the model's finding, as the scanner adds it (only to a file
    the rules left under the malicious score)."""
    if s.rules >= MALICIOUS_SCORE:
        return s.rules
    return s.rules + model_weight(score, sus, mal)


def malicious_cap_ok(
    oof: Scored, clean_names: list[str], sus: float, mal: float, a: argparse.Namespace
) -> bool:
    """No more clean files made malicious by the model's finding than --max-fp % of all and
    --max-fp-each % of each clean collection (no file allowed beyond that)."""
    total = n = 0
    for name in clean_names:
        made = sum(
            1
            for s, v in oof[name]
            if s.rules < MALICIOUS_SCORE and verdict_score(s, v, sus, mal) >= MALICIOUS_SCORE
        )
        if made > int(len(oof[name]) * a.max_fp_each / 100.0):
            return False
        total += made
        n += len(oof[name])
    return total <= int(n * a.max_fp / 100.0)


def choose_thresholds(
    oof: Scored, clean_names: list[str], a: argparse.Namespace
) -> tuple[float, float]:
    """The suspicious threshold: clean files over it <= --max-fp % of all and <= --max-fp-each
    % (or 1 file) of each clean collection. The malicious one: the lowest at which the files
    the model's finding makes malicious (alone, or suspicious with the rules' score of 5-9)
    keep within the cap with no file allowed (math.inf: none; the suspicious threshold is
    raised first if the rules' help alone breaks the cap)."""
    clean_scores = [v for n in clean_names for _, v in oof[n]]
    sus = threshold_for(clean_scores, a.max_fp)
    for name in clean_names:
        sus = max(sus, threshold_for([v for _, v in oof[name]], a.max_fp_each, 1))
    ups = sorted({v + 1e-6 for v in clean_scores if v + 1e-6 > sus})
    while not malicious_cap_ok(oof, clean_names, sus, math.inf, a):
        sus = ups.pop(0)
    cands = [sus, *(v for v in ups if v > sus)]
    if not malicious_cap_ok(oof, clean_names, sus, cands[-1], a):
        return sus, math.inf
    lo, hi = 0, len(cands) - 1  # the flags only grow as the threshold falls: bisect
    while lo < hi:
        mid = (lo + hi) // 2
        if malicious_cap_ok(oof, clean_names, sus, cands[mid], a):
            hi = mid
        else:
            lo = mid + 1
    return sus, cands[lo]


def print_table(oof: Scored, names: list[str], sus: float, mal: float) -> None:
    """Per collection: the model's findings, the rules alone, the rules with the model."""
    print(
        f"  {'collection':34} {'files':>6} {'model sus+':>10} {'model mal':>9} "
        f"{'rules mal/sus+':>15} {'with model mal/sus+':>20}"
    )
    tot: dict[str, Counter[str]] = {"malicious": Counter(), "clean": Counter()}
    for name in names:
        rows = oof[name]
        kind = "malicious" if rows and rows[0][0].label else "clean"
        c = Counter(
            files=len(rows),
            ms=sum(1 for _, v in rows if v >= sus),
            mm=sum(1 for _, v in rows if v >= mal),
            rm=sum(1 for s, _ in rows if s.rules >= MALICIOUS_SCORE),
            rs=sum(1 for s, _ in rows if s.rules >= SUSPICIOUS_SCORE),
            cm=sum(1 for s, v in rows if verdict_score(s, v, sus, mal) >= MALICIOUS_SCORE),
            cs=sum(1 for s, v in rows if verdict_score(s, v, sus, mal) >= SUSPICIOUS_SCORE),
        )
        tot[kind].update(c)
        _row(f"{kind[0]} {name}", c)
    for kind, c in tot.items():
        _row(f"total {kind}", c)


def _row(label: str, c: Counter[str]) -> None:
    print(
        f"  {label:34} {c['files']:6d} {c['ms']:10d} {c['mm']:9d} "
        f"{c['rm']:7d}/{c['rs']:<7d} {c['cm']:10d}/{c['cs']:<9d}"
    )


def cmd_train(a: argparse.Namespace) -> int:
    mal, clean, clean_php = named(a.malicious), named(a.clean), named(a.clean_php)
    t0 = time.monotonic()
    samples = load_samples(mal, clean, clean_php, a.jobs, a.cache)
    print(
        f"{len(samples)} files read in {time.monotonic() - t0:.1f} s "
        f"({sum(s.label for s in samples)} malicious, {sum(1 - s.label for s in samples)} clean)"
    )
    names = [n for n, _ in mal] + [n for n, _ in clean + clean_php]
    clean_names = [n for n, _ in clean + clean_php]
    matrix = Matrix(samples)
    oof: Scored = {}
    for name in names:
        t1 = time.monotonic()
        weights, bias = fit(samples, a.C, a.penalty, a.min_weight, matrix, name)
        fold = WordModel(weights, bias, math.inf, math.inf, "")  # scored as the scanner scores
        oof[name] = [(s, fold.score(s.words)) for s in samples if s.coll == name]
        print(
            f"  fold without {name}: {len(weights)} tokens ({time.monotonic() - t1:.0f} s)",
            flush=True,
        )
    if a.dump_scores:
        with open(a.dump_scores, "wb") as fh:
            dump = {n: [(s.label, s.rules, v) for s, v in rows] for n, rows in oof.items()}
            pickle.dump(dump, fh)
    sus, malt = choose_thresholds(oof, clean_names, a)
    print(
        f"\nleave-one-collection-out (each collection scored by a model fitted without it): "
        f"suspicious threshold {sus:.3f} (clean files over it <= {a.max_fp} % of all, <= "
        f"{a.max_fp_each} % or 1 file of each collection), malicious threshold {malt:.3f} "
        f"(clean files it makes malicious, alone or with the rules' score of 5-9: <= "
        f"{a.max_fp} % of all, <= {a.max_fp_each} % of each, no file allowed beyond):"
    )
    print_table(oof, names, sus, malt)
    weights, bias = fit(samples, a.C, a.penalty, a.min_weight, matrix)
    print(f"\nfinal model: {len(weights)} tokens, bias {bias:.3f}")
    for w, v in sorted(weights.items(), key=lambda p: -abs(p[1]))[:25]:
        print(f"  {v:+.3f} {w.decode()}")
    if a.out:
        doc = {
            "schema": SCHEMA,
            "trained_on": ", ".join(names)
            + f"; {a.penalty} logistic regression C={a.C}; thresholds: leave-one-collection-out, "
            f"clean <= {a.max_fp} % in all, <= {a.max_fp_each} % in each collection",
            "bias": round(bias, 4),
            "threshold": round(sus, 4),
            "malicious_threshold": None if math.isinf(malt) else round(malt, 4),
            "weights": {w.decode(): v for w, v in sorted(weights.items())},
        }
        parse(doc)  # what the scanner accepts
        Path(a.out).write_text(json.dumps(doc, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {a.out}")
    return 0


def cmd_measure(a: argparse.Namespace) -> int:
    """Totals only: for sets nobody may read."""
    model = parse(json.loads(Path(a.weights).read_text(encoding="utf-8")))
    sus, malt = model.threshold, model.malicious_threshold
    for kind, specs in (("malicious", a.malicious), ("clean", a.clean)):
        for name, d in named(specs):
            files = files_under(d)
            got = _scanned(files, a.jobs)
            rows = [(Sample(name, 0, w, r), model.score(w)) for w, r in got]
            ms = sum(1 for _, v in rows if v >= sus)
            mm = sum(1 for _, v in rows if v >= malt)
            rm = sum(1 for s, _ in rows if s.rules >= MALICIOUS_SCORE)
            rs = sum(1 for s, _ in rows if s.rules >= SUSPICIOUS_SCORE)
            cm = sum(1 for s, v in rows if verdict_score(s, v, sus, malt) >= MALICIOUS_SCORE)
            cs = sum(1 for s, v in rows if verdict_score(s, v, sus, malt) >= SUSPICIOUS_SCORE)
            print(
                f"{kind} {name}: files {len(files)}; model suspicious+ {ms}, malicious {mm}; "
                f"rules malicious {rm}, suspicious+ {rs}; with the model malicious {cm}, "
                f"suspicious+ {cs}"
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
    t.add_argument("--cache", metavar="FILE", help="keep the files' tokens and rule scores here")
    t.add_argument(
        "--dump-scores", metavar="FILE", help="write (label, rules, out-of-collection score)s"
    )
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
