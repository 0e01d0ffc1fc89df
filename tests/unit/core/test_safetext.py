"""Attacker-controlled strings print as one visible line, losing nothing."""

from __future__ import annotations

import json
import os

from hypothesis import given
from hypothesis import strategies as st

from spamtrace.safetext import (
    decode_os,
    escape,
    escape_argv,
    escape_message,
    json_safe,
    shell_quote,
)


def test_newline_and_ansi_escape_are_made_visible() -> None:
    evil = "/home/u/x.php\n[ok] nothing here\x1b[2J\x1b]0;pwned\x07"
    out = escape(evil)
    assert "\n" not in out and "\x1b" not in out and "\x07" not in out
    assert out == "/home/u/x.php\\n[ok] nothing here\\x1b[2J\\x1b]0;pwned\\x07"


def test_bidi_override_and_line_separator_are_escaped() -> None:
    assert escape("a\u202eb\u2028c") == "a\\u202eb\\u2028c"


def test_printable_unicode_is_kept() -> None:
    assert escape("/home/josé/日本.php") == "/home/josé/日本.php"


def test_undecodable_bytes_become_hex() -> None:
    raw = b"/tmp/\xff\xfeevil"
    assert escape(raw) == "/tmp/\\xff\\xfeevil"
    assert json_safe(decode_os(raw)) == "/tmp/\\xff\\xfeevil"
    json.dumps(json_safe(decode_os(raw)))  # encodable


def test_backslash_is_escaped_so_output_is_unambiguous() -> None:
    assert escape("a\\nb") == "a\\\\nb"
    assert escape("a\nb") != escape("a\\nb")


def test_truncation_marks_the_cut() -> None:
    assert escape("x" * 50, max_len=10) == "x" * 9 + "…"


def test_truncate_keeps_what_fits_and_counts_the_marker() -> None:
    from spamtrace.safetext import truncate

    assert truncate("x" * 10, 10) == "x" * 10
    assert truncate("abcdefghijk", 10, "...") == "abcdefg..."
    assert truncate("abcdefghijk", 2, "...") == ".."  # never longer than asked


def test_escape_argv_keeps_arguments_apart() -> None:
    assert escape_argv(["php", "a b.php", "x\ny"]) == "php a b.php x\\ny"


@given(st.binary(max_size=200))
def test_any_bytes_escape_to_one_printable_line(raw: bytes) -> None:
    out = escape(raw)
    assert "\n" not in out and "\r" not in out
    assert all(ch.isprintable() for ch in out)
    # nothing lost: same bytes give the same text, different bytes differ
    assert escape(os.fsdecode(raw)) == out


@given(st.binary(max_size=64), st.binary(max_size=64))
def test_escaping_is_injective(a: bytes, b: bytes) -> None:
    if a != b:
        assert escape(a) != escape(b)


@given(st.lists(st.binary(max_size=40).filter(lambda b: b"\0" not in b), min_size=1, max_size=8))
def test_shell_quote_gives_back_the_exact_bytes_in_bash(values: list[bytes]) -> None:
    """A path or mailbox in a "what to do" command: one printable word (no control character
    reaches the terminal, also after escape_message) that bash turns back into its exact
    bytes, whatever the locale."""
    import subprocess

    words = [shell_quote(os.fsdecode(v)) for v in values]
    assert all(escape_message(w) == w and w.isprintable() for w in words), words
    script = "for a in " + " ".join(words) + '; do printf "%s\\0" "$a"; done'
    out = subprocess.run(
        ["bash", "-c", script], capture_output=True, check=True, env={"LC_ALL": "C"}
    ).stdout
    assert out.split(b"\0")[:-1] == values


def test_escape_command_keeps_backslashes_and_escapes_controls() -> None:
    assert escape_message(r"exiqgrep -f '^<a@b\.example>$'") == r"exiqgrep -f '^<a@b\.example>$'"
    assert escape_message("x\x1b[2J y\n") == "x\\x1b[2J y\\n"
