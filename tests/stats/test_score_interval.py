"""The Miettinen–Nurminen score interval is exact to 1e-10 at any rate.

The reference solves the same equations in 50-digit decimal arithmetic by bisection: the
restricted maximum-likelihood rate as the root of the likelihood's score, then each bound as
the root of the score statistic minus the critical value.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
import pytest

from promocore.stats import compare_proportions
from promocore.stats._dist import z_critical


def _restricted(x_a: int, n_a: int, x_b: int, n_b: int, delta: Decimal) -> Decimal:
    low, high = max(Decimal(0), delta), min(Decimal(1), 1 + delta)
    y_a, y_b = n_a - x_a, n_b - x_b

    def score(p: Decimal) -> Decimal:
        total = Decimal(0)
        if x_b:
            total += x_b / p
        if y_b:
            total -= y_b / (1 - p)
        if x_a:
            total += x_a / (p - delta)
        if y_a:
            total -= y_a / (1 - p + delta)
        return total

    edge = (high - low) * Decimal(10) ** -45
    if score(low + edge) <= 0:
        return low
    if score(high - edge) >= 0:
        return high
    a, b = low, high
    for _ in range(170):
        middle = (a + b) / 2
        a, b = (middle, b) if score(middle) > 0 else (a, middle)
    return (a + b) / 2


def _statistic(x_a: int, n_a: int, x_b: int, n_b: int, delta: Decimal) -> Decimal:
    rate_b = _restricted(x_a, n_a, x_b, n_b, delta)
    rate_a = rate_b - delta
    total = Decimal(n_a + n_b)
    variance = (rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b) * total / (total - 1)
    diff = Decimal(x_b) / n_b - Decimal(x_a) / n_a - delta
    if variance > 0:
        return diff / variance.sqrt()
    return Decimal(0) if diff == 0 else Decimal(10) ** 100 * (1 if diff > 0 else -1)


def _bound(
    case: tuple[int, int, int, int], target: Decimal, low: Decimal, high: Decimal
) -> Decimal:
    for _ in range(150):
        middle = (low + high) / 2
        low, high = (middle, high) if _statistic(*case, middle) > target else (low, middle)
    return (low + high) / 2


CASES = [
    (1000, 10000, 1100, 10000),
    (2, 10**6, 9, 10**6),  # rates near 1e-6
    (1, 10**8, 3, 10**8),  # near 1e-8
    (3, 10**10, 12, 10**10),  # near 1e-10
    (0, 10**9, 2, 10**9),
    (10**10 - 3, 10**10, 10**10 - 12, 10**10),  # near 1 - 1e-9
    (999, 1000, 1000, 1000),
    (7, 12, 3, 40),
    (0, 50, 0, 50),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_score_interval_is_exact(case: tuple[int, int, int, int]) -> None:
    x_a, n_a, x_b, n_b = case
    r = compare_proportions(n_a, x_a, n_b, x_b, interval="score", exact=None)
    z = Decimal(repr(z_critical(0.05, "two-sided")))
    with localcontext() as context:
        context.prec = 50
        d = Decimal(x_b) / n_b - Decimal(x_a) / n_a
        low = _bound(case, z, Decimal(-1), d)
        high = _bound(case, -z, d, Decimal(1))
    for ours, exact in ((r.ci_low, low), (r.ci_high, high)):
        assert abs(Decimal(repr(float(ours))) - exact) <= Decimal("1e-10") * abs(exact), (
            ours,
            exact,
        )


def test_score_bounds_mirror_for_non_conversions() -> None:
    r = compare_proportions(10**6, 999_990, 10**6, 999_980, interval="score", exact=None)
    s = compare_proportions(10**6, 10, 10**6, 20, interval="score", exact=None)
    ours = np.array([r.ci_low, r.ci_high], dtype=float)
    mirrored = -np.array([s.ci_high, s.ci_low], dtype=float)
    assert np.allclose(ours, mirrored, rtol=1e-12, atol=0)
