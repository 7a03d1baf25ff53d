"""``bundle``: 套餐 / 组合购: groups of skus with quantities at a bundle price or a discount.

A set takes ``quantity`` units from each group (a group names its skus; a bundle of one group
without skus takes any units in scope: 99元任选3件). A set costs ``price``, or is
``amount_off`` or ``percent_off`` cheaper than its units. The bundle repeats as often as the
cart allows, up to ``max_sets`` and the per-order unit limit.

Which units and how many sets: what a bundle saves depends only on how many sets it forms and
on what their units have left to pay in all. For any number of sets, the units that can fill
their slots together form a matroid (groups may share skus: a unit fills one slot of one
group it belongs to), so taking lines dearest first and from each as many units as still fit
gives the dearest units that fill the sets (`promocore.mechanics._assign`). The number of
sets is then the one saving the most (for a fixed price, each further set saves less, and one
whose units cost less than the price is not formed). The saving is spread over the units
used by what they have left to pay, exactly; units used but saving nothing are still taken
by an exclusive bundle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from promocore._typed import frozenset_of, tuple_of, typed_fields
from promocore.campaign import Campaign, Stage
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, Floor, LineView, Mechanic, Proposal, Upsell
from promocore.mechanics._assign import fill, fits
from promocore.mechanics._units import Picked, base_of, ranked, spread_over_units, unit_value
from promocore.money import Money, Rounding, total
from promocore.quote import Reason
from promocore.validation import Checks


def _skus(values: Iterable[str]) -> frozenset[str]:
    return frozenset([values]) if isinstance(values, str) else frozenset_of(values)


@attrs.frozen
class BundleGroup:
    """One part of a bundle: ``quantity`` units of any of ``skus``.

    Attributes:
        skus: The skus that may fill the part; empty for any line in scope (only in a
            bundle of one group).
        quantity: Units of the part in one set.
    """

    skus: frozenset[str] = attrs.field(default=frozenset(), converter=_skus)
    quantity: int = 1

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(1 <= self.quantity <= 1000, "quantity", "must be >= 1 and <= 1000")
        for sku in self.skus:
            checks.check(isinstance(sku, str) and bool(sku.strip()), "skus", "must not be empty")
        checks.raise_if_any()

    def covers(self, view: LineView) -> bool:
        """True if the line may fill this part."""
        return not view.line.is_shipping and (not self.skus or view.line.sku in self.skus)


def _groups(items: Iterable[BundleGroup]) -> tuple[BundleGroup, ...]:
    return tuple_of(items)


@attrs.frozen
@typed_fields
class BundleParams:
    """Params of ``bundle``; give exactly one of ``price``, ``amount_off``, ``percent_off``.

    Attributes:
        groups: The parts of one set; a sku may fill several parts (one unit fills one).
        price: What one set costs (套餐价).
        amount_off: What one set saves.
        percent_off: Percent off the units of a set.
        max_sets: At most this many sets in one order.
        rounding: How a percent discount is rounded to the minor unit.
    """

    groups: tuple[BundleGroup, ...] = attrs.field(converter=_groups)
    price: Money | None = None
    amount_off: Money | None = None
    percent_off: Decimal | None = None
    max_sets: int | None = None
    rounding: Rounding = Rounding.HALF_UP

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        given = [n for n in ("price", "amount_off", "percent_off") if getattr(self, n) is not None]
        if len(given) != 1:
            checks.add("", "give exactly one of price, amount_off, percent_off")
        checks.check(bool(self.groups), "groups", "a bundle needs at least one group")
        checks.check(len(self.groups) <= 20, "groups", "at most 20 groups")
        for i, group in enumerate(self.groups):
            if not group.skus and len(self.groups) > 1:
                checks.add(f"groups[{i}].skus", "name the skus (only a lone group may take any)")
        if self.price is not None:
            checks.check(self.price.amount >= 0, "price", "must be >= 0")
        if self.amount_off is not None:
            checks.check(self.amount_off.amount > 0, "amount_off", "must be > 0")
        if self.percent_off is not None:
            checks.check(0 < self.percent_off <= 100, "percent_off", "must be > 0 and <= 100")
        if self.max_sets is not None:
            checks.check(self.max_sets >= 1, "max_sets", "must be >= 1")
        checks.raise_if_any()

    @property
    def size(self) -> int:
        """Units in one set."""
        return sum(group.quantity for group in self.groups)

    def saving(self, base: Money, sets: int) -> Money:
        """What ``sets`` sets whose units have ``base`` left to pay save (never below zero)."""
        if self.price is not None:
            return base.with_amount(max(base.amount - self.price.amount * sets, 0))
        if self.amount_off is not None:
            return (self.amount_off * sets).min(base)
        assert self.percent_off is not None
        return base.percent(self.percent_off, self.rounding)

    def label(self) -> str:
        """The offer in words."""
        parts = " + ".join(
            ("" if g.quantity == 1 else f"{g.quantity} × ") + ("/".join(sorted(g.skus)) or "any")
            for g in self.groups
        )
        if self.price is not None:
            return f"{parts} for {self.price.display()}"
        if self.amount_off is not None:
            return f"{parts}, {self.amount_off.display()} off"
        return f"{parts}, {self.percent_off}% off"


@attrs.frozen
class _Parts:
    """The lines some group covers, dearest units first, and how many sets they allow."""

    lines: tuple[LineView, ...]
    eligible: tuple[tuple[int, ...], ...]  # per line, the groups it may fill
    quantities: tuple[int, ...]
    most: int
    _picked: dict[int, Picked] = attrs.field(factory=dict, eq=False)

    @classmethod
    def of(cls, params: BundleParams, views: Sequence[LineView]) -> _Parts:
        groups = params.groups
        covered = [v for v in views if any(g.covers(v) for g in groups)]
        lines = tuple(ranked(covered))
        eligible = tuple(tuple(k for k, g in enumerate(groups) if g.covers(v)) for v in lines)
        quantities = tuple(g.quantity for g in groups)
        supply = [v.units for v in lines]
        lo, hi = 0, sum(supply) // params.size
        while lo < hi:  # the most sets whose slots all the units can fill
            mid = (lo + hi + 1) // 2
            slots = [mid * q for q in quantities]
            if fits(supply, eligible, slots) == sum(slots):
                lo = mid
            else:
                hi = mid - 1
        return cls(lines, eligible, quantities, lo)

    def picked(self, params: BundleParams, sets: int) -> Picked:
        """The dearest units that fill the slots of ``sets`` sets (at most `most`)."""
        found = self._picked.get(sets)
        if found is not None:
            return found
        slots = [sets * q for q in self.quantities]
        chosen = fill([v.units for v in self.lines], self.eligible, slots)
        found = {v.index: n for v, n in zip(self.lines, chosen, strict=True) if n}
        self._picked[sets] = found
        return found

    def base(self, params: BundleParams, sets: int, by_index: dict[int, LineView]) -> Money:
        """What the units of ``sets`` sets have left to pay."""
        picked = self.picked(params, sets)
        amounts = [base_of(by_index[i], k) for i, k in picked.items()]
        return total(amounts, next(iter(by_index.values())).base.currency)

    def missing(self, params: BundleParams, sets: int) -> list[tuple[BundleGroup, int]]:
        """What each group lacks for ``sets`` sets, counting every unit it could take."""
        out = []
        for k, g in enumerate(params.groups):
            has = sum(
                v.units for v, groups in zip(self.lines, self.eligible, strict=True) if k in groups
            )
            short = sets * g.quantity - has
            if short > 0:
                out.append((g, short))
        if not out:  # shared units: enough for each group, not for all of them at once
            supply = [v.units for v in self.lines]
            slots = [sets * q for q in self.quantities]
            short = sum(slots) - fits(supply, self.eligible, slots)
            if short > 0:
                out.append((BundleGroup(quantity=1), short))
        return out


def _best_sets(
    params: BundleParams, parts: _Parts, most: int, by_index: dict[int, LineView]
) -> tuple[int, Money]:
    """The number of sets saving the most (the fewest on a tie), and the saving."""

    def saving(sets: int) -> Money:
        return params.saving(parts.base(params, sets, by_index), sets)

    if params.price is None:
        return most, saving(most)  # the saving only grows with the sets
    # A fixed price: the k-th set adds the k-th dearest units of each group less the price,
    # which shrinks as k grows. Find the last set that adds more than the price.
    price = params.price.amount
    lo, hi = 0, most
    while lo < hi:
        mid = (lo + hi + 1) // 2
        added = parts.base(params, mid, by_index) - parts.base(params, mid - 1, by_index)
        if added.amount > price:
            lo = mid
        else:
            hi = mid - 1
    best, amount = lo, saving(lo)
    for sets in (lo - 1, lo + 1):  # rounding of the line shares may shift it by one
        if 0 <= sets <= most:
            other = saving(sets)
            if other > amount or (other == amount and sets < best):
                best, amount = sets, other
    return best, amount


def _evaluate(context: Context) -> tuple[int, Money, Picked, _Parts, int]:
    """The sets formed, their saving, the units they use, the parts, the sets allowed."""
    params: BundleParams = context.campaign.params
    parts = _Parts.of(params, context.lines)
    most = parts.most
    if params.max_sets is not None:
        most = min(most, params.max_sets)
    if context.unit_limit is not None:
        most = min(most, context.unit_limit // params.size)
    if most <= 0:
        return 0, context.zero(), {}, parts, 0
    by_index = {view.index: view for view in context.lines}
    sets, amount = _best_sets(params, parts, most, by_index)
    return sets, amount, parts.picked(params, sets) if sets else {}, parts, most


def _upsell(
    params: BundleParams,
    context: Context,
    parts: _Parts,
    missing: list[tuple[BundleGroup, int]],
) -> Upsell | None:
    """The hint for a first set: more units of a line the cart holds, when that is enough.

    Given when one group lacks units and adding them to one line it covers forms a set;
    what the set would save is estimated with the dearest unit of each group (the amount
    off exactly).
    """
    if len(missing) != 1 or missing[0][0] not in params.groups:
        return None
    group, short = missing[0]
    k = params.groups.index(group)
    supply = [v.units for v in parts.lines]
    slots = list(parts.quantities)
    values: list[Fraction] = []
    fills = False
    for i in range(len(parts.lines)):
        if k in parts.eligible[i] and not fills:
            supply[i] += short
            fills = fits(supply, parts.eligible, slots) == sum(slots)
            supply[i] -= short
    if not fills:
        return None
    for g, members in enumerate(params.groups):
        prices = [
            max(unit_value(v), Fraction(v.line.unit_price.amount) if g == k else Fraction(0))
            for i, v in enumerate(parts.lines)
            if g in parts.eligible[i]
        ]
        values.append(max(prices) * members.quantity if prices else Fraction(0))
    guess = Money(int(sum(values)), context.currency)
    extra = params.saving(guess, 1)
    if extra.amount <= 0:
        return None
    return Upsell(
        extra_saving=extra,
        add_quantity=short,
        message=f"add {_missing_words(missing)} for a set ({params.label()})",
    )


def _missing_words(missing: list[tuple[BundleGroup, int]]) -> str:
    return ", ".join(
        f"{short} more of {'/'.join(sorted(g.skus)) or 'any item'}" for g, short in missing
    )


@attrs.frozen
class Bundle:
    """The ``bundle`` mechanic."""

    name: str = "bundle"
    stage: Stage = Stage.ORDER
    params_type: type[Any] = BundleParams
    bound_is_exact: ClassVar[bool] = True

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Form the sets saving the most and spread the saving over their units."""
        params: BundleParams = context.campaign.params
        sets, amount, picked, parts, allowed = _evaluate(context)
        if sets == 0 or amount.amount <= 0:
            if parts.most == 0:
                missing = parts.missing(params, 1)
                return Decline(
                    Reason.BELOW_THRESHOLD,
                    f"{params.label()}: add {_missing_words(missing)} for a set",
                    _upsell(params, context, parts, missing),
                )
            if allowed == 0:
                return Decline(Reason.LIMIT_REACHED, "the per-order limit allows no set")
            return Decline(Reason.NO_DISCOUNT, "the items cost no more than the bundle price")
        discounts = spread_over_units(amount, context.lines, picked, keep_zero=context.exclusive)
        return Proposal(
            discounts=discounts,
            message=(
                f"{context.campaign.name}: {sets} set(s) of {params.label()}, "
                f"{amount.display()} off"
            ),
        )

    def floor(self, campaign: Campaign) -> Floor:
        """One set's units; with a fixed price, more left to pay than the price."""
        params: BundleParams = campaign.params
        least = 0 if params.price is None else params.price.amount
        return Floor(amount=Money(least + 1, campaign.currency), units=params.size)

    def rate(self, campaign: Campaign, unit_price: Money) -> Fraction | None:
        """The percent; a fixed price or amount has no rate per unit."""
        params: BundleParams = campaign.params
        if params.percent_off is not None:
            return Fraction(params.percent_off) / 100
        return None

    def bound(self, context: Context) -> Money:
        """Exactly what `evaluate` grants (zero when it declines)."""
        return _evaluate(context)[1]


MECHANIC: Mechanic = Bundle()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``bundle``."""
    return [MECHANIC]
