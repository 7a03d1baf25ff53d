"""The reference figures every release must reproduce (control 1000/10000, treatment 1100/10000)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportions_ztest,
)
from statsmodels.stats.proportion import (
    test_proportions_2indep as sm_test_2indep,
)

from promocore.stats import compare_proportions, welch_test

N_A, X_A, N_B, X_B = 10000, 1000, 10000, 1100


def test_pooled_z_p_value() -> None:
    r = compare_proportions(N_A, X_A, N_B, X_B, test="z-pooled")
    assert r.p_value == pytest.approx(0.021075, abs=5e-7)
    assert r.method == "z-pooled"
    _, p = proportions_ztest([X_B, X_A], [N_B, N_A])
    assert r.p_value == pytest.approx(p, rel=1e-12)


def test_unpooled_z_p_value() -> None:
    r = compare_proportions(N_A, X_A, N_B, X_B, test="z-unpooled")
    assert r.p_value == pytest.approx(0.021058, abs=5e-7)
    sm = sm_test_2indep(X_B, N_B, X_A, N_A, method="wald")
    assert r.p_value == pytest.approx(sm.pvalue, rel=1e-12)


def test_welch_p_value() -> None:
    # Welch's t on the 0/1 outcomes with the Bernoulli variances p(1 - p) and
    # Welch-Satterthwaite degrees of freedom.
    r = compare_proportions(N_A, X_A, N_B, X_B, test="welch")
    assert r.p_value == pytest.approx(0.021068, abs=5e-7)
    assert r.method == "welch"
    p_a, p_b = X_A / N_A, X_B / N_B
    ref = sps.ttest_ind_from_stats(
        p_b, np.sqrt(p_b * (1 - p_b)), N_B, p_a, np.sqrt(p_a * (1 - p_a)), N_A, equal_var=False
    )
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)


def test_welch_on_sufficient_statistics_uses_the_sample_variance() -> None:
    # The same 0/1 data as (n, sum, sum of squares): the textbook Welch test with
    # unbiased variances, identical to scipy on the raw values. It differs from the
    # Bernoulli-variance figure above in the fifth decimal.
    r = welch_test(N_A, X_A, X_A, N_B, X_B, X_B)
    a = np.r_[np.ones(X_A), np.zeros(N_A - X_A)]
    b = np.r_[np.ones(X_B), np.zeros(N_B - X_B)]
    ref = sps.ttest_ind(b, a, equal_var=False)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert r.p_value == pytest.approx(0.021075, abs=5e-7)


def test_wald_interval_for_the_difference() -> None:
    r = compare_proportions(N_A, X_A, N_B, X_B, interval="wald")
    low, high = r.interval
    assert low == pytest.approx(0.001504, abs=5e-7)
    assert high == pytest.approx(0.018496, abs=5e-7)
    assert r.estimate == pytest.approx(0.01)
    ref = confint_proportions_2indep(X_B, N_B, X_A, N_A, method="wald")
    assert (low, high) == pytest.approx(ref, rel=1e-12)
