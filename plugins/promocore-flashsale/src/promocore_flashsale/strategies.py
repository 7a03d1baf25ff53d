"""Hypothesis strategies for flash sales: valid params, and carts during sessions.

The ``flash_sale`` mechanic names this module in its ``testing_profile``;
[`promocore.testing`][promocore.testing] imports it and it registers its profile (and the per-order
unit limit law the mechanic obeys). Only the tests import it (it needs hypothesis).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import strategies as st

from promocore import Campaign, Cart, LineItem
from promocore.testing.extra_laws import RESPECTS_UNIT_LIMIT
from promocore.testing.profiles import register_profile
from promocore.testing.samples import campaign_carts, moments_within
from promocore.testing.strategies import money
from promocore.testing.strategies.vocabulary import SKUS
from promocore_flashsale.mechanic import NAME
from promocore_flashsale.params import FlashItem, FlashSaleParams, Slot


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def slots(draw: st.DrawFn) -> tuple[Slot, ...]:
    """Draw one to three daily sessions, in order and not overlapping."""
    bounds = sorted(draw(st.sets(st.integers(0, 23 * 60 + 59), min_size=2, max_size=6)))
    pairs = list(zip(bounds[::2], bounds[1::2], strict=False))
    return tuple(Slot(_clock(a), _clock(b)) for a, b in pairs)


@st.composite
def flash_sale_params(draw: st.DrawFn, *, currency: str = "CNY") -> FlashSaleParams:
    """Draw valid `FlashSaleParams` in ``currency`` over promocore's default skus."""
    skus = draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=3, unique=True))
    items = tuple(
        FlashItem(sku, draw(money(currency=currency, max_value=100_000)), draw(st.integers(1, 50)))
        for sku in skus
    )
    return FlashSaleParams(
        items=items,
        slots=draw(slots()),
        utc_offset=draw(st.sampled_from(["+08:00", "+00:00", "-05:30"])),
        per_customer_limit=draw(st.none() | st.integers(1, 5)),
        one_sku_per_order=draw(st.booleans()),
        hold_minutes=draw(st.integers(1, 60)),
        stacks=draw(st.booleans()),
    )


@st.composite
def in_session(draw: st.DrawFn, campaign: Campaign) -> datetime:
    """Draw a moment during a session, on a day inside the campaign's schedule (mostly)."""
    params: FlashSaleParams = campaign.params
    schedule = campaign.schedule
    day = draw(moments_within(schedule.starts_at, schedule.ends_at)).astimezone(params.zone)
    midnight = day.replace(hour=0, minute=0, second=0, microsecond=0)
    slot = draw(st.sampled_from(params.slots))
    minute = draw(st.integers(slot.start_minute, slot.end_minute - 1))
    return midnight + timedelta(minutes=minute)


@st.composite
def flash_lines(draw: st.DrawFn, campaign: Campaign) -> LineItem:
    """Draw a line of a sku on sale, at or above its flash price."""
    params: FlashSaleParams = campaign.params
    item = draw(st.sampled_from(params.items))
    above = draw(money(currency=campaign.currency, max_value=50_000))
    scope = campaign.scope
    categories = sorted(scope.categories - scope.exclude_categories)
    chosen = frozenset([draw(st.sampled_from(categories))]) if categories else frozenset()
    return LineItem(item.sku, item.price + above, draw(st.integers(1, 4)), categories=chosen)


def flash_sale_carts(campaign: Campaign) -> st.SearchStrategy[Cart]:
    """Draw carts for ``campaign``: usually with a flash-sale line, usually during a session."""
    return campaign_carts(campaign, featured=flash_lines(campaign), at=in_session(campaign))


def _params(currency: str) -> st.SearchStrategy[FlashSaleParams]:
    return flash_sale_params(currency=currency)


register_profile(NAME, params=_params, carts=flash_sale_carts, laws=[RESPECTS_UNIT_LIMIT])
