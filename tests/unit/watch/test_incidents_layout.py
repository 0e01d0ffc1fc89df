"""`incidents` and `incident ID`'s actions on a real terminal 80 and 100 columns wide: no
verdict, status, id or header cut inside a word, wrapped fields under their text, no line wider
than the terminal; a table again when the terminal is wide enough."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from ptyrun import run_on_pty

LONG_EXE = "/opt/cpanel/ea-php82/root/usr/bin/php-cgi"
QUARANTINED = "/var/lib/spamtrace/quarantine/inc-0123456789ab/x.php"


def render(what: str) -> None:
    """The incidents list or one incident, with long names, on the process's own console."""
    import test_watch_render as t

    from spamtrace.render.incidents import print_incident, print_incidents
    from spamtrace.render.output import console
    from spamtrace.sinks.store import ActionRecord

    mail = t.incident(
        id="inc-bbbbbbbbbbbb", verdict="mail-script", exe=LONG_EXE,
        destinations=tuple(f"[red]long-recipient-{i}@customer-domain.example.com"
                           for i in range(5)),
    )  # fmt: skip
    quarantine = ActionRecord(
        "inc-0123456789ab", "quarantine", "done", 1_700_000_002.0,
        f"moved {t.EVIL} to {QUARANTINED}", "spamtrace quarantine restore inc-0123456789ab",
    )  # fmt: skip
    actions = [t.ACTION, quarantine]
    if what == "list":
        print_incidents(console(), [t.incident(), mail], {"inc-0123456789ab": actions})
    else:
        print_incident(console(), t.incident(), t.EVENTS, actions)


def _on_pty(what: str, columns: int, lang: str = "C.UTF-8") -> str:
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        f"import test_incidents_layout as t; t.render({what!r})"
    )
    return run_on_pty([sys.executable, "-c", code], columns, {"LANG": lang})


def _checked(what: str, columns: int, whole: tuple[str, ...], cut: tuple[str, ...]) -> str:
    """The view on a pty: no line wider than it, each of ``whole`` a word of its own, none of
    ``cut`` (what a word cut in two leaves)."""
    out = _on_pty(what, columns)
    assert all(len(line.rstrip()) <= columns for line in out.splitlines()), out
    words = {w.strip(",:()") for line in out.splitlines() for w in line.split()}
    assert not [w for w in whole if w not in words], out
    assert not [part for part in cut if part in words], out
    return out


@pytest.mark.parametrize("columns", [80, 100])
def test_incidents_list_on_a_narrow_terminal(columns: int) -> None:
    whole = ("inc-0123456789ab", "inc-bbbbbbbbbbbb", "suspicious", "mail-script", "block-uid",
             "quarantine", LONG_EXE)  # fmt: skip
    out = _checked("list", columns, whole, ("verdic", "susp", "icio", "inc-", "acco"))
    lines = out.splitlines()
    # a wrapped field goes on under its text, never at the margin
    i = next(i for i, line in enumerate(lines) if line.startswith("    to ") and "long-" in line)
    assert lines[i + 1].startswith(" " * 13 + "[red]long-recipient-1@"), out


@pytest.mark.parametrize("columns", [80, 100])
def test_incident_actions_on_a_narrow_terminal(columns: int) -> None:
    whole = ("block-uid", "WOULD", "quarantine", "DONE", "inc-0123456789ab")
    out = _checked("one", columns, whole, ("WOUL", "quarant", "DON"))
    lines = out.splitlines()
    if columns == 80:  # a block per action: the detail wraps under its text
        assert QUARANTINED in out.replace("\n" + " " * 13, " "), out
    else:  # room for the table: the short cells are whole, the detail wraps in its cell
        assert any(
            line.split()[:4] == ["time", "(UTC)", "action", "status"]  # UTC, as stored
            for line in lines
            if line.strip()
        )


def test_wide_terminal_lists_a_table_and_lang_c_is_ascii() -> None:
    out = _on_pty("list", 240)
    header = next(line for line in out.splitlines() if " verdict " in line)
    assert all(col in header for col in ("id", "user", "script / folder", "last seen (UTC)"))
    assert all(len(line.rstrip()) <= 240 for line in out.splitlines())
    for what in ("list", "one"):
        for columns in (80, 240):
            assert _on_pty(what, columns, lang="C").isascii()
