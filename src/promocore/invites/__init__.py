"""Invite rewards (邀请有礼): a reward ladder by qualified friends, a leaderboard, anti-abuse.

An [`InviteProgram`][promocore.invites.program.InviteProgram] says what makes an invited friend
count (registering, or a first purchase) and what each rung of the ladder grants (coupons, points).
The program's [`InviteBoard`][promocore.invites.board.InviteBoard] changes only through the pure
[`transition`][promocore.invites.board.transition], which refuses self-invites, cycles, friends who
are not new, and a second inviter for the same friend; each friend counts once. Reaching a rung
returns a [`RungReached`][promocore.invites.board.RungReached] event whose ``key`` makes granting
its rewards idempotent. [`leaderboard`][promocore.invites.leaderboard] ranks inviters over a period.
"""

from promocore.invites.board import (
    Bind,
    Command,
    FriendBound,
    FriendQualified,
    Invitation,
    InviteBoard,
    InviteEvent,
    Progress,
    Purchase,
    Register,
    RungReached,
    transition,
)
from promocore.invites.errors import (
    AlreadyInvitedError,
    ExistingCustomerError,
    InviteClosedError,
    InviteCycleError,
    InviteError,
    InviteRefusedError,
    SelfInviteError,
)
from promocore.invites.leaderboard import Standing, leaderboard
from promocore.invites.program import CouponReward, InviteProgram, QualifyOn, Rung
from promocore.invites.rewards import CouponGrant, coupon_grants, points_earn
from promocore.invites.service import InviteService

__all__ = [
    "AlreadyInvitedError",
    "Bind",
    "Command",
    "CouponGrant",
    "CouponReward",
    "ExistingCustomerError",
    "FriendBound",
    "FriendQualified",
    "Invitation",
    "InviteBoard",
    "InviteClosedError",
    "InviteCycleError",
    "InviteError",
    "InviteEvent",
    "InviteProgram",
    "InviteRefusedError",
    "InviteService",
    "Progress",
    "Purchase",
    "QualifyOn",
    "Register",
    "Rung",
    "RungReached",
    "SelfInviteError",
    "Standing",
    "coupon_grants",
    "leaderboard",
    "points_earn",
    "transition",
]
