"""Power, sample size and minimum detectable effect for a difference of means.

Plans for a z-test with a common standard deviation; see
[`promocore.stats.design`][promocore.stats.design].
"""

from __future__ import annotations

import numpy as np

from promocore._arrays import Inputs, is_scalar, quiet
from promocore.stats._design import (
    STEPS,
    baseline_mean_of,
    check_direction,
    common_options,
    critical,
    design_result,
    normal_power,
    positive_std,
)
from promocore.stats._dist import norm_ppf
from promocore.stats.design import DesignResult


@quiet
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
        A [`DesignResult`][promocore.stats.design.DesignResult].

    Raises:
        ValidationError: a bad standard deviation, size or option.

    Examples:
        >>> round(power_means(std=1.0, effect=0.1, n_a=1571).power, 3)
        0.8
    """
    v = Inputs()
    level, r = common_options(v, alpha, alternative, ratio)
    sd = positive_std(v, std)
    delta = v.number("effect", effect)
    n = v.number("n_a", n_a)
    v.flag("n_a", n < 1, "must be >= 1", n)
    base = baseline_mean_of(v, baseline_mean)
    sd, delta, n, r, base = v.broadcast(std=sd, effect=delta, n_a=n, ratio=r, baseline_mean=base)
    v.done()
    spread = sd * np.sqrt(1 / n + 1 / (n * r))
    power = normal_power(delta, spread, spread, critical(level, alternative), alternative)
    return design_result(
        "mean", base, delta, n, n * r, power, level, alternative, is_scalar(sd, delta, n, r)
    )


@quiet
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
        A [`DesignResult`][promocore.stats.design.DesignResult] with whole-number sizes.

    Raises:
        ValidationError: a bad standard deviation, effect or option.

    Examples:
        >>> int(sample_size_means(std=1.0, effect=0.1).n_a)
        1570
    """
    v = Inputs()
    level, r = common_options(v, alpha, alternative, ratio)
    sd = positive_std(v, std)
    delta = v.number("effect", effect)
    target = v.probability("power", power)
    base = baseline_mean_of(v, baseline_mean)
    sd, delta, target, r, base = v.broadcast(
        std=sd, effect=delta, power=target, ratio=r, baseline_mean=base
    )
    check_direction(v, delta, alternative)
    v.done()
    z_a = critical(level, alternative)
    n = np.ceil((z_a + norm_ppf(target)) ** 2 * sd * sd * (1 + 1 / r) / (delta * delta))
    n_b = np.ceil(n * r)
    spread = sd * np.sqrt(1 / n + 1 / n_b)
    reached = normal_power(delta, spread, spread, z_a, alternative)
    return design_result(
        "mean", base, delta, n, n_b, reached, level, alternative, is_scalar(sd, delta, target, r)
    )


@quiet
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
        A [`DesignResult`][promocore.stats.design.DesignResult].

    Raises:
        ValidationError: a bad standard deviation, size or option.

    Examples:
        >>> round(mde_means(std=1.0, n_a=1571).effect, 3)
        0.1
    """
    v = Inputs()
    level, r = common_options(v, alpha, alternative, ratio)
    sd = positive_std(v, std)
    n = v.number("n_a", n_a)
    v.flag("n_a", n < 1, "must be >= 1", n)
    target = v.probability("power", power)
    base = baseline_mean_of(v, baseline_mean)
    sd, n, r, target, base = v.broadcast(std=sd, n_a=n, ratio=r, power=target, baseline_mean=base)
    v.done()
    z = critical(level, alternative)
    spread = sd * np.sqrt(1 / n + 1 / (n * r))
    sign = -1.0 if alternative == "less" else 1.0
    # Start from the one-tail closed form, then bisect to include a two-sided test's far tail.
    hi = (z + norm_ppf(target)) * spread * 1.0001
    lo = np.zeros_like(hi)
    for _ in range(STEPS):
        mid = (lo + hi) / 2
        enough = normal_power(sign * mid, spread, spread, z, alternative) >= target
        lo, hi = np.where(enough, lo, mid), np.where(enough, mid, hi)
    return design_result(
        "mean", base, sign * hi, n, n * r, target, level, alternative, is_scalar(sd, n, r, target)
    )
