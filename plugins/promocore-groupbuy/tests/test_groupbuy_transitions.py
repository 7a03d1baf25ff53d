from __future__ import annotations

from datetime import timedelta

import pytest
from groupbuy_builders import NOW, SHARE_60, cny, params
from promocore_groupbuy import (
    AlreadyMemberError,
    Expire,
    IdempotencyConflictError,
    IllegalMoveError,
    Join,
    LimitReachedError,
    MemberJoined,
    MemberRefunded,
    NotDueError,
    Refund,
    Team,
    TeamClosedError,
    TeamCompleted,
    TeamExpired,
    TeamExpiredError,
    TeamOpened,
    TeamStatus,
    UnknownSkuError,
    open_team,
    transition,
)

from promocore import ValidationError

LATER = NOW + timedelta(minutes=61)


def opened(**changes: object) -> Team:
    team, _ = open_team("t1", "gb", params(**changes), "tea", "ann", 1, "t1", NOW)
    return team


def test_opening_makes_the_leader_the_first_member_at_the_leader_price() -> None:
    team, events = open_team("t1", "gb", params(), "tea", "ann", 2, "t1", NOW)
    assert team.status is TeamStatus.OPEN
    assert team.expires_at == NOW + timedelta(minutes=60)
    assert team.leader.customer == "ann" and team.leader.leader
    assert team.leader.paid == cny("98.00")
    assert events == (
        TeamOpened("t1", "gb", "ann", team.expires_at),
        MemberJoined("t1", "ann", "t1", 2, cny("98.00"), leader=True),
    )


def test_opening_refuses_an_unknown_sku_and_a_quantity_above_the_order_limit() -> None:
    with pytest.raises(UnknownSkuError):
        open_team("t1", "gb", params(), "pot", "ann", 1, "t1", NOW)
    with pytest.raises(LimitReachedError):
        open_team("t1", "gb", params(per_order_limit=1), "tea", "ann", 2, "t1", NOW)
    with pytest.raises(ValidationError, match="quantity"):
        open_team("t1", "gb", params(), "tea", "ann", 0, "t1", NOW)


def test_members_join_at_the_group_price_and_the_last_seat_fills_the_team() -> None:
    team, events = transition(opened(), Join("bo", 1, "j-bo"), NOW + timedelta(minutes=5))
    assert events == (MemberJoined("t1", "bo", "j-bo", 1, cny("59.00")),)
    assert team.status is TeamStatus.OPEN and team.seats_left == 1
    team, events = transition(team, Join("cy", 3, "j-cy"), NOW + timedelta(minutes=6))
    assert team.status is TeamStatus.FULL
    assert team.closed_at == NOW + timedelta(minutes=6)
    assert events[-1] == TeamCompleted("t1", 3)
    assert team.paid == cny("49.00") + cny("59.00") + cny("177.00")


def test_a_customer_joins_a_team_once() -> None:
    team, _ = transition(opened(), Join("bo", 1, "j1"), NOW)
    with pytest.raises(AlreadyMemberError):
        transition(team, Join("bo", 1, "j2"), NOW)
    with pytest.raises(AlreadyMemberError):
        transition(team, Join("ann", 1, "j3"), NOW)


def test_joining_again_with_the_same_join_id_changes_nothing() -> None:
    team, _ = transition(opened(), Join("bo", 1, "j1"), NOW)
    again, events = transition(team, Join("bo", 1, "j1"), NOW)
    assert again == team and events == ()
    with pytest.raises(IdempotencyConflictError):
        transition(team, Join("cy", 1, "j1"), NOW)


def test_members_join_only_open_unexpired_teams() -> None:
    with pytest.raises(TeamExpiredError):
        transition(opened(), Join("bo", 1, "j1"), NOW + timedelta(minutes=60))
    full, _ = transition(opened(team_size=2), Join("bo", 1, "j1"), NOW)
    with pytest.raises(TeamClosedError):
        transition(full, Join("cy", 1, "j2"), NOW)
    with pytest.raises(LimitReachedError):
        transition(opened(per_order_limit=2), Join("bo", 3, "j1"), NOW)


def test_a_team_expires_only_when_its_time_ran_out() -> None:
    with pytest.raises(NotDueError):
        transition(opened(), Expire(), NOW + timedelta(minutes=59))


def test_an_expired_team_owes_every_member_what_they_paid_and_refunds_it() -> None:
    team, _ = transition(opened(), Join("bo", 2, "j-bo"), NOW)
    expired, events = transition(team, Expire(), LATER)
    assert expired.status is TeamStatus.EXPIRED
    assert events == (TeamExpired("t1", 2, cny("49.00") + cny("118.00")),)
    refunded, events = transition(expired, Refund(), LATER)
    assert refunded.status is TeamStatus.REFUNDED
    assert events == (
        MemberRefunded("t1", "ann", "t1", cny("49.00")),
        MemberRefunded("t1", "bo", "j-bo", cny("118.00")),
    )
    with pytest.raises(IllegalMoveError):
        transition(refunded, Refund(), LATER)
    with pytest.raises(TeamClosedError):
        transition(refunded, Join("cy", 1, "j-cy"), LATER)


def test_a_team_with_enough_members_completes_virtually_with_filler_seats() -> None:
    team, _ = open_team(
        "t1", "gb", params(team_size=5, virtual_share=SHARE_60), "tea", "ann", 1, "t1", NOW
    )
    team, _ = transition(team, Join("bo", 1, "j-bo"), NOW)
    short, events = transition(team, Expire(), LATER)
    assert short.status is TeamStatus.EXPIRED  # 2 of 5 is below 60 %
    team, _ = transition(team, Join("cy", 1, "j-cy"), NOW)
    done, events = transition(team, Expire(), LATER)
    assert done.status is TeamStatus.FULL
    assert done.fillers == 2 and done.seats_left == 0
    assert events == (TeamCompleted("t1", 3, fillers=2, virtual=True),)
    with pytest.raises(IllegalMoveError):
        transition(done, Refund(), LATER)


def test_moments_must_be_aware() -> None:
    with pytest.raises(ValidationError, match="now"):
        transition(opened(), Expire(), LATER.replace(tzinfo=None))
