"""Points for actions (任务积分) such as the daily check-in (签到), with streak bonuses.

An [`ActionRule`][promocore.points.actions.ActionRule] says what performing an action earns and how
often a day; an [`ActionLog`][promocore.points.actions.ActionLog] remembers, per customer and
action, the last day it was performed and the current streak of consecutive days.
[`perform`][promocore.points.actions.perform] is the pure transition; its
[`ActionRewarded`][promocore.points.actions.ActionRewarded] event becomes an
[`Earn`][promocore.points.Earn] with [`earn_for`][promocore.points.actions.earn_for].
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs

from promocore.errors import ValidationError
from promocore.points.errors import DailyLimitReachedError
from promocore.points.rules import Expiry, zone
from promocore.points.transactions import Earn
from promocore.validation import Checks


@attrs.frozen
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
class ActionLog:
    """One customer's record of one action.

    Attributes:
        customer_id: The customer.
        action: The action.
        last_day: The last day it was performed, or ``None``.
        today: How many times it counted on ``last_day``.
        streak: Consecutive days up to ``last_day``.
    """

    customer_id: str
    action: str
    last_day: date | None = None
    today: int = 0
    streak: int = 0


@attrs.frozen
class ActionRewarded:
    """The action counted: ``points`` (streak bonus included) are due."""

    customer_id: str
    action: str
    day: date
    count: int
    streak: int
    points: int
    at: datetime


def perform(
    log: ActionLog, rule: ActionRule, now: datetime
) -> tuple[ActionLog, tuple[ActionRewarded, ...]]:
    """Record that the customer performed ``rule.action`` at ``now``.

    Returns:
        The log after the action, and the reward it earned.

    Raises:
        DailyLimitReachedError: it already counted ``rule.per_day`` times today.
        ValueError: ``log`` is about another action.
    """
    if log.action != rule.action:
        raise ValueError(f"the log is about {log.action!r}, the rule about {rule.action!r}")
    day = rule.day_of(now)
    if log.last_day == day:
        if log.today >= rule.per_day:
            raise DailyLimitReachedError(
                f"{rule.action} already counted {log.today} time(s) on {day.isoformat()}"
            )
        updated = attrs.evolve(log, today=log.today + 1)
        points = rule.points
    else:
        consecutive = log.last_day is not None and log.last_day == day - timedelta(days=1)
        streak = log.streak + 1 if consecutive else 1
        updated = attrs.evolve(log, last_day=day, today=1, streak=streak)
        points = rule.points + rule.bonus(streak)
    event = ActionRewarded(
        log.customer_id, rule.action, day, updated.today, updated.streak, points, now
    )
    return updated, (event,)


def earn_for(event: ActionRewarded, expiry: Expiry) -> Earn | None:
    """The [`Earn`][promocore.points.Earn] that credits ``event``, or ``None`` if it earned 0.

    The key names the customer, action, day and count, so crediting twice is harmless.
    """
    if event.points == 0:
        return None
    key = f"{event.action}:{event.customer_id}:{event.day.isoformat()}:{event.count}"
    return Earn(key, event.points, event.action, expiry.expires_at(event.at))
