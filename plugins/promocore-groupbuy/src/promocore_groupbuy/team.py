"""A team (团) of a group buy: its terms, members and status."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs

from promocore import Money, total


class TeamStatus(enum.Enum):
    """Where a team is in its life: open, then full (success), or expired, then refunded."""

    #: Taking members until it is full or its time runs out.
    OPEN = "open"
    #: Every seat taken (some by filler seats after a virtual completion): the group buy succeeded.
    FULL = "full"
    #: Timed out short of members; every member is owed a refund.
    EXPIRED = "expired"
    #: Every member of an expired team was refunded.
    REFUNDED = "refunded"


@attrs.frozen
class Terms:
    """What a team was opened under: its copy of the activity's terms.

    Attributes:
        sku: The sku the team buys.
        size: Seats in the team, the leader's included.
        price: A member's unit price.
        leader_price: The leader's unit price.
        per_order_limit: Most units one member may buy, or ``None``.
        virtual_minimum: Members a timed-out team needs to complete with filler
            seats, or ``None`` for never.
    """

    sku: str
    size: int
    price: Money
    leader_price: Money
    per_order_limit: int | None = None
    virtual_minimum: int | None = None


@attrs.frozen
class Member:
    """A customer in a team and what they paid.

    Attributes:
        customer: The customer.
        join_id: The id their opening or joining was made with (an order id).
        quantity: Units bought.
        paid: What they paid: unit price times quantity.
        joined_at: When they joined.
        leader: Whether they opened the team.
    """

    customer: str
    join_id: str
    quantity: int
    paid: Money
    joined_at: datetime
    leader: bool = False


def _members(items: Iterable[Member]) -> tuple[Member, ...]:
    return tuple(items)


@attrs.frozen
class Team:
    """A team's state. Change it only through `promocore_groupbuy.transitions`.

    Attributes:
        id: The team's id.
        activity: The id of the group-buy campaign.
        terms: The terms it was opened under.
        opened_at: When the leader opened it.
        expires_at: When it stops taking members.
        members: Its members, the leader first.
        status: Where it is in its life.
        fillers: Seats filled at a virtual completion.
        closed_at: When it became full or expired.
    """

    id: str
    activity: str
    terms: Terms
    opened_at: datetime
    expires_at: datetime
    members: tuple[Member, ...] = attrs.field(converter=_members)
    status: TeamStatus = TeamStatus.OPEN
    fillers: int = 0
    closed_at: datetime | None = None

    @property
    def seats_taken(self) -> int:
        """Members plus filler seats."""
        return len(self.members) + self.fillers

    @property
    def seats_left(self) -> int:
        """Seats still free."""
        return self.terms.size - self.seats_taken

    @property
    def leader(self) -> Member:
        """The member who opened the team."""
        return self.members[0]

    @property
    def paid(self) -> Money:
        """What the members paid in all."""
        return total((m.paid for m in self.members), self.terms.price.currency)

    def member(self, customer: str) -> Member | None:
        """Return the member who is ``customer``, or ``None``."""
        for member in self.members:
            if member.customer == customer:
                return member
        return None

    def by_join(self, join_id: str) -> Member | None:
        """Return the member who joined with ``join_id``, or ``None``."""
        for member in self.members:
            if member.join_id == join_id:
                return member
        return None

    def takes_members(self, now: datetime) -> bool:
        """Whether a customer could join at ``now``: open, unexpired, a seat free."""
        return self.status is TeamStatus.OPEN and now < self.expires_at and self.seats_left > 0

    @property
    def due(self) -> datetime | None:
        """When a sweep should look at the team: its expiry while open, at once once expired."""
        if self.status is TeamStatus.OPEN:
            return self.expires_at
        if self.status is TeamStatus.EXPIRED:
            return self.closed_at
        return None
