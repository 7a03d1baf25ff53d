"""Coupons (优惠券): templates, the coupon lifecycle, and pricing the coupons a customer holds.

The same shape as every game (see [`promocore.games`][promocore.games]):

* [`params`][promocore.games.coupons.params]: templates (券模板) and what their coupons take off;
* [`model`][promocore.games.coupons.model]: a coupon as it lives, its commands and events;
* [`rules`][promocore.games.coupons.rules]: the pure lifecycle (issued → claimed → locked in an
  unpaid order → redeemed; back to claimed when the order releases it or is refunded in full;
  expired) and the games the runner runs;
* [`mechanic`][promocore.games.coupons.mechanic]: the ``coupon`` mechanic;
  [`coupon_campaigns`][promocore.games.coupons.pricing.coupon_campaigns] turns the coupons a
  customer holds into campaigns, so the engine picks the best coupon exactly and explains why
  the others were not used;
* [`service`][promocore.games.coupons.service]:
  [`CouponService`][promocore.games.coupons.service.CouponService], over a store and a ledger
  ([`accounts`][promocore.games.coupons.accounts], [`codes`][promocore.games.coupons.codes]);
* [`errors`][promocore.games.coupons.errors] and
  [`strategies`][promocore.games.coupons.strategies] (for the tests).

Names are loaded on first use: importing the mechanic loads no service and no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.games.coupons.codes import derive_code as derive_code
    from promocore.games.coupons.codes import normalize_code as normalize_code
    from promocore.games.coupons.errors import ClaimLimitReachedError as ClaimLimitReachedError
    from promocore.games.coupons.errors import ClaimRefusedError as ClaimRefusedError
    from promocore.games.coupons.errors import CouponError as CouponError
    from promocore.games.coupons.errors import CouponLockedError as CouponLockedError
    from promocore.games.coupons.errors import CouponNotUsableError as CouponNotUsableError
    from promocore.games.coupons.errors import CouponOwnerError as CouponOwnerError
    from promocore.games.coupons.errors import CouponsExhaustedError as CouponsExhaustedError
    from promocore.games.coupons.errors import CouponStateError as CouponStateError
    from promocore.games.coupons.errors import UnknownCouponError as UnknownCouponError
    from promocore.games.coupons.errors import UnknownTemplateError as UnknownTemplateError
    from promocore.games.coupons.model import CatchUp as CatchUp
    from promocore.games.coupons.model import Claim as Claim
    from promocore.games.coupons.model import Command as Command
    from promocore.games.coupons.model import Coupon as Coupon
    from promocore.games.coupons.model import CouponClaimed as CouponClaimed
    from promocore.games.coupons.model import CouponEvent as CouponEvent
    from promocore.games.coupons.model import CouponExpired as CouponExpired
    from promocore.games.coupons.model import CouponIssued as CouponIssued
    from promocore.games.coupons.model import CouponLocked as CouponLocked
    from promocore.games.coupons.model import CouponRedeemed as CouponRedeemed
    from promocore.games.coupons.model import CouponReleased as CouponReleased
    from promocore.games.coupons.model import CouponRestored as CouponRestored
    from promocore.games.coupons.model import CouponStatus as CouponStatus
    from promocore.games.coupons.model import Expire as Expire
    from promocore.games.coupons.model import Lock as Lock
    from promocore.games.coupons.model import Redeem as Redeem
    from promocore.games.coupons.model import Release as Release
    from promocore.games.coupons.model import Remember as Remember
    from promocore.games.coupons.model import Restore as Restore
    from promocore.games.coupons.model import Wallet as Wallet
    from promocore.games.coupons.params import COUPON_MECHANIC as COUPON_MECHANIC
    from promocore.games.coupons.params import CouponOffer as CouponOffer
    from promocore.games.coupons.params import CouponParams as CouponParams
    from promocore.games.coupons.params import CouponTemplate as CouponTemplate
    from promocore.games.coupons.params import Validity as Validity
    from promocore.games.coupons.pricing import campaign_id as campaign_id
    from promocore.games.coupons.pricing import code_of as code_of
    from promocore.games.coupons.pricing import coupon_campaigns as coupon_campaigns
    from promocore.games.coupons.pricing import used_codes as used_codes
    from promocore.games.coupons.rules import COUPONS as COUPONS
    from promocore.games.coupons.rules import WALLETS as WALLETS
    from promocore.games.coupons.rules import expired as expired
    from promocore.games.coupons.rules import issue as issue
    from promocore.games.coupons.rules import issue_to as issue_to
    from promocore.games.coupons.rules import transition as transition
    from promocore.games.coupons.service import CouponService as CouponService
    from promocore.games.runtime import Outcome as Outcome


_EXPORTS = {
    "COUPONS": "promocore.games.coupons.rules",
    "COUPON_MECHANIC": "promocore.games.coupons.params",
    "CatchUp": "promocore.games.coupons.model",
    "Claim": "promocore.games.coupons.model",
    "ClaimLimitReachedError": "promocore.games.coupons.errors",
    "ClaimRefusedError": "promocore.games.coupons.errors",
    "Command": "promocore.games.coupons.model",
    "Coupon": "promocore.games.coupons.model",
    "CouponClaimed": "promocore.games.coupons.model",
    "CouponError": "promocore.games.coupons.errors",
    "CouponEvent": "promocore.games.coupons.model",
    "CouponExpired": "promocore.games.coupons.model",
    "CouponIssued": "promocore.games.coupons.model",
    "CouponLocked": "promocore.games.coupons.model",
    "CouponLockedError": "promocore.games.coupons.errors",
    "CouponNotUsableError": "promocore.games.coupons.errors",
    "CouponOffer": "promocore.games.coupons.params",
    "CouponOwnerError": "promocore.games.coupons.errors",
    "CouponParams": "promocore.games.coupons.params",
    "CouponRedeemed": "promocore.games.coupons.model",
    "CouponReleased": "promocore.games.coupons.model",
    "CouponRestored": "promocore.games.coupons.model",
    "CouponService": "promocore.games.coupons.service",
    "CouponStateError": "promocore.games.coupons.errors",
    "CouponStatus": "promocore.games.coupons.model",
    "CouponTemplate": "promocore.games.coupons.params",
    "CouponsExhaustedError": "promocore.games.coupons.errors",
    "Expire": "promocore.games.coupons.model",
    "Lock": "promocore.games.coupons.model",
    "Outcome": "promocore.games.runtime",
    "Redeem": "promocore.games.coupons.model",
    "Release": "promocore.games.coupons.model",
    "Remember": "promocore.games.coupons.model",
    "Restore": "promocore.games.coupons.model",
    "UnknownCouponError": "promocore.games.coupons.errors",
    "UnknownTemplateError": "promocore.games.coupons.errors",
    "Validity": "promocore.games.coupons.params",
    "WALLETS": "promocore.games.coupons.rules",
    "Wallet": "promocore.games.coupons.model",
    "campaign_id": "promocore.games.coupons.pricing",
    "code_of": "promocore.games.coupons.pricing",
    "coupon_campaigns": "promocore.games.coupons.pricing",
    "derive_code": "promocore.games.coupons.codes",
    "expired": "promocore.games.coupons.rules",
    "issue": "promocore.games.coupons.rules",
    "issue_to": "promocore.games.coupons.rules",
    "normalize_code": "promocore.games.coupons.codes",
    "transition": "promocore.games.coupons.rules",
    "used_codes": "promocore.games.coupons.pricing",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
