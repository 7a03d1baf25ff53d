"""``group_buy``: the group price (拼团价) at the item stage.

A line whose refs name the campaign (see [`promocore_groupbuy.lines`][promocore_groupbuy.lines]) and
whose sku is in the activity gets the group price for its units, or the leader price when it opens a
team. Unless the activity ``stacks``, the line is then closed to the order and coupon stages. Lines
above the per-order limit, or of skus not in the activity, are explained and left at their price.
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
from promocore_groupbuy.lines import ACTIVITY_REF, opens_team
from promocore_groupbuy.params import GroupBuyParams

#: The name campaigns use in their ``mechanic`` field.
NAME = "group_buy"

_CLOSED = frozenset({Stage.ORDER, Stage.COUPON})


@attrs.frozen
class _Priced:
    discount: LineDiscount
    note: str


def _refusal(
    params: GroupBuyParams, view: LineView, per_order: int | None, left: int | None
) -> Decline | None:
    line = view.line
    if params.price_of(line.sku) is None:
        return Decline(Reason.INELIGIBLE, f"{line.sku} is not sold in this group buy")
    if per_order is not None and view.units > per_order:
        return Decline(
            Reason.LIMIT_REACHED,
            f"at most {per_order} unit(s) per order at the group price, the line has {view.units}",
        )
    if left is not None and view.units > left:
        return Decline(
            Reason.LIMIT_REACHED,
            f"the campaign discounts at most {left} more unit(s) in this order, the line "
            f"has {view.units}",
        )
    return None


def _price(params: GroupBuyParams, view: LineView) -> _Priced | None:
    price = params.price_of(view.line.sku)
    assert price is not None
    leader = opens_team(view.line)
    unit = price.unit_price(leader)
    amount = (view.base - unit * view.units).max(Money.zero(view.base.currency))
    if amount.amount == 0:
        return None
    who = "leader price" if leader and price.leader_price is not None else "group price"
    note = f"{view.units} × {view.line.sku} at the {who} {unit.display()}"
    return _Priced(LineDiscount(view.index, amount, view.units, view.base), note)


@attrs.frozen
class GroupBuy:
    """The ``group_buy`` mechanic."""

    name: str = NAME
    stage: Stage = Stage.ITEM
    params_type: type[Any] = GroupBuyParams
    #: Where promocore.testing finds its strategies (imported by the tests only).
    testing_profile: str = "promocore_groupbuy.strategies"

    def validate(self, campaign: Campaign) -> list[Problem]:
        """Refuse group-buy campaigns priced in another currency, or scoped away from their skus."""
        return campaign_problems(campaign)

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Price the lines bought in a team of this campaign at the group (or leader) price."""
        params: GroupBuyParams = context.campaign.params
        ours = [v for v in context.lines if v.line.ref(ACTIVITY_REF) == context.campaign.id]
        if not ours:
            return Decline(
                Reason.NOT_REFERENCED,
                f"no line is bought in a team of this group buy (ref {ACTIVITY_REF!r})",
            )
        left = context.unit_limit
        priced: list[_Priced] = []
        refusals: list[Decline] = []
        for view in ours:
            refused = _refusal(params, view, params.per_order_limit, left)
            if refused is not None:
                refusals.append(refused)
                continue
            found = _price(params, view)
            if found is not None:
                priced.append(found)
                if left is not None:
                    left -= view.units
        if not priced:
            if refusals:
                return refusals[0]
            return Decline(
                Reason.NO_DISCOUNT, "the lines already cost no more than the group price"
            )
        saved = total((p.discount.amount for p in priced), context.currency)
        return Proposal(
            discounts=tuple(p.discount for p in priced),
            message=f"{context.campaign.name}: "
            + "; ".join(p.note for p in priced)
            + f" ({saved.display()} off)",
            closes=frozenset() if params.stacks else _CLOSED,
        )


MECHANIC: Mechanic = GroupBuy()


def campaign_problems(campaign: Campaign) -> list[Problem]:
    """Return what is wrong with a group-buy campaign beyond its params.

    Its prices must be in its currency, and its scope must not leave out a sku it
    sells (by excluding it, or by listing only other skus).
    """
    params = campaign.params
    if not isinstance(params, GroupBuyParams):
        return [Problem("params", "must be GroupBuyParams")]
    problems = []
    if params.currency != campaign.currency:
        problems.append(
            Problem("params", f"prices are in {params.currency}, not {campaign.currency}")
        )
    scope = campaign.scope
    for item in params.prices:
        named_elsewhere = bool(scope.skus) and not scope.categories and item.sku not in scope.skus
        if item.sku in scope.exclude_skus or named_elsewhere:
            problems.append(Problem("scope", f"does not cover the group-buy sku {item.sku!r}"))
    return problems


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``group_buy``."""
    return [MECHANIC]
