"""A learned second opinion (opt-in, ``[scan] learned_words``): a linear model over the set of
distinct words a file contains.

The words are every run of letters, digits and ``_`` that starts with a letter or ``_`` (3 to
40 bytes, lower-cased): identifiers, function names, superglobal keys and the words inside
string literals alike. The model is a weight per word plus a bias; a file's score is the bias
plus the sum of the weights of its distinct words (a logistic-regression margin). Training
(``bench/scan_model_train.py``, scikit-learn) writes the weights file; scanning needs only this
module: no third-party code, a dictionary look-up per distinct word.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from spamtrace.errors import SpamtraceError
from spamtrace.safetext import escape
from spamtrace.scanner.lexer import has_php
from spamtrace.scanner.report import SUSPICIOUS_SCORE, Finding

#: the words of a file, as training and scanning both see them
WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]{2,39}")

_LOWER_WORD = re.compile(rb"[a-z_][a-z0-9_]{2,39}")
SCHEMA = 1
RULE = "php.learned-words"
DESCRIPTION = (
    "the file's words (function names, request keys, literal words) score as malware's do in "
    "a model learned from labelled web shells and clean PHP (not a rule about what the code "
    "does: review it); the excerpt names the words that weighed most"
)
#: how many of the words that pushed the score up a finding names
SHOWN = 8
_DATA = "data/scanner/learned_words.json"


class ModelError(SpamtraceError):
    """A weights file that cannot be used."""


def words_of(data: bytes) -> frozenset[bytes]:
    """The distinct lower-cased words of ``data``."""
    return frozenset(_LOWER_WORD.findall(data.lower()))  # bytes.lower(): ASCII only, 1:1


@dataclass(frozen=True, slots=True)
class WordModel:
    weights: dict[bytes, float]
    bias: float
    #: score at or over which a file is reported (chosen in cross-validation:
    #: docs/scan-history.md)
    threshold: float
    trained_on: str

    def contributions(self, words: frozenset[bytes]) -> list[tuple[bytes, float]]:
        """The model's words among ``words`` with their weights, largest first."""
        w = self.weights
        got = [(x, w[x]) for x in words if x in w]
        got.sort(key=lambda p: (-p[1], p[0]))
        return got

    def score(self, words: frozenset[bytes]) -> float:
        w = self.weights
        return self.bias + sum(w[x] for x in words if x in w)


def parse(doc: Any) -> WordModel:
    """A model from the decoded JSON of a weights file; ``ModelError`` if it is malformed."""
    if not isinstance(doc, dict):
        raise ModelError("weights file: not a JSON object")
    extra = set(doc) - {"schema", "bias", "threshold", "trained_on", "weights"}
    if extra:
        raise ModelError(f"weights file: unknown key {sorted(extra)[0]!r}")
    if doc.get("schema") != SCHEMA:
        raise ModelError(f"weights file: schema {doc.get('schema')!r}, expected {SCHEMA}")
    nums = {k: doc.get(k) for k in ("bias", "threshold")}
    for key, val in nums.items():
        if not isinstance(val, (int, float)) or isinstance(val, bool) or not math.isfinite(val):
            raise ModelError(f"weights file: {key} must be a finite number")
    raw = doc.get("weights")
    if not isinstance(raw, dict) or not raw:
        raise ModelError("weights file: weights must be a non-empty object")
    weights: dict[bytes, float] = {}
    for word, val in raw.items():
        wb = word.encode("ascii", "replace")
        if WORD.fullmatch(wb) is None or wb != wb.lower():
            raise ModelError(f"weights file: {word!r} is not a lower-case word")
        if not isinstance(val, (int, float)) or isinstance(val, bool) or not math.isfinite(val):
            raise ModelError(f"weights file: weight of {word!r} must be a finite number")
        weights[wb] = float(val)
    trained_on = doc.get("trained_on", "")
    if not isinstance(trained_on, str):
        raise ModelError("weights file: trained_on must be a string")
    return WordModel(weights, float(nums["bias"]), float(nums["threshold"]), trained_on)  # type: ignore[arg-type]


@functools.cache
def load() -> WordModel:
    """The shipped model (read once per process)."""
    text = resources.files("spamtrace").joinpath(_DATA).read_text("utf-8")
    return parse(json.loads(text))


def finding(data: bytes, model: WordModel | None = None) -> Finding | None:
    """The model's finding on a file's bytes, or None: no PHP in it, or a score under the
    threshold. Weight: suspicious alone (a word list cannot say what the code does)."""
    if has_php(data) < 0:
        return None
    model = model or load()
    words = words_of(data)
    score = model.score(words)
    if score < model.threshold:
        return None
    top = [w.decode("ascii") for w, v in model.contributions(words)[:SHOWN] if v > 0]
    text = f"score {score:.1f} >= {model.threshold:.1f}; words: {', '.join(top)}"
    return Finding(RULE, DESCRIPTION, SUSPICIOUS_SCORE, 0, escape(text, max_len=200))
