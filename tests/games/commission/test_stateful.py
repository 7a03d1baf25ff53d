"""A state machine over random binds, orders, refunds, sweeps and withdrawals."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from promocore.games.commission import (
    BindingCycleError,
    BindingMode,
    BindingPolicy,
    CommissionParams,
    CommissionService,
    ComplianceProfile,
    NotAPromoterError,
    OrderLine,
    PaidOrder,
    Rank,
    RecordStatus,
    Refund,
    RefundLine,
    SelfBindingError,
    WithdrawalRefusedError,
    WithdrawalRules,
)
from promocore.money import Money
from promocore.state import MemoryStore
from tests.games.commission.builders import AT, cny, pct

PEOPLE = ("ann", "bo", "cai", "dan", "eve")


class CommissionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = AT
        params = CommissionParams(
            rates=pct("10", "5", "2"),
            levels=3,
            ranks=(Rank("gold", cny("200.00"), pct("12", "6", "3")),),
            max_share=Decimal(15),
            self_purchase=True,
            binding=BindingPolicy(BindingMode.LAST_LINK, expire_days=20),
            withdrawal=WithdrawalRules(minimum=cny("1.00"), fee_percent=Decimal("0.6")),
            compliance=ComplianceProfile.OFF,
        )
        self.service = CommissionService(
            MemoryStore(), params, currency="CNY", sleep=lambda _: None
        )
        self.chains: dict[str, tuple[str, ...]] = {}
        self.count = 0

    @initialize()
    def founders(self) -> None:
        for who in PEOPLE[:3]:
            self.service.join(who, now=self.now)

    @rule(who=st.sampled_from(PEOPLE))
    def join(self, who: str) -> None:
        self.service.join(who, now=self.now)

    @rule(customer=st.sampled_from(PEOPLE), referrer=st.sampled_from(PEOPLE))
    def bind(self, customer: str, referrer: str) -> None:
        with contextlib.suppress(SelfBindingError, BindingCycleError, NotAPromoterError):
            self.service.bind(customer, referrer, now=self.now)

    @rule(
        buyer=st.sampled_from(PEOPLE),
        amounts=st.lists(st.integers(min_value=0, max_value=50_000), min_size=1, max_size=3),
        flash=st.booleans(),
    )
    def buy(self, buyer: str, amounts: list[int], flash: bool) -> None:
        self.count += 1
        order_id = f"o-{self.count}"
        lines = [
            OrderLine(
                str(i),
                "tea",
                1,
                Money(a, "CNY"),
                activity="flash_sale" if flash and i == 0 else None,
            )
            for i, a in enumerate(amounts)
        ]
        paid = PaidOrder(order_id, buyer, "CNY", self.now, lines)
        state = self.service.record_order(paid, now=self.now).state
        self.chains[order_id] = state.chain

    @precondition(lambda self: bool(self.chains))
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(sorted(self.chains)))
        state = self.service.order(order_id)
        assert state is not None
        refund_id = f"r-{len(state.refunds)}"
        if data.draw(st.booleans()):
            command = Refund(refund_id, whole_order=True)
        else:
            line = data.draw(st.sampled_from(state.order.lines))
            left = line.paid.amount - state.refunded_of(line.line_id).amount
            if left == 0:
                return
            amount = data.draw(st.integers(min_value=1, max_value=left))
            command = Refund(refund_id, (RefundLine(line.line_id, Money(amount, "CNY")),))
        self.service.refund(order_id, command, now=self.now)

    @rule(days=st.sampled_from((0, 1, 3, 8)))
    def sweep(self, days: int) -> None:
        self.now += timedelta(days=days)
        self.service.sweep(now=self.now, limit=1000)

    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        balances = {}
        for who in PEOPLE:
            account = self.service.account(who)
            if account is not None and account.available.amount:
                balances[who] = account.available.amount
        if not balances:
            return
        who = data.draw(st.sampled_from(sorted(balances)))
        cents = data.draw(st.integers(min_value=1, max_value=balances[who] + 100))
        self.count += 1
        with contextlib.suppress(WithdrawalRefusedError):
            self.service.withdraw(who, f"w-{self.count}", Money(cents, "CNY"), now=self.now)

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def money_adds_up_and_never_goes_negative(self) -> None:
        frozen: dict[str, int] = defaultdict(int)
        settled: dict[str, int] = defaultdict(int)
        sales: dict[str, int] = defaultdict(int)
        for order_id, chain in self.chains.items():
            state = self.service.order(order_id)
            assert state is not None
            assert state.chain == chain  # rebinding never changes a placed order
            assert state.outbox == ()
            assert state.total.amount * 100 <= state.max_share * state.kept.amount
            for record in state.records:
                if record.status is RecordStatus.FROZEN:
                    frozen[record.beneficiary] += record.amount.amount
                elif record.status is RecordStatus.SETTLED:
                    settled[record.beneficiary] += record.amount.amount
                if record.settled_sales is not None:
                    sales[record.beneficiary] += record.settled_sales.amount
        for who in PEOPLE:
            account = self.service.account(who)
            if account is None:
                assert frozen[who] == settled[who] == 0
                continue
            assert account.frozen.amount == frozen[who]
            assert account.available.amount >= 0
            assert account.debt.amount >= 0
            assert account.debt.amount == 0 or account.available.amount == 0
            net = account.available.amount - account.debt.amount + account.withdrawn.amount
            assert net == settled[who]
            assert account.sales.amount == sales[who]

    @invariant()
    def bindings_form_no_loop_and_teams_count_them(self) -> None:
        teams: dict[str, int] = defaultdict(int)
        for who in PEOPLE:
            seen = {who}
            current: str | None = who
            while current is not None:
                state = self.service.binding(current)
                current = None if state is None else state.referrer_at(self.now)
                assert current not in seen
                if current is not None:
                    seen.add(current)
            state = self.service.binding(who)
            if state is not None and state.binding is not None:
                teams[state.binding.referrer] += 1
                assert state.outbox == ()
        for who in PEOPLE:
            account = self.service.account(who)
            if account is not None:
                assert account.team_size == teams[who]


CommissionMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None
)
TestCommissionMachine = CommissionMachine.TestCase
