"""Presale refs are verified: against the terms while pricing, against the store at checkout."""

from __future__ import annotations

import pytest

from promocore.cart import Cart, Customer
from promocore.engine import Engine
from promocore.errors import RefRefusedError
from promocore.games.presale import Phase, PresaleService, presale_line
from promocore.ledger import MemoryLedger
from promocore.state import MemoryStore
from tests.games.presale.builders import IN_DEPOSIT, IN_FINAL, cny, presale, terms

CAMPAIGN = presale()


def final_cart(order_id: str, quantity: int = 1, customer: str = "amy") -> Cart:
    line = presale_line(terms(), quantity, Phase.FINAL, order_id=order_id)
    return Cart("CNY", (line,), Customer(customer), IN_FINAL)


@pytest.fixture
def service() -> PresaleService:
    service = PresaleService(MemoryStore(), MemoryLedger(), sleep=lambda _: None)
    service.create(CAMPAIGN, "amy", 2, now=IN_DEPOSIT, order_id="o-1")
    service.pay_deposit("o-1", "d-1", cny("100"), now=IN_DEPOSIT)
    return service


def test_a_final_payment_for_more_units_than_an_order_may_hold_is_refused() -> None:
    # The terms allow 3 units per customer: a 4-unit final payment claims ¥600 of deduction.
    with pytest.raises(RefRefusedError) as refused:
        Engine([CAMPAIGN]).price(final_cart("o-1", quantity=4))
    [problem] = refused.value.problems
    assert problem.path == "lines[0].quantity"
    assert "deduction of ¥600.00, but only 3 units are allowed per customer" in problem.message


def test_checkout_accepts_the_stored_order(service: PresaleService) -> None:
    cart = final_cart("o-1", quantity=2)
    assert Engine([CAMPAIGN]).price(cart).total == cny("1698.00")  # 2 × (999 - 150)
    service.verify(cart)


def test_checkout_refuses_a_final_payment_for_an_order_that_does_not_exist(
    service: PresaleService,
) -> None:
    cart = final_cart("o-404")
    assert Engine([CAMPAIGN]).price(cart).discount == cny("150.00")  # pricing cannot tell
    with pytest.raises(RefRefusedError) as refused:
        service.verify(cart)
    [problem] = refused.value.problems
    assert problem.path == "lines[0].refs.presale"
    assert problem.message == "no presale order 'o-404' exists"


def test_checkout_refuses_another_customers_order(service: PresaleService) -> None:
    with pytest.raises(RefRefusedError, match="order o-1 is amy's, not eve's"):
        service.verify(final_cart("o-1", quantity=2, customer="eve"))


def test_checkout_refuses_more_units_than_the_order_holds(service: PresaleService) -> None:
    with pytest.raises(RefRefusedError, match="holds 2 unit"):
        service.verify(final_cart("o-1", quantity=3))


def test_checkout_refuses_an_order_not_waiting_for_that_payment(service: PresaleService) -> None:
    service.create(CAMPAIGN, "amy", 1, now=IN_DEPOSIT, order_id="o-2")  # deposit unpaid
    with pytest.raises(RefRefusedError, match="o-2 is created, not deposit_paid"):
        service.verify(final_cart("o-2"))
    deposit = presale_line(terms(), 2, Phase.DEPOSIT, order_id="o-1")  # deposit already paid
    with pytest.raises(RefRefusedError, match="does not wait for the deposit payment"):
        service.verify(Cart("CNY", (deposit,), Customer("amy"), IN_DEPOSIT))


def test_a_deposit_line_without_an_order_needs_no_store() -> None:
    line = presale_line(terms(), 1, Phase.DEPOSIT)
    empty = PresaleService(MemoryStore(), MemoryLedger(), sleep=lambda _: None)
    empty.verify(Cart("CNY", (line,), Customer("amy"), IN_DEPOSIT))
