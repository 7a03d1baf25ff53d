"""Sufficient statistics of an order log: what a campaign review needs, and nothing more.

A review of millions of orders does not need the orders: it needs counts, exact
sums and sums of squares per campaign, arm (treated or holdout), customer segment
(new or returning), day, and retention cohort.
[`ReviewStats`][promocore.analytics.order_stats.ReviewStats] holds exactly those, as Python
integers. Two reducers produce it from the same
order log and give identical values:

* in memory, from numpy columns: [`reduce_orders`][promocore.analytics.reduce.reduce_orders];
* inside a database, through ibis (DuckDB, PostgreSQL, or any warehouse ibis compiles
  to): [`reduce_table`][promocore.analytics.warehouse.reduce_table].

Everything after the reduction (intervals, goals, alerts, charts) starts from
`ReviewStats`, so a review computed in PostgreSQL and one computed in memory print
the same numbers.

The order log has one row per order: ``customer_id``, ``at`` (an instant),
``amount`` (what the customer paid, integer minor units), ``discount`` (what the
campaign paid for it, minor units; 0 when none), ``campaign`` (the campaign the
order is attributed to, or none) and ``holdout`` (True when the customer is in
that campaign's holdout group and so saw no promotion). Instants are compared at
one-second resolution. Definitions:

* An order counts for a campaign when it is attributed to it and placed within
  the campaign's window ``[start, end)`` and before the review's ``now``.
* A customer is **new** to a campaign when their first order of the whole log is
  one of the campaign's orders (placed at the same second as it); otherwise
  **returning**.
* A customer **repurchased** when they placed any other order (of any campaign or
  none) within ``repurchase_days`` after their first order of the campaign. Only
  customers whose window has closed by ``now`` are eligible.
* Retention **cohorts** group every customer of the log by the week (from Monday)
  or the calendar month of their first order, at the review's UTC offset; a
  customer is active in a period when they ordered in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import attrs

from promocore._typed import typed_fields
from promocore.analytics.funnel import DEFAULT_STAGES
from promocore.validation import Checks

__all__ = [
    "CampaignWindow",
    "CohortCell",
    "DayStats",
    "FunnelCounts",
    "GroupStats",
    "ReviewQuery",
    "ReviewStats",
    "combine",
]

#: Cohort periods a review can group customers by.
PERIODS = ("week", "month")
#: Seconds in a day.
DAY = 86_400
#: Longest repurchase window accepted, in days.
MAX_REPURCHASE_DAYS = 3660

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: 1970-01-05 was a Monday: weeks are counted from it.
_MONDAY = 4


def epoch_seconds(moment: datetime) -> int:
    """Return an aware instant as whole seconds since 1970 (rounded down)."""
    delta = moment - _EPOCH
    return delta.days * DAY + delta.seconds


@attrs.frozen
class CampaignWindow:
    """The name and the window ``[start, end)`` of one campaign under review.

    Attributes:
        name: The label its orders carry in the ``campaign`` column.
        start: First instant of the campaign (aware).
        end: End of the campaign (aware, after ``start``).
    """

    name: str
    start: datetime
    end: datetime


def _offset_seconds(offset: timedelta) -> int:
    return offset.days * DAY + offset.seconds


@attrs.frozen(kw_only=True)
@typed_fields
class ReviewQuery:
    """What to reduce an order log to.

    Attributes:
        campaigns: The campaigns under review.
        now: The moment of the review: later orders are ignored.
        repurchase_days: The window of the repurchase rate, in days.
        period: Cohort period: ``"week"`` or ``"month"``.
        utc_offset: Where days, weeks and months begin (``+08:00`` for China).
        stages: Funnel stages, first to last.
    """

    campaigns: tuple[CampaignWindow, ...]
    now: datetime
    repurchase_days: int = 30
    period: str = "month"
    utc_offset: timedelta = timedelta(0)
    stages: tuple[str, ...] = DEFAULT_STAGES

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        names = [c.name for c in self.campaigns]
        checks.check(len(set(names)) == len(names), "campaigns", "names must be unique")
        for i, c in enumerate(self.campaigns):
            for field in ("start", "end"):
                moment = getattr(c, field)
                ok = isinstance(moment, datetime) and moment.utcoffset() is not None
                checks.check(ok, f"campaigns[{i}].{field}", "must be an aware datetime")
            if not checks.problems:
                checks.check(c.end > c.start, f"campaigns[{i}].end", "must be after start")
        ok_now = isinstance(self.now, datetime) and self.now.utcoffset() is not None
        checks.check(ok_now, "now", "must be an aware datetime")
        days = self.repurchase_days
        checks.check(
            isinstance(days, int)
            and not isinstance(days, bool)
            and 1 <= days <= MAX_REPURCHASE_DAYS,
            "repurchase_days",
            f"must be a whole number of days from 1 to {MAX_REPURCHASE_DAYS} (got {days!r})",
        )
        checks.check(self.period in PERIODS, "period", f"must be one of {', '.join(PERIODS)}")
        offset = self.utc_offset
        checks.check(
            isinstance(offset, timedelta) and abs(offset) < timedelta(hours=24),
            "utc_offset",
            "must be a timedelta under 24 hours",
        )
        checks.check(len(self.stages) >= 1, "stages", "needs at least one stage")
        checks.raise_if_any()

    @property
    def now_s(self) -> int:
        """``now`` in seconds since 1970."""
        return epoch_seconds(self.now)

    @property
    def offset_s(self) -> int:
        """The UTC offset in seconds."""
        return _offset_seconds(self.utc_offset)

    def period_start(self, period: int) -> datetime:
        """Return the first instant of cohort period ``period`` (as the reducers number them)."""
        tz = timezone(self.utc_offset)
        if self.period == "week":
            day = _MONDAY + 7 * period
            return datetime(1970, 1, 1, tzinfo=tz) + timedelta(days=day)
        year, month = divmod(period, 12)
        return datetime(year, month + 1, 1, tzinfo=tz)

    def period_label(self, period: int) -> str:
        """Return a period as people write it: ``2026-11`` or ``2026-11-02`` (its Monday)."""
        start = self.period_start(period)
        return f"{start:%Y-%m}" if self.period == "month" else f"{start:%Y-%m-%d}"


Number = TypeVar("Number")


def period_of(seconds: Number, query: ReviewQuery, where: Callable[[Any, Any, Any], Any]) -> Number:
    """Return the cohort period of instants given in seconds since 1970.

    Written with ``+ - * //`` and ``where(condition, a, b)`` only, so the same code
    runs on numpy arrays (``where=np.where``) and on ibis expressions
    (``where=ibis.ifelse``): the database and memory number periods alike.
    Weeks count from Monday 1970-01-05; months are ``year * 12 + month - 1`` of the
    civil date at the query's UTC offset (H. Hinnant's days-to-civil algorithm).
    """
    days: Any = (seconds + query.offset_s) // DAY  # type: ignore[operator]
    if query.period == "week":
        result: Any = (days - _MONDAY) // 7
        return result  # type: ignore[no-any-return]
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = where(mp < 10, mp + 3, mp - 9)
    year = where(month <= 2, yoe + era * 400 + 1, yoe + era * 400)
    return year * 12 + month - 1  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True, order=True)
class GroupStats:
    """Sufficient statistics of one campaign's orders in one arm and customer segment.

    Attributes:
        campaign: The campaign.
        holdout: True for the holdout arm, False for the treated customers.
        segment: ``"new"`` or ``"returning"``.
        orders: Orders counted.
        revenue: Sum of their amounts (minor units).
        revenue_sq: Sum of the squared amounts.
        discount: Sum of their discounts (minor units).
        redeemed: Orders with a discount (the promotion was used).
        customers: Distinct customers with an order.
        customer_revenue_sq: Sum over customers of the square of their revenue.
        customer_discount_sq: Sum over customers of the square of their discount.
        customer_revenue_discount: Sum over customers of revenue × discount.
        repurchase_eligible: Customers whose repurchase window closed by ``now``.
        repurchased: Eligible customers who ordered again within the window.
    """

    campaign: str
    holdout: bool
    segment: str
    orders: int = 0
    revenue: int = 0
    revenue_sq: int = 0
    discount: int = 0
    redeemed: int = 0
    customers: int = 0
    customer_revenue_sq: int = 0
    customer_discount_sq: int = 0
    customer_revenue_discount: int = 0
    repurchase_eligible: int = 0
    repurchased: int = 0


_ADDITIVE = tuple(f.name for f in attrs.fields(GroupStats)[3:])


def combine(
    groups: Iterable[GroupStats], *, campaign: str, holdout: bool, segment: str
) -> GroupStats:
    """Add up groups (segments or arms are disjoint sets of customers, so every field adds)."""
    totals = dict.fromkeys(_ADDITIVE, 0)
    for group in groups:
        for name in _ADDITIVE:
            totals[name] += getattr(group, name)
    return GroupStats(campaign=campaign, holdout=holdout, segment=segment, **totals)


@attrs.frozen(kw_only=True, order=True)
class DayStats:
    """One campaign's orders in one arm on one day of the campaign.

    Attributes:
        campaign: The campaign.
        holdout: The arm.
        day: Days since the campaign's start (0 is its first 24 hours).
        orders: Orders.
        revenue: Sum of amounts (minor units).
        discount: Sum of discounts (minor units).
        redeemed: Orders with a discount.
    """

    campaign: str
    holdout: bool
    day: int
    orders: int
    revenue: int
    discount: int
    redeemed: int


@attrs.frozen(kw_only=True, order=True)
class CohortCell:
    """The customers of one cohort in one period after their first.

    Attributes:
        cohort: The cohort's period (see [`period_of`][promocore.analytics.order_stats.period_of]).
        offset: Periods since the cohort's first (0 is the first).
        customers: Customers of the cohort who ordered in that period.
        revenue: What they paid in it (minor units).
        revenue_sq: Sum over those customers of the square of what each paid in it.
        retained: Of them, how many also ordered in the next period.
    """

    cohort: int
    offset: int
    customers: int
    revenue: int
    revenue_sq: int
    retained: int


@attrs.frozen(kw_only=True, order=True)
class FunnelCounts:
    """Users of one campaign at each funnel stage (each after every earlier one).

    Attributes:
        campaign: The campaign.
        counts: Users per stage, first to last.
    """

    campaign: str
    counts: tuple[int, ...]


@attrs.frozen(kw_only=True)
class ReviewStats:
    """Everything a review is computed from, reduced from the order (and event) log.

    Attributes:
        query: What was reduced.
        groups: One entry per campaign, arm and segment that has orders, sorted.
        days: One entry per campaign, arm and day that has orders, sorted.
        cohorts: One entry per cohort and period with active customers, sorted.
        funnels: One entry per campaign with events, sorted; empty without an event log.
    """

    query: ReviewQuery
    groups: tuple[GroupStats, ...]
    days: tuple[DayStats, ...]
    cohorts: tuple[CohortCell, ...]
    funnels: tuple[FunnelCounts, ...] = ()

    def group(self, campaign: str, *, holdout: bool, segment: str | None = None) -> GroupStats:
        """Return the statistics of one arm of a campaign, for one segment or both."""
        parts = [
            g
            for g in self.groups
            if g.campaign == campaign
            and g.holdout == holdout
            and (segment is None or g.segment == segment)
        ]
        return combine(parts, campaign=campaign, holdout=holdout, segment=segment or "all")

    def days_of(self, campaign: str, *, holdout: bool) -> tuple[DayStats, ...]:
        """Return the days of one arm of a campaign, in order."""
        return tuple(d for d in self.days if d.campaign == campaign and d.holdout == holdout)

    def funnel(self, campaign: str) -> FunnelCounts | None:
        """Return the funnel counts of a campaign, or None when it has no events."""
        return next((f for f in self.funnels if f.campaign == campaign), None)
