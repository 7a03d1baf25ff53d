"""Comparing the conversion rates of two arms.

[`compare_proportions`][promocore.stats.proportions.compare_proportions] tests ``p_b − p_a`` and
gives an interval for it, for one experiment or for many at once (arrays, one entry per experiment).
Experiments with small expected counts are switched to an exact test, and the result reports the
method used for each.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from promocore._arrays import BoolArray, FloatArray, Inputs, quiet
from promocore.stats._dist import p_from_t, p_from_z, z_critical
from promocore.stats._inputs import Conversions, conversions
from promocore.stats._notes import Notes
from promocore.stats.exact import EXACT_TESTS, exact_p_values
from promocore.stats.proportion_intervals import (
    newcombe_difference,
    score_difference,
    wald_difference,
)
from promocore.stats.results import ComparisonResult, finish, finish_label

#: Asymptotic tests of the difference and the method label each one reports.
ASYMPTOTIC_TESTS: dict[str, str] = {
    "z-pooled": "z-pooled",
    "z-unpooled": "z-unpooled",
    "welch": "welch",
}
TESTS = (*ASYMPTOTIC_TESTS, *EXACT_TESTS)
INTERVALS = ("newcombe", "wald", "score")


@quiet
def compare_proportions(
    n_a: object,
    successes_a: object,
    n_b: object,
    successes_b: object,
    *,
    test: str = "z-pooled",
    interval: str = "newcombe",
    exact: str | None = "fisher",
    min_expected: float = 5.0,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> ComparisonResult:
    """Test whether B converts differently from A, and estimate ``p_b − p_a``.

    Every count may be a scalar or an array (one entry per experiment); arrays
    broadcast against each other and the result then holds arrays.

    Args:
        n_a: Users in the control arm A.
        successes_a: Conversions in A (``0 <= successes_a <= n_a``).
        n_b: Users in the treatment arm B.
        successes_b: Conversions in B.
        test: ``"z-pooled"`` (the classic two-proportion z-test), ``"z-unpooled"``
            (the Wald test), ``"welch"`` (a t-test with unequal variances on the
            0/1 outcomes, using the Bernoulli variances ``p(1 − p)`` and the
            Welch–Satterthwaite degrees of freedom), or an exact test for every
            experiment: ``"fisher"``, ``"barnard"``, ``"boschloo"``.
        interval: Interval for the difference: ``"newcombe"`` (hybrid Wilson
            score, good at small counts), ``"wald"`` or ``"score"``
            (Miettinen–Nurminen).
        exact: Exact test used instead of an asymptotic ``test`` where any
            expected cell count is below ``min_expected``: ``"fisher"``,
            ``"barnard"`` or ``"boschloo"``; ``None`` keeps the asymptotic test
            and only warns.
        min_expected: Smallest expected count (conversions or non-conversions
            of an arm, under the pooled rate) for which the asymptotic test is trusted;
            a finite number >= 0 (0 never switches).
        alpha: Significance level; intervals have level ``1 − alpha``.
        alternative: ``"two-sided"``, ``"greater"`` (B converts better) or
            ``"less"``.

    Returns:
        A [`ComparisonResult`][promocore.stats.ComparisonResult] with estimand
        ``"difference"``. Where the exact switch happened, ``method`` names the
        exact test and a Wald interval is replaced by Newcombe's (Wald collapses
        to a point at zero counts). A control with zero conversions still gets a
        difference, interval and p-value.

    Raises:
        ValidationError: a count is negative, fractional or not finite, a
            conversion count exceeds its arm's users, an arm has no users, or an
            option is unknown or out of range.

    Examples:
        >>> r = compare_proportions(10000, 1000, 10000, 1100, interval="wald")
        >>> round(r.p_value, 6), [round(b, 6) for b in r.interval]
        (0.021075, [0.001504, 0.018496])
    """
    v = Inputs()
    data = conversions(v, n_a, successes_a, n_b, successes_b, min_n=2 if test == "welch" else 1)
    level = v.alpha(alpha)
    v.alternative(alternative)
    v.choice("test", test, TESTS)
    v.choice("interval", interval, INTERVALS)
    if exact is not None:
        v.choice("exact", exact, tuple(EXACT_TESTS))
    least = v.option("min_expected", min_expected)
    v.done()
    return _compare(data, test, interval, exact, least, level, alternative)


def _compare(
    data: Conversions,
    test: str,
    interval: str,
    exact: str | None,
    min_expected: float,
    alpha: float,
    alternative: str,
) -> ComparisonResult:
    notes = Notes(data.scalar)
    na, xa, nb, xb = data.n_a, data.x_a, data.n_b, data.x_b
    with np.errstate(invalid="ignore", divide="ignore"):
        p_a, p_b = xa / na, xb / nb
        diff = p_b - p_a
        se = np.sqrt(p_a * (1 - p_a) / na + p_b * (1 - p_b) / nb)
        pooled = (xa + xb) / (na + nb)
        small = _expected_minimum(na, nb, pooled) < min_expected

    labels = np.full(diff.shape, EXACT_TESTS.get(test, test), dtype="<U16")
    statistic = np.full(diff.shape, np.nan)
    if test in EXACT_TESTS:
        switch = np.ones(diff.shape, dtype=bool)
        p_value = np.full(diff.shape, np.nan)
    else:
        statistic, p_value = _asymptotic(test, data, diff, se, pooled, alternative)
        switch = small if exact is not None else np.zeros(diff.shape, dtype=bool)
        if exact is None:
            notes.add(
                f"expected counts below {min_expected:g}: the {test} test may be inaccurate", small
            )
        degenerate = ~np.isfinite(statistic) & (diff == 0)
        statistic = np.where(degenerate, 0.0, statistic)
        p_value = np.where(degenerate, 1.0, p_value)
        if exact is None:
            notes.add("no variation in the outcomes: p-value set to 1", degenerate & ~switch)
    if switch.any():
        chosen = test if test in EXACT_TESTS else str(exact)
        exact_p, exact_labels, fell_back = exact_p_values(
            xa, na, xb, nb, switch, chosen, alternative
        )
        p_value = np.where(switch, exact_p, p_value)
        labels = np.where(switch, exact_labels, labels)
        statistic = np.where(switch, np.nan, statistic)
        if test not in EXACT_TESTS:
            notes.add(
                f"expected counts below {min_expected:g}: switched to the {chosen} exact test",
                switch,
            )
        notes.add(f"{chosen} exact test too large to run: used Fisher's exact test", fell_back)

    low, high, interval_labels = _interval(data, interval, switch, alpha, alternative)
    if interval == "wald":
        notes.add("zero variance: the Wald interval collapses to a point", (se == 0) & ~switch)
    scalar = data.scalar
    return ComparisonResult(
        estimand="difference",
        estimate=finish(diff, scalar),
        interval=(finish(low, scalar), finish(high, scalar)),
        p_value=finish(p_value, scalar),
        method=finish_label(labels, scalar),
        interval_method=finish_label(interval_labels, scalar),
        alpha=alpha,
        alternative=alternative,
        statistic=finish(statistic, scalar),
        std_error=finish(se, scalar),
        warnings=notes.result(),
    )


def _expected_minimum(n_a: FloatArray, n_b: FloatArray, pooled: FloatArray) -> FloatArray:
    smaller_rate = np.minimum(pooled, 1 - pooled)
    return np.minimum(n_a, n_b) * smaller_rate


def _asymptotic(
    test: str,
    data: Conversions,
    diff: FloatArray,
    se: FloatArray,
    pooled: FloatArray,
    alternative: str,
) -> tuple[FloatArray, FloatArray]:
    na, nb = data.n_a, data.n_b
    with np.errstate(invalid="ignore", divide="ignore"):
        if test == "z-pooled":
            z = diff / np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
            return z, p_from_z(z, alternative)
        if test == "z-unpooled":
            z = diff / se
            return z, p_from_z(z, alternative)
        # Welch: unequal-variance t on 0/1 outcomes with Bernoulli variances.
        va = data.p_a * (1 - data.p_a) / na
        vb = data.p_b * (1 - data.p_b) / nb
        t = diff / se
        df = (va + vb) ** 2 / (va * va / (na - 1) + vb * vb / (nb - 1))
        df = np.where(va + vb > 0, df, np.inf)  # no variance: the limit is the normal
        return t, p_from_t(t, df, alternative)


def _interval(
    data: Conversions,
    interval: str,
    switch: BoolArray,
    alpha: float,
    alternative: str,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.str_]]:
    z = z_critical(alpha, alternative)
    args = (data.x_a, data.n_a, data.x_b, data.n_b, z, alternative)
    labels = np.full(data.x_a.shape, interval, dtype="<U16")
    with np.errstate(invalid="ignore", divide="ignore"):
        if interval == "score":
            low, high = score_difference(*args)
        elif interval == "newcombe":
            low, high = newcombe_difference(*args)
        else:
            low, high = wald_difference(*args)
            if np.any(switch):
                n_low, n_high = newcombe_difference(*args)
                low, high = np.where(switch, n_low, low), np.where(switch, n_high, high)
                labels = np.where(switch, "newcombe", labels)
    return low, high, labels
