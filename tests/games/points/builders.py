"""Small builders shared by the points tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from promocore.games.points import EarnRule, Expiry, PointsProgram, PointsRate, RedemptionRule
from promocore.money import Money

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 11, 10, 0, tzinfo=CST)
DAY = timedelta(days=1)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def program(
    *, per_yuan: int = 100, max_share: str = "50", min_points: int = 100, earn: bool = True
) -> PointsProgram:
    """100 points = ¥1, points pay at most half, at least 100 per use, 1 point per ¥1 paid."""
    return PointsProgram(
        "member",
        "积分抵现",
        RedemptionRule(
            PointsRate(per_yuan, cny("1")), max_share=Decimal(max_share), min_points=min_points
        ),
        EarnRule(1, cny("1")) if earn else None,
        Expiry(years=1),
    )
