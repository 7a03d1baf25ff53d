"""``price_off``: item-stage percent off, amount off per unit, or a fixed unit price.

Covers member prices (会员价) and limited-time discounts (限时折扣).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from promocore.campaign import Campaign, Stage
from promocore.hookspecs import hookimpl
from promocore.limits import check_amount, check_decimal, check_instance
from promocore.mechanic import Context, Decline, Floor, LineDiscount, Mechanic, Proposal
from promocore.money import Money, Rounding, ratio, round_div, total
from promocore.quote import Reason
from promocore.validation import Checks


@attrs.frozen
class PriceOffParams:
    """Params of ``price_off``; give exactly one of the three prices.

    Attributes:
        percent_off: Percent off what is payable for the covered units (``"5"`` is 95折).
        amount_off: Amount off each unit.
        unit_price: A fixed price for each unit.
        rounding: How a percent discount is rounded to the minor unit.
    """

    percent_off: Decimal | None = None
    amount_off: Money | None = None
    unit_price: Money | None = None
    rounding: Rounding = Rounding.HALF_UP

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_decimal(checks, "percent_off", self.percent_off, optional=True)
        for name in ("amount_off", "unit_price"):
            check_amount(checks, name, getattr(self, name), optional=True, what="Money or None")
        check_instance(checks, "rounding", self.rounding, Rounding, "a Rounding")
        checks.raise_if_any()
        given = [
            n for n in ("percent_off", "amount_off", "unit_price") if getattr(self, n) is not None
        ]
        if len(given) != 1:
            checks.add("", "give exactly one of percent_off, amount_off, unit_price")
        if self.percent_off is not None:
            checks.check(0 < self.percent_off <= 100, "percent_off", "must be > 0 and <= 100")
        if self.amount_off is not None:
            checks.check(self.amount_off.amount > 0, "amount_off", "must be > 0")
        if self.unit_price is not None:
            checks.check(self.unit_price.amount >= 0, "unit_price", "must be >= 0")
        checks.raise_if_any()


def _line_discount(params: PriceOffParams, base: int, units: int) -> int:
    """The discount, in minor units, of ``units`` units with ``base`` left to pay."""
    if params.amount_off is not None:
        return min(params.amount_off.amount * units, base)
    assert params.unit_price is not None
    return max(base - params.unit_price.amount * units, 0)


def _discounts(params: PriceOffParams, context: Context) -> list[LineDiscount]:
    """Every covered unit's discount, up to the per-order unit limit."""
    left = context.unit_limit
    discounts: list[LineDiscount] = []
    percent = params.percent_off
    if percent is not None:  # the rate as a ratio once, not per line
        numerator, denominator = ratio(percent, "percent")
        denominator *= 100
        rounding = params.rounding
    for view in context.lines:
        units = view.units if left is None else min(view.units, left)
        if units <= 0:
            break
        covered = view.take(units)
        base = covered.base
        if percent is not None:
            amount = round_div(base.amount * numerator, denominator, rounding)
        else:
            amount = _line_discount(params, base.amount, units)
        if amount > 0:
            discounts.append(LineDiscount(view.index, base.with_amount(amount), units, base))
            if left is not None:
                left -= units
    return discounts


@attrs.frozen
class PriceOff:
    """The ``price_off`` mechanic."""

    name: str = "price_off"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = PriceOffParams
    bound_is_exact: ClassVar[bool] = True

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Discount every covered unit, up to the per-order unit limit."""
        discounts = _discounts(context.campaign.params, context)
        if not discounts:
            return Decline(Reason.NO_DISCOUNT, "the price is already at or below the offer")
        saved = total((d.amount for d in discounts), context.currency)
        units_done = sum(d.units for d in discounts)
        return Proposal(
            discounts=tuple(discounts),
            message=f"{context.campaign.name}: {saved.display()} off {units_done} unit(s)",
        )

    def floor(self, campaign: Campaign) -> Floor:
        """Something left to pay; for a fixed unit price, more than that price.

        A line is discounted only if what its covered units have left to pay exceeds the
        fixed price of those units, so the lines in scope together have more than one
        unit's fixed price left.
        """
        params: PriceOffParams = campaign.params
        least = 0 if params.unit_price is None else params.unit_price.amount
        return Floor(amount=Money(least + 1, campaign.currency), units=1)

    def rate(self, campaign: Campaign, unit_price: Money) -> Fraction:
        """The percent, or what the amount off or the fixed price saves on the list price."""
        params: PriceOffParams = campaign.params
        if params.percent_off is not None:
            return Fraction(params.percent_off) / 100
        price = unit_price.amount
        if price <= 0:
            return Fraction(0)
        if params.amount_off is not None:
            return min(Fraction(params.amount_off.amount, price), Fraction(1))
        assert params.unit_price is not None
        return max(Fraction(price - params.unit_price.amount, price), Fraction(0))

    def bound(self, context: Context) -> Money:
        """Exactly what `evaluate` grants (zero when it declines)."""
        discounts = _discounts(context.campaign.params, context)
        return total([d.amount for d in discounts], context.currency)


MECHANIC: Mechanic = PriceOff()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``price_off``."""
    return [MECHANIC]
