from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.proportion import test_proportions_2indep as sm_test_2indep

from promocore.stats import ComparisonResult, lift_means, lift_proportions

FAST = settings(max_examples=60, deadline=None)
ALTERNATIVES = st.sampled_from(["two-sided", "greater", "less"])
METHODS = st.sampled_from(["delta-log", "fieller"])


@st.composite
def conversion_cases(draw: st.DrawFn) -> tuple[int, int, int, int]:
    n_a = draw(st.integers(2, 5000))
    n_b = draw(st.integers(2, 5000))
    return n_a, draw(st.integers(0, n_a)), n_b, draw(st.integers(0, n_b))


@st.composite
def mean_cases(draw: st.DrawFn) -> tuple[float, ...]:
    out: list[float] = []
    for _ in range(2):
        n = draw(st.integers(2, 2000))
        # Realistic magnitudes: a mean of 1e-250 next to a spread of 1 only tests overflow.
        mean = draw(st.one_of(st.just(0.0), st.floats(1e-6, 100), st.floats(-5, -1e-6)))
        sd = draw(st.one_of(st.just(0.0), st.floats(1e-6, 200)))
        total = mean * n
        out += [n, total, total * mean + sd * sd * (n - 1)]
    return tuple(out)


def _excludes_zero(r: ComparisonResult) -> bool:
    low, high = (float(b) for b in r.interval)
    return low > 0 or high < 0


def _check_agreement(r: ComparisonResult) -> None:
    p = float(r.p_value)
    if math.isnan(p):
        assert all(math.isnan(float(b)) for b in r.interval)
        return
    if abs(p - r.alpha) < 1e-9:
        return  # on the boundary rounding decides
    assert (p < r.alpha) == _excludes_zero(r), (p, r.interval)


@FAST
@given(conversion_cases(), METHODS, ALTERNATIVES, st.sampled_from([0.01, 0.05, 0.2]))
def test_lift_p_value_agrees_with_its_interval_for_proportions(
    case: tuple[int, int, int, int], method: str, alternative: str, alpha: float
) -> None:
    _check_agreement(lift_proportions(*case, method=method, alternative=alternative, alpha=alpha))


@FAST
@given(mean_cases(), METHODS, ALTERNATIVES)
def test_lift_p_value_agrees_with_its_interval_for_means(
    case: tuple[float, ...], method: str, alternative: str
) -> None:
    _check_agreement(lift_means(*case, method=method, alternative=alternative))


def test_delta_log_matches_the_statsmodels_log_ratio_interval() -> None:
    r = lift_proportions(10000, 1000, 10000, 1100)
    low, high = confint_proportions_2indep(1100, 10000, 1000, 10000, compare="ratio", method="log")
    assert r.interval == pytest.approx((low - 1, high - 1), rel=1e-10)
    assert r.estimate == pytest.approx(0.1)
    se = math.sqrt(0.9 / 1000 + 0.89 / 1100)
    assert r.p_value == pytest.approx(2 * sps.norm.sf(math.log(1.1) / se), rel=1e-10)


def test_fieller_interval_solves_the_quadratic() -> None:
    r = lift_proportions(10000, 1000, 10000, 1100, method="fieller")
    m_a, m_b = 0.1, 0.11
    v_a, v_b = 0.1 * 0.9 / 10000, 0.11 * 0.89 / 10000
    z = sps.norm.ppf(0.975)
    for bound in r.interval:
        theta = float(bound) + 1
        assert (m_b - theta * m_a) ** 2 == pytest.approx(z * z * (v_b + theta**2 * v_a), rel=1e-9)
    # Its p-value is the unpooled (Wald) test of B - A = 0.
    ref = sm_test_2indep(1100, 10000, 1000, 10000, method="wald").pvalue
    assert r.p_value == pytest.approx(ref, rel=1e-10)


def test_fieller_and_delta_log_agree_for_large_samples() -> None:
    fieller = lift_proportions(10**6, 10**5, 10**6, 103000, method="fieller")
    delta = lift_proportions(10**6, 10**5, 10**6, 103000, method="delta-log")
    assert fieller.interval == pytest.approx(delta.interval, abs=5e-4)


def test_zero_conversion_control_has_no_relative_lift() -> None:
    r = lift_proportions(1000, 0, 1000, 12)
    assert math.isnan(r.estimate) and math.isnan(r.p_value)
    assert "use the absolute difference" in r.warnings[0]


def test_unbounded_fieller_set() -> None:
    # Two conversions in the control: its rate is within noise of zero.
    r = lift_proportions(100, 2, 100, 25, method="fieller")
    assert r.p_value < 0.05
    assert r.ci_low > 0 and r.ci_high == np.inf
    assert any("unbounded" in w for w in r.warnings)
    weak = lift_proportions(100, 1, 100, 3, method="fieller")
    assert weak.p_value > 0.05 and weak.interval == (-np.inf, np.inf)


def test_vectorised_lift_marks_only_the_undefined_experiments() -> None:
    r = lift_means(
        [100, 100], [500.0, -10.0], [5000.0, 900.0], [100, 100], [600.0, 5.0], [7000.0, 900.0]
    )
    assert isinstance(r.estimate, np.ndarray)
    assert r.estimate[0] == pytest.approx(0.2)
    assert np.isnan(r.estimate[1])
    assert r.warnings == (
        "control mean is not above 0: the relative lift is not defined (experiment [1])",
    )
