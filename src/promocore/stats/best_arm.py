"""Which of several arms is best? Chance to be best and expected loss, Bayesian.

With more than two arms, comparing each treatment with the control
([`bayes_proportions`][promocore.stats.bayes_proportions] with broadcast arrays) answers
"does it beat the control?"; these functions answer "which arm should we ship?":

* ``chance_to_be_best[j]``: the posterior probability that arm ``j`` has the highest rate
  (or mean), ``∫ f_j(t) Π_{i≠j} F_i(t) dt``;
* ``expected_loss[j]``: what shipping arm ``j`` loses on average against the best arm,
  ``E[max_i X_i] − E[X_j]``.

Arms run along the **last axis**: ``n`` of shape ``(arms,)`` for one experiment,
``(experiments, arms)`` for many. Conversions use the Beta posteriors of
[`bayes_proportions`][promocore.stats.bayes_proportions] (one
[`BetaPrior`][promocore.stats.BetaPrior] for every arm); means use a normal posterior per
arm, ``N(mean, variance / n)`` (flat prior). The integrals run on one grid covering every
arm (on the logit scale for conversions): Gauss–Legendre panels as wide as the narrowest
posterior's standard deviation, out to 14 standard deviations on either side of every arm,
at most ``MAX_PANELS`` panels (beyond, a warning says the figures are approximate). The
expected losses use the same grid for ``E[X_j]``, so they are consistent with the chances.
The cost grows with arms² times panels: meant for a few arms of a few experiments, not for
thousands of experiments at once.

Examples:
    >>> r = best_arm_proportions([10000, 10000, 10000], [1000, 1100, 1050])
    >>> [round(float(p), 3) for p in r.chance_to_be_best]
    [0.006, 0.869, 0.125]
"""

from __future__ import annotations

import math
from collections.abc import Callable

import attrs
import numpy as np

from promocore._arrays import FloatArray, Inputs, quiet
from promocore.stats._notes import Notes
from promocore.stats.bayesian import BetaPrior
from promocore.stats.results import ResultMixin, Value, finish, fmt

#: Most arms compared at once.
MAX_ARMS = 50


@attrs.frozen(eq=False, repr=False)
class BestArmResult(ResultMixin):
    """Chance to be best and expected loss of every arm.

    Attributes:
        model: ``"beta-binomial"`` or ``"gaussian"``.
        chance_to_be_best: One value (or array over experiments) per arm; they sum to 1.
        expected_loss: Per arm, ``E[max_i X_i] − E[X_j]``: the rate (or mean) given up on
            average by shipping it instead of the best.
        warnings: Human-readable caveats.
    """

    model: str
    chance_to_be_best: tuple[Value, ...]
    expected_loss: tuple[Value, ...]
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        first = self.chance_to_be_best[0]
        if isinstance(first, float):
            chances = ", ".join(fmt(float(c)) for c in self.chance_to_be_best)
            losses = ", ".join(fmt(float(c)) for c in self.expected_loss)
            body = f"chance_to_be_best=[{chances}], expected_loss=[{losses}]"
        else:
            body = f"{first.size} experiments, {len(self.chance_to_be_best)} arms"
        text = f"{body}, model={self.model!r}"
        if self.warnings:
            text += f", warnings={len(self.warnings)}"
        return f"BestArmResult({text})"


@quiet
def best_arm_proportions(
    n: object, successes: object, *, prior: BetaPrior | None = None
) -> BestArmResult:
    """Chance to be best and expected loss of each arm's conversion rate (Beta posteriors).

    Args:
        n: Users per arm along the last axis (``(arms,)`` or ``(experiments, arms)``).
        successes: Conversions per arm, same shape.
        prior: The Beta prior of every arm (uniform by default).

    Returns:
        A [`BestArmResult`][promocore.stats.best_arm.BestArmResult].

    Raises:
        ValidationError: bad counts, fewer than two or more than ``MAX_ARMS`` arms, or a
            prior that is not a ``BetaPrior``.
    """
    from scipy import special

    v = Inputs()
    users = v.count("n", n)
    wins = v.count("successes", successes)
    users, wins = v.broadcast(n=users, successes=wins)
    v.compare("successes", wins, "n", users, "<=")
    _check_arms(v, users)
    if prior is not None and not isinstance(prior, BetaPrior):
        v.checks.add("prior", "must be a BetaPrior")
    v.done()
    beta = prior or BetaPrior()
    a, b = beta.alpha + wins, beta.beta + users - wins
    # On the logit scale, where every posterior is close to normal.
    centre = special.digamma(a) - special.digamma(b)
    spread = np.sqrt(special.polygamma(1, a) + special.polygamma(1, b))
    norm = special.betaln(a, b)

    def laws(y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        log_t, log_s = -np.logaddexp(0.0, -y), -np.logaddexp(0.0, y)
        with np.errstate(under="ignore"):
            density = np.exp(
                a[..., :, None] * log_t[..., None, :]
                + b[..., :, None] * log_s[..., None, :]
                - norm[..., :, None]
            )
        t = np.exp(log_t)
        below = special.betainc(a[..., :, None], b[..., :, None], t[..., None, :])
        return t, density, np.asarray(below, dtype=float)

    result = _best(centre, spread, laws, users.ndim == 1, Notes(users.ndim == 1))
    return attrs.evolve(result, model="beta-binomial")


@quiet
def best_arm_means(n: object, sum: object, sumsq: object) -> BestArmResult:
    """Chance to be best and expected loss of each arm's mean (normal posteriors, flat prior).

    Args:
        n: Users per arm along the last axis (>= 2 each).
        sum: Sum of the metric per arm.
        sumsq: Sum of squares per arm.

    Returns:
        A [`BestArmResult`][promocore.stats.best_arm.BestArmResult] with ``model="gaussian"``.

    Raises:
        ValidationError: bad statistics, no variation in an arm, or fewer than two or more
            than ``MAX_ARMS`` arms.

    Examples:
        >>> r = best_arm_means([1000, 1000], [50000, 55000], [5e6, 6e6])
        >>> [round(float(p), 4) for p in r.chance_to_be_best]
        [0.0163, 0.9837]
    """
    from scipy import special

    from promocore.stats._inputs import sample_variance

    v = Inputs()
    users = v.count("n", n)
    total = v.number("sum", sum)
    squares = v.number("sumsq", sumsq)
    users, total, squares = v.broadcast(n=users, sum=total, sumsq=squares)
    v.flag("n", np.isfinite(users) & (users < 2), "must be >= 2 to estimate a variance", users)
    _check_arms(v, users)
    v.done()
    with np.errstate(invalid="ignore", divide="ignore"):
        means = total / users
        spread = np.sqrt(sample_variance(users, total, squares) / users)
    v.flag("sumsq", ~(spread > 0), "the arm has no variation: no posterior to compare", squares)
    v.done()

    def laws(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        z = (x[..., None, :] - means[..., :, None]) / spread[..., :, None]
        density = np.exp(-0.5 * z * z) / (math.sqrt(2 * math.pi) * spread[..., :, None])
        return x, density, np.asarray(special.ndtr(z), dtype=float)

    result = _best(means, spread, laws, users.ndim == 1, Notes(users.ndim == 1))
    return attrs.evolve(result, model="gaussian")


def _check_arms(v: Inputs, users: FloatArray) -> None:
    arms = users.shape[-1] if users.ndim else 0
    if users.ndim == 0 or not 2 <= arms <= MAX_ARMS:
        v.checks.add(
            "n",
            f"needs the arms along the last axis: from 2 to {MAX_ARMS} (got shape {users.shape})",
        )


#: Half-width of the integration range around each posterior, in its standard deviations.
_REACH = 14.0
#: Gauss–Legendre nodes per panel; panels are one narrowest standard deviation wide.
_PANEL_NODES = 8
#: Most panels per experiment (wider ranges get wider panels and a warning).
MAX_PANELS = 400


def _best(
    centre: FloatArray,
    spread: FloatArray,
    laws: Callable[[FloatArray], tuple[FloatArray, FloatArray, FloatArray]],
    scalar: bool,
    notes: Notes,
) -> BestArmResult:
    """Integrate on one grid covering every arm, panels as wide as the narrowest posterior.

    ``laws(grid)`` returns, at the grid points, the value of the quantity, each arm's
    density on the integration scale and each arm's distribution function.
    """
    arms = centre.shape[-1]
    low = np.min(centre - _REACH * spread, axis=-1)
    high = np.max(centre + _REACH * spread, axis=-1)
    narrow = np.min(spread, axis=-1)
    needed = np.ceil((high - low) / narrow)
    panels = int(min(MAX_PANELS, max(1.0, float(np.max(needed)))))
    notes.add(
        f"the arms' posteriors are too far apart or too different in width for {MAX_PANELS} "
        "panels of integration: the figures are approximate",
        needed > MAX_PANELS,
    )
    u, w = np.polynomial.legendre.leggauss(_PANEL_NODES)
    width = (high - low) / panels
    offsets = (np.arange(panels)[:, None] + (u + 1) / 2).reshape(-1)  # in panel units
    grid = low[..., None] + width[..., None] * offsets
    weights = np.tile(w / 2, panels) * width[..., None]
    value, density, below = laws(grid)
    chances, top = [], np.zeros(centre.shape[:-1])
    for j in range(arms):
        others = np.prod(np.delete(below, j, axis=-2), axis=-2)
        mass = weights * density[..., j, :] * others
        chances.append(np.clip(np.sum(mass, axis=-1), 0.0, 1.0))
        top = top + np.sum(mass * value, axis=-1)
    means = np.sum(weights[..., None, :] * density * value[..., None, :], axis=-1)
    loss = [np.maximum(top - means[..., j], 0.0) for j in range(arms)]
    return BestArmResult(
        model="",
        chance_to_be_best=tuple(finish(c, scalar) for c in chances),
        expected_loss=tuple(finish(x, scalar) for x in loss),
        warnings=notes.result(),
    )
