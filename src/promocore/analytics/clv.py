"""Predicted customer lifetime value (CLV / LTV): a simple retention model, documented.

The model is the classic geometric-retention model of customer value (Gupta and
Lehmann, *Customers as assets*, 2003), estimated from the retention cohorts:

* ``m``: the margin of an active customer in one period: ``margin_rate ×`` the mean
  revenue per active customer-period, over the complete periods of every cohort;
* ``r``: the retention rate: of the customers active in a period, the share active
  again in the next one, pooled over every pair of complete periods;
* ``d``: the discount rate per period (the plan's ``clv_discount_rate``);
* ``H``: the horizon in periods (None for no limit).

A newly acquired customer is active in their first period and stays active from one
period to the next with probability ``r``, so with ``q = r / (1 + d)``:

    CLV = m · (1 + q + q² + … + q^(H−1)) = m · (1 − q^H) / (1 − q)

The interval is the delta method on ``m`` (its t standard error from the exact sums
of squares) and ``r`` (binomial), taken as independent. The model assumes a constant
retention rate: check the cohort table before trusting it on a shop whose customers
churn mostly in the first periods (compare the retention of period 1 with the later ones).

Examples:
    >>> m = predict_clv(active=1000, revenue=15_000_000, revenue_sq=300_000_000_000,
    ...                 pairs=800, retained=400, currency="CNY", margin_rate="0.3",
    ...                 discount_rate="0", horizon=None)
    >>> m.margin_per_period.value.display(), round(m.retention.rate, 2), m.clv.value.display()
    ('¥45.00', 0.5, '¥90.00')
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from promocore.analytics._dicts import fields_of
from promocore.analytics.estimates import (
    DEFAULT_ALPHA,
    MoneyEstimate,
    RateEstimate,
    mean_money,
    money_from_minor,
    money_interval,
    rate_estimate,
)
from promocore.analytics.order_stats import CohortCell, ReviewQuery
from promocore.errors import ValidationError
from promocore.money import Rounding
from promocore.validation import Checks

__all__ = ["ClvModel", "clv_from_stats", "predict_clv"]


@attrs.frozen(kw_only=True)
class ClvModel:
    """The predicted lifetime value of a new customer, and what it was estimated from.

    Attributes:
        margin_per_period: ``m``, the margin of an active customer per period.
        retention: ``r``, the period-to-period retention rate.
        discount_rate: ``d`` per period.
        horizon: ``H`` periods, or None for no limit.
        clv: The predicted value with its delta-method interval; None when the
            retention rate cannot be estimated (no pair of complete periods).
    """

    margin_per_period: MoneyEstimate | None
    retention: RateEstimate
    discount_rate: Decimal
    horizon: int | None
    clv: MoneyEstimate | None

    def to_dict(self) -> dict[str, Any]:
        """Return the model as plain values."""
        margin = self.margin_per_period
        return fields_of(self, None if margin is None else margin.value.currency)


def _series(q: float, horizon: int | None) -> tuple[float, float]:
    """Return ``S(q) = 1 + q + … + q^(H−1)`` and its derivative."""
    if horizon is None:
        return 1 / (1 - q), 1 / (1 - q) ** 2
    if abs(1 - q) < 1e-12:
        return float(horizon), horizon * (horizon - 1) / 2
    s = (1 - q**horizon) / (1 - q)
    ds = (-horizon * q ** (horizon - 1) * (1 - q) + (1 - q**horizon)) / (1 - q) ** 2
    return s, ds


def _exact_series(q: Fraction, horizon: int | None) -> Fraction:
    if horizon is None:
        return 1 / (1 - q)
    if q == 1:
        return Fraction(horizon)
    return (1 - q**horizon) / (1 - q)


def predict_clv(
    *,
    active: int,
    revenue: int,
    revenue_sq: int,
    pairs: int,
    retained: int,
    currency: str,
    margin_rate: object = "1",
    discount_rate: object = "0.01",
    horizon: int | None = 24,
    alpha: float = DEFAULT_ALPHA,
) -> ClvModel:
    """Predict the lifetime value of a new customer from retention statistics.

    Args:
        active: Active customer-periods observed (complete periods only).
        revenue: Their revenue, exact minor units.
        revenue_sq: Sum over customer-periods of the squared revenue.
        pairs: Customer-periods whose next period is complete.
        retained: Of those, how many were active in the next period too.
        currency: ISO 4217 code of the amounts.
        margin_rate: Contribution margin as a share of revenue (0 to 1).
        discount_rate: Discount rate per period, in [0, 1).
        horizon: Periods ahead (1 to 1200), or None for no limit.
        alpha: The interval has level ``1 − alpha``.

    Raises:
        ValidationError: a count is negative or inconsistent, or a rate is out of range.
    """
    from promocore.analytics._rates import ratio

    checks = Checks()
    rate = ratio(margin_rate, "margin_rate", checks, low=Decimal(0), high=Decimal(1))
    d = ratio(
        discount_rate, "discount_rate", checks, low=Decimal(0), high=Decimal(1), high_open=True
    )
    checks.check(0 <= retained <= pairs, "retained", "must be between 0 and pairs")
    checks.check(active >= 0 and revenue >= 0, "active", "counts and sums must be >= 0")
    checks.check(
        horizon is None or (isinstance(horizon, int) and 1 <= horizon <= 1200),
        "horizon",
        "must be 1 to 1200 periods, or None",
    )
    checks.raise_if_any()
    retention = rate_estimate(retained, pairs, alpha=alpha)
    if active == 0:
        return ClvModel(
            margin_per_period=None,
            retention=retention,
            discount_rate=d,
            horizon=horizon,
            clv=None,
        )
    spend = mean_money(active, revenue, revenue_sq, currency, alpha=alpha)
    f_rate = Fraction(rate)
    m_exact = f_rate * Fraction(revenue, active)
    margin = money_interval(
        money_from_minor(m_exact, currency, Rounding.HALF_EVEN),
        float(f_rate) * spend.low.amount,
        float(f_rate) * spend.high.amount,
        alpha=alpha,
        method="t",
    )
    if pairs == 0 or (horizon is None and retained == pairs and d == 0):
        return ClvModel(
            margin_per_period=margin,
            retention=retention,
            discount_rate=d,
            horizon=horizon,
            clv=None,
        )
    q_exact = Fraction(retained, pairs) / (1 + Fraction(d))
    value = m_exact * _exact_series(q_exact, horizon)
    q = float(q_exact)
    s, ds = _series(q, horizon)
    m = float(m_exact)
    var_m = _variance_of_mean(active, revenue, revenue_sq) * float(f_rate) ** 2
    r = retained / pairs
    var_r = r * (1 - r) / pairs
    se = math.sqrt(s * s * var_m + (m * ds / (1 + float(d))) ** 2 * var_r)
    from promocore.stats._dist import z_critical

    z = float(z_critical(alpha, "two-sided"))
    centre = float(value)
    clv = money_interval(
        money_from_minor(value, currency, Rounding.HALF_EVEN),
        max(centre - z * se, 0.0),
        centre + z * se,
        alpha=alpha,
        method="delta method",
    )
    return ClvModel(
        margin_per_period=margin,
        retention=retention,
        discount_rate=d,
        horizon=horizon,
        clv=clv,
    )


def _variance_of_mean(n: int, total: int, total_sq: int) -> float:
    if n < 2:
        return 0.0
    return max(float(Fraction(n * total_sq - total * total, n * n * (n - 1))), 0.0)


def clv_from_stats(
    cells: tuple[CohortCell, ...],
    query: ReviewQuery,
    currency: str,
    *,
    margin_rate: object,
    discount_rate: object,
    horizon: int | None,
    alpha: float = DEFAULT_ALPHA,
) -> ClvModel:
    """Estimate the CLV model from a review's cohort statistics (complete periods only)."""
    active = revenue = revenue_sq = pairs = retained = 0
    for cell in cells:
        if query.period_start(cell.cohort + cell.offset + 1) <= query.now:
            active += cell.customers
            revenue += cell.revenue
            revenue_sq += cell.revenue_sq
            if query.period_start(cell.cohort + cell.offset + 2) <= query.now:
                pairs += cell.customers
                retained += cell.retained
    try:
        return predict_clv(
            active=active,
            revenue=revenue,
            revenue_sq=revenue_sq,
            pairs=pairs,
            retained=retained,
            currency=currency,
            margin_rate=margin_rate,
            discount_rate=discount_rate,
            horizon=horizon,
            alpha=alpha,
        )
    except ValidationError as exc:
        raise exc.prefixed("clv") from None
