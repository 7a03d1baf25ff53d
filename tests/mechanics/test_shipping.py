"""``shipping``: 满99包邮, shipping discounts, member free shipping, the shipping line."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from promocore.campaign import Audience, Budget, Stage, Tier
from promocore.cart import SHIPPING_TAG, Cart, LineItem
from promocore.config import cart_from_dict
from promocore.engine import Engine
from promocore.errors import ValidationError
from promocore.mechanics import ShippingParams, TieredDiscountParams
from promocore.money import Money
from promocore.quote import Quote, Reason
from tests.core.builders import NOW, cny
from tests.mechanics.shapes import campaign, goods, quote

FREE_OVER_99 = campaign("shipping", ShippingParams(threshold=cny("99")), "free99")


def test_free_shipping_over_99() -> None:
    q = quote(goods(("TEE", "99.00", 1), shipping="10.00"), FREE_OVER_99)
    shipping = q.shipping
    assert shipping is not None and shipping.sku == "shipping" and shipping.index == 1
    assert shipping.total == cny("0.00")
    assert shipping.adjustments[0].stage is Stage.SHIPPING
    assert q.total == cny("99.00")
    assert q.applied[0].message == "free99: free shipping, ¥10.00 off"


def test_below_99_the_fee_is_paid_and_the_gap_hinted() -> None:
    q = quote(goods(("TEE", "89.50", 1), shipping="10.00"), FREE_OVER_99)
    assert q.total == cny("99.50")
    assert q.reason("free99") == Reason.BELOW_THRESHOLD
    (hint,) = q.hints
    assert hint.add_amount == cny("9.50") and hint.extra_saving == cny("10.00")
    assert hint.message == "free99: add ¥9.50 more for free shipping"


def test_the_threshold_counts_what_the_goods_have_left_after_discounts() -> None:
    # ¥110 of goods, 满100减20 at the order stage leaves 90: below 99, shipping is paid.
    ladder = campaign(
        "tiered_discount",
        TieredDiscountParams(tiers=[Tier(cny("100"), amount_off=cny("20"))]),
        "ladder",
    )
    q = quote(goods(("TEE", "110.00", 1), shipping="10.00"), ladder, FREE_OVER_99)
    assert q.applied_amount("ladder") == cny("20.00")
    assert q.reason("free99") == Reason.BELOW_THRESHOLD
    assert q.total == cny("100.00")
    shipping = q.shipping
    assert shipping is not None and not shipping.adjustments  # the ladder never touches it


def test_amount_percent_and_fixed_fee_discounts() -> None:
    cart = goods(("TEE", "50.00", 1), shipping="12.00")
    cases = {
        ShippingParams(amount_off=cny("5")): "5.00",
        ShippingParams(percent_off=Decimal("50")): "6.00",
        ShippingParams(fee=cny("8")): "4.00",
        ShippingParams(fee=cny("20")): None,  # the fee is already below: no discount
    }
    for params, saved in cases.items():
        q = quote(cart, campaign("shipping", params))
        if saved is None:
            assert q.reason("shipping") == Reason.NO_DISCOUNT
        else:
            assert q.applied_amount("shipping") == cny(saved)


def test_member_free_shipping_and_min_units() -> None:
    member = campaign("shipping", ShippingParams(), "member", audience=Audience(tiers={"gold"}))
    assert quote(goods(("TEE", "1.00", 1), shipping="8", tier="gold"), member).total == cny("1.00")
    q = quote(goods(("TEE", "1.00", 1), shipping="8"), member)
    assert q.reason("member") == Reason.AUDIENCE_MISMATCH
    two = campaign("shipping", ShippingParams(min_units=2), "two")
    q = quote(goods(("TEE", "1.00", 1), shipping="8"), two)
    assert q.reason("two") == Reason.BELOW_THRESHOLD and q.hints[0].add_quantity == 1


def test_a_cart_without_fee_explains_itself() -> None:
    q = quote(goods(("TEE", "100.00", 1)), FREE_OVER_99)
    assert q.shipping is None
    assert q.reason("free99") == Reason.NO_DISCOUNT


def test_the_budget_counts_shipping_grants() -> None:
    budgeted = attrs.evolve(FREE_OVER_99, budget=Budget(cny("1000")))
    engine = Engine([budgeted])
    cart = goods(("TEE", "120.00", 1), shipping="10.00")
    q = engine.price(cart)
    assert [(d.campaign, d.amount) for d in q.budget_draws] == [("free99", cny("10.00"))]
    (grant,) = q.grants
    assert (grant.kind, grant.value, grant.sku, grant.line) == (
        "shipping",
        cny("10.00"),
        "shipping",
        1,
    )
    capped = engine.price(cart, budgets={"free99": cny("3.50")})
    assert capped.applied_amount("free99") == cny("3.50") and capped.applied[0].budget_capped


def test_the_quote_round_trips_with_its_shipping_line() -> None:
    q = quote(goods(("TEE", "120.00", 1), shipping="10.00"), FREE_OVER_99)
    data = q.to_dict()
    assert data["lines"][1]["shipping"] is True
    assert Quote.from_dict(data) == q


def test_carts_load_and_refuse_shipping_fees() -> None:
    raw = {
        "currency": "CNY",
        "at": NOW.isoformat(),
        "lines": [{"sku": "TEE", "unit_price": "99.00"}],
        "shipping": "10.00",
    }
    assert cart_from_dict(raw).shipping == cny("10.00")
    with pytest.raises(ValidationError) as caught:
        cart_from_dict({**raw, "shipping": 10.5})
    assert caught.value.problems[0].path == "shipping"
    with pytest.raises(ValidationError) as caught:
        Cart("CNY", [LineItem("TEE", cny("1"))], shipping=Money(100, "USD"))
    assert caught.value.problems[0].path == "shipping"
    with pytest.raises(ValidationError) as caught:
        Cart("CNY", [LineItem("TEE", cny("1"), tags={SHIPPING_TAG})], shipping=cny("1"))
    assert caught.value.problems[0].path == "lines[0].tags"


def test_a_zero_fee_adds_no_line() -> None:
    q = quote(goods(("TEE", "100.00", 1), shipping="0"), FREE_OVER_99)
    assert q.shipping is None and len(q.lines) == 1


def test_no_scope_covers_the_shipping_line_as_goods() -> None:
    # A scope naming the shipping line's sku covers nothing: shipping is not goods.
    from promocore.campaign import Scope
    from tests.core.builders import percent_off

    odd = percent_off("odd", "50", scope=Scope(skus={"shipping"}))
    q = quote(goods(("TEE", "100.00", 1), shipping="10.00"), odd, FREE_OVER_99)
    assert q.reason("odd") == Reason.OUT_OF_SCOPE
    assert q.total == cny("100.00")
    # a 满减 over every line never counts or touches the fee
    ladder = campaign(
        "tiered_discount", TieredDiscountParams(tiers=[Tier(cny("105"), amount_off=cny("5"))])
    )
    q = quote(goods(("TEE", "100.00", 1), shipping="10.00"), ladder)
    assert q.reason("tiered_discount") == Reason.BELOW_THRESHOLD
    assert q.total == cny("110.00")


def test_a_fee_by_rule_first_and_further_units_capped() -> None:
    from promocore.cart import ShippingRule

    rule = ShippingRule(first=cny("8"), first_units=2, per_extra_unit=cny("3"), max_fee=cny("15"))
    one = goods(("TEE", "10.00", 1))
    assert rule.fee(one.lines) == cny("8.00")  # 首2件 ¥8
    assert rule.fee(goods(("TEE", "10.00", 3)).lines) == cny("11.00")  # + 续件 ¥3
    assert rule.fee(goods(("TEE", "10.00", 9)).lines) == cny("15.00")  # at most ¥15
    assert rule.apply(one).shipping == cny("8.00")
    raw = {
        "currency": "CNY",
        "lines": [{"sku": "TEE", "unit_price": "99.00", "quantity": 4}],
        "shipping": {"first": "8", "first_units": 2, "per_extra_unit": "3", "max_fee": "15"},
    }
    assert cart_from_dict(raw).shipping == cny("14.00")
    with pytest.raises(ValidationError) as caught:
        cart_from_dict({**raw, "shipping": {"first": "8", "first_units": 0}})
    assert caught.value.problems[0].path == "shipping.first_units"


def test_a_campaign_skipped_by_its_floor_is_still_explained() -> None:
    # ¥50 of goods and ¥10 shipping are below the ¥99 floor: the engine skips the campaign
    # while pricing, and reading the explanations asks the mechanic.
    q = Engine([FREE_OVER_99]).price(goods(("TEE", "50.00", 1), shipping="10.00"))
    assert q.total == cny("60.00")
    assert q.reason("free99") == Reason.BELOW_THRESHOLD
    assert q.hints[0].add_amount == cny("49.00")
