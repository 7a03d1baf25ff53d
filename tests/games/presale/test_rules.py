from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from promocore.errors import PromocoreError, ValidationError
from promocore.games.presale import (
    AmountError,
    Cancel,
    Cancelled,
    Compensated,
    DepositForfeited,
    DepositPaid,
    DepositPolicy,
    ExcessDeposit,
    FinalPaid,
    Fulfill,
    Fulfilled,
    IdempotencyConflictError,
    IllegalTransitionError,
    Lapse,
    Lapsed,
    OrderCreated,
    OutsideWindowError,
    Party,
    PayDeposit,
    PayFinal,
    PresaleOrder,
    Refund,
    Refunded,
    RefundExceedsPaidError,
    Status,
    open_order,
    transition,
)
from promocore.games.presale.params import PresaleParams
from promocore.money import Money, Rounding
from tests.games.presale.builders import (
    DEPOSIT_CLOSES,
    FINAL_CLOSES,
    IN_DEPOSIT,
    IN_FINAL,
    cny,
    presale,
    terms,
)

LATER = FINAL_CLOSES + timedelta(days=3)


def created(params: PresaleParams | None = None, quantity: int = 1) -> PresaleOrder:
    order, _ = open_order("o-1", presale(params), "amy", quantity, IN_DEPOSIT)
    return order


def deposit_paid(params: PresaleParams | None = None, quantity: int = 1) -> PresaleOrder:
    order = created(params, quantity)
    paid, _ = transition(order, PayDeposit("d-1", order.deposit_due), IN_DEPOSIT)
    return paid


def final_paid(amount: str = "789", params: PresaleParams | None = None) -> PresaleOrder:
    paid, _ = transition(deposit_paid(params), PayFinal("f-1", cny(amount)), IN_FINAL)
    return paid


class TestHappyPath:
    def test_created_to_fulfilled(self) -> None:
        order, events = open_order("o-1", presale(), "amy", 2, IN_DEPOSIT)
        assert order.status is Status.CREATED
        assert events == (OrderCreated("o-1", IN_DEPOSIT, 2, cny("100")),)
        assert order.due_at == DEPOSIT_CLOSES

        order, events = transition(order, PayDeposit("d-1", cny("100")), IN_DEPOSIT)
        assert order.status is Status.DEPOSIT_PAID
        assert events == (DepositPaid("o-1", IN_DEPOSIT, "d-1", cny("100"), cny("100"), cny("0")),)
        assert order.due_at == FINAL_CLOSES

        order, events = transition(order, PayFinal("f-1", cny("1548")), IN_FINAL)
        assert order.status is Status.FINAL_PAID
        assert events == (FinalPaid("o-1", IN_FINAL, "f-1", cny("1548")),)
        assert order.paid == cny("1648")
        assert order.due_at is None

        order, events = transition(order, Fulfill(), LATER)
        assert order.status is Status.FULFILLED
        assert events == (Fulfilled("o-1", LATER),)

    def test_amounts_of_an_order(self) -> None:
        order = created(quantity=2)
        assert order.contract_amount == cny("1998")
        assert order.deposit_due == cny("100")
        assert order.deduction == cny("300")
        assert order.inflation == cny("200")
        assert order.final_due == cny("1698")

    def test_repeating_a_payment_changes_nothing(self) -> None:
        order = deposit_paid()
        assert transition(order, PayDeposit("d-1", cny("50")), IN_DEPOSIT) == (order, ())
        paid = final_paid()
        assert transition(paid, PayFinal("f-1", cny("789")), IN_FINAL) == (paid, ())
        assert transition(paid, PayDeposit("d-1", cny("50")), IN_FINAL) == (paid, ())

    def test_a_payment_id_reused_with_another_amount_is_refused(self) -> None:
        with pytest.raises(IdempotencyConflictError):
            transition(final_paid(), PayFinal("f-1", cny("700")), IN_FINAL)


class TestPayments:
    def test_the_deposit_must_be_exact(self) -> None:
        with pytest.raises(AmountError, match=r"the deposit due is ¥50\.00, got ¥49\.99"):
            transition(created(), PayDeposit("d-1", cny("49.99")), IN_DEPOSIT)

    def test_the_deposit_is_paid_in_its_window(self) -> None:
        with pytest.raises(OutsideWindowError) as caught:
            transition(created(), PayDeposit("d-1", cny("50")), IN_FINAL)
        assert caught.value.now == IN_FINAL
        assert isinstance(caught.value, IllegalTransitionError)
        assert isinstance(caught.value, RuntimeError)

    def test_an_order_is_created_in_the_deposit_window(self) -> None:
        with pytest.raises(OutsideWindowError):
            open_order("o-1", presale(), "amy", 1, IN_FINAL)

    def test_open_order_checks_its_inputs(self) -> None:
        with pytest.raises(ValidationError) as caught:
            open_order("", presale(), "amy", 4, IN_DEPOSIT)
        assert [p.path for p in caught.value.problems] == ["quantity", "id"]

    def test_the_final_payment_is_paid_in_its_window(self) -> None:
        with pytest.raises(OutsideWindowError):
            transition(deposit_paid(), PayFinal("f-1", cny("789")), FINAL_CLOSES)

    def test_the_final_payment_is_within_bounds(self) -> None:
        with pytest.raises(AmountError):
            transition(deposit_paid(), PayFinal("f-1", cny("849.01")), IN_FINAL)
        with pytest.raises(AmountError):
            transition(deposit_paid(), PayFinal("f-1", cny("-1")), IN_FINAL)
        zero, _ = transition(deposit_paid(), PayFinal("f-1", cny("0")), IN_FINAL)
        assert zero.status is Status.FINAL_PAID

    def test_another_currency_is_refused(self) -> None:
        with pytest.raises(AmountError, match="USD"):
            transition(created(), PayDeposit("d-1", Money(5000, "USD")), IN_DEPOSIT)

    def test_no_final_payment_before_the_deposit(self) -> None:
        with pytest.raises(IllegalTransitionError, match="is created: cannot make the final"):
            transition(created(), PayFinal("f-1", cny("789")), IN_FINAL)

    def test_no_second_deposit(self) -> None:
        with pytest.raises(IllegalTransitionError):
            transition(deposit_paid(), PayDeposit("d-2", cny("50")), IN_DEPOSIT)

    def test_only_a_paid_order_ships(self) -> None:
        with pytest.raises(IllegalTransitionError):
            transition(deposit_paid(), Fulfill(), IN_FINAL)

    def test_now_must_be_aware(self) -> None:
        with pytest.raises(ValidationError, match="now"):
            transition(created(), Fulfill(), IN_FINAL.replace(tzinfo=None))


class TestCancellation:
    def test_before_the_deposit_nothing_moves(self) -> None:
        for party in Party:
            order, events = transition(created(), Cancel(party), IN_DEPOSIT)
            assert order.status is Status.CANCELLED
            assert order.cancelled_by is party
            assert events == (Cancelled("o-1", IN_DEPOSIT, party),)

    def test_a_customer_backing_out_forfeits_the_deposit(self) -> None:
        order, events = transition(deposit_paid(), Cancel(Party.CUSTOMER), IN_DEPOSIT)
        assert order.forfeited == cny("50")
        assert order.refunded == cny("0")
        assert events[1:] == (DepositForfeited("o-1", IN_DEPOSIT, cny("50")),)

    def test_under_the_refund_policy_the_deposit_comes_back(self) -> None:
        params = terms(deposit_policy=DepositPolicy.REFUND)
        order, events = transition(deposit_paid(params), Cancel(Party.CUSTOMER), IN_DEPOSIT)
        assert order.refunded == cny("50")
        assert events[1] == Refunded(
            "o-1", IN_DEPOSIT, "#cancel", cny("50"), "cancelled by the customer"
        )

    def test_a_merchant_cancelling_returns_double_the_deposit(self) -> None:
        order, events = transition(deposit_paid(quantity=2), Cancel(Party.MERCHANT), IN_DEPOSIT)
        assert order.refunded == cny("100")
        assert order.compensation == cny("100")
        assert order.returned == cny("200")
        assert [type(e) for e in events] == [Cancelled, Refunded, Compensated]

    def test_the_compensation_multiple_and_its_rounding(self) -> None:
        params = terms(
            deposit=cny("0.05"),
            deduction=cny("0.05"),
            compensation_multiple=Decimal("1.5"),
            compensation_rounding=Rounding.DOWN,
        )
        order, _ = transition(deposit_paid(params), Cancel(Party.MERCHANT), IN_DEPOSIT)
        assert order.compensation == cny("0.02")  # half of ¥0.05, rounded down

    def test_an_excess_deposit_is_returned_but_not_forfeited_or_multiplied(self) -> None:
        params = terms(
            deposit=cny("300"), deduction=cny("400"), excess_deposit=ExcessDeposit.PREPAYMENT
        )
        kept, _ = transition(deposit_paid(params), Cancel(Party.CUSTOMER), IN_DEPOSIT)
        assert kept.forfeited == cny("199.80")
        assert kept.refunded == cny("100.20")
        paid_back, _ = transition(deposit_paid(params), Cancel(Party.MERCHANT), IN_DEPOSIT)
        assert paid_back.refunded == cny("300")
        assert paid_back.compensation == cny("199.80")

    def test_after_the_final_payment_the_customer_gets_what_they_paid(self) -> None:
        order, _ = transition(final_paid(), Cancel(Party.CUSTOMER), IN_FINAL)
        assert order.refunded == cny("839")  # ¥50 + ¥789, never the ¥100 inflation
        assert order.compensation == cny("0")

    def test_after_the_final_payment_a_merchant_still_compensates(self) -> None:
        order, _ = transition(final_paid(), Cancel(Party.MERCHANT), IN_FINAL)
        assert order.refunded == cny("839")
        assert order.compensation == cny("50")

    def test_a_shipped_order_is_refunded_not_cancelled(self) -> None:
        shipped, _ = transition(final_paid(), Fulfill(), IN_FINAL)
        with pytest.raises(IllegalTransitionError, match="refund a shipped order instead"):
            transition(shipped, Cancel(Party.CUSTOMER), IN_FINAL)

    def test_a_closed_order_stays_closed(self) -> None:
        cancelled, _ = transition(created(), Cancel(Party.CUSTOMER), IN_DEPOSIT)
        for command in (
            Cancel(Party.MERCHANT),
            PayDeposit("d-1", cny("50")),
            Lapse(),
            Fulfill(),
            Refund("r-1", cny("1")),
        ):
            with pytest.raises(IllegalTransitionError):
                transition(cancelled, command, LATER)


class TestRefunds:
    def test_partial_refunds_up_to_what_was_paid(self) -> None:
        order, events = transition(
            final_paid(), Refund("r-1", cny("300"), "price protection"), LATER
        )
        assert events == (Refunded("o-1", LATER, "r-1", cny("300"), "price protection"),)
        assert order.status is Status.FINAL_PAID
        assert order.refundable == cny("539")
        with pytest.raises(RefundExceedsPaidError, match=r"inflation of ¥100\.00"):
            transition(order, Refund("r-2", cny("539.01")), LATER)
        order, _ = transition(order, Refund("r-2", cny("539")), LATER)
        assert order.status is Status.REFUNDED
        assert order.refunded == order.paid

    def test_refunds_after_shipping(self) -> None:
        shipped, _ = transition(final_paid(), Fulfill(), IN_FINAL)
        order, _ = transition(shipped, Refund("r-1", cny("839")), LATER)
        assert order.status is Status.REFUNDED

    def test_a_refund_id_counts_once(self) -> None:
        order, _ = transition(final_paid(), Refund("r-1", cny("10")), LATER)
        assert transition(order, Refund("r-1", cny("10")), LATER) == (order, ())
        with pytest.raises(IdempotencyConflictError):
            transition(order, Refund("r-1", cny("11")), LATER)

    def test_refund_inputs(self) -> None:
        with pytest.raises(AmountError):
            transition(final_paid(), Refund("r-1", cny("0")), LATER)
        with pytest.raises(ValidationError, match="reserved"):
            transition(final_paid(), Refund("#cancel", cny("1")), LATER)
        with pytest.raises(IllegalTransitionError, match="cancel instead"):
            transition(deposit_paid(), Refund("r-1", cny("1")), LATER)


class TestLapse:
    def test_an_unpaid_order_expires_after_the_deposit_window(self) -> None:
        order, events = transition(created(), Lapse(), DEPOSIT_CLOSES)
        assert order.status is Status.EXPIRED
        assert events == (Lapsed("o-1", DEPOSIT_CLOSES, Status.EXPIRED),)

    def test_a_missed_final_payment_forfeits_the_deposit(self) -> None:
        order, events = transition(deposit_paid(), Lapse(), FINAL_CLOSES)
        assert order.status is Status.FORFEITED
        assert order.forfeited == cny("50")
        assert events == (
            Lapsed("o-1", FINAL_CLOSES, Status.FORFEITED),
            DepositForfeited("o-1", FINAL_CLOSES, cny("50")),
        )

    def test_under_the_refund_policy_it_expires_and_refunds(self) -> None:
        params = terms(deposit_policy=DepositPolicy.REFUND)
        order, _ = transition(deposit_paid(params), Lapse(), FINAL_CLOSES)
        assert order.status is Status.EXPIRED
        assert order.refunded == cny("50")

    def test_nothing_lapses_early(self) -> None:
        with pytest.raises(OutsideWindowError, match="not due until"):
            transition(deposit_paid(), Lapse(), IN_FINAL)

    def test_a_paid_order_does_not_lapse(self) -> None:
        with pytest.raises(IllegalTransitionError, match="only unpaid orders lapse"):
            transition(final_paid(), Lapse(), LATER)


def test_errors_are_promocore_errors_refining_builtins() -> None:
    assert issubclass(IllegalTransitionError, PromocoreError)
    assert issubclass(IllegalTransitionError, RuntimeError)
    assert issubclass(AmountError, ValueError)
    assert issubclass(IdempotencyConflictError, ValueError)
