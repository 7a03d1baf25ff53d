from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from promocore.errors import ValidationError
from promocore.stats import campaign_economics, summarize, welch_test


def test_fixed_cost_roi_is_a_rescaled_revenue_difference() -> None:
    r = campaign_economics(
        n_a=1000,
        revenue_a=50000,
        revenue_sq_a=5e6,
        n_b=1000,
        revenue_b=60000,
        revenue_sq_b=6.5e6,
        cost_b=4000,
    )
    assert r.incremental_revenue.estimate == pytest.approx(10000)
    assert r.incremental_cost == pytest.approx(4000)
    assert r.roi.estimate == pytest.approx((10000 - 4000) / 4000)
    se_diff = welch_test(1000, 50000, 5e6, 1000, 60000, 6.5e6).std_error
    assert isinstance(se_diff, float)
    assert r.incremental_revenue.std_error == pytest.approx(1000 * se_diff)
    assert r.roi.std_error == pytest.approx(se_diff / 4.0)
    z = sps.norm.ppf(0.975)
    assert r.roi.interval == pytest.approx((1.5 - z * se_diff / 4, 1.5 + z * se_diff / 4))
    assert r.incremental_margin.estimate == pytest.approx(6000)
    assert r.margin_roi.estimate == pytest.approx(r.roi.estimate)


def test_delta_method_with_random_cost_matches_a_direct_computation() -> None:
    rng = np.random.default_rng(11)
    n_a, n_b = 4000, 4000
    revenue_a = rng.gamma(2, 40, n_a)
    used = rng.random(n_b) < 0.3
    cost_b = np.where(used, 20.0, 0.0)
    revenue_b = rng.gamma(2, 40, n_b) + np.where(used, 35.0, 0.0)
    r = campaign_economics(
        n_a=n_a, revenue_a=revenue_a.sum(), revenue_sq_a=revenue_a @ revenue_a,
        n_b=n_b, revenue_b=revenue_b.sum(), revenue_sq_b=revenue_b @ revenue_b,
        cost_b=cost_b.sum(), cost_sq_b=cost_b @ cost_b, revenue_cost_b=revenue_b @ cost_b,
        margin_rate=0.4,
    )  # fmt: skip
    d_rev = revenue_b.mean() - revenue_a.mean()
    d_cost = cost_b.mean()
    cov_b = np.cov(revenue_b, cost_b)
    cov = np.array([[cov_b[0, 0] / n_b + revenue_a.var(ddof=1) / n_a, cov_b[0, 1] / n_b],
                    [cov_b[0, 1] / n_b, cov_b[1, 1] / n_b]])  # fmt: skip
    gradient = np.array([1 / d_cost, -d_rev / d_cost**2])
    se = float(np.sqrt(gradient @ cov @ gradient))
    assert r.roi.estimate == pytest.approx(d_rev / d_cost - 1, rel=1e-12)
    assert r.roi.std_error == pytest.approx(se, rel=1e-9)
    margin = 0.4 * d_rev - d_cost
    assert r.incremental_margin.estimate == pytest.approx(n_b * margin, rel=1e-12)
    var_margin = 0.16 * cov[0, 0] + cov[1, 1] - 2 * 0.4 * cov[0, 1]
    assert r.incremental_margin.std_error == pytest.approx(n_b * np.sqrt(var_margin), rel=1e-9)
    assert r.margin_roi.estimate == pytest.approx(margin / d_cost, rel=1e-12)


def test_roi_is_undefined_without_incremental_cost() -> None:
    r = campaign_economics(
        n_a=100,
        revenue_a=5000,
        revenue_sq_a=5e5,
        n_b=100,
        revenue_b=5200,
        revenue_sq_b=5.5e5,
        cost_b=0,
    )
    assert np.isnan(r.roi.estimate)
    assert r.warnings == ("the incremental cost is not positive: ROI is not defined",)


def test_economics_is_vectorised_and_validated() -> None:
    a, b = summarize(np.arange(1.0, 101.0)), summarize(np.arange(2.0, 102.0))
    r = campaign_economics(
        n_a=[a.n, a.n], revenue_a=a.sum, revenue_sq_a=a.sumsq,
        n_b=b.n, revenue_b=b.sum, revenue_sq_b=b.sumsq, cost_b=[50.0, 100.0],
    )  # fmt: skip
    assert np.asarray(r.roi.estimate) == pytest.approx([1.0, 0.0])
    assert "2 experiments" in repr(r)
    with pytest.raises(ValidationError, match="margin_rate: must be between 0 and 1"):
        campaign_economics(
            n_a=10,
            revenue_a=1,
            revenue_sq_a=1,
            n_b=10,
            revenue_b=1,
            revenue_sq_b=1,
            cost_b=1,
            margin_rate=2,
        )
    with pytest.raises(ValidationError, match="cost_b: must be >= 0"):
        campaign_economics(
            n_a=10, revenue_a=1, revenue_sq_a=1, n_b=10, revenue_b=1, revenue_sq_b=1, cost_b=-1
        )


def test_fixed_cost_adds_to_the_cost_without_widening_the_revenue_interval() -> None:
    common = {
        "n_a": 1000, "revenue_a": 50000, "revenue_sq_a": 5e6,
        "n_b": 1000, "revenue_b": 60000, "revenue_sq_b": 6.5e6, "cost_b": 4000,
    }  # fmt: skip
    base = campaign_economics(**common)
    r = campaign_economics(**common, fixed_cost=1000)
    assert r.incremental_cost == pytest.approx(5000)
    assert r.roi.estimate == pytest.approx((10000 - 5000) / 5000)
    assert r.incremental_margin.estimate == pytest.approx(10000 - 5000)
    assert r.incremental_revenue.interval == base.incremental_revenue.interval
    assert isinstance(base.roi.std_error, float)
    assert r.roi.std_error == pytest.approx(base.roi.std_error * 4000 / 5000)
    with pytest.raises(ValidationError, match=r"fixed_cost: must be >= 0 \(got -1\)"):
        campaign_economics(**common, fixed_cost=-1)
