"""Sequential tests for teams that look at results while the campaign runs.

Checking a fixed-horizon p-value every day and stopping at the first
``p < 0.05`` inflates false positives far above 5 %. The mixture sequential
probability ratio test (mSPRT, Johari et al., "Always valid inference") gives a
p-value that may be checked at every look: with a normal mixture ``N(0, tau²)``
over the effect, the likelihood ratio of the difference estimate ``d`` with
variance ``V`` is:

    Λ = sqrt(V / (V + tau²)) · exp(tau² d² / (2 V (V + tau²)))

The always-valid p-value is the running minimum of ``1 / Λ`` over the looks,
and the matching confidence sequence is the running intersection of the sets
``{θ : Λ(θ) < 1 / alpha}``; so ``p < alpha`` exactly when the sequence excludes 0.

``tau`` is on the scale of the effect (a difference of rates or of means); pick
it with [`choose_tau`][promocore.stats.sequential.choose_tau].
"""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from promocore._arrays import FloatArray, Inputs, quiet
from promocore.stats._inputs import conversions, mean_stats
from promocore.stats._notes import ILL_CONDITIONED, NO_EVIDENCE_YET, ZERO_VARIANCE, Notes
from promocore.stats.results import SequentialResult, finish

T = TypeVar("T", bound=np.generic)


@quiet
def msprt_proportions(
    n_a: object,
    successes_a: object,
    n_b: object,
    successes_b: object,
    *,
    tau: float,
    alpha: float = 0.05,
    axis: int | None = -1,
    previous: SequentialResult | None = None,
) -> SequentialResult:
    """Mixture SPRT on conversion counts, cumulative at each look.

    Args:
        n_a: Cumulative users in A at each look.
        successes_a: Cumulative conversions in A at each look.
        n_b: Cumulative users in B at each look.
        successes_b: Cumulative conversions in B at each look.
        tau: Standard deviation of the normal mixture over the rate difference.
        alpha: Level of the confidence sequence.
        axis: Axis along which the looks run (default: the last). ``None``
            treats every entry as a separate experiment seen once, which is
            what to pass for many experiments at their latest look.
        previous: The result of earlier looks, to continue the running minimum
            and intersection when only the new looks are passed.

    Returns:
        A [`SequentialResult`][promocore.stats.SequentialResult] for the latest look, with
        one entry per experiment (the looks axis removed).

    Raises:
        ValidationError: bad counts or options, users decreasing between looks,
            or ``previous`` made with another ``tau`` or ``alpha``.

    Examples:
        >>> r = msprt_proportions([5000, 10000], [500, 1000], [5000, 10000], [560, 1120], tau=0.01)
        >>> r.looks, r.p_value < 0.05
        (2, False)
    """
    v = Inputs()
    data = conversions(v, n_a, successes_a, n_b, successes_b)
    level, mix = _options(v, tau, alpha, previous)
    _check_looks(v, {"n_a": data.n_a, "n_b": data.n_b}, axis)
    v.done()
    p_a, p_b = data.p_a, data.p_b
    variance = p_a * (1 - p_a) / data.n_a + p_b * (1 - p_b) / data.n_b
    # All-or-nothing arms (every user converts, or none) have no plug-in variance although
    # they may differ completely: use the pooled one there, as the pooled z-test does.
    pooled = (data.x_a + data.x_b) / (data.n_a + data.n_b)
    all_or_nothing = (variance == 0) & (p_a != p_b)
    variance = np.where(
        all_or_nothing, pooled * (1 - pooled) * (1 / data.n_a + 1 / data.n_b), variance
    )
    notes = Notes(data.scalar)
    notes.add(
        "every arm converts all or nothing at a look: its variance is the pooled one",
        _latest(all_or_nothing, axis),
    )
    return _sequential(p_b - p_a, variance, mix, level, axis, previous, data.scalar, notes)


@quiet
def msprt_means(
    n_a: object,
    sum_a: object,
    sumsq_a: object,
    n_b: object,
    sum_b: object,
    sumsq_b: object,
    *,
    tau: float,
    alpha: float = 0.05,
    axis: int | None = -1,
    previous: SequentialResult | None = None,
) -> SequentialResult:
    """Mixture SPRT on a metric's sufficient statistics, cumulative at each look.

    Args:
        n_a: Cumulative users in A at each look (>= 2).
        sum_a: Cumulative sum of the metric in A.
        sumsq_a: Cumulative sum of squares in A.
        n_b: Cumulative users in B at each look (>= 2).
        sum_b: Cumulative sum of the metric in B.
        sumsq_b: Cumulative sum of squares in B.
        tau: Standard deviation of the normal mixture over the mean difference.
        alpha: Level of the confidence sequence.
        axis: Axis of the looks, or ``None`` for one look per entry.
        previous: The result of earlier looks, to continue from.

    Returns:
        A [`SequentialResult`][promocore.stats.SequentialResult] for the latest look.

    Raises:
        ValidationError: bad statistics or options.
    """
    v = Inputs()
    data = mean_stats(v, n_a, sum_a, sumsq_a, n_b, sum_b, sumsq_b)
    level, mix = _options(v, tau, alpha, previous)
    _check_looks(v, {"n_a": data.n_a, "n_b": data.n_b}, axis)
    v.done()
    variance = data.var_a / data.n_a + data.var_b / data.n_b
    notes = Notes(data.scalar)
    notes.add(ILL_CONDITIONED, _latest(data.ill_conditioned, axis))
    return _sequential(
        data.mean_b - data.mean_a, variance, mix, level, axis, previous, data.scalar, notes
    )


@quiet
def choose_tau(
    *,
    alpha: float = 0.05,
    planned_n: float | None = None,
    unit_variance: float | None = None,
    baseline_rate: float | None = None,
    past_effects: object = None,
    past_std_errors: object = None,
) -> float:
    """Pick the mixture scale ``tau`` for `msprt_proportions` or `msprt_means`.

    Two ways, give the arguments of exactly one:

    * From a planned sample size: ``planned_n`` users per arm and the per-user
      variance of the metric (``unit_variance``, or ``baseline_rate`` for
      conversions, giving ``p(1 − p)``). Returns the ``tau`` that makes the
      confidence sequence narrowest at the planned size: ``tau² = r·V`` with
      ``V = 2·variance / planned_n`` and ``r`` solving ``r = 2·log(1/alpha) + log(1 + r)``.
    * From past effects: the estimated effects of comparable past experiments
      (and optionally their standard errors). Returns the method-of-moments
      spread of the true effects, ``sqrt(mean(effect²) − mean(se²))``.

    Args:
        alpha: Level the sequence will be run at.
        planned_n: Planned users per arm.
        unit_variance: Variance of the metric per user.
        baseline_rate: Expected conversion rate of the control (instead of
            ``unit_variance``).
        past_effects: Effects (differences) seen in past experiments.
        past_std_errors: Their standard errors, to remove their noise.

    Returns:
        ``tau``, a positive float.

    Raises:
        ValidationError: neither or both ways were given, a value is out of
            range, or the past effects are no larger than their noise.

    Examples:
        >>> round(choose_tau(planned_n=10000, baseline_rate=0.1), 5)
        0.01216
    """
    v = Inputs()
    level = v.alpha(alpha)
    planned = planned_n is not None
    past = past_effects is not None
    if planned == past:
        v.checks.add(
            "", "give either planned_n (with unit_variance or baseline_rate) or past_effects"
        )
        v.done()
    if planned:
        return _tau_for_plan(v, level, planned_n, unit_variance, baseline_rate)
    effects = v.number("past_effects", past_effects).reshape(-1)
    if effects.size == 0:
        v.checks.add("past_effects", "needs at least one effect")
    noise = 0.0
    if past_std_errors is not None:
        errors = v.number("past_std_errors", past_std_errors).reshape(-1)
        v.flag("past_std_errors", errors < 0, "must be >= 0", errors)
        if errors.size != effects.size:
            v.checks.add(
                "past_std_errors",
                f"must have one entry per past effect ({errors.size} != {effects.size})",
            )
        noise = float(np.mean(errors * errors)) if errors.size else 0.0
    v.done()
    spread = float(np.mean(effects * effects)) - noise
    if not spread > 0:
        v.checks.add(
            "past_effects", "are no larger than their standard errors: tau cannot be estimated"
        )
        v.done()
    return math.sqrt(spread)


def _tau_for_plan(
    v: Inputs,
    alpha: float,
    planned_n: float | None,
    unit_variance: float | None,
    baseline_rate: float | None,
) -> float:
    n = float(v.number("planned_n", planned_n))
    v.flag("planned_n", np.asarray(n < 2), "must be >= 2", np.asarray(n))
    if (unit_variance is None) == (baseline_rate is None):
        v.checks.add("", "with planned_n give exactly one of unit_variance or baseline_rate")
        v.done()
    if baseline_rate is not None:
        rate = float(v.probability("baseline_rate", baseline_rate))
        variance = rate * (1 - rate)
    else:
        variance = float(v.number("unit_variance", unit_variance))
        v.flag("unit_variance", np.asarray(variance <= 0), "must be > 0", np.asarray(variance))
    v.done()
    bound = 2 * math.log(1 / alpha)
    r = bound
    for _ in range(100):
        r = bound + math.log1p(r)
    return math.sqrt(r * 2 * variance / n)


def _options(
    v: Inputs, tau: float, alpha: float, previous: SequentialResult | None
) -> tuple[float, float]:
    level = v.alpha(alpha)
    given = v.number("tau", tau)
    mix = math.nan
    if np.ndim(given) != 0:
        v.checks.add_type("tau", "must be a single number, not an array")
    else:
        mix = float(given)
    if np.isfinite(mix) and mix <= 0:
        v.checks.add("tau", f"must be > 0 (got {tau!r})")
    if previous is not None and not isinstance(previous, SequentialResult):
        v.checks.add("previous", f"must be a SequentialResult, got {type(previous).__name__}")
    elif previous is not None and (previous.tau != mix or previous.alpha != level):
        v.checks.add(
            "previous",
            f"was computed with tau={previous.tau:g}, alpha={previous.alpha:g}; "
            f"got tau={mix:g}, alpha={level:g}",
        )
    return level, mix


def _check_looks(v: Inputs, counts: dict[str, FloatArray], axis: int | None) -> None:
    if axis is not None and (isinstance(axis, bool) or not isinstance(axis, int | np.integer)):
        v.checks.add("axis", f"must be a whole number or None, got {type(axis).__name__}")
        return
    for name, n in counts.items():
        if n.size == 0:
            v.checks.add(name, "needs at least one look (got an empty array)")
            return
        if axis is None or n.ndim == 0:
            continue
        if not -n.ndim <= axis < n.ndim:
            v.checks.add("axis", f"out of range for inputs of shape {n.shape}")
            return
        with np.errstate(invalid="ignore"):
            falling = np.diff(n, axis=axis) < 0
        pad = [(0, 0)] * n.ndim
        pad[axis] = (1, 0)
        v.flag(name, np.pad(falling, pad), "must not decrease from one look to the next", n)


def _last(values: npt.NDArray[T], axis: int) -> npt.NDArray[T]:
    """The entries of the latest look."""
    return np.asarray(np.take(values, -1, axis=axis))


def _latest(flags: npt.NDArray[np.bool_], axis: int | None) -> npt.NDArray[np.bool_]:
    """Flags per experiment: true if true at any look."""
    if axis is None or flags.ndim == 0:
        return flags
    return np.asarray(np.any(flags, axis=axis))


def _sequential(
    diff: FloatArray,
    variance: FloatArray,
    tau: float,
    alpha: float,
    axis: int | None,
    previous: SequentialResult | None,
    scalar: bool,
    notes: Notes,
) -> SequentialResult:
    tau2 = tau * tau
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        shrink = variance + tau2
        log_lr = 0.5 * np.log(variance / shrink) + tau2 * diff * diff / (2 * variance * shrink)
        half = np.sqrt(
            variance * shrink / tau2 * (2 * math.log(1 / alpha) + np.log(shrink / variance))
        )
    # No variance at a look: the limit of no noise. Differing estimates are then certain
    # (infinite ratio, the sequence pinned to the estimate); equal ones (nothing seen yet,
    # such as no conversions in either arm) count as no evidence.
    flat = ~(variance > 0)
    certain = flat & (diff != 0)
    empty = flat & ~certain
    log_lr = np.where(certain, np.inf, np.where(empty, 0.0, log_lr))
    p = np.exp(-np.maximum(log_lr, 0.0))  # = min(1, 1 / ratio), without overflow
    low = np.where(certain, diff, np.where(empty, -np.inf, diff - half))
    high = np.where(certain, diff, np.where(empty, np.inf, diff + half))
    looks = 1
    flat_latest, certain_latest = empty, certain
    if axis is not None and diff.ndim > 0:
        looks = diff.shape[axis]
        p = _last(np.minimum.accumulate(p, axis=axis), axis)
        low = _last(np.maximum.accumulate(low, axis=axis), axis)
        high = _last(np.minimum.accumulate(high, axis=axis), axis)
        diff, log_lr = _last(diff, axis), _last(log_lr, axis)
        flat_latest, certain_latest = _last(empty, axis), np.any(certain, axis=axis)
        scalar = scalar or diff.ndim == 0
    result_notes = Notes(scalar)
    result_notes.extend(notes.result())
    result_notes.add(NO_EVIDENCE_YET, flat_latest)
    result_notes.add(ZERO_VARIANCE, certain_latest)
    if previous is not None:
        looks += previous.looks
        p = np.minimum(p, previous.p_value)
        low = np.maximum(low, previous.interval[0])
        high = np.minimum(high, previous.interval[1])
        result_notes.extend(previous.warnings)
    result_notes.add(
        "the confidence sequence is empty: the effect does not look constant over time", low > high
    )
    with np.errstate(over="ignore"):
        ratio = np.exp(log_lr)  # inf where the evidence is overwhelming
    return SequentialResult(
        estimate=finish(diff, scalar),
        interval=(finish(low, scalar), finish(high, scalar)),
        p_value=finish(p, scalar),
        likelihood_ratio=finish(ratio, scalar),
        tau=tau,
        looks=looks,
        alpha=alpha,
        warnings=result_notes.result(),
    )
