from __future__ import annotations

import attrs
from groupbuy_builders import NOW, campaign, cny
from promocore_groupbuy import group_buy_line

from promocore import Campaign, Cart, Customer, LineItem, Reason, Tier, price
from promocore.mechanics import TieredDiscountParams

ANN = Customer("ann")


def cart(*lines: LineItem) -> Cart:
    return Cart("CNY", lines, customer=ANN, at=NOW)


def manjian() -> Campaign:
    params = TieredDiscountParams(tiers=(Tier(cny("50.00"), amount_off=cny("10.00")),))
    return Campaign("mj", "满50减10", "tiered_discount", params)


def test_a_line_opening_a_team_gets_the_leader_price() -> None:
    quote = price(cart(group_buy_line("gb-618", "tea", cny("79.00"))), [campaign()])
    assert quote.total == cny("49.00")
    assert "leader price ¥49.00" in quote.applied[0].message


def test_a_line_joining_a_team_gets_the_group_price_for_every_unit() -> None:
    line = group_buy_line("gb-618", "tea", cny("79.00"), 2, team="t1")
    quote = price(cart(line), [campaign()])
    assert quote.total == cny("118.00")


def test_a_sku_without_a_leader_price_charges_the_leader_the_group_price() -> None:
    quote = price(cart(group_buy_line("gb-618", "cup", cny("29.90"))), [campaign()])
    assert quote.total == cny("19.90")


def test_lines_not_bought_in_a_team_keep_their_price_and_are_explained() -> None:
    plain = LineItem("tea", cny("79.00"))
    other = group_buy_line("another", "tea", cny("79.00"))
    quote = price(cart(plain, other), [campaign()])
    assert quote.total == cny("158.00")
    assert quote.reason("gb-618") == Reason.NOT_REFERENCED


def test_a_line_above_the_order_limit_is_explained() -> None:
    line = group_buy_line("gb-618", "tea", cny("79.00"), 3, team="t1")
    quote = price(cart(line), [campaign(per_order_limit=2)])
    assert quote.reason("gb-618") == Reason.LIMIT_REACHED
    assert quote.total == cny("237.00")


def test_a_group_price_closes_the_line_to_order_discounts_unless_it_stacks() -> None:
    line = group_buy_line("gb-618", "tea", cny("79.00"), 2, team="t1")
    closed = price(cart(line), [campaign(), manjian()])
    assert closed.total == cny("118.00")
    assert closed.reason("mj") is not None
    stacked = price(cart(line), [campaign(stacks=True), manjian()])
    assert stacked.total == cny("108.00")


def test_a_line_already_below_the_group_price_is_left_alone() -> None:
    line = group_buy_line("gb-618", "tea", cny("40.00"), team="t1")
    quote = price(cart(line), [campaign()])
    assert quote.total == cny("40.00")
    assert quote.reason("gb-618") == Reason.NO_DISCOUNT


def test_only_the_campaign_named_by_the_line_prices_it() -> None:
    line = group_buy_line("gb-618", "tea", cny("79.00"), team="t1")
    other = attrs.evolve(campaign(), id="gb-other")
    quote = price(cart(line), [campaign(), other])
    assert quote.applied_amount("gb-618") == cny("20.00")
    assert quote.reason("gb-other") == Reason.NOT_REFERENCED
