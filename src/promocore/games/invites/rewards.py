"""Turning a reached rung into the coupons and points it grants, each exactly once."""

from __future__ import annotations

import attrs

from promocore.games.invites.model import RungReached
from promocore.games.points.model import Earn
from promocore.games.points.params import Expiry


@attrs.frozen
class CouponGrant:
    """One coupon to give: pass it to `promocore.games.coupons.service.CouponService.grant`."""

    template_id: str
    customer_id: str
    key: str


def coupon_grants(event: RungReached) -> tuple[CouponGrant, ...]:
    """The coupons ``event`` grants, each with its own idempotency key."""
    return tuple(
        CouponGrant(reward.template_id, event.inviter, f"{event.key}:{reward.template_id}:{n}")
        for reward in event.coupons
        for n in range(reward.quantity)
    )


def points_earn(event: RungReached, expiry: Expiry) -> Earn | None:
    """The [`Earn`][promocore.games.points.Earn] crediting ``event``'s points, or ``None``."""
    if event.points == 0:
        return None
    return Earn(event.key, event.points, "invite", expiry.expires_at(event.at))
