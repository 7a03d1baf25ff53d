"""Returns of flash-sale units: their share of what was paid, and the stock comes back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flashsale_builders import IN_SESSION, campaign, cny
from promocore_flashsale import (
    CustomerLimitError,
    FlashSaleService,
    IdempotencyConflictError,
    NotPaidError,
    OrderStatus,
    UnitsReturned,
    flash_paid,
    flash_units,
)

from promocore import Cart, Customer, LineItem, ValidationError, price
from promocore.ledger import MemoryLedger


def test_a_return_refunds_what_was_paid_and_puts_the_units_back() -> None:
    sale = FlashSaleService(MemoryLedger())
    c = campaign(per_customer_limit=3)
    sale.hold(c, "o1", "ann", {"phone": 2, "case": 1}, now=IN_SESSION)
    sale.pay(c, "o1", now=IN_SESSION, paid={"phone": cny("1998.00"), "case": cny("9.90")})
    assert sale.remaining(c, "phone", now=IN_SESSION) == 8
    outcome = sale.return_units(c, "o1", "r-1", {"phone": 1}, now=IN_SESSION)
    assert outcome.events == (UnitsReturned("o1", "r-1", "phone", 1, cny("999.00"), IN_SESSION),)
    assert sale.remaining(c, "phone", now=IN_SESSION) == 9
    last = sale.return_units(c, "o1", "r-2", {"phone": 1, "case": 1}, now=IN_SESSION).state
    assert last.status is OrderStatus.RETURNED and last.units_kept == 0
    assert dict(last.refunded) == {"phone": cny("1998.00"), "case": cny("9.90")}
    assert sale.remaining(c, "phone", now=IN_SESSION) == 10
    # the customer's count is kept: a returned purchase still counts toward the limit
    with pytest.raises(CustomerLimitError, match="may buy 0 more"):
        sale.hold(c, "o2", "ann", {"case": 1}, now=IN_SESSION)


def test_returns_need_a_paid_order_whose_payment_is_known() -> None:
    sale = FlashSaleService(MemoryLedger())
    c = campaign()
    sale.hold(c, "o1", "ann", {"phone": 1}, now=IN_SESSION)
    with pytest.raises(NotPaidError):
        sale.return_units(c, "o1", "r-1", {"phone": 1}, now=IN_SESSION)
    sale.pay(c, "o1", now=IN_SESSION)
    with pytest.raises(ValidationError, match=r"^paid: "):
        sale.return_units(c, "o1", "r-1", {"phone": 1}, now=IN_SESSION)
    sale.pay(c, "o1", now=IN_SESSION, paid={"phone": cny("999.00")})  # learnt on a retry
    sale.return_units(c, "o1", "r-1", {"phone": 1}, now=IN_SESSION)
    assert sale.return_units(c, "o1", "r-1", {"phone": 1}, now=IN_SESSION).replayed
    with pytest.raises(IdempotencyConflictError):
        sale.return_units(c, "o1", "r-1", {"case": 1}, now=IN_SESSION)
    assert sale.remaining(c, "phone", now=IN_SESSION) == 10  # back once


def test_what_a_quote_paid_is_split_between_flash_and_other_units() -> None:
    c = campaign(per_customer_limit=2)
    cart = Cart("CNY", (LineItem("case", cny("29.90"), 5),), customer=Customer("ann"))
    quote = price(cart, [c], at=IN_SESSION)
    assert flash_units(c, cart, quote) == {"case": 2}
    # 2 at ¥9.90 and 3 at ¥29.90 = ¥109.50; the flash units paid their ¥19.80
    assert quote.total == cny("109.50")
    assert flash_paid(c, cart, quote) == {"case": cny("19.80")}
    sale = FlashSaleService(MemoryLedger())
    sale.hold_quote(c, "o1", cart, quote, now=IN_SESSION)
    sale.pay(c, "o1", now=IN_SESSION)  # what was paid is known from the checkout
    [back] = sale.return_units(c, "o1", "r-1", {"case": 1}, now=IN_SESSION).events
    assert isinstance(back, UnitsReturned) and back.amount == cny("9.90")


def test_an_expired_hold_is_recorded_by_the_sweep() -> None:
    sale = FlashSaleService(MemoryLedger())
    c = campaign()
    sale.hold(c, "o1", "ann", {"phone": 1}, now=IN_SESSION)
    assert sale.sweep(now=IN_SESSION + timedelta(minutes=16)) == 1
    order = sale.order("o1")
    assert order is not None and order.status is OrderStatus.EXPIRED
