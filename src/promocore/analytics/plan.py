"""A review plan: the campaigns under review, their budgets, goals and alert lines.

A review plan is a TOML (or JSON) file, the ``--campaigns`` file of ``promocore
review``, or the same objects built in code. Amounts are strings in major units of
the plan's currency, rates are strings, instants carry their UTC offset:

    title = "Campaign review"
    currency = "CNY"
    now = 2026-11-08T00:00:00+08:00
    margin_rate = "0.35"

    [[campaigns]]
    name = "d11-2026"
    title = "Double 11 2026"
    series = "double-11"
    start = 2026-11-01T00:00:00+08:00
    end = 2026-11-12T00:00:00+08:00
    budget = "90000.00"
    reserve = "0.12"
    fixed_costs = "20000.00"
    audience = { treated = 900, holdout = 100 }
    alerts = { roi_below = "1.0" }

    [[campaigns.goals]]
    metric = "new_customers"
    target = "300"

Every problem of a file is reported at once with its path
(``campaigns[0].goals[1].metric: ...``). The goals' metrics are listed in
[`METRICS`][promocore.analytics.goals.METRICS].
"""

from __future__ import annotations

import enum
import json
import tomllib
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from promocore._files import check_tree, parse_int, read_text, too_deep
from promocore._typed import typed_fields
from promocore.analytics.funnel import DEFAULT_STAGES
from promocore.analytics.order_stats import (
    MAX_REPURCHASE_DAYS,
    PERIODS,
    CampaignWindow,
    ReviewQuery,
)
from promocore.errors import ConfigError, Problem, ValidationError
from promocore.money import Money
from promocore.serialize import structure
from promocore.validation import Checks

__all__ = [
    "AlertLines",
    "Audience",
    "CampaignPlan",
    "Direction",
    "Goal",
    "ReviewPlan",
    "load_review_plan",
    "review_plan_from_dict",
]

#: Most campaigns one review compares.
MAX_CAMPAIGNS = 200
#: Most goals one campaign has.
MAX_GOALS = 50


class Direction(enum.Enum):
    """Which side of its target a goal wants the metric on."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@attrs.frozen(kw_only=True)
@typed_fields
class Goal:
    """A target set before launch: "500 new customers with a first order by the end".

    Attributes:
        metric: What is measured (a name of [`METRICS`][promocore.analytics.goals.METRICS]).
        target: The value to reach, in the metric's unit: major units for money
            (``"200.00"`` for ¥200), a fraction for rates (``"0.25"``), a count otherwise.
        direction: ``at_least`` (the default) or ``at_most`` (for costs such as CAC).
        deadline: When the target must be met; the campaign's end by default.
        segment: ``"new"`` or ``"returning"`` to measure one customer segment only.
    """

    metric: str
    target: Decimal
    direction: Direction = Direction.AT_LEAST
    deadline: datetime | None = None
    segment: str | None = None

    def __attrs_post_init__(self) -> None:
        from promocore.analytics.goals import METRICS

        checks = Checks()
        checks.check(
            self.metric in METRICS, "metric", f"must be one of {', '.join(sorted(METRICS))}"
        )
        checks.check(self.target.is_finite(), "target", "must be a finite number")
        checks.check(
            self.segment in (None, "new", "returning"), "segment", "must be new or returning"
        )
        checks.raise_if_any()


@attrs.frozen(kw_only=True)
class AlertLines:
    """The lines that trigger action (警戒线); each is checked on every day of the campaign.

    Attributes:
        roi_below: Alert when the campaign's ROI (incremental ROI when it has a
            holdout) falls below this; None for no ROI line.
        budget_exhaustion: Alert when the burn rate projects the spendable budget
            to run out before the campaign ends.
        contingency: Alert when spending reaches into the contingency reserve.
        srm_p_value: Alert when the split between treated and holdout customers is
            this unlikely under the planned split (sample ratio mismatch); None for no check.
        redemption_collapse: Alert when a day's redemption rate (orders using the
            promotion / orders) falls below this share of the campaign's rate so far.
        min_orders: Days with fewer orders than this are not judged for a collapse.
    """

    roi_below: Decimal | None = None
    budget_exhaustion: bool = True
    contingency: bool = True
    srm_p_value: Decimal | None = Decimal("0.001")
    redemption_collapse: Decimal | None = Decimal("0.5")
    min_orders: int = 20

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        p = self.srm_p_value
        checks.check(p is None or 0 < p < 1, "srm_p_value", "must be between 0 and 1")
        share = self.redemption_collapse
        checks.check(
            share is None or 0 < share < 1, "redemption_collapse", "must be between 0 and 1"
        )
        checks.check(self.min_orders >= 1, "min_orders", "must be >= 1")
        checks.raise_if_any()


@attrs.frozen(kw_only=True)
@typed_fields
class Audience:
    """How many customers a campaign targeted, and how many of them were held out.

    Attributes:
        treated: Customers who could see the promotion.
        holdout: Customers held out of it, to measure what it added.
        planned_holdout: The share of the audience meant to be held out; by
            default what was actually held out (then no sample ratio check).
    """

    treated: int
    holdout: int = 0
    planned_holdout: Decimal | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.treated >= 1, "treated", "must be >= 1")
        checks.check(self.holdout >= 0, "holdout", "must be >= 0")
        share = self.planned_holdout
        checks.check(share is None or 0 < share < 1, "planned_holdout", "must be between 0 and 1")
        checks.raise_if_any()


@attrs.frozen(kw_only=True)
@typed_fields
class CampaignPlan:
    """One campaign under review.

    Attributes:
        name: The label its orders carry in the ``campaign`` column.
        start: When it started.
        end: When it ends (or ended).
        title: How the report names it (the name by default).
        series: Campaigns of one series (``double-11``) are editions of one another.
        edition: Which edition (``2026``); editions of a series are compared in order.
        budget: The promotion budget (discounts), or None.
        reserve: Share of the budget held back as contingency (10–15 % is common).
        fixed_costs: Creative, media, fees: costs that do not depend on orders.
        audience: Customers treated and held out; needed for incremental figures.
        margin_rate: Contribution margin as a share of revenue; the plan's by default.
        goals: Targets set before launch.
        alerts: Alert lines.
    """

    name: str
    start: datetime
    end: datetime
    title: str = ""
    series: str | None = None
    edition: str | None = None
    budget: Money | None = None
    reserve: Decimal = Decimal("0.10")
    fixed_costs: Money | None = None
    audience: Audience | None = None
    margin_rate: Decimal | None = None
    goals: tuple[Goal, ...] = ()
    alerts: AlertLines = AlertLines()

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.name.strip()), "name", "must not be empty")
        checks.check(self.end > self.start, "end", "must be after start")
        checks.check(Decimal(0) <= self.reserve < 1, "reserve", "must be in [0, 1)")
        if self.budget is not None:
            checks.check(self.budget.amount >= 0, "budget", "must be >= 0")
        if self.fixed_costs is not None:
            checks.check(self.fixed_costs.amount >= 0, "fixed_costs", "must be >= 0")
        rate = self.margin_rate
        checks.check(rate is None or 0 <= rate <= 1, "margin_rate", "must be between 0 and 1")
        checks.check(len(self.goals) <= MAX_GOALS, "goals", f"at most {MAX_GOALS} per campaign")
        checks.raise_if_any()

    @property
    def label(self) -> str:
        """Return the title, or the name when there is none."""
        return self.title or self.name


@attrs.frozen(kw_only=True)
@typed_fields
class ReviewPlan:
    """A review of one or more campaigns.

    Attributes:
        currency: ISO 4217 code of every amount (orders are in its minor units).
        now: The moment of the review; its UTC offset sets where days, weeks and
            months begin.
        campaigns: The campaigns, in the order the report shows them.
        title: The report's title.
        margin_rate: Contribution margin as a share of revenue (for margin ROI and CLV).
        repurchase_days: Window of the repurchase rate, in days.
        cohort: Retention cohorts by ``"month"`` or ``"week"`` of the first order.
        clv_discount_rate: Discount rate per cohort period of the predictive CLV.
        clv_horizon: Periods the predictive CLV looks ahead (None: no limit).
        stages: Funnel stages, first to last.
        alpha: Intervals have level ``1 − alpha``.
    """

    currency: str
    now: datetime
    campaigns: tuple[CampaignPlan, ...]
    title: str = "Campaign review"
    margin_rate: Decimal = Decimal(1)
    repurchase_days: int = 30
    cohort: str = "month"
    clv_discount_rate: Decimal = Decimal("0.01")
    clv_horizon: int | None = 24
    stages: tuple[str, ...] = DEFAULT_STAGES
    alpha: Decimal = Decimal("0.05")

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        count = len(self.campaigns)
        checks.check(1 <= count <= MAX_CAMPAIGNS, "campaigns", f"needs 1 to {MAX_CAMPAIGNS}")
        seen: dict[str, int] = {}
        for i, c in enumerate(self.campaigns):
            if c.name in seen:
                checks.add(f"campaigns[{i}].name", f"duplicate (also campaigns[{seen[c.name]}])")
            seen.setdefault(c.name, i)
        checks.check(0 <= self.margin_rate <= 1, "margin_rate", "must be between 0 and 1")
        checks.check(
            1 <= self.repurchase_days <= MAX_REPURCHASE_DAYS,
            "repurchase_days",
            f"must be from 1 to {MAX_REPURCHASE_DAYS}",
        )
        checks.check(self.cohort in PERIODS, "cohort", f"must be one of {', '.join(PERIODS)}")
        checks.check(0 <= self.clv_discount_rate < 1, "clv_discount_rate", "must be in [0, 1)")
        horizon = self.clv_horizon
        checks.check(horizon is None or 1 <= horizon <= 1200, "clv_horizon", "must be 1 to 1200")
        checks.check(0 < self.alpha < 1, "alpha", "must be between 0 and 1")
        checks.raise_if_any()

    @property
    def utc_offset(self) -> timedelta:
        """Return the UTC offset of ``now``."""
        offset = self.now.utcoffset()
        return offset if offset is not None else timedelta(0)

    def campaign(self, name: str) -> CampaignPlan:
        """Return the campaign called ``name``."""
        for c in self.campaigns:
            if c.name == name:
                return c
        raise ValidationError.single("campaign", f"no campaign named {name!r} in the plan")

    def margin_of(self, campaign: CampaignPlan) -> Decimal:
        """Return the margin rate of ``campaign`` (its own, else the plan's)."""
        return campaign.margin_rate if campaign.margin_rate is not None else self.margin_rate

    def query(self) -> ReviewQuery:
        """Return what the reducers must compute for this plan."""
        return ReviewQuery(
            campaigns=tuple(CampaignWindow(c.name, c.start, c.end) for c in self.campaigns),
            now=self.now,
            repurchase_days=self.repurchase_days,
            period=self.cohort,
            utc_offset=self.utc_offset,
            stages=self.stages,
        )


def review_plan_from_dict(raw: object) -> ReviewPlan:
    """Build a review plan from plain data (the parsed TOML or JSON).

    Raises:
        ValidationError: every problem found, each with its path.
    """
    if not isinstance(raw, Mapping):
        raise ValidationError.single("", "a review plan must be a table/object")
    currency = raw.get("currency")
    if not isinstance(currency, str):
        raise ValidationError.single("currency", "is required (an ISO 4217 code such as CNY)")
    return structure(ReviewPlan, raw, currency=currency)


def load_review_plan(path: str | Path) -> ReviewPlan:
    """Load a review plan from a TOML or JSON file.

    Raises:
        ConfigError: the file cannot be read or parsed, or the plan is invalid;
            the error names the file and each problem's path.
    """
    path = Path(path)
    text = read_text(path)
    data: Any
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            data = json.loads(text, parse_float=str, parse_int=parse_int)
    except RecursionError:
        raise too_deep(text, str(path)) from None
    except ValueError as exc:  # a syntax error, or a whole number too long to read
        raise ConfigError([Problem("", f"cannot be parsed: {exc}")], str(path)) from None
    check_tree(data, str(path))
    try:
        return review_plan_from_dict(data)
    except ValidationError as exc:
        raise ConfigError(exc.problems, str(path)) from None
