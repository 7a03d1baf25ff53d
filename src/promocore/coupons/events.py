"""What happened to a coupon: the events its transitions return."""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen
class CouponIssued:
    """A code was issued from a template."""

    code: str
    template_id: str
    at: datetime


@attrs.frozen
class CouponClaimed:
    """A customer claimed the coupon; it may be used from ``valid_from`` until ``valid_until``."""

    code: str
    customer_id: str
    valid_from: datetime
    valid_until: datetime
    at: datetime


@attrs.frozen
class CouponLocked:
    """An unpaid order holds the coupon."""

    code: str
    order_id: str
    at: datetime


@attrs.frozen
class CouponReleased:
    """The order gave the coupon back (cancelled, or not paid in time)."""

    code: str
    order_id: str
    at: datetime


@attrs.frozen
class CouponRedeemed:
    """The order was paid; the coupon has ``uses_left`` uses left."""

    code: str
    order_id: str
    uses_left: int
    at: datetime


@attrs.frozen
class CouponExpired:
    """The coupon's window passed before it was used up."""

    code: str
    at: datetime


#: Any coupon event.
CouponEvent = (
    CouponIssued | CouponClaimed | CouponLocked | CouponReleased | CouponRedeemed | CouponExpired
)
