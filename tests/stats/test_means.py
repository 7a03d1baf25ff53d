from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats as sps

from promocore.errors import ValidationError
from promocore.stats import (
    bootstrap_difference,
    capping_threshold,
    mann_whitney,
    summarize,
    welch_test,
    winsorize,
)
from promocore.stats._notes import ZERO_VARIANCE

FAST = settings(max_examples=40, deadline=None)

values = arrays(
    np.float64,
    st.integers(3, 60),
    elements=st.floats(-1000, 1000, allow_nan=False, allow_infinity=False).map(
        lambda x: round(x, 2)
    ),
)


def _varied(x: np.ndarray) -> bool:
    return bool(np.ptp(x) > 1e-3)


@FAST
@given(values, values, st.sampled_from(["two-sided", "greater", "less"]))
def test_welch_matches_scipy_on_raw_values(a: np.ndarray, b: np.ndarray, alternative: str) -> None:
    if not (_varied(a) or _varied(b)):
        return
    r = welch_test(*summarize(a), *summarize(b), alternative=alternative)
    ref = sps.ttest_ind(b, a, equal_var=False, alternative=alternative)
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-6, abs=1e-9)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-12)
    low, high = ref.confidence_interval(0.95)
    assert r.interval == pytest.approx((low, high), rel=1e-6, abs=1e-6)


def test_welch_is_vectorised() -> None:
    rng = np.random.default_rng(3)
    samples = [(rng.normal(10, 3, 40), rng.normal(11, 4, 55)) for _ in range(5)]
    stats = np.array([[*summarize(a), *summarize(b)] for a, b in samples])
    r = welch_test(*stats.T)
    assert isinstance(r.p_value, np.ndarray) and r.p_value.shape == (5,)
    for i, (a, b) in enumerate(samples):
        assert r.p_value[i] == pytest.approx(sps.ttest_ind(b, a, equal_var=False).pvalue, rel=1e-9)


def test_welch_with_both_arms_constant() -> None:
    r = welch_test(3, 3.0, 3.0, 3, 3.0, 3.0)
    assert r.p_value == 1.0
    assert r.interval == (0.0, 0.0)
    assert r.warnings == (ZERO_VARIANCE,)


def test_summarize() -> None:
    assert summarize([1.0, 2.0, 3.0]) == (3, 6.0, 14.0)
    with pytest.raises(ValidationError, match="values: must be one-dimensional"):
        summarize([[1.0, 2.0]])


@FAST
@given(values, values)
def test_mann_whitney_matches_scipy_and_brute_force(a: np.ndarray, b: np.ndarray) -> None:
    r = mann_whitney(a, b)
    ref = sps.mannwhitneyu(b, a)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert r.statistic == pytest.approx(ref.statistic)
    greater = (b[:, None] > a[None, :]).mean()
    ties = (b[:, None] == a[None, :]).mean()
    assert r.estimate == pytest.approx(greater + ties / 2, abs=1e-12)
    # DeLong variance from the placement values, computed pairwise.
    v10 = ((b[:, None] > a[None, :]) + 0.5 * (b[:, None] == a[None, :])).mean(axis=1)
    v01 = ((b[None, :] < a[:, None]) + 0.5 * (b[None, :] == a[:, None])).mean(axis=1)
    se = np.sqrt(v10.var(ddof=1) / b.size + v01.var(ddof=1) / a.size)
    assert r.std_error == pytest.approx(se, abs=1e-12)
    assert 0 <= r.ci_low <= r.estimate <= r.ci_high <= 1


def test_bootstrap_is_reproducible_for_a_seed() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.lognormal(size=300), rng.lognormal(size=320) * 1.3
    first = bootstrap_difference(a, b, seed=7)
    again = bootstrap_difference(a, b, seed=7)
    other = bootstrap_difference(a, b, seed=8)
    assert first.interval == again.interval and first.p_value == again.p_value
    assert first.interval != other.interval
    assert first.estimate == pytest.approx(b.mean() - a.mean())


def test_bootstrap_interval_is_close_to_welch_for_normal_data() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(10, 2, 2000), rng.normal(10.3, 2, 2000)
    boot = bootstrap_difference(a, b, n_resamples=4000)
    welch = welch_test(*summarize(a), *summarize(b))
    assert boot.interval == pytest.approx(welch.interval, abs=0.03)
    assert boot.p_value < 0.05 and welch.p_value < 0.05


def test_bootstrap_relative_median_and_one_sided() -> None:
    a, b = np.arange(1.0, 101.0), np.arange(1.0, 101.0) * 1.5
    r = bootstrap_difference(a, b, statistic="median", relative=True, alternative="greater")
    assert r.estimand == "relative lift"
    assert r.estimate == pytest.approx(0.5)
    assert r.ci_high == np.inf and r.ci_low > 0
    with pytest.raises(ValidationError, match="n_resamples"):
        bootstrap_difference(a, b, n_resamples=10)
    with pytest.raises(ValidationError, match="relative lift is not defined"):
        bootstrap_difference(np.zeros(5), b, relative=True)


def test_capping_uses_the_pooled_quantile() -> None:
    a, b = [1.0, 2.0, 3.0], [4.0, 5.0, 100.0]
    cap = capping_threshold(a, b, quantile=0.8)
    assert cap == np.quantile(a + b, 0.8)
    assert winsorize(b, upper=cap).tolist() == [4.0, 5.0, cap]
    assert winsorize([-5.0, 1.0], lower=0.0).tolist() == [0.0, 1.0]
    with pytest.raises(ValidationError, match="lower: must be <= upper"):
        winsorize([1.0], upper=1.0, lower=2.0)
    with pytest.raises(ValidationError, match="quantile"):
        capping_threshold(a, quantile=1.0)


def test_capping_reduces_the_variance_of_heavy_tailed_revenue() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.pareto(1.5, 5000) * 50, rng.pareto(1.5, 5000) * 55
    cap = capping_threshold(a, b, quantile=0.99)
    raw = welch_test(*summarize(a), *summarize(b))
    capped = welch_test(*summarize(winsorize(a, upper=cap)), *summarize(winsorize(b, upper=cap)))
    assert capped.std_error < raw.std_error  # type: ignore[operator]
