"""``points_earning``: points earned on what the customer pays (post stage).

The quote carries a ``points_earned`` effect whose ``amount`` is what the points
were earned on and whose ``detail`` holds ``points``; crediting them is the
backend's job once the order is paid.
"""

from __future__ import annotations

from typing import Any

import attrs

from promocore.campaign import Stage
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, Mechanic, Proposal
from promocore.mechanics.points_redemption import PointsReason
from promocore.points.params import EARNED, EARNING_MECHANIC
from promocore.points.rules import EarnRule
from promocore.quote import Effect


@attrs.frozen
class PointsEarning:
    """The ``points_earning`` mechanic."""

    name: str = EARNING_MECHANIC
    stage: Stage = Stage.POST
    params_type: type[Any] = EarnRule

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
        effect = Effect(context.campaign.id, EARNED, paid, {"points": points})
        return Proposal(
            message=f"{context.campaign.name}: {points} points for {paid.display()} paid",
            effects=(effect,),
        )


MECHANIC: Mechanic = PointsEarning()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``points_earning``."""
    return [MECHANIC]
