"""A customer's points: lots earned, orders paid with points, and what refunds gave back."""

from __future__ import annotations

from datetime import datetime

import attrs

from promocore.money import Money
from promocore.validation import Checks


@attrs.frozen
class Lot:
    """Points earned together, spent and expiring together.

    Attributes:
        id: The idempotency key that earned them.
        points: How many were earned.
        left: How many can still be spent (until
            [`expires_at`][promocore.points.account.Lot.expires_at]).
        earned_at: When they were earned.
        expires_at: When they expire, or ``None`` if never.
        reason: Why they were earned (``"order"``, ``"check_in"``, ``"invite"``).
        order_id: The order that earned them, for taking them back on a refund.
        basis: That order's value in minor units, to take back in proportion.
        refunded: Minor units of that value refunded so far.
        clawed: Points taken back so far (owed, even where already spent).
        expired: Points that expired unspent.
    """

    id: str
    points: int
    left: int
    earned_at: datetime
    expires_at: datetime | None = None
    reason: str = ""
    order_id: str | None = None
    basis: int = 0
    refunded: int = 0
    clawed: int = 0
    expired: int = 0

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.points >= 1, "points", "must be >= 1")
        checks.check(self.left >= 0, "left", "must be >= 0")
        checks.check(0 <= self.refunded <= self.basis, "refunded", "must be within the basis")
        checks.raise_if_any()

    def spendable(self, at: datetime) -> int:
        """Points of the lot that can be spent at ``at``."""
        return 0 if self.expires_at is not None and at >= self.expires_at else self.left


@attrs.frozen
class Take:
    """Points one order took from one lot, and how many came back."""

    lot_id: str
    points: int
    returned: int = 0


@attrs.frozen
class Redemption:
    """Points that paid part of an order.

    Attributes:
        order_id: The order.
        points: Points used.
        basis: The order's value before points, in minor units; refunds give
            points back in proportion to it.
        taken: Where the points came from, in the order they were taken.
        refunded: Minor units of the basis refunded so far.
        returned: Points given back so far.
    """

    order_id: str
    points: int
    basis: int
    taken: tuple[Take, ...]
    refunded: int = 0
    returned: int = 0


def _far(lot: Lot) -> tuple[bool, datetime, datetime, str]:
    expiry = lot.expires_at or lot.earned_at
    return (lot.expires_at is None, expiry, lot.earned_at, lot.id)


@attrs.frozen
class PointsAccount:
    """One customer's points in one program.

    Attributes:
        customer_id: The customer.
        currency: Currency of the order values kept for refunds.
        lots: Every lot earned, oldest first.
        redemptions: Every order paid partly with points.
        refunds: Keys of the refunds applied, so a retried refund changes nothing.
    """

    customer_id: str
    currency: str = "CNY"
    lots: tuple[Lot, ...] = ()
    redemptions: tuple[Redemption, ...] = ()
    refunds: tuple[str, ...] = ()

    def balance(self, at: datetime) -> int:
        """Points that can be spent at ``at``."""
        return sum(lot.spendable(at) for lot in self.lots)

    def lot(self, lot_id: str) -> Lot | None:
        """The lot earned with ``lot_id``, or ``None``."""
        return next((lot for lot in self.lots if lot.id == lot_id), None)

    def redemption(self, order_id: str) -> Redemption | None:
        """The points ``order_id`` used, or ``None``."""
        return next((r for r in self.redemptions if r.order_id == order_id), None)

    def spending_order(self, at: datetime) -> list[Lot]:
        """Lots with points to spend at ``at``, soonest expiry first (the order they are spent)."""
        return sorted((lot for lot in self.lots if lot.spendable(at) > 0), key=_far)

    def expiring(self, at: datetime, before: datetime) -> int:
        """Points spendable at ``at`` that expire before ``before`` (for reminders)."""
        return sum(
            lot.spendable(at)
            for lot in self.lots
            if lot.expires_at is not None and lot.expires_at < before
        )

    def value(self, minor: int) -> Money:
        """``minor`` minor units in the account's currency."""
        return Money(minor, self.currency)
