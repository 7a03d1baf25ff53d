"""Properties of coupon pricing: the best coupon exactly, bounded discounts, a payable kept."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.campaign import Scope, Stage
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import Engine
from promocore.games.coupons import (
    CouponOffer,
    CouponTemplate,
    campaign_id,
    coupon_campaigns,
    used_codes,
)
from promocore.money import Money, total
from promocore.plugins import make_host

from .builders import NOW, WEEK, held, ladder

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENGINE_CAMPAIGNS = (ladder("mj", "100", "10"),)
HOST = make_host(autoload=False)


def _money(lo: int, hi: int) -> st.SearchStrategy[Money]:
    return st.integers(min_value=lo, max_value=hi).map(lambda a: Money(a, "CNY"))


@st.composite
def offers(draw: st.DrawFn) -> CouponOffer:
    threshold = draw(st.none() | _money(0, 30_000))
    scope = draw(st.sampled_from([Scope(), Scope(categories={"x"}), Scope(exclude_skus={"A0"})]))
    free = draw(st.booleans())
    if draw(st.booleans()):
        return CouponOffer(
            amount_off=draw(_money(1, 20_000)), threshold=threshold, scope=scope,
            allow_free_order=free,
        )  # fmt: skip
    return CouponOffer(
        percent_off=Decimal(draw(st.integers(min_value=1, max_value=100))),
        max_off=draw(st.none() | _money(1, 10_000)),
        threshold=threshold,
        scope=scope,
        allow_free_order=free,
    )


@st.composite
def templates(draw: st.DrawFn) -> tuple[CouponTemplate, ...]:
    n = draw(st.integers(min_value=1, max_value=4))
    return tuple(CouponTemplate(f"t{i}", f"t{i}", draw(offers()), WEEK, 10) for i in range(n))


@st.composite
def carts(draw: st.DrawFn) -> Cart:
    n = draw(st.integers(min_value=1, max_value=3))
    lines = [
        LineItem(
            f"{draw(st.sampled_from('AB'))}{i}",
            draw(_money(0, 20_000)),
            draw(st.integers(min_value=1, max_value=3)),
            categories=draw(st.frozensets(st.sampled_from("xy"), max_size=2)),
        )
        for i in range(n)
    ]
    return Cart("CNY", lines, Customer("u1"), NOW)


def _coupon_saving(engine: Engine, cart: Cart) -> Money:
    quote = engine.price(cart)
    return total((a.amount for a in quote.applied if a.stage is Stage.COUPON), "CNY")


@SETTINGS
@given(templates(), carts())
def test_the_best_coupon_is_chosen_exactly(ts: tuple[CouponTemplate, ...], cart: Cart) -> None:
    coupons = [held(t) for t in ts]
    campaigns = coupon_campaigns(ts, coupons, customer_id="u1")
    chosen = _coupon_saving(Engine([*ENGINE_CAMPAIGNS, *campaigns], host=HOST), cart)
    alone = [_coupon_saving(Engine([*ENGINE_CAMPAIGNS, c], host=HOST), cart) for c in campaigns]
    assert chosen == max(alone)
    quote = Engine([*ENGINE_CAMPAIGNS, *campaigns], host=HOST).price(cart)
    assert len(used_codes(quote)) <= 1
    explained = {a.campaign for a in quote.applied} | {n.campaign for n in quote.not_applied}
    assert {campaign_id(c.code) for c in coupons} <= explained


@SETTINGS
@given(templates(), carts())
def test_discount_is_bounded_and_a_payable_is_kept(
    ts: tuple[CouponTemplate, ...], cart: Cart
) -> None:
    campaigns = coupon_campaigns(ts, [held(t) for t in ts], customer_id="u1")
    before = Engine(ENGINE_CAMPAIGNS, host=HOST).price(cart).total
    quote = Engine([*ENGINE_CAMPAIGNS, *campaigns], host=HOST).price(cart)
    by_code = {campaign_id(held(t).code): t for t in ts}
    for applied in quote.applied:
        template = by_code.get(applied.campaign)
        if template is None:
            continue
        offer = template.offer
        assert applied.amount.amount > 0
        if offer.amount_off is not None:
            assert applied.amount <= offer.amount_off
        if offer.max_off is not None:
            assert applied.amount <= offer.max_off
        if not offer.allow_free_order and before.amount >= 1:
            assert quote.total.amount >= 1
    assert all(line.total.amount >= 0 for line in quote.lines)
    assert quote.total <= before
