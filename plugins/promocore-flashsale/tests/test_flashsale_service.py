from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flashsale_builders import BETWEEN, IN_SESSION, campaign, cny
from promocore_flashsale import (
    CustomerLimitError,
    FlashSaleService,
    IdempotencyConflictError,
    NotInSessionError,
    OneSkuPerOrderError,
    OrderClosedError,
    SoldOutError,
    UnknownSkuError,
    flash_units,
)

from promocore import Cart, Customer, LineItem, ValidationError, price
from promocore.ledger import Ledger, MemoryLedger, ReservationStatus
from promocore.ledger.sqlite import SqliteLedger

AFTER_HOLD = IN_SESSION + timedelta(minutes=16)


@pytest.fixture(params=["memory", "sqlite"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    opened: Ledger = (
        MemoryLedger()
        if request.param == "memory"
        else SqliteLedger(tmp_path / "flash.sqlite3", durable=False)
    )
    yield opened
    opened.close()


def test_an_order_holds_stock_and_paying_sells_it(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    c = campaign(per_customer_limit=3)
    hold = sale.hold(c, "o1", "ann", {"phone": 2, "case": 1}, now=IN_SESSION)
    assert hold.status is ReservationStatus.HELD
    assert hold.units == (("case", 1), ("phone", 2))
    assert hold.expires_at == IN_SESSION + timedelta(minutes=15)
    assert sale.remaining(c, "phone", now=IN_SESSION) == 8
    sale.pay(c, "o1", now=IN_SESSION)
    sale.pay(c, "o1", now=IN_SESSION)  # a retry changes nothing
    assert sale.remaining(c, "phone", now=AFTER_HOLD) == 8


def test_cancelling_or_leaving_an_order_unpaid_gives_its_units_back(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    c = campaign(per_customer_limit=2)
    sale.hold(c, "o1", "ann", {"phone": 2}, now=IN_SESSION)
    sale.cancel(c, "o1", now=IN_SESSION)
    sale.cancel(c, "o1", now=IN_SESSION)
    assert sale.remaining(c, "phone", now=IN_SESSION) == 10
    sale.hold(c, "o2", "ann", {"phone": 2}, now=IN_SESSION)  # ann's count came back too
    assert sale.remaining(c, "phone", now=IN_SESSION) == 8
    assert sale.sweep(now=AFTER_HOLD) == 1
    assert sale.remaining(c, "phone", now=AFTER_HOLD) == 10
    with pytest.raises(OrderClosedError):
        sale.pay(c, "o2", now=AFTER_HOLD)


def test_a_paid_order_cannot_be_cancelled(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    c = campaign()
    sale.hold(c, "o1", "ann", {"case": 1}, now=IN_SESSION)
    sale.pay(c, "o1", now=IN_SESSION)
    with pytest.raises(OrderClosedError):
        sale.cancel(c, "o1", now=IN_SESSION)


def test_stock_is_never_oversold_and_a_refusal_holds_nothing(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    c = campaign()
    sale.hold(c, "o1", "ann", {"phone": 9}, now=IN_SESSION)
    with pytest.raises(SoldOutError) as caught:
        sale.hold(c, "o2", "bo", {"phone": 2, "case": 1}, now=IN_SESSION)
    assert caught.value.skus == ("phone",)
    assert "1 of phone left, 2 asked" in str(caught.value)
    assert sale.remaining(c, "case", now=IN_SESSION) == 100
    sale.hold(c, "o3", "bo", {"phone": 1}, now=IN_SESSION)
    assert sale.remaining(c, "phone", now=IN_SESSION) == 0


def test_the_per_customer_limit_spans_orders_and_skus(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    c = campaign(per_customer_limit=2)
    sale.hold(c, "o1", "ann", {"phone": 1}, now=IN_SESSION)
    with pytest.raises(CustomerLimitError, match="ann may buy 1 more"):
        sale.hold(c, "o2", "ann", {"case": 2}, now=IN_SESSION)
    sale.hold(c, "o3", "ann", {"case": 1}, now=IN_SESSION)
    sale.hold(c, "o4", "bo", {"case": 2}, now=IN_SESSION)


def test_orders_are_held_only_during_a_session(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    with pytest.raises(NotInSessionError, match="next starts"):
        sale.hold(campaign(), "o1", "ann", {"phone": 1}, now=BETWEEN)


def test_one_flash_sku_per_order_when_configured(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    with pytest.raises(OneSkuPerOrderError):
        sale.hold(
            campaign(one_sku_per_order=True), "o1", "ann", {"phone": 1, "case": 1}, now=IN_SESSION
        )


def test_a_hold_can_be_retried_even_after_the_session(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    c = campaign(hold_minutes=60)
    first = sale.hold(c, "o1", "ann", {"phone": 1}, now=IN_SESSION)
    again = sale.hold(c, "o1", "ann", {"phone": 1}, now=IN_SESSION + timedelta(minutes=26))
    assert again == first
    assert sale.remaining(c, "phone", now=IN_SESSION) == 9
    with pytest.raises(IdempotencyConflictError):
        sale.hold(c, "o1", "ann", {"phone": 2}, now=IN_SESSION)


def test_bad_units_are_refused(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    with pytest.raises(UnknownSkuError):
        sale.hold(campaign(), "o1", "ann", {"cable": 1}, now=IN_SESSION)
    with pytest.raises(ValidationError):
        sale.hold(campaign(), "o1", "ann", {"phone": 0}, now=IN_SESSION)


def test_a_quote_s_flash_units_are_held_at_checkout(ledger: Ledger) -> None:
    sale = FlashSaleService(ledger)
    c = campaign(per_customer_limit=2)
    cart = Cart(
        "CNY",
        (LineItem("case", cny("29.90"), 5), LineItem("cable", cny("5.00"))),
        customer=Customer("ann"),
    )
    quote = price(cart, [c], at=IN_SESSION)
    assert flash_units(c, cart, quote) == {"case": 2}
    hold = sale.hold_quote(c, "o1", cart, quote, now=IN_SESSION)
    assert hold.units == (("case", 2),)
    anonymous = Cart("CNY", cart.lines)
    with pytest.raises(ValidationError, match="customer"):
        sale.hold_quote(c, "o2", anonymous, quote, now=IN_SESSION)
