"""Deriving strategies for attrs params types from their field types."""

from __future__ import annotations

import enum
import types
import typing
import warnings
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import attrs
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from promocore.errors import ValidationError
from promocore.mechanic import Mechanic
from promocore.money import Money
from promocore.testing.profiles import profile_of
from promocore.testing.strategies._money import moments, money, rates

T = TypeVar("T")

_OMIT = object()
_IDENTIFIERS = st.from_regex(r"[a-z][a-z0-9-]{0,7}", fullmatch=True)


#: How many times the fields named in a refusal are drawn again before giving up.
RETRIES = 8


def _kwargs(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not _OMIT}


def _field_of(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


@st.composite
def _instances(draw: st.DrawFn, cls: Any, parts: Mapping[str, st.SearchStrategy[Any]]) -> Any:
    """Draw every field, then draw again the fields the class refuses, a few times."""
    values = {name: draw(strategy) for name, strategy in parts.items()}
    for _ in range(RETRIES):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # advice a class gives about its own values
                return cls(**_kwargs(values))
        except ValidationError as exc:
            named = sorted({_field_of(p.path) for p in exc.problems} & set(parts))
            if not named:
                break
            for name in named:
                values[name] = draw(parts[name])
        except (ValueError, TypeError):
            break
    assume(False)
    raise AssertionError("unreachable")


def from_attrs(
    cls: type[T],
    *,
    currency: str = "CNY",
    fields: Mapping[str, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[T]:
    """Draw valid instances of the attrs class ``cls`` from its field types.

    Each field gets a strategy from its annotation: ``Money`` in ``currency``,
    ``Decimal`` rates and percentages, small ``int`` values, enums, nested attrs classes,
    ``tuple[X, ...]``, ``frozenset[X]``, ``X | None`` and unions. A field with a default is
    sometimes left out. When the class refuses the values with a
    [`ValidationError`][promocore.errors.ValidationError], the fields its problems name are drawn
    again (up to `RETRIES` times); what still fails is filtered away, so only
    valid instances come out.

    Args:
        cls: An attrs class, such as a mechanic's ``params_type``.
        currency: Currency of every ``Money`` field.
        fields: Strategies for some fields by name, used instead of the derived ones
            (for constraints between fields that filtering would rarely meet).

    Raises:
        InvalidArgument: ``cls`` is not an attrs class, or a field's type cannot be
            derived (give it in ``fields`` or register a params strategy).
    """
    if not attrs.has(cls):
        raise InvalidArgument(f"{cls!r} is not an attrs class")
    given = dict(fields or {})
    hints = typing.get_type_hints(cls)
    parts: dict[str, st.SearchStrategy[Any]] = {}
    for field in attrs.fields(cls):
        if not field.init:
            continue
        name = field.alias or field.name
        if field.name in given:
            strategy = given.pop(field.name)
        else:
            strategy = for_type(
                hints.get(field.name, Any), currency=currency, path=f"{cls.__name__}.{field.name}"
            )
        if field.default is not attrs.NOTHING:
            strategy = st.just(_OMIT) | strategy
        parts[name] = strategy
    if given:
        raise InvalidArgument(f"{cls.__name__} has no fields {sorted(given)}")
    return _instances(cls, parts)


def for_type(tp: Any, *, currency: str = "CNY", path: str = "value") -> st.SearchStrategy[Any]:
    """Return the strategy `from_attrs` uses for one field annotation.

    Raises:
        InvalidArgument: the type is not one promocore's config loader reads.
    """
    origin = get_origin(tp)
    args = get_args(tp)
    if origin in (Union, types.UnionType):
        options = sorted(args, key=lambda a: a is not type(None))
        return st.one_of([for_type(a, currency=currency, path=path) for a in options])
    if tp is type(None):
        return st.none()
    if origin is Literal:
        return st.sampled_from(args)
    if tp is Money:
        return money(currency=currency, max_value=200_000)
    if tp is Decimal:
        return rates(max_value=1) | rates(max_value=100, places=1)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(0, 20) | st.integers(0, 1000)
    if tp is str:
        return _IDENTIFIERS
    if tp is datetime:
        return moments()
    if tp is timedelta:
        return st.integers(1, 60 * 24 * 30).map(lambda m: timedelta(minutes=m))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if isinstance(tp, type) and attrs.has(tp):
        return from_attrs(tp, currency=currency)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = for_type(args[0], currency=currency, path=f"{path}[]")
            return st.lists(item, max_size=3).map(tuple)
        return st.tuples(*(for_type(a, currency=currency, path=path) for a in args))
    if origin is frozenset or tp is frozenset:
        item = for_type(args[0] if args else str, currency=currency, path=f"{path}[]")
        return st.frozensets(item, max_size=3)
    raise InvalidArgument(
        f"{path}: cannot derive a strategy for {tp!r}; give one in fields= or give the "
        "mechanic a params strategy (promocore.testing.register_profile)"
    )


def params_for(mechanic: Mechanic, *, currency: str = "CNY") -> st.SearchStrategy[Any]:
    """Draw valid params for ``mechanic`` in ``currency``.

    Uses the mechanic's own ``params_strategy``, else a registered profile, else
    [`from_attrs`][promocore.testing.strategies._params.from_attrs] over its ``params_type``.
    """
    profile = profile_of(mechanic)
    if profile.params is not None:
        return profile.params(currency)
    return from_attrs(mechanic.params_type, currency=currency)
