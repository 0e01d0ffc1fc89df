"""JSON documents: ``dump_json`` writes the text ``json.dumps(..., indent=2)`` writes, from
records, dataclasses, enums and odd strings (each dataclass's fields looked up once per class)."""

from __future__ import annotations

import enum
import io
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from spamtrace.render import output


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


@dataclass(frozen=True)
class Inner:
    name: str
    level: Level


@dataclass(frozen=True)
class Outer:
    path: str
    colour: Colour
    items: tuple[Inner, ...]
    extra: dict[Any, Any]
    tags: frozenset[str]


def _written(doc: Any) -> str:
    buf = io.StringIO()
    output.dump_json(doc, buf)
    return buf.getvalue()


def test_records_enums_and_odd_strings_as_json_dumps_writes_them() -> None:
    rec = Outer(
        path="a\udcff\nb\x1b[2J\u2028é😀",
        colour=Colour.RED,
        items=(Inner("x", Level.HIGH), Inner("", Level.HIGH)),
        extra={1: [], "k": {}, "f": -0.0, "g": 1e300, "n": None, "t": True, "e": {"a": [[]]}},
        tags=frozenset({"only"}),
    )
    doc = {"schema": "x/1", "files": [rec, rec], "summary": {"seconds": 0.1, "files": 2}}
    text = _written(doc)
    assert text == json.dumps(output.to_jsonable(doc), indent=2) + "\n"
    back = json.loads(text)
    assert back["files"][0]["path"] == "a\\xff\nb\x1b[2J\u2028é😀"  # the byte as text
    assert back["files"][0]["items"][0]["level"] == 3
    assert back["files"][0]["extra"]["1"] == []


_plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_plain)
def test_a_plain_document_is_left_as_it_is(doc: Any) -> None:
    """The per-class fast path of ``to_jsonable`` changes no plain value (a str subclass or
    a bool is not taken for an int's or a str's exact class)."""
    assert output.to_jsonable(doc) == doc
    assert _written(doc) == json.dumps(doc, indent=2) + "\n"
