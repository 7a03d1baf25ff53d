"""The rules of a points program (积分): value, redemption, earning and expiry."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from math import gcd
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from promocore.errors import ValidationError
from promocore.money import Money, Rounding
from promocore.validation import Checks


@attrs.frozen
class PointsRate:
    """What points are worth: ``points`` points pay ``value`` (100 points = ¥1.00).

    Points are only ever spent in whole steps that convert to whole minor units,
    so no amount is ever rounded: with 100 points = ¥1.00 a step is 1 point =
    ¥0.01; with 1000 points = ¥1.00 it is 10 points = ¥0.01.
    """

    points: int
    value: Money

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.points >= 1, "points", "must be >= 1")
        checks.check(self.value.amount >= 1, "value", "must be > 0")
        checks.raise_if_any()

    @property
    def step_points(self) -> int:
        """The fewest points that convert exactly to whole minor units."""
        return self.points // gcd(self.points, self.value.amount)

    @property
    def step_value(self) -> Money:
        """What [`step_points`][promocore.points.rules.PointsRate.step_points] points are worth."""
        return Money(self.value.amount // gcd(self.points, self.value.amount), self.value.currency)

    def worth(self, points: int) -> Money:
        """What ``points`` points pay, counting only whole steps."""
        steps = points // self.step_points
        return self.step_value * steps

    def cost(self, amount: Money) -> int:
        """Points needed to pay ``amount``, which must be a whole number of steps.

        Raises:
            ValueError: ``amount`` is not a whole number of steps.
        """
        steps, rest = divmod(amount.amount, self.step_value.amount)
        if rest:
            raise ValueError(f"{amount} is not a whole number of {self.step_value} steps")
        return steps * self.step_points


@attrs.frozen
class RedemptionRule:
    """How points pay at checkout (积分抵现).

    Attributes:
        rate: What points are worth.
        max_share: The largest percent of the payable points may cover (``"50"``).
        min_points: Fewest points one order may use; fewer are not used at all.
        max_points: Most points one order may use, if limited.
    """

    rate: PointsRate
    max_share: Decimal = Decimal(100)
    min_points: int = 0
    max_points: int | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(0 < self.max_share <= 100, "max_share", "must be > 0 and <= 100")
        checks.check(self.min_points >= 0, "min_points", "must be >= 0")
        if self.max_points is not None:
            checks.check(self.max_points >= max(1, self.min_points), "max_points", "too small")
        checks.raise_if_any()

    def plan(self, available: int, payable: Money) -> tuple[int, Money]:
        """The points to use and what they pay, with ``available`` points on ``payable``.

        Uses as many whole steps as the points,
        [`max_points`][promocore.points.rules.RedemptionRule.max_points] and
        [`max_share`][promocore.points.rules.RedemptionRule.max_share] of the payable (rounded
        down) allow. Returns ``(0, zero)`` when that is fewer than
        [`min_points`][promocore.points.rules.RedemptionRule.min_points].
        """
        zero = Money.zero(payable.currency)
        cap = payable.percent(self.max_share, Rounding.DOWN)
        usable = available if self.max_points is None else min(available, self.max_points)
        steps = min(usable // self.rate.step_points, cap.amount // self.rate.step_value.amount)
        points = steps * self.rate.step_points
        if points == 0 or points < self.min_points:
            return 0, zero
        return points, self.rate.step_value * steps


@attrs.frozen
class EarnRule:
    """Points earned per amount paid (消费积分): ``points`` for every full ``per`` paid.

    Attributes:
        points: Points earned for each full ``per``.
        per: The amount paid that earns ``points`` (¥1.00).
        max_points: Most points one order earns, if limited.
    """

    points: int
    per: Money
    max_points: int | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.points >= 1, "points", "must be >= 1")
        checks.check(self.per.amount >= 1, "per", "must be > 0")
        if self.max_points is not None:
            checks.check(self.max_points >= 1, "max_points", "must be >= 1")
        checks.raise_if_any()

    def earned(self, paid: Money) -> int:
        """Points earned for paying ``paid``."""
        points = max(paid.amount, 0) // self.per.amount * self.points
        return points if self.max_points is None else min(points, self.max_points)


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (``"Asia/Shanghai"``).

    Raises:
        ValidationError: no such time zone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError.single("timezone", f"unknown time zone {name!r}") from None


@attrs.frozen
class Expiry:
    """When earned points expire: after ``days`` days, at the end of a year, or never.

    Attributes:
        days: Points expire this many days after they are earned.
        years: Points earned in year Y expire when year Y + ``years`` ends
            (``0``: at the end of the year they were earned in; ``1``: a year later).
        timezone: The time zone whose calendar years count.
    """

    days: int | None = None
    years: int | None = None
    timezone: str = "Asia/Shanghai"

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if self.days is not None:
            checks.check(self.days >= 1, "days", "must be >= 1")
            checks.check(self.years is None, "years", "give days or years, not both")
        if self.years is not None:
            checks.check(0 <= self.years <= 100, "years", "must be between 0 and 100")
        try:
            zone(self.timezone)
        except ValidationError as exc:
            checks.absorb(exc)
        checks.raise_if_any()

    def expires_at(self, earned_at: datetime) -> datetime | None:
        """When points earned at ``earned_at`` expire, or ``None`` if never."""
        if self.days is not None:
            return earned_at + timedelta(days=self.days)
        if self.years is not None:
            tz = zone(self.timezone)
            year = earned_at.astimezone(tz).year + self.years + 1
            return datetime(year, 1, 1, tzinfo=tz)
        return None
