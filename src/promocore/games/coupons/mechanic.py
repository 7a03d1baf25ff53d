"""``coupon``: a held coupon, priced at the coupon stage.

Each held coupon becomes one campaign (see
[`promocore.games.coupons.coupon_campaigns`][promocore.games.coupons.coupon_campaigns]); coupons of
one stack group share an exclusive group, so the engine's exact search picks the combination that
saves the customer the most and says why the others lost. The mechanic checks the coupon's own
scope, threshold and stacking rule, and keeps at least one minor unit payable unless the coupon
allows free orders.

Coupons take no units: a shop coupon and a platform coupon may both discount a line.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from promocore.campaign import Stage
from promocore.games.coupons.params import COUPON_MECHANIC, CouponParams
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, LineView, Mechanic, Proposal, Upsell, spread
from promocore.money import Money, total
from promocore.quote import Reason


class CouponReason(enum.StrEnum):
    """Reason codes of the ``coupon`` mechanic besides the engine's."""

    #: The coupon is held by another unpaid order.
    LOCKED = "coupon_locked"
    #: The coupon does not combine with the order-stage campaigns its lines received.
    NOT_STACKABLE = "not_stackable"
    #: The coupon would leave nothing to pay and free orders are not allowed.
    MIN_PAYABLE = "min_payable"


def order_discounted(view: LineView) -> bool:
    """True if an order-stage campaign discounted the line."""
    return any(a.stage is Stage.ORDER and a.amount.amount > 0 for a in view.adjustments)


@attrs.frozen
class CouponMechanic:
    """The ``coupon`` mechanic."""

    name: str = COUPON_MECHANIC
    stage: Stage = Stage.COUPON
    params_type: type[Any] = CouponParams
    #: Where promocore.testing finds its strategies (imported by the tests only).
    testing_profile: str = "promocore.games.coupons.strategies"

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Price one coupon against what its lines have left to pay."""
        params: CouponParams = context.campaign.params
        offer = params.offer
        label = f"{context.campaign.name} ({offer.describe()})"
        if params.locked_by is not None:
            return Decline(CouponReason.LOCKED, f"held by unpaid order {params.locked_by}")
        lines = [view for view in context.lines if offer.scope.includes(view.line)]
        if not lines:
            return Decline(Reason.OUT_OF_SCOPE, "no line in the cart is covered by the coupon")
        if not offer.stacks_with_order and any(order_discounted(v) for v in lines):
            return Decline(
                CouponReason.NOT_STACKABLE,
                "cannot be combined with the order promotions its items received",
            )
        base = total((view.base for view in lines), context.currency)
        gap = offer.needs(base)
        if gap.amount > 0:
            assert offer.threshold is not None
            saving = offer.discount(offer.threshold)
            upsell = Upsell(
                extra_saving=saving,
                add_amount=gap,
                message=f"add {gap.display()} more to use it and save {saving.display()}",
            )
            return Decline(
                Reason.BELOW_THRESHOLD,
                f"needs {offer.threshold.display()} of eligible items, has {base.display()}",
                upsell,
            )
        amount = offer.discount(base)
        capped = False
        if not offer.allow_free_order:
            payable = total((view.payable for view in context.lines), context.currency)
            keep = payable - Money(1, context.currency)
            if amount > keep:
                amount, capped = keep.max(context.zero()), True
        if amount.amount <= 0:
            if capped:
                return Decline(CouponReason.MIN_PAYABLE, "the order must keep something to pay")
            return Decline(Reason.NO_DISCOUNT, "nothing left to discount")
        discounts = tuple(attrs.evolve(d, units=0) for d in spread(amount, lines))
        note = " (the order keeps at least one minor unit to pay)" if capped else ""
        return Proposal(discounts=discounts, message=f"{label}: {amount.display()} off{note}")


MECHANIC: Mechanic = CouponMechanic()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``coupon``."""
    return [MECHANIC]
