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

from typing import TYPE_CHECKING

from spamtrace.render.output import plain, shown, wrap_keeping_code

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
) -> None:
    """Print ``label`` (padded to ``width`` columns, at least one space after it) and ``text``
    (escaped by the caller; an ellipsis is written ``...`` when the output is plain).

    One ``print`` per field, however many lines it wraps to (the watch view prints a field per
    connection)."""
    from rich.text import Text

    text = shown(con, text)
    line = Text(" " * indent)
    line.append(label if isinstance(label, Text) else Text(label, style=label_style))
    if width is not None:  # a label as wide as its column or wider: one space after it
        line.append(" " * max(1, indent + width - len(line)) if label else " " * width)
    if not con.is_terminal:
        line.append(text, style=style)
        con.print(line, soft_wrap=True)
        return
    room = max(20, con.width - len(line))
    parts = wrap_keeping_code(text, room)
    line.append(("\n" + " " * len(line)).join(parts), style=style)
    con.print(line, no_wrap=True, overflow="fold")


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
    con.print(Padding(shown, (0, 0, 0, indent), expand=False), width=min(width, con.width))


def table_fits(con: Console, widths: Sequence[int]) -> bool:
    """Whether a table of columns this wide (a cell's text, without padding) fits ``con``
    as drawn by :func:`spamtrace.render.output.box_of` (a space of padding on each side of a
    cell and a line between cells and at the edges)."""
    return sum(widths) + 3 * len(widths) + 1 <= con.width
