from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from promocore.campaign import Campaign, Stage, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import Engine
from promocore.games.bargain import (
    BargainParams,
    BargainReason,
    BargainSession,
    Cancel,
    Help,
    Order,
    SessionSnapshot,
    Start,
    annotate,
    apply,
)
from promocore.mechanics.price_off import PriceOffParams
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.quote import Quote, Reason
from tests.games.bargain.builders import T0, campaign, cny, minutes, terms

LATER = T0 + minutes(30)

MANJIAN = Campaign(
    id="manjian",
    name="满50减20",
    mechanic="tiered_discount",
    params=TieredDiscountParams(tiers=(Tier(cny("50"), amount_off=cny("20")),)),
)
COUPON = Campaign(
    id="coupon10",
    name="10% coupon",
    mechanic="price_off",
    stage=Stage.COUPON,
    params=PriceOffParams(percent_off=Decimal("10")),
)


def session(params: BargainParams | None = None, helpers: int = 3, **start: Any) -> BargainSession:
    fields: dict[str, Any] = {"session_id": "s1", "activity": "kan", "initiator": "ann"}
    fields.update(start)
    state, _ = apply(None, Start(terms=params or terms(), **fields), T0)
    for i in range(helpers):
        state, _ = apply(state, Help(f"friend-{i}"), T0 + minutes(1))
    return state


def cart(*lines: LineItem, customer: str = "ann") -> Cart:
    return Cart("CNY", lines, customer=Customer(customer))


def tea(ref: str | None = "s1", quantity: int = 1) -> LineItem:
    return LineItem("tea", cny("100"), quantity, refs={"bargain": ref} if ref else {})


def quote(c: Cart, *campaigns: Campaign, at: datetime = LATER) -> Quote:
    return Engine([campaign(), *campaigns]).price(c, at=at)


def test_a_succeeded_session_prices_the_line_at_the_floor() -> None:
    q = quote(annotate(cart(tea()), [session()]))
    assert q.total == cny("9.90")
    assert q.lines[0].adjustments[0].stage is Stage.ITEM
    assert q.applied_amount("kan") == cny("90.10")
    message = q.applied[0].message
    assert "session s1 reached its floor, 1 × tea at ¥9.90, ¥90.10 off" in message
    assert "not combined with order, coupon discounts" in message


def test_order_and_coupon_stages_skip_the_bargain_line() -> None:
    cup = LineItem("cup", cny("60"))
    q = quote(annotate(cart(tea(), cup), [session()]), MANJIAN, COUPON)
    tea_line, cup_line = q.lines
    assert tea_line.total == cny("9.90")
    assert [a.campaign for a in tea_line.adjustments] == ["kan"]
    # the cup alone reaches 满50, and takes the coupon on what is left
    assert [a.campaign for a in cup_line.adjustments] == ["manjian", "coupon10"]
    assert cup_line.total == cny("36.00")


def test_the_bargain_line_does_not_count_toward_order_thresholds() -> None:
    q = quote(annotate(cart(tea()), [session()]), MANJIAN)
    assert q.reason("manjian") == Reason.UNITS_TAKEN
    assert "closed to this stage" in next(n.message for n in q.not_applied)


def test_closed_stages_are_configurable() -> None:
    open_terms = terms(closed_stages=frozenset({Stage.COUPON}), floor_price=cny("60"))
    kan = campaign(open_terms)
    q = Engine([kan, MANJIAN, COUPON]).price(annotate(cart(tea()), [session(open_terms)]), at=LATER)
    assert [a.campaign for a in q.lines[0].adjustments] == ["kan", "manjian"]
    assert q.total == cny("40.00")
    assert "not combined with coupon discounts" in q.applied[0].message
    nothing_closed = terms(closed_stages=frozenset())
    q = Engine([campaign(nothing_closed), COUPON]).price(
        annotate(cart(tea()), [session(nothing_closed)]), at=LATER
    )
    assert q.total == cny("8.91")
    assert "not combined" not in q.applied[0].message


def test_a_session_in_progress_is_explained() -> None:
    q = quote(annotate(cart(tea()), [session(helpers=1)]))
    assert q.total == cny("100")
    assert q.reason("kan") == BargainReason.IN_PROGRESS
    assert "above its floor (at most 2 more help(s) needed)" in q.not_applied[0].message


def test_buying_above_the_floor_takes_the_current_price() -> None:
    early_terms = terms(buy_above_floor=True)
    state = session(early_terms, helpers=1)
    q = Engine([campaign(early_terms)]).price(annotate(cart(tea()), [state]), at=LATER)
    assert q.total == state.price
    assert "bought before the floor" in q.applied[0].message


def test_an_expired_session_is_explained_even_before_the_sweep() -> None:
    state = session(helpers=1)
    q = quote(annotate(cart(tea()), [state]), at=state.expires_at)
    assert q.reason("kan") == BargainReason.EXPIRED


def test_closed_sessions_are_explained() -> None:
    done = session()
    ordered, _ = apply(done, Order("o1", "ann"), LATER)
    cancelled, _ = apply(done, Cancel("ann"), LATER)
    for state in (ordered, cancelled):
        q = quote(annotate(cart(tea()), [state]))
        assert q.reason("kan") == BargainReason.CLOSED


def test_only_the_initiator_gets_the_price() -> None:
    q = quote(annotate(cart(tea(), customer="bo"), [session()]))
    assert q.reason("kan") == BargainReason.NOT_INITIATOR
    anonymous = Cart("CNY", [tea()])
    assert quote(annotate(anonymous, [session()])).reason("kan") == BargainReason.NOT_INITIATOR


def test_a_line_without_its_snapshot_is_explained() -> None:
    q = quote(cart(tea()))
    assert q.reason("kan") == BargainReason.UNRESOLVED
    assert "annotate the cart" in q.not_applied[0].message


def test_refs_from_a_client_are_replaced_or_dropped() -> None:
    forged = SessionSnapshot.of(session()).refs()  # claims the floor was reached
    honest = session(helpers=1)
    line = LineItem("tea", cny("100"), refs=forged)
    assert quote(annotate(cart(line), [honest])).reason("kan") == BargainReason.IN_PROGRESS
    assert quote(annotate(cart(line), [])).reason("kan") == BargainReason.UNRESOLVED
    assert annotate(cart(line), []).lines[0].refs == (("bargain", "s1"),)


def test_a_broken_snapshot_is_explained() -> None:
    refs = SessionSnapshot.of(session()).refs()
    for broken in ({**refs, "bargain.price": "cheap"}, {**refs, "bargain.status": "odd"}):
        line = LineItem("tea", cny("100"), refs=broken)
        assert quote(cart(line)).reason("kan") == BargainReason.UNRESOLVED
    partial = {k: v for k, v in refs.items() if k != "bargain.floor"}
    q = quote(cart(LineItem("tea", cny("100"), refs=partial)))
    assert "lacks bargain.floor" in q.not_applied[0].message


def test_one_unit_of_a_line_gets_the_price() -> None:
    q = quote(annotate(cart(tea(quantity=3)), [session()]))
    assert q.total == cny("209.90")
    assert q.lines[0].adjustments[0].units == 1


def test_lines_without_a_session_are_not_referenced() -> None:
    q = quote(cart(tea(ref=None)))
    assert q.reason("kan") == Reason.NOT_REFERENCED


def test_each_campaign_prices_its_own_sessions() -> None:
    other = campaign(terms(floor_price=cny("50")), id="kan2", name="Other bargain")
    mine = session()
    theirs = session(terms(floor_price=cny("50")), session_id="s2", activity="kan2")
    c = annotate(cart(tea("s1"), tea("s2")), [mine, theirs])
    q = Engine([campaign(), other]).price(c, at=LATER)
    assert [line.total for line in q.lines] == [cny("9.90"), cny("50")]


def test_a_cheaper_list_price_gets_no_discount() -> None:
    cheap = LineItem("tea", cny("5"), refs={"bargain": "s1"})
    assert quote(annotate(cart(cheap), [session()])).reason("kan") == Reason.NO_DISCOUNT


def test_the_per_order_unit_limit_holds() -> None:
    from promocore.campaign import Limits

    limited = campaign(limits=Limits(per_order=1))
    two = session(session_id="s2")
    c = annotate(cart(tea("s1"), tea("s2")), [session(), two])
    q = Engine([limited]).price(c, at=LATER)
    assert [line.total for line in q.lines] == [cny("9.90"), cny("100")]


def test_pricing_is_a_function_of_the_annotated_cart() -> None:
    c = annotate(cart(tea(), LineItem("cup", cny("60"))), [session()])
    assert quote(c, MANJIAN) == quote(c, MANJIAN)
    assert annotate(c, [session()]) is c


def test_the_snapshot_round_trips_through_refs() -> None:
    state = session(helpers=2)
    line = LineItem("tea", cny("100"), refs=SessionSnapshot.of(state).refs())
    assert SessionSnapshot.from_line(line) == SessionSnapshot.of(state)
    assert attrs.evolve(SessionSnapshot.of(state)).helps_left == 1


@pytest.mark.parametrize("currency", ["USD"])
def test_a_cart_in_another_currency_is_not_priced(currency: str) -> None:
    from promocore.money import Money

    line = LineItem("tea", Money(10000, currency), refs={"bargain": "s1"})
    c = annotate(Cart(currency, [line], customer=Customer("ann")), [session()])
    assert quote(c).reason("kan") == Reason.CURRENCY_MISMATCH
