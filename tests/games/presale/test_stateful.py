"""Random sequences of orders, payments, cancellations, refunds, returns and expiries."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
)

from promocore.errors import ValidationError
from promocore.games.presale import (
    DepositPolicy,
    IllegalTransitionError,
    OutsideWindowError,
    Party,
    PresaleError,
    PresaleOrder,
    PresaleService,
    Returned,
    Status,
    UnavailableError,
    Window,
)
from promocore.games.presale.holds import customer_account, hold_key, stock_account
from promocore.games.presale.settlement import compensation
from promocore.ledger import MemoryLedger, ReservationStatus
from promocore.money import Money
from promocore.state import MemoryStore
from tests.games.presale.builders import DEPOSIT_OPENS, FINAL_CLOSES, presale, terms
from tests.games.presale.strategies import fen

STOCK = 5
PER_CUSTOMER = 3
CUSTOMERS = ("amy", "bob", "cat")
GRACE = timedelta(days=1)

_HELD = (Status.CREATED, Status.DEPOSIT_PAID)


class PresaleMachine(RuleBasedStateMachine):
    """Drives a service; checks money and stock against what the events reported."""

    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.campaign = presale(terms(stock=STOCK, per_customer_limit=PER_CUSTOMER))
        self.service = PresaleService(
            MemoryStore(), MemoryLedger(), hold_grace=GRACE, sleep=lambda _: None
        )
        self.service.prepare(self.campaign)
        self.now: datetime = DEPOSIT_OPENS
        self.ids: list[str] = []
        self.counter = 0
        self.paid_in: dict[str, Money] = {}
        self.paid_out: dict[str, Money] = {}
        self.compensated: dict[str, Money] = {}
        self.returned_refunds: dict[str, Money] = {}

    # -- helpers ------------------------------------------------------------------------

    def order(self, order_id: str) -> PresaleOrder:
        return self.service.get(order_id)

    def record(self, order_id: str, events: tuple[object, ...]) -> None:
        from promocore.games.presale import (
            Compensated,
            DepositPaid,
            FinalPaid,
            Refunded,
            Returned,
        )

        zero = Money.zero("CNY")
        for event in events:
            if isinstance(event, DepositPaid | FinalPaid):
                self.paid_in[order_id] = self.paid_in.get(order_id, zero) + event.amount
            elif isinstance(event, Refunded):
                self.paid_out[order_id] = self.paid_out.get(order_id, zero) + event.amount
            elif isinstance(event, Returned):
                self.paid_out[order_id] = self.paid_out.get(order_id, zero) + event.amount
                back = self.returned_refunds.get(order_id, zero) + event.amount
                self.returned_refunds[order_id] = back
            elif isinstance(event, Compensated):
                self.compensated[order_id] = self.compensated.get(order_id, zero) + event.amount

    def all(self) -> list[PresaleOrder]:
        return [self.order(order_id) for order_id in self.ids]

    def units(self, *, customer: str | None = None) -> int:
        """Units held or sold, as the ledger counts them: the stock's, or ``customer``'s."""
        count = 0
        for order in self.all():
            if customer is not None and order.customer_id != customer:
                continue
            held = order.status in _HELD and self.now < FINAL_CLOSES + GRACE
            restocked = order.status in (Status.CANCELLED, Status.REFUNDED) and (
                order.fulfilled_at is None
            )
            if held or (order.final is not None and customer is not None):
                count += order.quantity  # a customer's count is kept on returns
            elif order.final is not None and not restocked:
                count += order.units_kept  # returned units went back to the stock
        return count

    # -- rules --------------------------------------------------------------------------

    @initialize(policy=st.sampled_from(DepositPolicy), overlap=st.booleans())
    def choose_terms(self, policy: DepositPolicy, overlap: bool) -> None:
        """Pick the deposit policy, and whether the final window opens during the deposit one."""
        final = Window(DEPOSIT_OPENS + timedelta(days=2), FINAL_CLOSES) if overlap else None
        params = terms(stock=STOCK, per_customer_limit=PER_CUSTOMER, deposit_policy=policy)
        if final is not None:
            params = attrs.evolve(params, final_window=final)
        self.campaign = presale(params)
        self.service.prepare(self.campaign)

    @rule(target=orders, customer=st.sampled_from(CUSTOMERS), quantity=st.integers(1, 3))
    def create(self, customer: str, quantity: int) -> object:
        self.counter += 1
        order_id = f"o-{self.counter}"
        window = self.campaign.params.deposit_window
        taken = self.units()
        mine = self.units(customer=customer)
        try:
            outcome = self.service.create(
                self.campaign, customer, quantity, now=self.now, order_id=order_id
            )
        except OutsideWindowError:
            assert not window.contains(self.now)
            return multiple()
        except UnavailableError:
            assert taken + quantity > STOCK or mine + quantity > PER_CUSTOMER
            return multiple()
        assert window.contains(self.now)
        assert taken + quantity <= STOCK and mine + quantity <= PER_CUSTOMER
        self.ids.append(order_id)
        self.record(order_id, outcome.events)
        return order_id

    @rule(order_id=orders)
    def pay_deposit(self, order_id: str) -> None:
        before = self.order(order_id)
        try:
            outcome = self.service.pay_deposit(
                order_id, f"d-{order_id}", before.deposit_due, now=self.now
            )
        except IllegalTransitionError:
            assert before.status is not Status.CREATED or not (
                before.terms.deposit_window.contains(self.now)
            )
            assert self.order(order_id) == before
            return
        self.record(order_id, outcome.events)
        if outcome.events:
            assert outcome.state.status is Status.DEPOSIT_PAID
        else:  # the same payment again changes nothing
            assert outcome.state == before and before.deposit is not None

    @rule(order_id=orders, share=st.integers(0, 100))
    def pay_final(self, order_id: str, share: int) -> None:
        before = self.order(order_id)
        amount = fen(before.final_due.amount * share // 100)
        try:
            outcome = self.service.pay_final(order_id, f"f-{order_id}", amount, now=self.now)
        except IllegalTransitionError:
            assert self.order(order_id) == before
            return
        except PresaleError:  # an id repeated with another amount
            assert before.final is not None and before.final.amount != amount
            return
        self.record(order_id, outcome.events)

    @rule(order_id=orders)
    def fulfill(self, order_id: str) -> None:
        before = self.order(order_id)
        try:
            self.service.fulfill(order_id, now=self.now)
        except IllegalTransitionError:
            assert before.status is not Status.FINAL_PAID
            return
        assert before.status is Status.FINAL_PAID

    @rule(order_id=orders, by=st.sampled_from(Party))
    def cancel(self, order_id: str, by: Party) -> None:
        before = self.order(order_id)
        try:
            outcome = self.service.cancel(order_id, by, now=self.now)
        except IllegalTransitionError:
            assert before.status not in (Status.CREATED, Status.DEPOSIT_PAID, Status.FINAL_PAID)
            return
        self.record(order_id, outcome.events)
        assert outcome.state.status is Status.CANCELLED

    @rule(order_id=orders, share=st.integers(1, 120), refund=st.integers(0, 2))
    def refund(self, order_id: str, share: int, refund: int) -> None:
        before = self.order(order_id)
        amount = fen(max(1, before.paid.amount * share // 100))
        try:
            outcome = self.service.refund(order_id, f"r-{refund}", amount, now=self.now)
        except PresaleError:
            assert self.order(order_id) == before
            return
        except ValidationError:
            raise
        self.record(order_id, outcome.events)

    @rule(order_id=orders, units=st.integers(1, 3), refund=st.integers(0, 2))
    def return_units(self, order_id: str, units: int, refund: int) -> None:
        before = self.order(order_id)
        refund_id = f"x-{refund}"
        stock = self.service.ledger.balance(stock_account(self.campaign.id), now=self.now)
        try:
            outcome = self.service.return_units(order_id, refund_id, units, now=self.now)
        except IllegalTransitionError:
            assert before.status not in (Status.FINAL_PAID, Status.FULFILLED)
            assert self.order(order_id) == before
            return
        except PresaleError:  # the refund id names another refund
            assert before.refund_record(refund_id) is not None
            assert self.order(order_id) == before
            return
        except ValidationError:
            assert units > before.units_kept
            assert self.order(order_id) == before
            return
        self.record(order_id, outcome.events)
        after = outcome.state
        if not outcome.events:  # the same return again
            assert after == before
            return
        [event] = outcome.events
        assert isinstance(event, Returned)
        returned = after.units_returned
        assert event.units == units and returned == before.units_returned + units
        # never more than the returned units' share of what was paid; all of it at the end
        back = self.returned_refunds[order_id]
        assert back.amount * after.quantity <= returned * after.paid.amount
        if after.units_kept == 0:
            assert after.refundable.amount == 0 and after.status is Status.REFUNDED
        refill = self.service.ledger.balance(stock_account(self.campaign.id), now=self.now)
        assert refill.limit == stock.limit + units  # the units went back to the sale

    @rule(hours=st.integers(1, 96))
    def advance(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule()
    def open_the_final_window(self) -> None:
        """Jump to the final-payment window, where payments, refunds and returns happen."""
        self.now = max(self.now, self.campaign.params.final_window.starts_at)

    @rule()
    def sweep(self) -> None:
        for outcome in self.service.sweep(now=self.now):
            self.record(outcome.state.id, outcome.events)
        for order in self.all():
            assert order.due_at is None or order.due_at > self.now

    @rule(order_id=consumes(orders))
    def forget(self, order_id: str) -> None:
        """Stop sending moves to an order (it keeps counting in the invariants)."""

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def money_adds_up(self) -> None:
        zero = Money.zero("CNY")
        for order in self.all():
            order_id = order.id
            paid = self.paid_in.get(order_id, zero)
            out = self.paid_out.get(order_id, zero)
            extra = self.compensated.get(order_id, zero)
            deposit = order.deposit.amount if order.deposit else zero
            final = order.final.amount if order.final else zero
            assert paid == order.paid == deposit + final
            assert out == order.refunded
            assert extra == order.compensation
            assert out <= paid  # refunds never exceed what was paid...
            assert out + extra <= paid + compensation(order)  # ...but for the compensation
            assert zero <= final <= order.final_due

    @invariant()
    def stock_is_never_oversold(self) -> None:
        now = self.now
        orders = self.all()
        balance = self.service.ledger.balance(stock_account(self.campaign.id), now=now)
        restocked = sum(o.units_returned for o in orders) + sum(
            o.units_kept
            for o in orders
            if o.status in (Status.CANCELLED, Status.REFUNDED)
            and o.final is not None
            and o.fulfilled_at is None
        )
        assert balance.limit == STOCK + restocked
        assert balance.reserved + balance.committed <= balance.limit
        assert balance.committed == sum(o.quantity for o in orders if o.final is not None)
        held = sum(o.quantity for o in orders if o.status in _HELD and now < FINAL_CLOSES + GRACE)
        assert balance.reserved == held
        for customer in CUSTOMERS:
            used = self.service.ledger.balance(
                customer_account(self.campaign.id), customer, now=now
            )
            assert used.reserved + used.committed <= PER_CUSTOMER

    @invariant()
    def holds_follow_the_orders(self) -> None:
        for order in self.all():
            hold = self.service.ledger.reservation(hold_key(order), now=self.now)
            assert hold is not None
            if order.final is not None:
                assert hold.status is ReservationStatus.COMMITTED
            elif order.status in _HELD:
                assert hold.status in (ReservationStatus.HELD, ReservationStatus.EXPIRED)
            else:
                assert hold.status in (ReservationStatus.RELEASED, ReservationStatus.EXPIRED)


PresaleMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestPresaleMachine = PresaleMachine.TestCase
