"""Human output: rich lays it out; attacker text is never markup; ASCII in pipes and LANG=C."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from spamtrace.render import output


def test_wrapping_keeps_code_spans_whole() -> None:
    text = "In /etc/php/8.2/fpm/pool.d/www.conf set `php_admin_value[mail.log] = /var/l.log` now"
    for width in range(40, 90):
        for line in output.wrap_keeping_code(text, width):
            assert line.count("`") != 1 or len(line) <= width, line
            assert len(line) <= width
        joined = " ".join(output.wrap_keeping_code(text, width))
        assert "`php_admin_value[mail.log] = /var/l.log`" in joined


def test_indented_keeps_the_indent_on_a_terminal() -> None:
    buf = io.StringIO()
    con = Console(file=buf, width=50, force_terminal=True, color_system=None)
    output.indented(con, "word " * 30)
    lines = buf.getvalue().splitlines()
    assert len(lines) > 2 and all(line.startswith("    word") for line in lines)


def test_indented_is_one_line_in_a_pipe() -> None:
    buf = io.StringIO()
    output.indented(Console(file=buf, width=50, force_terminal=False), "word " * 30)
    assert len(buf.getvalue().splitlines()) == 1


def test_markup_and_emoji_in_attacker_text_are_printed_as_they_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    con = output.console()
    con.print("/home/x/[bold red]evil[/].php :smile: [link=http://x]y[/link]")
    assert capsys.readouterr().out.strip() == (
        "/home/x/[bold red]evil[/].php :smile: [link=http://x]y[/link]"
    )


@pytest.mark.parametrize(("lang", "tty", "ascii_only"), [
    ("C", True, True), ("POSIX", True, True), ("en_US.UTF-8", False, True),
    ("en_US.UTF-8", True, False),
])  # fmt: skip
def test_plain_ascii_when_not_a_tty_or_lang_c(
    monkeypatch: pytest.MonkeyPatch, lang: str, tty: bool, ascii_only: bool
) -> None:
    for var in ("LC_ALL", "LC_CTYPE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", lang)
    con = Console(file=io.StringIO(), force_terminal=tty)
    assert output.plain(con) is ascii_only


def test_lang_c_on_a_real_terminal_is_ascii_despite_python_s_locale_coercion() -> None:
    """Under LANG=C Python itself sets LC_CTYPE=C.UTF-8 (PEP 538): still ASCII, on a pty."""
    import os
    import pty
    import subprocess
    import sys

    code = (
        "import os; from spamtrace.render.output import console, plain; "
        "print(os.environ.get('LC_CTYPE'), plain(console()))"
    )
    for lang, want in (("C", "True"), ("en_US.UTF-8", "False")):
        env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
        env["LANG"] = lang
        leader, follower = pty.openpty()
        try:
            subprocess.run([sys.executable, "-c", code], stdout=follower, env=env, check=True,
                           timeout=30)  # fmt: skip
            out = os.read(leader, 1000).decode()
        finally:
            os.close(leader)
            os.close(follower)
        assert out.split()[-1] == want, (lang, out)


@pytest.mark.parametrize(("lang", "tty", "mark"), [
    ("C", True, "..."), ("en_US.UTF-8", False, "..."), ("en_US.UTF-8", True, "\u2026"),
])  # fmt: skip
def test_a_cut_is_marked_with_ascii_when_the_output_is_plain(
    monkeypatch: pytest.MonkeyPatch, lang: str, tty: bool, mark: str
) -> None:
    for var in ("LC_ALL", "LC_CTYPE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", lang)
    buf = io.StringIO()
    con = Console(file=buf, width=200, force_terminal=tty, color_system=None)
    assert output.ellipsis(con) == mark
    assert output.cut(con, "x" * 50, 10) == "x" * (10 - len(mark)) + mark
    assert output.cut(con, "short", 10) == "short"
    stored = "fsockopen($h, 25); $pad = 'yyyy\u2026"  # cut when it was recorded
    assert output.shown(con, stored) == stored.replace("\u2026", mark)
    # the shared layouts print stored text that way: fields and indented blocks
    from spamtrace.render.layout import field

    field(con, "why:", stored, width=6)
    output.indented(con, stored)
    assert buf.getvalue().count(f"'yyyy{mark}\n") == 2, buf.getvalue()


def test_a_long_path_is_cut_after_a_slash_and_the_text_goes_on() -> None:
    path = "/home/shopkeeper/public_html/wp-content/uploads/2024/11/cache/wp-cache-handler.php"
    text = f"{path}: malicious, score 95 (php.mailer.base64_loop)"
    for width in range(30, 80):
        lines = output.wrap_keeping_code(text, width)
        assert all(len(line) <= width for line in lines)
        joined = lines[0]
        for line in lines[1:]:  # a cut inside the path: no space there
            joined += ("" if joined.endswith("/") else " ") + line
        assert joined == text and lines[0].endswith("/")
    # the words after the path fill the line the path ends on
    assert (
        output.wrap_keeping_code(text, 70)[1]
        == "wp-cache-handler.php: malicious, score 95 (php.mailer.base64_loop)"
    )
    assert output.wrap_keeping_code("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_a_field_beside_a_long_label_goes_under_it_on_a_narrow_terminal() -> None:
    """A label that leaves the text fewer than 20 columns (a rule id and its line number
    beside an excerpt, at 50 columns) ran the text past the edge, where it was cut: the text
    now goes on the next lines, two columns in. In a pipe it stays one whole line."""
    from spamtrace.render.layout import field

    text = 'system($_GET["c"]); echo "the rest of the line";'
    label = "shell.exec-request-input (+12, line 1): "
    buf = io.StringIO()
    field(Console(file=buf, width=50, force_terminal=True, color_system=None), label, text,
          indent=6)  # fmt: skip
    lines = buf.getvalue().splitlines()
    assert lines[0] == "      " + label.rstrip(), lines
    assert all(len(line) <= 50 and line.startswith("        ") for line in lines[1:]), lines
    assert "".join("".join(lines[1:]).split()) == "".join(text.split()), lines  # nothing cut
    buf = io.StringIO()
    field(Console(file=buf, width=50, force_terminal=False), label, text, indent=6)
    assert buf.getvalue() == f"      {label}{text}\n"


def test_a_code_span_longer_than_a_line_gets_a_line_of_its_own_whole() -> None:
    """audit's `disable_functions = fsockopen,...` fix was broken after the "=" at 80
    columns: pasted, the value went onto a line of its own and set nothing."""
    span = "`disable_functions = fsockopen,pfsockopen,stream_socket_client,socket_create`"
    text = f"In /etc/php/8.2/fpm/php.ini (or a conf.d file) set {span} only if no site needs them"
    for width in range(30, len(span)):
        lines = output.wrap_keeping_code(text, width)
        assert span in lines, (width, lines)
        assert all(len(line) <= width for line in lines if line != span)
    buf = io.StringIO()
    con = Console(file=buf, width=60, force_terminal=True, color_system=None)
    output.indented(con, text)
    assert "    " + span + "\n" in buf.getvalue()  # not folded by rich at the width
    # unclosed, or too long to be a line to paste: wrapped as text
    assert all(len(x) <= 40 for x in output.wrap_keeping_code("`" + "ab " * 40, 40))
    huge = "`" + "x " * (output.MAX_WHOLE_CODE // 2 + 10) + "`"
    assert all(len(x) <= 40 for x in output.wrap_keeping_code(huge, 40))
