"""Hand-checked invite boards: anti-abuse, qualification, the reward ladder, the leaderboard."""

from datetime import datetime, timedelta, timezone

import pytest

from promocore.campaign import Schedule
from promocore.errors import ValidationError
from promocore.games.invites import (
    AlreadyInvitedError,
    Bind,
    CouponReward,
    ExistingCustomerError,
    FriendBound,
    FriendQualified,
    InviteBoard,
    InviteClosedError,
    InviteCycleError,
    InviteProgram,
    Purchase,
    QualifyOn,
    Register,
    Rung,
    RungReached,
    SelfInviteError,
    Standing,
    leaderboard,
    transition,
)
from promocore.games.invites.model import Command
from promocore.money import Money

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 1, 10, 0, tzinfo=CST)
LADDER = (
    Rung(1, coupons=(CouponReward("welcome-5"),)),
    Rung(3, points=300),
    Rung(5, coupons=(CouponReward("big-50", 2),), points=500),
)
PROGRAM = InviteProgram(
    "double11-invite", "邀请有礼", LADDER, schedule=Schedule(NOW, NOW + timedelta(days=30))
)


def run(board: InviteBoard, *commands: Command, at: datetime = NOW) -> InviteBoard:
    for command in commands:
        board, _ = transition(board, command, at)
    return board


def test_bind_then_register_qualifies_and_climbs_the_ladder() -> None:
    board = InviteBoard(PROGRAM)
    board, events = transition(board, Bind("f1", "alice"), NOW)
    assert events == (FriendBound("f1", "alice", NOW),)
    board, events = transition(board, Register("f1"), NOW)
    assert events == (
        FriendQualified("f1", "alice", 1, NOW),
        RungReached(PROGRAM.id, "alice", 0, 1, (CouponReward("welcome-5"),), 0, NOW),
    )
    assert events[1].key == "invite:double11-invite:alice:0"
    for friend in ("f2", "f3"):
        board, events = transition(board, Bind(friend, "alice"), NOW)
        board, events = transition(board, Register(friend), NOW)
    assert [type(e) for e in events] == [FriendQualified, RungReached]
    assert board.count("alice") == 3 and board.progress["alice"].rungs == 2


def test_anti_abuse() -> None:
    board = run(InviteBoard(PROGRAM), Bind("bob", "alice"), Bind("carol", "bob"))
    with pytest.raises(SelfInviteError):
        transition(board, Bind("alice", "alice"), NOW)
    with pytest.raises(InviteCycleError):
        transition(board, Bind("alice", "carol"), NOW)  # alice → bob → carol → alice
    with pytest.raises(AlreadyInvitedError):
        transition(board, Bind("bob", "dave"), NOW)
    assert transition(board, Bind("bob", "alice"), NOW) == (board, ())
    with pytest.raises(ExistingCustomerError):
        transition(board, Bind("erin", "alice", friend_is_new=False), NOW)
    with pytest.raises(InviteClosedError):
        transition(board, Bind("erin", "alice"), NOW + timedelta(days=31))
    assert isinstance(SelfInviteError("x"), ValueError)


def test_a_friend_counts_once() -> None:
    board = run(InviteBoard(PROGRAM), Bind("f1", "alice"), Register("f1"))
    assert transition(board, Register("f1"), NOW) == (board, ())
    assert board.count("alice") == 1


def test_first_purchase_programs_count_the_first_big_enough_order() -> None:
    program = InviteProgram(
        "buy", "buy", LADDER, qualify_on=QualifyOn.FIRST_PURCHASE, min_purchase=Money(2000, "CNY")
    )
    board = run(InviteBoard(program), Bind("f1", "alice"), Register("f1"))
    assert board.count("alice") == 0
    board, events = transition(board, Purchase("f1", "o1", Money(1999, "CNY")), NOW)
    assert events == ()
    board, events = transition(board, Purchase("f1", "o2", Money(2000, "CNY")), NOW)
    assert events[0] == FriendQualified("f1", "alice", 1, NOW)
    board, events = transition(board, Purchase("f1", "o3", Money(9000, "CNY")), NOW)
    assert events == ()
    assert transition(board, Purchase("stranger", "o4", Money(9000, "CNY")), NOW)[1] == ()


def test_qualifying_after_the_program_ends_does_not_count() -> None:
    board = run(InviteBoard(PROGRAM), Bind("f1", "alice"))
    assert transition(board, Register("f1"), NOW + timedelta(days=30))[1] == ()


def test_program_validation() -> None:
    with pytest.raises(ValidationError, match="friends must increase strictly"):
        InviteProgram("p", "p", (Rung(3, points=1), Rung(3, points=2)))
    with pytest.raises(ValidationError, match="a rung needs coupons or points"):
        Rung(1)
    with pytest.raises(ValidationError, match="min_purchase: only used"):
        InviteProgram("p", "p", LADDER, min_purchase=Money(1, "CNY"))


def test_leaderboard_over_a_period() -> None:
    board = InviteBoard(PROGRAM)
    plan = [("alice", "a1", 0), ("alice", "a2", 2), ("bob", "b1", 1), ("bob", "b2", 1),
            ("carol", "c1", 5), ("alice", "a3", 9)]  # fmt: skip
    for inviter, friend, day in plan:
        at = NOW + timedelta(days=day)
        board = run(board, Bind(friend, inviter), Register(friend), at=at)
    week = leaderboard(board, start=NOW, end=NOW + timedelta(days=7))
    assert week == (
        Standing(1, "bob", 2, NOW + timedelta(days=1)),  # got to 2 before alice did
        Standing(2, "alice", 2, NOW + timedelta(days=2)),
        Standing(3, "carol", 1, NOW + timedelta(days=5)),
    )
    assert leaderboard(board, top=1) == (Standing(1, "alice", 3, NOW + timedelta(days=9)),)
    assert leaderboard(board, start=NOW + timedelta(days=20)) == ()
