"""Properties of points accounts: never negative, nothing created or lost, exact refunds."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from promocore.money import Money

from .builders import NOW

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(
    points=st.integers(min_value=1, max_value=100_000),
    parts=st.lists(st.integers(min_value=1, max_value=50_000), min_size=1, max_size=6),
)
@SETTINGS
def test_refunds_of_a_whole_order_return_exactly_its_points(points: int, parts: list[int]) -> None:
    basis = sum(parts)
    account = PointsAccount("u1", lots=())
    account, _ = transition(account, Earn("k", points), NOW)
    account, _ = transition(account, Redeem("o1", points, Money(basis, "CNY")), NOW)
    returned, refunded = 0, 0
    for i, part in enumerate(parts):
        account, events = transition(account, Refund("o1", f"r{i}", Money(part, "CNY")), NOW)
        returned += sum(e.points for e in events if isinstance(e, PointsReturned))
        refunded += part
        assert returned == points * refunded // basis
    assert returned == points
    assert account.balance(NOW) == points


def commands() -> st.SearchStrategy[tuple[int, Command]]:
    key = st.integers(min_value=0, max_value=5).map(str)
    order = st.sampled_from(["o1", "o2", "o3"])
    amount = st.integers(min_value=1, max_value=5_000).map(lambda a: Money(a, "CNY"))
    days = st.none() | st.integers(min_value=1, max_value=20).map(lambda d: NOW + timedelta(days=d))
    earn = st.builds(Earn, key=key, points=st.integers(min_value=1, max_value=1_000),
                     expires_at=days)  # fmt: skip
    order_earn = st.builds(
        lambda o, p, b: Earn(f"order:{o}", p, "order", order_id=o, basis=b), order,
        st.integers(min_value=1, max_value=1_000), amount,
    )  # fmt: skip
    redeem = st.builds(Redeem, order, st.integers(min_value=1, max_value=1_500), amount)
    refund = st.builds(Refund, order, key, amount)
    command = st.one_of(earn, order_earn, redeem, refund, st.just(ExpirePoints()))
    return st.tuples(st.integers(min_value=0, max_value=4), command)


@given(st.lists(commands(), max_size=30))
@SETTINGS
def test_points_are_never_negative_and_always_accounted_for(
    steps: list[tuple[int, Command]],
) -> None:
    account = PointsAccount("u1")
    now = NOW
    earned = spent = returned = recovered = expired = 0
    for wait, command in steps:
        now += timedelta(days=wait)
        try:
            account, events = transition(account, command, now)
        except (InsufficientPointsError, RefundExceedsOrderError, PointsKeyReusedError):
            continue
        for e in events:
            match e:
                case PointsEarned():
                    earned += e.points
                case PointsRedeemed():
                    spent += e.points
                case PointsReturned():
                    returned += e.points
                case PointsClawedBack():
                    assert 0 <= e.recovered <= e.owed
                    recovered += e.recovered
                case PointsExpired():
                    expired += e.points
        assert all(lot.left >= 0 for lot in account.lots)
        assert account.balance(now) >= 0
        left = sum(lot.left for lot in account.lots)
        assert left == earned - spent + returned - recovered - expired
        for redemption in account.redemptions:
            assert 0 <= redemption.returned <= redemption.points
            assert sum(t.points for t in redemption.taken) == redemption.points
