"""Return on investment of a campaign: ROI = (revenue − cost) / cost.

The cost of a campaign is split into the kinds operators budget separately:
discounts granted, distribution commissions, gifts with purchase and fixed costs
(creative, media, fees). Every amount is summed exactly in integer minor units;
only the ROI itself is a ratio, a `Decimal` rounded once with a
named `Rounding`.

Examples:
    >>> from promocore.money import Money
    >>> report = campaign_roi(
    ...     Money(1_000_000, "CNY"), discount_cost=150_000, commission=50_000, fixed_costs=50_000
    ... )
    >>> report.roi
    Decimal('3.0000')
    >>> report.profit.display()
    '¥7500.00'
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from promocore._arrays import CurrencyTracker, amount_total
from promocore.analytics._rates import check_places, exact_ratio
from promocore.money import Money, Rounding
from promocore.serialize import unstructure
from promocore.validation import Checks

__all__ = ["CostBreakdown", "RoiReport", "campaign_roi"]


@attrs.frozen
class CostBreakdown:
    """What a campaign cost, by kind; every part is exact money of one currency.

    Attributes:
        discount: Price reductions granted to customers (coupons, 满减, member prices).
        commission: Commissions paid to distributors and referrers.
        gifts: Cost of gifts with purchase and free samples.
        fixed: Fixed costs: creative, media, platform fees, staff.
    """

    discount: Money
    commission: Money
    gifts: Money
    fixed: Money

    @property
    def total(self) -> Money:
        """Return the sum of every kind of cost."""
        return self.discount + self.commission + self.gifts + self.fixed

    def shares(
        self, places: int = 4, rounding: Rounding = Rounding.HALF_EVEN
    ) -> dict[str, Decimal]:
        """Return each kind's share of the total cost (empty when the total is zero)."""
        whole = self.total.amount
        if whole == 0:
            return {}
        parts = {
            "discount": self.discount,
            "commission": self.commission,
            "gifts": self.gifts,
            "fixed": self.fixed,
        }
        return {k: exact_ratio(v.amount, whole, places, rounding) for k, v in parts.items()}

    def to_dict(self) -> dict[str, Any]:
        """Return the breakdown as plain values (amounts as major-unit strings of ``currency``)."""
        return {
            "currency": self.discount.currency,
            "discount": unstructure(self.discount),
            "commission": unstructure(self.commission),
            "gifts": unstructure(self.gifts),
            "fixed": unstructure(self.fixed),
            "total": unstructure(self.total),
        }


@attrs.frozen
class RoiReport:
    """Revenue against cost for one campaign.

    Attributes:
        revenue: Revenue credited to the campaign (GMV of its orders, or the
            incremental revenue over a holdout group when one exists).
        costs: The cost, by kind.
        roi: ``(revenue − total cost) / total cost`` rounded to ``places``
            decimals; None when the campaign cost nothing.
        places: Decimals kept in ``roi``.
        rounding: How ``roi`` was rounded.
    """

    revenue: Money
    costs: CostBreakdown
    roi: Decimal | None
    places: int = 4
    rounding: Rounding = Rounding.HALF_EVEN

    @property
    def total_cost(self) -> Money:
        """Return the total cost."""
        return self.costs.total

    @property
    def profit(self) -> Money:
        """Return revenue minus total cost (negative for a loss)."""
        return self.revenue - self.costs.total

    @property
    def return_per_unit_cost(self) -> Decimal | None:
        """Return revenue / total cost (ROI + 1, sometimes called ROAS); None without cost."""
        if self.costs.total.amount == 0:
            return None
        return exact_ratio(self.revenue.amount, self.costs.total.amount, self.places, self.rounding)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain values (amounts as major-unit strings of ``currency``)."""
        return {
            "currency": self.revenue.currency,
            "revenue": unstructure(self.revenue),
            "costs": self.costs.to_dict(),
            "total_cost": unstructure(self.total_cost),
            "profit": unstructure(self.profit),
            "roi": unstructure(self.roi),
            "return_per_unit_cost": unstructure(self.return_per_unit_cost),
            "places": self.places,
            "rounding": self.rounding.name,
        }


def campaign_roi(
    revenue: object,
    *,
    discount_cost: object = 0,
    commission: object = 0,
    gifts: object = 0,
    fixed_costs: object = 0,
    currency: str | None = None,
    places: int = 4,
    rounding: Rounding = Rounding.HALF_EVEN,
) -> RoiReport:
    """Compute the ROI of a campaign from its revenue and its costs.

    Each amount may be one `Money`, integer minor units,
    or an array or iterable of either (for instance the discount of every order),
    which is summed exactly.

    Args:
        revenue: Revenue credited to the campaign.
        discount_cost: Discounts granted.
        commission: Commissions paid.
        gifts: Cost of gifts.
        fixed_costs: Fixed costs.
        currency: ISO 4217 code; required when no amount is Money, and must match
            the currency of every Money given.
        places: Decimals kept in the ROI (0 to 12).
        rounding: How the ROI is rounded.

    Returns:
        The report; its ``roi`` is None when the total cost is zero.

    Raises:
        ValidationError: an amount is a float or of another currency, a total
            is negative, or the currency is missing or unknown.
    """
    checks = Checks()
    tracker = CurrencyTracker(checks, currency)
    named = {
        "revenue": revenue,
        "discount_cost": discount_cost,
        "commission": commission,
        "gifts": gifts,
        "fixed_costs": fixed_costs,
    }
    totals = {name: amount_total(value, name, checks, tracker) for name, value in named.items()}
    places = check_places(places, checks)
    if not isinstance(rounding, Rounding):
        checks.add("rounding", f"expected a promocore Rounding, got {rounding!r}")
    for name, value in totals.items():
        checks.check(value >= 0, name, f"total must be >= 0 (got {value})")
    code = tracker.resolve()
    checks.raise_if_any()
    costs = CostBreakdown(
        discount=Money(totals["discount_cost"], code),
        commission=Money(totals["commission"], code),
        gifts=Money(totals["gifts"], code),
        fixed=Money(totals["fixed_costs"], code),
    )
    cost = costs.total.amount
    roi = None if cost == 0 else exact_ratio(totals["revenue"] - cost, cost, places, rounding)
    return RoiReport(Money(totals["revenue"], code), costs, roi, places, rounding)
