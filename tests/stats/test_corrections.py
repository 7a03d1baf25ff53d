from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from promocore.stats import adjust

SM_NAMES = {"bonferroni": "bonferroni", "holm": "holm", "bh": "fdr_bh", "by": "fdr_by"}


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=40),
    st.sampled_from(sorted(SM_NAMES)),
    st.sampled_from([0.01, 0.05, 0.1]),
)
def test_adjusted_p_values_match_statsmodels(p: list[float], method: str, alpha: float) -> None:
    r = adjust(p, method=method, alpha=alpha)
    reject, corrected, _, _ = multipletests(p, alpha=alpha, method=SM_NAMES[method])
    np.testing.assert_allclose(r.p_values, corrected, rtol=1e-12, atol=1e-15)
    assert r.reject.tolist() == reject.tolist()


def test_bonferroni_intervals_are_simultaneous() -> None:
    est, se = np.array([0.5, 1.0, -0.2]), np.array([0.2, 0.3, 0.1])
    p = 2 * sps.norm.sf(np.abs(est / se))
    r = adjust(p, method="bonferroni", estimates=est, std_errors=se)
    z = sps.norm.ppf(1 - 0.05 / 6)
    assert r.interval is not None
    np.testing.assert_allclose(r.interval[0], est - z * se)
    np.testing.assert_allclose(r.interval[1], est + z * se)
    assert r.interval_level == pytest.approx(1 - 0.05 / 3)
    # An interval excludes 0 exactly when the adjusted p-value rejects.
    excludes = (r.interval[0] > 0) | (r.interval[1] < 0)
    assert excludes.tolist() == r.reject.tolist()


@pytest.mark.parametrize("method", ["bh", "by"])
def test_false_coverage_rate_intervals_cover_only_the_selected(method: str) -> None:
    est = np.array([3.0, 0.1, 2.5, -0.2, 4.0])
    se = np.ones(5)
    p = 2 * sps.norm.sf(np.abs(est))
    r = adjust(p, method=method, estimates=est, std_errors=se)
    selected = int(r.reject.sum())
    harmonic = sum(1 / k for k in range(1, 6)) if method == "by" else 1.0
    level_alpha = selected * 0.05 / (5 * harmonic)
    assert r.interval_level == pytest.approx(1 - level_alpha)
    assert r.interval is not None
    z = sps.norm.ppf(1 - level_alpha / 2)
    for i in range(5):
        if r.reject[i]:
            assert r.interval[0][i] == pytest.approx(est[i] - z)
        else:
            assert np.isnan(r.interval[0][i])


def test_holm_has_no_intervals() -> None:
    r = adjust([0.01, 0.2], method="holm", estimates=[1.0, 0.1], std_errors=[0.3, 0.3])
    assert r.interval is None and r.interval_level is None
    assert r.warnings == ("Holm's procedure has no matching confidence intervals",)
    assert "1 of 2 rejected" in repr(r)
    assert r.to_dict()["reject"] == [True, False]
