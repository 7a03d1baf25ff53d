"""The frozen result objects returned by the tests.

A result holds plain floats when every input was a scalar and read-only numpy
arrays (one entry per experiment) when any input was an array. Every result has
a readable ``repr`` and a ``to_dict()`` made of plain Python values.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

import attrs
import numpy as np
import numpy.typing as npt

from promocore._arrays import FloatArray

#: A number, or one number per experiment.
Value = float | FloatArray
#: A method name, or one method name per experiment.
Label = str | npt.NDArray[np.str_]


def finish(values: FloatArray | float, scalar: bool) -> Value:
    """Return a float for scalar inputs, else a read-only float array."""
    array = np.asarray(values, dtype=np.float64)
    if scalar:
        return float(array.reshape(-1)[0]) if array.size else float("nan")
    array = np.array(array, dtype=np.float64)  # own the memory before freezing it
    array.flags.writeable = False
    return array


def finish_label(labels: npt.NDArray[np.str_] | str, scalar: bool) -> Label:
    """Return a string for scalar inputs, else a read-only array of strings."""
    if isinstance(labels, str):
        return labels
    if scalar:
        return str(labels.reshape(-1)[0])
    array = np.array(labels)
    array.flags.writeable = False
    return array


def plain(value: object) -> Any:
    """Convert a result field to plain Python values (lists, floats, str, dicts)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return value


def fmt(value: float) -> str:
    """Format one number compactly for a ``repr``."""
    return f"{value:.6g}"


def describe_labels(labels: Label) -> str:
    """Summarise a method label or an array of them (``fisher-exact×3, z-pooled×97``)."""
    if isinstance(labels, str):
        return labels
    counts = Counter(str(x) for x in labels.reshape(-1))
    if len(counts) == 1:
        return next(iter(counts))
    return ", ".join(f"{name}×{n}" for name, n in sorted(counts.items()))


def shape_of(value: Value) -> tuple[int, ...]:
    """Shape of a result field: ``()`` for a float."""
    return () if isinstance(value, float) else value.shape


class ResultMixin:
    """Shared behaviour: ``to_dict()`` over the attrs fields."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python values (arrays become lists)."""
        cls = cast("type[attrs.AttrsInstance]", type(self))
        return {f.name: plain(getattr(self, f.name)) for f in attrs.fields(cls)}


@attrs.frozen(eq=False, repr=False)
class ComparisonResult(ResultMixin):
    """An estimate for B compared with A, its interval and the p-value of a test.

    Attributes:
        estimand: What ``estimate`` measures: ``"difference"`` (B − A),
            ``"relative lift"`` ((B − A) / A) or ``"probability of superiority"``.
        estimate: The point estimate.
        interval: ``(low, high)`` confidence bounds at level ``1 - alpha``;
            one-sided alternatives leave one end infinite.
        p_value: P-value of the test named by ``method``.
        method: The test used; with array inputs, one name per experiment
            (the automatic switch to an exact test can differ between experiments).
        interval_method: How ``interval`` was computed.
        alpha: Significance level.
        alternative: ``"two-sided"``, ``"greater"`` (B > A) or ``"less"`` (B < A).
        statistic: The test statistic (z or t), or ``None`` when the test has none.
        std_error: Standard error of ``estimate`` where one exists.
        warnings: Human-readable caveats (small counts, undefined ratios, ...).
    """

    estimand: str
    estimate: Value
    interval: tuple[Value, Value]
    p_value: Value
    method: Label
    interval_method: Label
    alpha: float
    alternative: str
    statistic: Value | None = None
    std_error: Value | None = None
    warnings: tuple[str, ...] = ()

    @property
    def ci_low(self) -> Value:
        """Lower confidence bound."""
        return self.interval[0]

    @property
    def ci_high(self) -> Value:
        """Upper confidence bound."""
        return self.interval[1]

    @property
    def significant(self) -> bool | npt.NDArray[np.bool_]:
        """Whether ``p_value < alpha`` (per experiment for array inputs)."""
        if isinstance(self.p_value, float):
            return self.p_value < self.alpha
        return np.asarray(self.p_value < self.alpha)

    def __repr__(self) -> str:
        level = f"{100 * (1 - self.alpha):g}%"
        if isinstance(self.estimate, float):
            low, high = (float(x) for x in self.interval)
            p = float(self.p_value)
            text = (
                f"{self.estimand}={fmt(self.estimate)}, {level} CI [{fmt(low)}, {fmt(high)}], "
                f"p_value={fmt(p)}, method={self.method!r}, "
                f"interval_method={self.interval_method!r}"
            )
        else:
            hits = int(np.sum(self.significant))
            text = (
                f"{self.estimand} for {self.estimate.size} experiments, "
                f"method={describe_labels(self.method)!r}, "
                f"interval_method={describe_labels(self.interval_method)!r}, "
                f"significant at alpha={self.alpha:g}: {hits}"
            )
        if self.alternative != "two-sided":
            text += f", alternative={self.alternative!r}"
        if self.warnings:
            text += f", warnings={len(self.warnings)}"
        return f"ComparisonResult({text})"


@attrs.frozen(eq=False, repr=False)
class SequentialResult(ResultMixin):
    """An always-valid p-value and confidence sequence from a mixture SPRT.

    Attributes:
        estimate: The difference B − A at the latest look.
        interval: The confidence sequence at the latest look: the running
            intersection of the intervals of every look so far.
        p_value: The always-valid p-value: the running minimum over the looks of
            ``1 / likelihood ratio`` (capped at 1).
        likelihood_ratio: The mixture likelihood ratio at the latest look.
        tau: Standard deviation of the normal mixture over effects.
        looks: Number of looks folded into this result.
        alpha: Level of the confidence sequence.
        method: Always ``"msprt"``.
        warnings: Human-readable caveats.
    """

    estimate: Value
    interval: tuple[Value, Value]
    p_value: Value
    likelihood_ratio: Value
    tau: float
    looks: int
    alpha: float
    method: str = "msprt"
    warnings: tuple[str, ...] = ()

    @property
    def significant(self) -> bool | npt.NDArray[np.bool_]:
        """Whether the always-valid p-value is below ``alpha``."""
        if isinstance(self.p_value, float):
            return self.p_value < self.alpha
        return np.asarray(self.p_value < self.alpha)

    def __repr__(self) -> str:
        level = f"{100 * (1 - self.alpha):g}%"
        if isinstance(self.estimate, float):
            low, high = (float(x) for x in self.interval)
            p = float(self.p_value)
            body = (
                f"difference={fmt(self.estimate)}, {level} confidence sequence "
                f"[{fmt(low)}, {fmt(high)}], always-valid p_value={fmt(p)}"
            )
        else:
            hits = int(np.sum(self.significant))
            body = f"{self.estimate.size} experiments, significant at alpha={self.alpha:g}: {hits}"
        text = f"{body}, tau={fmt(self.tau)}, looks={self.looks}"
        if self.warnings:
            text += f", warnings={len(self.warnings)}"
        return f"SequentialResult({text})"


@attrs.frozen(eq=False, repr=False)
class PosteriorLift(ResultMixin):
    """The posterior of one effect of B over A: the difference or the relative lift.

    Attributes:
        estimand: ``"difference"`` (B − A) or ``"relative lift"`` (B / A − 1).
        distribution: The posterior's form: ``"normal"`` (the effect is normal with mean
            ``location`` and standard deviation ``scale``) or ``"lognormal"`` (``log(B / A)``
            is normal with those parameters).
        location: Mean of the normal (of the log ratio for ``"lognormal"``).
        scale: Standard deviation of the normal (of the log ratio for ``"lognormal"``).
        estimate: The point estimate: the posterior mean for ``"normal"``, the median
            ``exp(location) − 1`` for ``"lognormal"``.
        interval: Equal-tailed credible interval at level ``1 − alpha``.
        chance_to_win: Posterior probability that the effect is above 0 (B is better).
        risk: Expected loss ``(of choosing A, of choosing B)`` on this effect's scale:
            ``E[max(effect, 0)]`` and ``E[max(−effect, 0)]``.
    """

    estimand: str
    distribution: str
    location: Value
    scale: Value
    estimate: Value
    interval: tuple[Value, Value]
    chance_to_win: Value
    risk: tuple[Value, Value]


@attrs.frozen(eq=False, repr=False)
class BayesianResult(ResultMixin):
    """A Bayesian read-out of B against A: chance to win, expected loss, credible intervals.

    Attributes:
        model: ``"beta-binomial"`` (conversions) or ``"gaussian"`` (a normal model of the
            effect, for means or conversions).
        chance_to_win: Posterior probability that B is better than A.
        difference: The posterior of B − A.
        lift: The posterior of B / A − 1.
        alpha: Credible intervals have level ``1 − alpha``.
        method: How ``chance_to_win`` and the expected losses were computed: ``"exact"``
            (numerical integration over the Beta posteriors), ``"approximate"`` (normal and
            log-normal approximations, as GrowthBook's gbstats) or ``"normal"`` (the
            Gaussian model, where the posterior is normal by construction).
        prior: The prior used, as plain values.
        warnings: Human-readable caveats.
    """

    model: str
    chance_to_win: Value
    difference: PosteriorLift
    lift: PosteriorLift
    alpha: float
    method: str
    prior: dict[str, Any]
    warnings: tuple[str, ...] = ()

    @property
    def risk(self) -> tuple[Value, Value]:
        """Expected loss ``(of choosing A, of choosing B)`` in absolute terms."""
        return self.difference.risk

    def __repr__(self) -> str:
        level = f"{100 * (1 - self.alpha):g}%"
        if isinstance(self.chance_to_win, float):
            low, high = (float(x) for x in self.lift.interval)
            risk_a, risk_b = (float(x) for x in self.difference.risk)
            body = (
                f"chance_to_win={fmt(self.chance_to_win)}, "
                f"lift={fmt(float(self.lift.estimate))}, {level} credible [{fmt(low)}, "
                f"{fmt(high)}], risk=(A: {fmt(risk_a)}, B: {fmt(risk_b)})"
            )
        else:
            wins = int(np.sum(np.asarray(self.chance_to_win) > 0.95))
            body = f"{self.chance_to_win.size} experiments, chance_to_win > 0.95: {wins}"
        text = f"{body}, model={self.model!r}, method={self.method!r}"
        if self.warnings:
            text += f", warnings={len(self.warnings)}"
        return f"BayesianResult({text})"
