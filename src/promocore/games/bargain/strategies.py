"""Hypothesis strategies for bargaining: valid params, and carts holding session snapshots.

The ``bargain`` mechanic names this module in its ``testing_profile``;
[`promocore.testing`][promocore.testing] imports it and it registers its profile, so the
mechanic conformance laws see priced bargain lines, not only refusals. Only the tests import
it (it needs hypothesis).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from promocore.campaign import Campaign
from promocore.cart import Cart, Customer, LineItem
from promocore.games.bargain.model import Cancel, Expire, Help, Order, Start
from promocore.games.bargain.params import NAME, BargainParams
from promocore.games.bargain.rules import apply
from promocore.games.bargain.snapshot import REF, annotate
from promocore.money import Money
from promocore.testing.profiles import register_profile

#: When drawn sessions start unless the campaign's schedule says otherwise.
_EPOCH = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)
_CUSTOMERS = ("ann", "bo", "cy", "di")
_OTHER_SKUS = ("cup", "pot", "tray")
_MOSTLY = st.integers(0, 4).map(lambda n: n != 4)


@st.composite
def bargain_params(
    draw: st.DrawFn,
    *,
    currency: str = "CNY",
    skus: st.SearchStrategy[str] | None = None,
    max_helpers: int = 12,
) -> BargainParams:
    """Draw valid `BargainParams` in ``currency``.

    Args:
        draw: Supplied by hypothesis.
        currency: The currency of every price.
        skus: The bargained sku; ``"tea"`` by default.
        max_helpers: The most helpers a drawn activity needs.
    """
    helpers = draw(st.integers(1, max_helpers))
    initiator = draw(st.booleans())
    min_cut = draw(st.integers(1, 100))
    cuts = helpers + (1 if initiator else 0)
    floor = draw(st.integers(0, 50_000))
    start = floor + cuts * min_cut + draw(st.integers(0, 200_000))
    boost = draw(st.none() | st.decimals("1.1", "4", places=1).map(Decimal))
    return BargainParams(
        sku=draw(skus) if skus is not None else "tea",
        start_price=Money(start, currency),
        floor_price=Money(floor, currency),
        helpers_needed=helpers,
        min_cut=Money(min_cut, currency),
        initiator_cuts_first=initiator,
        helps_per_helper=draw(st.integers(1, 3)),
        sessions_per_customer=draw(st.integers(1, 3)),
        duration_minutes=draw(st.integers(1, 3 * 24 * 60)),
        stock=draw(st.none() | st.integers(1, 100)),
        buy_above_floor=draw(st.booleans()),
        new_helper_boost=boost,
    )


@st.composite
def bargain_carts(draw: st.DrawFn, campaign: Campaign) -> Cart:
    """Draw carts for a ``bargain`` campaign whose bargain lines carry session snapshots.

    The session is driven through random helps and, sometimes, an expiry, cancel or
    order; the cart mostly belongs to its initiator and is mostly priced while the
    campaign runs, so both prices and refusals come up.
    """
    params: BargainParams = campaign.params
    currency = campaign.currency
    begins = campaign.schedule.starts_at or _EPOCH
    customer = draw(st.sampled_from(_CUSTOMERS))
    initiator = customer if draw(_MOSTLY) else "someone-else"
    session, _ = apply(None, Start("s-1", campaign.id, initiator, params, draw(st.text())), begins)
    helpers = (
        params.helpers_needed if draw(_MOSTLY) else draw(st.integers(0, params.helpers_needed))
    )
    for i in range(helpers):
        if session.at_floor:
            break
        session, _ = apply(session, Help(f"friend-{i}", draw(st.booleans())), begins)
    ending = draw(st.sampled_from(["none"] * 7 + ["expire", "cancel", "order"]))
    after = session.expires_at + timedelta(minutes=1)
    if ending == "expire" and session.is_due(after):
        session, _ = apply(session, Expire(), after)
    elif ending == "cancel":
        session, _ = apply(session, Cancel(initiator), begins)
    elif ending == "order" and session.orderable(begins):
        session, _ = apply(session, Order("o-1", initiator), begins)
    scope = campaign.scope
    categories = frozenset(sorted(scope.categories - scope.exclude_categories)[:1])
    refs = {REF: session.id}
    low = params.start_price.amount if draw(_MOSTLY) else 1
    line = LineItem(
        params.sku,
        Money(draw(st.integers(low, params.start_price.amount * 2)), currency),
        draw(st.integers(1, 3)),
        categories=categories,
        refs=refs,
    )
    others = draw(
        st.lists(
            st.builds(
                LineItem,
                sku=st.sampled_from(_OTHER_SKUS),
                unit_price=st.integers(1, 50_000).map(lambda n: Money(n, currency)),
                quantity=st.integers(1, 3),
            ),
            max_size=2,
        )
    )
    lines = draw(st.permutations([line, *others]))
    at = begins + timedelta(minutes=draw(st.integers(0, params.duration_minutes + 60)))
    cart = Cart(currency, lines, customer=Customer(customer, is_new=draw(st.booleans())), at=at)
    return annotate(cart, [session] if draw(_MOSTLY) else [])


def _params(currency: str) -> st.SearchStrategy[BargainParams]:
    return bargain_params(currency=currency)


register_profile(NAME, params=_params, carts=bargain_carts)
