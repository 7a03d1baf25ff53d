"""A refund of the purchase a friend qualified with un-qualifies them; rewards stay granted once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.games.invites import (
    Bind,
    FriendQualified,
    FriendUnqualified,
    InviteBoard,
    InviteProgram,
    InviteService,
    Purchase,
    QualifyOn,
    Refund,
    Rung,
    RungReached,
    invite_campaign,
    leaderboard,
    transition,
)
from promocore.money import Money
from promocore.state import MemoryStore

NOW = datetime(2026, 11, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
PROGRAM = InviteProgram(
    "friends",
    "邀请有礼",
    (Rung(1, points=100), Rung(2, points=300)),
    qualify_on=QualifyOn.FIRST_PURCHASE,
    min_purchase=Money(5_000, "CNY"),
)


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def test_a_refund_below_the_minimum_un_qualifies_the_friend() -> None:
    invites = InviteService(MemoryStore(), PROGRAM, sleep=lambda _: None)
    invites.apply(Bind("bob", "amy"), now=NOW)
    qualified = invites.apply(Purchase("bob", "o-1", cny(8_000)), now=NOW)
    assert FriendQualified("bob", "amy", 1, NOW) in qualified.events
    kept = invites.apply(Refund("bob", "o-1", "r-1", cny(2_000)), now=NOW)
    assert kept.events == () and invites.board().count("amy") == 1  # ¥60 kept still counts
    dropped = invites.apply(Refund("bob", "o-1", "r-2", cny(2_000)), now=NOW)
    assert dropped.events == (FriendUnqualified("bob", "amy", "o-1", 0, NOW),)
    assert invites.board().count("amy") == 0
    assert leaderboard(invites.board()) == ()
    again = invites.apply(Refund("bob", "o-1", "r-2", cny(2_000)), now=NOW)
    assert again.events == ()
    # a later purchase counts again, but the rung reached is not granted twice
    back = invites.apply(Purchase("bob", "o-2", cny(5_000)), now=NOW)
    assert FriendQualified("bob", "amy", 1, NOW) in back.events
    assert not any(isinstance(e, RungReached) for e in back.events)


def test_refunds_of_other_orders_change_nothing() -> None:
    board, _ = transition(InviteBoard(PROGRAM), Bind("bob", "amy"), NOW)
    board, _ = transition(board, Purchase("bob", "o-1", cny(9_000)), NOW)
    after, events = transition(board, Refund("bob", "o-9", "r-1", cny(9_000)), NOW)
    assert (after, events) == (board, ())


def test_the_invite_mechanic_shows_the_friend_what_counts() -> None:
    board, _ = transition(InviteBoard(PROGRAM), Bind("bob", "amy"), NOW)
    campaign = invite_campaign(board, "bob", currency="CNY")
    assert campaign is not None and campaign.params.inviter == "amy"
    board, _ = transition(board, Purchase("bob", "o-1", cny(9_000)), NOW)
    assert invite_campaign(board, "bob", currency="CNY") is None  # counts already


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["bob", "cy", "di"]), st.booleans()), max_size=12))
def test_rungs_are_reached_once_however_friends_come_and_go(
    moves: list[tuple[str, bool]],
) -> None:
    board = InviteBoard(PROGRAM)
    for friend in ("bob", "cy", "di"):
        board, _ = transition(board, Bind(friend, "amy"), NOW)
    reached: list[int] = []
    for n, (friend, buys) in enumerate(moves):
        invitation = board.invitations[friend]
        if buys:
            command: Purchase | Refund = Purchase(friend, f"o-{n}", cny(6_000))
        elif invitation.order_id is not None:
            command = Refund(friend, invitation.order_id, f"r-{n}", cny(6_000))
        else:
            continue
        board, events = transition(board, command, NOW)
        reached += [e.rung for e in events if isinstance(e, RungReached)]
        counted = [f for f, i in board.invitations.items() if i.qualified_at is not None]
        assert board.count("amy") == len(counted)
    assert sorted(reached) == sorted(set(reached))  # never twice
