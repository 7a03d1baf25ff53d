"""Cross-campaign 复盘: several campaigns, and earlier editions of one, side by side.

Campaigns differ in size, so the comparison puts every figure on the same footing:

* **per customer**: revenue per customer of the audience (or per buyer when the
  audience is not known), incremental revenue per treated customer;
* **per yuan of cost** (per unit of the currency): revenue per unit of cost, new
  customers per 1,000 units of cost, incremental revenue per unit of cost;
* the rates and estimates that do not depend on size: AOV, repurchase rate, ROI,
  incremental ROI, CAC and LTV:CAC.

Campaigns of one ``series`` are editions of one another: each row names the edition
before it (by ``edition``, then start) and the relative change of the headline figures.
Ratios of money are exact `Decimal` values rounded half even.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from promocore.analytics._dicts import fields_of
from promocore.analytics._rates import exact_ratio
from promocore.money import Money, Rounding

if TYPE_CHECKING:
    from promocore.analytics.campaign_report import CampaignFigures

__all__ = ["Comparison", "ComparisonRow", "compare_campaigns"]

#: Figures whose change from the previous edition each row reports.
HEADLINE = ("revenue_per_customer", "revenue_per_cost", "aov", "repurchase_rate", "roi")


def _ratio(numerator: int, denominator: int, places: int = 4) -> Decimal | None:
    if denominator == 0:
        return None
    return exact_ratio(numerator, denominator, places, Rounding.HALF_EVEN)


@attrs.frozen(kw_only=True)
class ComparisonRow:
    """One campaign's figures on a common footing.

    Attributes:
        campaign: The campaign's name.
        title: Its title.
        series: Its series, if any.
        edition: Its edition, if any.
        audience: Customers treated (None when the plan does not say).
        customers: Customers who ordered.
        new_customers: Of them, new to the shop.
        orders: Orders.
        revenue: Revenue.
        cost: Discounts plus fixed costs.
        aov: Average order value (half even).
        repurchase_rate: Share of eligible buyers who ordered again in the window.
        roi: (revenue − cost) / cost.
        incremental_roi: ROI over the holdout, when there is one.
        cac: Cost per new customer.
        ltv_to_cac: Predicted CLV divided by CAC.
        revenue_per_customer: Revenue per audience customer (per buyer without an audience).
        incremental_revenue_per_customer: Incremental revenue per treated customer.
        revenue_per_cost: Revenue per unit of cost.
        new_customers_per_1000: New customers per 1,000 units of cost.
        incremental_revenue_per_cost: Incremental revenue per unit of cost.
        previous: The edition before, in the same series.
        change: Change of the headline figures from ``previous``: relative
            (``0.12`` is +12 %), except the ROI's, which is the difference; None where
            either side is missing.
    """

    campaign: str
    title: str
    series: str | None
    edition: str | None
    audience: int | None
    customers: int
    new_customers: int
    orders: int
    revenue: Money
    cost: Money
    aov: Money | None
    repurchase_rate: float | None
    roi: Decimal | None
    incremental_roi: Decimal | None
    cac: Money | None
    ltv_to_cac: Decimal | None
    revenue_per_customer: Money | None
    incremental_revenue_per_customer: Money | None
    revenue_per_cost: Decimal | None
    new_customers_per_1000: Decimal | None
    incremental_revenue_per_cost: Decimal | None
    previous: str | None = None
    change: dict[str, Decimal | None] = attrs.field(factory=dict)

    def headline(self, name: str) -> Decimal | None:
        """Return a headline figure as a number (money in minor units)."""
        value = getattr(self, name)
        if value is None:
            return None
        if isinstance(value, Money):
            return Decimal(value.amount)
        return Decimal(str(value))

    def to_dict(self) -> dict[str, Any]:
        """Return the row as plain values."""
        return fields_of(self, self.revenue.currency)


@attrs.frozen(kw_only=True)
class Comparison:
    """The campaigns of a review side by side.

    Attributes:
        rows: One row per campaign, in the plan's order.
    """

    rows: tuple[ComparisonRow, ...]

    def series(self) -> dict[str, tuple[ComparisonRow, ...]]:
        """Return the editions of each series, oldest first."""
        out: dict[str, list[ComparisonRow]] = {}
        for row in self.rows:
            if row.series is not None:
                out.setdefault(row.series, []).append(row)
        return {k: tuple(v) for k, v in out.items()}

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as plain values."""
        return {"rows": [r.to_dict() for r in self.rows]}


def _per(amount: Money, count: int | None) -> Money | None:
    if not count:
        return None
    q = Fraction(amount.amount, count)
    return Money(
        int(exact_ratio(q.numerator, q.denominator, 0, Rounding.HALF_EVEN)), amount.currency
    )


def _row(f: CampaignFigures) -> ComparisonRow:
    everyone = f.segments["all"]
    cost = f.roi.total_cost
    audience = f.plan.audience.treated if f.plan.audience is not None else None
    inc = f.incremental
    clv_cac = f.clv_to_cac
    revenue = everyone.order_value.revenue
    return ComparisonRow(
        campaign=f.name,
        title=f.plan.label,
        series=f.plan.series,
        edition=f.plan.edition,
        audience=audience,
        customers=everyone.customers,
        new_customers=f.segments["new"].customers,
        orders=everyone.orders,
        revenue=revenue,
        cost=cost,
        aov=None if everyone.order_value.aov is None else everyone.order_value.aov.value,
        repurchase_rate=everyone.repurchase.rate,
        roi=f.roi.roi,
        incremental_roi=None if inc is None else inc.roi_exact,
        cac=f.acquisition.cac,
        ltv_to_cac=clv_cac,
        revenue_per_customer=_per(revenue, audience if audience else everyone.customers),
        incremental_revenue_per_customer=(
            None if inc is None else _per(inc.incremental_revenue.value, inc.treated)
        ),
        revenue_per_cost=_ratio(revenue.amount, cost.amount, 2),
        new_customers_per_1000=(
            None
            if cost.amount == 0
            else _ratio(f.segments["new"].customers * 1000 * _unit(cost), cost.amount, 2)
        ),
        incremental_revenue_per_cost=(
            None if inc is None else _ratio(inc.incremental_revenue.value.amount, cost.amount, 2)
        ),
    )


def _unit(money: Money) -> int:
    """Minor units in one major unit of the currency."""
    from promocore.money import minor_units

    return int(10 ** minor_units(money.currency))


def compare_campaigns(figures: tuple[CampaignFigures, ...]) -> Comparison:
    """Put campaigns side by side and link each edition of a series to the one before."""
    rows = [_row(f) for f in figures]
    order = {f.name: (f.plan.edition or "", f.plan.start) for f in figures}
    by_series: dict[str, list[ComparisonRow]] = {}
    for row in rows:
        if row.series is not None:
            by_series.setdefault(row.series, []).append(row)
    previous: dict[str, ComparisonRow] = {}
    for editions in by_series.values():
        editions.sort(key=lambda r: order[r.campaign])
        for earlier, later in itertools.pairwise(editions):
            previous[later.campaign] = earlier
    out = []
    for row in rows:
        prior = previous.get(row.campaign)
        if prior is None:
            out.append(row)
            continue
        change: dict[str, Decimal | None] = {}
        for name in HEADLINE:
            new, old = row.headline(name), prior.headline(name)
            if name == "roi" and new is not None and old is not None:
                change[name] = (new - old).quantize(Decimal("0.0001"))
            elif new is None or old is None or old == 0:
                change[name] = None
            else:
                change[name] = ((new - old) / abs(old)).quantize(Decimal("0.0001"))
        out.append(attrs.evolve(row, previous=prior.campaign, change=change))
    return Comparison(rows=tuple(out))
