"""Timings of experiment assignment (10 million ids) and Bayesian read-outs (10,000 experiments).

Run from the repository root:

    .venv/bin/python benchmarks/bench_experiments.py [--ids 10000000] [--experiments 10000]

Assignment: ``assign_many`` on integer ids (the usual customer key) for a two-arm experiment
with a traffic share, then with a holdout and a layer slot as well (three hashes per id),
and on text ids already held as a numpy bytes array. Bayesian: ``bayes_proportions`` (exact
and approximate Beta-binomial, Gaussian model) and ``bayes_means`` on 10,000 two-arm
experiments in one vectorised call each.

Prints the machine, then one Markdown table row per case with the best and the median wall
time (inputs are built once, outside the timing; one warm-up run) and the goal verdicts.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Callable

import numpy as np
import scipy
from _common import cpu_model, timed

from promocore.experiments import Arm, Experiment, Holdout, LayerSlot, assign_many
from promocore.stats import bayes_means, bayes_proportions

#: Goals: ids per second for vectorised assignment, milliseconds for 10,000 experiments.
ASSIGN_GOAL = 10_000_000
BAYES_GOAL_MS = 20.0


def conversion_experiments(count: int, seed: int = 20261201) -> tuple[np.ndarray, ...]:
    """5k-50k users per arm, base rates 2-20 %, true lifts around 0 (as bench_stats.py)."""
    rng = np.random.default_rng(seed)
    n_a = rng.integers(5_000, 50_000, count)
    n_b = rng.integers(5_000, 50_000, count)
    rate = rng.uniform(0.02, 0.2, count)
    lift = rng.normal(0.0, 0.05, count)
    x_a = rng.binomial(n_a, rate)
    x_b = rng.binomial(n_b, np.clip(rate * (1 + lift), 0.001, 0.999))
    return n_a, x_a, n_b, x_b


def mean_experiments(count: int, seed: int = 20261202) -> tuple[np.ndarray, ...]:
    """Revenue-like sufficient statistics: mean 40-60 per user, sd 80-120."""
    rng = np.random.default_rng(seed)
    n_a = rng.integers(5_000, 50_000, count).astype(float)
    n_b = rng.integers(5_000, 50_000, count).astype(float)
    mean_a, mean_b = rng.uniform(40, 60, count), rng.uniform(40, 60, count)
    sd_a, sd_b = rng.uniform(80, 120, count), rng.uniform(80, 120, count)
    sum_a, sum_b = n_a * mean_a, n_b * mean_b
    sumsq_a = (n_a - 1) * sd_a**2 + sum_a**2 / n_a
    sumsq_b = (n_b - 1) * sd_b**2 + sum_b**2 / n_b
    return n_a, sum_a, sumsq_a, n_b, sum_b, sumsq_b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=10_000_000)
    parser.add_argument("--experiments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the assignment cases")
    parser.add_argument("--bayes-repeat", type=int, default=30)
    options = parser.parse_args()
    ids = np.arange(options.ids, dtype=np.int64)
    texts = np.char.encode(
        np.char.add("customer-", np.arange(options.ids // 10).astype("U")), "utf-8"
    )
    arms = [Arm("control"), Arm("treatment")]
    plain = Experiment(id="manjian-d11", arms=arms, traffic="0.5")
    full = Experiment(
        id="manjian-d11",
        arms=arms,
        traffic="0.5",
        holdout=Holdout(id="global", share="0.1"),
        layer=LayerSlot("checkout", "0", "0.5"),
    )
    conversions = conversion_experiments(options.experiments)
    means = mean_experiments(options.experiments)
    count = options.experiments

    cases: list[tuple[str, Callable[[], object], int, int]] = [
        (
            "assign_many, integer ids, traffic 50%",
            lambda: assign_many(plain, ids),
            options.repeat,
            ids.size,
        ),
        (
            "assign_many, integer ids, traffic + holdout + layer (3 hashes)",
            lambda: assign_many(full, ids),
            options.repeat,
            ids.size,
        ),
        (
            f"assign_many, text ids ({texts.dtype} bytes array)",
            lambda: assign_many(plain, texts),
            options.repeat,
            texts.size,
        ),
        (
            "bayes_proportions, beta-binomial, exact",
            lambda: bayes_proportions(*conversions),
            options.bayes_repeat,
            0,
        ),
        (
            "bayes_proportions, beta-binomial, approximate (gbstats 0.5 method)",
            lambda: bayes_proportions(*conversions, method="approximate"),
            options.bayes_repeat,
            0,
        ),
        (
            "bayes_proportions, gaussian (gbstats 0.8 model)",
            lambda: bayes_proportions(*conversions, model="gaussian"),
            options.bayes_repeat,
            0,
        ),
        ("bayes_means, flat prior", lambda: bayes_means(*means), options.bayes_repeat, 0),
    ]
    print(
        f"# promocore.experiments / Bayesian benchmark: {options.ids:,} ids, {count:,} experiments"
    )
    print(
        f"# nproc={os.cpu_count()}; CPU: {cpu_model()}; Python {platform.python_version()}; "
        f"numpy {np.__version__}; scipy {scipy.__version__}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("| case | repeats | best (ms) | median (ms) | ids/s (best) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    results: dict[str, tuple[float, float]] = {}
    for name, fn, repeat, size in cases:
        best, median = timed(fn, repeat)
        results[name] = (best, median)
        rate = f"{size / best / 1e6:,.1f} M" if size else ""
        print(f"| {name} | {repeat} | {best * 1e3:.2f} | {median * 1e3:.2f} | {rate} |")
        sys.stdout.flush()
    best, median = results[cases[0][0]]
    verdict = "meets" if ids.size / median >= ASSIGN_GOAL else "misses"
    print(
        f"# assignment: {ids.size / best / 1e6:.1f} M ids/s best, {ids.size / median / 1e6:.1f} M "
        f"median ({verdict} the {ASSIGN_GOAL / 1e6:g} M ids/s goal)"
    )
    for name in (cases[3][0], cases[4][0], cases[6][0]):
        best, median = results[name]
        verdict = "meets" if median * 1e3 < BAYES_GOAL_MS else "misses"
        print(f"# {name}: median {median * 1e3:.1f} ms ({verdict} the {BAYES_GOAL_MS:g} ms goal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
