"""Confidence intervals for one proportion and for a difference of two proportions.

All functions are vectorised: every argument may be an array (one entry per
experiment) and the work is done with numpy, without Python loops.

* Wilson: the score interval for one proportion; well behaved at 0 and n.
* Wald: ``d ± z·se`` with the unpooled standard error; degenerate at 0 or n.
* Newcombe: the hybrid score interval built from the two Wilson intervals
  (Newcombe 1998, method 10); defined for zero counts.
* Score: the Miettinen–Nurminen interval, inverting the score test of
  ``p_b − p_a = δ`` with the restricted maximum likelihood estimates.
"""

from __future__ import annotations

import numpy as np

from promocore.stats._dist import z_critical
from promocore.stats._validate import FloatArray, Inputs

#: Bisection steps of the score interval: 2**-60 is far below float resolution of a rate.
_BISECTION_STEPS = 60


def wilson_bounds(successes: FloatArray, n: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score bounds for ``successes / n`` with critical value ``z``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        z2 = z * z
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def wilson_interval(
    n: object, successes: object, *, alpha: float = 0.05
) -> tuple[float | FloatArray, float | FloatArray]:
    """Two-sided Wilson score interval for a conversion rate.

    Args:
        n: Number of users (per experiment).
        successes: Number of conversions, ``0 <= successes <= n``.
        alpha: One minus the confidence level.

    Returns:
        ``(low, high)``, floats for scalar inputs, arrays otherwise.

    Raises:
        ValidationError: a count is negative, fractional, not finite, or
            ``successes > n``, or ``n`` is 0.

    Examples:
        >>> low, high = wilson_interval(100, 10)
        >>> round(low, 4), round(high, 4)
        (0.0552, 0.1744)
    """
    v = Inputs()
    n_arr = v.count("n", n)
    x_arr = v.count("successes", successes)
    level = v.alpha(alpha)
    n_arr, x_arr = v.broadcast(n=n_arr, successes=x_arr)
    v.flag("n", n_arr < 1, "must be >= 1", n_arr)
    v.compare("successes", x_arr, "n", n_arr, "<=")
    v.done()
    low, high = wilson_bounds(x_arr, n_arr, z_critical(level, "two-sided"))
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def wald_difference(
    x_a: FloatArray, n_a: FloatArray, x_b: FloatArray, n_b: FloatArray, z: float, sides: str
) -> tuple[FloatArray, FloatArray]:
    """Wald interval for ``p_b − p_a`` with the unpooled standard error."""
    p_a, p_b = x_a / n_a, x_b / n_b
    se = np.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    d = p_b - p_a
    return _sided(d - z * se, d + z * se, sides)


def newcombe_difference(
    x_a: FloatArray, n_a: FloatArray, x_b: FloatArray, n_b: FloatArray, z: float, sides: str
) -> tuple[FloatArray, FloatArray]:
    """Newcombe's hybrid score interval for ``p_b − p_a`` (method 10)."""
    p_a, p_b = x_a / n_a, x_b / n_b
    low_a, high_a = wilson_bounds(x_a, n_a, z)
    low_b, high_b = wilson_bounds(x_b, n_b, z)
    d = p_b - p_a
    low = d - np.sqrt((p_b - low_b) ** 2 + (high_a - p_a) ** 2)
    high = d + np.sqrt((high_b - p_b) ** 2 + (p_a - low_a) ** 2)
    return _sided(low, high, sides)


def restricted_rates(
    x_a: FloatArray, n_a: FloatArray, x_b: FloatArray, n_b: FloatArray, delta: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Maximum likelihood rates ``(p_a, p_b)`` under the constraint ``p_b − p_a = delta``.

    The closed-form root of the likelihood cubic (Farrington and Manning 1990).
    """
    p1, p2 = x_b / n_b, x_a / n_a
    theta = n_a / n_b
    a = 1 + theta
    b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
    c = delta * delta + delta * (2 * p1 + theta + 1) + p1 + theta * p2
    d = -p1 * delta * (1 + delta)
    v = b**3 / (27 * a**3) - b * c / (6 * a * a) + d / (2 * a)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.sign(v) * np.sqrt(np.maximum(b * b / (9 * a * a) - c / (3 * a), 0.0))
        ratio = np.where(u == 0, 0.0, v / np.where(u == 0, 1.0, u**3))
    w = (np.pi + np.arccos(np.clip(ratio, -1.0, 1.0))) / 3
    rate_b = np.clip(2 * u * np.cos(w) - b / (3 * a), 0.0, 1.0)
    rate_a = np.clip(rate_b - delta, 0.0, 1.0)
    return rate_a, rate_b


def score_statistic(
    x_a: FloatArray, n_a: FloatArray, x_b: FloatArray, n_b: FloatArray, delta: FloatArray
) -> FloatArray:
    """Miettinen–Nurminen score statistic for ``p_b − p_a = delta``."""
    rate_a, rate_b = restricted_rates(x_a, n_a, x_b, n_b, delta)
    total = n_a + n_b
    variance = (rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b) * total / (total - 1)
    diff = x_b / n_b - x_a / n_a - delta
    with np.errstate(invalid="ignore", divide="ignore"):
        z = diff / np.sqrt(variance)
    # Zero variance: the statistic is infinite in the direction of the difference.
    return np.where(variance > 0, z, np.where(diff == 0, 0.0, np.sign(diff) * np.inf))


def score_difference(
    x_a: FloatArray, n_a: FloatArray, x_b: FloatArray, n_b: FloatArray, z: float, sides: str
) -> tuple[FloatArray, FloatArray]:
    """Miettinen–Nurminen score interval for ``p_b − p_a``, by vectorised bisection."""
    d = x_b / n_b - x_a / n_a
    # Lower bound: where the decreasing statistic falls to +z on [-1, d].
    lo, hi = np.full_like(d, -1.0), d.copy()
    for _ in range(_BISECTION_STEPS):
        mid = (lo + hi) / 2
        above = score_statistic(x_a, n_a, x_b, n_b, mid) > z
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    low = (lo + hi) / 2
    # Upper bound: where it falls to -z on [d, 1].
    lo, hi = d.copy(), np.ones_like(d)
    for _ in range(_BISECTION_STEPS):
        mid = (lo + hi) / 2
        above = score_statistic(x_a, n_a, x_b, n_b, mid) > -z
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    high = (lo + hi) / 2
    return _sided(low, high, sides)


def _sided(low: FloatArray, high: FloatArray, sides: str) -> tuple[FloatArray, FloatArray]:
    if sides == "greater":
        return low, np.full_like(low, np.inf)
    if sides == "less":
        return np.full_like(high, -np.inf), high
    return low, high
