"""Properties of team transitions over any sequence of commands."""

from __future__ import annotations

from datetime import timedelta

from groupbuy_builders import NOW
from hypothesis import given
from hypothesis import strategies as st
from promocore_groupbuy import (
    Expire,
    GroupBuyParams,
    IdempotencyConflictError,
    IllegalMoveError,
    Join,
    MemberRefunded,
    Refund,
    TeamStatus,
    open_team,
    transition,
)
from promocore_groupbuy.model import Command
from promocore_groupbuy.strategies import group_buy_params

from promocore import Money, total

CUSTOMERS = ("bo", "cy", "di", "ed", "fu", "gu")
commands = st.lists(
    st.tuples(
        st.one_of(
            st.builds(
                Join,
                st.sampled_from(CUSTOMERS),
                st.integers(1, 4),
                st.sampled_from(["j1", "j2", "j3", "j4"]),
            ),
            st.just(Expire()),
            st.just(Refund()),
        ),
        st.integers(0, 3 * 24 * 60),
    ),
    max_size=12,
)

NEXT = {
    TeamStatus.OPEN: {TeamStatus.OPEN, TeamStatus.FULL, TeamStatus.EXPIRED},
    TeamStatus.FULL: {TeamStatus.FULL},
    TeamStatus.EXPIRED: {TeamStatus.EXPIRED, TeamStatus.REFUNDED},
    TeamStatus.REFUNDED: {TeamStatus.REFUNDED},
}


@given(group_buy_params(), commands)
def test_any_sequence_keeps_a_team_consistent(
    params: GroupBuyParams, steps: list[tuple[Command, int]]
) -> None:
    sku = params.prices[0].sku
    team, _ = open_team("t", "gb", params, sku, "ann", 1, "t", NOW)
    refunds: list[Money] = []
    for command, minutes in sorted(steps, key=lambda s: s[1]):
        before = team
        try:
            team, events = transition(team, command, NOW + timedelta(minutes=minutes))
        except (IllegalMoveError, IdempotencyConflictError):
            assert team == before
            continue
        assert team.status in NEXT[before.status]
        refunds += [e.amount for e in events if isinstance(e, MemberRefunded)]
        customers = [m.customer for m in team.members]
        assert len(customers) == len(set(customers))
        assert team.seats_taken <= team.terms.size
        assert team.fillers == 0 or team.status is TeamStatus.FULL
        if team.status is TeamStatus.FULL:
            assert team.seats_left == 0
        for member in team.members:
            unit = team.terms.leader_price if member.leader else team.terms.price
            assert member.paid == unit * member.quantity
    if team.status is TeamStatus.REFUNDED:
        assert total(refunds, team.paid.currency) == team.paid
    else:
        assert refunds == []
