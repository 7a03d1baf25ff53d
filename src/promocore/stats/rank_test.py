"""The Mann–Whitney rank test on raw samples, with an effect size and its interval.

Useful for skewed metrics (order values, session length) where a difference of
means is dominated by a few large values.
"""

from __future__ import annotations

import numpy as np

from promocore._arrays import Inputs, quiet
from promocore.stats._dist import z_critical
from promocore.stats._notes import Notes
from promocore.stats._samples import samples
from promocore.stats.results import ComparisonResult


@quiet
def mann_whitney(
    a: object, b: object, *, alpha: float = 0.05, alternative: str = "two-sided"
) -> ComparisonResult:
    """Mann–Whitney U test of B against A on raw per-user values.

    The estimate is the probability of superiority ``P(B > A) + ½·P(B = A)``:
    0.5 means no difference, above 0.5 favours B. Its interval is a normal
    interval with DeLong's variance (from the placement values), clipped to
    ``[0, 1]``. The p-value is scipy's (``scipy.stats.mannwhitneyu``, exact for
    small samples without ties, else normal with tie correction).

    Args:
        a: Raw values of the control arm (at least 2).
        b: Raw values of the treatment arm (at least 2).
        alpha: Significance level; the interval has level ``1 − alpha``.
        alternative: ``"two-sided"``, ``"greater"`` (B tends to be larger) or ``"less"``.

    Returns:
        A [`ComparisonResult`][promocore.stats.ComparisonResult] with estimand
        ``"probability of superiority"`` and ``statistic`` U of B.

    Raises:
        ValidationError: a sample is not 1-D, has fewer than 2 values or a
            non-finite value.

    Examples:
        >>> r = mann_whitney([1, 2, 3, 4], [5, 6, 7, 8])
        >>> r.estimate, round(r.p_value, 4)
        (1.0, 0.0286)
    """
    from scipy import stats

    v = Inputs()
    xa = samples(v, "a", a)
    xb = samples(v, "b", b)
    level = v.alpha(alpha)
    v.alternative(alternative)
    v.done()
    notes = Notes(True)
    n_a, n_b = xa.size, xb.size
    test = stats.mannwhitneyu(xb, xa, alternative=alternative)
    ranks = stats.rankdata(np.concatenate([xb, xa]))
    # Placement of each value among the other arm: how many of them are below it
    # (ties count one half), as a fraction; their means are the superiority estimate.
    place_b = (ranks[:n_b] - stats.rankdata(xb)) / n_a
    place_a = (ranks[n_b:] - stats.rankdata(xa)) / n_b
    estimate = float(place_b.mean())
    se = float(np.sqrt(place_b.var(ddof=1) / n_b + place_a.var(ddof=1) / n_a))
    if se == 0:
        notes.add("the samples do not overlap or are constant: the interval collapses to a point")
    z = z_critical(level, alternative)
    low = max(estimate - z * se, 0.0) if alternative != "less" else -np.inf
    high = min(estimate + z * se, 1.0) if alternative != "greater" else np.inf
    return ComparisonResult(
        estimand="probability of superiority",
        estimate=estimate,
        interval=(float(low), float(high)),
        p_value=float(test.pvalue),
        method="mann-whitney",
        interval_method="delong",
        alpha=level,
        alternative=alternative,
        statistic=float(test.statistic),
        std_error=se,
        warnings=notes.result(),
    )
