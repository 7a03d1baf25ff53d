"""Hand-checked points rules: rates, redemption plans, earning, expiry, check-in."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from promocore.errors import ValidationError
from promocore.games.points import (
    ActionLog,
    ActionRewarded,
    ActionRule,
    DailyLimitReachedError,
    EarnRule,
    Expiry,
    PointsRate,
    RedemptionRule,
    StreakBonus,
    earn_for,
    perform,
)

from .builders import CST, DAY, NOW, cny


def test_rate_steps_are_exact() -> None:
    hundred = PointsRate(100, cny("1"))
    assert (hundred.step_points, hundred.step_value) == (1, cny("0.01"))
    thousand = PointsRate(1000, cny("1"))
    assert (thousand.step_points, thousand.step_value) == (10, cny("0.01"))
    odd = PointsRate(3, cny("0.02"))  # 3 points = 2 fen: never split
    assert (odd.step_points, odd.step_value) == (3, cny("0.02"))
    assert thousand.worth(1234) == cny("1.23")
    assert thousand.cost(cny("1.23")) == 1230
    with pytest.raises(ValueError, match="whole number"):
        odd.cost(cny("0.03"))


def test_redemption_plan_respects_share_minimum_and_steps() -> None:
    rule = RedemptionRule(PointsRate(100, cny("1")), max_share=Decimal(50), min_points=100)
    assert rule.plan(5000, cny("80.00")) == (4000, cny("40.00"))  # half of ¥80
    assert rule.plan(2345, cny("80.00")) == (2345, cny("23.45"))  # all points
    assert rule.plan(99, cny("80.00")) == (0, cny("0"))  # below the minimum
    assert rule.plan(5000, cny("1.50")) == (0, cny("0"))  # share 75 points < 100
    capped = RedemptionRule(PointsRate(1000, cny("1")), max_share=Decimal(30), max_points=5000)
    assert capped.plan(100_000, cny("99.99")) == (5000, cny("5.00"))
    assert capped.plan(100_000, cny("10.01")) == (3000, cny("3.00"))  # 30% = 3.003 → 3.00
    with pytest.raises(ValidationError, match="max_share"):
        RedemptionRule(PointsRate(100, cny("1")), max_share=Decimal(0))


def test_earning_counts_full_steps() -> None:
    assert EarnRule(1, cny("1")).earned(cny("45.99")) == 45
    assert EarnRule(3, cny("2")).earned(cny("5.00")) == 6
    assert EarnRule(1, cny("1"), max_points=500).earned(cny("9999")) == 500
    assert EarnRule(1, cny("1")).earned(cny("0.99")) == 0


def test_expiry_after_days_or_at_year_end() -> None:
    assert Expiry(days=30).expires_at(NOW) == NOW + timedelta(days=30)
    shanghai = ZoneInfo("Asia/Shanghai")
    assert Expiry(years=1).expires_at(NOW) == datetime(2028, 1, 1, tzinfo=shanghai)
    assert Expiry(years=0).expires_at(NOW) == datetime(2027, 1, 1, tzinfo=shanghai)
    # 23:30 UTC on 31 December is already the next year in Shanghai
    late = datetime(2026, 12, 31, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert Expiry(years=0).expires_at(late) == datetime(2028, 1, 1, tzinfo=shanghai)
    assert Expiry().expires_at(NOW) is None
    with pytest.raises(ValidationError, match="timezone: unknown time zone"):
        Expiry(years=1, timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="give days or years"):
        Expiry(days=1, years=1)


CHECK_IN = ActionRule("check_in", 5, streak=(StreakBonus(3, 10), StreakBonus(7, 50)), cycle=7)


def test_check_in_streak_and_bonus() -> None:
    log = ActionLog("u1", "check_in")
    points = []
    for day in range(9):
        log, (event,) = perform(log, CHECK_IN, NOW + day * DAY)
        points.append(event.points)
    assert points == [5, 5, 15, 5, 5, 5, 55, 5, 5]  # the cycle restarts on day 8
    assert log.streak == 9
    log, (event,) = perform(log, CHECK_IN, NOW + 11 * DAY)  # missed two days
    assert (event.streak, event.points) == (1, 5)


def test_check_in_once_a_day_in_local_time() -> None:
    log, _ = perform(
        ActionLog("u1", "check_in"), CHECK_IN, datetime(2026, 11, 11, 23, 50, tzinfo=CST)
    )
    with pytest.raises(DailyLimitReachedError):
        perform(log, CHECK_IN, datetime(2026, 11, 11, 23, 59, tzinfo=CST))
    log, (event,) = perform(log, CHECK_IN, datetime(2026, 11, 12, 0, 5, tzinfo=CST))
    assert (event.day, event.streak) == (date(2026, 11, 12), 2)


def test_actions_may_count_several_times_a_day() -> None:
    share = ActionRule("share", 2, per_day=3)
    log = ActionLog("u1", "share")
    for _ in range(3):
        log, (event,) = perform(log, share, NOW)
    assert event.count == 3
    with pytest.raises(DailyLimitReachedError):
        perform(log, share, NOW)


def test_reward_becomes_an_idempotent_earn() -> None:
    event = ActionRewarded("u1", "check_in", date(2026, 11, 11), 1, 3, 15, NOW)
    earn = earn_for(event, Expiry(days=90))
    assert earn is not None
    assert (earn.key, earn.points, earn.expires_at) == (
        "check_in:u1:2026-11-11:1",
        15,
        NOW + timedelta(days=90),
    )
    assert earn_for(ActionRewarded("u1", "x", date(2026, 1, 1), 1, 1, 0, NOW), Expiry()) is None
