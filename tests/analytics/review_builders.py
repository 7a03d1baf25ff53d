"""Shared builders of the campaign review tests: order logs, a brute-force reference reducer,
the packaged sample as columns, and loading a log into an ibis backend."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from hypothesis import strategies as st

from promocore.analytics.order_stats import (
    DAY,
    CampaignWindow,
    CohortCell,
    DayStats,
    FunnelCounts,
    GroupStats,
    ReviewQuery,
    ReviewStats,
    epoch_seconds,
)

CST = timezone(timedelta(hours=8))
T0 = datetime(2025, 12, 1, tzinfo=CST)
QUERY = ReviewQuery(
    campaigns=(
        CampaignWindow("x", datetime(2026, 1, 1, tzinfo=CST), datetime(2026, 1, 20, tzinfo=CST)),
        CampaignWindow("y", datetime(2026, 2, 1, tzinfo=CST), datetime(2026, 2, 10, tzinfo=CST)),
    ),
    now=datetime(2026, 2, 25, tzinfo=CST),
    repurchase_days=7,
    period="month",
    utc_offset=timedelta(hours=8),
    stages=("exposure", "click", "paid"),
)


@attrs.frozen
class Order:
    customer: str
    at: datetime
    amount: int
    discount: int
    campaign: str
    holdout: bool


@st.composite
def order_logs(draw: st.DrawFn, max_size: int = 40) -> list[Order]:
    """Small order logs around QUERY's campaigns; a customer's arm is fixed per campaign."""
    customers = ["a", "b", "c", "d", "e", "f"]
    held = {(c, k): draw(st.booleans()) for c in customers for k in ("x", "y")}
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(customers),
                st.integers(0, 100 * DAY),
                st.integers(0, 60_000),
                st.sampled_from([0, 0, 1_000, 3_000]),
                st.sampled_from(["", "x", "y"]),
            ),
            max_size=max_size,
        )
    )
    return [
        Order(
            customer=c,
            at=T0 + timedelta(seconds=s),
            amount=a,
            discount=d if k else 0,
            campaign=k,
            holdout=held[(c, k)] if k else False,
        )
        for c, s, a, d, k in rows
    ]


def columns(orders: list[Order]) -> dict[str, Any]:
    """The reduce_orders keyword arguments of a log."""
    return {
        "customer_ids": np.array([o.customer for o in orders], dtype=object),
        "at": np.array([o.at for o in orders], dtype=object),
        "amounts": np.array([o.amount for o in orders], dtype=np.int64),
        "discounts": np.array([o.discount for o in orders], dtype=np.int64),
        "campaigns": np.array([o.campaign for o in orders], dtype=object),
        "holdout": np.array([o.holdout for o in orders], dtype=bool),
    }


def _period(seconds: int, query: ReviewQuery) -> int:
    local = datetime.fromtimestamp(seconds, UTC) + query.utc_offset
    if query.period == "month":
        return local.year * 12 + local.month - 1
    return (local.date() - date(1970, 1, 5)).days // 7


def reference(orders: list[Order], query: ReviewQuery) -> ReviewStats:
    """The review's definitions, written as plainly as possible."""
    now = query.now_s
    log = [(o, epoch_seconds(o.at)) for o in orders if epoch_seconds(o.at) < now]
    first_ever: dict[str, int] = {}
    for o, t in log:
        first_ever[o.customer] = min(t, first_ever.get(o.customer, t))
    window = query.repurchase_days * DAY
    groups: dict[tuple[str, bool, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days: dict[tuple[str, bool, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for spec in query.campaigns:
        lo, hi = epoch_seconds(spec.start), min(epoch_seconds(spec.end), now)
        mine = [(o, t) for o, t in log if o.campaign == spec.name and lo <= t < hi]
        by_customer: dict[str, list[tuple[Order, int]]] = defaultdict(list)
        for o, t in mine:
            by_customer[o.customer].append((o, t))
        for customer, rows in by_customer.items():
            first = min(t for _, t in rows)
            held = any(o.holdout for o, _ in rows)
            segment = "new" if first_ever[customer] == first else "returning"
            g = groups[(spec.name, held, segment)]
            revenue = sum(o.amount for o, _ in rows)
            discount = sum(o.discount for o, _ in rows)
            g["orders"] += len(rows)
            g["revenue"] += revenue
            g["revenue_sq"] += sum(o.amount**2 for o, _ in rows)
            g["discount"] += discount
            g["redeemed"] += sum(o.discount > 0 for o, _ in rows)
            g["customers"] += 1
            g["customer_revenue_sq"] += revenue**2
            g["customer_discount_sq"] += discount**2
            g["customer_revenue_discount"] += revenue * discount
            eligible = first + window <= now
            again = any(o.customer == customer and first < t <= first + window for o, t in log)
            g["repurchase_eligible"] += eligible
            g["repurchased"] += eligible and again
            for o, t in rows:
                d = days[(spec.name, held, (t - epoch_seconds(spec.start)) // DAY)]
                d["orders"] += 1
                d["revenue"] += o.amount
                d["discount"] += o.discount
                d["redeemed"] += o.discount > 0
    active: dict[tuple[str, int], int] = defaultdict(int)
    for o, t in log:
        active[(o.customer, _period(t, query))] += o.amount
    cohort = {c: _period(t, query) for c, t in first_ever.items()}
    cells: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (customer, period), paid in active.items():
        cell = cells[(cohort[customer], period - cohort[customer])]
        cell["customers"] += 1
        cell["revenue"] += paid
        cell["revenue_sq"] += paid * paid
        cell["retained"] += (customer, period + 1) in active
    return ReviewStats(
        query=query,
        groups=tuple(
            sorted(
                GroupStats(campaign=k[0], holdout=k[1], segment=k[2], **v)
                for k, v in groups.items()
            )
        ),
        days=tuple(
            sorted(DayStats(campaign=k[0], holdout=k[1], day=k[2], **v) for k, v in days.items())
        ),
        cohorts=tuple(sorted(CohortCell(cohort=k[0], offset=k[1], **v) for k, v in cells.items())),
    )


def reference_funnels(
    events: list[tuple[str, str, str]], query: ReviewQuery
) -> tuple[FunnelCounts, ...]:
    """Users per stage who reached every earlier stage, per campaign."""
    names = {c.name for c in query.campaigns}
    reached: dict[tuple[str, str], set[str]] = defaultdict(set)
    for user, event, campaign in events:
        if campaign in names and event in query.stages:
            reached[(campaign, user)].add(event)
    counts: dict[str, list[int]] = {}
    for (campaign, _), stages in reached.items():
        row = counts.setdefault(campaign, [0] * len(query.stages))
        for i, stage in enumerate(query.stages):
            if stage not in stages:
                break
            row[i] += 1
    return tuple(sorted(FunnelCounts(campaign=c, counts=tuple(v)) for c, v in counts.items()))


def arrow_orders(orders: list[Order]) -> Any:
    """The log as a pyarrow table with the warehouse's column names and types."""
    import pyarrow as pa

    return pa.table(
        {
            "customer_id": pa.array([o.customer for o in orders], pa.string()),
            "at": pa.array([o.at for o in orders], pa.timestamp("us", tz="UTC")),
            "amount": pa.array([o.amount for o in orders], pa.int64()),
            "discount": pa.array([o.discount for o in orders], pa.int64()),
            "campaign": pa.array([o.campaign or None for o in orders], pa.string()),
            "holdout": pa.array([o.holdout for o in orders], pa.bool_()),
        }
    )


def sample_path(name: str) -> Path:
    return Path(str(resources.files("promocore.analytics").joinpath("sample_data", name)))


def sample_orders() -> list[Order]:
    """The packaged review sample, parsed with the csv module (no database involved)."""
    with sample_path("review_orders.csv").open(encoding="utf-8") as f:
        return [
            Order(
                customer=r["customer_id"],
                at=datetime.fromisoformat(r["at"]),
                amount=int(r["amount"]),
                discount=int(r["discount"]),
                campaign=r["campaign"],
                holdout=r["holdout"] == "true",
            )
            for r in csv.DictReader(f)
        ]


def sample_events() -> list[tuple[str, str, str]]:
    with sample_path("review_events.csv").open(encoding="utf-8") as f:
        return [(r["user_id"], r["event"], r["campaign"]) for r in csv.DictReader(f)]


def event_columns(events: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "event_users": [e[0] for e in events],
        "events": [e[1] for e in events],
        "event_campaigns": [e[2] for e in events],
    }
