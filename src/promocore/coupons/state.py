"""A coupon as it lives: its status, owner, validity window and the orders it was used in."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from promocore.coupons.template import Validity
from promocore.validation import Checks


class CouponStatus(enum.Enum):
    """Where a coupon is in its life.

    ``issued`` (a code nobody holds yet) → ``claimed`` (held by a customer) →
    ``locked`` (in an unpaid order) → ``redeemed`` (paid), or back to ``claimed``
    when the order releases it; ``expired`` once its window has passed.
    """

    ISSUED = "issued"
    CLAIMED = "claimed"
    LOCKED = "locked"
    REDEEMED = "redeemed"
    EXPIRED = "expired"


@attrs.frozen
class Coupon:
    """One coupon, identified by its code.

    Attributes:
        code: The unique code.
        template_id: The template it was issued from.
        status: Where it is in its life.
        validity: The template's validity, to open the window at the claim.
        issued_at: When it was issued.
        origin: The idempotency key of the request that issued it.
        max_uses: How many orders it may be used in.
        claim_until: An issued code can no longer be claimed from this moment.
        owner: The customer who claimed it.
        claimed_at: When it was claimed.
        valid_from: Start of the window in which it may be used.
        valid_until: End (exclusive) of that window.
        locked_by: The unpaid order holding it, while locked.
        locked_until: When that order's lock lapses unless it is paid, if ever.
        orders: The orders it was redeemed in, oldest first.
    """

    code: str
    template_id: str
    status: CouponStatus
    validity: Validity
    issued_at: datetime
    origin: str
    max_uses: int = 1
    claim_until: datetime | None = None
    owner: str | None = None
    claimed_at: datetime | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    locked_by: str | None = None
    locked_until: datetime | None = None
    orders: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.code.strip()), "code", "must not be empty")
        checks.check(self.max_uses >= 1, "max_uses", "must be >= 1")
        held = self.status is not CouponStatus.ISSUED
        checks.check(
            (self.owner is not None) == held or self.status is CouponStatus.EXPIRED,
            "owner",
            "a coupon has an owner exactly when it was claimed",
        )
        checks.check(
            (self.locked_by is not None) == (self.status is CouponStatus.LOCKED),
            "locked_by",
            "set exactly when the coupon is locked",
        )
        if self.locked_until is not None:
            checks.check(self.locked_by is not None, "locked_until", "set only while locked")
        checks.check(len(self.orders) <= self.max_uses, "orders", "more uses than allowed")
        checks.raise_if_any()

    @property
    def uses_left(self) -> int:
        """How many more orders it may be used in."""
        return self.max_uses - len(self.orders)

    def usable_at(self, at: datetime) -> bool:
        """True if ``at`` lies in the coupon's validity window (claimed coupons only)."""
        if self.valid_from is None or self.valid_until is None:
            return False
        return self.valid_from <= at < self.valid_until

    def due(self) -> datetime | None:
        """When the coupon must be looked at next: its lock lapses, or it expires."""
        if self.status is CouponStatus.ISSUED:
            return self.claim_until
        if self.status is CouponStatus.CLAIMED:
            return self.valid_until
        if self.status is CouponStatus.LOCKED:
            return self.locked_until
        return None

    def held_by(self, customer_id: str) -> bool:
        """True if the coupon belongs to ``customer_id`` and may still be used some day."""
        return self.owner == customer_id and self.status in (
            CouponStatus.CLAIMED,
            CouponStatus.LOCKED,
        )
