"""Planning a test: power, sample size and minimum detectable effect.

For conversions the test planned for is the pooled two-proportion z-test
(variance under the null from the pooled rate, under the alternative from the
two rates); for means it is a z-test with a common standard deviation. Both
are normal approximations. ``ratio`` is ``n_b / n_a`` (1 for an even split).
Every argument may be an array, one entry per scenario.
"""

from __future__ import annotations

import attrs
import numpy as np

from promocore.stats._dist import norm_cdf, norm_ppf
from promocore.stats._notes import Notes
from promocore.stats._validate import FloatArray, Inputs, is_scalar
from promocore.stats.results import ResultMixin, Value, finish, fmt, shape_of

#: Bisection steps for the minimum detectable effect.
_STEPS = 80


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


def _z(alpha: float, alternative: str) -> float:
    return float(norm_ppf(1 - (alpha / 2 if alternative == "two-sided" else alpha)))


def _power(
    effect: FloatArray, sd_null: FloatArray, sd_alt: FloatArray, z: float, alternative: str
) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        up = norm_cdf((effect - z * sd_null) / sd_alt)
        down = norm_cdf((-effect - z * sd_null) / sd_alt)
    if alternative == "greater":
        return up
    if alternative == "less":
        return down
    return up + down


def _proportion_sds(
    p_a: FloatArray, p_b: FloatArray, n_a: FloatArray, ratio: FloatArray
) -> tuple[FloatArray, FloatArray]:
    n_b = n_a * ratio
    pooled = (p_a * n_a + p_b * n_b) / (n_a + n_b)
    sd_null = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    sd_alt = np.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    return sd_null, sd_alt


def _common(v: Inputs, alpha: float, alternative: str, ratio: object) -> tuple[float, FloatArray]:
    level = v.alpha(alpha)
    v.alternative(alternative)
    r = v.number("ratio", ratio)
    v.flag("ratio", r <= 0, "must be > 0", r)
    return level, r


def _effects(v: Inputs, baseline: FloatArray, effect: object, relative: bool) -> FloatArray:
    e = v.number("effect", effect)
    return e * baseline if relative else e


def power_proportions(
    *,
    baseline: object,
    effect: object,
    n_a: object,
    ratio: object = 1.0,
    relative: bool = False,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> DesignResult:
    """Power of the pooled two-proportion z-test.

    Args:
        baseline: Control conversion rate ``p_a`` (0 < p < 1).
        effect: Effect to detect: ``p_b − p_a``, or ``p_b / p_a − 1`` with ``relative``.
        n_a: Users in A.
        ratio: ``n_b / n_a``.
        relative: Read ``effect`` as a relative lift.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        A :class:`DesignResult`.

    Raises:
        ValidationError: a rate outside (0, 1) (including ``p_b``), or a bad size or option.

    Example:
        >>> round(power_proportions(baseline=0.1, effect=0.01, n_a=10000).power, 4)
        0.6356
    """
    v = Inputs()
    level, r = _common(v, alpha, alternative, ratio)
    p_a = v.probability("baseline", baseline)
    delta = _effects(v, p_a, effect, relative)
    n = v.number("n_a", n_a)
    v.flag("n_a", n < 1, "must be >= 1", n)
    p_a, delta, n, r = v.broadcast(baseline=p_a, effect=delta, n_a=n, ratio=r)
    _check_target_rate(v, p_a, delta)
    v.done()
    sd_null, sd_alt = _proportion_sds(p_a, p_a + delta, n, r)
    power = _power(delta, sd_null, sd_alt, _z(level, alternative), alternative)
    return _result(
        "proportion", p_a, delta, n, n * r, power, level, alternative, is_scalar(p_a, delta, n, r)
    )


def sample_size_proportions(
    *,
    baseline: object,
    effect: object,
    power: object = 0.8,
    ratio: object = 1.0,
    relative: bool = False,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> DesignResult:
    """Users needed per arm to detect ``effect`` with the given power.

    Uses the usual closed form ``n_a = ((z_α·σ₀ + z_β·σ₁) / effect)²`` (the far
    tail of a two-sided test ignored), rounded up; ``power`` in the result is
    the power actually reached at the rounded sizes.

    Args:
        baseline: Control conversion rate ``p_a``.
        effect: Effect to detect (absolute, or relative with ``relative``); not 0.
            For a one-sided test it must point the way of ``alternative``.
        power: Target power, e.g. 0.8.
        ratio: ``n_b / n_a``.
        relative: Read ``effect`` as a relative lift.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        A :class:`DesignResult` with ``n_a`` and ``n_b`` whole numbers.

    Raises:
        ValidationError: bad rates, a zero or wrong-way effect, or a bad option.

    Example:
        >>> r = sample_size_proportions(baseline=0.1, effect=0.01)
        >>> int(r.n_a), int(r.n_b)
        (14751, 14751)
    """
    v = Inputs()
    level, r = _common(v, alpha, alternative, ratio)
    p_a = v.probability("baseline", baseline)
    delta = _effects(v, p_a, effect, relative)
    target = v.probability("power", power)
    p_a, delta, target, r = v.broadcast(baseline=p_a, effect=delta, power=target, ratio=r)
    _check_target_rate(v, p_a, delta)
    _check_direction(v, delta, alternative)
    v.done()
    p_b = p_a + delta
    pooled = (p_a + r * p_b) / (1 + r)
    unit_null = np.sqrt(pooled * (1 - pooled) * (1 + 1 / r))
    unit_alt = np.sqrt(p_a * (1 - p_a) + p_b * (1 - p_b) / r)
    z_a, z_b = _z(level, alternative), norm_ppf(target)
    n = np.ceil(((z_a * unit_null + z_b * unit_alt) / delta) ** 2)
    n_b = np.ceil(n * r)
    sd_null, sd_alt = _proportion_sds(p_a, p_b, n, n_b / n)
    reached = _power(delta, sd_null, sd_alt, z_a, alternative)
    return _result(
        "proportion",
        p_a,
        delta,
        n,
        n_b,
        reached,
        level,
        alternative,
        is_scalar(p_a, delta, target, r),
    )


def mde_proportions(
    *,
    baseline: object,
    n_a: object,
    ratio: object = 1.0,
    power: object = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> DesignResult:
    """Smallest effect ``p_b − p_a`` detected with the given power and sizes.

    Solved exactly (by bisection) for the power formula of
    :func:`power_proportions`. Upward effects are reported, downward for
    ``alternative="less"``. ``relative_effect`` gives the relative MDE.

    Args:
        baseline: Control conversion rate ``p_a``.
        n_a: Users in A.
        ratio: ``n_b / n_a``.
        power: Target power.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        A :class:`DesignResult`; ``effect`` is ``nan`` where even the largest
        possible effect does not reach the power (with a warning).

    Raises:
        ValidationError: bad rates, sizes or options.

    Example:
        >>> round(mde_proportions(baseline=0.1, n_a=14751).effect, 4)
        0.01
    """
    v = Inputs()
    level, r = _common(v, alpha, alternative, ratio)
    p_a = v.probability("baseline", baseline)
    n = v.number("n_a", n_a)
    v.flag("n_a", n < 1, "must be >= 1", n)
    target = v.probability("power", power)
    p_a, n, r, target = v.broadcast(baseline=p_a, n_a=n, ratio=r, power=target)
    v.done()
    z = _z(level, alternative)
    sign = -1.0 if alternative == "less" else 1.0
    lo = np.zeros_like(p_a)
    hi = np.where(sign > 0, 1 - p_a, p_a) * (1 - 1e-12)
    for _ in range(_STEPS):
        mid = (lo + hi) / 2
        sd_null, sd_alt = _proportion_sds(p_a, p_a + sign * mid, n, r)
        enough = _power(sign * mid, sd_null, sd_alt, z, alternative) >= target
        lo, hi = np.where(enough, lo, mid), np.where(enough, mid, hi)
    sd_null, sd_alt = _proportion_sds(p_a, p_a + sign * hi, n, r)
    reached = _power(sign * hi, sd_null, sd_alt, z, alternative)
    unreachable = reached < target - 1e-9
    effect = np.where(unreachable, np.nan, sign * hi)
    scalar = is_scalar(p_a, n, r, target)
    notes = Notes(scalar)
    notes.add("the target power cannot be reached at these sizes", unreachable)
    return _result(
        "proportion",
        p_a,
        effect,
        n,
        n * r,
        np.where(unreachable, reached, target),
        level,
        alternative,
        scalar,
        notes,
    )


def power_means(
    *,
    std: object,
    effect: object,
    n_a: object,
    ratio: object = 1.0,
    baseline_mean: object = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> DesignResult:
    """Power of a z-test of a difference of means with a common standard deviation.

    Args:
        std: Standard deviation of the metric per user.
        effect: Difference of means ``mean_b − mean_a`` to detect.
        n_a: Users in A.
        ratio: ``n_b / n_a``.
        baseline_mean: Control mean, only to report ``relative_effect``.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        A :class:`DesignResult`.

    Raises:
        ValidationError: a bad standard deviation, size or option.

    Example:
        >>> round(power_means(std=1.0, effect=0.1, n_a=1571).power, 3)
        0.8
    """
    v = Inputs()
    level, r = _common(v, alpha, alternative, ratio)
    sd = _std(v, std)
    delta = v.number("effect", effect)
    n = v.number("n_a", n_a)
    v.flag("n_a", n < 1, "must be >= 1", n)
    base = _baseline(v, baseline_mean)
    sd, delta, n, r, base = v.broadcast(std=sd, effect=delta, n_a=n, ratio=r, baseline_mean=base)
    v.done()
    spread = sd * np.sqrt(1 / n + 1 / (n * r))
    power = _power(delta, spread, spread, _z(level, alternative), alternative)
    return _result(
        "mean", base, delta, n, n * r, power, level, alternative, is_scalar(sd, delta, n, r)
    )


def sample_size_means(
    *,
    std: object,
    effect: object,
    power: object = 0.8,
    ratio: object = 1.0,
    baseline_mean: object = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> DesignResult:
    """Users needed per arm to detect a difference of means.

    ``n_a = (z_α + z_β)² · std² · (1 + 1/ratio) / effect²``, rounded up; the
    reported ``power`` is the power reached at the rounded sizes.

    Args:
        std: Standard deviation of the metric per user.
        effect: Difference of means to detect; not 0, and pointing the way of
            a one-sided ``alternative``.
        power: Target power.
        ratio: ``n_b / n_a``.
        baseline_mean: Control mean, only to report ``relative_effect``.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        A :class:`DesignResult` with whole-number sizes.

    Raises:
        ValidationError: a bad standard deviation, effect or option.

    Example:
        >>> int(sample_size_means(std=1.0, effect=0.1).n_a)
        1570
    """
    v = Inputs()
    level, r = _common(v, alpha, alternative, ratio)
    sd = _std(v, std)
    delta = v.number("effect", effect)
    target = v.probability("power", power)
    base = _baseline(v, baseline_mean)
    sd, delta, target, r, base = v.broadcast(
        std=sd, effect=delta, power=target, ratio=r, baseline_mean=base
    )
    _check_direction(v, delta, alternative)
    v.done()
    z_a = _z(level, alternative)
    n = np.ceil((z_a + norm_ppf(target)) ** 2 * sd * sd * (1 + 1 / r) / (delta * delta))
    n_b = np.ceil(n * r)
    spread = sd * np.sqrt(1 / n + 1 / n_b)
    reached = _power(delta, spread, spread, z_a, alternative)
    return _result(
        "mean", base, delta, n, n_b, reached, level, alternative, is_scalar(sd, delta, target, r)
    )


def mde_means(
    *,
    std: object,
    n_a: object,
    ratio: object = 1.0,
    power: object = 0.8,
    baseline_mean: object = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> DesignResult:
    """Smallest difference of means detected with the given power and sizes.

    Args:
        std: Standard deviation of the metric per user.
        n_a: Users in A.
        ratio: ``n_b / n_a``.
        power: Target power.
        baseline_mean: Control mean, to report the relative MDE.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"`` (negative MDE).

    Returns:
        A :class:`DesignResult`.

    Raises:
        ValidationError: a bad standard deviation, size or option.

    Example:
        >>> round(mde_means(std=1.0, n_a=1571).effect, 3)
        0.1
    """
    v = Inputs()
    level, r = _common(v, alpha, alternative, ratio)
    sd = _std(v, std)
    n = v.number("n_a", n_a)
    v.flag("n_a", n < 1, "must be >= 1", n)
    target = v.probability("power", power)
    base = _baseline(v, baseline_mean)
    sd, n, r, target, base = v.broadcast(std=sd, n_a=n, ratio=r, power=target, baseline_mean=base)
    v.done()
    z = _z(level, alternative)
    spread = sd * np.sqrt(1 / n + 1 / (n * r))
    sign = -1.0 if alternative == "less" else 1.0
    # Start from the one-tail closed form, then bisect to include a two-sided test's far tail.
    hi = (z + norm_ppf(target)) * spread * 1.0001
    lo = np.zeros_like(hi)
    for _ in range(_STEPS):
        mid = (lo + hi) / 2
        enough = _power(sign * mid, spread, spread, z, alternative) >= target
        lo, hi = np.where(enough, lo, mid), np.where(enough, mid, hi)
    return _result(
        "mean", base, sign * hi, n, n * r, target, level, alternative, is_scalar(sd, n, r, target)
    )


def _baseline(v: Inputs, baseline_mean: object) -> FloatArray:
    if baseline_mean is None:
        return np.asarray(np.nan)
    return v.number("baseline_mean", baseline_mean)


def _std(v: Inputs, std: object) -> FloatArray:
    sd = v.number("std", std)
    v.flag("std", sd <= 0, "must be > 0", sd)
    return sd


def _check_target_rate(v: Inputs, p_a: FloatArray, delta: FloatArray) -> None:
    p_b = p_a + delta
    v.flag("effect", (p_b <= 0) | (p_b >= 1), "puts the treatment rate outside (0, 1)", delta)


def _check_direction(v: Inputs, delta: FloatArray, alternative: str) -> None:
    v.flag("effect", delta == 0, "must not be 0", delta)
    if alternative == "greater":
        v.flag("effect", delta < 0, "must be > 0 for alternative='greater'", delta)
    elif alternative == "less":
        v.flag("effect", delta > 0, "must be < 0 for alternative='less'", delta)


def _result(
    metric: str,
    baseline: FloatArray,
    effect: FloatArray,
    n_a: FloatArray,
    n_b: FloatArray,
    power: FloatArray,
    alpha: float,
    alternative: str,
    scalar: bool,
    notes: Notes | None = None,
) -> DesignResult:
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = effect / baseline
    method = (
        "normal approximation, pooled variance under the null"
        if metric == "proportion"
        else "normal approximation, common standard deviation"
    )
    return DesignResult(
        metric=metric,
        baseline=finish(baseline, scalar),
        effect=finish(effect, scalar),
        relative_effect=finish(relative, scalar),
        n_a=finish(n_a, scalar),
        n_b=finish(n_b, scalar),
        power=finish(power, scalar),
        alpha=alpha,
        alternative=alternative,
        method=method,
        warnings=notes.result() if notes else (),
    )
