"""Timings of promocore.analytics on a million customers, events and coupons.

Run from the repository root:

    .venv/bin/python benchmarks/bench_analytics.py [--n 1000000] [--repeat 5]

Prints the machine, then one Markdown table row per case with the best and the
median wall time of ``--repeat`` runs (inputs are built once, outside the timing).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np

from promocore.analytics import (
    RfmScheme,
    TierLadder,
    assign_tiers,
    budget_burn,
    campaign_roi,
    coupon_metrics,
    funnel_from_events,
    referral_generations,
    rfm_scores,
)

LADDER = TierLadder(("bronze", "silver", "gold", "diamond"), (7, 10, 13), hysteresis=1)
FIXED = RfmScheme(
    recency_edges=(7, 30, 90, 180),
    frequency_edges=(2, 3, 5, 10),
    monetary_edges=(10_000, 50_000, 200_000, 1_000_000),
)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, repeat = args.n, args.repeat
    rng = np.random.default_rng(2026)

    recency = rng.exponential(60.0, n)
    frequency = rng.geometric(0.35, n)
    monetary = rng.lognormal(10.0, 1.2, n).astype(np.int64)
    scores = rfm_scores(recency, frequency, monetary)
    previous = assign_tiers(scores.score, LADDER)
    previous_names = np.array(previous.tiers())
    drift = scores.score + rng.normal(0.0, 1.5, n)

    users = rng.integers(0, n // 3, n)
    stages = rng.choice(5, n, p=[0.55, 0.2, 0.12, 0.08, 0.05])
    segments = np.array(["new", "returning", "vip"])[users % 3]

    t0 = np.datetime64("2026-11-01T00:00", "us")
    claimed_at = t0 + rng.integers(0, 7 * 86_400_000_000, n).astype("timedelta64[us]")
    claimed_at[rng.random(n) < 0.4] = np.datetime64("NaT")
    redeemed_at = claimed_at + rng.integers(0, 3 * 86_400_000_000, n).astype("timedelta64[us]")
    redeemed_at[rng.random(n) < 0.5] = np.datetime64("NaT")

    parents = np.where(
        np.arange(n) < 1_000, -1, (rng.random(n) * np.maximum(np.arange(n), 1)).astype(np.int64)
    )
    invitations = rng.integers(0, 8, n) + np.bincount(parents[parents >= 0], minlength=n)

    amounts = rng.integers(1_000, 100_000, n)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    spend_at = np.datetime64("2026-11-01T00:00", "us") + np.sort(
        rng.integers(0, 6 * 86_400_000_000, n)
    ).astype("timedelta64[us]")

    def score_and_tier() -> None:
        s = rfm_scores(recency, frequency, monetary)
        assign_tiers(s.score, LADDER, current=previous_names)

    cases: list[tuple[str, Callable[[], object]]] = [
        ("RFM scores + tiers with hysteresis (from tier names): the headline", score_and_tier),
        ("rfm_scores, quantile scoring", lambda: rfm_scores(recency, frequency, monetary)),
        (
            "rfm_scores, fixed thresholds",
            lambda: rfm_scores(recency, frequency, monetary, scheme=FIXED),
        ),
        ("assign_tiers, first review", lambda: assign_tiers(scores.score, LADDER)),
        (
            "assign_tiers, hysteresis from a TierAssignment",
            lambda: assign_tiers(drift, LADDER, current=previous),
        ),
        (
            "assign_tiers, hysteresis from tier names",
            lambda: assign_tiers(drift, LADDER, current=previous_names),
        ),
        ("TierAssignment.tiers() as plain str", previous.tiers),
        (
            "funnel_from_events, 3 segments",
            lambda: funnel_from_events(users, stages, segments=segments),
        ),
        (
            "coupon_metrics, 3 segments",
            lambda: coupon_metrics(claimed_at, redeemed_at, segments=segments),
        ),
        (
            "referral_generations",
            lambda: referral_generations(
                np.arange(n), parents, invitations=invitations, no_inviter=-1
            ),
        ),
        (
            "campaign_roi over order arrays",
            lambda: campaign_roi(amounts, discount_cost=amounts // 10, currency="CNY"),
        ),
        (
            "budget_burn, timed spends, 2-day window",
            lambda: budget_burn(
                10**12,
                amounts,
                spend_at=spend_at,
                window=timedelta(days=2),
                start=start,
                now=start + timedelta(days=6),
                currency="CNY",
            ),
        ),
    ]

    print(f"nproc: {os.cpu_count()}")
    print(f"CPU: {cpu_model()}")
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.platform()}")
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    print(f"command: {sys.executable} {' '.join(sys.argv)}")
    print(f"n = {n:,} rows per case, best and median of {repeat} runs\n")
    print("| case | best (s) | median (s) |")
    print("| --- | ---: | ---: |")
    for name, fn in cases:
        best, median = timed(fn, repeat)
        print(f"| {name} | {best:.3f} | {median:.3f} |", flush=True)


if __name__ == "__main__":
    main()
