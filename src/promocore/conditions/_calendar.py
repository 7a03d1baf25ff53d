"""Calendar conditions: days of the week and of the month, hours, dates, birthdays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import ClassVar

import attrs

from promocore._typed import typed_fields
from promocore.conditions._base import (
    WEEKDAYS,
    ConditionReason,
    Facts,
    Leaf,
    Unmet,
    birthday_in,
    check_items,
    dates,
    ints,
    listed,
    midnight,
    next_day,
    starting,
)
from promocore.validation import Checks


@attrs.frozen(cache_hash=True)
class BirthdayWindow(Leaf):
    """The day is in the customer's birthday window (``Customer.birthday``).

    The window runs from ``days_before`` days before the birthday to ``days_after`` days
    after it, both included; ``whole_month`` makes it the birthday's month instead
    (生日月). A birthday on 29 February falls on 28 February in other years.

    Attributes:
        days_before: Days before the birthday the window opens (0 to 180).
        days_after: Days after the birthday it stays open (0 to 180).
        whole_month: The window is the whole month of the birthday.
    """

    kind: ClassVar[str] = "birthday"
    timed: ClassVar[bool] = True
    days_before: int = 0
    days_after: int = 0
    whole_month: bool = False

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("days_before", "days_after"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 180:
                checks.add(name, "must be a whole number from 0 to 180")
        checks.raise_if_any()

    def _window(self, year: int, birthday: date) -> tuple[date, date]:
        if self.whole_month:
            first = date(year, birthday.month, 1)
            last = next_day(first, lambda d: d.month != birthday.month, 32)
            assert last is not None
            return first, last - timedelta(days=1)
        day = birthday_in(year, birthday)
        return day - timedelta(days=self.days_before), day + timedelta(days=self.days_after)

    def unmet(self, facts: Facts) -> Unmet | None:
        """``not_birthday``, with the next window's start."""
        customer = facts.customer
        birthday = customer.birthday if customer is not None else None
        if birthday is None:
            return Unmet(
                ConditionReason.NOT_BIRTHDAY,
                f"for the customer's {self.describe().removeprefix('the ')}; "
                "the customer's birthday is not known",
            )
        today = facts.local.date()
        starts = []
        for year in (today.year - 1, today.year, today.year + 1):
            first, last = self._window(year, birthday)
            if first <= today <= last:
                return None
            if first > today:
                starts.append(first)
        moment = midnight(min(starts), facts.zone)
        return Unmet(
            ConditionReason.NOT_BIRTHDAY,
            f"for the customer's {self.describe().removeprefix('the ')}",
            starting(moment, facts),
        )

    def describe(self) -> str:
        """``"the birthday window (3 days before to 3 days after)"``."""
        if self.whole_month:
            return "the birthday month"
        if not (self.days_before or self.days_after):
            return "the birthday"
        return (
            f"the birthday window ({self.days_before} days before to {self.days_after} days after)"
        )


@attrs.frozen(cache_hash=True)
@typed_fields
class Weekdays(Leaf):
    """The day of the week is one of ``days``: 1 is Monday, 7 Sunday (会员日 every Wednesday: 3).

    Attributes:
        days: ISO weekday numbers, 1 to 7.
    """

    kind: ClassVar[str] = "weekdays"
    timed: ClassVar[bool] = True
    days: frozenset[int] = attrs.field(converter=ints)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_items(checks, "days", self.days, int)
        if any(isinstance(d, int) and not 1 <= d <= 7 for d in self.days):
            checks.add("days", "must be weekday numbers from 1 (Monday) to 7 (Sunday)")
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``outside_days``, with the next listed day's start."""
        today = facts.local.date()
        if today.isoweekday() in self.days:
            return None
        day = next_day(today, lambda d: d.isoweekday() in self.days, 7)
        assert day is not None
        return Unmet(
            ConditionReason.OUTSIDE_DAYS,
            f"on {self._names()} only; today is {WEEKDAYS[today.weekday()]}",
            starting(midnight(day, facts.zone), facts),
        )

    def _names(self) -> str:
        return ", ".join(WEEKDAYS[d - 1] for d in sorted(self.days))

    def describe(self) -> str:
        """``"the day is Wednesday"``."""
        return f"the day is {self._names()}"


@attrs.frozen(cache_hash=True)
@typed_fields
class MonthDays(Leaf):
    """The day of the month is one of ``days`` (每月8号: 8). Months without a day skip it.

    Attributes:
        days: Days of the month, 1 to 31.
    """

    kind: ClassVar[str] = "month_days"
    timed: ClassVar[bool] = True
    days: frozenset[int] = attrs.field(converter=ints)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_items(checks, "days", self.days, int)
        if any(isinstance(d, int) and not 1 <= d <= 31 for d in self.days):
            checks.add("days", "must be days of the month from 1 to 31")
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``outside_days``, with the next listed day's start."""
        today = facts.local.date()
        if today.day in self.days:
            return None
        day = next_day(today, lambda d: d.day in self.days, 62)
        assert day is not None  # every day of the month comes back within two months
        return Unmet(
            ConditionReason.OUTSIDE_DAYS,
            f"on day {listed(self.days)} of the month only; today is day {today.day}",
            starting(midnight(day, facts.zone), facts),
        )

    def describe(self) -> str:
        """``"the day of the month is 8"``."""
        return f"the day of the month is {listed(self.days)}"


def _clock(value: time) -> str:
    return value.strftime("%H:%M") if not value.second else value.strftime("%H:%M:%S")


@attrs.frozen(cache_hash=True)
class TimeOfDay(Leaf):
    """The time of day is from ``start`` (included) to ``end`` (excluded), every day.

    A window whose end is before its start runs past midnight (22:00–02:00).

    Attributes:
        start: When the window opens (``19:00``).
        end: When it closes (``21:00``); not equal to ``start``.
    """

    kind: ClassVar[str] = "time_of_day"
    timed: ClassVar[bool] = True
    start: time
    end: time

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time):
                checks.add(name, "must be a time of day (19:00)")
            elif value.tzinfo is not None:
                checks.add(name, "must not carry a time zone: the campaign's time_zone is used")
        if not checks.problems and self.start == self.end:
            checks.add("end", "must differ from start")
        checks.raise_if_any()

    def _inside(self, clock: time) -> bool:
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def unmet(self, facts: Facts) -> Unmet | None:
        """``outside_hours``, with the window's next opening."""
        local = facts.local
        clock = local.time().replace(tzinfo=None)
        if self._inside(clock):
            return None
        day = local.date() if clock < self.start else local.date() + timedelta(days=1)
        moment = datetime.combine(day, self.start, tzinfo=facts.zone)
        return Unmet(
            ConditionReason.OUTSIDE_HOURS,
            f"from {_clock(self.start)} to {_clock(self.end)} only; it is {_clock(clock)}",
            starting(moment, facts),
        )

    def describe(self) -> str:
        """``"the time is 19:00-21:00"``."""
        return f"the time is {_clock(self.start)}-{_clock(self.end)}"


@attrs.frozen(cache_hash=True)
@typed_fields
class OnDates(Leaf):
    """The date is one of ``dates`` (holidays, a festival's days).

    Attributes:
        dates: The dates.
    """

    kind: ClassVar[str] = "dates"
    timed: ClassVar[bool] = True
    dates: frozenset[date] = attrs.field(converter=dates)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_items(checks, "dates", self.dates, date)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``outside_dates``, with the next listed date's start, if one is left."""
        today = facts.local.date()
        if today in self.dates:
            return None
        later = [d for d in self.dates if d > today]
        if not later:
            return Unmet(
                ConditionReason.OUTSIDE_DATES, f"on {self._shown()} only; every date has passed"
            )
        return Unmet(
            ConditionReason.OUTSIDE_DATES,
            f"on {self._shown()} only",
            starting(midnight(min(later), facts.zone), facts),
        )

    def _shown(self) -> str:
        shown = sorted(self.dates)
        text = ", ".join(d.isoformat() for d in shown[:5])
        return text + (f" and {len(shown) - 5} more dates" if len(shown) > 5 else "")

    def describe(self) -> str:
        """``"the date is 2026-10-01"``."""
        return f"the date is {self._shown()}"


@attrs.frozen(cache_hash=True)
@typed_fields
class Blackout(Leaf):
    """The date is not one of ``dates`` (blackout dates: holidays a campaign skips).

    Attributes:
        dates: The dates the campaign does not run.
    """

    kind: ClassVar[str] = "blackout"
    timed: ClassVar[bool] = True
    dates: frozenset[date] = attrs.field(converter=dates)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_items(checks, "dates", self.dates, date)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``blackout_date``, with the next day that is not one."""
        today = facts.local.date()
        if today not in self.dates:
            return None
        day = next_day(today, lambda d: d not in self.dates, len(self.dates) + 1)
        assert day is not None
        return Unmet(
            ConditionReason.BLACKOUT_DATE,
            f"not on {today.isoformat()} (a blackout date)",
            starting(midnight(day, facts.zone), facts),
        )

    def describe(self) -> str:
        """``"the date is a blackout date"``."""
        return "the date is a blackout date"
