"""The exceptions raised by coupon templates, coupons and the coupon desk."""

from __future__ import annotations

from promocore.errors import PromocoreError


class CouponError(PromocoreError):
    """Root of the errors about coupons."""


class CouponStateError(CouponError, ValueError):
    """The coupon cannot make this move from its current status.

    Attributes:
        code: The coupon's code.
        status: Its status, as a string (``"claimed"``).
    """

    def __init__(self, code: str, status: str, message: str) -> None:
        self.code = code
        self.status = status
        super().__init__(f"coupon {code} ({status}): {message}")


class CouponNotUsableError(CouponStateError):
    """The coupon is outside its validity window (not yet valid, or expired)."""


class CouponLockedError(CouponStateError):
    """The coupon is locked in another unpaid order."""


class CouponOwnerError(CouponStateError):
    """The coupon belongs to another customer."""


class ClaimRefusedError(CouponError, ValueError):
    """A customer may not claim a coupon of this template (audience, claim window)."""


class ClaimLimitReachedError(ClaimRefusedError):
    """The customer already holds as many coupons of the template as allowed."""


class CouponsExhaustedError(ClaimRefusedError):
    """Every coupon of the template has been issued."""


class UnknownCouponError(CouponError, LookupError):
    """No coupon has this code."""


class UnknownTemplateError(CouponError, LookupError):
    """No coupon template has this id."""
