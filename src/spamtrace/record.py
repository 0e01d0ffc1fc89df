"""Frozen, slotted record classes: the shape of a frozen dataclass, without its start-up cost.

Why not ``dataclasses``: on these machines importing it costs ~40 ms (it pulls in ``inspect``,
``ast``, ``dis`` and ``tokenize``), and each ``@dataclass(frozen=True, slots=True)`` class
costs ~1-2 ms more to build (it compiles its generated methods at import time). The domain
model and the config are imported by every command, and ``spamtrace check`` is meant to answer
in a few tens of milliseconds, about what the interpreter alone takes to start. A record class
is built by a small metaclass without compiling anything, and behaves like a frozen, slotted
dataclass where spamtrace relies on it:

- fields are the class's annotations, in order; a class attribute gives a field's default,
  :func:`field` one made per instance (``default_factory``) or left out of ``==``;
- keyword or positional construction, checked (missing or unknown fields raise ``TypeError``);
- immutable (assignment raises :class:`FrozenRecordError`), ``__slots__``, ``==`` and
  ``hash`` over the fields (and the type), a ``repr`` like a dataclass's, ``__match_args__``,
  pickling and copying;
- :func:`replace` (a changed copy), :func:`fields` (the names) and :func:`is_record`.

For type checkers the metaclass is marked with :pep:`681` ``dataclass_transform``, so mypy
checks constructor calls and forbids assignment exactly as for a frozen dataclass.

Subclassing a record adds fields after the base's.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported at run time (it costs ~15 ms here)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, ClassVar, TypeVar

    from typing_extensions import dataclass_transform

    R = TypeVar("R", bound="Record")
    T = TypeVar("T")
else:

    def dataclass_transform(**_kwargs: object) -> object:
        return lambda cls: cls


class FrozenRecordError(AttributeError):
    """An attempt to change a field of a record (records are immutable)."""


class _Field:
    """What :func:`field` returns: a default made per instance, and whether ``==`` sees it."""

    __slots__ = ("compare", "default_factory")

    def __init__(self, default_factory: Callable[[], object], compare: bool) -> None:
        self.default_factory = default_factory
        self.compare = compare


def field(*, default_factory: Callable[[], T], compare: bool = True) -> T:
    """A field whose default is made anew for each record (``default_factory``), and which
    ``==`` and ``hash`` may ignore (``compare=False``), as with ``dataclasses.field``."""
    return _Field(default_factory, compare)  # type: ignore[return-value]


@dataclass_transform(frozen_default=True, eq_default=True, field_specifiers=(field,))
class _RecordMeta(type):
    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> _RecordMeta:
        if "__slots__" in namespace:  # the base class itself: nothing to build
            return super().__new__(mcs, name, bases, namespace, **kwargs)
        inherited: tuple[str, ...] = ()
        defaults: dict[str, object] = {}
        for base in reversed(bases):
            inherited += tuple(f for f in getattr(base, "_record_fields", ()) if f not in inherited)
            defaults.update(getattr(base, "_record_defaults", {}))
        own: list[str] = []
        for field, kind in namespace.get("__annotations__", {}).items():
            if isinstance(kind, str) and kind.startswith(("ClassVar", "typing.ClassVar")):
                continue
            if field in inherited:
                raise TypeError(f"{name}: field {field!r} is already defined by a base record")
            own.append(field)
            if field in namespace:  # a default: kept aside (it would clash with the slot)
                defaults[field] = namespace.pop(field)
        all_fields = inherited + tuple(own)
        ignored = {f for f, d in defaults.items() if isinstance(d, _Field) and not d.compare}
        for base in bases:
            ignored |= set(getattr(base, "_record_fields", ())) - set(
                getattr(base, "_record_compared", ())
            )
        seen_default = False
        for field in all_fields:
            if field in defaults:
                seen_default = True
            elif seen_default:
                raise TypeError(f"{name}: field {field!r} without a default follows a default")
        namespace["__slots__"] = tuple(own)
        namespace["_record_fields"] = all_fields
        namespace["_record_defaults"] = defaults
        namespace["_record_compared"] = tuple(f for f in all_fields if f not in ignored)
        namespace["__match_args__"] = all_fields
        return super().__new__(mcs, name, bases, namespace, **kwargs)


class Record(metaclass=_RecordMeta):
    """Base of the frozen record classes (see the module docstring)."""

    __slots__ = ()
    _record_fields: ClassVar[tuple[str, ...]] = ()
    _record_defaults: ClassVar[dict[str, object]] = {}
    _record_compared: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = self._record_fields
        if len(args) > len(names):
            raise TypeError(
                f"{type(self).__name__}() takes {len(names)} fields, {len(args)} were given"
            )
        put = object.__setattr__
        for field, value in zip(names, args, strict=False):
            put(self, field, value)
        defaults = self._record_defaults
        for field in names[len(args) :]:
            if field in kwargs:
                put(self, field, kwargs.pop(field))
            elif field in defaults:
                default = defaults[field]
                put(self, field, default.default_factory() if type(default) is _Field else default)
            else:
                raise TypeError(f"{type(self).__name__}() missing field {field!r}")
        if kwargs:
            raise TypeError(f"{type(self).__name__}() got unexpected field(s) {sorted(kwargs)}")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, f) for f in self._record_fields)

    def _compared(self) -> tuple[object, ...]:
        return tuple(getattr(self, f) for f in self._record_compared)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen record")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete field {name!r} of a frozen record")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.__class__, self._compared()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._record_fields)
        return f"{type(self).__qualname__}({inner})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.__class__, self._values()))


def _rebuild(cls: type[R], values: tuple[object, ...]) -> R:
    return cls(*values)


def is_record(value: object) -> bool:
    """True for a record instance (not for a record class)."""
    return isinstance(value, Record)


def fields(record: Record | type[Record]) -> tuple[str, ...]:
    """The field names of a record or record class, in order."""
    return record._record_fields


def replace(record: R, **changes: Any) -> R:
    """A copy of ``record`` with ``changes`` applied (like ``dataclasses.replace``)."""
    unknown = set(changes) - set(record._record_fields)
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field(s) {sorted(unknown)}")
    values = {f: changes[f] if f in changes else getattr(record, f) for f in record._record_fields}
    return type(record)(**values)
