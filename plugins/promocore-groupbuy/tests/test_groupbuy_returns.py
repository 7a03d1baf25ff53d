"""Returns of units bought in a team that succeeded: their share of what the member paid."""

from __future__ import annotations

import pytest
from groupbuy_builders import NOW, campaign, cny
from hypothesis import given, settings
from hypothesis import strategies as st
from promocore_groupbuy import (
    GroupBuyService,
    IdempotencyConflictError,
    MemberReturned,
    NotCompletedError,
    TeamNotFoundError,
    TeamStatus,
)

from promocore import IllegalTransitionError, Money, ValidationError
from promocore.state import MemoryStore


def full_team(quantity: int = 3) -> GroupBuyService:
    gb = GroupBuyService(MemoryStore(), sleep=lambda _: None)
    c = campaign(per_order_limit=None)
    gb.open(c, "cup", "ann", now=NOW, team_id="t1")
    gb.join(c, "t1", "bo", quantity, now=NOW, join_id="o-bo")
    gb.join(c, "t1", "cy", now=NOW, join_id="o-cy")
    return gb


def test_a_member_returns_some_units_of_a_full_team() -> None:
    gb = full_team(3)  # bo paid 3 × ¥19.90 = ¥59.70
    outcome = gb.return_units("t1", "o-bo", "r-1", 2, now=NOW)
    assert outcome.events == (MemberReturned("t1", "bo", "o-bo", "r-1", 2, cny("39.80")),)
    member = outcome.state.by_join("o-bo")
    assert member is not None and (member.returned, member.refunded) == (2, cny("39.80"))
    assert outcome.state.status is TeamStatus.FULL  # a team that succeeded stays so
    last = gb.return_units("t1", "o-bo", "r-2", 1, now=NOW).events
    assert last == (MemberReturned("t1", "bo", "o-bo", "r-2", 1, cny("19.90")),)


def test_returns_are_idempotent_and_refused_where_they_do_not_fit() -> None:
    gb = full_team(2)
    gb.return_units("t1", "o-bo", "r-1", 1, now=NOW)
    again = gb.return_units("t1", "o-bo", "r-1", 1, now=NOW)
    assert again.replayed and again.events == ()
    with pytest.raises(IdempotencyConflictError):
        gb.return_units("t1", "o-bo", "r-1", 2, now=NOW)
    with pytest.raises(ValidationError, match="at most 1 of the 2"):
        gb.return_units("t1", "o-bo", "r-2", 2, now=NOW)
    with pytest.raises(TeamNotFoundError):
        gb.return_units("t1", "o-nobody", "r-3", 1, now=NOW)
    open_team = GroupBuyService(MemoryStore())
    open_team.open(campaign(), "cup", "ann", now=NOW, team_id="t2")
    with pytest.raises(NotCompletedError) as refused:
        open_team.return_units("t2", "t2", "r-1", 1, now=NOW)
    assert isinstance(refused.value, IllegalTransitionError)


@settings(max_examples=40, deadline=None)
@given(quantity=st.integers(1, 5), data=st.data())
def test_returns_refund_at_most_their_share_and_all_of_it_at_the_end(
    quantity: int, data: st.DataObject
) -> None:
    gb = full_team(quantity)
    member = gb.team("t1").by_join("o-bo")
    assert member is not None
    paid, returned, refunded, n = member.paid, 0, Money.zero("CNY"), 0
    while returned < quantity:
        units = data.draw(st.integers(1, quantity - returned))
        n += 1
        [event] = gb.return_units("t1", "o-bo", f"r-{n}", units, now=NOW).events
        assert isinstance(event, MemberReturned)
        returned += units
        refunded += event.amount
        assert refunded.amount * quantity <= returned * paid.amount
    assert refunded == paid
