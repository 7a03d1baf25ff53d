"""The terms of a points program (积分): what points are worth, how they pay, earn and expire.

A [`PointsProgram`][promocore.games.points.params.PointsProgram] holds the rules: what points are
worth ([`PointsRate`][promocore.games.points.params.PointsRate]), how they pay
([`RedemptionRule`][promocore.games.points.params.RedemptionRule]: largest share of the payable,
fewest points per use), what purchases earn ([`EarnRule`][promocore.games.points.params.EarnRule]),
what actions such as the daily check-in (签到) earn
([`ActionRule`][promocore.games.points.params.ActionRule], with
[`StreakBonus`][promocore.games.points.params.StreakBonus] es) and when points expire
([`Expiry`][promocore.games.points.params.Expiry]).
[`PointsRedemptionParams`][promocore.games.points.params.PointsRedemptionParams] are what the
``points_redemption`` mechanic prices.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from math import gcd
from zoneinfo import ZoneInfo

import attrs

from promocore._typed import typed_fields
from promocore._zones import zone as shared_zone
from promocore.errors import ValidationError
from promocore.money import Money, Rounding, round_div
from promocore.validation import Checks


@attrs.frozen
@typed_fields
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
        """What one step of points is worth (``step_points`` points)."""
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
@typed_fields
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
        [`max_points`][promocore.games.points.params.RedemptionRule.max_points] and
        [`max_share`][promocore.games.points.params.RedemptionRule.max_share] of the payable
        (rounded down) allow. Returns ``(0, zero)`` when that is fewer than
        [`min_points`][promocore.games.points.params.RedemptionRule.min_points].
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
@typed_fields
class EarnRule:
    """Points earned per amount paid (消费积分): ``points`` for every full ``per`` paid.

    Points earned are a grant: ``worth`` says what they are worth in money (a program's
    campaigns take its redemption rate when the rule gives none), and a budget counts them
    at that worth. A budgeted ``points_earning`` campaign must say what its points are worth.

    Attributes:
        points: Points earned for each full ``per``.
        per: The amount paid that earns ``points`` (¥1.00).
        max_points: Most points one order earns, if limited.
        worth: What points are worth, to value them as a grant; ``None`` values them
            at zero.
    """

    points: int
    per: Money
    max_points: int | None = None
    worth: PointsRate | None = None

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

    def value(self, points: int) -> Money:
        """What ``points`` earned are worth as a grant, rounded up to the minor unit.

        Rounded up (``Rounding.UP``) so that a budget never counts less than was given;
        zero in the currency of ``per`` without a ``worth``.
        """
        if self.worth is None:
            return Money.zero(self.per.currency)
        rate = self.worth
        return rate.value.with_amount(
            round_div(points * rate.value.amount, rate.points, Rounding.UP)
        )


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (``"Asia/Shanghai"``).

    Raises:
        ValidationError: no such time zone.
    """
    try:
        return shared_zone(name)
    except ValueError:
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


@attrs.frozen
@typed_fields
class StreakBonus:
    """Extra ``points`` on the ``day``-th consecutive day (连续签到第N天)."""

    day: int
    points: int

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.day >= 1, "day", "must be >= 1")
        checks.check(self.points >= 1, "points", "must be >= 1")
        checks.raise_if_any()


@attrs.frozen
@typed_fields
class ActionRule:
    """What an action earns.

    Attributes:
        action: The action's name (``"check_in"``).
        points: Points each time it counts.
        per_day: How many times a day it counts.
        streak: Bonuses on given days of a streak, days strictly increasing.
        cycle: The streak starts over after this many days (a 7-day check-in
            calendar); ``None`` lets it grow.
        timezone: The time zone whose calendar days count.
    """

    action: str
    points: int
    per_day: int = 1
    streak: tuple[StreakBonus, ...] = ()
    cycle: int | None = None
    timezone: str = "Asia/Shanghai"

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.action.strip()), "action", "must not be empty")
        checks.check(self.points >= 0, "points", "must be >= 0")
        checks.check(self.per_day >= 1, "per_day", "must be >= 1")
        days = [bonus.day for bonus in self.streak]
        checks.check(days == sorted(set(days)), "streak", "days must increase strictly")
        if self.cycle is not None:
            checks.check(self.cycle >= 1, "cycle", "must be >= 1")
            checks.check(all(d <= self.cycle for d in days), "streak", "days must fit the cycle")
        try:
            zone(self.timezone)
        except ValidationError as exc:
            checks.absorb(exc)
        checks.raise_if_any()

    def day_of(self, at: datetime) -> date:
        """The calendar day ``at`` falls on in the rule's time zone."""
        return at.astimezone(zone(self.timezone)).date()

    def bonus(self, streak: int) -> int:
        """The bonus for the ``streak``-th consecutive day."""
        day = streak if self.cycle is None else (streak - 1) % self.cycle + 1
        return sum(b.points for b in self.streak if b.day == day)


@attrs.frozen
@typed_fields
class PointsProgram:
    """The rules of one points program.

    Attributes:
        id: Unique id; the program's campaigns are named after it.
        name: Human name shown in explanations (``"积分抵现"``).
        redemption: How points pay at checkout.
        earning: Points earned per amount paid, if any.
        expiry: When earned points expire.
        actions: Points earned for actions such as the daily check-in.
        currency: Currency of the program's amounts.
    """

    id: str
    name: str
    redemption: RedemptionRule
    earning: EarnRule | None = None
    expiry: Expiry = attrs.field(factory=Expiry)
    actions: tuple[ActionRule, ...] = ()
    currency: str = "CNY"

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.id.strip()), "id", "must not be empty")
        checks.check(bool(self.name.strip()), "name", "must not be empty")
        amounts = [("redemption.rate.value", self.redemption.rate.value)]
        if self.earning is not None:
            amounts.append(("earning.per", self.earning.per))
            if self.earning.worth is not None:
                amounts.append(("earning.worth.value", self.earning.worth.value))
        try:
            Money.zero(self.currency)
        except ValueError as exc:
            checks.add("currency", str(exc))
        else:
            for path, amount in amounts:
                checks.check(amount.currency == self.currency, path, f"must be in {self.currency}")
        names = [rule.action for rule in self.actions]
        checks.check(len(names) == len(set(names)), "actions", "each action may have one rule")
        checks.raise_if_any()

    def action(self, name: str) -> ActionRule:
        """The rule of the action ``name``.

        Raises:
            KeyError: the program has no rule for it.
        """
        for rule in self.actions:
            if rule.action == name:
                return rule
        raise KeyError(f"program {self.id!r} has no rule for action {name!r}")


#: Name of the mechanic that pays part of an order with points (payment stage).
REDEMPTION_MECHANIC = "points_redemption"
#: Name of the mechanic that credits points for what was paid (post stage).
EARNING_MECHANIC = "points_earning"
#: Effect kind of points used to pay; ``detail`` holds ``points``.
REDEEMED = "points_redeemed"
#: Effect kind of points earned; ``amount`` is the amount they were earned on.
EARNED = "points_earned"


@attrs.frozen
@typed_fields
class PointsRedemptionParams:
    """Params of ``points_redemption``.

    Attributes:
        rule: Rate, largest share of the payable, fewest and most points per order.
        available: The customer's spendable points.
        requested: Points the customer asked to use; ``None`` uses as many as
            allowed, ``0`` none.
    """

    rule: RedemptionRule
    available: int
    requested: int | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.available >= 0, "available", "must be >= 0")
        if self.requested is not None:
            checks.check(self.requested >= 0, "requested", "must be >= 0")
        checks.raise_if_any()
