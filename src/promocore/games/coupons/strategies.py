"""Hypothesis strategies for coupons: offers, the ``coupon`` mechanic's params, templates.

The ``coupon`` mechanic names this module in its ``testing_profile``; `promocore.testing` imports
it and it registers its profile, so the mechanic conformance laws draw coupons of both kinds (立减
and 折扣), with and without thresholds, caps and scopes. Only the tests import it (it needs
hypothesis).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from promocore.games.coupons.params import (
    COUPON_MECHANIC,
    CouponOffer,
    CouponParams,
    CouponTemplate,
    Validity,
)
from promocore.money import Rounding
from promocore.testing.profiles import register_profile
from promocore.testing.strategies import money, rates, scopes

_EPOCH = datetime(2026, 11, 11, tzinfo=UTC)


@st.composite
def coupon_offers(draw: st.DrawFn, *, currency: str = "CNY") -> CouponOffer:
    """Draw valid offers in ``currency``: an amount off, or a percent off with an optional cap."""
    threshold = draw(st.none() | money(currency=currency, max_value=50_000))
    scope = draw(scopes())
    stacks = draw(st.booleans())
    free = draw(st.integers(0, 4)) == 0
    if draw(st.booleans()):
        return CouponOffer(
            amount_off=draw(money(currency=currency, min_value=1, max_value=20_000)),
            threshold=threshold,
            scope=scope,
            stacks_with_order=stacks,
            allow_free_order=free,
        )
    return CouponOffer(
        percent_off=draw(rates(min_value=1, max_value=100, places=1)),
        max_off=draw(st.none() | money(currency=currency, min_value=1, max_value=20_000)),
        threshold=threshold,
        scope=scope,
        stacks_with_order=stacks,
        allow_free_order=free,
        rounding=draw(st.sampled_from(Rounding)),
    )


@st.composite
def coupon_params(draw: st.DrawFn, *, currency: str = "CNY") -> CouponParams:
    """Draw the params of a held coupon, now and then one another unpaid order holds."""
    code = draw(st.from_regex(r"[A-Z0-9]{4,8}", fullmatch=True))
    locked = draw(st.none() | st.just("o-other")) if draw(st.integers(0, 5)) == 0 else None
    return CouponParams(draw(coupon_offers(currency=currency)), code, locked)


@st.composite
def coupon_templates(
    draw: st.DrawFn, *, currency: str = "CNY", template_id: str | None = None
) -> CouponTemplate:
    """Draw valid templates: fixed or relative validity, small issue quantities and limits."""
    days = draw(st.none() | st.integers(1, 30))
    validity = (
        Validity.days_after_claim(days)
        if days is not None
        else Validity.fixed(_EPOCH + timedelta(days=draw(st.integers(1, 60))))
    )
    return CouponTemplate(
        id=template_id or draw(st.from_regex(r"[a-z][a-z0-9-]{0,9}", fullmatch=True)),
        name="coupon",
        offer=draw(coupon_offers(currency=currency)),
        validity=validity,
        issue_quantity=draw(st.integers(1, 20)),
        per_customer=draw(st.integers(1, 3)),
        currency=currency,
        uses_per_code=draw(st.integers(1, 3)),
    )


def _params(currency: str) -> st.SearchStrategy[CouponParams]:
    return coupon_params(currency=currency)


register_profile(COUPON_MECHANIC, params=_params)
