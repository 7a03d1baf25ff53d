from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy import stats as sps
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.proportion import test_proportions_2indep as sm_test_2indep

from promocore.stats import compare_proportions, wilson_interval
from promocore.stats.proportion_intervals import restricted_rates, score_statistic

FAST = settings(max_examples=40, deadline=None)


@st.composite
def large_tables(draw: st.DrawFn) -> tuple[int, int, int, int]:
    """Two arms with enough conversions that no exact switch happens."""
    n_a = draw(st.integers(200, 50_000))
    n_b = draw(st.integers(200, 50_000))
    x_a = draw(st.integers(20, n_a - 20))
    x_b = draw(st.integers(20, n_b - 20))
    return n_a, x_a, n_b, x_b


@st.composite
def tables(draw: st.DrawFn) -> tuple[int, int, int, int]:
    n_a = draw(st.integers(1, 300))
    n_b = draw(st.integers(1, 300))
    return n_a, draw(st.integers(0, n_a)), n_b, draw(st.integers(0, n_b))


@FAST
@given(large_tables(), st.sampled_from(["two-sided", "greater", "less"]))
def test_pooled_z_matches_statsmodels(case: tuple[int, int, int, int], alternative: str) -> None:
    n_a, x_a, n_b, x_b = case
    r = compare_proportions(n_a, x_a, n_b, x_b, alternative=alternative, exact=None)
    sm_alt = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}[alternative]
    z, p = proportions_ztest([x_b, x_a], [n_b, n_a], alternative=sm_alt)
    assert r.method == "z-pooled"
    assert r.statistic == pytest.approx(z, rel=1e-9, abs=1e-12)
    assert r.p_value == pytest.approx(p, rel=1e-8, abs=1e-300)


@FAST
@given(large_tables())
def test_unpooled_z_and_wald_interval_match_statsmodels(case: tuple[int, int, int, int]) -> None:
    n_a, x_a, n_b, x_b = case
    r = compare_proportions(n_a, x_a, n_b, x_b, test="z-unpooled", interval="wald", exact=None)
    sm = sm_test_2indep(x_b, n_b, x_a, n_a, method="wald")
    assert r.p_value == pytest.approx(sm.pvalue, rel=1e-8, abs=1e-300)
    ref = confint_proportions_2indep(x_b, n_b, x_a, n_a, method="wald")
    assert r.interval == pytest.approx(ref, rel=1e-9, abs=1e-12)


@FAST
@given(tables())
def test_newcombe_interval_matches_statsmodels(case: tuple[int, int, int, int]) -> None:
    n_a, x_a, n_b, x_b = case
    r = compare_proportions(n_a, x_a, n_b, x_b, interval="newcombe")
    ref = confint_proportions_2indep(x_b, n_b, x_a, n_a, method="newcomb")
    assert r.interval == pytest.approx(ref, abs=1e-12)
    assert r.ci_low <= r.estimate <= r.ci_high


@FAST
@given(tables())
def test_wilson_interval_matches_statsmodels(case: tuple[int, int, int, int]) -> None:
    n, x, _, _ = case
    assert wilson_interval(n, x) == pytest.approx(
        proportion_confint(x, n, method="wilson"), abs=1e-12
    )


@FAST
@given(large_tables())
def test_welch_matches_scipy_from_stats(case: tuple[int, int, int, int]) -> None:
    n_a, x_a, n_b, x_b = case
    r = compare_proportions(n_a, x_a, n_b, x_b, test="welch", exact=None)
    p_a, p_b = x_a / n_a, x_b / n_b
    ref = sps.ttest_ind_from_stats(
        p_b, np.sqrt(p_b * (1 - p_b)), n_b, p_a, np.sqrt(p_a * (1 - p_a)), n_a, equal_var=False
    )
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-8, abs=1e-300)


def _restricted_mle(x_a: int, n_a: int, x_b: int, n_b: int, delta: float) -> float:
    """Rate of A maximising the likelihood under p_b - p_a = delta, numerically."""

    def nll(p: float) -> float:
        q = p + delta
        terms = [(x_a, p), (n_a - x_a, 1 - p), (x_b, q), (n_b - x_b, 1 - q)]
        return -float(sum(k * np.log(v) for k, v in terms if k > 0))

    lo, hi = max(0.0, -delta) + 1e-12, min(1.0, 1 - delta) - 1e-12
    return float(
        optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13}).x
    )


@FAST
@given(large_tables(), st.floats(-0.5, 0.5))
def test_restricted_rates_maximise_the_likelihood(
    case: tuple[int, int, int, int], delta: float
) -> None:
    # Checked against a numerical optimiser, not statsmodels: statsmodels 0.15's
    # score test uses a wrong coefficient in this cubic (statsmodels issue #10269).
    n_a, x_a, n_b, x_b = case
    if not -1 < delta < 1:
        return
    f = np.asarray
    rate_a, rate_b = restricted_rates(
        f(x_a, float), f(n_a, float), f(x_b, float), f(n_b, float), f(delta)
    )
    assert float(rate_b - rate_a) == pytest.approx(delta, abs=1e-9)
    assert float(rate_a) == pytest.approx(_restricted_mle(x_a, n_a, x_b, n_b, delta), abs=1e-6)


def _score_bound(
    x_a: int, n_a: int, x_b: int, n_b: int, target: float, lo: float, hi: float
) -> float:
    def stat(delta: float) -> float:
        p_a = _restricted_mle(x_a, n_a, x_b, n_b, delta)
        p_b = p_a + delta
        total = n_a + n_b
        var = (p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b) * total / (total - 1)
        return float((x_b / n_b - x_a / n_a - delta) / np.sqrt(var) - target)

    return float(optimize.brentq(stat, lo, hi, xtol=1e-12))


@settings(max_examples=15, deadline=None)
@given(large_tables())
def test_score_interval_inverts_the_miettinen_nurminen_test(
    case: tuple[int, int, int, int],
) -> None:
    n_a, x_a, n_b, x_b = case
    r = compare_proportions(n_a, x_a, n_b, x_b, interval="score")
    d = x_b / n_b - x_a / n_a
    z = sps.norm.ppf(0.975)
    low = _score_bound(x_a, n_a, x_b, n_b, z, -0.999, d)
    high = _score_bound(x_a, n_a, x_b, n_b, -z, d, 0.999)
    assert r.interval == pytest.approx((low, high), abs=1e-6)


def test_score_statistic_at_zero_is_the_pooled_z_with_the_n_over_n_minus_1_factor() -> None:
    f = np.asarray
    z = float(score_statistic(f(1000.0), f(10000.0), f(1100.0), f(10000.0), f(0.0)))
    pooled = compare_proportions(10000, 1000, 10000, 1100).statistic
    assert z == pytest.approx(pooled * np.sqrt(19999 / 20000), rel=1e-12)


def test_score_interval_is_finite_with_zero_counts() -> None:
    r = compare_proportions(50, 0, 50, 0, interval="score")
    assert -1 < r.ci_low < 0 < r.ci_high < 1
    assert r.ci_low == pytest.approx(-r.ci_high, abs=1e-12)


def test_small_counts_switch_to_fisher() -> None:
    r = compare_proportions(40, 1, 40, 6)
    assert r.method == "fisher-exact"
    ref = sps.fisher_exact([[6, 1], [34, 39]])
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert r.statistic is not None and np.isnan(r.statistic)
    assert any("switched to the fisher exact test" in w for w in r.warnings)


@pytest.mark.parametrize("exact", ["barnard", "boschloo"])
def test_unconditional_exact_tests_match_scipy(exact: str) -> None:
    r = compare_proportions(30, 2, 25, 7, exact=exact, alternative="greater")
    ref = getattr(sps, f"{exact}_exact")([[7, 2], [18, 28]], alternative="greater")
    assert r.method == f"{exact}-exact"
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_forced_exact_test_runs_for_every_experiment() -> None:
    r = compare_proportions([100, 5000], [10, 500], [100, 5000], [20, 560], test="fisher")
    assert list(r.method) == ["fisher-exact", "fisher-exact"]
    ref = sps.fisher_exact([[560, 500], [4440, 4500]]).pvalue
    assert r.p_value[1] == pytest.approx(ref, rel=1e-9)  # type: ignore[index]


def test_large_table_falls_back_from_boschloo_to_fisher() -> None:
    r = compare_proportions(100_000, 1, 100_000, 3, exact="boschloo")
    assert r.method == "fisher-exact"
    assert any("too large" in w for w in r.warnings)


def test_zero_conversion_control_still_gets_a_difference() -> None:
    r = compare_proportions(2000, 0, 2000, 9)
    assert r.estimate == pytest.approx(9 / 2000)
    assert r.method == "fisher-exact"
    assert 0 < r.ci_low < r.estimate < r.ci_high
    assert r.p_value < 0.05


def test_wald_interval_is_replaced_by_newcombe_where_the_exact_test_is_used() -> None:
    r = compare_proportions([10000, 300], [1000, 0], [10000, 300], [1100, 4], interval="wald")
    assert list(r.interval_method) == ["wald", "newcombe"]
    assert list(r.method) == ["z-pooled", "fisher-exact"]
    assert r.ci_high[1] > r.ci_low[1]  # type: ignore[index]


def test_exact_none_keeps_the_asymptotic_test_and_warns() -> None:
    r = compare_proportions(40, 1, 40, 6, exact=None)
    assert r.method == "z-pooled"
    assert any("may be inaccurate" in w for w in r.warnings)


def test_no_variation_gives_p_of_one() -> None:
    r = compare_proportions(20, 0, 20, 0, exact=None)
    assert r.p_value == 1.0
    assert r.statistic == 0.0


@FAST
@given(st.lists(tables(), min_size=1, max_size=8), st.sampled_from(["newcombe", "wald", "score"]))
def test_vectorised_call_equals_one_call_per_experiment(
    cases: list[tuple[int, int, int, int]], interval: str
) -> None:
    n_a, x_a, n_b, x_b = (np.array(c) for c in zip(*cases, strict=True))
    together = compare_proportions(n_a, x_a, n_b, x_b, interval=interval)
    for i, case in enumerate(cases):
        alone = compare_proportions(*case, interval=interval)
        assert together.method[i] == alone.method
        assert np.asarray(together.p_value)[i] == pytest.approx(alone.p_value, rel=1e-12)
        low, high = np.asarray(together.ci_low)[i], np.asarray(together.ci_high)[i]
        assert low == pytest.approx(alone.ci_low, rel=1e-12, abs=1e-12)
        assert high == pytest.approx(alone.ci_high, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("alternative", "open_end"), [("greater", 1), ("less", 0)])
def test_one_sided_intervals_leave_one_end_open(alternative: str, open_end: int) -> None:
    r = compare_proportions(10000, 1000, 10000, 1100, alternative=alternative, interval="wald")
    assert np.isinf(r.interval[open_end])
    z = sps.norm.ppf(0.95)
    se = np.sqrt(0.1 * 0.9 / 10000 + 0.11 * 0.89 / 10000)
    closed = r.interval[1 - open_end]
    assert closed == pytest.approx(0.01 - z * se if open_end else 0.01 + z * se, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    tables(),
    st.sampled_from(["z-pooled", "z-unpooled", "welch"]),
    st.sampled_from(["newcombe", "wald", "score"]),
    st.sampled_from(["fisher", None]),
    st.sampled_from(["two-sided", "greater", "less"]),
)
def test_any_table_gives_a_sane_answer_without_numpy_warnings(
    case: tuple[int, int, int, int], test: str, interval: str, exact: str | None, alternative: str
) -> None:
    n_a, x_a, n_b, x_b = case
    if test == "welch" and min(n_a, n_b) < 2:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = compare_proportions(
            n_a, x_a, n_b, x_b, test=test, interval=interval, exact=exact, alternative=alternative
        )
    assert 0.0 <= r.p_value <= 1.0
    assert r.ci_low <= r.estimate <= r.ci_high
