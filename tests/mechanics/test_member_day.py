"""每周三会员日, 满300 且 第二件半价, 满99包邮: a campaign file, no custom code, hand-computed.

The packaged sample ``member-day.toml`` holds it: a ``multibuy`` (第二件半价, 同款) whose
conditions are every Wednesday, the member segment and 满300 (on list prices), and a
``shipping`` campaign (满99包邮) on member days. Amounts are in yuan.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from promocore.cart import Cart, Customer, LineItem
from promocore.config import load_campaigns, load_cart
from promocore.engine import Engine
from promocore.samples import sample_path
from tests.core.builders import cny

ENGINE = Engine(load_campaigns(sample_path("member-day.toml")))
CART = load_cart(sample_path("member-day-cart.json"))
WEDNESDAY = datetime.fromisoformat("2026-12-02T10:00:00+08:00")
THURSDAY = datetime.fromisoformat("2026-12-03T10:00:00+08:00")
HALF, FREE = "member-day-half", "member-day-free-99"


def cart(*lines: tuple[str, str, int], member: bool = True, at: datetime = WEDNESDAY) -> Cart:
    segments = {"member"} if member else set()
    items = [LineItem(sku, cny(price), qty) for sku, price, qty in lines]
    return Cart("CNY", items, Customer("u-1", segments=segments), at, shipping=cny("10.00"))


def test_on_a_wednesday_a_member_over_300_gets_both() -> None:
    # Two tees at ¥169 and a pair of socks at ¥30: ¥368 of list prices, at least ¥300.
    # 第二件半价 (same sku): the second tee is 169 × 50 % = 84.50 off; the socks make no pair.
    # The goods then have 368 − 84.50 = 283.50 left, at least ¥99: the ¥10 shipping is free.
    q = ENGINE.price(CART)
    assert q.applied_amount(HALF) == cny("84.50")
    assert q.applied_amount(FREE) == cny("10.00")
    assert q.total == cny("283.50")
    assert not q.not_applied


def test_on_thursday_both_say_when_they_start_again() -> None:
    q = ENGINE.price(attrs.evolve(CART, at=THURSDAY))
    assert q.total == cny("378.00")  # 338 + 30 + 10 shipping
    for campaign in (HALF, FREE):
        (item,) = [n for n in q.not_applied if n.campaign == campaign]
        assert item.reason == "outside_days"
        assert item.gap is not None and item.gap.text == "starts Wednesday 00:00"
        assert item.gap.starts_at == datetime.fromisoformat("2026-12-09T00:00:00+08:00")


def test_below_300_the_half_price_says_what_is_missing_and_shipping_is_still_free() -> None:
    # One tee and two pairs of socks: 169 + 60 = ¥229 < ¥300; ¥71.00 short.
    q = ENGINE.price(cart(("TEE-1", "169.00", 1), ("SOCK-1", "30.00", 2)))
    (item,) = q.not_applied
    assert item.campaign == HALF and item.reason == "below_min_amount"
    assert item.gap is not None and item.gap.add_amount == cny("71.00")
    assert q.applied_amount(FREE) == cny("10.00")  # ¥229 ≥ ¥99
    assert q.total == cny("229.00")


def test_below_99_the_shipping_is_paid_and_the_gap_hinted() -> None:
    # Two pairs of socks: ¥60, below both ¥300 and ¥99.
    q = ENGINE.price(cart(("SOCK-1", "30.00", 2)))
    assert q.total == cny("70.00")
    reasons = {n.campaign: n.reason for n in q.not_applied}
    assert reasons == {HALF: "below_min_amount", FREE: "below_threshold"}
    (hint,) = [h for h in q.hints if h.campaign == FREE]
    assert hint.add_amount == cny("39.00") and hint.extra_saving == cny("10.00")


def test_a_customer_who_is_not_a_member_gets_neither() -> None:
    q = ENGINE.price(cart(("TEE-1", "169.00", 2), member=False))
    assert q.total == cny("348.00")
    assert {n.campaign for n in q.not_applied} == {HALF, FREE}
    assert {n.reason for n in q.not_applied} == {"segment_mismatch"}
