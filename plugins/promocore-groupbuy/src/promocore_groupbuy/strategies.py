"""Hypothesis strategies for group buys: valid params, and carts with group-buy lines.

The ``group_buy`` mechanic names this module in its ``testing_profile``;
[`promocore.testing`][promocore.testing] imports it and it registers its profile (and the
per-order unit limit law the mechanic obeys), so the mechanic conformance laws see lines priced at
the group price, not only refusals. Only the tests import it (it needs hypothesis).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from hypothesis import strategies as st

from promocore import Campaign, Cart, LineItem
from promocore.testing.extra_laws import RESPECTS_UNIT_LIMIT
from promocore.testing.profiles import register_profile
from promocore.testing.samples import campaign_carts
from promocore.testing.strategies import money, rates
from promocore.testing.strategies.vocabulary import SKUS
from promocore_groupbuy.lines import ACTIVITY_REF, TEAM_REF, group_buy_line
from promocore_groupbuy.mechanic import NAME
from promocore_groupbuy.params import GroupBuyParams, GroupPrice


@st.composite
def group_prices(draw: st.DrawFn, *, currency: str = "CNY", sku: str = "sku-apple") -> GroupPrice:
    """Draw the group price of ``sku``, with a leader price half the time."""
    price = draw(money(currency=currency, max_value=100_000))
    leader = draw(st.none() | money(currency=currency, max_value=price.amount))
    return GroupPrice(sku, price, leader)


@st.composite
def group_buy_params(
    draw: st.DrawFn,
    *,
    currency: str = "CNY",
    skus: st.SearchStrategy[list[str]] | None = None,
) -> GroupBuyParams:
    """Draw valid [`GroupBuyParams`][promocore_groupbuy.params.GroupBuyParams] in ``currency``.

    Args:
        draw: Supplied by hypothesis.
        currency: The currency of every price.
        skus: The skus sold; one to three of promocore's default test skus by default.
    """
    chosen = draw(
        skus
        if skus is not None
        else st.lists(st.sampled_from(SKUS), min_size=1, max_size=3, unique=True)
    )
    prices = tuple(draw(group_prices(currency=currency, sku=sku)) for sku in chosen)
    return GroupBuyParams(
        prices=prices,
        team_size=draw(st.integers(2, 10)),
        team_minutes=draw(st.sampled_from([60, 24 * 60]) | st.integers(1, 3 * 24 * 60)),
        per_customer_limit=draw(st.none() | st.integers(1, 6)),
        per_order_limit=draw(st.none() | st.integers(1, 4)),
        virtual_share=draw(st.none() | rates(min_value=Decimal("0.01"), max_value=1)),
        stacks=draw(st.booleans()),
    )


@st.composite
def group_buy_lines(draw: st.DrawFn, campaign: Campaign) -> LineItem:
    """Draw a line bought in a team of ``campaign``, at or above its group price.

    The line opens a team or joins one, and carries a category of the campaign's scope
    when the scope names categories.
    """
    params: GroupBuyParams = campaign.params
    item = draw(st.sampled_from(params.prices))
    above = draw(money(currency=campaign.currency, max_value=50_000))
    team = draw(st.none() | st.sampled_from(["team-1", "team-2"]))
    quantity = draw(st.integers(1, 4))
    scope = campaign.scope
    categories = sorted(scope.categories - scope.exclude_categories)
    chosen = [draw(st.sampled_from(categories))] if categories else []
    return group_buy_line(
        campaign.id, item.sku, item.price + above, quantity, team=team, categories=chosen
    )


def group_buy_carts(campaign: Campaign) -> st.SearchStrategy[Cart]:
    """Draw carts for ``campaign``: usually with a line bought in one of its teams."""
    return campaign_carts(
        campaign, refs=group_buy_refs(campaign), featured=group_buy_lines(campaign)
    )


def group_buy_refs(campaign: Campaign) -> st.SearchStrategy[Mapping[str, str]]:
    """Draw line refs for ``campaign``: opening a team, joining one, or none at all."""
    joins = st.sampled_from(["team-1", "team-2"]).map(
        lambda team: {ACTIVITY_REF: campaign.id, TEAM_REF: team}
    )
    opens = st.just({ACTIVITY_REF: campaign.id})
    return opens | joins | st.just({}) | st.just({ACTIVITY_REF: "another-activity"})


def _params(currency: str) -> st.SearchStrategy[GroupBuyParams]:
    return group_buy_params(currency=currency)


register_profile(NAME, params=_params, carts=group_buy_carts, laws=[RESPECTS_UNIT_LIMIT])
