"""Bargaining (砍价): a shopper starts a session, friends help cut the price to a floor.

The pieces, from the pure core out:

* [`BargainParams`][promocore.mechanics.bargain.params.BargainParams] - the activity's terms,
  validated.
* [`next_cut`][promocore.mechanics.bargain.cuts.next_cut] and
  [`plan_cuts`][promocore.mechanics.bargain.cuts.plan_cuts] - the cut sequence, reproducible from a
  seed.
* [`apply`][promocore.mechanics.bargain.transitions.apply] - the session state machine, ``(state,
  command, now) -> (state', events)``.
* [`tallies`][promocore.mechanics.bargain.tallies] - limits that span sessions.
* [`BargainService`][promocore.mechanics.bargain.service.BargainService] - the same moves over a
  [`Store`][promocore.state.Store].
* [`annotate`][promocore.mechanics.bargain.snapshot.annotate] and the ``bargain`` mechanic - the
  session's price in a quote.
"""

from promocore.mechanics.bargain.commands import Cancel, Command, Expire, Help, Order, Start
from promocore.mechanics.bargain.cuts import next_cut, plan_cuts
from promocore.mechanics.bargain.errors import (
    AlreadyOrderedError,
    BargainError,
    DuplicateHelpError,
    HelperLimitError,
    HelpRefusedError,
    IllegalMoveError,
    NotDueError,
    NotInitiatorError,
    NotReadyToOrderError,
    OutOfStockError,
    RetriesExhaustedError,
    SelfHelpError,
    SessionClosedError,
    SessionExpiredError,
    SessionLimitError,
    SessionNotFoundError,
    SessionSucceededError,
)
from promocore.mechanics.bargain.events import (
    Cancelled,
    Event,
    Expired,
    Ordered,
    PriceCut,
    Started,
    Succeeded,
)
from promocore.mechanics.bargain.mechanic import Bargain, BargainReason
from promocore.mechanics.bargain.params import BargainParams
from promocore.mechanics.bargain.service import BargainService, Outcome
from promocore.mechanics.bargain.session import BargainSession, Cut, Status
from promocore.mechanics.bargain.snapshot import SessionSnapshot, annotate
from promocore.mechanics.bargain.tallies import Tally
from promocore.mechanics.bargain.transitions import apply

__all__ = [
    "AlreadyOrderedError",
    "Bargain",
    "BargainError",
    "BargainParams",
    "BargainReason",
    "BargainService",
    "BargainSession",
    "Cancel",
    "Cancelled",
    "Command",
    "Cut",
    "DuplicateHelpError",
    "Event",
    "Expire",
    "Expired",
    "Help",
    "HelpRefusedError",
    "HelperLimitError",
    "IllegalMoveError",
    "NotDueError",
    "NotInitiatorError",
    "NotReadyToOrderError",
    "Order",
    "Ordered",
    "OutOfStockError",
    "Outcome",
    "PriceCut",
    "RetriesExhaustedError",
    "SelfHelpError",
    "SessionClosedError",
    "SessionExpiredError",
    "SessionLimitError",
    "SessionNotFoundError",
    "SessionSnapshot",
    "SessionSucceededError",
    "Start",
    "Started",
    "Status",
    "Succeeded",
    "Tally",
    "annotate",
    "apply",
    "next_cut",
    "plan_cuts",
]
