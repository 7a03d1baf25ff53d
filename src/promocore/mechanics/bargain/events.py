"""What happened to a session: the events its transitions return."""

from __future__ import annotations

from datetime import datetime

import attrs

from promocore.money import Money


@attrs.frozen
class Started:
    """A session started at ``price``."""

    session_id: str
    activity: str
    initiator: str
    price: Money
    expires_at: datetime
    at: datetime


@attrs.frozen
class PriceCut:
    """``by`` cut ``amount`` off; the price is now ``price``.

    ``help_number`` counts the friends' helps (1 for the first friend); it is 0
    for the initiator's own cut.
    """

    session_id: str
    by: str
    amount: Money
    price: Money
    help_number: int
    boosted: bool
    at: datetime


@attrs.frozen
class Succeeded:
    """The session reached its floor ``price``."""

    session_id: str
    price: Money
    helps: int
    at: datetime


@attrs.frozen
class Expired:
    """The session's time ran out at ``at`` while ``price`` was above the floor."""

    session_id: str
    price: Money
    at: datetime


@attrs.frozen
class Cancelled:
    """The initiator cancelled the session."""

    session_id: str
    at: datetime


@attrs.frozen
class Ordered:
    """The initiator bought the item at ``price`` with order ``order_id``."""

    session_id: str
    order_id: str
    price: Money
    at: datetime


#: Any event a transition returns.
Event = Started | PriceCut | Succeeded | Expired | Cancelled | Ordered
