"""Group buys (拼团) for promocore.

A customer opens a team of a group-buy activity, paying the group price (or the
leader price, 团长优惠); others join until every seat is taken and the group buy
succeeds. A team that times out short of members expires and every member is
refunded, unless enough joined for a virtual completion (虚拟成团), which fills the
rest with filler seats.

* [`params`][promocore_groupbuy.params]: the activity's terms
  ([`GroupBuyParams`][promocore_groupbuy.params.GroupBuyParams]);
* [`transitions`][promocore_groupbuy.rules]: pure team transitions with typed errors;
* [`slots`][promocore_groupbuy.rules]: each customer's open team and units in an activity;
* [`service`][promocore_groupbuy.service]:
  [`GroupBuyService`][promocore_groupbuy.service.GroupBuyService], over a promocore Store;
* [`mechanic`][promocore_groupbuy.mechanic]: the ``group_buy`` mechanic (registered through
  the ``promocore`` entry point) giving lines the group price at the item stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.games.runtime import Outcome as Outcome
    from promocore_groupbuy.errors import AlreadyInOpenTeamError as AlreadyInOpenTeamError
    from promocore_groupbuy.errors import AlreadyMemberError as AlreadyMemberError
    from promocore_groupbuy.errors import GroupBuyError as GroupBuyError
    from promocore_groupbuy.errors import IdempotencyConflictError as IdempotencyConflictError
    from promocore_groupbuy.errors import IllegalMoveError as IllegalMoveError
    from promocore_groupbuy.errors import LimitReachedError as LimitReachedError
    from promocore_groupbuy.errors import NotCompletedError as NotCompletedError
    from promocore_groupbuy.errors import NotDueError as NotDueError
    from promocore_groupbuy.errors import TeamClosedError as TeamClosedError
    from promocore_groupbuy.errors import TeamExpiredError as TeamExpiredError
    from promocore_groupbuy.errors import TeamFullError as TeamFullError
    from promocore_groupbuy.errors import TeamNotFoundError as TeamNotFoundError
    from promocore_groupbuy.errors import UnknownSkuError as UnknownSkuError
    from promocore_groupbuy.lines import ACTIVITY_REF as ACTIVITY_REF
    from promocore_groupbuy.lines import TEAM_REF as TEAM_REF
    from promocore_groupbuy.lines import group_buy_line as group_buy_line
    from promocore_groupbuy.model import Event as Event
    from promocore_groupbuy.model import Expire as Expire
    from promocore_groupbuy.model import Join as Join
    from promocore_groupbuy.model import Member as Member
    from promocore_groupbuy.model import MemberJoined as MemberJoined
    from promocore_groupbuy.model import MemberRefunded as MemberRefunded
    from promocore_groupbuy.model import MemberReturned as MemberReturned
    from promocore_groupbuy.model import Refund as Refund
    from promocore_groupbuy.model import Return as Return
    from promocore_groupbuy.model import Team as Team
    from promocore_groupbuy.model import TeamCompleted as TeamCompleted
    from promocore_groupbuy.model import TeamExpired as TeamExpired
    from promocore_groupbuy.model import TeamOpened as TeamOpened
    from promocore_groupbuy.model import TeamStatus as TeamStatus
    from promocore_groupbuy.model import Terms as Terms
    from promocore_groupbuy.params import GroupBuyParams as GroupBuyParams
    from promocore_groupbuy.params import GroupPrice as GroupPrice
    from promocore_groupbuy.rules import SLOTS as SLOTS
    from promocore_groupbuy.rules import TEAMS as TEAMS
    from promocore_groupbuy.rules import open_team as open_team
    from promocore_groupbuy.rules import transition as transition
    from promocore_groupbuy.service import GroupBuyService as GroupBuyService


_EXPORTS = {
    "ACTIVITY_REF": "promocore_groupbuy.lines",
    "AlreadyInOpenTeamError": "promocore_groupbuy.errors",
    "AlreadyMemberError": "promocore_groupbuy.errors",
    "Event": "promocore_groupbuy.model",
    "Expire": "promocore_groupbuy.model",
    "GroupBuyError": "promocore_groupbuy.errors",
    "GroupBuyParams": "promocore_groupbuy.params",
    "GroupBuyService": "promocore_groupbuy.service",
    "GroupPrice": "promocore_groupbuy.params",
    "IdempotencyConflictError": "promocore_groupbuy.errors",
    "IllegalMoveError": "promocore_groupbuy.errors",
    "Join": "promocore_groupbuy.model",
    "LimitReachedError": "promocore_groupbuy.errors",
    "Member": "promocore_groupbuy.model",
    "MemberJoined": "promocore_groupbuy.model",
    "MemberRefunded": "promocore_groupbuy.model",
    "MemberReturned": "promocore_groupbuy.model",
    "NotCompletedError": "promocore_groupbuy.errors",
    "NotDueError": "promocore_groupbuy.errors",
    "Outcome": "promocore.games.runtime",
    "Refund": "promocore_groupbuy.model",
    "Return": "promocore_groupbuy.model",
    "SLOTS": "promocore_groupbuy.rules",
    "TEAMS": "promocore_groupbuy.rules",
    "TEAM_REF": "promocore_groupbuy.lines",
    "Team": "promocore_groupbuy.model",
    "TeamClosedError": "promocore_groupbuy.errors",
    "TeamCompleted": "promocore_groupbuy.model",
    "TeamExpired": "promocore_groupbuy.model",
    "TeamExpiredError": "promocore_groupbuy.errors",
    "TeamFullError": "promocore_groupbuy.errors",
    "TeamNotFoundError": "promocore_groupbuy.errors",
    "TeamOpened": "promocore_groupbuy.model",
    "TeamStatus": "promocore_groupbuy.model",
    "Terms": "promocore_groupbuy.model",
    "UnknownSkuError": "promocore_groupbuy.errors",
    "group_buy_line": "promocore_groupbuy.lines",
    "open_team": "promocore_groupbuy.rules",
    "transition": "promocore_groupbuy.rules",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
