"""Turning the coupons a customer holds into campaigns the engine can price.

Pricing stays pure: the backend loads the customer's coupons, turns them into campaigns with
[`coupon_campaigns`][promocore.games.coupons.pricing.coupon_campaigns], and prices the cart with
those next to its other campaigns. Coupons of one stack group share an exclusive group, so the
engine picks exactly the combination that saves the most and explains why every other coupon was not
used (another saved more, below its threshold, out of scope, held by another order, not yet valid or
expired).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from promocore.campaign import Campaign, Schedule, Stage
from promocore.games.coupons.errors import UnknownTemplateError
from promocore.games.coupons.model import Coupon
from promocore.games.coupons.params import COUPON_MECHANIC, CouponParams, CouponTemplate
from promocore.quote import Quote

#: Prefix of the campaign ids of coupons (``coupon:<code>``).
CAMPAIGN_PREFIX = "coupon:"


def campaign_id(code: str) -> str:
    """The id of the campaign that prices the coupon ``code``."""
    return CAMPAIGN_PREFIX + code


def code_of(campaign: str) -> str | None:
    """The coupon code a campaign id names, or ``None`` if it is not a coupon's."""
    return campaign.removeprefix(CAMPAIGN_PREFIX) if campaign.startswith(CAMPAIGN_PREFIX) else None


def _far(coupon: Coupon) -> datetime:
    assert coupon.valid_until is not None
    return coupon.valid_until


def coupon_campaigns(
    templates: Iterable[CouponTemplate] | Mapping[str, CouponTemplate],
    coupons: Iterable[Coupon],
    *,
    customer_id: str,
    order_id: str | None = None,
) -> tuple[Campaign, ...]:
    """Return one coupon-stage campaign per coupon ``customer_id`` holds.

    Coupons the customer does not hold (other owners, redeemed, expired, never
    claimed) are left out. A coupon locked by ``order_id`` counts as held for
    that order; one locked by another order is shown but declines with
    ``coupon_locked``. Between coupons that save the same amount, the one of the
    template with the higher priority, then the one expiring first, wins.

    Args:
        templates: The templates of the coupons (extra ones are ignored).
        coupons: The customer's coupons, in any order.
        customer_id: The customer whose cart is priced.
        order_id: The order being priced, if it already exists.

    Raises:
        UnknownTemplateError: a held coupon names a template not given.
    """
    by_id = dict(templates) if isinstance(templates, Mapping) else {t.id: t for t in templates}
    held = [c for c in coupons if c.held_by(customer_id)]
    for coupon in held:
        if coupon.template_id not in by_id:
            raise UnknownTemplateError(
                f"coupon {coupon.code} names unknown template {coupon.template_id!r}"
            )
    held.sort(key=lambda c: (-by_id[c.template_id].priority, _far(c), c.code))
    campaigns = []
    for rank, coupon in enumerate(held):
        template = by_id[coupon.template_id]
        locked_by = coupon.locked_by if coupon.locked_by != order_id else None
        campaigns.append(
            Campaign(
                id=campaign_id(coupon.code),
                name=template.name,
                mechanic=COUPON_MECHANIC,
                params=CouponParams(template.offer, coupon.code, locked_by),
                currency=template.currency,
                stage=Stage.COUPON,
                schedule=Schedule(coupon.valid_from, coupon.valid_until),
                audience=template.audience,
                priority=len(held) - rank,
                exclusive_group=f"coupons:{template.stack_group}",
            )
        )
    return tuple(campaigns)


def used_codes(quote: Quote) -> tuple[str, ...]:
    """The codes of the coupons ``quote`` applied, to lock in the order."""
    codes = (code_of(applied.campaign) for applied in quote.applied)
    return tuple(code for code in codes if code is not None)
