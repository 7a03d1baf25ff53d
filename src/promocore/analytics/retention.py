"""Retention by cohort (留存) and historical customer lifetime value.

Customers are grouped by the week or month of their first order (their cohort);
for each later period the table counts how many of them ordered again. A cell is
*complete* when its period ended before the review; the last, incomplete period of
every cohort is shown but marked, since customers still have time to order in it.

The historical CLV of a cohort after ``k`` periods is what its customers paid, on
average, in their first ``k + 1`` periods: an exact sum divided by the cohort's size.

Examples:
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 1, 10, tzinfo=timezone.utc)
    >>> r = retention_cohorts(
    ...     ["a", "b", "a", "c"],
    ...     [t, t, t.replace(month=2), t.replace(month=2)],
    ...     [10_000, 8_000, 12_000, 5_000],
    ...     currency="CNY",
    ...     now=datetime(2026, 4, 1, tzinfo=timezone.utc),
    ... )
    >>> [c.label for c in r.cohorts], r.cohorts[0].sizes_active
    (['2026-01', '2026-02'], (2, 1, 0, 0))
    >>> r.cohorts[0].clv[1].display()
    '¥150.00'
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

import attrs

from promocore.analytics._dicts import fields_of
from promocore.analytics.estimates import (
    DEFAULT_ALPHA,
    RateEstimate,
    money_from_minor,
    rate_estimate,
)
from promocore.analytics.order_stats import CohortCell, ReviewQuery
from promocore.money import Money, Rounding

__all__ = ["Cohort", "RetentionCohorts", "cohorts_from_stats", "retention_cohorts"]


@attrs.frozen(kw_only=True)
class Cohort:
    """One cohort's activity period by period.

    Attributes:
        period: The cohort's period (as the reducers number them).
        label: The period as people write it (``2026-11``, or a week's Monday).
        size: Customers whose first order fell in the period.
        sizes_active: Customers active in each period since the first (index 0 is the
            first period, equal to ``size``), up to the review.
        retention: Active / size per period, with Wilson intervals.
        complete: Whether each period had ended by the review.
        revenue: What the cohort paid in each period.
        clv: Historical CLV: cumulative revenue per cohort customer after each period.
    """

    period: int
    label: str
    size: int
    sizes_active: tuple[int, ...]
    retention: tuple[RateEstimate, ...]
    complete: tuple[bool, ...]
    revenue: tuple[Money, ...]
    clv: tuple[Money, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the cohort as plain values."""
        return fields_of(self, self.revenue[0].currency if self.revenue else None)


@attrs.frozen(kw_only=True)
class RetentionCohorts:
    """Every cohort of the log, oldest first.

    Attributes:
        period: ``"week"`` or ``"month"``.
        cohorts: The cohorts.
    """

    period: str
    cohorts: tuple[Cohort, ...]

    @property
    def max_offset(self) -> int:
        """Return the most periods any cohort has been observed for, minus one."""
        return max((len(c.sizes_active) for c in self.cohorts), default=1) - 1

    def to_dict(self) -> dict[str, Any]:
        """Return the cohorts as plain values."""
        return {"period": self.period, "cohorts": [c.to_dict() for c in self.cohorts]}


def cohorts_from_stats(
    cells: tuple[CohortCell, ...],
    query: ReviewQuery,
    currency: str,
    *,
    alpha: float = DEFAULT_ALPHA,
) -> RetentionCohorts:
    """Build the cohort table from a review's cohort statistics."""
    from promocore.analytics.order_stats import period_of

    now_period = int(period_of(query.now_s, query, lambda c, a, b: a if c else b))
    by_cohort: dict[int, dict[int, CohortCell]] = {}
    for cell in cells:
        by_cohort.setdefault(cell.cohort, {})[cell.offset] = cell
    out = []
    for period in sorted(by_cohort):
        row = by_cohort[period]
        size = row[0].customers if 0 in row else 0
        span = max(now_period - period, max(row)) + 1
        active = tuple(row[k].customers if k in row else 0 for k in range(span))
        paid = tuple(row[k].revenue if k in row else 0 for k in range(span))
        cumulative = 0
        clv = []
        for amount in paid:
            cumulative += amount
            clv.append(
                money_from_minor(Fraction(cumulative, max(size, 1)), currency, Rounding.HALF_EVEN)
            )
        out.append(
            Cohort(
                period=period,
                label=query.period_label(period),
                size=size,
                sizes_active=active,
                retention=tuple(rate_estimate(a, size, alpha=alpha) for a in active),
                complete=tuple(
                    query.period_start(period + k + 1) <= query.now for k in range(span)
                ),
                revenue=tuple(Money(a, currency) for a in paid),
                clv=tuple(clv),
            )
        )
    return RetentionCohorts(period=query.period, cohorts=tuple(out))


def retention_cohorts(
    customer_ids: object,
    at: object,
    amounts: object,
    *,
    currency: str,
    now: datetime,
    period: str = "month",
    utc_offset: timedelta = timedelta(0),
    alpha: float = DEFAULT_ALPHA,
) -> RetentionCohorts:
    """Group customers into cohorts by their first order and follow them period by period.

    Args:
        customer_ids: Who placed each order.
        at: When (aware datetimes or UTC ``datetime64``).
        amounts: What each order paid (integer minor units).
        currency: ISO 4217 code of the amounts.
        now: The moment of the review; later orders are ignored.
        period: ``"month"`` or ``"week"`` (weeks begin on Monday).
        utc_offset: Where periods begin (``timedelta(hours=8)`` for China).
        alpha: Intervals have level ``1 − alpha``.

    Raises:
        ValidationError: bad columns, or a bad period or offset.
    """
    from promocore.analytics.reduce import reduce_orders

    query = ReviewQuery(campaigns=(), now=now, period=period, utc_offset=utc_offset)
    stats = reduce_orders(customer_ids=customer_ids, at=at, amounts=amounts, query=query)
    return cohorts_from_stats(stats.cohorts, query, currency, alpha=alpha)
