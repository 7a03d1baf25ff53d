"""``commission``: distribution commissions (分销佣金), a post-stage effect.

The mechanic changes no price. In a quote it estimates what each level would earn on each eligible
line, at the entry rank (promoters' ranks and the buyer's chain are only known when the order is
recorded), as ``commission`` effects (each a grant valued at its amount), and explains every line
that pays nothing as a ``commission_ineligible`` effect. Record paid orders with
[`promocore.games.commission.CommissionService`][promocore.games.commission.CommissionService],
which uses the same computation with the real chain and ranks.
"""

from __future__ import annotations

from typing import Any

import attrs

from promocore.campaign import Campaign, Stage
from promocore.errors import Problem
from promocore.games.commission.compute import IneligibleReason, compute
from promocore.games.commission.order import OrderLine, PaidOrder, activity_of
from promocore.games.commission.params import NAME, CommissionParams
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, Mechanic, Proposal
from promocore.quote import Effect, Reason

#: The kind of the effects estimating a commission.
COMMISSION = "commission"
#: The kind of the effects explaining a line that pays no commission.
INELIGIBLE = "commission_ineligible"

_ANONYMOUS = "anonymous"


def _ineligible(campaign: Campaign, index: int, sku: str, reason: str, message: str) -> Effect:
    detail = {"line": index, "sku": sku, "reason": reason, "message": message}
    return Effect(campaign.id, INELIGIBLE, detail=detail)


def _lines(context: Context, params: CommissionParams) -> tuple[list[OrderLine], list[Effect]]:
    """The lines the campaign sees as order lines, and effects explaining the others.

    Lines outside the scope are explained and left out: their payable is not
    known at this stage, so the share cap of an estimate counts only the lines
    in scope.
    """
    campaign = context.campaign
    views = {view.index: view for view in context.lines}
    lines: list[OrderLine] = []
    others: list[Effect] = []
    for i, item in enumerate(context.cart.lines):
        if item.is_shipping:
            continue  # the shipping fee earns no commission
        view = views.get(i)
        if view is not None:
            activity = activity_of(item, params.activity_tags)
            lines.append(OrderLine(str(i), item.sku, item.quantity, view.payable, None, activity))
        elif campaign.scope.includes(item):
            message = "closed to commissions by an activity price, or nothing is left to pay"
            others.append(_ineligible(campaign, i, item.sku, IneligibleReason.CLOSED, message))
        else:
            message = "out of the campaign's scope"
            others.append(_ineligible(campaign, i, item.sku, IneligibleReason.EXCLUDED, message))
    return lines, others


@attrs.frozen
class CommissionMechanic:
    """The ``commission`` mechanic."""

    name: str = NAME
    stage: Stage = Stage.POST
    params_type: type[Any] = CommissionParams
    #: Where promocore.testing finds its strategies (imported by the tests only).
    testing_profile: str = "promocore.games.commission.strategies"

    def validate(self, campaign: Campaign) -> list[Problem]:
        """Check a ``commission`` campaign: post stage, one currency, no discount budget."""
        return campaign_problems(campaign)

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Estimate each level's commission on each eligible line; explain the others."""
        params: CommissionParams = context.campaign.params
        campaign = context.campaign
        lines, effects = _lines(context, params)
        customer = context.customer
        if not lines:
            return Decline(Reason.INELIGIBLE, _why(effects))
        order = PaidOrder(
            "quote", customer.id if customer else _ANONYMOUS, context.currency, context.at, lines
        )
        result = compute(order, (None,) * params.levels, params)
        for draft in result.drafts:
            effects.append(
                Effect(
                    campaign.id,
                    COMMISSION,
                    draft.amount,
                    {
                        "line": int(draft.line_id),
                        "sku": draft.sku,
                        "level": draft.level,
                        "base": draft.base,
                        "rate": draft.rate.describe(),
                    },
                    value=draft.amount,
                )
            )
        for item in result.ineligible:
            effects.append(
                _ineligible(campaign, int(item.line_id), item.sku, item.reason, item.message)
            )
        if not result.drafts:
            return Decline(Reason.INELIGIBLE, _why(effects))
        effects.sort(key=lambda e: (dict(e.detail)["line"], e.kind, dict(e.detail).get("level", 0)))
        capped = f", capped at {params.max_share}% of the order" if result.capped else ""
        message = (
            f"{campaign.name}: up to {result.total.display()} in commissions over "
            f"{params.levels} level(s){capped}"
        )
        return Proposal(message=message, effects=tuple(effects))


def _why(effects: list[Effect]) -> str:
    reasons = []
    for effect in effects:
        detail = dict(effect.detail)
        reasons.append(f"line {detail['line']} ({detail['sku']}): {detail['message']}")
    return (
        "no line pays commission: " + "; ".join(reasons) if reasons else "no line pays commission"
    )


MECHANIC: Mechanic = CommissionMechanic()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``commission``."""
    return [MECHANIC]


def campaign_problems(campaign: Campaign) -> list[Problem]:
    """Return what is wrong with a ``commission`` campaign beyond its params.

    It must run at the post stage, have its amounts in its currency and no discount budget.
    """
    params = campaign.params
    if not isinstance(params, CommissionParams):
        return [Problem("params", "must be CommissionParams")]
    problems = []
    if campaign.stage not in (None, Stage.POST):
        problems.append(
            Problem("stage", "commission campaigns run at the post stage: they change no price")
        )
    currencies = sorted({m.currency for m in params.amounts()} - {campaign.currency})
    if currencies:
        problems.append(
            Problem("params", f"amounts are in {', '.join(currencies)}, not {campaign.currency}")
        )
    if campaign.budget is not None:
        problems.append(
            Problem(
                "budget",
                "commissions draw no discount budget; bound them with params.max_share",
            )
        )
    return problems
