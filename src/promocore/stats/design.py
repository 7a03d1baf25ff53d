"""Planning a test: the result of the power, sample-size and MDE functions.

For conversions ([`promocore.stats.design_proportions`][promocore.stats.design_proportions]) the
test planned for is the pooled two-proportion z-test (variance under the null from the pooled rate,
under the alternative from the two rates); for means
([`promocore.stats.design_means`][promocore.stats.design_means]) it is a z-test with a common
standard deviation. Both are normal approximations. ``ratio`` is ``n_b / n_a`` (1 for an even
split). Every argument may be an array, one entry per scenario.
"""

from __future__ import annotations

import attrs
import numpy as np

from promocore.stats.results import ResultMixin, Value, fmt, shape_of


@attrs.frozen(eq=False, repr=False)
class DesignResult(ResultMixin):
    """The plan of a test: sizes, effect and power, consistent with each other.

    Attributes:
        metric: ``"proportion"`` or ``"mean"``.
        baseline: Control conversion rate, or control mean (``nan`` if not given).
        effect: Absolute effect ``B − A`` the plan is for.
        relative_effect: ``effect / baseline`` (``nan`` without a baseline).
        n_a: Users in A.
        n_b: Users in B.
        power: Probability of a significant result when ``effect`` is true.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.
        method: How the numbers were computed.
        warnings: Human-readable caveats.
    """

    metric: str
    baseline: Value
    effect: Value
    relative_effect: Value
    n_a: Value
    n_b: Value
    power: Value
    alpha: float
    alternative: str
    method: str
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        if shape_of(self.power) == ():
            body = (
                f"effect={fmt(float(self.effect))} (relative {fmt(float(self.relative_effect))}), "
                f"n_a={fmt(float(self.n_a))}, n_b={fmt(float(self.n_b))}, "
                f"power={fmt(float(self.power))}"
            )
        else:
            body = f"{np.size(self.power)} scenarios"
        options = f"alpha={self.alpha:g}, alternative={self.alternative!r}"
        return f"DesignResult({self.metric}: {body}, {options})"
