"""Shared pieces of the planning functions (power, sample size, MDE)."""

from __future__ import annotations

import numpy as np

from promocore._arrays import FloatArray, Inputs
from promocore.stats._dist import norm_cdf, norm_ppf
from promocore.stats._notes import Notes
from promocore.stats.design import DesignResult
from promocore.stats.results import finish

#: Bisection steps for the minimum detectable effect.
STEPS = 80


def critical(alpha: float, alternative: str) -> float:
    """Critical value of the planned z-test."""
    return float(norm_ppf(1 - (alpha / 2 if alternative == "two-sided" else alpha)))


def normal_power(
    effect: FloatArray, sd_null: FloatArray, sd_alt: FloatArray, z: float, alternative: str
) -> FloatArray:
    """Power of a z-test whose statistic has these spreads under the null and the alternative."""
    with np.errstate(invalid="ignore", divide="ignore"):
        up = norm_cdf((effect - z * sd_null) / sd_alt)
        down = norm_cdf((-effect - z * sd_null) / sd_alt)
    if alternative == "greater":
        return up
    if alternative == "less":
        return down
    return up + down


def proportion_sds(
    p_a: FloatArray, p_b: FloatArray, n_a: FloatArray, ratio: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Spreads of the rate difference under the null (pooled) and the alternative."""
    n_b = n_a * ratio
    pooled = (p_a * n_a + p_b * n_b) / (n_a + n_b)
    sd_null = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    sd_alt = np.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    return sd_null, sd_alt


def common_options(
    v: Inputs, alpha: float, alternative: str, ratio: object
) -> tuple[float, FloatArray]:
    """Check ``alpha``, ``alternative`` and ``ratio``; return the level and the ratio."""
    level = v.alpha(alpha)
    v.alternative(alternative)
    r = v.number("ratio", ratio)
    v.flag("ratio", r <= 0, "must be > 0", r)
    return level, r


def absolute_effects(v: Inputs, baseline: FloatArray, effect: object, relative: bool) -> FloatArray:
    """The effect as ``p_b − p_a``, converting a relative one."""
    e = v.number("effect", effect)
    return e * baseline if relative else e


def baseline_mean_of(v: Inputs, baseline_mean: object) -> FloatArray:
    """The control mean as an array, ``nan`` when not given."""
    if baseline_mean is None:
        return np.asarray(np.nan)
    return v.number("baseline_mean", baseline_mean)


def positive_std(v: Inputs, std: object) -> FloatArray:
    """Check a standard deviation (> 0)."""
    sd = v.number("std", std)
    v.flag("std", sd <= 0, "must be > 0", sd)
    return sd


def check_target_rate(v: Inputs, p_a: FloatArray, delta: FloatArray) -> None:
    """Require the treatment rate to stay inside (0, 1)."""
    p_b = p_a + delta
    v.flag("effect", (p_b <= 0) | (p_b >= 1), "puts the treatment rate outside (0, 1)", delta)


def check_direction(v: Inputs, delta: FloatArray, alternative: str) -> None:
    """Require a non-zero effect pointing the way of a one-sided alternative."""
    v.flag("effect", delta == 0, "must not be 0", delta)
    if alternative == "greater":
        v.flag("effect", delta < 0, "must be > 0 for alternative='greater'", delta)
    elif alternative == "less":
        v.flag("effect", delta > 0, "must be < 0 for alternative='less'", delta)


def design_result(
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
    """Assemble a [`DesignResult`][promocore.stats.design.DesignResult]."""
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
