"""Returns of some units of a paid order: the commissions shrink by the returned share."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.errors import ValidationError
from promocore.games.commission import (
    CommissionParams,
    CommissionService,
    ComplianceProfile,
    OrderLine,
    Rate,
    RecordStatus,
    RefundLine,
)
from promocore.money import Money, total
from promocore.state import MemoryStore
from tests.games.commission.builders import AT, cny, line, order

DAY = timedelta(days=1)


def service() -> CommissionService:
    params = CommissionParams(rates=(Rate(percent=Decimal(10)),), compliance=ComplianceProfile.OFF)
    made = CommissionService(MemoryStore(), params, currency="CNY", sleep=lambda _: None)
    made.join("amy", now=AT)
    made.bind("bo", "amy", now=AT)
    return made


def test_returning_one_of_three_units_takes_a_third_of_the_commission_back() -> None:
    fx = service()
    fx.record_order(order("o-1", "bo", line("1", "tea", 3, "300.00")), now=AT)
    outcome = fx.return_units("o-1", "ret-1", {"1": 1}, now=AT + DAY)
    assert outcome.state.refunds[-1].lines == (RefundLine("1", cny("100.00"), 1),)
    assert outcome.state.total == cny("20.00")  # 10% of the ¥200 kept
    amy = fx.account("amy")
    assert amy is not None and amy.frozen == cny("20.00")
    again = fx.return_units("o-1", "ret-1", {"1": 1}, now=AT + DAY)
    assert again.events == () and again.state.total == cny("20.00")
    fx.sweep(now=AT + 8 * DAY)  # settled: a later return claws back
    last = fx.return_units("o-1", "ret-2", {"1": 2}, now=AT + 9 * DAY)
    assert {r.status for r in last.state.records} == {RecordStatus.CANCELLED}
    amy = fx.account("amy")
    assert amy is not None and amy.available == cny("0.00")
    with pytest.raises(ValidationError, match="at most 0 of the 3"):
        fx.return_units("o-1", "ret-3", {"1": 1}, now=AT + 9 * DAY)
    with pytest.raises(ValidationError, match="no line"):
        fx.return_units("o-1", "ret-4", {"9": 1}, now=AT + 9 * DAY)


@settings(max_examples=40, deadline=None)
@given(quantity=st.integers(1, 6), payable=st.integers(1, 10**7), data=st.data())
def test_commissions_shrink_with_the_returned_share(
    quantity: int, payable: int, data: st.DataObject
) -> None:
    fx = service()
    paid = Money(payable, "CNY")
    paid_line = OrderLine("1", "tea", quantity, paid)
    first = fx.record_order(order("o-1", "bo", paid_line), now=AT)
    original = first.state.total
    returned, n = 0, 0
    while returned < quantity:
        units = data.draw(st.integers(1, quantity - returned))
        n += 1
        state = fx.return_units("o-1", f"r-{n}", {"1": units}, now=AT + DAY).state
        returned += units
        kept = state.kept
        assert kept.amount * quantity >= (quantity - returned) * payable  # at most the share back
        # the commission follows what was kept, rounded down, never more than before
        assert state.total.amount * payable <= original.amount * kept.amount + payable
    assert state.kept == Money.zero("CNY") and state.total == Money.zero("CNY")
    assert total((r.amount for r in state.records), "CNY") == Money.zero("CNY")
