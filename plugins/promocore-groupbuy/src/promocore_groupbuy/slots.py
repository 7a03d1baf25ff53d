"""A customer's place in one activity: units bought and the open team they are in.

A customer may be in one open team of an activity at a time and may buy at most
the per-customer limit over all teams. Both are counted on one record per customer
and activity, claimed before the team is joined and released if the join fails or
the team is refunded. Pure functions over frozen values, like the team's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from promocore_groupbuy.errors import (
    AlreadyInOpenTeamError,
    IdempotencyConflictError,
    LimitReachedError,
)


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


def slot_id(activity: str, customer: str) -> str:
    """The store id of a customer's slot in an activity."""
    return f"{activity}/{customer}"


def claim(
    slot: CustomerSlot,
    join: Claim,
    *,
    limit: int | None,
    other_team_open: bool,
) -> CustomerSlot:
    """Count ``join`` for the customer and make its team their open team.

    Args:
        slot: The customer's slot.
        join: The join to count.
        limit: The per-customer limit, or ``None``.
        other_team_open: Whether ``slot.open_team`` (when it is another team) is
            still open; the caller reads that team.

    Raises:
        AlreadyInOpenTeamError: the customer is in another open team of the activity.
        LimitReachedError: the per-customer limit would be exceeded.
        IdempotencyConflictError: the join id was counted for another team or quantity.
    """
    earlier = slot.claim_of(join.join_id)
    if earlier is not None:
        if (earlier.team, earlier.quantity) != (join.team, join.quantity):
            raise IdempotencyConflictError(
                f"join id {join.join_id!r} was counted for team {earlier.team}"
            )
        return slot
    if slot.open_team is not None and slot.open_team != join.team and other_team_open:
        raise AlreadyInOpenTeamError(
            f"{slot.customer} is in open team {slot.open_team} of this activity"
        )
    if limit is not None and slot.units + join.quantity > limit:
        raise LimitReachedError(
            f"{slot.customer} may buy {limit} unit(s) in this group buy; "
            f"{slot.units} already counted"
        )
    return attrs.evolve(slot, open_team=join.team, claims=(*slot.claims, join))


def unclaim(slot: CustomerSlot, join_id: str) -> CustomerSlot:
    """Stop counting the join ``join_id`` (a failed join, or a refund); no-op if not counted."""
    found = slot.claim_of(join_id)
    if found is None:
        return slot
    claims = tuple(c for c in slot.claims if c.join_id != join_id)
    open_team = None if slot.open_team == found.team else slot.open_team
    return attrs.evolve(slot, open_team=open_team, claims=claims)
