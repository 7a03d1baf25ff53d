"""Bargaining (砍价): a shopper starts a session, friends help cut the price to a floor.

The same shape as every game (see [`promocore.games`][promocore.games]):

* [`params`][promocore.games.bargain.params]: the activity's terms,
  [`BargainParams`][promocore.games.bargain.params.BargainParams];
* [`model`][promocore.games.bargain.model]: sessions, the tallies of limits that span sessions,
  their commands and events;
* [`rules`][promocore.games.bargain.rules]: the pure transitions, ``apply(state, command, now)``,
  and the games the runner runs; [`cuts`][promocore.games.bargain.cuts] plans the cut sequence,
  reproducible from a seed;
* [`mechanic`][promocore.games.bargain.mechanic]: the ``bargain`` mechanic, pricing the session's
  snapshot a cart line carries ([`snapshot`][promocore.games.bargain.snapshot]);
* [`service`][promocore.games.bargain.service]:
  [`BargainService`][promocore.games.bargain.service.BargainService], the moves over a
  [`Store`][promocore.state.Store], refunds included;
* [`errors`][promocore.games.bargain.errors] and
  [`strategies`][promocore.games.bargain.strategies] (for the tests).

Names are loaded on first use: importing the mechanic loads no service and no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.games.bargain.cuts import next_cut as next_cut
    from promocore.games.bargain.cuts import plan_cuts as plan_cuts
    from promocore.games.bargain.errors import AlreadyOrderedError as AlreadyOrderedError
    from promocore.games.bargain.errors import BargainError as BargainError
    from promocore.games.bargain.errors import DuplicateHelpError as DuplicateHelpError
    from promocore.games.bargain.errors import HelperLimitError as HelperLimitError
    from promocore.games.bargain.errors import HelpRefusedError as HelpRefusedError
    from promocore.games.bargain.errors import IllegalMoveError as IllegalMoveError
    from promocore.games.bargain.errors import NotDueError as NotDueError
    from promocore.games.bargain.errors import NotInitiatorError as NotInitiatorError
    from promocore.games.bargain.errors import NotOrderedError as NotOrderedError
    from promocore.games.bargain.errors import NotReadyToOrderError as NotReadyToOrderError
    from promocore.games.bargain.errors import OutOfStockError as OutOfStockError
    from promocore.games.bargain.errors import RetriesExhaustedError as RetriesExhaustedError
    from promocore.games.bargain.errors import SelfHelpError as SelfHelpError
    from promocore.games.bargain.errors import SessionClosedError as SessionClosedError
    from promocore.games.bargain.errors import SessionExpiredError as SessionExpiredError
    from promocore.games.bargain.errors import SessionLimitError as SessionLimitError
    from promocore.games.bargain.errors import SessionNotFoundError as SessionNotFoundError
    from promocore.games.bargain.errors import SessionSucceededError as SessionSucceededError
    from promocore.games.bargain.mechanic import Bargain as Bargain
    from promocore.games.bargain.mechanic import BargainReason as BargainReason
    from promocore.games.bargain.model import BargainSession as BargainSession
    from promocore.games.bargain.model import Cancel as Cancel
    from promocore.games.bargain.model import Cancelled as Cancelled
    from promocore.games.bargain.model import Command as Command
    from promocore.games.bargain.model import CountHelp as CountHelp
    from promocore.games.bargain.model import CountStart as CountStart
    from promocore.games.bargain.model import Cut as Cut
    from promocore.games.bargain.model import Event as Event
    from promocore.games.bargain.model import Expire as Expire
    from promocore.games.bargain.model import Expired as Expired
    from promocore.games.bargain.model import Help as Help
    from promocore.games.bargain.model import Order as Order
    from promocore.games.bargain.model import Ordered as Ordered
    from promocore.games.bargain.model import PriceCut as PriceCut
    from promocore.games.bargain.model import Refund as Refund
    from promocore.games.bargain.model import Refunded as Refunded
    from promocore.games.bargain.model import Start as Start
    from promocore.games.bargain.model import Started as Started
    from promocore.games.bargain.model import Status as Status
    from promocore.games.bargain.model import Succeeded as Succeeded
    from promocore.games.bargain.model import TakeUnit as TakeUnit
    from promocore.games.bargain.model import Tally as Tally
    from promocore.games.bargain.model import TallyCommand as TallyCommand
    from promocore.games.bargain.model import Uncount as Uncount
    from promocore.games.bargain.params import BargainParams as BargainParams
    from promocore.games.bargain.rules import HELPS as HELPS
    from promocore.games.bargain.rules import SESSIONS as SESSIONS
    from promocore.games.bargain.rules import STARTS as STARTS
    from promocore.games.bargain.rules import STOCK as STOCK
    from promocore.games.bargain.rules import apply as apply
    from promocore.games.bargain.rules import count as count
    from promocore.games.bargain.rules import record_help as record_help
    from promocore.games.bargain.rules import record_start as record_start
    from promocore.games.bargain.rules import take_stock as take_stock
    from promocore.games.bargain.service import BargainService as BargainService
    from promocore.games.bargain.snapshot import SessionSnapshot as SessionSnapshot
    from promocore.games.bargain.snapshot import annotate as annotate
    from promocore.games.runtime import Outcome as Outcome


_EXPORTS = {
    "AlreadyOrderedError": "promocore.games.bargain.errors",
    "Bargain": "promocore.games.bargain.mechanic",
    "BargainError": "promocore.games.bargain.errors",
    "BargainParams": "promocore.games.bargain.params",
    "BargainReason": "promocore.games.bargain.mechanic",
    "BargainService": "promocore.games.bargain.service",
    "BargainSession": "promocore.games.bargain.model",
    "Cancel": "promocore.games.bargain.model",
    "Cancelled": "promocore.games.bargain.model",
    "Command": "promocore.games.bargain.model",
    "CountHelp": "promocore.games.bargain.model",
    "CountStart": "promocore.games.bargain.model",
    "Cut": "promocore.games.bargain.model",
    "DuplicateHelpError": "promocore.games.bargain.errors",
    "Event": "promocore.games.bargain.model",
    "Expire": "promocore.games.bargain.model",
    "Expired": "promocore.games.bargain.model",
    "HELPS": "promocore.games.bargain.rules",
    "Help": "promocore.games.bargain.model",
    "HelpRefusedError": "promocore.games.bargain.errors",
    "HelperLimitError": "promocore.games.bargain.errors",
    "IllegalMoveError": "promocore.games.bargain.errors",
    "NotDueError": "promocore.games.bargain.errors",
    "NotInitiatorError": "promocore.games.bargain.errors",
    "NotOrderedError": "promocore.games.bargain.errors",
    "NotReadyToOrderError": "promocore.games.bargain.errors",
    "Order": "promocore.games.bargain.model",
    "Ordered": "promocore.games.bargain.model",
    "OutOfStockError": "promocore.games.bargain.errors",
    "Outcome": "promocore.games.runtime",
    "PriceCut": "promocore.games.bargain.model",
    "Refund": "promocore.games.bargain.model",
    "Refunded": "promocore.games.bargain.model",
    "RetriesExhaustedError": "promocore.games.bargain.errors",
    "SESSIONS": "promocore.games.bargain.rules",
    "STARTS": "promocore.games.bargain.rules",
    "STOCK": "promocore.games.bargain.rules",
    "SelfHelpError": "promocore.games.bargain.errors",
    "SessionClosedError": "promocore.games.bargain.errors",
    "SessionExpiredError": "promocore.games.bargain.errors",
    "SessionLimitError": "promocore.games.bargain.errors",
    "SessionNotFoundError": "promocore.games.bargain.errors",
    "SessionSnapshot": "promocore.games.bargain.snapshot",
    "SessionSucceededError": "promocore.games.bargain.errors",
    "Start": "promocore.games.bargain.model",
    "Started": "promocore.games.bargain.model",
    "Status": "promocore.games.bargain.model",
    "Succeeded": "promocore.games.bargain.model",
    "TakeUnit": "promocore.games.bargain.model",
    "Tally": "promocore.games.bargain.model",
    "TallyCommand": "promocore.games.bargain.model",
    "Uncount": "promocore.games.bargain.model",
    "annotate": "promocore.games.bargain.snapshot",
    "apply": "promocore.games.bargain.rules",
    "count": "promocore.games.bargain.rules",
    "next_cut": "promocore.games.bargain.cuts",
    "plan_cuts": "promocore.games.bargain.cuts",
    "record_help": "promocore.games.bargain.rules",
    "record_start": "promocore.games.bargain.rules",
    "take_stock": "promocore.games.bargain.rules",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
