"""What points keep and exchange: accounts, action logs, their commands and events.

A customer's [`PointsAccount`][promocore.games.points.model.PointsAccount] holds the
[`Lot`][promocore.games.points.model.Lot] s they earned and the
[`Redemption`][promocore.games.points.model.Redemption] s of the orders points paid; it changes by
[`Earn`][promocore.games.points.model.Earn], [`Redeem`][promocore.games.points.model.Redeem],
[`Refund`][promocore.games.points.model.Refund] and
[`ExpirePoints`][promocore.games.points.model.ExpirePoints]. An
[`ActionLog`][promocore.games.points.model.ActionLog] remembers, per customer and action, the last
day it was performed and the current streak of consecutive days.
"""

from __future__ import annotations

from datetime import date, datetime

import attrs

from promocore._typed import typed_fields
from promocore.games.points.params import ActionRule
from promocore.money import Money
from promocore.validation import Checks


@attrs.frozen
@typed_fields
class Lot:
    """Points earned together, spent and expiring together.

    Attributes:
        id: The idempotency key that earned them.
        points: How many were earned.
        left: How many can still be spent (until `expires_at`).
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


@attrs.frozen
class PointsEarned:
    """Points were credited as lot ``lot_id``."""

    customer_id: str
    lot_id: str
    points: int
    expires_at: datetime | None
    at: datetime


@attrs.frozen
class PointsRedeemed:
    """``order_id`` was paid partly with ``points`` points."""

    customer_id: str
    order_id: str
    points: int
    at: datetime


@attrs.frozen
class PointsReturned:
    """A refund of ``order_id`` gave back ``points`` points it had used.

    ``expired`` of them came back to lots that have already expired.
    """

    customer_id: str
    order_id: str
    points: int
    expired: int
    at: datetime


@attrs.frozen
class PointsClawedBack:
    """A refund of ``order_id`` took back points it had earned.

    ``owed`` points were due back; ``recovered`` were taken from the balance;
    the rest had already been spent or had expired.
    """

    customer_id: str
    order_id: str
    owed: int
    recovered: int
    at: datetime


@attrs.frozen
class PointsExpired:
    """``points`` points of lot ``lot_id`` expired unspent."""

    customer_id: str
    lot_id: str
    points: int
    at: datetime


#: Any points event.
PointsEvent = PointsEarned | PointsRedeemed | PointsReturned | PointsClawedBack | PointsExpired


Events = tuple[PointsEvent, ...]


@attrs.frozen
@typed_fields
class Earn:
    """Credit ``points`` under the idempotency key ``key``.

    Attributes:
        key: Idempotency key; also the id of the lot.
        points: Points to credit (>= 1).
        reason: Why (``"order"``, ``"check_in"``, ``"invite"``).
        expires_at: When they expire (see `promocore.games.points.Expiry.expires_at`).
        order_id: The order that earned them, so a refund takes them back.
        basis: That order's value, to take back in proportion.
    """

    key: str
    points: int
    reason: str = ""
    expires_at: datetime | None = None
    order_id: str | None = None
    basis: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.key.strip()), "key", "must not be empty")
        checks.check(self.points >= 1, "points", "must be >= 1")
        checks.check(
            (self.order_id is None) == (self.basis is None),
            "basis",
            "give order_id and basis together",
        )
        if self.basis is not None:
            checks.check(self.basis.amount >= 1, "basis", "must be > 0")
        checks.raise_if_any()


@attrs.frozen
@typed_fields
class Redeem:
    """Pay part of ``order_id`` with ``points``; ``basis`` is the order's value before points."""

    order_id: str
    points: int
    basis: Money

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.order_id.strip()), "order_id", "must not be empty")
        checks.check(self.points >= 1, "points", "must be >= 1")
        checks.check(self.basis.amount >= 1, "basis", "must be > 0")
        checks.raise_if_any()


@attrs.frozen
@typed_fields
class Refund:
    """``refunded`` of ``order_id``'s value was refunded; ``key`` names this refund."""

    order_id: str
    key: str
    refunded: Money

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.key.strip()), "key", "must not be empty")
        checks.check(self.refunded.amount >= 1, "refunded", "must be > 0")
        checks.raise_if_any()


@attrs.frozen
class ExpirePoints:
    """Write off the points of lots that have expired."""


#: Any command a points account accepts.
Command = Earn | Redeem | Refund | ExpirePoints


@attrs.frozen
class ActionLog:
    """One customer's record of one action.

    Attributes:
        customer_id: The customer.
        action: The action.
        last_day: The last day it was performed, or ``None``.
        today: How many times it counted on ``last_day``.
        streak: Consecutive days up to ``last_day``.
    """

    customer_id: str
    action: str
    last_day: date | None = None
    today: int = 0
    streak: int = 0


@attrs.frozen
class Perform:
    """The customer performed the action of ``rule`` (a check-in)."""

    rule: ActionRule


@attrs.frozen
class ActionRewarded:
    """The action counted: ``points`` (streak bonus included) are due."""

    customer_id: str
    action: str
    day: date
    count: int
    streak: int
    points: int
    at: datetime
