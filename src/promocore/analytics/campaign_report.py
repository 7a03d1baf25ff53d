"""The whole review: every campaign's figures, goals and alerts, cohorts, CLV and the 复盘.

[`build_review`][promocore.analytics.campaign_report.build_review] finishes what a
reducer started: from [`ReviewStats`][promocore.analytics.order_stats.ReviewStats]
(computed in memory or in a database) and a
[`ReviewPlan`][promocore.analytics.plan.ReviewPlan] it computes, per campaign, the
order value, repurchase rate, ROI, incremental ROI over the holdout, CAC, budget burn
and funnel; evaluates the goals and the alert lines; and across campaigns, the retention
cohorts, the CLV model and the comparison. It reads no clock and no data: the same
statistics give the same report.

[`review_orders`][promocore.analytics.campaign_report.review_orders] runs the in-memory
reducer and this in one call.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs

from promocore.analytics._dicts import fields_of, plain
from promocore.analytics._rates import exact_ratio
from promocore.analytics.acquisition import AcquisitionCost, customer_acquisition_cost
from promocore.analytics.alerts import Alert, evaluate_alerts
from promocore.analytics.budget_burn import BudgetBurn, budget_burn
from promocore.analytics.clv import ClvModel, clv_from_stats
from promocore.analytics.compare import Comparison, compare_campaigns
from promocore.analytics.estimates import RateEstimate
from promocore.analytics.funnel import Funnel
from promocore.analytics.goals import GoalResult, evaluate_goal
from promocore.analytics.incremental import IncrementalRoi, arm_sums, incremental_roi
from promocore.analytics.order_stats import DAY, DayStats, GroupStats, ReviewStats
from promocore.analytics.order_value import OrderValue, order_value_from_stats
from promocore.analytics.plan import CampaignPlan, ReviewPlan
from promocore.analytics.repurchase import repurchase_from_stats
from promocore.analytics.retention import RetentionCohorts, cohorts_from_stats
from promocore.analytics.roi import RoiReport, campaign_roi
from promocore.money import Money, Rounding

__all__ = [
    "CampaignFigures",
    "ReviewReport",
    "SegmentFigures",
    "build_review",
    "review_orders",
]

SEGMENTS = ("all", "new", "returning")


@attrs.frozen(kw_only=True)
class SegmentFigures:
    """The treated customers of one campaign, everyone or one segment.

    Attributes:
        segment: ``"all"``, ``"new"`` or ``"returning"``.
        customers: Customers who ordered.
        orders: Their orders.
        order_value: Revenue and average order value.
        repurchase: Repurchase rate within the plan's window.
        discount: Discounts the campaign paid on these orders.
        redeemed: Orders that used the promotion.
    """

    segment: str
    customers: int
    orders: int
    order_value: OrderValue
    repurchase: RateEstimate
    discount: Money
    redeemed: int

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as plain values."""
        return fields_of(self, self.discount.currency)


@attrs.frozen(kw_only=True)
class CampaignFigures:
    """Everything the review says about one campaign.

    Attributes:
        name: The campaign's name.
        plan: Its plan.
        segments: Treated figures for ``all``, ``new`` and ``returning`` customers.
        holdout: The holdout's figures (everyone), or None without a holdout.
        roi: Revenue against discounts and fixed costs, exact.
        incremental: What it added over the holdout, or None without one.
        acquisition: Cost per new customer.
        burn: Budget burn and projection, or None without a budget.
        funnel: Funnel from the event log, or None without events.
        clv_to_cac: Predicted CLV / CAC (2 decimals, half even), or None.
        days: The treated arm's days.
        goals: Its goals, evaluated.
        alerts: Its alerts, oldest first.
    """

    name: str
    plan: CampaignPlan
    segments: dict[str, SegmentFigures]
    holdout: SegmentFigures | None
    roi: RoiReport
    incremental: IncrementalRoi | None
    acquisition: AcquisitionCost
    burn: BudgetBurn | None
    funnel: Funnel | None
    clv_to_cac: Decimal | None
    days: tuple[DayStats, ...]
    goals: tuple[GoalResult, ...] = ()
    alerts: tuple[Alert, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as plain values."""
        return {
            "currency": self.roi.revenue.currency,
            "name": self.name,
            "title": self.plan.label,
            "segments": {k: v.to_dict() for k, v in self.segments.items()},
            "holdout": plain(self.holdout),
            "roi": self.roi.to_dict(),
            "incremental": plain(self.incremental),
            "acquisition": self.acquisition.to_dict(),
            "burn": plain(self.burn),
            "funnel": plain(self.funnel),
            "clv_to_cac": plain(self.clv_to_cac),
            "goals": [g.to_dict() for g in self.goals],
            "alerts": [a.to_dict() for a in self.alerts],
        }


@attrs.frozen(kw_only=True)
class ReviewReport:
    """A review of one or more campaigns.

    Attributes:
        plan: What was reviewed.
        campaigns: Each campaign's figures, in the plan's order.
        cohorts: Retention cohorts of every customer of the log.
        clv: The predicted lifetime value of a new customer.
        comparison: The campaigns side by side (复盘).
    """

    plan: ReviewPlan
    campaigns: tuple[CampaignFigures, ...]
    cohorts: RetentionCohorts
    clv: ClvModel
    comparison: Comparison

    @property
    def alerts(self) -> tuple[Alert, ...]:
        """Return every campaign's alerts, oldest first."""
        return tuple(sorted((a for c in self.campaigns for a in c.alerts), key=lambda a: a.at))

    @property
    def goals(self) -> tuple[GoalResult, ...]:
        """Return every campaign's goals."""
        return tuple(g for c in self.campaigns for g in c.goals)

    def to_dict(self) -> dict[str, Any]:
        """Return the whole review as plain values."""
        return {
            "title": self.plan.title,
            "now": plain(self.plan.now),
            "currency": self.plan.currency,
            "campaigns": [c.to_dict() for c in self.campaigns],
            "cohorts": self.cohorts.to_dict(),
            "clv": self.clv.to_dict(),
            "comparison": self.comparison.to_dict(),
        }


def _segment(group: GroupStats, currency: str, alpha: float) -> SegmentFigures:
    return SegmentFigures(
        segment=group.segment,
        customers=group.customers,
        orders=group.orders,
        order_value=order_value_from_stats(group, currency, alpha=alpha),
        repurchase=repurchase_from_stats(group, alpha=alpha),
        discount=Money(group.discount, currency),
        redeemed=group.redeemed,
    )


def _burn(plan: CampaignPlan, days: tuple[DayStats, ...], review: ReviewPlan) -> BudgetBurn | None:
    if plan.budget is None or review.now <= plan.start:
        return None
    now = min(review.now, plan.end)
    return budget_burn(
        plan.budget,
        [d.discount for d in days],
        spend_at=[plan.start + timedelta(seconds=d.day * DAY) for d in days],
        start=plan.start,
        now=now,
        end=plan.end,
        reserve=plan.reserve,
        currency=review.currency,
    )


def _campaign(
    plan: CampaignPlan, stats: ReviewStats, review: ReviewPlan, clv: ClvModel
) -> CampaignFigures:
    currency, alpha = review.currency, float(review.alpha)
    segments = {
        s: _segment(
            stats.group(plan.name, holdout=False, segment=None if s == "all" else s),
            currency,
            alpha,
        )
        for s in SEGMENTS
    }
    treated = stats.group(plan.name, holdout=False)
    held = stats.group(plan.name, holdout=True)
    fixed = plan.fixed_costs.amount if plan.fixed_costs is not None else 0
    roi = campaign_roi(
        treated.revenue, discount_cost=treated.discount, fixed_costs=fixed, currency=currency
    )
    incremental = None
    audience = plan.audience
    if audience is not None and audience.holdout >= 2:
        incremental = incremental_roi(
            arm_sums(treated, max(audience.treated, treated.customers)),
            arm_sums(held, max(audience.holdout, held.customers)),
            currency=currency,
            fixed_costs=fixed,
            margin_rate=review.margin_of(plan),
            alpha=alpha,
        )
    acquisition = customer_acquisition_cost(
        Money(treated.discount + fixed, currency), segments["new"].customers
    )
    clv_cac = None
    if clv.clv is not None and acquisition.cac is not None and acquisition.cac.amount > 0:
        clv_cac = exact_ratio(clv.clv.value.amount, acquisition.cac.amount, 2, Rounding.HALF_EVEN)
    days = stats.days_of(plan.name, holdout=False)
    counts = stats.funnel(plan.name)
    funnel = None if counts is None else Funnel(review.stages, counts.counts, plan.name)
    figures = CampaignFigures(
        name=plan.name,
        plan=plan,
        segments=segments,
        holdout=None if incremental is None else _segment(held, currency, alpha),
        roi=roi,
        incremental=incremental,
        acquisition=acquisition,
        burn=_burn(plan, days, review),
        funnel=funnel,
        clv_to_cac=clv_cac,
        days=days,
    )
    goals = tuple(
        evaluate_goal(
            goal, figures, start=plan.start, end=plan.end, now=review.now, currency=currency
        )
        for goal in plan.goals
    )
    alerts = evaluate_alerts(
        plan,
        days,
        currency=currency,
        now=review.now,
        holdout_days=stats.days_of(plan.name, holdout=True) if incremental is not None else (),
    )
    return attrs.evolve(figures, goals=goals, alerts=alerts)


def build_review(stats: ReviewStats, plan: ReviewPlan) -> ReviewReport:
    """Compute a review from its sufficient statistics and its plan.

    Args:
        stats: What a reducer computed for ``plan.query()``.
        plan: The campaigns, their budgets, goals and alert lines.

    Returns:
        The review.
    """
    alpha = float(plan.alpha)
    query = stats.query
    cohorts = cohorts_from_stats(stats.cohorts, query, plan.currency, alpha=alpha)
    clv = clv_from_stats(
        stats.cohorts,
        query,
        plan.currency,
        margin_rate=plan.margin_rate,
        discount_rate=plan.clv_discount_rate,
        horizon=plan.clv_horizon,
        alpha=alpha,
    )
    campaigns = tuple(_campaign(c, stats, plan, clv) for c in plan.campaigns)
    return ReviewReport(
        plan=plan,
        campaigns=campaigns,
        cohorts=cohorts,
        clv=clv,
        comparison=compare_campaigns(campaigns),
    )


def review_orders(plan: ReviewPlan, **columns: Any) -> ReviewReport:
    """Reduce order (and event) columns in memory and build the review.

    Args:
        plan: The review plan.
        **columns: The columns [`reduce_orders`][promocore.analytics.reduce.reduce_orders]
            takes (``customer_ids``, ``at``, ``amounts``, ``discounts``, ``campaigns``,
            ``holdout``, and ``event_users``, ``events``, ``event_campaigns``).
    """
    from promocore.analytics.reduce import reduce_orders

    return build_review(reduce_orders(query=plan.query(), **columns), plan)
