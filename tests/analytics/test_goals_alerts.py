"""Goals evaluated to met, on track, at risk or missed; alert lines day by day, through the hook."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from promocore.analytics.alerts import (
    Alert,
    BudgetExhaustionProjected,
    ContingencyTouched,
    RedemptionRateCollapsed,
    RoiBelowLine,
    SampleRatioMismatch,
    emit_alerts,
    evaluate_alerts,
)
from promocore.analytics.campaign_report import review_orders
from promocore.analytics.goals import GoalStatus
from promocore.analytics.order_stats import DayStats
from promocore.analytics.plan import (
    AlertLines,
    Audience,
    CampaignPlan,
    Goal,
    ReviewPlan,
    load_review_plan,
)
from promocore.errors import ConfigError, ValidationError
from promocore.hookspecs import hookimpl
from promocore.money import Money
from promocore.plugins import make_host
from tests.analytics.review_builders import CST

START = datetime(2026, 1, 1, tzinfo=CST)
END = START + timedelta(days=10)


def _plan(now: datetime, goals: tuple[Goal, ...], **campaign: Any) -> ReviewPlan:
    return ReviewPlan(
        currency="CNY",
        now=now,
        campaigns=(CampaignPlan(name="c", start=START, end=END, goals=goals, **campaign),),
    )


def _review(now: datetime, *goals: Goal, **campaign: Any) -> Any:
    # Three new customers in the first four days, ¥200, ¥100 and ¥300 orders.
    return review_orders(
        _plan(now, goals, **campaign),
        customer_ids=["a", "b", "c"],
        at=[START + timedelta(days=d) for d in (0, 1, 3)],
        amounts=[20_000, 10_000, 30_000],
        discounts=[2_000, 0, 2_000],
        campaigns=["c", "c", "c"],
    )


def _statuses(now: datetime, *goals: Goal) -> list[tuple[GoalStatus, str]]:
    review = _review(now, *goals)
    return [(g.status, g.evidence) for g in review.goals]


def test_counts_are_projected_to_the_deadline() -> None:
    half = START + timedelta(days=5)
    results = _statuses(
        half,
        Goal(metric="new_customers", target=Decimal(5)),
        Goal(metric="new_customers", target=Decimal(8)),
        Goal(metric="new_customers", target=Decimal(3)),
    )
    assert results[0] == (
        GoalStatus.ON_TRACK,
        "3 after 50% of the time to the deadline, 6 at this pace; target at least 5",
    )
    assert results[1][0] is GoalStatus.AT_RISK
    assert results[2][0] is GoalStatus.MET


def test_after_the_deadline_goals_are_met_or_missed() -> None:
    after = END + timedelta(days=1)
    results = _statuses(
        after,
        Goal(metric="new_customers", target=Decimal(5)),
        Goal(metric="revenue", target=Decimal("600.00")),
        Goal(metric="aov", target=Decimal("150.00"), direction="at_most"),  # type: ignore[arg-type]
        Goal(metric="aov", target=Decimal("250.00"), direction="at_most"),  # type: ignore[arg-type]
    )
    statuses = [r[0] for r in results]
    assert statuses == [GoalStatus.MISSED, GoalStatus.MET, GoalStatus.MISSED, GoalStatus.MET]
    assert results[2][1].startswith("¥200.00 (95 % interval ")


def test_estimates_flag_a_target_inside_their_interval() -> None:
    review = _review(START + timedelta(days=5), Goal(metric="aov", target=Decimal("250.00")))
    goal = review.goals[0]
    assert goal.status is GoalStatus.AT_RISK
    assert goal.undecided and goal.evidence.endswith("too close to call")
    assert goal.low is not None and goal.low < Decimal(250) < goal.high


def test_goals_for_a_segment_and_cost_goals() -> None:
    review = _review(
        END,
        Goal(metric="customers", target=Decimal(1), segment="returning"),
        Goal(metric="cac", target=Decimal("20.00"), direction="at_most"),  # type: ignore[arg-type]
    )
    # Nobody returning; CAC = ¥40 discounts / 3 new customers = ¥13.33.
    assert [g.status for g in review.goals] == [GoalStatus.MISSED, GoalStatus.MET]
    assert review.campaigns[0].acquisition.cac == Money(1333, "CNY")


def test_goals_refuse_unknown_metrics() -> None:
    with pytest.raises(ValidationError, match="metric: must be one of aov, cac, customers"):
        Goal(metric="happiness", target=Decimal(1))


def _days(*rows: tuple[int, int, int, int, int]) -> tuple[DayStats, ...]:
    return tuple(
        DayStats(campaign="c", holdout=False, day=d, orders=o, revenue=r, discount=s, redeemed=u)
        for d, o, r, s, u in rows
    )


def test_budget_lines() -> None:
    plan = CampaignPlan(
        name="c", start=START, end=END, budget=Money(100_000, "CNY"), reserve=Decimal("0.1")
    )
    days = _days(
        (0, 10, 50_000, 20_000, 10), (1, 10, 50_000, 20_000, 10), (5, 10, 50_000, 60_000, 10)
    )
    alerts = evaluate_alerts(plan, days, currency="CNY", now=END)
    assert [type(a) for a in alerts] == [BudgetExhaustionProjected, ContingencyTouched]
    exhaustion, touched = alerts
    assert isinstance(exhaustion, BudgetExhaustionProjected)
    # ¥200 on day 1: at ¥200 a day ¥900 last 4.5 days.
    assert exhaustion.at == START + timedelta(days=1)
    assert exhaustion.projected == START + timedelta(days=4.5)
    assert exhaustion.burn_per_day == Money(20_000, "CNY")
    assert isinstance(touched, ContingencyTouched)
    assert touched.at == START + timedelta(days=6) and touched.spent == Money(100_000, "CNY")
    assert touched.reserve == Money(10_000, "CNY")


def test_roi_line_spreads_fixed_costs_and_fires_once_per_crossing() -> None:
    plan = CampaignPlan(
        name="c", start=START, end=END, fixed_costs=Money(10_000, "CNY"),
        alerts=AlertLines(roi_below=Decimal(2), min_orders=1),
    )  # fmt: skip
    # Day 1: revenue 1,000, cost 100 + 1,000 (a tenth of the fixed cost): ROI −0.09 < 2.
    # Day 2: revenue 10,000 more: 11,000 against 200 + 2,000: ROI 4. Day 3: ROI < 2 again.
    days = _days((0, 1, 1_000, 100, 1), (1, 1, 10_000, 100, 1), (2, 1, 0, 5_000, 1))
    alerts = evaluate_alerts(plan, days, currency="CNY", now=END)
    assert [(type(a), a.at) for a in alerts] == [
        (RoiBelowLine, START + timedelta(days=1)),
        (RoiBelowLine, START + timedelta(days=3)),
    ]
    first = alerts[0]
    assert isinstance(first, RoiBelowLine)
    assert first.roi == Decimal("-0.0909") and not first.incremental


def test_redemption_collapse_needs_a_clear_drop() -> None:
    plan = CampaignPlan(name="c", start=START, end=END)
    steady = _days((0, 100, 0, 0, 50), (1, 100, 0, 0, 40))  # 40 % against 50 %: noise
    assert evaluate_alerts(plan, steady, currency="CNY", now=END) == ()
    collapse = _days((0, 100, 0, 0, 50), (1, 100, 0, 0, 5))
    (alert,) = evaluate_alerts(plan, collapse, currency="CNY", now=END)
    assert isinstance(alert, RedemptionRateCollapsed)
    assert (alert.day, alert.rate, alert.baseline, alert.orders) == (1, 0.05, 0.5, 100)


def test_sample_ratio_mismatch() -> None:
    broken = CampaignPlan(
        name="c", start=START, end=END,
        audience=Audience(treated=900, holdout=50, planned_holdout=Decimal("0.1")),
    )  # fmt: skip
    (alert,) = evaluate_alerts(broken, (), currency="CNY", now=END)
    assert isinstance(alert, SampleRatioMismatch)
    assert alert.p_value < 1e-5 and alert.severity == "critical"
    fine = CampaignPlan(
        name="c", start=START, end=END,
        audience=Audience(treated=900, holdout=97, planned_holdout=Decimal("0.1")),
    )  # fmt: skip
    assert evaluate_alerts(fine, (), currency="CNY", now=END) == ()


class Pager:
    def __init__(self) -> None:
        self.seen: list[Alert] = []

    @hookimpl
    def promocore_alert(self, alert: Alert) -> None:
        self.seen.append(alert)


def test_alerts_reach_plugins_through_the_hook() -> None:
    pager = Pager()
    host = make_host(autoload=False, plugins=[pager])
    plan = CampaignPlan(
        name="c", start=START, end=END, budget=Money(1_000, "CNY"),
        audience=Audience(treated=900, holdout=50, planned_holdout=Decimal("0.1")),
    )  # fmt: skip
    days = _days((0, 10, 0, 500, 10), (1, 10, 0, 500, 10))
    alerts = evaluate_alerts(plan, days, currency="CNY", now=END)
    assert emit_alerts(alerts, host) == 3
    assert [a.kind for a in pager.seen] == [
        "BudgetExhaustionProjected",
        "ContingencyTouched",
        "SampleRatioMismatch",
    ]
    assert pager.seen == list(alerts)
    assert pager.seen[1].to_dict()["kind"] == "ContingencyTouched"


def test_plan_files_report_every_problem_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(
        'currency = "CNY"\nnow = 2026-11-08T00:00:00+08:00\n'
        "[[campaigns]]\n"
        'name = "a"\nstart = 2026-11-01T00:00:00+08:00\nend = 2026-10-01T00:00:00+08:00\n'
        "budget = 12.5\n"
        "[[campaigns.goals]]\n"
        'metric = "aov"\ntarget = "x"\ncolour = "red"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_review_plan(path)
    text = str(info.value)
    assert text.startswith(f"{path}:\n")
    assert "campaigns[0].budget: write 12.5 as a string (floats are refused)" in text
    assert "campaigns[0].goals[0].colour: unknown field" in text
    assert "campaigns[0].goals[0].target:" in text
    broken = tmp_path / "broken.toml"
    broken.write_text("currency = ", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken.toml:\n  cannot be parsed"):
        load_review_plan(broken)
    bad_end = tmp_path / "end.toml"
    bad_end.write_text(
        'currency = "CNY"\nnow = 2026-11-08T00:00:00+08:00\n[[campaigns]]\nname = "a"\n'
        "start = 2026-11-01T00:00:00+08:00\nend = 2026-10-01T00:00:00+08:00\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"campaigns\[0\].end: must be after start"):
        load_review_plan(bad_end)
