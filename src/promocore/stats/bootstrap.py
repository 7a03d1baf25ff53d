"""Seeded, reproducible bootstrap intervals from raw samples.

The bootstrap makes no assumption about the shape of the metric, which suits
heavy-tailed revenue. The same ``seed`` and data always give the same result.
"""

from __future__ import annotations

import numpy as np

from promocore._arrays import FloatArray, Inputs, quiet
from promocore.stats._notes import Notes
from promocore.stats._samples import samples
from promocore.stats.results import ComparisonResult

#: Resampled values drawn per batch; bounds memory use for large arms.
_BATCH_VALUES = 4_000_000
STATISTICS = ("mean", "median")
#: Most resamples one call draws (the work grows with resamples times users).
MAX_RESAMPLES = 1_000_000


@quiet
def bootstrap_difference(
    a: object,
    b: object,
    *,
    statistic: str = "mean",
    relative: bool = False,
    n_resamples: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> ComparisonResult:
    """Percentile bootstrap interval for B − A (or the relative lift B / A − 1).

    Each arm is resampled with replacement on its own (the arms are
    independent). The p-value is the percentile-bootstrap one: twice the
    smaller share of resampled estimates on either side of 0 (one side for a
    one-sided alternative), counting the observed estimate as one resample so
    it is never 0.

    Args:
        a: Raw values of the control arm (at least 2).
        b: Raw values of the treatment arm (at least 2).
        statistic: ``"mean"`` or ``"median"`` of each arm.
        relative: Compare ``stat_b / stat_a − 1`` instead of ``stat_b − stat_a``.
        n_resamples: Number of bootstrap resamples (from 100 to ``MAX_RESAMPLES``).
        seed: Seed of the random generator (a whole number >= 0); fixes the result.
        alpha: Significance level; the interval has level ``1 − alpha``.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        A [`ComparisonResult`][promocore.stats.ComparisonResult] with estimand
        ``"difference"`` or ``"relative lift"`` and method ``"bootstrap"``;
        ``std_error`` is the standard deviation of the resampled estimates.

    Raises:
        ValidationError: bad samples or options, or ``relative`` with a control
            statistic of 0.

    Examples:
        >>> r = bootstrap_difference([1, 2, 3, 4, 5], [2, 3, 4, 5, 6], seed=1)
        >>> r.estimate
        1.0
    """
    v = Inputs()
    xa = samples(v, "a", a)
    xb = samples(v, "b", b)
    level = v.alpha(alpha)
    v.alternative(alternative)
    v.choice("statistic", statistic, STATISTICS)
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int) or n_resamples < 100:
        v.checks.add("n_resamples", f"must be a whole number >= 100 (got {n_resamples!r})")
    elif n_resamples > MAX_RESAMPLES:
        v.checks.add("n_resamples", f"must be at most {MAX_RESAMPLES:,} (got {n_resamples!r})")
    v.whole("seed", seed, low=0, high=2**63 - 1)
    v.done()
    func = np.mean if statistic == "mean" else np.median
    center_a, center_b = float(func(xa)), float(func(xb))
    if relative and center_a == 0:
        v.checks.add("a", f"the control {statistic} is 0: the relative lift is not defined")
        v.done()
    rng = np.random.default_rng(seed)
    stat_a = _resample(xa, n_resamples, statistic, rng)
    stat_b = _resample(xb, n_resamples, statistic, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = stat_b / stat_a - 1 if relative else stat_b - stat_a
    estimate = center_b / center_a - 1 if relative else center_b - center_a
    notes = Notes(True)
    bad = ~np.isfinite(draws)
    notes.add(f"{int(bad.sum())} resamples had a control {statistic} of 0 and were dropped", bad)
    draws = draws[~bad]
    if draws.size == 0:
        v.checks.add("a", f"every resample's {statistic} overflowed: the values are too large")
        v.done()
    tail = level / 2 if alternative == "two-sided" else level
    low = float(np.quantile(draws, tail)) if alternative != "less" else -np.inf
    high = float(np.quantile(draws, 1 - tail)) if alternative != "greater" else np.inf
    below = float(np.count_nonzero(draws <= 0) + 1) / (draws.size + 1)
    above = float(np.count_nonzero(draws >= 0) + 1) / (draws.size + 1)
    if alternative == "greater":
        p = below
    elif alternative == "less":
        p = above
    else:
        p = min(1.0, 2 * min(below, above))
    return ComparisonResult(
        estimand="relative lift" if relative else "difference",
        estimate=float(estimate),
        interval=(low, high),
        p_value=float(p),
        method="bootstrap",
        interval_method=f"bootstrap percentile ({statistic}, {n_resamples} resamples, seed {seed})",
        alpha=level,
        alternative=alternative,
        statistic=None,
        std_error=float(np.std(draws, ddof=1)),
        warnings=notes.result(),
    )


def _resample(
    values: FloatArray, count: int, statistic: str, rng: np.random.Generator
) -> FloatArray:
    out = np.empty(count)
    batch = max(1, _BATCH_VALUES // values.size)
    for start in range(0, count, batch):
        stop = min(count, start + batch)
        picks = values[rng.integers(0, values.size, size=(stop - start, values.size))]
        out[start:stop] = picks.mean(axis=1) if statistic == "mean" else np.median(picks, axis=1)
    return out
