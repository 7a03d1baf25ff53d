from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import numpy as np
import pytest

from promocore.analytics import budget_burn
from promocore.errors import ValidationError
from promocore.money import Money

START = datetime(2026, 11, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def test_burn_since_start() -> None:
    burn = budget_burn(
        Money(1_000_000, "CNY"),
        [100_000, 200_000],
        start=START,
        now=START + 3 * DAY,
        end=START + 10 * DAY,
    )
    assert burn.reserve_rate == Decimal("0.10")
    assert burn.reserve == Money(100_000, "CNY")
    assert burn.spendable == Money(900_000, "CNY")
    assert burn.spent == Money(300_000, "CNY")
    assert burn.remaining == Money(600_000, "CNY")
    assert burn.burn_per_day == Money(100_000, "CNY")
    assert burn.utilisation == Decimal("0.3333")
    # 600 000 left at 100 000 a day: 6 more days
    assert burn.projected_exhaustion == START + 9 * DAY
    assert burn.projected_budget_exhaustion == START + 10 * DAY
    assert burn.exhausts_before_end is True
    # spent 300 000 + 7 days * 100 000 = 1 000 000, the whole budget
    assert burn.projected_spend_at_end == Money(1_000_000, "CNY")
    assert burn.pace_per_day_to_end == Money(85_714, "CNY")  # 600 000 / 7, rounded down
    assert not burn.using_reserve


def test_recent_window_and_custom_reserve() -> None:
    spends = [50_000, 50_000, 50_000, 150_000, 150_000]
    times = [START + DAY * i + DAY / 2 for i in range(5)]
    burn = budget_burn(
        1_000_000,
        spends,
        spend_at=times,
        window=2 * DAY,
        reserve="0.15",
        start=START,
        now=START + 5 * DAY,
        end=START + 10 * DAY,
        currency="CNY",
    )
    assert burn.reserve == Money(150_000, "CNY")
    assert burn.spent == Money(450_000, "CNY")
    assert burn.burn_per_day == Money(150_000, "CNY")  # 300 000 over the last 2 days
    # 400 000 left at 150 000 a day = 2 days 16 hours
    assert burn.projected_exhaustion == START + 7 * DAY + timedelta(hours=16)
    assert burn.projected_budget_exhaustion == START + 8 * DAY + timedelta(hours=16)
    assert burn.projected_spend_at_end == Money(1_000_000, "CNY")  # capped at the budget
    assert burn.pace_per_day_to_end == Money(80_000, "CNY")
    assert burn.window == 2 * DAY


def test_spend_at_as_datetime64() -> None:
    times = np.array(["2026-11-01T12:00", "2026-11-02T12:00"], dtype="datetime64[m]")
    burn = budget_burn(
        Money(10_000, "USD"),
        np.array([1_000, 3_000]),
        spend_at=times,
        window=DAY,
        start=START,
        now=START + 2 * DAY,
    )
    assert burn.burn_per_day == Money(3_000, "USD")


def test_reserve_rounds_up_and_overspend_uses_reserve() -> None:
    burn = budget_burn(1_001, 950, start=START, now=START + DAY, currency="CNY")
    assert burn.reserve == Money(101, "CNY")  # 100.1 rounded up
    assert burn.spendable == Money(900, "CNY")
    assert burn.using_reserve
    assert burn.remaining == Money(-50, "CNY")
    assert burn.projected_exhaustion == START + DAY  # already: now
    assert burn.end is None and burn.exhausts_before_end is None


def test_nothing_spent_never_exhausts() -> None:
    burn = budget_burn(Money(5_000, "CNY"), [], start=START, now=START + DAY, end=START + 2 * DAY)
    assert burn.burn_per_day == Money(0, "CNY")
    assert burn.projected_exhaustion is None
    assert burn.exhausts_before_end is False
    assert burn.projected_spend_at_end == Money(0, "CNY")
    assert burn.pace_per_day_to_end == Money(4_500, "CNY")


def test_other_time_zones_are_the_same_instant() -> None:
    shanghai = timezone(timedelta(hours=8))
    burn = budget_burn(Money(1_000, "CNY"), 100, start=START.astimezone(shanghai), now=START + DAY)
    assert burn.start == START
    assert burn.to_dict()["start"] == "2026-11-01T00:00:00+00:00"


def test_to_dict() -> None:
    d = budget_burn(Money(1_000, "CNY"), 100, start=START, now=START + DAY).to_dict()
    # Money is written as in quotes and files: major units of the stated currency.
    assert d["currency"] == "CNY"
    assert d["spent"] == "1.00"
    assert d["budget"] == "10.00"
    assert d["reserve_rate"] == "0.10"
    assert d["utilisation"] == "0.1111"
    assert d["window"] is None


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"now": START}, "now: must be after start"),
        ({"now": datetime(2026, 11, 2)}, "now: must carry a UTC offset"),
        ({"reserve": "1"}, "reserve: must be < 1"),
        ({"reserve": -0.1}, "reserve: must be >= 0"),
        ({"window": DAY}, "window: needs spend_at"),
        ({"window": -DAY}, "window: must be a positive timedelta"),
        ({"end": START - DAY}, "end: must be after start"),
        ({"spend": 1.5}, "spend: floats are refused"),
        ({"spend": [1, 2], "spend_at": [START]}, "spend_at: has 1 entries but spend has 2"),
        ({"spend": [1], "spend_at": [START + 3 * DAY]}, r"spend_at\[0\]: is after now"),
        ({"spend": [1], "spend_at": [None]}, r"spend_at\[0\]: must not be missing"),
        ({"spend": [1], "spend_at": [START - DAY]}, r"spend_at\[0\]: is before start"),
        ({"budget": -1}, "budget: must be >= 0"),
    ],
)
def test_refused(kwargs: dict[str, object], expected: str) -> None:
    args: dict[str, object] = {
        "budget": Money(1_000, "CNY"),
        "spend": 10,
        "start": START,
        "now": START + DAY,
    }
    args.update(kwargs)
    with pytest.raises(ValidationError, match=expected):
        budget_burn(**args)  # type: ignore[arg-type]
