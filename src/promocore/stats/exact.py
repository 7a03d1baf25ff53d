"""Exact tests for 2×2 conversion tables, via `scipy.stats`.

Used by [`compare_proportions`][promocore.stats.compare_proportions] when counts are small. Each
table is tested on its own (scipy's exact tests take one table at a time), so
only the experiments that need an exact test pay for one.

Barnard's and Boschloo's tests are unconditional and more powerful than
Fisher's, but their cost grows with ``n_a · n_b``; beyond
[`UNCONDITIONAL_MAX_CELLS`][promocore.stats.exact.UNCONDITIONAL_MAX_CELLS] tables they fall
back to Fisher's test, and the fallback is reported.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from promocore._arrays import BoolArray, FloatArray

#: Exact tests and the method label each one reports.
EXACT_TESTS: dict[str, str] = {
    "fisher": "fisher-exact",
    "barnard": "barnard-exact",
    "boschloo": "boschloo-exact",
}

#: Largest ``(n_a + 1) · (n_b + 1)`` for which Barnard's or Boschloo's test is run.
UNCONDITIONAL_MAX_CELLS = 250_000
#: Largest support of the conditional distribution Fisher's test is summed over here.
FISHER_MAX_SUPPORT = 1_000_000
#: Relative tolerance of "as likely as the observed table" (scipy's choice).
_FISHER_TOLERANCE = 1 + 1e-7


def fisher_p_value(x_a: int, n_a: int, x_b: int, n_b: int, alternative: str) -> float | None:
    """Fisher's exact p-value summed over the hypergeometric support.

    Conditioning on the total conversions ``K``, B's conversions follow
    ``Hypergeom(n_a + n_b, K, n_b)`` on ``max(0, K − n_a) .. min(K, n_b)``: a handful of
    values where the test is used (small counts), even with millions of users, where
    ``scipy.stats.fisher_exact`` takes seconds. The probabilities are built from the ratio
    of neighbouring terms, ``P(k + 1) / P(k) = (K − k)(n_b − k) / ((k + 1)(n_a − K + k + 1))``,
    so no large factorial loses digits. Two-sided: the tables at most ``1 + 1e-7`` times as
    likely as the observed one, as scipy counts them. Returns ``None`` when the support is
    longer than ``FISHER_MAX_SUPPORT`` values.
    """
    total = x_a + x_b
    low, high = max(0, total - n_a), min(total, n_b)
    if high - low + 1 > FISHER_MAX_SUPPORT:
        return None
    k = np.arange(low, high, dtype=np.float64)
    ratios = (total - k) * (n_b - k) / ((k + 1) * (n_a - total + k + 1))
    log_weights = np.concatenate([[0.0], np.cumsum(np.log(ratios))])
    weights = np.exp(log_weights - log_weights.max())
    support = np.arange(low, high + 1)
    observed = weights[x_b - low]
    if alternative == "greater":
        tail = weights[support >= x_b]
    elif alternative == "less":
        tail = weights[support <= x_b]
    else:
        tail = weights[weights <= observed * _FISHER_TOLERANCE]
    return float(min(1.0, tail.sum() / weights.sum()))


def exact_p_values(
    x_a: FloatArray,
    n_a: FloatArray,
    x_b: FloatArray,
    n_b: FloatArray,
    which: BoolArray,
    test: str,
    alternative: str,
) -> tuple[FloatArray, npt.NDArray[np.str_], BoolArray]:
    """Exact p-values for the experiments selected by ``which``.

    Args:
        x_a: Conversions in A (all arrays share one shape).
        n_a: Users in A.
        x_b: Conversions in B.
        n_b: Users in B.
        which: Experiments to test; the others get ``nan``.
        test: ``"fisher"``, ``"barnard"`` or ``"boschloo"``.
        alternative: ``"two-sided"``, ``"greater"`` (B converts better) or ``"less"``.

    Returns:
        ``(p_values, labels, fell_back)``: the p-values, the method label per
        experiment, and where Barnard/Boschloo fell back to Fisher for size.
    """
    from scipy import stats

    shape = x_a.shape
    flat = [np.asarray(v).reshape(-1) for v in (x_a, n_a, x_b, n_b)]
    p_values = np.full(x_a.size, np.nan)
    labels = np.full(x_a.size, EXACT_TESTS[test], dtype="<U16")
    fell_back = np.zeros(x_a.size, dtype=bool)
    for index in np.flatnonzero(which):
        xa, na, xb, nb = (int(v[index]) for v in flat)
        # Columns are the arms (B first), rows are converted / not converted, so
        # "greater" means B converts more often than A for every scipy test.
        table = [[xb, xa], [nb - xb, na - xa]]
        chosen = test
        if test != "fisher" and (na + 1) * (nb + 1) > UNCONDITIONAL_MAX_CELLS:
            chosen = "fisher"
            fell_back[index] = True
            labels[index] = EXACT_TESTS["fisher"]
        if chosen == "fisher":
            p = fisher_p_value(xa, na, xb, nb, alternative)
            if p is None:
                p = stats.fisher_exact(table, alternative=alternative).pvalue
        elif xa + xb == 0 or xa + xb == na + nb:
            p = 1.0  # a constant outcome carries no evidence
        elif chosen == "barnard":
            p = stats.barnard_exact(table, alternative=alternative).pvalue
        else:
            p = stats.boschloo_exact(table, alternative=alternative).pvalue
        p_values[index] = min(float(p), 1.0)
    return p_values.reshape(shape), labels.reshape(shape), fell_back.reshape(shape)
