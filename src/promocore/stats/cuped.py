"""CUPED: less noisy comparisons using each user's pre-period value of the metric.

Spend before the campaign predicts spend during it. CUPED subtracts the
predictable part, ``y' = y − θ·(x − mean(x))`` with ``x`` the pre-period value
and ``θ = cov(x, y) / var(x)`` estimated on both arms pooled. Because ``x`` was
measured before assignment, the adjustment does not bias the difference of
means, and it shrinks the variance by the share ``ρ²`` that ``x`` explains.

[`cuped`][promocore.stats.cuped.cuped] works on per-arm sufficient statistics (sums, sums of squares
and the sum of cross-products) and returns adjusted sufficient statistics, ready for
[`welch_test`][promocore.stats.welch_test], [`lift_means`][promocore.stats.lift_means] or
[`msprt_means`][promocore.stats.msprt_means]; with θ held fixed they are exactly the statistics of
the adjusted per-user values.
"""

from __future__ import annotations

from typing import NamedTuple

import attrs
import numpy as np

from promocore._arrays import FloatArray, Inputs, is_scalar, quiet
from promocore.stats._notes import Notes
from promocore.stats.results import ResultMixin, Value, finish, fmt


class CovariateSummary(NamedTuple):
    """Sufficient statistics of a metric ``y`` and its pre-period value ``x`` in one arm."""

    n: int
    sum: float
    sumsq: float
    pre_sum: float
    pre_sumsq: float
    cross: float


@quiet
def summarize_with_covariate(values: object, pre_values: object) -> CovariateSummary:
    """Return the statistics [`cuped`][promocore.stats.cuped.cuped] needs from raw per-user values.

    Args:
        values: The metric during the experiment, one per user.
        pre_values: The same users' metric in the pre-period, in the same order.

    Returns:
        A [`CovariateSummary`][promocore.stats.cuped.CovariateSummary].

    Raises:
        ValidationError: not 1-D finite arrays of the same length.

    Examples:
        >>> summarize_with_covariate([1.0, 2.0], [0.0, 1.0])
        CovariateSummary(n=2, sum=3.0, sumsq=5.0, pre_sum=1.0, pre_sumsq=1.0, cross=2.0)
    """
    v = Inputs()
    y = v.number("values", values)
    x = v.number("pre_values", pre_values)
    if y.ndim != 1 or x.shape != y.shape:
        v.checks.add("pre_values", f"must be 1-D and match values (shapes {y.shape} and {x.shape})")
    v.done()
    return CovariateSummary(
        int(y.size), float(y.sum()), float(y @ y), float(x.sum()), float(x @ x), float(x @ y)
    )


@attrs.frozen(eq=False, repr=False)
class CupedResult(ResultMixin):
    """Adjusted sufficient statistics of both arms.

    Attributes:
        theta: The adjustment coefficient ``cov(x, y) / var(x)`` (pooled).
        n_a: Users in A.
        sum_a: Sum of the adjusted metric in A.
        sumsq_a: Sum of squares of the adjusted metric in A.
        n_b: Users in B.
        sum_b: Sum of the adjusted metric in B.
        sumsq_b: Sum of squares of the adjusted metric in B.
        variance_reduction: Share of the pooled within-arm variance removed
            (about ``ρ²``); 0 means the covariate did not help.
        warnings: Human-readable caveats.
    """

    theta: Value
    n_a: Value
    sum_a: Value
    sumsq_a: Value
    n_b: Value
    sum_b: Value
    sumsq_b: Value
    variance_reduction: Value
    warnings: tuple[str, ...] = ()

    def sufficient_statistics(self) -> tuple[Value, Value, Value, Value, Value, Value]:
        """Return ``(n_a, sum_a, sumsq_a, n_b, sum_b, sumsq_b)`` for the mean tests.

        Examples:
            ``welch_test(*cuped(...).sufficient_statistics())``
        """
        return (self.n_a, self.sum_a, self.sumsq_a, self.n_b, self.sum_b, self.sumsq_b)

    def __repr__(self) -> str:
        if isinstance(self.theta, float):
            reduction = float(self.variance_reduction)
            body = f"theta={fmt(self.theta)}, variance_reduction={fmt(reduction)}"
        else:
            body = f"{self.theta.size} experiments"
        return f"CupedResult({body})"


@quiet
def cuped(
    *,
    n_a: object,
    sum_a: object,
    sumsq_a: object,
    pre_sum_a: object,
    pre_sumsq_a: object,
    cross_a: object,
    n_b: object,
    sum_b: object,
    sumsq_b: object,
    pre_sum_b: object,
    pre_sumsq_b: object,
    cross_b: object,
) -> CupedResult:
    """Adjust both arms' statistics by a pre-period covariate.

    Per arm: users ``n``, ``sum`` and ``sumsq`` of the metric ``y``,
    ``pre_sum`` and ``pre_sumsq`` of the pre-period value ``x``, and ``cross``
    = ``Σ x·y``. Every argument may be an array, one entry per experiment.
    Users without pre-period data should enter with ``x = 0`` (and ideally a
    "new user" segment of their own).

    Returns:
        A [`CupedResult`][promocore.stats.cuped.CupedResult] whose adjusted statistics feed the mean
        tests.

    Raises:
        ValidationError: a statistic not finite, ``n < 2``, or sums of squares
            too small for their sums.

    Examples:
        >>> r = cuped(n_a=3, sum_a=6, sumsq_a=14, pre_sum_a=3, pre_sumsq_a=5, cross_a=8,
        ...           n_b=3, sum_b=9, sumsq_b=29, pre_sum_b=3, pre_sumsq_b=5, cross_b=11)
        >>> round(r.theta, 6)
        1.0
    """
    v = Inputs()
    names = ("n", "sum", "sumsq", "pre_sum", "pre_sumsq", "cross")
    given = (
        n_a,
        sum_a,
        sumsq_a,
        pre_sum_a,
        pre_sumsq_a,
        cross_a,
        n_b,
        sum_b,
        sumsq_b,
        pre_sum_b,
        pre_sumsq_b,
        cross_b,
    )
    keys = [f"{name}_{arm}" for arm in "ab" for name in names]
    raw = {
        k: (v.count(k, g) if k.startswith("n_") else v.number(k, g))
        for k, g in zip(keys, given, strict=True)
    }
    scalar = is_scalar(*raw.values())
    arrays = dict(zip(keys, v.broadcast(**raw), strict=True))
    for arm in "ab":
        n = arrays[f"n_{arm}"]
        v.flag(f"n_{arm}", n < 2, "must be >= 2", n)
        for total, squares in (("sum", "sumsq"), ("pre_sum", "pre_sumsq")):
            s, q = arrays[f"{total}_{arm}"], arrays[f"{squares}_{arm}"]
            with np.errstate(invalid="ignore", divide="ignore"):
                short = q < s * s / n - 1e-9 * np.maximum(np.abs(q), 1.0)
            v.flag(
                f"{squares}_{arm}", short & (n >= 2), f"must be >= {total}_{arm}**2 / n_{arm}", q
            )
    v.done()
    a = _Arm(*(arrays[f"{name}_a"] for name in names))
    b = _Arm(*(arrays[f"{name}_b"] for name in names))
    n_all = a.n + b.n
    x_bar = (a.x + b.x) / n_all
    y_bar = (a.y + b.y) / n_all
    sxx = a.xx + b.xx - n_all * x_bar * x_bar
    sxy = a.xy + b.xy - n_all * x_bar * y_bar
    notes = Notes(scalar)
    flat = ~(sxx > 0)
    notes.add("the pre-period covariate is constant: no adjustment made", flat)
    with np.errstate(invalid="ignore", divide="ignore"):
        theta = np.where(flat, 0.0, sxy / np.where(flat, 1.0, sxx))
    adjusted = [arm.adjusted(theta, x_bar) for arm in (a, b)]
    before = a.within_ss_y() + b.within_ss_y()
    after = sum(arm.within_ss(s, q) for arm, (s, q) in zip((a, b), adjusted, strict=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        reduction = np.where(before > 0, 1 - after / before, 0.0)
    return CupedResult(
        theta=finish(theta, scalar),
        n_a=finish(a.n, scalar),
        sum_a=finish(adjusted[0][0], scalar),
        sumsq_a=finish(adjusted[0][1], scalar),
        n_b=finish(b.n, scalar),
        sum_b=finish(adjusted[1][0], scalar),
        sumsq_b=finish(adjusted[1][1], scalar),
        variance_reduction=finish(reduction, scalar),
        warnings=notes.result(),
    )


@attrs.frozen
class _Arm:
    n: FloatArray
    y: FloatArray
    yy: FloatArray
    x: FloatArray
    xx: FloatArray
    xy: FloatArray

    def adjusted(self, theta: FloatArray, x_bar: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Sum and sum of squares of ``y − θ (x − x̄)`` over the arm."""
        centred_x = self.x - self.n * x_bar
        centred_xx = self.xx - 2 * x_bar * self.x + self.n * x_bar * x_bar
        centred_xy = self.xy - x_bar * self.y
        total = self.y - theta * centred_x
        squares = self.yy - 2 * theta * centred_xy + theta * theta * centred_xx
        return total, np.maximum(squares, total * total / self.n)

    def within_ss_y(self) -> FloatArray:
        return self.within_ss(self.y, self.yy)

    def within_ss(self, total: FloatArray, squares: FloatArray) -> FloatArray:
        return np.maximum(squares - total * total / self.n, 0.0)
