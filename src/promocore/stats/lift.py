"""Relative lift ``(B − A) / A`` with intervals that respect the ratio.

Dividing the interval of ``B − A`` by A's estimate ignores A's own noise. Two
methods that do not:

* ``"delta-log"``: a normal interval for ``log(B / A)`` by the delta method,
  exponentiated. Always bounded; needs both estimates above 0. Its p-value
  tests ``log(B / A) = 0`` with the same standard error.
* ``"fieller"``: Fieller's interval, the set of ratios ``θ`` for which
  ``B − θ·A = 0`` is not rejected. Its p-value is that of the unpooled test of
  ``B − A = 0``. When A itself is not clearly above 0 the set is unbounded; see
  [`lift_means`][promocore.stats.lift.lift_means].

With either method ``p_value < alpha`` exactly when the interval excludes 0.
Both use normal critical values (large-sample intervals).
"""

from __future__ import annotations

import numpy as np

from promocore._arrays import FloatArray, Inputs, quiet
from promocore.stats._dist import p_from_z, z_critical
from promocore.stats._inputs import conversions, mean_stats
from promocore.stats._notes import ILL_CONDITIONED, ZERO_VARIANCE, Notes
from promocore.stats.results import ComparisonResult, finish

METHODS = ("delta-log", "fieller")


@quiet
def lift_proportions(
    n_a: object,
    successes_a: object,
    n_b: object,
    successes_b: object,
    *,
    method: str = "delta-log",
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> ComparisonResult:
    """Relative lift of B's conversion rate over A's: ``p_b / p_a − 1``.

    Args:
        n_a: Users in A; scalar or array, one entry per experiment.
        successes_a: Conversions in A.
        n_b: Users in B.
        successes_b: Conversions in B.
        method: ``"delta-log"`` or ``"fieller"``.
        alpha: Significance level; the interval has level ``1 − alpha``.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        A [`ComparisonResult`][promocore.stats.ComparisonResult] with estimand
        ``"relative lift"``. A control with zero conversions has no relative
        lift: its estimate, interval and p-value are ``nan`` and a warning
        points to the absolute difference
        ([`compare_proportions`][promocore.stats.compare_proportions]).

    Raises:
        ValidationError: bad counts or options.

    Examples:
        >>> r = lift_proportions(10000, 1000, 10000, 1100)
        >>> round(r.estimate, 4), r.p_value < 0.05
        (0.1, True)
    """
    v = Inputs()
    data = conversions(v, n_a, successes_a, n_b, successes_b)
    level = v.alpha(alpha)
    v.alternative(alternative)
    v.choice("method", method, METHODS)
    v.done()
    notes = Notes(data.scalar)
    notes.add(
        "control has zero conversions: the relative lift is not defined; "
        "use the absolute difference",
        data.x_a == 0,
    )
    p_a, p_b = data.p_a, data.p_b
    return _lift(
        p_a,
        p_a * (1 - p_a) / data.n_a,
        p_b,
        p_b * (1 - p_b) / data.n_b,
        method,
        level,
        alternative,
        notes,
        data.scalar,
    )


@quiet
def lift_means(
    n_a: object,
    sum_a: object,
    sumsq_a: object,
    n_b: object,
    sum_b: object,
    sumsq_b: object,
    *,
    method: str = "delta-log",
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> ComparisonResult:
    """Relative lift of B's mean over A's, ``mean_b / mean_a − 1``, from sufficient statistics.

    A control mean at or below 0 makes the relative lift meaningless: those
    experiments get ``nan`` and a warning. ``"delta-log"`` also needs B's mean
    above 0. When Fieller's set is unbounded (A's mean is within noise of 0)
    the interval is ``(-inf, inf)`` if the lift is not significant, otherwise
    the half-line of the set that holds the estimate; a warning says so.

    Args:
        n_a: Users in A (>= 2); scalar or array, one entry per experiment.
        sum_a: Sum of the metric over A.
        sumsq_a: Sum of squares of the metric over A.
        n_b: Users in B (>= 2).
        sum_b: Sum of the metric over B.
        sumsq_b: Sum of squares of the metric over B.
        method: ``"delta-log"`` or ``"fieller"``.
        alpha: Significance level; the interval has level ``1 − alpha``.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        A [`ComparisonResult`][promocore.stats.ComparisonResult] with estimand ``"relative lift"``.

    Raises:
        ValidationError: bad statistics or options.

    Examples:
        >>> r = lift_means(1000, 50000, 5e6, 1000, 55000, 6e6, method="fieller")
        >>> round(r.estimate, 3)
        0.1
    """
    v = Inputs()
    data = mean_stats(v, n_a, sum_a, sumsq_a, n_b, sum_b, sumsq_b)
    level = v.alpha(alpha)
    v.alternative(alternative)
    v.choice("method", method, METHODS)
    v.done()
    notes = Notes(data.scalar)
    notes.add("control mean is not above 0: the relative lift is not defined", data.mean_a <= 0)
    notes.add(ILL_CONDITIONED, data.ill_conditioned)
    return _lift(
        data.mean_a,
        data.var_a / data.n_a,
        data.mean_b,
        data.var_b / data.n_b,
        method,
        level,
        alternative,
        notes,
        data.scalar,
    )


def _lift(
    m_a: FloatArray,
    v_a: FloatArray,
    m_b: FloatArray,
    v_b: FloatArray,
    method: str,
    alpha: float,
    alternative: str,
    notes: Notes,
    scalar: bool,
) -> ComparisonResult:
    z = z_critical(alpha, alternative)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = m_b / m_a
        se = np.abs(ratio) * np.sqrt(v_a / m_a / m_a + v_b / m_b / m_b)
        if method == "delta-log":
            stat, low, high = _delta_log(m_a, v_a, m_b, v_b, z, notes)
        else:
            stat, low, high = _fieller(m_a, v_a, m_b, v_b, z, alpha, alternative, notes)
        p = p_from_z(stat, alternative)
    undefined = ~(m_a > 0) | ~np.isfinite(ratio)
    notes.add(ZERO_VARIANCE, (v_a + v_b == 0) & ~undefined & ~np.isnan(p))
    notes.add("control estimate is too close to 0 for a ratio", (m_a > 0) & ~np.isfinite(ratio))
    if alternative == "greater":
        high = np.full_like(high, np.inf)
    elif alternative == "less":
        low = np.full_like(low, -np.inf)
    # Where the test is not defined (no estimate of its variance), neither is the interval.
    low, high = (np.where(np.isnan(p), np.nan, bound) for bound in (low, high))
    # Where the lift is undefined, every output is nan.
    estimate, low, high, p, stat, se = (
        np.where(undefined, np.nan, x) for x in (ratio - 1, low, high, p, stat, se)
    )
    return ComparisonResult(
        estimand="relative lift",
        estimate=finish(estimate, scalar),
        interval=(finish(low, scalar), finish(high, scalar)),
        p_value=finish(p, scalar),
        method=method,
        interval_method=method,
        alpha=alpha,
        alternative=alternative,
        statistic=finish(stat, scalar),
        std_error=finish(se, scalar),
        warnings=notes.result(),
    )


def _delta_log(
    m_a: FloatArray, v_a: FloatArray, m_b: FloatArray, v_b: FloatArray, z: float, notes: Notes
) -> tuple[FloatArray, FloatArray, FloatArray]:
    bad = (m_a > 0) & ~(m_b > 0)
    notes.add("treatment estimate is not above 0: the log-ratio interval is not defined", bad)
    log_ratio = np.log(m_b / m_a)
    se_log = np.sqrt(v_a / m_a / m_a + v_b / m_b / m_b)
    stat = np.where(
        se_log > 0, log_ratio / se_log, np.where(log_ratio == 0, 0.0, np.sign(log_ratio) * np.inf)
    )
    low = np.expm1(log_ratio - z * se_log)
    high = np.expm1(log_ratio + z * se_log)
    return (np.where(bad, np.nan, x) for x in (stat, low, high))  # type: ignore[return-value]


def _fieller(
    m_a: FloatArray,
    v_a: FloatArray,
    m_b: FloatArray,
    v_b: FloatArray,
    z: float,
    alpha: float,
    alternative: str,
    notes: Notes,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    diff = m_b - m_a
    spread = np.sqrt(v_a + v_b)
    stat = np.where(spread > 0, diff / spread, np.where(diff == 0, 0.0, np.sign(diff) * np.inf))
    significant = p_from_z(stat, alternative) < alpha
    # Ratios θ with (m_b − θ m_a)² <= z² (v_b + θ² v_a), a quadratic in θ. Solved
    # divided by m_a² (no underflow for tiny scales), falling back to the raw
    # coefficients where that overflows (a control mean tiny next to its noise).
    ratio = m_b / m_a
    g = z * z * v_a / m_a / m_a
    lead = 1 - g
    root = np.sqrt(np.maximum(g * ratio * ratio + lead * z * z * v_b / m_a / m_a, 0.0))
    r1 = np.minimum((ratio - root) / lead, (ratio + root) / lead)
    r2 = np.maximum((ratio - root) / lead, (ratio + root) / lead)
    raw_lead = m_a * m_a - z * z * v_a
    raw_root = np.sqrt(
        np.maximum(z * z * (m_a * m_a * v_b + m_b * m_b * v_a - z * z * v_a * v_b), 0.0)
    )
    raw_r1 = np.minimum((m_a * m_b - raw_root) / raw_lead, (m_a * m_b + raw_root) / raw_lead)
    raw_r2 = np.maximum((m_a * m_b - raw_root) / raw_lead, (m_a * m_b + raw_root) / raw_lead)
    scaled = np.isfinite(r1) & np.isfinite(r2) & np.isfinite(lead)
    r1, r2 = np.where(scaled, r1, raw_r1), np.where(scaled, r2, raw_r2)
    bounded = np.where(scaled, lead > 0, raw_lead > 0)
    # Unbounded set: the whole line when not significant, else the half-line holding the estimate.
    upper_ray = ratio >= r2
    low = np.where(bounded, r1, np.where(significant & upper_ray, r2, -np.inf))
    high = np.where(bounded, r2, np.where(significant & ~upper_ray, r1, np.inf))
    notes.add(
        "control estimate is within noise of 0: the Fieller interval is unbounded",
        (m_a > 0) & ~bounded,
    )
    return stat, low - 1, high - 1
