"""`spamtrace audit`'s views: the findings as JSON (schema ``spamtrace.audit/1``) and for a
person (a heading per finding, or per group of the same finding, then its evidence, why and
fix; wrapped under their indent on a terminal, whole lines in a pipe)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spamtrace.audit.runner import AuditReport

SCHEMA = "spamtrace.audit/1"


def _summary(report: AuditReport) -> dict[str, int]:
    counts = {"fail": 0, "warn": 0, "skipped": 0, "pass": 0, "ignored": 0}
    for f in report.findings:
        counts["ignored" if f.ignored else f.status.value] += 1
    return counts


def print_json(report: AuditReport) -> None:
    from spamtrace.render.output import dump_json

    dump_json(
        {
            "schema": SCHEMA,
            "findings": list(report.findings),
            "fixes": list(report.fixes),
            "summary": _summary(report),
        }
    )


_STYLE = {"fail": "bold red", "warn": "yellow", "skipped": "dim", "pass": "green"}
#: subjects named in full in a group; the others are counted
_SHOWN_SUBJECTS = 5
#: the columns a finding's title needs beside its status and id (else it goes under them)
_TITLE_ROOM = 30
#: under a report that exits 1 (a fail): how to accept a finding so that cron's audit does not
ACK_HINT = (
    'To accept a finding (it is then not shown, and no longer makes audit exit 1): [audit] '
    'ignore = ["ID"] for every finding of an id, or "ID:SUBJECT" for one item (* and ? '
    'match), e.g. "php.disable-functions:FPM pool www *".'
)


def print_human(report: AuditReport) -> None:
    from rich.text import Text

    from spamtrace.audit.finding import group_findings
    from spamtrace.render import output
    from spamtrace.render.layout import field

    con = output.console()
    order = {"fail": 0, "warn": 1, "skipped": 2, "pass": 3}

    def indented(text: str, style: str = "") -> None:
        output.indented(con, text, style)

    shown = [f for f in report.findings if not f.ignored]
    for group in group_findings(sorted(shown, key=lambda x: order[x.status.value])):
        f, subjects = group.first, group.subjects
        head = Text()
        head.append(f"{f.status.value.upper():<7}", style=_STYLE[f.status.value])
        head.append(f" {f.id}", style="bold")
        head.append("  ")
        title = f"{f.summary} ({len(group.findings)}x)" if len(group.findings) > 1 else f.title
        # a long title wraps under itself; beside a long id on a narrow terminal, under the id
        field(con, head, title, indent=0, min_room=_TITLE_ROOM)
        if len(group.findings) > 1:
            names = ", ".join(subjects[:_SHOWN_SUBJECTS])
            more = len(subjects) - _SHOWN_SUBJECTS
            indented(f"in: {names}" + (f" and {more} more" if more > 0 else ""))
            indented(f"e.g. {f.subject}:")
        for ev in f.evidence:
            indented(ev)
        if f.status.value in ("fail", "warn"):
            if f.why:
                indented(f"why: {f.why}", "italic")
            if f.fix:
                label = "fix (for each; e.g. the first)" if len(group.findings) > 1 else "fix"
                indented(f"{label}: {f.fix}", "cyan")
        con.print()
    for fx in report.fixes:
        con.print(Text(f"FIX {fx.id}: {fx.action.value}", style="bold"))
        for d in fx.details:
            indented(d)
    ignored = [f for f in report.findings if f.ignored]
    if ignored:
        ids = sorted({f.id for f in ignored})
        con.print(
            Text(f"acknowledged in [audit] ignore, not shown: {len(ignored)} ({', '.join(ids)})")
        )
    counts = _summary(report)
    if not counts["ignored"]:
        counts.pop("ignored")
    con.print(Text(", ".join(f"{n} {k}" for k, n in counts.items()), style="bold"))
    if counts["fail"]:  # a warning alone does not make audit exit 1: nothing to accept
        con.print(Text(ACK_HINT, style="dim"))
