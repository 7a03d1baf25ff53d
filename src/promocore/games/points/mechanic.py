"""The points mechanics: ``points_redemption`` (积分抵现) and ``points_earning``.

``points_redemption``: points pay part of the order. The points used are whole steps of the rate
(no amount is rounded), at most the rule's share of what is left to pay, and none at all below its
minimum. The quote carries a ``points_redeemed`` effect with the points to deduct.

``points_earning``: points earned on what the customer pays. The quote carries a
``points_earned`` effect whose ``amount`` is what the points were earned on, whose ``detail``
holds ``points`` and whose ``value`` is what they are worth (the rule's ``worth``, rounded up), the
grant a budget counts; crediting them is the backend's job once the order is paid.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from promocore.campaign import Campaign, Stage
from promocore.errors import Problem
from promocore.games.points.params import (
    EARNED,
    EARNING_MECHANIC,
    REDEEMED,
    REDEMPTION_MECHANIC,
    EarnRule,
    PointsRedemptionParams,
)
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, Mechanic, Proposal, spread
from promocore.quote import Effect


class PointsReason(enum.StrEnum):
    """Reason codes of the points mechanics besides the engine's."""

    #: The customer chose not to use points.
    NOT_REQUESTED = "not_requested"
    #: Fewer points can be used than the rule's minimum.
    BELOW_MINIMUM = "below_minimum"
    #: The order earns no points.
    NOTHING_EARNED = "nothing_earned"


@attrs.frozen
class PointsRedemption:
    """The ``points_redemption`` mechanic."""

    name: str = REDEMPTION_MECHANIC
    stage: Stage = Stage.PAYMENT
    params_type: type[Any] = PointsRedemptionParams
    #: Where promocore.testing finds its strategies (imported by the tests only).
    testing_profile: str = "promocore.games.points.strategies"

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Pay as much of the lines as the points and the rule allow."""
        params: PointsRedemptionParams = context.campaign.params
        rule = params.rule
        if params.requested == 0:
            return Decline(PointsReason.NOT_REQUESTED, "the customer chose not to use points")
        wanted = params.available if params.requested is None else params.requested
        wanted = min(wanted, params.available)
        points, amount = rule.plan(wanted, context.base)
        if points == 0:
            return Decline(
                PointsReason.BELOW_MINIMUM,
                f"{wanted} point(s) on hand; at least {max(rule.min_points, 1)} usable "
                f"point(s) are needed (in steps of {rule.rate.step_points})",
            )
        effect = Effect(context.campaign.id, REDEEMED, amount, {"points": points})
        return Proposal(
            discounts=spread(amount, context.lines),
            message=f"{context.campaign.name}: {points} points pay {amount.display()}",
            effects=(effect,),
        )


#: The ``points_redemption`` mechanic.
REDEMPTION: Mechanic = PointsRedemption()


@attrs.frozen
class PointsEarning:
    """The ``points_earning`` mechanic."""

    name: str = EARNING_MECHANIC
    stage: Stage = Stage.POST
    params_type: type[Any] = EarnRule
    #: Where promocore.testing finds its strategies (imported by the tests only).
    testing_profile: str = "promocore.games.points.strategies"

    def validate(self, campaign: Campaign) -> list[Problem]:
        """Check a budgeted ``points_earning`` campaign says what its points are worth."""
        return earning_problems(campaign)

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Earn points on what the lines in scope have left to pay."""
        rule: EarnRule = context.campaign.params
        paid = context.base
        points = rule.earned(paid)
        if points == 0:
            return Decline(
                PointsReason.NOTHING_EARNED,
                f"{paid.display()} paid earns no points ({rule.points} per {rule.per.display()})",
            )
        effect = Effect(
            context.campaign.id, EARNED, paid, {"points": points}, value=rule.value(points)
        )
        return Proposal(
            message=f"{context.campaign.name}: {points} points for {paid.display()} paid",
            effects=(effect,),
        )


#: The ``points_earning`` mechanic.
EARNING: Mechanic = PointsEarning()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``points_redemption`` and ``points_earning``."""
    return [REDEMPTION, EARNING]


def earning_problems(campaign: Campaign) -> list[Problem]:
    """Return what is wrong with a ``points_earning`` campaign beyond its params.

    A budgeted one must say what its points are worth, in the campaign's currency.
    """
    params = campaign.params
    if not isinstance(params, EarnRule):
        return [Problem("params", "must be EarnRule")]
    problems = []
    if campaign.budget is not None and params.worth is None:
        problems.append(
            Problem(
                "params.worth",
                "a budgeted campaign must say what its points are worth: its budget counts them",
            )
        )
    for path, amount in (
        ("params.per", params.per),
        ("params.worth.value", params.worth.value if params.worth else None),
    ):
        if amount is not None and amount.currency != campaign.currency:
            problems.append(Problem(path, f"is in {amount.currency}, not {campaign.currency}"))
    return problems
