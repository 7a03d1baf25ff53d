"""What happened to a points account: the events its transitions return."""

from __future__ import annotations

from datetime import datetime

import attrs


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
