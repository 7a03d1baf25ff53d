"""Properties of quotes and of the money of orders, over random terms and moves."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.campaign import Campaign
from promocore.engine import Engine
from promocore.errors import ValidationError
from promocore.games.presale import (
    Cancel,
    Command,
    Fulfill,
    Lapse,
    Party,
    PayDeposit,
    PayFinal,
    PresaleError,
    PresaleOrder,
    PresaleParams,
    Refund,
    Status,
    deposit_cap,
    exceeds_deposit_cap,
    open_order,
    quote_deposit,
    quote_final,
    split_deposit,
    transition,
)
from promocore.games.presale.settlement import compensation
from promocore.money import Money
from tests.games.presale.builders import (
    DEPOSIT_CLOSES,
    FINAL_CLOSES,
    IN_DEPOSIT,
    IN_FINAL,
    presale,
)
from tests.games.presale.strategies import fen, presale_terms, stacking_campaigns

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    price=st.integers(1, 10**7),
    deposit=st.integers(1, 10**7),
    quantity=st.integers(1, 50),
)
def test_the_legal_part_of_a_deposit_never_exceeds_the_cap(
    price: int, deposit: int, quantity: int
) -> None:
    split = split_deposit(fen(deposit), fen(price), quantity)
    assert split.total == fen(deposit) * quantity
    assert split.legal <= deposit_cap(fen(price) * quantity)
    assert split.legal.amount >= 0
    assert split.legal.amount * 5 <= price * quantity
    assert (split.prepayment.amount > 0) == exceeds_deposit_cap(fen(deposit), fen(price))


@FAST
@given(params=presale_terms(), quantity=st.integers(1, 5))
def test_the_deposit_quote_asks_for_the_deposit(params: PresaleParams, quantity: int) -> None:
    quote = quote_deposit(presale(params), quantity=quantity, at=IN_DEPOSIT)
    assert quote.pay_now == params.deposit * quantity
    assert quote.legal_deposit + quote.prepayment == quote.pay_now
    assert quote.final_due == (params.presale_price - params.deduction) * quantity


@FAST
@given(params=presale_terms(), others=stacking_campaigns(), quantity=st.integers(1, 4))
def test_the_final_amount_is_never_negative_and_adds_up(
    params: PresaleParams, others: list[Campaign], quantity: int
) -> None:
    campaign = presale(params)
    order, _ = open_order("o-1", campaign, "amy", quantity, IN_DEPOSIT)
    order, _ = transition(order, PayDeposit("d", order.deposit_due), IN_DEPOSIT)
    quote = quote_final(Engine([campaign, *others]), order, at=IN_FINAL)
    assert 0 <= quote.final_amount.amount <= order.final_due.amount
    assert quote.deduction <= order.deduction
    assert quote.final_amount == order.contract_amount - quote.deduction - quote.stacked
    assert quote.steps[-1].amount == quote.final_amount
    assert sum((s.amount for s in quote.steps[:-1]), Money.zero("CNY")) == quote.final_amount
    if not params.stacks:
        assert quote.stacked == Money.zero("CNY")
        assert quote.final_amount == order.final_due
    paid, _ = transition(order, PayFinal("f", quote.final_amount), IN_FINAL)
    assert paid.paid == order.deposit_due + quote.final_amount == quote.total_paid


MOMENTS = [IN_DEPOSIT, DEPOSIT_CLOSES, IN_FINAL, FINAL_CLOSES, FINAL_CLOSES + timedelta(days=9)]


@st.composite
def commands(draw: st.DrawFn, order: PresaleOrder) -> Command:
    kind = draw(st.sampled_from(["deposit", "final", "fulfill", "cancel", "refund", "lapse"]))
    if kind == "deposit":
        return PayDeposit(draw(st.sampled_from(["d1", "d2"])), order.deposit_due)
    if kind == "final":
        amount = draw(st.integers(0, order.final_due.amount))
        return PayFinal(draw(st.sampled_from(["f1", "f2"])), fen(amount))
    if kind == "fulfill":
        return Fulfill()
    if kind == "cancel":
        return Cancel(draw(st.sampled_from(Party)))
    if kind == "refund":
        amount = draw(st.integers(1, max(1, order.paid.amount)))
        return Refund(draw(st.sampled_from(["r1", "r2", "r3"])), fen(amount))
    return Lapse()


def check_money(order: PresaleOrder) -> None:
    currency = order.currency
    zero = Money.zero(currency)
    payments = [p.amount for p in (order.deposit, order.final) if p is not None]
    assert order.paid == sum(payments, zero)
    if order.deposit is not None:
        assert order.deposit.amount == order.deposit_due
    if order.final is not None:
        assert zero <= order.final.amount <= order.final_due
    assert zero <= order.refunded <= order.paid
    assert order.refunded + order.forfeited <= order.paid
    assert order.forfeited <= order.deposit_split.legal
    assert zero <= order.compensation <= compensation(order)
    if order.compensation:
        assert order.cancelled_by is Party.MERCHANT
    # what goes back never exceeds what was paid, except the stated compensation
    assert order.returned <= order.paid + compensation(order)
    if order.status in (Status.CANCELLED, Status.EXPIRED, Status.FORFEITED, Status.REFUNDED):
        assert order.refunded + order.forfeited == order.paid


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=presale_terms(), quantity=st.integers(1, 3), data=st.data())
def test_random_moves_keep_the_money_straight(
    params: PresaleParams, quantity: int, data: st.DataObject
) -> None:
    order, _ = open_order("o-1", presale(params), "amy", quantity, IN_DEPOSIT)
    position = 0
    for _ in range(data.draw(st.integers(1, 12), label="moves")):
        position = data.draw(st.integers(position, len(MOMENTS) - 1), label="time")
        command = data.draw(commands(order), label="command")
        try:
            after, events = transition(order, command, MOMENTS[position])
        except (PresaleError, ValidationError):
            continue
        assert (after == order) == (events == ())
        order = after
        check_money(order)
