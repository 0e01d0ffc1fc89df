"""The JSON and human views of `spamtrace scan` (schema ``spamtrace.scan/1``).

``scan --json``: ``files``, the listed file reports (a path that is not valid UTF-8 also as
``path_hex``, and ``quarantine`` when ``--quarantine`` moved the file), and ``summary``
(:meth:`spamtrace.scanner.report.ScanTally.summary`, ``quarantined`` and
``not_quarantined``: the malicious files ``--quarantine`` moved, and those it could not).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from spamtrace.render.output import to_jsonable
from spamtrace.safetext import escape, escape_message
from spamtrace.scanner.walk import LINK_INSIDE

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console
    from rich.text import Text

    from spamtrace.scanner.report import FileReport

SCHEMA = "spamtrace.scan/1"


def files_count(n: int) -> str:
    """``1 file``, ``2 files`` (a one-file scan said "1 files")."""
    return f"{n} file" + ("" if n == 1 else "s")


def progress_line(scanned: int) -> str:
    """The terminal's progress line while a scan runs: ``scanned 1 file``."""
    return f"scanned {files_count(scanned)}"


def scan_json(
    shown: list[FileReport], summary: dict[str, Any], moved: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The ``scan --json`` document."""
    listed = []
    for r in shown:
        doc = file_json(r)
        if r.path in moved:
            doc["quarantine"] = moved[r.path]
        listed.append(doc)
    return {"schema": SCHEMA, "files": listed, "summary": summary}


def file_json(report: FileReport) -> dict[str, Any]:
    """The report as JSON; a path that is not valid UTF-8 also as ``path_hex`` (its exact
    bytes): in ``path`` an undecodable byte and the four characters ``\\xff`` look alike."""
    doc: dict[str, Any] = to_jsonable(report)
    try:
        report.path.encode("utf-8")
    except UnicodeEncodeError:
        doc["path_hex"] = os.fsencode(report.path).hex()
    return doc


def _field_writer(
    out: Console, field: Callable[..., None]
) -> Callable[[str | Text, str, int], None]:
    """``put(label, text, indent)``: :func:`spamtrace.render.layout.field` on ``out``. In a
    pipe or a log without colour (not :func:`~spamtrace.render.output.fitted`) a field is
    one whole line of plain text, and is written as such: rich's ``print`` probed the
    terminal and read the environment a dozen times per line, a third of the parent's CPU in
    a scan that lists thousands of findings. The text is the same (escaped by the caller,
    so printable; ``…`` written ``...``, as :func:`~spamtrace.render.output.shown` does)."""
    from spamtrace.render import output
    from spamtrace.safetext import ELLIPSIS

    if output.fitted(out) or out.color_system is not None or out.record:
        return lambda label, text, indent: field(out, label, text, indent=indent)
    stream = out.file

    def put(label: str | Text, text: str, indent: int) -> None:
        head = label if isinstance(label, str) else label.plain
        stream.write(f"{' ' * indent}{head}{text.replace(ELLIPSIS, '...')}\n")

    return put


def print_scan(
    shown: list[FileReport], summary: dict[str, Any], moved: dict[str, dict[str, Any]]
) -> None:
    from rich.text import Text

    from spamtrace.render import output
    from spamtrace.render.layout import field
    from spamtrace.scanner.report import STOPPED_NOTE

    out = output.console()  # no markup: paths and excerpts are printed as they are (escaped)
    put = _field_writer(out, field)
    label = {"malicious": ("MALICIOUS", "bold red"), "suspicious": ("SUSPICIOUS", "yellow")}
    inside = 0  # links inside the scanned tree: their targets are scanned where they are
    for r in shown:
        path = escape(r.path)
        link_inside = (r.reason or "").startswith(LINK_INSIDE) and not r.findings
        if r.verdict.value == "skipped" and link_inside:
            inside += 1
            continue
        if r.verdict.value == "skipped":
            # on a terminal a wrapped line goes on under its text, never at the margin, where
            # it would read as a line of its own (a file named "x\nMALICIOUS ..." is escaped)
            put(Text.assemble(("SKIPPED", "dim"), "     "), f"{path}: {escape(r.reason)}", 0)
            for f in r.findings:
                put(f"{f.rule} (+{f.weight}): ", f.excerpt, 6)
            continue
        tag = label.get(r.verdict.value, (r.verdict.value.upper(), ""))
        put(Text.assemble(tag, f" {r.score:4d}  "), path, 0)
        for note in r.notes:
            if note.startswith(STOPPED_NOTE):  # said once for the whole run, below
                continue
            put("note: ", escape(note), 6)
        q = moved.get(r.path)
        # on a terminal a wrapped line goes on under its text (it went on at the margin), and
        # never inside the command to paste (`spamtrace` / `quarantine restore ID` was cut)
        if q is not None and "id" in q:
            note = f"{q['id']} (to put it back: `spamtrace quarantine restore {q['id']}`)"
            put(Text.assemble(("QUARANTINED", "bold"), ": "), note, 6)
        elif q is not None:
            head = "GONE" if q.get("gone") else "NOT QUARANTINED"
            put(Text.assemble((head, "bold"), ": "), escape_message(q["error"]), 6)
        for f in r.findings:
            where = f"line {f.line}" if f.line else "file"
            if f.layer:
                where += f", decoded layer {f.layer}"
            # the scanner cuts long excerpts with an ellipsis (field writes it "..." when plain)
            # a rule of a condition only (a YARA `filesize < 100`) matched no text: what it is
            put(f"{f.rule} (+{f.weight}, {where}): ", f.excerpt or f.description, 6)
    files = files_count(summary["files"])
    if summary.get("interrupted"):  # "3024 files ... 0 malicious" of 2064 read: said so
        files = f"{summary['scanned']} of {files} scanned"
    out.print(
        f"{files}, {summary['bytes'] / 1e6:.1f} MB in {summary['seconds']:.1f}s: "
        f"{summary['malicious']} malicious"
        + (f" ({summary['quarantined']} quarantined)" if summary.get("quarantined") else "")
        + f", {summary['suspicious']} suspicious, "
        f"{summary['skipped'] - inside} skipped"
        + (
            f", {inside} symlink(s) inside the scanned tree not followed (their targets are "
            "scanned where they are; --json lists them)"
            if inside
            else ""
        )
    )
    if summary["stopped_early"]:
        put(
            "note: ", f"{summary['stopped_early']} file(s) stopped at the malicious score, enough "
            "for the verdict; `scan --all-reasons` lists every reason", 0,
        )  # fmt: skip
    for note in summary.get("notes", ()):  # a rule of the admin's that matched nearly all
        out.print(Text(f"note: {note}"))
    if summary["not_examined"]:
        out.print(
            Text.assemble(
                ("NOT EXAMINED", "bold"),
                f": {summary['not_examined']} file(s) or folder(s) could not be examined "
                "whole (listed above, with the reason): the result is incomplete, exit status 1",
            )
        )
    if summary.get("not_quarantined"):
        out.print(
            Text.assemble(
                ("NOT QUARANTINED", "bold"),
                f": {summary['not_quarantined']} malicious file(s) are still in place (listed "
                "above, with the reason)",
            )
        )
    if summary.get("quarantine_gone"):
        out.print(
            Text.assemble(
                ("GONE", "bold"),
                f": {summary['quarantine_gone']} malicious file(s) left their path before they "
                "could be quarantined: moved or deleted by another process (`spamtrace "
                "quarantine list` shows whether another quarantine took them)",
            )
        )
    if summary["unchanged"]:
        out.print(f"{summary['unchanged']} file(s) not changed in the time asked: not scanned")
    excluded = summary.get("excluded", 0)
    if excluded:
        out.print(f"{excluded} file(s) or folder(s) left out by --exclude / [scan] exclude")
    if not summary["files"] and not summary["unchanged"]:
        why = " (--exclude / [scan] exclude left out everything)" if excluded else ""
        out.print(
            Text.assemble(
                ("0 files scanned", "bold"),
                f": nothing was examined{why} (this is not a clean result)",
            )
        )
    if summary.get("interrupted"):
        out.print(
            Text.assemble(
                ("INTERRUPTED", "bold"),
                f": stopped after {summary['scanned']} file(s); the report is partial (not a "
                "clean result); nothing was quarantined or recorded",
            )
        )
