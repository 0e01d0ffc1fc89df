"""What scripts/install.sh says of a build without the compiled parts agrees with README.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_note_of_a_build_without_c_gives_the_readmes_figures() -> None:
    """install.sh said a mail log read without the compiled parts takes "1.5-2x as long";
    README.md (and a run: a million Exim lines, 1.2 s CPU compiled, 7.1 s in Python) says about
    6 times. An admin deciding whether to install gcc read the script's figure."""
    readme = " ".join((ROOT / "README.md").read_text().split())
    said = re.search(r"a scan takes about ([\d.]+) times as long, reading a mail log about "
                     r"([\d.]+) times", readme)  # fmt: skip
    assert said is not None
    script = " ".join((ROOT / "scripts" / "install.sh").read_text().split())
    note = re.search(r"scan and mail work, taking about ([\d.]+) and ([\d.]+) times as long",
                     script)  # fmt: skip
    assert note is not None, "install.sh: the note of a build without the compiled parts"
    assert note.groups() == said.groups()
