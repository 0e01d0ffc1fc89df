"""bench/scan_sets.py on a small tree of sets written here: the counts per half and per kind
of half, and an unread half's files never named (no rule gets written from them by chance)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench" / "scan_sets.py"
BACKDOOR = b"<?php @eval($_POST['c']); ?>\n"
PLAIN = b"<?php echo 'hello ' . date('Y'); ?>\n"


def _half(root: Path, name: str, half: str, files: dict[str, tuple[str, bytes]]) -> None:
    base = root / name / half
    rows = ["relpath\tlabel"]
    for fname, (label, data) in files.items():
        rel = f"{label}/owner__repo/{fname}"
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_bytes(data)
        rows.append(f"{rel}\t{label}")
    (base / "manifest.tsv").write_text("\n".join(rows) + "\n")


def _world(tmp_path: Path) -> Path:
    root = tmp_path / "sets"
    # a malware set: one backdoor caught and one "malware" file the scanner cannot catch
    # (plain code) in each half
    for half in ("dev", "test"):
        _half(root, "unseen1", half, {
            "caught.php": ("malicious", BACKDOOR), f"missed-{half}.php": ("malicious", PLAIN),
        })  # fmt: skip
    # a clean set, retired: its test half was read later
    _half(root, "cleansmall1", "dev", {"ok.php": ("clean", PLAIN)})
    _half(root, "cleansmall1", "test", {
        "ok.php": ("clean", PLAIN + b"\n"), "fp-retired.php": ("clean", BACKDOOR),
    })  # fmt: skip
    (root / "cleansmall1" / "RETIRED").write_text("read later\n")
    (root / "notes").mkdir()  # a folder with no half is no set
    return root


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip


def test_counts_per_half_and_per_kind(tmp_path: Path) -> None:
    proc = _run(str(_world(tmp_path)), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    got = {(h["set"], h["half"]): h for h in doc["halves"]}
    assert set(got) == {("cleansmall1", "dev"), ("cleansmall1", "test"),
                        ("unseen1", "dev"), ("unseen1", "test")}  # fmt: skip
    assert got["unseen1", "test"]["status"] == "unread"
    assert got["unseen1", "dev"]["status"] == "read"
    assert got["cleansmall1", "test"]["status"] == "retired"
    assert (got["unseen1", "test"]["malware"], got["unseen1", "test"]["malware_flagged"]) == (2, 1)
    assert got["cleansmall1", "test"]["clean_flagged"] == 1
    assert got["cleansmall1", "dev"]["clean_flagged"] == 0
    assert doc["totals"]["unread"]["malware_flagged"] == 1
    assert doc["totals"]["retired"]["clean"] == 2
    # the unread half's miss is not in the document; the read and retired ones are
    assert got["unseen1", "test"]["misses"] == []
    assert any("missed-dev.php" in m for m in got["unseen1", "dev"]["misses"])
    assert any("fp-retired.php" in m for m in got["cleansmall1", "test"]["misses"])


def test_show_misses_never_names_an_unread_file(tmp_path: Path) -> None:
    proc = _run(str(_world(tmp_path)), "--show-misses")
    assert proc.returncode == 0, proc.stderr
    assert "missed-dev.php" in proc.stdout
    assert "fp-retired.php" in proc.stdout
    assert "missed-test.php" not in proc.stdout
    assert "total, unread halves: malware 1/2 = 50.0 %" in proc.stdout
    assert "lowest unread malware half: unseen1" in proc.stdout


def test_a_folder_without_sets_is_a_usage_error(tmp_path: Path) -> None:
    proc = _run(str(tmp_path))
    assert proc.returncode == 2
    assert "no SET/dev or SET/test folder" in proc.stderr
    assert "Traceback" not in proc.stderr
