"""``multibuy``: 第二件半价, 第N件N折, 买N免一 and buy X get Y, repeated and capped.

A set is ``buy`` units paid in full and ``get`` units discounted (free by default, or a
percent off, or a fixed unit price). Without ``get_skus`` the units of a set come from one
pool, the lines in scope (or each sku on its own with ``per_sku``, 同款); with ``get_skus``
the ``buy`` units come from the other lines in scope and the ``get`` units from lines of
those skus (both must be in scope).

Which units are discounted: with ``discounted = "cheapest"`` each set's discounted units are
its cheapest ones, so the sets are formed dearest first (units ranked by what they have left
to pay and cut into consecutive sets), which is the best for the customer under that rule;
with ``"dearest"`` the dearest units of the pool are the discounted ones. The units a set
pays in full are taken too (an exclusive campaign does not offer them to another one), the
cheapest ones where there is a choice. The per-order limit counts discounted units.
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from promocore.campaign import Campaign, Stage
from promocore.hookspecs import hookimpl
from promocore.mechanic import (
    Context,
    Decline,
    Floor,
    LineDiscount,
    LineView,
    Mechanic,
    Proposal,
    Upsell,
)
from promocore.mechanics._units import (
    Picked,
    base_of,
    first,
    merge,
    ranked,
    spans,
    taken,
    unit_value,
)
from promocore.money import Money, Rounding, total
from promocore.quote import Reason
from promocore.validation import Checks


class Discounted(enum.Enum):
    """Which units of a set are discounted."""

    CHEAPEST = "cheapest"
    """The cheapest units of each set (the usual rule of 买二免一)."""
    DEAREST = "dearest"
    """The dearest units."""


def _skus(values: Iterable[str]) -> frozenset[str]:
    return frozenset([values]) if isinstance(values, str) else frozenset(values)


@attrs.frozen
class MultibuyParams:
    """Params of ``multibuy``; give at most one of ``percent_off`` and ``unit_price``.

    Attributes:
        buy: Units of a set paid in full (第二件半价: 1; 买二免一: 2).
        get: Units of a set discounted.
        percent_off: Percent off each discounted unit (第二件半价: ``"50"``; 第3件7折:
            ``"30"``); with neither this nor ``unit_price`` the units are free.
        unit_price: A fixed price for each discounted unit (第二件1元).
        get_skus: Skus the discounted units come from (buy X get Y); empty for one pool.
        discounted: ``cheapest`` or ``dearest``: which units of a set are discounted.
        per_sku: Form sets of one sku only (同款); not with ``get_skus``.
        max_sets: At most this many sets in one order.
        rounding: How a percent discount is rounded to the minor unit.
    """

    buy: int = 1
    get: int = 1
    percent_off: Decimal | None = None
    unit_price: Money | None = None
    get_skus: frozenset[str] = attrs.field(default=frozenset(), converter=_skus)
    discounted: Discounted = Discounted.CHEAPEST
    per_sku: bool = False
    max_sets: int | None = None
    rounding: Rounding = Rounding.HALF_UP

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("buy", "get"):
            value = getattr(self, name)
            checks.check(1 <= value <= 1000, name, "must be >= 1 and <= 1000")
        if self.percent_off is not None and self.unit_price is not None:
            checks.add("unit_price", "give percent_off or unit_price, not both")
        if self.percent_off is not None:
            checks.check(0 < self.percent_off <= 100, "percent_off", "must be > 0 and <= 100")
        if self.unit_price is not None:
            checks.check(self.unit_price.amount >= 0, "unit_price", "must be >= 0")
        if self.max_sets is not None:
            checks.check(self.max_sets >= 1, "max_sets", "must be >= 1")
        if self.per_sku and self.get_skus:
            checks.add("per_sku", "not with get_skus (the sets mix skus)")
        checks.raise_if_any()

    @property
    def size(self) -> int:
        """Units in one set."""
        return self.buy + self.get

    def off(self, base: Money, units: int) -> Money:
        """The discount of ``units`` discounted units with ``base`` left to pay."""
        if self.unit_price is not None:
            return base.with_amount(max(base.amount - self.unit_price.amount * units, 0))
        if self.percent_off is not None:
            return base.percent(self.percent_off, self.rounding)
        return base

    def off_value(self, value: Fraction) -> Fraction:
        """The discount of one discounted unit worth ``value``, exactly (for choosing)."""
        if self.unit_price is not None:
            return max(value - self.unit_price.amount, Fraction(0))
        if self.percent_off is not None:
            return value * Fraction(self.percent_off) / 100
        return value

    def label(self) -> str:
        """The offer in words (``buy 2 get 1 50% off``)."""
        if self.unit_price is not None:
            reward = f"at {self.unit_price.display()}"
        elif self.percent_off is not None:
            reward = f"{self.percent_off}% off"
        else:
            reward = "free"
        return f"buy {self.buy} get {self.get} {reward}"


@attrs.frozen
class _Pool:
    """The sets one pool can form: its ranked lines and how to pick their units."""

    buy_lines: tuple[LineView, ...]  # cheapest first
    get_lines: tuple[LineView, ...]  # in the order discounted units are taken
    same: bool  # one pool: buy and get units come from the same lines
    sets: int  # how many whole sets it can form

    def picks(self, params: MultibuyParams, sets: int) -> tuple[Picked, Picked]:
        """The discounted units and the paid units of ``sets`` sets."""
        if not self.same:
            get, buy = sets * params.get, sets * params.buy
            return first(self.get_lines, get), first(self.buy_lines, buy)
        lines = self.get_lines  # dearest first
        if params.discounted is Discounted.DEAREST:
            free = first(lines, sets * params.get)
            rest = [
                v.take(v.units - free.get(v.index, 0))
                for v in lines
                if v.units > free.get(v.index, 0)
            ]
            cheapest_rest = ranked(rest, dearest_first=False)
            return free, first(cheapest_rest, sets * params.buy)
        size, buy = params.size, params.buy
        stop = sets * size
        got: Picked = {}
        paid: Picked = {}
        for view, start, end in spans(lines):
            end = min(end, stop)
            if start >= end:
                break
            discounted = _in_get(end, size, buy) - _in_get(start, size, buy)
            got[view.index] = discounted
            paid[view.index] = end - start - discounted
        return got, paid

    def set_savings(self, params: MultibuyParams, upto: int) -> list[Fraction]:
        """What each of the first ``upto`` sets saves, exactly, best first."""
        lines = self.get_lines
        values = [(unit_value(v), s, e) for v, s, e in spans(lines)]
        savings = []
        for k in range(upto):
            if self.same and params.discounted is Discounted.CHEAPEST:
                lo, hi = k * params.size + params.buy, (k + 1) * params.size
            else:
                lo, hi = k * params.get, (k + 1) * params.get
            saved = Fraction(0)
            for value, start, end in values:
                overlap = min(end, hi) - max(start, lo)
                if overlap > 0:
                    saved += params.off_value(value) * overlap
            savings.append(saved)
        return savings


def _in_get(position: int, size: int, buy: int) -> int:
    """How many positions below ``position`` are discounted when sets of ``size`` are cut."""
    whole, part = divmod(position, size)
    return whole * (size - buy) + max(0, part - buy)


def _pools(params: MultibuyParams, views: Sequence[LineView]) -> list[_Pool]:
    if params.get_skus:
        buy = [v for v in views if v.line.sku not in params.get_skus and not v.line.is_shipping]
        get = [v for v in views if v.line.sku in params.get_skus]
        dearest = params.discounted is Discounted.DEAREST
        buy_units = sum(v.units for v in buy)
        get_units = sum(v.units for v in get)
        sets = min(buy_units // params.buy, get_units // params.get)
        return [
            _Pool(
                tuple(ranked(buy, dearest_first=False)),
                tuple(ranked(get, dearest_first=dearest)),
                False,
                sets,
            )
        ]
    groups: dict[str, list[LineView]] = {}
    for view in views:
        if not view.line.is_shipping:
            groups.setdefault(view.line.sku if params.per_sku else "", []).append(view)
    pools = []
    for _, members in sorted(groups.items()):
        lines = tuple(ranked(members))
        pools.append(_Pool(lines, lines, True, sum(v.units for v in lines) // params.size))
    return pools


def _sets_per_pool(params: MultibuyParams, pools: list[_Pool], limit: int | None) -> list[int]:
    """How many sets each pool forms: all it can, within the caps, best sets first."""
    cap = params.max_sets
    if limit is not None:
        by_limit = limit // params.get
        cap = by_limit if cap is None else min(cap, by_limit)
    counts = [pool.sets for pool in pools]
    if cap is None or sum(counts) <= cap:
        return counts
    if len(pools) == 1:
        return [cap]
    heap: list[tuple[Fraction, int, int]] = []
    for p, pool in enumerate(pools):
        for k, saved in enumerate(pool.set_savings(params, min(pool.sets, cap))):
            heap.append((-saved, p, k))
    chosen = [0] * len(pools)
    for _, p, _ in heapq.nsmallest(cap, heap):
        chosen[p] += 1
    return chosen


def _discounts(
    params: MultibuyParams, context: Context
) -> tuple[tuple[LineDiscount, ...], int, list[_Pool], list[int]]:
    pools = _pools(params, context.lines)
    counts = _sets_per_pool(params, pools, context.unit_limit)
    by_index = {view.index: view for view in context.lines}
    got: Picked = {}
    paid: Picked = {}
    for pool, sets in zip(pools, counts, strict=True):
        if sets:
            g, p = pool.picks(params, sets)
            got, paid = merge(got, g), merge(paid, p)
    discounts: list[LineDiscount] = []
    for index in sorted(got):
        view, units = by_index[index], got[index]
        base = base_of(view, units)
        amount = params.off(base, units)
        if amount.amount or context.exclusive:
            discounts.append(LineDiscount(index, amount, units, base))
    if context.exclusive:
        views = [by_index[i] for i in sorted(paid)]
        discounts.extend(taken(views, paid, got))
    return tuple(discounts), sum(counts), pools, counts


def _short_by(params: MultibuyParams, pools: list[_Pool]) -> int | None:
    """Fewest units one line more would need to hold for a pool to form a set.

    ``None`` when no single line can do it (buy X get Y short of both kinds of units).
    """
    needs = []
    for pool in pools:
        if pool.same:
            units = sum(v.units for v in pool.get_lines)
            needs.append(params.size - units % params.size)
            continue
        buy_units = sum(v.units for v in pool.buy_lines)
        get_units = sum(v.units for v in pool.get_lines)
        more = pool.sets + 1
        short = [max(params.buy * more - buy_units, 0), max(params.get * more - get_units, 0)]
        lines = [pool.buy_lines, pool.get_lines]
        if sum(1 for n in short if n) == 1:
            side = 0 if short[0] else 1
            if lines[side]:  # a line of that kind to add units like
                needs.append(short[side])
    return min(needs) if needs else None


def _next_saving(params: MultibuyParams, pools: list[_Pool], currency: str) -> Money:
    """What one more set would save, if its discounted units cost the cheapest unit now."""
    values = [unit_value(v) for pool in pools for v in pool.get_lines]
    if not values:
        return Money.zero(currency)
    saving = params.off_value(min(values)) * params.get
    return Money(int(saving), currency)


@attrs.frozen
class Multibuy:
    """The ``multibuy`` mechanic."""

    name: str = "multibuy"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = MultibuyParams
    bound_is_exact: ClassVar[bool] = True

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Form as many sets as the lines and caps allow, best for the customer."""
        params: MultibuyParams = context.campaign.params
        discounts, sets, pools, _ = _discounts(params, context)
        saved = total((d.amount for d in discounts), context.currency)
        capped = sum(pool.sets for pool in pools) > sets
        if sets == 0:
            if capped:
                return Decline(Reason.LIMIT_REACHED, "the per-order limit allows no set")
            short = _short_by(params, pools)
            extra = _next_saving(params, pools, context.currency)
            upsell = None
            if short is not None and extra.amount > 0:
                upsell = Upsell(
                    extra_saving=extra,
                    add_quantity=short,
                    message=f"add {short} more unit(s) for a set ({params.label()})",
                )
            needed = f"{short} more unit(s)" if short is not None else "more units"
            return Decline(
                Reason.BELOW_THRESHOLD, f"{params.label()}: {needed} needed for a set", upsell
            )
        if saved.amount <= 0:
            return Decline(Reason.NO_DISCOUNT, "the units are already at or below the offer")
        return Proposal(
            discounts=discounts,
            message=(
                f"{context.campaign.name}: {sets} set(s) of {params.label()}, {saved.display()} off"
            ),
        )

    def floor(self, campaign: Campaign) -> Floor:
        """One whole set of units."""
        params: MultibuyParams = campaign.params
        least = 0 if params.unit_price is None else params.unit_price.amount
        return Floor(amount=Money(least + 1, campaign.currency), units=params.size)

    def rate(self, campaign: Campaign, unit_price: Money) -> Fraction:
        """The percent, or what the fixed price saves on the list price; 1 when free."""
        params: MultibuyParams = campaign.params
        if params.percent_off is not None:
            return Fraction(params.percent_off) / 100
        if params.unit_price is not None:
            price = unit_price.amount
            if price <= 0:
                return Fraction(0)
            return max(Fraction(price - params.unit_price.amount, price), Fraction(0))
        return Fraction(1)

    def bound(self, context: Context) -> Money:
        """Exactly what `evaluate` grants (zero when it declines)."""
        discounts = _discounts(context.campaign.params, context)[0]
        return total((d.amount for d in discounts), context.currency)


MECHANIC: Mechanic = Multibuy()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``multibuy``."""
    return [MECHANIC]
