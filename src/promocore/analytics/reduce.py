"""Reducing an order log held in memory (numpy columns) to the review's sufficient statistics.

[`reduce_orders`][promocore.analytics.reduce.reduce_orders] builds
[`ReviewStats`][promocore.analytics.order_stats.ReviewStats]: the in-memory twin of
[`reduce_table`][promocore.analytics.warehouse.reduce_table]:
same definitions (see [`promocore.analytics.order_stats`][promocore.analytics.order_stats]),
same integers. Sums are exact: ``int64`` arrays summed by sorted runs, totals in
Python integers. The work is a few sorts of the order log; ten million orders take
a few seconds (see the benchmarks page).

Examples:
    >>> from datetime import datetime, timezone
    >>> from promocore.analytics.order_stats import CampaignWindow, ReviewQuery
    >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    >>> query = ReviewQuery(campaigns=(CampaignWindow("d11", t, t.replace(day=12)),),
    ...                     now=t.replace(month=12, day=20))
    >>> stats = reduce_orders(
    ...     customer_ids=["a", "b", "a"],
    ...     at=[t, t, t.replace(day=3)],
    ...     amounts=[25_000, 18_000, 9_900],
    ...     discounts=[3_000, 3_000, 0],
    ...     campaigns=["d11", "d11", None],
    ...     query=query,
    ... )
    >>> g = stats.group("d11", holdout=False)
    >>> g.orders, g.revenue, g.customers, g.repurchased
    (2, 43000, 2, 1)
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from promocore._arrays import (
    BoolArray,
    CurrencyTracker,
    IntArray,
    amount_array,
    bool_array,
    exact_sum,
    exact_sum_of_squares,
    label_array,
    report,
    same_length,
    to_1d,
)
from promocore.analytics._times import time_array
from promocore.analytics.funnel import funnel_from_events
from promocore.analytics.order_stats import (
    DAY,
    CohortCell,
    DayStats,
    FunnelCounts,
    GroupStats,
    ReviewQuery,
    ReviewStats,
    epoch_seconds,
    period_of,
)
from promocore.errors import ValidationError
from promocore.validation import Checks

__all__ = ["reduce_orders"]

_SEGMENTS = ("new", "returning")
#: Customers are numbered below 2**29 and instants span less than 2**34 seconds, so
#: (customer, instant) packs into one sortable int64.
_TIME_BITS = 34


def _campaign_codes(
    values: object, query: ReviewQuery, checks: Checks, n: int
) -> npt.NDArray[np.int16]:
    """Each order's campaign as an index into ``query.campaigns``; -1 for none or another.

    None and "" mean no campaign. The labels are compared once per campaign under
    review, and never copied: a column of ten million strings is costly to move.
    """
    codes = np.full(n, -1, dtype=np.int16)
    if values is None:
        return codes
    array = to_1d(values, "campaigns", checks)
    if array is None:
        return codes
    if array.dtype.kind == "O":
        array = np.array(["" if v is None else v for v in array.tolist()], dtype=object)
    labels = label_array(array, "campaigns", checks)
    if checks.problems or labels.size != n:
        return codes
    for i, spec in enumerate(query.campaigns):
        codes[labels == spec.name] = i
    return codes


def _optional_flags(values: object, name: str, checks: Checks, n: int) -> BoolArray:
    if values is None:
        return np.zeros(n, dtype=bool)
    array = to_1d(values, name, checks)
    if array is not None and array.dtype.kind == "O":
        array = np.array([False if v is None else v for v in array.tolist()], dtype=object)
    return bool_array(array if array is not None else values, name, checks)


def _seconds(values: object, name: str, checks: Checks) -> IntArray:
    times = time_array(values, name, checks, allow_missing=False)
    micros = times.astype("datetime64[us]", copy=False).view(np.int64)
    return micros // 1_000_000


def _customer_codes(customers: npt.NDArray[Any]) -> IntArray:
    """Number the customers 0, 1, ...: small non-negative integer ids are their own numbers."""
    if (
        customers.dtype.kind in "iu"
        and customers.size
        and int(customers.min()) >= 0
        and int(customers.max()) < min(4 * customers.size + 1024, 2**29)
    ):
        return customers.astype(np.int64, copy=False)
    _, inverse = np.unique(customers, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1)


def _runs(keys: IntArray) -> IntArray:
    """Start index of each run of equal values in sorted ``keys``."""
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    return np.concatenate(([0], change)).astype(np.int64)


def _run_sums(values: IntArray, starts: IntArray) -> IntArray:
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.add.reduceat(values, starts).astype(np.int64)


def reduce_orders(
    *,
    customer_ids: object,
    at: object,
    amounts: object,
    query: ReviewQuery,
    discounts: object = None,
    campaigns: object = None,
    holdout: object = None,
    event_users: object = None,
    events: object = None,
    event_campaigns: object = None,
) -> ReviewStats:
    """Reduce an order log (and optionally an event log) to the statistics a review needs.

    Args:
        customer_ids: Who placed each order (str or int ids).
        at: When (aware datetimes or UTC ``datetime64``).
        amounts: What the customer paid, integer minor units (>= 0).
        query: Campaigns, the moment of the review and how to group.
        discounts: What the campaign paid for each order (minor units >= 0); 0 by default.
        campaigns: The campaign each order is attributed to; None or "" for none.
        holdout: True where the customer is in the campaign's holdout group.
        event_users: For funnels: who each event belongs to.
        events: For funnels: the stage of each event (see ``query.stages``).
        event_campaigns: For funnels: the campaign of each event.

    Returns:
        The review's sufficient statistics.

    Raises:
        ValidationError: columns of different lengths, floats or negatives for money,
            naive instants, or a customer both treated and held out in one campaign.
    """
    checks = Checks()
    customers = label_array(customer_ids, "customer_ids", checks)
    seconds = _seconds(at, "at", checks)
    tracker = CurrencyTracker(checks, None)
    paid = amount_array(amounts, "amounts", checks, tracker, minimum=0)
    n = len(customers)
    given = {"customer_ids": customers, "at": seconds, "amounts": paid}
    cost = (
        np.zeros(n, dtype=np.int64)
        if discounts is None
        else amount_array(discounts, "discounts", checks, tracker, minimum=0)
    )
    camp = _campaign_codes(campaigns, query, checks, n)
    held = _optional_flags(holdout, "holdout", checks, n)
    checks.raise_if_any()
    same_length(
        checks,
        [*given.items(), ("discounts", cost), ("campaigns", camp), ("holdout", held)],
    )
    checks.raise_if_any()
    keep = seconds < query.now_s
    if not keep.all():
        customers, seconds, paid, cost = customers[keep], seconds[keep], paid[keep], cost[keep]
        camp, held = camp[keep], held[keep]
    customer = _customer_codes(customers)
    # One sort of the log by (customer, instant) serves every statistic below.
    order, keys = _sorted_by_customer_time(customer, seconds)
    log = _Log(
        customer=customer[order],
        seconds=seconds[order],
        paid=paid[order],
        cost=cost[order],
        camp=camp[order],
        held=held[order],
        keys=keys,
        base=int(seconds.min()) if seconds.size else 0,
    )
    groups, days = _campaign_stats(log, query)
    cohorts = _cohorts(log, query)
    funnels = _funnels(event_users, events, event_campaigns, query)
    return ReviewStats(query=query, groups=groups, days=days, cohorts=cohorts, funnels=funnels)


def _sorted_by_customer_time(customer: IntArray, seconds: IntArray) -> tuple[IntArray, IntArray]:
    """Return the order of the log by (customer, instant), and the packed sort keys."""
    base = int(seconds.min()) if seconds.size else 0
    if customer.size and (
        int(customer.max()) >= 2**29 or int(seconds.max()) - base >= 2**_TIME_BITS
    ):
        raise ValidationError.single("customer_ids", "more than 2**29 customers are not supported")
    keys = (customer << _TIME_BITS) | (seconds - base)
    # Orders of one customer in one second may come in any order: no statistic depends on it.
    order = np.argsort(keys)
    return order.astype(np.int64), keys[order]


@attrs.frozen(kw_only=True)
class _Log:
    """The order log sorted by (customer, instant), with the packed sort keys."""

    customer: IntArray
    seconds: IntArray
    paid: IntArray
    cost: IntArray
    camp: npt.NDArray[np.int16]
    held: BoolArray
    keys: IntArray
    base: int


def _campaign_stats(
    log: _Log, query: ReviewQuery
) -> tuple[tuple[GroupStats, ...], tuple[DayStats, ...]]:
    keys, base = log.keys, log.base
    starts = _runs(log.customer)
    first_ever = np.zeros(int(log.customer[-1]) + 1 if log.customer.size else 0, dtype=np.int64)
    first_ever[log.customer[starts]] = log.seconds[starts]
    window = query.repurchase_days * DAY
    groups: list[GroupStats] = []
    days: list[DayStats] = []
    checks = Checks()
    for index, spec in enumerate(query.campaigns):
        lo, hi = epoch_seconds(spec.start), min(epoch_seconds(spec.end), query.now_s)
        rows = np.flatnonzero(log.camp == index)
        rows = rows[(log.seconds[rows] >= lo) & (log.seconds[rows] < hi)]
        if rows.size == 0:
            continue
        # Still sorted by (customer, instant): a selection keeps the order.
        c_customer, c_seconds = log.customer[rows], log.seconds[rows]
        c_paid, c_cost, c_held = log.paid[rows], log.cost[rows], log.held[rows]
        first = _runs(c_customer)
        who = c_customer[first]
        first_at = c_seconds[first]
        arm = np.logical_or.reduceat(c_held, first)
        mixed = np.logical_and.reduceat(c_held, first) != arm
        report(
            checks,
            f"holdout[campaign {spec.name!r}]",
            mixed,
            "a customer's orders are both held out and treated",
        )
        revenue = _run_sums(c_paid, first)
        discount = _run_sums(c_cost, first)
        new = first_ever[who] == first_at
        # The next order of the whole log after the first order of the campaign.
        probe = (who << _TIME_BITS) | (first_at - base)
        nxt = np.searchsorted(keys, probe, side="right")
        limit = (who << _TIME_BITS) | (first_at - base + window)
        has_next = nxt < keys.size
        again = has_next & (keys[np.minimum(nxt, keys.size - 1)] <= limit)
        eligible = first_at + window <= query.now_s
        order_arm = np.repeat(arm, np.diff(np.append(first, c_customer.size)))
        order_new = np.repeat(new, np.diff(np.append(first, c_customer.size)))
        for is_held in (False, True):
            for segment in _SEGMENTS:
                pick = (arm == is_held) & (new == (segment == "new"))
                if not pick.any():
                    continue
                o = (order_arm == is_held) & (order_new == (segment == "new"))
                r, d = revenue[pick], discount[pick]
                groups.append(
                    GroupStats(
                        campaign=spec.name,
                        holdout=is_held,
                        segment=segment,
                        orders=int(o.sum()),
                        revenue=exact_sum(c_paid[o]),
                        revenue_sq=exact_sum_of_squares(c_paid[o]),
                        discount=exact_sum(c_cost[o]),
                        redeemed=int((c_cost[o] > 0).sum()),
                        customers=int(pick.sum()),
                        customer_revenue_sq=exact_sum_of_squares(r),
                        customer_discount_sq=exact_sum_of_squares(d),
                        customer_revenue_discount=_exact_dot(r, d),
                        repurchase_eligible=int((eligible & pick).sum()),
                        repurchased=int((eligible & pick & again).sum()),
                    )
                )
        day = (c_seconds - epoch_seconds(spec.start)) // DAY
        for is_held in (False, True):
            sel = order_arm == is_held
            if not sel.any():
                continue
            d_day = day[sel]
            sort = np.argsort(d_day, kind="stable")
            d_day = d_day[sort]
            run = _runs(d_day)
            o_paid, o_cost = c_paid[sel][sort], c_cost[sel][sort]
            counts = np.diff(np.append(run, d_day.size))
            paid_sums = _run_sums(o_paid, run)
            cost_sums = _run_sums(o_cost, run)
            used = _run_sums((o_cost > 0).astype(np.int64), run)
            for i, start in enumerate(run.tolist()):
                days.append(
                    DayStats(
                        campaign=spec.name,
                        holdout=is_held,
                        day=int(d_day[start]),
                        orders=int(counts[i]),
                        revenue=int(paid_sums[i]),
                        discount=int(cost_sums[i]),
                        redeemed=int(used[i]),
                    )
                )
    checks.raise_if_any()
    return tuple(sorted(groups)), tuple(sorted(days))


def _exact_dot(a: IntArray, b: IntArray) -> int:
    """Exact sum of ``a * b`` for minor units (polarisation: ab = ((a+b)² − a² − b²) / 2)."""
    both = a + b
    return (exact_sum_of_squares(both) - exact_sum_of_squares(a) - exact_sum_of_squares(b)) // 2


def _cohorts(log: _Log, query: ReviewQuery) -> tuple[CohortCell, ...]:
    if log.customer.size == 0:
        return ()
    who = log.customer
    # The calendar is computed once per day the log spans, then looked up per order.
    day = (log.seconds + query.offset_s) // DAY
    first_day = int(day.min())
    days = np.arange(first_day, int(day.max()) + 1, dtype=np.int64)
    period = period_of(days * DAY - query.offset_s, query, np.where)[day - first_day]
    # Runs of (customer, period): the log is sorted by customer and instant, so by period too.
    change = np.ones(who.size, dtype=bool)
    change[1:] = (who[1:] != who[:-1]) | (period[1:] != period[:-1])
    start = np.flatnonzero(change)
    run_who = who[start]
    run_period = period[start]
    run_paid = _run_sums(log.paid, start)
    first = _runs(run_who)
    cohort = np.repeat(run_period[first], np.diff(np.append(first, run_who.size)))
    offset = run_period - cohort
    same_next = np.zeros(run_who.size, dtype=bool)
    same_next[:-1] = (run_who[1:] == run_who[:-1]) & (run_period[1:] == run_period[:-1] + 1)
    width = int(offset.max()) + 1
    base = int(cohort.min())
    cell = (cohort - base) * width + offset
    size = int(cell.max()) + 1
    counts = np.bincount(cell, minlength=size)
    retained = np.bincount(cell[same_next], minlength=size)
    revenue, squares = _cell_sums(cell, run_paid, size)
    return tuple(
        CohortCell(
            cohort=base + c // width,
            offset=c % width,
            customers=int(counts[c]),
            revenue=revenue[c],
            revenue_sq=squares[c],
            retained=int(retained[c]),
        )
        for c in np.flatnonzero(counts).tolist()
    )


def _cell_sums(cell: IntArray, paid: IntArray, size: int) -> tuple[list[int], list[int]]:
    """Exact sums and sums of squares of ``paid`` per cell."""
    peak = int(paid.max()) if paid.size else 0
    if peak * peak * paid.size < 2**63:
        total = np.zeros(size, dtype=np.int64)
        square = np.zeros(size, dtype=np.int64)
        np.add.at(total, cell, paid)
        np.add.at(square, cell, paid * paid)
        return [int(v) for v in total.tolist()], [int(v) for v in square.tolist()]
    by = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[by], np.arange(size + 1))
    ordered = paid[by]
    sums = [exact_sum(ordered[bounds[c] : bounds[c + 1]]) for c in range(size)]
    squares = [exact_sum_of_squares(ordered[bounds[c] : bounds[c + 1]]) for c in range(size)]
    return sums, squares


def _funnels(
    users: object, events: object, campaigns: object, query: ReviewQuery
) -> tuple[FunnelCounts, ...]:
    if users is None and events is None:
        return ()
    checks = Checks()
    checks.check(events is not None, "events", "needs event_users and events together")
    checks.check(users is not None, "event_users", "needs event_users and events together")
    checks.check(campaigns is not None, "event_campaigns", "names the campaign of each event")
    checks.raise_if_any()
    funnel = funnel_from_events(
        users, events, segments=campaigns, stages=query.stages, ignore_unknown=True
    )
    wanted = {c.name for c in query.campaigns}
    return tuple(
        sorted(
            FunnelCounts(campaign=str(f.segment), counts=f.counts)
            for f in funnel.segments
            if f.segment in wanted
        )
    )
