"""Sample-ratio mismatch: did the arms get the share of users they were meant to?

If a 50/50 split delivers 50,000 users to A and 48,500 to B, something in the
assignment or the logging is broken (bots filtered in one arm, a redirect that
loses users, a cache) and the comparison is not trustworthy, however good its
p-value. The check is a chi-square goodness-of-fit test of the observed counts
against the planned split.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from promocore._arrays import Inputs, quiet
from promocore.stats._dist import chi2_sf
from promocore.stats._notes import Notes
from promocore.stats.results import ResultMixin, Value, finish, fmt

#: Default p-value below which a mismatch is reported. Strict, because the
#: check runs on every experiment and a false alarm stops a good one.
SRM_THRESHOLD = 0.001


@attrs.frozen(eq=False, repr=False)
class SRMResult(ResultMixin):
    """Outcome of a sample-ratio-mismatch check.

    Attributes:
        statistic: The chi-square statistic.
        p_value: Its p-value (``k − 1`` degrees of freedom for ``k`` arms).
        mismatch: Whether ``p_value < threshold``.
        observed_shares: Share of users each arm got (last axis: arms).
        expected_shares: The planned shares.
        threshold: P-value threshold of the alarm.
        method: Always ``"chi-square"``.
        warnings: Human-readable caveats.
    """

    statistic: Value
    p_value: Value
    mismatch: bool | npt.NDArray[np.bool_]
    observed_shares: tuple[Value, ...]
    expected_shares: tuple[float, ...]
    threshold: float
    method: str = "chi-square"
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        if isinstance(self.p_value, float):
            shares = ", ".join(f"{float(s):.4f}" for s in self.observed_shares)
            planned = ", ".join(f"{s:.4f}" for s in self.expected_shares)
            verdict = "MISMATCH" if self.mismatch else "ok"
            body = (
                f"{verdict}: shares [{shares}] vs planned [{planned}], p_value={fmt(self.p_value)}"
            )
        else:
            body = f"{self.p_value.size} experiments, mismatches: {int(np.sum(self.mismatch))}"
        return f"SRMResult({body})"


@quiet
def srm_check(
    counts: object,
    expected: object = None,
    *,
    threshold: float = SRM_THRESHOLD,
) -> SRMResult:
    """Chi-square test of the users per arm against the planned split.

    Args:
        counts: Users per arm along the last axis: ``[n_a, n_b]`` for one
            experiment, shape ``(experiments, arms)`` for many.
        expected: Planned shares or weights per arm (``[50, 50]``, ``[0.9, 0.1]``);
            normalised to sum to 1. Default: an even split.
        threshold: Report a mismatch when ``p_value < threshold``.

    Returns:
        An [`SRMResult`][promocore.stats.srm.SRMResult].

    Raises:
        ValidationError: counts negative, fractional or all zero, fewer than two
            arms, or weights not positive or not one per arm.

    Examples:
        >>> r = srm_check([50000, 48500])
        >>> r.mismatch, r.p_value < 1e-5
        (True, True)
    """
    v = Inputs()
    n = v.count("counts", counts)
    level = v.alpha(threshold, "threshold")
    arms = n.shape[-1] if n.ndim else 0
    if n.ndim == 0 or arms < 2:
        v.checks.add("counts", "needs one count per arm along the last axis, at least two arms")
        v.done()
    if expected is None:
        weights = np.full(arms, 1.0 / arms)
    else:
        weights = v.number("expected", expected)
        if weights.shape != (arms,):
            v.checks.add(
                "expected", f"needs one weight per arm ({arms}), got shape {weights.shape}"
            )
            v.done()
        v.flag("expected", weights <= 0, "must be > 0", weights)
    totals = n.sum(axis=-1)
    v.flag("counts", totals == 0, "no users in any arm", totals)
    v.done()
    shares = weights / weights.sum()
    scalar = n.ndim == 1
    expected_counts = totals[..., None] * shares
    statistic = np.sum((n - expected_counts) ** 2 / expected_counts, axis=-1)
    p = chi2_sf(statistic, arms - 1)
    notes = Notes(scalar)
    notes.add(
        "an arm expects fewer than 5 users: the chi-square p-value is rough",
        np.any(expected_counts < 5, axis=-1),
    )
    mismatch = p < level
    observed = n / totals[..., None]
    return SRMResult(
        statistic=finish(statistic, scalar),
        p_value=finish(p, scalar),
        mismatch=bool(mismatch) if scalar else np.asarray(mismatch),
        observed_shares=tuple(finish(observed[..., i], scalar) for i in range(arms)),
        expected_shares=tuple(float(s) for s in shares),
        threshold=level,
        warnings=notes.result(),
    )
