"""One call for the usual read-out of an A/B test: difference, lift, sequential p, SRM.

[`analyze_conversions`][promocore.stats.analysis.analyze_conversions] and
[`analyze_means`][promocore.stats.analysis.analyze_means] run the tests a campaign review asks for
on one experiment or on many at once (arrays, one entry per experiment) and bundle the results in an
[`Analysis`][promocore.stats.analysis.Analysis].
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np

from promocore._arrays import quiet
from promocore.errors import ValidationError
from promocore.stats.lift import lift_means, lift_proportions
from promocore.stats.means import welch_test
from promocore.stats.proportions import compare_proportions
from promocore.stats.results import ComparisonResult, SequentialResult
from promocore.stats.sequential import msprt_means, msprt_proportions
from promocore.stats.srm import SRMResult, srm_check


@attrs.frozen(eq=False)
class Analysis:
    """The read-out of one or many experiments.

    Attributes:
        metric: ``"conversion"`` or ``"mean"``.
        difference: Test and interval of B − A.
        lift: Relative lift (B − A) / A with its own interval and p-value.
        sequential: Always-valid p-value and confidence sequence, if ``tau`` was given.
        srm: Sample-ratio-mismatch check, if ``expected_split`` was given.
    """

    metric: str
    difference: ComparisonResult
    lift: ComparisonResult
    sequential: SequentialResult | None = None
    srm: SRMResult | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning of the parts, each once."""
        parts = (self.difference, self.lift, self.sequential, self.srm)
        seen: dict[str, None] = {}
        for part in parts:
            if part is not None:
                seen.update(dict.fromkeys(part.warnings))
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        """Return the analysis as plain Python values."""
        return {
            "metric": self.metric,
            "difference": self.difference.to_dict(),
            "lift": self.lift.to_dict(),
            "sequential": None if self.sequential is None else self.sequential.to_dict(),
            "srm": None if self.srm is None else self.srm.to_dict(),
        }


@quiet
def analyze_conversions(
    n_a: object,
    successes_a: object,
    n_b: object,
    successes_b: object,
    *,
    test: str = "z-pooled",
    interval: str = "newcombe",
    lift_method: str = "delta-log",
    exact: str | None = "fisher",
    tau: float | None = None,
    expected_split: Sequence[float] | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> Analysis:
    """Analyse conversion experiments: difference, relative lift, mSPRT and SRM.

    Args:
        n_a: Users in A; scalar or array, one entry per experiment.
        successes_a: Conversions in A.
        n_b: Users in B.
        successes_b: Conversions in B.
        test: Test of the difference (see
            [`compare_proportions`][promocore.stats.compare_proportions]).
        interval: Interval of the difference.
        lift_method: ``"delta-log"`` or ``"fieller"``.
        exact: Exact test for small counts, or ``None``.
        tau: Mixture scale for the always-valid p-value; ``None`` skips it.
            Every entry is read as one experiment at its latest look.
        expected_split: Planned shares of A and B (``(50, 50)``); ``None`` skips
            the sample-ratio check.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        An [`Analysis`][promocore.stats.analysis.Analysis].

    Raises:
        ValidationError: bad counts or options.

    Examples:
        >>> a = analyze_conversions(10000, 1000, 10000, 1100, tau=0.01, expected_split=(1, 1))
        >>> round(a.difference.p_value, 4), round(a.lift.estimate, 2), a.srm.mismatch
        (0.0211, 0.1, False)
    """
    difference = compare_proportions(
        n_a,
        successes_a,
        n_b,
        successes_b,
        test=test,
        interval=interval,
        exact=exact,
        alpha=alpha,
        alternative=alternative,
    )
    lift = lift_proportions(
        n_a, successes_a, n_b, successes_b, method=lift_method, alpha=alpha, alternative=alternative
    )
    sequential = None
    if tau is not None:
        sequential = msprt_proportions(
            n_a, successes_a, n_b, successes_b, tau=tau, alpha=alpha, axis=None
        )
    return Analysis("conversion", difference, lift, sequential, _srm(n_a, n_b, expected_split))


@quiet
def analyze_means(
    n_a: object,
    sum_a: object,
    sumsq_a: object,
    n_b: object,
    sum_b: object,
    sumsq_b: object,
    *,
    lift_method: str = "delta-log",
    tau: float | None = None,
    expected_split: Sequence[float] | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> Analysis:
    """Analyse a metric's mean from sufficient statistics: Welch, lift, mSPRT and SRM.

    Args:
        n_a: Users in A; scalar or array, one entry per experiment.
        sum_a: Sum of the metric over A.
        sumsq_a: Sum of squares over A.
        n_b: Users in B.
        sum_b: Sum of the metric over B.
        sumsq_b: Sum of squares over B.
        lift_method: ``"delta-log"`` or ``"fieller"``.
        tau: Mixture scale for the always-valid p-value; ``None`` skips it.
        expected_split: Planned shares of A and B; ``None`` skips the SRM check.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        An [`Analysis`][promocore.stats.analysis.Analysis].

    Raises:
        ValidationError: bad statistics or options.
    """
    stats = (n_a, sum_a, sumsq_a, n_b, sum_b, sumsq_b)
    difference = welch_test(*stats, alpha=alpha, alternative=alternative)
    lift = lift_means(*stats, method=lift_method, alpha=alpha, alternative=alternative)
    sequential = None
    if tau is not None:
        sequential = msprt_means(*stats, tau=tau, alpha=alpha, axis=None)
    return Analysis("mean", difference, lift, sequential, _srm(n_a, n_b, expected_split))


def _srm(n_a: object, n_b: object, expected_split: Sequence[float] | None) -> SRMResult | None:
    if expected_split is None:
        return None
    if isinstance(expected_split, str | bytes) or not isinstance(expected_split, Iterable):
        raise ValidationError.single(
            "expected_split", "must be the planned shares of A and B, such as (50, 50)"
        )
    counts = np.stack(
        np.broadcast_arrays(np.asarray(n_a, dtype=float), np.asarray(n_b, dtype=float)), axis=-1
    )
    return srm_check(counts, list(expected_split))
