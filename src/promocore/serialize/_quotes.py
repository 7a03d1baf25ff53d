"""How a [`Quote`][promocore.quote.Quote] is written for people and read back.

A quote states its currency once and writes every amount as a major-unit string.
Beside its fields it writes the totals a reader wants (``subtotal``, ``discount``,
``total`` of the quote and of each line); reading checks them against the lines,
so a stored quote that was edited is refused rather than charged. Its grants are checked
the same way: each line discount against the line's adjustments, each gift against its gift
line, and each budget draw against the value of its campaign's grants. An effect's
``detail`` is an object; the keys holding amounts are listed in ``detail_amounts``
so they come back as ``Money``. Lines written without ``index`` take their position.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from promocore.errors import Problem, ValidationError
from promocore.money import Money
from promocore.quote import (
    Applied,
    BudgetDraw,
    Effect,
    Grant,
    GrantKind,
    Hint,
    NotApplied,
    Quote,
    QuoteLine,
    Withheld,
)
from promocore.serialize._human import CURRENCY
from promocore.serialize._problems import problems_of

_TOTALS = ("subtotal", "discount", "total")


@attrs.frozen
class _Gift:
    """A gift of an applied campaign as written: ``{"sku": ..., "quantity": ...}``."""

    sku: str
    quantity: int


def register_quote_hooks(converter: cattrs.Converter) -> None:
    """Teach a human-profile converter the shape of quotes."""
    _register_lines(converter)
    _register_applied(converter)
    _register_effects(converter)
    _register_quotes(converter)


def _mapping(raw: object) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValidationError.single("", "must be a table/object")
    return raw


def _with_totals(data: dict[str, Any], value: Any, after: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in data.items():
        out[key] = item
        if key == after:
            for name in _TOTALS:
                out[name] = getattr(value, name).format()
    return out


def _check_totals(
    converter: cattrs.Converter, raw: Mapping[str, Any], value: Any, source: str
) -> list[Problem]:
    problems: list[Problem] = []
    for name in _TOTALS:
        if name not in raw:
            continue
        try:
            given = converter.structure(raw[name], Money)
        except Exception as exc:
            problems += problems_of(exc, name)
            continue
        actual = getattr(value, name)
        if given != actual:
            problems.append(
                Problem(name, f"is {actual.format()} by {source}, not {given.format()}")
            )
    return problems


def _register_lines(converter: cattrs.Converter) -> None:
    dump = converter.get_unstructure_hook(QuoteLine)
    load = converter.get_structure_hook(QuoteLine)

    def unstructure(line: QuoteLine) -> dict[str, Any]:
        return _with_totals(dump(line), line, "unit_price")

    def structure(raw: object, _: Any) -> QuoteLine:
        if isinstance(raw, QuoteLine):
            return raw
        data = _mapping(raw)
        line: QuoteLine = load({k: v for k, v in data.items() if k not in _TOTALS}, QuoteLine)
        problems = _check_totals(converter, data, line, "its price, quantity and adjustments")
        if problems:
            raise ValidationError(problems)
        return line

    converter.register_unstructure_hook(QuoteLine, unstructure)
    converter.register_structure_hook(QuoteLine, structure)


def _register_applied(converter: cattrs.Converter) -> None:
    def gifts_out(gifts: tuple[tuple[str, int], ...]) -> list[dict[str, Any]]:
        return [{"sku": sku, "quantity": quantity} for sku, quantity in gifts]

    def gifts_in(raw: object, _: Any) -> tuple[tuple[str, int], ...]:
        return tuple((g.sku, g.quantity) for g in converter.structure(raw, tuple[_Gift, ...]))

    converter.register_unstructure_hook(
        Applied,
        make_dict_unstructure_fn(Applied, converter, gifts=override(unstruct_hook=gifts_out)),
    )
    load = make_dict_structure_fn(
        Applied,
        converter,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=True,
        gifts=override(struct_hook=gifts_in),
    )

    def structure(raw: object, _: Any) -> Applied:
        if isinstance(raw, Applied):
            return raw
        return load(_mapping(raw), Applied)

    converter.register_structure_hook(Applied, structure)


def _register_effects(converter: cattrs.Converter) -> None:
    dump = converter.get_unstructure_hook(Effect)
    load = converter.get_structure_hook(Effect)

    def unstructure(effect: Effect) -> dict[str, Any]:
        currency = CURRENCY.get()
        data: dict[str, Any] = dump(effect)
        detail: dict[str, Any] = {}
        amounts: list[str] = []
        for key, value in effect.detail:
            if isinstance(value, Money):
                amounts.append(key)
                detail[key] = (
                    value.format()
                    if currency in (None, value.currency)
                    else {"amount": value.format(), "currency": value.currency}
                )
            else:
                detail[key] = converter.unstructure(value)
        data["detail"] = detail
        if amounts:
            data["detail_amounts"] = sorted(amounts)
        return data

    def structure(raw: object, _: Any) -> Effect:
        if isinstance(raw, Effect):
            return raw
        data = _mapping(raw)
        problems: list[Problem] = []
        effect: Effect | None = None
        try:
            rest = {k: v for k, v in data.items() if k not in ("detail", "detail_amounts")}
            effect = load(rest, Effect)
        except Exception as exc:
            problems += problems_of(exc)
        try:
            detail = _detail(converter, data.get("detail", {}), data.get("detail_amounts", []))
        except ValidationError as exc:
            problems += exc.problems
        if problems:
            raise ValidationError(problems)
        assert effect is not None
        return attrs.evolve(effect, detail=detail)

    converter.register_unstructure_hook(Effect, unstructure)
    converter.register_structure_hook(Effect, structure)


def _detail(
    converter: cattrs.Converter, raw: object, amounts: object
) -> tuple[tuple[str, Any], ...]:
    if not isinstance(raw, Mapping):
        raise ValidationError.single("detail", "must be a table/object")
    if not isinstance(amounts, list) or not all(isinstance(k, str) for k in amounts):
        raise ValidationError.single("detail_amounts", "must be a list of detail keys")
    problems = [
        Problem(f"detail_amounts[{i}]", f"{key!r} is not a key of detail")
        for i, key in enumerate(amounts)
        if key not in raw
    ]
    out: list[tuple[str, Any]] = []
    for key, value in raw.items():
        if key not in amounts:
            out.append((str(key), _frozen(value)))
            continue
        # An amount in another currency than the quote's is written with its currency.
        currency = value.get("currency") if isinstance(value, Mapping) else CURRENCY.get()
        amount = value.get("amount") if isinstance(value, Mapping) else value
        token = CURRENCY.set(currency if isinstance(currency, str) else None)
        try:
            money = converter.structure(amount, Money)
        except Exception as exc:
            problems += problems_of(exc, f"detail.{key}")
            continue
        finally:
            CURRENCY.reset(token)
        out.append((str(key), money))
    if problems:
        raise ValidationError(problems)
    return tuple(out)


def _frozen(value: Any) -> Any:
    """A JSON value as a frozen detail value: lists become tuples."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


#: What a quote writes, read through its public attributes (parts may be computed lazily).
_QUOTE_FIELDS: tuple[tuple[str, Any], ...] = (
    ("currency", str),
    ("at", datetime),
    ("lines", tuple[QuoteLine, ...]),
    ("applied", tuple[Applied, ...]),
    ("not_applied", tuple[NotApplied, ...]),
    ("hints", tuple[Hint, ...]),
    ("budget_draws", tuple[BudgetDraw, ...]),
    ("effects", tuple[Effect, ...]),
    ("proven_optimal", bool),
    ("grants", tuple[Grant, ...]),
    ("withheld", tuple[Withheld, ...]),
)


def _register_quotes(converter: cattrs.Converter) -> None:
    load = converter.get_structure_hook(Quote)

    def unstructure(quote: Quote) -> dict[str, Any]:
        token = CURRENCY.set(quote.currency)
        try:
            data = {
                name: converter.unstructure(getattr(quote, name), unstructure_as=kind)
                for name, kind in _QUOTE_FIELDS
            }
        finally:
            CURRENCY.reset(token)
        return _with_totals(data, quote, "at")

    def structure(raw: object, _: Any) -> Quote:
        if isinstance(raw, Quote):
            return raw
        data = dict(_mapping(raw))
        currency = data.get("currency")
        if not isinstance(currency, str):
            raise ValidationError.single("currency", "is required (an ISO 4217 code such as CNY)")
        lines = data.get("lines")
        if isinstance(lines, list):
            data["lines"] = [_indexed(i, line) for i, line in enumerate(lines)]
        token = CURRENCY.set(currency)
        try:
            quote: Quote = load({k: v for k, v in data.items() if k not in _TOTALS}, Quote)
            problems = _check_totals(converter, data, quote, "its lines")
        finally:
            CURRENCY.reset(token)
        if "grants" in data:  # quotes written before grants were listed carry none
            problems += _check_grants(quote)
        if problems:
            raise ValidationError(problems)
        return quote

    converter.register_unstructure_hook(Quote, unstructure)
    converter.register_structure_hook(Quote, structure)


def _check_grants(quote: Quote) -> list[Problem]:
    """Problems where the grants disagree with the lines or the budget draws."""
    problems: list[Problem] = []
    zero = Money.zero(quote.currency)
    adjusted: dict[tuple[int, str], Money] = {}
    for line in quote.lines:
        for a in line.adjustments:
            key = (line.index, a.campaign)
            adjusted[key] = adjusted.get(key, zero) + a.amount
    granted: dict[tuple[int, str], Money] = {}
    for g in quote.grants:
        if g.kind == GrantKind.DISCOUNT and g.line is not None:
            key = (g.line, g.campaign)
            granted[key] = granted.get(key, zero) + g.value
    for index, campaign in sorted(set(adjusted) | set(granted)):
        got, want = granted.get((index, campaign), zero), adjusted.get((index, campaign), zero)
        if got != want:
            problems.append(
                Problem(
                    "grants",
                    f"grant {got.format()} off line {index} by {campaign}, its adjustments "
                    f"say {want.format()}",
                )
            )
    gifts = [(ln.index, ln.sku, ln.quantity, ln.gift_of) for ln in quote.lines if ln.gift_of]
    listed = [(g.line, g.sku, g.quantity, g.campaign) for g in quote.grants if g.kind == "gift"]
    if gifts != listed:
        problems.append(Problem("grants", "the gift grants are not the gift lines"))
    for i, draw in enumerate(quote.budget_draws):
        value = quote.granted(draw.campaign)
        if draw.amount != value:
            problems.append(
                Problem(
                    f"budget_draws[{i}].amount",
                    f"is {value.format()} by the grants of {draw.campaign}, not "
                    f"{draw.amount.format()}",
                )
            )
    return problems


def _indexed(position: int, line: object) -> object:
    if isinstance(line, Mapping) and "index" not in line:
        return {"index": position, **line}
    return line
