"""Hand-checked figures of the review's metrics: AOV, ROI over a holdout, CAC, CLV, cohorts."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from scipy import stats as sps

from promocore.analytics.acquisition import customer_acquisition_cost
from promocore.analytics.clv import predict_clv
from promocore.analytics.estimates import mean_money, rate_estimate
from promocore.analytics.incremental import ArmSums, incremental_roi
from promocore.analytics.order_value import average_order_value
from promocore.analytics.repurchase import repurchase_rate
from promocore.analytics.retention import retention_cohorts
from promocore.errors import ValidationError
from promocore.money import Money
from promocore.stats import campaign_economics, wilson_interval

UTC = UTC


def test_aov_is_exact_and_its_interval_is_the_t_interval() -> None:
    values = [10_000, 20_000, 30_000, 40_000]
    v = average_order_value(values, currency="CNY")
    assert v.orders == 4 and v.revenue == Money(100_000, "CNY")
    assert v.aov is not None and v.aov.value == Money(25_000, "CNY")
    low, high = sps.t.interval(0.95, 3, loc=25_000, scale=sps.sem(values))
    assert v.aov.low == Money(math.floor(low), "CNY") and v.aov.high == Money(
        math.ceil(high), "CNY"
    )
    assert (v.aov.low.amount, v.aov.high.amount) == (4457, 45543)


def test_aov_rounds_half_even_and_refuses_floats() -> None:
    assert mean_money(2, 5, 13, "CNY").value == Money(2, "CNY")  # 2.5 -> 2
    assert mean_money(2, 7, 25, "CNY").value == Money(4, "CNY")  # 3.5 -> 4
    assert average_order_value([], currency="CNY").aov is None
    with pytest.raises(ValidationError, match="amounts: floats are refused for money"):
        average_order_value([1.5, 2.0], currency="CNY")


def test_rates_use_the_wilson_interval() -> None:
    r = rate_estimate(37, 120)
    assert (r.low, r.high) == pytest.approx(wilson_interval(120, 37))
    assert rate_estimate(0, 0).rate is None


def test_incremental_figures_are_exact_ratios_rounded_half_even() -> None:
    treated = ArmSums(
        n=2, revenue=1001, revenue_sq=600_000, cost=100, cost_sq=5_000, revenue_cost=60_000
    )
    holdout = ArmSums(n=4, revenue=2, revenue_sq=2)
    r = incremental_roi(treated, holdout, currency="CNY", fixed_costs=0)
    # 1001 − 2 × 2 / 4 = 1000 exactly; cost 100; ROI 9.
    assert r.incremental_revenue.value == Money(1000, "CNY")
    assert r.roi_exact == Decimal("9.0000")
    holdout = ArmSums(n=4, revenue=1, revenue_sq=1)
    r = incremental_roi(treated, holdout, currency="CNY", fixed_costs=50)
    # 1001 − 0.5 = 1000.5 -> 1000 (half even); cost 150; ROI (1000.5 − 150) / 150 = 5.67.
    assert r.incremental_revenue.value == Money(1000, "CNY")
    assert r.incremental_cost == Money(150, "CNY")
    assert r.roi_exact == Decimal("5.6700")
    assert r.revenue_per_holdout == Money(0, "CNY")  # 0.25 -> 0


def test_incremental_intervals_come_from_the_stats_engine() -> None:
    treated = ArmSums(
        n=900, revenue=2_700_000, revenue_sq=24_000_000_000, cost=90_000,
        cost_sq=270_000_000, revenue_cost=3_300_000_000,
    )  # fmt: skip
    holdout = ArmSums(n=100, revenue=200_000, revenue_sq=1_500_000_000)
    r = incremental_roi(
        treated, holdout, currency="CNY", fixed_costs=30_000, margin_rate=Decimal("0.4")
    )
    e = campaign_economics(
        n_a=100, revenue_a=200_000, revenue_sq_a=1.5e9, cost_sq_a=0, revenue_cost_a=0,
        n_b=900, revenue_b=2.7e6, revenue_sq_b=2.4e10, cost_b=90_000, cost_sq_b=2.7e8,
        revenue_cost_b=3.3e9, fixed_cost=30_000, margin_rate=0.4,
    )  # fmt: skip
    assert r.roi.value == pytest.approx(float(e.roi.estimate), abs=5e-5)
    assert (r.roi.low, r.roi.high) == pytest.approx(tuple(float(x) for x in e.roi.interval))
    low, high = (float(x) for x in e.incremental_revenue.interval)
    assert r.incremental_revenue.low == Money(math.floor(low), "CNY")
    assert r.incremental_revenue.high == Money(math.ceil(high), "CNY")
    # (0.4 × 900,000 − 120,000) = 240,000 exactly.
    assert r.incremental_margin.value == Money(240_000, "CNY")
    assert r.p_value == pytest.approx(float(e.incremental_revenue.p_value))


def test_incremental_needs_a_holdout() -> None:
    with pytest.raises(ValidationError, match=r"holdout\.n: must be >= 2"):
        incremental_roi(
            ArmSums(n=10, revenue=1, revenue_sq=1),
            ArmSums(n=1, revenue=0, revenue_sq=0),
            currency="CNY",
        )
    with pytest.raises(ValidationError, match="revenue: must be a whole number >= 0"):
        ArmSums(n=10, revenue=-1, revenue_sq=0)


def test_cac_rounds_half_even() -> None:
    assert customer_acquisition_cost(Money(5, "CNY"), 2).cac == Money(2, "CNY")
    assert customer_acquisition_cost(Money(7, "CNY"), 2).cac == Money(4, "CNY")
    assert customer_acquisition_cost(Money(7, "CNY"), 0).cac is None
    with pytest.raises(ValidationError, match="new_customers: must be a whole number >= 0"):
        customer_acquisition_cost(Money(7, "CNY"), -1)


def test_clv_with_a_horizon_and_its_delta_method_interval() -> None:
    args = {"active": 1000, "revenue": 15_000_000, "revenue_sq": 300_000_000_000, "pairs": 800,
            "retained": 400, "currency": "CNY", "margin_rate": "0.3"}  # fmt: skip
    m = predict_clv(**args, discount_rate="0", horizon=2)  # type: ignore[arg-type]
    # m = 0.3 × ¥150 = ¥45; S = 1 + 0.5 = 1.5.
    assert m.clv is not None and m.clv.value == Money(6750, "CNY")

    def value(mean: float, r: float) -> float:
        return 0.3 * mean * (1 + r)

    var_mean = (300_000_000_000 - 15_000_000**2 / 1000) / 999 / 1000
    var_r = 0.5 * 0.5 / 800
    h = 1e-4
    d_mean = (value(15_000 + h, 0.5) - value(15_000 - h, 0.5)) / (2 * h)
    d_r = (value(15_000, 0.5 + h) - value(15_000, 0.5 - h)) / (2 * h)
    se = math.sqrt(d_mean**2 * var_mean + d_r**2 * var_r)
    z = sps.norm.ppf(0.975)
    assert m.clv.low.amount == math.floor(6750 - z * se)
    assert m.clv.high.amount == math.ceil(6750 + z * se)
    discounted = predict_clv(**args, discount_rate="0.25", horizon=None)  # type: ignore[arg-type]
    # q = 0.5 / 1.25 = 0.4; S = 1 / 0.6; CLV = 4500 / 0.6 = 7500.
    assert discounted.clv is not None and discounted.clv.value == Money(7500, "CNY")
    with pytest.raises(ValidationError, match="retained: must be between 0 and pairs"):
        predict_clv(**{**args, "retained": 900})  # type: ignore[arg-type]


def test_retention_cohorts_by_week() -> None:
    monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
    r = retention_cohorts(
        ["a", "b", "a", "b", "c"],
        [
            monday,
            monday + timedelta(days=6),
            monday + timedelta(days=7),
            monday + timedelta(days=15),
            monday + timedelta(days=8),
        ],
        [100, 200, 300, 400, 500],
        currency="CNY",
        now=monday + timedelta(days=21),
        period="week",
    )
    first, second = r.cohorts
    assert (first.label, first.size, first.sizes_active) == ("2026-03-02", 2, (2, 1, 1, 0))
    assert first.complete == (True, True, True, False)
    assert [m.amount for m in first.clv] == [150, 300, 500, 500]
    assert (second.label, second.size, second.sizes_active) == ("2026-03-09", 1, (1, 0, 0))
    assert first.retention[1].rate == 0.5


def test_repurchase_counts_only_customers_whose_window_closed() -> None:
    t = datetime(2026, 11, 1, tzinfo=UTC)
    kwargs = {"since": t, "until": t + timedelta(days=11), "days": 30}
    ids = ["a", "a", "b", "c", "c"]
    at = [
        t,
        t + timedelta(days=29),
        t + timedelta(days=2),
        t + timedelta(days=10),
        t + timedelta(days=50),
    ]
    early = repurchase_rate(ids, at, now=t + timedelta(days=31), **kwargs)  # type: ignore[arg-type]
    assert (early.successes, early.n) == (1, 1)  # only a's 30 days are over
    late = repurchase_rate(ids, at, now=t + timedelta(days=60), **kwargs)  # type: ignore[arg-type]
    assert (late.successes, late.n) == (1, 3)  # c came back after 40 days: too late
    assert Fraction(late.successes, late.n) == Fraction(1, 3)
