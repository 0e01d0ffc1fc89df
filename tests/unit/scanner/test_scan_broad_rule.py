"""A YARA rule of the admin's ([scan] yara_rules) that matches every file (``condition:
true``) made every file malicious, said nowhere but on each file's line. The scan's summary
now carries one note naming the rule and how many files it matched; the verdicts stay what
the rule says."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanner_helpers import isolate_config, run_json

from spamtrace.cli.main import main


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_config(tmp_path, monkeypatch)


def _setup(tmp_path: Path, files: int) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "house.yar").write_text(
        "rule every { condition: true }\n"
        'rule marker { strings: $m = "SPAMKIT-7" condition: $m }\n'
        'rule tag { meta: weight = 0 strings: $p = "<?php" condition: $p }\n'
    )
    (tmp_path / "spamtrace.toml").write_text(f'[scan]\nyara_rules = "{rules}"\n')
    site = tmp_path / "site"
    site.mkdir()
    for n in range(files):
        (site / f"p{n}.php").write_text(f"<?php echo {n};\n")
    (site / "kit.txt").write_text("SPAMKIT-7\n")
    return site


def test_a_rule_matching_every_file_is_noted_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _setup(tmp_path, 24)
    rc, doc = run_json(capsys, "--jobs", "1", str(site))
    assert rc == 1
    assert doc["summary"]["malicious"] == 25  # the rule's verdicts stand
    # the rule of weight 0 (a tag) and the one of one file: no note
    assert doc["summary"]["notes"] == [
        "your rule yara.house.every matched 25 of 25 files: check it (a rule that matches "
        "nearly every file says nothing of any)"
    ]
    rc = main(["scan", "--jobs", "1", str(site)])
    out = capsys.readouterr().out
    assert rc == 1
    assert out.count("your rule yara.house.every matched 25 of 25 files: check it") == 1


def test_a_small_scan_gets_no_such_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _setup(tmp_path, 5)
    rc, doc = run_json(capsys, "--jobs", "1", str(site))
    assert rc == 1 and doc["summary"]["malicious"] == 6
    assert "notes" not in doc["summary"]
