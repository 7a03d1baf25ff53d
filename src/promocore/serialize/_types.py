"""What both profiles ask of a type annotation, and how they order sets."""

from __future__ import annotations

import enum
import types
from collections.abc import Set as AbstractSet
from typing import Any, Union, get_args, get_origin

#: The type of ``None``, as it appears in ``X | None``.
NONE = type(None)


def is_union(tp: Any) -> bool:
    """True for ``X | Y`` (and ``Optional[X]``)."""
    return get_origin(tp) in (Union, types.UnionType)


def is_enum(tp: Any) -> bool:
    """True for an enum class."""
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def is_set(tp: Any) -> bool:
    """True for ``frozenset[X]``, ``set[X]`` and the bare classes."""
    return tp in (frozenset, set) or get_origin(tp) in (frozenset, set, AbstractSet)


def is_sequence(tp: Any) -> bool:
    """True for ``tuple[...]``, ``list[X]`` and the bare classes."""
    return tp in (tuple, list) or get_origin(tp) in (tuple, list)


def is_pairs(tp: Any) -> bool:
    """True for ``tuple[tuple[str, X], ...]``: a frozen mapping, written as an object."""
    args = get_args(tp)
    if get_origin(tp) is not tuple or len(args) != 2 or args[1] is not Ellipsis:
        return False
    pair = get_args(args[0])
    return get_origin(args[0]) is tuple and len(pair) == 2 and pair[0] is str


def sorted_values(values: list[Any]) -> list[Any]:
    """The values in order, or in the order of their reprs when they do not compare."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)
