"""``invite``: whether an invited friend's order makes them count for their inviter (post stage).

The campaign is built for one friend by
[`invite_campaign`][promocore.games.invites.pricing.invite_campaign] while they have not qualified
yet. An order paying at least the program's minimum carries an ``invite_qualifies`` effect naming
the inviter (record the purchase with the invite service once it is paid); a smaller one is
declined with the gap to the minimum in its message ("add ¥12.00 more for the order to reach
¥99.00 and count for amy's invitation"); it saves nothing, so it is no upsell hint.
"""

from __future__ import annotations

from typing import Any

import attrs

from promocore.campaign import Stage
from promocore.games.invites.params import INVITE_MECHANIC, QUALIFIES, InviteParams
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, Mechanic, Proposal
from promocore.quote import Effect, Reason


@attrs.frozen
class Invite:
    """The ``invite`` mechanic."""

    name: str = INVITE_MECHANIC
    stage: Stage = Stage.POST
    params_type: type[Any] = InviteParams
    #: Where promocore.testing finds its strategies (imported by the tests only).
    testing_profile: str = "promocore.games.invites.strategies"

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Say whether what the order pays makes the friend count."""
        params: InviteParams = context.campaign.params
        paid = context.base
        minimum = params.min_purchase
        if minimum is not None and minimum.currency != context.currency:
            return Decline(Reason.CURRENCY_MISMATCH, f"the minimum is in {minimum.currency}")
        if minimum is not None and paid < minimum:
            return Decline(
                Reason.BELOW_THRESHOLD,
                f"{paid.display()} paid; add {(minimum - paid).display()} more for the order to "
                f"reach {minimum.display()} and count for {params.inviter}'s invitation",
            )
        detail = {"program": params.program_id, "inviter": params.inviter}
        return Proposal(
            message=f"{context.campaign.name}: this order counts for {params.inviter}'s invitation",
            effects=(Effect(context.campaign.id, QUALIFIES, paid, detail),),
        )


MECHANIC: Mechanic = Invite()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``invite``."""
    return [MECHANIC]
