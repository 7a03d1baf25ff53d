"""Alert lines (警戒线) evaluated over a campaign's days, emitted as typed events through a hook.

[`evaluate_alerts`][promocore.analytics.alerts.evaluate_alerts] walks a campaign's
days in order, with the figures as they stood at the end of each day (the last day
ends at the review's ``now``), and raises an alert the first day a line is crossed
(again only after the figure has come back on the right side):

* [`RoiBelowLine`][promocore.analytics.alerts.RoiBelowLine]: the ROI so far (incremental
  over the holdout when there is one, with the fixed costs spread evenly over the
  campaign's duration, so a campaign is not judged on its launch costs on day one) is
  below the plan's ``roi_below``;
* [`BudgetExhaustionProjected`][promocore.analytics.alerts.BudgetExhaustionProjected]: at
  the pace so far, the spendable budget runs out before the campaign ends;
* [`ContingencyTouched`][promocore.analytics.alerts.ContingencyTouched]: spending went
  past the spendable budget into the contingency reserve;
* [`SampleRatioMismatch`][promocore.analytics.alerts.SampleRatioMismatch]: the split of
  the audience between treated and holdout is too unlikely under the planned split;
* [`RedemptionRateCollapsed`][promocore.analytics.alerts.RedemptionRateCollapsed]: a day's
  share of orders using the promotion fell below a fraction of the rate so far.

[`emit_alerts`][promocore.analytics.alerts.emit_alerts] passes each alert to the
``promocore_alert`` hook of every plugin, so a backend can page someone or pause the
campaign.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from promocore.analytics._dicts import fields_of
from promocore.analytics._rates import exact_ratio
from promocore.analytics.estimates import rate_estimate
from promocore.analytics.order_stats import DAY, DayStats
from promocore.analytics.plan import CampaignPlan
from promocore.money import Money, Rounding

if TYPE_CHECKING:
    from promocore.plugins import PluginHost

__all__ = [
    "Alert",
    "BudgetExhaustionProjected",
    "ContingencyTouched",
    "RedemptionRateCollapsed",
    "RoiBelowLine",
    "SampleRatioMismatch",
    "emit_alerts",
    "evaluate_alerts",
]


@attrs.frozen(kw_only=True)
class Alert:
    """An alert line crossed: the base of every alert event.

    Attributes:
        campaign: The campaign's name.
        at: When the line was found crossed (end of the day, or the review's ``now``).
        severity: ``"warning"`` or ``"critical"``.
        message: What happened, for a person.
    """

    campaign: str
    at: datetime
    severity: str
    message: str

    @property
    def kind(self) -> str:
        """Return the alert's type name, e.g. ``RoiBelowLine``."""
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        """Return the alert as plain values, with its ``kind``."""
        amounts = [
            v for f in attrs.fields(type(self)) if isinstance(v := getattr(self, f.name), Money)
        ]
        out = fields_of(self, amounts[0].currency if amounts else None)
        return {"kind": self.kind, **out}


@attrs.frozen(kw_only=True)
class RoiBelowLine(Alert):
    """The ROI so far is below the plan's line.

    Attributes:
        roi: The ROI at ``at`` (4 decimals, half even).
        line: The plan's ``roi_below``.
        incremental: True when it is the ROI over the holdout.
    """

    roi: Decimal
    line: Decimal
    incremental: bool


@attrs.frozen(kw_only=True)
class BudgetExhaustionProjected(Alert):
    """At the pace so far, the spendable budget runs out before the campaign ends.

    Attributes:
        projected: When it runs out.
        end: The campaign's end.
        burn_per_day: The pace (spend per day since the start, half up).
        spent: Spent by ``at``.
        spendable: Budget minus the contingency reserve.
    """

    projected: datetime
    end: datetime
    burn_per_day: Money
    spent: Money
    spendable: Money


@attrs.frozen(kw_only=True)
class ContingencyTouched(Alert):
    """Spending went past the spendable budget into the contingency reserve.

    Attributes:
        spent: Spent by ``at``.
        spendable: Budget minus the reserve.
        reserve: The contingency reserve.
    """

    spent: Money
    spendable: Money
    reserve: Money


@attrs.frozen(kw_only=True)
class SampleRatioMismatch(Alert):
    """The audience's split between treated and holdout does not match the plan.

    Attributes:
        treated: Customers treated.
        holdout: Customers held out.
        planned_holdout: The planned holdout share.
        p_value: Chi-square p-value of the observed split under the planned one.
    """

    treated: int
    holdout: int
    planned_holdout: Decimal
    p_value: float


@attrs.frozen(kw_only=True)
class RedemptionRateCollapsed(Alert):
    """A day's redemption rate fell clearly below a fraction of the rate so far.

    Clearly: the upper bound of the day's 95 % Wilson interval is below the line, so
    a quiet day's noise does not page anyone.

    Attributes:
        day: Days since the campaign's start.
        rate: That day's share of orders using the promotion.
        baseline: The share over the days before.
        orders: Orders that day.
    """

    day: int
    rate: float
    baseline: float
    orders: int


def _day_end(plan: CampaignPlan, day: int, now: datetime) -> datetime:
    return min(plan.start + timedelta(seconds=(day + 1) * DAY), plan.end, now)


def evaluate_alerts(
    plan: CampaignPlan,
    days: tuple[DayStats, ...],
    *,
    currency: str,
    now: datetime,
    holdout_days: tuple[DayStats, ...] = (),
) -> tuple[Alert, ...]:
    """Evaluate a campaign's alert lines day by day.

    Args:
        plan: The campaign, with its budget, audience and alert lines.
        days: The treated arm's days, in order.
        currency: Currency of the amounts.
        now: The moment of the review.
        holdout_days: The holdout arm's days, for the incremental ROI.

    Returns:
        The alerts, oldest first.
    """
    lines = plan.alerts
    alerts: list[Alert] = []
    fixed = plan.fixed_costs.amount if plan.fixed_costs is not None else 0
    audience = plan.audience
    incremental = audience is not None and audience.holdout >= 2
    held = {d.day: d for d in holdout_days}
    spendable = reserve = None
    if plan.budget is not None:
        reserve_money = plan.budget.multiply(plan.reserve, Rounding.UP)
        reserve = reserve_money.amount
        spendable = plan.budget.amount - reserve
    spent = revenue = held_revenue = held_cost = orders = redeemed = 0
    below = exhausting = touched = False
    last = max((d.day for d in days), default=-1)
    duration = int((plan.end - plan.start).total_seconds())
    by_day = {d.day: d for d in days}
    for day in range(last + 1):
        today = by_day.get(day)
        h = held.get(day)
        if h is not None:
            held_revenue += h.revenue
            held_cost += h.discount
        at = _day_end(plan, day, now)
        if today is not None and lines.redemption_collapse is not None and orders:
            base = redeemed / orders
            rate = today.redeemed / today.orders if today.orders else 0.0
            # A collapse is a drop the day's own count cannot explain: even the upper
            # bound of its 95 % interval is below the line.
            upper = rate_estimate(today.redeemed, today.orders).high if today.orders else None
            if (
                today.orders >= lines.min_orders
                and base > 0
                and upper is not None
                and upper < float(lines.redemption_collapse) * base
            ):
                alerts.append(
                    RedemptionRateCollapsed(
                        campaign=plan.name,
                        at=at,
                        severity="warning",
                        message=(
                            f"day {day + 1}: {rate:.0%} of orders used the promotion, "
                            f"against {base:.0%} before"
                        ),
                        day=day,
                        rate=rate,
                        baseline=base,
                        orders=today.orders,
                    )
                )
        if today is not None:
            spent += today.discount
            revenue += today.revenue
            orders += today.orders
            redeemed += today.redeemed
        if lines.roi_below is not None and orders >= lines.min_orders:
            share = Fraction(int((at - plan.start).total_seconds()), duration)
            roi = _roi(revenue, spent, fixed * share, held_revenue, held_cost, plan, incremental)
            if roi is not None and roi < lines.roi_below:
                if not below:
                    kind = "incremental ROI" if incremental else "ROI"
                    alerts.append(
                        RoiBelowLine(
                            campaign=plan.name,
                            at=at,
                            severity="critical",
                            message=f"{kind} {roi:.2f} is below the line of {lines.roi_below}",
                            roi=roi,
                            line=lines.roi_below,
                            incremental=incremental,
                        )
                    )
                below = True
            elif roi is not None:
                below = False
        if spendable is not None and reserve is not None and plan.budget is not None:
            if lines.contingency and not touched and spent > spendable:
                touched = True
                alerts.append(
                    ContingencyTouched(
                        campaign=plan.name,
                        at=at,
                        severity="critical",
                        message=(
                            f"spent {Money(spent, currency).display()}, past the spendable "
                            f"{Money(spendable, currency).display()}: the reserve is in use"
                        ),
                        spent=Money(spent, currency),
                        spendable=Money(spendable, currency),
                        reserve=Money(reserve, currency),
                    )
                )
            projected = _exhaustion(plan, spent, spendable, at)
            # Once the reserve is in use, ContingencyTouched has said it: no second alert.
            crossing = projected is not None and projected < plan.end and spent < spendable
            if lines.budget_exhaustion and crossing and not exhausting and projected is not None:
                elapsed = (at - plan.start).total_seconds()
                per_day = Fraction(spent * DAY) / Fraction(elapsed) if elapsed > 0 else Fraction(0)
                alerts.append(
                    BudgetExhaustionProjected(
                        campaign=plan.name,
                        at=at,
                        severity="warning",
                        message=(
                            f"at {Money(_half_up(per_day), currency).display()} a day the "
                            f"spendable budget runs out on {projected:%Y-%m-%d %H:%M}, before "
                            f"the end on {plan.end:%Y-%m-%d}"
                        ),
                        projected=projected,
                        end=plan.end,
                        burn_per_day=Money(_half_up(per_day), currency),
                        spent=Money(spent, currency),
                        spendable=Money(spendable, currency),
                    )
                )
            exhausting = crossing
    srm = _srm(plan, now)
    if srm is not None:
        alerts.append(srm)
    return tuple(sorted(alerts, key=lambda a: a.at))


def _half_up(value: Fraction) -> int:
    return int(exact_ratio(value.numerator, value.denominator, 0, Rounding.HALF_UP))


def _roi(
    revenue: int,
    spent: int,
    fixed: Fraction,
    held_revenue: int,
    held_cost: int,
    plan: CampaignPlan,
    incremental: bool,
) -> Decimal | None:
    if incremental and plan.audience is not None:
        n_t, n_h = plan.audience.treated, plan.audience.holdout
        gain = Fraction(revenue) - Fraction(n_t * held_revenue, n_h)
        cost = Fraction(spent) - Fraction(n_t * held_cost, n_h) + fixed
    else:
        gain, cost = Fraction(revenue), Fraction(spent + fixed)
    if cost <= 0:
        return None
    q = (gain - cost) / cost
    return exact_ratio(q.numerator, q.denominator, 4, Rounding.HALF_EVEN)


def _exhaustion(plan: CampaignPlan, spent: int, spendable: int, at: datetime) -> datetime | None:
    """When the spendable budget runs out at the average pace since the start."""
    elapsed = (at - plan.start).total_seconds()
    if spent <= 0 or elapsed <= 0:
        return None
    if spent >= spendable:
        return at
    seconds = Fraction(spendable - spent) * Fraction(elapsed) / spent
    return at + timedelta(seconds=float(seconds))


def _srm(plan: CampaignPlan, now: datetime) -> SampleRatioMismatch | None:
    audience = plan.audience
    threshold = plan.alerts.srm_p_value
    if audience is None or threshold is None or audience.planned_holdout is None:
        return None
    from promocore.stats.srm import srm_check

    share = audience.planned_holdout
    result = srm_check([audience.treated, audience.holdout], [float(1 - share), float(share)])
    p = float(result.p_value)
    if p >= float(threshold):
        return None
    total = audience.treated + audience.holdout
    return SampleRatioMismatch(
        campaign=plan.name,
        at=min(now, plan.end),
        severity="critical",
        message=(
            f"{audience.holdout} of {total} customers held out "
            f"({audience.holdout / total:.1%}) where {share:.1%} was planned (p = {p:.2g}): "
            "the assignment is broken, so incremental figures cannot be trusted"
        ),
        treated=audience.treated,
        holdout=audience.holdout,
        planned_holdout=share,
        p_value=p,
    )


def emit_alerts(alerts: Iterable[Alert], host: PluginHost) -> int:
    """Pass every alert to the plugins' ``promocore_alert`` hook; return how many were sent."""
    count = 0
    for alert in alerts:
        host.alert_raised(alert)
        count += 1
    return count
