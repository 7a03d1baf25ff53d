"""The commission service over a store: binding, recording, refunds, sweeps, withdrawals."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from promocore.errors import CurrencyError
from promocore.games.commission import (
    BindingCycleError,
    BindingMode,
    BindingPolicy,
    CommissionParams,
    CommissionService,
    ComplianceProfile,
    IdempotencyConflictError,
    LinkIgnored,
    NotAPromoterError,
    OrderLine,
    PaidOrder,
    Rank,
    RecordStatus,
    Refund,
    RefundLine,
    SelfBindingError,
    UnknownOrderError,
    WithdrawalRules,
)
from promocore.games.commission.model import Promoted
from promocore.money import Money
from promocore.state import JSONObject, MemoryStore, Record
from promocore.state.sqlite import SqliteStore
from tests.games.commission.builders import AT, cny, line, order, pct

DAY = timedelta(days=1)


def make(params: CommissionParams, store: MemoryStore | None = None) -> CommissionService:
    return CommissionService(store or MemoryStore(), params, currency="CNY", sleep=lambda _: None)


def three_levels(**options: Any) -> CommissionParams:
    options.setdefault("compliance", ComplianceProfile.OFF)
    return CommissionParams(
        rates=pct("10", "5", "2"),
        levels=3,
        ranks=(Rank("gold", cny("300.00"), pct("12", "6", "3")),),
        **options,
    )


def chain_of(service: CommissionService, *people: str, at: datetime = AT) -> None:
    """Join everyone and bind each to the next: people[0] <- people[1] <- ..."""
    for person in people:
        service.join(person, now=at)
    for customer, referrer in itertools.pairwise(people):
        service.bind(customer, referrer, now=at)


def test_three_levels_with_a_promoted_upline_end_to_end() -> None:
    service = make(three_levels())
    chain_of(service, "bo", "amy", "cai", "dan")
    # dan reaches gold: a direct referral of his buys 300.00 and it settles
    service.bind("eve", "dan", now=AT)
    service.record_order(order("o-0", "eve", line("1", "tea", 1, "300.00")), now=AT)
    report = service.sweep(now=AT + 7 * DAY)
    assert report.settled == 1
    assert any(isinstance(e, Promoted) and e.rank == "gold" for e in report.events)
    dan = service.account("dan")
    assert dan is not None
    assert (dan.rank, dan.available, dan.sales) == ("gold", cny("30.00"), cny("300.00"))

    later = AT + 8 * DAY
    outcome = service.record_order(
        order("o-1", "bo", line("1", "tea", 2, "398.00"), at=later), now=later
    )
    state = outcome.state
    assert state.chain == ("amy", "cai", "dan")
    assert [(r.beneficiary, r.level, r.rank, r.amount.format()) for r in state.records] == [
        ("amy", 1, None, "39.80"),
        ("cai", 2, None, "19.90"),
        ("dan", 3, "gold", "11.94"),  # 3 % for gold at level 3
    ]
    amy = service.account("amy")
    assert amy is not None and amy.frozen == cny("39.80")
    assert service.sweep(now=later + 6 * DAY).settled == 0
    assert service.sweep(now=later + 7 * DAY).settled == 3
    dan = service.account("dan")
    assert dan is not None and dan.available == cny("41.94")


def test_rebinding_never_changes_orders_already_placed() -> None:
    params = three_levels(binding=BindingPolicy(BindingMode.LAST_LINK))
    service = make(params)
    for person in ("amy", "zed"):
        service.join(person, now=AT)
    service.bind("bo", "amy", now=AT)
    service.record_order(order("o-1", "bo", line("1", "tea", 1, "100.00")), now=AT)
    outcome = service.bind("bo", "zed", now=AT + DAY)
    assert outcome.state.referrer_at(AT + DAY) == "zed"
    service.refund("o-1", Refund("r-1", (RefundLine("1", cny("50.00")),)), now=AT + 2 * DAY)
    service.sweep(now=AT + 7 * DAY)
    recorded = service.order("o-1")
    assert recorded is not None
    assert [(r.beneficiary, r.amount.format()) for r in recorded.records] == [("amy", "5.00")]
    later = AT + 8 * DAY
    again = service.record_order(
        order("o-2", "bo", line("1", "tea", 1, "100.00"), at=later), now=later
    )
    assert again.state.chain == ("zed",)
    amy, zed = service.account("amy"), service.account("zed")
    assert amy is not None and zed is not None
    assert (amy.team_size, zed.team_size) == (0, 1)


def test_binding_rules_through_the_service() -> None:
    service = make(three_levels())
    service.join("amy", now=AT)
    with pytest.raises(NotAPromoterError):
        service.bind("bo", "nobody", now=AT)
    with pytest.raises(SelfBindingError):
        service.bind("amy", "amy", now=AT)
    service.bind("bo", "amy", now=AT)
    service.join("bo", now=AT)
    with pytest.raises(BindingCycleError):
        service.bind("amy", "bo", now=AT)
    outcome = service.bind("bo", "amy", now=AT + DAY)
    assert outcome.events and not isinstance(outcome.events[0], LinkIgnored)
    amy = service.account("amy")
    assert amy is not None and amy.team_size == 1


def test_a_lapsed_binding_pays_nothing() -> None:
    service = make(three_levels(binding=BindingPolicy(expire_days=10)))
    service.join("amy", now=AT)
    service.bind("bo", "amy", now=AT)
    late = AT + 11 * DAY
    state = service.record_order(
        order("o-1", "bo", line("1", "tea", 1, "100.00"), at=late), now=late
    ).state
    assert state.records == ()
    assert state.chain == ()


def test_self_purchase_rebate() -> None:
    service = make(three_levels(self_purchase=True))
    chain_of(service, "amy", "cai")
    state = service.record_order(order("o-1", "amy", line("1", "tea", 1, "100.00")), now=AT)
    assert [(r.beneficiary, r.level) for r in state.state.records] == [("amy", 1), ("cai", 2)]


def test_refund_after_withdrawal_records_debt_instead_of_going_negative() -> None:
    service = make(three_levels(withdrawal=WithdrawalRules(minimum=cny("1.00"))))
    service.join("amy", now=AT)
    service.bind("bo", "amy", now=AT)
    service.record_order(order("o-1", "bo", line("1", "tea", 1, "100.00")), now=AT)
    service.sweep(now=AT + 7 * DAY)
    made = service.withdraw("amy", "w-1", cny("8.00"), now=AT + 8 * DAY)
    assert made.payout == cny("8.00")
    assert service.withdraw("amy", "w-1", cny("8.00"), now=AT + 9 * DAY) == made
    outcome = service.refund("o-1", Refund("r-1", whole_order=True), now=AT + 9 * DAY)
    assert {r.status for r in outcome.state.records} == {RecordStatus.CANCELLED}
    amy = service.account("amy")
    assert amy is not None
    assert (amy.available, amy.debt, amy.sales) == (cny("0.00"), cny("8.00"), cny("0.00"))
    assert service.refund("o-1", Refund("r-1", whole_order=True), now=AT + 10 * DAY).events == ()


def test_recording_is_idempotent_and_checked() -> None:
    service = make(three_levels())
    service.join("amy", now=AT)
    service.bind("bo", "amy", now=AT)
    paid = order("o-1", "bo", line("1", "tea", 1, "100.00"))
    first = service.record_order(paid, now=AT)
    again = service.record_order(paid, now=AT + DAY)
    assert again.state == first.state
    assert again.events == ()
    amy = service.account("amy")
    assert amy is not None and amy.frozen == cny("10.00")
    with pytest.raises(IdempotencyConflictError):
        service.record_order(order("o-1", "bo", line("1", "tea", 1, "99.00")), now=AT)
    with pytest.raises(UnknownOrderError):
        service.refund("nope", Refund("r", whole_order=True), now=AT)
    usd = PaidOrder("o-2", "bo", "USD", AT, [OrderLine("1", "tea", 1, Money(100, "USD"))])
    with pytest.raises(CurrencyError):
        service.record_order(usd, now=AT)


class FlakyStore(MemoryStore):
    """Fails the next ``failures`` account writes, as a process dying mid-delivery would."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 0

    def save(
        self,
        kind: str,
        id: str,
        payload: JSONObject,
        *,
        expected_version: int,
        due: datetime | None = None,
    ) -> Record:
        if kind.endswith(".account") and self.failures:
            self.failures -= 1
            raise ConnectionError("lost the connection")
        return super().save(kind, id, payload, expected_version=expected_version, due=due)


def test_a_delivery_cut_short_is_finished_by_the_sweep_exactly_once() -> None:
    store = FlakyStore()
    service = make(three_levels(), store)
    chain_of(service, "bo", "amy", "cai")
    store.failures = 1
    with pytest.raises(ConnectionError):
        service.record_order(order("o-1", "bo", line("1", "tea", 1, "100.00")), now=AT)
    pending = service.order("o-1")
    assert pending is not None and len(pending.outbox) == 2
    report = service.sweep(now=AT + DAY)  # before the window: only delivers
    assert (report.settled, report.postings) == (0, 2)
    service.sweep(now=AT + DAY)
    amy, cai = service.account("amy"), service.account("cai")
    assert amy is not None and cai is not None
    assert (amy.frozen, cai.frozen) == (cny("10.00"), cny("5.00"))
    state = service.order("o-1")
    assert state is not None and state.outbox == ()


def test_a_binding_race_that_closes_a_loop_is_undone() -> None:
    store = MemoryStore()
    service = make(three_levels(), store)
    rival = make(three_levels(), store)
    service.join("amy", now=AT)
    service.join("bo", now=AT)
    original = store.save
    raced = False

    def save(kind: str, id: str, payload: JSONObject, **kw: Any) -> Record:
        nonlocal raced
        if kind == "commission.binding" and id == "amy" and not raced:
            raced = True  # bo binds to amy between amy's check and amy's write
            rival.bind("bo", "amy", now=AT)
        return original(kind, id, payload, **kw)

    store.save = save  # type: ignore[method-assign]
    with pytest.raises(BindingCycleError):
        service.bind("amy", "bo", now=AT)
    assert service.upline("bo", at=AT) == ("amy",)
    assert service.upline("amy", at=AT) == ()


def test_concurrent_orders_all_reach_the_account() -> None:
    service = make(three_levels(max_share=Decimal(50)))
    service.join("amy", now=AT)
    buyers = [f"b{i}" for i in range(6)]
    for buyer in buyers:
        service.bind(buyer, "amy", now=AT)

    def buy(buyer: str) -> None:
        for n in range(4):
            item = line("1", "tea", 1, "10.00")
            service.record_order(order(f"{buyer}-{n}", buyer, item), now=AT)

    threads = [threading.Thread(target=buy, args=(b,)) for b in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    amy = service.account("amy")
    assert amy is not None
    assert amy.frozen == cny("24.00")  # 24 orders × 1.00
    assert service.sweep(now=AT + 7 * DAY, limit=100).settled == 24
    amy = service.account("amy")
    assert amy is not None and amy.available == cny("24.00")


def test_the_same_flow_on_a_sqlite_file_shared_by_two_services(tmp_path: Path) -> None:
    path = tmp_path / "promo.db"
    first = CommissionService(
        SqliteStore(path), three_levels(), currency="CNY", sleep=lambda _: None
    )
    second = CommissionService(
        SqliteStore(path), three_levels(), currency="CNY", sleep=lambda _: None
    )
    chain_of(first, "bo", "amy", "cai")
    second.record_order(order("o-1", "bo", line("1", "tea", 2, "398.00")), now=AT)
    assert first.sweep(now=AT + 7 * DAY).settled == 2
    second.refund("o-1", Refund("r-1", (RefundLine("1", cny("199.00")),)), now=AT + 8 * DAY)
    amy = first.account("amy")
    assert amy is not None
    assert (amy.available, amy.sales) == (cny("19.90"), cny("199.00"))
    assert first.withdraw("amy", "w-1", cny("19.90"), now=AT + 9 * DAY).payout == cny("19.90")
    state = second.order("o-1")
    assert state is not None and state == first.order("o-1")
