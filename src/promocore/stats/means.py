"""Comparing the mean of a metric (revenue, items, sessions) between two arms.

[`welch_test`][promocore.stats.means.welch_test] works from sufficient statistics — per arm the
number of users, the sum and the sum of squares of the metric — so that a warehouse query can
aggregate and only three numbers per arm travel. [`summarize`][promocore.stats.means.summarize]
computes them from raw values.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from promocore._arrays import Inputs, quiet, require
from promocore.stats._dist import p_from_t, t_ppf
from promocore.stats._inputs import mean_stats
from promocore.stats._notes import ILL_CONDITIONED, ZERO_VARIANCE, Notes
from promocore.stats.results import ComparisonResult, finish


class Summary(NamedTuple):
    """Sufficient statistics of one arm: users, sum and sum of squares of the metric."""

    n: int
    sum: float
    sumsq: float


@quiet
def summarize(values: object) -> Summary:
    """Return ``(n, sum, sum of squares)`` of raw per-user values.

    Args:
        values: One number per user (a list or 1-D array of finite numbers).

    Returns:
        A [`Summary`][promocore.stats.means.Summary], which unpacks into the three statistics.

    Raises:
        ValidationError: ``values`` is not a 1-D array of finite numbers.

    Examples:
        >>> summarize([1.0, 2.0, 3.0])
        Summary(n=3, sum=6.0, sumsq=14.0)
    """
    v = Inputs()
    array = v.number("values", values)
    v.done()
    require(array.ndim == 1, "values", f"must be one-dimensional (got shape {array.shape})")
    return Summary(int(array.size), float(array.sum()), float(np.dot(array, array)))


@quiet
def welch_test(
    n_a: object,
    sum_a: object,
    sumsq_a: object,
    n_b: object,
    sum_b: object,
    sumsq_b: object,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> ComparisonResult:
    """Welch's unequal-variance t-test of ``mean_b − mean_a`` from sufficient statistics.

    Variances are the unbiased sample variances ``(sumsq − sum²/n) / (n − 1)``;
    the degrees of freedom are Welch–Satterthwaite's. This is the same test as
    ``scipy.stats.ttest_ind(b, a, equal_var=False)`` on the raw values.

    Args:
        n_a: Users in A (>= 2); scalar or array, one entry per experiment.
        sum_a: Sum of the metric over A's users.
        sumsq_a: Sum of the squared metric over A's users.
        n_b: Users in B (>= 2).
        sum_b: Sum of the metric over B's users.
        sumsq_b: Sum of the squared metric over B's users.
        alpha: Significance level; the interval has level ``1 − alpha``.
        alternative: ``"two-sided"``, ``"greater"`` (B's mean is larger) or ``"less"``.

    Returns:
        A [`ComparisonResult`][promocore.stats.ComparisonResult] for the difference of means,
        with a Welch t interval, ``statistic`` t and ``std_error``.

    Raises:
        ValidationError: a statistic is not finite, ``n < 2``, or a sum of
            squares is smaller than ``sum² / n``.

    Examples:
        >>> r = welch_test(10000, 1000, 1000, 10000, 1100, 1100)
        >>> round(r.p_value, 6)
        0.021075
    """
    v = Inputs()
    data = mean_stats(v, n_a, sum_a, sumsq_a, n_b, sum_b, sumsq_b)
    level = v.alpha(alpha)
    v.alternative(alternative)
    v.done()
    notes = Notes(data.scalar)
    va, vb = data.var_a / data.n_a, data.var_b / data.n_b
    diff = data.mean_b - data.mean_a
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(va + vb)
        df = (va + vb) ** 2 / (va * va / (data.n_a - 1) + vb * vb / (data.n_b - 1))
        t = diff / se
        flat = se == 0
        df = np.where(flat, np.inf, df)
        t = np.where(flat & (diff == 0), 0.0, t)
    notes.add(ZERO_VARIANCE, flat)
    notes.add(ILL_CONDITIONED, data.ill_conditioned)
    p = p_from_t(t, df, alternative)
    tail = level / 2 if alternative == "two-sided" else level
    with np.errstate(invalid="ignore"):
        margin = np.where(flat, 0.0, t_ppf(1 - tail, df) * se)
    low = diff - margin if alternative != "less" else np.full_like(diff, -np.inf)
    high = diff + margin if alternative != "greater" else np.full_like(diff, np.inf)
    s = data.scalar
    return ComparisonResult(
        estimand="difference",
        estimate=finish(diff, s),
        interval=(finish(low, s), finish(high, s)),
        p_value=finish(p, s),
        method="welch",
        interval_method="welch",
        alpha=level,
        alternative=alternative,
        statistic=finish(t, s),
        std_error=finish(se, s),
        warnings=notes.result(),
    )
