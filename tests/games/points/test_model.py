"""Hand-checked points accounts: spending order, idempotency, refunds in proportion, expiry."""

from datetime import timedelta

import pytest

from promocore.errors import ValidationError
from promocore.games.points import (
    Command,
    Earn,
    ExpirePoints,
    InsufficientPointsError,
    PointsAccount,
    PointsClawedBack,
    PointsEarned,
    PointsExpired,
    PointsKeyReusedError,
    PointsRedeemed,
    PointsReturned,
    Redeem,
    Refund,
    RefundExceedsOrderError,
    transition,
)

from .builders import DAY, NOW, cny

EMPTY = PointsAccount("u1")


def run(account: PointsAccount, *commands: Command) -> PointsAccount:
    for command in commands:
        account, _ = transition(account, command, NOW)
    return account


def test_earn_is_idempotent_on_its_key() -> None:
    account, events = transition(EMPTY, Earn("k1", 500, "check_in", NOW + DAY), NOW)
    assert events == (PointsEarned("u1", "k1", 500, NOW + DAY, NOW),)
    assert transition(account, Earn("k1", 500, "check_in", NOW + DAY), NOW) == (account, ())
    with pytest.raises(PointsKeyReusedError):
        transition(account, Earn("k1", 600), NOW)
    assert account.balance(NOW) == 500
    assert account.balance(NOW + DAY) == 0  # expired


def test_redeem_spends_the_soonest_expiring_points_first() -> None:
    account = run(
        EMPTY,
        Earn("never", 300),
        Earn("late", 300, expires_at=NOW + 30 * DAY),
        Earn("soon", 300, expires_at=NOW + 2 * DAY),
    )
    account, events = transition(account, Redeem("o1", 500, cny("100")), NOW)
    assert events == (PointsRedeemed("u1", "o1", 500, NOW),)
    left = {lot.id: lot.left for lot in account.lots}
    assert left == {"never": 300, "late": 100, "soon": 0}
    assert account.balance(NOW) == 400
    assert transition(account, Redeem("o1", 500, cny("100")), NOW) == (account, ())
    with pytest.raises(InsufficientPointsError) as info:
        transition(account, Redeem("o2", 401, cny("100")), NOW)
    assert (info.value.asked, info.value.available) == (401, 400)


def test_refunds_return_points_in_exact_proportion() -> None:
    account = run(EMPTY, Earn("k", 1000), Redeem("o1", 1000, cny("300")))
    returned = []
    for i in range(3):
        account, events = transition(account, Refund("o1", f"r{i}", cny("100")), NOW)
        returned += [e.points for e in events if isinstance(e, PointsReturned)]
    assert returned == [333, 333, 334]  # 1000 × 100/300, then the cumulative rest
    assert account.balance(NOW) == 1000
    with pytest.raises(RefundExceedsOrderError):
        transition(account, Refund("o1", "r9", cny("0.01")), NOW)
    assert transition(account, Refund("o1", "r1", cny("100")), NOW) == (account, ())


def test_refunded_points_go_back_to_the_lots_they_came_from() -> None:
    account = run(
        EMPTY,
        Earn("soon", 100, expires_at=NOW + DAY),
        Earn("late", 100, expires_at=NOW + 10 * DAY),
        Redeem("o1", 150, cny("15")),
    )
    later = NOW + 2 * DAY  # the "soon" lot has expired
    account, events = transition(account, Refund("o1", "r1", cny("15")), later)
    assert events == (PointsReturned("u1", "o1", 150, 100, later),)
    assert {lot.id: lot.left for lot in account.lots} == {"soon": 100, "late": 100}
    assert account.balance(later) == 100
    account, events = transition(account, ExpirePoints(), later)
    assert events == (PointsExpired("u1", "soon", 100, later),)
    assert transition(account, ExpirePoints(), later) == (account, ())


def test_refunds_take_back_earned_points_without_going_negative() -> None:
    account = run(
        EMPTY,
        Earn("gift", 10),
        Earn("order:o1", 90, "order", order_id="o1", basis=cny("90")),
    )
    account, events = transition(account, Refund("o1", "r1", cny("30")), NOW)
    assert events == (PointsClawedBack("u1", "o1", 30, 30, NOW),)
    account = run(account, Redeem("o2", 65, cny("10")))  # the 10 gift points, 55 of the order's
    assert account.balance(NOW) == 5
    account, events = transition(account, Refund("o1", "r2", cny("60")), NOW)
    assert events == (PointsClawedBack("u1", "o1", 60, 5, NOW),)  # only 5 could be taken
    assert account.balance(NOW) == 0
    assert all(lot.left >= 0 for lot in account.lots)


def test_a_refund_of_an_order_without_points_changes_nothing() -> None:
    account = run(EMPTY, Earn("k", 10))
    assert transition(account, Refund("elsewhere", "r1", cny("5")), NOW) == (account, ())


def test_commands_are_validated() -> None:
    with pytest.raises(ValidationError, match="points: must be >= 1"):
        Earn("k", 0)
    with pytest.raises(ValidationError, match="give order_id and basis together"):
        Earn("k", 5, order_id="o1")
    with pytest.raises(ValidationError, match="refunded: must be > 0"):
        Refund("o1", "r1", cny("0"))


def test_reminder_of_points_about_to_expire() -> None:
    account = run(
        EMPTY, Earn("a", 100, expires_at=NOW + 3 * DAY), Earn("b", 50, expires_at=NOW + 40 * DAY)
    )
    assert account.expiring(NOW, NOW + timedelta(days=7)) == 100
