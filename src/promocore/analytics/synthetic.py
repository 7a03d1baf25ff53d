"""A synthetic shop: order and event logs of any size for a multi-campaign review.

[`synthetic_shop`][promocore.analytics.synthetic.synthetic_shop] simulates customers who
join over time and order at their own pace, and three campaigns (Double 11 2025, 618
2026 and Double 11 2026, at UTC+8) that hold out 10 % of their audience, give the rest
a ¥30 discount on orders of ¥200 or more, and bring extra orders. The review's sample
data (``promocore/analytics/sample_data/``) was made by it, and the warehouse
benchmark uses it to write ten million orders to Parquet.

The simulation is vectorised numpy and seeded: the same arguments give the same log
on the same numpy version.

Examples:
    >>> shop = synthetic_shop(customers=200, seed=3)
    >>> sorted(shop.orders)
    ['amount', 'at', 'campaign', 'customer_id', 'discount', 'holdout']
    >>> int(shop.orders["amount"].min()) > 0
    True
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

__all__ = ["SAMPLE_CAMPAIGNS", "SyntheticShop", "synthetic_shop", "write_csv"]

CST = timezone(timedelta(hours=8))
#: The campaigns of the synthetic shop: name, start, end (UTC+8).
SAMPLE_CAMPAIGNS: tuple[tuple[str, datetime, datetime], ...] = (
    ("d11-2025", datetime(2025, 11, 1, tzinfo=CST), datetime(2025, 11, 12, tzinfo=CST)),
    ("618-2026", datetime(2026, 6, 1, tzinfo=CST), datetime(2026, 6, 19, tzinfo=CST)),
    ("d11-2026", datetime(2026, 11, 1, tzinfo=CST), datetime(2026, 11, 12, tzinfo=CST)),
)
#: When the synthetic log begins, and the moment of its review (mid Double 11 2026).
HISTORY_START = datetime(2025, 7, 1, tzinfo=CST)
REVIEW_AT = datetime(2026, 11, 8, tzinfo=CST)
#: Share of each campaign's audience held out.
HOLDOUT_SHARE = 0.10
#: Funnel stages of the synthetic event log.
STAGES = ("exposure", "click", "claim", "order", "paid")

_S = 1_000_000  # microseconds per second


def _us(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1))


@attrs.frozen(kw_only=True)
class SyntheticShop:
    """A simulated order log and event log.

    Attributes:
        orders: Columns ``customer_id`` (int64), ``at`` (``datetime64[us]``, UTC),
            ``amount`` and ``discount`` (int64 fen), ``campaign`` (str, "" for none)
            and ``holdout`` (bool).
        events: Columns ``user_id`` (int64), ``event`` (str) and ``campaign`` (str).
        audiences: Per campaign, the customers treated and held out.
        now: The moment of the review.
    """

    orders: dict[str, npt.NDArray[Any]]
    events: dict[str, npt.NDArray[Any]]
    audiences: dict[str, dict[str, int]]
    now: datetime


def synthetic_shop(
    *, customers: int = 1000, orders_per_customer: float = 4.0, seed: int = 0
) -> SyntheticShop:
    """Simulate a shop's order and event log over 16 months with three campaigns.

    Args:
        customers: How many customers ever order (>= 1).
        orders_per_customer: Mean orders per customer outside campaigns (about;
            campaigns add more).
        seed: Seed of the random generator.

    Returns:
        The logs; orders are sorted by time.
    """
    rng = np.random.default_rng(seed)
    t0, t_now = _us(HISTORY_START), _us(REVIEW_AT)
    span = t_now - t0
    joined = t0 + (rng.random(customers) ** 1.3 * span).astype(np.int64)
    # Campaigns bring new customers: a fifth of them join during one.
    windows = [(_us(a), min(_us(b), t_now)) for _, a, b in SAMPLE_CAMPAIGNS if _us(a) < t_now]
    pick = rng.integers(0, len(windows), customers)
    during = rng.random(customers) < 0.2
    lo_w = np.array([w[0] for w in windows])[pick]
    hi_w = np.array([w[1] for w in windows])[pick]
    joined = np.where(
        during, lo_w + (rng.random(customers) * (hi_w - lo_w)).astype(np.int64), joined
    )
    # Everyone orders when they join; the gap to each next order is exponential, and
    # each customer has their own pace (a gamma mixture gives loyal and one-off buyers).
    pace = rng.gamma(0.8, 1.0, customers) * orders_per_customer / (span / 2)
    per_customer = 1 + rng.poisson(np.maximum(pace * (t_now - joined), 0))
    owner = np.repeat(np.arange(customers, dtype=np.int64), per_customer)
    # Customers order most soon after they join, then less and less.
    offsets = rng.random(owner.size) ** 2.2
    first = np.concatenate(([0], np.cumsum(per_customer)[:-1]))
    offsets[first] = 0.0
    at = joined[owner] + (offsets * (t_now - joined[owner])).astype(np.int64)
    amount = _amounts(rng, owner.size)
    campaign = np.full(owner.size, "", dtype=object)
    holdout = np.zeros(owner.size, dtype=bool)
    discount = np.zeros(owner.size, dtype=np.int64)
    audiences: dict[str, dict[str, int]] = {}
    extra_owner: list[npt.NDArray[np.int64]] = []
    extra_at: list[npt.NDArray[np.int64]] = []
    extra_campaign: list[npt.NDArray[Any]] = []
    for index, (name, start, end) in enumerate(SAMPLE_CAMPAIGNS):
        lo, hi = _us(start), min(_us(end), t_now)
        if hi <= lo:
            continue
        member = joined < hi
        held = rng.random(customers) < HOLDOUT_SHARE
        audiences[name] = {
            "treated": int((member & ~held).sum()),
            "holdout": int((member & held).sum()),
        }
        in_window = (at >= lo) & (at < hi) & member[owner]
        campaign[in_window] = name
        holdout[in_window] = held[owner[in_window]]
        # The campaign brings treated customers extra orders in its window.
        lift = 0.35 + 0.1 * index
        extra = np.flatnonzero(member & ~held & (rng.random(customers) < lift))
        extra_owner.append(extra)
        extra_at.append(rng.integers(np.maximum(lo, joined[extra]), hi))
        extra_campaign.append(np.full(extra.size, name, dtype=object))
    if extra_owner:
        owner = np.concatenate([owner, *extra_owner])
        at = np.concatenate([at, *extra_at])
        amount = np.concatenate([amount, _amounts(rng, sum(e.size for e in extra_owner))])
        campaign = np.concatenate([campaign, *extra_campaign])
        holdout = np.concatenate([holdout, np.zeros(owner.size - holdout.size, dtype=bool)])
        discount = np.concatenate([discount, np.zeros(owner.size - discount.size, np.int64)])
    treated = (campaign != "") & ~holdout
    discount[treated & (amount >= 20_000)] = 3_000
    order = np.argsort(at, kind="stable")
    orders = {
        "customer_id": owner[order],
        "at": (at[order] // _S * _S).astype("datetime64[us]"),
        "amount": amount[order],
        "discount": discount[order],
        "campaign": campaign[order].astype(str),
        "holdout": holdout[order],
    }
    events = _events(rng, orders, audiences)
    return SyntheticShop(orders=orders, events=events, audiences=audiences, now=REVIEW_AT)


def _amounts(rng: np.random.Generator, n: int) -> npt.NDArray[np.int64]:
    yuan = np.exp(rng.normal(np.log(150.0), 0.55, n))
    return (np.maximum(np.round(yuan), 9) * 100).astype(np.int64)


def _events(
    rng: np.random.Generator,
    orders: dict[str, npt.NDArray[Any]],
    audiences: dict[str, dict[str, int]],
) -> dict[str, npt.NDArray[Any]]:
    """Funnel events: buyers passed every stage; others were exposed and dropped off."""
    users: list[npt.NDArray[Any]] = []
    stages: list[npt.NDArray[Any]] = []
    names: list[npt.NDArray[Any]] = []
    for name in audiences:
        sel = (orders["campaign"] == name) & ~orders["holdout"]
        buyers = np.unique(orders["customer_id"][sel])
        paid = buyers[rng.random(buyers.size) < 0.93]
        # Visitors who never bought get ids no customer has.
        base = 10**9 * (1 + len(users))
        browsers = np.arange(base, base + 2 * buyers.size, dtype=np.int64)
        depth = rng.choice(3, size=browsers.size, p=[0.5, 0.3, 0.2])
        for stage_index, stage in enumerate(STAGES):
            if stage_index < 3:
                people = np.concatenate([buyers, browsers[depth >= stage_index]])
            elif stage == "order":
                people = buyers
            else:
                people = paid
            users.append(people)
            stages.append(np.full(people.size, stage, dtype=object))
            names.append(np.full(people.size, name, dtype=object))
    return {
        "user_id": np.concatenate(users) if users else np.zeros(0, np.int64),
        "event": np.concatenate(stages).astype(str) if stages else np.zeros(0, str),
        "campaign": np.concatenate(names).astype(str) if names else np.zeros(0, str),
    }


def write_csv(shop: SyntheticShop, directory: str | Path) -> tuple[Path, Path]:
    """Write the shop's logs as ``review_orders.csv`` and ``review_events.csv`` (at UTC+8).

    Customer ids are written as ``c00042``, visitors who never bought as ``v1000000042``.

    Returns:
        The paths of the two files.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    orders, events = folder / "review_orders.csv", folder / "review_events.csv"
    o = shop.orders
    with orders.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["customer_id", "at", "amount", "discount", "campaign", "holdout"])
        for who, at, amount, discount, campaign, held in zip(
            o["customer_id"].tolist(),
            o["at"].astype("datetime64[s]").tolist(),
            o["amount"].tolist(),
            o["discount"].tolist(),
            o["campaign"].tolist(),
            o["holdout"].tolist(),
            strict=True,
        ):
            moment = at.replace(tzinfo=UTC).astimezone(CST).isoformat()
            writer.writerow(
                [_id(who), moment, amount, discount, campaign, "true" if held else "false"]
            )
    e = shop.events
    with events.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["user_id", "event", "campaign"])
        for who, event, campaign in zip(
            e["user_id"].tolist(), e["event"].tolist(), e["campaign"].tolist(), strict=True
        ):
            writer.writerow([_id(who), event, campaign])
    return orders, events


def _id(number: int) -> str:
    return f"v{number}" if number >= 10**9 else f"c{number:05d}"
