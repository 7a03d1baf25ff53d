"""Pure transitions of a team: ``(team, command, now) -> (team', events)``.

They read no clock and write nothing; illegal moves raise a typed
[`IllegalMoveError`][promocore_groupbuy.errors.IllegalMoveError]. Joining again with the same
join id changes nothing and returns no events, so a retried request is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from promocore import Checks, ValidationError
from promocore_groupbuy.errors import (
    AlreadyMemberError,
    IdempotencyConflictError,
    IllegalMoveError,
    LimitReachedError,
    NotDueError,
    TeamClosedError,
    TeamExpiredError,
    TeamFullError,
    UnknownSkuError,
)
from promocore_groupbuy.events import (
    Event,
    MemberJoined,
    MemberRefunded,
    TeamCompleted,
    TeamExpired,
    TeamOpened,
)
from promocore_groupbuy.params import GroupBuyParams
from promocore_groupbuy.team import Member, Team, TeamStatus, Terms


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


Command = Join | Expire | Refund


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


def transition(team: Team, command: Command, now: datetime) -> tuple[Team, tuple[Event, ...]]:
    """Apply ``command`` to ``team`` at ``now``.

    * [`Join`][promocore_groupbuy.transitions.Join] adds a member to an open, unexpired team with a
      seat free, once per customer and at the group price; the member taking the last seat makes the
      team full.
    * [`Expire`][promocore_groupbuy.transitions.Expire] ends an open team whose time ran out: full
      with filler seats when enough members joined for a virtual completion, else expired.
    * [`Refund`][promocore_groupbuy.transitions.Refund] marks an expired team refunded; its events
      carry each member's refund.

    Raises:
        TeamFullError: every seat is taken (Join).
        TeamClosedError: the team is not open (Join, Expire).
        TeamExpiredError: its time ran out (Join).
        AlreadyMemberError: the customer is already in it (Join).
        LimitReachedError: above the per-order limit (Join).
        NotDueError: its time has not run out (Expire).
        IllegalMoveError: Refund of a team that is not expired.
        IdempotencyConflictError: a join id reused for another customer or quantity.
    """
    if now.utcoffset() is None:
        raise ValidationError.single("now", "must carry a UTC offset")
    if isinstance(command, Join):
        return _join(team, command, now)
    if isinstance(command, Expire):
        return _expire(team, now)
    return _refund(team)


def replay(team: Team, commands: Sequence[tuple[Command, datetime]]) -> Team:
    """Apply ``commands`` in order (each with its moment) and return the last state."""
    for command, at in commands:
        team, _ = transition(team, command, at)
    return team
