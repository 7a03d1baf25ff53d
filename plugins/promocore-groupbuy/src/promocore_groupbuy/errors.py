"""The errors group buys raise; every one is a `PromocoreError`."""

from __future__ import annotations

from promocore import PromocoreError


class GroupBuyError(PromocoreError):
    """Root of the errors of group buys."""


class IllegalMoveError(GroupBuyError, RuntimeError):
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


class LimitReachedError(IllegalMoveError):
    """A per-customer or per-order limit would be exceeded."""


class NotDueError(IllegalMoveError):
    """The team's time has not run out yet."""


class UnknownSkuError(GroupBuyError, LookupError):
    """The sku is not sold in the activity."""


class TeamNotFoundError(GroupBuyError, LookupError):
    """No team has this id."""


class IdempotencyConflictError(GroupBuyError, ValueError):
    """A join id (or team id) was used again for a different request."""
