"""Power, sample size and minimum detectable effect for conversion rates.

Plans for the pooled two-proportion z-test of
[`compare_proportions`][promocore.stats.compare_proportions]; see
[`promocore.stats.design`][promocore.stats.design].
"""

from __future__ import annotations

import numpy as np

from promocore._arrays import Inputs, is_scalar, quiet
from promocore.stats._design import (
    STEPS,
    absolute_effects,
    check_direction,
    check_target_rate,
    common_options,
    critical,
    design_result,
    normal_power,
    proportion_sds,
)
from promocore.stats._dist import norm_ppf
from promocore.stats._notes import Notes
from promocore.stats.design import DesignResult


@quiet
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
        A [`DesignResult`][promocore.stats.design.DesignResult].

    Raises:
        ValidationError: a rate outside (0, 1) (including ``p_b``), or a bad size or option.

    Examples:
        >>> round(power_proportions(baseline=0.1, effect=0.01, n_a=10000).power, 4)
        0.6356
    """
    v = Inputs()
    level, r = common_options(v, alpha, alternative, ratio)
    p_a = v.probability("baseline", baseline)
    delta = absolute_effects(v, p_a, effect, relative)
    n = v.number("n_a", n_a)
    v.flag("n_a", n < 1, "must be >= 1", n)
    p_a, delta, n, r = v.broadcast(baseline=p_a, effect=delta, n_a=n, ratio=r)
    check_target_rate(v, p_a, delta)
    v.done()
    sd_null, sd_alt = proportion_sds(p_a, p_a + delta, n, r)
    power = normal_power(delta, sd_null, sd_alt, critical(level, alternative), alternative)
    return design_result(
        "proportion", p_a, delta, n, n * r, power, level, alternative, is_scalar(p_a, delta, n, r)
    )


@quiet
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
        A [`DesignResult`][promocore.stats.design.DesignResult] with ``n_a`` and ``n_b`` whole
        numbers.

    Raises:
        ValidationError: bad rates, a zero or wrong-way effect, or a bad option.

    Examples:
        >>> r = sample_size_proportions(baseline=0.1, effect=0.01)
        >>> int(r.n_a), int(r.n_b)
        (14751, 14751)
    """
    v = Inputs()
    level, r = common_options(v, alpha, alternative, ratio)
    p_a = v.probability("baseline", baseline)
    delta = absolute_effects(v, p_a, effect, relative)
    target = v.probability("power", power)
    p_a, delta, target, r = v.broadcast(baseline=p_a, effect=delta, power=target, ratio=r)
    check_target_rate(v, p_a, delta)
    check_direction(v, delta, alternative)
    v.done()
    p_b = p_a + delta
    pooled = (p_a + r * p_b) / (1 + r)
    unit_null = np.sqrt(pooled * (1 - pooled) * (1 + 1 / r))
    unit_alt = np.sqrt(p_a * (1 - p_a) + p_b * (1 - p_b) / r)
    z_a, z_b = critical(level, alternative), norm_ppf(target)
    n = np.ceil(((z_a * unit_null + z_b * unit_alt) / delta) ** 2)
    n_b = np.ceil(n * r)
    sd_null, sd_alt = proportion_sds(p_a, p_b, n, n_b / n)
    reached = normal_power(delta, sd_null, sd_alt, z_a, alternative)
    return design_result(
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


@quiet
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
    [`power_proportions`][promocore.stats.design_proportions.power_proportions]. Upward effects are
    reported, downward for ``alternative="less"``. ``relative_effect`` gives the relative MDE.

    Args:
        baseline: Control conversion rate ``p_a``.
        n_a: Users in A.
        ratio: ``n_b / n_a``.
        power: Target power.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` or ``"less"``.

    Returns:
        A [`DesignResult`][promocore.stats.design.DesignResult]; ``effect`` is ``nan`` where even
        the largest possible effect does not reach the power (with a warning).

    Raises:
        ValidationError: bad rates, sizes or options.

    Examples:
        >>> round(mde_proportions(baseline=0.1, n_a=14751).effect, 4)
        0.01
    """
    v = Inputs()
    level, r = common_options(v, alpha, alternative, ratio)
    p_a = v.probability("baseline", baseline)
    n = v.number("n_a", n_a)
    v.flag("n_a", n < 1, "must be >= 1", n)
    target = v.probability("power", power)
    p_a, n, r, target = v.broadcast(baseline=p_a, n_a=n, ratio=r, power=target)
    v.done()
    z = critical(level, alternative)
    sign = -1.0 if alternative == "less" else 1.0
    lo = np.zeros_like(p_a)
    hi = np.where(sign > 0, 1 - p_a, p_a) * (1 - 1e-12)
    for _ in range(STEPS):
        mid = (lo + hi) / 2
        sd_null, sd_alt = proportion_sds(p_a, p_a + sign * mid, n, r)
        enough = normal_power(sign * mid, sd_null, sd_alt, z, alternative) >= target
        lo, hi = np.where(enough, lo, mid), np.where(enough, mid, hi)
    sd_null, sd_alt = proportion_sds(p_a, p_a + sign * hi, n, r)
    reached = normal_power(sign * hi, sd_null, sd_alt, z, alternative)
    unreachable = reached < target - 1e-9
    effect = np.where(unreachable, np.nan, sign * hi)
    scalar = is_scalar(p_a, n, r, target)
    notes = Notes(scalar)
    notes.add("the target power cannot be reached at these sizes", unreachable)
    return design_result(
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
