"""The learned word model (opt-in ``[scan] learned_words``): the shipped weights load and are
valid, it fires on a small request-to-decoder script and not on ordinary library code, and it
changes nothing unless asked for."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from spamtrace import config
from spamtrace.scanner import learned
from spamtrace.scanner.engine import Limits, scan_file
from spamtrace.scanner.report import SUSPICIOUS_SCORE, ScanVerdict
from spamtrace.scanner.rules import load_rules, load_yara

# no built-in rule fires on it: request values printed through a decoder
FIRES = b"<?php\n$k = $_GET['k']; $f = $_POST['f'];\nif ($k == 'x') { echo base64_decode($f); }\n"

# a framework class that handles a request: the words of ordinary code
LOOKALIKE = b"""<?php
namespace App\\Http;

use Psr\\Log\\LoggerInterface;

final class Kernel extends BaseKernel
{
    public function __construct(private LoggerInterface $logger) {}
    public function handle(Request $request): Response
    {
        $this->logger->info('request', ['path' => $request->getPathInfo()]);
        return parent::handle($request);
    }
}
"""


def _scan(path: Path, on: bool) -> Any:
    return scan_file(str(path), Limits(learned_words=on), load_rules(), load_yara())


def test_shipped_weights_load_and_are_valid() -> None:
    model = learned.load()
    assert len(model.weights) > 1000
    assert math.isfinite(model.bias) and math.isfinite(model.threshold)
    assert all(learned.WORD.fullmatch(w) and w == w.lower() for w in model.weights)
    assert model.weights[b"_post"] > 0 > model.weights[b"namespace"]
    assert learned.load() is model  # read once


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "not a JSON object"),
        ({"schema": 2, "bias": 0, "threshold": 1, "weights": {"eval": 1}}, "schema 2"),
        ({"schema": 1, "bias": 0, "threshold": 1, "weights": {}}, "non-empty"),
        ({"schema": 1, "bias": 0, "threshold": 1, "weights": {"Eval": 1}}, "lower-case word"),
        ({"schema": 1, "bias": 0, "threshold": 1, "weights": {"e v": 1}}, "lower-case word"),
        ({"schema": 1, "bias": 0, "threshold": 1, "weights": {"eval": "1"}}, "finite number"),
        ({"schema": 1, "bias": math.nan, "threshold": 1, "weights": {"eval": 1}}, "bias"),
        ({"schema": 1, "bias": 0, "threshold": True, "weights": {"eval": 1}}, "threshold"),
        ({"schema": 1, "bias": 0, "threshold": 1, "weights": {"eval": 1}, "x": 1}, "unknown key"),
    ],
)
def test_bad_weights_files_are_refused(doc: Any, message: str) -> None:
    with pytest.raises(learned.ModelError, match=message):
        learned.parse(doc)


def test_fires_on_request_to_decoder_script_with_its_words_as_reason(tmp_path: Path) -> None:
    p = tmp_path / "x.php"
    p.write_bytes(FIRES)
    rep = _scan(p, on=True)
    assert rep.verdict is ScanVerdict.SUSPICIOUS  # suspicious alone, never malicious alone
    (f,) = rep.findings
    assert (f.rule, f.weight) == (learned.RULE, SUSPICIOUS_SCORE)
    assert "_post" in f.excerpt and "base64_decode" in f.excerpt


def test_opt_in_only(tmp_path: Path) -> None:
    p = tmp_path / "x.php"
    p.write_bytes(FIRES)
    rep = _scan(p, on=False)
    assert (rep.verdict, rep.findings) == (ScanVerdict.CLEAN, ())
    assert Limits().learned_words is False
    assert Limits.from_config(config.ScanSection(learned_words=True)).learned_words is True


def test_quiet_on_library_code_and_on_files_without_php(tmp_path: Path) -> None:
    p = tmp_path / "kernel.php"
    p.write_bytes(LOOKALIKE)
    assert _scan(p, on=True).findings == ()
    assert learned.finding(FIRES.replace(b"<?php", b"notes:")) is None


def test_weights_sum_the_distinct_words_once() -> None:
    model = learned.WordModel({b"eval": 2.0, b"class": -1.0}, 0.5, 1.0, "")
    once = learned.words_of(b"<?php eval(x); EVAL(y);")
    assert model.score(once) == 2.5
    assert learned.finding(b"<?php eval(x);", model) is not None
    assert learned.finding(b"<?php class A {}", model) is None
