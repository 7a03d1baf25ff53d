"""The human profile: what people write and read (files, quotes, CLI JSON, analytics).

Money is a string of major units (``"383.50"``) in a currency the document states
once; whole numbers and amounts may be written as numbers or strings; floats are
refused wherever exactness matters. Structuring reports every problem with its path.
"""

from __future__ import annotations

import contextvars
import enum
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from promocore.errors import FloatRefusedError, Problem, PromocoreError, ValidationError
from promocore.limits import MAX_WHOLE_DIGITS
from promocore.measure import measure_choices
from promocore.money import Money, Rounding, to_decimal
from promocore.serialize._problems import problems_of
from promocore.serialize._types import (
    NONE,
    is_enum,
    is_pairs,
    is_sequence,
    is_set,
    is_union,
    sorted_values,
)

#: The currency amounts are read in while a document is structured.
CURRENCY: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "promocore_currency", default=None
)
#: ``Money`` or ``int``: how ``Money | int`` values are read inside a class that decides it.
MEASURE: contextvars.ContextVar[type | None] = contextvars.ContextVar(
    "promocore_measure", default=None
)

_WHOLE = re.compile(rf"[+-]?[0-9]{{1,{MAX_WHOLE_DIGITS}}}")


def _fail(message: str) -> ValidationError:
    return ValidationError.single("", message)


def refuse_float(value: object) -> ValidationError:
    """The problem of a float written where an exact number is needed."""
    return _fail(f"write {value!r} as a string (floats are refused)")


# --- reading scalars ---------------------------------------------------------------------


def _str(raw: object, tp: Any) -> Any:
    if tp is not str:
        return _enum(raw, tp)
    if isinstance(raw, str):
        return raw
    raise _fail("must be a string")


def _bool(raw: object, _: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    raise _fail("must be true or false")


def _int(raw: object, tp: Any) -> Any:
    if tp is not int:
        return _enum(raw, tp)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()):
        return int(raw.strip())
    if isinstance(raw, float):
        raise _fail(f"must be a whole number, got {raw!r} (floats are refused)")
    if isinstance(raw, str):
        raise _fail(f"must be a whole number, got {raw!r}")
    raise _fail("must be a whole number")


def _float(raw: object, tp: Any) -> Any:
    if tp is not float:
        return _enum(raw, tp)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    raise _fail("must be a number")


def _decimal(raw: object, _: Any) -> Decimal:
    try:
        return to_decimal(raw, "value")
    except FloatRefusedError:
        raise refuse_float(raw) from None
    except PromocoreError as exc:
        raise _fail(_bare(exc)) from None


def _money(raw: object, _: Any) -> Money:
    if isinstance(raw, Money):
        return raw
    currency = CURRENCY.get()
    if currency is None:
        raise _fail("no currency to read the amount in")
    try:
        return Money.parse(raw, currency)
    except FloatRefusedError:
        raise refuse_float(raw) from None
    except PromocoreError as exc:
        raise _fail(_bare(exc)) from None


def _bare(error: BaseException) -> str:
    return str(error).removeprefix("value: ").removeprefix("amount: ")


def _datetime(raw: object, _: Any) -> datetime:
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise _fail(f"{raw!r} is not an ISO 8601 time") from None
    else:
        raise _fail("must be an ISO 8601 time")
    if value.utcoffset() is None:
        raise _fail("must carry a UTC offset (e.g. +08:00)")
    return value


_MICROSECOND = timedelta(microseconds=1)
_SECOND = 1_000_000


def _timedelta(raw: object, _: Any) -> timedelta:
    if isinstance(raw, timedelta):
        return raw
    if isinstance(raw, float):
        raise refuse_float(raw)
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise _fail('must be a number of seconds (an integer, or a string such as "90.5")')
    try:
        seconds = to_decimal(raw, "value")
    except PromocoreError as exc:
        raise _fail(_bare(exc)) from None
    micro = seconds * _SECOND
    if micro != micro.to_integral_value():
        raise _fail(f"{raw!r} has more decimals than a microsecond")
    try:
        return timedelta(microseconds=int(micro))
    except OverflowError:
        raise _fail(f"{raw!r} seconds is out of range") from None


def timedelta_text(value: timedelta) -> int | str:
    """A duration as whole seconds, or a string of seconds to the microsecond (``"90.5"``)."""
    micro = value // _MICROSECOND
    if micro % _SECOND == 0:
        return micro // _SECOND
    return str(Decimal(micro).scaleb(-6).normalize())


def _date(raw: object, _: Any) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise _fail(f"{raw!r} is not an ISO 8601 date") from None
    raise _fail("must be an ISO 8601 date")


def _time(raw: object, _: Any) -> time:
    if isinstance(raw, time):
        value = raw
    elif isinstance(raw, str):
        try:
            value = time.fromisoformat(raw)
        except ValueError:
            raise _fail(f"{raw!r} is not a time of day (19:00)") from None
    else:
        raise _fail("must be a time of day (19:00)")
    if value.tzinfo is not None:
        raise _fail("must not carry a UTC offset")
    return value


def _time_text(value: time) -> str:
    if value.microsecond:
        return value.isoformat()
    return value.isoformat(timespec="minutes" if not value.second else "seconds")


def _enum(raw: object, tp: type[enum.Enum]) -> enum.Enum:
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
    if tp is Rounding:
        allowed = ", ".join(member.name.lower() for member in Rounding)
    raise _fail(f"{raw!r} is not one of: {allowed}")


def enum_text(value: enum.Enum) -> Any:
    """How an enum member is written: its string value, else its lower-case name."""
    if isinstance(value, Rounding) or not isinstance(value.value, str):
        return value.name.lower()
    return value.value


# --- reading containers ------------------------------------------------------------------


def _listed(raw: object) -> list[Any]:
    if isinstance(raw, str | bytes | Mapping) or not isinstance(
        raw, list | tuple | set | frozenset
    ):
        raise _fail("must be a list")
    return list(raw)


def _each(converter: cattrs.Converter, items: Iterator[tuple[str, object, Any]]) -> list[Any]:
    out: list[Any] = []
    problems: list[Problem] = []
    for where, raw, tp in items:
        try:
            out.append(converter.structure(raw, tp))
        except Exception as exc:
            problems += problems_of(exc, where)
    if problems:
        raise ValidationError(problems)
    return out


def _item_types(tp: Any, count: int) -> list[Any]:
    args = get_args(tp)
    if not args:
        return [Any] * count
    if (len(args) == 2 and args[1] is Ellipsis) or get_origin(tp) is not tuple:
        return [args[0]] * count
    if len(args) != count:
        raise _fail(f"must be a list of {len(args)} items")
    return list(args)


def _sequence_hook(converter: cattrs.Converter) -> Callable[[object, Any], Any]:
    def structure(raw: object, tp: Any) -> Any:
        items = _listed(raw)
        kinds = _item_types(tp, len(items))
        out = _each(converter, ((f"[{i}]", v, kinds[i]) for i, v in enumerate(items)))
        return list(out) if (get_origin(tp) or tp) is list else tuple(out)

    return structure


def _set_hook(converter: cattrs.Converter) -> Callable[[object, Any], Any]:
    def structure(raw: object, tp: Any) -> Any:
        items = _listed(raw)
        kind = (get_args(tp) or (Any,))[0]
        out = _each(converter, ((f"[{i}]", v, kind) for i, v in enumerate(items)))
        return set(out) if (get_origin(tp) or tp) is set else frozenset(out)

    return structure


def _pairs_hook(converter: cattrs.Converter) -> Callable[[object, Any], Any]:
    def structure(raw: object, tp: Any) -> tuple[tuple[str, Any], ...]:
        kind = get_args(get_args(tp)[0])[1]
        if isinstance(raw, Mapping):
            keys = [str(k) for k in raw]
            values = _each(converter, ((key, raw[key], kind) for key in keys))
            return tuple(zip(keys, values, strict=True))
        items = _listed(raw)
        checks: list[Problem] = []
        for i, item in enumerate(items):
            if not (isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str)):
                checks.append(Problem(f"[{i}]", "must be a [name, value] pair"))
        if checks:
            raise ValidationError(checks)
        values = _each(converter, ((f"[{i}]", item[1], kind) for i, item in enumerate(items)))
        return tuple((item[0], value) for item, value in zip(items, values, strict=True))

    return structure


def _union_hook(converter: cattrs.Converter) -> Callable[[object, Any], Any]:
    def structure(raw: object, tp: Any) -> Any:
        args = get_args(tp)
        options = [a for a in args if a is not NONE]
        if raw is None:
            if NONE in args:
                return None
            raise _fail("must not be empty")
        if set(options) == {Money, int}:
            measure = MEASURE.get()
            if measure is not None:
                return converter.structure(raw, measure)
        if len(options) == 1:
            return converter.structure(raw, options[0])
        if int in options and isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        errors: list[BaseException] = []
        for option in options:
            try:
                return converter.structure(raw, option)
            except Exception as exc:
                errors.append(exc)
        if len(errors) == 1:
            raise errors[0]
        raise _fail(f"{raw!r} is not a valid value")

    return structure


def _attrs_structure(converter: cattrs.Converter) -> Callable[[Any], Any]:
    def factory(cls: Any) -> Callable[[object, Any], Any]:
        attrs.resolve_types(cls)
        base = make_dict_structure_fn(
            cls, converter, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
        )
        decider = next((f for f in attrs.fields(cls) if measure_choices(f)), None)

        def structure(raw: object, _: Any) -> Any:
            if isinstance(raw, cls):
                return raw
            if not isinstance(raw, Mapping):
                raise _fail("must be a table/object")
            if decider is None:
                return base(raw, cls)
            token = MEASURE.set(_decided(converter, decider, raw))
            try:
                return base(raw, cls)
            finally:
                MEASURE.reset(token)

        return structure

    return factory


def _decided(
    converter: cattrs.Converter, decider: attrs.Attribute[Any], raw: Mapping[str, Any]
) -> type | None:
    choices = measure_choices(decider) or {}
    alias = decider.alias or decider.name
    if alias in raw:
        try:
            key = converter.structure(raw[alias], decider.type or Any)
        except Exception:
            return None
    else:
        key = decider.default
    return choices.get(key)


# --- writing -----------------------------------------------------------------------------


def _plain_str(value: str) -> Any:
    if type(value) is str:
        return value
    if isinstance(value, enum.Enum):
        return enum_text(value)
    return str(value)


def _is_numpy(tp: Any) -> bool:
    return getattr(tp, "__module__", None) == "numpy"


def _attrs_unstructure(converter: cattrs.Converter, compact: bool) -> Callable[[Any], Any]:
    def factory(cls: Any) -> Callable[[Any], dict[str, Any]]:
        overrides: dict[str, Any] = {
            field.name: override(omit_if_default=True)
            for field in attrs.fields(cls)
            if field.default is None and not compact
        }
        return make_dict_unstructure_fn(
            cls, converter, _cattrs_omit_if_default=compact, **overrides
        )

    return factory


def _unstructure_sequence(converter: cattrs.Converter) -> Callable[[Any], Any]:
    def factory(tp: Any) -> Callable[[Any], Any]:
        args = get_args(tp)
        if args and not (len(args) == 2 and args[1] is Ellipsis) and get_origin(tp) is tuple:
            kinds = list(args)
            return lambda value: [
                converter.unstructure(v, unstructure_as=kinds[i] if i < len(kinds) else None)
                for i, v in enumerate(value)
            ]
        kind = args[0] if args else None
        return lambda value: [converter.unstructure(v, unstructure_as=kind) for v in value]

    return factory


def _unstructure_set(converter: cattrs.Converter) -> Callable[[Any], Any]:
    def factory(tp: Any) -> Callable[[Any], Any]:
        kind = (get_args(tp) or (None,))[0]
        return lambda value: sorted_values(
            [converter.unstructure(v, unstructure_as=kind) for v in value]
        )

    return factory


def _unstructure_pairs(converter: cattrs.Converter) -> Callable[[Any], Any]:
    def factory(tp: Any) -> Callable[[Any], Any]:
        kind = get_args(get_args(tp)[0])[1]
        return lambda value: {
            key: converter.unstructure(item, unstructure_as=kind) for key, item in value
        }

    return factory


def make_converter(*, compact: bool = False) -> cattrs.Converter:
    """Return a new converter of the human profile, without the quote shape.

    Args:
        compact: Leave out every field holding its default (what campaign files
            want); otherwise only fields whose default is ``None`` are left out
            while they are ``None``.
    """
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    # Reading. Exact types go through singledispatch, which runs first.
    converter.register_structure_hook(str, _str)
    converter.register_structure_hook(int, _int)
    converter.register_structure_hook(float, _float)
    converter.register_structure_hook(bool, _bool)
    converter.register_structure_hook(Decimal, _decimal)
    converter.register_structure_hook(Money, _money)
    converter.register_structure_hook(datetime, _datetime)
    converter.register_structure_hook(date, _date)
    converter.register_structure_hook(timedelta, _timedelta)
    converter.register_structure_hook(time, _time)
    converter.register_structure_hook_func(is_enum, _enum)
    converter.register_structure_hook_factory(attrs.has, _attrs_structure(converter))
    converter.register_structure_hook_func(is_sequence, _sequence_hook(converter))
    converter.register_structure_hook_func(is_set, _set_hook(converter))
    converter.register_structure_hook_func(is_pairs, _pairs_hook(converter))
    converter.register_structure_hook_func(is_union, _union_hook(converter))
    # Writing.
    converter.register_unstructure_hook(Money, Money.format)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_unstructure_hook(str, _plain_str)
    converter.register_unstructure_hook(float, float)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(time, _time_text)
    # Files (compact) hold durations exactly; other documents keep seconds as a number.
    converter.register_unstructure_hook(
        timedelta, timedelta_text if compact else timedelta.total_seconds
    )
    converter.register_unstructure_hook_func(is_enum, enum_text)
    converter.register_unstructure_hook_func(
        _is_numpy, lambda value: converter.unstructure(value.tolist())
    )
    converter.register_unstructure_hook_factory(attrs.has, _attrs_unstructure(converter, compact))
    converter.register_unstructure_hook_factory(is_sequence, _unstructure_sequence(converter))
    converter.register_unstructure_hook_factory(is_set, _unstructure_set(converter))
    converter.register_unstructure_hook_factory(is_pairs, _unstructure_pairs(converter))
    return converter
