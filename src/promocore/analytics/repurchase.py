"""Repurchase rate (复购率) within N days of a first order.

Of the customers who bought in a window (a campaign, a month), the share who
ordered again within ``days`` of their first order of the window. Only customers
whose ``days`` have passed by the review count, so a campaign reviewed while it runs
is not judged on customers who have not had the time to come back. The rate comes
with a Wilson interval.

Examples:
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    >>> r = repurchase_rate(["a", "b", "a", "c"],
    ...                     [t, t, t.replace(day=20), t.replace(day=28)],
    ...                     since=t, until=t.replace(day=12),
    ...                     now=datetime(2026, 12, 31, tzinfo=timezone.utc), days=30)
    >>> r.successes, r.n, r.rate
    (1, 2, 0.5)
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from promocore.analytics.estimates import DEFAULT_ALPHA, RateEstimate, rate_estimate
from promocore.analytics.order_stats import CampaignWindow, GroupStats, ReviewQuery

__all__ = ["repurchase_from_stats", "repurchase_rate"]

_WINDOW = "window"


def repurchase_from_stats(group: GroupStats, *, alpha: float = DEFAULT_ALPHA) -> RateEstimate:
    """Return the repurchase rate of one group of a review's statistics."""
    return rate_estimate(group.repurchased, group.repurchase_eligible, alpha=alpha)


def repurchase_rate(
    customer_ids: object,
    at: object,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    days: int = 30,
    alpha: float = DEFAULT_ALPHA,
) -> RateEstimate:
    """Measure how many of a window's buyers ordered again within ``days``.

    Args:
        customer_ids: Who placed each order (the whole log: later orders count as
            repurchases whether or not they fall in the window).
        at: When (aware datetimes or UTC ``datetime64``).
        since: Start of the window of first orders.
        until: End of that window (exclusive).
        now: The moment of the review; later orders are ignored.
        days: The repurchase window, in days.
        alpha: The interval has level ``1 − alpha``.

    Raises:
        ValidationError: bad columns, or a bad window.
    """
    from promocore.analytics.reduce import reduce_orders

    query = ReviewQuery(
        campaigns=(CampaignWindow(_WINDOW, since, until),), now=now, repurchase_days=days
    )
    stamps = (
        np.asarray(customer_ids, dtype=object)
        if not isinstance(customer_ids, np.ndarray)
        else customer_ids
    )
    stats = reduce_orders(
        customer_ids=customer_ids,
        at=at,
        amounts=np.zeros(len(stamps), dtype=np.int64),
        campaigns=np.full(len(stamps), _WINDOW),
        query=query,
    )
    return repurchase_from_stats(stats.group(_WINDOW, holdout=False), alpha=alpha)
