"""Drawing the examples the laws are checked against.

Carts are drawn to meet the campaign most of the time (a line taking part, a
customer in the audience, a moment inside the schedule) and to miss it otherwise,
so both the pricing and the refusals are exercised. Examples shrink towards
meeting it.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from promocore.campaign import Audience, Campaign, CustomerKind, Limits, Schedule, Scope
from promocore.cart import Cart, Customer, LineItem
from promocore.mechanic import Context, Mechanic
from promocore.money import Money
from promocore.plugins import PluginHost
from promocore.testing.profiles import CartsFactory, MechanicProfile, profile_of
from promocore.testing.strategies import campaigns, contexts, line_items, moments, money
from promocore.testing.strategies.vocabulary import CUSTOMER_IDS, SKUS, TIERS

#: True four times in five; shrinks to True.
_MOSTLY = st.integers(0, 4).map(lambda n: n != 4)
_ANY_MOMENT = moments()
_NO_REFS: st.SearchStrategy[Any] = st.just(())

# Examples draw campaign parts and customers from short lists of telling cases (each a
# single choice, simplest first), so examples are cheap to draw and quick to shrink.
_AUDIENCES = (
    Audience(),
    Audience(tiers=frozenset({"gold"})),
    Audience(segments=frozenset({"vip"})),
    Audience(customers=CustomerKind.NEW),
    Audience(customers=CustomerKind.RETURNING),
    Audience(customer_ids=frozenset({"c-1"})),
    Audience(tiers=frozenset({"gold", "silver"}), customers=CustomerKind.RETURNING),
)
_SCOPES = (
    Scope(),
    Scope(skus=frozenset({"sku-apple"})),
    Scope(categories=frozenset({"fruit"})),
    Scope(exclude_skus=frozenset({"sku-bread"})),
    Scope(categories=frozenset({"fruit", "dairy"}), exclude_skus=frozenset({"sku-apple"})),
    Scope(skus=frozenset({"sku-apple", "sku-bread"}), exclude_categories=frozenset({"dairy"})),
)
_LIMITS = (Limits(), Limits(per_order=1), Limits(per_order=3), Limits(per_customer=1))
_CUSTOMERS = (
    Customer("c-1"),
    Customer("c-2", tier="gold", segments=frozenset({"vip"})),
    Customer("c-3", tier="silver", is_new=True),
    Customer("c-1", tier="gold", is_new=True),
    Customer("c-4", segments=frozenset({"lapsed"})),
)
_CATEGORY_SETS: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"fruit"}),
    frozenset({"dairy"}),
    frozenset({"fruit", "dairy"}),
    frozenset({"bakery"}),
)
_ANYONE: st.SearchStrategy[Customer | None] = st.none() | st.sampled_from(_CUSTOMERS)
_PARTS: dict[str, st.SearchStrategy[Any]] = {
    "currencies": st.sampled_from(["CNY", "JPY", "KWD"]),
    "ids": st.sampled_from(["promo-1", "双11-a"]),
    "names": st.sampled_from(["Double 11", "满300减50"]),
    "audiences": st.sampled_from(_AUDIENCES),
    "scopes": st.sampled_from(_SCOPES),
    "limits": st.sampled_from(_LIMITS),
    "priorities": st.just(0),
}


@attrs.frozen
class Example:
    """What one law check is drawn: a campaign, a cart, a moment and a context."""

    campaign: Campaign
    cart: Cart
    at: datetime
    context: Context | None


@functools.cache
def in_scope_lines(
    scope: Scope, currency: str, refs: st.SearchStrategy[Any] = _NO_REFS
) -> st.SearchStrategy[LineItem] | None:
    """Draw lines ``scope`` covers (from the default skus and categories), or ``None`` if none."""
    skus = [sku for sku in SKUS if sku not in scope.exclude_skus]
    candidates = [
        (sku, categories)
        for sku in skus
        for categories in _CATEGORY_SETS
        if scope.includes(LineItem(sku, Money(1, currency), categories=categories))
    ]
    if not candidates:
        return None
    return st.builds(
        lambda pair, price, quantity, refs_: LineItem(
            pair[0], price, quantity, categories=pair[1], refs=refs_
        ),
        st.sampled_from(candidates),
        money(currency=currency, min_value=1, max_value=200_000),
        st.integers(1, 4),
        refs,
    )


@functools.cache
def admitted_customers(audience: Audience) -> st.SearchStrategy[Customer | None]:
    """Draw customers ``audience`` admits (anonymous ones too when it admits everyone)."""
    if audience.is_everyone:
        return _ANYONE
    fitting = [c for c in _CUSTOMERS if audience.mismatch(c) is None]
    if not fitting:
        fitting = [
            Customer(
                min(audience.customer_ids or CUSTOMER_IDS),
                tier=min(audience.tiers or TIERS),
                segments=frozenset(sorted(audience.segments)[:1]),
                is_new=audience.customers is CustomerKind.NEW,
            )
        ]
    return st.sampled_from(fitting)


@functools.cache
def moments_within(
    starts_at: datetime | None, ends_at: datetime | None
) -> st.SearchStrategy[datetime]:
    """Draw moments from ``starts_at`` (inclusive) to ``ends_at`` (exclusive).

    An open end reaches 60 days from the other; with neither, any moment is drawn.
    """
    window = timedelta(days=60)
    if starts_at is None and ends_at is None:
        return _ANY_MOMENT
    if starts_at is None:
        assert ends_at is not None
        starts_at = ends_at - window
    last = (ends_at if ends_at is not None else starts_at + window) - timedelta(microseconds=1)
    return moments(min_value=starts_at, max_value=max(starts_at, last))


def _inside(schedule: Schedule) -> st.SearchStrategy[datetime]:
    return moments_within(schedule.starts_at, schedule.ends_at)


@functools.cache
def _other_lines(currency: str, refs: st.SearchStrategy[Any]) -> st.SearchStrategy[list[LineItem]]:
    others = line_items(
        unit_prices=money(currency=currency, max_value=200_000),
        quantities=st.integers(1, 4),
        categories=st.sampled_from(_CATEGORY_SETS),
        tags=st.just(frozenset()),
        refs=refs,
    )
    return st.lists(others, min_size=0, max_size=3)


#: Shipping fees of drawn carts, in minor units: none two times in three.
_SHIPPING_FEES = st.none() | st.none() | st.integers(0, 2_000)


@st.composite
def _campaign_carts(
    draw: st.DrawFn,
    campaign: Campaign,
    refs: st.SearchStrategy[Any],
    featured: st.SearchStrategy[LineItem] | None,
    at: st.SearchStrategy[datetime],
) -> Cart:
    currency = campaign.currency
    lines: list[LineItem] = draw(_other_lines(currency, refs))
    if featured is not None and draw(_MOSTLY):
        lines.insert(draw(st.integers(0, len(lines))), draw(featured))
    if not lines:
        lines.extend(draw(_other_lines(currency, refs).filter(bool))[:1])
    customer = draw(admitted_customers(campaign.audience) if draw(_MOSTLY) else _ANYONE)
    when = draw(at if draw(_MOSTLY) else _ANY_MOMENT)
    fee = draw(_SHIPPING_FEES)
    shipping = None if fee is None else Money(fee, currency)
    return Cart(currency, tuple(lines), customer=customer, at=when, shipping=shipping)


def campaign_carts(
    campaign: Campaign,
    *,
    refs: st.SearchStrategy[Any] | None = None,
    featured: st.SearchStrategy[LineItem] | None = None,
    at: st.SearchStrategy[datetime] | None = None,
) -> st.SearchStrategy[Cart]:
    """Draw carts that usually meet ``campaign``, and sometimes miss it.

    Four times in five each: the cart holds a featured line, the customer is in the
    audience, and the moment is inside ``at``; the other lines are drawn freely. One cart in
    three has a shipping fee.

    Args:
        campaign: The campaign the carts are for.
        refs: Refs of the freely drawn lines (none by default).
        featured: Lines that take part in the campaign; by default lines in its scope.
        at: Moments the campaign is on; by default inside its schedule.
    """
    refs = refs if refs is not None else _NO_REFS
    if featured is None:
        featured = in_scope_lines(campaign.scope, campaign.currency, refs)
    return _campaign_carts(
        campaign, refs, featured, at if at is not None else _inside(campaign.schedule)
    )


def law_campaigns(
    *, mechanic: Mechanic | str, host: PluginHost, **parts: Any
) -> st.SearchStrategy[Campaign]:
    """Draw campaigns of ``mechanic`` the way the laws do.

    Audiences, scopes and limits come from short lists of telling cases; currencies are
    CNY, JPY (no decimals) or KWD (three decimals).

    Keyword arguments are passed on to
    [`promocore.testing.strategies.campaigns`][promocore.testing.strategies.campaigns] and override
    these choices.
    """
    chosen = {**_PARTS, **{k: v for k, v in parts.items() if v is not None}}
    return campaigns(mechanic=mechanic, host=host, **chosen)


@st.composite
def _examples(
    draw: st.DrawFn,
    mechanic: Mechanic,
    campaign_strategy: st.SearchStrategy[Campaign],
    carts: CartsFactory | None,
    profile: MechanicProfile,
) -> Example:
    campaign = draw(campaign_strategy)
    if carts is not None:
        cart = draw(carts(campaign))
    elif profile.carts is not None:
        cart = draw(profile.carts(campaign))
    else:
        refs = profile.refs(campaign) if profile.refs is not None else None
        cart = draw(campaign_carts(campaign, refs=refs))
    at = cart.at if cart.at is not None else draw(_inside(campaign.schedule))
    stage = campaign.stage or mechanic.stage
    context = draw(contexts(campaign=campaign, cart=cart, at=at, stage=stage))
    return Example(campaign, cart, at, context if context.lines else None)


def examples(
    mechanic: Mechanic,
    *,
    host: PluginHost,
    params: st.SearchStrategy[Any] | None = None,
    carts: CartsFactory | None = None,
) -> st.SearchStrategy[Example]:
    """Draw law examples for ``mechanic`` as registered in ``host``.

    Args:
        mechanic: The mechanic under test.
        host: A host providing it (campaigns it refuses are filtered away).
        params: Params to draw instead of the mechanic's own or derived strategy.
        carts: Builds the carts to draw for a campaign instead of the profile's or
            the default ones.
    """
    profile = profile_of(mechanic, host=host)
    if profile.campaigns is not None and params is None:
        campaign_strategy = profile.campaigns(host)
    else:
        campaign_strategy = law_campaigns(mechanic=mechanic, host=host, params=params)
    return _examples(mechanic, campaign_strategy, carts, profile)
