"""The life of an order's commissions: frozen, settled, reduced by refunds, cancelled."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.errors import ValidationError
from promocore.games.commission import (
    CommissionParams,
    ComplianceProfile,
    IdempotencyConflictError,
    OrderLine,
    PostingKind,
    Rate,
    RecordStatus,
    Refund,
    RefundExceedsPaidError,
    RefundLine,
)
from promocore.games.commission.model import (
    CommissionCancelled,
    CommissionReduced,
    CommissionSettled,
    OpenOrder,
    OrderCommissions,
    Settle,
)
from promocore.games.commission.rules import open_order, refund, settle
from promocore.games.commission.strategies import order_lines
from promocore.money import Money
from tests.games.commission.builders import AT, cny, line, order, paid, program, programs

CHAIN = ("amy", "cai", "dan")


def opened(params: CommissionParams, *lines: OrderLine) -> OrderCommissions:
    chain = CHAIN[: params.levels]
    state, _ = open_order(
        None, OpenOrder(order("o-1", "bo", *lines), chain, (None,) * len(chain), params), AT
    )
    return state


def amounts(state: OrderCommissions) -> list[str]:
    return [r.amount.format() for r in state.records]


def back(refund_id: str, *lines: tuple[str, str]) -> Refund:
    return Refund(refund_id, tuple(RefundLine(i, cny(a)) for i, a in lines))


def test_a_paid_order_is_frozen_until_the_return_window_ends() -> None:
    state = opened(program("10", "5", freeze_days=7), line("1", "tea", 1, "100.00"))
    assert amounts(state) == ["10.00", "5.00"]
    assert {r.status for r in state.records} == {RecordStatus.FROZEN}
    assert state.frozen_until == AT + timedelta(days=7)
    assert state.settles_at == AT + timedelta(days=7)
    assert [(p.promoter, p.kind, p.amount) for p in state.outbox] == [
        ("amy", PostingKind.FREEZE, cny("10.00")),
        ("cai", PostingKind.FREEZE, cny("5.00")),
    ]
    assert [r.key for r in state.records] == ["1/1/amy", "1/2/cai"]


def test_settling_waits_for_the_window_then_credits_sales_to_level_one() -> None:
    state = opened(program("10", "5"), line("1", "tea", 1, "100.00"))
    early, events = settle(state, Settle(), AT + timedelta(days=6))
    assert early == state
    assert events == ()
    done, events = settle(state, Settle(), AT + timedelta(days=7))
    assert [type(e) for e in events] == [CommissionSettled, CommissionSettled]
    assert {r.status for r in done.records} == {RecordStatus.SETTLED}
    assert done.settles_at is None
    settles = [p for p in done.outbox if p.kind is PostingKind.SETTLE]
    assert [(p.promoter, p.amount, p.sales) for p in settles] == [
        ("amy", cny("10.00"), cny("100.00")),
        ("cai", cny("5.00"), None),
    ]
    again, events = settle(done, Settle(), AT + timedelta(days=8))
    assert (again, events) == (done, ())


def test_a_partial_refund_reduces_each_record_in_proportion() -> None:
    state = opened(program("10", "5"), line("1", "tea", 1, "100.00"))
    state, events = refund(state, back("r-1", ("1", "30.00")), AT)
    # 70 % kept: 15.00 × 0.7 = 10.50 between the two records, split 10:5.
    assert amounts(state) == ["7.00", "3.50"]
    assert [p.kind for p in state.outbox[2:]] == [PostingKind.RELEASE, PostingKind.RELEASE]
    assert [p.amount for p in state.outbox[2:]] == [cny("3.00"), cny("1.50")]
    assert state.kept == cny("70.00")
    assert {type(e).__name__ for e in events} == {"CommissionReduced", "RefundRecorded"}


def test_no_fen_is_lost_when_proportions_do_not_divide() -> None:
    params = CommissionParams(
        rates=tuple(Rate(percent=Decimal(p)) for p in ("3.33", "3.33", "3.34")),
        levels=3,
        compliance=ComplianceProfile.OFF,
    )
    state = opened(params, line("1", "tea", 1, "100.00"))
    assert amounts(state) == ["3.33", "3.33", "3.34"]
    state, _ = refund(state, back("r-1", ("1", "33.33")), AT)
    # 66.67 % of 10.00 kept = 6.667, rounded down to 6.66: 3.34 taken off exactly.
    assert amounts(state) == ["2.22", "2.22", "2.22"]
    taken = sum(p.amount.amount for p in state.outbox if p.kind is PostingKind.RELEASE and p.amount)
    assert taken == 334


def test_a_full_refund_cancels_and_nothing_settles() -> None:
    state = opened(program("10", "5"), line("1", "tea", 1, "60.00"), line("2", "cup", 1, "40.00"))
    state, events = refund(state, Refund("r-1", whole_order=True), AT)
    assert amounts(state) == ["0.00"] * 4
    assert {r.status for r in state.records} == {RecordStatus.CANCELLED}
    assert sum(isinstance(e, CommissionCancelled) for e in events) == 4
    later, events = settle(state, Settle(), AT + timedelta(days=30))
    assert events == ()
    assert later.settles_at is None


def test_a_refund_after_settlement_claws_back_and_takes_sales_back() -> None:
    state = opened(program("10", "5"), line("1", "tea", 1, "100.00"))
    state, _ = settle(state, Settle(), AT + timedelta(days=7))
    state, events = refund(state, back("r-1", ("1", "50.00")), AT + timedelta(days=9))
    claws = [p for p in state.outbox if p.kind is PostingKind.CLAWBACK]
    assert [(p.promoter, p.amount, p.sales) for p in claws] == [
        ("amy", cny("5.00"), cny("50.00")),
        ("cai", cny("2.50"), None),
    ]
    assert all(e.clawed_back for e in events if isinstance(e, CommissionReduced))
    assert state.records[0].settled_sales == cny("50.00")
    state, _ = refund(state, back("r-2", ("1", "50.00")), AT + timedelta(days=10))
    assert {r.status for r in state.records} == {RecordStatus.CANCELLED}


def test_the_share_cap_follows_what_the_buyer_kept() -> None:
    params = program("50", max_share=Decimal(30))
    state = opened(
        params, line("1", "tea", 1, "100.00"), line("2", "cup", 1, "100.00", activity="bargain")
    )
    assert amounts(state) == ["50.00"]  # 30 % of 200.00 = 60.00 allowed
    state, _ = refund(state, back("r-1", ("2", "100.00")), AT)
    assert amounts(state) == ["30.00"]  # now 30 % of the 100.00 kept


def test_refunds_are_idempotent_by_id() -> None:
    state = opened(program("10"), line("1", "tea", 1, "100.00"))
    once, _ = refund(state, back("r-1", ("1", "10.00")), AT)
    twice, events = refund(once, back("r-1", ("1", "10.00")), AT)
    assert (twice, events) == (once, ())
    with pytest.raises(IdempotencyConflictError):
        refund(once, back("r-1", ("1", "20.00")), AT)


def test_refund_input_is_checked() -> None:
    state = opened(program("10"), line("1", "tea", 1, "100.00"))
    with pytest.raises(RefundExceedsPaidError):
        refund(state, back("r-1", ("1", "100.01")), AT)
    with pytest.raises(ValidationError, match=r"lines\[0\].line_id"):
        refund(state, back("r-1", ("9", "1.00")), AT)
    with pytest.raises(ValidationError, match="must be in CNY"):
        refund(state, Refund("r-1", (RefundLine("1", Money(100, "USD")),)), AT)
    with pytest.raises(ValidationError, match="whole_order"):
        Refund("r-1")
    with pytest.raises(ValidationError, match="must be > 0"):
        back("r-1", ("1", "0.00"))


def test_an_order_opens_once() -> None:
    params = program("10")
    state = opened(params, line("1", "tea", 1, "100.00"))
    with pytest.raises(IdempotencyConflictError):
        open_order(state, OpenOrder(state.order, ("amy",), (None,), params), AT)


# -- properties ---------------------------------------------------------------------------


@st.composite
def refund_plans(draw: st.DrawFn, lines: tuple[OrderLine, ...]) -> list[Refund]:
    left = {ln.line_id: ln.paid.amount for ln in lines}
    refunds = []
    for n in range(draw(st.integers(min_value=0, max_value=6))):
        candidates = [k for k, v in left.items() if v > 0]
        if not candidates:
            break
        line_id = draw(st.sampled_from(candidates))
        amount = draw(st.integers(min_value=1, max_value=left[line_id]))
        left[line_id] -= amount
        refunds.append(Refund(f"r-{n}", (RefundLine(line_id, Money(amount, "CNY")),)))
    if draw(st.booleans()):
        refunds.append(Refund("r-all", whole_order=True))
    return refunds


def check_bounds(state: OrderCommissions, before: OrderCommissions) -> None:
    by_line: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(state.records):
        by_line[record.line_id].append(i)
        assert record.amount <= before.records[i].amount  # never grows
        assert (record.amount.amount == 0) == (record.status is RecordStatus.CANCELLED)
    for line_id, indices in by_line.items():
        paid_for = state.order.line(line_id).paid.amount
        kept = paid_for - state.refunded_of(line_id).amount
        now = sum(state.records[i].amount.amount for i in indices)
        original = sum(state.records[i].original.amount for i in indices)
        assert now * paid_for <= original * kept  # at most the commission on what was kept
    assert state.total.amount * 100 <= state.max_share * state.kept.amount
    for record in state.records:  # every fen taken off was posted
        posted = sum(
            p.amount.amount
            for p in state.outbox
            if p.amount is not None
            and p.kind in (PostingKind.RELEASE, PostingKind.CLAWBACK)
            and p.id.startswith(f"o-1/{record.key}/")
        )
        assert record.original.amount - record.amount.amount == posted


def run(state: OrderCommissions, plan: list[Refund], settle_after: int) -> OrderCommissions:
    for step, item in enumerate(plan):
        if step == settle_after:
            state, _ = settle(state, Settle(), AT + timedelta(days=8))
        before = state
        state, _ = refund(state, item, AT + timedelta(days=step))
        check_bounds(state, before)
    return state


@settings(max_examples=120, deadline=None)
@given(data=st.data(), params=programs(), lines=order_lines())
def test_partial_refunds_in_any_order_never_pay_more_than_the_commission_on_what_was_kept(
    data: st.DataObject, params: CommissionParams, lines: tuple[OrderLine, ...]
) -> None:
    state = opened(params, *lines)
    plan = data.draw(refund_plans(lines))
    shuffled = data.draw(st.permutations(plan))
    # a whole-order refund takes what is left whenever it comes; keep it last
    shuffled = [r for r in shuffled if not r.whole_order] + [r for r in plan if r.whole_order]
    settle_after = data.draw(st.integers(min_value=0, max_value=len(plan) + 1))
    one = run(state, plan, settle_after)
    other = run(state, shuffled, settle_after)
    assert one.kept == other.kept


@settings(max_examples=120, deadline=None)
@given(data=st.data(), lines=order_lines())
def test_without_the_cap_line_totals_are_exact_whatever_the_refund_order(
    data: st.DataObject, lines: tuple[OrderLine, ...]
) -> None:
    # rates summing to at most 100 % with a 100 % cap: the cap never binds
    params = program("40", "35", "25", max_share=Decimal(100))
    state = opened(params, *lines)
    plan = [r for r in data.draw(refund_plans(lines)) if not r.whole_order]
    one = run(state, plan, len(plan) + 1)
    other = run(state, data.draw(st.permutations(plan)), len(plan) + 1)
    for line_id in {r.line_id for r in state.records}:
        paid_for = state.order.line(line_id).paid.amount
        kept = paid_for - one.refunded_of(line_id).amount
        original = sum(r.original.amount for r in state.records if r.line_id == line_id)
        target = original * kept // paid_for
        for result in (one, other):
            assert sum(r.amount.amount for r in result.records if r.line_id == line_id) == target


def test_property_helpers_build_valid_orders() -> None:
    assert paid((line("1", "tea", 1, "1.00"),)).paid == cny("1.00")
