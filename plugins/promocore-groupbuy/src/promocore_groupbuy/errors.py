"""The errors group buys raise; every one is a `PromocoreError` and a case of a shared base.

An illegal move is an ``IllegalTransitionError`` (a ``RuntimeError``), an unknown team or sku a
``NotFoundError`` (a ``LookupError``), a reused join id an ``IdempotencyConflictError`` (a
``ValueError``), a limit used up an ``UnavailableError``: one ``except`` covers every game.
"""

from __future__ import annotations

from promocore import (
    IdempotencyConflictError as SharedIdempotencyConflictError,
)
from promocore import (
    IllegalTransitionError,
    NotFoundError,
    PromocoreError,
    UnavailableError,
)


class GroupBuyError(PromocoreError):
    """Root of the errors of group buys."""


class IllegalMoveError(GroupBuyError, IllegalTransitionError):
    """A team or customer cannot make this move in its current state."""


class TeamClosedError(IllegalMoveError):
    """The team is not open any more (it is full, expired or refunded)."""


class TeamExpiredError(IllegalMoveError):
    """The team's time ran out; it takes no more members."""


class TeamFullError(TeamClosedError):
    """Every seat of the team is taken: it succeeded and takes no more members."""


class AlreadyMemberError(IllegalMoveError):
    """The customer is already a member of this team (a customer joins a team once)."""


class AlreadyInOpenTeamError(IllegalMoveError):
    """The customer is in another open team of the same activity."""


class LimitReachedError(IllegalMoveError, UnavailableError):
    """A per-customer or per-order limit would be exceeded."""


class NotDueError(IllegalMoveError):
    """The team's time has not run out yet."""


class NotCompletedError(IllegalMoveError):
    """Units are returned only from a team that succeeded (an expired one is refunded whole)."""


class UnknownSkuError(GroupBuyError, NotFoundError):
    """The sku is not sold in the activity."""


class TeamNotFoundError(GroupBuyError, NotFoundError):
    """No team has this id."""


class IdempotencyConflictError(GroupBuyError, SharedIdempotencyConflictError):
    """A join id (or team id) was used again for a different request."""
