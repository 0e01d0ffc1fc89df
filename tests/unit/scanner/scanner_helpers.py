"""Shared helpers for the scanner unit tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from spamtrace.cli.main import main
from spamtrace.config import parse_toml_text
from spamtrace.scanner.analyze import Analysis, analyze
from spamtrace.scanner.rules import load_rules, load_yara

SAMPLES = Path(__file__).resolve().parent / "samples"


def read_toml(text: str) -> dict[str, Any]:
    """A TOML document, read as the project reads TOML (spamtrace.config.parse_toml_text)."""
    return parse_toml_text(text, "test document")


def analyze_file(path: Path) -> Analysis:
    return analyze(path.read_bytes(), path.name, load_rules(), yara=load_yara())


def analyze_bytes(data: bytes, name: str = "x.php") -> Analysis:
    return analyze(data, name, load_rules(), yara=load_yara())


def rule_ids(result: Analysis) -> set[str]:
    return {f.rule for f in result.findings}


def span(m: re.Match[bytes] | None) -> tuple[int, int] | None:
    """Where a search found its match (None: nowhere): two searches compared by what they
    found, whatever made their match objects."""
    return None if m is None else m.span()


def spans(matches: Iterable[re.Match[bytes]]) -> list[tuple[int, int]]:
    """Where each match of a finditer is, in order (see :func:`span`)."""
    return [m.span() for m in matches]


def isolate_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty config file and config folder: the host's own config does not count."""
    cfg = tmp_path / "spamtrace.toml"
    cfg.write_text("")
    (tmp_path / "conf.d").mkdir()
    monkeypatch.setenv("SPAMTRACE_CONFIG", str(cfg))
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", str(tmp_path / "conf.d"))


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    """``spamtrace scan --json ARGS``: the exit code and the document."""
    rc = main(["scan", "--json", *args])
    return rc, json.loads(capsys.readouterr().out)
