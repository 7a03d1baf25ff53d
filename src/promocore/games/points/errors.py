"""The exceptions raised by points accounts and rules.

Too few points, or an action done as often as it earns today, is an
[`UnavailableError`][promocore.errors.UnavailableError]; a key reused for another request an
[`IdempotencyConflictError`][promocore.errors.IdempotencyConflictError]. Each is also the
``ValueError`` it always was.
"""

from __future__ import annotations

from promocore import errors as base


class PointsError(base.PromocoreError):
    """Root of the errors about points."""


class InsufficientPointsError(PointsError, base.UnavailableError, ValueError):
    """The account has fewer spendable points than asked.

    Attributes:
        asked: The points asked for.
        available: The points that could be spent.
    """

    def __init__(self, asked: int, available: int) -> None:
        self.asked = asked
        self.available = available
        super().__init__(f"asked for {asked} points, {available} can be spent")


class PointsKeyReusedError(PointsError, base.IdempotencyConflictError):
    """An idempotency key (or an order id) already names a different request."""


class RefundExceedsOrderError(PointsError, ValueError):
    """The refunds of an order add up to more than the order's value."""


class DailyLimitReachedError(PointsError, base.UnavailableError, ValueError):
    """The customer already performed the action as often as it earns points today."""
