"""spamtrace.record: frozen, slotted records behave like frozen dataclasses where it matters."""

from __future__ import annotations

import copy
import pickle

import pytest

from spamtrace import record
from spamtrace.record import FrozenRecordError, Record, field


class Point(Record):
    x: int
    y: int = 0


class Tagged(Record):
    name: str
    tags: list[str] = field(default_factory=list)
    seen_by: dict[str, int] = field(default_factory=dict, compare=False)


class Point3(Point):
    z: int = 0


def test_construction_positional_keyword_and_defaults() -> None:
    assert (Point(1).x, Point(1).y) == (1, 0)
    assert Point(1, 2) == Point(x=1, y=2) == Point(1, y=2)
    assert record.fields(Point) == ("x", "y") and record.fields(Point(1)) == ("x", "y")


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing field 'x'"),
        ((1, 2, 3), {}, "takes 2 fields"),
        ((1,), {"x": 2}, "unexpected"),
        ((1,), {"w": 2}, "unexpected"),
    ],
)
def test_bad_construction_is_a_type_error(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)


def test_frozen_and_slotted() -> None:
    p = Point(1, 2)
    with pytest.raises(FrozenRecordError):
        p.x = 5  # type: ignore[misc]
    with pytest.raises(FrozenRecordError):
        del p.y  # type: ignore[misc]
    with pytest.raises(AttributeError):
        object.__getattribute__(p, "__dict__")
    assert Point.__slots__ == ("x", "y") and Point3.__slots__ == ("z",)


def test_equality_hash_and_repr() -> None:
    assert Point(1, 2) != Point(2, 1)
    assert Point(1, 2) != Point3(1, 2)  # another type, even with the same leading fields
    assert (Point(1, 2) == (1, 2)) is False
    assert len({Point(1, 2), Point(1, 2), Point(2, 2)}) == 2
    assert repr(Point3(1, 2, 3)) == "Point3(x=1, y=2, z=3)"


def test_default_factory_makes_a_new_value_per_record_and_compare_false_is_ignored() -> None:
    a, b = Tagged("a"), Tagged("a")
    a.tags.append("x")
    assert b.tags == []
    a.seen_by["host"] = 1
    assert Tagged("a", ["x"]) == a  # seen_by is left out of ==
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)  # like a frozen dataclass: hashable when its compared fields are
    assert Tagged("a") != Tagged("b")


def test_replace_makes_a_changed_copy() -> None:
    p = Point3(1, 2, 3)
    q = record.replace(p, y=9)
    assert (p.y, q.y, type(q)) == (2, 9, Point3)
    with pytest.raises(TypeError, match="no field"):
        record.replace(p, w=1)


def test_pickle_copy_and_match() -> None:
    p = Point3(1, 2, 3)
    assert pickle.loads(pickle.dumps(p)) == p
    t = Tagged("a", ["x"])
    deep = copy.deepcopy(t)
    assert deep == t and deep.tags is not t.tags
    match p:
        case Point3(x, y, z):
            assert (x, y, z) == (1, 2, 3)
        case _:
            pytest.fail("positional pattern did not match")


def test_is_record() -> None:
    assert record.is_record(Point(1)) and not record.is_record(Point)
    assert not record.is_record((1, 2))


def test_field_order_rules() -> None:
    with pytest.raises(TypeError, match="without a default follows a default"):

        class Bad(Record):
            a: int = 0
            b: int

    with pytest.raises(TypeError, match="already defined"):

        class Again(Point):
            x: int
