"""A bargaining session: one shopper's item, cut by friends toward the floor."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs

from promocore.mechanics.bargain.params import BargainParams
from promocore.money import Money, total


class Status(enum.Enum):
    """Where a session is in its life.

    ``started`` (taking help) → ``succeeded`` (at the floor) → ``ordered``;
    ``started`` → ``expired`` when time runs out; ``started`` or ``succeeded`` →
    ``cancelled`` by the initiator. With ``buy_above_floor``, ``started`` →
    ``ordered`` at the current price.
    """

    STARTED = "started"
    SUCCEEDED = "succeeded"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    ORDERED = "ordered"


#: Statuses no move leaves.
FINAL: frozenset[Status] = frozenset({Status.EXPIRED, Status.CANCELLED, Status.ORDERED})


@attrs.frozen
class Cut:
    """One cut of a session's price.

    Attributes:
        by: The customer who cut (the initiator for the first cut, if they cut).
        amount: How much came off.
        at: When.
        boosted: The cut was made bigger for a new helper.
    """

    by: str
    amount: Money
    at: datetime
    boosted: bool = False


def _cuts(items: Iterable[Cut]) -> tuple[Cut, ...]:
    return tuple(items)


@attrs.frozen
class BargainSession:
    """The state of one session; change it only through `apply`.

    Attributes:
        id: Unique session id (also the one cart lines reference).
        activity: Id of the campaign the session belongs to.
        initiator: The customer who started it and may order it.
        seed: Seed of the session's cut sequence.
        terms: The activity's params when the session started.
        started_at: When it started.
        expires_at: When it stops taking help unless it succeeded.
        price: The current price.
        cuts: Every cut so far, in order.
        status: Where the session is in its life.
        succeeded_at: When it reached the floor.
        closed_at: When it expired, was cancelled or ordered.
        order_id: The order that bought it.
    """

    id: str
    activity: str
    initiator: str
    seed: str
    terms: BargainParams
    started_at: datetime
    expires_at: datetime
    price: Money
    cuts: tuple[Cut, ...] = attrs.field(default=(), converter=_cuts)
    status: Status = Status.STARTED
    succeeded_at: datetime | None = None
    closed_at: datetime | None = None
    order_id: str | None = None

    @property
    def helpers(self) -> tuple[str, ...]:
        """Customers who helped, in order (the initiator's own cut is not a help)."""
        offset = 1 if self.terms.initiator_cuts_first else 0
        return tuple(cut.by for cut in self.cuts[offset:])

    @property
    def helps(self) -> int:
        """How many friends helped."""
        return len(self.helpers)

    @property
    def cut_total(self) -> Money:
        """What the cuts took off in all."""
        return total((cut.amount for cut in self.cuts), self.price.currency)

    @property
    def to_floor(self) -> Money:
        """What is still above the floor."""
        return self.price - self.terms.floor_price

    @property
    def at_floor(self) -> bool:
        """True if the price reached the floor."""
        return self.price == self.terms.floor_price

    @property
    def helps_left(self) -> int:
        """Helps still needed at most (new helpers' bigger cuts may need fewer)."""
        return 0 if self.at_floor else self.terms.cuts - len(self.cuts)

    def is_open(self, at: datetime) -> bool:
        """True if the session takes help at ``at``."""
        return self.status is Status.STARTED and at < self.expires_at

    def is_due(self, at: datetime) -> bool:
        """True if the session should be expired at ``at`` (still started, time is up)."""
        return self.status is Status.STARTED and at >= self.expires_at

    def orderable(self, at: datetime) -> bool:
        """True if the initiator may order the session at ``at``."""
        if self.status is Status.SUCCEEDED:
            return True
        return self.terms.buy_above_floor and self.is_open(at)
