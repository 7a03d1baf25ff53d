"""``flash_sale``: the flash price (秒杀价) at the item stage, during a session.

During a session on a day inside the campaign's schedule, lines of skus on sale get
the flash price for their units, up to the per-customer limit (an order cannot buy
more than that). With ``one_sku_per_order`` only the line saving the most is priced.
Unless the sale ``stacks``, priced lines are closed to the order and coupon stages.
Stock is not known while pricing: it is held at checkout
([`FlashSaleService`][promocore_flashsale.service.FlashSaleService]).
"""

from __future__ import annotations

from typing import Any

import attrs

from promocore import (
    Campaign,
    Context,
    Decline,
    LineDiscount,
    LineView,
    Mechanic,
    Money,
    Problem,
    Proposal,
    Reason,
    Stage,
    hookimpl,
    total,
)
from promocore_flashsale.params import FlashSaleParams

#: The name campaigns use in their ``mechanic`` field.
NAME = "flash_sale"

_CLOSED = frozenset({Stage.ORDER, Stage.COUPON})


def _discount(params: FlashSaleParams, view: LineView, limit: int | None) -> LineDiscount | None:
    item = params.item(view.line.sku)
    assert item is not None
    units = view.units if limit is None else min(view.units, limit)
    covered = view.take(units)
    amount = (covered.base - item.price * units).max(Money.zero(covered.base.currency))
    if amount.amount == 0:
        return None
    return LineDiscount(view.index, amount, units, covered.base)


@attrs.frozen
class FlashSale:
    """The ``flash_sale`` mechanic."""

    name: str = NAME
    stage: Stage = Stage.ITEM
    params_type: type[Any] = FlashSaleParams
    #: Where promocore.testing finds its strategies (imported by the tests only).
    testing_profile: str = "promocore_flashsale.strategies"

    def validate(self, campaign: Campaign) -> list[Problem]:
        """Refuse flash-sale campaigns in another currency, or scoped away from their skus."""
        return campaign_problems(campaign)

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Price the lines of skus on sale at the flash price while a session runs."""
        params: FlashSaleParams = context.campaign.params
        ours = [v for v in context.lines if params.item(v.line.sku) is not None]
        if not ours:
            return Decline(Reason.INELIGIBLE, "no sku of the cart is on this flash sale")
        session = params.session_at(context.at)
        if session is None:
            upcoming = params.next_session(context.at)
            return Decline(
                Reason.NOT_STARTED,
                f"between sessions; the next runs {upcoming.starts_at.isoformat()} to "
                f"{upcoming.ends_at.isoformat()}",
            )
        limits = [x for x in (params.per_customer_limit, context.unit_limit) if x is not None]
        left = min(limits) if limits else None
        discounts: list[LineDiscount] = []
        for view in ours:
            if left is not None and left <= 0:
                break
            found = _discount(params, view, left)
            if found is not None:
                discounts.append(found)
                if left is not None:
                    left -= found.units
        if not discounts:
            return Decline(
                Reason.NO_DISCOUNT, "the lines already cost no more than the flash price"
            )
        note = ""
        if params.one_sku_per_order and len(discounts) > 1:
            best = max(discounts, key=lambda d: (d.amount.amount, -d.index))
            discounts = [best]
            note = "; one flash-sale sku per order, the others keep their price"
        saved = total((d.amount for d in discounts), context.currency)
        units = sum(d.units for d in discounts)
        return Proposal(
            discounts=tuple(discounts),
            message=(
                f"{context.campaign.name}: flash price on {units} unit(s) until "
                f"{session.ends_at.strftime('%H:%M')}, {saved.display()} off{note}"
            ),
            closes=frozenset() if params.stacks else _CLOSED,
        )


MECHANIC: Mechanic = FlashSale()


def campaign_problems(campaign: Campaign) -> list[Problem]:
    """Return what is wrong with a flash-sale campaign beyond its params.

    Its prices must be in its currency, and its scope must not leave out a sku on sale.
    """
    params = campaign.params
    if not isinstance(params, FlashSaleParams):
        return [Problem("params", "must be FlashSaleParams")]
    problems = []
    if params.currency != campaign.currency:
        problems.append(
            Problem("params", f"prices are in {params.currency}, not {campaign.currency}")
        )
    scope = campaign.scope
    for item in params.items:
        named_elsewhere = bool(scope.skus) and not scope.categories and item.sku not in scope.skus
        if item.sku in scope.exclude_skus or named_elsewhere:
            problems.append(Problem("scope", f"does not cover the flash-sale sku {item.sku!r}"))
    return problems


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``flash_sale``."""
    return [MECHANIC]
