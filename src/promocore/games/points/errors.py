"""The exceptions raised by points accounts and rules."""

from __future__ import annotations

from promocore.errors import PromocoreError


class PointsError(PromocoreError):
    """Root of the errors about points."""


class InsufficientPointsError(PointsError, ValueError):
    """The account has fewer spendable points than asked.

    Attributes:
        asked: The points asked for.
        available: The points that could be spent.
    """

    def __init__(self, asked: int, available: int) -> None:
        self.asked = asked
        self.available = available
        super().__init__(f"asked for {asked} points, {available} can be spent")


class PointsKeyReusedError(PointsError, ValueError):
    """An idempotency key (or an order id) already names a different request."""


class RefundExceedsOrderError(PointsError, ValueError):
    """The refunds of an order add up to more than the order's value."""


class DailyLimitReachedError(PointsError, ValueError):
    """The customer already performed the action as often as it earns points today."""
