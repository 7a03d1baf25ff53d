"""The grant model: every grant valued, listed in the quote, counted by the budget."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from promocore.campaign import Budget, Campaign, Gift, Stage, Tier
from promocore.engine import Engine, price
from promocore.errors import ValidationError
from promocore.games.points.params import EarnRule, PointsRate
from promocore.mechanics.order_reward import CouponReward, OrderRewardParams
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.money import Money
from promocore.quote import Grant, GrantKind, Quote, Reason
from tests.core.builders import cart, cny, line


def gift_campaign(budget: str | None, *gifts: Gift, amount_off: str | None = None) -> Campaign:
    tier = Tier(
        cny("100.00"),
        amount_off=cny(amount_off) if amount_off is not None else None,
        gifts=gifts,
    )
    return Campaign(
        "gwp",
        "满100赠",
        "tiered_discount",
        TieredDiscountParams(tiers=(tier,)),
        budget=Budget(cny(budget)) if budget is not None else None,
    )


TOTE = Gift("TOTE", 2, "tote", list_price=cny("30.00"))


def test_every_grant_is_listed_with_its_value_and_line() -> None:
    campaign = gift_campaign("1000.00", TOTE, amount_off="10.00")
    quote = price(cart(line("A", "60.00"), line("B", "90.00")), [campaign])
    assert quote.grants == (
        Grant(
            campaign="gwp",
            kind=GrantKind.DISCOUNT,
            value=cny("4.00"),
            stage=quote.applied[0].stage,
            line=0,
            sku="A",
            quantity=1,
        ),
        Grant(
            campaign="gwp",
            kind=GrantKind.DISCOUNT,
            value=cny("6.00"),
            stage=quote.applied[0].stage,
            line=1,
            sku="B",
            quantity=1,
        ),
        Grant(
            campaign="gwp",
            kind=GrantKind.GIFT,
            value=cny("60.00"),
            stage=quote.applied[0].stage,
            line=2,
            sku="TOTE",
            quantity=2,
        ),
    )
    assert quote.lines[2].gift_of == "gwp"
    assert quote.granted("gwp") == quote.granted() == cny("70.00")
    assert [d.amount for d in quote.budget_draws] == [cny("70.00")]
    assert quote.withheld == ()


def test_a_gift_draws_on_the_budget_even_without_a_discount() -> None:
    quote = price(cart(line("A", "150.00")), [gift_campaign("100.00", TOTE)])
    assert quote.discount == cny("0")
    assert [(d.campaign, d.amount) for d in quote.budget_draws] == [("gwp", cny("60.00"))]


def test_a_declared_cost_values_the_gift_instead_of_its_list_price() -> None:
    cheap = Gift("TOTE", 2, list_price=cny("30.00"), cost=cny("8.50"))
    quote = price(cart(line("A", "150.00")), [gift_campaign("100.00", cheap)])
    assert quote.granted("gwp") == cny("17.00")


def test_a_budget_gives_the_gift_units_that_fit_and_withholds_the_rest() -> None:
    quote = price(
        cart(line("A", "150.00")),
        [gift_campaign("100.00", TOTE, amount_off="10.00")],
        budgets={"gwp": cny("45.00")},
    )
    # ¥10.00 off first, then ¥35.00 left holds one ¥30.00 tote, not two.
    assert quote.discount == cny("10.00")
    assert quote.applied[0].gifts == (("TOTE", 1),)
    assert quote.applied[0].budget_capped
    assert quote.granted("gwp") == cny("40.00") <= cny("45.00")
    [held] = quote.withheld
    assert held.reason == Reason.BUDGET_EXHAUSTED
    assert (held.grant.kind, held.grant.sku, held.grant.quantity) == ("gift", "TOTE", 1)
    assert held.grant.value == cny("30.00") and held.grant.line is None
    assert "¥45.00 left" in held.message and "TOTE" in held.message


def test_a_gift_that_does_not_fit_is_not_given_and_the_quote_says_why() -> None:
    quote = price(
        cart(line("A", "150.00")), [gift_campaign("100.00", TOTE)], budgets={"gwp": cny("1.00")}
    )
    assert [ln.sku for ln in quote.lines] == ["A"]
    assert quote.grants == () and quote.budget_draws == ()
    assert quote.reason("gwp") == Reason.BUDGET_EXHAUSTED
    assert quote.not_applied[0].message == (
        "its budget (¥1.00 left) does not cover gift TOTE × 2 (¥60.00)"
    )


def test_a_gift_needs_a_value() -> None:
    with pytest.raises(ValidationError, match="list_price"):
        Gift("TOTE")


def test_a_gift_valued_in_another_currency_is_refused() -> None:
    usd = Gift("TOTE", list_price=Money.parse("3.00", "USD"))
    with pytest.raises(ValidationError, match=r"gifts\[0\]\.list_price"):
        Engine([gift_campaign(None, usd)])


def points_campaign(budget: str | None, worth: PointsRate | None) -> Campaign:
    rule = EarnRule(1, cny("1.00"), worth=worth)
    return Campaign(
        "earn",
        "积分",
        "points_earning",
        rule,
        budget=Budget(cny(budget)) if budget is not None else None,
    )


def test_points_earned_are_valued_at_the_declared_worth_rounded_up() -> None:
    # 199 points at 3 points = ¥0.01 are worth ¥0.663..., counted as ¥0.67.
    quote = price(
        cart(line("A", "199.99")), [points_campaign("100.00", PointsRate(3, cny("0.01")))]
    )
    [grant] = quote.grants
    assert (grant.kind, grant.value) == (GrantKind.POINTS, cny("0.67"))
    assert dict(quote.effects[0].detail)["points"] == 199
    assert quote.effects[0].value == cny("0.67")
    assert [d.amount for d in quote.budget_draws] == [cny("0.67")]


def test_points_that_do_not_fit_the_budget_are_withheld() -> None:
    campaign = points_campaign("100.00", PointsRate(100, cny("1.00")))
    quote = price(cart(line("A", "199.99")), [campaign], budgets={"earn": cny("1.00")})
    assert quote.effects == () and quote.grants == ()
    assert quote.reason("earn") == Reason.BUDGET_EXHAUSTED


def test_a_budgeted_points_campaign_must_say_what_points_are_worth() -> None:
    with pytest.raises(ValidationError, match=r"params\.worth"):
        Engine([points_campaign("100.00", None)])


def test_grants_and_withheld_survive_the_converter() -> None:
    quote = price(
        cart(line("A", "150.00")),
        [gift_campaign("100.00", TOTE, amount_off="10.00")],
        budgets={"gwp": cny("45.00")},
    )
    data = quote.to_dict()
    assert data["grants"][1] == {
        "campaign": "gwp",
        "kind": "gift",
        "value": "30.00",
        "stage": "order",
        "line": 1,
        "sku": "TOTE",
        "quantity": 1,
    }
    assert data["withheld"][0]["reason"] == "budget_exhausted"
    assert Quote.from_dict(data) == quote


def test_an_edited_grant_or_draw_is_refused_when_read_back() -> None:
    quote = price(cart(line("A", "150.00")), [gift_campaign("100.00", TOTE, amount_off="10.00")])
    data = quote.to_dict()
    data["budget_draws"][0]["amount"] = "1.00"
    data["grants"][0]["value"] = "9.00"
    data["grants"][1]["quantity"] = 1
    with pytest.raises(ValidationError) as refused:
        Quote.from_dict(data)
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("grants", "grant 9.00 off line 0 by gwp, its adjustments say 10.00"),
        ("grants", "the gift grants are not the gift lines"),
        ("budget_draws[0].amount", "is 69.00 by the grants of gwp, not 1.00"),
    ]


def reward_campaign(params: OrderRewardParams, budget: str | None = None) -> Campaign:
    return Campaign(
        "back",
        "满200返",
        "order_reward",
        params,
        budget=Budget(cny(budget)) if budget is not None else None,
    )


def test_a_coupon_granted_is_valued_at_its_declared_cost() -> None:
    coupon = CouponReward("next-order-20", cny("20.00"), cost=cny("12.00"), quantity=2)
    campaign = reward_campaign(OrderRewardParams(cny("200.00"), coupon=coupon), "100.00")
    quote = price(cart(line("A", "250.00")), [campaign])
    [effect] = quote.effects
    assert (effect.kind, effect.amount, effect.value) == (
        "coupon_granted",
        cny("40.00"),
        cny("24.00"),
    )
    assert [(g.kind, g.value) for g in quote.grants] == [(GrantKind.COUPON, cny("24.00"))]
    assert quote.total == cny("250.00")  # a reward changes no price
    below = price(cart(line("A", "150.00")), [campaign])
    assert below.reason("back") == Reason.BELOW_THRESHOLD
    assert "add ¥50.00 more" in below.not_applied[0].message


def test_a_percent_cash_back_rounds_as_named_and_counts_against_the_budget() -> None:
    # 3% of ¥333.33 is ¥9.9999, rounded down to ¥9.99.
    params = OrderRewardParams(cash_back_percent=Decimal("3"))
    quote = price(cart(line("A", "333.33")), [reward_campaign(params, "50.00")])
    assert [(g.kind, g.value) for g in quote.grants] == [(GrantKind.CASH_BACK, cny("9.99"))]
    assert [d.amount for d in quote.budget_draws] == [cny("9.99")]
    short = price(
        cart(line("A", "333.33")), [reward_campaign(params, "50.00")], budgets={"back": cny("9.98")}
    )
    assert short.grants == () and short.reason("back") == Reason.BUDGET_EXHAUSTED
    assert "cash_back (¥9.99)" in short.not_applied[0].message


def test_a_reward_runs_at_the_post_stage_only() -> None:
    params = OrderRewardParams(cash_back=cny("5.00"))
    wrong = attrs.evolve(reward_campaign(params), stage=Stage.ORDER)
    with pytest.raises(ValidationError, match="post stage"):
        Engine([wrong])
