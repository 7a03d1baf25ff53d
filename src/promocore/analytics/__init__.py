"""Campaign analytics: ROI, budget burn, funnels, referral fission, RFM tiers, coupons.

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
"""

from promocore.analytics.break_even import (
    BreakEvenDiscount,
    BreakEvenUplift,
    break_even_discount,
    break_even_uplift,
)
from promocore.analytics.budget_burn import DEFAULT_RESERVE, BudgetBurn, budget_burn
from promocore.analytics.coupons import CouponMetrics, CouponStats, RedeemTimes, coupon_metrics
from promocore.analytics.fission import FissionReport, Generation, referral_generations
from promocore.analytics.funnel import (
    DEFAULT_STAGES,
    Funnel,
    FunnelStep,
    SegmentedFunnel,
    funnel_from_counts,
    funnel_from_events,
)
from promocore.analytics.reach import ReachProjection, projected_reach
from promocore.analytics.records import columns
from promocore.analytics.review import CampaignReview
from promocore.analytics.rfm import RfmScheme, RfmScores, recency_days, rfm_scores
from promocore.analytics.roi import CostBreakdown, RoiReport, campaign_roi
from promocore.analytics.tiers import TierAssignment, TierLadder, assign_tiers

__all__ = [
    "DEFAULT_RESERVE",
    "DEFAULT_STAGES",
    "BreakEvenDiscount",
    "BreakEvenUplift",
    "BudgetBurn",
    "CampaignReview",
    "CostBreakdown",
    "CouponMetrics",
    "CouponStats",
    "FissionReport",
    "Funnel",
    "FunnelStep",
    "Generation",
    "ReachProjection",
    "RedeemTimes",
    "RfmScheme",
    "RfmScores",
    "RoiReport",
    "SegmentedFunnel",
    "TierAssignment",
    "TierLadder",
    "assign_tiers",
    "break_even_discount",
    "break_even_uplift",
    "budget_burn",
    "campaign_roi",
    "columns",
    "coupon_metrics",
    "funnel_from_counts",
    "funnel_from_events",
    "projected_reach",
    "recency_days",
    "referral_generations",
    "rfm_scores",
]
