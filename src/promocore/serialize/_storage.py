"""The storage profile: record payloads that describe themselves and never change shape.

A stored value has no document around it to state a currency, so money carries its
own: ``{"amount": "383.50", "currency": "CNY"}`` (the amount written exactly as in the
human profile). Every field is written; sets are sorted and mapping keys sorted, so
one value always gives the same payload. A member of a union of attrs classes (an
event log) is tagged with its class name under ``"$type"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.disambiguators import create_default_dis_func
from cattrs.preconf.json import make_converter as make_json_converter

from promocore.money import Money
from promocore.serialize._types import NONE, is_set, is_union, sorted_values

#: The key naming the class of a union member in a payload.
TYPE_KEY = "$type"


def _dump_money(value: Money) -> dict[str, str]:
    return {"amount": value.format(), "currency": value.currency}


def _load_money(raw: object, _: Any) -> Money:
    if isinstance(raw, Money):
        return raw
    if not isinstance(raw, Mapping) or set(raw) != {"amount", "currency"}:
        raise ValueError(f"money must be {{'amount', 'currency'}}, got {raw!r}")
    amount, currency = raw["amount"], raw["currency"]
    if not isinstance(currency, str):
        raise ValueError(f"currency must be a string, got {currency!r}")
    if isinstance(amount, int) and not isinstance(amount, bool):
        # Payloads written before amounts were major-unit strings held minor units.
        return Money(amount, currency)
    if not isinstance(amount, str):
        raise ValueError(f"amount must be a string of major units, got {amount!r}")
    return Money.parse(amount, currency)


def _load_decimal(raw: object, _: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise ValueError(f"a decimal must be a string, got {raw!r}")
    return Decimal(raw)


def _is_mapping(tp: Any) -> bool:
    return tp is dict or get_origin(tp) in (dict, Mapping)


def _attrs_members(tp: Any) -> list[type]:
    if not is_union(tp):
        return []
    return [member for member in get_args(tp) if attrs.has(member)]


def _is_tagged_union(tp: Any) -> bool:
    return len(_attrs_members(tp)) >= 2


def _is_class_union(tp: Any) -> bool:
    return len(_attrs_members(tp)) >= 1 and not _is_tagged_union(tp)


def make_storage_converter() -> cattrs.Converter:
    """Return a new converter of the storage profile (JSON-able, self-describing payloads)."""
    converter = make_json_converter()
    converter.register_unstructure_hook(Money, _dump_money)
    converter.register_structure_hook(Money, _load_money)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, _load_decimal)

    def set_factory(tp: Any) -> Callable[[Any], list[Any]]:
        kind = (get_args(tp) or (None,))[0]
        return lambda value: sorted_values(
            [converter.unstructure(v, unstructure_as=kind) for v in value]
        )

    def mapping_factory(tp: Any) -> Callable[[Any], dict[Any, Any]]:
        args = get_args(tp)
        kind = args[1] if len(args) == 2 else None
        return lambda value: {
            converter.unstructure(key): converter.unstructure(value[key], unstructure_as=kind)
            for key in sorted_values(list(value))
        }

    converter.register_unstructure_hook_factory(is_set, set_factory)
    converter.register_unstructure_hook_factory(_is_mapping, mapping_factory)
    converter.register_unstructure_hook_factory(_is_tagged_union, _tagged_dump(converter))
    converter.register_structure_hook_factory(_is_tagged_union, _tagged_load(converter))
    converter.register_structure_hook_factory(_is_class_union, _class_union_load(converter))
    return converter


def _tagged_dump(converter: cattrs.Converter) -> Callable[[Any], Any]:
    def factory(tp: Any) -> Callable[[Any], Any]:
        members = set(_attrs_members(tp))

        def unstructure(value: Any) -> Any:
            data = converter.unstructure(value, unstructure_as=type(value))
            if type(value) in members:
                return {TYPE_KEY: type(value).__name__, **data}
            return data

        return unstructure

    return factory


def _tagged_load(converter: cattrs.Converter) -> Callable[[Any], Any]:
    def factory(tp: Any) -> Callable[[object, Any], Any]:
        members = _attrs_members(tp)
        by_name = {member.__name__: member for member in members}
        others = [a for a in get_args(tp) if a not in members and a is not NONE]
        untagged: list[Callable[..., Any]] = []

        def structure(raw: object, _: Any) -> Any:
            if raw is None and NONE in get_args(tp):
                return None
            if isinstance(raw, Mapping):
                name = raw.get(TYPE_KEY)
                if name is None:
                    # Payloads written before union members were tagged.
                    if not untagged:
                        untagged.append(create_default_dis_func(converter, *members))
                    return converter.structure(raw, untagged[0](raw))
                if name not in by_name:
                    raise ValueError(f"unknown {TYPE_KEY} {name!r} (known: {', '.join(by_name)})")
                data = {k: v for k, v in raw.items() if k != TYPE_KEY}
                return converter.structure(data, by_name[name])
            if others:
                return converter.structure(raw, others[0])
            raise ValueError(f"expected one of {', '.join(by_name)}, got {raw!r}")

        return structure

    return factory


def _class_union_load(converter: cattrs.Converter) -> Callable[[Any], Any]:
    """``X | None`` and ``X | int`` for an attrs class ``X`` (``Money | int`` thresholds)."""

    def factory(tp: Any) -> Callable[[object, Any], Any]:
        (member,) = _attrs_members(tp)
        others = [a for a in get_args(tp) if a is not member and a is not NONE]

        def structure(raw: object, _: Any) -> Any:
            if raw is None and NONE in get_args(tp):
                return None
            if isinstance(raw, Mapping) or not others:
                return converter.structure(raw, member)
            errors: list[Exception] = []
            for other in others:
                if isinstance(other, type) and isinstance(raw, other) and not isinstance(raw, bool):
                    return raw
                try:
                    return converter.structure(raw, other)
                except Exception as exc:
                    errors.append(exc)
            raise errors[0]

        return structure

    return factory
