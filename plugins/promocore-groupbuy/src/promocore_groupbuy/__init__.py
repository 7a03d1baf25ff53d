"""Group buys (拼团) for promocore.

A customer opens a team of a group-buy activity, paying the group price (or the
leader price, 团长优惠); others join until every seat is taken and the group buy
succeeds. A team that times out short of members expires and every member is
refunded, unless enough joined for a virtual completion (虚拟成团), which fills the
rest with filler seats.

* [`params`][promocore_groupbuy.params]: the activity's terms
  ([`GroupBuyParams`][promocore_groupbuy.params.GroupBuyParams]);
* [`transitions`][promocore_groupbuy.transitions]: pure team transitions with typed errors;
* [`slots`][promocore_groupbuy.slots]: each customer's open team and units in an activity;
* [`service`][promocore_groupbuy.service]:
  [`GroupBuyService`][promocore_groupbuy.service.GroupBuyService], over a promocore Store;
* [`mechanic`][promocore_groupbuy.mechanic]: the ``group_buy`` mechanic (registered through
  the ``promocore`` entry point) giving lines the group price at the item stage.
"""

from promocore_groupbuy.errors import (
    AlreadyInOpenTeamError,
    AlreadyMemberError,
    GroupBuyError,
    IdempotencyConflictError,
    IllegalMoveError,
    LimitReachedError,
    NotDueError,
    TeamClosedError,
    TeamExpiredError,
    TeamFullError,
    TeamNotFoundError,
    UnknownSkuError,
)
from promocore_groupbuy.events import (
    Event,
    MemberJoined,
    MemberRefunded,
    TeamCompleted,
    TeamExpired,
    TeamOpened,
)
from promocore_groupbuy.lines import ACTIVITY_REF, TEAM_REF, group_buy_line
from promocore_groupbuy.params import GroupBuyParams, GroupPrice
from promocore_groupbuy.service import GroupBuyService, Outcome
from promocore_groupbuy.team import Member, Team, TeamStatus, Terms
from promocore_groupbuy.transitions import Expire, Join, Refund, open_team, transition

__all__ = [
    "ACTIVITY_REF",
    "TEAM_REF",
    "AlreadyInOpenTeamError",
    "AlreadyMemberError",
    "Event",
    "Expire",
    "GroupBuyError",
    "GroupBuyParams",
    "GroupBuyService",
    "GroupPrice",
    "IdempotencyConflictError",
    "IllegalMoveError",
    "Join",
    "LimitReachedError",
    "Member",
    "MemberJoined",
    "MemberRefunded",
    "NotDueError",
    "Outcome",
    "Refund",
    "Team",
    "TeamClosedError",
    "TeamCompleted",
    "TeamExpired",
    "TeamExpiredError",
    "TeamFullError",
    "TeamNotFoundError",
    "TeamOpened",
    "TeamStatus",
    "Terms",
    "UnknownSkuError",
    "group_buy_line",
    "open_team",
    "transition",
]
