"""``shipping``: shipping-stage 包邮 and shipping discounts on the cart's shipping fee.

The fee is the cart's ``shipping`` ([`Cart.shipping`][promocore.cart.Cart.shipping]); the
engine prices it as a line of its own, open only to the ``shipping`` stage. A campaign gives
free shipping (包邮, the default), an amount off the fee, a percent off it, or a fixed fee,
once the goods in its scope have ``threshold`` left to pay (满99包邮) and hold ``min_units``
units (满2件包邮), after the earlier stages (for an exclusive campaign, the goods units no
other exclusive campaign of the stage took). Member free shipping is a campaign without
threshold whose audience names the member tiers.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from promocore.money import Money, Rounding
from promocore.quote import Reason
from promocore.validation import Checks


@attrs.frozen
class ShippingParams:
    """Params of ``shipping``; give at most one of ``amount_off``, ``percent_off``, ``fee``.

    With none of them the shipping is free (包邮).

    Attributes:
        threshold: What the goods in scope must have left to pay (满99包邮), or ``None``.
        min_units: How many units of goods in scope the cart must hold (满2件包邮).
        amount_off: An amount off the fee.
        percent_off: A percentage off the fee (``"50"`` halves it).
        fee: A fixed fee: the customer pays at most this much for shipping.
        rounding: How a percent discount is rounded to the minor unit.
    """

    threshold: Money | None = None
    min_units: int = 0
    amount_off: Money | None = None
    percent_off: Decimal | None = None
    fee: Money | None = None
    rounding: Rounding = Rounding.HALF_UP

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        given = [n for n in ("amount_off", "percent_off", "fee") if getattr(self, n) is not None]
        if len(given) > 1:
            checks.add(given[1], f"give at most one of amount_off, percent_off, fee ({given})")
        if self.threshold is not None:
            checks.check(self.threshold.amount > 0, "threshold", "must be > 0")
        checks.check(
            isinstance(self.min_units, int) and self.min_units >= 0, "min_units", "must be >= 0"
        )
        if self.amount_off is not None:
            checks.check(self.amount_off.amount > 0, "amount_off", "must be > 0")
        if self.percent_off is not None:
            checks.check(0 < self.percent_off <= 100, "percent_off", "must be > 0 and <= 100")
        if self.fee is not None:
            checks.check(self.fee.amount >= 0, "fee", "must be >= 0")
        checks.raise_if_any()

    @property
    def is_free(self) -> bool:
        """True if the campaign makes shipping free."""
        return self.amount_off is None and self.percent_off is None and self.fee is None


def shipping_view(lines: Sequence[LineView]) -> LineView | None:
    """The shipping line among ``lines``, or ``None`` if it is not there (no fee, or paid)."""
    for view in lines:
        if view.line.is_shipping:
            return view
    return None


def _discount(params: ShippingParams, fee: Money) -> Money:
    """What the campaign takes off a shipping fee with ``fee`` left to pay."""
    if params.amount_off is not None:
        return params.amount_off.min(fee)
    if params.percent_off is not None:
        return fee.percent(params.percent_off, params.rounding)
    if params.fee is not None:
        return fee.with_amount(max(fee.amount - params.fee.amount, 0))
    return fee


def _label(params: ShippingParams) -> str:
    if params.amount_off is not None:
        return f"{params.amount_off.display()} off shipping"
    if params.percent_off is not None:
        return f"{params.percent_off}% off shipping"
    if params.fee is not None:
        return f"shipping at {params.fee.display()}"
    return "free shipping"


def _goods(context: Context) -> tuple[Money, int]:
    """What the goods in scope offered to the campaign have left to pay, and their units."""
    amount = units = 0
    for view in context.lines:
        if not view.line.is_shipping:
            amount += view.base.amount
            units += view.units
    return Money(amount, context.currency), units


@attrs.frozen
class Shipping:
    """The ``shipping`` mechanic."""

    name: str = "shipping"
    stage: Stage = Stage.SHIPPING
    params_type: type[Any] = ShippingParams
    bound_is_exact: ClassVar[bool] = True

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Discount the shipping line once the goods in scope reach the threshold."""
        params: ShippingParams = context.campaign.params
        view = shipping_view(context.lines)
        if view is None:
            return Decline(Reason.NO_DISCOUNT, "the cart has no shipping fee left to pay")
        amount = _discount(params, view.base)
        goods, units = _goods(context)
        short = self._short(params, goods, units, amount)
        if short is not None:
            return short
        if amount.amount <= 0:
            return Decline(Reason.NO_DISCOUNT, "shipping is already at or below the offer")
        return Proposal(
            discounts=(LineDiscount(view.index, amount, view.units, view.base),),
            message=f"{context.campaign.name}: {_label(params)}, {amount.display()} off",
        )

    @staticmethod
    def _short(params: ShippingParams, goods: Money, units: int, amount: Money) -> Decline | None:
        """The decline of goods short of the threshold or the units, with the gap to add.

        Short of both, no single gap is enough: the message names both, without a hint.
        """
        threshold = params.threshold
        gap = threshold - goods if threshold is not None and goods < threshold else None
        gap_units = params.min_units - units if units < params.min_units else 0
        if gap is None and not gap_units:
            return None
        short = []
        if gap is not None and threshold is not None:
            short.append(f"goods {goods.display()} are below {threshold.display()}")
        if gap_units:
            short.append(f"{units} unit(s) of goods, {params.min_units} needed")
        upsell = None
        if amount.amount > 0 and gap is not None and not gap_units:
            message = f"add {gap.display()} more for {_label(params)}"
            upsell = Upsell(extra_saving=amount, add_amount=gap, message=message)
        elif amount.amount > 0 and gap is None:
            message = f"add {gap_units} more unit(s) for {_label(params)}"
            upsell = Upsell(extra_saving=amount, add_quantity=gap_units, message=message)
        return Decline(Reason.BELOW_THRESHOLD, "; ".join(short), upsell)

    def floor(self, campaign: Campaign) -> Floor:
        """The threshold (the shipping line counts towards it: a lower floor is safe)."""
        params: ShippingParams = campaign.params
        return Floor(amount=params.threshold, units=params.min_units + 1)

    def rate(self, campaign: Campaign, unit_price: Money) -> Fraction:
        """At most the whole fee (goods lines are never discounted)."""
        params: ShippingParams = campaign.params
        if params.percent_off is not None:
            return Fraction(params.percent_off) / 100
        return Fraction(1)

    def bound(self, context: Context) -> Money:
        """Exactly what `evaluate` grants (zero when it declines)."""
        result = self.evaluate(context)
        return result.amount(context.currency) if isinstance(result, Proposal) else context.zero()


MECHANIC: Mechanic = Shipping()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``shipping``."""
    return [MECHANIC]
