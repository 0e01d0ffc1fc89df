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
from spamtrace.scanner.report import MALICIOUS_SCORE, SUSPICIOUS_SCORE, ScanVerdict
from spamtrace.scanner.rules import load_rules, load_yara

# no built-in rule fires on them: request values printed through a decoder
FIRES = (
    b"<?php\n$k = $_REQUEST['k']; $f = $_POST['f'];\n"
    b"if ($k == 'x') { echo base64_decode($f); }\n"
)
FIRES_MORE = (
    b"<?php\n$k = $_REQUEST['k']; $f = $_POST['f']; $c = $_POST['cmd'];\n"
    b"if ($k == 'x') { echo base64_decode(str_replace('-', '', $f)); echo $c; }\n"
)

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
    assert all(learned.TOKEN.fullmatch(w) for w in model.weights)
    assert model.weights[b"_post"] > 0 > model.weights[b"namespace"]
    assert learned.load() is model  # read once


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "not a JSON object"),
        ({"schema": 1, "bias": 0, "threshold": 1, "weights": {"eval": 1}}, "schema 1"),
        ({"schema": 2, "bias": 0, "threshold": 1, "weights": {}}, "non-empty"),
        ({"schema": 2, "bias": 0, "threshold": 1, "weights": {"Eval": 1}}, "lower-case token"),
        ({"schema": 2, "bias": 0, "threshold": 1, "weights": {"e v": 1}}, "lower-case token"),
        ({"schema": 2, "bias": 0, "threshold": 1, "weights": {"$eval(": 1}}, "lower-case token"),
        ({"schema": 2, "bias": 0, "threshold": 1, "weights": {"9ab": 1}}, "lower-case token"),
        ({"schema": 2, "bias": 0, "threshold": 1, "weights": {"eval": "1"}}, "finite number"),
        ({"schema": 2, "bias": math.nan, "threshold": 1, "weights": {"eval": 1}}, "bias"),
        ({"schema": 2, "bias": 0, "threshold": True, "weights": {"eval": 1}}, "threshold"),
        (
            {
                "schema": 2,
                "bias": 0,
                "threshold": 2,
                "malicious_threshold": 1,
                "weights": {"ab_": 1},
            },
            "under threshold",
        ),
        ({"schema": 2, "bias": 0, "threshold": 1, "weights": {"eval": 1}, "x": 1}, "unknown key"),
    ],
)
def test_bad_weights_files_are_refused(doc: Any, message: str) -> None:
    with pytest.raises(learned.ModelError, match=message):
        learned.parse(doc)


@pytest.mark.parametrize(
    ("text", "verdict", "weight"),
    [
        (FIRES, ScanVerdict.SUSPICIOUS, SUSPICIOUS_SCORE),
        (FIRES_MORE, ScanVerdict.MALICIOUS, MALICIOUS_SCORE),  # over the stricter threshold
    ],
)
def test_fires_on_request_to_decoder_scripts_with_their_words_as_reason(
    tmp_path: Path, text: bytes, verdict: ScanVerdict, weight: int
) -> None:
    p = tmp_path / "x.php"
    p.write_bytes(text)
    assert _scan(p, on=False).findings == ()  # no rule fires
    rep = _scan(p, on=True)
    assert rep.verdict is verdict
    (f,) = rep.findings
    assert (f.rule, f.weight) == (learned.RULE, weight)
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


def _model(weights: dict[str, float], bias: float, thr: float, mal: float | None) -> Any:
    doc = {"schema": 2, "bias": bias, "threshold": thr, "malicious_threshold": mal}
    return learned.parse({**doc, "weights": weights})


def test_weights_sum_the_distinct_tokens_once() -> None:
    model = _model({"eval": 2.0, "eval(": 0.25, "class": -1.0, "$_get": 3.0}, 0.5, 1.0, 5.0)
    once = learned.words_of(b"<?php eval(x); EVAL (y);")
    assert once == {b"php", b"eval", b"eval("}
    assert model.score(once) == model.score_data(b"<?php eval(x); EVAL (y);") == 2.75
    f = learned.finding(b"<?php eval(x);", model)
    assert f is not None and f.weight == SUSPICIOUS_SCORE
    assert learned.finding(b"<?php class A {}", model) is None
    # the stricter threshold: malicious
    f = learned.finding(b"<?php eval($_GET['x']);", model)
    assert f is not None and f.weight == MALICIOUS_SCORE and "5.8 >= 5.0" in f.excerpt


def test_tokens_variables_calls_and_what_is_not_a_word() -> None:
    got = learned.words_of(b"$_POST['cmd']; Foo\n\t (1); 9abc x9abc ab $$ab " + b"z" * 41)
    assert got == {b"_post", b"$_post", b"cmd", b"foo", b"foo(", b"x9abc"}


SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.skipif(learned._Scorer is None, reason="the compiled lexer was not built")
def test_compiled_tokens_and_score_match_the_python_reference() -> None:
    model = learned.load()
    texts = [p.read_bytes() for p in sorted(SAMPLES.rglob("*")) if p.is_file()]
    texts += [FIRES, LOOKALIKE, b"", b"$", b"a(" * 3000, b"abc \r\n\t(" * 100, bytes(range(256))]
    for data in texts:
        words = learned._words_py(data)
        assert learned._words(data) == words
        assert model.score_data(data) == pytest.approx(model.score(frozenset(words)), abs=1e-9)


@pytest.mark.parametrize("path", sorted((SAMPLES / "clean").iterdir()), ids=lambda p: p.name)
def test_the_model_makes_no_clean_lookalike_malicious(path: Path) -> None:
    """The hand-written look-alikes of the rule tests (a login form, a Telegram order notice,
    a console...) are small scripts like the ones a word model confuses with tools of attack."""
    rep = _scan(path, on=True)
    assert rep.verdict is not ScanVerdict.MALICIOUS, [f.rule for f in rep.findings]
