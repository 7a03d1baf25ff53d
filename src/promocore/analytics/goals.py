"""Goals set before launch, evaluated against what happened: met, on track, at risk or missed.

A [`Goal`][promocore.analytics.plan.Goal] names a metric, a target, a direction, a
deadline and optionally a customer segment. Evaluated at the review's ``now``:

* **met**: the deadline has passed and the metric is on the right side of the target,
  or, for a count or sum that only grows (new customers, revenue), the target is
  already reached;
* **missed**: the deadline has passed and it is not;
* **on track**: before the deadline, the metric is on the right side of the target;
  counts and sums are first projected to the deadline at the pace since the start;
* **at risk**: before the deadline, it is not.

Every result carries its evidence: the actual value, the projection, the interval of
an estimate, and a sentence saying so. A target that lies inside the interval of an
estimated metric is flagged: the data cannot yet tell which side it is on.

Examples:
    >>> from decimal import ROUND_HALF_EVEN, Decimal
    >>> from promocore.analytics.goals import METRICS
    >>> METRICS["aov"].unit, METRICS["new_customers"].grows
    ('money', True)
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from promocore.analytics._dicts import fields_of, plain
from promocore.analytics.plan import Direction, Goal
from promocore.money import Money, minor_units

if TYPE_CHECKING:
    from promocore.analytics.campaign_report import CampaignFigures

__all__ = ["METRICS", "GoalResult", "GoalStatus", "Metric", "MetricValue", "evaluate_goal"]


class GoalStatus(enum.Enum):
    """Where a goal stands."""

    MET = "met"
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    MISSED = "missed"


@attrs.frozen(kw_only=True)
class MetricValue:
    """A metric's value for a goal: the number, and its interval when it is an estimate."""

    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None


def _money(value: Money | None) -> Decimal | None:
    return None if value is None else value.to_decimal()


def _number(value: float | Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@attrs.frozen
class Metric:
    """A metric goals can name.

    Attributes:
        name: Its name in plans.
        unit: ``count``, ``money`` (major units), ``rate`` (a fraction) or ``ratio``.
        grows: True for counts and sums, which only grow as the campaign runs and
            are projected to the deadline.
        read: Reads the metric from a campaign's figures, for a segment or everyone.
        description: What it measures.
    """

    name: str
    unit: str
    grows: bool
    read: Callable[[CampaignFigures, str | None], MetricValue]
    description: str


def _segment(figures: CampaignFigures, segment: str | None) -> Any:
    return figures.segments[segment or "all"]


def _aov(f: CampaignFigures, s: str | None) -> MetricValue:
    aov = _segment(f, s).order_value.aov
    if aov is None:
        return MetricValue(value=None)
    return MetricValue(value=_money(aov.value), low=_money(aov.low), high=_money(aov.high))


def _rate(f: CampaignFigures, s: str | None) -> MetricValue:
    r = _segment(f, s).repurchase
    return MetricValue(value=_number(r.rate), low=_number(r.low), high=_number(r.high))


def _incremental_revenue(f: CampaignFigures, s: str | None) -> MetricValue:
    if f.incremental is None:
        return MetricValue(value=None)
    e = f.incremental.incremental_revenue
    return MetricValue(value=_money(e.value), low=_money(e.low), high=_money(e.high))


def _incremental_roi(f: CampaignFigures, s: str | None) -> MetricValue:
    if f.incremental is None:
        return MetricValue(value=None)
    e = f.incremental.roi
    return MetricValue(value=f.incremental.roi_exact, low=_number(e.low), high=_number(e.high))


def _redemption(f: CampaignFigures, s: str | None) -> MetricValue:
    g = _segment(f, s)
    return MetricValue(value=None if not g.orders else Decimal(g.redeemed) / Decimal(g.orders))


#: The metrics a goal can name.
METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "new_customers",
            "count",
            True,
            lambda f, s: MetricValue(value=Decimal(f.segments["new"].customers)),
            "customers whose first order ever was one of the campaign's",
        ),
        Metric(
            "customers",
            "count",
            True,
            lambda f, s: MetricValue(value=Decimal(_segment(f, s).customers)),
            "customers who ordered",
        ),
        Metric(
            "orders",
            "count",
            True,
            lambda f, s: MetricValue(value=Decimal(_segment(f, s).orders)),
            "orders",
        ),
        Metric(
            "revenue",
            "money",
            True,
            lambda f, s: MetricValue(value=_money(_segment(f, s).order_value.revenue)),
            "what customers paid",
        ),
        Metric(
            "spend",
            "money",
            True,
            lambda f, s: MetricValue(value=_money(_segment(f, s).discount)),
            "discounts the campaign paid",
        ),
        Metric("aov", "money", False, _aov, "average order value (客单价)"),
        Metric("repurchase_rate", "rate", False, _rate, "share who ordered again within N days"),
        Metric(
            "redemption_rate", "rate", False, _redemption, "share of orders using the promotion"
        ),
        Metric(
            "roi",
            "ratio",
            False,
            lambda f, s: MetricValue(value=f.roi.roi),
            "(revenue − cost) / cost of the campaign's orders",
        ),
        Metric(
            "incremental_revenue",
            "money",
            True,
            _incremental_revenue,
            "revenue beyond the holdout's",
        ),
        Metric("incremental_roi", "ratio", False, _incremental_roi, "ROI over the holdout"),
        Metric(
            "cac",
            "money",
            False,
            lambda f, s: MetricValue(value=_money(f.acquisition.cac)),
            "cost per new customer (获客成本)",
        ),
    )
}


@attrs.frozen(kw_only=True)
class GoalResult:
    """A goal and where it stands, with the evidence.

    Attributes:
        campaign: The campaign the goal belongs to.
        goal: The goal.
        status: Met, on track, at risk or missed.
        actual: The metric's value now (None when it cannot be measured yet).
        projected: For counts and sums before the deadline, the value projected to it.
        low: Lower bound of the metric's interval, when it is an estimate.
        high: Upper bound.
        undecided: True when the target lies inside that interval.
        evidence: One sentence a person can read.
    """

    campaign: str
    goal: Goal
    status: GoalStatus
    actual: Decimal | None
    projected: Decimal | None
    low: Decimal | None
    high: Decimal | None
    undecided: bool
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain values."""
        out = fields_of(self)
        out["status"] = self.status.value
        out["goal"] = {
            "metric": self.goal.metric,
            "target": str(self.goal.target),
            "direction": self.goal.direction.value,
            "deadline": plain(self.goal.deadline),
            "segment": self.goal.segment,
        }
        return out


def _show(value: Decimal | None, unit: str, currency: str) -> str:
    if value is None:
        return "n/a"
    if unit == "money":
        # Shown to the minor unit; projections can have more digits (rounded half even).
        places = Decimal(1).scaleb(-minor_units(currency))
        return Money.parse(value.quantize(places, rounding=ROUND_HALF_EVEN), currency).display()
    if unit == "rate":
        return f"{value * 100:.1f} %"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.1f}"


def _ok(value: Decimal, goal: Goal) -> bool:
    if goal.direction is Direction.AT_LEAST:
        return value >= goal.target
    return value <= goal.target


def evaluate_goal(
    goal: Goal,
    figures: CampaignFigures,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    currency: str,
) -> GoalResult:
    """Evaluate one goal of a campaign at ``now``.

    Args:
        goal: The goal.
        figures: The campaign's figures at ``now``.
        start: When the campaign started (for the pace of counts and sums).
        end: When it ends (the deadline unless the goal has its own).
        now: The moment of the review.
        currency: Currency of money metrics.
    """
    metric = METRICS[goal.metric]
    deadline = goal.deadline or end
    measured = metric.read(figures, goal.segment)
    actual = measured.value
    unit = metric.unit
    target_text = _show(goal.target, unit, currency)
    word = "at least" if goal.direction is Direction.AT_LEAST else "at most"
    projected = None
    undecided = (
        measured.low is not None
        and measured.high is not None
        and measured.low <= goal.target <= measured.high
    )
    before = now < deadline
    if actual is None:
        status = GoalStatus.AT_RISK if before else GoalStatus.MISSED
        evidence = f"{metric.description}: not measurable yet (target {word} {target_text})"
    else:
        shown = _show(actual, unit, currency)
        if metric.grows and before:
            elapsed = (now - start) / (deadline - start) if now > start else 0.0
            if elapsed > 0:
                whole = Decimal(1) if unit == "count" else Decimal("0.01")
                projected = (actual / Decimal(repr(elapsed))).quantize(whole, ROUND_HALF_EVEN)
            if goal.direction is Direction.AT_LEAST and actual >= goal.target:
                status = GoalStatus.MET
            else:
                status = (
                    GoalStatus.ON_TRACK
                    if projected is not None and _ok(projected, goal)
                    else GoalStatus.AT_RISK
                )
            pace = "" if projected is None else f", {_show(projected, unit, currency)} at this pace"
            evidence = (
                f"{shown} after {elapsed:.0%} of the time to the deadline{pace}; "
                f"target {word} {target_text}"
            )
        else:
            good = _ok(actual, goal)
            if before:
                status = GoalStatus.ON_TRACK if good else GoalStatus.AT_RISK
            else:
                status = GoalStatus.MET if good else GoalStatus.MISSED
            interval = ""
            if measured.low is not None and measured.high is not None:
                interval = (
                    f" (95 % interval {_show(measured.low, unit, currency)} to "
                    f"{_show(measured.high, unit, currency)})"
                )
            evidence = f"{shown}{interval}; target {word} {target_text}"
        if undecided:
            evidence += "; the target is inside the interval: too close to call"
    return GoalResult(
        campaign=figures.name,
        goal=goal,
        status=status,
        actual=actual,
        projected=projected,
        low=measured.low,
        high=measured.high,
        undecided=undecided,
        evidence=evidence,
    )
