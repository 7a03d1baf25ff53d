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

from promocore._arrays import FloatArray, Inputs, quiet
from promocore.stats._dist import z_critical

#: Bisection steps of the score interval: 2**-80 (about 1e-24) keeps bounds of rare-event
#: differences (1e-9 and below) exact to 1e-10 relative.
_BISECTION_STEPS = 80


def wilson_bounds(successes: FloatArray, n: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score bounds for ``successes / n`` with critical value ``z``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        z2 = z * z
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


@quiet
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
    rate_b = _polish(x_a, n_a, x_b, n_b, delta, rate_b)
    rate_a = np.clip(rate_b - delta, 0.0, 1.0)
    return rate_a, rate_b


#: Newton steps that polish the closed-form root: it loses digits where ``arccos`` is taken
#: near ±1 (rare events: 3e-3 relative at rates of 1e-8, all of them at 1e-10).
_NEWTON_STEPS = 8


def _polish(
    x_a: FloatArray,
    n_a: FloatArray,
    x_b: FloatArray,
    n_b: FloatArray,
    delta: FloatArray,
    rate_b: FloatArray,
) -> FloatArray:
    """Refine the restricted rate of B by safeguarded Newton steps on the likelihood's score.

    With ``p`` the rate of B and ``p − δ`` that of A, the score
    ``g(p) = x_b/p − (n_b − x_b)/(1 − p) + x_a/(p − δ) − (n_a − x_a)/(1 − p + δ)`` falls
    strictly on the open range where both rates are inside (0, 1). Where it does not change
    sign there, the maximum is on an edge of the range; otherwise its root is unique. The
    steps start from the closed-form root when that is inside the range (else from the root
    of the rare-event approximation ``x_b/p + x_a/(p − δ) = n_a + n_b``) and keep a bracket:
    a step leaving it bisects the bracket instead.
    """
    low = np.maximum(0.0, delta)
    high = np.minimum(1.0, 1.0 + delta)
    y_a, y_b = n_a - x_a, n_b - x_b

    def _score(p: FloatArray) -> FloatArray:
        value = x_b / p - y_b / (1.0 - p) + x_a / (p - delta) - y_a / (1.0 - p + delta)
        return np.where(np.isnan(value), np.inf, np.abs(value))

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # The score at the edges of the range, where it is finite (else ±inf).
        at_low = np.where(
            delta >= 0,
            np.where(x_a > 0, np.inf, x_b / low - y_b / (1 - low) - y_a),
            np.where(x_b > 0, np.inf, x_a / -delta - y_b - y_a / (1 + delta)),
        )
        at_high = np.where(
            delta >= 0,
            np.where(y_b > 0, -np.inf, x_b + x_a / (1 - delta) - y_a / delta),
            np.where(y_a > 0, -np.inf, x_b / high - y_b / -delta + x_a),
        )
        edge_low, edge_high = ~(at_low > 0), ~(at_high < 0)
        total = n_a + n_b
        linear = total * delta + x_a + x_b
        rare = (linear + np.sqrt(np.maximum(linear * linear - 4 * total * x_b * delta, 0.0))) / (
            2 * total
        )
        # Start from whichever of the two roots (or the middle) has the smaller score.
        p = (low + high) / 2
        for start in (rare, rate_b):
            usable = (start > low) & (start < high)
            p = np.where(usable & (_score(start) < _score(p)), start, p)
        lo, hi = np.array(low), np.array(high)
        for _ in range(_NEWTON_STEPS):
            q, r, t = p - delta, 1.0 - p, 1.0 - p + delta
            score = x_b / p - y_b / r + x_a / q - y_a / t
            slope = -(x_b / (p * p) + y_b / (r * r) + x_a / (q * q) + y_a / (t * t))
            lo = np.where(score > 0, p, lo)
            hi = np.where(score < 0, p, hi)
            step = p - score / slope
            inside = np.isfinite(step) & (step >= lo) & (step <= hi)
            p = np.where(score == 0, p, np.where(inside, step, (lo + hi) / 2))
    return np.where(edge_low, low, np.where(edge_high, high, p))


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
    infinite = np.where(diff > 0, np.inf, np.where(diff < 0, -np.inf, 0.0))
    return np.where(variance > 0, z, infinite)


def score_difference(
    x_a: FloatArray, n_a: FloatArray, x_b: FloatArray, n_b: FloatArray, z: float, sides: str
) -> tuple[FloatArray, FloatArray]:
    """Miettinen–Nurminen score interval for ``p_b − p_a``, by vectorised bisection.

    Experiments whose pooled rate is above 1/2 are solved on the non-conversions (the
    interval of ``(1 − p_b) − (1 − p_a)``, negated), so rates near 1 are as exact as rates
    near 0.
    """
    flip = x_a + x_b > (n_a + n_b - x_a - x_b)
    x_a = np.where(flip, n_a - x_a, x_a)
    x_b = np.where(flip, n_b - x_b, x_b)
    low, high = _score_bounds(x_a, n_a, x_b, n_b, z)
    low, high = np.where(flip, -high, low), np.where(flip, -low, high)
    return _sided(low, high, sides)


def _score_bounds(
    x_a: FloatArray, n_a: FloatArray, x_b: FloatArray, n_b: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
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
    return low, high


def _sided(low: FloatArray, high: FloatArray, sides: str) -> tuple[FloatArray, FloatArray]:
    if sides == "greater":
        return low, np.full_like(low, np.inf)
    if sides == "less":
        return np.full_like(high, -np.inf), high
    return low, high
