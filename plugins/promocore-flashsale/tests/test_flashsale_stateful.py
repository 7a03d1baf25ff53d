"""Random sequences of holds, payments, cancellations, returns and sweeps against a flash sale."""

from __future__ import annotations

from datetime import timedelta

from flashsale_builders import IN_SESSION, campaign, cny
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from promocore_flashsale import (
    CheckoutRefusedError,
    FlashItem,
    FlashSaleService,
    IdempotencyConflictError,
    NotPaidError,
    OrderClosedError,
    OrderStatus,
    UnitsReturned,
    stock_account,
)

from promocore import Money, ValidationError
from promocore.ledger import MemoryLedger

STOCK = {"phone": 4, "case": 6}
PRICES = {"phone": cny("999.00"), "case": cny("9.90")}
CUSTOMERS = ("ann", "bo", "cy")


class FlashSale(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        items = tuple(FlashItem(sku, PRICES[sku], n) for sku, n in STOCK.items())
        self.campaign = campaign(items=items, per_customer_limit=5, hold_minutes=15)
        self.sale = FlashSaleService(MemoryLedger())
        self.sale.prepare(self.campaign)
        self.now = IN_SESSION
        self.orders: list[str] = []
        self.returned: dict[str, int] = dict.fromkeys(STOCK, 0)

    @rule(
        customer=st.sampled_from(CUSTOMERS),
        phones=st.integers(0, 2),
        cases=st.integers(0, 3),
    )
    def hold(self, customer: str, phones: int, cases: int) -> None:
        order_id = f"o-{len(self.orders)}"
        wanted = {"phone": phones, "case": cases}
        try:
            self.sale.hold(self.campaign, order_id, customer, wanted, now=self.now)
        except (CheckoutRefusedError, ValidationError):
            assert self.sale.order(order_id) is None  # nothing held
            return
        self.orders.append(order_id)

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data(), discount=st.integers(0, 30))
    def pay(self, data: st.DataObject, discount: int) -> None:
        order_id = data.draw(st.sampled_from(self.orders))
        order = self.sale.order(order_id)
        assert order is not None
        # what was paid after other campaigns: the flash price less up to 30%
        paid = {
            sku: Money(PRICES[sku].amount * n * (100 - discount) // 100, "CNY")
            for sku, n in order.units
        }
        try:
            self.sale.pay(self.campaign, order_id, now=self.now, paid=paid)
        except OrderClosedError:
            assert order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED) or (
                self.now >= order.expires_at
            )
            return
        after = self.sale.order(order_id)
        assert after is not None and after.status in (OrderStatus.PAID, OrderStatus.RETURNED)

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(self.orders))
        before = self.sale.order(order_id)
        assert before is not None
        try:
            self.sale.cancel(self.campaign, order_id, now=self.now)
        except OrderClosedError:
            assert before.status in (OrderStatus.PAID, OrderStatus.RETURNED)

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data(), refund=st.integers(0, 2))
    def return_units(self, data: st.DataObject, refund: int) -> None:
        order_id = data.draw(st.sampled_from(self.orders))
        before = self.sale.order(order_id)
        assert before is not None
        sku = data.draw(st.sampled_from([s for s, _ in before.units]))
        units = data.draw(st.integers(1, 3))
        refund_id = f"r-{refund}"
        try:
            outcome = self.sale.return_units(
                self.campaign, order_id, refund_id, {sku: units}, now=self.now
            )
        except NotPaidError:
            assert before.status is not OrderStatus.PAID
            return
        except ValidationError:
            assert units > before.units_of(sku) - before.returned_of(sku)
            assert self.sale.order(order_id) == before
            return
        except IdempotencyConflictError:  # the refund id names another return
            assert refund_id in before.refund_ids
            return
        if refund_id in before.refund_ids:
            assert outcome.events == ()
            return
        [event] = outcome.events
        assert isinstance(event, UnitsReturned) and event.units == units
        self.returned[sku] += units

    @rule(minutes=st.sampled_from([1, 10, 20]))
    def wait(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule()
    def sweep(self) -> None:
        self.sale.sweep(now=self.now)

    @invariant()
    def stock_adds_up(self) -> None:
        orders = [o for o in map(self.sale.order, self.orders) if o is not None]
        for sku, stock in STOCK.items():
            balance = self.sale.ledger.balance(stock_account(self.campaign.id, sku), now=self.now)
            sold = sum(
                o.units_of(sku)
                for o in orders
                if o.status in (OrderStatus.PAID, OrderStatus.RETURNED)
            )
            assert balance.limit == stock + self.returned[sku]  # returns went back on sale
            assert balance.committed == sold
            assert balance.reserved + balance.committed <= balance.limit

    @invariant()
    def refunds_never_exceed_the_returned_share(self) -> None:
        for order in map(self.sale.order, self.orders):
            assert order is not None
            for sku, bought in order.units:
                paid = order.paid_of(sku)
                back = order.refunded_of(sku, "CNY")
                returned = order.returned_of(sku)
                if paid is None:
                    assert back.amount == 0
                    continue
                assert back.amount * bought <= returned * paid.amount
                if returned == bought:
                    assert back == paid


FlashSale.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestFlashSale = FlashSale.TestCase
