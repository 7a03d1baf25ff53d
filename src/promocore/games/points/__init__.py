"""Points (积分): earning, paying with points at checkout, expiry, refunds and returns.

The same shape as every game (see [`promocore.games`][promocore.games]):

* [`params`][promocore.games.points.params]: the program's rules,
  [`PointsProgram`][promocore.games.points.params.PointsProgram] (what points are worth, how they
  pay, what purchases and actions such as the daily check-in earn, when they expire);
* [`model`][promocore.games.points.model]: a customer's account, action logs, their commands and
  events;
* [`rules`][promocore.games.points.rules]: the pure transitions (refunds give back, and take back,
  points in exact proportion to the share of the order refunded) and the games the runner runs;
* [`mechanic`][promocore.games.points.mechanic]: the ``points_redemption`` and ``points_earning``
  mechanics; [`pricing`][promocore.games.points.pricing] builds their campaigns and turns a paid
  quote into account commands;
* [`service`][promocore.games.points.service]:
  [`PointsService`][promocore.games.points.service.PointsService], over a store;
* [`errors`][promocore.games.points.errors] and
  [`strategies`][promocore.games.points.strategies] (for the tests).

Names are loaded on first use: importing the mechanics loads no service and no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.games.points.errors import DailyLimitReachedError as DailyLimitReachedError
    from promocore.games.points.errors import InsufficientPointsError as InsufficientPointsError
    from promocore.games.points.errors import PointsError as PointsError
    from promocore.games.points.errors import PointsKeyReusedError as PointsKeyReusedError
    from promocore.games.points.errors import RefundExceedsOrderError as RefundExceedsOrderError
    from promocore.games.points.model import ActionLog as ActionLog
    from promocore.games.points.model import ActionRewarded as ActionRewarded
    from promocore.games.points.model import Command as Command
    from promocore.games.points.model import Earn as Earn
    from promocore.games.points.model import ExpirePoints as ExpirePoints
    from promocore.games.points.model import Lot as Lot
    from promocore.games.points.model import Perform as Perform
    from promocore.games.points.model import PointsAccount as PointsAccount
    from promocore.games.points.model import PointsClawedBack as PointsClawedBack
    from promocore.games.points.model import PointsEarned as PointsEarned
    from promocore.games.points.model import PointsEvent as PointsEvent
    from promocore.games.points.model import PointsExpired as PointsExpired
    from promocore.games.points.model import PointsRedeemed as PointsRedeemed
    from promocore.games.points.model import PointsReturned as PointsReturned
    from promocore.games.points.model import Redeem as Redeem
    from promocore.games.points.model import Redemption as Redemption
    from promocore.games.points.model import Refund as Refund
    from promocore.games.points.model import Take as Take
    from promocore.games.points.params import EARNED as EARNED
    from promocore.games.points.params import EARNING_MECHANIC as EARNING_MECHANIC
    from promocore.games.points.params import REDEEMED as REDEEMED
    from promocore.games.points.params import REDEMPTION_MECHANIC as REDEMPTION_MECHANIC
    from promocore.games.points.params import ActionRule as ActionRule
    from promocore.games.points.params import EarnRule as EarnRule
    from promocore.games.points.params import Expiry as Expiry
    from promocore.games.points.params import PointsProgram as PointsProgram
    from promocore.games.points.params import PointsRate as PointsRate
    from promocore.games.points.params import PointsRedemptionParams as PointsRedemptionParams
    from promocore.games.points.params import RedemptionRule as RedemptionRule
    from promocore.games.points.params import StreakBonus as StreakBonus
    from promocore.games.points.pricing import earn_command as earn_command
    from promocore.games.points.pricing import earned as earned
    from promocore.games.points.pricing import earning_campaign_id as earning_campaign_id
    from promocore.games.points.pricing import order_value as order_value
    from promocore.games.points.pricing import points_campaigns as points_campaigns
    from promocore.games.points.pricing import redeem_command as redeem_command
    from promocore.games.points.pricing import redeemed as redeemed
    from promocore.games.points.pricing import redemption_campaign_id as redemption_campaign_id
    from promocore.games.points.rules import ACTION_LOGS as ACTION_LOGS
    from promocore.games.points.rules import accounts as accounts
    from promocore.games.points.rules import earn_for as earn_for
    from promocore.games.points.rules import perform as perform
    from promocore.games.points.rules import return_refund as return_refund
    from promocore.games.points.rules import transition as transition
    from promocore.games.points.service import PointsService as PointsService
    from promocore.games.runtime import Outcome as Outcome


_EXPORTS = {
    "ACTION_LOGS": "promocore.games.points.rules",
    "ActionLog": "promocore.games.points.model",
    "ActionRewarded": "promocore.games.points.model",
    "ActionRule": "promocore.games.points.params",
    "Command": "promocore.games.points.model",
    "DailyLimitReachedError": "promocore.games.points.errors",
    "EARNED": "promocore.games.points.params",
    "EARNING_MECHANIC": "promocore.games.points.params",
    "Earn": "promocore.games.points.model",
    "EarnRule": "promocore.games.points.params",
    "ExpirePoints": "promocore.games.points.model",
    "Expiry": "promocore.games.points.params",
    "InsufficientPointsError": "promocore.games.points.errors",
    "Lot": "promocore.games.points.model",
    "Outcome": "promocore.games.runtime",
    "Perform": "promocore.games.points.model",
    "PointsAccount": "promocore.games.points.model",
    "PointsClawedBack": "promocore.games.points.model",
    "PointsEarned": "promocore.games.points.model",
    "PointsError": "promocore.games.points.errors",
    "PointsEvent": "promocore.games.points.model",
    "PointsExpired": "promocore.games.points.model",
    "PointsKeyReusedError": "promocore.games.points.errors",
    "PointsProgram": "promocore.games.points.params",
    "PointsRate": "promocore.games.points.params",
    "PointsRedeemed": "promocore.games.points.model",
    "PointsRedemptionParams": "promocore.games.points.params",
    "PointsReturned": "promocore.games.points.model",
    "PointsService": "promocore.games.points.service",
    "REDEEMED": "promocore.games.points.params",
    "REDEMPTION_MECHANIC": "promocore.games.points.params",
    "Redeem": "promocore.games.points.model",
    "Redemption": "promocore.games.points.model",
    "RedemptionRule": "promocore.games.points.params",
    "Refund": "promocore.games.points.model",
    "RefundExceedsOrderError": "promocore.games.points.errors",
    "StreakBonus": "promocore.games.points.params",
    "Take": "promocore.games.points.model",
    "accounts": "promocore.games.points.rules",
    "earn_command": "promocore.games.points.pricing",
    "earn_for": "promocore.games.points.rules",
    "earned": "promocore.games.points.pricing",
    "earning_campaign_id": "promocore.games.points.pricing",
    "order_value": "promocore.games.points.pricing",
    "perform": "promocore.games.points.rules",
    "points_campaigns": "promocore.games.points.pricing",
    "redeem_command": "promocore.games.points.pricing",
    "redeemed": "promocore.games.points.pricing",
    "redemption_campaign_id": "promocore.games.points.pricing",
    "return_refund": "promocore.games.points.rules",
    "transition": "promocore.games.points.rules",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
