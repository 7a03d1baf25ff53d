"""Points (积分): earning, paying with points at checkout, expiry and refunds.

A [`PointsProgram`][promocore.points.program.PointsProgram] holds the rules: what points are worth
([`PointsRate`][promocore.points.rules.PointsRate]), how they pay
([`RedemptionRule`][promocore.points.rules.RedemptionRule]: largest share of the payable, fewest
points per use), what purchases earn ([`EarnRule`][promocore.points.rules.EarnRule]), what actions
such as the daily check-in earn ([`ActionRule`][promocore.points.actions.ActionRule]) and when
points expire ([`Expiry`][promocore.points.rules.Expiry]). A customer's
[`PointsAccount`][promocore.points.account.PointsAccount] changes only through the pure
[`transition`][promocore.points.transactions.transition]; refunds give back, and take back, points
in exact proportion to the share of the order refunded.
"""

from promocore.points.account import Lot, PointsAccount, Redemption, Take
from promocore.points.actions import (
    ActionLog,
    ActionRewarded,
    ActionRule,
    StreakBonus,
    earn_for,
    perform,
)
from promocore.points.errors import (
    DailyLimitReachedError,
    InsufficientPointsError,
    PointsError,
    PointsKeyReusedError,
    RefundExceedsOrderError,
)
from promocore.points.events import (
    PointsClawedBack,
    PointsEarned,
    PointsEvent,
    PointsExpired,
    PointsRedeemed,
    PointsReturned,
)
from promocore.points.params import (
    EARNED,
    EARNING_MECHANIC,
    REDEEMED,
    REDEMPTION_MECHANIC,
    PointsRedemptionParams,
)
from promocore.points.pricing import (
    earn_command,
    earned,
    earning_campaign_id,
    order_value,
    points_campaigns,
    redeem_command,
    redeemed,
    redemption_campaign_id,
)
from promocore.points.program import PointsProgram
from promocore.points.rules import EarnRule, Expiry, PointsRate, RedemptionRule
from promocore.points.service import PointsService
from promocore.points.transactions import (
    Command,
    Earn,
    ExpirePoints,
    Redeem,
    Refund,
    transition,
)

__all__ = [
    "EARNED",
    "EARNING_MECHANIC",
    "REDEEMED",
    "REDEMPTION_MECHANIC",
    "ActionLog",
    "ActionRewarded",
    "ActionRule",
    "Command",
    "DailyLimitReachedError",
    "Earn",
    "EarnRule",
    "ExpirePoints",
    "Expiry",
    "InsufficientPointsError",
    "Lot",
    "PointsAccount",
    "PointsClawedBack",
    "PointsEarned",
    "PointsError",
    "PointsEvent",
    "PointsExpired",
    "PointsKeyReusedError",
    "PointsProgram",
    "PointsRate",
    "PointsRedeemed",
    "PointsRedemptionParams",
    "PointsReturned",
    "PointsService",
    "Redeem",
    "Redemption",
    "RedemptionRule",
    "Refund",
    "RefundExceedsOrderError",
    "StreakBonus",
    "Take",
    "earn_command",
    "earn_for",
    "earned",
    "earning_campaign_id",
    "order_value",
    "perform",
    "points_campaigns",
    "redeem_command",
    "redeemed",
    "redemption_campaign_id",
    "transition",
]
