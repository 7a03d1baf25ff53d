"""Campaign analytics: ROI, budget burn, funnels, referral fission, RFM tiers, coupons, reviews.

Operators plan and review campaigns with a handful of numbers; these functions
compute them from the events a backend already has. Inputs are numpy arrays or
iterables (see `columns` for lists of records); the work is vectorised.
Money stays exact: amounts are `Money` or integer minor
units and every sum of money is an exact integer. Ratios computed from money
are `Decimal`; ratios of counts are floats. Every entry point
refuses bad input with a `ValidationError` naming the
argument and index. Results are frozen attrs objects with ``to_dict()``;
`CampaignReview` renders them as one report. ``promocore.analytics.sample``
ships a small sample campaign to try them on.

Reviews of many campaigns (AOV, repurchase, retention cohorts, CLV, CAC and
incremental ROI over a holdout, goals, alert lines, the 复盘 comparison) start from
sufficient statistics: `reduce_orders` computes them in memory,
``promocore.analytics.warehouse.reduce_table`` inside DuckDB, PostgreSQL or a warehouse
(the ``warehouse`` extra), and `build_review` finishes. Charts and the HTML report
(``promocore.analytics.charts``, ``promocore.analytics.html_report``) need the
``plots`` extra. Neither ibis, DuckDB nor matplotlib is imported by this package.
"""

from promocore.analytics.acquisition import AcquisitionCost, customer_acquisition_cost
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
from promocore.analytics.break_even import (
    BreakEvenDiscount,
    BreakEvenUplift,
    break_even_discount,
    break_even_uplift,
)
from promocore.analytics.budget_burn import DEFAULT_RESERVE, BudgetBurn, budget_burn
from promocore.analytics.campaign_report import (
    CampaignFigures,
    ReviewReport,
    SegmentFigures,
    build_review,
    review_orders,
)
from promocore.analytics.clv import ClvModel, predict_clv
from promocore.analytics.compare import Comparison, ComparisonRow, compare_campaigns
from promocore.analytics.coupons import CouponMetrics, CouponStats, RedeemTimes, coupon_metrics
from promocore.analytics.estimates import Estimate, MoneyEstimate, RateEstimate
from promocore.analytics.fission import FissionReport, Generation, referral_generations
from promocore.analytics.funnel import (
    DEFAULT_STAGES,
    Funnel,
    FunnelStep,
    SegmentedFunnel,
    funnel_from_counts,
    funnel_from_events,
)
from promocore.analytics.goals import GoalResult, GoalStatus, evaluate_goal
from promocore.analytics.incremental import ArmSums, IncrementalRoi, incremental_roi
from promocore.analytics.order_stats import CampaignWindow, ReviewQuery, ReviewStats
from promocore.analytics.order_value import OrderValue, average_order_value
from promocore.analytics.plan import (
    AlertLines,
    Audience,
    CampaignPlan,
    Direction,
    Goal,
    ReviewPlan,
    load_review_plan,
    review_plan_from_dict,
)
from promocore.analytics.reach import ReachProjection, projected_reach
from promocore.analytics.records import columns
from promocore.analytics.reduce import reduce_orders
from promocore.analytics.repurchase import repurchase_rate
from promocore.analytics.retention import Cohort, RetentionCohorts, retention_cohorts
from promocore.analytics.review import CampaignReview
from promocore.analytics.rfm import RfmScheme, RfmScores, recency_days, rfm_scores
from promocore.analytics.roi import CostBreakdown, RoiReport, campaign_roi
from promocore.analytics.tiers import TierAssignment, TierLadder, assign_tiers

__all__ = [
    "DEFAULT_RESERVE",
    "DEFAULT_STAGES",
    "AcquisitionCost",
    "Alert",
    "AlertLines",
    "ArmSums",
    "Audience",
    "BreakEvenDiscount",
    "BreakEvenUplift",
    "BudgetBurn",
    "BudgetExhaustionProjected",
    "CampaignFigures",
    "CampaignPlan",
    "CampaignReview",
    "CampaignWindow",
    "ClvModel",
    "Cohort",
    "Comparison",
    "ComparisonRow",
    "ContingencyTouched",
    "CostBreakdown",
    "CouponMetrics",
    "CouponStats",
    "Direction",
    "Estimate",
    "FissionReport",
    "Funnel",
    "FunnelStep",
    "Generation",
    "Goal",
    "GoalResult",
    "GoalStatus",
    "IncrementalRoi",
    "MoneyEstimate",
    "OrderValue",
    "RateEstimate",
    "ReachProjection",
    "RedeemTimes",
    "RedemptionRateCollapsed",
    "RetentionCohorts",
    "ReviewPlan",
    "ReviewQuery",
    "ReviewReport",
    "ReviewStats",
    "RfmScheme",
    "RfmScores",
    "RoiBelowLine",
    "RoiReport",
    "SampleRatioMismatch",
    "SegmentFigures",
    "SegmentedFunnel",
    "TierAssignment",
    "TierLadder",
    "assign_tiers",
    "average_order_value",
    "break_even_discount",
    "break_even_uplift",
    "budget_burn",
    "build_review",
    "campaign_roi",
    "columns",
    "compare_campaigns",
    "coupon_metrics",
    "customer_acquisition_cost",
    "emit_alerts",
    "evaluate_alerts",
    "evaluate_goal",
    "funnel_from_counts",
    "funnel_from_events",
    "incremental_roi",
    "load_review_plan",
    "predict_clv",
    "projected_reach",
    "recency_days",
    "reduce_orders",
    "referral_generations",
    "repurchase_rate",
    "retention_cohorts",
    "review_orders",
    "review_plan_from_dict",
    "rfm_scores",
]
