from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from promocore.stats import (
    CovariateSummary,
    CupedResult,
    cuped,
    summarize,
    summarize_with_covariate,
    welch_test,
)

Array = npt.NDArray[np.float64]


def _arm(summary: CovariateSummary, arm: str) -> dict[str, float]:
    return {f"{field}_{arm}": float(value) for field, value in summary._asdict().items()}


def _cuped_from_raw(ya: Array, xa: Array, yb: Array, xb: Array) -> CupedResult:
    a, b = summarize_with_covariate(ya, xa), summarize_with_covariate(yb, xb)
    return cuped(**_arm(a, "a"), **_arm(b, "b"))


def _data(seed: int = 0, lift: float = 1.0) -> tuple[Array, ...]:
    rng = np.random.default_rng(seed)
    xa, xb = rng.gamma(2, 10, 3000), rng.gamma(2, 10, 3000)
    ya = 0.8 * xa + rng.normal(0, 5, 3000)
    yb = 0.8 * xb + rng.normal(0, 5, 3000) + lift
    return ya, xa, yb, xb


def test_adjusted_statistics_equal_those_of_the_adjusted_values() -> None:
    ya, xa, yb, xb = _data()
    r = _cuped_from_raw(ya, xa, yb, xb)
    x, y = np.r_[xa, xb], np.r_[ya, yb]
    theta = np.cov(x, y)[0, 1] / np.var(x, ddof=1)
    assert r.theta == pytest.approx(theta, rel=1e-10)
    adj_a, adj_b = ya - theta * (xa - x.mean()), yb - theta * (xb - x.mean())
    assert (r.n_a, r.sum_a, r.sumsq_a) == pytest.approx(summarize(adj_a), rel=1e-9)
    assert (r.n_b, r.sum_b, r.sumsq_b) == pytest.approx(summarize(adj_b), rel=1e-9)
    adjusted = welch_test(*r.sufficient_statistics())
    raw = welch_test(*summarize(ya), *summarize(yb))
    assert adjusted.std_error < 0.5 * raw.std_error  # type: ignore[operator]
    assert adjusted.p_value < raw.p_value
    expected_reduction = 1 - (np.var(adj_a) * 3000 + np.var(adj_b) * 3000) / (
        np.var(ya) * 3000 + np.var(yb) * 3000
    )
    assert r.variance_reduction == pytest.approx(expected_reduction, rel=1e-9)


def test_cuped_does_not_bias_an_aa_comparison() -> None:
    estimates = []
    for seed in range(30):
        r = _cuped_from_raw(*_data(seed, lift=0.0))
        estimates.append(float(welch_test(*r.sufficient_statistics()).estimate))
    assert abs(np.mean(estimates)) < 3 * np.std(estimates) / np.sqrt(len(estimates))


def test_constant_covariate_changes_nothing() -> None:
    ya, _, yb, _ = _data()
    r = _cuped_from_raw(ya, np.ones_like(ya), yb, np.ones_like(yb))
    assert r.theta == 0.0 and r.variance_reduction == pytest.approx(0.0, abs=1e-12)
    assert r.warnings == ("the pre-period covariate is constant: no adjustment made",)


def test_cuped_is_vectorised() -> None:
    one = _cuped_from_raw(*_data(1))
    two = _cuped_from_raw(*_data(2))
    pairs = [_data(1), _data(2)]
    a = np.array([summarize_with_covariate(d[0], d[1]) for d in pairs]).T
    b = np.array([summarize_with_covariate(d[2], d[3]) for d in pairs]).T
    fields = CovariateSummary._fields
    r = cuped(
        **{f"{f}_a": a[i] for i, f in enumerate(fields)},
        **{f"{f}_b": b[i] for i, f in enumerate(fields)},
    )
    assert np.asarray(r.theta) == pytest.approx([one.theta, two.theta])
    assert "2 experiments" in repr(r)
