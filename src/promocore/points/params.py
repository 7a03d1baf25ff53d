"""The params of the points mechanics: paying with points, and earning them."""

from __future__ import annotations

import attrs

from promocore.points.rules import RedemptionRule
from promocore.validation import Checks

#: Name of the mechanic that pays part of an order with points (payment stage).
REDEMPTION_MECHANIC = "points_redemption"
#: Name of the mechanic that credits points for what was paid (post stage).
EARNING_MECHANIC = "points_earning"
#: Effect kind of points used to pay; ``detail`` holds ``points``.
REDEEMED = "points_redeemed"
#: Effect kind of points earned; ``amount`` is the amount they were earned on.
EARNED = "points_earned"


@attrs.frozen
class PointsRedemptionParams:
    """Params of ``points_redemption``.

    Attributes:
        rule: Rate, largest share of the payable, fewest and most points per order.
        available: The customer's spendable points.
        requested: Points the customer asked to use; ``None`` uses as many as
            allowed, ``0`` none.
    """

    rule: RedemptionRule
    available: int
    requested: int | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.available >= 0, "available", "must be >= 0")
        if self.requested is not None:
            checks.check(self.requested >= 0, "requested", "must be >= 0")
        checks.raise_if_any()
