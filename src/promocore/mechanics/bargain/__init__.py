"""Bargaining (砍价): a shopper starts a session, friends help cut the price to a floor.

The pieces, from the pure core out:

* :class:`BargainParams` - the activity's terms, validated.
* :func:`next_cut` and :func:`plan_cuts` - the cut sequence, reproducible from a seed.
* :func:`apply` - the session state machine, ``(state, command, now) -> (state', events)``.
* :mod:`~promocore.mechanics.bargain.tallies` - limits that span sessions.
* :class:`BargainService` - the same moves over a :class:`~promocore.state.Store`.
* :func:`annotate` and the ``bargain`` mechanic - the session's price in a quote.
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
