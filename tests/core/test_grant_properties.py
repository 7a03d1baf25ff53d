"""Properties of the grant model: no budget is ever exceeded, whatever the campaigns give.

Campaigns give discounts, gift units and points (valued at a declared worth); each may have
a budget, and pricing is given any remaining budget. The sum of a campaign's grants never
exceeds it, its budget draw is exactly that sum, and over a run of orders checked out
through a ledger the total granted never exceeds the budget's limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.campaign import Budget, Campaign, Gift, Tier
from promocore.cart import Cart
from promocore.engine import Engine
from promocore.games.points.params import EarnRule, PointsRate
from promocore.ledger import MemoryLedger
from promocore.ledger.checkout import checkout, define_budgets, remaining_budgets
from promocore.mechanics.price_off import PriceOffParams
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.money import Money
from promocore.quote import GrantKind, Quote, Reason
from tests.core.builders import NOW, carts

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _money(lo: int, hi: int) -> st.SearchStrategy[Money]:
    return st.integers(min_value=lo, max_value=hi).map(lambda a: Money(a, "CNY"))


@st.composite
def gifts(draw: st.DrawFn) -> tuple[Gift, ...]:
    out = []
    for k in range(draw(st.integers(1, 2))):
        price = draw(_money(0, 5_000))
        cost = draw(st.none() | _money(0, 5_000))
        out.append(Gift(f"GIFT{k}", draw(st.integers(1, 3)), list_price=price, cost=cost))
    return tuple(out)


@st.composite
def granting_campaign(draw: st.DrawFn, i: int) -> Campaign:
    kind = draw(st.sampled_from(["gift", "gift+off", "percent", "points"]))
    budget = draw(st.none() | _money(1, 20_000).map(Budget))
    params: object
    mechanic = "tiered_discount"
    if kind.startswith("gift"):
        off = draw(_money(1, 5_000)) if kind == "gift+off" else None
        tier = Tier(draw(_money(1, 30_000)), amount_off=off, gifts=draw(gifts()))
        params = TieredDiscountParams(tiers=(tier,))
    elif kind == "percent":
        mechanic = "price_off"
        params = PriceOffParams(percent_off=Decimal(draw(st.integers(1, 60))))
    else:
        mechanic = "points_earning"
        worth = PointsRate(draw(st.sampled_from([1, 3, 100])), draw(_money(1, 100)))
        params = EarnRule(draw(st.integers(1, 5)), draw(_money(1, 1_000)), worth=worth)
    return Campaign(f"c{i}", f"c{i}", mechanic, params, budget=budget)


@st.composite
def granting_campaigns(draw: st.DrawFn) -> list[Campaign]:
    return [draw(granting_campaign(i)) for i in range(draw(st.integers(1, 4)))]


@st.composite
def remaining(draw: st.DrawFn, campaigns: list[Campaign]) -> dict[str, Money]:
    left: dict[str, Money] = {}
    for c in campaigns:
        if c.budget is not None and draw(st.booleans()):
            left[c.id] = draw(_money(0, c.budget.limit.amount))
    return left


def _left(campaign: Campaign, budgets: dict[str, Money]) -> Money:
    assert campaign.budget is not None
    return budgets.get(campaign.id, campaign.budget.limit)


@SETTINGS
@given(cart=carts(), data=st.data())
def test_no_campaign_grants_more_than_its_budget_has_left(cart: Cart, data: st.DataObject) -> None:
    campaigns = data.draw(granting_campaigns())
    budgets = data.draw(remaining(campaigns))
    quote = Engine(campaigns).price(cart, budgets=budgets)
    draws = {d.campaign: d.amount for d in quote.budget_draws}
    for campaign in campaigns:
        granted = quote.granted(campaign.id)
        if campaign.budget is None:
            assert campaign.id not in draws
            continue
        assert granted <= _left(campaign, budgets)
        assert draws.get(campaign.id, Money.zero("CNY")) == granted
        for held in quote.withheld:
            assert held.reason == Reason.BUDGET_EXHAUSTED and held.grant.value.amount > 0
    _grants_match_the_quote(quote)


def _grants_match_the_quote(quote: Quote) -> None:
    """Discount grants are the adjustments; gift grants are the gift lines, valued."""
    discounts = [g for g in quote.grants if g.kind == GrantKind.DISCOUNT]
    assert sum(g.value.amount for g in discounts) == quote.discount.amount
    adjusted = {
        (line.index, a.campaign): a.amount for line in quote.lines for a in line.adjustments
    }
    assert {(g.line, g.campaign): g.value for g in discounts} == adjusted
    gift_lines = [line for line in quote.lines if line.gift_of is not None]
    gift_grants = [g for g in quote.grants if g.kind == GrantKind.GIFT]
    assert [(g.line, g.sku, g.quantity, g.campaign) for g in gift_grants] == [
        (line.index, line.sku, line.quantity, line.gift_of) for line in gift_lines
    ]
    valued = [g for g in quote.grants if g.kind not in (GrantKind.DISCOUNT, GrantKind.GIFT)]
    assert [g.value for g in valued] == [e.value for e in quote.effects if e.value is not None]
    assert quote.granted() == sum((g.value for g in quote.grants), Money.zero(quote.currency))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_orders_checked_out_one_after_another_never_exceed_a_budget(
    data: st.DataObject,
) -> None:
    campaigns = [
        c if c.budget is not None else Campaign(c.id, c.name, c.mechanic, c.params, budget=b)
        for c, b in zip(
            data.draw(granting_campaigns()),
            data.draw(st.lists(_money(1, 20_000).map(Budget), min_size=4, max_size=4)),
            strict=False,
        )
    ]
    engine = Engine(campaigns)
    ledger = MemoryLedger()
    limits = {c.id: c.budget.limit for c in campaigns if c.budget is not None}
    define_budgets(ledger, limits)
    spent = dict.fromkeys(limits, 0)
    for n in range(data.draw(st.integers(1, 6))):
        cart = data.draw(carts())
        quote = engine.price(cart, budgets=remaining_budgets(ledger, limits, now=NOW))

        def reprice(budgets: Mapping[str, Money], cart: Cart = cart) -> Quote:
            return engine.price(cart, budgets=budgets)

        done = checkout(ledger, f"order-{n}", quote, reprice, ttl=timedelta(minutes=15), now=NOW)
        if done.reservation is not None:
            ledger.commit(f"order-{n}", now=NOW)
        for cid in limits:
            spent[cid] += done.quote.granted(cid).amount
    for cid, limit in limits.items():
        assert spent[cid] <= limit.amount
        assert ledger.balance(f"budget:{cid}", now=NOW).money() == limit - Money(spent[cid], "CNY")
