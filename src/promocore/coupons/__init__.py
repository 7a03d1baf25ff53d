"""Coupons (优惠券): templates, the coupon lifecycle, and pricing the coupons a customer holds.

A [`CouponTemplate`][promocore.coupons.template.CouponTemplate] says what its coupons take off
([`CouponOffer`][promocore.coupons.offer.CouponOffer]), on which lines, for whom, how many may be
issued and for how long they stay valid. A [`Coupon`][promocore.coupons.state.Coupon] moves through
its life by pure transitions ([`transition`][promocore.coupons.lifecycle.transition]): issued →
claimed → locked (in an unpaid order) → redeemed, or back to claimed when the order releases it, or
expired.

To price, turn the coupons a customer holds into campaigns with
[`coupon_campaigns`][promocore.coupons.pricing.coupon_campaigns] and pass them to the engine with
the other campaigns; the engine picks the best coupon exactly and explains why the others were not
used.
"""

from promocore.coupons.codes import derive_code, normalize_code
from promocore.coupons.errors import (
    ClaimLimitReachedError,
    ClaimRefusedError,
    CouponError,
    CouponLockedError,
    CouponNotUsableError,
    CouponOwnerError,
    CouponsExhaustedError,
    CouponStateError,
    UnknownCouponError,
    UnknownTemplateError,
)
from promocore.coupons.events import (
    CouponClaimed,
    CouponEvent,
    CouponExpired,
    CouponIssued,
    CouponLocked,
    CouponRedeemed,
    CouponReleased,
)
from promocore.coupons.lifecycle import (
    Claim,
    Command,
    Expire,
    Lock,
    Redeem,
    Release,
    expired,
    issue,
    issue_to,
    transition,
)
from promocore.coupons.offer import CouponOffer
from promocore.coupons.params import COUPON_MECHANIC, CouponParams
from promocore.coupons.pricing import campaign_id, code_of, coupon_campaigns, used_codes
from promocore.coupons.service import CouponService, Wallet
from promocore.coupons.state import Coupon, CouponStatus
from promocore.coupons.template import CouponTemplate, Validity

__all__ = [
    "COUPON_MECHANIC",
    "Claim",
    "ClaimLimitReachedError",
    "ClaimRefusedError",
    "Command",
    "Coupon",
    "CouponClaimed",
    "CouponError",
    "CouponEvent",
    "CouponExpired",
    "CouponIssued",
    "CouponLocked",
    "CouponLockedError",
    "CouponNotUsableError",
    "CouponOffer",
    "CouponOwnerError",
    "CouponParams",
    "CouponRedeemed",
    "CouponReleased",
    "CouponService",
    "CouponStateError",
    "CouponStatus",
    "CouponTemplate",
    "CouponsExhaustedError",
    "Expire",
    "Lock",
    "Redeem",
    "Release",
    "UnknownCouponError",
    "UnknownTemplateError",
    "Validity",
    "Wallet",
    "campaign_id",
    "code_of",
    "coupon_campaigns",
    "derive_code",
    "expired",
    "issue",
    "issue_to",
    "normalize_code",
    "transition",
    "used_codes",
]
