"""Returns of presale units: their share of what was paid, never more, and the units go back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.errors import IllegalTransitionError, ValidationError
from promocore.games.presale import (
    IdempotencyConflictError,
    PresaleService,
    Returned,
    Status,
)
from promocore.games.presale.holds import stock_account
from promocore.ledger import MemoryLedger
from promocore.money import Money
from promocore.state import MemoryStore
from tests.games.presale.builders import IN_DEPOSIT, IN_FINAL, cny, presale, terms


def paid_order(quantity: int, final_share: int = 100) -> tuple[PresaleService, str]:
    """A service holding one order of ``quantity`` units paid in full."""
    service = PresaleService(MemoryStore(), MemoryLedger(), sleep=lambda _: None)
    campaign = presale(terms(stock=10, per_customer_limit=None))
    order = service.create(campaign, "amy", quantity, now=IN_DEPOSIT, order_id="o-1").state
    service.pay_deposit("o-1", "d-1", order.deposit_due, now=IN_DEPOSIT)
    final = Money(order.final_due.amount * final_share // 100, "CNY")
    service.pay_final("o-1", "f-1", final, now=IN_FINAL)
    return service, campaign.id


def stock(service: PresaleService, campaign_id: str) -> int:
    return service.ledger.balance(stock_account(campaign_id), now=IN_FINAL).available


def test_a_return_refunds_the_units_share_of_what_was_paid() -> None:
    service, campaign = paid_order(3)  # ¥50 deposit + ¥849 final per unit: ¥2,697 paid
    assert service.get("o-1").paid == cny("2697")
    before = stock(service, campaign)
    outcome = service.return_units("o-1", "r-1", 1, now=IN_FINAL, reason="too many")
    assert outcome.events == (Returned("o-1", IN_FINAL, "r-1", 1, cny("899"), "too many"),)
    assert stock(service, campaign) == before + 1  # back to the sale
    order = outcome.state
    assert (order.units_returned, order.units_kept, order.status) == (1, 2, Status.FINAL_PAID)
    last = service.return_units("o-1", "r-2", 2, now=IN_FINAL).state
    assert last.refunded == cny("2697") and last.status is Status.REFUNDED
    assert stock(service, campaign) == before + 3


def test_an_amount_refund_lowers_what_later_returns_refund() -> None:
    service, _ = paid_order(2)  # ¥1,798 paid
    service.refund("o-1", "price-protection", cny("100"), now=IN_FINAL)
    first = service.return_units("o-1", "r-1", 1, now=IN_FINAL).events[0]
    assert isinstance(first, Returned) and first.amount == cny("849")  # half of ¥1,698 kept
    last = service.return_units("o-1", "r-2", 1, now=IN_FINAL).state
    assert last.refunded == cny("1798") and last.refundable == cny("0")


def test_returns_are_idempotent_and_refused_when_they_cannot_be() -> None:
    service, campaign = paid_order(2)
    service.return_units("o-1", "r-1", 1, now=IN_FINAL)
    again = service.return_units("o-1", "r-1", 1, now=IN_FINAL)
    assert again.replayed and again.events == ()
    assert [e.units for e in again.recorded if isinstance(e, Returned)] == [1]
    assert stock(service, campaign) == 9  # the units went back once
    with pytest.raises(IdempotencyConflictError):
        service.return_units("o-1", "r-1", 2, now=IN_FINAL)
    with pytest.raises(ValidationError, match="at most 1 of the 2"):
        service.return_units("o-1", "r-2", 2, now=IN_FINAL)
    unpaid = PresaleService(MemoryStore(), MemoryLedger())
    unpaid.create(presale(), "amy", 1, now=IN_DEPOSIT, order_id="o-2")
    with pytest.raises(IllegalTransitionError):
        unpaid.return_units("o-2", "r-1", 1, now=IN_DEPOSIT)


@settings(max_examples=60, deadline=None)
@given(
    quantity=st.integers(1, 5),
    final_share=st.integers(0, 100),
    data=st.data(),
)
def test_k_of_n_units_refund_at_most_k_over_n_of_what_was_paid(
    quantity: int, final_share: int, data: st.DataObject
) -> None:
    service, campaign = paid_order(quantity, final_share)
    paid = service.get("o-1").paid
    before = stock(service, campaign)
    returned = 0
    refunded = Money.zero("CNY")
    n = 0
    while returned < quantity:
        units = data.draw(st.integers(1, quantity - returned), label="units")
        n += 1
        outcome = service.return_units("o-1", f"r-{n}", units, now=IN_FINAL)
        [event] = outcome.events
        assert isinstance(event, Returned) and event.amount.amount >= 0
        returned += units
        refunded += event.amount
        # never more than the returned units' share of what was paid, counted from the start
        assert refunded.amount * quantity <= returned * paid.amount
        if n == 1:  # so the first return of k of n units refunds at most k/n of it
            assert event.amount.amount * quantity <= units * paid.amount
        assert stock(service, campaign) == before + returned  # the units went back
    assert refunded == paid  # every unit back: every fen paid back
    assert service.get("o-1").status is Status.REFUNDED
