from __future__ import annotations

import attrs
from flashsale_builders import BETWEEN, IN_SESSION, campaign, cny

from promocore import Campaign, Cart, Customer, LineItem, Reason, Schedule, Tier, price
from promocore.mechanics import TieredDiscountParams

ANN = Customer("ann")
PHONE = LineItem("phone", cny("1299.00"))
CASE = LineItem("case", cny("29.90"), 2)


def cart(*lines: LineItem) -> Cart:
    return Cart("CNY", lines, customer=ANN)


def test_during_a_session_skus_on_sale_cost_the_flash_price() -> None:
    quote = price(cart(PHONE, CASE, LineItem("cable", cny("15.00"))), [campaign()], at=IN_SESSION)
    assert quote.total == cny("999.00") + cny("19.80") + cny("15.00")
    assert "until 10:30" in quote.applied[0].message


def test_between_sessions_the_price_is_the_list_price_and_the_next_session_is_named() -> None:
    quote = price(cart(PHONE), [campaign()], at=BETWEEN)
    assert quote.total == cny("1299.00")
    assert quote.reason("fs-1111") == Reason.NOT_STARTED
    assert "2026-11-11T20:00:00+08:00" in quote.not_applied[0].message


def test_outside_the_campaign_s_schedule_nothing_applies() -> None:
    ended = attrs.evolve(campaign(), schedule=Schedule(ends_at=IN_SESSION))
    assert price(cart(PHONE), [ended], at=IN_SESSION).reason("fs-1111") == Reason.ENDED


def test_an_order_gets_the_flash_price_on_at_most_the_per_customer_limit() -> None:
    many = LineItem("case", cny("29.90"), 5)
    quote = price(cart(many), [campaign(per_customer_limit=2)], at=IN_SESSION)
    assert quote.total == cny("9.90") * 2 + cny("29.90") * 3


def test_one_flash_sku_per_order_prices_the_line_saving_most() -> None:
    quote = price(cart(CASE, PHONE), [campaign(one_sku_per_order=True)], at=IN_SESSION)
    assert quote.total == cny("999.00") + cny("59.80")
    assert "one flash-sale sku per order" in quote.applied[0].message


def test_a_flash_price_closes_the_line_to_order_discounts_unless_it_stacks() -> None:
    mj = Campaign(
        "mj",
        "满500减50",
        "tiered_discount",
        TieredDiscountParams(tiers=(Tier(cny("500.00"), amount_off=cny("50.00")),)),
    )
    assert price(cart(PHONE), [campaign(), mj], at=IN_SESSION).total == cny("999.00")
    stacked = price(cart(PHONE), [campaign(stacks=True), mj], at=IN_SESSION)
    assert stacked.total == cny("949.00")


def test_a_cart_without_skus_on_sale_is_explained() -> None:
    quote = price(cart(LineItem("cable", cny("15.00"))), [campaign()], at=IN_SESSION)
    assert quote.reason("fs-1111") == Reason.INELIGIBLE
