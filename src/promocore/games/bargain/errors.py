"""The errors bargaining raises when a move is illegal.

Every error derives from [`BargainError`][promocore.games.bargain.errors.BargainError] (itself a
[`PromocoreError`][promocore.errors.PromocoreError]), from the shared base it is a case of and from
the builtin it refines: refused input is a ``ValueError``, a move the session's state does not allow
an [`IllegalTransitionError`][promocore.errors.IllegalTransitionError] (a ``RuntimeError``), a limit
or stock used up an [`UnavailableError`][promocore.errors.UnavailableError], an unknown session a
[`NotFoundError`][promocore.errors.NotFoundError] (a ``LookupError``).
"""

from __future__ import annotations

from promocore import errors as base


class BargainError(base.PromocoreError):
    """Root of every bargaining error."""


class HelpRefusedError(BargainError, ValueError):
    """A help was refused because of who is helping."""


class SelfHelpError(HelpRefusedError):
    """The initiator tried to help their own session."""


class DuplicateHelpError(HelpRefusedError):
    """The helper already helped this session."""


class HelperLimitError(HelpRefusedError, base.UnavailableError):
    """The helper has used every help the activity allows them."""


class SessionLimitError(BargainError, base.UnavailableError, ValueError):
    """The customer has started every session the activity allows them."""


class NotInitiatorError(BargainError, ValueError):
    """Only the customer who started a session may order or cancel it."""


class IllegalMoveError(BargainError, base.IllegalTransitionError):
    """The session's state does not allow this move."""


class SessionClosedError(IllegalMoveError):
    """The session no longer takes this move (it was cancelled, ordered, expired...)."""


class SessionExpiredError(SessionClosedError):
    """The session's time ran out before it reached the floor."""


class SessionSucceededError(SessionClosedError):
    """The session already reached the floor; no more help is taken."""


class NotReadyToOrderError(IllegalMoveError):
    """The session has not reached the floor and the activity does not sell above it."""


class AlreadyOrderedError(IllegalMoveError):
    """The session was already ordered (with another order id)."""


class OutOfStockError(IllegalMoveError, base.UnavailableError):
    """The activity has no stock left."""


class NotDueError(IllegalMoveError):
    """An expiry was asked for a session whose time has not run out."""


class NotOrderedError(IllegalMoveError):
    """A refund was asked for a session that was never ordered."""


class SessionNotFoundError(BargainError, base.NotFoundError):
    """No session has this id."""


class RetriesExhaustedError(BargainError, base.RetriesExhaustedError):
    """A write kept losing compare-and-set races and gave up; nothing was changed by it."""
