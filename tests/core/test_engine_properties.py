"""Invariants of pricing, checked on random carts and campaigns."""

import random

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.campaign import Campaign, Stage
from promocore.cart import Cart
from promocore.engine import Engine, price
from promocore.money import Money

from .builders import best_by_brute_force, campaigns, carts

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cart=carts(), cs=campaigns())
def test_totals_add_up_and_never_go_negative(cart: Cart, cs: list[Campaign]) -> None:
    quote = price(cart, cs)
    assert quote.total == quote.subtotal - quote.discount
    assert quote.total.amount == sum(line.total.amount for line in quote.lines)
    assert Money.zero("CNY") <= quote.discount <= quote.subtotal
    for line in quote.lines:
        assert line.total.amount >= 0
        assert all(adj.amount.amount > 0 for adj in line.adjustments)
    applied = sum(a.amount.amount for a in quote.applied)
    assert applied == quote.discount.amount
    per_campaign: dict[str, int] = {}
    for line in quote.lines:
        for adj in line.adjustments:
            per_campaign[adj.campaign] = per_campaign.get(adj.campaign, 0) + adj.amount.amount
    assert per_campaign == {a.campaign: a.amount.amount for a in quote.applied if a.amount.amount}
    explained = {a.campaign for a in quote.applied} | {n.campaign for n in quote.not_applied}
    assert explained == {c.id for c in cs}
    assert not ({a.campaign for a in quote.applied} & {n.campaign for n in quote.not_applied})


@SETTINGS
@given(cart=carts(), cs=campaigns(), seed=st.integers())
def test_campaign_order_does_not_matter(cart: Cart, cs: list[Campaign], seed: int) -> None:
    shuffled = list(cs)
    random.Random(seed).shuffle(shuffled)
    assert price(cart, cs).to_dict() == price(cart, shuffled).to_dict()


@SETTINGS
@given(cart=carts(), cs=campaigns())
def test_pricing_is_deterministic(cart: Cart, cs: list[Campaign]) -> None:
    engine = Engine(cs)
    assert engine.price(cart, explain_all=True) == engine.price(cart, explain_all=True)


@SETTINGS
@given(cart=carts(), cs=campaigns())
def test_a_campaign_that_does_not_apply_changes_nothing(cart: Cart, cs: list[Campaign]) -> None:
    quote = price(cart, cs)
    idle = {n.campaign for n in quote.not_applied}
    without = price(cart, [c for c in cs if c.id not in idle])
    assert [line.total for line in without.lines] == [line.total for line in quote.lines]
    assert without.applied == quote.applied


@SETTINGS
@given(cart=carts(), cs=campaigns(), data=st.data())
def test_budgets_are_never_exceeded(cart: Cart, cs: list[Campaign], data: st.DataObject) -> None:
    budgets = {
        c.id: Money(data.draw(st.integers(min_value=0, max_value=c.budget.limit.amount)), "CNY")
        for c in cs
        if c.budget is not None
    }
    quote = price(cart, cs, budgets=budgets)
    draws = {d.campaign: d.amount for d in quote.budget_draws}
    for campaign in cs:
        if campaign.budget is not None:
            granted = quote.applied_amount(campaign.id)
            assert granted <= budgets[campaign.id]
            assert draws.get(campaign.id, Money.zero("CNY")) == granted


def _single_stage(cs: list[Campaign], stage: Stage) -> list[Campaign]:
    return [attrs.evolve(c, stage=stage) for c in cs]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cart=carts(),
    cs=campaigns(max_size=6, groups=("g1", "g2", "g3")),
    stage=st.sampled_from([Stage.ITEM, Stage.ORDER]),
)
def test_best_for_customer_equals_brute_force(cart: Cart, cs: list[Campaign], stage: Stage) -> None:
    # Stackable campaigns are left out so that only the exclusive choice varies.
    exclusive = [c for c in _single_stage(cs, stage) if c.exclusive_group is not None]
    quote = price(cart, exclusive)
    assert quote.discount.amount == best_by_brute_force(cart, exclusive)
