"""The params of the ``coupon`` mechanic: one held coupon, priced at the coupon stage."""

from __future__ import annotations

import attrs

from promocore.coupons.offer import CouponOffer
from promocore.validation import Checks

#: Name of the mechanic that prices coupons.
COUPON_MECHANIC = "coupon"


@attrs.frozen
class CouponParams:
    """Params of the ``coupon`` mechanic.

    Attributes:
        offer: What the coupon takes off, on which lines, and how it combines.
        code: The coupon's code (empty for a campaign written by hand).
        locked_by: The other unpaid order holding the coupon, if any: the coupon
            is then shown but not used.
    """

    offer: CouponOffer
    code: str = ""
    locked_by: str | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if self.locked_by is not None:
            checks.check(bool(self.locked_by.strip()), "locked_by", "must not be empty")
        checks.raise_if_any()
