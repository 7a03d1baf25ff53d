"""The rules of group buys as pure transitions ``(state, command, now) -> (state', events)``.

They read no clock and write nothing; illegal moves raise a typed
[`IllegalMoveError`][promocore_groupbuy.errors.IllegalMoveError]. Joining again with the same join
id changes nothing and returns no events, so a retried request is harmless.

A customer may be in one open team of an activity at a time and may buy at most the per-customer
limit over all teams. Both are counted on one
[`CustomerSlot`][promocore_groupbuy.model.CustomerSlot] per customer and activity, claimed
([`claim`][promocore_groupbuy.rules.claim]) before the team is joined and released
([`unclaim`][promocore_groupbuy.rules.unclaim]) if the join fails or the team is refunded.
[`TEAMS`][promocore_groupbuy.rules.TEAMS] and [`SLOTS`][promocore_groupbuy.rules.SLOTS] are the
games the runner runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import get_args

import attrs

from promocore import Checks, Money, ValidationError
from promocore.games.game import CommandId, Game, missing
from promocore.games.returns import check_return, unit_refund
from promocore_groupbuy.errors import (
    AlreadyInOpenTeamError,
    AlreadyMemberError,
    IdempotencyConflictError,
    IllegalMoveError,
    LimitReachedError,
    NotCompletedError,
    NotDueError,
    TeamClosedError,
    TeamExpiredError,
    TeamFullError,
    TeamNotFoundError,
    UnknownSkuError,
)
from promocore_groupbuy.model import (
    Claim,
    ClaimUnits,
    Command,
    CustomerSlot,
    Event,
    Expire,
    Join,
    Member,
    MemberJoined,
    MemberRefunded,
    MemberReturned,
    Return,
    SlotCommand,
    Team,
    TeamCompleted,
    TeamExpired,
    TeamOpened,
    TeamStatus,
    Terms,
)
from promocore_groupbuy.params import GroupBuyParams


def _check_request(customer: str, quantity: int, join_id: str) -> None:
    checks = Checks()
    checks.check(isinstance(customer, str) and bool(customer.strip()), "customer", "is required")
    checks.check(isinstance(join_id, str) and bool(join_id.strip()), "join_id", "is required")
    checks.check(
        isinstance(quantity, int) and not isinstance(quantity, bool) and quantity >= 1,
        "quantity",
        "must be a whole number >= 1",
    )
    checks.raise_if_any()


def _check_order_limit(limit: int | None, quantity: int) -> None:
    if limit is not None and quantity > limit:
        raise LimitReachedError(f"at most {limit} unit(s) per order at the group price")


def terms_of(params: GroupBuyParams, sku: str) -> Terms:
    """Return the terms a team of ``sku`` is opened under.

    Raises:
        UnknownSkuError: ``sku`` is not sold in the activity.
    """
    price = params.price_of(sku)
    if price is None:
        raise UnknownSkuError(f"{sku!r} is not sold in this group buy")
    return Terms(
        sku=sku,
        size=params.team_size,
        price=price.price,
        leader_price=price.unit_price(leader=True),
        per_order_limit=params.per_order_limit,
        virtual_minimum=params.virtual_minimum,
    )


def open_team(
    team_id: str,
    activity: str,
    params: GroupBuyParams,
    sku: str,
    leader: str,
    quantity: int,
    join_id: str,
    now: datetime,
) -> tuple[Team, tuple[Event, ...]]:
    """Open a team with ``leader`` as its first member, paying the leader price.

    Raises:
        ValidationError: a missing id, customer or quantity.
        UnknownSkuError: ``sku`` is not in the activity.
        LimitReachedError: ``quantity`` is above the per-order limit.
    """
    _check_request(leader, quantity, join_id)
    if not isinstance(team_id, str) or not team_id.strip():
        raise ValidationError.single("team_id", "is required")
    if now.utcoffset() is None:
        raise ValidationError.single("now", "must carry a UTC offset")
    terms = terms_of(params, sku)
    _check_order_limit(terms.per_order_limit, quantity)
    paid = terms.leader_price * quantity
    member = Member(leader, join_id, quantity, paid, now, leader=True)
    expires = now + timedelta(minutes=params.team_minutes)
    team = Team(team_id, activity, terms, now, expires, (member,))
    events: tuple[Event, ...] = (
        TeamOpened(team_id, activity, leader, expires),
        MemberJoined(team_id, leader, join_id, quantity, paid, leader=True),
    )
    return team, events


def _join(team: Team, command: Join, now: datetime) -> tuple[Team, tuple[Event, ...]]:
    _check_request(command.customer, command.quantity, command.join_id)
    earlier = team.by_join(command.join_id)
    if earlier is not None:
        if (earlier.customer, earlier.quantity) != (command.customer, command.quantity):
            raise IdempotencyConflictError(
                f"join id {command.join_id!r} already joined {earlier.customer} "
                f"for {earlier.quantity} unit(s)"
            )
        return team, ()
    if team.status is TeamStatus.FULL or team.seats_left <= 0:
        raise TeamFullError(f"team {team.id} is full")
    if team.status is not TeamStatus.OPEN:
        raise TeamClosedError(f"team {team.id} is {team.status.value}")
    if now >= team.expires_at:
        raise TeamExpiredError(f"team {team.id} expired at {team.expires_at.isoformat()}")
    if team.member(command.customer) is not None:
        raise AlreadyMemberError(f"{command.customer} is already in team {team.id}")
    _check_order_limit(team.terms.per_order_limit, command.quantity)
    paid = team.terms.price * command.quantity
    member = Member(command.customer, command.join_id, command.quantity, paid, now)
    joined = attrs.evolve(team, members=(*team.members, member))
    events: list[Event] = [
        MemberJoined(team.id, command.customer, command.join_id, command.quantity, paid)
    ]
    if joined.seats_left == 0:
        joined = attrs.evolve(joined, status=TeamStatus.FULL, closed_at=now)
        events.append(TeamCompleted(team.id, len(joined.members)))
    return joined, tuple(events)


def _expire(team: Team, now: datetime) -> tuple[Team, tuple[Event, ...]]:
    if team.status is not TeamStatus.OPEN:
        raise TeamClosedError(f"team {team.id} is {team.status.value}, not open")
    if now < team.expires_at:
        raise NotDueError(f"team {team.id} is open until {team.expires_at.isoformat()}")
    minimum = team.terms.virtual_minimum
    if minimum is not None and len(team.members) >= minimum:
        fillers = team.seats_left
        done = attrs.evolve(team, status=TeamStatus.FULL, fillers=fillers, closed_at=now)
        return done, (TeamCompleted(team.id, len(team.members), fillers, virtual=True),)
    expired = attrs.evolve(team, status=TeamStatus.EXPIRED, closed_at=now)
    return expired, (TeamExpired(team.id, len(team.members), team.paid),)


def _refund(team: Team) -> tuple[Team, tuple[Event, ...]]:
    if team.status is not TeamStatus.EXPIRED:
        raise IllegalMoveError(f"team {team.id} is {team.status.value}: only an expired one")
    events = tuple(MemberRefunded(team.id, m.customer, m.join_id, m.paid) for m in team.members)
    return attrs.evolve(team, status=TeamStatus.REFUNDED), events


def _return(team: Team, command: Return) -> tuple[Team, tuple[Event, ...]]:
    member = team.by_join(command.join_id)
    if member is None:
        raise TeamNotFoundError(f"team {team.id} has no join {command.join_id!r}")
    if command.refund_id in member.refund_ids:
        return team, ()
    if team.status is not TeamStatus.FULL:
        raise NotCompletedError(
            f"team {team.id} is {team.status.value}: units come back only from a full team"
        )
    units = check_return(command.units, quantity=member.quantity, returned=member.returned)
    before = member.refunded if member.refunded is not None else Money.zero(member.paid.currency)
    amount = unit_refund(
        member.paid, member.quantity, units, returned=member.returned, refunded=before
    )
    returned = attrs.evolve(
        member,
        returned=member.returned + units,
        refunded=before + amount,
        refund_ids=(*member.refund_ids, command.refund_id),
    )
    members = tuple(returned if m.join_id == member.join_id else m for m in team.members)
    event = MemberReturned(
        team.id, member.customer, member.join_id, command.refund_id, units, amount
    )
    return attrs.evolve(team, members=members), (event,)


def transition(team: Team, command: Command, now: datetime) -> tuple[Team, tuple[Event, ...]]:
    """Apply ``command`` to ``team`` at ``now``.

    * [`Join`][promocore_groupbuy.rules.Join] adds a member to an open, unexpired team with a
      seat free, once per customer and at the group price; the member taking the last seat makes the
      team full.
    * [`Expire`][promocore_groupbuy.rules.Expire] ends an open team whose time ran out: full
      with filler seats when enough members joined for a virtual completion, else expired.
    * [`Refund`][promocore_groupbuy.rules.Refund] marks an expired team refunded; its events
      carry each member's refund.

    Raises:
        TeamFullError: every seat is taken (Join).
        TeamClosedError: the team is not open (Join, Expire).
        TeamExpiredError: its time ran out (Join).
        AlreadyMemberError: the customer is already in it (Join).
        LimitReachedError: above the per-order limit (Join).
        NotDueError: its time has not run out (Expire).
        IllegalMoveError: Refund of a team that is not expired.
        NotCompletedError: Return from a team that did not succeed.
        TeamNotFoundError: Return for a join the team does not have.
        ValidationError: Return of more units than the member kept.
        IdempotencyConflictError: a join id reused for another customer or quantity.
    """
    if now.utcoffset() is None:
        raise ValidationError.single("now", "must carry a UTC offset")
    if isinstance(command, Join):
        return _join(team, command, now)
    if isinstance(command, Expire):
        return _expire(team, now)
    if isinstance(command, Return):
        return _return(team, command)
    return _refund(team)


def replay(team: Team, commands: Sequence[tuple[Command, datetime]]) -> Team:
    """Apply ``commands`` in order (each with its moment) and return the last state."""
    for command, at in commands:
        team, _ = transition(team, command, at)
    return team


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


def slot_transition(
    slot: CustomerSlot, command: SlotCommand, now: datetime
) -> tuple[CustomerSlot, tuple[()]]:
    """A customer's slot: claim a join's units, or give a join's claim back."""
    del now
    if isinstance(command, ClaimUnits):
        return (
            claim(
                slot,
                command.claim,
                limit=command.limit,
                other_team_open=command.other_team_open,
            ),
            (),
        )
    return unclaim(slot, command.join_id), ()


def team_due(team: Team) -> datetime | None:
    """When a sweep should look at the team: its expiry while open, at once once expired."""
    return team.due


def _identify(command: Command) -> CommandId | None:
    if isinstance(command, Join):
        return CommandId(
            f"join:{command.join_id}", {"customer": command.customer, "quantity": command.quantity}
        )
    if isinstance(command, Return):
        return CommandId(
            f"return:{command.refund_id}", {"join": command.join_id, "units": command.units}
        )
    return None


def _conflict(team_id: str, key: str) -> Exception:
    what, _, id = key.partition(":")
    return IdempotencyConflictError(
        f"{what} id {id!r} was already used in team {team_id} for another request"
    )


TEAMS: Game[Team, Command, Event] = Game(
    kind="group_buy.team",
    state=Team,
    transition=transition,
    events=get_args(Event),
    due=team_due,
    identify=_identify,
    not_found=missing(TeamNotFoundError, "team"),
    conflict=_conflict,
)
"""Teams by id (a sweep expires or completes those whose time ran out)."""

SLOTS: Game[CustomerSlot, SlotCommand, object] = Game(
    kind="group_buy.slot",
    state=CustomerSlot,
    transition=slot_transition,
)
"""Customers' slots by ``activity/customer`` (see `slot_id`)."""
