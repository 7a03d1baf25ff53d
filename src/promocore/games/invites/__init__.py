"""Invite rewards (邀请有礼): a reward ladder by qualified friends, a leaderboard, anti-abuse.

The same shape as every game (see [`promocore.games`][promocore.games]):

* [`params`][promocore.games.invites.params]: the program,
  [`InviteProgram`][promocore.games.invites.params.InviteProgram] (what makes a friend count, what
  each rung grants);
* [`model`][promocore.games.invites.model]: the program's board, its commands and events;
* [`rules`][promocore.games.invites.rules]: the pure transition (no self-invites, no cycles, no
  friend who is not new, one inviter per friend; a refund of the purchase a friend qualified
  with un-qualifies them) and the game the runner runs;
* [`mechanic`][promocore.games.invites.mechanic]: the ``invite`` mechanic, telling a friend in
  their quote whether the order counts ([`pricing`][promocore.games.invites.pricing]);
* [`service`][promocore.games.invites.service]:
  [`InviteService`][promocore.games.invites.service.InviteService], over a store;
  [`rewards`][promocore.games.invites.rewards] grants a reached rung once;
  [`leaderboard`][promocore.games.invites.leaderboard] ranks inviters over a period;
* [`errors`][promocore.games.invites.errors] and
  [`strategies`][promocore.games.invites.strategies] (for the tests).

Names are loaded on first use: importing the mechanic loads no service and no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.games.invites.leaderboard import leaderboard as leaderboard  # a submodule named so
from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.games.invites.errors import AlreadyInvitedError as AlreadyInvitedError
    from promocore.games.invites.errors import ExistingCustomerError as ExistingCustomerError
    from promocore.games.invites.errors import InviteClosedError as InviteClosedError
    from promocore.games.invites.errors import InviteCycleError as InviteCycleError
    from promocore.games.invites.errors import InviteError as InviteError
    from promocore.games.invites.errors import InviteRefusedError as InviteRefusedError
    from promocore.games.invites.errors import SelfInviteError as SelfInviteError
    from promocore.games.invites.leaderboard import Standing as Standing
    from promocore.games.invites.model import Bind as Bind
    from promocore.games.invites.model import Command as Command
    from promocore.games.invites.model import FriendBound as FriendBound
    from promocore.games.invites.model import FriendQualified as FriendQualified
    from promocore.games.invites.model import FriendUnqualified as FriendUnqualified
    from promocore.games.invites.model import Invitation as Invitation
    from promocore.games.invites.model import InviteBoard as InviteBoard
    from promocore.games.invites.model import InviteEvent as InviteEvent
    from promocore.games.invites.model import Progress as Progress
    from promocore.games.invites.model import Purchase as Purchase
    from promocore.games.invites.model import Refund as Refund
    from promocore.games.invites.model import Register as Register
    from promocore.games.invites.model import RungReached as RungReached
    from promocore.games.invites.params import INVITE_MECHANIC as INVITE_MECHANIC
    from promocore.games.invites.params import QUALIFIES as QUALIFIES
    from promocore.games.invites.params import CouponReward as CouponReward
    from promocore.games.invites.params import InviteParams as InviteParams
    from promocore.games.invites.params import InviteProgram as InviteProgram
    from promocore.games.invites.params import QualifyOn as QualifyOn
    from promocore.games.invites.params import Rung as Rung
    from promocore.games.invites.pricing import invite_campaign as invite_campaign
    from promocore.games.invites.rewards import CouponGrant as CouponGrant
    from promocore.games.invites.rewards import coupon_grants as coupon_grants
    from promocore.games.invites.rewards import points_earn as points_earn
    from promocore.games.invites.rules import boards as boards
    from promocore.games.invites.rules import transition as transition
    from promocore.games.invites.service import InviteService as InviteService
    from promocore.games.runtime import Outcome as Outcome


_EXPORTS = {
    "AlreadyInvitedError": "promocore.games.invites.errors",
    "Bind": "promocore.games.invites.model",
    "Command": "promocore.games.invites.model",
    "CouponGrant": "promocore.games.invites.rewards",
    "CouponReward": "promocore.games.invites.params",
    "ExistingCustomerError": "promocore.games.invites.errors",
    "FriendBound": "promocore.games.invites.model",
    "FriendQualified": "promocore.games.invites.model",
    "FriendUnqualified": "promocore.games.invites.model",
    "INVITE_MECHANIC": "promocore.games.invites.params",
    "Invitation": "promocore.games.invites.model",
    "InviteBoard": "promocore.games.invites.model",
    "InviteClosedError": "promocore.games.invites.errors",
    "InviteCycleError": "promocore.games.invites.errors",
    "InviteError": "promocore.games.invites.errors",
    "InviteEvent": "promocore.games.invites.model",
    "InviteParams": "promocore.games.invites.params",
    "InviteProgram": "promocore.games.invites.params",
    "InviteRefusedError": "promocore.games.invites.errors",
    "InviteService": "promocore.games.invites.service",
    "Outcome": "promocore.games.runtime",
    "Progress": "promocore.games.invites.model",
    "Purchase": "promocore.games.invites.model",
    "QUALIFIES": "promocore.games.invites.params",
    "QualifyOn": "promocore.games.invites.params",
    "Refund": "promocore.games.invites.model",
    "Register": "promocore.games.invites.model",
    "Rung": "promocore.games.invites.params",
    "RungReached": "promocore.games.invites.model",
    "SelfInviteError": "promocore.games.invites.errors",
    "Standing": "promocore.games.invites.leaderboard",
    "boards": "promocore.games.invites.rules",
    "coupon_grants": "promocore.games.invites.rewards",
    "invite_campaign": "promocore.games.invites.pricing",
    "points_earn": "promocore.games.invites.rewards",
    "transition": "promocore.games.invites.rules",
}

__all__ = sorted([*_EXPORTS, "leaderboard"])
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
