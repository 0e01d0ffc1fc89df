"""The shipped Prometheus alert rules: valid for promtool, proven by promtool's own rule tests
(data/spamtrace-rules.test.yml), and written against metric names the daemon exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from spamtrace.sinks.metrics import Metrics

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / "packaging" / "prometheus" / "spamtrace-rules.yml"
RULE_TESTS = Path(__file__).resolve().parent / "data" / "spamtrace-rules.test.yml"


def free_port() -> int:
    """A loopback TCP port nobody listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool not found: `apt install prometheus` (scripts/test.sh installs it)"
    return path


def test_rules_pass_promtool_check() -> None:
    out = subprocess.run([promtool(), "check", "rules", str(RULES)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SUCCESS: 8 rules found" in out.stdout


def test_rules_pass_their_promtool_unit_tests(tmp_path: Path) -> None:
    shutil.copy(RULES, tmp_path / RULES.name)
    shutil.copy(RULE_TESTS, tmp_path / RULE_TESTS.name)
    out = subprocess.run(
        [promtool(), "test", "rules", str(tmp_path / RULE_TESTS.name)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SUCCESS" in out.stdout


def test_a_broken_expectation_fails(tmp_path: Path) -> None:
    """The rule tests can fail: the same suite with one expected severity changed does."""
    shutil.copy(RULES, tmp_path / RULES.name)
    text = RULE_TESTS.read_text().replace(
        'severity: critical, instance: "web1:9945", verdict: suspicious',
        'severity: warning, instance: "web1:9945", verdict: suspicious',
    )
    (tmp_path / "broken.test.yml").write_text(text)
    out = subprocess.run(
        [promtool(), "test", "rules", str(tmp_path / "broken.test.yml")],
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0 and "SpamtraceNonMtaSender" in out.stdout + out.stderr


@pytest.mark.parametrize("path", [RULES, RULE_TESTS], ids=["rules", "rule-tests"])
def test_every_spamtrace_metric_named_is_exported(path: Path) -> None:
    exported = set()
    for text_line in Metrics(process_metrics=False).exposition().decode().splitlines():
        if text_line.startswith("# TYPE "):
            name, kind = text_line.split()[2:4]
            counter = kind == "counter" and not name.endswith("_total")
            exported.add(name + ("_total" if counter else ""))
    named = set(re.findall(r"\bspamtrace_[a-z_]+\b", path.read_text()))
    named -= {"spamtrace_rules", "spamtrace_incidents"}  # words of comments, not metrics
    assert named, "no metric named"
    assert named <= exported, f"not exported: {sorted(named - exported)}"
