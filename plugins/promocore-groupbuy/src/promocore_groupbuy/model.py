"""What a group buy keeps and exchanges: teams, customers' slots, their commands and events.

A [`Team`][promocore_groupbuy.model.Team] (团) holds its [`Terms`][promocore_groupbuy.model.Terms],
its [`Member`][promocore_groupbuy.model.Member] s and its
[`TeamStatus`][promocore_groupbuy.model.TeamStatus]; it changes by
[`Join`][promocore_groupbuy.model.Join], [`Expire`][promocore_groupbuy.model.Expire],
[`Refund`][promocore_groupbuy.model.Refund] (every member of an expired team) and
[`Return`][promocore_groupbuy.model.Return] (some of a member's units, after the team
succeeded). A [`CustomerSlot`][promocore_groupbuy.model.CustomerSlot] holds one customer's place in
one activity: units bought and the open team they are in.
"""

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
        returned: Units they returned after the team succeeded.
        refunded: What those returns refunded.
        refund_ids: The ids of those returns, so a retried return counts once.
    """

    customer: str
    join_id: str
    quantity: int
    paid: Money
    joined_at: datetime
    leader: bool = False
    returned: int = 0
    refunded: Money | None = None
    refund_ids: tuple[str, ...] = ()


def _members(items: Iterable[Member]) -> tuple[Member, ...]:
    return tuple(items)


@attrs.frozen
class Team:
    """A team's state. Change it only through `promocore_groupbuy.rules`.

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


@attrs.frozen
class TeamOpened:
    """A leader opened a team."""

    team: str
    activity: str
    leader: str
    expires_at: datetime


@attrs.frozen
class MemberJoined:
    """A customer joined (the leader counts, on opening) and paid ``amount``."""

    team: str
    customer: str
    join_id: str
    quantity: int
    amount: Money
    leader: bool = False


@attrs.frozen
class TeamCompleted:
    """Every seat is taken: the group buy succeeded and the members' orders ship.

    ``fillers`` seats were filled at a virtual completion (``virtual`` is then true).
    """

    team: str
    members: int
    fillers: int = 0
    virtual: bool = False


@attrs.frozen
class TeamExpired:
    """The team timed out short of members; ``owed`` is what its members paid in all."""

    team: str
    members: int
    owed: Money


@attrs.frozen
class MemberRefunded:
    """A member of an expired team was refunded ``amount`` for the join ``join_id``."""

    team: str
    customer: str
    join_id: str
    amount: Money


@attrs.frozen
class MemberReturned:
    """``units`` of a member's units came back; ``amount`` of what they paid goes back to them."""

    team: str
    customer: str
    join_id: str
    refund_id: str
    units: int
    amount: Money


Event = TeamOpened | MemberJoined | TeamCompleted | TeamExpired | MemberRefunded | MemberReturned


@attrs.frozen
class Join:
    """A customer joins the team, buying ``quantity`` units; ``join_id`` makes it idempotent."""

    customer: str
    quantity: int
    join_id: str


@attrs.frozen
class Expire:
    """The team's time ran out: complete it virtually, or expire it."""


@attrs.frozen
class Refund:
    """Every member of the expired team has been refunded."""


@attrs.frozen
class Return:
    """``units`` of the member ``join_id``'s units came back under ``refund_id``.

    Only a team that succeeded sells units that can come back; the refund is their share of
    what the member paid (see [`unit_refund`][promocore.games.returns.unit_refund]).
    """

    join_id: str
    refund_id: str
    units: int


Command = Join | Expire | Refund | Return


@attrs.frozen
class Claim:
    """Units one join took: ``quantity`` units in ``team``, claimed at ``at``."""

    join_id: str
    team: str
    quantity: int
    at: datetime


def _claims(items: Iterable[Claim]) -> tuple[Claim, ...]:
    return tuple(items)


@attrs.frozen
class CustomerSlot:
    """One customer in one activity.

    Attributes:
        activity: The group-buy campaign.
        customer: The customer.
        open_team: The team the customer last opened or joined, while it may be open.
        claims: The joins counted against the per-customer limit.
    """

    activity: str
    customer: str
    open_team: str | None = None
    claims: tuple[Claim, ...] = attrs.field(default=(), converter=_claims)

    @property
    def units(self) -> int:
        """Units counted against the per-customer limit."""
        return sum(c.quantity for c in self.claims)

    def claim_of(self, join_id: str) -> Claim | None:
        """Return the claim made with ``join_id``, or ``None``."""
        for claim in self.claims:
            if claim.join_id == join_id:
                return claim
        return None

    def latest_claim_on(self, team: str) -> Claim | None:
        """Return the last claim made on ``team``, or ``None``."""
        found = [c for c in self.claims if c.team == team]
        return found[-1] if found else None


@attrs.frozen
class ClaimUnits:
    """Count the join ``claim`` for the customer and make its team their open team.

    ``other_team_open`` says whether the slot's open team (when it is another team) still
    holds the customer; the service reads that team.
    """

    claim: Claim
    limit: int | None
    other_team_open: bool


@attrs.frozen
class Unclaim:
    """Stop counting the join ``join_id`` (a failed join, or a refund)."""

    join_id: str


#: Any command a customer's slot takes.
SlotCommand = ClaimUnits | Unclaim
