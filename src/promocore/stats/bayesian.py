"""Bayesian read-outs: chance to win, expected loss (risk) and credible intervals.

Two models, both vectorised over experiments like the frequentist tests (scalars or arrays,
one entry per experiment, broadcast against each other):

* [`bayes_proportions`][promocore.stats.bayesian.bayes_proportions], ``model="beta-binomial"``
  (the default): each arm's conversion rate has a Beta posterior, ``Beta(α + successes,
  β + n − successes)``, from a [`BetaPrior`][promocore.stats.bayesian.BetaPrior] (uniform
  ``Beta(1, 1)`` unless told). With ``method="exact"`` the chance to win ``P(B > A)`` and
  the expected losses ``E[max(B − A, 0)]``, ``E[max(A − B, 0)]`` are integrated numerically
  (to about 1e-10); ``method="approximate"`` takes them from a log-normal approximation
  of ``B / A`` and a normal one of ``B − A``, exactly as GrowthBook's gbstats 0.5 did.
  Credible intervals: normal for ``B − A`` with the exact posterior moments, log-normal
  for ``B / A − 1`` with the exact moments of ``log B − log A`` (digamma and trigamma).
* ``model="gaussian"`` (for conversions) and
  [`bayes_means`][promocore.stats.bayesian.bayes_means] (for means): the effect itself gets
  a normal posterior. The data give the difference ``m_b − m_a`` with variance
  ``v_b/n_b + v_a/n_a``, and the relative lift ``(m_b − m_a)/m_a`` with the delta-method
  variance ``v_b/(m_a² n_b) + v_a m_b²/(m_a⁴ n_a)``; an
  [`EffectPrior`][promocore.stats.bayesian.EffectPrior] (a normal prior on the effect,
  stated on the relative or the absolute scale) is combined with them by precision
  weighting, or no prior (flat, uninformative) leaves them as they are. This is gbstats
  0.7 and 0.8's model, figure for figure.

More than two arms: give the control as ``(experiments, 1)`` arrays and the treatments as
``(experiments, arms − 1)`` arrays; every result field then has one column per treatment.

Where the models and gbstats differ is listed in the statistics reference.

Examples:
    >>> r = bayes_proportions(10000, 1000, 10000, 1100)
    >>> round(r.chance_to_win, 4), [round(x, 5) for x in r.risk]
    (0.9895, [0.01001, 2e-05])
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np

from promocore._arrays import BoolArray, FloatArray, Inputs, quiet
from promocore.errors import ValidationError
from promocore.stats._dist import norm_cdf, norm_ppf
from promocore.stats._inputs import conversions, mean_stats
from promocore.stats._notes import ILL_CONDITIONED, Notes
from promocore.stats.results import BayesianResult, PosteriorLift, finish

MODELS = ("beta-binomial", "gaussian")
METHODS = ("exact", "approximate")
SCALES = ("relative", "absolute")


def _positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValidationError.single(name, f"must be a number, got {type(value).__name__}")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValidationError.single(name, f"must be a finite number > 0 (got {value!r})")
    return number


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValidationError.single(name, f"must be a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError.single(name, f"must be a finite number (got {value!r})")
    return number


def _alpha_param(value: object) -> float:
    return _positive("alpha", value)


def _beta_param(value: object) -> float:
    return _positive("beta", value)


def _mean_param(value: object) -> float:
    return _finite("mean", value)


def _sd_param(value: object) -> float:
    return _positive("sd", value)


@attrs.frozen
class BetaPrior:
    """A Beta prior on a conversion rate.

    ``Beta(1, 1)`` (uniform) is the uninformative default. An informative prior can be read
    as pseudo-counts: ``Beta(α, β)`` weighs like ``α − 1`` conversions among ``α + β − 2``
    earlier users, so ``BetaPrior(11, 91)`` says "about 10 % from roughly 100 users".

    Attributes:
        alpha: First shape parameter (> 0).
        beta: Second shape parameter (> 0).
    """

    alpha: float = attrs.field(default=1.0, converter=_alpha_param)
    beta: float = attrs.field(default=1.0, converter=_beta_param)


@attrs.frozen
class EffectPrior:
    """A normal prior on the effect of B over A, for the Gaussian model.

    Attributes:
        mean: Prior mean of the effect (0: no expected lift).
        sd: Prior standard deviation (> 0): ``0.3`` on the relative scale says lifts beyond
            ±60 % are very unlikely.
        scale: ``"relative"`` (the prior is on ``B / A − 1``) or ``"absolute"``
            (on ``B − A``). For the other scale it is converted with the control's mean,
            as gbstats does: mean and sd multiplied (or divided) by ``|m_a|``.
    """

    sd: float = attrs.field(converter=_sd_param)
    mean: float = attrs.field(default=0.0, converter=_mean_param)
    scale: str = "relative"

    def __attrs_post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValidationError.single(
                "scale", f"must be 'relative' or 'absolute' (got {self.scale!r})"
            )


def _priors(prior: object) -> tuple[BetaPrior, BetaPrior]:
    if prior is None:
        return BetaPrior(), BetaPrior()
    if isinstance(prior, BetaPrior):
        return prior, prior
    if (
        isinstance(prior, tuple)
        and len(prior) == 2
        and all(isinstance(p, BetaPrior) for p in prior)
    ):
        return prior[0], prior[1]
    raise ValidationError.single(
        "prior",
        "the beta-binomial model takes a BetaPrior, or a pair (prior of A, prior of B)",
    )


@quiet
def bayes_proportions(
    n_a: object,
    successes_a: object,
    n_b: object,
    successes_b: object,
    *,
    model: str = "beta-binomial",
    prior: BetaPrior | tuple[BetaPrior, BetaPrior] | EffectPrior | None = None,
    method: str = "exact",
    alpha: float = 0.05,
) -> BayesianResult:
    """Bayesian comparison of two conversion rates.

    Args:
        n_a: Users in A; scalar or array, one entry per experiment (0 is allowed: the
            posterior is then the prior).
        successes_a: Conversions in A.
        n_b: Users in B.
        successes_b: Conversions in B.
        model: ``"beta-binomial"`` or ``"gaussian"`` (see the module documentation).
        prior: For the beta-binomial model a [`BetaPrior`][promocore.stats.BetaPrior] for
            both arms or a pair (A's, B's); for the Gaussian model an
            [`EffectPrior`][promocore.stats.EffectPrior] or ``None`` (flat).
        method: Beta-binomial only: ``"exact"`` or ``"approximate"`` chance to win and
            expected loss.
        alpha: Credible intervals have level ``1 − alpha``.

    Returns:
        A [`BayesianResult`][promocore.stats.BayesianResult].

    Raises:
        ValidationError: bad counts, options or prior.

    Examples:
        >>> r = bayes_proportions(10000, 1000, 10000, 1100, method="approximate")
        >>> round(r.chance_to_win, 4), [round(b, 4) for b in r.lift.interval]
        (0.9894, [0.0144, 0.1928])
    """
    v = Inputs()
    data = conversions(v, n_a, successes_a, n_b, successes_b, min_n=0)
    level = v.alpha(alpha)
    v.choice("model", model, MODELS)
    v.choice("method", method, METHODS)
    v.done()
    if model == "gaussian":
        if method != "exact":
            raise ValidationError.single(
                "method", "applies to the beta-binomial model only (the Gaussian one is normal)"
            )
        effect = _effect_prior(prior)
        notes = Notes(data.scalar)
        empty = (data.n_a == 0) | (data.n_b == 0)
        notes.add("an arm has no users: nothing to compare", empty)
        with np.errstate(invalid="ignore", divide="ignore"):
            n_a_, n_b_ = np.where(empty, np.nan, data.n_a), np.where(empty, np.nan, data.n_b)
            p_a, p_b = data.x_a / n_a_, data.x_b / n_b_
        return _gaussian(
            p_a,
            p_a * (1 - p_a),
            n_a_,
            p_b,
            p_b * (1 - p_b),
            n_b_,
            effect,
            level,
            notes,
            data.scalar,
        )
    prior_a, prior_b = _priors(prior)
    a1 = prior_a.alpha + data.x_a
    b1 = prior_a.beta + data.n_a - data.x_a
    a2 = prior_b.alpha + data.x_b
    b2 = prior_b.beta + data.n_b - data.x_b
    return _beta_binomial(a1, b1, a2, b2, prior_a, prior_b, method, level, data.scalar)


@quiet
def bayes_means(
    n_a: object,
    sum_a: object,
    sumsq_a: object,
    n_b: object,
    sum_b: object,
    sumsq_b: object,
    *,
    prior: EffectPrior | None = None,
    alpha: float = 0.05,
) -> BayesianResult:
    """Bayesian comparison of a metric's means from sufficient statistics (Gaussian model).

    The difference and the relative lift (delta method) each get a normal posterior; see
    the module documentation. A control mean at or below 0 leaves the relative lift
    undefined (``nan``, with a warning).

    Args:
        n_a: Users in A (>= 2); scalar or array, one entry per experiment.
        sum_a: Sum of the metric over A.
        sumsq_a: Sum of squares over A.
        n_b: Users in B (>= 2).
        sum_b: Sum of the metric over B.
        sumsq_b: Sum of squares over B.
        prior: An [`EffectPrior`][promocore.stats.EffectPrior], or ``None`` for a flat prior.
        alpha: Credible intervals have level ``1 − alpha``.

    Returns:
        A [`BayesianResult`][promocore.stats.BayesianResult] with ``model="gaussian"``.

    Raises:
        ValidationError: bad statistics, options or prior.

    Examples:
        >>> r = bayes_means(1000, 50000, 5e6, 1000, 55000, 6e6)
        >>> round(r.chance_to_win, 4), round(r.lift.estimate, 3)
        (0.9793, 0.1)
    """
    v = Inputs()
    data = mean_stats(v, n_a, sum_a, sumsq_a, n_b, sum_b, sumsq_b)
    level = v.alpha(alpha)
    v.done()
    effect = _effect_prior(prior)
    notes = Notes(data.scalar)
    notes.add(ILL_CONDITIONED, data.ill_conditioned)
    return _gaussian(
        data.mean_a,
        data.var_a,
        data.n_a,
        data.mean_b,
        data.var_b,
        data.n_b,
        effect,
        level,
        notes,
        data.scalar,
    )


def _effect_prior(prior: object) -> EffectPrior | None:
    if prior is None or isinstance(prior, EffectPrior):
        return prior
    raise ValidationError.single(
        "prior", "the Gaussian model takes an EffectPrior, or None for a flat prior"
    )


# -- the beta-binomial model ------------------------------------------------------------


def _beta_binomial(
    a1: FloatArray,
    b1: FloatArray,
    a2: FloatArray,
    b2: FloatArray,
    prior_a: BetaPrior,
    prior_b: BetaPrior,
    method: str,
    alpha: float,
    scalar: bool,
) -> BayesianResult:
    from scipy import special

    from promocore.stats._beta import REGULAR, compare_betas

    notes = Notes(scalar)
    z = float(norm_ppf(1 - alpha / 2))
    mean_a, mean_b = a1 / (a1 + b1), a2 / (a2 + b2)
    var_a = a1 * b1 / ((a1 + b1) ** 2 * (a1 + b1 + 1))
    var_b = a2 * b2 / ((a2 + b2) ** 2 * (a2 + b2 + 1))
    diff, spread = mean_b - mean_a, np.sqrt(var_a + var_b)
    log_ratio = special.digamma(a2) - special.digamma(a2 + b2)
    log_ratio = log_ratio - (special.digamma(a1) - special.digamma(a1 + b1))
    log_spread = np.sqrt(
        special.polygamma(1, a2)
        - special.polygamma(1, a2 + b2)
        + special.polygamma(1, a1)
        - special.polygamma(1, a1 + b1)
    )
    if method == "exact":
        shape = diff.shape
        chance, loss_a, loss_b = compare_betas(*(np.ravel(x) for x in (a1, b1, a2, b2)))
        chance, loss_a, loss_b = (x.reshape(shape) for x in (chance, loss_a, loss_b))
        chance_diff = chance_lift = chance
        smallest = np.minimum(np.minimum(a1, b1), np.minimum(a2, b2))
        fractional = (smallest < REGULAR) & (
            (a1 != np.floor(a1))
            | (b1 != np.floor(b1))
            | (a2 != np.floor(a2))
            | (b2 != np.floor(b2))
        )
        notes.add(
            "a fractional prior with few conversions: chance to win and risk are accurate "
            "to about 1e-8 (quadrature), not 1e-10",
            fractional,
        )
    else:
        chance_lift = norm_cdf(log_ratio / log_spread)
        chance_diff = norm_cdf(diff / spread)
        loss_a, loss_b = _normal_risk(diff, spread)
    difference = _lift(
        "difference", "normal", diff, spread, diff, z, chance_diff, (loss_a, loss_b), scalar
    )
    lift = _lift(
        "relative lift",
        "lognormal",
        log_ratio,
        log_spread,
        np.expm1(log_ratio),
        z,
        chance_lift,
        _lognormal_risk(log_ratio, log_spread),
        scalar,
    )
    return BayesianResult(
        model="beta-binomial",
        chance_to_win=finish(chance_lift, scalar),
        difference=difference,
        lift=lift,
        alpha=alpha,
        method=method,
        prior={
            "a": {"alpha": prior_a.alpha, "beta": prior_a.beta},
            "b": {"alpha": prior_b.alpha, "beta": prior_b.beta},
        },
        warnings=notes.result(),
    )


def _lift(
    estimand: str,
    distribution: str,
    location: FloatArray,
    scale: FloatArray,
    estimate: FloatArray,
    z: float,
    chance: FloatArray,
    risk: tuple[FloatArray, FloatArray],
    scalar: bool,
) -> PosteriorLift:
    low, high = location - z * scale, location + z * scale
    if distribution == "lognormal":
        low, high = np.expm1(low), np.expm1(high)
    return PosteriorLift(
        estimand=estimand,
        distribution=distribution,
        location=finish(location, scalar),
        scale=finish(scale, scalar),
        estimate=finish(estimate, scalar),
        interval=(finish(low, scalar), finish(high, scalar)),
        chance_to_win=finish(chance, scalar),
        risk=(finish(risk[0], scalar), finish(risk[1], scalar)),
    )


def _normal_risk(mu: FloatArray, sigma: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``E[max(X, 0)]`` and ``E[max(−X, 0)]`` for ``X ~ N(mu, sigma²)``; sigma 0 allowed."""
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(sigma > 0, mu / np.where(sigma > 0, sigma, 1.0), 0.0)
    density = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    up = np.where(sigma > 0, mu * norm_cdf(z) + sigma * density, np.maximum(mu, 0.0))
    down = np.where(sigma > 0, -mu * norm_cdf(-z) + sigma * density, np.maximum(-mu, 0.0))
    return np.maximum(up, 0.0), np.maximum(down, 0.0)


def _lognormal_risk(mu: FloatArray, sigma: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``E[max(R − 1, 0)]`` and ``E[max(1 − R, 0)]`` for ``log R ~ N(mu, sigma²)``."""
    with np.errstate(over="ignore", invalid="ignore"):
        growth = np.exp(mu + sigma * sigma / 2)
        d = mu / sigma
        up = growth * norm_cdf(d + sigma) - norm_cdf(d)
        down = norm_cdf(-d) - growth * norm_cdf(-d - sigma)
    return np.maximum(up, 0.0), np.maximum(down, 0.0)


# -- the Gaussian model -------------------------------------------------------------------


def _gaussian(
    m_a: FloatArray,
    v_a: FloatArray,
    n_a: FloatArray,
    m_b: FloatArray,
    v_b: FloatArray,
    n_b: FloatArray,
    prior: EffectPrior | None,
    alpha: float,
    notes: Notes,
    scalar: bool,
) -> BayesianResult:
    z = float(norm_ppf(1 - alpha / 2))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        diff = m_b - m_a
        var_diff = v_b / n_b + v_a / n_a
        undefined = ~(m_a > 0)
        safe_a = np.where(undefined, np.nan, m_a)
        rel = diff / safe_a
        var_rel = v_b / (safe_a * safe_a * n_b) + v_a * m_b * m_b / safe_a**4 / n_a
    notes.add(
        "control mean is not above 0: the relative lift is not defined",
        undefined & np.isfinite(m_a),
    )
    flat = var_diff == 0
    notes.add(
        "no variation within the arms: read as the limit of no noise (chance to win 1, 0, "
        "or 0.5 if the estimates are equal; zero-width intervals; the risk is the effect)",
        flat,
    )
    absolute = _normal_posterior(diff, var_diff, prior, "absolute", np.abs(m_a), notes)
    relative = _normal_posterior(rel, var_rel, prior, "relative", np.abs(safe_a), notes)
    parts = []
    for estimand, (loc, sd) in (("difference", absolute), ("relative lift", relative)):
        chance = _normal_chance(loc, sd)
        parts.append(
            _lift(estimand, "normal", loc, sd, loc, z, chance, _normal_risk(loc, sd), scalar)
        )
    description: dict[str, Any] = {"type": "flat"}
    if prior is not None:
        description = {"type": "normal", **attrs.asdict(prior)}
    return BayesianResult(
        model="gaussian",
        chance_to_win=parts[1].chance_to_win,
        difference=parts[0],
        lift=parts[1],
        alpha=alpha,
        method="normal",
        prior=description,
        warnings=notes.result(),
    )


def _normal_posterior(
    effect: FloatArray,
    variance: FloatArray,
    prior: EffectPrior | None,
    scale: str,
    control: FloatArray,
    notes: Notes,
) -> tuple[FloatArray, FloatArray]:
    """Posterior mean and sd of an effect measured as ``effect`` with ``variance``."""
    if prior is None:
        return effect, np.sqrt(variance)
    mean, sd = prior.mean, prior.sd
    factor: FloatArray | float = 1.0
    if prior.scale != scale:
        factor = control if scale == "absolute" else 1 / control
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        prior_mean = mean * factor
        prior_var = (sd * factor) ** 2
        precision = 1 / variance + 1 / prior_var
        location = (effect / variance + prior_mean / prior_var) / precision
        spread = np.sqrt(1 / precision)
    lost: BoolArray = np.asarray(~(np.asarray(prior_var) > 0) & np.isfinite(effect), dtype=bool)
    notes.add(f"control mean is 0: a {prior.scale} prior cannot be put on the {scale} scale", lost)
    # No variance in the data: the data pin the effect, whatever the prior.
    exact: BoolArray = np.asarray(variance == 0)
    location = np.where(exact, effect, np.where(lost, np.nan, location))
    spread = np.where(exact, 0.0, np.where(lost, np.nan, spread))
    return location, spread


def _normal_chance(location: FloatArray, spread: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = location / np.where(spread > 0, spread, np.nan)
    chance = norm_cdf(ratio)
    known = spread == 0
    return np.where(known, np.where(location > 0, 1.0, np.where(location < 0, 0.0, 0.5)), chance)
