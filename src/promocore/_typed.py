"""Field types checked from annotations, so a wrong type is refused before any other check.

Decorate an attrs class with `typed_fields` (beneath its ``@attrs.frozen``): each field's
value is compared with its annotation (plain classes, ``X | None``, literals, enums (the
member or its exact value), and the container of tuples, frozensets and mappings, whose items
are left to the class; an ``int`` field refuses ``bool``; an annotation it cannot read is
taken on trust). Wrong types are refused together in one
[`WrongTypeError`][promocore.errors.WrongTypeError] naming each field, before the class's own
``__attrs_post_init__`` checks run on values of the right types.
"""

from __future__ import annotations

import collections.abc
import enum
import types
import typing
from collections.abc import Iterable
from typing import Any, TypeVar

import attrs

from promocore.validation import Checks

__all__ = ["check_field_types", "frozenset_of", "tuple_of", "typed_fields"]

C = TypeVar("C", bound=type)
T = TypeVar("T")


def tuple_of(values: Iterable[T]) -> tuple[T, ...]:
    """``tuple(values)`` for a converter; anything not iterable is kept for the type check."""
    if isinstance(values, Iterable):
        return tuple(values)
    return values


def frozenset_of(values: Iterable[T]) -> frozenset[T]:
    """``frozenset(values)`` for a converter; anything not iterable is kept for the type check."""
    if isinstance(values, Iterable):
        return frozenset(values)
    return values


def typed_fields(cls: C) -> C:
    """Make ``cls`` check its fields' types first in ``__attrs_post_init__``."""
    own = cls.__dict__.get("__attrs_post_init__")

    def __attrs_post_init__(self: Any) -> None:
        checks = Checks()
        check_field_types(checks, self)
        checks.raise_if_any()
        if own is not None:
            own(self)

    cls.__attrs_post_init__ = __attrs_post_init__  # type: ignore[attr-defined]
    return cls


def check_field_types(checks: Checks, obj: Any) -> None:
    """Record a wrong type for each attrs field of ``obj`` that does not match its annotation."""
    cls = type(obj)
    hints = _hints(cls)
    for field in attrs.fields(cls):
        hint = hints.get(field.name)
        if hint is None:
            continue
        value = getattr(obj, field.name)
        if not _conforms(value, hint):
            checks.add_type(field.name, f"must be {_describe(hint)}, got {type(value).__name__}")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        try:
            found = typing.get_type_hints(cls)
        except Exception:  # an annotation only a type checker can read: trust the values
            found = {}
        _HINTS[cls] = found
    return found


def _conforms(value: object, hint: Any) -> bool:
    if hint is Any or hint is object or isinstance(hint, TypeVar):
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return any(_conforms(value, arm) for arm in args)
    if origin is typing.Literal:
        return value in args
    if origin in (tuple, frozenset, set, list):
        return isinstance(value, origin)  # the items are the class's own checks
    if origin in (dict, collections.abc.Mapping):
        return isinstance(value, collections.abc.Mapping)
    if origin is not None:
        return _isinstance(value, origin)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        # an option: the member or its exact value (the class converts the value)
        return isinstance(value, hint) or any(
            type(value) is type(m.value) and value == m.value for m in hint
        )
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return _isinstance(value, hint)


def _isinstance(value: object, cls: Any) -> bool:
    try:
        return isinstance(value, cls)
    except TypeError:  # a protocol or alias isinstance cannot answer: trust the value
        return True


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return " or ".join(_describe(arm) for arm in typing.get_args(hint))
    if hint is None or hint is type(None):
        return "None"
    if origin is not None:
        return f"a {getattr(origin, '__name__', str(origin))}"
    return f"a {getattr(hint, '__name__', str(hint))}"
