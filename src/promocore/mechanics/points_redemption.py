"""``points_redemption``: points pay part of the order at the payment stage (积分抵现).

The points used are whole steps of the rate (no amount is rounded), at most the
rule's share of what is left to pay, and none at all below its minimum. The
quote carries a ``points_redeemed`` effect with the points to deduct.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from promocore.campaign import Stage
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, Mechanic, Proposal, spread
from promocore.points.params import REDEEMED, REDEMPTION_MECHANIC, PointsRedemptionParams
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


MECHANIC: Mechanic = PointsRedemption()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``points_redemption``."""
    return [MECHANIC]
