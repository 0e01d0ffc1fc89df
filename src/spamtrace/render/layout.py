"""Layout pieces shared by the human views that are not tables: labelled fields and trees.

A *field* is a label and its text (``why:     non-MTA process talks SMTP ...``). On a terminal
the text is wrapped at the window's width and every wrapped line starts under the text, not
at the margin, and never inside a `code span` that fits on a line; in a pipe or a log a field
is one whole line (grep finds it, nothing is cut). Text is always given to rich as
:class:`rich.text.Text`, so attacker-chosen text is never read as markup (the console of
:func:`spamtrace.render.output.console` also turns markup and emoji codes off).

:func:`block` prints a rich renderable (a tree, a table) indented, and drawn with ASCII when
the output is :func:`spamtrace.render.output.plain` (not a terminal, or ``LANG=C``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from spamtrace.render.output import fitted, plain, shown, wrap_keeping_code

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.text import Text


def field(
    con: Console,
    label: str | Text,
    text: str,
    *,
    indent: int = 2,
    width: int | None = None,
    style: str = "",
    label_style: str = "",
    min_room: int = 20,
) -> None:
    """Print ``label`` (padded to ``width`` columns, at least one space after it) and ``text``
    (escaped by the caller; an ellipsis is written ``...`` when the output is plain).

    On a terminal where the label leaves the text fewer than ``min_room`` columns, the text
    goes on the next lines, two columns in from ``indent`` (beside a long label on a narrow
    terminal it ran past the edge and was cut). One ``print`` per field in a pipe (the watch
    view prints a field per connection)."""
    from rich.text import Text

    text = shown(con, text)
    line = Text(" " * indent)
    line.append(label if isinstance(label, Text) else Text(label, style=label_style))
    if width is not None:  # a label as wide as its column or wider: one space after it
        line.append(" " * max(1, indent + width - len(line)) if label else " " * width)
    if not fitted(con):
        line.append(text, style=style)
        con.print(line, soft_wrap=True)
        return
    if con.width - len(line) < min_room and len(line) > indent:
        line.rstrip()
        con.print(line, no_wrap=True, overflow="fold")
        line = Text(" " * (indent + 2))
    room = max(20, con.width - len(line))
    parts = wrap_keeping_code(text, room)
    line.append(("\n" + " " * len(line)).join(parts), style=style)
    if any(len(part) > room for part in parts):  # a code span: the terminal wraps it
        con.print(line, soft_wrap=True)
    else:
        con.print(line, no_wrap=True, overflow="fold")


#: the programs whose command lines advice gives ("scan the folder: spamtrace scan /home/...")
COMMANDS = ("spamtrace ", "kill ", "exiqgrep ", "exim ", "postqueue ", "postsuper ", "sshd ",
            "systemctl ")  # fmt: skip


def split_command(text: str) -> tuple[str, str | None]:
    """An advice line as (what it says, the command line in it to paste, or None): the whole
    line, or what follows a ``": "``, when it starts with one of :data:`COMMANDS`."""
    if text.startswith(COMMANDS):
        return "", text
    at = text.find(": ")
    while at >= 0:
        if text[at + 2 :].startswith(COMMANDS):
            return text[: at + 1], text[at + 2 :]
        at = text.find(": ", at + 1)
    return text, None


def advice_field(con: Console, label: str, text: str, *, indent: int, width: int) -> None:
    """:func:`field` for an advice line, whose command line is never wrapped: pasted with a
    line break in it, a shell would run its first half. When the line does not fit beside
    the label, the words before the command are wrapped as usual and the command goes on its
    own line under them, whole (the terminal folds it for the eye; a copy gives it whole)."""
    from rich.text import Text

    prose, command = split_command(text)
    if command is None or not fitted(con) or indent + width + len(text) <= con.width:
        field(con, label, text, indent=indent, width=width)
        return
    field(con, label, prose or "run:", indent=indent, width=width)
    con.print(Text(" " * (indent + width) + shown(con, command)), soft_wrap=True)


class _Ascii:
    """A renderable drawn as if the terminal could show ASCII only (tree guides, box lines)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ascii_options = options.copy()
        ascii_options.encoding = "ascii"  # ConsoleOptions.ascii_only reads the encoding
        yield from console.render(self.renderable, ascii_options)


def block(con: Console, renderable: RenderableType, *, indent: int = 4) -> None:
    """Print a tree or a table ``indent`` columns in, only as wide as it needs (no padding to
    the console's width in a pipe), and with ASCII lines when the output is plain."""
    from rich.measure import Measurement
    from rich.padding import Padding

    width = Measurement.get(con, con.options, renderable).maximum + indent
    shown = _Ascii(renderable) if plain(con) else renderable
    padded = Padding(shown, (0, 0, 0, indent), expand=False)
    con.print(_Trimmed(padded), width=min(width, con.width))


class _Trimmed:
    """A renderable whose lines end at their last character: a tree pads its lines to the
    widest one, which left spaces at the end of the lines of `incident ID | cat -A`."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for line in console.render_lines(self.renderable, options, pad=False):
            while line and not line[-1].control and not line[-1].text.rstrip():
                line.pop()
            if line and not line[-1].control:
                last = line[-1]
                line[-1] = Segment(last.text.rstrip(), last.style, last.control)
            yield from line
            yield Segment.line()


@dataclass(frozen=True, slots=True)
class Column:
    """A column of :func:`fitted_table`.

    ``kind``: ``short`` (a verdict, a number, a TCP state: wraps between its words only, never
    inside one), ``name`` (a user, a process: one line, cut at ``width`` with an ellipsis) or
    ``long`` (a path, destinations: wraps, and needs at least ``width`` columns for the table
    to be worth drawing). ``split``: on a terminal, a long cell is cut into lines at this text
    (``", "``: a destination a line), so that a host name is not folded if it fits."""

    header: str
    kind: str = "short"
    width: int = 24
    split: str | None = None


def fitted_table(
    con: Console, title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[Text]],
    *, indent: int = 0,
) -> bool:  # fmt: skip
    """Print ``rows`` as a table if it fits ``con`` with no short cell cut inside a word and
    the long ones given their least room; return False (printing nothing) when it does not, so
    that the caller prints a block per row. In a pipe or a log the table is always printed, a
    row on one whole line however long (grep finds it), with ASCII lines."""
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    from spamtrace.render.output import box_of, ellipsis, shown

    widths: list[int] = []
    for i, col in enumerate(columns):
        if col.kind == "short":
            words = [len(w) for row in rows for w in row[i].plain.split()]
            widths.append(max(len(col.header), *words))
        else:
            longest = max(len(col.header), *(len(row[i]) for row in rows))
            widths.append(min(longest, col.width))
    if fitted(con) and not table_fits(con, widths, indent):
        return False
    table = Table(title=title, title_justify="left", box=box_of(con))
    for col, width in zip(columns, widths, strict=True):
        if col.kind == "name":
            table.add_column(col.header, no_wrap=True, max_width=width)
        else:  # a long one keeps its least room, if there is that much left
            table.add_column(col.header, min_width=width, overflow="fold")
    mark = ellipsis(con)
    for row in rows:
        cells = [Text(shown(con, cell.plain), style=cell.style) for cell in row]
        for i, col in enumerate(columns):
            if col.kind == "name":
                cells[i] = cut_text(cells[i], col.width, mark)
            elif col.split and fitted(con):
                cells[i] = Text(cells[i].plain.replace(col.split, col.split.rstrip() + "\n"),
                                style=cells[i].style)  # fmt: skip
        table.add_row(*cells)
    if not fitted(con):  # a pipe or a log: a row is one whole line, however long
        need = Measurement.get(con, con.options.update_width(1 << 20), table).maximum
        con.width = max(con.width, need + indent)
    if indent:
        block(con, table, indent=indent)
    else:
        con.print(table)
    return True


def cut_text(text: Text, width: int, mark: str) -> Text:
    """``text`` cut to ``width`` cells, ending in ``mark`` when it was cut."""
    if len(text) <= width:
        return text
    out = text.copy()
    out.truncate(width - len(mark))
    out.append(mark)
    return out


def table_fits(con: Console, widths: Sequence[int], indent: int = 0) -> bool:
    """Whether a table of columns this wide (a cell's text, without padding) fits ``con``
    as drawn by :func:`spamtrace.render.output.box_of` (a space of padding on each side of a
    cell and a line between cells and at the edges), ``indent`` columns in."""
    return indent + sum(widths) + 3 * len(widths) + 1 <= con.width
