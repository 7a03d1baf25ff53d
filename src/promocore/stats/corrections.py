"""Multiple-testing corrections for families of tests (many metrics or many arms).

Testing ten metrics at ``alpha = 0.05`` finds a "winner" by chance far more
often than 5 % of the time. [`adjust`][promocore.stats.corrections.adjust] adjusts the p-values of
one family:

* ``"bonferroni"`` and ``"holm"`` control the family-wise error rate (the chance
  of any false positive); Holm is uniformly more powerful.
* ``"bh"`` (Benjamini–Hochberg) controls the false discovery rate for
  independent or positively dependent tests; ``"by"`` (Benjamini–Yekutieli)
  under any dependence.

Adjusted intervals, given estimates and standard errors (normal intervals):

* Bonferroni: simultaneous intervals at level ``1 − alpha / m`` for every test.
* BH and BY: false-coverage-rate intervals (Benjamini and Yekutieli 2005) for
  the ``R`` selected (rejected) tests, at level ``1 − R·alpha / m`` (BY: also
  divided by ``1 + 1/2 + … + 1/m``); tests not selected get ``nan``.
* Holm: no interval matches the step-down test; none is returned.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from promocore._arrays import FloatArray, Inputs, quiet
from promocore.stats._dist import norm_ppf
from promocore.stats.results import ResultMixin

METHODS = ("bonferroni", "holm", "bh", "by")


@attrs.frozen(eq=False, repr=False)
class CorrectionResult(ResultMixin):
    """Adjusted p-values of one family of tests.

    Attributes:
        p_values: Adjusted p-values, in the order given.
        reject: Whether each hypothesis is rejected (adjusted ``p <= alpha``).
        method: The correction used.
        alpha: Family-wise error rate or false discovery rate targeted.
        interval: Adjusted ``(low, high)`` bounds, or ``None`` when not defined
            for the method or when no estimates were given.
        interval_level: Confidence level of the adjusted intervals, or ``None``.
        warnings: Human-readable caveats.
    """

    p_values: FloatArray
    reject: npt.NDArray[np.bool_]
    method: str
    alpha: float
    interval: tuple[FloatArray, FloatArray] | None = None
    interval_level: float | None = None
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"CorrectionResult({self.method}: {int(self.reject.sum())} of {self.p_values.size} "
            f"rejected at alpha={self.alpha:g})"
        )


@quiet
def adjust(
    p_values: object,
    *,
    method: str = "holm",
    alpha: float = 0.05,
    estimates: object = None,
    std_errors: object = None,
) -> CorrectionResult:
    """Adjust the p-values of one family of tests, and their intervals where defined.

    Args:
        p_values: One p-value per test (1-D).
        method: ``"bonferroni"``, ``"holm"``, ``"bh"`` or ``"by"``.
        alpha: Error rate to control.
        estimates: Point estimates of the tests, for adjusted intervals.
        std_errors: Their standard errors (normal intervals); needed with ``estimates``.

    Returns:
        A [`CorrectionResult`][promocore.stats.corrections.CorrectionResult]; the adjusted p-values
        equal statsmodels' ``multipletests`` (``bonferroni``, ``holm``, ``fdr_bh``, ``fdr_by``).

    Raises:
        ValidationError: p-values outside [0, 1] or not 1-D, a bad method, or
            estimates without standard errors (or of another length).

    Examples:
        >>> r = adjust([0.01, 0.04, 0.03], method="holm")
        >>> [round(p, 2) for p in r.p_values.tolist()], r.reject.tolist()
        ([0.03, 0.06, 0.06], [True, False, False])
    """
    v = Inputs()
    p = v.number("p_values", p_values)
    v.flag("p_values", (p < 0) | (p > 1), "must be between 0 and 1", p)
    level = v.alpha(alpha)
    v.choice("method", method, METHODS)
    if p.ndim != 1 or p.size == 0:
        v.checks.add("p_values", f"must be a non-empty 1-D array (got shape {p.shape})")
    est = se = None
    if (estimates is None) != (std_errors is None):
        v.checks.add("std_errors", "give estimates and std_errors together")
    elif estimates is not None:
        est = v.number("estimates", estimates)
        se = v.number("std_errors", std_errors)
        v.flag("std_errors", se < 0, "must be >= 0", se)
        for name, arr in (("estimates", est), ("std_errors", se)):
            if arr.shape != p.shape:
                v.checks.add(name, f"must have one entry per p-value ({arr.shape} != {p.shape})")
    v.done()
    adjusted = _adjusted(p, method)
    reject = adjusted <= level
    interval: tuple[FloatArray, FloatArray] | None = None
    interval_level: float | None = None
    warnings: tuple[str, ...] = ()
    if est is not None and se is not None:
        interval, interval_level, warnings = _intervals(est, se, reject, method, level)
    adjusted.flags.writeable = False
    reject.flags.writeable = False
    return CorrectionResult(
        p_values=adjusted,
        reject=reject,
        method=method,
        alpha=level,
        interval=interval,
        interval_level=interval_level,
        warnings=warnings,
    )


def _harmonic(m: int) -> float:
    return float(np.sum(1.0 / np.arange(1, m + 1)))


def _adjusted(p: FloatArray, method: str) -> FloatArray:
    m = p.size
    if method == "bonferroni":
        return np.minimum(p * m, 1.0)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    out = np.empty(m)
    if method == "holm":
        steps = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:
        scale = _harmonic(m) if method == "by" else 1.0
        raw = ranked * m * scale / np.arange(1, m + 1)
        steps = np.minimum.accumulate(raw[::-1])[::-1]
    out[order] = np.minimum(steps, 1.0)
    return out


def _intervals(
    est: FloatArray, se: FloatArray, reject: npt.NDArray[np.bool_], method: str, alpha: float
) -> tuple[tuple[FloatArray, FloatArray] | None, float | None, tuple[str, ...]]:
    m, selected = est.size, int(reject.sum())
    if method == "holm":
        return None, None, ("Holm's procedure has no matching confidence intervals",)
    if method == "bonferroni":
        level_alpha = alpha / m
        keep = np.ones(m, dtype=bool)
        notes: tuple[str, ...] = ()
    elif selected == 0:
        return None, None, ("no test was selected: false-coverage-rate intervals are not defined",)
    else:
        scale = _harmonic(m) if method == "by" else 1.0
        level_alpha = selected * alpha / (m * scale)
        keep = reject
        notes = ("intervals are given only for the selected (rejected) tests",)
    z = float(norm_ppf(1 - level_alpha / 2))
    low = np.where(keep, est - z * se, np.nan)
    high = np.where(keep, est + z * se, np.nan)
    for bound in (low, high):
        bound.flags.writeable = False
    return (low, high), 1 - level_alpha, notes
