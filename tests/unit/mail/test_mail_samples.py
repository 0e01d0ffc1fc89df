"""Every sample line of samples/*.log against the fields written above it (fail2ban-style).

A sample file holds log lines, each preceded by ``# expect: JSON``: an object of the
:class:`MailLogged` fields the line must give (only those are compared), ``null`` when the
line is not about a message, or ``"malformed"`` when the parser must reject it. A line
without an expectation, or an expectation without a line, fails the test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from spamtrace.sources.maillog import exim, phpmail, postfix
from spamtrace.sources.maillog.event import MailLogged, MalformedLine

SAMPLES = Path(__file__).resolve().parent / "samples"
PARSERS: dict[str, Callable[[str], MailLogged | None]] = {
    "exim.log": lambda line: exim.parse_line(line, 0),
    "exim-auth-abuse.log": lambda line: exim.parse_line(line, 0),
    "postfix.log": lambda line: postfix.parse_line(line, 2026, 0),
    "postfix-auth-abuse.log": lambda line: postfix.parse_line(line, 2026, 0),
    "postfix-auth-forged.log": lambda line: postfix.parse_line(line, 2026, 0),
    "php-mail.log": lambda line: phpmail.parse_line(line, 2026, 0),
}


def samples(name: str) -> list[tuple[int, object, str]]:
    """(line number, expectation, line) of one sample file."""
    out: list[tuple[int, object, str]] = []
    expect: object = ...
    for number, line in enumerate((SAMPLES / name).read_text().splitlines(), 1):
        if line.startswith("# expect: "):
            assert expect is ..., f"{name}:{number}: two expectations in a row"
            expect = json.loads(line[len("# expect: ") :])
        elif line.startswith("#") or not line.strip():
            continue
        else:
            assert expect is not ..., f"{name}:{number}: sample line without # expect:"
            out.append((number, expect, line))
            expect = ...
    assert expect is ..., f"{name}: an expectation without its line at the end"
    return out


def test_every_sample_file_has_a_parser() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.log")) == sorted(PARSERS)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_samples(name: str) -> None:
    parse = PARSERS[name]
    cases = samples(name)
    assert len(cases) >= 8
    for number, expect, line in cases:
        where = f"{name}:{number}: {line[:80]}"
        if expect == "malformed":
            with pytest.raises(MalformedLine):
                parse(line)
            continue
        got = parse(line)
        if expect is None:
            assert got is None, where
            continue
        assert isinstance(expect, dict) and got is not None, where
        for key, value in expect.items():
            have = getattr(got, key)
            if isinstance(have, tuple):
                have = list(have)
            if key == "action":
                have = have.value
            assert have == value, f"{where}: {key} is {have!r}, expected {value!r}"
