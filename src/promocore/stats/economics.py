"""Campaign economics: incremental revenue, incremental margin and ROI, with intervals.

The campaign is judged on what it *added* over the control arm, scaled to the
treated users, net of what it cost. From per-user sufficient statistics of
each arm (revenue, and the campaign cost such as discounts and coupons funded)
with ``Δ`` the per-user difference B − A:

* incremental cost = ``n_b · ΔC + F``, with ``F`` the fixed cost (creative, media, fees)
* incremental revenue = ``n_b · ΔR``
* incremental margin = ``n_b · (margin_rate · ΔR − ΔC) − F``, net of the cost
* ROI = (incremental revenue − incremental cost) / incremental cost
* margin ROI = (margin_rate · incremental revenue − incremental cost) / incremental cost

Revenue here is what users paid, after the discount; cost is what the campaign
spent that is not already taken out of that revenue (coupon subsidies, gifts,
cashback). Intervals are normal intervals; ROI uses the delta method, with the
covariance of revenue and cost inside each arm when their cross-products are
given, and treats the cost as exactly known when its sum of squares is not.
Amounts are floats in any one unit (yuan or fen), not [`Money`][promocore.money.Money].

This is the interval engine of the one ROI of promocore:
[`incremental_roi`][promocore.analytics.incremental.incremental_roi] takes exact money sums per
arm, computes the point figures exactly and asks this function for the intervals.
"""

from __future__ import annotations

import attrs
import numpy as np

from promocore._arrays import BoolArray, FloatArray, Inputs, is_scalar, quiet
from promocore.stats._dist import p_from_z, z_critical
from promocore.stats._inputs import sample_variance
from promocore.stats._notes import Notes
from promocore.stats.results import ComparisonResult, ResultMixin, finish, fmt


@attrs.frozen(eq=False, repr=False)
class EconomicsResult(ResultMixin):
    """Incremental revenue, incremental margin and ROI of a campaign.

    Attributes:
        incremental_revenue: ``n_b · ΔR`` with its interval and p-value.
        incremental_margin: ``n_b · (margin_rate · ΔR − ΔC)``.
        roi: (incremental revenue − cost) / cost with a delta-method interval; its p-value
            tests ROI = 0.
        margin_roi: (margin_rate · incremental revenue − cost) / cost.
        incremental_cost: ``n_b · ΔC + F``, the cost the ratios divide by.
        warnings: Human-readable caveats.
    """

    incremental_revenue: ComparisonResult
    incremental_margin: ComparisonResult
    roi: ComparisonResult
    margin_roi: ComparisonResult
    incremental_cost: float | FloatArray
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        def one(r: ComparisonResult) -> str:
            if not isinstance(r.estimate, float):
                return f"{r.estimate.size} experiments"
            low, high = (float(x) for x in r.interval)
            return f"{fmt(r.estimate)} [{fmt(low)}, {fmt(high)}]"

        return (
            f"EconomicsResult(incremental_revenue={one(self.incremental_revenue)}, "
            f"incremental_margin={one(self.incremental_margin)}, roi={one(self.roi)})"
        )


@quiet
def campaign_economics(
    *,
    n_a: object,
    revenue_a: object,
    revenue_sq_a: object,
    n_b: object,
    revenue_b: object,
    revenue_sq_b: object,
    cost_b: object,
    cost_sq_b: object = None,
    revenue_cost_b: object = None,
    cost_a: object = 0.0,
    cost_sq_a: object = None,
    revenue_cost_a: object = None,
    margin_rate: object = 1.0,
    fixed_cost: object = 0.0,
    alpha: float = 0.05,
) -> EconomicsResult:
    """Incremental revenue, incremental margin net of cost, and ROI with intervals.

    Args:
        n_a: Users in the control arm (>= 2).
        revenue_a: Sum of revenue per user over A.
        revenue_sq_a: Sum of squared revenue per user over A.
        n_b: Users in the treatment arm (>= 2).
        revenue_b: Sum of revenue over B.
        revenue_sq_b: Sum of squared revenue over B.
        cost_b: Campaign cost spent on B (sum over users).
        cost_sq_b: Sum of squared per-user cost in B; omit to treat the cost
            as exactly known.
        revenue_cost_b: Sum of revenue × cost per user in B; omit to treat
            them as uncorrelated.
        cost_a: Campaign cost spent on A (usually 0).
        cost_sq_a: Sum of squared per-user cost in A.
        revenue_cost_a: Sum of revenue × cost per user in A.
        margin_rate: Contribution margin as a share of revenue (0 to 1).
        fixed_cost: Cost of the campaign that does not depend on the users
            (creative, media, fees), exactly known; added to the incremental cost.
        alpha: Significance level; intervals have level ``1 − alpha``.

    Returns:
        An [`EconomicsResult`][promocore.stats.economics.EconomicsResult]. Ratios are ``nan`` (with
        a warning) where the incremental cost is not positive.

    Raises:
        ValidationError: statistics not finite, fewer than 2 users in an arm,
            negative costs (fixed cost included), or a margin rate outside [0, 1].

    Examples:
        >>> r = campaign_economics(n_a=1000, revenue_a=50000, revenue_sq_a=5e6,
        ...                        n_b=1000, revenue_b=60000, revenue_sq_b=6.5e6, cost_b=4000)
        >>> round(r.roi.estimate, 2), r.incremental_revenue.estimate
        (1.5, 10000.0)
    """
    v = Inputs()
    raw = {
        "n_a": v.count("n_a", n_a),
        "revenue_a": v.number("revenue_a", revenue_a),
        "revenue_sq_a": v.number("revenue_sq_a", revenue_sq_a),
        "n_b": v.count("n_b", n_b),
        "revenue_b": v.number("revenue_b", revenue_b),
        "revenue_sq_b": v.number("revenue_sq_b", revenue_sq_b),
        "cost_a": v.number("cost_a", cost_a),
        "cost_b": v.number("cost_b", cost_b),
        "margin_rate": v.number("margin_rate", margin_rate),
        "fixed_cost": v.number("fixed_cost", fixed_cost),
    }
    optional = {
        "cost_sq_a": cost_sq_a,
        "revenue_cost_a": revenue_cost_a,
        "cost_sq_b": cost_sq_b,
        "revenue_cost_b": revenue_cost_b,
    }
    for name, value in optional.items():
        raw[name] = v.number(name, 0.0 if value is None else value)
    level = v.alpha(alpha)
    scalar = is_scalar(*raw.values())
    x = dict(zip(raw, v.broadcast(**raw), strict=True))
    for arm in "ab":
        n = x[f"n_{arm}"]
        v.flag(f"n_{arm}", n < 2, "must be >= 2", n)
        v.flag(f"cost_{arm}", x[f"cost_{arm}"] < 0, "must be >= 0", x[f"cost_{arm}"])
    v.flag("fixed_cost", x["fixed_cost"] < 0, "must be >= 0", x["fixed_cost"])
    rate = x["margin_rate"]
    v.flag("margin_rate", (rate < 0) | (rate > 1), "must be between 0 and 1", rate)
    v.done()
    notes = Notes(scalar)
    n_a_, n_b_ = x["n_a"], x["n_b"]
    d_rev = x["revenue_b"] / n_b_ - x["revenue_a"] / n_a_
    # The fixed cost is spread over the treated users: a constant, so no variance.
    d_cost = x["cost_b"] / n_b_ - x["cost_a"] / n_a_ + x["fixed_cost"] / n_b_
    var_rev = _var_mean(n_a_, x["revenue_a"], x["revenue_sq_a"]) + _var_mean(
        n_b_, x["revenue_b"], x["revenue_sq_b"]
    )
    var_cost = np.zeros_like(d_rev)
    cov = np.zeros_like(d_rev)
    for arm in "ab":
        n = x[f"n_{arm}"]
        if optional[f"cost_sq_{arm}"] is not None:
            var_cost = var_cost + _var_mean(n, x[f"cost_{arm}"], x[f"cost_sq_{arm}"])
        if optional[f"revenue_cost_{arm}"] is not None:
            mean_r, mean_c = x[f"revenue_{arm}"] / n, x[f"cost_{arm}"] / n
            cov = cov + (x[f"revenue_cost_{arm}"] - n * mean_r * mean_c) / (n - 1) / n
    z = z_critical(level, "two-sided")

    def linear(scale: FloatArray, est: FloatArray, var: FloatArray) -> ComparisonResult:
        se = scale * np.sqrt(np.maximum(var, 0.0))
        value = scale * est
        with np.errstate(invalid="ignore", divide="ignore"):
            p = p_from_z(
                np.where(se > 0, value / se, np.where(value == 0, 0.0, np.inf)), "two-sided"
            )
        return _result(
            value, value - z * se, value + z * se, p, se, "difference", "normal", level, scalar
        )

    revenue = linear(n_b_, d_rev, var_rev)
    gain = rate * d_rev - d_cost
    var_gain = rate * rate * var_rev + var_cost - 2 * rate * cov
    margin = linear(n_b_, gain, var_gain)
    no_cost = ~(d_cost > 0)
    notes.add("the incremental cost is not positive: ROI is not defined", no_cost)
    roi = _ratio(d_rev, d_cost, var_rev, var_cost, cov, z, level, no_cost, scalar)
    margin_roi = _ratio(
        rate * d_rev, d_cost, rate * rate * var_rev, var_cost, rate * cov, z, level, no_cost, scalar
    )
    return EconomicsResult(
        incremental_revenue=revenue,
        incremental_margin=margin,
        roi=roi,
        margin_roi=margin_roi,
        incremental_cost=finish(n_b_ * d_cost, scalar),
        warnings=notes.result(),
    )


def _var_mean(n: FloatArray, total: FloatArray, squares: FloatArray) -> FloatArray:
    return sample_variance(n, total, squares) / n


def _ratio(
    num: FloatArray,
    den: FloatArray,
    var_num: FloatArray,
    var_den: FloatArray,
    cov: FloatArray,
    z: float,
    alpha: float,
    undefined: BoolArray,
    scalar: bool,
) -> ComparisonResult:
    """``num / den − 1`` with the delta-method standard error of ``num / den``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        q = num / den
        var = (var_num - 2 * q * cov + q * q * var_den) / (den * den)
        se = np.sqrt(np.maximum(var, 0.0))
        roi = q - 1
        p = p_from_z(np.where(se > 0, roi / se, np.where(roi == 0, 0.0, np.inf)), "two-sided")
    est, low, high, p, se = (
        np.where(undefined, np.nan, a) for a in (roi, roi - z * se, roi + z * se, p, se)
    )
    return _result(est, low, high, p, se, "roi", "delta method", alpha, scalar)


def _result(
    estimate: FloatArray,
    low: FloatArray,
    high: FloatArray,
    p: FloatArray,
    se: FloatArray,
    estimand: str,
    interval_method: str,
    alpha: float,
    scalar: bool,
) -> ComparisonResult:
    return ComparisonResult(
        estimand=estimand,
        estimate=finish(estimate, scalar),
        interval=(finish(low, scalar), finish(high, scalar)),
        p_value=finish(p, scalar),
        method="z",
        interval_method=interval_method,
        alpha=alpha,
        alternative="two-sided",
        statistic=None,
        std_error=finish(se, scalar),
    )
