"""Timings of promocore.stats on 10,000 two-arm conversion experiments.

Run from the repository root:

    .venv/bin/python benchmarks/bench_stats.py [--experiments 10000] [--repeat 30]

The headline case analyses every experiment in one vectorised call: Welch p-value,
absolute interval (Newcombe), relative-lift interval (delta-log) and mSPRT
always-valid p-value. Beside it, statsmodels' ``proportions_ztest`` runs in a
Python loop over the same data, and the two pooled z p-values are compared.

Prints the machine, then one Markdown table row per case with the best and the
median wall time (inputs are built once, outside the timing; one warm-up run).
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
from scipy.stats import ttest_ind_from_stats
from statsmodels.stats.proportion import proportions_ztest

from promocore.stats import (
    analyze_conversions,
    choose_tau,
    compare_proportions,
    lift_proportions,
    msprt_proportions,
)

#: The goal for the headline case, in milliseconds.
GOAL_MS = 20.0


def experiments(count: int, seed: int = 20261125) -> tuple[np.ndarray, ...]:
    """Per-experiment counts: 5k-50k users per arm, base rates 2-20 %, true lifts around 0."""
    rng = np.random.default_rng(seed)
    n_a = rng.integers(5_000, 50_000, count)
    n_b = rng.integers(5_000, 50_000, count)
    rate = rng.uniform(0.02, 0.2, count)
    lift = rng.normal(0.0, 0.05, count)
    x_a = rng.binomial(n_a, rate)
    x_b = rng.binomial(n_b, np.clip(rate * (1 + lift), 0.001, 0.999))
    return n_a, x_a, n_b, x_b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--loop-repeat", type=int, default=3, help="repeats of the statsmodels loop"
    )
    options = parser.parse_args()
    data = experiments(options.experiments)
    n_a, x_a, n_b, x_b = data
    tau = choose_tau(planned_n=20_000, baseline_rate=0.1)
    count = options.experiments

    def headline() -> object:
        return analyze_conversions(n_a, x_a, n_b, x_b, test="welch", tau=tau)

    def loop() -> list[float]:
        return [
            float(proportions_ztest([int(x_b[i]), int(x_a[i])], [int(n_b[i]), int(n_a[i])])[1])
            for i in range(count)
        ]

    fast, slow = options.repeat, options.loop_repeat
    cases: list[tuple[str, Callable[[], object], int]] = [
        (
            "analyze_conversions: Welch p + Newcombe + delta-log lift + mSPRT (headline)",
            headline,
            fast,
        ),
        (
            "analyze_conversions: pooled z p + Newcombe + delta-log lift + mSPRT",
            lambda: analyze_conversions(n_a, x_a, n_b, x_b, tau=tau),
            fast,
        ),
        ("compare_proportions, pooled z + Newcombe", lambda: compare_proportions(*data), fast),
        (
            "compare_proportions, pooled z + Wald",
            lambda: compare_proportions(*data, interval="wald"),
            fast,
        ),
        (
            "compare_proportions, Welch + Newcombe",
            lambda: compare_proportions(*data, test="welch"),
            fast,
        ),
        ("lift_proportions, delta-log", lambda: lift_proportions(*data), fast),
        ("lift_proportions, Fieller", lambda: lift_proportions(*data, method="fieller"), fast),
        (
            "msprt_proportions, one look each",
            lambda: msprt_proportions(*data, tau=tau, axis=None),
            fast,
        ),
        ("statsmodels proportions_ztest in a Python loop", loop, slow),
    ]
    print(f"# promocore.stats benchmark: {count:,} two-arm experiments")
    print(
        f"# nproc={os.cpu_count()}; CPU: {cpu_model()}; Python {platform.python_version()}; "
        f"numpy {np.__version__}; scipy {scipy.__version__}; "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("| case | repeats | best (ms) | median (ms) |")
    print("| --- | ---: | ---: | ---: |")
    results: dict[str, tuple[float, float]] = {}
    for name, fn, repeat in cases:
        best, median = timed(fn, repeat)
        results[name] = (best, median)
        print(f"| {name} | {repeat} | {best * 1e3:.2f} | {median * 1e3:.2f} |")
        sys.stdout.flush()
    ours = np.asarray(compare_proportions(n_a, x_a, n_b, x_b, exact=None).p_value)
    reference = np.array(loop())
    gap = np.max(np.abs(ours - reference))
    print(f"# max |pooled z p (promocore) - p (statsmodels)| = {gap:.2e}")
    welch = np.asarray(compare_proportions(*data, test="welch", exact=None).p_value)
    p_a, p_b = x_a / n_a, x_b / n_b
    scipy_welch = ttest_ind_from_stats(
        p_b, np.sqrt(p_b * (1 - p_b)), n_b, p_a, np.sqrt(p_a * (1 - p_a)), n_a, equal_var=False
    ).pvalue
    gap = np.max(np.abs(welch / scipy_welch - 1))
    print(f"# max |Welch p (promocore) / p (scipy ttest_ind_from_stats) - 1| = {gap:.2e}")
    best, median = results[cases[0][0]]
    loop_best = results[cases[-1][0]][0]
    verdict = "meets" if median * 1e3 < GOAL_MS else "misses"
    print(
        f"# headline: best {best * 1e3:.2f} ms, median {median * 1e3:.2f} ms "
        f"({verdict} the {GOAL_MS:g} ms goal); statsmodels loop best {loop_best:.2f} s, "
        f"{loop_best / best:,.0f}x the headline's best"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
