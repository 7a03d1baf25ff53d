"""The exceptions raised by coupon templates, coupons and the coupon desk.

A move the coupon's status does not allow is a
[`CouponStateError`][promocore.games.coupons.errors.CouponStateError], an
[`IllegalTransitionError`][promocore.errors.IllegalTransitionError] like every game's (it is
also a ``ValueError``, as it was before the games shared their bases); an issue quantity or a
claim limit used up is an [`UnavailableError`][promocore.errors.UnavailableError]; an unknown code
or template is a [`NotFoundError`][promocore.errors.NotFoundError].
"""

from __future__ import annotations

from promocore import errors as base


class CouponError(base.PromocoreError):
    """Root of the errors about coupons."""


class CouponStateError(CouponError, base.IllegalTransitionError, ValueError):
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


class ClaimLimitReachedError(ClaimRefusedError, base.UnavailableError):
    """The customer already holds as many coupons of the template as allowed."""


class CouponsExhaustedError(ClaimRefusedError, base.UnavailableError):
    """Every coupon of the template has been issued."""


class UnknownCouponError(CouponError, base.NotFoundError):
    """No coupon has this code."""


class UnknownTemplateError(CouponError, base.NotFoundError):
    """No coupon template has this id."""
