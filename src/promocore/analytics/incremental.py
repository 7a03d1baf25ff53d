"""What a campaign added over its holdout group: incremental revenue, cost, margin and ROI.

The holdout is a random share of the audience that saw no promotion. Per customer
of each arm (everyone in the audience, including those who did not order):

* incremental revenue = ``R_t − n_t · R_h / n_h`` (revenue of the treated beyond what
  the same number of held-out customers spent);
* incremental cost = ``C_t − n_t · C_h / n_h + F`` (discounts, and the fixed cost ``F``);
* ROI = (incremental revenue − incremental cost) / incremental cost, and the margin ROI
  with ``margin_rate × incremental revenue``.

The figures are exact: ratios of exact integer sums, rounded once (money half even to
the minor unit, ROI half even to 4 decimals). Their intervals and p-values come from
[`campaign_economics`][promocore.stats.economics.campaign_economics], the delta method on
the arms' sums, sums of squares and cross products. Which customers are held out is
input data (a ``holdout`` column), so any assignment (``promocore.experiments`` or a
backend's own) can feed it.

Examples:
    >>> treated = ArmSums(n=900, revenue=2_700_000, revenue_sq=24_000_000_000,
    ...                   cost=90_000, cost_sq=270_000_000, revenue_cost=3_300_000_000)
    >>> holdout = ArmSums(n=100, revenue=200_000, revenue_sq=1_500_000_000)
    >>> r = incremental_roi(treated, holdout, currency="CNY")
    >>> r.incremental_revenue.value.display(), r.roi_exact
    ('¥9000.00', Decimal('9.0000'))
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from promocore.analytics._dicts import fields_of
from promocore.analytics._rates import exact_ratio
from promocore.analytics.estimates import (
    DEFAULT_ALPHA,
    Estimate,
    MoneyEstimate,
    estimate,
    money_from_minor,
    money_interval,
)
from promocore.analytics.order_stats import GroupStats
from promocore.errors import ValidationError
from promocore.money import Money, Rounding
from promocore.validation import Checks

__all__ = ["ArmSums", "IncrementalRoi", "arm_sums", "incremental_roi"]


@attrs.frozen(kw_only=True)
class ArmSums:
    """Exact per-customer sums of one arm, over every customer of the arm.

    Attributes:
        n: Customers in the arm (who ordered or not).
        revenue: Sum of their revenue (minor units).
        revenue_sq: Sum of the squares of each customer's revenue.
        cost: Sum of the campaign cost spent on them (minor units).
        cost_sq: Sum of the squares of each customer's cost.
        revenue_cost: Sum of each customer's revenue × cost.
    """

    n: int
    revenue: int
    revenue_sq: int
    cost: int = 0
    cost_sq: int = 0
    revenue_cost: int = 0

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            checks.check(ok, field.name, f"must be a whole number >= 0 (got {value!r})")
        checks.raise_if_any()


def arm_sums(group: GroupStats, audience: int) -> ArmSums:
    """Return an arm's sums from a review's statistics and the arm's audience size."""
    return ArmSums(
        n=audience,
        revenue=group.revenue,
        revenue_sq=group.customer_revenue_sq,
        cost=group.discount,
        cost_sq=group.customer_discount_sq,
        revenue_cost=group.customer_revenue_discount,
    )


@attrs.frozen(kw_only=True)
class IncrementalRoi:
    """What the campaign added over its holdout, and what that cost.

    Attributes:
        treated: Customers treated.
        holdout: Customers held out.
        revenue_per_treated: Mean revenue per treated customer.
        revenue_per_holdout: Mean revenue per held-out customer.
        incremental_revenue: Exact point value, interval from the stats engine.
        incremental_cost: Incremental discounts plus fixed costs (half even).
        incremental_margin: ``margin_rate ×`` incremental revenue − incremental cost.
        roi_exact: The ROI as an exact ratio rounded half even to 4 decimals; None
            when the incremental cost is not positive.
        roi: The ROI with its delta-method interval and p-value (tests ROI = 0).
        margin_roi: The margin ROI with its interval.
        p_value: P-value of the incremental revenue (no effect at all).
    """

    treated: int
    holdout: int
    revenue_per_treated: Money
    revenue_per_holdout: Money
    incremental_revenue: MoneyEstimate
    incremental_cost: Money
    incremental_margin: MoneyEstimate
    roi_exact: Decimal | None
    roi: Estimate
    margin_roi: Estimate
    p_value: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as plain values."""
        return fields_of(self, self.incremental_cost.currency)


def _money(value: Fraction, currency: str) -> Money:
    return money_from_minor(value, currency, Rounding.HALF_EVEN)


def incremental_roi(
    treated: ArmSums,
    holdout: ArmSums,
    *,
    currency: str,
    fixed_costs: int = 0,
    margin_rate: Decimal = Decimal(1),
    alpha: float = DEFAULT_ALPHA,
) -> IncrementalRoi:
    """Compute the incremental revenue, cost, margin and ROI of a campaign over its holdout.

    Args:
        treated: Sums of the treated customers.
        holdout: Sums of the held-out customers.
        currency: ISO 4217 code of the sums.
        fixed_costs: Fixed costs in minor units (creative, media, fees).
        margin_rate: Contribution margin as a share of revenue (0 to 1).
        alpha: Intervals have level ``1 − alpha``.

    Raises:
        ValidationError: an arm has fewer than 2 customers, fewer customers than
            the sums imply, or the margin rate is outside [0, 1].
    """
    from promocore.stats.economics import campaign_economics

    checks = Checks()
    checks.check(treated.n >= 2, "treated.n", "must be >= 2")
    checks.check(holdout.n >= 2, "holdout.n", "must be >= 2 (a holdout of at least 2 customers)")
    checks.check(Decimal(0) <= margin_rate <= 1, "margin_rate", "must be between 0 and 1")
    checks.check(fixed_costs >= 0, "fixed_costs", "must be >= 0")
    checks.raise_if_any()
    n_t, n_h = treated.n, holdout.n
    revenue = Fraction(treated.revenue) - Fraction(n_t * holdout.revenue, n_h)
    cost = Fraction(treated.cost) - Fraction(n_t * holdout.cost, n_h) + fixed_costs
    rate = Fraction(margin_rate)
    margin = rate * revenue - cost
    roi_exact = None
    if cost > 0:
        gain = (revenue - cost) / cost
        roi_exact = exact_ratio(gain.numerator, gain.denominator, 4, Rounding.HALF_EVEN)
    try:
        e = campaign_economics(
            n_a=n_h,
            revenue_a=float(holdout.revenue),
            revenue_sq_a=float(holdout.revenue_sq),
            cost_a=float(holdout.cost),
            cost_sq_a=float(holdout.cost_sq),
            revenue_cost_a=float(holdout.revenue_cost),
            n_b=n_t,
            revenue_b=float(treated.revenue),
            revenue_sq_b=float(treated.revenue_sq),
            cost_b=float(treated.cost),
            cost_sq_b=float(treated.cost_sq),
            revenue_cost_b=float(treated.revenue_cost),
            fixed_cost=float(fixed_costs),
            margin_rate=float(margin_rate),
            alpha=alpha,
        )
    except ValidationError as exc:
        raise exc.prefixed("arms") from None
    ir, im = e.incremental_revenue, e.incremental_margin

    def bounds(result: Any) -> tuple[float, float]:
        low, high = result.interval
        return float(low), float(high)

    return IncrementalRoi(
        treated=n_t,
        holdout=n_h,
        revenue_per_treated=_money(Fraction(treated.revenue, n_t), currency),
        revenue_per_holdout=_money(Fraction(holdout.revenue, n_h), currency),
        incremental_revenue=money_interval(
            _money(revenue, currency), *bounds(ir), alpha=alpha, method="normal"
        ),
        incremental_cost=_money(cost, currency),
        incremental_margin=money_interval(
            _money(margin, currency), *bounds(im), alpha=alpha, method="normal"
        ),
        roi_exact=roi_exact,
        roi=estimate(roi_exact, *bounds(e.roi), alpha=alpha, method="delta method"),
        margin_roi=estimate(
            float(e.margin_roi.estimate), *bounds(e.margin_roi), alpha=alpha, method="delta method"
        ),
        p_value=float(ir.p_value),
    )
