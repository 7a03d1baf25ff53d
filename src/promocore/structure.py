"""Turning plain data (TOML/JSON dicts) into typed attrs objects and back.

Amounts are strings (or ints) in major units of a currency given by the caller;
percentages and rates are strings. Every problem is collected with its path, so
one error lists all of them.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs

from promocore.errors import FloatRefusedError, PromocoreError, ValidationError
from promocore.money import Money, to_decimal
from promocore.validation import Checks

T = TypeVar("T")

_MISSING = object()


def structure(cls: type[T], raw: object, *, currency: str, path: str = "") -> T:
    """Build an instance of the attrs class ``cls`` from plain data.

    Args:
        cls: An attrs class whose fields use the types this module knows: ``str``,
            ``int``, ``bool``, ``Decimal``, ``Money``, ``datetime``, enums, attrs classes,
            ``tuple[X, ...]``, ``frozenset[str]``, ``X | None`` and unions of these.
        raw: A mapping of field names to plain values.
        currency: Currency of every ``Money`` field.
        path: Path prefix for error messages.

    Raises:
        ValidationError: every problem found, each with its path.
    """
    result = _value(cls, raw, currency, path)
    return typing.cast(T, result)


def _value(tp: Any, raw: object, currency: str, path: str) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return _union(tp, raw, currency, path)
    if tp is Any:
        return raw
    if tp in (Money, Decimal, datetime):
        return _scalar(tp, raw, currency, path)
    if attrs.has(tp):
        return _attrs(tp, raw, currency, path)
    if origin is tuple:
        return _sequence(get_args(tp)[0], raw, currency, path)
    if origin is frozenset or tp is frozenset:
        args = get_args(tp)
        items = _sequence(args[0] if args else str, raw, currency, path)
        return frozenset(items)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum(tp, raw, path)
    return _scalar(tp, raw, currency, path)


def _fail(path: str, message: str) -> ValidationError:
    return ValidationError.single(path, message)


def _union(tp: Any, raw: object, currency: str, path: str) -> Any:
    options = [a for a in get_args(tp) if a is not type(None)]
    if raw is None:
        if type(None) in get_args(tp):
            return None
        raise _fail(path, "must not be empty")
    if int in options and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    errors: list[ValidationError] = []
    for option in options:
        try:
            return _value(option, raw, currency, path)
        except ValidationError as exc:
            errors.append(exc)
    raise errors[0] if len(errors) == 1 else _fail(path, f"{raw!r} is not a valid value")


def _sequence(item: Any, raw: object, currency: str, path: str) -> tuple[Any, ...]:
    if isinstance(raw, str | bytes) or not isinstance(raw, list | tuple | set | frozenset):
        raise _fail(path, "must be a list")
    checks = Checks()
    out = []
    for i, element in enumerate(raw):
        try:
            out.append(_value(item, element, currency, f"{path}[{i}]"))
        except ValidationError as exc:
            checks.absorb(exc)
    checks.raise_if_any()
    return tuple(out)


def _enum(tp: type[enum.Enum], raw: object, path: str) -> enum.Enum:
    if isinstance(raw, tp):
        return raw
    names = {member.name.lower(): member for member in tp}
    values = {str(member.value): member for member in tp if isinstance(member.value, str)}
    if isinstance(raw, str):
        key = raw.strip()
        if key in values:
            return values[key]
        if key.lower() in names:
            return names[key.lower()]
    allowed = ", ".join(sorted(values) or sorted(names))
    raise _fail(path, f"{raw!r} is not one of: {allowed}")


def _scalar(tp: Any, raw: object, currency: str, path: str) -> Any:
    try:
        if tp is Money:
            if isinstance(raw, Money):
                return raw
            return Money.parse(raw, currency)
        if tp is Decimal:
            return to_decimal(raw, "value")
    except FloatRefusedError:
        raise _fail(path, f"write {raw!r} as a string (floats are refused)") from None
    except PromocoreError as exc:
        message = str(exc).removeprefix("value: ").removeprefix("amount: ")
        raise _fail(path, message) from None
    if tp is bool:
        if isinstance(raw, bool):
            return raw
        raise _fail(path, "must be true or false")
    if tp is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        raise _fail(path, "must be a whole number")
    if tp is str:
        if isinstance(raw, str):
            return raw
        raise _fail(path, "must be a string")
    if tp is datetime:
        if isinstance(raw, datetime):
            value = raw
        elif isinstance(raw, str):
            try:
                value = datetime.fromisoformat(raw)
            except ValueError:
                raise _fail(path, f"{raw!r} is not an ISO 8601 time") from None
        else:
            raise _fail(path, "must be an ISO 8601 time")
        if value.utcoffset() is None:
            raise _fail(path, "must carry a UTC offset (e.g. +08:00)")
        return value
    raise _fail(path, f"cannot read a value of type {tp!r}")


def _attrs(cls: Any, raw: object, currency: str, path: str) -> Any:
    if isinstance(raw, cls):
        return raw
    if not isinstance(raw, Mapping):
        raise _fail(path, "must be a table/object")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in attrs.fields(cls)}
    checks = Checks()
    for key in raw:
        if key not in fields:
            checks.add(_join(path, str(key)), f"unknown field (known: {', '.join(fields)})")
    kwargs: dict[str, Any] = {}
    for name, field in fields.items():
        value = raw.get(name, _MISSING)
        if value is _MISSING:
            if field.default is attrs.NOTHING:
                checks.add(_join(path, name), "is required")
            continue
        try:
            kwargs[name] = _value(hints[name], value, currency, _join(path, name))
        except ValidationError as exc:
            checks.absorb(exc)
    checks.raise_if_any()
    try:
        return cls(**kwargs)
    except ValidationError as exc:
        raise exc.prefixed(path) from None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def unstructure(value: object) -> Any:
    """Turn an attrs object (or a value inside one) into plain TOML/JSON-ready data.

    ``structure(type(x), unstructure(x), currency=...)`` gives back ``x``.
    """
    if isinstance(value, Money):
        return value.format()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value if isinstance(value.value, str) else value.name.lower()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(unstructure(v) for v in value)
    if isinstance(value, tuple | list):
        return [unstructure(v) for v in value]
    if attrs.has(type(value)):
        out = {}
        for field in attrs.fields(typing.cast(Any, type(value))):
            item = getattr(value, field.name)
            if field.default is not attrs.NOTHING and _is_default(field, item):
                continue
            out[field.name] = unstructure(item)
        return out
    return value


def _is_default(field: attrs.Attribute[Any], item: object) -> bool:
    return bool(field.default == item)
