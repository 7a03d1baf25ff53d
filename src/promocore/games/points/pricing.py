"""Pricing with points, and turning a paid quote into account commands.

[`points_campaigns`][promocore.games.points.pricing.points_campaigns] gives the payment-stage
campaign that lets points pay part of the order and, when the program earns points on purchases, the
post-stage campaign that computes them. Both are plain campaigns priced by the engine with the
others. After the order is placed, [`redeem_command`][promocore.games.points.pricing.redeem_command]
and [`earn_command`][promocore.games.points.pricing.earn_command] read the quote's effects and
return the commands for the customer's [`PointsAccount`][promocore.games.points.PointsAccount].
"""

from __future__ import annotations

from datetime import datetime

import attrs

from promocore.campaign import Campaign, Stage
from promocore.games.points.model import Earn, Redeem
from promocore.games.points.params import (
    EARNED,
    EARNING_MECHANIC,
    REDEEMED,
    REDEMPTION_MECHANIC,
    PointsProgram,
    PointsRedemptionParams,
)
from promocore.money import Money, total
from promocore.quote import Effect, Quote


def redemption_campaign_id(program: PointsProgram) -> str:
    """The id of the campaign through which the program's points pay."""
    return f"points:{program.id}"


def earning_campaign_id(program: PointsProgram) -> str:
    """The id of the campaign that computes the points an order earns."""
    return f"points-earning:{program.id}"


def points_campaigns(
    program: PointsProgram, available: int, *, use: int | None = None
) -> tuple[Campaign, ...]:
    """The program's campaigns for a customer with ``available`` spendable points.

    Args:
        program: The points program.
        available: The customer's spendable points now
            (`balance`).
        use: Points the customer asked to use; ``None`` as many as allowed, 0 none.
    """
    campaigns = [
        Campaign(
            id=redemption_campaign_id(program),
            name=program.name,
            mechanic=REDEMPTION_MECHANIC,
            params=PointsRedemptionParams(program.redemption, available, use),
            currency=program.currency,
            stage=Stage.PAYMENT,
        )
    ]
    if program.earning is not None:
        campaigns.append(
            Campaign(
                id=earning_campaign_id(program),
                name=f"{program.name}: points earned",
                mechanic=EARNING_MECHANIC,
                params=program.earning
                if program.earning.worth is not None
                else attrs.evolve(program.earning, worth=program.redemption.rate),
                currency=program.currency,
                stage=Stage.POST,
            )
        )
    return tuple(campaigns)


def _effects(quote: Quote, campaign: str, kind: str) -> list[Effect]:
    return [e for e in quote.effects if e.campaign == campaign and e.kind == kind]


def _points(effects: list[Effect]) -> int:
    return sum(int(dict(e.detail)["points"]) for e in effects)


def redeemed(quote: Quote, program: PointsProgram) -> tuple[int, Money]:
    """The points ``quote`` uses, and what they pay."""
    effects = _effects(quote, redemption_campaign_id(program), REDEEMED)
    paid = total((e.amount for e in effects if e.amount is not None), quote.currency)
    return _points(effects), paid


def earned(quote: Quote, program: PointsProgram) -> int:
    """The points ``quote`` earns once paid."""
    return _points(_effects(quote, earning_campaign_id(program), EARNED))


def order_value(quote: Quote, program: PointsProgram) -> Money:
    """The order's value before points: what refunds are measured against."""
    return quote.total + redeemed(quote, program)[1]


def redeem_command(quote: Quote, program: PointsProgram, order_id: str) -> Redeem | None:
    """The command that deducts the points ``quote`` uses, or ``None`` if it uses none."""
    points, _ = redeemed(quote, program)
    if points == 0:
        return None
    return Redeem(order_id, points, order_value(quote, program))


def earn_command(
    quote: Quote, program: PointsProgram, order_id: str, paid_at: datetime
) -> Earn | None:
    """The command that credits the points ``quote`` earns, or ``None`` if it earns none.

    Args:
        quote: The order's quote.
        program: The points program.
        order_id: The order.
        paid_at: When the points are credited; their expiry counts from it.
    """
    points = earned(quote, program)
    if points == 0:
        return None
    return Earn(
        key=f"order:{order_id}",
        points=points,
        reason="order",
        expires_at=program.expiry.expires_at(paid_at),
        order_id=order_id,
        basis=order_value(quote, program),
    )
