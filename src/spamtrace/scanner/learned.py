"""A learned second opinion (``[scan] learned_words``): a linear model over the set of
distinct tokens a file contains.

The tokens are every run of letters, digits and ``_`` that does not start with a digit, 3 to
40 bytes, lower-cased (identifiers, function names, superglobal keys and the words inside
string literals alike), plus ``$word`` where the run follows a ``$`` (a variable) and
``word(`` where a ``(`` comes next (a call). The model is a weight per token plus a bias; a
file's score is the bias plus the sum of the weights of its distinct tokens (a
logistic-regression margin). At ``threshold`` the file gets the finding ``php.learned-words``
with the suspicious weight, at ``malicious_threshold`` with the malicious weight. Training
(``bench/scan_model_train.py``, scikit-learn) writes the weights file; scanning needs only this
module: no third-party code, one compiled pass over the bytes (``_lexer.words``, with
:func:`_words_py` as its reference) and a dictionary look-up per distinct token.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from spamtrace.errors import SpamtraceError
from spamtrace.safetext import escape
from spamtrace.scanner.lexer import has_php
from spamtrace.scanner.report import MALICIOUS_SCORE, SUSPICIOUS_SCORE, Finding

#: a token of a weights file: a word, a variable's "$word" or a call's "word("
TOKEN = re.compile(rb"\$?[a-z_][a-z0-9_]{2,39}|[a-z_][a-z0-9_]{2,39}\(")
# a run of word bytes, the "$" before it and the "(" after it (spaces and line ends between)
_RUN = re.compile(rb"(\$?)([A-Za-z0-9_]+)([ \t\r\n]*\()?")
_DIGITS = frozenset(b"0123456789")
SCHEMA = 2
RULE = "php.learned-words"
DESCRIPTION = (
    "the file's words (function names, calls, variables, literal words) score as malware's "
    "do in a model learned from labelled web shells and clean PHP (not a rule about what the "
    "code does: review it); the excerpt names the words that weighed most"
)
#: how many of the words that pushed the score up a finding names
SHOWN = 8
_DATA = "data/scanner/learned_words.json"


class ModelError(SpamtraceError):
    """A weights file that cannot be used."""


def _words_py(data: bytes) -> set[bytes]:
    """The distinct tokens of ``data`` (see the module's docstring): the reference for
    ``_lexer.words``, and what runs where it was not built."""
    out: set[bytes] = set()
    for m in _RUN.finditer(data):
        word = m.group(2)
        if not 3 <= len(word) <= 40 or word[0] in _DIGITS:
            continue
        word = word.lower()  # bytes.lower(): ASCII only, 1:1
        out.add(word)
        if m.group(1):
            out.add(b"$" + word)
        if m.group(3) is not None:
            out.add(word + b"(")
    return out


try:  # the same pass, compiled (see _lexer.c)
    from spamtrace.scanner._lexer import Scorer as _Scorer
    from spamtrace.scanner._lexer import words as _words
except ImportError:  # pragma: no cover - exercised by the tests through _words_py
    _words = _words_py
    _Scorer = None  # type: ignore[assignment,misc]


def words_of(data: bytes) -> frozenset[bytes]:
    """The distinct tokens of ``data``, as training and scanning both see them."""
    return frozenset(_words(data))


@dataclass(frozen=True, slots=True)
class WordModel:
    weights: dict[bytes, float]
    bias: float
    #: score at or over which a file is reported suspicious, and malicious (chosen by
    #: leaving one collection out: docs/scan-history.md); math.inf: never
    threshold: float
    malicious_threshold: float
    trained_on: str
    #: the weights in the compiled module's table (None where it was not built)
    scorer: Any = field(default=None, compare=False, repr=False)

    def contributions(self, words: frozenset[bytes]) -> list[tuple[bytes, float]]:
        """The model's tokens among ``words`` with their weights, largest first."""
        w = self.weights
        got = [(x, w[x]) for x in words if x in w]
        got.sort(key=lambda p: (-p[1], p[0]))
        return got

    def score(self, words: frozenset[bytes]) -> float:
        """The score of a file whose distinct tokens are ``words``."""
        w = self.weights
        return self.bias + sum(w[x] for x in words if x in w)

    def score_data(self, data: bytes) -> float:
        """The score of a file's bytes: ``score(words_of(data))``, in one compiled pass."""
        if self.scorer is None:
            return self.score(words_of(data))
        return self.bias + float(self.scorer.score(data))


def _number(doc: dict[str, Any], key: str, *, none_ok: bool = False) -> float:
    val = doc.get(key)
    if val is None and none_ok:
        return math.inf
    if not isinstance(val, (int, float)) or isinstance(val, bool) or not math.isfinite(val):
        raise ModelError(f"weights file: {key} must be a finite number")
    return float(val)


def parse(doc: Any) -> WordModel:
    """A model from the decoded JSON of a weights file; ``ModelError`` if it is malformed."""
    if not isinstance(doc, dict):
        raise ModelError("weights file: not a JSON object")
    keys = {"schema", "bias", "threshold", "malicious_threshold", "trained_on", "weights"}
    extra = set(doc) - keys
    if extra:
        raise ModelError(f"weights file: unknown key {sorted(extra)[0]!r}")
    if doc.get("schema") != SCHEMA:
        raise ModelError(f"weights file: schema {doc.get('schema')!r}, expected {SCHEMA}")
    bias, threshold = _number(doc, "bias"), _number(doc, "threshold")
    malicious = _number(doc, "malicious_threshold", none_ok=True)  # null: never malicious
    if malicious < threshold:
        raise ModelError("weights file: malicious_threshold is under threshold")
    raw = doc.get("weights")
    if not isinstance(raw, dict) or not raw:
        raise ModelError("weights file: weights must be a non-empty object")
    weights: dict[bytes, float] = {}
    for token, val in raw.items():
        tb = token.encode("ascii", "replace")
        if TOKEN.fullmatch(tb) is None:
            raise ModelError(f"weights file: {token!r} is not a lower-case token")
        if not isinstance(val, (int, float)) or isinstance(val, bool) or not math.isfinite(val):
            raise ModelError(f"weights file: weight of {token!r} must be a finite number")
        weights[tb] = float(val)
    trained_on = doc.get("trained_on", "")
    if not isinstance(trained_on, str):
        raise ModelError("weights file: trained_on must be a string")
    scorer = _Scorer(weights) if _Scorer is not None else None
    return WordModel(weights, bias, threshold, malicious, trained_on, scorer)


@functools.cache
def load() -> WordModel:
    """The shipped model (read once per process)."""
    text = resources.files("spamtrace").joinpath(_DATA).read_text("utf-8")
    return parse(json.loads(text))


def finding(data: bytes, model: WordModel | None = None) -> Finding | None:
    """The model's finding on a file's bytes, or None: no PHP in it, or a score under the
    threshold. Its weight: suspicious, or malicious at the stricter threshold."""
    if has_php(data) < 0:
        return None
    model = model or load()
    score = model.score_data(data)
    if score < model.threshold:
        return None
    words = words_of(data)
    malicious = score >= model.malicious_threshold
    bar = model.malicious_threshold if malicious else model.threshold
    top = [w.decode("ascii") for w, v in model.contributions(words)[:SHOWN] if v > 0]
    text = f"score {score:.1f} >= {bar:.1f}; words: {', '.join(top)}"
    weight = MALICIOUS_SCORE if malicious else SUSPICIOUS_SCORE
    return Finding(RULE, DESCRIPTION, weight, 0, escape(text, max_len=200))
